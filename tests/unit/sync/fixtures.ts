/**
 * A tiny county for the data-layer tests (built on tests/support/county.ts), and a seeded generator of case event logs that go through `decide`,
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
import { writeOrg } from '../../../src/protocol/orgdoc.ts';
import { EVENTS_ARRAY } from '../../../src/protocol/wire.ts';
import { SyncEngine, type EngineOptions } from '../../../src/sync/engine.ts';
import { county, countyUnit, grid, major, person, sub, town, townUnit, townUser, unitUser, village, worker } from '../../support/county.ts';

/** 2025-11-28 08:00 CST. */
export const T0 = 1764288000000;
export const YEAR = 2025;
export const DOC_T01 = `cases.t01.${YEAR}`;
export const DOC_T02 = `cases.t02.${YEAR}`;

export const USERS: Record<string, UserInfo> = {
  admin: person('admin', '管理员', 'admin'),
  w0001: worker('g0001', 't01v01', '张网格'),
  w0002: worker('g0002', 't01v01', '李网格'),
  w0003: worker('g0003', 't01v02', '王网格'),
  w0004: worker('g0004', 't02v01', '赵网格'),
  town01: townUser('t01', '一镇中心'),
  unit001: unitUser('u001', '水务站'),
  unit002: unitUser('u002', '派出所'),
};

export const ORG: OrgData = county({
  towns: [town('t01', '一镇', 'Town 1', [122.0, 41.1]), town('t02', '二镇', 'Town 2', [122.1, 41.2])],
  villages: [village('t01v01', '东村'), village('t01v02', '西村'), village('t02v01', '南村')],
  grids: [
    grid('g0001', 't01v01', '一格', [122.0, 41.1]),
    grid('g0002', 't01v01', '二格', [122.0, 41.1]),
    grid('g0003', 't01v02', '三格', [122.0, 41.1]),
    grid('g0004', 't02v01', '四格', [122.1, 41.2]),
  ],
  categories: [major('01', '党的建设', 'Party building'), major('02', '社会保障', 'Social security'), major('03', '综合治理', 'Public order')],
  subcategories: [
    sub('0101', '组织建设', 'Organisation'),
    sub('0102', '党员管理', 'Members'),
    sub('0201', '养老保险', 'Pensions'),
    sub('0301', '矛盾纠纷', 'Disputes'),
    sub('0302', '治安隐患', 'Hazards'),
  ],
  plans: [{ id: 'P001', category: '0301', name: '纠纷调处', priority: 'normal', dueHours: 24, unitIds: ['u001'], steps: ['到场'] }],
  units: [townUnit('u001', '水务站', 't01', ['03']), countyUnit('u002', '派出所', ['03'])],
  users: Object.values(USERS),
});

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

/**
 * An engine for `user` on namespace `ns` with the tests' defaults (no transport, a clock from T0 moving 1 s a call,
 * short debounce and poll), pushed to `running` so the test file's afterEach stops it.
 */
export function testEngine(running: SyncEngine[], user: UserInfo, ns: string, over: Partial<EngineOptions> = {}): SyncEngine {
  let t = T0;
  const e = new SyncEngine({
    ns,
    user,
    grants: grantsFor(user),
    token: user.id,
    transport: null,
    now: () => (t += 1000),
    random: seqRandom(user.id.length + ns.length),
    online: () => true,
    flushMs: 5,
    pollMs: 10,
    ...over,
  });
  running.push(e);
  return e;
}
