// Issue 16, "PostgreSQL and several relays": two relays on one PostgreSQL store. Each commits to PostgreSQL first,
// then notifies the others (NOTIFY gridlink_updates '<doc>:<seq>'); they catch up by reading the rows after their
// last seq. A lost notification loses nothing (the poll backstop), two relays accepting conflicting updates of one
// doc are serialised by the (doc, seq) key (the later one is judged again against the caught-up doc), and kill -9
// of one relay loses nothing it acknowledged. Runs only where PostgreSQL and pg-native are available.
import { afterAll, describe, expect, it } from 'vitest';
import type { CaseEvent } from '../../src/domain/events.ts';
import { createTestDatabase, pgAvailable, pgQuery, type TestDatabase } from '../support/pgtest.ts';
import {
  Actor,
  api,
  casesDoc,
  FIXTURE_ORG,
  login,
  once,
  seedFixture,
  shareStore,
  spawnRelay,
  startTestServer,
  SyncClient,
  tempDir,
  USERS,
  waitFor,
  type TestServer,
} from './relay-harness.ts';
import type { StartOptions } from '../../server/app.ts';
import { ORG_DOC } from '../../src/domain/docs.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import { CHANGES_ARRAY, type Plan } from '../../src/domain/org.ts';
import { readOrg } from '../../src/protocol/orgread.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A PostgreSQL store seeded with the fixture county, and a relay on it with a DATA_DIR of its own. */
async function sharedStore(): Promise<TestDatabase> {
  const db = createTestDatabase();
  cleanups.push(() => db.drop());
  const seedDir = tempDir();
  cleanups.push(seedDir.remove);
  shareStore(seedDir.dir, db);
  await seedFixture(seedDir.dir);
  return db;
}

async function relayOn(db: TestDatabase, opts: Partial<StartOptions> = {}): Promise<TestServer> {
  const tmp = tempDir();
  shareStore(tmp.dir, db);
  // No JWT_SECRET: relays on one PostgreSQL store share the secret the first one generated (its meta table).
  const server = await startTestServer({ dataDir: tmp.dir, seed: false, databaseUrl: db.url, pgPollMs: 200, ...opts });
  cleanups.push(async () => {
    await server.stop();
    tmp.remove();
  });
  return server;
}

async function device(server: TestServer, user: keyof typeof USERS, doc = casesDoc('t01')): Promise<SyncClient> {
  const c = new SyncClient(server.wsBase, doc, await login(server.url, USERS[user].username));
  cleanups.push(() => c.destroy());
  await c.synced();
  return c;
}

const ids = (events: readonly CaseEvent[]) => events.map((e) => e.id);

describe.skipIf(!pgAvailable())('several relays on one PostgreSQL store', () => {
  it('two relays converge: updates from devices on either reach the devices on both', async () => {
    const db = await sharedStore();
    const [a, b] = [await relayOn(db), await relayOn(db)];
    const onA = await device(a, 'w0001');
    const onB = await device(b, 'w0001');
    // A token of relay A is good on relay B: one secret, and the token version lives in the shared users table.
    const watcherB = new SyncClient(b.wsBase, casesDoc('t01'), await login(a.url, 'town01'));
    cleanups.push(() => watcherB.destroy());
    await watcherB.synced('a token of A on B');
    const [x, y] = [new Actor(USERS.w0001, 'dev-a'), new Actor(USERS.w0001, 'dev-b')];
    const fromA = [x.report('g0001', '甲一').event, x.report('g0001', '甲二').event];
    const fromB = [y.report('g0001', '乙一').event];
    onA.append(...fromA);
    onB.append(...fromB);
    await onA.allSaved();
    await onB.allSaved();
    const all = ids([...fromA, ...fromB]);
    await onA.hasEvents(all, 'relay A sent B\'s event');
    await onB.hasEvents(all, 'relay B sent A\'s events');
    await watcherB.hasEvents(all, 'a reader on B has everything');
    // Each update stored once, each under its own seq of the doc.
    const rows = pgQuery<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM doc_updates WHERE doc = $1', [casesDoc('t01')]);
    expect(rows[0]!.n).toBe(2);
  });

  it('a lost notification loses nothing: a relay that does not listen catches up by its poll', async () => {
    const db = await sharedStore();
    const a = await relayOn(db);
    const deaf = await relayOn(db, { pgListen: false, pgPollMs: 300 });
    const onA = await device(a, 'w0001');
    const onDeaf = await device(deaf, 'town01');
    const e = new Actor(USERS.w0001).report('g0001', '通知丢了').event;
    onA.append(e);
    await onA.allSaved();
    await onDeaf.hasEvents([e.id], 'the deaf relay polled the row in');
  });

  it('conflicting writes on two relays are serialised per doc: the same case reported through both is accepted once', async () => {
    const db = await sharedStore();
    // Neither relay hears the other nor polls during the test: each judges against a doc without the other's row.
    const a = await relayOn(db, { pgListen: false, pgPollMs: 600_000 });
    const b = await relayOn(db, { pgListen: false, pgPollMs: 600_000 });
    const onA = await device(a, 'w0001');
    const onB = await device(b, 'w0001');
    const e = new Actor(USERS.w0001).report('g0001', '报了两次').event;
    onA.append(e);
    await onA.allSaved();
    // Relay B has not seen A's row: the same event passes its checks alone, its commit takes A's seq and fails, and
    // B judges it again after reading A's row.
    let rejudged = 0;
    b.relay.events.on('rejudged', (n) => (rejudged += n));
    onB.append(e);
    const refusal = await onB.refused('the second report refused after catching up');
    expect(['duplicate_id', 'case_exists']).toContain(refusal.code);
    expect(rejudged).toBe(1);
    await onB.hasEvents([e.id]);
    const stored = pgQuery<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM doc_updates WHERE doc = $1', [casesDoc('t01')]);
    expect(stored[0]!.n).toBe(1);
    // A later, different write through B goes in after A's (B holds A's row now).
    const next = new Actor(USERS.w0001, 'dev-c').report('g0001', '之后').event;
    const onB2 = await device(b, 'w0001');
    onB2.append(next);
    await onB2.allSaved();
    const reader = await device(b, 'town01');
    await reader.hasEvents([e.id, next.id]);
    expect(reader.events.filter((x) => x.id === e.id)).toHaveLength(1);
  });

  it('one relay compacts a doc the other is behind on: the other catches up from the snapshot, and its stale seq is refused, not reused', async () => {
    const db = await sharedStore();
    const a = await relayOn(db, { pgListen: false, pgPollMs: 600_000 });
    const b = await relayOn(db, { pgListen: false, pgPollMs: 600_000, compactAfterRows: 3 });
    const onA = await device(a, 'w0001');
    const onB = await device(b, 'w0001');
    const compacted = once(b.relay.events, 'compacted');
    const x = new Actor(USERS.w0001, 'dev-b');
    const fromB = Array.from({ length: 5 }, (_, i) => x.report('g0001', `乙${i}`).event);
    for (const e of fromB) {
      onB.append(e);
      await onB.allSaved();
    }
    await compacted;
    // A holds none of B's rows, and the seqs after its last are gone into B's snapshot.
    const e = new Actor(USERS.w0001, 'dev-a').report('g0001', '甲').event;
    let rejudged = 0;
    a.relay.events.on('rejudged', (n) => (rejudged += n));
    onA.append(e);
    await onA.allSaved();
    expect(rejudged).toBe(1);
    await onA.hasEvents([...ids(fromB), e.id], 'relay A sent B\'s compacted events');
    // B hears nothing here: its poll (run by hand) brings A's row in.
    b.relay.pollRemote();
    const reader = await device(b, 'county');
    await reader.hasEvents([...ids(fromB), e.id]);
    await onB.hasEvents([e.id]);
  });

  it("reference data an administrator changes through one relay is what the other judges and dispatches by", async () => {
    const db = await sharedStore();
    const [a, b] = [await relayOn(db), await relayOn(db)];
    const admin = await device(a, 'admin', ORG_DOC);
    const ms = Date.now();
    const plan: Plan = { ...FIXTURE_ORG.plans[0]!, dueHours: 4, steps: ['了解情况', '调解', '回访'] };
    admin.doc.getArray(CHANGES_ARRAY).push([{ id: newId(ms, (k) => crypto.getRandomValues(new Uint8Array(k))), at: formatHlc({ ms, counter: 0, node: 'adm' }), actor: 'admin', type: 'plan.set', data: plan }]);
    await admin.allSaved();
    expect(admin.refusals).toEqual([]);
    // Relay B holds the org doc loaded, catches up on A's row, and rebuilds its org view from it.
    const readerB = await device(b, 'town01', ORG_DOC);
    await waitFor(readerB, () => readOrg(readerB.doc).plans.some((p) => p.id === plan.id && p.dueHours === 4), 'the plan change on B');
    const [w, town] = [await login(b.url, 'w0001'), await login(b.url, 'town01')];
    const r = await api(b.url, '/api/cases', { token: w, body: { category: '0101', description: '邻里纠纷', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001' } });
    expect(r.status).toBe(201);
    const id = (r.body as { id: string }).id;
    for (const body of [{ type: 'accept' }, { type: 'dispatch', unitId: 'u001', planId: plan.id }]) {
      expect((await api(b.url, `/api/cases/${id}/commands`, { token: town, body })).status).toBe(200);
    }
    expect((await api(b.url, `/api/cases/${id}`, { token: town })).body).toMatchObject({ dueHours: 4, planVersion: 2 });
  });

  it('kill -9 of one relay loses nothing it acknowledged; the other serves all of it', async () => {
    const db = await sharedStore();
    const b = await relayOn(db);
    const dir = tempDir();
    cleanups.push(dir.remove);
    shareStore(dir.dir, db);
    const child = await spawnRelay(dir.dir);
    const doc = casesDoc('t01');
    const actor = new Actor(USERS.w0001);
    const written: CaseEvent[] = [];
    const dev = new SyncClient(child.wsBase, doc, await login(child.url, 'w0001'));
    const watcher = await device(b, 'town01');
    let acked: number;
    try {
      await dev.synced();
      for (let i = 0; i < 5; i++) {
        const e = actor.report('g0001', `第${i}件`).event;
        written.push(e);
        dev.append(e);
        await dev.allSaved();
      }
      const first = dev.acks;
      for (let i = 0; i < 150; i++) {
        const e = actor.report('g0001', `突发${i}`).event;
        written.push(e);
        dev.append(e);
      }
      await waitFor(dev, () => dev.acks > first + 3, 'some ACKs of the burst');
      child.proc.kill('SIGKILL');
      expect((await child.exited).signal).toBe('SIGKILL');
      acked = dev.ack?.get(dev.doc.clientID) ?? 0;
    } finally {
      dev.destroy();
    }
    expect(acked).toBeGreaterThanOrEqual(5);
    console.info(`kill -9 of one of two relays after ${acked} of ${written.length} events acknowledged`);
    await watcher.hasEvents(ids(written.slice(0, acked)), 'the surviving relay has every acknowledged event');
    const fresh = await device(b, 'county');
    await fresh.hasEvents(ids(written.slice(0, acked)));
  });
  it('an account disabled through one relay loses its live sockets on the other too, and by the poll when the notification is lost', async () => {
    const db = await sharedStore();
    const a = await relayOn(db);
    const b = await relayOn(db);
    const deaf = await relayOn(db, { pgListen: false, pgPollMs: 300 });
    const admin = await login(a.url, 'town01');
    const token = await login(b.url, 'w0001');
    const onB = new SyncClient(b.wsBase, casesDoc('t01'), token);
    const onDeaf = new SyncClient(deaf.wsBase, casesDoc('t01'), token);
    cleanups.push(() => onB.destroy(), () => onDeaf.destroy());
    await onB.synced();
    await onDeaf.synced();
    const started = Date.now();
    const answer = await api(a.url, `/api/accounts/${USERS.w0001.id}`, { method: 'PATCH', token: admin, body: { disabled: true } });
    expect(answer.body).toMatchObject({ account: { disabled: true } });
    await waitFor(onB, () => onB.closeCodes.includes(4401), 'the socket on relay B closed with 4401', 5000);
    console.info(`a disabled account's socket on the other relay closed after ${Date.now() - started} ms`);
    await waitFor(onDeaf, () => onDeaf.closeCodes.includes(4401), 'the socket on the relay that does not listen closed with 4401', 5000);
    // Nothing it sends afterwards is taken, on any relay: its token is refused everywhere.
    for (const r of [a, b, deaf]) expect((await api(r.url, '/api/me', { token })).status).toBe(401);
  });
  it('a read through one relay sees a write acknowledged through the other before it, notification or not', async () => {
    const db = await sharedStore();
    // A neither hears B nor polls during the test: only reading before it answers can make it see B's write.
    const a = await relayOn(db, { pgListen: false, pgPollMs: 600_000 });
    const b = await relayOn(db);
    const county = await login(a.url, 'county');
    await device(a, 'town01'); // A holds the doc loaded while it is connected
    const onB = await device(b, 'w0001');
    const e = new Actor(USERS.w0001).report('g0001', '先写后读').event;
    onB.append(e);
    await onB.allSaved();
    const got = await api(a.url, `/api/cases/${e.caseId}`, { token: county });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: e.caseId, status: 'reported' });
  });
});
