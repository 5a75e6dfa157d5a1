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
import { COMMAND_EVENT, decide, type Command } from '../../src/domain/commands.ts';
import { compareEvents, SATISFACTIONS, type CaseEvent } from '../../src/domain/events.ts';
import { polygonContains } from '../../src/domain/geo.ts';
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
import { TRANSITIONS, type CaseState, type Status } from '../../src/domain/workflow.ts';
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
import { buildGeometry, type GridGeometry } from './geometry.ts';
import { generateTraining } from './training.ts';
import { generatePatrols } from './patrols.ts';
import { generateMediation } from './mediation.ts';
import { generateTownTasks } from './towntasks.ts';
import { generatePeople } from './people.ts';
import { generateCare } from './care.ts';
import { demoAfterPhoto } from './photos.ts';
import { addAssists, AssistPicker, bindDispatch, helperUnits } from './assists.ts';

export const DEMO_SEED = 20231;
/** The HLC node of every demo event. */
export const DEMO_NODE = 'demo';
export const DEMO_CASES = 2000;
const RESIDENTS = 20;

export interface DemoOptions {
  seed?: number;
  nowMs: number;
  /** Number of cases (default DEMO_CASES); benchmarks ask for a county-year's 20,000. */
  cases?: number;
}

export interface Demo {
  org: OrgData;
  /** Every event of every case, sorted by (at, id). */
  events: CaseEvent[];
  /** The grids' polygons (geometry.ts), in grid order; grid and town centres in `org` are their representative points. */
  geometry: GridGeometry[];
  /** Issue 5: event logs of the seeded people, ID number and party docs by doc name (demo/people.ts; every town). */
  people?: Map<string, Array<Record<string, unknown>>>;
  /** Issue 15: role accounts of a person with several roles (account id -> main account id; demo/people.ts). */
  persons?: Map<string, string>;
}

export const secretaryId = (villageId: string): string => `s${villageId}`;
export const unitUserId = (unitId: string): string => `unit${unitId.slice(1)}`;
export const townUserId = (townId: string): string => `town${townId.slice(1)}`;

export function generateDemo(opts: DemoOptions): Demo {
  const seed = opts.seed ?? DEMO_SEED;
  // Two independent streams: changing how cases are made never changes the county.
  const county = buildCounty(new Rng(seed));
  const geometry = placeCounty(county, seed);
  const events = buildCases(county, new Rng((seed ^ 0x9e3779b9) >>> 0), Math.floor(opts.nowMs), opts.cases ?? DEMO_CASES);
  // Issue 5: party members join the directory after the cases are made (their own stream: cases do not change).
  const people = generatePeople(county.org, Math.floor(opts.nowMs));
  county.org.users.push(...people.users);
  // Issue 14: the first town's trainer's learners and sessions (its own stream too).
  for (const [name, log] of generateTraining(county.org, people.users, Math.floor(opts.nowMs))) people.docs.set(name, log);
  // Issue 17: the first town's care visits (on time, due and overdue households).
  for (const [name, log] of generateCare(county.org, people.docs, Math.floor(opts.nowMs))) people.docs.set(name, log);
  // Issue 17: town 01's expected patrols and some patrols of its first grids (their own stream too).
  for (const [name, log] of generatePatrols(county.org, Math.floor(opts.nowMs))) people.docs.set(name, log);
  // Issue 17: disputes of the first town (its own stream too).
  for (const [name, log] of generateMediation(county.org, people.users, Math.floor(opts.nowMs))) people.docs.set(name, log);
  // Issue 17: a task of the town and one of the county sent down to town 01, some grids' answers (its own stream too).
  for (const [name, log] of generateTownTasks(county.org, Math.floor(opts.nowMs))) people.docs.set(name, log);
  return { org: county.org, events, geometry, people: people.docs, persons: people.persons };
}

/** The county's reference data and boundaries without the cases (seeding the geometry of an existing store). */
export function generateCounty(seed = DEMO_SEED): { org: OrgData; geometry: GridGeometry[] } {
  const county = buildCounty(new Rng(seed));
  return { org: county.org, geometry: placeCounty(county, seed) };
}

/**
 * Draws the boundaries (a third independent stream, inside buildGeometry) and moves every grid's and town's
 * centre to a representative point of its polygon, so a centre always lies in its own area.
 */
function placeCounty(county: County, seed: number): GridGeometry[] {
  const geo = buildGeometry(county.org, seed);
  const byId = new Map(geo.grids.map((g) => [g.gridId, g]));
  for (const g of county.org.grids) g.center = byId.get(g.id)!.center;
  for (const t of county.org.towns) t.center = geo.townCenters[t.id] ?? t.center;
  county.polygons = byId;
  return geo.grids;
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
  /** Grid polygons by grid id (set by placeCounty). */
  polygons?: Map<string, GridGeometry>;
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
        // Issue 12: the multi-department plan asks for a photo of the fix (no random number drawn for it).
        ...(v === 2 ? { afterPhoto: true } : {}),
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
const SHOWCASE_TOWN = 't01';
const UNHAPPY_EVERY = 40;
const PLACELESS_MAJORS = new Set(['01', '02', '05', '15', '16']);
/** Problem phrases that already say where they are get no extra place word. */
const NAMES_A_PLACE = /村内|村里|村口|村边|村路|小区|楼道|路口|路边|学校|校园|河道|沟渠|农田|稻田|田埂|工地|堤|井|企业|厂|饭店|商户|超市|商场|诊所|卫生室|集市|路面|巷道|主干道|乡道|院内|门口|水塘|沟边|田块|大棚|养殖场|仓库|广场/;

/** Statuses recent cases end in (percent); the first recent cases take each status once. */
const RECENT_MIX: readonly [Status, number][] = [
  ['reported', 7],
  ['accepted', 5],
  ['rejected', 3],
  ['dispatched', 9],
  ['acknowledged', 8],
  ['in_progress', 12],
  ['returned', 3],
  ['resolved', 8],
  ['verification_failed', 3],
  ['verified', 4],
  ['closed', 32],
  ['withdrawn', 3],
  ['merged', 3],
];

const cstDayStart = (ms: number) => Math.floor((ms + CST) / DAY) * DAY - CST;
const cstHour = (ms: number) => (((ms + CST) % DAY) + DAY) % DAY / HOUR;
/** Hour-of-day weights for reports (0..23, China time): mostly working hours, a few at night. */
const HOUR_WEIGHTS = [1, 0.5, 0.5, 0.5, 1, 2, 4, 8, 12, 13, 12, 10, 7, 9, 11, 11, 10, 8, 6, 5, 4, 3, 2, 1];

function buildCases(c: County, main: Rng, nowMs: number, total: number): CaseEvent[] {
  const events: CaseEvent[] = [];
  const counters = new Map<number, number>();
  const stamp = (ms: number) => {
    const counter = counters.get(ms) ?? 0;
    counters.set(ms, counter + 1);
    return formatHlc({ ms, counter, node: DEMO_NODE });
  };
  const grids = c.org.grids;
  const recentTargets: Status[] = RECENT_MIX.map(([t]) => t);
  const mixWeights = RECENT_MIX.map(([, w]) => w);
  while (recentTargets.length < RECENT_CASES) recentTargets.push(RECENT_MIX[main.weighted(mixWeights)]![0]);
  // Each case draws from a stream of its own: how many draws one case makes depends on the clock (an event after
  // now is never made, so its random id is never drawn), and that must not move where and what the next cases are.
  const caseSeeds = Array.from({ length: total }, () => main.int(0x1_0000_0000));
  /** Cases a later one may duplicate (merge target): id, where, what and when. */
  const originals: Original[] = [];
  let showcaseFinished = 0;
  // Issue 17: a few of the showcase town's cases have helping units (协办; demo/assists.ts draws no random number).
  const assists = new AssistPicker(SHOWCASE_TOWN);

  for (let n = 0; n < total; n++) {
    const rng = new Rng(caseSeeds[n]!);
    const recent = n >= total - RECENT_CASES;
    const target = recent ? recentTargets[n - (total - RECENT_CASES)]! : undefined;
    let reportMs = recent ? nowMs - rng.range(0, RECENT_DAYS * DAY) : historicalReportTime(rng, nowMs);

    // A duplicate (合并): the same problem reported again nearby a little later by someone else; the center merges it.
    let dup: Original | undefined;
    if (target === 'merged' || (target === undefined && rng.chance(0.012))) {
      const window = originals.filter((o) => o.reportMs < nowMs - DAY && o.reportMs > nowMs - 6 * DAY);
      if (target === 'merged' && window.length) dup = rng.pick(window);
      else if (target === undefined && originals.length) dup = originals[originals.length - 1 - rng.int(Math.min(originals.length, 50))];
      if (dup) reportMs = dup.reportMs + rng.range(10 * MIN, 6 * HOUR);
    }
    // A uniformly chosen grid spreads cases over towns in proportion to their grids.
    const grid = dup ? dup.grid : rng.pick(grids);
    const village = c.villageById.get(grid.villageId)!;
    const town = c.towns.find((t) => t.id === grid.townId)!;
    const sub = dup ? dup.sub : rng.pick(c.subs);
    const major = c.majorOf.get(sub.code)!;
    const plans = c.idx.plansFor(sub.code);
    const plan = plans[Math.min(plans.length - 1, rng.weighted([75, 12, 13]))]!;
    const reporter = dup ? chooseOtherReporter(c, rng, grid, dup.reporter) : chooseReporter(c, rng, grid);
    const actors: Actors = {
      reporter,
      town: c.usersById.get(townUserId(grid.townId))!,
      county: c.usersById.get('county')!,
      worker: c.usersById.get(grid.workerId)!,
      unit: (unitId) => c.usersById.get(unitUserId(unitId))!,
    };
    const variant: Variant = dup
      ? 'merge'
      : target !== undefined
        ? (TARGET_VARIANT[target] ?? 'normal')
        : pickVariant(rng, reporter.role === 'worker');
    // The town the README's walk-through accounts work in (town01, w0001, st01v01) always has 二次回访 work: every
    // UNHAPPY_EVERY-th of its finished cases is rated 不满意 (a rating is drawn all the same: the streams stay put).
    const unhappy = target === undefined && variant === 'normal' && grid.townId === SHOWCASE_TOWN && ++showcaseFinished % UNHAPPY_EVERY === 0;
    const steps = planSteps(c, rng, { reportMs, plan, grid, major, variant, actors, unhappy, ...(dup ? { dupOf: dup.caseId } : {}) });

    if (target !== undefined && !dup) {
      // Place the report so that now falls while the case is in its target status.
      const k = steps.findIndex((s) => s.to === target);
      if (k < 0) throw new Error(`demo: variant ${variant} never reaches ${target}`);
      let j = k + 1;
      while (j < steps.length && steps[j]!.to === target) j++;
      const from = steps[k]!.at;
      const to = j < steps.length ? steps[j]!.at : from + RECENT_DAYS * DAY;
      reportMs = nowMs - Math.round(from + 1 + rng.next() * Math.max(0, to - from - 2));
    } else if (target === undefined && variant === 'normal' && rng.chance(0.008)) {
      // About 1% of old cases are left open: stuck in a unit's hands.
      const stop = steps.findIndex((s) => s.to === (rng.chance(0.6) ? 'in_progress' : 'resolved'));
      if (stop > 0) steps.length = stop + 1;
    }
    reportMs = Math.round(reportMs);
    const assist = assists.pick({ townId: grid.townId, variant, target, dup: dup !== undefined, unhappy, resolves: steps.some((s) => s.cmd.type === 'resolve') });
    if (assist) {
      const lead = (steps.findLast((s) => s.cmd.type === 'dispatch')?.cmd as { unitId?: string } | undefined)?.unitId ?? '';
      const units = [...(c.townUnits.get(`${grid.townId}:${major}`) ?? []), ...plan.unitIds.map((id) => c.idx.unit(id)!), ...c.org.units.filter((u) => u.level === 'county' && u.categories.includes(major))];
      addAssists(assist, steps, { helpers: helperUnits(units, lead), unit: actors.unit, town: actors.town });
    }

    const caseId = newId(reportMs, rng.bytes);
    let state: CaseState | null = null;
    const act = (at: number, actor: UserInfo, cmd: Command) => {
      const ms = reportMs + Math.round(at);
      if (ms > nowMs) return false;
      // A plan that requires an after-photo (issue 12): the fix carries one of the demo's photos (no random draw).
      const sent = cmd.type === 'resolve' && plan.afterPhoto ? { ...cmd, photos: [demoAfterPhoto(caseId)] } : bindDispatch(cmd, state);
      const d = decide(state, sent, { actor, org: c.idx, at: stamp(ms), eventId: newId(ms, rng.bytes), caseId });
      if (!d.ok) throw new Error(`demo: ${cmd.type} by ${actor.id} refused: ${d.error} ${d.detail ?? ''}`);
      events.push(d.event);
      state = d.state;
      return true;
    };

    // Where in the village: only for problems with a place (not for benefits, disputes, party affairs).
    const issue = dup ? dup.issue : rng.pick(c.subDefs.get(sub.code)!.issues);
    const usePlace = !PLACELESS_MAJORS.has(major) && !NAMES_A_PLACE.test(issue) && rng.chance(0.7);
    const place = village.kind === 'community' ? rng.pick(COMMUNITY_PLACES) : rng.pick(PLACES);
    const where = usePlace ? (place.startsWith('村') ? village.name + place.slice(1) : village.name + place) : village.name;
    const [lng, lat] = dup ? insideGrid(c, grid, jitter(rng, [dup.lng, dup.lat], 0.0006)) : insideGrid(c, grid, jitter(rng, grid.center, 0.004));
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
    for (const s of steps.slice(1)) if (!act(s.at, s.actor, s.cmd)) break;
    if (!dup && variant !== 'withdraw') originals.push({ caseId, reportMs, grid, sub, issue, lng, lat, reporter: reporter.id });
  }
  return events.sort(compareEvents);
}

interface Original {
  caseId: string;
  reportMs: number;
  grid: Grid;
  sub: Subcategory;
  issue: string;
  lng: number;
  lat: number;
  reporter: string;
}

interface Actors {
  reporter: UserInfo;
  town: UserInfo;
  county: UserInfo;
  worker: UserInfo;
  unit: (unitId: string) => UserInfo;
}

/** How a case goes: the usual path, or one of the detours of the lifecycle. */
type Variant = 'normal' | 'reject' | 'self' | 'withdraw' | 'merge' | 'return' | 'fail';

const TARGET_VARIANT: Partial<Record<Status, Variant>> = {
  rejected: 'reject',
  withdrawn: 'withdraw',
  merged: 'merge',
  returned: 'return',
  verification_failed: 'fail',
};

function pickVariant(rng: Rng, byWorker: boolean): Variant {
  const x = rng.next();
  if (x < 0.04) return 'reject';
  if (x < 0.048) return 'withdraw';
  if (x < 0.078) return 'return';
  if (x < 0.108) return 'fail';
  if (byWorker && x < 0.2) return 'self';
  return 'normal';
}

/** One step of a case: when (ms after the report), who, what, and the status it leads to. */
interface Step {
  at: number;
  actor: UserInfo;
  cmd: Command;
  to: Status;
}

const RETURN_REASONS = ['不属于本单位职责范围，请改派', '该问题应由属地单位处理，请改派', '地点不在本单位管辖范围', '需其他部门牵头处置，请重新派单'];
const EXTENSION_REASONS = ['需采购配件，申请延期', '涉及多个部门协调，需延长处置时限', '天气原因暂无法施工', '需等待专业队伍进场'];
const TOWN_SUPERVISION = ['已超处置时限，请加快办理', '请于今日内反馈处置进度', '群众多次反映，请抓紧处置'];
const COUNTY_SUPERVISION = ['县指挥中心督办：请立即处置并报告结果', '超时严重，请单位负责人督促办理'];
const FAIL_REASONS = ['现场核查问题仍然存在', '处置不彻底，群众仍有意见', '整改未到位，请重新处置'];
const WITHDRAW_REASONS = ['上报有误，申请撤销', '问题已自行解决', '重复上报，撤销'];
const SELF_NOTES = ['网格员现场协调，已就地解决', '已当场劝导，问题解决', '现场处置完毕，群众认可'];
/** What the reporter said at the callback, by their rating (three each: the same random draws for every rating). */
const FEEDBACK_NOTES: Record<(typeof SATISFACTIONS)[number], readonly string[]> = {
  satisfied: ['群众表示满意', '回访确认问题已解决', '群众认为处理及时'],
  basically_satisfied: ['问题基本解决，希望后续多关注', '处理还算及时，个别地方还需完善', '基本满意，建议加快进度'],
  dissatisfied: ['群众反映问题没有彻底解决', '群众认为处理太慢', '整改后又出现同样问题'],
};
const MERGE_NOTES = ['与已上报案件重复，合并处理', '同一问题重复上报'];

/**
 * The steps of a case after its report, in time order. Times: a town center works 7:30-20:00 (a night report
 * waits for the morning); a unit acknowledges within two hours, mostly much sooner; it takes a share of the plan's
 * time limit to resolve (60% within it, a third up to 1.6 times it, a few later, and those get supervised); a few
 * ask for an extension; the grid worker verifies within a day; the center calls most reporters back.
 */
function planSteps(
  c: County,
  rng: Rng,
  o: { reportMs: number; plan: Plan; grid: Grid; major: string; variant: Variant; actors: Actors; dupOf?: string; unhappy?: boolean },
): Step[] {
  const { plan, actors: a, variant } = o;
  const steps: Step[] = [{ at: 0, actor: a.reporter, cmd: { type: 'report' } as unknown as Command, to: 'reported' }];
  const push = (at: number, actor: UserInfo, cmd: Command) => {
    const prev = steps[steps.length - 1]!;
    const rule = TRANSITIONS[COMMAND_EVENT[cmd.type]];
    steps.push({ at: Math.max(at, prev.at + MIN / 2), actor, cmd, to: rule.to ?? prev.to });
    return steps[steps.length - 1]!.at;
  };
  const h = cstHour(o.reportMs);
  const accept =
    h >= 7.5 && h < 20 ? 3 * MIN + Math.min(3 * HOUR, rng.exp(25 * MIN)) : cstDayStart(o.reportMs) + 8 * HOUR + (h >= 20 ? DAY : 0) - o.reportMs + rng.range(0, 40 * MIN);

  switch (variant) {
    case 'reject':
      push(accept, a.town, { type: 'reject', reason: rng.pick(REJECT_REASONS) });
      return steps;
    case 'withdraw':
      push(Math.max(MIN, accept * rng.range(0.2, 0.8)), a.reporter, { type: 'withdraw', reason: rng.pick(WITHDRAW_REASONS) });
      return steps;
    case 'merge':
      push(accept, a.town, { type: 'merge', intoCaseId: o.dupOf!, note: rng.pick(MERGE_NOTES) });
      return steps;
    case 'self': {
      const done = push(rng.range(5 * MIN, 90 * MIN), a.worker, { type: 'self_resolve', note: rng.pick(SELF_NOTES) });
      if (rng.chance(0.5)) feedback(rng, push, a, done);
      return steps;
    }
    default:
      break;
  }

  push(accept, a.town, rng.chance(0.5) ? { type: 'accept', note: rng.pick(ACCEPT_NOTES) } : { type: 'accept' });
  // Dispatch: the town's own station for this kind of case, or a county department the plan suggests.
  const local = c.townUnits.get(`${o.grid.townId}:${o.major}`) ?? [];
  const pickUnit = (not?: string) => {
    const choices = [...(local.length && rng.chance(0.55) ? local.map((u) => u.id) : []), ...plan.unitIds].filter((u) => u !== not);
    return choices.length ? choices[rng.weighted(choices.map((_, i) => 3 / (i + 1)))]! : plan.unitIds[0]!;
  };
  let unitId = pickUnit();
  const note = () => (rng.chance(0.4) ? { note: rng.pick(DISPATCH_NOTES) } : {});
  let dispatch = push(accept + 2 * MIN + Math.min(2 * HOUR, rng.exp(15 * MIN)), a.town, { type: 'dispatch', unitId, planId: plan.id, ...note() });
  const ackDelay = () => (rng.chance(0.96) ? 2 * MIN + Math.min(110 * MIN, rng.exp(20 * MIN)) : rng.range(2 * HOUR, 6 * HOUR));
  let ack = dispatch + ackDelay();
  if (variant === 'return') {
    // The unit finds the case is not theirs: it returns it (before or after signing for it) and the center re-dispatches.
    if (rng.chance(0.5)) ack = push(ack, a.unit(unitId), { type: 'acknowledge' });
    const back = push(ack + rng.range(10 * MIN, 3 * HOUR), a.unit(unitId), { type: 'return', reason: rng.pick(RETURN_REASONS) });
    unitId = pickUnit(unitId);
    dispatch = push(back + rng.range(20 * MIN, 3 * HOUR), a.town, { type: 'dispatch', unitId, planId: plan.id, note: '退回后改派' });
    ack = dispatch + ackDelay();
  }
  const unit = a.unit(unitId);
  ack = push(ack, unit, { type: 'acknowledge' });
  const start = push(ack + Math.min(4 * HOUR, rng.exp(30 * MIN)), unit, { type: 'start' });

  const due = plan.dueHours * HOUR;
  let allowed = due;
  let share = [rng.range(0.3, 1), rng.range(1, 1.6), rng.range(1.6, 3)][rng.weighted([62, 31, 7])]!;
  const later: Array<[number, UserInfo, Command]> = [];
  if (rng.chance(share > 1.3 ? 0.35 : 0.02)) {
    // The unit sees it will be late and asks for more time; the center mostly agrees.
    const hours = rng.pick([12, 24, 48]);
    const asked = Math.max(start + MIN, dispatch + due * rng.range(0.4, 0.8));
    const approve = rng.chance(0.85);
    later.push([asked, unit, { type: 'request_extension', hours, reason: rng.pick(EXTENSION_REASONS) }]);
    later.push([asked + rng.range(10 * MIN, 3 * HOUR), a.town, { type: 'decide_extension', approve }]);
    if (approve) {
      allowed = due + hours * HOUR;
      share = Math.min(share * (due / allowed), rng.range(0.85, 1.02));
    }
  }
  const resolve = Math.max(start + 10 * MIN, dispatch + Math.max(15 * MIN, allowed * share));
  if (resolve > dispatch + allowed + HOUR && rng.chance(0.6)) later.push([dispatch + allowed + rng.range(HOUR, Math.min(8 * HOUR, resolve - dispatch - allowed)), a.town, { type: 'supervise', note: rng.pick(TOWN_SUPERVISION) }]);
  if (resolve > dispatch + 2 * allowed + HOUR) later.push([dispatch + 2 * allowed + rng.range(0, HOUR), a.county, { type: 'supervise', note: rng.pick(COUNTY_SUPERVISION) }]);
  else if (plan.priority === 'urgent' && rng.chance(0.05)) later.push([start + (resolve - start) * 0.3, a.county, { type: 'supervise', note: rng.pick(COUNTY_SUPERVISION) }]);
  if (rng.chance(0.15)) plan.steps.forEach((_, i) => later.push([start + ((resolve - start) * (i + 1)) / (plan.steps.length + 2), unit, { type: 'checklist', step: i, done: true }]));
  // Between start and resolve, in time order; a decision that would come after the fix is dropped.
  for (const [at, actor, cmd] of later.filter(([at]) => at < resolve - MIN).sort((x, y) => x[0] - y[0])) push(at, actor, cmd);

  const fix = rng.pick(MAJORS.find((m) => m.code === o.major)!.fixes);
  let resolved = push(resolve, unit, { type: 'resolve', note: fix });
  let verify = resolved + 20 * MIN + Math.min(20 * HOUR, rng.exp(3 * HOUR));
  if (variant === 'fail') {
    const failed = push(verify, a.worker, { type: 'fail_verification', reason: rng.pick(FAIL_REASONS) });
    const again = push(failed + rng.range(HOUR, 6 * HOUR), unit, { type: 'start' });
    resolved = push(again + rng.range(2 * HOUR, 20 * HOUR), unit, { type: 'resolve', note: fix });
    verify = resolved + 20 * MIN + Math.min(20 * HOUR, rng.exp(3 * HOUR));
  }
  const verified = push(verify, a.worker, { type: 'verify', note: rng.pick(VERIFY_NOTES) });
  const closed = push(verified + MIN + rng.range(0, 30 * MIN), a.worker, rng.chance(0.5) ? { type: 'close', note: rng.pick(CLOSE_NOTES) } : { type: 'close' });
  if (rng.chance(0.85) || o.unhappy) feedback(rng, push, a, closed, o.unhappy);
  return steps;
}

/** The callback (回访): the center asks the reporter, or a resident rates their own report in the app. */
function feedback(rng: Rng, push: (at: number, actor: UserInfo, cmd: Command) => number, a: Actors, after: number, unhappy = false): void {
  const drawn = SATISFACTIONS[rng.weighted([88, 9, 3])]!;
  const satisfaction = unhappy ? 'dissatisfied' : drawn;
  const actor = a.reporter.role === 'resident' && rng.chance(0.7) ? a.reporter : a.town;
  push(after + rng.range(2 * HOUR, 48 * HOUR), actor, { type: 'feedback', satisfaction, ...(rng.chance(0.3) ? { note: rng.pick(FEEDBACK_NOTES[satisfaction]) } : {}) });
}

/** The point, or the nearest point towards the grid's centre (halving the distance) that lies in the grid. */
function insideGrid(c: County, grid: Grid, p: [number, number]): [number, number] {
  const poly = c.polygons?.get(grid.id);
  if (!poly || poly.geometry.type !== 'Polygon') return p;
  let [x, y] = p;
  for (let k = 0; k < 30 && !polygonContains(poly.geometry.coordinates, x, y); k++) {
    x = round6((x + grid.center[0]) / 2);
    y = round6((y + grid.center[1]) / 2);
  }
  return polygonContains(poly.geometry.coordinates, x, y) ? [x, y] : [...grid.center];
}

function historicalReportTime(rng: Rng, nowMs: number): number {
  const day = RECENT_DAYS + rng.int(SPAN_DAYS - RECENT_DAYS);
  const hour = rng.weighted(HOUR_WEIGHTS);
  return cstDayStart(nowMs) - day * DAY + hour * HOUR + rng.int(HOUR);
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

/** Someone else of the grid than the first reporter (a duplicate report comes from another person). */
function chooseOtherReporter(c: County, rng: Rng, grid: Grid, not: string): UserInfo {
  for (let i = 0; i < 5; i++) {
    const r = chooseReporter(c, rng, grid);
    if (r.id !== not) return r;
  }
  const worker = c.usersById.get(grid.workerId)!;
  return worker.id !== not ? worker : c.usersById.get(secretaryId(grid.villageId))!;
}
