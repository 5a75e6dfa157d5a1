// Issue 17 against a real relay (port 0), as insiders with valid tokens would try: who may open a grid's care doc
// (403 at the upgrade), what the relay accepts into it (the grid's worker's own visits only), and who may set the
// county's care levels (`care.set` in the org doc: the county and admins; a worker only reads the org doc).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { CaseEvent } from '../../src/domain/events.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import { CHANGES_ARRAY } from '../../src/domain/org.ts';
import { appendAs, api, login, recordEvent, seedFixture, startTestServer, SyncClient, tempDir, upgradeStatus, type TestServer } from './relay-harness.ts';

let server: TestServer;
let tmp: { dir: string; remove(): void };
const tokens: Record<string, string> = {};
const ev = recordEvent;
const ws = (doc: string, who: string) => `${server.wsBase}/sync/${doc}?token=${tokens[who]}`;
const visit = (actor: string, householdId = 'g0001h001') => ev('visit_recorded', actor, { householdId, mode: 'home', condition: 'well', needs: ['medical'], note: '血压偏高，已提醒按时服药' });
const random = (k: number) => crypto.getRandomValues(new Uint8Array(k));
let tick = 0;
const careSet = (actor: string) => {
  const ms = Date.now();
  return { id: newId(ms, random), at: formatHlc({ ms, counter: tick++, node: `c-${actor}` }), actor, type: 'care.set', data: { levels: [{ id: 'high', name: '高', days: 7 }, { id: 'key', name: '重点', days: 14 }], tags: [{ id: 'veteran', name: '退役军人', level: 'key' }] } };
};

beforeAll(async () => {
  tmp = tempDir();
  await seedFixture(tmp.dir, []);
  server = await startTestServer({ dataDir: tmp.dir, seed: false });
  for (const u of ['w0001', 'w0002', 'town01', 'town02', 'st01v01', 'county', 'admin', 'unit001', 'resident01']) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  await server?.stop();
  tmp?.remove();
});

describe('care docs: access', () => {
  it("the grid's worker, its secretary, its town center, county and admin open care.g0001; others get 403", async () => {
    for (const who of ['w0002', 'town02', 'unit001', 'resident01']) expect(await upgradeStatus(ws('care.g0001', who)), who).toBe(403);
    for (const who of ['w0001', 'st01v01', 'town01', 'county', 'admin']) {
      const c = new SyncClient(server.wsBase, 'care.g0001', tokens[who]!);
      await c.synced(`${who} sync`);
      c.destroy();
    }
    expect(await upgradeStatus(ws('care.g9999', 'admin'))).toBe(404);
  });

  it('/api/me lists care.g0001 for the worker (write) and the town center (read), and party.t01 to the worker to read', async () => {
    const docs = async (who: string) => ((await api(server.url, '/api/me', { token: tokens[who]! })).body as { docs: Array<{ name: string; access: string }> }).docs;
    const worker = await docs('w0001');
    expect(worker).toContainEqual({ name: 'care.g0001', access: 'write' });
    expect(worker).toContainEqual({ name: 'party.t01', access: 'read' });
    expect(await docs('town01')).toContainEqual({ name: 'care.g0001', access: 'read' });
    expect((await docs('w0002')).map((d) => d.name)).not.toContain('care.g0001');
  });
});

describe('care docs: what the relay accepts', () => {
  it("takes the worker's visits and a case link; a reader sees them", async () => {
    const c = new SyncClient(server.wsBase, 'care.g0001', tokens.w0001!);
    await c.synced();
    const v = visit('w0001');
    c.append(v);
    c.append(ev('case_linked', 'w0001', { visitId: v.id, caseId: newId(Date.now(), random) }));
    await c.allSaved();
    expect(c.refusals).toEqual([]);
    c.destroy();
    const r = new SyncClient(server.wsBase, 'care.g0001', tokens.town01!);
    await r.synced();
    expect((r.doc.getArray('events').toArray() as Array<{ type: string }>).map((e) => e.type)).toEqual(['visit_recorded', 'case_linked']);
    r.destroy();
  });

  it('refuses an insider: a reader writing, a forged actor, a malformed visit, a full ID number, a deletion', async () => {
    const cases: Array<[who: string, value: unknown, code: string]> = [
      ['town01', visit('town01'), 'read_only'],
      ['st01v01', visit('st01v01'), 'read_only'],
      ['county', visit('county'), 'read_only'],
      ['w0001', visit('w0002'), 'forged_actor'],
      ['w0001', { ...visit('w0001'), data: { householdId: 'g0001h001', condition: 'fine' } }, 'invalid_event'],
      ['w0001', ev('visit_recorded', 'w0001', { householdId: 'g0001h001', mode: 'home', condition: 'well', needs: [], note: '身份证 211102198001011234' }), 'invalid_event'],
    ];
    for (const [who, value, code] of cases) {
      const c = new SyncClient(server.wsBase, 'care.g0001', tokens[who]!);
      await c.synced();
      const refused = c.refused();
      c.append(value as CaseEvent);
      expect((await refused).code, `${who} ${code}`).toBe(code);
      c.destroy();
    }
    const d = new SyncClient(server.wsBase, 'care.g0001', tokens.w0001!);
    await d.synced();
    const refused = d.refused();
    d.doc.getArray('events').delete(0, 1);
    expect((await refused).code).toBe('delete_not_allowed');
    d.destroy();
    const r = new SyncClient(server.wsBase, 'care.g0001', tokens.admin!);
    await r.synced();
    expect(r.doc.getArray('events').length, 'nothing refused was kept').toBe(2);
    r.destroy();
  });
});

describe("the county's care levels (org doc, care.set)", () => {
  async function org(who: string) {
    const c = new SyncClient(server.wsBase, 'org', tokens[who]!);
    await c.synced();
    return c;
  }
  it('the county sets them; a worker (reads the org doc only), a town center and a forged actor are refused', async () => {
    const county = await org('county');
    county.doc.getArray(CHANGES_ARRAY).push([careSet('county')]);
    await county.allSaved();
    expect(county.refusals).toEqual([]);
    county.destroy();
    for (const [who, actor, code] of [
      ['w0001', 'w0001', 'read_only'],
      ['town01', 'town01', 'read_only'],
      ['county', 'admin', 'forged_actor'],
    ] as const) {
      const c = await org(who);
      const refused = c.refused();
      c.doc.getArray(CHANGES_ARRAY).push([careSet(actor)]);
      expect((await refused).code, `${who} as ${actor}`).toBe(code);
      c.destroy();
    }
    // The county may make no other change.
    const c = await org('county');
    const refused = c.refused();
    const ms = Date.now();
    c.doc.getArray(CHANGES_ARRAY).push([{ id: newId(ms, random), at: formatHlc({ ms, counter: tick++, node: 'c-county' }), actor: 'county', type: 'calendar.set', data: { year: 2026, holidays: [], workdays: [] } }]);
    expect((await refused).code).toBe('role_not_allowed');
    c.destroy();
    const check = await org('w0001');
    const changes = check.doc.getArray<{ type: string; actor: string }>(CHANGES_ARRAY).toArray();
    expect(changes.map((x) => `${x.type}:${x.actor}`)).toEqual(['care.set:county']);
    check.destroy();
    expect(Y).toBeDefined();
  });
});

describe('GET /api/care/coverage (the county follows care coverage without the grids\' docs)', () => {
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const coverage = (who: string, scope: string, from = today, to = today) => api(server.url, `/api/care/coverage?scope=${scope}&from=${from}&to=${to}`, tokens[who] ? { token: tokens[who] } : {});
  const write = (doc: string, who: string, ...values: unknown[]) => appendAs(server.wsBase, doc, tokens[who]!, ...values);

  it('counts a grid\'s households in care and the period\'s visits as the town center would, and follows a new visit', async () => {
    await write('people.g0001', 'w0001', ev('household_saved', 'w0001', { id: 'g0001h077', gridId: 'g0001', address: '一村77号', head: '孙大娘' }), ev('resident_saved', 'w0001', { id: 'g0001r077', householdId: 'g0001h077', name: '孙大娘', tags: ['elderly_alone', 'veteran'] }));
    const before = await coverage('county', 't01');
    expect(before.status).toBe(200);
    type Row = { gridId: string; households: number; onTime: number; due: number; overdue: number; visits: number };
    const row = (body: unknown) => (body as { grids: Row[] }).grids.find((g) => g.gridId === 'g0001')!;
    const b = row(before.body);
    expect(b.households).toBeGreaterThanOrEqual(1);
    await write('care.g0001', 'w0001', visit('w0001', 'g0001h077'));
    const after = row((await coverage('county', 't01')).body);
    expect(after.households).toBe(b.households);
    expect(after.visits).toBe(b.visits + 1);
    expect(after.onTime).toBeGreaterThanOrEqual(1);
    // The town center reads the same; the grid's worker their own grid.
    expect(row((await coverage('town01', 't01')).body)).toEqual(after);
    expect(((await coverage('w0001', 'g0001')).body as { grids: Row[] }).grids.map((g) => g.gridId)).toEqual(['g0001']);
    // Outsiders, a county scope, a bad period, no token.
    expect((await coverage('town02', 't01')).status).toBe(403);
    expect((await coverage('unit001', 't01')).status).toBe(403);
    expect((await coverage('county', 'county')).status).toBe(400);
    expect((await coverage('county', 't01', today, '2020-01-01')).status).toBe(400);
    expect((await api(server.url, `/api/care/coverage?scope=t01&from=${today}&to=${today}`)).status).toBe(401);
  });
});

