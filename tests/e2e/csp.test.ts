/**
 * The relay's Content-Security-Policy (server/headers.ts) with the real build in Debian chromium: the app signs in,
 * syncs over its websocket, registers its service worker, opens the map (maplibre, its worker, WebGL) and draws
 * the grids, online and offline from the service worker, without one policy violation.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GridProperties, PolygonIndex } from '../../src/domain/geo.ts';
import { BACKGROUND, blend, FILL_NONE, FILL_OPACITY } from '../../src/features/map/colors.ts';
import { closeAll, launchBrowser, navTo, newPage, serviceWorkerActivated, shellShown, signIn, startApp, syncText, type App } from './harness.ts';
import { gridsOf, neighbourPoints, openMap, shareOfColour, toScreen } from './pixels.ts';

let app: App;
let browser: Browser;
let index: PolygonIndex<GridProperties>;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  index = await gridsOf(app.url);
});

afterAll(() => closeAll(contexts, browser, app));

/** Every CSP violation the page reports (the event, and chromium's console line for it). */
async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(`console: ${m.text()}`);
  });
  await page.exposeFunction('reportCspViolation', (text: string) => seen.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { reportCspViolation(t: string): void }).reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  return seen;
}

describe('content security policy', () => {
  it('the built app runs under it: sign-in, sync, service worker, the map and its worker, offline too', async () => {
    const page = await newPage(browser, contexts, 'csp');
    const violations = await watchViolations(page);
    const shell = await page.request.get(`${app.url}/`, { headers: { accept: 'text/html' } });
    const csp = shell.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');

    await signIn(page, app.url, 'w0001');
    await shellShown(page);
    await syncText(page, '在线'); // the websocket is open
    await serviceWorkerActivated(page);

    await navTo(page, '地图');
    await openMap(page, app.url);
    const around = await toScreen(page, neighbourPoints(index, 'g0001'), 5);
    expect(around.length).toBeGreaterThan(5);
    const none = blend(BACKGROUND, FILL_NONE, FILL_OPACITY);
    await expect.poll(() => shareOfColour(page, around, none), { timeout: 20_000, interval: 500 }).toBeGreaterThanOrEqual(0.6);

    // Offline: the shell and its policy from the service worker's precache; maplibre's worker from the cache too.
    await page.context().setOffline(true);
    await page.reload();
    await openMap(page, app.url);
    await expect.poll(() => shareOfColour(page, around, none), { timeout: 20_000, interval: 500 }).toBeGreaterThanOrEqual(0.6);
    await page.context().setOffline(false);

    expect(violations).toEqual([]);
  });
});
