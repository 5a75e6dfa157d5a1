/**
 * Demo tasks sent down (issue 17), in `tasks.t01` and some grids' `taskanswers.<gridId>`:
 *  - the town center's 燃气瓶安全排查 to every grid of town 01, sent 3 days ago, due in 4 days, with a form (count,
 *    hazard yes/no, note) and a target of 5 places per grid; the second and third grids have answered part of it and
 *    the second has completed it;
 *  - the county's 汛后房屋受损统计 to the first grid's village, sent 10 days ago, due 2 days ago (a choice and a yes/no
 *    field, no target); another grid of that village completed it on time, the others (the first grid among them)
 *    did not: overdue.
 * The first grid (w0001's) has no answers, so its worker finds one open and one overdue task, and the end-to-end
 * tests start from an empty `taskanswers.g0001`. Every event as the relay would accept it (server/taskcheck.ts).
 * Its own random stream: nothing else in the demo changes.
 */
import { taskAnswersDocName, tasksDocName } from '../../src/domain/docs.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId, seededRandom } from '../../src/domain/ids.ts';
import { resolveTargets } from '../../src/domain/towntasks.ts';
import type { OrgData } from '../../src/domain/org.ts';

const TASKS_SEED = 0x7a5c17;
const DAY = 86_400_000;
const HOUR = 3_600_000;

type Log = Array<Record<string, unknown>>;

export function generateTownTasks(org: OrgData, nowMs: number): Map<string, Log> {
  const docs = new Map<string, Log>();
  const townId = 't01';
  const town = org.users.find((u) => u.role === 'town' && u.townId === townId);
  const county = org.users.find((u) => u.role === 'county');
  const grids = org.grids.filter((g) => g.townId === townId && !g.retired).sort((a, b) => a.id.localeCompare(b.id));
  const g1 = grids[0];
  if (!town || !county || !g1) return docs;
  const workerOf = (gridId: string) => org.users.find((u) => u.role === 'worker' && u.gridId === gridId)?.id;
  const rnd = seededRandom(TASKS_SEED);
  // Whole hours, so that a deadline reads as a time of day.
  const hour = (ms: number) => Math.floor(ms / HOUR) * HOUR;
  const event = (type: string, actor: string, data: unknown, ms: number) => ({ id: newId(ms, rnd.bytes), type, actor, at: formatHlc({ ms, counter: 0, node: 'seed' }), data });
  const tasks: Log = [];

  const gasSent = hour(nowMs - 3 * DAY);
  const gas = {
    taskId: 'demo-gas',
    by: 'town',
    title: '燃气瓶安全排查',
    instructions: '逐户查看液化气瓶：数量、存放位置、软管和阀门。发现隐患当场告知住户，并记下情况。',
    deadlineMs: hour(nowMs + 4 * DAY),
    target: 5,
    form: [
      { key: 'f1', label: '气瓶数量', kind: 'number', required: true, min: 0, max: 20 },
      { key: 'f2', label: '是否有安全隐患', kind: 'yesno', required: true },
      { key: 'f3', label: '隐患情况', kind: 'text', required: false },
    ],
    scope: { kind: 'town', id: townId },
    targets: resolveTargets(grids, { kind: 'town', id: townId }),
  };
  tasks.push(event('task_sent', town.id, gas, gasSent));

  const floodSent = hour(nowMs - 10 * DAY);
  const flood = {
    taskId: 'demo-flood',
    by: 'county',
    title: '汛后房屋受损统计',
    instructions: '统计本网格汛后受损的房屋，按受损程度登记；需要转移安置的请注明。',
    deadlineMs: hour(nowMs - 2 * DAY),
    target: 0,
    form: [
      { key: 'f1', label: '受损程度', kind: 'choice', required: true, options: ['轻微', '中度', '严重'] },
      { key: 'f2', label: '是否需要转移安置', kind: 'yesno', required: true },
    ],
    scope: { kind: 'village', id: g1.villageId },
    targets: resolveTargets(grids, { kind: 'village', id: g1.villageId }),
  };
  tasks.push(event('task_sent', county.id, flood, floodSent));
  docs.set(tasksDocName(townId), tasks);

  const places = ['李家（1 组 3 号）', '王家（1 组 7 号）', '村委会食堂', '赵家（2 组 5 号）', '小卖部', '孙家（2 组 9 号）'];
  const answer = (gridId: string, log: Log, taskId: string, values: Array<Record<string, unknown>>, from: number, complete: boolean) => {
    const worker = workerOf(gridId);
    if (!worker) return;
    let ms = from;
    for (const [i, v] of values.entries()) {
      ms += (20 + Math.floor(rnd.next() * 40)) * 60_000;
      log.push(event('entry_saved', worker, { taskId, entryId: `e${i + 1}`, label: places[i % places.length], values: v }, ms));
    }
    if (complete) log.push(event('task_completed', worker, { taskId, note: '已全部排查' }, ms + 10 * 60_000));
  };
  const logs = new Map<string, Log>();
  const logOf = (gridId: string) => logs.get(gridId) ?? logs.set(gridId, []).get(gridId)!;
  const [, second, third] = grids;
  if (second) answer(second.id, logOf(second.id), 'demo-gas', [{ f1: 2, f2: false }, { f1: 1, f2: true, f3: '软管老化，已提醒更换' }, { f1: 3, f2: false }, { f1: 1, f2: false }, { f1: 2, f2: false }], gasSent + DAY, true);
  if (third) answer(third.id, logOf(third.id), 'demo-gas', [{ f1: 1, f2: false }, { f1: 2, f2: true, f3: '气瓶放在灶台旁，已劝移' }], gasSent + 2 * DAY, false);
  const floodDone = flood.targets.find((id) => id !== g1.id);
  if (floodDone) answer(floodDone, logOf(floodDone), 'demo-flood', [{ f1: '轻微', f2: false }, { f1: '中度', f2: true }], floodSent + DAY, true);
  for (const [gridId, log] of logs) docs.set(taskAnswersDocName(gridId), log);
  return docs;
}
