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
 *  - Reads what is durable (Relay.withDoc). Cost: one doc load per target grid (a town: about 90 small docs).
 *
 * Body: `{ townId, tasks: { <taskId>: { <gridId>: { entries, completedAt?, late } } } }` (towntasks.ts RemoteProgress).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { docAccess, taskAnswersDocName, tasksDocName } from '../src/domain/docs.ts';
import { foldAnswers, foldTasks, remoteProgress, type GridAnswers } from '../src/domain/towntasks.ts';
import type { HttpContext } from './http.ts';
import { bearerUser, sendJson } from './httpio.ts';
import { storedEvents } from './peoplehttp.ts';

export async function tasksProgress(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, [townId]: string[]): Promise<void> {
  const user = await bearerUser(req, ctx);
  if (!user) return sendJson(res, 401, { error: 'unauthorized' });
  const org = ctx.org();
  if (!org.townIds.includes(townId!)) return sendJson(res, 404, { error: 'not_found' });
  const grid = (id: string) => org.index.grid(id);
  if (!docAccess(user, tasksDocName(townId!), org.townIds, grid)) return sendJson(res, 403, { error: 'forbidden' });
  const tasks = foldTasks((await storedEvents(ctx, tasksDocName(townId!))) ?? []);
  const answers = new Map<string, GridAnswers>();
  for (const g of new Set([...tasks.tasks.values()].flatMap((t) => t.targets))) {
    const name = taskAnswersDocName(g);
    if (!docAccess(user, name, org.townIds, grid)) continue;
    answers.set(g, foldAnswers((await storedEvents(ctx, name)) ?? [], tasks, g));
  }
  sendJson(res, 200, { townId, tasks: remoteProgress(tasks, (g) => answers.get(g) ?? null) });
}
