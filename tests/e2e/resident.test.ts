/**
 * Issue 11 defect 1, end to end in Debian chromium (issue 13: in the resident app): a resident signs in, the status
 * bar says 在线 (never 离线 while online), 上报 shows a ready wizard (the public reference data, not the staff's org
 * doc), the report reaches the relay, and 我的上报 lists it with its plain-word stage and 已送达. Offline: a second report is kept on the device (1 unsaved change), is
 * listed at once as 待发送, and reaches the relay when the network returns (已送达). The resident's list holds their own reports only.
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

/** The resident app's three steps: no photo, the resident's village, 路面坑洼 with a few words; then 上报好了. */
async function fillReport(page: Page, description: string): Promise<void> {
  await page.getByRole('link', { name: '上报', exact: true }).click();
  // The wizard is ready (not 正在准备上报) within a few seconds.
  await page.getByRole('button', { name: '不拍照，下一步' }).click({ timeout: 10_000 });
  await page.getByRole('button', { name: '就在我村里' }).click();
  await page.getByRole('button', { name: '下一步', exact: true }).click();
  await page.getByRole('radio', { name: '路面坑洼' }).click();
  await page.getByLabel('补充说明（可不填）').fill(description);
  await page.getByRole('button', { name: '提交上报' }).click();
  await page.getByRole('heading', { name: '上报好了' }).waitFor({ timeout: 15_000 });
  await page.getByRole('link', { name: '查看办理进度' }).click();
  await page.waitForURL(/#\/cases\/[0-9A-Z]{26}$/);
}

describe('a resident reports and sees the report', () => {
  it('reports online and offline, sees both in 我的上报 with their stage and delivery, and only their own', async () => {
    const errors: string[] = [];
    const page = await newPage(browser, contexts, 'resident01');
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await signIn(page, `${app.url}/#/cases`, 'resident01');
    await page.getByRole('heading', { name: '我的上报' }).waitFor();
    await syncText(page, '在线');
    await syncText(page, '所有更改已保存到服务器');
    await expect.poll(async () => await page.getByRole('status', { name: '同步状态' }).textContent()).not.toContain('离线');

    // Online report.
    const online = `居民端到端：楼道灯坏了 ${Date.now()}`;
    await fillReport(page, online);
    const firstId = page.url().split('/').pop()!;
    await page.locator('.rs-stage-big').filter({ hasText: '已收到' }).waitFor({ timeout: 15_000 });
    await page.locator('.rs-delivery').filter({ hasText: '已送达' }).waitFor({ timeout: 15_000 });
    await syncText(page, '所有更改已保存到服务器');

    // The relay has it, reported by the resident.
    const town = await apiToken(app.url, 'town01');
    const stored = (await (await fetch(`${app.url}/api/cases/${firstId}`, { headers: { authorization: `Bearer ${town}` } })).json()) as Record<string, unknown>;
    expect(stored).toMatchObject({ description: `路面坑洼：${online}`, category: '0602', reporter: 'resident01', status: 'reported' });

    // 我的上报: the report with its plain-word stage; every card is one of the resident's own reports.
    await page.getByRole('link', { name: '我的上报', exact: true }).click();
    await page.getByRole('heading', { name: '我的上报' }).waitFor();
    const row = page.locator('.rs-card').filter({ hasText: online }).first();
    await row.waitFor({ timeout: 15_000 });
    await expect.poll(() => row.textContent()).toContain('已收到');
    await expect.poll(() => row.textContent()).toContain('已送达');
    const token = await apiToken(app.url, 'resident01');
    const mine = (await (await fetch(`${app.url}/api/cases/mine`, { headers: { authorization: `Bearer ${token}` } })).json()) as { cases: Array<{ id: string }> };
    expect(mine.cases.map((c) => c.id)).toContain(firstId);
    // The list is exactly the resident's own reports (the demo seeds some of resident01's too), no one else's.
    while (await page.getByRole('button', { name: /^再显示/ }).count()) await page.getByRole('button', { name: /^再显示/ }).click();
    await expect.poll(() => page.locator('.rs-card').count()).toBe(mine.cases.length);

    // Offline: the report is kept on the device, listed at once, and sent when the network returns.
    await serviceWorkerActivated(page);
    await page.context().setOffline(true);
    await syncText(page, '离线');
    const offline = `居民离线上报：路面塌陷 ${Date.now()}`;
    await fillReport(page, offline);
    const secondId = page.url().split('/').pop()!;
    await page.locator('.rs-delivery').filter({ hasText: '待发送' }).waitFor({ timeout: 15_000 });
    await syncText(page, '1 项更改尚未保存到服务器');
    await page.getByRole('link', { name: '我的上报', exact: true }).click();
    const waiting = page.locator('.rs-card').filter({ hasText: offline }).first();
    await waiting.waitFor({ timeout: 15_000 });
    await expect.poll(() => waiting.textContent()).toContain('待发送');

    await page.context().setOffline(false);
    await syncText(page, '所有更改已保存到服务器');
    await expect.poll(() => waiting.textContent(), { timeout: 15_000 }).toContain('已送达');
    const after = (await (await fetch(`${app.url}/api/cases/${secondId}`, { headers: { authorization: `Bearer ${town}` } })).json()) as Record<string, unknown>;
    expect(after).toMatchObject({ description: `路面坑洼：${offline}`, reporter: 'resident01' });

    // After a reload the list still has both (kept on the device) and the status bar tells the truth.
    await page.reload();
    await page.getByRole('heading', { name: '我的上报' }).waitFor();
    await page.locator('.rs-card').filter({ hasText: offline }).first().waitFor({ timeout: 15_000 });
    await page.locator('.rs-card').filter({ hasText: online }).first().waitFor();
    await syncText(page, '在线');
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  }, 180_000);
});
