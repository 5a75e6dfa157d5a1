import { describe, expect, it } from 'vitest';
import { checkPeriod, cstDay, cstDayStart, cstYearStart, DAY_MS, dayPeriod, MAX_PERIOD_MS, presetDays } from '../../../src/domain/period.ts';

// Instants given in UTC: the rules must not depend on the time zone of the machine running them.
const utc = (iso: string) => Date.parse(iso);

describe('CST days and periods (one rule for the screens and the relay)', () => {
  it('puts an instant on its China Standard Time day, whatever the machine’s zone', () => {
    expect(cstDay(utc('2025-11-30T15:59:59.999Z'))).toBe('2025-11-30');
    expect(cstDay(utc('2025-11-30T16:00:00Z'))).toBe('2025-12-01'); // midnight in Beijing
    expect(cstDayStart('2025-12-01')).toBe(utc('2025-11-30T16:00:00Z'));
    expect(cstDay(cstDayStart('2025-03-09')!)).toBe('2025-03-09');
    expect(cstYearStart(utc('2025-12-31T16:30:00Z'))).toBe(utc('2025-12-31T16:00:00Z')); // already 2026 in Beijing
  });

  it('refuses malformed and impossible days', () => {
    for (const bad of ['2025-02-30', '2025-13-01', '2025-1-01', '20250101', '', '2025-02-29']) expect(cstDayStart(bad)).toBeNull();
    expect(cstDayStart('2024-02-29')).not.toBeNull();
  });

  it('a period of days includes its last day whole, and is neither empty, reversed nor longer than five years', () => {
    expect(dayPeriod('2025-11-01', '2025-11-30')).toEqual({ fromMs: utc('2025-10-31T16:00:00Z'), toMs: utc('2025-11-30T16:00:00Z') });
    expect(dayPeriod('2025-11-02', '2025-11-01')).toBeNull();
    expect(dayPeriod('2025-11-01', '2025-11-31')).toBeNull();
    expect(checkPeriod(0, MAX_PERIOD_MS)).not.toBeNull();
    expect(checkPeriod(0, MAX_PERIOD_MS + 1)).toBeNull();
    expect(checkPeriod(5, 5)).toBeNull();
    expect(checkPeriod(0, DAY_MS)).toEqual({ fromMs: 0, toMs: DAY_MS });
  });

  it('works out preset periods in CST days', () => {
    const now = utc('2025-11-20T02:00:00Z'); // 10:00 in Beijing
    expect(presetDays('this_month', now)).toEqual({ from: '2025-11-01', to: '2025-11-20' });
    expect(presetDays('this_quarter', now)).toEqual({ from: '2025-10-01', to: '2025-11-20' });
    expect(presetDays('this_year', now)).toEqual({ from: '2025-01-01', to: '2025-11-20' });
    expect(presetDays('last_30', now)).toEqual({ from: '2025-10-22', to: '2025-11-20' });
    expect(presetDays('last_month', utc('2025-01-05T00:00:00Z'))).toEqual({ from: '2024-12-01', to: '2024-12-31' });
    expect(presetDays('last_month', utc('2025-03-10T00:00:00Z'))).toEqual({ from: '2025-02-01', to: '2025-02-28' });
    // 23:30 UTC on 31 January is 1 February in Beijing: this month is February there.
    expect(presetDays('this_month', utc('2025-01-31T23:30:00Z'))).toEqual({ from: '2025-02-01', to: '2025-02-01' });
    expect(presetDays('this_quarter', utc('2025-12-31T17:00:00Z'))).toEqual({ from: '2026-01-01', to: '2026-01-01' });
  });
});
