// Issue 13 screens: #/signup (invitation code from the QR link, SMS code), #/me (SMS progress opt-in, sign out),
// #/invites (only the user's villages, issue, QR, revoke) and the sign-in screen's resident entry.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthService, LoginError, Session } from '../../src/app/services.ts';
import { Invites } from '../../src/features/invites/Invites.tsx';
import { Login } from '../../src/features/login/Login.tsx';
import { Signup } from '../../src/features/login/Signup.tsx';
import { Me } from '../../src/features/me/Me.tsx';
import type { UserInfo } from '../../src/domain/org.ts';
import { FakeAuth, FakeSession, FakeWorld } from './fake-services.ts';
import { byText, click, mount, mustFind, resetLang, settle, submit, type, waitFor, type Mounted } from './helpers.ts';

type Call = { path: string; method: string; body: unknown };

/** A relay that answers each path from a table (a function of the call), recording the calls. */
function fakeRelay(answers: Record<string, (c: Call) => { status: number; body: unknown }>) {
  const calls: Call[] = [];
  const respond = (path: string, method: string, body: unknown): Response => {
    const c = { path, method, body };
    calls.push(c);
    const a = answers[`${method} ${path}`]?.(c) ?? { status: 404, body: { error: 'not_found' } };
    return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'content-type': 'application/json' } });
  };
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) =>
    respond(String(input), init?.method ?? 'GET', init?.body ? JSON.parse(String(init.body)) : undefined)) as typeof fetch;
  const api = async (path: string, init: { method?: string; body?: unknown } = {}) => respond(path, init.method ?? 'GET', init.body);
  return { calls, fetchFn, api };
}

/** An auth service whose sign-in accepts the new resident. */
function residentAuth(world: FakeWorld, user: UserInfo): AuthService & { logins: Array<{ username: string; password: string }> } {
  const logins: Array<{ username: string; password: string }> = [];
  return {
    logins,
    profiles: async () => [],
    resume: async () => null,
    forget: async () => undefined,
    login: async (username: string, password: string): Promise<{ ok: true; session: Session } | { ok: false; error: LoginError }> => {
      logins.push({ username, password });
      return { ok: true, session: new FakeSession(world, user) };
    },
  };
}

const RESIDENT: UserInfo = { id: 'r-1', username: 'r-1', name: '张大爷', role: 'resident', townId: 't01', villageId: 't01v01', phone: '13911112222' };

describe('sign-up', () => {
  let m: Mounted | undefined;
  beforeEach(resetLang);
  afterEach(() => m?.unmount());

  it('with the invitation code of the QR link: required fields, a refused code, then signed in', async () => {
    const world = new FakeWorld();
    const auth = residentAuth(world, RESIDENT);
    let invite = 'bad';
    const relay = fakeRelay({
      'GET /api/signup/options': () => ({ status: 200, body: { sms: false, invite: true, passwordMin: 8 } }),
      'POST /api/signup': () => (invite === 'bad' ? { status: 400, body: { error: 'bad_invite' } } : { status: 201, body: { token: 't', user: RESIDENT } }),
    });
    let signedIn: Session | null = null;
    m = await mount(<Signup auth={auth} onLogin={(s) => (signedIn = s)} invite="ABCD2345" fetchFn={relay.fetchFn} />);
    await settle();
    // No SMS sender: no choice of way, the code from the link is filled in.
    expect(m.root.querySelector('input[name="way"]')).toBeNull();
    expect(mustFind<HTMLInputElement>(m.root, '#signup-invite').value).toBe('ABCD2345');
    const form = mustFind(m.root, 'form');
    await submit(form);
    expect(mustFind(m.root, '#signup-problem').textContent).toBe('请把每一项都填好。');
    expect(relay.calls.filter((c) => c.method === 'POST')).toEqual([]);
    await type(mustFind(m.root, '#signup-phone'), '13911112222');
    await type(mustFind(m.root, '#signup-name'), '张大爷');
    await type(mustFind(m.root, '#signup-password'), 'good-pass-1');
    await submit(form);
    await waitFor(() => mustFind(m!.root, '#signup-problem').textContent);
    expect(mustFind(m.root, '#signup-problem').textContent).toContain('邀请码无效');
    expect(mustFind(m.root, '#signup-problem').getAttribute('role')).toBe('alert');
    expect(mustFind(m.root, '#signup-invite').getAttribute('aria-invalid')).toBe('true');
    expect(signedIn).toBeNull();
    invite = 'good';
    await submit(form);
    await waitFor(() => signedIn);
    expect(relay.calls.at(-1)).toMatchObject({ path: '/api/signup', body: { phone: '13911112222', name: '张大爷', password: 'good-pass-1', invite: 'ABCD2345' } });
    expect(auth.logins).toEqual([{ username: '13911112222', password: 'good-pass-1' }]);
  });

  it('by SMS code when the relay has a sender: send, countdown, sign up with the code', async () => {
    const world = new FakeWorld();
    const auth = residentAuth(world, RESIDENT);
    const relay = fakeRelay({
      'GET /api/signup/options': () => ({ status: 200, body: { sms: true, invite: true, passwordMin: 8 } }),
      'POST /api/signup/code': () => ({ status: 202, body: { sent: true, resendAfter: 60, expiresIn: 600 } }),
      'POST /api/signup': () => ({ status: 201, body: { token: 't', user: RESIDENT } }),
    });
    let signedIn: Session | null = null;
    m = await mount(<Signup auth={auth} onLogin={(s) => (signedIn = s)} fetchFn={relay.fetchFn} />);
    await waitFor(() => m!.root.querySelector('input[name="way"][value="sms"]:checked'));
    await type(mustFind(m.root, '#signup-phone'), '13911112222');
    await click(byText(m.root, 'button', '获取验证码'));
    await waitFor(() => byText(m!.root, 'button', /秒后可重发/));
    expect(byText(m.root, 'button', /秒后可重发/)?.hasAttribute('disabled')).toBe(true);
    expect(m.root.textContent).toContain('验证码已发送到 13911112222');
    await type(mustFind(m.root, '#signup-name'), '张大爷');
    await type(mustFind(m.root, '#signup-password'), 'good-pass-1');
    await type(mustFind(m.root, '#signup-code'), '123456');
    await submit(mustFind(m.root, 'form'));
    await waitFor(() => signedIn);
    expect(relay.calls.find((c) => c.path === '/api/signup')?.body).toMatchObject({ code: '123456' });
    expect(relay.calls.find((c) => c.path === '/api/signup')?.body).not.toHaveProperty('invite');
  });
});

describe('sign-in screen', () => {
  let m: Mounted | undefined;
  beforeEach(resetLang);
  afterEach(() => m?.unmount());

  it('tells residents to use their phone and links to sign-up', async () => {
    m = await mount(<Login auth={new FakeAuth()} onLogin={() => undefined} />);
    expect(m.root.querySelector('label[for="login-username"]')?.textContent).toBe('用户名或手机号');
    expect(mustFind<HTMLAnchorElement>(m.root, '.login-resident a').getAttribute('href')).toBe('#/signup');
  });
});

describe('my account', () => {
  let m: Mounted | undefined;
  beforeEach(resetLang);
  afterEach(() => m?.unmount());

  it('shows the phone, turns SMS progress on, and signs out', async () => {
    const world = new FakeWorld();
    let sms = false;
    const relay = fakeRelay({
      'GET /api/me/prefs': () => ({ status: 200, body: { smsProgress: sms, phone: '13911112222', phoneVerified: true, mobile: true } }),
      'PUT /api/me/prefs': (c) => {
        sms = (c.body as { smsProgress: boolean }).smsProgress;
        return { status: 200, body: { smsProgress: sms, phone: '13911112222', phoneVerified: true, mobile: true } };
      },
    });
    const session = Object.assign(new FakeSession(world, RESIDENT), { api: relay.api });
    let out = 0;
    m = await mount(<Me session={session} onLogout={() => out++} />);
    await waitFor(() => !mustFind<HTMLInputElement>(m!.root, 'input[type="checkbox"]').disabled);
    expect(m.root.textContent).toContain('13911112222 · 已验证');
    expect(m.root.textContent).toContain('太平村');
    const box = mustFind<HTMLInputElement>(m.root, 'input[type="checkbox"]');
    expect(box.checked).toBe(false);
    await click(box);
    await waitFor(() => sms);
    expect(relay.calls.at(-1)).toEqual({ path: '/api/me/prefs', method: 'PUT', body: { smsProgress: true } });
    await waitFor(() => mustFind<HTMLInputElement>(m!.root, 'input[type="checkbox"]').checked);
    await click(byText(m.root, 'button', '退出登录'));
    expect(out).toBe(1);
  });

  it('says so when the opt-in cannot be read (offline)', async () => {
    const session = Object.assign(new FakeSession(new FakeWorld(), RESIDENT), {
      api: async () => {
        throw new TypeError('offline');
      },
    });
    m = await mount(<Me session={session} onLogout={() => undefined} />);
    await waitFor(() => m!.root.textContent?.includes('联网后才能更改短信通知'));
    expect(mustFind<HTMLInputElement>(m.root, 'input[type="checkbox"]').disabled).toBe(true);
  });
});

describe('invitation codes', () => {
  let m: Mounted | undefined;
  beforeEach(resetLang);
  afterEach(() => m?.unmount());

  const INVITE = { code: 'ABCD2345', villageId: 't01v01', townId: 't01', createdMs: 0, expiresMs: Date.UTC(2026, 0, 1), maxUses: 50, uses: 3, state: 'active' };

  it("a secretary issues for their own village, sees the QR, and revokes", async () => {
    const world = new FakeWorld();
    const secretary = world.org.data.users.find((u) => u.role === 'secretary')!;
    const relay = fakeRelay({
      'GET /api/invites': () => ({ status: 200, body: { invites: [] } }),
      'POST /api/invites': () => ({ status: 201, body: INVITE }),
      'DELETE /api/invites/ABCD2345': () => ({ status: 200, body: { ...INVITE, state: 'revoked' } }),
    });
    const session = Object.assign(new FakeSession(world, secretary), { api: relay.api });
    m = await mount(<Invites session={session} />);
    await waitFor(() => m!.root.textContent?.includes('还没有邀请码'));
    // Only their own village is offered.
    expect(Array.from(m.root.querySelectorAll('#invite-village option')).map((o) => o.textContent)).toEqual(['太平村']);
    await submit(mustFind(m.root, 'form'));
    await waitFor(() => m!.root.querySelector('.invite-qr path'));
    expect(relay.calls.find((c) => c.method === 'POST')?.body).toEqual({ villageId: 't01v01', days: 30, maxUses: 50 });
    const qr = mustFind(m.root, '.invite-qr');
    expect(qr.getAttribute('role')).toBe('img');
    expect(qr.getAttribute('aria-label')).toContain('ABCD2345');
    expect(mustFind(m.root, '.invite-qr path').getAttribute('d')!.length).toBeGreaterThan(200);
    expect(m.root.textContent).toContain('已用 3 / 50 次');
    await click(byText(m.root, 'button', '作废'));
    await waitFor(() => m!.root.textContent?.includes('已作废'));
    expect(m.root.querySelector('.invite-qr')).toBeNull();
  });

  it('offers no village to a grid worker', async () => {
    const world = new FakeWorld();
    const worker = world.org.data.users.find((u) => u.role === 'worker')!;
    const relay = fakeRelay({ 'GET /api/invites': () => ({ status: 403, body: { error: 'forbidden' } }) });
    m = await mount(<Invites session={Object.assign(new FakeSession(world, worker), { api: relay.api })} />);
    await settle();
    expect(m.root.querySelector('form')).toBeNull();
  });
});
