// The device's blob outbox (src/sync/uploads.ts) against the REAL relay (server/app.ts on port 0), through a TCP
// proxy that can cut the link (bench/lib/proxy.ts), with the user's Dexie database in fake-indexeddb: upload order
// (thumbnails first, several per request), resume after a cut mid-chunk re-sending at most one chunk, offline then
// online, a refused token, permanent refusals recorded and not retried, and the progress counts.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type ShapingProxy } from '../../../bench/lib/proxy.ts';
import { BLOBS_PATH, CHUNK_BYTES, uploadStatusPath, type UploadStatus } from '../../../src/protocol/blobs.ts';
import { UserDb, type BlobKind, type BlobRecord } from '../../../src/storage/schema.ts';
import { Uploader, attachBlobs, attachHashes, progressOf, type BlobFetch, type OutboxRecord } from '../../../src/sync/uploads.ts';
import { recordBlobHashes } from '../../../src/domain/recordblobs.ts';
import type { CaseEvent } from '../../../src/domain/events.ts';
import { until } from '../../support/wait.ts';
import { login, startTestServer, type TestServer } from '../../integration/relay-harness.ts';

let server: TestServer;
let proxy: ShapingProxy;
let token: string;
const dbs: UserDb[] = [];
const uploaders: Uploader[] = [];

beforeAll(async () => {
  server = await startTestServer();
  const port = Number(new URL(server.url).port);
  // No shaping worth the name (the tests are about behaviour, not speed): the proxy is there to be cut.
  proxy = await startProxy({ host: '127.0.0.1', port }, { rttMs: 0, kbps: 100_000 });
  token = await login(server.url, 'w0001');
});
afterEach(async () => {
  for (const u of uploaders.splice(0)) await u.stop();
  for (const db of dbs.splice(0)) db.close();
});
afterAll(async () => {
  await proxy?.close();
  await server?.stop();
});

let dbN = 0;
function freshDb(): UserDb {
  const db = new UserDb(`uploads-test-${dbN++}-${Date.now()}`);
  dbs.push(db);
  return db;
}

/** A JPEG as the relay's sniffing sees one: SOI, random content, EOI. */
function jpeg(size: number): Uint8Array {
  const b = new Uint8Array(randomBytes(size));
  b.set([0xff, 0xd8, 0xff, 0xe0], 0);
  for (let i = 4; i < size - 2; i++) if (b[i] === 0xff) b[i] = 0xfe;
  b[size - 2] = 0xff;
  b[size - 1] = 0xd9;
  return b;
}
/** A WebM voice clip header followed by content. */
function webm(size: number): Uint8Array {
  const b = new Uint8Array(randomBytes(size));
  b.set([0x1a, 0x45, 0xdf, 0xa3], 0);
  return b;
}
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function row(kind: BlobKind, bytes: Uint8Array, createdMs: number, caseId = 'case-1', state: BlobRecord['state'] = 'unsent'): OutboxRecord {
  const type = kind === 'voice' ? 'audio/webm' : 'image/jpeg';
  return { hash: sha(bytes), kind, type, bytes, size: bytes.length, state, caseId, confirmed: 0, createdMs, usedMs: createdMs };
}

interface Req {
  method: string;
  path: string;
  bytes: number;
  status?: number;
}

/** The uploader's fetch: through the proxy, with a token, every request recorded; `net.online` false fails it. */
function client(opts: { token?: string; net?: { online: boolean } } = {}) {
  const reqs: Req[] = [];
  const net = opts.net ?? { online: true };
  const fetch: BlobFetch = async (path, init) => {
    const r: Req = { method: init?.method ?? 'GET', path, bytes: init?.body?.length ?? 0 };
    reqs.push(r);
    if (!net.online) throw new TypeError('fetch failed');
    const res = await globalThis.fetch(`${proxy.url}${path}`, {
      method: r.method,
      ...(init?.body ? { body: init.body as Uint8Array<ArrayBuffer> } : {}),
      headers: { ...init?.headers, authorization: `Bearer ${opts.token ?? token}` },
    });
    r.status = res.status;
    return res;
  };
  return { reqs, fetch, net };
}

function uploader(db: UserDb, c: ReturnType<typeof client>, extra: { unauthorized?: () => void } = {}): { u: Uploader; watchers: Set<() => void> } {
  const watchers = new Set<() => void>();
  const u = new Uploader({
    db,
    fetch: c.fetch,
    online: () => c.net.online,
    unauthorized: extra.unauthorized ?? (() => {}),
    paused: () => false,
    watchNetwork: (f) => {
      watchers.add(f);
      return () => watchers.delete(f);
    },
    backoffMs: { min: 20, max: 200 },
  });
  uploaders.push(u);
  return { u, watchers };
}

async function relayStatus(hash: string): Promise<UploadStatus> {
  const res = await fetch(`${server.url}${uploadStatusPath(hash)}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as UploadStatus;
}

describe('the blob outbox uploader', () => {
  it('sends thumbnails first, several per request, then the voice clip, then the full photos one chunk at a time; counts progress', async () => {
    const db = freshDb();
    const photos = [jpeg(150_000), jpeg(140_000)];
    const thumbs = [jpeg(8_000), jpeg(9_000)];
    const clip = webm(20_000);
    // Stored in an order that is not the upload order: full photos oldest.
    await db.blobs.bulkPut([row('photo', photos[0]!, 1, 'c1'), row('photo', photos[1]!, 2, 'c2'), row('voice', clip, 3, 'c1'), row('thumb', thumbs[1]!, 5, 'c2'), row('thumb', thumbs[0]!, 4, 'c1')]);
    // Not in the outbox: never sent.
    await db.blobs.put(row('photo', jpeg(1000), 0, 'c3', 'draft'));
    const c = client();
    const { u } = uploader(db, c);
    await u.start();
    await until(async () => (await db.blobs.where("state").equals("unsent").count()) === 0, "outbox empty").catch((e) => { console.log(JSON.stringify(c.reqs.map((r) => [r.method, r.path.slice(-8), r.bytes, r.status]))); throw e; });
    await u.idle();

    // One batch for both thumbnails and the clip (all under CHUNK_BYTES, together under BATCH_BYTES), then chunks.
    expect(c.reqs[0]).toMatchObject({ method: 'POST', path: BLOBS_PATH, status: 200 });
    expect(c.reqs[0]!.bytes).toBe(3 * 36 + 8_000 + 9_000 + 20_000);
    const puts = c.reqs.slice(1);
    expect(puts.every((r) => r.method === 'PUT')).toBe(true);
    expect(puts.every((r) => r.bytes <= CHUNK_BYTES)).toBe(true);
    // The older photo wholly before the newer.
    const order = puts.map((r) => r.path.split('/').pop());
    expect(order.lastIndexOf(sha(photos[0]!))).toBeLessThan(order.indexOf(sha(photos[1]!)));
    // No byte sent twice.
    expect(c.reqs.reduce((n, r) => n + r.bytes, 0)).toBe(3 * 36 + 8_000 + 9_000 + 20_000 + 150_000 + 140_000);
    for (const b of [...photos, ...thumbs, clip]) expect(await relayStatus(sha(b))).toMatchObject({ complete: true, size: b.length });
    // Sent rows keep their bytes as the local copy; the draft was not touched.
    expect((await db.blobs.get(sha(photos[0]!)))).toMatchObject({ state: 'sent', confirmed: 150_000 });
    expect((await db.blobs.get(sha(photos[0]!)))!.bytes.length).toBe(150_000);
    expect(await db.blobs.where('state').equals('draft').count()).toBe(1);
    expect(u.progress.value).toMatchObject({ photos: 0, clips: 0, bytesLeft: 0, bytes: 0, byCase: {} });
  });

  it('counts what waits, per case: a photo and its thumbnail once', async () => {
    const db = freshDb();
    await db.blobs.bulkPut([row('thumb', jpeg(5000), 1, 'c1'), row('photo', jpeg(100_000), 2, 'c1'), row('photo', jpeg(90_000), 3, 'c2'), row('thumb', jpeg(4000), 4, 'c2'), row('voice', webm(30_000), 5, 'c2')]);
    const { u } = uploader(db, client({ net: { online: false } }));
    await u.start();
    expect(u.progress.value).toMatchObject({ photos: 2, clips: 1, bytes: 229_000, bytesLeft: 229_000 });
    expect(u.progress.value.byCase).toEqual({
      c1: { photos: 1, clips: 0, bytes: 105_000, bytesLeft: 105_000 },
      c2: { photos: 1, clips: 1, bytes: 124_000, bytesLeft: 124_000 },
    });
  });

  it('resumes after a cut in the middle of a chunk from the relay\'s offset: at most one chunk sent again', async () => {
    const db = freshDb();
    const photo = jpeg(200_000);
    await db.blobs.put(row('photo', photo, 1));
    const c = client();
    const { u } = uploader(db, c);
    // The first chunk passes whole; the link drops half way through the second.
    proxy.reset();
    proxy.cutAtUp(CHUNK_BYTES + 2_000 + CHUNK_BYTES / 2);
    await u.start();
    await until(async () => (await db.blobs.get(sha(photo)))?.state === 'sent', 'sent after the cut');
    await u.idle();
    const failed = c.reqs.findIndex((r) => r.status === undefined);
    expect(failed).toBeGreaterThan(0);
    // After the failure, the device asked the relay where to resume before sending anything else.
    expect(c.reqs[failed + 1]).toMatchObject({ method: 'GET', path: uploadStatusPath(sha(photo)) });
    const sent = c.reqs.reduce((n, r) => n + r.bytes, 0);
    expect(sent - photo.length).toBeGreaterThan(0);
    expect(sent - photo.length).toBeLessThanOrEqual(CHUNK_BYTES);
    expect(await relayStatus(sha(photo))).toMatchObject({ complete: true, size: 200_000 });
  });

  it('waits while offline and uploads when the network comes back; a refused token pauses it and tells the session', async () => {
    const db = freshDb();
    const photo = jpeg(70_000);
    await db.blobs.put(row('photo', photo, 1));
    const c = client({ net: { online: false } });
    const { u, watchers } = uploader(db, c);
    await u.start();
    await u.idle();
    expect(c.reqs).toEqual([]);
    expect(u.progress.value.photos).toBe(1);
    c.net.online = true;
    for (const f of watchers) f();
    await until(async () => (await db.blobs.get(sha(photo)))?.state === 'sent', 'sent once online');
    await until(() => u.progress.value.photos === 0, 'progress down to 0');

    // 401: the session is told once and nothing more is sent until it kicks again.
    const db2 = freshDb();
    await db2.blobs.put(row('thumb', jpeg(3000), 1));
    let told = 0;
    const bad = client({ token: 'not-a-token' });
    const { u: u2 } = uploader(db2, bad, { unauthorized: () => told++ });
    await u2.start();
    await u2.idle();
    await new Promise((r) => setTimeout(r, 300));
    expect(told).toBe(1);
    expect(bad.reqs.length).toBe(1);
    expect(bad.reqs[0]!.status).toBe(401);
    expect((await db2.blobs.toArray())[0]!.state).toBe('unsent');
  });

  it('records permanent refusals on the row, shows them, and does not send them again', async () => {
    const db = freshDb();
    // Not an accepted type (small: batch path); a JPEG without its end (large: chunk path, refused when complete).
    const text = new TextEncoder().encode('<html>not a photo</html>'.repeat(40));
    const truncated = jpeg(100_000).slice(0, 99_000);
    const good = jpeg(6000);
    await db.blobs.bulkPut([row('thumb', text, 1, 'c1'), row('photo', truncated, 2, 'c1'), row('thumb', good, 3, 'c2')]);
    const c = client();
    const { u } = uploader(db, c);
    await u.start();
    await until(() => (u.progress.value.refused ?? []).length === 2, 'two refusals shown');
    await u.idle();
    expect((await db.blobs.get(sha(good)))!.state).toBe('sent');
    const refused = (await db.blobs.where('state').equals('unsent').toArray()) as OutboxRecord[];
    expect(refused.map((r) => [r.kind, r.refused]).sort()).toEqual([
      ['photo', 'corrupt_blob'],
      ['thumb', 'unsupported_type'],
    ]);
    expect(u.progress.value).toMatchObject({ photos: 0, clips: 0 });
    const n = c.reqs.length;
    await u.kick();
    await new Promise((r) => setTimeout(r, 300));
    expect(c.reqs.length).toBe(n);
  });

  it('moves the blobs an event names from draft into the outbox with the case id', async () => {
    const db = freshDb();
    const [full, thumb, voice, other] = [jpeg(70_000), jpeg(5000), webm(9000), jpeg(4000)];
    await db.blobs.bulkPut([row('photo', full, 1, '', 'draft'), row('thumb', thumb, 1, '', 'draft'), row('voice', voice, 1, '', 'draft'), row('thumb', other, 1, '', 'draft')]);
    const event = { type: 'reported', caseId: 'case-9', data: { photos: [{ full: sha(full), thumb: sha(thumb) }], voice: { hash: sha(voice), seconds: 4 } } } as unknown as CaseEvent;
    expect(await attachBlobs(db, [event], 99)).toBe(3);
    expect((await db.blobs.where('state').equals('unsent').toArray()).map((r) => [r.hash, r.caseId]).sort()).toEqual(
      [
        [sha(full), 'case-9'],
        [sha(thumb), 'case-9'],
        [sha(voice), 'case-9'],
      ].sort(),
    );
    expect((await db.blobs.get(sha(other)))!.state).toBe('draft');
  });

  it("issue 17: a check-in's photos (recordBlobHashes) move from draft into the outbox with no case, and count as waiting", async () => {
    const db = freshDb();
    const [full, thumb, other] = [jpeg(60_000), jpeg(4000), jpeg(3000)];
    await db.blobs.bulkPut([row('photo', full, 1, '', 'draft'), row('thumb', thumb, 1, '', 'draft'), row('thumb', other, 1, '', 'draft')]);
    const checkin = {
      id: '01JE0000000000000000000001',
      type: 'checkin_recorded',
      actor: 'w0001',
      at: '1764000000000:0000:n1',
      data: { patrolId: '01JE0000000000000000000000', fix: { lat: 41.2, lng: 122, accuracyM: 9, fixMs: Date.UTC(2026, 0, 1) }, photos: [{ full: sha(full), thumb: sha(thumb) }] },
    };
    const hashes = recordBlobHashes('patrols', checkin);
    expect(hashes).toEqual([sha(thumb), sha(full)]);
    expect(await attachHashes(db, hashes.map((h) => [h, undefined] as const), 99)).toBe(2);
    const rows = await db.blobs.toArray();
    expect(rows.filter((r) => r.state === 'unsent').map((r) => r.hash).sort()).toEqual([sha(full), sha(thumb)].sort());
    expect(rows.every((r) => !r.caseId)).toBe(true);
    expect((await db.blobs.get(sha(other)))!.state).toBe('draft');
    expect(progressOf(rows)).toMatchObject({ photos: 1, bytes: full.length + thumb.length });
  });
});

describe('the uploader over quota', () => {
  it('backs off and retries on 413 quota_exceeded, never records it as a refusal', async () => {
    const small = await startTestServer({ blobQuotaBytes: 100_000 });
    try {
      const t = await login(small.url, 'w0001');
      const db = freshDb();
      const photo = jpeg(150_000);
      await db.blobs.put(row('photo', photo, 1));
      const reqs: Array<{ status: number; error?: string }> = [];
      const u = new Uploader({
        db,
        fetch: async (path, init) => {
          const res = await globalThis.fetch(`${small.url}${path}`, { method: init?.method ?? 'GET', ...(init?.body ? { body: init.body as Uint8Array<ArrayBuffer> } : {}), headers: { ...init?.headers, authorization: `Bearer ${t}` } });
          const copy = res.clone();
          reqs.push({ status: res.status, ...(res.status >= 400 ? { error: ((await copy.json().catch(() => ({}))) as { error?: string }).error } : {}) });
          return res;
        },
        online: () => true,
        unauthorized: () => {},
        paused: () => false,
        backoffMs: { min: 20, max: 40 },
      });
      uploaders.push(u);
      await u.start();
      await until(() => reqs.filter((r) => r.error === 'quota_exceeded').length >= 3, 'retried after quota_exceeded');
      const r = (await db.blobs.get(sha(photo))) as OutboxRecord;
      expect(r.state).toBe('unsent');
      expect(r.refused).toBeUndefined();
      expect(u.progress.value.photos).toBe(1);
      expect(u.progress.value.refused).toEqual([]);
    } finally {
      for (const u of uploaders.splice(0)) await u.stop();
      await small.stop();
    }
  });
});
