/**
 * The shapes of the case read model: one row per case (`CaseRow`), the list filter and the work queues.
 * Owned by storage (readmodel.ts writes and queries them); the screens get them through `src/app/services.ts`.
 */
import type { LatLng, Satisfaction } from '../domain/events.ts';
import type { InboxFacts } from '../domain/inboxfacts.ts';
import type { BoardQueue } from '../domain/queues.ts';
import type { HelperStatus, Revisit, Status } from '../domain/workflow.ts';

export interface CaseFilter {
  status?: Status;
  gridId?: string;
  /** A major category code (2 digits) or a subcategory code (4 digits). */
  category?: string;
}

/** One row of the case list (the Dexie read model); issue 13: with the facts the inbox reads (src/domain/inbox.ts). */
export interface CaseRow extends InboxFacts {
  id: string;
  status: Status;
  townId: string;
  gridId: string;
  category: string;
  description: string;
  reportedMs: number;
  updatedMs: number;
  unitId?: string;
  /** True while one of this device's events on the case is not yet acknowledged by the relay. */
  pending?: boolean;
  // issue 4 (all optional: rows written before the upgrade are refolded, but fakes may omit them)
  villageId?: string;
  reporter?: string;
  /** The address the reporter gave (the case list's text search; issue 11). */
  address?: string;
  location?: LatLng;
  planId?: string;
  /** The latest dispatch (the deadline clock's start), its hours and approved extension hours. */
  dispatchedMs?: number;
  dueHours?: number;
  /** Issue 15: a working-day deadline as ms after dispatch (CaseState.dueSpanMs). */
  dueSpanMs?: number;
  extensionHours?: number;
  /** Due time of the running clock (accept clock while `reported`, resolve clock while a unit holds the case). */
  dueMs?: number;
  /** An extension request waits for the center's decision. */
  extensionPending?: boolean;
  /** The case was returned by a unit (the unit that returned it: `returnedUnitId`). */
  returned?: boolean;
  returnedUnitId?: string;
  /** Number of supervision notices (督办). */
  supervisions?: number;
  firstResponseMs?: number;
  unitResponseMs?: number;
  resolvedMs?: number;
  selfResolved?: boolean;
  satisfaction?: Satisfaction;
  /** Events on this case that had no effect (lost a race...). */
  superseded?: number;
  // issue 12 (schema version 4 refolds every row)
  /** The report's first photo's thumbnail hash, and how many photos the report has. */
  thumb?: string;
  photoCount?: number;
  /** The report has a voice note of this many seconds. */
  voiceSeconds?: number;
  /** The latest fix's first photo's thumbnail hash (after). */
  afterThumb?: string;
  // issue 13 (schema version 5 refolds every row)
  /** 代报: the resident it was reported for. */
  onBehalfName?: string;
  /** The note of the reporter's rating (回访). */
  feedbackNote?: string;
  /** The latest 二次回访, without its answer's text (the case detail has it). */
  revisit?: Pick<Revisit, 'status' | 'round' | 'sinceMs' | 'reopened' | 'called' | 'unreached'>;
  // issue 17 (new rows carry it; a case without helpers needs no refold)
  /** The helping units (协办) of the dispatch in force: their state and when they confirmed (the 考核 credits it). */
  helpers?: RowHelper[];
}

/** A helping unit on a case row (src/domain/workflow.ts Helper, without its parts' text). */
export interface RowHelper {
  unitId: string;
  status: HelperStatus;
  parts: number;
  confirmedMs?: number;
}

/** A case row with its location (what `findDuplicates` answers). */
export type DuplicateRow = CaseRow & { location: LatLng };

/**
 * Work queues: the dispatch board's (BOARD_QUEUES in src/domain/queues.ts), the unit's `unit_work` (cases it holds,
 * nearest deadline first) and the grid worker's `to_verify` (resolved cases of their grid, oldest first) and
 * `my_reports` (their reports, newest first), `resident_reports` (residents' own reports in their grid, issue 13), and
 * `unit_assist` (issue 17: the cases a unit helps on and has not yet confirmed or been released from).
 */
export type QueueName = BoardQueue | 'unit_work' | 'unit_assist' | 'to_verify' | 'my_reports' | 'resident_reports';

export interface QueueOptions {
  /** Board queues for a county user: limit to one town. */
  townId?: string;
}
