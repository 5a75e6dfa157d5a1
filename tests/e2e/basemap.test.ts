/**
 * Issue 5's basemap, drawn in Debian chromium: an administrator's PMTiles file in DATA_DIR (a raster basemap of
 * one distinctive colour over the demo county, written by tests/support/pmtiles.ts) is served by the relay, read
 * by the map through the `pmtiles` package and drawn under the boundaries. A screenshot shows the basemap colour
 * under the grid fills (the fill blended over it, not over the plain background) and, outside the county's
 * grids, the colour itself. Then offline (after the service worker kept the file): the reload draws it again.
 * Logs the time to the first frame with the basemap offline (`gl:basemap-rendered`) and the file's size.
 *
 * Then the administrator replaces the file (another colour) and later removes it, while a device is online: the
 * service worker revalidates its copy by ETag once per map open (a 304 when unchanged: counted at the relay, no
 * download), downloads the new file once, the next map open draws the new colour (offline too), and a removed
 * basemap is taken off the map and not drawn again.
 *
 * Without a basemap (issue 11, defect 6): the app learns it from the boundary files it already fetches (towns.geojson
 * says `"basemap": false`, kept offline by the service worker), asks for no basemap at all (no request, so no 404 in
 * the network log and no console error), and says once, on the map and on the administrator's boundary page, that
 * none is installed and how to install one.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { rm, unlink, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKGROUND, blend, FILL_NONE, FILL_OPACITY, rgb } from '../../src/features/map/colors.ts';
import { distanceToBoundary, type GridProperties, type PolygonIndex, type Position } from '../../src/domain/geo.ts';
import { solidRasterBasemap } from '../support/pmtiles.ts';
import { apiToken, closeAll, launchBrowser, navTo, newPage, serviceWorkerActivated, shellShown, signIn, startApp, syncText, type App } from './harness.ts';
import { gridsOf, openMap, shareOfColour, toScreen } from './pixels.ts';

/** The basemap's colour: far from the background, the fills and the lines. */
const BASEMAP = '#5b4fc4';
/** The box of the basemap: the demo county (its grids lie within), at the zooms the map shows. */
const BOX: [number, number, number, number] = [121.75, 40.85, 122.35, 41.45];
const basemap = solidRasterBasemap({ rgb: rgb(BASEMAP), bbox: BOX, minZoom: 5, maxZoom: 14 });
/**
 * The administrator's replacement: another colour, far from the first and the others, and another layout (one zoom
 * fewer: another directory, other offsets), so a tile cut from it with the first file's directory would not decode.
 */
const REPLACED = '#c4a22e';
const replaced = solidRasterBasemap({ rgb: rgb(REPLACED), bbox: BOX, minZoom: 5, maxZoom: 13 });

let app: App;
let browser: Browser;
let index: PolygonIndex<GridProperties>;
const contexts: BrowserContext[] = [];

const token = (username: string) => apiToken(app.url, username);

beforeAll(async () => {
  // The relay in a DATA_DIR with the administrator's basemap file, which this test later replaces and removes.
  [app, browser] = await Promise.all([startApp({ dataFiles: { 'basemap.pmtiles': basemap } }), launchBrowser()]);
  index = await gridsOf(app.url);
});

afterAll(() => closeAll(contexts, browser, app));

async function signInAs(username: string): Promise<Page> {
  const page = await newPage(browser, contexts, username);
  await signIn(page, app.url, username);
  await shellShown(page);
  await syncText(page, '在线');
  return page;
}

/** Resolves with the time (ms from navigation start) the basemap was first drawn in this page. */
async function basemapMark(page: Page): Promise<number> {
  await expect.poll(() => page.evaluate(() => performance.getEntriesByName('gl:basemap-rendered').length), { timeout: 60_000 }).toBe(1);
  return page.evaluate(() => Math.round(performance.getEntriesByName('gl:basemap-rendered')[0]!.startTime));
}

/** Fits the map to a box at once (no animation), and waits for the frame. */
async function fit(page: Page, b: [number, number, number, number]): Promise<void> {
  await page.evaluate(async (box) => {
    const gm = (globalThis as unknown as { gridlinkMap: { fit(b: number[]): void; map: { once(e: string, f: () => void): void; triggerRepaint(): void } } }).gridlinkMap;
    const idle = new Promise<void>((r) => gm.map.once('idle', r));
    gm.fit(box);
    gm.map.triggerRepaint();
    await idle;
  }, b);
}

/** How far inside the map (pixels) a sampled point must be drawn. */
const MARGIN = 40;

/** The points not covered by the map's own controls (the 44 px zoom buttons, issue 11). */
async function clearOfControls(page: Page, pts: { x: number; y: number }[]): Promise<{ x: number; y: number }[]> {
  const boxes = (await Promise.all((await page.locator('.map-canvas .maplibregl-ctrl').all()).map((c) => c.boundingBox()))).filter((b) => b !== null);
  const pad = 4;
  return pts.filter((p) => !boxes.some((b) => p.x >= b.x - pad && p.x <= b.x + b.width + pad && p.y >= b.y - pad && p.y <= b.y + b.height + pad));
}

/** A lattice over the box: points inside a grid and points outside every grid, both away from any grid's edge. */
function lattice(b: [number, number, number, number], n: number): { inGrids: Position[]; outside: Position[] } {
  const inGrids: Position[] = [];
  const outside: Position[] = [];
  const [dx, dy] = [(b[2] - b[0]) / n, (b[3] - b[1]) / n];
  // Degrees from the nearest edge (lines are a pixel or two wide; a degree is some 600 pixels in the county view).
  const clear = 0.004;
  for (let i = 1; i < n; i++) {
    for (let j = 1; j < n; j++) {
      const p: Position = [b[0] + dx * i, b[1] + dy * j];
      const near = index.inBox([p[0] - clear, p[1] - clear, p[0] + clear, p[1] + clear]).some((f) => distanceToBoundary(f.geometry, p[0], p[1]) < clear);
      if (near) continue;
      (index.find(p[0], p[1]) ? inGrids : outside).push(p);
    }
  }
  return { inGrids, outside };
}

/** The county and its surroundings as the map shows them: grid fills over the basemap, and the basemap beyond. */
async function expectBasemapDrawn(page: Page, colour = BASEMAP): Promise<void> {
  const county = index.bbox;
  await fit(page, [county[0], county[1], county[2], county[3]]);
  const { inGrids, outside } = lattice([county[0] - 0.05, county[1] - 0.05, county[2] + 0.05, county[3] + 0.05], 80);
  const under = await clearOfControls(page, await toScreen(page, inGrids, MARGIN));
  const beyond = await clearOfControls(page, await toScreen(page, outside, MARGIN));
  console.log(`[e2e] sampled ${under.length} pixels in grids, ${beyond.length} outside them`);
  expect(under.length).toBeGreaterThan(20);
  expect(beyond.length).toBeGreaterThan(20);
  // Grids without open cases: their fill blended over the basemap (over the plain background it would be another colour).
  const overBasemap = blend(colour, FILL_NONE, FILL_OPACITY);
  expect(blend(BACKGROUND, FILL_NONE, FILL_OPACITY).some((v, i) => Math.abs(v - overBasemap[i]!) > 30)).toBe(true);
  await expect.poll(() => shareOfColour(page, under, overBasemap), { timeout: 20_000, interval: 500 }).toBeGreaterThanOrEqual(0.6);
  // Outside every grid (within the basemap's box): the basemap's own colour.
  expect(await shareOfColour(page, beyond, rgb(colour))).toBeGreaterThanOrEqual(0.8);
}

interface BasemapHit {
  range: string | null;
  ifNoneMatch: string | null;
  status: number;
  /** Bytes of the body (its Content-Length; a 304 has none). */
  bytes: number;
}

/** The relay's answers to the browser (its service worker) for the basemap, as sent (Node's http diagnostics channel). */
function watchBasemap(): { hits: BasemapHit[]; stop(): void } {
  const hits: BasemapHit[] = [];
  const onFinish = (message: unknown) => {
    const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
    if (!request.url?.startsWith('/api/geo/basemap.pmtiles') || !/Chrome/.test(request.headers['user-agent'] ?? '')) return;
    const inm = request.headers['if-none-match'];
    hits.push({ range: request.headers.range ?? null, ifNoneMatch: typeof inm === 'string' ? inm : null, status: response.statusCode, bytes: Number(response.getHeader('content-length') ?? 0) });
  };
  subscribe('http.server.response.finish', onFinish);
  return { hits, stop: () => unsubscribe('http.server.response.finish', onFinish) };
}

/** The county without a basemap: outside the grids, the plain background. */
async function expectNoBasemap(page: Page): Promise<void> {
  const county = index.bbox;
  await fit(page, [county[0], county[1], county[2], county[3]]);
  const beyond = await clearOfControls(page, await toScreen(page, lattice([county[0] - 0.05, county[1] - 0.05, county[2] + 0.05, county[3] + 0.05], 80).outside, MARGIN));
  expect(beyond.length).toBeGreaterThan(20);
  expect(await shareOfColour(page, beyond, rgb(BACKGROUND))).toBeGreaterThanOrEqual(0.8);
}

describe('basemap', () => {
  it('draws the administrator’s PMTiles basemap under the grids, and again offline from the service worker', async () => {
    console.log(`[e2e] test basemap: ${basemap.length} bytes (raster PNG, z5–14, ${BOX.join(', ')})`);
    const res = await fetch(`${app.url}/api/geo/basemap.pmtiles`, { headers: { authorization: `Bearer ${await token('w0001')}` } });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(basemap)).toBe(true);

    const worker = await signInAs('w0001');
    await serviceWorkerActivated(worker);
    await navTo(worker, '地图');
    await openMap(worker, app.url);
    const online = await basemapMark(worker);
    console.log(`[e2e] basemap first drawn online: ${online} ms from navigation start (the sign-in page's, signing in included)`);
    await expectBasemapDrawn(worker);
    // With a basemap there is nothing to say about it.
    expect(await worker.getByText('没有安装底图').count()).toBe(0);

    // The service worker has the whole file (mapview fetches it once), so byte ranges can be served from it.
    const url = `${app.url}/api/geo/basemap.pmtiles`;
    await expect.poll(() => worker.evaluate(async (u) => (await caches.match(u))?.status ?? 0, url), { timeout: 20_000 }).toBe(200);

    await worker.context().setOffline(true);
    await worker.reload();
    await openMap(worker, app.url);
    const offline = await basemapMark(worker);
    const gridsAt = await worker.evaluate(() => Math.round(performance.getEntriesByName('gl:map-rendered')[0]!.startTime));
    console.log(`[e2e] basemap first drawn offline: ${offline} ms from navigation start (grids first drawn: ${gridsAt} ms; reload of #/map, service worker, no network)`);
    await expectBasemapDrawn(worker);

    // Byte ranges offline, from the cached whole file, as the relay answers them: the reader's first read asks
    // for 16 KiB, more than this file (the end is cut at the last byte, not refused), a middle, a suffix.
    const ranges = await worker.evaluate(async (u) => {
      const out: { status: number; contentRange: string | null; bytes: number[] }[] = [];
      for (const range of ['bytes=0-16383', 'bytes=127-136', 'bytes=-5', 'bytes=5000-5001']) {
        const r = await fetch(u, { headers: { range } });
        out.push({ status: r.status, contentRange: r.headers.get('content-range'), bytes: Array.from(new Uint8Array(await r.arrayBuffer())) });
      }
      return out;
    }, url);
    const size = basemap.length;
    expect(ranges.map((r) => [r.status, r.contentRange])).toEqual([
      [206, `bytes 0-${size - 1}/${size}`],
      [206, `bytes 127-136/${size}`],
      [206, `bytes ${size - 5}-${size - 1}/${size}`],
      [416, `bytes */${size}`],
    ]);
    expect(Buffer.from(ranges[0]!.bytes).equals(basemap)).toBe(true);
    expect(Buffer.from(ranges[1]!.bytes).equals(basemap.subarray(127, 137))).toBe(true);
    expect(Buffer.from(ranges[2]!.bytes).equals(basemap.subarray(size - 5))).toBe(true);
    if (process.env.GRIDLINK_SHOTS) await worker.screenshot({ path: `${process.env.GRIDLINK_SHOTS}/basemap-offline.png` });

    // The same offline start on a slow phone's CPU (4x slowdown through the DevTools protocol): logged, not a budget.
    const cdp = await worker.context().newCDPSession(worker);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await worker.reload();
    await openMap(worker, app.url);
    console.log(`[e2e] basemap first drawn offline at 4x CPU slowdown: ${await basemapMark(worker)} ms from navigation start`);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  });
  it('revalidates the kept basemap by ETag: nothing downloaded when unchanged, a replaced file from the next map open, a removed one no more', async () => {
    const url = `${app.url}/api/geo/basemap.pmtiles`;
    const file = join(app.dataDir, 'basemap.pmtiles');
    const relayEtag = async () => (await fetch(url, { method: 'HEAD', headers: { authorization: `Bearer ${await token('w0002')}` } })).headers.get('etag');
    const copyEtag = (page: Page) => page.evaluate(async (u) => (await caches.match(u))?.headers.get('etag') ?? null, url);
    const hasSource = (page: Page) => page.evaluate(() => Boolean((globalThis as unknown as { gridlinkMap: { map: { getSource(id: string): unknown } } }).gridlinkMap.map.getSource('basemap')));
    /** Reloads (a new map open), waits for the map, and for the basemap unless `basemap: false`. */
    const reopen = async (page: Page, basemap = true) => {
      await page.reload();
      await openMap(page, app.url);
      if (basemap) await basemapMark(page);
    };
    /** The relay's answers since `from`, once the revalidation of this map open has been answered. */
    const settled = async (from: number) => {
      await expect.poll(() => watch.hits.slice(from).filter((h) => h.range === null).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
      await new Promise((r) => setTimeout(r, 1000));
      return watch.hits.slice(from);
    };
    const watch = watchBasemap();
    try {
      const worker = await signInAs('w0002');
      await serviceWorkerActivated(worker);
      await navTo(worker, '地图');
      await openMap(worker, app.url);
      await basemapMark(worker);
      const etagA = await relayEtag();
      expect(etagA).toMatch(/^"[\w-]{20,}"$/);
      await expect.poll(() => copyEtag(worker), { timeout: 20_000 }).toBe(etagA);
      const firstBytes = watch.hits.reduce((n, h) => n + h.bytes, 0);
      console.log(`[e2e] first map open: ${watch.hits.length} basemap requests to the relay, ${firstBytes} bytes (file ${basemap.length} bytes)`);

      // Unchanged: the next map open draws from the copy and asks the relay once, conditionally: a 304, no body.
      let from = watch.hits.length;
      await reopen(worker);
      await expectBasemapDrawn(worker);
      const unchanged = await settled(from);
      expect(unchanged).toEqual([{ range: null, ifNoneMatch: etagA, status: 304, bytes: 0 }]);
      console.log(`[e2e] map open with the basemap unchanged: ${unchanged.length} request to the relay, ${unchanged.reduce((n, h) => n + h.bytes, 0)} body bytes (304)`);

      // The administrator replaces the file. The next map open still draws the copy at once (offline-first) and
      // downloads the new file once, in the background, into the copy.
      await writeFile(file, replaced);
      const etagB = await relayEtag();
      expect(etagB).not.toBe(etagA);
      from = watch.hits.length;
      await reopen(worker);
      await expect.poll(() => copyEtag(worker), { timeout: 30_000 }).toBe(etagB);
      // Tiles this map loads after the copy was replaced under it (the county's view: not drawn yet in this open)
      // come from the new file: the reader sees the new ETag and reads the new header and directory first.
      await expectBasemapDrawn(worker, REPLACED);
      const download = await settled(from);
      expect(download.filter((h) => h.status === 200)).toEqual([{ range: null, ifNoneMatch: etagA, status: 200, bytes: replaced.length }]);
      expect(download.reduce((n, h) => n + h.bytes, 0)).toBe(replaced.length);
      console.log(`[e2e] map open after the file was replaced: ${download.length} request to the relay, ${replaced.length} body bytes (the new file, once)`);

      // The map open after that draws the new file, and the revalidation is a 304 again.
      from = watch.hits.length;
      await reopen(worker);
      await expectBasemapDrawn(worker, REPLACED);
      expect(await settled(from)).toEqual([{ range: null, ifNoneMatch: etagB, status: 304, bytes: 0 }]);

      // Offline: the failed revalidation leaves the new copy in use.
      await worker.context().setOffline(true);
      await reopen(worker);
      await expectBasemapDrawn(worker, REPLACED);
      expect(await copyEtag(worker)).toBe(etagB);
      await worker.context().setOffline(false);

      // The administrator removes the file: the map open that learns it (a 404) drops the copy and takes the
      // basemap off at once; the next one draws none.
      await unlink(file);
      from = watch.hits.length;
      await reopen(worker, false);
      await expect.poll(() => copyEtag(worker), { timeout: 20_000 }).toBe(null);
      await expect.poll(() => hasSource(worker), { timeout: 20_000 }).toBe(false);
      expect((await settled(from)).filter((h) => h.range === null)).toEqual([{ range: null, ifNoneMatch: etagB, status: 404, bytes: expect.any(Number) }]);
      await expectNoBasemap(worker);
      await reopen(worker, false);
      await new Promise((r) => setTimeout(r, 1000));
      expect(await hasSource(worker)).toBe(false);
      expect(await worker.evaluate(() => performance.getEntriesByName('gl:basemap-rendered').length)).toBe(0);
      await expectNoBasemap(worker);
    } finally {
      watch.stop();
    }
  });
  it('without a basemap: no basemap request, no console error, the notice once on the map and on the boundary page', async () => {
    // Independent of the tests above (which remove it at their end): no basemap from here on.
    await rm(join(app.dataDir, 'basemap.pmtiles'), { force: true });
    const watch = watchBasemap();
    try {
      for (const [username, notice] of [
        ['w0003', '没有安装底图'],
        ['admin', '没有安装底图'],
      ] as const) {
        const page = await newPage(browser, contexts, username);
        const errors: string[] = [];
        const failed: string[] = [];
        const basemapRequests: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('request', (r) => {
          if (r.url().includes('/api/geo/basemap')) basemapRequests.push(r.url());
        });
        page.on('response', (r) => {
          if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
        });
        await signIn(page, app.url, username);
        await shellShown(page);
        await syncText(page, '在线');
        await navTo(page, '地图');
        await openMap(page, app.url);
        // The notice, once (the map screen renders one), and the map drawn without a basemap.
        await expect.poll(() => page.getByText(notice).count(), { timeout: 10_000 }).toBe(1);
        await expectNoBasemap(page);
        if (username === 'admin') {
          await page.goto(`${app.url}/#/geo`);
          await expect.poll(() => page.getByText(notice).count(), { timeout: 10_000 }).toBe(1);
          await expect(page.getByText('basemap.pmtiles').first().isVisible()).resolves.toBe(true);
        }
        await new Promise((r) => setTimeout(r, 1000));
        expect(basemapRequests).toEqual([]);
        expect(failed).toEqual([]);
        expect(errors).toEqual([]);
      }
      expect(watch.hits).toEqual([]);
    } finally {
      watch.stop();
    }
  });
});
