/**
 * A grid's care index kept on the device between sessions (issue 17: 我的任务's 走访 tab at 4x CPU). Folding a
 * grid's people doc (about 1,000 events, each through its schema) and care log and building the index is most of
 * the tab's first frame when the app opens; an unchanged grid then reads the index back instead.
 *
 * Contract: a stored index is used only while the docs it was built from are in the same state: the people doc's and
 * the care log's Yjs state (state vector and delete set, RecordSync.stateKey), the county's care settings (compared
 * by value) and this code's FORMAT. Anything else (a visit recorded or withdrawn on any device, a household re-tagged,
 * new settings, a refusal recovery's new doc) gives another key and the index is folded again, then stored with the
 * new key. What it holds is the index of those two docs alone (people-register visits included); party members'
 * visits are counted on top when it is used (records.ts, `withVisits`), since the party fold reads the directory.
 * Stored in the per-user db's `meta` (META.derived), so it is sealed and removed with the user's other data.
 *
 * Reading is asynchronous and the index is asked for synchronously: `preload` reads a grid's row while the docs load
 * from y-indexeddb (the session starts it with the records, for the worker's own grid); while that read runs the
 * grid's index is not given (`reading`, as while its docs load), and `settled` changes when it ends, so a screen that
 * asked re-renders. Writes wait `delayMs` (a sync delivers many changes in a burst) and never run in a render.
 */
import { signal, type ReadonlySignal } from '@preact/signals';
import type { CareIndex } from '../domain/care.ts';

/** Bumped whenever the fold, the index or this row changes shape: a row of another format is never used. */
export const CARE_INDEX_FORMAT = 1;

/** The state of what a grid's index is built from. */
export interface CareIndexKey {
  people: string;
  care: string | null;
  settings: string;
}

interface StoredCareIndex {
  format: number;
  key: CareIndexKey;
  index: CareIndex;
}

export interface DerivedStore {
  readDerived(key: string): Promise<unknown>;
  writeDerived(key: string, value: unknown): Promise<void>;
}

const rowKey = (gridId: string) => `careIndex:${gridId}`;
const sameKey = (a: CareIndexKey, b: CareIndexKey) => a.people === b.people && a.care === b.care && a.settings === b.settings;
const isStored = (v: unknown): v is StoredCareIndex => {
  const o = v as Partial<StoredCareIndex> | null;
  return typeof o === 'object' && o !== null && o.format === CARE_INDEX_FORMAT && typeof o.key?.people === 'string' && Array.isArray(o.index?.entries) && typeof o.index.settings === 'object';
};

export interface CareIndexStore {
  /** Read the grids' stored indexes (once per grid per session); resolves when read. */
  preload(gridIds: readonly string[]): Promise<void>;
  /** Whether a grid's stored row is being read (its index waits for it). */
  reading(gridId: string): boolean;
  /** Increases as each read ends (read it where `reading` was asked, to follow). */
  settled: ReadonlySignal<number>;
  /** The stored index of a grid if it was built from docs in state `key`, else null. */
  get(gridId: string, key: CareIndexKey): CareIndex | null;
  /** Keep a freshly built index (written after `delayMs`). */
  put(gridId: string, key: CareIndexKey, index: CareIndex): void;
  /** Write what waits now; resolves when every write is done. */
  flush(): Promise<void>;
}

export function createCareIndexStore(store: DerivedStore, delayMs = 1000): CareIndexStore {
  /** Per grid: the row as stored (null: none), once read or written in this session. */
  const known = new Map<string, StoredCareIndex | null>();
  const reads = new Map<string, Promise<void>>();
  const inFlight = new Set<string>();
  const settled = signal(0);
  const waiting = new Map<string, StoredCareIndex>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let writes: Promise<unknown> = Promise.resolve();

  const write = () => {
    timer = null;
    const rows = [...waiting];
    waiting.clear();
    writes = Promise.all([writes, ...rows.map(([gridId, row]) => store.writeDerived(rowKey(gridId), row).catch((e: unknown) => console.error('gridlink: keeping the care index failed', e)))]);
  };

  return {
    preload: (gridIds) =>
      Promise.all(
        gridIds.map((gridId) => {
          let p = reads.get(gridId);
          if (!p) {
            inFlight.add(gridId);
            p = store
              .readDerived(rowKey(gridId))
              .then(
                (v) => {
                  // A row built in this session meanwhile is newer than the one read.
                  if (!known.has(gridId)) known.set(gridId, isStored(v) ? v : null);
                },
                (e: unknown) => console.error('gridlink: reading the care index failed', e),
              )
              .finally(() => {
                inFlight.delete(gridId);
                settled.value++;
              });
            reads.set(gridId, p);
          }
          return p;
        }),
      ).then(() => undefined),
    reading: (gridId) => inFlight.has(gridId),
    settled,
    get: (gridId, key) => {
      const row = known.get(gridId);
      return row && sameKey(row.key, key) ? row.index : null;
    },
    put: (gridId, key, index) => {
      const row = { format: CARE_INDEX_FORMAT, key, index };
      known.set(gridId, row);
      waiting.set(gridId, row);
      timer ??= setTimeout(write, delayMs);
    },
    flush: async () => {
      if (timer) {
        clearTimeout(timer);
        write();
      }
      await writes;
    },
  };
}
