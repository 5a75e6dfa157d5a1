// Issue 14: 长辈版, remembered per device and per user, applied to <html data-elder>; the header switch.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { elderMode, elderModeFor, initElderMode, setElderMode } from '../../src/app/display.ts';
import { ElderSwitch } from '../../src/features/shell/ElderSwitch.tsx';
import { Me } from '../../src/features/me/Me.tsx';
import { FakeSession, FakeWorld } from './fake-services.ts';
import { click, mount, mustFind, resetLang, type Mounted } from './helpers.ts';

const html = document.documentElement;

describe('长辈版 setting', () => {
  let m: Mounted | undefined;
  beforeEach(async () => {
    localStorage.clear();
    await resetLang();
    initElderMode();
  });
  afterEach(() => {
    m?.unmount();
    m = undefined;
    localStorage.clear();
    initElderMode();
  });

  it('starts off on a new device and marks <html> only when on', () => {
    expect(elderMode.value).toBe('off');
    expect(html.dataset.elder).toBeUndefined();
    setElderMode('larger');
    expect(html.dataset.elder).toBe('larger');
    setElderMode('off');
    expect(html.dataset.elder).toBeUndefined();
  });

  it("keeps the device's choice for the sign-in screen and each user's own after sign-in", () => {
    setElderMode('on'); // on the sign-in screen: the device's
    initElderMode();
    expect(elderMode.value).toBe('on');
    elderModeFor('u1'); // u1 has no setting of their own: the device's
    expect(elderMode.value).toBe('on');
    setElderMode('off'); // u1 turns it off for themselves
    elderModeFor(null); // u1 signs out: the device's again
    expect(elderMode.value).toBe('on');
    elderModeFor('u1');
    expect(elderMode.value).toBe('off');
    elderModeFor('u2', 'larger'); // no own setting: the device's wins over a suggestion
    expect(elderMode.value).toBe('on');
    localStorage.clear();
    elderModeFor('u3', 'larger'); // nothing stored anywhere: the suggestion
    expect(elderMode.value).toBe('larger');
  });

  it('ignores a stored value it does not know', () => {
    localStorage.setItem('gridlink.elder', 'huge');
    initElderMode();
    expect(elderMode.value).toBe('off');
  });

  it('the header switch toggles 长辈版 and says so to screen readers', async () => {
    m = await mount(<ElderSwitch />);
    const b = mustFind(m.root, 'button.elder-switch');
    expect(b.textContent).toBe('长辈版');
    expect(b.getAttribute('aria-pressed')).toBe('false');
    expect(b.getAttribute('aria-description')).toContain('关怀版');
    await click(b);
    expect(html.dataset.elder).toBe('on');
    expect(mustFind(m.root, 'button.elder-switch').getAttribute('aria-pressed')).toBe('true');
    await click(mustFind(m.root, 'button.elder-switch'));
    expect(html.dataset.elder).toBeUndefined();
  });
});

describe('#/me: the text size', () => {
  let m: Mounted | undefined;
  afterEach(() => {
    m?.unmount();
    localStorage.clear();
    initElderMode();
  });

  it('offers standard, 长辈版 and 特大字, and remembers the choice for this user', async () => {
    localStorage.clear();
    await resetLang();
    const world = new FakeWorld();
    const session = new FakeSession(world, world.user('w0001'));
    elderModeFor(session.user.id);
    m = await mount(<Me session={session} onLogout={() => undefined} />);
    const radios = [...m.root.querySelectorAll<HTMLInputElement>('input[name="me-elder"]')];
    expect(radios.map((r) => r.value)).toEqual(['off', 'on', 'larger']);
    expect(radios[0]!.checked).toBe(true);
    expect(mustFind(m.root, 'fieldset.me-display legend').textContent).toContain('长辈版');
    await click(radios[2]!);
    expect(html.dataset.elder).toBe('larger');
    elderModeFor(null);
    expect(html.dataset.elder).toBeUndefined();
    elderModeFor(session.user.id);
    expect(html.dataset.elder).toBe('larger');
  });
});
