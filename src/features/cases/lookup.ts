/**
 * Reference-data lookups the screens need beyond OrgIndex (towns, villages, majors, subcategories by major),
 * built once per org snapshot, and the names shown for grids and categories.
 */
import { localName } from '../../app/i18n.ts';
import type { OrgView } from '../../app/services.ts';
import type { Grid, MajorCategory, Subcategory, Town, UserInfo, Village } from '../../domain/org.ts';
import type { Status } from '../../domain/workflow.ts';

export interface Lookup {
  towns: Map<string, Town>;
  villages: Map<string, Village>;
  majors: Map<string, MajorCategory>;
  subsByMajor: Map<string, Subcategory[]>;
  gridsByTown: Map<string, Grid[]>;
}

const cache = new WeakMap<OrgView, Lookup>();

export function lookup(org: OrgView): Lookup {
  let l = cache.get(org);
  if (l) return l;
  const d = org.data;
  const subsByMajor = new Map<string, Subcategory[]>();
  for (const s of [...d.subcategories].sort((a, b) => a.code.localeCompare(b.code))) {
    const list = subsByMajor.get(s.major) ?? [];
    list.push(s);
    subsByMajor.set(s.major, list);
  }
  const gridsByTown = new Map<string, Grid[]>();
  for (const g of [...d.grids].sort((a, b) => a.id.localeCompare(b.id))) {
    const list = gridsByTown.get(g.townId) ?? [];
    list.push(g);
    gridsByTown.set(g.townId, list);
  }
  l = {
    towns: new Map(d.towns.map((x) => [x.id, x])),
    villages: new Map(d.villages.map((x) => [x.id, x])),
    majors: new Map([...d.categories].sort((a, b) => a.code.localeCompare(b.code)).map((x) => [x.code, x])),
    subsByMajor,
    gridsByTown,
  };
  cache.set(org, l);
  return l;
}

/** "Village · grid" (the grid name alone is ambiguous across villages). */
export function gridLabel(org: OrgView | null, gridId: string): string {
  const g = org?.grid(gridId);
  if (!org || !g) return gridId;
  const v = lookup(org).villages.get(g.villageId);
  return v ? `${v.name} · ${g.name}` : g.name;
}

/** A village's name, or its id when the reference data does not know it. */
export function villageLabel(org: OrgView | null, villageId: string): string {
  return (org ? lookup(org).villages.get(villageId)?.name : undefined) ?? villageId;
}

export function townLabel(org: OrgView | null, townId: string): string {
  const town = org ? lookup(org).towns.get(townId) : undefined;
  return town ? localName(town) : townId;
}

/** "Major / sub" for a subcategory code, or the major's name for a 2-digit code. */
export function categoryLabel(org: OrgView | null, code: string): string {
  if (!org) return code;
  const l = lookup(org);
  const sub = org.subcategory(code);
  const major = l.majors.get(sub ? sub.major : code.slice(0, 2));
  if (!sub) return major ? localName(major) : code;
  return major ? `${localName(major)} / ${localName(sub)}` : localName(sub);
}

export function unitLabel(org: OrgView | null, unitId: string): string {
  return org?.unit(unitId)?.name ?? unitId;
}

export function userLabel(org: OrgView | null, userId: string): string {
  return org?.user(userId)?.name ?? userId;
}

/**
 * The grids a user works with: their own grid, their village's, their town's, or all of them. A resident reports
 * in their town (their village's grids first); a point outside it is named by the map or GPS note.
 */
export function gridsInScope(user: UserInfo, org: OrgView): Grid[] {
  const all = [...org.data.grids].sort((a, b) => a.id.localeCompare(b.id));
  switch (user.role) {
    case 'worker':
      return all.filter((g) => g.id === user.gridId);
    case 'secretary':
      return all.filter((g) => g.villageId === user.villageId);
    case 'town':
      return all.filter((g) => g.townId === user.townId);
    case 'resident': {
      if (!user.townId) return all;
      const town = all.filter((g) => g.townId === user.townId);
      return [...town.filter((g) => g.villageId === user.villageId), ...town.filter((g) => g.villageId !== user.villageId)];
    }
    default:
      return all;
  }
}

/** The tone (colour family) of a status badge; the text always names the status too. */
export function statusTone(s: Status): string {
  switch (s) {
    case 'reported':
      return 'blue';
    case 'accepted':
    case 'returned':
    case 'dispatched':
    case 'acknowledged':
    case 'in_progress':
      return 'amber';
    case 'verification_failed':
      return 'red';
    case 'resolved':
    case 'verified':
      return 'teal';
    case 'closed':
      return 'green';
    case 'rejected':
    case 'withdrawn':
    case 'merged':
      return 'grey';
  }
}
