/** The first sign-in's question on a device (issue 14): is it shared? Asked once per device, in place of the screen. */
import '../../app/locales/sharedpc.zh.ts';
import { useState } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import type { Session, SharedPcApi } from '../../app/services.ts';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';

export function SharedQuestion({ session, shared, onDone }: { session: Session; shared: SharedPcApi; onDone(): void }) {
  const [busy, setBusy] = useState(false);
  const answer = async (on: boolean) => {
    setBusy(true);
    try {
      await shared.setDeviceShared(on, session);
    } finally {
      onDone();
    }
  };
  return (
    <div class="shared-question">
      <ScreenTitle suffix={t('app.name')}>{t('shared.question')}</ScreenTitle>
      <section class="card">
        <p id="shared-hint">{t('shared.questionHint')}</p>
        <div class="button-row" role="group" aria-describedby="shared-hint">
          <button type="button" class="btn btn-primary" disabled={busy} onClick={() => void answer(true)}>
            {t('shared.yes')}
          </button>
          <button type="button" class="btn" disabled={busy} onClick={() => void answer(false)}>
            {t('shared.no')}
          </button>
        </div>
        <p class="hint">{t('shared.later')}</p>
      </section>
    </div>
  );
}
