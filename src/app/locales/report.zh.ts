/**
 * Simplified Chinese messages of the report form (features/report, the map picker). A module that uses these
 * keys imports this file, so the pack lands in that module's lazy chunk and is registered (addMessages) before
 * its screen renders; report.en.ts, with the same keys (type-checked), loads on demand when the language is
 * English.
 */
import { addMessages } from '../i18n.ts';

export const reportZh = {
  'report.title': '上报案件',
  'report.category': '类别',
  'report.categorySearch': '搜索类别（中文、英文或代码）',
  'report.categoryNone': '没有匹配的类别。',
  'report.categoryChosen': '已选：{name}',
  'report.description': '问题描述',
  'report.descriptionHint': '说明发生了什么、在哪里、影响了谁。',
  'report.location': '位置',
  'report.useGps': '使用当前位置',
  'report.gpsBusy': '正在定位…',
  'report.gpsOk': '已定位（误差约 {m} 米）',
  'report.gpsDenied': '未获准使用定位，请手动填写经纬度。',
  'report.gpsUnavailable': '无法定位，请手动填写经纬度。',
  'report.gpsNone': '此设备不支持定位，请手动填写经纬度。',
  // One text whatever the state: a hint that changed with the grid would move the map under a finger's tap.
  'report.locationHint': '选好网格后按网格中心预填；可用定位、在地图上选择或手动修改。',
  'report.lat': '纬度',
  'report.lng': '经度',
  'report.grid': '网格',
  'report.gridHint': '不确定在哪个网格时，用“使用当前位置”或“在地图上选择位置”自动确定。',
  'report.gridAuto': '网格：{name}',
  'report.gridChoose': '请选择网格',
  'report.address': '地址（选填）',
  'report.submit': '上报',
  'report.busy': '正在保存…',
  'report.errors': '请更正以下问题：',
  'report.err.category': '请选择类别。',
  'report.err.description': '请填写问题描述。',
  'report.err.descriptionLong': '问题描述不能超过 2000 字。',
  'report.err.lat': '纬度应为 -90 到 90 之间的数字。',
  'report.err.lng': '经度应为 -180 到 180 之间的数字。',
  'report.err.grid': '请选择网格。',
  'report.failed': '上报失败：{error}',
  'report.selfResolve': '就地解决',
  'report.selfResolveCheck': '简单问题，我已当场解决（上报并直接结案）',
  'report.submitResolved': '上报并结案',
  'report.pickOnMap': '在地图上选择位置',
  'report.pickHide': '收起地图',
  'report.pickHint': '点击地图设置位置，网格按位置自动确定。',
  'report.pickUnavailable': '地图数据尚未下载：请联网后再试，或手动填写经纬度。',
  'report.gridFound': '位置在{name}。',
  'report.gridOutside': '这个位置不在任何网格内。',
  'report.gridNotYours': '这个位置在{name}，不在您的网格内。',
  'report.gridOutOfScope': '这个位置在{name}，不在您负责的范围内。',
  'report.onBehalf': '代报',
  'report.onBehalfCheck': '替居民上报（居民打电话、上门或当面反映的问题）',
  'report.via': '居民怎么反映的',
  'report.residentPick': '从本网格住户中选择',
  'report.residentSearch': '按姓名或地址查找',
  'report.residentNone': '住户名册里没有找到，请直接填写姓名和电话。',
  'report.residentChoose': '选择这位居民',
  'report.residentPicked': '已选：{name}',
  'report.residentClear': '改为手动填写',
  'report.residentName': '居民姓名',
  'report.residentPhone': '居民电话（选填）',
  'report.residentPhoneHint': '居民用这个手机号注册并验证后，可以在自己的手机应用里看到进度。',
  'report.err.residentName': '请填写居民姓名。',
  'report.err.residentPhone': '电话号码不正确：手机 11 位，固话请加区号。',
  'report.err.via': '请选择居民反映的方式。',
} as const;

export type ReportMessages = Record<keyof typeof reportZh, string>;

addMessages(reportZh, () => import('./report.en.ts').then((m) => m.reportEn));
