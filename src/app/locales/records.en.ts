/** English messages of the save state of people and party records (features/party/Unsaved.tsx); the same keys as records.zh.ts. */
import type { RecordsMessages } from './records.zh.ts';

export const recordsEn: RecordsMessages = {
  'records.unsaved': '{n} people or party records not yet saved on the server (kept on this device)',
  'records.allSaved': 'People and party records are saved on the server',
};
