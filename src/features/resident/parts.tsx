/** Small parts shared by the resident screens. */
import { formatTime, t } from '../../app/i18n.ts';
import type { Session } from '../../app/services.ts';
import { Icon } from '../../ui/icons.tsx';
import type { Delivery } from './words.ts';

/**
 * Where a report made on this phone is: 待发送 (no network: kept on the phone), 发送中, 已送达 — with when it was
 * reported, and its photos still uploading (the report reaches the relay before its photos do).
 */
export function DeliveryLine({ session, caseId, state, reportedMs, long }: { session: Session; caseId: string; state: Delivery; reportedMs: number; long?: boolean }) {
  const up = session.evidence?.uploads.value.byCase[caseId];
  const pct = up && up.bytes > 0 ? Math.floor(((up.bytes - up.bytesLeft) / up.bytes) * 100) : 0;
  return (
    <span class={`rs-delivery rs-delivery-${state}`}>
      <Icon name={state === 'sent' ? 'check' : 'clock'} />
      <span>
        <strong>{t(`rs.send.${state}`)}</strong>
        {' · '}
        {formatTime(reportedMs)}
        {up ? ` · ${t('rs.send.photos', { pct })}` : null}
        {long && state === 'waiting' ? <span class="rs-delivery-hint">{t('rs.send.waitingHint')}</span> : null}
      </span>
    </span>
  );
}
