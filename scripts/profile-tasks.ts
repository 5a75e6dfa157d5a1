/**
 * Where issue 17's tasks figure (bench/figures/tasks.ts) spends its time: builds the bench pages unminified (function
 * names kept) into bench/out/pages-profile, then in Chromium at 4x CPU (as the figure) takes a V8 CPU profile of
 * measured mounts (`bench.first`: cold, or with the care index kept by an earlier session with TASKS_KEPT=1) and times each fold alone (`bench.breakdown`).
 * Prints the inclusive time of the main steps, the top self times, and the breakdown's medians.
 * Run: `node --import tsx scripts/profile-tasks.ts [mounts=9]`. Not a figure: the profiler itself slows the page.
 */
import { join } from 'node:path';
import { buildPages, ROOT } from '../bench/lib/build.ts';
import { allowTsxFunctions, cpuThrottle, launchBrowser } from '../bench/lib/chrome.ts';
import { median } from '../bench/lib/results.ts';
import { serveDir } from '../bench/lib/staticserver.ts';

const MOUNTS = Number(process.argv[2] ?? 9);
const OUT = join(ROOT, 'bench/out/pages-profile');
const mode = process.env.TASKS_KEPT ? 'kept' : 'cold';

await buildPages({ outDir: OUT, pages: ['tasks'], minify: false });

/** Steps of a mount, by the function that does each (inclusive time, outermost call only). */
const STEPS: Record<string, string> = {
  foldPeople: 'people fold',
  foldCare: 'care fold',
  foldParty: 'party fold',
  buildCareIndex: 'care index build',
  dueList: 'due list (filter, sort)',
  foldTasks: 'task fold',
  foldAnswers: 'answers fold',
  gridTasks: 'open tasks (gridTasks)',
  CareTasks: 'CareTasks render',
  CareRow: 'care rows render',
  OpenTasksLine: 'OpenTasksLine render',
  WorkerTasks: 'WorkerTasks render',
  loadCareIndex: 'stored index read',
  storeCareIndex: 'stored index write',
};

const site = await serveDir(OUT);
const browser = await launchBrowser();
try {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 });
  await allowTsxFunctions(ctx);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(`${site.url}/tasks.html`);
  await page.waitForFunction('window.bench !== undefined', undefined, { timeout: 60_000 });
  const cdp = await ctx.newCDPSession(page);
  await page.evaluate(`bench.first('${mode}')`);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  const inclusive = new Map<string, number[]>();
  const self = new Map<string, number>();
  const walls: number[] = [];
  let total = 0;
  for (let i = 0; i < MOUNTS; i++) {
    await page.evaluate('bench.setup()');
    await cpuThrottle(cdp, 4);
    await cdp.send('Profiler.start');
    const r = (await page.evaluate(`bench.first('${mode}', true)`)) as { ms: number };
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    await cpuThrottle(cdp, 1);
    walls.push(r.ms);
    const { steps, selfMs, ms } = analyse(profile);
    total += ms;
    for (const [k, v] of steps) inclusive.set(k, [...(inclusive.get(k) ?? []), v]);
    for (const [k, v] of selfMs) self.set(k, (self.get(k) ?? 0) + v);
  }
  console.log(`${mode} mount to first frame, under the profiler: median ${median(walls).toFixed(0)} ms (${walls.map((x) => x.toFixed(0)).join('/')})`);
  console.log(`profiled time per mount (4x CPU): ${(total / MOUNTS).toFixed(1)} ms; inclusive medians:`);
  for (const [fn, label] of Object.entries(STEPS)) {
    const xs = inclusive.get(fn);
    if (xs) console.log(`  ${label.padEnd(28)} ${median(xs).toFixed(1).padStart(6)} ms  (${fn})`);
  }
  console.log('top self time per mount:');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${(v / MOUNTS).toFixed(1).padStart(6)} ms  ${k}`);
  const parts: Array<Record<string, number>> = [];
  for (let i = 0; i < MOUNTS; i++) {
    await cpuThrottle(cdp, 4);
    parts.push((await page.evaluate('bench.breakdown()')) as Record<string, number>);
    await cpuThrottle(cdp, 1);
  }
  // One trace per mount: the main thread's events by kind (script, style and layout, paint).
  const kinds = new Map<string, number[]>();
  for (let i = 0; i < MOUNTS; i++) {
    await page.evaluate('bench.setup()');
    const events: Array<{ name: string; ph: string; dur?: number; tid: number; ts: number; cat: string }> = [];
    const collect = (d: { value: unknown[] }) => events.push(...(d.value as typeof events));
    cdp.on('Tracing.dataCollected', collect);
    const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
    await cpuThrottle(cdp, 4);
    await cdp.send('Tracing.start', { categories: 'blink.user_timing,devtools.timeline,v8.execute,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
    await page.evaluate(`performance.mark('m0'); bench.first('${mode}', true).then(() => performance.mark('m1'))`);
    await cdp.send('Tracing.end');
    await done;
    await cpuThrottle(cdp, 1);
    cdp.off('Tracing.dataCollected', collect);
    const m0 = events.find((e) => e.name === 'm0');
    const m1 = events.find((e) => e.name === 'm1');
    if (!m0 || !m1) continue;
    const main = m0.tid;
    const sums = new Map<string, number>();
    for (const e of events) {
      if (e.tid !== main || e.ph !== 'X' || !e.dur || e.ts < m0.ts || e.ts > m1.ts) continue;
      const kind = /^(FunctionCall|EvaluateScript|TimerFire|FireAnimationFrame|RunMicrotasks|v8\.run|EventDispatch)$/.test(e.name) ? 'script' : /^(UpdateLayoutTree|Layout|RecalculateStyles|ParseAuthorStyleSheet|UpdateLayerTree|PrePaint|HitTest)$/.test(e.name) ? 'style and layout' : /^(Paint|Layerize|Commit|CompositeLayers|RasterTask)$/.test(e.name) ? 'paint and commit' : null;
      if (kind) sums.set(kind, (sums.get(kind) ?? 0) + e.dur / 1000);
    }
    sums.set('mark to mark', (m1.ts - m0.ts) / 1000);
    for (const [k, v] of sums) kinds.set(k, [...(kinds.get(k) ?? []), v]);
  }
  console.log('main thread by kind in a traced mount (4x CPU, top-level and nested events of each kind summed, so overlapping), medians:');
  for (const [k, xs] of kinds) console.log(`  ${k.padEnd(28)} ${median(xs).toFixed(1).padStart(6)} ms`);
  console.log('each fold alone, no profiler (bench.breakdown, 4x CPU), medians:');
  for (const k of Object.keys(parts[0] ?? {})) console.log(`  ${k.padEnd(28)} ${median(parts.map((p) => p[k]!)).toFixed(1).padStart(6)} ms`);
} finally {
  await browser.close();
  await site.close();
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; children?: number[] }>;
  samples?: number[];
  timeDeltas?: number[];
}

function analyse(profile: CpuProfile): { steps: Map<string, number>; selfMs: Map<string, number>; ms: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + (deltas[i + 1] ?? 0));
  const steps = new Map<string, number>();
  const selfMs = new Map<string, number>();
  let ms = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name !== '(idle)') ms += us / 1000;
    const file = n.callFrame.url.split('/').pop() ?? '';
    const key = `${name} ${file}`.trim();
    selfMs.set(key, (selfMs.get(key) ?? 0) + us / 1000);
    // Charge this sample to each step on its stack once (the outermost frame of each name).
    const seen = new Set<string>();
    for (let p: number | undefined = id; p !== undefined; p = parent.get(p)) {
      const fn = byId.get(p)!.callFrame.functionName;
      if (fn in STEPS && !seen.has(fn)) {
        seen.add(fn);
        steps.set(fn, (steps.get(fn) ?? 0) + us / 1000);
      }
    }
  }
  return { steps, selfMs, ms };
}
