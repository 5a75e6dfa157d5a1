/**
 * Simplified Chinese messages of the Open311 API key screen (features/apikeys/ApiKeys.tsx, administrators).
 * Registered when that screen's lazy chunk is evaluated; apikeys.en.ts has the same keys and loads on demand.
 */
import { addMessages } from '../i18n.ts';

export const apikeysZh = {
  'apikeys.title': '第三方接口密钥',
  'apikeys.adminOnly': '只有管理员可以签发和吊销接口密钥。',
  'apikeys.intro':
    '第三方系统（如市民热线小程序、公众号）通过 Open311 GeoReport v2 标准接口提交和查询问题。每个系统用一个单独的密钥；不再合作或密钥泄露时立即吊销，该系统之前提交的问题保留不变。',
  'apikeys.endpoint': '接口地址（发给对接方）：',
  'apikeys.issue': '签发新密钥',
  'apikeys.name': '对接系统名称',
  'apikeys.nameHint': '例如“市民热线小程序”。工作人员在案件里看到的上报人就是这个名称。',
  'apikeys.nameMissing': '请填写对接系统名称',
  'apikeys.issueButton': '签发',
  'apikeys.issuing': '正在签发…',
  'apikeys.issued': '已为“{name}”签发密钥。密钥只显示这一次：请立即复制并安全地交给对接方。',
  'apikeys.keyLabel': '新密钥',
  'apikeys.copy': '复制密钥',
  'apikeys.copied': '已复制到剪贴板。',
  'apikeys.copyFailed': '无法自动复制：请选中密钥手动复制。',
  'apikeys.list': '已签发的密钥',
  'apikeys.loading': '正在读取密钥列表…',
  'apikeys.none': '还没有签发任何密钥。',
  'apikeys.prefix': '密钥开头',
  'apikeys.created': '{when} 由 {by} 签发',
  'apikeys.active': '有效',
  'apikeys.revoked': '已于 {when} 吊销',
  'apikeys.revoke': '吊销“{name}”的密钥',
  'apikeys.revokeShort': '吊销',
  'apikeys.confirm': '吊销后“{name}”将立即无法提交或以该密钥查询。确定吊销吗？',
  'apikeys.revokedOk': '已吊销“{name}”的密钥。',
  'apikeys.network': '无法连接服务器：接口密钥的管理需要联网。',
  'apikeys.forbidden': '只有管理员可以管理接口密钥。',
  'apikeys.failed': '操作失败（{status}），请稍后再试。',
} as const;

export type ApikeysMessages = Record<keyof typeof apikeysZh, string>;

addMessages(apikeysZh, () => import('./apikeys.en.ts').then((m) => m.apikeysEn));
