// Issue 14: photos in the practice sandbox (src/app/practiceevidence.ts, src/app/practice.ts). A learner's photo is
// kept in the practice database only (never an upload outbox, never the network), read back for their practice
// report, removed by a reset, and on a shared PC sealed with the trainer's other databases and restored with them.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { indexOrg } from '../../../src/domain/org.ts';
import { openPractice, practiceDbName, type PracticeHandle } from '../../../src/app/practice.ts';
import { ProfileStore } from '../../../src/storage/profiles.ts';
import { UserDb, userDbName, type BlobRecord } from '../../../src/storage/schema.ts';
import type { CapturedBlob } from '../../../src/sync/blobtypes.ts';
import { Vault } from '../../../src/sync/vault.ts';
import { ORG, user } from '../domain/fixture.ts';
import { forbidNetwork } from './sandbox.ts';

const clock = Date.UTC(2026, 11, 6, 2);
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
let handle: PracticeHandle | null = null;
const network = forbidNetwork();

afterEach(async () => {
  await handle?.stop();
  handle = null;
});

const open = (ns: string) => openPractice({ ns, trainer: user('trainer01'), org: { ...indexOrg(ORG), data: ORG }, learnerName: '王奶奶', now: () => clock, random, refreshMs: 60_000 });

/** A small "JPEG" (start and end markers around random bytes: what checkBlob sniffs), as the capture code gives it. */
function photo(size: number): CapturedBlob {
  const bytes = new Uint8Array(randomBytes(size));
  bytes.set([0xff, 0xd8, 0xff, 0xe0], 0);
  bytes[size - 2] = 0xff;
  bytes[size - 1] = 0xd9;
  return { hash: createHash('sha256').update(bytes).digest('hex'), kind: 'photo', type: 'image/jpeg', bytes };
}

/** The rows of a database's blobs table, read with a fresh connection (what a browser's storage holds). */
async function blobRows(name: string): Promise<BlobRecord[]> {
  const db = new UserDb(name);
  await db.open();
  try {
    return await db.blobs.toArray();
  } finally {
    db.close();
  }
}

/** Keep a photo as the report form does, and report with it. */
async function reportWithPhoto(h: PracticeHandle) {
  const full = photo(4000);
  const thumb = photo(600);
  await h.session.evidence!.keep([thumb, full]);
  const d = await h.session.report({
    category: ORG.subcategories[0]!.code,
    description: '练习：路灯不亮',
    location: { lat: 41.23, lng: 121.99 },
    gridId: 'g9999',
    photos: [{ full: full.hash, thumb: thumb.hash }],
  });
  expect(d.ok).toBe(true);
  if (!d.ok) throw new Error(d.error);
  return { full, thumb, caseId: d.state.id };
}

describe('practice photos', () => {
  it('are kept in the practice database only, read back for the practice report, and never uploaded', async () => {
    handle = await open('pe1');
    const { full, thumb, caseId } = await reportWithPhoto(handle);
    // The practice relay has the report with its photo; the learner's practice report shows it.
    await vi.waitFor(() => expect(handle!.relay.snapshot().cases[caseId]).toBeDefined());
    const shown = await handle.session.getCase(caseId);
    expect(shown?.photos).toEqual([{ full: full.hash, thumb: thumb.hash }]);
    const back = await handle.session.evidence!.load(full.hash, caseId);
    expect(new Uint8Array(await back!.arrayBuffer())).toEqual(full.bytes);
    expect(await handle.session.evidence!.load('0'.repeat(64))).toBeNull();

    // Stored in the practice database, belonging to the practice case, not waiting in any outbox.
    const rows = await blobRows(practiceDbName('pe1', 'trainer01'));
    expect(rows.map((r) => [r.hash, r.state, r.caseId]).sort()).toEqual(
      [
        [full.hash, 'sent', caseId],
        [thumb.hash, 'sent', caseId],
      ].sort(),
    );
    expect(handle.session.evidence!.uploads.value).toMatchObject({ photos: 0, clips: 0, bytes: 0 });
    // Nothing in the trainer's own database (the real session's outbox), nothing on the network.
    expect(await blobRows(userDbName('pe1', 'trainer01'))).toEqual([]);
    expect(network).not.toHaveBeenCalled();
  });

  it('refuses bytes that do not match their hash, as a real report does', async () => {
    handle = await open('pe2');
    const p = photo(1000);
    await expect(handle.session.evidence!.keep([{ ...p, hash: 'f'.repeat(64) }])).rejects.toThrow(/do not match/);
    expect(await blobRows(practiceDbName('pe2', 'trainer01'))).toEqual([]);
  });

  it('survive ending and reopening the practice, and are removed by a reset', async () => {
    handle = await open('pe3');
    const { full } = await reportWithPhoto(handle);
    await handle.stop();
    handle = await open('pe3');
    expect(await handle.session.evidence!.load(full.hash)).not.toBeNull();
    await handle.reset();
    expect(await handle.session.evidence!.load(full.hash)).toBeNull();
    expect(await blobRows(practiceDbName('pe3', 'trainer01'))).toEqual([]);
    // The sandbox still takes photos after a reset (on its new database).
    await reportWithPhoto(handle);
    expect(await blobRows(practiceDbName('pe3', 'trainer01'))).toHaveLength(2);
  });

  it("are sealed with the trainer's data on a shared PC (nothing in clear), and come back with it", async () => {
    handle = await open('pe4');
    const { full } = await reportWithPhoto(handle);
    await handle.stop();
    handle = null;
    const store = new ProfileStore('pe4');
    const vault = new Vault('pe4', random, 1000);
    try {
      const priv = (await vault.keyForPassword('trainer01', 'demo'))!;
      const names = await store.dbNamesOf('trainer01');
      expect(names).toContain(practiceDbName('pe4', 'trainer01'));
      const sealed = await vault.seal('trainer01', 'trainer01', names, null);
      expect(sealed.dbs).toBeGreaterThanOrEqual(1);
      // The practice database is gone from the browser's storage: its photo with it.
      expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(practiceDbName('pe4', 'trainer01'));
      // The trainer's password (their key) brings it back, photo bytes included.
      await vault.restore('trainer01', priv);
      const rows = await blobRows(practiceDbName('pe4', 'trainer01'));
      expect(rows.find((r) => r.hash === full.hash)?.bytes).toEqual(full.bytes);
    } finally {
      store.close();
      vault.db.close();
    }
  });
});
