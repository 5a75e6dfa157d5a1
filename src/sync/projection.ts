/**
 * The read-model projection of the cases docs: the Dexie rows are a view of each doc's index, written only here,
 * in batches (one transaction each, in one write queue), each with the doc's marker (doc and acknowledged state
 * vectors, and the org doc's state while some event of the doc has no receipt yet), so a marker always describes
 * the rows next to it. A change to a doc is written after a short debounce (`scheduleFlush`), or at once when a
 * command waits for it (`flushNow`); a rebuilt index refolds the whole doc (`refoldAll`). Receipted events are
 * folded by their receipts (src/domain/receipts.ts), so a change of reference data refolds only the cases that
 * still hold an event without one (`refoldUnreceipted`). The docs themselves are hosted by SyncEngine.
 */
import { toBase64 } from 'lib0/buffer';
import * as Y from 'yjs';
import { foldCase } from '../domain/fold.ts';
import type { OrgIndex, UserInfo } from '../domain/org.ts';
import { seesCase, type CaseState } from '../domain/workflow.ts';
import { CaseIndex } from '../protocol/caseindex.ts';
import { toRecord, type ReadModel, type RowChanges } from '../storage/readmodel.ts';
import type { ReadModelMarker } from '../storage/schema.ts';
import { yieldToMain } from './persist.ts';

/** Cases folded per task when many rows are written at once (a refold, a first sync). */
const FOLD_STEP = 200;

/** What the projection reads and keeps of a hosted doc. */
export interface ProjectedDoc {
  readonly name: string;
  readonly kind: 'org' | 'cases';
  readonly doc: Y.Doc;
  readonly ledger: { readonly acked: Uint8Array | null };
  index: CaseIndex;
  /** Case ids with own unacknowledged events. */
  pending: Set<string>;
  /** Case ids changed since the last write. */
  touched: Set<string>;
  /** A delete arrived: rebuild the index from the doc before the next write. */
  rebuild: boolean;
  flushTimer: ReturnType<typeof setTimeout> | null;
  marker: ReadModelMarker | null;
  /** Recovery in progress: no read-model writes. */
  suspended: boolean;
}

/** What the engine gives the projection. */
export interface ProjectionHost<S extends ProjectedDoc> {
  readonly user: UserInfo;
  readonly readModel: ReadModel;
  /** Debounce of writes after doc changes (ms). */
  readonly flushMs: number;
  stopped(): boolean;
  orgIndex(): OrgIndex;
  /** The org doc's state (part of the marker of a doc with unreceipted events: their folds depend on it). */
  orgKey(): string;
  /** Recount own unacknowledged events of a doc; returns the case ids whose pending flag changed. */
  recomputeUnsaved(slot: S): Set<string>;
  /**
   * Rows were written: a flush passes what it wrote (issue 15: the command hall keeps its rows current from these,
   * without re-reading the table); a refold passes nothing (anything may have changed).
   */
  written(changes?: RowChanges): void;
  /** After a flush's rows were written (the engine compacts a doc whose stored updates grew). */
  flushed(slot: S): void;
}

export class ReadModelProjection<S extends ProjectedDoc> {
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly host: ProjectionHost<S>) {}

  /** Resolves when every write queued so far has run. */
  idle(): Promise<void> {
    return this.queue;
  }

  enqueue(f: () => Promise<void>): Promise<void> {
    const p = this.queue.then(f);
    this.queue = p.catch((e: unknown) => console.error('gridlink read model write failed', e));
    return p;
  }

  makeMarker(slot: S): ReadModelMarker {
    return {
      doc: toBase64(Y.encodeStateVector(slot.doc)),
      org: slot.index.hasUnreceipted() ? this.host.orgKey() : '',
      acked: slot.ledger.acked ? toBase64(slot.ledger.acked) : '',
    };
  }

  private record(slot: S, caseId: string, org: OrgIndex): CaseState | null {
    const events = slot.index.eventsOf(caseId);
    if (!events) return null;
    const s = foldCase(events, slot.index.contextOf(org));
    return s && seesCase(this.host.user, s, org) ? s : null;
  }

  /** Fold every case of a doc and replace its rows (one transaction). Runs in the write queue. */
  async refoldAll(slot: S): Promise<void> {
    if (this.host.stopped() || slot.suspended) return;
    this.clearFlushTimer(slot);
    if (slot.rebuild) this.rebuildIndex(slot);
    slot.touched.clear();
    this.host.recomputeUnsaved(slot);
    const org = this.host.orgIndex();
    // The marker of the state folded here: changes arriving during the steps below are in `touched` for the
    // next flush, and must not be covered by this marker.
    const marker = this.makeMarker(slot);
    const rows = [];
    let n = 0;
    for (const id of slot.index.caseIds()) {
      // A 2,000-case doc folds in steps, the main thread yielded between them.
      if (++n % FOLD_STEP === 0) {
        await yieldToMain();
        if (this.host.stopped() || slot.suspended) return;
      }
      const s = this.record(slot, id, org);
      if (s) rows.push(toRecord(s, slot.name, slot.pending.has(id)));
    }
    await this.host.readModel.replaceDoc(slot.name, rows, marker);
    slot.marker = marker;
    this.host.written();
  }

  private rebuildIndex(slot: S): void {
    slot.rebuild = false;
    slot.index = CaseIndex.of(slot.doc).keepStarter(slot.index);
  }

  /**
   * After a change of reference data: refold the cases still folded against it (events without a receipt). Runs
   * in the write queue, like `refoldAll`.
   */
  async refoldUnreceipted(slot: S): Promise<void> {
    if (slot.kind !== 'cases') return;
    const ids = slot.index.unreceipted();
    if (ids.size === 0 && (!slot.marker || slot.marker.org === this.makeMarker(slot).org)) return;
    for (const id of ids) slot.touched.add(id);
    this.clearFlushTimer(slot);
    await this.flush(slot);
  }

  scheduleFlush(slot: S): void {
    if (slot.flushTimer || this.host.stopped()) return;
    slot.flushTimer = setTimeout(() => {
      slot.flushTimer = null;
      void this.enqueue(() => this.flush(slot));
    }, this.host.flushMs);
  }

  clearFlushTimer(slot: S): void {
    if (slot.flushTimer) clearTimeout(slot.flushTimer);
    slot.flushTimer = null;
  }

  /** Write the rows of the touched cases and of cases whose pending flag changed. */
  flushNow(slot: S): Promise<void> {
    this.clearFlushTimer(slot);
    return this.enqueue(() => this.flush(slot));
  }

  private async flush(slot: S): Promise<void> {
    if (this.host.stopped() || slot.suspended || slot.kind !== 'cases') return;
    if (slot.rebuild) return this.refoldAll(slot);
    const changedPending = this.host.recomputeUnsaved(slot);
    const ids = new Set([...slot.touched, ...changedPending]);
    slot.touched.clear();
    const org = this.host.orgIndex();
    const changes: RowChanges = { put: [], del: [] };
    const marker = this.makeMarker(slot);
    let n = 0;
    for (const id of ids) {
      if (++n % FOLD_STEP === 0) {
        await yieldToMain();
        if (this.host.stopped() || slot.suspended) return;
      }
      const s = this.record(slot, id, org);
      if (s) changes.put.push(toRecord(s, slot.name, slot.pending.has(id)));
      else changes.del.push(id);
    }
    await this.host.readModel.apply(slot.name, changes, marker);
    slot.marker = marker;
    this.host.written(changes);
    this.host.flushed(slot);
  }
}

export function sameMarker(a: ReadModelMarker, b: ReadModelMarker): boolean {
  return a.doc === b.doc && a.org === b.org && a.acked === b.acked;
}
