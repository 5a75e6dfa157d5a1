/**
 * Figure 4, local data at scale, in Chromium with a 4x CPU slowdown (DevTools protocol) around each measured call:
 * bench/pages/scale.ts (built with Vite, importing the app's real src/storage and src/sync code) holds a county of
 * about 20,000 cases (town t01: 2,000 cases, ~6 events each, the grid worker w0001's town-year doc).
 * Figures: first sorted page of 50, a filter change (script time per change, from Performance.getMetrics),
 * full read-model rebuild, opening the worker's doc from y-indexeddb, stored update rows after 10 sessions, JS heap
 * after loading the worker's docs. References in the same run: the same queries on a bare Dexie table, the same doc
 * through bare y-indexeddb, the same docs loaded as bare Y.Docs.
 */
import type { CDPSession, Page } from 'playwright-core';
import { PAGES_OUT, buildPages } from '../lib/build.ts';
import { allowTsxFunctions, cpuThrottle, launchBrowser } from '../lib/chrome.ts';
import { figure, median, missing, type Result } from '../lib/results.ts';
import { serveDir } from '../lib/staticserver.ts';

interface Timed {
  ms: number;
  rows?: number;
  events?: number;
}

async function scriptSeconds(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
  return metrics.find((m) => m.name === 'ScriptDuration')?.value ?? NaN;
}

async function heapUsed(cdp: CDPSession): Promise<number> {
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  const h = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  return h.usedSize;
}

export async function scaleFigure(opts: { perTown: number; workerCases: number; repeats: number; log: (m: string) => void }): Promise<Result[]> {
  const { log } = opts;
  await buildPages();
  const site = await serveDir(PAGES_OUT);
  const browser = await launchBrowser();
  const results: Result[] = [];
  try {
    const ctx = await browser.newContext();
    await allowTsxFunctions(ctx);
    const page: Page = await ctx.newPage();
    page.on('pageerror', (e) => log(`  page error: ${e.message}`));
    await page.goto(`${site.url}/scale.html`);
    await page.waitForFunction('window.bench !== undefined', undefined, { timeout: 60_000 });
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Performance.enable');
    await cdp.send('HeapProfiler.enable');
    const call = <T>(expr: string) => page.evaluate(expr) as Promise<T>;
    const slow = async <T>(expr: string): Promise<T> => {
      await cpuThrottle(cdp, 4);
      try {
        return await call<T>(expr);
      } finally {
        await cpuThrottle(cdp, 1);
      }
    };
    const repeat = async (expr: string, n: number): Promise<Timed[]> => {
      const out: Timed[] = [];
      for (let i = 0; i < n; i++) out.push(await slow<Timed>(expr));
      return out;
    };

    log(`  generating ${opts.perTown} cases in each town and ${opts.workerCases} in t01, storing the docs`);
    const counts = await call<{ cases: number; events: number; workerCases: number; workerEvents: number }>(`bench.setup(${opts.perTown}, ${opts.workerCases})`);
    log(`  ${counts.cases} cases, ${counts.events} events; worker doc ${counts.workerCases} cases, ${counts.workerEvents} events`);
    const per2000 = 2000 / counts.workerCases;

    const rebuild = await slow<Timed>('bench.rebuild()');
    await call('bench.bareSetup()');
    const bareRebuild = await slow<Timed>('bench.bareRebuild()');
    log(`  rebuild ${rebuild.ms.toFixed(0)} ms (${rebuild.rows} rows), bare bulk write ${bareRebuild.ms.toFixed(0)} ms`);
    results.push(
      figure({
        name: `local data: full read-model rebuild (${counts.cases} cases, 4x CPU)`,
        value: rebuild.ms,
        unit: 'ms',
        reference: bareRebuild.ms,
        note: `opens the county user's ${counts.events} events in 14 docs, folds and writes ${rebuild.rows} rows; reference: clear + bulkPut of the same rows in a bare Dexie table`,
      }),
    );

    const first = await repeat('bench.firstPage()', opts.repeats);
    const bareFirst = await repeat('bench.bareFirstPage()', opts.repeats);
    results.push(
      figure({
        name: `local data: first sorted page of 50 (${counts.cases} cases, 4x CPU)`,
        value: median(first.map((r) => r.ms)),
        unit: 'ms',
        budget: '<= 50',
        reference: median(bareFirst.map((r) => r.ms)),
        note: `median of ${opts.repeats}, database opened fresh each time; reference: orderBy on a bare Dexie table`,
      }),
    );

    const filterCount = await call<number>('bench.filters');
    const script: number[] = [];
    const bareScript: number[] = [];
    const wall: number[] = [];
    for (const [expr, into] of [
      ['bench.filter', script],
      ['bench.bareFilter', bareScript],
    ] as const) {
      for (let i = 0; i < filterCount * 2; i++) {
        await cpuThrottle(cdp, 4);
        const s0 = await scriptSeconds(cdp);
        const r = await call<Timed>(`${expr}(${i})`);
        const s1 = await scriptSeconds(cdp);
        await cpuThrottle(cdp, 1);
        into.push((s1 - s0) * 1000);
        if (expr === 'bench.filter') wall.push(r.ms);
      }
    }
    results.push(
      figure({
        name: `local data: filter change, script time (${counts.cases} cases, 4x CPU)`,
        value: median(script),
        unit: 'ms',
        budget: '<= 16',
        reference: median(bareScript),
        note: `median of ${script.length} changes over ${filterCount} filters (first page + count); max ${Math.max(...script).toFixed(1)} ms, wall ${median(wall).toFixed(0)} ms; reference: the same filters on a bare Dexie table`,
      }),
    );

    const open = await repeat('bench.openDoc()', opts.repeats);
    const bareOpen = await repeat('bench.bareOpenDoc()', opts.repeats);
    results.push(
      figure({
        name: 'local data: doc open from y-indexeddb, per 2,000 cases (4x CPU)',
        value: median(open.map((r) => r.ms)) * per2000,
        unit: 'ms',
        budget: '<= 300',
        reference: median(bareOpen.map((r) => r.ms)) * per2000,
        note: `the worker's town doc (${counts.workerCases} cases, ${open[0]?.events} events), median of ${opts.repeats}; reference: bare y-indexeddb`,
      }),
    );

    const base = await heapUsed(cdp);
    await call('bench.loadWorker()');
    const loaded = await heapUsed(cdp);
    await call('bench.unloadWorker()');
    const base2 = await heapUsed(cdp);
    await call('bench.loadBare()');
    const bareLoaded = await heapUsed(cdp);
    await call('bench.unloadBare()');
    const MB = 1024 * 1024;
    results.push(
      figure({
        name: 'local data: JS heap of a grid worker\'s docs, per 2,000 cases',
        value: ((loaded - base) / MB) * per2000,
        unit: 'MB',
        budget: '<= 20',
        reference: ((bareLoaded - base2) / MB) * per2000,
        note: `heap after GC with the app's engine started for w0001 (org + town doc) minus before; reference: the same docs as bare Y.Docs`,
      }),
    );

    const sessions = await call<{ rows: number; doc: string }>('bench.sessions(10, 3, false)');
    const bareSessions = await call<{ rows: number; doc: string }>('bench.sessions(10, 3, true)');
    results.push(
      figure({
        name: 'local data: stored update rows per doc at open, after 10 sessions',
        value: sessions.rows,
        unit: 'rows',
        budget: '<= 50',
        reference: bareSessions.rows,
        note: `10 sessions of w0001 reporting 3 cases each; worst doc ${sessions.doc}; reference: the same writes through bare y-indexeddb`,
      }),
    );
    await ctx.close();
  } catch (e) {
    log(`  local data failed: ${String(e)}`);
    // The figures after the one that threw were not measured: the run says so even when some came before.
    results.push(missing(results.length ? `local data: the figures after "${results.at(-1)!.name}"` : 'local data at scale', 'ms', null, String(e)));
  } finally {
    await browser.close();
    await site.close();
  }
  return results;
}
