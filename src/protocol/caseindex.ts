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
  /**
   * Issue 16: a first sign-in's head start (src/domain/starter.ts), case id -> its events as the relay sent them,
   * until the doc has synced. Not counted in `eventCount`, never in `byCase`: `eventsOf` adds them.
   */
  private starter: Map<string, CaseEvent[]> | null = null;
  private starterRaw: { values: readonly unknown[]; receipts: readonly unknown[] } | null = null;

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

  /** Whether an event with this id was added (or came in the head start). */
  hasEvent(id: string): boolean {
    return this.caseOfEvent.has(id);
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

  /**
   * Issue 16: the head start's values for this doc (src/domain/starter.ts): parsed like the doc's own (corrupt ones
   * skipped and counted); their receipts join `receipts` (the relay writes one per event: the doc's are the same).
   * Returns the case ids it holds. `null` drops it (the doc has synced: it holds all of them now).
   */
  setStarter(values: readonly unknown[] | null, receipts: readonly unknown[] = []): string[] {
    if (values === null) {
      const ids = [...(this.starter?.keys() ?? [])];
      this.starter = null;
      this.starterRaw = null;
      return ids;
    }
    const m = new Map<string, CaseEvent[]>();
    for (const v of values) {
      const r = parseEvent(v);
      if (!r.ok) {
        this.corrupt++;
        continue;
      }
      const list = m.get(r.event.caseId);
      if (list) list.push(r.event);
      else m.set(r.event.caseId, [r.event]);
      if (!this.caseOfEvent.has(r.event.id)) this.caseOfEvent.set(r.event.id, r.event.caseId);
      if (r.event.at > this.maxAt) this.maxAt = r.event.at;
    }
    this.starter = m;
    this.starterRaw = { values, receipts };
    for (const r of receipts) this.addReceipt(r);
    return [...m.keys()];
  }

  /** Carry the head start of `from` over (an index rebuilt from its doc while the doc has not synced yet). */
  keepStarter(from: CaseIndex): this {
    if (from.starterRaw) this.setStarter(from.starterRaw.values, from.starterRaw.receipts);
    return this;
  }

  /** Whether a head start is in use. */
  get hasStarter(): boolean {
    return this.starter !== null;
  }

  /**
   * A case's events: the doc's, plus (during a first sync) the head start's that the doc does not hold yet, by id.
   * Once the doc holds every event of the case, this is exactly `byCase.get(caseId)`.
   */
  eventsOf(caseId: string): CaseEvent[] | undefined {
    const own = this.byCase.get(caseId);
    const early = this.starter?.get(caseId);
    if (!early) return own;
    if (!own) return early;
    const ids = new Set(own.map((e) => e.id));
    const missing = early.filter((e) => !ids.has(e.id));
    return missing.length ? [...own, ...missing] : own;
  }

  /** The ids of the cases `eventsOf` knows: the doc's and the head start's. */
  caseIds(): string[] {
    const ids = [...this.byCase.keys()];
    if (this.starter) for (const id of this.starter.keys()) if (!this.byCase.has(id)) ids.push(id);
    return ids;
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
