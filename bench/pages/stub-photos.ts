/**
 * server/demo/photos.ts in the browser build of the bench pages (bench/lib/build.ts): the demo's PNG writer and
 * hashes are Node code, and the pages only need a photo reference in each seeded resolve (fixed hashes here).
 */
import type { PhotoRef } from '../../src/domain/evidence.ts';

const REF: PhotoRef = { full: 'a'.repeat(64), thumb: 'b'.repeat(64) };

export function demoAfterPhoto(): PhotoRef {
  return REF;
}

export function demoPhotoBlobs(): Uint8Array[] {
  return [];
}
