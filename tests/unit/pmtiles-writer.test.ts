// The test PMTiles writer (tests/support/pmtiles.ts), read back by the `pmtiles` package the app uses.
import { inflateSync } from 'node:zlib';
import { PMTiles, TileType, zxyToTileId, type RangeResponse, type Source } from 'pmtiles';
import { describe, expect, it } from 'vitest';
import { lngLatToTile, solidPng, solidRasterBasemap, tileId, tilesCovering, writePmtiles } from '../support/pmtiles.ts';

class MemorySource implements Source {
  constructor(private readonly bytes: Buffer) {}
  getKey(): string {
    return 'memory';
  }
  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    const b = this.bytes.subarray(offset, offset + length);
    return { data: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
  }
}

const COUNTY: [number, number, number, number] = [121.8, 40.9, 122.3, 41.4];

describe('test PMTiles writer', () => {
  it('numbers tiles on the Hilbert curve as the reader does', () => {
    for (let z = 0; z <= 16; z++) {
      const n = 2 ** z;
      for (let i = 0; i < 40; i++) {
        const x = Math.floor((((i * 7919) % 1000) / 1000) * n);
        const y = Math.floor((((i * 104729) % 997) / 997) * n);
        expect(tileId(z, x, y)).toBe(zxyToTileId(z, x, y));
      }
    }
    expect(tileId(0, 0, 0)).toBe(0);
    expect(tileId(1, 0, 0)).toBe(1);
  });

  it('writes a raster archive the pmtiles reader opens: header, metadata, every tile, nothing outside', async () => {
    const rgb = [91, 79, 196] as const;
    const bytes = solidRasterBasemap({ rgb, bbox: COUNTY, minZoom: 6, maxZoom: 14 });
    const covered = tilesCovering(COUNTY, 6, 14);
    const pm = new PMTiles(new MemorySource(bytes));
    const h = await pm.getHeader();
    expect(h.specVersion).toBe(3);
    expect(h.tileType).toBe(TileType.Png);
    expect([h.minZoom, h.maxZoom]).toEqual([6, 14]);
    expect([h.minLon, h.minLat, h.maxLon, h.maxLat]).toEqual(COUNTY);
    expect(h.numAddressedTiles).toBe(covered.length);
    expect(h.numTileContents).toBe(1);
    expect(h.numTileEntries).toBeLessThan(covered.length);
    expect(await pm.getMetadata()).toMatchObject({ name: 'gridlink test basemap' });
    const png = solidPng(rgb);
    for (const t of covered) {
      const got = await pm.getZxy(t.z, t.x, t.y);
      expect(got && Buffer.from(got.data).equals(png), `${t.z}/${t.x}/${t.y}`).toBe(true);
    }
    // Beside the box, and above the highest zoom: no tile.
    const [x, y] = lngLatToTile(COUNTY[0], COUNTY[3], 12);
    expect(await pm.getZxy(12, x - 1, y)).toBeUndefined();
    expect(await pm.getZxy(12, x, y - 1)).toBeUndefined();
    expect(await pm.getZxy(15, ...lngLatToTile(122, 41, 15))).toBeUndefined();
    expect(bytes.length).toBeLessThan(16_384);
  });

  it('stores distinct tiles, without compression or with gzip tiles', async () => {
    const tiles = tilesCovering(COUNTY, 8, 11).map((t, i) => ({ ...t, data: new TextEncoder().encode(`tile ${i} ${t.z}/${t.x}/${t.y}`) }));
    for (const [internalCompression, tileCompression] of [
      ['none', 'none'],
      ['gzip', 'gzip'],
    ] as const) {
      const pm = new PMTiles(new MemorySource(writePmtiles({ tileType: 'mvt', tiles, internalCompression, tileCompression })));
      expect((await pm.getHeader()).numTileContents).toBe(tiles.length);
      for (const t of tiles) {
        const got = await pm.getZxy(t.z, t.x, t.y);
        expect(new TextDecoder().decode(got!.data)).toBe(new TextDecoder().decode(t.data));
      }
    }
  });

  it('draws PNG tiles of one colour', () => {
    const png = solidPng([1, 2, 3], 4);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const idatLen = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString('latin1')).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    expect([...raw]).toEqual(Array.from({ length: 4 }, () => [0, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]).flat());
  });
});
