import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnitWorkspace } from '../../src/features/work/UnitWorkspace.tsx';
import { FakeSession, FakeWorld, NOW } from './fake-services.ts';
import { byText, click, mount, mustFind, resetLang, submit, type, waitFor, type Mounted } from './helpers.ts';
import { dispatched, HOUR, press } from './work-helpers.ts';

// The rows of the work queue (the finished cases below it are rows too: `finished`).
const rows = (root: HTMLElement) => Array.from(root.querySelectorAll('.queue-list .queue-row'));
const finished = (root: HTMLElement) => Array.from(root.querySelectorAll('.finished-list .queue-row'));
const rowText = (root: HTMLElement, i: number) => rows(root)[i]?.textContent ?? '';

/** Three cases of u002 with different deadlines, and one of another unit. */
function unitWorld() {
  const world = new FakeWorld();
  const soon = dispatched(world, NOW - 40 * HOUR, '即将到期的案件');
  const fresh = dispatched(world, NOW - HOUR, '刚派遣的案件');
  const late = dispatched(world, NOW - 30 * HOUR, '已超时的案件', { unitId: 'u002', dueHours: 24 });
  dispatched(world, NOW - 2 * HOUR, '其他单位的案件', { unitId: 'u001' });
  return { world, soon, fresh, late };
}

describe('unit workspace', () => {
  let m: Mounted | undefined;
  beforeEach(resetLang);
  afterEach(() => m?.unmount());

  it('lists the unit’s cases by deadline with the time left and due soon / overdue badges', async () => {
    const { world } = unitWorld();
    const unit = new FakeSession(world, world.user('unit002'));
    m = await mount(<UnitWorkspace session={unit} />);
    await waitFor(() => rows(m!.root).length === 3, 'rows');
    expect(mustFind(m.root, 'h1').textContent).toContain('我的工作');
    expect(mustFind(m.root, 'h1').textContent).toContain('城关镇综合执法队');
    await waitFor(() => m!.root.querySelector('.work-summary'), 'summary');
    expect(mustFind(m.root, '.work-summary').textContent).toBe('待办 3 件，其中已超时 1 件。按处置时限排序。');
    expect(rowText(m.root, 0)).toContain('已超时的案件');
    expect(rowText(m.root, 0)).toContain('已超时');
    expect(rowText(m.root, 0)).toContain('超时 5 小时 58 分');
    expect(rowText(m.root, 1)).toContain('即将到期的案件');
    expect(rowText(m.root, 1)).toContain('即将到期');
    expect(rowText(m.root, 1)).toContain('剩余 8 小时 2 分');
    expect(rowText(m.root, 2)).toContain('刚派遣的案件');
    expect(rowText(m.root, 2)).toContain('按时');
    expect(rowText(m.root, 2)).toContain('剩余 1 天 23 小时');
    expect(m.root.textContent).not.toContain('其他单位的案件');
  });

  it('acknowledges and starts with one key, and handles the rest in the panel', async () => {
    const { world, soon, late } = unitWorld();
    const unit = new FakeSession(world, world.user('unit002'));
    m = await mount(<UnitWorkspace session={unit} />);
    await waitFor(() => rows(m!.root).length === 3, 'rows');

    // a = 签收 on the focused row, s = 开始处置.
    await press('j');
    await press('a');
    await waitFor(() => unit.calls.acts.length === 1, 'ack');
    expect(unit.calls.acts[0]).toEqual({ caseId: late, command: { type: 'acknowledge' } });
    await waitFor(() => rowText(m!.root, 0).includes('已签收'), 'acknowledged');
    await press('s');
    await waitFor(() => unit.calls.acts.length === 2, 'start');
    expect(unit.calls.acts[1]).toEqual({ caseId: late, command: { type: 'start' } });
    await waitFor(() => rowText(m!.root, 0).includes('处置中'), 'in progress');

    // The panel of the second case: the plan's checklist, ticked in place.
    await press('j');
    await press('d');
    await waitFor(() => m!.root.querySelector('.case-panel .checklist'), 'checklist');
    const panel = mustFind(m.root, '.case-panel');
    expect(mustFind(panel, 'h2').textContent).toBe('办理：城乡建设 / 违章建筑');
    expect(mustFind(panel, '#checklist-progress').textContent).toBe('违章建筑处置预案：已完成 0/3 步');
    const step = mustFind<HTMLInputElement>(panel, '#step-0');
    step.focus();
    await click(step);
    await waitFor(() => unit.calls.acts.length === 3, 'tick');
    expect(unit.calls.acts[2]).toEqual({ caseId: soon, command: { type: 'checklist', step: 0, done: true } });
    await waitFor(() => mustFind(m!.root, '#checklist-progress').textContent === '违章建筑处置预案：已完成 1/3 步', 'progress');
    expect(m.root.querySelector('.case-panel')).not.toBeNull();
    expect(document.activeElement?.id).toBe('step-0');

    // Ask for an extension: hours and reason checked first.
    const extForm = () => m!.root.querySelector('.case-panel form[aria-label="申请延期"]');
    expect(extForm()!.closest('details')).not.toBeNull();
    await type(mustFind(m.root, '#act-ext-hours'), '0');
    await submit(extForm());
    expect(mustFind(m.root, '#act-ext-hours-error').textContent).toBe('延期时长应为 1 到 720 之间的整数。');
    expect(mustFind(m.root, '#act-ext-reason-error').textContent).toBe('请填写延期原因。');
    expect(document.activeElement?.id).toBe('act-ext-hours');
    await type(mustFind(m.root, '#act-ext-hours'), '12');
    await type(mustFind(m.root, '#act-ext-reason'), '需等待村委会协调');
    await submit(extForm());
    await waitFor(() => unit.calls.acts.length === 4, 'extension');
    expect(unit.calls.acts[3]!.command).toEqual({ type: 'request_extension', hours: 12, reason: '需等待村委会协调' });
    await waitFor(() => !m!.root.querySelector('.case-panel'), 'panel closed');
    await waitFor(() => rowText(m!.root, 1).includes('申请延期'), 'flag');
  });

  it('returns a case with a reason and resolves another', async () => {
    const { world, fresh, late } = unitWorld();
    const unit = new FakeSession(world, world.user('unit002'));
    m = await mount(<UnitWorkspace session={unit} />);
    await waitFor(() => rows(m!.root).length === 3, 'rows');
    await click(m.root.querySelectorAll<HTMLButtonElement>('.queue-quick button[aria-keyshortcuts="d"]')[2]!);
    await waitFor(() => m!.root.querySelector('.case-panel form[aria-label="退回"]'), 'return form');
    await submit(m.root.querySelector('.case-panel form[aria-label="退回"]'));
    expect(mustFind(m.root, '#act-returned-text-error').textContent).toBe('请填写退回原因。');
    await type(mustFind(m.root, '#act-returned-text'), '不属于本单位职责，应由住建局处理');
    await submit(m.root.querySelector('.case-panel form[aria-label="退回"]'));
    await waitFor(() => unit.calls.acts.length === 1, 'returned');
    expect(unit.calls.acts[0]).toEqual({ caseId: fresh, command: { type: 'return', reason: '不属于本单位职责，应由住建局处理' } });
    await waitFor(() => rows(m!.root).length === 2, 'gone from the workspace');
    await waitFor(() => byText(m!.root, '[role="status"]', '已退回：城乡建设 / 违章建筑'), 'announced');

    await click(m.root.querySelectorAll<HTMLButtonElement>('.queue-quick button[aria-keyshortcuts="d"]')[0]!);
    await waitFor(() => m!.root.querySelector('.case-panel form[aria-label="处置完成"]'), 'resolve form');
    await type(mustFind(m.root, '#act-resolved-text'), '违建已拆除，现场已清理');
    await submit(m.root.querySelector('.case-panel form[aria-label="处置完成"]'));
    await waitFor(() => unit.calls.acts.length === 2, 'resolved');
    expect(unit.calls.acts[1]).toEqual({ caseId: late, command: { type: 'resolve', note: '违建已拆除，现场已清理' } });
    await waitFor(() => rows(m!.root).length === 1, 'resolved case leaves');
    // Issue 11: and is found among the unit's finished cases.
    await waitFor(() => finished(m!.root).some((r) => r.textContent?.includes('已处置')), 'listed as finished');
  });

  it('is only for units', async () => {
    const world = new FakeWorld();
    m = await mount(<UnitWorkspace session={new FakeSession(world, world.user('town01'))} />);
    expect(byText(m.root, 'p', '您的角色不能使用此功能。')).toBeTruthy();
  });
});
