/**
 * People of a grid (`people.<gridId>` docs): households, residents, visit records.
 *
 * Model: an append-only event log, the same shape as the case logs (a Y.Array `events` of plain JSON objects
 * `{ id, type, actor, at, data }`), not Y.Maps of records. Why (DESIGN.md section 4): plain JSON values in a Y.Map
 * would be cheap enough for a grid (100-300 households), but two concurrent edits of one resident (the worker on
 * a visit, the village secretary at the office) would silently drop one whole record, and personal data needs an
 * audit trail of who changed what when. With events, a record's current value is the last `*_saved` event for its
 * id by `(at, id)` (HLC order, deterministic on every replica), every earlier version stays in the history, visits
 * are appended and never lost, and the relay validates people docs with the same whole-message, append-only
 * inspection as the case logs (server/validate.ts).
 *
 * ID numbers (居民身份证号): shown in full only to the grid's worker (home visits, checking eligibility for
 * 低保 / disability support on site) and the town center (files the civil-affairs applications); everyone else,
 * the village secretary included, sees `maskIdNumber`. Masking applies in every screen and every API answer.
 * Known limit: the secretary's device still stores the people doc with full numbers (a CRDT cannot be filtered
 * per reader); the follow-up is to move ID numbers into a `people-id.<gridId>` doc synced to worker and town only.
 */
import * as v from 'valibot';
import { HLC_PATTERN } from './hlc.ts';
import { ID_PATTERN } from './ids.ts';
import type { Grid, UserInfo } from './org.ts';

export const RESIDENT_TAGS = ['elderly_alone', 'low_income', 'disabled', 'left_behind_child'] as const;
export type ResidentTag = (typeof RESIDENT_TAGS)[number];

const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));
const optionalText = (max: number) => v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max)));
const refId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,40}$/));
/** 18-character resident ID number (17 digits + digit or X); demo numbers start with 2111 (Panjin). */
export const ID_NUMBER_PATTERN = /^\d{17}[\dX]$/;

export const HouseholdSchema = v.strictObject({
  id: refId,
  gridId: refId,
  address: text(200),
  /** Name of the head of household (户主), shown in lists. */
  head: text(40),
  phone: optionalText(20),
  note: optionalText(500),
  /** Where the household lives (a raised issue becomes a case here). */
  location: v.optional(v.strictObject({ lat: v.pipe(v.number(), v.minValue(-90), v.maxValue(90)), lng: v.pipe(v.number(), v.minValue(-180), v.maxValue(180)) })),
});
export type Household = v.InferOutput<typeof HouseholdSchema>;

export const ResidentSchema = v.strictObject({
  id: refId,
  householdId: refId,
  name: text(40),
  phone: optionalText(20),
  idNumber: v.pipe(v.string(), v.regex(ID_NUMBER_PATTERN)),
  relation: optionalText(20),
  tags: v.pipe(v.array(v.picklist(RESIDENT_TAGS)), v.maxLength(RESIDENT_TAGS.length)),
});
export type Resident = v.InferOutput<typeof ResidentSchema>;

export const VisitSchema = v.strictObject({
  householdId: refId,
  note: text(2000),
});

export const PEOPLE_EVENT_TYPES = ['household_saved', 'resident_saved', 'visit_recorded'] as const;
export type PeopleEventType = (typeof PEOPLE_EVENT_TYPES)[number];

const PEOPLE_SCHEMAS = {
  household_saved: HouseholdSchema,
  resident_saved: ResidentSchema,
  visit_recorded: VisitSchema,
} as const;

export type PeopleEvent =
  | { id: string; type: 'household_saved'; actor: string; at: string; data: Household }
  | { id: string; type: 'resident_saved'; actor: string; at: string; data: Resident }
  | { id: string; type: 'visit_recorded'; actor: string; at: string; data: v.InferOutput<typeof VisitSchema> };

const Envelope = v.strictObject({
  id: v.pipe(v.string(), v.regex(ID_PATTERN)),
  type: v.picklist(PEOPLE_EVENT_TYPES),
  actor: refId,
  at: v.pipe(v.string(), v.regex(HLC_PATTERN)),
  data: v.unknown(),
});

export type PeopleParse = { ok: true; event: PeopleEvent } | { ok: false; detail: string };

/** Every people event from the network or storage passes here first. */
export function parsePeopleEvent(input: unknown): PeopleParse {
  const env = v.safeParse(Envelope, input);
  if (!env.success) return { ok: false, detail: env.issues.map((i) => i.message).join('; ').slice(0, 200) };
  const data = v.safeParse(PEOPLE_SCHEMAS[env.output.type], env.output.data);
  if (!data.success) return { ok: false, detail: `${env.output.type}: ${data.issues.map((i) => `${i.path?.map((p) => String(p.key)).join('.') ?? ''} ${i.message}`).join('; ')}`.slice(0, 200) };
  return { ok: true, event: { ...env.output, data: data.output } as PeopleEvent };
}

/** Roles that may write people events at all (the doc grant narrows to the grid). */
export function peopleRoleMayWrite(user: UserInfo): boolean {
  return user.role === 'worker' || user.role === 'secretary' || user.role === 'town';
}

export interface Visit {
  id: string;
  householdId: string;
  note: string;
  actor: string;
  at: string;
}

export interface PeopleState {
  households: Map<string, Household & { updatedAt: string }>;
  residents: Map<string, Resident & { updatedAt: string }>;
  visits: Visit[];
}

const byAtId = (a: { at: string; id: string }, b: { at: string; id: string }) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Fold a people log: last save per record by (at, id) wins; visits in time order. Invalid entries are skipped. */
export function foldPeople(raw: readonly unknown[]): PeopleState {
  const events: PeopleEvent[] = [];
  for (const r of raw) {
    const p = parsePeopleEvent(r);
    if (p.ok) events.push(p.event);
  }
  events.sort(byAtId);
  const s: PeopleState = { households: new Map(), residents: new Map(), visits: [] };
  for (const e of events) {
    if (e.type === 'household_saved') s.households.set(e.data.id, { ...e.data, updatedAt: e.at });
    else if (e.type === 'resident_saved') s.residents.set(e.data.id, { ...e.data, updatedAt: e.at });
    else s.visits.push({ id: e.id, householdId: e.data.householdId, note: e.data.note, actor: e.actor, at: e.at });
  }
  return s;
}

/** `211102198001011234` -> `2111**********1234`. Anything too short to mask safely is masked whole. */
export function maskIdNumber(id: string): string {
  if (id.length <= 8) return '*'.repeat(id.length);
  return id.slice(0, 4) + '*'.repeat(id.length - 8) + id.slice(-4);
}

/** Whether a user sees residents' full ID numbers of a grid: its worker and its town center (see the header). */
export function seesFullIdNumber(user: UserInfo, grid: Pick<Grid, 'id' | 'townId'> | undefined): boolean {
  if (!grid) return false;
  if (user.role === 'worker') return user.gridId === grid.id;
  if (user.role === 'town') return user.townId === grid.townId;
  return false;
}

/** A resident as a given reader may see it. */
export function residentFor<T extends Resident>(r: T, user: UserInfo, grid: Pick<Grid, 'id' | 'townId'> | undefined): T & { idMasked: boolean } {
  const full = seesFullIdNumber(user, grid);
  return { ...r, idNumber: full ? r.idNumber : maskIdNumber(r.idNumber), idMasked: !full };
}

/** Normalised text for offline search (the Dexie index keys): lower case, no spaces. */
export function searchKey(s: string): string {
  return s.toLowerCase().replace(/\s+/g, '');
}
