/**
 * The reference data editor's rules on the device (issue 15): the next free id of each kind, the checks of a form
 * BEFORE anything is written (each problem in Chinese at its field), the case counts a retirement states, and the
 * write itself. The checks restate the schemas and referential rules of src/domain/refchanges.ts (the same
 * constants: ID_FORMATS, MAX_*) so that a user sees the problem at the field it concerns; `session.changeReference`
 * checks again with the domain's own code, and its refusal is shown in words (refusalText).
 */
import { t } from '../../app/i18n.ts';
import type { CaseFilter, Session } from '../../app/services.ts';
import { newId } from '../../domain/ids.ts';
import { ID_FORMATS, MAX_DUE_DAYS, MAX_DUE_HOURS, MAX_STEPS, type ChangeType } from '../../domain/refchanges.ts';
import type { Grid, MajorCategory, OrgData, Plan, Priority, Subcategory, Town, Unit, Village } from '../../domain/org.ts';
import { FINAL_STATUSES } from '../../domain/workflow.ts';

export type Kind = 'town' | 'village' | 'grid' | 'category' | 'subcategory' | 'plan' | 'unit';
export type Item = Town | Village | Grid | MajorCategory | Subcategory | Plan | Unit;
export type Errors = Record<string, string>;
export type Checked<T> = { errors: Errors } | { data: T };

export const EXAMPLE: Record<Kind, string> = { town: 't05', village: 't01v05', grid: 'g0101', category: '05', subcategory: '0105', plan: 'P105', unit: 'u105' };
export const TYPE: Record<Kind, ChangeType> = {
  town: 'town.set',
  village: 'village.set',
  grid: 'grid.set',
  category: 'category.set',
  subcategory: 'subcategory.set',
  plan: 'plan.set',
  unit: 'unit.set',
};
export const MAX_UNITS = 10;

/** The key of an item: `code` for categories, else `id`. */
export const keyOf = (x: Item): string => ('code' in x ? x.code : x.id);

/** Every id a kind has ever used (retired included: an id is never reused, cases name it). */
export function idsOf(kind: Kind, org: OrgData): Set<string> {
  const list: readonly Item[] = { town: org.towns, village: org.villages, grid: org.grids, category: org.categories, subcategory: org.subcategories, plan: org.plans, unit: org.units }[kind];
  return new Set(list.map(keyOf));
}

/** The first free `<prefix><n>` after the highest in use, n zero-padded to `width` digits (more when it must). */
function nextFree(taken: Set<string>, prefix: string, width: number, maxDigits: number): string {
  let max = 0;
  const re = new RegExp(`^${prefix}(\\d{${width},${maxDigits}})$`);
  for (const id of taken) {
    const m = re.exec(id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  for (let n = max + 1; String(n).length <= maxDigits; n++) {
    const id = prefix + String(n).padStart(width, '0');
    if (!taken.has(id)) return id;
  }
  // Every number after the highest is used: the first gap.
  for (let n = 1; String(n).length <= maxDigits; n++) {
    const id = prefix + String(n).padStart(width, '0');
    if (!taken.has(id)) return id;
  }
  return prefix;
}

/** A suggested id for a new item (editable in the form); `parent` is the town of a village, the major of a subcategory. */
export function suggestId(kind: Kind, org: OrgData, parent = ''): string {
  const taken = idsOf(kind, org);
  switch (kind) {
    case 'town':
      return nextFree(taken, 't', 2, 2);
    case 'village':
      return parent ? nextFree(taken, `${parent}v`, 2, 3) : '';
    case 'grid':
      return nextFree(taken, 'g', 4, 4);
    case 'category':
      return nextFree(taken, '', 2, 2);
    case 'subcategory':
      return parent ? nextFree(taken, parent, 2, 2) : '';
    case 'plan':
      return nextFree(taken, 'P', 3, 4);
    case 'unit':
      return nextFree(taken, 'u', 3, 4);
  }
}

// ------------------------------------------------------------------ field checks

function text(errors: Errors, field: string, label: string, value: string, max: number, required = true): string {
  const v = value.trim();
  if (!v && required) errors[field] = t('ref.e.required', { field: label });
  else if (v.length > max) errors[field] = t('ref.e.tooLong', { field: label, max });
  return v;
}

/** A new item's id: its format and unused; an existing item's id is not edited. */
function checkId(errors: Errors, kind: Kind, org: OrgData, value: string, isNew: boolean): string {
  const id = value.trim();
  if (!isNew) return id;
  if (!id) errors.id = t('ref.e.required', { field: t('ref.f.id') });
  else if (!ID_FORMATS[kind].test(id)) errors.id = t('ref.e.idFormat', { example: EXAMPLE[kind] });
  else if (idsOf(kind, org).has(id)) errors.id = t('ref.e.idTaken', { id });
  return id;
}

function num(errors: Errors, field: string, label: string, value: string, min: number, max: number, integer = false): number {
  const s = value.trim();
  const n = s === '' ? NaN : Number(s);
  if (!s) errors[field] = t('ref.e.required', { field: label });
  else if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) errors[field] = t(integer ? 'ref.e.integer' : 'ref.e.number', { field: label, min, max });
  return n;
}

/**
 * A reference to another item: chosen, and active unless the item had it already (refchanges.ts `ref`: nothing
 * NEW may point at a retired item).
 */
function pick<T extends { retired?: true; name: string }>(errors: Errors, field: string, label: string, target: T | undefined, had: boolean): T | undefined {
  if (!target) errors[field] = t('ref.e.pick', { field: label });
  else if (target.retired && !had) errors[field] = t('ref.e.retiredPick', { name: target.name });
  return target;
}

const done = <T,>(errors: Errors, data: T): Checked<T> => (Object.keys(errors).length ? { errors } : { data });
const retiredOf = <T extends { retired?: true }>(before: T | null): { retired?: true } => (before?.retired ? { retired: true } : {});

export interface TownValues {
  id: string;
  name: string;
  nameEn: string;
  lng: string;
  lat: string;
}
export function checkTown(v: TownValues, org: OrgData, before: Town | null): Checked<Town> {
  const errors: Errors = {};
  const id = checkId(errors, 'town', org, v.id, !before);
  const name = text(errors, 'name', t('ref.f.name'), v.name, 40);
  const nameEn = text(errors, 'nameEn', t('ref.f.nameEn'), v.nameEn, 80, false);
  const lng = num(errors, 'lng', t('ref.f.lng'), v.lng, -180, 180);
  const lat = num(errors, 'lat', t('ref.f.lat'), v.lat, -90, 90);
  return done(errors, { id, name, nameEn, center: [lng, lat], ...retiredOf(before) });
}

export interface VillageValues {
  id: string;
  townId: string;
  name: string;
  kind: 'village' | 'community';
}
export function checkVillage(v: VillageValues, org: OrgData, before: Village | null): Checked<Village> {
  const errors: Errors = {};
  // A village never moves to another town (refchanges.ts): an existing one keeps its town whatever the form says.
  const townId = before ? before.townId : v.townId;
  pick(errors, 'townId', t('ref.f.town'), org.towns.find((x) => x.id === townId), before !== null);
  const id = checkId(errors, 'village', org, v.id, !before);
  // A new village's id starts with its town's (t01v05 is in t01): the format alone would let t02v05 into t01.
  if (!before && !errors.id && townId && !id.startsWith(`${townId}v`)) errors.id = t('ref.e.idPrefix', { what: t('ref.what.town'), prefix: `${townId}v` });
  const name = text(errors, 'name', t('ref.f.name'), v.name, 40);
  return done(errors, { id, townId, name, kind: v.kind, ...retiredOf(before) });
}

export interface GridValues {
  id: string;
  townId: string;
  villageId: string;
  name: string;
  workerId: string;
  lng: string;
  lat: string;
}
export function checkGrid(v: GridValues, org: OrgData, before: Grid | null): Checked<Grid> {
  const errors: Errors = {};
  const id = checkId(errors, 'grid', org, v.id, !before);
  // A grid may move to another village of its town, never to another town (cases docs are per town).
  const townId = before ? before.townId : v.townId;
  if (!before) pick(errors, 'townId', t('ref.f.town'), org.towns.find((x) => x.id === townId), false);
  const village = pick(errors, 'villageId', t('ref.f.village'), org.villages.find((x) => x.id === v.villageId), before?.villageId === v.villageId);
  if (village && townId && village.townId !== townId && !errors.villageId) errors.villageId = t('ref.f.villageHint');
  const name = text(errors, 'name', t('ref.f.name'), v.name, 60);
  if (v.workerId && v.workerId !== before?.workerId && org.users.find((u) => u.id === v.workerId)?.role !== 'worker') errors.workerId = t('ref.e.workerRole');
  const lng = num(errors, 'lng', t('ref.f.lng'), v.lng, -180, 180);
  const lat = num(errors, 'lat', t('ref.f.lat'), v.lat, -90, 90);
  return done(errors, { id, villageId: v.villageId, townId, name, workerId: v.workerId, center: [lng, lat], ...retiredOf(before) });
}

export interface CategoryValues {
  code: string;
  major: string;
  name: string;
  nameEn: string;
}
export function checkCategory(v: CategoryValues, org: OrgData, before: MajorCategory | null): Checked<MajorCategory> {
  const errors: Errors = {};
  const code = checkId(errors, 'category', org, v.code, !before);
  if (errors.id) errors.code = errors.id;
  delete errors.id;
  const name = text(errors, 'name', t('ref.f.name'), v.name, 40);
  const nameEn = text(errors, 'nameEn', t('ref.f.nameEn'), v.nameEn, 80, false);
  return done(errors, { code, name, nameEn, ...retiredOf(before) });
}
export function checkSubcategory(v: CategoryValues, org: OrgData, before: Subcategory | null): Checked<Subcategory> {
  const errors: Errors = {};
  // The code starts with the major's: an existing subcategory keeps its major.
  const major = before ? before.major : v.major;
  pick(errors, 'major', t('ref.f.major'), org.categories.find((x) => x.code === major), before !== null);
  const code = checkId(errors, 'subcategory', org, v.code, !before);
  if (errors.id) errors.code = errors.id;
  delete errors.id;
  if (!before && !errors.code && major && !code.startsWith(major)) errors.code = t('ref.e.idPrefix', { what: t('ref.what.category'), prefix: major });
  const name = text(errors, 'name', t('ref.f.name'), v.name, 40);
  const nameEn = text(errors, 'nameEn', t('ref.f.nameEn'), v.nameEn, 80, false);
  return done(errors, { code, major, name, nameEn, ...retiredOf(before) });
}

export interface PlanValues {
  id: string;
  category: string;
  name: string;
  priority: Priority;
  dueIn: 'hours' | 'working_days';
  dueHours: string;
  dueDays: string;
  unitIds: string[];
  steps: string[];
  afterPhoto: boolean;
}
/** The units a plan may suggest for a subcategory: active units handling its major (and those the plan had). */
export function unitsFor(org: OrgData, subcategory: string, had: readonly string[]): Unit[] {
  const major = org.subcategories.find((s) => s.code === subcategory)?.major;
  if (!major) return [];
  return org.units.filter((u) => had.includes(u.id) || (!u.retired && u.categories.includes(major)));
}
export function checkPlan(v: PlanValues, org: OrgData, before: Plan | null): Checked<Plan> {
  const errors: Errors = {};
  const id = checkId(errors, 'plan', org, v.id, !before);
  pick(errors, 'category', t('ref.f.sub'), org.subcategories.find((x) => x.code === v.category), before?.category === v.category);
  const name = text(errors, 'name', t('ref.f.name'), v.name, 60);
  let dueHours: number;
  let days: { dueIn: 'working_days'; dueDays: number } | null = null;
  if (v.dueIn === 'working_days') {
    const dueDays = num(errors, 'dueDays', t('ref.f.dueDays'), v.dueDays, 1, MAX_DUE_DAYS, true);
    days = { dueIn: 'working_days', dueDays };
    // dueHours is then only the calendar-time fallback (org.ts): N working days span at most N * 7 / 5 days and
    // the holidays around them; the plan's own hours stay when they are longer.
    dueHours = Math.min(MAX_DUE_HOURS, Math.max(Math.ceil((dueDays * 7) / 5 + 7) * 24, Number(v.dueHours) || 0));
  } else dueHours = num(errors, 'dueHours', t('ref.f.dueHours'), v.dueHours, 1, MAX_DUE_HOURS, true);
  const had = before?.unitIds ?? [];
  const allowed = new Set(unitsFor(org, v.category, had).map((u) => u.id));
  const unitIds = v.unitIds.filter((u) => allowed.has(u));
  if (unitIds.length > MAX_UNITS) errors.unitIds = t('ref.e.unitsMax', { max: MAX_UNITS });
  const steps = v.steps.map((s) => s.trim());
  if (steps.length === 0) errors.steps = t('ref.e.stepsMin');
  else if (steps.length > MAX_STEPS) errors.steps = t('ref.e.stepsMax', { max: MAX_STEPS });
  steps.forEach((s, i) => {
    if (!s) errors[`step${i}`] = t('ref.e.stepEmpty', { n: i + 1 });
    else if (s.length > 200) errors[`step${i}`] = t('ref.e.stepLong', { n: i + 1 });
  });
  const plan: Plan = { id, category: v.category, name, priority: v.priority, dueHours, ...(days ?? { dueIn: 'hours' as const }), unitIds, steps, ...(v.afterPhoto ? { afterPhoto: true } : {}), ...retiredOf(before) };
  return done(errors, plan);
}

export interface UnitValues {
  id: string;
  name: string;
  level: 'county' | 'town';
  townId: string;
  categories: string[];
}
export function checkUnit(v: UnitValues, org: OrgData, before: Unit | null): Checked<Unit> {
  const errors: Errors = {};
  const id = checkId(errors, 'unit', org, v.id, !before);
  const name = text(errors, 'name', t('ref.f.name'), v.name, 60);
  if (v.level === 'town') pick(errors, 'townId', t('ref.f.unitTown'), org.towns.find((x) => x.id === v.townId), before?.townId === v.townId);
  for (const c of v.categories) {
    const cat = org.categories.find((x) => x.code === c);
    if (cat?.retired && !before?.categories.includes(c)) errors.categories = t('ref.e.retiredPick', { name: cat.name });
  }
  if (v.categories.length > 20) errors.categories = t('ref.e.categoriesMax');
  return done(errors, { id, name, level: v.level, ...(v.level === 'town' ? { townId: v.townId } : {}), categories: v.categories, ...retiredOf(before) });
}

// ------------------------------------------------------------------ retire and restore

/**
 * What keeps an item from being retired (refchanges.ts checkRefs: a town with active villages, a village with
 * active grids, a major with active subcategories, a subcategory with active plans) or restored (its parent is
 * retired: nothing new may point at a retired item... the domain lets a restore through, but a village of a
 * retired town would be one nobody can pick). Null when nothing does.
 */
export function blocker(kind: Kind, item: Item, org: OrgData, retire: boolean): { text: string; tab?: string; filter?: string } | null {
  const key = keyOf(item);
  if (retire) {
    const n = (list: readonly { retired?: true }[]) => list.filter((x) => !x.retired).length;
    if (kind === 'town') {
      const k = n(org.villages.filter((x) => x.townId === key));
      return k ? { text: t('ref.blocked.town', { n: k }), tab: 'villages', filter: key } : null;
    }
    if (kind === 'village') {
      const k = n(org.grids.filter((x) => x.villageId === key));
      return k ? { text: t('ref.blocked.village', { n: k }), tab: 'grids', filter: (item as Village).townId } : null;
    }
    if (kind === 'category') {
      const k = n(org.subcategories.filter((x) => x.major === key));
      return k ? { text: t('ref.blocked.category', { n: k }), tab: 'categories', filter: key } : null;
    }
    if (kind === 'subcategory') {
      const k = n(org.plans.filter((x) => x.category === key));
      return k ? { text: t('ref.blocked.subcategory', { n: k }), tab: 'plans', filter: (item as Subcategory).major } : null;
    }
    return null;
  }
  const parent: { retired?: true; name: string } | undefined =
    kind === 'village'
      ? org.towns.find((x) => x.id === (item as Village).townId)
      : kind === 'grid'
        ? org.villages.find((x) => x.id === (item as Grid).villageId)
        : kind === 'subcategory'
          ? org.categories.find((x) => x.code === (item as Subcategory).major)
          : kind === 'plan'
            ? org.subcategories.find((x) => x.code === (item as Plan).category)
            : undefined;
  const what = { village: 'ref.what.town', grid: 'ref.what.village', subcategory: 'ref.what.category', plan: 'ref.what.subcategory' } as const;
  if (parent?.retired && kind in what) return { text: t('ref.blocked.restore', { what: t(what[kind as keyof typeof what]), name: parent.name }) };
  return null;
}

/**
 * How many cases of this device's read model name an item, and how many of them are still open: read once when a
 * confirmation opens (an administrator's device holds every case). Through the read model's filters where they
 * apply (a grid, a category), else every row.
 */
export async function caseCounts(session: Session, kind: Kind, item: Item): Promise<{ total: number; open: number }> {
  const key = keyOf(item);
  const filter: CaseFilter = kind === 'grid' ? { gridId: key } : kind === 'category' || kind === 'subcategory' ? { category: key } : {};
  const n = await session.countCases(filter);
  const rows = n ? await session.queryCases(filter, 0, n) : [];
  const org = session.org.peek()?.data;
  const villageOf = (gridId: string) => org?.grids.find((g) => g.id === gridId)?.villageId;
  const match = {
    town: (r: (typeof rows)[number]) => r.townId === key,
    village: (r: (typeof rows)[number]) => (r.villageId ?? villageOf(r.gridId)) === key,
    grid: (r: (typeof rows)[number]) => r.gridId === key,
    category: (r: (typeof rows)[number]) => r.category.startsWith(key),
    subcategory: (r: (typeof rows)[number]) => r.category === key,
    plan: (r: (typeof rows)[number]) => r.planId === key,
    unit: (r: (typeof rows)[number]) => r.unitId === key,
  }[kind];
  const mine = rows.filter(match);
  return { total: mine.length, open: mine.filter((r) => !FINAL_STATUSES.includes(r.status)).length };
}

// ------------------------------------------------------------------ writing

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

/**
 * Append one change (the whole new value of one item) to the org doc through the session: stamped by the
 * session's clock, by this user. Null when written (on this device at once; it syncs when online).
 */
export async function writeChange(session: Session, type: ChangeType, data: unknown): Promise<{ code: string; detail: string } | null> {
  if (!session.changeReference || !session.stamp) return { code: 'read_only', detail: 'this session cannot write reference data' };
  const at = await session.stamp();
  return session.changeReference({ id: newId(session.now(), random), at, actor: session.user.id, type, data });
}

const CODES = ['invalid_event', 'forged_actor', 'role_not_allowed', 'bad_reference', 'read_only'] as const;
/** The words for a refusal of changeReference (its detail, English, is for whoever debugs: shown apart). */
export function refusalText(code: string): string {
  return (CODES as readonly string[]).includes(code) ? t(`ref.err.${code as (typeof CODES)[number]}`) : t('ref.err.other', { code });
}
