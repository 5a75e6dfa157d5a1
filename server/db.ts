/**
 * The store's SQL connection, one API for both dialects (issue 16, "PostgreSQL and several relays"):
 * `prepare(sql).run/get/all`, `exec`, `transaction(fn)`, all SYNCHRONOUS, like better-sqlite3, so the relay and the
 * HTTP modules keep one code path whichever store is configured.
 *
 * - SQLite (`SqliteDb`): better-sqlite3 as it was.
 * - PostgreSQL (`PgDb`): libpq's synchronous calls through pg-native (`querySync`). The event loop waits for the
 *   server's answer, as it waits for SQLite's fsync: the trade-off the store always made (a write is durable before
 *   the relay broadcasts or acknowledges it). Group commit makes it one round trip per burst (store.ts
 *   `appendUpdates`). pg-native is an optional dependency, loaded only when DATABASE_URL names PostgreSQL.
 *
 * SQL is written once, in the subset both understand; `pgSql` translates what differs mechanically:
 * `?` placeholders to `$n`, `INSERT OR IGNORE` to `ON CONFLICT DO NOTHING`, `json_extract(c, '$.k')` to
 * `(c::jsonb ->> 'k')`, `instr` to `strpos`, two-argument `max(a, b)` to `greatest`, and in DDL `BLOB` to `BYTEA`,
 * `INTEGER` to `BIGINT` (millisecond times overflow 32 bits) and `INTEGER PRIMARY KEY AUTOINCREMENT` to
 * `BIGSERIAL PRIMARY KEY`. What cannot be translated (triggers, pragmas, COLLATE NOCASE) is written per dialect
 * (`db.dialect`).
 */
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';

export type Dialect = 'sqlite' | 'pg';

export interface RunResult {
  changes: number;
  /** SQLite: the rowid of an INSERT. PostgreSQL: the first column of its RETURNING clause, if any, else 0. */
  lastInsertRowid: number;
}

export interface Statement<P extends unknown[] = unknown[], R = unknown> {
  run(...params: P): RunResult;
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

export interface Db {
  readonly dialect: Dialect;
  readonly open: boolean;
  prepare<P extends unknown[] = unknown[], R = unknown>(sql: string): Statement<P, R>;
  /** One or more statements without parameters (DDL). */
  exec(sql: string): void;
  /** Run `fn` in a transaction (nested: a savepoint); commits when it returns, rolls back when it throws. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

export class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const;
  constructor(readonly raw: Database.Database) {}

  get open(): boolean {
    return this.raw.open;
  }

  prepare<P extends unknown[] = unknown[], R = unknown>(sql: string): Statement<P, R> {
    const s = this.raw.prepare<unknown[], R>(sql);
    return {
      run: (...p) => {
        const r = s.run(...p);
        return { changes: r.changes, lastInsertRowid: Number(r.lastInsertRowid) };
      },
      get: (...p) => s.get(...p),
      all: (...p) => s.all(...p),
    };
  }

  exec(sql: string): void {
    this.raw.exec(sql);
  }

  transaction<T>(fn: () => T): T {
    return this.raw.transaction(fn)();
  }

  /** IMMEDIATE: takes the write lock before the first read. */
  immediate<T>(fn: () => T): T {
    return this.raw.transaction(fn).immediate();
  }

  close(): void {
    if (this.raw.open) this.raw.close();
  }
}

// ------------------------------------------------------------------ PostgreSQL

/** The part of pg-native's Client the store uses (pg-native has no types). */
interface PgNativeClient {
  connectSync(url: string): void;
  querySync(text: string, values?: unknown[]): Array<Record<string, unknown>>;
  end(): void;
  pq: { cmdTuples(): string; resultErrorFields(): Record<string, string> | null; exec(text: string): void; escapeLiteral(s: string): string; transactionStatus(): number };
}

/** An error of the PostgreSQL server, with its SQLSTATE as `code` (23505 unique_violation, 53100 disk_full). */
export class PgError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

const requireOptional = createRequire(import.meta.url);

/** pg-native, or a clear error when it is not installed (it is an optional dependency: it needs libpq). */
export function loadPgNative(): new (opts?: { types?: unknown }) => PgNativeClient {
  try {
    return requireOptional('pg-native') as new (opts?: { types?: unknown }) => PgNativeClient;
  } catch (err) {
    throw new Error('DATABASE_URL names PostgreSQL but the optional package pg-native is not installed (it needs libpq: apt install libpq-dev, then npm ci)', { cause: err });
  }
}

/** Type parsers: bigint counts and sums as numbers (every count and time the store holds fits in 2^53). */
function pgTypes(): unknown {
  const types = requireOptional('pg-types') as { getTypeParser(oid: number, format?: string): (v: string) => unknown };
  return {
    getTypeParser(oid: number, format?: string) {
      if (oid === 20 || oid === 1700) return (v: string) => Number(v); // int8, numeric
      return types.getTypeParser(oid, format);
    },
  };
}

/** Translate SQL written for SQLite (module comment). Quoted strings are left alone. */
export function pgSql(sql: string): string {
  let n = 0;
  let out = '';
  // Split into quoted and unquoted parts; translate only the unquoted ones.
  const parts = sql.split(/('(?:[^']|'')*')/);
  for (let i = 0; i < parts.length; i++) {
    let p = parts[i]!;
    if (i % 2 === 1) {
      out += p;
      continue;
    }
    // Parameters whose type PostgreSQL cannot infer (`? IS NULL`, `lower(?)`) are text.
    p = p.replace(/\?( IS NULL\b)?/g, (_m, isNull?: string) => `$${++n}${isNull ? '::text IS NULL' : ''}`);
    p = p.replace(/\blower\((\$\d+)\)/gi, 'lower($1::text)');
    p = p.replace(/\binstr\(/gi, 'strpos(');
    // PostgreSQL folds unquoted names to lower case: keep camelCase aliases as written.
    p = p.replace(/\bAS ([a-z]\w*[A-Z]\w*)/g, 'AS "$1"');
    out += p;
  }
  out = out.replace(/\bjson_extract\((\w+),\s*'\$\.(\w+)'\)/gi, "($1::jsonb ->> '$2')");
  out = out.replace(/\bmax\(([\w.]+),\s*([\w.]+)\)/gi, 'greatest($1, $2)');
  if (/^\s*INSERT OR IGNORE\b/i.test(out)) out = `${out.replace(/^\s*INSERT OR IGNORE\b/i, 'INSERT')} ON CONFLICT DO NOTHING`;
  return out;
}

/** Translate DDL written for SQLite (module comment). */
export function pgDdl(sql: string): string {
  return sql
    .replace(/\bINTEGER PRIMARY KEY AUTOINCREMENT\b/gi, 'BIGSERIAL PRIMARY KEY')
    .replace(/\bINTEGER\b/g, 'BIGINT')
    .replace(/\bBLOB\b/g, 'BYTEA');
}

export class PgDb implements Db {
  readonly dialect = 'pg' as const;
  private client: PgNativeClient;
  private readonly Client: new (opts?: { types?: unknown }) => PgNativeClient;
  private depth = 0;
  private isOpen = true;
  private readonly translated = new Map<string, string>();

  constructor(readonly url: string) {
    this.Client = loadPgNative();
    this.client = this.connect();
  }

  private connect(): PgNativeClient {
    const client = new this.Client({ types: pgTypes() });
    client.connectSync(this.url);
    // The relay waits for each answer: a lost server must fail a write, not hang the event loop for ever.
    client.querySync("SET statement_timeout = '30s'");
    return client;
  }

  /**
   * After a failed call: when the connection itself is gone (a restarted or unreachable server, a terminated
   * backend: no SQLSTATE, class 08, 57P01-57P03, or libpq's transaction status UNKNOWN), connect again for the next
   * call. The failed call still throws: whatever it was doing was rolled back by the server, and its caller treats
   * it as any failed write (the relay closes the senders, who send again).
   */
  private reconnectIfLost(code: string | undefined): void {
    let lost = code === undefined || code.startsWith('08') || ['57P01', '57P02', '57P03'].includes(code);
    try {
      lost ||= this.client.pq.transactionStatus() === 4;
    } catch {
      lost = true;
    }
    if (!lost || !this.isOpen) return;
    this.depth = 0;
    const old = this.client;
    try {
      this.client = this.connect();
      endPgNative(old);
    } catch {
      // Still unreachable: the next call fails and tries again.
    }
  }

  get open(): boolean {
    return this.isOpen;
  }

  /** Run one statement; errors carry their SQLSTATE. */
  query(text: string, values?: unknown[]): { rows: Array<Record<string, unknown>>; changes: number } {
    try {
      const rows = this.client.querySync(text, values?.map(pgValue));
      const tuples = this.client.pq.cmdTuples();
      return { rows, changes: tuples ? Number(tuples) : 0 };
    } catch (err) {
      throw this.wrap(err);
    }
  }

  /** Several statements as one simple query: one round trip, one implicit transaction when not inside one. */
  execBatch(text: string): void {
    this.exec(text);
  }

  private wrap(err: unknown): Error {
    let code: string | undefined;
    try {
      code = this.client.pq.resultErrorFields()?.sqlState;
    } catch {
      // no result to read
    }
    const e = new PgError(err instanceof Error ? err.message.trim() : String(err), code);
    e.cause = err;
    this.reconnectIfLost(code);
    return e;
  }

  /** A string as a SQL literal (for `execBatch`). */
  literal(s: string): string {
    // libpq's escape gives nothing at all for the empty string (a syntax error in VALUES (…, , …)): a record doc's
    // blob reference has no case id (issue 17).
    return s === '' ? "''" : this.client.pq.escapeLiteral(s);
  }

  prepare<P extends unknown[] = unknown[], R = unknown>(sql: string): Statement<P, R> {
    let text = this.translated.get(sql);
    if (text === undefined) this.translated.set(sql, (text = pgSql(sql)));
    const t = text;
    return {
      run: (...p) => {
        const r = this.query(t, p);
        const first = r.rows[0];
        return { changes: r.changes, lastInsertRowid: first ? Number(Object.values(first)[0]) : 0 };
      },
      get: (...p) => this.query(t, p).rows[0] as R | undefined,
      all: (...p) => this.query(t, p).rows as R[],
    };
  }

  exec(sql: string): void {
    try {
      this.client.querySync(/\bCREATE TABLE\b/i.test(sql) ? pgDdl(sql) : sql);
    } catch (err) {
      throw this.wrap(err);
    }
  }

  transaction<T>(fn: () => T): T {
    const depth = this.depth;
    this.exec(depth === 0 ? 'BEGIN' : `SAVEPOINT s${depth}`);
    this.depth++;
    try {
      const result = fn();
      this.depth--;
      this.exec(depth === 0 ? 'COMMIT' : `RELEASE SAVEPOINT s${depth}`);
      return result;
    } catch (err) {
      this.depth = depth;
      try {
        this.exec(depth === 0 ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT s${depth}`);
      } catch {
        // the connection is gone: the server rolled back
      }
      throw err;
    }
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  close(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    endPgNative(this.client);
  }
}

/**
 * libpq 1.11's `finish` closes its socket watcher with uv_close and drops its own reference at once: collected
 * before the loop's close phase, the watcher's memory is freed under libuv (`uv__finish_close` assertion, the
 * process aborts). A closed client is kept reachable until the close has surely run.
 */
const closing = new Set<unknown>();
export function endPgNative(client: { end(): void }): void {
  client.end();
  closing.add(client);
  setTimeout(() => closing.delete(client), 1000).unref();
}

/**
 * Parameters: bytes in bytea's hex text form (pg-native passes a Buffer as a C string: cut at its first zero
 * byte), booleans as 0/1 (the columns are integers).
 */
function pgValue(v: unknown): unknown {
  if (v instanceof Uint8Array) return `\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return v.toString();
  return v;
}

/** A bytea literal (hex) for `execBatch`. */
export function byteaLiteral(b: Uint8Array): string {
  return `'\\x${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')}'::bytea`;
}

export function isPgUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//i.test(url);
}
