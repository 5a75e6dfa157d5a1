/** English of later.zh.ts; the same keys. */
import type { LaterMessages } from './later.zh.ts';

export const laterEn: LaterMessages = {
  'pwa.update': 'A new version is available',
  'pwa.reload': 'Reload',
  'pwa.offlineReady': 'Gridlink now works offline',
  'pwa.dismiss': 'Dismiss',
  'sync.expired': 'Your sign-in has expired; your changes are kept on this device. Enter your password to resume syncing.',
  'sync.renew': 'Resume syncing',
  'sync.renewBusy': 'Checking…',
  'sync.renewFailed': 'Wrong password or the server cannot be reached.',
  'dur.dh': '{d} d {h} h',
  'dur.d': '{d} d',
  'dur.hm': '{h} h {m} min',
  'dur.h': '{h} h',
  'dur.m': '{m} min',
};
