/**
 * 撤销登记 (issue 17): a dispute registered by mistake is withdrawn by its opener or the town center while it is
 * open (`mayWithdrawNow`, src/domain/mediation.ts), with a reason (1..200 characters) and a confirm step: the
 * withdrawal is final, and the dispute then counts in no figure. The reason is checked at the field before the
 * confirm step is offered.
 */
import { useState } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import type { MediationApi } from '../../app/mediation.ts';
import type { RecordResult } from '../../app/records.ts';
import type { Dispute } from '../../domain/mediation.ts';
import { Field, describedBy } from '../../ui/Field.tsx';

const MAX_REASON = 200;

export function WithdrawCard({ d, api, done }: { d: Dispute; api: MediationApi; done: (r: RecordResult) => void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const check = (e: Event) => {
    e.preventDefault();
    const r = reason.trim();
    if (!r) return setError(t('md.wd.errEmpty'));
    if (r.length > MAX_REASON) return setError(t('md.wd.errLong', { n: MAX_REASON }));
    setError(null);
    setConfirming(true);
  };
  const withdraw = () => {
    const r = api.act('dispute_withdrawn', { disputeId: d.id, reason: reason.trim() });
    setConfirming(false);
    if (r.ok) setOpen(false);
    done(r);
  };
  if (!open) {
    return (
      <section class="card md-wd" aria-labelledby="md-wd">
        <h2 id="md-wd">{t('md.wd.title')}</h2>
        <p class="muted">{t('md.wd.lead')}</p>
        <button type="button" class="btn btn-quiet" onClick={() => setOpen(true)}>
          {t('md.wd.start')}
        </button>
      </section>
    );
  }
  return (
    <section class="card md-wd" aria-labelledby="md-wd">
      <h2 id="md-wd">{t('md.wd.title')}</h2>
      <form class="md-form" onSubmit={check} noValidate>
        <Field id="md-wd-reason" label={t('md.wd.reason')} hint={t('md.wd.reasonHint', { n: MAX_REASON })} error={error}>
          <textarea
            id="md-wd-reason"
            rows={3}
            maxLength={MAX_REASON}
            value={reason}
            readOnly={confirming}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={describedBy('md-wd-reason', true, error)}
            onInput={(e) => {
              setReason((e.target as HTMLTextAreaElement).value);
              setError(null);
            }}
          />
        </Field>
        {!confirming ? (
          <div class="md-actions">
            <button type="submit" class="btn btn-danger">
              {t('md.wd.next')}
            </button>
            <button type="button" class="btn btn-quiet" onClick={() => setOpen(false)}>
              {t('md.wd.keep')}
            </button>
          </div>
        ) : null}
      </form>
      {confirming ? (
        <div class="md-wd-confirm" role="alertdialog" aria-labelledby="md-wd-q" aria-describedby="md-wd-q">
          <p id="md-wd-q">
            <strong>{t('md.wd.confirm')}</strong>
          </p>
          <div class="md-actions">
            <button type="button" class="btn btn-danger" onClick={withdraw}>
              {t('md.wd.do')}
            </button>
            <button type="button" class="btn btn-quiet" onClick={() => setConfirming(false)}>
              {t('md.wd.back')}
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}
