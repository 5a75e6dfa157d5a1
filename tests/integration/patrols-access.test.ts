// Issue 17: who may open a grid's patrols doc (403 at the upgrade), and what the relay accepts into it from an
// insider with a valid token: the grid's own worker patrols, the grid's own town center sets the frequency, nobody
// writes as someone else, coordinates stay on the earth, no full ID number in a note.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseEvent } from '../../src/domain/events.ts';
import { recordEvent as ev, api, login, seedFixture, startTestServer, SyncClient, tempDir, upgradeStatus, type TestServer } from './relay-harness.ts';

let server: TestServer;
let tmp: { dir: string; remove(): void };
const tokens: Record<string, string> = {};
const ws = (doc: string, who: string) => `${server.wsBase}/sync/${doc}?token=${tokens[who]}`;
const DOC = 'patrols.g0001';
let patrolId = '';
const fix = (over: Record<string, number> = {}) => ({ lat: 41.12, lng: 122.07, accuracyM: 12, fixMs: Date.now(), ...over });

beforeAll(async () => {
  tmp = tempDir();
  await seedFixture(tmp.dir, []);
  server = await startTestServer({ dataDir: tmp.dir, seed: false });
  for (const u of ['w0001', 'w0002', 'town01', 'town02', 'st01v01', 'county', 'admin', 'unit001', 'trainer01', 'resident01']) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  await server?.stop();
  tmp?.remove();
});

describe('patrols docs: access', () => {
  it("the grid's worker, its town center, its secretary, county and admin open patrols.g0001; others get 403", async () => {
    for (const who of ['w0002', 'town02', 'unit001', 'trainer01', 'resident01']) expect(await upgradeStatus(ws(DOC, who)), who).toBe(403);
    for (const who of ['w0001', 'town01', 'st01v01', 'county', 'admin']) {
      const c = new SyncClient(server.wsBase, DOC, tokens[who]!);
      await c.synced(`${who} sync`);
      c.destroy();
    }
    expect(await upgradeStatus(ws('patrols.g9999', 'w0001'))).toBe(404);
  });

  it('/api/me lists it for the worker and the town center (write), the secretary (read); not for the county', async () => {
    const docs = async (who: string) => ((await api(server.url, '/api/me', { token: tokens[who]! })).body as { docs: Array<{ name: string; access: string }> }).docs;
    expect(await docs('w0001')).toContainEqual({ name: DOC, access: 'write' });
    expect(await docs('town01')).toContainEqual({ name: DOC, access: 'write' });
    expect(await docs('st01v01')).toContainEqual({ name: DOC, access: 'read' });
    expect((await docs('county')).map((d) => d.name)).not.toContain(DOC);
    expect((await docs('town02')).map((d) => d.name)).not.toContain(DOC);
  });
});

describe('patrols docs: what the relay accepts', () => {
  it("takes the worker's patrol and the town center's frequency; the secretary sees both", async () => {
    const w = new SyncClient(server.wsBase, DOC, tokens.w0001!);
    await w.synced();
    const started = ev('patrol_started', 'w0001', { patrolId: 'X' });
    patrolId = started.id;
    (started as unknown as { data: { patrolId: string } }).data.patrolId = patrolId;
    w.append(started);
    w.append(ev('checkin_recorded', 'w0001', { patrolId, fix: fix(), note: '村东头' }));
    await w.allSaved();
    w.destroy();
    const t = new SyncClient(server.wsBase, DOC, tokens.town01!);
    await t.synced();
    t.append(ev('frequency_set', 'town01', { perWeek: 3 }));
    await t.allSaved();
    t.destroy();
    const r = new SyncClient(server.wsBase, DOC, tokens.st01v01!);
    await r.synced();
    expect((r.doc.getArray('events').toArray() as Array<{ type: string }>).map((e) => e.type)).toEqual(['patrol_started', 'checkin_recorded', 'frequency_set']);
    r.destroy();
  });

  it('refuses an insider: wrong role for the event, a forged actor, a reader writing, coordinates out of range, an ID number', async () => {
    const cases: Array<[who: string, value: () => unknown, code: string]> = [
      ['w0001', () => ev('frequency_set', 'w0001', { perWeek: 7 }), 'role_not_allowed'], // a worker sets no frequency
      ['town01', () => ev('patrol_started', 'town01', { patrolId: ev('x', 'town01', {}).id }), 'role_not_allowed'], // the center does not patrol
      ['town01', () => ev('checkin_recorded', 'town01', { patrolId, fix: fix() }), 'role_not_allowed'],
      ['w0001', () => ev('checkin_recorded', 'town01', { patrolId, fix: fix() }), 'forged_actor'],
      ['town01', () => ev('frequency_set', 'w0001', { perWeek: 1 }), 'forged_actor'],
      ['st01v01', () => ev('frequency_set', 'st01v01', { perWeek: 1 }), 'read_only'],
      ['county', () => ev('frequency_set', 'county', { perWeek: 1 }), 'read_only'],
      ['w0001', () => ev('checkin_recorded', 'w0001', { patrolId, fix: fix({ lat: 95 }) }), 'invalid_event'],
      ['w0001', () => ev('checkin_recorded', 'w0001', { patrolId, fix: fix({ lng: -200 }) }), 'invalid_event'],
      ['w0001', () => ev('checkin_recorded', 'w0001', { patrolId, fix: fix({ accuracyM: -5 }) }), 'invalid_event'],
      ['w0001', () => ev('frequency_set', 'w0001', { perWeek: -1 }), 'invalid_event'],
      ['w0001', () => ev('checkin_recorded', 'w0001', { patrolId, fix: fix(), note: '住户 211122197001011234 不在家' }), 'invalid_event'],
      ['w0001', () => ({ ...ev('patrol_ended', 'w0001', { patrolId }), type: 'patrol_deleted' }), 'invalid_event'],
    ];
    for (const [who, value, code] of cases) {
      const c = new SyncClient(server.wsBase, DOC, tokens[who]!);
      await c.synced();
      const refused = c.refused();
      const v = value();
      c.append(v as CaseEvent);
      expect((await refused).code, `${who} ${code} ${JSON.stringify(v).slice(0, 120)}`).toBe(code);
      c.destroy();
    }
    const r = new SyncClient(server.wsBase, DOC, tokens.admin!);
    await r.synced();
    expect(r.doc.getArray('events').length, 'nothing refused was kept').toBe(3);
    r.destroy();
  });
});

describe('GET /api/patrols/figures (the county follows patrols without the grids\' docs)', () => {
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const figures = (who: string, scope: string, from = today, to = today) => api(server.url, `/api/patrols/figures?scope=${scope}&from=${from}&to=${to}`, tokens[who] ? { token: tokens[who] } : {});

  it('gives done against expected per grid and worker, folded as the town center folds them; refuses others', async () => {
    const w = new SyncClient(server.wsBase, DOC, tokens.w0001!);
    await w.synced();
    w.append(ev('patrol_ended', 'w0001', { patrolId }));
    await w.allSaved();
    w.destroy();
    const county = await figures('county', 't01');
    expect(county.status).toBe(200);
    const body = county.body as { scope: string; fromMs: number; toMs: number; grids: Array<{ gridId: string; done: number; expected: number | null; byWorker: Record<string, number>; checkins: number }> };
    expect(body.scope).toBe('t01');
    expect(body.toMs - body.fromMs).toBe(86_400_000);
    const g1 = body.grids.find((g) => g.gridId === 'g0001')!;
    expect(g1).toMatchObject({ done: 1, byWorker: { w0001: 1 }, checkins: 1 });
    expect(g1.expected).not.toBeNull();
    // The town center (who holds the docs) reads the same; the grid's worker reads their own grid.
    expect((await figures('town01', 't01')).body).toEqual(county.body);
    expect(((await figures('w0001', 'g0001')).body as typeof body).grids.map((g) => g.gridId)).toEqual(['g0001']);
    // A new patrol is counted at the next ask (the relay's folds follow the doc).
    const again = new SyncClient(server.wsBase, DOC, tokens.w0001!);
    await again.synced();
    const second = ev('patrol_started', 'w0001', { patrolId: 'X' });
    (second as unknown as { data: { patrolId: string } }).data.patrolId = second.id;
    again.append(second, ev('checkin_recorded', 'w0001', { patrolId: second.id, fix: fix(), note: '村西头' }), ev('patrol_ended', 'w0001', { patrolId: second.id }));
    await again.allSaved();
    again.destroy();
    expect(((await figures('county', 't01')).body as typeof body).grids.find((g) => g.gridId === 'g0001')!.done).toBe(2);
    // Outsiders, a county scope (a town at a time), a bad period, no token.
    expect((await figures('town02', 't01')).status).toBe(403);
    expect((await figures('unit001', 't01')).status).toBe(403);
    expect((await figures('county', 'county')).status).toBe(400);
    expect((await figures('county', 't01', today, '2020-01-01')).status).toBe(400);
    expect((await api(server.url, `/api/patrols/figures?scope=t01&from=${today}&to=${today}`)).status).toBe(401);
  });
});
