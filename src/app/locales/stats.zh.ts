/**
 * Simplified Chinese messages of the assessment screen (features/assessment). A module that uses these keys
 * imports this file, so the pack lands in that module's lazy chunk and is registered (addMessages) before its
 * screen renders; stats.en.ts, with the same keys (type-checked), loads on demand when the language is English.
 */
import { addMessages } from '../i18n.ts';

export const statsZh = {
  'stats.title': '考核',
  'stats.choose': '考核范围和时段',
  'stats.kind': '考核对象',
  'stats.kind.county': '全县',
  'stats.kind.town': '镇街',
  'stats.kind.unit': '职能部门',
  'stats.kind.grid': '网格',
  'stats.target.town': '镇街',
  'stats.target.unit': '职能部门',
  'stats.target.grid': '网格',
  'stats.period': '时段',
  'stats.preset.this_month': '本月',
  'stats.preset.last_month': '上月',
  'stats.preset.last_30': '近 30 天',
  'stats.preset.this_quarter': '本季度',
  'stats.preset.this_year': '今年',
  'stats.preset.custom': '自定义',
  'stats.from': '开始日期',
  'stats.to': '结束日期（含）',
  'stats.err.period': '请选择开始和结束日期，结束日期不能早于开始日期。',
  'stats.busy': '正在计算…',
  'stats.basis': '{scope}，{from} 至 {to} 上报的 {n} 件案件（在本设备计算，用时 {ms} 毫秒）',
  'stats.figuresOf': '{scope}考核指标',
  'stats.f.acceptance': '受理及时率',
  'stats.f.onTime': '按时办结率',
  'stats.f.completion': '办结率',
  'stats.f.satisfaction': '满意率',
  'stats.f.avgHours': '平均处置时长',
  'stats.f.overdue': '超时件数',
  'stats.f.cases': '案件数',
  'stats.ofN': '{a} / {b}',
  'stats.hours': '{h} 小时',
  'stats.satisfactionDetail': '满意 {s}，基本满意 {b}，不满意 {d}',
  'stats.overdueDetail': '未结超时 {open}，超时办结 {late}',
  'stats.casesDetail': '未结 {open}，已办结 {done}',
  'stats.table1': '表1 平台数据表（全县）',
  'stats.t1.category': '数据类别',
  'stats.t1.unit': '单位',
  'stats.t1.value': '本期',
  'stats.t1.seed': '盘山县 2023 年',
  'stats.byTown': '各镇街',
  'stats.byUnit': '各职能部门',
  'stats.byGrid': '各网格',
  'stats.col.name': '名称',
  'stats.definitions': '口径：按上报时间统计；受理及时指上报后 2 小时内受理（职能部门：派遣后 2 小时内签收）；办结指已核实或已结案；按时办结指在处置时限（含批准的延期）内处置；满意率 =（满意 + 基本满意）/ 回访数；超时件数含未结超时和超时办结。',
} as const;

export type StatsMessages = Record<keyof typeof statsZh, string>;

addMessages(statsZh, () => import('./stats.en.ts').then((m) => m.statsEn));
