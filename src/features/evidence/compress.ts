/**
 * Photo compression on the device (issue 12), before anything is stored or sent.
 *
 * Contract of `compressPhoto(file)`:
 *  - the result is `{full, thumb}`: `full` has its longest side <= 1280 px and lands near 200 KB, `thumb` has its
 *    longest side <= 320 px and is <= 10 KB (the 2G budget in the brief: 20 thumbnails in 30 s at 70 kbps);
 *  - WebP where the browser can encode it, JPEG otherwise (the encoder's answer is read from `blob.type`);
 *  - the EXIF orientation is baked into the pixels (createImageBitmap `imageOrientation: 'from-image'`) and the
 *    re-encoding drops every other piece of metadata, GPS included: the report's location comes from the form;
 *  - photos are compressed strictly one after the other (a module-wide queue) and every ImageBitmap is closed as
 *    soon as it has been drawn, so at most one decoded image of the original size is alive at any time (1-2 GB
 *    phones kill the tab otherwise); where the header tells the size, the decoder scales while decoding
 *    (createImageBitmap resize options) and the full-size pixels are never held at all;
 *  - both blobs are hashed (sha256, hex) and checked with the relay's own rule (src/domain/blobs.ts checkBlob);
 *  - failures are a `CaptureError` with a code the form turns into a message: `not_image` (the file is something
 *    else), `undecodable` (an image the browser cannot read, e.g. HEIC on Chrome, or a truncated file),
 *    `too_large` (an input above MAX_INPUT_BYTES), `encode_failed` (the browser produced nothing usable).
 */
import { checkBlob, hex, sniffType } from '../../domain/blobs.ts';
import type { CapturedBlob } from '../../app/services.ts';

export const FULL_SIDE = 1280;
export const THUMB_SIDE = 320;
export const FULL_TARGET_BYTES = 200 * 1024;
export const THUMB_MAX_BYTES = 10 * 1024;
/** Above this the input is refused before decoding (a camera JPEG is 2-12 MB). */
export const MAX_INPUT_BYTES = 40 * 1024 * 1024;

export type CaptureErrorCode = 'not_image' | 'undecodable' | 'too_large' | 'encode_failed';

export class CaptureError extends Error {
  constructor(readonly code: CaptureErrorCode) {
    super(code);
    this.name = 'CaptureError';
  }
}

export interface CompressedPhoto {
  full: CapturedBlob;
  thumb: CapturedBlob;
}

/** Quality steps of the full photo: the first that lands at most this much above the target is kept. */
const FULL_QUALITIES = [0.8, 0.7, 0.6, 0.5, 0.4];
const FULL_SLACK = 1.25;
const THUMB_QUALITIES = [0.6, 0.5, 0.4, 0.3, 0.2];

let queue: Promise<unknown> = Promise.resolve();

/** Compress one photo; calls are queued so that only one is being decoded at a time (see the header). */
export function compressPhoto(file: Blob): Promise<CompressedPhoto> {
  const run = queue.then(() => compressOne(file));
  queue = run.catch(() => undefined);
  return run;
}

async function compressOne(file: Blob): Promise<CompressedPhoto> {
  if (file.type && !file.type.startsWith('image/')) throw new CaptureError('not_image');
  if (file.size === 0) throw new CaptureError('not_image');
  if (file.size > MAX_INPUT_BYTES) throw new CaptureError('too_large');
  const head = new Uint8Array(await file.slice(0, 256 * 1024).arrayBuffer());
  const info = imageInfo(head);

  let bitmap: ImageBitmap;
  try {
    bitmap = await decodeScaled(file, info);
  } catch {
    // Say which it is from the bytes (never the name or the declared type): an image format (JPEG/PNG/WebP, or
    // an ISO-BMFF picture such as HEIC/AVIF: "ftyp" at 4) that this browser cannot read, or not an image at all.
    const sniffed = sniffType(head.subarray(0, 16));
    throw new CaptureError(sniffed?.startsWith('image/') || sniffed === 'audio/mp4' ? 'undecodable' : 'not_image');
  }
  let thumbSource: ImageBitmap;
  let canvas: AnyCanvas;
  try {
    const [w, h] = fit(bitmap.width, bitmap.height, FULL_SIDE);
    canvas = makeCanvas(w, h);
    // Drawn, not handed over with a 'bitmaprenderer' context: Chromium's transferFromImageBitmap drops the EXIF
    // orientation of a bitmap decoded with imageOrientation 'from-image' (tests/e2e/capture.test.ts caught it).
    draw(canvas, bitmap, w, h);
    bitmap.close();
    // The thumbnail is made from the 1280 px canvas (already small), never from the original.
    const [tw, th] = fit(w, h, THUMB_SIDE);
    thumbSource = await createImageBitmap(canvas as ImageBitmapSource, { resizeWidth: tw, resizeHeight: th, resizeQuality: 'high' });
  } finally {
    bitmap.close();
  }
  // Both encodings at once (the browser encodes off the main thread): both images are small by now.
  const thumbDone = encodeThumb(thumbSource).finally(() => thumbSource.close());
  let full: Blob;
  try {
    full = await encodeNear(canvas, FULL_QUALITIES, FULL_TARGET_BYTES * FULL_SLACK);
  } finally {
    release(canvas);
  }
  const thumb = await thumbDone;
  return { full: await capturedBlob(full, 'photo'), thumb: await capturedBlob(thumb, 'thumb') };
}

/** Decode, oriented as the EXIF says, scaled while decoding when the header told the size. */
async function decodeScaled(file: Blob, info: ImageInfo | null): Promise<ImageBitmap> {
  if (info) {
    const [w, h] = info.swap ? [info.height, info.width] : [info.width, info.height];
    const [tw, th] = fit(w, h, FULL_SIDE);
    if (tw !== w || th !== h) {
      const b = await createImageBitmap(file, { imageOrientation: 'from-image', resizeWidth: tw, resizeHeight: th, resizeQuality: 'high' });
      // A browser that applied the size before the orientation gives a stretched bitmap: decode plainly instead.
      if (b.width === tw && b.height === th) return b;
      b.close();
    }
  }
  return createImageBitmap(file, { imageOrientation: 'from-image' });
}

async function encodeThumb(source: ImageBitmap): Promise<Blob> {
  let [w, h] = [source.width, source.height];
  // Quality first, then a smaller size, until the thumbnail fits its budget.
  for (let round = 0; ; round++) {
    const canvas = makeCanvas(w, h);
    draw(canvas, source, w, h);
    const blob = await encodeNear(canvas, THUMB_QUALITIES, THUMB_MAX_BYTES);
    release(canvas);
    if (blob.size <= THUMB_MAX_BYTES || round >= 3) return blob;
    [w, h] = [Math.max(1, Math.round(w * 0.8)), Math.max(1, Math.round(h * 0.8))];
  }
}

/** The first quality whose blob is at most `maxBytes`, else the lowest quality's blob. */
async function encodeNear(canvas: AnyCanvas, qualities: number[], maxBytes: number): Promise<Blob> {
  let blob: Blob | null = null;
  for (const q of qualities) {
    blob = await encode(canvas, q);
    if (blob.size <= maxBytes) break;
  }
  return blob!;
}

type AnyCanvas = OffscreenCanvas | HTMLCanvasElement;

function makeCanvas(w: number, h: number): AnyCanvas {
  if (typeof OffscreenCanvas !== 'undefined' && 'convertToBlob' in OffscreenCanvas.prototype) return new OffscreenCanvas(w, h);
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  return c;
}

function draw(canvas: AnyCanvas, image: CanvasImageSource, w: number, h: number): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) throw new CaptureError('encode_failed');
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(image, 0, 0, w, h);
}

/** Free a canvas's pixels now rather than at garbage collection. */
function release(canvas: AnyCanvas): void {
  canvas.width = 0;
  canvas.height = 0;
}

/** WebP where the browser encodes it; a browser that cannot answers with PNG (the spec's fallback): then JPEG. */
let webp: boolean | undefined;
async function encode(canvas: AnyCanvas, quality: number): Promise<Blob> {
  if (webp !== false) {
    const b = await toBlob(canvas, 'image/webp', quality);
    if (b.type === 'image/webp') {
      webp = true;
      return b;
    }
    webp = false;
  }
  const b = await toBlob(canvas, 'image/jpeg', quality);
  if (b.type !== 'image/jpeg') throw new CaptureError('encode_failed');
  return b;
}

function toBlob(canvas: AnyCanvas, type: string, quality: number): Promise<Blob> {
  if ('convertToBlob' in canvas) return canvas.convertToBlob({ type, quality });
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new CaptureError('encode_failed'))), type, quality));
}

/** A blob as the outbox takes it: its bytes checked with the relay's rule (else `encode_failed`) and hashed. */
export async function capturedBlob(blob: Blob, kind: CapturedBlob['kind']): Promise<CapturedBlob> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const check = checkBlob(bytes);
  if (!check.ok) throw new CaptureError('encode_failed');
  const hash = hex(await crypto.subtle.digest('SHA-256', bytes));
  return { hash, kind, type: check.type, bytes };
}

/** The size that fits `(w, h)` within `side` on its longest side, never enlarged. */
export function fit(w: number, h: number, side: number): [number, number] {
  const long = Math.max(w, h);
  if (long <= side) return [w, h];
  const s = side / long;
  return [Math.max(1, Math.round(w * s)), Math.max(1, Math.round(h * s))];
}

export interface ImageInfo {
  width: number;
  height: number;
  /** EXIF orientation 5-8: the picture is shown rotated a quarter turn, so width and height swap. */
  swap: boolean;
}

/**
 * Stored width and height (and whether the EXIF orientation turns it a quarter) from a JPEG, PNG or WebP header;
 * null when the header does not say (then the image is decoded at its size and scaled on the canvas).
 */
export function imageInfo(b: Uint8Array): ImageInfo | null {
  const u16 = (i: number, le = false) => (le ? b[i]! | (b[i + 1]! << 8) : (b[i]! << 8) | b[i + 1]!);
  const u32 = (i: number, le = false) => (le ? (u16(i, true) | (u16(i + 2, true) << 16)) >>> 0 : ((u16(i) << 16) | u16(i + 2)) >>> 0);
  const type = sniffType(b.subarray(0, 16));
  if (type === 'image/png') return b.length >= 24 ? { width: u32(16), height: u32(20), swap: false } : null;
  if (type === 'image/webp') {
    const chunk = String.fromCharCode(b[12]!, b[13]!, b[14]!, b[15]!);
    if (chunk === 'VP8X' && b.length >= 30) return { width: 1 + (b[24]! | (b[25]! << 8) | (b[26]! << 16)), height: 1 + (b[27]! | (b[28]! << 8) | (b[29]! << 16)), swap: false };
    if (chunk === 'VP8 ' && b.length >= 30) return { width: u16(26, true) & 0x3fff, height: u16(28, true) & 0x3fff, swap: false };
    if (chunk === 'VP8L' && b.length >= 25) {
      const bits = u32(21, true);
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, swap: false };
    }
    return null;
  }
  if (type !== 'image/jpeg') return null;
  let orientation = 1;
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    const len = u16(i + 2);
    // APP1 "Exif\0\0": the TIFF header, then IFD0's entries; tag 0x0112 is the orientation.
    if (marker === 0xe1 && i + 10 <= b.length && String.fromCharCode(b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!) === 'Exif') {
      const t = i + 10;
      const le = b[t] === 0x49;
      if (t + 8 <= b.length) {
        const ifd = t + u32(t + 4, le);
        const n = ifd + 2 <= b.length ? u16(ifd, le) : 0;
        for (let k = 0; k < n; k++) {
          const e = ifd + 2 + k * 12;
          if (e + 12 > b.length) break;
          if (u16(e, le) === 0x0112) orientation = u16(e + 8, le);
        }
      }
    }
    // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC): height then width.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 9 > b.length) return null;
      return { height: u16(i + 5), width: u16(i + 7), swap: orientation >= 5 && orientation <= 8 };
    }
    if (marker === 0xda || marker === 0xd9) return null;
    i += 2 + len;
  }
  return null;
}
