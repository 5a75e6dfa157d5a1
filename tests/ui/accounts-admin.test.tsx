// Issue 15: 账号管理 (#/accounts) and 审计日志 (#/audit) against a fake relay that keeps the accounts API's contract
// (server/accountshttp.ts): the list with its filters and pages, a new account whose place the relay refuses (shown
// at that field), a reset's temporary password shown once, the confirmation before disabling, the words for
// own_account (and no 停用 on one's own row), 增加身份 and role accounts' rows, a town center's own town and roles,
// the screen offline, and the audit log's entries and filters.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { t } from '../../src/app/i18n.ts';
import { mayManageAccount, resolveScope, STAFF_ROLES, type StaffRole } from '../../src/domain/accounts.ts';
import { ROLE_NAMES_ZH } from '../../src/domain/org.ts';
import type { UserInfo } from '../../src/domain/org.ts';
import { Accounts } from '../../src/features/accounts/Accounts.tsx';
import { AuditLog } from '../../src/features/accounts/AuditLog.tsx';
import { FakeSession, FakeWorld } from './fake-services.ts';
import { byText, choose, click, mount, mustFind, resetLang, settle, submit, type, waitFor, type Mounted } from './helpers.ts';

type Account = UserInfo & { disabled: boolean; mustChange: boolean; person?: string };
type Call = { path: string; method: string; body: unknown };
type Answer = { status: number; body: unknown };

/**
 * The accounts API over an in-memory list, scoped as the relay scopes it (mayManageAccount); `override` answers a
 * route first (a refusal to test), by "METHOD /path".
 */
function fakeAccountsRelay(world: FakeWorld, me: UserInfo, extra: Account[] = []) {
  const accounts: Account[] = [
    ...world.org.data.users.filter((u) => u.role !== 'resident').map((u) => ({ ...u, disabled: false, mustChange: false })),
    ...extra,
  ];
  const st = accounts.find((a) => a.id === 'st01v01')!;
  st.mustChange = true;
  accounts.find((a) => a.id === 'w0003')!.disabled = true;
  const calls: Call[] = [];
  const override: Record<string, (c: Call) => Answer> = {};
  let offline = false;
  const route = (c: Call): Answer => {
    const url = new URL(c.path, 'http://relay');
    const o = override[`${c.method} ${url.pathname}`];
    if (o) return o(c);
    if (c.method === 'GET' && url.pathname === '/api/accounts') {
      const q = url.searchParams;
      let list = accounts.filter((a) => mayManageAccount(me, a));
      if (q.get('role')) list = list.filter((a) => a.role === q.get('role'));
      if (q.get('town')) list = list.filter((a) => a.townId === q.get('town'));
      if (q.get('disabled')) list = list.filter((a) => a.disabled === (q.get('disabled') === '1'));
      if (q.get('q')) list = list.filter((a) => [a.name, a.username, a.phone ?? ''].some((s) => s.includes(q.get('q')!)));
      const offset = Number(q.get('offset') ?? 0);
      const limit = Number(q.get('limit') ?? 100);
      return { status: 200, body: { accounts: list.slice(offset, offset + limit), total: list.length } };
    }
    const patch = /^\/api\/accounts\/([^/]+)$/.exec(url.pathname);
    if (c.method === 'PATCH' && patch) {
      const a = accounts.find((x) => x.id === patch[1]);
      if (!a) return { status: 404, body: { error: 'not_found' } };
      Object.assign(a, c.body);
      return { status: 200, body: { account: a } };
    }
    const reset = /^\/api\/accounts\/([^/]+)\/password-reset$/.exec(url.pathname);
    if (c.method === 'POST' && reset) {
      accounts.find((x) => x.id === reset[1])!.mustChange = true;
      return { status: 200, body: { temporaryPassword: 'k7mq2wxr9p' } };
    }
    const roles = /^\/api\/accounts\/([^/]+)\/roles$/.exec(url.pathname);
    if (c.method === 'POST' && roles) {
      // Another role for the person whose main account this is (server/accountshttp.ts addRole).
      const main = accounts.find((x) => x.id === roles[1]);
      if (!main) return { status: 404, body: { error: 'not_found' } };
      if (main.person) return { status: 409, body: { error: 'role_account' } };
      if (!mayManageAccount(me, main)) return { status: 403, body: { error: 'forbidden' } };
      const b = c.body as { role: StaffRole; townId?: string; villageId?: string; gridId?: string; unitId?: string };
      const org = world.org;
      const r = resolveScope(b.role, b, { grid: org.grid, village: org.village, unit: org.unit, townIds: org.data.towns.map((x) => x.id) });
      if (!r.ok) return { status: 400, body: { error: 'bad_scope', field: r.problem.field, problem: r.problem.code } };
      const held = accounts.find((a) => (a.person ?? a.id) === main.id && a.role === b.role && (['townId', 'villageId', 'gridId', 'unitId'] as const).every((k) => (a[k] ?? null) === (r.scope[k] ?? null)));
      if (held && !held.disabled) return { status: 409, body: { error: 'role_held' } };
      const created: Account = { id: `${main.id}.${b.role}`, username: `${main.id}.${b.role}`, name: main.name, role: b.role, ...r.scope, disabled: false, mustChange: false, person: main.id };
      accounts.push(created);
      return { status: 201, body: { account: created } };
    }
    if (c.method === 'POST' && url.pathname === '/api/accounts') {
      const b = c.body as Account;
      const created = { ...b, id: b.username, disabled: false, mustChange: true };
      accounts.push(created);
      return { status: 201, body: { account: created, temporaryPassword: 'n3w9acct4z' } };
    }
    return { status: 404, body: { error: 'not_found' } };
  };
  const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const c = { path, method: init.method ?? 'GET', body: init.body };
    calls.push(c);
    if (offline) throw new TypeError('Failed to fetch');
    const a = route(c);
    return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'content-type': 'application/json' } });
  };
  return {
    accounts,
    calls,
    override,
    api,
    setOffline: (v: boolean) => (offline = v),
  };
}

const world = new FakeWorld();
const userOf = (id: string) => world.org.data.users.find((u) => u.id === id)!;

function setup(userId: string, extra: Account[] = []) {
  const me = userOf(userId);
  const relay = fakeAccountsRelay(world, me, extra);
  const session = new FakeSession(world, me);
  (session as { api?: unknown }).api = relay.api;
  return { session, relay };
}

const rowOf = (root: HTMLElement, id: string) => root.querySelector<HTMLElement>(`tr[data-account="${id}"]`);
const rows = (root: HTMLElement) => [...root.querySelectorAll<HTMLElement>('tr[data-account]')].map((r) => r.dataset.account);
const lastGet = (calls: Call[]) => new URL([...calls].reverse().find((c) => c.method === 'GET')!.path, 'http://relay').searchParams;

describe('账号管理', () => {
  let m: Mounted | undefined;
  beforeEach(resetLang);
  afterEach(() => m?.unmount());

  it("lists the staff with Chinese role names, places by name and state badges, 100 a page", async () => {
    const extra: Account[] = Array.from({ length: 120 }, (_, i) => ({ id: `x${i}`, username: `x${i}`, name: `临时${i}`, role: 'county', disabled: false, mustChange: false }));
    const { session, relay } = setup('admin', extra);
    m = await mount(<Accounts session={session} />);
    await waitFor(() => rowOf(m!.root, 'w0001'), 'the list');
    expect(lastGet(relay.calls).get('limit')).toBe('100');
    expect(byText(m.root, '.acct-count', '共 132 个账号')).toBeDefined();
    const w = rowOf(m.root, 'w0001')!;
    expect(w.textContent).toContain('张伟');
    expect(w.textContent).toContain('网格员');
    // The place by name (town · village · grid), not ids.
    expect(w.textContent).toContain('城关镇 · 太平村 · 第一网格');
    expect(w.textContent).not.toContain('g0001');
    expect(rowOf(m.root, 'st01v01')!.textContent).toContain('待改密码');
    expect(rowOf(m.root, 'w0003')!.textContent).toContain('已停用');
    expect(rowOf(m.root, 'county')!.textContent).toContain('全县');
    expect(rows(m.root)).toHaveLength(100);
    await click(byText(m.root, 'button', '加载更多'));
    await waitFor(() => rows(m!.root).length === 132, 'the second page');
    expect(lastGet(relay.calls).get('offset')).toBe('100');
    expect(byText(m.root, 'button', '加载更多')).toBeUndefined();
  });

  it('filters by role, town, state and text', async () => {
    const { session, relay } = setup('admin');
    m = await mount(<Accounts session={session} />);
    await waitFor(() => rowOf(m!.root, 'w0001'), 'the list');
    await choose(mustFind(m.root, '#acct-role'), 'worker');
    await waitFor(() => !rowOf(m!.root, 'admin'), 'workers only');
    expect(lastGet(relay.calls).get('role')).toBe('worker');
    expect(rows(m.root)).toEqual(['w0001', 'w0002', 'w0003', 'w0004']);
    await choose(mustFind(m.root, '#acct-town'), 't02');
    await waitFor(() => rows(m!.root).length === 1, 'one town');
    expect(rows(m.root)).toEqual(['w0004']);
    await choose(mustFind(m.root, '#acct-town'), '');
    await choose(mustFind(m.root, '#acct-state'), '1');
    await waitFor(() => rows(m!.root).length === 1, 'disabled only');
    expect(rows(m.root)).toEqual(['w0003']);
    expect(lastGet(relay.calls).get('disabled')).toBe('1');
    await choose(mustFind(m.root, '#acct-state'), '');
    await type(mustFind(m.root, '#acct-q'), '李');
    await submit(mustFind(m.root, 'form[role="search"]'));
    await waitFor(() => rows(m!.root).length === 1, 'the search');
    expect(rows(m.root)).toEqual(['w0002']);
    expect(lastGet(relay.calls).get('q')).toBe('李');
  });

  it('checks a new account before sending, then shows the relay’s scope refusal at the place field', async () => {
    const { session, relay } = setup('admin');
    m = await mount(<Accounts session={session} />);
    await waitFor(() => rowOf(m!.root, 'w0001'), 'the list');
    await click(byText(m.root, 'button', '新建账号'));
    const form = mustFind(m.root, '.acct-form');
    // Nothing filled in: every problem shown, nothing sent.
    await submit(form);
    expect(mustFind(m.root, '#acct-f-username').getAttribute('aria-invalid')).toBe('true');
    expect(mustFind(m.root, '#acct-f-username-error').textContent).toContain('2–32 位');
    expect(mustFind(m.root, '#acct-f-name-error')).toBeDefined();
    expect(mustFind(m.root, '#acct-f-role-error').textContent).toBe('请选择一个角色。');
    expect(relay.calls.filter((c) => c.method === 'POST')).toEqual([]);

    await type(mustFind(m.root, '#acct-f-username'), 'w9001');
    await type(mustFind(m.root, '#acct-f-name'), '新网格员');
    await type(mustFind(m.root, '#acct-f-phone'), '123');
    await choose(mustFind(m.root, '#acct-f-role'), 'worker');
    // The place picker follows the role: town, village, grid.
    expect(m.root.querySelector('#acct-f-townId')).not.toBeNull();
    expect(m.root.querySelector('#acct-f-unitId')).toBeNull();
    await submit(form);
    expect(mustFind(m.root, '#acct-f-phone-error').textContent).toContain('11 位');
    expect(mustFind(m.root, '#acct-f-gridId-error').textContent).toBe('请选择网格。');
    expect(relay.calls.filter((c) => c.method === 'POST')).toEqual([]);

    await type(mustFind(m.root, '#acct-f-phone'), '');
    await choose(mustFind(m.root, '#acct-f-townId'), 't01');
    await choose(mustFind(m.root, '#acct-f-villageId'), 't01v01');
    expect([...mustFind<HTMLSelectElement>(m.root, '#acct-f-gridId').options].map((o) => o.value)).toEqual(['', 'g0001', 'g0002']);
    await choose(mustFind(m.root, '#acct-f-gridId'), 'g0002');
    // The relay refuses the grid (its boundaries changed since this device synced): shown at the grid.
    relay.override['POST /api/accounts'] = () => ({ status: 400, body: { error: 'bad_scope', field: 'gridId', problem: 'unknown' } });
    await submit(form);
    await waitFor(() => m!.root.querySelector('#acct-f-gridId-error'), 'the scope error');
    expect(mustFind(m.root, '#acct-f-gridId-error').textContent).toBe('找不到这个网格，请重新选择。');
    expect(mustFind(m.root, '#acct-f-gridId').getAttribute('aria-invalid')).toBe('true');
    expect(relay.calls.filter((c) => c.method === 'POST').at(-1)!.body).toEqual({ username: 'w9001', name: '新网格员', role: 'worker', gridId: 'g0002' });
    // A taken username: at the username.
    relay.override['POST /api/accounts'] = () => ({ status: 409, body: { error: 'username_taken' } });
    await submit(form);
    await waitFor(() => m!.root.querySelector('#acct-f-username-error'), 'the username error');
    expect(mustFind(m.root, '#acct-f-username-error').textContent).toBe('这个用户名已经有人用了，请换一个。');
    // Accepted: the temporary password, once.
    delete relay.override['POST /api/accounts'];
    await submit(form);
    const temp = await waitFor(() => m!.root.querySelector<HTMLInputElement>('#acct-temp'), 'the temporary password');
    expect(temp.value).toBe('n3w9acct4z');
    expect(m.root.textContent).toContain('账号已创建：新网格员');
  });

  it('resets a password after a confirmation and shows the temporary password once', async () => {
    const { session, relay } = setup('admin');
    m = await mount(<Accounts session={session} />);
    await waitFor(() => rowOf(m!.root, 'w0001'), 'the list');
    await click(rowOf(m.root, 'w0001')!.querySelector('button[aria-label="重置密码：张伟"]'));
    const panel = mustFind(m.root, '.acct-confirm');
    expect(panel.textContent).toContain('原密码立即失效');
    expect(relay.calls.filter((c) => c.method === 'POST')).toEqual([]);
    await click(byText(panel, 'button', '确认重置'));
    const temp = await waitFor(() => m!.root.querySelector<HTMLInputElement>('#acct-temp'), 'the temporary password');
    expect(temp.value).toBe('k7mq2wxr9p');
    expect(temp.readOnly).toBe(true);
    expect(document.activeElement).toBe(temp);
    expect(m.root.textContent).toContain('请当面把临时密码交给 张伟');
    expect(m.root.textContent).toContain('第一次登录时必须改成自己的密码');
    expect(byText(m.root, 'button', '复制临时密码')).toBeDefined();
    expect(rowOf(m.root, 'w0001')!.textContent).toContain('待改密码');
    // Closed: gone from the page for good.
    await click(byText(m.root, 'button', '已交给本人，关闭'));
    expect(m.root.querySelector('#acct-temp')).toBeNull();
    expect(m.root.innerHTML).not.toContain('k7mq2wxr9p');
  });

  it("disables an account only after a confirmation that says its devices stop syncing; own_account in words", async () => {
    const { session, relay } = setup('admin');
    m = await mount(<Accounts session={session} />);
    await waitFor(() => rowOf(m!.root, 'w0002'), 'the list');
    await click(rowOf(m.root, 'w0002')!.querySelector('button[aria-label="停用 李娜"]'));
    const panel = mustFind(m.root, '.acct-confirm');
    expect(panel.getAttribute('role')).toBe('alertdialog');
    expect(panel.textContent).toContain('停用 李娜 的账号？');
    expect(panel.textContent).toContain('马上停止同步');
    // Cancel: nothing sent.
    await click(byText(panel, 'button', '取消'));
    expect(relay.calls.filter((c) => c.method === 'PATCH')).toEqual([]);
    await click(rowOf(m.root, 'w0002')!.querySelector('button[aria-label="停用 李娜"]'));
    await click(byText(mustFind(m.root, '.acct-confirm'), 'button', '确认停用'));
    await waitFor(() => rowOf(m!.root, 'w0002')!.textContent!.includes('已停用'), 'the disabled badge');
    expect(relay.calls.filter((c) => c.method === 'PATCH')).toEqual([{ path: '/api/accounts/w0002', method: 'PATCH', body: { disabled: true } }]);
    expect(rowOf(m.root, 'w0002')!.querySelector('button[aria-label="启用 李娜"]')).not.toBeNull();
    expect(m.root.textContent).toContain('已停用 李娜 的账号，其设备已停止同步。');

    // One's own row offers no 停用 (the relay refuses own_account); its refusals still have words.
    expect(rowOf(m.root, 'admin')!.textContent).not.toContain('停用');
    expect(rowOf(m.root, 'admin')!.querySelector('button[aria-label="停用 管理员"]')).toBeNull();
    relay.override['PATCH /api/accounts/w0001'] = () => ({ status: 409, body: { error: 'own_account' } });
    await click(rowOf(m.root, 'w0001')!.querySelector('button[aria-label="停用 张伟"]'));
    await click(byText(mustFind(m.root, '.acct-confirm'), 'button', '确认停用'));
    await waitFor(() => byText(m!.root, '.acct-confirm [role="alert"]', '不能停用自己的账号'), 'the own_account words');
    relay.override['PATCH /api/accounts/w0001'] = () => ({ status: 409, body: { error: 'last_admin' } });
    await click(byText(mustFind(m.root, '.acct-confirm'), 'button', '确认停用'));
    await waitFor(() => byText(m!.root, '.acct-confirm [role="alert"]', '最后一个在用的系统管理员'), 'the last_admin words');
  });

  it("edits an account: the place picker follows a new role, only the changed fields are sent", async () => {
    const { session, relay } = setup('admin');
    m = await mount(<Accounts session={session} />);
    await waitFor(() => rowOf(m!.root, 'w0001'), 'the list');
    await click(rowOf(m.root, 'w0001')!.querySelector('button[aria-label="编辑 张伟"]'));
    expect(mustFind<HTMLSelectElement>(m.root, '#acct-f-gridId').value).toBe('g0001');
    expect(m.root.querySelector('#acct-f-username')).toBeNull();
    await choose(mustFind(m.root, '#acct-f-role'), 'secretary');
    expect(m.root.querySelector('#acct-f-gridId')).toBeNull();
    expect(mustFind<HTMLSelectElement>(m.root, '#acct-f-villageId').value).toBe('t01v01');
    expect(m.root.textContent).toContain('立即停止同步');
    await type(mustFind(m.root, '#acct-f-phone'), '13800001111');
    await submit(mustFind(m.root, '.acct-form'));
    await waitFor(() => relay.calls.some((c) => c.method === 'PATCH'), 'the change');
    expect(relay.calls.find((c) => c.method === 'PATCH')!.body).toEqual({ role: 'secretary', phone: '13800001111', villageId: 't01v01' });
    await waitFor(() => rowOf(m!.root, 'w0001')!.textContent!.includes('村书记'), 'the new role');
  });

  it("a town center sees its own town's staff and cannot give the admin or county roles", async () => {
    const { session, relay } = setup('town01');
    m = await mount(<Accounts session={session} />);
    await waitFor(() => rowOf(m!.root, 'w0001'), 'the list');
    // No town filter (the relay scopes the list); nobody of another town, no admin or county account.
    expect(m.root.querySelector('#acct-town')).toBeNull();
    expect(lastGet(relay.calls).get('town')).toBeNull();
    expect(rows(m.root)).not.toContain('w0004');
    expect(rows(m.root)).not.toContain('admin');
    expect(rows(m.root)).not.toContain('county');
    const filterRoles = [...mustFind<HTMLSelectElement>(m.root, '#acct-role').options].map((o) => o.value);
    expect(filterRoles).not.toContain('admin');
    expect(filterRoles).not.toContain('county');
    await click(byText(m.root, 'button', '新建账号'));
    const roles = [...mustFind<HTMLSelectElement>(m.root, '#acct-f-role').options].map((o) => o.value).filter(Boolean);
    expect(roles).toEqual(STAFF_ROLES.filter((r) => r !== 'admin' && r !== 'county'));
    await choose(mustFind(m.root, '#acct-f-role'), 'secretary');
    // Only its own town is offered.
    expect([...mustFind<HTMLSelectElement>(m.root, '#acct-f-townId').options].map((o) => o.value)).toEqual(['', 't01']);
    await choose(mustFind(m.root, '#acct-f-role'), 'unit');
    const units = [...mustFind<HTMLSelectElement>(m.root, '#acct-f-unitId').options].map((o) => o.value).filter(Boolean);
    expect(units.length).toBeGreaterThan(0);
    expect(units.every((id) => world.org.unit(id)?.townId === 't01')).toBe(true);
  });

  it('says it needs a connection when the relay cannot be reached, and retries', async () => {
    const { session, relay } = setup('admin');
    relay.setOffline(true);
    session.status.value = { ...session.status.value, connection: 'offline' };
    m = await mount(<Accounts session={session} />);
    await waitFor(() => byText(m!.root, '[role="alert"]', '没有网络连接'), 'the offline words');
    expect(byText(m.root, '[role="status"]', '账号管理要在服务器上完成')).toBeDefined();
    relay.setOffline(false);
    session.status.value = { ...session.status.value, connection: 'online' };
    await click(byText(m.root, 'button', '重试'));
    await waitFor(() => rowOf(m!.root, 'w0001'), 'the list after the retry');
  });

  it('adds a 网格员 role to a village secretary: checked first, the request, the list afterwards, role_held and offline in words', async () => {
    const { session, relay } = setup('admin');
    m = await mount(<Accounts session={session} />);
    await waitFor(() => rowOf(m!.root, 'st01v01'), 'the list');
    await click(rowOf(m.root, 'st01v01')!.querySelector('button[aria-label="增加身份：赵书记"]'));
    const panel = mustFind(m.root, '.acct-role');
    expect(panel.textContent).toContain('为 赵书记 增加身份');
    expect(document.activeElement).toBe(mustFind(panel, 'h2'));
    const form = mustFind<HTMLFormElement>(panel, 'form');
    // Nothing chosen: said at the role, nothing sent.
    await submit(form);
    expect(mustFind(m.root, '#acct-r-role-error').textContent).toBe('请选择一个角色。');
    expect(mustFind(m.root, '#acct-r-role').getAttribute('aria-invalid')).toBe('true');
    await choose(mustFind(m.root, '#acct-r-role'), 'worker');
    await submit(form);
    expect(mustFind(m.root, '#acct-r-gridId-error').textContent).toBe('请选择网格。');
    expect(relay.calls.filter((c) => c.method === 'POST')).toEqual([]);
    // The labels are tied to the pickers.
    expect(mustFind(m.root, 'label[for="acct-r-gridId"]').textContent).toContain('网格');
    await choose(mustFind(m.root, '#acct-r-townId'), 't01');
    await choose(mustFind(m.root, '#acct-r-villageId'), 't01v01');
    await choose(mustFind(m.root, '#acct-r-gridId'), 'g0001');
    await submit(form);
    await waitFor(() => rowOf(m!.root, 'st01v01.worker'), 'the new role account in the list');
    expect(relay.calls.filter((c) => c.method === 'POST')).toEqual([{ path: '/api/accounts/st01v01/roles', method: 'POST', body: { role: 'worker', gridId: 'g0001' } }]);
    expect(m.root.textContent).toContain('已为 赵书记 增加网格员身份。');
    expect(m.root.querySelector('.acct-role')).toBeNull();
    const row = rowOf(m.root, 'st01v01.worker')!;
    expect(row.textContent).toContain('兼任');
    expect(row.textContent).toContain('网格员');
    expect(row.textContent).toContain('城关镇 · 太平村 · 第一网格');
    expect(row.textContent).toContain('（赵书记 的身份）');
    expect(row.querySelector('button[aria-label="编辑 赵书记 的网格员身份"]')).not.toBeNull();
    expect(row.querySelector('button[aria-label="停用 赵书记 的网格员身份"]')).not.toBeNull();
    expect(row.textContent).not.toContain('重置密码');
    expect(row.textContent).not.toContain('增加身份');
    // The main row keeps its own actions.
    expect(rowOf(m.root, 'st01v01')!.textContent).not.toContain('兼任');

    // The same role again: the relay's role_held, in words at the role.
    await click(rowOf(m.root, 'st01v01')!.querySelector('button[aria-label="增加身份：赵书记"]'));
    await choose(mustFind(m.root, '#acct-r-role'), 'worker');
    await choose(mustFind(m.root, '#acct-r-townId'), 't01');
    await choose(mustFind(m.root, '#acct-r-villageId'), 't01v01');
    await choose(mustFind(m.root, '#acct-r-gridId'), 'g0001');
    await submit(mustFind(m.root, '.acct-role form'));
    await waitFor(() => byText(m!.root, '.acct-role [role="alert"]', '此人已有这个身份'), 'the role_held words');
    expect(mustFind(m.root, '#acct-r-role-error').textContent).toBe('此人已有这个身份。');

    // The place the relay refuses, at its picker; offline, said so.
    relay.override['POST /api/accounts/st01v01/roles'] = () => ({ status: 400, body: { error: 'bad_scope', field: 'gridId', problem: 'unknown' } });
    await submit(mustFind(m.root, '.acct-role form'));
    await waitFor(() => m!.root.querySelector('#acct-r-gridId-error'), 'the scope error');
    expect(mustFind(m.root, '#acct-r-gridId-error').textContent).toBe('找不到这个网格，请重新选择。');
    relay.override['POST /api/accounts/st01v01/roles'] = () => ({ status: 403, body: { error: 'forbidden' } });
    await submit(mustFind(m.root, '.acct-role form'));
    await waitFor(() => byText(m!.root, '.acct-role [role="alert"]', '您没有权限管理这个账号'), 'the 403 words');
    relay.setOffline(true);
    await submit(mustFind(m.root, '.acct-role form'));
    await waitFor(() => byText(m!.root, '.acct-role [role="alert"]', '需要联网'), 'the offline words');
  });

  it('shows a role account as one person’s role: a badge, whose it is, no 重置密码 or 增加身份; edits its place only', async () => {
    const role: Account = { id: 'st01v01.worker', username: 'st01v01.worker', name: '赵书记', role: 'worker', townId: 't01', villageId: 't01v01', gridId: 'g0001', disabled: false, mustChange: false, person: 'st01v01' };
    const { session, relay } = setup('admin', [role]);
    m = await mount(<Accounts session={session} />);
    await waitFor(() => rowOf(m!.root, 'st01v01.worker'), 'the list');
    const row = rowOf(m.root, 'st01v01.worker')!;
    expect(row.querySelector('.badge')!.textContent).toBe('兼任');
    expect(row.textContent).toContain('（赵书记 的身份）');
    expect(row.querySelector('button[aria-label^="重置密码"]')).toBeNull();
    expect(row.querySelector('button[aria-label^="增加身份"]')).toBeNull();
    expect(rowOf(m.root, 'st01v01')!.querySelector('button[aria-label="重置密码：赵书记"]')).not.toBeNull();
    // Own row: no 停用, and its role is not offered for change.
    expect(rowOf(m.root, 'admin')!.querySelector('button[aria-label^="停用"]')).toBeNull();
    await click(rowOf(m.root, 'admin')!.querySelector('button[aria-label="编辑 管理员"]'));
    expect(m.root.querySelector('select#acct-f-role')).toBeNull();
    await click(byText(m.root, '.acct-panel button', '取消'));

    await click(row.querySelector('button[aria-label="编辑 赵书记 的网格员身份"]'));
    expect(m.root.querySelector('#acct-f-name')).toBeNull();
    expect(m.root.querySelector('select#acct-f-role')).toBeNull();
    await choose(mustFind(m.root, '#acct-f-gridId'), 'g0002');
    await submit(mustFind(m.root, '.acct-panel form'));
    await waitFor(() => rowOf(m!.root, 'st01v01.worker')!.textContent!.includes('第二网格'), 'the new place');
    expect(relay.calls.filter((c) => c.method === 'PATCH')).toEqual([{ path: '/api/accounts/st01v01.worker', method: 'PATCH', body: { gridId: 'g0002' } }]);
  });

  it('names the roles in the relay’s CSV as the app does', () => {
    for (const r of Object.keys(ROLE_NAMES_ZH) as Array<keyof typeof ROLE_NAMES_ZH>) expect(ROLE_NAMES_ZH[r]).toBe(t(`role.${r}`));
  });
});

describe('审计日志', () => {
  let m: Mounted | undefined;
  beforeEach(resetLang);
  afterEach(() => m?.unmount());

  const entries = [
    { seq: 9, at: Date.UTC(2026, 2, 1, 2, 30, 5), actor: 'admin', action: 'account.changed', target: 'w0001', ip: '10.0.0.8', detail: { changed: { role: ['worker', 'secretary'], gridId: ['g0001', null] } } },
    { seq: 8, at: Date.UTC(2026, 2, 1, 2, 0, 0), actor: null, action: 'login.failed', target: '=cmd', ip: '10.0.0.9', detail: { reason: 'bad_credentials', repeats: 3 } },
    { seq: 7, at: Date.UTC(2026, 2, 1, 1, 0, 0), actor: 'town01', action: 'export', target: 'cases.csv', ip: '10.0.0.7', detail: { scope: 't01', period: { from: '2026-01-01', to: '2026-02-28' }, params: { scope: 't01', status: 'closed' }, rows: 42 } },
  ];

  it('shows entries in words, newest first, and sends the filters', async () => {
    const session = new FakeSession(world, userOf('admin'));
    const calls: string[] = [];
    (session as { api?: unknown }).api = async (path: string) => {
      calls.push(path);
      return new Response(JSON.stringify({ entries, next: 7 }), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    m = await mount(<AuditLog session={session} />);
    await waitFor(() => m!.root.querySelector('tr[data-action="account.changed"]'), 'the entries');
    const changed = mustFind(m.root, 'tr[data-action="account.changed"]');
    // 2026-03-01 02:30:05 UTC is 10:30:05 in China.
    expect(changed.textContent).toContain('2026-03-01 10:30:05');
    expect(changed.textContent).toContain('管理员（admin）');
    expect(changed.textContent).toContain('修改账号');
    expect(changed.textContent).toContain('张伟（w0001）');
    expect(changed.textContent).toContain('角色：网格员 → 村书记');
    expect(changed.textContent).toContain('网格：太平村 · 第一网格 → （无）');
    const failed = mustFind(m.root, 'tr[data-action="login.failed"]');
    expect(failed.textContent).toContain('（未登录）');
    expect(failed.textContent).toContain('原因：用户名或密码错误');
    expect(failed.textContent).toContain('另有 3 次');
    const exp = mustFind(m.root, 'tr[data-action="export"]');
    expect(exp.textContent).toContain('文件：cases.csv');
    expect(exp.textContent).toContain('42 行');
    // The next page: before the last seq.
    await click(byText(m.root, 'button', '加载更早的记录'));
    expect(new URL(calls.at(-1)!, 'http://x').searchParams.get('before')).toBe('7');
    // Filters: the group of account changes, an actor, CST days (the end day included).
    await type(mustFind(m.root, '#audit-actor'), 'town01');
    await choose(mustFind(m.root, '#audit-action'), 'account.');
    await type(mustFind(m.root, '#audit-from'), '2026-03-01');
    await type(mustFind(m.root, '#audit-to'), '2026-03-01');
    await submit(mustFind(m.root, 'form.audit-filters'));
    await settle();
    const q = new URL(calls.at(-1)!, 'http://x').searchParams;
    expect(q.get('actor')).toBe('town01');
    expect(q.get('action')).toBe('account.');
    expect(Number(q.get('from'))).toBe(Date.UTC(2026, 1, 28, 16));
    expect(Number(q.get('to'))).toBe(Date.UTC(2026, 2, 1, 16));
    expect(q.get('before')).toBeNull();
  });

  it('is for administrators only', async () => {
    m = await mount(<AuditLog session={new FakeSession(world, userOf('town01'))} />);
    expect(m.root.textContent).toContain('只有系统管理员可以查看审计日志');
  });
});
