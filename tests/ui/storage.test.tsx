/**
 * Issue 12 on the device's screens: the sync bar counts photos and voice notes waiting to upload ("3 张照片待上传"),
 * the 菜单 panel links to 存储空间, and the storage screen shows persistence, usage, the outbox (never cleaned), what
 * cleaning would remove, per-case progress and refusals, and cleans on 清理.
 */
import { signal } from '@preact/signals';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EvidenceApi, StorageReport, UploadProgress } from '../../src/app/services.ts';
import { parseHash, routeHref } from '../../src/app/router.ts';
import { StorageScreen } from '../../src/features/evidence/StorageScreen.tsx';
import { Shell } from '../../src/features/shell/Shell.tsx';
import { SyncStatusBar } from '../../src/features/shell/SyncStatus.tsx';
import { FakeSession, FakeWorld } from './fake-services.ts';
import { byText, click, mount, mustFind, resetLang, settle, waitFor, type Mounted } from './helpers.ts';

type HappyWindow = { happyDOM: { setViewport(v: { width: number; height: number }): void } };
const viewport = async (width: number, height: number) => {
  (window as unknown as HappyWindow).happyDOM.setViewport({ width, height });
  window.dispatchEvent(new Event('resize'));
  await settle();
};

function fakeEvidence(progress: UploadProgress, report: StorageReport) {
  const calls = { clean: 0 };
  const uploads = signal(progress);
  let rep = report;
  const api: EvidenceApi = {
    keep: async () => {},
    load: async () => null,
    uploads,
    storage: async () => rep,
    clean: async () => {
      calls.clean++;
      const freed = rep.cleanableBytes;
      rep = { ...rep, cleanableBytes: 0, closedCaseBytes: 0, usage: (rep.usage ?? 0) - freed };
      return freed;
    },
  };
  return { api, calls, uploads };
}

describe('photos waiting and the storage screen', () => {
  let m: Mounted | null = null;
  beforeEach(resetLang);
  afterEach(async () => {
    m?.unmount();
    m = null;
    await viewport(1024, 768);
  });

  it('has its route, #/storage', () => {
    expect(parseHash('#/storage')).toEqual({ name: 'storage' });
    expect(routeHref({ name: 'storage' })).toBe('#/storage');
  });

  it('the sync bar says how many photos and voice notes wait to be uploaded', async () => {
    const world = new FakeWorld();
    const session = new FakeSession(world, world.user('w0001'));
    m = await mount(<SyncStatusBar status={session.status} />);
    const bar = mustFind(m.root, '.syncbar');
    expect(bar.textContent).not.toContain('待上传');
    session.status.value = { ...session.status.value, uploads: { photos: 3, clips: 1 } };
    await settle();
    expect(bar.textContent).toContain('3 张照片待上传');
    expect(bar.textContent).toContain('1 条语音待上传');
    session.status.value = { ...session.status.value, uploads: { photos: 0, clips: 2 } };
    await settle();
    expect(bar.textContent).not.toContain('张照片');
    expect(bar.textContent).toContain('2 条语音待上传');
  });

  it('the 菜单 panel links to 存储空间 when the session has evidence', async () => {
    await viewport(360, 740);
    location.hash = '#/tasks';
    const world = new FakeWorld();
    const session = new FakeSession(world, world.user('w0001'));
    (session as { evidence?: EvidenceApi }).evidence = fakeEvidence({ photos: 0, clips: 0, bytes: 0, bytesLeft: 0, byCase: {} }, { usage: null, quota: null, persisted: false, unsentBytes: 0, cleanableBytes: 0, closedCaseBytes: 0 }).api;
    m = await mount(
      <Shell session={session} onLogout={() => {}}>
        <main />
      </Shell>,
    );
    await click(mustFind(m.root, '.menu-toggle'));
    const link = byText(m.root, '#app-menu a', '存储空间');
    expect(link?.getAttribute('href')).toBe('#/storage');
  });

  it('shows persistence, usage, the outbox, what cleaning removes, progress per case and refusals; 清理 cleans', async () => {
    const world = new FakeWorld();
    const session = new FakeSession(world, world.user('w0001'));
    const ev = fakeEvidence(
      {
        photos: 2,
        clips: 1,
        bytes: 600 * 1024,
        bytesLeft: 300 * 1024,
        byCase: { C1: { photos: 2, clips: 1, bytes: 600 * 1024, bytesLeft: 300 * 1024 } },
        refused: [{ hash: 'a'.repeat(64), kind: 'photo', caseId: 'C2', error: 'corrupt_blob' }],
      },
      { usage: 50 * 1024 * 1024, quota: 1024 * 1024 * 1024, persisted: true, unsentBytes: 600 * 1024, cleanableBytes: 2 * 1024 * 1024, closedCaseBytes: 1024 * 1024 },
    );
    (session as { evidence?: EvidenceApi }).evidence = ev.api;
    m = await mount(<StorageScreen session={session} />);
    await waitFor(() => m!.root.textContent?.includes('已用'), 'the report');
    const text = m.root.textContent!;
    expect(text).toContain('本机已允许长期保存');
    expect(text).toContain('已用 50 MB，共 1 GB');
    expect(text).toContain('待上传：600 KB（不会被清理）');
    expect(text).toContain('可清理：2 MB，其中已结案案件的照片 1 MB');
    expect(text).toContain('2 张照片、1 条语音待上传，还剩 300 KB / 600 KB');
    expect(text).toContain('照片（案件 C2）：文件已损坏');
    const button = byText(m.root, 'button', '清理')!;
    expect(button.hasAttribute('disabled')).toBe(false);
    await click(button);
    await waitFor(() => m!.root.textContent?.includes('已释放 2 MB'), 'cleaned');
    expect(ev.calls.clean).toBe(1);
    await waitFor(() => byText(m!.root, 'button', '清理')?.hasAttribute('disabled'), 'nothing more to clean');
  });
});
