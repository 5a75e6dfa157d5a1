// Issue 13 on the staff screens: the board's 二次回访 queue (the resident's rating and note, the follow-up call and
// the reopen), the 代报 block of the report form, who a case was reported for on its detail, and residents' own
// reports on the grid worker's tasks.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRecordsApi } from '../../src/app/records.ts';
import { startRouter } from '../../src/app/router.ts';
import type { Session } from '../../src/app/services.ts';
import { formatHlc, HybridClock } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import { DispatchBoard } from '../../src/features/board/DispatchBoard.tsx';
import { CaseDetail } from '../../src/features/cases/CaseDetail.tsx';
import { ReportForm } from '../../src/features/report/ReportForm.tsx';
import { WorkerTasks } from '../../src/features/tasks/WorkerTasks.tsx';
import { FakeSession, FakeWorld, NOW, stubRecordSync } from './fake-services.ts';
import { byText, click, mount, mustFind, resetLang, submit, type, waitFor, type Mounted } from './helpers.ts';
import { HOUR, MIN, report } from './work-helpers.ts';

const rnd = (n: number) => crypto.getRandomValues(new Uint8Array(n));

/** A case reported by w0001, carried to closure by the usual actors, and rated by its reporter. */
function closedAndRated(world: FakeWorld, description: string, satisfaction: string, note?: string): string {
  const t = NOW - 20 * HOUR;
  const id = report(world, t, description);
  world.command('town01', id, { type: 'accept' }, t + MIN);
  world.command('town01', id, { type: 'dispatch', unitId: 'u002' }, t + 2 * MIN);
  world.command('unit002', id, { type: 'resolve', note: '已处理' }, t + HOUR);
  world.command('w0001', id, { type: 'verify' }, t + 2 * HOUR);
  world.command('w0001', id, { type: 'close' }, t + 2 * HOUR + MIN);
  world.command('w0001', id, { type: 'feedback', satisfaction, ...(note ? { note } : {}) }, t + 3 * HOUR);
  return id;
}

const rowTexts = (root: HTMLElement) => Array.from(root.querySelectorAll('.queue-row .case-desc:not(.feedback-note)')).map((e) => e.textContent);
const revisitCount = (root: HTMLElement) => byText(root, '.queue-tab', '二次回访')?.querySelector('.queue-count')?.firstChild?.textContent;

describe('board: 二次回访', () => {
  let m: Mounted | undefined;
  beforeEach(async () => {
    await resetLang();
    history.replaceState(null, '', '#/board/revisit');
  });
  afterEach(() => m?.unmount());

  it('lists closed cases rated 不满意 with the rating and note; a follow-up call takes one out', async () => {
    const world = new FakeWorld();
    const bad = closedAndRated(world, '路灯不亮', 'dissatisfied', '晚上还是不亮');
    closedAndRated(world, '路面修好了', 'satisfied');
    const town = new FakeSession(world, world.user('town01'));
    m = await mount(<DispatchBoard session={town} queue="revisit" />);
    await waitFor(() => rowTexts(m!.root).length === 1, 'revisit row');
    expect(rowTexts(m.root)).toEqual(['路灯不亮']);
    expect(revisitCount(m.root)).toBe('1');
    const row = mustFind(m.root, '.queue-item');
    expect(mustFind(row, '.badge-red').textContent).toBe('不满意');
    expect(mustFind(row, '.feedback-note').textContent).toBe('群众意见：晚上还是不亮');

    await click(byText(row, 'button', '回访处理'));
    const panel = await waitFor(() => m!.root.querySelector<HTMLElement>('.case-panel form[aria-label="登记电话回访"]')?.closest('.case-panel'), 'panel');
    expect(panel.querySelector('.rating')!.textContent).toContain('不满意');
    expect(panel.querySelector('.rating')!.textContent).toContain('晚上还是不亮');
    expect(panel.querySelector('.revisit-choice')).not.toBeNull();
    // Both answers are offered, the call first; neither is folded away.
    const forms = Array.from(panel.querySelectorAll('form')).map((f) => f.getAttribute('aria-label'));
    expect(forms).toEqual(['登记电话回访', '重新打开']);

    // The call needs its notes: refused on the form, nothing sent.
    const form = mustFind(panel, 'form[aria-label="登记电话回访"]');
    await submit(form);
    expect(town.calls.acts).toHaveLength(0);
    expect(mustFind(form, '.field-error').textContent).toBe('请填写回访记录。');
    expect(document.activeElement?.id).toBe('act-revisit-note');

    await type(mustFind(form, '#act-revisit-note'), '已电话说明：线路改造下周完成');
    await click(mustFind(form, '#act-revisit-basically_satisfied'));
    await submit(form);
    await waitFor(() => town.calls.acts.length === 1, 'call');
    expect(town.calls.acts[0]).toEqual({ caseId: bad, command: { type: 'call_revisit', note: '已电话说明：线路改造下周完成', outcome: 'basically_satisfied' } });
    await waitFor(() => rowTexts(m!.root).length === 0, 'row gone');
    await waitFor(() => revisitCount(m!.root) === '0', 'count');
    expect(world.states().get(bad)!.revisit).toMatchObject({ status: 'called', outcome: 'basically_satisfied' });
  });

  it('a call that did not reach the resident keeps the case in the queue, flagged, with the attempt in the panel', async () => {
    const world = new FakeWorld();
    const id = closedAndRated(world, '噪音扰民', 'dissatisfied');
    world.command('town01', id, { type: 'call_revisit', note: '电话无人接听', outcome: 'unreachable' }, NOW - HOUR);
    const town = new FakeSession(world, world.user('town01'));
    m = await mount(<DispatchBoard session={town} queue="revisit" />);
    await waitFor(() => rowTexts(m!.root).length === 1, 'still waiting');
    expect(mustFind(m.root, '.queue-item .badge-amber').textContent).toBe('1 次未联系上');
    await click(byText(m.root, '.queue-item button', '回访处理'));
    const facts = await waitFor(() => m!.root.querySelector<HTMLElement>('.case-panel .revisit-facts'), 'facts');
    expect(facts.textContent).toContain('已打过 1 次电话未联系上，最近一次是 城关镇指导中心');
    expect(facts.textContent).toContain('电话无人接听');
  });

  it('reopening from the panel also answers it', async () => {
    const world = new FakeWorld();
    const bad = closedAndRated(world, '垃圾没清走', 'dissatisfied');
    const town = new FakeSession(world, world.user('town01'));
    m = await mount(<DispatchBoard session={town} queue="revisit" />);
    await waitFor(() => rowTexts(m!.root).length === 1, 'row');
    await click(byText(m.root, '.queue-item button', '回访处理'));
    const form = await waitFor(() => m!.root.querySelector<HTMLElement>('.case-panel form[aria-label="重新打开"]'), 'reopen form');
    await type(mustFind(form, 'textarea'), '群众反映仍未清运，重新交办');
    await submit(form);
    await waitFor(() => town.calls.acts.length === 1, 'reopen');
    expect(town.calls.acts[0]!.command).toEqual({ type: 'reopen', reason: '群众反映仍未清运，重新交办' });
    await waitFor(() => rowTexts(m!.root).length === 0, 'row gone');
    expect(world.states().get(bad)!.revisit?.status).toBe('reopened');
  });
});

/** The worker's session, with the grid's household register held on the device. */
function workerWithRegister(world: FakeWorld): Session {
  const session = new FakeSession(world, world.user('w0001'));
  const at = (ms: number) => formatHlc({ ms, counter: 0, node: 'ui' });
  const ev = (type: string, data: unknown, ms: number) => ({ id: newId(ms, rnd), type, actor: 'w0001', at: at(ms), data });
  const sync = stubRecordSync({
    'people.g0001': [
      ev('household_saved', { id: 'g0001h001', gridId: 'g0001', address: '太平村兴盛路8号', head: '王秀英' }, NOW - 3000),
      ev('resident_saved', { id: 'g0001h001r1', householdId: 'g0001h001', name: '王秀英', phone: '13800001234', tags: ['elderly_alone'] }, NOW - 2000),
      ev('resident_saved', { id: 'g0001h001r2', householdId: 'g0001h001', name: '李建国', tags: [] }, NOW - 2000),
    ],
  });
  const records = createRecordsApi({ user: session.user, sync, org: () => session.org.peek(), clock: new HybridClock('ui', () => NOW), now: () => NOW, random: rnd, report: (input) => session.report(input) });
  return Object.assign(session, { records });
}

async function fillCase(root: HTMLElement): Promise<void> {
  await type(mustFind(root, '#r-category-search'), 'road');
  await click(mustFind(root, 'input[type="radio"][value="0102"]'));
  await type(mustFind(root, '#r-description'), '村口道路塌陷');
}

describe('report form: 代报', () => {
  let m: Mounted | undefined;
  let stop: (() => void) | undefined;
  beforeEach(async () => {
    await resetLang();
    location.hash = '#/report';
    stop = startRouter();
  });
  afterEach(() => {
    m?.unmount();
    stop?.();
  });

  it('picks the resident from the household register, asks how they told, and writes onBehalf', async () => {
    const world = new FakeWorld();
    const session = workerWithRegister(world) as FakeSession;
    m = await mount(<ReportForm session={session} />);
    expect(m.root.querySelector('#ob-via-phone')).toBeNull(); // folded until ticked
    await click(mustFind(m.root, '#ob-on'));
    await fillCase(m.root);

    // Neither the channel nor the name given: both named, the channel focused, nothing reported.
    await submit(mustFind(m.root, 'form'));
    expect(session.calls.reports).toHaveLength(0);
    const alert = mustFind(m.root, 'form [role="alert"]').textContent!;
    expect(alert).toContain('请选择居民反映的方式。');
    expect(alert).toContain('请填写居民姓名。');
    expect(document.activeElement?.id).toBe('ob-via-phone');

    await click(mustFind(m.root, '#ob-via-visit'));
    await type(mustFind(m.root, '#ob-search'), '兴盛路');
    const matches = Array.from(m.root.querySelectorAll('.ob-match')).map((b) => b.querySelector('.ob-match-name')!.textContent);
    expect(matches).toEqual(['王秀英', '李建国']);
    await type(mustFind(m.root, '#ob-search'), '王');
    await click(mustFind(m.root, '.ob-match'));
    expect(mustFind(m.root, '.ob-picked').textContent).toContain('已选：王秀英 · 13800001234');
    await submit(mustFind(m.root, 'form'));
    expect(session.calls.reports).toHaveLength(1);
    expect(session.calls.reports[0]!.onBehalf).toEqual({ name: '王秀英', phone: '13800001234', personId: 'g0001h001r1', via: 'visit' });
  });

  it('takes a typed name and phone: a bad number is named, a good one stored normalised', async () => {
    const world = new FakeWorld();
    const session = new FakeSession(world, world.user('w0001')); // no register on this device
    m = await mount(<ReportForm session={session} />);
    await click(mustFind(m.root, '#ob-on'));
    expect(m.root.querySelector('#ob-search')).toBeNull();
    await fillCase(m.root);
    await click(mustFind(m.root, '#ob-via-phone'));
    await type(mustFind(m.root, '#ob-name'), '  张大妈 ');
    await type(mustFind(m.root, '#ob-phone'), '12345');
    await submit(mustFind(m.root, 'form'));
    expect(session.calls.reports).toHaveLength(0);
    expect(mustFind(m.root, '#ob-phone-error').textContent).toBe('电话号码不正确：手机 11 位，固话请加区号。');
    expect(mustFind(m.root, '#ob-phone').getAttribute('aria-describedby')).toBe('ob-phone-hint ob-phone-error');
    expect(document.activeElement?.id).toBe('ob-phone');
    await type(mustFind(m.root, '#ob-phone'), '+86 139-0000-5678');
    await submit(mustFind(m.root, 'form'));
    expect(session.calls.reports[0]!.onBehalf).toEqual({ name: '张大妈', phone: '13900005678', via: 'phone' });
  });

  it('is not offered to a resident', async () => {
    const world = new FakeWorld();
    m = await mount(<ReportForm session={new FakeSession(world, world.user('resident01'))} />);
    expect(m.root.querySelector('#ob-on')).toBeNull();
  });
});

describe('case detail: who it was reported for', () => {
  let m: Mounted | undefined;
  beforeEach(resetLang);
  afterEach(() => m?.unmount());

  function proxyCase(world: FakeWorld): string {
    return world.command('w0001', null, {
      type: 'report',
      category: '0101',
      description: '代报的案件',
      location: { lat: 41.2034, lng: 122.0512 },
      gridId: 'g0001',
      townId: 't01',
      onBehalf: { name: '王秀英', phone: '13800001234', via: 'phone' },
      contact: { name: 'Li Ming', phone: '13900005678', email: 'li@example.org' },
    }, NOW - HOUR).caseId;
  }

  it('shows the resident and the channel, with tap-to-call for the center', async () => {
    const world = new FakeWorld();
    const id = proxyCase(world);
    m = await mount(<CaseDetail session={new FakeSession(world, world.user('town01'))} id={id} />);
    const dd = await waitFor(() => m!.root.querySelector<HTMLElement>('.proxy-for'), 'on behalf');
    expect(dd.textContent).toContain('替 王秀英 上报（电话）');
    expect(mustFind(dd, 'a.tel-link').getAttribute('href')).toBe('tel:13800001234');
    const contact = mustFind(m.root, '.open311-contact');
    expect(contact.textContent).toContain('Li Ming');
    expect(mustFind(contact, 'a.tel-link').getAttribute('href')).toBe('tel:13900005678');
  });

  it('shows the rating, the answered 二次回访 and the call in the timeline', async () => {
    const world = new FakeWorld();
    const id = closedAndRated(world, '路灯不亮', 'dissatisfied', '晚上还是不亮');
    world.command('town01', id, { type: 'call_revisit', note: '已电话说明：线路改造下周完成', outcome: 'basically_satisfied' }, NOW - HOUR);
    m = await mount(<CaseDetail session={new FakeSession(world, world.user('town01'))} id={id} />);
    const facts = await waitFor(() => m!.root.querySelector<HTMLElement>('.revisit-facts'), 'revisit facts');
    expect(facts.textContent).toContain('城关镇指导中心');
    expect(facts.textContent).toContain('电话回访：已电话说明：线路改造下周完成');
    expect(facts.textContent).toContain('群众的回答：基本满意');
    expect(mustFind(m.root, '.rating').textContent).toContain('晚上还是不亮');
    const entry = byText(m.root, '.timeline li', '二次回访');
    expect(entry?.textContent).toContain('已电话说明：线路改造下周完成 · 群众的回答：基本满意');
  });

  it('names the resident but gives no phone to a role that may not call (the village secretary)', async () => {
    const world = new FakeWorld();
    const id = proxyCase(world);
    m = await mount(<CaseDetail session={new FakeSession(world, world.user('st01v01'))} id={id} />);
    const dd = await waitFor(() => m!.root.querySelector<HTMLElement>('.proxy-for'), 'on behalf');
    expect(dd.textContent).toContain('替 王秀英 上报（电话）');
    expect(m.root.querySelector('.proxy-for a, .open311-contact a')).toBeNull();
    expect(m.root.textContent).not.toContain('13800001234');
  });
});

describe('worker tasks: 居民上报', () => {
  let m: Mounted | undefined;
  beforeEach(async () => {
    await resetLang();
    history.replaceState(null, '', '#/tasks/residents');
  });
  afterEach(() => m?.unmount());

  it("lists residents' own reports in the worker's grid, not the worker's 代报 nor other grids'", async () => {
    const world = new FakeWorld();
    const where = { location: { lat: 41.2034, lng: 122.0512 }, townId: 't01', category: '0101' };
    world.command('resident01', null, { type: 'report', ...where, description: '居民自己报的', gridId: 'g0001' }, NOW - 2 * HOUR);
    world.command('resident01', null, { type: 'report', ...where, description: '别的网格', gridId: 'g0002' }, NOW - HOUR);
    world.command('w0001', null, { type: 'report', ...where, description: '网格员代报', gridId: 'g0001', onBehalf: { name: '王秀英', via: 'in_person' } }, NOW - HOUR);
    m = await mount(<WorkerTasks session={new FakeSession(world, world.user('w0001'))} tab="residents" />);
    await waitFor(() => rowTexts(m!.root).length === 1, 'resident row');
    expect(rowTexts(m.root)).toEqual(['居民自己报的']);
    const tab = mustFind(m.root, 'a.queue-tab[aria-current="page"]');
    expect(tab.textContent).toContain('居民上报');
    expect(tab.querySelector('.queue-count')!.firstChild!.textContent).toBe('1');
    // The worker's own 代报 shows in 我的上报, named for the resident.
    await waitFor(() => byText(m!.root, '.queue-tab', '我的上报')?.querySelector('.queue-count')?.firstChild?.textContent === '1', 'my reports count');
  });
});
