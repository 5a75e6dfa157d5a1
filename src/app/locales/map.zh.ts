/**
 * Simplified Chinese messages of the map screen and the map picker (features/map). A module that uses these
 * keys imports this file, so the pack lands in that module's lazy chunk and is registered (addMessages) before
 * its screen renders; map.en.ts, with the same keys (type-checked), loads on demand when the language is
 * English.
 */
import { addMessages } from '../i18n.ts';

export const mapZh = {
  'map.title': '网格地图',
  'map.loading': '正在载入地图…',
  'map.unavailable': '还没有网格边界数据：请在联网时打开一次地图（下载后可离线使用），或请管理员导入边界。',
  'map.glFailed': '此设备无法显示地图，请使用下方的网格列表。',
  'map.region': '网格地图（使用屏幕阅读器时请用下方的网格列表）',
  'map.legend': '图例',
  'map.legendNone': '没有未办结案件',
  'map.legendOpen': '有未办结案件',
  'map.legendOverdue': '有超期案件',
  'map.legendCase': '案件标记（数字为合并显示的件数）',
  'map.panelHint': '点击网格查看网格员和案件，点击案件标记打开案件。',
  'map.village': '村（社区）',
  'map.town': '镇（街道）',
  'map.worker': '网格员',
  'map.workerNone': '未配置',
  'map.households': '户数',
  'map.householdsNone': '{n}（人口数据尚未建立）',
  'map.open': '未办结',
  'map.overdue': '超期',
  'map.openCases': '未办结案件',
  'map.noOpenCases': '没有未办结案件。',
  'map.moreCases': '另有 {n} 件未列出',
  'map.outside': '这里不在任何网格内。',
  'map.list': '当前视图中的网格（{n}）',
  'map.listCaption': '网格、网格员与未办结案件数，随地图视图更新',
  'map.listMore': '只列出前 {n} 个；放大地图可看到其余网格。',
  'map.grid': '网格',
  'map.show': '在地图上显示',
  'map.boundaries': '网格边界与底图',
  'map.export': '导出网格边界（GeoJSON）',
  'map.noBasemap': '没有安装底图，地图只显示网格边界和案件。',
  'map.noBasemapHow': '如何安装底图',
  'map.noBasemapAsk': '需要底图时请联系管理员。',
  'map.gl.title': '地图',
  'map.gl.zoomIn': '放大',
  'map.gl.zoomOut': '缩小',
  'map.gl.resetBearing': '恢复正北方向',
  'map.gl.attribution': '显示或隐藏地图来源',
  'map.gl.marker': '地图标记',
  'map.gl.close': '关闭',
  'map.gl.twoFingers': '用两个手指移动地图',
  'map.caseCoords': '北纬 {lat}°，东经 {lng}°',
  'map.caseAt': '案件位置：{grid}，{address}（{coords}）。',
  'map.caseAtNoAddress': '案件位置：{grid}（{coords}）。',
  'map.directions': '导航到这里',
} as const;

export type MapMessages = Record<keyof typeof mapZh, string>;

addMessages(mapZh, () => import('./map.en.ts').then((m) => m.mapEn));
