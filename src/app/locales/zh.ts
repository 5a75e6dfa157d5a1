/**
 * Simplified Chinese: the default language and the reference catalogue of the first screens (sign-in, shell,
 * case list, statuses, events, roles, errors), bundled with the app shell. The other screens' messages are in
 * per-feature packs (<pack>.zh.ts, <pack>.en.ts) that load with their screens (see i18n.ts). en.ts must have
 * the same keys (the type system checks it). `{name}` marks a value filled in by `t()`.
 */
export const zh = {
  'app.name': '网格通',
  'app.loading': '正在载入…',
  'app.skip': '跳到主要内容',
  'app.notFound': '找不到这个页面',
  'app.backToList': '返回案件列表',
  'app.screenLoadFailed': '页面载入失败，请检查网络后重试。',
  'app.retry': '重试',
  'app.notAllowed': '您的角色不能使用此功能。',
  'app.colon': '：',

  'lang.switch': 'English',
  'lang.switchLabel': 'Switch to English',
  'elder.switch': '长辈版',
  'elder.aka': '字更大、按钮更大（也叫关怀版、亲情版）',



  'shell.nav': '主导航',
  'shell.cases': '案件',
  'shell.report': '上报',
  'shell.logout': '退出登录',
  'shell.menu': '我的',
  'shell.user': '{name}（{role}）',
  'shell.board': '调度台',
  'shell.work': '我的工作',
  'shell.tasks': '我的任务',
  'shell.village': '本村',
  'shell.stats': '考核',
  'shell.care': '走访设置',
  'shell.hall': '指挥中心',
  'shell.map': '地图',

  'sync.label': '同步状态',
  'sync.online': '在线',
  'sync.offline': '离线',
  'sync.connecting': '正在连接…',
  'sync.unsaved.one': '{n} 项更改尚未保存到服务器',
  'sync.unsaved.other': '{n} 项更改尚未保存到服务器',
  'sync.allSaved': '所有更改已保存到服务器',
  'sync.lastSaved': '上次保存 {time}',
  'sync.neverSaved': '尚未保存过',
  'sync.earlier': '正在下载更早的记录…',
  'sync.earlierOffline': '更早的记录将在联网后下载',
  'sync.loadingLocal': '正在读取本机数据…',
  'sync.uploads.photos.one': '{n} 张照片待上传',
  'sync.uploads.photos.other': '{n} 张照片待上传',
  'sync.uploads.clips.one': '{n} 条语音待上传',
  'sync.uploads.clips.other': '{n} 条语音待上传',
  'shell.me': '我的账号',
  'shell.invites': '邀请码',
  'shell.storage': '存储空间',



  'priority.urgent': '紧急',
  'priority.high': '较急',
  'priority.normal': '一般',

  'status.reported': '已上报',
  'status.accepted': '已受理',
  'status.rejected': '不予受理',
  'status.dispatched': '已派遣',
  'status.resolved': '已处置',
  'status.verified': '已核实',
  'status.closed': '已结案',
  'status.acknowledged': '已签收',
  'status.in_progress': '处置中',
  'status.returned': '已退回',
  'status.verification_failed': '核查不通过',
  'status.withdrawn': '已撤销',
  'status.merged': '已合并',



  'role.admin': '系统管理员',
  'role.county': '县指挥中心',
  'role.town': '镇街指导中心',
  'role.unit': '职能部门',
  'role.worker': '网格员',
  'role.secretary': '村书记',
  'role.trainer': '培训员',
  'role.resident': '居民',
  'role.member': '党员',


  'shell.openMenu': '菜单',
  'shell.more': '更多',
  'shell.tabbar': '常用功能',
  'shell.badge': ' 项待处理',
  'shell.people': '人员',
  'shell.party': '党建',
  'shell.training': '培训',
  'shell.towntasks': '下发任务',
  'shell.mediation': '调解',
  'shell.mine': '我的上报',
  'shell.nearby': '附近',
  'shell.inbox': '消息',
  'shell.accounts': '账号',
  'shell.reference': '基础数据',
} as const;

export type CoreKey = keyof typeof zh;
export type Messages = Record<CoreKey, string>;
