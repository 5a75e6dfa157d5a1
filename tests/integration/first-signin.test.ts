/**
 * Issue 16 section 5: a grid worker's first sign-in shows their open work before the town's year has synced. The
 * app's data layer (createAuthService) against the real relay on port 0, fake-indexeddb as the browser's storage,
 * `ws` as the WebSocket with a gate that holds back what the relay sends on the socket, and the docs' first states
 * over HTTP (GET /api/docs/<name>, server/firststate.ts): while it is held, only the head start (GET /api/starter)
 * has arrived, so what the read model shows then came first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { GridlinkAuthService, GridlinkSession } from '../../src/app/session.ts';
import { appDevice, appSignIn, disposeDevices } from './app-device.ts';
import type { CaseEvent } from '../../src/domain/events.ts';
import type { OrgData } from '../../src/domain/org.ts';
import { casesDocName, liveYears } from '../../src/domain/docs.ts';
import { inStarter, parseStarter, starterOrg } from '../../src/domain/starter.ts';
import { EVENTS_ARRAY } from '../../src/protocol/wire.ts';
import { taskListUsable } from '../../src/sync/status.ts';
import { Actor, api, casesDoc, FIXTURE_ORG, login, PASSWORD, seedFixture, startTestServer, tempDir, USERS, type TestServer } from './relay-harness.ts';
import { until } from '../support/wait.ts';

/** What the relay sends on sockets made while `held` waits until `release()` (in order). */
class Gate {
  held = false;
  private queue: Array<() => void> = [];
  hold(f: () => void): boolean {
    if (!this.held) return false;
    this.queue.push(f);
    return true;
  }
  release(): void {
    this.held = false;
    const q = this.queue;
    this.queue = [];
    for (const f of q) f();
  }
}

function gatedSocket(gate: Gate): typeof WebSocket {
  return class GatedWebSocket extends WebSocket {
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'message' && gate.hold(() => super.emit(event, ...args))) return true;
      return super.emit(event, ...args);
    }
  } as typeof WebSocket;
}

const worker = new Actor(USERS.w0001);
const town = new Actor(USERS.town01);
const unit = new Actor(USERS.unit001);
const events: CaseEvent[] = [];
/** Cases of g0001: open (reported), open (resolved: to verify), and two closed. */
const ids = { reported: '', resolved: '', closed: [] as string[] };

function lifecycle(steps: number): string {
  const r = worker.report('g0001', `第${events.length}号：路灯损坏`);
  events.push(r.event);
  let s = r.state;
  const cmds = [
    [town, { type: 'accept', note: '已受理' }],
    [town, { type: 'dispatch', unitId: 'u001', planId: 'P001', note: '请处置' }],
    [unit, { type: 'resolve', note: '已处置' }],
    [worker, { type: 'verify', note: '已核实' }],
    [worker, { type: 'close', note: '办结' }],
  ] as const;
  for (const [actor, cmd] of cmds.slice(0, steps)) {
    for (const e of events) actor.observe(e);
    const d = actor.act(s, s.id, cmd as never);
    events.push(d.event);
    s = d.state;
  }
  return s.id;
}

let server: TestServer;
let tmp: { dir: string; remove(): void };

beforeAll(async () => {
  ids.closed.push(lifecycle(5));
  ids.reported = lifecycle(0);
  ids.resolved = lifecycle(3);
  ids.closed.push(lifecycle(5));
  tmp = tempDir('gridlink-first-signin-');
  await seedFixture(tmp.dir, events);
  server = await startTestServer({ dataDir: tmp.dir, seed: false });
});

afterAll(async () => {
  await disposeDevices();
  await server?.stop();
  tmp?.remove();
});

/** Fetch with the docs' first states held back while the gate is. */
function gatedFetch(gate: Gate): typeof fetch {
  return (input, init) => {
    if (!new URL(String(input)).pathname.startsWith('/api/docs/')) return fetch(input, init);
    return new Promise<Response>((resolve, reject) => {
      const go = () => void fetch(input, init).then(resolve, reject);
      if (!gate.hold(go)) go();
    });
  };
}

const device = (gate: Gate, namespace: string, online: () => boolean = () => true): GridlinkAuthService =>
  appDevice(server.url, { fetch: gatedFetch(gate), WebSocketPolyfill: gatedSocket(gate), online, namespace });
const signIn = (auth: GridlinkAuthService): Promise<GridlinkSession> => appSignIn(auth, 'w0001', PASSWORD);

const rowIds = async (s: GridlinkSession) => (await s.queryCases({}, 0, 1000)).map((r) => r.id).sort();

describe('the head start of a first sign-in (GET /api/starter)', () => {
  it('the relay sends the worker their open cases with every event and receipt, and the reference data they need', async () => {
    const token = await login(server.url, 'w0001');
    const r = await api(server.url, '/api/starter', { token });
    expect(r.status).toBe(200);
    const st = parseStarter(r.body)!;
    // Every live cases doc of the worker is listed (last year's holds nothing for them: listed empty).
    expect(st.docs.map((d) => d.name).sort()).toEqual(liveYears(Date.now()).map((y) => casesDocName('t01', y)).sort());
    const mine = st.docs.find((d) => d.name === casesDoc('t01'))!;
    expect(st.docs.filter((d) => d !== mine).every((d) => d.events.length === 0 && d.receipts.length === 0)).toBe(true);
    const sent = mine.events as CaseEvent[];
    expect([...new Set(sent.map((e) => e.caseId))].sort()).toEqual([ids.reported, ids.resolved].sort());
    // Whole cases: every event of each, and a receipt for each event.
    expect(sent.length).toBe(events.filter((e) => e.caseId === ids.reported || e.caseId === ids.resolved).length);
    expect(mine.receipts.length).toBe(sent.length);
    // The reference subset (src/domain/starter.ts), item for item (the relay's plans carry their version).
    const keys = (o: Partial<OrgData>) => Object.fromEntries(Object.entries(o).map(([k, list]) => [k, (list as Array<{ id?: string; code?: string }>).map((x) => x.id ?? x.code).sort()]));
    expect(keys(st.org)).toEqual(keys(starterOrg(FIXTURE_ORG, USERS.w0001, sent)));
    expect(st.org.users!.map((u) => u.id).sort()).toEqual(['town01', 'unit001', 'w0001']);
    expect(st.org.grids!.map((g) => g.id)).toEqual(['g0001']);
    // Other roles get no head start; no token, no answer.
    const townToken = await login(server.url, 'town01');
    expect((await api(server.url, '/api/starter', { token: townToken })).body).toEqual({ docs: [], org: {} });
    expect((await api(server.url, '/api/starter')).status).toBe(401);
    expect(inStarter(USERS.town01, { status: 'reported', gridId: 'g0001', reporter: 'w0001' })).toBe(false);
  });

  it('shows the open work before the socket has delivered anything, acts on it, then converges to the same read model', async () => {
    const gate = new Gate();
    gate.held = true;
    const auth = device(gate, `fs${Date.now().toString(36)}a`);
    const s = await signIn(auth);
    await until(() => taskListUsable(s.status.value), 'the first usable task list');
    // Nothing of the docs came over the socket or as first states: the rows are the head start's, and they come first.
    expect(s.engine.docs().get(casesDoc('t01'))!.getArray(EVENTS_ARRAY).length).toBe(0);
    expect(s.status.value).toMatchObject({ ready: true, early: true });
    expect(s.status.value.synced).toBeFalsy();
    expect(await rowIds(s)).toEqual([ids.reported, ids.resolved].sort());
    expect((await s.queryQueue('to_verify', 0, 50)).map((r) => r.id)).toEqual([ids.resolved]);
    expect(s.org.value?.grid('g0001')?.name).toBe('一村第一网格');
    expect(s.org.value?.subcategory('0101')).toBeTruthy();

    // Usable: the worker verifies the fix and reports a new case before the doc has synced.
    const verified = await s.act(ids.resolved, { type: 'verify', note: '现场核实' });
    expect(verified.ok).toBe(true);
    const reported = await s.report({ category: '0101', description: '井盖缺失', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001' });
    expect(reported.ok).toBe(true);
    const newId = reported.ok ? reported.state.id : '';

    gate.release();
    await until(() => s.status.value.synced === true && s.status.value.unsaved === 0, 'synced, both acknowledged');
    await s.engine.settled();
    expect(await rowIds(s)).toEqual([...ids.closed, ids.reported, ids.resolved, newId].sort());
    expect((await s.getCase(ids.resolved))?.status).toBe('verified');
    // The relay accepted them (validated like any update).
    const token = await login(server.url, 'town01');
    expect(((await api(server.url, `/api/cases/${ids.resolved}`, { token })).body as { status: string }).status).toBe('verified');
    expect((await api(server.url, `/api/cases/${newId}`, { token })).status).toBe(200);

    // The same rows, field for field, as a device that never had a head start (the town's doc folded whole).
    const plain = device(new Gate(), `fs${Date.now().toString(36)}b`);
    const p = await signIn(plain);
    await p.engine.whenSynced();
    const strip = (rows: Awaited<ReturnType<typeof s.queryCases>>) => rows.map(({ pending: _p, ...r }) => r).sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(strip(await s.queryCases({}, 0, 1000))).toEqual(strip(await p.queryCases({}, 0, 1000)));
    await auth.dispose();
    await plain.dispose();
  });

  it('a worker with no open work gets an empty task list that can be believed, and can report', async () => {
    const gate = new Gate();
    gate.held = true;
    const auth = device(gate, `fs${Date.now().toString(36)}d`);
    const r = await auth.login('w0002', PASSWORD);
    if (!r.ok) throw new Error(`login: ${r.error}`);
    const s = r.session;
    await until(() => taskListUsable(s.status.value), 'the first usable task list');
    expect(s.status.value.synced).toBeFalsy();
    expect(await s.countCases({})).toBe(0);
    expect(s.org.value?.grid('g0002')).toBeTruthy();
    expect((await s.report({ category: '0101', description: '路面塌陷', location: { lat: 41.2, lng: 122.1 }, gridId: 'g0002' })).ok).toBe(true);
    gate.release();
    await until(() => s.status.value.synced === true && s.status.value.unsaved === 0, 'synced, the report acknowledged');
    expect(await s.countCases({})).toBe(1);
    await auth.dispose();
  });

  it('a first sign-in cut off before its docs synced shows the head start again after a restart offline', async () => {
    const gate = new Gate();
    gate.held = true;
    const ns = `fs${Date.now().toString(36)}c`;
    const first = device(gate, ns);
    const s = await signIn(first);
    await until(() => taskListUsable(s.status.value), 'the first usable task list');
    const early = await rowIds(s);
    expect(early.length).toBeGreaterThan(0);
    await first.dispose();

    let online = false;
    const again = device(new Gate(), ns, () => online);
    const r = await again.login('w0001', PASSWORD);
    if (!r.ok) throw new Error(`offline sign-in: ${r.error}`);
    const t = r.session;
    await until(() => taskListUsable(t.status.value), 'the head start kept on the device');
    expect(t.status.value.connection).toBe('offline');
    expect(await rowIds(t)).toEqual(early);
    expect(t.org.value?.grid('g0001')).toBeTruthy();
    // Back online: the docs sync whole (the closed cases come) and the kept head start is dropped.
    online = true;
    await until(() => t.status.value.synced === true, 'synced');
    expect((await rowIds(t)).length).toBeGreaterThan(early.length);
    await until(async () => (await t.engine.db.meta.get('starter')) === undefined, 'the kept head start dropped');
  });
});
