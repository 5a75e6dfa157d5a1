/**
 * Issue 17: needs found on care visits, as the screens and the inbox show them (src/domain/careneeds.ts decides
 * which visits wait for a need).
 */
import { t } from './i18n.ts';
import './locales/care.zh.ts';
import type { OrgView } from '../domain/org.ts';
import { pendingCareNeeds, type CareGrid, type PendingCareNeed } from '../domain/careneeds.ts';
import type { RecordsApi } from './records.ts';

/** A care visit's needs by name (就医、生活照料). */
export function careNeedsText(needs: readonly string[]): string {
  return needs.map((n) => t(`care.need.${n}` as Parameters<typeof t>[0])).join('、');
}

/**
 * Issue 17: the care visits waiting for a need in the care docs `records` holds (a village secretary: their
 * village's grids; a town center: its town's), with each household's label from the people register when held.
 */
/** A visit waiting for a need, with its household as the people register has it (when held). */
export interface CareNeedView extends PendingCareNeed {
  /** "head · address", for the inbox (InboxCareNeed). */
  household?: string;
  head?: string;
  address?: string;
}

export function careNeedsOf(records: RecordsApi, org: OrgView | null, nowMs: number): CareNeedView[] {
  if (!org) return [];
  const grids: CareGrid[] = [];
  for (const gridId of records.careGrids()) {
    const g = org.grid(gridId);
    const care = g ? records.care(gridId) : null;
    if (g && care) grids.push({ gridId, villageId: g.villageId, townId: g.townId, care });
  }
  if (grids.length === 0) return [];
  return pendingCareNeeds(grids, records.party(), nowMs).map((p) => {
    const h = records.people(p.gridId)?.households.get(p.householdId);
    return { ...p, ...(h ? { head: h.head, address: h.address, household: `${h.head} · ${h.address}` } : {}) };
  });
}
