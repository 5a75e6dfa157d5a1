import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Assessment } from '../../src/features/assessment/Assessment.tsx';
import { FakeSession, FakeWorld, NOW } from './fake-services.ts';
import { choose, mount, mustFind, resetLang, type, waitFor, type Mounted } from './helpers.ts';
import { HOUR, MIN, report } from './work-helpers.ts';

function assessWorld(): FakeWorld {
  const world = new FakeWorld();
  // Accepted in time, resolved within its 48 h, closed, satisfied: 4 h from report to resolve.
  const a = report(world, NOW - 10 * HOUR, '按时办结');
  world.command('town01', a, { type: 'accept' }, NOW - 10 * HOUR + 30 * MIN);
  world.command('town01', a, { type: 'dispatch', unitId: 'u002', planId: 'P001' }, NOW - 9 * HOUR);
  world.command('unit002', a, { type: 'resolve', note: '已处置' }, NOW - 6 * HOUR);
  world.command('w0001', a, { type: 'verify' }, NOW - 5 * HOUR);
  world.command('w0001', a, { type: 'close' }, NOW - 5 * HOUR + MIN);
  world.command('town01', a, { type: 'feedback', satisfaction: 'satisfied' }, NOW - 4 * HOUR);
  // Accepted late (3 h), resolved after its 2 h deadline: 6 h from report to resolve.
  const b = report(world, NOW - 8 * HOUR, '超时办结');
  world.command('town01', b, { type: 'accept' }, NOW - 5 * HOUR);
  world.command('town01', b, { type: 'dispatch', unitId: 'u002', dueHours: 2 }, NOW - 5 * HOUR + MIN);
  world.command('unit002', b, { type: 'resolve', note: '已处置' }, NOW - 2 * HOUR);
  world.command('w0001', b, { type: 'verify' }, NOW - HOUR);
  // Not answered for 5 hours (late), and a fresh one in another town.
  report(world, NOW - 5 * HOUR, '未受理');
  world.command('w0004', null, { type: 'report', category: '0101', description: '东郭镇案件', location: { lat: 41.1, lng: 122.2 }, gridId: 'g0004', townId: 't02' }, NOW - HOUR);
  return world;
}

const figure = (root: HTMLElement, name: string) =>
  Array.from(root.querySelectorAll('.figure')).find((f) => f.querySelector('dt')!.textContent === name)?.querySelector('.figure-value')?.textContent;

describe('assessment', () => {
  let m: Mounted | undefined;
  beforeEach(resetLang);
  afterEach(() => m?.unmount());

  it('shows the county’s figures and Table 1 next to the seed, computed on the device', async () => {
    const world = assessWorld();
    const county = new FakeSession(world, world.user('county'));
    m = await mount(<Assessment session={county} />);
    await waitFor(() => m!.root.querySelector('.figures'), 'figures');
    expect(mustFind(m.root, 'h2').textContent).toBe('全县考核指标');
    expect(figure(m.root, '案件数')).toBe('4');
    expect(figure(m.root, '受理及时率')).toBe('33.3%');
    expect(figure(m.root, '按时办结率')).toBe('50.0%');
    expect(figure(m.root, '办结率')).toBe('50.0%');
    expect(figure(m.root, '满意率')).toBe('100.0%');
    expect(figure(m.root, '平均处置时长')).toBe('5 小时');
    expect(figure(m.root, '超时件数')).toBe('2');
    expect(mustFind(m.root, '.cases-count').textContent).toMatch(/^全县，\d{4}-01-01 至 \d{4}-\d{2}-\d{2} 上报的 4 件案件（在本设备计算，用时 \d+ 毫秒）$/);

    const t1 = Array.from(m.root.querySelectorAll('#table1-title ~ .table-wrap tbody tr')).map((tr) => Array.from(tr.children).map((c) => c.textContent));
    expect(t1[0]).toEqual(['注册单位', '家', '5', '327']);
    expect(t1[3]).toEqual(['网格总数', '个', '4', '844']);
    expect(t1[4]).toEqual(['上报的案件数', '件', '4', '20,000']);
    expect(t1[6]).toEqual(['问题解决完成率', '百分比', '50.0%', '99.0%']);
    // The breakdown by town.
    expect(mustFind(m.root, '#bd-towns').textContent).toBe('各镇街');
    expect(m.root.querySelector('#bd-towns ~ .table-wrap')!.textContent).toContain('东郭镇');

    // Another scope: one town.
    await choose(mustFind(m.root, '#st-kind'), 'town');
    await choose(mustFind(m.root, '#st-target'), 't02');
    await waitFor(() => mustFind(m!.root, 'h2').textContent === '东郭镇考核指标', 'town figures');
    expect(figure(m.root, '案件数')).toBe('1');
    expect(m.root.querySelector('#table1-title')).toBeNull();

    // A period with nothing in it, then an impossible one.
    await choose(mustFind(m.root, '#st-preset'), 'custom');
    await type(mustFind(m.root, '#st-from'), '2024-01-01');
    await type(mustFind(m.root, '#st-to'), '2024-01-31');
    await waitFor(() => figure(m!.root, '案件数') === '0', 'empty period');
    expect(figure(m.root, '满意率')).toBe('—');
    await type(mustFind(m.root, '#st-to'), '2023-12-01');
    expect(mustFind(m.root, '.stats-form .field-error').textContent).toBe('请选择开始和结束日期，结束日期不能早于开始日期。');
  });

  it('lets a town center assess its town, its grids and units, not the county', async () => {
    const world = assessWorld();
    const town = new FakeSession(world, world.user('town01'));
    m = await mount(<Assessment session={town} />);
    await waitFor(() => m!.root.querySelector('.figures'), 'figures');
    expect(Array.from(mustFind<HTMLSelectElement>(m.root, '#st-kind').options).map((o) => o.value)).toEqual(['town', 'unit', 'grid']);
    expect(mustFind(m.root, 'h2').textContent).toBe('城关镇考核指标');
    expect(figure(m.root, '案件数')).toBe('3');
    expect(mustFind(m.root, '#bd-grids').textContent).toBe('各网格');
    await choose(mustFind(m.root, '#st-kind'), 'unit');
    expect(Array.from(mustFind<HTMLSelectElement>(m.root, '#st-target').options).map((o) => o.value)).not.toContain('u004');
    await choose(mustFind(m.root, '#st-target'), 'u002');
    await waitFor(() => mustFind(m!.root, 'h2').textContent === '城关镇综合执法队考核指标', 'unit figures');
    expect(figure(m.root, '案件数')).toBe('2');
  });

  it('lets a grid worker assess their own grid, and nothing else (the relay answers the same scopes: mayAssess)', async () => {
    const world = assessWorld();
    const worker = new FakeSession(world, world.user('w0001'));
    m = await mount(<Assessment session={worker} />);
    await waitFor(() => m!.root.querySelector('.figures'), 'figures');
    // One scope to choose from: no choice is offered, the heading names it.
    expect(m.root.querySelector('#st-kind')).toBeNull();
    expect(m.root.querySelector('#st-target')).toBeNull();
    expect(mustFind(m.root, 'h2').textContent).toMatch(/^.*第一网格考核指标$/);
    expect(figure(m.root, '案件数')).toBe('3');
  });

  it('lets a village secretary assess each grid of the village, and no other grid (issue 11)', async () => {
    const world = assessWorld();
    const sec = new FakeSession(world, world.user('st01v01'));
    m = await mount(<Assessment session={sec} />);
    await waitFor(() => m!.root.querySelector('.figures'), 'figures');
    expect(Array.from(mustFind<HTMLSelectElement>(m.root, '#st-target').options).map((o) => o.value)).toEqual(['g0001', 'g0002']);
    await choose(mustFind(m.root, '#st-target'), 'g0002');
    await waitFor(() => /第二网格考核指标$/.test(mustFind(m!.root, 'h2').textContent ?? ''), 'second grid');
  });
});
