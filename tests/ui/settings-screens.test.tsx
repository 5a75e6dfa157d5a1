// Issue 14: the settings on screens: 出生年份 at sign-up (optional, checked, sent with the account) and in #/me
// with the guidance level, both kept with the user's settings (src/app/settings.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { elderModeFor, initElderMode } from '../../src/app/display.ts';
import type { AuthService, LoginError, Session } from '../../src/app/services.ts';
import { guidanceLevel, startUserSettings } from '../../src/app/settings.ts';
import { applySettingsPatch, parseSettingsPatch, type UserSettings } from '../../src/domain/settings.ts';
import type { UserInfo } from '../../src/domain/org.ts';
import { Signup } from '../../src/features/login/Signup.tsx';
import { Me } from '../../src/features/me/Me.tsx';
import { FakeSession, FakeWorld } from './fake-services.ts';
import { byText, click, mount, mustFind, resetLang, settle, submit, type, waitFor, type Mounted } from './helpers.ts';

const RESIDENT: UserInfo = { id: 'r-8', username: 'r-8', name: '赵大爷', role: 'resident', townId: 't01', villageId: 't01v01', phone: '13911118888' };

describe('birth year and guidance', () => {
  let m: Mounted | undefined;
  let stop: (() => void) | undefined;
  beforeEach(async () => {
    localStorage.clear();
    await resetLang();
    initElderMode();
  });
  afterEach(() => {
    m?.unmount();
    m = undefined;
    stop?.();
    elderModeFor(null);
    localStorage.clear();
  });

  it('sign-up sends a valid birth year, refuses a wrong one, and sends none when the field is empty', async () => {
    const posted: unknown[] = [];
    const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input) === '/api/signup/options') return new Response(JSON.stringify({ sms: false, invite: true, passwordMin: 8 }));
      posted.push(JSON.parse(String(init?.body)));
      return new Response(JSON.stringify({ token: 't', user: RESIDENT }), { status: 201 });
    }) as typeof fetch;
    const auth: AuthService = {
      profiles: async () => [],
      resume: async () => null,
      forget: async () => undefined,
      login: async (): Promise<{ ok: true; session: Session } | { ok: false; error: LoginError }> => ({ ok: false, error: 'network' }),
    };
    m = await mount(<Signup auth={auth} onLogin={() => undefined} invite="ABCD2345" fetchFn={fetchFn} />);
    await settle();
    await type(mustFind(m.root, '#signup-phone'), '13911118888');
    await type(mustFind(m.root, '#signup-name'), '赵大爷');
    await type(mustFind(m.root, '#signup-password'), 'good-pass-1');
    await type(mustFind(m.root, '#signup-birth'), '1850');
    await submit(mustFind(m.root, 'form'));
    expect(posted).toEqual([]);
    expect(mustFind(m.root, '#signup-birth').getAttribute('aria-invalid')).toBe('true');
    expect(mustFind(m.root, '#signup-birth-error').textContent).toContain('四位数字');
    await type(mustFind(m.root, '#signup-birth'), '１９５５'); // full-width digits, as a Chinese keyboard may type
    await submit(mustFind(m.root, 'form'));
    await waitFor(() => posted.length === 1, 'posted');
    expect(posted[0]).toMatchObject({ phone: '13911118888', birthYear: 1955 });
    await type(mustFind(m.root, '#signup-birth'), '');
    await submit(mustFind(m.root, 'form'));
    await waitFor(() => posted.length === 2, 'posted again');
    expect(posted[1]).not.toHaveProperty('birthYear');
  });

  it('#/me changes the guidance level and the birth year, kept with the profile', async () => {
    let stored: UserSettings = { birthYear: 1962 };
    const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
      if (path === '/api/me/prefs') return new Response(JSON.stringify({ smsProgress: false, phone: RESIDENT.phone, phoneVerified: true, mobile: true }));
      if (init.method === 'PUT') stored = applySettingsPatch(stored, parseSettingsPatch(init.body, Date.now())!);
      return new Response(JSON.stringify({ settings: stored, updatedMs: 1 }));
    };
    const session = Object.assign(new FakeSession(new FakeWorld(), RESIDENT), { api });
    elderModeFor(RESIDENT.id);
    const s = startUserSettings(session);
    stop = s.stop;
    await s.ready;
    m = await mount(<Me session={session} onLogout={() => undefined} />);
    await settle();
    expect(mustFind<HTMLInputElement>(m.root, '#me-birth').value).toBe('1962');
    expect(guidanceLevel.value).toBe('full');
    await click(mustFind(m.root, 'input[name="me-guidance"][value="brief"]'));
    await waitFor(() => stored.guidance === 'brief', 'guidance stored');
    expect(guidanceLevel.value).toBe('brief');
    await type(mustFind(m.root, '#me-birth'), '19x6');
    await click(byText(m.root, 'button', '保存出生年份'));
    expect(mustFind(m.root, '#me-birth').getAttribute('aria-invalid')).toBe('true');
    await type(mustFind(m.root, '#me-birth'), '1956');
    await click(byText(m.root, 'button', '保存出生年份'));
    await waitFor(() => stored.birthYear === 1956, 'birth year stored');
    expect(m.root.textContent).toContain('已保存。');
  });
});
