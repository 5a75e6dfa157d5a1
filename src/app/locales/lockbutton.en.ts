/** English of the header's lock button; the same keys as lockbutton.zh.ts. */
import type { LockbuttonMessages } from './lockbutton.zh.ts';

export const lockbuttonEn: LockbuttonMessages = {
  'lock.lock': 'Lock',
};
