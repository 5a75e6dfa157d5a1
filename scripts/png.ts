/**
 * PNG encoding without an image library (the app icons, scripts/make-icons.ts; the test basemap's tiles,
 * tests/support/pmtiles.ts): 8-bit RGBA or RGB pixels, no filtering, one IDAT chunk (deflate level 9), no
 * ancillary chunks.
 */
import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A chunk: its data's length, its type, the data, and the CRC-32 of type and data. */
function chunk(type: string, data: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/**
 * A PNG file of `width` x `height` pixels given row by row, `channels` bytes a pixel: 4 (RGBA, the default) or
 * 3 (RGB).
 */
export function encodePng(width: number, height: number, pixels: Uint8Array, channels: 3 | 4 = 4): Buffer {
  const stride = width * channels;
  if (pixels.length !== stride * height) throw new RangeError(`encodePng: ${pixels.length} bytes for ${width}x${height}x${channels}`);
  // Each row: filter byte 0 (none), then its pixels.
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 4 ? 6 : 2; // colour type: RGBA or RGB
  // Compression, filter and interlace methods: 0.
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))]);
}
