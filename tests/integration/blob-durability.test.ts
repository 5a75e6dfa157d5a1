// Issue 12: `kill -9` of the real relay process (server/main.ts as a child) during an upload loses no confirmed
// byte: the upload resumes from at least the last confirmed offset and completes; a completed blob survives.
// And the start-up reconcile puts disk and rows back in agreement after a crash between the steps of a store.
import { copyFileSync, existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobStore, BLOB_REFS_META, migrateBlobRefs } from '../../server/blobs.ts';
import { quietLogger } from '../../server/log.ts';
import { CHUNK_BYTES } from '../../src/protocol/blobs.ts';
import { blobFiles, cutPut, getBlob, jpeg, png, putChunk, sha, status, upload } from './blob-harness.ts';
import { Actor, api, casesDoc, login, openStore, seedFixture, spawnRelay, startTestServer, SyncClient, tempDir, USERS } from './relay-harness.ts';

const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const c of cleanups) c();
});

describe('kill -9 mid-upload', () => {
  it('keeps every confirmed byte: the upload resumes at or past the last answer and completes', async () => {
    const tmp = tempDir('gridlink-blobkill-');
    cleanups.push(tmp.remove);
    await seedFixture(tmp.dir);
    const bytes = jpeg(3 * CHUNK_BYTES + 5000);
    const hash = sha(bytes);
    const done = jpeg(20_000);

    let relay = await spawnRelay(tmp.dir);
    let token = await login(relay.url, 'w0001');
    try {
      expect((await upload(relay.url, token, done)).status).toBe(201);
      for (let at = 0; at < 2 * CHUNK_BYTES; at += CHUNK_BYTES) {
        expect((await putChunk(relay.url, token, hash, bytes, at, at + CHUNK_BYTES - 1)).body).toMatchObject({ offset: at + CHUNK_BYTES });
      }
      // The third chunk is in flight when the process dies.
      const cut = cutPut(relay.url, token, hash, bytes, 2 * CHUNK_BYTES, 3 * CHUNK_BYTES - 1, 20_000);
      await new Promise((r) => setTimeout(r, 60));
      relay.proc.kill('SIGKILL');
      await relay.exited;
      await cut;
    } finally {
      relay.proc.kill('SIGKILL');
    }

    relay = await spawnRelay(tmp.dir);
    try {
      token = await login(relay.url, 'w0001');
      const s = await status(relay.url, token, hash);
      expect(s.complete).toBe(false);
      expect(s.offset).toBeGreaterThanOrEqual(2 * CHUNK_BYTES);
      expect(s.offset).toBeLessThanOrEqual(2 * CHUNK_BYTES + 20_000);
      const finished = await upload(relay.url, token, bytes, hash, s.offset);
      expect(finished).toMatchObject({ status: 201, body: { complete: true, size: bytes.length } });
      expect((await getBlob(relay.url, token, hash)).bytes).toEqual(bytes);
      // The blob completed before the kill is still served.
      expect((await getBlob(relay.url, token, sha(done))).bytes).toEqual(done);
    } finally {
      relay.proc.kill('SIGTERM');
      await relay.exited;
    }
  });
});

describe('start-up reconcile', () => {
  it('adopts a stored file without its row, drops a row without its file and bad files, and completes a linked partial', async () => {
    const tmp = tempDir('gridlink-reconcile-');
    cleanups.push(tmp.remove);
    await seedFixture(tmp.dir);
    const kept = png(70);
    const lost = png(71);
    const linked = jpeg(9000);
    let relay = await startTestServer({ dataDir: tmp.dir, seed: false });
    const token = await login(relay.url, 'w0001');
    for (const b of [kept, lost, linked]) expect((await upload(relay.url, token, b)).status).toBe(201);
    await relay.close();

    const blobs = join(tmp.dir, 'blobs');
    const path = (h: string) => join(blobs, h.slice(0, 2), h);
    // A crash after the link but before the rows: the file is there, the rows are not; the partial is still there.
    const store = openStore(tmp.dir);
    store.db.prepare('DELETE FROM blobs WHERE hash = ?').run(sha(linked));
    store.db.prepare('DELETE FROM blob_owners WHERE hash = ?').run(sha(linked));
    store.close();
    copyFileSync(path(sha(linked)), join(blobs, 'partial', `${sha(linked)}-${Buffer.from('w0001').toString('hex')}`));
    // A row whose file is gone, and a file that is not what its name says.
    unlinkSync(path(sha(lost)));
    const forged = sha(png(72));
    mkdirSync(join(blobs, forged.slice(0, 2)), { recursive: true });
    writeFileSync(path(forged), png(73));

    relay = await startTestServer({ dataDir: tmp.dir, seed: false });
    try {
      const t = await login(relay.url, 'w0001');
      expect(blobFiles(tmp.dir).stored.sort()).toEqual([sha(kept), sha(linked)].sort());
      expect(blobFiles(tmp.dir).partial).toEqual([]);
      expect(existsSync(path(forged))).toBe(false);
      expect((await getBlob(relay.url, t, sha(kept))).bytes).toEqual(kept);
      // The partial's user owns the linked blob again: complete, and readable by them.
      expect(await status(relay.url, t, sha(linked))).toMatchObject({ complete: true, size: linked.length });
      expect((await getBlob(relay.url, t, sha(linked))).bytes).toEqual(linked);
      // The lost blob is unknown again: its owner may upload it anew.
      expect(await status(relay.url, t, sha(lost))).toMatchObject({ offset: 0, complete: false });
      expect((await upload(relay.url, t, lost)).status).toBe(201);
    } finally {
      await relay.close();
    }
  });

  it('indexes the blobs named by events stored before the index existed, once', async () => {
    const tmp = tempDir('gridlink-blobrefs-');
    cleanups.push(tmp.remove);
    await seedFixture(tmp.dir);
    const photo = png(80);
    const caseId = '01JD0000000000000000000000';
    const { event } = new Actor(USERS.w0001).act(null, caseId, {
      type: 'report',
      category: '0101',
      description: '旧报告',
      location: { lat: 41.12, lng: 122.07 },
      gridId: 'g0001',
      townId: 't01',
      photos: [{ full: sha(photo), thumb: sha(photo) }],
    });
    let relay = await startTestServer({ dataDir: tmp.dir, seed: false });
    const device = new SyncClient(relay.wsBase, casesDoc('t01'), await login(relay.url, 'w0001'));
    await device.synced();
    device.append(event);
    await device.allSaved();
    device.destroy();
    await relay.close();
    // As a store written before issue 12: no reference rows, no meta flag.
    const store = openStore(tmp.dir);
    store.db.exec('DELETE FROM blob_refs');
    store.db.prepare('DELETE FROM meta WHERE key = ?').run(BLOB_REFS_META);
    expect(migrateBlobRefs(store)).toEqual({ docs: 1, refs: 1 });
    expect(migrateBlobRefs(store)).toEqual({ docs: 0, refs: 0 });
    const blobs = new BlobStore({ dataDir: tmp.dir, store, quotaBytes: 1e6, graceMs: 1000, now: Date.now, log: quietLogger });
    expect(blobs.refs(sha(photo))).toEqual([{ doc: casesDoc('t01'), caseId, actor: 'w0001' }]);
    store.db.exec('DELETE FROM blob_refs');
    store.db.prepare('DELETE FROM meta WHERE key = ?').run(BLOB_REFS_META);
    store.close();

    relay = await startTestServer({ dataDir: tmp.dir, seed: false });
    try {
      expect((await upload(relay.url, await login(relay.url, 'w0001'), photo)).status).toBe(201);
      expect((await getBlob(relay.url, await login(relay.url, 'town01'), sha(photo))).status).toBe(200);
      expect((await getBlob(relay.url, await login(relay.url, 'town02'), sha(photo))).status).toBe(404);
      const r = await api(relay.url, `/api/cases/${caseId}`, { token: await login(relay.url, 'town01') });
      expect((r.body as { photos: unknown[] }).photos).toEqual([{ full: sha(photo), thumb: sha(photo) }]);
    } finally {
      await relay.close();
    }
    expect(readFileSync(join(tmp.dir, 'blobs', sha(photo).slice(0, 2), sha(photo)))).toEqual(Buffer.from(photo));
  });
});
