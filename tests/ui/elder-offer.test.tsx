// Issue 14: a resident aged 60 or more is offered 长辈版 once, in a calm card on their home (not a pop-up); the
// answer is kept with their settings (so no device asks again); younger residents, residents without a birth year
// and residents who use 长辈版 already see no card. The home's title row has the 长辈版 switch.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { elderModeFor, initElderMode } from '../../src/app/display.ts';
import { startUserSettings } from '../../src/app/settings.ts';
import { applySettingsPatch, parseSettingsPatch, type UserSettings } from '../../src/domain/settings.ts';
import type { UserInfo } from '../../src/domain/org.ts';
import { ResidentHome } from '../../src/features/resident/ResidentHome.tsx';
import { FakeSession, FakeWorld } from './fake-services.ts';
import { byText, click, mount, resetLang, settle, waitFor, type Mounted } from './helpers.ts';

const RESIDENT: UserInfo = { id: 'r-7', username: 'r-7', name: '王奶奶', role: 'resident', townId: 't01', villageId: 't01v01', phone: '13911117777' };
const html = document.documentElement;

function relay(stored: UserSettings) {
  const r = {
    stored,
    api: async (_path: string, init: { method?: string; body?: unknown } = {}) => {
      if (init.method === 'PUT') r.stored = applySettingsPatch(r.stored, parseSettingsPatch(init.body, Date.now())!);
      return new Response(JSON.stringify({ settings: r.stored, updatedMs: 1 }), { status: 200 });
    },
  };
  return r;
}

describe('长辈版 offered to a resident aged 60 or more', () => {
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
    initElderMode();
  });

  async function home(settings: UserSettings) {
    const r = relay(settings);
    const session = Object.assign(new FakeSession(new FakeWorld(), RESIDENT), { api: r.api });
    elderModeFor(RESIDENT.id);
    const s = startUserSettings(session);
    stop = s.stop;
    await s.ready;
    m = await mount(<ResidentHome session={session} />);
    await settle();
    return { r, session };
  }
  const card = () => m!.root.querySelector('.elder-offer');

  it('offers it in the page; 开启 turns it on and the answer is kept with the profile', async () => {
    const { r } = await home({ birthYear: 1950 });
    expect(card()?.textContent).toContain('试试长辈版？');
    expect(document.querySelector('[role="dialog"], dialog')).toBeNull();
    await click(byText(card()!, 'button', '开启'));
    expect(html.dataset.elder).toBe('on');
    await waitFor(() => r.stored.elderOffer === 'accepted' && r.stored.elder === 'on', 'answer stored');
    expect(card()).toBeNull();
    expect(m!.root.textContent).toContain('已开启长辈版。');
  });

  it('不用了 hides it for good (on any device) and leaves the standard app', async () => {
    const { r } = await home({ birthYear: 1960 });
    await click(byText(card()!, 'button', '不用了'));
    await waitFor(() => r.stored.elderOffer === 'declined', 'answer stored');
    expect(card()).toBeNull();
    expect(html.dataset.elder).toBeUndefined();
    m!.unmount();
    stop!();
    localStorage.clear(); // another device
    await home(r.stored);
    expect(card()).toBeNull();
  });

  it('is not offered under 60, without a birth year, or when 长辈版 is on already', async () => {
    await home({ birthYear: 1970 });
    expect(card()).toBeNull();
    m!.unmount();
    stop!();
    await home({});
    expect(card()).toBeNull();
    m!.unmount();
    stop!();
    await home({ birthYear: 1940, elder: 'larger' });
    expect(card()).toBeNull();
    // The title row has the 长辈版 switch (shown in the phone layout).
    expect(m!.root.querySelector('.screen-head button.elder-switch.home-elder')).not.toBeNull();
  });
});
