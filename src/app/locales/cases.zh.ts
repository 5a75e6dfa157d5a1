/**
 * Simplified Chinese messages of case lists (CaseList, queue rows, the board's side panel): lazy screens only.
 * cases.en.ts has the same keys (type-checked) and loads on demand in English.
 */
import { addMessages } from '../i18n.ts';

export const casesZh = {
  'cases.title': '案件列表',
  'cases.filters': '筛选',
  'cases.status': '状态',
  'cases.grid': '网格',
  'cases.major': '大类',
  'cases.sub': '小类',
  'cases.all': '全部',
  'cases.allOfMajor': '该大类全部',
  'cases.count': '共 {n} 件',
  'cases.loading': '正在载入案件…',
  'cases.empty': '没有符合条件的案件。',
  'cases.pending': '未同步',
  'cases.pendingLabel': '此案件有尚未保存到服务器的更改',
  'cases.rowLoading': '载入中…',
  'cases.list': '案件',
  'cases.clear': '清除筛选',
} as const;

export type CasesMessages = Record<keyof typeof casesZh, string>;

addMessages(casesZh, () => import('./cases.en.ts').then((m) => m.casesEn));
