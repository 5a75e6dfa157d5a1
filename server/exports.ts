/**
 * Exports (issue 15), wired in http.ts. Every route takes a Bearer token and the same scope rules as GET /api/stats
 * (stats.ts: `scope`, `from`, `to`, domain `mayAssess`); the tables and rows come from src/domain/exports.ts.
 *
 *   GET /api/exports/stats.xlsx?scope=&from=&to=   the 考核 tables of the scope: one sheet each (figures; towns, for
 *       the county only; units; grids; Table 1 when the answer has it), numbers equal to /api/stats's.
 *   GET /api/exports/stats.csv?scope=&from=&to=[&table=figures|towns|units|grids|table1]   one of those tables
 *       (default figures); 400 for a table the scope does not have (towns below the county, table1).
 *   GET /api/exports/cases.xlsx|cases.csv|cases.geojson?scope=&from=&to=[&grid=<gridId>][&status=<s>[,<s>...]]
 *       [&category=<2- or 4-digit code>]   the cases of the scope reported in the period (default period: this CST
 *       year, as /api/stats), filtered as the case list filters them, newest first, one row (feature) per case
 *       (columns: domain CASE_COLUMNS; no personal data of reporters or residents). With no filter beyond scope and
 *       period, exactly the cases /api/stats's `figures.cases` counts. GeoJSON: a FeatureCollection of Points
 *       [lng, lat] with the same properties (domain CASE_PROPERTIES).
 *
 *   Answers: 200 with `Content-Disposition: attachment` (an ASCII `filename` and an RFC 5987 `filename*` in Chinese),
 *   `Cache-Control: no-store`, `X-Content-Type-Options: nosniff`; CSV is UTF-8 with a byte order mark and CRLF
 *   lines. 401 unauthorized; 400 bad_request (unknown scope, malformed period, unknown or repeated parameter, bad
 *   table, grid, status or category); 403 forbidden (a scope the user may not assess); 413 too_large with
 *   `maxRows` when an export would have more than EXPORT_LIMITS.maxRows rows (narrow the filter).
 *   Formula injection: text cells starting with = + - @, tab or CR get a leading apostrophe (domain escapeFormula).
 *
 * Each export is one function below (exportStatsXlsx ... exportCasesGeoJson) returning an ExportFile that names the
 * user, the file, the scope, the parameters and the row count; `exportRoute` records it in the audit log (issue 15)
 * and sends it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CASE_COLUMNS,
  caseRow,
  casesForExport,
  casesGeoJson,
  escapeFormula,
  MAX_EXPORT_ROWS,
  orgNames,
  STATS_TABLES,
  statsTables,
  toCsv,
  type Cell,
  type Column,
  type ExportTable,
  type StatsTableKey,
} from '../src/domain/exports.ts';
import type { UserInfo } from '../src/domain/org.ts';
import { cstDay } from '../src/domain/period.ts';
import { STATUSES, type Status } from '../src/domain/workflow.ts';
import type { HttpContext } from './http.ts';
import { bearerUser, sendJson } from './httpio.ts';
import { clientAddress } from './audit.ts';
import { isRefusal, scopeCases, statsAnswer, statsQuery, type FoldedDoc, type Refusal, type StatsQuery } from './stats.ts';

/** The row cap (a test lowers it; the relay runs with the domain's MAX_EXPORT_ROWS). */
export const EXPORT_LIMITS = { maxRows: MAX_EXPORT_ROWS };

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV = 'text/csv; charset=utf-8';
const GEOJSON = 'application/geo+json; charset=utf-8';

/** What an export produced: the file and what an audit record of it needs. */
export interface ExportFile {
  user: UserInfo;
  /** The route's file: stats.xlsx, stats.csv, cases.xlsx, cases.csv or cases.geojson. */
  kind: string;
  scope: string;
  period: { from: string; to: string };
  /** The request's parameters as given. */
  params: Record<string, string>;
  rows: number;
  filename: { ascii: string; chinese: string };
  contentType: string;
  body: Buffer;
}

type Outcome = ExportFile | Refusal | { status: 413; error: 'too_large' };

const STATS_PARAMS = ['scope', 'from', 'to'];
const CASES_PARAMS = ['scope', 'from', 'to', 'grid', 'status', 'category'];

/** Each parameter at most once, none unknown: a typo is a 400, not a silently wider export. */
function paramsOk(q: URLSearchParams, allowed: readonly string[]): boolean {
  const keys = [...q.keys()];
  return keys.every((k) => allowed.includes(k)) && new Set(keys).size === keys.length;
}

const BAD: Refusal = { status: 400, error: 'bad_request' };

/** The days of the period (its last day included) as files name them. */
function days(query: StatsQuery): { from: string; to: string } {
  return { from: cstDay(query.period.fromMs), to: cstDay(query.period.toMs - 1) };
}

function scopeName(ctx: HttpContext, query: StatsQuery): string {
  const names = orgNames(ctx.org().data);
  const s = query.scope;
  return s.kind === 'county' ? '全县' : s.kind === 'town' ? names.town(s.townId) : s.kind === 'unit' ? names.unit(s.unitId) : names.grid(s.gridId);
}

function fileNames(ctx: HttpContext, what: 'stats' | 'cases', query: StatsQuery, ext: string): ExportFile['filename'] {
  const d = days(query);
  return {
    ascii: `gridlink-${what}-${query.scopeId}-${d.from}_${d.to}.${ext}`,
    chinese: `${what === 'stats' ? '考核' : '案件'}-${scopeName(ctx, query)}-${d.from}至${d.to}.${ext}`,
  };
}

async function statsTablesOf(ctx: HttpContext, user: UserInfo, query: StatsQuery, folded: FoldedDoc): Promise<ExportTable[]> {
  const answer = await statsAnswer(ctx, user, query, folded);
  const names = orgNames(ctx.org().data);
  return statsTables(answer, { scope: scopeName(ctx, query), town: names.town, unit: names.unit, grid: names.grid });
}

function base(user: UserInfo, kind: string, query: StatsQuery, q: URLSearchParams) {
  return { user, kind, scope: query.scopeId, period: days(query), params: Object.fromEntries(q) };
}

// ------------------------------------------------------------------ one function per route

export async function exportStatsXlsx(ctx: HttpContext, user: UserInfo, q: URLSearchParams, folded: FoldedDoc): Promise<Outcome> {
  if (!paramsOk(q, STATS_PARAMS)) return BAD;
  const query = statsQuery(q, user, ctx);
  if (isRefusal(query)) return query;
  const tables = await statsTablesOf(ctx, user, query, folded);
  const body = await xlsx(tables.map((t) => ({ name: t.title, columns: t.columns, rows: t.rows })));
  return { ...base(user, 'stats.xlsx', query, q), rows: tables.reduce((n, t) => n + t.rows.length, 0), filename: fileNames(ctx, 'stats', query, 'xlsx'), contentType: XLSX, body };
}

export async function exportStatsCsv(ctx: HttpContext, user: UserInfo, q: URLSearchParams, folded: FoldedDoc): Promise<Outcome> {
  if (!paramsOk(q, [...STATS_PARAMS, 'table'])) return BAD;
  const key = (q.get('table') ?? 'figures') as StatsTableKey;
  if (!STATS_TABLES.includes(key)) return BAD;
  const query = statsQuery(q, user, ctx);
  if (isRefusal(query)) return query;
  const table = (await statsTablesOf(ctx, user, query, folded)).find((t) => t.key === key);
  // towns below the county, table1 without the county's counts: not a table of this scope.
  if (!table) return BAD;
  const body = Buffer.from(toCsv(table.columns.map((c) => c.label), table.rows), 'utf8');
  const filename = fileNames(ctx, 'stats', query, 'csv');
  filename.ascii = filename.ascii.replace(/\.csv$/, `-${key}.csv`);
  filename.chinese = filename.chinese.replace(/\.csv$/, `-${table.title}.csv`);
  return { ...base(user, 'stats.csv', query, q), rows: table.rows.length, filename, contentType: CSV, body };
}

export async function exportCasesXlsx(ctx: HttpContext, user: UserInfo, q: URLSearchParams, folded: FoldedDoc): Promise<Outcome> {
  const found = await exportedCases(ctx, user, q, folded);
  if (!('cases' in found)) return found;
  const names = orgNames(ctx.org().data);
  const body = await xlsx([{ name: '案件', columns: [...CASE_COLUMNS], rows: found.cases.map((c) => caseRow(c, names)) }]);
  return { ...base(user, 'cases.xlsx', found.query, q), rows: found.cases.length, filename: fileNames(ctx, 'cases', found.query, 'xlsx'), contentType: XLSX, body };
}

export async function exportCasesCsv(ctx: HttpContext, user: UserInfo, q: URLSearchParams, folded: FoldedDoc): Promise<Outcome> {
  const found = await exportedCases(ctx, user, q, folded);
  if (!('cases' in found)) return found;
  const names = orgNames(ctx.org().data);
  const body = Buffer.from(
    toCsv(
      CASE_COLUMNS.map((c) => c.label),
      found.cases.map((c) => caseRow(c, names)),
    ),
    'utf8',
  );
  return { ...base(user, 'cases.csv', found.query, q), rows: found.cases.length, filename: fileNames(ctx, 'cases', found.query, 'csv'), contentType: CSV, body };
}

export async function exportCasesGeoJson(ctx: HttpContext, user: UserInfo, q: URLSearchParams, folded: FoldedDoc): Promise<Outcome> {
  const found = await exportedCases(ctx, user, q, folded);
  if (!('cases' in found)) return found;
  const body = Buffer.from(JSON.stringify(casesGeoJson(found.cases, orgNames(ctx.org().data))), 'utf8');
  return { ...base(user, 'cases.geojson', found.query, q), rows: found.cases.length, filename: fileNames(ctx, 'cases', found.query, 'geojson'), contentType: GEOJSON, body };
}

const EXPORTS: Record<string, (ctx: HttpContext, user: UserInfo, q: URLSearchParams, folded: FoldedDoc) => Promise<Outcome>> = {
  'stats.xlsx': exportStatsXlsx,
  'stats.csv': exportStatsCsv,
  'cases.xlsx': exportCasesXlsx,
  'cases.csv': exportCasesCsv,
  'cases.geojson': exportCasesGeoJson,
};

/** GET /api/exports/<file> (http.ts routes only the five files of EXPORTS here). */
export async function exportRoute(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, file: string, folded: FoldedDoc): Promise<void> {
  const user = await bearerUser(req, ctx);
  if (!user) return sendJson(res, 401, { error: 'unauthorized' });
  const run = EXPORTS[file];
  if (!run) return sendJson(res, 404, { error: 'not_found' });
  const out = await run(ctx, user, new URL(req.url ?? '/', 'http://relay').searchParams, folded);
  if ('error' in out) return sendJson(res, out.status, out.status === 413 ? { error: out.error, maxRows: EXPORT_LIMITS.maxRows } : { error: out.error });
  // Issue 15: every export is in the audit log (audit.ts): who, which file, scope, period, filters and rows.
  ctx.audit.record({
    actor: user.id,
    action: 'export',
    target: out.kind,
    ip: clientAddress(req),
    detail: { scope: out.scope, period: out.period, params: out.params, rows: out.rows },
  });
  send(res, out);
}

function send(res: ServerResponse, f: ExportFile): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', f.contentType);
  res.setHeader('Content-Disposition', contentDisposition(f.filename));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Length', f.body.length);
  res.end(f.body);
}

/** `attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266, RFC 5987 `filename*`). */
export function contentDisposition(name: { ascii: string; chinese: string }): string {
  const ascii = name.ascii.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name.chinese).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

// ------------------------------------------------------------------ cases

const CATEGORY = /^\d{2}(\d{2})?$/;

async function exportedCases(
  ctx: HttpContext,
  user: UserInfo,
  q: URLSearchParams,
  folded: FoldedDoc,
): Promise<{ query: StatsQuery; cases: Awaited<ReturnType<FoldedDoc>> } | Refusal | { status: 413; error: 'too_large' }> {
  if (!paramsOk(q, CASES_PARAMS)) return BAD;
  const grid = q.get('grid');
  const status = q.get('status');
  const category = q.get('category');
  if (grid !== null && !ctx.org().index.grid(grid)) return BAD;
  const statuses = status === null ? undefined : status.split(',');
  if (statuses && !statuses.every((s) => (STATUSES as readonly string[]).includes(s))) return BAD;
  if (category !== null && !CATEGORY.test(category)) return BAD;
  const query = statsQuery(q, user, ctx);
  if (isRefusal(query)) return query;
  const all = await scopeCases(ctx, user, query, folded);
  const cases = casesForExport(all, {
    scope: query.scope,
    period: query.period,
    ...(grid !== null ? { gridId: grid } : {}),
    ...(statuses ? { statuses: statuses as Status[] } : {}),
    ...(category !== null ? { category } : {}),
  });
  if (cases.length > EXPORT_LIMITS.maxRows) return { status: 413, error: 'too_large' };
  return { query, cases };
}

// ------------------------------------------------------------------ .xlsx

const NUM_FMT: Partial<Record<Column['kind'], string>> = { rate: '0.0%', hours: '0.0' };

/**
 * A workbook of sheets, a header row each (frozen). Text is written as text (escaped: a value like "=1+1" stays the
 * string "'=1+1", never a formula); numbers as numbers, rates shown as percentages, hours with one decimal.
 * exceljs is loaded on the first export, not with the relay. Also the staff sheet's (accountsimport.ts).
 */
export async function xlsx(sheets: Array<{ name: string; columns: readonly Column[]; rows: readonly (readonly Cell[])[] }>): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Gridlink 网格通';
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = s.columns.map((c) => ({ header: c.label, width: c.kind === 'text' ? 18 : c.kind === 'time' ? 17 : 12, style: NUM_FMT[c.kind] ? { numFmt: NUM_FMT[c.kind]! } : {} }));
    ws.getRow(1).font = { bold: true };
    for (const r of s.rows) ws.addRow(r.map((c) => (typeof c === 'string' ? escapeFormula(c) : c)));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
