// Issue 5 in the app: the people screen masks ID numbers for readers without the right (the village secretary)
// and shows them to the grid's worker; search by name or address runs on the device.
import { signal } from '@preact/signals';
import { afterEach, describe, expect, it } from 'vitest';
import { createRecordsApi } from '../../src/app/records.ts';
import type { Session } from '../../src/app/services.ts';
import { HybridClock } from '../../src/domain/hlc.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import type { RecordSync } from '../../src/sync/records.ts';
import { PeopleScreen } from '../../src/features/people/PeopleScreen.tsx';
import { FakeSession, FakeWorld, NOW } from './fake-services.ts';
import { mount, settle, type Mounted } from './helpers.ts';

const FULL = '211103198001011234';
const rnd = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const ev = (type: string, data: unknown, ms: number) => ({ id: newId(ms, rnd), type, actor: 'w0001', at: formatHlc({ ms, counter: 0, node: 'ui' }), data });

/** A RecordSync stand-in holding people.g0001 in memory. */
function stubSync(): RecordSync {
  const events: unknown[] = [
    ev('household_saved', { id: 'g0001h001', gridId: 'g0001', address: '太平村兴盛路8号', head: '王秀英' }, NOW - 3000),
    ev('resident_saved', { id: 'g0001h001r1', householdId: 'g0001h001', name: '王秀英', idNumber: FULL, tags: ['elderly_alone'] }, NOW - 2000),
  ];
  const version = signal(0);
  return {
    version,
    names: (kind: string) => (kind === 'people' ? ['people.g0001'] : []),
    access: (name: string) => (name === 'people.g0001' ? 'write' : null),
    events: (name: string) => (name === 'people.g0001' ? [...events] : []),
    append: (_name: string, e: object) => {
      events.push(e);
      version.value++;
      return true;
    },
  } as unknown as RecordSync;
}

function sessionAs(userId: string): Session {
  const world = new FakeWorld();
  const session = new FakeSession(world, world.org.user(userId)!);
  const records = createRecordsApi({
    user: session.user,
    sync: stubSync(),
    org: () => session.org.peek(),
    clock: new HybridClock('ui', () => NOW),
    now: () => NOW,
    random: rnd,
    report: (input) => session.report(input),
  });
  return Object.assign(session, { records });
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
});
