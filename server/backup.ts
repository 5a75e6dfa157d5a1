/**
 * Backups of a DATA_DIR and restoring one (issue 16, section 3). docs/deployment.md section 7 is the operator's
 * side; DESIGN.md "Backups and restore" the reasons.
 *
 * A backup is one directory `<BACKUP_DIR>/gridlink-<UTC time>/`:
 *   gridlink.sqlite   a consistent snapshot of the store, one self-contained file (rollback journal mode: no -wal)
 *   blobs/xx/<hash>   every photo and voice clip the snapshot's `blobs` table lists (content-addressed, immutable)
 *   jwt-secret        the generated token key, when DATA_DIR has one (tokens stay valid after a restore)
 *   basemap.pmtiles   the administrator's base map, when there is one
 *   manifest.json     written last: time, store schema version, store id, last update seq, counts, sha256 and size
 *                     of every file but the blobs (a blob's name is its sha256)
 * It is built as `<name>.partial-<pid>` and renamed when complete, so a directory with the final name is whole.
 *
 * Contracts:
 * - The snapshot is taken while the relay serves. Inside the relay, SQLite's online backup API on the relay's own
 *   connection, BACKUP_STEP_PAGES pages per step with the event loop free between steps (a commit by the same
 *   connection during the backup is carried into it, so it never restarts). From the command line (another
 *   process), `VACUUM INTO` on a read-only connection: one read transaction, so a snapshot of one instant, which
 *   never blocks the relay's writes (WAL).
 * - Every backup is verified before it counts (`verifyBackup`: integrity_check of the copy, the manifest's
 *   checksums, every blob present); a failure removes the partial directory and throws BackupError.
 * - Blobs are never read through SQLite and are immutable once stored (blobs.ts): a blob a previous backup in the
 *   same directory holds is hard-linked from there, else hard-linked from DATA_DIR, else copied. Only what the
 *   backup directory lacks is copied.
 * - `restoreBackup` refuses a backup that does not verify, a DATA_DIR with a store unless `force`, and always a store
 *   another process has open (a running relay). The restored store is a new lineage: a new store id (the commit
 *   marker of the old one is moved aside with the old files), and the relay's Yjs client id is retired
 *   (`RETIRED_CLIENTS_META`): devices hold what the old relay wrote after the backup under that id, so the restored
 *   relay must never write those clocks again (two different structs with one id would split every replica for
 *   good). The relay takes a new id at its next start (app.ts clientIdOf) and, for RETURN_WINDOW_MS after the
 *   restore, accepts what devices bring back of the lost history (validate.ts, "returning").
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { copyFile, link, mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError } from './config.ts';
import type { Logger } from './log.ts';
import { committedSeq, MARKER_FILE, newStoreId, storedId } from './storecheck.ts';
import { RECEIPTS_SIGNED_META } from './receiptsign.ts';
import { STORE_FILE, type Store } from './store.ts';

export const MANIFEST_FILE = 'manifest.json';
export const BACKUP_PREFIX = 'gridlink-';
/** Pages of the online backup per step (4 KiB pages: 1 MiB); the event loop runs between steps. */
export const BACKUP_STEP_PAGES = 256;
/** Meta key: the Yjs client ids the relay wrote with before a restore (JSON array of numbers). */
export const RETIRED_CLIENTS_META = 'relay_retired_clients';
/** Meta key: the last restore (JSON: at, from, backup time, backup seq). */
export const RESTORED_META = 'restored';
/** After a restore, devices may bring back what the lost part of the history held for this long. */
export const RETURN_WINDOW_MS = 30 * 86_400_000;
const NAME_PATTERN = /^gridlink-\d{8}T\d{6}\d{3}Z$/;
const PARTIAL_PATTERN = /^(gridlink-\d{8}T\d{6}\d{3}Z)\.partial-(\d+)$/;
const EXTRA_FILES = ['jwt-secret', 'basemap.pmtiles'] as const;

export class BackupError extends ConfigError {
  override name = 'BackupError';
}

export interface Manifest {
  format: 'gridlink-backup';
  version: 1;
  createdAt: string;
  method: 'online-backup' | 'vacuum-into';
  /** How long the snapshot, the blobs and the checks took (ms). */
  durationMs: number;
  store: {
    file: string;
    bytes: number;
    sha256: string;
    schemaVersion: number;
    storeId: string | null;
    /** The last update row committed (storecheck.ts committedSeq). */
    seq: number;
    docs: number;
    updateRows: number;
    users: number;
    cases: number;
    auditEntries: number;
    /** The relay's Yjs client id in the snapshot (retired by a restore). */
    relayClientId: number | null;
  };
  blobs: { count: number; bytes: number; linked: number; copied: number };
  files: Record<string, { bytes: number; sha256: string }>;
}

export interface BackupResult {
  dir: string;
  manifest: Manifest;
  /**
   * The online backup's steps: how many, and the longest time between two of them (ms: one step plus whatever else
   * the event loop ran in between, so an upper bound of how long a step held the event loop).
   */
  steps: number;
  longestStepMs: number;
}

export interface BackupOptions {
  dataDir: string;
  /** Where backup directories are made (BACKUP_DIR, or `backup --out`). */
  outDir: string;
  /** The relay's open store: backed up through its connection. Without it, `VACUUM INTO` from a read-only one. */
  store?: Store;
  now?: () => number;
  /** Checked between steps: true stops the backup (the relay is closing). */
  aborted?: () => boolean;
  stepPages?: number;
}

/** Completed backups in `outDir`, newest first. */
export function listBackups(outDir: string): string[] {
  if (!existsSync(outDir)) return [];
  return readdirSync(outDir)
    .filter((n) => NAME_PATTERN.test(n) && existsSync(join(outDir, n, MANIFEST_FILE)))
    .sort()
    .reverse()
    .map((n) => join(outDir, n));
}

function backupName(ms: number): string {
  return BACKUP_PREFIX + new Date(ms).toISOString().replace(/[-:.]/g, '').replace(/(\d{6})(\d{3})Z$/, '$1$2Z');
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** What the backup command and BACKUP_DIR answer on a PostgreSQL store (issue 16; deployment.md, backups). */
export const PG_BACKUP_REFUSAL =
  'the store is PostgreSQL (DATABASE_URL): back it up with pg_dump (e.g. pg_dump -Fc -f gridlink.dump "$DATABASE_URL") and DATA_DIR/blobs with your file backups; ' +
  'the backup and restore commands and BACKUP_DIR are for the embedded SQLite store only';

/** Make one backup (module comment). Throws BackupError (nothing is left behind then). */
export async function createBackup(opts: BackupOptions): Promise<BackupResult> {
  if (opts.store && !opts.store.sqlite) throw new BackupError(PG_BACKUP_REFUSAL);
  const now = opts.now ?? Date.now;
  const started = performance.now();
  const outDir = resolve(opts.outDir);
  try {
    await mkdir(outDir, { recursive: true, mode: 0o700 });
    await removeStalePartials(outDir);
  } catch (err) {
    throw new BackupError(`the backup directory ${outDir} cannot be used: ${(err as Error).message}`, { cause: err });
  }
  const at = now();
  let name = backupName(at);
  for (let ms = at + 1; existsSync(join(outDir, name)); ms++) name = backupName(ms);
  const partial = join(outDir, `${name}.partial-${process.pid}`);
  const dbPath = join(opts.dataDir, STORE_FILE);
  if (!existsSync(dbPath)) throw new BackupError(`no store to back up: ${dbPath} does not exist`);
  let steps = 0;
  let longestStepMs = 0;
  try {
    await mkdir(partial, { mode: 0o700 });
    const target = join(partial, STORE_FILE);
    let method: Manifest['method'];
    if (opts.store) {
      method = 'online-backup';
      let last = performance.now();
      await opts.store.sqlite!.backup(target, {
        progress: () => {
          const t = performance.now();
          longestStepMs = Math.max(longestStepMs, t - last);
          steps++;
          if (opts.aborted?.()) throw new BackupError('the backup was stopped: the relay is closing');
          last = performance.now();
          return opts.stepPages ?? BACKUP_STEP_PAGES;
        },
      });
      longestStepMs = Math.max(longestStepMs, performance.now() - last);
    } else {
      method = 'vacuum-into';
      const src = new Database(dbPath, { readonly: true, fileMustExist: true });
      try {
        src.prepare('VACUUM INTO ?').run(target);
      } finally {
        src.close();
      }
    }
    // One self-contained file: no -wal next to it, so its checksum holds and reading it never writes.
    const fix = new Database(target);
    try {
      fix.pragma('journal_mode = DELETE');
    } finally {
      fix.close();
    }
    const facts = readSnapshot(target);
    const blobs = await copyBlobs(opts.dataDir, partial, facts.blobs, listBackups(outDir)[0]);
    const files: Manifest['files'] = {};
    for (const f of EXTRA_FILES) {
      const from = join(opts.dataDir, f);
      if (!existsSync(from)) continue;
      await linkOrCopy(from, join(partial, f));
      files[f] = { bytes: statSync(join(partial, f)).size, sha256: await sha256File(join(partial, f)) };
    }
    const manifest: Manifest = {
      format: 'gridlink-backup',
      version: 1,
      createdAt: new Date(at).toISOString(),
      method,
      durationMs: 0,
      store: { file: STORE_FILE, bytes: statSync(target).size, sha256: await sha256File(target), ...facts.store },
      blobs: { count: facts.blobs.length, bytes: facts.blobs.reduce((n, b) => n + b.size, 0), ...blobs },
      files,
    };
    await fsyncPath(target);
    await verifyBackup(partial, { manifest, checked: facts });
    manifest.durationMs = Math.round(performance.now() - started);
    await writeFile(join(partial, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
    await fsyncPath(join(partial, MANIFEST_FILE));
    await fsyncPath(partial);
    const dir = join(outDir, name);
    await rename(partial, dir);
    await fsyncPath(outDir);
    return { dir, manifest, steps, longestStepMs };
  } catch (err) {
    await rm(partial, { recursive: true, force: true }).catch(() => {});
    if (err instanceof BackupError) throw err;
    throw new BackupError(`the backup into ${outDir} failed: ${(err as Error).message}`, { cause: err });
  }
}

interface SnapshotFacts {
  store: Omit<Manifest['store'], 'file' | 'bytes' | 'sha256'>;
  blobs: Array<{ hash: string; size: number }>;
}

/** What a snapshot file holds (read-only). Throws when it fails SQLite's integrity check. */
function readSnapshot(path: string): SnapshotFacts {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const problems = (db.pragma('integrity_check') as Array<Record<string, string>>).map((r) => Object.values(r)[0]!).filter((p) => p !== 'ok');
    if (problems.length > 0) throw new BackupError(`the store copy ${path} fails SQLite's integrity check: ${problems.slice(0, 3).join('; ')}`);
    const has = (t: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t) !== undefined;
    const count = (sql: string, table: string) => (has(table) ? (db.prepare<[], { n: number }>(sql).get()?.n ?? 0) : 0);
    const meta = (key: string) => (has('meta') ? db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(key)?.value : undefined);
    const clientId = Number(meta('yjs_client_id'));
    return {
      store: {
        schemaVersion: db.pragma('user_version', { simple: true }) as number,
        storeId: storedId(db),
        seq: committedSeq(db),
        docs: count('SELECT count(*) AS n FROM (SELECT doc FROM doc_snapshots UNION SELECT doc FROM doc_updates)', 'doc_updates'),
        updateRows: count('SELECT count(*) AS n FROM doc_updates', 'doc_updates'),
        users: count('SELECT count(*) AS n FROM users', 'users'),
        cases: count('SELECT count(*) AS n FROM case_index', 'case_index'),
        auditEntries: count('SELECT count(*) AS n FROM audit', 'audit'),
        relayClientId: Number.isInteger(clientId) && clientId > 0 ? clientId : null,
      },
      blobs: has('blobs') ? db.prepare<[], { hash: string; size: number }>('SELECT hash, size FROM blobs ORDER BY hash').all() : [],
    };
  } finally {
    db.close();
  }
}

const blobPath = (root: string, hash: string) => join(root, 'blobs', hash.slice(0, 2), hash);

/** Hard link `from` at `to`, or copy it when a link is not possible (another file system). Returns true if linked. */
async function linkOrCopy(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK') throw err;
  }
  await copyFile(from, to);
  await fsyncPath(to);
  return false;
}

/** The snapshot's blobs into `dest/blobs`: from the previous backup when it has the file, else from DATA_DIR. */
async function copyBlobs(dataDir: string, dest: string, blobs: ReadonlyArray<{ hash: string; size: number }>, previous: string | undefined): Promise<{ linked: number; copied: number }> {
  let linked = 0;
  let copied = 0;
  const dirs = new Set<string>();
  for (const b of blobs) {
    const sub = join(dest, 'blobs', b.hash.slice(0, 2));
    if (!dirs.has(sub)) {
      await mkdir(sub, { recursive: true });
      dirs.add(sub);
    }
    const to = join(sub, b.hash);
    const prev = previous ? blobPath(previous, b.hash) : null;
    if (prev && (await sizeOf(prev)) === b.size) {
      await link(prev, to).then(
        () => linked++,
        async () => {
          await copyFile(prev, to);
          copied++;
        },
      );
      continue;
    }
    const live = blobPath(dataDir, b.hash);
    if ((await sizeOf(live)) !== b.size) {
      // GC removed it after the snapshot (only unreferenced blobs go) or it was lost: the restored relay drops the row.
      throw new BackupError(`the blob ${live} listed by the store is missing or has the wrong size`);
    }
    if (await linkOrCopy(live, to)) linked++;
    else copied++;
  }
  for (const d of dirs) await fsyncPath(d);
  return { linked, copied };
}

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch {
    return null;
  }
}

/** Remove `*.partial-<pid>` directories whose process is gone (a crash, a kill during a backup). */
async function removeStalePartials(outDir: string): Promise<void> {
  for (const n of await readdir(outDir)) {
    const m = PARTIAL_PATTERN.exec(n);
    if (!m) continue;
    const pid = Number(m[2]);
    if (pid !== process.pid && processAlive(pid)) continue;
    if (pid === process.pid) continue; // one of ours in progress (a concurrent run in this process)
    await rm(join(outDir, n), { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Check a backup directory: the manifest reads, the store file has its checksum and size and passes the integrity
 * check with the manifest's seq and id, every other file has its checksum, every blob the store lists is there with
 * its size (`hashBlobs`: and its bytes hash to its name). Returns the manifest; throws BackupError naming the problem.
 */
export async function verifyBackup(dir: string, opts: { manifest?: Manifest; hashBlobs?: boolean; checked?: SnapshotFacts } = {}): Promise<Manifest> {
  let manifest = opts.manifest;
  if (!manifest) {
    const path = join(dir, MANIFEST_FILE);
    if (!existsSync(path)) throw new BackupError(`${dir} is not a complete backup: it has no ${MANIFEST_FILE}`);
    try {
      manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    } catch (err) {
      throw new BackupError(`the manifest ${path} cannot be read: ${(err as Error).message}`);
    }
    if (manifest?.format !== 'gridlink-backup' || manifest.version !== 1 || typeof manifest.store?.sha256 !== 'string') {
      throw new BackupError(`the manifest ${path} is not a Gridlink backup manifest (version 1)`);
    }
  }
  const storePath = join(dir, manifest.store.file);
  if (!existsSync(storePath)) throw new BackupError(`the backup's store ${storePath} is missing`);
  const size = statSync(storePath).size;
  if (size !== manifest.store.bytes) throw new BackupError(`the backup's store ${storePath} has ${size} bytes, the manifest says ${manifest.store.bytes}`);
  const sum = await sha256File(storePath);
  if (sum !== manifest.store.sha256) throw new BackupError(`the backup's store ${storePath} does not match the manifest's checksum (sha256 ${sum}, expected ${manifest.store.sha256}): it was changed or damaged`);
  // `checked`: createBackup read this very file (checksummed since) a moment ago: its integrity check is not run twice.
  const facts = opts.checked ?? readSnapshot(storePath);
  if (facts.store.seq !== manifest.store.seq || facts.store.storeId !== manifest.store.storeId) {
    throw new BackupError(`the backup's store ${storePath} is not the one the manifest describes (seq ${facts.store.seq}, id ${facts.store.storeId})`);
  }
  for (const [f, want] of Object.entries(manifest.files)) {
    const p = join(dir, f);
    if (!existsSync(p) || (await sha256File(p)) !== want.sha256) throw new BackupError(`the backup's file ${p} is missing or does not match the manifest`);
  }
  for (const b of facts.blobs) {
    const p = blobPath(dir, b.hash);
    const s = await sizeOf(p);
    if (s !== b.size) throw new BackupError(`the backup's blob ${p} is ${s === null ? 'missing' : `${s} bytes, not ${b.size}`}`);
    if (opts.hashBlobs && (await sha256File(p)) !== b.hash) throw new BackupError(`the backup's blob ${p} does not hash to its name: damaged`);
  }
  return manifest;
}

/** Keep the `keep` newest completed backups in `outDir`; returns the directories removed. */
export async function pruneBackups(outDir: string, keep: number): Promise<string[]> {
  const old = listBackups(outDir).slice(Math.max(1, keep));
  for (const d of old) await rm(d, { recursive: true, force: true });
  return old;
}

// ---------------------------------------------------------------- restore

export interface RestoreOptions {
  from: string;
  dataDir: string;
  force?: boolean;
  now?: () => number;
  log: Logger;
}

export interface RestoreResult {
  manifest: Manifest;
  /** Where the files that were in DATA_DIR went (force), or null. */
  movedAside: string | null;
  retiredClient: number | null;
  blobs: number;
}

/**
 * Restore a verified backup into DATA_DIR (module comment). The relay must be stopped; start it afterwards.
 */
export async function restoreBackup(opts: RestoreOptions): Promise<RestoreResult> {
  const now = opts.now ?? Date.now;
  const from = resolve(opts.from);
  const dataDir = resolve(opts.dataDir);
  const manifest = await verifyBackup(from, { hashBlobs: true });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const dbPath = join(dataDir, STORE_FILE);
  const occupied = [STORE_FILE, `${STORE_FILE}-wal`, `${STORE_FILE}-shm`, MARKER_FILE].filter((f) => existsSync(join(dataDir, f)));
  let movedAside: string | null = null;
  if (occupied.length > 0) {
    if (!opts.force) {
      throw new BackupError(`${dataDir} holds a store (${occupied.join(', ')}): restore into a new, empty DATA_DIR, or add --force to move these files aside first`);
    }
    if (existsSync(dbPath) && storeInUse(dbPath)) {
      throw new BackupError(`${dbPath} is open in another process (a running relay?): stop the relay, then restore`);
    }
    movedAside = join(dataDir, `before-restore-${new Date(now()).toISOString().replace(/[-:.]/g, '')}`);
    await mkdir(movedAside, { mode: 0o700 });
    for (const f of [...occupied, ...EXTRA_FILES.filter((x) => existsSync(join(dataDir, x)))]) await rename(join(dataDir, f), join(movedAside, f));
    opts.log.info(`moved ${occupied.join(', ')} aside into ${movedAside}`);
  }

  // The store, under a temporary name until it is complete and marked as restored.
  const tmp = join(dataDir, `${STORE_FILE}.restoring`);
  await rm(tmp, { force: true });
  await copyFile(join(from, manifest.store.file), tmp);
  let retiredClient: number | null = null;
  const db = new Database(tmp);
  try {
    db.transaction(() => {
      const get = (k: string) => db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(k)?.value;
      const set = (k: string, v: string) => db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(k, v);
      const kept = Number(get('yjs_client_id'));
      const retired = parseRetired(get(RETIRED_CLIENTS_META));
      if (Number.isInteger(kept) && kept > 0) {
        retiredClient = kept;
        if (!retired.includes(kept)) retired.push(kept);
      }
      set(RETIRED_CLIENTS_META, JSON.stringify(retired));
      db.prepare("DELETE FROM meta WHERE key = 'yjs_client_id'").run();
      set('store_id', newStoreId());
      // A backup from before its relay signed receipts: the receipts it lost may come back unsigned (validate.ts).
      const unsignedReturns = get(RECEIPTS_SIGNED_META) === undefined;
      set(RESTORED_META, JSON.stringify({ at: now(), from, backupCreatedAt: manifest.createdAt, backupSeq: manifest.store.seq, unsignedReturns }));
    })();
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
  await fsyncPath(tmp);
  await rename(tmp, dbPath);

  for (const f of Object.keys(manifest.files)) {
    await rm(join(dataDir, f), { force: true });
    await linkOrCopy(join(from, f), join(dataDir, f));
  }
  let blobs = 0;
  const snapshot = readSnapshot(dbPath);
  for (const b of snapshot.blobs) {
    const to = blobPath(dataDir, b.hash);
    if ((await sizeOf(to)) === b.size) continue;
    await mkdir(join(dataDir, 'blobs', b.hash.slice(0, 2)), { recursive: true });
    await rm(to, { force: true });
    // A copy, not a link: DATA_DIR must not share files with the backup it came from.
    await copyFile(blobPath(from, b.hash), to);
    blobs++;
  }
  await fsyncPath(dataDir);
  return { manifest, movedAside, retiredClient, blobs };
}

/** Whether another process has the store open (it holds a lock that an exclusive lock cannot get past). */
function storeInUse(dbPath: string): boolean {
  const db = new Database(dbPath, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    return false;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY' || (err as { code?: string }).code === 'SQLITE_LOCKED') return true;
    throw err;
  } finally {
    db.close();
  }
}

function parseRetired(raw: string | undefined): number[] {
  try {
    const v = JSON.parse(raw ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is number => Number.isInteger(x) && x > 0) : [];
  } catch {
    return [];
  }
}

/**
 * What the relay needs of a restore (app.ts): the Yjs client ids it wrote with before (always owned by the relay),
 * and until when devices may bring back the lost part of the history (null: never restored, or the window is over).
 */
export function restoreState(store: Store, nowMs: number): { retired: Set<number>; returnUntil: number | null; restoredAt: number | null; unsignedReturns: boolean } {
  const retired = new Set(parseRetired(store.getMeta(RETIRED_CLIENTS_META)));
  let at: number | null = null;
  let unsignedReturns = false;
  try {
    const r = JSON.parse(store.getMeta(RESTORED_META) ?? 'null') as { at?: unknown; unsignedReturns?: unknown } | null;
    if (r && typeof r.at === 'number') at = r.at;
    unsignedReturns = r?.unsignedReturns === true;
  } catch {
    // Unreadable: no window.
  }
  const until = at === null ? null : at + RETURN_WINDOW_MS;
  return { retired, returnUntil: until !== null && until > nowMs ? until : null, restoredAt: at, unsignedReturns };
}

// ---------------------------------------------------------------- the schedule

export interface ScheduleOptions {
  dataDir: string;
  dir: string;
  intervalMs: number;
  keep: number;
  store: Store;
  log: Logger;
  now?: () => number;
  /** Delay of the first backup when none is due earlier (default 60 s: not during the start). */
  firstDelayMs?: number;
}

/** A failed scheduled backup is tried again after this (or the interval, when shorter). */
export const BACKUP_RETRY_MS = 15 * 60_000;

/**
 * Scheduled backups inside the relay (BACKUP_DIR, BACKUP_INTERVAL, BACKUP_KEEP): the first when the newest backup in
 * the directory is an interval old (at least `firstDelayMs` after start), then every interval. Never two at once; a
 * failure is logged as an error and retried, and never reaches the relay's serving. `stop` ends the schedule and
 * stops a running backup at its next step.
 */
export class BackupSchedule {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<BackupResult | null> | null = null;
  private stopped = false;
  /** The last result (diagnostics and tests). */
  last: BackupResult | null = null;
  lastError: Error | null = null;

  constructor(private readonly opts: ScheduleOptions) {}

  /** Never throws: a backup directory that cannot be read shows as a failed backup when one is due. */
  start(): void {
    const now = (this.opts.now ?? Date.now)();
    let due = now + (this.opts.firstDelayMs ?? 60_000);
    try {
      const newest = listBackups(this.opts.dir)[0];
      if (newest) {
        const m = JSON.parse(readFileSync(join(newest, MANIFEST_FILE), 'utf8')) as Manifest;
        due = Math.max(due, Date.parse(m.createdAt) + this.opts.intervalMs);
      }
    } catch {
      // Unreadable: back up soon; the attempt reports what is wrong.
    }
    this.arm(due - now);
    this.opts.log.info(`scheduled backups into ${this.opts.dir} every ${Math.round(this.opts.intervalMs / 60_000)} min, keeping ${this.opts.keep}; next in ${Math.round((due - now) / 60_000)} min`);
  }

  private arm(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.runNow().then((r) => this.arm(r ? this.opts.intervalMs : Math.min(this.opts.intervalMs, BACKUP_RETRY_MS))), Math.max(0, ms));
    this.timer.unref();
  }

  /** One backup now (or the one already running); resolves with it, or null when it failed (logged). */
  runNow(): Promise<BackupResult | null> {
    this.running ??= (async () => {
      try {
        const r = await createBackup({ dataDir: this.opts.dataDir, outDir: this.opts.dir, store: this.opts.store, aborted: () => this.stopped, ...(this.opts.now ? { now: this.opts.now } : {}) });
        const removed = await pruneBackups(this.opts.dir, this.opts.keep);
        this.last = r;
        this.lastError = null;
        const m = r.manifest;
        this.opts.log.info(
          `backup ${r.dir}: store ${(m.store.bytes / 1048576).toFixed(1)} MiB through update ${m.store.seq}, ${m.blobs.count} blobs (${(m.blobs.bytes / 1048576).toFixed(1)} MiB, ${m.blobs.copied} copied), ` +
            `${m.durationMs} ms, longest step ${r.longestStepMs.toFixed(1)} ms${removed.length ? `; removed ${removed.length} old backup(s)` : ''}`,
        );
        return r;
      } catch (err) {
        this.lastError = err as Error;
        if (!this.stopped) this.opts.log.error(`BACKUP FAILED into ${this.opts.dir} (the relay keeps serving; retried in ${Math.round(Math.min(this.opts.intervalMs, BACKUP_RETRY_MS) / 60_000)} min)`, err);
        return null;
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** End the schedule; resolves once a running backup has stopped. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
