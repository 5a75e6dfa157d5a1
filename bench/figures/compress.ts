/**
 * Photo compression on the device (issue 12): a 12-megapixel camera JPEG through `compressPhoto`
 * (src/features/evidence/compress.ts) in Chromium under 4x CPU slowdown (CDP Emulation.setCPUThrottlingRate).
 * Figures: the time from the file to both blobs hashed and checked, and the peak JS heap above the page's baseline
 * (CDP Performance.getMetrics JSHeapUsedSize, sampled every 20 ms while it runs, after a forced GC for the
 * baseline). Budgets: <= 1.5 s and <= 60 MB. The sizes of the full photo and the thumbnail are reported too.
 *
 * The module is bundled by itself (esbuild, as the app's build would) into a bare page served on 127.0.0.1 (a
 * secure context, for crypto.subtle); the e2e test (tests/e2e/capture.test.ts) uses the same page through
 * `compressPage`. The camera photo is made in that page (canvas.toBlob JPEG with noise, so it is as large as a
 * camera's), and given an EXIF APP1 segment with an orientation (6: turned a quarter) and GPS tags by `withExif`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../../tests/e2e/harness.ts';
import { figure, missing, type Result } from '../lib/results.ts';

const ENTRY = fileURLToPath(new URL('../../src/features/evidence/compress.ts', import.meta.url));

export interface CompressPage {
  url: string;
  close(): Promise<void>;
}

/** A page with `<input type=file id=file>` whose change compresses the file into `window.__result` (or `__error`). */
export async function compressPage(): Promise<CompressPage> {
  const out = await build({ entryPoints: [ENTRY], bundle: true, write: false, format: 'iife', globalName: 'Compress', target: 'es2022', minify: true });
  const script = out.outputFiles[0]!.text;
  const html = `<!doctype html><meta charset="utf-8"><title>compress</title>
<input type="file" id="file" accept="image/*">
<script>globalThis.__name = globalThis.__name || ((f) => f); /* tsx's keepNames helper, for page.evaluate */</script>
<script src="/compress.js"></script>
<script>
async function run(f) {
  window.__result = undefined; window.__error = undefined;
  const t0 = performance.now();
  try {
    const r = await Compress.compressPhoto(f);
    window.__result = { ms: performance.now() - t0, full: r.full, thumb: r.thumb };
  } catch (err) { window.__error = err && err.code ? err.code : String(err); }
}
document.getElementById('file').addEventListener('change', (e) => run(e.target.files[0]));
window.__compressInput = () => { void run(window.__input); };
</script>`;
  const server = createServer((req, res) => {
    if (req.url === '/compress.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(script);
    } else {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * A camera-like JPEG made in the page: `width` x `height`, the top-left quarter red and the rest many random
 * coloured shapes with noise (so it compresses like a photo: a few MB at 12 MP), with `app1` (an EXIF segment,
 * see `exifSegment`) after SOI. Kept in the page as `window.__input` (a File: its bytes stay in the browser's blob
 * store, not in the JS heap); its bytes are returned when `returnBytes`.
 */
export async function makeJpeg(page: Page, width: number, height: number, app1: Buffer | null, returnBytes: boolean): Promise<Buffer | null> {
  const b64 = await page.evaluate(
    async ([w, h, seg, back]) => {
      const c = document.createElement('canvas');
      c.width = w;
      c.height = h;
      const ctx = c.getContext('2d')!;
      ctx.fillStyle = '#4070b0';
      ctx.fillRect(0, 0, w, h);
      let seed = 7;
      const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
      for (let i = 0; i < 4000; i++) {
        ctx.fillStyle = `hsl(${(rnd() * 360) | 0} 60% ${(30 + rnd() * 50) | 0}%)`;
        ctx.beginPath();
        ctx.ellipse(rnd() * w, rnd() * h, 5 + rnd() * 120, 5 + rnd() * 120, rnd() * 3, 0, 7);
        ctx.fill();
      }
      ctx.fillStyle = '#e01010';
      ctx.fillRect(0, 0, w / 2, h / 2);
      const tile = ctx.createImageData(256, 256);
      for (let i = 0; i < tile.data.length; i += 4) {
        const n = (rnd() * 255) | 0;
        tile.data[i] = n;
        tile.data[i + 1] = n;
        tile.data[i + 2] = n;
        tile.data[i + 3] = 24;
      }
      const noise = await createImageBitmap(tile);
      for (let y = 0; y < h; y += 256) for (let x = 0; x < w; x += 256) ctx.drawImage(noise, x, y);
      noise.close();
      const blob = await new Promise<Blob>((r) => c.toBlob((b) => r(b!), 'image/jpeg', 0.92));
      c.width = 0;
      const parts: BlobPart[] = seg ? [blob.slice(0, 2), new Uint8Array(seg), blob.slice(2)] : [blob];
      const file = new File(parts, 'IMG_0001.jpg', { type: 'image/jpeg' });
      (window as unknown as { __input: File }).__input = file;
      if (!back) return null;
      const bytes = new Uint8Array(await file.arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(s);
    },
    [width, height, app1 ? Array.from(app1) : null, returnBytes] as const,
  );
  return b64 === null ? null : Buffer.from(b64, 'base64');
}

/** An EXIF APP1 segment (marker included): IFD0 with Orientation and a GPS IFD (latitude 41° 12' N). */
export function exifSegment(orientation: number): Buffer {
  // Big-endian TIFF: header (8), IFD0 at 8 with 2 entries (2 + 24 + 4 = 30 bytes), GPS IFD at 38 with 2 entries.
  const t = Buffer.alloc(8 + 30 + 30 + 24);
  t.write('MM', 0, 'latin1');
  t.writeUInt16BE(42, 2);
  t.writeUInt32BE(8, 4);
  let o = 8;
  t.writeUInt16BE(2, o);
  o += 2;
  // Orientation: SHORT, count 1, value in the first two bytes of the value field.
  t.writeUInt16BE(0x0112, o);
  t.writeUInt16BE(3, o + 2);
  t.writeUInt32BE(1, o + 4);
  t.writeUInt16BE(orientation, o + 8);
  o += 12;
  // GPSInfo: LONG, the GPS IFD's offset.
  t.writeUInt16BE(0x8825, o);
  t.writeUInt16BE(4, o + 2);
  t.writeUInt32BE(1, o + 4);
  t.writeUInt32BE(38, o + 8);
  o += 12;
  t.writeUInt32BE(0, o); // no IFD1
  o = 38;
  t.writeUInt16BE(2, o);
  o += 2;
  // GPSLatitudeRef "N".
  t.writeUInt16BE(0x0001, o);
  t.writeUInt16BE(2, o + 2);
  t.writeUInt32BE(2, o + 4);
  t.write('N\0', o + 8, 'latin1');
  o += 12;
  // GPSLatitude: 3 RATIONALs at offset 68 (41/1, 12/1, 0/1).
  t.writeUInt16BE(0x0002, o);
  t.writeUInt16BE(5, o + 2);
  t.writeUInt32BE(3, o + 4);
  t.writeUInt32BE(68, o + 8);
  o += 12;
  t.writeUInt32BE(0, o);
  [41, 1, 12, 1, 0, 1].forEach((x, i) => t.writeUInt32BE(x, 68 + i * 4));
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), t]);
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([app1, body]);
}

export interface CompressOutcome {
  ms: number;
  full: { type: string; size: number; bytes: number[] | null };
  thumb: { type: string; size: number };
}

/**
 * Feed a file to the page's input (as a user's pick), or with no file compress `window.__input` (makeJpeg), and
 * wait for the compressed result.
 */
export async function compressIn(page: Page, file: { name: string; mimeType: string; buffer: Buffer } | null, keepBytes = false): Promise<CompressOutcome | { error: string }> {
  await page.evaluate(() => {
    const w = window as unknown as { __result?: unknown; __error?: unknown };
    w.__result = undefined;
    w.__error = undefined;
  });
  if (file) await page.setInputFiles('#file', file);
  else await page.evaluate(() => (window as unknown as { __compressInput(): void }).__compressInput());
  await page.waitForFunction(() => (window as unknown as { __result?: unknown; __error?: unknown }).__result || (window as unknown as { __error?: unknown }).__error, undefined, {
    timeout: 60_000,
    polling: 20,
  });
  return page.evaluate((keep) => {
    const w = window as unknown as { __result?: { ms: number; full: { type: string; bytes: Uint8Array }; thumb: { type: string; bytes: Uint8Array } }; __error?: string };
    if (w.__error) return { error: w.__error };
    const r = w.__result!;
    return {
      ms: r.ms,
      full: { type: r.full.type, size: r.full.bytes.length, bytes: keep ? Array.from(r.full.bytes) : null },
      thumb: { type: r.thumb.type, size: r.thumb.bytes.length },
    };
  }, keepBytes);
}

const NAME_TIME = 'photo compression: 12 MP JPEG to 1280 px + thumbnail (4x CPU)';
const NAME_HEAP = 'photo compression: peak JS heap above baseline (4x CPU)';

export async function compressFigure(opts: { runs?: number; log: (m: string) => void }): Promise<Result[]> {
  const runs = opts.runs ?? 3;
  let browser: Browser | undefined;
  const site = await compressPage();
  try {
    browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto(site.url);
    await makeJpeg(page, 4000, 3000, exifSegment(6), false);
    const inputBytes = await page.evaluate(() => (window as unknown as { __input: File }).__input.size);
    opts.log(`  input: 4000x3000 JPEG, ${(inputBytes / 1024 / 1024).toFixed(2)} MB, EXIF orientation 6`);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const heap = async () => {
      const m = await cdp.send('Performance.getMetrics');
      return m.metrics.find((x) => x.name === 'JSHeapUsedSize')?.value ?? 0;
    };
    const times: number[] = [];
    const peaks: number[] = [];
    let last: CompressOutcome | undefined;
    for (let i = 0; i < runs; i++) {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
      await cdp.send('HeapProfiler.collectGarbage');
      const base = await heap();
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      let peak = base;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          peak = Math.max(peak, await heap());
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const r = await compressIn(page, null);
      sampling = false;
      await sampler;
      peak = Math.max(peak, await heap());
      if ('error' in r) throw new Error(`compression failed: ${r.error}`);
      times.push(r.ms);
      peaks.push((peak - base) / 1024 / 1024);
      last = r;
      opts.log(`  run ${i + 1}: ${r.ms.toFixed(0)} ms, heap +${((peak - base) / 1024 / 1024).toFixed(1)} MB, full ${r.full.type} ${(r.full.size / 1024).toFixed(0)} KB, thumb ${(r.thumb.size / 1024).toFixed(1)} KB`);
    }
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
    return [
      figure({ name: NAME_TIME, value: median, unit: 'ms', budget: '<= 1500', note: `median of ${runs}; runs ${times.map((t) => t.toFixed(0)).join(', ')} ms; Chromium, CDP CPU throttling 4x` }),
      figure({ name: NAME_HEAP, value: Math.max(...peaks), unit: 'MB', budget: '<= 60', note: `largest of ${runs}; JSHeapUsedSize sampled every 20 ms over a post-GC baseline; decoded pixels (ImageBitmap, canvas) are renderer memory outside the JS heap and not counted` }),
      figure({ name: 'photo compression: full photo size', value: last!.full.size / 1024, unit: 'KB', note: `${last!.full.type}, longest side 1280 px; target about 200` }),
      figure({ name: 'photo compression: thumbnail size', value: last!.thumb.size / 1024, unit: 'KB', budget: '<= 10', note: `${last!.thumb.type}, longest side 320 px` }),
    ];
  } catch (e) {
    return [missing(NAME_TIME, 'ms', '<= 1500', String(e)), missing(NAME_HEAP, 'MB', '<= 60', String(e))];
  } finally {
    await browser?.close();
    await site.close();
  }
}

// Run alone: node --import tsx bench/figures/compress.ts
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  compressFigure({ log: (m) => console.log(m) }).then((r) => console.log(JSON.stringify(r, null, 2)));
}
