/**
 * Simplified Chinese messages of the case detail and the case panels of the work queues. A module that uses
 * these keys imports this file, so the pack lands in that module's lazy chunk and is registered (addMessages)
 * before its screen renders; detail.en.ts, with the same keys (type-checked), loads on demand when the language
 * is English.
 */
import { addMessages } from '../i18n.ts';

export const detailZh = {
  'detail.title': '案件详情',
  'detail.loading': '正在载入案件…',
  'detail.notFound': '找不到此案件（可能尚未同步到本设备）。',
  'detail.category': '类别',
  'detail.description': '描述',
  'detail.location': '位置',
  'detail.grid': '网格',
  'detail.unit': '处置单位',
  'detail.reporter': '上报人',
  'detail.onBehalf': '代报',
  'detail.onBehalfText': '替 {name} 上报（{via}）',
  'detail.contact': '联系人（Open311）',
  'detail.reported': '上报时间',
  'detail.due': '处置时限',
  'detail.dueAt': '{hours} 小时（至 {time}）',
  'detail.rejectReason': '不予受理原因',
  'detail.resolution': '处置情况',
  'detail.timeline': '办理过程',
  'detail.superseded': '未生效',
  'detail.supersededReason': '未生效：{reason}',
  'detail.actions': '可办理的操作',
  'detail.mediate': '开始调解',
  'detail.noActions': '您现在没有可办理的操作。',
  'detail.note': '备注（选填）',
  'detail.reason': '不予受理原因',
  'detail.resolveNote': '处置情况',
  'detail.plan': '预案',
  'detail.noPlan': '不使用预案',
  'detail.planOption': '{name}（{priority}，{hours} 小时）',
  'detail.unitSelect': '处置单位',
  'detail.suggested': '预案建议单位',
  'detail.otherUnits': '其他单位',
  'detail.dueHours': '处置时限（小时）',
  'detail.busy': '正在保存…',
  'detail.done': '已保存。',
  'detail.failed': '操作失败：{error}',
  'detail.err.reason': '请填写不予受理原因。',
  'detail.err.note': '请填写处置情况。',
  'detail.err.unit': '请选择处置单位。',
  'detail.err.dueHours': '处置时限应为 1 到 2160 之间的整数。',
  'detail.coords': '纬度 {lat}，经度 {lng}',
} as const;

export type DetailMessages = Record<keyof typeof detailZh, string>;

addMessages(detailZh, () => import('./detail.en.ts').then((m) => m.detailEn));
