/**
 * End-to-end harness: the real relay (in this process, port 0, temporary DATA_DIR, demo county) serving the
 * production build, and Debian's chromium driven by playwright-core. Nothing is downloaded.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../server/app.ts';
import type { Logger } from '../../server/log.ts';

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
  stop(): Promise<void>;
}

export async function startApp(): Promise<App> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gridlink-e2e-'));
  const log: Logger = { info: () => {}, warn: (m) => console.warn(m), error: (m, e) => console.error(m, e ?? '') };
  const server = await startServer({ dataDir, port: 0, host: '127.0.0.1', demo: true, log });
  return {
    server,
    url: server.url,
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
