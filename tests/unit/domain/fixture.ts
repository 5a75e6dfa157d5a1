// A tiny county for the domain tests: two towns, three grids, one county and two town-level units, and one user
// of every role. Events are built here directly (not through decide) so tests can make any history, valid or not.
import type { CaseEvent, EventData, EventType } from '../../../src/domain/events.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import { newId, seededRandom } from '../../../src/domain/ids.ts';
import { indexOrg, type OrgData, type Role, type UserInfo } from '../../../src/domain/org.ts';

export const ORG: OrgData = {
  towns: [
    { id: 't01', name: '太平街道', nameEn: 'Taiping', center: [121.99, 41.23] },
    { id: 't02', name: '沙岭镇', nameEn: 'Shaling', center: [122.23, 41.34] },
  ],
  villages: [
    { id: 't01v01', townId: 't01', name: '曙光村', kind: 'village' },
    { id: 't01v02', townId: 't01', name: '新兴社区', kind: 'community' },
    { id: 't02v01', townId: 't02', name: '红旗村', kind: 'village' },
  ],
  grids: [
    { id: 'g0001', villageId: 't01v01', townId: 't01', name: '曙光村第一网格', workerId: 'w0001', center: [121.99, 41.23] },
    { id: 'g0002', villageId: 't01v02', townId: 't01', name: '新兴社区第一网格', workerId: 'w0002', center: [121.98, 41.22] },
    { id: 'g0003', villageId: 't02v01', townId: 't02', name: '红旗村第一网格', workerId: 'w0003', center: [122.23, 41.34] },
  ],
  categories: [
    { code: '01', name: '党的建设', nameEn: 'Party building' },
    { code: '06', name: '城乡建设', nameEn: 'Construction' },
  ],
  subcategories: [
    { code: '0101', major: '01', name: '党员教育管理', nameEn: 'Party member education' },
    { code: '0604', major: '06', name: '供水管网', nameEn: 'Water mains' },
  ],
  plans: [
    { id: 'P001', category: '0604', name: '供水管网一般情形处置预案', priority: 'normal', dueHours: 24, unitIds: ['u001', 'u002'], steps: ['a', 'b', 'c'] },
    { id: 'P002', category: '0604', name: '供水管网紧急情形处置预案', priority: 'urgent', dueHours: 4, unitIds: ['u001'], steps: ['a', 'b', 'c'] },
    { id: 'P003', category: '0101', name: '党员教育管理一般情形处置预案', priority: 'normal', dueHours: 24, unitIds: ['u001'], steps: ['a', 'b', 'c'] },
  ],
  units: [
    { id: 'u001', name: '县住房和城乡建设局', level: 'county', categories: ['06'] },
    { id: 'u002', name: '太平街道综合行政执法队', level: 'town', townId: 't01', categories: ['06'] },
    { id: 'u003', name: '沙岭镇综合行政执法队', level: 'town', townId: 't02', categories: ['06'] },
  ],
  users: [
    { id: 'admin', username: 'admin', name: '系统管理员', role: 'admin' },
    { id: 'county', username: 'county', name: '县指挥中心', role: 'county' },
    { id: 'town01', username: 'town01', name: '太平街道指导中心', role: 'town', townId: 't01' },
    { id: 'town02', username: 'town02', name: '沙岭镇指导中心', role: 'town', townId: 't02' },
    { id: 'w0001', username: 'w0001', name: '王伟', role: 'worker', townId: 't01', villageId: 't01v01', gridId: 'g0001' },
    { id: 'w0002', username: 'w0002', name: '李娜', role: 'worker', townId: 't01', villageId: 't01v02', gridId: 'g0002' },
    { id: 'w0003', username: 'w0003', name: '张强', role: 'worker', townId: 't02', villageId: 't02v01', gridId: 'g0003' },
    { id: 'unit001', username: 'unit001', name: '刘军', role: 'unit', unitId: 'u001' },
    { id: 'unit002', username: 'unit002', name: '赵敏', role: 'unit', unitId: 'u002', townId: 't01' },
    { id: 'unit003', username: 'unit003', name: '孙涛', role: 'unit', unitId: 'u003', townId: 't02' },
    { id: 'st01v01', username: 'st01v01', name: '杨春', role: 'secretary', townId: 't01', villageId: 't01v01' },
    { id: 'st01v02', username: 'st01v02', name: '于红', role: 'secretary', townId: 't01', villageId: 't01v02' },
    { id: 'trainer01', username: 'trainer01', name: '高静', role: 'trainer', townId: 't01' },
    { id: 'resident01', username: 'resident01', name: '陈明', role: 'resident', townId: 't01', villageId: 't01v01' },
    { id: 'p0001', username: 'p0001', name: '周立', role: 'member', townId: 't01', villageId: 't01v01', gridId: 'g0001' },
  ],
};

export const IDX = indexOrg(ORG);

export function user(id: string): UserInfo {
  const u = IDX.user(id);
  if (!u) throw new Error(`fixture: no user ${id}`);
  return u;
}

/** For each role, a user who is in scope for a case in grid g0001 dispatched to unit u002. */
export const IN_SCOPE: Record<Role, string> = {
  admin: 'admin',
  county: 'county',
  town: 'town01',
  unit: 'unit002',
  worker: 'w0001',
  secretary: 'st01v01',
  trainer: 'trainer01',
  resident: 'resident01',
  member: 'p0001',
};

export const T0 = Date.UTC(2025, 5, 1, 2, 0, 0);
export const CASE_ID = '01JX0000000000000000000000';

const ids = seededRandom(7);
export const freshId = (ms = T0) => newId(ms, ids.bytes);

export const REPORT: EventData['reported'] = {
  category: '0604',
  description: '村东头自来水管道破裂，路面积水',
  location: { lat: 41.23, lng: 121.99 },
  gridId: 'g0001',
  townId: 't01',
};

export const DATA: { [K in EventType]: EventData[K] } = {
  reported: REPORT,
  accepted: { note: '已受理' },
  rejected: { reason: '重复上报' },
  dispatched: { unitId: 'u002', planId: 'P001' },
  resolved: { note: '已修复' },
  verified: { note: '已核查' },
  closed: {},
  acknowledged: {},
  returned: { reason: '不属于本单位职责' },
  started: {},
  verification_failed: { reason: '仍在漏水' },
  feedback: { satisfaction: 'satisfied' },
  self_resolved: { note: '已当场处理' },
  extension_requested: { hours: 24, reason: '需要采购配件' },
  extension_decided: { approve: true },
  supervised: { note: '请尽快处置' },
  withdrawn: { reason: '误报' },
  reopened: { reason: '群众反映问题仍在' },
  merged: { intoCaseId: '01JX0000000000000000000099' },
  checklist: { step: 0, done: true },
};

/** An event of the fixture case, stamped `minute` minutes after T0 on `node`. */
export function ev<K extends EventType>(
  type: K,
  actor: string,
  minute: number,
  opts: { data?: EventData[K]; id?: string; caseId?: string; node?: string; counter?: number } = {},
): CaseEvent<K> {
  const ms = T0 + minute * 60_000;
  return {
    id: opts.id ?? freshId(ms),
    caseId: opts.caseId ?? CASE_ID,
    type,
    actor,
    at: formatHlc({ ms, counter: opts.counter ?? 0, node: opts.node ?? 'n1' }),
    data: opts.data ?? DATA[type],
  } as CaseEvent<K>;
}

/** The happy path, one event per minute: reported .. closed, by the expected actors. */
export function happyPath(caseId = CASE_ID): CaseEvent[] {
  return [
    ev('reported', 'w0001', 0, { caseId }),
    ev('accepted', 'town01', 1, { caseId }),
    ev('dispatched', 'town01', 2, { caseId }),
    ev('resolved', 'unit002', 3, { caseId }),
    ev('verified', 'w0001', 4, { caseId }),
    ev('closed', 'w0001', 5, { caseId }),
  ];
}
