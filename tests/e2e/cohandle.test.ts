/**
 * 主办 / 协办 (issue 17), end to end in Debian chromium on the demo county: a grid worker reports a case; the town
 * center dispatches it to the plan's unit as lead with two helping units; the lead cannot resolve while they are
 * pending; one helper records its part (offline, synced later) and confirms it; the other records its part and the
 * center releases it; the lead resolves; the worker verifies; the 考核 credits each unit.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowOf, panelOf, closedPanel } from './queue.ts';
import { closeAll, launchBrowser, newPage, signIn, startApp, syncText, type App } from './harness.ts';

let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});

afterAll(() => closeAll(contexts, browser, app));

async function signInAs(username: string, landing: string): Promise<Page> {
  const page = await newPage(browser, contexts, username);
  await signIn(page, app.url, username);
  await page.getByRole('heading', { name: landing, level: 1 }).waitFor();
  await syncText(page, '在线');
  return page;
}

async function go(page: Page, hash: string): Promise<void> {
  await page.goto(`${app.url}/${hash}`);
}

/** The state badge of a helping unit in the case's facts. */
function helperBadge(scope: Locator, unitId: string): Locator {
  return scope.locator(`.helpers .helper[data-unit="${unitId}"] .badge`);
}

/** A unit's helper figures in its 考核 (协办, 已确认, 按期, 被释放, 未完成). */
async function assists(page: Page, unitId: string): Promise<string[]> {
  await go(page, '#/stats');
  const row = page.locator(`#assists-title ~ .table-wrap tr[data-unit="${unitId}"]`);
  await row.waitFor({ timeout: 30_000 });
  return row.locator('td').allTextContents();
}

describe('a case with one lead and two helping units', () => {
  it('dispatch with helpers; one confirms (offline first), the center releases the other; the lead resolves; the worker verifies; the 考核 credits each', async () => {
    const worker = await signInAs('w0001', '我的任务');
    await worker.getByRole('link', { name: '上报', exact: true }).click();
    await worker.getByLabel('搜索类别（中文、英文或代码）').fill('0101');
    await worker.locator('input[type=radio][value="0101"]').check();
    const description = `协办端到端：村道占道堆放 ${Date.now()}`;
    await worker.getByLabel('问题描述').fill(description);
    await worker.getByRole('button', { name: '上报', exact: true }).click();
    await worker.waitForURL(/#\/cases\/[0-9A-Z]{26}$/);
    const caseId = worker.url().split('/').pop()!;
    await syncText(worker, '所有更改已保存到服务器');

    // The town center accepts it, then dispatches it to the plan's unit with two helping units.
    const town = await signInAs('town01', '调度台');
    const newRow = await rowOf(town, description);
    await newRow.locator('a.queue-row').focus();
    await town.keyboard.press('a');
    await town.getByRole('status').filter({ hasText: /^已受理：/ }).waitFor();
    await go(town, '#/board/to_dispatch');
    let panel = await panelOf(town, description, '派遣');
    const lead = await panel.locator('#act-unit').inputValue();
    await panel.locator('.helper-picker > summary').click();
    const boxes = panel.locator('.helper-choices input[type=checkbox]');
    const helpers = [await boxes.nth(0).getAttribute('value'), await boxes.nth(1).getAttribute('value')] as [string, string];
    expect(helpers).not.toContain(lead);
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await panel.locator('.helper-count', { hasText: '已选 2 个' }).waitFor();
    await panel.getByRole('form', { name: '派遣', exact: true }).getByRole('button', { name: '派遣', exact: true }).click();
    await closedPanel(town);
    const [a, b] = helpers;
    const user = (unitId: string) => `unit${unitId.slice(1)}`;

    // The lead sees the helpers pending and is offered no resolve yet.
    const leadPage = await signInAs(user(lead), '我的工作');
    panel = await panelOf(leadPage, description, '办理');
    expect(await helperBadge(panel, a).textContent()).toBe('协办中');
    expect(await helperBadge(panel, b).textContent()).toBe('协办中');
    await panel.locator('.helpers-waiting').filter({ hasText: '还有 2 个协办单位未确认' }).waitFor();
    expect(await panel.getByRole('form', { name: '处置完成', exact: true }).count()).toBe(0);
    await panel.getByRole('button', { name: '关闭' }).click();

    // Helper A, offline, records its part (kept on the device), syncs when back, then confirms.
    const helperA = await signInAs(user(a), '我的工作');
    await rowOf(helperA, description, '.assist-work');
    await helperA.context().setOffline(true);
    await syncText(helperA, '离线');
    panel = await panelOf(helperA, description, '协办', '.assist-work');
    expect(await panel.locator('.facts').textContent()).toContain('协办中');
    await panel.locator('#act-assist-note').fill('已派执法人员到场，配合清理占道堆放物');
    await panel.getByRole('form', { name: '记录协办情况', exact: true }).getByRole('button', { name: '记录协办情况', exact: true }).click();
    await closedPanel(helperA);
    await syncText(helperA, '1 项更改尚未保存到服务器');
    await helperA.context().setOffline(false);
    await syncText(helperA, '所有更改已保存到服务器');
    panel = await panelOf(helperA, description, '协办', '.assist-work');
    await panel.getByRole('form', { name: '确认协办完成', exact: true }).getByRole('button', { name: '确认协办完成', exact: true }).click();
    await closedPanel(helperA);
    await syncText(helperA, '所有更改已保存到服务器');
    // Confirmed: it leaves the helper's 协办任务 list.
    await helperA.locator('.assist-work .case-list > li', { hasText: description }).waitFor({ state: 'detached', timeout: 30_000 });

    // Helper B records its part; the center releases it from the case detail.
    const helperB = await signInAs(user(b), '我的工作');
    panel = await panelOf(helperB, description, '协办', '.assist-work');
    await panel.locator('#act-assist-note').fill('已核查商户证照，无需本单位进一步处置');
    await panel.getByRole('form', { name: '记录协办情况', exact: true }).getByRole('button', { name: '记录协办情况', exact: true }).click();
    await closedPanel(helperB);
    await syncText(helperB, '所有更改已保存到服务器');

    await go(town, `#/cases/${caseId}`);
    await helperBadge(town.locator('.detail'), a).filter({ hasText: '已确认' }).waitFor({ timeout: 30_000 });
    const releaseForm = town.getByRole('form', { name: '释放协办单位', exact: true });
    await releaseForm.waitFor();
    await releaseForm.locator('#act-release-unit').selectOption(b);
    await releaseForm.locator('#act-release-reason').fill('证照核查已完成，后续由主办单位处置');
    await releaseForm.getByRole('button', { name: '释放协办单位', exact: true }).click();
    await town.getByText('已保存。').waitFor();
    await helperBadge(town.locator('.detail'), b).filter({ hasText: '已释放' }).waitFor();

    // The lead now resolves.
    panel = await panelOf(leadPage, description, '办理');
    await helperBadge(panel, b).filter({ hasText: '已释放' }).waitFor({ timeout: 30_000 });
    expect(await helperBadge(panel, a).textContent()).toBe('已确认');
    await panel.locator('#act-resolved-text').fill('占道堆放物已清理，道路恢复通行');
    await panel.getByRole('form', { name: '处置完成', exact: true }).getByRole('button', { name: '处置完成', exact: true }).click();
    await closedPanel(leadPage);
    await syncText(leadPage, '所有更改已保存到服务器');

    // The worker verifies.
    await go(worker, '#/tasks');
    const verifyRow = await rowOf(worker, description);
    await verifyRow.filter({ hasText: '已处置' }).waitFor({ timeout: 30_000 });
    await verifyRow.locator('a.queue-row').focus();
    await worker.keyboard.press('v');
    await worker.getByRole('status').filter({ hasText: /^已核实通过：/ }).waitFor();

    // The whole history, the same for the center: dispatch naming both helpers, both parts, the confirmation, the release.
    await go(town, `#/cases/${caseId}`);
    await town.locator('.detail h1').filter({ hasText: '已核实' }).waitFor({ timeout: 30_000 });
    const types = await town.locator('.tl-item:not(.is-superseded) .tl-type').allTextContents();
    expect(types).toEqual(['上报', '受理', '派遣', '协办记录', '协办确认', '协办记录', '释放协办', '处置完成', '核实']);
    const dispatchItem = town.locator('.tl-item', { has: town.locator('.tl-type', { hasText: /^派遣$/ }) });
    expect(await dispatchItem.locator('.tl-detail').textContent()).toMatch(/协办单位：.+、.+/);

    // 考核: the lead by its case, A by its confirmed part (on time), B as released.
    expect(await assists(helperA, a)).toEqual(['1', '1', '1', '0', '0']);
    expect(await assists(helperB, b)).toEqual(['1', '0', '0', '1', '0']);
    await go(leadPage, '#/stats');
    await leadPage.locator('.figures').waitFor();
    expect(await leadPage.locator('#assists-title').count()).toBe(0);
  });
});
