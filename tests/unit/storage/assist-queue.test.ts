// Issue 17 (主办 / 协办): a helping unit finds the cases it still owes its part on in its `unit_assist` queue, through
// the read model's `tags` index (real Dexie on fake-indexeddb); rows carry the helpers the 考核 credits.
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { foldCase } from '../../../src/domain/fold.ts';
import { indexOrg, type OrgData } from '../../../src/domain/org.ts';
import { queryQueue, ReadModel, toRecord, toRow } from '../../../src/storage/readmodel.ts';
import { UserDb } from '../../../src/storage/schema.ts';
import { townUnit, unitUser } from '../../support/county.ts';
import { ev, ORG } from '../domain/fixture.ts';
import { freshNs } from '../sync/fixtures.ts';

const DATA: OrgData = { ...ORG, units: [...ORG.units, townUnit('u004', '市场监管所', 't01', ['06'])], users: [...ORG.users, unitUser('u004', '钱进', 't01')] };
const IDX = indexOrg(DATA);
const D = '01JX00000000000000000000D1';

const dbs: UserDb[] = [];
afterEach(async () => {
  for (const d of dbs.splice(0)) {
    d.close();
    await Dexie.delete(d.name);
  }
});

describe('the unit_assist queue', () => {
  it('lists a case for each helper still owing its part, and no longer once it confirmed', async () => {
    const db = new UserDb(`${freshNs('assist')}-u-x`);
    dbs.push(db);
    const rm = new ReadModel(db);
    const base = [
      ev('reported', 'w0001', 0),
      ev('accepted', 'town01', 1),
      ev('dispatched', 'town01', 2, { id: D, data: { unitId: 'u002', helperUnitIds: ['u001', 'u004'] } }),
      ev('assist_recorded', 'unit004', 3, { data: { dispatchId: D, note: '已配合' } }),
      ev('assist_confirmed', 'unit004', 4, { data: { dispatchId: D } }),
    ];
    const s = foldCase(base, IDX)!;
    const rec = toRecord(s, 'cases.t01.2025', false);
    await rm.apply('cases.t01.2025', { put: [rec], del: [] }, null);
    const now = Date.now();
    const q = (id: string) => queryQueue(rm, 'unit_assist', IDX.user(id)!, now, 0, 10).then((rows) => rows.map((r) => r.id));
    expect(await q('unit001')).toEqual([s.id]);
    expect(await q('unit004')).toEqual([]);
    expect(await q('unit002')).toEqual([]);
    expect(toRow(rec).helpers).toEqual([
      { unitId: 'u001', status: 'assisting', parts: 0 },
      { unitId: 'u004', status: 'confirmed', parts: 1, confirmedMs: s.helpers![1]!.confirmedMs },
    ]);
  });
});
