/**
 * Issue 15: reference data edits as events in the `org` doc.
 *
 * Contract (docs/DESIGN.md section 4 "The org doc"):
 *  - The org doc's collection maps (`towns`, `villages`, ... ORG_COLLECTIONS) are the BASE: written only by the
 *    relay (its seed, and the `users` directory). Admins edit reference data by appending changes to the root
 *    Y.Array `changes`: `{ id (ULID), at (HLC), actor (user id), type, data }`, `data` the WHOLE new value of one
 *    item. Nothing is ever deleted: an item is retired (`retired: true`), its id never reused, since the history
 *    of cases names it.
 *  - `applyChanges(base, changes)` folds the changes in HLC order (`at`, then `id`); a change that fails
 *    `checkChange` against the org as folded so far is skipped, as the case fold skips bad events. Every replica
 *    computes the same reference data from the same doc, offline included (src/protocol/orgdoc.ts readOrg).
 *  - The relay (server/validate.ts) accepts an admin's update only when it appends to `changes` and, folded with
 *    everything accepted before, each new change is valid and no accepted change becomes invalid: what it
 *    accepted is what every replica's fold applies.
 *  - Authority (the actor is the connection's user, an admin) is checked by the relay and the editor, not by the
 *    fold: the fold never consults today's directory for it, so demoting an admin later does not undo their edits
 *    (the same rule as receipts.ts: history is judged as it was accepted).
 *  - A plan's `version` is set by the fold: 1 for the seed's, previous + 1 for each `plan.set`. Dispatches record
 *    the version in their receipt (receipts.ts), so a case keeps the plan it was dispatched with.
 */
import * as v from 'valibot';
import { HLC_PATTERN } from './hlc.ts';
import { ID_PATTERN } from './ids.ts';
import { CareSettingsSchema, careSettingsProblem, type CareSettings } from './caresettings.ts';
import { CHANGES_ARRAY, type Grid, type MajorCategory, type OrgData, type Plan, type Subcategory, type Town, type Unit, type UserInfo, type Village, type WorkCalendar } from './org.ts';

export { CHANGES_ARRAY };

export const CHANGE_TYPES = ['town.set', 'village.set', 'grid.set', 'category.set', 'subcategory.set', 'plan.set', 'unit.set', 'calendar.set', 'care.set'] as const;

/**
 * Issue 17: who may make each change besides an admin. The county sets the care levels and tags (`care.set`): the
 * relay opens the org doc for writing to county accounts (docs.ts) and this rule keeps them to that one change.
 */
export function roleMayChange(role: UserInfo['role'], type: ChangeType): boolean {
  return role === 'admin' || (role === 'county' && type === 'care.set');
}
export type ChangeType = (typeof CHANGE_TYPES)[number];

/** Limits of a plan (the relay and the editor enforce the same). */
export const MAX_DUE_HOURS = 2160;
export const MAX_DUE_DAYS = 60;
export const MAX_STEPS = 30;

export const ID_FORMATS = {
  town: /^t\d{2}$/,
  village: /^t\d{2}v\d{2,3}$/,
  grid: /^g\d{4}$/,
  category: /^\d{2}$/,
  subcategory: /^\d{4}$/,
  plan: /^P\d{3,4}$/,
  unit: /^u\d{3,4}$/,
} as const;

const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));
const optText = (max: number) => v.pipe(v.string(), v.trim(), v.maxLength(max));
const id = (re: RegExp) => v.pipe(v.string(), v.regex(re));
const point = v.tuple([v.pipe(v.number(), v.finite(), v.minValue(-180), v.maxValue(180)), v.pipe(v.number(), v.finite(), v.minValue(-90), v.maxValue(90))]);
const retired = v.optional(v.literal(true));
const day = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/));

const TownSchema = v.strictObject({ id: id(ID_FORMATS.town), name: text(40), nameEn: optText(80), center: point, retired });
const VillageSchema = v.strictObject({ id: id(ID_FORMATS.village), townId: id(ID_FORMATS.town), name: text(40), kind: v.picklist(['village', 'community']), retired });
const GridSchema = v.strictObject({
  id: id(ID_FORMATS.grid),
  villageId: id(ID_FORMATS.village),
  townId: id(ID_FORMATS.town),
  name: text(60),
  workerId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{0,40}$/)),
  center: point,
  retired,
});
const CategorySchema = v.strictObject({ code: id(ID_FORMATS.category), name: text(40), nameEn: optText(80), retired });
const SubcategorySchema = v.strictObject({ code: id(ID_FORMATS.subcategory), major: id(ID_FORMATS.category), name: text(40), nameEn: optText(80), retired });
const PlanSchema = v.strictObject({
  id: id(ID_FORMATS.plan),
  category: id(ID_FORMATS.subcategory),
  name: text(60),
  priority: v.picklist(['urgent', 'high', 'normal']),
  dueHours: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_DUE_HOURS)),
  dueIn: v.optional(v.picklist(['hours', 'working_days'])),
  dueDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_DUE_DAYS))),
  unitIds: v.pipe(v.array(id(ID_FORMATS.unit)), v.maxLength(10)),
  steps: v.pipe(v.array(text(200)), v.minLength(1), v.maxLength(MAX_STEPS)),
  afterPhoto: v.optional(v.boolean()),
  /** Ignored on input: the fold numbers versions. */
  version: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  retired,
});
const UnitSchema = v.strictObject({
  id: id(ID_FORMATS.unit),
  name: text(60),
  level: v.picklist(['county', 'town']),
  townId: v.optional(id(ID_FORMATS.town)),
  categories: v.pipe(v.array(id(ID_FORMATS.category)), v.maxLength(20)),
  retired,
});
const CalendarSchema = v.strictObject({
  year: v.pipe(v.number(), v.integer(), v.minValue(2000), v.maxValue(2100)),
  holidays: v.pipe(v.array(day), v.maxLength(60)),
  workdays: v.pipe(v.array(day), v.maxLength(30)),
});

const DATA = {
  'town.set': TownSchema,
  'village.set': VillageSchema,
  'grid.set': GridSchema,
  'category.set': CategorySchema,
  'subcategory.set': SubcategorySchema,
  'plan.set': PlanSchema,
  'unit.set': UnitSchema,
  'calendar.set': CalendarSchema,
  'care.set': CareSettingsSchema,
} as const;

interface DataOf {
  'town.set': Town;
  'village.set': Village;
  'grid.set': Grid;
  'category.set': MajorCategory;
  'subcategory.set': Subcategory;
  'plan.set': Plan;
  'unit.set': Unit;
  'calendar.set': WorkCalendar;
  'care.set': CareSettings;
}
export type RefChange = { [K in ChangeType]: { id: string; at: string; actor: string; type: K; data: DataOf[K] } }[ChangeType];

const Envelope = v.strictObject({
  id: id(ID_PATTERN),
  at: id(HLC_PATTERN),
  actor: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,40}$/)),
  type: v.picklist(CHANGE_TYPES),
  data: v.unknown(),
});

export type ChangeCode = 'invalid_event' | 'forged_actor' | 'role_not_allowed' | 'bad_reference';
export interface ChangeProblem {
  code: ChangeCode;
  detail: string;
}
export type Parsed = { ok: true; change: RefChange } | { ok: false; code: 'invalid_event'; detail: string };

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Parse one value of the `changes` array (schema only). */
export function parseChange(raw: unknown): Parsed {
  if (!isRecord(raw) || !isRecord(raw.data)) return { ok: false, code: 'invalid_event', detail: 'a change is an object with an object `data`' };
  const env = v.safeParse(Envelope, raw);
  if (!env.success) return { ok: false, code: 'invalid_event', detail: `change: ${issueText(env.issues)}` };
  const data = v.safeParse(DATA[env.output.type], raw.data);
  if (!data.success) return { ok: false, code: 'invalid_event', detail: `change ${env.output.id} (${env.output.type}): ${issueText(data.issues)}` };
  // valibot's tuple and array schemas take nested arrays as they are: nothing else here is an array.
  return { ok: true, change: { ...env.output, data: data.output } as RefChange };
}

function issueText(issues: ReadonlyArray<{ message: string; path?: ReadonlyArray<{ key: unknown }> }>): string {
  const first = issues[0];
  if (!first) return 'invalid';
  const path = first.path?.map((p) => String(p.key)).join('.');
  return path ? `${path}: ${first.message}` : first.message;
}

/** Lookups over an OrgData under construction (the fold keeps them current). */
interface Lookup {
  data: OrgData;
  towns: Map<string, Town>;
  villages: Map<string, Village>;
  grids: Map<string, Grid>;
  categories: Map<string, MajorCategory>;
  subcategories: Map<string, Subcategory>;
  plans: Map<string, Plan>;
  units: Map<string, Unit>;
  calendars: Map<number, WorkCalendar>;
}

function lookup(data: OrgData): Lookup {
  return {
    data,
    towns: new Map(data.towns.map((x) => [x.id, x])),
    villages: new Map(data.villages.map((x) => [x.id, x])),
    grids: new Map(data.grids.map((x) => [x.id, x])),
    categories: new Map(data.categories.map((x) => [x.code, x])),
    subcategories: new Map(data.subcategories.map((x) => [x.code, x])),
    plans: new Map(data.plans.map((x) => [x.id, x])),
    units: new Map(data.units.map((x) => [x.id, x])),
    calendars: new Map((data.calendars ?? []).map((x) => [x.year, x])),
  };
}

const bad = (detail: string): ChangeProblem => ({ code: 'bad_reference', detail });

/**
 * A reference to `target` by an item: it must exist, and be active unless the item named it already (an edit of an
 * item keeps what it had; nothing NEW may point at a retired item).
 */
function ref(kind: string, key: string, target: { retired?: true } | undefined, had: boolean): ChangeProblem | null {
  if (!target) return bad(`unknown ${kind} ${key}`);
  if (target.retired && !had) return bad(`${kind} ${key} is retired`);
  return null;
}

/** Whether a day string is a real date of `year`. */
function dayOfYear(d: string, year: number): boolean {
  const [y, m, dd] = d.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, dd));
  return y === year && t.getUTCMonth() === m - 1 && t.getUTCDate() === dd;
}

/** The referential rules of one parsed change against the org as it stands (`l`). Null when it may apply. */
function checkRefs(c: RefChange, l: Lookup): ChangeProblem | null {
  switch (c.type) {
    case 'town.set': {
      if (c.data.retired && [...l.villages.values()].some((x) => x.townId === c.data.id && !x.retired)) return bad(`town ${c.data.id} still has active villages`);
      return null;
    }
    case 'village.set': {
      const before = l.villages.get(c.data.id);
      // Cases, people and party docs are named after a town and a grid: a village never moves to another town.
      if (before && before.townId !== c.data.townId) return bad(`village ${c.data.id} belongs to ${before.townId}: a village never moves`);
      const r = ref('town', c.data.townId, l.towns.get(c.data.townId), before?.townId === c.data.townId);
      if (r) return r;
      if (c.data.retired && [...l.grids.values()].some((x) => x.villageId === c.data.id && !x.retired)) return bad(`village ${c.data.id} still has active grids`);
      return null;
    }
    case 'grid.set': {
      const before = l.grids.get(c.data.id);
      // A grid may move to another village of its town; never to another town (cases docs are per town).
      if (before && before.townId !== c.data.townId) return bad(`grid ${c.data.id} is in ${before.townId}: a grid never moves to another town`);
      const village = l.villages.get(c.data.villageId);
      const r = ref('village', c.data.villageId, village, before?.villageId === c.data.villageId);
      if (r) return r;
      if (village!.townId !== c.data.townId) return bad(`village ${c.data.villageId} is in ${village!.townId}, not ${c.data.townId}`);
      if (c.data.workerId && c.data.workerId !== before?.workerId) {
        const u = l.data.users.find((x) => x.id === c.data.workerId);
        if (!u || u.role !== 'worker') return bad(`worker ${c.data.workerId} is not a grid worker`);
      }
      return null;
    }
    case 'category.set': {
      if (c.data.retired && [...l.subcategories.values()].some((x) => x.major === c.data.code && !x.retired)) return bad(`category ${c.data.code} still has active subcategories`);
      return null;
    }
    case 'subcategory.set': {
      const before = l.subcategories.get(c.data.code);
      if (!c.data.code.startsWith(c.data.major)) return bad(`subcategory ${c.data.code} is not under ${c.data.major}`);
      const r = ref('category', c.data.major, l.categories.get(c.data.major), before !== undefined);
      if (r) return r;
      if (c.data.retired && [...l.plans.values()].some((x) => x.category === c.data.code && !x.retired)) return bad(`subcategory ${c.data.code} still has active plans`);
      return null;
    }
    case 'plan.set': {
      const before = l.plans.get(c.data.id);
      if ((c.data.dueIn === 'working_days') !== (c.data.dueDays !== undefined)) return { code: 'invalid_event', detail: `plan ${c.data.id}: dueDays goes with dueIn 'working_days', and only with it` };
      const r = ref('subcategory', c.data.category, l.subcategories.get(c.data.category), before?.category === c.data.category);
      if (r) return r;
      if (new Set(c.data.unitIds).size !== c.data.unitIds.length) return { code: 'invalid_event', detail: `plan ${c.data.id}: a unit is named twice` };
      for (const u of c.data.unitIds) {
        const e = ref('unit', u, l.units.get(u), before?.unitIds.includes(u) ?? false);
        if (e) return e;
      }
      return null;
    }
    case 'unit.set': {
      const before = l.units.get(c.data.id);
      if ((c.data.level === 'town') !== (c.data.townId !== undefined)) return { code: 'invalid_event', detail: `unit ${c.data.id}: a town-level unit names its town, a county-level unit none` };
      if (c.data.townId) {
        const r = ref('town', c.data.townId, l.towns.get(c.data.townId), before?.townId === c.data.townId);
        if (r) return r;
      }
      if (new Set(c.data.categories).size !== c.data.categories.length) return { code: 'invalid_event', detail: `unit ${c.data.id}: a category is named twice` };
      for (const cat of c.data.categories) {
        const e = ref('category', cat, l.categories.get(cat), before?.categories.includes(cat) ?? false);
        if (e) return e;
      }
      return null;
    }
    case 'calendar.set': {
      const { year, holidays, workdays } = c.data;
      for (const d of [...holidays, ...workdays]) if (!dayOfYear(d, year)) return { code: 'invalid_event', detail: `calendar ${year}: ${d} is not a day of ${year}` };
      if (new Set(holidays).size !== holidays.length || new Set(workdays).size !== workdays.length) return { code: 'invalid_event', detail: `calendar ${year}: a day is listed twice` };
      const off = new Set(holidays);
      const both = workdays.find((d) => off.has(d));
      if (both) return { code: 'invalid_event', detail: `calendar ${year}: ${both} is both a holiday and a working day` };
      return null;
    }
    case 'care.set': {
      const problem = careSettingsProblem(c.data);
      return problem ? { code: 'invalid_event', detail: `care settings: ${problem}` } : null;
    }
  }
}

/**
 * Whether one change may apply to `orgBefore` (the org with every earlier change folded in). `actor`: the user
 * who makes it (the relay's connection user, the editor's session user), or null in the fold (see the contract).
 * Null when acceptable, else the refusal code the relay answers with.
 */
export function checkChange(raw: unknown, orgBefore: OrgData, actor: UserInfo | null): ChangeProblem | null {
  return checkIn(raw, lookup(orgBefore), actor).problem;
}

function checkIn(raw: unknown, l: Lookup, actor: UserInfo | null): { problem: ChangeProblem | null; change?: RefChange } {
  const parsed = parseChange(raw);
  if (!parsed.ok) return { problem: { code: parsed.code, detail: parsed.detail } };
  const c = parsed.change;
  if (actor) {
    if (c.actor !== actor.id) return { problem: { code: 'forged_actor', detail: `change ${c.id}: actor ${c.actor} is not ${actor.id}` } };
    if (!roleMayChange(actor.role, c.type)) return { problem: { code: 'role_not_allowed', detail: `change ${c.id}: a ${actor.role} may not make '${c.type}'` } };
  }
  const problem = checkRefs(c, l);
  return problem ? { problem } : { problem: null, change: c };
}

/** Put a checked change into the lookups (and the data lists). */
function put(l: Lookup, c: RefChange): void {
  const d = l.data;
  const upsert = <T,>(list: T[], map: Map<string | number, T>, key: string | number, value: T) => {
    const prev = map.get(key);
    map.set(key, value);
    if (prev === undefined) list.push(value);
    else list[list.indexOf(prev)] = value;
  };
  switch (c.type) {
    case 'town.set':
      return upsert(d.towns, l.towns as Map<string | number, Town>, c.data.id, c.data);
    case 'village.set':
      return upsert(d.villages, l.villages as Map<string | number, Village>, c.data.id, c.data);
    case 'grid.set':
      return upsert(d.grids, l.grids as Map<string | number, Grid>, c.data.id, c.data);
    case 'category.set':
      return upsert(d.categories, l.categories as Map<string | number, MajorCategory>, c.data.code, c.data);
    case 'subcategory.set':
      return upsert(d.subcategories, l.subcategories as Map<string | number, Subcategory>, c.data.code, c.data);
    case 'plan.set': {
      const prev = l.plans.get(c.data.id);
      const plan: Plan = { ...c.data, version: prev ? (prev.version ?? 1) + 1 : 1 };
      if (!plan.afterPhoto) delete plan.afterPhoto;
      return upsert(d.plans, l.plans as Map<string | number, Plan>, plan.id, plan);
    }
    case 'unit.set':
      return upsert(d.units, l.units as Map<string | number, Unit>, c.data.id, c.data);
    case 'calendar.set':
      d.calendars ??= [];
      return upsert(d.calendars, l.calendars as Map<string | number, WorkCalendar>, c.data.year, c.data);
    case 'care.set':
      d.care = c.data;
      return;
  }
}

/** What a change is about, for the audit log: `target` like `plan:P012`, the item's name, retired or not. */
export function changeSubject(c: RefChange): { target: string; name?: string; retired?: true } {
  const kind = c.type.slice(0, -'.set'.length);
  const d = c.data;
  if (c.type === 'calendar.set') return { target: `calendar:${c.data.year}` };
  if (c.type === 'care.set') return { target: 'care:county' };
  const key = 'code' in d ? d.code : (d as { id: string }).id;
  return { target: `${kind}:${key}`, name: (d as { name: string }).name, ...((d as { retired?: true }).retired ? { retired: true as const } : {}) };
}

/** HLC order, then id (the same on every replica). */
function ordered(changes: readonly unknown[]): unknown[] {
  const key = (x: unknown) => (isRecord(x) && typeof x.at === 'string' && typeof x.id === 'string' ? `${x.at}|${x.id}` : '');
  return changes.map((c) => [key(c), c] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((x) => x[1]);
}

export interface FoldResult {
  org: OrgData;
  /** Ids of the changes applied, in the order applied. */
  applied: string[];
  /** Changes skipped, by id (or by position `#n` when the id cannot be read), with the reason. */
  skipped: Map<string, ChangeProblem>;
}

/** The fold with its bookkeeping (the relay compares what applies before and after an update). */
export function foldChanges(base: OrgData, changes: readonly unknown[]): FoldResult {
  const data: OrgData = {
    towns: [...base.towns],
    villages: [...base.villages],
    grids: [...base.grids],
    categories: [...base.categories],
    subcategories: [...base.subcategories],
    plans: base.plans.map((p) => (p.version === undefined ? { ...p, version: 1 } : p)),
    units: [...base.units],
    users: base.users,
    ...(base.calendars ? { calendars: [...base.calendars] } : {}),
    ...(base.care ? { care: base.care } : {}),
  };
  const l = lookup(data);
  const applied: string[] = [];
  const skipped = new Map<string, ChangeProblem>();
  const seen = new Set<string>();
  ordered(changes).forEach((raw, i) => {
    const cid = isRecord(raw) && typeof raw.id === 'string' ? raw.id : `#${i}`;
    if (seen.has(cid)) {
      skipped.set(`${cid}#${i}`, { code: 'invalid_event', detail: `change ${cid} is there twice` });
      return;
    }
    seen.add(cid);
    const { problem, change } = checkIn(raw, l, null);
    if (problem || !change) skipped.set(cid, problem ?? { code: 'invalid_event', detail: 'invalid' });
    else {
      put(l, change);
      applied.push(change.id);
    }
  });
  return { org: data, applied, skipped };
}

/** The reference data: `base` (the collection maps) with the valid changes folded in HLC order. */
export function applyChanges(base: OrgData, changes: readonly unknown[]): OrgData {
  return foldChanges(base, changes).org;
}
