// The relay's grid boundaries against a real server (port 0, demo county): the GeoJSON files with their caching
// headers, an administrator's import (a round trip, and every kind of bad file refused with nothing changed),
// and the optional PMTiles basemap with byte ranges.
import { statSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/app.ts';
import { quietLogger } from '../../server/log.ts';
import type { FeatureCollection, GridProperties, Position, TownProperties, VillageProperties } from '../../src/domain/geo.ts';

let server: RunningServer;
let dataDir: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gridlink-geo-'));
  server = await startServer({ dataDir, port: 0, host: '127.0.0.1', demo: true, staticDir: join(dataDir, 'no-app'), log: quietLogger });
  for (const u of ['admin', 'town01', 'w0001']) {
    const r = await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: u, password: 'demo' }) });
    tokens[u] = ((await r.json()) as { token: string }).token;
  }
});

afterAll(async () => {
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const auth = (u: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${tokens[u]}`, ...extra });
const get = (path: string, u = 'w0001', headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers: auth(u, headers) });
const post = (body: unknown, u = 'admin') =>
  fetch(`${server.url}/api/geo/grids`, { method: 'POST', headers: auth(u, { 'content-type': 'application/geo+json' }), body: typeof body === 'string' ? body : JSON.stringify(body) });

async function grids(): Promise<{ etag: string; text: string; fc: FeatureCollection<GridProperties> }> {
  const r = await get('/api/geo/grids.geojson');
  const text = await r.text();
  return { etag: r.headers.get('etag')!, text, fc: JSON.parse(text) as FeatureCollection<GridProperties> };
}

describe('GET /api/geo/*.geojson', () => {
  it('needs a token', async () => {
    const r = await fetch(`${server.url}/api/geo/grids.geojson`);
    expect(r.status).toBe(401);
    expect(await r.json()).toEqual({ error: 'unauthorized' });
  });

  it('serves the 844 grids with their ids, worker and names', async () => {
    const { fc } = await grids();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(844);
    expect(fc.features[0]!.properties).toMatchObject({ gridId: 'g0001', villageId: 't01v01', townId: 't01', workerId: 'w0001', townName: '太平街道' });
    for (const f of fc.features) {
      expect(f.properties.workerId).toBe(`w${f.properties.gridId.slice(1)}`);
      expect(f.geometry.type).toBe('Polygon');
    }
  });

  it('serves villages and towns as the unions of their grids', async () => {
    const v = (await (await get('/api/geo/villages.geojson')).json()) as FeatureCollection<VillageProperties>;
    const t = (await (await get('/api/geo/towns.geojson')).json()) as FeatureCollection<TownProperties>;
    expect(v.features).toHaveLength(168);
    expect(t.features.map((f) => f.properties.townId)).toEqual(Array.from({ length: 13 }, (_, i) => `t${String(i + 1).padStart(2, '0')}`));
    expect(t.features[0]!.properties).toMatchObject({ name: '太平街道', nameEn: 'Taiping Subdistrict' });
  });

  it('caches by ETag, revalidates, and compresses', async () => {
    const first = await get('/api/geo/grids.geojson');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{20,}"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    expect(first.headers.get('content-type')).toBe('application/geo+json; charset=utf-8');
    const again = await get('/api/geo/grids.geojson', 'w0001', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    const raw = await new Promise<{ encoding: string | undefined; size: number; json: unknown }>((resolve, reject) => {
      // fetch() decodes gzip itself; read the raw bytes with node:http to see what travels.
      import('node:http').then(({ get: httpGet }) => {
        httpGet(`${server.url}/api/geo/grids.geojson`, { headers: auth('w0001', { 'accept-encoding': 'gzip' }) }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            resolve({ encoding: res.headers['content-encoding'], size: body.length, json: JSON.parse(gunzipSync(body).toString()) });
          });
        }).on('error', reject);
      }, reject);
    });
    expect(raw.encoding).toBe('gzip');
    const plain = await (await get('/api/geo/grids.geojson', 'w0001', { 'accept-encoding': 'identity' })).arrayBuffer();
    expect(raw.size).toBeLessThan(plain.byteLength / 2);
    expect((raw.json as FeatureCollection<GridProperties>).features).toHaveLength(844);
    console.log(`[geo] grids.geojson: ${plain.byteLength} bytes, ${raw.size} gzip`);
  });
});

describe('POST /api/geo/grids', () => {
  it('is for administrators only', async () => {
    const { text } = await grids();
    expect((await post(text, 'town01')).status).toBe(403);
    expect((await fetch(`${server.url}/api/geo/grids`, { method: 'POST', body: text })).status).toBe(401);
  });

  it('takes back its own export unchanged (same ETag)', async () => {
    const before = await grids();
    const r = await post(before.text);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: true, grids: 844, withoutGeometry: [] });
    const after = await grids();
    expect(after.etag).toBe(before.etag);
    expect(after.text).toBe(before.text);
  });

  type Bad = [name: string, edit: (fc: FeatureCollection<GridProperties>) => unknown, code: string, gridId: string | null, message: RegExp];
  const ring = (fc: FeatureCollection<GridProperties>, i: number) => fc.features[i]!.geometry.coordinates[0] as Position[];
  const bad: Bad[] = [
    ['not JSON', () => '{"type":', 'invalid_geojson', null, /not JSON/],
    ['not a FeatureCollection', () => ({ type: 'Feature' }), 'invalid_geojson', null, /FeatureCollection/],
    [
      'an invalid polygon',
      (fc) => {
        fc.features[9]!.geometry = { type: 'Polygon', coordinates: [[[122, 41], [122.1, 41], [122, 41]]] };
        return fc;
      },
      'invalid_polygon',
      'g0010',
      /^feature 9 \(g0010\): ring 0 has fewer than 4 positions/,
    ],
    [
      'a self-intersecting polygon',
      (fc) => {
        const r = ring(fc, 20);
        fc.features[20]!.geometry = { type: 'Polygon', coordinates: [[r[0]!, r[2]!, r[1]!, r[3]!, r[0]!]] };
        return fc;
      },
      'self_intersection',
      'g0021',
      /^feature 20 \(g0021\): edges cross near \[/,
    ],
    [
      'a duplicate id',
      (fc) => {
        fc.features[30]!.properties.gridId = 'g0030';
        return fc;
      },
      'duplicate_id',
      'g0030',
      /^feature 30 \(g0030\): gridId g0030 is already used by feature 29$/,
    ],
    [
      'a grid without a known village',
      (fc) => {
        fc.features[40]!.properties.villageId = 't42v99';
        return fc;
      },
      'unknown_village',
      'g0041',
      /villageId t42v99 is not a village of the county/,
    ],
    [
      'overlapping grids',
      (fc) => {
        fc.features[50]!.geometry = JSON.parse(JSON.stringify(fc.features[49]!.geometry)) as typeof fc.features[0]['geometry'];
        return fc;
      },
      'overlap',
      'g0050',
      /^feature 49 \(g0050\) overlaps feature 50 \(g0051\) by about \d+ m²$/,
    ],
  ];

  it.each(bad)('refuses %s with a clear error naming the feature, and changes nothing', async (_name, edit, code, gridId, message) => {
    const before = await grids();
    const r = await post(edit(JSON.parse(before.text) as FeatureCollection<GridProperties>));
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: string; problems: { code: string; gridId?: string; message: string }[] };
    expect(body.error).toBe('invalid_geometry');
    const p = body.problems.find((x) => x.code === code);
    expect(p, JSON.stringify(body.problems.slice(0, 3))).toBeDefined();
    if (gridId) expect(p!.gridId).toBe(gridId);
    expect(p!.message).toMatch(message);
    const after = await grids();
    expect(after.etag).toBe(before.etag);
    expect(after.text).toBe(before.text);
  });

  it('replaces the geometry when the file is valid', async () => {
    const before = await grids();
    const fc = JSON.parse(before.text) as FeatureCollection<GridProperties>;
    // Drop the last grid: valid (a grid may lack a boundary until one is drawn); the answer lists it.
    fc.features.pop();
    const r = await post(fc);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: true, grids: 843, withoutGeometry: ['g0844'] });
    const after = await grids();
    expect(after.etag).not.toBe(before.etag);
    expect(after.fc.features).toHaveLength(843);
    expect((await post(before.text)).status).toBe(200);
    expect((await grids()).etag).toBe(before.etag);
    // Each import is in the audit log, by whom and how many; a refused one is not.
    expect((await post({ type: 'FeatureCollection', features: 'none' })).status).toBe(400);
    const audit = (await (await get('/api/audit?action=boundaries.imported', 'admin')).json()) as { entries: Array<{ actor: string; detail: { grids: number } }> };
    expect(audit.entries.slice(0, 2).map((e) => [e.actor, e.detail.grids])).toEqual([
      ['admin', 844],
      ['admin', 843],
    ]);
  });
});

describe('GET /api/geo/basemap.pmtiles', () => {
  it('is 404 until an administrator puts the file in DATA_DIR, then serves byte ranges', async () => {
    expect((await get('/api/geo/basemap.pmtiles')).status).toBe(404);
    // The towns file says whether there is one (issue 11: the app then asks for none), and its ETag follows.
    const towns = async () => {
      const r = await get('/api/geo/towns.geojson');
      return { etag: r.headers.get('etag'), basemap: ((await r.json()) as { basemap?: unknown }).basemap };
    };
    const without = await towns();
    expect(without.basemap).toBe(false);
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    writeFileSync(join(dataDir, 'basemap.pmtiles'), bytes);
    const withIt = await towns();
    expect(withIt.basemap).toBe(true);
    expect(withIt.etag).not.toBe(without.etag);
    const whole = await get('/api/geo/basemap.pmtiles');
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
    const part = await get('/api/geo/basemap.pmtiles', 'w0001', { range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 10-19/1000');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(10, 20))).toBe(true);
    const tail = await get('/api/geo/basemap.pmtiles', 'w0001', { range: 'bytes=-5' });
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(995))).toBe(true);
    expect((await get('/api/geo/basemap.pmtiles', 'w0001', { range: 'bytes=2000-2100' })).status).toBe(416);
    expect((await fetch(`${server.url}/api/geo/basemap.pmtiles`)).status).toBe(401);
  });

  it('has an ETag of its bytes: 304 to the copy it names, unchanged by a rewrite of the same bytes, changed by other bytes', async () => {
    const file = join(dataDir, 'basemap.pmtiles');
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    writeFileSync(file, bytes);
    const etag = (await get('/api/geo/basemap.pmtiles')).headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{20,}"$/);
    const again = await get('/api/geo/basemap.pmtiles', 'w0001', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect((await again.arrayBuffer()).byteLength).toBe(0);
    // A copy a device kept when the ETag was size and mtime is still current while they match.
    const st = statSync(file);
    const legacy = `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
    expect((await get('/api/geo/basemap.pmtiles', 'w0001', { 'if-none-match': legacy })).status).toBe(304);
    // The same bytes written again (a re-upload): the same ETag, so no device downloads it again.
    writeFileSync(file, bytes);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect((await get('/api/geo/basemap.pmtiles', 'w0001', { 'if-none-match': etag })).status).toBe(304);
    // Other bytes of the same size with the old mtime kept (`cp -p`): another ETag, the whole file again.
    const before = statSync(file);
    const other = Buffer.from(bytes.map((b) => 250 - b));
    writeFileSync(file, other);
    utimesSync(file, before.atime, before.mtime);
    const changed = await get('/api/geo/basemap.pmtiles', 'w0001', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(Buffer.from(await changed.arrayBuffer()).equals(other)).toBe(true);
    // A range for the old version (If-Range) gets the whole new file.
    const stale = await get('/api/geo/basemap.pmtiles', 'w0001', { range: 'bytes=0-9', 'if-range': etag });
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(1000);
  });
});
