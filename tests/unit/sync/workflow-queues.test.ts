// Issue 4's data layer: the read-model rows carry what queues, deadlines and the assessment need; queues read
// through Dexie indexes; stats over rows equal the domain's assessment over folded states; duplicates and the
// one-step report-and-resolve.
import { afterEach, describe, expect, it } from 'vitest';
import { assessAll } from '../../../src/domain/assessment.ts';
import { decide, type Command } from '../../../src/domain/commands.ts';
import { deadlineOf } from '../../../src/domain/deadlines.ts';
import type { CaseEvent } from '../../../src/domain/events.ts';
import { foldAll } from '../../../src/domain/fold.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import { newId, seededRandom } from '../../../src/domain/ids.ts';
import type { UserInfo } from '../../../src/domain/org.ts';
import type { CaseState } from '../../../src/domain/workflow.ts';
import { SyncEngine } from '../../../src/sync/engine.ts';
import { DOC_T01, ORG_INDEX, T0, USERS, eventsUpdate, freshNs, grantsFor, orgUpdate, seqRandom } from './fixtures.ts';
import { seedLocalDoc } from './loopback.ts';

const MIN = 60_000;
const H = 60 * MIN;
const NOW = T0; // 2025-11-28 08:00 CST
const BASE = NOW - 48 * H;
const running: SyncEngine[] = [];
afterEach(async () => {
  for (const e of running.splice(0)) await e.stop();
});

const rnd = seededRandom(11);
let stampCounter = 0;
/** A case made of commands at minutes after BASE; returns its events and final state. */
function history(steps: Array<[number, string, Command]>): { id: string; events: CaseEvent[]; state: CaseState } {
  const id = newId(BASE + steps[0]![0] * MIN, rnd.bytes);
  let state: CaseState | null = null;
  const events: CaseEvent[] = [];
  for (const [minute, who, cmd] of steps) {
    const ms = BASE + minute * MIN;
    const d = decide(state, cmd, { actor: USERS[who]!, org: ORG_INDEX, at: formatHlc({ ms, counter: stampCounter++ % 10, node: 'fx' }), eventId: newId(ms, rnd.bytes), caseId: id });
    if (!d.ok) throw new Error(`${cmd.type}: ${d.error}`);
    events.push(d.event);
    state = d.state;
  }
  return { id, events, state: state! };
}

const report = (gridId = 'g0001', lat = 41.1, lng = 122.0): Command => ({ type: 'report', category: '0301', description: '邻里纠纷', location: { lat, lng }, gridId, townId: 't01' });

// new (2, oldest first), to dispatch, returned, extension pending, overdue (unit u001), awaiting verification, done
const C = {
  newOld: history([[0, 'w0001', report()]]),
  newRecent: history([[47 * 60, 'w0002', report('g0002', 41.1005, 122.0)]]),
  toDispatch: history([[60, 'w0001', report()], [70, 'town01', { type: 'accept' }]]),
  returned: history([
    [100, 'w0003', report('g0003')],
    [110, 'town01', { type: 'accept' }],
    [120, 'town01', { type: 'dispatch', unitId: 'u001' }],
    [130, 'unit001', { type: 'return', reason: '不归我们管' }],
  ]),
  extension: history([
    [200, 'w0001', report()],
    [210, 'town01', { type: 'accept' }],
    [220, 'town01', { type: 'dispatch', unitId: 'u001', planId: 'P001' }],
    [230, 'unit001', { type: 'acknowledge' }],
    [240, 'unit001', { type: 'request_extension', hours: 24, reason: '等配件' }],
  ]),
  overdue: history([
    [300, 'w0002', report('g0002')],
    [310, 'town01', { type: 'accept' }],
    [320, 'town01', { type: 'dispatch', unitId: 'u001', dueHours: 4 }],
    [330, 'unit001', { type: 'start' }],
    [400, 'town01', { type: 'supervise', note: '请加快' }],
  ]),
  resolved: history([
    [500, 'w0001', report()],
    [510, 'town01', { type: 'accept' }],
    [520, 'town01', { type: 'dispatch', unitId: 'u002' }],
    [530, 'unit002', { type: 'resolve', note: '已调解' }],
  ]),
  closed: history([
    [600, 'w0001', report()],
    [605, 'w0001', { type: 'self_resolve', note: '当场调解' }],
    [700, 'town01', { type: 'feedback', satisfaction: 'satisfied' }],
  ]),
};
const ALL = Object.values(C).flatMap((c) => c.events);

async function engineFor(user: UserInfo): Promise<SyncEngine> {
  const ns = freshNs('wq');
  await seedLocalDoc(ns, user.id, 'org', orgUpdate());
  await seedLocalDoc(ns, user.id, DOC_T01, eventsUpdate(ALL));
  const e = new SyncEngine({ ns, user, grants: grantsFor(user), token: user.id, transport: null, now: () => NOW, random: seqRandom(3), online: () => false, flushMs: 5, pollMs: 50 });
  running.push(e);
  await e.start();
  await e.settled();
  return e;
}
const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id);

describe('queues through the read model', () => {
  it('the town center’s dispatch board', async () => {
    const e = await engineFor(USERS.town01!);
    expect(ids(await e.queryQueue('new', 0, 50))).toEqual([C.newOld.id, C.newRecent.id]);
    expect(ids(await e.queryQueue('to_dispatch', 0, 50))).toEqual([C.toDispatch.id]);
    expect(ids(await e.queryQueue('returned', 0, 50))).toEqual([C.returned.id]);
    expect(ids(await e.queryQueue('extension', 0, 50))).toEqual([C.extension.id]);
    expect(ids(await e.queryQueue('awaiting_verification', 0, 50))).toEqual([C.resolved.id]);
    // overdue, earliest due first: newOld waited 48 h for an answer (2 h allowed), the 4 h dispatch is 39 h late,
    // and the extension request (still undecided) has not moved the 24 h deadline, passed 20 h ago
    expect(ids(await e.queryQueue('overdue', 0, 50))).toEqual([C.newOld.id, C.overdue.id, C.extension.id]);
    expect(await e.countQueue('new')).toBe(2);
    expect(await e.countQueue('overdue')).toBe(3);
    expect(ids(await e.queryQueue('new', 1, 1))).toEqual([C.newRecent.id]);
    expect(await e.countQueue('new', { townId: 't02' })).toBe(0);
  });

  it('rows carry what the screens need; deadlineOf works on a row', async () => {
    const e = await engineFor(USERS.town01!);
    const [ext] = await e.queryQueue('extension', 0, 1);
    expect(ext).toMatchObject({ extensionPending: true, unitId: 'u001', planId: 'P001', dueHours: 24, dispatchedMs: BASE + 220 * MIN, dueMs: BASE + 220 * MIN + 24 * H, reporter: 'w0001' });
    const [ret] = await e.queryQueue('returned', 0, 1);
    expect(ret).toMatchObject({ returned: true, returnedUnitId: 'u001', status: 'returned' });
    expect(ret!.unitId).toBeUndefined();
    const [late] = await e.queryQueue('overdue', 1, 1);
    expect(late).toMatchObject({ supervisions: 1 });
    expect(deadlineOf(late!, NOW)).toMatchObject({ state: 'overdue', escalation: 'county' });
    const closed = (await e.queryCases({ status: 'closed' }, 0, 10))[0]!;
    expect(closed).toMatchObject({ selfResolved: true, satisfaction: 'satisfied', firstResponseMs: BASE + 605 * MIN, resolvedMs: BASE + 605 * MIN });
    expect(closed.dueMs).toBeUndefined();
  });

  it('the unit’s workspace: its cases by deadline', async () => {
    const e = await engineFor(USERS.unit001!);
    expect(ids(await e.queryQueue('unit_work', 0, 50))).toEqual([C.overdue.id, C.extension.id]);
    const e2 = await engineFor(USERS.unit002!);
    expect(ids(await e2.queryQueue('unit_work', 0, 50))).toEqual([]); // its case is resolved: waiting for verification
  });

  it('the grid worker’s tasks: verify fixes in my grid, my reports', async () => {
    const e = await engineFor(USERS.w0001!);
    expect(ids(await e.queryQueue('to_verify', 0, 50))).toEqual([C.resolved.id]);
    expect(ids(await e.queryQueue('my_reports', 0, 50))).toEqual([C.closed.id, C.resolved.id, C.extension.id, C.toDispatch.id, C.newOld.id]);
  });
});

describe('stats, duplicates and report-and-resolve in the session', () => {
  it('stats over rows equal the assessment over folded states; Table 1 for the county', async () => {
    const e = await engineFor(USERS.town01!);
    const period = { fromMs: BASE - H, toMs: NOW + H };
    const expected = assessAll(foldAll(ALL, ORG_INDEX).values(), period, NOW);
    const county = await e.stats({ kind: 'county' }, period.fromMs, period.toMs);
    expect(county.figures).toEqual(expected.county);
    expect(county.report.units).toEqual(expected.units);
    expect(county.table1?.map((r) => [r.key, r.value])).toEqual([
      ['registeredUnits', 2],
      ['systemUsers', 8],
      ['appUsers', 0],
      ['grids', 4],
      ['casesReported', 8],
      ['avgResolutionHours', expected.county.avgResolveHours],
      ['completionRate', expected.county.completionRate],
    ]);
    const unit = await e.stats({ kind: 'unit', unitId: 'u001' }, period.fromMs, period.toMs);
    expect(unit.figures).toEqual(expected.units.u001);
    expect(unit.table1).toBeUndefined();
    expect((await e.stats({ kind: 'grid', gridId: 'g0004' }, period.fromMs, period.toMs)).figures.cases).toBe(0);
  });

  it('finds open cases of the same subcategory within 250 m', async () => {
    const e = await engineFor(USERS.town01!);
    const near = await e.findDuplicates({ category: '0301', location: { lat: 41.1003, lng: 122.0 } });
    // the 0301 cases at (41.1, 122.0) that are open, and newRecent at 41.1005; not the closed one
    expect(near.map((m) => m.case.id)).toContain(C.newRecent.id);
    expect(near.map((m) => m.case.id)).not.toContain(C.closed.id);
    expect(near[0]!.case.id).toBe(C.newRecent.id);
    expect(near.every((m) => m.distanceM <= 250)).toBe(true);
    expect(await e.findDuplicates({ category: '0302', location: { lat: 41.1, lng: 122.0 } })).toEqual([]);
    expect(await e.findDuplicates({ category: '0301', location: { lat: 41.2, lng: 122.0 } })).toEqual([]);
  });

  it('reportResolved appends the report and the self-resolve together', async () => {
    const e = await engineFor(USERS.w0001!);
    const d = await e.reportResolved({ category: '0301', description: '路边积水', location: { lat: 41.1, lng: 122.0 }, gridId: 'g0001' }, '已疏通');
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.state).toMatchObject({ status: 'closed', selfResolved: true, resolution: '已疏通' });
    const got = await e.getCase(d.state.id);
    expect(got?.timeline.map((t) => [t.event.type, t.applied])).toEqual([
      ['reported', true],
      ['self_resolved', true],
    ]);
    const bad = await e.reportResolved({ category: '0301', description: '路边积水', location: { lat: 41.1, lng: 122.0 }, gridId: 'g0002' }, '已疏通');
    expect(bad).toMatchObject({ ok: false, error: 'out_of_scope' });
  });
});
