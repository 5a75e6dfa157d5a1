/**
 * Issue 17: whether a case waits for a helping unit (协办). A module of its own, free of imports, so the queues
 * (src/domain/queues.ts, read by the initial chunk's read model) share the rule with the workflow without pulling
 * the workflow and its schemas into the initial chunk. src/domain/workflow.ts re-exports it.
 */

/** Whether a helper of the current dispatch is neither confirmed nor released (the lead may not resolve yet). */
export function helpersPending(s: { helpers?: ReadonlyArray<{ status: string }> | undefined }): boolean {
  return s.helpers?.some((h) => h.status === 'assisting') ?? false;
}
