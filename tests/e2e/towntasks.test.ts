/**
 * Issue 17, tasks sent down end to end in Debian chromium: the town center of 太平街道 (town01, a PC) sends a task
 * with a one-field form to every grid of its town; the grid worker w0001 (a phone) sees it in 我的任务 and in the
 * inbox, goes offline, reloads from the service worker, fills an entry and completes the task with no network (two
 * unsaved changes), reconnects; the town center's open task screen then shows "1/N 个网格已完成" without a reload,
 * and the relay's taskanswers.g0001 holds the entry and the completion.
 */
import type { Browser, BrowserContext } from 'playwright-core';
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

function storedEvents(doc: string): Array<{ type: string; data: Record<string, unknown> }> {
  const y = storedDoc(app, doc);
  if (!y) return [];
  const events = y.getArray(EVENTS_ARRAY).toArray() as Array<{ type: string; data: Record<string, unknown> }>;
  y.destroy();
  return events;
}

describe('tasks sent down', () => {
  it('town01 sends a task to its grids, w0001 completes it offline, and the town sees 1 of N done after sync', async () => {
    const title = `燃气瓶排查 ${Date.now() % 100_000}`;
    // The town center, on a PC: 下发新任务 to every grid of the town, with one required number field.
    const town = await newPage(browser, contexts, 'town01');
    await town.setViewportSize({ width: 1366, height: 768 });
    await signIn(town, `${app.url}/#/towntasks`, 'town01');
    await shellShown(town);
    await town.getByRole('heading', { name: '下发任务' }).waitFor();
    await town.getByRole('link', { name: '下发新任务' }).click();
    await town.getByLabel('任务名称').fill(title);
    await town.getByLabel('任务说明').fill('逐户检查液化气瓶，记录数量。');
    await town.getByLabel('全镇所有网格').check();
    const goesTo = (await town.getByText(/将下发给 \d+ 个网格/).textContent()) ?? '';
    const n = Number(/(\d+)/.exec(goesTo)![1]);
    expect(n).toBeGreaterThan(1);
    await town.getByLabel('每个网格的目标条数').fill('1');
    await town.getByRole('button', { name: '添加填报项' }).click();
    await town.getByLabel('第 1 项名称').fill('气瓶数量');
    await town.getByLabel('必填').check();
    await town.getByRole('button', { name: '下发', exact: true }).click();
    await town.getByRole('heading', { name: title }).waitFor();
    await town.getByText(`0/${n} 个网格已完成`).waitFor();
    await syncText(town, '所有更改已保存到服务器');

    // The grid worker, on a phone: the task is in 我的任务 and in the inbox.
    const worker = await newPage(browser, contexts, 'w0001');
    await worker.setViewportSize({ width: 360, height: 740 });
    await signIn(worker, `${app.url}/#/tasks`, 'w0001');
    await shellShown(worker);
    await serviceWorkerActivated(worker);
    await worker.locator('.home-lead').filter({ hasText: '下发任务' }).waitFor({ timeout: 30_000 });
    await worker.goto(`${app.url}/#/inbox`);
    await worker.getByText('下发给本网格的新任务').first().waitFor({ timeout: 30_000 });
    await worker.getByText(title).first().waitFor();
    await syncText(worker, '在线');

    // No network: the app reloads from the service worker and the task is there from the device's copy.
    await worker.context().setOffline(true);
    await worker.goto(`${app.url}/#/towntasks`);
    await worker.reload();
    await syncText(worker, '离线');
    await worker.getByRole('link', { name: title }).click();
    await worker.getByRole('heading', { name: title }).waitFor();
    await worker.getByRole('link', { name: '新增一条' }).click();
    await worker.getByLabel('户主或点位').fill('张家（3 组 12 号）');
    // The form's rule: the required field first.
    await worker.getByRole('button', { name: '保存这条' }).click();
    await worker.getByText('请填写“气瓶数量”。').waitFor();
    await worker.getByLabel(/气瓶数量/).fill('2');
    await worker.getByRole('button', { name: '保存这条' }).click();
    await worker.getByRole('heading', { name: title }).waitFor();
    await worker.getByText('张家（3 组 12 号）').waitFor();
    await worker.getByRole('button', { name: '完成任务' }).click();
    await worker.getByRole('group').getByRole('button', { name: '完成任务' }).click();
    await worker.getByText(/本网格已于 .+ 完成/).waitFor();
    await syncText(worker, '2 项更改尚未保存到服务器');
    expect(storedEvents('taskanswers.g0001'), 'nothing reached the relay while offline').toEqual([]);

    // Back online: saved, and the town center's open screen shows the grid done without a reload.
    await worker.context().setOffline(false);
    await syncText(worker, '所有更改已保存到服务器');
    await town.getByText(`1/${n} 个网格已完成`).waitFor({ timeout: 30_000 });
    const row = town.getByRole('row').filter({ hasText: '已完成' });
    await expect.poll(() => row.count()).toBe(1);
    const stored = storedEvents('taskanswers.g0001');
    expect(stored.map((e) => e.type)).toEqual(['entry_saved', 'task_completed']);
    expect(stored[0]!.data).toMatchObject({ label: '张家（3 组 12 号）', values: { f1: 2 } });
  });
});
