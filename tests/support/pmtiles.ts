/**
 * A small PMTiles v3 writer for tests (spec: https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md), and
 * solid-colour PNG tiles to fill it with (encoded by scripts/png.ts). No dependency beyond node:zlib.
 *
 * Layout written: the 127-byte header, the root directory, the JSON metadata, no leaf directories, the tile data.
 * Tiles are ordered by their id on the Hilbert curve; identical tile contents are stored once (entries point at
 * the same bytes) and consecutive ids with the same content become one entry with a run length. Only a root
 * directory is written: the reader fetches the first 16 KiB at once, so the header and root directory must fit
 * in it (an error says so when they would not; a test basemap of a county is far below that).
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { encodePng } from '../../scripts/png.ts';

export type PmCompression = 'none' | 'gzip';
export type PmTileType = 'mvt' | 'png' | 'jpeg' | 'webp';

export interface PmTile {
  z: number;
  x: number;
  y: number;
  data: Uint8Array;
}

export interface PmtilesOptions {
  tileType: PmTileType;
  tiles: Iterable<PmTile>;
  /** Compression of the directories and metadata (default gzip). */
  internalCompression?: PmCompression;
  /** Compression applied to every tile (default none; raster tiles are already compressed). */
  tileCompression?: PmCompression;
  metadata?: Record<string, unknown>;
  /** [west, south, east, north] in degrees; default: the extent of the tiles. */
  bounds?: [number, number, number, number];
  center?: [number, number, number];
}

const HEADER_BYTES = 127;
const FIRST_FETCH = 16_384;
const COMPRESSION = { none: 1, gzip: 2 } as const;
const TILE_TYPE = { mvt: 1, png: 2, jpeg: 3, webp: 4 } as const;

/** The tile id of z/x/y: the tiles of lower zooms first, then the position on the zoom's Hilbert curve. */
export function tileId(z: number, x: number, y: number): number {
  if (z > 26) throw new Error('zoom above 26');
  const n = 2 ** z;
  if (x < 0 || y < 0 || x >= n || y >= n) throw new Error(`tile ${z}/${x}/${y} outside its zoom`);
  let acc = (4 ** z - 1) / 3;
  let d = 0;
  for (let s = n / 2; s >= 1; s /= 2) {
    const rx = (x & s) > 0 ? 1 : 0;
    const ry = (y & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    // Rotate the quadrant (Hilbert curve, as in the usual xy2d).
    if (ry === 0) {
      if (rx === 1) {
        x = n - 1 - x;
        y = n - 1 - y;
      }
      [x, y] = [y, x];
    }
  }
  acc += d;
  return acc;
}

/** Tile x/y at zoom z of a longitude/latitude (Web Mercator, XYZ scheme). */
export function lngLatToTile(lng: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const x = Math.floor(((lng + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  const clamp = (v: number) => Math.min(n - 1, Math.max(0, v));
  return [clamp(x), clamp(y)];
}

/** Every z/x/y of the zooms that touches the box [west, south, east, north]. */
export function tilesCovering(bbox: [number, number, number, number], minZoom: number, maxZoom: number): { z: number; x: number; y: number }[] {
  const out: { z: number; x: number; y: number }[] = [];
  for (let z = minZoom; z <= maxZoom; z++) {
    const [x0, y0] = lngLatToTile(bbox[0], bbox[3], z);
    const [x1, y1] = lngLatToTile(bbox[2], bbox[1], z);
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) out.push({ z, x, y });
  }
  return out;
}

function varint(out: number[], v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`varint ${v}`);
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

interface Entry {
  tileId: number;
  offset: number;
  length: number;
  runLength: number;
}

function directory(entries: Entry[]): Uint8Array {
  const out: number[] = [];
  varint(out, entries.length);
  let last = 0;
  for (const e of entries) {
    varint(out, e.tileId - last);
    last = e.tileId;
  }
  for (const e of entries) varint(out, e.runLength);
  for (const e of entries) varint(out, e.length);
  entries.forEach((e, i) => {
    const prev = entries[i - 1];
    varint(out, i > 0 && prev && e.offset === prev.offset + prev.length ? 0 : e.offset + 1);
  });
  return Uint8Array.from(out);
}

function compress(data: Uint8Array, c: PmCompression): Uint8Array {
  return c === 'gzip' ? gzipSync(data) : data;
}

/** The bytes of a PMTiles v3 archive holding the tiles. */
export function writePmtiles(opts: PmtilesOptions): Buffer {
  const internal = opts.internalCompression ?? 'gzip';
  const tileCompression = opts.tileCompression ?? 'none';
  const byId = new Map<number, PmTile>();
  for (const t of opts.tiles) byId.set(tileId(t.z, t.x, t.y), t);
  if (byId.size === 0) throw new Error('no tiles');
  const ids = [...byId.keys()].sort((a, b) => a - b);

  // Tile data: each distinct content once, in the order of first use (so the archive is clustered).
  const contents = new Map<string, { offset: number; length: number }>();
  const chunks: Uint8Array[] = [];
  let dataLength = 0;
  const entries: Entry[] = [];
  let minZoom = 99;
  let maxZoom = 0;
  for (const id of ids) {
    const t = byId.get(id)!;
    minZoom = Math.min(minZoom, t.z);
    maxZoom = Math.max(maxZoom, t.z);
    const body = compress(t.data, tileCompression);
    const hash = createHash('sha256').update(body).digest('hex');
    let at = contents.get(hash);
    if (!at) {
      at = { offset: dataLength, length: body.length };
      contents.set(hash, at);
      chunks.push(body);
      dataLength += body.length;
    }
    const prev = entries[entries.length - 1];
    if (prev && prev.offset === at.offset && prev.tileId + prev.runLength === id) prev.runLength++;
    else entries.push({ tileId: id, offset: at.offset, length: at.length, runLength: 1 });
  }

  const root = compress(directory(entries), internal);
  if (HEADER_BYTES + root.length > FIRST_FETCH) throw new Error(`root directory of ${root.length} bytes: leaf directories are not written`);
  const metadata = compress(new TextEncoder().encode(JSON.stringify(opts.metadata ?? {})), internal);

  const tiles = ids.map((id) => byId.get(id)!);
  const bounds = opts.bounds ?? extent(tiles);
  const center = opts.center ?? [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, minZoom];

  const rootOffset = HEADER_BYTES;
  const metadataOffset = rootOffset + root.length;
  const leafOffset = metadataOffset + metadata.length;
  const dataOffset = leafOffset;
  const header = Buffer.alloc(HEADER_BYTES);
  header.write('PMTiles', 0, 'latin1');
  header.writeUInt8(3, 7);
  const u64 = (at: number, v: number) => header.writeBigUInt64LE(BigInt(v), at);
  u64(8, rootOffset);
  u64(16, root.length);
  u64(24, metadataOffset);
  u64(32, metadata.length);
  u64(40, leafOffset);
  u64(48, 0);
  u64(56, dataOffset);
  u64(64, dataLength);
  u64(72, ids.length);
  u64(80, entries.length);
  u64(88, contents.size);
  header.writeUInt8(1, 96); // clustered
  header.writeUInt8(COMPRESSION[internal], 97);
  header.writeUInt8(COMPRESSION[tileCompression], 98);
  header.writeUInt8(TILE_TYPE[opts.tileType], 99);
  header.writeUInt8(minZoom, 100);
  header.writeUInt8(maxZoom, 101);
  const e7 = (at: number, deg: number) => header.writeInt32LE(Math.round(deg * 1e7), at);
  e7(102, bounds[0]);
  e7(106, bounds[1]);
  e7(110, bounds[2]);
  e7(114, bounds[3]);
  header.writeUInt8(Math.round(center[2]), 118);
  e7(119, center[0]);
  e7(123, center[1]);
  return Buffer.concat([header, root, metadata, ...chunks]);
}

function tileLng(x: number, z: number): number {
  return (x / 2 ** z) * 360 - 180;
}

function tileLat(y: number, z: number): number {
  const n = Math.PI - (2 * Math.PI * y) / 2 ** z;
  return (180 / Math.PI) * Math.atan(Math.sinh(n));
}

function extent(tiles: PmTile[]): [number, number, number, number] {
  let [w, s, e, n] = [180, 90, -180, -90];
  for (const t of tiles) {
    w = Math.min(w, tileLng(t.x, t.z));
    e = Math.max(e, tileLng(t.x + 1, t.z));
    n = Math.max(n, tileLat(t.y, t.z));
    s = Math.min(s, tileLat(t.y + 1, t.z));
  }
  return [w, s, e, n];
}

/** A PNG of one colour (8-bit RGB, no colour profile), `size` pixels square. */
export function solidPng(rgb: readonly [number, number, number], size = 256): Buffer {
  const pixels = Buffer.alloc(size * size * 3);
  for (let i = 0; i < size * size; i++) pixels.set(rgb, i * 3);
  return encodePng(size, size, pixels, 3);
}

/** A raster basemap of one colour over the box, at the zooms given (PNG tiles, gzip directories). */
export function solidRasterBasemap(opts: { rgb: readonly [number, number, number]; bbox: [number, number, number, number]; minZoom: number; maxZoom: number }): Buffer {
  const png = solidPng(opts.rgb);
  return writePmtiles({
    tileType: 'png',
    tiles: tilesCovering(opts.bbox, opts.minZoom, opts.maxZoom).map((t) => ({ ...t, data: png })),
    bounds: opts.bbox,
    metadata: { name: 'gridlink test basemap', format: 'png', attribution: 'Gridlink test basemap' },
  });
}
