/**
 * Error codes of the core. The core never builds messages: the edges (HTTP, UI) turn a code into words.
 * Codes are stable strings: HTTP answers carry them as `{"error":"<code>"}`, the UI translates them.
 */
export type ErrorCode =
  | 'bad_request'
  | 'bad_credentials'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'invalid_event'
  | 'unknown_case'
  | 'unknown_actor'
  | 'role_not_allowed'
  | 'out_of_scope'
  | 'state_not_allowed'
  | 'missing_field'
  | 'unknown_unit'
  | 'unknown_category'
  | 'unknown_grid'
  | 'duplicate_case'
  // issue 4: workflow refusals
  | 'unknown_plan'
  | 'unknown_step'
  | 'not_reporter'
  | 'feedback_given'
  | 'extension_pending'
  | 'no_extension_pending'
  | 'merge_into_self'
  // a full resident ID number in a case's text (the relay refuses it: src/domain/idguard.ts)
  | 'full_id_number'
  // issue 12: the case's plan asks for a photo of the fix, and the resolve carries none
  | 'photo_required'
  // issue 13: a report's attribute its subcategory does not define, or a value not valid for it (servicefields.ts)
  | 'bad_attribute'
  // issue 13: a follow-up call (二次回访) on a case no 不满意 rating waits on
  | 'no_revisit_pending'
  // issue 17 (主办 / 协办): a helper's event answers a dispatch no longer in force; a unit that is not a helper of the
  // dispatch (or the lead named as its own helper); a helper that already confirmed or was released; a confirmation
  // with no part recorded; the lead resolving while a helper is neither confirmed nor released
  | 'stale_dispatch'
  | 'not_helper'
  | 'helper_done'
  | 'no_part_recorded'
  | 'helpers_pending';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
  ) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = 'DomainError';
  }
}

/** A result that is either a value or an error code; the core returns these instead of throwing. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorCode; detail?: string };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = <T = never>(error: ErrorCode, detail?: string): Result<T> =>
  detail === undefined ? { ok: false, error } : { ok: false, error, detail };
