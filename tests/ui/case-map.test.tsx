// Issue 11: a case's position in words and as a `geo:` directions link (the small map itself is drawn by maplibre,
// lazily, and is looked at in the end-to-end screenshots); without coordinates only the grid's name.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setLang } from '../../src/app/i18n.ts';
import { CaseMap, geoUri, hasPoint } from '../../src/features/map/CaseMap.tsx';
import { FakeSession, FakeWorld } from './fake-services.ts';
import { mount, resetLang, settle, type Mounted } from './helpers.ts';

let m: Mounted | null = null;
beforeEach(() => resetLang());
afterEach(() => {
  m?.unmount();
  m = null;
});

function session(): FakeSession {
  const world = new FakeWorld();
  return new FakeSession(world, world.user('w0001'));
}

describe('CaseMap', () => {
  it('says where the case is in words and links to the phone’s map app for directions', async () => {
    m = await mount(<CaseMap session={session()} gridId="g0001" location={{ lat: 41.2, lng: 122.05 }} address="东街 3 号" />);
    await settle();
    const text = m.root.querySelector('figcaption')!.textContent!;
    expect(text).toContain('东街 3 号');
    expect(text).toContain('北纬 41.20000°，东经 122.05000°');
    expect(text).not.toMatch(/g0001/);
    const link = m.root.querySelector<HTMLAnchorElement>('a.case-map-go')!;
    expect(link.textContent).toBe('导航到这里');
    expect(link.getAttribute('href')).toBe('geo:41.200000,122.050000?q=41.200000,122.050000');
    // The map's picture is hidden from screen readers: the caption says the same.
    expect(m.root.querySelector('.case-map-canvas')?.getAttribute('aria-hidden')).toBe('true');
  });

  it('shows only the grid’s name when the case has no coordinates', async () => {
    m = await mount(<CaseMap session={session()} gridId="g0001" location={null} />);
    await settle();
    expect(m.root.querySelector('a')).toBeNull();
    expect(m.root.querySelector('.case-map-canvas')).toBeNull();
    expect(m.root.textContent).not.toBe('');
    expect(m.root.textContent).not.toMatch(/g0001/);
  });

  it('speaks English in English', async () => {
    await setLang('en');
    m = await mount(<CaseMap session={session()} gridId="g0001" location={{ lat: 41.2, lng: 122.05 }} />);
    await settle();
    expect(m.root.querySelector('a.case-map-go')!.textContent).toBe('Directions');
  });

  it('takes 0,0 and out-of-range values for no coordinates', () => {
    expect(hasPoint({ lat: 0, lng: 0 })).toBe(false);
    expect(hasPoint({ lat: 91, lng: 1 })).toBe(false);
    expect(hasPoint({ lat: Number.NaN, lng: 1 })).toBe(false);
    expect(hasPoint(undefined)).toBe(false);
    expect(hasPoint({ lat: 41.2, lng: 122.05 })).toBe(true);
    expect(geoUri(41.2, 122.05)).toBe('geo:41.200000,122.050000?q=41.200000,122.050000');
  });
});
