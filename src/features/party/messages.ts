/** What the party screens share: the message after a write (its outcome) and the name of a village. */
import { t } from '../../app/i18n.ts';
import '../../app/locales/party.zh.ts';
import type { OrgView } from '../../app/services.ts';
import { villageLabel } from '../cases/lookup.ts';

export type Msg = { tone: 'success' | 'error'; text: string } | null;

/** The message after a write (a party record, or a case reported from an issue): `okText`, or the error. */
export const outcome = (r: { ok: true } | { ok: false; error: string }, okText: string): Msg =>
  r.ok ? { tone: 'success', text: okText } : { tone: 'error', text: `${t('party.failed')} (${r.error})` };

export const villageName = (org: OrgView, id: string): string => villageLabel(org, id);
