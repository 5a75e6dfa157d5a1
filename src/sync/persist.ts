/**
 * y-indexeddb helpers. y-indexeddb keeps one row per update and merges rows only past 500 (yjs/y-indexeddb#31);
 * each open also adds a row. `compact` merges all rows into one snapshot in a single transaction and resolves
 * when it is committed (y-indexeddb's own `storeState` resolves before its writes finish).
 *
 * The snapshot is stored as slices of at most SNAPSHOT_SLICE_BYTES (src/protocol/chunks.ts), and `openPersistence`
 * applies the stored rows one at a time, yielding to the main thread between them: opening a 2,000-case doc was
 * one long task (decoding 11,000 events at once) that blocked the first screen (bench figures 2 and 3).
 */
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';

const UPDATES = 'updates';
/** Largest stored snapshot row (about 15 ms to apply on a phone-class CPU). */
export const SNAPSHOT_SLICE_BYTES = 96 * 1024;

/** Rows of the last snapshot written or read, per persistence (rows beyond them are updates to compact). */
const snapshotRows = new WeakMap<IndexeddbPersistence, number>();

interface Scheduler {
  postTask?: (f: () => void, opts: { priority: 'background' }) => Promise<void>;
}

/**
 * Give the main thread back between two slices of background work. Where the browser has a task scheduler, the
 * next slice runs at background priority: after input, rendering and the database answers a screen waits for.
 */
export function yieldToMain(): Promise<void> {
  const s = (globalThis as { scheduler?: Scheduler }).scheduler;
  if (typeof s?.postTask === 'function') return s.postTask(() => {}, { priority: 'background' });
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Every stored row with its key, in a new transaction (ordered after y-indexeddb's own readwrite one). */
function readRows(db: IDBDatabase): Promise<{ keys: number[]; rows: Uint8Array[] }> {
  return new Promise((resolve, reject) => {
    const store = db.transaction([UPDATES], 'readonly').objectStore(UPDATES);
    const keys = store.getAllKeys();
    const rows = store.getAll();
    rows.onsuccess = () => resolve({ keys: keys.result as number[], rows: rows.result as Uint8Array[] });
    rows.onerror = () => reject(rows.error);
    keys.onerror = () => reject(keys.error);
  });
}

/**
 * Open a doc's store and load it. Resolves after y-indexeddb's own bookkeeping (`_dbref`, `_dbsize`) is set:
 * `whenSynced` fires before that, and a compaction started in between would read stale keys.
 *
 * y-indexeddb would apply every stored row in one transaction (one long task). It is told to read nothing
 * (`_dbref` past any key), so it only adds its usual row holding the (still empty) doc; the rows are then read
 * here and applied one per task. Applying a doc's rows must not happen before y-indexeddb starts: it stores the
 * doc's whole state as a new row when it opens.
 */
export async function openPersistence(name: string, doc: Y.Doc): Promise<IndexeddbPersistence> {
  const p = new IndexeddbPersistence(name, doc);
  // Set before y-indexeddb's own fetch runs (it waits for its database to open).
  p._dbref = Number.MAX_SAFE_INTEGER;
  // y-indexeddb listens to the doc's updates from its constructor, so applying the stored state would make it
  // encode all of it once more as an 'update' event, then ignore it (its own origin): about a fifth of opening
  // a 2,000-case doc. The doc is new and unused until this resolves: listen afterwards.
  doc.off('update', p._storeUpdate);
  let bytes = 0;
  try {
    await p.whenSynced;
    if (!p._destroyed && p.db) {
      const { keys, rows } = await readRows(p.db);
      for (let i = 0; i < rows.length; i++) {
        if (i > 0) await yieldToMain();
        if (p._destroyed) break;
        Y.applyUpdate(doc, rows[i]!, p);
        bytes += rows[i]!.length;
      }
      p._dbref = keys.length ? keys[keys.length - 1]! + 1 : 0;
      p._dbsize = keys.length;
    }
  } finally {
    if (!p._destroyed) doc.on('update', p._storeUpdate);
  }
  snapshotRows.set(p, Math.max(1, Math.ceil(bytes / SNAPSHOT_SLICE_BYTES)));
  return p;
}

/** Stored rows beyond those a fresh snapshot of this doc would take: what compaction would merge. */
export function extraRows(p: IndexeddbPersistence): number {
  return p._dbsize - (snapshotRows.get(p) ?? 1);
}

/** Rows in the doc's update store right now. */
export function countRows(p: IndexeddbPersistence): Promise<number> {
  const db = p.db;
  if (!db) return Promise.resolve(0);
  return new Promise((resolve, reject) => {
    const req = db.transaction([UPDATES], 'readonly').objectStore(UPDATES).count();
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/**
 * Replace every stored update with one snapshot of the doc (in slices). Rows written by other tabs since this tab last read
 * are applied first, so nothing is dropped. Updates stored after the snapshot keep their (higher) keys.
 */
export async function compact(p: IndexeddbPersistence): Promise<void> {
  if (!p.db || p._destroyed) return;
  // Loaded before the transaction opens (it must not wait on anything), and not with the first screen.
  const { splitUpdate } = await import('../protocol/chunks.ts');
  const db = p.db;
  if (!db || p._destroyed) return;
  return new Promise((resolve, reject) => {
    const tx = db.transaction([UPDATES], 'readwrite');
    const store = tx.objectStore(UPDATES);
    const unseen = store.getAll(IDBKeyRange.lowerBound(p._dbref, false));
    unseen.onsuccess = () => {
      const rows = unseen.result as Uint8Array[];
      if (rows.length) {
        Y.transact(p.doc, () => {
          for (const u of rows) Y.applyUpdate(p.doc, u);
        }, p, false);
      }
      const slices = splitUpdate(Y.encodeStateAsUpdate(p.doc), SNAPSHOT_SLICE_BYTES);
      slices.forEach((slice, i) => {
        const add = store.add(slice);
        add.onsuccess = () => {
          const key = add.result as number;
          // Every row before the snapshot's first slice is in the snapshot.
          if (i === 0) store.delete(IDBKeyRange.upperBound(key, true));
          if (i === slices.length - 1) p._dbref = key + 1;
        };
      });
      snapshotRows.set(p, slices.length);
      written = slices.length;
    };
    let written = 1;
    tx.oncomplete = () => {
      p._dbsize = written;
      resolve();
    };
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('compact aborted'));
  });
}
