/**
 * A tiny county for the data-layer tests, and a seeded generator of case event logs that go through `decide`,
 * so every generated event is one the app itself could have made.
 */
import * as Y from 'yjs';
import { decide, type Command } from '../../../src/domain/commands.ts';
import type { DocGrant } from '../../../src/domain/docs.ts';
import type { CaseEvent } from '../../../src/domain/events.ts';
import { foldAll } from '../../../src/domain/fold.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import { newId, seededRandom } from '../../../src/domain/ids.ts';
import { indexOrg, type OrgData, type UserInfo } from '../../../src/domain/org.ts';
import { inScope, type CaseState } from '../../../src/domain/workflow.ts';
import { writeOrg } from '../../../src/sync/orgdoc.ts';
import { EVENTS_ARRAY } from '../../../src/sync/protocol.ts';

/** 2025-11-28 08:00 CST. */
export const T0 = 1764288000000;
export const YEAR = 2025;
export const DOC_T01 = `cases.t01.${YEAR}`;
export const DOC_T02 = `cases.t02.${YEAR}`;

export const USERS: Record<string, UserInfo> = {
  admin: { id: 'admin', username: 'admin', name: '管理员', role: 'admin' },
  w0001: { id: 'w0001', username: 'w0001', name: '张网格', role: 'worker', townId: 't01', villageId: 't01v01', gridId: 'g0001' },
  w0002: { id: 'w0002', username: 'w0002', name: '李网格', role: 'worker', townId: 't01', villageId: 't01v01', gridId: 'g0002' },
  w0003: { id: 'w0003', username: 'w0003', name: '王网格', role: 'worker', townId: 't01', villageId: 't01v02', gridId: 'g0003' },
  w0004: { id: 'w0004', username: 'w0004', name: '赵网格', role: 'worker', townId: 't02', villageId: 't02v01', gridId: 'g0004' },
  town01: { id: 'town01', username: 'town01', name: '一镇中心', role: 'town', townId: 't01' },
  unit001: { id: 'unit001', username: 'unit001', name: '水务站', role: 'unit', unitId: 'u001' },
  unit002: { id: 'unit002', username: 'unit002', name: '派出所', role: 'unit', unitId: 'u002' },
};

export const ORG: OrgData = {
  towns: [
    { id: 't01', name: '一镇', nameEn: 'Town 1', center: [122.0, 41.1] },
    { id: 't02', name: '二镇', nameEn: 'Town 2', center: [122.1, 41.2] },
  ],
  villages: [
    { id: 't01v01', townId: 't01', name: '东村', kind: 'village' },
    { id: 't01v02', townId: 't01', name: '西村', kind: 'village' },
    { id: 't02v01', townId: 't02', name: '南村', kind: 'village' },
  ],
  grids: [
    { id: 'g0001', villageId: 't01v01', townId: 't01', name: '一格', workerId: 'w0001', center: [122.0, 41.1] },
    { id: 'g0002', villageId: 't01v01', townId: 't01', name: '二格', workerId: 'w0002', center: [122.0, 41.1] },
    { id: 'g0003', villageId: 't01v02', townId: 't01', name: '三格', workerId: 'w0003', center: [122.0, 41.1] },
    { id: 'g0004', villageId: 't02v01', townId: 't02', name: '四格', workerId: 'w0004', center: [122.1, 41.2] },
  ],
  categories: [
    { code: '01', name: '党的建设', nameEn: 'Party building' },
    { code: '02', name: '社会保障', nameEn: 'Social security' },
    { code: '03', name: '综合治理', nameEn: 'Public order' },
  ],
  subcategories: [
    { code: '0101', major: '01', name: '组织建设', nameEn: 'Organisation' },
    { code: '0102', major: '01', name: '党员管理', nameEn: 'Members' },
    { code: '0201', major: '02', name: '养老保险', nameEn: 'Pensions' },
    { code: '0301', major: '03', name: '矛盾纠纷', nameEn: 'Disputes' },
    { code: '0302', major: '03', name: '治安隐患', nameEn: 'Hazards' },
  ],
  plans: [{ id: 'P001', category: '0301', name: '纠纷调处', priority: 'normal', dueHours: 24, unitIds: ['u001'], steps: ['到场'] }],
  units: [
    { id: 'u001', name: '水务站', level: 'town', townId: 't01', categories: ['03'] },
    { id: 'u002', name: '派出所', level: 'county', categories: ['03'] },
  ],
  users: Object.values(USERS),
};

export const ORG_INDEX = indexOrg(ORG);

export const grantsFor = (user: UserInfo, year = YEAR): DocGrant[] => {
  const docs: DocGrant[] = [{ name: 'org', access: user.role === 'admin' ? 'write' : 'read' }];
  docs.push({ name: `cases.${user.townId === 't02' ? 't02' : 't01'}.${year}`, access: 'write' });
  return docs;
};

export function orgUpdate(): Uint8Array {
  const d = new Y.Doc();
  writeOrg(d, ORG);
  const u = Y.encodeStateAsUpdate(d);
  d.destroy();
  return u;
}

const CATS = ['0101', '0102', '0201', '0301', '0302'];
const T01_WORKERS = ['w0001', 'w0002', 'w0003'];

/**
 * `n` cases in town 01 with seeded lifecycles: each is reported by its grid's worker and taken as far as a random
 * stage (about 6 events per case on average at full length). Timestamps increase by 1 minute per case.
 */
export function generateCases(n: number, seed = 1, startMs = T0 - 200 * 24 * 3600 * 1000): CaseEvent[] {
  const rnd = seededRandom(seed);
  const out: CaseEvent[] = [];
  let ms = startMs;
  const stamp = (node: string) => formatHlc({ ms: (ms += 1000), counter: 0, node });
  for (let i = 0; i < n; i++) {
    ms += 60_000;
    const worker = USERS[T01_WORKERS[i % 3]!]!;
    const caseId = newId(ms, rnd.bytes);
    const steps: Array<[UserInfo, Command]> = [
      [worker, { type: 'report', category: CATS[Math.floor(rnd.next() * CATS.length)]!, description: `第${i}号案件 路灯损坏`, location: { lat: 41.1, lng: 122.0 }, gridId: worker.gridId!, townId: 't01' } as Command],
      [USERS.town01!, { type: 'accept' } as Command],
      [USERS.town01!, { type: 'dispatch', unitId: rnd.next() < 0.5 ? 'u001' : 'u002' } as Command],
      [USERS.unit001!, { type: 'resolve', note: '已修复' } as Command],
      [worker, { type: 'verify' } as Command],
      [worker, { type: 'close' } as Command],
    ];
    const stages = 1 + Math.floor(rnd.next() * steps.length);
    let state: CaseState | null = null;
    for (let s = 0; s < stages; s++) {
      const [stepActor, cmd] = steps[s]!;
      const actor = cmd.type === 'resolve' && state?.unitId === 'u002' ? USERS.unit002! : stepActor;
      const d = decide(state, cmd, { actor, org: ORG_INDEX, at: stamp(actor.id), eventId: newId(ms, rnd.bytes), caseId });
      if (!d.ok) throw new Error(`fixture: ${cmd.type} failed: ${d.error}`);
      out.push(d.event);
      state = d.state;
    }
  }
  return out;
}

/** A doc update holding these events, as if made by another device. */
export function eventsUpdate(events: readonly CaseEvent[], base?: Y.Doc): Uint8Array {
  const d = base ?? new Y.Doc();
  const sv = Y.encodeStateVector(d);
  d.getArray(EVENTS_ARRAY).push([...events]);
  const u = Y.encodeStateAsUpdate(d, sv);
  if (!base) d.destroy();
  return u;
}

/** What the read model of `user` must hold: the fold of every case, in the user's scope. */
export function expectedStates(events: readonly CaseEvent[], user: UserInfo): Map<string, CaseState> {
  const all = foldAll(events, ORG_INDEX);
  for (const [id, s] of all) if (!inScope(user, s, ORG_INDEX)) all.delete(id);
  return all;
}

let nsCounter = 0;
/** A fresh IndexedDB namespace per test. */
export const freshNs = (label = 't'): string => `${label}${Date.now().toString(36)}${(nsCounter++).toString(36)}`;

export const seqRandom = (seed = 7) => seededRandom(seed).bytes;
