/**
 * Issue 14, in Debian chromium on the production build:
 *  - keyboard: Tab goes through every control of the sign-in screen and of a resident's home in 长辈版 (as a user
 *    who turned it on has it), each focused element is on screen and drawn with a focus outline; the read-aloud
 *    button and the home's 长辈版 switch work from the keyboard;
 *  - read-aloud on a device without speech synthesis: the clips are served as Ogg Opus, and the service worker
 *    holds every clip once the app has found it needs them, so they play offline.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, launchBrowser, serviceWorkerActivated, startApp, type App } from './harness.ts';
import { signInAs, VIEWPORTS } from './screens.ts';

let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});
afterAll(() => closeAll(contexts, browser, app));

/** 长辈版 on this device (the sign-in screen's choice), and no speech synthesis (a phone without a TTS engine). */
const SETUP = `try { localStorage.setItem('gridlink.elder', 'on'); } catch {}
try { Object.defineProperty(globalThis, 'speechSynthesis', { value: undefined, configurable: true }); } catch {}`;

async function page(): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: VIEWPORTS.phone });
  contexts.push(context);
  await context.addInitScript(SETUP);
  return context.newPage();
}

interface Stop {
  what: string;
  visible: boolean;
  outlined: boolean;
}

/** Tab from the top of the page until focus leaves it or comes round again; each stop described. */
async function tabThrough(p: Page, max = 40): Promise<Stop[]> {
  // Start before the first control: a focusable sentinel at the top of the body (removed after the first Tab).
  await p.evaluate(() => {
    const top = Object.assign(document.createElement('span'), { id: 'tab-start', tabIndex: 0 });
    document.body.prepend(top);
    top.focus();
  });
  const stops: Stop[] = [];
  for (let i = 0; i < max; i++) {
    await p.keyboard.press('Tab');
    if (i === 0) await p.evaluate(() => document.getElementById('tab-start')?.remove());
    const s = await p.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const cs = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      const label = (el.getAttribute('aria-label') || el.textContent || (el as HTMLInputElement).labels?.[0]?.textContent || el.id || '').replace(/\s+/g, ' ').trim().slice(0, 30);
      return {
        what: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${label}"`,
        // On screen and not hidden under the sticky header or the tab bar (WCAG 2.4.11): its middle is its own.
        visible:
          r.width >= 1 &&
          r.height >= 1 &&
          r.bottom > 0 &&
          r.top < innerHeight &&
          r.right > 0 &&
          r.left < innerWidth &&
          (() => {
            const hit = document.elementFromPoint(Math.min(innerWidth - 1, Math.max(0, r.left + r.width / 2)), Math.min(innerHeight - 1, Math.max(0, r.top + r.height / 2)));
            return !!hit && (el.contains(hit) || hit.contains(el) || (el as HTMLInputElement).labels?.[0]?.contains(hit) === true);
          })(),
        outlined: (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) || cs.boxShadow !== 'none',
      };
    });
    if (!s || stops.some((x) => x.what === s.what)) break;
    stops.push(s);
  }
  return stops;
}

const badStops = (stops: Stop[]) => stops.filter((s) => !s.visible || !s.outlined).map((s) => `${s.what}${s.visible ? '' : ' off screen or covered'}${s.outlined ? '' : ' without a focus outline'}`);

describe('keyboard and focus in 长辈版', () => {
  it('the sign-in screen: every control by Tab, each on screen with a focus outline; 朗读 plays its clip', async () => {
    const p = await page();
    await signInAs(p, app.url, '');
    await p.getByLabel('用户名').waitFor();
    expect(await p.evaluate(() => document.documentElement.dataset.elder)).toBe('on');
    const stops = await tabThrough(p);
    const names = stops.map((s) => s.what).join(' | ');
    for (const want of ['跳到主要内容', '长辈版', '朗读', '用户名', '密码', '登录']) expect(names, want).toContain(want);
    expect(badStops(stops)).toEqual([]);
    // The read-aloud button from the keyboard: its clip is fetched and is Ogg Opus.
    const clip = p.waitForResponse((r) => r.url().includes('/voice/login.opus'));
    await p.getByRole('button', { name: '朗读本页说明' }).focus();
    await p.keyboard.press('Enter');
    const res = await clip;
    expect([200, 206]).toContain(res.status()); // an <audio> element asks for a range
    expect(res.headers()['content-type']).toContain('audio/ogg');
  });

  it("a resident's home: every control by Tab with a focus outline; the title row's 长辈版 switch works by keyboard", async () => {
    const p = await page();
    await signInAs(p, app.url, 'resident01');
    await p.locator('.rs-cta').waitFor();
    const stops = await tabThrough(p);
    const names = stops.map((s) => s.what).join(' | ');
    for (const want of ['朗读', '长辈版', '我要上报']) expect(names, want).toContain(want);
    expect(badStops(stops)).toEqual([]);
    const sw = p.locator('.screen-head .home-elder');
    expect(await sw.getAttribute('aria-pressed')).toBe('true');
    await sw.focus();
    await p.keyboard.press('Enter');
    expect(await sw.getAttribute('aria-pressed')).toBe('false');
    expect(await p.evaluate(() => document.documentElement.dataset.elder ?? null)).toBeNull();
    await p.keyboard.press('Space');
    expect(await p.evaluate(() => document.documentElement.dataset.elder)).toBe('on');
  });
});

describe('keyboard and focus on the staff homes in 长辈版', () => {
  for (const [who, hash, want] of [
    ['w0001', '#/tasks', ['朗读', '长辈版', '上报新案件']],
    ['st01v01', '#/village', ['朗读', '长辈版']],
  ] as const) {
    it(`${who} ${hash}: every control by Tab, each on screen with a focus outline`, async () => {
      const p = await page();
      await signInAs(p, app.url, who);
      await p.goto(`${app.url}/${hash}`);
      await p.locator('main h1').waitFor();
      await p.waitForLoadState('networkidle');
      const stops = await tabThrough(p, 60);
      const names = stops.map((s) => s.what).join(' | ');
      for (const w of want) expect(names, w).toContain(w);
      expect(badStops(stops)).toEqual([]);
    });
  }
});

describe('read-aloud clips offline', () => {
  it('the service worker holds every clip once the app found this device needs them', async () => {
    const p = await page();
    await signInAs(p, app.url, '');
    await serviceWorkerActivated(p);
    // Under the service worker's control now, a fresh load finds it needs the clips and fetches them all.
    await p.reload();
    await p.getByLabel('用户名').waitFor();
    const ids = await p.evaluate(async () => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const keys = await (await caches.open('gridlink-voice')).keys();
        if (keys.length >= 25 || Date.now() > deadline) return keys.map((k) => new URL(k.url).pathname).sort();
        await new Promise((r) => setTimeout(r, 200));
      }
    });
    expect(ids.length).toBe(25);
    expect(ids).toContain('/voice/login.opus');
    expect(ids).toContain('/voice/residentHome.opus');
  });
});
