/**
 * The task services of a session (issue 17, src/domain/towntasks.ts), part of RecordsApi (records.ts): the town's
 * task definitions and the grids' answers as this user holds them, and the writes. Every write is decided here with
 * the domain first (schema, the form rule, the fold: an event that would be superseded is not appended), then
 * appended to its doc, where it counts as unsaved until the relay acknowledges it; the relay checks it again
 * (server/taskcheck.ts). Offline: everything here works from the docs held on the device.
 */
import { taskAnswersDocName, tasksDocName } from '../domain/docs.ts';
import type { OrgIndex, UserInfo } from '../domain/org.ts';
import {
  foldAnswers,
  foldTasks,
  parseAnswerEvent,
  parseTaskEvent,
  sideOf,
  type AnswerData,
  type AnswerEventType,
  type GridAnswers,
  type TaskData,
  type TaskEventType,
  type TasksState,
} from '../domain/towntasks.ts';
import type { RecordSync } from '../sync/records.ts';
import type { RecordResult } from './records.ts';

export interface TasksApi {
  /** Towns whose task docs this user holds, sorted. */
  taskTowns(): string[];
  /** The folded task definitions of a held town (default: the first held), or null. */
  tasks(townId?: string): TasksState | null;
  /** Grids whose answers this user holds, sorted. */
  taskAnswerGrids(): string[];
  /** A held grid's answers, folded against its town's task definitions; null when not held. */
  taskAnswers(gridId: string): GridAnswers | null;
  /** Whether this user sends or manages tasks in a town (a town center in its own, the county in every town). */
  maySendTasks(townId: string): boolean;
  /** A task definition event in a town's doc; `by` is set from this user's role. */
  taskAct<T extends TaskEventType>(townId: string, type: T, data: Omit<TaskData[T], 'by'>): RecordResult;
  /** An answer in this user's own grid's doc (its worker). */
  answerAct<T extends AnswerEventType>(type: T, data: AnswerData[T]): RecordResult;
}

export function createTasksApi(deps: {
  user: UserInfo;
  sync: RecordSync;
  org: () => OrgIndex | null;
  /** A fold kept while its inputs are the same (records.ts `foldOn`). */
  foldOn: <T>(key: string, inputs: readonly unknown[], f: () => T) => T;
  envelope: (type: string, data: unknown) => { id: string; type: string; actor: string; at: string; data: unknown };
}): TasksApi {
  const { user, sync, foldOn, envelope } = deps;
  const tasksIn = (townId: string): TasksState | null => {
    const name = tasksDocName(townId);
    if (!sync.access(name)) return null;
    const events = sync.events(name);
    return foldOn(`tasks:${name}`, [events], () => foldTasks(events));
  };
  const api: TasksApi = {
    taskTowns: () => sync.names('tasks').map((n) => n.slice('tasks.'.length)),
    tasks: (townId) => tasksIn(townId ?? api.taskTowns()[0] ?? ''),
    taskAnswerGrids: () => sync.names('taskanswers').map((n) => n.slice('taskanswers.'.length)),
    taskAnswers: (gridId) => {
      const name = taskAnswersDocName(gridId);
      const townId = deps.org()?.grid(gridId)?.townId;
      const tasks = townId ? tasksIn(townId) : null;
      if (!sync.access(name) || !tasks) return null;
      const events = sync.events(name);
      return foldOn(`answers:${name}`, [events, tasks], () => foldAnswers(events, tasks, gridId));
    },
    maySendTasks: (townId) => sideOf(user.role) !== null && sync.access(tasksDocName(townId)) === 'write',
    taskAct: (townId, type, data) => {
      const side = sideOf(user.role);
      const name = tasksDocName(townId);
      if (!side || sync.access(name) !== 'write') return { ok: false, error: 'forbidden' };
      const parsed = parseTaskEvent(envelope(type, { ...data, by: side }));
      if (!parsed.ok) return { ok: false, error: 'bad_request', detail: parsed.detail };
      const e = parsed.event;
      if (e.type === 'task_sent' && e.data.targets.some((g) => deps.org()?.grid(g)?.townId !== townId)) return { ok: false, error: 'bad_request', detail: 'targets' };
      const after = foldTasks([...sync.events(name), e]);
      const lost = after.superseded.find((s) => s.id === e.id);
      if (lost) return { ok: false, error: 'state_not_allowed', detail: lost.why };
      return sync.append(name, e) ? { ok: true, id: e.id } : { ok: false, error: 'forbidden' };
    },
    answerAct: (type, data) => {
      const gridId = user.gridId;
      const townId = gridId ? deps.org()?.grid(gridId)?.townId : undefined;
      const tasks = townId ? tasksIn(townId) : null;
      if (!gridId || !tasks) return { ok: false, error: 'forbidden' };
      const name = taskAnswersDocName(gridId);
      if (sync.access(name) !== 'write') return { ok: false, error: 'forbidden' };
      const parsed = parseAnswerEvent(envelope(type, data));
      if (!parsed.ok) return { ok: false, error: 'bad_request', detail: parsed.detail };
      const after = foldAnswers([...sync.events(name), parsed.event], tasks, gridId);
      const lost = after.superseded.find((s) => s.id === parsed.event.id);
      if (lost) return { ok: false, error: 'state_not_allowed', detail: lost.why };
      return sync.append(name, parsed.event) ? { ok: true, id: parsed.event.id } : { ok: false, error: 'forbidden' };
    },
  };
  return api;
}
