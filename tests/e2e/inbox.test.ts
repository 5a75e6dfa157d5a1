/**
 * The inbox's system notifications, end to end in Chromium (issue 13): a grid worker whose browser allows
 * notifications turns them on in #/inbox (nothing already there is announced); the town center accepts the worker's
 * report through the API; the worker's app, open, computes the new item (the report's progress) and shows one
 * notification through the service worker's registration, tagged with the item's id and leading to the case.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiToken, closeAll, launchBrowser, navTo, newPage, serviceWorkerActivated, signIn, startApp, syncText, type App } from './harness.ts';
import { gridsOf } from './pixels.ts';

let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});

afterAll(() => closeAll(contexts, browser, app));

type Shown = Array<{ title: string; body: string; tag: string; url: unknown }>;

describe('inbox notifications', () => {
  it('shows a system notification for a new item once the user turned them on, never before', async () => {
    const worker = await newPage(browser, contexts, 'w0001', (c) => c.grantPermissions(['notifications'], { origin: app.url }));
    await signIn(worker, app.url, 'w0001');
    await worker.getByRole('heading', { name: '我的任务', level: 1 }).waitFor();
    await syncText(worker, '在线');
    await serviceWorkerActivated(worker);

    const shown = () =>
      worker.evaluate(async (): Promise<Shown> => {
        const reg = await navigator.serviceWorker.ready;
        return (await reg.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: (n.data as { url?: unknown } | null)?.url }));
      });

    // A report of the worker's, accepted before notifications are on: in the inbox, but not announced.
    const g = (await gridsOf(app.url)).byKey('g0001')!;
    const report = async (description: string) => {
      const res = await fetch(`${app.url}/api/cases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await apiToken(app.url, 'w0001')}` },
        body: JSON.stringify({ category: '0101', description, location: { lng: g.properties.center[0], lat: g.properties.center[1] }, gridId: 'g0001' }),
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const accept = async (id: string) => {
      const res = await fetch(`${app.url}/api/cases/${id}/commands`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await apiToken(app.url, 'town01')}` },
        body: JSON.stringify({ type: 'accept' }),
      });
      expect(res.status).toBe(200);
    };
    const before = await report('通知测试：之前的案件');
    await accept(before);

    await navTo(worker, '消息');
    await worker.getByRole('heading', { name: '消息', level: 1 }).waitFor();
    await worker.locator('.inbox-item', { hasText: '你上报的问题已受理' }).first().waitFor({ timeout: 30_000 });
    // The nav badge counts it.
    await expect.poll(async () => (await worker.locator('a[href="#/inbox"] .nav-badge').first().textContent()) ?? '', { timeout: 10_000 }).toMatch(/^\d+/);
    await worker.getByLabel('有新消息时发系统通知').check();
    await expect.poll(() => worker.getByLabel('有新消息时发系统通知').isChecked()).toBe(true);

    // Something new: the next report is accepted while the app is open.
    const after = await report('通知测试：新的案件');
    await accept(after);
    // Polled until shown, then read at once (a headless browser may drop a notification after a while).
    let list: Shown = [];
    await expect.poll(async () => (list = await shown()).length, { timeout: 30_000, interval: 100 }).toBeGreaterThan(0);
    expect(list).toEqual([{ title: '你上报的问题已受理', body: '党员教育管理', tag: `progress:${after}:accepted`, url: `#/cases/${after}` }]);

    // A reload announces nothing twice (the announced set is kept in the user DB).
    await worker.reload();
    await worker.getByRole('heading', { name: '消息', level: 1 }).waitFor();
    await worker.locator('.inbox-item').nth(1).waitFor({ timeout: 30_000 });
    await worker.waitForTimeout(2500);
    expect((await shown()).filter((n) => n.tag !== `progress:${after}:accepted`)).toEqual([]);
    await expect.poll(() => worker.getByLabel('有新消息时发系统通知').isChecked()).toBe(true);
  });
});
