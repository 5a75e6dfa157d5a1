// A tiny county for the domain tests (built on tests/support/county.ts): two towns, three grids, one county and two
// town-level units, and one user of every role. Events are built here directly (not through decide) so tests can make any history, valid or not.
import type { CaseEvent, EventData, EventType } from '../../../src/domain/events.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import { newId, seededRandom } from '../../../src/domain/ids.ts';
import { indexOrg, type OrgData, type Role, type UserInfo } from '../../../src/domain/org.ts';
import { county, countyUnit, grid, inGrid, inVillage, major, person, secretary, sub, town, townUnit, townUser, unitUser, village, worker } from '../../support/county.ts';

export const ORG: OrgData = county({
  towns: [town('t01', '太平街道', 'Taiping', [121.99, 41.23]), town('t02', '沙岭镇', 'Shaling', [122.23, 41.34])],
  villages: [village('t01v01', '曙光村'), village('t01v02', '新兴社区', 'community'), village('t02v01', '红旗村')],
  grids: [
    grid('g0001', 't01v01', '曙光村第一网格', [121.99, 41.23]),
    grid('g0002', 't01v02', '新兴社区第一网格', [121.98, 41.22]),
    grid('g0003', 't02v01', '红旗村第一网格', [122.23, 41.34]),
  ],
  categories: [major('01', '党的建设', 'Party building'), major('06', '城乡建设', 'Construction')],
  subcategories: [sub('0101', '党员教育管理', 'Party member education'), sub('0604', '供水管网', 'Water mains')],
  plans: [
    { id: 'P001', category: '0604', name: '供水管网一般情形处置预案', priority: 'normal', dueHours: 24, unitIds: ['u001', 'u002'], steps: ['a', 'b', 'c'] },
    { id: 'P002', category: '0604', name: '供水管网紧急情形处置预案', priority: 'urgent', dueHours: 4, unitIds: ['u001'], steps: ['a', 'b', 'c'] },
    { id: 'P003', category: '0101', name: '党员教育管理一般情形处置预案', priority: 'normal', dueHours: 24, unitIds: ['u001'], steps: ['a', 'b', 'c'] },
  ],
  units: [
    countyUnit('u001', '县住房和城乡建设局', ['06']),
    townUnit('u002', '太平街道综合行政执法队', 't01', ['06']),
    townUnit('u003', '沙岭镇综合行政执法队', 't02', ['06']),
  ],
  users: [
    person('admin', '系统管理员', 'admin'),
    person('county', '县指挥中心', 'county'),
    townUser('t01', '太平街道指导中心'),
    townUser('t02', '沙岭镇指导中心'),
    worker('g0001', 't01v01', '王伟'),
    worker('g0002', 't01v02', '李娜'),
    worker('g0003', 't02v01', '张强'),
    unitUser('u001', '刘军'),
    unitUser('u002', '赵敏', 't01'),
    unitUser('u003', '孙涛', 't02'),
    secretary('t01v01', '杨春'),
    secretary('t01v02', '于红'),
    person('trainer01', '高静', 'trainer', { townId: 't01' }),
    person('resident01', '陈明', 'resident', inVillage('t01v01')),
    person('p0001', '周立', 'member', inGrid('g0001', 't01v01')),
  ],
});

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
  revisit_called: { note: '已电话回访，群众表示理解', outcome: 'basically_satisfied' },
  // issue 17: these name a dispatch that is not the fixture case's (a helper test builds its own)
  assist_recorded: { dispatchId: '01JX0000000000000000000042', note: '已配合排查管线' },
  assist_confirmed: { dispatchId: '01JX0000000000000000000042' },
  assist_released: { dispatchId: '01JX0000000000000000000042', unitId: 'u001', reason: '无需协办' },
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

/** Seeded randomness for the property tests (convergence, fold): a random element, a shuffled copy. */
export type Rnd = ReturnType<typeof seededRandom>;
export const pick = <T>(r: Rnd, list: readonly T[]): T => list[Math.floor(r.next() * list.length)]!;
export function shuffle<T>(r: Rnd, list: readonly T[]): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
