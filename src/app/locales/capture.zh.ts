/**
 * Simplified Chinese messages of photo and voice capture (features/evidence PhotoCapture, VoiceRecorder, and the
 * after-photo parts of the resolve forms). Imported by the modules that use the keys, so the pack lands in their
 * lazy chunk; capture.en.ts has the same keys (type-checked) and loads on demand in English.
 */
import { addMessages } from '../i18n.ts';

export const captureZh = {
  'capture.photos': '照片',
  'capture.photosHint': '最多 {max} 张。照片在本机压缩后保存，没有网络也可以上报，联网后自动上传。',
  'capture.afterPhotos': '整改后照片',
  'capture.afterPhotosHint': '拍下处置后的现场，最多 {max} 张。',
  'capture.afterPhotoRequired': '此预案要求上传整改后照片。',
  'capture.err.afterPhotoRequired': '请至少上传一张整改后照片。',
  'capture.takePhoto': '拍照',
  'capture.pickPhotos': '从相册选择',
  'capture.count': '已选 {n}/{max} 张',
  'capture.full': '已达 {max} 张上限。',
  'capture.tooMany': '最多 {max} 张照片，多选的 {n} 张未添加。',
  'capture.compressing': '正在压缩…',
  'capture.photoAlt': '第 {n} 张照片',
  'capture.remove': '删除第 {n} 张照片',
  'capture.removed': '已删除一张照片。',
  'capture.added': '已添加 {n} 张照片。',
  'capture.err.not_image': '“{name}”不是图片，未添加。',
  'capture.err.undecodable': '“{name}”无法读取（可能已损坏，或是此浏览器不支持的格式），未添加。',
  'capture.err.too_large': '“{name}”太大，无法处理，未添加。',
  'capture.err.encode_failed': '“{name}”压缩失败，未添加。',
  'capture.err.keep': '照片未能保存在本机（存储空间可能已满），未添加。',
  'capture.noStore': '此设备暂不能保存照片和录音。',
  'capture.loading': '正在加载拍照功能…',
  'capture.loadFailed': '拍照和录音功能未能加载，请联网后重试，或用文字描述。',
  'capture.voice': '语音说明',
  'capture.voiceHint': '最长 60 秒，说完可先试听再提交。',
  'capture.record': '开始录音',
  'capture.stop': '停止录音',
  'capture.recording': '正在录音，还剩 {s} 秒',
  'capture.recorded': '语音 {s} 秒',
  'capture.removeVoice': '删除录音',
  'capture.voiceRemoved': '已删除录音。',
  'capture.voiceSaving': '正在保存录音…',
  'capture.noRecorder': '此浏览器不能录音，请用文字描述。',
  'capture.micDenied': '未获准使用麦克风，不能录音，请用文字描述。',
  'capture.micFailed': '无法打开麦克风，请用文字描述。',
  'capture.voiceTooShort': '录音太短（不足 1 秒），未保存。',
  'capture.voiceFailed': '录音未能保存，请重试或用文字描述。',
  'capture.locating': '正在记录处置位置…',
  'capture.located': '已记录处置位置（误差约 {m} 米）。',
  'capture.noLocation': '未能获取位置，将不带位置提交。',
} as const;

export type CaptureMessages = Record<keyof typeof captureZh, string>;

addMessages(captureZh, () => import('./capture.en.ts').then((m) => m.captureEn));
