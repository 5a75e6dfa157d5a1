/**
 * 主办 / 协办 (issue 17) against the real relay on port 0: a case dispatched to a lead unit with two helping units,
 * and what an insider with a valid token could send about it. Authority is checked when an event is written (the
 * relay folds the case with it: server/integrity.ts); the lead's resolve while a helper is pending has no effect on
 * any replica (the domain's `helpers_pending`, one copy of the rule for the app and the relay).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide, type Command } from '../../src/domain/commands.ts';
import type { CaseEvent } from '../../src/domain/events.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import { indexOrg, type OrgData } from '../../src/domain/org.ts';
import type { CaseState } from '../../src/domain/workflow.ts';
import { townUnit, unitUser } from '../support/county.ts';
import { api, casesDoc, FIXTURE_ORG, login, seedFixture, startTestServer, SyncClient, tempDir, type TestServer } from './relay-harness.ts';

// The fixture county plus two units of town t01 with their handlers: u001 (county water bureau, unit001) leads,
// u002 (unit002) and u003 (unit003) help; u005 (unit005) is a unit of the same town the dispatch does not name.
const ORG: OrgData = {
  ...FIXTURE_ORG,
  units: [...FIXTURE_ORG.units, townUnit('u003', '一镇市场监管所', 't01', ['01']), townUnit('u005', '一镇司法所', 't01', ['01'])],
  users: [...FIXTURE_ORG.users, unitUser('u002', '派出所民警', 't01'), unitUser('u003', '市场监管员', 't01'), unitUser('u005', '司法所干部', 't01')],
};
const IDX = indexOrg(ORG);
const USERS = ['town01', 'w0001', 'unit001', 'unit002', 'unit003', 'unit005'];

let server: TestServer;
let tmp: { dir: string; remove(): void };
const tokens: Record<string, string> = {};
const clients: SyncClient[] = [];
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

beforeAll(async () => {
  tmp = tempDir();
  await seedFixture(tmp.dir, [], ORG);
  server = await startTestServer({ dataDir: tmp.dir, seed: false });
  for (const u of USERS) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.stop();
  tmp?.remove();
});

type ApiState = CaseState & { events: CaseEvent[] };
async function apiCase(id: string): Promise<ApiState> {
  const r = await api(server.url, `/api/cases/${id}`, { token: tokens.town01 });
  expect(r.status).toBe(200);
  return r.body as ApiState;
}
async function command(user: string, id: string, body: Command): Promise<{ status: number; body: unknown }> {
  return api(server.url, `/api/cases/${id}/commands`, { token: tokens[user], body });
}

/** A case reported by w0001, accepted, and dispatched by town01 to u001 with helpers u002 and u003 (the commands API). */
async function cohandledCase(): Promise<ApiState> {
  const r = await api(server.url, '/api/cases', { token: tokens.w0001, body: { category: '0101', description: '商户占道经营引发纠纷', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001' } });
  const id = (r.body as { id: string }).id;
  expect((await command('town01', id, { type: 'accept' })).status).toBe(200);
  expect((await command('town01', id, { type: 'dispatch', unitId: 'u001', helperUnitIds: ['u002', 'u003'], dueHours: 48 })).status).toBe(200);
  return apiCase(id);
}

async function device(user: string): Promise<SyncClient> {
  const c = new SyncClient(server.wsBase, casesDoc('t01'), tokens[user]!);
  clients.push(c);
  await c.synced();
  return c;
}

let seq = 0;
/** A hand-made event, as a modified app would send it (not checked here). */
function forge(s: ApiState, type: CaseEvent['type'], actor: string, data: object): CaseEvent {
  const ms = Date.now() + seq++;
  return { id: newId(ms, random), caseId: s.id, type, actor, at: formatHlc({ ms, counter: 0, node: `evil-${actor}` }), data } as CaseEvent;
}
/** A valid event made as the user's app would (decide on the case as the relay serves it). */
function made(s: ApiState, actor: string, cmd: Command): CaseEvent {
  const ms = Date.now() + seq++;
  const d = decide(s, cmd, { actor: IDX.user(actor)!, org: IDX, at: formatHlc({ ms, counter: 0, node: `dev-${actor}` }), eventId: newId(ms, random), caseId: s.id });
  if (!d.ok) throw new Error(`decide: ${d.error}`);
  return d.event;
}

/** `user`'s fresh device appends `event`: the relay refuses the update with `code`, and the case is unchanged. */
async function refused(user: string, event: CaseEvent, code: string, s: ApiState): Promise<void> {
  const c = await device(user);
  const before = await apiCase(s.id);
  const answer = c.refused(code);
  c.append(event);
  expect(await answer).toMatchObject({ code });
  expect(await apiCase(s.id)).toEqual(before);
}

const helperStates = (s: CaseState) => Object.fromEntries((s.helpers ?? []).map((h) => [h.unitId, h.status]));

describe('主办 / 协办 through the relay', () => {
  it('the dispatch names the lead and both helpers; its receipt records them', async () => {
    const s = await cohandledCase();
    expect(s.unitId).toBe('u001');
    expect(helperStates(s)).toEqual({ u002: 'assisting', u003: 'assisting' });
    const held = (await server.relay.withDoc(casesDoc('t01'), (d) => d.getArray('receipts').toJSON())) as Array<{ e: string; x?: { ht?: string[] } }>;
    expect(held.find((r) => r.e === s.dispatchId)?.x?.ht).toEqual(['t01', 't01']);
  });

  it('helpers record and confirm on their devices; the lead resolves only after, and the worker verifies', async () => {
    let s = await cohandledCase();
    // Resolving now is refused by the commands API (the same rule the app applies offline).
    expect(await command('unit001', s.id, { type: 'resolve', note: '已调解' })).toMatchObject({ status: 409, body: { error: 'helpers_pending' } });
    for (const helper of ['unit002', 'unit003']) {
      const d = await device(helper);
      d.append(made(s, helper, { type: 'record_assist', dispatchId: s.dispatchId!, note: `${helper} 已到场配合` }));
      await d.allSaved();
      s = await apiCase(s.id);
      d.append(made(s, helper, { type: 'confirm_assist', dispatchId: s.dispatchId! }));
      await d.allSaved();
      s = await apiCase(s.id);
    }
    expect(helperStates(s)).toEqual({ u002: 'confirmed', u003: 'confirmed' });
    expect((await command('unit001', s.id, { type: 'resolve', note: '已调解' })).status).toBe(200);
    expect((await command('w0001', s.id, { type: 'verify' })).status).toBe(200);
    expect((await apiCase(s.id)).status).toBe('verified');
  });

  it('one confirms and the center releases the other; then the lead resolves', async () => {
    let s = await cohandledCase();
    const d = await device('unit002');
    d.append(made(s, 'unit002', { type: 'record_assist', dispatchId: s.dispatchId!, note: '已配合' }));
    await d.allSaved();
    s = await apiCase(s.id);
    d.append(made(s, 'unit002', { type: 'confirm_assist', dispatchId: s.dispatchId! }));
    await d.allSaved();
    expect((await command('town01', s.id, { type: 'release_assist', dispatchId: s.dispatchId!, unitId: 'u003', reason: '无需该所协办' })).status).toBe(200);
    expect(helperStates(await apiCase(s.id))).toEqual({ u002: 'confirmed', u003: 'released' });
    expect((await command('unit001', s.id, { type: 'resolve', note: '已调解' })).status).toBe(200);
  });
});

describe('what an insider could send', () => {
  it('a unit the dispatch does not name records or confirms a part: refused (not_authorized)', async () => {
    const s = await cohandledCase();
    await refused('unit005', forge(s, 'assist_recorded', 'unit005', { dispatchId: s.dispatchId, note: '冒充协办' }), 'not_authorized', s);
    await refused('unit005', forge(s, 'assist_confirmed', 'unit005', { dispatchId: s.dispatchId }), 'not_authorized', s);
  });

  it('the lead records a helper part: refused (not_authorized)', async () => {
    const s = await cohandledCase();
    await refused('unit001', forge(s, 'assist_recorded', 'unit001', { dispatchId: s.dispatchId, note: '替协办单位记录' }), 'not_authorized', s);
  });

  it('a helper resolves, acknowledges or returns the case: refused (not_authorized)', async () => {
    const s = await cohandledCase();
    await refused('unit002', forge(s, 'resolved', 'unit002', { note: '已处理' }), 'not_authorized', s);
    await refused('unit002', forge(s, 'acknowledged', 'unit002', {}), 'not_authorized', s);
    await refused('unit003', forge(s, 'returned', 'unit003', { reason: '不归我' }), 'not_authorized', s);
  });

  it('a worker or a unit releases a helper: refused (role_not_allowed)', async () => {
    const s = await cohandledCase();
    await refused('w0001', forge(s, 'assist_released', 'w0001', { dispatchId: s.dispatchId, unitId: 'u002', reason: '释放' }), 'role_not_allowed', s);
    await refused('unit001', forge(s, 'assist_released', 'unit001', { dispatchId: s.dispatchId, unitId: 'u002', reason: '释放' }), 'role_not_allowed', s);
  });

  it('a unit confirms in a helper’s name: refused (forged_actor)', async () => {
    const s = await cohandledCase();
    await refused('unit005', forge(s, 'assist_confirmed', 'unit002', { dispatchId: s.dispatchId }), 'forged_actor', s);
  });

  it('malformed: a dispatch naming the lead as its helper, or a helper twice: refused by the API; a helper part without a note: refused (invalid_event)', async () => {
    const r = await api(server.url, '/api/cases', { token: tokens.w0001, body: { category: '0101', description: '纠纷', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001' } });
    const id = (r.body as { id: string }).id;
    await command('town01', id, { type: 'accept' });
    expect(await command('town01', id, { type: 'dispatch', unitId: 'u001', helperUnitIds: ['u001'] })).toMatchObject({ status: 400, body: { error: 'not_helper' } });
    expect((await command('town01', id, { type: 'dispatch', unitId: 'u001', helperUnitIds: ['u002', 'u002'] })).status).toBe(400);
    const s = await cohandledCase();
    await refused('unit002', forge(s, 'assist_recorded', 'unit002', { dispatchId: s.dispatchId }), 'invalid_event', s);
  });

  it('the lead’s resolve before the confirmations, sent past the app: it changes nothing, on the relay and every replica', async () => {
    const s = await cohandledCase();
    const lead = await device('unit001');
    const early = forge(s, 'resolved', 'unit001', { note: '抢先办结' });
    lead.append(early);
    await lead.allSaved();
    const after = await apiCase(s.id);
    expect(after.status).toBe('dispatched');
    expect(after.superseded).toMatchObject([{ eventId: early.id, reason: 'helpers_pending', actor: 'unit001' }]);
    // A helper's device sees the same: the case still waits for its part.
    const helper = await device('unit002');
    await helper.hasEvents([early.id]);
    expect(helperStates(after)).toEqual({ u002: 'assisting', u003: 'assisting' });
  });
});
