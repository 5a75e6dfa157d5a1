// Issue 14: the shipped Gridlink lessons over the real resident screens (ResidentHome, ReportWizard,
// ResidentCase on the fake session, with the hash router), as the practice sandbox will run them: every step finds
// its target in the real markup, a tap elsewhere is stopped, and the lesson's taps do what the app does (a report is
// made, a rating is sent).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useEffect } from 'preact/hooks';
import { act } from 'preact/test-utils';
import { hex } from '../../src/domain/blobs.ts';
import type * as CompressModule from '../../src/features/evidence/compress.ts';
import { route, routeKey, startRouter } from '../../src/app/router.ts';
import type { LessonResult } from '../../src/domain/lessons.ts';
import { ReportWizard } from '../../src/features/resident/ReportWizard.tsx';
import { ResidentCase } from '../../src/features/resident/ResidentCase.tsx';
import { ResidentHome } from '../../src/features/resident/ResidentHome.tsx';
import { LessonPlayer, lessonById } from '../../src/features/training/LessonPlayer.tsx';
import { county, countyUnit, grid, inVillage, major, person, sub, town, townUser, unitUser, village, worker } from '../support/county.ts';
import { FakeEvidence, FakeSession, FakeWorld, NOW, orgView } from './fake-services.ts';
import { byText, click, mount, mustFind, resetLang, waitFor, type Mounted } from './helpers.ts';

// The browser's image decoding is not here: a chosen file "compresses" to a small JPEG named after it.
vi.mock('../../src/features/evidence/compress.ts', async (importOriginal) => {
  const real = await importOriginal<typeof CompressModule>();
  const jpeg = async (seed: string) => {
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new TextEncoder().encode(seed), 0xff, 0xd9]);
    return { hash: hex(await crypto.subtle.digest('SHA-256', bytes)), kind: 'photo' as const, type: 'image/jpeg', bytes };
  };
  return { ...real, compressPhoto: async (file: File) => ({ full: await jpeg(`${file.name}:full`), thumb: await jpeg(`${file.name}:thumb`) }) };
});

const ORG = county({
  towns: [town('t01', '城关镇', 'Chengguan', [122.05, 41.2])],
  villages: [village('t01v01', '太平村')],
  grids: [grid('g0001', 't01v01', '第一网格', [122.0512, 41.2034])],
  categories: [major('06', '城乡建设', 'Construction'), major('17', '其他', 'Other')],
  subcategories: [sub('0602', '道路破损', 'Damaged roads'), sub('0603', '路灯故障', 'Street lights'), sub('1704', '其他事项', 'Other matters')],
  plans: [],
  units: [countyUnit('u001', '县交通局', ['06', '17'])],
  users: [townUser('t01', '城关镇指导中心'), worker('g0001', 't01v01', '张伟'), unitUser('u001', '交通局办事员'), person('r001', '王大爷', 'resident', inVillage('t01v01'))],
});
class World extends FakeWorld {
  override readonly org = orgView(ORG);
}
/** The resident's session; the relay's nearby answer is "nothing near" (the wizard asks for it). */
class Resident extends FakeSession {
  async api(): Promise<Response> {
    return new Response(JSON.stringify({ radiusM: 500, cases: [] }), { status: 200 });
  }
}

/** The resident screens by hash route, as the sandbox shows them. */
function Screens({ session }: { session: FakeSession }) {
  useEffect(() => startRouter(), []);
  const r = route.value;
  return (
    <main key={routeKey.value}>
      {r.name === 'report' ? <ReportWizard session={session} /> : r.name === 'case' ? <ResidentCase session={session} id={r.id} /> : <ResidentHome session={session} />}
    </main>
  );
}

const el = (name: string) => waitFor(() => document.querySelector<HTMLElement>(`[data-lesson~="${name}"]`), name);
const said = () => document.querySelector('.lp-say')?.textContent ?? '';
const next = () => click(byText(mustFind(document.body, '.lp-panel'), 'button', '下一步'));

let m: Mounted | undefined;
beforeEach(async () => {
  await resetLang();
  vi.stubGlobal('speechSynthesis', { speak: () => undefined, cancel: () => undefined });
  vi.stubGlobal('SpeechSynthesisUtterance', class {});
  history.replaceState(null, '', '#/');
});
afterEach(() => {
  m?.unmount();
  m = undefined;
  vi.unstubAllGlobals();
});

describe('the Gridlink lessons over the resident screens', () => {
  it('随手拍: a tap elsewhere is stopped, the lesson taps make a real report', async () => {
    const world = new World();
    const s = new Resident(world, world.user('r001'));
    s.evidence = new FakeEvidence();
    const results: LessonResult[] = [];
    m = await mount(
      <>
        <Screens session={s} />
        <LessonPlayer lesson={lessonById('report_photo')!} onFinish={(r) => results.push(r)} onExit={() => undefined} />
      </>,
    );
    await click(await el('report-start'));
    await waitFor(() => location.hash === '#/report' && said().startsWith('先拍一张照片'), 'the photo step');
    // Skipping the photo is stopped on this step (a safe mistake); 拍照 reaches the app (its file input).
    await click(await el('photo-next'));
    expect(mustFind(document.body, '.lp-note').textContent).toContain('没关系，再试一次。');
    expect(said()).toMatch(/^先拍一张照片/);
    const camera = (await el('photo-take')).querySelector<HTMLInputElement>('input[data-capture="camera"]')!;
    const opened = vi.fn();
    camera.addEventListener('click', opened);
    await click(byText(await el('photo-take'), 'button', '拍照'));
    expect(opened).toHaveBeenCalled();
    // The camera gives a picture: compressed, kept, shown in the form; the lesson moves on by itself.
    await act(() => {
      Object.defineProperty(camera, 'files', { value: [new File([new Uint8Array([0xff, 0xd8, 0xff, 0xd9])], 'IMG_0001.jpg', { type: 'image/jpeg' })], configurable: true });
      camera.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await el('photo-added');
    await waitFor(() => said().startsWith('拍好了！照片就在这里'), 'the photo is shown');
    await next();
    await waitFor(() => said().startsWith('照片会和问题一起报给镇里'), 'then 下一步');
    await click(await el('photo-next'));
    await waitFor(() => said().startsWith('问题在哪里'), 'where');
    // The map instead of 就在我村里: stopped (the map is not opened), counted, the hint said.
    await click(await el('where-map'));
    expect(document.querySelector('[data-lesson="where-map"]')?.getAttribute('aria-expanded')).toBe('false');
    expect(mustFind(document.body, '.lp-note').textContent).toContain('没关系，再试一次。');
    await click(await el('where-home'));
    await waitFor(() => said().startsWith('位置选好了'), 'place chosen');
    await click(await el('where-next'));
    await waitFor(() => said().startsWith('是什么问题'), 'what');
    await click(byText(await el('what-tiles'), 'button', '路灯不亮'));
    await waitFor(() => said().startsWith('不会写字也没关系'), 'voice');
    await next();
    await click(await el('report-send'));
    await waitFor(() => said().startsWith('报好了'), 'done step');
    await el('report-done');
    await next();
    await click(byText(mustFind(document.body, '.lp-panel'), 'button', '完成'));
    expect(s.calls.reports).toEqual([expect.objectContaining({ category: '0603', description: '路灯不亮', gridId: 'g0001', photos: [{ full: expect.any(String), thumb: expect.any(String) }] })]);
    expect(results[0]).toMatchObject({ lessonId: 'report_photo', skill: 'report_photo', steps: 10, mistakes: 2, replays: 0 });
  });

  it('rate a fix: opens the report asking for 请评价 and sends a rating', async () => {
    const world = new World();
    const id = world.command('r001', null, { type: 'report', category: '0602', description: '门口的路坏了', location: { lat: 41.2034, lng: 122.0512 }, gridId: 'g0001', townId: 't01' }, NOW - 30 * 3_600_000).caseId;
    world.command('town01', id, { type: 'accept' }, NOW - 29 * 3_600_000);
    world.command('town01', id, { type: 'dispatch', unitId: 'u001', dueHours: 48 }, NOW - 29 * 3_600_000 + 1000);
    world.command('unit001', id, { type: 'resolve', note: '已经填平了坑' }, NOW - 29 * 3_600_000 + 2000);
    world.command('w0001', id, { type: 'verify' }, NOW - 29 * 3_600_000 + 3000);
    world.command('w0001', id, { type: 'close' }, NOW - 29 * 3_600_000 + 4000);
    const s = new Resident(world, world.user('r001'));
    const results: LessonResult[] = [];
    m = await mount(
      <>
        <Screens session={s} />
        <LessonPlayer lesson={lessonById('rate_fix')!} onFinish={(r) => results.push(r)} onExit={() => undefined} />
      </>,
    );
    await click(await el('report-to-rate'));
    await waitFor(() => location.hash === `#/cases/${id}` && said().startsWith('镇里说问题办好了'), 'the report');
    await el('rate-form');
    await next();
    await click(document.querySelector('label.rs-choice-satisfied'));
    await waitFor(() => said().startsWith('选好了'), 'send step');
    await click(await el('rate-send'));
    await waitFor(() => said().startsWith('评价交上去了'), 'thanks step');
    await el('rate-done');
    await next();
    await click(byText(mustFind(document.body, '.lp-panel'), 'button', '完成'));
    expect(s.calls.acts).toEqual([expect.objectContaining({ caseId: id, command: expect.objectContaining({ type: 'feedback', satisfaction: 'satisfied' }) })]);
    expect(results[0]).toMatchObject({ lessonId: 'rate_fix', steps: 5, mistakes: 0 });
  });

  it('follow my report: opens a report, reads its progress and comes back', async () => {
    const world = new World();
    const id = world.command('r001', null, { type: 'report', category: '0602', description: '门口的路坏了', location: { lat: 41.2034, lng: 122.0512 }, gridId: 'g0001', townId: 't01' }, NOW - 3_600_000).caseId;
    world.command('town01', id, { type: 'accept' }, NOW - 3_000_000);
    const s = new Resident(world, world.user('r001'));
    const results: LessonResult[] = [];
    m = await mount(
      <>
        <Screens session={s} />
        <LessonPlayer lesson={lessonById('follow_report')!} onFinish={(r) => results.push(r)} onExit={() => undefined} />
      </>,
    );
    await el('my-reports');
    await next();
    await click(await el('report-card'));
    await waitFor(() => location.hash === `#/cases/${id}` && said().startsWith('这一行大字'), 'the report');
    await el('case-stage');
    await next();
    await el('case-progress');
    await next();
    await el('case-history');
    await next();
    await click(await el('case-back'));
    await waitFor(() => location.hash === '#/cases' && byText(document.body, '.lp-panel h2', '学会了'), 'back home');
    await click(byText(mustFind(document.body, '.lp-panel'), 'button', '完成'));
    expect(results[0]).toMatchObject({ lessonId: 'follow_report', steps: 6, mistakes: 0 });
  });
});
