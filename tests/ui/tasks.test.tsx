import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkerTasks } from '../../src/features/tasks/WorkerTasks.tsx';
import { FakeSession, FakeWorld, NOW } from './fake-services.ts';
import { byText, click, mount, mustFind, resetLang, submit, type, waitFor, type Mounted } from './helpers.ts';
import { dispatched, HOUR, MIN, press, report } from './work-helpers.ts';

const rows = (root: HTMLElement) => Array.from(root.querySelectorAll('.queue-row'));

function taskWorld() {
  const world = new FakeWorld();
  const fixed = dispatched(world, NOW - 20 * HOUR, '路灯已修好待核查');
  world.command('unit002', fixed, { type: 'resolve', note: '已更换灯泡' }, NOW - 3 * HOUR);
  const fixed2 = dispatched(world, NOW - 10 * HOUR, '违建已拆待核查');
  world.command('unit002', fixed2, { type: 'resolve', note: '已拆除' }, NOW - 2 * HOUR);
  // Another grid's fix is not this worker's task.
  const other = world.command('w0002', null, { type: 'report', category: '0101', description: '别的网格', location: { lat: 41.2, lng: 122.05 }, gridId: 'g0002', townId: 't01' }, NOW - 9 * HOUR).caseId;
  world.command('town01', other, { type: 'accept' }, NOW - 9 * HOUR + MIN);
  world.command('town01', other, { type: 'dispatch', unitId: 'u002' }, NOW - 9 * HOUR + 2 * MIN);
  world.command('unit002', other, { type: 'resolve', note: '已处置' }, NOW - HOUR);
  return { world, fixed, fixed2 };
}

describe('grid worker tasks', () => {
  let m: Mounted | undefined;
  beforeEach(resetLang);
  afterEach(() => m?.unmount());

  it('verifies fixes in the worker’s grid, or fails them with a reason', async () => {
    const { world, fixed, fixed2 } = taskWorld();
    const worker = new FakeSession(world, world.user('w0001'));
    m = await mount(<WorkerTasks session={worker} />);
    await waitFor(() => rows(m!.root).length === 2, 'rows');
    expect(mustFind(m.root, 'h1').textContent).toContain('太平村 · 第一网格');
    expect(mustFind(m.root, 'a.queue-tab[aria-current="page"]').textContent).toContain('待核查');
    expect(m.root.textContent).not.toContain('别的网格');
    expect(rows(m.root)[0]!.textContent).toContain('路灯已修好待核查');
    expect(rows(m.root)[0]!.textContent).toContain('城关镇综合执法队');

    // v verifies the focused fix.
    await press('j');
    await press('v');
    await waitFor(() => worker.calls.acts.length === 1, 'verify');
    expect(worker.calls.acts[0]).toEqual({ caseId: fixed, command: { type: 'verify' } });
    await waitFor(() => rows(m!.root).length === 1, 'verified case leaves');

    // The other one failed verification: the reason is required.
    await click(byText(m.root, '.queue-quick button', '核查'));
    await waitFor(() => m!.root.querySelector('.case-panel form[aria-label="核查不通过"]'), 'panel');
    expect(mustFind(m.root, '.case-panel .facts').textContent).toContain('已拆除');
    await submit(m.root.querySelector('.case-panel form[aria-label="核查不通过"]'));
    expect(mustFind(m.root, '#act-verification_failed-text-error').textContent).toBe('请填写核查不通过的原因。');
    await type(mustFind(m.root, '#act-verification_failed-text'), '现场仍有建筑垃圾');
    await submit(m.root.querySelector('.case-panel form[aria-label="核查不通过"]'));
    await waitFor(() => worker.calls.acts.length === 2, 'failed');
    expect(worker.calls.acts[1]).toEqual({ caseId: fixed2, command: { type: 'fail_verification', reason: '现场仍有建筑垃圾' } });
    expect(world.states().get(fixed2)!.status).toBe('verification_failed');
    await waitFor(() => byText(m!.root, '.cases-count', '目前没有待核查的案件。'), 'empty');
  });

  it('lists the worker’s own reports, newest first, and records the feedback of a closed one', async () => {
    const { world, fixed } = taskWorld();
    world.command('w0001', fixed, { type: 'verify' }, NOW - 2 * HOUR);
    world.command('w0001', fixed, { type: 'close' }, NOW - 2 * HOUR + MIN);
    report(world, NOW - 30 * MIN, '刚上报的问题');
    const worker = new FakeSession(world, world.user('w0001'));
    m = await mount(<WorkerTasks session={worker} tab="reports" />);
    await waitFor(() => rows(m!.root).length === 3, 'rows');
    expect(mustFind(m.root, 'a.queue-tab[aria-current="page"]').textContent).toContain('我的上报');
    expect(rows(m.root).map((r) => r.querySelector('.case-desc')!.textContent)).toEqual(['刚上报的问题', '违建已拆待核查', '路灯已修好待核查']);
    expect(rows(m.root)[2]!.textContent).toContain('已结案');

    await click(m.root.querySelectorAll<HTMLButtonElement>('.queue-quick button[aria-keyshortcuts="d"]')[2]!);
    await waitFor(() => m!.root.querySelector('.case-panel form[aria-label="登记回访"]'), 'feedback form');
    await submit(m.root.querySelector('.case-panel form[aria-label="登记回访"]'));
    expect(mustFind(m.root, '#act-sat-error').textContent).toBe('请选择满意度。');
    await click(mustFind(m.root, '#act-sat-basically_satisfied'));
    await submit(m.root.querySelector('.case-panel form[aria-label="登记回访"]'));
    await waitFor(() => worker.calls.acts.length === 1, 'feedback');
    expect(worker.calls.acts[0]).toEqual({ caseId: fixed, command: { type: 'feedback', satisfaction: 'basically_satisfied' } });
    expect(world.states().get(fixed)!.satisfaction).toBe('basically_satisfied');
  });
});
