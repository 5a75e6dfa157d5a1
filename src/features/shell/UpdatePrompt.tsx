/**
 * "新版本可用 · 刷新": offered when a new service worker is waiting; and a one-time "works offline" note that
 * hides itself after a while. Both float at the bottom, so they never push the page around.
 */
import { useEffect } from 'preact/hooks';
import { applyUpdate, pwaState, dismissPwaNotice } from '../../app/pwa.ts';
import { t } from '../../app/i18n.ts';

const OFFLINE_NOTE_MS = 10_000;

export function UpdatePrompt() {
  const s = pwaState.value;
  useEffect(() => {
    if (!s.offlineReady || s.needRefresh) return;
    const id = setTimeout(dismissPwaNotice, OFFLINE_NOTE_MS);
    return () => clearTimeout(id);
  }, [s.offlineReady, s.needRefresh]);
  if (!s.needRefresh && !s.offlineReady) return null;
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
