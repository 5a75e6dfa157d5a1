// Photo evidence through the app's own session (createAuthService, SyncEngine over `ws`, fake-indexeddb) against the
// REAL relay on port 0: a grid worker offline keeps photos and reports; the blobs move from draft to the outbox with
// the event (offline), the sync bar counts them, they upload when the network returns, and the town center's device
// downloads and caches them while a user of another town gets nothing. A resident's report (HTTP outbox) uploads its
// photo with the same uploader and the resident's token.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createAuthService, type GridlinkAuthService, type GridlinkSession } from '../../../src/app/session.ts';
import { blobPath } from '../../../src/protocol/blobs.ts';
import type { CapturedBlob } from '../../../src/app/services.ts';
import { until } from '../../support/wait.ts';
import { login, PASSWORD, startTestServer, type TestServer } from '../../integration/relay-harness.ts';

let server: TestServer;
const services: GridlinkAuthService[] = [];
let n = 0;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const s of services) await s.dispose();
  await server?.stop();
});

function device(net: { online: boolean }, ws = true, pollMs = 20): GridlinkAuthService {
  const auth = createAuthService({
    baseUrl: server.url,
    fetch: (input, init) => (net.online ? globalThis.fetch(input, init) : Promise.reject(new TypeError('Failed to fetch'))),
    ...(ws ? { WebSocketPolyfill: WebSocket } : { transport: null }),
    online: () => net.online,
    namespace: `evidence${Date.now().toString(36)}${n++}`,
    pollMs,
    pbkdf2Iterations: 2000,
  });
  services.push(auth);
  return auth;
}

async function signIn(auth: GridlinkAuthService, username: string): Promise<GridlinkSession> {
  const r = await auth.login(username, PASSWORD);
  if (!r.ok) throw new Error(`login ${username}: ${r.error}`);
  return r.session;
}

function jpeg(size: number): Uint8Array {
  const b = new Uint8Array(randomBytes(size));
  b.set([0xff, 0xd8, 0xff, 0xe0], 0);
  b[size - 3] = 0x11;
  b[size - 2] = 0xff;
  b[size - 1] = 0xd9;
  return b;
}
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const blob = (kind: CapturedBlob['kind'], bytes: Uint8Array): CapturedBlob => ({ hash: sha(bytes), kind, type: 'image/jpeg', bytes });

async function get(path: string, token: string): Promise<{ status: number; bytes: Uint8Array }> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()) };
}

describe('photo evidence in the session', () => {
  it('an offline report moves its photos into the outbox, the bar counts them, they upload when the link returns, the center downloads them', async () => {
    const net = { online: true };
    const w = await signIn(device(net), 'w0001');
    await w.engine.whenSynced();
    await w.startEvidence();
    net.online = false;
    await until(() => w.status.value.connection === 'offline', 'offline');

    const [full, thumb, unused] = [jpeg(150_000), jpeg(6_000), jpeg(4_000)];
    await w.evidence.keep([blob('photo', full), blob('thumb', thumb), blob('thumb', unused)]);
    // Kept, not yet in the outbox: nothing to upload.
    expect(w.status.value.uploads).toBeUndefined();
    const d = await w.report({ category: '0101', description: '随手拍：井盖缺失', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001', photos: [{ full: sha(full), thumb: sha(thumb) }] });
    if (!d.ok) throw new Error(d.error);
    const caseId = d.event.caseId;
    // Offline, in the same flow as the event: one photo waiting (a photo and its thumbnail count once).
    await until(() => w.status.value.uploads?.photos === 1, 'the bar counts one photo');
    expect(w.status.value.uploads).toEqual({ photos: 1, clips: 0 });
    expect(w.evidence.uploads.value.byCase[caseId]).toEqual({ photos: 1, clips: 0, bytes: 156_000, bytesLeft: 156_000 });
    const rows = await w.engine.db.blobs.toArray();
    expect(rows.map((r) => [r.hash, r.state, r.caseId ?? null]).sort()).toEqual(
      [
        [sha(full), 'unsent', caseId],
        [sha(thumb), 'unsent', caseId],
        [sha(unused), 'draft', null],
      ].sort(),
    );
    // The local copy shows offline.
    expect((await w.evidence.load(sha(full)))?.size).toBe(150_000);
    // Unsent photos are never cleaned.
    expect(await w.evidence.clean()).toBe(0);
    expect((await w.evidence.storage()).unsentBytes).toBe(156_000);

    net.online = true;
    await until(() => w.status.value.uploads === undefined && w.status.value.unsaved === 0, 'uploaded and saved');
    expect((await w.engine.db.blobs.get(sha(full)))?.state).toBe('sent');

    const town = await login(server.url, 'town01');
    const got = await get(blobPath(sha(thumb)), town);
    expect(got.status).toBe(200);
    expect(sha(got.bytes)).toBe(sha(thumb));
    // A user of another town may not read that case: the relay does not even say the blob exists.
    expect((await get(blobPath(sha(full)), await login(server.url, 'town02'))).status).toBe(404);

    // The town center's own device downloads the full photo with its token and keeps it as a cached copy.
    const c = await signIn(device({ online: true }, false), 'town01');
    const b = await c.evidence.load(sha(full));
    expect(b?.size).toBe(150_000);
    expect(sha(new Uint8Array(await b!.arrayBuffer()))).toBe(sha(full));
    expect((await c.engine.db.blobs.get(sha(full)))).toMatchObject({ state: 'cached', size: 150_000 });
    expect((await c.evidence.storage()).cleanableBytes).toBe(150_000);
    expect(await c.evidence.clean()).toBe(150_000);
    // Another town's device gets null (the relay's 404), and keeps nothing.
    const o = await signIn(device({ online: true }, false), 'town02');
    expect(await o.evidence.load(sha(full))).toBeNull();
    expect(await o.engine.db.blobs.count()).toBe(0);
  });

  it('a resident\'s offline report uploads its photo with the resident\'s token once online', async () => {
    const net = { online: true };
    const r = await signIn(device(net, false), 'resident01');
    await until(() => r.org.value && r.status.value.connection === 'online', 'resident online');
    await r.startEvidence();
    net.online = false;
    const [full, thumb] = [jpeg(80_000), jpeg(5_000)];
    await r.evidence.keep([blob('photo', full), blob('thumb', thumb)]);
    const d = await r.report({ category: '0101', description: '楼道堆放杂物', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001', photos: [{ full: sha(full), thumb: sha(thumb) }] });
    if (!d.ok) throw new Error(d.error);
    await until(() => r.status.value.uploads?.photos === 1, 'the resident\'s bar counts the photo');
    net.online = true;
    await until(() => r.status.value.uploads === undefined && r.status.value.unsaved === 0, 'uploaded and the report sent');
    const town = await login(server.url, 'town01');
    await until(async () => (await get(blobPath(sha(full)), town)).status === 200, 'the center reads the resident\'s photo');
  });

  it('a network blip too short for anyone to notice does not hold a resident\'s report or its photo until the next refresh', async () => {
    // The engine polls the network once a minute here: it never sees the device go offline and back, so no network
    // change is announced. The report's send and the photo's upload fail while offline and must retry by themselves.
    const net = { online: true };
    const r = await signIn(device(net, false, 60_000), 'resident01');
    await until(() => r.org.value && r.status.value.connection === 'online', 'resident online');
    await r.startEvidence();
    net.online = false;
    const [full, thumb] = [jpeg(70_000), jpeg(5_000)];
    await r.evidence.keep([blob('photo', full), blob('thumb', thumb)]);
    const d = await r.report({ category: '0101', description: '路灯不亮', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001', photos: [{ full: sha(full), thumb: sha(thumb) }] });
    if (!d.ok) throw new Error(d.error);
    await until(() => r.status.value.uploads?.photos === 1, 'the photo waits');
    net.online = true;
    // Well within the resident's 30 s refresh: the retries' backoff starts at a second.
    const started = Date.now();
    await until(() => r.status.value.uploads === undefined && r.status.value.unsaved === 0, 'uploaded and the report sent', 10_000);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
