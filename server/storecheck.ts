/**
 * Store faults: the start-up check that refuses a store which lost acknowledged data, the record of the last
 * committed update kept outside SQLite's write-ahead log, and the disk-full error.
 *
 * Why a record outside the WAL: SQLite reads a truncated, partly overwritten or deleted WAL as a shorter, valid
 * history (every frame after the first bad checksum is ignored), so `PRAGMA quick_check` passes while the last
 * acknowledged updates are gone. The commit marker `DATA_DIR/gridlink.committed` holds the store's id and the
 * `seq` of the last update row committed (`doc_updates` is AUTOINCREMENT: `sqlite_sequence` never goes back,
 * compaction included). At start the store must have reached that seq, and hold that id.
 *
 * Cost on the write path (Store.appendUpdate): one 64-byte `pwrite` at offset 0 after each commit (page cache, a few
 * microseconds, no fsync), so after a crash of the process (kill -9) the marker is exact. Its `fdatasync` runs in
 * the background (libuv's thread pool), at most once per MARKER_SYNC_MS, and once more at close: after a power
 * loss the marker may miss the last fraction of a second of commits (those are then not checked), never name a
 * commit the WAL does not hold, because it is written only after SQLite's own fsync of that commit returned
 * (synchronous=FULL). An ack therefore waits for no extra fsync.
 *
 * Contracts:
 * - `verifyStore` opens the store read-only (so a damaged WAL is left as found, not checkpointed away), runs
 *   `integrity_check` (stores up to FULL_CHECK_MAX_BYTES) or `quick_check`, and compares the store with the marker.
 *   It throws StoreFault (a ConfigError: main.ts prints it and exits 1) naming the files, what is wrong and the
 *   restore steps of docs/deployment.md, "Restoring the store".
 * - No marker and a store without an id: a new DATA_DIR or a store from before the marker; both are then written.
 * - A store ahead of its marker is normal (a power loss before the marker's fsync) and is accepted.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fdatasync, fdatasyncSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError } from './config.ts';

export const MARKER_FILE = 'gridlink.committed';
/** integrity_check (also checks every index against its table) up to this store size; quick_check above. */
export const FULL_CHECK_MAX_BYTES = 256 * 1024 * 1024;
/** The marker's fdatasync runs at most this often (ms); its write is immediate. */
export const MARKER_SYNC_MS = 100;
const MARKER_BYTES = 64;
const MARKER_PATTERN = /^gridlink-committed (\d+) ([0-9a-f]{16})\s*$/;
const RESTORE = 'docs/deployment.md, "Restoring the store"';

export class StoreFault extends ConfigError {
  override name = 'StoreFault';
}

/** What the marker says, or null when there is none; 'unreadable' when there is one that cannot be read. */
export function readMarker(dataDir: string): { seq: number; storeId: string } | null | 'unreadable' {
  const path = join(dataDir, MARKER_FILE);
  if (!existsSync(path)) return null;
  const m = MARKER_PATTERN.exec(readFileSync(path, 'latin1'));
  return m ? { seq: Number(m[1]), storeId: m[2]! } : 'unreadable';
}

export function newStoreId(): string {
  return randomBytes(8).toString('hex');
}

/** The highest update seq a store connection sees (0 for a store without update rows or tables). */
export function committedSeq(db: Database.Database): number {
  const hasSeq = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'").get();
  const hasUpdates = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'doc_updates'").get();
  const fromSequence = hasSeq ? (db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'doc_updates'").get()?.seq ?? 0) : 0;
  const fromRows = hasUpdates ? (db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM doc_updates').get()?.seq ?? 0) : 0;
  return Math.max(fromSequence, fromRows);
}

/** The id a store keeps in its meta table (null: none yet, or no meta table). */
export function storedId(db: Database.Database): string | null {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (!hasMeta) return null;
  return db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'store_id'").get()?.value ?? null;
}

export interface StoreReport {
  /** The integrity check run ('integrity_check' or 'quick_check'; null: no store file yet) and its time. */
  check: 'integrity_check' | 'quick_check' | null;
  checkMs: number;
  seq: number;
  /** Things to log at start (a marker written for the first time). */
  notes: string[];
}

/**
 * The start-up check (module comment). Throws StoreFault when the store is damaged or lost committed updates.
 */
export function verifyStore(dataDir: string, storeFile: string): StoreReport {
  const dbPath = join(dataDir, storeFile);
  const walPath = `${dbPath}-wal`;
  const marker = readMarker(dataDir);
  const markerPath = join(dataDir, MARKER_FILE);
  const notes: string[] = [];
  if (marker === 'unreadable') {
    throw new StoreFault(
      `the commit marker ${markerPath} cannot be read, so the store ${dbPath} cannot be checked for lost updates. ` +
        `If the store is known to be complete, move the marker aside and start again (a new one is written); ` +
        `otherwise restore the store from a backup (${RESTORE}).`,
    );
  }

  const exists = existsSync(dbPath);
  const size = exists ? statSync(dbPath).size : 0;
  // As found: opening the store (even read-only) creates an empty WAL when there is none.
  const wal = walState(walPath);
  let seq = 0;
  let id: string | null = null;
  let check: StoreReport['check'] = null;
  const started = performance.now();
  if (exists && size > 0) {
    check = size <= FULL_CHECK_MAX_BYTES ? 'integrity_check' : 'quick_check';
    let db: Database.Database | null = null;
    try {
      db = new Database(dbPath, { readonly: true, fileMustExist: true });
      const rows = db.pragma(check) as Array<Record<string, string>>;
      const problems = rows.map((r) => Object.values(r)[0]!).filter((p) => p !== 'ok');
      if (problems.length > 0) throw new Damaged(problems);
      seq = committedSeq(db);
      id = storedId(db);
    } catch (err) {
      const what = err instanceof Damaged ? `${check} found: ${err.problems.slice(0, 5).join('; ')}` : `SQLite cannot read it: ${(err as Error).message}`;
      throw new StoreFault(
        `the store ${dbPath} is damaged (${what}). ${wal} The relay does not start on a damaged store. ` +
          `Keep a copy of DATA_DIR as it is, then restore the store from a backup (${RESTORE}).`,
      );
    } finally {
      db?.close();
    }
  }
  const checkMs = performance.now() - started;

  if (marker === null) {
    if (id !== null && seq > 0) notes.push(`no commit marker ${markerPath} next to the store (moved aside?): writing a new one at update ${seq}`);
    else if (exists && size > 0) notes.push(`writing the commit marker ${markerPath} (update ${seq})`);
    return { check, checkMs, seq, notes };
  }
  if (!exists || size === 0) {
    throw new StoreFault(
      `the store ${dbPath} is ${exists ? 'empty' : 'missing'}, but the commit marker ${markerPath} records ${marker.seq} committed updates of ` +
        `store ${marker.storeId}. ${wal} The relay does not start on it: it would serve an empty store. ` +
        `Restore the store from a backup (${RESTORE}); to start a new, empty store instead, use a new DATA_DIR.`,
    );
  }
  if (id !== marker.storeId) {
    throw new StoreFault(
      `the store ${dbPath} is not the store the commit marker ${markerPath} belongs to (marker: store ${marker.storeId} at update ` +
        `${marker.seq}; the store: ${id === null ? 'no id, so it lost its first writes or was replaced' : `store ${id}`}). ` +
        `${wal} The relay does not start on it. Restore the store from a backup (${RESTORE}).`,
    );
  }
  if (seq < marker.seq) {
    throw new StoreFault(
      `the store ${dbPath} lost acknowledged updates: it ends at update ${seq}, but ${marker.seq} were committed and acknowledged ` +
        `(commit marker ${markerPath}), so ${marker.seq - seq} or more acknowledged updates are missing. ${wal} ` +
        `The write-ahead log was truncated, damaged or deleted after those commits. The relay does not start on it. Keep a ` +
        `copy of DATA_DIR as it is, then restore the store from a backup (${RESTORE}).`,
    );
  }
  return { check, checkMs, seq, notes };
}

class Damaged extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

function walState(walPath: string): string {
  if (!existsSync(walPath)) return `The write-ahead log ${walPath} does not exist.`;
  return `The write-ahead log ${walPath} has ${statSync(walPath).size} bytes.`;
}

/**
 * The commit marker of one open store (module comment): `committed(seq)` writes it at once, its fdatasync follows
 * in the background. Never throws: a marker that cannot be written weakens the next start's check, nothing else
 * (the commit it follows is durable already).
 */
export class CommitMarker {
  private fd: number | null = null;
  private seq: number;
  private timer: NodeJS.Timeout | null = null;
  private syncing = false;
  private dirty = false;
  private closed = false;
  /** The first error writing the marker (diagnostics). */
  error: Error | null = null;

  constructor(
    dataDir: string,
    private readonly storeId: string,
    seq: number,
  ) {
    this.seq = seq;
    const path = join(dataDir, MARKER_FILE);
    try {
      // Never move an existing marker back (another process may have written a newer seq since the check).
      const current = readMarker(dataDir);
      this.fd = openSync(path, current === null ? 'w' : 'r+', 0o600);
      if (current === null || current === 'unreadable' || current.storeId !== storeId || current.seq < seq) {
        this.write();
        fdatasyncSync(this.fd);
        this.dirty = false;
      } else this.seq = current.seq;
    } catch (err) {
      this.error ??= err as Error;
      if (this.fd !== null) closeSync(this.fd);
      this.fd = null;
    }
  }

  /** An update row with this seq was committed. */
  committed(seq: number): void {
    if (this.closed || this.fd === null || seq <= this.seq) return;
    this.seq = seq;
    this.write();
    if (this.dirty && !this.timer && !this.syncing) {
      this.timer = setTimeout(() => this.sync(), MARKER_SYNC_MS);
      this.timer.unref();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // A background fdatasync still holds the fd: it closes it when done (after syncing once more if needed).
    if (!this.syncing) this.finish();
  }

  private write(): void {
    if (this.fd === null) return;
    const text = `gridlink-committed ${this.seq} ${this.storeId}`.padEnd(MARKER_BYTES - 1, ' ') + '\n';
    try {
      writeSync(this.fd, Buffer.from(text, 'latin1'), 0, MARKER_BYTES, 0);
      this.dirty = true;
    } catch (err) {
      this.error ??= err as Error;
    }
  }

  private sync(): void {
    this.timer = null;
    if (this.fd === null || this.syncing) return;
    this.syncing = true;
    this.dirty = false;
    fdatasync(this.fd, (err) => {
      this.syncing = false;
      if (err) this.error ??= err;
      if (this.closed) this.finish();
      else if (this.dirty) {
        this.timer = setTimeout(() => this.sync(), MARKER_SYNC_MS);
        this.timer.unref();
      }
    });
  }

  private finish(): void {
    if (this.fd === null) return;
    try {
      if (this.dirty) fdatasyncSync(this.fd);
      this.dirty = false;
    } catch (err) {
      this.error ??= err as Error;
    }
    closeSync(this.fd);
    this.fd = null;
  }
}

/** A write failed because the disk (or the store's size limit) is full: SQLITE_FULL, anywhere in the cause chain. */
export function isStoreFull(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    // SQLite's own code, PostgreSQL's disk_full (53100), or the file system's (a blob written to DATA_DIR/blobs, server/blobs.ts).
    if (typeof e === 'object' && ['SQLITE_FULL', 'ENOSPC', 'EDQUOT', '53100'].includes((e as { code?: unknown }).code as string)) return true;
  }
  return false;
}
