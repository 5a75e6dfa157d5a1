// Issue 17: the patrols log (src/domain/patrols.ts): schema, who may write what where, the fold (one open patrol per
// worker, check-ins after the end, two devices of one worker), what a patrol claims (distance between recorded
// fixes only, gaps, duration of an open patrol) and the 考核's done against expected.
import { describe, expect, it } from 'vitest';
import { docAccess, patrolsAccess, patrolsDocName, recordDocsForUser } from '../../../src/domain/docs.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import {
  ACCURATE_M,
  cstWeekStart,
  expectedPatrols,
  foldPatrols,
  GAP_MS,
  parsePatrolEvent,
  patrolFigures,
  patrolOfCase,
  patrolRoleMayWrite,
  summarizePatrol,
  WEEK_MS,
  type Fix,
  type PatrolData,
  type PatrolEventType,
} from '../../../src/domain/patrols.ts';
import { IDX, ORG, user } from './fixture.ts';

const T0 = Date.UTC(2026, 10, 2, 1); // Monday 2 Nov 2026, 09:00 China time
const MIN = 60_000;
let seq = 0;
const pid = (n: number) => `01JP${String(n).padStart(22, '0')}`;
const cid = (n: number) => `01JC${String(n).padStart(22, '0')}`;
function ev<T extends PatrolEventType>(type: T, data: PatrolData[T], ms: number, actor = 'w0001', node = 'n1') {
  seq++;
  return { id: `01JE${String(seq).padStart(22, '0')}`, type, actor, at: formatHlc({ ms, counter: 0, node }), data };
}
/** A fix about `north` metres north of g0001's centre. */
const fix = (ms: number, north = 0, accuracyM = 10): Fix => ({ lat: 41.23 + north / 111_195, lng: 121.99, accuracyM, fixMs: ms });
const start = (p: number, ms: number, actor = 'w0001', node = 'n1') => ev('patrol_started', { patrolId: pid(p) }, ms, actor, node);
const checkin = (p: number, ms: number, north = 0, accuracyM = 10, actor = 'w0001', node = 'n1') => ev('checkin_recorded', { patrolId: pid(p), fix: fix(ms, north, accuracyM) }, ms, actor, node);
const end = (p: number, ms: number, actor = 'w0001', node = 'n1') => ev('patrol_ended', { patrolId: pid(p) }, ms, actor, node);

describe('patrol events', () => {
  it('parse a check-in and refuse coordinates out of range, a negative or huge accuracy, a bad frequency', () => {
    expect(parsePatrolEvent(checkin(1, T0)).ok).toBe(true);
    const withFix = (f: Partial<Fix>) => ({ ...checkin(1, T0), data: { patrolId: pid(1), fix: { ...fix(T0), ...f } } });
    for (const bad of [{ lat: 91 }, { lat: -90.5 }, { lng: 181 }, { lng: Number.NaN }, { accuracyM: -1 }, { accuracyM: 1e6 }, { fixMs: 5 }]) {
      const r = parsePatrolEvent(withFix(bad));
      expect(r.ok, JSON.stringify(bad)).toBe(false);
      if (!r.ok) expect(r.detail).toContain('checkin_recorded');
    }
    expect(parsePatrolEvent(ev('frequency_set', { perWeek: 3 }, T0, 'town01')).ok).toBe(true);
    expect(parsePatrolEvent(ev('frequency_set', { perWeek: 2.5 }, T0, 'town01')).ok).toBe(false);
    expect(parsePatrolEvent(ev('frequency_set', { perWeek: 99 }, T0, 'town01')).ok).toBe(false);
    expect(parsePatrolEvent({ ...start(1, T0), data: { patrolId: pid(1), extra: 1 } }).ok, 'strict: no unknown fields').toBe(false);
  });
});

describe('patrols docs: access and who writes what', () => {
  const g = (id: string) => IDX.grid(id);
  it('the grid worker and its town center write, its secretary, county and admin read, no one else', () => {
    expect(patrolsAccess(user('w0001'), g('g0001'))).toBe('write');
    expect(patrolsAccess(user('w0002'), g('g0001'))).toBeNull();
    expect(patrolsAccess(user('town01'), g('g0001'))).toBe('write');
    expect(patrolsAccess(user('town02'), g('g0001'))).toBeNull();
    expect(patrolsAccess(user('st01v01'), g('g0001'))).toBe('read');
    expect(patrolsAccess(user('st01v02'), g('g0001'))).toBeNull();
    expect(patrolsAccess(user('county'), g('g0001'))).toBe('read');
    expect(patrolsAccess(user('admin'), g('g0001'))).toBe('read');
    for (const who of ['unit001', 'trainer01', 'resident01', 'p0001']) expect(patrolsAccess(user(who), g('g0001')), who).toBeNull();
    expect(docAccess(user('w0001'), patrolsDocName('g0001'), ['t01', 't02'], g)).toBe('write');
    expect(docAccess(user('w0001'), patrolsDocName('g9999'), ['t01', 't02'], g)).toBeNull();
  });

  it('lists the doc for the worker, secretary and town center; not for the county (one per grid of the county)', () => {
    const names = (who: string) => recordDocsForUser(user(who), ['t01', 't02'], ORG.grids).map((x) => x.name).filter((n) => n.startsWith('patrols.'));
    expect(names('w0001')).toEqual(['patrols.g0001']);
    expect(names('st01v01')).toEqual(['patrols.g0001']);
    expect(names('town01')).toEqual(['patrols.g0001', 'patrols.g0002']);
    expect(names('county')).toEqual([]);
  });

  it("patrols are the grid worker's, the frequency the grid's own town center's", () => {
    expect(patrolRoleMayWrite(user('w0001'), 'checkin_recorded', 'g0001', 't01')).toBe(true);
    expect(patrolRoleMayWrite(user('w0002'), 'checkin_recorded', 'g0001', 't01'), "another grid's worker").toBe(false);
    expect(patrolRoleMayWrite(user('w0001'), 'frequency_set', 'g0001', 't01'), 'a worker sets no frequency').toBe(false);
    expect(patrolRoleMayWrite(user('town01'), 'frequency_set', 'g0001', 't01')).toBe(true);
    expect(patrolRoleMayWrite(user('town02'), 'frequency_set', 'g0001', 't01'), "another town's center").toBe(false);
    expect(patrolRoleMayWrite(user('town01'), 'patrol_started', 'g0001', 't01'), 'the center does not patrol').toBe(false);
    expect(patrolRoleMayWrite(user('st01v01'), 'frequency_set', 'g0001', 't01')).toBe(false);
    expect(patrolRoleMayWrite(user('county'), 'frequency_set', 'g0001', 't01')).toBe(false);
  });
});

describe('foldPatrols', () => {
  it('keeps a patrol with its check-ins, its case and its end', () => {
    const s = foldPatrols([start(1, T0), checkin(1, T0 + MIN), ev('case_linked', { patrolId: pid(1), caseId: cid(1) }, T0 + 2 * MIN), checkin(1, T0 + 3 * MIN, 100), end(1, T0 + 4 * MIN)]);
    const p = s.patrols.get(pid(1))!;
    expect(p.checkins).toHaveLength(2);
    expect(p.caseIds).toEqual([cid(1)]);
    expect(p.endedMs).toBe(T0 + 4 * MIN);
    expect(s.open.size).toBe(0);
    expect(s.superseded).toEqual([]);
    expect(patrolOfCase(s, cid(1))?.id).toBe(pid(1));
  });

  it('a check-in, a link or an end after the end, or of an unknown patrol, has no effect', () => {
    const late = checkin(1, T0 + 10 * MIN);
    const lateCase = ev('case_linked', { patrolId: pid(1), caseId: cid(2) }, T0 + 11 * MIN);
    const twice = end(1, T0 + 12 * MIN);
    const orphan = checkin(9, T0 + 13 * MIN);
    const s = foldPatrols([start(1, T0), checkin(1, T0 + MIN), end(1, T0 + 5 * MIN), late, lateCase, twice, orphan]);
    expect(s.superseded).toEqual([late.id, lateCase.id, twice.id, orphan.id]);
    expect(s.patrols.get(pid(1))!.checkins).toHaveLength(1);
  });

  it("another user's check-in on a worker's patrol has no effect (a worker of the grid today is not its author)", () => {
    const other = checkin(1, T0 + MIN, 0, 10, 'w0009');
    const s = foldPatrols([start(1, T0), other]);
    expect(s.superseded).toEqual([other.id]);
  });

  it('two devices of one worker started offline: the earlier patrol wins, the later and its check-ins are superseded', () => {
    const phoneA = [start(1, T0, 'w0001', 'A'), checkin(1, T0 + 2 * MIN, 0, 10, 'w0001', 'A'), end(1, T0 + 30 * MIN, 'w0001', 'A')];
    const phoneB = [start(2, T0 + MIN, 'w0001', 'B'), checkin(2, T0 + 3 * MIN, 0, 10, 'w0001', 'B'), end(2, T0 + 20 * MIN, 'w0001', 'B')];
    // Any order of arrival folds the same.
    for (const events of [
      [...phoneA, ...phoneB],
      [...phoneB, ...phoneA],
    ]) {
      const s = foldPatrols(events);
      expect([...s.patrols.keys()]).toEqual([pid(1)]);
      expect(s.superseded).toEqual(phoneB.map((e) => e.id));
    }
    // After phone A ended its patrol, phone B may start a new one.
    const s = foldPatrols([...phoneA, start(3, T0 + 31 * MIN, 'w0001', 'B')]);
    expect(s.patrols.has(pid(3))).toBe(true);
  });

  it('two workers (the grid changed hands) each have their own open patrol; a reused id has no effect', () => {
    const first = start(1, T0);
    const dup = { ...start(2, T0 + MIN, 'w0009'), id: first.id };
    const s = foldPatrols([first, start(3, T0 + 2 * MIN, 'w0009'), dup]);
    expect(s.open.get('w0001')).toBe(pid(1));
    expect(s.open.get('w0009')).toBe(pid(3));
    expect(s.superseded).toContain(dup.id);
  });
});

describe('what a patrol claims', () => {
  it('distance is between recorded fixes only: no distance across a gap or to an inaccurate fix', () => {
    const s = foldPatrols([
      start(1, T0),
      checkin(1, T0 + MIN, 0),
      checkin(1, T0 + 6 * MIN, 300), // +300 m
      checkin(1, T0 + 11 * MIN, 700, ACCURATE_M + 50), // inaccurate: no leg to or from it
      checkin(1, T0 + 16 * MIN, 800),
      checkin(1, T0 + 16 * MIN + GAP_MS + MIN, 2000), // after a gap: not bridged
      checkin(1, T0 + 16 * MIN + GAP_MS + 6 * MIN, 2100), // +100 m
      end(1, T0 + 16 * MIN + GAP_MS + 7 * MIN),
    ]);
    const sum = summarizePatrol(s.patrols.get(pid(1))!);
    expect(sum.distanceM).toBeGreaterThanOrEqual(399);
    expect(sum.distanceM).toBeLessThanOrEqual(401);
    expect(sum.gaps).toEqual([{ fromMs: T0 + 16 * MIN, toMs: T0 + 16 * MIN + GAP_MS + MIN }]);
    expect(sum.inaccurate).toBe(1);
    expect(sum.durationMs).toBe(16 * MIN + GAP_MS + 7 * MIN);
    expect(sum.open).toBe(false);
  });

  it('a patrol left open claims no time past its last fix; ended hours later, the stretch is a gap', () => {
    const open = foldPatrols([start(1, T0), checkin(1, T0 + 2 * MIN), checkin(1, T0 + 9 * MIN, 50)]);
    const o = summarizePatrol(open.patrols.get(pid(1))!);
    expect(o.open).toBe(true);
    expect(o.durationMs).toBe(9 * MIN);
    const later = foldPatrols([start(1, T0), checkin(1, T0 + 2 * MIN), checkin(1, T0 + 9 * MIN, 50), end(1, T0 + 5 * 60 * MIN)]);
    const l = summarizePatrol(later.patrols.get(pid(1))!);
    expect(l.gaps).toEqual([{ fromMs: T0 + 9 * MIN, toMs: T0 + 5 * 60 * MIN }]);
    expect(l.distanceM).toBe(o.distanceM);
  });

  it('a fix older than the check-in is counted as stale', () => {
    const old = { ...checkin(1, T0 + 10 * MIN), data: { patrolId: pid(1), fix: fix(T0 + MIN) } };
    const s = foldPatrols([start(1, T0), old]);
    expect(summarizePatrol(s.patrols.get(pid(1))!).stale).toBe(1);
  });
});

describe('考核: patrols done against expected', () => {
  const week = (n: number) => T0 + n * WEEK_MS;
  it('counts each expectation for the part of the period it was in effect; none before the first', () => {
    const s = foldPatrols([ev('frequency_set', { perWeek: 3 }, week(1), 'town01'), ev('frequency_set', { perWeek: 7 }, week(2), 'town01')]);
    expect(expectedPatrols(s, week(0), week(1))).toBe(0);
    expect(expectedPatrols(s, week(0), week(2))).toBeCloseTo(3);
    expect(expectedPatrols(s, week(1), week(3))).toBeCloseTo(10);
    expect(expectedPatrols(s, week(1) + WEEK_MS / 2, week(2) + WEEK_MS / 2)).toBeCloseTo(1.5 + 3.5);
  });

  it('counts patrols with a check-in started in the period, per worker; null expected when the town set none', () => {
    const s = foldPatrols([
      ev('frequency_set', { perWeek: 2 }, T0 - MIN, 'town01'),
      start(1, T0),
      checkin(1, T0 + MIN),
      ev('case_linked', { patrolId: pid(1), caseId: cid(1) }, T0 + 2 * MIN),
      end(1, T0 + 3 * MIN),
      start(2, T0 + 10 * MIN), // no check-in: claims nothing
      end(2, T0 + 11 * MIN),
      start(3, T0 + 20 * MIN, 'w0009'),
      checkin(3, T0 + 21 * MIN, 0, 10, 'w0009'),
      start(4, week(1), 'w0009'), // outside the period
      checkin(4, week(1) + MIN, 0, 10, 'w0009'),
    ]);
    const f = patrolFigures('g0001', s, T0, week(1));
    expect(f.expected).toBe(2);
    expect(f.done).toBe(2);
    expect([...f.byWorker]).toEqual([
      ['w0001', 1],
      ['w0009', 1],
    ]);
    expect(f.cases).toBe(1);
    expect(patrolFigures('g0001', foldPatrols([start(1, T0), checkin(1, T0 + MIN)]), T0, week(1)).expected).toBeNull();
  });
});

describe('cstWeekStart', () => {
  it('is Monday 00:00 China time', () => {
    // Monday 2 Nov 2026 00:00 CST = Sunday 1 Nov 16:00 UTC
    const monday = Date.UTC(2026, 10, 1, 16);
    expect(cstWeekStart(monday)).toBe(monday);
    expect(cstWeekStart(monday + 6 * 86_400_000 + 86_399_000)).toBe(monday);
    expect(cstWeekStart(monday - 1000)).toBe(monday - WEEK_MS);
  });
});
