/**
 * The case statuses and who may report a case: the part of the lifecycle (workflow.ts) that the first screen's code
 * needs (the read model's queries, the shell's navigation), in a module of its own so that the rest of workflow.ts
 * (the transitions, `step`) stays out of the first screen's bundle. workflow.ts re-exports all of it.
 */
import type { Role } from './org.ts';

export const STATUSES = [
  'reported',
  'accepted',
  'rejected',
  'dispatched',
  'resolved',
  'verified',
  'closed',
  'acknowledged',
  'in_progress',
  'returned',
  'verification_failed',
  'withdrawn',
  'merged',
] as const;
export type Status = (typeof STATUSES)[number];

/** Statuses in which a case is finished: nothing further is expected of anyone (feedback and reopen aside). */
export const FINAL_STATUSES: readonly Status[] = ['rejected', 'closed', 'withdrawn', 'merged'];
/** Statuses in which a case is still open (the complement of FINAL_STATUSES). */
export const OPEN_STATUSES: readonly Status[] = /*#__PURE__*/ STATUSES.filter((s) => !FINAL_STATUSES.includes(s));
/** Statuses in which a unit holds the case and its deadline runs. */
export const UNIT_STATUSES: readonly Status[] = ['dispatched', 'acknowledged', 'in_progress', 'verification_failed'];

/** The roles that may report a case (`reported`'s roles in workflow.ts). */
// 'member': a party member turns an issue raised at a contact-household visit into a case (party.ts).
export const REPORTERS: readonly Role[] = ['worker', 'town', 'county', 'admin', 'secretary', 'resident', 'member'];
