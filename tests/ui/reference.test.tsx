// Issue 15: 基础数据 (#/reference), the administrator's reference data editor, against a fake session whose
// changeReference checks and folds with the real domain code (src/domain/refchanges.ts): a plan's deadline and
// steps edited (its version goes up), problems said at their fields before anything is written, a refusal in words,
// a grid retired after its case counts, a town with active villages refused at the confirmation, a calendar's days
// added and removed and saved as one change, and no editor for anyone but an administrator.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseHash, routeHref } from '../../src/app/router.ts';
import type { Plan, WorkCalendar } from '../../src/domain/org.ts';
import { Reference } from '../../src/features/reference/Reference.tsx';
import { FakeSession, FakeWorld, NOW } from './fake-services.ts';
import { byText, choose, click, mount, mustFind, resetLang, type, waitFor, type Mounted } from './helpers.ts';
import { dispatched, MIN, report } from './work-helpers.ts';

type Change = { id: string; at: string; actor: string; type: string; data: Record<string, unknown> };

function setup(userId = 'admin', status: { connection?: 'online' | 'offline' } = {}) {
  const world = new FakeWorld();
  const session = new FakeSession(world, world.user(userId), { status });
  const changes = () => world.refChanges as Change[];
  return { world, session, changes };
}

const row = (root: HTMLElement, id: string) => root.querySelector<HTMLElement>(`tr[data-item="${id}"]`);
const panel = (root: HTMLElement) => root.querySelector<HTMLElement>('.ref-panel');

describe('基础数据', () => {
  it('has a route per tab', () => {
    expect(parseHash('#/reference')).toEqual({ name: 'reference' });
    expect(parseHash('#/reference/plans')).toEqual({ name: 'reference', tab: 'plans' });
    expect(routeHref({ name: 'reference', tab: 'calendar' })).toBe('#/reference/calendar');
    expect(routeHref({ name: 'reference' })).toBe('#/reference');
    expect(parseHash('#/tasks/visits')).toEqual({ name: 'tasks', tab: 'visits' });
  });

  let m: Mounted | undefined;
  beforeEach(resetLang);
  afterEach(() => m?.unmount());

  it("edits a plan's deadline and steps: one plan.set, and the version shown goes up", async () => {
    const { session, changes } = setup();
    m = await mount(<Reference session={session} tab="plans" />);
    const p1 = row(m.root, 'P001')!;
    expect(p1.textContent).toContain('第 1 版');
    expect(p1.textContent).toContain('48 小时');
    const edit = byText(p1, 'button', '编辑')!;
    await click(edit);
    const head = mustFind(m.root, '#ref-panel-h');
    expect(head.textContent).toBe('编辑 违章建筑处置预案');
    expect(document.activeElement).toBe(head);
    expect(mustFind(m.root, '#ref-version').textContent).toContain('当前为第 1 版，保存后为第 2 版。已派遣的案件保持派遣时的版本');
    // The deadline in working days.
    await click(m.root.querySelector('input[name="ref-duein"][value="working_days"]'));
    await type(mustFind(m.root, '#ref-dueDays'), '5');
    // Steps: the third removed, one added, then moved to the top.
    await click(mustFind(m.root, 'button[aria-label="删除第 3 步"]'));
    await click(byText(m.root, 'button', '添加一步'));
    await type(mustFind(m.root, '#ref-step-2'), '回访群众');
    await click(mustFind(m.root, 'button[aria-label="上移第 3 步"]'));
    await click(byText(panel(m.root)!, 'button', '保存'));

    await waitFor(() => byText(m!.root, '.alert-success', '已保存：违章建筑处置预案。'), 'the success message');
    expect(changes()).toHaveLength(1);
    const c = changes()[0]!;
    expect(c).toMatchObject({ type: 'plan.set', actor: 'admin', data: { id: 'P001', dueIn: 'working_days', dueDays: 5, steps: ['现场核实', '回访群众', '下达整改通知书'] } });
    expect(c.at).toMatch(/^\d{13}:\d{4}:fake$/);
    // The list shows the new version and deadline; the panel is closed and focus is back on 编辑.
    const after = row(m.root, 'P001')!;
    expect(after.textContent).toContain('第 2 版');
    expect(after.textContent).toContain('5 个工作日');
    expect(after.textContent).toContain('3 步');
    expect(panel(m.root)).toBeNull();
    await waitFor(() => document.activeElement === byText(row(m!.root, 'P001')!, 'button', '编辑'), 'focus back on the opener');
    expect((session.org.value!.planById('P001') as Plan).version).toBe(2);
  });

  it('says each problem at its field before writing anything, and a refusal in words', async () => {
    const { session, changes } = setup();
    m = await mount(<Reference session={session} tab="grids" />);
    await click(byText(m.root, 'button', '新增网格'));
    // The next free id is suggested.
    expect(mustFind<HTMLInputElement>(m.root, '#ref-id').value).toBe('g0005');
    await type(mustFind(m.root, '#ref-id'), 'g0001');
    await type(mustFind(m.root, '#ref-lng'), '500');
    await click(byText(panel(m.root)!, 'button', '保存'));
    expect(mustFind(m.root, '#ref-id-error').textContent).toBe('编号 g0001 已被使用（包括已停用的项目），请换一个。');
    expect(mustFind(m.root, '#ref-town-error').textContent).toBe('请选择所属乡镇。');
    expect(mustFind(m.root, '#ref-name-error').textContent).toBe('请填写名称。');
    expect(mustFind(m.root, '#ref-lng-error').textContent).toBe('中心点经度要在 -180 到 180 之间。');
    expect(mustFind(m.root, '#ref-id').getAttribute('aria-describedby')).toContain('ref-id-error');
    expect(byText(m.root, '.alert-error', '请先改正标出的问题，没有保存。')).toBeDefined();
    await waitFor(() => document.activeElement === m!.root.querySelector('#ref-id'), 'focus on the first problem');
    // A village of another town is refused at the village field (a grid never moves town).
    await type(mustFind(m.root, '#ref-id'), 'g1');
    await click(byText(panel(m.root)!, 'button', '保存'));
    expect(mustFind(m.root, '#ref-id-error').textContent).toBe('编号格式不对：应为 g0101 这样的格式。');
    expect(changes()).toHaveLength(0);

    // A plan without a name, 0 hours and an empty step: nothing written.
    m.unmount();
    m = await mount(<Reference session={session} tab="plans" />);
    await click(byText(m.root, 'button', '新增预案'));
    expect(mustFind<HTMLInputElement>(m.root, '#ref-id').value).toBe('P004');
    await type(mustFind(m.root, '#ref-dueHours'), '0');
    await click(byText(panel(m.root)!, 'button', '保存'));
    expect(mustFind(m.root, '#ref-name-error').textContent).toBe('请填写名称。');
    expect(mustFind(m.root, '#ref-sub-error').textContent).toBe('请选择适用小类。');
    expect(mustFind(m.root, '#ref-dueHours-error').textContent).toBe('时限（小时）要在 1 到 2160 之间的整数。');
    expect(mustFind(m.root, '#ref-step-0-error').textContent).toBe('第 1 步是空的：填写或删除它。');
    expect(changes()).toHaveLength(0);

    // Filled in, but the session refuses: the words, the detail apart.
    await type(mustFind(m.root, '#ref-name'), '道路临时修补');
    await choose(mustFind(m.root, '#ref-sub'), '0102');
    await type(mustFind(m.root, '#ref-dueHours'), '24');
    await type(mustFind(m.root, '#ref-step-0'), '设置警示');
    // Only units that handle 城乡建设 (01) are offered.
    const units = [...panel(m.root)!.querySelectorAll('.ref-units .ref-check')].map((l) => l.textContent);
    expect(units).toEqual(['县住房和城乡建设局', '城关镇综合执法队', '县自然资源局', '东郭镇综合执法队']);
    session.changeReference = async () => ({ code: 'bad_reference', detail: 'unit u009 is retired' });
    await click(byText(panel(m.root)!, 'button', '保存'));
    await waitFor(() => byText(m!.root, '.ref-panel .alert-error', '引用的项目不存在、已停用或不符合规则，没有保存。'), 'the refusal');
    expect(mustFind(m.root, '.ref-panel .ref-detail').textContent).toContain('unit u009 is retired');
    expect(changes()).toHaveLength(0);
  });

  it("retires a grid after saying how many cases name it; offline, it says where the change is kept", async () => {
    const { world, session, changes } = setup('admin', { connection: 'offline' });
    // Three cases of g0001: two open, one closed.
    report(world, NOW - 60 * MIN);
    dispatched(world, NOW - 50 * MIN);
    const done = dispatched(world, NOW - 40 * MIN);
    world.command('unit002', done, { type: 'resolve', note: '已处置' }, NOW - 30 * MIN);
    world.command('w0001', done, { type: 'verify' }, NOW - 20 * MIN);
    world.command('w0001', done, { type: 'close' }, NOW - 19 * MIN);
    m = await mount(<Reference session={session} tab="grids" />);
    await click(byText(row(m.root, 'g0001')!, 'button', '停用'));
    await waitFor(() => byText(m!.root, '#ref-confirm-text', '有 3 件案件（其中 2 件在办）属于该网格。停用后它们保持原样，新案件不能再选它。'), 'the case counts');
    expect(mustFind(m.root, '#ref-panel-h').textContent).toBe('停用 第一网格？');
    await click(byText(panel(m.root)!, 'button', '停用'));
    await waitFor(() => byText(m!.root, '.alert-success', '已停用：第一网格。'), 'the success message');
    expect(byText(m.root, '.alert-success', '已保存在本机，联网后同步到所有设备')).toBeDefined();
    expect(changes()).toHaveLength(1);
    expect(changes()[0]).toMatchObject({ type: 'grid.set', data: { id: 'g0001', villageId: 't01v01', townId: 't01', retired: true } });
    // Retired items are hidden until asked for, then shown with their badge and 恢复.
    expect(row(m.root, 'g0001')).toBeNull();
    await click(byText(m.root, 'label', '显示已停用')!.querySelector('input'));
    expect(row(m.root, 'g0001')!.textContent).toContain('已停用');
    expect(byText(row(m.root, 'g0001')!, 'button', '恢复')).toBeDefined();
  });

  it('refuses to retire a town with active villages, with the words in the confirmation', async () => {
    const { session, changes } = setup();
    m = await mount(<Reference session={session} tab="towns" />);
    expect(row(m.root, 't01')!.textContent).toContain('城关镇');
    await click(byText(row(m.root, 't01')!, 'button', '停用'));
    const p = panel(m.root)!;
    expect(mustFind(p, '#ref-confirm-text').textContent).toBe('不能停用：这个乡镇还有 2 个在用的村（社区）。先停用它们。');
    expect(p.getAttribute('aria-describedby')).toBe('ref-confirm-text');
    // No way to confirm; a link to those villages instead.
    expect(byText(p, 'button', '停用')).toBeUndefined();
    expect(mustFind<HTMLAnchorElement>(p, 'a').getAttribute('href')).toBe('#/reference/villages');
    await click(byText(p, 'button', '关闭'));
    expect(panel(m.root)).toBeNull();
    expect(changes()).toHaveLength(0);
  });

  it('adds and removes calendar days and saves the year as one calendar.set', async () => {
    const { session, changes } = setup();
    m = await mount(<Reference session={session} tab="calendar" />);
    expect(mustFind<HTMLSelectElement>(m.root, '#ref-cal-year').value).toBe('2025');
    const save = () => byText(m!.root, 'button', '保存 2025 年日历') as HTMLButtonElement;
    expect(save().disabled).toBe(true);
    const addHoliday = async (d: string) => {
      await type(mustFind(m!.root, '#ref-cal-holidays'), d);
      await click(byText(mustFind(m!.root, '#ref-cal-holidays-h').parentElement!, 'button', '添加'));
    };
    await addHoliday('2025-10-02');
    await addHoliday('2025-10-01');
    const days = () => [...m!.root.querySelectorAll<HTMLElement>('#ref-cal-list-holidays li')].map((li) => li.dataset.day);
    expect(days()).toEqual(['2025-10-01', '2025-10-02']);
    // Checked where it is added: twice, another year, both lists.
    await addHoliday('2025-10-01');
    expect(mustFind(m.root, '#ref-cal-holidays-error').textContent).toBe('2025-10-01 已在列表中。');
    await addHoliday('2026-01-01');
    expect(mustFind(m.root, '#ref-cal-holidays-error').textContent).toBe('日期要在 2025 年内。');
    await type(mustFind(m.root, '#ref-cal-workdays'), '2025-10-02');
    await click(byText(mustFind(m.root, '#ref-cal-workdays-h').parentElement!, 'button', '添加'));
    expect(mustFind(m.root, '#ref-cal-workdays-error').textContent).toContain('同一天不能既放假又上班');
    await type(mustFind(m.root, '#ref-cal-workdays'), '2025-09-28');
    await click(byText(mustFind(m.root, '#ref-cal-workdays-h').parentElement!, 'button', '添加'));
    // Removed again.
    await click(mustFind(m.root, 'button[aria-label="删除 2025-10-01"]'));
    expect(days()).toEqual(['2025-10-02']);
    expect(byText(m.root, '.ref-unsaved', '有未保存的修改')).toBeDefined();
    await click(save());
    await waitFor(() => byText(m!.root, '.alert-success', '2025 年日历已保存。'), 'the success message');
    expect(changes()).toHaveLength(1);
    expect(changes()[0]).toMatchObject({ type: 'calendar.set', data: { year: 2025, holidays: ['2025-10-02'], workdays: ['2025-09-28'] } });
    expect(session.org.value!.data.calendars).toEqual([{ year: 2025, holidays: ['2025-10-02'], workdays: ['2025-09-28'] } satisfies WorkCalendar]);
    expect(save().disabled).toBe(true);
  });

  it('shows other staff the lists but no editor, and residents nothing', async () => {
    const { session } = setup('town01');
    m = await mount(<Reference session={session} tab="plans" />);
    expect(m.root.textContent).toContain('只有系统管理员可以修改基础数据；这里只能查看。');
    expect(row(m.root, 'P001')!.textContent).toContain('第 1 版');
    // No 新增, 编辑, 停用 (no button at all); the only inputs are the filters.
    expect(m.root.querySelectorAll('button').length).toBe(0);
    expect([...m.root.querySelectorAll('input, select')].every((x) => x.closest('.ref-filters'))).toBe(true);
    m.unmount();
    m = await mount(<Reference session={session} tab="calendar" />);
    expect(byText(m.root, 'button', '保存')).toBeUndefined();
    m.unmount();
    const resident = setup('resident01').session;
    m = await mount(<Reference session={resident} tab="plans" />);
    expect(m.root.textContent).toContain('基础数据只对工作人员开放。');
    expect(m.root.querySelector('table, form, button')).toBeNull();
  });
});
