/**
 * Issue 9 section 1, "history is facts, on every replica" (docs/DESIGN.md section 4, src/domain/receipts.ts): the
 * relay receipts every accepted case event with the author's authority and the references as the org doc had
 * them, and every replica folds a receipted event by its receipt, never by today's org doc.
 *
 * Against the real relay on port 0 (the fixture county of relay-harness.ts), a history of cases in town t01 is
 * built through the HTTP API; then an administrator's client changes the `org` doc over sync, one change at a time:
 *   (a) grid worker w0001 moves to a new grid g0003,   (b) unit u001, which handled cases, is removed,
 *   (c) grid g0001 is renamed and moved to a new village,   (d) plan P001 gets other deadline hours and steps.
 * After each change, once every session holds the new org, every case of the history has the same state as before
 * on every replica: the relay (GET /api/cases/<id>, GET /api/stats), three long-lived app sessions (town center
 * town01, worker w0001, unit unit001: getCase and the read model's rows) and a device signed in afresh (county),
 * whose read model folds everything from scratch. And only new events see the change: the moved worker acts on the
 * new grid and not on the old, a new dispatch to the removed unit is refused (or, decided on a stale org, kept as
 * superseded), a new report in the moved grid gets the new village, a new dispatch with the plan the new deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createAuthService, type GridlinkAuthService, type GridlinkSession } from '../../src/app/session.ts';
import type { Command } from '../../src/domain/commands.ts';
import { ORG_DOC } from '../../src/domain/docs.ts';
import { formatHlc, hlcMs } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import { CHANGES_ARRAY, type OrgView } from '../../src/domain/org.ts';
import type { CaseState } from '../../src/domain/workflow.ts';
import type { CaseRow } from '../../src/storage/rows.ts';
import { EVENTS_ARRAY, RECEIPTS_ARRAY } from '../../src/protocol/wire.ts';
import { until } from '../support/wait.ts';
import { Actor, api, casesDoc, FIXTURE_ORG, login, PASSWORD, startTestServer, SyncClient, USERS, type TestServer } from './relay-harness.ts';

const T01 = casesDoc('t01');
const LOCATION = { lat: 41.12, lng: 122.07 };
const P001 = FIXTURE_ORG.plans.find((p) => p.id === 'P001')!;
const G0001 = FIXTURE_ORG.grids.find((g) => g.id === 'g0001')!;

let server: TestServer;
let admin: SyncClient;
const tokens: Record<string, string> = {};
const services: GridlinkAuthService[] = [];
let nsCounter = 0;
/** The long-lived app sessions (replicas that hold the history since before the changes). */
const sessions: Record<'town01' | 'w0001' | 'unit001', GridlinkSession> = {} as never;

/** The history: case ids by the state they were left in. */
const history = { closed: '', inProgress: '', resolved: '', accepted: '', bySecretary: '', reported: '' };
/** Each history case as the relay folded it before any change, and each session's rows of them. */
const baseline = new Map<string, CaseState>();
const baselineRows = new Map<string, CaseRow[]>();

type State = CaseState & { events?: unknown[]; error?: string };

// ------------------------------------------------------------------ the relay's API

async function call(who: string, path: string, body?: object): Promise<{ status: number; body: State }> {
  const r = await api(server.url, path, { token: tokens[who], ...(body ? { body } : {}) });
  return { status: r.status, body: r.body as State };
}

async function report(who: string, gridId: string, description: string): Promise<string> {
  const r = await call(who, '/api/cases', { category: '0101', description, location: LOCATION, gridId });
  expect(r.status, `${who} reports in ${gridId}: ${r.body.error}`).toBe(201);
  return r.body.id;
}

async function ok(id: string, who: string, command: object): Promise<State> {
  const r = await call(who, `/api/cases/${id}/commands`, command);
  expect(r.status, `${who} ${JSON.stringify(command)}: ${r.body.error}`).toBe(200);
  return r.body;
}

/** The relay's fold of a case (GET /api/cases/<id>), without the raw events. */
async function onRelay(id: string): Promise<CaseState | null> {
  const r = await call('county', `/api/cases/${id}`);
  if (r.status === 404) return null;
  expect(r.status).toBe(200);
  const { events: _events, ...state } = r.body;
  return state;
}

/** What GET /api/stats says about town t01 that depends on its cases. */
async function townStats(): Promise<unknown> {
  const r = await api(server.url, '/api/stats?scope=t01', { token: tokens.county });
  expect(r.status).toBe(200);
  const { figures, units, grids } = r.body as Record<string, unknown>;
  return { figures, units, grids };
}

// ------------------------------------------------------------------ app sessions

async function signIn(username: string): Promise<{ auth: GridlinkAuthService; session: GridlinkSession }> {
  const auth = createAuthService({
    baseUrl: server.url,
    fetch: globalThis.fetch,
    WebSocketPolyfill: WebSocket,
    online: () => true,
    namespace: `hf${Date.now().toString(36)}${nsCounter++}`,
    pollMs: 20,
    pbkdf2Iterations: 2000,
  });
  services.push(auth);
  const r = await auth.login(username, PASSWORD);
  if (!r.ok) throw new Error(`login ${username}: ${r.error}`);
  return { auth, session: r.session };
}

/** The session holds every event and receipt the relay holds for town t01, and its read model is written. */
async function caughtUp(s: GridlinkSession): Promise<void> {
  await until(async () => {
    const [events, receipts] = await server.relay.withDoc(T01, (d) => [d.getArray(EVENTS_ARRAY).length, d.getArray(RECEIPTS_ARRAY).length]);
    const mine = s.engine.docs().get(T01);
    return mine !== undefined && mine.getArray(EVENTS_ARRAY).length === events && mine.getArray(RECEIPTS_ARRAY).length === receipts && s.status.value.unsaved === 0;
  }, `${s.user.id} caught up with ${T01}`);
  await s.engine.settled();
}

async function rowsOf(s: GridlinkSession, ids: readonly string[]): Promise<CaseRow[]> {
  const rows = await s.queryCases({}, 0, 1000);
  return rows.filter((r) => ids.includes(r.id)).sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The session's action on a case, after which its events are acknowledged by the relay. */
async function act(s: GridlinkSession, id: string, command: object): Promise<{ ok: boolean; error?: string; state?: CaseState }> {
  const d = await s.act(id, command as Command);
  if (d.ok) await until(() => s.status.value.unsaved === 0, `${s.user.id}'s ${JSON.stringify(command)} acknowledged`);
  return d.ok ? { ok: true, state: d.state } : { ok: false, error: d.error };
}

// ------------------------------------------------------------------ the administrator

/** Whether an org view has every change made so far (the last change's test). */
let orgNow: (org: OrgView) => boolean = () => true;

/** An administrator's change of the org doc over sync; resolves when the relay acknowledged it and every session has it. */
async function changeOrg(write: (doc: SyncClient['doc']) => void | Promise<void>, sessionsHaveIt: (org: OrgView) => boolean): Promise<void> {
  await write(admin.doc);
  await admin.allSaved('the org change acknowledged');
  orgNow = sessionsHaveIt;
  for (const s of Object.values(sessions)) {
    await until(() => s.org.value !== null && sessionsHaveIt(s.org.value), `${s.user.id} has the new org`);
    await s.engine.settled();
  }
}

let changeTick = 0;
/** The admin's reference change (src/domain/refchanges.ts), appended to the org doc's `changes`. */
function refChange(doc: SyncClient['doc'], type: string, data: unknown): void {
  const ms = Date.now();
  const id = newId(ms, (k) => crypto.getRandomValues(new Uint8Array(k)));
  doc.getArray(CHANGES_ARRAY).push([{ id, at: formatHlc({ ms, counter: changeTick++, node: 'admin-dev' }), actor: 'admin', type, data }]);
}

// ------------------------------------------------------------------ every replica keeps the history

async function expectHistoryKept(label: string): Promise<void> {
  const ids = Object.values(history);
  for (const id of ids) expect(await onRelay(id), `${label}: the relay's case ${id}`).toEqual(baseline.get(id));
  for (const [name, s] of Object.entries(sessions)) {
    await caughtUp(s);
    for (const id of ids) expect(await s.getCase(id), `${label}: ${name}'s case ${id}`).toEqual(baseline.get(id));
    expect(await rowsOf(s, ids), `${label}: ${name}'s rows`).toEqual(baselineRows.get(name));
  }
  // A device signed in afresh folds the whole history with today's org doc in hand.
  const { auth, session: fresh } = await signIn('county');
  try {
    await fresh.engine.whenSynced();
    await until(() => fresh.org.value !== null && orgNow(fresh.org.value), "the fresh device has today's org");
    await caughtUp(fresh);
    for (const id of ids) expect(await fresh.getCase(id), `${label}: a fresh device's case ${id}`).toEqual(baseline.get(id));
    expect(await rowsOf(fresh, ids), `${label}: a fresh device's rows`).toEqual(baselineRows.get('town01'));
  } finally {
    await auth.dispose();
  }
}

/** The org change keeps every case and the town's statistics as they were, on every replica. */
async function changeKeepsHistory(label: string, write: (doc: SyncClient['doc']) => void | Promise<void>, sessionsHaveIt: (org: OrgView) => boolean): Promise<void> {
  const stats = await townStats();
  await changeOrg(write, sessionsHaveIt);
  expect(await townStats(), `${label}: GET /api/stats?scope=t01`).toEqual(stats);
  await expectHistoryKept(label);
}

// ------------------------------------------------------------------ setup: the history

beforeAll(async () => {
  const t0 = performance.now();
  server = await startTestServer();
  for (const u of ['admin', 'county', 'town01', 'w0001', 'unit001', 'st01v01']) tokens[u] = await login(server.url, u);
  admin = new SyncClient(server.wsBase, ORG_DOC, tokens.admin!);
  await admin.synced('the administrator has the org doc');

  // closed: dispatched with plan P001 (24 h, 2 steps) to u001, worked, verified and closed by the grid's worker.
  history.closed = await report('w0001', 'g0001', '路灯损坏，夜间无照明');
  await ok(history.closed, 'town01', { type: 'accept' });
  await ok(history.closed, 'town01', { type: 'dispatch', unitId: 'u001', planId: 'P001' });
  await ok(history.closed, 'unit001', { type: 'acknowledge' });
  await ok(history.closed, 'unit001', { type: 'start' });
  await ok(history.closed, 'unit001', { type: 'checklist', step: 1, done: true });
  await ok(history.closed, 'unit001', { type: 'resolve', note: '已更换灯泡' });
  await ok(history.closed, 'w0001', { type: 'verify', note: '已亮' });
  await ok(history.closed, 'w0001', { type: 'close' });
  // in progress at u001 under plan P001, one step of two done.
  history.inProgress = await report('w0001', 'g0001', '井盖缺失');
  await ok(history.inProgress, 'town01', { type: 'accept' });
  await ok(history.inProgress, 'town01', { type: 'dispatch', unitId: 'u001', planId: 'P001' });
  await ok(history.inProgress, 'unit001', { type: 'acknowledge' });
  await ok(history.inProgress, 'unit001', { type: 'start' });
  await ok(history.inProgress, 'unit001', { type: 'checklist', step: 1, done: true });
  // resolved by u001, waiting for the grid's worker to verify.
  history.resolved = await report('w0001', 'g0001', '垃圾未清运');
  await ok(history.resolved, 'town01', { type: 'accept' });
  await ok(history.resolved, 'town01', { type: 'dispatch', unitId: 'u001' });
  await ok(history.resolved, 'unit001', { type: 'acknowledge' });
  await ok(history.resolved, 'unit001', { type: 'start' });
  await ok(history.resolved, 'unit001', { type: 'resolve', note: '已清运' });
  // accepted, waiting for a dispatch.
  history.accepted = await report('w0001', 'g0001', '邻里噪音纠纷');
  await ok(history.accepted, 'town01', { type: 'accept' });
  // reported by the secretary of village t01v01 (grid g0001's village then), and by the worker.
  history.bySecretary = await report('st01v01', 'g0001', '村道积水');
  history.reported = await report('w0001', 'g0001', '树木倒伏');

  for (const id of Object.values(history)) baseline.set(id, (await onRelay(id))!);
  expect(Object.fromEntries(Object.entries(history).map(([k, id]) => [k, baseline.get(id)?.status]))).toEqual({
    closed: 'closed',
    inProgress: 'in_progress',
    resolved: 'resolved',
    accepted: 'accepted',
    bySecretary: 'reported',
    reported: 'reported',
  });
  expect(baseline.get(history.inProgress)).toMatchObject({ unitId: 'u001', planId: 'P001', dueHours: 24, checklist: [false, true], villageId: 't01v01' });
  for (const s of baseline.values()) expect(s.superseded).toEqual([]);

  for (const name of ['town01', 'w0001', 'unit001'] as const) sessions[name] = (await signIn(name)).session;
  const ids = Object.values(history);
  for (const [name, s] of Object.entries(sessions)) {
    await s.engine.whenSynced();
    await caughtUp(s);
    for (const id of ids) expect(await s.getCase(id), `${name}'s case ${id}`).toEqual(baseline.get(id));
    baselineRows.set(name, await rowsOf(s, ids));
  }
  expect(baselineRows.get('town01')!.map((r) => r.id)).toEqual([...ids].sort());
  expect(baselineRows.get('w0001')!.map((r) => r.id)).toEqual([...ids].sort());
  expect(baselineRows.get('unit001')!.map((r) => r.id)).toEqual([history.closed, history.inProgress, history.resolved].sort());
  console.log(`[measure] history of ${ids.length} cases and 3 sessions ready: ${(performance.now() - t0).toFixed(0)} ms`);
});

afterAll(async () => {
  for (const s of services) await s.dispose();
  admin?.destroy();
  await server?.stop();
});

// ------------------------------------------------------------------ the changes

describe('reference data changes keep history on every replica; only new events see them', () => {
  it('(a) grid worker w0001 moves to grid g0003: old cases keep their state; w0001 acts on g0003, no longer on g0001', async () => {
    const t0 = performance.now();
    // A new grid of the same town: sign-in, GET /api/me and the doc grants read the relay's users table, which an
    // org doc change does not touch (w0001 keeps the grants of town t01 and grid g0001); the authority that events
    // are decided and receipted with is the org doc's directory entry.
    await changeKeepsHistory(
      '(a) w0001 moved',
      async (doc) => {
        // The directory is the relay's (accounts); the grid is an admin's reference change (issue 15).
        await server.relay.putOrgUser({ ...USERS.w0001, gridId: 'g0003' });
        refChange(doc, 'grid.set', { id: 'g0003', villageId: 't01v01', townId: 't01', name: '一村第二网格', workerId: 'w0001', center: [122.08, 41.13] });
      },
      (org) => org.user('w0001')?.gridId === 'g0003',
    );

    // Not on the old grid: neither a new report there nor verifying its resolved case (API and app alike).
    const w = sessions.w0001;
    const reportOld = await call('w0001', '/api/cases', { category: '0101', description: '旧网格的新问题', location: LOCATION, gridId: 'g0001' });
    expect({ status: reportOld.status, error: reportOld.body.error }).toEqual({ status: 403, error: 'out_of_scope' });
    const verifyOld = await call('w0001', `/api/cases/${history.resolved}/commands`, { type: 'verify' });
    expect({ status: verifyOld.status, error: verifyOld.body.error }).toEqual({ status: 403, error: 'out_of_scope' });
    expect(await act(w, history.resolved, { type: 'verify' })).toEqual({ ok: false, error: 'out_of_scope' });
    const appReportOld = await w.report({ category: '0101', description: '旧网格的新问题', location: LOCATION, gridId: 'g0001' });
    expect(appReportOld).toMatchObject({ ok: false, error: 'out_of_scope' });

    // On the new grid: a report through the API, then the resolved case verified in the app.
    const fresh = await report('w0001', 'g0003', '新网格路面破损');
    await ok(fresh, 'town01', { type: 'accept' });
    await ok(fresh, 'town01', { type: 'dispatch', unitId: 'u001' });
    await ok(fresh, 'unit001', { type: 'acknowledge' });
    await ok(fresh, 'unit001', { type: 'start' });
    await ok(fresh, 'unit001', { type: 'resolve', note: '已修补' });
    await until(async () => (await w.getCase(fresh))?.status === 'resolved', 'the new grid case resolved at the worker');
    const verified = await act(w, fresh, { type: 'verify', note: '已修好' });
    expect(verified).toMatchObject({ ok: true, state: { status: 'verified' } });
    const relayFresh = await onRelay(fresh);
    expect(relayFresh).toMatchObject({ status: 'verified', gridId: 'g0003', reporter: 'w0001', superseded: [] });
    expect(relayFresh!.timeline.every((t) => t.applied)).toBe(true);
    await until(async () => (await sessions.town01.getCase(fresh))?.status === 'verified', 'verified at the town center');
    expect(await sessions.town01.getCase(fresh)).toEqual(relayFresh);
    await expectHistoryKept('(a) after the new events');
    console.log(`[measure] (a): ${(performance.now() - t0).toFixed(0)} ms`);
  });

  it('(b) unit u001, which handled cases, is removed: its cases keep their state; a new dispatch to it is refused or superseded', async () => {
    const t0 = performance.now();
    await changeKeepsHistory(
      '(b) u001 removed',
      (doc) => refChange(doc, 'unit.set', { ...FIXTURE_ORG.units.find((u) => u.id === 'u001')!, retired: true }),
      (org) => org.unit('u001')?.retired === true,
    );

    // A new dispatch to the removed unit: refused by the API and by the app's decide.
    const viaApi = await call('town01', `/api/cases/${history.accepted}/commands`, { type: 'dispatch', unitId: 'u001' });
    expect({ status: viaApi.status, error: viaApi.body.error }).toEqual({ status: 400, error: 'unknown_unit' });
    expect(await act(sessions.town01, history.accepted, { type: 'dispatch', unitId: 'u001' })).toEqual({ ok: false, error: 'unknown_unit' });
    // Decided on a device whose org doc still had u001 (the fixture's), then synced: accepted by the relay, kept in
    // the history, and superseded on every replica, because its receipt says the unit was unknown when it came.
    const id = await report('town01', 'g0001', '违章搭建');
    const accepted = await ok(id, 'town01', { type: 'accept' });
    // The device's clock (the Actor's, from Date.now) must come after the relay's stamp of the accept.
    const acceptedMs = hlcMs(accepted.timeline.at(-1)!.event.at);
    await until(() => Date.now() > acceptedMs, 'a millisecond after the accept');
    const stale = new Actor(USERS.town01).act(accepted, id, { type: 'dispatch', unitId: 'u001' });
    const device = new SyncClient(server.wsBase, T01, tokens.town01!);
    try {
      await device.synced();
      device.append(stale.event);
      await device.allSaved('the stale dispatch acknowledged');
    } finally {
      device.destroy();
    }
    const relayState = await onRelay(id);
    expect(relayState).toMatchObject({ status: 'accepted', superseded: [{ eventId: stale.event.id, type: 'dispatched', reason: 'unknown_unit' }] });
    expect(relayState!.unitId).toBeUndefined();
    for (const s of Object.values(sessions)) {
      await caughtUp(s);
      expect(await s.getCase(id), `${s.user.id}'s case ${id}`).toEqual(relayState);
    }
    await expectHistoryKept('(b) after the new events');
    console.log(`[measure] (b): ${(performance.now() - t0).toFixed(0)} ms`);
  });

  it('(c) grid g0001 is renamed and moved to village t01v02: old cases keep village t01v01; new reports get t01v02', async () => {
    const t0 = performance.now();
    await changeKeepsHistory(
      '(c) g0001 renamed and moved',
      (doc) => {
        refChange(doc, 'village.set', { id: 't01v02', townId: 't01', name: '新村', kind: 'village' });
        refChange(doc, 'grid.set', { ...G0001, name: '新村第一网格', villageId: 't01v02' });
      },
      (org) => org.grid('g0001')?.villageId === 't01v02',
    );
    expect(baseline.get(history.bySecretary)).toMatchObject({ villageId: 't01v01', reporter: 'st01v01' });

    // New reports in g0001 are in the new village: the town center's (API and app); the old village's secretary may no longer report there.
    const viaApi = await report('town01', 'g0001', '新村路灯损坏');
    expect(await onRelay(viaApi)).toMatchObject({ status: 'reported', gridId: 'g0001', villageId: 't01v02' });
    const viaApp = await sessions.town01.report({ category: '0101', description: '新村道路积水', location: LOCATION, gridId: 'g0001' });
    if (!viaApp.ok) throw new Error(`report in the app: ${viaApp.error}`);
    expect(viaApp.state.villageId).toBe('t01v02');
    await until(() => sessions.town01.status.value.unsaved === 0, 'the app report acknowledged');
    expect(await onRelay(viaApp.event.caseId)).toMatchObject({ status: 'reported', villageId: 't01v02', superseded: [] });
    const secretary = await call('st01v01', '/api/cases', { category: '0101', description: '村道积水', location: LOCATION, gridId: 'g0001' });
    expect({ status: secretary.status, error: secretary.body.error }).toEqual({ status: 403, error: 'out_of_scope' });
    await expectHistoryKept('(c) after the new events');
    console.log(`[measure] (c): ${(performance.now() - t0).toFixed(0)} ms`);
  });

  it('(d) plan P001 gets 72 deadline hours and three steps: dispatched cases keep 24 h and two steps; new dispatches get the new plan', async () => {
    const t0 = performance.now();
    const steps = [...P001.steps, '回访'];
    await changeKeepsHistory(
      '(d) P001 changed',
      (doc) => refChange(doc, 'plan.set', { ...P001, dueHours: 72, steps }),
      (org) => org.planById('P001')?.dueHours === 72,
    );
    const plans = await api(server.url, '/api/plans', { token: tokens.town01 });
    expect(plans.body).toContainEqual(expect.objectContaining({ id: 'P001', dueHours: 72, steps }));
    expect(baseline.get(history.inProgress)).toMatchObject({ planId: 'P001', dueHours: 24, checklist: [false, true] });

    // A new dispatch with P001 through the API...
    const viaApi = await report('town01', 'g0001', '噪音扰民');
    await ok(viaApi, 'town01', { type: 'accept' });
    const dispatched = await ok(viaApi, 'town01', { type: 'dispatch', unitId: 'u002', planId: 'P001' });
    expect(dispatched).toMatchObject({ status: 'dispatched', planId: 'P001', dueHours: 72, checklist: [false, false, false] });
    // ...and in the app.
    const id = await report('town01', 'g0001', '占道经营');
    await ok(id, 'town01', { type: 'accept' });
    await until(async () => (await sessions.town01.getCase(id))?.status === 'accepted', 'the case accepted at the town center');
    const viaApp = await act(sessions.town01, id, { type: 'dispatch', unitId: 'u002', planId: 'P001' });
    expect(viaApp).toMatchObject({ ok: true, state: { status: 'dispatched', dueHours: 72, checklist: [false, false, false] } });
    const relayState = await onRelay(id);
    expect(relayState).toMatchObject({ status: 'dispatched', unitId: 'u002', planId: 'P001', dueHours: 72, checklist: [false, false, false], superseded: [] });
    for (const s of Object.values(sessions)) {
      await caughtUp(s);
      expect(await s.getCase(id), `${s.user.id}'s dispatched case`).toEqual(relayState);
    }
    await expectHistoryKept('(d) after the new events');
    expect(await onRelay(history.inProgress)).toMatchObject({ dueHours: 24, checklist: [false, true] });
    console.log(`[measure] (d): ${(performance.now() - t0).toFixed(0)} ms`);
  });
});
