/**
 * The rows the command hall holds: every case of the read model reported since `windowStart` (the CST year or the
 * last 30 days, the earlier) plus every open case, kept current from the read model's writes.
 *
 * Contract: read once through `session.caseRowsBetween` (the `reportedMs` index) and the open-status queries, then
 * follow `session.onCaseRows` (each write's rows and removed ids, no table re-read, no fold); a refold (`null`)
 * reads again. Writes that land while a read is under way are kept and applied after it, so none is lost. Without
 * those two methods (test fakes) it re-reads through `queryCases` whenever `casesVersion` moves.
 * `version` moves after every change of `rows`.
 */
import { effect, signal } from '@preact/signals';
import type { CaseRow, Session } from '../../app/services.ts';
import { openCases } from '../map/counts.ts';
import { isOpen, windowStart } from './compute.ts';

type Change = { put: CaseRow[]; del: string[] };

export class HallRows {
  readonly rows = new Map<string, CaseRow>();
  readonly version = signal(0);
  /** False until the first read has finished. */
  readonly loaded = signal(false);
  private fromMs = 0;
  private seq = 0;
  /** Changes received while a read runs (applied after it). */
  private queued: Change[] | null = null;
  private stops: Array<() => void> = [];

  constructor(private readonly session: Session) {}

  start(): void {
    const s = this.session;
    if (s.onCaseRows && s.caseRowsBetween) {
      this.stops.push(s.onCaseRows((c) => (c ? this.change(c) : void this.read())));
      void this.read();
    } else {
      this.stops.push(
        effect(() => {
          void s.casesVersion.value;
          void this.read();
        }),
      );
    }
  }

  stop(): void {
    for (const f of this.stops) f();
    this.stops = [];
    this.seq++;
  }

  private async read(): Promise<void> {
    const seq = ++this.seq;
    const s = this.session;
    this.queued ??= [];
    const fromMs = windowStart(s.now());
    const [win, open] = await Promise.all([
      s.caseRowsBetween ? s.caseRowsBetween(fromMs, Number.MAX_SAFE_INTEGER) : s.queryCases({}, 0, Number.MAX_SAFE_INTEGER).then((rs) => rs.filter((r) => r.reportedMs >= fromMs)),
      openCases(s),
    ]);
    if (seq !== this.seq) return;
    this.fromMs = fromMs;
    this.rows.clear();
    for (const r of win) this.rows.set(r.id, r);
    for (const r of open) this.rows.set(r.id, r);
    const queued = this.queued;
    this.queued = null;
    for (const c of queued) this.apply(c);
    this.loaded.value = true;
    this.version.value++;
  }

  private change(c: Change): void {
    if (this.queued) {
      this.queued.push(c);
      return;
    }
    this.apply(c);
    this.version.value++;
  }

  private apply(c: Change): void {
    for (const r of c.put) {
      if (r.reportedMs >= this.fromMs || isOpen(r)) this.rows.set(r.id, r);
      else this.rows.delete(r.id);
    }
    for (const id of c.del) this.rows.delete(id);
  }
}
