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
 * A CRDT cannot be filtered per reader, so the full numbers live in their own doc, `idnumbers.<gridId>`
 * (`id_number_saved` events, `foldIdNumbers`), synced only to those two (src/domain/docs.ts `idNumbersAccess`);
 * the people doc holds at most the masked form (`2111**********1234`) and the relay refuses a people event that
 * carries a full number (also spaced, dashed, full-width or inside longer digits: the rule is src/domain/idguard.ts,
 * and the relay applies it to cases and party docs too). Readers join the two with `residentFor`, writers split a
 * save with `splitResident`.
 * People docs written before the split are rewritten once by the relay at startup (server/idsplit.ts); until a
 * device has resynced, `foldPeople` masks such old full numbers on read.
 */
import * as v from 'valibot';
import { HLC_PATTERN } from './hlc.ts';
import { ID_PATTERN } from './ids.ts';
import { seesFullIdNumber } from './docs.ts';
import { carriesIdNumber } from './idguard.ts';
import type { Grid, UserInfo } from './org.ts';

export const RESIDENT_TAGS = ['elderly_alone', 'low_income', 'disabled', 'left_behind_child'] as const;
export type ResidentTag = (typeof RESIDENT_TAGS)[number];
/**
 * Issue 17: a resident's tags are the built-in RESIDENT_TAGS and any the county adds (its `care.set` settings,
 * care.ts); a tag id has this form (the same as care.ts CARE_ID_PATTERN). A household's care level is a level id of
 * those settings, or `none` (tagged, but on no visit schedule).
 */
export const TAG_PATTERN = /^[a-z][a-z0-9_]{1,23}$/;

const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));
const optionalText = (max: number) => v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max)));
const refId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,40}$/));
/** 18-character resident ID number (17 digits + digit or X); demo numbers start with 2111 (Panjin). */
export const ID_NUMBER_PATTERN = /^\d{17}[\dX]$/;
/** The masked form a people doc may hold (`maskIdNumber` of an 18-character number). */
export const MASKED_ID_PATTERN = /^\d{4}\*{10}[\dX]{4}$/;

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
  /** Issue 17: the household's own care level (overrides what its residents' tags give), or `none`. */
  careLevel: v.optional(v.pipe(v.string(), v.regex(TAG_PATTERN))),
});
export type Household = v.InferOutput<typeof HouseholdSchema>;

export const ResidentSchema = v.strictObject({
  id: refId,
  householdId: refId,
  name: text(40),
  phone: optionalText(20),
  /** Masked only (`2111**********1234`); the full number is in `idnumbers.<gridId>`. Absent when not known. */
  idNumber: v.optional(v.pipe(v.string(), v.regex(MASKED_ID_PATTERN, 'a people doc holds masked ID numbers only (the full number goes to idnumbers.<gridId>)'))),
  relation: optionalText(20),
  tags: v.pipe(v.array(v.pipe(v.string(), v.regex(TAG_PATTERN))), v.maxLength(12)),
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

const byAtId = (a: { at: string; id: string }, b: { at: string; id: string }) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export type PeopleParse = { ok: true; event: PeopleEvent } | { ok: false; detail: string };

/** Every people event from the network or storage passes here first. */
export function parsePeopleEvent(input: unknown): PeopleParse {
  const env = v.safeParse(Envelope, input);
  if (!env.success) return { ok: false, detail: env.issues.map((i) => i.message).join('; ').slice(0, 200) };
  const data = v.safeParse(PEOPLE_SCHEMAS[env.output.type], env.output.data);
  if (!data.success) return { ok: false, detail: `${env.output.type}: ${data.issues.map((i) => `${i.path?.map((p) => String(p.key)).join('.') ?? ''} ${i.message}`).join('; ')}`.slice(0, 200) };
  return { ok: true, event: { ...env.output, data: data.output } as PeopleEvent };
}

/** The ID number doc's one event: the full number of a resident (last save by (at, id) wins). */
export const IdNumberSchema = v.strictObject({
  residentId: refId,
  idNumber: v.pipe(v.string(), v.regex(ID_NUMBER_PATTERN)),
});
export type IdNumberEvent = { id: string; type: 'id_number_saved'; actor: string; at: string; data: v.InferOutput<typeof IdNumberSchema> };

const IdEnvelope = v.strictObject({
  id: v.pipe(v.string(), v.regex(ID_PATTERN)),
  type: v.literal('id_number_saved'),
  actor: refId,
  at: v.pipe(v.string(), v.regex(HLC_PATTERN)),
  data: IdNumberSchema,
});

/** Every event of an `idnumbers.<gridId>` doc from the network or storage passes here first. */
export function parseIdNumberEvent(input: unknown): { ok: true; event: IdNumberEvent } | { ok: false; detail: string } {
  const r = v.safeParse(IdEnvelope, input);
  if (!r.success) return { ok: false, detail: r.issues.map((i) => `${i.path?.map((p) => String(p.key)).join('.') ?? ''} ${i.message}`).join('; ').slice(0, 200) };
  return { ok: true, event: r.output };
}

/** Fold an ID number log: resident id -> full number (last save by (at, id) wins). Invalid entries are skipped. */
export function foldIdNumbers(raw: readonly unknown[]): Map<string, string> {
  const events: IdNumberEvent[] = [];
  for (const r of raw) {
    const p = parseIdNumberEvent(r);
    if (p.ok) events.push(p.event);
  }
  events.sort(byAtId);
  const out = new Map<string, string>();
  for (const e of events) out.set(e.data.residentId, e.data.idNumber);
  return out;
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
  /** `levelAt`: when the household's current care level was set (issue 17), while it has one. */
  households: Map<string, Household & { updatedAt: string; levelAt?: string }>;
  /** `taggedAt`: since when the resident has had a tag without a break (issue 17: a first care visit counts from it). */
  residents: Map<string, Resident & { updatedAt: string; taggedAt?: string }>;
  visits: Visit[];
}

/**
 * Fold a people log: last save per record by (at, id) wins; visits in time order. Invalid entries are skipped.
 * A grid's care index built from this is kept on devices (src/app/careindex.ts): a change to what the index gets from
 * here bumps CARE_INDEX_FORMAT there.
 */
export function foldPeople(raw: readonly unknown[]): PeopleState {
  const events: PeopleEvent[] = [];
  for (const r of raw) {
    const p = parsePeopleEvent(legacyMasked(r));
    if (p.ok) events.push(p.event);
  }
  events.sort(byAtId);
  const s: PeopleState = { households: new Map(), residents: new Map(), visits: [] };
  for (const e of events) {
    if (e.type === 'household_saved') {
      const before = s.households.get(e.data.id);
      const levelAt = !e.data.careLevel ? undefined : before?.careLevel === e.data.careLevel ? before.levelAt : e.at;
      s.households.set(e.data.id, { ...e.data, updatedAt: e.at, ...(levelAt ? { levelAt } : {}) });
    } else if (e.type === 'resident_saved') {
      const before = s.residents.get(e.data.id);
      const taggedAt = e.data.tags.length === 0 ? undefined : (before?.tags.length ? before.taggedAt : undefined) ?? e.at;
      s.residents.set(e.data.id, { ...e.data, updatedAt: e.at, ...(taggedAt ? { taggedAt } : {}) });
    }
    else s.visits.push({ id: e.id, householdId: e.data.householdId, note: e.data.note, actor: e.actor, at: e.at });
  }
  return s;
}

/** A `resident_saved` written before the split with a full ID number, read with the number masked. */
function legacyMasked(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const e = raw as { type?: unknown; data?: unknown };
  if (e.type !== 'resident_saved' || typeof e.data !== 'object' || e.data === null) return raw;
  const id = (e.data as { idNumber?: unknown }).idNumber;
  if (typeof id !== 'string' || !ID_NUMBER_PATTERN.test(id)) return raw;
  return { ...e, data: { ...e.data, idNumber: maskIdNumber(id) } };
}

/**
 * Whether a raw event carries a full ID number anywhere (the relay refuses it). The rule, with spaced, dashed and
 * full-width numbers, longer digit runs and numbers cut across values, is src/domain/idguard.ts.
 */
export function carriesFullIdNumber(raw: unknown): boolean {
  return carriesIdNumber(raw);
}

/** `211102198001011234` -> `2111**********1234`. Anything too short to mask safely is masked whole. */
export function maskIdNumber(id: string): string {
  if (id.length <= 8) return '*'.repeat(id.length);
  return id.slice(0, 4) + '*'.repeat(id.length - 8) + id.slice(-4);
}

// Who sees full ID numbers (the grid's worker and its town center) is decided in docs.ts, next to the access of
// `idnumbers.<gridId>` that follows from it.
export { seesFullIdNumber };

/** A resident as a reader sees it: `idNumber` full, masked, or '' when unknown; `idMasked` unless full. */
export type ResidentView<T extends Resident = Resident> = Omit<T, 'idNumber'> & { idNumber: string; idMasked: boolean };

/**
 * Join a people record with the grid's ID numbers (`foldIdNumbers` of `idnumbers.<gridId>`; null or absent when the
 * reader does not hold that doc) as `user` may see it: full only for `seesFullIdNumber` readers, else masked. A
 * record that itself holds a full number (written before the split, or built by hand) counts as its number.
 */
export function residentFor<T extends Resident>(r: T, user: UserInfo, grid: Pick<Grid, 'id' | 'townId'> | undefined, idNumbers?: ReadonlyMap<string, string> | null): ResidentView<T> {
  const own = r.idNumber !== undefined && ID_NUMBER_PATTERN.test(r.idNumber) ? r.idNumber : undefined;
  const known = idNumbers?.get(r.id) ?? own;
  if (known && seesFullIdNumber(user, grid)) return { ...r, idNumber: known, idMasked: false };
  const shown = known ? maskIdNumber(known) : (r.idNumber ?? '');
  return { ...r, idNumber: shown && !MASKED_ID_PATTERN.test(shown) ? maskIdNumber(shown) : shown, idMasked: true };
}

/**
 * The events a save of a resident with a full ID number (or none) becomes: the people record with the masked
 * form, and the number itself for `idnumbers.<gridId>` (null when no number was given).
 */
export function splitResident<T extends Omit<Resident, 'idNumber'> & { idNumber?: string | undefined }>(r: T): { record: Resident; idNumber: { residentId: string; idNumber: string } | null } {
  const { idNumber, ...rest } = r;
  const n = idNumber?.trim().toUpperCase() ?? '';
  if (!n) return { record: rest as Resident, idNumber: null };
  // A masked or malformed number stays in the record as given (the schema then accepts or refuses it).
  if (!ID_NUMBER_PATTERN.test(n)) return { record: { ...rest, idNumber: n } as Resident, idNumber: null };
  return { record: { ...rest, idNumber: maskIdNumber(n) } as Resident, idNumber: { residentId: r.id, idNumber: n } };
}

/** Normalised text for offline search (the Dexie index keys): lower case, no spaces. */
export function searchKey(s: string): string {
  return s.toLowerCase().replace(/\s+/g, '');
}
