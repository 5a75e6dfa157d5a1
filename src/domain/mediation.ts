/**
 * 矛盾纠纷调解 (issue 17): disputes a town's grid workers, village secretaries, party members and center mediate.
 *
 * Two docs per town, because a CRDT doc cannot be filtered per reader (docs/DESIGN.md §3):
 *  - `mediation.<townId>`: the town's summary log. Who opened which dispute, of what type, in which grid, who
 *    mediates it, its status, outcome and follow-up date, and the case it started from. No party's name, phone or
 *    note: the town's staff (center, grid workers, secretaries, party members) read it for the lists and figures
 *    (考核), county and admin for the figures. The relay decides who may open a dispute's details from it.
 *  - `dispute.<townId>.<disputeId>`: the parties, the sessions with their notes and the agreement's terms. Read and
 *    written by exactly the dispute's mediators (folded from the summary: `disputeAccess`) and the town center.
 *
 * Summary events (envelope `{ id, type, actor, at, data }`, an append-only Y.Array `events` as the other logs):
 *  - `dispute_opened` {disputeId, gridId, type, mediators, caseId?}: by the grid's worker, its village secretary or
 *    the town center (`mayOpen`); every mediator is eligible for the grid (`eligibleMediator`: the grid's worker,
 *    its village's secretary, a party member or center account of the town); a worker or secretary names
 *    themselves (they write the details; the center reads every dispute's details anyway).
 *  - `mediators_set` {disputeId, mediators}: the town center or the dispute's opener, while it is open.
 *  - `outcome_recorded` {disputeId, outcome, followUpMs? (agreement), referredTo? (referred)}: a mediator of the
 *    dispute or the town center, once: open -> settled | referred | failed.
 *  - `followup_done` {disputeId, kept}: after an agreement, once (a mediator or the town center).
 *  - `dispute_withdrawn` {disputeId, reason}: a dispute registered by mistake (撤销登记), by its opener or the town
 *    center, while it is open (no outcome): open -> withdrawn. A withdrawn dispute counts in no figure; any later
 *    event on it is superseded. An outcome and a withdrawal made offline: the first by (at, id) counts.
 * Authority (role, scope, eligibility, being a mediator) is checked by the relay when an event is written, against
 * the org doc and the summary as the relay holds them then (server/validate.ts, the rules here); the fold takes an
 * accepted event as a fact and checks only the dispute's state. Two mediators who record outcomes offline: both are
 * accepted, the first by (at, id) counts and the other is listed as superseded (the screen says so).
 *
 * Detail events (`dispute.<townId>.<disputeId>`): `parties_saved` (the whole list and the description: the latest
 * by (at, id) counts), `session_recorded` (date, the mediators present, notes), `terms_recorded` (the agreement).
 */
import * as v from 'valibot';
import { HLC_PATTERN, hlcMs } from './hlc.ts';
import { ID_PATTERN } from './ids.ts';
import { disputeAccess } from './docs.ts';
import type { Grid, OrgIndex, UserInfo } from './org.ts';
import type { InboxDispute } from './inbox.ts';

const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));
const optionalText = (max: number) => v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max)));
const refId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,40}$/));
const eventId = v.pipe(v.string(), v.regex(ID_PATTERN));
const timeMs = v.pipe(v.number(), v.integer(), v.minValue(Date.UTC(2020, 0, 1)), v.maxValue(Date.UTC(2100, 0, 1)));
/** At most 8 mediators, each named once. */
const mediatorList = v.pipe(
  v.array(refId),
  v.minLength(1),
  v.maxLength(8),
  v.check((l) => new Set(l).size === l.length, 'a mediator is named twice'),
);

/** The kinds of dispute (the usual 人民调解 categories). */
export const DISPUTE_TYPES = ['neighbour', 'family', 'land', 'housing', 'debt', 'labour', 'damage', 'other'] as const;
export type DisputeType = (typeof DISPUTE_TYPES)[number];
export const OUTCOMES = ['agreement', 'referred', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export type DisputeStatus = 'open' | Outcome | 'withdrawn';

const SUMMARY_SCHEMAS = {
  dispute_opened: v.strictObject({
    disputeId: eventId,
    gridId: refId,
    type: v.picklist(DISPUTE_TYPES),
    mediators: mediatorList,
    /** The case it started from (the same town's), which reaching agreement may close. */
    caseId: v.optional(eventId),
  }),
  mediators_set: v.strictObject({ disputeId: eventId, mediators: mediatorList }),
  outcome_recorded: v.pipe(
    v.strictObject({
      disputeId: eventId,
      outcome: v.picklist(OUTCOMES),
      /** The agreement's follow-up (回访) date. */
      followUpMs: v.optional(timeMs),
      /** Who a referred dispute went to (司法所, 法院, 信访...): an office, never a person's details. */
      referredTo: optionalText(60),
    }),
    v.check((d) => (d.outcome === 'agreement') === (d.followUpMs !== undefined), 'an agreement has a follow-up date, and only an agreement'),
    v.check((d) => (d.outcome === 'referred') === Boolean(d.referredTo), 'a referral names where to, and only a referral'),
  ),
  /** The follow-up visit: whether the agreement was kept. */
  followup_done: v.strictObject({ disputeId: eventId, kept: v.boolean() }),
  /** 撤销登记: a dispute registered by mistake, with why (shown to the town and the mediators). */
  dispute_withdrawn: v.strictObject({ disputeId: eventId, reason: text(200) }),
} as const;

export const PARTY_SIDES = ['applicant', 'respondent', 'other'] as const;
export const PartySchema = v.strictObject({
  name: text(40),
  side: v.picklist(PARTY_SIDES),
  phone: optionalText(20),
  /** Chosen from the people register (src/domain/people.ts), or typed by name (absent). */
  residentId: v.optional(refId),
  gridId: v.optional(refId),
});
export type DisputeParty = v.InferOutput<typeof PartySchema>;

const DETAIL_SCHEMAS = {
  parties_saved: v.strictObject({ parties: v.pipe(v.array(PartySchema), v.minLength(1), v.maxLength(10)), description: text(2000) }),
  session_recorded: v.strictObject({
    heldMs: timeMs,
    present: v.pipe(v.array(refId), v.minLength(1), v.maxLength(8)),
    note: text(4000),
  }),
  terms_recorded: v.strictObject({ terms: text(2000) }),
} as const;

export type SummaryType = keyof typeof SUMMARY_SCHEMAS;
export type DetailType = keyof typeof DETAIL_SCHEMAS;
export type SummaryData = { [K in SummaryType]: v.InferOutput<(typeof SUMMARY_SCHEMAS)[K]> };
export type DetailData = { [K in DetailType]: v.InferOutput<(typeof DETAIL_SCHEMAS)[K]> };
type Env<T extends string, D> = { id: string; type: T; actor: string; at: string; data: D };
export type SummaryEvent = { [K in SummaryType]: Env<K, SummaryData[K]> }[SummaryType];
export type DetailEvent = { [K in DetailType]: Env<K, DetailData[K]> }[DetailType];
export const SUMMARY_EVENT_TYPES = Object.keys(SUMMARY_SCHEMAS) as SummaryType[];
export const DETAIL_EVENT_TYPES = Object.keys(DETAIL_SCHEMAS) as DetailType[];

type Parsed<E> = { ok: true; event: E } | { ok: false; detail: string };

function parseWith<E>(schemas: Record<string, v.GenericSchema>, input: unknown): Parsed<E> {
  const env = v.safeParse(
    v.strictObject({ id: eventId, type: v.picklist(Object.keys(schemas)), actor: refId, at: v.pipe(v.string(), v.regex(HLC_PATTERN)), data: v.unknown() }),
    input,
  );
  if (!env.success) return { ok: false, detail: env.issues.map((i) => i.message).join('; ').slice(0, 200) };
  const data = v.safeParse(schemas[env.output.type]!, env.output.data);
  if (!data.success) return { ok: false, detail: `${env.output.type}: ${data.issues.map((i) => `${i.path?.map((p) => String(p.key)).join('.') ?? ''} ${i.message}`.trim()).join('; ')}`.slice(0, 200) };
  return { ok: true, event: { ...env.output, data: data.output } as E };
}

export const parseSummaryEvent = (input: unknown): Parsed<SummaryEvent> => parseWith<SummaryEvent>(SUMMARY_SCHEMAS, input);
export const parseDetailEvent = (input: unknown): Parsed<DetailEvent> => parseWith<DetailEvent>(DETAIL_SCHEMAS, input);

// ------------------------------------------------------------------ who may do what (app and relay)

type GridRef = Pick<Grid, 'id' | 'villageId' | 'townId'>;

/** Who may open a dispute in a grid: its worker, its village's secretary, its town's center. */
export function mayOpen(user: UserInfo, grid: GridRef | undefined): boolean {
  if (!grid) return false;
  if (user.role === 'worker') return user.gridId === grid.id;
  if (user.role === 'secretary') return user.villageId === grid.villageId;
  if (user.role === 'town') return user.townId === grid.townId;
  return false;
}

/** Who may mediate a dispute of a grid: its worker, its village's secretary, a party member or center account of its town. */
export function eligibleMediator(u: UserInfo | undefined, grid: GridRef | undefined): boolean {
  if (!u || !grid) return false;
  switch (u.role) {
    case 'worker':
      return u.gridId === grid.id;
    case 'secretary':
      return u.villageId === grid.villageId;
    case 'member':
    case 'town':
      return u.townId === grid.townId;
    default:
      return false;
  }
}

/** Whether a user acts for the town center of a town (reads every dispute's details, records any outcome). */
const isCenter = (user: UserInfo, townId: string) => user.role === 'town' && user.townId === townId;

/** Whether `user` may record an outcome, a follow-up, or write the details of a dispute: a mediator, or the town center. */
export function mayMediate(user: UserInfo, townId: string, d: Pick<Dispute, 'mediators'> | undefined): boolean {
  return disputeAccess(user, townId, d) === 'write';
}

/**
 * Who may withdraw a dispute (撤销登记): its opener or the town center. Authority only: whether it is still open is
 * the fold's (`mayWithdrawNow` for the screen), so an offline race with an outcome is accepted and settled by (at, id).
 */
export function mayWithdraw(user: UserInfo, townId: string, d: Pick<Dispute, 'openedBy'>): boolean {
  return isCenter(user, townId) || user.id === d.openedBy;
}

/** Whether the screen offers 撤销登记 now: an allowed user, the dispute open (no outcome recorded). */
export function mayWithdrawNow(user: UserInfo, townId: string, d: Pick<Dispute, 'openedBy' | 'status'>): boolean {
  return d.status === 'open' && mayWithdraw(user, townId, d);
}

/**
 * Authority for a new summary event of `townId`'s doc, against the org as it is now and the summary folded so far
 * (the relay's check when the event is written; the app asks the same before it appends). Null when allowed, else why.
 * State (open or not, outcome once) is not authority: the fold settles it (an offline race is accepted).
 */
export function summaryRefusal(e: SummaryEvent, user: UserInfo, townId: string, org: OrgIndex, s: MediationState): string | null {
  if (e.type === 'dispute_opened') {
    const grid = org.grid(e.data.gridId);
    if (!grid || grid.townId !== townId) return `grid ${e.data.gridId} is not in ${townId}`;
    if (!mayOpen(user, grid)) return `a ${user.role} may not open a dispute in grid ${grid.id}`;
    for (const m of e.data.mediators) if (!eligibleMediator(org.user(m), grid)) return `${m} may not mediate a dispute of grid ${grid.id}`;
    if (user.role !== 'town' && !e.data.mediators.includes(user.id)) return 'who opens a dispute mediates it (or the town center opens it)';
    return null;
  }
  const d = s.disputes.get(e.data.disputeId);
  if (!d) return `dispute ${e.data.disputeId} is not in this doc`;
  if (e.type === 'mediators_set') {
    if (!isCenter(user, townId) && user.id !== d.openedBy) return 'only the town center or who opened the dispute changes its mediators';
    const grid = org.grid(d.gridId);
    for (const m of e.data.mediators) if (!eligibleMediator(org.user(m), grid)) return `${m} may not mediate a dispute of grid ${d.gridId}`;
    return null;
  }
  if (e.type === 'dispute_withdrawn') return mayWithdraw(user, townId, d) ? null : 'only the town center or who opened the dispute withdraws it';
  return mayMediate(user, townId, d) ? null : `${user.id} does not mediate dispute ${d.id}`;
}

// ------------------------------------------------------------------ summary fold

export interface Dispute {
  id: string;
  gridId: string;
  type: DisputeType;
  mediators: string[];
  /** When each current mediator was named (the event that put them on the list): the inbox's fact. */
  namedAt: Record<string, string>;
  caseId?: string;
  openedBy: string;
  openedAt: string;
  status: DisputeStatus;
  outcomeBy?: string;
  outcomeAt?: string;
  followUpMs?: number;
  referredTo?: string;
  followUp?: { kept: boolean; by: string; at: string };
  /** 撤销登记: who, when and why (status 'withdrawn'). */
  withdrawn?: { by: string; at: string; reason: string };
}

export interface MediationState {
  disputes: Map<string, Dispute>;
  /** Event ids that had no effect (a second outcome, a dispute opened twice, an unknown dispute): with who made them. */
  superseded: Array<{ id: string; actor: string; type: SummaryType; disputeId: string }>;
}

const byAtId = (a: { at: string; id: string }, b: { at: string; id: string }) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function foldMediation(raw: readonly unknown[]): MediationState {
  const events: SummaryEvent[] = [];
  for (const r of raw) {
    const p = parseSummaryEvent(r);
    if (p.ok) events.push(p.event);
  }
  events.sort(byAtId);
  const s: MediationState = { disputes: new Map(), superseded: [] };
  const seen = new Set<string>();
  for (const e of events) {
    const fresh = !seen.has(e.id);
    seen.add(e.id);
    if (!fresh || !applySummary(s, e)) s.superseded.push({ id: e.id, actor: e.actor, type: e.type, disputeId: e.data.disputeId });
  }
  return s;
}

function applySummary(s: MediationState, e: SummaryEvent): boolean {
  if (e.type === 'dispute_opened') {
    if (s.disputes.has(e.data.disputeId)) return false;
    s.disputes.set(e.data.disputeId, {
      id: e.data.disputeId,
      gridId: e.data.gridId,
      type: e.data.type,
      mediators: [...e.data.mediators],
      namedAt: Object.fromEntries(e.data.mediators.map((m) => [m, e.at])),
      openedBy: e.actor,
      openedAt: e.at,
      status: 'open',
      ...(e.data.caseId ? { caseId: e.data.caseId } : {}),
    });
    return true;
  }
  const d = s.disputes.get(e.data.disputeId);
  if (!d) return false;
  switch (e.type) {
    case 'mediators_set':
      if (d.status !== 'open') return false;
      d.mediators = [...e.data.mediators];
      d.namedAt = Object.fromEntries(d.mediators.map((m) => [m, d.namedAt[m] ?? e.at]));
      return true;
    case 'outcome_recorded':
      if (d.status !== 'open') return false;
      d.status = e.data.outcome;
      d.outcomeBy = e.actor;
      d.outcomeAt = e.at;
      if (e.data.followUpMs !== undefined) d.followUpMs = e.data.followUpMs;
      if (e.data.referredTo) d.referredTo = e.data.referredTo;
      return true;
    case 'followup_done':
      if (d.status !== 'agreement' || d.followUp) return false;
      d.followUp = { kept: e.data.kept, by: e.actor, at: e.at };
      return true;
    case 'dispute_withdrawn':
      if (d.status !== 'open') return false;
      d.status = 'withdrawn';
      d.withdrawn = { by: e.actor, at: e.at, reason: e.data.reason };
      return true;
  }
}

/** A town's disputes as the inbox reads them (inbox.ts InboxDispute): the one mapping for the app and its tests. */
export function inboxDisputes(townId: string, s: MediationState): InboxDispute[] {
  return [...s.disputes.values()].map((d) => ({
    id: d.id,
    townId,
    type: d.type,
    status: d.status,
    mediators: d.mediators,
    namedAt: d.namedAt,
    openedBy: d.openedBy,
    ...(d.followUpMs !== undefined ? { followUpMs: d.followUpMs } : {}),
    followUpDone: d.followUp !== undefined,
  }));
}

/** An agreement whose follow-up date (ms) is before `nowMs` and not done yet. */
export function followUpOverdue(d: Dispute, nowMs: number): boolean {
  return d.status === 'agreement' && !d.followUp && d.followUpMs !== undefined && d.followUpMs < nowMs;
}

/** The disputes a user sees in the 调解 list: the town center all of its town's; the others those they mediate. */
export function disputesFor(user: UserInfo, townId: string, s: MediationState): Dispute[] {
  const all = [...s.disputes.values()].filter((d) => isCenter(user, townId) || d.mediators.includes(user.id));
  const rank = (d: Dispute) => (d.status === 'open' ? 0 : d.status === 'agreement' && !d.followUp ? 1 : 2);
  return all.sort((a, b) => rank(a) - rank(b) || (a.openedAt < b.openedAt ? 1 : a.openedAt > b.openedAt ? -1 : 0));
}

export interface MediationFigures {
  gridId: string;
  opened: number;
  settled: number;
  referred: number;
  failed: number;
  /** Agreements whose follow-up is past due (at `nowMs`) and not done. */
  followUpsOverdue: number;
}

/**
 * Per grid: disputes opened in [fromMs, toMs), outcomes recorded in it (by HLC time), follow-ups overdue now.
 * A withdrawn dispute (registered by mistake) counts nowhere.
 */
export function mediationByGrid(s: MediationState, fromMs: number, toMs: number, nowMs: number): MediationFigures[] {
  const per = new Map<string, MediationFigures>();
  const fig = (gridId: string) => {
    let f = per.get(gridId);
    if (!f) per.set(gridId, (f = { gridId, opened: 0, settled: 0, referred: 0, failed: 0, followUpsOverdue: 0 }));
    return f;
  };
  const inside = (at: string) => {
    const ms = hlcMs(at);
    return ms >= fromMs && ms < toMs;
  };
  for (const d of s.disputes.values()) {
    if (d.status === 'withdrawn') continue;
    if (inside(d.openedAt)) fig(d.gridId).opened++;
    if (d.outcomeAt && inside(d.outcomeAt)) {
      const f = fig(d.gridId);
      if (d.status === 'agreement') f.settled++;
      else if (d.status === 'referred') f.referred++;
      else if (d.status === 'failed') f.failed++;
    }
    if (followUpOverdue(d, nowMs)) fig(d.gridId).followUpsOverdue++;
  }
  return [...per.values()].sort((a, b) => a.gridId.localeCompare(b.gridId));
}

/** The sum of figures rows (a town's grids, for the county's row of that town). */
export function totalMediation(gridId: string, rows: readonly MediationFigures[]): MediationFigures {
  const t: MediationFigures = { gridId, opened: 0, settled: 0, referred: 0, failed: 0, followUpsOverdue: 0 };
  for (const r of rows) {
    t.opened += r.opened;
    t.settled += r.settled;
    t.referred += r.referred;
    t.failed += r.failed;
    t.followUpsOverdue += r.followUpsOverdue;
  }
  return t;
}

// ------------------------------------------------------------------ detail fold

export interface MediationSession {
  id: string;
  by: string;
  at: string;
  heldMs: number;
  present: string[];
  note: string;
}

export interface DisputeDetail {
  parties: DisputeParty[];
  description?: string;
  sessions: MediationSession[];
  terms?: string;
}

export function foldDetail(raw: readonly unknown[]): DisputeDetail {
  const events: DetailEvent[] = [];
  for (const r of raw) {
    const p = parseDetailEvent(r);
    if (p.ok) events.push(p.event);
  }
  events.sort(byAtId);
  const out: DisputeDetail = { parties: [], sessions: [] };
  const seen = new Set<string>();
  for (const e of events) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    if (e.type === 'parties_saved') {
      out.parties = e.data.parties;
      out.description = e.data.description;
    } else if (e.type === 'session_recorded') out.sessions.push({ id: e.id, by: e.actor, at: e.at, ...e.data });
    else out.terms = e.data.terms;
  }
  out.sessions.sort((a, b) => a.heldMs - b.heldMs || byAtId(a, b));
  return out;
}
