/**
 * `npm run bench` (full, about 35 minutes: the photos figure alone sends 4 MB of photos at 70 kbps, about 13 minutes)
 * and `npm run bench -- --quick` (smaller data and fewer runs, under 20 minutes): every figure of issues 3 and 12
 * with its budget and a reference measured in the same run. Writes
 * bench/results.json (`[{name, value, unit, budget, reference, ratio, pass, failed?, note?}]`) and prints a table.
 * `--only=bundle,pageload,warmstart,scale,seal,sync,relay,demo,compress,photos,hall,tasks,fuzz,soak` runs a subset (the file then holds that subset only; with
 * `--merge` the subset replaces its own entries in the existing bench/results.json).
 * Exit code: 0 when every figure was measured, budget misses included (a miss is a finding, marked **MISS**). 1 when
 * any figure of this run failed: its value could not be measured, or a peer or reference it is compared with
 * (Hocuspocus, the bare relay, PouchDB/pouchdb-server, the bare-stack page in Lighthouse or chromium) failed. A
 * failed figure is never shown as a number that passed: it has `pass: false` and `failed: <what and why>` in
 * bench/results.json, **FAILED** in the table, and the run ends with a list of what failed, after writing both.
 * `--relay-servers=gridlink,hocuspocus` runs only the named servers of the relay figure (a quicker comparison).
 * The fuzz group (issue 16) runs the relay fuzzer for 5 minutes (1 with --quick; `--fuzz-seconds=<s>`, `--fuzz-seed=<n>`).
 * The soak group (issue 16: 1,000 clients for 10 minutes, about 12 with its set-up and the idle wait; 200 for 2 with
 * --quick; `--soak-seconds=<s>` for another length, the kill -9 in its middle; `--soak-write-rate=<n>` and
 * `--soak-no-storms` for its variants) runs only when named (`--only=soak`, or in a list): a full run would take a
 * third longer with it.
 * A peer left out on purpose (--quick: PouchDB, the bare relay) is not a failure.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFigure } from './figures/bundle.ts';
import { compressFigure } from './figures/compress.ts';
import { demoFigure } from './figures/demo.ts';
import { fuzzFigure } from './figures/fuzz.ts';
import { hallFigure } from './figures/hall.ts';
import { tasksFigure } from './figures/tasks.ts';
import { lighthouseFigure } from './figures/lighthouse.ts';
import { photosFigure } from './figures/photos.ts';
import { relayFigure } from './figures/relay.ts';
import { scaleFigure } from './figures/scale.ts';
import { sealFigure } from './figures/seal.ts';
import { soakFigure, soakOptions } from './figures/soak.ts';
import { syncFigure } from './figures/sync.ts';
import { warmStartFigure } from './figures/warmstart.ts';
import { APP_OUT, ROOT } from './lib/build.ts';
import { countyData } from './lib/county.ts';
import { BENCH_JWT_SECRET } from './lib/datadir.ts';
import { ensurePeers } from './lib/peers.ts';
import { startServerProc } from './lib/proc.ts';
import { exitStatus, failures, failureSummary, missing, table, type Result } from './lib/results.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const want = (f: string) => !only || only.includes(f);
/** The fuzz group's length (default 5 minutes, 1 with --quick) and seed (default random, printed). */
const fuzzSeconds = Number(args.find((a) => a.startsWith('--fuzz-seconds='))?.slice('--fuzz-seconds='.length) ?? (quick ? 60 : 300));
const fuzzSeed = Number(args.find((a) => a.startsWith('--fuzz-seed='))?.slice('--fuzz-seed='.length) ?? Math.floor(Math.random() * 2 ** 31));
/** `--profile[=DIR]`: CPU profiles of the relay figure's servers (bench/figures/relay.ts; default bench/out/profiles). */
const profileArg = args.find((a) => a === '--profile' || a.startsWith('--profile='));
/** `--soak-seconds=<s>`: the soak's length (default 600, 120 with --quick). */
const soakSecondsArg = args.find((a) => a.startsWith('--soak-seconds='))?.slice('--soak-seconds='.length);
const soakSeconds = soakSecondsArg === undefined ? undefined : Number(soakSecondsArg);
if (soakSeconds !== undefined && !(soakSeconds > 0)) throw new Error(`--soak-seconds must be a positive number of seconds, not ${soakSecondsArg}`);
/**
 * The soak's variants, to tell what the relay keeps per event from what it keeps per reconnect: `--soak-write-rate=<n>`
 * (updates/s, default 5; 0 for none) and `--soak-no-storms` (a GC sample each period, no reconnect storm).
 */
const soakRateArg = args.find((a) => a.startsWith('--soak-write-rate='))?.slice('--soak-write-rate='.length);
const soakWriteRate = soakRateArg === undefined ? undefined : Number(soakRateArg);
if (soakWriteRate !== undefined && !(soakWriteRate >= 0)) throw new Error(`--soak-write-rate must be a number of updates per second, 0 or more, not ${soakRateArg}`);
const soakVariant = { ...(soakWriteRate === undefined ? {} : { writeRate: soakWriteRate }), ...(args.includes('--soak-no-storms') ? { storms: false } : {}) };
/** `--relay-servers=gridlink,hocuspocus`: the relay figure runs only these (of gridlink, hocuspocus, bare, gridlink-pg2). */
const relayServers = args.find((a) => a.startsWith('--relay-servers='))?.slice('--relay-servers='.length).split(',');

const started = performance.now();
const log = (m: string) => console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}`);

const P = quick
  ? { lighthouseRuns: 1, warmRuns: 2, perTown: 150, workerCases: 300, scaleRepeats: 2, relayClients: 200, relaySeconds: 4, syncWorkerCases: 300, weekEvents: 120 }
  : { lighthouseRuns: 5, warmRuns: 5, perTown: 1540, workerCases: 2000, scaleRepeats: 5, relayClients: 1000, relaySeconds: 20, syncWorkerCases: 2000, weekEvents: 420 };

/** Name prefixes of each figure group (for --only=... --merge). */
const GROUP_PREFIX: Record<string, string> = {
  bundle: 'bundle',
  pageload: 'page load',
  warmstart: 'warm offline start',
  scale: 'local data',
  seal: 'seal',
  sync: 'sync',
  relay: 'relay',
  demo: 'demo',
  compress: 'photo compression',
  photos: 'photos',
  hall: 'hall',
  tasks: 'tasks',
  fuzz: 'fuzz',
  soak: 'soak',
};
function groupOrder(name: string): number {
  const i = Object.values(GROUP_PREFIX).findIndex((p) => name.startsWith(p));
  return i < 0 ? 99 : i;
}

async function step(name: string, fn: () => Promise<Result[]>, results: Result[]): Promise<void> {
  const t0 = performance.now();
  log(`${name} ...`);
  try {
    results.push(...(await fn()));
  } catch (e) {
    console.error(e);
    results.push(missing(name, '', null, `failed: ${e instanceof Error ? e.message : String(e)}`));
  }
  log(`${name} done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

async function main(): Promise<number> {
  const results: Result[] = [];
  log(`${quick ? 'quick' : 'full'} run${only ? ` (only ${only.join(', ')})` : ''}`);
  if (want('pageload') || want('sync') || want('relay') || want('photos')) ensurePeers(log);

  // The app build serves figures 2 and 3, so it runs whenever they do.
  if (want('bundle') || want('pageload') || want('warmstart')) {
    await step('bundle', async () => (await bundleFigure(log)).results, results);
    if (!want('bundle')) results.length = 0;
  }

  if (want('pageload') || want('warmstart')) {
    const data = await countyData({ workerCases: P.syncWorkerCases, perTown: 0, name: 'app' });
    const relay = await startServerProc(join(ROOT, 'bench/servers/gridlink.ts'), { DATA_DIR: data.dataDir, STATIC_DIR: APP_OUT, JWT_SECRET: BENCH_JWT_SECRET }, { name: 'gridlink relay' });
    try {
      if (want('pageload')) await step('page load (Lighthouse)', () => lighthouseFigure({ appUrl: relay.url, runs: P.lighthouseRuns, log }), results);
      if (want('warmstart')) await step('warm offline start', () => warmStartFigure({ appUrl: relay.url, runs: P.warmRuns, log }), results);
    } finally {
      await relay.stop();
    }
  }

  if (want('scale')) await step('local data at scale', () => scaleFigure({ perTown: P.perTown, workerCases: P.workerCases, repeats: P.scaleRepeats, log }), results);
  if (want('seal')) await step('seal on a shared PC', () => sealFigure({ perTown: P.perTown, workerCases: P.workerCases, runs: quick ? 1 : 3, log }), results);
  if (want('sync')) await step('sync on a weak link', () => syncFigure({ workerCases: P.syncWorkerCases, weekEvents: P.weekEvents, quick, log }), results);
  if (want('compress')) await step('photo compression', () => compressFigure({ runs: quick ? 1 : 5, log }), results);
  if (want('photos')) await step('photos on a weak link', () => photosFigure({ quick, log }), results);
  if (want('demo')) await step('demo county', () => demoFigure({ runs: quick ? 1 : 3, log }), results);
  if (want('hall')) await step('command hall', () => hallFigure({ runs: quick ? 1 : 3, log }), results);
  // Issue 17: the grid worker's 我的任务 with 200 due care visits (builds the pages again when hall did not).
  if (want('tasks')) await step('worker tasks', () => tasksFigure({ runs: quick ? 1 : 3, log, build: !want('hall') }), results);
  const profileDir = profileArg ? (profileArg.includes('=') ? profileArg.slice('--profile='.length) : join(ROOT, 'bench/out/profiles')) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  if (want('relay')) await step('relay', () => relayFigure({ clients: P.relayClients, seconds: P.relaySeconds, perTown: quick ? 150 : P.perTown, quick, log, ...(profileDir ? { profileDir } : {}), ...(relayServers ? { servers: relayServers } : {}) }), results);
  if (want('fuzz')) await step('relay fuzzing', () => fuzzFigure({ seconds: fuzzSeconds, seed: fuzzSeed, log }), results);
  // Not in a run of every group: only when asked for by name.
  if (only?.includes('soak')) await step('relay soak', () => soakFigure({ ...soakOptions(quick, soakSeconds, soakVariant), log }), results);

  const file = join(ROOT, 'bench/results.json');
  // The exit status is this run's: entries kept from an earlier run by --merge show in the file, not in it.
  const failed = failures(results);
  if (only && args.includes('--merge') && existsSync(file)) {
    // Re-run some figures into the last full results: drop that figure group's entries, keep the rest.
    const rerun = only.map((f) => GROUP_PREFIX[f] ?? f);
    const kept = (JSON.parse(readFileSync(file, 'utf8')) as Result[]).filter((r) => !rerun.some((p) => r.name.startsWith(p)));
    results.unshift(...kept);
    results.sort((a, b) => groupOrder(a.name) - groupOrder(b.name));
  }
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  console.log('\n' + table(results) + '\n');
  const misses = results.filter((r) => r.pass === false && r.failed === undefined).length;
  log(`${results.length} figures, ${misses} budget misses, ${failed.length} failed; wrote ${file} (${quick ? 'quick' : 'full'} run, ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  if (failed.length) console.error('\n' + failureSummary(failed));
  return exitStatus(failed);
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
