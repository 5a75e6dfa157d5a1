// Issue 12: the blob store's GC schedule (server/blobs.ts): at start, then hourly on an unref'd timer that close()
// clears; and the blob-reference rule of an event (blobRefsOf).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BlobStore, blobRefsOf, GC_INTERVAL_MS, sha256Hex } from '../../server/blobs.ts';
import { quietLogger } from '../../server/log.ts';
import { Store } from '../../server/store.ts';
import type { CaseEvent } from '../../src/domain/events.ts';
import { png } from '../integration/blob-harness.ts';

const DAY = 86_400_000;
const dirs: string[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('GC schedule', () => {
  it('collects at start and every hour after, and stops on close', () => {
    vi.useFakeTimers();
    const dir = mkdtempSync(join(tmpdir(), 'gridlink-blobgc-'));
    dirs.push(dir);
    const store = new Store(dir);
    let now = Date.now();
    const blobs = new BlobStore({ dataDir: dir, store, quotaBytes: 1e7, graceMs: 7 * DAY, now: () => now, log: quietLogger });
    const a = png(1);
    const b = png(2);
    expect(blobs.storeWhole('w0001', sha256Hex(a), a).ok).toBe(true);
    now += 8 * DAY;
    blobs.startGc();
    expect(blobs.get(sha256Hex(a))).toBeNull();
    expect(blobs.storeWhole('w0001', sha256Hex(b), b).ok).toBe(true);
    store.addBlobRefs('cases.t01.2026', [{ hash: sha256Hex(a), caseId: 'x', actor: 'w0001' }]);
    now += 8 * DAY;
    vi.advanceTimersByTime(GC_INTERVAL_MS - 1);
    expect(blobs.get(sha256Hex(b))).not.toBeNull();
    vi.advanceTimersByTime(1);
    expect(blobs.get(sha256Hex(b))).toBeNull();
    expect(vi.getTimerCount()).toBe(1);
    blobs.close();
    expect(vi.getTimerCount()).toBe(0);
    store.close();
  });
});

describe('blobRefsOf', () => {
  it('names every thumbnail, full photo and voice clip of the events, with their case and author', () => {
    const h = (n: number) => String(n).repeat(64).slice(0, 64);
    const events = [
      { id: 'e1', caseId: 'c1', type: 'reported', actor: 'w', at: '', data: { photos: [{ full: h(1), thumb: h(2) }, h(3)], voice: { hash: h(4), seconds: 3 } } },
      { id: 'e2', caseId: 'c2', type: 'resolved', actor: 'u', at: '', data: { note: 'x', photos: [{ full: h(5), thumb: h(6) }] } },
      { id: 'e3', caseId: 'c2', type: 'accepted', actor: 't', at: '', data: {} },
    ] as unknown as CaseEvent[];
    expect(blobRefsOf(events)).toEqual([
      { hash: h(2), caseId: 'c1', actor: 'w' },
      { hash: h(3), caseId: 'c1', actor: 'w' },
      { hash: h(1), caseId: 'c1', actor: 'w' },
      { hash: h(4), caseId: 'c1', actor: 'w' },
      { hash: h(6), caseId: 'c2', actor: 'u' },
      { hash: h(5), caseId: 'c2', actor: 'u' },
    ]);
  });
});
