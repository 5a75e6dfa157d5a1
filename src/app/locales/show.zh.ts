/**
 * Simplified Chinese messages of the evidence shown on cases (issue 12): thumbnails in the lists, the photo strip,
 * the photo viewer, the voice player and the before/after comparison at verification. A module that shows evidence
 * imports this file, so the pack lands in that module's chunk and is registered (addMessages) before it renders;
 * show.en.ts, with the same keys (type-checked), loads on demand when the language is English.
 */
import { addMessages } from '../i18n.ts';

export const showZh = {
  'show.photos': '现场照片',
  'show.photoCount': '{n} 张照片',
  'show.voice': '语音留言',
  'show.notUploaded': '照片尚未上传',
  'show.offline': '离线，暂不能显示',
  'show.loading': '正在载入照片…',
  'show.photoAlt': '第 {i} 张照片，共 {n} 张',
  'show.open': '查看第 {i} 张照片，共 {n} 张',
  'show.openAfter': '查看第 {i} 张整改照片，共 {n} 张',
  'show.viewer': '照片查看',
  'show.viewerAfter': '整改照片查看',
  'show.counter': '{i}/{n}',
  'show.prev': '上一张',
  'show.next': '下一张',
  'show.close': '关闭',
  'show.zoomIn': '放大',
  'show.zoomOut': '缩小',
  'show.viewerHint': '左右滑动切换照片，双指或双击放大。',
  'show.fullLoading': '正在载入原图…',
  'show.playVerb': '播放',
  'show.pauseVerb': '暂停',
  'show.voiceNotUploaded': '语音尚未上传',
  'show.voiceOffline': '离线，暂不能播放',
  'show.voiceFailed': '此设备无法播放这段语音。',
  'show.beforeAfter': '整改前后对比',
  'show.before': '整改前',
  'show.after': '整改后',
  'show.caseUploads': '本机还有 {what}待上传（已上传 {pct}%），联网后自动继续',
  'show.caseUploads.photos': '{n} 张照片',
  'show.caseUploads.clips': '{n} 条语音',
  'show.caseUploads.and': '、',
  'show.noAfter': '未附整改照片',
  'show.noBefore': '上报时未附照片',
  'show.distance': '整改位置距案件位置 {m} 米',
  'show.distanceFar': '距离较远，请核实是否在案件现场整改。',
  'show.noFixLocation': '整改时未记录位置',
  'show.hasAfter': '有整改照片',
} as const;

export type ShowMessages = Record<keyof typeof showZh, string>;

addMessages(showZh, () => import('./show.en.ts').then((m) => m.showEn));
