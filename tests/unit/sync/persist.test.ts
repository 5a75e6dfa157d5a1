// openPersistence / compact (src/sync/persist.ts): a compacted doc is stored in slices and opened slice by slice;
// reopening never stores the doc's whole state again (y-indexeddb's open row is taken while the doc is empty).
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SNAPSHOT_SLICE_BYTES, compact, countRows, extraRows, openPersistence } from '../../../src/sync/persist.ts';

function storedBytes(name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name);
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      const all = db.transaction(['updates'], 'readonly').objectStore('updates').getAll();
      all.onsuccess = () => {
        db.close();
        resolve((all.result as Uint8Array[]).reduce((n, u) => n + u.length, 0));
      };
    };
  });
}

describe('openPersistence and compact', () => {
  it('stores a big doc in slices, reopens it whole, and does not grow the store at each open', async () => {
    const name = `persist-test-${Math.random().toString(36).slice(2)}`;
    const doc = new Y.Doc();
    const p = await openPersistence(name, doc);
    const values = Array.from({ length: 4000 }, (_, i) => ({ id: `e${i}`, caseId: `c${i % 700}`, data: { description: '村口路灯损坏，夜间出行不便', i } }));
    for (let i = 0; i < values.length; i += 100) doc.getArray('events').push(values.slice(i, i + 100));
    await new Promise((r) => setTimeout(r, 50));
    await compact(p);
    const size = Y.encodeStateAsUpdate(doc).length;
    const slices = await countRows(p);
    expect(size).toBeGreaterThan(2 * SNAPSHOT_SLICE_BYTES);
    expect(slices).toBeGreaterThan(2);
    expect(extraRows(p)).toBe(0);
    await p.destroy();
    doc.destroy();

    for (let n = 0; n < 3; n++) {
      const again = new Y.Doc();
      const q = await openPersistence(name, again);
      expect(again.getArray('events').toJSON()).toEqual(values);
      expect(extraRows(q)).toBeLessThanOrEqual(n + 2);
      await q.destroy();
      again.destroy();
    }
    expect(await storedBytes(name)).toBeLessThan(size * 1.1);
  });
});
