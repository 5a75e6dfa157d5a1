/**
 * Work queues, derived from case states (and `now` for overdue): the town center's dispatch board, the unit's
 * workspace and the grid worker's tasks. Pure, so the app can evaluate them on read-model rows offline.
 */
import { isOverdue, type DeadlineInput } from './deadlines.ts';
import { UNIT_STATUSES, type CaseState } from './workflow.ts';

/** The dispatch board's queues, in board order. */
export const BOARD_QUEUES = ['new', 'to_dispatch', 'returned', 'extension', 'overdue', 'awaiting_verification'] as const;
export type BoardQueue = (typeof BOARD_QUEUES)[number];

export type QueueInput = DeadlineInput & { extensionPending?: boolean; extension?: CaseState['extension'] };

const extensionPending = (c: QueueInput) => c.extensionPending ?? c.extension?.status === 'pending';

/** The board queues a case is in at `nowMs` (one case may be in two: returned and overdue never, extension and overdue yes). */
export function boardQueuesOf(c: QueueInput, nowMs: number): BoardQueue[] {
  const out: BoardQueue[] = [];
  if (c.status === 'reported') out.push('new');
  if (c.status === 'accepted') out.push('to_dispatch');
  if (c.status === 'returned') out.push('returned');
  if (extensionPending(c)) out.push('extension');
  if (isOverdue(c, nowMs)) out.push('overdue');
  if (c.status === 'resolved') out.push('awaiting_verification');
  return out;
}

/** Statuses in which a unit has something to do on a case it holds. */
export const UNIT_WORK_STATUSES = UNIT_STATUSES;
/** Statuses in which a grid worker has something to do on a case of their grid (verify a fix). */
export const WORKER_TASK_STATUSES = ['resolved', 'verified'] as const;
