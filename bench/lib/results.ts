/**
 * One benchmark figure: its value, its budget and the same-run reference it is compared with.
 *
 * `budget` is a string such as `<= 100` or `>= 95` (null when a figure is reported without a budget, e.g. a
 * dependency's share of the bundle); `ratio` is value / reference (null without a numeric reference); `pass` is
 * null when there is no budget, and false for a figure that could not be measured (`value` null, `note` says why).
 */
export interface Result {
  name: string;
  value: number | null;
  unit: string;
  budget: string | null;
  reference: number | null;
  ratio: number | null;
  pass: boolean | null;
  /** What the reference is, or why the value is missing. */
  note?: string;
}

export interface FigureInput {
  name: string;
  value: number | null;
  unit: string;
  /** `<= 100`, `>= 95`, or null. */
  budget?: string | null;
  reference?: number | null;
  note?: string;
}

export function figure(f: FigureInput): Result {
  const value = f.value === null || Number.isFinite(f.value) ? f.value : null;
  const reference = f.reference ?? null;
  const budget = f.budget ?? null;
  const ratio = value !== null && reference !== null && reference !== 0 ? round(value / reference, 3) : null;
  let pass: boolean | null = null;
  if (budget !== null) pass = value === null ? false : meets(value, budget);
  const r: Result = { name: f.name, value: value === null ? null : round(value, 3), unit: f.unit, budget, reference: reference === null ? null : round(reference, 3), ratio, pass };
  if (f.note) r.note = f.note;
  return r;
}

/** A figure that could not be measured on this run: reported as a miss with the reason, never as a number. */
export function missing(name: string, unit: string, budget: string | null, reason: string): Result {
  return figure({ name, value: null, unit, budget, note: reason });
}

export function meets(value: number, budget: string): boolean {
  const m = /^(<=|>=|<|>)\s*(-?[\d.]+)$/.exec(budget.trim());
  if (!m) throw new Error(`bad budget ${budget}`);
  const limit = Number(m[2]);
  switch (m[1]) {
    case '<=':
      return value <= limit;
    case '>=':
      return value >= limit;
    case '<':
      return value < limit;
    default:
      return value > limit;
  }
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function median(xs: readonly number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function percentile(xs: readonly number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Markdown table of the results (the README's Performance section shows it). */
export function table(results: readonly Result[]): string {
  const fmt = (x: number | null) => (x === null ? '—' : Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : String(round(x, 2)));
  const lines = ['| figure | value | unit | budget | reference | ratio | pass |', '|---|---:|---|---|---:|---:|---|'];
  for (const r of results) {
    const pass = r.pass === null ? '' : r.pass ? 'pass' : '**MISS**';
    const value = r.value === null ? `— (${r.note ?? 'not measured'})` : fmt(r.value);
    lines.push(`| ${r.name} | ${value} | ${r.unit} | ${r.budget ?? ''} | ${fmt(r.reference)} | ${r.ratio === null ? '' : fmt(r.ratio)} | ${pass} |`);
  }
  return lines.join('\n');
}
