/**
 * Refusal recovery of one doc (REFUSED, src/protocol/wire.ts), shared by SyncEngine and RecordSync; loaded on the first
 * refusal or pending rescue, not with the shell. Never loops:
 *  1. This user's unacknowledged events are saved to `rescue:<doc>` in meta before anything is deleted (a reload
 *     mid-recovery loses nothing); those re-appended once already (on probation) and refused again are set aside
 *     in `refused:<doc>` instead.
 *  2. The local doc, its store and its bookkeeping are deleted, and a fresh doc is opened for the caller to sync.
 *  3. After that sync (or after a reload: `rescue:<doc>` survives it), `resend` appends the saved events that are
 *     still valid (the ledger's policy: they parse, are this user's, the role may make them) and that the relay
 *     lacks, once, on probation until acknowledged.
 */
import type { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { deleteMeta, getMeta, isStringArray, setMeta } from '../storage/meta.ts';
import { META } from '../storage/schema.ts';
import type { DocLedger } from './docsync.ts';
import { openPersistence } from './persist.ts';
import { EVENTS_ARRAY } from '../protocol/wire.ts';
import { unsavedEvents } from './unsaved.ts';

type Ledger = DocLedger<{ id: string }>;

/**
 * Steps 1 and 2. `close` runs after the rescue is saved and before the doc is destroyed (links, observers);
 * resolves with the fresh doc, or null when `alive()` turned false meanwhile.
 */
export async function recoverDoc(
  ledger: Ledger,
  persistence: IndexeddbPersistence,
  dbName: string,
  close: () => Promise<void> | void,
  alive: () => boolean,
): Promise<{ doc: Y.Doc; persistence: IndexeddbPersistence } | null> {
  const { db, name } = ledger;
  // Any client id: an older session's events too.
  const own = new Map<string, { id: string }>();
  for (const raw of unsavedEvents(persistence.doc, ledger.acked, null).values) {
    const e = ledger.policy.own(raw);
    if (e) own.set(e.id, e);
  }
  const probation = new Set((await getMeta(db, META.probation(name), isStringArray)) ?? []);
  const again = [...own.values()].filter((e) => probation.has(e.id));
  const keep = [...own.values()].filter((e) => !probation.has(e.id));
  if (again.length) {
    const prev = (await getMeta(db, META.refused(name), Array.isArray)) ?? [];
    await setMeta(db, META.refused(name), [...prev, ...again]);
  }
  const rescue = [...((await getMeta(db, META.rescue(name), Array.isArray)) ?? []), ...keep];
  await setMeta(db, META.rescue(name), rescue);
  ledger.rescueCount = rescuable(ledger, rescue).length;
  await close();
  await persistence.destroy();
  persistence.doc.destroy();
  await deleteDatabase(dbName);
  await deleteMeta(db, META.acked(name), META.clients(name), META.probation(name));
  ledger.acked = null;
  ledger.ownClients = new Set();
  ledger.unsavedIds = new Set();
  ledger.rescuePending = true;
  if (!alive()) return null;
  const doc = new Y.Doc();
  return { doc, persistence: await openPersistence(dbName, doc) };
}

/** Step 3, after a sync (through DocLedger.resendRescue, which clears `rescuePending`): append (if `write`) the rescued events the doc lacks, once, on probation. */
export async function resend(ledger: Ledger, doc: Y.Doc, write: boolean): Promise<void> {
  const { db, name } = ledger;
  const arr = doc.getArray<unknown>(EVENTS_ARRAY);
  const have = new Set(arr.toArray().map((v) => (v as { id?: unknown } | null)?.id));
  const add = rescuable(ledger, (await getMeta(db, META.rescue(name), Array.isArray)) ?? []).filter((e) => !have.has(e.id));
  if (add.length && write) {
    // On probation: refused again, they are set aside (step 1). Acknowledged ones never reach step 1 again, so
    // the list needs no pruning.
    await setMeta(db, META.probation(name), add.map((e) => e.id));
    await ledger.recordClient(doc.clientID);
    doc.transact(() => arr.push(add));
  }
  await deleteMeta(db, META.rescue(name));
  ledger.rescueCount = 0;
}

/** The saved values that may be sent again: this user's (the ledger's policy), allowed for the role, one per id. */
export function rescuable<E extends { id: string }>(ledger: DocLedger<E>, raw: readonly unknown[]): E[] {
  const out = new Map<string, E>();
  for (const v of raw) {
    const e = ledger.policy.own(v);
    if (e && !out.has(e.id) && ledger.policy.mayResend(e)) out.set(e.id, e);
  }
  return [...out.values()];
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
    req.onblocked = () => {
      // Another tab still has it open; the deletion completes when it closes.
    };
  });
}
