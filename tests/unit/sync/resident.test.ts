// ResidentSync (issue 11) against a scripted relay: the outbox survives a relay that fails (5xx, no network) and a
// lost answer (the retry carries the same id), a refused report leaves the outbox instead of looping, the reference
// data is revalidated by ETag, and the status follows the answers (connecting -> online, offline on failure).
import { signal } from '@preact/signals';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReportInput } from '../../../src/domain/commands.ts';
import type { UserInfo } from '../../../src/domain/org.ts';
import type { CaseState } from '../../../src/domain/workflow.ts';
import { ReadModel } from '../../../src/storage/readmodel.ts';
import { UserDb } from '../../../src/storage/schema.ts';
import { ResidentSync, type ApiFetch } from '../../../src/sync/resident.ts';

const USER: UserInfo = { id: 'resident01', username: 'resident01', name: '居民一', role: 'resident', townId: 't01', villageId: 't01v01' };
const REFERENCE = {
  towns: [{ id: 't01', name: '一镇', nameEn: 'Town One', center: [122.07, 41.12] }],
  villages: [{ id: 't01v01', townId: 't01', name: '一村', kind: 'village' }],
  grids: [{ id: 'g0001', villageId: 't01v01', townId: 't01', name: '一村第一网格', workerId: '', center: [122.07, 41.12] }],
  categories: [{ code: '01', name: '综合治理', nameEn: 'Public order' }],
  subcategories: [{ code: '0101', major: '01', name: '矛盾纠纷', nameEn: 'Disputes' }],
  units: [],
};
const INPUT: ReportInput = { category: '0101', description: '楼道灯坏了', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001' };

let n = 0;
const opened: Array<{ sync: ResidentSync; db: UserDb }> = [];
afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.sync.stop();
    o.db.close();
  }
});

/** A scripted relay: reference with an ETag, POST /api/cases by id, GET mine; `mode` breaks it. */
function relay() {
  const cases = new Map<string, CaseState>();
  const r = {
    mode: 'ok' as 'ok' | 'down' | 'lose-answer' | 'refuse',
    posts: 0,
    referenceGets: [] as Array<string | undefined>,
    api: (async (path, init) => {
      if (r.mode === 'down') throw new TypeError('Failed to fetch');
      if (path === '/api/reference') {
        r.referenceGets.push(init?.headers?.['if-none-match']);
        if (init?.headers?.['if-none-match'] === '"v1"') return new Response(null, { status: 304 });
        return new Response(JSON.stringify(REFERENCE), { status: 200, headers: { etag: '"v1"' } });
      }
      if (path === '/api/cases' && init?.method === 'POST') {
        r.posts++;
        if (r.mode === 'refuse') return Response.json({ error: 'unknown_grid' }, { status: 400 });
        const body = JSON.parse(init.body!) as ReportInput & { id: string };
        const known = cases.get(body.id);
        const state = known ?? ({ id: body.id, status: 'reported', reporter: USER.id, reportedMs: Date.now(), updatedAt: `${Date.now()}:0000:relay`, timeline: [], townId: 't01', gridId: body.gridId, category: body.category, description: body.description, location: body.location, photos: [], reportedAt: '', extensionHours: 0, checklist: [], supervisions: [], superseded: [] } as CaseState);
        cases.set(body.id, state);
        if (r.mode === 'lose-answer') {
          r.mode = 'ok';
          throw new TypeError('connection reset');
        }
        return Response.json(state, { status: known ? 200 : 201 });
      }
      if (path === '/api/cases/mine') return Response.json({ cases: [...cases.values()] });
      return Response.json({ error: 'not_found' }, { status: 404 });
    }) as ApiFetch,
    cases,
  };
  return r;
}

async function open(api: ApiFetch, net = { online: true }) {
  const db = new UserDb(`resident-unit-${n++}`);
  const readModel = new ReadModel(db);
  const listeners = new Set<() => void>();
  const sync = new ResidentSync({
    user: USER,
    db,
    readModel,
    casesVersion: signal(0),
    api,
    now: Date.now,
    random: (k) => crypto.getRandomValues(new Uint8Array(k)),
    online: () => net.online,
    unauthorized: () => {},
    paused: () => false,
    watchNetwork: (f) => (listeners.add(f), () => listeners.delete(f)),
    refreshMs: 60_000,
  });
  opened.push({ sync, db });
  await sync.start();
  return { sync, readModel, net, changed: () => listeners.forEach((f) => f()) };
}

describe('ResidentSync', () => {
  it('is connecting until the relay answers, then online with the reference data; revalidates it by ETag', async () => {
    const r = relay();
    const { sync } = await open(r.api);
    expect(sync.status.value.connection).not.toBe('offline');
    await sync.sync();
    expect(sync.status.value).toMatchObject({ connection: 'online', unsaved: 0, ready: true });
    expect(sync.org.value?.grid('g0001')?.name).toBe('一村第一网格');
    await sync.sync();
    // The first ask has no ETag; every later one revalidates (304, no body).
    expect(r.referenceGets[0]).toBeUndefined();
    expect(r.referenceGets.slice(1)).toEqual(r.referenceGets.slice(1).map(() => '"v1"'));
    expect(r.referenceGets.length).toBeGreaterThan(1);
  });

  it('keeps a report through a relay that is down and an answer that is lost: one case on the relay', async () => {
    const r = relay();
    const { sync, readModel } = await open(r.api);
    await sync.sync();
    r.mode = 'down';
    const d = await sync.report(INPUT);
    expect(d.ok).toBe(true);
    await sync.sync();
    expect(sync.status.value).toMatchObject({ connection: 'offline', unsaved: 1 });
    expect((await readModel.query({}, 0, 10)).map((x) => x.pending)).toEqual([true]);
    r.mode = 'lose-answer';
    await sync.sync();
    expect(sync.status.value.unsaved).toBe(1);
    await sync.sync();
    expect(sync.status.value).toMatchObject({ connection: 'online', unsaved: 0 });
    expect(r.cases.size).toBe(1);
    expect(r.posts).toBe(2);
    expect((await readModel.query({}, 0, 10)).map((x) => [x.id, x.pending])).toEqual([[d.ok && d.event.caseId, undefined]]);
  });

  it('a report the relay refuses for good leaves the outbox (no loop)', async () => {
    const r = relay();
    const { sync } = await open(r.api);
    await sync.sync();
    r.mode = 'refuse';
    const warn = console.warn;
    console.warn = () => {};
    try {
      await sync.report(INPUT);
      await sync.sync();
      await sync.sync();
    } finally {
      console.warn = warn;
    }
    expect(r.posts).toBe(1);
    expect(sync.status.value.unsaved).toBe(0);
  });

  it('refuses a report for an unknown grid before anything is kept', async () => {
    const r = relay();
    const { sync } = await open(r.api);
    await sync.sync();
    expect(await sync.report({ ...INPUT, gridId: 'g9999' })).toMatchObject({ ok: false, error: 'unknown_grid' });
    expect(sync.status.value.unsaved).toBe(0);
  });
});
