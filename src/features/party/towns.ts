/**
 * Several towns' party docs on one device: county and admin hold every town's `party.<townId>`, the others only
 * their own. Which town the party screens show (the route's `?town=`, else the town last chosen by this user in
 * this session, else the first held), and the summaries of 在职党员进乡村 over all held towns with a per-town
 * breakdown (each town folded and summarized on its own with `summarizeParty`, then added up).
 * Part of the party screens' lazy chunk.
 */
import { summarizeParty, type PartyState, type PartySummary, type ServiceFigures } from '../../domain/party.ts';

/** The `?town=` value of the county-wide summary. */
export const ALL_TOWNS = 'all';

/** The town last chosen in a session (keyed by its records API; in memory: `#/party` from the menu returns to it). */
const lastTown = new WeakMap<object, string>();

/** The town to show among those held: the asked one when held, else the last chosen, else the first; null when none. */
export function chooseTown(session: object, held: readonly string[], asked: string | undefined): string | null {
  const last = lastTown.get(session);
  const town = asked && held.includes(asked) ? asked : last && held.includes(last) ? last : (held[0] ?? null);
  if (town) lastTown.set(session, town);
  return town;
}

const FIGURES: ReadonlyArray<keyof ServiceFigures> = ['visits', 'issues', 'issuesReported', 'needsClaimed', 'needsConfirmed', 'hours', 'confirmedHours'];
const zero = (): ServiceFigures => ({ visits: 0, issues: 0, issuesReported: 0, needsClaimed: 0, needsConfirmed: 0, hours: 0, confirmedHours: 0 });
const addTo = (to: ServiceFigures, f: ServiceFigures) => {
  for (const k of FIGURES) to[k] += f[k];
};

export type TownFigures = { townId: string; members: number; branches: number } & ServiceFigures;
export type TownBranch = PartySummary['branches'][number] & { townId: string };
export type TownMember = PartySummary['members'][number] & { townId: string };

export interface CountyPartySummary {
  /** One row per town, in the order given (a town without a folded doc yet counts zero). */
  towns: TownFigures[];
  total: Omit<TownFigures, 'townId'>;
  /** Every town's branches and members, most hours first (then by town and id). */
  branches: TownBranch[];
  members: TownMember[];
}

/** Summaries of [fromMs, toMs) over several towns' party docs, per town, per branch and per member. */
export function summarizeTowns(towns: ReadonlyArray<{ townId: string; state: PartyState | null }>, fromMs: number, toMs: number): CountyPartySummary {
  const out: CountyPartySummary = { towns: [], total: { members: 0, branches: 0, ...zero() }, branches: [], members: [] };
  for (const { townId, state } of towns) {
    const s: PartySummary = state ? summarizeParty(state, fromMs, toMs) : { members: [], branches: [] };
    const row: TownFigures = { townId, members: s.members.length, branches: s.branches.length, ...zero() };
    for (const m of s.members) addTo(row, m);
    out.towns.push(row);
    out.total.members += row.members;
    out.total.branches += row.branches;
    addTo(out.total, row);
    for (const b of s.branches) out.branches.push({ ...b, townId });
    for (const m of s.members) out.members.push({ ...m, townId });
  }
  const byHours = <T extends { townId: string; hours: number }>(id: (x: T) => string) => (a: T, b: T) => b.hours - a.hours || a.townId.localeCompare(b.townId) || id(a).localeCompare(id(b));
  out.branches.sort(byHours((b) => b.villageId));
  out.members.sort(byHours((m) => m.memberId));
  return out;
}

/** Hours for display: sums of quarter hours, without float noise. */
export const hoursText = (h: number): string => String(Math.round(h * 100) / 100);
