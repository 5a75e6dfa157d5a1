/**
 * Assessment (考核) of units, towns, grids and the county for a period, and the seed's Table 1.
 * Pure: the same cases, period and `now` give the same figures on every replica.
 *
 * Which cases: those REPORTED in [fromMs, toMs). A unit is assessed on the cases it holds or held last
 * (the final `unitId`: a unit that returned a case is not charged with it). Definitions:
 *  - acceptance on time: town/grid/county: the first answer to the report (accept, reject, merge, self-resolve)
 *    within ACCEPT_WITHIN_HOURS; cases still `reported` past that count as late, those within it are not counted
 *    yet. Unit: its first response after the latest dispatch (acknowledge, start, resolve, return) within
 *    ACK_WITHIN_HOURS, same rule for those still waiting.
 *  - completed: verified or closed (self-resolved included). completion rate = completed / (cases - withdrawn -
 *    merged - rejected).
 *  - on-time completion rate: completed cases resolved by their deadline (self-resolved: on time) / completed.
 *  - satisfaction rate: (satisfied + basically satisfied) / feedback given.
 *  - average hours to resolve: report to the resolve that counts, over completed cases.
 *  - overdue: open cases past their deadline at `now` plus completed cases resolved after it.
 *  - 二次回访 (issue 13): `revisits` = cases rated 不满意 at least once (their `revisit`, kept through reopens),
 *    `revisitPending` those whose latest round waits, `revisitsReopened` / `revisitsCalled` the rounds answered by a
 *    reopen / a follow-up call (a case rated 不满意 twice may count twice).
 *  - channels (issue 13): the cases by how they came in (src/domain/channels.ts reportChannel; a read-model row
 *    carries it as `reportChannel`).
 *  - 协办 (issue 17): a unit is also credited with the cases the dispatch in force names it as a helping unit on:
 *    `assists` such cases, `assistsConfirmed` those it confirmed its part of, `assistsOnTime` confirmed by the case's
 *    deadline (the dispatch's, with approved extensions: deadlines.ts resolveDueMs; no deadline: on time),
 *    `assistsReleased` those the center released it from, `assistsOpen` those it still owes. A helper case counts
 *    only in these: the unit's other figures stay the cases it holds. Towns, grids and the county count no assists.
 * Rates are fractions in [0, 1], null when nothing is counted.
 */
import { ACCEPT_WITHIN_HOURS, ACK_WITHIN_HOURS, HOUR_MS, isOverdue, resolveDueMs } from './deadlines.ts';
import { REPORT_CHANNELS, reportChannel, type ReportChannel } from './channels.ts';
import type { OrgData } from './org.ts';
import type { CaseState } from './workflow.ts';
import type { AssessScope } from './assessscope.ts';

// Who sees which scope lives in its own small module (the shell asks it without loading this one).
export type { AssessScope } from './assessscope.ts';
export { assessKinds } from './assessscope.ts';
export { mayAssess } from './assessaccess.ts';

/** The fields of a case the assessment needs (a CaseState has them; so does a read-model row). */
export type AssessInput = Pick<CaseState, 'status' | 'townId' | 'gridId' | 'reportedMs'> &
  Partial<
    Pick<
      CaseState,
      | 'unitId'
      | 'firstResponseMs'
      | 'dispatchedMs'
      | 'dueHours'
      | 'extensionHours'
      | 'unitResponseMs'
      | 'resolvedMs'
      | 'selfResolved'
      | 'satisfaction'
      | 'channel'
      | 'onBehalf'
      | 'reporterRole'
    >
  > & {
    /** The 二次回访's counts (a CaseState's `revisit` has them, so does a row's). */
    revisit?: Pick<NonNullable<CaseState['revisit']>, 'status' | 'reopened' | 'called'> | undefined;
    /** A read-model row's channel, computed when it was written (else from `channel`, `onBehalf`, `reporterRole`). */
    reportChannel?: ReportChannel | undefined;
    /** Issue 17: the helping units of the dispatch in force (a CaseState's `helpers`, a row's). */
    helpers?: ReadonlyArray<AssistInput> | undefined;
  };
/** What the 考核 reads of a helping unit. */
export interface AssistInput {
  unitId: string;
  status: 'assisting' | 'confirmed' | 'released';
  confirmedMs?: number | undefined;
}

export interface Period {
  fromMs: number;
  toMs: number;
}


export interface Figures {
  /** Cases reported in the period. */
  cases: number;
  open: number;
  rejected: number;
  withdrawn: number;
  merged: number;
  acceptanceCounted: number;
  acceptedOnTime: number;
  acceptanceOnTimeRate: number | null;
  completed: number;
  completionRate: number | null;
  completedOnTime: number;
  onTimeCompletionRate: number | null;
  feedback: number;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
  satisfactionRate: number | null;
  avgResolveHours: number | null;
  /** Open and past due now, plus completed late. */
  overdue: number;
  overdueOpen: number;
  completedLate: number;
  /** 二次回访: cases ever rated 不满意, those waiting now, rounds answered by a reopen, by a follow-up call. */
  revisits: number;
  revisitPending: number;
  revisitsReopened: number;
  revisitsCalled: number;
  /** Cases by channel (every channel present, 0 when none). */
  channels: Record<ReportChannel, number>;
  /** 协办 (units only): cases it helps on, confirmed, confirmed by the deadline, released, still owed. */
  assists: number;
  assistsConfirmed: number;
  assistsOnTime: number;
  assistsReleased: number;
  assistsOpen: number;
}

const noChannels = (): Record<ReportChannel, number> => Object.fromEntries(REPORT_CHANNELS.map((c) => [c, 0])) as Record<ReportChannel, number>;

/** Running sums; `finish` turns them into Figures. */
class Acc {
  cases = 0;
  open = 0;
  rejected = 0;
  withdrawn = 0;
  merged = 0;
  accCounted = 0;
  accOnTime = 0;
  completed = 0;
  onTime = 0;
  feedback = 0;
  satisfied = 0;
  basically = 0;
  dissatisfied = 0;
  resolveMsSum = 0;
  overdueOpen = 0;
  late = 0;
  revisits = 0;
  revisitPending = 0;
  reopened = 0;
  called = 0;
  channels = noChannels();
  assists = 0;
  assistsConfirmed = 0;
  assistsOnTime = 0;
  assistsReleased = 0;
  assistsOpen = 0;

  /** Issue 17: credit a helping unit with its part of a case. */
  addAssist(c: AssessInput, h: AssistInput): void {
    this.assists++;
    if (h.status === 'confirmed') {
      this.assistsConfirmed++;
      const due = resolveDueMs(c);
      if (due === undefined || (h.confirmedMs ?? Infinity) <= due) this.assistsOnTime++;
    } else if (h.status === 'released') this.assistsReleased++;
    else this.assistsOpen++;
  }

  add(c: AssessInput, nowMs: number, unitView: boolean): void {
    this.cases++;
    const s = c.status;
    if (s === 'rejected') this.rejected++;
    else if (s === 'withdrawn') this.withdrawn++;
    else if (s === 'merged') this.merged++;
    const done = s === 'verified' || s === 'closed';
    if (countsAsOpen(s)) this.open++;

    // acceptance on time
    if (unitView) {
      if (c.dispatchedMs !== undefined) {
        const limit = c.dispatchedMs + ACK_WITHIN_HOURS * HOUR_MS;
        if (c.unitResponseMs !== undefined) {
          this.accCounted++;
          if (c.unitResponseMs <= limit) this.accOnTime++;
        } else if (nowMs > limit) this.accCounted++;
      }
    } else if (s !== 'withdrawn' || c.firstResponseMs !== undefined) {
      const limit = c.reportedMs + ACCEPT_WITHIN_HOURS * HOUR_MS;
      if (c.firstResponseMs !== undefined) {
        this.accCounted++;
        if (c.firstResponseMs <= limit) this.accOnTime++;
      } else if (s === 'reported' && nowMs > limit) this.accCounted++;
    }

    if (done) {
      this.completed++;
      const due = c.selfResolved ? undefined : resolveDueMs(c);
      const resolvedMs = c.resolvedMs ?? c.reportedMs;
      if (due === undefined || resolvedMs <= due) this.onTime++;
      else this.late++;
      this.resolveMsSum += resolvedMs - c.reportedMs;
    } else if (isOverdue(c, nowMs)) this.overdueOpen++;

    if (c.satisfaction !== undefined) {
      this.feedback++;
      if (c.satisfaction === 'satisfied') this.satisfied++;
      else if (c.satisfaction === 'basically_satisfied') this.basically++;
      else this.dissatisfied++;
    }
    if (c.revisit) {
      this.revisits++;
      if (c.revisit.status === 'pending') this.revisitPending++;
      this.reopened += c.revisit.reopened;
      this.called += c.revisit.called;
    }
    this.channels[c.reportChannel ?? reportChannel(c)]++;
  }

  finish(): Figures {
    const rate = (n: number, d: number) => (d > 0 ? n / d : null);
    const base = this.cases - this.withdrawn - this.merged - this.rejected;
    return {
      cases: this.cases,
      open: this.open,
      rejected: this.rejected,
      withdrawn: this.withdrawn,
      merged: this.merged,
      acceptanceCounted: this.accCounted,
      acceptedOnTime: this.accOnTime,
      acceptanceOnTimeRate: rate(this.accOnTime, this.accCounted),
      completed: this.completed,
      completionRate: rate(this.completed, base),
      completedOnTime: this.onTime,
      onTimeCompletionRate: rate(this.onTime, this.completed),
      feedback: this.feedback,
      satisfied: this.satisfied,
      basicallySatisfied: this.basically,
      dissatisfied: this.dissatisfied,
      satisfactionRate: rate(this.satisfied + this.basically, this.feedback),
      avgResolveHours: this.completed > 0 ? this.resolveMsSum / this.completed / HOUR_MS : null,
      overdue: this.overdueOpen + this.late,
      overdueOpen: this.overdueOpen,
      completedLate: this.late,
      revisits: this.revisits,
      revisitPending: this.revisitPending,
      revisitsReopened: this.reopened,
      revisitsCalled: this.called,
      channels: { ...this.channels },
      assists: this.assists,
      assistsConfirmed: this.assistsConfirmed,
      assistsOnTime: this.assistsOnTime,
      assistsReleased: this.assistsReleased,
      assistsOpen: this.assistsOpen,
    };
  }
}

/** Open, as the figures count it: not completed (verified, closed) and not ended otherwise (rejected, withdrawn, merged). */
export function countsAsOpen(s: CaseState['status']): boolean {
  return s !== 'verified' && s !== 'closed' && s !== 'rejected' && s !== 'withdrawn' && s !== 'merged';
}

const inPeriod = (c: AssessInput, p: Period) => c.reportedMs >= p.fromMs && c.reportedMs < p.toMs;

/** Issue 17: the helper entry of a unit on a case, if the dispatch in force names it. */
export function assistOf(c: Pick<AssessInput, 'helpers'>, unitId: string): AssistInput | undefined {
  return c.helpers?.find((h) => h.unitId === unitId);
}

/** Whether a case falls in an assessment scope (county, town, grid or its final unit). */
export function inAssessScope(c: Pick<AssessInput, 'townId' | 'gridId' | 'unitId'>, scope: AssessScope): boolean {
  switch (scope.kind) {
    case 'county':
      return true;
    case 'town':
      return c.townId === scope.townId;
    case 'grid':
      return c.gridId === scope.gridId;
    case 'unit':
      return c.unitId === scope.unitId;
  }
}

/** The figures of one scope for a period. */
export function assess(cases: Iterable<AssessInput>, scope: AssessScope, period: Period, nowMs: number): Figures {
  const acc = new Acc();
  for (const c of cases) {
    if (!inPeriod(c, period)) continue;
    if (inAssessScope(c, scope)) acc.add(c, nowMs, scope.kind === 'unit');
    const h = scope.kind === 'unit' ? assistOf(c, scope.unitId) : undefined;
    if (h) acc.addAssist(c, h);
  }
  return acc.finish();
}

export interface AssessmentReport {
  period: Period;
  nowMs: number;
  county: Figures;
  /** Keyed by id; only scopes with at least one case in the period. Keys in ascending order. */
  towns: Record<string, Figures>;
  units: Record<string, Figures>;
  grids: Record<string, Figures>;
}

/**
 * Every scope in one pass (the county's 20,000 cases: see bench/assessment.ts). Each case also credits its helping
 * units; `assisted` are cases that only do that (a unit scope's helper cases: scopeStats).
 */
export function assessAll(cases: Iterable<AssessInput>, period: Period, nowMs: number, assisted: Iterable<AssessInput> = []): AssessmentReport {
  const county = new Acc();
  const towns = new Map<string, Acc>();
  const units = new Map<string, Acc>();
  const grids = new Map<string, Acc>();
  const get = (m: Map<string, Acc>, k: string) => {
    let a = m.get(k);
    if (!a) m.set(k, (a = new Acc()));
    return a;
  };
  for (const c of cases) {
    if (!inPeriod(c, period)) continue;
    county.add(c, nowMs, false);
    get(towns, c.townId).add(c, nowMs, false);
    get(grids, c.gridId).add(c, nowMs, false);
    if (c.unitId !== undefined) get(units, c.unitId).add(c, nowMs, true);
    for (const h of c.helpers ?? []) get(units, h.unitId).addAssist(c, h);
  }
  for (const c of assisted) if (inPeriod(c, period)) for (const h of c.helpers ?? []) get(units, h.unitId).addAssist(c, h);
  const done = (m: Map<string, Acc>) => Object.fromEntries([...m.keys()].sort().map((k) => [k, m.get(k)!.finish()]));
  return { period, nowMs, county: county.finish(), towns: done(towns), units: done(units), grids: done(grids) };
}

// ------------------------------------------------------------------ who sees which scope, and what it shows

/** What the assessment of one scope shows (the screen and `/api/stats` alike). */
export interface ScopeStats {
  figures: Figures;
  /** Every town, unit and grid with cases of the scope in the period (the ranking tables). */
  report: AssessmentReport;
  /** The county scope only, when the counts are known. */
  table1?: Table1Row[];
}

/**
 * The assessment of `scope` over the cases a replica holds: only the scope's cases count (a unit's: those it holds
 * or held last), the period decides by report time, and the county scope adds Table 1 from `counts`.
 * A device and the relay give the same answer for the same cases.
 */
export function scopeStats(cases: Iterable<AssessInput>, scope: AssessScope, period: Period, nowMs: number, counts: Table1Counts | null): ScopeStats {
  const inScope: AssessInput[] = [];
  const assisted: AssessInput[] = [];
  for (const c of cases) {
    if (inAssessScope(c, scope)) inScope.push(c);
    else if (scope.kind === 'unit' && assistOf(c, scope.unitId)) assisted.push(c);
  }
  const report = assessAll(inScope, period, nowMs, assisted);
  const figures =
    (scope.kind === 'county' ? report.county : scope.kind === 'town' ? report.towns[scope.townId] : scope.kind === 'unit' ? report.units[scope.unitId] : report.grids[scope.gridId]) ??
    assess([], scope, period, nowMs);
  const out: ScopeStats = { figures, report };
  if (scope.kind === 'county' && counts) out.table1 = table1(counts, report.county);
  return out;
}

// ------------------------------------------------------------------ Table 1

export const TABLE1_KEYS = ['registeredUnits', 'systemUsers', 'appUsers', 'grids', 'casesReported', 'avgResolutionHours', 'completionRate'] as const;
export type Table1Key = (typeof TABLE1_KEYS)[number];

export interface Table1Row {
  key: Table1Key;
  /** 数据类别, as in the seed. */
  label: string;
  labelEn: string;
  /** 单位, as in the seed. */
  unit: string;
  value: number | null;
  /** The seed's figure for Panshan County, 2023 (cases: "2万余", taken as 20,000; completion as a fraction). */
  seed: number;
}

/** Table 1 of the seed (表1 盘山县"党建引领 智慧治理"平台数据表, 2023). */
export const SEED_TABLE1: ReadonlyArray<Omit<Table1Row, 'value'>> = [
  { key: 'registeredUnits', label: '注册单位', labelEn: 'Registered units', unit: '家', seed: 327 },
  { key: 'systemUsers', label: '系统用户', labelEn: 'System users', unit: '人', seed: 2907 },
  { key: 'appUsers', label: '手机应用用户', labelEn: 'App users', unit: '人', seed: 10855 },
  { key: 'grids', label: '网格总数', labelEn: 'Grids', unit: '个', seed: 844 },
  { key: 'casesReported', label: '上报的案件数', labelEn: 'Cases reported', unit: '件', seed: 20000 },
  { key: 'avgResolutionHours', label: '问题解决的平均时间', labelEn: 'Average resolution time', unit: '小时', seed: 24 },
  { key: 'completionRate', label: '问题解决完成率', labelEn: 'Completion rate', unit: '百分比', seed: 0.99 },
];

export interface Table1Counts {
  /** Registered units (org units). */
  units: number;
  /** Accounts other than residents. */
  systemUsers: number;
  /** Resident (app) accounts. */
  appUsers: number;
  grids: number;
}

/** Counts of Table 1 from the org data (the directory's residents stand for the app users). */
export function orgCounts(org: Pick<OrgData, 'units' | 'users' | 'grids'>): Table1Counts {
  let residents = 0;
  for (const u of org.users) if (u.role === 'resident') residents++;
  return { units: org.units.length, systemUsers: org.users.length - residents, appUsers: residents, grids: org.grids.length };
}

/** Table 1 for the county: counts from org (or the relay's account store) and the county's figures for a period. */
export function table1(counts: Table1Counts, county: Figures): Table1Row[] {
  const value: Record<Table1Key, number | null> = {
    registeredUnits: counts.units,
    systemUsers: counts.systemUsers,
    appUsers: counts.appUsers,
    grids: counts.grids,
    casesReported: county.cases,
    avgResolutionHours: county.avgResolveHours,
    completionRate: county.completionRate,
  };
  return SEED_TABLE1.map((r) => ({ ...r, value: value[r.key] }));
}

/** What `stats` answers: the figures of the scope and, for the county, Table 1. */
export interface StatsResult {
  scope: AssessScope;
  period: Period;
  nowMs: number;
  figures: Figures;
  /** Every town, unit and grid with cases in the period (for ranking tables). */
  report: AssessmentReport;
  table1?: Table1Row[];
}
