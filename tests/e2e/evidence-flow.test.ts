/**
 * Issue 12 done-when, end to end in Debian chromium with real image files: a grid worker with no network reports a
 * case with two camera photos; the sync bar says they wait; once the link returns the photos upload, and the town
 * center (another browser context) sees the case with its thumbnails and opens the full photo. The unit resolves it
 * with an after-photo from where it stands (a position near the case), and the worker's verification shows before
 * and after side by side with the distance between the fix and the case.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeJpeg } from '../../bench/figures/compress.ts';
import { apiToken, closeAll, launchBrowser, navTo, newPage, serviceWorkerActivated, signIn, startApp, syncText, type App } from './harness.ts';

let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});

afterAll(() => closeAll(contexts, browser, app));

async function signInAs(username: string, setup?: (c: BrowserContext) => Promise<void>): Promise<Page> {
  const page = await newPage(browser, contexts, username, setup);
  await signIn(page, `${app.url}/#/cases`, username);
  await page.getByRole('heading', { name: '案件列表' }).waitFor();
  await syncText(page, '在线');
  return page;
}

async function openCase(page: Page, id: string, status: string): Promise<void> {
  if (!page.url().endsWith(`#/cases/${id}`)) await page.goto(`${app.url}/#/cases/${id}`);
  await page.locator('.detail h1').filter({ hasText: status }).waitFor({ timeout: 30_000 });
}

/** Thumbnails shown as decoded images (not placeholders) inside `scope`. */
async function shownImages(page: Page, selector: string): Promise<number> {
  return page.locator(selector).evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0).length);
}

describe('photos from an offline report reach the center, the unit and the verifying worker', () => {
  it('reports with photos offline, uploads on reconnect, and shows before and after at verification', async () => {
    const worker = await signInAs('w0001');
    await serviceWorkerActivated(worker);
    // Two different camera-sized JPEGs (4000x3000 and 3000x4000), made by chromium's own encoder.
    const photoA = (await makeJpeg(worker, 4000, 3000, null, true))!;
    const photoB = (await makeJpeg(worker, 3000, 4000, null, true))!;
    expect(photoA.length).toBeGreaterThan(500_000);

    await worker.context().setOffline(true);
    await worker.reload();
    await worker.getByRole('heading', { name: '案件列表' }).waitFor();
    await syncText(worker, '离线');

    await navTo(worker, '上报');
    await worker.getByLabel('搜索类别（中文、英文或代码）').fill('0101');
    await worker.locator('input[type=radio][value="0101"]').check();
    const description = `端到端测试：带照片的离线上报 ${Date.now()}`;
    await worker.getByLabel('问题描述').fill(description);
    await worker.locator('#r-photos-gallery').waitFor();
    await worker.locator('input[data-capture="gallery"]').first().setInputFiles([
      { name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: photoA },
      { name: 'IMG_0002.jpg', mimeType: 'image/jpeg', buffer: photoB },
    ]);
    await expect.poll(() => shownImages(worker, '#r-photos-list img'), { timeout: 60_000 }).toBe(2);
    await worker.getByRole('button', { name: '上报', exact: true }).click();
    await worker.waitForURL(/#\/cases\/[0-9A-Z]{26}$/);
    const caseId = worker.url().split('/').pop()!;
    await openCase(worker, caseId, '已上报');
    await syncText(worker, '2 张照片待上传');
    // The case says which of its photos wait on this device (the bar counts every case's).
    await worker.getByText('本机还有 2 张照片待上传（已上传 0%），联网后自动继续').waitFor();
    // Offline, the reporter's own device shows its photos from the outbox.
    await expect.poll(() => shownImages(worker, '.photo-tile img'), { timeout: 30_000 }).toBe(2);

    await worker.context().setOffline(false);
    await syncText(worker, '所有更改已保存到服务器', 60_000);
    await expect.poll(async () => (await worker.getByRole('status', { name: '同步状态' }).textContent()) ?? '', { timeout: 120_000 }).not.toContain('待上传');
    await worker.locator('.case-uploads').waitFor({ state: 'detached' });

    // The relay holds every blob the report names; the event carries hashes only.
    const token = await apiToken(app.url, 'town01');
    const stored = (await (await fetch(`${app.url}/api/cases/${caseId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      photos: Array<{ full: string; thumb: string }>;
    };
    expect(stored.photos).toHaveLength(2);
    for (const p of stored.photos) {
      for (const h of [p.thumb, p.full]) {
        const res = await fetch(`${app.url}/api/blobs/${h}`, { headers: { authorization: `Bearer ${token}` } });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^image\/(webp|jpeg)$/);
      }
    }

    // The town center, on another browser context, sees the case with its thumbnails and opens the full photo.
    const town = await signInAs('town01');
    await openCase(town, caseId, '已上报');
    await expect.poll(() => shownImages(town, '.photo-tile img'), { timeout: 30_000 }).toBe(2);
    await town.locator('.photo-tile').first().click();
    const viewer = town.getByRole('dialog');
    await viewer.waitFor();
    await expect
      .poll(() => viewer.locator('img').evaluateAll((imgs) => imgs.some((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth >= 960)), { timeout: 30_000 })
      .toBe(true);
    await town.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
    const accept = town.getByRole('form', { name: '受理', exact: true });
    await accept.getByRole('button', { name: '受理', exact: true }).click();
    await openCase(town, caseId, '已受理');
    const unitId = await town.locator('#act-unit').inputValue();
    await town.getByRole('form', { name: '派遣', exact: true }).getByRole('button', { name: '派遣', exact: true }).click();
    await openCase(town, caseId, '已派遣');

    // The unit resolves with an after-photo, standing about 40 m from the case.
    const c = stored as unknown as { location: { lat: number; lng: number } };
    const unit = await signInAs(`unit${unitId.slice(1)}`, async (ctx) => {
      await ctx.grantPermissions(['geolocation']);
      await ctx.setGeolocation({ latitude: c.location.lat + 0.00036, longitude: c.location.lng, accuracy: 10 });
    });
    await openCase(unit, caseId, '已派遣');
    const resolve = unit.getByRole('form', { name: '处置完成', exact: true });
    await resolve.locator('textarea').first().fill('已更换路灯灯泡，恢复照明。');
    await resolve.locator('input[data-capture="gallery"]').setInputFiles([{ name: 'after.jpg', mimeType: 'image/jpeg', buffer: photoA }]);
    await expect.poll(() => shownImages(unit, 'form[aria-label="处置完成"] .photo-list img'), { timeout: 60_000 }).toBe(1);
    await resolve.getByRole('button', { name: '处置完成', exact: true }).click();
    await openCase(unit, caseId, '已处置');
    await expect.poll(async () => (await unit.getByRole('status', { name: '同步状态' }).textContent()) ?? '', { timeout: 120_000 }).not.toContain('待上传');

    // The worker's verification: before and after side by side, and how far from the case the fix was made.
    await openCase(worker, caseId, '已处置');
    const verify = worker.getByRole('form', { name: '核实并结案', exact: true });
    await expect.poll(() => shownImages(worker, 'form[aria-label="核实并结案"] img'), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await expect(verify.getByText(/整改位置距案件位置 \d+ 米/).textContent()).resolves.toMatch(/整改位置距案件位置 (3\d|4\d) 米/);
    await verify.getByRole('button', { name: '核实并结案', exact: true }).click();
    await openCase(worker, caseId, '已结案');
  });
});
