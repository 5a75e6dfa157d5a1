/**
 * Simplified Chinese messages of the sign-in screen and the sign-in renewal banner (features/login/Login.tsx,
 * features/shell/RenewBanner.tsx): both are lazy chunks, so these are not in the first bundle. login.en.ts has the
 * same keys (type-checked) and loads on demand in English.
 */
import { addMessages } from '../i18n.ts';
import type { LoginError } from '../services.ts';

export const loginZh = {
  'login.resident': '居民可用手机号和密码登录。',
  'login.signup': '还没有账号？注册居民账号',
  'login.title': '登录',
  'login.known': '曾在本设备登录的人',
  'login.knownHint': '点选姓名即可填入用户名。',
  'login.lastLogin': '上次登录 {time}',
  'login.forget': '从本设备删除',
  'login.forgetLabel': '从本设备删除 {name} 及其本机数据',
  'login.forgetConfirm': '确认删除 {name} 在本设备的全部数据？',
  'login.forgetYes': '确认删除',
  'login.forgetNo': '取消',
  'login.forgotten': '已从本设备删除 {name}。',
  'login.username': '用户名或手机号',
  'login.password': '密码',
  'login.submit': '登录',
  'login.busy': '正在登录…',
  'login.offlineHint': '离线时，曾在本设备登录过的人仍可登录。',
  'login.required': '请填写用户名和密码。',
  'login.error.bad_credentials': '用户名或密码错误。',
  'login.error.offline_unknown_user': '当前离线，且此人未在本设备登录过。请联网后再登录。',
  'login.error.network': '无法连接服务器，请稍后重试。',
  'login.error.bad_request': '登录请求无效，请检查输入。',
  'login.error.too_many_attempts': '密码错误次数过多，此账号暂时锁定。请稍后再试（最长 15 分钟），或联系管理员。',
  'login.error.sealed_password': '本设备上你的资料是用你以前的密码加密的，新密码打不开。请断网后用以前的密码登录一次（之后再联网用新密码登录），或联系管理员。',
  'login.error.must_change_password': '这是管理员给你的临时密码，请先设置你自己的新密码。',
  // Issue 15: the first sign-in with a temporary password sets the user's own.
  'login.newTitle': '设置新密码',
  'login.newIntro': '{name}，你用的是临时密码。设置你自己的新密码后就能使用。',
  'login.newPassword': '新密码',
  'login.newHint': '至少 8 位，至少 4 种不同的字符，不要包含用户名。',
  'login.newAgain': '再输入一次新密码',
  'login.newSubmit': '保存新密码并登录',
  'login.newBusy': '正在保存…',
  'login.newBack': '返回登录',
  'login.newMismatch': '两次输入的新密码不一样。',
  'login.newProblem.too_short': '新密码太短：至少 8 位。',
  'login.newProblem.too_simple': '新密码太简单：至少要有 4 种不同的字符。',
  'login.newProblem.contains_username': '新密码不能包含用户名。',
  'login.newProblem.same_as_before': '新密码不能和临时密码一样。',
  'login.newError.bad_password': '临时密码不对，请返回重新登录。',
  'login.newError.expired': '这次登录已失效，请返回用临时密码重新登录。',
  'login.newError.network': '无法连接服务器，请稍后重试。设置新密码需要联网。',
  'login.sharedPc': '一台电脑多人使用？勾选表示是（例如村委会的办公电脑）',
  'login.sharedPcHint': '勾选后：每个人退出或锁屏时，他在这台设备上的资料会加密，下一个人看不到；登录页也不显示用过这台设备的人。以后可以由乡镇（街道）中心的工作人员在“我的账号”里更改。',
} as const;

export type LoginMessages = Record<keyof typeof loginZh, string>;

// Every sign-in error has a message (compile-time check).
const _covered: Record<`login.error.${LoginError}`, string> = loginZh;
void _covered;

addMessages(loginZh, () => import('./login.en.ts').then((m) => m.loginEn));
