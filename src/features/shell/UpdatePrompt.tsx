/**
 * "新版本可用 · 刷新": offered when a new service worker is waiting; and a one-time "works offline" note that
 * hides itself after a while. Both float at the bottom, so they never push the page around.
 *
 * The offline note waits for a signed-in screen (`offlineNote`): on the sign-in or sign-up screen nothing works
 * offline yet (the first sign-in needs the relay), and a note popping up there, seconds into a first visit, only
 * moves the page under a reader who is still typing. Issue 14: not in 长辈版 either, where nothing pops up unasked
 * and nothing goes away on a timer before it is read (the sync status bar says whether the app is online).
 */
import '../../app/locales/later.zh.ts';
import { useEffect } from 'preact/hooks';
import { applyUpdate, pwaState, dismissPwaNotice } from '../../app/pwa.ts';
import { elderMode } from '../../app/display.ts';
import { t } from '../../app/i18n.ts';

const OFFLINE_NOTE_MS = 10_000;

export function UpdatePrompt({ offlineNote }: { offlineNote: boolean }) {
  const s = pwaState.value;
  const offline = s.offlineReady && offlineNote && elderMode.value === 'off';
  useEffect(() => {
    if (!offline || s.needRefresh) return;
    const id = setTimeout(dismissPwaNotice, OFFLINE_NOTE_MS);
    return () => clearTimeout(id);
  }, [offline, s.needRefresh]);
  if (!s.needRefresh && !offline) return null;
  return (
    <div class="toast" role="status">
      {s.needRefresh ? (
        <p class="banner-row">
          <span>{t('pwa.update')}</span>
          <button type="button" class="btn btn-primary" onClick={() => applyUpdate()}>
            {t('pwa.reload')}
          </button>
        </p>
      ) : (
        <p class="banner-row">
          <span>{t('pwa.offlineReady')}</span>
          <button type="button" class="btn btn-quiet" onClick={() => dismissPwaNotice()}>
            {t('pwa.dismiss')}
          </button>
        </p>
      )}
    </div>
  );
}
