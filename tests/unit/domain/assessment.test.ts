// Assessment figures on a hand-made county: seven cases whose every number is worked out in the comments.
import { describe, expect, it } from 'vitest';
import { assess, assessAll, orgCounts, SEED_TABLE1, table1, type AssessScope } from '../../../src/domain/assessment.ts';
import type { CaseEvent } from '../../../src/domain/events.ts';
import { foldCase } from '../../../src/domain/fold.ts';
import type { CaseState } from '../../../src/domain/workflow.ts';
import { DATA, ev, IDX, ORG, T0 } from './fixture.ts';

const H = 3_600_000;
const id = (k: string) => `01JXCASE${k.repeat(18)}`;
const on = (k: string) => ({ caseId: id(k) });

/** minute offsets from T0; NOW = T0 + 30 h */
const NOW = T0 + 30 * H;
const PERIOD = { fromMs: T0 - H, toMs: NOW };
const REPORT_G2 = { ...DATA.reported, gridId: 'g0002' };
const REPORT_G3 = { ...DATA.reported, gridId: 'g0003', townId: 't02' };

const histories: Record<string, CaseEvent[]> = {
  // A: accepted after 30 min (on time); u002 acknowledges 30 min after dispatch (on time); resolved 21 h after the
  // report, 20 h after dispatch (24 h allowed: on time); closed; satisfied.
  A: [
    ev('reported', 'w0001', 0, on('A')),
    ev('accepted', 'town01', 30, on('A')),
    ev('dispatched', 'town01', 60, on('A')),
    ev('acknowledged', 'unit002', 90, on('A')),
    ev('started', 'unit002', 100, on('A')),
    ev('resolved', 'unit002', 1260, on('A')),
    ev('verified', 'w0001', 1300, on('A')),
    ev('closed', 'w0001', 1310, on('A')),
    ev('feedback', 'town01', 1400, { ...on('A'), data: { satisfaction: 'satisfied' } }),
  ],
  // B: accepted after 3 h (late); 4 h deadline from 200 min; acknowledged 150 min after dispatch (late);
  // resolved at 560 min = 9 h 20 min after the report, 2 h after its deadline (late); closed; dissatisfied.
  B: [
    ev('reported', 'w0001', 0, on('B')),
    ev('accepted', 'town01', 180, on('B')),
    ev('dispatched', 'town01', 200, { ...on('B'), data: { unitId: 'u002', dueHours: 4 } }),
    ev('acknowledged', 'unit002', 350, on('B')),
    ev('resolved', 'unit002', 560, on('B')),
    ev('verified', 'w0001', 600, on('B')),
    ev('closed', 'w0001', 610, on('B')),
    ev('feedback', 'w0001', 700, { ...on('B'), data: { satisfaction: 'dissatisfied' } }),
  ],
  // C: rejected after 1 h (answered on time).
  C: [ev('reported', 'w0002', 0, { ...on('C'), data: REPORT_G2 }), ev('rejected', 'town01', 60, on('C'))],
  // D: self-resolved after 20 min (answered on time, completed on time); basically satisfied.
  D: [
    ev('reported', 'w0002', 0, { ...on('D'), data: REPORT_G2 }),
    ev('self_resolved', 'w0002', 20, on('D')),
    ev('feedback', 'town01', 100, { ...on('D'), data: { satisfaction: 'basically_satisfied' } }),
  ],
  // E (town t02): dispatched to u003 at 20 min with 24 h; acknowledged after 10 min; open and overdue at NOW
  // (due at 24 h 20 min).
  E: [
    ev('reported', 'w0003', 0, { ...on('E'), data: REPORT_G3 }),
    ev('accepted', 'town02', 10, on('E')),
    ev('dispatched', 'town02', 20, { ...on('E'), data: { unitId: 'u003' } }),
    ev('acknowledged', 'unit003', 30, on('E')),
  ],
  // F: withdrawn by its reporter before any answer (not counted for acceptance).
  F: [ev('reported', 'w0001', 0, on('F')), ev('withdrawn', 'w0001', 5, on('F'))],
  // G: still waiting for an answer at NOW: late acceptance, and open past its 2 h accept deadline.
  G: [ev('reported', 'w0001', 0, on('G'))],
  // H: reported two hours before the period: left out everywhere.
  H: [ev('reported', 'w0001', -120, on('H'))],
};
const cases: CaseState[] = Object.values(histories).map((h) => {
  const s = foldCase(h, IDX)!;
  expect(s.superseded, s.id).toEqual([]);
  return s;
});

describe('assessment on a hand-made county', () => {
  it('county', () => {
    const f = assess(cases, { kind: 'county' }, PERIOD, NOW);
    expect(f).toEqual({
      cases: 7,
      open: 2, // E, G
      rejected: 1,
      withdrawn: 1,
      merged: 0,
      acceptanceCounted: 6, // A B C D E G
      acceptedOnTime: 4, // A C D E
      acceptanceOnTimeRate: 4 / 6,
      completed: 3, // A B D
      completionRate: 3 / 5, // 7 - withdrawn - rejected
      completedOnTime: 2, // A D
      onTimeCompletionRate: 2 / 3,
      feedback: 3,
      satisfied: 1,
      basicallySatisfied: 1,
      dissatisfied: 1,
      satisfactionRate: 2 / 3,
      avgResolveHours: expect.closeTo((21 + 560 / 60 + 20 / 60) / 3, 9),
      overdue: 3,
      overdueOpen: 2, // E (resolve clock), G (accept clock)
      completedLate: 1, // B
      // The 不满意 rating opened a 二次回访 still waiting; every case is a staff report (issue 13).
      revisits: 1,
      revisitPending: 1,
      revisitsReopened: 0,
      revisitsCalled: 0,
      channels: { staff: 7, resident_app: 0, open311: 0, proxy_phone: 0, proxy_visit: 0, proxy_in_person: 0, api: 0 },
      // 协办 (issue 17): only units count their helping parts
      assists: 0,
      assistsConfirmed: 0,
      assistsOnTime: 0,
      assistsReleased: 0,
      assistsOpen: 0,
    });
  });

  it('unit u002: acceptance is its own acknowledgement within 2 h of dispatch', () => {
    expect(assess(cases, { kind: 'unit', unitId: 'u002' }, PERIOD, NOW)).toMatchObject({
      cases: 2,
      acceptanceCounted: 2,
      acceptedOnTime: 1,
      acceptanceOnTimeRate: 0.5,
      completed: 2,
      completionRate: 1,
      onTimeCompletionRate: 0.5,
      satisfactionRate: 0.5,
      avgResolveHours: expect.closeTo((21 + 560 / 60) / 2, 9),
      overdue: 1,
      completedLate: 1,
    });
    expect(assess(cases, { kind: 'unit', unitId: 'u003' }, PERIOD, NOW)).toMatchObject({
      cases: 1,
      acceptanceOnTimeRate: 1,
      completed: 0,
      completionRate: 0,
      onTimeCompletionRate: null,
      satisfactionRate: null,
      avgResolveHours: null,
      overdueOpen: 1,
    });
  });

  it('towns and grids', () => {
    expect(assess(cases, { kind: 'town', townId: 't01' }, PERIOD, NOW)).toMatchObject({ cases: 6, completed: 3, completionRate: 3 / 4, overdueOpen: 1 });
    expect(assess(cases, { kind: 'town', townId: 't02' }, PERIOD, NOW)).toMatchObject({ cases: 1, acceptanceOnTimeRate: 1, overdueOpen: 1 });
    expect(assess(cases, { kind: 'grid', gridId: 'g0002' }, PERIOD, NOW)).toMatchObject({ cases: 2, rejected: 1, completed: 1, completionRate: 1, satisfactionRate: 1 });
    expect(assess(cases, { kind: 'grid', gridId: 'g0001' }, PERIOD, NOW)).toMatchObject({ cases: 4, withdrawn: 1, completed: 2, completionRate: 2 / 3 });
  });

  it('assessAll equals assess for every scope, in one pass', () => {
    const all = assessAll(cases, PERIOD, NOW);
    expect(Object.keys(all.towns)).toEqual(['t01', 't02']);
    expect(Object.keys(all.units)).toEqual(['u002', 'u003']);
    expect(Object.keys(all.grids)).toEqual(['g0001', 'g0002', 'g0003']);
    expect(all.county).toEqual(assess(cases, { kind: 'county' }, PERIOD, NOW));
    const scopes: [AssessScope, object][] = [
      ...Object.entries(all.towns).map(([townId, f]) => [{ kind: 'town', townId }, f] as [AssessScope, object]),
      ...Object.entries(all.units).map(([unitId, f]) => [{ kind: 'unit', unitId }, f] as [AssessScope, object]),
      ...Object.entries(all.grids).map(([gridId, f]) => [{ kind: 'grid', gridId }, f] as [AssessScope, object]),
    ];
    for (const [scope, f] of scopes) expect(assess(cases, scope, PERIOD, NOW), JSON.stringify(scope)).toEqual(f);
  });

  it('the period is [from, to) by report time, and `now` moves only the open overdue count', () => {
    expect(assess(cases, { kind: 'county' }, { fromMs: T0 - 3 * H, toMs: NOW }, NOW).cases).toBe(8);
    expect(assess(cases, { kind: 'county' }, { fromMs: T0 - 3 * H, toMs: T0 }, NOW).cases).toBe(1);
    expect(assess(cases, { kind: 'county' }, { fromMs: T0, toMs: T0 }, NOW).cases).toBe(0);
    const early = assess(cases, { kind: 'county' }, PERIOD, T0 + 20 * H);
    expect(early.overdueOpen).toBe(1); // G only: E is not due before 24 h 20 min
    expect(early.completionRate).toBe(3 / 5);
    expect(assess([], { kind: 'county' }, PERIOD, NOW)).toMatchObject({ cases: 0, completionRate: null, avgResolveHours: null });
  });

  it('Table 1: the seed’s rows and labels, with counts and county figures', () => {
    expect(SEED_TABLE1.map((r) => `${r.label}/${r.unit}/${r.seed}`)).toEqual([
      '注册单位/家/327',
      '系统用户/人/2907',
      '手机应用用户/人/10855',
      '网格总数/个/844',
      '上报的案件数/件/20000',
      '问题解决的平均时间/小时/24',
      '问题解决完成率/百分比/0.99',
    ]);
    const county = assess(cases, { kind: 'county' }, PERIOD, NOW);
    const rows = table1(orgCounts(ORG), county);
    expect(Object.fromEntries(rows.map((r) => [r.key, r.value]))).toEqual({
      registeredUnits: 3,
      systemUsers: 14,
      appUsers: 1,
      grids: 3,
      casesReported: 7,
      avgResolutionHours: county.avgResolveHours,
      completionRate: 0.6,
    });
  });
});
