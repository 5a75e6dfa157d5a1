/**
 * The demo county: reference data and about 2,000 historical cases, generated deterministically.
 *
 * Contract: `generateDemo({ seed, nowMs })` is pure. The same seed and nowMs give identical output (no clock, no
 * Math.random: randomness is `seededRandom`, time is `nowMs`). Every case is built by `decide()` with the actor
 * the workflow expects, so every event is valid and folds with `applied: true`.
 *
 * Ids and usernames (a user's `id` is its username):
 *   towns t01..t13; villages t01v01..; grids g0001..g0844 numbered town by town; units u001..u327
 *   (u001..u041 county departments, then 22 per town in town order);
 *   admin, county, town01..town13 (town centers), w0001..w0844 (grid worker of grid g0001..g0844),
 *   unit001..unit327 (handler of unit u001..u327), s<villageId> (village secretary, e.g. st01v01),
 *   trainer01, resident01..resident20.
 */
import { decide, type Command } from '../../src/domain/commands.ts';
import { compareEvents, type CaseEvent } from '../../src/domain/events.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId, seededRandom, type RandomBytes } from '../../src/domain/ids.ts';
import {
  indexOrg,
  type Grid,
  type MajorCategory,
  type OrgData,
  type OrgIndex,
  type Plan,
  type Subcategory,
  type Town,
  type Unit,
  type UserInfo,
  type Village,
} from '../../src/domain/org.ts';
import type { CaseState } from '../../src/domain/workflow.ts';
import {
  ACCEPT_NOTES,
  CLOSE_NOTES,
  COMMUNITY_PLACES,
  DISPATCH_NOTES,
  MAJORS,
  PLACES,
  PLAN_FIRST_STEP,
  PLAN_LAST_STEP,
  PLAN_MIDDLE_STEPS,
  REJECT_REASONS,
  SUBS,
  SUFFIXES,
  VERIFY_NOTES,
  type SubDef,
} from './catalog.ts';
import {
  COMMUNITY_NAMES,
  COUNTY_EXTENT,
  COUNTY_UNITS,
  GIVEN_FEMALE,
  GIVEN_MALE,
  SURNAMES,
  TOWN_UNIT_KINDS,
  TOWNS,
  villageNamePool,
} from './county.ts';

export const DEMO_SEED = 20231;
/** The HLC node of every demo event. */
export const DEMO_NODE = 'demo';
export const DEMO_CASES = 2000;
const RESIDENTS = 20;

export interface DemoOptions {
  seed?: number;
  nowMs: number;
}

export interface Demo {
  org: OrgData;
  /** Every event of every case, sorted by (at, id). */
  events: CaseEvent[];
}

export const secretaryId = (villageId: string): string => `s${villageId}`;
export const unitUserId = (unitId: string): string => `unit${unitId.slice(1)}`;
export const townUserId = (townId: string): string => `town${townId.slice(1)}`;

export function generateDemo(opts: DemoOptions): Demo {
  const seed = opts.seed ?? DEMO_SEED;
  // Two independent streams: changing how cases are made never changes the county.
  const county = buildCounty(new Rng(seed));
  const events = buildCases(county, new Rng((seed ^ 0x9e3779b9) >>> 0), Math.floor(opts.nowMs));
  return { org: county.org, events };
}

// ---------------------------------------------------------------------------------------------------------------
// Randomness

class Rng {
  readonly next: () => number;
  readonly bytes: RandomBytes;
  constructor(seed: number) {
    const r = seededRandom(seed);
    this.next = r.next;
    this.bytes = r.bytes;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(a: number, b: number): number {
    return a + this.next() * (b - a);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    if (list.length === 0) throw new Error('demo: pick from an empty list');
    return list[this.int(list.length)]!;
  }
  /** Index chosen with the given weights. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }
  shuffle<T>(list: readonly T[]): T[] {
    const out = [...list];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

function jitter(rng: Rng, [lng, lat]: [number, number], r: number): [number, number] {
  return [
    round6(clamp(lng + rng.range(-r, r), COUNTY_EXTENT.west + 0.005, COUNTY_EXTENT.east - 0.005)),
    round6(clamp(lat + rng.range(-r, r) * 0.75, COUNTY_EXTENT.south + 0.005, COUNTY_EXTENT.north - 0.005)),
  ];
}

const SURNAME_WEIGHTS = SURNAMES.map((_, i) => 1 / (i + 4));

function personName(rng: Rng): string {
  const surname = SURNAMES[rng.weighted(SURNAME_WEIGHTS)]!;
  const pool = rng.chance(0.5) ? GIVEN_MALE : GIVEN_FEMALE;
  return rng.chance(0.3) ? surname + rng.pick(pool) : surname + rng.pick(pool) + rng.pick(pool);
}

const CN_NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
function cnNumber(n: number): string {
  if (n <= 10) return CN_NUMERALS[n - 1]!;
  if (n < 20) return `十${CN_NUMERALS[n - 11]}`;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${CN_NUMERALS[tens - 1]}十${ones ? CN_NUMERALS[ones - 1] : ''}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The county

interface County {
  org: OrgData;
  idx: OrgIndex;
  towns: Town[];
  villageById: Map<string, Village>;
  gridsByVillage: Map<string, Grid[]>;
  usersById: Map<string, UserInfo>;
  majorOf: Map<string, string>;
  subs: Subcategory[];
  subDefs: Map<string, SubDef>;
  /** Town-level units by `${townId}:${major}`. */
  townUnits: Map<string, Unit[]>;
  residentsByTown: Map<string, UserInfo[]>;
}

function buildCounty(rng: Rng): County {
  const towns: Town[] = [];
  const villages: Village[] = [];
  const grids: Grid[] = [];
  const users: UserInfo[] = [];
  const villageCenter = new Map<string, [number, number]>();

  const villageNames = rng.shuffle(villageNamePool());
  const communityNames = rng.shuffle(COMMUNITY_NAMES);
  let gridNo = 0;

  TOWNS.forEach((def, ti) => {
    const townId = `t${pad(ti + 1, 2)}`;
    towns.push({ id: townId, name: def.name, nameEn: def.nameEn, center: def.center });
    const townVillages: Village[] = [];
    for (let i = 0; i < def.villages; i++) {
      // Communities first: they are the town seat's neighbourhoods, so they sit near the center.
      const community = i < def.communities;
      const name = community ? communityNames.pop() : villageNames.pop();
      if (!name) throw new Error('demo: village name pool exhausted');
      const v: Village = { id: `${townId}v${pad(i + 1, 2)}`, townId, name, kind: community ? 'community' : 'village' };
      townVillages.push(v);
      villageCenter.set(v.id, jitter(rng, def.center, community ? 0.012 : 0.06));
    }
    // Every village gets at least two grids; the rest go by weight (communities are denser).
    const counts = townVillages.map(() => 2);
    const weights = townVillages.map((v) => (v.kind === 'community' ? 2.2 : 1) * rng.range(0.6, 1.4));
    for (let left = def.grids - 2 * townVillages.length; left > 0; left--) counts[rng.weighted(weights)]! += 1;
    townVillages.forEach((v, vi) => {
      for (let k = 1; k <= counts[vi]!; k++) {
        gridNo += 1;
        const id = `g${pad(gridNo, 4)}`;
        const workerId = `w${pad(gridNo, 4)}`;
        grids.push({
          id,
          villageId: v.id,
          townId,
          name: `${v.name}第${cnNumber(k)}网格`,
          workerId,
          center: jitter(rng, villageCenter.get(v.id)!, v.kind === 'community' ? 0.003 : 0.008),
        });
      }
    });
    villages.push(...townVillages);
  });

  // Categories and subcategories: static catalogue.
  const categories: MajorCategory[] = MAJORS.map((m) => ({ code: m.code, name: m.name, nameEn: m.nameEn }));
  const subs: Subcategory[] = [];
  const subDefs = new Map<string, SubDef>();
  const majorOf = new Map<string, string>();
  for (const m of MAJORS) {
    (SUBS[m.code] ?? []).forEach((s, i) => {
      const code = m.code + pad(i + 1, 2);
      subs.push({ code, major: m.code, name: s.name, nameEn: s.nameEn });
      subDefs.set(code, s);
      majorOf.set(code, m.code);
    });
  }

  // Units: county departments, then each town's stations and offices.
  const units: Unit[] = [];
  for (const def of COUNTY_UNITS) {
    units.push({ id: `u${pad(units.length + 1, 3)}`, name: def.name, level: 'county', categories: [...def.categories] });
  }
  const townUnits = new Map<string, Unit[]>();
  towns.forEach((t, ti) => {
    for (const kind of TOWN_UNIT_KINDS) {
      const suffix = TOWNS[ti]!.subdistrict && kind.subdistrictName ? kind.subdistrictName : kind.name;
      const u: Unit = { id: `u${pad(units.length + 1, 3)}`, name: t.name + suffix, level: 'town', townId: t.id, categories: [...kind.categories] };
      units.push(u);
      for (const c of u.categories) {
        const key = `${t.id}:${c}`;
        townUnits.set(key, [...(townUnits.get(key) ?? []), u]);
      }
    }
  });

  // Contingency plans: two per subcategory, a third for 85 of them (325 in all). Suggested units are county
  // departments, which serve every town; a town center may also dispatch to its own station (see buildCases).
  const countyHandlers = new Map<string, Unit[]>();
  for (const u of units) {
    if (u.level !== 'county') continue;
    for (const c of u.categories) countyHandlers.set(c, [...(countyHandlers.get(c) ?? []), u]);
  }
  const withThird = new Set(rng.shuffle(subs.map((s) => s.code)).slice(0, 85));
  const plans: Plan[] = [];
  for (const s of subs) {
    const major = MAJORS.find((m) => m.code === s.major)!;
    const emergency = s.major === '04' || s.major === '08';
    const variants = withThird.has(s.code) ? 3 : 2;
    for (let v = 0; v < variants; v++) {
      const handlers = rng.shuffle(countyHandlers.get(s.major) ?? []);
      const unitIds = handlers.slice(0, 1 + rng.int(Math.min(3, handlers.length))).map((u) => u.id);
      const middle = PLAN_MIDDLE_STEPS.filter(() => rng.chance(0.35)).slice(0, 3);
      const urgent = v === 1;
      plans.push({
        id: `P${pad(plans.length + 1, 3)}`,
        category: s.code,
        name: `${s.name}${['一般情形', '紧急情形', '多部门联动'][v]}处置预案`,
        priority: urgent ? 'urgent' : v === 2 || emergency ? 'high' : 'normal',
        dueHours: urgent ? rng.pick([2, 4, 6, 8, 12]) : 24,
        unitIds,
        steps: [urgent ? '立即赶赴现场，控制事态' : PLAN_FIRST_STEP, major.step, ...middle, PLAN_LAST_STEP],
      });
    }
  }

  // Users. Office accounts carry the office's name, personal accounts a person's name.
  users.push({ id: 'admin', username: 'admin', name: '系统管理员', role: 'admin' });
  users.push({ id: 'county', username: 'county', name: '盘山县社会治理综合指挥中心', role: 'county' });
  for (const t of towns) {
    const id = townUserId(t.id);
    users.push({ id, username: id, name: `${t.name}指导中心`, role: 'town', townId: t.id });
  }
  for (const g of grids) {
    users.push({ id: g.workerId, username: g.workerId, name: personName(rng), role: 'worker', townId: g.townId, villageId: g.villageId, gridId: g.id });
  }
  for (const u of units) {
    const id = unitUserId(u.id);
    users.push({ id, username: id, name: personName(rng), role: 'unit', unitId: u.id, ...(u.townId ? { townId: u.townId } : {}) });
  }
  for (const v of villages) {
    const id = secretaryId(v.id);
    users.push({ id, username: id, name: personName(rng), role: 'secretary', townId: v.townId, villageId: v.id });
  }
  users.push({ id: 'trainer01', username: 'trainer01', name: personName(rng), role: 'trainer', townId: 't01' });
  const villagesByTown = new Map<string, Village[]>();
  for (const v of villages) villagesByTown.set(v.townId, [...(villagesByTown.get(v.townId) ?? []), v]);
  const residentsByTown = new Map<string, UserInfo[]>();
  for (let i = 1; i <= RESIDENTS; i++) {
    const townId = towns[(i - 1) % towns.length]!.id;
    const v = rng.pick(villagesByTown.get(townId)!);
    const id = `resident${pad(i, 2)}`;
    const user: UserInfo = { id, username: id, name: personName(rng), role: 'resident', townId, villageId: v.id };
    users.push(user);
    residentsByTown.set(townId, [...(residentsByTown.get(townId) ?? []), user]);
  }

  const org: OrgData = { towns, villages, grids, categories, subcategories: subs, plans, units, users };
  const gridsByVillage = new Map<string, Grid[]>();
  for (const g of grids) gridsByVillage.set(g.villageId, [...(gridsByVillage.get(g.villageId) ?? []), g]);
  return {
    org,
    idx: indexOrg(org),
    towns,
    villageById: new Map(villages.map((v) => [v.id, v])),
    gridsByVillage,
    usersById: new Map(users.map((u) => [u.id, u])),
    majorOf,
    subs,
    subDefs,
    townUnits,
    residentsByTown,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Cases

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const CST = 8 * HOUR;
/** Cases are spread over this many days before nowMs. */
const SPAN_DAYS = 182;
/** Cases in the last RECENT_DAYS are placed so that each ends in a chosen status (some still open). */
const RECENT_DAYS = 3;
const RECENT_CASES = 60;
const PLACELESS_MAJORS = new Set(['01', '02', '05', '15', '16']);
/** Problem phrases that already say where they are get no extra place word. */
const NAMES_A_PLACE = /村内|村里|村口|村边|村路|小区|楼道|路口|路边|学校|校园|河道|沟渠|农田|稻田|田埂|工地|堤|井|企业|厂|饭店|商户|超市|商场|诊所|卫生室|集市|路面|巷道|主干道|乡道|院内|门口|水塘|沟边|田块|大棚|养殖场|仓库|广场/;

/** Stages of a case in order; `rejected` replaces `accepted` and ends the case. */
const STAGES = ['reported', 'accepted', 'dispatched', 'resolved', 'verified', 'closed'] as const;
type Target = (typeof STAGES)[number] | 'rejected';
/** Status mix of recent cases (percent); the first seven recent cases take each status once. */
const RECENT_MIX: readonly [Target, number][] = [
  ['reported', 8],
  ['accepted', 6],
  ['rejected', 3],
  ['dispatched', 20],
  ['resolved', 10],
  ['verified', 4],
  ['closed', 49],
];

const cstDayStart = (ms: number) => Math.floor((ms + CST) / DAY) * DAY - CST;
const cstHour = (ms: number) => (((ms + CST) % DAY) + DAY) % DAY / HOUR;
/** Hour-of-day weights for reports (0..23, China time): mostly working hours, a few at night. */
const HOUR_WEIGHTS = [1, 0.5, 0.5, 0.5, 1, 2, 4, 8, 12, 13, 12, 10, 7, 9, 11, 11, 10, 8, 6, 5, 4, 3, 2, 1];

function buildCases(c: County, rng: Rng, nowMs: number): CaseEvent[] {
  const events: CaseEvent[] = [];
  const counters = new Map<number, number>();
  const stamp = (ms: number) => {
    const counter = counters.get(ms) ?? 0;
    counters.set(ms, counter + 1);
    return formatHlc({ ms, counter, node: DEMO_NODE });
  };
  const grids = c.org.grids;
  const recentTargets: Target[] = RECENT_MIX.map(([t]) => t);
  const mixWeights = RECENT_MIX.map(([, w]) => w);
  while (recentTargets.length < RECENT_CASES) recentTargets.push(RECENT_MIX[rng.weighted(mixWeights)]![0]);

  for (let n = 0; n < DEMO_CASES; n++) {
    // A uniformly chosen grid spreads cases over towns in proportion to their grids.
    const grid = rng.pick(grids);
    const village = c.villageById.get(grid.villageId)!;
    const town = c.towns.find((t) => t.id === grid.townId)!;
    const sub = rng.pick(c.subs);
    const major = c.majorOf.get(sub.code)!;
    const plans = c.idx.plansFor(sub.code);
    const plan = plans[Math.min(plans.length - 1, rng.weighted([75, 12, 13]))]!;
    const reject = rng.chance(0.04);

    // Offsets from the report of each later stage (ms); times depend on the report's hour of day.
    const recent = n >= DEMO_CASES - RECENT_CASES;
    const target = recent ? recentTargets[n - (DEMO_CASES - RECENT_CASES)]! : undefined;
    let reportMs = recent ? nowMs - rng.range(0, RECENT_DAYS * DAY) : historicalReportTime(rng, nowMs);
    const offsets = schedule(rng, reportMs, plan, target === 'rejected' || (target === undefined && reject));
    // How far the case gets: recent cases stop at their target, old ones run to the end except ~1% left open.
    let last = offsets.length - 1;
    if (target !== undefined) {
      last = target === 'rejected' ? 1 : STAGES.indexOf(target);
      const from = offsets[last]!;
      const to = last + 1 < offsets.length ? offsets[last + 1]! : from + RECENT_DAYS * DAY;
      reportMs = nowMs - Math.round(from + 1 + rng.next() * Math.max(0, to - from - 2));
    } else if (!reject && rng.chance(0.008)) {
      last = rng.chance(0.6) ? 2 : 3;
    }
    reportMs = Math.round(reportMs);

    const reporter = chooseReporter(c, rng, grid);
    const townUser = c.usersById.get(townUserId(grid.townId))!;
    const worker = c.usersById.get(grid.workerId)!;
    const caseId = newId(reportMs, rng.bytes);
    let state: CaseState | null = null;
    const act = (k: number, actor: UserInfo, cmd: Command) => {
      const ms = reportMs + Math.round(offsets[k]!);
      if (ms > nowMs) return false;
      const d = decide(state, cmd, { actor, org: c.idx, at: stamp(ms), eventId: newId(ms, rng.bytes), caseId });
      if (!d.ok) throw new Error(`demo: ${cmd.type} by ${actor.id} refused: ${d.error} ${d.detail ?? ''}`);
      events.push(d.event);
      state = d.state;
      return true;
    };

    // Where in the village: only for problems with a place (not for benefits, disputes, party affairs).
    const issue = rng.pick(c.subDefs.get(sub.code)!.issues);
    const usePlace = !PLACELESS_MAJORS.has(major) && !NAMES_A_PLACE.test(issue) && rng.chance(0.7);
    const place = village.kind === 'community' ? rng.pick(COMMUNITY_PLACES) : rng.pick(PLACES);
    const where = usePlace ? (place.startsWith('村') ? village.name + place.slice(1) : village.name + place) : village.name;
    const [lng, lat] = jitter(rng, grid.center, 0.004);
    act(0, reporter, {
      type: 'report',
      category: sub.code,
      description: where + issue + rng.pick(reporter.role === 'worker' ? SUFFIXES : SUFFIXES.filter((x) => !x.includes('网格员'))),
      location: { lat, lng },
      gridId: grid.id,
      townId: grid.townId,
      address: town.name + (usePlace && !place.startsWith('村') ? village.name + place : village.name),
      channel: 'app',
    });
    if (last < 1) continue;
    if (target === 'rejected' || (target === undefined && reject)) {
      act(1, townUser, { type: 'reject', reason: rng.pick(REJECT_REASONS) });
      continue;
    }
    if (!act(1, townUser, rng.chance(0.5) ? { type: 'accept', note: rng.pick(ACCEPT_NOTES) } : { type: 'accept' })) continue;
    if (last < 2) continue;
    // Dispatch: the town's own station for this kind of case, or a county department the plan suggests.
    const local = c.townUnits.get(`${grid.townId}:${major}`) ?? [];
    const unitId = local.length > 0 && rng.chance(0.55) ? rng.pick(local).id : plan.unitIds[rng.weighted(plan.unitIds.map((_, i) => 3 - i))]!;
    const note = rng.chance(0.4) ? { note: rng.pick(DISPATCH_NOTES) } : {};
    if (!act(2, townUser, { type: 'dispatch', unitId, planId: plan.id, ...note })) continue;
    if (last < 3) continue;
    const unitUser = c.usersById.get(unitUserId(unitId))!;
    const fix = rng.pick(MAJORS.find((m) => m.code === major)!.fixes);
    if (!act(3, unitUser, { type: 'resolve', note: fix })) continue;
    if (last < 4) continue;
    if (!act(4, worker, { type: 'verify', note: rng.pick(VERIFY_NOTES) })) continue;
    if (last < 5) continue;
    act(5, worker, rng.chance(0.5) ? { type: 'close', note: rng.pick(CLOSE_NOTES) } : { type: 'close' });
  }
  return events.sort(compareEvents);
}

function historicalReportTime(rng: Rng, nowMs: number): number {
  const day = RECENT_DAYS + rng.int(SPAN_DAYS - RECENT_DAYS);
  const hour = rng.weighted(HOUR_WEIGHTS);
  return cstDayStart(nowMs) - day * DAY + hour * HOUR + rng.int(HOUR);
}

/**
 * Offsets from the report, in ms, of accept (or reject), dispatch, resolve, verify, close. A town center works
 * 7:30-20:00; a report made at night waits for the morning. A unit takes a share of the plan's time limit: mostly
 * within it, a few overdue.
 */
function schedule(rng: Rng, reportMs: number, plan: Plan, rejected: boolean): number[] {
  const h = cstHour(reportMs);
  let accept: number;
  if (h >= 7.5 && h < 20) accept = 3 * MIN + Math.min(3 * HOUR, rng.exp(25 * MIN));
  else accept = cstDayStart(reportMs) + 8 * HOUR + (h >= 20 ? DAY : 0) - reportMs + rng.range(0, 40 * MIN);
  if (rejected) return [0, accept];
  const dispatch = accept + 2 * MIN + Math.min(2 * HOUR, rng.exp(15 * MIN));
  const due = plan.dueHours * HOUR;
  const share = [rng.range(0.3, 1), rng.range(1, 1.6), rng.range(1.6, 3)][rng.weighted([60, 32, 8])]!;
  const resolve = dispatch + Math.max(15 * MIN, due * share);
  const verify = resolve + 20 * MIN + Math.min(20 * HOUR, rng.exp(3 * HOUR));
  const close = verify + MIN + rng.range(0, 30 * MIN);
  return [0, accept, dispatch, resolve, verify, close];
}

/** Most cases come from the grid's worker; some from the village secretary or a resident of the town's app. */
function chooseReporter(c: County, rng: Rng, grid: Grid): UserInfo {
  const x = rng.next();
  if (x < 0.06) return c.usersById.get(secretaryId(grid.villageId))!;
  if (x < 0.2) {
    const residents = c.residentsByTown.get(grid.townId);
    if (residents && residents.length > 0) return rng.pick(residents);
  }
  return c.usersById.get(grid.workerId)!;
}
