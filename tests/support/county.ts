/**
 * The fixture county the test layers build on. The domain, data-layer, screen and relay tests each have a small
 * county of their own (towns t01 and t02, a few villages and grids, units, a user per role) whose names their tests
 * assert on; what they share is its shape, which these builders write once. Ids follow the demo county's
 * (server/demo/generate.ts): village `t01v02` is in town `t01`, grid `g0003`'s worker is `w0003`, town `t01`'s
 * center is user `town01`, unit `u002`'s user is `unit002`, village `t01v01`'s secretary is `st01v01`, and a
 * username is the user's id. So a fixture writes its names and the links that are its own (which village a grid
 * is in), the builders derive the rest, and `county` checks that the links hold.
 */
import type { Grid, MajorCategory, OrgData, Role, Subcategory, Town, Unit, UserInfo, Village } from '../../src/domain/org.ts';

type LngLat = [number, number];

/** The town a village is in: `t01v02` is in `t01`. */
export const townOf = (villageId: string): string => villageId.slice(0, villageId.indexOf('v'));

export const town = (id: string, name: string, nameEn: string, center: LngLat): Town => ({ id, name, nameEn, center });

export const village = (id: string, name: string, kind: Village['kind'] = 'village'): Village => ({ id, townId: townOf(id), name, kind });

/** A grid of a village; its worker is the grid's namesake (`g0003`: `w0003`). */
export const grid = (id: string, villageId: string, name: string, center: LngLat): Grid => ({
  id,
  villageId,
  townId: townOf(villageId),
  name,
  workerId: `w${id.slice(1)}`,
  center,
});

export const major = (code: string, name: string, nameEn: string): MajorCategory => ({ code, name, nameEn });

/** A subcategory: its major is the first two digits of its code. */
export const sub = (code: string, name: string, nameEn: string): Subcategory => ({ code, major: code.slice(0, 2), name, nameEn });

export const countyUnit = (id: string, name: string, categories: string[]): Unit => ({ id, name, level: 'county', categories });

export const townUnit = (id: string, name: string, townId: string, categories: string[]): Unit => ({ id, name, level: 'town', townId, categories });

/** Where a user lives or works: a village (and its town). */
export const inVillage = (villageId: string) => ({ townId: townOf(villageId), villageId });

/** Where a user lives or works: a grid of a village (and its town). */
export const inGrid = (gridId: string, villageId: string) => ({ ...inVillage(villageId), gridId });

/** A user whose username is their id. */
export const person = (id: string, name: string, role: Role, at: Pick<UserInfo, 'townId' | 'villageId' | 'gridId' | 'unitId'> = {}): UserInfo => ({
  id,
  username: id,
  name,
  role,
  ...at,
});

/** The town's center (指导中心): `town01` for `t01`. */
export const townUser = (townId: string, name: string): UserInfo => person(`town${townId.slice(1)}`, name, 'town', { townId });

/** The unit's user: `unit002` for `u002`, with the unit's town when the fixture gives one. */
export const unitUser = (unitId: string, name: string, townId?: string): UserInfo =>
  person(`unit${unitId.slice(1)}`, name, 'unit', townId ? { unitId, townId } : { unitId });

/** The grid's worker: `w0003` for `g0003`. */
export const worker = (gridId: string, villageId: string, name: string): UserInfo => person(`w${gridId.slice(1)}`, name, 'worker', inGrid(gridId, villageId));

/** The village's secretary: `st01v01` for `t01v01`. */
export const secretary = (villageId: string, name: string): UserInfo => person(`s${villageId}`, name, 'secretary', inVillage(villageId));

/** The county, checked: every link names a place of the county, and agrees with the places above it. */
export function county(org: OrgData): OrgData {
  const fail = (what: string) => {
    throw new Error(`fixture county: ${what}`);
  };
  const towns = new Set(org.towns.map((x) => x.id));
  const villages = new Map(org.villages.map((x) => [x.id, x]));
  const grids = new Map(org.grids.map((x) => [x.id, x]));
  const units = new Set(org.units.map((x) => x.id));
  const users = new Set(org.users.map((x) => x.id));
  for (const v of org.villages) if (!towns.has(v.townId)) fail(`village ${v.id}: no town ${v.townId}`);
  for (const g of org.grids) {
    if (villages.get(g.villageId)?.townId !== g.townId) fail(`grid ${g.id}: village ${g.villageId} is not in town ${g.townId}`);
    if (!users.has(g.workerId)) fail(`grid ${g.id}: no worker ${g.workerId}`);
  }
  for (const u of org.units) if (u.townId !== undefined && !towns.has(u.townId)) fail(`unit ${u.id}: no town ${u.townId}`);
  for (const p of org.plans) for (const u of p.unitIds) if (!units.has(u)) fail(`plan ${p.id}: no unit ${u}`);
  for (const u of org.users) {
    if (u.townId !== undefined && !towns.has(u.townId)) fail(`user ${u.id}: no town ${u.townId}`);
    if (u.villageId !== undefined && villages.get(u.villageId)?.townId !== u.townId) fail(`user ${u.id}: village ${u.villageId} is not in town ${u.townId}`);
    if (u.gridId !== undefined && grids.get(u.gridId)?.villageId !== u.villageId) fail(`user ${u.id}: grid ${u.gridId} is not in village ${u.villageId}`);
    if (u.unitId !== undefined && !units.has(u.unitId)) fail(`user ${u.id}: no unit ${u.unitId}`);
  }
  return org;
}
