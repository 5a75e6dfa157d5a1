/**
 * In-memory index of one cases doc: case id -> its events, built by parsing every value of the doc's `events`
 * array once, then kept current from the array's changes. Values that fail `parseEvent` are skipped and counted
 * (a corrupt or hostile value never reaches the fold, and never crashes the app).
 */
import type * as Y from 'yjs';
import { parseEvent, type CaseEvent } from '../domain/events.ts';
import { EVENTS_ARRAY } from './wire.ts';

export class CaseIndex {
  readonly byCase = new Map<string, CaseEvent[]>();
  /** Values that failed `parseEvent`. */
  corrupt = 0;
  /** Values that parsed. */
  eventCount = 0;
  /** Largest HLC timestamp seen (for the clock). */
  maxAt = '';

  /** Add one raw value. Returns the parsed event, or null if it is corrupt. */
  add(raw: unknown): CaseEvent | null {
    const r = parseEvent(raw);
    if (!r.ok) {
      this.corrupt++;
      return null;
    }
    const e = r.event;
    // Every parsed value is kept, even a second one under a known id: the fold decides between them the same
    // way on every replica (by content), where keeping the first to arrive would depend on arrival order.
    this.eventCount++;
    const list = this.byCase.get(e.caseId);
    if (list) list.push(e);
    else this.byCase.set(e.caseId, [e]);
    if (e.at > this.maxAt) this.maxAt = e.at;
    return e;
  }

  static build(values: Iterable<unknown>): CaseIndex {
    const idx = new CaseIndex();
    for (const v of values) idx.add(v);
    return idx;
  }

  /**
   * The index of a cases doc as it is now: the one way events are pulled out of a doc, on the device and on the
   * relay. With `caseId`, only that case's values are parsed (a request about one case in a doc of thousands).
   */
  static of(doc: Y.Doc, caseId?: string): CaseIndex {
    const values = doc.getArray<unknown>(EVENTS_ARRAY).toArray();
    return CaseIndex.build(caseId === undefined ? values : values.filter((v) => (v as { caseId?: unknown } | null)?.caseId === caseId));
  }

  /** Every parsed event, case by case. */
  *events(): Iterable<CaseEvent> {
    for (const list of this.byCase.values()) yield* list;
  }
}
