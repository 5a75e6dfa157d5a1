/**
 * Figure 6, the relay on this machine: `clients` websocket clients over the 13 town docs and `org` (client i on doc
 * i mod 14), driven by bench/relay/loadgen.ts in a separate process that never decodes updates. For each server:
 * RSS with every client synced and memory per connection (RSS minus the RSS with one client per doc, i.e. with
 * the docs loaded), fan-out latency p50/p99 at 2,000 deliveries/s (one writer per town doc, each update a real
 * case report carrying a probe marker), deliveries/s per core at saturation (deliveries / server CPU seconds while
 * 10x that rate is offered), and a reconnect storm (every client reconnects within 10 s with its state vector:
 * time from the last client's join, its socket open, until all are synced, so the figure is the relay's and not the
 * generator's spread; event-loop delay p99 from perf_hooks in the server process, via the IPC hook).
 * Servers: the Gridlink relay (budgets), @hocuspocus/server 3.4.4 + extension-sqlite 3.4.4 (reference), and a bare
 * ws + y-protocols relay without persistence (the ceiling, in the notes; not run in --quick). Issue 16, in the notes
 * too: two Gridlink relays on one PostgreSQL database (`gridlink-pg2`; run when PostgreSQL and pg-native are
 * available), the clients of every doc alternating between them, so every fan-out crosses relays through NOTIFY and
 * a catch-up read (the worst case: no stickiness by doc); RSS and CPU are the two processes' sums, the event-loop
 * delay the worse of the two. A peer that fails
 * fails every row (`failed`, see bench/lib/results.ts): its figures are the comparison, not decoration.
 */
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUT, ROOT } from '../lib/build.ts';
import { countyData, type CountyData } from '../lib/county.ts';
import { Store } from '../../server/store.ts';
import { seedStore } from '../../server/seed.ts';
import { createTestDatabase, pgAvailable, type TestDatabase } from '../../tests/support/pgtest.ts';
import { BENCH_JWT_SECRET, BENCH_PASSWORD, SEED_CLIENT } from '../lib/datadir.ts';
import { RELAY_NODE_ARGS, startServerProc, type ServerProc } from '../lib/proc.ts';
import { figure, missing, peerFailures, percentile, type Result } from '../lib/results.ts';
import { loadClients, makeWriters, relayDocs, startLoadGen, storedStateVectors, STORM_SPREAD_MS, type LoadGen, type StormResult } from '../relay/setup.ts';

const TARGET_DELIVERIES = 2000;

interface ServerKind {
  name: string;
  script: string;
  protocol: 'ywebsocket' | 'hocuspocus';
  url: (s: ServerProc) => string;
  /** Processes on one PostgreSQL store (absent: one process on its SQLite DATA_DIR). */
  pgRelays?: number;
  /** Node flags of the server processes (the Gridlink relay's production flags, `RELAY_NODE_ARGS`). */
  nodeArgs?: readonly string[];
}

const KINDS: ServerKind[] = [
  { name: 'gridlink', script: 'bench/servers/gridlink.ts', protocol: 'ywebsocket', url: (s) => s.url.replace(/^http/, 'ws'), nodeArgs: RELAY_NODE_ARGS },
  { name: 'hocuspocus', script: 'bench/servers/hocuspocus.ts', protocol: 'hocuspocus', url: (s) => s.url.replace(/^http/, 'ws') },
  { name: 'bare', script: 'bench/servers/bare-relay.ts', protocol: 'ywebsocket', url: (s) => s.url.replace(/^http/, 'ws') },
  { name: 'gridlink-pg2', script: 'bench/servers/gridlink.ts', protocol: 'ywebsocket', url: (s) => s.url.replace(/^http/, 'ws'), pgRelays: 2, nodeArgs: RELAY_NODE_ARGS },
];

/** Several server processes measured as one: summed RSS, heap and CPU, the worst event-loop delays. */
function together(procs: ServerProc[]): ServerProc {
  const first = procs[0]!;
  return {
    ...first,
    metrics: async () => {
      const ms = await Promise.all(procs.map((p) => p.metrics()));
      const sum = (k: 'rss' | 'heapUsed' | 'cpuMs') => ms.reduce((n, m) => n + m[k], 0);
      const max = (k: 'eldP50' | 'eldP99' | 'eldMax') => Math.max(...ms.map((m) => m[k]));
      return { rss: sum('rss'), heapUsed: sum('heapUsed'), cpuMs: sum('cpuMs'), eldP50: max('eldP50'), eldP99: max('eldP99'), eldMax: max('eldMax'), extra: {} };
    },
    resetEventLoop: async () => void (await Promise.all(procs.map((p) => p.resetEventLoop()))),
    gc: async () => void (await Promise.all(procs.map((p) => p.gc()))),
    profileStart: async () => void (await Promise.all(procs.map((p) => p.profileStart()))),
    profileStop: async (file) => void (await Promise.all(procs.map((p, i) => p.profileStop(file.replace(/\.cpuprofile$/, `-${i}.cpuprofile`))))),
    stop: async () => void (await Promise.all(procs.map((p) => p.stop()))),
  };
}

/** A fresh PostgreSQL database seeded like the SQLite DATA_DIR (null: PostgreSQL or pg-native unavailable). */
async function pgCounty(org: CountyData['org'], events: CountyData['events']): Promise<TestDatabase | null> {
  if (!pgAvailable()) return null;
  const db = createTestDatabase();
  const store = new Store('/nonexistent', { databaseUrl: db.url });
  try {
    await seedStore(store, { org, events: [...events] }, { password: BENCH_PASSWORD, clientId: SEED_CLIENT });
  } finally {
    store.close();
  }
  return db;
}

interface Figures {
  rss: number;
  perConn: number;
  p50: number;
  p99: number;
  fanoutRate: number;
  perCore: number;
  satRate: number;
  stormMs: number;
  stormFromLastJoinMs: number;
  stormClientP99Ms: number;
  stormSynced: number;
  eldP99: number;
  connected: number;
}

/**
 * `profileDir`: write a V8 CPU profile of each server's fan-out and saturation phases there
 * (`<server>-fanout.cpuprofile`, `<server>-saturation.cpuprofile`; summarised by bench/relay/profile.ts). Profiling
 * costs the server CPU: the figures of such a run are not the benchmark's.
 */
export async function relayFigure(opts: { clients: number; seconds: number; perTown: number; quick: boolean; profileDir?: string; servers?: readonly string[]; log: (m: string) => void }): Promise<Result[]> {
  const { log } = opts;
  const data = await countyData({ workerCases: opts.quick ? 300 : 2000, perTown: opts.perTown, name: 'relay' });
  const org = data.org;
  const docs = relayDocs(org);
  const stateVectors = storedStateVectors(data.dataDir, docs);
  const clients = await loadClients(org, docs, opts.clients);

  // Writers: the first client of each town doc; each update one real case report with a probe marker.
  const receivers = (doc: string) => clients.filter((c) => c.doc === doc).length - 1;
  const writerIdx = docs.slice(1).map((d) => clients.findIndex((c) => c.doc === d));
  const avgReceivers = writerIdx.reduce((n, i) => n + receivers(clients[i]!.doc), 0) / writerIdx.length;
  const rate = TARGET_DELIVERIES / avgReceivers;
  const satRate = rate * 10;
  const perWriter = Math.ceil(((rate * opts.seconds + satRate * (opts.seconds / 2)) / writerIdx.length) * 1.2) + 10;
  const writers = makeWriters(org, clients, writerIdx, perWriter);
  log(`  ${clients.length} clients over ${docs.length} docs; ${writers.length} writers x ${perWriter} updates; ${rate.toFixed(1)} updates/s for ${TARGET_DELIVERIES} deliveries/s`);

  const figures = new Map<string, Figures | string>();
  // --quick (under 3 minutes) leaves out the bare ceiling: the Hocuspocus peer is the reference. `servers`
  // (--relay-servers=...) runs only those named, to compare two of them quickly; the others are left out on purpose.
  const leftOut = (name: string) => (opts.servers ? !opts.servers.includes(name) : opts.quick && name === 'bare');
  for (const kind of KINDS.filter((k) => !leftOut(k.name))) {
    let server: ServerProc | null = null;
    let gen: LoadGen | null = null;
    let pg: TestDatabase | null = null;
    try {
      // Each server starts from the same seeded store (the Gridlink relay persists what the load wrote).
      const dataDir = `${data.dataDir}-${kind.name}`;
      rmSync(dataDir, { recursive: true, force: true });
      cpSync(data.dataDir, dataDir, { recursive: true });
      if (kind.pgRelays) {
        pg = await pgCounty(org, data.events);
        if (!pg) {
          log(`  ${kind.name}: not run (no PostgreSQL or pg-native here)`);
          continue;
        }
      }
      // Every client of the load generator comes from 127.0.0.1: the relay's cap of connections per address (512 by
      // default, issue 10) would refuse half of them. Off here; nothing else of the limits changes.
      const env = { DATA_DIR: dataDir, STATIC_DIR: join(OUT, 'none'), JWT_SECRET: BENCH_JWT_SECRET, IDLE_UNLOAD_MS: '600000', HTTP_MAX_CONNS_PER_ADDRESS: '0', ...(pg ? { DATABASE_URL: pg.url } : {}) };
      const procs: ServerProc[] = [];
      for (let i = 0; i < (kind.pgRelays ?? 1); i++) procs.push(await startServerProc(join(ROOT, kind.script), env, { name: kind.pgRelays ? `${kind.name}-${i}` : kind.name, nodeArgs: [...(kind.nodeArgs ?? [])] }));
      server = procs.length > 1 ? together(procs) : procs[0]!;
      const urls = procs.map((p) => kind.url(p));
      const setupFile = join(OUT, `loadgen-${kind.name}.json`);
      // Several relays: the clients of each doc alternate between them (client i is on doc i mod docs).
      const specs = clients.map((c, i) => ({ doc: c.doc, token: c.token, ...(urls.length > 1 ? { url: urls[Math.floor(i / docs.length) % urls.length] } : {}) }));
      writeFileSync(setupFile, JSON.stringify({ url: urls[0], protocol: kind.protocol, clients: specs, writers, stateVectors }));
      gen = await startLoadGen(setupFile);
      const first = await gen.ask<{ ms: number; synced: number }>('connect', 0, docs.length, 50);
      const base = await server.metrics();
      const all = await gen.ask<{ ms: number; synced: number }>('connect', docs.length, clients.length, 200);
      await new Promise((r) => setTimeout(r, 3000));
      const loaded = await server.metrics();
      const connected = first.synced + all.synced;
      log(`  ${kind.name}: ${connected} synced, RSS ${(loaded.rss / 2 ** 20).toFixed(0)} MB (docs loaded: ${(base.rss / 2 ** 20).toFixed(0)} MB)`);
      const profiled = async <T>(phase: string, run: () => Promise<T>): Promise<T> => {
        if (!opts.profileDir) return run();
        await server!.profileStart();
        const out = await run();
        await server!.profileStop(join(opts.profileDir, `${kind.name}-${phase}.cpuprofile`));
        return out;
      };
      const fan = await profiled('fanout', () => gen!.ask<{ sentUpdates: number; deliveries: number; latencies: number[]; ms: number }>('load', rate, opts.seconds));
      log(`  ${kind.name}: fan-out ${fan.deliveries} deliveries in ${(fan.ms / 1000).toFixed(0)} s, p50 ${percentile(fan.latencies, 50).toFixed(1)} ms, p99 ${percentile(fan.latencies, 99).toFixed(1)} ms`);
      const c0 = await server.metrics();
      const sat = await profiled('saturation', () => gen!.ask<{ sentUpdates: number; deliveries: number; latencies: number[]; ms: number }>('load', satRate, opts.seconds / 2));
      const c1 = await server.metrics();
      const cpuS = (c1.cpuMs - c0.cpuMs) / 1000;
      const commits = (c1.extra.commits ?? NaN) - (c0.extra.commits ?? NaN);
      const writes = (c1.extra.writes ?? NaN) - (c0.extra.writes ?? NaN);
      const compactions = (c1.extra.compactions ?? NaN) - (c0.extra.compactions ?? NaN);
      const perCommit = commits > 0 ? `, ${(sat.sentUpdates / commits).toFixed(2)} updates per commit, ${(sat.deliveries / writes).toFixed(2)} deliveries per socket write, ${compactions} compactions` : '';
      log(`  ${kind.name}: saturation ${sat.deliveries} deliveries, ${cpuS.toFixed(1)} CPU s (${(sat.deliveries / (sat.ms / 1000 + 2)).toFixed(0)}/s wall${perCommit}), latency p50 ${percentile(sat.latencies, 50).toFixed(1)} ms, p99 ${percentile(sat.latencies, 99).toFixed(1)} ms`);
      await server.resetEventLoop();
      const storm = await gen.ask<StormResult>('storm', STORM_SPREAD_MS);
      const after = await server.metrics();
      log(`  ${kind.name}: storm ${storm.synced}/${storm.total} synced in ${(storm.ms / 1000).toFixed(1)} s, ${(storm.fromLastJoinMs / 1000).toFixed(2)} s after the last join (each client's join to sync p99 ${storm.clientP99Ms.toFixed(0)} ms), event-loop p99 ${after.eldP99.toFixed(0)} ms`);
      figures.set(kind.name, {
        rss: loaded.rss,
        perConn: (loaded.rss - base.rss) / Math.max(1, connected - first.synced),
        p50: percentile(fan.latencies, 50),
        p99: percentile(fan.latencies, 99),
        fanoutRate: fan.deliveries / (fan.ms / 1000),
        perCore: cpuS > 0 ? sat.deliveries / cpuS : NaN,
        satRate: sat.deliveries / (sat.ms / 1000 + 2),
        stormMs: storm.ms,
        stormFromLastJoinMs: storm.fromLastJoinMs,
        stormClientP99Ms: storm.clientP99Ms,
        stormSynced: storm.synced,
        eldP99: after.eldP99,
        connected,
      });
    } catch (e) {
      log(`  ${kind.name} failed: ${String(e)}`);
      figures.set(kind.name, String(e));
    } finally {
      await gen?.ask('close').catch(() => {});
      await gen?.stop();
      await server?.stop();
      pg?.drop();
    }
  }

  const g = figures.get('gridlink');
  const h = figures.get('hocuspocus');
  const b = figures.get('bare');
  const pg2 = figures.get('gridlink-pg2');
  const n = opts.clients;
  // What went wrong with a server's run: it failed, was not run, or not every client synced (its figures would
  // not be those of `n` clients).
  const problem = (f: Figures | string | undefined) => (typeof f === 'object' ? (f.connected < n ? `only ${f.connected}/${n} clients synced` : null) : (f ?? 'not run'));
  if (typeof g !== 'object') return [missing(`relay: ${n} clients`, '', null, `gridlink relay: ${problem(g)}`)];
  // Every row is compared with Hocuspocus and carries the bare ceiling in its note: either peer failing fails every
  // row. --quick does not run the bare relay at all, which is not a failure.
  const own = problem(g);
  const failed = [own ? `gridlink relay: ${own}` : '', peerFailures({ hocuspocus: problem(h), 'bare relay': leftOut('bare') ? null : problem(b) }) ?? ''].filter(Boolean).join('; ');
  const ref = (f: Figures | string | undefined, k: keyof Figures, scale = 1) => (typeof f === 'object' ? f[k] * scale : null);
  const ceiling = (k: keyof Figures, scale: number, unit: string) => {
    const peer = (name: string, f: Figures | string | undefined) => (typeof f === 'object' ? `${name} ${(f[k] * scale).toFixed(1)} ${unit}` : `${name} ${f === undefined ? 'not run' : 'failed'}`);
    const two = pg2 === undefined ? 'two relays on PostgreSQL not run (no PostgreSQL here)' : peer('two Gridlink relays on one PostgreSQL, clients of each doc split between them', pg2);
    return `reference: Hocuspocus 3.4.4 + sqlite; ${peer('hocuspocus', h)}, ${leftOut('bare') ? 'bare ws + y-protocols ceiling not run' : peer('bare ws + y-protocols ceiling', b)}; ${two}`;
  };
  const MB = 2 ** 20;
  return [
    figure({ name: `relay: RSS with ${n} clients synced`, value: g.rss / MB, unit: 'MB', budget: '<= 256', reference: ref(h, 'rss', 1 / MB), failed, note: `${g.connected} synced; ${ceiling('rss', 1 / MB, 'MB')}` }),
    figure({ name: 'relay: memory per connection', value: g.perConn / 1024, unit: 'KB', reference: ref(h, 'perConn', 1 / 1024), failed, note: `RSS growth from one client per doc to all; ${ceiling('perConn', 1 / 1024, 'KB')}` }),
    figure({ name: `relay: fan-out latency p50 at ${TARGET_DELIVERIES} deliveries/s`, value: g.p50, unit: 'ms', reference: ref(h, 'p50'), failed, note: `measured ${g.fanoutRate.toFixed(0)} deliveries/s; ${ceiling('p50', 1, 'ms')}` }),
    figure({ name: `relay: fan-out latency p99 at ${TARGET_DELIVERIES} deliveries/s`, value: g.p99, unit: 'ms', budget: '<= 50', reference: ref(h, 'p99'), failed, note: ceiling('p99', 1, 'ms') }),
    figure({ name: 'relay: deliveries/s per core at saturation', value: g.perCore, unit: 'deliveries/CPU-s', reference: ref(h, 'perCore'), failed, note: `${g.satRate.toFixed(0)} deliveries/s wall while 10x was offered; every update is validated and fsynced first; ${ceiling('perCore', 1, '/CPU-s')}` }),
    // The clients join over STORM_SPREAD_MS, so the time from the first join is the generator's spread; from the last
    // join (its socket open) to all synced is the relay's part (issue 16).
    figure({
      name: `relay: reconnect storm (${n} within ${STORM_SPREAD_MS / 1000} s), time from the last join to all synced`,
      value: g.stormFromLastJoinMs / 1000,
      unit: 's',
      budget: '<= 5',
      reference: ref(h, 'stormFromLastJoinMs', 1 / 1000),
      failed,
      note: `${g.stormSynced}/${n} synced; ${(g.stormMs / 1000).toFixed(2)} s from the first join (hocuspocus ${typeof h === 'object' ? (h.stormMs / 1000).toFixed(2) : '-'} s); each client's join to sync p99 ${g.stormClientP99Ms.toFixed(0)} ms (hocuspocus ${typeof h === 'object' ? h.stormClientP99Ms.toFixed(0) : '-'} ms); ${ceiling('stormFromLastJoinMs', 1 / 1000, 's')}`,
    }),
    figure({ name: 'relay: reconnect storm, event-loop delay p99', value: g.eldP99, unit: 'ms', budget: '<= 100', reference: ref(h, 'eldP99'), failed, note: ceiling('eldP99', 1, 'ms') }),
  ];
}
