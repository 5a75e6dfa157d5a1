/**
 * The app's data layer (createAuthService: profiles, sync engine, read model) against the real relay on port 0,
 * with Node's fetch and `ws` as the WebSocket, fake-indexeddb as the browser's storage.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startServer, type RunningServer } from '../../server/app.ts';
import { quietLogger } from '../../server/log.ts';
import { createAuthService, type GridlinkAuthService, type GridlinkSession } from '../../src/app/session.ts';
import type { Command } from '../../src/domain/commands.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import { until } from '../support/wait.ts';

let server: RunningServer;
let dataDir: string;
const services: GridlinkAuthService[] = [];
let nsCounter = 0;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gridlink-client-sync-'));
  const t0 = performance.now();
  server = await startServer({ dataDir, port: 0, host: '127.0.0.1', demo: true, log: quietLogger });
  console.log(`[measure] relay start with demo seed: ${(performance.now() - t0).toFixed(0)} ms`);
});

afterAll(async () => {
  for (const s of services) await s.dispose();
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function device(online: () => boolean = () => true, namespace = `it${Date.now().toString(36)}${nsCounter++}`): GridlinkAuthService {
  const s = createAuthService({
    baseUrl: server.url,
    fetch: globalThis.fetch,
    WebSocketPolyfill: WebSocket,
    online,
    namespace,
    pollMs: 20,
  });
  services.push(s);
  return s;
}


/** Offline in the status and every socket closed (the status turns at once; sockets close at the next poll). */
async function untilOffline(s: GridlinkSession): Promise<void> {
  await until(async () => s.status.value.connection === 'offline' && (await s.engine.diagnostics()).every((d) => d.linkState === 'disconnected'), 'offline');
}

async function signIn(auth: GridlinkAuthService, username: string): Promise<GridlinkSession> {
  const r = await auth.login(username, 'demo');
  if (!r.ok) throw new Error(`login ${username}: ${r.error}`);
  return r.session;
}

describe('client sync against the real relay', () => {
  it('a report made offline is saved after reconnecting and reaches the town center', async () => {
    let online = true;
    const workerNs = `itw${Date.now().toString(36)}`;
    const worker = device(() => online, workerNs);
    const t0 = performance.now();
    const w = await signIn(worker, 'w0001');
    await w.engine.whenSynced();
    // The header's connection counts the people doc's link too (src/sync/records.ts).
    await w.recordSync?.whenSynced();
    const firstSync = performance.now() - t0;
    expect(w.user).toMatchObject({ id: expect.any(String), role: 'worker', gridId: 'g0001', townId: 't01' });
    expect(w.status.value).toMatchObject({ connection: 'online', unsaved: 0, ready: true, authExpired: false });
    const org = w.org.value;
    expect(org).not.toBeNull();
    const before = await w.countCases({});
    const docs = await w.engine.diagnostics();
    console.log(
      `[measure] worker w0001 first sign-in + sync: ${firstSync.toFixed(0)} ms; docs ${docs.map((d) => `${d.name}:${d.events}ev/${d.storedRows}rows`).join(', ')}; ${before} cases in scope`,
    );
    expect(docs.every((d) => d.corrupt === 0)).toBe(true);

    // Offline: the providers disconnect, the report is kept locally and counted.
    online = false;
    await untilOffline(w);
    const sub = org!.data.subcategories[0]!;
    const d = await w.report({ category: sub.code, description: '村口路灯不亮，夜间通行不便', location: { lat: 41.12, lng: 122.05 }, gridId: 'g0001' });
    if (!d.ok) throw new Error(`report: ${d.error} ${d.detail ?? ''}`);
    expect(w.status.value.unsaved).toBe(1);
    const [row] = await w.queryCases({}, 0, 1);
    expect(row).toMatchObject({ id: d.event.caseId, status: 'reported', pending: true });
    expect(await w.countCases({})).toBe(before + 1);

    // Back online: sync, the relay's ACK, nothing unsaved.
    const t1 = performance.now();
    online = true;
    await until(() => w.status.value.unsaved === 0 && w.status.value.connection === 'online', 'ACK');
    console.log(`[measure] offline -> acknowledged after reconnect: ${(performance.now() - t1).toFixed(0)} ms`);
    expect(w.status.value.lastSavedMs).not.toBeNull();
    await w.engine.settled();
    expect((await w.queryCases({}, 0, 1))[0]?.pending).toBeUndefined();

    // The town center, on another device, sees the case in its read model and accepts it.
    const town = device();
    const t = await signIn(town, 'town01');
    await until(async () => (await t.getCase(d.event.caseId)) !== null, 'case at the town center');
    await t.engine.settled();
    const rows = await t.queryCases({ status: 'reported', gridId: 'g0001' }, 0, 50);
    expect(rows.map((r) => r.id)).toContain(d.event.caseId);
    const acc = await t.act(d.event.caseId, { type: 'accept' } as Command);
    expect(acc.ok).toBe(true);
    await until(async () => (await w.getCase(d.event.caseId))?.status === 'accepted', 'accepted at the worker');
    await until(() => t.status.value.unsaved === 0, 'town saved');

    // A reload of the worker's device while offline: nothing unsaved, the case still there.
    await worker.dispose();
    const again = device(() => false, workerNs);
    const resumed = await again.resume();
    expect(resumed?.user.id).toBe(w.user.id);
    expect(resumed!.status.value.unsaved).toBe(0);
    expect((await resumed!.getCase(d.event.caseId))?.status).toBe('accepted');
  });

  it('a refused update is recovered: own valid events are saved, the rest dropped, no loop; logout leaves no socket', async () => {
    let online = true;
    const auth = device(() => online);
    const s = await signIn(auth, 'w0003');
    await s.engine.whenSynced();
    const refusals: string[] = [];
    const onRefused = (_doc: string, code: string) => refusals.push(code);
    server.relay.events.on('refused', onRefused);
    try {
      online = false;
      await untilOffline(s);
      const sub = s.org.value!.data.subcategories[1]!;
      const good = await s.report({ category: sub.code, description: '河道有垃圾漂浮', location: { lat: 41.1, lng: 122.0 }, gridId: s.user.gridId! });
      if (!good.ok) throw new Error(good.error);
      // A forged event (another user as actor) got into the local doc: the relay must refuse the whole update.
      const docName = [...s.engine.docs()].find(([, d]) => d.getArray<{ id: string }>('events').toArray().some((e) => e.id === good.event.id))![0];
      const forged = { ...good.event, id: '01JDB0000000000000000F0RGD', caseId: '01JDB0000000000000000F0RGC', actor: 'w0001' };
      s.engine.docs().get(docName)!.getArray('events').push([forged]);
      await s.engine.settled();
      expect(s.status.value.unsaved).toBe(2);

      online = true;
      await until(() => s.status.value.unsaved === 0 && s.status.value.connection === 'online', 'recovered and saved');
      expect(refusals.length).toBe(1);
      const onRelay = await server.relay.withDoc(docName, (d) => d.getArray<{ id: string }>('events').toArray().map((e) => e.id));
      expect(onRelay).toContain(good.event.id);
      expect(onRelay).not.toContain(forged.id);
      expect((await s.getCase(good.event.caseId))?.status).toBe('reported');
      expect(await s.getCase(forged.caseId)).toBeNull();
    } finally {
      server.relay.events.off('refused', onRefused);
    }
    const before = server.relay.connectionCount();
    const mine = s.engine.docs().size + (s.recordSync?.docs().size ?? 0); // issue 5: people and party docs have sockets too
    expect(before).toBeGreaterThanOrEqual(mine);
    await s.logout();
    await until(() => server.relay.connectionCount() === before - mine, 'sockets closed');
  });

  it('a refused people update is recovered like a case update: the own valid record is re-sent once, the forged one dropped', async () => {
    let online = true;
    const s = await signIn(device(() => online), 'w0002');
    await s.engine.whenSynced();
    const records = s.recordSync!;
    await records.whenSynced();
    const docName = records.names('people')[0]!;
    const refusals: string[] = [];
    const onRefused = (doc: string, code: string) => doc === docName && refusals.push(code);
    server.relay.events.on('refused', onRefused);
    try {
      online = false;
      await until(() => s.status.value.connection === 'offline', 'offline');
      let n = 0;
      const visit = (actor: string, note: string) => {
        const ms = Date.now();
        return { id: newId(ms, (k) => crypto.getRandomValues(new Uint8Array(k))), type: 'visit_recorded', actor, at: formatHlc({ ms, counter: n++, node: 'itdev' }), data: { householdId: 'h0001', note } };
      };
      const good = visit(s.user.id, '入户走访，老人身体健康');
      const forged = visit('w0001', '伪造的走访'); // another worker as actor: the relay refuses the whole update
      expect(records.append(docName, good)).toBe(true);
      records.docs().get(docName)!.getArray('events').push([forged]);
      await until(() => s.status.value.unsaved === 2, 'counted in the header');

      online = true;
      await until(() => s.status.value.unsaved === 0 && s.status.value.connection === 'online', 'recovered and saved');
      // Exactly one: both were written after the header said offline, when every link of the session had closed
      // (the people links follow the engine's network state, src/sync/records.ts `watchNetwork`), so the forged
      // one went out once, in the sync after reconnecting, and the recovery dropped it (not this user's).
      expect(refusals).toHaveLength(1);
      const onRelay = await server.relay.withDoc(docName, (d) => d.getArray<{ id: string }>('events').toArray().map((e) => e.id));
      expect(onRelay.filter((id) => id === good.id)).toHaveLength(1);
      expect(onRelay).not.toContain(forged.id);
      expect(records.events(docName).map((e) => (e as { id: string }).id)).not.toContain(forged.id);
    } finally {
      server.relay.events.off('refused', onRefused);
    }
  });

  it('an expired token stops syncing (authExpired) and keeps local work; renew resumes', async () => {
    // A relay of its own whose clock the test moves: its one-hour tokens expire when the test says, however long
    // signing in takes on a loaded machine.
    const dir = await mkdtemp(join(tmpdir(), 'gridlink-client-ttl-'));
    let skewMs = 0;
    const short = await startServer({ dataDir: dir, port: 0, host: '127.0.0.1', demo: true, log: quietLogger, tokenTtl: 3600, now: () => Date.now() + skewMs });
    try {
      let online = true;
      const auth = createAuthService({ baseUrl: short.url, WebSocketPolyfill: WebSocket, online: () => online, namespace: `ttl${nsCounter++}`, pollMs: 20 });
      services.push(auth);
      const s = await signIn(auth, 'w0002');
      await s.engine.whenSynced();
      online = false;
      await untilOffline(s);
      const sub = s.org.value!.data.subcategories[0]!;
      const d = await s.report({ category: sub.code, description: '垃圾未清运', location: { lat: 41.1, lng: 122.0 }, gridId: s.user.gridId! });
      expect(d.ok).toBe(true);
      skewMs = 2 * 3600_000;
      // Reconnecting with the expired token: refused at the upgrade (401); the token check confirms it.
      online = true;
      await until(() => s.status.value.authExpired, 'authExpired');
      expect(s.status.value).toMatchObject({ connection: 'offline', unsaved: 1 });
      expect(await s.renew('wrong')).toBe(false);
      expect(await s.renew('demo')).toBe(true);
      await until(() => s.status.value.unsaved === 0 && s.status.value.connection === 'online', 'resumed and saved');
      expect(s.status.value.authExpired).toBe(false);
      await auth.dispose();
    } finally {
      await short.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("an admin's reference change made offline applies at once, counts as unsaved until the relay has it, then reaches a town", async () => {
    let online = true;
    const admin = await signIn(device(() => online), 'admin');
    await admin.engine.whenSynced();
    online = false;
    await untilOffline(admin);
    const plan = admin.org.value!.data.plans[0]!;
    const ms = Date.now();
    const random = (k: number) => crypto.getRandomValues(new Uint8Array(k));
    const change = { id: newId(ms, random), at: formatHlc({ ms, counter: 0, node: 'adm' }), actor: 'admin', type: 'plan.set', data: { ...plan, dueHours: plan.dueHours + 1 } };
    expect(await admin.changeReference!(change)).toBeNull();
    await until(() => admin.org.value?.data.plans.find((p) => p.id === plan.id)?.dueHours === plan.dueHours + 1, 'applied offline');
    // Said in the header and at sign-out like an unsaved case event.
    expect(admin.status.value.unsaved).toBe(1);
    online = true;
    await until(() => admin.status.value.unsaved === 0, 'acknowledged by the relay');
    const town = await signIn(device(), 'town01');
    await until(() => town.org.value?.data.plans.find((p) => p.id === plan.id)?.version === (plan.version ?? 1) + 1, 'the town folds the new version');
  });

  it("the demo's village secretary of t01v01 is a party member too: a second role to switch to, with the party doc", async () => {
    const login = await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'st01v01', password: 'demo' }) });
    const { token } = (await login.json()) as { token: string };
    const me = (await (await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).json()) as { roles: Array<{ id: string; role: string }> };
    expect(me.roles.map((r) => [r.id, r.role])).toEqual([
      ['st01v01', 'secretary'],
      ['st01v01.member', 'member'],
    ]);
    const switched = await fetch(`${server.url}/api/me/role`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'st01v01.member' }) });
    const asMember = (await switched.json()) as { token: string; user: { role: string } };
    expect(asMember.user.role).toBe('member');
    const meAsMember = (await (await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${asMember.token}` } })).json()) as { docs: Array<{ name: string }> };
    expect(meAsMember.docs.map((d) => d.name)).toContain('party.t01');
    // No password of its own: reached only from the person's session.
    const direct = await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'st01v01.member', password: 'demo' }) });
    expect(direct.status).toBe(401);
  });
});
