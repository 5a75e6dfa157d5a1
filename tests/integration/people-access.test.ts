// Issue 5: who may open people and party docs (403 at the upgrade), what the relay accepts into them (whole
// message, schema, actor, role), and masking of ID numbers through GET /api/people/<gridId>/residents.
// Full ID numbers live in `idnumbers.<gridId>` (the grid's worker and town center only): the people doc every
// holder syncs, the village secretary included, never carries one.
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.ts';
import type { CaseEvent } from '../../src/domain/events.ts';
import { maskIdNumber } from '../../src/domain/people.ts';
import { appendAs, recordEvent, refusedAs, api, login, ORG_WITH_MEMBER, seedFixture, startTestServer, storedText, SyncClient, tempDir, upgradeStatus, type TestServer } from './relay-harness.ts';

const ID_NUMBER = '211103198001011234';
const MASKED = maskIdNumber(ID_NUMBER);
let server: TestServer;
let tmp: { dir: string; remove(): void };
const tokens: Record<string, string> = {};

const ev = recordEvent;
const ws = (doc: string, who: string) => `${server.wsBase}/sync/${doc}?token=${tokens[who]}`;

beforeAll(async () => {
  tmp = tempDir();
  await seedFixture(tmp.dir, [], ORG_WITH_MEMBER);
  server = await startTestServer({ dataDir: tmp.dir, seed: false });
  for (const u of ['w0001', 'w0002', 'town01', 'town02', 'st01v01', 'county', 'p0001', 'resident01']) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  await server?.stop();
  tmp?.remove();
});

describe('people docs: access at the upgrade', () => {
  it("the grid's worker, village secretary and town center open people.g0001; everyone else gets 403", async () => {
    for (const who of ['w0002', 'town02', 'county', 'p0001', 'resident01']) expect(await upgradeStatus(ws('people.g0001', who)), who).toBe(403);
    for (const who of ['w0001', 'st01v01', 'town01']) {
      const c = new SyncClient(server.wsBase, 'people.g0001', tokens[who]!);
      await c.synced(`${who} sync`);
      c.destroy();
    }
    expect(await upgradeStatus(ws('people.g9999', 'w0001'))).toBe(404);
  });

  it('party.t01: its town, secretaries and members, its grid workers to read; not other towns', async () => {
    for (const who of ['town02', 'resident01']) expect(await upgradeStatus(ws('party.t01', who)), who).toBe(403);
    // Issue 17: a grid worker reads the town's party doc (members' 联系户 visits count as care visits).
    const w = new SyncClient(server.wsBase, 'party.t01', tokens.w0001!);
    await w.synced();
    w.destroy();
    const c = new SyncClient(server.wsBase, 'party.t01', tokens.p0001!);
    await c.synced();
    c.destroy();
  });

  it('/api/me lists the people and party docs of each user', async () => {
    const docs = async (who: string) => ((await api(server.url, '/api/me', { token: tokens[who]! })).body as { docs: Array<{ name: string }> }).docs.map((d) => d.name);
    expect(await docs('w0001')).toContain('people.g0001');
    expect(await docs('w0001')).not.toContain('people.g0002');
    expect(await docs('st01v01')).toEqual(expect.arrayContaining(['people.g0001', 'party.t01']));
    expect(await docs('town01')).toEqual(expect.arrayContaining(['people.g0001', 'party.t01']));
    expect(await docs('w0002')).not.toContain('people.g0001');
    expect(await docs('p0001')).toEqual(expect.arrayContaining(['party.t01']));
    expect(await docs('p0001')).not.toContain('people.g0001');
    expect(await docs('w0001')).toContain('idnumbers.g0001');
    expect(await docs('town01')).toContain('idnumbers.g0001');
    for (const who of ['st01v01', 'w0002', 'town02', 'county', 'p0001']) expect(await docs(who), who).not.toContain('idnumbers.g0001');
    expect((await docs('st01v01')).some((n) => n.startsWith('idnumbers.')), 'a secretary holds no ID numbers at all').toBe(false);
  });

  it("idnumbers.g0001: only the grid's worker and the town center; the village secretary gets 403", async () => {
    for (const who of ['st01v01', 'w0002', 'town02', 'county', 'p0001', 'resident01']) expect(await upgradeStatus(ws('idnumbers.g0001', who)), who).toBe(403);
    for (const who of ['w0001', 'town01']) {
      const c = new SyncClient(server.wsBase, 'idnumbers.g0001', tokens[who]!);
      await c.synced(`${who} sync`);
      c.destroy();
    }
    expect([403, 404], 'unknown grid').toContain(await upgradeStatus(ws('idnumbers.g9999', 'w0001')));
  });
});

describe('people docs: writes are inspected whole', () => {
  it('accepts valid records by the worker, refuses forged actors, bad schema and another grid', async () => {
    const c = new SyncClient(server.wsBase, 'people.g0001', tokens.w0001!);
    await c.synced();
    c.append(
      ev('household_saved', 'w0001', { id: 'g0001h001', gridId: 'g0001', address: '一村兴盛路1号', head: '王伟', phone: '13800000000' }),
      ev('resident_saved', 'w0001', { id: 'g0001h001r1', householdId: 'g0001h001', name: '王伟', idNumber: MASKED, tags: ['elderly_alone'] }),
    );
    await c.allSaved();
    c.destroy();
    const ids = new SyncClient(server.wsBase, 'idnumbers.g0001', tokens.w0001!);
    await ids.synced();
    ids.append(ev('id_number_saved', 'w0001', { residentId: 'g0001h001r1', idNumber: ID_NUMBER }));
    await ids.allSaved();
    ids.destroy();

    const cases: Array<[CaseEvent, string]> = [
      [ev('visit_recorded', 'st01v01', { householdId: 'g0001h001', note: '走访' }), 'forged_actor'],
      [ev('resident_saved', 'w0001', { id: 'x', householdId: 'g0001h001', name: '李', idNumber: '123', tags: [] }), 'invalid_event'],
      [ev('household_saved', 'w0001', { id: 'g0002h001', gridId: 'g0002', address: '二村', head: '张' }), 'wrong_doc'],
      // A full ID number never enters a people doc: not as the resident's number, nor hidden in a visit note.
      [ev('resident_saved', 'w0001', { id: 'g0001h001r2', householdId: 'g0001h001', name: '李', idNumber: '211103199002021238', tags: [] }), 'invalid_event'],
      [ev('visit_recorded', 'w0001', { householdId: 'g0001h001', note: '身份证 211103199002021238 已核对' }), 'invalid_event'],
    ];
    for (const [e, code] of cases) {
      const bad = new SyncClient(server.wsBase, 'people.g0001', tokens.w0001!);
      await bad.synced();
      const refused = bad.refused();
      bad.append(e);
      expect((await refused).code).toBe(code);
      bad.destroy();
    }
  });

  it('idnumbers: schema, actor and role are inspected (town center writes, a forged actor is refused)', async () => {
    const c = new SyncClient(server.wsBase, 'idnumbers.g0001', tokens.town01!);
    await c.synced();
    let refused = c.refused();
    c.append(ev('id_number_saved', 'w0001', { residentId: 'g0001h001r1', idNumber: ID_NUMBER }));
    expect((await refused).code).toBe('forged_actor');
    c.destroy();
    const d = new SyncClient(server.wsBase, 'idnumbers.g0001', tokens.town01!);
    await d.synced();
    refused = d.refused();
    d.append(ev('id_number_saved', 'town01', { residentId: 'g0001h001r1', idNumber: MASKED }));
    expect((await refused).code).toBe('invalid_event');
    d.destroy();
  });

  it("the people doc a village secretary syncs holds no full ID number (synced state and the relay's stored bytes)", async () => {
    const c = new SyncClient(server.wsBase, 'people.g0001', tokens.st01v01!);
    await c.synced();
    const resident = c.events.find((e) => e.type === ('resident_saved' as string)) as unknown as { data: { idNumber: string } } | undefined;
    expect(resident?.data.idNumber).toBe(MASKED);
    const text = Buffer.from(Y.encodeStateAsUpdate(c.doc)).toString('latin1');
    expect(text).toContain(MASKED);
    expect(text).not.toContain(ID_NUMBER);
    c.destroy();
    // Read straight from the store (SQLite file or PostgreSQL database): what reached the disk.
    const rows = (doc: string) => storedText(server.dataDir, doc);
    expect(rows('people.g0001')).toContain(MASKED);
    expect(rows('people.g0001')).not.toContain(ID_NUMBER);
    expect(rows('idnumbers.g0001'), 'the number is stored, in its own doc').toContain(ID_NUMBER);
  });

  it('party: a secretary may not claim a need (role_not_allowed)', async () => {
    const c = new SyncClient(server.wsBase, 'party.t01', tokens.st01v01!);
    await c.synced();
    const refused = c.refused();
    c.append(ev('need_claimed', 'st01v01', { needId: newId(Date.now(), (n) => crypto.getRandomValues(new Uint8Array(n))) }));
    expect((await refused).code).toBe('role_not_allowed');
    c.destroy();
  });

  it("party: a town center may not write a need or a decision about another town's village and grid into its own town's party doc (invalid_event, nothing stored)", async () => {
    // g0002 is the grid of t02v01, a village of t02: the care link itself holds (the grid is in the need's village).
    const visitId = () => newId(Date.now(), (n) => crypto.getRandomValues(new Uint8Array(n)));
    const foreign = [
      ev('need_published', 'town01', { kind: 'resident', villageId: 't02v01', title: '关怀走访：需要就医', detail: '走访发现需要就医', fromCare: { gridId: 'g0002', visitId: visitId() } }),
      ev('care_need_declined', 'town01', { villageId: 't02v01', gridId: 'g0002', visitId: visitId(), reason: '家属已安排' }),
    ];
    for (const e of foreign) expect(await refusedAs(server.wsBase, 'party.t01', tokens.town01!, e), e.type).toBe('invalid_event');
    // The same write for a village and grid of t01 is taken (the refusal is about the town, not the writer).
    const own = ev('need_published', 'town01', { kind: 'resident', villageId: 't01v01', title: '关怀走访：需要就医', detail: '走访发现需要就医', fromCare: { gridId: 'g0001', visitId: visitId() } });
    await appendAs(server.wsBase, 'party.t01', tokens.town01!, own);
    const stored = storedText(server.dataDir, 'party.t01');
    expect(stored).toContain(own.id);
    for (const e of foreign) expect(stored, e.type).not.toContain(e.id);
    // A reader of the doc (the village secretary) receives the accepted need only.
    const reader = new SyncClient(server.wsBase, 'party.t01', tokens.st01v01!);
    await reader.synced();
    const ids = reader.events.map((e) => e.id);
    reader.destroy();
    expect(ids).toContain(own.id);
    for (const e of foreign) expect(ids, e.type).not.toContain(e.id);
  });
});

describe('GET /api/people/<gridId>/residents masks ID numbers', () => {
  type Body = { residents: Array<{ name: string; idNumber: string; idMasked: boolean; address: string }> };
  const get = (who: string, q = '') => api(server.url, `/api/people/g0001/residents${q}`, { token: tokens[who]! });

  it('full for the grid worker and the town center, masked for the secretary and the county, 403 for others', async () => {
    for (const who of ['w0001', 'town01']) {
      const r = await get(who);
      expect(r.status).toBe(200);
      expect((r.body as Body).residents[0]).toMatchObject({ name: '王伟', idNumber: ID_NUMBER, idMasked: false, address: '一村兴盛路1号' });
    }
    for (const who of ['st01v01', 'county']) {
      const r = await get(who);
      expect(r.status).toBe(200);
      const res = (r.body as Body).residents[0]!;
      expect(res).toMatchObject({ idNumber: '2111**********1234', idMasked: true });
      expect(JSON.stringify(r.body)).not.toContain(ID_NUMBER);
    }
    for (const who of ['w0002', 'town02', 'p0001', 'resident01']) expect((await get(who)).status, who).toBe(403);
    expect((await api(server.url, '/api/people/g0001/residents')).status).toBe(401);
  });

  it('searches by name or address', async () => {
    expect(((await get('w0001', '?q=兴盛')).body as Body).residents).toHaveLength(1);
    expect(((await get('w0001', '?q=' + encodeURIComponent('不存在'))).body as Body).residents).toHaveLength(0);
  });
});
