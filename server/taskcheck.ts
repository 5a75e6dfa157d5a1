/**
 * What the relay accepts in the issue-17 task docs (src/domain/towntasks.ts), on top of server/validate.ts's
 * envelope rules (only the `events` array, plain JSON, append-only, client ids, duplicate ids: integrity.ts).
 *
 * `tasks.<townId>` (written by the town's center and the county; docs.ts `tasksAccess`), every new event:
 *  - parses (`parseTaskEvent`, the form's own consistency included)                       -> invalid_event
 *  - its actor is the connection's user                                                   -> forged_actor
 *  - the user's role may send tasks and `by` is the user's own side (town or county)       -> role_not_allowed
 *  - task_sent: every target grid is in this doc's town (the org doc now: targets are resolved when sent)
 *                                                                                          -> wrong_doc
 *  - folded with the doc before it, it does not reuse a taskId, name an unknown task or act on the other side's
 *    task (a town center amending a county task)                                          -> not_authorized
 *    A second cancellation or an amendment racing a cancellation from another of the side's devices is an honest
 *    offline race: accepted, the fold supersedes it.
 *
 * `taskanswers.<gridId>` (written by the grid's worker only; docs.ts `taskAnswersAccess`), every new event:
 *  - parses (`parseAnswerEvent`)                                                           -> invalid_event
 *  - its actor is the connection's user                                                   -> forged_actor
 *  - the user is a grid worker                                                             -> role_not_allowed
 *  - its task is in the town's task doc (`tasksOf`: the relay's copy now) and was sent to this grid
 *                                                                                          -> bad_reference
 *  - an entry's values fit the task's form (`checkValues`: the one rule)                   -> invalid_event
 *  - an edit or removal names an entry its author wrote (the answers folded before it)     -> not_authorized
 *  An answer stamped after the task's cancellation, or a second completion, is accepted: it was made offline
 *  before the device knew, and the fold lists it as superseded with its reason, which the worker's screen shows.
 */
import type * as Y from 'yjs';
import type { OrgIndex, UserInfo } from '../src/domain/org.ts';
import {
  checkValues,
  foldAnswers,
  foldTasks,
  parseAnswerEvent,
  parseTaskEvent,
  sideOf,
  TASK_ANSWER_ROLES,
  TASK_SENDER_ROLES,
  type TasksState,
} from '../src/domain/towntasks.ts';
import { EVENTS_ARRAY } from '../src/protocol/wire.ts';

export type TaskRefusal = { code: 'invalid_event' | 'forged_actor' | 'role_not_allowed' | 'wrong_doc' | 'not_authorized' | 'bad_reference'; detail: string };

/** The new values of one update to `tasks.<townId>`; null when acceptable. */
export function checkTaskValues(doc: Y.Doc, townId: string, fresh: readonly unknown[], user: UserInfo, org: OrgIndex | undefined): TaskRefusal | null {
  for (const value of fresh) {
    const p = parseTaskEvent(value);
    if (!p.ok) return { code: 'invalid_event', detail: p.detail };
    const e = p.event;
    if (e.actor !== user.id) return { code: 'forged_actor', detail: `event ${e.id}: actor ${e.actor} is not ${user.id}` };
    if (!TASK_SENDER_ROLES.includes(user.role) || e.data.by !== sideOf(user.role)) return { code: 'role_not_allowed', detail: `event ${e.id}: a ${user.role} may not write '${e.type}' for the ${e.data.by} side` };
    if (e.type === 'task_sent') {
      const outside = e.data.targets.find((g) => org?.grid(g)?.townId !== townId);
      if (outside) return { code: 'wrong_doc', detail: `task ${e.data.taskId}: grid ${outside} is not in ${townId}` };
    }
  }
  const before = doc.getArray<unknown>(EVENTS_ARRAY).toArray();
  const after = foldTasks([...before, ...fresh]);
  const ids = new Set(fresh.map((v) => (v as { id: string }).id));
  const bad = after.superseded.find((s) => ids.has(s.id) && (s.why === 'task_exists' || s.why === 'unknown_task' || s.why === 'not_sender_side'));
  if (bad) return { code: 'not_authorized', detail: `event ${bad.id}: ${bad.why.replace(/_/g, ' ')}` };
  return null;
}

/** The new values of one update to `taskanswers.<gridId>`; `tasks`: the grid's town's task definitions now. */
export function checkAnswerValues(doc: Y.Doc, gridId: string, fresh: readonly unknown[], user: UserInfo, tasks: TasksState | undefined): TaskRefusal | null {
  for (const value of fresh) {
    const p = parseAnswerEvent(value);
    if (!p.ok) return { code: 'invalid_event', detail: p.detail };
    const e = p.event;
    if (e.actor !== user.id) return { code: 'forged_actor', detail: `event ${e.id}: actor ${e.actor} is not ${user.id}` };
    if (!TASK_ANSWER_ROLES.includes(user.role)) return { code: 'role_not_allowed', detail: `event ${e.id}: a ${user.role} may not answer tasks` };
    const t = tasks?.tasks.get(e.data.taskId);
    if (!t || !t.targets.includes(gridId)) return { code: 'bad_reference', detail: `event ${e.id}: task ${e.data.taskId} was not sent to ${gridId}` };
    if (e.type === 'entry_saved') {
      const why = checkValues(t.form, e.data.values);
      if (why) return { code: 'invalid_event', detail: `event ${e.id}: ${why}` };
    }
  }
  if (!tasks) return null;
  const before = doc.getArray<unknown>(EVENTS_ARRAY).toArray();
  const after = foldAnswers([...before, ...fresh], tasks, gridId);
  const ids = new Set(fresh.map((v) => (v as { id: string }).id));
  const bad = after.superseded.find((s) => ids.has(s.id) && s.why === 'not_own');
  if (bad) return { code: 'not_authorized', detail: `event ${bad.id}: the entry was written by someone else` };
  return null;
}
