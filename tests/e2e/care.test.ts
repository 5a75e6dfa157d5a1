/**
 * Issue 17, a care visit end to end in Debian chromium, on a phone: the demo's grid worker w0001 opens 我的任务 ·
 * 走访, where households never visited since they were tagged (90 days ago in the demo) show as overdue; with no
 * network, they record a visit to the first one (condition, a need, a note); the household turns on time and leaves
 * the due list at once. Back online, the visit reaches the relay's care.g0001, and the town center's 考核 counts
 * the household as visited on time in g0001's coverage.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_ARRAY } from '../../src/protocol/wire.ts';
import { closeAll, launchBrowser, newPage, serviceWorkerActivated, shellShown, signIn, startApp, storedDoc, syncText, type App } from './harness.ts';

let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});
afterAll(() => closeAll(contexts, browser, app));

function storedVisits(): Array<{ type: string; actor: string; data: { householdId: string; condition: string; needs: string[] } }> {
  const y = storedDoc(app, 'care.g0001');
  if (!y) return [];
  const events = y.getArray(EVENTS_ARRAY).toJSON() as ReturnType<typeof storedVisits>;
  y.destroy();
  return events;
}

describe('care visits', () => {
  it('an offline care visit turns an overdue household on time; the relay and the town see it after sync', async () => {
    const before = storedVisits().length;
    const page = await newPage(browser, contexts, 'w0001');
    await page.setViewportSize({ width: 360, height: 740 });
    await signIn(page, `${app.url}/#/tasks/care`, 'w0001');
    await shellShown(page);
    await serviceWorkerActivated(page);
    const rows = page.locator('.care-list a.care-row');
    await rows.first().waitFor();
    const overdue = rows.filter({ hasText: '逾期' }).first();
    const householdId = await overdue.getAttribute('data-household');
    expect(householdId).toMatch(/^g0001h\d{3}$/);
    const head = (await overdue.locator('.care-head').textContent())!;
    const dueBefore = await rows.count();

    // No network from here: the visit is recorded on the device.
    await page.context().setOffline(true);
    await syncText(page, '离线');
    await overdue.click();
    await page.waitForURL(new RegExp(`#/care/g0001/${householdId}$`));
    await page.getByRole('heading', { name: head }).waitFor();
    await expect.poll(async () => page.locator('#care-status .badge').first().textContent()).toContain('逾期');
    await page.getByLabel('需关注').check();
    await page.getByLabel('就医').check();
    await page.getByLabel('情况记录').fill('端到端测试：老人腿疼，约了村医明天上门。');
    await page.getByRole('button', { name: '保存走访' }).click();
    await page.getByText('已保存走访').waitFor();
    await expect.poll(async () => page.locator('#care-status .badge').first().textContent()).toBe('按时');
    await page.getByText('端到端测试：老人腿疼').waitFor();

    // The due list has one fewer, without that household.
    await page.getByRole('link', { name: '返回走访列表' }).click();
    await rows.first().waitFor();
    await expect.poll(async () => rows.count()).toBe(dueBefore - 1);
    expect(await page.locator(`.care-list a[data-household="${householdId}"]`).count()).toBe(0);

    // Back online: the relay stores the visit, by w0001.
    await page.context().setOffline(false);
    await syncText(page, '所有更改已保存到服务器');
    await expect.poll(() => storedVisits().length, { timeout: 15_000 }).toBe(before + 1);
    const mine = storedVisits().at(-1)!;
    expect(mine).toMatchObject({ type: 'visit_recorded', actor: 'w0001', data: { householdId, condition: 'attention', needs: ['medical'] } });

    // The town center's 考核: g0001's coverage has no overdue household left but those still unvisited.
    const town = await newPage(browser, contexts, 'town01');
    await town.setViewportSize({ width: 1366, height: 768 });
    await signIn(town, `${app.url}/#/stats`, 'town01');
    await shellShown(town);
    const row = town.locator('.care-coverage tr[data-grid="g0001"]');
    await row.waitFor({ timeout: 30_000 });
    const cell = (label: string) => row.locator(`td[data-label="${label}"]`);
    await expect.poll(async () => Number(await cell('逾期').textContent()), { timeout: 15_000 }).toBe(dueBefore - 1 - (await dueNotOverdue(page)));
    expect(Number(await cell('按时').textContent())).toBeGreaterThan(0);
  }, 180_000);
});

/** How many of the worker's listed households are due (not overdue): the town's overdue count leaves those out. */
async function dueNotOverdue(page: Page): Promise<number> {
  return page.locator('.care-list a.care-row').filter({ hasNotText: '逾期' }).count();
}
