/**
 * Simplified Chinese messages of the inbox (features/inbox, issue 13): the #/inbox screen and the system
 * notifications' texts. Registered when the inbox's lazy chunk is evaluated; inbox.en.ts has the same keys.
 */
import { addMessages } from '../i18n.ts';

export const inboxZh = {
  'inbox.title': '消息',
  'inbox.unread': '{n} 条未读',
  'inbox.allRead': '没有未读消息',
  'inbox.markAll': '全部标为已读',
  'inbox.markRead': '标为已读',
  'inbox.new': '未读',
  'inbox.empty': '暂时没有消息',
  'inbox.emptyHint': '派给你的案件、快到期和超期的案件、督办、需要你核查的处置、你上报案件的进展等，都会出现在这里。',
  'inbox.loading': '正在整理消息…',
  'inbox.today': '今天',
  'inbox.yesterday': '昨天',
  'inbox.earlier': '更早',
  'inbox.due': '期限 {time}',
  'inbox.kind.dispatched': '新派给本单位，待签收',
  'inbox.kind.due_soon': '快到期了',
  'inbox.kind.overdue': '已超期',
  'inbox.kind.supervised': '收到督办',
  'inbox.kind.to_verify': '处置完毕，请到现场核查',
  'inbox.kind.resident_report': '群众上报的新问题',
  'inbox.kind.progress': '你上报的问题有进展',
  'inbox.kind.need_claimed': '群众需求已有人认领',
  'inbox.kind.extension_decided': '延期申请已有结果',
  'inbox.kind.revisit': '不满意，需要二次回访',
  'inbox.kind.task_sent': '下发给本网格的新任务',
  'inbox.kind.task_overdue': '下发任务已超期，尚未完成',
  'inbox.kind.assist': '请本单位协办：记录并确认本单位的工作',
  'inbox.kind.dispute_named': '请您参加一件纠纷的调解',
  'inbox.kind.followup_due': '调解协议到了回访日期，请回访',
  'inbox.kind.care_need': '关怀走访发现需求，请发布给党员认领',
  'inbox.careNeeds': '{n} 户待发布',
  'inbox.extension.approved': '延期申请已同意',
  'inbox.extension.refused': '延期申请未同意',
  'inbox.stage.accepted': '你上报的问题已受理',
  'inbox.stage.dispatched': '你上报的问题已派给处置单位',
  'inbox.stage.in_progress': '你上报的问题正在处理',
  'inbox.stage.resolved': '你上报的问题已解决',
  'inbox.stage.closed': '你上报的问题已办结，欢迎评价',
  'inbox.stage.rejected': '你上报的问题未受理',
  'inbox.stage.withdrawn': '你上报的问题已撤销',
  'inbox.stage.merged': '你上报的问题已与其他案件合并',
  'inbox.stage.received': '你上报的问题已收到',
  'inbox.more': '还有 {n} 条新消息',
  'inbox.moreBody': '打开网格通查看消息。',
  'inbox.notify.title': '系统通知',
  'inbox.notify.on': '有新消息时发系统通知',
  'inbox.notify.hint': '只在网格通打开或在后台运行时才能通知；关闭应用后不会收到通知，请定期打开查看。',
  'inbox.notify.denied': '浏览器已禁止本站的通知。请在浏览器的网站设置中允许通知后再打开此开关。',
  'inbox.notify.unsupported': '此浏览器不支持系统通知。',
} as const;

export type InboxMessages = Record<keyof typeof inboxZh, string>;

addMessages(inboxZh, () => import('./inbox.en.ts').then((m) => m.inboxEn));
