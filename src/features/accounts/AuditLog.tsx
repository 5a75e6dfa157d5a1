/**
 * 审计日志 (`#/audit`, issue 15, administrators, a lazy chunk): the relay's append-only audit log (GET /api/audit),
 * newest first, 100 a page (the next page `before` the last seq), filtered by who (a username, sent as the account
 * id the directory gives it), what (an action, or a group: a prefix such as `account.`) and CST dates. Each entry:
 * time (CST), who (named from the org directory), what (domain auditActionLabel), target, address and the detail
 * in words (domain describeAuditDetail: changed fields before → after, an export's file and rows, a refusal's
 * reason). 导出 CSV downloads GET /api/audit.csv with the same filters (server/audithttp.ts), which the relay
 * records as an export. Needs the network and says so.
 */
import { Foreign, Literal } from '../../ui/Foreign.tsx';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { lang, roleName, t } from '../../app/i18n.ts';
import '../../app/locales/staff.zh.ts';
import type { Session } from '../../app/services.ts';
import { AUDIT_ACTION_GROUPS, AUDIT_ACTION_LABELS, auditActionLabel, auditNames, auditPerson, auditTarget, cstSecond, describeAuditDetail, type AuditRow } from '../../domain/auditlog.ts';
import { MAX_EXPORT_ROWS } from '../../domain/exports.ts';
import { cstDayStart } from '../../domain/period.ts';
import { Alert, type AlertTone } from '../../ui/Alert.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { describedBy, Field } from '../../ui/Field.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { AdminTabs } from './AdminTabs.tsx';
import { call } from './api.ts';
import './accounts.css';

const PAGE = 100;
const DAY_MS = 86_400_000;

interface Filter {
  actor: string;
  action: string;
  from: string;
  to: string;
}
const EMPTY: Filter = { actor: '', action: '', from: '', to: '' };

type Msg = { tone: AlertTone; text: string } | null;

/** The relay's query for a filter (without paging), or null when the dates are the wrong way round. */
function query(f: Filter, idOf: (username: string) => string): URLSearchParams | null {
  const p = new URLSearchParams();
  if (f.actor.trim()) p.set('actor', idOf(f.actor.trim()));
  if (f.action) p.set('action', f.action);
  const from = f.from ? cstDayStart(f.from) : null;
  const to = f.to ? cstDayStart(f.to) : null;
  if (from !== null && to !== null && to < from) return null;
  if (from !== null) p.set('from', String(from));
  // The end date is included: up to the next CST midnight.
  if (to !== null) p.set('to', String(to + DAY_MS));
  return p;
}

/** The file name of an attachment (RFC 5987 filename* first), or `fallback`. */
function fileName(disposition: string | null, fallback: string): string {
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition ?? '')?.[1];
  if (star) {
    try {
      return decodeURIComponent(star);
    } catch {
      // a malformed name: the fallback
    }
  }
  return /filename="([^"]+)"/.exec(disposition ?? '')?.[1] ?? fallback;
}

export function AuditLog({ session }: { session: Session }) {
  const admin = session.user.role === 'admin';
  const org = session.org.value;
  const offline = session.status.value.connection === 'offline';
  const l = lang.value;
  const names = useMemo(() => auditNames(org?.data ?? { towns: [], villages: [], grids: [], units: [], users: [] }, roleName), [org, l]);
  const idOf = (username: string) => org?.data.users.find((u) => u.username === username)?.id ?? username;

  const [form, setForm] = useState<Filter>(EMPTY);
  const [applied, setApplied] = useState<Filter>(EMPTY);
  const [rangeError, setRangeError] = useState('');
  const [entries, setEntries] = useState<AuditRow[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [msg, setMsg] = useState<Msg>(null);
  const [exportMsg, setExportMsg] = useState<Msg>(null);
  const [exporting, setExporting] = useState(false);

  const failure = (status: number | null): Msg => ({
    tone: 'error',
    text: status === null ? (offline ? t('audit.offline') : t('audit.network')) : status === 403 || status === 401 ? t('audit.forbidden') : t('audit.failed', { status }),
  });

  const load = async (before: number | null) => {
    const p = query(applied, idOf);
    if (!p) return;
    p.set('limit', String(PAGE));
    if (before !== null) p.set('before', String(before));
    setLoading(true);
    const r = await call<{ entries: AuditRow[]; next?: number }>(session, `/api/audit?${p}`);
    setLoading(false);
    if (r.status !== 200 || !r.body) return setMsg(failure(r.status));
    const page = r.body;
    setMsg(null);
    setEntries((old) => (before === null || !old ? page.entries : [...old, ...page.entries]));
    setNext(page.next ?? null);
  };

  useEffect(() => {
    if (admin) void load(null);
  }, [applied, admin]);

  if (!admin) {
    return (
      <div class="audit">
        <ScreenTitle suffix={t('app.name')}>{t('audit.title')}</ScreenTitle>
        <p>{t('audit.forbidden')}</p>
      </div>
    );
  }

  const apply = (e: Event) => {
    e.preventDefault();
    if (!query(form, idOf)) return setRangeError(t('audit.badRange'));
    setRangeError('');
    setApplied({ ...form });
  };

  const exportCsv = async () => {
    const p = query(applied, idOf);
    if (!p || !session.api) return;
    setExporting(true);
    setExportMsg(null);
    try {
      const res = await session.api(`/api/audit.csv${p.size ? `?${p}` : ''}`);
      if (res.status === 413) return setExportMsg({ tone: 'warning', text: t('audit.tooLarge', { n: MAX_EXPORT_ROWS.toLocaleString() }) });
      if (!res.ok) return setExportMsg(failure(res.status));
      const blob = await res.blob();
      const name = fileName(res.headers.get('content-disposition'), 'audit.csv');
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setExportMsg({ tone: 'success', text: t('audit.exported', { file: name }) });
    } catch {
      setExportMsg(failure(null));
    } finally {
      setExporting(false);
    }
  };

  const field = (k: keyof Filter) => ({ value: form[k], onInput: (e: Event) => setForm((f) => ({ ...f, [k]: (e.currentTarget as HTMLInputElement).value })) });
  const who = (id: string | null) => (id ? auditPerson(id, names) : t('audit.nobody'));
  return (
    <div class="audit">
      <ScreenTitle suffix={t('app.name')}>{t('audit.title')}</ScreenTitle>
      <AdminTabs session={session} current="audit" />
      <p class="hint">{t('audit.intro')}</p>
      {offline ? <Alert tone="warning">{t('audit.offline')}</Alert> : null}

      <form class="card audit-filters" role="search" aria-label={t('audit.title')} onSubmit={apply} noValidate>
        <div class="audit-grid">
          <Field id="audit-actor" label={t('audit.actor')}>
            <input id="audit-actor" type="text" lang="en" autoComplete="off" autoCapitalize="off" spellcheck={false} maxLength={60} {...field('actor')} />
          </Field>
          <Field id="audit-action" label={t('audit.action')}>
            <select id="audit-action" value={form.action} onChange={(e) => setForm((f) => ({ ...f, action: e.currentTarget.value }))}>
              <option value="">{t('audit.allActions')}</option>
              <optgroup label={t('audit.groups')}>
                {AUDIT_ACTION_GROUPS.map((g) => (
                  <option key={g.prefix} value={g.prefix}>
                    {g[l]}
                  </option>
                ))}
              </optgroup>
              <optgroup label={t('audit.actions')}>
                {Object.keys(AUDIT_ACTION_LABELS).map((a) => (
                  <option key={a} value={a}>
                    {auditActionLabel(a, l)}
                  </option>
                ))}
              </optgroup>
            </select>
          </Field>
          <Field id="audit-from" label={t('audit.from')}>
            <input id="audit-from" type="date" {...field('from')} onChange={(e) => setForm((f) => ({ ...f, from: e.currentTarget.value }))} />
          </Field>
          <Field id="audit-to" label={t('audit.to')} error={rangeError}>
            <input
              id="audit-to"
              type="date"
              aria-invalid={rangeError ? 'true' : undefined}
              aria-describedby={describedBy('audit-to', false, rangeError)}
              {...field('to')}
              onChange={(e) => setForm((f) => ({ ...f, to: e.currentTarget.value }))}
            />
          </Field>
        </div>
        <div class="button-row">
          <button type="submit" class="btn btn-primary">
            {t('audit.apply')}
          </button>
          <button
            type="button"
            class="btn"
            onClick={() => {
              setForm(EMPTY);
              setRangeError('');
              setApplied(EMPTY);
            }}
          >
            {t('audit.clear')}
          </button>
          <button type="button" class="btn audit-export" disabled={exporting} onClick={() => void exportCsv()}>
            {exporting ? t('audit.exporting') : <Foreign text={t('audit.export')} />}
          </button>
        </div>
        <Alert tone={exportMsg?.tone ?? 'info'}>{exportMsg?.text}</Alert>
      </form>

      <Alert tone={msg?.tone ?? 'info'}>{msg?.text}</Alert>
      {msg ? (
        <button type="button" class="btn" onClick={() => void load(null)}>
          {t('acct.retry')}
        </button>
      ) : null}
      {entries === null && loading ? <p role="status">{t('audit.loading')}</p> : null}
      {entries && entries.length === 0 ? <EmptyState icon="inbox" text={t('audit.none')} /> : null}
      {entries && entries.length > 0 ? (
        <>
          <p class="acct-count" role="status">
            {t('audit.shown', { n: entries.length })}
          </p>
          <div class="table-wrap">
            <table class="data-table rtable audit-table">
              <caption class="visually-hidden">{t('audit.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('audit.colTime')}</th>
                  <th scope="col">{t('audit.colWho')}</th>
                  <th scope="col">{t('audit.colWhat')}</th>
                  <th scope="col">{t('audit.colTarget')}</th>
                  <th scope="col">{t('audit.colIp')}</th>
                  <th scope="col">{t('audit.colDetail')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.seq} data-action={e.action}>
                    <th scope="row" class="rt-title audit-time">
                      {cstSecond(e.at)}
                    </th>
                    <td data-label={t('audit.colWho')}>
                      <Literal text={who(e.actor)} />
                    </td>
                    <td data-label={t('audit.colWhat')} class="audit-what">
                      {auditActionLabel(e.action, l)}
                    </td>
                    <td data-label={t('audit.colTarget')} class={e.target ? 'audit-target' : 'audit-target rt-empty'}>
                      <Literal text={auditTarget(e, names)} />
                    </td>
                    <td data-label={t('audit.colIp')} lang="en" class={e.ip ? 'nowrap' : 'rt-empty'}>
                      {e.ip ?? ''}
                    </td>
                    <td data-label={t('audit.colDetail')} class={Object.keys(e.detail ?? {}).length ? 'audit-detail' : 'audit-detail rt-empty'}>
                      <Literal text={describeAuditDetail(e, names, l)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {next !== null ? (
        <button type="button" class="btn btn-block acct-more" disabled={loading} onClick={() => void load(next)}>
          {loading ? t('audit.loading') : t('audit.more')}
        </button>
      ) : null}
    </div>
  );
}
