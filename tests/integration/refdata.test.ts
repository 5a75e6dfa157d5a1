/**
 * Issue 15 against a real relay: admins edit reference data by appending changes to the org doc's `changes` array
 * (src/domain/refchanges.ts); the relay accepts only valid changes by admins and refuses whole updates otherwise,
 * storing nothing of them; other devices see accepted edits; a dispatched case keeps its plan version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { auditNames, describeAuditDetail } from '../../src/domain/auditlog.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import { CHANGES_ARRAY, type Plan } from '../../src/domain/org.ts';
import type { CaseState } from '../../src/domain/workflow.ts';
import { readOrg } from '../../src/protocol/orgread.ts';
import { api, FIXTURE_ORG, login, startTestServer, SyncClient, type TestServer } from './relay-harness.ts';

let server: TestServer;
const tokens: Record<string, string> = {};
const clients: SyncClient[] = [];
const random = (k: number) => crypto.getRandomValues(new Uint8Array(k));
let tick = 0;

beforeAll(async () => {
  server = await startTestServer({ tokenTtl: '1h' });
  for (const u of ['admin', 'town01', 'w0001']) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.stop();
});

function change(type: string, data: unknown, actor = 'admin') {
  const ms = Date.now();
  return { id: newId(ms, random), at: formatHlc({ ms, counter: tick++, node: 'adm' }), actor, type, data };
}

async function device(user: string): Promise<SyncClient> {
  const c = new SyncClient(server.wsBase, 'org', tokens[user]!);
  clients.push(c);
  await c.synced();
  return c;
}

/** The org doc as the relay durably stored it (snapshot + rows). */
function stored(): Y.Doc {
  const { snapshot, updates } = server.store.loadDoc('org');
  const d = new Y.Doc();
  for (const u of snapshot ? [snapshot, ...updates] : updates) Y.applyUpdate(d, u);
  return d;
}
const storedIds = () => new Set(stored().getArray<{ id: string }>(CHANGES_ARRAY).toArray().map((c) => c.id));

/** A fresh admin device appends `values`: REFUSED with `code`, and none of them is in memory or in the store. */
async function refusedChange(code: string, write: (doc: Y.Doc) => void, user = 'admin'): Promise<void> {
  const c = await device(user);
  const rows = server.store.updateCount('org');
  const audited = server.store.auditEntries({ action: 'reference.changed', limit: 1000 }).length;
  const refusal = c.refused(code);
  write(c.doc);
  expect(await refusal).toMatchObject({ code });
  expect(server.store.updateCount('org')).toBe(rows);
  expect(server.store.auditEntries({ action: 'reference.changed', limit: 1000 })).toHaveLength(audited);
  const mine = c.doc.getArray<{ id: string }>(CHANGES_ARRAY).toArray().map((x) => x.id);
  const inMemory = await server.relay.withDoc('org', (d) => d.getArray<{ id: string }>(CHANGES_ARRAY).toArray().map((x) => x.id));
  for (const id of mine.filter((id) => !storedIds().has(id))) expect(inMemory).not.toContain(id);
  c.destroy();
}

const grid = (id: string, villageId: string, townId: string) => ({ id, villageId, townId, name: `网格${id}`, workerId: '', center: [122.07, 41.12] });

describe('reference changes at the relay', () => {
  it('an admin appends valid changes: accepted, stored, and another device folds them', async () => {
    const admin = await device('admin');
    const reader = await device('w0001');
    const v = change('village.set', { id: 't01v02', townId: 't01', name: '新村', kind: 'village' });
    const g = change('grid.set', grid('g0003', 't01v02', 't01'));
    admin.doc.getArray(CHANGES_ARRAY).push([v, g]);
    await admin.allSaved();
    expect(admin.refusals).toEqual([]);
    expect(storedIds()).toEqual(new Set([v.id, g.id]));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('reader never saw the grid')), 5000);
      const check = () => {
        if (readOrg(reader.doc).grids.some((x) => x.id === 'g0003')) {
          clearTimeout(t);
          resolve();
        }
      };
      reader.on('change', check);
      check();
    });
    expect(readOrg(reader.doc).villages.find((x) => x.id === 't01v02')).toMatchObject({ name: '新村' });
    // The audit log has each change, by whom and on what, once it is durable.
    const audited = server.store.auditEntries({ action: 'reference.changed', limit: 10 });
    expect(audited.map((e) => [e.actor, e.target, e.detail.change]).sort()).toEqual(
      [
        ['admin', 'grid:g0003', g.id],
        ['admin', 'village:t01v02', v.id],
      ].sort(),
    );
    const names = auditNames(FIXTURE_ORG, (r) => r);
    expect(describeAuditDetail(audited.find((e) => e.target === 'grid:g0003')!, names, 'zh')).toBe(`网格：网格g0003（g0003）；变更编号：${g.id}`);
  });

  it('refuses a forged actor, a non-admin, a direct map write, a grid of an unknown village, a plan of 0 hours, a new grid in a retired village', async () => {
    await refusedChange('forged_actor', (d) => d.getArray(CHANGES_ARRAY).push([change('town.set', { id: 't03', name: '假镇', nameEn: '', center: [122, 41] }, 'county')]));
    // A town center only reads the org doc: any write is refused before its content is looked at.
    await refusedChange('read_only', (d) => d.getArray(CHANGES_ARRAY).push([change('town.set', { id: 't03', name: '假镇', nameEn: '', center: [122, 41] }, 'town01')]), 'town01');
    // A new value in a map, and an overwrite of the seed's (which also deletes the old value).
    await refusedChange('invalid_struct', (d) => d.getMap('units').set('u009', { id: 'u009', name: '新单位', level: 'county', categories: ['01'] }));
    await refusedChange('delete_not_allowed', (d) => d.getMap('units').set('u001', { id: 'u001', name: '改名', level: 'county', categories: ['01'] }));
    expect(await server.relay.withDoc('org', (d) => (d.getMap('units').get('u001') as { name: string }).name)).toBe('县水务局');
    await refusedChange('bad_reference', (d) => d.getArray(CHANGES_ARRAY).push([change('grid.set', grid('g0004', 't01v77', 't01'))]));
    await refusedChange('invalid_event', (d) => d.getArray(CHANGES_ARRAY).push([change('plan.set', { ...FIXTURE_ORG.plans[0]!, dueHours: 0 })]));

    const admin = await device('admin');
    admin.doc.getArray(CHANGES_ARRAY).push([change('grid.set', { ...FIXTURE_ORG.grids[1]!, retired: true }), change('village.set', { ...FIXTURE_ORG.villages[1]!, retired: true })]);
    await admin.allSaved();
    expect(admin.refusals).toEqual([]);
    await refusedChange('bad_reference', (d) => d.getArray(CHANGES_ARRAY).push([change('grid.set', grid('g0005', 't02v01', 't02'))]));
    expect(readOrg(stored()).grids.some((x) => x.id === 'g0005')).toBe(false);
  });
});

describe('a case keeps the plan version it was dispatched with', () => {
  async function dispatched(): Promise<CaseState> {
    const r = await api(server.url, '/api/cases', { token: tokens.w0001, body: { category: '0101', description: '邻里纠纷', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001' } });
    const id = (r.body as { id: string }).id;
    for (const body of [{ type: 'accept' }, { type: 'dispatch', unitId: 'u001', planId: 'P001' }]) {
      expect((await api(server.url, `/api/cases/${id}/commands`, { token: tokens.town01, body })).status).toBe(200);
    }
    return (await api(server.url, `/api/cases/${id}`, { token: tokens.town01 })).body as CaseState;
  }

  it('a plan edit after the dispatch changes neither its deadline nor its checklist; the next dispatch uses the new version', async () => {
    const before = await dispatched();
    expect(before).toMatchObject({ dueHours: 24, planVersion: 1, checklist: [false, false] });
    const admin = await device('admin');
    const plan: Plan = { ...FIXTURE_ORG.plans[0]!, dueHours: 4, steps: ['了解情况', '调解', '回访'] };
    admin.doc.getArray(CHANGES_ARRAY).push([change('plan.set', plan)]);
    await admin.allSaved();
    expect(admin.refusals).toEqual([]);
    const again = (await api(server.url, `/api/cases/${before.id}`, { token: tokens.town01 })).body as CaseState;
    expect(again).toMatchObject({ dueHours: 24, planVersion: 1, checklist: [false, false], dispatchedMs: before.dispatchedMs });
    const after = await dispatched();
    expect(after).toMatchObject({ dueHours: 4, planVersion: 2, checklist: [false, false, false] });
  });
});
