/**
 * Issue 17, a patrol end to end in Debian chromium on a phone: the grid worker w0001 starts a patrol from 我的任务,
 * checks in at three points (fixes from playwright's setGeolocation, the last one offline with a photo), reports a case from the
 * patrol offline (the report form, the case linked to the patrol), ends the patrol and reconnects: the relay has the
 * patrol's events, the check-in's photo (its blob store) and the case; the patrol shows its three check-ins, its distance and its case. The town center
 * then sets the grid's expected patrols and sees the patrol counted in 考核, per grid and worker.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldPatrols, patrolFigures } from '../../src/domain/patrols.ts';
import { dayPeriod, presetDays } from '../../src/domain/period.ts';
import { EVENTS_ARRAY } from '../../src/protocol/wire.ts';
import { makeJpeg } from '../../bench/figures/compress.ts';
import { apiToken, closeAll, launchBrowser, newPage, serviceWorkerActivated, shellShown, signIn, startApp, storedDoc, syncText, type App } from './harness.ts';

let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});
afterAll(() => closeAll(contexts, browser, app));

function storedEvents(doc: string): Array<{ type: string; actor: string; data: Record<string, unknown> }> {
  const y = storedDoc(app, doc);
  if (!y) return [];
  const out = y.getArray(EVENTS_ARRAY).toJSON() as Array<{ type: string; actor: string; data: Record<string, unknown> }>;
  y.destroy();
  return out;
}

const BASE = { latitude: 41.23, longitude: 121.99 };
/** About `north` metres north of BASE. */
const at = (north: number, accuracy = 8) => ({ latitude: BASE.latitude + north / 111_195, longitude: BASE.longitude, accuracy });

describe('patrols', () => {
  it('a patrol with three check-ins and a case reported from it, offline, synced; the town sees it in 考核', async () => {
    const page = await newPage(browser, contexts, 'w0001', async (c) => {
      await c.grantPermissions(['geolocation'], { origin: app.url });
      await c.setGeolocation(at(0));
    });
    await page.setViewportSize({ width: 360, height: 740 });
    await signIn(page, `${app.url}/#/tasks`, 'w0001');
    await shellShown(page);
    await serviceWorkerActivated(page);
    await syncText(page, '在线');

    await page.getByRole('link', { name: '开始巡查' }).click();
    await page.waitForURL(/#\/patrol$/);
    // The honest notice is on the screen before the patrol starts.
    await page.getByText('本应用无法记录位置').first().waitFor();
    await page.getByRole('button', { name: '开始巡查' }).click();
    await page.locator('h1').filter({ hasText: '巡查进行中' }).waitFor();

    const checkIn = async (n: number, note?: string) => {
      if (note) await page.getByLabel('打卡备注（可不填）').fill(note);
      await page.getByRole('button', { name: '在这里打卡' }).click();
      await expect.poll(async () => (await page.getByTestId('pa-checkins').textContent())?.trim(), { timeout: 15_000 }).toBe(String(n));
    };
    await checkIn(1, '村口桥头，护栏完好');
    await page.getByText('已打卡：精度约 8 米').waitFor();
    await page.context().setGeolocation(at(200));
    await checkIn(2);

    // No network from here: the third check-in, the case and the end are kept on the phone.
    await page.context().setOffline(true);
    await syncText(page, '离线');
    await page.context().setGeolocation(at(500, 20));
    // Issue 17: the offline check-in takes a photo (拍照 or 从相册选, compressed as a case's); it waits in the outbox.
    const photo = (await makeJpeg(page, 1600, 1200, null, true))!;
    await page.locator('#pa-photo-gallery').waitFor();
    await page.locator('input[data-capture="gallery"]').first().setInputFiles([{ name: 'IMG_0100.jpg', mimeType: 'image/jpeg', buffer: photo }]);
    await expect.poll(() => page.locator('#pa-photo-list img').count(), { timeout: 60_000 }).toBe(1);
    await checkIn(3, '路灯不亮');
    // The check-in's thumbnail, from the phone's own outbox (thumbnails load when scrolled near).
    await page.locator('.pa-timeline .photo-tile').first().scrollIntoViewIfNeeded();
    await page.locator('.pa-timeline .photo-tile img').first().waitFor({ timeout: 30_000 });
    await syncText(page, '1 张照片待上传');

    await page.getByRole('link', { name: '上报巡查中发现的问题' }).click();
    await page.waitForURL(/#\/patrol\/p\/[0-9A-Z]{26}\/report$/);
    const patrolId = page.url().split('/').slice(-2)[0]!;
    await page.getByText('这件案件会关联到本次巡查').waitFor();
    await page.getByLabel('搜索类别（中文、英文或代码）').fill('0101');
    await page.locator('input[type=radio][value="0101"]').check();
    const description = `巡查发现：村西路灯不亮 ${Date.now()}`;
    await page.getByLabel('问题描述').fill(description);
    await page.getByRole('button', { name: '上报', exact: true }).click();
    await page.waitForURL(new RegExp(`#/patrol/p/${patrolId}$`));
    await page.getByRole('link', { name: '查看案件' }).waitFor();
    const caseHref = (await page.getByRole('link', { name: '查看案件' }).getAttribute('href'))!;
    const caseId = caseHref.split('/').pop()!;

    await page.getByRole('button', { name: '结束巡查' }).click();
    await page.getByRole('button', { name: '确定结束' }).click();
    await page.locator('h1').filter({ hasText: '本次巡查' }).waitFor();
    await page.getByText('已结束').first().waitFor();
    await expect.poll(async () => (await page.getByTestId('pa-checkins').textContent())?.trim()).toBe('3');
    // About 500 m between the three check-ins (straight lines, never a drawn route).
    await page.getByText(/^(49\d|50\d) 米$/).waitFor();

    await page.context().setOffline(false);
    await syncText(page, '所有更改已保存到服务器', 60_000);

    // The relay has the patrol, its three check-ins, the link and the end, and the case itself.
    const events = storedEvents('patrols.g0001').filter((e) => e.data.patrolId === patrolId);
    expect(events.map((e) => e.type)).toEqual(['patrol_started', 'checkin_recorded', 'checkin_recorded', 'checkin_recorded', 'case_linked', 'patrol_ended']);
    expect(events.every((e) => e.actor === 'w0001')).toBe(true);
    const fixes = events.filter((e) => e.type === 'checkin_recorded').map((e) => e.data.fix as { lat: number; accuracyM: number });
    expect(fixes.map((f) => f.accuracyM)).toEqual([8, 8, 20]);
    expect(fixes[2]!.lat).toBeCloseTo(at(500).latitude, 6);
    expect(events.find((e) => e.type === 'case_linked')?.data.caseId).toBe(caseId);
    // The offline check-in's photo (full and thumbnail) reached the relay's blob store, and its town center may read it.
    const photos = events.filter((e) => e.type === 'checkin_recorded').map((e) => e.data.photos as Array<{ full: string; thumb: string }> | undefined);
    expect(photos.slice(0, 2)).toEqual([undefined, undefined]);
    expect(photos[2]).toHaveLength(1);
    const ref = photos[2]![0]!;
    await expect.poll(() => [app.server.blobs.get(ref.full)?.type, app.server.blobs.get(ref.thumb)?.type], { timeout: 120_000 }).toEqual([expect.stringMatching(/^image\/(webp|jpeg)$/), expect.stringMatching(/^image\/(webp|jpeg)$/)]);
    const token = await apiToken(app.url, 'town01');
    const stored = (await (await fetch(`${app.url}/api/cases/${caseId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { description: string; reporter: string };
    expect((await fetch(`${app.url}/api/blobs/${ref.full}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect(stored).toMatchObject({ description, reporter: 'w0001' });

    // The case says it was reported on the patrol, and links back to it.
    await page.getByRole('link', { name: '查看案件' }).click();
    await page.waitForURL(new RegExp(`#/cases/${caseId}$`));
    await page.getByText('巡查中上报').waitFor();
    await page.locator('.facts').getByRole('link', { name: /开始于/ }).click();
    await page.waitForURL(new RegExp(`#/patrol/p/${patrolId}$`));

    // The town center sets g0001's expected patrols a week and sees the patrol in 考核 (grid and worker).
    const town = await newPage(browser, contexts, 'town01');
    await town.setViewportSize({ width: 1366, height: 768 });
    await signIn(town, `${app.url}/#/patrol`, 'town01');
    await town.getByRole('heading', { name: '巡查次数要求' }).waitFor();
    const select = town.locator('#pa-f-g0001');
    await select.waitFor({ timeout: 30_000 });
    const gridName = ((await select.getAttribute('aria-label')) ?? '').replace(' 每周应巡查次数', '');
    // The demo expects 3 a week of every grid of town 01: 5 from now on.
    await expect.poll(() => select.inputValue(), { timeout: 30_000 }).toBe('3');
    await select.selectOption('5');
    await town.getByRole('button', { name: `保存 ${gridName}` }).click();
    await town.getByText(`已保存：${gridName} 每周 5 次。`).waitFor();
    await syncText(town, '所有更改已保存到服务器', 60_000);
    expect(storedEvents('patrols.g0001').filter((e) => e.type === 'frequency_set').pop()).toEqual(expect.objectContaining({ actor: 'town01', data: { perWeek: 5 } }));

    await town.goto(`${app.url}/#/stats`);
    const card = town.locator('section', { has: town.getByRole('heading', { name: '网格巡查' }) });
    await card.waitFor({ timeout: 30_000 });
    const row = card.getByRole('row', { name: new RegExp(gridName) }).first();
    await row.waitFor();
    // Done and expected this month (the town's default period) as the domain counts them over what the relay stores:
    // the demo's earlier patrols of the grid and this one.
    const days = presetDays('this_month', Date.now());
    const period = dayPeriod(days.from, days.to)!;
    const fig = patrolFigures('g0001', foldPatrols(storedEvents('patrols.g0001')), period.fromMs, period.toMs);
    expect(fig.byWorker.get('w0001')).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => (await row.locator('td').nth(0).textContent())?.trim()).toBe(String(fig.done));
    await expect.poll(async () => (await row.locator('td').nth(1).textContent())?.trim()).toBe(String(fig.expected));
    await card.getByRole('heading', { name: '按网格员' }).waitFor();
  });
});
