/**
 * Draws the app icons as real PNG files (no image tools needed): a white 3x3 grid with a highlighted centre
 * cell (网格) on the brand green. "any" icons have rounded corners; maskable ones fill the square and keep the
 * symbol inside the 80 % safe zone. Run: node --import tsx scripts/make-icons.ts (writes public/*.png).
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';

type RGBA = [number, number, number, number];
const BRAND: RGBA = [0x0b, 0x5e, 0x4a, 255];
const WHITE: RGBA = [255, 255, 255, 255];
const ACCENT: RGBA = [0xff, 0xd1, 0x66, 255];
const NONE: RGBA = [0, 0, 0, 0];

interface Style {
  /** Corner radius of the background as a fraction of the size; 0 fills the square (maskable). */
  corner: number;
  /** Side of the grid symbol as a fraction of the size. */
  grid: number;
}

function colourAt(x: number, y: number, s: Style): RGBA {
  // Background: a rounded square.
  if (s.corner > 0) {
    const r = s.corner;
    const cx = Math.min(Math.max(x, r), 1 - r);
    const cy = Math.min(Math.max(y, r), 1 - r);
    if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) return NONE;
  }
  const side = s.grid;
  const a = 0.5 - side / 2;
  const b = 0.5 + side / 2;
  const w = side * 0.085;
  if (x < a || x > b || y < a || y > b) return BRAND;
  const near = (v: number, line: number) => Math.abs(v - line) <= w / 2;
  const lines = [a + w / 2, a + side / 3, a + (2 * side) / 3, b - w / 2];
  if (lines.some((l) => near(x, l)) || lines.some((l) => near(y, l))) return WHITE;
  const c1 = a + side / 3;
  const c2 = a + (2 * side) / 3;
  if (x > c1 && x < c2 && y > c1 && y < c2) return ACCENT;
  return BRAND;
}

function render(size: number, style: Style): Buffer {
  const SS = 4;
  const rowLen = size * 4 + 1;
  const raw = Buffer.alloc(rowLen * size);
  for (let py = 0; py < size; py++) {
    raw[py * rowLen] = 0; // filter: none
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let bl = 0;
      let al = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const c = colourAt((px + (sx + 0.5) / SS) / size, (py + (sy + 0.5) / SS) / size, style);
          const alpha = c[3] / 255;
          r += c[0] * alpha;
          g += c[1] * alpha;
          bl += c[2] * alpha;
          al += alpha;
        }
      }
      const o = py * rowLen + 1 + px * 4;
      const n = SS * SS;
      raw[o] = al ? Math.round(r / al) : 0;
      raw[o + 1] = al ? Math.round(g / al) : 0;
      raw[o + 2] = al ? Math.round(bl / al) : 0;
      raw[o + 3] = Math.round((al / n) * 255);
    }
  }
  return png(size, size, raw);
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(width: number, height: number, raw: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const ANY: Style = { corner: 0.18, grid: 0.58 };
const MASKABLE: Style = { corner: 0, grid: 0.46 };
const APPLE: Style = { corner: 0, grid: 0.56 };

const out = resolve(import.meta.dirname, '..', 'public');
const files: [string, number, Style][] = [
  ['icon-192.png', 192, ANY],
  ['icon-512.png', 512, ANY],
  ['icon-maskable-192.png', 192, MASKABLE],
  ['icon-maskable-512.png', 512, MASKABLE],
  ['apple-touch-icon.png', 180, APPLE],
];
for (const [name, size, style] of files) {
  const data = render(size, style);
  writeFileSync(join(out, name), data);
  console.log(`${name}: ${size}x${size}, ${data.length} bytes`);
}
