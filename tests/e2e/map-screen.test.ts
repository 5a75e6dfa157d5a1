/**
 * Issue 11: the map screen (a grid worker, a town center) and the administrator's boundary page, at 360x740 in
 * Chinese, as a new user meets them: every target at least 44x44 px (maplibre's zoom buttons included), no
 * English words (maplibre's own titles come from the map locale pack), no console error or failed request, no
 * sideways scroll at 320 px nor at 200% text, and no axe violation of serious or critical impact.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, launchBrowser, navTo, newPage, shellShown, signIn, startApp, syncText, type App } from './harness.ts';
import { openMap } from './pixels.ts';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
/** Latin words allowed in the Chinese UI: the language switch's text, and file formats an administrator must name. */
const ALLOWED = new Set(['English', 'GeoJSON', 'GIS', 'PMTiles', 'basemap', 'pmtiles', 'DATA_DIR', 'MB']);

let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});
afterAll(() => closeAll(contexts, browser, app));

/** Visible interactive elements smaller than 44x44 px (name and size). */
function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
      if (el.closest('.visually-hidden')) continue;
      if (r.width < 43.5 || r.height < 43.5) out.push(`${el.tagName} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    return out;
  });
}

/** Latin words in the page's visible text and in the names of its controls, apart from the allowed ones. */
async function englishWords(page: Page): Promise<string[]> {
  const text = await page.evaluate(() => {
    // The language switch speaks English on purpose (lang="en"): it is for people who read English.
    const names = Array.from(document.querySelectorAll('[aria-label], [title]'))
      .filter((e) => !e.closest('[lang^="en"]'))
      .map((e) => `${e.getAttribute('aria-label') ?? ''} ${e.getAttribute('title') ?? ''}`);
    return `${document.body.innerText}\n${names.join('\n')}`;
  });
  return [...new Set(text.match(/[A-Za-z][A-Za-z_.]+/g) ?? [])].filter((w) => !w.split('.').every((p) => ALLOWED.has(p)));
}

async function axeSerious(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the app's CSP (script-src 'self') refuses an injected script tag.
  await page.evaluate(readFileSync(AXE, 'utf8'));
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: Document, o: unknown): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

async function sideways(page: Page): Promise<{ at320: number; at200: number }> {
  await page.setViewportSize({ width: 320, height: 740 });
  await page.waitForTimeout(300);
  const at320 = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.setViewportSize({ width: 360, height: 740 });
  await page.evaluate(() => (document.documentElement.style.fontSize = '200%'));
  await page.waitForTimeout(300);
  const at200 = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.evaluate(() => (document.documentElement.style.fontSize = ''));
  return { at320, at200 };
}

describe('the map screen and the boundary page for new users (issue 11)', () => {
  for (const [username, route] of [
    ['w0001', '#/map'],
    ['town01', '#/map'],
    ['admin', '#/geo'],
  ] as const) {
    it(`${username} ${route}: 44 px targets, Chinese only, no errors, no sideways scroll, axe clean`, async () => {
      const page = await newPage(browser, contexts, username);
      await page.setViewportSize({ width: 360, height: 740 });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('response', (r) => {
        if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
      });
      await signIn(page, app.url, username);
      await shellShown(page);
      await syncText(page, '在线');
      if (route === '#/map') {
        await navTo(page, '地图');
        await openMap(page, app.url);
        // maplibre's zoom buttons, in Chinese and 44 px.
        const zoomIn = page.getByRole('button', { name: '放大' });
        const box = (await zoomIn.boundingBox())!;
        expect(box.width).toBeGreaterThanOrEqual(44);
        expect(box.height).toBeGreaterThanOrEqual(44);
        await expect(page.getByRole('button', { name: '缩小' }).count()).resolves.toBe(1);
        // A grid of the list shown on the map: the panel names its worker, never an account id.
        await page.locator('.map-list button').first().click();
        await expect.poll(() => page.locator('#map-panel h2').count()).toBe(1);
        expect(await page.locator('#map-panel').innerText()).not.toMatch(/\b[a-z]\d{3,}\b|\bg\d{4}\b/);
      } else {
        await page.goto(`${app.url}/${route}`);
        await page.getByRole('heading', { name: '底图', exact: true }).waitFor();
        await page.waitForTimeout(500);
      }
      // The offline-ready toast is the shell's, not this screen's: out of the way.
      await page.getByRole('button', { name: '关闭', exact: true }).click({ timeout: 2000 }).catch(() => {});
      expect(await smallTargets(page)).toEqual([]);
      expect(await englishWords(page)).toEqual([]);
      expect(await sideways(page)).toEqual({ at320: 0, at200: 0 });
      expect(await axeSerious(page)).toEqual([]);
      expect(errors).toEqual([]);
    });
  }
});
