/**
 * Time to compute the county's assessment (考核) for 20,000 cases: `node --import tsx bench/assessment.ts`.
 *
 * A county-year of cases from the demo generator (every lifecycle path: returns, extensions, supervision, failed
 * verification, feedback...), folded once; then, timed, the median of 7 runs of:
 *  - assessAll over the folded states (every town, unit and grid and the county, one pass) + Table 1;
 *  - the same over read-model rows (what the app's offline `stats` reads from Dexie: plain objects);
 *  - foldAll of every event (what the relay does on a cold /api/stats, before its cache).
 * Prints one line per figure, `name ms`, and a JSON summary line.
 */
import { generateDemo } from '../server/demo/generate.ts';
import { assessAll, orgCounts, table1 } from '../src/domain/assessment.ts';
import { foldAll } from '../src/domain/fold.ts';
import { indexOrg } from '../src/domain/org.ts';
import { toRecord, toRow } from '../src/storage/readmodel.ts';

const CASES = 20_000;
const RUNS = 7;
const NOW = Date.UTC(2025, 10, 28, 4, 0, 0);
const DAY = 86_400_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function time<T>(f: () => T): { ms: number; value: T } {
  const t = performance.now();
  const value = f();
  return { ms: performance.now() - t, value };
}

const gen = time(() => generateDemo({ nowMs: NOW, cases: CASES }));
const { org, events } = gen.value;
const idx = indexOrg(org);
const states = [...foldAll(events, idx).values()];
const rows = states.map((s) => toRow(toRecord(s, 'cases.t01.2025', false)));
const period = { fromMs: NOW - 366 * DAY, toMs: NOW + 1 };

const assessStates: number[] = [];
const assessRows: number[] = [];
const folds: number[] = [];
let last = assessAll(states, period, NOW);
for (let i = 0; i < RUNS; i++) {
  assessStates.push(time(() => (last = assessAll(states, period, NOW))).ms + time(() => table1(orgCounts(org), last.county)).ms);
  assessRows.push(time(() => assessAll(rows, period, NOW)).ms);
  folds.push(time(() => foldAll(events, idx)).ms);
}
const summary = {
  cases: states.length,
  events: events.length,
  generateMs: Math.round(gen.ms),
  assessMs: Number(median(assessStates).toFixed(1)),
  assessRowsMs: Number(median(assessRows).toFixed(1)),
  foldMs: Math.round(median(folds)),
  towns: Object.keys(last.towns).length,
  units: Object.keys(last.units).length,
  grids: Object.keys(last.grids).length,
  node: process.version,
};
console.log(`assessment of ${summary.cases} cases (${summary.towns} towns, ${summary.units} units, ${summary.grids} grids): ${summary.assessMs} ms`);
console.log(`assessment over read-model rows: ${summary.assessRowsMs} ms`);
console.log(`fold of ${summary.events} events: ${summary.foldMs} ms`);
console.log(JSON.stringify(summary));
for (const r of table1(orgCounts(org), last.county)) console.log(`${r.label}\t${r.value === null ? '-' : r.key === 'completionRate' ? (r.value * 100).toFixed(1) + '%' : Math.round(r.value * 10) / 10}\t(seed ${r.seed})`);
