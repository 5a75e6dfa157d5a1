/**
 * Service worker registration through workbox-window, with an update prompt: a new version waits until the
 * user chooses to reload (registerType 'prompt'), so nobody loses a half-filled form to an automatic reload.
 * workbox-window is loaded after the first paint, outside the initial bundle.
 */
import { signal } from '@preact/signals';

export interface PwaState {
  /** A new service worker is installed and waiting. */
  needRefresh: boolean;
  /** The app shell has just been cached for the first time: it now works offline. */
  offlineReady: boolean;
}

export const pwaState = signal<PwaState>({ needRefresh: false, offlineReady: false });

let activateWaiting: (() => void) | null = null;

/** Reload into the waiting version. */
export function applyUpdate(): void {
  if (activateWaiting) activateWaiting();
  else location.reload();
}

export function dismissPwaNotice(): void {
  pwaState.value = { ...pwaState.value, offlineReady: false };
}

const UPDATE_CHECK_MS = 60 * 60 * 1000;

/** Register /sw.js (production builds only). Resolves once registration was attempted. */
export async function registerPwa(opts: { url?: string; enabled?: boolean } = {}): Promise<void> {
  const enabled = opts.enabled ?? import.meta.env.PROD;
  if (!enabled || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  const { Workbox } = await import('workbox-window');
  const wb = new Workbox(opts.url ?? '/sw.js', { scope: '/' });

  wb.addEventListener('waiting', () => {
    activateWaiting = () => {
      // Reload once the new worker controls the page, so page and cache are of the same version.
      wb.addEventListener('controlling', () => location.reload());
      wb.messageSkipWaiting();
    };
    pwaState.value = { ...pwaState.value, needRefresh: true };
  });
  wb.addEventListener('activated', (e) => {
    if (!e.isUpdate && !e.isExternal) pwaState.value = { ...pwaState.value, offlineReady: true };
  });

  try {
    const reg = await wb.register();
    // Long-lived tabs (a dispatcher's PC) look for a new version now and then.
    if (reg) setInterval(() => void wb.update().catch(() => undefined), UPDATE_CHECK_MS);
  } catch {
    // Registration fails on http:// other than localhost, or in private modes: the app still works online.
  }
}
