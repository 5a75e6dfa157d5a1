// People/party record sync against the loopback relay (fake-indexeddb): unsaved own events survive a restart,
// refusals are recovered like the case engine's (rescue to meta, resync, re-append once, set aside when refused
// again), grants change mid-session, and the session's header status counts record changes.
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createAuthService, type GridlinkAuthService } from '../../../src/app/session.ts';
import type { DocGrant } from '../../../src/domain/docs.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import { newId } from '../../../src/domain/ids.ts';
import type { UserInfo } from '../../../src/domain/org.ts';
import { getMeta, setMeta } from '../../../src/storage/meta.ts';
import { META, UserDb, userDbName } from '../../../src/storage/schema.ts';
import { EVENTS_ARRAY } from '../../../src/protocol/wire.ts';
import { RecordSync, type RecordSyncOptions } from '../../../src/sync/records.ts';
import { T0, USERS, freshNs, orgUpdate, seqRandom } from './fixtures.ts';
import { LoopbackRelay, until, wait } from './loopback.ts';

const PEOPLE = 'people.g0001';
const PARTY = 'party.t01';

const running: RecordSync[] = [];
const services: GridlinkAuthService[] = [];
const dbs: UserDb[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
  for (const s of services.splice(0)) await s.dispose();
  for (const d of dbs.splice(0)) d.close();
});

const random = seqRandom(5);
let tick = 0;
/** A people visit event by `actor` (valid for the domain and the relay when the actor is the token's user). */
function visit(actor: string, note = '入户走访'): { id: string; type: string; actor: string; at: string; data: unknown } {
  const ms = T0 + ++tick * 1000;
  return { id: newId(ms, random), type: 'visit_recorded', actor, at: formatHlc({ ms, counter: 0, node: 'n1' }), data: { householdId: 'g0001h001', note } };
}

function records(user: UserInfo, ns: string, over: Partial<RecordSyncOptions> = {}): RecordSync {
  const s = new RecordSync({
    ns,
    user,
    grants: [{ name: PEOPLE, access: 'write' }],
    token: user.id,
    transport: null,
    online: () => true,
    pollMs: 10,
    statusMs: 5,
    ...over,
  });
  running.push(s);
  return s;
}

const ids = (doc: Y.Doc) =>
  doc
    .getArray<{ id: string }>(EVENTS_ARRAY)
    .toArray()
    .map((e) => e.id)
    .sort();

function userDb(ns: string, userId: string): UserDb {
  const db = new UserDb(userDbName(ns, userId));
  dbs.push(db);
  return db;
}

describe('unsaved record events', () => {
  it('counts own events of an earlier session, sends them, and keeps the acknowledgement across restarts', async () => {
    const ns = freshNs('ru');
    const relay = new LoopbackRelay();
    let online = false;
    const opts = { transport: relay.transport, online: () => online };
    const first = records(USERS.w0001!, ns, opts);
    await first.start();
    expect(first.append(PEOPLE, visit('w0001'))).toBe(true);
    expect(first.append(PEOPLE, visit('w0001'))).toBe(true);
    expect(first.unsaved()).toBe(2);
    await until(() => first.status.value.unsaved === 2, 'status counts');
    expect(first.status.value).toMatchObject({ connection: 'offline', ready: true, lastSavedMs: null });
    await first.stop();

    // A reload: a new Yjs client id; the earlier session's events still count, and are sent once online.
    const again = records(USERS.w0001!, ns, opts);
    await again.start();
    expect(again.unsaved()).toBe(2);
    expect(again.status.value.unsaved).toBe(2);
    online = true;
    await until(() => again.status.value.unsaved === 0 && again.status.value.connection === 'online', 'acknowledged');
    expect(again.status.value.lastSavedMs).not.toBeNull();
    expect(relay.doc(PEOPLE).getArray(EVENTS_ARRAY).length).toBe(2);
    await again.stop();

    // The acknowledged state is kept: nothing counts as unsaved after the next start, even offline.
    online = false;
    const third = records(USERS.w0001!, ns, opts);
    await third.start();
    expect(third.unsaved()).toBe(0);
    expect(third.events(PEOPLE)).toHaveLength(2);
  });
});

describe('screens showing the unsaved count', () => {
  it('move `version` when a count a screen read is saved, even if the status never showed it', async () => {
    const relay = new LoopbackRelay();
    const w = records(USERS.w0001!, freshNs('rv'), { transport: relay.transport, statusMs: 10_000 });
    await w.start();
    await until(() => w.status.value.connection === 'online', 'online');
    w.append(PEOPLE, visit('w0001'));
    // A screen renders at once and reads 1; the status (slow timer here) has not counted it yet.
    expect(w.unsaved()).toBe(1);
    expect(w.status.value.unsaved).toBe(0);
    const seen = w.version.value;
    // The relay acknowledges: the screen must be told to render again, with 0.
    await until(() => w.version.value !== seen && w.unsaved() === 0, 'version moved after the acknowledgement');
  });
});

describe('refusals of record updates', () => {
  it('recovers: re-sends own valid events once, drops what the relay refused, keeps appends made meanwhile', async () => {
    const ns = freshNs('rr');
    const relay = new LoopbackRelay();
    let online = false;
    const w = records(USERS.w0001!, ns, { transport: relay.transport, online: () => online });
    await w.start();
    const a = visit('w0001');
    const forged = visit('w0002'); // another worker as actor (a bug, or a tampered store)
    const c = visit('w0001');
    w.append(PEOPLE, a);
    w.docs().get(PEOPLE)!.getArray(EVENTS_ARRAY).push([forged]);
    w.append(PEOPLE, c);
    expect(w.unsaved()).toBe(3);

    // An append made while the recovery runs (right after the refusal) waits for the new doc.
    const during = visit('w0001', '恢复期间的走访');
    const receive = relay.receive.bind(relay);
    relay.receive = (from, update) => {
      const before = relay.refusals;
      receive(from, update);
      if (relay.refusals > before && relay.refusals === 1) expect(w.append(PEOPLE, during)).toBe(true);
    };

    online = true;
    await until(() => relay.refusals >= 1, 'refusal');
    await until(() => ids(relay.doc(PEOPLE)).length === 3, 'resent');
    await until(() => w.unsaved() === 0 && w.status.value.unsaved === 0, 'saved');
    await w.settled();
    expect(ids(relay.doc(PEOPLE))).toEqual([a.id, c.id, during.id].sort());
    expect(ids(w.docs().get(PEOPLE)!)).toEqual(ids(relay.doc(PEOPLE)));
    expect(relay.refusals).toBe(1);
    const db = userDb(ns, 'w0001');
    expect(await getMeta(db, META.rescue(PEOPLE), Array.isArray)).toBeUndefined();
    expect(await getMeta(db, META.refused(PEOPLE), Array.isArray)).toBeUndefined();
  });

  it('keeps appends made during a recovery that fails in the rescue, where the next start finds them', async () => {
    const ns = freshNs('rf');
    const relay = new LoopbackRelay();
    let online = false;
    const w = records(USERS.w0001!, ns, { transport: relay.transport, online: () => online });
    await w.start();
    w.docs().get(PEOPLE)!.getArray(EVENTS_ARRAY).push([visit('w0002')]); // forged: the relay refuses the update
    // The device's storage fails in the middle of the recovery, just after the person saved another visit.
    const during = visit('w0001', '恢复期间的走访');
    const slot = (w as unknown as { slots: Map<string, { persistence: { destroy(): Promise<void> } }> }).slots.get(PEOPLE)!;
    const destroy = slot.persistence.destroy.bind(slot.persistence);
    slot.persistence.destroy = () => {
      slot.persistence.destroy = destroy;
      online = false; // and the network goes (so nothing re-sends it before the checks below)
      expect(w.append(PEOPLE, during)).toBe(true);
      return Promise.reject(new Error('disk full'));
    };
    const errors = console.error;
    console.error = () => {};
    try {
      online = true;
      await until(() => relay.refusals >= 1, 'refusal');
      await w.settled();
    } finally {
      console.error = errors;
    }
    const db = userDb(ns, 'w0001');
    const rescue = (await getMeta(db, META.rescue(PEOPLE), Array.isArray)) as Array<{ id: string }>;
    expect(rescue.map((e) => e.id)).toContain(during.id);
    expect(w.unsaved()).toBeGreaterThanOrEqual(1);
    await w.stop();
    // The next start counts it from the rescue (the forged event was not written through `append`: not counted).
    const again = records(USERS.w0001!, ns, { transport: relay.transport, online: () => false });
    await again.start();
    expect(again.events(PEOPLE).map((e) => (e as { id: string }).id)).not.toContain(during.id);
    expect(again.unsaved()).toBe(1);
  });

  it('never loops: events refused again after one re-append are set aside', async () => {
    const ns = freshNs('rl');
    const relay = new LoopbackRelay();
    relay.refuseIf = (doc, values) => (doc === PEOPLE && values.length ? 'policy' : null);
    let online = false;
    const w = records(USERS.w0001!, ns, { transport: relay.transport, online: () => online });
    await w.start();
    const a = visit('w0001');
    w.append(PEOPLE, a);
    online = true;
    await until(() => relay.refusals >= 2, 'second refusal');
    await wait(200);
    await w.settled();
    expect(relay.refusals).toBe(2);
    expect(w.unsaved()).toBe(0);
    expect(w.events(PEOPLE)).toEqual([]);
    const db = userDb(ns, 'w0001');
    expect(((await getMeta(db, META.refused(PEOPLE), Array.isArray)) as Array<{ id: string }>).map((e) => e.id)).toEqual([a.id]);
    await until(async () => (await getMeta(db, META.rescue(PEOPLE), Array.isArray)) === undefined, 'rescue cleared');
  });

  it('after a reload mid-recovery, re-sends the saved events that are still valid, once', async () => {
    const ns = freshNs('rm');
    const relay = new LoopbackRelay();
    // What a recovery interrupted by a reload leaves: the rescue lists in meta, the local docs already dropped.
    const mine = visit('w0001');
    const theirs = visit('w0002');
    // A party event a worker's role may not make: never re-sent by w0001.
    const notMyRole = { ...visit('w0001'), type: 'need_published', data: { kind: 'resident', villageId: 't01v01', title: '修路', detail: '村道坑洼' } };
    const db = userDb(ns, 'w0001');
    await setMeta(db, META.rescue(PEOPLE), [mine, theirs, 'junk', mine]);
    await setMeta(db, META.rescue(PARTY), [notMyRole]);
    let online = false;
    const grants: DocGrant[] = [
      { name: PEOPLE, access: 'write' },
      { name: PARTY, access: 'write' },
    ];
    const w = records(USERS.w0001!, ns, { grants, transport: relay.transport, online: () => online });
    await w.start();
    expect(w.unsaved()).toBe(1); // the valid own one counts while it waits
    online = true;
    await until(() => relay.doc(PEOPLE).getArray(EVENTS_ARRAY).length === 1, 'rescued event on the relay');
    await until(() => w.unsaved() === 0, 'saved');
    await until(async () => (await getMeta(db, META.rescue(PEOPLE), Array.isArray)) === undefined, 'rescue cleared');
    expect(ids(relay.doc(PEOPLE))).toEqual([mine.id]);
    expect(relay.doc(PARTY).getArray(EVENTS_ARRAY).length).toBe(0);
    expect(relay.refusals).toBe(0);
  });
});

describe('the records part of the header status', () => {
  const engineStatus = { connection: 'online', unsaved: 2, lastSavedMs: 5_000, ready: true, authExpired: false } as const;

  it('adds unsaved records, is not ready before the records are, and takes the weaker connection', async () => {
    const w = records(USERS.w0001!, freshNs('hs'), { online: () => false });
    expect(w.withRecords(engineStatus)).toMatchObject({ ready: false, unsaved: 2 }); // not started: count unknown
    await w.start();
    w.append(PEOPLE, visit('w0001'));
    await until(() => w.status.value.unsaved === 1, 'records status');
    expect(w.withRecords(engineStatus)).toEqual({ connection: 'offline', unsaved: 3, lastSavedMs: 5_000, ready: true, authExpired: false });
    expect(w.withRecords({ ...engineStatus, lastSavedMs: null }).lastSavedMs).toBeNull();
  });

  it('leaves the connection to the engine when no record doc is synced, and reports a later save', async () => {
    const relay = new LoopbackRelay();
    const none = records(USERS.w0001!, freshNs('hn'), { grants: [], transport: relay.transport });
    await none.start();
    expect(none.withRecords({ ...engineStatus, connection: 'connecting' }).connection).toBe('connecting');
    expect(none.withRecords(engineStatus)).toEqual(engineStatus);

    const w = records(USERS.w0001!, freshNs('hl'), { transport: relay.transport });
    await w.start();
    await w.whenSynced();
    w.append(PEOPLE, visit('w0001'));
    await until(() => w.status.value.lastSavedMs !== null && w.status.value.unsaved === 0, 'saved');
    const combined = w.withRecords(engineStatus);
    expect(combined.connection).toBe('online');
    expect(combined.lastSavedMs).toBe(w.status.value.lastSavedMs);
    expect(combined.lastSavedMs).toBeGreaterThan(engineStatus.lastSavedMs);
  });
});

/** GET /api/me and POST /api/login as the session uses them; tokens are user ids (the loopback relay's default). */
function fakeApi(grants: () => DocGrant[]) {
  let meCalls = 0;
  const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  const fetchFn: typeof fetch = (input, init) => {
    const path = new URL(String(input)).pathname;
    if (path === '/api/login') {
      const user = Object.values(USERS).find((u) => u.username === (JSON.parse(String(init?.body)) as { username: string }).username)!;
      return Promise.resolve(json({ token: user.id, user }));
    }
    const user = USERS[new Headers(init?.headers).get('authorization')!.slice('Bearer '.length)]!;
    meCalls++;
    return Promise.resolve(json({ user, docs: grants() }));
  };
  return { fetchFn, meCalls: () => meCalls };
}

/** Fast settings for a session in tests (real clock: tokens and HLC). */
const FAST = { baseUrl: 'http://relay.test/', online: () => true, flushMs: 5, pollMs: 10, pbkdf2Iterations: 2000 } as const;

function service(ns: string, fetchFn: typeof fetch, relay: LoopbackRelay): GridlinkAuthService {
  const auth = createAuthService({ ...FAST, namespace: ns, fetch: fetchFn, transport: relay.transport });
  services.push(auth);
  return auth;
}

describe('records in the session', () => {
  it('the header status counts unsaved record events and their save', async () => {
    const relay = new LoopbackRelay();
    Y.applyUpdate(relay.doc('org'), orgUpdate());
    relay.acceptToken = () => false; // no link gets through until the test lets them
    const { fetchFn } = fakeApi(() => [
      { name: 'org', access: 'read' },
      { name: PEOPLE, access: 'write' },
    ]);
    const r = await service(freshNs('rs'), fetchFn, relay).login('w0001', 'demo');
    if (!r.ok) throw new Error(r.error);
    const s = r.session;
    await until(() => s.status.value.ready, 'ready');
    expect(s.status.value.unsaved).toBe(0);
    expect(s.recordSync!.append(PEOPLE, visit('w0001'))).toBe(true);
    await until(() => s.status.value.unsaved === 1, 'header counts the record');
    expect(s.status.value.lastSavedMs).toBeNull();
    expect(s.status.value.connection).not.toBe('online');

    relay.acceptToken = () => true;
    await until(() => s.status.value.unsaved === 0 && s.status.value.connection === 'online', 'saved and online');
    expect(s.status.value.lastSavedMs).not.toBeNull();
    expect(relay.doc(PEOPLE).getArray(EVENTS_ARRAY).length).toBe(1);
  });

  it('opens docs granted mid-session without a new sign-in, and stops syncing revoked ones (kept readable)', async () => {
    const relay = new LoopbackRelay();
    Y.applyUpdate(relay.doc('org'), orgUpdate());
    const need = { ...visit('town01'), type: 'need_published', data: { kind: 'resident', villageId: 't01v01', title: '修路', detail: '村道坑洼' } };
    relay.doc(PARTY).getArray(EVENTS_ARRAY).push([need]);
    const base: DocGrant[] = [{ name: 'org', access: 'read' }];
    let grants: DocGrant[] = [...base, { name: PEOPLE, access: 'write' }];
    const api = fakeApi(() => grants);
    const r = await service(freshNs('rg'), api.fetchFn, relay).login('town01', 'demo');
    if (!r.ok) throw new Error(r.error);
    const s = r.session;
    const records = s.recordSync!;
    await records.whenSynced();
    expect(records.append(PEOPLE, visit('town01'))).toBe(true);
    await until(() => relay.doc(PEOPLE).getArray(EVENTS_ARRAY).length === 1, 'people synced');
    expect(records.names('party')).toEqual([]);

    // /api/me read again (after a failed connection): the people doc was revoked, the party doc granted.
    grants = [...base, { name: PARTY, access: 'write' }];
    const calls = api.meCalls();
    relay.acceptToken = () => false;
    // Connections dropped and refused at the upgrade: the session checks the token, which reads /api/me again.
    for (const l of [...relay.links]) l.disconnect();
    for (const l of [...relay.links]) l.connect();
    await until(() => api.meCalls() > calls, '/api/me read again');
    relay.acceptToken = () => true;
    await until(() => records.names('party').includes(PARTY) && records.events(PARTY).length === 1, 'party doc open and synced');
    expect(records.access(PEOPLE)).toBe('read');
    expect(records.events(PEOPLE)).toHaveLength(1);
    expect(records.append(PEOPLE, visit('town01'))).toBe(false);
    expect([...relay.links].some((l) => l.name === PEOPLE)).toBe(false);
    expect(records.append(PARTY, { ...visit('town01'), type: 'need_claimed', data: { needId: need.id } })).toBe(true);
  });
});
