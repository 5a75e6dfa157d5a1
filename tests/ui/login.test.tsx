import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Login } from '../../src/features/login/Login.tsx';
import type { Session } from '../../src/app/services.ts';
import { FakeAuth, profile } from './fake-services.ts';
import { byText, click, mount, mustFind, resetLang, submit, type, type Mounted } from './helpers.ts';

describe('login screen', () => {
  let m: Mounted | undefined;
  beforeEach(resetLang);
  afterEach(() => m?.unmount());

  it('lists the people who used this device, most recent first, and fills the username on tap', async () => {
    const auth = new FakeAuth({ profiles: [profile('w0001', 1000), profile('town01', 5000)] });
    m = await mount(<Login auth={auth} onLogin={() => undefined} />);
    const names = Array.from(m.root.querySelectorAll('.profile-name')).map((e) => e.textContent);
    expect(names).toEqual(['城关镇指导中心', '张伟']);
    expect(byText(m.root, '.profile-meta', '网格员')).toBeTruthy();
    await click(byText(m.root, '.profile-pick', '张伟'));
    expect(mustFind<HTMLInputElement>(m.root, '#login-username').value).toBe('w0001');
    expect(document.activeElement?.id).toBe('login-password');
  });

  it('shows no list on a device nobody used yet', async () => {
    m = await mount(<Login auth={new FakeAuth()} onLogin={() => undefined} />);
    expect(m.root.querySelector('.profiles')).toBeNull();
    expect(m.root.querySelector('label[for="login-username"]')?.textContent).toBe('用户名或手机号');
    expect(m.root.querySelector('label[for="login-password"]')?.textContent).toBe('密码');
  });

  it('shows an error per login error code in an alert', async () => {
    const auth = new FakeAuth({ profiles: [profile('w0001')] });
    m = await mount(<Login auth={auth} onLogin={() => undefined} />);
    const form = mustFind(m.root, 'form');
    const alert = () => mustFind(m!.root, '#login-problem');

    await submit(form);
    expect(alert().textContent).toBe('请填写用户名和密码。');
    expect(auth.logins).toHaveLength(0);

    await type(mustFind(m.root, '#login-username'), 'w0001');
    await type(mustFind(m.root, '#login-password'), 'wrong');
    await submit(form);
    expect(alert().getAttribute('role')).toBe('alert');
    expect(alert().textContent).toBe('用户名或密码错误。');
    expect(mustFind(m.root, '#login-password').getAttribute('aria-invalid')).toBe('true');

    auth.online = false;
    await type(mustFind(m.root, '#login-username'), 'town01');
    await type(mustFind(m.root, '#login-password'), 'demo');
    await submit(form);
    expect(alert().textContent).toContain('当前离线');
  });

  it('signs a known user in offline and hands the session over', async () => {
    const auth = new FakeAuth({ profiles: [profile('w0001')], online: false });
    let got: Session | null = null;
    m = await mount(<Login auth={auth} onLogin={(s) => (got = s)} />);
    await type(mustFind(m.root, '#login-username'), 'w0001');
    await type(mustFind(m.root, '#login-password'), 'demo');
    await submit(mustFind(m.root, 'form'));
    expect(got).not.toBeNull();
    expect(got!.user.id).toBe('w0001');
    expect(auth.logins).toEqual([{ username: 'w0001', password: 'demo' }]);
  });

  it('forgets a person on this device after confirmation', async () => {
    const auth = new FakeAuth({ profiles: [profile('w0001'), profile('town01')] });
    m = await mount(<Login auth={auth} onLogin={() => undefined} />);
    await click(m.root.querySelector('button[aria-label*="张伟"]'));
    expect(auth.forgotten).toEqual([]);
    expect(byText(m.root, '.confirm p', '确认删除 张伟')).toBeTruthy();
    await click(byText(m.root, '.confirm button', '确认删除'));
    expect(auth.forgotten).toEqual(['w0001']);
    expect(Array.from(m.root.querySelectorAll('.profile-name')).map((e) => e.textContent)).toEqual(['城关镇指导中心']);
    expect(byText(m.root, '[role="status"]', '已从本设备删除 张伟')).toBeTruthy();
  });
});
