/**
 * The demo county's after-photos (issue 12): plans of the third variant (多部门联动) require a photo of the fix
 * (Plan.afterPhoto), so the seeded resolves of those plans carry one. A few small generated PNG images, shared by
 * every such resolve, stored into the blob store when the demo is seeded (server/app.ts). Deterministic: the same
 * bytes, so the same hashes, on every run; drawn without the generator's random numbers (the county stays the same).
 */
import { createHash } from 'node:crypto';
import { encodePng } from '../../scripts/png.ts';
import type { PhotoRef } from '../../src/domain/evidence.ts';

/** Background and accent colours of each photo (a cleaned street, a repaired pipe, a cleared verge). */
const PALETTES: ReadonlyArray<readonly [number[], number[]]> = [
  [[96, 140, 180], [230, 230, 220]],
  [[70, 110, 70], [200, 170, 90]],
  [[150, 120, 100], [90, 160, 200]],
];

function picture(width: number, height: number, [bg, accent]: readonly [number[], number[]]): Uint8Array {
  const px = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // A horizon, a band across the middle and a soft vertical gradient: a picture, not a flat fill.
      const band = y > height * 0.55 && y < height * 0.7 && (x >> 3) % 4 !== 0;
      const c = band ? accent : bg;
      const shade = 0.75 + (0.25 * y) / height;
      const i = (y * width + x) * 3;
      px[i] = Math.round(c[0]! * shade);
      px[i + 1] = Math.round(c[1]! * shade);
      px[i + 2] = Math.round(c[2]! * shade);
    }
  }
  return px;
}

let cache: { refs: PhotoRef[]; blobs: Uint8Array[] } | null = null;

function build(): { refs: PhotoRef[]; blobs: Uint8Array[] } {
  if (cache) return cache;
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const refs: PhotoRef[] = [];
  const blobs: Uint8Array[] = [];
  for (const p of PALETTES) {
    const full = new Uint8Array(encodePng(480, 360, picture(480, 360, p), 3));
    const thumb = new Uint8Array(encodePng(160, 120, picture(160, 120, p), 3));
    refs.push({ full: sha(full), thumb: sha(thumb) });
    blobs.push(full, thumb);
  }
  return (cache = { refs, blobs });
}

/** The after-photo of a seeded resolve, chosen by the case id (no random numbers drawn). */
export function demoAfterPhoto(caseId: string): PhotoRef {
  const { refs } = build();
  let n = 0;
  for (const ch of caseId) n = (n * 31 + ch.charCodeAt(0)) >>> 0;
  return refs[n % refs.length]!;
}

/** Every demo photo's bytes (full and thumbnail), for the blob store. */
export function demoPhotoBlobs(): Uint8Array[] {
  return build().blobs;
}
