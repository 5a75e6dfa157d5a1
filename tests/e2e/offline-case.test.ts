/**
 * The backbone, end to end in Debian chromium: a grid worker reports a case with no network (the app reloads from
 * the service worker), sees one unsaved change, reconnects; a town center in a second context accepts and
 * dispatches it, a unit resolves it, the worker verifies and closes it, and all three contexts show the same state.
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

async function signInAs(username: string): Promise<Page> {
  const page = await newPage(browser, contexts, username);
  // The case list, not the role's landing screen (board, workspace, tasks): this test works from the list.
  await signIn(page, `${app.url}/#/cases`, username);
  await page.getByRole('heading', { name: '案件列表' }).waitFor();
  await syncText(page, '在线');
  return page;
}

async function caseStatus(page: Page, id: string, status: string): Promise<void> {
  if (!page.url().endsWith(`#/cases/${id}`)) await page.goto(`${app.url}/#/cases/${id}`);
  await page.locator('.detail h1').filter({ hasText: status }).waitFor({ timeout: 30_000 });
}

async function act(page: Page, action: string, text?: string): Promise<void> {
  const form = page.getByRole('form', { name: action, exact: true });
  if (text !== undefined) await form.locator('textarea').first().fill(text);
  await form.getByRole('button', { name: action, exact: true }).click();
  await page.getByText('已保存。').waitFor();
}

describe('offline report to closed case across three browser contexts', () => {
  it('reports offline, syncs on reconnect, and moves through the lifecycle', async () => {
    const worker = await signInAs('w0001');
    await serviceWorkerActivated(worker);

    // No network: the reload is served by the service worker and the session resumes from local data.
    await worker.context().setOffline(true);
    await worker.reload();
    await worker.getByRole('heading', { name: '案件列表' }).waitFor();
    await syncText(worker, '离线');

    await worker.getByRole('link', { name: '上报' }).click();
    await worker.getByLabel('搜索类别（中文、英文或代码）').fill('0101');
    await worker.locator('input[type=radio][value="0101"]').check();
    const description = `端到端测试：村口路灯损坏 ${Date.now()}`;
    await worker.getByLabel('问题描述').fill(description);
    await worker.getByRole('button', { name: '上报', exact: true }).click();
    await worker.waitForURL(/#\/cases\/[0-9A-Z]{26}$/);
    const caseId = worker.url().split('/').pop()!;
    await caseStatus(worker, caseId, '已上报');
    await syncText(worker, '1 项更改尚未保存到服务器');

    // Back online: the relay acknowledges the event and the count drops to zero.
    const started = performance.now();
    await worker.context().setOffline(false);
    await syncText(worker, '所有更改已保存到服务器');
    const offlineToSyncedMs = Math.round(performance.now() - started);
    console.log(`[e2e] offline-to-synced: ${offlineToSyncedMs} ms`);

    // The relay has the case, reported by the worker.
    const token = await apiToken(app.url, 'town01');
    const stored = (await (await fetch(`${app.url}/api/cases/${caseId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      description: string;
      reporter: string;
    };
    expect(stored).toMatchObject({ description, reporter: 'w0001' });

    // The town center sees it and dispatches it to the plan's suggested unit.
    const town = await signInAs('town01');
    await town.getByText(description).first().waitFor({ timeout: 30_000 });
    await caseStatus(town, caseId, '已上报');
    await act(town, '受理');
    await caseStatus(town, caseId, '已受理');
    const unitId = await town.locator('#act-unit').inputValue();
    expect(unitId).toMatch(/^u\d{3}$/);
    await act(town, '派遣');
    await caseStatus(town, caseId, '已派遣');

    // The unit resolves it.
    const unit = await signInAs(`unit${unitId.slice(1)}`);
    await caseStatus(unit, caseId, '已派遣');
    await act(unit, '处置完成', '已更换路灯灯泡，恢复照明。');
    await caseStatus(unit, caseId, '已处置');

    // The worker verifies the fix and closes the case in one step (核实并结案: two events, verify then close).
    await caseStatus(worker, caseId, '已处置');
    const verifyClose = worker.getByRole('form', { name: '核实并结案', exact: true });
    await verifyClose.getByRole('button', { name: '核实并结案', exact: true }).click();

    for (const page of [worker, town, unit]) await caseStatus(page, caseId, '已结案');
    for (const page of [worker, town, unit]) await syncText(page, '所有更改已保存到服务器');
  });
});
