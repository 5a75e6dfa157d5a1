/**
 * `node --import tsx scripts/evidence-screens.ts [--out=DIR]`: screenshots of the screens that show photos and voice
 * notes (issue 12) at 360x740 and 1366x768, over the test fakes with drawn JPEGs (scripts/evidence-screens/main.tsx),
 * served by Vite's dev server and shot in Debian's chromium. Until the relay's blob routes and the device's evidence
 * store are merged, the real app has no photos to show; this shows the screens with them.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import preact from '@preact/preset-vite';
import type { Page } from 'playwright-core';
import { createServer } from 'vite';
import { launchBrowser } from '../tests/e2e/harness.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const out = resolve(arg('out') ?? 'screens/evidence');
await mkdir(out, { recursive: true });
const root = resolve(import.meta.dirname, '..');
const server = await createServer({ configFile: false, root, plugins: [preact()], logLevel: 'error', server: { port: 0, host: '127.0.0.1' } });
await server.listen();
const base = server.resolvedUrls!.local[0]!.replace(/\/$/, '');
const browser = await launchBrowser();
const VIEWPORTS = { phone: { width: 360, height: 740 }, pc: { width: 1366, height: 768 } } as const;
const problems: string[] = [];
try {
  const shots: Array<{ id: string; query: string; act?: (p: Page) => Promise<void> }> = [
    { id: 'list', query: 'scene=list' },
    { id: 'detail', query: 'scene=detail' },
    { id: 'detail-missing', query: 'scene=detail&missing=1' },
    {
      id: 'viewer',
      query: 'scene=detail',
      act: async (p) => {
        await p.locator('.photo-tile').nth(1).click();
        await p.locator('.viewer-img:not(.is-preview)').waitFor();
      },
    },
    { id: 'verify', query: 'scene=verify', act: (p) => p.locator('form .before-after').scrollIntoViewIfNeeded() },
    { id: 'verify-far', query: 'scene=verify&far=1', act: (p) => p.locator('form .before-after').scrollIntoViewIfNeeded() },
    { id: 'verify-far-en', query: 'scene=verify&far=1&lang=en', act: (p) => p.locator('form .before-after').scrollIntoViewIfNeeded() },
    {
      id: 'board-panel',
      query: 'scene=board',
      act: async (p) => {
        await p.locator('.queue-quick button', { hasText: '审核' }).first().click();
        await p.locator('.case-panel .photo-strip').waitFor();
      },
    },
    {
      id: 'tasks-panel',
      query: 'scene=tasks',
      act: async (p) => {
        await p.locator('.queue-quick button', { hasText: '核查' }).first().click();
        await p.locator('.case-panel .before-after').waitFor();
      },
    },
  ];
  for (const mode of ['phone', 'pc'] as const) {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: VIEWPORTS[mode] });
    for (const s of shots) {
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`${s.id}/${mode}: ${m.text()} ${m.location().url}`);
      });
      page.on('pageerror', (e) => problems.push(`${s.id}/${mode}: ${e.message}`));
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`${s.id}/${mode}: HTTP ${r.status()} ${r.url().replace(base, '')}`);
      });
      await page.goto(`${base}/scripts/evidence-screens/index.html?${s.query}`);
      await page.locator('main h1').first().waitFor();
      await page.waitForTimeout(400);
      await s.act?.(page);
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(out, `${s.id}-${mode}.png`), fullPage: process.argv.includes('--full') });
      await page.close();
    }
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
process.stderr.write(`screens in ${out}\n${problems.join('\n')}\n`);
