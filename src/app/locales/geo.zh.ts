/**
 * Simplified Chinese messages of the boundary import/export screen (features/map/GeoAdmin.tsx, administrators).
 * Registered when that screen's lazy chunk is evaluated; geo.en.ts has the same keys and loads on demand.
 */
import { addMessages } from '../i18n.ts';

export const geoZh = {
  'geo.title': '网格边界与底图',
  'geo.adminOnly': '只有管理员可以导入导出网格边界。',
  'geo.export': '导出当前边界',
  'geo.exportHint': '下载服务器上的边界文件（GeoJSON 格式，可用 GIS 软件打开）。离线时下载的是本机最近保存的副本。',
  'geo.layer.grids': '下载网格边界',
  'geo.layer.villages': '下载村（社区）边界',
  'geo.layer.towns': '下载镇（街道）边界',
  'geo.exported': '已下载 {file}。',
  'geo.exportFailed': '无法下载 {file}：没有网络，本机也没有保存的副本。',
  'geo.import': '导入网格边界',
  'geo.importHint': '选择一个网格边界文件（GeoJSON 格式）：每个网格要有网格编号和所属村（社区）的编号，边界是一个面（多边形）。导入会替换全部网格边界；文件有任何错误时不会做任何更改。',
  'geo.offline': '导入需要联网。当前处于离线状态：可以先选择文件在本机检查，联网后再上传。',
  'geo.file': '选择边界文件',
  'geo.checking': '正在本机检查文件…',
  'geo.tooBig': '文件太大（{size} MB），最大 16 MB。',
  'geo.notJson': '文件不是有效的 JSON。',
  'geo.valid': '本机检查通过：{n} 个网格，可以上传。',
  'geo.validMissing': '组织数据中有 {n} 个网格不在文件里，导入后它们将没有边界：{ids}',
  'geo.invalid': '本机检查发现 {n} 个问题，请修改文件后重新选择。文件未上传。',
  'geo.problems': '问题列表',
  'geo.feature': '第 {n} 个网格',
  'geo.featureId': '第 {n} 个网格（{id}）',
  'geo.fileItself': '整个文件',
  'geo.other': '（另一网格：{id}）',
  'geo.sep': '：',
  'geo.detail': '技术细节',
  'geo.code.invalid_geojson': '不是有效的边界文件（应为 GeoJSON 要素集合）',
  'geo.code.invalid_feature': '缺少网格编号或村（社区）编号',
  'geo.code.invalid_polygon': '边界不是有效的面（坐标或形状有误）',
  'geo.code.self_intersection': '边界线自相交',
  'geo.code.duplicate_id': '网格编号重复',
  'geo.code.unknown_village': '村（社区）编号不存在',
  'geo.code.overlap': '与另一网格重叠',
  'geo.code.too_large': '网格或边界点过多',
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
  'geo.format': '文件格式（技术说明）',
  'geo.formatDetail':
    'GeoJSON FeatureCollection；每个要素（网格）的 properties.gridId 为网格编号，properties.villageId 为村（社区）编号，几何类型为 Polygon（面）或 MultiPolygon（多面）。最大 16 MB。',
  'geo.basemap': '底图',
  'geo.basemapLoading': '正在检查是否安装了底图…',
  'geo.basemapNone': '没有安装底图：地图只显示网格边界和案件。',
  'geo.basemapYes': '已安装底图：各设备打开地图时显示它，并保存一份供离线使用。',
  'geo.basemapHow': '如何安装或更换底图',
  'geo.basemapSteps':
    '底图是一个 PMTiles 文件（栅格或矢量瓦片）。在服务器上把它命名为 basemap.pmtiles，放进数据目录（DATA_DIR），无需重启。各设备下次打开地图时下载并保存。更换时先写入临时文件，再改名覆盖原文件；删除该文件即可取消底图。',
} as const;

export type GeoMessages = Record<keyof typeof geoZh, string>;

addMessages(geoZh, () => import('./geo.en.ts').then((m) => m.geoEn));
