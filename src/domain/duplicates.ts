/**
 * Possible duplicates of a report: open cases of the same subcategory within DUPLICATE_RADIUS_M metres, reported
 * in the DUPLICATE_WINDOW_DAYS before the candidate (great-circle distance, haversine). Pure; time is a parameter.
 * The center merges a duplicate with the `merge {intoCaseId}` command (workflow.ts).
 */
import { EARTH_RADIUS_M, haversineM } from './distance.ts';
import type { LatLng } from './events.ts';
import { FINAL_STATUSES, type CaseState } from './workflow.ts';

export const DUPLICATE_RADIUS_M = 250;
export const DUPLICATE_WINDOW_DAYS = 7;
const DAY_MS = 86_400_000;
const FINAL: ReadonlySet<string> = new Set(FINAL_STATUSES);

export { haversineM };


/** What is compared: the report being made (or an existing case: its own id is skipped). */
export interface DuplicateCandidate {
  id?: string;
  category: string;
  location: LatLng;
  /** When the candidate is reported; the window is [reportedMs - 7 days, reportedMs]. */
  reportedMs: number;
}

export type DuplicateInput = Pick<CaseState, 'id' | 'status' | 'category' | 'location' | 'reportedMs'>;

export interface DuplicateMatch<C extends DuplicateInput = DuplicateInput> {
  case: C;
  distanceM: number;
}

/** Open cases that may be the same problem, nearest first (ties: newest first, then id). */
export function findDuplicates<C extends DuplicateInput>(candidate: DuplicateCandidate, cases: Iterable<C>): DuplicateMatch<C>[] {
  const since = candidate.reportedMs - DUPLICATE_WINDOW_DAYS * DAY_MS;
  // A cheap box before the haversine: 250 m is about 0.00225 degrees of latitude.
  const dLat = (DUPLICATE_RADIUS_M / EARTH_RADIUS_M) * (180 / Math.PI);
  const out: DuplicateMatch<C>[] = [];
  for (const c of cases) {
    if (c.id === candidate.id || c.category !== candidate.category || FINAL.has(c.status)) continue;
    if (c.reportedMs < since || c.reportedMs > candidate.reportedMs) continue;
    if (Math.abs(c.location.lat - candidate.location.lat) > dLat * 1.01) continue;
    const distanceM = haversineM(candidate.location, c.location);
    if (distanceM <= DUPLICATE_RADIUS_M) out.push({ case: c, distanceM });
  }
  return out.sort((a, b) => a.distanceM - b.distanceM || b.case.reportedMs - a.case.reportedMs || (a.case.id < b.case.id ? -1 : 1));
}
