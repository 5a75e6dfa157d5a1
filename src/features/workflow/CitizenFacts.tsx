/**
 * The public side's facts of a case (issue 13), as definition-list rows for the case detail and the queue panels:
 *  - the reporter's rating (回访) with their note, and the 二次回访 it opened: waiting, reopened or called (who,
 *    when, the reopen's reason or the call's note, the resident's answer);
 *  - 代报: the resident the case was reported for and how they told the reporter (电话 / 上门 / 当面), with
 *    their phone for the roles that may call a reporter (ReporterContact's rule), never for others;
 *  - an Open311 client's `contact` (name, phone, email), the phone under the same rule.
 */
import { formatDateTime, t } from '../../app/i18n.ts';
import '../../app/locales/detail.zh.ts';
import '../../app/locales/wf.zh.ts';
import type { OrgView } from '../../app/services.ts';
import type { UserInfo } from '../../domain/org.ts';
import type { CaseState } from '../../domain/workflow.ts';
import { Badge } from '../../ui/Badge.tsx';
import { userLabel } from '../cases/lookup.ts';
import { CONTACT_ROLES } from './ReporterContact.tsx';
import './contact.css';

const telHref = (phone: string) => `tel:${phone.replace(/[^0-9+]/g, '')}`;

function Phone({ phone, viewer }: { phone: string | undefined; viewer: UserInfo }) {
  if (!phone || !CONTACT_ROLES.includes(viewer.role)) return null;
  return (
    <a class="btn tel-link" href={telHref(phone)}>
      <span aria-hidden="true">☎</span> {t('contact.call', { phone })}
    </a>
  );
}

/** The rating and the 二次回访 (nothing before a rating). */
export function RatingFacts({ c, org }: { c: CaseState; org: OrgView | null }) {
  const r = c.revisit;
  return (
    <>
      {c.satisfaction ? (
        <>
          <dt>{t('wf.satisfaction')}</dt>
          <dd class="rating">
            <Badge tone={c.satisfaction === 'dissatisfied' ? 'red' : 'green'}>{t(`satisfaction.${c.satisfaction}`)}</Badge>
            {c.feedbackNote ? <span class="prewrap rating-note">{c.feedbackNote}</span> : null}
          </dd>
        </>
      ) : null}
      {r ? (
        <>
          <dt>{t('wf.revisit')}</dt>
          <dd class="prewrap revisit-facts">
            {r.status === 'pending'
              ? t('wf.revisit.pending', { time: formatDateTime(r.sinceMs), n: r.round })
              : t(r.status === 'called' ? 'wf.revisit.called' : 'wf.revisit.reopened', { name: userLabel(org, r.by ?? ''), time: formatDateTime(r.ms ?? r.sinceMs), note: r.note ?? '' })}
            {r.status === 'pending' && r.unreached && r.by ? (
              <>
                <br />
                {t('wf.revisit.unreached', { n: r.unreached, name: userLabel(org, r.by), time: formatDateTime(r.ms ?? r.sinceMs), note: r.note ?? '' })}
              </>
            ) : null}
            {r.status === 'called' && r.outcome ? (
              <>
                <br />
                {t('wf.revisit.outcomeText', { outcome: t(`revisit.outcome.${r.outcome}`) })}
              </>
            ) : null}
          </dd>
        </>
      ) : null}
    </>
  );
}

/** 代报 and an Open311 contact (nothing for a case with neither). */
export function ReportedForFacts({ c, viewer }: { c: CaseState; viewer: UserInfo }) {
  const b = c.onBehalf;
  const k = c.contact;
  return (
    <>
      {b ? (
        <>
          <dt>{t('detail.onBehalf')}</dt>
          <dd>
            {/* The flex row goes inside the dd, as ReporterContact's (a flex dd breaks the facts' grid). */}
            <span class="reporter-contact proxy-for">
              <span>{t('detail.onBehalfText', { name: b.name, via: t(`via.${b.via}`) })}</span>
              <Phone phone={b.phone} viewer={viewer} />
            </span>
          </dd>
        </>
      ) : null}
      {k && (k.name || k.phone || k.email) ? (
        <>
          <dt>{t('detail.contact')}</dt>
          <dd>
            <span class="reporter-contact open311-contact">
              {k.name ? <span>{k.name}</span> : null}
              {k.email && CONTACT_ROLES.includes(viewer.role) ? <a href={`mailto:${k.email}`}>{k.email}</a> : null}
              <Phone phone={k.phone} viewer={viewer} />
            </span>
          </dd>
        </>
      ) : null}
    </>
  );
}
