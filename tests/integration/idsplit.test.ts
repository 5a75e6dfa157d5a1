// Issue 5 gap: a store written before `idnumbers.<gridId>` existed has people docs with full ID numbers. The first
// start moves them (server/idsplit.ts): the people doc is rebuilt masked, the numbers land in the ID doc, and a
// device that still holds the old doc cannot push the old content back (the relay refuses it).
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import { EVENTS_ARRAY } from '../../src/protocol/wire.ts';
import { ID_SPLIT_META, splitLegacyIdNumbers } from '../../server/idsplit.ts';
import { seedStore } from '../../server/seed.ts';
import { api, FIXTURE_ORG, login, openStore, PASSWORD, startTestServer, storedText, SyncClient, tempDir, type TestServer } from './relay-harness.ts';

const FULL = '211103198001011234';
const FULL2 = '21110319900202123X';
/** A number the plain 18-digit pattern misses (src/domain/idguard.ts finds it). */
const SPACED = '2111 0319 8001 0112 34';
const rnd = (n: number) => crypto.getRandomValues(new Uint8Array(n));
let seq = 0;
const ev = (type: string, actor: string, data: unknown) => {
  const ms = Date.UTC(2025, 0, 1) + seq++;
  return { id: newId(ms, rnd), type, actor, at: formatHlc({ ms, counter: 0, node: 'old' }), data };
};

/** The people doc as the relay stored it before the split (full numbers in resident_saved, one in a note). */
function legacyPeopleDoc(): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = 4242;
  doc.getArray(EVENTS_ARRAY).push([
    ev('household_saved', 'w0001', { id: 'g0001h001', gridId: 'g0001', address: '一村兴盛路1号', head: '王伟' }),
    ev('resident_saved', 'w0001', { id: 'g0001h001r1', householdId: 'g0001h001', name: '王伟', idNumber: FULL, tags: [] }),
    ev('resident_saved', 'st01v01', { id: 'g0001h001r2', householdId: 'g0001h001', name: '李娜', idNumber: FULL2, tags: [] }),
    ev('visit_recorded', 'w0001', { householdId: 'g0001h001', note: `核对了身份证 ${FULL}` }),
    ev('visit_recorded', 'w0001', { householdId: 'g0001h001', note: `又核对 ${SPACED}，电话 13800138000` }),
  ]);
  const u = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return u;
}

let server: TestServer;
let tmp: { dir: string; remove(): void };
const tokens: Record<string, string> = {};

beforeAll(async () => {
  tmp = tempDir();
  const store = openStore(tmp.dir);
  await seedStore(store, { org: FIXTURE_ORG, events: [] }, { password: PASSWORD, clientId: 7 });
  store.putSnapshot('people.g0001', legacyPeopleDoc());
  store.close();
  expect(storedText(tmp.dir, 'people.g0001')).toContain(FULL);
  server = await startTestServer({ dataDir: tmp.dir, seed: false });
  for (const u of ['w0001', 'st01v01']) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  await server?.stop();
  tmp?.remove();
});

describe('first start after the split', () => {
  it('rebuilds the people doc masked and moves the numbers to idnumbers.g0001', async () => {
    const people = storedText(tmp.dir, 'people.g0001');
    expect(people).not.toContain(FULL);
    expect(people).not.toContain(FULL2);
    expect(people).toContain('2111**********1234');
    // The spaced number in a note is masked too (its text keeps only the last four digits).
    expect(people).not.toContain(SPACED);
    expect(people).not.toContain('8001 0112');
    const ids = storedText(tmp.dir, 'idnumbers.g0001');
    expect(ids).toContain(FULL);
    expect(ids).toContain(FULL2);

    type Body = { residents: Array<{ id: string; idNumber: string; idMasked: boolean }> };
    const get = async (who: string) => ((await api(server.url, '/api/people/g0001/residents', { token: tokens[who]! })).body as Body).residents.map((r) => [r.id, r.idNumber, r.idMasked]);
    expect(await get('w0001')).toEqual([
      ['g0001h001r1', FULL, false],
      ['g0001h001r2', FULL2, false],
    ]);
    expect(await get('st01v01')).toEqual([
      ['g0001h001r1', '2111**********1234', true],
      ['g0001h001r2', '2111**********123X', true],
    ]);
  });

  it('a device holding the old people doc cannot bring the numbers back', async () => {
    // The worker's device: its old household event would pass, the old resident with a full number does not.
    const c = new SyncClient(server.wsBase, 'people.g0001', tokens.w0001!, { connect: false });
    Y.applyUpdate(c.doc, legacyPeopleDoc());
    const refused = c.refused();
    c.provider.connect();
    expect(await refused).toMatchObject({ code: 'invalid_event', detail: expect.stringContaining('no full ID numbers') });
    c.destroy();
    expect(storedText(tmp.dir, 'people.g0001')).not.toContain(FULL);
  });

  it('runs once per store', async () => {
    await server.stop();
    const store = openStore(tmp.dir);
    try {
      expect(JSON.parse(store.getMeta(ID_SPLIT_META)!)).toEqual({ docs: 1, numbers: 2 });
      store.putSnapshot('people.g0002', legacyPeopleDoc());
      expect(splitLegacyIdNumbers(store)).toEqual({ docs: 0, numbers: 0 });
    } finally {
      store.close();
    }
    server = await startTestServer({ dataDir: tmp.dir, seed: false });
  });
});
