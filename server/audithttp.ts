/**
 * Issue 15: the audit log as a CSV file, for administrators (the log itself: audit.ts; the JSON page of it,
 * GET /api/audit: accountshttp.ts).
 *
 *   GET /api/audit.csv?actor=&action=&target=&from=&to=
 *     The same filters as GET /api/audit (actor: an account id; action: an action or a prefix ending in '.', e.g.
 *     `account.`; target; from/to: ms since the epoch, [from, to)), newest first, every matching entry.
 *     200: text/csv, UTF-8 with a byte order mark, CRLF lines, `Content-Disposition: attachment`, no-store;
 *       columns domain AUDIT_CSV_HEADER (time in China Standard Time, people and places named from the org
 *       directory, the detail in words); text cells starting with = + - @, tab or CR are escaped (domain toCsv),
 *       since a failed sign-in records whatever username was typed.
 *     400 bad_request (a malformed number, an unknown or repeated parameter: a typo must not widen the file);
 *     401 unauthorized; 403 forbidden (not an administrator); 413 too_large with `maxRows` when more than
 *     EXPORT_LIMITS.maxRows entries match (narrow the period).
 *   The export is itself recorded: action `export`, target `audit.csv`, detail {filter, rows}.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AUDIT_CSV_HEADER, auditCsvRow, auditNames, cstSecond } from '../src/domain/auditlog.ts';
import { ROLE_NAMES_ZH } from '../src/domain/org.ts';
import { toCsv } from '../src/domain/exports.ts';
import { clientAddress } from './audit.ts';
import { contentDisposition, EXPORT_LIMITS } from './exports.ts';
import type { HttpContext } from './http.ts';
import { bearerUser, sendJson } from './httpio.ts';
import type { AuditFilter } from './store.ts';

const PARAMS = ['actor', 'action', 'target', 'from', 'to'] as const;
/** GET /api/audit also pages: `before` (the `next` of the previous page) and `limit`. */
const PAGE_PARAMS = [...PARAMS, 'before', 'limit'] as const;
const PAGE_MAX = 500;

/**
 * The filter the query asks for, or null when it is malformed: an unknown or repeated parameter (a typo must not
 * silently widen what is read), text over 100 characters, a time that is not a whole number of ms.
 */
function filterOf(q: URLSearchParams, allowed: readonly string[] = PARAMS): Omit<AuditFilter, 'limit'> | null {
  const keys = [...q.keys()];
  if (!keys.every((k) => allowed.includes(k)) || new Set(keys).size !== keys.length) return null;
  const f: Omit<AuditFilter, 'limit'> = {};
  for (const k of ['actor', 'action', 'target'] as const) {
    const s = q.get(k);
    if (s === null || s === '') continue;
    if (s.length > 100) return null;
    f[k] = s;
  }
  for (const [k, into] of [
    ['from', 'fromMs'],
    ['to', 'toMs'],
  ] as const) {
    const raw = q.get(k);
    if (raw === null || raw === '') continue;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 0) return null;
    f[into] = n;
  }
  return f;
}

/** GET /api/audit (admin): a page of entries, newest first, and `next` when there are older ones. Recorded as read. */
export async function readAudit(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const me = await bearerUser(req, ctx);
  if (!me) return sendJson(res, 401, { error: 'unauthorized' });
  if (me.role !== 'admin') return sendJson(res, 403, { error: 'forbidden' });
  const q = new URL(req.url ?? '/', 'http://relay').searchParams;
  const filter = filterOf(q, PAGE_PARAMS);
  const num = (k: string): number | null | undefined => {
    const raw = q.get(k);
    if (raw === null || raw === '') return undefined;
    const n = Number(raw);
    return Number.isSafeInteger(n) && n >= 0 ? n : null;
  };
  const before = num('before');
  const limit = num('limit');
  if (!filter || before === null || limit === null) return sendJson(res, 400, { error: 'bad_request' });
  const size = Math.min(limit ?? 100, PAGE_MAX);
  const rows = ctx.audit.entries({ ...filter, ...(before !== undefined ? { beforeSeq: before } : {}), limit: size + 1 });
  const entries = rows.slice(0, size);
  ctx.audit.record({ actor: me.id, action: 'audit.read', ip: clientAddress(req), detail: { filter: { ...filter, ...(before !== undefined ? { beforeSeq: before } : {}), limit: size } } });
  sendJson(res, 200, { entries, ...(rows.length > size ? { next: entries[entries.length - 1]!.seq } : {}) });
}

export async function auditCsv(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const me = await bearerUser(req, ctx);
  if (!me) return sendJson(res, 401, { error: 'unauthorized' });
  if (me.role !== 'admin') return sendJson(res, 403, { error: 'forbidden' });
  const filter = filterOf(new URL(req.url ?? '/', 'http://relay').searchParams);
  if (!filter) return sendJson(res, 400, { error: 'bad_request' });
  const max = EXPORT_LIMITS.maxRows;
  const entries = ctx.audit.entries({ ...filter, limit: max + 1 });
  if (entries.length > max) return sendJson(res, 413, { error: 'too_large', maxRows: max });
  const names = auditNames(ctx.org().data, (r) => ROLE_NAMES_ZH[r] ?? r);
  const body = Buffer.from(toCsv(AUDIT_CSV_HEADER, entries.map((e) => auditCsvRow(e, names))), 'utf8');
  ctx.audit.record({ actor: me.id, action: 'export', target: 'audit.csv', ip: clientAddress(req), detail: { filter, rows: entries.length } });
  const day = cstSecond(ctx.now()).slice(0, 10);
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', contentDisposition({ ascii: `gridlink-audit-${day}.csv`, chinese: `审计日志-${day}.csv` }));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Length', body.length);
  res.end(body);
}
