/**
 * Deadlines, derived from a case's state and an injected `now` (never stored, never read from a clock here), so
 * an offline device computes the same overdue and escalated cases as the relay.
 *
 * Two clocks (simple on purpose: calendar time, no working hours or holidays):
 *  - accept: a `reported` case should get its first answer (accept, reject, merge, self-resolve) within
 *    ACCEPT_WITHIN_HOURS of the report. The town center is responsible.
 *  - resolve: from the latest dispatch, the unit has `dueHours` (command, else plan, else 24) plus every approved
 *    extension. Issue 15: a plan may count working days instead (`dueDays`): the deadline is then the end of the
 *    Nth working day after the dispatch's CST day (workdays.ts `workingDueMs`, weekends only for a year without a
 *    holiday calendar), fixed at the dispatch as `dueSpanMs`, plus the approved extension hours. It runs while a unit holds the case (dispatched, acknowledged, in_progress, verification_failed)
 *    and stops at the resolve that counts (a failed verification sends the case back under the same deadline).
 *    A return clears it; the next dispatch starts it again.
 * State: `due_soon` once DUE_SOON_FRACTION of the allowed time has elapsed, `overdue` after the due time.
 * Escalation of a running clock, by how far past due:
 *  - resolve: overdue at all -> `unit`; more than ESCALATE_TOWN of the allowed time -> `town`;
 *    more than ESCALATE_COUNTY of it -> `county` (24 h allowed: unit at 24 h, town after 36 h, county after 48 h).
 *  - accept:  overdue at all -> `town`; more than ESCALATE_COUNTY of the allowed time -> `county`.
 */
import { UNIT_STATUSES } from './statuses.ts';
import type { CaseState } from './workflow.ts';

export { isWorkingDay, workingDueMs } from './workdays.ts';

export const HOUR_MS = 3_600_000;
/** The first answer to a report is due within this many hours. */
export const ACCEPT_WITHIN_HOURS = 2;
/** A unit's acknowledgement (or any first response) is on time within this many hours of dispatch. */
export const ACK_WITHIN_HOURS = 2;
export const DUE_SOON_FRACTION = 0.75;
export const ESCALATE_TOWN = 0.5;
export const ESCALATE_COUNTY = 1.0;

export type DeadlineState = 'on_time' | 'due_soon' | 'overdue';
export type Escalation = 'none' | 'unit' | 'town' | 'county';
export const ESCALATIONS: readonly Escalation[] = ['none', 'unit', 'town', 'county'];

export interface Deadline {
  kind: 'accept' | 'resolve';
  startMs: number;
  dueMs: number;
  /** dueMs - startMs. */
  allowedMs: number;
  /** Time left at `now` (or at the stop); negative when past due. */
  remainingMs: number;
  /** How far past due (0 when not). */
  overdueMs: number;
  state: DeadlineState;
  /** Who is pressed now; always `none` once the clock has stopped. */
  escalation: Escalation;
  /** Set when the clock has stopped (the case was resolved): the deadline records whether it was met. */
  stoppedMs?: number;
}

/** The fields of a case the deadlines need (a CaseState has them; so does a read-model row). */
export type DeadlineInput = Pick<CaseState, 'status' | 'reportedMs'> &
  Partial<Pick<CaseState, 'dispatchedMs' | 'dueHours' | 'dueSpanMs' | 'extensionHours' | 'resolvedMs' | 'selfResolved'>>;

const RUNNING: ReadonlySet<string> = new Set(UNIT_STATUSES);
const STOPPED: ReadonlySet<string> = new Set(['resolved', 'verified', 'closed']);

/** The due time of the resolve clock (dispatch + due hours + approved extensions), or undefined. */
export function resolveDueMs(c: DeadlineInput): number | undefined {
  if (c.dispatchedMs === undefined || c.dueHours === undefined) return undefined;
  if (c.dueSpanMs !== undefined) return c.dispatchedMs + c.dueSpanMs + (c.extensionHours ?? 0) * HOUR_MS;
  return c.dispatchedMs + (c.dueHours + (c.extensionHours ?? 0)) * HOUR_MS;
}

/** The case's current deadline at `nowMs`, or null when no clock applies (accepted, returned, final, self-resolved). */
export function deadlineOf(c: DeadlineInput, nowMs: number): Deadline | null {
  if (c.status === 'reported') {
    return measure('accept', c.reportedMs, c.reportedMs + ACCEPT_WITHIN_HOURS * HOUR_MS, nowMs, undefined);
  }
  const due = resolveDueMs(c);
  if (due === undefined || c.dispatchedMs === undefined || c.selfResolved) return null;
  if (RUNNING.has(c.status)) return measure('resolve', c.dispatchedMs, due, nowMs, undefined);
  if (STOPPED.has(c.status) && c.resolvedMs !== undefined) return measure('resolve', c.dispatchedMs, due, c.resolvedMs, c.resolvedMs);
  return null;
}

function measure(kind: Deadline['kind'], startMs: number, dueMs: number, atMs: number, stoppedMs: number | undefined): Deadline {
  const allowedMs = Math.max(1, dueMs - startMs);
  const remainingMs = dueMs - atMs;
  const overdueMs = Math.max(0, -remainingMs);
  const elapsed = (atMs - startMs) / allowedMs;
  const state: DeadlineState = remainingMs < 0 ? 'overdue' : elapsed >= DUE_SOON_FRACTION ? 'due_soon' : 'on_time';
  let escalation: Escalation = 'none';
  if (stoppedMs === undefined && overdueMs > 0) {
    const over = overdueMs / allowedMs;
    if (kind === 'resolve') escalation = over > ESCALATE_COUNTY ? 'county' : over > ESCALATE_TOWN ? 'town' : 'unit';
    else escalation = over > ESCALATE_COUNTY ? 'county' : 'town';
  }
  const d: Deadline = { kind, startMs, dueMs, allowedMs, remainingMs, overdueMs, state, escalation };
  if (stoppedMs !== undefined) d.stoppedMs = stoppedMs;
  return d;
}

/** Whether the case is open and past its deadline at `nowMs`. */
export function isOverdue(c: DeadlineInput, nowMs: number): boolean {
  const d = deadlineOf(c, nowMs);
  return d !== null && d.stoppedMs === undefined && d.state === 'overdue';
}

/**
 * The moment the case's deadline state will next change (due soon, due, each escalation step), or null:
 * a screen can schedule one re-render then instead of polling.
 */
export function nextDeadlineChangeMs(c: DeadlineInput, nowMs: number): number | null {
  const d = deadlineOf(c, nowMs);
  if (!d || d.stoppedMs !== undefined) return null;
  const marks = [d.startMs + DUE_SOON_FRACTION * d.allowedMs, d.dueMs, d.dueMs + ESCALATE_TOWN * d.allowedMs, d.dueMs + ESCALATE_COUNTY * d.allowedMs];
  for (const m of marks) if (m > nowMs) return Math.ceil(m) + 1;
  return null;
}
