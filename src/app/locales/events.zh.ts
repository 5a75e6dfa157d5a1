/**
 * Simplified Chinese names of case events and of the actions that make them (timelines, action buttons, queues):
 * only lazy screens show them, so they are not in the first bundle. events.en.ts has the same keys (type-checked)
 * and loads on demand in English.
 */
import { addMessages } from '../i18n.ts';
import type { EventType } from '../../domain/events.ts';

export const eventsZh = {
  'event.reported': '上报',
  'event.accepted': '受理',
  'event.rejected': '不予受理',
  'event.dispatched': '派遣',
  'event.resolved': '处置完成',
  'event.verified': '核实',
  'event.closed': '结案',
  'event.acknowledged': '签收',
  'event.returned': '退回',
  'event.started': '开始处置',
  'event.verification_failed': '核查不通过',
  'event.feedback': '回访',
  'event.self_resolved': '就地解决',
  'event.extension_requested': '申请延期',
  'event.extension_decided': '延期审批',
  'event.supervised': '督办',
  'event.withdrawn': '撤销',
  'event.reopened': '重新打开',
  'event.merged': '合并',
  'event.checklist': '预案步骤',
  'event.revisit_called': '二次回访',
  'event.assist_recorded': '协办记录',
  'event.assist_confirmed': '协办确认',
  'event.assist_released': '释放协办',
  'action.reported': '上报',
  'action.accepted': '受理',
  'action.rejected': '不予受理',
  'action.dispatched': '派遣',
  'action.resolved': '处置完成',
  'action.verified': '核实通过',
  'action.closed': '结案',
  'action.acknowledged': '签收',
  'action.returned': '退回',
  'action.started': '开始处置',
  'action.verification_failed': '核查不通过',
  'action.feedback': '登记回访',
  'action.self_resolved': '就地解决',
  'action.extension_requested': '申请延期',
  'action.extension_decided': '审批延期',
  'action.supervised': '督办',
  'action.withdrawn': '撤销',
  'action.reopened': '重新打开',
  'action.merged': '合并到…',
  'action.checklist': '勾选步骤',
  'action.revisit_called': '登记电话回访',
  'action.assist_recorded': '记录协办情况',
  'action.assist_confirmed': '确认协办完成',
  'action.assist_released': '释放协办单位',
} as const;

export type EventsMessages = Record<keyof typeof eventsZh, string>;

// Every event type has a name and an action name (compile-time check).
const _covered: Record<`event.${EventType}` | `action.${EventType}`, string> = eventsZh;
void _covered;

addMessages(eventsZh, () => import('./events.en.ts').then((m) => m.eventsEn));
