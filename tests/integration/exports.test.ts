/**
 * Exports (issue 15) against a real relay on port 0 with the demo county, over real HTTP: the .xlsx read back by an
 * independent reader (Python 3's standard library: zipfile + xml.etree, not the library that wrote it) equals
 * /api/stats; the CSV has a byte order mark, CRLF lines and the same numbers; the GeoJSON holds exactly the cases
 * /api/stats counts; scopes are refused as /api/stats refuses them; bad parameters are 400; a case whose address
 * starts with '=' is exported escaped (never a formula); an export past the row cap is 413.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/app.ts';
import { EXPORT_LIMITS } from '../../server/exports.ts';
import { quietLogger } from '../../server/log.ts';
import type { Figures, Table1Row } from '../../src/domain/assessment.ts';
import { ASSIST_COLUMNS, FIGURE_COLUMNS } from '../../src/domain/exports.ts';
import type { PublicReference } from '../../src/domain/reporter.ts';
import { readXlsx, type PyCell } from '../support/xlsx.ts';

// 10:00 in Beijing on 20 November 2026: a fixed instant for the seed and the relay.
const NOW = Date.parse('2026-11-20T02:00:00Z');

let server: RunningServer;
let dataDir: string;
let ref: PublicReference;
const tokens = new Map<string, string>();

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gridlink-exports-'));
  server = await startServer({ dataDir, port: 0, host: '127.0.0.1', demo: true, log: quietLogger, now: () => NOW });
  ref = (await (await get('/api/reference', 'county')).json()) as PublicReference;
});

afterAll(async () => {
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function token(username: string): Promise<string> {
  let t = tokens.get(username);
  if (!t) {
    const r = await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo' }) });
    t = ((await r.json()) as { token: string }).token;
    tokens.set(username, t);
  }
  return t;
}

async function get(path: string, username: string | null): Promise<Response> {
  return fetch(`${server.url}${path}`, { headers: username ? { authorization: `Bearer ${await token(username)}` } : {} });
}

interface StatsBody {
  figures: Figures;
  towns?: Record<string, Figures>;
  units: Record<string, Figures>;
  grids: Record<string, Figures>;
  table1?: Table1Row[];
}

async function stats(query: string, username = 'county'): Promise<StatsBody> {
  const r = await get(`/api/stats?${query}`, username);
  expect(r.status).toBe(200);
  return (await r.json()) as StatsBody;
}

/** Parse a CSV file (RFC 4180, quotes) into rows of strings. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    }
    else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

/** A sheet's rows keyed by their first cell (the id), each as {header: value}. */
function byId(rows: PyCell[][]): Map<string, Record<string, PyCell>> {
  const [header, ...body] = rows;
  return new Map(body.map((r) => [String(r[0]), Object.fromEntries(header!.map((h, i) => [String(h), r[i] ?? null]))]));
}

/** The figures of a sheet or CSV row as /api/stats gives them (null for an empty cell). */
function figuresOf(row: Record<string, PyCell | string>, num: (v: PyCell | string) => number | null): Partial<Figures> {
  return Object.fromEntries(FIGURE_COLUMNS.map((c) => [c.key, num(row[c.label] ?? null)]));
}
const pick = (f: Figures): Partial<Figures> => Object.fromEntries(FIGURE_COLUMNS.map((c) => [c.key, f[c.key]]));
const pyNum = (v: PyCell | string) => (v === null ? null : (v as number));
const csvNum = (v: PyCell | string) => (v === '' || v === null ? null : Number(v));

describe('exports of the 考核', () => {
  it('stats.xlsx, read by an independent reader, equals /api/stats for the county (every town, unit, grid, Table 1)', async () => {
    const q = 'scope=county&from=2026-01-01&to=2026-11-20';
    const api = await stats(q);
    const r = await get(`/api/exports/stats.xlsx?${q}`, 'county');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(r.headers.get('cache-control')).toBe('no-store');
    const cd = r.headers.get('content-disposition')!;
    expect(cd).toMatch(/^attachment; filename="gridlink-stats-county-2026-01-01_2026-11-20\.xlsx"; filename\*=UTF-8''/);
    expect(decodeURIComponent(cd.split("UTF-8''")[1]!)).toBe('考核-全县-2026-01-01至2026-11-20.xlsx');
    const book = readXlsx(Buffer.from(await r.arrayBuffer()));
    expect(Object.keys(book)).toEqual(['总体指标', '各乡镇', '各单位', '各网格', '表1 平台数据']);
    const figures = byId(book['总体指标']!).get('county')!;
    expect(figures['名称']).toBe('全县');
    expect(figuresOf(figures, pyNum)).toEqual(pick(api.figures));
    expect(figures['渠道：工作人员上报']).toBe(api.figures.channels.staff);
    for (const [sheet, map] of [
      ['各乡镇', api.towns!],
      ['各单位', api.units],
      ['各网格', api.grids],
    ] as const) {
      const rows = byId(book[sheet]!);
      expect([...rows.keys()]).toEqual(Object.keys(map));
      for (const [id, f] of Object.entries(map)) expect({ sheet, id, f: figuresOf(rows.get(id)!, pyNum) }).toEqual({ sheet, id, f: pick(f) });
    }
    expect(Object.keys(api.grids).length).toBeGreaterThan(100);
    // Issue 17: 各单位 credits each unit's 协办 with /api/stats's figures (the demo's helper cases of town 01).
    const unitRows = byId(book['各单位']!);
    for (const [id, f] of Object.entries(api.units)) {
      const row = unitRows.get(id)!;
      expect({ id, a: ASSIST_COLUMNS.map((c) => pyNum(row[c.label] ?? null)) }).toEqual({ id, a: ASSIST_COLUMNS.map((c) => f[c.key]) });
    }
    const helped = Object.entries(api.units).filter(([, f]) => f.assists > 0);
    expect(helped.length).toBeGreaterThanOrEqual(3);
    expect(helped.reduce((n, [, f]) => n + f.assistsConfirmed, 0)).toBeGreaterThanOrEqual(3);
    expect(helped.reduce((n, [, f]) => n + f.assistsOpen, 0)).toBeGreaterThanOrEqual(1);
    expect(unitRows.get('u015')!['协办未完成']).toBe(1);
    const t1 = book['表1 平台数据']!.slice(1);
    expect(t1.map((row) => [row[0], row[2] ?? null, row[3]])).toEqual(api.table1!.map((x) => [x.label, x.value, x.seed]));
    // Issue 15: the export is in the audit log, with what was exported.
    expect(server.store.auditEntries({ action: 'export', actor: 'county', limit: 1 })[0]).toMatchObject({
      target: 'stats.xlsx',
      detail: { scope: 'county', params: { scope: 'county', from: '2026-01-01', to: '2026-11-20' } },
    });
  });

  it('stats.csv: a byte order mark, CRLF lines, the same numbers; one table per file', async () => {
    const q = 'scope=t01&from=2026-10-01&to=2026-10-31';
    const api = await stats(q, 'town01');
    const r = await get(`/api/exports/stats.csv?${q}&table=grids`, 'town01');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await r.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '')).not.toMatch(/\n/);
    const [header, ...rows] = parseCsv(text);
    expect(header!.slice(0, 3)).toEqual(['编号', '名称', '案件数']);
    expect(rows.map((x) => x[0])).toEqual(Object.keys(api.grids));
    for (const row of rows) {
      const named = Object.fromEntries(header!.map((h, i) => [h, row[i]!]));
      expect(figuresOf(named, csvNum)).toEqual(pick(api.grids[row[0]!]!));
    }
    // The default table: the scope's own figures.
    const fig = parseCsv((await (await get(`/api/exports/stats.csv?${q}`, 'town01')).text()).replace(/^\uFEFF/, ''));
    expect(figuresOf(Object.fromEntries(fig[0]!.map((h, i) => [h, fig[1]![i]!])), csvNum)).toEqual(pick(api.figures));
    // A town has no towns table and no Table 1.
    expect((await get(`/api/exports/stats.csv?${q}&table=towns`, 'town01')).status).toBe(400);
    expect((await get(`/api/exports/stats.csv?${q}&table=table1`, 'town01')).status).toBe(400);
  });
});

describe('exports of cases', () => {
  it('cases.geojson holds exactly the cases /api/stats counts, with the same filters as the list', async () => {
    const q = 'from=2026-01-01&to=2026-11-20';
    const county = await stats(`scope=county&${q}`);
    const r = await get(`/api/exports/cases.geojson?scope=county&${q}`, 'county');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/geo+json; charset=utf-8');
    const fc = (await r.json()) as { type: string; features: Array<{ type: string; geometry: { type: string; coordinates: [number, number] }; properties: Record<string, unknown> }> };
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(county.figures.cases);
    for (const f of fc.features.slice(0, 50)) {
      expect(f.type).toBe('Feature');
      expect(f.geometry.type).toBe('Point');
      const [lng, lat] = f.geometry.coordinates;
      expect(lng).toBeGreaterThan(115);
      expect(lat).toBeLessThan(50);
      expect(Object.keys(f.properties)).toEqual(['id', 'reportedAt', 'category', 'town', 'village', 'grid', 'address', 'status', 'unit', 'due', 'closedAt', 'satisfaction']);
      expect(f.properties.reportedAt).toMatch(/^2026-\d{2}-\d{2} \d{2}:\d{2}$/);
    }
    // Newest first.
    const times = fc.features.map((f) => f.properties.reportedAt as string);
    expect([...times].sort().reverse()).toEqual(times);
    // A grid filter counts what the grid's own 考核 counts; a town scope what the town's does.
    const gridId = Object.keys(county.grids)[0]!;
    const grid = await stats(`scope=${gridId}&${q}`);
    const byGrid = (await (await get(`/api/exports/cases.geojson?scope=county&grid=${gridId}&${q}`, 'county')).json()) as typeof fc;
    expect(byGrid.features).toHaveLength(grid.figures.cases);
    const town = (await (await get(`/api/exports/cases.geojson?scope=t01&${q}`, 'town01')).json()) as typeof fc;
    expect(town.features).toHaveLength(county.towns!.t01!.cases);
    // Status: the completed cases are the verified and closed ones.
    const done = (await (await get(`/api/exports/cases.geojson?scope=county&status=verified,closed&${q}`, 'county')).json()) as typeof fc;
    expect(done.features).toHaveLength(county.figures.completed);
    expect(new Set(done.features.map((f) => f.properties.status))).toEqual(new Set(['已核实', '已结案']));
    // Category: a major code takes its subcategories.
    const major = ref.categories[0]!.code;
    const cat = (await (await get(`/api/exports/cases.geojson?scope=county&category=${major}&${q}`, 'county')).json()) as typeof fc;
    const majorName = ref.categories[0]!.name;
    expect(cat.features.length).toBeGreaterThan(0);
    expect(cat.features.every((f) => (f.properties.category as string).startsWith(majorName))).toBe(true);
  });

  it('cases.csv and cases.xlsx: one row per case, the same count; a value starting with "=" is escaped, never a formula', async () => {
    const g = ref.grids.find((x) => x.id === 'g0001')!;
    const sub = ref.subcategories[0]!;
    const address = '=HYPERLINK("http://example.invalid/x","点我")';
    const report = await fetch(`${server.url}/api/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token('w0001')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ category: sub.code, description: '@SUM(1,2) 测试', location: { lat: g.center[1], lng: g.center[0] }, gridId: g.id, address }),
    });
    expect(report.status).toBe(201);
    const id = ((await report.json()) as { id: string }).id;
    const q = `scope=${g.id}&from=2026-11-01&to=2026-11-20`;
    const api = await stats(q, 'w0001');

    const csv = await get(`/api/exports/cases.csv?${q}`, 'w0001');
    expect(csv.status).toBe(200);
    const text = (await csv.text()).replace(/^\uFEFF/, '');
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual(['案件编号', '上报时间', '类别', '乡镇', '村（社区）', '网格', '地址', '状态', '承办单位', '办理时限', '结案时间', '满意度']);
    expect(rows).toHaveLength(api.figures.cases);
    const mine = rows.find((x) => x[0] === id)!;
    expect(mine[6]).toBe(`'${address}`);
    expect(mine[7]).toBe('已上报');
    expect(mine[1]).toBe('2026-11-20 10:00');
    // No personal data: neither the description nor the reporter.
    expect(text).not.toContain('测试');

    const xlsx = await get(`/api/exports/cases.xlsx?${q}`, 'w0001');
    expect(xlsx.status).toBe(200);
    const sheet = readXlsx(Buffer.from(await xlsx.arrayBuffer()))['案件']!;
    expect(sheet).toHaveLength(rows.length + 1);
    const cell = sheet.find((x) => x[0] === id)![6];
    expect(cell).toBe(`'${address}`);
    expect(sheet.flat().some((c) => c !== null && typeof c === 'object')).toBe(false);

    const geo = (await (await get(`/api/exports/cases.geojson?${q}`, 'w0001')).json()) as { features: Array<{ id: string; properties: Record<string, unknown> }> };
    expect(geo.features.find((f) => f.id === id)!.properties.address).toBe(`'${address}`);
  });

  it('refuses more rows than the cap with 413', async () => {
    const before = EXPORT_LIMITS.maxRows;
    EXPORT_LIMITS.maxRows = 3;
    try {
      const r = await get('/api/exports/cases.csv?scope=county', 'county');
      expect(r.status).toBe(413);
      expect(await r.json()).toEqual({ error: 'too_large', maxRows: 3 });
    } finally {
      EXPORT_LIMITS.maxRows = before;
    }
  });
});

describe('export refusals', () => {
  it('refuses scopes as /api/stats does: 403 out of scope, 401 without a token', async () => {
    for (const file of ['stats.xlsx', 'stats.csv', 'cases.xlsx', 'cases.csv', 'cases.geojson']) {
      expect({ file, s: (await get(`/api/exports/${file}?scope=t02`, 'town01')).status }).toEqual({ file, s: 403 });
      expect({ file, s: (await get(`/api/exports/${file}?scope=county`, 'w0001')).status }).toEqual({ file, s: 403 });
      expect({ file, s: (await get(`/api/exports/${file}`, 'w0001')).status }).toEqual({ file, s: 403 });
      expect({ file, s: (await get(`/api/exports/${file}?scope=g0002`, 'w0001')).status }).toEqual({ file, s: 403 });
      expect({ file, s: (await get(`/api/exports/${file}`, null)).status }).toEqual({ file, s: 401 });
      expect({ file, s: (await get(`/api/stats?scope=t02`, 'town01')).status }).toEqual({ file, s: 403 });
    }
    // The town's own grid, from its center: allowed.
    expect((await get('/api/exports/cases.csv?scope=t01&grid=g0001', 'town01')).status).toBe(200);
  });

  it('answers 400 bad_request to bad parameters', async () => {
    const bad = [
      'stats.xlsx?scope=nowhere',
      'stats.xlsx?from=2026-13-01',
      'stats.xlsx?from=2026-11-20&to=2026-11-01',
      'stats.xlsx?scope=county&scope=t01',
      'stats.xlsx?table=grids',
      'stats.csv?table=bogus',
      'cases.csv?status=bogus',
      'cases.csv?status=closed,',
      'cases.csv?category=1',
      'cases.csv?grid=nowhere',
      'cases.geojson?limit=5',
    ];
    for (const b of bad) {
      const r = await get(`/api/exports/${b}`, 'county');
      expect({ b, s: r.status, body: await r.json() }).toEqual({ b, s: 400, body: { error: 'bad_request' } });
    }
    expect((await get('/api/exports/other.csv', 'county')).status).toBe(404);
    const post = await fetch(`${server.url}/api/exports/cases.csv`, { method: 'POST', headers: { authorization: `Bearer ${await token('county')}` } });
    expect(post.status).toBe(405);
  });

  it('is described in /api/openapi.json', async () => {
    const doc = (await (await get('/api/openapi.json', null)).json()) as { paths: Record<string, { get: { parameters: Array<{ name: string }> } }> };
    expect(doc.paths['/api/exports/{file}']!.get.parameters.map((p) => p.name)).toEqual(['file', 'scope', 'from', 'to', 'table', 'grid', 'status', 'category']);
  });
});
