import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseDetail } from '../../src/features/cases/CaseDetail.tsx';
import { FakeSession, FakeWorld, NOW } from './fake-services.ts';
import { byText, click, mount, mustFind, resetLang, submit, type, waitFor, type Mounted } from './helpers.ts';
import { dispatched, HOUR, losingDispatch, MIN, report } from './work-helpers.ts';

const fact = (root: HTMLElement, name: string) => {
  const dt = Array.from(root.querySelectorAll('.facts dt')).find((d) => d.textContent === name);
  return dt?.nextElementSibling?.textContent ?? null;
};
const actionButtons = (root: HTMLElement) => Array.from(root.querySelectorAll('.action-form button[type="submit"]')).map((b) => b.textContent);

describe('case detail: the issue-4 workflow', () => {
  let m: Mounted | undefined;
  beforeEach(resetLang);
  afterEach(() => m?.unmount());

  it('shows the deadline with the time left, and the escalation of an overdue case', async () => {
    const world = new FakeWorld();
    const onTime = dispatched(world, NOW - 40 * HOUR, '即将到期');
    const late = dispatched(world, NOW - 50 * HOUR, '严重超时', { unitId: 'u002', dueHours: 24 });
    const town = new FakeSession(world, world.user('town01'));
    m = await mount(<CaseDetail session={town} id={onTime} />);
    await waitFor(() => m!.root.querySelector('.facts'), 'facts');
    expect(fact(m.root, '处置时限')).toMatch(/^48 小时（至 .*）即将到期 剩余 8 小时 2 分$/);
    expect(fact(m.root, '督办层级')).toBeNull();
    m.unmount();

    m = await mount(<CaseDetail session={town} id={late} />);
    await waitFor(() => m!.root.querySelector('.facts'), 'facts');
    expect(fact(m.root, '处置时限')).toContain('已超时 超时 1 天 1 小时');
    expect(fact(m.root, '督办层级')).toBe('县指挥中心');
    // The accept clock of a new report.
    m.unmount();
    const fresh = report(world, NOW - 30 * MIN, '刚上报');
    m = await mount(<CaseDetail session={town} id={fresh} />);
    await waitFor(() => m!.root.querySelector('.facts'), 'facts');
    expect(fact(m.root, '受理时限')).toMatch(/^至 .*按时 剩余 1 小时 30 分$/);
  });

  it('marks a superseded dispatch with who won and when, and tells its author', async () => {
    const world = new FakeWorld();
    const id = report(world, NOW - 3 * HOUR);
    world.command('town01', id, { type: 'accept' }, NOW - 3 * HOUR + MIN);
    world.command('county', id, { type: 'dispatch', unitId: 'u001' }, NOW - 2 * HOUR);
    losingDispatch(world, id, 'town01', NOW - 2 * HOUR + 1000, 'u002');
    const town = new FakeSession(world, world.user('town01'));
    m = await mount(<CaseDetail session={town} id={id} />);
    await waitFor(() => m!.root.querySelector('.timeline li'), 'timeline');
    const last = Array.from(m.root.querySelectorAll('.tl-item')).at(-1)!;
    expect(last.classList.contains('is-superseded')).toBe(true);
    expect(last.querySelector('.tl-actor')!.textContent).toBe('城关镇指导中心（镇街指导中心）');
    expect(last.querySelector('.tl-reason')!.textContent).toMatch(/^未生效：案件当前状态不允许此操作（县指挥中心（县指挥中心） 已于 .* 先派遣）$/);
    // Its author sees a notice at the top of the case.
    expect(mustFind(m.root, '.alert-warning').textContent).toMatch(/^您于 .* 的派遣操作未生效（县指挥中心已先派遣）。$/);
    m.unmount();
    // Others do not.
    m = await mount(<CaseDetail session={new FakeSession(world, world.user('county'))} id={id} />);
    await waitFor(() => m!.root.querySelector('.timeline li'), 'timeline');
    expect(m.root.querySelector('.alert-warning')).toBeNull();
  });

  it('offers the nearby open cases of the same category to merge into', async () => {
    const world = new FakeWorld();
    const first = report(world, NOW - 2 * 24 * HOUR, '第一次上报的违建');
    const dup = report(world, NOW - HOUR, '重复上报的违建');
    const town = new FakeSession(world, world.user('town01'));
    m = await mount(<CaseDetail session={town} id={dup} />);
    await waitFor(() => m!.root.querySelector(`#act-merge-${first}`), 'candidate');
    expect(mustFind(m.root, `label[for="act-merge-${first}"]`).textContent).toBe('第一次上报的违建（相距 0 米，已上报）');
    await submit(m.root.querySelector('form[aria-label="合并到…"]'));
    await waitFor(() => mustFind(m!.root, 'h1').textContent?.includes('已合并'), 'merged');
    expect(town.calls.acts[0]!.command).toEqual({ type: 'merge', intoCaseId: first });
    // Issue 11: no raw case id shown, a link to the case it went into.
    expect(fact(m.root, '已合并到')).toBe('查看合并后的案件');
    expect(mustFind(m.root, '.facts a[href^="#/cases/"]').getAttribute('href')).toBe(`#/cases/${first}`);
    expect(m.root.textContent).not.toContain(first);
  });

  it('lets the unit tick the plan’s checklist, and shows it to the others read-only', async () => {
    const world = new FakeWorld();
    const id = dispatched(world, NOW - 2 * HOUR);
    const unit = new FakeSession(world, world.user('unit002'));
    m = await mount(<CaseDetail session={unit} id={id} />);
    await waitFor(() => m!.root.querySelector('.checklist'), 'checklist');
    await click(mustFind(m.root, '#step-1'));
    await waitFor(() => mustFind(m!.root, '#checklist-progress').textContent === '违章建筑处置预案：已完成 1/3 步', 'ticked');
    expect(unit.calls.acts[0]!.command).toEqual({ type: 'checklist', step: 1, done: true });
    expect(mustFind<HTMLInputElement>(m.root, '#step-1').checked).toBe(true);
    expect(Array.from(m.root.querySelectorAll('.tl-detail')).map((d) => d.textContent)).toContain('完成第 2 步 下达整改通知书');
    m.unmount();

    m = await mount(<CaseDetail session={new FakeSession(world, world.user('town01'))} id={id} />);
    await waitFor(() => m!.root.querySelector('.checklist'), 'checklist');
    expect(m.root.querySelector('.checklist input')).toBeNull();
    expect(Array.from(m.root.querySelectorAll('.checklist .step')).map((s) => s.textContent)).toEqual(['○现场核实未完成', '✓下达整改通知书已完成', '○拆除并复查未完成']);
  });

  it('walks return, re-dispatch, extension, supervision, failed verification and feedback', async () => {
    const world = new FakeWorld();
    const id = dispatched(world, NOW - 5 * HOUR);
    world.command('unit002', id, { type: 'return', reason: '不属于本单位' }, NOW - 4 * HOUR);
    world.command('town01', id, { type: 'dispatch', unitId: 'u001', planId: 'P001' }, NOW - 3 * HOUR);
    world.command('unit001', id, { type: 'request_extension', hours: 24, reason: '等待材料' }, NOW - 2 * HOUR);
    // The center acts at 08:30, before the later history below.
    world.nowMs = NOW - 90 * MIN;
    const town = new FakeSession(world, world.user('town01'));
    m = await mount(<CaseDetail session={town} id={id} />);
    await waitFor(() => m!.root.querySelector('form[aria-label="审批延期"]'), 'decision');
    expect(fact(m.root, '延期申请')).toMatch(/^住建局办事员 于 .* 申请延期 24 小时：等待材料 待审批$/);
    await click(byText(m.root, 'form[aria-label="审批延期"] button', '不同意延期'));
    await waitFor(() => fact(m!.root, '延期申请')?.endsWith('未同意'), 'refused');
    expect(town.calls.acts.at(-1)!.command).toEqual({ type: 'decide_extension', approve: false });
    // Supervision is folded away under its name.
    const sup = mustFind(m.root, 'details.action-more form[aria-label="督办"]');
    await type(sup.querySelector('textarea'), '请加快处置');
    await submit(sup);
    await waitFor(() => fact(m!.root, '督办') === '已督办 1 次', 'supervised');
    expect(byText(m.root, '.tl-item', '请加快处置')!.querySelector('.badge-red')!.textContent).toBe('镇级督办');
    world.nowMs = NOW;
    world.command('unit001', id, { type: 'resolve', note: '已处置' }, NOW - HOUR);
    world.command('w0001', id, { type: 'fail_verification', reason: '现场仍有问题' }, NOW - 50 * MIN);
    world.command('unit001', id, { type: 'resolve', note: '再次处置' }, NOW - 40 * MIN);
    world.command('w0001', id, { type: 'verify' }, NOW - 30 * MIN);
    world.command('w0001', id, { type: 'close' }, NOW - 20 * MIN);
    await waitFor(() => mustFind(m!.root, 'h1').textContent?.includes('已结案'), 'closed');
    expect(actionButtons(m.root)).toEqual(['登记回访', '重新打开']);
    await click(mustFind(m.root, '#act-sat-satisfied'));
    await submit(m.root.querySelector('form[aria-label="登记回访"]'));
    await waitFor(() => fact(m!.root, '群众满意度') === '满意', 'feedback');
    const types = Array.from(m.root.querySelectorAll('.tl-type')).map((e) => e.textContent);
    expect(types).toEqual(['上报', '受理', '派遣', '退回', '派遣', '申请延期', '延期审批', '督办', '处置完成', '核查不通过', '处置完成', '核实', '结案', '回访']);
    const details = Array.from(m.root.querySelectorAll('.tl-detail')).map((d) => d.textContent);
    expect(details).toContain('不属于本单位');
    expect(details).toContain('申请延期 24 小时：等待材料');
    expect(details).toContain('不同意延期');
    expect(details).toContain('现场仍有问题');
    expect(details).toContain('满意');
  });
});
