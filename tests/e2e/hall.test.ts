/**
 * Issue 15: the command hall (指挥中心) on a 1920x1080 wall screen, in Chromium against the demo county: the county
 * opens #/hall, its four headline figures equal /api/stats for today, nothing scrolls, the map has maplibre's
 * heatmap layer, and a case reported by another client (a grid worker's own sync session, in Node) shows within
 * a few seconds.
 */
import 'fake-indexeddb/auto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthService } from '../../src/app/session.ts';
import { cstDay } from '../../src/domain/period.ts';
import { apiToken, closeAll, launchBrowser, newPage, signIn, startApp, type App } from './harness.ts';

let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];
const disposers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});

afterAll(async () => {
  for (const d of disposers) await d();
  await closeAll(contexts, browser, app);
});

const tile = (page: Page, id: string) => page.locator(`[data-figure="${id}"] .hall-tile-value`).textContent();
const tiles = async (page: Page) => Promise.all(['new', 'open', 'overdue', 'closed'].map((id) => tile(page, id)));

describe('the command hall', () => {
  it('shows today’s figures as /api/stats does, with a heat layer, no scrolling, and follows new reports', async () => {
    const page = await newPage(browser, contexts, 'county');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await signIn(page, app.url, 'county');
    await page.locator('header nav').first().waitFor({ timeout: 60_000 });
    // The PC header keeps one row: 指挥中心 may be behind 更多.
    const link = page.getByRole('link', { name: '指挥中心', exact: true });
    if (!(await link.isVisible())) await page.getByRole('button', { name: '更多' }).click();
    await link.click();
    await page.getByRole('heading', { name: '全县指挥中心', level: 1 }).waitFor({ timeout: 60_000 });
    await page.locator('[data-figure="new"] .hall-tile-value').waitFor({ timeout: 60_000 });
    await page.locator('.hall-sync[data-sync="live"]').waitFor({ timeout: 60_000 });

    // The relay's figures for today (CST), as the 考核 would ask.
    const token = await apiToken(app.url, 'county');
    const today = cstDay(Date.now());
    const relay = async () => {
      const r = await fetch(`${app.url}/api/stats?scope=county&from=${today}&to=${today}`, { headers: { authorization: `Bearer ${token}` } });
      const f = ((await r.json()) as { figures: { cases: number; open: number; overdue: number; completed: number } }).figures;
      return [f.cases, f.open, f.overdue, f.completed].map((n) => n.toLocaleString('zh-CN'));
    };
    await expect.poll(async () => JSON.stringify(await tiles(page)) === JSON.stringify(await relay()), { timeout: 30_000 }).toBe(true);
    const before = Number((await tile(page, 'new'))!.replace(/,/g, ''));

    // A wall screen does not scroll, either way.
    const overflow = await page.evaluate(() => ({
      x: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      y: document.documentElement.scrollHeight - document.documentElement.clientHeight,
    }));
    if (overflow.y) console.log(await page.evaluate(() => Array.from(document.querySelectorAll('body *')).filter((e) => e.getBoundingClientRect().bottom > innerHeight + 1).slice(0, 8).map((e) => `${e.tagName}.${e.className} ${JSON.stringify(e.getBoundingClientRect())}`).join('\n')));
    expect(overflow).toEqual({ x: 0, y: 0 });
    // The headline numbers are big enough to read from 5 m.
    const size = await page.locator('[data-figure="new"] .hall-tile-value').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThanOrEqual(64);

    // maplibre's own heatmap layer, over a GeoJSON source of the open cases.
    await page.locator('.hall-map[data-state="ready"]').waitFor({ timeout: 60_000 });
    const layer = await page.evaluate(() => {
      const m = (globalThis as unknown as { gridlinkMap?: { map: { getLayer(id: string): { type: string; source: string } | undefined; getSource(id: string): { type: string } | undefined } } }).gridlinkMap;
      const l = m?.map.getLayer('hall-heat');
      return l ? { type: l.type, source: m!.map.getSource(l.source)?.type } : null;
    });
    expect(layer).toEqual({ type: 'heatmap', source: 'geojson' });

    // Another client: the grid worker w0001's own sync session reports a case in its grid.
    const gridsRes = await fetch(`${app.url}/api/geo/grids.geojson`, { headers: { authorization: `Bearer ${await apiToken(app.url, 'w0001')}` } });
    const grids = (await gridsRes.json()) as { features: Array<{ properties: { gridId: string; center: [number, number] } }> };
    const center = grids.features.find((f) => f.properties.gridId === 'g0001')!.properties.center;
    const auth = createAuthService({ baseUrl: app.url, fetch: globalThis.fetch, WebSocketPolyfill: WebSocket as never, online: () => true, namespace: 'hall-e2e-w0001', pollMs: 50 });
    disposers.push(() => auth.dispose());
    const login = await auth.login('w0001', 'demo');
    if (!login.ok) throw new Error(`w0001 login: ${login.error}`);
    const worker = login.session as typeof login.session & { engine: { whenSynced(): Promise<void> } };
    await worker.engine.whenSynced();
    const t0 = Date.now();
    const d = await worker.report({ category: '0101', description: '指挥中心测试：路边违章搭建', location: { lng: center[0], lat: center[1] }, gridId: 'g0001' });
    expect(d.ok).toBe(true);
    await expect.poll(async () => Number((await tile(page, 'new'))!.replace(/,/g, '')), { timeout: 15_000, interval: 100 }).toBe(before + 1);
    const took = Date.now() - t0;
    console.log(`hall e2e: a new report shown on the wall ${took} ms after the other client saved it`);
    expect(took).toBeLessThan(10_000);
    await expect.poll(async () => JSON.stringify(await tiles(page)) === JSON.stringify(await relay()), { timeout: 15_000 }).toBe(true);
  });
});
