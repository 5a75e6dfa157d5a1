/**
 * Issue 14, shared PCs: the cost of sealing a signed-out user's local data (src/sync/vault.ts) at county scale, in
 * Chromium on the scale page (bench/pages/scale.ts): the county user holding about 20,000 cases (14 docs and their
 * read model) is sealed (every database exported, encrypted with ECDH P-256 + AES-GCM, stored in the vault, the
 * plaintext deleted) and unsealed (decrypted and restored), `runs` times; the figures are the medians. No CPU
 * slowdown: shared PCs are village office desktops. No reference: nothing else in the app does this.
 */
import type { Page } from 'playwright-core';
import { PAGES_OUT, buildPages } from '../lib/build.ts';
import { allowTsxFunctions, launchBrowser } from '../lib/chrome.ts';
import { figure, median, type Result } from '../lib/results.ts';
import { serveDir } from '../lib/staticserver.ts';

interface Round {
  sealMs: number;
  unsealMs: number;
  bytes: number;
  dbs: number;
  rows: number;
}

export async function sealFigure(opts: { perTown: number; workerCases: number; runs: number; log: (m: string) => void }): Promise<Result[]> {
  const { log } = opts;
  await buildPages();
  const site = await serveDir(PAGES_OUT);
  const browser = await launchBrowser();
  try {
    // The static server sends the app's CSP (no eval): Playwright's string predicates need it bypassed.
    const ctx = await browser.newContext({ bypassCSP: true });
    await allowTsxFunctions(ctx);
    const page: Page = await ctx.newPage();
    page.on('pageerror', (e) => log(`  page error: ${e.message}`));
    await page.goto(`${site.url}/scale.html`);
    await page.waitForFunction('window.bench !== undefined', undefined, { timeout: 60_000 });
    const call = <T>(expr: string) => page.evaluate(expr) as Promise<T>;
    log(`  generating ${opts.perTown} cases in each town and ${opts.workerCases} in t01, storing the docs`);
    const counts = await call<{ cases: number; events: number }>(`bench.setup(${opts.perTown}, ${opts.workerCases})`);
    const built = await call<{ rows: number }>('bench.rebuild()');
    log(`  ${counts.cases} cases, ${counts.events} events, ${built.rows} read-model rows`);
    const rounds: Round[] = [];
    for (let i = 0; i < opts.runs; i++) {
      const r = await call<Round>('bench.sealRound()');
      if (r.rows !== built.rows) throw new Error(`unsealed ${r.rows} rows, had ${built.rows}`);
      log(`  seal ${r.sealMs.toFixed(0)} ms, unseal ${r.unsealMs.toFixed(0)} ms, ${(r.bytes / 1e6).toFixed(1)} MB sealed (${r.dbs} databases)`);
      rounds.push(r);
    }
    const what = `the county user's ${counts.cases} cases (${counts.events} events, ${rounds[0]?.dbs ?? 0} databases incl. the read model of ${built.rows} rows)`;
    return [
      figure({ name: `seal: sign-out on a shared PC, ${counts.cases} cases`, value: median(rounds.map((r) => r.sealMs)), unit: 'ms', note: `export, encrypt and store ${what}, then delete the plaintext; median of ${opts.runs}, no CPU slowdown` }),
      figure({ name: `seal: sign-in on a shared PC (unseal), ${counts.cases} cases`, value: median(rounds.map((r) => r.unsealMs)), unit: 'ms', note: `decrypt and restore ${what}; median of ${opts.runs}, no CPU slowdown` }),
      figure({ name: `seal: sealed bytes, ${counts.cases} cases`, value: median(rounds.map((r) => r.bytes)), unit: 'bytes', note: 'one AES-GCM ciphertext of every database (lib0 binary encoding, not compressed)' }),
    ];
  } finally {
    await browser.close();
    await site.close();
  }
}
