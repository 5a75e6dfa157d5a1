/**
 * The header's lock button (issue 14, features/shell): its own pack, so the shell's first bundle carries one word,
 * not the whole shared-PC pack (sharedpc.zh.ts, loaded with the lock screen and #/me). lockbutton.en.ts: same keys.
 */
import { addMessages } from '../i18n.ts';

export const lockbuttonZh = {
  'lock.lock': '锁屏',
} as const;

export type LockbuttonMessages = Record<keyof typeof lockbuttonZh, string>;

addMessages(lockbuttonZh, () => import('./lockbutton.en.ts').then((m) => m.lockbuttonEn));
