/**
 * Clocks are untrusted (issue 9 section 2), against the real relay on port 0 with an injected relay clock:
 *  - a device clock set back a week gains nothing: a live resolution counts at its receipt; after an offline
 *    stretch it counts at the author's time but never before the relay's last contact with the device;
 *  - a week offline is counted fairly: work done offline counts when it was done;
 *  - a device clock set ahead a day: a raw event stamped a day ahead is refused (clock_ahead) and changes nothing;
 *    the app stamps by the relay's clock, so its work is accepted;
 *  - an API command answering an event stamped (within the bound) in the future sorts after it and takes effect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { createAuthService } from '../../src/app/session.ts';
import { decide, type Command } from '../../src/domain/commands.ts';
import { deadlineOf } from '../../src/domain/deadlines.ts';
import type { CaseEvent } from '../../src/domain/events.ts';
import { foldCase } from '../../src/domain/fold.ts';
import { HybridClock, hlcMs } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import type { CaseState } from '../../src/domain/workflow.ts';
import { RECEIPTS_ARRAY } from '../../src/protocol/wire.ts';
import { until } from '../support/wait.ts';
import { api, casesDoc, login, ORG_INDEX, PASSWORD, startTestServer, SyncClient, USERS, type TestServer } from './relay-harness.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let server: TestServer;
/** The relay's clock: the tests move it, only forwards (the relay's own HLC never goes back). */
let relayNow = Date.now();
const tokens: Record<string, string> = {};
const clients: SyncClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ now: () => relayNow, tokenTtl: '60d' });
  for (const u of ['town01', 'w0001', 'unit001']) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.stop();
});

type ApiState = CaseState & { events: CaseEvent[] };

async function apiCase(id: string): Promise<ApiState> {
  const r = await api(server.url, `/api/cases/${id}`, { token: tokens.town01 });
  expect(r.status).toBe(200);
  return r.body as ApiState;
}

async function command(id: string, who: string, body: Command): Promise<{ status: number; body: ApiState & { error?: string } }> {
  const r = await api(server.url, `/api/cases/${id}/commands`, { token: tokens[who], body });
  return { status: r.status, body: r.body as ApiState & { error?: string } };
}

/** A case reported by w0001, accepted and dispatched to u001 (24 hours) through the API, at the relay's clock now. */
async function dispatchedCase(): Promise<string> {
  const r = await api(server.url, '/api/cases', {
    token: tokens.w0001,
    body: { category: '0101', description: '路灯损坏', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001' },
  });
  expect(r.status).toBe(201);
  const id = (r.body as { id: string }).id;
  expect((await command(id, 'town01', { type: 'accept' })).status).toBe(200);
  expect((await command(id, 'town01', { type: 'dispatch', unitId: 'u001', dueHours: 24 })).status).toBe(200);
  return id;
}

/** The unit's device: a sync client of the town's cases doc with an HLC on a wall clock of the test's choosing. */
let devices = 0;
function unitDevice(wall: () => number): { client: SyncClient; clock: HybridClock } {
  // Each test's device is another phone of the unit: its own node, so the relay tracks its contacts apart.
  const node = `unitphone${++devices}`;
  const client = new SyncClient(server.wsBase, casesDoc('t01', relayNow), tokens.unit001!, { node });
  clients.push(client);
  return { client, clock: new HybridClock(node, wall) };
}

/** What the device's app would append: decided on its own copy of the case, stamped by its own clock. */
function resolveOn(client: SyncClient, clock: HybridClock, caseId: string): CaseEvent {
  const events = client.events.filter((e) => e.caseId === caseId);
  for (const e of events) clock.observe(e.at);
  const d = decide(foldCase(events, ORG_INDEX), { type: 'resolve', note: '已修复' }, { actor: USERS.unit001, org: ORG_INDEX, at: clock.now(), eventId: newId(Date.now(), (n) => crypto.getRandomValues(new Uint8Array(n))), caseId });
  if (!d.ok) throw new Error(`decide: ${d.error}`);
  client.append(d.event);
  return d.event;
}

/** The device goes offline: its socket is closed on both ends (the relay notes the contact at its close). */
async function offline(client: SyncClient): Promise<void> {
  const sockets = server.relay.socketCount();
  client.provider.disconnect();
  await until(() => !client.provider.wsconnected && server.relay.socketCount() === sockets - 1, 'disconnected');
}

const receiptOf = (client: SyncClient, eventId: string) =>
  client.doc
    .getArray<{ e: string; rx: number; f?: number }>(RECEIPTS_ARRAY)
    .toArray()
    .find((r) => r.e === eventId);

describe('a device clock set back a week', () => {
  it('online: the resolution counts when the relay received it, two days late, not just after the dispatch', async () => {
    relayNow = Date.now() - 60 * DAY;
    const id = await dispatchedCase();
    const dispatched = await apiCase(id);
    const { client, clock } = unitDevice(() => relayNow - 7 * DAY);
    await client.synced();
    await client.hasEvents(dispatched.events.map((e) => e.id));

    relayNow += 2 * DAY;
    const resolve = resolveOn(client, clock, id);
    // The clock is a week back, but the HLC has seen the dispatch: the stamp claims "just after the dispatch".
    expect(hlcMs(resolve.at)).toBeLessThan(dispatched.dispatchedMs! + HOUR);
    await client.allSaved();
    const s = await apiCase(id);
    expect(s.status).toBe('resolved');
    expect(s.resolvedMs).toBe(relayNow);
    expect(deadlineOf(s, relayNow)).toMatchObject({ kind: 'resolve', state: 'overdue' });
    // Judged by the stamp alone (no receipts), the same history would be on time: the receipt is what decides.
    expect(deadlineOf(foldCase(s.events, ORG_INDEX)!, relayNow)).toMatchObject({ state: 'on_time' });
    await until(() => receiptOf(client, resolve.id) !== undefined, 'the receipt reaches the device');
    expect(receiptOf(client, resolve.id)).toMatchObject({ rx: relayNow });
    expect(receiptOf(client, resolve.id)!.f).toBeUndefined();
  });

  it('offline, then back: the resolution counts no earlier than the relay’s last contact with the device', async () => {
    relayNow = Date.now() - 50 * DAY;
    const id = await dispatchedCase();
    const dispatched = await apiCase(id);
    relayNow += HOUR;
    const { client, clock } = unitDevice(() => relayNow - 7 * DAY);
    await client.synced();
    await client.hasEvents(dispatched.events.map((e) => e.id));
    const lastContact = relayNow;
    await offline(client);

    relayNow += 3 * DAY;
    const resolve = resolveOn(client, clock, id);
    client.provider.connect();
    await client.allSaved();
    const s = await apiCase(id);
    expect(hlcMs(resolve.at)).toBeLessThan(lastContact);
    expect(s.resolvedMs).toBe(lastContact);
    await until(() => receiptOf(client, resolve.id) !== undefined, 'the receipt reaches the device');
    expect(receiptOf(client, resolve.id)).toMatchObject({ rx: relayNow, f: lastContact });
  });
});

describe('a week offline is counted fairly', () => {
  it('a resolution made offline an hour after the dispatch and delivered a week later counts an hour after the dispatch', async () => {
    relayNow = Date.now() - 40 * DAY;
    const id = await dispatchedCase();
    const dispatched = await apiCase(id);
    const { client, clock } = unitDevice(() => relayNow);
    await client.synced();
    await client.hasEvents(dispatched.events.map((e) => e.id));
    await offline(client);

    relayNow += HOUR;
    const resolve = resolveOn(client, clock, id);
    const madeAt = relayNow;
    relayNow += 7 * DAY;
    client.provider.connect();
    await client.allSaved();
    const s = await apiCase(id);
    expect(hlcMs(resolve.at)).toBe(madeAt);
    expect(s.resolvedMs).toBe(madeAt);
    expect(deadlineOf(s, relayNow)).toMatchObject({ kind: 'resolve', state: 'on_time', stoppedMs: madeAt });
  });
});

describe('a device clock set ahead a day', () => {
  it('an event stamped a day ahead of the relay is refused whole (clock_ahead) and changes nothing', async () => {
    relayNow = Date.now() - 30 * DAY;
    const id = await dispatchedCase();
    const dispatched = await apiCase(id);
    const { client, clock } = unitDevice(() => relayNow + DAY);
    await client.synced();
    await client.hasEvents(dispatched.events.map((e) => e.id));
    const refused = client.refused();
    resolveOn(client, clock, id);
    expect(await refused).toMatchObject({ code: 'clock_ahead' });
    expect(await apiCase(id)).toMatchObject({ status: 'dispatched' });
  });

  it('the app stamps its events by the relay’s clock, so a phone a day ahead still gets its report saved', async () => {
    relayNow = Date.now();
    const auth = createAuthService({ baseUrl: server.url, fetch: globalThis.fetch, WebSocketPolyfill: WebSocket, online: () => true, namespace: `clk${Date.now().toString(36)}`, now: () => Date.now() + DAY, pollMs: 20 });
    try {
      const r = await auth.login('w0001', PASSWORD);
      if (!r.ok) throw new Error(r.error);
      const session = r.session;
      await session.engine.whenSynced();
      // The offset is measured at the first GET /api/me once online.
      await until(async () => (await session.report({ category: '0101', description: '井盖缺失', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001' })).ok, 'a report');
      await until(() => session.status.value.unsaved === 0 && session.status.value.connection === 'online', 'saved');
      const mine = (await session.queryCases({}, 0, 50)).filter((c) => c.description === '井盖缺失');
      expect(mine).toHaveLength(1);
      const state = await apiCase(mine[0]!.id);
      expect(Math.abs(hlcMs(state.reportedAt) - Date.now())).toBeLessThan(5 * 60_000);
    } finally {
      await auth.dispose();
    }
  });
});

describe('the relay’s clock observes every event it folds', () => {
  it('an API command answering an event stamped four minutes in the future sorts after it and takes effect', async () => {
    // Later than every earlier test's relay clock: the relay's own clock never goes back.
    relayNow = Date.now() + HOUR;
    const worker = new SyncClient(server.wsBase, casesDoc('t01', relayNow), tokens.w0001!);
    clients.push(worker);
    await worker.synced();
    const ahead = new HybridClock('workerphone', () => relayNow + 4 * 60_000);
    const d = decide(null, { type: 'report', category: '0101', description: '树木倒伏', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001', townId: 't01' }, {
      actor: USERS.w0001,
      org: ORG_INDEX,
      at: ahead.now(),
      eventId: newId(relayNow, (n) => crypto.getRandomValues(new Uint8Array(n))),
      caseId: newId(relayNow, (n) => crypto.getRandomValues(new Uint8Array(n))),
    });
    if (!d.ok) throw new Error(d.error);
    worker.append(d.event);
    await worker.allSaved();
    const accepted = await command(d.event.caseId, 'town01', { type: 'accept' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('accepted');
    const accept = accepted.body.events.find((e) => e.type === 'accepted')!;
    expect(accept.at > d.event.at).toBe(true);
    expect(hlcMs(accept.at)).toBeLessThan(relayNow + 5 * 60_000);
    expect(Y.decodeStateVector(Y.encodeStateVector(worker.doc)).size).toBeGreaterThan(0);
  });
});
