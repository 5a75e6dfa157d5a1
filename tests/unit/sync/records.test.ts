// Issue 5: people docs on the device (y-indexeddb via fake-indexeddb) and the offline search index in the
// per-user Dexie db; the records API masks what it returns. Full ID numbers go to `idnumbers.<gridId>`, which only
// the grid's worker and town center hold; the people doc keeps the masked form.
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createRecordsApi } from '../../../src/app/records.ts';
import { recordDocsForUser } from '../../../src/domain/docs.ts';
import { HybridClock } from '../../../src/domain/hlc.ts';
import { indexOrg } from '../../../src/domain/org.ts';
import { RecordSync } from '../../../src/sync/records.ts';
import { ORG, user } from '../domain/fixture.ts';

let n = 0;
const syncs: RecordSync[] = [];
afterEach(async () => {
  for (const s of syncs.splice(0)) await s.stop();
});

async function device(userId: string, ns = `rec${n++}`) {
  const u = user(userId);
  // The grants /api/me gives this user for grid g0001 (people.g0001, and idnumbers.g0001 for worker and town).
  const grants = recordDocsForUser(u, [], ORG.grids.filter((g) => g.id === 'g0001'));
  const sync = new RecordSync({ ns, user: u, grants, token: 't', transport: null, online: () => false });
  syncs.push(sync);
  await sync.start();
  const org = indexOrg(ORG);
  const api = createRecordsApi({
    user: u,
    sync,
    org: () => org,
    clock: new HybridClock('n1', () => Date.now()),
    now: () => Date.now(),
    random: (k) => crypto.getRandomValues(new Uint8Array(k)),
    report: () => Promise.resolve({ ok: false, error: 'forbidden' }),
  });
  // As the session starts the records: the grid's care index kept on the device is read first (src/app/careindex.ts).
  await api.preloadCareIndex(['g0001']);
  return { sync, api, ns };
}

describe('records on the device', () => {
  it('saves, keeps across a restart, and searches by name or address through the Dexie index', async () => {
    const { sync, api, ns } = await device('w0001');
    expect(api.saveHousehold({ id: 'g0001h001', gridId: 'g0001', address: '太平村兴盛路8号', head: '王秀英' }).ok).toBe(true);
    expect(api.saveResident('g0001', { id: 'r1', householdId: 'g0001h001', name: '王秀英', idNumber: '211103198001011234', tags: ['elderly_alone'] }).ok).toBe(true);
    expect(api.saveResident('g0001', { id: 'r2', householdId: 'g0001h001', name: '李强', idNumber: 'bad', tags: [] })).toMatchObject({ ok: false, error: 'bad_request' });
    expect(api.recordVisit('g0002', 'x', '走访')).toMatchObject({ ok: false, error: 'forbidden' });
    expect(api.unsaved()).toBe(3); // household, resident, its ID number; no relay here: nothing is acknowledged
    await sync.indexed();
    expect((await sync.searchIndex('兴盛', 10)).map((h) => h.residentId)).toEqual(['r1']);
    expect((await api.searchPeople('秀英')).map((h) => h.resident.idNumber)).toEqual(['211103198001011234']);
    expect(await api.searchPeople('不存在')).toEqual([]);
    await sync.stop();

    // Same device and user, later (offline): the doc and the index are still there.
    const again = await device('w0001', ns);
    expect(again.api.people('g0001')?.residents.size).toBe(1);
    expect((await again.api.searchPeople('兴盛路')).map((h) => h.resident.name)).toEqual(['王秀英']);
  });

  it('writes the full number to idnumbers.g0001 only; the people doc gets the masked form', async () => {
    const { sync, api } = await device('w0001');
    // Issue 17 adds the grid's work logs (care, patrols, task answers) and the town's tasks: the register docs are these.
    expect([...sync.docs().keys()].sort().filter((n) => /^(people|idnumbers)\./.test(n))).toEqual(['idnumbers.g0001', 'people.g0001']);
    expect(api.holdsIdNumbers('g0001')).toBe(true);
    api.saveHousehold({ id: 'g0001h001', gridId: 'g0001', address: '太平村1号', head: '赵' });
    expect(api.saveResident('g0001', { id: 'r1', householdId: 'g0001h001', name: '赵敏', idNumber: '21110319800101123x', tags: [] }).ok).toBe(true);
    const people = Buffer.from(Y.encodeStateAsUpdate(sync.docs().get('people.g0001')!)).toString('latin1');
    expect(people).toContain('2111**********123X');
    expect(people).not.toContain('21110319800101123X');
    expect(sync.events('idnumbers.g0001')).toEqual([expect.objectContaining({ type: 'id_number_saved', actor: 'w0001', data: { residentId: 'r1', idNumber: '21110319800101123X' } })]);
    expect(api.residents('g0001')).toEqual([expect.objectContaining({ id: 'r1', idNumber: '21110319800101123X', idMasked: false })]);
  });

  it('the village secretary holds no ID doc, sees numbers masked and cannot record a full one', async () => {
    const worker = await device('w0001');
    worker.api.saveHousehold({ id: 'g0001h001', gridId: 'g0001', address: '太平村1号', head: '赵' });
    worker.api.saveResident('g0001', { id: 'r1', householdId: 'g0001h001', name: '赵敏', idNumber: '211103198001011234', tags: [] });
    const { sync, api } = await device('st01v01');
    expect([...sync.docs().keys()].filter((n) => /^(people|idnumbers)\./.test(n)), 'issue 17 adds the grid work logs (read)').toEqual(['people.g0001']);
    expect(api.holdsIdNumbers('g0001')).toBe(false);
    // What the relay would send the secretary: the people doc as the worker wrote it.
    Y.applyUpdate(sync.docs().get('people.g0001')!, Y.encodeStateAsUpdate(worker.sync.docs().get('people.g0001')!));
    await sync.indexed();
    expect((await api.searchPeople('赵'))[0]?.resident).toMatchObject({ idNumber: '2111**********1234', idMasked: true });
    expect(api.saveResident('g0001', { id: 'r2', householdId: 'g0001h001', name: '赵强', idNumber: '211103198001011242', tags: [] })).toMatchObject({ ok: false, error: 'forbidden' });
    expect(api.saveResident('g0001', { id: 'r2', householdId: 'g0001h001', name: '赵强', tags: [] }).ok).toBe(true);
    expect(api.residents('g0001', 'g0001h001').map((r) => [r.id, r.idNumber, r.idMasked])).toEqual([
      ['r1', '2111**********1234', true],
      ['r2', '', true],
    ]);
    expect(JSON.stringify(sync.events('people.g0001'))).not.toContain('211103198001011242');
  });
});

describe('care visits on the device (issue 17)', () => {
  it("the worker's offline visit turns a tagged household on time; a secretary reads but cannot record; a second case link is refused", async () => {
    const { api } = await device('w0001');
    api.saveHousehold({ id: 'g0001h001', gridId: 'g0001', address: '太平村1号', head: '赵' });
    expect(api.saveResident('g0001', { id: 'r1', householdId: 'g0001h001', name: '赵奶奶', tags: ['elderly_alone'] }).ok).toBe(true);
    // Tagged just now: on time until 30 days from now (China days), then overdue.
    const index = api.careIndex('g0001')!;
    expect(index.entries.map((e) => [e.householdId, e.level.id])).toEqual([['g0001h001', 'key']]);
    expect(index.entries[0]!.lastMs).toBeUndefined();
    const v = api.careAct('g0001', 'visit_recorded', { householdId: 'g0001h001', mode: 'home', condition: 'attention', needs: ['medical'], note: '腿疼' });
    expect(v.ok).toBe(true);
    expect(api.careIndex('g0001')!.entries[0]).toMatchObject({ lastSource: 'care' });
    const visitId = (v as { id: string }).id;
    expect(api.careAct('g0001', 'case_linked', { visitId, caseId: '01JC0000000000000000000001' }).ok).toBe(true);
    expect(api.careAct('g0001', 'case_linked', { visitId, caseId: '01JC0000000000000000000002' })).toMatchObject({ ok: false, error: 'state_not_allowed' });
    const sec = await device('st01v01');
    expect(sec.api.careGrids()).toEqual(['g0001']);
    expect(sec.api.careAct('g0001', 'visit_recorded', { householdId: 'g0001h001', mode: 'home', condition: 'well', needs: [] })).toMatchObject({ ok: false, error: 'forbidden' });
  });
});
