// Issue 5: assigning and removing a party member's contact households (党员联系户). The member's village secretary
// finds households in the people docs the device holds (by name or address); the county, without people docs,
// adds one by its household id; a removal asks first; every change is a party event appended on the device.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRecordsApi } from '../../src/app/records.ts';
import type { Session } from '../../src/app/services.ts';
import { formatHlc, HybridClock } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import type { OrgData } from '../../src/domain/org.ts';
import { PartyScreen } from '../../src/features/party/PartyScreen.tsx';
import { FakeSession, FakeWorld, NOW, ORG, orgView, stubRecordSync } from './fake-services.ts';
import { byText, click, mount, resetLang, settle, submit, type, type Mounted } from './helpers.ts';

const rnd = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const ev = (type: string, actor: string, data: unknown, ms: number) => ({ id: newId(ms, rnd), type, actor, at: formatHlc({ ms, counter: 0, node: 'ui' }), data });

/** The fake county plus a party member of 太平村 (grid g0001) and the secretary of 新兴社区. */
const PARTY_ORG: OrgData = {
  ...ORG,
  users: [
    ...ORG.users,
    { id: 'p0001', username: 'p0001', name: '周立', role: 'member', townId: 't01', villageId: 't01v01', gridId: 'g0001' },
    { id: 'st01v02', username: 'st01v02', name: '于红', role: 'secretary', townId: 't01', villageId: 't01v02' },
  ],
};

/** A RecordSync stand-in: party.t01 (one member with one contact) and, for holders, people.g0001. */
function stubSync(peopleHeld: boolean) {
  const docs: Record<string, unknown[]> = {
    'party.t01': [
      ev(
        'member_saved',
        'st01v01',
        { userId: 'p0001', name: '周立', villageId: 't01v01', gridId: 'g0001', inService: false, contacts: [{ householdId: 'g0001h001', gridId: 'g0001', address: '太平村兴盛路8号', head: '王秀英' }] },
        NOW - 5000,
      ),
    ],
  };
  if (peopleHeld) {
    docs['people.g0001'] = [
      ev('household_saved', 'w0001', { id: 'g0001h001', gridId: 'g0001', address: '太平村兴盛路8号', head: '王秀英' }, NOW - 4000),
      ev('household_saved', 'w0001', { id: 'g0001h002', gridId: 'g0001', address: '太平村兴盛路10号', head: '李强', location: { lat: 41.2, lng: 122.05 } }, NOW - 4000),
      ev('resident_saved', 'w0001', { id: 'g0001h001r1', householdId: 'g0001h001', name: '王秀英', idNumber: '211103198001011234', tags: [] }, NOW - 3000),
      ev('resident_saved', 'w0001', { id: 'g0001h002r1', householdId: 'g0001h002', name: '李强', idNumber: '211103198502021234', tags: [] }, NOW - 3000),
      ev('resident_saved', 'w0001', { id: 'g0001h002r2', householdId: 'g0001h002', name: '李小兴', idNumber: '211103201002021234', tags: [] }, NOW - 3000),
    ];
  }
  const sync = stubRecordSync(docs);
  return { sync, party: () => docs['party.t01'] as Array<{ type: string; actor: string; data: Record<string, unknown> }> };
}

function sessionAs(userId: string, peopleHeld: boolean) {
  const world = new FakeWorld();
  const org = orgView(PARTY_ORG);
  const session = new FakeSession(world, org.user(userId)!);
  session.org.value = org;
  const stub = stubSync(peopleHeld);
  const records = createRecordsApi({
    user: session.user,
    sync: stub.sync,
    org: () => session.org.peek(),
    clock: new HybridClock('ui', () => NOW),
    now: () => NOW,
    random: rnd,
    report: (input) => session.report(input),
  });
  return { session: Object.assign(session, { records }) as Session, party: stub.party };
}

const rows = (m: Mounted) => Array.from(m.root.querySelectorAll('[aria-labelledby="ce-list-h"] > li')).map((li) => li.querySelector('span')!.textContent ?? '');

let m: Mounted | null = null;
beforeEach(() => resetLang());
afterEach(() => {
  m?.unmount();
  m = null;
});

describe('party: assigning contact households', () => {
  it('the village secretary finds a household by name or address and adds it (an event on the device)', async () => {
    const { session, party } = sessionAs('st01v01', true);
    m = await mount(<PartyScreen session={session} tab="members" />);
    expect(byText(m.root, 'nav a', '联系户分配')?.getAttribute('aria-current')).toBe('page');
    expect(m.root.querySelector('#ce-member option')?.textContent).toContain('周立');
    expect(m.root.querySelector('#ce-list-h')?.textContent).toContain('周立的联系户（1/30）');
    expect(rows(m)[0]).toContain('太平村兴盛路8号 · 王秀英');

    await type(m.root.querySelector('#ce-q'), '兴盛');
    await settle();
    expect(byText(m.root, '[role="status"]', '找到 2 户')).toBeTruthy(); // two households (three residents)
    expect(m.root.textContent).toContain('已是该党员的联系户'); // 王秀英's household
    await click(m.root.querySelector('button[aria-label="添加 李强（太平村兴盛路10号）为联系户"]'));
    expect(byText(m.root, '[role="status"]', '已添加联系户 李强')).toBeTruthy();
    expect(m.root.querySelector('#ce-list-h')?.textContent).toContain('（2/30）');
    const added = party().at(-1)!;
    expect(added).toMatchObject({
      type: 'contact_added',
      actor: 'st01v01',
      data: { memberId: 'p0001', contact: { householdId: 'g0001h002', gridId: 'g0001', address: '太平村兴盛路10号', head: '李强', location: { lat: 41.2, lng: 122.05 } } },
    });
  });

  it('removes a contact household only after confirmation', async () => {
    const { session, party } = sessionAs('st01v01', true);
    m = await mount(<PartyScreen session={session} tab="members" />);
    const remove = () => m!.root.querySelector<HTMLButtonElement>('button[aria-label="移除联系户 王秀英（太平村兴盛路8号）"]');
    await click(remove());
    const group = m.root.querySelector('[role="group"]')!;
    expect(group.textContent).toContain('确定将 王秀英（太平村兴盛路8号）从周立的联系户中移除吗');
    expect(document.activeElement?.textContent).toBe('确定移除');
    await click(byText(group, 'button', '取消'));
    expect(document.activeElement).toBe(remove());
    expect(rows(m)).toHaveLength(1);
    expect(party()).toHaveLength(1);

    await click(remove());
    await click(byText(m.root, 'button', '确定移除'));
    expect(rows(m)).toHaveLength(0);
    expect(m.root.textContent).toContain('还没有联系户');
    expect(byText(m.root, '[role="status"]', '已移除联系户 王秀英')).toBeTruthy();
    expect(party().at(-1)).toMatchObject({ type: 'contact_removed', actor: 'st01v01', data: { memberId: 'p0001', householdId: 'g0001h001' } });
  });

  it('the county, holding no people docs, adds a household by its id (errors announced)', async () => {
    const { session, party } = sessionAs('county', false);
    m = await mount(<PartyScreen session={session} tab="members" />);
    expect(m.root.textContent).toContain('此设备没有人口信息，请按户编号添加');
    expect(m.root.querySelector('details.panel')?.hasAttribute('open')).toBe(true);
    const form = m.root.querySelector('details.panel form')!;
    await type(m.root.querySelector('#ce-hid'), 'bad id!');
    await submit(form);
    expect(m.root.querySelector('#ce-hid')?.getAttribute('aria-invalid')).toBe('true');
    expect(m.root.querySelector('#ce-hid')?.getAttribute('aria-describedby')).toBe('ce-hid-hint ce-hid-error');
    expect(byText(m.root, '[role="alert"]', '请修正上面标出的错误')).toBeTruthy();
    await type(m.root.querySelector('#ce-hid'), 'g0001h001');
    await submit(form);
    expect(m.root.querySelector('#ce-hid-error')?.textContent).toContain('已是该党员的联系户');
    await type(m.root.querySelector('#ce-hid'), 'g0002h007');
    await submit(form);
    expect(m.root.querySelector('#ce-address-error')?.textContent).toBe('必填。');
    expect(document.activeElement?.id).toBe('ce-address');
    expect(party()).toHaveLength(1);
    (m.root.querySelector('#ce-grid') as HTMLSelectElement).value = 'g0002';
    m.root.querySelector('#ce-grid')!.dispatchEvent(new Event('change', { bubbles: true }));
    await type(m.root.querySelector('#ce-address'), '太平村东街3号');
    await type(m.root.querySelector('#ce-head'), '赵六');
    await submit(form);
    expect(party().at(-1)).toMatchObject({ type: 'contact_added', actor: 'county', data: { memberId: 'p0001', contact: { householdId: 'g0002h007', gridId: 'g0002', address: '太平村东街3号', head: '赵六' } } });
    expect(rows(m)[1]).toContain('太平村东街3号 · 赵六');
  });

  it("is offered only to those who keep members' records: not the member, not another village's secretary", async () => {
    const member = sessionAs('p0001', false);
    m = await mount(<PartyScreen session={member.session} tab="members" />);
    expect(byText(m.root, 'nav a', '联系户分配')).toBeUndefined();
    expect(m.root.querySelector('#ce-member')).toBeNull();
    expect(m.root.textContent).toContain('太平村兴盛路8号'); // their own contacts tab instead
    m.unmount();

    const other = sessionAs('st01v02', false);
    m = await mount(<PartyScreen session={other.session} tab="members" />);
    expect(m.root.textContent).toContain('没有您可以管理的党员');
    expect(m.root.querySelector('#ce-member')).toBeNull();
  });
});
