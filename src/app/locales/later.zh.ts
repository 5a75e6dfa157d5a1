/**
 * Words of the parts that load after the first screen: the update prompt, the sign-in-again banner (features/shell)
 * and deadlines' durations (features/workflow/Deadline.tsx). Their own pack, registered when one of them loads, so
 * the first screen's JS does not carry them. later.en.ts: the same keys.
 */
import { addMessages } from '../i18n.ts';

export const laterZh = {
  'pwa.update': '新版本可用',
  'pwa.reload': '刷新',
  'pwa.offlineReady': '网格通已可离线使用',
  'pwa.dismiss': '关闭',
  'sync.expired': '登录已过期，更改仍保存在本机。请重新输入密码以继续同步。',
  'sync.renew': '继续同步',
  'sync.renewBusy': '正在验证…',
  'sync.renewFailed': '密码错误或无法连接服务器。',
  'dur.dh': '{d} 天 {h} 小时',
  'dur.d': '{d} 天',
  'dur.hm': '{h} 小时 {m} 分',
  'dur.h': '{h} 小时',
  'dur.m': '{m} 分钟',
} as const;

export type LaterMessages = Record<keyof typeof laterZh, string>;

addMessages(laterZh, () => import('./later.en.ts').then((m) => m.laterEn));
