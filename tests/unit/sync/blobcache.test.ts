// The device's blob cache (src/sync/blobcache.ts) on fake-indexeddb: drafts kept only when their bytes match their
// hash and type, cleaning that never touches the outbox nor a fresh draft (closed cases' copies first, then least
// recently used), abandoned drafts deleted after a day, auto-clean above 80% of the quota, the storage report, and
// persistent storage asked once.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { BlobCache, DRAFT_TTL_MS, type StorageLike } from '../../../src/sync/blobcache.ts';
import { UserDb, type BlobKind, type BlobRecord, type CaseRecord } from '../../../src/storage/schema.ts';

const dbs: UserDb[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});
let n = 0;
const freshDb = () => {
  const db = new UserDb(`blobcache-test-${n++}-${Date.now()}`);
  dbs.push(db);
  return db;
};

function jpeg(size: number): Uint8Array {
  const b = new Uint8Array(randomBytes(size));
  b.set([0xff, 0xd8, 0xff, 0xe0], 0);
  b[size - 2] = 0xff;
  b[size - 1] = 0xd9;
  return b;
}
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const NOW = 1_800_000_000_000;

function row(state: BlobRecord['state'], size: number, opts: { caseId?: string; usedMs?: number; createdMs?: number; kind?: BlobKind } = {}): BlobRecord {
  const bytes = jpeg(size);
  return {
    hash: sha(bytes),
    kind: opts.kind ?? 'photo',
    type: 'image/jpeg',
    bytes,
    size,
    state,
    ...(opts.caseId ? { caseId: opts.caseId } : {}),
    confirmed: state === 'sent' || state === 'cached' ? size : 0,
    createdMs: opts.createdMs ?? NOW - 1000,
    usedMs: opts.usedMs ?? NOW - 1000,
  };
}

const caseRow = (id: string, status: CaseRecord['status']) => ({ id, status, doc: 'cases.t01.2026', reportedMs: NOW, gridId: 'g0001', category: '0101', major: '01', pending: false }) as unknown as CaseRecord;

function cache(db: UserDb, storage: StorageLike | null = null, now = NOW, beforeExpire?: () => Promise<boolean>) {
  return new BlobCache({ db, fetch: () => Promise.reject(new TypeError('offline')), online: () => false, unauthorized: () => {}, now: () => now, storage, ...(beforeExpire ? { beforeExpire } : {}) });
}

describe('the blob cache', () => {
  it('keeps drafts only when the bytes match the hash and are an accepted type', async () => {
    const db = freshDb();
    const c = cache(db);
    const good = jpeg(2000);
    await c.keep([{ hash: sha(good), kind: 'thumb', type: 'image/jpeg', bytes: good }]);
    expect(await db.blobs.get(sha(good))).toMatchObject({ state: 'draft', kind: 'thumb', size: 2000, type: 'image/jpeg' });
    await expect(c.keep([{ hash: sha(jpeg(10)), kind: 'photo', type: 'image/jpeg', bytes: good }])).rejects.toThrow(/do not match/);
    const html = new TextEncoder().encode('<html></html>');
    await expect(c.keep([{ hash: sha(html), kind: 'photo', type: 'image/jpeg', bytes: html }])).rejects.toThrow(/unsupported_type/);
    expect(await db.blobs.count()).toBe(1);
    // Loaded from the device, offline.
    const blob = await c.load(sha(good));
    expect(blob?.size).toBe(2000);
    expect(blob?.type).toBe('image/jpeg');
    expect(await c.load('0'.repeat(64))).toBeNull();
  });

  it('cleans closed cases\' copies first, then the least recently used; never the outbox nor a fresh draft', async () => {
    const db = freshDb();
    await db.cases.bulkPut([caseRow('open1', 'dispatched'), caseRow('closed1', 'closed'), caseRow('gone1', 'withdrawn')]);
    const unsent = row('unsent', 300_000, { caseId: 'closed1', usedMs: 1 });
    const draft = row('draft', 50_000, { usedMs: 1 });
    const closedOld = row('cached', 10_000, { caseId: 'closed1', usedMs: NOW - 10 });
    const closedSent = row('sent', 20_000, { caseId: 'gone1', usedMs: NOW - 5 });
    const openOld = row('cached', 30_000, { caseId: 'open1', usedMs: NOW - 100_000 });
    const openNew = row('sent', 40_000, { caseId: 'open1', usedMs: NOW - 50 });
    await db.blobs.bulkPut([unsent, draft, closedOld, closedSent, openOld, openNew]);
    const c = cache(db, { estimate: async () => ({ usage: 1_000_000, quota: 10_000_000 }), persisted: async () => true });

    expect(await c.storage()).toEqual({ usage: 1_000_000, quota: 10_000_000, persisted: true, unsentBytes: 300_000, cleanableBytes: 100_000, closedCaseBytes: 30_000 });
    // 25 KB to free: both closed cases' copies go, however recently they were shown.
    expect(await c.clean(25_000)).toBe(30_000);
    expect((await db.blobs.toArray()).map((r) => r.hash).sort()).toEqual([unsent.hash, draft.hash, openOld.hash, openNew.hash].sort());
    // Then the least recently used.
    expect(await c.clean(1)).toBe(30_000);
    expect(await db.blobs.get(openOld.hash)).toBeUndefined();
    // All: only the outbox and the draft stay.
    expect(await c.clean()).toBe(40_000);
    expect((await db.blobs.toArray()).map((r) => r.state).sort()).toEqual(['draft', 'unsent']);
    expect(await c.clean()).toBe(0);
  });

  it('deletes drafts no event named after a day, and cleans by itself above 80% of the quota', async () => {
    const db = freshDb();
    const oldDraft = row('draft', 1000, { createdMs: NOW - DRAFT_TTL_MS - 1 });
    const freshDraft = row('draft', 1000, { createdMs: NOW - DRAFT_TTL_MS + 60_000 });
    const oldUnsent = row('unsent', 1000, { createdMs: NOW - 30 * DRAFT_TTL_MS });
    const copies = [1, 2, 3, 4].map((i) => row('cached', 100_000, { usedMs: NOW - i * 1000 }));
    await db.blobs.bulkPut([oldDraft, freshDraft, oldUnsent, ...copies]);
    let usage = 950_000;
    const storage: StorageLike = { estimate: async () => ({ usage, quota: 1_000_000 }) };
    await cache(db, storage).maintain();
    const left = (await db.blobs.toArray()).map((r) => r.hash);
    expect(left).not.toContain(oldDraft.hash);
    expect(left).toContain(freshDraft.hash);
    expect(left).toContain(oldUnsent.hash);
    // 950 KB of 1 MB: down to 70%, i.e. 250 KB freed: the three least recently used copies (the oldest first).
    expect(left).not.toContain(copies[3]!.hash);
    expect(left).not.toContain(copies[2]!.hash);
    expect(left).not.toContain(copies[1]!.hash);
    expect(left).toContain(copies[0]!.hash);
    // Below 80%: nothing more.
    usage = 500_000;
    await cache(db, storage).maintain();
    expect(await db.blobs.count()).toBe(3);
  });

  it('before deleting old drafts, lets the session move those a saved event names; deletes none while it cannot tell', async () => {
    const db = freshDb();
    // A check-in saved offline names `named`, but the tab closed before its photo moved into the outbox.
    const named = row('draft', 1000, { createdMs: NOW - 3 * DRAFT_TTL_MS });
    const abandoned = row('draft', 1000, { createdMs: NOW - 3 * DRAFT_TTL_MS });
    await db.blobs.bulkPut([named, abandoned]);
    let asked = 0;
    // The records are not loaded yet: nothing is deleted this time.
    await cache(db, null, NOW, async () => (asked++, false)).maintain();
    expect(await db.blobs.count()).toBe(2);
    await cache(db, null, NOW, () => Promise.reject(new Error('store closed'))).maintain();
    expect(await db.blobs.count(), 'a failing hook: nothing deleted').toBe(2);
    // Loaded: the session moves what an event names (src/app/session.ts keepNamedRecordBlobs), the rest goes.
    await cache(db, null, NOW, async () => {
      asked++;
      await db.blobs.update(named.hash, { state: 'unsent' });
      return true;
    }).maintain();
    expect((await db.blobs.toArray()).map((r) => [r.hash, r.state])).toEqual([[named.hash, 'unsent']]);
    expect(asked).toBe(2);
    // No old draft: the session is not asked.
    await cache(db, null, NOW, async () => (asked++, true)).maintain();
    expect(asked).toBe(2);
  });

  it('asks for persistent storage once per session', async () => {
    const db = freshDb();
    let asked = 0;
    const c = cache(db, { persist: async () => (asked++, true), persisted: async () => false });
    expect(await c.persist()).toBe(true);
    expect(await c.persist()).toBe(true);
    expect(asked).toBe(1);
  });
});
