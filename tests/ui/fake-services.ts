/**
 * An in-memory AuthService / Session for the screens' tests and for developing screens without a relay.
 * It folds with the real domain code (decide, foldAll, allowedActions), so what a screen offers and what
 * happens when it acts are the same rules the real data layer applies. Nothing here ships in src/.
 */
import { isResidentReport } from '../../src/domain/queues.ts';
import { signal, type Signal } from '@preact/signals';
import type { RecordSync } from '../../src/sync/records.ts';
import { createRecordsApi, type RecordsApi } from '../../src/app/records.ts';
import type {
  AuthService,
  CapturedBlob,
  CaseFilter,
  CaseRow,
  DuplicateRow,
  GeoFetchInit,
  LoginError,
  OrgView,
  Profile,
  QueueName,
  QueueOptions,
  ReportInput,
  Session,
  StatsResult,
  StorageReport,
  SyncStatus,
  EvidenceApi,
  InboxApi,
  UploadProgress,
} from '../../src/app/services.ts';
import { assess, assessAll, orgCounts, table1, type AssessScope } from '../../src/domain/assessment.ts';
import { findDuplicates, type DuplicateMatch } from '../../src/domain/duplicates.ts';
import type { LatLng } from '../../src/domain/events.ts';
import { boardQueuesOf, UNIT_WORK_STATUSES, type BoardQueue } from '../../src/domain/queues.ts';
import { toRecord, toRow } from '../../src/storage/readmodel.ts';
import { decide, type Command, type Decision } from '../../src/domain/commands.ts';
import type { CaseEvent } from '../../src/domain/events.ts';
import { foldAll } from '../../src/domain/fold.ts';
import { HybridClock } from '../../src/domain/hlc.ts';
import { newId, seededRandom } from '../../src/domain/ids.ts';
import { indexOrg, type OrgData, type UserInfo } from '../../src/domain/org.ts';
import { applyChanges, checkChange } from '../../src/domain/refchanges.ts';
import type { CaseState } from '../../src/domain/workflow.ts';
import { county, countyUnit, grid, major, person, secretary, sub, town, townUnit, townUser, unitUser, village, worker } from '../support/county.ts';

export const NOW = Date.UTC(2025, 10, 20, 2, 0, 0); // 2025-11-20 10:00 in China

export const ORG: OrgData = county({
  towns: [town('t01', '城关镇', 'Chengguan', [122.05, 41.2]), town('t02', '东郭镇', 'Dongguo', [122.2, 41.1])],
  villages: [village('t01v01', '太平村'), village('t01v02', '新兴社区', 'community'), village('t02v01', '东风村')],
  grids: [
    grid('g0001', 't01v01', '第一网格', [122.0512, 41.2034]),
    grid('g0002', 't01v01', '第二网格', [122.0598, 41.2071]),
    grid('g0003', 't01v02', '第一网格', [122.0433, 41.1912]),
    grid('g0004', 't02v01', '第一网格', [122.2011, 41.1023]),
  ],
  categories: [major('01', '城乡建设', 'Urban and rural construction'), major('02', '社会保障', 'Social security'), major('03', '综合治理', 'Public order')],
  subcategories: [
    sub('0101', '违章建筑', 'Illegal construction'),
    sub('0102', '道路损坏', 'Damaged road'),
    sub('0201', '养老保险', 'Pension insurance'),
    sub('0202', '最低生活保障', 'Minimum living allowance'),
    sub('0301', '矛盾纠纷', 'Neighbourhood disputes'),
  ],
  plans: [
    { id: 'P001', category: '0101', name: '违章建筑处置预案', priority: 'high', dueHours: 48, unitIds: ['u002', 'u001'], steps: ['现场核实', '下达整改通知书', '拆除并复查'] },
    { id: 'P002', category: '0101', name: '违章建筑紧急预案', priority: 'urgent', dueHours: 12, unitIds: ['u003'], steps: ['立即制止'] },
    { id: 'P003', category: '0102', name: '道路抢修预案', priority: 'normal', dueHours: 72, unitIds: ['u001'], steps: [] },
  ],
  units: [
    countyUnit('u001', '县住房和城乡建设局', ['01']),
    townUnit('u002', '城关镇综合执法队', 't01', ['01']),
    countyUnit('u003', '县自然资源局', ['01', '02']),
    townUnit('u004', '东郭镇综合执法队', 't02', ['01']),
    countyUnit('u005', '县民政局', ['02']),
  ],
  users: [
    person('admin', '管理员', 'admin'),
    person('county', '县指挥中心', 'county'),
    townUser('t01', '城关镇指导中心'),
    townUser('t02', '东郭镇指导中心'),
    worker('g0001', 't01v01', '张伟'),
    worker('g0002', 't01v01', '李娜'),
    worker('g0003', 't01v02', '王芳'),
    worker('g0004', 't02v01', '刘洋'),
    unitUser('u001', '住建局办事员'),
    person('unit002', '执法队员', 'unit', { townId: 't01', unitId: 'u002' }),
    secretary('t01v01', '赵书记'),
    person('trainer01', '培训员', 'trainer'),
    // issue 13: a resident of 太平村 who reports in their app
    person('resident01', '陈大爷', 'resident', { townId: 't01', villageId: 't01v01' }),
  ],
});

export function orgView(data: OrgData = ORG): OrgView {
  return { ...indexOrg(data), data };
}

/** One shared world (the events every fake device sees), like the relay's docs. */
export class FakeWorld {
  events: CaseEvent[] = [];
  readonly org = orgView();
  /** Issue 15: the org doc's reference changes every fake device holds (FakeSession.changeReference appends). */
  readonly refChanges: unknown[] = [];
  readonly version = signal(0);
  private readonly rnd = seededRandom(42);
  readonly clock: HybridClock;
  nowMs: number;

  constructor(nowMs = NOW) {
    this.nowMs = nowMs;
    this.clock = new HybridClock('fake', () => this.nowMs);
  }

  id(ms = this.nowMs): string {
    return newId(ms, this.rnd.bytes);
  }

  user(id: string): UserInfo {
    const u = this.org.user(id);
    if (!u) throw new Error(`no user ${id}`);
    return u;
  }

  states(): Map<string, CaseState> {
    return foldAll(this.events, this.org);
  }

  /** Make a command as a user, at a given time; throws when the domain refuses (test setup must be valid). */
  command(userId: string, caseId: string | null, command: Record<string, unknown>, atMs = this.nowMs): CaseEvent {
    const state = caseId ? (this.states().get(caseId) ?? null) : null;
    const at = `${String(atMs).padStart(13, '0')}:${String(this.events.length % 10000).padStart(4, '0')}:seed`;
    const d = decide(state, command, { actor: this.user(userId), org: this.org, at, eventId: this.id(atMs), caseId: caseId ?? this.id(atMs) });
    if (!d.ok) throw new Error(`seed command refused: ${d.error} ${d.detail ?? ''}`);
    this.events.push(d.event);
    this.version.value++;
    return d.event;
  }

  /** Append an event as is (to build histories with superseded events). */
  append(e: CaseEvent): void {
    this.events.push(e);
    this.version.value++;
  }

  /** n reported cases spread over grids g0001..g0003 and the last days, a few moved further along. */
  seed(n: number): string[] {
    const grids = ['g0001', 'g0002', 'g0003'];
    const subs = ['0101', '0102', '0201', '0202', '0301'];
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const grid = grids[i % grids.length]!;
      const worker = this.org.grid(grid)!.workerId;
      const ms = this.nowMs - (i + 1) * 600_000;
      const e = this.command(
        worker,
        null,
        { type: 'report', category: subs[i % subs.length]!, description: `案件描述 ${i + 1}：路边问题需要处理`, location: { lat: 41.2, lng: 122.05 }, gridId: grid, townId: 't01' },
        ms,
      );
      ids.push(e.caseId);
      if (i % 4 === 1) this.command('town01', e.caseId, { type: 'accept' }, ms + 1000);
    }
    return ids;
  }
}

export interface FakeSessionCalls {
  reports: ReportInput[];
  acts: { caseId: string; command: Command }[];
  queries: { filter: CaseFilter; offset: number; limit: number }[];
  queues: { queue: QueueName; offset: number; limit: number }[];
  renews: string[];
  logouts: number;
}

export class FakeSession implements Session {
  readonly status: Signal<SyncStatus>;
  readonly org: Signal<OrgView | null>;
  readonly casesVersion: Signal<number>;
  readonly calls: FakeSessionCalls = { reports: [], acts: [], queries: [], queues: [], renews: [], logouts: 0 };
  /** Case ids with an event of this device not yet acknowledged. */
  readonly pending = new Set<string>();
  renewPassword = 'demo';
  /** When set, the next report/act answers with this error instead of deciding. */
  failNext: Decision | null = null;
  /** Photos and voice clips (issue 12): absent unless a test gives one (`new FakeEvidence()`), as in older fakes. */
  evidence?: EvidenceApi;
  /** The inbox (issue 13): absent unless a test gives one (tests/ui/inbox.test.tsx). */
  inbox?: () => Promise<InboxApi>;

  constructor(
    readonly world: FakeWorld,
    readonly user: UserInfo,
    opts: { status?: Partial<SyncStatus>; orgLoaded?: boolean } = {},
  ) {
    this.status = signal<SyncStatus>({ connection: 'online', unsaved: 0, lastSavedMs: null, ready: true, synced: true, authExpired: false, ...opts.status });
    this.org = signal(opts.orgLoaded === false ? null : world.org);
    this.casesVersion = world.version;
  }

  private rows(filter: CaseFilter): CaseRow[] {
    const out: CaseRow[] = [];
    const org = this.world.org;
    for (const s of this.world.states().values()) {
      // Scope like the read model: a device only holds its user's cases.
      if (this.user.role === 'worker' && s.gridId !== this.user.gridId) continue;
      if (this.user.role === 'town' && s.townId !== this.user.townId) continue;
      if (this.user.role === 'secretary' && org.grid(s.gridId)?.villageId !== this.user.villageId) continue;
      if (this.user.role === 'unit' && s.unitId !== this.user.unitId) continue;
      if (filter.status && s.status !== filter.status) continue;
      if (filter.gridId && s.gridId !== filter.gridId) continue;
      if (filter.category && !s.category.startsWith(filter.category)) continue;
      // The real read model's mapping, so rows carry the same fields (deadline, queue flags...).
      out.push(toRow(toRecord(s, 'fake', this.pending.has(s.id))));
    }
    return out.sort((a, b) => b.reportedMs - a.reportedMs || (a.id < b.id ? 1 : -1));
  }

  async queryCases(filter: CaseFilter, offset: number, limit: number): Promise<CaseRow[]> {
    this.calls.queries.push({ filter: { ...filter }, offset, limit });
    return this.rows(filter).slice(offset, offset + limit);
  }

  async countCases(filter: CaseFilter): Promise<number> {
    return this.rows(filter).length;
  }

  /** Issue 15: the session's clock, as Session.stamp (the world's HLC). */
  async stamp(): Promise<string> {
    return this.world.clock.now();
  }

  /**
   * Issue 15: a reference change checked and folded by the real domain code (refchanges.ts), as
   * src/sync/refedit.ts does on the org doc; this session's org shows the fold at once.
   */
  async changeReference(change: unknown): Promise<{ code: string; detail: string } | null> {
    const problem = checkChange(change, applyChanges(this.world.org.data, this.world.refChanges), this.user);
    if (problem) return problem;
    this.world.refChanges.push(change);
    this.org.value = orgView(applyChanges(this.world.org.data, this.world.refChanges));
    return null;
  }

  async getCase(id: string): Promise<CaseState | null> {
    return this.world.states().get(id) ?? null;
  }

  private record(d: Decision): Decision {
    if (d.ok) {
      this.world.append(d.event);
      this.pending.add(d.event.caseId);
      this.status.value = { ...this.status.value, unsaved: this.status.value.unsaved + 1 };
    }
    return d;
  }

  private takeFailure(): Decision | null {
    const f = this.failNext;
    this.failNext = null;
    return f;
  }

  async report(input: ReportInput): Promise<Decision> {
    this.calls.reports.push(input);
    const f = this.takeFailure();
    if (f) return f;
    const grid = this.world.org.grid(input.gridId);
    // As the engine: the grid decides the doc (its town), so an unknown grid is refused before the report is decided.
    if (!grid) return { ok: false, error: 'unknown_grid' };
    const caseId = this.world.id();
    return this.record(
      decide(null, { type: 'report', ...input, townId: grid.townId }, { actor: this.user, org: this.world.org, at: this.world.clock.now(), eventId: this.world.id(), caseId }),
    );
  }

  async act(caseId: string, command: Command): Promise<Decision> {
    this.calls.acts.push({ caseId, command });
    const f = this.takeFailure();
    if (f) return f;
    const state = this.world.states().get(caseId) ?? null;
    // As the engine: a case this device does not hold is unknown, whoever asks (decide would judge the role first).
    if (!state) return { ok: false, error: 'unknown_case' };
    return this.record(decide(state, command, { actor: this.user, org: this.world.org, at: this.world.clock.now(), eventId: this.world.id(), caseId }));
  }

  // issue 4 -------------------------------------------------------------------------------------------

  now(): number {
    return this.world.nowMs;
  }

  /** The rows of a queue in its order, with the domain's queue rules (what the engine does through indexes). */
  private queueRows(queue: QueueName, opts: QueueOptions = {}): CaseRow[] {
    const now = this.now();
    const all = this.rows({}).filter((r) => !opts.townId || r.townId === opts.townId);
    const u = this.user;
    const asc = (k: (r: CaseRow) => number) => (a: CaseRow, b: CaseRow) => k(a) - k(b) || (a.id < b.id ? -1 : 1);
    switch (queue) {
      case 'unit_work':
        return all
          .filter((r) => r.unitId === u.unitId && (UNIT_WORK_STATUSES as readonly string[]).includes(r.status))
          .sort(asc((r) => r.dueMs ?? Infinity));
      case 'to_verify':
        return all.filter((r) => r.status === 'resolved' && r.gridId === u.gridId).sort(asc((r) => r.reportedMs));
      case 'my_reports':
        return all.filter((r) => r.reporter === u.id);
      case 'resident_reports':
        return all.filter((r) => r.gridId === u.gridId && isResidentReport(r));
      case 'extension':
        return all.filter((r) => r.extensionPending).sort(asc(() => 0));
      case 'overdue':
        return all.filter((r) => boardQueuesOf(r, now).includes('overdue')).sort(asc((r) => r.dueMs ?? Infinity));
      default:
        return all.filter((r) => boardQueuesOf(r, now).includes(queue as BoardQueue)).sort(asc((r) => r.reportedMs));
    }
  }

  async queryQueue(queue: QueueName, offset: number, limit: number, opts?: QueueOptions): Promise<CaseRow[]> {
    this.calls.queues.push({ queue, offset, limit });
    return this.queueRows(queue, opts).slice(offset, offset + limit);
  }

  async countQueue(queue: QueueName, opts?: QueueOptions): Promise<number> {
    return this.queueRows(queue, opts).length;
  }

  async findDuplicates(input: { category: string; location: LatLng }): Promise<DuplicateMatch<DuplicateRow>[]> {
    const rows = this.rows({}).filter((r): r is DuplicateRow => r.location !== undefined);
    return findDuplicates({ category: input.category, location: input.location, reportedMs: this.now() }, rows);
  }

  async stats(scope: AssessScope, fromMs: number, toMs: number): Promise<StatsResult> {
    const states = [...this.world.states().values()];
    const period = { fromMs, toMs };
    const nowMs = this.now();
    const figures = assess(states, scope, period, nowMs);
    const report = assessAll(states, period, nowMs);
    return { scope, period, nowMs, figures, report, ...(scope.kind === 'county' ? { table1: table1(orgCounts(this.world.org.data), figures) } : {}) };
  }

  async reportResolved(input: ReportInput, note: string): Promise<Decision> {
    const first = await this.report(input);
    if (!first.ok) return first;
    return this.record(
      decide(first.state, { type: 'self_resolve', note }, { actor: this.user, org: this.world.org, at: this.world.clock.now(), eventId: this.world.id(), caseId: first.event.caseId }),
    );
  }

  async renew(password: string): Promise<boolean> {
    this.calls.renews.push(password);
    if (password !== this.renewPassword) return false;
    this.status.value = { ...this.status.value, authExpired: false };
    return true;
  }

  async logout(): Promise<void> {
    this.calls.logouts++;
  }

  /** Boundaries for map tests: set `geoFiles` (file name -> JSON); anything else is unavailable (as offline, never fetched). */
  geoFiles: Record<string, unknown> = {};
  /** Boundary imports posted through geoFetch (`method: 'POST'`), in order. */
  geoPosts: { file: string; body: string }[] = [];
  /** The relay's answer to the next posts; null answers as a network failure (offline). */
  geoPostAnswer: { status: number; body: unknown } | null = { status: 200, body: { ok: true, grids: 0, withoutGeometry: [] } };
  async geoFetch(file: string, init?: GeoFetchInit): Promise<Response | null> {
    if (init?.method === 'POST') {
      this.geoPosts.push({ file, body: init.body ?? '' });
      const a = this.geoPostAnswer;
      return a ? new Response(JSON.stringify(a.body), { status: a.status, headers: { 'content-type': 'application/json' } }) : null;
    }
    const body = this.geoFiles[file];
    return body === undefined ? null : new Response(JSON.stringify(body), { headers: { 'content-type': 'application/geo+json' } });
  }
}

export interface FakeAuthOptions {
  world?: FakeWorld;
  /** Profiles of people who used this device before. */
  profiles?: Profile[];
  online?: boolean;
  password?: string;
  /** A session to resume on start (the last user did not sign out). */
  resumeAs?: string;
}

export class FakeAuth implements AuthService {
  readonly world: FakeWorld;
  profilesList: Profile[];
  online: boolean;
  password: string;
  sessions: FakeSession[] = [];
  readonly logins: { username: string; password: string }[] = [];
  readonly forgotten: string[] = [];
  private resumeAs: string | undefined;

  constructor(opts: FakeAuthOptions = {}) {
    this.world = opts.world ?? new FakeWorld();
    this.profilesList = opts.profiles ?? [];
    this.online = opts.online ?? true;
    this.password = opts.password ?? 'demo';
    this.resumeAs = opts.resumeAs;
  }

  async profiles(): Promise<Profile[]> {
    return [...this.profilesList];
  }

  async login(username: string, password: string): Promise<{ ok: true; session: FakeSession } | { ok: false; error: LoginError }> {
    this.logins.push({ username, password });
    const user = this.world.org.data.users.find((u) => u.username === username);
    const known = this.profilesList.some((p) => p.username === username);
    if (!this.online && !known) return { ok: false, error: 'offline_unknown_user' };
    if (!user || password !== this.password) return { ok: false, error: 'bad_credentials' };
    if (!known) this.profilesList.push({ userId: user.id, username, name: user.name, role: user.role, lastLoginMs: this.world.nowMs });
    const session = new FakeSession(this.world, user, { status: { connection: this.online ? 'online' : 'offline' } });
    this.sessions.push(session);
    return { ok: true, session };
  }

  async resume(): Promise<FakeSession | null> {
    if (!this.resumeAs) return null;
    const session = new FakeSession(this.world, this.world.user(this.resumeAs));
    this.sessions.push(session);
    return session;
  }

  async forget(userId: string): Promise<void> {
    this.forgotten.push(userId);
    this.profilesList = this.profilesList.filter((p) => p.userId !== userId);
  }
}

export function profile(userId: string, lastLoginMs = NOW - 3_600_000): Profile {
  const u = ORG.users.find((x) => x.id === userId)!;
  return { userId: u.id, username: u.username, name: u.name, role: u.role, lastLoginMs };
}

/**
 * A RecordSync stand-in holding record docs in memory (doc name -> events): what createRecordsApi reads and writes.
 * Appending to a doc it does not hold fails, as the real one does.
 */
export function stubRecordSync(docs: Record<string, unknown[]>): RecordSync {
  const version = signal(0);
  return {
    version,
    names: (kind: string) => Object.keys(docs).filter((n) => n.startsWith(`${kind}.`)),
    access: (name: string) => (name in docs ? 'write' : null),
    events: (name: string) => [...(docs[name] ?? [])],
    append: (name: string, e: object) => {
      if (!(name in docs)) return false;
      docs[name]!.push(e);
      version.value++;
      return true;
    },
  } as unknown as RecordSync;
}

/**
 * A fake session of `userId` whose records (people, tasks, mediation... src/app/records.ts, the real API) are the
 * in-memory `docs` (stubRecordSync), its clock at `nowMs`; `api` answers the screens' HTTP calls (absent: none).
 */
export function recordsSession(userId: string, docs: Record<string, unknown[]>, opts: { nowMs?: number; api?: Session['api']; sync?: RecordSync } = {}): FakeSession & { records: RecordsApi } {
  const world = new FakeWorld();
  const session = new FakeSession(world, world.user(userId));
  const nowMs = opts.nowMs ?? NOW;
  const records = createRecordsApi({
    user: session.user,
    sync: opts.sync ?? Object.assign(stubRecordSync(docs), { setDerivedGrants: async () => undefined }),
    org: () => session.org.peek(),
    clock: new HybridClock('ui', () => nowMs),
    now: () => nowMs,
    random: (n) => crypto.getRandomValues(new Uint8Array(n)),
    report: (input) => session.report(input),
  });
  return Object.assign(session, { records }, opts.api ? { api: opts.api } : {});
}

/** A fake sha256 (64 hex digits) from a small number: `fakeHash(1)`. */
export function fakeHash(n: number): string {
  return n.toString(16).padStart(64, '0');
}

/**
 * Photos and voice clips for the screens' tests: blobs by hash, in memory. `load` answers null for a hash it does
 * not hold (as the real one offline or before the upload), records every call, and waits for `delay` when set (a
 * slow link). `keep` holds captured blobs, so a form's capture shows through `load` as the real one does.
 */
export class FakeEvidence implements EvidenceApi {
  readonly blobs = new Map<string, Blob>();
  readonly loads: string[] = [];
  readonly uploads = signal<UploadProgress>({ photos: 0, clips: 0, bytesLeft: 0, bytes: 0, byCase: {} });
  /** A slow link: `load(hash)` answers once the promise this returns for the hash settles (undefined: at once). */
  delay: ((hash: string) => Promise<void> | undefined) | null = null;

  /** A small blob under `hash` (a JPEG's first bytes by default). */
  put(hash: string, type = 'image/jpeg', bytes: Uint8Array = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4])): this {
    this.blobs.set(hash, new Blob([bytes as BlobPart], { type }));
    return this;
  }

  async keep(blobs: CapturedBlob[]): Promise<void> {
    for (const b of blobs) this.put(b.hash, b.type, b.bytes);
  }

  async load(hash: string): Promise<Blob | null> {
    this.loads.push(hash);
    await this.delay?.(hash);
    return this.blobs.get(hash) ?? null;
  }

  async storage(): Promise<StorageReport> {
    let bytes = 0;
    for (const b of this.blobs.values()) bytes += b.size;
    return { usage: bytes, quota: null, persisted: false, unsentBytes: 0, cleanableBytes: bytes, closedCaseBytes: 0 };
  }

  async clean(): Promise<number> {
    return 0;
  }
}
