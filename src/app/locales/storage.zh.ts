/**
 * Simplified Chinese messages of the storage screen (features/evidence/StorageScreen.tsx, issue 12): photos and
 * voice notes kept on this device and the upload outbox. Registered when that screen's lazy chunk is evaluated;
 * storage.en.ts has the same keys and loads on demand.
 */
import { addMessages } from '../i18n.ts';

export const storageZh = {
  'storage.title': '存储空间',
  'storage.persisted': '本机已允许长期保存本应用的数据：空间不足时浏览器不会自动删除。',
  'storage.notPersisted': '浏览器可能在空间不足时删除本应用的数据。未上传的照片和语音请尽快在有网络时上传。',
  'storage.usage': '已用 {used}，共 {quota}',
  'storage.usageUnknown': '此浏览器不提供存储用量。',
  'storage.unsent': '待上传：{size}（不会被清理）',
  'storage.cleanable': '可清理：{size}，其中已结案案件的照片 {closed}',
  'storage.cleanHint': '清理会删除本机保存的已上传照片和语音副本（先删已结案案件的，再删最久没看过的），需要时会从服务器重新下载。待上传的内容不会被删除。',
  'storage.clean': '清理',
  'storage.cleaning': '正在清理…',
  'storage.cleaned': '已释放 {size}。',
  'storage.nothing': '没有可清理的内容。',
  'storage.progress': '上传进度',
  'storage.allSent': '所有照片和语音都已上传。',
  'storage.case': '案件 {id}',
  'storage.caseLeft': '{photos} 张照片、{clips} 条语音待上传，还剩 {left} / {total}',
  'storage.refused': '服务器拒收的文件',
  'storage.refusedItem': '{kind}（{id}）：{reason}',
  'storage.kind.thumb': '缩略图',
  'storage.kind.photo': '照片',
  'storage.kind.voice': '语音',
  'storage.reason.too_large': '文件太大',
  'storage.reason.unsupported_type': '不支持的文件类型',
  'storage.reason.corrupt_blob': '文件已损坏',
  'storage.reason.hash_mismatch': '文件内容与编号不符',
  'storage.reason.empty_blob': '空文件',
  'storage.loading': '正在读取…',
} as const;

export type StorageMessages = Record<keyof typeof storageZh, string>;

addMessages(storageZh, () => import('./storage.en.ts').then((m) => m.storageEn));
