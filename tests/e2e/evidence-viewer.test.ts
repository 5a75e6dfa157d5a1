/**
 * The photo viewer in Chromium (what happy-dom cannot show): Enter on a tile opens it (a native button), its code
 * loads only then, real pointer input swipes, double-click zooms, two touch points pinch, Tab stays inside, Escape
 * closes and focus returns; and a case whose photos are not on the device shows words, no broken image.
 * The screens run over the test fakes with drawn JPEGs (scripts/evidence-screens/main.tsx), served by Vite's dev
 * server, until the relay's blob routes and the device's evidence store are merged and the real app can be used.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import preact from '@preact/preset-vite';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './harness.ts';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let server: ViteDevServer;
let browser: Browser;
let base = '';

beforeAll(async () => {
  server = await createServer({ configFile: false, root: process.cwd(), plugins: [preact()], logLevel: 'error', server: { port: 0, host: '127.0.0.1' } });
  await server.listen();
  base = server.resolvedUrls!.local[0]!.replace(/\/$/, '');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(query: string, opts: { hasTouch?: boolean } = {}): Promise<{ page: Page; context: BrowserContext; errors: string[]; requests: string[] }> {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 360, height: 740 }, ...opts });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('404')) errors.push(m.text());
  });
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${base}/scripts/evidence-screens/index.html?${query}`);
  await page.locator('main h1').first().waitFor();
  return { page, context, errors, requests };
}

const counter = (page: Page) => page.locator('[role="dialog"] .viewer-counter').textContent();
const scaleOf = (page: Page) => page.locator('.viewer-img').evaluate((img) => new DOMMatrix(getComputedStyle(img).transform).a);

describe('photo viewer in Chromium', () => {
  it('opens with Enter, loads its code then, swipes, zooms, keeps Tab inside and gives focus back', async () => {
    const { page, context, errors, requests } = await open('scene=detail', { hasTouch: true });
    const tiles = page.locator('.photo-tile');
    await expect.poll(() => tiles.count()).toBe(4);
    await page.locator('.photo-tile img').first().waitFor();
    expect(requests.some((u) => u.includes('PhotoViewer'))).toBe(false);

    await tiles.nth(1).focus();
    await page.keyboard.press('Enter');
    await page.locator('[role="dialog"]').waitFor();
    expect(requests.some((u) => u.includes('PhotoViewer'))).toBe(true);
    expect(await counter(page)).toBe('2/4');
    await page.locator('.viewer-img:not(.is-preview)').waitFor();
    expect(await page.evaluate(() => document.activeElement?.closest('[role="dialog"]') !== null)).toBe(true);

    await page.keyboard.press('ArrowRight');
    expect(await counter(page)).toBe('3/4');

    // A drag to the left (pointer events, as a finger): the next photo.
    const box = (await page.locator('.viewer-stage').boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width - 40, y);
    await page.mouse.down();
    await page.mouse.move(box.x + 120, y, { steps: 5 });
    await page.mouse.move(box.x + 40, y, { steps: 5 });
    await page.mouse.up();
    expect(await counter(page)).toBe('4/4');

    // Double-click (double-tap) zooms in, and out again.
    await page.mouse.dblclick(box.x + box.width / 2, y);
    await expect.poll(() => scaleOf(page)).toBeCloseTo(2.5, 1);
    await page.mouse.dblclick(box.x + box.width / 2, y);
    await expect.poll(() => scaleOf(page)).toBeCloseTo(1, 1);

    // Two fingers moving apart: pinch-zoom.
    const cdp = await context.newCDPSession(page);
    const cx = box.x + box.width / 2;
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', d: number) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints:
          type === 'touchEnd'
            ? []
            : [
                { x: cx - d, y, id: 1 },
                { x: cx + d, y, id: 2 },
              ],
      });
    await touch('touchStart', 30);
    for (const d of [45, 60, 75, 90]) await touch('touchMove', d);
    await touch('touchEnd', 90);
    await expect.poll(() => scaleOf(page)).toBeGreaterThan(2);
    expect(await counter(page)).toBe('4/4');

    // Tab cycles within the dialog.
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.closest('[role="dialog"]') !== null)).toBe(true);
    }

    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[role="dialog"]').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.querySelector('.tile-name')?.textContent)).toBe('查看第 2 张照片，共 4 张');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows words, not broken images, for photos the device does not have', async () => {
    const { page, context, errors } = await open('scene=detail&missing=1');
    await expect.poll(() => page.locator('.photo-tile', { hasText: '照片尚未上传' }).count()).toBe(4);
    const broken = await page.evaluate(() => Array.from(document.images).filter((i) => i.complete && i.naturalWidth === 0).length);
    expect(broken).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('passes axe, keeps 44 px targets, and does not scroll sideways at 320 px or 200 % text', async () => {
    const scenes: Array<[string, string, ((p: Page) => Promise<void>)?]> = [
      ['list', 'scene=list'],
      ['detail', 'scene=detail'],
      ['detail, photos missing', 'scene=detail&missing=1'],
      ['verify, far', 'scene=verify&far=1'],
      ['board panel', 'scene=board', (p) => p.locator('.queue-quick button', { hasText: '审核' }).first().click().then(() => p.locator('.case-panel .photo-strip').waitFor())],
      ['viewer', 'scene=detail', (p) => p.locator('.photo-tile').nth(1).click().then(() => p.locator('.viewer-img:not(.is-preview)').waitFor())],
    ];
    const problems: string[] = [];
    for (const [name, query, act] of scenes) {
      const { page, context, errors } = await open(query);
      await page.waitForTimeout(300);
      await act?.(page);
      await page.evaluate(AXE_SOURCE);
      const axe = await page.evaluate(async () => {
        const r = await (window as unknown as { axe: { run(o: object): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }> }> } }).axe.run({ resultTypes: ['violations'] });
        return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      });
      problems.push(...axe.map((x) => `${name}: axe ${x}`));
      const small = await page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLElement>('.photo-tile, .voice-btn, .viewer-btn'))
          .filter((el) => el.checkVisibility() && !(el as HTMLButtonElement).disabled)
          .map((el) => el.getBoundingClientRect())
          .filter((r) => r.width < 44 || r.height < 44)
          .map((r) => `${Math.round(r.width)}x${Math.round(r.height)}`),
      );
      problems.push(...small.map((x) => `${name}: target ${x}`));
      const sideways = () => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
      await page.setViewportSize({ width: 320, height: 740 });
      await page.waitForTimeout(100);
      if (await sideways()) problems.push(`${name}: sideways scroll at 320 px`);
      await page.setViewportSize({ width: 360, height: 740 });
      await page.evaluate(() => document.documentElement.style.setProperty('font-size', '200%'));
      await page.waitForTimeout(100);
      if (await sideways()) problems.push(`${name}: sideways scroll at 200 % text`);
      problems.push(...errors.map((e) => `${name}: ${e}`));
      await context.close();
    }
    expect(problems).toEqual([]);
  });
});
