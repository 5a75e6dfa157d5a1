/**
 * One benchmark figure: its value, its budget and the same-run reference it is compared with.
 *
 * `budget` is a string such as `<= 100` or `>= 95` (null when a figure is reported without a budget, e.g. a
 * dependency's share of the bundle); `ratio` is value / reference (null without a numeric reference); `pass` is
 * null when there is no budget and false when the budget is missed.
 *
 * `failed` is set when this run could not produce the figure as specified: its value could not be measured, or a
 * peer or reference it is compared with (Hocuspocus, the bare relay, PouchDB, the bare-stack page...) failed. It
 * names what failed and why, and `pass` is then false whatever the budget. A budget miss is a finding; a failed
 * figure is a broken run (see `exitStatus`).
 */
export interface Result {
  name: string;
  value: number | null;
  unit: string;
  budget: string | null;
  reference: number | null;
  ratio: number | null;
  pass: boolean | null;
  failed?: string;
  /** What the reference is, and anything else the figure needs to be read. */
  note?: string;
}

export interface FigureInput {
  name: string;
  value: number | null;
  unit: string;
  /** `<= 100`, `>= 95`, or null. */
  budget?: string | null;
  /** null or absent: no reference; NaN: a reference that was due but could not be measured (a failure). */
  reference?: number | null;
  /**
   * Why the reference or a peer of this figure failed on this run (`peerFailures` words it); empty or absent
   * when nothing failed. A peer deliberately not run (--quick) is not a failure: say so in the note.
   */
  failed?: string | null;
  note?: string;
}

export function figure(f: FigureInput): Result {
  const value = f.value === null || Number.isFinite(f.value) ? f.value : null;
  // null: the figure has no reference; a number that is not finite: a reference that was due but not measured.
  const refLost = typeof f.reference === 'number' && !Number.isFinite(f.reference);
  const reference = f.reference === undefined || refLost ? null : f.reference;
  const budget = f.budget ?? null;
  const ratio = value !== null && reference !== null && reference !== 0 ? round(value / reference, 3) : null;
  // A value that could not be measured is a failure of the figure itself, with the note's reason if no other.
  const failed = value === null ? f.failed || f.note || 'not measured' : f.failed || (refLost ? 'reference not measured (not a finite number)' : undefined);
  let pass: boolean | null = budget === null || value === null ? null : meets(value, budget);
  if (failed) pass = false;
  const r: Result = { name: f.name, value: value === null ? null : round(value, 3), unit: f.unit, budget, reference: reference === null ? null : round(reference, 3), ratio, pass };
  if (failed) r.failed = failed;
  if (f.note) r.note = f.note;
  return r;
}

/** A figure that could not be measured on this run: reported as failed with the reason, never as a number. */
export function missing(name: string, unit: string, budget: string | null, reason: string): Result {
  return figure({ name, value: null, unit, budget, failed: reason });
}

/** `failed` of a figure compared with peers: `reference <peer> failed: <why>` per peer that failed, or undefined. */
export function peerFailures(peers: Record<string, string | null | undefined>): string | undefined {
  const out = Object.entries(peers)
    .filter(([, why]) => why)
    .map(([peer, why]) => `reference ${peer} failed: ${why}`);
  return out.length ? out.join('; ') : undefined;
}

/** The figures of this run that failed (value or reference not measured). */
export function failures(results: readonly Result[]): Result[] {
  return results.filter((r) => r.failed !== undefined);
}

/**
 * Exit status of `npm run bench`: 1 when any figure failed, so a broken peer or measurement cannot pass for a
 * result; 0 otherwise, budget misses included (a miss is a finding, reported in the table and the file).
 */
export function exitStatus(results: readonly Result[]): 0 | 1 {
  return failures(results).length ? 1 : 0;
}

/**
 * What failed, for the end of the run: one line per distinct reason (it names the peer or the measurement), the
 * figures it failed under it. Empty when nothing failed.
 */
export function failureSummary(results: readonly Result[]): string {
  const failed = failures(results);
  const byReason = new Map<string, string[]>();
  for (const r of failed) {
    const why = oneLine(r.failed!, 300);
    byReason.set(why, [...(byReason.get(why) ?? []), r.name]);
  }
  if (!byReason.size) return '';
  const lines = [`FAILED: ${failed.length} figure${failed.length === 1 ? '' : 's'} could not be measured as specified (exit ${exitStatus(results)}):`];
  for (const [why, names] of byReason) lines.push(`  ${why}`, ...names.map((name) => `    - ${name}`));
  return lines.join('\n');
}

/** One line of a failure reason for the table and the log (the reason may hold a child's whole stderr). */
export function oneLine(s: string, max = 200): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
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

/**
 * Markdown table of the results (the README's Performance section shows it). `pass` reads `pass`, `**MISS**` (a
 * budget missed) or `**FAILED**` with what failed (the value or a reference could not be measured).
 */
export function table(results: readonly Result[]): string {
  const fmt = (x: number | null) => (x === null ? '—' : Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : String(round(x, 2)));
  const lines = ['| figure | value | unit | budget | reference | ratio | pass |', '|---|---:|---|---|---:|---:|---|'];
  for (const r of results) {
    const pass = r.failed !== undefined ? `**FAILED**: ${oneLine(r.failed).replaceAll('|', '\\|')}` : r.pass === null ? '' : r.pass ? 'pass' : '**MISS**';
    const value = r.value === null ? '—' : fmt(r.value);
    lines.push(`| ${r.name} | ${value} | ${r.unit} | ${r.budget ?? ''} | ${fmt(r.reference)} | ${r.ratio === null ? '' : fmt(r.ratio)} | ${pass} |`);
  }
  return lines.join('\n');
}
