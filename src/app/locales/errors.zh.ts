/**
 * Simplified Chinese words for the domain's error codes (src/domain/errors.ts) and the HTTP edge's. Only screens that
 * act (forms, queues, case detail, sign-in) show them, all lazy chunks, so these are not in the first bundle: each
 * module that calls `errorText` or shows an `error.*` key imports this pack. errors.en.ts has the same keys.
 */
import { addMessages } from '../i18n.ts';
import type { ErrorCode } from '../../domain/errors.ts';

export const errorsZh = {
  'error.bad_request': '请求无效',
  'error.bad_credentials': '用户名或密码错误',
  'error.unauthorized': '需要重新登录',
  'error.forbidden': '无权执行此操作',
  'error.not_found': '未找到',
  'error.conflict': '与其他人的更改冲突',
  'error.too_large': '内容过大',
  'error.invalid_event': '记录无效',
  'error.unknown_case': '案件不存在',
  'error.unknown_actor': '未知的操作人',
  'error.role_not_allowed': '您的角色不能执行此操作',
  'error.out_of_scope': '超出您的管辖范围',
  'error.state_not_allowed': '案件当前状态不允许此操作',
  'error.missing_field': '缺少必填内容',
  'error.unknown_unit': '未知的处置单位',
  'error.unknown_category': '未知的类别',
  'error.unknown_grid': '未知的网格',
  'error.duplicate_case': '重复的案件',
  'error.unknown_plan': '未知的预案',
  'error.unknown_step': '预案中没有这个步骤',
  'error.not_reporter': '只有上报人本人可以这样做',
  'error.feedback_given': '已经回访过',
  'error.extension_pending': '已有待审批的延期申请',
  'error.no_extension_pending': '没有待审批的延期申请',
  'error.merge_into_self': '不能合并到案件本身',
  'error.full_id_number': '请勿填写完整身份证号码（如需核对，只写后四位）',
  'error.photo_required': '这个预案要求上传整改后的照片，请先拍照',
  'error.bad_attribute': '补充信息不符合这个类别的选项',
  'error.no_revisit_pending': '这个案件没有待处理的二次回访',
  'error.stale_dispatch': '案件已重新派遣，这条协办记录针对的是之前的派遣',
  'error.not_helper': '该单位不是这次派遣的协办单位',
  'error.helper_done': '该协办单位已确认或已被释放',
  'error.no_part_recorded': '请先记录本单位的协办情况再确认',
  'error.helpers_pending': '还有协办单位未确认，也未被中心释放，暂不能办结',
  'error.unexpected': '发生意外错误',
} as const;

export type ErrorMessages = Record<keyof typeof errorsZh, string>;

// Every error code has a message (compile-time check).
const _covered: Record<`error.${ErrorCode}`, string> = errorsZh;
void _covered;

addMessages(errorsZh, () => import('./errors.en.ts').then((m) => m.errorsEn));
