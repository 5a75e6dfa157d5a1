/**
 * y-indexeddb helpers. y-indexeddb keeps one row per update and merges rows only past 500 (yjs/y-indexeddb#31);
 * each open also adds a row. `compact` merges all rows into one snapshot in a single transaction and resolves
 * when it is committed (y-indexeddb's own `storeState` resolves before its writes finish).
 */
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';

const UPDATES = 'updates';

/**
 * Open a doc's store and load it. Resolves after y-indexeddb's own bookkeeping (`_dbref`, `_dbsize`) is set:
 * `whenSynced` fires before that, and a compaction started in between would read stale keys. Counting the rows
 * in a new transaction orders us after y-indexeddb's (readwrite) one.
 */
export async function openPersistence(name: string, doc: Y.Doc): Promise<IndexeddbPersistence> {
  const p = new IndexeddbPersistence(name, doc);
  // y-indexeddb listens to the doc's updates from its constructor, so applying the stored state made Yjs encode
  // all of it once more as an 'update' event, which y-indexeddb then ignored (its own origin): about a fifth of
  // opening a 2,000-case doc (bench figure 3). The doc is new and unused until this resolves: listen afterwards.
  doc.off('update', p._storeUpdate);
  try {
    await p.whenSynced;
  } finally {
    if (!p._destroyed) doc.on('update', p._storeUpdate);
  }
  p._dbsize = await countRows(p);
  return p;
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
 * Replace every stored update with one snapshot of the doc. Rows written by other tabs since this tab last read
 * are applied first, so nothing is dropped. Updates stored after the snapshot keep their (higher) keys.
 */
export function compact(p: IndexeddbPersistence): Promise<void> {
  const db = p.db;
  if (!db || p._destroyed) return Promise.resolve();
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
      const add = store.add(Y.encodeStateAsUpdate(p.doc));
      add.onsuccess = () => {
        const key = add.result as number;
        store.delete(IDBKeyRange.upperBound(key, true));
        p._dbref = key + 1;
      };
    };
    tx.oncomplete = () => {
      p._dbsize = 1;
      resolve();
    };
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('compact aborted'));
  });
}
