/**
 * From events to case state. Contract: the same set of events gives the same states on every replica,
 * whatever order they arrived in, because events are deduplicated by id and replayed sorted by (at, id).
 * An event that does not fit the state it meets is kept in the timeline as superseded (applied: false), and
 * listed in `state.superseded` with who, when, why and the event that won (the screens tell the people concerned).
 * Each event is judged by its own context (src/domain/receipts.ts): the reference data and times its receipt
 * recorded, so later changes to the org doc never change a folded past. Given a bare OrgIndex instead, every
 * event is judged provisionally against it at its author's time (a device's own unacknowledged events; tests).
 */
import { compareEvents, type CaseEvent } from './events.ts';
import type { OrgIndex } from './org.ts';
import { hlcMs } from './hlc.ts';
import { provisionalContext, type ContextOf } from './receipts.ts';
import { step, type CaseState, type SupersededEntry, type TimelineEntry } from './workflow.ts';

export function foldCase(events: readonly CaseEvent[], context: ContextOf | OrgIndex): CaseState | null {
  const contextOf: ContextOf = typeof context === 'function' ? context : (e) => provisionalContext(e, context);
  // Sort first, then keep the first event of each id: two different events under one id (a faulty or forged
  // peer) then resolve the same way on every replica, instead of by arrival order.
  const seen = new Set<string>();
  const sorted = [...events].sort(totalOrder).filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)));
  // A case has one report: the first the relay received (receipt time), not the earliest stamp, so a report filed
  // later under the same case id with an earlier stamp never replaces it. (The relay refuses such a report now;
  // stores from before may hold one.)
  const reports = sorted.filter((e) => e.type === 'reported');
  const report = reports.length > 1 ? reports.reduce((a, b) => (contextOf(b).rx < contextOf(a).rx ? b : a)) : reports[0];
  let state: CaseState | null = null;
  const timeline: TimelineEntry[] = [];
  const superseded: SupersededEntry[] = [];
  // The last applied event that changed the status: what a losing event of a race ran into.
  let decisive: CaseEvent | null = null;
  // Issue 17: per helping unit, the last applied event that changed its state (a confirmation racing a release
  // loses to it, not to the dispatch).
  const helperDecisive = new Map<string, CaseEvent>();
  for (const e of sorted) {
    const before = state?.status;
    const ctx = contextOf(e);
    const r: ReturnType<typeof step> = e.type === 'reported' && e !== report ? { ok: false, reason: 'duplicate_case' } : step(state, e, ctx.org, ctx);
    if (r.ok) {
      const helpersBefore = state?.helpers;
      state = r.state;
      timeline.push({ event: e, applied: true });
      if (state.status !== before) decisive = e;
      if (state.helpers !== helpersBefore) for (const h of state.helpers ?? []) if (!helpersBefore?.includes(h)) helperDecisive.set(h.unitId, e);
    } else {
      timeline.push({ event: e, applied: false, reason: r.reason });
      const entry: SupersededEntry = { eventId: e.id, type: e.type, actor: e.actor, at: e.at, ms: hlcMs(e.at), reason: r.reason };
      const won = r.reason === 'helper_done' ? helperDecisive.get(helperTarget(e, ctx.org)) : decisive;
      if (won) entry.winner = { eventId: won.id, type: won.type, actor: won.actor, at: won.at };
      superseded.push(entry);
    }
  }
  if (!state) return null;
  state.timeline = timeline;
  state.superseded = superseded;
  return state;
}

/** The helping unit a helper event concerns: the one a release names, else its author's unit. */
function helperTarget(e: CaseEvent, org: OrgIndex): string {
  return e.type === 'assist_released' ? e.data.unitId : (org.user(e.actor)?.unitId ?? '');
}

/** (at, id), then the whole content, so the order is total even between different events sharing an id. */
function totalOrder(a: CaseEvent, b: CaseEvent): number {
  const c = compareEvents(a, b);
  if (c !== 0 || a === b) return c;
  const ja = JSON.stringify(a);
  const jb = JSON.stringify(b);
  return ja < jb ? -1 : ja > jb ? 1 : 0;
}

/** Group events by case id, keeping arrival order inside each group. */
export function groupByCase(events: Iterable<CaseEvent>): Map<string, CaseEvent[]> {
  const out = new Map<string, CaseEvent[]>();
  for (const e of events) {
    const list = out.get(e.caseId);
    if (list) list.push(e);
    else out.set(e.caseId, [e]);
  }
  return out;
}

/** Fold every case in a set of events. Cases with no valid report are left out. */
export function foldAll(events: Iterable<CaseEvent>, context: ContextOf | OrgIndex): Map<string, CaseState> {
  const out = new Map<string, CaseState>();
  for (const [id, list] of groupByCase(events)) {
    const s = foldCase(list, context);
    if (s) out.set(id, s);
  }
  return out;
}
