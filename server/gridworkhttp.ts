/**
 * The county's view of grid work it does not sync (issue 17): patrol figures and care coverage, folded on the relay
 * by the domain's rules from the grids' docs.
 *
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
import { foldCare, gridCoverage } from '../src/domain/care.ts';
import { careDocName, docAccess, partyDocName, partyDocTown, patrolsDocName, peopleDocName } from '../src/domain/docs.ts';
import { foldParty, partyPlaces } from '../src/domain/party.ts';
import { foldPatrols, patrolFigures, patrolFiguresToJson } from '../src/domain/patrols.ts';
import { foldPeople } from '../src/domain/people.ts';
import { cachedFolds } from './foldcache.ts';
import type { HttpContext } from './http.ts';
import { bearerUser, sendJson } from './httpio.ts';
import { isRefusal, statsQuery } from './stats.ts';

/**
 * The query (as GET /api/stats reads it) and the grids of its town or grid whose doc `docOf` names the user may read;
 * otherwise the refusal is sent and null.
 */
async function gridScope(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, docOf: (gridId: string) => string) {
  const user = await bearerUser(req, ctx);
  if (!user) return void sendJson(res, 401, { error: 'unauthorized' });
  const query = statsQuery(new URL(req.url ?? '/', 'http://relay').searchParams, user, ctx);
  if (isRefusal(query)) return void sendJson(res, query.status, { error: query.error });
  const { scope, period } = query;
  if (scope.kind !== 'town' && scope.kind !== 'grid') return void sendJson(res, 400, { error: 'bad_request', detail: 'scope: a town or a grid' });
  const org = ctx.org();
  const grid = (id: string) => org.index.grid(id);
  const grids = org.data.grids
    .filter((g) => (scope.kind === 'town' ? g.townId === scope.townId : g.id === scope.gridId))
    .map((g) => g.id)
    .filter((g) => docAccess(user, docOf(g), org.townIds, grid));
  return { query, period, grids };
}

export async function patrolFiguresRoute(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const asked = await gridScope(req, res, ctx, patrolsDocName);
  if (!asked) return;
  const { query, period, grids } = asked;
  const folds = await cachedFolds(ctx, 'patrols', grids.map(patrolsDocName), '', (events) => foldPatrols(events ?? []));
  const rows = grids.map((g) => patrolFiguresToJson(patrolFigures(g, folds.get(patrolsDocName(g))!, period.fromMs, period.toMs)));
  sendJson(res, 200, { scope: query.scopeId, fromMs: period.fromMs, toMs: period.toMs, grids: rows });
}

/**
 * GET /api/care/coverage?scope=<townId>|<gridId>&from=YYYY-MM-DD&to=YYYY-MM-DD (issue 17): each grid's households in
 * care and how they stand at the end of the period (or now), with the care visits made in it, for the county's 考核
 * (its devices hold no grid's people or care docs). Read as GET /api/patrols/figures (same query, same refusals);
 * only grids whose care doc the user may read; the row is the domain's (care.ts `gridCoverage`), from the grid's
 * people doc, care log and the town's party doc (folds kept while they are unchanged).
 *
 * Body: `{ scope, fromMs, toMs, asOfMs, grids: CoverageRow[] }`.
 */
export async function careCoverageRoute(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const asked = await gridScope(req, res, ctx, careDocName);
  if (!asked) return;
  const { period, grids, query } = asked;
  const org = ctx.org();
  const asOfMs = Math.min(query.nowMs, period.toMs - 1);
  const towns = [...new Set(grids.map((g) => org.index.grid(g)!.townId))];
  const parties = await cachedFolds(ctx, 'party', towns.map(partyDocName), '', (events, name) =>
    foldParty(events ?? [], (id) => org.index.user(id), partyPlaces(org.index, partyDocTown(name) ?? '')),
  );
  const people = await cachedFolds(ctx, 'people', grids.map(peopleDocName), '', (events) => foldPeople(events ?? []));
  const cares = await cachedFolds(ctx, 'care', grids.map(careDocName), '', (events) => foldCare(events ?? []));
  const rows = grids.map((gridId) =>
    gridCoverage({
      gridId,
      settings: org.data.care,
      people: people.get(peopleDocName(gridId))!,
      care: cares.get(careDocName(gridId))!,
      party: parties.get(partyDocName(org.index.grid(gridId)!.townId)) ?? null,
      fromMs: period.fromMs,
      toMs: period.toMs,
      asOfMs,
    }),
  );
  sendJson(res, 200, { scope: query.scopeId, fromMs: period.fromMs, toMs: period.toMs, asOfMs, grids: rows });
}
