// Issue 17: the task docs against a real relay (port 0) and insiders with valid tokens: who opens tasks.<town> and
// taskanswers.<grid> (403 at the upgrade), and what the relay accepts into them (server/taskcheck.ts): senders on
// their own side and town only, answers by the grid's worker to tasks sent to the grid, values that fit the form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { foldTasks } from '../../src/domain/towntasks.ts';
import { checkAnswerValues } from '../../server/taskcheck.ts';
import { grid, worker } from '../support/county.ts';
import { appendAs, refusedAs, api, FIXTURE_ORG, login, recordEvent, seedFixture, startTestServer, SyncClient, tempDir, upgradeStatus, type TestServer } from './relay-harness.ts';

let server: TestServer;
let tmp: { dir: string; remove(): void };
const tokens: Record<string, string> = {};
const ev = recordEvent;
const ws = (doc: string, who: string) => `${server.wsBase}/sync/${doc}?token=${tokens[who]}`;
const FORM = [
  { key: 'f1', label: '气瓶数量', kind: 'number', required: true, min: 0, max: 20 },
  { key: 'f2', label: '有隐患', kind: 'yesno', required: true },
];
const sent = (actor: string, taskId: string, extra: Record<string, unknown> = {}) =>
  ev('task_sent', actor, { taskId, by: 'town', title: '燃气瓶排查', deadlineMs: Date.now() + 86_400_000, target: 3, form: FORM, scope: { kind: 'town', id: 't01' }, targets: ['g0001'], ...extra });
const entry = (actor: string, taskId: string, entryId: string, values: Record<string, unknown> = { f1: 2, f2: false }) => ev('entry_saved', actor, { taskId, entryId, label: '张家', values });

const write = (doc: string, who: string, ...values: unknown[]) => appendAs(server.wsBase, doc, tokens[who]!, ...values);
const refusedCode = (doc: string, who: string, value: unknown) => refusedAs(server.wsBase, doc, tokens[who]!, value);
async function count(doc: string, who = 'admin'): Promise<number> {
  const r = new SyncClient(server.wsBase, doc, tokens[who]!);
  await r.synced();
  const n = r.doc.getArray('events').length;
  r.destroy();
  return n;
}

beforeAll(async () => {
  tmp = tempDir();
  // A second grid in town t01 (g0003, worker w0003): a task of the town that was not sent to every grid.
  await seedFixture(tmp.dir, [], { ...FIXTURE_ORG, grids: [...FIXTURE_ORG.grids, grid('g0003', 't01v01', '一村第二网格', [122.08, 41.13])], users: [...FIXTURE_ORG.users, worker('g0003', 't01v01', '网格员三')] });
  server = await startTestServer({ dataDir: tmp.dir, seed: false });
  for (const u of ['town01', 'town02', 'st01v01', 'w0001', 'w0002', 'w0003', 'county', 'unit001', 'trainer01', 'admin']) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  await server?.stop();
  tmp?.remove();
});

describe('task docs: access', () => {
  it("tasks.t01: its center, worker, secretary, county and admin open it; another town's center and worker, a unit, a trainer get 403", async () => {
    for (const who of ['town02', 'w0002', 'unit001', 'trainer01']) expect(await upgradeStatus(ws('tasks.t01', who)), who).toBe(403);
    for (const who of ['town01', 'w0001', 'st01v01', 'county', 'admin']) {
      const c = new SyncClient(server.wsBase, 'tasks.t01', tokens[who]!);
      await c.synced(`${who} sync`);
      c.destroy();
    }
    expect(await upgradeStatus(ws('tasks.t99', 'county'))).toBe(404);
  });

  it("taskanswers.g0001: another grid's worker and another town's center get 403; /api/me lists the docs", async () => {
    for (const who of ['w0002', 'town02', 'unit001']) expect(await upgradeStatus(ws('taskanswers.g0001', who)), who).toBe(403);
    expect(await upgradeStatus(ws('taskanswers.g9999', 'w0001'))).toBe(404);
    const docs = async (who: string) => ((await api(server.url, '/api/me', { token: tokens[who]! })).body as { docs: Array<{ name: string; access: string }> }).docs;
    expect(await docs('w0001')).toEqual(expect.arrayContaining([{ name: 'tasks.t01', access: 'read' }, { name: 'taskanswers.g0001', access: 'write' }]));
    expect(await docs('town01')).toEqual(expect.arrayContaining([{ name: 'tasks.t01', access: 'write' }, { name: 'taskanswers.g0001', access: 'read' }]));
    expect((await docs('w0001')).map((d) => d.name)).not.toContain('taskanswers.g0002');
  });
});

describe('task docs: what the relay accepts', () => {
  it('takes a town task, a worker entry and completion, and the town reads them', async () => {
    await write('tasks.t01', 'town01', sent('town01', 'K1'));
    await write('taskanswers.g0001', 'w0001', entry('w0001', 'K1', 'E1'), ev('task_completed', 'w0001', { taskId: 'K1' }));
    expect(await count('taskanswers.g0001', 'town01')).toBe(2);
  });

  it('refuses an insider sending: a worker, a forged actor, the wrong side, another town’s grids, a reused taskId, a town cancelling a county task, a malformed form', async () => {
    await write('tasks.t01', 'county', ev('task_sent', 'county', { taskId: 'KC', by: 'county', title: '县任务', deadlineMs: Date.now() + 86_400_000, target: 0, form: [], scope: { kind: 'town', id: 't01' }, targets: ['g0001'] }));
    const cases: Array<[who: string, value: unknown, code: string]> = [
      ['w0001', sent('w0001', 'KW'), 'read_only'],
      ['town01', sent('county', 'KF'), 'forged_actor'],
      ['town01', sent('town01', 'KS', { by: 'county' }), 'role_not_allowed'],
      ['town01', sent('town01', 'KT', { targets: ['g0002'] }), 'wrong_doc'],
      ['county', ev('task_sent', 'county', { taskId: 'KX', by: 'county', title: 'x', deadlineMs: Date.now() + 1, target: 0, form: [], scope: { kind: 'grid', id: 'g0002' }, targets: ['g0002'] }), 'wrong_doc'],
      ['town01', sent('town01', 'K1'), 'not_authorized'],
      ['town01', ev('task_cancelled', 'town01', { taskId: 'KC', by: 'town' }), 'not_authorized'],
      ['town01', sent('town01', 'KM', { form: [{ key: 'f1', label: 'x', kind: 'choice', required: true }] }), 'invalid_event'],
    ];
    for (const [who, value, code] of cases) expect(await refusedCode('tasks.t01', who, value), `${who} ${code}`).toBe(code);
    expect(await upgradeStatus(ws('tasks.t02', 'town01')), 'a town center cannot open another town’s task doc').toBe(403);
    expect(await count('tasks.t01'), 'nothing refused was kept').toBe(2);
  });

  it("refuses an insider answering: a forged actor, a task not sent to the grid, values the form refuses, another author's entry, a reader writing", async () => {
    await write('tasks.t02', 'town02', sent('town02', 'K2', { scope: { kind: 'town', id: 't02' }, targets: ['g0002'] }));
    const cases: Array<[doc: string, who: string, value: unknown, code: string]> = [
      ['taskanswers.g0001', 'w0001', entry('w0002', 'K1', 'E5'), 'forged_actor'],
      ['taskanswers.g0001', 'w0001', entry('w0001', 'K9', 'E5'), 'bad_reference'],
      // w0002 answers, in their own grid's doc, t01's task K1 sent to g0001 only.
      ['taskanswers.g0002', 'w0002', entry('w0002', 'K1', 'E5'), 'bad_reference'],
      // w0003's grid is in t01 too, but K1 was sent to g0001 only.
      ['taskanswers.g0003', 'w0003', entry('w0003', 'K1', 'E5'), 'bad_reference'],
      ['taskanswers.g0001', 'w0001', entry('w0001', 'K1', 'E5', { f1: 50, f2: false }), 'invalid_event'],
      ['taskanswers.g0001', 'w0001', entry('w0001', 'K1', 'E5', { f1: 2 }), 'invalid_event'],
      ['taskanswers.g0001', 'w0001', entry('w0001', 'K1', 'E5', { f1: 2, f2: false, f7: 'x' }), 'invalid_event'],
      ['taskanswers.g0001', 'w0001', entry('w0001', 'K1', 'E5', { f1: 2, f2: false, x: 1 }), 'invalid_event'],
      ['taskanswers.g0001', 'town01', entry('town01', 'K1', 'E5'), 'read_only'],
      ['taskanswers.g0001', 'w0001', entry('w0001', 'K1', 'E5', { f1: 2, f2: false, note: '110101199003071234' }), 'invalid_event'],
    ];
    for (const [doc, who, value, code] of cases) expect(await refusedCode(doc, who, value), `${doc} ${who} ${code}`).toBe(code);
    expect(await count('taskanswers.g0001'), 'nothing refused was kept').toBe(2);
    // The grid's worker writes, edits and removes their own entries; an answer after a cancellation is accepted (the fold supersedes it).
    await write('taskanswers.g0002', 'w0002', entry('w0002', 'K2', 'E7'), entry('w0002', 'K2', 'E7', { f1: 3, f2: true }), ev('entry_removed', 'w0002', { taskId: 'K2', entryId: 'E7' }));
    await write('tasks.t02', 'town02', ev('task_cancelled', 'town02', { taskId: 'K2', by: 'town' }));
    await write('taskanswers.g0002', 'w0002', entry('w0002', 'K2', 'E8'));
    expect(await count('taskanswers.g0002')).toBe(4);
  });

  it('refuses an edit of an entry someone else wrote (a former worker of the grid)', async () => {
    // The fixture's grid g0001 has one worker: the foreign entry is written straight into the relay's doc, as the
    // history of a worker who has since left would be.
    const doc = await server.relay.acquire('taskanswers.g0001');
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc.ydoc));
    server.relay.release(doc);
    expect(other.getArray('events').length).toBe(2);
    // The relay's own check (not the socket's): a refusal through the fold of the answers.
    other.getArray('events').push([entry('w0old', 'K1', 'E6')]);
    const tasks = foldTasks([sent('town01', 'K1')]);
    const w0001 = { id: 'w0001', username: 'w0001', name: 'x', role: 'worker' as const, townId: 't01', villageId: 't01v01', gridId: 'g0001' };
    expect(checkAnswerValues(other, 'g0001', [entry('w0001', 'K1', 'E6', { f1: 1, f2: true })], w0001, tasks)).toMatchObject({ code: 'not_authorized' });
    expect(checkAnswerValues(other, 'g0001', [ev('entry_removed', 'w0001', { taskId: 'K1', entryId: 'E6' })], w0001, tasks)).toMatchObject({ code: 'not_authorized' });
    expect(checkAnswerValues(other, 'g0001', [entry('w0001', 'K1', 'E1', { f1: 1, f2: true })], w0001, tasks)).toBeNull();
  });
  it("GET /api/tasks/t01/progress: the county follows each grid's entries and completion without the answers docs; others as their access allows", async () => {
    await write('tasks.t01', 'town01', sent('town01', 'K9', { targets: ['g0001', 'g0003'], target: 2 }));
    await write('taskanswers.g0001', 'w0001', entry('w0001', 'K9', 'E1'), entry('w0001', 'K9', 'E2', { f1: 1, f2: true }), ev('task_completed', 'w0001', { taskId: 'K9' }));
    const progress = async (who: string, town = 't01') => api(server.url, `/api/tasks/${town}/progress`, { token: tokens[who]! });
    const county = await progress('county');
    expect(county.status).toBe(200);
    const k9 = (county.body as { tasks: Record<string, Record<string, { entries: number; completedAt?: string; late: boolean }>> }).tasks.K9!;
    expect(k9.g0001).toMatchObject({ entries: 2, late: false });
    expect(k9.g0001!.completedAt).toMatch(/^\d{13}/);
    // g0003's worker wrote nothing: the relay holds everything acknowledged, so "no entries" is a fact.
    expect(k9.g0003).toEqual({ entries: 0, late: false });
    // The town center reads the same; the grid's worker reads only what its own answers doc gives.
    expect((await progress('town01')).body).toEqual(county.body);
    const own = (await progress('w0001')).body as { tasks: Record<string, Record<string, unknown>> };
    expect(Object.keys(own.tasks.K9!)).toEqual(['g0001']);
    // Outsiders: another town's center, a unit, no token, a town that does not exist.
    expect((await progress('town02')).status).toBe(403);
    expect((await progress('unit001')).status).toBe(403);
    expect((await api(server.url, '/api/tasks/t01/progress')).status).toBe(401);
    expect((await progress('county', 't99')).status).toBe(404);
  });

  it("GET /api/tasks/t01/<task>/answers: the county exports each grid's entries without the answers docs; others as their access allows", async () => {
    await write('tasks.t01', 'town01', sent('town01', 'K8', { targets: ['g0001', 'g0003'], target: 1 }));
    await write('taskanswers.g0001', 'w0001', entry('w0001', 'K8', 'E1', { f1: 4, f2: true }), ev('task_completed', 'w0001', { taskId: 'K8' }));
    const answers = async (who: string, path = '/api/tasks/t01/K8/answers') => api(server.url, path, { token: tokens[who]! });
    const county = await answers('county');
    expect(county.status).toBe(200);
    const body = county.body as { townId: string; taskId: string; grids: Record<string, { entries: Array<{ id: string; values: unknown; by: string; late: boolean }>; completed?: { by: string } }> };
    expect(body).toMatchObject({ townId: 't01', taskId: 'K8' });
    expect(body.grids.g0001!.entries).toEqual([expect.objectContaining({ id: 'E1', values: { f1: 4, f2: true }, by: 'w0001', late: false })]);
    expect(body.grids.g0001!.completed).toMatchObject({ by: 'w0001', late: false });
    expect(body.grids.g0003, 'nothing written: no entries, a fact').toEqual({ entries: [] });
    expect((await answers('town01')).body).toEqual(county.body);
    expect(Object.keys((await answers('w0001')).body as object), 'the body').toEqual(['townId', 'taskId', 'grids']);
    expect(Object.keys(((await answers('w0001')).body as typeof body).grids), 'a grid worker: their own grid only').toEqual(['g0001']);
    expect((await answers('town02')).status).toBe(403);
    expect((await answers('unit001')).status).toBe(403);
    expect((await api(server.url, '/api/tasks/t01/K8/answers')).status).toBe(401);
    expect((await answers('county', '/api/tasks/t01/K404/answers')).status).toBe(404);
    expect((await answers('county', '/api/tasks/t99/K8/answers')).status).toBe(404);
  });

  it('GET /api/tasks/t01/progress after a change: a new answer and a task cancelled are folded again (the relay keeps folds of unchanged docs only)', async () => {
    await write('tasks.t01', 'town01', sent('town01', 'K7', { targets: ['g0001', 'g0003'] }));
    const k7 = async () => ((await api(server.url, '/api/tasks/t01/progress', { token: tokens.county! })).body as { tasks: Record<string, Record<string, { entries: number; completedAt?: string }>> }).tasks.K7!;
    expect(await k7()).toEqual({ g0001: { entries: 0, late: false }, g0003: { entries: 0, late: false } });
    await write('taskanswers.g0001', 'w0001', entry('w0001', 'K7', 'E1'));
    expect((await k7()).g0001).toEqual({ entries: 1, late: false });
    await write('taskanswers.g0003', 'w0003', entry('w0003', 'K7', 'E1'), ev('task_completed', 'w0003', { taskId: 'K7' }));
    const after = await k7();
    expect(after.g0001).toEqual({ entries: 1, late: false });
    expect(after.g0003!.entries).toBe(1);
    expect(after.g0003!.completedAt).toBeDefined();
    // The task log changes (cancelled): answers written after it have no effect, so the grids are folded again.
    await write('tasks.t01', 'town01', ev('task_cancelled', 'town01', { taskId: 'K7', by: 'town' }));
    await write('taskanswers.g0001', 'w0001', entry('w0001', 'K7', 'E2'));
    expect((await k7()).g0001).toEqual({ entries: 1, late: false });
  });
});
