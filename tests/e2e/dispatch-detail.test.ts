/**
 * Defect 4 of issue 11: after a dispatch on the board, the case detail opened at once must show 已派遣 and no
 * dispatch form (a stale 已受理 with the form invites a second dispatch). A grid worker reports a case; the town
 * center opens the board, accepts it, dispatches it from the panel (the first dispatch after opening the board)
 * and opens the case's detail right away.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, launchBrowser, newPage, signIn, startApp, syncText, type App } from './harness.ts';

let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});

afterAll(() => closeAll(contexts, browser, app));

describe('the case detail right after a dispatch from the board', () => {
  it('shows 已派遣 and no dispatch form', async () => {
    const worker = await newPage(browser, contexts, 'w0001');
    await signIn(worker, app.url, 'w0001');
    await syncText(worker, '在线', 60_000);
    await worker.goto(`${app.url}/#/report`);
    await worker.getByLabel('搜索类别（中文、英文或代码）').fill('0101');
    await worker.locator('input[type=radio][value="0101"]').check();
    await worker.getByLabel('问题描述').fill(`派遣后立即打开详情 ${Date.now()}`);
    await worker.getByRole('button', { name: '上报', exact: true }).click();
    await worker.waitForURL(/#\/cases\/[0-9A-Z]{26}$/);
    const href = `#/cases/${worker.url().split('/').pop()!}`;
    await syncText(worker, '所有更改已保存到服务器', 60_000);

    const town = await newPage(browser, contexts, 'town01');
    await signIn(town, app.url, 'town01');
    await town.getByRole('heading', { name: '调度台', level: 1 }).waitFor({ timeout: 60_000 });
    const fresh = town.locator('.case-list > li', { has: town.locator(`a[href="${href}"]`) });
    await fresh.waitFor({ timeout: 60_000 });
    await fresh.locator('a.queue-row').focus();
    await town.keyboard.press('a');
    await town.getByRole('status').filter({ hasText: /^已受理：/ }).waitFor();
    await syncText(town, '所有更改已保存到服务器', 60_000);
    // The board opened afresh (a reload on 待派遣), and the case dispatched as soon as its row shows.
    await town.goto(`${app.url}/#/board/to_dispatch`);
    await town.reload();
    const row = town.locator('.case-list > li', { has: town.locator(`a[href="${href}"]`) });
    await row.waitFor({ timeout: 60_000 });
    await row.getByRole('button', { name: /^派遣 · / }).click();
    const panel = town.locator('.case-panel');
    await panel.locator('#act-unit').waitFor();
    await panel.getByRole('form', { name: '派遣', exact: true }).getByRole('button', { name: '派遣', exact: true }).click();
    await panel.waitFor({ state: 'detached', timeout: 30_000 });
    // At once, as a user taps the case: no wait for the sync.
    await town.evaluate((h) => (location.hash = h), href);
    const title = town.locator('.detail h1');
    await title.waitFor({ timeout: 30_000 });
    // Watch the detail until the relay has the dispatch: it must never show 已受理 or the dispatch form.
    const seen = new Set<string>();
    const deadline = Date.now() + 4000;
    while (Date.now() < deadline) {
      seen.add(`${((await title.textContent()) ?? '').trim()} | 派遣表单 ${await town.getByRole('form', { name: '派遣', exact: true }).count()}`);
      await town.waitForTimeout(50);
    }
    await syncText(town, '所有更改已保存到服务器', 60_000);
    await town.waitForTimeout(1000);
    seen.add(`${((await title.textContent()) ?? '').trim()} | 派遣表单 ${await town.getByRole('form', { name: '派遣', exact: true }).count()}`);
    expect([...seen].filter((s) => !s.startsWith('已派遣') || !s.endsWith('派遣表单 0'))).toEqual([]);
  });
});
