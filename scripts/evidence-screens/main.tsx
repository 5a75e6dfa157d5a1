/**
 * The screens that show evidence, with photos and a voice note, for `scripts/evidence-screens.ts`: the real screens
 * (case list, case detail, verification, dispatch board) over the test fakes (tests/ui/fake-services.ts) and a
 * FakeEvidence holding JPEGs drawn here (street scenes: a shed, a pile of rubbish, the cleared spot). Not shipped.
 * `?scene=list|detail|verify|board|tasks` picks the screen; `&missing=1` leaves the photos out (placeholders),
 * `&far=1` (verify) the fix 460 m away, `&lang=en` English.
 */
import { render } from 'preact';
import { setLang } from '../../src/app/i18n.ts';
import '../../src/ui/styles.css';
import { CaseDetail } from '../../src/features/cases/CaseDetail.tsx';
import { CaseList } from '../../src/features/cases/CaseList.tsx';
import { DispatchBoard } from '../../src/features/board/DispatchBoard.tsx';
import { WorkerTasks } from '../../src/features/tasks/WorkerTasks.tsx';
import { Shell } from '../../src/features/shell/Shell.tsx';
import { FakeEvidence, FakeSession, FakeWorld, fakeHash, NOW } from '../../tests/ui/fake-services.ts';

const params = new URLSearchParams(location.search);
const scene = params.get('scene') ?? 'detail';
const HOUR = 3_600_000;
const AT = { lat: 41.2034, lng: 122.0512 };

/** A street photo, drawn: sky, ground, and the thing reported (or the spot once cleared). */
function draw(w: number, h: number, kind: number, fixed: boolean): Promise<Blob> {
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  const g = c.getContext('2d')!;
  const sky = g.createLinearGradient(0, 0, 0, h * 0.55);
  sky.addColorStop(0, ['#8fb8de', '#b9c7d1', '#a5c4e0', '#c9d6df'][kind % 4]!);
  sky.addColorStop(1, '#e8eef1');
  g.fillStyle = sky;
  g.fillRect(0, 0, w, h);
  g.fillStyle = '#9a8f7a';
  g.fillRect(0, h * 0.55, w, h * 0.45);
  g.fillStyle = '#6f675a';
  g.fillRect(0, h * 0.72, w, h * 0.06);
  // A wall and a tree for depth.
  g.fillStyle = '#c8b9a1';
  g.fillRect(w * 0.05, h * 0.3, w * 0.35, h * 0.25);
  g.fillStyle = '#8a3b2f';
  g.fillRect(w * 0.05, h * 0.26, w * 0.35, h * 0.05);
  g.fillStyle = '#3f6b3a';
  g.beginPath();
  g.arc(w * 0.82, h * 0.32, h * 0.14, 0, Math.PI * 2);
  g.fill();
  g.fillStyle = '#5a4632';
  g.fillRect(w * 0.81, h * 0.4, w * 0.02, h * 0.16);
  if (!fixed) {
    if (kind % 2 === 0) {
      // A blue steel shed built on the lane.
      g.fillStyle = '#2f6fb0';
      g.fillRect(w * 0.42, h * 0.36, w * 0.3, h * 0.3);
      g.fillStyle = '#24578b';
      for (let x = 0; x < 8; x++) g.fillRect(w * (0.43 + x * 0.037), h * 0.36, w * 0.008, h * 0.3);
      g.fillStyle = '#1b3f66';
      g.beginPath();
      g.moveTo(w * 0.4, h * 0.37);
      g.lineTo(w * 0.57, h * 0.28);
      g.lineTo(w * 0.74, h * 0.37);
      g.fill();
    } else {
      // A pile of rubbish.
      for (let i = 0; i < 40; i++) {
        g.fillStyle = ['#5b5048', '#8c7d6c', '#d9d2c5', '#3b6b8a', '#a33'][i % 5]!;
        const x = w * (0.45 + 0.25 * Math.sin(i * 7.3) * 0.5 + 0.1);
        const y = h * (0.6 + 0.08 * Math.cos(i * 3.1));
        g.fillRect(x, y, w * 0.05, h * 0.04);
      }
    }
  } else {
    g.fillStyle = '#b5aa94';
    g.fillRect(w * 0.42, h * 0.55, w * 0.3, h * 0.12);
  }
  g.fillStyle = 'rgba(0,0,0,0.45)';
  g.fillRect(w - 190, h - 34, 190, 34);
  g.fillStyle = '#fff';
  g.font = '20px sans-serif';
  g.fillText(fixed ? '整改后 2025-11-20' : '2025-11-19 15:42', w - 180, h - 11);
  return new Promise((resolve) => c.toBlob((b) => resolve(b!), 'image/jpeg', 0.82));
}

async function main() {
  if (params.get('lang') === 'en') await setLang('en');
  const world = new FakeWorld(NOW);
  const ev = new FakeEvidence();
  const photo = (n: number) => ({ full: fakeHash(n), thumb: fakeHash(n + 100) });
  const report = photo(1);
  const missing = params.get('missing') === '1';
  const photos = [photo(1), photo(2), photo(3), photo(4)];
  const after = [photo(11), photo(12)];
  if (!missing) {
    for (const [i, p] of [...photos, photo(5), photo(6)].entries()) {
      ev.blobs.set(p.full, await draw(1280, 960, i, false));
      ev.blobs.set(p.thumb, await draw(320, 240, i, false));
    }
    for (const [i, p] of after.entries()) {
      ev.blobs.set(p.full, await draw(1280, 960, i, true));
      ev.blobs.set(p.thumb, await draw(320, 240, i, true));
    }
  }
  void report;
  ev.put(fakeHash(50), 'audio/webm');
  const cmd = (user: string, id: string | null, c: Record<string, unknown>, at: number) => world.command(user, id, c, at).caseId;
  const reportAt = (desc: string, extra: Record<string, unknown>, at: number, category = '0101', location = AT) =>
    cmd('w0001', null, { type: 'report', category, description: desc, location, gridId: 'g0001', townId: 't01', address: '太平村村口', ...extra }, at);

  const shed = reportAt('村口新搭了一个蓝色彩钢棚，占了半条路，消防车过不去。', { photos, voice: { hash: fakeHash(50), seconds: 12 } }, NOW - 50 * 60_000);
  reportAt('路灯坏了三天了，晚上很黑。', {}, NOW - 40 * 60_000, '0102');
  reportAt('河边有人倒建筑垃圾。', { photos: [photo(6)] }, NOW - 30 * 60_000, '0102');
  reportAt('老人反映低保还没有到账。', { voice: { hash: fakeHash(50), seconds: 34 } }, NOW - 20 * 60_000, '0202');
  const fixed = reportAt('巷子里堆了一堆垃圾，有味道。', { photos: [photo(2), photo(6)] }, NOW - 20 * HOUR);
  cmd('town01', fixed, { type: 'accept' }, NOW - 20 * HOUR + 60_000);
  cmd('town01', fixed, { type: 'dispatch', unitId: 'u002', planId: 'P001' }, NOW - 20 * HOUR + 120_000);
  cmd('unit002', fixed, { type: 'resolve', note: '已清运，地面已冲洗。', photos: after, location: { lat: AT.lat + 35 / 111_195, lng: AT.lng } }, NOW - 2 * HOUR);
  const far = reportAt('路边违建待拆。', { photos: [photo(1)] }, NOW - 30 * HOUR);
  cmd('town01', far, { type: 'accept' }, NOW - 30 * HOUR + 60_000);
  cmd('town01', far, { type: 'dispatch', unitId: 'u002', planId: 'P001' }, NOW - 30 * HOUR + 120_000);
  cmd('unit002', far, { type: 'resolve', note: '已拆除。', photos: [photo(12)], location: { lat: AT.lat + 460 / 111_195, lng: AT.lng } }, NOW - 3 * HOUR);

  const as = (user: string) => {
    const s = new FakeSession(world, world.user(user));
    s.evidence = ev;
    return s;
  };
  let session: FakeSession;
  let screen;
  switch (scene) {
    case 'list':
      session = as('w0001');
      location.hash = '#/cases';
      screen = <CaseList session={session} />;
      break;
    case 'board':
      session = as('town01');
      location.hash = '#/board';
      screen = <DispatchBoard session={session} queue={params.get('queue') ?? 'new'} />;
      break;
    case 'tasks':
      session = as('w0001');
      location.hash = '#/tasks';
      screen = <WorkerTasks session={session} />;
      break;
    case 'verify':
      session = as('w0001');
      location.hash = `#/cases/${params.get('far') ? far : fixed}`;
      screen = <CaseDetail session={session} id={params.get('far') ? far : fixed} />;
      break;
    default:
      session = as('town01');
      location.hash = `#/cases/${shed}`;
      screen = <CaseDetail session={session} id={shed} />;
  }
  render(
    <Shell session={session} onLogout={() => {}}>
      <main id="main" tabIndex={-1} class="container">
        {screen}
      </main>
    </Shell>,
    document.getElementById('app')!,
  );
}

void main();
