/**
 * Issue 17, the grid worker's 我的任务 with 200 households due for a care visit, in Chromium at 360x740 (a phone)
 * with a 4x CPU slowdown (DevTools protocol Emulation.setCPUThrottlingRate) around each measured call:
 * and 20 open tasks sent down: bench/pages/tasks.tsx mounts the real WorkerTasks screen on its 走访 tab over a
 * grid's people and care docs and the town's task log with the grid's answers (cold: the records service folds them
 * and builds the care index on first ask). Figure: mount to the first frame with the due list and the open tasks'
 * line, median of `runs` x 3. Budget 100 ms.
 */
import { PAGES_OUT, buildPages } from '../lib/build.ts';
import { allowTsxFunctions, cpuThrottle, launchBrowser } from '../lib/chrome.ts';
import { figure, median, type Result } from '../lib/results.ts';
import { serveDir } from '../lib/staticserver.ts';

export async function tasksFigure(opts: { runs: number; log: (m: string) => void; build?: boolean }): Promise<Result[]> {
  const { log } = opts;
  if (opts.build !== false) await buildPages();
  const site = await serveDir(PAGES_OUT);
  const browser = await launchBrowser();
  try {
    const firsts: number[] = [];
    const bases: number[] = [];
    let rows = 0;
    let listed = '';
    let tasksLine = '';
    for (let run = 0; run < opts.runs; run++) {
      const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 });
      await allowTsxFunctions(ctx);
      const page = await ctx.newPage();
      page.on('pageerror', (e) => log(`  page error: ${e.message}`));
      await page.goto(`${site.url}/tasks.html`);
      await page.waitForFunction('window.bench !== undefined', undefined, { timeout: 60_000 });
      const cdp = await ctx.newCDPSession(page);
      // One unmeasured mount first (the page's code compiled once, as on a device that opened the app before).
      await page.evaluate('bench.first()');
      const runFirsts: number[] = [];
      for (let i = 0; i < 3; i++) {
        await cpuThrottle(cdp, 4);
        try {
          const base = (await page.evaluate('bench.baseline()')) as number;
          bases.push(base);
          const r = (await page.evaluate(`bench.first(${process.env.TASKS_WARM ? 'true' : 'false'})`)) as { ms: number; rows: number; listed: string; tasks: string; fold: number };
          if (process.env.TASKS_WARM) log(`  warm: fold before ${r.fold.toFixed(0)} ms, mount to frame ${r.ms.toFixed(0)} ms`);
          runFirsts.push(r.ms);
          rows = r.rows;
          listed = r.listed;
          tasksLine = r.tasks;
        } finally {
          await cpuThrottle(cdp, 1);
        }
      }
      firsts.push(...runFirsts);
      log(`  run ${run + 1}: first paint ${runFirsts.map((x) => x.toFixed(0)).join('/')} ms, a bare paragraph ${bases.slice(-3).map((x) => x.toFixed(0)).join('/')} ms (${rows} rows in the DOM; "${listed}"; "${tasksLine}")`);
      await ctx.close();
    }
    return [
      figure({
        name: 'tasks: first paint, 200 due care visits and 20 open tasks (4x CPU)',
        value: median(firsts),
        unit: 'ms',
        budget: '<= 100',
        note: `median of ${firsts.length} (the same wait around a bare paragraph: median ${median(bases).toFixed(0)} ms); WorkerTasks 走访 tab, cold fold of a grid's people (260 households, 780 residents) and care (460 visits) docs and of the town's task log (25 tasks to 30 grids, 20 open for the grid) with the grid's answers (95 events); ${rows} rows rendered (windowed); Chromium 360x740, CDP CPU throttling 4x`,
      }),
    ];
  } finally {
    await browser.close();
    await site.close();
  }
}
