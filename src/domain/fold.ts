/**
 * From events to case state. Contract: the same set of events gives the same states on every replica,
 * whatever order they arrived in, because events are deduplicated by id and replayed sorted by (at, id).
 * An event that does not fit the state it meets is kept in the timeline as superseded (applied: false).
 */
import { compareEvents, type CaseEvent } from './events.ts';
import type { OrgIndex } from './org.ts';
import { step, type CaseState, type TimelineEntry } from './workflow.ts';

export function foldCase(events: readonly CaseEvent[], org: OrgIndex): CaseState | null {
  const seen = new Set<string>();
  const sorted = events.filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true))).sort(compareEvents);
  let state: CaseState | null = null;
  const timeline: TimelineEntry[] = [];
  for (const e of sorted) {
    const r = step(state, e, org);
    if (r.ok) {
      state = r.state;
      timeline.push({ event: e, applied: true });
    } else {
      timeline.push({ event: e, applied: false, reason: r.reason });
    }
  }
  if (!state) return null;
  state.timeline = timeline;
  return state;
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
export function foldAll(events: Iterable<CaseEvent>, org: OrgIndex): Map<string, CaseState> {
  const out = new Map<string, CaseState>();
  for (const [id, list] of groupByCase(events)) {
    const s = foldCase(list, org);
    if (s) out.set(id, s);
  }
  return out;
}
