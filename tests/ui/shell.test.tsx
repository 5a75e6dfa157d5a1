/**
 * The shell's navigation (issue 11): every destination of the role, the badge slot on a destination (the grid
 * worker's 核查 count, wired by the app), and on phones the bottom tab bar with 更多 and the 菜单 panel.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Shell } from '../../src/features/shell/Shell.tsx';
import { FakeSession, FakeWorld } from './fake-services.ts';
import { byText, click, mount, mustFind, resetLang, settle, type Mounted } from './helpers.ts';

type HappyWindow = { happyDOM: { setViewport(v: { width: number; height: number }): void } };
const viewport = async (width: number, height: number) => {
  (window as unknown as HappyWindow).happyDOM.setViewport({ width, height });
  window.dispatchEvent(new Event('resize'));
  await settle();
};

describe('shell navigation', () => {
  let m: Mounted | null = null;
  beforeEach(async () => {
    await resetLang();
    location.hash = '#/tasks';
  });
  afterEach(async () => {
    m?.unmount();
    m = null;
    await viewport(1024, 768);
  });

  it('shows every destination of a grid worker, with the badge count on 我的任务', async () => {
    await viewport(1366, 768);
    const world = new FakeWorld();
    m = await mount(
      <Shell session={new FakeSession(world, world.user('w0001'))} onLogout={() => {}} badges={{ tasks: 3 }}>
        <main />
      </Shell>,
    );
    const nav = mustFind(m.root, 'nav.nav');
    expect(Array.from(nav.querySelectorAll('a')).map((a) => a.querySelector('.nav-label')!.textContent)).toEqual(['我的任务', '案件', '上报', '人员', '调解', '地图', '考核']);
    // The inbox (issue 13) sits with the user's things on a PC: its icon, named for screen readers.
    expect(mustFind(m.root, '.topbar-user a[href="#/inbox"]').textContent).toBe('消息');
    expect(mustFind(nav, 'a[href="#/tasks"] .nav-badge').textContent).toBe('3 项待处理');
    expect(nav.querySelectorAll('.nav-badge').length).toBe(1);
  });

  it('on a phone: a tab bar with the first four and 更多; the 菜单 panel names every destination', async () => {
    await viewport(360, 740);
    const world = new FakeWorld();
    m = await mount(
      <Shell session={new FakeSession(world, world.user('w0001'))} onLogout={() => {}}>
        <main />
      </Shell>,
    );
    await settle();
    const tabbar = mustFind(m.root, 'nav.tabbar');
    expect(Array.from(tabbar.querySelectorAll('a')).map((a) => a.textContent)).toEqual(['我的任务', '案件', '上报', '人员']);
    // The inbox is in the top bar (an icon, its name for screen readers), so the work keeps its four tabs.
    expect(mustFind(m.root, '.topbar a[href="#/inbox"]').textContent).toBe('消息');
    await click(byText(tabbar, 'button', '更多')!);
    expect(Array.from(mustFind(m.root, '#app-menu nav').querySelectorAll('a')).map((a) => a.textContent)).toEqual(['我的任务', '消息', '案件', '上报', '人员', '调解', '地图', '考核']);
    expect(mustFind(m.root, '#app-menu').textContent).toContain('退出登录');
  });
});
