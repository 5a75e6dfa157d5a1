/**
 * Issue 11 defect 1, end to end in Debian chromium: a resident signs in, the status bar says 在线 (never 离线 while
 * online), 上报 shows a ready form (the public reference data, not the staff's org doc), the report reaches the
 * relay, and 案件 lists it with its status. Offline: a second report is kept on the device (1 unsaved change), is
 * listed at once, and reaches the relay when the network returns. The resident's list holds their own reports only.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiToken, closeAll, launchBrowser, newPage, serviceWorkerActivated, signIn, startApp, syncText, type App } from './harness.ts';

let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});

afterAll(() => closeAll(contexts, browser, app));

async function fillReport(page: Page, description: string): Promise<void> {
  await page.getByRole('link', { name: '上报', exact: true }).click();
  // The form is ready (not 正在载入…) within a few seconds.
  await page.getByLabel('搜索类别（中文、英文或代码）').waitFor({ timeout: 10_000 });
  await page.getByLabel('搜索类别（中文、英文或代码）').fill('0101');
  await page.locator('input[type=radio][value="0101"]').check();
  await page.getByLabel('问题描述').fill(description);
  const grid = page.locator('#r-grid');
  // The resident's grid: chosen from their town's grids (the first one here).
  const first = await grid.locator('option').nth(1).getAttribute('value');
  await grid.selectOption(first!);
  await page.getByRole('button', { name: '上报', exact: true }).click();
  await page.waitForURL(/#\/cases\/[0-9A-Z]{26}$/);
}

describe('a resident reports and sees the report', () => {
  it('reports online and offline, sees both in 案件 with their status, and only their own', async () => {
    const errors: string[] = [];
    const page = await newPage(browser, contexts, 'resident01');
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await signIn(page, `${app.url}/#/cases`, 'resident01');
    await page.getByRole('heading', { name: '案件列表' }).waitFor();
    await syncText(page, '在线');
    await syncText(page, '所有更改已保存到服务器');
    await expect.poll(async () => await page.getByRole('status', { name: '同步状态' }).textContent()).not.toContain('离线');

    // Online report.
    const online = `居民端到端：楼道灯坏了 ${Date.now()}`;
    await fillReport(page, online);
    const firstId = page.url().split('/').pop()!;
    await page.locator('.detail h1').filter({ hasText: '已上报' }).waitFor({ timeout: 15_000 });
    await syncText(page, '所有更改已保存到服务器');

    // The relay has it, reported by the resident.
    const town = await apiToken(app.url, 'town01');
    const stored = (await (await fetch(`${app.url}/api/cases/${firstId}`, { headers: { authorization: `Bearer ${town}` } })).json()) as Record<string, unknown>;
    expect(stored).toMatchObject({ description: online, reporter: 'resident01', status: 'reported' });

    // 案件: the report with its status; every row is one of the resident's own reports (the relay's own list).
    await page.getByRole('link', { name: '案件', exact: true }).click();
    await page.getByRole('heading', { name: '案件列表' }).waitFor();
    const row = page.locator('li, tr').filter({ hasText: online }).first();
    await row.waitFor({ timeout: 15_000 });
    await expect.poll(() => row.textContent()).toContain('已上报');
    const token = await apiToken(app.url, 'resident01');
    const mine = (await (await fetch(`${app.url}/api/cases/mine`, { headers: { authorization: `Bearer ${token}` } })).json()) as { cases: Array<{ id: string }> };
    expect(mine.cases.map((c) => c.id)).toContain(firstId);
    // The list is exactly the resident's own reports (the demo seeds some of resident01's too), no one else's.
    await expect.poll(() => page.locator('.cases-count').textContent()).toBe(`共 ${mine.cases.length} 件`);

    // Offline: the report is kept on the device, listed at once, and sent when the network returns.
    await serviceWorkerActivated(page);
    await page.context().setOffline(true);
    await syncText(page, '离线');
    const offline = `居民离线上报：路面塌陷 ${Date.now()}`;
    await fillReport(page, offline);
    const secondId = page.url().split('/').pop()!;
    await page.locator('.detail h1').filter({ hasText: '已上报' }).waitFor({ timeout: 15_000 });
    await syncText(page, '1 项更改尚未保存到服务器');
    await page.getByRole('link', { name: '案件', exact: true }).click();
    await page.locator('li, tr').filter({ hasText: offline }).first().waitFor({ timeout: 15_000 });

    await page.context().setOffline(false);
    await syncText(page, '所有更改已保存到服务器');
    const after = (await (await fetch(`${app.url}/api/cases/${secondId}`, { headers: { authorization: `Bearer ${town}` } })).json()) as Record<string, unknown>;
    expect(after).toMatchObject({ description: offline, reporter: 'resident01' });

    // After a reload the list still has both (kept on the device) and the status bar tells the truth.
    await page.reload();
    await page.getByRole('heading', { name: '案件列表' }).waitFor();
    await page.locator('li, tr').filter({ hasText: offline }).first().waitFor({ timeout: 15_000 });
    await page.locator('li, tr').filter({ hasText: online }).first().waitFor();
    await syncText(page, '在线');
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  }, 180_000);
});
