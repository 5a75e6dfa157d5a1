import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseDetail } from '../../src/features/cases/CaseDetail.tsx';
import type { CaseEvent } from '../../src/domain/events.ts';
import { FakeSession, FakeWorld, NOW } from './fake-services.ts';
import { byText, choose, click, mount, mustFind, resetLang, submit, type, waitFor, type Mounted } from './helpers.ts';

function reported(world: FakeWorld, category = '0101'): string {
  return world.command('w0001', null, { type: 'report', category, description: '村口违建', location: { lat: 41.2, lng: 122.05 }, gridId: 'g0001', townId: 't01' }, NOW - 7_200_000).caseId;
}

const actionButtons = (root: HTMLElement) => Array.from(root.querySelectorAll('.action-form button[type="submit"]')).map((b) => b.textContent);

describe('case detail', () => {
  let m: Mounted | undefined;
  beforeEach(resetLang);
  afterEach(() => m?.unmount());

  it('shows the case and only the actions the role allows now', async () => {
    const world = new FakeWorld();
    const id = reported(world);

    const worker = new FakeSession(world, world.user('w0001'));
    m = await mount(<CaseDetail session={worker} id={id} />);
    await waitFor(() => m!.root.querySelector('.facts'), 'facts');
    expect(mustFind(m.root, 'h1').textContent).toContain('已上报');
    expect(mustFind(m.root, 'h1').textContent).toContain('城乡建设 / 违章建筑');
    expect(mustFind(m.root, '.facts').textContent).toContain('太平村 · 第一网格');
    expect(mustFind(m.root, '.facts').textContent).toContain('张伟');
    // The reporting grid worker may resolve it on the spot or withdraw it while it is new.
    expect(actionButtons(m.root)).toEqual(['就地解决', '撤销']);
    m.unmount();

    const town = new FakeSession(world, world.user('town01'));
    m = await mount(<CaseDetail session={town} id={id} />);
    await waitFor(() => m!.root.querySelector('.action-form'), 'actions');
    expect(actionButtons(m.root)).toEqual(['受理', '不予受理', '合并到…', '撤销']);
    m.unmount();

    // Another town's center has no actions on this case (out of scope).
    const other = new FakeSession(world, world.user('town02'));
    m = await mount(<CaseDetail session={other} id={id} />);
    await waitFor(() => m!.root.querySelector('.facts'), 'facts');
    expect(actionButtons(m.root)).toEqual([]);
    expect(byText(m.root, 'p', '您现在没有可办理的操作。')).toBeTruthy();
  });

  it('walks the lifecycle: accept, dispatch with the plan’s unit, resolve, verify, close', async () => {
    const world = new FakeWorld();
    const id = reported(world);
    const town = new FakeSession(world, world.user('town01'));
    m = await mount(<CaseDetail session={town} id={id} />);
    await waitFor(() => m!.root.querySelector('.action-form'), 'actions');

    // Reject needs a reason.
    await submit(m.root.querySelector('form[aria-label="不予受理"]'));
    expect(town.calls.acts).toHaveLength(0);
    expect(mustFind(m.root, '#act-rejected-text-error').textContent).toBe('请填写不予受理原因。');

    await submit(m.root.querySelector('form[aria-label="受理"]'));
    expect(town.calls.acts.at(-1)!.command).toEqual({ type: 'accept' });
    await waitFor(() => actionButtons(m!.root).join() === '派遣,合并到…,撤销', 'dispatch offered');
    expect(mustFind(m.root, 'h1').textContent).toContain('已受理');

    // The first plan's suggested unit and due hours are preselected.
    expect(mustFind<HTMLSelectElement>(m.root, '#act-plan').value).toBe('P001');
    expect(mustFind<HTMLSelectElement>(m.root, '#act-unit').value).toBe('u002');
    expect(mustFind<HTMLInputElement>(m.root, '#act-due').value).toBe('48');
    const suggested = Array.from(m.root.querySelectorAll('#act-unit optgroup')[0]!.querySelectorAll('option')).map((o) => o.value);
    expect(suggested).toEqual(['u002', 'u001']);
    // Another town's unit is not offered.
    expect(m.root.querySelector('#act-unit option[value="u004"]')).toBeNull();
    await choose(mustFind(m.root, '#act-plan'), 'P002');
    expect(mustFind<HTMLSelectElement>(m.root, '#act-unit').value).toBe('u003');
    expect(mustFind<HTMLInputElement>(m.root, '#act-due').value).toBe('12');
    await choose(mustFind(m.root, '#act-plan'), 'P001');
    await type(mustFind(m.root, '#act-due'), '0');
    await submit(m.root.querySelector('form[aria-label="派遣"]'));
    expect(mustFind(m.root, '#act-due-error').textContent).toContain('1 到 2160');
    await type(mustFind(m.root, '#act-due'), '36');
    await submit(m.root.querySelector('form[aria-label="派遣"]'));
    expect(town.calls.acts.at(-1)!.command).toEqual({ type: 'dispatch', unitId: 'u002', planId: 'P001', dueHours: 36 });
    await waitFor(() => mustFind(m!.root, 'h1').textContent?.includes('已派遣'), 'dispatched');
    expect(actionButtons(m.root)).toEqual(['督办', '撤销']);
    expect(mustFind(m.root, '.facts').textContent).toContain('城关镇综合执法队');
    m.unmount();

    const unit = new FakeSession(world, world.user('unit002'));
    m = await mount(<CaseDetail session={unit} id={id} />);
    await waitFor(() => m!.root.querySelector('.action-form'), 'unit actions');
    expect(actionButtons(m.root)).toEqual(['签收', '开始处置', '处置完成', '申请延期', '退回']);
    await type(mustFind(m.root, '#act-resolved-text'), '已拆除');
    await submit(m.root.querySelector('form[aria-label="处置完成"]'));
    await waitFor(() => mustFind(m!.root, 'h1').textContent?.includes('已处置'), 'resolved');
    m.unmount();

    const worker = new FakeSession(world, world.user('w0001'));
    m = await mount(<CaseDetail session={worker} id={id} />);
    await waitFor(() => m!.root.querySelector('.action-form'), 'worker actions');
    // Issue 11: the grid worker may verify and close, so one step does both (核实并结案).
    expect(actionButtons(m.root)).toEqual(['核实并结案', '核查不通过']);
    await submit(m.root.querySelector('form[aria-label="核实并结案"]'));
    await waitFor(() => mustFind(m!.root, 'h1').textContent?.includes('已结案'), 'closed');
    expect(worker.calls.acts.map((a) => a.command)).toEqual([{ type: 'verify' }, { type: 'close' }]);

    const types = Array.from(m.root.querySelectorAll('.tl-type')).map((e) => e.textContent);
    expect(types).toEqual(['上报', '受理', '派遣', '处置完成', '核实', '结案']);
    expect(mustFind(m.root, '.timeline').textContent).toContain('已拆除');
    expect(mustFind(m.root, '.timeline').textContent).toContain('违章建筑处置预案');
  });

  it('marks superseded events with their reason', async () => {
    const world = new FakeWorld();
    const id = reported(world);
    world.command('town01', id, { type: 'accept' }, NOW - 3_600_000);
    const first = world.command('town01', id, { type: 'dispatch', unitId: 'u002' }, NOW - 1_800_000);
    // A second dispatcher, offline, dispatched the same case at nearly the same time: it loses.
    const second = { ...first, type: 'dispatched', id: world.id(NOW - 1_799_000), at: `${NOW - 1_799_000}:0000:other`, actor: 'county', data: { unitId: 'u001' } } as CaseEvent;
    world.append(second);
    const session = new FakeSession(world, world.user('town01'));
    m = await mount(<CaseDetail session={session} id={id} />);
    await waitFor(() => m!.root.querySelector('.timeline li'), 'timeline');
    const items = Array.from(m.root.querySelectorAll('.tl-item'));
    expect(items).toHaveLength(4);
    const last = items[3]!;
    expect(last.classList.contains('is-superseded')).toBe(true);
    expect(last.querySelector('.badge')?.textContent).toBe('未生效');
    expect(last.textContent).toContain('未生效：案件当前状态不允许此操作');
    expect(last.textContent).toContain('县指挥中心');
    expect(items[2]!.classList.contains('is-superseded')).toBe(false);
    expect(mustFind(m.root, '.facts').textContent).toContain('城关镇综合执法队');
  });

  it('shows an act() error by its code', async () => {
    const world = new FakeWorld();
    const id = reported(world);
    const town = new FakeSession(world, world.user('town01'));
    m = await mount(<CaseDetail session={town} id={id} />);
    await waitFor(() => m!.root.querySelector('.action-form'), 'actions');
    town.failNext = { ok: false, error: 'state_not_allowed' };
    await submit(m.root.querySelector('form[aria-label="受理"]'));
    await waitFor(() => byText(m!.root, '[role="alert"]', '操作失败：案件当前状态不允许此操作'), 'error');
  });

  it('says so when the case is not on this device', async () => {
    const world = new FakeWorld();
    m = await mount(<CaseDetail session={new FakeSession(world, world.user('w0001'))} id="01JZZZZZZZZZZZZZZZZZZZZZZZ" />);
    await waitFor(() => byText(m!.root, 'p', '找不到此案件'), 'not found');
    await click(byText(m.root, 'a', '返回案件列表'));
  });
});
