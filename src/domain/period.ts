/**
 * Days and periods of the assessment (考核) and the other period reports, in China Standard Time (UTC+8) on every
 * device and on the relay: a county's figures for "this month" must not depend on the time zone a phone or a
 * server happens to be set to. The one copy of that rule; the screens and `/api/stats` both read their periods here.
 *
 * A day is "YYYY-MM-DD". A period is [fromMs, toMs): from the start of its first day to the start of the day after
 * its last day (the last day is included whole).
 */
import type { Period } from './assessment.ts';
import { CST_OFFSET_MS } from './cst.ts';

export const DAY_MS = 86_400_000;
export { CST_OFFSET_MS };
/** The longest period a report covers (five years, leap days included). */
export const MAX_PERIOD_MS = 5 * 366 * DAY_MS;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The CST calendar date of an instant: year, month (1-12), day (1-31). */
function cstDate(ms: number): { y: number; m: number; d: number } {
  const t = new Date(ms + CST_OFFSET_MS);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/** "YYYY-MM-DD" of a CST calendar date (month and day may overflow, as Date.UTC allows). */
function dayOf(y: number, m: number, d: number): string {
  return cstDay(Date.UTC(y, m - 1, d) - CST_OFFSET_MS);
}

/** The CST day ("YYYY-MM-DD") an instant falls on. */
export function cstDay(ms: number): string {
  const { y, m, d } = cstDate(ms);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The instant a CST day starts (its midnight), or null for a malformed or impossible date ("2026-02-30"). */
export function cstDayStart(day: string): number | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null;
  return t.getTime() - CST_OFFSET_MS;
}

/** The period of whole CST days `from`..`to` (both included), or null when malformed, empty or too long. */
export function dayPeriod(from: string, to: string): Period | null {
  const fromMs = cstDayStart(from);
  const last = cstDayStart(to);
  if (fromMs === null || last === null) return null;
  return checkPeriod(fromMs, last + DAY_MS);
}

/** A period if it is not empty and not longer than MAX_PERIOD_MS, else null. */
export function checkPeriod(fromMs: number, toMs: number): Period | null {
  return Number.isFinite(fromMs) && Number.isFinite(toMs) && toMs > fromMs && toMs - fromMs <= MAX_PERIOD_MS ? { fromMs, toMs } : null;
}

/** The start of the CST year of an instant (the default period starts there). */
export function cstYearStart(ms: number): number {
  return Date.UTC(cstDate(ms).y, 0, 1) - CST_OFFSET_MS;
}

export const PRESETS = ['this_month', 'last_month', 'last_30', 'this_quarter', 'this_year'] as const;
export type Preset = (typeof PRESETS)[number];

/** The first and last CST day (both included) of a preset period around `nowMs`. */
export function presetDays(p: Preset, nowMs: number): { from: string; to: string } {
  const { y, m } = cstDate(nowMs);
  const today = cstDay(nowMs);
  switch (p) {
    case 'this_month':
      return { from: dayOf(y, m, 1), to: today };
    case 'last_month':
      // Day 0 of this month is the last day of the previous one.
      return { from: dayOf(y, m - 1, 1), to: dayOf(y, m, 0) };
    case 'last_30':
      return { from: cstDay(nowMs - 29 * DAY_MS), to: today };
    case 'this_quarter':
      return { from: dayOf(y, m - ((m - 1) % 3), 1), to: today };
    case 'this_year':
      return { from: dayOf(y, 1, 1), to: today };
  }
}
