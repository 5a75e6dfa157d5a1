/**
 * The backbone, end to end in Debian chromium: a grid worker reports a case with no network (the app reloads from
 * the service worker), sees one unsaved change, reconnects; a town center in a second context accepts and
 * dispatches it, a unit resolves it, the worker verifies and closes it, and all three contexts show the same state.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, serviceWorkerActivated, startApp, type App } from './harness.ts';

let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
});

async function signIn(username: string): Promise<Page> {
  const context = await newContext(browser);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${username}] page error:`, e.message));
  // The case list, not the role's landing screen (board, workspace, tasks): this test works from the list.
  await page.goto(`${app.url}/#/cases`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill('demo');
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByRole('heading', { name: '案件列表' }).waitFor();
  await syncText(page, '在线');
  return page;
}

function syncBar(page: Page) {
  return page.getByRole('status', { name: '同步状态' });
}

async function syncText(page: Page, text: string, timeout = 30_000): Promise<void> {
  await expect.poll(async () => (await syncBar(page).textContent()) ?? '', { timeout, interval: 100 }).toContain(text);
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
    const worker = await signIn('w0001');
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
    const res = await fetch(`${app.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'town01', password: 'demo' }),
    });
    const { token } = (await res.json()) as { token: string };
    const stored = (await (await fetch(`${app.url}/api/cases/${caseId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      description: string;
      reporter: string;
    };
    expect(stored).toMatchObject({ description, reporter: 'w0001' });

    // The town center sees it and dispatches it to the plan's suggested unit.
    const town = await signIn('town01');
    await town.getByText(description).first().waitFor({ timeout: 30_000 });
    await caseStatus(town, caseId, '已上报');
    await act(town, '受理');
    await caseStatus(town, caseId, '已受理');
    const unitId = await town.locator('#act-unit').inputValue();
    expect(unitId).toMatch(/^u\d{3}$/);
    await act(town, '派遣');
    await caseStatus(town, caseId, '已派遣');

    // The unit resolves it.
    const unit = await signIn(`unit${unitId.slice(1)}`);
    await caseStatus(unit, caseId, '已派遣');
    await act(unit, '处置完成', '已更换路灯灯泡，恢复照明。');
    await caseStatus(unit, caseId, '已处置');

    // The worker verifies and closes it.
    await caseStatus(worker, caseId, '已处置');
    await act(worker, '核实通过');
    await caseStatus(worker, caseId, '已核实');
    await act(worker, '结案');

    for (const page of [worker, town, unit]) await caseStatus(page, caseId, '已结案');
    for (const page of [worker, town, unit]) await syncText(page, '所有更改已保存到服务器');
  });
});
