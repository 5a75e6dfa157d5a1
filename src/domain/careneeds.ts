/**
 * Needs found on care visits (issue 17, 重点人群): a grid worker's visit records what the household needs (medical
 * care, help with daily living, money, safety, company, schooling, housing); the village takes it up as a party need
 * (在职党员进乡村, party.ts `need_published` with `fromCare`), which a party member claims and the village confirms.
 * The worker records; the village secretary or the town center decides what to publish, because a need is shown to
 * every party member of the town.
 *
 * A visit waits for its need (`pendingCareNeeds`) when it is its household's latest counted visit, made within
 * CARE_NEED_DAYS, that found needs, and the village has not decided on it (a need takes it up, or it was declined:
 * party.ts `care_need_declined`), nor has an earlier visit of the same household whose
 * need is still open or claimed (the household is being helped already). A later visit that found nothing, or a
 * withdrawn visit, waits for nothing. Pure: the inbox and the needs screen read the same list.
 */
import type { CareNeed, CareState, CareVisit, Condition } from './care.ts';
import { careDecided, careKey, type Need, type PartyState } from './party.ts';

/** A visit's needs wait this long for the village to take them up (then the visit is old news). */
export const CARE_NEED_DAYS = 30;

/** A grid's care log with where the grid is (the org directory). */
export interface CareGrid {
  gridId: string;
  villageId: string;
  townId: string;
  care: CareState;
}

/** A care visit whose findings wait for a need. */
export interface PendingCareNeed {
  gridId: string;
  villageId: string;
  townId: string;
  visitId: string;
  householdId: string;
  residentId?: string;
  workerId: string;
  ms: number;
  condition: Condition;
  needs: CareNeed[];
  note?: string;
}

/** The need that took up a care visit, if any. */
export function needOfVisit(party: Pick<PartyState, 'needs' | 'careNeeds' | 'careDeclined'> | null, gridId: string, visitId: string): Need | undefined {
  const id = party?.careNeeds.get(careKey({ gridId, visitId }));
  return id === undefined ? undefined : party?.needs.get(id);
}

/** The care visits of `grids` waiting for a need at `nowMs`, newest first. */
export function pendingCareNeeds(grids: readonly CareGrid[], party: Pick<PartyState, 'needs' | 'careNeeds' | 'careDeclined'> | null, nowMs: number): PendingCareNeed[] {
  const since = nowMs - CARE_NEED_DAYS * 86_400_000;
  const out: PendingCareNeed[] = [];
  for (const g of grids) {
    // Households of this grid being helped: a need from one of their visits, not yet confirmed.
    const helped = new Set<string>();
    const byId = new Map<string, CareVisit>(g.care.visits.map((vt) => [vt.id, vt]));
    for (const need of party?.needs.values() ?? []) {
      if (need.fromCare?.gridId !== g.gridId || need.status === 'confirmed') continue;
      const vt = byId.get(need.fromCare.visitId);
      if (vt) helped.add(vt.householdId);
    }
    for (const [householdId, list] of g.care.byHousehold) {
      const last = list[list.length - 1];
      if (!last || last.needs.length === 0 || last.ms < since || last.ms > nowMs || helped.has(householdId)) continue;
      if (party && careDecided(party, { gridId: g.gridId, visitId: last.id })) continue;
      out.push({
        gridId: g.gridId,
        villageId: g.villageId,
        townId: g.townId,
        visitId: last.id,
        householdId,
        workerId: last.workerId,
        ms: last.ms,
        condition: last.condition,
        needs: last.needs,
        ...(last.residentId ? { residentId: last.residentId } : {}),
        ...(last.note ? { note: last.note } : {}),
      });
    }
  }
  return out.sort((a, b) => b.ms - a.ms || (a.visitId < b.visitId ? -1 : a.visitId > b.visitId ? 1 : 0));
}
