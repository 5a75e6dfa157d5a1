/**
 * Work queues, derived from case states (and `now` for overdue): the town center's dispatch board, the unit's
 * workspace and the grid worker's tasks. Pure, so the app can evaluate them on read-model rows offline.
 */
import { reportChannel, type ReportChannel } from './channels.ts';
import { deadlineOf, type DeadlineInput } from './deadlines.ts';
import { UNIT_STATUSES, type Status } from './statuses.ts';
import { helpersPending } from './assisting.ts';
import type { CaseState } from './workflow.ts';

/**
 * The dispatch board's queues, in board order (its number keys 1-8 follow it: a new queue goes last so the keys a
 * center already knows stay put).
 */
export const BOARD_QUEUES = ['new', 'to_dispatch', 'returned', 'extension', 'overdue', 'awaiting_verification', 'revisit', 'awaiting_assist'] as const;
export type BoardQueue = (typeof BOARD_QUEUES)[number];

export type QueueInput = DeadlineInput & {
  extensionPending?: boolean;
  extension?: CaseState['extension'];
  /** A case state's or a read-model row's 二次回访 (issue 13). */
  revisit?: Pick<NonNullable<CaseState['revisit']>, 'status'>;
  /** Issue 17: a case state's or a read-model row's helping units (协办) of the dispatch in force. */
  helpers?: ReadonlyArray<{ unitId: string; status: string }> | undefined;
};

const extensionPending = (c: QueueInput) => c.extensionPending ?? c.extension?.status === 'pending';
/** 二次回访 (issue 13): a 不满意 rating not yet answered by a reopen or a follow-up call (src/domain/workflow.ts). */
const revisitPending = (c: QueueInput) => c.revisit?.status === 'pending';
/**
 * 等待协办 (issue 17): the lead unit holds the case (signed for it, working on it, or asked to resolve it: a resolve is
 * refused with `helpers_pending` while this holds) and a helping unit has neither confirmed its part nor been
 * released. The center chases the helper or releases it (`assist_released` has the same `from`). The one copy of
 * the rule: the board's queue, its index tag and the inbox read it here.
 */
export function awaitingAssist(c: Pick<QueueInput, 'status' | 'helpers'>): boolean {
  return UNIT_STATUSES.includes(c.status) && helpersPending(c);
}
/** The helping units a case is waiting for (in dispatch order): those neither confirmed nor released. */
export function pendingHelpers(c: Pick<QueueInput, 'helpers'>): string[] {
  return (c.helpers ?? []).filter((h) => helpersPending({ helpers: [h] })).map((h) => h.unitId);
}

/**
 * How a case is found in each board queue, in a form an index can hold without reading the clock when a row is
 * written: by its status, by a tag the case carries, or by its running deadline being below now. The one copy of
 * queue membership: `boardQueuesOf` evaluates it on a case, the read model (src/storage/readmodel.ts) turns each
 * key into an index range.
 */
export type QueueKey = { status: Status } | { tag: QueueTag } | { dueBefore: 'now' };
export type QueueTag = 'extension_pending' | 'revisit_pending' | 'assist_pending';

export const BOARD_QUEUE_KEYS: { readonly [Q in BoardQueue]: QueueKey } = {
  new: { status: 'reported' },
  to_dispatch: { status: 'accepted' },
  returned: { status: 'returned' },
  extension: { tag: 'extension_pending' },
  overdue: { dueBefore: 'now' },
  awaiting_verification: { status: 'resolved' },
  revisit: { tag: 'revisit_pending' },
  awaiting_assist: { tag: 'assist_pending' },
};

/** The tags a case carries for the queue index. */
export function queueTags(c: QueueInput): QueueTag[] {
  const tags: QueueTag[] = [];
  if (extensionPending(c)) tags.push('extension_pending');
  if (revisitPending(c)) tags.push('revisit_pending');
  if (awaitingAssist(c)) tags.push('assist_pending');
  return tags;
}

/** The deadline that runs now (the case is overdue once the clock passes it), or undefined when none runs. */
export function runningDueMs(c: DeadlineInput): number | undefined {
  // The due time does not depend on the moment it is asked; a stopped clock (resolved, closed) never runs out.
  const d = deadlineOf(c, c.reportedMs);
  return d && d.stoppedMs === undefined ? d.dueMs : undefined;
}

/** Whether a case is in a queue at `nowMs`, by the queue's key. */
export function inQueue(key: QueueKey, c: QueueInput, nowMs: number): boolean {
  if ('status' in key) return c.status === key.status;
  if ('tag' in key) return queueTags(c).includes(key.tag);
  const due = runningDueMs(c);
  return due !== undefined && due < nowMs;
}

/** The board queues a case is in at `nowMs` (one case may be in two: returned and overdue never, extension and overdue yes). */
export function boardQueuesOf(c: QueueInput, nowMs: number): BoardQueue[] {
  return BOARD_QUEUES.filter((q) => inQueue(BOARD_QUEUE_KEYS[q], c, nowMs));
}

/**
 * Issue 17: the tag of a case a helping unit (协办) has its part to do on: named by the dispatch in force, neither
 * confirmed nor released. The unit's `unit_assist` queue reads it through the read model's `tags` index.
 */
export function assistTag(unitId: string): string {
  return `assist:${unitId}`;
}
export function assistTags(c: { helpers?: ReadonlyArray<{ unitId: string; status: string }> | undefined }): string[] {
  return (c.helpers ?? []).filter((h) => h.status === 'assisting').map((h) => assistTag(h.unitId));
}

/** Statuses in which a unit has something to do on a case it holds. */
export const UNIT_WORK_STATUSES = UNIT_STATUSES;
/** Statuses in which a grid worker has something to do on a case of their grid (verify a fix). */
export const WORKER_TASK_STATUSES = ['resolved', 'verified'] as const;

/** The channels of a resident's own report: their app, or an Open311 client (issue 13). */
export const RESIDENT_CHANNELS: readonly ReportChannel[] = ['resident_app', 'open311'];

/**
 * Whether a case is a resident's own report (the grid worker's 居民上报 list): by the read-model row's channel, or a
 * case state's report (src/domain/citizens.ts reportChannel). A report made on a resident's behalf (代报) is not.
 */
export function isResidentReport(c: { reportChannel?: ReportChannel } & Parameters<typeof reportChannel>[0]): boolean {
  return RESIDENT_CHANNELS.includes(c.reportChannel ?? reportChannel(c));
}
