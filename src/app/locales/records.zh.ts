/**
 * Simplified Chinese messages of the save state of people and party records (features/party/Unsaved.tsx). A
 * module that uses these keys imports this file, so the pack lands in that module's lazy chunk and is
 * registered (addMessages) before its screen renders; records.en.ts, with the same keys (type-checked), loads
 * on demand when the language is English.
 */
import { addMessages } from '../i18n.ts';

export const recordsZh = {
  'records.unsaved': '{n} 条人员或党建记录尚未保存到服务器（已保存在本设备）',
  'records.allSaved': '人员和党建记录已保存到服务器',
} as const;

export type RecordsMessages = Record<keyof typeof recordsZh, string>;

addMessages(recordsZh, () => import('./records.en.ts').then((m) => m.recordsEn));
