// Issue 11 defect 1 with the app's real session (createAuthService, read model in fake-indexeddb) against the real
// relay: a resident gets the reference data (the report form's `org`) without any doc, the status says online and
// saved, a report reaches the relay, the list holds the resident's own reports only; offline a report waits in the
// outbox (counted unsaved, listed as pending) and is sent on reconnect; after a reload without network the reference
// data and the list are still there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthService, type GridlinkAuthService, type GridlinkSession } from '../../src/app/session.ts';
import { until } from '../support/wait.ts';
import { Actor, api, login, PASSWORD, seedFixture, startTestServer, tempDir, USERS, type TestServer } from './relay-harness.ts';

let server: TestServer;
let tmp: { dir: string; remove(): void };
const services: GridlinkAuthService[] = [];
const workerCase = new Actor(USERS.w0001).report('g0001', '网格员上报：井盖缺失');

beforeAll(async () => {
  tmp = tempDir();
  await seedFixture(tmp.dir, [workerCase.event]);
  server = await startTestServer({ dataDir: tmp.dir, seed: false });
});
afterAll(async () => {
  for (const s of services) await s.dispose();
  await server?.stop();
  tmp?.remove();
});

function device(namespace: string, net: { online: boolean }): GridlinkAuthService {
  const auth = createAuthService({
    baseUrl: server.url,
    // No network: every request fails as a browser's would.
    fetch: (input, init) => (net.online ? globalThis.fetch(input, init) : Promise.reject(new TypeError('Failed to fetch'))),
    transport: null,
    online: () => net.online,
    namespace,
    pollMs: 20,
    pbkdf2Iterations: 2000,
  });
  services.push(auth);
  return auth;
}

const report = (s: GridlinkSession, description: string) =>
  s.report({ category: '0101', description, location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001', address: '一村三组' });

describe('a resident session', () => {
  it('has the reference data, tells the truth about the relay, reports online and offline, lists its own reports only', async () => {
    const net = { online: true };
    const auth = device('resident-a', net);
    const r = await auth.login('resident01', PASSWORD);
    if (!r.ok) throw new Error(r.error);
    const s = r.session;

    // The form's reference data: grids, villages, categories; the only person known is the resident.
    await until(() => s.org.value, 'reference data');
    expect(s.org.value!.grid('g0001')?.name).toBe('一村第一网格');
    expect(s.org.value!.subcategory('0101')).toBeTruthy();
    expect(s.org.value!.data.users.map((u) => u.id)).toEqual(['resident01']);
    expect(s.org.value!.user('w0001')).toBeUndefined();
    await until(() => s.status.value.connection === 'online' && s.status.value.ready, 'online and ready');
    expect(s.status.value.unsaved).toBe(0);
    expect(await s.countCases({})).toBe(0);

    const d = await report(s, '楼道灯坏了');
    if (!d.ok) throw new Error(d.error);
    const id = d.event.caseId;
    expect((await s.queryCases({}, 0, 10)).map((x) => x.id)).toEqual([id]);
    await until(() => s.status.value.unsaved === 0 && s.status.value.lastSavedMs !== null, 'report saved');
    const stored = await api(server.url, `/api/cases/${id}`, { token: await login(server.url, 'town01') });
    expect(stored.body).toMatchObject({ id, reporter: 'resident01', description: '楼道灯坏了', address: '一村三组' });
    expect(await s.getCase(id)).toMatchObject({ id, status: 'reported' });

    // The town accepts it: the resident sees the new status at the next contact.
    const town = await login(server.url, 'town01');
    expect((await api(server.url, `/api/cases/${id}/commands`, { token: town, body: { type: 'accept' } })).status).toBe(200);
    const resident = (s as unknown as { resident: { value: { sync(): Promise<void> } } }).resident.value;
    await resident.sync();
    await until(async () => (await s.queryCases({}, 0, 10))[0]?.status === 'accepted', 'accepted in the list');

    // Offline: kept, counted, listed as pending; sent once the network is back.
    net.online = false;
    await until(() => s.status.value.connection === 'offline', 'offline');
    const off = await report(s, '路面塌陷');
    if (!off.ok) throw new Error(off.error);
    expect(s.status.value.unsaved).toBe(1);
    const rows = await s.queryCases({}, 0, 10);
    expect(rows.map((x) => [x.id, Boolean(x.pending)])).toEqual([
      [off.event.caseId, true],
      [id, false],
    ]);
    net.online = true;
    await until(() => s.status.value.unsaved === 0 && s.status.value.connection === 'online', 'offline report sent');
    expect((await api(server.url, `/api/cases/${off.event.caseId}`, { token: town })).status).toBe(200);
    // The resident withdraws that report (through the relay), and the list shows it withdrawn.
    const w = await s.act(off.event.caseId, { type: 'withdraw', reason: '已自行解决' } as Parameters<GridlinkSession['act']>[1]);
    expect(w).toMatchObject({ ok: true, state: { status: 'withdrawn' } });
    expect((await s.queryCases({ status: 'withdrawn' }, 0, 10)).map((x) => x.id)).toEqual([off.event.caseId]);
    // Never the worker's case.
    expect((await s.queryCases({}, 0, 10)).map((x) => x.id)).not.toContain(workerCase.state.id);
    expect(await s.countCases({})).toBe(2);

    // A reload without network: the reference data and the list come from this device.
    await auth.dispose();
    net.online = false;
    const again = device('resident-a', net);
    const resumed = await again.resume();
    expect(resumed).not.toBeNull();
    await until(() => resumed!.org.value, 'reference data offline');
    await until(async () => (await resumed!.countCases({})) === 2, 'own reports offline');
    expect(resumed!.status.value.connection).toBe('offline');
    expect((await report(resumed as GridlinkSession, '又一个').then((x) => x.ok))).toBe(true);
    expect(resumed!.status.value.unsaved).toBe(1);
  });
});
