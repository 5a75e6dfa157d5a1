/**
 * Loading must not look like emptiness (issue 11, defect 3): from the first paint until the screen has loaded,
 * the town center's board never shows a queue count of 0 for a queue that has cases, never "此队列没有案件。" for a
 * queue that has cases, and the status bar never says 离线 while the relay is up, nor claims "所有更改已保存到服务器"
 * beside a connection that is still being made. Checked right after a first sign-in and after a reload, and for the
 * case list after a reload. An init script watches the DOM from the document's start (mutations and every frame)
 * and records what was shown; the test reads the record once the screen has loaded.
 */
import { BOARD_QUEUES } from '../../src/domain/queues.ts';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, launchBrowser, newPage, startApp, syncText, type App } from './harness.ts';

let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});

afterAll(() => closeAll(contexts, browser, app));

interface Seen {
  /** Queue tab name -> every count text it showed (digits only, '' when it showed no number). */
  counts: Record<string, string[]>;
  /** Texts of the queue's and the case list's count line / empty state. */
  lines: string[];
  /** Texts of the sync status bar. */
  status: string[];
}

/** What the relay sends arrives this late (a slow rural link): the screens are loading for a while. */
const LINK_DELAY_MS = 1500;

/**
 * Installed before any page script: delays every message from the relay by `delayMs` (in order), and records what
 * the board, the case list and the status bar show, at every DOM change and every frame.
 */
function watch(delayMs: number): void {
  const Native = window.WebSocket;
  class SlowSocket extends Native {
    override set onmessage(f: ((ev: MessageEvent) => void) | null) {
      super.onmessage = f ? (ev: MessageEvent) => setTimeout(() => f.call(this, ev), delayMs) : null;
    }
    override get onmessage(): ((ev: MessageEvent) => void) | null {
      return super.onmessage;
    }
  }
  window.WebSocket = SlowSocket;
  const seen: Seen = { counts: {}, lines: [], status: [] };
  (window as unknown as { __seen: Seen }).__seen = seen;
  const add = (list: string[], text: string) => {
    if (list[list.length - 1] !== text) list.push(text);
  };
  const look = () => {
    for (const tab of document.querySelectorAll('.queue-tab')) {
      const name = tab.querySelector('span')?.textContent ?? '';
      const count = tab.querySelector('.queue-count')?.textContent ?? '';
      add((seen.counts[name] ??= []), count.replace(/\D/g, ''));
    }
    for (const p of document.querySelectorAll('.cases-count, .queue-view, .cases')) add(seen.lines, (p as HTMLElement).innerText ?? p.textContent ?? '');
    const bar = document.querySelector('.syncbar');
    if (bar) add(seen.status, bar.textContent ?? '');
  };
  const start = () => {
    new MutationObserver(look).observe(document.documentElement, { subtree: true, childList: true, characterData: true });
    const frame = () => {
      look();
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  };
  if (document.documentElement) start();
  else document.addEventListener('DOMContentLoaded', start);
}

/** A cheap phone: the page's CPU twice as slow (the loading states last long enough to be seen). */
async function slowCpu(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 2 });
}

async function seen(page: Page): Promise<Seen> {
  return page.evaluate(() => (window as unknown as { __seen: Seen }).__seen);
}

/** The board's counts: tab name -> number (the tabs that show one). */
function boardCounts(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const out: Record<string, number> = {};
    for (const tab of document.querySelectorAll('.queue-tab')) {
      const digits = (tab.querySelector('.queue-count')?.textContent ?? '').replace(/\D/g, '');
      if (digits) out[tab.querySelector('span')?.textContent ?? ''] = Number(digits);
    }
    return out;
  });
}

/** The board's final counts, once everything has synced (the demo town has overdue cases) and they stay put. */
async function finalCounts(page: Page): Promise<Record<string, number>> {
  await syncText(page, '在线');
  await expect.poll(async () => (await boardCounts(page))['超时'] ?? 0, { timeout: 30_000 }).toBeGreaterThan(0);
  await page.waitForTimeout(1000);
  return boardCounts(page);
}

function checkBoard(s: Seen, counts: Record<string, number>, queueName: string): void {
  expect(Object.keys(counts).length).toBe(BOARD_QUEUES.length);
  for (const [name, n] of Object.entries(counts)) {
    if (n > 0) expect(s.counts[name] ?? [], `${name} showed 0 while it has ${n} cases`).not.toContain('0');
  }
  if ((counts[queueName] ?? 0) > 0) {
    expect(s.lines.filter((x) => x.includes('此队列没有案件'))).toEqual([]);
  }
  checkStatus(s);
}

function checkStatus(s: Seen): void {
  expect(s.status.filter((x) => x.includes('离线'))).toEqual([]);
  expect(s.status.filter((x) => /连接/.test(x) && x.includes('所有更改已保存到服务器'))).toEqual([]);
}

describe('loading is not emptiness', () => {
  let page: Page;

  it('the board after a first sign-in shows no 0 count, no empty queue and no 离线 before it has loaded', async () => {
    page = await newPage(browser, contexts, 'town01');
    await page.addInitScript(watch, LINK_DELAY_MS);
    await slowCpu(page);
    // Signs in on the overdue queue (the demo town has overdue cases, and no new ones).
    await page.goto(`${app.url}/#/board/overdue`);
    await page.getByLabel('用户名').fill('town01');
    await page.getByLabel('密码').fill('demo');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('heading', { name: '调度台', level: 1 }).waitFor();
    const counts = await finalCounts(page);
    expect(counts['超时']).toBeGreaterThan(0);
    checkBoard(await seen(page), counts, '超时');
  });

  it('the board after a reload shows no 0 count, no empty queue and no 离线 before it has loaded', async () => {
    await page.reload();
    await page.getByRole('heading', { name: '调度台', level: 1 }).waitFor();
    expect(page.url()).toContain('#/board/overdue');
    const counts = await finalCounts(page);
    checkBoard(await seen(page), counts, '超时');
  });

  it('the case list after a reload shows no empty state and no 离线 before it has loaded', async () => {
    await page.goto(`${app.url}/#/cases`);
    await page.getByRole('heading', { name: '案件列表', level: 1 }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: '案件列表', level: 1 }).waitFor();
    await syncText(page, '在线');
    await expect.poll(() => page.locator('.cases-count').textContent(), { timeout: 30_000 }).toMatch(/共 [\d,]+ 件/);
    const s = await seen(page);
    expect(s.lines.filter((x) => x.includes('没有符合条件的案件'))).toEqual([]);
    expect(s.lines.filter((x) => /共 0 件/.test(x))).toEqual([]);
    checkStatus(s);
  });
});
