/**
 * Issue 15: the reference data editor offline, with the real build in Debian chromium against the real relay. The
 * administrator, OFFLINE, changes a plan's deadline (its version goes up on the screen at once) and adds a
 * 法定节假日; back online, the relay holds both changes, and a town center signed in on another device sees the
 * plan's new version and deadline and the holiday in its (read-only) 基础数据.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOrg } from '../../src/protocol/orgread.ts';
import { closeAll, launchBrowser, newPage, serviceWorkerActivated, shellShown, signIn, startApp, storedDoc, syncText, type App } from './harness.ts';

let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});

afterAll(() => closeAll(contexts, browser, app));

/** The row of plan `id` on `page`'s 基础数据 · 预案 (the town center's is a read-only view of its own org). */
async function planRow(page: Page, id: string) {
  await page.goto(`${app.url}/#/reference/plans`);
  await page.getByLabel('搜索编号或名称').fill(id);
  const row = page.locator(`tr[data-item="${id}"]`);
  await row.waitFor({ timeout: 30_000 });
  return row;
}

describe('基础数据 offline', () => {
  it('a plan deadline and a holiday changed offline reach the relay and another user after sync', async () => {
    // The town center is signed in on its own device throughout.
    const town = await newPage(browser, contexts, 'town01');
    await signIn(town, app.url, 'town01');
    await shellShown(town);
    const admin = await newPage(browser, contexts, 'admin');
    await signIn(admin, app.url, 'admin');
    await shellShown(admin);
    await syncText(admin, '在线', 60_000);
    // The editor's chunk is loaded online (the service worker also has it), then the network goes.
    await admin.goto(`${app.url}/#/reference/plans`);
    const id = (await admin.locator('tr[data-item]').first().getAttribute('data-item'))!;
    const row = await planRow(admin, id);
    const version = Number(/第 (\d+) 版/.exec((await row.textContent()) ?? '')![1]);
    // Offline, the org's fold (a lazy chunk) comes from the service worker.
    await serviceWorkerActivated(admin);
    await admin.context().setOffline(true);
    await syncText(admin, '离线');

    await row.getByRole('button', { name: /^编辑/ }).click();
    await admin.getByText(`当前为第 ${version} 版，保存后为第 ${version + 1} 版。`, { exact: false }).waitFor();
    await admin.locator('input[name="ref-duein"][value="hours"]').check();
    await admin.getByLabel('时限（小时）').fill('37');
    await admin.locator('.ref-panel').getByRole('button', { name: '保存', exact: true }).click();
    await admin.getByText('已保存在本机，联网后同步到所有设备', { exact: false }).waitFor();
    // The list shows it as soon as the org is folded again on this device (offline).
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain(`第 ${version + 1} 版`);
    expect(await row.textContent()).toContain('37 小时');

    await admin.goto(`${app.url}/#/reference/calendar`);
    await admin.getByLabel('年份').selectOption('2026');
    await admin.getByLabel('添加放假日期').fill('2026-10-08');
    await admin.locator('.ref-cal-list').first().getByRole('button', { name: '添加', exact: true }).click();
    await admin.getByRole('button', { name: '保存 2026 年日历' }).click();
    await admin.getByText('2026 年日历已保存。', { exact: false }).waitFor();

    // Online: the changes go to the relay, which accepts them; the town center's device folds them.
    await admin.context().setOffline(false);
    await syncText(admin, '所有更改已保存到服务器', 60_000);
    await expect
      .poll(() => {
        const doc = storedDoc(app, 'org');
        const org = doc ? readOrg(doc) : null;
        doc?.destroy();
        return org && { plan: org.plans.find((p) => p.id === id)?.dueHours, version: org.plans.find((p) => p.id === id)?.version, holidays: org.calendars?.find((c) => c.year === 2026)?.holidays };
      }, { timeout: 30_000 })
      .toMatchObject({ plan: 37, version: version + 1, holidays: expect.arrayContaining(['2026-10-08']) });
    const seen = await planRow(town, id);
    await expect.poll(() => seen.textContent(), { timeout: 30_000 }).toContain(`第 ${version + 1} 版`);
    expect(await seen.textContent()).toContain('37 小时');
    await town.goto(`${app.url}/#/reference/calendar`);
    await town.getByLabel('年份').selectOption('2026');
    await town.locator('li[data-day="2026-10-08"]').waitFor();
  });
});
