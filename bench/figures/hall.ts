/**
 * Issue 15, the command hall (指挥中心) over the county's 20,000 cases, in Chromium with a 4x CPU slowdown (DevTools
 * protocol) around each measured call, at 1920x1080: bench/pages/hall.tsx renders the real screen over a real
 * Dexie read model. Figures: the first render (mount to the first frame with every figure), and the refresh after
 * 100 new events (50 reports, 50 cases accepted, handed over as the engine's row listeners get them): the time to
 * the refreshed frame, and the recompute and render alone (without the hall's REFRESH_MS gathering wait).
 * Medians of `runs`.
 */
import { PAGES_OUT, buildPages } from '../lib/build.ts';
import { allowTsxFunctions, cpuThrottle, launchBrowser } from '../lib/chrome.ts';
import { figure, median, type Result } from '../lib/results.ts';
import { serveDir } from '../lib/staticserver.ts';

export async function hallFigure(opts: { runs: number; log: (m: string) => void }): Promise<Result[]> {
  const { log } = opts;
  await buildPages();
  const site = await serveDir(PAGES_OUT);
  const browser = await launchBrowser();
  try {
    const firsts: number[] = [];
    const totals: number[] = [];
    const works: number[] = [];
    let cases = 0;
    for (let run = 0; run < opts.runs; run++) {
      const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
      await allowTsxFunctions(ctx);
      const page = await ctx.newPage();
      page.on('pageerror', (e) => log(`  page error: ${e.message}`));
      await page.goto(`${site.url}/hall.html`);
      await page.waitForFunction('window.bench !== undefined', undefined, { timeout: 60_000 });
      const cdp = await ctx.newCDPSession(page);
      cases = (await page.evaluate('bench.setup()', undefined) as { cases: number }).cases;
      await cpuThrottle(cdp, 4);
      try {
        firsts.push(await (page.evaluate('bench.first()') as Promise<number>));
        for (let i = 0; i < 3; i++) {
          const r = await (page.evaluate(`bench.refresh(${i})`) as Promise<{ total: number; work: number }>);
          totals.push(r.total);
          works.push(r.work);
        }
      } finally {
        await cpuThrottle(cdp, 1);
      }
      log(`  run ${run + 1}: first ${firsts.at(-1)!.toFixed(0)} ms, refresh ${totals.slice(-3).map((x) => x.toFixed(0)).join('/')} ms (work ${works.slice(-3).map((x) => x.toFixed(0)).join('/')} ms)`);
      await ctx.close();
    }
    const note = `${cases} cases in a Dexie read model; Chromium at 1920x1080, CDP CPU throttling 4x; no map (WebGL) in this page`;
    return [
      figure({ name: `hall: first render (${cases} cases, 4x CPU)`, value: median(firsts), unit: 'ms', budget: '<= 3000', note: `median of ${firsts.length}; ${note}` }),
      figure({ name: 'hall: refresh after 100 new events (4x CPU)', value: median(totals), unit: 'ms', budget: '<= 2000', note: `median of ${totals.length}; rows arrive to refreshed frame, including the 300 ms gathering wait; ${note}` }),
      figure({ name: 'hall: refresh work after 100 new events (4x CPU)', value: median(works), unit: 'ms', budget: '<= 1000', note: `median of ${works.length}; recompute of every figure from memory and render` }),
    ];
  } finally {
    await browser.close();
    await site.close();
  }
}
