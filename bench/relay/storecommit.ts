/**
 * What a commit costs the relay's event loop on the PostgreSQL store next to SQLite (issue 16; DESIGN.md, 7): a
 * round trip (`SELECT 1`), `appendUpdates` of one 300-byte row and of a burst of 20 (group commit), and a catch-up
 * read with nothing new. Needs a PostgreSQL cluster on /var/run/postgresql and pg-native
 * (tests/support/pgtest.ts): `node --import tsx bench/relay/storecommit.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../server/store.ts';
import type { PgDb } from '../../server/db.ts';
import { createTestDatabase } from '../../tests/support/pgtest.ts';

const update = new Uint8Array(300).map((_, i) => i % 251);
let run = 0;
function bench(label: string, store: Store, batch: number, n: number) {
  const doc = `cases.t01.${++run}`;
  let seq = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const rows = Array.from({ length: batch }, () => ({ doc, update, reportedCaseIds: [], blobRefs: [], seq: ++seq }));
    store.appendUpdates(rows);
  }
  const ms = (performance.now() - t0) / n;
  console.log(`${label}: commit of ${batch} row(s): ${(ms * 1000).toFixed(0)} us per commit, ${((ms * 1000) / batch).toFixed(0)} us per row`);
}
const db = createTestDatabase();
const dir = mkdtempSync(join(tmpdir(), 'rtt-'));
try {
  const pg = new Store(dir, { databaseUrl: db.url });
  const raw = pg.db as PgDb;
  const t0 = performance.now();
  for (let i = 0; i < 2000; i++) raw.query('SELECT 1');
  console.log(`pg SELECT 1 round trip: ${(((performance.now() - t0) / 2000) * 1000).toFixed(0)} us`);
  bench('pg', pg, 1, 500);
  bench('pg', pg, 1, 500);
  bench('pg', pg, 20, 100);
  const t1 = performance.now();
  for (let i = 0; i < 200; i++) pg.readSince('cases.t01.2026', 10_000 + i);
  console.log(`pg catch-up read (nothing new): ${(((performance.now() - t1) / 200) * 1000).toFixed(0)} us`);
  pg.close();
  const lite = new Store(dir);
  bench('sqlite', lite, 1, 500);
  bench('sqlite', lite, 20, 100);
  lite.close();
} finally {
  db.drop();
  rmSync(dir, { recursive: true, force: true });
}
