/**
 * Debian chromium for the benchmarks, with the end-to-end harness's flags (tests/e2e/harness.ts). `launchDebuggable`
 * starts it with a remote-debugging port, so playwright-core (connectOverCDP) and Lighthouse can share one browser
 * and one profile: log in with playwright, keep the browser open, measure with Lighthouse.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, serviceWorkerActivated } from '../../tests/e2e/harness.ts';
import { stopChild } from './proc.ts';

export const CHROME_PATH = process.env.CHROME_PATH ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface DebuggableChrome {
  port: number;
  child: ChildProcess;
  connect(): Promise<Browser>;
  close(): Promise<void>;
}

export async function launchDebuggable(extraArgs: string[] = []): Promise<DebuggableChrome> {
  const profile = mkdtempSync(join(tmpdir(), 'gridlink-bench-chrome-'));
  const child = spawn(CHROME_PATH, [...CHROMIUM_ARGS, '--remote-debugging-port=0', `--user-data-dir=${profile}`, '--window-size=412,860', ...extraArgs, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`chromium did not start: ${log}`)), 30_000);
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`chromium exited with ${code}: ${log}`)));
  });
  child.removeAllListeners('exit');
  let browser: Browser | null = null;
  return {
    port,
    child,
    async connect() {
      browser ??= await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
      return browser;
    },
    async close() {
      await browser?.close().catch(() => {});
      await stopChild(child, 3000);
      // Chromium's helpers may still be writing into the profile for a moment after it exits.
      try {
        rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      } catch {
        // a temporary directory left behind is not a benchmark failure
      }
    },
  };
}

/** A browser driven by playwright-core the way the end-to-end tests do it. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROME_PATH, args: CHROMIUM_ARGS });
}

export async function cpuThrottle(cdp: CDPSession, rate: number): Promise<void> {
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
}

/**
 * tsx (esbuild keepNames) wraps named functions in `__name(...)`; functions that playwright sends to the page
 * (page.evaluate, the harness's waits) then fail with "__name is not defined". Define it in every new document.
 */
export async function allowTsxFunctions(context: BrowserContext): Promise<void> {
  await context.addInitScript('globalThis.__name = globalThis.__name || ((f) => f);');
}

/** Sign in through the app's own login screen and wait for the case list to be painted. */
export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await allowTsxFunctions(page.context());
  await page.goto(baseUrl);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  // Signed in, each role lands on its own home screen; the figures measure the case list.
  await page.waitForURL((u) => !u.hash.startsWith('#/login'), { timeout: 120_000 });
  await page.goto(`${baseUrl}/#/cases`);
  await page.getByRole('heading', { name: '案件列表' }).waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => performance.getEntriesByName('gl:cases-painted').length > 0, undefined, { timeout: 120_000 });
  // A phone that signed in holds its synced docs: wait for the first sync and the read model to be written
  // (online, docs open), else the measured loads would finish the first sync themselves.
  await page.locator('.syncbar-online').waitFor({ timeout: 300_000 });
  await page.waitForFunction(() => !document.querySelector('.syncbar-loading'), undefined, { timeout: 300_000 });
  await page.waitForTimeout(3000);
}

/**
 * Issue 13: sign in as a resident through the same login screen and wait for the resident app's home (我的上报) to
 * have its answer from the relay (online, the list or its known-empty state painted), then let the service worker
 * settle as signIn does.
 */
export async function signInResident(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await allowTsxFunctions(page.context());
  await page.goto(baseUrl);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL((u) => !u.hash.startsWith('#/login'), { timeout: 120_000 });
  await page.getByRole('heading', { name: '我的上报' }).waitFor({ timeout: 120_000 });
  await page.locator('.syncbar-online').waitFor({ timeout: 300_000 });
  await page.locator('.rs-list, .empty-state').first().waitFor({ timeout: 120_000 });
  await page.waitForTimeout(3000);
}

/** Resolves when the page's service worker is activated (the end-to-end harness's wait). */
export { serviceWorkerActivated };
