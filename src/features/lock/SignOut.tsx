/**
 * The sign-out confirmation (issue 14): how many changes are not saved on the server yet, and that signing out keeps
 * them (encrypted on a shared device) for the user's next sign-in. Shown in place of the screen, not as a pop-up.
 */
import '../../app/locales/sharedpc.zh.ts';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import type { Session, SharedPcApi } from '../../app/services.ts';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';

export function SignOutConfirm({ session, shared, onConfirm, onCancel }: { session: Session; shared: SharedPcApi | undefined; onConfirm(): void; onCancel(): void }) {
  const [isShared, setShared] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void shared?.deviceShared().then(setShared, () => setShared(null));
  }, [shared]);
  // Read through the status signal, so the count follows uploads finishing while the question is open.
  const status = session.status.value;
  const u = shared?.unsaved(session) ?? { ready: status.ready, total: status.unsaved + (status.uploads?.photos ?? 0) + (status.uploads?.clips ?? 0) };
  return (
    <div class="signout">
      <ScreenTitle suffix={t('app.name')}>{t('signout.title')}</ScreenTitle>
      <section class="card" aria-live="polite">
        {!u.ready ? (
          <p role="status">{t('signout.counting')}</p>
        ) : u.total > 0 ? (
          <>
            <p class="signout-count">
              <strong>{t('signout.unsaved', { n: u.total })}</strong>
            </p>
            <p>{isShared ? t('signout.keptShared') : t('signout.kept')}</p>
          </>
        ) : (
          <p>{t('signout.allSaved')}</p>
        )}
        {isShared && !(u.ready && u.total > 0) ? <p>{t('signout.sharedNote')}</p> : null}
        <div class="button-row">
          <button
            type="button"
            class="btn btn-primary"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              onConfirm();
            }}
          >
            {busy ? t('signout.busy') : t('signout.confirm')}
          </button>
          <button type="button" class="btn" onClick={onCancel}>
            {t('signout.cancel')}
          </button>
        </div>
      </section>
    </div>
  );
}
