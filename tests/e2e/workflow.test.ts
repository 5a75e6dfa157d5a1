/**
 * The whole case workflow, end to end in Debian chromium, on the work screens of three browser contexts: a grid
 * worker reports a case; the town center accepts it on the dispatch board (keyboard) and dispatches it with the
 * plan's suggestion; the unit returns it; the center dispatches it again; the unit acknowledges and asks for an
 * extension, which the center approves; the center supervises; the unit, offline, resolves it and syncs when back
 * online; the worker fails the verification; the unit resolves again; the worker verifies (keyboard) and closes;
 * the center records the reporter's feedback. All three contexts end with the same case and the same history.
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

/** Signs in from the app's root: each role lands on its own screen. */
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

/** Submits an action form of the case detail (opening its disclosure when folded) and waits for "已保存。". */
async function actOnDetail(page: Page, caseId: string, action: string, fill?: (form: Locator) => Promise<void>): Promise<void> {
  if (!page.url().endsWith(`#/cases/${caseId}`)) await go(page, `#/cases/${caseId}`);
  const form = page.getByRole('form', { name: action, exact: true });
  await form.or(page.locator('summary', { hasText: action })).first().waitFor({ timeout: 30_000 });
  const folded = page.locator('details.action-more', { has: page.locator('summary', { hasText: action }) });
  if ((await folded.count()) && !(await folded.first().evaluate((d) => (d as HTMLDetailsElement).open))) await folded.locator('summary').click();
  if (fill) await fill(form);
  await form.getByRole('button', { name: action, exact: true }).click();
  await page.getByText('已保存。').waitFor();
}

async function detailState(page: Page, caseId: string, status: string): Promise<{ types: string[]; satisfaction: string | null }> {
  await go(page, `#/cases/${caseId}`);
  await page.locator('.detail h1').filter({ hasText: status }).waitFor({ timeout: 30_000 });
  const types = await page.locator('.tl-item:not(.is-superseded) .tl-type').allTextContents();
  const satisfaction = await page
    .locator('.facts dt', { hasText: '群众满意度' })
    .locator('xpath=following-sibling::dd[1]')
    .textContent({ timeout: 5000 })
    .catch(() => null);
  return { types, satisfaction };
}

describe('the whole workflow across the work screens of three browser contexts', () => {
  it('return, re-dispatch, extension, supervision, resolve, failed verification, resolve, verify, close, feedback', async () => {
    // The grid worker reports a case from their tasks screen.
    const worker = await signInAs('w0001', '我的任务');
    await worker.getByRole('link', { name: '上报', exact: true }).click();
    await worker.getByLabel('搜索类别（中文、英文或代码）').fill('0101');
    await worker.locator('input[type=radio][value="0101"]').check();
    const description = `端到端流程：村口违建 ${Date.now()}`;
    await worker.getByLabel('问题描述').fill(description);
    await worker.getByRole('button', { name: '上报', exact: true }).click();
    await worker.waitForURL(/#\/cases\/[0-9A-Z]{26}$/);
    const caseId = worker.url().split('/').pop()!;
    await syncText(worker, '所有更改已保存到服务器');

    // The town center accepts it on the board with the keyboard, then dispatches it with the plan's suggestion.
    const town = await signInAs('town01', '调度台');
    const newRow = await rowOf(town, description);
    await newRow.locator('a.queue-row').focus();
    await town.keyboard.press('a');
    await town.getByRole('status').filter({ hasText: /^已受理：/ }).waitFor();
    await town.keyboard.press('2');
    await town.waitForURL(/#\/board\/to_dispatch$/);
    const dispatchRow = await rowOf(town, description);
    await dispatchRow.locator('a.queue-row').focus();
    await town.keyboard.press('d');
    const dispatchPanel = town.locator('.case-panel');
    await dispatchPanel.locator('.plan-preview').waitFor();
    expect(await dispatchPanel.locator('.plan-preview').textContent()).toMatch(/预案建议单位：.+；时限 \d+ 小时/);
    const unitId = await dispatchPanel.locator('#act-unit').inputValue();
    expect(unitId).toMatch(/^u\d{3}$/);
    await dispatchPanel.getByRole('form', { name: '派遣', exact: true }).getByRole('button', { name: '派遣', exact: true }).click();
    await closedPanel(town);

    // The unit returns it with a reason.
    const unit = await signInAs(`unit${unitId.slice(1)}`, '我的工作');
    let panel = await panelOf(unit, description, '办理');
    await panel.locator('summary', { hasText: '退回' }).click();
    await panel.locator('#act-returned-text').fill('现场核实后不属于本单位职责');
    await panel.getByRole('form', { name: '退回', exact: true }).getByRole('button', { name: '退回', exact: true }).click();
    await closedPanel(unit);
    await syncText(unit, '所有更改已保存到服务器');

    // The center sees it in the returned queue, with the reason, and dispatches it again to the same unit.
    await go(town, '#/board/returned');
    panel = await panelOf(town, description, '重新派遣');
    expect(await panel.locator('.facts').textContent()).toContain('现场核实后不属于本单位职责');
    await panel.locator('#act-unit').selectOption(unitId);
    await panel.getByRole('form', { name: '派遣', exact: true }).getByRole('button', { name: '派遣', exact: true }).click();
    await closedPanel(town);

    // The unit acknowledges it and asks for 12 more hours.
    const ackRow = await rowOf(unit, description);
    await ackRow.getByRole('button', { name: /^签收 · / }).click();
    await (await rowOf(unit, description)).filter({ hasText: '已签收' }).waitFor();
    panel = await panelOf(unit, description, '办理');
    await panel.locator('summary', { hasText: '申请延期' }).click();
    await panel.locator('#act-ext-hours').fill('12');
    await panel.locator('#act-ext-reason').fill('需等待村委会协调拆除时间');
    await panel.getByRole('form', { name: '申请延期', exact: true }).getByRole('button', { name: '申请延期', exact: true }).click();
    await closedPanel(unit);

    // The center approves the extension from its queue, and supervises the case from its detail.
    await go(town, '#/board/extension');
    panel = await panelOf(town, description, '审批延期');
    expect(await panel.locator('.ext-request').textContent()).toContain('申请延期 12 小时：需等待村委会协调拆除时间');
    await panel.getByRole('button', { name: '同意延期', exact: true }).click();
    await closedPanel(town);
    await actOnDetail(town, caseId, '督办', (form) => form.locator('textarea').fill('请于今日内完成拆除'));

    // The unit, offline, resolves it: kept on the device, then saved when the network returns.
    await unit.getByRole('link', { name: '我的工作' }).click();
    await rowOf(unit, description);
    await unit.context().setOffline(true);
    await syncText(unit, '离线');
    panel = await panelOf(unit, description, '办理');
    await panel.locator('#act-resolved-text').fill('违建已拆除，现场已清理');
    await panel.getByRole('form', { name: '处置完成', exact: true }).getByRole('button', { name: '处置完成', exact: true }).click();
    await closedPanel(unit);
    await syncText(unit, '1 项更改尚未保存到服务器');
    await unit.context().setOffline(false);
    await syncText(unit, '所有更改已保存到服务器');

    // The worker finds the fix in their tasks and fails it.
    await go(worker, '#/tasks');
    panel = await panelOf(worker, description, '核查');
    expect(await panel.locator('.facts').textContent()).toContain('违建已拆除，现场已清理');
    await panel.locator('#act-verification_failed-text').fill('现场仍有建筑垃圾未清运');
    await panel.getByRole('form', { name: '核查不通过', exact: true }).getByRole('button', { name: '核查不通过', exact: true }).click();
    await closedPanel(worker);

    // The unit resolves it again.
    panel = await panelOf(unit, description, '办理');
    expect(await panel.locator('.facts').textContent()).toContain('现场仍有建筑垃圾未清运');
    await panel.locator('#act-resolved-text').fill('建筑垃圾已清运完毕');
    await panel.getByRole('form', { name: '处置完成', exact: true }).getByRole('button', { name: '处置完成', exact: true }).click();
    await closedPanel(unit);

    // The worker verifies with the keyboard, then closes the case.
    const verifyRow = await rowOf(worker, description);
    await verifyRow.filter({ hasText: '已处置' }).waitFor({ timeout: 30_000 });
    await verifyRow.locator('a.queue-row').focus();
    await worker.keyboard.press('v');
    await worker.getByRole('status').filter({ hasText: /^已核实通过：/ }).waitFor();
    await actOnDetail(worker, caseId, '结案');

    // The center records the reporter's satisfaction.
    await actOnDetail(town, caseId, '登记回访', (form) => form.getByLabel('满意', { exact: true }).check());

    // Everyone ends with the same case: closed, the same history, the same feedback.
    const expected = ['上报', '受理', '派遣', '退回', '派遣', '签收', '申请延期', '延期审批', '督办', '处置完成', '核查不通过', '处置完成', '核实', '结案', '回访'];
    const states = [];
    for (const page of [worker, town, unit]) {
      await expect.poll(async () => (await detailState(page, caseId, '已结案')).types.join(), { timeout: 30_000, interval: 500 }).toBe(expected.join());
      states.push(await detailState(page, caseId, '已结案'));
    }
    expect(states[0]).toEqual({ types: expected, satisfaction: '满意' });
    expect(states[1]).toEqual(states[0]);
    expect(states[2]).toEqual(states[0]);
    for (const page of [worker, town, unit]) await syncText(page, '所有更改已保存到服务器');
  });
});
