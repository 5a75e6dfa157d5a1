// Issue 17: 修改任务. The sending side changes a task's title, deadline and target in a form that starts with the
// task as it is; each field is checked where it is typed (deadline after today, target 0..9999); one task_amended
// carries only what changed; a worker's task screen then says the task was changed, when and by whom, with the new
// deadline. Another side (the county on a town task) is not offered 修改.
import { afterEach, describe, expect, it } from 'vitest';
import { formatDateTime } from '../../src/app/i18n.ts';
import type { Session } from '../../src/app/services.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import { foldTasks } from '../../src/domain/towntasks.ts';
import { TownTasksScreen } from '../../src/features/towntasks/TownTasks.tsx';
import { NOW, recordsSession } from './fake-services.ts';
import { byText, click, mount, mustFind, settle, submit, type, type Mounted } from './helpers.ts';

const DAY = 86_400_000;
const rnd = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const at = (ms: number) => formatHlc({ ms, counter: 0, node: 'ui' });
/** A date (CST) as the date input holds it. */
const cstDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
const sent = () => ({
  id: newId(NOW - 3_600_000, rnd),
  type: 'task_sent',
  actor: 'town01',
  at: at(NOW - 3_600_000),
  data: { taskId: 'K1', by: 'town', title: '燃气瓶排查', instructions: '逐户查看', deadlineMs: NOW + 3 * DAY, target: 20, form: [], scope: { kind: 'grid', id: 'g0001' }, targets: ['g0001'] },
});

function sessionOf(who: string, docs: Record<string, unknown[]>, clockMs = NOW): Session {
  const api = (async () => {
    throw new TypeError('offline');
  }) as unknown as Session['api'];
  return recordsSession(who, docs, { nowMs: clockMs, api }) as unknown as Session;
}

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

describe('修改任务 (issue 17)', () => {
  it('the sender edits in a pre-filled form, errors at the field, and writes one task_amended with only what changed', async () => {
    const docs: Record<string, unknown[]> = { 'tasks.t01': [sent()] };
    m = await mount(<TownTasksScreen session={sessionOf('town01', docs)} town="t01" task="K1" />);
    await click(byText(m.root, 'button', '修改任务'));
    const title = mustFind<HTMLInputElement>(m.root, '#tt-am-title');
    const deadline = mustFind<HTMLInputElement>(m.root, '#tt-am-deadline');
    const target = mustFind<HTMLInputElement>(m.root, '#tt-am-target');
    expect([title.value, mustFind<HTMLTextAreaElement>(m.root, '#tt-am-instructions').value, deadline.value, target.value]).toEqual(['燃气瓶排查', '逐户查看', cstDay(NOW + 3 * DAY), '20']);

    // Unchanged: nothing written.
    await submit(mustFind(m.root, '.tt-amend form'));
    expect(m.root.textContent).toContain('没有改动');
    expect(docs['tasks.t01']).toHaveLength(1);

    // Errors at the fields: a past deadline, a target out of range, an empty title.
    await type(title, '  ');
    await type(deadline, cstDay(NOW - DAY));
    await type(target, '10000');
    await submit(mustFind(m.root, '.tt-amend form'));
    expect(mustFind(m.root, '#tt-am-title-error').textContent).toBe('请填写任务名称。');
    expect(mustFind(m.root, '#tt-am-deadline-error').textContent).toBe('截止日期要晚于今天。');
    expect(mustFind(m.root, '#tt-am-target-error').textContent).toBe('目标条数填 0 到 9999 的整数。');
    expect(deadline.getAttribute('aria-invalid')).toBe('true');
    expect(deadline.getAttribute('aria-describedby')).toBe('tt-am-deadline-hint tt-am-deadline-error');
    expect(docs['tasks.t01']).toHaveLength(1);

    await type(title, '燃气瓶安全排查');
    await type(deadline, cstDay(NOW + 5 * DAY));
    await type(target, '25');
    expect(m.root.querySelector('#tt-am-deadline-error'), 'an error clears when the field is typed in').toBeNull();
    await submit(mustFind(m.root, '.tt-amend form'));
    await settle();
    expect(docs['tasks.t01']).toHaveLength(2);
    const e = docs['tasks.t01']![1] as { type: string; actor: string; data: Record<string, unknown> };
    expect(e.type).toBe('task_amended');
    expect(e.actor).toBe('town01');
    expect(e.data).toEqual({ taskId: 'K1', by: 'town', title: '燃气瓶安全排查', deadlineMs: Date.parse(`${cstDay(NOW + 5 * DAY)}T23:59:00+08:00`), target: 25 });
    expect(m.root.querySelector('.tt-amend')).toBeNull();
    expect(m.root.textContent).toContain('已保存修改');
    expect(m.root.querySelector('h1')?.textContent).toContain('燃气瓶安全排查');
    expect(foldTasks(docs['tasks.t01']!).tasks.get('K1')).toMatchObject({ title: '燃气瓶安全排查', instructions: '逐户查看', target: 25 });
  });

  it('the county is not offered 修改 on a town task; a cancelled task offers neither', async () => {
    const docs: Record<string, unknown[]> = { 'tasks.t01': [sent()] };
    m = await mount(<TownTasksScreen session={sessionOf('county', docs)} town="t01" task="K1" />);
    await settle();
    expect(byText(m.root, 'button', '修改任务')).toBeUndefined();
    m.unmount();
    const cancelled = { id: newId(NOW - 60_000, rnd), type: 'task_cancelled', actor: 'town01', at: at(NOW - 60_000), data: { taskId: 'K1', by: 'town' } };
    m = await mount(<TownTasksScreen session={sessionOf('town01', { 'tasks.t01': [sent(), cancelled] })} town="t01" task="K1" />);
    await settle();
    expect(byText(m.root, 'button', '修改任务')).toBeUndefined();
  });

  it('the worker sees the task was changed, when and by the town center, and the new deadline', async () => {
    const newDeadline = NOW + 5 * DAY;
    const amended = { id: newId(NOW - 600_000, rnd), type: 'task_amended', actor: 'town01', at: at(NOW - 600_000), data: { taskId: 'K1', by: 'town', deadlineMs: newDeadline } };
    const before: Record<string, unknown[]> = { 'tasks.t01': [sent()], 'taskanswers.g0001': [] };
    m = await mount(<TownTasksScreen session={sessionOf('w0001', before)} town="t01" task="K1" />);
    await settle();
    expect(m.root.textContent).not.toContain('修改了这个任务');
    m.unmount();
    const docs: Record<string, unknown[]> = { 'tasks.t01': [sent(), amended], 'taskanswers.g0001': [] };
    m = await mount(<TownTasksScreen session={sessionOf('w0001', docs)} town="t01" task="K1" />);
    await settle();
    const note = [...m.root.querySelectorAll('.alert')].map((x) => x.textContent ?? '').find((x) => x.includes('修改了这个任务'));
    expect(note).toMatch(/^镇（街道）中心已于 .+ 修改了这个任务，请按现在的内容填报。截止：.+$/);
    expect(note).toContain(`截止：${formatDateTime(newDeadline)}`);
    expect(m.root.querySelector('.tt-meta')?.textContent).toContain(`截止：${formatDateTime(newDeadline)}`);
    expect(m.root.querySelector('.tt-meta')?.textContent).not.toContain(formatDateTime(NOW + 3 * DAY));
    expect(byText(m.root, 'button', '修改任务'), 'a worker never changes a task').toBeUndefined();
  });
});
