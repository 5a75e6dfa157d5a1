/**
 * Simplified Chinese messages of the command hall (指挥中心, features/hall, issue 15); hall.en.ts has the same keys.
 * Loaded with the hall's lazy chunk (see stats.zh.ts for how packs register).
 */
import { addMessages } from '../i18n.ts';

export const hallZh = {
  'hall.title': '指挥中心',
  'hall.titleOf': '{scope}指挥中心',
  'hall.scope': '范围',
  'hall.county': '全县',
  'hall.today': '今日（{day}）上报案件',
  'hall.new': '今日新增',
  'hall.open': '其中在办',
  'hall.overdue': '其中超期',
  'hall.closed': '其中办结',
  'hall.clock': '当前时间',
  'hall.updated': '数据更新于 {time}',
  'hall.live': '实时同步',
  'hall.connecting': '正在连接',
  'hall.offline': '离线 · 最后同步 {time}',
  'hall.offlineNever': '离线 · 本次尚未同步',
  'hall.fullscreen': '全屏',
  'hall.exitFullscreen': '退出全屏',
  'hall.loading': '正在读取本设备的数据…',
  'hall.perDay': '每日案件数（近 30 天）',
  'hall.perDayDesc': '{first} 至 {last} 每天上报的案件数。今天 {today} 件，最多的一天 {max} 件。',
  'hall.hours': '平均处置时长趋势（小时）',
  'hall.hoursDesc': '{first} 至 {last} 每天上报、已办结案件从上报到处置的平均小时数（与考核的平均处置时长同一口径）。最近一天：{last1}。',
  'hall.categories': '案件类别排行（近 30 天）',
  'hall.table1': '表1 平台数据（今年）',
  'hall.yearFigures': '今年考核指标',
  'hall.rankTowns': '镇街考核排行（近 30 天）',
  'hall.rankGrids': '网格考核排行（近 30 天）',
  'hall.rankUnits': '职能部门考核排行（近 30 天）',
  'hall.rankOrder': '依次按按时办结率、办结率、受理及时率、满意率排序',
  'hall.col.rank': '名次',
  'hall.col.onTime': '按时办结▼',
  'hall.col.completion': '办结率',
  'hall.col.satisfaction': '满意率',
  'hall.col.day': '日期',
  'hall.col.hours': '平均小时',
  'hall.col.category': '类别',
  'hall.map': '在办案件热力图',
  'hall.mapCount': '全部在办 {n} 件',
  'hall.mapDesc': '颜色越暖，在办案件越密集；没有定位的案件计在其网格中心。',
  'hall.mapNone': '本设备还没有网格边界，暂不能显示地图。',
  'hall.none': '暂无数据',
  'hall.dataTable': '数据表',
} as const;

export type HallMessages = Record<keyof typeof hallZh, string>;

addMessages(hallZh, () => import('./hall.en.ts').then((m) => m.hallEn));
