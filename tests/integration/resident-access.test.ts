// Issue 11 defect 1, the relay's side: a resident (an insider with a valid token) gets the public reference data a
// report needs and nothing of the staff directory, is refused every CRDT doc and every staff resource, may report
// (idempotently, by the report's own id), and reads back their own reports, only theirs, without staff details.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.ts';
import type { OrgData } from '../../src/domain/org.ts';
import type { CaseState } from '../../src/domain/workflow.ts';
import { Actor, api, casesDoc, FIXTURE_ORG, login, seedFixture, startTestServer, tempDir, upgradeStatus, USERS, type TestServer } from './relay-harness.ts';

const PHONE = '13812345678';
/** The fixture county with staff phone numbers, to prove none of them leaves the relay for a resident. */
const ORG: OrgData = {
  ...FIXTURE_ORG,
  users: FIXTURE_ORG.users.map((u) => (u.role === 'resident' ? u : { ...u, phone: PHONE })),
};
// (`county` is also a unit level, a word of the data, not a person.)
const STAFF_IDS = FIXTURE_ORG.users.filter((u) => u.role !== 'resident' && u.id !== 'county').map((u) => u.id);

let server: TestServer;
let tmp: { dir: string; remove(): void };
const tokens: Record<string, string> = {};
const rnd = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const ws = (doc: string, who: string) => `${server.wsBase}/sync/${doc}?token=${tokens[who]}`;

// A worker's case in the resident's town: the resident must never see it.
const workerCase = new Actor(USERS.w0001).report('g0001', '网格员上报：井盖缺失');

beforeAll(async () => {
  tmp = tempDir();
  await seedFixture(tmp.dir, [workerCase.event], ORG);
  server = await startTestServer({ dataDir: tmp.dir, seed: false });
  for (const u of ['resident01', 'town01', 'w0001']) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  await server?.stop();
  tmp?.remove();
});

const report = (who: string, body: Record<string, unknown>) =>
  api(server.url, '/api/cases', { token: tokens[who]!, body: { category: '0101', description: '楼道灯坏了', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001', ...body } });

describe('a resident at the relay', () => {
  it('is granted no doc and refused every doc at the upgrade (403)', async () => {
    const me = await api(server.url, '/api/me', { token: tokens.resident01! });
    expect((me.body as { docs: unknown[] }).docs).toEqual([]);
    for (const doc of ['org', casesDoc('t01'), casesDoc('t02'), 'people.g0001', 'idnumbers.g0001', 'party.t01']) {
      expect(await upgradeStatus(ws(doc, 'resident01')), doc).toBe(403);
    }
  });

  it('is refused the staff resources over HTTP', async () => {
    for (const path of ['/api/people/g0001/residents', '/api/party/t01/summary', '/api/stats?scope=t01', `/api/cases/${workerCase.state.id}`]) {
      const r = await api(server.url, path, { token: tokens.resident01! });
      expect(r.status, path).toBe(403);
    }
    // A staff command on someone else's case.
    const cmd = await api(server.url, `/api/cases/${workerCase.state.id}/commands`, { token: tokens.resident01!, body: { type: 'withdraw', reason: '不需要了' } });
    expect(cmd.status).toBe(403);
  });

  it('gets the reference data a report needs, without the staff directory', async () => {
    const r = await api(server.url, '/api/reference', { token: tokens.resident01! });
    expect(r.status).toBe(200);
    const body = r.body as Record<string, Array<Record<string, unknown>>>;
    expect(Object.keys(body).sort()).toEqual(['categories', 'grids', 'subcategories', 'towns', 'units', 'villages']);
    expect(body.grids!.map((g) => [g.id, g.name, g.villageId, g.townId])).toEqual(ORG.grids.map((g) => [g.id, g.name, g.villageId, g.townId]));
    expect(body.grids!.every((g) => g.workerId === '' && Array.isArray(g.center))).toBe(true);
    expect(body.villages!.map((v) => v.name)).toEqual(ORG.villages.map((v) => v.name));
    expect(body.subcategories!.map((s) => s.code)).toEqual(['0101']);
    expect(body.units!.map((u) => u.name)).toEqual(ORG.units.map((u) => u.name));
    const text = JSON.stringify(r.body);
    expect(text).not.toContain(PHONE);
    expect(text).not.toMatch(/"(users|phone|plans|username)"/);
    for (const id of STAFF_IDS) expect(text, id).not.toMatch(new RegExp(`"${id}"`));
    // People's names (a unit's account may carry its unit's name, which is public).
    const unitNames = new Set(ORG.units.map((u) => u.name));
    for (const u of ORG.users.filter((x) => !unitNames.has(x.name))) expect(text, u.name).not.toContain(u.name);
    // Revalidation: unchanged data is a 304 without a body.
    const etag = r.headers.get('etag')!;
    expect(etag).toBeTruthy();
    const again = await fetch(`${server.url}/api/reference`, { headers: { authorization: `Bearer ${tokens.resident01}`, 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect((await api(server.url, '/api/reference')).status).toBe(401);
    // Sent gzipped to a client that takes it (Node's fetch decodes it).
    const gz = await fetch(`${server.url}/api/reference`, { headers: { authorization: `Bearer ${tokens.resident01}`, 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(await gz.json()).toEqual(r.body);
  });

  it('reports by its own id (a retry is the same case), reads back only its own reports, without staff details', async () => {
    const id = newId(Date.now(), rnd);
    const first = await report('resident01', { id });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ id, status: 'reported', reporter: 'resident01' });
    const retry = await report('resident01', { id });
    expect(retry.status).toBe(200);
    expect((retry.body as CaseState).id).toBe(id);
    // Someone else cannot claim (or read through a retry) that id.
    expect((await report('w0001', { id })).status).toBe(409);

    // The town center accepts and dispatches it with an internal note.
    const accept = await api(server.url, `/api/cases/${id}/commands`, { token: tokens.town01!, body: { type: 'accept', note: '内部备注：联系网格员' } });
    expect(accept.status).toBe(200);
    const dispatch = await api(server.url, `/api/cases/${id}/commands`, { token: tokens.town01!, body: { type: 'dispatch', unitId: 'u002', note: '内部：派出所张警官' } });
    expect(dispatch.status).toBe(200);

    const mine = await api(server.url, '/api/cases/mine', { token: tokens.resident01! });
    expect(mine.status).toBe(200);
    const cases = (mine.body as { cases: CaseState[] }).cases;
    expect(cases.map((c) => c.id)).toEqual([id]);
    expect(cases[0]).toMatchObject({ status: 'dispatched', unitId: 'u002', description: '楼道灯坏了' });
    expect(cases[0]!.timeline.map((t) => t.event.type)).toEqual(['reported', 'accepted', 'dispatched']);
    const text = JSON.stringify(mine.body);
    for (const staff of ['town01', '内部', PHONE]) expect(text, staff).not.toContain(staff);

    const one = await api(server.url, `/api/cases/${id}`, { token: tokens.resident01! });
    expect(one.status).toBe(200);
    expect(JSON.stringify(one.body)).not.toContain('town01');
    // The worker's case stays invisible, whatever the path.
    expect(JSON.stringify(mine.body)).not.toContain(workerCase.state.id);
    // Another person's list does not have the resident's report.
    const workers = await api(server.url, '/api/cases/mine', { token: tokens.w0001! });
    expect((workers.body as { cases: CaseState[] }).cases.map((c) => c.id)).toEqual([workerCase.state.id]);
  });
});
