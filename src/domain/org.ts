/**
 * Reference data of the county (the `org` doc) and the people who use the system.
 * Ids are stable strings: towns `t01`..`t13`, villages `t01v01`, grids `g0001`..`g0844`, units `u001`..,
 * major categories `01`..`17`, subcategories `0101` (major + two digits), plans `P001`...
 */
import type { CareSettings } from './caresettings.ts';

export const ROLES = ['admin', 'county', 'town', 'unit', 'worker', 'secretary', 'trainer', 'resident', 'member'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Role names where the app's message packs cannot be read (the relay's CSVs, staff sheets): the same words as the
 * app's `role.*` messages (src/app/locales/zh.ts; tests/ui/accounts-admin.test.tsx checks they agree).
 */
export const ROLE_NAMES_ZH: Readonly<Record<Role, string>> = {
  admin: '系统管理员',
  county: '县指挥中心',
  town: '镇街指导中心',
  unit: '职能部门',
  worker: '网格员',
  secretary: '村书记',
  trainer: '培训员',
  resident: '居民',
  member: '党员',
};

/** A user as every replica sees it (the org doc's directory): no secrets. */
export interface UserInfo {
  id: string;
  username: string;
  name: string;
  role: Role;
  townId?: string;
  villageId?: string;
  gridId?: string;
  unitId?: string;
  phone?: string;
  /** Issue 13: the phone was proven by an SMS code (a resident's sign-up); see src/domain/citizens.ts. */
  phoneVerified?: boolean;
}

export interface Town {
  id: string;
  name: string;
  nameEn: string;
  /** Representative point of the town, [lng, lat]. */
  center: [number, number];
  /** Retired by an admin (refchanges.ts): kept, since history names it, but offered for nothing new. */
  retired?: true;
}

export interface Village {
  id: string;
  townId: string;
  name: string;
  kind: 'village' | 'community';
  retired?: true;
}

export interface Grid {
  id: string;
  villageId: string;
  townId: string;
  name: string;
  workerId: string;
  /** Representative point of the grid, [lng, lat]; the polygon itself is static geometry, not CRDT data. */
  center: [number, number];
  retired?: true;
}

export interface MajorCategory {
  code: string;
  name: string;
  nameEn: string;
  retired?: true;
}

export interface Subcategory {
  code: string;
  major: string;
  name: string;
  nameEn: string;
  retired?: true;
}

export type Priority = 'urgent' | 'high' | 'normal';

export interface Plan {
  id: string;
  /** Subcategory code this plan handles. */
  category: string;
  name: string;
  priority: Priority;
  /** Hours from dispatch to the deadline (with `dueIn: 'working_days'`, the calendar-time fallback only). */
  dueHours: number;
  /** Issue 15: the deadline counts working days (deadlines.ts `workingDueMs`) instead of hours. */
  dueIn?: 'hours' | 'working_days';
  /** With `dueIn: 'working_days'`: the deadline is the end of the Nth working day after dispatch (CST). */
  dueDays?: number;
  /**
   * Only in a receipt's snapshot (receipts.ts): the working-day deadline the relay computed at the dispatch, as the
   * span from its receipt time (the calendar as it stood then: a later calendar edit changes no running deadline).
   */
  dueSpanMs?: number;
  /** 1 for the seed's plans, +1 per `plan.set` (refchanges.ts); a dispatch's receipt records it. */
  version?: number;
  retired?: true;
  /** Suggested unit ids, best first. */
  unitIds: string[];
  steps: string[];
  /** The unit must attach at least one photo of the fix when it resolves a case dispatched with this plan. */
  afterPhoto?: boolean;
}

export type UnitLevel = 'county' | 'town';

export interface Unit {
  id: string;
  name: string;
  level: UnitLevel;
  /** Set for town-level units (police station, town office...). */
  townId?: string;
  /** Major category codes this unit handles. */
  categories: string[];
  retired?: true;
}

/**
 * Issue 15: one year's 法定节假日 (days off) and 调休 (weekend days that are working days), "YYYY-MM-DD" in CST.
 * Written only through `calendar.set` changes (refchanges.ts); without one for a year, working days are Mon-Fri.
 */
export interface WorkCalendar {
  year: number;
  holidays: string[];
  workdays: string[];
}

/** Everything in the org doc, as plain data. */
export interface OrgData {
  towns: Town[];
  villages: Village[];
  grids: Grid[];
  categories: MajorCategory[];
  subcategories: Subcategory[];
  plans: Plan[];
  units: Unit[];
  users: UserInfo[];
  /** Working-day calendars by year (only from `calendar.set` changes: no map of its own). */
  calendars?: WorkCalendar[];
  /** Issue 17: the county's care levels and tags (only from `care.set` changes; absent: caresettings.ts DEFAULT_CARE). */
  care?: CareSettings;
}

/** Names of the Y.Map in the org doc for each collection, keyed by id (code for categories). */
export const ORG_COLLECTIONS = ['towns', 'villages', 'grids', 'categories', 'subcategories', 'plans', 'units', 'users'] as const;
export type OrgCollection = (typeof ORG_COLLECTIONS)[number];
/** Issue 15: the org doc's root Y.Array of admins' reference changes (src/domain/refchanges.ts). */
export const CHANGES_ARRAY = 'changes';

/** Lookups the fold and the rules need; built from OrgData by `indexOrg`. */
export interface OrgIndex {
  user(id: string): UserInfo | undefined;
  grid(id: string): Grid | undefined;
  village(id: string): Village | undefined;
  unit(id: string): Unit | undefined;
  subcategory(code: string): Subcategory | undefined;
  plansFor(subcategory: string): Plan[];
  planById(id: string): Plan | undefined;
  /** Working-day calendars (issue 15; absent in a receipt's snapshot, whose plan carries `dueSpanMs`). */
  calendars?: readonly WorkCalendar[];
}

/** The org doc as the app holds it: the index and the data it was built from. */
export interface OrgView extends OrgIndex {
  data: OrgData;
}

export function indexOrg(data: Partial<OrgData>): OrgIndex {
  const users = new Map((data.users ?? []).map((u) => [u.id, u]));
  const grids = new Map((data.grids ?? []).map((g) => [g.id, g]));
  const villages = new Map((data.villages ?? []).map((v) => [v.id, v]));
  const units = new Map((data.units ?? []).map((u) => [u.id, u]));
  const subs = new Map((data.subcategories ?? []).map((s) => [s.code, s]));
  const plans = new Map<string, Plan[]>();
  const planIds = new Map((data.plans ?? []).map((p) => [p.id, p]));
  for (const p of data.plans ?? []) {
    const list = plans.get(p.category) ?? [];
    list.push(p);
    plans.set(p.category, list);
  }
  return {
    user: (id) => users.get(id),
    grid: (id) => grids.get(id),
    village: (id) => villages.get(id),
    unit: (id) => units.get(id),
    subcategory: (code) => subs.get(code),
    plansFor: (code) => plans.get(code) ?? [],
    planById: (id) => planIds.get(id),
    calendars: data.calendars ?? [],
  };
}
