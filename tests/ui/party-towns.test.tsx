// Issue 5: county and admin hold every town's party doc. The party screens let them choose the town (remembered in
// the route, #/party/<tab>?town=<townId>, and for the session), write to the chosen town's doc, and sum up the
// service of 在职党员进乡村 over all towns with a per-town breakdown.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRecordsApi } from '../../src/app/records.ts';
import { navigate, parseHash, route, routeHref, routeKey } from '../../src/app/router.ts';
import type { Session } from '../../src/app/services.ts';
import { formatHlc, HybridClock } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import type { OrgData } from '../../src/domain/org.ts';
import { PartyScreen } from '../../src/features/party/PartyScreen.tsx';
import { FakeSession, FakeWorld, NOW, ORG, orgView, stubRecordSync } from './fake-services.ts';
import { byText, choose, click, mount, resetLang, settle, submit, type, type Mounted } from './helpers.ts';

const rnd = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const DAY = 86_400_000;
let seq = 0;
const ev = (type: string, actor: string, data: unknown, ms: number) => ({ id: newId(ms, rnd), type, actor, at: formatHlc({ ms, counter: seq++ % 1000, node: 'ui' }), data });

/** Members: 周立 in 城关镇 (t01), 孙丽 and 钱进 in 东郭镇 (t02); the secretary of 太平村 (t01). */
const PARTY_ORG: OrgData = {
  ...ORG,
  users: [
    ...ORG.users,
    { id: 'p0001', username: 'p0001', name: '周立', role: 'member', townId: 't01', villageId: 't01v01', gridId: 'g0001' },
    { id: 'p0101', username: 'p0101', name: '孙丽', role: 'member', townId: 't02', villageId: 't02v01', gridId: 'g0004' },
    { id: 'p0102', username: 'p0102', name: '钱进', role: 'member', townId: 't02', villageId: 't02v01', gridId: 'g0004' },
  ],
};

const member = (userId: string, name: string, villageId: string, gridId: string, contacts: unknown[] = []) =>
  ev('member_saved', 'county', { userId, name, villageId, gridId, inService: true, contacts }, NOW - 300 * DAY);

/**
 * party.t01: 周立 visited a household this year (two issues), served 3 h on a need 太平村 confirmed, and 5 h last
 * year (not confirmed). party.t02: 孙丽 served 2.5 h + 1.25 h on an enterprise need not yet confirmed; 钱进 nothing.
 */
function partyDocs() {
  const t01: unknown[] = [];
  const t02: unknown[] = [];
  t01.push(member('p0001', '周立', 't01v01', 'g0001', [{ householdId: 'g0001h001', gridId: 'g0001', address: '太平村兴盛路8号', head: '王秀英' }]));
  const old = ev('need_published', 'st01v01', { kind: 'resident', villageId: 't01v01', title: '去年的修路诉求', detail: '村道坑洼。' }, NOW - 500 * DAY);
  t01.push(old, ev('need_claimed', 'p0001', { needId: old.id }, NOW - 499 * DAY), ev('need_work', 'p0001', { needId: old.id, hours: 5, note: '填补坑洼。' }, NOW - 498 * DAY));
  const heat = ev('need_published', 'st01v01', { kind: 'resident', villageId: 't01v01', title: '独居老人取暖检查', detail: '上门检查炉具。' }, NOW - 20 * DAY);
  t01.push(
    heat,
    ev('need_claimed', 'p0001', { needId: heat.id }, NOW - 19 * DAY),
    ev('need_work', 'p0001', { needId: heat.id, hours: 3, note: '检查了5户。' }, NOW - 18 * DAY),
    ev('need_confirmed', 'st01v01', { needId: heat.id }, NOW - 17 * DAY),
    ev('contact_visit', 'p0001', { householdId: 'g0001h001', gridId: 'g0001', note: '走访。', issues: ['路灯不亮', '垃圾清运不及时'] }, NOW - 10 * DAY),
  );
  t02.push(member('p0101', '孙丽', 't02v01', 'g0004'), member('p0102', '钱进', 't02v01', 'g0004'));
  const power = ev('need_published', 'town02', { kind: 'enterprise', villageId: 't02v01', title: '合作社用电增容', detail: '烘干设备需要增容。', requester: '东风村水稻合作社' }, NOW - 15 * DAY);
  t02.push(
    power,
    ev('need_claimed', 'p0101', { needId: power.id }, NOW - 14 * DAY),
    ev('need_work', 'p0101', { needId: power.id, hours: 2.5, note: '联系供电所。' }, NOW - 13 * DAY),
    ev('need_work', 'p0101', { needId: power.id, hours: 1.25, note: '陪同现场勘查。' }, NOW - 12 * DAY),
  );
  return { 'party.t02': t02, 'party.t01': t01 } as Record<string, unknown[]>;
}

function sessionAs(userId: string, only?: string) {
  const world = new FakeWorld();
  const org = orgView(PARTY_ORG);
  const session = new FakeSession(world, org.user(userId)!);
  session.org.value = org;
  const all = partyDocs();
  const docs = only ? { [only]: all[only]! } : all;
  const records = createRecordsApi({
    user: session.user,
    sync: stubRecordSync(docs),
    org: () => session.org.peek(),
    clock: new HybridClock('ui', () => NOW),
    now: () => NOW,
    random: rnd,
    report: (input) => session.report(input),
  });
  return { session: Object.assign(session, { records }) as Session, fake: session, docs };
}

/** The party route as the app renders it: a new screen per hash (App.tsx keys the main element by it). */
function Routed({ session }: { session: Session }) {
  const r = route.value;
  return r.name === 'party' ? <PartyScreen key={routeKey.value} session={session} tab={r.tab} town={r.town} /> : null;
}

async function chooseTownAndShow(root: HTMLElement, townId: string) {
  await choose(root.querySelector('#party-town'), townId);
  await submit(root.querySelector('form.town-chooser'));
}

const cells = (tr: Element | null | undefined) => Array.from(tr?.querySelectorAll('th, td') ?? []).map((c) => c.textContent?.trim() ?? '');
const rowOf = (root: HTMLElement, table: string, label: string) =>
  Array.from(root.querySelectorAll(`${table} tr`)).find((tr) => tr.querySelector('th[scope="row"]')?.textContent?.includes(label));

let m: Mounted | null = null;
beforeEach(async () => {
  await resetLang();
  navigate('#/party');
});
afterEach(() => {
  m?.unmount();
  m = null;
});

describe('party route: the chosen town in the hash', () => {
  it('parses and writes #/party/<tab>?town=<townId>', () => {
    expect(parseHash('#/party/needs?town=t03')).toEqual({ name: 'party', tab: 'needs', town: 't03' });
    expect(parseHash('#/party?town=all')).toEqual({ name: 'party', town: 'all' });
    expect(parseHash('#/party/summary')).toEqual({ name: 'party', tab: 'summary' });
    expect(parseHash('#/party/needs?town=../x')).toEqual({ name: 'notFound', path: '/party/needs?town=../x' });
    expect(routeHref({ name: 'party', tab: 'members', town: 't02' })).toBe('#/party/members?town=t02');
    expect(routeHref({ name: 'party', tab: 'chain' })).toBe('#/party/chain');
  });
});

describe('party: county users choose the town', () => {
  it('switches towns: needs and members of the chosen town, remembered for the session', async () => {
    const { session } = sessionAs('county');
    m = await mount(<Routed session={session} />);
    // First town by default; the tabs keep it.
    expect(m.root.querySelector('h1')?.textContent).toBe('党建工作 · 城关镇');
    expect(m.root.textContent).toContain('独居老人取暖检查');
    expect(m.root.textContent).not.toContain('合作社用电增容');
    expect(byText(m.root, 'nav a', '联系户分配')?.getAttribute('href')).toBe('#/party/members?town=t01');
    expect(byText(m.root, 'nav a', '统计')?.getAttribute('href')).toBe('#/party/summary?town=all'); // the county first
    const select = m.root.querySelector<HTMLSelectElement>('#party-town')!;
    expect(m.root.querySelector('label[for="party-town"]')?.textContent).toBe('乡镇（镇街）');
    expect(Array.from(select.options).map((o) => `${o.value}:${o.textContent}`)).toEqual(['t01:城关镇', 't02:东郭镇']); // no "all" outside the summary

    await chooseTownAndShow(m.root, 't02');
    expect(location.hash).toBe('#/party/needs?town=t02');
    expect(m.root.querySelector('h1')?.textContent).toBe('党建工作 · 东郭镇');
    expect(document.activeElement?.tagName).toBe('H1'); // a new screen: focus on its heading
    expect(m.root.textContent).toContain('合作社用电增容');
    expect(m.root.textContent).toContain('认领党员：孙丽');
    expect(m.root.textContent).not.toContain('独居老人取暖检查');
    expect(m.root.querySelector<HTMLSelectElement>('#party-town')!.value).toBe('t02');

    navigate(byText(m.root, 'nav a', '联系户分配')!.getAttribute('href')!);
    await settle();
    expect(location.hash).toBe('#/party/members?town=t02');
    expect(Array.from(m.root.querySelectorAll('#ce-member option')).map((o) => o.textContent)).toEqual(['钱进 · 东风村', '孙丽 · 东风村']); // by name (pinyin)

    navigate(byText(m.root, 'nav a', '组织体系')!.getAttribute('href')!);
    await settle();
    expect(m.root.textContent).toContain('东郭镇党委');
    expect(m.root.textContent).not.toContain('城关镇党委');

    // The menu's plain #/party returns to the town last chosen in this session.
    navigate('#/party');
    await settle();
    expect(m.root.querySelector('h1')?.textContent).toBe('党建工作 · 东郭镇');
    expect(m.root.textContent).toContain('合作社用电增容');
  });

  it("writes to the chosen town's doc only", async () => {
    const { session, docs } = sessionAs('county');
    navigate('#/party/members?town=t02');
    m = await mount(<Routed session={session} />);
    const before = { t01: docs['party.t01']!.length, t02: docs['party.t02']!.length };
    const form = m.root.querySelector('details.panel form')!;
    await choose(m.root.querySelector('#ce-member'), 'p0102');
    await type(m.root.querySelector('#ce-hid'), 'g0004h003');
    await type(m.root.querySelector('#ce-address'), '东风村前街5号');
    await type(m.root.querySelector('#ce-head'), '孙大海');
    await submit(form);
    expect(byText(m.root, '[role="status"]', '已添加联系户 孙大海')).toBeTruthy();
    expect(docs['party.t01']).toHaveLength(before.t01);
    expect(docs['party.t02']).toHaveLength(before.t02 + 1);
    expect(docs['party.t02']!.at(-1)).toMatchObject({
      type: 'contact_added',
      actor: 'county',
      data: { memberId: 'p0102', contact: { householdId: 'g0004h003', gridId: 'g0004', address: '东风村前街5号', head: '孙大海' } },
    });
    expect(m.root.querySelector('#ce-list-h')?.textContent).toContain('钱进的联系户（1/30）');

    // The records API refuses a town whose doc this user does not hold, and the town center holds only its own.
    const town = sessionAs('town01', 'party.t01');
    expect(town.session.records!.partyTowns()).toEqual(['t01']);
    expect(town.session.records!.partyActIn('t02', 'need_confirmed', { needId: 'x' })).toEqual({ ok: false, error: 'forbidden' });
  });

  it('a town center holding one party doc sees no town chooser', async () => {
    const { session } = sessionAs('town01', 'party.t01');
    m = await mount(<Routed session={session} />);
    expect(m.root.querySelector('#party-town')).toBeNull();
    expect(m.root.querySelector('h1')?.textContent).toBe('党建工作');
    expect(byText(m.root, 'nav a', '统计')?.getAttribute('href')).toBe('#/party/summary');
    expect(m.root.textContent).toContain('独居老人取暖检查');
  });
});

describe('party: the county-wide summary', () => {
  it('sums up every town with a per-town breakdown, per branch and per member, for the period', async () => {
    const { session } = sessionAs('county');
    navigate('#/party/summary');
    m = await mount(<Routed session={session} />);
    expect(m.root.querySelector('h1')?.textContent).toBe('党建工作 · 全县（全部乡镇）');
    expect(m.root.querySelector('#sum-h')?.textContent).toBe('全县服务统计（2 个乡镇）');
    const select = m.root.querySelector<HTMLSelectElement>('#party-town')!;
    expect(select.value).toBe('all');
    expect(Array.from(select.options).map((o) => o.value)).toEqual(['all', 't01', 't02']);

    // This year (1 January to today): 党员, 走访, 反映问题, 认领诉求, 确认完成, 服务时长, 确认时长.
    expect(cells(rowOf(m.root, '.county-summary tbody', '城关镇'))).toEqual(['城关镇', '1', '1', '2', '1', '1', '3', '3']);
    expect(cells(rowOf(m.root, '.county-summary tbody', '东郭镇'))).toEqual(['东郭镇', '2', '0', '0', '1', '0', '3.75', '0']);
    expect(cells(m.root.querySelector('.county-summary tfoot tr'))).toEqual(['全县合计', '3', '1', '2', '2', '1', '6.75', '3']);
    expect(byText(m.root, '[role="status"]', '2 个乡镇共 3 名党员，服务 6.75 小时，确认完成 1 项诉求。')).toBeTruthy();
    expect(rowOf(m.root, '.county-summary tbody', '东郭镇')?.querySelector('a')?.getAttribute('href')).toBe('#/party/summary?town=t02');

    // Branches and members of all towns, most hours first.
    expect(cells(m.root.querySelector('#sum-branches tbody tr'))).toEqual(['东风村 东郭镇', '0', '0', '1', '0', '3.75', '0']);
    expect(Array.from(m.root.querySelectorAll('#sum-members tbody tr')).map((tr) => cells(tr)[0])).toEqual(['孙丽 东郭镇 · 东风村', '周立 城关镇 · 太平村', '钱进 东郭镇 · 东风村']);
    expect(cells(rowOf(m.root, '#sum-members', '周立'))).toEqual(['周立 城关镇 · 太平村', '1', '2', '1', '1', '3', '3']);

    // From 1 January last year: 周立's 5 hours of last year count (claimed, not confirmed).
    await type(m.root.querySelector('#sum-from'), '2024-01-01');
    expect(cells(rowOf(m.root, '.county-summary tbody', '城关镇'))).toEqual(['城关镇', '1', '1', '2', '2', '1', '8', '3']);
    expect(cells(m.root.querySelector('.county-summary tfoot tr'))).toEqual(['全县合计', '3', '1', '2', '3', '1', '11.75', '3']);
    expect(Array.from(m.root.querySelectorAll('#sum-members tbody tr')).map((tr) => cells(tr)[0]?.split(' ')[0])).toEqual(['周立', '孙丽', '钱进']);

    // One town's summary instead: the town's branches and members only.
    await chooseTownAndShow(m.root, 't02');
    expect(location.hash).toBe('#/party/summary?town=t02');
    expect(m.root.querySelector('#sum-h')?.textContent).toBe('服务统计');
    expect(m.root.textContent).toContain('孙丽');
    expect(m.root.textContent).not.toContain('周立');
    expect(m.root.querySelector<HTMLSelectElement>('#party-town')!.value).toBe('t02');
    // The other tabs keep the town (never "all"); the summary tab opens on the county.
    expect(byText(m.root, 'nav a', '在职党员进乡村')?.getAttribute('href')).toBe('#/party/needs?town=t02');
    expect(byText(m.root, 'nav a', '统计')?.getAttribute('href')).toBe('#/party/summary?town=all');
    await chooseTownAndShow(m.root, 'all');
    expect(location.hash).toBe('#/party/summary?town=all');
    expect(byText(m.root, 'nav a', '在职党员进乡村')?.getAttribute('href')).toBe('#/party/needs?town=t02');
  });

  it('shows the first 20 of a long ranking, the rest on request', async () => {
    const { session, fake, docs } = sessionAs('county');
    const many = Array.from({ length: 25 }, (_, i) => `p02${String(i).padStart(2, '0')}`);
    fake.org.value = orgView({
      ...PARTY_ORG,
      users: [...PARTY_ORG.users, ...many.map((id) => ({ id, username: id, name: `党员${id}`, role: 'member' as const, townId: 't02', villageId: 't02v01', gridId: 'g0004' }))],
    });
    docs['party.t02']!.push(...many.map((id) => member(id, `党员${id}`, 't02v01', 'g0004')));
    navigate('#/party/summary?town=all');
    m = await mount(<Routed session={session} />);
    expect(cells(m.root.querySelector('.county-summary tfoot tr'))[1]).toBe('28');
    expect(m.root.querySelectorAll('#sum-members tbody tr')).toHaveLength(20);
    const more = byText(m.root, 'button', '显示全部 28 项')!;
    expect(more.getAttribute('aria-controls')).toBe('sum-members');
    expect(more.getAttribute('aria-expanded')).toBe('false');
    await click(more);
    expect(m.root.querySelectorAll('#sum-members tbody tr')).toHaveLength(28);
    expect(more.textContent).toBe('只显示前 20 项');
    expect(more.getAttribute('aria-expanded')).toBe('true');
    expect(byText(m.root, 'button', '显示全部 2 项')).toBeUndefined(); // two branches: no button
  });
});
