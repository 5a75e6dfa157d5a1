/**
 * The command hall's (指挥中心, issue 15) figures from the read model's rows: pure, and built only from the domain's
 * one copy of each rule, so that every number equals the 考核 screen's and `/api/stats`'s for the same scope and
 * period (tests/ui/hall.test.tsx checks it against assess(), tests/e2e/hall.test.ts against /api/stats):
 *  - today (CST day of `nowMs`): scopeStats(rows, scope, today) — 今日新增 = cases reported today, 未办结 = those
 *    still open, 超期 = overdue (open past due + completed late), 已办结 = completed;
 *  - Table 1 (county) or the scope's figures (town) for the CST year so far (the 考核 screen's county default);
 *  - the last 30 CST days (today included): cases reported per day, and per day the 考核's average hours to resolve
 *    of that day's completed cases (assess() of the day: the same definition as 平均处置时长);
 *  - the categories (major, 2 digits) of the 30 days' cases, most first;
 *  - towns (county) or grids (town) and units ranked by the 30 days' 考核 rates (HALL_RANK below);
 *  - the open cases of the scope now, whenever reported (the map's heat layer).
 */
import { assess, countsAsOpen, inAssessScope, orgCounts, scopeStats, type AssessInput, type Figures, type Period, type Table1Row } from '../../domain/assessment.ts';
import type { AssessScope } from '../../domain/assessscope.ts';
import { cstDay, cstDayStart, cstYearStart, DAY_MS } from '../../domain/period.ts';
import type { OrgData } from '../../domain/org.ts';
import type { CaseRow } from '../../app/services.ts';

export const TREND_DAYS = 30;
/** Rows of a ranking shown on the wall (the visually hidden data table lists them all). */
export const RANK_ROWS = 8;

export interface DayPoint {
  day: string;
  cases: number;
  avgResolveHours: number | null;
}

export interface Ranked {
  id: string;
  figures: Figures;
}

export interface HallFigures {
  nowMs: number;
  today: Period;
  trend: Period;
  year: Period;
  todayFigures: Figures;
  /** County scope: the seed's Table 1 for the year so far. */
  table1: Table1Row[] | null;
  yearFigures: Figures;
  days: DayPoint[];
  categories: Array<{ major: string; cases: number }>;
  /** Towns for the county, grids for a town, over the 30 days; ranked. */
  areas: Ranked[];
  units: Ranked[];
  /** Open cases of the scope now (any report date). */
  openNow: number;
  open: CaseRow[];
}

/** The first instant the hall needs rows from: the earlier of the CST year's start and the first of the 30 days. */
export function windowStart(nowMs: number): number {
  return Math.min(cstYearStart(nowMs), trendPeriod(nowMs).fromMs);
}

function todayPeriod(nowMs: number): Period {
  const fromMs = cstDayStart(cstDay(nowMs))!;
  return { fromMs, toMs: fromMs + DAY_MS };
}

function trendPeriod(nowMs: number): Period {
  const t = todayPeriod(nowMs);
  return { fromMs: t.fromMs - (TREND_DAYS - 1) * DAY_MS, toMs: t.toMs };
}

/** Open as the 考核 counts it (Figures.open): the heat map and 全部在办 agree with the 在办 figure. */
export const isOpen = (r: Pick<CaseRow, 'status'>): boolean => countsAsOpen(r.status);

/**
 * The ranking's order (a contract of the screen, stated in its legend): 按时办结率 first, then 办结率, then 受理及时率,
 * then 满意率 (higher first; a rate with nothing counted comes after every number), then more cases first, then id.
 */
export function rankFigures(list: Ranked[]): Ranked[] {
  const keys: Array<keyof Figures> = ['onTimeCompletionRate', 'completionRate', 'acceptanceOnTimeRate', 'satisfactionRate'];
  const v = (f: Figures, k: keyof Figures) => (f[k] as number | null) ?? -1;
  return [...list].sort((a, b) => {
    for (const k of keys) {
      const d = v(b.figures, k) - v(a.figures, k);
      if (d) return d;
    }
    return b.figures.cases - a.figures.cases || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });
}

/** Everything the hall shows, from the rows it holds (the window's plus every open one), at `nowMs`. */
export function hallFigures(rows: Iterable<CaseRow>, scope: AssessScope, nowMs: number, org: Pick<OrgData, 'units' | 'users' | 'grids'> | null): HallFigures {
  const today = todayPeriod(nowMs);
  const trend = trendPeriod(nowMs);
  const year: Period = { fromMs: cstYearStart(nowMs), toMs: today.toMs };
  // One pass to sort the scope's rows into what each figure reads.
  const inYear: AssessInput[] = [];
  const inTrend: CaseRow[] = [];
  const byDay: CaseRow[][] = Array.from({ length: TREND_DAYS }, () => []);
  const open: CaseRow[] = [];
  const majors = new Map<string, number>();
  for (const r of rows) {
    if (!inAssessScope(r, scope)) continue;
    if (isOpen(r)) open.push(r);
    if (r.reportedMs >= year.fromMs && r.reportedMs < year.toMs) inYear.push(r);
    if (r.reportedMs >= trend.fromMs && r.reportedMs < trend.toMs) {
      inTrend.push(r);
      byDay[Math.floor((r.reportedMs - trend.fromMs) / DAY_MS)]!.push(r);
      const m = r.category.slice(0, 2);
      majors.set(m, (majors.get(m) ?? 0) + 1);
    }
  }
  const counts = scope.kind === 'county' && org ? orgCounts(org) : null;
  const yearStats = scopeStats(inYear, scope, year, nowMs, counts);
  const trendStats = scopeStats(inTrend, scope, trend, nowMs, null);
  const days = byDay.map((list, i): DayPoint => {
    const p = { fromMs: trend.fromMs + i * DAY_MS, toMs: trend.fromMs + (i + 1) * DAY_MS };
    const f = assess(list, scope, p, nowMs);
    return { day: cstDay(p.fromMs), cases: f.cases, avgResolveHours: f.avgResolveHours };
  });
  const rep = trendStats.report;
  const areaMap = scope.kind === 'county' ? rep.towns : rep.grids;
  const ranked = (m: Record<string, Figures>) => rankFigures(Object.entries(m).map(([id, figures]) => ({ id, figures })));
  return {
    nowMs,
    today,
    trend,
    year,
    // Today lies in the year: its cases are among inYear.
    todayFigures: assess(inYear, scope, today, nowMs),
    table1: yearStats.table1 ?? null,
    yearFigures: yearStats.figures,
    days,
    categories: [...majors].map(([major, cases]) => ({ major, cases })).sort((a, b) => b.cases - a.cases || (a.major < b.major ? -1 : 1)),
    areas: ranked(areaMap),
    units: ranked(rep.units),
    openNow: open.length,
    open,
  };
}
