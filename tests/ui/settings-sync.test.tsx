// Issue 14: a user's settings travel with their profile (src/app/settings.ts): applied at sign-in on another device,
// a change made offline is kept on the device and sent when online, a change not yet sent wins over the relay's
// older copy, and the sign-in screen's choice stays the device's.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { elderMode, elderModeFor, initElderMode, offerElderMode, setElderMode } from '../../src/app/display.ts';
import { lang } from '../../src/app/i18n.ts';
import { chooseLang, guidanceLevel, startUserSettings, userSettings } from '../../src/app/settings.ts';
import { applySettingsPatch, parseSettingsPatch, type UserSettings } from '../../src/domain/settings.ts';
import type { UserInfo } from '../../src/domain/org.ts';
import { resetLang, waitFor } from './helpers.ts';

const USER: UserInfo = { id: 'w-9', username: 'w9', name: '李网格', role: 'worker' };
const html = document.documentElement;

/** The relay's settings route, with the domain's rules, and a network that can be cut. */
function fakeRelay(initial: UserSettings = {}) {
  const r = {
    stored: initial,
    online: true,
    puts: [] as unknown[],
    api: async (path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> => {
      if (!r.online) throw new TypeError('Failed to fetch');
      expect(path).toBe('/api/me/settings');
      if (init.method === 'PUT') {
        r.puts.push(init.body);
        const patch = parseSettingsPatch(init.body, Date.now());
        if (!patch) return new Response('{"error":"bad_request"}', { status: 400 });
        r.stored = applySettingsPatch(r.stored, patch);
      }
      return new Response(JSON.stringify({ settings: r.stored, updatedMs: 1 }), { status: 200 });
    },
  };
  return r;
}

const session = (relay: ReturnType<typeof fakeRelay>) => ({ user: USER, api: relay.api, now: () => Date.now() });

describe('settings that travel with the user', () => {
  let stop: (() => void) | null = null;
  const signIn = (relay: ReturnType<typeof fakeRelay>) => {
    elderModeFor(USER.id);
    const s = startUserSettings(session(relay));
    stop = () => {
      s.stop();
      elderModeFor(null);
    };
    return s.ready;
  };
  beforeEach(async () => {
    localStorage.clear();
    await resetLang();
    initElderMode();
  });
  afterEach(async () => {
    stop?.();
    stop = null;
    localStorage.clear();
    initElderMode();
    await resetLang();
  });

  it("applies the profile's 长辈版, text size, language and guidance at sign-in on a device that never saw the user", async () => {
    const relay = fakeRelay({ elder: 'larger', lang: 'en', guidance: 'brief' });
    expect(elderMode.value).toBe('off');
    await signIn(relay);
    expect(html.dataset.elder).toBe('larger');
    await waitFor(() => lang.value === 'en', 'English');
    expect(guidanceLevel.value).toBe('brief');
    expect(relay.puts).toEqual([]); // nothing to send back
  });

  it('keeps a change made offline on the device and sends it when the browser is online again', async () => {
    const relay = fakeRelay();
    await signIn(relay);
    relay.online = false;
    setElderMode('larger'); // the header's switch or #/me
    await Promise.resolve();
    expect(html.dataset.elder).toBe('larger');
    expect(relay.stored).toEqual({});
    expect(JSON.parse(localStorage.getItem(`gridlink.settings.${USER.id}`)!)).toMatchObject({ settings: { elder: 'larger' }, pending: ['elder'] });
    relay.online = true;
    window.dispatchEvent(new Event('online'));
    await waitFor(() => relay.stored.elder === 'larger', 'sent');
    await waitFor(() => JSON.parse(localStorage.getItem(`gridlink.settings.${USER.id}`)!).pending.length === 0, 'confirmed');
  });

  it("sends a change still pending from an earlier visit at sign-in, and it wins over the relay's older copy", async () => {
    localStorage.setItem(`gridlink.settings.${USER.id}`, JSON.stringify({ settings: { elder: 'on' }, pending: ['elder'] }));
    const relay = fakeRelay({ elder: 'larger', guidance: 'brief' });
    await signIn(relay);
    expect(relay.stored).toEqual({ elder: 'on', guidance: 'brief' });
    expect(html.dataset.elder).toBe('on');
    expect(userSettings.value).toEqual({ elder: 'on', guidance: 'brief' });
  });

  it("the language switch changes the user's setting; on the sign-in screen both switches stay the device's", async () => {
    const relay = fakeRelay();
    await signIn(relay);
    await chooseLang('en');
    await waitFor(() => relay.stored.lang === 'en', 'lang sent');
    stop?.();
    stop = null;
    relay.puts.length = 0;
    setElderMode('on'); // signed out: the device's choice
    await chooseLang('zh');
    expect(relay.puts).toEqual([]);
    expect(localStorage.getItem('gridlink.elder')).toBe('on');
  });

  it("a learner's practice session (offerElderMode): 长辈版 on, the learner's choices not remembered, the trainer's setting back after", async () => {
    const relay = fakeRelay({ elder: 'off' });
    await signIn(relay); // the trainer
    const restore = offerElderMode();
    expect(html.dataset.elder).toBe('on');
    setElderMode('larger'); // the learner makes the text larger still
    expect(html.dataset.elder).toBe('larger');
    await Promise.resolve();
    restore();
    expect(elderMode.value).toBe('off');
    expect(html.dataset.elder).toBeUndefined();
    expect(relay.puts).toEqual([]);
    expect(localStorage.getItem(`gridlink.elder.${USER.id}`)).not.toBe('larger');
  });
});
