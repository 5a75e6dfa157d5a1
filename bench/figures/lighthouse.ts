/**
 * Figure 2, page load: Lighthouse 12.2.3 (bench/peers) on Debian chromium, mobile defaults with simulated
 * throttling, median of `runs` runs, for (a) the login page (cold: Lighthouse resets storage and cache) and (b) the
 * case list of a signed-in grid worker: playwright-core signs in through the real login screen in a chromium
 * started with a remote-debugging port, the browser stays open, and Lighthouse measures `#/cases` in that same
 * profile with `disableStorageReset` (IndexedDB, the session and the service worker stay, as on the phone).
 * (c) Issue 13, the resident app's first load: the link of a village invitation's QR code (#/signup?invite=…),
 * cold like (a): what a resident's phone loads the first time it opens Gridlink (the sign-in page, (a), is the
 * other way in). (d) A signed-in resident's home (我的上报, lazy chunks of src/features/resident), measured the
 * same way as (b) in a profile of its own.
 * Reference in the same run: the bare-stack page (bench/fixtures/bare), served by the same static file code; when
 * its runs fail, every page-load figure is failed (`failed`), not shown without its reference.
 */
import { launchDebuggable, serviceWorkerActivated, signIn, signInResident } from '../lib/chrome.ts';
import { BARE_OUT } from '../lib/build.ts';
import { WORKER } from '../lib/county.ts';
import { BENCH_PASSWORD } from '../lib/datadir.ts';
import { peerImport } from '../lib/peers.ts';
import { figure, median, missing, peerFailures, type Result } from '../lib/results.ts';
import { serveDir } from '../lib/staticserver.ts';

interface Lhr {
  categories: { performance: { score: number | null } };
  audits: Record<string, { numericValue?: number }>;
  runtimeError?: { code: string; message: string };
  runWarnings?: string[];
}
type LighthouseFn = (url: string, flags: Record<string, unknown>) => Promise<{ lhr: Lhr } | undefined>;

export interface PageLoad {
  score: number;
  lcp: number;
  tbt: number;
  cls: number;
  fcp: number;
}

async function runLighthouse(lighthouse: LighthouseFn, url: string, port: number, keepStorage: boolean): Promise<PageLoad> {
  const r = await lighthouse(url, { port, output: 'json', logLevel: 'error', onlyCategories: ['performance'], disableStorageReset: keepStorage });
  if (!r) throw new Error('lighthouse returned nothing');
  const lhr = r.lhr;
  if (lhr.runtimeError) throw new Error(`lighthouse: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  const score = lhr.categories.performance.score;
  if (score === null) throw new Error(`lighthouse: no score (${(lhr.runWarnings ?? []).join('; ')})`);
  return {
    score: score * 100,
    lcp: lhr.audits['largest-contentful-paint']?.numericValue ?? NaN,
    tbt: lhr.audits['total-blocking-time']?.numericValue ?? NaN,
    cls: lhr.audits['cumulative-layout-shift']?.numericValue ?? NaN,
    fcp: lhr.audits['first-contentful-paint']?.numericValue ?? NaN,
  };
}

function medians(runs: readonly PageLoad[]): PageLoad {
  return {
    score: median(runs.map((r) => r.score)),
    lcp: median(runs.map((r) => r.lcp)),
    tbt: median(runs.map((r) => r.tbt)),
    cls: median(runs.map((r) => r.cls)),
    fcp: median(runs.map((r) => r.fcp)),
  };
}

async function series(lighthouse: LighthouseFn, url: string, port: number, runs: number, keepStorage: boolean, log: (m: string) => void, label: string): Promise<PageLoad> {
  const out: PageLoad[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runLighthouse(lighthouse, url, port, keepStorage);
    log(`  ${label} run ${i + 1}/${runs}: score ${r.score.toFixed(0)}, LCP ${r.lcp.toFixed(0)} ms, TBT ${r.tbt.toFixed(0)} ms, CLS ${r.cls.toFixed(3)}`);
    out.push(r);
  }
  return medians(out);
}

function pageResults(page: string, m: PageLoad | null, ref: PageLoad | null, runs: number, error?: string, refError?: string): Result[] {
  const note = `median of ${runs}; reference: the bare-stack page`;
  // Every figure is compared with the bare-stack page: when its Lighthouse runs failed, so did these figures.
  const failed = ref ? undefined : peerFailures({ 'bare-stack page': refError ?? 'not measured' });
  if (!m) {
    const why = error ?? 'not measured';
    return [
      missing(`page load: ${page} performance score`, 'points', '>= 95', why),
      missing(`page load: ${page} LCP`, 'ms', '<= 2000', why),
      missing(`page load: ${page} TBT`, 'ms', '<= 150', why),
      missing(`page load: ${page} CLS`, '', '<= 0.05', why),
    ];
  }
  return [
    figure({ name: `page load: ${page} performance score`, value: m.score, unit: 'points', budget: '>= 95', reference: ref?.score ?? null, failed, note }),
    figure({ name: `page load: ${page} LCP`, value: m.lcp, unit: 'ms', budget: '<= 2000', reference: ref?.lcp ?? null, failed, note }),
    figure({ name: `page load: ${page} TBT`, value: m.tbt, unit: 'ms', budget: '<= 150', reference: ref?.tbt ?? null, failed, note }),
    figure({ name: `page load: ${page} CLS`, value: m.cls, unit: '', budget: '<= 0.05', reference: ref?.cls ?? null, failed, note }),
  ];
}

/** An invitation code as a village poster's QR carries it (the sign-up screen shows it; nothing checks it on load). */
const INVITE_SAMPLE = 'K7M2P9QX';

/** The demo county's resident account (server/demo: role resident), measured on its home screen. */
export const RESIDENT = 'resident01';

export async function lighthouseFigure(opts: { appUrl: string; runs: number; log: (m: string) => void }): Promise<Result[]> {
  const { log, runs } = opts;
  const lighthouse = (await peerImport<{ default: LighthouseFn }>('lighthouse')).default;
  const bare = await serveDir(BARE_OUT);
  let ref: PageLoad | null = null;
  let login: PageLoad | null = null;
  let invited: PageLoad | null = null;
  let cases: PageLoad | null = null;
  let resident: PageLoad | null = null;
  const errors: Record<string, string> = {};
  try {
    // Cold loads: one browser, Lighthouse resets storage and cache before each run.
    const cold = await launchDebuggable();
    try {
      try {
        ref = await series(lighthouse, `${bare.url}/`, cold.port, runs, false, log, 'bare stack');
      } catch (e) {
        errors.ref = String(e);
      }
      try {
        login = await series(lighthouse, `${opts.appUrl}/#/login`, cold.port, runs, false, log, 'login');
      } catch (e) {
        errors.login = String(e);
      }
      try {
        invited = await series(lighthouse, `${opts.appUrl}/#/signup?invite=${INVITE_SAMPLE}`, cold.port, runs, false, log, 'invitation link');
      } catch (e) {
        errors.invited = String(e);
      }
    } finally {
      await cold.close();
    }
    // A signed-in grid worker: sign in with playwright in the same profile, then measure with storage kept.
    const warm = await launchDebuggable();
    try {
      const browser = await warm.connect();
      const context = browser.contexts()[0]!;
      const page = await context.newPage();
      await signIn(page, opts.appUrl, WORKER, BENCH_PASSWORD);
      await serviceWorkerActivated(page);
      await page.close();
      cases = await series(lighthouse, `${opts.appUrl}/#/cases`, warm.port, runs, true, log, 'case list');
    } catch (e) {
      errors.cases = String(e);
    } finally {
      await warm.close();
    }
    // Issue 13: a signed-in resident (large-text resident mode, home = 我的上报), storage kept as on the phone.
    const res = await launchDebuggable();
    try {
      const browser = await res.connect();
      const context = browser.contexts()[0]!;
      const page = await context.newPage();
      await signInResident(page, opts.appUrl, RESIDENT, BENCH_PASSWORD);
      await serviceWorkerActivated(page);
      await page.close();
      resident = await series(lighthouse, `${opts.appUrl}/#/cases`, res.port, runs, true, log, 'resident home');
    } catch (e) {
      errors.resident = String(e);
    } finally {
      await res.close();
    }
  } finally {
    await bare.close();
  }
  const results = [
    ...pageResults('login page', login, ref, runs, errors.login, errors.ref),
    ...pageResults("resident's first visit (invitation link)", invited, ref, runs, errors.invited, errors.ref),
    ...pageResults(`case list (${WORKER}, signed in)`, cases, ref, runs, errors.cases, errors.ref),
    ...pageResults(`resident home (${RESIDENT}, signed in)`, resident, ref, runs, errors.resident, errors.ref),
  ];
  if (!ref) results.push(missing('page load: bare-stack reference', 'points', null, errors.ref ?? 'not measured'));
  else results.push(figure({ name: 'page load: bare-stack reference performance score', value: ref.score, unit: 'points', note: `LCP ${ref.lcp.toFixed(0)} ms, TBT ${ref.tbt.toFixed(0)} ms, CLS ${ref.cls.toFixed(3)}` }));
  return results;
}
