/**
 * The 考核 on the relay: the one copy of how a request names a scope and a period, who may see it, which cases count,
 * and what the answer holds. GET /api/stats (http.ts) answers it as JSON; the exports (exports.ts) write the same
 * answer as sheets, so an export equals /api/stats by construction (tests/integration/exports.test.ts checks it).
 *
 *   scope=county|<townId>|<unitId>|<gridId> (default county); from, to: YYYY-MM-DD (a CST day, src/domain/period.ts;
 *   `to` included whole) or an ISO date-time; default: this CST year up to now. 400 bad_request for an unknown scope
 *   or a malformed, empty or too long period; 403 forbidden for a scope the user may not see (domain `mayAssess`).
 */
import { mayAssess, orgCounts, scopeStats, type AssessScope, type Period } from '../src/domain/assessment.ts';
import { caseYear, casesDocName } from '../src/domain/docs.ts';
import type { StatsAnswer } from '../src/domain/exports.ts';
import type { UserInfo } from '../src/domain/org.ts';
import { checkPeriod, cstDayStart, cstYearStart, DAY_MS } from '../src/domain/period.ts';
import type { CaseState } from '../src/domain/workflow.ts';
import type { HttpContext } from './http.ts';

/** http.ts `foldedDoc`: a doc's folded cases (passed in: this module is imported by http.ts). */
export type FoldedDoc = (ctx: HttpContext, doc: string) => Promise<CaseState[]>;

export interface Refusal {
  status: 400 | 403;
  error: 'bad_request' | 'forbidden';
}

export interface StatsQuery {
  scope: AssessScope;
  /** The `scope` parameter as given ("county" or the id). */
  scopeId: string;
  period: Period;
  /** The relay's clock, read once for the whole answer. */
  nowMs: number;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A `from` / `to` parameter: `YYYY-MM-DD` (a CST day, src/domain/period.ts) or an ISO date-time; null if malformed. */
function parseDateParam(v: string): { ms: number; day: boolean } | null {
  if (DATE_ONLY.test(v)) {
    const ms = cstDayStart(v);
    return ms === null ? null : { ms, day: true };
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(v)) return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? { ms, day: false } : null;
}

export const isRefusal = (x: object): x is Refusal => 'error' in x;

/** The scope, period and clock of a request, or why it is refused (400 before 403, as /api/stats always did). */
export function statsQuery(q: URLSearchParams, user: UserInfo, ctx: HttpContext): StatsQuery | Refusal {
  const org = ctx.org();
  const nowMs = ctx.now();
  const raw = q.get('scope') ?? 'county';
  let scope: AssessScope;
  if (raw === 'county') scope = { kind: 'county' };
  else if (org.townIds.includes(raw)) scope = { kind: 'town', townId: raw };
  else if (org.index.unit(raw)) scope = { kind: 'unit', unitId: raw };
  else if (org.index.grid(raw)) scope = { kind: 'grid', gridId: raw };
  else return { status: 400, error: 'bad_request' };
  // A day as `to` is included whole (the period ends at the next CST midnight). Default: this year up to now.
  const fromParam = q.get('from');
  const toParam = q.get('to');
  const from = fromParam === null ? { ms: cstYearStart(nowMs), day: true } : parseDateParam(fromParam);
  const to = toParam === null ? { ms: nowMs + 1, day: false } : parseDateParam(toParam);
  const period = from && to ? checkPeriod(from.ms, to.day && toParam !== null ? to.ms + DAY_MS : to.ms) : null;
  if (!period) return { status: 400, error: 'bad_request' };
  if (!mayAssess(user, scope, org.index)) return { status: 403, error: 'forbidden' };
  return { scope, scopeId: raw, period, nowMs };
}

/**
 * The cases the assessment of a query reads: those this user's devices hold (a town center: its town's) in the scope's
 * town if it has one, of the case years the period touches. Not yet narrowed to the scope or period (scopeStats and
 * casesForExport do that, by one rule).
 */
export async function scopeCases(ctx: HttpContext, user: UserInfo, query: StatsQuery, folded: FoldedDoc): Promise<CaseState[]> {
  const { scope, period } = query;
  const org = ctx.org();
  const scopeTown =
    scope.kind === 'town' ? scope.townId : scope.kind === 'grid' ? org.index.grid(scope.gridId)?.townId : scope.kind === 'unit' ? org.index.unit(scope.unitId)?.townId : undefined;
  const towns = user.role === 'town' ? [user.townId!] : scopeTown ? [scopeTown] : org.townIds;
  const cases: CaseState[] = [];
  for (const t of towns) {
    for (let y = caseYear(period.fromMs); y <= caseYear(period.toMs - 1); y++) {
      const name = casesDocName(t, y);
      if (ctx.store.hasDoc(name)) cases.push(...(await folded(ctx, name)));
    }
  }
  return cases;
}

/** The body of GET /api/stats: {scope, period, nowMs, figures, towns? (county only), units, grids, table1?}. */
export async function statsAnswer(
  ctx: HttpContext,
  user: UserInfo,
  query: StatsQuery,
  folded: FoldedDoc,
): Promise<StatsAnswer & { period: Period & { from: string; to: string }; nowMs: number }> {
  const { scope, period, nowMs } = query;
  const cases = await scopeCases(ctx, user, query, folded);
  const { figures, report, table1 } = scopeStats(cases, scope, period, nowMs, orgCounts(ctx.org().data));
  return {
    scope: { kind: scope.kind, id: query.scopeId },
    period: { from: new Date(period.fromMs).toISOString(), to: new Date(period.toMs).toISOString(), ...period },
    nowMs,
    figures,
    units: report.units,
    grids: report.grids,
    ...(scope.kind === 'county' ? { towns: report.towns } : {}),
    ...(table1 ? { table1 } : {}),
  };
}
