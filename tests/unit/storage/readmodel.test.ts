import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import type { CaseFilter, CaseRow } from '../../../src/app/services.ts';
import { STATUSES, type Status } from '../../../src/domain/workflow.ts';
import { seededRandom } from '../../../src/domain/ids.ts';
import { ReadModel, select } from '../../../src/storage/readmodel.ts';
import { META, USER_SCHEMA, UserDb, dropDerived, type CaseRecord } from '../../../src/storage/schema.ts';
import { freshNs } from '../sync/fixtures.ts';

const dbs: UserDb[] = [];
afterEach(async () => {
  for (const d of dbs.splice(0)) {
    d.close();
    await Dexie.delete(d.name);
  }
});

function openDb(versions = USER_SCHEMA): UserDb {
  const db = new UserDb(`${freshNs('rm')}-u-x`, versions);
  dbs.push(db);
  return db;
}

const GRIDS = ['g0001', 'g0002', 'g0003'];
const CATS = ['0101', '0102', '0201', '0301'];

function records(n: number, seed = 3): CaseRecord[] {
  const rnd = seededRandom(seed);
  const out: CaseRecord[] = [];
  for (let i = 0; i < n; i++) {
    const category = CATS[Math.floor(rnd.next() * CATS.length)]!;
    out.push({
      id: `C${String(i).padStart(5, '0')}`,
      doc: i % 2 ? 'cases.t01.2025' : 'cases.t01.2024',
      status: STATUSES[Math.floor(rnd.next() * STATUSES.length)]!,
      townId: 't01',
      gridId: GRIDS[Math.floor(rnd.next() * GRIDS.length)]!,
      category,
      major: category.slice(0, 2),
      description: `case ${i}`,
      // Many equal timestamps, to check that ties are ordered (by id) and paging is stable.
      reportedMs: 1_700_000_000_000 + Math.floor(rnd.next() * 50) * 1000,
      updatedMs: 1_700_000_000_000,
      pending: i % 7 === 0,
    });
  }
  return out;
}

/** The reference: filter in memory, newest first, ties by id descending. */
function reference(all: CaseRecord[], f: CaseFilter): string[] {
  return all
    .filter((r) => (f.status === undefined || r.status === f.status) && (f.gridId === undefined || r.gridId === f.gridId))
    .filter((r) => f.category === undefined || (f.category.length === 2 ? r.major === f.category : r.category === f.category))
    .sort((a, b) => b.reportedMs - a.reportedMs || (a.id < b.id ? 1 : -1))
    .map((r) => r.id);
}

describe('read model queries', () => {
  it('every filter combination matches the in-memory reference, newest first, with paging and counts', async () => {
    const db = openDb();
    const rm = new ReadModel(db);
    const all = records(600);
    await rm.replaceDoc('cases.t01.2025', all.filter((r) => r.doc === 'cases.t01.2025'), { doc: 'a', org: 'b', acked: '' });
    await rm.replaceDoc('cases.t01.2024', all.filter((r) => r.doc === 'cases.t01.2024'), { doc: 'a', org: 'b', acked: '' });
    const statuses: Array<Status | undefined> = [undefined, 'reported', 'dispatched', 'closed'];
    const grids = [undefined, 'g0002'];
    const cats = [undefined, '01', '0301'];
    let checked = 0;
    for (const status of statuses)
      for (const gridId of grids)
        for (const category of cats) {
          const f: CaseFilter = {};
          if (status) f.status = status;
          if (gridId) f.gridId = gridId;
          if (category) f.category = category;
          const want = reference(all, f);
          expect(await rm.count(f), JSON.stringify(f)).toBe(want.length);
          const page1 = await rm.query(f, 0, 10);
          const page2 = await rm.query(f, 10, 10);
          expect(page1.map((r) => r.id)).toEqual(want.slice(0, 10));
          expect(page2.map((r) => r.id)).toEqual(want.slice(10, 20));
          checked++;
        }
    expect(checked).toBe(24);
  });

  it('returns rows in the CaseRow shape, pending only when set', async () => {
    const db = openDb();
    const rm = new ReadModel(db);
    const [a, b] = records(2);
    await rm.replaceDoc('d', [{ ...a!, doc: 'd', pending: true, unitId: 'u001' }, { ...b!, doc: 'd', pending: false }], { doc: '', org: '', acked: '' });
    const rows = await rm.query({}, 0, 10);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const ra = byId.get(a!.id) as CaseRow;
    expect(ra.pending).toBe(true);
    expect(ra.unitId).toBe('u001');
    expect(ra).not.toHaveProperty('doc');
    expect(ra).not.toHaveProperty('major');
    expect(byId.get(b!.id)).not.toHaveProperty('pending');
  });

  it('reads through an index for each filter (no collection-wide filter except grid + category)', () => {
    const db = openDb();
    // Dexie keeps the index a collection reads in `_ctx.index` and an in-memory filter in `_ctx.algorithm`.
    const ctx = (f: CaseFilter) => (select(db, f) as unknown as { _ctx: { index: string | null; algorithm: unknown } })._ctx;
    expect(ctx({}).index).toBe('reportedMs');
    expect(ctx({ status: 'reported' }).index).toBe('[status+reportedMs]');
    expect(ctx({ gridId: 'g0001' }).index).toBe('[gridId+reportedMs]');
    expect(ctx({ category: '03' }).index).toBe('[major+reportedMs]');
    expect(ctx({ category: '0301' }).index).toBe('[category+reportedMs]');
    expect(ctx({ status: 'reported', gridId: 'g0001' }).index).toBe('[status+gridId+reportedMs]');
    expect(ctx({ status: 'reported', category: '03' }).index).toBe('[status+major+reportedMs]');
    expect(ctx({ status: 'reported', category: '0301' }).index).toBe('[status+category+reportedMs]');
    for (const f of [{}, { status: 'closed' as const }, { category: '0301' }, { status: 'closed' as const, category: '03' }]) expect(ctx(f).algorithm).toBeFalsy();
    expect(ctx({ gridId: 'g0001', category: '03' }).index).toBe('[gridId+reportedMs]');
  });

  it('skips and counts corrupt rows instead of failing the list', async () => {
    const db = openDb();
    const rm = new ReadModel(db);
    const good = records(3);
    await rm.replaceDoc('d', good.map((r) => ({ ...r, doc: 'd' })), { doc: '', org: '', acked: '' });
    // A row another version (or a bug, or a hand edit) left behind: wrong types, unknown status.
    await db.cases.put({ ...good[0]!, id: 'BAD1', status: 'lost' as Status });
    await db.cases.put({ ...good[0]!, id: 'BAD2', description: 42 as unknown as string });
    const rows = await rm.query({}, 0, 50);
    expect(rows.map((r) => r.id).sort()).toEqual(good.map((r) => r.id).sort());
    expect(rm.corruptRows).toBe(2);
  });

  it('replaceDoc removes rows of cases that left the doc and touches no other doc', async () => {
    const db = openDb();
    const rm = new ReadModel(db);
    const [a, b, c] = records(3);
    await rm.replaceDoc('d1', [{ ...a!, doc: 'd1' }, { ...b!, doc: 'd1' }], { doc: '1', org: '', acked: '' });
    await rm.replaceDoc('d2', [{ ...c!, doc: 'd2' }], { doc: '1', org: '', acked: '' });
    await rm.replaceDoc('d1', [{ ...b!, doc: 'd1' }], { doc: '2', org: '', acked: '' });
    expect((await db.cases.toArray()).map((r) => r.id).sort()).toEqual([b!.id, c!.id].sort());
    expect((await rm.marker('d1'))?.doc).toBe('2');
  });
});

describe('schema versions', () => {
  it('a version that changes a derived table drops it and the markers, and keeps the rest of meta', async () => {
    const name = `${freshNs('mig')}-u-x`;
    const v1 = new UserDb(name);
    const rm = new ReadModel(v1);
    await rm.replaceDoc('d', records(5).map((r) => ({ ...r, doc: 'd' })), { doc: 'x', org: 'y', acked: '' });
    await v1.meta.put({ key: META.acked('d'), value: new Uint8Array([1, 2]) });
    v1.close();

    // The next release adds an index to `cases`; its upgrade uses dropDerived.
    const last = USER_SCHEMA[USER_SCHEMA.length - 1]!.version;
    const next = [...USER_SCHEMA, { version: last + 1, stores: { cases: 'id, doc, reportedMs, updatedMs, [status+reportedMs], [gridId+reportedMs], [major+reportedMs], [category+reportedMs], [status+gridId+reportedMs], [status+major+reportedMs], [status+category+reportedMs]' }, upgrade: dropDerived }];
    const v2 = new UserDb(name, next);
    dbs.push(v2);
    expect(await v2.cases.count()).toBe(0);
    expect(await new ReadModel(v2).marker('d')).toBeNull();
    expect((await v2.meta.get(META.acked('d')))?.value).toEqual(new Uint8Array([1, 2]));
    expect(v2.verno).toBe(last + 1);
  });
});
