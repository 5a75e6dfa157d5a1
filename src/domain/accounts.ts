/**
 * Staff accounts (issue 15): what an account may be, and who may manage it. One copy for the relay (its accounts
 * API, server/accountshttp.ts, and the bulk import) and the app's account screens.
 *
 * Contracts:
 *  - The scope follows from the role: admin and county have none; town and trainer name a town; secretary a
 *    village; worker and member (a party member) a grid; unit a unit. What the named place lies in (a grid's
 *    village and town, a village's town, a town-level unit's town) is derived, never typed, so it cannot disagree.
 *  - Residents sign themselves up (issue 13) and are not managed here.
 *  - An administrator manages every staff account; a town center manages the accounts of its own town (not admin
 *    or county accounts, and not county-level units, whose scope is no town).
 *  - A password a person chooses: at least 8 characters, 4 different ones, not containing the username.
 */
import * as v from 'valibot';
import type { OrgIndex, Role, UserInfo } from './org.ts';

export const STAFF_ROLES = ['admin', 'county', 'town', 'unit', 'worker', 'secretary', 'trainer', 'member'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{1,31}$/;
export const PHONE_PATTERN = /^1\d{10}$/;
export const STAFF_PASSWORD_MIN = 8;

const optionalRef = v.optional(v.pipe(v.string(), v.trim(), v.maxLength(40)));

/** What an administrator types for a new account (or a sheet row holds). */
export const AccountInputSchema = v.strictObject({
  username: v.pipe(v.string(), v.trim(), v.regex(USERNAME_PATTERN)),
  name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(60)),
  role: v.picklist(STAFF_ROLES),
  phone: v.optional(v.pipe(v.string(), v.trim(), v.regex(PHONE_PATTERN))),
  townId: optionalRef,
  villageId: optionalRef,
  gridId: optionalRef,
  unitId: optionalRef,
});
export type AccountInput = v.InferOutput<typeof AccountInputSchema>;

/** A change to an existing account: any of these (the username never changes: it names the account in history). */
export const AccountPatchSchema = v.strictObject({
  name: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(60))),
  role: v.optional(v.picklist(STAFF_ROLES)),
  phone: v.optional(v.nullable(v.pipe(v.string(), v.trim(), v.regex(PHONE_PATTERN)))),
  townId: optionalRef,
  villageId: optionalRef,
  gridId: optionalRef,
  unitId: optionalRef,
  disabled: v.optional(v.boolean()),
});
export type AccountPatch = v.InferOutput<typeof AccountPatchSchema>;

export type ScopeField = 'townId' | 'villageId' | 'gridId' | 'unitId';
export type Scope = Partial<Record<ScopeField, string>>;
export type ScopeProblem = { field: ScopeField | 'role'; code: 'required' | 'unknown' | 'not_allowed' };

/** Which scope field each role names (null: none). */
export function scopeFieldOf(role: StaffRole): ScopeField | null {
  switch (role) {
    case 'admin':
    case 'county':
      return null;
    case 'town':
    case 'trainer':
      return 'townId';
    case 'secretary':
      return 'villageId';
    case 'worker':
    case 'member':
      return 'gridId';
    case 'unit':
      return 'unitId';
  }
}

/**
 * The whole scope of an account with `role` naming `given` (only the role's own field is read; the others are
 * derived), or the first problem: the field missing, naming nothing known, or another field given that the role
 * does not name and that disagrees with what is derived.
 */
export function resolveScope(role: StaffRole, given: Scope, org: Pick<OrgIndex, 'grid' | 'village' | 'unit'> & { townIds: readonly string[] }): { ok: true; scope: Scope } | { ok: false; problem: ScopeProblem } {
  const field = scopeFieldOf(role);
  let scope: Scope = {};
  if (field) {
    const id = given[field];
    if (!id) return { ok: false, problem: { field, code: 'required' } };
    if (field === 'townId') {
      if (!org.townIds.includes(id)) return { ok: false, problem: { field, code: 'unknown' } };
      scope = { townId: id };
    } else if (field === 'villageId') {
      const village = org.village(id);
      if (!village) return { ok: false, problem: { field, code: 'unknown' } };
      scope = { townId: village.townId, villageId: id };
    } else if (field === 'gridId') {
      const grid = org.grid(id);
      if (!grid) return { ok: false, problem: { field, code: 'unknown' } };
      scope = { townId: grid.townId, villageId: grid.villageId, gridId: id };
    } else {
      const unit = org.unit(id);
      if (!unit) return { ok: false, problem: { field, code: 'unknown' } };
      scope = { ...(unit.townId ? { townId: unit.townId } : {}), unitId: id };
    }
  }
  for (const f of ['townId', 'villageId', 'gridId', 'unitId'] as const) {
    if (given[f] && given[f] !== scope[f]) return { ok: false, problem: { field: f, code: 'not_allowed' } };
  }
  return { ok: true, scope };
}

/** May `manager` see and change an account of `target` (role and scope: the account as it is, or as it would be)? */
export function mayManageAccount(manager: Pick<UserInfo, 'role' | 'townId'>, target: { role: Role; townId?: string | undefined }): boolean {
  if (target.role === 'resident') return false;
  if (manager.role === 'admin') return true;
  if (manager.role !== 'town' || !manager.townId) return false;
  return target.role !== 'admin' && target.role !== 'county' && target.townId === manager.townId;
}

/** A role a person holds (one account each), as GET /api/me lists them for switching without signing out. */
export type RoleChoice = Pick<UserInfo, 'id' | 'role' | 'townId' | 'villageId' | 'gridId' | 'unitId'>;

/** Roles `manager` may give (the account screen's choices). */
export function rolesManagedBy(manager: Pick<UserInfo, 'role'>): StaffRole[] {
  if (manager.role === 'admin') return [...STAFF_ROLES];
  if (manager.role === 'town') return STAFF_ROLES.filter((r) => r !== 'admin' && r !== 'county');
  return [];
}

/** Why a password a person chose will not do, or null. */
export function staffPasswordProblem(password: string, username: string): 'too_short' | 'too_simple' | 'contains_username' | null {
  if ([...password].length < STAFF_PASSWORD_MIN) return 'too_short';
  if (new Set(password).size < 4) return 'too_simple';
  if (username && password.toLowerCase().includes(username.toLowerCase())) return 'contains_username';
  return null;
}
