/**
 * How the 考核's numbers read, in the current language: the 考核 screen, the printable report and the command hall
 * show the same figures the same way.
 */
import type { Table1Row } from '../../domain/assessment.ts';
import { formatNumber, locale } from '../../app/i18n.ts';

/** A rate as a percentage with one decimal; '—' when there is nothing to rate. */
export function pct(x: number | null): string {
  if (x === null) return '—';
  return new Intl.NumberFormat(locale.value, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(x);
}

/** Hours with at most one decimal (no unit); '—' when there are none. */
export function hoursNumber(x: number | null): string {
  return x === null ? '—' : new Intl.NumberFormat(locale.value, { maximumFractionDigits: 1 }).format(x);
}

/** A Table 1 value (this period's or the seed paper's) as its row counts it. */
export function table1Value(r: Table1Row, v: number | null): string {
  if (v === null) return '—';
  if (r.key === 'completionRate') return pct(v);
  if (r.key === 'avgResolutionHours') return hoursNumber(v);
  return formatNumber(v);
}
