// Issue 4's relay API against a real server on port 0: POST /api/cases/<id>/commands (200/400/403/404/409 for
// every command type), GET /api/stats (figures, Table 1, scopes) and GET /api/openapi.json.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_TYPES } from '../../src/domain/commands.ts';
import type { CaseState } from '../../src/domain/workflow.ts';
import { Actor, api, casesDoc, login, startTestServer, SyncClient, USERS, type TestServer } from './relay-harness.ts';

let server: TestServer;
let base: string;
const tokens: Record<string, string> = {};
const report = { category: '0101', description: '路灯损坏，夜间无照明', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001' };

beforeAll(async () => {
  server = await startTestServer();
  base = server.url;
  for (const u of ['admin', 'county', 'town01', 'town02', 'w0001', 'w0002', 'unit001', 'trainer01', 'st01v01', 'resident01']) tokens[u] = await login(base, u);
});
afterAll(async () => {
  await server?.stop();
});

async function newCase(by = 'w0001', body: object = report): Promise<string> {
  const r = await api(base, '/api/cases', { token: tokens[by], body });
  expect(r.status).toBe(201);
  return (r.body as { id: string }).id;
}

type State = CaseState & { events: unknown[] };
async function cmd(id: string, who: string, body: object): Promise<{ status: number; body: State & { error?: string } }> {
  const r = await api(base, `/api/cases/${id}/commands`, { token: tokens[who], body });
  return { status: r.status, body: r.body as State & { error?: string } };
}
async function ok(id: string, who: string, body: object): Promise<State> {
  const r = await cmd(id, who, body);
  expect(r.status, `${who} ${JSON.stringify(body)} -> ${JSON.stringify(r.body.error)}`).toBe(200);
  return r.body;
}
async function refused(id: string, who: string, body: object, status: number, error: string): Promise<void> {
  const r = await cmd(id, who, body);
  expect({ status: r.status, body: r.body }, `${who} ${JSON.stringify(body)}`).toEqual({ status, body: { error } });
}

describe('POST /api/cases/<id>/commands', () => {
  it('walks the whole lifecycle: return, re-dispatch, checklist, extension, supervision, failed verification, feedback, reopen', async () => {
    const id = await newCase();
    await refused(id, 'w0001', { type: 'accept' }, 403, 'role_not_allowed');
    await refused(id, 'town02', { type: 'accept' }, 403, 'forbidden'); // another town's doc
    await refused(id, 'trainer01', { type: 'accept' }, 403, 'forbidden');
    expect((await ok(id, 'town01', { type: 'accept' })).status).toBe('accepted');
    await refused(id, 'town01', { type: 'accept' }, 409, 'state_not_allowed');

    await refused(id, 'town01', { type: 'dispatch', unitId: 5 }, 400, 'bad_request');
    await refused(id, 'town01', { type: 'dispatch', unitId: 'u999' }, 400, 'unknown_unit');
    await refused(id, 'town01', { type: 'dispatch', unitId: 'u001', planId: 'P999' }, 400, 'unknown_plan');
    await refused(id, 'unit001', { type: 'acknowledge' }, 409, 'state_not_allowed');
    const d = await ok(id, 'town01', { type: 'dispatch', unitId: 'u001', planId: 'P001' });
    expect(d).toMatchObject({ status: 'dispatched', unitId: 'u001', planId: 'P001', dueHours: 24, checklist: [false, false] });

    expect((await ok(id, 'unit001', { type: 'acknowledge' })).status).toBe('acknowledged');
    await refused(id, 'unit001', { type: 'return' }, 400, 'bad_request');
    const back = await ok(id, 'unit001', { type: 'return', reason: '不属于本单位职责' });
    expect(back.status).toBe('returned');
    expect(back.unitId).toBeUndefined();
    expect(back.returned).toMatchObject({ unitId: 'u001', reason: '不属于本单位职责', by: 'unit001' });
    await refused(id, 'unit001', { type: 'start' }, 409, 'state_not_allowed');

    expect((await ok(id, 'town01', { type: 'dispatch', unitId: 'u001', planId: 'P001', dueHours: 8 })).dueHours).toBe(8);
    expect((await ok(id, 'unit001', { type: 'start' })).status).toBe('in_progress');
    expect((await ok(id, 'unit001', { type: 'checklist', step: 1, done: true })).checklist).toEqual([false, true]);
    await refused(id, 'unit001', { type: 'checklist', step: 5, done: true }, 400, 'unknown_step');
    await refused(id, 'unit001', { type: 'request_extension', hours: 0, reason: 'x' }, 400, 'bad_request');
    const ext = await ok(id, 'unit001', { type: 'request_extension', hours: 24, reason: '需要采购配件' });
    expect(ext.extension).toMatchObject({ hours: 24, status: 'pending', by: 'unit001' });
    await refused(id, 'unit001', { type: 'request_extension', hours: 12, reason: '再延期' }, 409, 'extension_pending');
    await refused(id, 'unit001', { type: 'decide_extension', approve: true }, 403, 'role_not_allowed');
    await refused(id, 'town01', { type: 'decide_extension', approve: 'yes' }, 400, 'bad_request');
    const decided = await ok(id, 'town01', { type: 'decide_extension', approve: true });
    expect(decided).toMatchObject({ extensionHours: 24, extension: { status: 'approved', decidedBy: 'town01' } });
    await refused(id, 'town01', { type: 'decide_extension', approve: false }, 409, 'no_extension_pending');
    await refused(id, 'w0001', { type: 'supervise', note: '请尽快' }, 403, 'role_not_allowed');
    await refused(id, 'county', { type: 'supervise' }, 400, 'bad_request');
    const sup = await ok(id, 'county', { type: 'supervise', note: '县指挥中心督办' });
    expect(sup.status).toBe('in_progress');
    expect(sup.supervisions).toMatchObject([{ level: 'county', note: '县指挥中心督办', by: 'county' }]);

    await refused(id, 'unit001', { type: 'resolve' }, 400, 'bad_request');
    expect((await ok(id, 'unit001', { type: 'resolve', note: '已更换灯泡' })).status).toBe('resolved');
    await refused(id, 'w0002', { type: 'verify' }, 403, 'forbidden'); // a worker of another town
    const failed = await ok(id, 'w0001', { type: 'fail_verification', reason: '仍不亮' });
    expect(failed).toMatchObject({ status: 'verification_failed', verificationFailures: 1 });
    await ok(id, 'unit001', { type: 'resolve', note: '更换线路' });
    await ok(id, 'w0001', { type: 'verify', note: '已亮' });
    expect((await ok(id, 'w0001', { type: 'close' })).status).toBe('closed');

    await refused(id, 'st01v01', { type: 'feedback', satisfaction: 'satisfied' }, 403, 'not_reporter');
    await refused(id, 'town01', { type: 'feedback', satisfaction: 'great' }, 400, 'bad_request');
    const fb = await ok(id, 'town01', { type: 'feedback', satisfaction: 'basically_satisfied' });
    expect(fb).toMatchObject({ status: 'closed', satisfaction: 'basically_satisfied' });
    await refused(id, 'w0001', { type: 'feedback', satisfaction: 'satisfied' }, 409, 'feedback_given');

    await refused(id, 'w0001', { type: 'reopen', reason: '又坏了' }, 403, 'role_not_allowed');
    const reopened = await ok(id, 'town01', { type: 'reopen', reason: '群众反映又坏了' });
    expect(reopened).toMatchObject({ status: 'accepted', reopenCount: 1 });
    expect(reopened.satisfaction).toBeUndefined();
    expect(reopened.events.length).toBe(reopened.timeline.length);

    // the answer is what GET shows
    const got = await api(base, `/api/cases/${id}`, { token: tokens.county });
    expect((got.body as State).status).toBe('accepted');
  });

  it('rejects, withdraws, self-resolves and merges', async () => {
    const a = await newCase();
    await refused(a, 'town01', { type: 'reject' }, 400, 'bad_request');
    expect((await ok(a, 'town01', { type: 'reject', reason: '不属于受理范围' })).status).toBe('rejected');

    const b = await newCase();
    await refused(b, 'st01v01', { type: 'withdraw', reason: '误报' }, 403, 'not_reporter');
    expect((await ok(b, 'w0001', { type: 'withdraw', reason: '误报' })).status).toBe('withdrawn');

    const c = await newCase();
    await refused(c, 'town01', { type: 'self_resolve', note: '已处理' }, 403, 'role_not_allowed');
    const self = await ok(c, 'w0001', { type: 'self_resolve', note: '已当场处理' });
    expect(self).toMatchObject({ status: 'closed', selfResolved: true, resolution: '已当场处理' });

    const d = await newCase();
    const e = await newCase();
    await refused(d, 'town01', { type: 'merge', intoCaseId: d }, 400, 'merge_into_self');
    await refused(d, 'town01', { type: 'merge', intoCaseId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }, 400, 'unknown_case');
    await refused(d, 'town01', { type: 'merge', intoCaseId: 'nope' }, 400, 'bad_request');
    await refused(d, 'w0001', { type: 'merge', intoCaseId: e }, 403, 'role_not_allowed');
    expect(await ok(d, 'town01', { type: 'merge', intoCaseId: e })).toMatchObject({ status: 'merged', mergedInto: e });
    await refused(d, 'town01', { type: 'accept' }, 409, 'state_not_allowed');
  });

  it('a resident (no doc access) may withdraw or rate their own report through the API, nothing else', async () => {
    const mine = await newCase('resident01');
    await refused(mine, 'resident01', { type: 'accept' }, 403, 'forbidden');
    const other = await newCase();
    await refused(other, 'resident01', { type: 'withdraw', reason: '误报' }, 403, 'not_reporter');
    await refused(mine, 'town01', { type: 'self_resolve', note: 'x' }, 403, 'role_not_allowed');
    await ok(mine, 'w0001', { type: 'self_resolve', note: '网格员当场解决' });
    expect(await ok(mine, 'resident01', { type: 'feedback', satisfaction: 'satisfied' })).toMatchObject({ satisfaction: 'satisfied' });
    const again = await newCase('resident01');
    expect((await ok(again, 'resident01', { type: 'withdraw', reason: '已自行解决' })).status).toBe('withdrawn');
  });

  it('answers 400 for unknown or missing types and bad bodies, 404 for unknown cases, 401 without a token', async () => {
    const id = await newCase();
    for (const body of [{}, { type: 'report', ...report }, { type: 'teleport' }, { type: 'toString' }, { type: 'accept', extra: 1 }]) {
      await refused(id, 'town01', body, 400, 'bad_request');
    }
    for (const rawBody of ['[]', 'null', '"accept"', '{']) {
      const r = await api(base, `/api/cases/${id}/commands`, { token: tokens.town01, rawBody, method: 'POST' });
      expect(r.status, rawBody).toBe(400);
    }
    await refused('01ARZ3NDEKTSV4RRFFQ69G5FAV', 'town01', { type: 'accept' }, 404, 'unknown_case');
    expect((await api(base, `/api/cases/${id}/commands`, { body: { type: 'accept' } })).status).toBe(401);
    const get = await api(base, `/api/cases/${id}/commands`, { token: tokens.town01 });
    expect(get).toMatchObject({ status: 405, body: { error: 'method_not_allowed' } });
  });

  it('the second of two racing dispatches gets 409 and leaves the first in place', async () => {
    const id = await newCase();
    await ok(id, 'town01', { type: 'accept' });
    const [x, y] = await Promise.all([
      cmd(id, 'town01', { type: 'dispatch', unitId: 'u001' }),
      cmd(id, 'county', { type: 'dispatch', unitId: 'u002' }),
    ]);
    expect([x.status, y.status].sort()).toEqual([200, 409]);
    const got = (await api(base, `/api/cases/${id}`, { token: tokens.county })).body as State;
    expect(got.status).toBe('dispatched');
    // The loser was either refused before it was appended, or appended and superseded (it lost the race in the
    // fold): either way it has no effect and the answer said so.
    const loser = x.status === 409 ? 'town01' : 'county';
    expect(got.unitId).toBe(loser === 'town01' ? 'u002' : 'u001');
    expect(got.superseded.length).toBeLessThanOrEqual(1);
    for (const s of got.superseded) expect(s).toMatchObject({ actor: loser, type: 'dispatched', reason: 'state_not_allowed' });
  });
});

describe('the relay takes the new event types over sync (validate.ts: roleMayEver)', () => {
  it('a unit acknowledges and starts over the websocket; a unit may never dispatch', async () => {
    const id = await newCase();
    await ok(id, 'town01', { type: 'accept' });
    const dispatched = await ok(id, 'town01', { type: 'dispatch', unitId: 'u001', planId: 'P001' });
    const device = new SyncClient(server.wsBase, casesDoc('t01'), tokens.unit001!);
    try {
      await device.synced();
      const unit = new Actor(USERS.unit001);
      const ack = unit.act(dispatched, id, { type: 'acknowledge' });
      const start = unit.act(ack.state, id, { type: 'start' });
      const tick = unit.act(start.state, id, { type: 'checklist', step: 0, done: true });
      device.append(ack.event, start.event, tick.event);
      await device.allSaved('the unit’s events acknowledged');
      const got = (await api(base, `/api/cases/${id}`, { token: tokens.town01 })).body as State;
      expect(got).toMatchObject({ status: 'in_progress', checklist: [true, false] });
      const refusal = device.refused('REFUSED dispatch by a unit');
      device.append({ ...tick.event, id: '01KZZZZZZZZZZZZZZZZZZZZZZZ', type: 'dispatched', data: { unitId: 'u001' } } as typeof tick.event);
      expect(await refusal).toMatchObject({ code: 'role_not_allowed' });
    } finally {
      device.destroy();
    }
  });
});

describe('GET /api/stats', () => {
  it('gives the county its figures and Table 1 with the seed’s labels', async () => {
    const r = await api(base, '/api/stats?scope=county', { token: tokens.county });
    expect(r.status).toBe(200);
    const body = r.body as { figures: Record<string, number>; table1: Array<{ key: string; label: string; unit: string; value: number; seed: number }>; towns: object; units: object };
    expect(body.figures.cases).toBeGreaterThanOrEqual(8);
    expect(body.figures.completed).toBeGreaterThanOrEqual(1);
    expect(body.figures.withdrawn).toBeGreaterThanOrEqual(1);
    expect(body.table1.map((x) => x.label)).toEqual(['注册单位', '系统用户', '手机应用用户', '网格总数', '上报的案件数', '问题解决的平均时间', '问题解决完成率']);
    expect(body.table1.map((x) => x.unit)).toEqual(['家', '人', '人', '个', '件', '小时', '百分比']);
    expect(body.table1.find((x) => x.key === 'registeredUnits')).toMatchObject({ value: 2, seed: 327 });
    expect(body.table1.find((x) => x.key === 'grids')?.value).toBe(2);
    expect(body.table1.find((x) => x.key === 'systemUsers')?.value).toBe(9);
    expect(body.table1.find((x) => x.key === 'appUsers')?.value).toBe(1);
    expect(body.table1.find((x) => x.key === 'casesReported')?.value).toBe(body.figures.cases);
    expect(Object.keys(body.towns)).toContain('t01');
    expect(Object.keys(body.units)).toContain('u001');
  });

  it('scopes: a town its own town, a unit itself, a worker their grid; others 403', async () => {
    const town = await api(base, '/api/stats?scope=t01', { token: tokens.town01 });
    expect(town.status).toBe(200);
    expect((town.body as { table1?: unknown }).table1).toBeUndefined();
    expect((await api(base, '/api/stats?scope=county', { token: tokens.town01 })).status).toBe(403);
    expect((await api(base, '/api/stats?scope=t02', { token: tokens.town01 })).status).toBe(403);
    const unit = await api(base, '/api/stats?scope=u001', { token: tokens.unit001 });
    expect(unit.status).toBe(200);
    expect((unit.body as { figures: { cases: number } }).figures.cases).toBeGreaterThanOrEqual(1);
    expect((await api(base, '/api/stats?scope=t01', { token: tokens.unit001 })).status).toBe(403);
    expect((await api(base, '/api/stats?scope=g0001', { token: tokens.w0001 })).status).toBe(200);
    expect((await api(base, '/api/stats?scope=g0002', { token: tokens.w0001 })).status).toBe(403);
    expect((await api(base, '/api/stats?scope=g0001', { token: tokens.st01v01 })).status).toBe(200);
    expect((await api(base, '/api/stats?scope=county', { token: tokens.trainer01 })).status).toBe(403);
    expect((await api(base, '/api/stats?scope=county')).status).toBe(401);
  });

  it('filters by period and answers 400 for bad scopes and dates', async () => {
    const day = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
    const today = day(Date.now());
    const inToday = await api(base, `/api/stats?scope=county&from=${today}&to=${today}`, { token: tokens.county });
    expect(inToday.status).toBe(200);
    expect((inToday.body as { figures: { cases: number } }).figures.cases).toBeGreaterThanOrEqual(8);
    const tomorrow = day(Date.now() + 86_400_000);
    const later = await api(base, `/api/stats?scope=county&from=${tomorrow}&to=${tomorrow}`, { token: tokens.county });
    expect((later.body as { figures: { cases: number; completionRate: number | null } }).figures).toMatchObject({ cases: 0, completionRate: null });
    for (const q of ['scope=t99', 'scope=county&from=yesterday', 'scope=county&from=2025-13-01', 'scope=county&from=2025-06-02&to=2025-06-01']) {
      expect(await api(base, `/api/stats?${q}`, { token: tokens.county }), q).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    }
  });
});

describe('GET /api/openapi.json', () => {
  it('describes every route and every command', async () => {
    const r = await api(base, '/api/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.body as { openapi: string; paths: Record<string, object>; components: { schemas: { Command: { oneOf: Array<{ properties: { type: { const: string } } }> } } } };
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of ['/healthz', '/api/login', '/api/me', '/api/cases', '/api/cases/{caseId}', '/api/cases/{caseId}/commands', '/api/plans', '/api/stats', '/api/openapi.json']) {
      expect(Object.keys(doc.paths), p).toContain(p);
    }
    expect(doc.components.schemas.Command.oneOf.map((c) => c.properties.type.const).sort()).toEqual(COMMAND_TYPES.filter((c) => c !== 'report').sort());
  });
});
