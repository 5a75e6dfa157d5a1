/**
 * 二次回访 (issue 13) against the real relay on port 0: a 不满意 rating leaves the closed case waiting for a
 * follow-up; only the town center, county or admin may record the call. Insiders who try (a unit's or a grid
 * worker's modified app appending the event to the synced doc, a resident or another town through the API) are
 * refused and change nothing; the honest call is acknowledged and every reader sees the same answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseEvent } from '../../src/domain/events.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import type { CaseState } from '../../src/domain/workflow.ts';
import { api, casesDoc, login, startTestServer, SyncClient, type TestServer } from './relay-harness.ts';

let server: TestServer;
const tokens: Record<string, string> = {};
const clients: SyncClient[] = [];
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

beforeAll(async () => {
  server = await startTestServer();
  for (const u of ['town01', 'town02', 'w0001', 'unit001', 'county', 'resident01']) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.stop();
});

type ApiState = CaseState & { events: CaseEvent[] };
async function apiCase(id: string, as = 'town01'): Promise<ApiState> {
  const r = await api(server.url, `/api/cases/${id}`, { token: tokens[as] });
  expect(r.status).toBe(200);
  return r.body as ApiState;
}
async function command(id: string, as: string, body: object) {
  return api(server.url, `/api/cases/${id}/commands`, { token: tokens[as], body });
}

/** A case reported by w0001 and carried to closure, then rated 不满意 by its reporter. */
async function dissatisfiedCase(): Promise<ApiState> {
  const r = await api(server.url, '/api/cases', { token: tokens.w0001, body: { category: '0101', description: '路灯损坏', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001' } });
  expect(r.status).toBe(201);
  const id = (r.body as { id: string }).id;
  const steps: Array<[string, object]> = [
    ['town01', { type: 'accept' }],
    ['town01', { type: 'dispatch', unitId: 'u001' }],
    ['unit001', { type: 'resolve', note: '已更换灯泡' }],
    ['w0001', { type: 'verify' }],
    ['w0001', { type: 'close' }],
    ['w0001', { type: 'feedback', satisfaction: 'dissatisfied', note: '晚上还是不亮' }],
  ];
  for (const [as, body] of steps) expect((await command(id, as, body)).status, JSON.stringify(body)).toBe(200);
  const s = await apiCase(id);
  expect(s.revisit).toMatchObject({ status: 'pending', round: 1 });
  return s;
}

async function device(user: string): Promise<SyncClient> {
  const c = new SyncClient(server.wsBase, casesDoc('t01'), tokens[user]!);
  clients.push(c);
  await c.synced();
  return c;
}

function call(caseId: string, actor: string, note = '已电话回访'): CaseEvent {
  const ms = Date.now();
  return { id: newId(ms, random), caseId, type: 'revisit_called', actor, at: formatHlc({ ms, counter: 0, node: 'evil' }), data: { note, outcome: 'satisfied' } };
}

describe('二次回访 on the relay', () => {
  it.each([
    ['unit001', 'role_not_allowed'],
    ['w0001', 'role_not_allowed'],
  ])('%s appends a forged follow-up call to the synced doc: refused (%s), the revisit still waits', async (user, code) => {
    const s = await dissatisfiedCase();
    const c = await device(user);
    const answer = c.refused(code);
    c.append(call(s.id, user));
    expect(await answer).toMatchObject({ code });
    const after = await apiCase(s.id);
    expect(after.revisit).toEqual(s.revisit);
    expect(after.events.map((e) => e.type)).not.toContain('revisit_called');
  });

  it('a worker appends a call in the town center’s name: refused (forged_actor)', async () => {
    const s = await dissatisfiedCase();
    const c = await device('w0001');
    const answer = c.refused('forged_actor');
    c.append(call(s.id, 'town01'));
    expect(await answer).toMatchObject({ code: 'forged_actor' });
    expect((await apiCase(s.id)).revisit?.status).toBe('pending');
  });

  it('a resident, another town’s center and a unit through the API: refused, nothing changes', async () => {
    const s = await dissatisfiedCase();
    expect((await command(s.id, 'resident01', { type: 'call_revisit', note: '我自己回访' })).status).toBe(403);
    expect((await command(s.id, 'town02', { type: 'call_revisit', note: '跨镇回访' })).status).toBe(403);
    const unit = await command(s.id, 'unit001', { type: 'call_revisit', note: '部门回访' });
    expect(unit.status).toBe(403);
    expect((await apiCase(s.id)).revisit).toEqual(s.revisit);
  });

  it('the town center’s call from its device is acknowledged; the case stays closed; a second call is 409', async () => {
    const s = await dissatisfiedCase();
    const c = await device('town01');
    const e = call(s.id, 'town01', '已向群众说明：线路改造下周完成');
    c.append(e);
    await c.allSaved();
    const after = await apiCase(s.id, 'county');
    expect(after.status).toBe('closed');
    expect(after.satisfaction).toBe('dissatisfied');
    expect(after.revisit).toMatchObject({ status: 'called', by: 'town01', note: '已向群众说明：线路改造下周完成', outcome: 'satisfied', called: 1, reopened: 0 });
    const again = await command(s.id, 'county', { type: 'call_revisit', note: '再次回访' });
    expect(again).toMatchObject({ status: 409, body: { error: 'no_revisit_pending' } });
  });

  it('a reopen through the API answers it as reopened', async () => {
    const s = await dissatisfiedCase();
    expect((await command(s.id, 'town01', { type: 'reopen', reason: '群众反映仍不亮，重新交办' })).status).toBe(200);
    const after = await apiCase(s.id);
    expect(after.status).toBe('accepted');
    expect(after.revisit).toMatchObject({ status: 'reopened', reopened: 1, called: 0 });
  });
});
