/**
 * Issue 15: reference data edits as changes in the org doc (src/domain/refchanges.ts), the plan version a dispatch
 * keeps (receipts.ts), and working-day deadlines (workdays.ts, deadlines.ts, assessment.ts).
 */
import { describe, expect, it } from 'vitest';
import { foldCase } from '../../../src/domain/fold.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import { indexOrg, type OrgData, type WorkCalendar } from '../../../src/domain/org.ts';
import { contextFrom, makeReceipt, parseReceipt, type Receipt } from '../../../src/domain/receipts.ts';
import { applyChanges, checkChange, foldChanges, type RefChange } from '../../../src/domain/refchanges.ts';
import { deadlineOf, isWorkingDay, resolveDueMs, workingDueMs } from '../../../src/domain/deadlines.ts';
import type { CaseEvent } from '../../../src/domain/events.ts';
import { CASE_ID, ORG, T0, ev, freshId, user } from './fixture.ts';

const HOUR = 3_600_000;
const ADMIN = user('admin');
let n = 0;
function change<T extends RefChange['type']>(type: T, data: Extract<RefChange, { type: T }>['data'], minute = ++n, actor = 'admin'): RefChange {
  const ms = T0 + minute * 60_000;
  return { id: freshId(ms), at: formatHlc({ ms, counter: 0, node: 'adm' }), actor, type, data } as RefChange;
}
const plan = (over: Record<string, unknown> = {}) => ({ ...ORG.plans[0]!, ...over });
const code = (c: RefChange, org: OrgData = ORG) => checkChange(c, org, ADMIN)?.code ?? null;

describe('checkChange: schemas, references, authority', () => {
  it('accepts well-formed changes that name what exists', () => {
    expect(code(change('town.set', { id: 't03', name: '新镇', nameEn: 'New', center: [122, 41] }))).toBeNull();
    expect(code(change('village.set', { id: 't01v03', townId: 't01', name: '新村', kind: 'village' }))).toBeNull();
    expect(code(change('grid.set', { id: 'g0004', villageId: 't01v01', townId: 't01', name: '新网格', workerId: '', center: [122, 41] }))).toBeNull();
    expect(code(change('plan.set', plan({ dueHours: 48, steps: ['一', '二'] })))).toBeNull();
    expect(code(change('unit.set', { id: 'u004', name: '县水利局', level: 'county', categories: ['06'] }))).toBeNull();
  });
  it('refuses broken references, limits and ids', () => {
    expect(code(change('grid.set', { id: 'g0004', villageId: 't09v01', townId: 't09', name: 'x', workerId: '', center: [122, 41] }))).toBe('bad_reference');
    // The village is in t01: a grid of it may not claim t02.
    expect(code(change('grid.set', { id: 'g0004', villageId: 't01v01', townId: 't02', name: 'x', workerId: '', center: [122, 41] }))).toBe('bad_reference');
    expect(code(change('village.set', { id: 't05v01', townId: 't05', name: 'x', kind: 'village' }))).toBe('bad_reference');
    expect(code(change('subcategory.set', { code: '0901', major: '09', name: 'x', nameEn: '' }))).toBe('bad_reference');
    expect(code(change('plan.set', plan({ category: '9999' })))).toBe('bad_reference');
    expect(code(change('plan.set', plan({ unitIds: ['u999'] })))).toBe('bad_reference');
    expect(code(change('unit.set', { id: 'u004', name: 'x', level: 'county', categories: ['99'] }))).toBe('bad_reference');
    expect(code(change('plan.set', plan({ dueHours: 0 })))).toBe('invalid_event');
    expect(code(change('plan.set', plan({ dueHours: 2161 })))).toBe('invalid_event');
    expect(code(change('plan.set', plan({ steps: [] })))).toBe('invalid_event');
    expect(code(change('plan.set', plan({ steps: ['ok', '  '] })))).toBe('invalid_event');
    expect(code(change('plan.set', plan({ steps: Array.from({ length: 31 }, (_, i) => `s${i}`) })))).toBe('invalid_event');
    expect(code(change('plan.set', plan({ dueIn: 'working_days' })))).toBe('invalid_event'); // without dueDays
    expect(code(change('plan.set', plan({ dueIn: 'working_days', dueDays: 61 })))).toBe('invalid_event');
    expect(code(change('town.set', { id: 'town-3', name: 'x', nameEn: '', center: [122, 41] }))).toBe('invalid_event');
    expect(code({ ...change('town.set', { id: 't03', name: 'x', nameEn: '', center: [122, 41] }), id: 'not-a-ulid' })).toBe('invalid_event');
    expect(code(change('calendar.set', { year: 2026, holidays: ['2026-02-30'], workdays: [] }))).toBe('invalid_event');
    expect(code(change('calendar.set', { year: 2026, holidays: ['2026-02-14'], workdays: ['2026-02-14'] }))).toBe('invalid_event');
  });
  it('retired items: nothing new may name them, a parent with active children is not retired, nothing moves to another town', () => {
    const retired = applyChanges(ORG, [change('grid.set', { ...ORG.grids[2]!, retired: true }), change('village.set', { ...ORG.villages[2]!, retired: true })]);
    expect(retired.villages.find((v) => v.id === 't02v01')?.retired).toBe(true);
    expect(code(change('grid.set', { id: 'g0009', villageId: 't02v01', townId: 't02', name: 'x', workerId: '', center: [122, 41] }), retired)).toBe('bad_reference');
    expect(code(change('village.set', { ...ORG.villages[0]!, retired: true }))).toBe('bad_reference'); // g0001 is active
    expect(code(change('grid.set', { ...ORG.grids[0]!, villageId: 't02v01', townId: 't02' }))).toBe('bad_reference'); // another town
    expect(code(change('grid.set', { ...ORG.grids[0]!, villageId: 't01v02' }))).toBeNull(); // another village of its town
    expect(code(change('village.set', { ...ORG.villages[0]!, townId: 't02' }))).toBe('bad_reference');
  });
  it('the actor is the user, and an admin', () => {
    expect(checkChange(change('town.set', { id: 't03', name: 'x', nameEn: '', center: [122, 41] }, 1, 'county'), ORG, ADMIN)?.code).toBe('forged_actor');
    expect(checkChange(change('town.set', { id: 't03', name: 'x', nameEn: '', center: [122, 41] }, 1, 'county'), ORG, user('county'))?.code).toBe('role_not_allowed');
  });
});

describe('applyChanges: the fold in HLC order', () => {
  it('applies in HLC order whatever the array order, skips invalid changes, numbers plan versions', () => {
    const a = change('plan.set', plan({ dueHours: 48 }), 1);
    const b = change('plan.set', plan({ dueHours: 12 }), 2);
    const broken = change('grid.set', { id: 'g0004', villageId: 't09v01', townId: 't09', name: 'x', workerId: '', center: [122, 41] }, 3);
    const r = foldChanges(ORG, [b, broken, a, 'junk']);
    const p = r.org.plans.find((x) => x.id === 'P001')!;
    expect(p).toMatchObject({ dueHours: 12, version: 3 });
    expect(r.applied).toEqual([a.id, b.id]);
    expect(r.skipped.get(broken.id)?.code).toBe('bad_reference');
    expect(r.org.grids.map((g) => g.id)).toEqual(ORG.grids.map((g) => g.id));
    expect(ORG.plans[0]!.dueHours).toBe(24); // the base is not mutated
  });
  it('a child created after its parent (in HLC order) applies, before it it does not', () => {
    const v = change('village.set', { id: 't01v03', townId: 't01', name: '新村', kind: 'village' }, 10);
    const g = change('grid.set', { id: 'g0004', villageId: 't01v03', townId: 't01', name: '新网格', workerId: '', center: [122, 41] }, 11);
    expect(applyChanges(ORG, [g, v]).grids.some((x) => x.id === 'g0004')).toBe(true);
    const early = change('grid.set', { id: 'g0005', villageId: 't01v03', townId: 't01', name: '早', workerId: '', center: [122, 41] }, 9);
    expect(applyChanges(ORG, [early, v]).grids.some((x) => x.id === 'g0005')).toBe(false);
  });
});

describe('a case keeps the plan version it was dispatched with', () => {
  const receipts = (events: readonly CaseEvent[], org: ReturnType<typeof indexOrg>, into = new Map<string, Receipt>()) => {
    for (const e of events) into.set(e.id, parseReceipt(makeReceipt(e, org, Number(e.at.slice(0, 13))))!);
    return into;
  };
  it('changing dueHours and steps after the dispatch changes neither deadline nor checklist; a new dispatch uses the new version', () => {
    const before = indexOrg(applyChanges(ORG, []));
    const first = [ev('reported', 'w0001', 0), ev('accepted', 'town01', 5), ev('dispatched', 'town01', 10)];
    const r = receipts(first, before);
    expect(r.get(first[2]!.id)?.x).toMatchObject({ pd: 24, pk: 3, pv: 1 });
    const edited = indexOrg(applyChanges(ORG, [change('plan.set', plan({ dueHours: 2, steps: ['一', '二', '三', '四'] }), 20)]));
    expect(edited.planById('P001')).toMatchObject({ dueHours: 2, version: 2 });
    const old = foldCase(first, contextFrom(r, edited))!;
    expect(old).toMatchObject({ dueHours: 24, planVersion: 1, checklist: [false, false, false] });
    expect(resolveDueMs(old)).toBe(old.dispatchedMs! + 24 * HOUR);

    const other = '01JX0000000000000000000002';
    const second = [ev('reported', 'w0001', 30, { caseId: other }), ev('accepted', 'town01', 31, { caseId: other }), ev('dispatched', 'town01', 32, { caseId: other })];
    const fresh = foldCase(second, contextFrom(receipts(second, edited), edited))!;
    expect(fresh).toMatchObject({ dueHours: 2, planVersion: 2, checklist: [false, false, false, false] });
  });
  it('receipts without a plan version (before issue 15) stay valid', () => {
    expect(parseReceipt({ e: CASE_ID, rx: T0, a: 'town:t01', x: { ut: 't01', pc: '0604', pd: 24, pk: 3 } })).not.toBeNull();
  });
});

// The State Council's 2026 schedule (国办发明电, 2025-11-04: 国务院办公厅关于2026年部分节假日安排的通知), as reprinted
// from 新华社: 春节 2月15日至23日放假调休，2月14日（周六）、2月28日（周六）上班; 国庆 10月1日至7日, 9月20日、10月10日上班.
const CAL_2026: WorkCalendar = {
  year: 2026,
  holidays: [
    '2026-01-01', '2026-01-02', '2026-01-03',
    '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23',
    '2026-04-04', '2026-04-05', '2026-04-06',
    '2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05',
    '2026-06-19', '2026-06-20', '2026-06-21',
    '2026-09-25', '2026-09-26', '2026-09-27',
    '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07',
  ],
  workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
};
/** An instant on a CST day at hh:00. */
const cst = (day: string, hh = 10) => Date.parse(`${day}T${String(hh).padStart(2, '0')}:00:00+08:00`);
const endOf = (day: string) => cst(day, 0) + 24 * HOUR;

describe('working days (CST), with the real 2026 schedule', () => {
  it('knows weekends, holidays and 调休 workdays', () => {
    expect(isWorkingDay('2026-02-14', [CAL_2026])).toBe(true); // Saturday, 调休
    expect(isWorkingDay('2026-02-16', [CAL_2026])).toBe(false); // Monday, 春节
    expect(isWorkingDay('2026-02-24', [CAL_2026])).toBe(true);
    expect(isWorkingDay('2026-02-14')).toBe(false); // no calendar: weekends only
    expect(isWorkingDay('2026-02-16')).toBe(true);
  });
  it('the deadline is the end of the Nth working day after the dispatch day', () => {
    // Dispatched Friday 13 Feb: 1st working day Sat 14 (调休), then the holiday; 2nd is Tue 24 Feb.
    expect(workingDueMs(cst('2026-02-13'), 1, [CAL_2026])).toBe(endOf('2026-02-14'));
    expect(workingDueMs(cst('2026-02-13'), 2, [CAL_2026])).toBe(endOf('2026-02-24'));
    // 24..27 Feb (Tue-Fri) then Sat 28 (调休): the 5th working day after 23 Feb is the 28th.
    expect(workingDueMs(cst('2026-02-23'), 5, [CAL_2026])).toBe(endOf('2026-02-28'));
    // Without the calendar: weekends only (Fri 13 + 2 = Tue 17).
    expect(workingDueMs(cst('2026-02-13'), 2)).toBe(endOf('2026-02-17'));
    // Late in the evening CST is still that CST day (23:30 = 15:30 UTC).
    expect(workingDueMs(Date.parse('2026-09-30T23:30:00+08:00'), 1, [CAL_2026])).toBe(endOf('2026-10-08'));
    // Across the new year into a year without a calendar.
    expect(workingDueMs(cst('2026-12-31'), 1, [CAL_2026])).toBe(endOf('2027-01-01'));
  });
  it('a plan in working days: the relay fixes the deadline at the dispatch; later calendar edits change nothing', () => {
    const withCal = applyChanges(ORG, [
      change('calendar.set', CAL_2026, 1),
      change('plan.set', plan({ dueIn: 'working_days', dueDays: 2 }), 2),
    ]);
    const org = indexOrg(withCal);
    const at = (ms: number) => formatHlc({ ms, counter: 0, node: 'n1' });
    const dispatchMs = cst('2026-02-13', 9);
    const events = [
      { ...ev('reported', 'w0001', 0), at: at(dispatchMs - 2 * HOUR) },
      { ...ev('accepted', 'town01', 0), at: at(dispatchMs - HOUR) },
      { ...ev('dispatched', 'town01', 0), at: at(dispatchMs) },
    ] as CaseEvent[];
    const r = new Map(events.map((e) => [e.id, parseReceipt(makeReceipt(e, org, Number(e.at.slice(0, 13))))!]));
    expect(r.get(events[2]!.id)?.x).toMatchObject({ pw: 2, pm: endOf('2026-02-24') - dispatchMs });
    const noCalendar = indexOrg(applyChanges(ORG, []));
    const c = foldCase(events, contextFrom(r, noCalendar))!;
    expect(resolveDueMs(c)).toBe(endOf('2026-02-24'));
    expect(deadlineOf(c, cst('2026-02-20'))?.state).not.toBe('overdue');
    expect(deadlineOf(c, cst('2026-02-25'))?.state).toBe('overdue');
    // Before its receipt, the device computes the same with its own calendar.
    const provisional = foldCase(events, contextFrom(new Map(), org))!;
    expect(resolveDueMs(provisional)).toBe(endOf('2026-02-24'));
  });
});
