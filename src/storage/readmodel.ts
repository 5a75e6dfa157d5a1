/**
 * The case list read model: one Dexie row per case in the user's scope, derived from the docs by the sync engine.
 *
 * Contract: rows are only written here, in batches (one transaction per batch, never one per row), together with
 * the doc's marker, so a marker always describes the rows next to it. Lists read through indexes, newest first
 * (`reportedMs` descending, ties by id descending); no query walks the whole table.
 */
import type { Collection } from 'dexie';
import type { CaseFilter, CaseRow } from '../app/services.ts';
import { STATUSES, type CaseState } from '../domain/workflow.ts';
import { META, type CaseRecord, type ReadModelMarker, type UserDb } from './schema.ts';

export function toRecord(state: CaseState, doc: string, pending: boolean): CaseRecord {
  const r: CaseRecord = {
    id: state.id,
    doc,
    status: state.status,
    townId: state.townId,
    gridId: state.gridId,
    category: state.category,
    major: state.category.slice(0, 2),
    description: state.description,
    reportedMs: state.reportedMs,
    updatedMs: Number(state.updatedAt.slice(0, 13)),
    pending,
  };
  if (state.villageId) r.villageId = state.villageId;
  if (state.unitId) r.unitId = state.unitId;
  return r;
}

export function toRow(r: CaseRecord): CaseRow {
  const row: CaseRow = {
    id: r.id,
    status: r.status,
    townId: r.townId,
    gridId: r.gridId,
    category: r.category,
    description: r.description,
    reportedMs: r.reportedMs,
    updatedMs: r.updatedMs,
  };
  if (r.unitId) row.unitId = r.unitId;
  if (r.pending) row.pending = true;
  return row;
}

const STATUS_SET = new Set<string>(STATUSES);

/** A row read back from IndexedDB is checked before it reaches a screen (storage is an edge too). */
export function isCaseRecord(r: unknown): r is CaseRecord {
  const x = r as Partial<CaseRecord> | null;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof x.id === 'string' &&
    typeof x.status === 'string' &&
    STATUS_SET.has(x.status) &&
    typeof x.townId === 'string' &&
    typeof x.gridId === 'string' &&
    typeof x.category === 'string' &&
    typeof x.description === 'string' &&
    typeof x.reportedMs === 'number' &&
    typeof x.updatedMs === 'number'
  );
}

export interface RowChanges {
  put: CaseRecord[];
  del: string[];
}

export class ReadModel {
  /** Rows read back that failed `isCaseRecord` (skipped, never shown). */
  corruptRows = 0;

  constructor(readonly db: UserDb) {}

  async marker(doc: string): Promise<ReadModelMarker | null> {
    const r = await this.db.meta.get(META.marker(doc));
    const m = r?.value as ReadModelMarker | undefined;
    return m && typeof m.doc === 'string' && typeof m.org === 'string' && typeof m.acked === 'string' ? m : null;
  }

  /** Replace every row of a doc (a full refold), with its marker, in one transaction. */
  async replaceDoc(doc: string, rows: CaseRecord[], marker: ReadModelMarker): Promise<void> {
    await this.db.transaction('rw', this.db.cases, this.db.meta, async () => {
      const keep = new Set(rows.map((r) => r.id));
      const old = await this.db.cases.where('doc').equals(doc).primaryKeys();
      const gone = old.filter((id) => !keep.has(id));
      if (gone.length) await this.db.cases.bulkDelete(gone);
      await this.db.cases.bulkPut(rows);
      await this.db.meta.put({ key: META.marker(doc), value: marker });
    });
  }

  /** Apply the rows of the cases a change touched, with the doc's new marker, in one transaction. */
  async apply(doc: string, changes: RowChanges, marker: ReadModelMarker | null): Promise<void> {
    if (!changes.put.length && !changes.del.length && !marker) return;
    await this.db.transaction('rw', this.db.cases, this.db.meta, async () => {
      if (changes.del.length) await this.db.cases.bulkDelete(changes.del);
      if (changes.put.length) await this.db.cases.bulkPut(changes.put);
      if (marker) await this.db.meta.put({ key: META.marker(doc), value: marker });
    });
  }

  /** Set `pending` on the given rows (those that exist), and optionally a doc's marker. */
  async setPending(doc: string, changes: Map<string, boolean>, marker: ReadModelMarker | null): Promise<void> {
    if (!changes.size && !marker) return;
    await this.db.transaction('rw', this.db.cases, this.db.meta, async () => {
      if (changes.size) {
        await this.db.cases.bulkUpdate([...changes].map(([key, pending]) => ({ key, changes: { pending } })));
      }
      if (marker) await this.db.meta.put({ key: META.marker(doc), value: marker });
    });
  }

  async dropDoc(doc: string): Promise<void> {
    await this.db.transaction('rw', this.db.cases, this.db.meta, async () => {
      await this.db.cases.where('doc').equals(doc).delete();
      await this.db.meta.delete(META.marker(doc));
    });
  }

  async query(filter: CaseFilter, offset: number, limit: number): Promise<CaseRow[]> {
    if (limit <= 0) return [];
    const records = await select(this.db, filter)
      .offset(Math.max(0, Math.floor(offset)))
      .limit(Math.floor(limit))
      .toArray();
    const out: CaseRow[] = [];
    for (const r of records) {
      if (isCaseRecord(r)) out.push(toRow(r));
      else this.corruptRows++;
    }
    return out;
  }

  async count(filter: CaseFilter): Promise<number> {
    return select(this.db, filter).count();
  }
}

/**
 * The index that serves a filter, newest first. Every combination uses an index range; only grid + category
 * without a status adds a test on the grid's range (one grid holds few cases).
 */
export function select(db: UserDb, filter: CaseFilter): Collection<CaseRecord, string> {
  const status = filter.status;
  const grid = filter.gridId || undefined;
  const cat = filter.category || undefined;
  const catField = cat === undefined ? undefined : cat.length <= 2 ? 'major' : 'category';
  const range = (index: string, ...prefix: string[]) =>
    db.cases
      .where(index)
      .between([...prefix, -Infinity], [...prefix, Infinity], true, true)
      .reverse();

  if (status !== undefined && grid !== undefined) {
    const c = range('[status+gridId+reportedMs]', status, grid);
    return cat === undefined ? c : c.and((r) => r[catField!] === cat);
  }
  if (status !== undefined && cat !== undefined) return range(`[status+${catField}+reportedMs]`, status, cat);
  if (status !== undefined) return range('[status+reportedMs]', status);
  if (grid !== undefined) {
    const c = range('[gridId+reportedMs]', grid);
    return cat === undefined ? c : c.and((r) => r[catField!] === cat);
  }
  if (cat !== undefined) return range(`[${catField}+reportedMs]`, cat);
  return db.cases.orderBy('reportedMs').reverse();
}
