import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CASES_PAINTED_MARK, CaseList } from '../../src/features/cases/CaseList.tsx';
import { FakeSession, FakeWorld } from './fake-services.ts';
import { byText, choose, click, mount, mustFind, resetLang, settle, type, waitFor, type Mounted } from './helpers.ts';

describe('case list', () => {
  let m: Mounted | undefined;
  beforeEach(async () => {
    await resetLang();
    performance.clearMarks();
  });
  afterEach(() => m?.unmount());

  it('renders rows from the session, newest first, only those near the viewport', async () => {
    const world = new FakeWorld();
    world.seed(600);
    const session = new FakeSession(world, world.user('town01'));
    m = await mount(<CaseList session={session} />);
    await waitFor(() => m!.root.querySelectorAll('.case-list a.case-row').length > 0, 'rows');
    expect(mustFind(m.root, '.cases-count').textContent).toBe('共 600 件');
    const items = m.root.querySelectorAll('.case-list > li');
    expect(items.length).toBeGreaterThan(3);
    expect(items.length).toBeLessThan(60);
    expect(items[0]!.getAttribute('aria-setsize')).toBe('600');
    expect(items[0]!.getAttribute('aria-posinset')).toBe('1');
    const first = mustFind(m.root, '.case-list a.case-row');
    expect(first.textContent).toContain('案件描述 1：');
    expect(first.textContent).toContain('已上报');
    expect(first.textContent).toContain('城乡建设 / 违章建筑');
    expect(first.textContent).toContain('太平村 · 第一网格');
    expect(first.getAttribute('href')).toMatch(/^#\/cases\/[0-9A-Z]{26}$/);
    // Paged by offset/limit: only the first page was needed.
    expect(session.calls.queries.every((q) => q.limit === 50)).toBe(true);
    expect(session.calls.queries.map((q) => q.offset)).toContain(0);
    expect(session.calls.queries.map((q) => q.offset)).not.toContain(550);
    await waitFor(() => performance.getEntriesByName(CASES_PAINTED_MARK).length === 1, 'cases-painted mark');
  });

  it('filters by status, grid and category, and re-queries with the filter', async () => {
    const world = new FakeWorld();
    world.seed(40);
    const session = new FakeSession(world, world.user('town01'));
    m = await mount(<CaseList session={session} />);
    await waitFor(() => mustFind(m!.root, '.cases-count').textContent === '共 40 件', 'count');

    await choose(mustFind(m.root, '#f-status'), 'accepted');
    await waitFor(() => mustFind(m!.root, '.cases-count').textContent === '共 10 件', 'accepted count');
    const statuses = Array.from(m.root.querySelectorAll('.case-row .badge')).map((b) => b.textContent);
    expect(new Set(statuses)).toEqual(new Set(['已受理']));
    expect(session.calls.queries.at(-1)!.filter).toEqual({ status: 'accepted' });

    // The grid select offers the town's grids only, labelled with their village.
    const gridOptions = Array.from(mustFind(m.root, '#f-grid').querySelectorAll('option')).map((o) => o.textContent);
    expect(gridOptions).toEqual(['全部', '太平村 · 第一网格', '太平村 · 第二网格', '新兴社区 · 第一网格']);
    await choose(mustFind(m.root, '#f-grid'), 'g0002');
    await settle();
    expect(session.calls.queries.at(-1)!.filter).toEqual({ status: 'accepted', gridId: 'g0002' });

    await choose(mustFind(m.root, '#f-status'), '');
    await choose(mustFind(m.root, '#f-grid'), '');
    expect(m.root.querySelector('#f-sub')).toBeNull();
    await choose(mustFind(m.root, '#f-major'), '02');
    await waitFor(() => mustFind(m!.root, '.cases-count').textContent === '共 16 件', 'major 02 count');
    await choose(mustFind(m.root, '#f-sub'), '0202');
    await waitFor(() => mustFind(m!.root, '.cases-count').textContent === '共 8 件', 'sub 0202 count');
    expect(session.calls.queries.at(-1)!.filter).toEqual({ category: '0202' });
    for (const row of Array.from(m.root.querySelectorAll('.case-cat'))) expect(row.textContent).toBe('社会保障 / 最低生活保障');

    await choose(mustFind(m.root, '#f-status'), 'closed');
    await waitFor(() => mustFind(m!.root, '.cases-count').textContent === '没有符合条件的案件。', 'empty');
    await waitFor(() => byText(m!.root, 'button', '清除筛选'), 'clear button');
  });

  it('re-queries when the read model changes and marks rows with unsaved changes', async () => {
    const world = new FakeWorld();
    world.seed(5);
    const session = new FakeSession(world, world.user('w0001'));
    m = await mount(<CaseList session={session} />);
    await waitFor(() => mustFind(m!.root, '.cases-count').textContent === '共 2 件', 'count');
    // A grid worker has one grid: no grid filter.
    expect(m.root.querySelector('#f-grid')).toBeNull();
    expect(m.root.querySelector('.badge-pending')).toBeNull();

    await session.report({ category: '0301', description: '新上报的纠纷', location: { lat: 41.2, lng: 122.05 }, gridId: 'g0001' });
    await waitFor(() => mustFind(m!.root, '.cases-count').textContent === '共 3 件', 'count after report');
    const first = await waitFor(() => byText(m!.root, 'a.case-row', '新上报的纠纷'), 'new row');
    expect(first.querySelector('.badge-pending')?.textContent).toBe('未同步');
  });
});

describe('case list memory', () => {
  beforeEach(resetLang);

  it('comes back to the case that was opened, with the count known at once', async () => {
    const world = new FakeWorld();
    world.seed(30);
    // (The list keeps each user's filter for the page's lifetime: a user no other test filtered with.)
    const session = new FakeSession(world, world.user('county'));
    let m = await mount(<CaseList session={session} />);
    await waitFor(() => m.root.querySelectorAll('a.case-row').length > 2, 'rows');
    const link = m.root.querySelectorAll<HTMLAnchorElement>('a.case-row')[2]!;
    const href = link.getAttribute('href');
    link.addEventListener('click', (e) => e.preventDefault());
    link.click();
    m.unmount();

    m = await mount(<CaseList session={session} />);
    expect(mustFind(m.root, '.cases-count').textContent).toBe('共 30 件');
    await waitFor(() => document.activeElement?.getAttribute('href') === href, 'focus on the opened case');
    m.unmount();
  });
});

describe('case list search', () => {
  let m: Mounted | undefined;
  beforeEach(resetLang);
  afterEach(() => m?.unmount());

  it('searches description, address, number and reporter name over the local read model', async () => {
    const world = new FakeWorld();
    const ids = world.seed(600);
    const withAddress = world.command(
      'w0001',
      null,
      { type: 'report', category: '0101', description: '井盖缺失', address: '幸福路 12 号', location: { lat: 41.2, lng: 122.05 }, gridId: 'g0001', townId: 't01' },
      world.nowMs - 60_000,
    ).caseId;
    // (The list keeps each user's filter and search for the page's lifetime: a user no other test uses.)
    const session = new FakeSession(world, world.user('admin'));
    m = await mount(<CaseList session={session} />);
    await waitFor(() => mustFind(m!.root, '.cases-count').textContent === '共 601 件', 'all');
    const box = mustFind(m.root, 'input[type="search"]');
    expect(mustFind(m.root, 'label[for="f-q"]').textContent).toBe('搜索案件');

    const rows = () => Array.from(m!.root.querySelectorAll('.case-list a.case-row')).map((a) => a.getAttribute('href'));
    const search = async (q: string, count: string) => {
      await type(box, q);
      await waitFor(() => mustFind(m!.root, '.cases-count').textContent === count, `${q}: ${count}`);
    };
    await search('幸福路', '找到 1 件');
    expect(rows()).toEqual([`#/cases/${withAddress}`]);
    await search('案件描述 12：', '找到 1 件');
    await search(ids[7]!.toLowerCase(), '找到 1 件');
    await waitFor(() => rows()[0] === `#/cases/${ids[7]}`, 'the case by its number');
    expect(rows()).toEqual([`#/cases/${ids[7]}`]);
    const reporter = world.org.user(world.org.grid('g0002')!.workerId)!.name;
    await search(reporter, '找到 200 件');
    await search('没有这种案件', '没有找到包含“没有这种案件”的案件。');
    // With a filter: the search is within it.
    await choose(mustFind(m.root, '#f-status'), 'accepted');
    await search(reporter, '找到 50 件');
    await click(byText(m.root, '.case-search button', '清除'));
    await waitFor(() => mustFind(m!.root, '.cases-count').textContent === '共 150 件', 'filter only');
    expect((box as HTMLInputElement).value).toBe('');
  });
});
