/**
 * In-memory index of one cases doc: case id -> its events, built by parsing every value of the doc's `events`
 * array once, then kept current from the array's changes; and event id -> the relay's receipt, from the doc's
 * `receipts` array (src/domain/receipts.ts). Values that fail `parseEvent` / `parseReceipt` are skipped and
 * counted (a corrupt or hostile value never reaches the fold, and never crashes the app).
 */
import type * as Y from 'yjs';
import { parseEvent, type CaseEvent } from '../domain/events.ts';
import type { OrgIndex } from '../domain/org.ts';
import { contextFrom, parseReceipt, type ContextOf, type Receipt } from '../domain/receipts.ts';
import { EVENTS_ARRAY, RECEIPTS_ARRAY } from './wire.ts';

export class CaseIndex {
  readonly byCase = new Map<string, CaseEvent[]>();
  /** Event id -> the relay's receipt (the first one for an id counts: the relay writes one). */
  readonly receipts = new Map<string, Receipt>();
  /** Event id -> case id. */
  private readonly caseOfEvent = new Map<string, string>();
  /** Values that failed `parseEvent` or `parseReceipt`. */
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
    if (!this.caseOfEvent.has(e.id)) this.caseOfEvent.set(e.id, e.caseId);
    if (e.at > this.maxAt) this.maxAt = e.at;
    return e;
  }

  /** Add one raw receipt. Returns the case id it concerns when its event is known, else null. */
  addReceipt(raw: unknown): string | null {
    const r = parseReceipt(raw);
    if (!r) {
      this.corrupt++;
      return null;
    }
    if (!this.receipts.has(r.e)) this.receipts.set(r.e, r);
    return this.caseOfEvent.get(r.e) ?? null;
  }

  /** Whether some event has no receipt yet. */
  hasUnreceipted(): boolean {
    for (const list of this.byCase.values()) for (const e of list) if (!this.receipts.has(e.id)) return true;
    return false;
  }

  /** Case ids with an event that has no receipt yet (folded against the device's org doc until it comes). */
  unreceipted(): Set<string> {
    const out = new Set<string>();
    for (const [id, list] of this.byCase) if (list.some((e) => !this.receipts.has(e.id))) out.add(id);
    return out;
  }

  /** How each event is folded: by its receipt, or provisionally against `org`. */
  contextOf(org: OrgIndex): ContextOf {
    return contextFrom(this.receipts, org);
  }

  static build(values: Iterable<unknown>, receipts: Iterable<unknown> = []): CaseIndex {
    const idx = new CaseIndex();
    for (const v of values) idx.add(v);
    for (const r of receipts) idx.addReceipt(r);
    return idx;
  }

  /**
   * The index of a cases doc as it is now: the one way events are pulled out of a doc, on the device and on the
   * relay. With `caseId`, only that case's values are parsed (a request about one case in a doc of thousands).
   */
  static of(doc: Y.Doc, caseId?: string): CaseIndex {
    const values = doc.getArray<unknown>(EVENTS_ARRAY).toArray();
    const receipts = doc.getArray<unknown>(RECEIPTS_ARRAY).toArray();
    if (caseId === undefined) return CaseIndex.build(values, receipts);
    const idx = CaseIndex.build(values.filter((v) => (v as { caseId?: unknown } | null)?.caseId === caseId));
    for (const r of receipts) {
      const id = (r as { e?: unknown } | null)?.e;
      if (typeof id === 'string' && idx.caseOfEvent.has(id)) idx.addReceipt(r);
    }
    return idx;
  }

  /** Every parsed event, case by case. */
  *events(): Iterable<CaseEvent> {
    for (const list of this.byCase.values()) yield* list;
  }
}
