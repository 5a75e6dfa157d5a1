/**
 * Stores written before receipts existed (issue 9 section 1): the first start gives every stored case event a
 * legacy receipt (server/receipts.ts). The cases keep the states they had; from then on a change of reference data
 * no longer changes them; a second start writes nothing more.
 */
import { jwtSecretOf } from '../../server/app.ts';
import { receiptSigner } from '../../server/receiptsign.ts';
import type { Receipt } from '../../src/domain/receipts.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { casesDocName } from '../../src/domain/docs.ts';
import type { CaseEvent } from '../../src/domain/events.ts';
import { foldCase } from '../../src/domain/fold.ts';
import { indexOrg } from '../../src/domain/org.ts';
import { RECEIPTS_ARRAY } from '../../src/protocol/wire.ts';
import { RECEIPTS_META } from '../../server/receipts.ts';
import { encodeEventsDoc, seedStore } from '../../server/seed.ts';
import { storedParts } from '../../server/store.ts';
import { Actor, api, FIXTURE_ORG, login, openStore, PASSWORD, startTestServer, tempDir, USERS, type TestServer } from './relay-harness.ts';

let tmp: { dir: string; remove(): void };
let server: TestServer | null = null;
let history: CaseEvent[];
let caseId: string;
let doc: string;

beforeAll(async () => {
  tmp = tempDir();
  const store = openStore(tmp.dir);
  await seedStore(store, { org: FIXTURE_ORG, events: [] }, { password: PASSWORD, clientId: 7 });
  // A case dispatched to u001 and resolved, stored the way the relay stored it before receipts.
  const worker = new Actor(USERS.w0001);
  const town = new Actor(USERS.town01);
  const unit = new Actor(USERS.unit001);
  const r = worker.report();
  caseId = r.state.id;
  const a = town.observe(r.event).act(r.state, caseId, { type: 'accept' });
  const d = town.act(a.state, caseId, { type: 'dispatch', unitId: 'u001', planId: 'P001' });
  const s = unit.observe(d.event).act(d.state, caseId, { type: 'resolve', note: '已修复' });
  history = [r.event, a.event, d.event, s.event];
  doc = casesDocName('t01', new Date(Date.now() + 8 * 3_600_000).getUTCFullYear());
  store.putSnapshot(doc, encodeEventsDoc(history, 4242), [caseId]);
  store.setMeta(RECEIPTS_META, '');
  store.close();
});

afterAll(async () => {
  await server?.stop();
  tmp?.remove();
});

const receipts = (s: TestServer) => s.relay.withDoc(doc, (y: Y.Doc) => y.getArray<{ e: string; l?: number; a: string; s?: string }>(RECEIPTS_ARRAY).toArray());

describe('a store from before receipts', () => {
  it('gets one legacy receipt per stored event at the first start, and the case keeps its state', async () => {
    server = await startTestServer({ dataDir: tmp.dir, seed: false });
    const list = await receipts(server);
    expect(list.map((x) => x.e).sort()).toEqual(history.map((e) => e.id).sort());
    expect(list.every((x) => x.l === 1)).toBe(true);
    // Signed with the relay's key (issue 16), for exactly the event each names.
    const signer = receiptSigner(jwtSecretOf(server.store, tmp.dir));
    for (const e of history) expect(signer.verify(list.find((x) => x.e === e.id) as Receipt, e), e.type).toBe(true);
    expect(signer.verify(list.find((x) => x.e === history[0]!.id) as Receipt, history[1]!)).toBe(false);
    expect(list.find((x) => x.e === history[2]!.id)).toMatchObject({ a: 'town:t01' });
    const token = await login(server.url, 'town01');
    const got = await api(server.url, `/api/cases/${caseId}`, { token });
    const expected = foldCase(history, indexOrg(FIXTURE_ORG))!;
    expect(got.body).toMatchObject({ status: 'resolved', unitId: 'u001', dueHours: 24, checklist: [false, false], resolvedMs: expected.resolvedMs, dispatchedMs: expected.dispatchedMs });
  });

  it('a second start writes no receipt again', async () => {
    await server!.close();
    server = await startTestServer({ dataDir: tmp.dir, seed: false });
    expect(await receipts(server)).toHaveLength(history.length);
  });

  it('from then on, removing the unit and changing the plan no longer change the case', async () => {
    // An administrator's edit of the org doc, as stored (the relay is stopped meanwhile).
    await server!.close();
    const store = openStore(tmp.dir);
    const org = new Y.Doc();
    for (const part of storedParts(store.loadDoc('org'))) Y.applyUpdate(org, part);
    const before = Y.encodeStateVector(org);
    org.getMap('units').delete('u001');
    const plan = org.getMap('plans').get('P001') as Record<string, unknown>;
    org.getMap('plans').set('P001', { ...plan, dueHours: 2, steps: ['a'] });
    store.appendUpdate('org', Y.encodeStateAsUpdate(org, before));
    store.close();
    server = await startTestServer({ dataDir: tmp.dir, seed: false });
    expect(await server.relay.withDoc('org', (y: Y.Doc) => y.getMap('units').has('u001'))).toBe(false);
    const token = await login(server.url, 'town01');
    const got = await api(server.url, `/api/cases/${caseId}`, { token });
    expect(got.body).toMatchObject({ status: 'resolved', unitId: 'u001', dueHours: 24, checklist: [false, false] });
  });
});
