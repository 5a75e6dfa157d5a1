// Issue 15, bulk import of staff accounts at a real relay on port 0: a generated 3,000-row sheet with 20 seeded
// errors of different kinds is refused with exactly those 20 problems (row and column each, .xlsx and CSV alike)
// and the store unchanged; the clean sheet imports all 3,000 in one go, each account signs in with its temporary
// password and must change it; a town center cannot import a row of another town; the template and the export
// re-import cleanly; the import is one audit entry. The .xlsx files are read back with Python (tests/support/xlsx.ts).
//
// Hashing cost: production hashes each temporary password with scrypt N=16384 (auth.ts; about 50 ms of one core
// each: 3,000 take over a minute on this 2-core machine, and verifying them all again as long). The test lowers the
// cost through IMPORT_LIMITS.hashCost (N=1024, the same code path; the cost is stored in each hash, so sign-in and
// verifyPassword read it from there), which lets it verify EVERY one of the 3,000 hashes, not a sample.
import ExcelJS from 'exceljs';
import type * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBusy, IMPORT_LIMITS, zipUnpackedSize } from '../../server/accountsimport.ts';
import { verifyPassword } from '../../server/auth.ts';
import { toCsv } from '../../src/domain/exports.ts';
import { SHEET_COLUMNS } from '../../src/domain/staffsheet.ts';
import { grid, village, worker, county } from '../support/county.ts';
import { readXlsx } from '../support/xlsx.ts';
import { api, FIXTURE_ORG, login, seedFixture, startTestServer, tempDir, type TestServer } from './relay-harness.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADER = SHEET_COLUMNS.map((c) => c.label);

// The fixture county plus a second village named 一村 (in 二镇) with a grid named as 一村's: names that are
// ambiguous county-wide and unique once the town (and village) is given.
const ORG = county({
  ...FIXTURE_ORG,
  villages: [...FIXTURE_ORG.villages, village('t02v02', '一村')],
  grids: [...FIXTURE_ORG.grids, grid('g0003', 't02v02', '一村第一网格', [122.11, 41.21])],
  users: [...FIXTURE_ORG.users, worker('g0003', 't02v02', '网格员三')],
});

let server: TestServer;
let dir: { dir: string; remove(): void };
const tokens: Record<string, string> = {};
const savedCost = IMPORT_LIMITS.hashCost;

beforeAll(async () => {
  IMPORT_LIMITS.hashCost = { N: 1024, r: 8, p: 1 };
  dir = tempDir('gridlink-import-');
  await seedFixture(dir.dir, [], ORG);
  server = await startTestServer({ dataDir: dir.dir, seed: false, tokenTtl: 24 * 3600 });
  for (const u of ['admin', 'town01', 'w0001']) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  IMPORT_LIMITS.hashCost = savedCost;
  await server?.stop();
  dir?.remove();
});

type Row = string[];
type Problem = { row: number; column: string | null; code: string; message: string };

/** Clean row i (0-based data row): every staff role, places by name, by id, and by name inside a town. */
function cleanRow(i: number): Row {
  const u = `imp${String(i).padStart(5, '0')}`;
  const n = `导入${i}`;
  const phone = i % 3 === 0 ? `139${String(i).padStart(8, '0')}` : '';
  switch (i % 8) {
    case 0:
      return [u, n, '网格员', phone, '一镇', '一村', '一村第一网格', ''];
    case 1:
      return [u, n, '村书记', phone, '二镇', '一村', '', ''];
    case 2:
      return [u, n, '乡镇中心', phone, '二镇', '', '', ''];
    case 3:
      return [u, n, 'trainer', phone, 't01', '', '', ''];
    case 4:
      return [u, n, '责任单位', phone, '', '', '', '县水务局'];
    case 5:
      return [u, n, '党员', phone, '', '', 'g0002', ''];
    case 6:
      return [u, n, '县指挥中心', phone, '', '', '', ''];
    default:
      return [u, n, '网格员', phone, '二镇', '一村', 'g0003', ''];
  }
}

const ROWS = 3000;
const clean = (): Row[] => Array.from({ length: ROWS }, (_, i) => cleanRow(i));

/**
 * The 20 seeded errors: data row index -> the bad row and the one problem (column, code) it must give. Sheet row =
 * index + 2 (the header is row 1).
 */
const SEEDED: Array<{ at: number; row: (r: Row) => Row; column: string; code: string }> = [
  { at: 10, row: (r) => ['', ...r.slice(1)], column: '用户名', code: 'required' },
  { at: 111, row: (r) => ['bad name', ...r.slice(1)], column: '用户名', code: 'invalid' },
  { at: 222, row: (r) => ['imp00003', ...r.slice(1)], column: '用户名', code: 'duplicate' },
  { at: 333, row: (r) => ['W0001', ...r.slice(1)], column: '用户名', code: 'taken' },
  { at: 444, row: (r) => [r[0]!, '', ...r.slice(2)], column: '姓名', code: 'required' },
  { at: 555, row: (r) => [r[0]!, '长'.repeat(61), ...r.slice(2)], column: '姓名', code: 'too_long' },
  { at: 666, row: (r) => [r[0]!, r[1]!, '村长', ...r.slice(3)], column: '角色', code: 'invalid' },
  { at: 777, row: (r) => [r[0]!, r[1]!, '', ...r.slice(3)], column: '角色', code: 'required' },
  { at: 888, row: (r) => [...r.slice(0, 3), '1380000', ...r.slice(4)], column: '手机号', code: 'invalid' },
  { at: 999, row: (r) => [...r.slice(0, 3), 'abcdefghijk', ...r.slice(4)], column: '手机号', code: 'invalid' },
  { at: 1200, row: (r) => [r[0]!, r[1]!, '网格员', '', '', '', 'g9999', ''], column: '网格', code: 'unknown' },
  { at: 1300, row: (r) => [r[0]!, r[1]!, '网格员', '', '一镇', '一村', '', ''], column: '网格', code: 'required' },
  { at: 1400, row: (r) => [r[0]!, r[1]!, '村书记', '', '', '一村', '', ''], column: '村', code: 'ambiguous' },
  { at: 1500, row: (r) => [r[0]!, r[1]!, '村书记', '', '', '三村', '', ''], column: '村', code: 'unknown' },
  { at: 1600, row: (r) => [r[0]!, r[1]!, '村书记', '', '一镇', '二村', '', ''], column: '村', code: 'unknown' },
  { at: 1700, row: (r) => [r[0]!, r[1]!, '县指挥中心', '', '一镇', '', '', ''], column: '乡镇', code: 'not_allowed' },
  { at: 1800, row: (r) => [r[0]!, r[1]!, '网格员', '', '', '二村', 'g0001', ''], column: '村', code: 'not_allowed' },
  { at: 1900, row: (r) => [r[0]!, r[1]!, '职能部门', '', '', '', '', '不存在的局'], column: '单位', code: 'unknown' },
  { at: 2500, row: (r) => [r[0]!, r[1]!, '镇街指导中心', '', '三镇', '', '', ''], column: '乡镇', code: 'unknown' },
  { at: 2999, row: (r) => [r[0]!, r[1]!, '网格员', '', '', '', '一村第一网格', ''], column: '网格', code: 'ambiguous' },
];

function withErrors(): Row[] {
  const rows = clean();
  for (const s of SEEDED) rows[s.at] = s.row(rows[s.at]!);
  return rows;
}

async function xlsxOf(rows: Row[], header = HEADER): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('账号');
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
const csvOf = (rows: Row[], header = HEADER): Buffer => Buffer.from(toCsv(header, rows), 'utf8');

async function upload(who: string, body: Buffer, type: string, query = '', accept?: string): Promise<Response> {
  return fetch(`${server.url}/api/accounts/import${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens[who]!}`, 'content-type': type, ...(accept ? { accept } : {}) },
    body: new Uint8Array(body),
  });
}

/** Poll a condition of the relay's process (no event tells a test that an import started or stopped). */
async function until(pred: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const staffCount = () => server.store.listUsers({ limit: 1, offset: 0 }).total;
const timing = (r: Response) => Object.fromEntries((r.headers.get('server-timing') ?? '').split(', ').filter(Boolean).map((p) => [p.split(';')[0], Number(p.split('dur=')[1])]));

describe('the 3,000-row sheet', () => {
  it('with 20 seeded errors: exactly those 20 problems (row and column), .xlsx and CSV alike, nothing imported', async () => {
    const before = staffCount();
    const expected = SEEDED.map((s) => ({ row: s.at + 2, column: s.column, code: s.code })).sort((a, b) => a.row - b.row);
    for (const [type, body] of [
      [XLSX, await xlsxOf(withErrors())],
      ['text/csv', csvOf(withErrors())],
    ] as const) {
      const t0 = performance.now();
      const r = await upload('admin', body, type);
      const ms = performance.now() - t0;
      expect(r.status, type).toBe(422);
      const { error, problems } = (await r.json()) as { error: string; problems: Problem[] };
      expect(error).toBe('invalid_sheet');
      expect(problems.map((p) => ({ row: p.row, column: p.column, code: p.code }))).toEqual(expected);
      for (const p of problems) expect(p.message).toMatch(/[\u4e00-\u9fff]/);
      console.info(`import check of ${ROWS} rows (${type === XLSX ? 'xlsx' : 'csv'}, 20 problems): ${ms.toFixed(0)} ms over HTTP`);
    }
    // What the messages say for the ambiguous and duplicate rows.
    const problems = ((await (await upload('admin', csvOf(withErrors()), 'text/csv')).json()) as { problems: Problem[] }).problems;
    expect(problems.find((p) => p.row === 1402)!.message).toContain('一镇一村（t01v01）');
    expect(problems.find((p) => p.row === 1402)!.message).toContain('二镇一村（t02v02）');
    expect(problems.find((p) => p.row === 224)!.message).toContain('第 5 行');
    expect(staffCount()).toBe(before);
    expect(server.store.userByName('imp00000')).toBeUndefined();
    expect(server.store.auditEntries({ action: 'account.imported', limit: 10 })).toHaveLength(0);
  });

  it('clean: all 3,000 created in one go; each signs in with its temporary password and must change it', async () => {
    const before = staffCount();
    const sheet = await xlsxOf(clean());
    // A dry run checks and writes nothing.
    const dry = await upload('admin', csvOf(clean()), 'text/csv', '?dryRun=1');
    expect(dry.status).toBe(200);
    expect(await dry.json()).toEqual({ ok: true, rows: ROWS, roles: { county: 375, town: 375, unit: 375, worker: 750, secretary: 375, trainer: 375, member: 375 } });
    expect(staffCount()).toBe(before);

    const t0 = performance.now();
    const r = await upload('admin', sheet, XLSX);
    const ms = performance.now() - t0;
    expect(r.status).toBe(201);
    const body = (await r.json()) as { created: number; accounts: Array<{ username: string; temporaryPassword: string }> };
    console.info(`import of ${ROWS} rows (hash cost N=1024): ${ms.toFixed(0)} ms over HTTP; server timing (ms) ${JSON.stringify(timing(r))}`);
    expect(body.created).toBe(ROWS);
    expect(body.accounts.map((a) => a.username)).toEqual(clean().map((row) => row[0]));
    expect(staffCount()).toBe(before + ROWS);

    // Scope derived from the names: 一村 inside 二镇 is t02v02; 一村第一网格 inside 一镇/一村 is g0001.
    expect(server.store.userById('imp00001')).toMatchObject({ role: 'secretary', townId: 't02', villageId: 't02v02', mustChange: true });
    expect(server.store.userById('imp00000')).toMatchObject({ role: 'worker', townId: 't01', villageId: 't01v01', gridId: 'g0001', phone: '13900000000' });
    expect(server.store.userById('imp00004')).toMatchObject({ role: 'unit', unitId: 'u001' });

    // Every hash checks against its temporary password (in parallel: the threadpool); none is stored in clear.
    const t1 = performance.now();
    const checks = await Promise.all(body.accounts.map(async (a) => verifyPassword(a.temporaryPassword, server.store.userById(a.username)?.passwordHash)));
    console.info(`verifyPassword of all ${ROWS} hashes: ${(performance.now() - t1).toFixed(0)} ms`);
    expect(checks.every(Boolean)).toBe(true);
    expect(server.store.userById('imp00000')!.passwordHash).not.toContain(body.accounts[0]!.temporaryPassword);

    // A sample signs in over HTTP (each sign-in is a request of its own; the hashes are all checked above).
    for (const a of body.accounts.filter((_, i) => i % 100 === 7)) {
      const login = await api(server.url, '/api/login', { body: { username: a.username, password: a.temporaryPassword } });
      expect(login.status, a.username).toBe(200);
      expect(login.body).toMatchObject({ mustChangePassword: true, user: { username: a.username } });
    }

    // In the org doc's directory (one update for all).
    const inDirectory = await server.relay.withDoc('org', (doc: Y.Doc) => clean().filter((row) => doc.getMap('users').has(row[0]!)).length);
    expect(inDirectory).toBe(ROWS);

    // One audit entry, none per row.
    const entries = server.store.auditEntries({ action: 'account.imported', limit: 10 });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: 'admin', detail: { rows: ROWS, format: 'xlsx', roles: { worker: 750, county: 375 } } });
    expect(server.store.auditEntries({ action: 'account.created', limit: 10 })).toHaveLength(0);
    expect(JSON.stringify(entries)).not.toContain(body.accounts[0]!.temporaryPassword);

    // The same sheet again: every username is taken now.
    const again = await upload('admin', csvOf(clean().slice(0, 5)), 'text/csv');
    expect(again.status).toBe(422);
    expect(((await again.json()) as { problems: Problem[] }).problems.map((p) => p.code)).toEqual(Array(5).fill('taken'));
  });
});

describe('who may import what', () => {
  it("a town center imports its own town's staff only: another town's row and a county role are row/column problems", async () => {
    const rows = [
      ['tc1', '一镇网格员', '网格员', '', '', '', 'g0001', ''],
      ['tc2', '二镇网格员', '网格员', '', '', '', 'g0002', ''],
      ['tc3', '县里的人', '县指挥中心', '', '', '', '', ''],
      ['tc4', '县级单位', '职能部门', '', '', '', '', 'u001'],
      ['tc5', '一镇派出所', '职能部门', '', '', '', '', '一镇派出所'],
    ];
    const r = await upload('town01', csvOf(rows), 'text/csv');
    expect(r.status).toBe(422);
    const { problems } = (await r.json()) as { problems: Problem[] };
    expect(problems.map((p) => [p.row, p.column, p.code])).toEqual([
      [3, '网格', 'outside_scope'],
      [4, '角色', 'outside_scope'],
      [5, '单位', 'outside_scope'],
    ]);
    expect(problems[0]!.message).toContain('一镇');
    expect(server.store.userByName('tc1')).toBeUndefined();
    const ok = await upload('town01', csvOf([rows[0]!, rows[4]!]), 'text/csv');
    expect(ok.status).toBe(201);
    expect(server.store.userById('tc5')).toMatchObject({ role: 'unit', unitId: 'u002', townId: 't01' });
  });

  it('refuses other insiders, no token, other types, a body past the cap, a broken file; reports a bad header', async () => {
    expect((await upload('w0001', csvOf([cleanRow(0)]), 'text/csv')).status).toBe(403);
    expect((await fetch(`${server.url}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'x' })).status).toBe(401);
    expect((await fetch(`${server.url}/api/accounts/template.xlsx`)).status).toBe(401);
    expect((await upload('admin', Buffer.from('{}'), 'application/json')).status).toBe(415);
    const cap = IMPORT_LIMITS.maxBytes;
    IMPORT_LIMITS.maxBytes = 1000;
    try {
      expect((await upload('admin', Buffer.alloc(2000, 0x41), 'text/csv')).status).toBe(413);
    } finally {
      IMPORT_LIMITS.maxBytes = cap;
    }
    expect((await upload('admin', Buffer.from('not a zip'), XLSX)).status).toBe(400);
    expect((await upload('admin', Buffer.from('用户名,"姓名\r\n'), 'text/csv')).status).toBe(400);
    const bad = await upload('admin', csvOf([cleanRow(0)], ['用户名', '姓名', '角色', '电话', '乡镇', '村', '网格', '单位']), 'text/csv');
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { problems: Problem[] }).problems.map((p) => [p.row, p.column, p.code])).toEqual([
      [1, '电话', 'unknown_column'],
      [1, '手机号', 'missing_column'],
    ]);
    const empty = await upload('admin', csvOf([]), 'text/csv');
    expect(((await empty.json()) as { problems: Problem[] }).problems.map((p) => p.code)).toEqual(['empty_sheet']);
    // Past 10,000 data rows: one problem, nothing else checked.
    const many = await upload('admin', csvOf(Array.from({ length: 10_001 }, (_, i) => cleanRow(i))), 'text/csv');
    expect(((await many.json()) as { problems: Problem[] }).problems.map((p) => [p.row, p.code])).toEqual([[10_002, 'too_many_rows']]);
  });
});

describe('the template and the export', () => {
  it('the template downloads (examples at places of the scope, the rules, the places) and re-imports once filled', async () => {
    const r = await fetch(`${server.url}/api/accounts/template.xlsx`, { headers: { authorization: `Bearer ${tokens.town01!}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe(XLSX);
    expect(decodeURIComponent(r.headers.get('content-disposition')!.split("UTF-8''")[1]!)).toBe('账号导入模板.xlsx');
    const bytes = Buffer.from(await r.arrayBuffer());
    const book = readXlsx(bytes);
    expect(Object.keys(book)).toEqual(['账号', '说明']);
    expect(book['账号']![0]).toEqual(HEADER);
    // A town center's examples: the roles it may give, in its town.
    expect(book['账号']!.slice(1).map((row) => row[2])).toEqual(['镇街指导中心', '职能部门', '网格员', '村书记', '培训员', '党员']);
    const help = book['说明']!.map((row) => row.join('|'));
    expect(help.some((l) => l.startsWith('网格|g0001|一村第一网格|一镇|一村'))).toBe(true);
    expect(help.some((l) => l.includes('g0002'))).toBe(false);

    // Fill it in: the examples become real people (new usernames and names), one more row added.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('账号')!;
    ws.eachRow((row, n) => {
      if (n === 1) return;
      row.getCell(1).value = `tpl${n}`;
      row.getCell(2).value = `模板${n}`;
    });
    ws.addRow(['tpl99', '模板99', '网格员', '13800000099', '', '', 'g0001', '']);
    const filled = Buffer.from(await wb.xlsx.writeBuffer());
    const imported = await upload('town01', filled, XLSX);
    expect(imported.status).toBe(201);
    expect(((await imported.json()) as { created: number }).created).toBe(7);
    expect(server.store.userById('tpl99')).toMatchObject({ townId: 't01', gridId: 'g0001' });
  });

  it('the export holds the staff one may manage, formula-safe, and re-imports with new usernames', async () => {
    const made = await api(server.url, '/api/accounts', { token: tokens.admin!, body: { username: 'formula1', name: '=HYPERLINK("x")', role: 'trainer', townId: 't01' } });
    expect(made.status).toBe(201);
    const r = await fetch(`${server.url}/api/accounts/export.xlsx`, { headers: { authorization: `Bearer ${tokens.town01!}` } });
    expect(r.status).toBe(200);
    const rows = readXlsx(Buffer.from(await r.arrayBuffer()))['账号']!;
    expect(rows[0]).toEqual(HEADER);
    const data = rows.slice(1).map((row) => HEADER.map((_, i) => (row[i] ?? '') as string));
    // Only t01's staff (no county roles, no county unit, nothing of t02).
    expect(data.length).toBeGreaterThan(700);
    expect(data.every((row) => row[2] !== '县指挥中心' && row[2] !== '系统管理员' && row[4] === '一镇')).toBe(true);
    expect(data.find((row) => row[0] === 'formula1')).toEqual(['formula1', "'=HYPERLINK(\"x\")", '培训员', '', '一镇', '', '', '']);
    expect(data.find((row) => row[0] === 'imp00000')).toEqual(['imp00000', '导入0', '网格员', '13900000000', '一镇', '一村', '一村第一网格', '']);
    // No formula anywhere.
    expect(rows.flat().some((c) => typeof c === 'object' && c !== null)).toBe(false);

    // Round trip: the export as it is, with new usernames -> every row imports, with the same scope and name.
    const renamed = data.map((row) => [`re.${row[0]}`, ...row.slice(1)]);
    const back = await upload('town01', csvOf(renamed), 'text/csv');
    expect(back.status).toBe(201);
    expect(((await back.json()) as { created: number }).created).toBe(data.length);
    expect(server.store.userById('re.formula1')).toMatchObject({ name: '=HYPERLINK("x")', role: 'trainer', townId: 't01' });
    expect(server.store.userById('re.imp00000')).toMatchObject({ gridId: 'g0001', phone: '13900000000' });
    expect(server.store.auditEntries({ action: 'export', actor: 'town01', limit: 1 })[0]).toMatchObject({ target: 'accounts.xlsx', detail: { rows: data.length } });

    // The CSV export: byte order mark, CRLF, the escaped cell quoted.
    const csv = Buffer.from(await (await fetch(`${server.url}/api/accounts/export.csv`, { headers: { authorization: `Bearer ${tokens.admin!}` } })).arrayBuffer());
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).toContain(`formula1,"'=HYPERLINK(""x"")",培训员,,一镇,,,\r\n`);
  });

  it('with Accept: .xlsx the temporary passwords come back as a spreadsheet', async () => {
    const r = await upload('admin', csvOf([['xl1', '表格一', '培训员', '', '二镇', '', '', '']]), 'text/csv', '', XLSX);
    expect(r.status).toBe(201);
    expect(r.headers.get('content-type')).toBe(XLSX);
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="gridlink-staff-passwords-/);
    const sheet = readXlsx(Buffer.from(await r.arrayBuffer()))['临时密码']!;
    expect(sheet[0]).toEqual(['用户名', '姓名', '角色', '临时密码']);
    expect(sheet[1]!.slice(0, 3)).toEqual(['xl1', '表格一', '培训员']);
    const login = await api(server.url, '/api/login', { body: { username: 'xl1', password: sheet[1]![3] } });
    expect(login.body).toMatchObject({ mustChangePassword: true });
  });

  it('a client that leaves before the commit leaves nothing imported', async () => {
    const rows = Array.from({ length: 600 }, (_, i) => [`gone${i}`, `离开${i}`, '培训员', '', '一镇', '', '', '']);
    const abort = new AbortController();
    const pending = fetch(`${server.url}/api/accounts/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.admin!}`, 'content-type': 'text/csv' },
      body: new Uint8Array(csvOf(rows)),
      signal: abort.signal,
    }).catch(() => null);
    // Leave once the import is hashing (it holds the lock), then wait until it has given up.
    await until(() => importBusy());
    abort.abort();
    await pending;
    await until(() => !importBusy());
    expect(server.store.userById('gone0')).toBeUndefined();
    expect(server.store.userById('gone599')).toBeUndefined();
  });

  it('an account named like a route of the sheet is still changed with PATCH', async () => {
    const r = await upload('admin', csvOf([['import', '同名一', '培训员', '', '一镇', '', '', ''], ['export.csv', '同名二', '培训员', '', '一镇', '', '', '']]), 'text/csv');
    expect(r.status).toBe(201);
    for (const id of ['import', 'export.csv']) {
      const p = await api(server.url, `/api/accounts/${id}`, { method: 'PATCH', token: tokens.admin!, body: { name: '改名' } });
      expect(p.status, id).toBe(200);
      expect(server.store.userById(id)!.name).toBe('改名');
    }
  });

  it('is described in /api/openapi.json', async () => {
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    expect(Object.keys(doc.paths['/api/accounts/template.xlsx']!)).toEqual(['get']);
    expect(Object.keys(doc.paths['/api/accounts/export.{format}']!)).toEqual(['get']);
    expect(Object.keys(doc.paths['/api/accounts/import']!.post!.responses).sort()).toEqual(['200', '201', '400', '401', '403', '409', '413', '415', '422']);
  });

  it('zipUnpackedSize reads what a zip declares (a zip bomb is refused before it is unpacked)', async () => {
    const bytes = await xlsxOf([cleanRow(0)]);
    expect(zipUnpackedSize(bytes)).toBeGreaterThan(bytes.length);
    expect(zipUnpackedSize(Buffer.from('PK nothing'))).toBeNull();
  });
});
