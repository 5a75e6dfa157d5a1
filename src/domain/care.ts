/**
 * Care visits (重点人群, issue 17): households the grid worker visits on a schedule, by care level.
 *
 * Three facts, three places (docs/DESIGN.md section 3):
 *  - WHO needs care is in the people register (`people.<gridId>`, people.ts): residents' tags (elderly living alone,
 *    low income, disabled, left-behind children, and tags the county adds) and, optionally, a level set on the
 *    household itself (`careLevel`, or `none`: tagged but visited on no schedule). Both are saved by the grid's worker,
 *    village secretary or town center as the register already allows, so a tag is a fact with its time.
 *  - HOW OFTEN is the county's: the levels (id, name, days between visits) and the tags it adds (with the level a tag
 *    gives by default) are one `care.set` reference change in the org doc (refchanges.ts), written by the county or
 *    an administrator. Until one exists, DEFAULT_CARE applies (high: weekly, key: monthly, general: quarterly).
 *  - THAT A VISIT HAPPENED is the care log `care.<gridId>` (this file): an append-only Y.Array `events` of
 *    `{ id, type, actor, at, data }` like the people and training docs, written by the grid's worker only and read by
 *    its village secretary, town center, county and admin (docs.ts `careAccess`). The relay checks the actor, the
 *    role and the grid when an event is written (server/validate.ts); the fold takes accepted events as facts and
 *    never looks an actor up in today's directory (a worker who moves on keeps their visits).
 *
 * When a household is due: its effective level (the household's own, else the most frequent level any of its
 * residents' tags gives) has `days`; its last visit is the latest of its care visits, the people register's visits
 * (`visit_recorded` of people.ts) and the 党员联系户 visits of party members to the same household in the same grid
 * (party.ts `contact_visit`). Days are China Standard Time calendar days (UTC+8): a visit any time on day D with
 * `days` = 7 makes the household due again on D+7 (on time through D+7, overdue from D+8); `due` starts DUE_LEAD of
 * the period earlier. A household never visited counts from the time it entered care (its tag or level save). Every
 * visit counts at its HLC time (`at`, hlc.ts): the time the device recorded it.
 *
 * Races: two devices of the worker recording visits offline both count (a visit is never lost); a case linked
 * twice to one visit keeps the first by (at, id) and lists the second as superseded, as does a second withdrawal,
 * an event under a known id, and an event naming a visit that is not there or is another worker's.
 */
import * as v from 'valibot';
import { DEFAULT_CARE, NO_CARE, type CareLevel, type CareSettings } from './caresettings.ts';
import { CST_OFFSET_MS } from './cst.ts';
import { HLC_PATTERN, hlcMs } from './hlc.ts';
import { ID_PATTERN } from './ids.ts';
import type { Role } from './org.ts';

const optionalText = (max: number) => v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max)));
const refId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,40}$/));
const eventId = v.pipe(v.string(), v.regex(ID_PATTERN));

// The county's levels and tags are in caresettings.ts (small: the org doc's fold, in the first screen's code, needs it).
export * from './caresettings.ts';

// ------------------------------------------------------------------ the care log

export const CONDITIONS = ['well', 'attention', 'urgent'] as const;
export type Condition = (typeof CONDITIONS)[number];
/** What a visit found the household needs (several may apply). */
export const CARE_NEEDS = ['medical', 'daily_living', 'financial', 'safety', 'company', 'schooling', 'housing', 'other'] as const;
export type CareNeed = (typeof CARE_NEEDS)[number];

const SCHEMAS = {
  visit_recorded: v.strictObject({
    householdId: refId,
    /** The resident mostly seen, when the visit was about one person (a left-behind child, say). */
    residentId: v.optional(refId),
    /** A visit at the door, or a phone call when the household is away (both count). */
    mode: v.picklist(['home', 'phone']),
    condition: v.picklist(CONDITIONS),
    needs: v.pipe(v.array(v.picklist(CARE_NEEDS)), v.maxLength(CARE_NEEDS.length)),
    note: optionalText(2000),
  }),
  /** A case raised from a visit (reported in the cases doc first; then linked here, once). */
  case_linked: v.strictObject({ visitId: eventId, caseId: eventId }),
  /** A visit recorded by mistake (wrong household): it no longer counts. */
  visit_withdrawn: v.strictObject({ visitId: eventId, reason: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200)) }),
} as const;

export const CARE_EVENT_TYPES = Object.keys(SCHEMAS) as Array<keyof typeof SCHEMAS>;
export type CareEventType = keyof typeof SCHEMAS;
export type CareData = { [K in CareEventType]: v.InferOutput<(typeof SCHEMAS)[K]> };
export type CareEvent<T extends CareEventType = CareEventType> = {
  [K in T]: { id: string; type: K; actor: string; at: string; data: CareData[K] };
}[T];

/** Who may make care events: the grid's worker (docs.ts narrows to their own grid). */
export const CARE_ROLES: readonly Role[] = ['worker'];

const Envelope = v.strictObject({
  id: eventId,
  type: v.picklist(CARE_EVENT_TYPES),
  actor: refId,
  at: v.pipe(v.string(), v.regex(HLC_PATTERN)),
  data: v.unknown(),
});

export function parseCareEvent(input: unknown): { ok: true; event: CareEvent } | { ok: false; detail: string } {
  const env = v.safeParse(Envelope, input);
  if (!env.success) return { ok: false, detail: env.issues.map((i) => i.message).join('; ').slice(0, 200) };
  const data = v.safeParse(SCHEMAS[env.output.type], env.output.data);
  if (!data.success) return { ok: false, detail: `${env.output.type}: ${data.issues.map((i) => `${i.path?.map((p) => String(p.key)).join('.') ?? ''} ${i.message}`.trim()).join('; ')}`.slice(0, 200) };
  return { ok: true, event: { ...env.output, data: data.output } as CareEvent };
}

export interface CareVisit {
  id: string;
  workerId: string;
  householdId: string;
  residentId?: string;
  at: string;
  ms: number;
  mode: 'home' | 'phone';
  condition: Condition;
  needs: CareNeed[];
  note?: string;
  caseId?: string;
  withdrawn?: { reason: string; at: string };
}

export interface CareState {
  /** Every visit in (at, id) order, withdrawn ones included (marked). */
  visits: CareVisit[];
  /** Household id -> its visits that count, in time order. */
  byHousehold: Map<string, CareVisit[]>;
  /** Event ids that had no effect (a second link, a second withdrawal, an unknown or another's visit, a reused id). */
  superseded: string[];
}

const byAtId = (a: { at: string; id: string }, b: { at: string; id: string }) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function foldCare(raw: readonly unknown[]): CareState {
  const events: CareEvent[] = [];
  for (const r of raw) {
    const p = parseCareEvent(r);
    if (p.ok) events.push(p.event);
  }
  events.sort(byAtId);
  const s: CareState = { visits: [], byHousehold: new Map(), superseded: [] };
  const visits = new Map<string, CareVisit>();
  const seen = new Set<string>();
  for (const e of events) {
    const fresh = !seen.has(e.id);
    seen.add(e.id);
    if (!fresh || !applyCare(s, visits, e)) s.superseded.push(e.id);
  }
  for (const vt of s.visits) {
    if (vt.withdrawn) continue;
    let list = s.byHousehold.get(vt.householdId);
    if (!list) s.byHousehold.set(vt.householdId, (list = []));
    list.push(vt);
  }
  return s;
}

function applyCare(s: CareState, visits: Map<string, CareVisit>, e: CareEvent): boolean {
  switch (e.type) {
    case 'visit_recorded': {
      const d = e.data;
      const vt: CareVisit = {
        id: e.id,
        workerId: e.actor,
        householdId: d.householdId,
        at: e.at,
        ms: hlcMs(e.at),
        mode: d.mode,
        condition: d.condition,
        needs: d.needs,
        ...(d.residentId ? { residentId: d.residentId } : {}),
        ...(d.note ? { note: d.note } : {}),
      };
      visits.set(e.id, vt);
      s.visits.push(vt);
      return true;
    }
    case 'case_linked': {
      const vt = visits.get(e.data.visitId);
      if (!vt || vt.workerId !== e.actor || vt.caseId) return false;
      vt.caseId = e.data.caseId;
      return true;
    }
    case 'visit_withdrawn': {
      const vt = visits.get(e.data.visitId);
      if (!vt || vt.workerId !== e.actor || vt.withdrawn) return false;
      vt.withdrawn = { reason: e.data.reason, at: e.at };
      return true;
    }
  }
}

// ------------------------------------------------------------------ who is due

export const DAY_MS = 86_400_000;
/** The China Standard Time calendar day (days since 1970-01-01 in UTC+8) of a time. */
export function cstDay(ms: number): number {
  return Math.floor((ms + CST_OFFSET_MS) / DAY_MS);
}
/** The first instant (ms) of a CST day number. */
export function cstDayStart(day: number): number {
  return day * DAY_MS - CST_OFFSET_MS;
}
/** How early in its period a household shows as due: a quarter of the period, at least a day (weekly: 1 day before). */
export function dueLead(days: number): number {
  return Math.max(1, Math.floor(days / 4));
}

export type CareStatus = 'ok' | 'due' | 'overdue';

/** What the care index needs of a household and its residents (people.ts PeopleState fits). */
export interface CareHouseholdInput {
  id: string;
  head: string;
  address: string;
  careLevel?: string;
  /** When the household's `careLevel` was last set (HLC), if it has one. */
  levelAt?: string;
}
export interface CareResidentInput {
  id: string;
  householdId: string;
  name: string;
  tags: readonly string[];
  /** Since when the resident has had any tag (HLC). */
  taggedAt?: string;
}
/** A visit from elsewhere that counts: the people register's, a party member's to the same household. */
export interface OtherVisit {
  householdId: string;
  ms: number;
  source: 'people' | 'party';
}

export interface CareEntry {
  householdId: string;
  head: string;
  address: string;
  level: CareLevel;
  /** The tags of the household's residents that are care tags (known to the settings). */
  tags: string[];
  /** The residents holding those tags (names, for the list). */
  residents: string[];
  /** When the household entered care (ms). */
  sinceMs: number;
  /** Last visit that counts (ms) as of the index's time, and where it was recorded. */
  lastMs?: number;
  lastSource?: 'care' | 'people' | 'party';
  /** The CST day by which the next visit is due (inclusive). */
  dueDay: number;
}

/**
 * The households in care of one grid with their level and last visit, built once per change of the docs (the due
 * list and coverage then read it without refolding). Visits after `asOfMs` are left out (a past month's 考核).
 * Kept on devices between sessions (src/app/careindex.ts): a change to what `foldCare` or `buildCareIndex` gives
 * bumps CARE_INDEX_FORMAT there (tests/unit/sync/careindex-store.test.ts checks a known grid's index against it).
 */
export interface CareIndex {
  settings: CareSettings;
  entries: CareEntry[];
}

const levelOf = (settings: CareSettings, id: string | undefined) => (id === undefined ? undefined : settings.levels.find((l) => l.id === id));

export function buildCareIndex(input: {
  settings: CareSettings | undefined;
  households: Iterable<CareHouseholdInput>;
  residents: Iterable<CareResidentInput>;
  care: CareState | null;
  others?: Iterable<OtherVisit>;
  asOfMs?: number;
}): CareIndex {
  const settings = input.settings ?? DEFAULT_CARE;
  const asOf = input.asOfMs ?? Number.POSITIVE_INFINITY;
  const tagLevel = new Map(settings.tags.map((tg) => [tg.id, levelOf(settings, tg.level)] as const));
  const perHousehold = new Map<string, { tags: Set<string>; names: string[]; level?: CareLevel; sinceMs: number }>();
  for (const r of input.residents) {
    let best: CareLevel | undefined;
    const tags: string[] = [];
    for (const tg of r.tags) {
      const l = tagLevel.get(tg);
      if (!l) continue;
      tags.push(tg);
      if (!best || l.days < best.days) best = l;
    }
    if (!best) continue;
    const since = r.taggedAt ? hlcMs(r.taggedAt) : 0;
    let h = perHousehold.get(r.householdId);
    if (!h) perHousehold.set(r.householdId, (h = { tags: new Set(), names: [], sinceMs: since }));
    for (const tg of tags) h.tags.add(tg);
    h.names.push(r.name);
    if (!h.level || best.days < h.level.days) h.level = best;
    h.sinceMs = Math.min(h.sinceMs, since);
  }
  const last = new Map<string, { ms: number; source: 'care' | 'people' | 'party' }>();
  const saw = (householdId: string, ms: number, source: 'care' | 'people' | 'party') => {
    if (ms > asOf) return;
    const l = last.get(householdId);
    if (!l || ms > l.ms) last.set(householdId, { ms, source });
  };
  if (input.care) for (const [hid, list] of input.care.byHousehold) for (const vt of list) saw(hid, vt.ms, 'care');
  for (const o of input.others ?? []) saw(o.householdId, o.ms, o.source);

  const entries: CareEntry[] = [];
  for (const h of input.households) {
    const tagged = perHousehold.get(h.id);
    if (h.careLevel === NO_CARE) continue;
    const own = levelOf(settings, h.careLevel);
    const level = own ?? tagged?.level;
    if (!level) continue;
    const sinceMs = own && h.levelAt ? (tagged ? Math.min(hlcMs(h.levelAt), tagged.sinceMs) : hlcMs(h.levelAt)) : (tagged?.sinceMs ?? 0);
    const l = last.get(h.id);
    const base = l ? l.ms : sinceMs;
    entries.push({
      householdId: h.id,
      head: h.head,
      address: h.address,
      level,
      tags: tagged ? [...tagged.tags] : [],
      residents: tagged?.names ?? [],
      sinceMs,
      ...(l ? { lastMs: l.ms, lastSource: l.source } : {}),
      dueDay: cstDay(base) + level.days,
    });
  }
  return { settings, entries };
}

/**
 * `index` with more visits counted (issue 17: a party member's 联系户 visits over an index of the grid's own docs, so
 * that index can be kept by the state of those docs alone). A visit replaces an entry's last only when strictly
 * later (what `buildCareIndex` decides with the same visits among its `others`); visits after `asOfMs` are left out.
 * Returns `index` itself when no visit changes it.
 */
export function withVisits(index: CareIndex, visits: Iterable<OtherVisit>, asOfMs?: number): CareIndex {
  const asOf = asOfMs ?? Number.POSITIVE_INFINITY;
  const latest = new Map<string, OtherVisit>();
  for (const o of visits) {
    if (o.ms > asOf) continue;
    const l = latest.get(o.householdId);
    if (!l || o.ms > l.ms) latest.set(o.householdId, o);
  }
  if (latest.size === 0) return index;
  let changed = false;
  const entries = index.entries.map((e) => {
    const o = latest.get(e.householdId);
    if (!o || (e.lastMs !== undefined && o.ms <= e.lastMs)) return e;
    changed = true;
    return { ...e, lastMs: o.ms, lastSource: o.source, dueDay: cstDay(o.ms) + e.level.days };
  });
  return changed ? { settings: index.settings, entries } : index;
}

/** A household's status on the CST day of `nowMs`: overdue after its due day, due within its lead, else ok. */
export function careStatus(e: Pick<CareEntry, 'dueDay' | 'level'>, nowMs: number): CareStatus {
  const today = cstDay(nowMs);
  if (today > e.dueDay) return 'overdue';
  if (today >= e.dueDay - dueLead(e.level.days)) return 'due';
  return 'ok';
}

export interface DueItem extends CareEntry {
  status: 'due' | 'overdue';
  /** Days late (overdue) or days left (due), counted in CST days. */
  days: number;
}

// `a.localeCompare(b, 'zh')` builds a collator per call; one collator compares the same (and 200 rows sort fast).
let zhCollator: Intl.Collator | undefined;
const byAddress = (a: string, b: string) => (zhCollator ??= new Intl.Collator('zh')).compare(a, b);

/** The households to visit now, most urgent first: overdue by days late, then due by days left, then address. */
export function dueList(index: CareIndex, nowMs: number): DueItem[] {
  const today = cstDay(nowMs);
  const out: DueItem[] = [];
  for (const e of index.entries) {
    const st = careStatus(e, nowMs);
    if (st === 'ok') continue;
    out.push({ ...e, status: st, days: st === 'overdue' ? today - e.dueDay : e.dueDay - today });
  }
  return out.sort((a, b) => (a.status === b.status ? (a.status === 'overdue' ? b.days - a.days : a.days - b.days) : a.status === 'overdue' ? -1 : 1) || byAddress(a.address, b.address));
}

export interface Coverage {
  /** Households in care. */
  households: number;
  /** Visited within their period (status ok). */
  onTime: number;
  due: number;
  overdue: number;
}

/** A grid's coverage as of `nowMs` (build the index with the same `asOfMs` for a past day). */
export function coverage(index: CareIndex, nowMs: number): Coverage {
  const c: Coverage = { households: 0, onTime: 0, due: 0, overdue: 0 };
  for (const e of index.entries) {
    c.households++;
    const st = careStatus(e, nowMs);
    if (st === 'ok') c.onTime++;
    else if (st === 'due') c.due++;
    else c.overdue++;
  }
  return c;
}

/** The people register's home visits of a grid as visits that count (people.ts `visit_recorded`). */
export function peopleVisits(people: { visits: ReadonlyArray<{ householdId: string; at: string }> }): OtherVisit[] {
  return people.visits.map((vt) => ({ householdId: vt.householdId, ms: hlcMs(vt.at), source: 'people' }));
}

/** Party members' contact-household visits in a grid as visits that count (party.ts `contact_visit`). */
export function partyVisits(party: { visits: ReadonlyArray<{ gridId: string; householdId: string; at: string }> } | null, gridId: string): OtherVisit[] {
  return (party?.visits ?? []).filter((vt) => vt.gridId === gridId).map((vt) => ({ householdId: vt.householdId, ms: hlcMs(vt.at), source: 'party' }));
}

/** A grid's row of the care coverage for [fromMs, toMs) as of `asOfMs` (the town's 考核, on the device or the relay). */
export interface CoverageRow extends Coverage {
  gridId: string;
  /** Care visits made in the period. */
  visits: number;
}

/**
 * The coverage row of a grid from its folds: its people doc, care log and town's party doc (its index built as of
 * `asOfMs`, every kind of visit counted).
 */
export function gridCoverage(input: {
  gridId: string;
  settings: CareSettings | undefined;
  people: { households: ReadonlyMap<string, CareHouseholdInput>; residents: ReadonlyMap<string, CareResidentInput>; visits: ReadonlyArray<{ householdId: string; at: string }> };
  care: CareState | null;
  party: { visits: ReadonlyArray<{ gridId: string; householdId: string; at: string }> } | null;
  fromMs: number;
  toMs: number;
  asOfMs: number;
}): CoverageRow {
  const { people, care } = input;
  const others = [...peopleVisits(people), ...partyVisits(input.party, input.gridId)];
  const index = buildCareIndex({ settings: input.settings, households: people.households.values(), residents: people.residents.values(), care, others, asOfMs: input.asOfMs });
  return { gridId: input.gridId, ...coverage(index, input.asOfMs), visits: care ? visitsBetween(care, input.fromMs, input.toMs) : 0 };
}

/** Care visits in [fromMs, toMs) that count (not withdrawn): the worker's work in a period. */
export function visitsBetween(s: CareState, fromMs: number, toMs: number): number {
  let n = 0;
  for (const vt of s.visits) if (!vt.withdrawn && vt.ms >= fromMs && vt.ms < toMs) n++;
  return n;
}

/** The name of a tag or level as the settings give it (a built-in tag's name when the county has not renamed it). */
export function careTagName(settings: CareSettings, id: string): string {
  return settings.tags.find((x) => x.id === id)?.name ?? DEFAULT_CARE.tags.find((x) => x.id === id)?.name ?? id;
}
