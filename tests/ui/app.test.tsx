import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app/App.tsx';
import { pwaState } from '../../src/app/pwa.ts';
import { parseHash, route, routeHref } from '../../src/app/router.ts';
import { FakeAuth, FakeWorld, profile } from './fake-services.ts';
import { byText, click, mount, mustFind, resetLang, settle, submit, type, waitFor, type Mounted } from './helpers.ts';

describe('router', () => {
  it('parses and builds the hash routes', () => {
    expect(parseHash('')).toEqual({ name: 'home' });
    expect(parseHash('#/')).toEqual({ name: 'home' });
    expect(parseHash('#/cases')).toEqual({ name: 'cases' });
    expect(parseHash('#/board')).toEqual({ name: 'board' });
    expect(parseHash('#/board/overdue')).toEqual({ name: 'board', queue: 'overdue' });
    expect(parseHash('#/work')).toEqual({ name: 'work' });
    expect(parseHash('#/tasks/reports')).toEqual({ name: 'tasks', tab: 'reports' });
    expect(parseHash('#/stats')).toEqual({ name: 'stats' });
    expect(routeHref({ name: 'board', queue: 'returned' })).toBe('#/board/returned');
    expect(parseHash('#/login')).toEqual({ name: 'login' });
    expect(parseHash('#/cases/')).toEqual({ name: 'cases' });
    expect(parseHash('#/cases/01JABCDEFGHJKMNPQRSTVWXYZ0')).toEqual({ name: 'case', id: '01JABCDEFGHJKMNPQRSTVWXYZ0' });
    expect(parseHash('#/report')).toEqual({ name: 'report' });
    expect(parseHash('#/nope')).toEqual({ name: 'notFound', path: '/nope' });
    expect(routeHref({ name: 'case', id: 'X1' })).toBe('#/cases/X1');
    expect(parseHash('#/party/needs?town=t03')).toEqual({ name: 'party', tab: 'needs', town: 't03' });
    // Issue 17: publish a need taking up a care visit (the inbox's link).
    const care = 'g0001/01JABCDEFGHJKMNPQRSTVWXYZ0';
    expect(parseHash(`#/party/needs?care=${care}`)).toEqual({ name: 'party', tab: 'needs', care });
    expect(routeHref({ name: 'party', tab: 'needs', care })).toBe(`#/party/needs?care=${care}`);
    expect(parseHash('#/party/needs?care=g0001/not-an-id')).toEqual({ name: 'notFound', path: '/party/needs?care=g0001/not-an-id' });
  });
});

describe('app', () => {
  let m: Mounted | undefined;
  beforeEach(async () => {
    await resetLang();
    history.replaceState(null, '', '#/cases');
  });
  afterEach(() => m?.unmount());

  it('asks a signed-out user to sign in, then returns to the requested screen', async () => {
    const world = new FakeWorld();
    world.seed(6);
    const auth = new FakeAuth({ world, profiles: [profile('w0001')] });
    history.replaceState(null, '', '#/report');
    m = await mount(<App auth={auth} />);
    await waitFor(() => m!.root.querySelector('#login-username'), 'login form');
    expect(location.hash).toBe('#/login');
    expect(document.activeElement?.tagName).toBe('H1');
    await click(byText(m.root, '.profile-pick', '张伟'));
    await type(mustFind(m.root, '#login-password'), 'demo');
    await submit(mustFind(m.root, 'form'));
    await waitFor(() => m!.root.querySelector('#r-description'), 'report form (lazy)');
    expect(location.hash).toBe('#/report');
    expect(mustFind(m.root, '.syncbar').textContent).toContain('在线');
    expect(document.activeElement?.textContent).toBe('上报案件');
  });

  it('keeps the one-time "works offline" note for a signed-in screen; an update is offered everywhere', async () => {
    const world = new FakeWorld();
    world.seed(2);
    const auth = new FakeAuth({ world, profiles: [profile('w0001')] });
    history.replaceState(null, '', '#/login');
    pwaState.value = { needRefresh: false, offlineReady: true };
    try {
      m = await mount(<App auth={auth} />);
      await waitFor(() => m!.root.querySelector('#login-username'), 'login form');
      await settle();
      expect(m.root.querySelector('.toast')).toBeNull();
      pwaState.value = { needRefresh: true, offlineReady: true };
      await settle();
      expect(mustFind(m.root, '.toast').textContent).toContain('新版本');
      pwaState.value = { needRefresh: false, offlineReady: true };
      await click(byText(m.root, '.profile-pick', '张伟'));
      await type(mustFind(m.root, '#login-password'), 'demo');
      await submit(mustFind(m.root, 'form'));
      await waitFor(() => m!.root.querySelector('.toast'), 'offline note after sign-in');
      expect(mustFind(m.root, '.toast').textContent).toContain('离线');
    } finally {
      pwaState.value = { needRefresh: false, offlineReady: false };
    }
  });

  it('resumes the last session, navigates by hash, and signs out', async () => {
    const world = new FakeWorld();
    const ids = world.seed(6);
    const auth = new FakeAuth({ world, resumeAs: 'town01' });
    m = await mount(<App auth={auth} />);
    await waitFor(() => m!.root.querySelectorAll('a.case-row').length === 6, 'rows');
    expect(mustFind(m.root, 'nav a[aria-current="page"]').textContent).toBe('案件');

    location.hash = `#/cases/${ids[0]}`;
    await settle();
    await waitFor(() => m!.root.querySelector('.facts'), 'detail (lazy)');
    expect(route.value).toEqual({ name: 'case', id: ids[0] });
    expect(document.activeElement?.tagName).toBe('H1');

    // Phone width (the viewport under 40rem): the header folds every destination, the language and sign-out
    // into the 菜单 panel, and a bottom tab bar shows the first destinations; navigating closes the panel.
    (window as unknown as { happyDOM: { setViewport(v: { width: number; height: number }): void } }).happyDOM.setViewport({ width: 360, height: 740 });
    window.dispatchEvent(new Event('resize'));
    await settle();
    expect(document.documentElement.hasAttribute('data-narrow')).toBe(true);
    const toggle = () => byText(m!.root, 'button', '菜单')!;
    expect(toggle().getAttribute('aria-controls')).toBe('app-menu');
    expect(toggle().getAttribute('aria-expanded')).toBe('false');
    expect(mustFind(m.root, 'nav.tabbar').textContent).toContain('案件');
    await click(toggle());
    expect(toggle().getAttribute('aria-expanded')).toBe('true');
    expect(mustFind(m.root, '#app-menu').textContent).toContain('地图');
    location.hash = '#/cases';
    await settle();
    expect(toggle().getAttribute('aria-expanded')).toBe('false');
    expect(m.root.querySelector('#app-menu')).toBeNull();
    (window as unknown as { happyDOM: { setViewport(v: { width: number; height: number }): void } }).happyDOM.setViewport({ width: 1366, height: 768 });
    window.dispatchEvent(new Event('resize'));
    await settle();
    expect(document.documentElement.hasAttribute('data-narrow')).toBe(false);

    await click(byText(m.root, 'button', '退出登录'));
    // Issue 14: a confirmation first (it says what is unsaved), with its own 退出登录.
    await waitFor(() => byText(m!.root, 'h1', '退出登录？'), 'sign-out confirmation');
    expect(auth.sessions[0]!.calls.logouts).toBe(0);
    await click(byText(m.root, 'main button', '退出登录'));
    await waitFor(() => m!.root.querySelector('#login-username'), 'login');
    expect(location.hash).toBe('#/login');
    expect(auth.sessions[0]!.calls.logouts).toBe(1);
  });

  it('asks for the password again when the token expired, keeping the session', async () => {
    const world = new FakeWorld();
    const auth = new FakeAuth({ world, resumeAs: 'w0001' });
    m = await mount(<App auth={auth} />);
    await waitFor(() => auth.sessions[0], 'session');
    const session = auth.sessions[0]!;
    expect(m.root.querySelector('#renew-password')).toBeNull();
    session.status.value = { ...session.status.value, authExpired: true, connection: 'offline' };
    // The banner's code loads when it is needed (Shell.tsx LazyRenewBanner).
    await waitFor(() => m!.root.querySelector('.banner-warning'), 'renew banner');
    expect(mustFind(m.root, '.banner-warning').textContent).toContain('登录已过期');
    await type(mustFind(m.root, '#renew-password'), 'nope');
    await submit(mustFind(m.root, 'form.renew'));
    expect(mustFind(m.root, '#renew-error').textContent).toBe('密码错误或无法连接服务器。');
    await type(mustFind(m.root, '#renew-password'), 'demo');
    await submit(mustFind(m.root, 'form.renew'));
    expect(session.calls.renews).toEqual(['nope', 'demo']);
    expect(m.root.querySelector('#renew-password')).toBeNull();
  });

  it('hides reporting from roles that cannot report', async () => {
    const auth = new FakeAuth({ resumeAs: 'unit001' });
    m = await mount(<App auth={auth} />);
    await waitFor(() => m!.root.querySelector('nav'), 'shell');
    expect(byText(m.root, 'nav a', '上报')).toBeUndefined();
    location.hash = '#/report';
    await settle();
    await waitFor(() => byText(m!.root, 'p', '您的角色不能使用此功能。'), 'not allowed');
  });
});
