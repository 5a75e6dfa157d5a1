// Store faults at start (issue 10, section 4): a relay whose write-ahead log was truncated, partly overwritten or
// deleted after it acknowledged events refuses to start and says what is wrong and how to restore; a damaged
// store file too. A clean restart after a normal stop and after kill -9 still starts (no false alarm).
// The relay is the real process (server/main.ts as a child); events go through its sync websocket and are
// acknowledged before the relay is killed.
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { STORE_FILE, Store } from '../../server/store.ts';
import { MARKER_FILE, readMarker } from '../../server/storecheck.ts';
import type { CaseEvent } from '../../src/domain/events.ts';
import { TEST_STORE } from '../support/pgtest.ts';
import { Actor, casesDoc, login, seedFixture, spawnRelay, SyncClient, tempDir, USERS, type ChildRelay } from './relay-harness.ts';

const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const c of cleanups) c();
});

const doc = casesDoc('t01');

async function seeded(): Promise<string> {
  const tmp = tempDir('gridlink-faults-');
  cleanups.push(tmp.remove);
  await seedFixture(tmp.dir);
  return tmp.dir;
}

/** `n` events written through the relay, each acknowledged (committed) before the next. */
async function writeAcked(relay: ChildRelay, n: number, label: string): Promise<CaseEvent[]> {
  const actor = new Actor(USERS.w0001);
  const device = new SyncClient(relay.wsBase, doc, await login(relay.url, 'w0001'));
  const written: CaseEvent[] = [];
  try {
    await device.synced();
    for (let i = 0; i < n; i++) {
      const e = actor.report('g0001', `${label}${i}`).event;
      written.push(e);
      device.append(e);
      await device.allSaved(`ACK ${label}${i}`);
    }
  } finally {
    device.destroy();
  }
  return written;
}

async function kill9(relay: ChildRelay): Promise<void> {
  relay.proc.kill('SIGKILL');
  expect((await relay.exited).signal).toBe('SIGKILL');
}

async function stop(relay: ChildRelay): Promise<void> {
  relay.proc.kill('SIGTERM');
  const exit = await relay.exited;
  expect(exit, relay.stderr()).toEqual({ code: 0, signal: null });
}

/** The ids of the events a fresh reader gets from the relay. */
async function eventIds(relay: ChildRelay): Promise<Set<string>> {
  const reader = new SyncClient(relay.wsBase, doc, await login(relay.url, 'town01'));
  try {
    await reader.synced();
    return new Set(reader.events.map((e) => e.id));
  } finally {
    reader.destroy();
  }
}

/** Starting the relay fails: resolves with its exit code and what it wrote to stderr. */
async function refusedStart(dataDir: string): Promise<{ message: string }> {
  let relay: ChildRelay;
  try {
    relay = await spawnRelay(dataDir);
  } catch (err) {
    return { message: (err as Error).message };
  }
  await stop(relay);
  throw new Error('the relay started on a store that lost acknowledged events');
}

/** A relay that acknowledged 40 events and was killed with -9: they are in the WAL, not yet in the store file. */
async function ackedThenKilled(): Promise<{ dataDir: string; wal: string; events: CaseEvent[] }> {
  const dataDir = await seeded();
  const relay = await spawnRelay(dataDir);
  const events = await writeAcked(relay, 40, '事件');
  await kill9(relay);
  const wal = join(dataDir, `${STORE_FILE}-wal`);
  expect(existsSync(wal)).toBe(true);
  expect(statSync(wal).size).toBeGreaterThan(40 * 4096);
  return { dataDir, wal, events };
}

function expectRefusal(message: string, dataDir: string, what: RegExp): void {
  console.info(`refusal: ${message.split('\n').find((l) => l.includes('cannot start')) ?? message}`);
  expect(message).toMatch(/relay exited \(1\) before listening/);
  expect(message).toContain('cannot start');
  expect(message).toMatch(what);
  expect(message).toContain(join(dataDir, STORE_FILE));
  expect(message).toContain('Restoring the store');
}

// These faults are the SQLite file's (its WAL, its pages, the commit marker beside it); a PostgreSQL store's
// durability is the server's own, and its kill -9 test is relay-durability's and multi-relay's.
const sqliteOnly = describe.skipIf(TEST_STORE === 'pg');

sqliteOnly('a damaged write-ahead log after acknowledged events', () => {
  it('truncated: the relay refuses to start and names the WAL and the missing updates', async () => {
    const { dataDir, wal } = await ackedThenKilled();
    truncateSync(wal, Math.floor(statSync(wal).size / 2));
    const { message } = await refusedStart(dataDir);
    expectRefusal(message, dataDir, /lost acknowledged updates: it ends at update \d+, but \d+ were committed/);
    expect(message).toContain(`${STORE_FILE}-wal has`);
    // Refusing leaves the damaged files as they were (a read-only check: nothing is checkpointed away).
    expect(existsSync(wal)).toBe(true);
  });

  it('partly overwritten: the relay refuses to start', async () => {
    const { dataDir, wal } = await ackedThenKilled();
    const size = statSync(wal).size;
    const fd = openSync(wal, 'r+');
    try {
      writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, Math.floor(size * 0.6));
    } finally {
      closeSync(fd);
    }
    const { message } = await refusedStart(dataDir);
    expectRefusal(message, dataDir, /lost acknowledged updates/);
  });

  it('deleted: the relay refuses to start and says the WAL does not exist', async () => {
    const { dataDir, wal } = await ackedThenKilled();
    unlinkSync(wal);
    const { message } = await refusedStart(dataDir);
    // The store file may not even hold its first writes yet (its id): either refusal names the loss.
    expectRefusal(message, dataDir, /lost acknowledged updates|is not the store the commit marker/);
    expect(message).toContain(`${STORE_FILE}-wal does not exist`);
  });

  it('the store file deleted with its WAL: refused, not started as an empty store', async () => {
    const { dataDir, wal } = await ackedThenKilled();
    unlinkSync(wal);
    rmSync(join(dataDir, STORE_FILE));
    rmSync(join(dataDir, `${STORE_FILE}-shm`), { force: true });
    const { message } = await refusedStart(dataDir);
    expectRefusal(message, dataDir, /is missing, but the commit marker .* records \d+ committed updates/);
    expect(existsSync(join(dataDir, STORE_FILE))).toBe(false);
  });
});

sqliteOnly('a damaged store file', () => {
  it('a page overwritten: the integrity check refuses it', async () => {
    const dataDir = await seeded();
    const relay = await spawnRelay(dataDir);
    await writeAcked(relay, 5, '页');
    await stop(relay);
    const file = join(dataDir, STORE_FILE);
    expect(existsSync(`${file}-wal`)).toBe(false); // a normal stop checkpoints the WAL into the store file
    // The root pages of the tables and indexes (not the schema page): their b-tree headers, now garbage. (A blob's
    // overflow pages carry no checksum SQLite could check: only the structure of the file is verified.)
    const db = new Database(file, { readonly: true });
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const roots = db.prepare<[], { rootpage: number }>("SELECT rootpage FROM sqlite_master WHERE rootpage > 1 AND name IN ('users', 'case_index', 'doc_updates_by_doc')").all();
    db.close();
    expect(roots.length).toBe(3);
    const fd = openSync(file, 'r+');
    try {
      for (const { rootpage } of roots) writeSync(fd, Buffer.alloc(16, 0x5a), 0, 16, (rootpage - 1) * pageSize);
    } finally {
      closeSync(fd);
    }
    const { message } = await refusedStart(dataDir);
    expectRefusal(message, dataDir, /is damaged \(/);
  });

  it('an unreadable commit marker: refused with how to go on', async () => {
    const dataDir = await seeded();
    writeFileSync(join(dataDir, MARKER_FILE), 'garbage\n');
    const { message } = await refusedStart(dataDir);
    expect(message).toContain(`the commit marker ${join(dataDir, MARKER_FILE)} cannot be read`);
  });
});

sqliteOnly('no false alarm', () => {
  it('starts after a normal stop and after kill -9, with every acknowledged event', async () => {
    const dataDir = await seeded();
    let relay = await spawnRelay(dataDir);
    const first = await writeAcked(relay, 10, '一');
    await stop(relay);

    relay = await spawnRelay(dataDir);
    const second = await writeAcked(relay, 30, '二');
    await kill9(relay);

    relay = await spawnRelay(dataDir);
    try {
      expect(relay.stderr()).toMatch(/store checked \((integrity|quick)_check, \d+ ms\): intact/);
      const have = await eventIds(relay);
      expect([...first, ...second].filter((e) => !have.has(e.id))).toEqual([]);
      const third = await writeAcked(relay, 3, '三');
      await kill9(relay);
      relay = await spawnRelay(dataDir);
      const again = await eventIds(relay);
      expect(third.filter((e) => !again.has(e.id))).toEqual([]);
    } finally {
      await stop(relay);
    }
    const marker = readMarker(dataDir);
    expect(marker).not.toBeNull();
    expect(marker).not.toBe('unreadable');
  });

  it('a store ahead of its marker (power lost before the marker reached the disk) and one from before the marker start', async () => {
    const dataDir = await seeded();
    const markerPath = join(dataDir, MARKER_FILE);
    const store = new Store(dataDir);
    const seqBefore = (readMarker(dataDir) as { seq: number }).seq;
    const saved = readFileSync(markerPath);
    store.appendUpdate('org', new Uint8Array([0, 0]));
    store.appendUpdate('org', new Uint8Array([0, 0]));
    store.close();
    expect((readMarker(dataDir) as { seq: number }).seq).toBe(seqBefore + 2);
    writeFileSync(markerPath, saved); // the marker as it was two commits ago
    new Store(dataDir).close();
    expect((readMarker(dataDir) as { seq: number }).seq).toBe(seqBefore + 2);

    rmSync(markerPath); // a store written before the marker existed
    const relay = await spawnRelay(dataDir);
    try {
      expect(relay.stderr()).toMatch(/commit marker/);
    } finally {
      await stop(relay);
    }
    expect((readMarker(dataDir) as { seq: number }).seq).toBe(seqBefore + 2);
  });
});
