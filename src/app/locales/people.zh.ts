/**
 * Simplified Chinese messages of the people screen (features/people). A module that uses these keys imports
 * this file, so the pack lands in that module's lazy chunk and is registered (addMessages) before its screen
 * renders; people.en.ts, with the same keys (type-checked), loads on demand when the language is English.
 */
import { addMessages } from '../i18n.ts';

export const peopleZh = {
  'people.title': '人员信息',
  'people.none': '您的账号没有网格人员数据。',
  'people.search': '按姓名或地址查找',
  'people.searchHint': '离线也可以查找本设备已同步的网格人员。',
  'people.results': '找到 {n} 人',
  'people.grid': '网格',
  'people.households': '{grid}：{n} 户',
  'people.address': '地址',
  'people.head': '户主',
  'people.members': '人数',
  'people.membersOf': '家庭成员（{n} 人）',
  'people.tags': '关注类别',
  'people.name': '姓名',
  'people.relation': '与户主关系',
  'people.idNumber': '身份证号',
  'people.idHint': '18 位，最后一位可以是 X。',
  'people.masked': '（已隐去部分号码）',
  'people.idByWorker': '身份证号由网格员或乡镇（街道）中心录入，本设备不保存完整号码。',
  'people.phone': '电话',
  'people.visits': '走访记录',
  'people.visitNote': '走访情况',
  'people.recordVisit': '记录走访',
  'people.visitSaved': '走访已记录。',
  'people.addHousehold': '新增住户',
  'people.addResident': '新增成员',
  'people.save': '保存',
  'people.saved': '已保存。',
  'people.saveFailed': '保存失败',
  'people.notFound': '找不到这户。',
  'people.back': '返回人员列表',
  'people.someone': '网格人员',
  'people.tag.elderly_alone': '独居老人',
  'people.tag.low_income': '低保',
  'people.tag.disabled': '残疾',
  'people.tag.left_behind_child': '留守儿童',
} as const;

export type PeopleMessages = Record<keyof typeof peopleZh, string>;

addMessages(peopleZh, () => import('./people.en.ts').then((m) => m.peopleEn));
