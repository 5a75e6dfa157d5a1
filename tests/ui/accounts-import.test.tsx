// Issue 15: 批量导入 / 导出 on 账号管理 (#/accounts) against a fake relay that keeps the contract of
// server/accountsimport.ts: the template and export downloads, the dry run (problems in a table, nothing imported;
// or "共 N 行，检查通过"), the real import saving the .xlsx of temporary passwords with its warning, the list
// reloaded, and the words for 409 busy, 413, 415, a lost connection and offline.
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UserInfo } from '../../src/domain/org.ts';
import { SHEET_COLUMNS, sheetRules, type SheetProblem } from '../../src/domain/staffsheet.ts';
import { Accounts } from '../../src/features/accounts/Accounts.tsx';
import { sortProblems, XLSX_TYPE } from '../../src/features/accounts/StaffImport.tsx';
import { FakeSession, FakeWorld } from './fake-services.ts';
import { byText, click, mount, mustFind, resetLang, settle, waitFor, type Mounted } from './helpers.ts';

type Account = UserInfo & { disabled: boolean; mustChange: boolean };
type Call = { path: string; method: string; raw?: { bytes: Uint8Array; type: string }; accept?: string };

const world = new FakeWorld();
const CSV = '用户名,姓名,角色,手机号,乡镇,村,网格,单位\r\nnew.w1,新网格员,网格员,,,,g0001,\r\nnew.w2,新网格员二,网格员,,,,g0002,\r\n';

/** The relay: GET /api/accounts lists; POST /api/accounts/import answers `importAnswer` (a Response), recorded. */
function setup(userId: string, opts: { offline?: boolean } = {}) {
  const me = world.org.data.users.find((u) => u.id === userId)!;
  const accounts: Account[] = world.org.data.users.filter((u) => u.role !== 'resident' && (me.role === 'admin' || u.townId === me.townId)).map((u) => ({ ...u, disabled: false, mustChange: false }));
  const calls: Call[] = [];
  const relay = {
    calls,
    accounts,
    /** The answer to the next import POSTs (dry run and real), by whether it is a dry run. */
    importAnswer: (dryRun: boolean): Response => (dryRun ? json(200, { ok: true, rows: 2, roles: { worker: 2 } }) : passwordsFile()),
    down: false,
  };
  const session = new FakeSession(world, me, opts.offline ? { status: { connection: 'offline' } } : {});
  (session as { api?: unknown }).api = async (path: string, init: { method?: string; raw?: Call['raw']; accept?: string } = {}) => {
    const c: Call = { path, method: init.method ?? 'GET', ...(init.raw ? { raw: init.raw } : {}), ...(init.accept ? { accept: init.accept } : {}) };
    calls.push(c);
    if (relay.down) throw new TypeError('Failed to fetch');
    const url = new URL(path, 'http://relay');
    if (c.method === 'GET' && url.pathname === '/api/accounts') return json(200, { accounts, total: accounts.length });
    if (c.method === 'POST' && url.pathname === '/api/accounts/import') return relay.importAnswer(url.searchParams.get('dryRun') === '1');
    if (c.method === 'GET' && url.pathname.startsWith('/api/accounts/')) {
      const file = url.pathname.slice('/api/accounts/'.length);
      return new Response('x', { status: 200, headers: { 'content-disposition': `attachment; filename="${file}"; filename*=UTF-8''${encodeURIComponent(`账号-${file}`)}` } });
    }
    return json(404, { error: 'not_found' });
  };
  return { session, relay };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const passwordsFile = () =>
  new Response(new Uint8Array([0x50, 0x4b, 3, 4]), {
    status: 201,
    headers: { 'content-type': XLSX_TYPE, 'content-disposition': `attachment; filename="gridlink-staff-passwords-2025-01-01.xlsx"; filename*=UTF-8''${encodeURIComponent('新账号临时密码-2025-01-01.xlsx')}` },
  });

async function openBulk(m: Mounted): Promise<HTMLElement> {
  await waitFor(() => m.root.querySelector('tr[data-account]'), 'the list');
  const toggle = byText(m.root, '.acct-bar button', '批量导入 / 导出')!;
  expect(toggle.getAttribute('aria-expanded')).toBe('false');
  expect(mustFind(m.root, '#acct-import').hidden).toBe(true);
  await click(toggle);
  expect(toggle.getAttribute('aria-expanded')).toBe('true');
  const section = mustFind(m.root, '#acct-import');
  expect(section.hidden).toBe(false);
  return section;
}

/** Choose a file in the import's file input, as a user would (fires `change`). */
async function chooseFile(m: Mounted, name: string, content: string | Uint8Array<ArrayBuffer>, type = ''): Promise<void> {
  const input = mustFind<HTMLInputElement>(m.root, '#imp-file');
  const file = new File([content], name, { type });
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  await act(() => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await settle(6);
}

const status = (m: Mounted) => mustFind(m.root, '.imp-status').textContent ?? '';
const errorText = (m: Mounted) => m.root.querySelector('#acct-import [role="alert"]')?.textContent ?? '';
const imports = (calls: Call[]) => calls.filter((c) => c.path.startsWith('/api/accounts/import'));

describe('账号管理: 批量导入 / 导出', () => {
  let m: Mounted | undefined;
  let saved: string[];
  beforeEach(async () => {
    await resetLang();
    saved = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download);
    });
    URL.createObjectURL ??= () => 'blob:x';
    URL.revokeObjectURL ??= () => {};
  });
  afterEach(() => {
    m?.unmount();
    m = undefined;
    vi.restoreAllMocks();
  });

  it('downloads the template and the export with the names the relay gives, and explains the sheet from the domain', async () => {
    const { session, relay } = setup('admin');
    m = await mount(<Accounts session={session} />);
    const section = await openBulk(m);
    await click(byText(section, '.export-bar button', '下载模板'));
    await waitFor(() => saved.length === 1, 'template saved');
    expect(saved[0]).toBe('账号-template.xlsx');
    await click(byText(section, '.export-bar button', '导出 Excel'));
    await click(byText(section, '.export-bar button', '导出 CSV'));
    await waitFor(() => saved.length === 3, 'exports saved');
    expect(relay.calls.filter((c) => c.method === 'GET' && !c.path.startsWith('/api/accounts?')).map((c) => c.path)).toEqual([
      '/api/accounts/template.xlsx',
      '/api/accounts/export.xlsx',
      '/api/accounts/export.csv',
    ]);
    // 表格说明: every column with its help, and the rules, as src/domain/staffsheet.ts words them.
    const help = mustFind<HTMLDetailsElement>(section, 'details.acct-sheet-help');
    expect(help.open).toBe(false);
    expect(help.querySelector('summary')!.textContent).toBe('表格说明');
    const cols = [...help.querySelectorAll('tbody tr')].map((r) => [r.querySelector('th')!.textContent, r.querySelector('td')!.textContent]);
    expect(cols).toEqual(SHEET_COLUMNS.map((c) => [c.label, c.help]));
    expect([...help.querySelectorAll('.acct-sheet-rules li')].map((li) => li.textContent)).toEqual(sheetRules({ town: false }));
    // The file input has its label.
    expect(mustFind(section, 'label[for="imp-file"]').textContent).toBe('选择要导入的表格（.xlsx 或 .csv）');
  });

  it('a dry run with problems lists them by row in a table and imports nothing', async () => {
    const { session, relay } = setup('admin');
    const problems: SheetProblem[] = [
      { row: 5, column: '网格', code: 'unknown', message: '没有编号或名称为“第九网格”的网格' },
      { row: 3, column: '手机号', code: 'invalid', message: '手机号“123”应为 11 位数字，以 1 开头' },
      { row: 3, column: '用户名', code: 'taken', message: '用户名“w0001”已被现有账号使用' },
    ];
    relay.importAnswer = (dryRun) => (dryRun ? json(422, { error: 'invalid_sheet', problems }) : passwordsFile());
    m = await mount(<Accounts session={session} />);
    await openBulk(m);
    await chooseFile(m, '名单.csv', CSV);
    await waitFor(() => m!.root.querySelector('.imp-problem-table'), 'the problems');
    expect(status(m)).toBe('发现 3 个问题（涉及 2 行），没有导入任何账号。');
    expect(mustFind(m.root, '.imp-problems').textContent).toContain('请在表格中改正下面的问题，保存后重新选择文件。');
    const rows = [...m.root.querySelectorAll('.imp-problem-table tbody tr')].map((r) => [...r.children].map((c) => c.textContent));
    expect(rows).toEqual([
      ['第 3 行', '用户名', '用户名“w0001”已被现有账号使用'],
      ['第 3 行', '手机号', '手机号“123”应为 11 位数字，以 1 开头'],
      ['第 5 行', '网格', '没有编号或名称为“第九网格”的网格'],
    ]);
    expect([...m.root.querySelectorAll('.imp-problem-table thead th')].map((th) => th.textContent)).toEqual(['行', '列', '问题']);
    // Only the dry run was sent, as the file's bytes with the CSV type; nothing offers to import.
    const sent = imports(relay.calls);
    expect(sent.map((c) => c.path)).toEqual(['/api/accounts/import?dryRun=1']);
    expect(sent[0]!.raw!.type).toBe('text/csv');
    expect(new TextDecoder().decode(sent[0]!.raw!.bytes)).toBe(CSV);
    expect(byText(m.root, 'button', /^导入 \d+ 个账号$/)).toBeUndefined();
    expect(saved).toEqual([]);
    // Fixed and chosen again: checked again.
    relay.importAnswer = (dryRun) => (dryRun ? json(200, { ok: true, rows: 2, roles: { worker: 2 } }) : passwordsFile());
    await chooseFile(m, '名单.csv', CSV);
    await waitFor(() => status(m!).startsWith('共 2 行'), 'clean now');
    expect(m.root.querySelector('.imp-problem-table')).toBeNull();
  });

  it('a clean dry run, then 导入: saves the password file, warns about it and reloads the list', async () => {
    const { session, relay } = setup('town01');
    m = await mount(<Accounts session={session} />);
    await openBulk(m);
    // A town center's rules include its own-town rule.
    expect([...m.root.querySelectorAll('.acct-sheet-rules li')].map((li) => li.textContent)).toEqual(sheetRules({ town: true }));
    await chooseFile(m, 'staff.xlsx', new Uint8Array([0x50, 0x4b, 3, 4]));
    await waitFor(() => status(m!).startsWith('共 2 行'), 'clean');
    expect(status(m)).toBe('共 2 行，检查通过。其中网格员 2。');
    expect(imports(relay.calls)[0]!.raw!.type).toBe(XLSX_TYPE);
    expect(saved).toEqual([]);

    const listGets = () => relay.calls.filter((c) => c.path.startsWith('/api/accounts?')).length;
    const before = listGets();
    relay.accounts.push({ id: 'new.w1', username: 'new.w1', name: '新网格员', role: 'worker', townId: 't01', villageId: 't01v01', gridId: 'g0001', disabled: false, mustChange: true });
    await click(byText(m.root, 'button', '导入 2 个账号'));
    await waitFor(() => saved.length === 1, 'passwords saved');
    expect(saved).toEqual(['新账号临时密码-2025-01-01.xlsx']);
    const real = imports(relay.calls)[1]!;
    expect(real.path).toBe('/api/accounts/import');
    expect(real.accept).toBe(XLSX_TYPE);
    expect(status(m)).toBe('已导入 2 个账号。');
    const warning = mustFind(m.root, '.imp-warning').textContent!;
    expect(warning).toContain('临时密码已保存为文件“新账号临时密码-2025-01-01.xlsx”');
    expect(warning).toContain('当面');
    expect(warning).toContain('删除这个文件');
    expect(warning).toContain('不能再次下载');
    expect(byText(m.root, 'button', /^导入 \d+ 个账号$/)).toBeUndefined();
    await waitFor(() => listGets() > before && m!.root.querySelector('tr[data-account="new.w1"]'), 'the list reloaded');
  });

  it('says 409 busy (and offers to try again), 413 with the limit, 415 and a lost connection', async () => {
    const { session, relay } = setup('admin');
    m = await mount(<Accounts session={session} />);
    await openBulk(m);
    relay.importAnswer = (dryRun) => (dryRun ? json(200, { ok: true, rows: 2, roles: { worker: 2 } }) : json(409, { error: 'busy' }));
    await chooseFile(m, '名单.csv', CSV);
    await waitFor(() => status(m!).startsWith('共 2 行'), 'clean');
    await click(byText(m.root, 'button', '导入 2 个账号'));
    await waitFor(() => errorText(m!).includes('另一次导入正在进行'), 'busy said');
    expect(saved).toEqual([]);
    relay.importAnswer = (dryRun) => (dryRun ? json(200, { ok: true, rows: 2 }) : passwordsFile());
    await click(byText(m.root, 'button', '导入 2 个账号'));
    await waitFor(() => saved.length === 1, 'the retry imported');

    relay.importAnswer = () => json(413, { error: 'too_large', maxBytes: 5 * 1024 * 1024 });
    await chooseFile(m, '大表.csv', CSV);
    await waitFor(() => errorText(m!) === '文件太大：最大 5 MB。请把表格分成几个文件分别导入。', '413 said');

    relay.importAnswer = () => json(415, { error: 'unsupported_media_type' });
    await chooseFile(m, '名单.csv', CSV);
    await waitFor(() => errorText(m!).startsWith('不支持这种文件'), '415 said');

    // An old .xls is not sent at all.
    const n = imports(relay.calls).length;
    relay.importAnswer = () => json(200, { ok: true, rows: 2 });
    await chooseFile(m, '旧表.xls', 'x');
    expect(errorText(m)).toBe('不支持这种文件：请选择 Excel 表格（.xlsx）或 CSV 文件（.csv）。旧版 .xls 请先在 Excel 中另存为 .xlsx。');
    expect(imports(relay.calls).length).toBe(n);

    relay.importAnswer = () => json(400, { error: 'unreadable' });
    await chooseFile(m, '坏的.csv', CSV);
    await waitFor(() => errorText(m!).startsWith('无法读取这个文件'), '400 said');

    relay.down = true;
    await chooseFile(m, '名单.csv', CSV);
    await waitFor(() => errorText(m!).startsWith('无法连接服务器，文件没有检查'), 'network said');

    // Lost during the real import: it may have happened; the list is asked again.
    relay.down = false;
    relay.importAnswer = () => json(200, { ok: true, rows: 2 });
    await chooseFile(m, '名单.csv', CSV);
    await waitFor(() => status(m!).startsWith('共 2 行'), 'clean');
    relay.down = true;
    const gets = relay.calls.filter((c) => c.path.startsWith('/api/accounts?')).length;
    await click(byText(m.root, 'button', '导入 2 个账号'));
    await waitFor(() => errorText(m!).startsWith('连接中断，不确定是否已导入'), 'lost connection said');
    expect(relay.calls.filter((c) => c.path.startsWith('/api/accounts?')).length).toBeGreaterThan(gets);
  });

  it('offline: the file picker and the downloads are disabled with the reason shown', async () => {
    const { session, relay } = setup('admin', { offline: true });
    m = await mount(<Accounts session={session} />);
    await waitFor(() => m!.root.querySelector('tr[data-account]'), 'the list');
    await click(byText(m.root, '.acct-bar button', '批量导入 / 导出'));
    const input = mustFind<HTMLInputElement>(m.root, '#imp-file');
    expect(input.disabled).toBe(true);
    expect(mustFind(m.root, '#imp-file-hint').textContent).toBe('导入需要联网：连接到服务器后再选择文件。');
    expect(input.getAttribute('aria-describedby')).toBe('imp-file-hint');
    const template = byText(m.root, '.export-bar button', '下载模板')!;
    expect(template.getAttribute('aria-disabled')).toBe('true');
    expect(mustFind(m.root, '#acct-import .export-why').textContent).toBe('导出需要联网：连接到服务器后再试。');
    await click(template);
    expect(relay.calls.some((c) => c.path.includes('template'))).toBe(false);
    expect(saved).toEqual([]);
  });

  it('sorts problems by row, then in the sheet’s column order, the whole sheet first', () => {
    const p = (row: number, column: string | null): SheetProblem => ({ row, column, code: 'invalid', message: '' });
    expect(sortProblems([p(4, '单位'), p(2, '姓名'), p(2, '用户名'), p(1, null), p(1, '角色')]).map((x) => [x.row, x.column])).toEqual([
      [1, null],
      [1, '角色'],
      [2, '用户名'],
      [2, '姓名'],
      [4, '单位'],
    ]);
  });
});
