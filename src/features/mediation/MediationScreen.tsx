/**
 * 矛盾纠纷调解 (issue 17), from the town's `mediation.<townId>` summary and each dispute's `dispute.<townId>.<id>`
 * doc (src/domain/mediation.ts, through src/app/mediation.ts: works offline):
 *
 *  - the list (#/mediation): the disputes this user mediates (the town center: all of its town's) in three tabs,
 *    调解中 / 待回访 / 已结束, and for the center the figures per grid; 登记新纠纷 for who may open one;
 *  - a new dispute (#/mediation/new, from a case's 开始调解: ?case=<id>): grid, type, parties (typed, or found in
 *    the people register), what happened, the mediators (eligible ones only);
 *  - one dispute (#/mediation/d/<id>): its facts, the parties and sessions (readers only), a session, the outcome
 *    (agreement with terms and follow-up date, referral, failure), the follow-up, and, after an agreement, closing
 *    the case it started from through the case workflow (session.act: the event allowedActions offers this user).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { formatDateTime, statusName, t } from '../../app/i18n.ts';
import '../../app/locales/mediation.zh.ts';
import type { MediationApi } from '../../app/mediation.ts';
import type { PeopleHit, RecordResult, RecordsApi } from '../../app/records.ts';
import { navigate, routeHref } from '../../app/router.ts';
import type { OrgView, Session } from '../../app/services.ts';
import { hlcMs } from '../../domain/hlc.ts';
import {
  DISPUTE_TYPES,
  disputesFor,
  eligibleMediator,
  followUpOverdue,
  mayMediate,
  mayOpen,
  mediationByGrid,
  mayWithdrawNow,
  OUTCOMES,
  PARTY_SIDES,
  type Dispute,
  type DisputeParty,
  type DisputeType,
  type MediationState,
  type Outcome,
} from '../../domain/mediation.ts';
import type { UserInfo } from '../../domain/org.ts';
import { allowedActions, FINAL_STATUSES, type CaseState } from '../../domain/workflow.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { Field } from '../../ui/Field.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { gridLabel, gridsInScope, userLabel } from '../cases/lookup.ts';
import { UnsavedRecords } from '../party/Unsaved.tsx';
import { MediationTable } from './MediationTable.tsx';
import { WithdrawCard } from './Withdraw.tsx';
import './mediation.css';

const DAY = 86_400_000;

type Msg = { tone: 'error' | 'success'; text: string } | null;

function errorText(r: Extract<RecordResult, { ok: false }>): string {
  if (r.error === 'state_not_allowed') return t('md.err.state');
  return r.error === 'forbidden' ? t('md.err.forbidden', { detail: r.detail ?? '' }) : t('md.err.other', { detail: r.detail ?? r.error });
}

const statusTone = (d: Dispute) => (d.status === 'open' ? 'blue' : d.status === 'agreement' ? 'green' : d.status === 'referred' ? 'amber' : 'grey');

/** A date input's value (local day) and back; the day's noon, so a time zone never moves it to another day. */
const toDay = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
const fromDay = (s: string): number | null => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12).getTime() : null;
};
const formatDay = (ms: number) => new Date(ms).toLocaleDateString('zh-CN');

export function MediationScreen({ session, dispute, view, caseId }: { session: Session; dispute?: string | undefined; view?: 'new' | undefined; caseId?: string | undefined }) {
  const records = session.records;
  void records?.version.value;
  const org = session.org.value;
  const api = records?.mediation;
  const state = api?.state() ?? null;
  if (!records || !api || !state) {
    return (
      <div>
        <ScreenTitle suffix={t('app.name')}>{t('md.title')}</ScreenTitle>
        <Alert tone="info">{t('md.none')}</Alert>
      </div>
    );
  }
  if (view === 'new') return <NewDispute session={session} records={records} api={api} state={state} org={org} caseId={caseId} />;
  if (dispute) {
    const d = state.disputes.get(dispute);
    if (!d) {
      return (
        <div>
          <p class="backlink">
            <a href="#/mediation">{t('md.back')}</a>
          </p>
          <ScreenTitle suffix={t('app.name')}>{t('md.title')}</ScreenTitle>
          <Alert tone="info">{t('md.notFound')}</Alert>
        </div>
      );
    }
    return <DisputeView session={session} records={records} api={api} state={state} dispute={d} org={org} />;
  }
  return <DisputeList session={session} records={records} api={api} state={state} org={org} />;
}

// ------------------------------------------------------------------ the list

type Tab = 'open' | 'followup' | 'done';

function DisputeList({ session, records, api, state, org }: { session: Session; records: RecordsApi; api: MediationApi; state: MediationState; org: OrgView | null }) {
  const [tab, setTab] = useState<Tab>('open');
  const townId = api.townId()!;
  const now = session.now();
  const mine = disputesFor(session.user, townId, state);
  const groups: Record<Tab, Dispute[]> = {
    open: mine.filter((d) => d.status === 'open'),
    followup: mine.filter((d) => d.status === 'agreement' && !d.followUp).sort((a, b) => (a.followUpMs ?? 0) - (b.followUpMs ?? 0)),
    done: mine.filter((d) => d.status !== 'open' && !(d.status === 'agreement' && !d.followUp)),
  };
  const opens = org ? gridsInScope(session.user, org).some((g) => mayOpen(session.user, g)) : false;
  const figures = session.user.role === 'town' ? mediationByGrid(state, now - 30 * DAY, now + DAY, now) : [];
  const tabs: Tab[] = ['open', 'followup', 'done'];
  return (
    <div class="md">
      <ScreenTitle suffix={t('app.name')}>{t('md.title')}</ScreenTitle>
      <UnsavedRecords records={records} />
      <p class="measure md-lead">{t('md.lead')}</p>
      {opens && api.mayWrite() ? (
        <p class="md-actions">
          <a class="btn btn-primary" href={routeHref({ name: 'mediation', view: 'new' })}>
            {t('md.new')}
          </a>
        </p>
      ) : null}
      <div class="md-tabs" role="tablist" aria-label={t('md.title')}>
        {tabs.map((k) => (
          <button key={k} type="button" role="tab" id={`md-tab-${k}`} aria-selected={tab === k} aria-controls="md-panel" class={tab === k ? 'md-tab is-active' : 'md-tab'} onClick={() => setTab(k)}>
            {t(`md.tab.${k}`, { n: groups[k].length })}
          </button>
        ))}
      </div>
      <div id="md-panel" role="tabpanel" aria-labelledby={`md-tab-${tab}`}>
        {groups[tab].length === 0 ? (
          <EmptyState icon="mediate" text={t(`md.empty.${tab}`)} />
        ) : (
          <ul class="md-cards">
            {groups[tab].map((d) => (
              <DisputeCard key={d.id} d={d} org={org} now={now} />
            ))}
          </ul>
        )}
      </div>
      {figures.length > 0 ? (
        <section aria-labelledby="md-fig">
          <h2 id="md-fig">{t('md.figures')}</h2>
          <MediationTable rows={figures.map((f) => ({ ...f, name: gridLabel(org, f.gridId) }))} labelledBy="md-fig" />
        </section>
      ) : null}
    </div>
  );
}

function DisputeCard({ d, org, now }: { d: Dispute; org: OrgView | null; now: number }) {
  const overdue = followUpOverdue(d, now);
  return (
    <li class="card md-card">
      <a class="row-link" href={routeHref({ name: 'mediation', dispute: d.id })}>
        <strong>{t(`md.type.${d.type}`)}</strong>
        <span class="muted"> · {gridLabel(org, d.gridId)}</span>
      </a>
      <p class="md-meta">
        <Badge tone={statusTone(d)}>{t(`md.status.${d.status}`)}</Badge>
        {d.status === 'agreement' && d.followUpMs !== undefined && !d.followUp ? (
          <span class={overdue ? 'md-late' : 'muted'}>{overdue ? t('md.followUpOverdue', { date: formatDay(d.followUpMs) }) : t('md.followUpDue', { date: formatDay(d.followUpMs) })}</span>
        ) : null}
        {d.caseId ? <span class="muted">{t('md.fromCase')}</span> : null}
      </p>
      {d.withdrawn ? <p class="md-small md-wd-reason">{t('md.wd.reasonLine', { reason: d.withdrawn.reason })}</p> : null}
      <p class="muted md-small">{t('md.openedLine', { who: userLabel(org, d.openedBy), time: formatDateTime(hlcMs(d.openedAt)) })}</p>
    </li>
  );
}

// ------------------------------------------------------------------ a new dispute

interface PartyRow extends DisputeParty {
  key: number;
}

/** The users who may mediate a dispute of the grid, the town center last (org.data: the whole directory). */
function candidates(org: OrgView | null, gridId: string): UserInfo[] {
  const grid = org?.grid(gridId);
  if (!org || !grid) return [];
  const rank = { worker: 0, secretary: 1, member: 2, town: 3 } as Record<string, number>;
  return org.data.users.filter((u) => eligibleMediator(u, grid)).sort((a, b) => (rank[a.role] ?? 9) - (rank[b.role] ?? 9) || a.name.localeCompare(b.name, 'zh'));
}

function NewDispute({ session, records, api, state, org, caseId }: { session: Session; records: RecordsApi; api: MediationApi; state: MediationState; org: OrgView | null; caseId: string | undefined }) {
  const me = session.user;
  const grids = useMemo(() => (org ? gridsInScope(me, org).filter((g) => mayOpen(me, g)) : []), [org, me]);
  const [gridId, setGridId] = useState(grids[0]?.id ?? '');
  const [type, setType] = useState<DisputeType>('neighbour');
  const [parties, setParties] = useState<PartyRow[]>([
    { key: 1, name: '', side: 'applicant' },
    { key: 2, name: '', side: 'respondent' },
  ]);
  const [description, setDescription] = useState('');
  const [mediators, setMediators] = useState<string[]>(me.role === 'town' ? [] : [me.id]);
  const [linked, setLinked] = useState<CaseState | null>(null);
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<PeopleHit[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [msg, setMsg] = useState<Msg>(null);
  const [busy, setBusy] = useState(false);
  const existing = caseId ? [...state.disputes.values()].find((d) => d.caseId === caseId && d.status !== 'withdrawn') : undefined;

  // From a case: its grid and description to start from.
  useEffect(() => {
    if (!caseId) return;
    let live = true;
    void session.getCase(caseId).then((c) => {
      if (!live || !c) return;
      setLinked(c);
      if (grids.some((g) => g.id === c.gridId)) setGridId(c.gridId);
      setDescription((d) => d || c.description);
    });
    return () => {
      live = false;
    };
  }, [caseId]);

  useEffect(() => {
    const key = q.trim();
    if (!key) return setHits([]);
    let live = true;
    void records.searchPeople(key, 8).then((h) => live && setHits(h));
    return () => {
      live = false;
    };
  }, [q]);

  const people = candidates(org, gridId);
  const nextKey = () => Math.max(0, ...parties.map((p) => p.key)) + 1;
  const setParty = (key: number, patch: Partial<DisputeParty>) => setParties((ps) => ps.map((p) => (p.key === key ? { ...p, ...patch } : p)));
  const addFound = (h: PeopleHit) => {
    const empty = parties.find((p) => !p.name.trim());
    const row = { name: h.resident.name, residentId: h.resident.id, gridId: h.gridId };
    if (empty) setParty(empty.key, row);
    else setParties((ps) => [...ps, { key: nextKey(), side: 'other', ...row }]);
    setQ('');
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const named = parties.filter((p) => p.name.trim());
    const errs: Record<string, string> = {};
    if (named.length === 0) errs.parties = t('md.err.parties');
    if (!description.trim()) errs.description = t('md.err.description');
    if (mediators.length === 0) errs.mediators = t('md.err.mediators');
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    const r = await api.open({
      gridId,
      type,
      mediators,
      ...(caseId ? { caseId } : {}),
      parties: named.map(({ key: _k, ...p }) => ({ ...p, name: p.name.trim(), ...(p.phone?.trim() ? { phone: p.phone.trim() } : { phone: undefined }) })).map(({ phone, ...p }) => (phone ? { ...p, phone } : p)),
      description: description.trim(),
    });
    setBusy(false);
    if (r.ok) navigate({ name: 'mediation', dispute: r.id });
    else setMsg({ tone: 'error', text: errorText(r) });
  };

  return (
    <div class="md">
      <p class="backlink">
        <a href="#/mediation">{t('md.back')}</a>
      </p>
      <ScreenTitle suffix={t('app.name')}>{t('md.new')}</ScreenTitle>
      {existing ? (
        <Alert tone="info">
          {t('md.caseHasDispute')} <a href={routeHref({ name: 'mediation', dispute: existing.id })}>{t('md.openDispute')}</a>
        </Alert>
      ) : null}
      <div role="status">{msg ? <Alert tone={msg.tone}>{msg.text}</Alert> : null}</div>
      <form class="md-form measure" onSubmit={(e) => void submit(e)} noValidate>
        {caseId ? (
          <p class="md-linked">
            <span class="muted">{t('md.form.case')}：</span>
            <a href={routeHref({ name: 'case', id: caseId })}>{linked ? linked.description.slice(0, 40) : caseId}</a>
          </p>
        ) : null}
        <div class="md-row">
          <Field id="md-grid" label={t('md.form.grid')}>
            <select id="md-grid" value={gridId} onChange={(e) => setGridId((e.target as HTMLSelectElement).value)}>
              {grids.map((g) => (
                <option key={g.id} value={g.id}>
                  {gridLabel(org, g.id)}
                </option>
              ))}
            </select>
          </Field>
          <Field id="md-type" label={t('md.form.type')}>
            <select id="md-type" value={type} onChange={(e) => setType((e.target as HTMLSelectElement).value as DisputeType)}>
              {DISPUTE_TYPES.map((k) => (
                <option key={k} value={k}>
                  {t(`md.type.${k}`)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <fieldset class="md-fieldset" aria-describedby={errors.parties ? 'md-parties-err' : undefined}>
          <legend>{t('md.form.parties')}</legend>
          {errors.parties ? (
            <p class="field-error" id="md-parties-err">
              {errors.parties}
            </p>
          ) : null}
          <div class="field md-search">
            <label for="md-q">{t('md.form.fromRegister')}</label>
            <p class="hint" id="md-q-hint">
              {t('md.form.searchHint')}
            </p>
            <input id="md-q" type="search" value={q} aria-describedby="md-q-hint" onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
          </div>
          {hits.length > 0 ? (
            <ul class="md-hits">
              {hits.map((h) => (
                <li key={`${h.gridId}:${h.resident.id}`}>
                  <span>
                    <strong>{h.resident.name}</strong> <span class="muted">{h.address}</span>
                  </span>
                  <button type="button" class="btn" onClick={() => addFound(h)}>
                    {t('md.form.addFound')}
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
          {parties.map((p, i) => (
            <div key={p.key} class="md-party">
              <Field id={`md-pn-${p.key}`} label={`${t('md.form.partyName')} ${i + 1}`}>
                <input id={`md-pn-${p.key}`} value={p.name} maxLength={40} autocomplete="off" onInput={(e) => setParty(p.key, { name: (e.target as HTMLInputElement).value, residentId: undefined })} />
              </Field>
              <Field id={`md-ps-${p.key}`} label={t('md.form.partySide')}>
                <select id={`md-ps-${p.key}`} value={p.side} onChange={(e) => setParty(p.key, { side: (e.target as HTMLSelectElement).value as DisputeParty['side'] })}>
                  {PARTY_SIDES.map((s) => (
                    <option key={s} value={s}>
                      {t(`md.side.${s}`)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field id={`md-pp-${p.key}`} label={t('md.form.partyPhone')}>
                <input id={`md-pp-${p.key}`} type="tel" inputMode="tel" maxLength={20} value={p.phone ?? ''} onInput={(e) => setParty(p.key, { phone: (e.target as HTMLInputElement).value })} />
              </Field>
              <div class="md-party-end">
                {p.residentId ? <Badge tone="blue">{t('md.form.fromRegisterBadge')}</Badge> : null}
                {parties.length > 1 ? (
                  <button type="button" class="btn btn-quiet" onClick={() => setParties((ps) => ps.filter((x) => x.key !== p.key))}>
                    {t('md.form.removeParty')}
                    <span class="visually-hidden">{` ${i + 1}`}</span>
                  </button>
                ) : null}
              </div>
            </div>
          ))}
          {parties.length < 10 ? (
            <button type="button" class="btn" onClick={() => setParties((ps) => [...ps, { key: nextKey(), name: '', side: 'other' }])}>
              {t('md.form.addParty')}
            </button>
          ) : null}
        </fieldset>
        <Field id="md-desc" label={t('md.form.description')} hint={t('md.form.descriptionHint')} error={errors.description}>
          <textarea id="md-desc" rows={4} maxLength={2000} value={description} aria-describedby="md-desc-hint" onInput={(e) => setDescription((e.target as HTMLTextAreaElement).value)} />
        </Field>
        <MediatorPicker id="md-med" people={people} villageId={org?.grid(gridId)?.villageId} chosen={mediators} onChange={setMediators} error={errors.mediators} />
        <button type="submit" class="btn btn-primary btn-block" disabled={busy || !gridId}>
          {busy ? t('md.form.saving') : t('md.form.save')}
        </button>
      </form>
    </div>
  );
}

/**
 * Mediators to choose: the grid's worker, its village's secretary and party members, the town center at hand; the
 * town's other party members (a few dozen) behind a disclosure, open when one of them is chosen.
 */
function MediatorPicker({ id, people, villageId, chosen, onChange, error }: { id: string; people: UserInfo[]; villageId: string | undefined; chosen: string[]; onChange: (ids: string[]) => void; error?: string | undefined }) {
  const near = people.filter((u) => u.role !== 'member' || u.villageId === villageId);
  const far = people.filter((u) => u.role === 'member' && u.villageId !== villageId);
  const box = (u: UserInfo) => (
    <li key={u.id}>
      <label class="md-check">
        <input type="checkbox" checked={chosen.includes(u.id)} onChange={(e) => onChange((e.target as HTMLInputElement).checked ? [...chosen, u.id] : chosen.filter((x) => x !== u.id))} />
        <span>
          {u.name} <span class="muted">{t(`role.${u.role}`)}</span>
        </span>
      </label>
    </li>
  );
  return (
    <fieldset class="md-fieldset" aria-describedby={`${id}-hint${error ? ` ${id}-err` : ''}`}>
      <legend>{t('md.form.mediators')}</legend>
      <p class="hint" id={`${id}-hint`}>
        {t('md.form.mediatorsHint')}
      </p>
      {error ? (
        <p class="field-error" id={`${id}-err`}>
          {error}
        </p>
      ) : null}
      <ul class="md-checks">{near.map(box)}</ul>
      {far.length > 0 ? (
        <details class="md-more" open={far.some((u) => chosen.includes(u.id))}>
          <summary>{t('md.form.moreMembers', { n: far.length })}</summary>
          <ul class="md-checks">{far.map(box)}</ul>
        </details>
      ) : null}
    </fieldset>
  );
}

// ------------------------------------------------------------------ one dispute

function DisputeView({ session, records, api, state, dispute: d, org }: { session: Session; records: RecordsApi; api: MediationApi; state: MediationState; dispute: Dispute; org: OrgView | null }) {
  const me = session.user;
  const townId = api.townId()!;
  const now = session.now();
  const detail = api.detail(d.id);
  const mediates = mayMediate(me, townId, d) && api.mayWrite();
  const writes = api.writesDetail(d.id);
  const [msg, setMsg] = useState<Msg>(null);
  const [editing, setEditing] = useState(false);
  const [chosen, setChosen] = useState<string[]>(d.mediators);
  const mine = state.superseded.filter((x) => x.disputeId === d.id && x.actor === me.id);
  const done = (r: RecordResult) => setMsg(r.ok ? { tone: 'success', text: t('md.saved') } : { tone: 'error', text: errorText(r) });
  const changesMediators = d.status === 'open' && api.mayWrite() && ((me.role === 'town' && me.townId === townId) || me.id === d.openedBy);
  const overdue = followUpOverdue(d, now);

  return (
    <div class="md">
      <p class="backlink">
        <a href="#/mediation">{t('md.back')}</a>
      </p>
      <ScreenTitle suffix={t('app.name')} title={`${t('md.title')} · ${t(`md.type.${d.type}`)}`}>
        <Badge tone={statusTone(d)}>{t(`md.status.${d.status}`)}</Badge> <span>{t(`md.type.${d.type}`)}</span>
      </ScreenTitle>
      <UnsavedRecords records={records} />
      {mine.map((x) => (
        <Alert key={x.id} tone="warning">
          {d.withdrawn && x.type !== 'dispute_withdrawn'
            ? t('md.supersededWithdrawn', { name: userLabel(org, d.withdrawn.by), time: formatDateTime(hlcMs(d.withdrawn.at)) })
            : x.type === 'dispute_withdrawn' && d.outcomeBy
              ? t('md.supersededOutcome', { name: userLabel(org, d.outcomeBy) })
              : x.type === 'outcome_recorded' && d.outcomeBy
                ? t('md.superseded', { name: userLabel(org, d.outcomeBy) })
                : t('md.supersededOther')}
        </Alert>
      ))}
      <div role="status">{msg ? <Alert tone={msg.tone}>{msg.text}</Alert> : null}</div>
      <div class="md-layout">
        <div class="md-main">
          <section class="card" aria-label={t('md.title')}>
            <dl class="facts">
              <dt>{t('md.form.grid')}</dt>
              <dd>{gridLabel(org, d.gridId)}</dd>
              <dt>{t('md.mediators')}</dt>
              <dd>{d.mediators.map((m) => userLabel(org, m)).join('、')}</dd>
              <dt>{t('md.form.type')}</dt>
              <dd>{t(`md.type.${d.type}`)}</dd>
              <dt>{t('md.opened')}</dt>
              <dd>{`${userLabel(org, d.openedBy)} · ${formatDateTime(hlcMs(d.openedAt))}`}</dd>
              {d.status !== 'open' && d.outcomeAt ? (
                <>
                  <dt>{t('md.outcome')}</dt>
                  <dd>
                    {t(`md.status.${d.status}`)} · {t('md.outcomeLine', { who: userLabel(org, d.outcomeBy ?? ''), time: formatDateTime(hlcMs(d.outcomeAt)) })}
                    {d.referredTo ? <div>{t('md.referredTo', { to: d.referredTo })}</div> : null}
                  </dd>
                </>
              ) : null}
              {d.withdrawn ? (
                <>
                  <dt>{t('md.status.withdrawn')}</dt>
                  <dd>
                    {t('md.wd.line', { who: userLabel(org, d.withdrawn.by), time: formatDateTime(hlcMs(d.withdrawn.at)) })}
                    <div class="prewrap">{t('md.wd.reasonLine', { reason: d.withdrawn.reason })}</div>
                  </dd>
                </>
              ) : null}
              {d.status === 'agreement' && d.followUpMs !== undefined ? (
                <>
                  <dt>{t('md.followUp')}</dt>
                  <dd class={overdue ? 'md-late' : undefined}>
                    {d.followUp
                      ? t('md.followUpDone', { kept: t(`md.kept.${d.followUp.kept}`) })
                      : overdue
                        ? t('md.followUpOverdue', { date: formatDay(d.followUpMs) })
                        : t('md.followUpDue', { date: formatDay(d.followUpMs) })}
                  </dd>
                </>
              ) : null}
            </dl>
            {changesMediators && !editing ? (
              <button type="button" class="btn btn-quiet" onClick={() => setEditing(true)}>
                {t('md.editMediators')}
              </button>
            ) : null}
            {editing ? (
              <form
                class="md-form"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (chosen.length === 0) return setMsg({ tone: 'error', text: t('md.err.mediators') });
                  const r = api.act('mediators_set', { disputeId: d.id, mediators: chosen });
                  done(r);
                  if (r.ok) setEditing(false);
                }}
              >
                <MediatorPicker id="md-med-edit" people={candidates(org, d.gridId)} villageId={org?.grid(d.gridId)?.villageId} chosen={chosen} onChange={setChosen} />
                <button type="submit" class="btn btn-primary">
                  {t('md.saveMediators')}
                </button>
              </form>
            ) : null}
          </section>

          {d.caseId ? <LinkedCase session={session} d={d} terms={detail?.terms} org={org} /> : null}

          <section class="card" aria-labelledby="md-details">
            <h2 id="md-details">{t('md.details')}</h2>
            {!detail ? (
              <p class="muted">{mediates ? t('md.detailsLoading') : t('md.detailsHidden')}</p>
            ) : (
              <>
                {detail.parties.length === 0 ? <p class="muted">{t('md.detailsLoading')}</p> : null}
                <ul class="md-parties">
                  {detail.parties.map((p, i) => (
                    <li key={i}>
                      <strong>{p.name}</strong> <Badge tone="grey">{t(`md.side.${p.side}`)}</Badge>
                      {p.phone ? (
                        <a class="md-phone" href={`tel:${p.phone}`}>
                          {p.phone}
                        </a>
                      ) : null}
                    </li>
                  ))}
                </ul>
                {detail.description ? <p class="prewrap measure">{detail.description}</p> : null}
                {detail.terms ? (
                  <>
                    <h3>{t('md.terms')}</h3>
                    <p class="prewrap measure">{detail.terms}</p>
                  </>
                ) : null}
              </>
            )}
          </section>

          {detail ? (
            <section class="card" aria-labelledby="md-sessions">
              <h2 id="md-sessions">{t('md.sessions')}</h2>
              {detail.sessions.length === 0 ? (
                <p class="muted">{t('md.sessionsNone')}</p>
              ) : (
                <ol class="md-history">
                  {detail.sessions.map((s) => (
                    <li key={s.id}>
                      <p>
                        <strong>{formatDay(s.heldMs)}</strong>
                        <span class="muted"> · {t('md.present', { names: s.present.map((m) => userLabel(org, m)).join('、') })}</span>
                      </p>
                      <p class="prewrap">{s.note}</p>
                      <p class="muted md-small">{t('md.sessionBy', { name: userLabel(org, s.by) })}</p>
                    </li>
                  ))}
                </ol>
              )}
            </section>
          ) : null}
        </div>
        <div class="md-side">
          {detail && writes && d.status === 'open' ? <SessionForm d={d} api={api} org={org} now={now} me={me} done={done} /> : null}

          {mediates && d.status === 'open' ? <OutcomeForm d={d} api={api} now={now} writes={writes} done={done} /> : null}

          {api.mayWrite() && mayWithdrawNow(me, townId, d) ? <WithdrawCard d={d} api={api} done={done} /> : null}

          {mediates && d.status === 'agreement' && !d.followUp ? (
            <section class="card" aria-labelledby="md-fu">
              <h2 id="md-fu">{t('md.followUp')}</h2>
              {d.followUpMs !== undefined ? <p class={overdue ? 'md-late' : 'muted'}>{overdue ? t('md.followUpOverdue', { date: formatDay(d.followUpMs) }) : t('md.followUpDue', { date: formatDay(d.followUpMs) })}</p> : null}
              <p>{t('md.followUpAsk')}</p>
              <div class="md-actions">
                <button type="button" class="btn btn-primary" onClick={() => done(api.act('followup_done', { disputeId: d.id, kept: true }))}>
                  {t('md.kept.true')}
                </button>
                <button type="button" class="btn" onClick={() => done(api.act('followup_done', { disputeId: d.id, kept: false }))}>
                  {t('md.kept.false')}
                </button>
              </div>
            </section>
          ) : null}
        </div>
      </div>
    </div>
  );
}

function SessionForm({ d, api, org, now, me, done }: { d: Dispute; api: MediationApi; org: OrgView | null; now: number; me: UserInfo; done: (r: RecordResult) => void }) {
  const [day, setDay] = useState(toDay(now));
  const [present, setPresent] = useState<string[]>(d.mediators.includes(me.id) ? [me.id] : d.mediators.slice(0, 1));
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <section class="card" aria-labelledby="md-rec">
      <form
        class="md-form"
        onSubmit={(e) => {
          e.preventDefault();
          const heldMs = fromDay(day);
          if (!note.trim() || heldMs === null || present.length === 0) return setError(t('md.form.noteHint'));
          setError(null);
          const r = api.detailAct(d.id, 'session_recorded', { heldMs, present, note: note.trim() });
          done(r);
          if (r.ok) setNote('');
        }}
      >
        <h2 id="md-rec">{t('md.recordSession')}</h2>
        <Field id="md-day" label={t('md.form.heldOn')}>
          <input id="md-day" type="date" value={day} onInput={(e) => setDay((e.target as HTMLInputElement).value)} />
        </Field>
        <fieldset class="md-fieldset">
          <legend>{t('md.form.present')}</legend>
          <ul class="md-checks">
            {d.mediators.map((m) => (
              <li key={m}>
                <label class="md-check">
                  <input type="checkbox" checked={present.includes(m)} onChange={(e) => setPresent((e.target as HTMLInputElement).checked ? [...present, m] : present.filter((x) => x !== m))} />
                  <span>{userLabel(org, m)}</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <Field id="md-note" label={t('md.form.note')} hint={t('md.form.noteHint')} error={error ?? undefined}>
          <textarea id="md-note" rows={4} maxLength={4000} value={note} aria-describedby="md-note-hint" onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
        </Field>
        <button type="submit" class="btn btn-primary">
          {t('md.form.saveSession')}
        </button>
      </form>
    </section>
  );
}

function OutcomeForm({ d, api, now, writes, done }: { d: Dispute; api: MediationApi; now: number; writes: boolean; done: (r: RecordResult) => void }) {
  const [outcome, setOutcome] = useState<Outcome>('agreement');
  const [terms, setTerms] = useState('');
  const [followUp, setFollowUp] = useState(toDay(now + 30 * DAY));
  const [to, setTo] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    const fu = fromDay(followUp);
    if (outcome === 'agreement' && writes && !terms.trim()) return setError(t('md.err.terms'));
    if (outcome === 'agreement' && fu === null) return setError(t('md.err.followUp'));
    if (outcome === 'referred' && !to.trim()) return setError(t('md.err.referredTo'));
    setError(null);
    const r = api.act('outcome_recorded', {
      disputeId: d.id,
      outcome,
      ...(outcome === 'agreement' ? { followUpMs: fu! } : {}),
      ...(outcome === 'referred' ? { referredTo: to.trim() } : {}),
    });
    // The terms go with the parties (the details), where only the mediators and the center read them.
    if (r.ok && outcome === 'agreement' && terms.trim()) api.detailAct(d.id, 'terms_recorded', { terms: terms.trim() });
    done(r);
  };
  return (
    <section class="card" aria-labelledby="md-out">
      <h2 id="md-out">{t('md.outcome')}</h2>
      <form class="md-form" onSubmit={submit} noValidate>
        <fieldset class="md-fieldset">
          <legend class="visually-hidden">{t('md.outcome')}</legend>
          <div class="md-choices">
            {OUTCOMES.map((o) => (
              <label key={o} class={outcome === o ? 'md-choice is-on' : 'md-choice'}>
                <input type="radio" name="md-outcome" value={o} checked={outcome === o} onChange={() => setOutcome(o)} />
                <span>{t(`md.outcome.${o}`)}</span>
              </label>
            ))}
          </div>
        </fieldset>
        {outcome === 'agreement' ? (
          <>
            {writes ? (
              <Field id="md-terms" label={t('md.form.terms')}>
                <textarea id="md-terms" rows={3} maxLength={2000} value={terms} onInput={(e) => setTerms((e.target as HTMLTextAreaElement).value)} />
              </Field>
            ) : null}
            <Field id="md-fu-day" label={t('md.form.followUp')}>
              <input id="md-fu-day" type="date" value={followUp} onInput={(e) => setFollowUp((e.target as HTMLInputElement).value)} />
            </Field>
          </>
        ) : null}
        {outcome === 'referred' ? (
          <Field id="md-to" label={t('md.form.referredTo')} hint={t('md.form.referredHint')}>
            <input id="md-to" maxLength={60} value={to} aria-describedby="md-to-hint" onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
          </Field>
        ) : null}
        {error ? (
          <p class="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="btn btn-primary">
          {t('md.form.saveOutcome')}
        </button>
      </form>
    </section>
  );
}

/**
 * The case the dispute started from. After an agreement, it can be closed, but only through the case workflow: the
 * closing event this user may make on it now (allowedActions: 就地解决 for the grid's worker while it is reported,
 * 结案 once verified), by session.act, so the relay judges and receipts it as any case event.
 */
function LinkedCase({ session, d, terms, org }: { session: Session; d: Dispute; terms: string | undefined; org: OrgView | null }) {
  const [c, setC] = useState<CaseState | null>(null);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<Msg>(null);
  void session.casesVersion.value;
  useEffect(() => {
    let live = true;
    void session.getCase(d.caseId!).then((x) => live && setC(x));
    return () => {
      live = false;
    };
  }, [d.caseId, session.casesVersion.value]);
  const open = c ? !FINAL_STATUSES.includes(c.status) : false;
  const offer = c && org && open && d.status === 'agreement' ? allowedActions(c, session.user, org).find((a) => a === 'self_resolved' || a === 'closed') : undefined;
  const close = async () => {
    if (!c || !offer) return;
    setBusy(true);
    const note = t('md.caseNote', { terms: terms ?? t('md.status.agreement') }).slice(0, 2000);
    const r = await session.act(c.id, offer === 'self_resolved' ? { type: 'self_resolve', note, photos: [] } : { type: 'close', note });
    setBusy(false);
    setMsg(r.ok ? { tone: 'success', text: t('md.caseClosed') } : { tone: 'error', text: t('md.err.other', { detail: r.error }) });
  };
  return (
    <section class="card" aria-labelledby="md-case">
      <h2 id="md-case">{t('md.case')}</h2>
      <div role="status">{msg ? <Alert tone={msg.tone}>{msg.text}</Alert> : null}</div>
      {c ? (
        <p>
          <a href={routeHref({ name: 'case', id: c.id })}>{c.description.slice(0, 60)}</a>
          <span class="muted"> · {t('md.caseStatus', { status: statusName(c.status) })}</span>
        </p>
      ) : (
        <p>
          <a href={routeHref({ name: 'case', id: d.caseId! })}>{t('md.openCase')}</a>
        </p>
      )}
      {offer ? (
        <button type="button" class="btn btn-primary" disabled={busy} onClick={() => void close()}>
          {busy ? t('md.closingCase') : t('md.closeCase')}
        </button>
      ) : c && open && d.status === 'agreement' ? (
        <p class="muted">{t('md.caseByWorkflow')}</p>
      ) : null}
    </section>
  );
}
