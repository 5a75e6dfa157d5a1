// Issue 13: the resident app's screens on the fake session (real domain rules): the home list with plain-word
// stages and each report's delivery (待发送 / 发送中 / 已送达), the 3-step report wizard with the nearby duplicate
// hint, and the rating after closure (also when the network is gone: nothing recorded, said so).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LatLng } from '../../src/domain/events.ts';
import type { NearbyAnswer } from '../../src/domain/publiccases.ts';
import { ReportWizard } from '../../src/features/resident/ReportWizard.tsx';
import { ResidentCase } from '../../src/features/resident/ResidentCase.tsx';
import { ResidentHome } from '../../src/features/resident/ResidentHome.tsx';
import { NearbyList } from '../../src/features/resident/NearbyList.tsx';
import { county, countyUnit, grid, inVillage, major, person, sub, town, townUser, unitUser, village, worker } from '../support/county.ts';
import { FakeSession, FakeWorld, NOW, orgView } from './fake-services.ts';
import { byText, click, mount, resetLang, settle, type, waitFor, type Mounted } from './helpers.ts';

const HOUR = 3_600_000;
const RS_ORG = county({
  towns: [town('t01', '城关镇', 'Chengguan', [122.05, 41.2])],
  villages: [village('t01v01', '太平村'), village('t01v02', '新兴社区', 'community')],
  grids: [grid('g0001', 't01v01', '第一网格', [122.0512, 41.2034]), grid('g0003', 't01v02', '第一网格', [122.0433, 41.1912])],
  categories: [major('06', '城乡建设', 'Construction'), major('07', '环境保护', 'Environment'), major('17', '其他', 'Other')],
  subcategories: [sub('0602', '道路破损', 'Damaged roads'), sub('0603', '路灯故障', 'Street lights'), sub('0701', '垃圾清运', 'Garbage'), sub('1704', '其他事项', 'Other matters')],
  plans: [],
  units: [countyUnit('u001', '县交通局', ['06', '07', '17'])],
  users: [townUser('t01', '城关镇指导中心'), worker('g0001', 't01v01', '张伟'), worker('g0003', 't01v02', '王芳'), unitUser('u001', '交通局办事员'), person('r001', '王大爷', 'resident', inVillage('t01v01'))],
});

class ResidentWorld extends FakeWorld {
  override readonly org = orgView(RS_ORG);
}

/** A resident's session with the relay's nearby answer stubbed (null: offline). */
class ResidentSession extends FakeSession {
  nearbyAnswer: NearbyAnswer | null = { radiusM: 500, cases: [] };
  nearbyAsked: Array<{ at: LatLng; radiusM?: number }> = [];
  // The relay's answer to GET /api/public/nearby (src/features/resident/nearby.ts asks through Session.api).
  async api(path: string): Promise<Response> {
    const q = new URL(path, 'http://relay').searchParams;
    if (!path.startsWith('/api/public/nearby?')) throw new Error(`unexpected ${path}`);
    const radius = q.get('radius');
    this.nearbyAsked.push({ at: { lat: Number(q.get('lat')), lng: Number(q.get('lng')) }, ...(radius ? { radiusM: Number(radius) } : {}) });
    if (!this.nearbyAnswer) throw new TypeError('offline');
    return new Response(JSON.stringify(this.nearbyAnswer), { status: 200 });
  }
}

const here = { lat: 41.2034, lng: 122.0512 };
function reportAs(world: FakeWorld, who: string, atMs: number, category = '0602', description = '门口的路坏了'): string {
  return world.command(who, null, { type: 'report', category, description, location: here, gridId: 'g0001', townId: 't01' }, atMs).caseId;
}
function closeCase(world: FakeWorld, id: string, atMs: number): void {
  world.command('town01', id, { type: 'accept' }, atMs);
  world.command('town01', id, { type: 'dispatch', unitId: 'u001', dueHours: 48 }, atMs + 1000);
  world.command('unit001', id, { type: 'resolve', note: '已经填平了坑' }, atMs + 2000);
  world.command('w0001', id, { type: 'verify' }, atMs + 3000);
  world.command('w0001', id, { type: 'close' }, atMs + 4000);
}

describe('the resident app', () => {
  let m: Mounted | undefined;
  beforeEach(resetLang);
  afterEach(() => m?.unmount());

  it('home lists my reports in plain words, with each one’s delivery and 请评价 after closure', async () => {
    const world = new ResidentWorld();
    const dispatched = reportAs(world, 'r001', NOW - 5 * HOUR, '0603', '路灯不亮');
    world.command('town01', dispatched, { type: 'accept' }, NOW - 4 * HOUR);
    world.command('town01', dispatched, { type: 'dispatch', unitId: 'u001', dueHours: 48 }, NOW - 4 * HOUR + 1000);
    const closed = reportAs(world, 'r001', NOW - 30 * HOUR);
    closeCase(world, closed, NOW - 29 * HOUR);
    const waiting = reportAs(world, 'r001', NOW - HOUR, '0701', '垃圾没人清');
    const s = new ResidentSession(world, world.user('r001'), { status: { connection: 'offline', synced: false } });
    s.pending.add(waiting);
    m = await mount(<ResidentHome session={s} />);
    const cards = await waitFor(() => {
      const c = Array.from(m!.root.querySelectorAll<HTMLAnchorElement>('.rs-card'));
      return c.length === 3 && c;
    }, 'three reports');
    const text = (id: string) => cards.find((c) => c.getAttribute('href') === `#/cases/${id}`)!.textContent!;
    expect(text(waiting)).toContain('垃圾清运');
    expect(text(waiting)).toContain('已收到');
    expect(text(waiting)).toContain('待发送');
    expect(text(dispatched)).toContain('已派给县交通局');
    expect(text(dispatched)).toContain('已送达');
    expect(text(closed)).toContain('已办结');
    expect(text(closed)).toContain('请评价');
    expect(text(dispatched)).not.toContain('请评价');
    // Back online: the outbox is being sent; then the relay took it.
    s.status.value = { ...s.status.value, connection: 'online' };
    await settle();
    expect(text(waiting)).toContain('发送中');
    s.pending.delete(waiting);
    world.version.value++;
    await waitFor(() => byText(m!.root, `a[href="#/cases/${waiting}"]`, '已送达'), 'delivered');
    expect(m.root.querySelector('a.btn-primary[href="#/report"]')?.textContent).toContain('我要上报');
  });

  it('reports in three steps (photo, where, what) with the nearby hint, then shows it kept and sent', async () => {
    const world = new ResidentWorld();
    const s = new ResidentSession(world, world.user('r001'));
    s.nearbyAnswer = {
      radiusM: 500,
      cases: [
        { category: '0602', place: { lat: 41.203, lng: 122.051, village: '太平村' }, stage: 'dispatched', day: '2025-11-18', distanceM: 200 },
        { category: '0701', place: { lat: 41.204, lng: 122.052 }, stage: 'received', day: '2025-11-19', distanceM: 100 },
      ],
    };
    m = await mount(<ReportWizard session={s} />);
    expect(m.root.querySelector('[aria-current="step"]')?.textContent).toContain('拍照');
    await click(byText(m.root, 'button', '不拍照，下一步'));
    // Step 2: no place yet -> said so; "in my village" -> the village's grid.
    await click(byText(m.root, 'button', '下一步'));
    expect(m.root.textContent).toContain('请先定位或在地图上选位置');
    expect(byText(m.root, 'h2', '问题在哪里')).toBeTruthy();
    await click(byText(m.root, 'button', '就在我村里'));
    expect(m.root.querySelector('.rs-place')?.textContent).toContain('太平村');
    await click(byText(m.root, 'button', '下一步'));
    // Step 3: the tiles of the county's subcategories (those it lacks are not shown) and 其他.
    const tiles = Array.from(m.root.querySelectorAll('.rs-tile')).map((b) => b.textContent);
    expect(tiles).toEqual(['路面坑洼', '路灯不亮', '垃圾没清', '其他']);
    await click(byText(m.root, 'button', '提交上报'));
    expect(m.root.textContent).toContain('请点选一个问题类型');
    expect(s.calls.reports).toHaveLength(0);
    // 其他 needs a few words.
    await click(byText(m.root, '.rs-tile', '其他'));
    await click(byText(m.root, 'button', '提交上报'));
    expect(m.root.textContent).toContain('请写几句话说明');
    expect(s.calls.reports).toHaveLength(0);
    // A tile: the same kind reported nearby is shown (the other kind is not).
    await click(byText(m.root, '.rs-tile', '路面坑洼'));
    expect(byText(m.root, '.rs-tile', '路面坑洼')?.getAttribute('aria-checked')).toBe('true');
    const dup = m.root.querySelector('.rs-dup')!;
    expect(dup.textContent).toContain('附近已有人上报了类似问题');
    expect(dup.textContent).toContain('约 200 米');
    expect(dup.textContent).not.toContain('垃圾');
    expect(s.nearbyAsked.at(-1)).toEqual({ at: { lat: 41.2034, lng: 122.0512 }, radiusM: 500 });
    await type(m.root.querySelector('#rs-text'), '村口大坑');
    await click(byText(m.root, 'button', '提交上报'));
    expect(s.calls.reports).toEqual([{ category: '0602', description: '路面坑洼：村口大坑', location: { lat: 41.2034, lng: 122.0512 }, gridId: 'g0001' }]);
    // Confirmation: kept and being sent (online), then delivered.
    await waitFor(() => byText(m!.root, 'h1', '上报好了'), 'confirmation');
    expect(m.root.querySelector('.rs-delivery')?.textContent).toContain('发送中');
    s.status.value = { ...s.status.value, connection: 'offline' };
    await settle();
    expect(m.root.textContent).toContain('联网后会自动发送');
    expect(m.root.querySelector('.rs-delivery')?.textContent).toContain('待发送');
    const id = [...world.states().keys()][0]!;
    s.pending.delete(id);
    world.version.value++;
    await waitFor(() => m!.root.querySelector('.rs-delivery')?.textContent?.includes('已送达'), 'delivered');
    expect(m.root.querySelector(`a[href="#/cases/${id}"]`)?.textContent).toBe('查看办理进度');
  });

  it('shows the progress with the center’s replies, and takes a rating after closure', async () => {
    const world = new ResidentWorld();
    const id = reportAs(world, 'r001', NOW - 30 * HOUR);
    closeCase(world, id, NOW - 29 * HOUR);
    const s = new ResidentSession(world, world.user('r001'));
    m = await mount(<ResidentCase session={s} id={id} />);
    await waitFor(() => m!.root.querySelector('.rs-rating'), 'rating form');
    expect(m.root.querySelector('.rs-stage-big')?.textContent).toBe('已办结');
    const steps = m.root.querySelector('.rs-timeline')!.textContent!;
    expect(steps).toContain('已派给县交通局处理');
    expect(steps).toContain('回复：已经填平了坑');
    expect(steps).toContain('您上报了问题');
    // No staff names in the resident's view.
    expect(m.root.textContent).not.toContain('张伟');
    expect(m.root.querySelectorAll('.rs-steps .is-done')).toHaveLength(5);
    // Sending without a choice says so; nothing is recorded.
    await click(byText(m.root, 'button', '提交评价'));
    expect(m.root.textContent).toContain('请先选满意、基本满意或不满意');
    expect(s.calls.acts).toHaveLength(0);
    // Offline: the command cannot reach the relay; said so, nothing recorded, the choice kept.
    await click(m.root.querySelector('#rs-rate-dissatisfied'));
    expect(m.root.querySelector('label[for="rs-rate-note"]')?.textContent).toContain('哪里不满意');
    await type(m.root.querySelector('#rs-rate-note'), '坑又塌了');
    const realAct = s.act.bind(s);
    s.act = () => Promise.reject(new TypeError('Failed to fetch'));
    await click(byText(m.root, 'button', '提交评价'));
    expect(m.root.textContent).toContain('没有网络，评价没有提交');
    expect(world.states().get(id)?.satisfaction).toBeUndefined();
    expect((m.root.querySelector('#rs-rate-dissatisfied') as HTMLInputElement).checked).toBe(true);
    // Online again: recorded as the resident's feedback, with the note.
    s.act = realAct;
    await click(byText(m.root, 'button', '提交评价'));
    expect(s.calls.acts).toEqual([{ caseId: id, command: { type: 'feedback', satisfaction: 'dissatisfied', note: '坑又塌了' } }]);
    expect(world.states().get(id)?.satisfaction).toBe('dissatisfied');
    expect(m.root.textContent).toContain('镇综治中心会再次回访');
    expect(m.root.querySelector('.rs-rating')).toBeNull();
    expect(m.root.textContent).toContain('您的评价：不满意');
  });

  it('lists public cases near the resident’s village, and says so offline', async () => {
    const world = new ResidentWorld();
    const s = new ResidentSession(world, world.user('r001'));
    s.nearbyAnswer = { radiusM: 1000, cases: [{ category: '0603', place: { lat: 41.203, lng: 122.051, village: '太平村' }, stage: 'in_progress', day: '2025-11-18', distanceM: 350 }] };
    m = await mount(<NearbyList session={s} />);
    const card = await waitFor(() => m!.root.querySelector('.rs-card'), 'a nearby case');
    expect(card.textContent).toContain('路灯故障');
    expect(card.textContent).toContain('正在处理');
    expect(card.textContent).toContain('约 350 米');
    expect(card.textContent).toContain('太平村');
    expect(s.nearbyAsked[0]).toEqual({ at: { lat: 41.2034, lng: 122.0512 }, radiusM: 1000 });
    expect(m.root.textContent).toContain('当前显示：太平村附近');
    m.unmount();
    s.nearbyAnswer = null;
    s.status.value = { ...s.status.value, connection: 'offline' };
    m = await mount(<NearbyList session={s} />);
    await waitFor(() => byText(m!.root, '.alert', '没有网络'), 'offline message');
  });
});
