/**
 * Photo and voice capture on the forms (issue 12): the report form sends the kept photos and the voice note in its
 * input, a removed photo is not sent, at most 9, a file that is not an image is named and skipped, the recorder's
 * fallback, and the fix forms' after-photo rule (said up front, refused without a photo) with the device position.
 * Compression itself needs a real browser (tests/e2e/capture.test.ts): here it is replaced by a stand-in that
 * returns valid JPEG bytes per file, so these tests are about the forms.
 */
import { signal } from '@preact/signals';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startRouter } from '../../src/app/router.ts';
import type { CapturedBlob, EvidenceApi } from '../../src/app/services.ts';
import { hex } from '../../src/domain/blobs.ts';
import { CaseDetail } from '../../src/features/cases/CaseDetail.tsx';
import { CaptureError, type CompressedPhoto } from '../../src/features/evidence/compress.ts';
import type * as CompressModule from '../../src/features/evidence/compress.ts';
import { ReportForm } from '../../src/features/report/ReportForm.tsx';
import { FakeSession, FakeWorld, NOW } from './fake-services.ts';
import { byText, click, mount, mustFind, resetLang, submit, type, waitFor, type Mounted } from './helpers.ts';
import { dispatched, report } from './work-helpers.ts';

/** A tiny valid JPEG-shaped blob (SOI ... EOI) whose bytes depend on `seed`. */
async function jpeg(seed: string, kind: 'photo' | 'thumb'): Promise<CapturedBlob> {
  const body = new TextEncoder().encode(`${kind}:${seed}`);
  const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...body, 0xff, 0xd9]);
  return { hash: hex(await crypto.subtle.digest('SHA-256', bytes)), kind, type: 'image/jpeg', bytes };
}

vi.mock('../../src/features/evidence/compress.ts', async (importOriginal) => {
  const real = await importOriginal<typeof CompressModule>();
  return {
    ...real,
    compressPhoto: async (file: File): Promise<CompressedPhoto> => {
      if (file.type && !file.type.startsWith('image/')) throw new real.CaptureError('not_image');
      if (file.name.startsWith('broken')) throw new real.CaptureError('undecodable');
      return { full: await jpeg(file.name, 'photo'), thumb: await jpeg(file.name, 'thumb') };
    },
  };
});

function withEvidence(session: FakeSession): CapturedBlob[] {
  const kept: CapturedBlob[] = [];
  const evidence: EvidenceApi = {
    keep: async (blobs) => void kept.push(...blobs),
    load: async () => null,
    uploads: signal({ photos: 0, clips: 0, bytesLeft: 0, bytes: 0, byCase: {} }),
    storage: async () => ({ usage: null, quota: null, persisted: false, unsentBytes: 0, cleanableBytes: 0, closedCaseBytes: 0 }),
    clean: async () => 0,
  };
  (session as { evidence?: EvidenceApi }).evidence = evidence;
  return kept;
}

/** Choose files on a (hidden) file input, as the browser does after the picker closes. */
async function choose(input: Element, files: File[]): Promise<void> {
  await act(() => {
    Object.defineProperty(input, 'files', { value: files, configurable: true });
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

const photo = (name: string) => new File([new Uint8Array([0xff, 0xd8, 0xff, 0xd9])], name, { type: 'image/jpeg' });
const thumbs = (root: HTMLElement) => Array.from(root.querySelectorAll<HTMLImageElement>('.photo-item img'));

async function fillReport(root: HTMLElement): Promise<void> {
  await type(mustFind(root, '#r-category-search'), '0101');
  await click(root.querySelector('input[value="0101"]'));
  await type(mustFind(root, '#r-description'), '村口违建');
}

describe('capture on the report form', () => {
  let m: Mounted | undefined;
  let stop: (() => void) | undefined;
  beforeEach(async () => {
    await resetLang();
    location.hash = '#/report';
    stop = startRouter();
  });
  afterEach(() => {
    m?.unmount();
    stop?.();
  });

  it('keeps the photos on the device and sends them in the report; a removed one is not sent', async () => {
    const world = new FakeWorld();
    const session = new FakeSession(world, world.user('w0001'));
    const kept = withEvidence(session);
    m = await mount(<ReportForm session={session} />);
    const camera = await waitFor(() => m!.root.querySelector('input[type=file][capture="environment"]'), 'camera input');
    expect(camera.getAttribute('accept')).toBe('image/*');
    const gallery = mustFind<HTMLInputElement>(m.root, 'input[type=file][multiple]');
    expect(byText(m.root, 'button', '拍照')).toBeTruthy();
    expect(byText(m.root, 'button', '从相册选择')).toBeTruthy();

    await choose(gallery, [photo('a.jpg'), photo('b.jpg'), photo('c.jpg')]);
    await waitFor(() => thumbs(m!.root).length === 3, 'three thumbnails');
    // Thumbnails show the thumbnail's bytes (an object URL), never the original file.
    expect(thumbs(m.root).every((img) => img.src.startsWith('blob:'))).toBe(true);
    expect(kept.map((b) => b.kind)).toEqual(['thumb', 'photo', 'thumb', 'photo', 'thumb', 'photo']);
    expect(mustFind(m.root, '.capture-count').textContent).toBe('已选 3/9 张');

    const refs = await Promise.all(['a.jpg', 'b.jpg', 'c.jpg'].map(async (n) => ({ full: (await jpeg(n, 'photo')).hash, thumb: (await jpeg(n, 'thumb')).hash })));
    await click(mustFind(m.root, 'button[aria-label="删除第 2 张照片"]'));
    expect(thumbs(m.root)).toHaveLength(2);
    expect(thumbs(m.root).map((i) => i.alt)).toEqual(['第 1 张照片', '第 2 张照片']);

    await fillReport(m.root);
    await submit(mustFind(m.root, 'form.card'));
    expect(session.calls.reports).toHaveLength(1);
    expect(session.calls.reports[0]!.photos).toEqual([refs[0], refs[2]]);
    expect(session.calls.reports[0]!.voice).toBeUndefined();
    // The event carries the hashes, as the domain stores them.
    expect((world.events.at(-1)!.data as { photos?: unknown }).photos).toEqual([refs[0], refs[2]]);
  });

  it('takes at most 9 photos and says so', async () => {
    const world = new FakeWorld();
    const session = new FakeSession(world, world.user('w0001'));
    withEvidence(session);
    m = await mount(<ReportForm session={session} />);
    const gallery = await waitFor(() => m!.root.querySelector('input[type=file][multiple]'), 'gallery input');
    await choose(gallery, Array.from({ length: 7 }, (_, i) => photo(`p${i}.jpg`)));
    await waitFor(() => thumbs(m!.root).length === 7, 'seven thumbnails');
    await choose(gallery, Array.from({ length: 4 }, (_, i) => photo(`q${i}.jpg`)));
    await waitFor(() => thumbs(m!.root).length === 9, 'nine thumbnails');
    expect(mustFind(m.root, '.capture [role="alert"]').textContent).toBe('最多 9 张照片，多选的 2 张未添加。');
    expect(mustFind(m.root, '.capture-count').textContent).toBe('已达 9 张上限。');
    expect(byText(m.root, 'button', '拍照')!.hasAttribute('disabled')).toBe(true);
    expect(byText(m.root, 'button', '从相册选择')!.hasAttribute('disabled')).toBe(true);
    await fillReport(m.root);
    await submit(mustFind(m.root, 'form.card'));
    expect(session.calls.reports[0]!.photos).toHaveLength(9);
  });

  it('names a file that is not an image or cannot be read, and adds the others', async () => {
    const world = new FakeWorld();
    const session = new FakeSession(world, world.user('w0001'));
    const kept = withEvidence(session);
    m = await mount(<ReportForm session={session} />);
    const gallery = await waitFor(() => m!.root.querySelector('input[type=file][multiple]'), 'gallery input');
    await choose(gallery, [new File(['hello'], 'notes.txt', { type: 'text/plain' }), photo('broken.jpg'), photo('ok.jpg')]);
    await waitFor(() => thumbs(m!.root).length === 1, 'one thumbnail');
    const alert = mustFind(m.root, '.capture [role="alert"]').textContent;
    expect(alert).toContain('“notes.txt”不是图片，未添加。');
    expect(alert).toContain('“broken.jpg”无法读取');
    expect(kept).toHaveLength(2);
  });

  it('tells where the browser cannot record, and where the microphone is refused', async () => {
    const world = new FakeWorld();
    const session = new FakeSession(world, world.user('w0001'));
    withEvidence(session);
    // happy-dom has no MediaRecorder: the fallback.
    m = await mount(<ReportForm session={session} />);
    await waitFor(() => byText(m!.root, '.voice', '此浏览器不能录音，请用文字描述。'), 'the fallback message');
    expect(byText(m.root, 'button', '开始录音')).toBeUndefined();
    m.unmount();

    class FakeRecorder {
      static isTypeSupported = (t: string) => t === 'audio/webm;codecs=opus';
    }
    vi.stubGlobal('MediaRecorder', FakeRecorder);
    const gum = vi.fn(() => Promise.reject(Object.assign(new Error('denied'), { name: 'NotAllowedError' })));
    Object.defineProperty(navigator, 'mediaDevices', { value: { getUserMedia: gum }, configurable: true });
    try {
      m = await mount(<ReportForm session={session} />);
      const record = await waitFor(() => byText(m!.root, 'button', '开始录音'), 'the record button');
      await click(record);
      await waitFor(() => byText(m!.root, '.voice', '未获准使用麦克风，不能录音，请用文字描述。'), 'the denied message');
      expect(gum).toHaveBeenCalledWith({ audio: true });
    } finally {
      vi.unstubAllGlobals();
      Reflect.deleteProperty(navigator, 'mediaDevices');
    }
  });
});

describe('after-photos on the fix forms', () => {
  let m: Mounted | undefined;
  beforeEach(resetLang);
  afterEach(() => {
    m?.unmount();
    Reflect.deleteProperty(navigator, 'geolocation');
  });

  it('says up front when the plan requires an after-photo, refuses without one, and sends photos and position', async () => {
    const world = new FakeWorld();
    const plan = world.org.data.plans.find((p) => p.id === 'P001')!;
    plan.afterPhoto = true;
    try {
      const id = dispatched(world, NOW - 3_600_000, '需要整改照片的违建');
      expect(world.states().get(id)!.afterPhotoRequired).toBe(true);
      const unit = new FakeSession(world, world.user('unit002'));
      withEvidence(unit);
      Object.defineProperty(navigator, 'geolocation', {
        value: { getCurrentPosition: (ok: PositionCallback) => ok({ coords: { latitude: 41.2035, longitude: 122.0513, accuracy: 8 } } as GeolocationPosition) },
        configurable: true,
      });
      m = await mount(<CaseDetail session={unit} id={id} />);
      const form = await waitFor(() => m!.root.querySelector<HTMLFormElement>('form[aria-label="处置完成"]'), 'the resolve form');
      expect(mustFind(form, '.photo-rule').textContent).toBe('此预案要求上传整改后照片。');
      await type(mustFind(form, 'textarea'), '已拆除');
      await submit(form);
      expect(unit.calls.acts).toHaveLength(0);
      expect(form.textContent).toContain('请至少上传一张整改后照片。');

      const camera = await waitFor(() => form.querySelector('input[type=file][capture="environment"]'), 'camera input');
      await choose(camera, [photo('after.jpg')]);
      await waitFor(() => thumbs(form).length === 1, 'the after-photo');
      // The error goes as soon as a photo is there.
      expect(form.textContent).not.toContain('请至少上传一张整改后照片。');
      await submit(form);
      await waitFor(() => unit.calls.acts.length === 1, 'the resolve');
      const after = { full: (await jpeg('after.jpg', 'photo')).hash, thumb: (await jpeg('after.jpg', 'thumb')).hash };
      expect(unit.calls.acts[0]!.command).toEqual({ type: 'resolve', note: '已拆除', photos: [after], location: { lat: 41.2035, lng: 122.0513 } });
      expect(world.states().get(id)!.afterPhotos).toEqual([after]);
    } finally {
      delete plan.afterPhoto;
    }
  });

  it('resolves without a photo when the plan does not ask for one; 就地解决 carries its photos', async () => {
    const world = new FakeWorld();
    const id = dispatched(world, NOW - 3_600_000, '普通违建');
    const unit = new FakeSession(world, world.user('unit002'));
    withEvidence(unit);
    m = await mount(<CaseDetail session={unit} id={id} />);
    const form = await waitFor(() => m!.root.querySelector<HTMLFormElement>('form[aria-label="处置完成"]'), 'the resolve form');
    expect(form.querySelector('.photo-rule')).toBeNull();
    await waitFor(() => form.querySelector('input[type=file]'), 'the after-photo inputs');
    await type(mustFind(form, 'textarea'), '已拆除');
    await submit(form);
    await waitFor(() => unit.calls.acts.length === 1, 'the resolve');
    // No geolocation in this browser: no position, and the form says so.
    expect(unit.calls.acts[0]!.command).toEqual({ type: 'resolve', note: '已拆除' });
    m.unmount();

    const fresh = report(world, NOW - 600_000, '路边堆物');
    const worker = new FakeSession(world, world.user('w0001'));
    withEvidence(worker);
    m = await mount(<CaseDetail session={worker} id={fresh} />);
    const self = await waitFor(() => m!.root.querySelector<HTMLFormElement>('form[aria-label="就地解决"]'), 'the self-resolve form');
    expect(self.querySelector('.photo-rule')).toBeNull();
    const gallery = await waitFor(() => self.querySelector('input[type=file][multiple]'), 'gallery input');
    await choose(gallery, [photo('s1.jpg'), photo('s2.jpg')]);
    await waitFor(() => thumbs(self).length === 2, 'two after-photos');
    await type(mustFind(self, 'textarea'), '已清理');
    await submit(self);
    await waitFor(() => worker.calls.acts.length === 1, 'the self-resolve');
    const cmd = worker.calls.acts[0]!.command as { type: string; photos?: unknown[] };
    expect(cmd.type).toBe('self_resolve');
    expect(cmd.photos).toHaveLength(2);
  });
});

// CaptureError is part of the module's contract the stand-in keeps.
void CaptureError;
