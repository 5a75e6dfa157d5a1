/**
 * What the relay figure (bench/figures/relay.ts) and the soak (bench/figures/soak.ts) give their load generator
 * (bench/relay/loadgen.ts): the docs of the county, the state vectors as stored, the clients with their tokens, the
 * writers' precomputed updates, and the load generator process itself.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import * as Y from 'yjs';
import { signToken } from '../../server/auth.ts';
import { Store, storedParts } from '../../server/store.ts';
import { decide } from '../../src/domain/commands.ts';
import { casesDocName, ORG_DOC } from '../../src/domain/docs.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId, seededRandom } from '../../src/domain/ids.ts';
import { indexOrg, type OrgData, type UserInfo } from '../../src/domain/org.ts';
import { EVENTS_ARRAY } from '../../src/protocol/wire.ts';
import { ROOT } from '../lib/build.ts';
import { BENCH_NOW, BENCH_YEAR } from '../lib/data.ts';
import { BENCH_JWT_SECRET } from '../lib/datadir.ts';
import { stopChild } from '../lib/proc.ts';

/** A reconnect storm: every client reconnects at a moment spread evenly over this window. */
export const STORM_SPREAD_MS = 10_000;

export type StateVector = Array<[client: number, clock: number]>;

export interface LoadClient {
  doc: string;
  token: string;
  user: UserInfo;
}

export interface Writer {
  /** Index of the client that sends these updates. */
  client: number;
  /** Its Yjs client id. Update s is one event, one item of length 1: its last clock is s (its state vector s + 1). */
  clientId: number;
  /** base64. */
  updates: string[];
}

/** The org doc and the 13 town case docs of BENCH_YEAR. */
export function relayDocs(org: OrgData): string[] {
  return [ORG_DOC, ...org.towns.map((t) => casesDocName(t.id, BENCH_YEAR))];
}

/** State vectors of the docs as stored in `dataDir` (the load generator builds the clients' vectors from them). */
export function storedStateVectors(dataDir: string, docs: readonly string[]): Record<string, StateVector> {
  const store = new Store(dataDir);
  try {
    const out: Record<string, StateVector> = {};
    for (const name of docs) {
      const doc = new Y.Doc();
      for (const p of storedParts(store.loadDoc(name))) Y.applyUpdate(doc, p);
      out[name] = [...Y.decodeStateVector(Y.encodeStateVector(doc))];
      doc.destroy();
    }
    return out;
  } finally {
    store.close();
  }
}

/** `n` clients, client i on doc i mod docs: grid workers of the doc's town (any worker for org), bench tokens. */
export async function loadClients(org: OrgData, docs: readonly string[], n: number): Promise<LoadClient[]> {
  const secret = new TextEncoder().encode(BENCH_JWT_SECRET);
  const workersByTown = new Map<string, UserInfo[]>();
  for (const u of org.users) if (u.role === 'worker' && u.townId) workersByTown.set(u.townId, [...(workersByTown.get(u.townId) ?? []), u]);
  const allWorkers = org.users.filter((u) => u.role === 'worker');
  const clients: LoadClient[] = [];
  for (let i = 0; i < n; i++) {
    const doc = docs[i % docs.length]!;
    const townId = doc === ORG_DOC ? null : doc.split('.')[1]!;
    const pool = townId ? workersByTown.get(townId)! : allWorkers;
    const user = pool[Math.floor(i / docs.length) % pool.length]!;
    clients.push({ doc, user, token: await signToken(secret, { sub: user.id, role: user.role }, Date.now(), 24 * 3600) });
  }
  return clients;
}

/**
 * Writers: the clients `writerIdx` (on town docs), `perWriter` updates each, every update one real case report of
 * the client's user in their grid with a probe marker `bq:<k>.<s>;` (k: the writer's position, s: the update's).
 */
export function makeWriters(org: OrgData, clients: readonly LoadClient[], writerIdx: readonly number[], perWriter: number, seed = 99): Writer[] {
  const idx = indexOrg(org);
  const rng = seededRandom(seed);
  return writerIdx.map((ci, k) => {
    const c = clients[ci]!;
    const clientId = 100_000 + k;
    const ydoc = new Y.Doc();
    ydoc.clientID = clientId;
    const updates: string[] = [];
    ydoc.on('update', (u: Uint8Array) => updates.push(Buffer.from(u).toString('base64')));
    const grid = org.grids.find((g) => g.id === c.user.gridId)!;
    for (let s = 0; s < perWriter; s++) {
      const ms = BENCH_NOW - 3600_000 + k * 1000 + s;
      const d = decide(null, { type: 'report', category: '0101', description: `压力测试 bq:${k}.${s}; 村口路灯损坏`, location: { lat: grid.center[1], lng: grid.center[0] }, gridId: grid.id, townId: grid.townId, channel: 'app' }, {
        actor: c.user,
        org: idx,
        at: formatHlc({ ms, counter: 0, node: `lg${k}` }),
        eventId: newId(ms, rng.bytes),
        caseId: newId(ms, rng.bytes),
      });
      if (!d.ok) throw new Error(`load event refused: ${d.error} ${d.detail ?? ''}`);
      ydoc.getArray(EVENTS_ARRAY).push([d.event]);
    }
    // The soak counts acknowledged updates by clock: update s must end at clock s.
    if (Y.decodeStateVector(Y.encodeStateVector(ydoc)).get(clientId) !== perWriter) throw new Error('writer updates are not one clock each');
    ydoc.destroy();
    return { client: ci, clientId, updates };
  });
}

export interface LoadGen {
  ask<T>(cmd: string, ...args: number[]): Promise<T>;
  stop(): Promise<void>;
}

/** bench/relay/loadgen.ts in a process of its own, on the setup written to `setupFile`. */
export async function startLoadGen(setupFile: string): Promise<LoadGen> {
  const child = fork(join(ROOT, 'bench/relay/loadgen.ts'), [setupFile], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (c) => reject(new Error(`load generator exited with ${c}`)));
  });
  child.removeAllListeners('exit');
  let next = 1;
  return {
    ask<T>(cmd: string, ...args: number[]) {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        const on = (m: { id?: number; result?: T; error?: string }) => {
          if (m.id !== id) return;
          child.off('message', on);
          if (m.error) reject(new Error(m.error));
          else resolve(m.result as T);
        };
        child.on('message', on);
        child.send({ id, cmd, args });
      });
    },
    stop: () => stopChild(child, 3000),
  };
}

/** What the load generator's `storm` answers. */
export interface StormResult {
  /** From the first reconnect to the last client synced (includes the spread). */
  ms: number;
  /** From the last client's join (its connect began) to the last client synced: the relay's part. */
  fromLastJoinMs: number;
  /** From the last client's socket open to the last client synced. */
  fromLastOpenMs: number;
  /** p99 over the clients of the time from a client's join to its sync. */
  clientP99Ms: number;
  synced: number;
  total: number;
}
