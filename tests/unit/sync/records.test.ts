// Issue 5: people docs on the device (y-indexeddb via fake-indexeddb) and the offline search index in the
// per-user Dexie db; the records API masks what it returns.
import { afterEach, describe, expect, it } from 'vitest';
import { createRecordsApi } from '../../../src/app/records.ts';
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
  const sync = new RecordSync({ ns, user: u, grants: [{ name: 'people.g0001', access: 'write' }], token: 't', transport: null, online: () => false });
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
  return { sync, api, ns };
}

describe('records on the device', () => {
  it('saves, keeps across a restart, and searches by name or address through the Dexie index', async () => {
    const { sync, api, ns } = await device('w0001');
    expect(api.saveHousehold({ id: 'g0001h001', gridId: 'g0001', address: '太平村兴盛路8号', head: '王秀英' }).ok).toBe(true);
    expect(api.saveResident('g0001', { id: 'r1', householdId: 'g0001h001', name: '王秀英', idNumber: '211103198001011234', tags: ['elderly_alone'] }).ok).toBe(true);
    expect(api.saveResident('g0001', { id: 'r2', householdId: 'g0001h001', name: '李强', idNumber: 'bad', tags: [] })).toMatchObject({ ok: false, error: 'bad_request' });
    expect(api.recordVisit('g0002', 'x', '走访')).toMatchObject({ ok: false, error: 'forbidden' });
    expect(api.unsaved()).toBe(2); // no relay here: nothing is acknowledged
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

  it('masks ID numbers in search results for the village secretary', async () => {
    const { sync, api } = await device('st01v01');
    api.saveHousehold({ id: 'g0001h001', gridId: 'g0001', address: '太平村1号', head: '赵' });
    api.saveResident('g0001', { id: 'r1', householdId: 'g0001h001', name: '赵敏', idNumber: '211103198001011234', tags: [] });
    await sync.indexed();
    expect((await api.searchPeople('赵'))[0]?.resident).toMatchObject({ idNumber: '2111**********1234', idMasked: true });
  });
});
