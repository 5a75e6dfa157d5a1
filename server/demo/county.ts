/**
 * The demo county's places and organisations, modelled on Panshan County 盘山县 (Panjin, Liaoning).
 * Towns: the 4 subdistricts and 9 towns named in the Panjin yearbook (2023): 太平、高升、得胜、东郭 街道;
 * 沙岭、羊圈子、坝墙子、陈家、甜水、石新、古城子、胡家、吴家 镇; 20 communities and 148 villages in all (168 here too).
 * Centers are approximate ([lng, lat], inside 121.8-122.3 E, 40.9-41.4 N); grid counts sum to the paper's 844.
 * Static data: no randomness here.
 */

export interface TownDef {
  name: string;
  nameEn: string;
  center: [number, number];
  subdistrict: boolean;
  grids: number;
  villages: number;
  communities: number;
}

export const TOWNS: readonly TownDef[] = [
  { name: '太平街道', nameEn: 'Taiping Subdistrict', center: [121.99, 41.23], subdistrict: true, grids: 90, villages: 15, communities: 6 },
  { name: '高升街道', nameEn: 'Gaosheng Subdistrict', center: [121.93, 41.35], subdistrict: true, grids: 68, villages: 13, communities: 2 },
  { name: '得胜街道', nameEn: 'Desheng Subdistrict', center: [122.07, 41.31], subdistrict: true, grids: 62, villages: 12, communities: 2 },
  { name: '东郭街道', nameEn: 'Dongguo Subdistrict', center: [121.87, 40.98], subdistrict: true, grids: 58, villages: 11, communities: 2 },
  { name: '沙岭镇', nameEn: 'Shaling Town', center: [122.23, 41.34], subdistrict: false, grids: 72, villages: 14, communities: 1 },
  { name: '羊圈子镇', nameEn: 'Yangjuanzi Town', center: [121.93, 41.07], subdistrict: false, grids: 60, villages: 12, communities: 1 },
  { name: '坝墙子镇', nameEn: 'Baqiangzi Town', center: [121.98, 41.14], subdistrict: false, grids: 62, villages: 13, communities: 1 },
  { name: '陈家镇', nameEn: 'Chenjia Town', center: [122.12, 41.24], subdistrict: false, grids: 64, villages: 14, communities: 1 },
  { name: '甜水镇', nameEn: 'Tianshui Town', center: [122.17, 41.13], subdistrict: false, grids: 58, villages: 12, communities: 1 },
  { name: '石新镇', nameEn: 'Shixin Town', center: [121.86, 41.20], subdistrict: false, grids: 60, villages: 13, communities: 1 },
  { name: '古城子镇', nameEn: 'Guchengzi Town', center: [122.16, 41.30], subdistrict: false, grids: 64, villages: 14, communities: 1 },
  { name: '胡家镇', nameEn: 'Hujia Town', center: [121.84, 41.10], subdistrict: false, grids: 70, villages: 15, communities: 1 },
  { name: '吴家镇', nameEn: 'Wujia Town', center: [122.22, 41.21], subdistrict: false, grids: 56, villages: 10, communities: 0 },
];

export const COUNTY_EXTENT = { west: 121.8, east: 122.3, south: 40.9, north: 41.4 } as const;

/** Village names: built from patterns common in the lower Liao River plain, deduplicated, in a fixed order. */
export function villageNamePool(): string[] {
  const out = new Set<string>();
  const clans = ['王', '李', '张', '刘', '赵', '孙', '杨', '于', '高', '陈', '马', '郭', '韩', '何', '吴', '徐', '周', '胡', '姜', '曹', '贾', '白', '田', '崔', '董', '魏', '朱', '孟', '袁', '唐'];
  const luck = ['曙光', '新兴', '红旗', '光明', '前进', '胜利', '永安', '兴隆', '富民', '新立', '团结', '和平', '东风', '长兴', '友谊', '建设', '新华', '向阳', '五星', '幸福', '丰收', '复兴', '兴盛', '荣兴', '平安', '新生', '双兴', '合兴', '金星', '育红', '立新', '民主', '东升', '新农', '三合', '四合', '永丰', '大兴', '双合', '同心'];
  const sides = ['东', '西', '南', '北', '前', '后'];
  const lands = ['岗子', '坨子', '荒地', '甸子', '河沿', '沟'];
  for (const c of clans) out.add(`${c}家村`);
  for (const c of luck) out.add(`${c}村`);
  for (const c of clans.slice(0, 18)) out.add(`${c}家窝堡村`);
  for (const c of clans.slice(10)) out.add(`${c}家屯村`);
  for (const s of sides) for (const l of lands) out.add(`${s}${l}村`);
  for (const n of ['二', '三', '四', '五', '六', '七']) out.add(`${n}家子村`);
  for (const n of ['头道', '二道', '三道']) out.add(`${n}沟村`);
  for (const n of ['大', '小']) for (const l of ['荒地', '岗子', '坨子']) out.add(`${n}${l}村`);
  return [...out];
}

export const COMMUNITY_NAMES = [
  '新兴社区', '锦华社区', '盛世社区', '和谐社区', '翠湖社区', '福泽社区', '阳光社区', '兴盛社区', '滨河社区', '鑫城社区',
  '金湾社区', '新城社区', '文化社区', '惠民社区', '紫园社区', '河畔社区', '馨园社区', '康宁社区', '安居社区', '丽景社区',
] as const;

export interface UnitDef {
  name: string;
  /** Major category codes the unit handles. */
  categories: readonly string[];
}

/** County-level departments (41); with 13 x 22 town-level units they make the paper's 327 registered units. */
export const COUNTY_UNITS: readonly UnitDef[] = [
  { name: '县委组织部', categories: ['01'] },
  { name: '县委宣传部', categories: ['01', '14'] },
  { name: '县委政法委', categories: ['03', '15'] },
  { name: '县纪委监委', categories: ['01'] },
  { name: '县信访局', categories: ['15', '17'] },
  { name: '县发展和改革局', categories: ['17'] },
  { name: '县教育局', categories: ['14'] },
  { name: '县公安局', categories: ['03', '12', '15'] },
  { name: '县公安局交通警察大队', categories: ['12'] },
  { name: '县民政局', categories: ['05', '16'] },
  { name: '县司法局', categories: ['15', '03'] },
  { name: '县财政局', categories: ['02', '10'] },
  { name: '县人力资源和社会保障局', categories: ['02'] },
  { name: '县自然资源局', categories: ['06', '10'] },
  { name: '盘锦市生态环境局盘山分局', categories: ['07'] },
  { name: '县住房和城乡建设局', categories: ['06'] },
  { name: '县交通运输局', categories: ['12'] },
  { name: '县水利局', categories: ['11', '04'] },
  { name: '县农业农村局', categories: ['10', '07'] },
  { name: '县商务局', categories: ['09'] },
  { name: '县文化旅游和广播电视局', categories: ['14'] },
  { name: '县卫生健康局', categories: ['13'] },
  { name: '县退役军人事务局', categories: ['16', '02'] },
  { name: '县应急管理局', categories: ['04', '08'] },
  { name: '县市场监督管理局', categories: ['09', '08'] },
  { name: '县医疗保障局', categories: ['02', '13'] },
  { name: '县城市管理综合行政执法局', categories: ['06', '07'] },
  { name: '县乡村振兴局', categories: ['05', '10'] },
  { name: '县行政审批局', categories: ['17'] },
  { name: '县消防救援大队', categories: ['04', '08'] },
  { name: '县人民医院', categories: ['13'] },
  { name: '县疾病预防控制中心', categories: ['13'] },
  { name: '县残疾人联合会', categories: ['02', '05'] },
  { name: '县妇女联合会', categories: ['15', '16'] },
  { name: '共青团盘山县委', categories: ['14', '16'] },
  { name: '县总工会', categories: ['02', '15'] },
  { name: '县气象局', categories: ['04'] },
  { name: '国网盘山县供电公司', categories: ['17', '06'] },
  { name: '县自来水公司', categories: ['06', '11'] },
  { name: '县供热公司', categories: ['06'] },
  { name: '中国移动盘山分公司', categories: ['17'] },
];

/** Kinds of town-level units (22 per town); the unit name is the town name followed by `name` (or `subdistrictName`). */
export const TOWN_UNIT_KINDS: readonly (UnitDef & { subdistrictName?: string })[] = [
  { name: '派出所', categories: ['03', '12', '15'] },
  { name: '综合行政执法队', categories: ['06', '07', '09'] },
  { name: '农业综合服务站', categories: ['10'] },
  { name: '水利站', categories: ['11'] },
  { name: '应急管理办公室', categories: ['04', '08'] },
  { name: '社会事务办公室', categories: ['05', '16'] },
  { name: '卫生院', subdistrictName: '社区卫生服务中心', categories: ['13'] },
  { name: '中心小学', categories: ['14'] },
  { name: '司法所', categories: ['15', '03'] },
  { name: '自然资源所', categories: ['06', '10'] },
  { name: '供电所', categories: ['17', '06'] },
  { name: '市场监督管理所', categories: ['09'] },
  { name: '交通管理站', categories: ['12'] },
  { name: '综合文化站', categories: ['14'] },
  { name: '党建工作办公室', categories: ['01'] },
  { name: '综治中心', categories: ['03', '15'] },
  { name: '生态环境保护站', categories: ['07'] },
  { name: '劳动保障事务所', categories: ['02'] },
  { name: '退役军人服务站', categories: ['16', '02'] },
  { name: '畜牧兽医站', categories: ['10'] },
  { name: '专职消防队', categories: ['04', '08'] },
  { name: '便民服务中心', categories: ['17', '02', '16'] },
];

/** Common surnames in Liaoning, most frequent first (picked with falling weight). */
export const SURNAMES = '王李张刘赵孙杨于陈高马郭韩徐吴何周胡姜曹贾白田崔董魏朱孟袁唐冯宋郑谢邓许傅沈曾彭吕苏卢蒋蔡丁薛叶潘杜戴夏钟汪任范方石姚谭廖邹熊金陆郝孔邱秦江史顾侯邵段雷钱汤尹常武乔贺'.split('');
export const GIVEN_MALE = '伟刚勇军杰涛明超强磊洋鹏辉斌浩宇志国建华海峰庆春林成东平文福德玉喜'.split('');
export const GIVEN_FEMALE = '秀丽敏静娟艳芳霞红梅玲燕桂英华兰凤琴颖雪莉娜晶慧淑荣春'.split('');
