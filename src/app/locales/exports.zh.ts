/**
 * Simplified Chinese of the exports (issue 15): the 导出 buttons of the 考核 screen and the case list
 * (features/exports) and the printable monthly report (features/assessment/Report.tsx). exports.en.ts: same keys.
 */
import { addMessages } from '../i18n.ts';

export const exportsZh = {
  'export.label': '导出',
  'export.xlsx': '导出 Excel',
  'export.csv': '导出 CSV',
  'export.geojson': '导出 GeoJSON（地图）',
  'export.offline': '导出需要联网：连接到服务器后再试。',
  'export.busy': '正在导出…',
  'export.done': '已下载：{name}',
  'export.failed': '导出失败（{status}），请重试。',
  'export.network': '导出失败：网络中断，请重试。',
  'export.forbidden': '您无权导出这个范围。',
  'export.tooLarge': '案件太多（超过 {n} 件），请缩小筛选范围后再导出。',
  'export.chooseGrid': '请先选择一个网格，再导出。',
  'export.searchNote': '导出按上面的筛选条件（近两年的案件），不含搜索词。',
  'export.statsNote': '导出的数字由服务器按同一规则计算，与本页一致（以服务器已收到的数据为准）。',
  'mreport.link': '月度报表（打印）',
  'mreport.title': '{scope}考核月报',
  'mreport.month': '月份',
  'mreport.period': '统计时段：{from} 至 {to}（北京时间，按上报时间）',
  'mreport.generated': '生成时间：{time}，依据本设备已同步的数据',
  'mreport.print': '打印',
  'mreport.back': '返回考核',
  'mreport.figures': '总体指标',
  'mreport.metric': '指标',
  'mreport.value': '数值',
  'mreport.badMonth': '月份无效',
} as const;

export type ExportsMessages = Record<keyof typeof exportsZh, string>;

addMessages(exportsZh, () => import('./exports.en.ts').then((m) => m.exportsEn));
