/**
 * The relay's blob store (issue 12; DESIGN §7; the wire protocol is src/protocol/blobs.ts, its routes blobhttp.ts).
 *
 * Contracts:
 * - Bytes live on disk, never in SQLite: a stored blob is `DATA_DIR/blobs/<first two hex>/<hash>` (content-addressed,
 *   hash = hex sha256 of the bytes); an upload in progress is `DATA_DIR/blobs/partial/<hash>-<hex of the user id>`
 *   (one per user and hash: two users uploading the same bytes never share a partial file).
 *   SQLite holds only metadata: `blobs` (hash, size, type, created_ms), `blob_owners` (hash, user_id: who uploaded
 *   it; the quota counts them) and `blob_refs` (hash, doc, case_id, actor: the cases whose events name it and who
 *   named it; written by the store with each accepted update, store.ts). Issue 17: a patrol check-in or a task
 *   answer that names a blob is a row too, with its doc (`patrols.<gridId>`, `taskanswers.<gridId>`) and case_id ''
 *   (src/domain/recordblobs.ts says which blobs such an event names).
 * - A chunk's bytes are written and fsynced before its answer; the bytes of a cut request are fsynced too, so the
 *   upload status may be past the last answer. Nothing confirmed is lost to `kill -9`.
 * - A complete upload is checked (checkBlob: size, sniffed type, complete format; sha256 equal to its name) before
 *   it is stored; then it is hard-linked into place, the directories fsynced, the rows committed, and only then the
 *   partial file removed. A crash at any point leaves either the partial (the upload resumes) or the stored file
 *   (reconcile adopts it and gives the partial's user ownership), never neither.
 * - No existence oracle: a user who uploads bytes that are already stored sends them all the same, and becomes an
 *   owner when they check out. A blob is served only to its owners and to users who may read a case (or a patrols
 *   or task-answers doc) in which one of its owners named it (`vouchedRefs`).
 * - Quota per user: the sizes of the blobs they own plus the bytes of their partial uploads.
 * - GC (`collect`, at startup and hourly): stored blobs that no case, check-in or task answer names and older than the grace period, and
 *   partial uploads untouched for the grace period, are deleted.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, ftruncateSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkBlob, type BlobType } from '../src/domain/blobs.ts';
import { parseDocName } from '../src/domain/docs.ts';
import type { CaseEvent } from '../src/domain/events.ts';
import { blobHashesOf } from '../src/domain/evidence.ts';
import { recordBlobHashes } from '../src/domain/recordblobs.ts';
import { HASH_PATTERN, type BlobErrorCode, type UploadStatus } from '../src/protocol/blobs.ts';
import { CaseIndex } from '../src/protocol/caseindex.ts';
import { EVENTS_ARRAY, RECEIPTS_ARRAY } from '../src/protocol/wire.ts';
import type { Logger } from './log.ts';
import { loadStoredDoc, type BlobRef, type Store } from './store.ts';

export const BLOBS_DIR = 'blobs';
export const PARTIAL_DIR = 'partial';
/** Meta key of the one-time scan that indexes the blobs named by events stored before the index existed. */
export const BLOB_REFS_META = 'blob_refs_v1';
export const GC_INTERVAL_MS = 3600_000;

export interface StoredBlob {
  hash: string;
  size: number;
  type: BlobType;
  createdMs: number;
}

export type StoreResult = { ok: true; status: UploadStatus } | { ok: false; error: BlobErrorCode };

export interface BlobStoreOptions {
  dataDir: string;
  store: Store;
  quotaBytes: number;
  graceMs: number;
  now: () => number;
  log: Logger;
}

export const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

const userHex = (user: string) => Buffer.from(user, 'utf8').toString('hex');

/** fsync a directory (a new or removed name in it is durable). */
function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Write `bytes` as the whole file at `path` and fsync it (its name is not durable until its directory is fsynced). */
function writeDurably(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

interface Partial {
  user: string;
  hash: string;
  size: number;
  touchedMs: number;
}

export class BlobStore {
  readonly root: string;
  readonly partialDir: string;
  private readonly store: Store;
  private readonly partials = new Map<string, Partial>();
  private readonly locks = new Map<string, Promise<void>>();
  private readonly stmts;
  private timer: NodeJS.Timeout | null = null;
  /** The PUT being received per (user, hash) (blobhttp.ts: a newer one cuts it). */
  readonly inFlight = new Map<string, { destroy(): void }>();

  constructor(readonly opts: BlobStoreOptions) {
    this.store = opts.store;
    this.root = join(opts.dataDir, BLOBS_DIR);
    this.partialDir = join(this.root, PARTIAL_DIR);
    mkdirSync(this.partialDir, { recursive: true });
    const db = this.store.db;
    db.exec(`
      CREATE TABLE IF NOT EXISTS blobs (hash TEXT PRIMARY KEY, size INTEGER NOT NULL, type TEXT NOT NULL, created_ms INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS blob_owners (hash TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (hash, user_id));
      CREATE INDEX IF NOT EXISTS blob_owners_by_user ON blob_owners (user_id);
    `);
    this.stmts = {
      get: db.prepare<[string], { hash: string; size: number; type: string; created_ms: number }>('SELECT * FROM blobs WHERE hash = ?'),
      insert: db.prepare('INSERT OR IGNORE INTO blobs (hash, size, type, created_ms) VALUES (?, ?, ?, ?)'),
      // A new upload of stored bytes restarts the grace period: GC never takes a blob someone just sent.
      upsert: db.prepare('INSERT INTO blobs (hash, size, type, created_ms) VALUES (?, ?, ?, ?) ON CONFLICT(hash) DO UPDATE SET created_ms = max(blobs.created_ms, excluded.created_ms)'),
      own: db.prepare('INSERT OR IGNORE INTO blob_owners (hash, user_id) VALUES (?, ?)'),
      owns: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM blob_owners WHERE hash = ? AND user_id = ?'),
      owned: db.prepare<[string], { n: number }>('SELECT coalesce(sum(b.size), 0) AS n FROM blob_owners o JOIN blobs b ON b.hash = o.hash WHERE o.user_id = ?'),
      refs: db.prepare<[string], { doc: string; case_id: string; actor: string }>('SELECT doc, case_id, actor FROM blob_refs WHERE hash = ?'),
      hasOwner: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM blob_owners WHERE hash = ? LIMIT 1'),
      all: db.prepare<[], { hash: string }>('SELECT hash FROM blobs'),
      unreferenced: db.prepare<[number], { hash: string }>('SELECT hash FROM blobs b WHERE created_ms < ? AND NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.hash = b.hash)'),
      delete: db.prepare('DELETE FROM blobs WHERE hash = ?'),
      deleteOwners: db.prepare('DELETE FROM blob_owners WHERE hash = ?'),
    };
  }

  // ---- paths

  pathOf(hash: string): string {
    return join(this.root, hash.slice(0, 2), hash);
  }

  partialPath(user: string, hash: string): string {
    return join(this.partialDir, `${hash}-${userHex(user)}`);
  }

  // ---- reads

  get(hash: string): StoredBlob | null {
    const row = this.stmts.get.get(hash);
    return row ? { hash: row.hash, size: row.size, type: row.type as BlobType, createdMs: row.created_ms } : null;
  }

  owns(user: string, hash: string): boolean {
    return this.stmts.owns.get(hash, user) !== undefined;
  }

  /** The cases whose accepted events name the blob, with each naming event's author. */
  refs(hash: string): Array<{ doc: string; caseId: string; actor: string }> {
    return this.stmts.refs.all(hash).map((r) => ({ doc: r.doc, caseId: r.case_id, actor: r.actor }));
  }

  /**
   * The cases that open the blob to their readers: those where one of its owners named it. Knowing a hash is not
   * enough (hashes travel in URLs and logs): an insider who names someone else's blob in a case of their own town
   * gains nothing. A blob the relay itself stored (the demo's, `putOwnerless`) has no owner: every naming counts.
   */
  vouchedRefs(hash: string): Array<{ doc: string; caseId: string }> {
    const ownerless = this.stmts.hasOwner.get(hash) === undefined;
    const refs = this.refs(hash).filter((r) => ownerless || this.owns(r.actor, hash));
    const seen = new Set<string>();
    return refs.filter((r) => !seen.has(`${r.doc}\n${r.caseId}`) && seen.add(`${r.doc}\n${r.caseId}`)).map(({ doc, caseId }) => ({ doc, caseId }));
  }

  /** Bytes counted against the user's quota: the blobs they own and their partial uploads. */
  used(user: string): number {
    let n = this.stmts.owned.get(user)!.n;
    for (const p of this.partials.values()) if (p.user === user) n += p.size;
    return n;
  }

  /** How much of this user's upload of `hash` the relay holds durably. */
  status(user: string, hash: string): UploadStatus {
    const b = this.get(hash);
    if (b && this.owns(user, hash)) return { hash, offset: b.size, complete: true, size: b.size, type: b.type };
    return { hash, offset: this.partials.get(this.key(user, hash))?.size ?? 0, complete: false };
  }

  /** Run `fn` alone for one (user, hash): two requests of one upload never write the partial file at once. */
  async exclusive<T>(user: string, hash: string, fn: () => Promise<T>): Promise<T> {
    const key = this.key(user, hash);
    const before = this.locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const chained = before.then(() => mine);
    this.locks.set(key, chained);
    await before;
    try {
      return await fn();
    } finally {
      release();
      if (this.locks.get(key) === chained) this.locks.delete(key);
    }
  }

  // ---- writes

  /**
   * Open the user's partial file for appending at `offset` (its current durable size). The caller writes the
   * chunk's bytes through `append` and calls `finish` (fsync, always: also for a cut request).
   */
  async openPartial(user: string, hash: string): Promise<PartialWriter> {
    const key = this.key(user, hash);
    const path = this.partialPath(user, hash);
    const fresh = !this.partials.has(key);
    const fh = await open(path, 'a');
    if (fresh) {
      fsyncDir(this.partialDir);
      this.partials.set(key, { user, hash, size: (await fh.stat()).size, touchedMs: this.opts.now() });
    }
    return new PartialWriter(this, fh, this.partials.get(key)!);
  }

  /** Drop the user's partial upload (a refused or checked-out upload). */
  dropPartial(user: string, hash: string): void {
    this.partials.delete(this.key(user, hash));
    try {
      unlinkSync(this.partialPath(user, hash));
    } catch {
      // Already gone.
    }
  }

  /** Truncate a partial back to `size` (a malformed request: its bytes are not part of the upload). */
  truncatePartial(user: string, hash: string, size: number): void {
    const p = this.partials.get(this.key(user, hash));
    if (!p) return;
    if (size === 0) return this.dropPartial(user, hash);
    const fd = openSync(this.partialPath(user, hash), 'r+');
    try {
      ftruncateSync(fd, size);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    p.size = size;
  }

  /**
   * The user's partial upload of `hash` is complete (`size` bytes): check it and store it. On any failure the
   * partial is dropped (a complete but wrong upload is not resumable).
   */
  completePartial(user: string, hash: string): StoreResult {
    const path = this.partialPath(user, hash);
    const bytes = readFileSync(path);
    const verdict = this.check(hash, bytes);
    if (!verdict.ok) {
      this.dropPartial(user, hash);
      return verdict;
    }
    this.adopt(user, hash, bytes.length, verdict.type, path);
    this.partials.delete(this.key(user, hash));
    return { ok: true, status: this.status(user, hash) };
  }

  /** A whole blob in one piece (a batch frame): quota, check, then stored like a completed upload. */
  storeWhole(user: string, hash: string, bytes: Uint8Array): StoreResult {
    if (!HASH_PATTERN.test(hash)) return { ok: false, error: 'hash_mismatch' };
    if (this.get(hash) && this.owns(user, hash)) {
      // Idempotent: the bytes must still be right (no oracle: a wrong body is refused as for anyone).
      const v = this.check(hash, bytes);
      return v.ok ? { ok: true, status: this.status(user, hash) } : v;
    }
    if (this.used(user) + bytes.length > this.opts.quotaBytes) return { ok: false, error: 'quota_exceeded' };
    const verdict = this.check(hash, bytes);
    if (!verdict.ok) return verdict;
    // Through a partial file, so a crash between the write and the link leaves a partial, never a half blob.
    const path = this.partialPath(user, hash);
    writeDurably(path, bytes);
    fsyncDir(this.partialDir);
    this.adopt(user, hash, bytes.length, verdict.type, path);
    this.partials.delete(this.key(user, hash));
    return { ok: true, status: this.status(user, hash) };
  }

  /** Whether `bytes` may be stored as `hash`. */
  check(hash: string, bytes: Uint8Array): { ok: true; type: BlobType } | { ok: false; error: BlobErrorCode } {
    const c = checkBlob(bytes);
    if (!c.ok) return c;
    if (sha256Hex(bytes) !== hash) return { ok: false, error: 'hash_mismatch' };
    return c;
  }

  /** Put the checked file at `from` in place as `hash` (if not there yet), record it and make `user` an owner. */
  private adopt(user: string, hash: string, size: number, type: BlobType, from: string): void {
    const dest = this.pathOf(hash);
    if (!existsSync(dest)) {
      mkdirSync(dirname(dest), { recursive: true });
      fsyncDir(this.root);
      try {
        linkSync(from, dest);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      fsyncDir(dirname(dest));
    }
    this.store.transaction(() => {
      this.stmts.upsert.run(hash, size, type, this.opts.now());
      this.stmts.own.run(hash, user);
    });
    unlinkSync(from);
    fsyncDir(this.partialDir);
  }

  /** Store a blob the relay itself provides (the demo's seeded photos): no owner; the cases naming it keep it. */
  putOwnerless(bytes: Uint8Array): string {
    const hash = sha256Hex(bytes);
    const verdict = this.check(hash, bytes);
    if (!verdict.ok) throw new Error(`putOwnerless: ${verdict.error}`);
    if (this.get(hash) && existsSync(this.pathOf(hash))) return hash;
    const dest = this.pathOf(hash);
    mkdirSync(dirname(dest), { recursive: true });
    const tmp = `${dest}.tmp`;
    writeDurably(tmp, bytes);
    renameSync(tmp, dest);
    fsyncDir(dirname(dest));
    this.stmts.insert.run(hash, bytes.length, verdict.type, this.opts.now());
    return hash;
  }

  // ---- startup and GC

  /**
   * After a crash (kill -9) or by hand: make disk and rows agree. A stored file without a row is adopted when it
   * checks out (a crash between link and commit), else deleted; a row without its file is deleted; a partial whose
   * blob is stored with the same bytes makes its user an owner and goes; other partials are loaded for resuming.
   */
  reconcile(): { adopted: number; removedFiles: number; removedRows: number; partials: number } {
    const out = { adopted: 0, removedFiles: 0, removedRows: 0, partials: 0 };
    const onDisk = new Set<string>();
    for (const sub of readdirSync(this.root)) {
      if (sub === PARTIAL_DIR || !/^[0-9a-f]{2}$/.test(sub)) continue;
      for (const name of readdirSync(join(this.root, sub))) {
        const path = join(this.root, sub, name);
        if (!HASH_PATTERN.test(name) || name.slice(0, 2) !== sub) {
          unlinkSync(path); // a temp file of putOwnerless, or something that is not ours to serve
          out.removedFiles++;
          continue;
        }
        if (this.get(name)) {
          onDisk.add(name);
          continue;
        }
        const bytes = readFileSync(path);
        const v = this.check(name, bytes);
        if (v.ok) {
          this.stmts.insert.run(name, bytes.length, v.type, Math.round(statSync(path).mtimeMs));
          onDisk.add(name);
          out.adopted++;
        } else {
          unlinkSync(path);
          out.removedFiles++;
        }
      }
    }
    for (const { hash } of this.stmts.all.all()) {
      if (onDisk.has(hash)) continue;
      this.store.transaction(() => {
        this.stmts.delete.run(hash);
        this.stmts.deleteOwners.run(hash);
      });
      out.removedRows++;
    }
    for (const name of readdirSync(this.partialDir)) {
      const m = /^([0-9a-f]{64})-((?:[0-9a-f]{2})+)$/.exec(name);
      const path = join(this.partialDir, name);
      if (!m) {
        unlinkSync(path);
        out.removedFiles++;
        continue;
      }
      const hash = m[1]!;
      const user = Buffer.from(m[2]!, 'hex').toString('utf8');
      const st = statSync(path);
      const stored = this.get(hash);
      if (stored && st.size === stored.size && sha256Hex(readFileSync(path)) === hash) {
        this.stmts.own.run(hash, user);
        unlinkSync(path);
        continue;
      }
      this.partials.set(this.key(user, hash), { user, hash, size: st.size, touchedMs: Math.round(st.mtimeMs) });
      out.partials++;
    }
    return out;
  }

  /** Delete unreferenced blobs older than the grace period and partial uploads untouched for it. */
  collect(): { blobs: number; partials: number } {
    const cutoff = this.opts.now() - this.opts.graceMs;
    let blobs = 0;
    let partials = 0;
    for (const { hash } of this.stmts.unreferenced.all(cutoff)) {
      this.store.transaction(() => {
        this.stmts.delete.run(hash);
        this.stmts.deleteOwners.run(hash);
      });
      try {
        unlinkSync(this.pathOf(hash));
      } catch {
        // Gone already: the row was all there was.
      }
      blobs++;
    }
    for (const [key, p] of this.partials) {
      if (p.touchedMs >= cutoff || this.locks.has(key)) continue;
      this.dropPartial(p.user, p.hash);
      partials++;
    }
    if (blobs + partials > 0) fsyncDir(this.partialDir);
    return { blobs, partials };
  }

  /** GC now and then every GC_INTERVAL_MS (unref'd: it never keeps the process alive). */
  startGc(): void {
    const run = () => {
      try {
        const r = this.collect();
        if (r.blobs + r.partials > 0) this.opts.log.info(`blob GC: removed ${r.blobs} unreferenced blobs and ${r.partials} stale partial uploads`);
      } catch (err) {
        this.opts.log.error('blob GC failed', err);
      }
    };
    run();
    this.timer = setInterval(run, GC_INTERVAL_MS);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private key(user: string, hash: string): string {
    return `${hash}-${userHex(user)}`;
  }

  /** PartialWriter's bookkeeping: the partial's durable size after an fsync. */
  touched(p: Partial, size: number): void {
    p.size = size;
    p.touchedMs = this.opts.now();
  }
}

/** Appends one request's bytes to a partial file; `finish` makes what was written durable. */
export class PartialWriter {
  private size: number;
  constructor(
    private readonly blobs: BlobStore,
    private readonly fh: FileHandle,
    private readonly partial: Partial,
  ) {
    this.size = partial.size;
  }

  get offset(): number {
    return this.size;
  }

  async append(bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.length) {
      const { bytesWritten } = await this.fh.write(bytes, at, bytes.length - at);
      at += bytesWritten;
    }
    this.size += bytes.length;
  }

  /** fsync and close; the partial's durable size is then what was written. */
  async finish(): Promise<number> {
    try {
      await this.fh.sync();
      this.blobs.touched(this.partial, this.size);
    } finally {
      await this.fh.close();
    }
    return this.size;
  }
}

// ---- the blob-reference index

/** (hash, caseId, actor) for every blob the events name (blobHashesOf). */
export function blobRefsOf(events: readonly CaseEvent[]): BlobRef[] {
  const out: BlobRef[] = [];
  for (const e of events) for (const hash of blobHashesOf(e)) if (HASH_PATTERN.test(hash)) out.push({ hash, caseId: e.caseId, actor: e.actor });
  return out;
}

/**
 * (hash, '', actor) for every blob the accepted values of a record doc of `kind` name (src/domain/recordblobs.ts:
 * patrol check-ins, task answers). `values` passed the relay's inspection, so each actor is its writer.
 */
export function recordBlobRefsOf(kind: string, values: readonly unknown[]): BlobRef[] {
  const out: BlobRef[] = [];
  for (const value of values) {
    const hashes = recordBlobHashes(kind, value);
    if (hashes.length === 0) continue;
    const actor = (value as { actor: string }).actor;
    for (const hash of hashes) if (HASH_PATTERN.test(hash)) out.push({ hash, caseId: '', actor });
  }
  return out;
}

/**
 * Once per store (meta BLOB_REFS_META): index the blobs named by the events of every stored cases doc (stores
 * written before the index existed). At startup, before the relay loads any doc; from then on the relay records
 * each accepted event's refs in the same transaction as the event (store.appendUpdate).
 */
export function migrateBlobRefs(store: Store): { docs: number; refs: number } {
  const result = { docs: 0, refs: 0 };
  if (store.getMeta(BLOB_REFS_META)) return result;
  for (const name of store.docNames()) {
    if (parseDocName(name)?.kind !== 'cases') continue;
    const doc = loadStoredDoc(store, name, [EVENTS_ARRAY, RECEIPTS_ARRAY]);
    const refs = blobRefsOf([...CaseIndex.of(doc).events()]);
    doc.destroy();
    if (refs.length === 0) continue;
    store.addBlobRefs(name, refs);
    result.docs++;
    result.refs += refs.length;
  }
  store.setMeta(BLOB_REFS_META, JSON.stringify({ ...result, at: new Date().toISOString() }));
  return result;
}
