/**
 * Who reported a case and how to reach them: the name, and a tap-to-call `tel:` link for the roles whose work is
 * to follow a case up (the town center, county, admin, the unit holding it, the grid's worker). A reporter's phone
 * number is personal data (residents report too): other roles, and the reporter themself, see the name only.
 * The number comes from the org directory (UserInfo.phone); a reporter with none gets "no phone on record".
 */
import { roleName, t } from '../../app/i18n.ts';
import '../../app/locales/wf.zh.ts';
import type { OrgView } from '../../app/services.ts';
import type { Role, UserInfo } from '../../domain/org.ts';
import './contact.css';

/** Roles that may see and call a reporter's number (issue 11: contact the reporter). */
export const CONTACT_ROLES: readonly Role[] = ['admin', 'county', 'town', 'unit', 'worker'];

export function mayCallReporter(viewer: Pick<UserInfo, 'id' | 'role'>, reporterId: string): boolean {
  return CONTACT_ROLES.includes(viewer.role) && viewer.id !== reporterId;
}

/** Digits and a leading + only: what a `tel:` URI dials. */
const telHref = (phone: string) => `tel:${phone.replace(/[^0-9+]/g, '')}`;

export function ReporterContact({ org, reporterId, viewer }: { org: OrgView | null; reporterId: string; viewer: UserInfo }) {
  const u = org?.user(reporterId);
  const name = u ? `${u.name}（${roleName(u.role)}）` : t('contact.unknown');
  const may = mayCallReporter(viewer, reporterId);
  const phone = may ? u?.phone?.trim() : undefined;
  return (
    <span class="reporter-contact">
      <span class="reporter-name">{name}</span>
      {phone ? (
        <a class="btn tel-link" href={telHref(phone)}>
          <span aria-hidden="true">☎</span> {t('contact.call', { phone })}
        </a>
      ) : may && u ? (
        <span class="hint">{t('contact.noPhone')}</span>
      ) : null}
    </span>
  );
}
