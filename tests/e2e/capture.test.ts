/**
 * Photo compression in Debian chromium (issue 12), on real files given to a file input (setInputFiles), as a
 * phone's camera or gallery gives them: a 4000x3000 camera JPEG with an EXIF orientation (6: turned a quarter
 * clockwise) and GPS tags comes out 1280 px on its longest side, turned upright, as WebP of a few hundred KB at most,
 * with a thumbnail of 320 px and <= 10 KB, and without any EXIF; hashes are the bytes' sha256. A small image is not
 * enlarged; a renamed text file is refused as not an image; a browser that cannot encode WebP gets JPEG.
 * The compression module runs bundled alone in a bare page (bench/figures/compress.ts compressPage), the same
 * page the benchmark measures.
 */
import { createHash } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressIn, compressPage, exifSegment, makeJpeg, type CompressOutcome, type CompressPage } from '../../bench/figures/compress.ts';
import { launchBrowser } from './harness.ts';

let site: CompressPage;
let browser: Browser;

beforeAll(async () => {
  [site, browser] = await Promise.all([compressPage(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function open(init?: string): Promise<Page> {
  const page = await browser.newPage();
  if (init) await page.addInitScript(init);
  await page.goto(site.url);
  return page;
}

/** The last result's images as the page decodes them: size, and whether a point is red (r > 180, g and b < 80). */
async function decoded(page: Page, which: 'full' | 'thumb', points: Array<[number, number]>) {
  return page.evaluate(
    async ([w, pts]) => {
      const r = (window as unknown as { __result: Record<string, { bytes: Uint8Array; type: string }> }).__result[w]!;
      const bmp = await createImageBitmap(new Blob([r.bytes as BlobPart], { type: r.type }));
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = c.getContext('2d')!;
      ctx.drawImage(bmp, 0, 0);
      const red = pts.map(([fx, fy]) => {
        const [R, G, B] = ctx.getImageData(Math.floor(fx * bmp.width), Math.floor(fy * bmp.height), 1, 1).data;
        return R! > 180 && G! < 80 && B! < 80;
      });
      return { width: bmp.width, height: bmp.height, red };
    },
    [which, points] as const,
  );
}

const ok = (r: CompressOutcome | { error: string }): CompressOutcome => {
  if ('error' in r) throw new Error(`compression failed: ${r.error}`);
  return r;
};
const ascii = (bytes: number[], s: string) => Buffer.from(bytes).includes(Buffer.from(s, 'latin1'));

describe('photo compression in chromium', () => {
  it('turns a 12 MP camera JPEG upright, to 1280 px WebP and a 320 px thumbnail, without EXIF', async () => {
    const page = await open();
    const input = (await makeJpeg(page, 4000, 3000, exifSegment(6), true))!;
    // The input really carries the orientation and GPS tags the output must not.
    expect(input.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(true);
    expect(input.length).toBeGreaterThan(1_000_000);

    const r = ok(await compressIn(page, { name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: input }, true));
    expect(r.full.type).toBe('image/webp');
    expect(r.full.size).toBeGreaterThan(20 * 1024);
    expect(r.full.size).toBeLessThanOrEqual(250 * 1024);
    expect(r.thumb.type).toBe('image/webp');
    expect(r.thumb.size).toBeLessThanOrEqual(10 * 1024);
    // No metadata survives the re-encoding: no EXIF chunk, no TIFF header, no GPS.
    const bytes = r.full.bytes!;
    for (const s of ['Exif', 'EXIF', 'MM\0*', 'II*\0', 'XMP']) expect(ascii(bytes, s), s).toBe(false);
    const hash = await page.evaluate(() => (window as unknown as { __result: { full: { hash: string } } }).__result.full.hash);
    expect(hash).toBe(createHash('sha256').update(Buffer.from(bytes)).digest('hex'));

    // Stored 4000x3000 with its red quarter top-left; orientation 6 shows it 3000x4000 with that quarter top-right.
    const full = await decoded(page, 'full', [
      [0.75, 0.25],
      [0.25, 0.25],
      [0.25, 0.75],
    ]);
    expect({ width: full.width, height: full.height }).toEqual({ width: 960, height: 1280 });
    expect(full.red).toEqual([true, false, false]);
    const thumb = await decoded(page, 'thumb', [
      [0.75, 0.25],
      [0.25, 0.75],
    ]);
    expect(Math.max(thumb.width, thumb.height)).toBeLessThanOrEqual(320);
    expect(thumb.height).toBeGreaterThan(thumb.width);
    expect(thumb.red).toEqual([true, false]);
    await page.close();
  });

  it('keeps a photo without EXIF as it is stored, and never enlarges a small image', async () => {
    const page = await open();
    const input = (await makeJpeg(page, 4000, 3000, null, true))!;
    ok(await compressIn(page, { name: 'plain.jpg', mimeType: 'image/jpeg', buffer: input }));
    const full = await decoded(page, 'full', [
      [0.25, 0.25],
      [0.75, 0.25],
    ]);
    expect(full).toEqual({ width: 1280, height: 960, red: [true, false] });

    const small = (await makeJpeg(page, 200, 100, null, true))!;
    ok(await compressIn(page, { name: 'small.jpg', mimeType: 'image/jpeg', buffer: small }));
    expect((await decoded(page, 'full', [])).width).toBe(200);
    expect((await decoded(page, 'full', [])).height).toBe(100);
    await page.close();
  });

  it('refuses a renamed text file and an empty file as not images', async () => {
    const page = await open();
    const text = Buffer.from('这不是照片 '.repeat(200));
    expect(await compressIn(page, { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: text })).toEqual({ error: 'not_image' });
    expect(await compressIn(page, { name: 'empty.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) })).toEqual({ error: 'not_image' });
    await page.close();
  });

  it('falls back to JPEG where the browser cannot encode WebP', async () => {
    // As Safari: asked for WebP, the canvas answers PNG (the spec's fallback).
    const page = await open(`
      for (const proto of [OffscreenCanvas.prototype, HTMLCanvasElement.prototype]) {
        const key = 'convertToBlob' in proto ? 'convertToBlob' : null;
        if (key) {
          const orig = proto.convertToBlob;
          proto.convertToBlob = function (o) { return orig.call(this, o && o.type === 'image/webp' ? { ...o, type: 'image/png' } : o); };
        }
      }
    `);
    const input = (await makeJpeg(page, 2000, 1500, null, true))!;
    const r = ok(await compressIn(page, { name: 'x.jpg', mimeType: 'image/jpeg', buffer: input }, true));
    expect(r.full.type).toBe('image/jpeg');
    expect(r.thumb.type).toBe('image/jpeg');
    expect(r.thumb.size).toBeLessThanOrEqual(10 * 1024);
    expect(r.full.bytes!.slice(0, 3)).toEqual([0xff, 0xd8, 0xff]);
    expect(ascii(r.full.bytes!, 'Exif')).toBe(false);
    await page.close();
  });
});
