/**
 * Figure 4's page: the app's real storage and sync code (src/storage, src/sync, src/domain) at county scale in
 * Chromium, driven by bench/figures/scale.ts through `window.bench`. Every operation returns its own wall time
 * (ms); the driver sets the 4x CPU slowdown around the measured calls only, and reads script time and heap over
 * the DevTools protocol. Reference operations (`bare*`) do the same on a bare Dexie table / bare y-indexeddb.
 */
import Dexie, { type Table } from 'dexie';
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { encodeEventsDoc, encodeOrgDoc, eventsByDoc } from '../../src/protocol/seeddocs.ts';
import type { CaseFilter } from '../../src/app/services.ts';
import { casesDocName, docsForUser, ORG_DOC } from '../../src/domain/docs.ts';
import type { CaseEvent } from '../../src/domain/events.ts';
import type { OrgData, UserInfo } from '../../src/domain/org.ts';
import { ReadModel } from '../../src/storage/readmodel.ts';
import { UserDb, docDbName, userDbName, type CaseRecord } from '../../src/storage/schema.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import { countRows, openPersistence } from '../../src/sync/persist.ts';
import { EVENTS_ARRAY } from '../../src/protocol/wire.ts';
import { Vault } from '../../src/sync/vault.ts';
import { BENCH_YEAR, benchOrg, generateCases } from '../lib/data.ts';

const NS = 'bench';
let org: OrgData;
const now = () => Date.now();
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

function user(id: string): UserInfo {
  const u = org.users.find((x) => x.id === id);
  if (!u) throw new Error(`no user ${id}`);
  return u;
}

/** The docs a device keeps live: the data sets' year and the next (where new reports go today). */
function grants(u: UserInfo) {
  return docsForUser(u, org.towns.map((t) => t.id), [BENCH_YEAR, BENCH_YEAR + 1]);
}

/** Write a doc's content into the user's y-indexeddb database, as one stored row (what a compacted device has). */
async function storeDoc(userId: string, docName: string, update: Uint8Array): Promise<void> {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  const p = new IndexeddbPersistence(docDbName(NS, userId, docName), doc);
  await p.whenSynced;
  await p.destroy();
  doc.destroy();
}

function engine(userId: string): SyncEngine {
  const u = user(userId);
  return new SyncEngine({ ns: NS, user: u, grants: grants(u), token: 'bench', transport: null, now, random, online: () => false, pollMs: 60_000 });
}

const FILTERS: CaseFilter[] = [
  { status: 'reported' },
  { status: 'dispatched' },
  { category: '01' },
  { status: 'closed', category: '04' },
  { gridId: 'g0001' },
  { status: 'accepted', gridId: 'g0010' },
  { category: '0101' },
  { status: 'resolved', category: '09' },
  { gridId: 'g0100', category: '01' },
  {},
];

let readModel: ReadModel | null = null;
let bareDb: (Dexie & { rows: Table<CaseRecord, string> }) | null = null;
const counts = { cases: 0, events: 0, workerCases: 0, workerEvents: 0 };

function time<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  return f().then((value) => ({ ms: performance.now() - t0, value }));
}

const bench = {
  counts,
  filters: FILTERS.length,

  /** Generate the county (perTown cases in each town) and store its docs for `county` and for `w0001`. */
  async setup(perTown: number, workerCases: number): Promise<typeof counts> {
    org = benchOrg();
    const events: CaseEvent[] = [];
    org.towns.forEach((t, i) => events.push(...generateCases({ org, townId: t.id, cases: t.id === 't01' ? workerCases : perTown, seed: 100 + i })));
    counts.events = events.length;
    counts.cases = events.filter((e) => e.type === 'reported').length;
    const orgUpdate = encodeOrgDoc(org, 1);
    const byDoc = eventsByDoc(events);
    for (const id of ['county', 'w0001']) await storeDoc(id, ORG_DOC, orgUpdate);
    for (const [name, list] of byDoc) {
      const update = encodeEventsDoc(list, 1);
      await storeDoc('county', name, update);
      if (name === casesDocName('t01', BENCH_YEAR)) {
        await storeDoc('w0001', name, update);
        counts.workerEvents = list.length;
        counts.workerCases = list.filter((e) => e.type === 'reported').length;
      }
    }
    return counts;
  },

  /**
   * Issue 14 (shared PCs): seal the county user's databases (the read model and every doc's y-indexeddb store,
   * about 20,000 cases) into the vault, then restore them; each timed on its own. The key pair is made first
   * (one PBKDF2 at the app's iteration count, not timed: it belongs to the sign-in).
   */
  async sealRound(): Promise<{ sealMs: number; unsealMs: number; bytes: number; dbs: number; rows: number }> {
    const vault = new Vault(NS);
    try {
      const priv = await vault.keyForPassword('county', 'bench-password');
      if (!priv) throw new Error('no vault key');
      const names = [userDbName(NS, 'county'), ...grants(user('county')).map((g) => docDbName(NS, 'county', g.name))];
      const sealed = await time(() => vault.seal('county', 'county', names, null));
      const left = (await indexedDB.databases()).filter((d) => d.name?.startsWith(`${NS}-u-county`)).length;
      if (left) throw new Error(`${left} plaintext databases left after the seal`);
      const opened = await time(() => vault.restore('county', priv));
      const db = new UserDb(userDbName(NS, 'county'));
      const rows = await db.cases.count();
      db.close();
      return { sealMs: sealed.ms, unsealMs: opened.ms, bytes: sealed.value.bytes, dbs: sealed.value.dbs, rows };
    } finally {
      vault.close();
    }
  },

  /** Full read-model rebuild: the county user's engine starts on an empty read model (opens 14 docs, folds, writes). */
  async rebuild(): Promise<{ ms: number; rows: number }> {
    await Dexie.delete(userDbName(NS, 'county'));
    const e = engine('county');
    const r = await time(() => e.start());
    const rows = await e.db.cases.count();
    await e.stop();
    return { ms: r.ms, rows };
  },

  /** The first sorted page of 50 on a freshly opened read model (what the case list asks first). */
  async firstPage(): Promise<{ ms: number; rows: number }> {
    readModel?.db.close();
    readModel = new ReadModel(new UserDb(userDbName(NS, 'county')));
    const r = await time(() => readModel!.query({}, 0, 50));
    return { ms: r.ms, rows: r.value.length };
  },

  /** One filter change of the list: first page and count of filter `i`. */
  async filter(i: number): Promise<{ ms: number; rows: number }> {
    const f = FILTERS[i % FILTERS.length]!;
    const r = await time(async () => {
      const [rows] = await Promise.all([readModel!.query(f, 0, 50), readModel!.count(f)]);
      return rows;
    });
    return { ms: r.ms, rows: r.value.length };
  },

  /** Reference: the same rows in a bare Dexie table with plain indexes. */
  async bareSetup(): Promise<number> {
    const rows = await new UserDb(userDbName(NS, 'county')).cases.toArray();
    await Dexie.delete('bench-bare');
    const db = new Dexie('bench-bare') as Dexie & { rows: Table<CaseRecord, string> };
    db.version(1).stores({ rows: 'id, reportedMs, [status+reportedMs], [gridId+reportedMs], [major+reportedMs], [category+reportedMs]' });
    await db.rows.bulkPut(rows);
    db.close();
    return rows.length;
  },
  async bareRebuild(): Promise<{ ms: number; rows: number }> {
    const db = new Dexie('bench-bare') as Dexie & { rows: Table<CaseRecord, string> };
    db.version(1).stores({ rows: 'id, reportedMs, [status+reportedMs], [gridId+reportedMs], [major+reportedMs], [category+reportedMs]' });
    const rows = await db.rows.toArray();
    const r = await time(async () => {
      await db.transaction('rw', db.rows, async () => {
        await db.rows.clear();
        await db.rows.bulkPut(rows);
      });
    });
    db.close();
    return { ms: r.ms, rows: rows.length };
  },
  async bareFirstPage(): Promise<{ ms: number; rows: number }> {
    bareDb?.close();
    bareDb = new Dexie('bench-bare') as Dexie & { rows: Table<CaseRecord, string> };
    bareDb.version(1).stores({ rows: 'id, reportedMs, [status+reportedMs], [gridId+reportedMs], [major+reportedMs], [category+reportedMs]' });
    const r = await time(() => bareDb!.rows.orderBy('reportedMs').reverse().limit(50).toArray());
    return { ms: r.ms, rows: r.value.length };
  },
  async bareFilter(i: number): Promise<{ ms: number; rows: number }> {
    const f = FILTERS[i % FILTERS.length]!;
    const db = bareDb!;
    const r = await time(async () => {
      let c;
      const key = f.status ? ['[status+reportedMs]', f.status] : f.gridId ? ['[gridId+reportedMs]', f.gridId] : f.category ? [f.category.length <= 2 ? '[major+reportedMs]' : '[category+reportedMs]', f.category] : null;
      if (key) c = db.rows.where(key[0]!).between([key[1], -Infinity], [key[1], Infinity]).reverse();
      else c = db.rows.orderBy('reportedMs').reverse();
      const rest = (r: CaseRecord) => (!f.gridId || r.gridId === f.gridId) && (!f.category || (f.category.length <= 2 ? r.major : r.category) === f.category) && (!f.status || r.status === f.status);
      const [rows] = await Promise.all([c.clone().filter(rest).limit(50).toArray(), c.clone().filter(rest).count()]);
      return rows;
    });
    return { ms: r.ms, rows: r.value.length };
  },

  /** Open the worker's town doc from y-indexeddb with the app's openPersistence. */
  async openDoc(): Promise<{ ms: number; events: number }> {
    const doc = new Y.Doc();
    const r = await time(() => openPersistence(docDbName(NS, 'w0001', casesDocName('t01', BENCH_YEAR)), doc));
    const events = doc.getArray(EVENTS_ARRAY).length;
    await r.value.destroy();
    doc.destroy();
    return { ms: r.ms, events };
  },
  /** Reference: the same doc through bare y-indexeddb. */
  async bareOpenDoc(): Promise<{ ms: number; events: number }> {
    const doc = new Y.Doc();
    const r = await time(async () => {
      const p = new IndexeddbPersistence(docDbName(NS, 'w0001', casesDocName('t01', BENCH_YEAR)), doc);
      await p.whenSynced;
      return p;
    });
    const events = doc.getArray(EVENTS_ARRAY).length;
    await r.value.destroy();
    doc.destroy();
    return { ms: r.ms, events };
  },

  /**
   * `n` sessions of the worker, each reporting `perSession` cases (into this year's doc); then the largest number of
   * stored update rows among the worker's docs at the next open. `bare`: the same writes through bare y-indexeddb.
   */
  async sessions(n: number, perSession: number, bare: boolean): Promise<{ rows: number; doc: string }> {
    const owner = bare ? 'bare-w0001' : 'w0001';
    if (bare) {
      const dbName = docDbName(NS, owner, casesDocName('t01', BENCH_YEAR + 1));
      for (let s = 0; s < n; s++) {
        const doc = new Y.Doc();
        const p = new IndexeddbPersistence(dbName, doc);
        await p.whenSynced;
        for (let k = 0; k < perSession; k++) doc.getArray(EVENTS_ARRAY).push([{ id: `bare-${s}-${k}`, n: k }]);
        await new Promise((r) => setTimeout(r, 50));
        await p.destroy();
        doc.destroy();
      }
    } else {
      const grid = org.grids.find((g) => g.id === 'g0001')!;
      for (let s = 0; s < n; s++) {
        const e = engine('w0001');
        await e.start();
        for (let k = 0; k < perSession; k++) {
          const d = await e.report({ category: '0101', description: `第${s + 1}次会话上报${k + 1}`, location: { lat: grid.center[1], lng: grid.center[0] }, gridId: grid.id });
          if (!d.ok) throw new Error(`report refused: ${d.error} ${d.detail ?? ''}`);
        }
        await e.stop();
      }
    }
    let worst = { rows: 0, doc: '' };
    for (const g of grants(user('w0001'))) {
      const doc = new Y.Doc();
      const p = new IndexeddbPersistence(docDbName(NS, owner, g.name), doc);
      await p.whenSynced;
      // y-indexeddb adds one row of its own while opening: the rows found at open are one fewer.
      const rows = (await countRows(p)) - 1;
      await p.destroy();
      doc.destroy();
      if (rows > worst.rows) worst = { rows, doc: g.name };
    }
    return worst;
  },

  /** Load the worker's docs with the app's engine and keep them (the driver measures the heap around this). */
  held: null as unknown,
  async loadWorker(): Promise<{ ms: number }> {
    const e = engine('w0001');
    const r = await time(() => e.start());
    bench.held = e;
    return { ms: r.ms };
  },
  async unloadWorker(): Promise<void> {
    const e = bench.held as SyncEngine | null;
    bench.held = null;
    await e?.stop();
  },
  /** Reference: the same docs as bare Y.Docs through bare y-indexeddb (no index, no read model). */
  async loadBare(): Promise<{ ms: number }> {
    const names = grants(user('w0001')).map((g) => g.name);
    const r = await time(async () => {
      const docs = [];
      for (const name of names) {
        const doc = new Y.Doc();
        const p = new IndexeddbPersistence(docDbName(NS, 'w0001', name), doc);
        await p.whenSynced;
        docs.push({ doc, p });
      }
      return docs;
    });
    bench.held = r.value;
    return { ms: r.ms };
  },
  async unloadBare(): Promise<void> {
    const docs = (bench.held ?? []) as Array<{ doc: Y.Doc; p: IndexeddbPersistence }>;
    bench.held = null;
    for (const d of docs) {
      await d.p.destroy();
      d.doc.destroy();
    }
  },
};

(globalThis as unknown as { bench: typeof bench }).bench = bench;
document.getElementById('status')!.textContent = 'ready';
