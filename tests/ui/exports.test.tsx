/**
 * The 导出 buttons (issue 15) on the 考核 screen and the case list, and the printable monthly report: what they ask
 * the relay for, what they say offline and on failure (never silent), and the report's tables.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Assessment } from '../../src/features/assessment/Assessment.tsx';
import { MonthlyReport, monthDays } from '../../src/features/assessment/Report.tsx';
import { CaseList } from '../../src/features/cases/CaseList.tsx';
import { dispositionName } from '../../src/features/exports/ExportButtons.tsx';
import { caseExportQuery } from '../../src/features/exports/queries.ts';
import { parseHash, routeHref } from '../../src/app/router.ts';
import { FakeSession, FakeWorld, NOW } from './fake-services.ts';
import { byText, click, mount, mustFind, resetLang, waitFor, type Mounted } from './helpers.ts';
import { dispatched, HOUR, MIN, report } from './work-helpers.ts';

function world(): FakeWorld {
  const w = new FakeWorld();
  report(w, NOW - 10 * HOUR, '路灯不亮');
  report(w, NOW - 8 * HOUR, '垃圾堆放');
  return w;
}

/** A session with the relay's API answering `answer` to every path (recorded in `paths`). */
function withApi(session: FakeSession, answer: () => Response) {
  const paths: string[] = [];
  (session as unknown as { api: (p: string) => Promise<Response> }).api = async (p: string) => {
    paths.push(p);
    return answer();
  };
  return paths;
}

describe('export buttons', () => {
  let m: Mounted | undefined;
  beforeEach(resetLang);
  afterEach(() => {
    m?.unmount();
    vi.restoreAllMocks();
  });

  it('on the 考核 screen: offline they say they need a connection; online they download the file the relay names', async () => {
    const w = world();
    const county = new FakeSession(w, w.user('county'), { status: { connection: 'offline' } });
    m = await mount(<Assessment session={county} />);
    await waitFor(() => m!.root.querySelector('.figures'), 'figures');
    const xlsx = byText(m.root, '.export-bar button', '导出 Excel')!;
    expect(xlsx.getAttribute('aria-disabled')).toBe('true');
    expect(mustFind(m.root, '.export-why').textContent).toBe('导出需要联网：连接到服务器后再试。');
    await click(xlsx);
    expect(mustFind(m.root, '.export-msg').textContent).toBe('');

    const saved: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download);
    });
    URL.createObjectURL ??= () => 'blob:x';
    URL.revokeObjectURL ??= () => {};
    const paths = withApi(county, () => new Response('x', { status: 200, headers: { 'content-disposition': `attachment; filename="a.xlsx"; filename*=UTF-8''${encodeURIComponent('考核-全县.xlsx')}` } }));
    county.status.value = { ...county.status.value, connection: 'online' };
    await waitFor(() => !m!.root.querySelector('.export-why'), 'online');
    await click(byText(m.root, '.export-bar button', '导出 Excel'));
    await waitFor(() => saved.length, 'saved');
    expect(saved).toEqual(['考核-全县.xlsx']);
    expect(paths[0]).toMatch(/^\/api\/exports\/stats\.xlsx\?scope=county&from=\d{4}-01-01&to=\d{4}-\d{2}-\d{2}$/);
    expect(mustFind(m.root, '.export-msg').textContent).toBe('已下载：考核-全县.xlsx');
    // The CSV is the screen's breakdown (towns for the county).
    await click(byText(m.root, '.export-bar button', '导出 CSV'));
    await waitFor(() => paths.length === 2, 'csv');
    expect(paths[1]).toMatch(/^\/api\/exports\/stats\.csv\?scope=county&.*&table=towns$/);
    // A failure is said.
    withApi(county, () => new Response('{"error":"too_large"}', { status: 413 }));
    await click(byText(m.root, '.export-bar button', '导出 CSV'));
    await waitFor(() => mustFind(m!.root, '.export-msg').textContent?.startsWith('案件太多'), '413 said');
    withApi(county, () => new Response('{"error":"forbidden"}', { status: 403 }));
    await click(byText(m.root, '.export-bar button', '导出 CSV'));
    await waitFor(() => mustFind(m!.root, '.export-msg').textContent === '您无权导出这个范围。', '403 said');
  });

  it('on the case list: the filters go with the export', async () => {
    const w = world();
    const town = new FakeSession(w, w.user('town01'));
    const paths = withApi(town, () => new Response('{}', { status: 500 }));
    m = await mount(<CaseList session={town} />);
    await waitFor(() => byText(m!.root, '.export-bar button', '导出 GeoJSON（地图）'), 'buttons');
    await click(byText(m.root, '.export-bar button', '导出 GeoJSON（地图）'));
    await waitFor(() => mustFind(m!.root, '.export-msg').textContent === '导出失败（500），请重试。', 'failure said');
    expect(paths[0]).toMatch(/^\/api\/exports\/cases\.geojson\?scope=t01&from=\d{4}-01-01&to=\d{4}-\d{2}-\d{2}$/);
  });
});

describe('caseExportQuery', () => {
  it('is the user’s own scope with the list’s filters; a secretary exports a chosen grid', () => {
    const q = (u: Parameters<typeof caseExportQuery>[0], f = {}) => caseExportQuery(u, f, NOW);
    expect(q({ role: 'county' }, { status: 'closed', category: '01', gridId: 'g0002' })!.query).toMatch(/^scope=county&from=.*&grid=g0002&status=closed&category=01$/);
    expect(q({ role: 'worker', gridId: 'g0001' }, { gridId: 'g0001' })!.query).not.toContain('grid=');
    expect(q({ role: 'secretary' })!.needsGrid).toBe(true);
    expect(q({ role: 'secretary' }, { gridId: 'g0001' })).toMatchObject({ needsGrid: false });
    expect(q({ role: 'resident' })).toBeNull();
  });
});

describe('helpers', () => {
  it('read a Content-Disposition, a month, the report route', () => {
    expect(dispositionName(`attachment; filename="x.csv"; filename*=UTF-8''%E6%A1%88.csv`)).toBe('案.csv');
    expect(dispositionName('attachment; filename="x.csv"')).toBe('x.csv');
    expect(monthDays('2026-02')).toMatchObject({ from: '2026-02-01', to: '2026-02-28' });
    expect(monthDays('2026-12')).toMatchObject({ from: '2026-12-01', to: '2026-12-31' });
    expect(monthDays('2026-13')).toBeNull();
    expect(parseHash('#/stats/report?month=2026-11&scope=t01')).toEqual({ name: 'statsReport', month: '2026-11', scope: 't01' });
    expect(routeHref({ name: 'statsReport', month: '2026-11', scope: 'county' })).toBe('#/stats/report?month=2026-11&scope=county');
  });
});

describe('monthly report', () => {
  let m: Mounted | undefined;
  beforeEach(resetLang);
  afterEach(() => m?.unmount());

  it('lays out the month’s figures and breakdown from the device’s 考核, with a print button', async () => {
    const w = world();
    const county = new FakeSession(w, w.user('county'));
    const month = new Date(NOW + 8 * HOUR).toISOString().slice(0, 7);
    m = await mount(<MonthlyReport session={county} month={month} scope="county" />);
    await waitFor(() => m!.root.querySelector('.mr-kv'), 'figures');
    expect(mustFind(m.root, 'h1').textContent).toBe(`全县考核月报 ${month}`);
    const kv = Object.fromEntries(Array.from(m.root.querySelectorAll('.mr-kv tbody tr')).map((tr) => [tr.children[0]!.textContent, tr.children[1]!.textContent]));
    expect(kv['案件数']).toBe('2');
    expect(kv['满意率']).toBe('—');
    expect(mustFind(m.root, '#mr-towns').textContent).toBe('各乡镇');
    const print = vi.fn();
    window.print = print;
    await click(byText(m.root, 'button', '打印'));
    expect(print).toHaveBeenCalled();
  });

  it('credits each helping unit (协办) with the figures the 考核 screen shows (issue 17)', async () => {
    const w = world();
    const both = dispatched(w, NOW - 9 * HOUR, '两个协办单位', { unitId: 'u002', planId: 'P001', helperUnitIds: ['u001', 'u003'] });
    const dispatchId = w.states().get(both)!.dispatchId!;
    w.command('unit001', both, { type: 'record_assist', dispatchId, note: '已到场配合' }, NOW - 8 * HOUR);
    w.command('unit001', both, { type: 'confirm_assist', dispatchId }, NOW - 8 * HOUR + MIN);
    w.command('town01', both, { type: 'release_assist', dispatchId, unitId: 'u003', reason: '无需协办' }, NOW - 7 * HOUR);
    const open = dispatched(w, NOW - 6 * HOUR, '协办未完成', { unitId: 'u002', planId: 'P001', helperUnitIds: ['u001'] });
    expect(w.states().get(open)!.helpers).toHaveLength(1);
    const county = new FakeSession(w, w.user('county'));
    const month = new Date(NOW + 8 * HOUR).toISOString().slice(0, 7);
    const cells = (root: HTMLElement, sel: string) =>
      Object.fromEntries(Array.from(root.querySelectorAll(`${sel} tbody tr`)).map((tr) => [tr.getAttribute('data-unit'), Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)]));
    m = await mount(<MonthlyReport session={county} month={month} scope="county" />);
    await waitFor(() => m!.root.querySelector('.mr-assists'), 'assists section');
    expect(mustFind(m.root, '#mr-assists').textContent).toBe('协办情况');
    expect(Array.from(m.root.querySelectorAll('.mr-assists thead th')).map((th) => th.textContent)).toEqual(['名称', '协办', '协办已确认', '按期确认', '被释放', '协办未完成']);
    const report = cells(m.root, '.mr-assists');
    expect(report).toEqual({ u001: ['2', '1', '1', '0', '1'], u003: ['1', '0', '0', '1', '0'] });
    m.unmount();
    // The 考核 screen's card: the same numbers.
    m = await mount(<Assessment session={county} />);
    await waitFor(() => m!.root.querySelector('section[aria-labelledby="assists-title"] tbody tr'), 'assists card');
    expect(cells(m.root, 'section[aria-labelledby="assists-title"]')).toEqual(report);
  });

  it('refuses a scope the user may not assess', async () => {
    const w = world();
    const town = new FakeSession(w, w.user('town01'));
    m = await mount(<MonthlyReport session={town} month="2026-11" scope="county" />);
    expect(m.root.textContent).toContain('您的角色不能使用此功能。');
  });
});
