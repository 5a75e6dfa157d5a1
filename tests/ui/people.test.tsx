// Issue 5 in the app: the people screen masks ID numbers for readers without the right (the village secretary)
// and shows them to the grid's worker; search by name or address runs on the device. Full numbers come only from
// `idnumbers.g0001`, which the stub (like /api/me) grants to the worker and not to the secretary.
import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '../../src/app/services.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import type { RecordSync } from '../../src/sync/records.ts';
import { PeopleScreen } from '../../src/features/people/PeopleScreen.tsx';
import { NOW, orgView, recordsSession, stubRecordSync, type FakeSession } from './fake-services.ts';
import { DEFAULT_CARE } from '../../src/domain/caresettings.ts';
import { mount, settle, type Mounted } from './helpers.ts';

const FULL = '211103198001011234';
const rnd = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const ev = (type: string, data: unknown, ms: number) => ({ id: newId(ms, rnd), type, actor: 'w0001', at: formatHlc({ ms, counter: 0, node: 'ui' }), data });

const MASKED = '2111**********1234';

/** A RecordSync stand-in holding people.g0001 (and idnumbers.g0001 when `ids`) in memory. */
function stubSync(ids: boolean): RecordSync & { docs_: Map<string, unknown[]> } {
  const docs_ = new Map<string, unknown[]>([
    [
      'people.g0001',
      [
        ev('household_saved', { id: 'g0001h001', gridId: 'g0001', address: '太平村兴盛路8号', head: '王秀英' }, NOW - 3000),
        ev('resident_saved', { id: 'g0001h001r1', householdId: 'g0001h001', name: '王秀英', idNumber: MASKED, tags: ['elderly_alone'] }, NOW - 2000),
      ],
    ],
  ]);
  if (ids) docs_.set('idnumbers.g0001', [ev('id_number_saved', { residentId: 'g0001h001r1', idNumber: FULL }, NOW - 2000)]);
  return Object.assign(stubRecordSync(Object.fromEntries(docs_)), { docs_ });
}

function sessionAs(userId: string, sync = stubSync(userId === 'w0001' || userId === 'town01')): Session {
  return recordsSession(userId, {}, { sync }) as unknown as Session;
}

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

describe('people screen: ID numbers', () => {
  it('are masked for the village secretary, in the household and in search results', async () => {
    m = await mount(<PeopleScreen session={sessionAs('st01v01')} gridId="g0001" householdId="g0001h001" />);
    const cell = m.root.querySelector('td[data-masked]')!;
    expect(cell.getAttribute('data-masked')).toBe('true');
    expect(cell.textContent).toContain('2111**********1234');
    expect(m.root.textContent).not.toContain(FULL);
    m.unmount();

    m = await mount(<PeopleScreen session={sessionAs('st01v01')} />);
    const input = m.root.querySelector<HTMLInputElement>('#people-q')!;
    input.value = '兴盛';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await settle();
    expect(m.root.textContent).toContain('找到 1 人');
    expect(m.root.textContent).toContain('2111**********1234');
    expect(m.root.textContent).not.toContain(FULL);
  });

  it('are not asked of the village secretary, whose saved resident carries no number', async () => {
    const sync = stubSync(false);
    m = await mount(<PeopleScreen session={sessionAs('st01v01', sync)} gridId="g0001" householdId="g0001h001" />);
    expect(m.root.querySelector('#res-id')).toBeNull();
    expect(m.root.querySelector('#res-id-note')?.textContent).toContain('本设备不保存完整号码');
    const name = m.root.querySelector<HTMLInputElement>('#res-name')!;
    name.value = '王小明';
    name.dispatchEvent(new Event('input', { bubbles: true }));
    await settle();
    name.closest('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    expect(m.root.textContent).toContain('已保存。');
    const rows = [...m.root.querySelectorAll('tbody tr')].map((tr) => tr.textContent);
    expect(rows.find((t) => t?.includes('王小明'))).toContain('—');
    expect([...sync.docs_.keys()]).toEqual(['people.g0001']);
  });

  it("are shown in full to the grid's worker, who can record a visit", async () => {
    m = await mount(<PeopleScreen session={sessionAs('w0001')} gridId="g0001" householdId="g0001h001" />);
    expect(m.root.querySelector('td[data-masked]')!.textContent).toContain(FULL);
    const note = m.root.querySelector<HTMLTextAreaElement>('#visit-note')!;
    note.value = '上门看望，生活正常。';
    note.dispatchEvent(new Event('input', { bubbles: true }));
    await settle();
    m.root.querySelector<HTMLFormElement>('#visit-note')!.closest('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    expect(m.root.textContent).toContain('走访已记录。');
    expect(m.root.textContent).toContain('上门看望，生活正常。');
  });

  it('come from the ID doc: without it (not synced yet) even the worker sees the masked form', async () => {
    const sync = stubSync(false);
    m = await mount(<PeopleScreen session={sessionAs('w0001', sync)} gridId="g0001" householdId="g0001h001" />);
    const cell = m.root.querySelector('td[data-masked]')!;
    expect(cell.getAttribute('data-masked')).toBe('true');
    expect(cell.textContent).toContain(MASKED);
  });

  it("a resident the worker adds: the number to idnumbers.g0001, masked in people.g0001, shown in full", async () => {
    const sync = stubSync(true);
    m = await mount(<PeopleScreen session={sessionAs('w0001', sync)} gridId="g0001" householdId="g0001h001" />);
    const type = async (sel: string, value: string) => {
      const el = m!.root.querySelector<HTMLInputElement>(sel)!;
      el.value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      await settle();
    };
    await type('#res-name', '王小明');
    await type('#res-id', '21110320100101002x');
    m.root.querySelector('#res-id')!.closest('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    expect(m.root.textContent).toContain('已保存。');
    expect(m.root.textContent).toContain('21110320100101002X');
    const people = JSON.stringify(sync.docs_.get('people.g0001'));
    expect(people).toContain('2111**********002X');
    expect(people).not.toContain('21110320100101002X');
    expect(sync.docs_.get('idnumbers.g0001')!.at(-1)).toMatchObject({ type: 'id_number_saved', actor: 'w0001', data: { idNumber: '21110320100101002X' } });
  });
});

describe('people screen: care tags (issue 17)', () => {
  it("offers the county's own tags on the add-resident form and names them everywhere, never by id", async () => {
    const sync = stubSync(true);
    const session = sessionAs('w0001', sync);
    const org = session.org.peek()!;
    (session as unknown as FakeSession).org.value = orgView({ ...org.data, care: { levels: DEFAULT_CARE.levels, tags: [...DEFAULT_CARE.tags, { id: 'veteran', name: '退役军人', level: 'key' }] } });
    m = await mount(<PeopleScreen session={session} gridId="g0001" householdId="g0001h001" />);
    const boxes = [...m.root.querySelectorAll<HTMLLabelElement>('fieldset label.check')];
    const veteran = boxes.find((l) => l.textContent?.includes('退役军人'));
    expect(veteran).toBeDefined();
    const name = m.root.querySelector<HTMLInputElement>('#res-name')!;
    name.value = '李建国';
    name.dispatchEvent(new Event('input', { bubbles: true }));
    await settle();
    const id = m.root.querySelector<HTMLInputElement>('#res-id')!;
    id.value = '211103195501011236';
    id.dispatchEvent(new Event('input', { bubbles: true }));
    const box = veteran!.querySelector('input')!;
    box.checked = true;
    box.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    name.closest('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    expect(sync.docs_.get('people.g0001')!.at(-1)).toMatchObject({ type: 'resident_saved', data: { name: '李建国', tags: ['veteran'] } });
    const row = [...m.root.querySelectorAll('tbody tr')].find((tr) => tr.textContent?.includes('李建国'))!;
    expect(row.textContent).toContain('退役军人');
    expect(row.textContent).not.toContain('veteran');
  });
});
