/**
 * The grid worker's 我的任务 page for bench/figures/tasks.ts (issue 17): the real WorkerTasks screen on its 走访 tab
 * over a grid with 200 households due or overdue for a care visit (a people doc of 260 households, 200 of them
 * tagged long enough ago to be due, and a care log of 400 earlier visits), through the real records service
 * (src/app/records.ts: fold, care index) over an in-memory stand-in of the record sync. The cases side of the
 * session answers empty (the care tab shows no case queue).
 * And the 20 open tasks sent down to the grid (issue 17's figure): the town's task log `tasks.t01` (25 tasks sent to
 * the town's 30 grids by the town center: 20 still open for this grid, 2 of them overdue, 3 completed, 2 withdrawn)
 * and the grid's answers `taskanswers.g0001` (4 entries on each open task, a completion on each completed one),
 * real events folded by the real code (src/domain/towntasks.ts through src/app/towntasks.ts); the screen shows them
 * in its 下发任务 line (OpenTasksLine).
 * `bench.setup()` (not timed) and `bench.first()` (mount to the first frame with the due list) return wall times (ms).
 * The docs are Y docs and the records service keeps the care index in a per-user db (real IndexedDB) as on a device
 * (src/app/careindex.ts): `bench.first('kept')` measures the path of a device that opened the screen before.
 */
import { render } from 'preact';
import { signal } from '@preact/signals';
import { messagesReady } from '../../src/app/i18n.ts';
import { createRecordsApi } from '../../src/app/records.ts';
import type { Session } from '../../src/app/services.ts';
import { careDocName, parseRecordDocName, peopleDocName, taskAnswersDocName, tasksDocName } from '../../src/domain/docs.ts';
import { formatHlc, HybridClock } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import { indexOrg, type OrgData, type UserInfo } from '../../src/domain/org.ts';
import { META, UserDb } from '../../src/storage/schema.ts';
import { docStateKey, type RecordSync } from '../../src/sync/records.ts';
import { EVENTS_ARRAY } from '../../src/protocol/wire.ts';
import * as Y from 'yjs';
import { WorkerTasks } from '../../src/features/tasks/WorkerTasks.tsx';
import '../../src/ui/styles.css';

const NOW = Date.now();
const DAY = 86_400_000;
const GRID = 'g0001';
export const DUE = 200;
const HOUSEHOLDS = 260;
export const OPEN_TASKS = 20;
const TOWN_GRIDS = Array.from({ length: 30 }, (_, i) => `g${String(i + 1).padStart(4, '0')}`);
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const frame = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));

const worker: UserInfo = { id: 'w0001', username: 'w0001', name: '网格员', role: 'worker', townId: 't01', villageId: 't01v01', gridId: GRID };
const org: OrgData = {
  towns: [{ id: 't01', name: '太平街道', nameEn: 'Taiping', center: [122.07, 41.12] }],
  villages: [{ id: 't01v01', townId: 't01', name: '曙光村', kind: 'village' }],
  grids: [{ id: GRID, villageId: 't01v01', townId: 't01', name: '曙光村第一网格', workerId: 'w0001', center: [122.07, 41.12] }],
  categories: [],
  subcategories: [],
  plans: [],
  units: [],
  users: [worker],
};

let session: Session;
type Docs = Map<string, Y.Doc>;
/**
 * Per-user dbs (real IndexedDB), where the records service keeps a grid's care index: one for the cold mounts
 * (emptied before each), one for the device that opened the screen before (`keptDocs`, the same docs every time).
 */
const coldDb = new UserDb('gridlink-bench-tasks-cold-u-w0001');
const keptDb = new UserDb('gridlink-bench-tasks-kept-u-w0001');
let keptDocs: Docs | null = null;
/** The docs `setup` made last. */
let setupDocs: Docs | null = null;
const ROW = META.derived(`careIndex:${GRID}`);

function event(type: string, data: unknown, ms: number, actor = 'w0001') {
  return { id: newId(ms, random), type, actor, at: formatHlc({ ms, counter: 0, node: 'bench' }), data };
}

/** The town's task log and the grid's answers: OPEN_TASKS open for the grid (2 overdue), 3 completed, 2 withdrawn. */
function taskDocs(): { tasks: unknown[]; answers: unknown[] } {
  const tasks: unknown[] = [];
  const answers: unknown[] = [];
  const form = [
    { key: 'f1', label: '是否存在隐患', kind: 'yesno', required: true },
    { key: 'f2', label: '数量', kind: 'number', required: false, min: 0, max: 99 },
    { key: 'f3', label: '类型', kind: 'choice', required: true, options: ['液化气罐', '电动车', '其他'] },
    { key: 'f4', label: '说明', kind: 'text', required: false },
  ];
  for (let k = 0; k < OPEN_TASKS + 5; k++) {
    const taskId = `t01task${String(k).padStart(2, '0')}`;
    const sent = NOW - (10 + k) * DAY;
    const deadlineMs = k < 2 ? NOW - DAY : NOW + (3 + k) * DAY;
    tasks.push(
      event(
        'task_sent',
        { taskId, by: 'town', title: `第${k + 1}项排查：辖区燃气安全`, instructions: '逐户检查液化气罐、燃气灶具和软管，发现隐患当场告知并登记。', deadlineMs, target: 20, form, scope: { kind: 'town', id: 't01' }, targets: TOWN_GRIDS },
        sent,
        'town01',
      ),
    );
    if (k >= OPEN_TASKS + 3) tasks.push(event('task_cancelled', { taskId, by: 'town', reason: '重复下发' }, sent + DAY, 'town01'));
    if (k >= OPEN_TASKS + 3) continue;
    for (let e = 0; e < 4; e++) {
      answers.push(event('entry_saved', { taskId, entryId: `e${k}x${e}`, label: `幸福路${e + 1}号`, householdId: `${GRID}h${String(e).padStart(3, '0')}`, values: { f1: e % 2 === 0, f2: e, f3: '液化气罐', f4: '软管老化，已告知更换。' } }, sent + (e + 1) * 3_600_000));
    }
    if (k >= OPEN_TASKS) answers.push(event('task_completed', { taskId, note: '已全部检查' }, sent + DAY));
  }
  return { tasks, answers };
}

/** New docs (fresh events) and a records service over them (nothing kept). */
async function setup(): Promise<{ households: number; due: number; events: number }> {
  await coldDb.meta.delete(ROW);
  const { docs, events } = makeDocs();
  setupDocs = docs;
  openSession(docs, coldDb);
  await messagesReady();
  return { households: HOUSEHOLDS, due: DUE, events };
}

function makeDocs(): { docs: Docs; events: number } {
  const people: unknown[] = [];
  const care: unknown[] = [];
  const tagged = NOW - 120 * DAY;
  for (let h = 0; h < HOUSEHOLDS; h++) {
    const id = `${GRID}h${String(h).padStart(3, '0')}`;
    people.push(event('household_saved', { id, gridId: GRID, address: `曙光村幸福路${h + 1}号`, head: `户主${h}`, phone: '13800000000' }, tagged + h));
    for (let r = 0; r < 3; r++) {
      const tags = r === 0 && h < DUE + 30 ? [h % 3 === 0 ? 'low_income' : 'elderly_alone'] : [];
      people.push(event('resident_saved', { id: `${id}r${r}`, householdId: id, name: `居民${h}-${r}`, relation: r === 0 ? '户主' : '家人', tags }, tagged + h));
    }
    // Two earlier visits each (long enough ago for 200 to be due now), the last 30 tagged households visited lately.
    if (h < DUE + 30) {
      const last = h < DUE ? NOW - (h % 3 === 0 ? 95 : 35) * DAY : NOW - 2 * DAY;
      for (const ms of [last - 40 * DAY, last]) care.push(event('visit_recorded', { householdId: id, mode: 'home', condition: 'well', needs: [], note: '入户走访，身体状况稳定。' }, ms));
    }
  }
  const { tasks, answers } = taskDocs();
  // Y docs as the device holds them (src/sync/records.ts: an append-only Y.Array of events each).
  const ydoc = (events: unknown[]) => {
    const doc = new Y.Doc();
    doc.getArray<unknown>(EVENTS_ARRAY).push(events);
    return doc;
  };
  const docs: Docs = new Map([
    [peopleDocName(GRID), ydoc(people)],
    [careDocName(GRID), ydoc(care)],
    [tasksDocName('t01'), ydoc(tasks)],
    [taskAnswersDocName(GRID), ydoc(answers)],
  ]);
  return { docs, events: people.length + care.length + tasks.length + answers.length };
}

/** A new records service and session over `docs` and `db` (the app opened: nothing folded in memory). */
function openSession(docs: Docs, db: UserDb): void {
  // What a grid worker holds: the town's task log to read, the rest to write (docs.ts).
  const access = (name: string) => (!docs.has(name) ? null : name === tasksDocName('t01') ? 'read' : 'write');
  const version = signal(0);
  const sync = {
    version,
    access,
    events: (name: string) => docs.get(name)?.getArray<unknown>(EVENTS_ARRAY).toArray() ?? [],
    names: (kind: string) => [...docs.keys()].filter((n) => parseRecordDocName(n)?.kind === kind),
    append: (name: string, e: unknown) => (docs.get(name)?.getArray<unknown>(EVENTS_ARRAY).push([e]), version.value++, true),
    unsaved: () => 0,
    // As RecordSync: the docs' state, and the per-user db's derived rows (the care index kept between sessions).
    stateKey: (name: string) => {
      const doc = docs.get(name);
      return doc ? docStateKey(doc) : null;
    },
    readDerived: async (key: string) => (await db.meta.get(META.derived(key)))?.value,
    writeDerived: async (key: string, value: unknown) => void (await db.meta.put({ key: META.derived(key), value })),
  } as unknown as RecordSync;
  const idx = indexOrg(org);
  const records = createRecordsApi({ user: worker, sync, org: () => ({ ...idx, data: org }), clock: new HybridClock('bench', () => Date.now()), now: () => Date.now(), random, report: async () => ({ ok: false, error: 'forbidden' }) as never });
  session = {
    user: worker,
    status: signal({ connection: 'online', unsaved: 0, lastSavedMs: null, ready: true, synced: true, authExpired: false }),
    org: signal({ ...idx, data: org }),
    casesVersion: signal(0),
    records,
    now: () => Date.now(),
    countCases: async () => 0,
    countQueue: async () => 0,
    queryCases: async () => [],
    getCase: async () => null,
  } as unknown as Session;
}

/**
 * A session opening as the device has it: with nothing kept (cold: the docs made by `setup`), or with the index an
 * earlier session kept over the same docs (kept: made and kept once per page, as on a device that opened the screen
 * before). Returns how long the session's read of the kept index took (ms; it starts as the session opens).
 */
async function opening(mode: 'cold' | 'kept', docs: Docs | null): Promise<number> {
  let db = coldDb;
  if (mode === 'kept') {
    db = keptDb;
    if (!keptDocs) {
      await keptDb.meta.delete(ROW);
      keptDocs = makeDocs().docs;
      openSession(keptDocs, keptDb);
      session.records!.careIndex(GRID);
      await session.records!.careIndexKept();
    }
    docs = keptDocs;
  } else await coldDb.meta.delete(ROW);
  const r0 = performance.now();
  openSession(docs!, db);
  await session.records!.preloadCareIndex([GRID]);
  return performance.now() - r0;
}

/**
 * From mounting the tasks screen on its 走访 tab to the first frame with the due list and the open tasks' line, on a
 * fresh records service (a session that just opened: nothing folded in memory). `mode`:
 *  - 'cold': no care index kept on the device (a first visit, or the grid's docs changed since it was kept): the
 *    screen folds the people doc and care log and builds the index;
 *  - 'kept': the device's path after an earlier visit with the docs unchanged: the index an earlier session kept in
 *    the per-user db (real IndexedDB) was read while the session opened (`read`, ms: on a device, while its docs load
 *    from y-indexeddb, which takes longer), and the screen checks the docs' state and uses it.
 * `prepared`: `setup()` was called just before (outside a CPU profile).
 */
async function first(mode: 'cold' | 'kept' = 'cold', prepared = false): Promise<{ ms: number; sync: number; rows: number; listed: string; tasks: string; read: number }> {
  const root = document.getElementById('root')!;
  render(null, root);
  await messagesReady();
  const read = await opening(mode, mode === 'kept' ? null : prepared ? setupDocs : makeDocs().docs);
  await frame();
  const t0 = performance.now();
  render(<WorkerTasks session={session} tab="care" />, root);
  // The synchronous part (folds and the first render); the rest is the browser's style, layout and paint, and the
  // effects that run right after the frame.
  const sync = performance.now() - t0;
  // The first frame with both the due list and the open tasks' line (the 20 open tasks sent down).
  const tasksLine = () => [...root.querySelectorAll('.home-lead')].find((p) => p.querySelector('a[href="#/towntasks"]'));
  while (!root.querySelector('.care-list a.care-row') || !tasksLine()) await new Promise((r) => setTimeout(r, 0));
  await frame();
  const ms = performance.now() - t0;
  // A cold mount keeps its index after a while: write it now, outside the next measurement.
  await session.records!.careIndexKept();
  return { ms, sync, read, rows: root.querySelectorAll('.care-list a.care-row').length, listed: root.querySelector('.care-tasks .home-lead')?.textContent ?? '', tasks: tasksLine()?.textContent ?? '' };
}

/** The same mount-to-frame wait around a bare paragraph: what the page and the machine cost without the screen. */
async function baseline(): Promise<number> {
  const root = document.getElementById('root')!;
  render(null, root);
  await frame();
  const t0 = performance.now();
  render(<p class="hint">基线</p>, root);
  await frame();
  return performance.now() - t0;
}

/**
 * Where a cold mount's synchronous work goes (profiling, not a figure): each fold timed alone, in the order the
 * screen asks for them, on a fresh records service.
 */
async function breakdown(): Promise<Record<string, number>> {
  await setup();
  const records = session.records!;
  // Nothing kept (setup emptied the db): the read finds none, then the index is built.
  await records.preloadCareIndex([GRID]);
  const out: Record<string, number> = {};
  const time = (name: string, f: () => unknown) => {
    const t0 = performance.now();
    f();
    out[name] = performance.now() - t0;
  };
  time('people fold', () => records.people(GRID));
  time('care fold', () => records.care(GRID));
  time('party fold', () => records.party());
  time('care index build', () => records.careIndex(GRID));
  time('task fold', () => records.tasks('t01'));
  time('answers fold', () => records.taskAnswers(GRID));
  return out;
}

(window as unknown as { bench: unknown }).bench = { setup, first, baseline, breakdown, session: () => session };
