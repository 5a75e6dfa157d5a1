/**
 * End-to-end harness: the real relay (in this process, port 0, temporary DATA_DIR, demo county) serving the
 * production build, and Debian's chromium driven by playwright-core. Nothing is downloaded.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { startServer, type RunningServer } from '../../server/app.ts';
import type { Logger } from '../../server/log.ts';
import { storedParts } from '../../server/store.ts';
import * as Y from 'yjs';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface App {
  server: RunningServer;
  url: string;
  /** The relay's DATA_DIR, for a test that changes its files as an administrator would. */
  dataDir: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Files put in DATA_DIR before the relay starts (name -> bytes), as an administrator would (`basemap.pmtiles`). */
  dataFiles?: Record<string, Uint8Array>;
}

/**
 * The relay on a DATA_DIR of its own: a copy of the demo county seeded once per run (tests/setup/build-app.ts), so
 * what a test writes stays in its file. The county's times (cases due, 24 h deadlines, overdue visits) count from
 * that seed, at the start of the run: as on a demo relay that has been up for the run's minutes.
 */
export async function startApp(opts: StartOptions = {}): Promise<App> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gridlink-e2e-'));
  await cp(inject('e2eTemplateDir'), dataDir, { recursive: true });
  for (const [name, bytes] of Object.entries(opts.dataFiles ?? {})) await writeFile(join(dataDir, name), bytes);
  const log: Logger = { info: () => {}, warn: (m) => console.warn(m), error: (m, e) => console.error(m, e ?? '') };
  const server = await startServer({ dataDir, port: 0, host: '127.0.0.1', demo: true, log });
  return {
    server,
    url: server.url,
    dataDir,
    async stop() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves when this page's service worker is active and activated (only then does the app load offline). */
export async function serviceWorkerActivated(page: Page): Promise<void> {
  // Evaluated in the page: waits for the registration, then for its active worker to reach 'activated'.
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const deadline = Date.now() + 60_000;
        const check = async () => {
          const reg = await navigator.serviceWorker.getRegistration();
          if (reg?.active?.state === 'activated') return resolve();
          if (Date.now() > deadline) return reject(new Error('service worker not activated within 60 s'));
          setTimeout(() => void check(), 100);
        };
        void check();
      }),
  );
}

export async function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ locale: 'zh-CN', viewport: { width: 412, height: 860 } });
}

/** Closes what a test file opened: its browser contexts, the browser, and the relay (each if it was started). */
export async function closeAll(contexts: BrowserContext[], browser: Browser | undefined, app: App | undefined): Promise<void> {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
}

/** Signs in through the relay's API, as the app does, and returns the session's token. */
export async function apiToken(url: string, username: string, password = 'demo'): Promise<string> {
  const res = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return ((await res.json()) as { token: string }).token;
}

/**
 * A page in a new context of the browser (added to `contexts`, for the test's afterAll to close), its page errors
 * logged under `who`; `setup` prepares the context before the page opens (permissions, a location).
 */
export async function newPage(browser: Browser, contexts: BrowserContext[], who: string, setup?: (c: BrowserContext) => Promise<void>): Promise<Page> {
  const context = await newContext(browser);
  contexts.push(context);
  await setup?.(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${who}] page error:`, e.message));
  return page;
}

/** Opens `url` (the app shows its sign-in form first) and signs in as `username`. */
export async function signIn(page: Page, url: string, username: string, password = 'demo'): Promise<void> {
  await page.goto(url);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

/** Resolves when the signed-in shell is shown (the header's nav on a wide screen, its 菜单 button on a phone). */
export async function shellShown(page: Page): Promise<void> {
  await page.locator('header nav a, header .menu-toggle').first().waitFor();
}

/**
 * Goes to a destination of the main navigation by its name, as a user would: the header's nav on a wide screen,
 * the bottom tab bar on a phone, or the 菜单 panel when the destination is not among the tabs.
 */
export async function navTo(page: Page, name: string): Promise<void> {
  await shellShown(page);
  // A link's name, or its name and an unread badge ("消息 3 条未读"): the badge comes and goes as the inbox updates.
  const label = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s*\\d+.*)?$`);
  const direct = page.locator('header nav, nav.tabbar').getByRole('link', { name: label }).first();
  if (await direct.isVisible()) return direct.click();
  await page.locator('header .menu-toggle').click();
  await page.locator('#app-menu').getByRole('link', { name: label }).first().click();
}

/** Waits until the sync status bar's text contains `text` ('在线', '所有更改已保存到服务器', …). */
export async function syncText(page: Page, text: string, timeout = 30_000): Promise<void> {
  await expect
    .poll(async () => (await page.getByRole('status', { name: '同步状态' }).textContent()) ?? '', { timeout, interval: 100 })
    .toContain(text);
}

/** A doc as the relay stores it (snapshot and update rows applied), or null when it is not stored. The caller destroys it. */
export function storedDoc(app: App, name: string): Y.Doc | null {
  if (!app.server.store.hasDoc(name)) return null;
  const doc = new Y.Doc();
  for (const part of storedParts(app.server.store.loadDoc(name))) Y.applyUpdate(doc, part);
  return doc;
}
