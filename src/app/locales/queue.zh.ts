/**
 * Simplified Chinese messages of the work queues: dispatch board, unit workspace, worker tasks, keyboard
 * shortcuts. A module that uses these keys imports this file, so the pack lands in that module's lazy chunk and
 * is registered (addMessages) before its screen renders; queue.en.ts, with the same keys (type-checked), loads
 * on demand when the language is English.
 */
import { addMessages } from '../i18n.ts';

export const queueZh = {
  'board.title': '调度台',
  'board.queues': '队列',
  'board.town': '镇街',
  'board.allTowns': '全部镇街',
  'board.casesUnit': ' 件',
  'board.close': '关闭',
  'board.done': '已{action}：{category}',
  'board.empty': '此队列没有案件。',
  'board.openCase': '打开案件详情',
  'board.handle.new': '审核',
  'board.handle.to_dispatch': '派遣',
  'board.handle.returned': '重新派遣',
  'board.handle.extension': '审批延期',
  'board.handle.overdue': '督办',
  'board.handle.awaiting_verification': '核查',
  'board.handle.revisit': '回访处理',
  'board.handle.awaiting_assist': '催办或释放',

  'queue.new': '新上报',
  'queue.to_dispatch': '待派遣',
  'queue.returned': '退回',
  'queue.extension': '延期申请',
  'queue.overdue': '超时',
  'queue.awaiting_verification': '待核查',
  'queue.revisit': '二次回访',
  'queue.awaiting_assist': '等待协办',
  'queue.awaitingHelpers': '等待协办：{units}',
  'queue.flag.dissatisfied': '不满意',
  'queue.flag.round': '第 {n} 次',
  'queue.flag.unreached': '{n} 次未联系上',
  'queue.ratedAt': '评价于 {time}',
  'queue.feedbackNote': '群众意见：{note}',
  'queue.onBehalf': '代 {name} 上报',
  'queue.count': '{queue}：共 {n} 件',
  'queue.reportedAt': '上报于 {time}',
  'queue.returnedBy': '{unit} 退回',
  'queue.flag.extension': '申请延期',
  'queue.flag.returned': '已退回',
  'queue.flag.supervised': '督办 {n} 次',
  'queue.flag.superseded': '{n} 项操作未生效',

  'keys.title': '键盘快捷键',
  'keys.name.enter': '回车',
  'keys.name.esc': 'Esc',
  'keys.j': '下一个案件',
  'keys.k': '上一个案件',
  'keys.enter': '打开案件详情',
  'keys.d': '在处理面板中办理',
  'keys.esc': '关闭处理面板',
  'keys.accept': '受理（新上报队列）',
  'keys.queues': '切换队列',
  'keys.help': '显示或隐藏快捷键',
  'keys.acknowledge': '签收',
  'keys.start': '开始处置',
  'keys.verify': '核查通过',

  'search.label': '搜索案件',
  'search.hint': '描述、地址、编号或上报人姓名',
  'search.clear': '清除',
  'search.count': '找到 {n} 件',
  'search.empty': '没有找到包含“{q}”的案件。',
  'search.loading': '正在搜索…',

  'work.title': '我的工作',
  'work.list': '待办案件',
  'work.summary': '待办 {n} 件，其中已超时 {overdue} 件。按处置时限排序。',
  'work.empty': '目前没有待办案件。',
  'work.handle': '办理',

  'tasks.title': '我的任务',
  'tasks.tabs': '任务',
  'tasks.tab.verify': '待核查',
  'tasks.tab.reports': '我的上报',
  'tasks.report': '上报新案件',
  // issue 17: #/patrol (start a patrol, or continue the open one)
  'tasks.patrol': '开始巡查',
  'tasks.patrolResume': '继续巡查',
  'tasks.handleVerify': '核查',
  'tasks.handleReport': '查看',
  'tasks.emptyVerify': '目前没有待核查的案件。',
  'tasks.emptyReports': '您还没有上报过案件。',
  'tasks.tab.residents': '居民上报',
  'tasks.handleResident': '查看',
  'tasks.emptyResidents': '本网格目前没有居民自己上报的案件。',
  'tasks.residentsHint': '本网格居民用手机应用或其他渠道自己上报的案件，最新的在前。可以去现场看看，帮助核实情况。',
} as const;

export type QueueMessages = Record<keyof typeof queueZh, string>;

addMessages(queueZh, () => import('./queue.en.ts').then((m) => m.queueEn));
