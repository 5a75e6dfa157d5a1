/**
 * Issue 16, section 4, the soak: `clients` websocket clients (client i on doc i mod 14 of the county, as in the relay
 * figure) against the Gridlink relay in a process of its own (bench/servers/gridlink.ts, SQLite store in a fresh
 * DATA_DIR under bench/out/data), for `seconds`, driven by bench/relay/loadgen.ts with `track` (each client keeps
 * the state vector of what it has, as a device would, and re-sends its own updates a relay lost).
 * - Steady writes: `writeRate` updates/s in all (WRITE_RATE by default), round-robin over every client on a town doc (each update one real
 *   case report of the client's user).
 * - A reconnect storm every `stormEvery` seconds (unless `storms` is off): every client drops its socket and reconnects within
 *   STORM_SPREAD_MS; the figure is the time from the last client's join (its connect began) to all synced.
 * - `kill -9` of the relay at `killAt` seconds: the clients' sockets close; the clock of every writer's own updates
 *   in the ACKs it received before is what the relay acknowledged; the relay restarts on the same DATA_DIR and port,
 *   the clients reconnect (a storm, measured as the others), and each writer reads, in the relay's sync step 1
 *   before it re-sends anything, the clock the relay recovered: an acknowledged update is lost when it is above.
 * - RSS of the relay process every RSS_EVERY_MS (bench IPC hook): the max, and the slope over the steady part
 *   (after `warmup`, one storm period, of each process: the first and the restarted one), least squares over one
 *   point per storm period, the period's median, with one intercept per process (`periodMedians`). The load repeats
 *   with each storm, and the GC after a storm's reconnects drops RSS by up to 40 MB for a few samples in some periods
 *   and not in others: over raw samples a dip near the start of a window reads as growth (2.4 MB/min in a run whose
 *   per-period medians rose 0.6). The raw-sample slope is in the note.
 * - The V8 heap after a full GC once per storm period, GC_AT of the way from one storm to the next (the relay runs
 *   with --expose-gc; a full GC of some 150 MB pauses it for a tenth of a second once a minute): what the relay
 *   holds, without the garbage of the moment, so a leak shows as a slope, next to what the docs gain by right (every
 *   accepted event stays in its doc; the note gives the events per minute); and that slope net of the docs' data: what
   the written docs take loaded fresh from the store before and after the run, held as the relay holds them (Y.Doc
   and case index; `docHeap`), over the run's minutes.
 * - After the load: every client's state vector against the relay's (read from the store once the relay stopped),
 *   then the clients close and the relay must unload every doc within its idle period (IDLE_UNLOAD_MS, the relay's
 *   default 30 s, plus a margin), read through the hook (`Relay.loadedDocs`); and every acknowledged update of
 *   the whole run must be in the store.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULTS } from '../../server/config.ts';
import { OUT, ROOT } from '../lib/build.ts';
import { countyData } from '../lib/county.ts';
import { BENCH_JWT_SECRET } from '../lib/datadir.ts';
import { RELAY_NODE_ARGS, sleep, startServerProc, type ServerProc } from '../lib/proc.ts';
import { figure, median, missing, percentile, type Result } from '../lib/results.ts';
import { loadClients, makeWriters, relayDocs, startLoadGen, storedStateVectors, STORM_SPREAD_MS, type LoadGen, type StateVector, type StormResult } from '../relay/setup.ts';

/**
 * Updates per second from all clients together, by default. The county's real rate is far lower (about 20,000 cases
 * a year, some 300 events a day); 5/s is 300 a minute, 1,400 times the daily average, and it keeps the data the docs
 * legitimately gain (each event stays in its doc, in memory) well under the RSS budget.
 */
const WRITE_RATE = 5;
const RSS_EVERY_MS = 5000;
/** Where in each storm period the heap is read after a full GC: after the storm's reconnects have settled. */
const GC_AT = 0.75;
const IDLE_UNLOAD_MS = DEFAULTS.idleUnloadMs;
const MB = 2 ** 20;

export interface SoakOptions {
  clients: number;
  seconds: number;
  stormEvery: number;
  killAt: number;
  /** Seconds of each relay process left out of the RSS slope. */
  warmup: number;
  workerCases: number;
  perTown: number;
  /** Updates per second from all writers together (0: none). */
  writeRate: number;
  /**
   * Whether each period opens with a reconnect storm. Without storms (and with a write rate of 0 without writes) the
   * heap after a GC tells what the relay keeps per event from what it keeps per reconnect; the kill -9 stays.
   */
  storms: boolean;
  log: (m: string) => void;
}

/**
 * 10 minutes (2 with `quick`); `seconds` sets another length (whole storm periods; the kill -9 stays in the middle),
 * for a soak long enough to tell a relay's settling after its restart from a slow leak.
 */
export function soakOptions(quick: boolean, seconds?: number, variant: Partial<Pick<SoakOptions, 'writeRate' | 'storms'>> = {}): Omit<SoakOptions, 'log'> {
  const o = {
    ...(quick
      ? { clients: 200, seconds: 120, stormEvery: 20, killAt: 60, warmup: 20, workerCases: 300, perTown: 150 }
      : { clients: 1000, seconds: 600, stormEvery: 60, killAt: 300, warmup: 60, workerCases: 2000, perTown: 1540 }),
    writeRate: WRITE_RATE,
    storms: true,
    ...variant,
  };
  if (seconds === undefined) return o;
  const periods = Math.max(4, Math.round(seconds / o.stormEvery));
  return { ...o, seconds: periods * o.stormEvery, killAt: Math.floor(periods / 2) * o.stormEvery };
}

export interface Sample {
  t: number;
  rss: number;
  /** V8 heap in use (not after a GC: the relay is not disturbed). */
  heap?: number;
  /** The rest of process.memoryUsage() (the GC samples log them: what of RSS is not the live heap). */
  parts?: { heapTotal: number; external: number; arrayBuffers: number };
  process: number;
}

/** Least-squares slope of y over t with one intercept per group (the relay before and after its restart). */
export function pooledSlope(points: ReadonlyArray<{ t: number; y: number; group: number }>): number {
  let num = 0;
  let den = 0;
  for (const g of new Set(points.map((p) => p.group))) {
    const ps = points.filter((p) => p.group === g);
    if (ps.length < 2) continue;
    const mt = ps.reduce((s, p) => s + p.t, 0) / ps.length;
    const my = ps.reduce((s, p) => s + p.y, 0) / ps.length;
    for (const p of ps) {
      num += (p.t - mt) * (p.y - my);
      den += (p.t - mt) ** 2;
    }
  }
  return den > 0 ? num / den : NaN;
}

/**
 * The steady part of the RSS samples as one point per storm period of each process after its warm-up: the period's
 * middle (minutes) and its median RSS (or `of`: the heap), in MB, grouped by process.
 */
export function periodMedians(samples: readonly Sample[], o: Pick<SoakOptions, 'seconds' | 'stormEvery' | 'killAt' | 'warmup'>, of: (x: Sample) => number = (x) => x.rss): Array<{ t: number; y: number; group: number }> {
  const out: Array<{ t: number; y: number; group: number }> = [];
  for (const p of new Set(samples.map((x) => x.process))) {
    const end = p === 0 ? o.killAt : o.seconds;
    for (let a = (p === 0 ? 0 : o.killAt) + o.warmup; a + o.stormEvery <= end; a += o.stormEvery) {
      const ys = samples.filter((x) => x.process === p && x.t >= a && x.t < a + o.stormEvery).map((x) => of(x) / MB);
      if (ys.length) out.push({ t: (a + o.stormEvery / 2) / 60, y: median(ys), group: p });
    }
  }
  return out;
}

/**
 * The heap the cases docs of `docs` take loaded fresh from the store in `dataDir` and held as the relay holds them
 * (bench/servers/docheap.ts, a process of its own), and the events they hold: what the relay keeps by right.
 */
export function docHeap(dataDir: string, docs: readonly string[]): { bytes: number; events: number } {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(ROOT, 'bench/servers/docheap.ts'), ...docs], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`docheap failed (${r.status ?? r.signal}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout) as { bytes: number; events: number };
}

export async function soakFigure(opts: SoakOptions): Promise<Result[]> {
  const { log } = opts;
  const n = opts.clients;
  const data = await countyData({ workerCases: opts.workerCases, perTown: opts.perTown, name: 'soak' });
  const org = data.org;
  const docs = relayDocs(org);
  const stateVectors = storedStateVectors(data.dataDir, docs);
  const clients = await loadClients(org, docs, n);
  // Every client on a town doc writes; the round robin gives each about rate x seconds / writers turns.
  const writerIdx = clients.map((c, i) => (c.doc === docs[0] ? -1 : i)).filter((i) => i >= 0);
  const perWriter = Math.ceil((opts.writeRate * opts.seconds) / writerIdx.length) + 2;
  const writers = makeWriters(org, clients, writerIdx, perWriter);
  log(`  soak: ${n} clients over ${docs.length} docs for ${opts.seconds} s; ${writers.length} writers, ${opts.writeRate} updates/s; ${opts.storms ? 'a storm' : 'no storm, a GC'} every ${opts.stormEvery} s, kill -9 at ${opts.killAt} s`);

  // What the written docs take, held as the relay holds them, before the run (and after it, below).
  const written = docs.slice(1);
  const heapBefore = docHeap(data.dataDir, written);
  const env = { DATA_DIR: data.dataDir, STATIC_DIR: join(OUT, 'none'), JWT_SECRET: BENCH_JWT_SECRET, IDLE_UNLOAD_MS: String(IDLE_UNLOAD_MS), HTTP_MAX_CONNS_PER_ADDRESS: '0' };
  const script = join(ROOT, 'bench/servers/gridlink.ts');
  const nodeArgs = [...RELAY_NODE_ARGS, '--expose-gc'];
  let server: ServerProc | null = await startServerProc(script, env, { name: 'gridlink relay', nodeArgs });
  const port = server.port;
  let gen: LoadGen | null = null;
  let sampler: NodeJS.Timeout | null = null;
  const samples: Sample[] = [];
  /** The heap after a full GC, once per storm period (GC_AT). */
  const gcHeap: Sample[] = [];
  let proc = 0;
  try {
    const setupFile = join(OUT, 'loadgen-soak.json');
    writeFileSync(setupFile, JSON.stringify({ url: server.url.replace(/^http/, 'ws'), protocol: 'ywebsocket', track: true, clients: clients.map((c) => ({ doc: c.doc, token: c.token })), writers, stateVectors }));
    gen = await startLoadGen(setupFile);
    const joined = await gen.ask<{ ms: number; synced: number }>('connect', 0, n, 200);
    log(`  soak: ${joined.synced}/${n} synced in ${(joined.ms / 1000).toFixed(1)} s`);
    if (joined.synced < n) throw new Error(`only ${joined.synced}/${n} clients synced at the start`);

    const t0 = performance.now();
    const at = () => (performance.now() - t0) / 1000;
    sampler = setInterval(() => {
      const s = server;
      const p = proc;
      if (!s || s.child.exitCode !== null || s.child.signalCode !== null) return;
      s.metrics().then(
        (m) => samples.push({ t: at(), rss: m.rss, heap: m.heapUsed, process: p }),
        () => {},
      );
    }, RSS_EVERY_MS);
    const loading = gen.ask<{ sentUpdates: number; deliveries: number; latencies: number[]; ms: number }>('load', opts.writeRate, opts.seconds);

    const storms: Array<StormResult & { at: number; restart: boolean }> = [];
    let kill: { acknowledged: number; lost: number; unknown: number; restartMs: number } | null = null;
    for (let s = opts.stormEvery; s < opts.seconds; s += opts.stormEvery) {
      await sleep(Math.max(0, (s - at()) * 1000));
      const restart = kill === null && s >= opts.killAt;
      if (restart) {
        // kill -9 at a moment of steady writes: what the writers were told is durable must survive it.
        server.child.kill('SIGKILL');
        await new Promise<void>((r) => (server!.child.exitCode !== null || server!.child.signalCode !== null ? r() : server!.child.once('exit', () => r())));
        const killedAt = performance.now();
        const open = await gen.ask<number>('closed', 15_000);
        if (open > 0) throw new Error(`${open} sockets still open 15 s after kill -9`);
        const ackedAtKill = new Map(await gen.ask<StateVector>('acked'));
        proc++;
        server = await startServerProc(script, { ...env, PORT: String(port) }, { name: 'gridlink relay (restarted)', nodeArgs });
        const restartMs = performance.now() - killedAt;
        const storm = await gen.ask<StormResult>('storm', STORM_SPREAD_MS);
        storms.push({ ...storm, at: s, restart });
        // Each writer's clock in the restarted relay's sync step 1, before it re-sent anything of its own.
        const joinClocks = new Map(await gen.ask<StateVector>('joinClocks'));
        kill = { acknowledged: 0, lost: 0, unknown: 0, restartMs };
        for (const [clientId, clock] of ackedAtKill) {
          kill.acknowledged += clock;
          const have = joinClocks.get(clientId) ?? -1;
          if (have < 0) kill.unknown++;
          else kill.lost += Math.max(0, clock - have);
        }
        log(`  soak ${s} s: kill -9; restarted in ${(restartMs / 1000).toFixed(1)} s; ${kill.acknowledged} updates acknowledged before, ${kill.lost} lost${kill.unknown ? `, ${kill.unknown} writers not re-joined` : ''}`);
      } else if (opts.storms) {
        storms.push({ ...(await gen.ask<StormResult>('storm', STORM_SPREAD_MS)), at: s, restart });
      }
      const st = storms[storms.length - 1];
      if (s + opts.stormEvery < opts.seconds) {
        await sleep(Math.max(0, (s + GC_AT * opts.stormEvery - at()) * 1000));
        await server.gc();
        const m = await server.metrics();
        gcHeap.push({ t: at(), rss: m.rss, heap: m.heapUsed, parts: { heapTotal: m.heapTotal ?? NaN, external: m.external ?? NaN, arrayBuffers: m.arrayBuffers ?? NaN }, process: proc });
      }
      if (st?.at === s) log(`  soak ${s} s: storm ${st.synced}/${st.total} synced, ${(st.fromLastJoinMs / 1000).toFixed(2)} s from the last join (${(st.ms / 1000).toFixed(1)} s from the first), each client's join to sync p99 ${st.clientP99Ms.toFixed(0)} ms`);
    }
    const load = await loading;
    clearInterval(sampler);
    sampler = null;
    log(`  soak: ${load.sentUpdates} updates sent, ${load.deliveries} deliveries, fan-out p99 ${percentile(load.latencies, 99).toFixed(0)} ms`);

    // Quiet: every client's state, then they leave and the relay must unload every doc within its idle period.
    await sleep(3000);
    const states = await gen.ask<Array<{ doc: string; sv: StateVector; pending: number; synced: boolean }>>('state');
    const ackedAll = new Map(await gen.ask<StateVector>('acked'));
    await gen.ask('close');
    const closedAt = performance.now();
    let loaded = (await server.metrics()).extra.loadedDocs ?? NaN;
    while (loaded > 0 && performance.now() - closedAt < IDLE_UNLOAD_MS + 30_000) {
      await sleep(2000);
      loaded = (await server.metrics()).extra.loadedDocs ?? NaN;
    }
    const unloadS = (performance.now() - closedAt) / 1000;
    log(`  soak: ${loaded} docs loaded ${unloadS.toFixed(0)} s after the clients left (idle unload ${IDLE_UNLOAD_MS / 1000} s)`);
    await server.stop();
    server = null;

    const heapAfter = docHeap(data.dataDir, written);
    const dataSlope = (heapAfter.bytes - heapBefore.bytes) / MB / (opts.seconds / 60);
    const perEvent = (heapAfter.bytes - heapBefore.bytes) / Math.max(1, heapAfter.events - heapBefore.events);
    log(`  soak: the town docs loaded fresh take ${(heapBefore.bytes / MB).toFixed(1)} MB of heap for ${heapBefore.events} events before the run, ${(heapAfter.bytes / MB).toFixed(1)} MB for ${heapAfter.events} after: ${(perEvent / 1024).toFixed(2)} KB per event, ${dataSlope.toFixed(2)} MB/min`);

    // The relay's docs as stored, against every client and every acknowledged update.
    const stored = Object.fromEntries(Object.entries(storedStateVectors(data.dataDir, docs)).map(([d, sv]) => [d, new Map(sv)]));
    const same = (a: Map<number, number>, b: Map<number, number>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
    const converged = states.filter((c) => c.pending === 0 && same(new Map(c.sv), stored[c.doc]!)).length;
    const writerDoc = new Map(writers.map((w) => [w.clientId, clients[w.client]!.doc]));
    let lostAtEnd = 0;
    let ackedTotal = 0;
    for (const [clientId, clock] of ackedAll) {
      ackedTotal += clock;
      lostAtEnd += Math.max(0, clock - (stored[writerDoc.get(clientId)!]!.get(clientId) ?? 0));
    }
    log(`  soak: ${converged}/${n} clients converged; ${ackedTotal} updates acknowledged in the run, ${lostAtEnd} not in the store at the end`);

    log(`  soak: RSS MB every ${RSS_EVERY_MS / 1000} s: ${samples.map((p) => `${p.process ? '*' : ''}${(p.rss / MB).toFixed(0)}`).join(' ')} (* restarted relay)`);
    log(`  soak: heap MB every ${RSS_EVERY_MS / 1000} s: ${samples.map((p) => `${p.process ? '*' : ''}${((p.heap ?? NaN) / MB).toFixed(0)}`).join(' ')}`);
    // RSS: one slope over the steady part of each relay process, from the medians of its storm periods.
    const steady = samples.filter((p) => p.t - (p.process === 0 ? 0 : opts.killAt) >= opts.warmup && p.t < (p.process === 0 ? opts.killAt : opts.seconds));
    const periods = periodMedians(samples, opts);
    const slope = pooledSlope(periods);
    const rawSlope = pooledSlope(steady.map((p) => ({ t: p.t / 60, y: p.rss / MB, group: p.process })));
    const heapPeriods = periodMedians(samples, opts, (x) => x.heap ?? NaN);
    const gcPoints = periodMedians(gcHeap, opts, (x) => x.heap ?? NaN);
    const gcSlope = pooledSlope(gcPoints);
    log(`  soak: heap MB after a full GC, once a period: ${gcHeap.map((p) => `${p.process ? '*' : ''}${((p.heap ?? NaN) / MB).toFixed(1)}`).join(' ')}`);
    log(`  soak: at each GC sample, MB RSS / heap committed / external (of it array buffers): ${gcHeap.map((p) => `${p.process ? '*' : ''}${[p.rss, p.parts?.heapTotal ?? NaN, p.parts?.external ?? NaN, p.parts?.arrayBuffers ?? NaN].map((x) => (x / MB).toFixed(0)).join('/')}`).join(' ')}`);
    const maxRss = Math.max(...samples.map((p) => p.rss)) / MB;
    const range = (proc: number) => {
      const ps = steady.filter((p) => p.process === proc);
      return ps.length ? `${(ps[0]!.rss / MB).toFixed(0)} -> ${(ps[ps.length - 1]!.rss / MB).toFixed(0)} MB over ${(ps[ps.length - 1]!.t - ps[0]!.t).toFixed(0)} s` : 'no samples';
    };
    const worst = storms.reduce((m, s) => Math.max(m, Number.isFinite(s.fromLastJoinMs) ? s.fromLastJoinMs : Infinity), 0);
    const stormList = storms.map((s) => `${s.at} s${s.restart ? ' (after kill -9)' : ''}: ${(s.fromLastJoinMs / 1000).toFixed(2)} s (${s.synced}/${s.total}, each client's join to sync p99 ${s.clientP99Ms.toFixed(0)} ms)`).join(', ');
    const killNote = kill ? `kill -9 at ${opts.killAt} s, relay back in ${(kill.restartMs / 1000).toFixed(1)} s: ${kill.acknowledged} updates acknowledged before it, ${kill.lost} of them not in the restarted relay${kill.unknown ? `, ${kill.unknown} writers never re-joined (unknown)` : ''}; at the end ${ackedTotal} acknowledged in the run, ${lostAtEnd} not in the store` : 'no kill';
    const where = `${n} clients, ${opts.seconds} s, ${opts.writeRate} updates/s (${load.sentUpdates} sent), ${opts.storms ? 'storm' : 'no storm (a GC sample)'} every ${opts.stormEvery} s`;
    return [
      // Budget 1 MB/min: each minute brings 1,000 reconnects and some 300 accepted events, so a leak of 1 KB per
      // connection or about 3 KB per update would reach it (and 1.4 GB a day); the events the docs keep in memory
      // are a part of it by right. Below about 1 MB/min a 4-minute window cannot tell a trend from GC noise here.
      figure({
        name: 'soak: relay RSS slope after warm-up',
        value: slope,
        unit: 'MB/min',
        budget: '<= 1',
        note: `${where}; least squares over the median RSS of each ${opts.stormEvery} s storm period (${periods.map((p) => `${p.group ? '*' : ''}${p.y.toFixed(0)}`).join(' ')} MB; * after kill -9), the first ${opts.warmup} s of each process left out, one intercept per process; over the ${steady.length} raw samples (every ${RSS_EVERY_MS / 1000} s) ${rawSlope.toFixed(2)} MB/min: ${range(0)}; ${range(1)}; V8 heap in use, same periods: ${heapPeriods.map((p) => `${p.group ? '*' : ''}${p.y.toFixed(0)}`).join(' ')} MB, slope ${pooledSlope(heapPeriods).toFixed(2)} MB/min`,
      }),
      // No budget: the docs keep every accepted event, a part of this slope by right (the next figure takes it out).
      figure({
        name: 'soak: relay heap after a full GC, slope after warm-up',
        value: gcSlope,
        unit: 'MB/min',
        note: `${where}; ${(load.sentUpdates / (opts.seconds / 60)).toFixed(0)} events accepted a minute; one full GC ${GC_AT * opts.stormEvery} s after each storm: ${gcPoints.map((p) => `${p.group ? '*' : ''}${p.y.toFixed(1)}`).join(' ')} MB (* after kill -9), the first ${opts.warmup} s of each process left out, one intercept per process`,
      }),
      // What the relay holds beyond its docs' data: the slope above less what the written docs gained, loaded fresh
      // from the store before and after the run and held as the relay holds them (Y.Doc and case index). Budget
      // 0.1 MB/min: 100 bytes kept per reconnect, or a tenth of what an event costs, would reach it.
      figure({
        name: 'soak: relay heap after a full GC, slope net of the docs\' data',
        value: gcSlope - dataSlope,
        unit: 'MB/min',
        budget: '<= 0.1',
        note: `${gcSlope.toFixed(2)} MB/min less ${dataSlope.toFixed(2)} MB/min: the ${written.length} town docs loaded fresh take ${(heapBefore.bytes / MB).toFixed(1)} MB of heap for ${heapBefore.events} events before the run and ${(heapAfter.bytes / MB).toFixed(1)} MB for ${heapAfter.events} after (${(perEvent / 1024).toFixed(2)} KB per event) over ${opts.seconds / 60} min`,
      }),
      figure({ name: 'soak: relay RSS max', value: maxRss, unit: 'MB', note: `${where}; ${samples.length} samples` }),
      figure({
        name: `soak: reconnect storm (${n} within ${STORM_SPREAD_MS / 1000} s), time from the last join to all synced, worst`,
        value: Number.isFinite(worst) ? worst / 1000 : null,
        unit: 's',
        budget: '<= 5',
        note: `${storms.length} storms: ${stormList}`,
        ...(Number.isFinite(worst) ? {} : { failed: `a storm did not sync every client within 120 s: ${stormList}` }),
      }),
      figure({
        name: 'soak: acknowledged updates lost (kill -9 in the middle)',
        value: kill && !kill.unknown ? kill.lost + lostAtEnd : null,
        unit: 'updates',
        budget: '<= 0',
        note: killNote,
      }),
      figure({ name: 'soak: docs loaded after idle', value: loaded, unit: 'docs', budget: '<= 0', note: `${unloadS.toFixed(0)} s after the last client left; IDLE_UNLOAD_MS ${IDLE_UNLOAD_MS} (the default)` }),
      figure({
        name: 'soak: clients converged with the relay',
        value: converged,
        unit: 'clients',
        budget: `>= ${n}`,
        note: `state vector of each client (what it received and sent) equal to its doc's in the store after the run; ${states.filter((c) => c.pending > 0).length} with updates waiting behind a gap`,
      }),
      figure({ name: 'soak: fan-out latency p99', value: percentile(load.latencies, 99), unit: 'ms', note: `${where}; ${load.deliveries} deliveries, p50 ${percentile(load.latencies, 50).toFixed(1)} ms; storms and the restart included` }),
    ];
  } catch (e) {
    log(`  soak failed: ${String(e)}`);
    return [missing('soak', '', null, `soak: ${e instanceof Error ? e.message : String(e)}`)];
  } finally {
    if (sampler) clearInterval(sampler);
    await gen?.ask('close').catch(() => {});
    await gen?.stop();
    await server?.stop();
  }
}
