/**
 * What the map colours and marks: the open cases of the session's read model, their grid counts and overdue
 * state. Overdue comes from the domain's deadlines (src/domain/deadlines.ts) at an injected `nowMs`.
 */
import type { CaseRow, Session } from '../../app/services.ts';
import { deadlineOf } from '../../domain/deadlines.ts';
import { OPEN_STATUSES } from '../../domain/workflow.ts';

export interface GridCount {
  open: number;
  overdue: number;
}

/** At most this many open cases per status are placed on the map (a county has a few hundred open). */
const PER_STATUS = 5000;

export async function openCases(session: Session): Promise<CaseRow[]> {
  const lists = await Promise.all(OPEN_STATUSES.map((status) => session.queryCases({ status }, 0, PER_STATUS)));
  return lists.flat();
}

export function isOverdue(row: CaseRow, nowMs: number): boolean {
  const d = deadlineOf(row, nowMs);
  return d !== null && d.stoppedMs === undefined && d.state === 'overdue';
}

export function countByGrid(rows: readonly CaseRow[], nowMs: number): Map<string, GridCount> {
  const out = new Map<string, GridCount>();
  for (const r of rows) {
    const c = out.get(r.gridId) ?? { open: 0, overdue: 0 };
    c.open += 1;
    if (isOverdue(r, nowMs)) c.overdue += 1;
    out.set(r.gridId, c);
  }
  return out;
}
