/**
 * Simplified Chinese messages of workflow actions, deadlines, duplicates and notices (features/workflow). A
 * module that uses these keys imports this file, so the pack lands in that module's lazy chunk and is
 * registered (addMessages) before its screen renders; wf.en.ts, with the same keys (type-checked), loads on
 * demand when the language is English.
 */
import { addMessages } from '../i18n.ts';

export const wfZh = {
  'wf.returnReason': '退回原因',
  'wf.err.returnReason': '请填写退回原因。',
  'wf.failReason': '核查不通过的原因',
  'wf.err.failReason': '请填写核查不通过的原因。',
  'wf.withdrawReason': '撤销原因',
  'wf.err.withdrawReason': '请填写撤销原因。',
  'wf.reopenReason': '重新打开的原因',
  'wf.err.reopenReason': '请填写重新打开的原因。',
  'wf.superviseNote': '督办意见',
  'wf.err.superviseNote': '请填写督办意见。',
  'wf.selfResolveNote': '解决情况',
  'wf.err.selfResolveNote': '请填写解决情况。',
  'wf.satisfaction': '群众满意度',
  'wf.err.satisfaction': '请选择满意度。',

  'satisfaction.satisfied': '满意',
  'satisfaction.basically_satisfied': '基本满意',
  'satisfaction.dissatisfied': '不满意',

  'wf.extHours': '延期时长（小时）',
  'wf.err.extHours': '延期时长应为 1 到 720 之间的整数。',
  'wf.extReason': '延期原因',
  'wf.err.extReason': '请填写延期原因。',
  'wf.extPending': '{name} 于 {time} 申请延期 {hours} 小时：{reason}',
  'wf.approve': '同意延期',
  'wf.refuse': '不同意延期',
  'wf.mergeInto': '合并到哪个案件',
  'wf.mergeNone': '附近没有可合并的同类案件。',
  'wf.mergeOther': '或输入案件编号',
  'wf.err.mergeInto': '请选择或输入要合并到的案件编号。',
  'wf.planPreview': '预案建议',
  'wf.planSuggests': '预案建议单位：{units}；时限 {hours} 小时（{priority}）',
  'wf.planSteps': '处置步骤：',
  'wf.checklist': '预案处置步骤',
  'wf.checklistProgress': '{plan}：已完成 {done}/{total} 步',
  'wf.stepDone': '已完成',
  'wf.stepOpen': '未完成',
  'wf.extRequested': '申请延期 {hours} 小时：{reason}',
  'wf.extApproved': '同意延期',
  'wf.extRefused': '不同意延期',
  'wf.mergedInto': '合并到案件 {id}',
  'wf.stepTicked': '完成第 {n} 步 {step}',
  'wf.stepUnticked': '取消第 {n} 步 {step}',
  'wf.superviseTown': '镇级督办',
  'wf.superviseCounty': '县级督办',
  'wf.lostTo': '（{who} 已于 {time} 先{event}）',
  'wf.yourSuperseded': '您于 {time} 的{action}操作未生效（{who}已先{event}）。',
  'wf.you': '您自己',
  'wf.yourSupersededReason': '您于 {time} 的{action}操作未生效：{reason}。',
  'wf.extension': '延期申请',
  'wf.ext.pending': '待审批',
  'wf.ext.approved': '已同意',
  'wf.ext.refused': '未同意',
  'wf.supervisions': '督办',
  'wf.supervisionCount': '已督办 {n} 次',
  'wf.returnedBy': '退回',
  'wf.returnedText': '{unit} 于 {time} 退回：{reason}',
  'wf.mergedIntoLabel': '已合并到',

  'dl.on_time': '按时',
  'dl.due_soon': '即将到期',
  'dl.overdue': '已超时',
  'dl.left': '剩余 {d}',
  'dl.over': '超时 {d}',
  'dl.metOnTime': '已按时处置',
  'dl.metLate': '处置超时 {d}',
  'dl.acceptLabel': '受理时限',
  'dl.acceptDue': '至 {time}',
  'dl.extended': '（含延期 {hours} 小时）',
  'dl.escalation': '督办层级',

  'escalation.none': '无',
  'escalation.unit': '职能部门',
  'escalation.town': '镇街指导中心',
  'escalation.county': '县指挥中心',

  'notice.title': '您有 {n} 项操作未生效',
  'notice.dismiss': '知道了',

  'dup.title': '可能重复的案件（{n} 件）',
  'dup.option': '{desc}（相距 {m} 米，{status}）',
  'dup.hint': '附近 250 米内、7 天内已有 {n} 件同类未结案件，请先查看是否为同一问题：',
  'dup.newWindow': '（在新窗口打开）',
} as const;

export type WfMessages = Record<keyof typeof wfZh, string>;

addMessages(wfZh, () => import('./wf.en.ts').then((m) => m.wfEn));
