/**
 * Issue 14, a trainer's one-to-one session end to end in Debian chromium, on a phone: the trainer signs in, records a
 * new learner (with consent), starts the practice sandbox with them, and the learner does the 随手拍 lesson on the
 * practice resident screens, taking a real photo (拍照, a file chooser here) and with a safe mistake on the way, then
 * sees the photo in their practice report; the trainer ends the practice, the session form comes filled in from the
 * lesson, and the saved session reaches the relay's training doc. The relay received nothing from the sandbox: no
 * request while practising (none to /api/blobs), no practice doc, no report of the practice village, no blob file
 * or blob row of the practice photo in its store.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeJpeg } from '../../bench/figures/compress.ts';
import { EVENTS_ARRAY } from '../../src/protocol/wire.ts';
import { closeAll, launchBrowser, newPage, shellShown, signIn, startApp, storedDoc, type App } from './harness.ts';

let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});
afterAll(() => closeAll(contexts, browser, app));

/** The events of a doc as the relay stores it (snapshot and updates applied), as JSON text ('' when not stored). */
function storedText(doc: string): string {
  const y = storedDoc(app, doc);
  if (!y) return '';
  const text = JSON.stringify(y.getArray(EVENTS_ARRAY).toArray());
  y.destroy();
  return text;
}

/** Every file under the relay's DATA_DIR/blobs (stored blobs and partial uploads), relative paths, sorted. */
function blobFiles(): string[] {
  try {
    return (readdirSync(join(app.dataDir, 'blobs'), { recursive: true, withFileTypes: true }) as Array<{ isFile(): boolean; name: string; parentPath: string }>)
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name))
      .sort();
  } catch {
    return [];
  }
}

describe('trainer mode', () => {
  it('a trainer runs a whole session: new learner, practice with the 随手拍 lesson and a safe mistake, the session recorded; nothing of the practice reaches the relay', async () => {
    const page = await newPage(browser, contexts, 'trainer01', async (c) => {
      await c.addInitScript(() => {
        speechSynthesis.speak = () => undefined;
      });
    });
    await page.setViewportSize({ width: 360, height: 740 });
    await signIn(page, `${app.url}/#/training`, 'trainer01');
    await shellShown(page);
    await page.getByRole('heading', { name: '数字技能培训' }).waitFor();

    // A new learner: consent is required before anything is saved.
    await page.getByRole('link', { name: '登记新学员' }).click();
    await page.getByLabel('姓名').fill('测试学员甲');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('请先征得本人同意').waitFor();
    await page.getByLabel('已口头同意').check();
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('heading', { name: '测试学员甲' }).waitFor();

    // A small real JPEG (made by chromium's own encoder) for the learner's photo; the relay's blob files before.
    const jpeg = (await makeJpeg(page, 800, 600, null, true))!;
    const blobsBefore = blobFiles();

    // The practice sandbox: every request the page makes from here to the end of the practice is recorded.
    const during: Request[] = [];
    const watch = (r: Request) => void during.push(r);
    page.on('request', watch);
    await page.getByRole('button', { name: '开始练习' }).click();
    const bar = page.locator('header.practice-bar');
    await bar.getByText('练习模式').waitFor();
    await page.locator('[data-lesson~="report-start"]').waitFor();

    await bar.getByRole('button', { name: '选一节课' }).click();
    await page.getByRole('button', { name: '随手拍' }).first().click();
    const guide = page.getByRole('region', { name: '学习提示' });
    await guide.waitFor();
    const lit = (name: string) => page.locator(`[data-lesson~="${name}"]`).first();
    await lit('report-start').click();
    // 拍照: the lesson lets the tap through to the camera (a file chooser in a desktop browser); the learner takes a
    // picture, it is compressed and kept, shows in the form, and the lesson moves on to 下一步 by itself.
    await guide.getByText('请点「拍照」').waitFor();
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), lit('photo-take').getByRole('button', { name: '拍照' }).click()]);
    await chooser.setFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await expect.poll(() => lit('photo-added').locator('img').evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth), { timeout: 15_000 }).toBeGreaterThan(0);
    await guide.getByText('照片就在这里').waitFor();
    await guide.getByRole('button', { name: '下一步' }).click();
    await guide.getByText('照片会和问题一起报给镇里').waitFor();
    await expect.poll(() => lit('photo-next').textContent()).toBe('下一步');
    await lit('photo-next').click();
    // A safe mistake: the map instead of 就在我村里 is stopped, counted and explained.
    await lit('where-map').click();
    await guide.getByText('没关系，再试一次').waitFor();
    await lit('where-home').click();
    await lit('where-next').click();
    // Any tile will do (the practice village has the county's own subcategories).
    const tile = lit('what-tiles').getByRole('radio').first();
    const label = ((await tile.textContent()) ?? '').trim();
    await tile.click();
    await guide.getByRole('button', { name: '下一步' }).click();
    await lit('report-send').click();
    await lit('report-done').waitFor();
    await guide.getByRole('button', { name: '下一步' }).click();
    await guide.getByRole('button', { name: '完成' }).click();
    await page.getByText('已完成：').waitFor();
    // The practice report is in the practice 我的上报 with the two seeded ones, on the device only.
    expect(label).not.toBe('');
    await page.evaluate(() => (location.hash = '#/'));
    await expect.poll(() => page.locator('[data-lesson~="report-card"]').count(), { timeout: 15_000 }).toBe(3);
    // The learner's practice report shows the photo, from the practice database.
    await page.locator('[data-lesson~="report-card"]', { hasText: label }).first().click();
    const shot = page.getByRole('button', { name: /查看第 1 张照片/ });
    await shot.scrollIntoViewIfNeeded(); // thumbnails load when near the viewport
    await expect.poll(() => shot.locator('img').evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth), { timeout: 15_000 }).toBeGreaterThan(0);
    // Its bytes are only in the practice database (a photo and its thumbnail, not in any upload outbox).
    const kept = await page.evaluate(async () => {
      const name = (await indexedDB.databases()).map((d) => d.name ?? '').find((n) => n.startsWith('practice.'))!;
      const db = await new Promise<IDBDatabase>((ok, no) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => ok(r.result);
        r.onerror = () => no(r.error);
      });
      const rows = await new Promise<Array<{ hash: string; state: string }>>((ok, no) => {
        const r = db.transaction('blobs').objectStore('blobs').getAll();
        r.onsuccess = () => ok(r.result as Array<{ hash: string; state: string }>);
        r.onerror = () => no(r.error);
      });
      db.close();
      return rows.map((r) => ({ hash: r.hash, state: r.state }));
    });
    expect(kept.map((r) => r.state)).toEqual(['sent', 'sent']);

    await bar.getByRole('button', { name: '结束练习' }).click();
    page.off('request', watch);
    // The trainer's own app may still read (its settings, its docs' sync); nothing is written, and none of the
    // resident API a practice report would use is called.
    const sent = during.filter((r) => r.url().startsWith(app.url) && (r.method() !== 'GET' || /\/api\/(cases|reference|public|blobs)|\/sync\/practice/.test(r.url())));
    expect(sent.map((r) => `${r.method()} ${r.url()}`), 'the sandbox made no request to the relay').toEqual([]);
    expect(during.filter((r) => r.url().includes('/api/blobs')).map((r) => `${r.method()} ${r.url()}`), 'no photo went to the blob store').toEqual([]);

    // The session form, filled in from the lesson: 随手拍 practised, with help (one mistake).
    await page.getByRole('heading', { name: '记下这次辅导：测试学员甲' }).waitFor();
    await page.getByText('练习模式里完成了 1 节课').waitFor();
    const photo = page.getByRole('group', { name: '随手拍' });
    expect(await photo.getByLabel('要人帮').isChecked()).toBe(true);
    await photo.getByLabel('自己会了').check();
    await page.getByLabel('这次的情况（可不填）').fill('点错一次地图，之后自己完成。');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('heading', { name: '测试学员甲' }).waitFor();
    await page.getByText('点错一次地图，之后自己完成。').waitFor();

    // The relay has the learner and the session in training.t01, and nothing of the practice anywhere.
    await expect
      .poll(() => storedText('training.t01'), { timeout: 30_000, interval: 200 })
      .toContain('点错一次地图，之后自己完成。');
    // Nor the practice photo: no blob file in DATA_DIR/blobs, no blob row, no reference to it.
    expect(blobFiles(), 'no blob file was added').toEqual(blobsBefore);
    for (const { hash } of kept) {
      expect(app.server.blobs.get(hash), hash).toBeNull();
      expect(app.server.blobs.refs(hash), hash).toEqual([]);
    }
    const names = app.server.store.docNames();
    expect(names.filter((n) => n.startsWith('practice.') || n.includes('t99'))).toEqual([]);
    const session = JSON.parse(storedText('training.t01')) as Array<{ type: string; data: { skills?: Array<{ skill: string; level: string; mistakes: number }>; practice?: boolean } }>;
    const recorded = session.filter((e) => e.type === 'session_recorded').at(-1)!;
    expect(recorded.data).toMatchObject({ practice: true, skills: [{ skill: 'report_photo', level: 'alone', mistakes: 1 }] });
  });
});
