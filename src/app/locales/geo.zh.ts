/**
 * Simplified Chinese messages of the boundary import/export screen (features/map/GeoAdmin.tsx, administrators).
 * Registered when that screen's lazy chunk is evaluated; geo.en.ts has the same keys and loads on demand.
 */
import { addMessages } from '../i18n.ts';

export const geoZh = {
  'geo.title': '网格边界导入导出',
  'geo.adminOnly': '只有管理员可以导入导出网格边界。',
  'geo.export': '导出当前边界',
  'geo.exportHint': '下载服务器上的 GeoJSON 文件。离线时下载的是本机最近保存的副本。',
  'geo.layer.grids': '下载网格边界（grids.geojson）',
  'geo.layer.villages': '下载村（社区）边界（villages.geojson）',
  'geo.layer.towns': '下载镇（街道）边界（towns.geojson）',
  'geo.exported': '已下载 {file}。',
  'geo.exportFailed': '无法下载 {file}：没有网络，本机也没有保存的副本。',
  'geo.import': '导入网格边界',
  'geo.importHint':
    '文件须为 GeoJSON FeatureCollection，每个要素带 properties.gridId 和 properties.villageId，几何为 Polygon 或 MultiPolygon。导入会替换全部网格边界；文件有任何错误时不会做任何更改。',
  'geo.offline': '导入需要联网。当前处于离线状态：可以先选择文件在本机检查，联网后再上传。',
  'geo.file': '选择 GeoJSON 文件',
  'geo.checking': '正在本机检查文件…',
  'geo.tooBig': '文件太大（{size} MB），最大 16 MB。',
  'geo.notJson': '文件不是有效的 JSON。',
  'geo.valid': '本机检查通过：{n} 个网格，可以上传。',
  'geo.validMissing': '组织数据中有 {n} 个网格不在文件里，导入后它们将没有边界：{ids}',
  'geo.invalid': '本机检查发现 {n} 个问题，请修改文件后重新选择。文件未上传。',
  'geo.problems': '问题列表',
  'geo.feature': '第 {n} 个要素',
  'geo.featureId': '第 {n} 个要素（{id}）',
  'geo.fileItself': '整个文件',
  'geo.other': '另一网格：{id}',
  'geo.detail': '技术细节',
  'geo.code.invalid_geojson': '不是 GeoJSON FeatureCollection',
  'geo.code.invalid_feature': '要素缺少有效的 gridId 或 villageId',
  'geo.code.invalid_polygon': '多边形无效（坐标、环或几何类型有误）',
  'geo.code.self_intersection': '多边形自相交',
  'geo.code.duplicate_id': 'gridId 重复',
  'geo.code.unknown_village': '村（社区）编号不存在',
  'geo.code.overlap': '与另一网格重叠',
  'geo.code.too_large': '要素或顶点过多',
  'geo.upload': '上传并导入',
  'geo.uploading': '正在上传…',
  'geo.uploaded': '导入成功：已更新 {n} 个网格边界。',
  'geo.refreshing': '正在更新本机的地图边界…',
  'geo.refreshed': '本机地图边界已更新。',
  'geo.refreshFailed': '本机未能重新下载边界，下次联网打开地图时会更新。',
  'geo.rejected': '服务器拒绝了该文件（{n} 个问题），没有做任何更改。',
  'geo.network': '无法连接服务器，导入需要联网。请联网后重试。',
  'geo.unauthorized': '登录已过期，请重新登录后再导入。',
  'geo.forbidden': '服务器拒绝：只有管理员可以导入边界。',
  'geo.serverTooBig': '服务器拒绝：文件太大。',
  'geo.failed': '导入失败（{status}）。',
} as const;

export type GeoMessages = Record<keyof typeof geoZh, string>;

addMessages(geoZh, () => import('./geo.en.ts').then((m) => m.geoEn));
