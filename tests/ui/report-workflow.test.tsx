import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app/App.tsx';
import { route, startRouter } from '../../src/app/router.ts';
import { ReportForm } from '../../src/features/report/ReportForm.tsx';
import { FakeAuth, FakeSession, FakeWorld, NOW, profile } from './fake-services.ts';
import { byText, click, mount, mustFind, resetLang, settle, submit, type, waitFor, type Mounted } from './helpers.ts';
import { HOUR, report } from './work-helpers.ts';

async function pickCategory(root: HTMLElement, code: string): Promise<void> {
  await type(mustFind(root, '#r-category-search'), code);
  await click(mustFind(root, `input[type="radio"][value="${code}"]`));
}

describe('report form: duplicates and resolving on the spot', () => {
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

  it('shows open cases of the same category within 250 m from the last 7 days', async () => {
    const world = new FakeWorld();
    // At the grid's centre (where the form puts the location): same category, 2 days ago, open.
    report(world, NOW - 48 * HOUR, '村口违建搭棚');
    // Too old, another category, or closed: not shown.
    report(world, NOW - 8 * 24 * HOUR, '八天前的违建');
    report(world, NOW - HOUR, '路面破损', '0102');
    const worker = new FakeSession(world, world.user('w0001'));
    m = await mount(<ReportForm session={worker} />);
    expect(m.root.querySelector('.dup-hint')).toBeNull();
    await pickCategory(m.root, '0101');
    await waitFor(() => m!.root.querySelector('.dup-hint'), 'hint');
    const hint = mustFind(m.root, '.dup-hint');
    expect(hint.getAttribute('role')).toBe('status');
    expect(hint.textContent).toContain('附近 250 米内、7 天内已有 1 件同类未结案件');
    expect(hint.textContent).toContain('村口违建搭棚（相距 0 米，已上报）');
    // Far away: no hint.
    await type(mustFind(m.root, '#r-lat'), '41.3');
    await waitFor(() => !m!.root.querySelector('.dup-hint'), 'hint gone');
  });

  it('reports and closes a simple case in one step, with the resolution required', async () => {
    const world = new FakeWorld();
    const worker = new FakeSession(world, world.user('w0001'));
    m = await mount(<ReportForm session={worker} />);
    await pickCategory(m.root, '0102');
    await type(mustFind(m.root, '#r-description'), '路面小坑');
    await click(mustFind(m.root, '#r-self-resolve'));
    expect(mustFind(m.root, 'button[type="submit"]').textContent).toBe('上报并结案');
    await submit(mustFind(m.root, 'form'));
    expect(worker.calls.reports).toHaveLength(0);
    expect(mustFind(m.root, '#r-resolve-note-error').textContent).toBe('请填写解决情况。');
    expect(document.activeElement?.id).toBe('r-resolve-note');
    await type(mustFind(m.root, '#r-resolve-note'), '已用沥青填平');
    await submit(mustFind(m.root, 'form'));
    await waitFor(() => route.value.name === 'case', 'opened the case');
    const id = (route.value as { id: string }).id;
    const s = world.states().get(id)!;
    expect(s.status).toBe('closed');
    expect(s.selfResolved).toBe(true);
    expect(s.resolution).toBe('已用沥青填平');
  });

  it('is offered to grid workers only', async () => {
    const world = new FakeWorld();
    m = await mount(<ReportForm session={new FakeSession(world, world.user('town01'))} />);
    expect(m.root.querySelector('#r-self-resolve')).toBeNull();
  });
});

describe('navigation by role', () => {
  let m: Mounted | undefined;
  beforeEach(async () => {
    await resetLang();
    history.replaceState(null, '', '#/');
  });
  afterEach(() => m?.unmount());

  it.each([
    ['town01', '#/board', '调度台'],
    ['unit002', '#/work', '我的工作'],
    ['w0001', '#/tasks', '我的任务'],
    ['st01v01', '#/village', '村（社区）工作台'],
  ])('lands %s on %s', async (userId, hash, heading) => {
    const auth = new FakeAuth({ resumeAs: userId });
    m = await mount(<App auth={auth} />);
    await waitFor(() => location.hash === hash, `landed on ${hash}`);
    await waitFor(() => byText(m!.root, 'h1', heading), heading);
    const navName: Record<string, string> = { '村（社区）工作台': '本村' };
    expect(byText(m.root, 'nav a[aria-current="page"]', navName[heading] ?? heading)).toBeTruthy();
  });

  it('sends a town center to the board after signing in, and shows the assessment link', async () => {
    const auth = new FakeAuth({ profiles: [profile('town01')] });
    m = await mount(<App auth={auth} />);
    await waitFor(() => m!.root.querySelector('#login-username'), 'login');
    await type(mustFind(m.root, '#login-username'), 'town01');
    await type(mustFind(m.root, '#login-password'), 'demo');
    await submit(mustFind(m.root, 'form'));
    await waitFor(() => location.hash === '#/board', 'board');
    await settle();
    const links = Array.from(m.root.querySelectorAll('nav[aria-label="主导航"] a')).map((a) => a.textContent);
    expect(links[0]).toBe('调度台');
    expect(links).toContain('考核');
  });
});
