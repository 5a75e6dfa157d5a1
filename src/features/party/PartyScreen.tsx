/**
 * Party work (党建): a member's contact households (党员联系户) with visits and the issues raised at them (each can
 * become a case in one step: the household's grid and location, a category, the issue as the description);
 * needs of 在职党员进乡村 (published by villages for residents and enterprises, claimed by members, work and
 * hours recorded, confirmed by the village); the five-level chain of the town; summaries per branch and member.
 * Everything reads the synced party doc (src/app/records.ts), so it works offline.
 * County and admin hold every town's party doc: they choose the town (`#/party/<tab>?town=<townId>`, remembered for
 * the session) whose needs, members and chain they see and whose doc their writes go to, and the summary covers
 * all towns with a per-town breakdown (`?town=all`, towns.ts) or one chosen town.
 */
import type { ComponentChild } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatTime, localName, t } from '../../app/i18n.ts';
import '../../app/locales/party.zh.ts';
import type { RecordsApi } from '../../app/records.ts';
import { navigate, routeHref } from '../../app/router.ts';
import type { OrgView, Session } from '../../app/services.ts';
import { hlcMs } from '../../domain/hlc.ts';
import { sessionsByMember } from '../../domain/training.ts';
import { careNeedsOf, careNeedsText, type CareNeedView } from '../../app/careneeds.ts';
import { PARTY_ROLES, careKey, partyChain, summarizeParty, type ChainNode, type ContactHousehold, type ContactVisit, type NeedKind, type PartyState, type ServiceFigures } from '../../domain/party.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Tel } from '../../ui/Tel.tsx';
import { Field } from '../../ui/Field.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { dayPeriod, presetDays } from '../../domain/period.ts';
import { gridLabel, townLabel } from '../cases/lookup.ts';
import './party.css';
import { ContactEditor } from './ContactEditor.tsx';
import { outcome, villageName, type Msg } from './messages.ts';
import { ALL_TOWNS, chooseTown, hoursText, summarizeTowns, type TownFigures } from './towns.ts';
import { UnsavedRecords } from './Unsaved.tsx';

const TABS = ['contacts', 'needs', 'members', 'chain', 'summary'] as const;
type Tab = (typeof TABS)[number];
const when = (at: string) => formatTime(hlcMs(at));

export function PartyScreen({ session, tab, town, care }: { session: Session; tab?: string | undefined; town?: string | undefined; care?: string | undefined }) {
  const records = session.records;
  void records?.version.value;
  const org = session.org.value;
  const isMember = session.user.role === 'member';
  // `members`: assigning contact households, for whoever keeps members' records (ContactEditor.tsx).
  const mayEdit = PARTY_ROLES.contact_added.includes(session.user.role);
  const tabs = TABS.filter((x) => (x !== 'contacts' || isMember) && (x !== 'members' || mayEdit));
  const current: Tab = (tabs as readonly string[]).includes(tab ?? '') ? (tab as Tab) : tabs[0]!;
  // County and admin hold several towns' docs: the chosen one, or (summary only) all of them.
  const towns = records?.partyTowns() ?? [];
  const several = towns.length > 1;
  const all = several && current === 'summary' && (town === ALL_TOWNS || town === undefined);
  const townId = records ? chooseTown(records, towns, town) : null;
  const state = townId ? (records?.partyOf(townId) ?? null) : null;
  const townName = (id: string) => townLabel(org, id);
  // The other tabs keep the chosen town; the summary tab opens on the whole county (a town's row leads to its own).
  const href = (x: Tab) => routeHref({ name: 'party', tab: x, ...(several && townId ? { town: x === 'summary' ? ALL_TOWNS : townId } : {}) });
  return (
    <div class="party">
      <ScreenTitle suffix={t('app.name')}>
        {t('party.title')}
        {several && townId ? ` · ${all ? t('party.town.all') : townName(townId)}` : ''}
      </ScreenTitle>
      {records ? <UnsavedRecords records={records} /> : null}
      <nav class="tabs" aria-label={t('party.tabs')}>
        {tabs.map((x) => (
          <a key={x} href={href(x)} aria-current={x === current ? 'page' : undefined}>
            {t(`party.tab.${x}`)}
          </a>
        ))}
      </nav>
      {several && townId ? <TownChooser tab={current} towns={towns} value={all ? ALL_TOWNS : townId} withAll={current === 'summary'} townName={townName} /> : null}
      {records && org && all ? (
        <CountySummary session={session} records={records} towns={towns} org={org} townName={townName} />
      ) : !records || !state || !org || !townId ? (
        <Alert tone="info">{t('party.none')}</Alert>
      ) : current === 'contacts' ? (
        <Contacts session={session} state={state} org={org} />
      ) : current === 'members' ? (
        <ContactEditor session={session} state={state} org={org} townId={townId} />
      ) : current === 'needs' ? (
        <Needs session={session} state={state} org={org} townId={townId} care={care} />
      ) : current === 'chain' ? (
        <Chain state={state} org={org} townId={townId} openIds={[session.user.villageId, session.user.gridId]} />
      ) : (
        <Summary session={session} state={state} org={org} townId={townId} />
      )}
    </div>
  );
}

/**
 * The town whose party doc the screen shows, for users holding several. A select and a button rather than a
 * select that navigates on change: choosing reloads the screen (a new route), which should not happen while
 * a keyboard user is still moving through the options.
 */
function TownChooser({ tab, towns, value, withAll, townName }: { tab: Tab; towns: string[]; value: string; withAll: boolean; townName: (id: string) => string }) {
  const [chosen, setChosen] = useState(value);
  return (
    <form
      class="town-chooser"
      aria-label={t('party.town.chooser')}
      onSubmit={(e) => {
        e.preventDefault();
        navigate({ name: 'party', tab, town: chosen });
      }}
    >
      <Field id="party-town" label={t('party.town.label')}>
        <select id="party-town" value={chosen} onChange={(e) => setChosen(e.currentTarget.value)}>
          {withAll ? <option value={ALL_TOWNS}>{t('party.town.all')}</option> : null}
          {towns.map((id) => (
            <option key={id} value={id}>
              {townName(id)}
            </option>
          ))}
        </select>
      </Field>
      <button type="submit" class="btn">
        {t('party.town.show')}
      </button>
    </form>
  );
}

// ------------------------------------------------------------------ contact households

function Contacts({ session, state, org }: { session: Session; state: PartyState; org: OrgView }) {
  const me = state.members.get(session.user.id);
  if (!me) return <Alert tone="info">{t('party.notMember')}</Alert>;
  return (
    <section aria-labelledby="contacts-h">
      <h2 id="contacts-h">{t('party.contacts', { n: me.contacts.length })}</h2>
      {me.contacts.map((c) => (
        <ContactCard key={c.householdId} session={session} contact={c} visits={state.visits.filter((v) => v.householdId === c.householdId && v.memberId === me.userId)} org={org} />
      ))}
    </section>
  );
}

function ContactCard({ session, contact, visits, org }: { session: Session; contact: ContactHousehold; visits: ContactVisit[]; org: OrgView }) {
  const records = session.records!;
  const [note, setNote] = useState('');
  const [issues, setIssues] = useState('');
  const [msg, setMsg] = useState<Msg>(null);
  const id = contact.householdId;
  return (
    <article class="card" aria-labelledby={`c-${id}`}>
      <h3 id={`c-${id}`}>
        {contact.address} · {contact.head}
      </h3>
      <p class="contact-meta">
        <span>{gridLabel(org, contact.gridId)}</span>
        {contact.phone ? <Tel number={contact.phone} label={t('party.call', { name: contact.head, phone: contact.phone })} /> : null}
      </p>
      <details class="panel">
        <summary class="btn btn-quiet">{t('party.recordVisit')}</summary>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const list = issues
              .split('\n')
              .map((s) => s.trim())
              .filter(Boolean);
            const r = records.partyAct('contact_visit', { householdId: id, gridId: contact.gridId, note, issues: list });
            setMsg(outcome(r, t('party.visitSaved')));
            if (r.ok) {
              setNote('');
              setIssues('');
            }
          }}
        >
          <Field id={`vn-${id}`} label={t('party.visitNote')}>
            <textarea id={`vn-${id}`} required rows={3} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          </Field>
          <Field id={`vi-${id}`} label={t('party.visitIssues')} hint={t('party.visitIssuesHint')}>
            <textarea id={`vi-${id}`} rows={3} aria-describedby={`vi-${id}-hint`} value={issues} onInput={(e) => setIssues(e.currentTarget.value)} />
          </Field>
          <button type="submit" class="btn btn-primary">
            {t('party.saveVisit')}
          </button>
        </form>
      </details>
      <Alert tone={msg?.tone ?? 'info'}>{msg?.text}</Alert>
      {visits.length ? <h4>{t('party.visits')}</h4> : null}
      <ul class="plain-list">
        {[...visits].reverse().map((v) => (
          <li key={v.id}>
            <p>
              <time>{when(v.at)}</time>
              {t('app.colon')}
              {v.note}
            </p>
            {v.issues.length ? (
              <ul>
                {v.issues.map((issue, i) => (
                  <li key={i}>
                    {issue.text}{' '}
                    {issue.caseId ? (
                      <a href={`#/cases/${issue.caseId}`}>{t('party.issueCase')}</a>
                    ) : (
                      <IssueToCase session={session} visit={v} index={i} contact={contact} org={org} />
                    )}
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
    </article>
  );
}

function IssueToCase({ session, visit, index, contact, org }: { session: Session; visit: ContactVisit; index: number; contact: ContactHousehold; org: OrgView }) {
  const [category, setCategory] = useState('');
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<Msg>(null);
  const fid = `ic-${visit.id}-${index}`;
  const grid = org.grid(contact.gridId);
  const location = contact.location ?? (grid ? { lng: grid.center[0], lat: grid.center[1] } : null);
  const majors = [...org.data.categories].sort((a, b) => a.code.localeCompare(b.code));
  return (
    <form
      class="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!location || !category) return;
        setBusy(true);
        void session
          .records!.reportIssue(visit.id, index, {
            category,
            description: `${visit.issues[index]!.text}（${contact.address}，${t('party.fromVisit')}）`,
            location,
            gridId: contact.gridId,
            address: contact.address,
          })
          .then((d) => {
            setBusy(false);
            setMsg(outcome(d, t('party.issueReported')));
          });
      }}
    >
      <Field id={fid} label={t('party.issueCategory')}>
        <select id={fid} required value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
          <option value="">{t('party.chooseCategory')}</option>
          {majors.map((m) => (
            <optgroup key={m.code} label={localName(m)}>
              {org.data.subcategories
                .filter((s) => s.major === m.code)
                .map((s) => (
                  <option key={s.code} value={s.code}>
                    {localName(s)}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
      </Field>
      <button type="submit" class="btn" disabled={busy || !location}>
        {t('party.issueToCase')}
      </button>
      <Alert tone={msg?.tone ?? 'info'}>{msg?.text}</Alert>
    </form>
  );
}

// ------------------------------------------------------------------ needs

function Needs({ session, state, org, townId, care }: { session: Session; state: PartyState; org: OrgView; townId: string; care?: string | undefined }) {
  const records = session.records!;
  const role = session.user.role;
  const [msg, setMsg] = useState<Msg>(null);
  const needs = [...state.needs.values()].sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : -1));
  const mayConfirm = (villageId: string) => role === 'town' || (role === 'secretary' && session.user.villageId === villageId);
  const mayPublish = role === 'secretary' || role === 'town';
  // Issue 17: care visits whose needs wait for this village (secretary) or town (center) to publish them.
  const pending = mayPublish
    ? careNeedsOf(records, org, session.now()).filter((p) => p.townId === townId && (role !== 'secretary' || p.villageId === session.user.villageId))
    : [];
  const [from, setFrom] = useState<string | undefined>(care);
  // Chosen by a tap here (not arriving from the inbox's link, where the screen's title takes focus as on every screen).
  const [tapped, setTapped] = useState(false);
  const chosen = pending.find((p) => careKey(p) === from);
  const gone = from !== undefined && !chosen;
  return (
    <section aria-labelledby="needs-h">
      <h2 id="needs-h">{t('party.needs', { n: needs.length })}</h2>
      {pending.length ? (
        <CareNeeds
          org={org}
          items={pending}
          chosen={from}
          onChoose={(key) => {
            setFrom(key);
            setTapped(true);
          }}
          onDecline={(p, reason) => {
            const r = records.partyActIn(townId, 'care_need_declined', { villageId: p.villageId, gridId: p.gridId, visitId: p.visitId, reason });
            setMsg(outcome(r, t('party.care.declined')));
            if (r.ok && from === careKey(p)) setFrom(undefined);
            return r.ok;
          }}
        />
      ) : null}
      {gone && care === from ? <Alert tone="info">{t(state.careNeeds.has(from) ? 'party.care.taken' : 'party.care.gone')}</Alert> : null}
      {mayPublish ? (
        <PublishNeed
          key={chosen ? careKey(chosen) : 'blank'}
          session={session}
          org={org}
          townId={townId}
          from={chosen}
          focus={tapped}
          onDone={(m) => {
            setMsg(m);
            if (m?.tone === 'success') setFrom(undefined);
          }}
        />
      ) : null}
      <Alert tone={msg?.tone ?? 'info'}>{msg?.text}</Alert>
      {needs.map((n) => (
        <article key={n.id} class="card" aria-labelledby={`n-${n.id}`}>
          <h3 id={`n-${n.id}`}>
            {n.title} <span class="badge">{t(`party.kind.${n.kind}`)}</span> <span class="badge">{t(`party.status.${n.status}`)}</span>
            {n.fromCare ? <span class="badge">{t('party.care.badge')}</span> : null}
          </h3>
          <p>
            {villageName(org, n.villageId)}
            {n.fromCare ? ` · ${gridLabel(org, n.fromCare.gridId)}` : ''}
            {n.requester ? ` · ${n.requester}` : ''} · {when(n.publishedAt)}
          </p>
          <p>{n.detail}</p>
          {n.claimedBy ? <p>{t('party.claimedBy', { name: org.user(n.claimedBy)?.name ?? n.claimedBy })}</p> : null}
          {n.work.length ? (
            <ul class="plain-list">
              {n.work.map((w) => (
                <li key={w.id}>
                  {when(w.at)} · {t('party.hoursN', { n: w.hours })}: {w.note}
                </li>
              ))}
            </ul>
          ) : null}
          {role === 'member' && n.status === 'open' ? (
            <button type="button" class="btn btn-primary" onClick={() => setMsg(outcome(records.partyActIn(townId, 'need_claimed', { needId: n.id }), t('party.claimed')))}>
              {t('party.claim')}
            </button>
          ) : null}
          {role === 'member' && n.status === 'claimed' && n.claimedBy === session.user.id ? <RecordWork session={session} townId={townId} needId={n.id} onDone={setMsg} /> : null}
          {n.status === 'claimed' && n.work.length > 0 && mayConfirm(n.villageId) ? (
            <button type="button" class="btn btn-primary" onClick={() => setMsg(outcome(records.partyActIn(townId, 'need_confirmed', { needId: n.id }), t('party.confirmed')))}>
              {t('party.confirm')}
            </button>
          ) : null}
        </article>
      ))}
    </section>
  );
}

const CARE_NEEDS_SHOWN = 5;

/**
 * Issue 17: the care visits whose needs wait for a party need, newest first; "发布为诉求" fills the form below with
 * the visit's findings (the publisher edits what members will read: a need is shown to every member of the town).
 */
function CareNeeds({
  org,
  items,
  chosen,
  onChoose,
  onDecline,
}: {
  org: OrgView;
  items: readonly CareNeedView[];
  chosen: string | undefined;
  onChoose: (key: string) => void;
  onDecline: (item: CareNeedView, reason: string) => boolean;
}) {
  // A town's center sees every village's: the newest few first, the rest on request (the needs are below).
  const [all, setAll] = useState(false);
  const shown = all ? items : items.slice(0, CARE_NEEDS_SHOWN);
  return (
    <section class="care-needs" aria-labelledby="care-needs-h">
      <h3 id="care-needs-h">{t('party.care.title', { n: items.length })}</h3>
      <p class="hint">{t('party.care.hint')}</p>
      <ul class="care-need-list">
        {shown.map((p) => {
          const key = careKey(p);
          return (
            <li key={key} class="card care-need">
              <p class="care-need-who">
                <strong>{p.head ?? t('party.care.household')}</strong>
                <span class="muted">{[p.address, org.grid(p.gridId)?.name ?? p.gridId].filter(Boolean).join(' · ')}</span>
              </p>
              <p class="care-need-what">
                {t('party.care.needs')}
                {p.needs.map((n) => (
                  <span key={n} class="badge">
                    {careNeedsText([n])}
                  </span>
                ))}
              </p>
              {p.note ? <p class="care-need-note">{p.note}</p> : null}
              <p class="muted">{t('party.care.found', { when: formatTime(p.ms), worker: org.user(p.workerId)?.name ?? p.workerId })}</p>
              <div class="care-need-actions">
                <button type="button" class="btn" aria-pressed={chosen === key} onClick={() => onChoose(key)}>
                  {t('party.care.publish')}
                </button>
                <DeclineCareNeed id={`decline-${p.visitId}`} onDecline={(reason) => onDecline(p, reason)} />
              </div>
            </li>
          );
        })}
      </ul>
      {shown.length < items.length ? (
        <button type="button" class="btn btn-quiet" onClick={() => setAll(true)}>
          {t('party.care.all', { n: items.length })}
        </button>
      ) : null}
    </section>
  );
}

/** 无需发布: the village decides the visit's needs need no party need, and says why (the worker sees it). */
function DeclineCareNeed({ id, onDecline }: { id: string; onDecline: (reason: string) => boolean }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  if (!open) {
    return (
      <button type="button" class="btn btn-quiet" onClick={() => setOpen(true)}>
        {t('party.care.decline')}
      </button>
    );
  }
  return (
    <form
      class="inline-form"
      aria-label={t('party.care.decline')}
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim() && onDecline(reason.trim())) setOpen(false);
      }}
    >
      <Field id={id} label={t('party.care.declineReason')}>
        <input id={id} required maxLength={200} value={reason} placeholder={t('party.care.declineHint')} onInput={(e) => setReason(e.currentTarget.value)} />
      </Field>
      <button type="submit" class="btn btn-primary" disabled={!reason.trim()}>
        {t('party.care.declineConfirm')}
      </button>
      <button type="button" class="btn btn-quiet" onClick={() => setOpen(false)}>
        {t('party.care.declineCancel')}
      </button>
    </form>
  );
}

/** The form's first values for a need taking up a care visit: what was found, where, for whom. */
function careDraft(org: OrgView, p: CareNeedView): { villageId: string; title: string; detail: string; requester: string } {
  const needs = careNeedsText(p.needs);
  const where = [gridLabel(org, p.gridId), p.address].filter(Boolean).join(' ');
  return {
    villageId: p.villageId,
    title: t('party.care.draftTitle', { needs }).slice(0, 120),
    detail: t('party.care.draftDetail', { where, when: formatTime(p.ms), needs, note: p.note ?? '' }).trim().slice(0, 2000),
    requester: (p.head ?? '').slice(0, 80),
  };
}

function PublishNeed({ session, org, townId, from, focus, onDone }: { session: Session; org: OrgView; townId: string; from?: CareNeedView | undefined; focus?: boolean; onDone: (m: Msg) => void }) {
  const villages = org.data.villages.filter((v) => (session.user.role === 'secretary' ? v.id === session.user.villageId : v.townId === session.user.townId));
  const draft = from ? careDraft(org, from) : null;
  const [kind, setKind] = useState<NeedKind>('resident');
  const [villageId, setVillageId] = useState(draft?.villageId ?? villages[0]?.id ?? '');
  const [title, setTitle] = useState(draft?.title ?? '');
  const [detail, setDetail] = useState(draft?.detail ?? '');
  const [requester, setRequester] = useState(draft?.requester ?? '');
  const titleField = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (from && focus) titleField.current?.focus();
  }, []);
  return (
    <details class="panel" open={from ? true : undefined}>
      <summary class="btn btn-quiet">{t('party.publish')}</summary>
      <form
        aria-label={from ? t('party.care.formName') : t('party.publish')}
        onSubmit={(e) => {
          e.preventDefault();
          const fromCare = from ? { gridId: from.gridId, visitId: from.visitId } : undefined;
          const r = session.records!.partyActIn(townId, 'need_published', { kind, villageId, title, detail, ...(requester.trim() ? { requester } : {}), ...(fromCare ? { fromCare } : {}) });
          onDone(outcome(r, t('party.published')));
          if (r.ok) {
            setTitle('');
            setDetail('');
            setRequester('');
          }
        }}
      >
        {from ? <p class="hint">{t('party.care.formHint')}</p> : null}
        <Field id="need-kind" label={t('party.needKind')}>
          <select id="need-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as NeedKind)}>
            <option value="resident">{t('party.kind.resident')}</option>
            <option value="enterprise">{t('party.kind.enterprise')}</option>
          </select>
        </Field>
        <Field id="need-village" label={t('party.village')}>
          <select id="need-village" value={villageId} disabled={Boolean(from)} onChange={(e) => setVillageId(e.currentTarget.value)}>
            {villages.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="need-title" label={t('party.needTitle')}>
          <input id="need-title" ref={titleField} required maxLength={120} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
        </Field>
        <Field id="need-detail" label={t('party.needDetail')}>
          <textarea id="need-detail" required rows={3} value={detail} onInput={(e) => setDetail(e.currentTarget.value)} />
        </Field>
        <Field id="need-requester" label={t('party.requester')}>
          <input id="need-requester" value={requester} onInput={(e) => setRequester(e.currentTarget.value)} />
        </Field>
        <button type="submit" class="btn btn-primary">
          {t('party.publish')}
        </button>
      </form>
    </details>
  );
}

function RecordWork({ session, townId, needId, onDone }: { session: Session; townId: string; needId: string; onDone: (m: Msg) => void }) {
  const [hours, setHours] = useState('2');
  const [note, setNote] = useState('');
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        const r = session.records!.partyActIn(townId, 'need_work', { needId, hours: Number(hours), note });
        onDone(outcome(r, t('party.workSaved')));
        if (r.ok) setNote('');
      }}
    >
      <Field id={`wh-${needId}`} label={t('party.hours')}>
        <input id={`wh-${needId}`} type="number" min="0.25" max="24" step="0.25" required value={hours} onInput={(e) => setHours(e.currentTarget.value)} />
      </Field>
      <Field id={`wn-${needId}`} label={t('party.workNote')}>
        <textarea id={`wn-${needId}`} required rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </Field>
      <button type="submit" class="btn btn-primary">
        {t('party.recordWork')}
      </button>
    </form>
  );
}

// ------------------------------------------------------------------ chain and summary

function Chain({ state, org, townId, openIds }: { state: PartyState; org: OrgView; townId: string; openIds: Array<string | undefined> }) {
  const root = partyChain(org.data, townId);
  const membersIn = (level: ChainNode['level'], id: string) => [...state.members.values()].filter((m) => (level === 'branch' ? m.villageId === id : m.gridId === id));
  const render = (n: ChainNode) => {
    const members = n.level === 'group' ? membersIn('group', n.id) : [];
    return (
      <li key={n.id}>
        <details open={n.level === 'county' || n.level === 'town' || openIds.includes(n.id)}>
          <summary>
            {t(`party.level.${n.level}`)}
            {t('app.colon')}
            {n.name}
            {n.level === 'branch' ? ` · ${t('party.membersN', { n: membersIn('branch', n.id).length })}` : ''}
          </summary>
          <ul>
            {n.children.map(render)}
            {members.map((m) => (
              <li key={m.userId}>
                {t('role.member')} {m.name}
                {m.inService ? ` · ${t('party.inService')}${m.employer ? `（${m.employer}）` : ''}` : ''}
                <ul>
                  <li>
                    {t('party.level.contact')}
                    {t('app.colon')}
                    {m.contacts.map((c) => c.head).join('、') || '—'}
                  </li>
                </ul>
              </li>
            ))}
          </ul>
        </details>
      </li>
    );
  };
  return (
    <section aria-labelledby="chain-h" class="chain">
      <h2 id="chain-h">{t('party.chainTitle')}</h2>
      <ol class="chain-levels">
        {(['county', 'town', 'branch', 'group', 'contact'] as const).map((l) => (
          <li key={l}>{t(`party.level.${l}`)}</li>
        ))}
      </ol>
      <ul>{render(root)}</ul>
    </section>
  );
}

/** The period of a summary: from 1 January of this year to today, by default. */
function usePeriod(session: Session) {
  const year = presetDays('this_year', session.now());
  const [from, setFrom] = useState(year.from);
  const [to, setTo] = useState(year.to);
  const period = dayPeriod(from, to);
  const range: [number, number] | null = period ? [period.fromMs, period.toMs] : null;
  const fields = (
    <div class="button-row">
      <Field id="sum-from" label={t('party.from')}>
        <input id="sum-from" type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
      </Field>
      <Field id="sum-to" label={t('party.to')}>
        <input id="sum-to" type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
      </Field>
    </div>
  );
  return { range, fields };
}

const head = (first: string, members = false) => (
  <tr>
    <th scope="col">{first}</th>
    {members ? <th scope="col">{t('party.col.members')}</th> : null}
    <th scope="col">{t('party.col.visits')}</th>
    <th scope="col">{t('party.col.issues')}</th>
    <th scope="col">{t('party.col.claimed')}</th>
    <th scope="col">{t('party.col.confirmed')}</th>
    <th scope="col">{t('party.col.hours')}</th>
    <th scope="col">{t('party.col.confirmedHours')}</th>
  </tr>
);

const figureCells = (f: ServiceFigures) => (
  <>
    <td class="num" data-label={t('party.col.visits')}>
      {f.visits}
    </td>
    <td class="num" data-label={t('party.col.issues')}>
      {f.issues}
    </td>
    <td class="num" data-label={t('party.col.claimed')}>
      {f.needsClaimed}
    </td>
    <td class="num" data-label={t('party.col.confirmed')}>
      {f.needsConfirmed}
    </td>
    <td class="num" data-label={t('party.col.hours')}>
      {hoursText(f.hours)}
    </td>
    <td class="num" data-label={t('party.col.confirmedHours')}>
      {hoursText(f.confirmedHours)}
    </td>
  </>
);

function Summary({ session, state, org, townId }: { session: Session; state: PartyState; org: OrgView; townId: string }) {
  const { range, fields } = usePeriod(session);
  const s = range ? summarizeParty(state, range[0], range[1]) : null;
  // Issue 14: literacy sessions a trainer held during a member's contact visits count for that member too.
  const training = session.records?.training(townId) ?? null;
  const taught = range && training ? sessionsByMember(training, range[0], range[1]) : null;
  return (
    <section aria-labelledby="sum-h">
      <h2 id="sum-h">{t('party.summary')}</h2>
      {fields}
      {!s ? (
        <Alert tone="error">{t('party.badPeriod')}</Alert>
      ) : (
        <div aria-live="polite">
          <Ranked id="sum-town-branches" title={t('party.byBranch')} first={t('party.branch')} rows={s.branches.map((b) => ({ key: b.villageId, label: villageName(org, b.villageId), figures: b }))} />
          <Ranked
            id="sum-town-members"
            title={t('party.byMember')}
            first={t('role.member')}
            rows={s.members.map((m) => ({
              key: m.memberId,
              label: (
                <>
                  {m.name} <span class="hint">{villageName(org, m.villageId)}</span>
                </>
              ),
              figures: m,
            }))}
          />
          {taught && taught.size > 0 ? (
            <>
              <h3 id="sum-taught-h">{t('party.taught')}</h3>
              <ul>
                {s.members
                  .filter((m) => taught.has(m.memberId))
                  .map((m) => (
                    <li key={m.memberId}>{t('party.taughtLine', { name: m.name, n: taught.get(m.memberId) ?? 0 })}</li>
                  ))}
              </ul>
            </>
          ) : null}
        </div>
      )}
    </section>
  );
}

/** Rows shown at first in the county-wide branch and member rankings (a phone screen or two); the rest on request. */
const FIRST_ROWS = 20;

/**
 * The summary over every town held (county, admin): one row per town (its name leads to that town's summary)
 * with the county total, then the branches and members of all towns, most service hours first.
 */
function CountySummary({ session, records, towns, org, townName }: { session: Session; records: RecordsApi; towns: string[]; org: OrgView; townName: (id: string) => string }) {
  const { range, fields } = usePeriod(session);
  const s = range ? summarizeTowns(towns.map((townId) => ({ townId, state: records.partyOf(townId) })), range[0], range[1]) : null;
  const townRow = (label: ComponentChild, r: Omit<TownFigures, 'townId'>) => (
    <>
      <th scope="row" class="rt-title">{label}</th>
      <td class="num" data-label={t('party.col.members')}>
        {r.members}
      </td>
      {figureCells(r)}
    </>
  );
  return (
    <section aria-labelledby="sum-h" class="county-summary">
      <h2 id="sum-h">{t('party.county.title', { n: towns.length })}</h2>
      {fields}
      {!s ? (
        <Alert tone="error">{t('party.badPeriod')}</Alert>
      ) : (
        <>
          <p role="status">{t('party.county.status', { towns: towns.length, members: s.total.members, hours: hoursText(s.total.hours), confirmed: s.total.needsConfirmed })}</p>
          <h3 id="sum-towns-h">{t('party.byTown')}</h3>
          <div class="table-wrap" role="region" aria-labelledby="sum-towns-h" tabIndex={0}>
            <table class="data-table rtable rt-compact" aria-labelledby="sum-towns-h">
              <thead>{head(t('party.town.col'), true)}</thead>
              <tbody>
                {s.towns.map((r) => (
                  <tr key={r.townId}>{townRow(<a href={routeHref({ name: 'party', tab: 'summary', town: r.townId })}>{townName(r.townId)}</a>, r)}</tr>
                ))}
              </tbody>
              <tfoot>
                <tr class="total">{townRow(t('party.county.total'), s.total)}</tr>
              </tfoot>
            </table>
          </div>
          <Ranked
            id="sum-branches"
            title={t('party.byBranch')}
            first={t('party.branch')}
            hint={t('party.county.rankHint')}
            rows={s.branches.map((b) => ({
              key: `${b.townId}/${b.villageId}`,
              label: (
                <>
                  {villageName(org, b.villageId)} <span class="hint">{townName(b.townId)}</span>
                </>
              ),
              figures: b,
            }))}
          />
          <Ranked
            id="sum-members"
            title={t('party.byMember')}
            first={t('role.member')}
            hint={t('party.county.rankHint')}
            rows={s.members.map((m) => ({
              key: `${m.townId}/${m.memberId}`,
              label: (
                <>
                  {m.name}{' '}
                  <span class="hint">
                    {townName(m.townId)} · {villageName(org, m.villageId)}
                  </span>
                </>
              ),
              figures: m,
            }))}
          />
        </>
      )}
    </section>
  );
}

function Ranked({ id, title, first, rows, hint }: { id: string; title: string; first: string; rows: Array<{ key: string; label: ComponentChild; figures: ServiceFigures }>; hint?: string }) {
  const [all, setAll] = useState(false);
  const shown = all ? rows : rows.slice(0, FIRST_ROWS);
  return (
    <>
      <h3 id={`${id}-h`}>{title}</h3>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <div class="table-wrap" role="region" aria-labelledby={`${id}-h`} tabIndex={0}>
        <table class="data-table rtable rt-compact" id={id} aria-labelledby={`${id}-h`} aria-describedby={hint ? `${id}-hint` : undefined}>
          <thead>{head(first)}</thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.key}>
                <th scope="row" class="rt-title">
                  {r.label}
                </th>
                {figureCells(r.figures)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > FIRST_ROWS ? (
        <button type="button" class="btn" aria-controls={id} aria-expanded={all} onClick={() => setAll(!all)}>
          {all ? t('party.county.fewer', { n: FIRST_ROWS }) : t('party.county.more', { n: rows.length })}
        </button>
      ) : null}
    </>
  );
}
