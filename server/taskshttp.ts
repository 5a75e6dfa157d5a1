/**
 * GET /api/tasks/<townId>/progress (issue 17): how far every task sent down to a town has got in each target grid,
 * for a reader of the town's tasks who does not sync every grid's answers (a county center: its devices hold
 * `tasks.<townId>` but not the 90 `taskanswers.<gridId>` of a town, docs.ts `listsGridWork`).
 *
 * Contracts:
 *  - 401 without a valid token, 404 for a town the county does not have, 403 for a user who may not read
 *    `tasks.<townId>` (docs.ts `tasksAccess`).
 *  - Only grids whose answers doc the user may read (docs.ts `taskAnswersAccess`) are in the answer; a grid whose doc
 *    was never written is given with no entries (the relay holds everything acknowledged, so that is a fact).
 *  - Counts only, folded by the domain's rules (towntasks.ts `foldAnswers`, `remoteProgress`): entries per task and
 *    grid, the completion that counts and whether it was late. The entries' values stay in the answers docs.
 *  - Reads what is durable (Relay.withDoc). Cost: one doc load and fold per target grid whose answers changed since
 *    the last ask (server/foldcache.ts); an unchanged town costs one query for the docs' content keys.
 *
 * Body: `{ townId, tasks: { <taskId>: { <gridId>: { entries, completedAt?, late } } } }` (towntasks.ts RemoteProgress).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { docAccess, taskAnswersDocName, tasksDocName } from '../src/domain/docs.ts';
import { foldAnswers, foldTasks, remoteProgress, remoteTaskAnswers, type GridAnswers } from '../src/domain/towntasks.ts';
import type { HttpContext } from './http.ts';
import { bearerUser, sendJson } from './httpio.ts';
import { cachedFolds, contentKey } from './foldcache.ts';

/** The caller, the org and the town's task log when the caller may read it; otherwise the answer is sent and null. */
async function readableTasks(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, townId: string) {
  const user = await bearerUser(req, ctx);
  if (!user) return void sendJson(res, 401, { error: 'unauthorized' });
  const org = ctx.org();
  if (!org.townIds.includes(townId)) return void sendJson(res, 404, { error: 'not_found' });
  const grid = (id: string) => org.index.grid(id);
  if (!docAccess(user, tasksDocName(townId), org.townIds, grid)) return void sendJson(res, 403, { error: 'forbidden' });
  // Folded once per change of the docs (server/foldcache.ts): a county's screens ask every minute.
  const tasksName = tasksDocName(townId);
  const tasksKey = contentKey(ctx, tasksName);
  const tasks = (await cachedFolds(ctx, 'tasks', [tasksName], '', (events) => foldTasks(events ?? []))).get(tasksName)!;
  /** The folded answers of the grids among `grids` whose answers doc the caller may read. */
  const answersOf = async (grids: Iterable<string>): Promise<Map<string, GridAnswers>> => {
    const byName = new Map([...new Set(grids)].map((g) => [taskAnswersDocName(g), g] as const).filter(([name]) => docAccess(user, name, org.townIds, grid)));
    const folds = await cachedFolds(ctx, 'answers', [...byName.keys()], tasksKey, (events, name) => foldAnswers(events ?? [], tasks, byName.get(name)!));
    return new Map([...byName].map(([name, g]) => [g, folds.get(name)!]));
  };
  return { tasks, answersOf };
}

export async function tasksProgress(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, [townId]: string[]): Promise<void> {
  const r = await readableTasks(req, res, ctx, townId!);
  if (!r) return;
  const answers = await r.answersOf([...r.tasks.tasks.values()].flatMap((t) => t.targets));
  sendJson(res, 200, { townId, tasks: remoteProgress(r.tasks, (g) => answers.get(g) ?? null) });
}

/**
 * GET /api/tasks/<townId>/<taskId>/answers (issue 17): the answers to one task of every target grid the user may
 * read, for the sender's export on a device that does not hold the grids' answers (a county center). Same access as
 * the progress route; 404 for a task the town's log does not have. Body: `{ townId, taskId, grids: { <gridId>:
 * { entries, completed? } } }` (towntasks.ts RemoteTaskAnswers). Cost: one doc load per target grid.
 */
export async function taskAnswers(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, [townId, taskId]: string[]): Promise<void> {
  const r = await readableTasks(req, res, ctx, townId!);
  if (!r) return;
  const task = r.tasks.tasks.get(taskId!);
  if (!task) return sendJson(res, 404, { error: 'not_found' });
  const answers = await r.answersOf(task.targets);
  sendJson(res, 200, { townId, taskId, grids: remoteTaskAnswers(task, (g) => answers.get(g) ?? null) });
}
