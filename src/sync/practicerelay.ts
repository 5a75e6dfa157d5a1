/**
 * The practice sandbox's relay (issue 14): answers the resident app's HTTP calls (src/sync/resident.ts) on the device
 * itself, so a learner practises on the real resident screens while nothing ever leaves the phone. It never calls
 * `fetch`: it is a function from (path, init) to a Response, with a practice county of its own:
 *
 *  - a practice town, village (练习村) and grid around the trainer's own town, the county's real categories and
 *    subcategories (the 随手拍 tiles are the real ones), and a practice repair team; the learner is a resident of
 *    练习村 (PRACTICE_USER);
 *  - two cases from the start: one being handled (to follow) and one finished, waiting for the learner's rating;
 *  - the learner's own reports move on by themselves, one step per STEP_MS (受理, 派单, 处理完成, 核查, 办结) each time
 *    the app asks for its reports, decided by the same domain code as the real county (decide) and shown through the
 *    same reporter's view (src/domain/reporter.ts).
 *
 * State is kept by the caller (`snapshot()` / `load()`): the sandbox stores it in the practice db's meta, so a reload
 * keeps the practice; a reset drops it.
 */
import { decide, EVENT_COMMAND, type Command, type Decision } from '../domain/commands.ts';
import type { CaseEvent } from '../domain/events.ts';
import { formatHlc } from '../domain/hlc.ts';
import { newId, type RandomBytes } from '../domain/ids.ts';
import { indexOrg, type OrgData, type OrgIndex, type UserInfo } from '../domain/org.ts';
import { publicReference, reporterView } from '../domain/reporter.ts';
import type { CaseState } from '../domain/workflow.ts';

export const PRACTICE_TOWN = 't99';
export const PRACTICE_VILLAGE = 't99v01';
export const PRACTICE_GRID = 'g9999';
const UNIT = 'u999';
const STAFF = { town: 'practice-town', worker: 'practice-worker', unit: 'practice-unit' } as const;
/** How long a practice report waits at each step before it moves on (when the app next asks). */
export const STEP_MS = 20_000;

export function practiceUser(name = '练习用户'): UserInfo {
  return { id: 'practice-learner', username: 'practice', name, role: 'resident', townId: PRACTICE_TOWN, villageId: PRACTICE_VILLAGE, gridId: PRACTICE_GRID };
}

/** The practice county: real categories, a practice town, village, grid, repair team and staff. */
export function practiceOrg(real: Pick<OrgData, 'categories' | 'subcategories' | 'towns'>, homeTownId: string | undefined, learner: UserInfo): OrgData {
  const home = real.towns.find((t) => t.id === homeTownId) ?? real.towns[0];
  const center = home?.center ?? [122.07, 41.12];
  return {
    towns: [{ id: PRACTICE_TOWN, name: '练习镇', nameEn: 'Practice town', center }],
    villages: [{ id: PRACTICE_VILLAGE, townId: PRACTICE_TOWN, name: '练习村', kind: 'village' }],
    grids: [{ id: PRACTICE_GRID, villageId: PRACTICE_VILLAGE, townId: PRACTICE_TOWN, name: '练习村网格', workerId: STAFF.worker, center }],
    categories: real.categories,
    subcategories: real.subcategories,
    plans: [],
    units: [{ id: UNIT, name: '练习维修队', level: 'town', townId: PRACTICE_TOWN, categories: real.categories.map((c) => c.code) }],
    users: [
      learner,
      { id: STAFF.town, username: STAFF.town, name: '练习镇中心', role: 'town', townId: PRACTICE_TOWN },
      { id: STAFF.worker, username: STAFF.worker, name: '练习网格员', role: 'worker', townId: PRACTICE_TOWN, villageId: PRACTICE_VILLAGE, gridId: PRACTICE_GRID },
      { id: STAFF.unit, username: STAFF.unit, name: '练习维修队', role: 'unit', townId: PRACTICE_TOWN, unitId: UNIT },
    ],
  } as OrgData;
}

export interface PracticeSnapshot {
  /** Each case's events, in order. */
  cases: Record<string, CaseEvent[]>;
  /** When each case last moved (its next step waits STEP_MS from here). */
  moved: Record<string, number>;
  /** Cases the learner made (they move on by themselves); the seeded ones stay where they are. */
  own: string[];
}

/** The staff steps a practice report goes through after it is made, in order. */
const STEPS: Array<{ who: keyof typeof STAFF; command: (s: CaseState) => Command }> = [
  { who: 'town', command: () => ({ type: 'accept', note: '已受理' }) },
  { who: 'town', command: () => ({ type: 'dispatch', unitId: UNIT }) },
  { who: 'unit', command: () => ({ type: 'resolve', note: '已到现场处理完毕' }) },
  { who: 'worker', command: () => ({ type: 'verify', note: '已核查，问题已解决' }) },
  { who: 'worker', command: () => ({ type: 'close' }) },
];

export class PracticeRelay {
  private readonly org: OrgIndex;
  private readonly reference: string;
  private states = new Map<string, CaseState>();
  private snap: PracticeSnapshot = { cases: {}, moved: {}, own: [] };
  private counter = 0;

  constructor(
    private readonly data: OrgData,
    private readonly learner: UserInfo,
    private readonly now: () => number,
    private readonly random: RandomBytes,
  ) {
    this.org = indexOrg(data);
    this.reference = JSON.stringify(publicReference(data));
  }

  /** Start from a saved snapshot, or from the two seeded cases when there is none. */
  load(saved: PracticeSnapshot | null): void {
    this.states.clear();
    this.snap = { cases: {}, moved: {}, own: [] };
    if (saved && typeof saved === 'object' && saved.cases) {
      for (const [id, events] of Object.entries(saved.cases)) this.replay(id, events);
      this.snap.moved = { ...saved.moved };
      this.snap.own = [...(saved.own ?? [])].filter((id) => this.states.has(id));
      return;
    }
    this.seed();
  }

  snapshot(): PracticeSnapshot {
    return JSON.parse(JSON.stringify(this.snap)) as PracticeSnapshot;
  }

  /** The resident app's HTTP calls, answered here (see the header). */
  async fetch(path: string, init: { method?: string; body?: string } = {}): Promise<Response> {
    const method = init.method ?? 'GET';
    const url = new URL(path, 'https://practice.invalid');
    if (method === 'GET' && url.pathname === '/api/reference') return this.json(200, this.reference, { etag: '"practice"' });
    if (method === 'GET' && url.pathname === '/api/cases/mine') {
      this.advance();
      return this.json(200, JSON.stringify({ cases: [...this.states.values()].filter((s) => s.reporter === this.learner.id).map(reporterView) }));
    }
    if (method === 'GET' && url.pathname === '/api/public/nearby') return this.json(200, JSON.stringify({ cases: [], radiusM: Number(url.searchParams.get('radius') ?? 500) }));
    if (method === 'POST' && url.pathname === '/api/cases') return this.postReport(init.body);
    const cmd = /^\/api\/cases\/([A-Za-z0-9_-]{1,64})\/commands$/.exec(url.pathname);
    if (method === 'POST' && cmd) return this.postCommand(cmd[1]!, init.body);
    return this.json(404, JSON.stringify({ error: 'not_found' }));
  }

  private json(status: number, body: string, headers: Record<string, string> = {}): Response {
    return new Response(body, { status, headers: { 'content-type': 'application/json', ...headers } });
  }

  private at(ms: number): string {
    return formatHlc({ ms, counter: this.counter++ % 1000, node: 'practice' });
  }

  private apply(caseId: string, command: unknown, actor: UserInfo, ms: number): Decision {
    const state = this.states.get(caseId) ?? null;
    const d = decide(state, command, { actor, org: this.org, at: this.at(ms), eventId: newId(ms, this.random), caseId });
    if (!d.ok) return d;
    this.states.set(caseId, d.state);
    (this.snap.cases[caseId] ??= []).push(d.event);
    this.snap.moved[caseId] = ms;
    return d;
  }

  private replay(caseId: string, events: readonly CaseEvent[]): void {
    for (const e of events) {
      const actor = this.org.user(e.actor);
      if (!actor) continue;
      const command = { ...(e.data as unknown as Record<string, unknown>), type: EVENT_COMMAND[e.type] };
      const state = this.states.get(caseId) ?? null;
      const d = decide(state, command, { actor, org: this.org, at: e.at, eventId: e.id, caseId });
      if (!d.ok) continue;
      this.states.set(caseId, d.state);
      (this.snap.cases[caseId] ??= []).push(d.event);
    }
  }

  private staff(who: keyof typeof STAFF): UserInfo {
    return this.org.user(STAFF[who])!;
  }

  /** One case being handled, one finished and waiting for the learner's rating, both reported a day or two ago. */
  private seed(): void {
    const sub = this.data.subcategories[0]?.code ?? '0101';
    const [lng, lat] = this.data.grids[0]!.center;
    const report = (description: string, category: string) => ({ type: 'report', category, description, location: { lat, lng }, gridId: PRACTICE_GRID, townId: PRACTICE_TOWN, channel: 'app' });
    const t0 = this.now() - 2 * 86_400_000;
    // The county's own subcategory for each seeded problem, found by its name (the first one when none matches).
    const pick = (...words: string[]) => this.data.subcategories.find((x) => words.some((w) => x.name.includes(w)))?.code ?? sub;
    const handling = newId(t0, this.random);
    this.apply(handling, report('村口路灯不亮了，晚上走路看不清', pick('路灯', '照明')), this.learner, t0);
    STEPS.slice(0, 2).forEach((s, i) => this.apply(handling, s.command(this.states.get(handling)!), this.staff(s.who), t0 + (i + 1) * 3_600_000));
    const done = newId(t0 + 1, this.random);
    this.apply(done, report('自来水管漏水，路上都是水', pick('供水', '自来水')), this.learner, t0 + 1);
    STEPS.forEach((s, i) => this.apply(done, s.command(this.states.get(done)!), this.staff(s.who), t0 + 1 + (i + 1) * 3_600_000));
  }

  /** Each of the learner's own reports moves one step on when it has waited STEP_MS. */
  private advance(): void {
    const now = this.now();
    for (const id of this.snap.own) {
      const s = this.states.get(id);
      if (!s || now - (this.snap.moved[id] ?? 0) < STEP_MS) continue;
      const done = (this.snap.cases[id]?.length ?? 1) - 1;
      const next = STEPS[done];
      if (next) this.apply(id, next.command(s), this.staff(next.who), now);
    }
  }

  private postReport(body: string | undefined): Response {
    const input = parse(body) as ({ id?: unknown } & Record<string, unknown>) | null;
    if (!input || typeof input.id !== 'string') return this.json(400, JSON.stringify({ error: 'bad_request' }));
    const { id, ...rest } = input;
    const known = this.states.get(id);
    if (known) return this.json(200, JSON.stringify(reporterView(known)));
    const grid = this.org.grid(String(rest.gridId));
    const d = this.apply(id, { ...rest, type: 'report', townId: grid?.townId ?? PRACTICE_TOWN, channel: 'app' }, this.learner, this.now());
    if (!d.ok) return this.json(400, JSON.stringify({ error: d.error }));
    this.snap.own.push(id);
    return this.json(201, JSON.stringify(reporterView(d.state)));
  }

  private postCommand(caseId: string, body: string | undefined): Response {
    const state = this.states.get(caseId);
    if (!state || state.reporter !== this.learner.id) return this.json(404, JSON.stringify({ error: 'unknown_case' }));
    const d = this.apply(caseId, parse(body), this.learner, this.now());
    if (!d.ok) return this.json(409, JSON.stringify({ error: d.error }));
    return this.json(200, JSON.stringify(reporterView(d.state)));
  }
}

function parse(body: string | undefined): unknown {
  try {
    return body ? (JSON.parse(body) as unknown) : null;
  } catch {
    return null;
  }
}
