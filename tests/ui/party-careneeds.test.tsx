// Issue 17: needs found on care visits reach the village. The secretary's needs tab lists the visits whose needs
// wait, fills the publish form from one (or from the inbox's link, #/party/needs?care=<gridId>/<visitId>), and the
// need it publishes names the visit (party.ts `fromCare`), so the visit waits no more.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import { CareVisit } from '../../src/features/care/CareVisit.tsx';
import { PartyScreen } from '../../src/features/party/PartyScreen.tsx';
import { NOW, recordsSession } from './fake-services.ts';
import { byText, click, mount, resetLang, settle, submit, type, type Mounted } from './helpers.ts';

const DAY = 86_400_000;
const rnd = (n: number) => crypto.getRandomValues(new Uint8Array(n));
let seq = 0;
const ev = (type: string, actor: string, data: unknown, ms: number) => ({ id: newId(ms, rnd), type, actor, at: formatHlc({ ms, counter: seq++ % 1000, node: 'ui' }), data });

function docs() {
  const visit = ev('visit_recorded', 'w0001', { householdId: 'g0001h001', mode: 'home', condition: 'attention', needs: ['medical', 'company'], note: '老人腿脚不便，下周需复诊' }, NOW - 2 * DAY);
  const quiet = ev('visit_recorded', 'w0001', { householdId: 'g0001h002', mode: 'phone', condition: 'well', needs: [] }, NOW - DAY);
  return {
    visit,
    docs: {
      'party.t01': [] as unknown[],
      'care.g0001': [visit, quiet] as unknown[],
      'people.g0001': [
        ev('household_saved', 'w0001', { id: 'g0001h001', gridId: 'g0001', address: '太平村兴盛路8号', head: '王秀英' }, NOW - 90 * DAY),
        ev('household_saved', 'w0001', { id: 'g0001h002', gridId: 'g0001', address: '太平村兴盛路9号', head: '赵大山' }, NOW - 90 * DAY),
      ] as unknown[],
    },
  };
}

let m: Mounted | undefined;
beforeEach(resetLang);
afterEach(() => {
  m?.unmount();
  m = undefined;
});

const field = (id: string) => m!.root.querySelector<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(`#${id}`)!;

describe('needs found on care visits', () => {
  it('the secretary sees the visit, publishes it as a need from the filled form, and the visit waits no more', async () => {
    const { visit, docs: d } = docs();
    const session = recordsSession('st01v01', d);
    m = await mount(<PartyScreen session={session} tab="needs" />);
    const list = m.root.querySelector('.care-needs')!;
    expect(list.querySelector('h3')!.textContent).toBe('关怀走访发现的需求（1 户待发布）');
    const items = [...list.querySelectorAll('li')];
    expect(items).toHaveLength(1);
    expect(items[0]!.querySelector('.care-need-who')!.textContent).toBe('王秀英太平村兴盛路8号 · 第一网格');
    expect(items[0]!.querySelector('.care-need-what')!.textContent).toBe('需要：就医陪伴');
    expect(items[0]!.querySelector('.care-need-note')!.textContent).toBe('老人腿脚不便，下周需复诊');
    expect(items[0]!.textContent).toContain('网格员张伟走访');
    await click(byText(items[0]!, 'button', '发布为诉求'));
    const form = m.root.querySelector('form[aria-label="发布关怀走访发现的需求"]')!;
    expect(form.closest('details')!.open).toBe(true);
    expect(field('need-title').value).toBe('关怀走访：需要就医、陪伴');
    expect(field('need-detail').value).toContain('太平村 · 第一网格 太平村兴盛路8号');
    expect(field('need-detail').value).toContain('老人腿脚不便，下周需复诊');
    expect(field('need-requester').value).toBe('王秀英');
    expect(document.activeElement, 'chosen by a tap: the form is where the user goes next').toBe(field('need-title'));
    expect((field('need-village') as HTMLSelectElement).disabled).toBe(true);
    await submit(form);
    await settle();
    expect(m.root.textContent).toContain('已发布。');
    const published = d['party.t01'].at(-1) as { type: string; actor: string; data: Record<string, unknown> };
    expect(published).toMatchObject({ type: 'need_published', actor: 'st01v01', data: { villageId: 't01v01', title: '关怀走访：需要就医、陪伴', requester: '王秀英', fromCare: { gridId: 'g0001', visitId: visit.id } } });
    expect(m.root.querySelector('.care-needs'), 'nothing waits').toBeNull();
    const card = byText(m.root, 'article', '关怀走访：需要就医、陪伴')!;
    expect(card.textContent).toContain('来自关怀走访');
    expect(card.textContent).toContain('第一网格');
  });

  it('opens on the form for the visit the inbox links to; a visit taken up already says so', async () => {
    const { visit, docs: d } = docs();
    const session = recordsSession('st01v01', d);
    m = await mount(<PartyScreen session={session} tab="needs" care={`g0001/${visit.id}`} />);
    expect(field('need-title').value).toBe('关怀走访：需要就医、陪伴');
    expect(field('need-title').closest('details')!.open).toBe(true);
    m.unmount();
    d['party.t01'].push(ev('need_published', 'town01', { kind: 'resident', villageId: 't01v01', title: '陪同复诊', detail: '下周陪同复诊', fromCare: { gridId: 'g0001', visitId: visit.id } }, NOW - DAY));
    m = await mount(<PartyScreen session={session} tab="needs" care={`g0001/${visit.id}`} />);
    expect(m.root.textContent).toContain('这次走访发现的需求已经发布为诉求。');
    expect(field('need-title').value, 'a blank form').toBe('');
  });

  it('无需发布: the secretary says why, the visit waits no more, and the grid worker sees the reason', async () => {
    const { visit, docs: d } = docs();
    const session = recordsSession('st01v01', d);
    m = await mount(<PartyScreen session={session} tab="needs" />);
    const item = m.root.querySelector('.care-needs li')!;
    await click(byText(item, 'button', '无需发布'));
    const form = item.querySelector('form[aria-label="无需发布"]')!;
    const confirm = byText(form, 'button', '确认无需发布') as HTMLButtonElement;
    expect(confirm.disabled, 'a reason first').toBe(true);
    await type(form.querySelector('input')!, '家属已安排陪同复诊');
    await submit(form);
    expect(m.root.textContent).toContain('已记录：这户的需求无需发布。');
    expect(d['party.t01'].at(-1)).toMatchObject({ type: 'care_need_declined', actor: 'st01v01', data: { villageId: 't01v01', gridId: 'g0001', visitId: visit.id, reason: '家属已安排陪同复诊' } });
    expect(m.root.querySelector('.care-needs'), 'nothing waits').toBeNull();
    m.unmount();
    m = await mount(<CareVisit session={recordsSession('w0001', d)} gridId="g0001" householdId="g0001h001" />);
    expect(byText(m.root, '.care-history li', '就医')?.querySelector('.hint')?.textContent).toBe('村里决定无需发布为诉求：家属已安排陪同复诊');
  });

  it('the town’s center sees every village’s, the newest five first and the rest on request', async () => {
    const { docs: d } = docs();
    for (let i = 0; i < 6; i++) d['care.g0001'].push(ev('visit_recorded', 'w0001', { householdId: `g0001h1${i}`, mode: 'home', condition: 'attention', needs: ['housing'] }, NOW - (3 + i) * DAY));
    const session = recordsSession('town01', d);
    m = await mount(<PartyScreen session={session} tab="needs" />);
    const list = m.root.querySelector('.care-needs')!;
    expect(list.querySelector('h3')!.textContent).toBe('关怀走访发现的需求（7 户待发布）');
    expect(list.querySelectorAll('li')).toHaveLength(5);
    expect(list.querySelector('li')!.textContent, 'newest first').toContain('王秀英');
    await click(byText(list, 'button', '显示全部 7 户'));
    expect(m.root.querySelectorAll('.care-needs li')).toHaveLength(7);
  });

  it('another town’s center and the grid worker are not offered the visit', async () => {
    for (const who of ['town02', 'w0001']) {
      const session = recordsSession(who, docs().docs);
      m = await mount(<PartyScreen session={session} tab="needs" />);
      expect(m.root.querySelector('.care-needs'), who).toBeNull();
      m.unmount();
      m = undefined;
    }
  });

  it('the grid worker’s visit says it waits for the village, then which need took it up and how it stands', async () => {
    const { visit, docs: d } = docs();
    const session = recordsSession('w0001', d);
    const line = () => byText(m!.root, '.care-history li', '就医')?.querySelector('.hint')?.textContent;
    m = await mount(<CareVisit session={session} gridId="g0001" householdId="g0001h001" />);
    expect(line()).toBe('需求已提交村党组织，等待发布为诉求。');
    m.unmount();
    d['party.t01'].push(ev('need_published', 'st01v01', { kind: 'resident', villageId: 't01v01', title: '陪同复诊', detail: '下周陪同复诊', fromCare: { gridId: 'g0001', visitId: visit.id } }, NOW - DAY));
    m = await mount(<CareVisit session={session} gridId="g0001" householdId="g0001h001" />);
    expect(line()).toBe('已发布为诉求“陪同复诊”：待认领');
  });
});
