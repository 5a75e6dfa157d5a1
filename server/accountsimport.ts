/**
 * Issue 15: bulk import and export of staff accounts as a sheet (.xlsx or CSV). The sheet's format and rules are
 * the domain's (src/domain/staffsheet.ts); who may manage whom is accounts.ts's (a town center: its own town's
 * staff; an administrator: all). Routes (wired in http.ts before /api/accounts/<id>; errors are {"error":"<code>"};
 * 401 without a valid token, 403 for anyone but an administrator or a town center):
 *
 *   GET  /api/accounts/template.xlsx   sheet 账号: the header and one example row per role the caller may give,
 *        at places of the caller's scope; sheet 说明: what each column holds, the rules and limits, and every town,
 *        village, grid and unit of the caller's scope by id and name.
 *   GET  /api/accounts/export.xlsx | export.csv   the staff the caller may manage, in the same columns (places by
 *        name; by id where a name would not find the place again), formula-injection safe (exports.ts), audited
 *        as an `export`. Re-imports (with new usernames) as it is.
 *   POST /api/accounts/import[?dryRun=1]   body: the file itself, Content-Type
 *        application/vnd.openxmlformats-officedocument.spreadsheetml.sheet or text/csv (UTF-8, with or without
 *        byte order mark; a file that is not UTF-8 is read as GB18030, what Excel in Chinese saves as "CSV").
 *        -> 422 {"error":"invalid_sheet","problems":[{row,column,code,message}...]} listing EVERY problem, nothing
 *           imported; 400 unreadable (not a spreadsheet, a broken CSV quote); 413 too_large (> maxBytes, or an
 *           .xlsx that would unpack past maxUnpackedBytes); 415 unsupported_media_type;
 *           409 busy (another import is being written: try again) | invalid_sheet (a username was taken while
 *           the passwords were hashed; nothing imported).
 *        -> dryRun: 200 {"ok":true,"rows":n,"roles":{role:n}}: the sheet is clean, nothing written.
 *        -> 201: every row created in ONE store transaction, each with a temporary password that must be changed
 *           at first sign-in; all of them put in the org doc's directory in one update; ONE audit entry
 *           `account.imported` {rows, roles, format}. The answer holds the temporary passwords, once: with
 *           `Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet` an .xlsx (sheet 临时密码:
 *           用户名, 姓名, 角色, 临时密码) as an attachment, otherwise JSON {"created":n,"accounts":[{username,
 *           temporaryPassword}...]}. Never stored in clear, never logged. `Server-Timing` says how long the check,
 *           the hashing and the commit took.
 *
 * Cost: each temporary password is hashed with scrypt (auth.ts, N=16384: about 50 ms of one core each), in batches
 * of IMPORT_LIMITS.hashBatch at a time so the libuv threadpool works on them in parallel while sign-ins still get a
 * turn between batches. Imports run one at a time. 3,000 rows take over a minute at the production cost: a reverse
 * proxy in front of the relay must allow it (nginx: proxy_read_timeout); a client that leaves (or a proxy that gives
 * up) before the commit leaves nothing imported.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mayManageAccount, rolesManagedBy, STAFF_ROLES, type StaffRole } from '../src/domain/accounts.ts';
import { toCsv, type Cell, type Column } from '../src/domain/exports.ts';
import type { UserInfo } from '../src/domain/org.ts';
import { cstDay } from '../src/domain/period.ts';
import { checkSheet, MAX_SHEET_BYTES, PlaceFinder, ROLE_LABELS, SHEET_COLUMNS, sheetRules, staffRow, parseCsv, type SheetAccount } from '../src/domain/staffsheet.ts';
import { temporaryPassword } from './accountshttp.ts';
import { clientAddress } from './audit.ts';
import { hashPassword, TEMPORARY_COST } from './auth.ts';
import { contentDisposition, xlsx } from './exports.ts';
import { publicUser, type HttpContext } from './http.ts';
import { answer, bearerUser, readBytes, refuse, sendJson } from './httpio.ts';
import type { StoredUser } from './store.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV = 'text/csv; charset=utf-8';

/**
 * Limits and the hashing cost of the temporary passwords: auth.ts TEMPORARY_COST (random 49-bit secrets need no
 * key stretching; 3,000 hash in seconds). Integration tests lower it further (as exports' tests lower
 * EXPORT_LIMITS.maxRows) so the test can also verify all 3,000; the relay never changes it.
 */
export const IMPORT_LIMITS: { maxBytes: number; maxUnpackedBytes: number; hashBatch: number; hashCost: { N: number; r: number; p: number } } = {
  maxBytes: MAX_SHEET_BYTES,
  maxUnpackedBytes: 100 * 1024 * 1024,
  hashBatch: 16,
  hashCost: TEMPORARY_COST,
};


async function manager(req: IncomingMessage, ctx: HttpContext): Promise<UserInfo> {
  const u = await bearerUser(req, ctx);
  if (!u) throw refuse(401, 'unauthorized');
  if (u.role !== 'admin' && u.role !== 'town') throw refuse(403, 'forbidden');
  return u;
}

const textColumns = (labels: readonly string[]): Column[] => labels.map((label) => ({ label, labelEn: label, kind: 'text' }));
const SHEET_LABELS = SHEET_COLUMNS.map((c) => c.label);

function sendFile(res: ServerResponse, contentType: string, name: { ascii: string; chinese: string }, body: Buffer, status = 200): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Disposition', contentDisposition(name));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Length', body.length);
  res.end(body);
}

/** The places of the caller's scope: all of them for an administrator, its town's for a town center. */
function scopePlaces(ctx: HttpContext, me: UserInfo) {
  const data = ctx.org().data;
  const inTown = (t: string | undefined) => me.role === 'admin' || t === me.townId;
  return {
    towns: data.towns.filter((t) => inTown(t.id)),
    villages: data.villages.filter((v) => inTown(v.townId)),
    grids: data.grids.filter((g) => inTown(g.townId)),
    units: data.units.filter((u) => (me.role === 'admin' ? true : u.townId === me.townId)),
  };
}

const scopeNames = (ctx: HttpContext, me: UserInfo) => {
  const town = me.role === 'town' ? ctx.org().data.towns.find((t) => t.id === me.townId) : undefined;
  return { ascii: me.role === 'town' ? me.townId! : 'county', chinese: town ? town.name : '全县' };
};

// ------------------------------------------------------------------ template

const EXAMPLE_NAMES: Record<StaffRole, string> = {
  admin: '王管理',
  county: '李指挥',
  town: '赵中心',
  unit: '钱部门',
  worker: '孙网格',
  secretary: '周书记',
  trainer: '吴培训',
  member: '郑党员',
};

/** GET /api/accounts/template.xlsx | export.xlsx | export.csv (http.ts routes only these three here). */
export async function staffSheet(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, [file]: string[]): Promise<void> {
  return file === 'template.xlsx' ? staffTemplate(req, res, ctx) : staffExport(req, res, ctx, file === 'export.csv' ? 'csv' : 'xlsx');
}

async function staffTemplate(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  return answer(res, async () => {
    const me = await manager(req, ctx);
    const places = scopePlaces(ctx, me);
    const finder = new PlaceFinder(ctx.org().data);
    const town = places.towns[0];
    const village = places.villages.find((v) => v.townId === town?.id) ?? places.villages[0];
    const grid = places.grids.find((g) => g.villageId === village?.id) ?? places.grids[0];
    const unit = places.units[0];
    const examples: Cell[][] = [];
    for (const role of rolesManagedBy(me)) {
      const at =
        role === 'town' || role === 'trainer' ? (town ? { townId: town.id } : null)
        : role === 'secretary' ? (village ? { villageId: village.id, townId: village.townId } : null)
        : role === 'worker' || role === 'member' ? (grid ? { gridId: grid.id, villageId: grid.villageId, townId: grid.townId } : null)
        : role === 'unit' ? (unit ? { unitId: unit.id, ...(unit.townId ? { townId: unit.townId } : {}) } : null)
        : {};
      if (at) examples.push(staffRow({ username: `example.${role}`, name: EXAMPLE_NAMES[role], role, phone: '13800000000', ...at }, finder));
    }
    const help: Cell[][] = [
      ['列', '说明', '', '', ''],
      ...SHEET_COLUMNS.map((c): Cell[] => [c.label, c.help, '', '', '']),
      ['', '', '', '', ''],
      ...sheetRules({ town: me.role === 'town', maxBytes: IMPORT_LIMITS.maxBytes }).map((rule, i): Cell[] => [i === 0 ? '规则' : '', rule, '', '', '']),
      ['', '', '', '', ''],
      ['类型', '编号', '名称', '所属乡镇', '所属村'],
      ...places.towns.map((t): Cell[] => ['乡镇', t.id, t.name, '', '']),
      ...places.villages.map((v): Cell[] => ['村', v.id, v.name, finder.name('town', v.townId), '']),
      ...places.grids.map((g): Cell[] => ['网格', g.id, g.name, finder.name('town', g.townId), finder.name('village', g.villageId)]),
      ...places.units.map((u): Cell[] => ['单位', u.id, u.name, u.townId ? finder.name('town', u.townId) : '（县级）', '']),
    ];
    const body = await xlsx([
      { name: '账号', columns: textColumns(SHEET_LABELS), rows: examples },
      { name: '说明', columns: textColumns(['列', '说明', '', '', '']), rows: help.slice(1) },
    ]);
    sendFile(res, XLSX, { ascii: 'gridlink-staff-template.xlsx', chinese: '账号导入模板.xlsx' }, body);
  });
}

// ------------------------------------------------------------------ export

async function staffExport(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, ext: 'xlsx' | 'csv'): Promise<void> {
  return answer(res, async () => {
    const me = await manager(req, ctx);
    const { users } = ctx.store.listUsers({ ...(me.role === 'town' ? { townId: me.townId! } : {}), limit: 1_000_000, offset: 0 });
    const shown = users.filter((u) => mayManageAccount(me, u));
    const finder = new PlaceFinder(ctx.org().data);
    const rows = shown.map((u) => staffRow(u, finder));
    const scope = scopeNames(ctx, me);
    const day = cstDay(ctx.now());
    const name = { ascii: `gridlink-staff-${scope.ascii}-${day}.${ext}`, chinese: `账号-${scope.chinese}-${day}.${ext}` };
    const body = ext === 'xlsx' ? await xlsx([{ name: '账号', columns: textColumns(SHEET_LABELS), rows }]) : Buffer.from(toCsv(SHEET_LABELS, rows), 'utf8');
    ctx.audit.record({ actor: me.id, action: 'export', target: `accounts.${ext}`, ip: clientAddress(req), detail: { scope: scope.ascii, rows: rows.length } });
    sendFile(res, ext === 'xlsx' ? XLSX : CSV, name, body);
  });
}

// ------------------------------------------------------------------ import


/**
 * What the entries of a zip file declare they unpack to (its central directory), or null when it is not a zip
 * this can read (ZIP64 included: no staff sheet needs one). Refuses a "zip bomb" before exceljs inflates it.
 */
export function zipUnpackedSize(buf: Buffer): number | null {
  const min = Math.max(0, buf.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const entries = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== 0x02014b50) return null;
    const size = buf.readUInt32LE(at + 24);
    if (size === 0xffffffff) return null;
    total += size;
    at += 46 + buf.readUInt16LE(at + 28) + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return total;
}

/** An exceljs cell value as the text the sheet shows (rich text joined, a formula's cached result, a date's day). */
function cellValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as { richText?: Array<{ text: string }>; text?: unknown; result?: unknown; error?: unknown };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if ('result' in o) return cellValue(o.result);
    if ('text' in o) return cellValue(o.text);
  }
  return '';
}

async function xlsxRows(buf: Buffer): Promise<string[][]> {
  const unpacked = zipUnpackedSize(buf);
  if (unpacked === null) throw refuse(400, 'unreadable');
  if (unpacked > IMPORT_LIMITS.maxUnpackedBytes) throw refuse(413, 'too_large');
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    throw refuse(400, 'unreadable');
  }
  const ws = wb.getWorksheet('账号') ?? wb.worksheets[0];
  if (!ws) return [];
  const rows: string[][] = [];
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      cells[col - 1] = cellValue(cell.value);
    });
    rows[n - 1] = Array.from(cells, (c) => c ?? '');
  });
  return Array.from(rows, (r) => r ?? []);
}

function csvRows(buf: Buffer): string[][] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    // Excel in Chinese saves "CSV" in the ANSI code page: GBK, of which GB18030 is the superset.
    text = new TextDecoder('gb18030').decode(buf);
  }
  const rows = parseCsv(text);
  if (!rows) throw refuse(400, 'unreadable');
  return rows;
}

/** One import at a time: two would hash against each other and could race for the same usernames. */
let importing = false;
/** Whether an import is being hashed or written (tests). */
export const importBusy = (): boolean => importing;

export async function importStaff(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  return answer(res, async () => {
    const me = await manager(req, ctx);
    const q = new URL(req.url ?? '/', 'http://relay').searchParams;
    const dryRun = q.get('dryRun') === '1' || q.get('dryRun') === 'true';
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const format = type === XLSX ? 'xlsx' : type === 'text/csv' ? 'csv' : null;
    if (!format) throw refuse(415, 'unsupported_media_type');
    const buf = await readBytes(req, IMPORT_LIMITS.maxBytes);
    if (!buf) throw refuse(413, 'too_large', { maxBytes: IMPORT_LIMITS.maxBytes });

    const t0 = performance.now();
    const rows = format === 'xlsx' ? await xlsxRows(buf) : csvRows(buf);
    const org = ctx.org();
    const taken = (u: string) => Boolean(ctx.store.userByName(u) ?? ctx.store.userById(u));
    const { accounts, problems } = checkSheet(rows, { org: { ...org.data, townIds: org.townIds }, manager: me, taken });
    const checkMs = performance.now() - t0;
    if (problems.length) throw refuse(422, 'invalid_sheet', { problems });
    const roles = countRoles(accounts);
    if (dryRun) return sendJson(res, 200, { ok: true, rows: accounts.length, roles });

    if (importing) throw refuse(409, 'busy');
    importing = true;
    // The temporary passwords exist only in the answer: when the client (or a proxy that timed out) has gone
    // before the commit, nothing is written, so nobody is left with accounts whose passwords no one saw.
    let gone = false;
    const onClose = () => {
      if (!res.writableFinished) gone = true;
    };
    res.on('close', onClose);
    try {
      const t1 = performance.now();
      const passwords = accounts.map(() => temporaryPassword());
      const hashes: string[] = [];
      for (let i = 0; i < passwords.length && !gone; i += IMPORT_LIMITS.hashBatch) {
        const batch = passwords.slice(i, i + IMPORT_LIMITS.hashBatch);
        hashes.push(...(await Promise.all(batch.map((p) => hashPassword(p, IMPORT_LIMITS.hashCost)))));
      }
      const hashMs = performance.now() - t1;
      if (gone) {
        ctx.log.warn(`import by ${me.id}: the client left before the ${accounts.length} accounts were written; nothing imported`);
        return;
      }

      const t2 = performance.now();
      // A username may have been taken (POST /api/accounts) while the passwords were hashed: checked again right
      // before the one transaction (synchronous from here to the insert: nothing can come in between).
      const lost = accounts.filter((a) => taken(a.username));
      if (lost.length) {
        throw refuse(409, 'invalid_sheet', {
          problems: lost.map((a) => ({ row: a.row, column: '用户名', code: 'taken', message: `用户名“${a.username}”已被现有账号使用` })),
        });
      }
      const created: StoredUser[] = accounts.map((a, i) => ({
        id: a.username,
        username: a.username,
        name: a.name,
        role: a.role,
        ...a.scope,
        ...(a.phone ? { phone: a.phone } : {}),
        passwordHash: hashes[i]!,
        mustChange: true,
      }));
      ctx.store.insertUsers(created);
      const verdict = await ctx.relay.putOrgUsers(created.map(publicUser), me);
      if (!verdict.ok) ctx.log.error(`import: the org directory refused the imported accounts: ${verdict.code} ${verdict.detail}`);
      const commitMs = performance.now() - t2;
      ctx.audit.record({ actor: me.id, action: 'account.imported', ip: clientAddress(req), detail: { rows: created.length, roles, format } });
      ctx.log.info(`import by ${me.id}: ${created.length} accounts; check ${checkMs.toFixed(0)} ms, hash ${hashMs.toFixed(0)} ms, commit ${commitMs.toFixed(0)} ms`);
      res.setHeader('Server-Timing', `check;dur=${checkMs.toFixed(1)}, hash;dur=${hashMs.toFixed(1)}, commit;dur=${commitMs.toFixed(1)}`);

      if ((req.headers.accept ?? '').includes(XLSX)) {
        const body = await xlsx([
          {
            name: '临时密码',
            columns: textColumns(['用户名', '姓名', '角色', '临时密码']),
            rows: created.map((u, i) => [u.username, u.name, ROLE_LABELS[u.role as StaffRole], passwords[i]!]),
          },
        ]);
        const day = cstDay(ctx.now());
        return sendFile(res, XLSX, { ascii: `gridlink-staff-passwords-${day}.xlsx`, chinese: `新账号临时密码-${day}.xlsx` }, body, 201);
      }
      sendJson(res, 201, { created: created.length, accounts: created.map((u, i) => ({ username: u.username, temporaryPassword: passwords[i] })) });
    } finally {
      importing = false;
      res.off('close', onClose);
    }
  });
}

function countRoles(accounts: readonly SheetAccount[]): Partial<Record<StaffRole, number>> {
  const out: Partial<Record<StaffRole, number>> = {};
  for (const r of STAFF_ROLES) {
    const n = accounts.filter((a) => a.role === r).length;
    if (n) out[r] = n;
  }
  return out;
}
