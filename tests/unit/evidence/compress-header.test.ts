/**
 * The header reading compressPhoto relies on to decode a photo already scaled (src/features/evidence/compress.ts
 * imageInfo, fit): a JPEG's size from its SOF segment and its EXIF orientation in either byte order (5-8 swap the
 * sides), PNG and WebP sizes, and nothing for what it cannot read (then the image is decoded at its size).
 */
import { describe, expect, it } from 'vitest';
import { exifSegment } from '../../../bench/figures/compress.ts';
import { fit, imageInfo } from '../../../src/features/evidence/compress.ts';

/** SOI, optional segments, then an SOF0 of `w` x `h`. */
function jpegHead(w: number, h: number, ...segments: Buffer[]): Uint8Array {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, h >> 8, h & 255, w >> 8, w & 255, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, ...Buffer.from('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  return new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xd8]), app0, ...segments, sof]));
}

/** A little-endian ("II") EXIF APP1 with only the orientation tag. */
function exifLE(orientation: number): Buffer {
  const t = Buffer.alloc(8 + 2 + 12 + 4);
  t.write('II', 0, 'latin1');
  t.writeUInt16LE(42, 2);
  t.writeUInt32LE(8, 4);
  t.writeUInt16LE(1, 8);
  t.writeUInt16LE(0x0112, 10);
  t.writeUInt16LE(3, 12);
  t.writeUInt32LE(1, 14);
  t.writeUInt16LE(orientation, 18);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), t]);
  return Buffer.concat([Buffer.from([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 255]), body]);
}

describe('photo header reading', () => {
  it('reads a JPEG size and whether its EXIF orientation turns it a quarter', () => {
    expect(imageInfo(jpegHead(4000, 3000))).toEqual({ width: 4000, height: 3000, swap: false });
    for (const o of [1, 2, 3, 4]) expect(imageInfo(jpegHead(4000, 3000, exifSegment(o)))!.swap).toBe(false);
    for (const o of [5, 6, 7, 8]) expect(imageInfo(jpegHead(4000, 3000, exifSegment(o)))).toEqual({ width: 4000, height: 3000, swap: true });
    expect(imageInfo(jpegHead(4032, 3024, exifLE(6)))).toEqual({ width: 4032, height: 3024, swap: true });
    expect(imageInfo(jpegHead(4032, 3024, exifLE(1)))!.swap).toBe(false);
  });

  it('reads PNG and WebP sizes', () => {
    const png = Buffer.alloc(33);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).copy(png);
    png.write('IHDR', 12, 'latin1');
    png.writeUInt32BE(1920, 16);
    png.writeUInt32BE(1080, 20);
    expect(imageInfo(new Uint8Array(png))).toEqual({ width: 1920, height: 1080, swap: false });

    const vp8x = Buffer.alloc(30);
    vp8x.write('RIFF', 0, 'latin1');
    vp8x.write('WEBPVP8X', 8, 'latin1');
    vp8x.writeUIntLE(2999, 24, 3);
    vp8x.writeUIntLE(1999, 27, 3);
    expect(imageInfo(new Uint8Array(vp8x))).toEqual({ width: 3000, height: 2000, swap: false });
  });

  it('says nothing for what it cannot read', () => {
    expect(imageInfo(new Uint8Array(Buffer.from('not an image at all, just some text')))).toBeNull();
    // A JPEG whose header stops before its SOF segment.
    expect(imageInfo(jpegHead(4000, 3000).subarray(0, 22))).toBeNull();
  });

  it('fits the longest side without enlarging', () => {
    expect(fit(4000, 3000, 1280)).toEqual([1280, 960]);
    expect(fit(3000, 4000, 1280)).toEqual([960, 1280]);
    expect(fit(1280, 720, 320)).toEqual([320, 180]);
    expect(fit(200, 100, 1280)).toEqual([200, 100]);
  });
});
