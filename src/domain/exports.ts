/**
 * Exports (issue 15): the 考核 tables and the case list as rows of cells, the one copy of what a spreadsheet, a CSV
 * file, a GeoJSON file and the printable monthly report show. The relay writes them (server/exports.ts) from the
 * same `scopeStats` result `/api/stats` answers; the device's monthly report (src/features/assessment/Report.tsx)
 * lays out the same tables from the same result computed on the device.
 *
 * Contracts:
 *  - Formula injection (OWASP "CSV Injection"): a text cell whose first character is = + - @, a tab or a carriage
 *    return is written with a leading apostrophe (`escapeFormula`), in CSV and in .xlsx (where it is also stored as
 *    text, never as a formula). Numbers stay numbers.
 *  - Rates are fractions in [0, 1] and hours are decimal hours, exactly as `/api/stats` gives them; a figure that is
 *    not defined (null: nothing counted) is an empty cell.
 *  - Times are China Standard Time, 'YYYY-MM-DD HH:mm' (`cstMinute`), on every server and device.
 *  - A case row has no personal data of the reporter or residents (no names, phones, description, contact).
 * Pure: no I/O, no clock.
 */
import type { AssessScope, Figures, Period, Table1Row } from './assessment.ts';
import { inAssessScope } from './assessment.ts';
import { REPORT_CHANNELS, type ReportChannel } from './channels.ts';
import { CST_OFFSET_MS } from './cst.ts';
import { resolveDueMs } from './deadlines.ts';
import type { Satisfaction } from './events.ts';
import type { OrgData } from './org.ts';
import type { CaseState, Status } from './workflow.ts';

export type Cell = string | number | null;

/** The most rows one export carries (a larger one is refused: 413 `too_large`, narrow the filter). */
export const MAX_EXPORT_ROWS = 100_000;

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell as it is written: with a leading apostrophe when a spreadsheet could read it as a formula. */
export function escapeFormula(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/** A text cell read back (an imported sheet, issue 15): the apostrophe `escapeFormula` added removed again. */
export function unescapeFormula(s: string): string {
  return s.startsWith("'") && FORMULA_START.test(s.slice(1)) ? s.slice(1) : s;
}

/** One cell of a CSV line: numbers as they are, text escaped (`escapeFormula`) and quoted when it must be. */
export function csvField(c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'number') return Number.isFinite(c) ? String(c) : '';
  const s = escapeFormula(c);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A CSV file: UTF-8 byte order mark (Excel then reads Chinese right), a header line, CRLF line ends (RFC 4180). */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const lines = [header.map(csvField).join(',')];
  for (const r of rows) lines.push(r.map(csvField).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** An instant as its China Standard Time 'YYYY-MM-DD HH:mm'. */
export function cstMinute(ms: number): string {
  return new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

// ------------------------------------------------------------------ tables

/** How a column's numbers read: a count, a rate (fraction: a spreadsheet shows it as %), hours, or text. */
export type ColumnKind = 'text' | 'count' | 'rate' | 'hours' | 'time';

export interface Column {
  /** The header (Chinese: the sheets are read by the county's staff). */
  label: string;
  labelEn: string;
  kind: ColumnKind;
  /** Shown in the printed monthly report too (which cannot fit every column on an A4 page). */
  brief?: boolean;
  /** Issue 17: a 协办 column of the units table (the printed report shows these in a section of their own). */
  assist?: boolean;
}

export interface ExportTable {
  /** `figures`, `towns`, `units`, `grids` or `table1` (the `table` parameter of stats.csv). */
  key: StatsTableKey;
  title: string;
  titleEn: string;
  columns: Column[];
  rows: Cell[][];
}

export const STATS_TABLES = ['figures', 'towns', 'units', 'grids', 'table1'] as const;
export type StatsTableKey = (typeof STATS_TABLES)[number];

/** The channels' names (the same words as src/app/locales/stats.*.ts `channel.*`; a unit test holds them equal). */
export const CHANNEL_LABELS: Record<ReportChannel, { zh: string; en: string }> = {
  staff: { zh: '工作人员上报', en: 'Staff' },
  resident_app: { zh: '居民手机应用', en: 'Resident app' },
  open311: { zh: '开放接口（第三方平台）', en: 'Open311' },
  proxy_phone: { zh: '代报 · 电话', en: 'For a resident · phone' },
  proxy_visit: { zh: '代报 · 上门', en: 'For a resident · home visit' },
  proxy_in_person: { zh: '代报 · 当面', en: 'For a resident · in person' },
  api: { zh: '其他接口', en: 'Other API' },
};

type FigureKey = Exclude<keyof Figures, 'channels' | AssistKey>;

/** Every figure of a scope, in the order of the sheets; `brief` ones are the 考核 screen's ranking columns. */
export const FIGURE_COLUMNS: ReadonlyArray<Column & { key: FigureKey }> = [
  { key: 'cases', label: '案件数', labelEn: 'Cases', kind: 'count', brief: true },
  { key: 'open', label: '办理中', labelEn: 'Open', kind: 'count' },
  { key: 'rejected', label: '不予受理', labelEn: 'Rejected', kind: 'count' },
  { key: 'withdrawn', label: '已撤销', labelEn: 'Withdrawn', kind: 'count' },
  { key: 'merged', label: '已合并', labelEn: 'Merged', kind: 'count' },
  { key: 'acceptanceCounted', label: '应受理数', labelEn: 'Acceptance counted', kind: 'count' },
  { key: 'acceptedOnTime', label: '按时受理数', labelEn: 'Accepted on time', kind: 'count' },
  { key: 'acceptanceOnTimeRate', label: '按时受理率', labelEn: 'Acceptance on time', kind: 'rate', brief: true },
  { key: 'completed', label: '办结数', labelEn: 'Completed', kind: 'count' },
  { key: 'completionRate', label: '办结率', labelEn: 'Completion rate', kind: 'rate', brief: true },
  { key: 'completedOnTime', label: '按时办结数', labelEn: 'Completed on time', kind: 'count' },
  { key: 'onTimeCompletionRate', label: '按时办结率', labelEn: 'On-time completion', kind: 'rate', brief: true },
  { key: 'feedback', label: '评价数', labelEn: 'Feedback', kind: 'count' },
  { key: 'satisfied', label: '满意', labelEn: 'Satisfied', kind: 'count' },
  { key: 'basicallySatisfied', label: '基本满意', labelEn: 'Basically satisfied', kind: 'count' },
  { key: 'dissatisfied', label: '不满意', labelEn: 'Dissatisfied', kind: 'count' },
  { key: 'satisfactionRate', label: '满意率', labelEn: 'Satisfaction rate', kind: 'rate', brief: true },
  { key: 'avgResolveHours', label: '平均办理时长（小时）', labelEn: 'Average hours to resolve', kind: 'hours', brief: true },
  { key: 'overdue', label: '超期数', labelEn: 'Overdue', kind: 'count', brief: true },
  { key: 'overdueOpen', label: '在办超期', labelEn: 'Open past due', kind: 'count' },
  { key: 'completedLate', label: '超期办结', labelEn: 'Completed late', kind: 'count' },
  { key: 'revisits', label: '二次回访', labelEn: 'Revisits', kind: 'count' },
  { key: 'revisitPending', label: '待回访', labelEn: 'Revisits pending', kind: 'count' },
  { key: 'revisitsReopened', label: '回访重办', labelEn: 'Revisits reopened', kind: 'count' },
  { key: 'revisitsCalled', label: '回访致电', labelEn: 'Revisits called', kind: 'count' },
];

/**
 * 协办 (issue 17): a unit's part on cases other units led, the figures the 考核 screen's AssistsCard shows
 * (src/domain/assessment.ts `assists*`; the same words as src/app/locales/cohandle.*.ts `assess.*`, a unit test
 * holds them equal). Only the units table has them: towns, grids and the county count no assists.
 */
export const ASSIST_COLUMNS: ReadonlyArray<Column & { key: AssistKey }> = [
  { key: 'assists', label: '协办', labelEn: 'Helping', kind: 'count', assist: true },
  { key: 'assistsConfirmed', label: '协办已确认', labelEn: 'Helping confirmed', kind: 'count', assist: true },
  { key: 'assistsOnTime', label: '按期确认', labelEn: 'Confirmed on time', kind: 'count', assist: true },
  { key: 'assistsReleased', label: '被释放', labelEn: 'Released', kind: 'count', assist: true },
  { key: 'assistsOpen', label: '协办未完成', labelEn: 'Helping open', kind: 'count', assist: true },
];
export type AssistKey = 'assists' | 'assistsConfirmed' | 'assistsOnTime' | 'assistsReleased' | 'assistsOpen';

const CHANNEL_COLUMNS: ReadonlyArray<Column & { channel: ReportChannel }> = REPORT_CHANNELS.map((c) => ({
  channel: c,
  label: `渠道：${CHANNEL_LABELS[c].zh}`,
  labelEn: `Channel: ${CHANNEL_LABELS[c].en}`,
  kind: 'count' as const,
}));

const ID_COLUMNS: Column[] = [
  { label: '编号', labelEn: 'ID', kind: 'text' },
  { label: '名称', labelEn: 'Name', kind: 'text', brief: true },
];

function figureCells(f: Figures): Cell[] {
  // Figures from before the channels (issue 13) have none: empty cells then.
  const channels = f.channels as Figures['channels'] | undefined;
  return [...FIGURE_COLUMNS.map((c) => f[c.key]), ...CHANNEL_COLUMNS.map((c) => channels?.[c.channel] ?? null)];
}
/** A unit's 协办 cells (figures from a relay older than issue 17 have none: empty cells then). */
function assistCells(f: Figures): Cell[] {
  return ASSIST_COLUMNS.map((c) => (f[c.key] as number | undefined) ?? null);
}

/** What `/api/stats` answers (and the device's StatsResult, flattened the same way). */
export interface StatsAnswer {
  scope: { kind: AssessScope['kind']; id: string };
  figures: Figures;
  towns?: Record<string, Figures>;
  units: Record<string, Figures>;
  grids: Record<string, Figures>;
  table1?: Table1Row[];
}

/** Names of the scope, towns, units and grids (the relay's: Chinese; the device's: its locale's). */
export interface StatsNames {
  scope: string;
  town(id: string): string;
  unit(id: string): string;
  grid(id: string): string;
}

/**
 * The 考核 tables of a stats answer: the scope's figures (one row), the towns (county scope only), units and grids
 * with cases (ids ascending, as the answer keys them), and Table 1 when the answer has it.
 */
export function statsTables(s: StatsAnswer, names: StatsNames): ExportTable[] {
  const columns = [...ID_COLUMNS, ...FIGURE_COLUMNS.map(({ key: _k, ...c }) => c), ...CHANNEL_COLUMNS.map(({ channel: _c, ...c }) => c)];
  const rowsOf = (m: Record<string, Figures>, name: (id: string) => string): Cell[][] => Object.entries(m).map(([id, f]) => [id, name(id), ...figureCells(f)]);
  // Issue 17: the units table also credits each unit's 协办 (its last columns).
  const unitColumns = [...columns, ...ASSIST_COLUMNS.map(({ key: _k, ...c }) => c)];
  const unitRows = Object.entries(s.units).map(([id, f]) => [id, names.unit(id), ...figureCells(f), ...assistCells(f)]);
  const out: ExportTable[] = [{ key: 'figures', title: '总体指标', titleEn: 'Figures', columns, rows: [[s.scope.id, names.scope, ...figureCells(s.figures)]] }];
  if (s.towns) out.push({ key: 'towns', title: '各乡镇', titleEn: 'Towns', columns, rows: rowsOf(s.towns, names.town) });
  out.push({ key: 'units', title: '各单位', titleEn: 'Units', columns: unitColumns, rows: unitRows });
  out.push({ key: 'grids', title: '各网格', titleEn: 'Grids', columns, rows: rowsOf(s.grids, names.grid) });
  if (s.table1) {
    out.push({
      key: 'table1',
      title: '表1 平台数据',
      titleEn: 'Table 1',
      columns: [
        { label: '数据类别', labelEn: 'Category', kind: 'text', brief: true },
        { label: '单位', labelEn: 'Unit', kind: 'text', brief: true },
        { label: '本期数值', labelEn: 'This period', kind: 'count', brief: true },
        { label: '盘山县2023年', labelEn: 'Panshan 2023', kind: 'count', brief: true },
      ],
      rows: s.table1.map((r) => [r.label, r.unit, r.value, r.seed]),
    });
  }
  return out;
}

// ------------------------------------------------------------------ cases

/** The statuses' Chinese names (the same words as src/app/locales/zh.ts `status.*`; a unit test holds them equal). */
export const STATUS_LABELS: Record<Status, string> = {
  reported: '已上报',
  accepted: '已受理',
  rejected: '不予受理',
  dispatched: '已派遣',
  resolved: '已处置',
  verified: '已核实',
  closed: '已结案',
  acknowledged: '已签收',
  in_progress: '处置中',
  returned: '已退回',
  verification_failed: '核查不通过',
  withdrawn: '已撤销',
  merged: '已合并',
};

/** The ratings' Chinese names (src/app/locales/wf.zh.ts `satisfaction.*`). */
export const SATISFACTION_LABELS: Record<Satisfaction, string> = { satisfied: '满意', basically_satisfied: '基本满意', dissatisfied: '不满意' };

export const CASE_COLUMNS: readonly Column[] = [
  { label: '案件编号', labelEn: 'Case', kind: 'text' },
  { label: '上报时间', labelEn: 'Reported at', kind: 'time' },
  { label: '类别', labelEn: 'Category', kind: 'text' },
  { label: '乡镇', labelEn: 'Town', kind: 'text' },
  { label: '村（社区）', labelEn: 'Village', kind: 'text' },
  { label: '网格', labelEn: 'Grid', kind: 'text' },
  { label: '地址', labelEn: 'Address', kind: 'text' },
  { label: '状态', labelEn: 'Status', kind: 'text' },
  { label: '承办单位', labelEn: 'Unit', kind: 'text' },
  { label: '办理时限', labelEn: 'Due', kind: 'time' },
  { label: '结案时间', labelEn: 'Closed at', kind: 'time' },
  { label: '满意度', labelEn: 'Satisfaction', kind: 'text' },
];

/** The properties of a case's GeoJSON feature, in CASE_COLUMNS' order. */
export const CASE_PROPERTIES = ['id', 'reportedAt', 'category', 'town', 'village', 'grid', 'address', 'status', 'unit', 'due', 'closedAt', 'satisfaction'] as const;

/** The case list's filters that the relay applies (src/features/cases/CaseList.tsx), and the period by report time. */
export interface CaseExportFilter {
  scope: AssessScope;
  period: Period;
  gridId?: string;
  /** Any of these statuses. */
  statuses?: readonly Status[];
  /** A major (2-digit) or subcategory (4-digit) code: a major takes its subcategories. */
  category?: string;
}

/**
 * The cases of an export, newest report first: in the scope (the 考核's rule, `inAssessScope`: a unit's are those it
 * holds or held last) and the period (by report time, [from, to)), then the case list's filters. With no filter
 * beyond scope and period, exactly the cases `/api/stats`'s `figures.cases` counts.
 */
export function casesForExport<C extends Pick<CaseState, 'id' | 'townId' | 'gridId' | 'unitId' | 'reportedMs' | 'status' | 'category'>>(
  cases: Iterable<C>,
  f: CaseExportFilter,
): C[] {
  const out: C[] = [];
  for (const c of cases) {
    if (c.reportedMs < f.period.fromMs || c.reportedMs >= f.period.toMs || !inAssessScope(c, f.scope)) continue;
    if (f.gridId !== undefined && c.gridId !== f.gridId) continue;
    if (f.statuses && !f.statuses.includes(c.status)) continue;
    if (f.category !== undefined && !c.category.startsWith(f.category)) continue;
    out.push(c);
  }
  return out.sort((a, b) => b.reportedMs - a.reportedMs || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** Names from the org data (the relay has no locale: Chinese). */
export function orgNames(org: OrgData) {
  const towns = new Map(org.towns.map((x) => [x.id, x.name]));
  const villages = new Map(org.villages.map((x) => [x.id, x.name]));
  const grids = new Map(org.grids.map((x) => [x.id, x]));
  const units = new Map(org.units.map((x) => [x.id, x.name]));
  const majors = new Map(org.categories.map((x) => [x.code, x.name]));
  const subs = new Map(org.subcategories.map((x) => [x.code, x]));
  return {
    town: (id: string) => towns.get(id) ?? id,
    village: (id: string) => villages.get(id) ?? id,
    /** "Village · grid", as the screens name a grid. */
    grid: (id: string) => {
      const g = grids.get(id);
      if (!g) return id;
      const v = villages.get(g.villageId);
      return v ? `${v} · ${g.name}` : g.name;
    },
    gridVillage: (id: string) => grids.get(id)?.villageId,
    unit: (id: string) => units.get(id) ?? id,
    /** "Major / sub", or the major's name. */
    category: (code: string) => {
      const sub = subs.get(code);
      const major = majors.get(sub ? sub.major : code.slice(0, 2));
      if (!sub) return major ?? code;
      return major ? `${major} / ${sub.name}` : sub.name;
    },
  };
}

export type OrgNames = ReturnType<typeof orgNames>;

type ExportCase = Pick<
  CaseState,
  'id' | 'reportedMs' | 'category' | 'townId' | 'villageId' | 'gridId' | 'address' | 'status' | 'unitId' | 'dispatchedMs' | 'dueHours' | 'extensionHours' | 'selfResolved' | 'closedMs' | 'verifiedMs' | 'satisfaction'
>;

/**
 * One case as a row (CASE_COLUMNS). Due: the resolve deadline of the latest dispatch with its extensions (none before
 * a dispatch or when self-resolved). Closed at: when it reached a final state, else when it was verified.
 */
export function caseRow(c: ExportCase, names: OrgNames): Cell[] {
  const due = c.selfResolved ? undefined : resolveDueMs(c);
  const closed = c.closedMs ?? c.verifiedMs;
  const village = c.villageId ?? names.gridVillage(c.gridId);
  return [
    c.id,
    cstMinute(c.reportedMs),
    names.category(c.category),
    names.town(c.townId),
    village ? names.village(village) : null,
    names.grid(c.gridId),
    c.address ?? null,
    STATUS_LABELS[c.status] ?? c.status,
    c.unitId ? names.unit(c.unitId) : null,
    due === undefined ? null : cstMinute(due),
    closed === undefined ? null : cstMinute(closed),
    c.satisfaction ? SATISFACTION_LABELS[c.satisfaction] : null,
  ];
}

/**
 * The cases as a GeoJSON FeatureCollection of points ([lng, lat], RFC 7946) with CASE_PROPERTIES. Text properties
 * are escaped like the sheets' cells: a GeoJSON file is opened in spreadsheets too (QGIS's attribute table, CSV
 * exports of it).
 */
export function casesGeoJson(cases: ReadonlyArray<ExportCase & Pick<CaseState, 'location'>>, names: OrgNames) {
  return {
    type: 'FeatureCollection' as const,
    features: cases.map((c) => {
      const row = caseRow(c, names);
      const properties = Object.fromEntries(CASE_PROPERTIES.map((k, i) => [k, typeof row[i] === 'string' ? escapeFormula(row[i] as string) : (row[i] ?? null)]));
      return { type: 'Feature' as const, id: c.id, geometry: { type: 'Point' as const, coordinates: [c.location.lng, c.location.lat] }, properties };
    }),
  };
}
