/**
 * Issue 16 section 5: the head start of a first sign-in (GET /api/starter, server/http.ts). On 2G (1,400 ms RTT,
 * 70 kbps) a grid worker's first sync is about 580 kB and 80 s: the town's year is one cases doc, and its events
 * cannot arrive in another order than the doc's (an item of a Y.Array is integrated only after the items it was
 * inserted next to), and the org doc alone is about 80 kB. So the relay sends first, as plain JSON, what the worker
 * needs to start work: the open cases of their grid and their own open reports (every event of each such case, with
 * the relay's receipts) and the reference data a report and those rows need. The device folds them like the doc's
 * own (src/protocol/caseindex.ts `setStarter`) until the doc has synced; the docs still sync whole after it.
 *
 * Contracts (one copy, relay and device):
 *  - `inStarter`: which cases come first. Only grid workers get a head start (other roles: none).
 *  - `starterOrg`: the reference subset: every town, category and subcategory; the villages and grids of the
 *    worker's town; the plans, units and users that the selected events name, and the worker.
 *  - The events and receipts are the relay's accepted facts, served only from docs the user may read; the device
 *    parses them with `parseEvent`/`parseReceipt` like any doc value, and folds a case from the doc's events plus
 *    the starter's that the doc does not hold yet (by id), so a doc that has synced folds exactly as without it.
 */
import type { CaseEvent } from './events.ts';
import type { OrgData, UserInfo } from './org.ts';
import { FINAL_STATUSES, type CaseState } from './workflow.ts';

/** One cases doc's share of the head start (every live cases doc of the user is listed, even with no events). */
export interface StarterDoc {
  name: string;
  events: unknown[];
  receipts: unknown[];
}

export interface Starter {
  docs: StarterDoc[];
  org: Partial<OrgData>;
}

const FINAL: ReadonlySet<string> = new Set(FINAL_STATUSES);

/** Whether a case comes first at this user's first sign-in: a worker's grid's open cases and own open reports. */
export function inStarter(user: UserInfo, s: Pick<CaseState, 'status' | 'gridId' | 'reporter'>): boolean {
  if (user.role !== 'worker' || FINAL.has(s.status)) return false;
  return (user.gridId !== undefined && s.gridId === user.gridId) || s.reporter === user.id;
}

/** Whether this user gets a head start at all (the relay answers others with no docs and no org). */
export function getsStarter(user: UserInfo): boolean {
  return user.role === 'worker';
}

/** The reference data that the starter's rows and a new report need (see the header). */
export function starterOrg(org: OrgData, user: UserInfo, events: readonly CaseEvent[]): Partial<OrgData> {
  const townId = user.townId ?? org.grids.find((g) => g.id === user.gridId)?.townId;
  const users = new Set<string>([user.id]);
  const units = new Set<string>();
  const plans = new Set<string>();
  for (const e of events) {
    users.add(e.actor);
    const d = e.data as { unitId?: unknown; planId?: unknown; helperUnitIds?: unknown } | undefined;
    if (typeof d?.unitId === 'string') units.add(d.unitId);
    // Issue 17: a dispatch's helping units (their names on the case).
    if (Array.isArray(d?.helperUnitIds)) for (const h of d.helperUnitIds) if (typeof h === 'string') units.add(h);
    if (typeof d?.planId === 'string') plans.add(d.planId);
  }
  const planList = org.plans.filter((p) => plans.has(p.id));
  for (const p of planList) for (const u of p.unitIds) units.add(u);
  return {
    towns: org.towns,
    villages: org.villages.filter((v) => v.townId === townId),
    grids: org.grids.filter((g) => g.townId === townId),
    categories: org.categories,
    subcategories: org.subcategories,
    plans: planList,
    units: org.units.filter((u) => units.has(u.id)),
    users: org.users.filter((u) => users.has(u.id)),
  };
}

/** A starter as received (JSON from the relay, or kept in `meta` across a restart), or null if it is not one. */
export function parseStarter(v: unknown): Starter | null {
  const o = v as { docs?: unknown; org?: unknown } | null;
  if (typeof o !== 'object' || o === null || !Array.isArray(o.docs) || typeof o.org !== 'object' || o.org === null) return null;
  const docs: StarterDoc[] = [];
  for (const d of o.docs as unknown[]) {
    const x = d as Partial<StarterDoc> | null;
    if (typeof x?.name !== 'string' || !Array.isArray(x.events) || !Array.isArray(x.receipts)) return null;
    docs.push({ name: x.name, events: x.events, receipts: x.receipts });
  }
  const org: Record<string, unknown[]> = {};
  for (const [k, list] of Object.entries(o.org as Record<string, unknown>)) if (Array.isArray(list)) org[k] = list.filter((x) => typeof x === 'object' && x !== null);
  return { docs, org: org as Partial<OrgData> };
}
