/**
 * GET /api/patrols/figures?scope=<townId>|<gridId>&from=YYYY-MM-DD&to=YYYY-MM-DD (issue 17): patrols done against
 * expected for the period, per grid (and per worker), for a reader of the assessment who does not sync the grids'
 * patrol docs (a county center: one per grid of the county, docs.ts `listsGridWork`). The query is read as
 * GET /api/stats reads it (server/stats.ts `statsQuery`: 400 for a bad scope or period, 403 where the user may not
 * assess); a county scope is 400 (a town at a time). Only grids whose patrols doc the user may read are in the
 * answer, folded by the domain's rules (patrols.ts `patrolFigures`); folds of unchanged docs are kept
 * (server/foldcache.ts).
 *
 * Body: `{ scope, fromMs, toMs, grids: PatrolFiguresJson[] }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { docAccess, patrolsDocName } from '../src/domain/docs.ts';
import { foldPatrols, patrolFigures, patrolFiguresToJson } from '../src/domain/patrols.ts';
import { cachedFolds } from './foldcache.ts';
import type { HttpContext } from './http.ts';
import { bearerUser, sendJson } from './httpio.ts';
import { isRefusal, statsQuery } from './stats.ts';

export async function patrolFiguresRoute(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const user = await bearerUser(req, ctx);
  if (!user) return sendJson(res, 401, { error: 'unauthorized' });
  const query = statsQuery(new URL(req.url ?? '/', 'http://relay').searchParams, user, ctx);
  if (isRefusal(query)) return sendJson(res, query.status, { error: query.error });
  const { scope, period } = query;
  if (scope.kind !== 'town' && scope.kind !== 'grid') return sendJson(res, 400, { error: 'bad_request', detail: 'scope: a town or a grid' });
  const org = ctx.org();
  const grid = (id: string) => org.index.grid(id);
  const names = new Map(
    org.data.grids
      .filter((g) => (scope.kind === 'town' ? g.townId === scope.townId : g.id === scope.gridId))
      .map((g) => [patrolsDocName(g.id), g.id] as const)
      .filter(([name]) => docAccess(user, name, org.townIds, grid)),
  );
  const folds = await cachedFolds(ctx, 'patrols', [...names.keys()], '', (events) => foldPatrols(events ?? []));
  const grids = [...names].map(([name, g]) => patrolFiguresToJson(patrolFigures(g, folds.get(name)!, period.fromMs, period.toMs)));
  sendJson(res, 200, { scope: query.scopeId, fromMs: period.fromMs, toMs: period.toMs, grids });
}
