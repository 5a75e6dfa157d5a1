/**
 * Data sets of the benchmarks, deterministic and valid: the demo county's reference data (server/demo) and case
 * event logs of any size, every event made by `decide()` with the actor the workflow expects (grid worker reports,
 * town center accepts and dispatches, the unit resolves, the worker verifies and closes), about 6 events a case.
 * Pure (no Node, no DOM): the browser pages of figure 4 import it too.
 */
import { generateDemo } from '../../server/demo/generate.ts';
import { decide, type Command } from '../../src/domain/commands.ts';
import { caseYear } from '../../src/domain/docs.ts';
import { compareEvents, type CaseEvent } from '../../src/domain/events.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId, seededRandom } from '../../src/domain/ids.ts';
import { indexOrg, type OrgData, type OrgIndex, type UserInfo } from '../../src/domain/org.ts';
import type { CaseState } from '../../src/domain/workflow.ts';

/**
 * The case year of the data sets: last year (China time), which every device keeps live (domain/docs.ts
 * liveYears), so all of a town's generated cases fall in one doc, `cases.<town>.<BENCH_YEAR>`. They end on
 * 30 December of that year at noon.
 */
export const BENCH_YEAR = caseYear(Date.now()) - 1;
export const BENCH_NOW = Date.UTC(BENCH_YEAR, 11, 30, 4, 0, 0);
export const BENCH_NODE = 'bench';

let orgCache: OrgData | null = null;
/** The demo county's reference data (13 towns, 844 grids, 327 units, ~2,900 users). */
export function benchOrg(): OrgData {
  orgCache ??= generateDemo({ nowMs: BENCH_NOW }).org;
  return orgCache;
}

const HOUR = 3600_000;
const DESCRIPTIONS = ['村口路灯损坏，夜间出行不便', '道路积水严重，影响通行', '垃圾堆放未及时清运', '违章搭建影响邻里通行', '下水道堵塞有异味', '广告牌松动存在安全隐患', '河道漂浮物较多需要清理', '小区消防通道被占用'];
const NOTES = ['已受理', '请按预案尽快处置', '已现场处置完毕，恢复正常', '经现场核查，问题已解决', '办结'];

export interface CaseSetOptions {
  org: OrgData;
  townId: string;
  cases: number;
  seed: number;
  /** Reports are spread over the `days` days before `endMs`. */
  endMs?: number;
  days?: number;
  /** Share of cases that run the whole lifecycle (the rest stop earlier). Default 0.85. */
  complete?: number;
}

/** `cases` cases reported in one town, sorted by (at, id). */
export function generateCases(opts: CaseSetOptions): CaseEvent[] {
  const org = opts.org;
  const idx: OrgIndex = indexOrg(org);
  const rng = seededRandom(opts.seed);
  const int = (n: number) => Math.floor(rng.next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const grids = org.grids.filter((g) => g.townId === opts.townId);
  if (!grids.length) throw new Error(`no grids in ${opts.townId}`);
  const users = new Map(org.users.map((u) => [u.id, u]));
  const townUser = users.get(`town${opts.townId.slice(1)}`)!;
  const subs = org.subcategories.filter((s) => idx.plansFor(s.code).length > 0);
  const endMs = opts.endMs ?? BENCH_NOW;
  const span = (opts.days ?? 170) * 24 * HOUR;
  const complete = opts.complete ?? 0.85;
  const counters = new Map<number, number>();
  const stamp = (ms: number) => {
    const c = counters.get(ms) ?? 0;
    counters.set(ms, c + 1);
    return formatHlc({ ms, counter: c, node: BENCH_NODE });
  };
  const events: CaseEvent[] = [];
  for (let n = 0; n < opts.cases; n++) {
    const grid = pick(grids);
    const worker = users.get(grid.workerId)!;
    const sub = pick(subs);
    const plan = idx.plansFor(sub.code)[0]!;
    const unitUser = users.get(`unit${plan.unitIds[0]!.slice(1)}`)!;
    const reportMs = endMs - span + Math.floor((n / opts.cases) * (span - 48 * HOUR)) + int(HOUR);
    const caseId = newId(reportMs, rng.bytes);
    const last = rng.next() < complete ? 5 : int(5);
    let state: CaseState | null = null;
    let ms = reportMs;
    const act = (actor: UserInfo, cmd: Command) => {
      const d = decide(state, cmd, { actor, org: idx, at: stamp(ms), eventId: newId(ms, rng.bytes), caseId });
      if (!d.ok) throw new Error(`bench data: ${cmd.type} by ${actor.id} refused: ${d.error} ${d.detail ?? ''}`);
      events.push(d.event);
      state = d.state;
      ms += Math.floor(HOUR / 4 + rng.next() * 4 * HOUR);
    };
    const [lng, lat] = grid.center;
    act(worker, {
      type: 'report',
      category: sub.code,
      description: `${pick(DESCRIPTIONS)}（${grid.name}）`,
      location: { lat: lat + (rng.next() - 0.5) * 1e-4, lng: lng + (rng.next() - 0.5) * 1e-4 },
      gridId: grid.id,
      townId: opts.townId,
      channel: 'app',
    });
    if (last >= 1) act(townUser, { type: 'accept', note: NOTES[0]! });
    if (last >= 2) act(townUser, { type: 'dispatch', unitId: plan.unitIds[0]!, planId: plan.id, note: NOTES[1]! });
    if (last >= 3) act(unitUser, { type: 'resolve', note: NOTES[2]! });
    if (last >= 4) act(worker, { type: 'verify', note: NOTES[3]! });
    if (last >= 5) act(worker, { type: 'close', note: NOTES[4]! });
  }
  return events.sort(compareEvents);
}

/** One town-year log per town of the county: `perTown` cases each (about 20,000 in all with 1,540). */
export function generateCounty(org: OrgData, perTown: number, seed = 7): CaseEvent[] {
  const out: CaseEvent[] = [];
  org.towns.forEach((t, i) => out.push(...generateCases({ org, townId: t.id, cases: perTown, seed: seed + i })));
  return out.sort(compareEvents);
}
