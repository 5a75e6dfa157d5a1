// Issue 17 (我的任务 at 4x CPU): the records service folds a doc once per change of that doc, not once per change of
// any record doc. Over the real RecordSync (Y docs in fake-indexeddb): a change to the care log refolds the care
// log and the care index, not the people doc; a change to the people doc refolds the people doc; the town's task
// log change refolds the grid's answers (folded against it). Same inputs, same object.
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

async function device(userId: string) {
  const u = user(userId);
  const grants = recordDocsForUser(u, [], ORG.grids.filter((g) => g.id === 'g0001'));
  const sync = new RecordSync({ ns: `folds${n++}`, user: u, grants, token: 't', transport: null, online: () => false });
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
  return { sync, api };
}

describe('folds kept per doc (issue 17)', () => {
  it('a care visit refolds the care log and the index, not the people doc; a people change refolds the people doc', async () => {
    const { sync, api } = await device('w0001');
    api.saveHousehold({ id: 'g0001h001', gridId: 'g0001', address: '太平村1号', head: '赵' });
    expect(api.saveResident('g0001', { id: 'r1', householdId: 'g0001h001', name: '赵奶奶', tags: ['elderly_alone'] }).ok).toBe(true);
    const people = api.people('g0001')!;
    const index = api.careIndex('g0001')!;
    const care = api.care('g0001')!;
    // Asked again with nothing changed: the same objects (no refold).
    expect(api.people('g0001')).toBe(people);
    expect(api.careIndex('g0001')).toBe(index);
    const version = sync.version.peek();
    expect(api.careAct('g0001', 'visit_recorded', { householdId: 'g0001h001', mode: 'home', condition: 'well', needs: [] }).ok).toBe(true);
    expect(sync.version.peek()).toBeGreaterThan(version);
    // The care log changed: it and the index are folded again; the people doc is not.
    expect(api.people('g0001')).toBe(people);
    expect(api.care('g0001')).not.toBe(care);
    const after = api.careIndex('g0001')!;
    expect(after).not.toBe(index);
    expect(after.entries[0]).toMatchObject({ householdId: 'g0001h001', lastSource: 'care' });
    expect(index.entries[0]!.lastMs).toBeUndefined();
    // A people change: the people doc is folded again, and the index follows.
    api.saveHousehold({ id: 'g0001h001', gridId: 'g0001', address: '太平村1号', head: '赵', careLevel: 'high' });
    const people2 = api.people('g0001')!;
    expect(people2).not.toBe(people);
    expect(people2.households.get('g0001h001')!.careLevel).toBe('high');
    expect(api.careIndex('g0001')!.entries[0]!.level.id).toBe('high');
  });
});
