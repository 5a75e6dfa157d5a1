/**
 * The case list read model: one Dexie row per case in the user's scope, derived from the docs by the sync engine.
 *
 * Contract: rows are only written here, in batches (one transaction per batch, never one per row), together with
 * the doc's marker, so a marker always describes the rows next to it. Lists read through indexes, newest first
 * (`reportedMs` descending, ties by id descending); no query walks the whole table.
 */
import type { Collection } from 'dexie';
import type { LatLng } from '../domain/events.ts';
import type { UserInfo } from '../domain/org.ts';
import { inboxFacts, type InboxFacts } from '../domain/inboxfacts.ts';
import { assistTag, assistTags, BOARD_QUEUE_KEYS, isResidentReport, queueTags, runningDueMs } from '../domain/queues.ts';
import { STATUSES, type Status } from '../domain/statuses.ts';
import type { CaseState } from '../domain/workflow.ts';
import type { CaseFilter, CaseRow, QueueName, QueueOptions } from './rows.ts';
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
  // version 2 (issue 4)
  r.reporter = state.reporter;
  if (state.address) r.address = state.address;
  r.location = state.location;
  if (state.planId) r.planId = state.planId;
  if (state.dispatchedMs !== undefined) r.dispatchedMs = state.dispatchedMs;
  if (state.dueHours !== undefined) r.dueHours = state.dueHours;
  if (state.dueSpanMs !== undefined) r.dueSpanMs = state.dueSpanMs;
  if (state.extensionHours) r.extensionHours = state.extensionHours;
  const due = runningDueMs(state);
  if (due !== undefined) r.dueMs = due;
  // The board queues' index keys (domain BOARD_QUEUE_KEYS): status, these tags, and `dueMs`.
  // Issue 17: and the helping units' `assist:<unitId>` (their unit_assist queue).
  const tags: string[] = [...queueTags(state), ...assistTags(state)];
  if (state.extension?.status === 'pending') r.extensionPending = true;
  if (state.returned) {
    r.returned = true;
    r.returnedUnitId = state.returned.unitId;
  }
  if (state.supervisions.length) r.supervisions = state.supervisions.length;
  if (state.firstResponseMs !== undefined) r.firstResponseMs = state.firstResponseMs;
  if (state.unitResponseMs !== undefined) r.unitResponseMs = state.unitResponseMs;
  if (state.resolvedMs !== undefined) r.resolvedMs = state.resolvedMs;
  if (state.selfResolved) r.selfResolved = true;
  if (state.satisfaction) r.satisfaction = state.satisfaction;
  if (state.superseded.length) r.superseded = state.superseded.length;
  if (tags.length) r.tags = tags;
  // version 4 (issue 12): thumbnails for the lists, board and map
  if (state.photos.length) {
    r.thumb = state.photos[0]!.thumb;
    r.photoCount = state.photos.length;
  }
  if (state.voice) r.voiceSeconds = state.voice.seconds;
  if (state.afterPhotos?.length) r.afterThumb = state.afterPhotos[0]!.thumb;
  // version 5 (issue 13): how the case came in and what the inbox reads (inboxfacts.ts), the rating's note and the
  // 二次回访 (board, worker tasks, 考核)
  Object.assign(r, inboxFacts(state));
  if (state.onBehalf) r.onBehalfName = state.onBehalf.name;
  if (state.feedbackNote) r.feedbackNote = state.feedbackNote;
  if (state.revisit) {
    const { status, round, sinceMs, reopened, called, unreached } = state.revisit;
    r.revisit = { status, round, sinceMs, reopened, called, ...(unreached ? { unreached } : {}) };
  }
  if (state.helpers?.length) {
    r.helpers = state.helpers.map((h) => ({ unitId: h.unitId, status: h.status, parts: h.parts.length, ...(h.confirmedMs !== undefined ? { confirmedMs: h.confirmedMs } : {}) }));
  }
  return r;
}

/** The optional fields a row copies from its record (issue 4). */
const ROW_EXTRAS = [
  'villageId',
  'reporter',
  'address',
  'location',
  'planId',
  'dispatchedMs',
  'dueHours',
  'dueSpanMs',
  'extensionHours',
  'dueMs',
  'extensionPending',
  'returned',
  'returnedUnitId',
  'supervisions',
  'firstResponseMs',
  'unitResponseMs',
  'resolvedMs',
  'selfResolved',
  'satisfaction',
  'superseded',
  'thumb',
  'photoCount',
  'voiceSeconds',
  'afterThumb',
  ...(['reporterRole', 'reportChannel', 'supervisedMs', 'extensionDecision', 'extensionDecidedMs', 'revisitStatus', 'revisitMs'] as const satisfies ReadonlyArray<keyof InboxFacts>),
  'onBehalfName',
  'feedbackNote',
  'revisit',
  'helpers',
] as const satisfies ReadonlyArray<keyof CaseRecord & keyof CaseRow>;

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
  const extra = row as unknown as Record<string, unknown>;
  for (const k of ROW_EXTRAS) if (r[k] !== undefined) extra[k] = r[k];
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

  async query(filter: CaseFilter, offset: number, limit: number): Promise<CaseRow[]> {
    return this.page(select(this.db, filter), offset, limit);
  }

  /** One page of a list's rows; rows that fail `isCaseRecord` are counted in `corruptRows` and skipped. */
  async page(rows: Collection<CaseRecord, string>, offset: number, limit: number): Promise<CaseRow[]> {
    if (limit <= 0) return [];
    const records = await rows
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

/**
 * The rows of a work queue (services.ts QueueName), each through one index:
 *  new / to_dispatch / returned / awaiting_verification: `[status+reportedMs]`, longest waiting first;
 *  extension: `*tags`; overdue: `dueMs` below now, most overdue first; unit_work: `[unitId+dueMs]`, nearest deadline
 *  first; unit_assist: `*tags` (`assist:<unitId>`); to_verify: `[status+gridId+reportedMs]`, oldest first; my_reports: `[reporter+reportedMs]`, newest first;
 * resident_reports: `[gridId+reportedMs]` of the worker's grid, residents' own reports, newest first.
 * `townId` (a county user's board) is tested on the queue's range.
 */
export function selectQueue(db: UserDb, queue: QueueName, user: UserInfo, nowMs: number, opts: QueueOptions = {}): Collection<CaseRecord, string> {
  const status = (st: Status) => db.cases.where('[status+reportedMs]').between([st, -Infinity], [st, Infinity], true, true);
  let c: Collection<CaseRecord, string>;
  switch (queue) {
    case 'new':
    case 'to_dispatch':
    case 'returned':
    case 'awaiting_verification':
    case 'extension':
    case 'overdue':
    case 'revisit':
    case 'awaiting_assist': {
      // Each board queue through the index its domain key names.
      const key = BOARD_QUEUE_KEYS[queue];
      c = 'status' in key ? status(key.status) : 'tag' in key ? db.cases.where('tags').equals(key.tag) : db.cases.where('dueMs').below(nowMs);
      break;
    }
    case 'unit_work':
      c = db.cases.where('[unitId+dueMs]').between([user.unitId ?? '', -Infinity], [user.unitId ?? '', Infinity], true, true);
      break;
    case 'unit_assist':
      // Few per unit: the tag's entries, oldest case first (ids are time-ordered).
      c = db.cases.where('tags').equals(assistTag(user.unitId ?? ''));
      break;
    case 'to_verify':
      c = db.cases.where('[status+gridId+reportedMs]').between(['resolved', user.gridId ?? '', -Infinity], ['resolved', user.gridId ?? '', Infinity], true, true);
      break;
    case 'my_reports':
      c = db.cases.where('[reporter+reportedMs]').between([user.id, -Infinity], [user.id, Infinity], true, true).reverse();
      break;
    case 'resident_reports':
      // One grid holds few cases: its range, newest first, tested for the channel.
      c = db.cases
        .where('[gridId+reportedMs]')
        .between([user.gridId ?? '', -Infinity], [user.gridId ?? '', Infinity], true, true)
        .reverse()
        .and((r) => isResidentReport(r));
      break;
  }
  const town = opts.townId;
  return town ? c.and((r) => r.townId === town) : c;
}

export async function queryQueue(
  rm: ReadModel,
  queue: QueueName,
  user: UserInfo,
  nowMs: number,
  offset: number,
  limit: number,
  opts?: QueueOptions,
): Promise<CaseRow[]> {
  return rm.page(selectQueue(rm.db, queue, user, nowMs, opts), offset, limit);
}

/** Rows of the cases reported in [fromMs, toMs) (the assessment's input), through the `reportedMs` index. */
export async function rowsReportedBetween(rm: ReadModel, fromMs: number, toMs: number): Promise<CaseRow[]> {
  const records = await rm.db.cases.where('reportedMs').between(fromMs, toMs, true, false).toArray();
  const out: CaseRow[] = [];
  for (const r of records) if (isCaseRecord(r)) out.push(toRow(r));
  return out;
}

/** Rows of one subcategory reported in [fromMs, toMs] that carry a location (duplicate candidates). */
export async function rowsOfCategoryBetween(rm: ReadModel, category: string, fromMs: number, toMs: number): Promise<Array<CaseRow & { location: LatLng }>> {
  const records = await rm.db.cases.where('[category+reportedMs]').between([category, fromMs], [category, toMs], true, true).toArray();
  const out: Array<CaseRow & { location: LatLng }> = [];
  for (const r of records) if (isCaseRecord(r) && r.location) out.push(toRow(r) as CaseRow & { location: LatLng });
  return out;
}
