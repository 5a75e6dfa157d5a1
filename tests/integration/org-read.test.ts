/**
 * The relay reads the org doc through the app's own reader (src/protocol/orgdoc.ts `readOrg`): a value that is not a
 * record (a store written by an older or faulty version) is skipped on both sides, never indexed or counted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startServer } from '../../server/app.ts';
import { quietLogger } from '../../server/log.ts';
import { Store } from '../../server/store.ts';
import { ORG_DOC } from '../../src/domain/docs.ts';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gridlink-org-read-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function table1(): Promise<Array<{ key: string; value: number | null }>> {
  const server = await startServer({ dataDir, port: 0, host: '127.0.0.1', demo: true, log: quietLogger });
  try {
    const login = await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'county', password: 'demo' }) });
    const { token } = (await login.json()) as { token: string };
    const r = await fetch(`${server.url}/api/stats?scope=county`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    return ((await r.json()) as { table1: Array<{ key: string; value: number | null }> }).table1;
  } finally {
    await server.close();
  }
}

it('skips org values that are not records: the relay starts, and counts and indexes only the records', async () => {
  const before = await table1();
  // Written straight into the store, past the relay's inspection of org writes.
  const doc = new Y.Doc();
  doc.getMap('users').set('bad-null', null);
  doc.getMap('users').set('bad-number', 42);
  doc.getMap('units').set('bad-text', 'not a unit');
  doc.getMap('towns').set('bad-list', ['t99']);
  const store = new Store(dataDir);
  store.appendUpdate(ORG_DOC, Y.encodeStateAsUpdate(doc));
  store.close();
  expect(await table1()).toEqual(before);
});
