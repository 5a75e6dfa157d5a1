/**
 * Issue 15: working days (工作日) for deadlines that count them, in China Standard Time.
 *
 * A day is a working day when it is a 调休 workday of its year's calendar, or else a Monday to Friday that is not
 * one of the year's 法定节假日. Calendars are reference data the admin edits (refchanges.ts `calendar.set`); a year
 * WITHOUT a calendar counts weekends only (every Monday-Friday works), so a county that has not entered the year's
 * holidays gets shorter deadlines over holidays, never longer ones.
 * Small and dependency-free on purpose: the fold (workflow.ts) and the first screen's deadlines use it.
 */
import { CST_OFFSET_MS } from './cst.ts';
import type { WorkCalendar } from './org.ts';

const DAY_MS = 86_400_000;

/** "YYYY-MM-DD" of a CST day number (days since 1970-01-01 CST). */
function dayText(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** Whether the CST day `n` is a working day under `calendars` (see the module's contract). */
function working(n: number, byYear: ReadonlyMap<number, WorkCalendar>): boolean {
  const text = dayText(n);
  const cal = byYear.get(Number(text.slice(0, 4)));
  if (cal?.workdays.includes(text)) return true;
  const dow = (n + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  if (dow === 0 || dow === 6) return false;
  return !cal?.holidays.includes(text);
}

/** Whether a CST day ("YYYY-MM-DD") is a working day. */
export function isWorkingDay(day: string, calendars: readonly WorkCalendar[] = []): boolean {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(ms) && working(Math.round(ms / DAY_MS), new Map(calendars.map((c) => [c.year, c])));
}

/**
 * The end of the `days`-th working day after the CST day of `startMs` (the day of dispatch itself never counts):
 * the instant the next CST day starts. Dispatched on Friday with 1 working day: due at the end of Monday.
 */
export function workingDueMs(startMs: number, days: number, calendars: readonly WorkCalendar[] = []): number {
  const byYear = new Map(calendars.map((c) => [c.year, c]));
  let n = Math.floor((startMs + CST_OFFSET_MS) / DAY_MS);
  // A year has at least 104 weekend days and at most ~30 holidays: 60 working days fit well within 200 days.
  for (let counted = 0, guard = 0; counted < days && guard < 400; guard++) {
    n++;
    if (working(n, byYear)) counted++;
  }
  return (n + 1) * DAY_MS - CST_OFFSET_MS;
}
