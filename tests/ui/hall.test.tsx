import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Hall } from '../../src/features/hall/Hall.tsx';
import { rankFigures } from '../../src/features/hall/compute.ts';
import { assess, assessAll, orgCounts, table1, type AssessScope } from '../../src/domain/assessment.ts';
import { cstDay, cstDayStart, cstYearStart, DAY_MS } from '../../src/domain/period.ts';
import { toRecord, toRow } from '../../src/storage/readmodel.ts';
import type { CaseRow } from '../../src/app/services.ts';
import { FakeSession, FakeWorld, NOW } from './fake-services.ts';
import { mount, mustFind, resetLang, settle, waitFor, type Mounted } from './helpers.ts';
import { HOUR, MIN } from './work-helpers.ts';

const LOC1 = { lat: 41.2034, lng: 122.0512 };
const LOC4 = { lat: 41.1023, lng: 122.2011 };

/** Today (2025-11-20 CST): two completed in 城关镇 (one late), one waiting there, one new in 东郭镇; older cases. */
function hallWorld(): FakeWorld {
  const w = new FakeWorld();
  const rep = (user: string, grid: string, town: string, at: number, category = '0101') =>
    w.command(user, null, { type: 'report', category, description: `案件 ${at}`, location: town === 't01' ? LOC1 : LOC4, gridId: grid, townId: town }, at).caseId;
  const a = rep('w0001', 'g0001', 't01', NOW - 9 * HOUR);
  w.command('town01', a, { type: 'accept' }, NOW - 9 * HOUR + 30 * MIN);
  w.command('town01', a, { type: 'dispatch', unitId: 'u002', planId: 'P001' }, NOW - 9 * HOUR + 40 * MIN);
  w.command('unit002', a, { type: 'resolve', note: '已处置' }, NOW - 6 * HOUR);
  w.command('w0001', a, { type: 'verify' }, NOW - 5 * HOUR);
  const b = rep('w0001', 'g0001', 't01', NOW - 8 * HOUR, '0102');
  w.command('town01', b, { type: 'accept' }, NOW - 5 * HOUR);
  w.command('town01', b, { type: 'dispatch', unitId: 'u002', dueHours: 2 }, NOW - 5 * HOUR + MIN);
  w.command('unit002', b, { type: 'resolve', note: '已处置' }, NOW - 2 * HOUR);
  w.command('w0001', b, { type: 'verify' }, NOW - HOUR);
  rep('w0002', 'g0002', 't01', NOW - 5 * HOUR, '0201');
  rep('w0004', 'g0004', 't02', NOW - HOUR, '0301');
  // Three days ago in 东郭镇: completed on time (东郭镇 ranks first on 按时办结率).
  const e = rep('w0004', 'g0004', 't02', NOW - 3 * DAY_MS, '0101');
  w.command('town02', e, { type: 'accept' }, NOW - 3 * DAY_MS + 20 * MIN);
  w.command('town02', e, { type: 'dispatch', unitId: 'u001', planId: 'P001' }, NOW - 3 * DAY_MS + 30 * MIN);
  w.command('unit001', e, { type: 'resolve', note: '已处置' }, NOW - 3 * DAY_MS + 5 * HOUR);
  w.command('w0004', e, { type: 'verify' }, NOW - 3 * DAY_MS + 6 * HOUR);
  // 40 days ago, still open: on the map, not in the 30 days.
  rep('w0003', 'g0003', 't01', NOW - 40 * DAY_MS);
  return w;
}

const rowsOf = (w: FakeWorld): CaseRow[] => [...w.states().values()].map((s) => toRow(toRecord(s, 'fake', false)));
const todayPeriod = () => {
  const fromMs = cstDayStart(cstDay(NOW))!;
  return { fromMs, toMs: fromMs + DAY_MS };
};
const tile = (root: HTMLElement, id: string) => root.querySelector(`[data-figure="${id}"] .hall-tile-value`)?.textContent;
const tiles = (root: HTMLElement) => ['new', 'open', 'overdue', 'closed'].map((id) => tile(root, id));

/** A session with the engine's two hall methods: rows by report time, and each write's rows pushed to listeners. */
class LiveSession extends FakeSession {
  private listeners = new Set<(c: { put: CaseRow[]; del: string[] } | null) => void>();
  reads = 0;
  async caseRowsBetween(fromMs: number, toMs: number): Promise<CaseRow[]> {
    this.reads++;
    return rowsOf(this.world).filter((r) => r.reportedMs >= fromMs && r.reportedMs < toMs);
  }
  onCaseRows(f: (c: { put: CaseRow[]; del: string[] } | null) => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }
  /** As the engine after a flush: the rows of the given cases. */
  push(ids: string[]): void {
    const put = rowsOf(this.world).filter((r) => ids.includes(r.id));
    for (const f of this.listeners) f({ put, del: [] });
  }
}

describe('command hall (指挥中心)', () => {
  let m: Mounted | undefined;
  beforeEach(async () => {
    await resetLang();
    localStorage.clear();
  });
  afterEach(() => m?.unmount());

  it('shows the county’s figures as assess() and table1() compute them, and ranks towns by the 考核 rates', async () => {
    const world = hallWorld();
    const county = new FakeSession(world, world.user('county'));
    m = await mount(<Hall session={county} />);
    await waitFor(() => tile(m!.root, 'new'), 'headline figures');
    expect(mustFind(m.root, 'h1').textContent).toBe('全县指挥中心');

    const rows = rowsOf(world);
    const scope: AssessScope = { kind: 'county' };
    const today = assess(rows, scope, todayPeriod(), NOW);
    expect(tiles(m.root)).toEqual([today.cases, today.open, today.overdue, today.completed].map(String));
    // and, by hand: 4 reported today, 2 open, 2 overdue (one late completion, one unanswered for 5 h), 2 completed
    expect(tiles(m.root)).toEqual(['4', '2', '2', '2']);

    // Table 1: the year so far, as the 考核 screen's county default.
    const year = assess(rows, scope, { fromMs: cstYearStart(NOW), toMs: todayPeriod().toMs }, NOW);
    const t1 = table1(orgCounts(world.org.data), year);
    const shown = Array.from(m.root.querySelectorAll('#hall-t1-title ~ table tbody tr')).map((tr) => tr.querySelector('td')!.textContent);
    expect(shown).toHaveLength(t1.length);
    expect(shown[4]).toBe(String(t1[4]!.value)); // 上报的案件数
    expect(shown[4]).toBe('6');
    expect(shown[6]).toBe(`${((t1[6]!.value ?? 0) * 100).toFixed(1)}%`); // 问题解决完成率

    // Towns ranked: 东郭镇 (100% on time) before 城关镇 (50%), although t01 sorts first by id.
    const trend = { fromMs: todayPeriod().fromMs - 29 * DAY_MS, toMs: todayPeriod().toMs };
    const report = assessAll(rows, trend, NOW);
    const expected = rankFigures(Object.entries(report.towns).map(([id, figures]) => ({ id, figures }))).map((r) => r.id);
    expect(expected).toEqual(['t02', 't01']);
    expect(Array.from(m.root.querySelectorAll('#hall-areas tbody tr')).map((tr) => tr.getAttribute('data-id'))).toEqual(expected);
    expect(mustFind(m.root, '#hall-areas tbody tr').textContent).toContain('东郭镇');
    const units = rankFigures(Object.entries(report.units).map(([id, figures]) => ({ id, figures }))).map((r) => r.id);
    expect(Array.from(m.root.querySelectorAll('#hall-units tbody tr')).map((tr) => tr.getAttribute('data-id'))).toEqual(units);

    // The 30 days: today 4 cases, three days ago 1; the chart is named and described, its numbers in a table.
    const perDay = Array.from(m.root.querySelectorAll('[aria-labelledby="hall-perday-title"] table tbody tr')).map((tr) => [tr.children[0]!.textContent, tr.children[1]!.textContent]);
    expect(perDay).toHaveLength(30);
    expect(perDay[29]).toEqual([cstDay(NOW), '4']);
    expect(perDay[26]).toEqual([cstDay(NOW - 3 * DAY_MS), '1']);
    expect(mustFind(m.root, 'svg#hall-perday, svg[aria-labelledby^="hall-perday"]').querySelector('title')!.textContent).toBe('每日案件数（近 30 天）');
    // Categories: 城乡建设 (0101, 0102 x1... ) first.
    expect(mustFind(m.root, '.hall-cats li').getAttribute('data-major')).toBe('01');
    // Open now, whenever reported: the two of today and the one of 40 days ago.
    expect(mustFind(m.root, '#hall-map-title').textContent).toContain('全部在办 3 件');
  });

  it('refreshes within a second when events sync, from the written rows only (no re-read)', async () => {
    const world = hallWorld();
    const county = new LiveSession(world, world.user('county'));
    m = await mount(<Hall session={county} />);
    await waitFor(() => tile(m!.root, 'new') === '4', 'first figures');
    expect(county.reads).toBe(1);
    const id = world.command('w0004', null, { type: 'report', category: '0301', description: '新上报', location: LOC4, gridId: 'g0004', townId: 't02' }, NOW).caseId;
    county.push([id]);
    const t0 = Date.now();
    await waitFor(() => tile(m!.root, 'new') === '5', 'refreshed figures', 3_000);
    expect(Date.now() - t0).toBeLessThan(1_500);
    expect(tile(m.root, 'open')).toBe('3');
    expect(county.reads).toBe(1);
    // The case moves on (accepted): the same row again, not a new one.
    world.command('town02', id, { type: 'accept' }, NOW);
    county.push([id]);
    await settle();
    await waitFor(() => mustFind(m!.root, '#hall-map-title').textContent!.includes('全部在办 4 件'), 'open count');
    // The 40-day-old open case is on the map; verified ones are not (completed, as the 考核 counts them).
    expect(tile(m.root, 'new')).toBe('5');
  });

  it('follows casesVersion when the session cannot push rows', async () => {
    const world = hallWorld();
    const county = new FakeSession(world, world.user('county'));
    m = await mount(<Hall session={county} />);
    await waitFor(() => tile(m!.root, 'new') === '4', 'first figures');
    world.command('w0001', null, { type: 'report', category: '0101', description: '又一件', location: LOC1, gridId: 'g0001', townId: 't01' }, NOW);
    await waitFor(() => tile(m!.root, 'new') === '5', 'refreshed figures', 3_000);
  });

  it('shows a town center its town, its grids ranked', async () => {
    const world = hallWorld();
    const town = new FakeSession(world, world.user('town01'));
    m = await mount(<Hall session={town} scope="t02" />);
    await waitFor(() => tile(m!.root, 'new'), 'figures');
    // The requested scope is ignored: a town center sees its own town.
    expect(mustFind(m.root, 'h1').textContent).toBe('城关镇指挥中心');
    const today = assess(rowsOf(world), { kind: 'town', townId: 't01' }, todayPeriod(), NOW);
    expect(tiles(m.root)).toEqual([today.cases, today.open, today.overdue, today.completed].map(String));
    expect(mustFind(m.root, '#hall-areas-title').textContent).toBe('网格考核排行（近 30 天）');
    expect(m.root.querySelector('#hall-t1-title')!.textContent).toBe('今年考核指标');
    expect(m.root.querySelector('.hall-choose')).toBeNull();
  });

  it('never pretends to be live: offline shows 离线 and the last time it was synced', async () => {
    const world = hallWorld();
    const county = new FakeSession(world, world.user('county'), { status: { connection: 'offline', synced: false } });
    m = await mount(<Hall session={county} />);
    await waitFor(() => tile(m!.root, 'new'), 'figures');
    const sync = () => mustFind(m!.root, '.hall-sync').textContent;
    expect(sync()).toBe('离线 · 本次尚未同步');
    county.status.value = { ...county.status.value, connection: 'online', synced: true };
    await waitFor(() => sync() === '实时同步', 'live');
    county.status.value = { ...county.status.value, connection: 'offline', synced: false };
    await waitFor(() => /^离线 · 最后同步 \d\d:\d\d:\d\d$/.test(sync() ?? ''), 'offline with the last sync time');
    expect(mustFind(m.root, '.hall-updated').textContent).toMatch(/数据更新于 \d\d:\d\d:\d\d/);
  });

  it('is not for other roles', async () => {
    const world = hallWorld();
    m = await mount(<Hall session={new FakeSession(world, world.user('w0001'))} />);
    await settle();
    expect(m.root.textContent).toContain('您的角色不能使用此功能。');
  });
});
