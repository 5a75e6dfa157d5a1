/**
 * 我的任务's first paint (issue 17): on its default tab (核查) the grid's people and care docs are not folded for the
 * 走访 tab's count before the first frame; the count follows right after it. On the 走访 tab the due list is in the
 * first frame, with the open tasks sent down.
 */
import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRecordsApi } from '../../src/app/records.ts';
import type { Session } from '../../src/app/services.ts';
import { formatHlc, HybridClock } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import { WorkerTasks } from '../../src/features/tasks/WorkerTasks.tsx';
import { FakeSession, FakeWorld, NOW, stubRecordSync } from './fake-services.ts';
import { resetLang, settle, waitFor } from './helpers.ts';

const DAY = 86_400_000;
const rnd = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const ev = (type: string, actor: string, data: unknown, ms: number) => ({ id: newId(ms, rnd), type, actor, at: formatHlc({ ms, counter: 0, node: 'ui' }), data });

/** A worker of g0001 with 3 households in care, 2 of them overdue, and one open task sent down. */
function workerSession(): { session: Session; indexCalls: () => number } {
  const world = new FakeWorld();
  const session = new FakeSession(world, world.user('w0001'));
  const long = NOW - 100 * DAY;
  const people: unknown[] = [];
  for (const [h, visited] of [
    ['g0001h001', false],
    ['g0001h002', false],
    ['g0001h003', true],
  ] as const) {
    people.push(ev('household_saved', 'w0001', { id: h, gridId: 'g0001', address: `太平村${h.slice(-1)}号`, head: `户主${h.slice(-1)}` }, long));
    people.push(ev('resident_saved', 'w0001', { id: `${h}r1`, householdId: h, name: `居民${h.slice(-1)}`, tags: ['elderly_alone'] }, long));
    if (visited) people.push(ev('visit_recorded', 'w0001', { householdId: h, note: '走访' }, NOW - DAY));
  }
  const tasks = [
    ev('task_sent', 'town01', { taskId: 'tk1', by: 'town', title: '燃气安全排查', deadlineMs: NOW + 3 * DAY, target: 5, form: [], scope: { kind: 'grid', id: 'g0001' }, targets: ['g0001'] }, NOW - DAY),
  ];
  const sync = stubRecordSync({ 'people.g0001': people, 'care.g0001': [], 'tasks.t01': tasks, 'taskanswers.g0001': [] });
  const records = createRecordsApi({ user: session.user, sync, org: () => session.org.peek(), clock: new HybridClock('ui', () => NOW), now: () => NOW, random: rnd, report: (input) => session.report(input) });
  let calls = 0;
  const careIndex = records.careIndex;
  records.careIndex = (...args) => (calls++, careIndex(...args));
  return { session: Object.assign(session, { records }) as Session, indexCalls: () => calls };
}

const tabCount = (root: HTMLElement, name: string) => Array.from(root.querySelectorAll('a.queue-tab')).find((a) => a.textContent?.startsWith(name))?.querySelector('.queue-count');

describe('我的任务 first paint', () => {
  let root: HTMLElement;
  beforeEach(async () => {
    await resetLang();
    root = document.createElement('div');
    document.body.appendChild(root);
  });
  afterEach(() => {
    render(null, root);
    root.remove();
  });

  it('on the default tab the care docs are folded after the first frame, then the 走访 count shows', async () => {
    const { session, indexCalls } = workerSession();
    render(<WorkerTasks session={session} />, root);
    // The first frame: the default tab, the open task's line, the 走访 count still loading, nothing folded for it.
    expect(root.querySelector('a.queue-tab[aria-current="page"]')?.textContent).toContain('待核查');
    expect(root.textContent).toContain('下发任务');
    expect(tabCount(root, '走访')?.classList.contains('is-loading')).toBe(true);
    expect(indexCalls()).toBe(0);
    await settle();
    const count = await waitFor(() => tabCount(root, '走访')?.classList.contains('is-loading') === false && tabCount(root, '走访'), '走访 count');
    expect(count.textContent).toContain('2');
    expect(indexCalls()).toBeGreaterThan(0);
  });

  it('on the 走访 tab the due list and its count are in the first frame', () => {
    const { session, indexCalls } = workerSession();
    render(<WorkerTasks session={session} tab="care" />, root);
    expect(indexCalls()).toBeGreaterThan(0);
    expect(Array.from(root.querySelectorAll('.care-list a.care-row')).map((a) => a.querySelector('.care-head')?.textContent)).toEqual(['户主1', '户主2']);
    expect(tabCount(root, '走访')?.textContent).toContain('2');
    expect(root.textContent).toContain('下发任务');
  });
});
