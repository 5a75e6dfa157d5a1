/**
 * Evidence on every screen that shows a case (issue 12): thumbnails in list and queue rows (lazy, with the photo
 * count and the voice length), placeholders instead of broken images, the photo viewer (tap, swipe, pinch,
 * double-tap, arrows, Escape and focus), the voice player, and before/after with the fix's distance at verification.
 */
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CaseDetail } from '../../src/features/cases/CaseDetail.tsx';
import { CaseList } from '../../src/features/cases/CaseList.tsx';
import { DispatchBoard } from '../../src/features/board/DispatchBoard.tsx';
import { MapScreen } from '../../src/features/map/MapScreen.tsx';
import { heldUrls, REVOKE_AFTER_MS } from '../../src/features/evidence/useBlob.ts';
import { fixDistanceM } from '../../src/domain/distance.ts';
import type { LatLng } from '../../src/domain/events.ts';
import { FakeEvidence, FakeSession, FakeWorld, fakeHash, NOW } from './fake-services.ts';
import { byText, click, mount, mustFind, resetLang, settle, waitFor, type Mounted } from './helpers.ts';
import { HOUR, MIN, press } from './work-helpers.ts';

const AT: LatLng = { lat: 41.2034, lng: 122.0512 };
const photo = (n: number) => ({ full: fakeHash(n), thumb: fakeHash(n + 100) });
const PHOTOS = [photo(1), photo(2), photo(3)];
const VOICE = { hash: fakeHash(50), seconds: 12 };

/** IntersectionObserver as the browser's, driven by the test: `revealAll()` brings every observed element into view. */
class TestIO {
  static all = new Set<TestIO>();
  readonly els = new Set<Element>();
  constructor(readonly cb: IntersectionObserverCallback) {
    TestIO.all.add(this);
  }
  observe(el: Element) {
    this.els.add(el);
  }
  unobserve(el: Element) {
    this.els.delete(el);
  }
  disconnect() {
    this.els.clear();
    TestIO.all.delete(this);
  }
  takeRecords() {
    return [];
  }
}
async function revealAll() {
  await act(() => {
    for (const io of [...TestIO.all]) io.cb([...io.els].map((target) => ({ isIntersecting: true, target }) as unknown as IntersectionObserverEntry), io as unknown as IntersectionObserver);
  });
  await settle();
}

function reportWithEvidence(world: FakeWorld, description: string, extra: Record<string, unknown> = { photos: PHOTOS, voice: VOICE }, atMs = NOW - 5 * HOUR): string {
  return world.command('w0001', null, { type: 'report', category: '0101', description, location: AT, gridId: 'g0001', townId: 't01', ...extra }, atMs).caseId;
}

/** Reported with photos, accepted, dispatched to u002, resolved with `fix` (after-photos, location). */
function resolvedWith(world: FakeWorld, description: string, fix: Record<string, unknown>, atMs = NOW - 8 * HOUR): string {
  const id = reportWithEvidence(world, description, { photos: [photo(1)] }, atMs);
  world.command('town01', id, { type: 'accept' }, atMs + MIN);
  world.command('town01', id, { type: 'dispatch', unitId: 'u002', planId: 'P001' }, atMs + 2 * MIN);
  world.command('unit002', id, { type: 'resolve', note: '已拆除', ...fix }, atMs + HOUR);
  return id;
}

/** `metres` north of AT. */
const north = (metres: number): LatLng => ({ lat: AT.lat + metres / 111_195, lng: AT.lng });

function withAll(ev: FakeEvidence): FakeEvidence {
  for (const p of [...PHOTOS, photo(7), photo(8)]) ev.put(p.full).put(p.thumb);
  ev.put(VOICE.hash, 'audio/webm', new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 2]));
  return ev;
}

const tiles = (root: ParentNode) => Array.from(root.querySelectorAll<HTMLButtonElement>('.photo-tile'));
const dialog = () => document.querySelector<HTMLElement>('[role="dialog"]');
const counter = () => dialog()?.querySelector('.viewer-counter')?.textContent;

describe('evidence on cases', () => {
  let m: Mounted | undefined;
  const realIO = globalThis.IntersectionObserver;
  beforeEach(async () => {
    await resetLang();
    TestIO.all.clear();
    globalThis.IntersectionObserver = TestIO as unknown as typeof IntersectionObserver;
  });
  afterEach(() => {
    m?.unmount();
    m = undefined;
    globalThis.IntersectionObserver = realIO;
    vi.restoreAllMocks();
  });

  it('shows a thumbnail with the photo count and the voice length in the rows that have them, loaded when near the viewport', async () => {
    const world = new FakeWorld();
    reportWithEvidence(world, '有照片的案件');
    reportWithEvidence(world, '只有文字的案件', {}, NOW - 4 * HOUR);
    const session = new FakeSession(world, world.user('w0001'));
    const ev = (session.evidence = withAll(new FakeEvidence()));
    const revoke = vi.spyOn(URL, 'revokeObjectURL');
    m = await mount(<CaseList session={session} />);
    await waitFor(() => m!.root.querySelectorAll('a.case-row').length === 2, 'rows');
    const withPhotos = byText(m.root, 'a.case-row', '有照片的案件')!;
    const without = byText(m.root, 'a.case-row', '只有文字的案件')!;

    expect(without.querySelector('.thumb')).toBeNull();
    expect(without.textContent).not.toContain('0:12');
    const thumb = mustFind(withPhotos, '.thumb');
    expect(withPhotos.classList.contains('has-thumb')).toBe(true);
    expect(mustFind(thumb, '.thumb-count').textContent).toBe('3');
    expect(withPhotos.textContent).toContain('3 张照片');
    expect(mustFind(withPhotos, '.row-voice').textContent).toBe('语音留言0:12');

    // Not near the viewport yet: nothing loaded, the box is there (the row does not jump when it arrives).
    expect(ev.loads).toEqual([]);
    expect(thumb.querySelector('img')).toBeNull();
    await revealAll();
    const img = await waitFor(() => withPhotos.querySelector<HTMLImageElement>('.thumb img'), 'thumbnail');
    expect(ev.loads).toEqual([PHOTOS[0]!.thumb]);
    expect(img.getAttribute('src')).toMatch(/^blob:/);
    // Decoration inside the row's link: the row says it in words.
    expect(img.getAttribute('alt')).toBe('');

    // Leaving revokes the object URL.
    const url = img.getAttribute('src');
    m.unmount();
    m = undefined;
    await waitFor(() => revoke.mock.calls.some((c) => c[0] === url), 'revoked', REVOKE_AFTER_MS + 5_000);
    expect(heldUrls(ev)).toBe(0);
  });

  it('shows a placeholder in words, never a broken image, when a photo cannot be loaded', async () => {
    const world = new FakeWorld();
    const id = reportWithEvidence(world, '照片未上传');
    const session = new FakeSession(world, world.user('w0001'));
    session.evidence = new FakeEvidence(); // holds nothing: load() answers null
    m = await mount(<CaseDetail session={session} id={id} />);
    await waitFor(() => tiles(m!.root).length === 3, 'tiles');
    await revealAll();
    await waitFor(() => byText(m!.root, '.photo-tile', '照片尚未上传'), 'not uploaded');
    expect(m.root.querySelector('.photo-strip img')).toBeNull();
    expect(tiles(m.root).map((b) => b.querySelector('.tile-name')?.textContent)).toEqual(['查看第 1 张照片，共 3 张', '查看第 2 张照片，共 3 张', '查看第 3 张照片，共 3 张']);
    m.unmount();

    // Offline: says so.
    const offline = new FakeSession(world, world.user('w0001'), { status: { connection: 'offline' } });
    offline.evidence = new FakeEvidence();
    m = await mount(<CaseDetail session={offline} id={id} />);
    await waitFor(() => tiles(m!.root).length === 3, 'tiles');
    await revealAll();
    await waitFor(() => byText(m!.root, '.photo-tile', '离线，暂不能显示'), 'offline');
    // Back online: tried again, and shown.
    (offline.evidence as FakeEvidence).put(PHOTOS[0]!.thumb);
    await act(() => {
      offline.status.value = { ...offline.status.value, connection: 'online' };
    });
    await waitFor(() => tiles(m!.root)[0]!.querySelector('img'), 'loaded once online');
    m.unmount();

    // A session without the evidence API (older fakes): the placeholder, no error.
    const bare = new FakeSession(world, world.user('w0001'));
    m = await mount(<CaseDetail session={bare} id={id} />);
    await waitFor(() => tiles(m!.root).length === 3, 'tiles');
    expect(m.root.querySelector('.photo-strip img')).toBeNull();
    expect(byText(m.root, '.photo-tile', '照片尚未上传')).toBeTruthy();
  });

  it('opens the viewer on tap at that photo; arrows, swipe, pinch and double-tap; Escape closes and returns focus', async () => {
    const world = new FakeWorld();
    const id = reportWithEvidence(world, '三张照片');
    const session = new FakeSession(world, world.user('w0001'));
    const ev = (session.evidence = withAll(new FakeEvidence()));
    // The full photos arrive late (a slow link): the thumbnail stands in, upscaled.
    let release!: () => void;
    const late = new Promise<void>((r) => (release = r));
    ev.delay = (hash) => (PHOTOS.some((p) => p.full === hash) ? late : undefined);
    m = await mount(<CaseDetail session={session} id={id} />);
    await waitFor(() => tiles(m!.root).length === 3, 'tiles');
    await revealAll();
    // Only thumbnails load in the case detail.
    expect(ev.loads.every((h) => PHOTOS.some((p) => p.thumb === h))).toBe(true);

    // A tap that does not focus the tile (as in Safari): focus still comes back to it.
    const second = tiles(m.root)[1]!;
    (document.activeElement as HTMLElement | null)?.blur();
    await click(second);
    await waitFor(() => dialog(), 'viewer');
    expect(dialog()!.getAttribute('aria-modal')).toBe('true');
    expect(counter()).toBe('2/3');
    const img = () => dialog()!.querySelector<HTMLImageElement>('.viewer-img');
    await waitFor(() => img(), 'preview');
    expect(img()!.classList.contains('is-preview')).toBe(true);
    expect(byText(dialog()!, '.viewer-note', '正在载入原图…')).toBeTruthy();
    expect(ev.loads).toContain(PHOTOS[1]!.full);
    const previewSrc = img()!.getAttribute('src');
    release();
    await waitFor(() => img() && !img()!.classList.contains('is-preview'), 'full photo');
    expect(img()!.getAttribute('src')).not.toBe(previewSrc);
    expect(img()!.getAttribute('alt')).toBe('第 2 张照片，共 3 张');
    // Focus is inside the dialog.
    expect(dialog()!.contains(document.activeElement)).toBe(true);

    await press('ArrowRight');
    expect(counter()).toBe('3/3');
    await press('ArrowRight');
    expect(counter()).toBe('1/3');
    await press('ArrowLeft');
    expect(counter()).toBe('3/3');

    // One thumb: a swipe to the left is the next photo, to the right the previous one.
    const stage = mustFind(dialog()!, '.viewer-stage');
    const pointer = async (type: string, id: number, x: number, y = 100) => {
      await act(() => {
        stage.dispatchEvent(new PointerEvent(type, { pointerId: id, clientX: x, clientY: y, bubbles: true, pointerType: 'touch', isPrimary: id === 1 }));
      });
    };
    await pointer('pointerdown', 1, 250);
    await pointer('pointermove', 1, 150);
    await pointer('pointerup', 1, 120);
    expect(counter()).toBe('1/3');
    await pointer('pointerdown', 1, 100);
    await pointer('pointerup', 1, 260);
    expect(counter()).toBe('3/3');

    // Pinch: two fingers moving apart zoom in; a double-tap zooms back out.
    await pointer('pointerdown', 1, 100);
    await pointer('pointerdown', 2, 200);
    await pointer('pointermove', 2, 300);
    expect(img()!.style.transform).toContain('scale(2)');
    await pointer('pointerup', 2, 300);
    await pointer('pointerup', 1, 100);
    await pointer('pointerdown', 1, 150);
    await pointer('pointerup', 1, 150);
    await pointer('pointerdown', 1, 150);
    await pointer('pointerup', 1, 150);
    expect(img()!.style.transform).toContain('scale(1)');
    // And in again.
    await pointer('pointerdown', 1, 150);
    await pointer('pointerup', 1, 150);
    await pointer('pointerdown', 1, 150);
    await pointer('pointerup', 1, 150);
    expect(img()!.style.transform).toContain('scale(2.5)');
    expect(counter()).toBe('3/3');

    // Keys pressed in the viewer stay in it (the screens' single-key shortcuts never see them).
    const seen: string[] = [];
    const spy = (e: KeyboardEvent) => seen.push(e.key);
    document.addEventListener('keydown', spy);
    await press('a');
    await press('Escape');
    document.removeEventListener('keydown', spy);
    expect(seen).toEqual([]);
    await waitFor(() => !dialog(), 'closed');
    expect(document.activeElement).toBe(tiles(m.root)[1]);
  });

  it('shows the voice note’s length and loads the clip only when asked', async () => {
    const world = new FakeWorld();
    const id = reportWithEvidence(world, '语音留言', { voice: VOICE });
    const session = new FakeSession(world, world.user('w0001'));
    const ev = (session.evidence = withAll(new FakeEvidence()));
    m = await mount(<CaseDetail session={session} id={id} />);
    const button = await waitFor(() => m!.root.querySelector<HTMLButtonElement>('.voice-btn'), 'player');
    expect(mustFind(m.root, '#evidence-title').textContent).toBe('语音留言');
    expect(button.textContent).toBe('播放语音留言0:12');
    expect(mustFind(button, '.visually-hidden').textContent).toBe('播放');
    expect(ev.loads).not.toContain(VOICE.hash);
    const play = vi.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(function (this: HTMLMediaElement) {
      this.dispatchEvent(new Event('play'));
      return Promise.resolve();
    });
    await click(button);
    const audio = await waitFor(() => m!.root.querySelector('audio'), 'audio');
    expect(ev.loads).toContain(VOICE.hash);
    expect(audio.getAttribute('src')).toMatch(/^blob:/);
    await waitFor(() => play.mock.calls.length > 0, 'played');
    await waitFor(() => button.textContent === '暂停语音留言0:00 / 0:12', 'playing');

    // Not uploaded yet: said in words.
    m.unmount();
    session.evidence = new FakeEvidence();
    m = await mount(<CaseDetail session={session} id={id} />);
    await click(await waitFor(() => m!.root.querySelector('.voice-btn'), 'player'));
    await waitFor(() => byText(m!.root, '.voice-note', '语音尚未上传'), 'not uploaded');
    expect(m.root.querySelector('audio')).toBeNull();
  });

  it('shows before and after with the fix’s distance at verification, a warning when far, and a missing after-photo', async () => {
    const world = new FakeWorld();
    const near = resolvedWith(world, '附近整改', { photos: [photo(7)], location: north(35) }, NOW - 9 * HOUR);
    const far = resolvedWith(world, '远处整改', { photos: [photo(7), photo(8)], location: north(500) }, NOW - 8 * HOUR);
    const bare = resolvedWith(world, '没有整改照片', {}, NOW - 7 * HOUR);
    const worker = new FakeSession(world, world.user('w0001'));
    worker.evidence = withAll(new FakeEvidence());
    const m35 = fixDistanceM(AT, north(35))!;
    expect(m35).toBeGreaterThanOrEqual(34);
    expect(m35).toBeLessThanOrEqual(36);

    // The grid worker verifies: before/after sits in the verify form, above its buttons, and only there.
    m = await mount(<CaseDetail session={worker} id={near} />);
    const form = await waitFor(() => m!.root.querySelector<HTMLFormElement>('form[aria-label="核实并结案"]'), 'verify form');
    const ba = mustFind(form, '.before-after');
    expect(m.root.querySelectorAll('.before-after')).toHaveLength(1);
    expect(ba.compareDocumentPosition(mustFind(form, 'button[type="submit"]')) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(mustFind(ba, '.ba-distance').textContent).toBe(`整改位置距案件位置 ${m35} 米`);
    expect(mustFind(ba, '.ba-distance').classList.contains('is-far')).toBe(false);
    expect(tiles(ba).map((b) => b.querySelector('.tile-name')?.textContent)).toEqual(['查看第 1 张照片，共 1 张', '查看第 1 张整改照片，共 1 张']);
    m.unmount();

    m = await mount(<CaseDetail session={worker} id={far} />);
    const farBa = await waitFor(() => m!.root.querySelector('form[aria-label="核实并结案"] .before-after'), 'far');
    const distance = mustFind(farBa, '.ba-distance');
    expect(distance.classList.contains('is-far')).toBe(true);
    expect(distance.textContent).toBe(`整改位置距案件位置 ${fixDistanceM(AT, north(500))} 米距离较远，请核实是否在案件现场整改。`);
    expect(tiles(farBa)).toHaveLength(3);
    m.unmount();

    m = await mount(<CaseDetail session={worker} id={bare} />);
    const bareBa = await waitFor(() => m!.root.querySelector('form[aria-label="核实并结案"] .before-after'), 'bare');
    expect(mustFind(bareBa, '.ba-missing').textContent).toBe('未附整改照片');
    expect(mustFind(bareBa, '.ba-distance').textContent).toBe('整改时未记录位置');
    m.unmount();

    // Once verified, the case detail shows before/after in its evidence card.
    world.command('w0001', far, { type: 'verify' }, NOW - HOUR);
    const town = new FakeSession(world, world.user('town01'));
    town.evidence = worker.evidence;
    m = await mount(<CaseDetail session={town} id={far} />);
    const card = await waitFor(() => m!.root.querySelector('section.evidence'), 'evidence card');
    expect(mustFind(card, 'h2').textContent).toBe('整改前后对比');
    expect(mustFind(card, '.ba-distance').classList.contains('is-far')).toBe(true);
  });

  it('shows thumbnails in the board’s rows and the case’s photos in its side panel', async () => {
    const world = new FakeWorld();
    reportWithEvidence(world, '新上报有照片', { photos: PHOTOS.slice(0, 2) }, NOW - 30 * MIN);
    const town = new FakeSession(world, world.user('town01'));
    town.evidence = withAll(new FakeEvidence());
    m = await mount(<DispatchBoard session={town} queue="new" />);
    const row = await waitFor(() => byText(m!.root, '.queue-row', '新上报有照片'), 'row');
    expect(mustFind(row, '.thumb-count').textContent).toBe('2');
    await revealAll();
    await waitFor(() => row.querySelector('.thumb img'), 'row thumbnail');
    await click(byText(m.root, '.queue-quick button', '审核'));
    const panel = await waitFor(() => m!.root.querySelector('.case-panel .evidence'), 'panel evidence');
    expect(mustFind(panel, 'h3').textContent).toBe('现场照片');
    expect(tiles(panel)).toHaveLength(2);
  });

  it('shows thumbnails beside the open cases of the map’s grid panel', async () => {
    const world = new FakeWorld();
    reportWithEvidence(world, '地图上的案件', { photos: PHOTOS.slice(0, 2) }, NOW - 30 * MIN);
    reportWithEvidence(world, '地图上没照片', {}, NOW - 20 * MIN);
    const worker = new FakeSession(world, world.user('w0001'));
    worker.evidence = withAll(new FakeEvidence());
    const square = [[[122.04, 41.19], [122.06, 41.19], [122.06, 41.21], [122.04, 41.21], [122.04, 41.19]]];
    const props = { gridId: 'g0001', villageId: 't01v01', townId: 't01', workerId: 'w0001', name: '第一网格', villageName: '太平村', townName: '城关镇', center: [122.05, 41.2] };
    const fc = (...features: unknown[]) => ({ type: 'FeatureCollection', features });
    worker.geoFiles = {
      'grids.geojson': fc({ type: 'Feature', properties: props, geometry: { type: 'Polygon', coordinates: square } }),
      'villages.geojson': fc(),
      'towns.geojson': fc(),
    };
    vi.spyOn(console, 'error').mockImplementation(() => {}); // no WebGL here: the map itself fails, the panel stays
    m = await mount(<MapScreen session={worker} gridId="g0001" />);
    const items = await waitFor(() => (m!.root.querySelectorAll('.map-cases li').length === 2 ? Array.from(m!.root.querySelectorAll('.map-cases li')) : null), 'panel cases');
    const withPhoto = items.find((li) => li.textContent!.includes('违章建筑') && li.querySelector('.thumb'));
    expect(withPhoto).toBeTruthy();
    expect(items.filter((li) => li.querySelector('.thumb'))).toHaveLength(1);
    expect(mustFind(withPhoto!, '.thumb-count').textContent).toBe('2');
    await revealAll();
    await waitFor(() => withPhoto!.querySelector('.thumb img'), 'map thumbnail');
  });
});
