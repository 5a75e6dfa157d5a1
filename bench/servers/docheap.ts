/**
 * Bench-only (bench/figures/soak.ts): the V8 heap a set of cases docs takes when loaded fresh from a store, held as
 * the relay holds them: the Y.Doc (server/store.ts `loadStoredDoc`, its root arrays first) and its facts
 * (server/integrity.ts `factsOf`: the owners of its client ids and the case index the relay judges writes with).
 * Reads DATA_DIR; the doc names are its arguments. Prints one JSON line: `bytes`, the heap after a full GC with the
 * docs held less the heap after a full GC before they were loaded, and `events`, the events they hold.
 * Needs --expose-gc.
 */
import type * as Y from 'yjs';
import { factsOf } from '../../server/integrity.ts';
import { loadStoredDoc, Store } from '../../server/store.ts';
import { EVENTS_ARRAY, RECEIPTS_ARRAY } from '../../src/protocol/wire.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('docheap needs node --expose-gc');
const heapAfterGc = () => {
  // Twice: what the first collection frees can make more unreachable (weak maps, finalisers).
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const store = new Store(process.env.DATA_DIR!);
const names = process.argv.slice(2);
const before = heapAfterGc();
const held: Y.Doc[] = [];
let events = 0;
for (const name of names) {
  const doc = loadStoredDoc(store, name, [EVENTS_ARRAY, RECEIPTS_ARRAY]);
  factsOf(doc, undefined, 'cases');
  events += doc.getArray(EVENTS_ARRAY).length;
  held.push(doc);
}
const bytes = heapAfterGc() - before;
store.close();
process.stdout.write(`${JSON.stringify({ bytes, events, docs: held.length })}\n`);
