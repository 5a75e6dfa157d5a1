/**
 * Issue 11, the field roles: the reporter's contact (tap-to-call only for the roles that follow a case up), the
 * directions link, the extension request without a prefilled 24, the plan's checklist before the resolve form, the
 * grid worker's home (核查 first, 上报新案件, 已完成), and the secretary's landing route.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { homeRoute, parseHash, routeHref } from '../../src/app/router.ts';
import { CaseDetail } from '../../src/features/cases/CaseDetail.tsx';
import { WorkerTasks } from '../../src/features/tasks/WorkerTasks.tsx';
import { mayCallReporter, ReporterContact } from '../../src/features/workflow/ReporterContact.tsx';
import { FakeSession, FakeWorld, NOW, ORG, orgView } from './fake-services.ts';
import { mount, mustFind, resetLang, waitFor, type Mounted } from './helpers.ts';
import { dispatched, HOUR, report } from './work-helpers.ts';

describe('issue 11: the field roles', () => {
  let m: Mounted | undefined;
  beforeEach(resetLang);
  afterEach(() => m?.unmount());

  it('lets the town center and the unit call the reporter, never other roles or the reporter', async () => {
    const org = orgView({ ...ORG, users: ORG.users.map((u) => (u.id === 'w0001' ? { ...u, phone: '138 0000 1234' } : u)) });
    const town = org.user('town01')!;
    m = await mount(<ReporterContact org={org} reporterId="w0001" viewer={town} />);
    const link = mustFind<HTMLAnchorElement>(m.root, 'a.tel-link');
    expect(link.getAttribute('href')).toBe('tel:13800001234');
    expect(link.textContent).toContain('拨打 138 0000 1234');
    expect(m.root.textContent).toContain('张伟（网格员）');
    m.unmount();
    for (const who of ['st01v01', 'trainer01', 'w0001']) {
      m = await mount(<ReporterContact org={org} reporterId="w0001" viewer={org.user(who)!} />);
      expect(m.root.querySelector('a[href^="tel:"]'), who).toBeNull();
      expect(m.root.textContent).not.toContain('1234');
      m.unmount();
    }
    expect(mayCallReporter(org.user('unit002')!, 'w0001')).toBe(true);
    // An unknown reporter is never shown by id.
    m = await mount(<ReporterContact org={org} reporterId="u9z9" viewer={town} />);
    expect(m.root.textContent).toBe('上报人');
  });

  it('shows the address, a geo: link for directions and the reporter on the case detail', async () => {
    const world = new FakeWorld();
    const id = dispatched(world, NOW - 2 * HOUR);
    const unit = new FakeSession(world, world.user('unit002'));
    m = await mount(<CaseDetail session={unit} id={id} />);
    await waitFor(() => m!.root.querySelector('.facts'), 'facts');
    const geo = mustFind<HTMLAnchorElement>(m.root, 'a.case-map-go');
    expect(geo.getAttribute('href')).toMatch(/^geo:41\.203400,122\.051200\?q=41\.203400,122\.051200/);
    expect(geo.textContent).toContain('导航到这里');
    expect(mustFind(m.root, '.reporter-contact').textContent).toContain('张伟（网格员）');
  });

  it('puts the plan’s checklist before the resolve form, and asks for the extension hours without a default', async () => {
    const world = new FakeWorld();
    const id = dispatched(world, NOW - 2 * HOUR);
    const unit = new FakeSession(world, world.user('unit002'));
    m = await mount(<CaseDetail session={unit} id={id} />);
    await waitFor(() => m!.root.querySelector('#checklist-title'), 'checklist');
    const checklist = mustFind(m.root, '#checklist-title');
    const resolve = mustFind(m.root, 'form[aria-label="处置完成"]');
    expect(checklist.compareDocumentPosition(resolve) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    // 申请延期 is a side step (folded), and its hours are the user's to choose.
    const more = Array.from(m.root.querySelectorAll('details.action-more summary')).map((s) => s.textContent);
    expect(more).toContain('申请延期');
    expect(mustFind<HTMLInputElement>(m.root, '#act-ext-hours').value).toBe('');
  });

  it('announces the 核查 work first on the worker’s home, with 上报新案件 as the main action', async () => {
    const world = new FakeWorld();
    const id = dispatched(world, NOW - 3 * HOUR, '待核查的违建');
    world.command('unit002', id, { type: 'resolve', note: '已拆除' }, NOW - HOUR);
    report(world, NOW - HOUR, '我的上报');
    const worker = new FakeSession(world, world.user('w0001'));
    m = await mount(<WorkerTasks session={worker} tab="reports" />);
    const lead = await waitFor(() => m!.root.querySelector('.home-lead'), 'lead line');
    expect(lead.textContent).toContain('有 1 件案件等您现场核查');
    expect(mustFind(lead, 'a').getAttribute('href')).toBe('#/tasks/verify');
    // The lead line comes before the main action and the tabs.
    const before = (a: Element, b: Element) => Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
    expect(before(lead, mustFind(m.root, '.home-primary'))).toBe(true);
    expect(before(mustFind(m.root, '.home-primary'), mustFind(m.root, '.queue-tabs'))).toBe(true);
    const primary = mustFind(m.root, '.home-primary a.btn-primary');
    expect(primary.getAttribute('href')).toBe('#/report');
    expect(primary.textContent).toContain('上报新案件');
    expect(Array.from(m.root.querySelectorAll('.queue-tab > span:first-child')).map((x) => x.textContent)).toEqual(['待核查', '我的上报', '居民上报', '走访', '已完成']);
  });

  it('keeps a closed case findable in the worker’s 已完成 tab', async () => {
    const world = new FakeWorld();
    const id = dispatched(world, NOW - 5 * HOUR, '核查过的违建');
    world.command('unit002', id, { type: 'resolve', note: '已拆除' }, NOW - 3 * HOUR);
    world.command('w0001', id, { type: 'verify' }, NOW - 2 * HOUR);
    world.command('w0001', id, { type: 'close' }, NOW - 2 * HOUR + 1000);
    const worker = new FakeSession(world, world.user('w0001'));
    m = await mount(<WorkerTasks session={worker} tab="done" />);
    await waitFor(() => m!.root.querySelector('.finished-list .queue-row'), 'finished row');
    expect(mustFind(m.root, '.finished-list').textContent).toContain('核查过的违建');
    expect(mustFind(m.root, '.home-lead').textContent).toContain('目前没有等您核查的案件');
  });

  it('lands the village secretary on the village home', () => {
    expect(homeRoute('secretary')).toEqual({ name: 'village' });
    expect(parseHash('#/village')).toEqual({ name: 'village' });
    expect(routeHref({ name: 'village' })).toBe('#/village');
  });
});
