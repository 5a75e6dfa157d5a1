/**
 * Draws the app icons as real PNG files (no image tools needed): a white 3x3 grid with a highlighted centre
 * cell (网格) on the brand green. "any" icons have rounded corners; maskable ones fill the square and keep the
 * symbol inside the 80 % safe zone. Run: node --import tsx scripts/make-icons.ts (writes public/*.png).
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodePng } from './png.ts';

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
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
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
      const o = (py * size + px) * 4;
      const n = SS * SS;
      rgba[o] = al ? Math.round(r / al) : 0;
      rgba[o + 1] = al ? Math.round(g / al) : 0;
      rgba[o + 2] = al ? Math.round(bl / al) : 0;
      rgba[o + 3] = Math.round((al / n) * 255);
    }
  }
  return encodePng(size, size, rgba);
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
