import { describe, expect, it } from 'vitest';
import { deadlineOf, isOverdue, nextDeadlineChangeMs, resolveDueMs } from '../../../src/domain/deadlines.ts';
import type { CaseEvent } from '../../../src/domain/events.ts';
import { foldCase } from '../../../src/domain/fold.ts';
import { boardQueuesOf } from '../../../src/domain/queues.ts';
import { ev, IDX, T0 } from './fixture.ts';

const MIN = 60_000;
const H = 60 * MIN;
// T0 is 2025-06-01 10:00 in China (02:00 UTC). Minutes from T0 to 22:00 the same evening in China:
const EVENING = 12 * 60;
const cst = (ms: number) => new Date(ms + 8 * H).toISOString().slice(0, 16).replace('T', ' ');
const fold = (events: CaseEvent[]) => foldCase(events, IDX)!;

/** A case dispatched at 22:00 China time on 1 June with the given due hours (default: the plan's 24). */
function dispatchedLate(dueHours?: number, extra: CaseEvent[] = []) {
  return fold([
    ev('reported', 'w0001', EVENING - 60),
    ev('accepted', 'town01', EVENING - 30),
    ev('dispatched', 'town01', EVENING, { data: { unitId: 'u002', planId: 'P001', ...(dueHours ? { dueHours } : {}) } }),
    ...extra,
  ]);
}

describe('deadlines: the resolve clock, across day boundaries', () => {
  const s = dispatchedLate();
  const start = T0 + EVENING * MIN;

  it('is due 24 h after a 22:00 dispatch: 22:00 the next day', () => {
    expect(cst(start)).toBe('2025-06-01 22:00');
    expect(cst(resolveDueMs(s)!)).toBe('2025-06-02 22:00');
  });

  it.each([
    // [hours after dispatch, state, escalation, China time]
    [1, 'on_time', 'none', '2025-06-01 23:00'],
    [2.5, 'on_time', 'none', '2025-06-02 00:30'], // past midnight: nothing special happens
    [17.99, 'on_time', 'none', '2025-06-02 15:59'],
    [18, 'due_soon', 'none', '2025-06-02 16:00'], // 75% elapsed
    [24, 'due_soon', 'none', '2025-06-02 22:00'], // exactly due: not yet overdue
    [24.01, 'overdue', 'unit', '2025-06-02 22:00'],
    [36, 'overdue', 'unit', '2025-06-03 10:00'], // 50% of the allowed time overdue: still the unit
    [36.01, 'overdue', 'town', '2025-06-03 10:00'],
    [48, 'overdue', 'town', '2025-06-03 22:00'],
    [48.01, 'overdue', 'county', '2025-06-03 22:00'],
    [24 * 9, 'overdue', 'county', '2025-06-10 22:00'],
  ] as const)('%s h after dispatch: %s, escalated to %s (%s)', (hours, state, escalation, at) => {
    const now = start + hours * H;
    expect(cst(now)).toBe(at);
    const d = deadlineOf(s, now)!;
    expect(d).toMatchObject({ kind: 'resolve', state, escalation, startMs: start, allowedMs: 24 * H });
    expect(d.remainingMs).toBe(start + 24 * H - now);
    expect(d.overdueMs).toBe(Math.max(0, now - start - 24 * H));
    expect(isOverdue(s, now)).toBe(state === 'overdue');
  });

  it('a short urgent deadline crosses midnight the same way (4 h from 22:00 is 02:00)', () => {
    const urgent = dispatchedLate(4);
    expect(cst(resolveDueMs(urgent)!)).toBe('2025-06-02 02:00');
    expect(deadlineOf(urgent, start + 3 * H)?.state).toBe('due_soon');
    expect(deadlineOf(urgent, start + 5 * H)).toMatchObject({ state: 'overdue', escalation: 'unit' });
    expect(deadlineOf(urgent, start + 6.5 * H)).toMatchObject({ escalation: 'town' });
    expect(deadlineOf(urgent, start + 8.5 * H)).toMatchObject({ escalation: 'county' });
  });

  it('adds approved extensions to the deadline; refused ones change nothing', () => {
    const ask = (approve: boolean) =>
      dispatchedLate(undefined, [
        ev('acknowledged', 'unit002', EVENING + 10),
        ev('extension_requested', 'unit002', EVENING + 600, { data: { hours: 24, reason: '采购配件' } }),
        ev('extension_decided', 'town01', EVENING + 700, { data: { approve } }),
      ]);
    expect(cst(resolveDueMs(ask(true))!)).toBe('2025-06-03 22:00');
    expect(deadlineOf(ask(true), start + 30 * H)).toMatchObject({ state: 'on_time', allowedMs: 48 * H });
    expect(deadlineOf(ask(true), start + 36 * H)?.state).toBe('due_soon');
    expect(cst(resolveDueMs(ask(false))!)).toBe('2025-06-02 22:00');
    expect(deadlineOf(ask(false), start + 30 * H)).toMatchObject({ state: 'overdue', escalation: 'unit' });
  });

  it('keeps running through acknowledge, start and a failed verification; stops at the resolve that counts', () => {
    const base = [ev('acknowledged', 'unit002', EVENING + 10), ev('started', 'unit002', EVENING + 20)];
    const resolvedLate = dispatchedLate(undefined, [...base, ev('resolved', 'unit002', EVENING + 26 * 60)]);
    const d = deadlineOf(resolvedLate, start + 100 * H)!;
    expect(d).toMatchObject({ state: 'overdue', escalation: 'none', stoppedMs: start + 26 * H, overdueMs: 2 * H });
    expect(isOverdue(resolvedLate, start + 100 * H)).toBe(false); // finished late: not an open overdue case
    const failed = dispatchedLate(undefined, [
      ...base,
      ev('resolved', 'unit002', EVENING + 10 * 60),
      ev('verification_failed', 'w0001', EVENING + 11 * 60),
    ]);
    expect(deadlineOf(failed, start + 30 * H)).toMatchObject({ kind: 'resolve', state: 'overdue', escalation: 'unit' });
    const closedOnTime = dispatchedLate(undefined, [...base, ev('resolved', 'unit002', EVENING + 600), ev('verified', 'w0001', EVENING + 700), ev('closed', 'w0001', EVENING + 710)]);
    expect(deadlineOf(closedOnTime, start + 1000 * H)).toMatchObject({ state: 'on_time', escalation: 'none', stoppedMs: start + 10 * H });
  });

  it('a return stops the clock; the re-dispatch starts a fresh one', () => {
    const returned = dispatchedLate(undefined, [ev('returned', 'unit002', EVENING + 20 * 60)]);
    expect(deadlineOf(returned, start + 30 * H)).toBeNull();
    expect(boardQueuesOf(returned, start + 30 * H)).toEqual(['returned']);
    const again = fold([...returned.timeline.map((t) => t.event), ev('dispatched', 'town01', EVENING + 26 * 60, { data: { unitId: 'u001' } })]);
    expect(deadlineOf(again, start + 30 * H)).toMatchObject({ startMs: start + 26 * H, state: 'on_time' });
  });
});

describe('deadlines: the accept clock', () => {
  it('gives a report made at 23:30 until 01:30; overdue presses the town center, then the county', () => {
    const at = EVENING + 90; // 23:30 China time
    const s = fold([ev('reported', 'w0001', at)]);
    const t = T0 + at * MIN;
    expect(cst(t)).toBe('2025-06-01 23:30');
    expect(deadlineOf(s, t + H)).toMatchObject({ kind: 'accept', state: 'on_time', dueMs: t + 2 * H });
    expect(deadlineOf(s, t + 1.5 * H)?.state).toBe('due_soon');
    expect(deadlineOf(s, t + 3 * H)).toMatchObject({ state: 'overdue', escalation: 'town' });
    expect(cst(t + 4 * H + 1)).toBe('2025-06-02 03:30');
    expect(deadlineOf(s, t + 4 * H + 1)).toMatchObject({ escalation: 'county' });
    expect(boardQueuesOf(s, t + 3 * H)).toEqual(['new', 'overdue']);
  });

  it('has no clock once accepted (until dispatch), nor for final or self-resolved cases', () => {
    expect(deadlineOf(fold([ev('reported', 'w0001', 0), ev('accepted', 'town01', 1)]), T0 + 100 * H)).toBeNull();
    expect(deadlineOf(fold([ev('reported', 'w0001', 0), ev('rejected', 'town01', 1)]), T0 + 100 * H)).toBeNull();
    expect(deadlineOf(fold([ev('reported', 'w0001', 0), ev('self_resolved', 'w0001', 1)]), T0 + 100 * H)).toBeNull();
    expect(deadlineOf(fold([ev('reported', 'w0001', 0), ev('withdrawn', 'w0001', 1)]), T0 + 100 * H)).toBeNull();
  });
});

describe('deadlines: when the state next changes', () => {
  it('steps through due soon, due, town and county escalation, then nothing', () => {
    const s = dispatchedLate();
    const start = T0 + EVENING * MIN;
    const marks: number[] = [];
    let now = start;
    for (let m = nextDeadlineChangeMs(s, now); m !== null; m = nextDeadlineChangeMs(s, now)) {
      marks.push(m - start);
      now = m;
    }
    expect(marks).toEqual([18 * H + 1, 24 * H + 1, 36 * H + 1, 48 * H + 1]);
    expect(deadlineOf(s, start + marks[1]!)?.state).toBe('overdue');
    expect(deadlineOf(s, start + marks[3]!)?.escalation).toBe('county');
  });
});
