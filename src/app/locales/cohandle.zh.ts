/**
 * Simplified Chinese messages of 主办 / 协办 (issue 17: src/features/workflow/Cohandle.tsx, the unit workspace's
 * 协办 list, the 考核's helper figures). cohandle.en.ts has the same keys (type-checked) and loads on demand.
 */
import { addMessages } from '../i18n.ts';

export const cohandleZh = {
  'co.helpers': '协办单位',
  'co.helpersHint': '可选，最多 {max} 个。协办单位记录并确认各自的工作后，主办单位才能办结。',
  'co.helpersChosen': '已选 {n} 个',
  'co.err.tooMany': '协办单位最多选 {max} 个。',
  'co.lead': '主办单位',
  'co.status.assisting': '协办中',
  'co.status.confirmed': '已确认',
  'co.status.released': '已释放',
  'co.parts': '{n} 条协办记录',
  'co.confirmedAt': '{time} 确认',
  'co.releasedAt': '{time} 由中心释放：{reason}',
  'co.waiting': '还有 {n} 个协办单位未确认，确认或由中心释放后才能办结。',
  'co.partNote': '本单位的协办情况',
  'co.err.partNote': '请填写本单位做了什么。',
  'co.partPhotos': '现场照片（可选）',
  'co.partPhotosHint': '拍下本单位协办的现场，最多 {max} 张。',
  'co.confirmNote': '确认说明（可选）',
  'co.confirmHint': '确认后本单位的协办即告完成，不能再补充记录。',
  'co.releaseUnit': '释放哪个协办单位',
  'co.releaseReason': '释放原因',
  'co.err.releaseReason': '请填写释放原因。',
  'co.task': '本单位协办：主办单位为{lead}',
  'work.assist': '协办任务',
  'work.assistHint': '其他单位主办、本单位协办的案件：记录本单位的工作并确认。',
  'work.assistEmpty': '暂无待办的协办任务。',
  'work.assistHandle': '协办',
  'assess.assists': '协办',
  'assess.assistsConfirmed': '协办已确认',
  'assess.assistsOnTime': '按期确认',
  'assess.assistsReleased': '被释放',
  'assess.assistsOpen': '协办未完成',
  'assess.assistsTitle': '协办情况',
  'assess.assistsHint': '本单位作为协办单位参与的案件：按派遣时限确认的计为按期。',
} as const;

export type CohandleMessages = Record<keyof typeof cohandleZh, string>;

addMessages(cohandleZh, () => import('./cohandle.en.ts').then((m) => m.cohandleEn));
