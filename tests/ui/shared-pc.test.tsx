// Issue 14, shared PCs, in the app: the lock button unmounts the signed-in screens and the lock screen names nobody;
// PIN strikes move to the password; the sign-out confirmation says how many changes are unsaved; the first sign-in
// on a device asks whether it is shared; #/me sets a PIN and refuses to remove data while something is unsaved.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app/App.tsx';
import type { LockInfo, Session, SharedPcApi, UnlockResult, UnsavedKinds } from '../../src/app/services.ts';
import { Me } from '../../src/features/me/Me.tsx';
import { FakeAuth, FakeSession, FakeWorld } from './fake-services.ts';
import { byText, click, mount, mustFind, resetLang, settle, submit, type, waitFor, type Mounted } from './helpers.ts';

/** SharedPcApi in memory, with the real rules the tests look at (PIN strikes, town-only mark, removal guard). */
class FakeShared implements SharedPcApi {
  shared: boolean | null = null;
  lockedUser: FakeSession | null = null;
  pins = new Map<string, string>();
  failures = 0;
  removed: string[] = [];
  calls: string[] = [];
  constructor(private readonly auth: FakeAuth) {}
  async deviceShared() {
    return this.shared;
  }
  async setDeviceShared(on: boolean, by: Session) {
    if (this.shared !== null && by.user.role !== 'town') return false;
    this.shared = on;
    return true;
  }
  async lockState(): Promise<LockInfo | null> {
    return this.lockedUser ? { pin: this.pins.has(this.lockedUser.user.id) && this.failures < 5 } : null;
  }
  async lock(session: Session) {
    this.calls.push(`lock ${session.user.id}`);
    this.lockedUser = session as FakeSession;
  }
  async unlock(secret: { pin: string } | { password: string }): Promise<UnlockResult> {
    const s = this.lockedUser;
    if (!s) return { ok: false, error: 'not_locked' };
    if ('pin' in secret) {
      if (this.failures >= 5 || !this.pins.has(s.user.id)) return { ok: false, error: 'pin_blocked' };
      if (this.pins.get(s.user.id) !== secret.pin) {
        this.failures++;
        return this.failures >= 5 ? { ok: false, error: 'pin_blocked' } : { ok: false, error: 'bad_pin', left: 5 - this.failures };
      }
    } else if (secret.password !== this.auth.password) return { ok: false, error: 'bad_password' };
    this.lockedUser = null;
    this.failures = 0;
    const next = new FakeSession(this.auth.world, s.user);
    this.auth.sessions.push(next);
    return { ok: true, session: next };
  }
  async cancelLock() {
    this.lockedUser = null;
  }
  async hasPin(userId: string) {
    return this.pins.has(userId);
  }
  async setPin(session: Session, pin: string | null) {
    if (pin === null) this.pins.delete(session.user.id);
    else this.pins.set(session.user.id, pin);
    return 'ok' as const;
  }
  unsaved(session: Session): UnsavedKinds {
    const st = session.status.peek();
    return { ready: st.ready, total: st.unsaved, cases: st.unsaved, records: 0, photos: 0, clips: 0 };
  }
  async removeMyData(session: Session) {
    const u = this.unsaved(session);
    if (u.total) return { ok: false as const, unsaved: u };
    this.removed.push(session.user.id);
    return { ok: true as const };
  }
}

function setup(resumeAs?: string) {
  const world = new FakeWorld();
  world.seed(6);
  const auth = new FakeAuth({ world, ...(resumeAs ? { resumeAs } : {}) });
  const shared = new FakeShared(auth);
  Object.assign(auth, { shared });
  return { world, auth, shared };
}

let m: Mounted | undefined;
beforeEach(async () => {
  await resetLang();
  history.replaceState(null, '', '#/cases');
  localStorage.clear();
});
afterEach(() => m?.unmount());

describe('shared PC in the app', () => {
  it('asks at the first sign-in on a device whether it is shared, and not again', async () => {
    const { auth, shared } = setup();
    m = await mount(<App auth={auth} />);
    await waitFor(() => m!.root.querySelector('#login-username'), 'login');
    const box = await waitFor(() => byText(m!.root, 'label', '一台电脑多人使用？')?.querySelector('input'), 'the question');
    await click(box);
    await type(mustFind(m.root, '#login-username'), 'w0001');
    await type(mustFind(m.root, '#login-password'), 'demo');
    await submit(mustFind(m.root, 'form'));
    await waitFor(() => byText(m!.root, 'h1', '案件列表'), 'the case list');
    expect(shared.shared).toBe(true);
    m.unmount();
    m = await mount(<App auth={auth} />);
    await waitFor(() => m!.root.querySelector('#login-username'), 'login again');
    await settle();
    expect(byText(m.root, 'label', '一台电脑多人使用？')).toBeUndefined();
  });

  it('locks: the screens unmount and the lock screen names nobody; five wrong PINs need the password', async () => {
    const { auth, shared } = setup('w0001');
    shared.shared = true;
    shared.pins.set('w0001', '2468');
    m = await mount(<App auth={auth} />);
    await waitFor(() => byText(m!.root, 'h1', '案件列表'), 'the case list');
    const name = auth.sessions[0]!.user.name;
    expect(m.root.textContent).toContain(name);
    await click(byText(m.root, 'header button', '锁屏'));
    await waitFor(() => byText(m!.root, 'h1', '已锁定'), 'lock screen');
    expect(shared.calls).toEqual(['lock w0001']);
    expect(m.root.textContent).not.toContain(name);
    expect(m.root.querySelector('.case-list, .case-row, nav.tabbar')).toBeNull();
    expect(location.hash).toBe('#/login');
    const pin = mustFind<HTMLInputElement>(m.root, '#lock-secret');
    expect(pin.getAttribute('inputmode')).toBe('numeric');
    for (let left = 4; left >= 1; left--) {
      await type(mustFind(m.root, '#lock-secret'), '0000');
      await submit(mustFind(m.root, 'form'));
      await waitFor(() => byText(m!.root, '#lock-problem', `还可以再试 ${left} 次`), `${left} left`);
    }
    await type(mustFind(m.root, '#lock-secret'), '0000');
    await submit(mustFind(m.root, 'form'));
    await waitFor(() => byText(m!.root, '#lock-problem', '请输入登录密码解锁'), 'password needed');
    expect(mustFind(m.root, 'label[for="lock-secret"]').textContent).toBe('登录密码');
    await type(mustFind(m.root, '#lock-secret'), 'demo');
    await submit(mustFind(m.root, 'form'));
    await waitFor(() => byText(m!.root, 'h1', '案件列表'), 'back to the case list');
    expect(m.root.textContent).toContain(name);
  });

  it('leaves the lock screen for the sign-in screen', async () => {
    const { auth, shared } = setup();
    shared.lockedUser = new FakeSession(auth.world, auth.world.user('w0001'));
    m = await mount(<App auth={auth} />);
    await waitFor(() => byText(m!.root, 'h1', '已锁定'), 'lock screen at start');
    expect(m.root.textContent).toContain('登录密码');
    await click(byText(m.root, 'button', '换个账号登录'));
    await waitFor(() => m!.root.querySelector('#login-username'), 'sign-in');
    expect(shared.lockedUser).toBeNull();
  });

  it('locks after the chosen time without input', async () => {
    const { auth, shared } = setup('w0001');
    shared.shared = false;
    localStorage.setItem('gridlink.autolock.w0001', '1');
    const realNow = Date.now;
    let offset = 0;
    Date.now = () => realNow() + offset;
    try {
      m = await mount(<App auth={auth} />);
      await waitFor(() => byText(m!.root, 'h1', '案件列表'), 'the case list');
      // The auto-lock's code loads after the first screen: a minute more passes at every check until it locks.
      for (let i = 0; i < 100 && !byText(m.root, 'h1', '已锁定'); i++) {
        offset += 61_000;
        document.dispatchEvent(new Event('visibilitychange'));
        await settle(2);
      }
      expect(byText(m.root, 'h1', '已锁定')).toBeTruthy();
      expect(shared.calls).toEqual(['lock w0001']);
    } finally {
      Date.now = realNow;
    }
  });

  it('says at sign-out how many changes are unsaved, and that they are kept', async () => {
    const { auth, shared } = setup('w0001');
    shared.shared = true;
    m = await mount(<App auth={auth} />);
    await waitFor(() => byText(m!.root, 'h1', '案件列表'), 'the case list');
    const s = auth.sessions[0]!;
    s.status.value = { ...s.status.value, unsaved: 3, connection: 'offline' };
    await settle();
    await click(byText(m.root, 'header button', '退出登录'));
    await waitFor(() => byText(m!.root, 'h1', '退出登录？'), 'confirmation');
    expect(m.root.textContent).toContain('你有 3 项更改尚未保存到服务器。');
    expect(m.root.textContent).toContain('会加密保存在本设备上');
    await click(byText(m.root, 'main button', '取消，继续使用'));
    await waitFor(() => byText(m!.root, 'h1', '案件列表'), 'back');
    expect(s.calls.logouts).toBe(0);
    await click(byText(m.root, 'header button', '退出登录'));
    await waitFor(() => byText(m!.root, 'h1', '退出登录？'), 'confirmation');
    await click(byText(m.root, 'main button', '退出登录'));
    await waitFor(() => m!.root.querySelector('#login-username'), 'sign-in');
    expect(s.calls.logouts).toBe(1);
  });
});

describe('#/me: lock and shared device', () => {
  it('sets a PIN, refuses removal while changes are unsaved (saying which), then removes', async () => {
    const { auth, shared } = setup();
    shared.shared = true;
    const session = new FakeSession(auth.world, auth.world.user('w0001'));
    session.status.value = { ...session.status.value, unsaved: 2 };
    let removed = 0;
    let locked = 0;
    m = await mount(<Me session={session} onLogout={() => {}} shared={shared} onLock={() => locked++} onRemoved={() => removed++} />);
    await waitFor(() => byText(m!.root, 'p', '还没有设置数字密码'), 'no PIN yet');
    await type(mustFind(m.root, '#me-pin'), '12a4');
    await type(mustFind(m.root, '#me-pin-again'), '12a4');
    await submit(mustFind(m.root, '.me-security form'));
    expect(mustFind(m.root, '#me-pin-problem').textContent).toContain('4 到 6 位数字');
    await type(mustFind(m.root, '#me-pin'), '1234');
    await type(mustFind(m.root, '#me-pin-again'), '1235');
    await submit(mustFind(m.root, '.me-security form'));
    expect(mustFind(m.root, '#me-pin-problem').textContent).toContain('不一样');
    await type(mustFind(m.root, '#me-pin-again'), '1234');
    await submit(mustFind(m.root, '.me-security form'));
    await waitFor(() => byText(m!.root, '[role=status]', '数字密码已保存'), 'saved');
    expect(shared.pins.get('w0001')).toBe('1234');

    // A grid worker cannot change the device's mark.
    expect(m.root.textContent).toContain('只有乡镇（街道）中心的工作人员可以更改');
    expect(m.root.querySelector('.me-security input[type=checkbox]')).toBeNull();

    await click(byText(m.root, 'button', '从这台设备删除我的资料'));
    expect(m.root.textContent).toContain('还有更改没有保存到服务器');
    expect(m.root.textContent).toContain('2 项案件更改');
    expect(shared.removed).toEqual([]);

    session.status.value = { ...session.status.value, unsaved: 0 };
    await click(byText(m.root, 'button', '从这台设备删除我的资料'));
    await click(byText(m.root, 'button', '确定删除'));
    await waitFor(() => removed === 1, 'removed');
    expect(shared.removed).toEqual(['w0001']);

    await click(byText(m.root, 'button', '现在锁屏'));
    expect(locked).toBe(1);
  });

  it('lets a town-center user change the mark', async () => {
    const { auth, shared } = setup();
    shared.shared = false;
    const session = new FakeSession(auth.world, auth.world.user('town01'));
    m = await mount(<Me session={session} onLogout={() => {}} shared={shared} onLock={() => {}} />);
    const box = await waitFor(() => m!.root.querySelector<HTMLInputElement>('.me-security input[type=checkbox]:not([disabled])'), 'the switch');
    expect(box.checked).toBe(false);
    await click(box);
    await waitFor(() => shared.shared === true, 'marked shared');
  });
});
