/**
 * Simplified Chinese messages of issue 14's read-aloud, 长辈版 offer and per-user settings. `voice.i.<screen>` is each
 * screen's main instruction (src/app/voice.ts picks the screen's): short, plain words, said as they are written, so
 * a pre-recorded clip (public/voice/<screen>.opus, scripts/voice-clips.ts) matches the text exactly. Changing one
 * of them means running the script again (tests/unit/voice-clips.test.ts says which clip is stale).
 * Registered with the first bundle (the read-aloud button is on every screen); voice.en.ts has the same keys.
 */
import { addMessages } from '../i18n.ts';

export const voiceZh = {
  'voice.read': '朗读',
  'voice.stop': '停止',
  'voice.readLabel': '朗读本页说明',
  // Each screen's main instruction.
  'voice.i.login': '请输入手机号或用户名，再输入密码，然后点登录。',
  'voice.i.signup': '请填写手机号、姓名和密码，再填验证码或邀请码，然后点注册并登录。',
  'voice.i.residentHome': '这里是您上报过的问题。要上报新问题，请点我要上报。',
  'voice.i.residentReport': '请按步骤上报：先拍照，再选位置，最后选是什么问题，然后点提交上报。',
  'voice.i.residentCase': '这里是这个问题的办理进度。办完以后，请给办理结果评价。',
  'voice.i.nearby': '这里是您附近大家上报的问题，不显示别人的姓名和电话。',
  'voice.i.me': '这里是您的账号。可以调大字体，打开长辈版，换语言，也可以退出登录。',
  'voice.i.inbox': '这里是您的消息。点一条消息，可以看详细内容。',
  'voice.i.cases': '这里是案件列表。可以搜索和筛选，点一条案件看详细情况。',
  'voice.i.case': '这里是案件的详细情况和办理记录。能办的事在页面下方。',
  'voice.i.report': '请选问题类别，定好位置，写清楚是什么问题，可以加照片，然后点上报。',
  'voice.i.board': '这里是调度台。点一条案件，可以受理或者派给处置单位。',
  'voice.i.work': '这里是派给本单位的案件。办完以后，拍照上传，再点提交。',
  'voice.i.tasks': '这里是您要办的事：要核查的案件，还有要走访的住户。',
  'voice.i.village': '这里是本村的情况：待办的事和最近的案件。',
  'voice.i.stats': '这里是考核数据。可以选时间和范围。',
  'voice.i.map': '地图上有网格和案件的位置。点一个网格，可以看详细情况。',
  'voice.i.people': '这里是网格里的住户和人员。点一户，可以看详细情况。',
  'voice.i.party': '这里是党员联系户的工作：走访、需求和记录。',
  'voice.i.geo': '这里可以导入和导出网格的边界。',
  'voice.i.storage': '这里是手机里存的照片和录音，还有没上传的内容。',
  'voice.i.invites': '这里可以给本村生成邀请码。村民扫码就能注册。',
  'voice.i.apikeys': '这里管理对外接口的密钥。',
  'voice.i.notFound': '没有找到这个页面。请点返回案件列表。',
  'voice.i.default': '这是网格通。点上面的菜单，可以去别的页面。',
  // 长辈版 offered once to a resident aged 60 or more (their home).
  'elder.offerTitle': '试试长辈版？',
  'elder.offerText': '长辈版的字更大，按钮更大，每一页都可以朗读说明。以后随时可以在“我的账号”里改。',
  'elder.offerYes': '开启',
  'elder.offerNo': '不用了',
  'elder.offerOn': '已开启长辈版。',
  // Settings in #/me and at sign-up.
  'settings.birthYear': '出生年份（可不填）',
  'settings.birthYearHint': '四位数字，例如 1958。填了以后，60 岁以上会推荐长辈版。',
  'settings.birthYearBad': '请填四位数字的年份，例如 1958。',
  'settings.birthYearSave': '保存出生年份',
  'settings.saved': '已保存。',
  'settings.guidance': '操作提示',
  'settings.guidanceHint': '提示和练习课程要说多少。',
  'settings.guidanceFull': '详细提示',
  'settings.guidanceBrief': '简短提示',
  'settings.travel': '这些设置跟着您的账号走：在别的手机或电脑上登录也一样。',
} as const;

export type VoiceMessages = Record<keyof typeof voiceZh, string>;

addMessages(voiceZh, () => import('./voice.en.ts').then((m) => m.voiceEn));
