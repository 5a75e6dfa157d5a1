// Issue 12: photo and voice blobs on a real relay (port 0, real HTTP): resumable chunked upload and its cut,
// refusals that store nothing, the read rule (owners and readers of a case that names the blob; 404 otherwise),
// quota, GC after the grace period, idempotent and second-user uploads, batches, and the after-photo rule of a plan
// through the HTTP API.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../server/app.ts';
import { demoPhotoBlobs } from '../../server/demo/photos.ts';
import { quietLogger } from '../../server/log.ts';
import { newId } from '../../src/domain/ids.ts';
import type { OrgData } from '../../src/domain/org.ts';
import { BLOBS_PATH, CHUNK_BYTES, encodeBatch } from '../../src/protocol/blobs.ts';
import { townUnit, unitUser } from '../support/county.ts';
import { blobFiles, cutBatch, cutPut, getBlob, hungPut, jpeg, png, putChunk, sha, status, until, upload } from './blob-harness.ts';
import { Actor, api, casesDoc, FIXTURE_ORG, login, seedFixture, startTestServer, SyncClient, tempDir, USERS, type TestServer } from './relay-harness.ts';

const DAY = 86_400_000;
/** The fixture county plus a plan that requires an after-photo and a town unit of the other town. */
const ORG: OrgData = {
  ...FIXTURE_ORG,
  plans: [
    ...FIXTURE_ORG.plans,
    { id: 'P002', category: '0101', name: '矛盾纠纷多部门联动处置预案', priority: 'high', dueHours: 24, unitIds: ['u001'], steps: ['了解情况'], afterPhoto: true },
  ],
  units: [...FIXTURE_ORG.units, townUnit('u003', '二镇派出所', 't02', ['01'])],
  users: [...FIXTURE_ORG.users, unitUser('u003', '二镇派出所', 't02')],
};
const WHO = ['w0001', 'w0002', 'town01', 'town02', 'unit001', 'unit003', 'resident01', 'trainer01', 'county'] as const;
const report = { category: '0101', description: '路灯损坏，夜间无照明', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001' };

let server: TestServer;
let base: string;
const clock = Date.now();
const tokens: Record<string, string> = {};
const tmp = tempDir('gridlink-blobs-');

beforeAll(async () => {
  await seedFixture(tmp.dir, [], ORG);
  server = await startTestServer({ dataDir: tmp.dir, seed: false, now: () => clock, blobQuotaBytes: 2 * 1024 * 1024 });
  base = server.url;
  for (const u of WHO) tokens[u] = await login(base, u);
});
afterAll(async () => {
  await server?.stop();
  tmp.remove();
});

const onDisk = (hash: string) => blobFiles(tmp.dir).stored.includes(hash);
const partialsOf = (hash: string) => blobFiles(tmp.dir).partial.filter((f) => f.startsWith(hash));

describe('chunked upload', () => {
  it('resumes after a cut from what the relay holds, past the last answer, and serves the bytes once complete', async () => {
    const bytes = jpeg(150_000);
    const hash = sha(bytes);
    const token = tokens.w0001!;
    expect(await status(base, token, hash)).toEqual({ hash, offset: 0, complete: false });
    const first = await putChunk(base, token, hash, bytes, 0, CHUNK_BYTES - 1);
    expect(first).toMatchObject({ status: 200, body: { hash, offset: CHUNK_BYTES, complete: false } });

    // The link drops 30,000 bytes into the second chunk: those bytes are kept (fsynced) all the same.
    await cutPut(base, token, hash, bytes, CHUNK_BYTES, 2 * CHUNK_BYTES - 1, 30_000);
    const resumed = await until(() => status(base, token, hash), (s) => s.offset > CHUNK_BYTES, 'status after the cut');
    expect(resumed).toEqual({ hash, offset: CHUNK_BYTES + 30_000, complete: false });
    expect(partialsOf(hash)).toHaveLength(1);
    expect(readFileSync(join(tmp.dir, 'blobs', 'partial', partialsOf(hash)[0]!))).toEqual(Buffer.from(bytes.subarray(0, CHUNK_BYTES + 30_000)));

    // Starting again at the last answered offset is refused with where to continue.
    const stale = await putChunk(base, token, hash, bytes, CHUNK_BYTES, 2 * CHUNK_BYTES - 1);
    expect(stale).toMatchObject({ status: 409, body: { error: 'offset_mismatch', offset: CHUNK_BYTES + 30_000 } });

    const done = await upload(base, token, bytes, hash, resumed.offset);
    expect(done).toMatchObject({ status: 201, body: { hash, offset: bytes.length, complete: true, size: bytes.length, type: 'image/jpeg' } });
    expect(onDisk(hash)).toBe(true);
    expect(partialsOf(hash)).toEqual([]);
    expect(readFileSync(join(tmp.dir, 'blobs', hash.slice(0, 2), hash))).toEqual(Buffer.from(bytes));

    const got = await getBlob(base, token, hash);
    expect(got.status).toBe(200);
    expect(got.bytes).toEqual(bytes);
    expect(got.headers.get('content-type')).toBe('image/jpeg');
    expect(got.headers.get('content-length')).toBe(String(bytes.length));
    expect(got.headers.get('etag')).toBe(`"${hash}"`);
    expect(got.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    const again = await getBlob(base, token, hash, { 'if-none-match': `"${hash}"` });
    expect(again.status).toBe(304);
    expect(again.bytes.length).toBe(0);
  });

  it('cuts a request left hanging when the client sends the chunk again, keeping its bytes', async () => {
    const bytes = jpeg(100_000);
    const hash = sha(bytes);
    const token = tokens.w0002!;
    const hung = hungPut(base, token, hash, bytes, 0, CHUNK_BYTES - 1, 20_000);
    await hung.written;
    await new Promise((r) => setTimeout(r, 100));
    // The device's link dropped without the relay noticing; it asks again from what was confirmed (nothing).
    const retry = await putChunk(base, token, hash, bytes, 0, CHUNK_BYTES - 1);
    expect(retry).toMatchObject({ status: 409, body: { error: 'offset_mismatch', offset: 20_000 } });
    await hung.closed;
    expect((await upload(base, token, bytes, hash, 20_000)).status).toBe(201);
    expect((await getBlob(base, token, hash)).bytes).toEqual(bytes);
  });

  it('is idempotent by hash: a second upload by the owner is answered complete at once', async () => {
    const bytes = png(1);
    const hash = sha(bytes);
    expect((await upload(base, tokens.w0001!, bytes)).status).toBe(201);
    const before = blobFiles(tmp.dir);
    const again = await upload(base, tokens.w0001!, bytes);
    expect(again).toMatchObject({ status: 201, body: { hash, complete: true, size: bytes.length, type: 'image/png' } });
    expect(blobFiles(tmp.dir)).toEqual(before);
  });

  it('makes a second user send the whole blob (no existence oracle) before they own it', async () => {
    const bytes = jpeg(90_000);
    const hash = sha(bytes);
    expect((await upload(base, tokens.w0001!, bytes)).status).toBe(201);
    // Another user: the relay does not say it has these bytes, and does not serve them.
    expect(await status(base, tokens.w0002!, hash)).toEqual({ hash, offset: 0, complete: false });
    expect((await getBlob(base, tokens.w0002!, hash)).status).toBe(404);
    const part = await putChunk(base, tokens.w0002!, hash, bytes, 0, CHUNK_BYTES - 1);
    expect(part).toMatchObject({ status: 200, body: { offset: CHUNK_BYTES, complete: false } });
    // Wrong bytes for the rest are refused even though the blob is stored.
    const wrong = bytes.slice();
    wrong[80_000] = wrong[80_000]! ^ 0xff;
    expect((await putChunk(base, tokens.w0002!, hash, wrong, CHUNK_BYTES, bytes.length - 1)).body).toEqual({ error: 'hash_mismatch' });
    expect(await status(base, tokens.w0002!, hash)).toEqual({ hash, offset: 0, complete: false });
    expect((await upload(base, tokens.w0002!, bytes)).status).toBe(201);
    expect((await getBlob(base, tokens.w0002!, hash)).bytes).toEqual(bytes);
    expect(blobFiles(tmp.dir).stored.filter((h) => h === hash)).toHaveLength(1);
  });
});

describe('refusals: a clear error and nothing stored', () => {
  const nothingOf = async (hash: string) => {
    expect(onDisk(hash)).toBe(false);
    expect(partialsOf(hash)).toEqual([]);
    expect(await status(base, tokens.w0001!, hash)).toEqual({ hash, offset: 0, complete: false });
    expect((await getBlob(base, tokens.w0001!, hash)).status).toBe(404);
  };

  it('corrupt: a JPEG without its end-of-image marker (422 corrupt_blob)', async () => {
    const bytes = jpeg(5000);
    bytes[4998] = 0x12;
    bytes[4999] = 0x34;
    const hash = sha(bytes);
    expect(await upload(base, tokens.w0001!, bytes)).toMatchObject({ status: 422, body: { error: 'corrupt_blob' } });
    await nothingOf(hash);
  });

  it('truncated: the first part of a real PNG, named and sized as itself (422 corrupt_blob)', async () => {
    const bytes = png(2, 64).subarray(0, 300);
    const hash = sha(bytes);
    expect(await upload(base, tokens.w0001!, bytes)).toMatchObject({ status: 422, body: { error: 'corrupt_blob' } });
    await nothingOf(hash);
  });

  it('hash mismatch: bytes that are not the named blob (422), also across chunks', async () => {
    const bytes = jpeg(100_000);
    const named = sha(jpeg(100_000));
    expect((await putChunk(base, tokens.w0001!, named, bytes, 0, CHUNK_BYTES - 1)).status).toBe(200);
    expect(await putChunk(base, tokens.w0001!, named, bytes, CHUNK_BYTES, bytes.length - 1)).toMatchObject({ status: 422, body: { error: 'hash_mismatch' } });
    await nothingOf(named);
  });

  it('oversized: refused from the declared total before the body is read (413 too_large)', async () => {
    const bytes = jpeg(1000);
    const hash = sha(bytes);
    const r = await putChunk(base, tokens.w0001!, hash, bytes, 0, 999, 5 * 1024 * 1024);
    expect(r).toMatchObject({ status: 413, body: { error: 'too_large' } });
    // A chunk above CHUNK_BYTES, too.
    const big = jpeg(CHUNK_BYTES + 10);
    expect(await putChunk(base, tokens.w0001!, sha(big), big, 0, big.length - 1)).toMatchObject({ status: 413, body: { error: 'too_large' } });
    await nothingOf(hash);
    await nothingOf(sha(big));
  });

  it('a renamed non-image: text sent as photo.jpg with an image header is refused at its first chunk (415)', async () => {
    const bytes = new Uint8Array(Buffer.from('#!/bin/sh\necho not a photo\n'.repeat(3000)));
    const hash = sha(bytes);
    const res = await fetch(`${base}${BLOBS_PATH}/${hash}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${tokens.w0001}`, 'content-type': 'image/jpeg', 'content-disposition': 'attachment; filename="photo.jpg"', 'content-range': `bytes 0-${CHUNK_BYTES - 1}/${bytes.length}` },
      body: bytes.slice(0, CHUNK_BYTES),
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ error: 'unsupported_type' });
    await nothingOf(hash);
  });

  it('zero bytes: a range of total 0 (422 empty_blob), and malformed ranges (400 bad_range)', async () => {
    const empty = sha(new Uint8Array(0));
    const r = await fetch(`${base}${BLOBS_PATH}/${empty}`, { method: 'PUT', headers: { authorization: `Bearer ${tokens.w0001}`, 'content-range': 'bytes */0' }, body: new Uint8Array(0) });
    expect(r.status).toBe(422);
    expect(await r.json()).toEqual({ error: 'empty_blob' });
    await nothingOf(empty);
    const bytes = jpeg(2000);
    const hash = sha(bytes);
    for (const range of ['bytes 10-5/2000', 'bytes 0-99/50', 'items 0-9/2000', '']) {
      const bad = await fetch(`${base}${BLOBS_PATH}/${hash}`, { method: 'PUT', headers: { authorization: `Bearer ${tokens.w0001}`, 'content-range': range }, body: bytes.slice(0, 10) });
      expect(bad.status, range).toBe(400);
      expect(await bad.json()).toEqual({ error: 'bad_range' });
    }
    // A body longer than its range: none of it is kept.
    const long = await fetch(`${base}${BLOBS_PATH}/${hash}`, { method: 'PUT', headers: { authorization: `Bearer ${tokens.w0001}`, 'content-range': 'bytes 0-99/2000' }, body: bytes.slice(0, 500) });
    expect(long.status).toBe(400);
    await nothingOf(hash);
  });

  it('a full disk: 507 insufficient_storage, the upload where it was, and it resumes once there is room', async () => {
    const bytes = jpeg(100_000);
    const hash = sha(bytes);
    const token = tokens.w0001!;
    expect((await putChunk(base, token, hash, bytes, 0, CHUNK_BYTES - 1)).status).toBe(200);
    const blobs = server.blobs;
    const open = blobs.openPartial.bind(blobs);
    blobs.openPartial = async (user, h) => {
      const w = await open(user, h);
      w.append = () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
      return w;
    };
    try {
      const full = await putChunk(base, token, hash, bytes, CHUNK_BYTES, bytes.length - 1);
      expect(full).toMatchObject({ status: 507, body: { error: 'insufficient_storage' } });
    } finally {
      blobs.openPartial = open;
    }
    expect(await status(base, token, hash)).toEqual({ hash, offset: CHUNK_BYTES, complete: false });
    expect(readFileSync(join(tmp.dir, 'blobs', 'partial', partialsOf(hash)[0]!)).length).toBe(CHUNK_BYTES);
    expect((await upload(base, token, bytes, hash, CHUNK_BYTES)).status).toBe(201);
  });

  it('asks for a token and a hash-shaped name', async () => {
    const bytes = png(3);
    expect((await fetch(`${base}${BLOBS_PATH}/${sha(bytes)}`, { method: 'PUT', headers: { 'content-range': `bytes 0-${bytes.length - 1}/${bytes.length}` }, body: bytes })).status).toBe(401);
    expect((await fetch(`${base}${BLOBS_PATH}/${sha(bytes)}`)).status).toBe(401);
    expect((await putChunk(base, tokens.w0001!, 'ABC', bytes, 0, bytes.length - 1)).status).toBe(400);
    await nothingOf(sha(bytes));
  });
});

describe('POST /api/blobs (batch)', () => {
  it('stores each good frame and refuses the bad one by itself', async () => {
    const a = png(10);
    const bad = png(11);
    const c = jpeg(3000);
    const text = new Uint8Array(Buffer.from('hello, not an image at all'));
    const body = new Uint8Array(encodeBatch([
      { hash: sha(a), bytes: a },
      { hash: sha(png(12)), bytes: bad },
      { hash: sha(text), bytes: text },
      { hash: sha(new Uint8Array(0)), bytes: new Uint8Array(0) },
      { hash: sha(c), bytes: c },
    ]));
    const res = await fetch(base + BLOBS_PATH, { method: 'POST', headers: { authorization: `Bearer ${tokens.w0001}` }, body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      results: [
        { hash: sha(a), complete: true },
        { hash: sha(png(12)), error: 'hash_mismatch' },
        { hash: sha(text), error: 'unsupported_type' },
        { hash: sha(new Uint8Array(0)), error: 'empty_blob' },
        { hash: sha(c), complete: true },
      ],
    });
    expect(onDisk(sha(a)) && onDisk(sha(c))).toBe(true);
    expect(onDisk(sha(bad)) || onDisk(sha(png(12))) || onDisk(sha(text))).toBe(false);
    expect((await getBlob(base, tokens.w0001!, sha(c))).bytes).toEqual(c);
    expect(await status(base, tokens.w0001!, sha(a))).toMatchObject({ complete: true, type: 'image/png' });
  });

  it('keeps the frames that arrived whole when the link drops mid-batch', async () => {
    const frames = [png(90), png(91), jpeg(4000)];
    const body = encodeBatch(frames.map((bytes) => ({ hash: sha(bytes), bytes })));
    const cutAt = body.length - 1000;
    await cutBatch(base, tokens.w0001!, body, cutAt);
    await until(async () => onDisk(sha(frames[1]!)), Boolean, 'the second frame stored');
    expect(onDisk(sha(frames[0]!))).toBe(true);
    expect(onDisk(sha(frames[2]!))).toBe(false);
    expect(await status(base, tokens.w0001!, sha(frames[2]!))).toEqual({ hash: sha(frames[2]!), offset: 0, complete: false });
    expect(blobFiles(tmp.dir).partial.filter((f) => f.startsWith(sha(frames[2]!)))).toEqual([]);
  });

  it('refuses a batch above BATCH_BYTES from its declared length (413)', async () => {
    const res = await fetch(base + BLOBS_PATH, { method: 'POST', headers: { authorization: `Bearer ${tokens.w0001}` }, body: new Uint8Array(CHUNK_BYTES + 100) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'too_large' });
  });
});

describe('who may read a blob', () => {
  it('does not open a blob to an insider who names its hash in a case of their own town', async () => {
    const full = jpeg(12_000);
    expect((await upload(base, tokens.w0001!, full)).status).toBe(201);
    const photo = { full: sha(full), thumb: sha(full) };
    expect((await api(base, '/api/cases', { token: tokens.w0001, body: { ...report, photos: [photo] } })).status).toBe(201);
    // w0002 (town t02) saw the hash somewhere (a URL in a log) and reports a case of their own naming it: accepted
    // as an event, but it opens nothing, neither to them nor to their town's center.
    const other = { ...report, gridId: 'g0002', location: { lat: 41.2, lng: 122.1 } };
    expect((await api(base, '/api/cases', { token: tokens.w0002, body: { ...other, photos: [photo] } })).status).toBe(201);
    for (const who of ['w0002', 'town02', 'unit003']) expect((await getBlob(base, tokens[who]!, photo.full)).status, who).toBe(404);
    expect((await getBlob(base, tokens.town01!, photo.full)).status).toBe(200);
    // Once w0002 has the bytes themselves (uploads them: no secret left), their case shows them to town02.
    expect((await upload(base, tokens.w0002!, full)).status).toBe(201);
    expect((await getBlob(base, tokens.town02!, photo.full)).status).toBe(200);
  });

  it('takes a voice note with a report over HTTP and serves it as audio to the town center', async () => {
    const clip = new Uint8Array(randomBytes(3000));
    clip.set(Buffer.from('OggS'));
    expect(await upload(base, tokens.w0001!, clip)).toMatchObject({ status: 201, body: { type: 'audio/ogg' } });
    const voice = { hash: sha(clip), seconds: 12 };
    const made = await api(base, '/api/cases', { token: tokens.w0001, body: { ...report, voice } });
    expect(made.status).toBe(201);
    expect((made.body as { voice: unknown }).voice).toEqual(voice);
    const got = await getBlob(base, tokens.town01!, voice.hash);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('audio/ogg');
    expect((await getBlob(base, tokens.town02!, voice.hash)).status).toBe(404);
    // A voice note longer than a minute, or photos that are not hashes, are refused before anything is written.
    expect((await api(base, '/api/cases', { token: tokens.w0001, body: { ...report, voice: { ...voice, seconds: 61 } } })).status).toBe(400);
    expect((await api(base, '/api/cases', { token: tokens.w0001, body: { ...report, photos: [{ full: 'x', thumb: 'y' }] } })).status).toBe(400);
  });

  it('serves a report photo to the owner, the center of its town, the unit it was dispatched to; 404 to others', async () => {
    const full = jpeg(20_000);
    const thumb = png(20);
    for (const b of [full, thumb]) expect((await upload(base, tokens.w0001!, b)).status).toBe(201);
    const photo = { full: sha(full), thumb: sha(thumb) };
    // Not named by any case yet: only the uploader reads it.
    expect((await getBlob(base, tokens.town01!, photo.full)).status).toBe(404);
    const made = await api(base, '/api/cases', { token: tokens.w0001, body: { ...report, photos: [photo] } });
    expect(made.status).toBe(201);
    const id = (made.body as { id: string; photos: unknown[] }).id;
    expect((made.body as { photos: unknown[] }).photos).toEqual([photo]);

    for (const who of ['w0001', 'town01', 'county', 'unit001']) expect((await getBlob(base, tokens[who]!, photo.full)).status, who).toBe(200);
    expect((await getBlob(base, tokens.town01!, photo.thumb)).bytes).toEqual(thumb);
    // Another town's worker, center and town unit; a resident who did not report it; a trainer (no case docs).
    for (const who of ['w0002', 'town02', 'unit003', 'resident01', 'trainer01']) {
      const r = await getBlob(base, tokens[who]!, photo.full);
      expect(r.status, who).toBe(404);
      expect(new TextDecoder().decode(r.bytes)).toBe('{"error":"not_found"}');
    }
    // The same answer as for a hash nobody stored.
    expect((await getBlob(base, tokens.w0002!, sha(jpeg(100)))).status).toBe(404);

    expect((await api(base, `/api/cases/${id}/commands`, { token: tokens.town01, body: { type: 'accept' } })).status).toBe(200);
    const dispatched = await api(base, `/api/cases/${id}/commands`, { token: tokens.town01, body: { type: 'dispatch', unitId: 'u001', planId: 'P001' } });
    expect(dispatched.status).toBe(200);
    expect((await getBlob(base, tokens.unit001!, photo.full)).status).toBe(200);
  });

  it('indexes photos that arrive over websocket sync, and serves a resident the photos of their own report', async () => {
    const full = jpeg(8000);
    const thumb = png(30);
    for (const b of [full, thumb]) expect((await upload(base, tokens.w0001!, b)).status).toBe(201);
    const photo = { full: sha(full), thumb: sha(thumb) };
    const actor = new Actor(USERS.w0001);
    const caseId = newId(Date.now(), (n) => new Uint8Array(n).fill(7));
    const { event } = actor.act(null, caseId, { type: 'report', ...report, townId: 't01', photos: [photo] });
    const device = new SyncClient(server.wsBase, casesDoc('t01', clock), tokens.w0001!);
    try {
      await device.synced();
      device.append(event);
      await device.allSaved('report with a photo');
    } finally {
      device.destroy();
    }
    expect((await getBlob(base, tokens.town01!, photo.full)).status).toBe(200);
    expect((await getBlob(base, tokens.town02!, photo.full)).status).toBe(404);

    // A resident reports over HTTP with their own photo; the unit's after-photo is theirs to see too.
    const mine = png(31);
    expect((await upload(base, tokens.resident01!, mine)).status).toBe(201);
    const made = await api(base, '/api/cases', { token: tokens.resident01, body: { ...report, photos: [{ full: sha(mine), thumb: sha(mine) }] } });
    expect(made.status).toBe(201);
    const id = (made.body as { id: string }).id;
    const after = await walkToResolve(id, 'P001');
    const fix = jpeg(6000);
    expect((await upload(base, tokens.unit001!, fix)).status).toBe(201);
    expect((await getBlob(base, tokens.resident01!, sha(fix))).status).toBe(404);
    const resolved = await api(base, `/api/cases/${after}/commands`, { token: tokens.unit001, body: { type: 'resolve', note: '已修复', photos: [{ full: sha(fix), thumb: sha(fix) }], location: { lat: 41.1202, lng: 122.0701 } } });
    expect(resolved.status).toBe(200);
    expect((await getBlob(base, tokens.resident01!, sha(fix))).status).toBe(200);
    // The reporter's view of the case names the after-photo (the proof of the fix), without the unit's position.
    const seen = (await api(base, `/api/cases/${id}`, { token: tokens.resident01 })).body as { afterPhotos?: unknown; fixLocation?: unknown; timeline: Array<{ event: { type: string; data: object } }> };
    expect(seen.afterPhotos).toEqual([{ full: sha(fix), thumb: sha(fix) }]);
    expect(seen.fixLocation).toBeUndefined();
    expect(seen.timeline.find((t) => t.event.type === 'resolved')!.event.data).toEqual({ note: '已修复', photos: [{ full: sha(fix), thumb: sha(fix) }] });
    expect((await getBlob(base, tokens.w0002!, sha(fix))).status).toBe(404);
  });
});

/** accept, dispatch to u001 with `planId`, acknowledge, start: ready for `resolve`. */
async function walkToResolve(id: string, planId: string): Promise<string> {
  for (const [who, body] of [
    ['town01', { type: 'accept' }],
    ['town01', { type: 'dispatch', unitId: 'u001', planId }],
    ['unit001', { type: 'acknowledge' }],
    ['unit001', { type: 'start' }],
  ] as const) {
    const r = await api(base, `/api/cases/${id}/commands`, { token: tokens[who], body });
    expect(r.status, `${who} ${body.type} ${JSON.stringify(r.body)}`).toBe(200);
  }
  return id;
}

describe('the after-photo rule of a plan, through the HTTP API', () => {
  it('refuses resolve without a photo (photo_required) and accepts it with one', async () => {
    const made = await api(base, '/api/cases', { token: tokens.w0001, body: report });
    const id = await walkToResolve((made.body as { id: string }).id, 'P002');
    const bare = await api(base, `/api/cases/${id}/commands`, { token: tokens.unit001, body: { type: 'resolve', note: '已处理' } });
    expect(bare).toMatchObject({ status: 400, body: { error: 'photo_required' } });
    const fix = jpeg(7000);
    const thumb = png(40);
    for (const b of [fix, thumb]) expect((await upload(base, tokens.unit001!, b)).status).toBe(201);
    const photos = [{ full: sha(fix), thumb: sha(thumb) }];
    const ok = await api(base, `/api/cases/${id}/commands`, { token: tokens.unit001, body: { type: 'resolve', note: '已处理', photos, location: { lat: 41.1201, lng: 122.0702 } } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'resolved', afterPhotos: photos });
    expect((await getBlob(base, tokens.w0001!, sha(fix))).status).toBe(200);
  });
});

describe('quota', () => {
  it('refuses an upload that would pass the quota (owned blobs + partial uploads) with 413 quota_exceeded', async () => {
    const q = tempDir('gridlink-quota-');
    await seedFixture(q.dir, [], ORG);
    const small = await startTestServer({ dataDir: q.dir, seed: false, blobQuotaBytes: 200_000 });
    try {
      const token = await login(small.url, 'w0001');
      expect((await upload(small.url, token, jpeg(120_000))).status).toBe(201);
      // 60,000 more would fit; a partial of 64 KiB of a 70,000-byte blob counts while it is unfinished.
      const b = jpeg(70_000);
      expect((await putChunk(small.url, token, sha(b), b, 0, CHUNK_BYTES - 1)).status).toBe(200);
      const c = jpeg(20_000);
      expect(await upload(small.url, token, c)).toMatchObject({ status: 413, body: { error: 'quota_exceeded' } });
      expect(blobFiles(q.dir).stored).not.toContain(sha(c));
      expect(blobFiles(q.dir).partial.filter((f) => f.startsWith(sha(c)))).toEqual([]);
      // The quota is per user: another user still uploads.
      expect((await upload(small.url, await login(small.url, 'w0002'), c)).status).toBe(201);
      // Batches count too.
      const d = png(50);
      const res = await fetch(small.url + BLOBS_PATH, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: new Uint8Array(encodeBatch([{ hash: sha(c), bytes: c }, { hash: sha(d), bytes: d }])) });
      expect(await res.json()).toEqual({ results: [{ hash: sha(c), error: 'quota_exceeded' }, { hash: sha(d), complete: true }] });
    } finally {
      await small.stop();
      q.remove();
    }
  });
});

describe('GC', () => {
  it('deletes a blob no case names after the grace period, and stale partial uploads; keeps named ones', async () => {
    const g = tempDir('gridlink-gc-');
    await seedFixture(g.dir, [], ORG);
    let now = Date.now();
    let relay = await startTestServer({ dataDir: g.dir, seed: false, now: () => now, blobGraceMs: 7 * DAY });
    try {
      let token = await login(relay.url, 'w0001');
      const named = jpeg(5000);
      const loose = jpeg(6000);
      const half = jpeg(100_000);
      for (const b of [named, loose]) expect((await upload(relay.url, token, b)).status).toBe(201);
      expect((await putChunk(relay.url, token, sha(half), half, 0, CHUNK_BYTES - 1)).status).toBe(200);
      const made = await api(relay.url, '/api/cases', { token, body: { ...report, photos: [{ full: sha(named), thumb: sha(named) }] } });
      expect(made.status).toBe(201);

      // Within the grace period nothing goes.
      now += 6 * DAY;
      expect(relay.blobs.collect()).toEqual({ blobs: 0, partials: 0 });
      now += 2 * DAY;
      expect(relay.blobs.collect()).toEqual({ blobs: 1, partials: 1 });
      token = await login(relay.url, 'w0001'); // the first token expired on the way
      expect(blobFiles(g.dir)).toEqual({ stored: [sha(named)], partial: [] });
      expect((await getBlob(relay.url, token, sha(loose))).status).toBe(404);
      expect((await getBlob(relay.url, token, sha(named))).status).toBe(200);
      expect(await status(relay.url, token, sha(half))).toMatchObject({ offset: 0 });

      // At startup too: an unreferenced blob uploaded now is gone after a restart past the grace period.
      const later = png(60);
      expect((await upload(relay.url, token, later)).status).toBe(201);
      await relay.close();
      now += 8 * DAY;
      relay = await startTestServer({ dataDir: g.dir, seed: false, now: () => now, blobGraceMs: 7 * DAY });
      expect(blobFiles(g.dir).stored).toEqual([sha(named)]);
    } finally {
      await relay.close();
      g.remove();
    }
  });
});

describe('the demo county', () => {
  it('stores its seeded after-photos: the resolves of plans that require one are served to the town center, not to another town', async () => {
    const d = tempDir('gridlink-demo-blobs-');
    const demo = await startServer({ dataDir: d.dir, port: 0, host: '127.0.0.1', demo: true, log: quietLogger, staticDir: join(d.dir, 'no-dist') });
    try {
      const stored = blobFiles(d.dir).stored;
      expect(stored.sort()).toEqual(demoPhotoBlobs().map(sha).sort());
      // A resolved case of a photo plan in town t01, found through the API as the town center sees it.
      const row = demo.store.db
        .prepare<[], { doc: string; case_id: string; hash: string }>("SELECT doc, case_id, hash FROM blob_refs WHERE doc LIKE 'cases.t01.%' LIMIT 1")
        .get();
      expect(row).toBeDefined();
      const town01 = await login(demo.url, 'town01', 'demo');
      const c = await api(demo.url, `/api/cases/${row!.case_id}`, { token: town01 });
      expect(c.status).toBe(200);
      expect((c.body as { afterPhotoRequired?: boolean }).afterPhotoRequired).toBe(true);
      expect((await getBlob(demo.url, town01, row!.hash)).status).toBe(200);
      // A town none of whose cases names this photo: its center gets 404, as for a blob that does not exist.
      const towns = demo.store.db.prepare<[string], { doc: string }>('SELECT DISTINCT doc FROM blob_refs WHERE hash = ?').all(row!.hash).map((r) => r.doc.split('.')[1]);
      const outside = Array.from({ length: 13 }, (_, i) => `t${String(i + 1).padStart(2, '0')}`).find((t) => !towns.includes(t));
      if (outside) expect((await getBlob(demo.url, await login(demo.url, `town${outside.slice(1)}`, 'demo'), row!.hash)).status).toBe(404);
      expect((await getBlob(demo.url, town01, sha(jpeg(50)))).status).toBe(404);
    } finally {
      await demo.close();
      d.remove();
    }
  });
});

describe('OpenAPI', () => {
  it('describes the blob routes and how to attach evidence (upload first, then reference hashes)', async () => {
    const r = await api(base, '/api/openapi.json');
    const doc = r.body as { info: { description: string }; paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/blobs/{hash}']!).sort()).toEqual(['get', 'put']);
    expect(Object.keys(doc.paths['/api/blobs/{hash}/upload']!)).toEqual(['get']);
    expect(Object.keys(doc.paths['/api/blobs']!)).toEqual(['post']);
    expect(doc.info.description).toMatch(/upload the bytes first/);
    expect(JSON.stringify(doc.paths['/api/cases'])).toContain('"photos"');
  });
});
