/**
 * The demo county's case classification: 17 major categories and 120 subcategories, the count and the five
 * named majors (党的建设、社会保障、综合治理、应急管理、社会救助) taken from the seed paper on Panshan County.
 * Each subcategory carries two typical problem phrases that the generator turns into case descriptions, so a
 * description always matches its category. Static data: no randomness here.
 */

export interface MajorDef {
  code: string;
  name: string;
  nameEn: string;
  /** Typical notes a unit writes when it reports the fix. */
  fixes: readonly string[];
  /** One checklist step specific to this kind of case (used in contingency plans). */
  step: string;
}

export interface SubDef {
  name: string;
  nameEn: string;
  /** Problem phrases, each a clause without final punctuation. */
  issues: readonly [string, string];
}

export const MAJORS: readonly MajorDef[] = [
  { code: '01', name: '党的建设', nameEn: 'Party building', step: '报镇街党（工）委备案，明确责任党组织', fixes: ['已由村党支部召开专题会议研究落实，整改到位', '已联系相关党员和党组织负责人，问题已整改'] },
  { code: '02', name: '社会保障', nameEn: 'Social security', step: '核对参保和待遇发放信息', fixes: ['已核实参保信息并协助办理，待遇已补发', '已上门讲解政策并协助完成业务办理'] },
  { code: '03', name: '综合治理', nameEn: 'Comprehensive governance', step: '会同派出所、综治中心研判风险', fixes: ['已会同派出所现场处置，隐患已消除', '已登记核查并纳入日常巡查，情况稳定'] },
  { code: '04', name: '应急管理', nameEn: 'Emergency management', step: '启动应急响应，疏散周边群众', fixes: ['已组织应急力量到场处置，险情已排除', '已完成抢险并设置警示标志，无人员伤亡'] },
  { code: '05', name: '社会救助', nameEn: 'Social assistance', step: '入户核查家庭经济状况', fixes: ['已入户核查，符合条件，救助申请已受理并发放', '已按政策落实救助，后续纳入动态监测'] },
  { code: '06', name: '城乡建设', nameEn: 'Urban and rural construction', step: '组织专业维修队伍现场作业', fixes: ['已组织维修人员到场，设施已修复并恢复使用', '已下达整改通知，违建已拆除'] },
  { code: '07', name: '环境保护', nameEn: 'Environmental protection', step: '现场取证并固定污染证据', fixes: ['已现场清理并督促责任人整改，环境已恢复', '已责令停止排放并立案查处'] },
  { code: '08', name: '安全生产', nameEn: 'Work safety', step: '责令停止作业，排查同类隐患', fixes: ['已下达隐患整改通知书，企业已整改完毕', '已现场督促消除隐患并复查合格'] },
  { code: '09', name: '市场监管', nameEn: 'Market supervision', step: '检查经营主体资质和票据', fixes: ['已对经营者立案调查，问题商品已下架', '已现场检查并责令整改，消费者诉求已解决'] },
  { code: '10', name: '农业农村', nameEn: 'Agriculture and rural affairs', step: '安排农技人员现场指导', fixes: ['农技人员已现场指导，问题已得到控制', '已核实情况并协调解决，农户表示满意'] },
  { code: '11', name: '水利设施', nameEn: 'Water conservancy', step: '检查闸站、渠道运行状况', fixes: ['已组织人员清淤维修，渠道恢复畅通', '已抢修设备，恢复正常运行'] },
  { code: '12', name: '交通运输', nameEn: 'Transport', step: '设置临时交通警示，疏导交通', fixes: ['已修复道路设施，恢复正常通行', '已会同交警现场处置，交通秩序恢复'] },
  { code: '13', name: '医疗卫生', nameEn: 'Health care', step: '通知卫生院医务人员到场', fixes: ['卫生院已派医生上门服务，问题已解决', '已开展消杀和健康宣传，情况已控制'] },
  { code: '14', name: '教育文化', nameEn: 'Education and culture', step: '联系学校或文化站负责人核实', fixes: ['已协调学校和家长，问题已妥善解决', '已维修设施并恢复开放'] },
  { code: '15', name: '矛盾纠纷', nameEn: 'Disputes and conflicts', step: '组织人民调解员开展调解', fixes: ['经调解双方达成一致，已签订调解协议', '已进行调解并引导通过法律途径解决，矛盾已化解'] },
  { code: '16', name: '民政服务', nameEn: 'Civil affairs services', step: '核对民政服务对象信息', fixes: ['已协助办理相关手续，服务已落实', '已上门走访并落实帮扶措施'] },
  { code: '17', name: '其他', nameEn: 'Other', step: '确定责任单位并转办', fixes: ['已转交责任单位处理完毕', '已向群众解释说明并协调解决'] },
];

/** Subcategories by major code, in code order (0101, 0102, ...). 120 in all. */
export const SUBS: Readonly<Record<string, readonly SubDef[]>> = {
  '01': [
    { name: '党员教育管理', nameEn: 'Party member education', issues: ['部分流动党员长期未参加组织生活，需联系落实', '党员积分管理台账未及时更新'] },
    { name: '党群服务阵地', nameEn: 'Party service venues', issues: ['党群服务中心活动室门窗损坏，影响主题党日活动', '党建宣传栏内容陈旧、版面破损'] },
    { name: '党员联系户', nameEn: 'Party member contact households', issues: ['党员联系户反映家中生活困难，需上门走访', '联系户搬迁，需调整党员联系对象'] },
    { name: '发展党员', nameEn: 'Recruiting party members', issues: ['入党积极分子培养考察材料不全', '青年村民咨询入党申请流程'] },
    { name: '党员志愿服务', nameEn: 'Party volunteer service', issues: ['党员志愿服务队需增派人手协助清雪', '党员志愿服务活动需协调场地和物资'] },
    { name: '村务公开', nameEn: 'Openness of village affairs', issues: ['村务公开栏未按季度更新', '群众反映村级财务公开不及时'] },
  ],
  '02': [
    { name: '养老保险', nameEn: 'Pension insurance', issues: ['老人反映城乡居民养老金本月未到账', '老人不会操作养老保险待遇资格认证'] },
    { name: '医疗保险', nameEn: 'Medical insurance', issues: ['村民反映城乡居民医保缴费信息有误', '外出务工人员异地就医备案需协助办理'] },
    { name: '就业服务', nameEn: 'Employment services', issues: ['返乡青年希望了解就业技能培训信息', '脱贫劳动力咨询公益性岗位'] },
    { name: '工资拖欠', nameEn: 'Wage arrears', issues: ['务工人员反映工地拖欠工资三个月', '季节工反映合作社拖欠插秧工钱'] },
    { name: '工伤认定', nameEn: 'Work injury recognition', issues: ['务工人员受伤后用人单位未申报工伤', '工伤职工咨询伤残等级鉴定'] },
    { name: '残疾人保障', nameEn: 'Disability support', issues: ['残疾人两项补贴未按时发放', '重度残疾人办理残疾证需要上门评定'] },
    { name: '社保卡服务', nameEn: 'Social security cards', issues: ['老人社保卡丢失需补办', '社保卡金融功能未激活，无法领取补贴'] },
  ],
  '03': [
    { name: '治安隐患', nameEn: 'Public security hazards', issues: ['夜间有陌生车辆在村内徘徊，群众担心安全', '村内仓库夜间无人看管，近期丢失农具'] },
    { name: '流动人口登记', nameEn: 'Migrant registration', issues: ['出租房新入住人员未登记', '外来务工人员集中居住，需核查登记'] },
    { name: '重点人员管控', nameEn: 'Key persons', issues: ['社区矫正对象近期未按时报到', '严重精神障碍患者情绪不稳定，家属请求协助'] },
    { name: '非法宗教活动', nameEn: 'Illegal religious activity', issues: ['有人在村内散发非法宗教宣传品', '有外来人员在民房内组织聚会传教'] },
    { name: '电信网络诈骗', nameEn: 'Telecom fraud', issues: ['老人接到冒充公检法的诈骗电话，险些转账', '有人在村里推销虚假理财产品'] },
    { name: '涉赌涉毒', nameEn: 'Gambling and drugs', issues: ['有人在民房内聚众赌博', '群众举报有人疑似吸食毒品'] },
    { name: '校园周边安全', nameEn: 'Safety around schools', issues: ['学校门口放学时段车辆乱停，存在安全隐患', '校园周边有闲散人员逗留'] },
    { name: '视频监控', nameEn: 'Video surveillance', issues: ['村口雪亮工程监控摄像头损坏，存在监控盲区', '路口监控画面长时间中断'] },
    { name: '出租房屋管理', nameEn: 'Rental housing', issues: ['出租房屋未签订治安责任书', '群租房内私拉电线、人员混杂'] },
  ],
  '04': [
    { name: '火灾隐患', nameEn: 'Fire hazards', issues: ['村民院内柴草垛紧挨烟囱，存在火灾隐患', '楼道内堆放杂物，堵塞消防通道'] },
    { name: '防汛排涝', nameEn: 'Flood control', issues: ['连续降雨，村内低洼地段积水严重', '堤坝背水坡出现渗水，需立即巡查'] },
    { name: '冰雪灾害', nameEn: 'Snow and ice', issues: ['大雪后村路结冰，老人出行困难', '暴雪压塌蔬菜大棚'] },
    { name: '大风灾害', nameEn: 'Gales', issues: ['大风刮倒路边树木，压住电线', '大风掀翻养殖场彩钢房顶'] },
    { name: '地面塌陷', nameEn: 'Ground subsidence', issues: ['路面出现塌陷坑，约一米见方', '房屋后墙地基下沉'] },
    { name: '应急物资', nameEn: 'Emergency supplies', issues: ['应急物资储备点灭火器过期', '防汛沙袋储备不足'] },
    { name: '燃气泄漏', nameEn: 'Gas leaks', issues: ['居民楼道内有明显燃气味', '饭店液化气罐阀门漏气'] },
    { name: '危险化学品', nameEn: 'Hazardous chemicals', issues: ['路边发现不明化学品桶，有刺鼻异味', '农药包装废弃物随意丢弃在沟边'] },
  ],
  '05': [
    { name: '最低生活保障', nameEn: 'Minimum living allowance', issues: ['村民因病致贫，申请纳入低保', '低保户家庭收入发生变化，需重新核查'] },
    { name: '特困人员供养', nameEn: 'Support for the extremely poor', issues: ['特困老人独居，生活不能自理，需要照料', '特困供养人员申请集中供养'] },
    { name: '临时救助', nameEn: 'Temporary assistance', issues: ['村民家中失火，生活陷入困难，申请临时救助', '外地流浪人员滞留村内，需救助'] },
    { name: '医疗救助', nameEn: 'Medical assistance', issues: ['大病患者医疗费用负担重，申请医疗救助', '困难群众住院押金无力支付'] },
    { name: '防返贫监测', nameEn: 'Poverty-return monitoring', issues: ['脱贫户因灾收入明显下降，需纳入防返贫监测', '监测户家庭成员突发重病'] },
    { name: '住房救助', nameEn: 'Housing assistance', issues: ['困难户房屋漏雨，申请危房改造', '低保户冬季取暖困难'] },
  ],
  '06': [
    { name: '私搭乱建', nameEn: 'Illegal construction', issues: ['村民在集体土地上私自搭建彩钢房', '临街商户私自扩建雨棚占用人行道'] },
    { name: '道路破损', nameEn: 'Damaged roads', issues: ['村内水泥路面破损，出现多处坑洼', '巷道路面塌陷，雨天积水无法通行'] },
    { name: '路灯故障', nameEn: 'Street light faults', issues: ['村主干道路灯不亮，夜间出行不便', '路灯杆倾斜，灯罩脱落'] },
    { name: '供水管网', nameEn: 'Water mains', issues: ['自来水管道破裂，路面积水', '停水两天，未接到任何通知'] },
    { name: '供暖', nameEn: 'Heating', issues: ['小区暖气不热，室温不足16度', '供热管线漏水，井口冒热气'] },
    { name: '燃气管道', nameEn: 'Gas pipelines', issues: ['燃气管道阀门锈蚀严重', '施工作业可能挖断燃气管线，需现场确认'] },
    { name: '危房改造', nameEn: 'Dilapidated housing', issues: ['老旧房屋墙体开裂，存在倒塌风险', '无人居住的危房临街，砖块脱落'] },
    { name: '排水管网', nameEn: 'Drainage', issues: ['下水道堵塞，污水外溢', '雨水井盖缺失，存在安全隐患'] },
    { name: '物业管理', nameEn: 'Property management', issues: ['小区楼道卫生长期无人打扫', '单元门门禁损坏一个月未修'] },
  ],
  '07': [
    { name: '垃圾清运', nameEn: 'Garbage collection', issues: ['垃圾箱满溢，多日未清运', '路边堆积大量建筑垃圾'] },
    { name: '秸秆焚烧', nameEn: 'Straw burning', issues: ['农田内有人焚烧秸秆，浓烟较大', '村民在田埂焚烧稻草'] },
    { name: '污水排放', nameEn: 'Sewage discharge', issues: ['养殖场污水直排入沟渠', '作坊废水排入村边水塘，水体发黑'] },
    { name: '大气污染', nameEn: 'Air pollution', issues: ['加工厂夜间排放刺鼻气体', '砖厂烟囱冒黑烟'] },
    { name: '噪声污染', nameEn: 'Noise', issues: ['工地夜间施工，噪音扰民', '粮食烘干塔噪音过大影响居民休息'] },
    { name: '河道保洁', nameEn: 'River cleaning', issues: ['河道内漂浮大量生活垃圾', '沟渠边倾倒死禽'] },
    { name: '畜禽粪污', nameEn: 'Livestock manure', issues: ['养殖户粪污随意堆放，臭味严重', '粪污处理设施未正常运行'] },
    { name: '油田污染', nameEn: 'Oilfield pollution', issues: ['废弃油井周边有原油渗出，污染农田', '输油管线附近地面有油污'] },
    { name: '村容村貌', nameEn: 'Village appearance', issues: ['柴草、杂物乱堆乱放，影响村容', '墙体上有大量小广告'] },
  ],
  '08': [
    { name: '企业安全隐患', nameEn: 'Enterprise hazards', issues: ['米业加工厂消防设施缺失', '企业车间安全通道被堵塞'] },
    { name: '建筑施工安全', nameEn: 'Construction safety', issues: ['工地脚手架未设防护网', '施工人员高处作业未系安全带'] },
    { name: '燃气使用安全', nameEn: 'Gas use safety', issues: ['饭店后厨液化气罐未安装报警装置', '商户使用不合格的燃气软管'] },
    { name: '农机安全', nameEn: 'Farm machinery safety', issues: ['农用三轮车违规载人', '无牌拖拉机上路行驶'] },
    { name: '用电安全', nameEn: 'Electrical safety', issues: ['居民私拉电线给电动车充电', '电动车在楼道内充电'] },
    { name: '烟花爆竹', nameEn: 'Fireworks', issues: ['小卖部无证销售烟花爆竹', '民房内存放大量烟花爆竹'] },
    { name: '人员密集场所', nameEn: 'Crowded places', issues: ['超市安全出口被货物堵塞', '集市临时搭建的棚子不牢固'] },
    { name: '有限空间作业', nameEn: 'Confined space work', issues: ['窨井作业未采取通风措施', '粮仓清仓作业无人监护'] },
  ],
  '09': [
    { name: '食品安全', nameEn: 'Food safety', issues: ['小卖部销售过期食品', '流动摊贩售卖来源不明的熟食'] },
    { name: '无证经营', nameEn: 'Unlicensed business', issues: ['流动商贩无证经营', '民房内开设无证小作坊'] },
    { name: '价格违法', nameEn: 'Price violations', issues: ['农资店哄抬化肥价格', '商店商品未明码标价'] },
    { name: '假冒伪劣', nameEn: 'Counterfeit goods', issues: ['村民购买到假种子，出苗率低', '商店销售假冒品牌白酒'] },
    { name: '特种设备', nameEn: 'Special equipment', issues: ['商场电梯运行时有异响', '锅炉房压力容器超期未检'] },
    { name: '药品安全', nameEn: 'Drug safety', issues: ['个体诊所销售过期药品', '有人上门向老人推销保健品'] },
    { name: '消费纠纷', nameEn: 'Consumer disputes', issues: ['理发店办理预付卡后关门', '购买的家电出现质量问题商家拒绝退换'] },
  ],
  '10': [
    { name: '农作物病虫害', nameEn: 'Crop pests', issues: ['稻田出现稻飞虱，需要技术指导', '水稻出现大面积叶片发黄'] },
    { name: '动物疫病', nameEn: 'Animal epidemics', issues: ['养殖户家禽突然大量死亡', '生猪出现发热症状，需兽医诊断'] },
    { name: '惠农补贴', nameEn: 'Farm subsidies', issues: ['耕地地力保护补贴未到账', '农机购置补贴申请进度缓慢'] },
    { name: '土地流转', nameEn: 'Land transfer', issues: ['土地流转费用未按时支付', '村民咨询土地流转合同备案'] },
    { name: '农机服务', nameEn: 'Farm machinery services', issues: ['秋收时节收割机短缺，需协调农机', '插秧机作业质量差，农户要求补插'] },
    { name: '高标准农田', nameEn: 'High-standard farmland', issues: ['高标准农田机耕路损坏', '田间灌排设施建成后无人管护'] },
    { name: '稻蟹养殖', nameEn: 'Rice-crab farming', issues: ['稻蟹共养田块水质异常，河蟹死亡', '蟹苗质量差，成活率低'] },
    { name: '宅基地管理', nameEn: 'Homestead management', issues: ['村民咨询宅基地审批手续', '有人在耕地上建房'] },
  ],
  '11': [
    { name: '灌溉渠道', nameEn: 'Irrigation channels', issues: ['灌渠堵塞，下游稻田无法上水', '渠道衬砌破损漏水'] },
    { name: '排涝泵站', nameEn: 'Drainage pumping stations', issues: ['排涝站水泵故障，田间积水排不出去', '泵站配电柜进水'] },
    { name: '堤防管护', nameEn: 'Embankments', issues: ['堤顶路面出现裂缝', '有人在堤防上取土'] },
    { name: '农村饮水', nameEn: 'Rural drinking water', issues: ['自来水浑浊、有异味', '供水站水压不足，高处住户无水'] },
    { name: '闸门涵洞', nameEn: 'Sluices and culverts', issues: ['节制闸启闭机失灵', '涵洞被杂草和垃圾堵塞'] },
    { name: '沟渠清淤', nameEn: 'Ditch dredging', issues: ['沟渠淤积严重，排水不畅', '排水干渠长满芦苇'] },
    { name: '水资源管理', nameEn: 'Water resources', issues: ['有人私打机井抽取地下水', '养殖池塘违规取用河水'] },
  ],
  '12': [
    { name: '道路交通安全', nameEn: 'Road traffic safety', issues: ['路口无减速带，多次发生剐蹭', '学校附近道路缺少人行横道'] },
    { name: '农村公路养护', nameEn: 'Rural road maintenance', issues: ['乡道边沟塌陷', '路肩杂草遮挡视线'] },
    { name: '客运公交', nameEn: 'Bus services', issues: ['村村通客车停运，村民出行不便', '公交站亭损坏'] },
    { name: '桥梁安全', nameEn: 'Bridge safety', issues: ['村内小桥护栏缺失', '桥面出现裂缝'] },
    { name: '交通设施', nameEn: 'Traffic facilities', issues: ['道路标志牌被撞倒', '信号灯故障'] },
    { name: '超限超载', nameEn: 'Overloading', issues: ['重型货车超载碾压村路', '拉土车沿途撒漏'] },
    { name: '占道停车', nameEn: 'Obstructive parking', issues: ['车辆长期占用消防通道', '大货车停在村路上影响通行'] },
  ],
  '13': [
    { name: '村卫生室', nameEn: 'Village clinics', issues: ['村卫生室缺少常用药品', '村医外出，卫生室长期关门'] },
    { name: '传染病防控', nameEn: 'Communicable disease control', issues: ['村内出现多例发热病人', '学校出现水痘病例'] },
    { name: '家庭医生签约', nameEn: 'Family doctors', issues: ['慢病老人需要家庭医生上门随访', '签约家庭医生联系不上'] },
    { name: '公共卫生', nameEn: 'Public hygiene', issues: ['公共厕所卫生条件差', '饮用水井周边有污染源'] },
    { name: '健康体检', nameEn: 'Health checks', issues: ['65岁以上老人免费体检通知不到位', '行动不便老人无法到卫生院体检'] },
    { name: '病媒防制', nameEn: 'Vector control', issues: ['老鼠泛滥，需要统一灭鼠', '水塘边蚊虫滋生'] },
  ],
  '14': [
    { name: '控辍保学', nameEn: 'Preventing dropouts', issues: ['适龄儿童辍学在家', '学生长期旷课外出打工'] },
    { name: '留守儿童关爱', nameEn: 'Left-behind children', issues: ['留守儿童缺乏看护', '留守儿童心理问题需要疏导'] },
    { name: '文化设施', nameEn: 'Cultural facilities', issues: ['农家书屋长期不开放', '文化广场音响设备损坏'] },
    { name: '文体活动', nameEn: 'Sports and cultural activities', issues: ['广场健身器材损坏', '村民希望组织秧歌队活动场地'] },
    { name: '校车安全', nameEn: 'School bus safety', issues: ['接送学生的车辆超员', '校车司机无相应驾驶资质'] },
    { name: '文物保护', nameEn: 'Heritage protection', issues: ['古城遗址周边有人取土', '文物保护标志碑被损坏'] },
  ],
  '15': [
    { name: '邻里纠纷', nameEn: 'Neighbour disputes', issues: ['两户村民因排水沟问题发生争执', '邻居之间因院墙占地发生矛盾'] },
    { name: '婚姻家庭纠纷', nameEn: 'Marriage and family disputes', issues: ['夫妻矛盾激化，需调解', '家庭成员因分家发生争吵'] },
    { name: '土地承包纠纷', nameEn: 'Land contract disputes', issues: ['村民地界不清发生争执', '承包地被他人占种'] },
    { name: '宅基地纠纷', nameEn: 'Homestead disputes', issues: ['翻建房屋时与邻居宅基地界限有争议', '兄弟之间宅基地继承纠纷'] },
    { name: '劳资纠纷', nameEn: 'Labour disputes', issues: ['雇工受伤后与雇主就赔偿发生纠纷', '务工人员与包工头结算不清'] },
    { name: '赡养纠纷', nameEn: 'Elder support disputes', issues: ['子女互相推诿，拒不赡养老人', '老人反映子女不支付赡养费'] },
    { name: '合同债务纠纷', nameEn: 'Contract and debt disputes', issues: ['村民之间借款到期不还发生争执', '粮食收购款被拖欠'] },
  ],
  '16': [
    { name: '养老服务', nameEn: 'Elderly care', issues: ['独居老人需要助餐服务', '失能老人申请居家养老服务'] },
    { name: '高龄津贴', nameEn: 'Old-age allowance', issues: ['80岁以上老人高龄津贴未到账', '老人申请高龄津贴需上门认证'] },
    { name: '殡葬管理', nameEn: 'Funeral management', issues: ['耕地内新建坟墓', '办丧事在道路上搭建灵棚'] },
    { name: '婚姻登记', nameEn: 'Marriage registration', issues: ['村民咨询婚姻登记所需材料', '当事人户口本遗失无法办理婚姻登记'] },
    { name: '未成年人保护', nameEn: 'Protection of minors', issues: ['困境儿童需要帮扶', '事实无人抚养儿童需认定'] },
    { name: '退役军人服务', nameEn: 'Veterans services', issues: ['退役军人咨询优待证办理', '优抚对象反映优抚金未到账'] },
  ],
  '17': [
    { name: '供电线路', nameEn: 'Power lines', issues: ['电线杆倾斜，电线下垂', '村内频繁停电'] },
    { name: '通信网络', nameEn: 'Telecommunications', issues: ['村内手机信号差', '光纤线缆被挂断'] },
    { name: '政策咨询', nameEn: 'Policy enquiries', issues: ['村民咨询惠农政策', '群众咨询户籍办理流程'] },
    { name: '其他事项', nameEn: 'Other matters', issues: ['群众反映的其他问题需协调', '群众建议增设便民服务设施'] },
  ],
};

/** Generic contingency plan steps; every plan starts with the first and ends with the last. */
export const PLAN_FIRST_STEP = '接单后30分钟内联系上报人核实情况';
export const PLAN_MIDDLE_STEPS = [
  '安排人员赶赴现场查看',
  '拍照留存处置前现场情况',
  '设置警示标志，采取临时防护措施',
  '制定处置方案并组织实施',
  '协调相关单位联合处置',
  '处置完成后拍照上传平台',
] as const;
export const PLAN_LAST_STEP = '向上报人反馈处置结果并申请核查结案';

export const REJECT_REASONS = [
  '经现场核实，反映的问题不属实',
  '重复上报，已与同一问题合并处理',
  '不属于平台受理范围，已告知当事人通过司法途径解决',
  '问题已由当事人自行解决',
  '上报信息不完整，请补充后重新上报',
] as const;

export const ACCEPT_NOTES = ['已受理', '情况属实，予以受理', '已受理，请尽快派单处置'] as const;
export const DISPATCH_NOTES = ['请按预案尽快处置', '请于时限内处置并反馈', '群众反映强烈，请优先处理'] as const;
export const VERIFY_NOTES = ['经现场核查，问题已解决', '已回访上报人，群众满意', '现场复核合格'] as const;
export const CLOSE_NOTES = ['办结', '已办结归档', '群众满意，结案'] as const;

/** Where in a village a problem is; combined with an issue phrase. */
export const PLACES = [
  '村东头', '村西头', '村南口', '村北侧', '村委会门前', '小学附近', '主街', '文化广场', '卫生室旁', '桥头',
  '一组', '二组', '三组', '四组', '五组', '六组', '粮库附近', '养殖小区', '稻田边', '排干渠边',
] as const;
export const COMMUNITY_PLACES = [
  '1号楼', '2号楼', '3号楼', '5号楼', '小区东门', '小区西门', '商业街', '社区服务中心旁', '幼儿园门口', '停车场',
] as const;

/** Endings that fit any case. */
export const SUFFIXES = [
  '，请尽快处理。', '，群众反映较多。', '，网格员已现场拍照核实。', '，需相关部门协调解决。', '。', '，已持续数日。',
] as const;
