/**
 * Issue 16: a fresh PostgreSQL database for a test (`gridlink_test_<random>`, dropped afterwards), and which store
 * the shared integration helpers give their relays: `GRIDLINK_TEST_STORE=pg` runs them on PostgreSQL (a database
 * per DATA_DIR; relay-harness.ts `storeOptions`), anything else on SQLite as always; `GRIDLINK_TEST_RELAYS=2` with
 * it, two relays per test server (relay-harness.ts `startTestServer`).
 *
 * The cluster is reached through the unix socket (`PGHOST`, default /var/run/postgresql) as the OS user's role,
 * which must exist and may create databases (.ci/run: `pg_ctlcluster 15 main start`, `create role root superuser
 * login`). pg-native is an optional dependency: `pgAvailable()` says whether it and the cluster answer.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { endPgNative } from '../../server/db.ts';

export const TEST_STORE: 'pg' | 'sqlite' = process.env.GRIDLINK_TEST_STORE === 'pg' ? 'pg' : 'sqlite';
/** With TEST_STORE 'pg': `GRIDLINK_TEST_RELAYS=2` gives each test server two relays on its database (relay-harness.ts). */
export const TEST_RELAYS: 1 | 2 = TEST_STORE === 'pg' && process.env.GRIDLINK_TEST_RELAYS === '2' ? 2 : 1;
const PGHOST = process.env.PGHOST ?? '/var/run/postgresql';

interface Sync {
  connectSync(url: string): void;
  querySync(text: string, values?: unknown[]): Array<Record<string, unknown>>;
  end(): void;
}

const requireOptional = createRequire(import.meta.url);

export function pgUrl(database: string): string {
  return `postgresql:///${database}?host=${encodeURIComponent(PGHOST)}`;
}

function admin<T>(fn: (c: Sync) => T): T {
  const Client = requireOptional('pg-native') as new () => Sync;
  const c = new Client();
  c.connectSync(pgUrl('postgres'));
  try {
    return fn(c);
  } finally {
    endPgNative(c);
  }
}

let available: boolean | null = null;
/** Whether pg-native loads and the cluster answers (tests that need PostgreSQL skip otherwise). */
export function pgAvailable(): boolean {
  if (available === null) {
    try {
      available = admin((c) => c.querySync('SELECT 1 AS one')[0]?.one === 1);
    } catch {
      available = false;
    }
  }
  return available;
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): void;
}

/** A new empty database; `drop` removes it (connections still open to it are ended). */
export function createTestDatabase(): TestDatabase {
  const name = `gridlink_test_${randomBytes(6).toString('hex')}`;
  admin((c) => c.querySync(`CREATE DATABASE ${name}`));
  let dropped = false;
  return {
    name,
    url: pgUrl(name),
    drop: () => {
      if (dropped) return;
      dropped = true;
      admin((c) => c.querySync(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** Run SQL on a test database (assertions on what it stores; fault injection). */
export function pgQuery<R = Record<string, unknown>>(url: string, sql: string, values?: unknown[]): R[] {
  const Client = requireOptional('pg-native') as new () => Sync;
  const c = new Client();
  c.connectSync(url);
  try {
    return c.querySync(sql, values) as R[];
  } finally {
    endPgNative(c);
  }
}
