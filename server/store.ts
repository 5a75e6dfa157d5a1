/**
 * The embedded store: one SQLite file in DATA_DIR (better-sqlite3, WAL, synchronous=FULL).
 *
 * Contracts:
 * - A doc's durable state is its snapshot (if any) merged with its update rows. `appendUpdate` commits one row
 *   (plus case index rows) in one transaction; `appendUpdates` commits many rows, of any docs, in one transaction
 *   (the relay's group commit: one fsync for a burst). When either returns, its rows survive `kill -9` and power
 *   loss (synchronous=FULL fsyncs the WAL on every commit); when it throws, none of them was written.
 * - `compact` replaces a doc's snapshot and the rows it merged with one snapshot in one IMMEDIATE transaction,
 *   reading and deleting only rows up to the highest seq it read, so a row written by anyone else is never lost.
 * - Users carry a password hash (auth.ts) and never leave the server with it.
 * - Opening checks the store first (storecheck.ts `verifyStore`): a damaged store, or one that lost committed
 *   updates (a truncated, damaged or deleted WAL), throws StoreFault and is not opened for writing. Each committed
 *   update's seq then goes to the commit marker outside the WAL (`DATA_DIR/gridlink.committed`).
 * - A write that fails because the disk is full throws SQLite's SQLITE_FULL error (`isStoreFull`), changes nothing,
 *   and leaves every read working; `noteFull` lets the HTTP edge log the condition once, not per request.
 * All calls are synchronous: the relay relies on that to commit before it applies and broadcasts.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { CommitMarker, newStoreId, verifyStore, type StoreReport } from './storecheck.ts';
import { byteaLiteral, isPgUrl, PgDb, SqliteDb, type Db } from './db.ts';
import { ROLES, type Role, type UserInfo } from '../src/domain/org.ts';

export const STORE_FILE = 'gridlink.sqlite';
const SCHEMA_VERSION = 1;
/** A full disk is logged at most this often (the first refused write, then a count). */
export const FULL_LOG_EVERY_MS = 10 * 60_000;

export interface StoredUser extends UserInfo {
  passwordHash: string;
  /** Issue 15: a disabled account signs in to nothing and its tokens are refused. */
  disabled?: boolean;
  /** Issue 15: tokens carry it (`tv`); raised by a password reset or change, a role or scope change, disabling. */
  tokenVersion?: number;
  /** Issue 15: signed in with a temporary password: it must be changed before anything else. */
  mustChange?: boolean;
  /**
   * Issue 15: the person this account is a role of (the id of their main account; absent for a main account). A
   * person holding several roles has one account per role, so every event names the role it was written in.
   */
  person?: string;
}

/** Issue 15: one entry of the append-only audit log (server/audit.ts). */
export interface AuditEntry {
  seq: number;
  at: number;
  /** The account that acted (null: not signed in, e.g. a failed sign-in). */
  actor: string | null;
  action: string;
  /** What it acted on (an account id, an export's name, a doc). */
  target: string | null;
  /** The client's address. */
  ip: string | null;
  detail: Record<string, unknown>;
}

export interface AuditFilter {
  actor?: string;
  /** An action, or a prefix ending in '.' (e.g. `account.`). */
  action?: string;
  target?: string;
  fromMs?: number;
  toMs?: number;
  /** Entries older than this seq (the next page). */
  beforeSeq?: number;
  limit: number;
}

export interface UserListFilter {
  townId?: string;
  role?: string;
  /** Part of the username, name or phone. */
  q?: string;
  disabled?: boolean;
  limit: number;
  offset: number;
}

/** A blob named by an event of case `caseId`, written by `actor` (server/blobs.ts blobRefsOf). */
export interface BlobRef {
  hash: string;
  caseId: string;
  actor: string;
}

/** One update row to commit, with the case index rows and blob references that go with it. */
export interface UpdateRow {
  doc: string;
  update: Uint8Array;
  /** Cases its new reports open (the case index). */
  reportedCaseIds: readonly string[];
  /** Issue 12: the blobs its events name (blobs.ts). */
  blobRefs: readonly BlobRef[];
  /**
   * PostgreSQL (a shared store): the doc's seq this row must take, one past the last the writer has read of it.
   * Another relay holding it already makes the commit throw `SeqConflict`. Absent: the next free one. SQLite
   * ignores it (one relay per store; seqs there are global).
   */
  seq?: number;
}

/** A PostgreSQL commit failed because another relay took a doc's seq first (`isSeqConflict`): catch up, judge again. */
export function isSeqConflict(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

/** Stored parts of a doc after a seq (`Store.readSince`). */
export interface StoredSince {
  /** The snapshot, when a compaction merged rows after `seq` into it (applying it again is harmless: Yjs). */
  snapshot: Uint8Array | null;
  updates: Array<{ seq: number; data: Uint8Array }>;
  /** The doc's highest seq read (the seq given when nothing is newer). */
  seq: number;
}

/** A doc as stored: the snapshot (or null) and the update rows written after it, in commit order. */
export interface StoredDoc {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
  /** The highest seq of the doc read (its snapshot's or its last row's; 0: none): where a catch-up starts. */
  seq: number;
}

/** A stored doc's parts in the order they apply: the snapshot (if any), then the update rows. */
export function storedParts(stored: StoredDoc): Uint8Array[] {
  return stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates;
}

/**
 * A stored doc as a Y.Doc, outside the relay (one-time migrations at start, before the relay loads anything).
 * `roots`: root arrays to define first, so they are read with the type every replica uses.
 */
export function loadStoredDoc(store: Store, name: string, roots: readonly string[]): Y.Doc {
  const doc = new Y.Doc();
  for (const r of roots) doc.getArray(r);
  for (const part of storedParts(store.loadDoc(name))) Y.applyUpdate(doc, part);
  return doc;
}

type Scope = Pick<UserInfo, 'townId' | 'villageId' | 'gridId' | 'unitId' | 'phone' | 'phoneVerified'>;
interface UserRow {
  id: string;
  username: string;
  name: string;
  role: string;
  scope: string;
  password_hash: string;
  disabled?: number;
  token_version?: number;
  must_change?: number;
  person?: string | null;
}

export function storeExists(dataDir: string): boolean {
  return existsSync(join(dataDir, STORE_FILE));
}

export interface StoreOptions {
  /** `postgres://...`: the shared PostgreSQL store (several relays). Absent: the embedded SQLite file in dataDir. */
  databaseUrl?: string;
}

/** Channel of the commit notifications on PostgreSQL: payload `<doc>:<seq>` (relay.ts catches up from it). */
export const NOTIFY_CHANNEL = 'gridlink_updates';
/**
 * Channel of account changes on PostgreSQL that may invalidate tokens (token version, disabled, role; a removed
 * user): payload the user id, sent at commit by a trigger on `users` whatever changed it, which also counts them
 * in meta ACCOUNTS_REV_META (the poll's backstop when a notification is lost). Each relay checks the live sockets
 * of that user against the store again (relay.ts `recheckUsers`).
 */
export const ACCOUNTS_CHANNEL = 'gridlink_accounts';
export const ACCOUNTS_REV_META = 'accounts_rev';

export class Store {
  /** The SQL connection (db.ts): SQLite or PostgreSQL, one API. */
  readonly db: Db;
  /** The SQLite handle (backup, tests' fault hooks); null on PostgreSQL. */
  readonly sqlite: Database.Database | null;
  /** Several relays may write this store (PostgreSQL): the relay catches up on others' rows (relay.ts). */
  readonly shared: boolean;
  /** What the start-up check found (storecheck.ts): the check run, its time, notes to log. */
  readonly report: StoreReport;
  private readonly marker: CommitMarker | null;
  private fullLoggedAt = -Infinity;
  private fullRefused = 0;
  /** Writes refused for a full disk since the store opened (diagnostics and tests). */
  fullRefusedTotal = 0;
  private readonly stmts;
  /** Writes to each doc's content by this process (`contentKeys` on SQLite). */
  private readonly writes = new Map<string, number>();

  constructor(dataDir: string, opts: StoreOptions = {}) {
    if (isPgUrl(opts.databaseUrl)) {
      this.sqlite = null;
      this.shared = true;
      this.report = { check: null, checkMs: 0, seq: 0, notes: [] };
      this.db = new PgDb(opts.databaseUrl);
      this.migratePg();
    } else {
      mkdirSync(dataDir, { recursive: true });
      this.shared = false;
      this.report = verifyStore(dataDir, STORE_FILE);
      this.sqlite = new Database(join(dataDir, STORE_FILE));
      this.sqlite.pragma('journal_mode = WAL');
      this.sqlite.pragma('synchronous = FULL');
      this.sqlite.pragma('busy_timeout = 5000');
      this.db = new SqliteDb(this.sqlite);
      this.migrate(this.sqlite);
      // Issue 12: the cases whose accepted events name a blob (server/blobs.ts). Created on any store, old or new,
      // without a schema version step: an older relay simply ignores the table.
      // `actor`: the author of the event that names the blob (only an owner's naming opens the blob to the case's readers).
      this.db.exec('CREATE TABLE IF NOT EXISTS blob_refs (hash TEXT NOT NULL, doc TEXT NOT NULL, case_id TEXT NOT NULL, actor TEXT NOT NULL, PRIMARY KEY (hash, doc, case_id, actor))');
      // Issue 13: residents sign in by phone (server/residents.ts); an index, no schema version step.
      this.db.exec("CREATE INDEX IF NOT EXISTS users_resident_phone ON users (json_extract(scope, '$.phone')) WHERE role = 'resident'");
      this.migrateAccounts(this.sqlite);
    }
    const db = this.db;
    const pg = db.dialect === 'pg';
    this.stmts = {
      userById: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
      userByName: db.prepare<[string], UserRow>(pg ? 'SELECT * FROM users WHERE lower(username) = lower(?)' : 'SELECT * FROM users WHERE username = ?'),
      insertUser: db.prepare('INSERT INTO users (id, username, name, role, scope, password_hash, must_change, person) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      userCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users'),
      snapshot: db.prepare<[string], { data: Buffer }>('SELECT data FROM doc_snapshots WHERE doc = ?'),
      updates: db.prepare<[string], { seq: number; data: Buffer }>('SELECT seq, data FROM doc_updates WHERE doc = ? ORDER BY seq'),
      // One statement, so one consistent view on PostgreSQL even while another relay compacts the doc.
      parts: pg
        ? db.prepare<[string, number, string, number], { k: string; seq: number; data: Buffer }>(
            "SELECT 's' AS k, seq, data FROM doc_snapshots WHERE doc = ? AND seq > ? UNION ALL SELECT 'u' AS k, seq, data FROM doc_updates WHERE doc = ? AND seq > ? ORDER BY k, seq",
          )
        : null,
      updateCount: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM doc_updates WHERE doc = ?'),
      insertUpdate: db.prepare('INSERT INTO doc_updates (doc, data) VALUES (?, ?)'),
      deleteUpdatesUpTo: db.prepare('DELETE FROM doc_updates WHERE doc = ? AND seq <= ?'),
      putSnapshot: pg
        ? db.prepare('INSERT INTO doc_snapshots (doc, seq, data) VALUES (?, ?, ?) ON CONFLICT(doc) DO UPDATE SET data = excluded.data, seq = greatest(doc_snapshots.seq, excluded.seq)')
        : db.prepare('INSERT INTO doc_snapshots (doc, data) VALUES (?, ?) ON CONFLICT(doc) DO UPDATE SET data = excluded.data'),
      hasDoc: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM doc_snapshots WHERE doc = ? UNION ALL SELECT 1 FROM doc_updates WHERE doc = ? LIMIT 1'),
      docCount: db.prepare<[], { n: number }>('SELECT (SELECT count(*) FROM doc_snapshots) + (SELECT count(*) FROM doc_updates) AS n'),
      indexCase: db.prepare('INSERT OR IGNORE INTO case_index (case_id, doc) VALUES (?, ?)'),
      blobRef: db.prepare('INSERT OR IGNORE INTO blob_refs (hash, doc, case_id, actor) VALUES (?, ?, ?, ?)'),
      caseDoc: db.prepare<[string], { doc: string }>('SELECT doc FROM case_index WHERE case_id = ?'),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    };
    let storeId = this.getMeta('store_id');
    if (!storeId) this.setMeta('store_id', (storeId = newStoreId()));
    this.marker = this.sqlite ? new CommitMarker(dataDir, storeId, this.report.seq) : null;
  }

  private migrate(db: Database.Database): void {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`store schema ${version} is newer than this relay (${SCHEMA_VERSION})`);
    if (version === SCHEMA_VERSION) return;
    db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        scope TEXT NOT NULL DEFAULT '{}',
        password_hash TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS doc_snapshots (doc TEXT PRIMARY KEY, data BLOB NOT NULL);
      CREATE TABLE IF NOT EXISTS doc_updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL, data BLOB NOT NULL);
      CREATE INDEX IF NOT EXISTS doc_updates_by_doc ON doc_updates (doc, seq);
      CREATE TABLE IF NOT EXISTS case_index (case_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
      PRAGMA user_version = ${SCHEMA_VERSION};
    `);
  }

  /**
   * Issue 15, on any store, old or new, without a schema version step (an older relay ignores what it does not
   * know): account state columns, and the audit log. The log is append-only in the database itself: triggers
   * refuse every UPDATE and DELETE of its rows, whoever runs them.
   */
  private migrateAccounts(db: Database.Database): void {
    const columns = new Set(db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('users')").all().map((c) => c.name));
    db.transaction(() => {
      if (!columns.has('disabled')) db.exec('ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0');
      if (!columns.has('token_version')) db.exec('ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0');
      if (!columns.has('must_change')) db.exec('ALTER TABLE users ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0');
      if (!columns.has('person')) db.exec('ALTER TABLE users ADD COLUMN person TEXT');
      db.exec('CREATE INDEX IF NOT EXISTS users_by_person ON users (person) WHERE person IS NOT NULL');
      db.exec(`
        CREATE TABLE IF NOT EXISTS audit (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          at INTEGER NOT NULL,
          actor TEXT,
          action TEXT NOT NULL,
          target TEXT,
          ip TEXT,
          detail TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX IF NOT EXISTS audit_by_actor ON audit (actor, seq);
        CREATE INDEX IF NOT EXISTS audit_by_action ON audit (action, seq);
        CREATE INDEX IF NOT EXISTS audit_by_at ON audit (at);
        CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      `);
    })();
  }

  /**
   * The PostgreSQL schema (the same tables as SQLite's, every step above at once). Differences: a doc's update rows
   * are keyed by (doc, seq) with seqs counted per doc (the primary key is where two relays writing one doc are
   * serialised), the snapshot records the seq it merged up to, `gridlink_append` refuses a seq at or below the
   * snapshot's (a compaction by another relay deleted it), compaction and appends of a doc exclude each other
   * with an advisory lock, usernames are unique ignoring case through an index on lower(username), and users have
   * a `rowid` (insertion order, as SQLite's).
   */
  private migratePg(): void {
    const db = this.db;
    db.exec("SET client_min_messages = 'warning'");
    db.transaction(() => {
      // Two relays starting at once on an empty database: one creates, the other waits.
      db.exec('SELECT pg_advisory_xact_lock(8716001)');
      db.exec(`
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS users (
          rowid BIGSERIAL,
          id TEXT PRIMARY KEY,
          username TEXT NOT NULL,
          name TEXT NOT NULL,
          role TEXT NOT NULL,
          scope TEXT NOT NULL DEFAULT '{}',
          password_hash TEXT NOT NULL,
          disabled BIGINT NOT NULL DEFAULT 0,
          token_version BIGINT NOT NULL DEFAULT 0,
          must_change BIGINT NOT NULL DEFAULT 0,
          person TEXT
        );
        CREATE UNIQUE INDEX IF NOT EXISTS users_username ON users (lower(username));
        CREATE INDEX IF NOT EXISTS users_by_person ON users (person) WHERE person IS NOT NULL;
        CREATE INDEX IF NOT EXISTS users_resident_phone ON users ((scope::jsonb ->> 'phone')) WHERE role = 'resident';
        CREATE TABLE IF NOT EXISTS doc_snapshots (doc TEXT PRIMARY KEY, seq BIGINT NOT NULL DEFAULT 0, data BYTEA NOT NULL);
        CREATE TABLE IF NOT EXISTS doc_updates (doc TEXT NOT NULL, seq BIGINT NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (doc, seq));
        CREATE TABLE IF NOT EXISTS case_index (case_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS blob_refs (hash TEXT NOT NULL, doc TEXT NOT NULL, case_id TEXT NOT NULL, actor TEXT NOT NULL, PRIMARY KEY (hash, doc, case_id, actor));
        CREATE TABLE IF NOT EXISTS audit (
          seq BIGSERIAL PRIMARY KEY,
          at BIGINT NOT NULL,
          actor TEXT,
          action TEXT NOT NULL,
          target TEXT,
          ip TEXT,
          detail TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX IF NOT EXISTS audit_by_actor ON audit (actor, seq);
        CREATE INDEX IF NOT EXISTS audit_by_action ON audit (action, seq);
        CREATE INDEX IF NOT EXISTS audit_by_at ON audit (at);
        CREATE OR REPLACE FUNCTION gridlink_audit_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$ LANGUAGE plpgsql;
        DROP TRIGGER IF EXISTS audit_no_update ON audit;
        CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION gridlink_audit_append_only();
        CREATE OR REPLACE FUNCTION gridlink_account_changed() RETURNS trigger AS $$
        BEGIN
          INSERT INTO meta (key, value) VALUES ('${ACCOUNTS_REV_META}', '1')
            ON CONFLICT (key) DO UPDATE SET value = (meta.value::bigint + 1)::text;
          PERFORM pg_notify('${ACCOUNTS_CHANNEL}', OLD.id);
          RETURN NULL;
        END $$ LANGUAGE plpgsql;
        DROP TRIGGER IF EXISTS users_access_changed ON users;
        CREATE TRIGGER users_access_changed AFTER UPDATE ON users FOR EACH ROW
          WHEN (OLD.token_version IS DISTINCT FROM NEW.token_version OR OLD.disabled IS DISTINCT FROM NEW.disabled OR OLD.role IS DISTINCT FROM NEW.role)
          EXECUTE FUNCTION gridlink_account_changed();
        DROP TRIGGER IF EXISTS users_removed ON users;
        CREATE TRIGGER users_removed AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION gridlink_account_changed();
        CREATE OR REPLACE FUNCTION gridlink_append(d TEXT, s BIGINT, u BYTEA) RETURNS BIGINT AS $$
        BEGIN
          PERFORM pg_advisory_xact_lock_shared(hashtext(d));
          IF s IS NULL THEN
            SELECT greatest(coalesce((SELECT max(seq) FROM doc_updates WHERE doc = d), 0), coalesce((SELECT seq FROM doc_snapshots WHERE doc = d), 0)) + 1 INTO s;
          ELSIF EXISTS (SELECT 1 FROM doc_snapshots WHERE doc = d AND seq >= s) THEN
            RAISE unique_violation USING MESSAGE = 'seq ' || s || ' of ' || d || ' was taken and compacted';
          END IF;
          INSERT INTO doc_updates (doc, seq, data) VALUES (d, s, u);
          RETURN s;
        END $$ LANGUAGE plpgsql;
      `);
    });
  }

  /** True when nothing has been stored yet (no users, no docs): the demo county may be seeded. */
  isEmpty(): boolean {
    return this.stmts.userCount.get()!.n === 0 && this.stmts.docCount.get()!.n === 0;
  }

  // ---- users

  userById(id: string): StoredUser | undefined {
    const row = this.stmts.userById.get(id);
    return row ? toUser(row) : undefined;
  }

  /** Case-insensitive: people type usernames on phones that capitalise the first letter. */
  userByName(username: string): StoredUser | undefined {
    const row = this.stmts.userByName.get(username);
    return row ? toUser(row) : undefined;
  }

  /**
   * Resident accounts with this (normalised) phone, oldest first, at most `limit` (issue 13: a phone may be shared
   * by a household, server/residents.ts).
   */
  residentsByPhone(phone: string, limit: number): StoredUser[] {
    return this.db
      .prepare<[string, number], UserRow>("SELECT * FROM users WHERE role = 'resident' AND json_extract(scope, '$.phone') = ? ORDER BY rowid LIMIT ?")
      .all(phone, limit)
      .map(toUser);
  }

  insertUsers(users: readonly StoredUser[]): void {
    this.db.transaction(() => {
      for (const u of users) {
        this.stmts.insertUser.run(u.id, u.username, u.name, u.role, JSON.stringify(scopeJson(u)), u.passwordHash, u.mustChange ? 1 : 0, u.person ?? null);
      }
    });
  }

  /** Staff accounts (no residents) matching `f`, by username, and how many match in all. */
  listUsers(f: UserListFilter): { users: StoredUser[]; total: number } {
    const where = ["role != 'resident'"];
    const args: Array<string | number> = [];
    if (f.townId) {
      where.push("json_extract(scope, '$.townId') = ?");
      args.push(f.townId);
    }
    if (f.role) {
      where.push('role = ?');
      args.push(f.role);
    }
    if (f.disabled !== undefined) {
      where.push('disabled = ?');
      args.push(f.disabled ? 1 : 0);
    }
    if (f.q) {
      where.push("(instr(lower(username), lower(?)) > 0 OR instr(name, ?) > 0 OR instr(coalesce(json_extract(scope, '$.phone'), ''), ?) > 0)");
      args.push(f.q, f.q, f.q);
    }
    const sql = where.join(' AND ');
    const total = this.db.prepare<Array<string | number>, { n: number }>(`SELECT count(*) AS n FROM users WHERE ${sql}`).get(...args)!.n;
    const rows = this.db.prepare<Array<string | number>, UserRow>(`SELECT * FROM users WHERE ${sql} ORDER BY username LIMIT ? OFFSET ?`).all(...args, f.limit, f.offset);
    return { users: rows.map(toUser), total };
  }

  /**
   * Change an account's name, role, scope (phone included) or disabled state, as given. A change of role, scope
   * or disabled state raises its token version: every token issued before is refused from then on.
   */
  updateUser(id: string, patch: { name?: string; role?: Role; scope?: Scope; disabled?: boolean }): StoredUser | undefined {
    return this.db.transaction(() => {
      const before = this.userById(id);
      if (!before) return undefined;
      const revoke =
        (patch.role !== undefined && patch.role !== before.role) ||
        (patch.disabled !== undefined && patch.disabled !== Boolean(before.disabled)) ||
        (patch.scope !== undefined && (['townId', 'villageId', 'gridId', 'unitId'] as const).some((k) => (patch.scope![k] ?? null) !== (before[k] ?? null)));
      this.db
        .prepare('UPDATE users SET name = coalesce(?, name), role = coalesce(?, role), scope = coalesce(?, scope), disabled = coalesce(?, disabled), token_version = token_version + ? WHERE id = ?')
        .run(patch.name ?? null, patch.role ?? null, patch.scope ? JSON.stringify(scopeJson(patch.scope)) : null, patch.disabled === undefined ? null : patch.disabled ? 1 : 0, revoke ? 1 : 0, id);
      return this.userById(id);
    });
  }

  /** Issue 15: every account of the person whose main account is `person` (that one first, then by id). */
  personAccounts(person: string): StoredUser[] {
    return this.db
      .prepare<[string, string], UserRow>('SELECT * FROM users WHERE id = ? OR person = ? ORDER BY person IS NOT NULL, id')
      .all(person, person)
      .map(toUser);
  }

  /** Raise the token version of every role account of `person` (not the main one): their tokens are refused. */
  revokeRoles(person: string): string[] {
    const ids = this.db.prepare<[string], { id: string }>('SELECT id FROM users WHERE person = ?').all(person).map((r) => r.id);
    this.db.prepare('UPDATE users SET token_version = token_version + 1 WHERE person = ?').run(person);
    return ids;
  }

  /** Set a password hash (reset or change); raises the token version. `mustChange`: a temporary password. */
  setPassword(id: string, passwordHash: string, mustChange: boolean): boolean {
    return this.db.prepare('UPDATE users SET password_hash = ?, must_change = ?, token_version = token_version + 1 WHERE id = ?').run(passwordHash, mustChange ? 1 : 0, id).changes === 1;
  }

  // ---- audit (issue 15)

  appendAudit(e: Omit<AuditEntry, 'seq'>): number {
    const returning = this.db.dialect === 'pg' ? ' RETURNING seq' : '';
    const r = this.db.prepare(`INSERT INTO audit (at, actor, action, target, ip, detail) VALUES (?, ?, ?, ?, ?, ?)${returning}`).run(e.at, e.actor, e.action, e.target, e.ip, JSON.stringify(e.detail));
    return Number(r.lastInsertRowid);
  }

  /** Audit entries matching `f`, newest first. */
  auditEntries(f: AuditFilter): AuditEntry[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (f.actor) {
      where.push('actor = ?');
      args.push(f.actor);
    }
    if (f.action) {
      if (f.action.endsWith('.')) {
        where.push('substr(action, 1, ?) = ?');
        args.push(f.action.length, f.action);
      } else {
        where.push('action = ?');
        args.push(f.action);
      }
    }
    if (f.target) {
      where.push('target = ?');
      args.push(f.target);
    }
    if (f.fromMs !== undefined) {
      where.push('at >= ?');
      args.push(f.fromMs);
    }
    if (f.toMs !== undefined) {
      where.push('at < ?');
      args.push(f.toMs);
    }
    if (f.beforeSeq !== undefined) {
      where.push('seq < ?');
      args.push(f.beforeSeq);
    }
    const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    return this.db
      .prepare<Array<string | number>, { seq: number; at: number; actor: string | null; action: string; target: string | null; ip: string | null; detail: string }>(sql)
      .all(...args, f.limit)
      .map((r) => {
        let detail: Record<string, unknown> = {};
        try {
          detail = JSON.parse(r.detail) as Record<string, unknown>;
        } catch {
          // Rows are only ever written by appendAudit; a damaged one still shows who, what and when.
        }
        return { ...r, detail };
      });
  }

  /** For tests of the append-only rule: run raw SQL on the store as any code in the process could. */
  execRaw(sql: string): void {
    this.db.exec(sql);
  }

  // ---- docs

  loadDoc(doc: string): StoredDoc {
    const r = this.readSince(doc, -1);
    return { snapshot: r.snapshot, updates: r.updates.map((u) => u.data), seq: r.seq };
  }

  /**
   * A doc's stored parts after `seq` (a relay catching up on other relays' rows, relay.ts): the update rows with a
   * higher seq, and the snapshot too when a compaction merged rows past `seq` into it. One statement: one view.
   */
  readSince(doc: string, seq: number): StoredSince {
    let snapshot: Uint8Array | null = null;
    let top = Math.max(seq, 0);
    const updates: StoredSince['updates'] = [];
    if (this.shared || seq < 0) {
      const rows = this.stmts.parts?.all(doc, seq, doc, seq) ?? null;
      if (rows) {
        for (const r of rows) {
          if (r.k === 's') snapshot = new Uint8Array(r.data);
          else updates.push({ seq: r.seq, data: new Uint8Array(r.data) });
          top = Math.max(top, r.seq);
        }
      } else {
        const snap = this.stmts.snapshot.get(doc);
        if (snap) snapshot = new Uint8Array(snap.data);
        for (const r of this.stmts.updates.all(doc)) {
          updates.push({ seq: r.seq, data: new Uint8Array(r.data) });
          top = Math.max(top, r.seq);
        }
      }
    } else {
      // SQLite: one relay per store, seqs global; a snapshot has no seq (only `compact` of this relay writes it).
      for (const r of this.db.prepare<[string, number], { seq: number; data: Buffer }>('SELECT seq, data FROM doc_updates WHERE doc = ? AND seq > ? ORDER BY seq').all(doc, seq)) {
        updates.push({ seq: r.seq, data: new Uint8Array(r.data) });
        top = Math.max(top, r.seq);
      }
    }
    return { snapshot, updates, seq: top };
  }

  /**
   * A key per doc that changes whenever its stored content does (server/foldcache.ts keeps folds by it). PostgreSQL:
   * the doc's head seq, which every relay's rows raise and compaction keeps (its snapshot takes the seq it merged up
   * to). SQLite: this process's count of writes to the doc (one relay per store: every write goes through here;
   * compaction only merges what is there, and its snapshot has no seq to read).
   */
  contentKeys(docs: readonly string[]): Map<string, string> {
    if (!this.shared) return new Map(docs.map((d) => [d, `w${this.writes.get(d) ?? 0}`]));
    const heads = this.heads(docs);
    return new Map(docs.map((d) => [d, `s${heads.get(d) ?? -1}`]));
  }

  private wrote(docs: Iterable<string>): void {
    for (const d of docs) this.writes.set(d, (this.writes.get(d) ?? 0) + 1);
  }

  /** PostgreSQL: the highest seq of each of these docs (a relay's backstop poll, relay.ts). */
  heads(docs: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    if (!this.shared || docs.length === 0) return out;
    const list = `ARRAY[${docs.map((d) => (this.db as PgDb).literal(d)).join(',')}]::text[]`;
    const rows = this.db
      .prepare<[], { doc: string; seq: number }>(
        `SELECT doc, max(seq) AS seq FROM (SELECT doc, seq FROM doc_snapshots WHERE doc = ANY(${list}) UNION ALL SELECT doc, max(seq) FROM doc_updates WHERE doc = ANY(${list}) GROUP BY doc) t GROUP BY doc`,
      )
      .all();
    for (const r of rows) out.set(r.doc, r.seq);
    return out;
  }

  updateCount(doc: string): number {
    return this.stmts.updateCount.get(doc)!.n;
  }

  /**
   * Commit one accepted update, the case index rows it creates and the blob references of its events (issue 12:
   * who may read a blob, server/blobs.ts), in one transaction. Returns its seq.
   */
  appendUpdate(doc: string, update: Uint8Array, reportedCaseIds: readonly string[] = [], blobRefs: readonly BlobRef[] = []): number {
    return this.appendUpdates([{ doc, update, reportedCaseIds, blobRefs }])[0]!;
  }

  /**
   * Commit several update rows (of one doc or many), each with its case index rows and blob references, in ONE
   * transaction: one WAL fsync for all of them (PostgreSQL: one round trip and one commit). Rows of a doc apply in
   * seq order. All or nothing: SQLITE_FULL (disk full, `isStoreFull`) or any other error throws with none of them
   * written; on PostgreSQL a row whose `seq` another relay took throws a `SeqConflict` (`isSeqConflict`). Returns
   * their seqs. PostgreSQL also notifies the other relays (`NOTIFY gridlink_updates, '<doc>:<seq>'`, sent at commit).
   */
  appendUpdates(rows: readonly UpdateRow[]): number[] {
    if (rows.length === 0) return [];
    if (this.db instanceof PgDb) return this.appendPg(this.db, rows);
    this.wrote(rows.map((r) => r.doc));
    const seqs = this.db.transaction(() =>
      rows.map((r) => {
        const { lastInsertRowid } = this.stmts.insertUpdate.run(r.doc, r.update);
        for (const id of r.reportedCaseIds) this.stmts.indexCase.run(id, r.doc);
        for (const b of r.blobRefs) this.stmts.blobRef.run(b.hash, r.doc, b.caseId, b.actor);
        return lastInsertRowid;
      }),
    );
    this.marker?.committed(seqs[seqs.length - 1]!);
    return seqs;
  }

  /**
   * PostgreSQL group commit: every statement of the burst as one simple query (one round trip; one implicit
   * transaction, rolled back whole on any error). Rows without a seq (seeding, migrations outside the relay) go
   * through `gridlink_append`'s next free seq, one statement at a time inside a transaction.
   */
  private appendPg(db: PgDb, rows: readonly UpdateRow[]): number[] {
    const lit = (s: string) => db.literal(s);
    const last = new Map<string, number>();
    if (db.inTransaction || rows.some((r) => r.seq === undefined)) {
      return db.transaction(() => {
        const seqs = rows.map((r) => {
          const seq = db.query('SELECT gridlink_append($1, $2, $3) AS seq', [r.doc, r.seq ?? null, r.update]).rows[0]!.seq as number;
          for (const id of r.reportedCaseIds) this.stmts.indexCase.run(id, r.doc);
          for (const b of r.blobRefs) this.stmts.blobRef.run(b.hash, r.doc, b.caseId, b.actor);
          last.set(r.doc, seq);
          return seq;
        });
        for (const [doc, seq] of last) db.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, `${doc}:${seq}`]);
        return seqs;
      });
    }
    const sql: string[] = [];
    for (const r of rows) {
      sql.push(`SELECT gridlink_append(${lit(r.doc)}, ${r.seq!}, ${byteaLiteral(r.update)})`);
      for (const id of r.reportedCaseIds) sql.push(`INSERT INTO case_index (case_id, doc) VALUES (${lit(id)}, ${lit(r.doc)}) ON CONFLICT DO NOTHING`);
      for (const b of r.blobRefs) sql.push(`INSERT INTO blob_refs (hash, doc, case_id, actor) VALUES (${lit(b.hash)}, ${lit(r.doc)}, ${lit(b.caseId)}, ${lit(b.actor)}) ON CONFLICT DO NOTHING`);
      last.set(r.doc, r.seq!);
    }
    for (const [doc, seq] of last) sql.push(`SELECT pg_notify(${lit(NOTIFY_CHANNEL)}, ${lit(`${doc}:${seq}`)})`);
    db.execBatch(sql.join(';\n'));
    return rows.map((r) => r.seq!);
  }

  /**
   * A write failed for lack of space. Returns the number of writes refused so far when this one should be logged
   * (the first, then at most once per FULL_LOG_EVERY_MS), else null: a full disk is logged once, not per request.
   */
  noteFull(nowMs: number): number | null {
    this.fullRefused++;
    this.fullRefusedTotal++;
    if (nowMs - this.fullLoggedAt < FULL_LOG_EVERY_MS) return null;
    this.fullLoggedAt = nowMs;
    const n = this.fullRefused;
    this.fullRefused = 0;
    return n;
  }

  /** Write a doc as one snapshot (seeding); its existing rows, if any, are merged in. */
  putSnapshot(doc: string, data: Uint8Array, reportedCaseIds: readonly string[] = []): void {
    this.wrote([doc]);
    this.db.transaction(() => {
      if (this.shared) this.stmts.putSnapshot.run(doc, 0, data);
      else this.stmts.putSnapshot.run(doc, data);
      for (const id of reportedCaseIds) this.stmts.indexCase.run(id, doc);
    });
    if (this.updateCount(doc) > 0) this.compact(doc);
  }

  /**
   * Replace a doc's whole content by one snapshot, dropping its update rows (server/idsplit.ts rewrites people docs
   * that held full ID numbers). Only while the relay does not hold the doc in memory (at startup).
   */
  replaceDoc(doc: string, data: Uint8Array): void {
    this.wrote([doc]);
    this.db.transaction(() => {
      const top = this.shared ? this.readSince(doc, -1).seq : 0;
      this.db.prepare('DELETE FROM doc_updates WHERE doc = ?').run(doc);
      if (this.shared) this.stmts.putSnapshot.run(doc, top, data);
      else this.stmts.putSnapshot.run(doc, data);
    });
  }

  /**
   * Merge a doc's snapshot and update rows into one snapshot. Returns the number of rows merged.
   * IMMEDIATE takes the write lock before reading, so the rows deleted are exactly the rows merged.
   */
  compact(doc: string): number {
    const run = () => {
      // PostgreSQL: no append of this doc runs meanwhile (gridlink_append takes the same lock, shared).
      if (this.shared) this.db.prepare('SELECT pg_advisory_xact_lock(hashtext(?))').get(doc);
      const rows = this.stmts.updates.all(doc);
      if (rows.length === 0) return 0;
      const snap = this.stmts.snapshot.get(doc);
      const parts = rows.map((r) => new Uint8Array(r.data));
      if (snap) parts.unshift(new Uint8Array(snap.data));
      const top = rows[rows.length - 1]!.seq;
      if (this.shared) this.stmts.putSnapshot.run(doc, top, Y.mergeUpdates(parts));
      else this.stmts.putSnapshot.run(doc, Y.mergeUpdates(parts));
      this.stmts.deleteUpdatesUpTo.run(doc, top);
      return rows.length;
    };
    return this.db instanceof SqliteDb ? this.db.immediate(run) : this.db.transaction(run);
  }

  /** Record that cases of `doc` name these blobs (seeding, the one-time scan of blobs.ts migrateBlobRefs). */
  addBlobRefs(doc: string, refs: readonly BlobRef[]): void {
    this.db.transaction(() => {
      for (const r of refs) this.stmts.blobRef.run(r.hash, doc, r.caseId, r.actor);
    });
  }

  caseDoc(caseId: string): string | undefined {
    return this.stmts.caseDoc.get(caseId)?.doc;
  }

  /** Accounts per role (Table 1 of the assessment: system users and app users). */
  usersByRole(): Record<string, number> {
    const rows = this.db.prepare<[], { role: string; n: number }>('SELECT role, count(*) AS n FROM users GROUP BY role').all();
    return Object.fromEntries(rows.map((r) => [r.role, r.n]));
  }

  /**
   * Password hashes that may carry a published password (accounts.ts): those shared by several accounts (only a
   * seed writes one hash for many; every other account has a salt of its own) and every administrator's.
   */
  hashesSharedOrAdmin(): Array<{ passwordHash: string; accounts: number; example: string }> {
    return this.db
      .prepare<[], { passwordHash: string; accounts: number; example: string }>(
        `SELECT password_hash AS passwordHash, count(*) AS accounts, min(username) AS example FROM users
         GROUP BY password_hash HAVING count(*) > 1 OR sum(CASE WHEN role = 'admin' THEN 1 ELSE 0 END) > 0`,
      )
      .all();
  }

  /** Whether a doc is stored (a snapshot or update rows): one of `docNames()`, without listing them all. */
  hasDoc(doc: string): boolean {
    return this.stmts.hasDoc.get(doc, doc) !== undefined;
  }

  /** Names of every stored doc. */
  docNames(): string[] {
    const rows = this.db.prepare<[], { doc: string }>('SELECT doc FROM doc_snapshots UNION SELECT doc FROM doc_updates ORDER BY doc').all();
    return rows.map((r) => r.doc);
  }

  // ---- meta

  getMeta(key: string): string | undefined {
    return this.stmts.getMeta.get(key)?.value;
  }

  setMeta(key: string, value: string): void {
    this.stmts.setMeta.run(key, value);
  }

  /** Run several writes as one transaction (seeding). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn);
  }

  close(): void {
    if (this.db.open) this.db.close();
    this.marker?.close();
  }
}

/** The stored scope column of a user: only the fields it holds. */
function scopeJson(u: Scope): Scope {
  const scope: Scope = {};
  if (u.townId) scope.townId = u.townId;
  if (u.villageId) scope.villageId = u.villageId;
  if (u.gridId) scope.gridId = u.gridId;
  if (u.unitId) scope.unitId = u.unitId;
  if (u.phone) scope.phone = u.phone;
  if (u.phoneVerified) scope.phoneVerified = true;
  return scope;
}

function toUser(row: UserRow): StoredUser {
  const role = (ROLES as readonly string[]).includes(row.role) ? (row.role as Role) : 'resident';
  let scope: Scope = {};
  try {
    scope = JSON.parse(row.scope) as Scope;
  } catch {
    // A damaged scope gives the user no scope at all rather than someone else's.
  }
  const user: StoredUser = { id: row.id, username: row.username, name: row.name, role, passwordHash: row.password_hash };
  if (typeof scope.townId === 'string') user.townId = scope.townId;
  if (typeof scope.villageId === 'string') user.villageId = scope.villageId;
  if (typeof scope.gridId === 'string') user.gridId = scope.gridId;
  if (typeof scope.unitId === 'string') user.unitId = scope.unitId;
  if (typeof scope.phone === 'string') user.phone = scope.phone;
  if (scope.phoneVerified === true) user.phoneVerified = true;
  if (row.disabled) user.disabled = true;
  user.tokenVersion = row.token_version ?? 0;
  if (row.must_change) user.mustChange = true;
  if (row.person) user.person = row.person;
  return user;
}
