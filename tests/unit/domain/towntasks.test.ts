// Issue 17: tasks sent down (src/domain/towntasks.ts): schemas and the form rule, who reads and writes the two docs,
// the folds (sides, cancellation, completion, own entries), races between offline devices, progress per grid.
import { describe, expect, it } from 'vitest';
import { docAccess, recordDocsForUser, taskAnswersAccess, tasksAccess } from '../../../src/domain/docs.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import {
  checkValues,
  entriesOf,
  foldAnswers,
  foldTasks,
  gridTasks,
  parseAnswerEvent,
  parseTaskEvent,
  resolveTargets,
  taskProgress,
  type AnswerData,
  type AnswerEventType,
  type TaskData,
  type TaskEventType,
  type TaskField,
} from '../../../src/domain/towntasks.ts';
import { IDX, IN_SCOPE, ORG, user } from './fixture.ts';

const T0 = Date.UTC(2026, 10, 2, 2);
const DAY = 86_400_000;
let seq = 0;
function ev<T extends TaskEventType | AnswerEventType>(type: T, data: T extends TaskEventType ? TaskData[T] : T extends AnswerEventType ? AnswerData[T] : never, actor: string, ms = T0 + ++seq * 60_000, node = 'n1') {
  return { id: `01J${String(++seq).padStart(23, '0')}`, type, actor, at: formatHlc({ ms, counter: 0, node }), data };
}
const FORM: TaskField[] = [
  { key: 'f1', label: '气瓶数量', kind: 'number', required: true, min: 0, max: 20 },
  { key: 'f2', label: '是否有隐患', kind: 'yesno', required: true },
  { key: 'f3', label: '类型', kind: 'choice', required: false, options: ['液化气', '天然气'] },
  { key: 'f4', label: '说明', kind: 'text', required: false },
  { key: 'f5', label: '照片', kind: 'photo', required: false },
];
const sent = (taskId = 'K1', extra: Partial<TaskData['task_sent']> = {}, actor = 'town01', ms?: number) =>
  ev('task_sent', { taskId, by: 'town', title: '燃气瓶排查', deadlineMs: T0 + 3 * DAY, target: 2, form: FORM, scope: { kind: 'town', id: 't01' }, targets: ['g0001', 'g0002'], ...extra }, actor, ms);
const entry = (entryId: string, values: Record<string, unknown> = { f1: 2, f2: false }, actor = 'w0001', taskId = 'K1', ms?: number, node?: string) =>
  ev('entry_saved', { taskId, entryId, label: '张家 3号', values: values as AnswerData['entry_saved']['values'] }, actor, ms, node);
const done = (taskId = 'K1', actor = 'w0001', ms?: number, node?: string) => ev('task_completed', { taskId }, actor, ms, node);
const H = 'a'.repeat(64);

describe('task events and the form rule', () => {
  it('parse a task with a form; refuse duplicate keys, options on a number, a choice without options, a grid twice', () => {
    expect(parseTaskEvent(sent()).ok).toBe(true);
    const dup = sent('K2', { form: [FORM[0]!, { ...FORM[1]!, key: 'f1' }] });
    expect(parseTaskEvent(dup)).toMatchObject({ ok: false });
    expect(parseTaskEvent(sent('K3', { form: [{ ...FORM[0]!, options: ['a', 'b'] }] })).ok).toBe(false);
    expect(parseTaskEvent(sent('K4', { form: [{ key: 'f1', label: 'x', kind: 'choice', required: true }] })).ok).toBe(false);
    expect(parseTaskEvent(sent('K5', { targets: ['g0001', 'g0001'] })).ok).toBe(false);
    expect(parseTaskEvent(sent('K6', { targets: [] })).ok).toBe(false);
  });

  it('checkValues: types, range, options, required, unknown keys, photos as blob refs', () => {
    expect(checkValues(FORM, { f1: 3, f2: true, f3: '液化气', f4: '厨房', f5: { full: H, thumb: H } })).toBeNull();
    expect(checkValues(FORM, { f2: true })).toMatch(/^f1/);
    expect(checkValues(FORM, { f1: 21, f2: true })).toMatch(/range/);
    expect(checkValues(FORM, { f1: '3', f2: true })).toMatch(/number/);
    expect(checkValues(FORM, { f1: 3, f2: 'yes' })).toMatch(/yes or no/);
    expect(checkValues(FORM, { f1: 3, f2: true, f3: '煤' })).toMatch(/options/);
    expect(checkValues(FORM, { f1: 3, f2: true, f9: 1 })).toMatch(/not a field/);
    expect(checkValues(FORM, { f1: 3, f2: true, f5: { full: 'x', thumb: H } })).toMatch(/photo/);
    expect(checkValues([], {})).toBeNull();
  });

  it('answer events parse; a value of a kind no field has (an object) does not', () => {
    expect(parseAnswerEvent(entry('E1')).ok).toBe(true);
    expect(parseAnswerEvent(entry('E1', { f1: { a: 1 } })).ok).toBe(false);
  });
});

describe('doc access', () => {
  it('tasks.<town>: its center and the county write; its workers and secretaries read; other towns nothing', () => {
    expect(tasksAccess(user('town01'), 't01')).toBe('write');
    expect(tasksAccess(user('town02'), 't01')).toBeNull();
    expect(tasksAccess(user('county'), 't01')).toBe('write');
    expect(tasksAccess(user('w0001'), 't01')).toBe('read');
    expect(tasksAccess(user('w0003'), 't01')).toBeNull();
    expect(tasksAccess(user('st01v01'), 't01')).toBe('read');
    expect(tasksAccess(user('admin'), 't01')).toBe('read');
    expect(tasksAccess(user(IN_SCOPE.unit), 't01')).toBeNull();
    expect(tasksAccess(user('trainer01'), 't01')).toBeNull();
  });

  it("taskanswers.<grid>: its worker writes; its secretary, its town center, county, admin read; another grid's worker nothing", () => {
    const g1 = IDX.grid('g0001');
    expect(taskAnswersAccess(user('w0001'), g1)).toBe('write');
    expect(taskAnswersAccess(user('w0002'), g1)).toBeNull();
    expect(taskAnswersAccess(user('st01v01'), g1)).toBe('read');
    expect(taskAnswersAccess(user('st01v02'), g1)).toBeNull();
    expect(taskAnswersAccess(user('town01'), g1)).toBe('read');
    expect(taskAnswersAccess(user('town02'), g1)).toBeNull();
    expect(taskAnswersAccess(user('county'), g1)).toBe('read');
    expect(taskAnswersAccess(user('p0001'), g1)).toBeNull();
    const grid = (id: string) => IDX.grid(id);
    expect(docAccess(user('w0002'), 'taskanswers.g0001', ['t01', 't02'], grid)).toBeNull();
    expect(docAccess(user('town01'), 'tasks.t01', ['t01', 't02'], grid)).toBe('write');
    expect(docAccess(user('town01'), 'tasks.t09', ['t01', 't02'], grid)).toBeNull();
  });

  it('the docs listed for a device: the worker its town tasks and its own grid answers; the town all its grids; the county not the ~900 answer docs', () => {
    const names = (id: string) => recordDocsForUser(user(id), ['t01', 't02'], ORG.grids).filter((d) => /^task/.test(d.name));
    expect(names('w0001')).toEqual([
      { name: 'taskanswers.g0001', access: 'write' },
      { name: 'tasks.t01', access: 'read' },
    ]);
    expect(names('town01').map((d) => d.name)).toEqual(['taskanswers.g0001', 'taskanswers.g0002', 'tasks.t01']);
    expect(names('county').map((d) => d.name)).toEqual(['tasks.t01', 'tasks.t02']);
  });
});

describe('foldTasks', () => {
  it('amend and cancel by the sending side only; the form and targets stay as sent', () => {
    const s = foldTasks([
      sent(),
      ev('task_amended', { taskId: 'K1', by: 'county', title: '改' }, 'county'),
      ev('task_amended', { taskId: 'K1', by: 'town', deadlineMs: T0 + 5 * DAY, target: 4 }, 'town01'),
      ev('task_cancelled', { taskId: 'K9', by: 'town' }, 'town01'),
    ]);
    const t = s.tasks.get('K1')!;
    expect(t.title).toBe('燃气瓶排查');
    expect(t.deadlineMs).toBe(T0 + 5 * DAY);
    expect(t.target).toBe(4);
    expect(t.targets).toEqual(['g0001', 'g0002']);
    expect(s.superseded.map((x) => x.why)).toEqual(['not_sender_side', 'unknown_task']);
  });

  it('a taskId sent twice: the first counts; an amendment after the cancellation is superseded (two town PCs offline)', () => {
    const a = sent('K1', {}, 'town01', T0);
    const b = sent('K1', { title: 'other' }, 'town01', T0 + 1000);
    const cancel = ev('task_cancelled', { taskId: 'K1', by: 'town', reason: '重复' }, 'town01', T0 + 2000, 'pc1');
    const amend = ev('task_amended', { taskId: 'K1', by: 'town', title: '新' }, 'town01', T0 + 3000, 'pc2');
    for (const order of [[a, b, cancel, amend], [amend, cancel, b, a]]) {
      const s = foldTasks(order);
      expect(s.tasks.get('K1')!.title).toBe('燃气瓶排查');
      expect(s.tasks.get('K1')!.cancelledAt).toBe(cancel.at);
      expect(s.superseded).toEqual([
        { id: b.id, why: 'task_exists' },
        { id: amend.id, why: 'cancelled' },
      ]);
    }
  });

  it('two offline amendments: each field is the later one by (at, id) that names it; both count (the 修改 form writes only what changed)', () => {
    const a = sent('K1', {}, 'town01', T0);
    const pc1 = ev('task_amended', { taskId: 'K1', by: 'town', title: '一号机改名', deadlineMs: T0 + 4 * DAY }, 'town01', T0 + 2000, 'pc1');
    const pc2 = ev('task_amended', { taskId: 'K1', by: 'town', deadlineMs: T0 + 6 * DAY, target: 9 }, 'town01', T0 + 3000, 'pc2');
    for (const order of [[a, pc1, pc2], [pc2, pc1, a], [pc1, a, pc2]]) {
      const s = foldTasks(order);
      expect(s.tasks.get('K1')).toMatchObject({ title: '一号机改名', deadlineMs: T0 + 6 * DAY, target: 9, amendedAt: pc2.at });
      expect(s.superseded).toEqual([]);
    }
  });
});

describe('foldAnswers and progress', () => {
  it('counts entries, edits by their author, removals, and a completion; progress shows 1 of 2 done', () => {
    const tasks = foldTasks([sent()]);
    const e1 = entry('E1');
    const a = foldAnswers([e1, entry('E2'), entry('E1', { f1: 5, f2: true }), ev('entry_removed', { taskId: 'K1', entryId: 'E2' }, 'w0001'), done()], tasks, 'g0001');
    expect(entriesOf(a, 'K1').map((x) => [x.id, x.values.f1])).toEqual([['E1', 5]]);
    expect(a.completed.has('K1')).toBe(true);
    const p = taskProgress(tasks.tasks.get('K1')!, (g) => (g === 'g0001' ? a : foldAnswers([], tasks, g)), T0 + DAY);
    expect([p.done, p.total, p.entries]).toEqual([1, 2, 1]);
    expect(p.grids.map((g) => g.status)).toEqual(['done', 'open']);
    expect(taskProgress(tasks.tasks.get('K1')!, () => null, T0 + 4 * DAY).grids.map((g) => [g.status, g.known])).toEqual([
      ['overdue', false],
      ['overdue', false],
    ]);
  });

  it("an answer to a task not sent to the grid, or with values the form refuses, is superseded; another actor's edit too", () => {
    const tasks = foldTasks([sent('K1', { targets: ['g0002'] }), sent('K2', { targets: ['g0001'] })]);
    const a = foldAnswers([entry('E1'), entry('E2', { f1: 99, f2: true }, 'w0001', 'K2'), entry('E3', undefined, 'w0001', 'K2'), entry('E3', undefined, 'w0009', 'K2')], tasks, 'g0001');
    expect(a.superseded.map((x) => x.why)).toEqual(['unknown_task', 'bad_values', 'not_own']);
    expect(entriesOf(a, 'K2').map((e) => e.id)).toEqual(['E3']);
  });

  it('race: an entry written offline after the task was cancelled is superseded, one written before counts, in any order', () => {
    const cancel = ev('task_cancelled', { taskId: 'K1', by: 'town' }, 'town01', T0 + 10 * 60_000);
    const tasks = foldTasks([sent('K1', {}, 'town01', T0), cancel]);
    const before = entry('E1', undefined, 'w0001', 'K1', T0 + 5 * 60_000);
    const after = entry('E2', undefined, 'w0001', 'K1', T0 + 20 * 60_000);
    const late = done('K1', 'w0001', T0 + 21 * 60_000);
    for (const order of [[before, after, late], [late, after, before]]) {
      const a = foldAnswers(order, tasks, 'g0001');
      expect(entriesOf(a, 'K1').map((e) => e.id)).toEqual(['E1']);
      expect(a.superseded).toEqual([
        { id: after.id, why: 'cancelled', taskId: 'K1' },
        { id: late.id, why: 'cancelled', taskId: 'K1' },
      ]);
      expect(gridTasks(tasks, a, 'g0001', T0).map((x) => x.progress.status)).toEqual(['cancelled']);
    }
  });

  it('race: two devices complete the same task; the earlier (at, id) counts, the other is superseded; entries after completion still count', () => {
    const tasks = foldTasks([sent()]);
    const phone = done('K1', 'w0001', T0 + DAY, 'phone');
    const tablet = done('K1', 'w0001', T0 + DAY, 'tablet');
    const extra = entry('E9', undefined, 'w0001', 'K1', T0 + DAY + 60_000);
    const a = foldAnswers([tablet, extra, phone], tasks, 'g0001');
    expect(a.completed.get('K1')!.at).toBe(phone.at);
    expect(a.superseded).toEqual([{ id: tablet.id, why: 'completed_twice', taskId: 'K1' }]);
    expect(entriesOf(a, 'K1').map((e) => e.id)).toEqual(['E9']);
  });

  it('entries and completions after the deadline count, marked late; overdue only while not completed', () => {
    const tasks = foldTasks([sent()]);
    const a = foldAnswers([entry('E1', undefined, 'w0001', 'K1', T0 + 4 * DAY), done('K1', 'w0001', T0 + 4 * DAY + 1)], tasks, 'g0001');
    expect(entriesOf(a, 'K1')[0]!.late).toBe(true);
    const p = taskProgress(tasks.tasks.get('K1')!, (g) => (g === 'g0001' ? a : null), T0 + 5 * DAY);
    expect(p.grids.map((g) => [g.status, g.late])).toEqual([
      ['done', true],
      ['overdue', false],
    ]);
    expect(p.overdue).toBe(1);
  });

  it('gridTasks lists only the tasks for the grid, open ones first by deadline', () => {
    const tasks = foldTasks([sent('K1', { deadlineMs: T0 + 5 * DAY }), sent('K2', { deadlineMs: T0 + 2 * DAY }), sent('K3', { targets: ['g0002'] }), sent('K4')]);
    const a = foldAnswers([done('K4')], tasks, 'g0001');
    expect(gridTasks(tasks, a, 'g0001', T0).map((x) => x.task.id)).toEqual(['K2', 'K1', 'K4']);
  });

  it('resolveTargets: a grid, a village, a town, at send time', () => {
    expect(resolveTargets(ORG.grids, { kind: 'town', id: 't01' })).toEqual(['g0001', 'g0002']);
    expect(resolveTargets(ORG.grids, { kind: 'village', id: 't02v01' })).toEqual(['g0003']);
    expect(resolveTargets(ORG.grids, { kind: 'grid', id: 'g0002' })).toEqual(['g0002']);
  });
});

describe('inbox: tasks sent down', () => {
  it("a grid worker is told of an open task for their grid, again once overdue; not of done or withdrawn ones; other roles not", async () => {
    const { inboxItems } = await import('../../../src/domain/inbox.ts');
    const base = { townId: 't01', title: '燃气瓶排查', sentMs: T0, deadlineMs: T0 + DAY };
    const tasks = [
      { ...base, id: 'K1', status: 'open' as const },
      { ...base, id: 'K2', status: 'overdue' as const },
      { ...base, id: 'K3', status: 'done' as const },
      { ...base, id: 'K4', status: 'cancelled' as const },
    ];
    const items = inboxItems({ user: user('w0001'), nowMs: T0 + 2 * DAY, cases: [], tasks });
    expect(items.map((i) => [i.kind, i.taskId, i.href])).toEqual([
      ['task_overdue', 't01/K2', '#/towntasks/t01/K2'],
      ['task_sent', 't01/K1', '#/towntasks/t01/K1'],
    ]);
    expect(inboxItems({ user: user('town01'), nowMs: T0, cases: [], tasks })).toEqual([]);
  });
});
