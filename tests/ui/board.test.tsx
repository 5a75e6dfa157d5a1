import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DispatchBoard } from '../../src/features/board/DispatchBoard.tsx';
import { FakeSession, FakeWorld, NOW } from './fake-services.ts';
import { byText, click, mount, mustFind, resetLang, settle, submit, type, waitFor, type Mounted } from './helpers.ts';
import { boardWorld, dispatched, HOUR, losingDispatch, MIN, press, report } from './work-helpers.ts';

const tabCounts = (root: HTMLElement) =>
  Object.fromEntries(Array.from(root.querySelectorAll('.queue-tab')).map((a) => [a.querySelector('span')!.textContent, a.querySelector('.queue-count')!.firstChild!.textContent]));
const rowTexts = (root: HTMLElement) => Array.from(root.querySelectorAll('.queue-row .case-desc')).map((e) => e.textContent);
const activeRowText = () => (document.activeElement as HTMLElement | null)?.closest('li')?.querySelector('.case-desc')?.textContent;

describe('dispatch board', () => {
  let m: Mounted | undefined;
  beforeEach(async () => {
    await resetLang();
    history.replaceState(null, '', '#/board');
  });
  afterEach(() => m?.unmount());

  it('shows the eight queues with their counts, oldest first, and works from the keyboard', async () => {
    const world = new FakeWorld();
    const ids = boardWorld(world);
    const town = new FakeSession(world, world.user('town01'));
    m = await mount(<DispatchBoard session={town} />);
    await waitFor(() => rowTexts(m!.root).length === 2, 'new rows');
    await waitFor(() => tabCounts(m!.root)['超时'] === '1', 'counts');
    expect(tabCounts(m.root)).toEqual({ 新上报: '2', 待派遣: '2', 退回: '1', 延期申请: '1', 超时: '1', 待核查: '1', 二次回访: '0', 等待协办: '0' });
    expect(mustFind(m.root, 'a.queue-tab[aria-current="page"]').textContent).toContain('新上报');
    expect(rowTexts(m.root)).toEqual(['新上报一：村口违建', '新上报二：路边违建']);
    expect(mustFind(m.root, '.cases-count').textContent).toBe('新上报：共 2 件');
    // The shortcuts are documented on the screen.
    expect(mustFind(m.root, '.shortcuts').textContent).toContain('下一个案件');

    // j / k move between the cases.
    await press('j');
    expect(activeRowText()).toBe('新上报一：村口违建');
    await press('j');
    expect(activeRowText()).toBe('新上报二：路边违建');
    await press('k');
    expect(activeRowText()).toBe('新上报一：村口违建');

    // A shortcut never fires while typing.
    const input = document.createElement('input');
    document.body.appendChild(input);
    input.focus();
    expect(await press('a')).toBe(false);
    expect(town.calls.acts).toHaveLength(0);
    input.remove();

    // a accepts the focused case; focus moves to the case that took its place. (The cursor remembers its row.)
    await press('k');
    expect(activeRowText()).toBe('新上报一：村口违建');
    expect(await press('a')).toBe(true);
    await waitFor(() => town.calls.acts.length === 1, 'accept');
    expect(town.calls.acts[0]).toEqual({ caseId: ids.new1, command: { type: 'accept' } });
    await waitFor(() => rowTexts(m!.root).length === 1, 'row gone');
    await waitFor(() => byText(m!.root, '[role="status"]', '已受理：城乡建设 / 违章建筑'), 'announced');
    await waitFor(() => activeRowText() === '新上报二：路边违建', 'focus on next case');
    await waitFor(() => tabCounts(m!.root)['待派遣'] === '3', 'to_dispatch count');

    // The number keys switch queue.
    await press('4');
    expect(location.hash).toBe('#/board/extension');
  });

  it('dispatches from the panel with the plan’s suggested units, due hours and checklist', async () => {
    const world = new FakeWorld();
    const ids = boardWorld(world);
    const town = new FakeSession(world, world.user('town01'));
    m = await mount(<DispatchBoard session={town} queue="to_dispatch" />);
    await waitFor(() => rowTexts(m!.root).length === 2, 'rows');
    await press('j');
    await press('d');
    await waitFor(() => m!.root.querySelector('.case-panel #act-unit'), 'panel');
    const panel = mustFind(m.root, '.case-panel');
    expect(document.activeElement?.id).toBe('panel-title');
    expect(mustFind(panel, 'h2').textContent).toBe('派遣：城乡建设 / 违章建筑');
    const preview = mustFind(panel, '.plan-preview').textContent!;
    expect(preview).toContain('预案建议单位：城关镇综合执法队、县住房和城乡建设局；时限 48 小时（较急）');
    expect(Array.from(panel.querySelectorAll('.plan-steps li')).map((li) => li.textContent)).toEqual(['现场核实', '下达整改通知书', '拆除并复查']);
    expect(mustFind<HTMLSelectElement>(panel, '#act-unit').value).toBe('u002');
    await submit(panel.querySelector('form[aria-label="派遣"]'));
    await waitFor(() => town.calls.acts.length === 1, 'dispatch');
    expect(town.calls.acts[0]).toEqual({ caseId: ids.acc1, command: { type: 'dispatch', unitId: 'u002', planId: 'P001', dueHours: 48 } });
    await waitFor(() => !m!.root.querySelector('.case-panel'), 'panel closed');
    await waitFor(() => byText(m!.root, '[role="status"]', '已派遣：城乡建设 / 违章建筑'), 'announced');
    await waitFor(() => rowTexts(m!.root).join() === '待派遣二', 'queue updated');

    // Escape closes the panel and puts focus back on the row.
    await press('j');
    await press('d');
    await waitFor(() => m!.root.querySelector('.case-panel'), 'panel again');
    await press('Escape');
    expect(m.root.querySelector('.case-panel')).toBeNull();
    await waitFor(() => activeRowText() === '待派遣二', 'focus back');
  });

  it('decides extensions, supervises overdue cases and re-dispatches returned ones', async () => {
    const world = new FakeWorld();
    const ids = boardWorld(world);
    const town = new FakeSession(world, world.user('town01'));
    m = await mount(<DispatchBoard session={town} queue="extension" />);
    await waitFor(() => rowTexts(m!.root).length === 1, 'extension row');
    expect(mustFind(m.root, '.queue-row').textContent).toContain('申请延期');
    await click(byText(m.root, '.queue-quick button', '审批延期'));
    await waitFor(() => m!.root.querySelector('.case-panel form[aria-label="审批延期"]'), 'decision form');
    expect(mustFind(m.root, '.case-panel .ext-request').textContent).toContain('申请延期 24 小时：需要等待材料');
    await submit(m.root.querySelector('.case-panel form[aria-label="审批延期"]'));
    await waitFor(() => town.calls.acts.length === 1, 'decided');
    expect(town.calls.acts[0]!.command).toEqual({ type: 'decide_extension', approve: true });
    expect(world.states().get(ids.ext!)!.extensionHours).toBe(24);
    m.unmount();

    m = await mount(<DispatchBoard session={town} queue="overdue" />);
    await waitFor(() => rowTexts(m!.root).length === 1, 'overdue row');
    const row = mustFind(m.root, '.queue-row');
    expect(row.textContent).toContain('已超时');
    expect(row.textContent).toContain('超时 5 小时 58 分');
    await click(byText(m.root, '.queue-quick button', '督办'));
    await waitFor(() => m!.root.querySelector('.case-panel form[aria-label="督办"]'), 'supervise form');
    expect(mustFind(m.root, '.case-panel .facts').textContent).toContain('督办层级');
    await submit(m.root.querySelector('.case-panel form[aria-label="督办"]'));
    expect(mustFind(m.root, '#act-supervised-text-error').textContent).toBe('请填写督办意见。');
    await type(mustFind(m.root, '#act-supervised-text'), '请今日内处置完毕');
    await submit(m.root.querySelector('.case-panel form[aria-label="督办"]'));
    await waitFor(() => town.calls.acts.length === 2, 'supervised');
    expect(town.calls.acts[1]).toEqual({ caseId: ids.late, command: { type: 'supervise', note: '请今日内处置完毕' } });
    await waitFor(() => mustFind(m!.root, '.queue-row').textContent?.includes('督办 1 次'), 'supervision shown');
    m.unmount();

    m = await mount(<DispatchBoard session={town} queue="returned" />);
    await waitFor(() => rowTexts(m!.root).length === 1, 'returned row');
    expect(mustFind(m.root, '.queue-row').textContent).toContain('城关镇综合执法队 退回');
    await click(byText(m.root, '.queue-quick button', '重新派遣'));
    await waitFor(() => m!.root.querySelector('.case-panel #act-unit'), 'dispatch form');
    expect(mustFind(m.root, '.case-panel .facts').textContent).toContain('不属于本单位职责');
    await submit(m.root.querySelector('.case-panel form[aria-label="派遣"]'));
    await waitFor(() => town.calls.acts.length === 3, 'redispatched');
    expect(world.states().get(ids.ret!)!.status).toBe('dispatched');
  });

  it('shows possible duplicates of a new report and merges it', async () => {
    const world = new FakeWorld();
    const first = report(world, NOW - 3 * 24 * HOUR, '村口违建，第一次上报');
    world.command('town01', first, { type: 'accept' }, NOW - 3 * 24 * HOUR + MIN);
    // 50 m away, same category, an hour ago: a duplicate. Another category nearby is not.
    const dup = report(world, NOW - HOUR, '村口违建，又有人上报', '0101', { lat: 41.20385, lng: 122.0512 });
    report(world, NOW - 50 * MIN, '路面破损', '0102', { lat: 41.2034, lng: 122.0512 });
    const town = new FakeSession(world, world.user('town01'));
    m = await mount(<DispatchBoard session={town} />);
    await waitFor(() => rowTexts(m!.root).length === 2, 'rows');
    await press('j');
    await press('d');
    await waitFor(() => m!.root.querySelector('.case-panel .dups'), 'duplicates');
    expect(mustFind(m.root, '.case-panel .dups').textContent).toContain('可能重复的案件（1 件）');
    expect(mustFind(m.root, '.case-panel .dups').textContent).toMatch(/村口违建，第一次上报（相距 5\d 米，已受理）/);
    await submit(m.root.querySelector('.case-panel form[aria-label="合并到…"]'));
    await waitFor(() => town.calls.acts.length === 1, 'merged');
    expect(town.calls.acts[0]).toEqual({ caseId: dup, command: { type: 'merge', intoCaseId: first } });
    expect(world.states().get(dup)!.status).toBe('merged');
  });

  it('stays windowed with hundreds of cases', async () => {
    const world = new FakeWorld();
    world.seed(400);
    const town = new FakeSession(world, world.user('town01'));
    m = await mount(<DispatchBoard session={town} />);
    await waitFor(() => mustFind(m!.root, '.cases-count').textContent === '新上报：共 300 件', 'count');
    await settle();
    const rendered = m.root.querySelectorAll('.case-list > li').length;
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(60);
    expect(mustFind(m.root, '.case-list > li').getAttribute('aria-setsize')).toBe('300');
  });

  it('tells the town center when its dispatch lost to another one', async () => {
    const world = new FakeWorld();
    const id = report(world, NOW - 3 * HOUR, '两人同时派遣的案件');
    world.command('town01', id, { type: 'accept' }, NOW - 3 * HOUR + MIN);
    world.command('county', id, { type: 'dispatch', unitId: 'u001' }, NOW - 2 * HOUR);
    losingDispatch(world, id, 'town01', NOW - 2 * HOUR + 1000, 'u002');
    const town = new FakeSession(world, world.user('town01'));
    m = await mount(<DispatchBoard session={town} />);
    await waitFor(() => m!.root.querySelector('.notice-card'), 'notice');
    const notice = mustFind(m.root, '.notice-card');
    expect(notice.textContent).toContain('您有 1 项操作未生效');
    expect(notice.textContent).toMatch(/您于 .* 的派遣操作未生效（县指挥中心已先派遣）。/);
    expect(notice.querySelector('a')!.getAttribute('href')).toBe(`#/cases/${id}`);
    await click(byText(notice, 'button', '知道了'));
    expect(m.root.querySelector('.notice-card')).toBeNull();
    m.unmount();
    m = await mount(<DispatchBoard session={town} />);
    await settle();
    expect(m.root.querySelector('.notice-card')).toBeNull();
  });

  it('is not for units or grid workers', async () => {
    const world = new FakeWorld();
    m = await mount(<DispatchBoard session={new FakeSession(world, world.user('unit002'))} />);
    expect(byText(m.root, 'p', '您的角色不能使用此功能。')).toBeTruthy();
  });

  it('gives each action on a row one name: 受理 accepts, 审核 opens the panel (issue 11, defect 5)', async () => {
    const world = new FakeWorld();
    boardWorld(world);
    const town = new FakeSession(world, world.user('town01'));
    m = await mount(<DispatchBoard session={town} />);
    await waitFor(() => rowTexts(m!.root).length === 2, 'new rows');
    for (const li of Array.from(m.root.querySelectorAll('.case-list > li'))) {
      const names = Array.from(li.querySelectorAll('button')).map((b) => b.getAttribute('aria-label') ?? b.textContent);
      expect(names).toEqual(['受理 · 城乡建设 / 违章建筑', '审核 · 城乡建设 / 违章建筑']);
      expect(new Set(names).size).toBe(names.length);
    }
    await click(byText(m.root, '.case-list > li button', '审核'));
    await waitFor(() => m!.root.querySelector('.case-panel .facts'), 'panel');
    expect(mustFind(m.root, '#panel-title').textContent).toBe('审核：城乡建设 / 违章建筑');
    // The panel's close button says 关闭 (the Esc hint is for keyboards only), its link to the case is a full target.
    expect(byText(m.root, '.case-panel button', '关闭')).toBeTruthy();
    expect(mustFind(m.root, '.case-panel kbd').classList.contains('kbd-only')).toBe(true);
    expect(mustFind(m.root, '.case-panel a.panel-open-case').textContent).toBe('打开案件详情');
    expect(mustFind(m.root, '.shortcuts').classList.contains('kbd-only')).toBe(true);
    expect(mustFind(m.root, '.shortcuts').textContent).not.toMatch(/Enter/);
  });

  it('shows skeletons, not 0 and not the empty text, until the data is known (issue 11, defect 3)', async () => {
    const world = new FakeWorld();
    boardWorld(world);
    // The first sync still arriving: the read model is empty, the relay not reached yet.
    const town = new FakeSession(world, world.user('town01'), { status: { connection: 'connecting', synced: false } });
    const realCount = town.countQueue.bind(town);
    const realQuery = town.queryQueue.bind(town);
    let synced = false;
    town.countQueue = (q, o) => (synced ? realCount(q, o) : Promise.resolve(0));
    town.queryQueue = (q, off, l, o) => (synced ? realQuery(q, off, l, o) : Promise.resolve([]));
    m = await mount(<DispatchBoard session={town} />);
    await settle();
    await settle();
    expect(m.root.querySelectorAll('.queue-count.is-loading .skeleton')).toHaveLength(8);
    expect(m.root.textContent).not.toContain('此队列没有案件');
    expect(m.root.querySelector('.skeleton-rows')).toBeTruthy();
    expect(mustFind(m.root, '.cases-count').textContent).toBe('正在载入…');
    synced = true;
    town.status.value = { ...town.status.value, connection: 'online', synced: true };
    await waitFor(() => tabCounts(m!.root)['超时'] === '1', 'counts');
    expect(tabCounts(m.root)).toEqual({ 新上报: '2', 待派遣: '2', 退回: '1', 延期申请: '1', 超时: '1', 待核查: '1', 二次回访: '0', 等待协办: '0' });
    await waitFor(() => rowTexts(m!.root).length === 2, 'rows');
    expect(m.root.querySelector('.skeleton-rows')).toBeNull();
    expect(mustFind(m.root, '.cases-count').textContent).toBe('新上报：共 2 件');
  });

  it('lists 等待协办: the lead holds the case while a helper owes its part, names the helper, and releases it from the panel (issue 17)', async () => {
    const world = new FakeWorld();
    // Waiting: the lead (u002) works on it, the county bureau (u001) has not confirmed.
    const waiting = dispatched(world, NOW - 6 * HOUR, '等待协办的案件', { unitId: 'u002', planId: 'P001', helperUnitIds: ['u001'] });
    world.command('unit002', waiting, { type: 'acknowledge' }, NOW - 5 * HOUR);
    world.command('unit002', waiting, { type: 'start' }, NOW - 5 * HOUR + MIN);
    // Not waiting: its helper confirmed; nor a resolved case (its helpers are done by the rule), nor one without helpers.
    const done = dispatched(world, NOW - 7 * HOUR, '协办已确认的案件', { unitId: 'u002', planId: 'P001', helperUnitIds: ['u001'] });
    const dispatchId = world.states().get(done)!.dispatchId!;
    world.command('unit001', done, { type: 'record_assist', dispatchId, note: '已到场配合' }, NOW - 6 * HOUR);
    world.command('unit001', done, { type: 'confirm_assist', dispatchId }, NOW - 6 * HOUR + MIN);
    dispatched(world, NOW - 3 * HOUR, '没有协办的案件');
    const town = new FakeSession(world, world.user('town01'));
    m = await mount(<DispatchBoard session={town} queue="awaiting_assist" />);
    await waitFor(() => rowTexts(m!.root).length === 1, 'awaiting_assist row');
    expect(rowTexts(m.root)).toEqual(['等待协办的案件']);
    expect(tabCounts(m.root)['等待协办']).toBe('1');
    expect(mustFind(m.root, 'a.queue-tab[aria-current="page"]').textContent).toContain('等待协办');
    expect(mustFind(m.root, '.queue-row .queue-helpers').textContent).toBe('等待协办：县住房和城乡建设局');

    await click(byText(m.root, '.queue-quick button', '催办或释放'));
    await waitFor(() => m!.root.querySelector('.case-panel form[aria-label="释放协办单位"]'), 'release form');
    await type(mustFind(m.root, '#act-release-reason'), '主办单位可独立办结');
    await submit(m.root.querySelector('.case-panel form[aria-label="释放协办单位"]'));
    await waitFor(() => town.calls.acts.length === 1, 'released');
    expect(town.calls.acts[0]).toEqual({
      caseId: waiting,
      command: { type: 'release_assist', dispatchId: world.states().get(waiting)!.dispatchId, unitId: 'u001', reason: '主办单位可独立办结' },
    });
    await waitFor(() => rowTexts(m!.root).length === 0, 'row gone');
    await waitFor(() => tabCounts(m!.root)['等待协办'] === '0', 'count');
  });
});
