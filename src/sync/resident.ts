/**
 * A resident's device (issue 11). Residents sync no CRDT doc (src/domain/docs.ts: the org doc holds the staff
 * directory, a town's cases doc everyone's reports), so their session runs on three HTTP resources of the relay
 * (server/reporter.ts), each kept in this user's IndexedDB so the app works offline after the first sign-in:
 *
 *  - the public reference data (GET /api/reference, revalidated by ETag): the session's `org` for the report form
 *    and the labels, with the resident as the only user it knows;
 *  - an outbox of reports made on this device: decided locally by the same domain code as every other role
 *    (decide), listed at once as pending, and sent (POST /api/cases with the report's own id, so a retry after a
 *    lost answer is not a second case) whenever the relay can be reached; while reports wait and the relay cannot
 *    be reached, the device tries again by itself (RETRY_MIN_MS doubling to REFRESH_MS), so a network drop too
 *    short for any network change to be noticed does not hold them until the next refresh;
 *  - the resident's own reports as the relay folds them (GET /api/cases/mine, reporter's view: status and steps,
 *    no staff details), refreshed on every contact and every REFRESH_MS while online, written to the read model as
 *    the rows of the case list.
 *
 * `status` tells the truth: `connecting` until the first answer, `online` while the relay answers, `offline`
 * without a network or when the relay cannot be reached; `unsaved` is the outbox; `lastSavedMs` the last report the
 * relay took. Loaded on demand by the session (not in the first screen's bundle).
 */
import { signal, type Signal } from '@preact/signals';
import { decide, type Command, type Decision, type ReportInput } from '../domain/commands.ts';
import { HybridClock } from '../domain/hlc.ts';
import { ID_PATTERN, newId, type RandomBytes } from '../domain/ids.ts';
import { indexOrg, type OrgData, type OrgView, type UserInfo } from '../domain/org.ts';
import type { CaseEvent } from '../domain/events.ts';
import type { CaseState } from '../domain/workflow.ts';
import { getMeta, setMeta } from '../storage/meta.ts';
import { toRecord, type ReadModel } from '../storage/readmodel.ts';
import type { UserDb } from '../storage/schema.ts';
import { Rerun } from './rerun.ts';
import type { SyncStatus } from './status.ts';

/** The read model's "doc" of a resident's rows (no CRDT doc behind them). */
export const RESIDENT_ROWS = 'resident.own';
const KEY = { reference: 'resident.reference', outbox: 'resident.outbox', cases: 'resident.cases', lastSaved: 'resident.lastSaved' } as const;
/** How often the own reports are asked for again while online (their status is changed by the staff). */
const REFRESH_MS = 30_000;
/** First retry of a failed send while reports wait (doubling up to REFRESH_MS). */
const RETRY_MIN_MS = 1_000;

export type ApiFetch = (path: string, init?: { method?: 'GET' | 'POST'; body?: string; headers?: Record<string, string> }) => Promise<Response>;

export interface ResidentDeps {
  user: UserInfo;
  db: UserDb;
  readModel: ReadModel;
  /** Bumped after each write of the rows (the list screens re-query on it). */
  casesVersion: Signal<number>;
  /** A fetch of the relay's API with this session's token; throws when the network fails. */
  api: ApiFetch;
  now: () => number;
  random: RandomBytes;
  online: () => boolean;
  /** The token was refused (401): the session checks it and may ask for the password. */
  unauthorized: () => void;
  /** The relay took this token (the session drops a password held since an offline sign-in). */
  contacted?: () => void;
  /** Sign-in expired: do not contact the relay. */
  paused: () => boolean;
  /** Called when the network comes or goes (the engine's watcher); returns the unsubscribe function. */
  watchNetwork: (f: () => void) => () => void;
  refreshMs?: number;
  /** Issue 12: before a report is kept in the outbox, move the blobs it names into the upload outbox. */
  beforeSave?: (events: readonly CaseEvent[]) => Promise<void>;
  /** Issue 12: after a report was kept, or after a contact with the relay (the session starts the uploader). */
  afterSave?: () => void;
}

interface Reference {
  etag: string;
  data: Omit<OrgData, 'users' | 'plans'>;
}
interface Outgoing {
  caseId: string;
  input: ReportInput;
  state: CaseState;
}

const isReference = (v: unknown): v is Reference => {
  const r = v as Reference | null;
  return typeof r === 'object' && r !== null && typeof r.etag === 'string' && typeof r.data === 'object' && r.data !== null && Array.isArray(r.data.grids) && Array.isArray(r.data.subcategories);
};
const isState = (v: unknown): v is CaseState => {
  const s = v as CaseState | null;
  return typeof s === 'object' && s !== null && typeof s.id === 'string' && ID_PATTERN.test(s.id) && typeof s.status === 'string' && typeof s.reportedMs === 'number' && typeof s.updatedAt === 'string' && Array.isArray(s.timeline);
};
const isStates = (v: unknown): v is CaseState[] => Array.isArray(v) && v.every(isState);
const isOutbox = (v: unknown): v is Outgoing[] =>
  Array.isArray(v) && v.every((o: Outgoing | null) => typeof o === 'object' && o !== null && typeof o.caseId === 'string' && isState(o.state) && typeof o.input === 'object');

/** The reference data as the session's org: the resident is the one user it knows (their own name on their reports). */
export function residentOrg(data: Reference['data'], user: UserInfo): OrgView {
  const full: OrgData = { ...data, plans: [], users: [user] };
  return { ...indexOrg(full), data: full };
}

export class ResidentSync {
  readonly org = signal<OrgView | null>(null);
  readonly status = signal<SyncStatus>({ connection: 'connecting', unsaved: 0, lastSavedMs: null, ready: false, authExpired: false });

  private reference: Reference | null = null;
  private outbox: Outgoing[] = [];
  private cases = new Map<string, CaseState>();
  private lastSavedMs: number | null = null;
  private contacted = false;
  private stopped = false;
  private readonly syncs = new Rerun(
    () => this.syncOnce().catch((e: unknown) => console.error('gridlink: resident sync failed', e)),
    () => !this.stopped,
  );
  private timer: ReturnType<typeof setInterval> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryMs = RETRY_MIN_MS;
  private unwatch: () => void = () => {};
  private readonly clock: HybridClock;

  constructor(private readonly deps: ResidentDeps) {
    const node = Array.from(deps.random(6), (b) => (b % 36).toString(36)).join('');
    this.clock = new HybridClock(`p${node}`, deps.now);
  }

  /** Load what this device holds (the form and the list work offline from here), then contact the relay. */
  async start(): Promise<void> {
    const db = this.deps.db;
    const [reference, outbox, cases, lastSaved] = await Promise.all([
      getMeta(db, KEY.reference, isReference),
      getMeta(db, KEY.outbox, isOutbox),
      getMeta(db, KEY.cases, isStates),
      getMeta(db, KEY.lastSaved, (v): v is number => typeof v === 'number'),
    ]);
    if (reference) this.useReference(reference);
    this.outbox = outbox ?? [];
    this.cases = new Map((cases ?? []).map((c) => [c.id, c]));
    this.lastSavedMs = lastSaved ?? null;
    await this.writeRows();
    this.refresh({ ready: true });
    this.unwatch = this.deps.watchNetwork(() => {
      if (this.deps.online()) this.sync();
      else this.refresh({ connection: 'offline' });
    });
    this.timer = setInterval(() => {
      if (this.deps.online()) this.sync();
    }, this.deps.refreshMs ?? REFRESH_MS);
    this.sync();
  }

  /** Contact the relay now (once at a time; a call meanwhile runs it again after). Resolves when done. */
  sync(): Promise<void> {
    return this.syncs.run();
  }

  /** While reports wait and the relay could not be reached: try again by itself, backing off. */
  private retryLater(): void {
    if (this.stopped || this.retryTimer || this.outbox.length === 0) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.deps.refreshMs ?? REFRESH_MS, this.retryMs * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.sync();
    }, wait);
  }

  private async syncOnce(): Promise<void> {
    if (this.stopped || this.deps.paused()) return;
    if (!this.deps.online()) {
      this.retryLater();
      return this.refresh({ connection: 'offline' });
    }
    if (!this.contacted) this.refresh({ connection: 'connecting' });
    try {
      await this.fetchReference();
      await this.flushOutbox();
      await this.fetchMine();
      this.contacted = true;
      this.retryMs = RETRY_MIN_MS;
      this.deps.contacted?.();
      // The list now shows the relay's answer: its counts and empty state can be believed (status.synced).
      this.refresh({ connection: this.deps.online() ? 'online' : 'offline', synced: true });
    } catch (e) {
      if (e instanceof Unauthorized) {
        this.deps.unauthorized();
        this.refresh({ connection: 'offline' });
        return;
      }
      // The relay cannot be reached (or answered 5xx): try again at the next network change or refresh, and by
      // itself while reports wait.
      this.retryLater();
      this.refresh({ connection: 'offline' });
    }
  }

  private async call(path: string, init?: Parameters<ApiFetch>[1]): Promise<Response> {
    const res = await this.deps.api(path, init);
    if (res.status === 401) throw new Unauthorized();
    if (res.status >= 500) throw new Error(`relay answered ${res.status}`);
    return res;
  }

  private async fetchReference(): Promise<void> {
    const res = await this.call('/api/reference', this.reference ? { headers: { 'if-none-match': this.reference.etag } } : undefined);
    if (res.status === 304 || !res.ok) return;
    const data = (await res.json()) as Reference['data'];
    const ref = { etag: res.headers.get('etag') ?? '', data };
    if (!isReference(ref) || this.stopped) return;
    await setMeta(this.deps.db, KEY.reference, ref);
    this.useReference(ref);
  }

  private useReference(ref: Reference): void {
    this.reference = ref;
    this.org.value = residentOrg(ref.data, this.deps.user);
  }

  /** Send the outbox in order; stops at the first network failure (the rest waits for the next contact). */
  private async flushOutbox(): Promise<void> {
    for (const o of [...this.outbox]) {
      if (this.stopped) return;
      const res = await this.call('/api/cases', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...o.input, id: o.caseId }) });
      const body = (await res.json().catch(() => null)) as unknown;
      if (res.ok && isState(body)) {
        this.cases.set(body.id, body);
        this.lastSavedMs = this.deps.now();
        await setMeta(this.deps.db, KEY.lastSaved, this.lastSavedMs);
      } else {
        // Refused for good (the relay's rules changed since the device decided it): keep it out of the loop, say so.
        console.warn(`gridlink: the relay refused report ${o.caseId}: ${res.status} ${JSON.stringify(body)}`);
      }
      this.outbox = this.outbox.filter((x) => x.caseId !== o.caseId);
      await this.save();
      await this.writeRows();
      this.refresh({});
    }
  }

  private async fetchMine(): Promise<void> {
    const res = await this.call('/api/cases/mine');
    if (!res.ok) return;
    const body = (await res.json().catch(() => null)) as { cases?: unknown } | null;
    if (!isStates(body?.cases) || this.stopped) return;
    this.cases = new Map(body.cases.map((c) => [c.id, c]));
    await this.save();
    await this.writeRows();
  }

  private async save(): Promise<void> {
    await setMeta(this.deps.db, KEY.outbox, this.outbox);
    await setMeta(this.deps.db, KEY.cases, [...this.cases.values()]);
  }

  /** The case list's rows: the relay's view of each own report, and the reports still in the outbox (pending). */
  private async writeRows(): Promise<void> {
    if (this.stopped) return;
    const rows = [...this.cases.values()].map((s) => toRecord(s, RESIDENT_ROWS, false));
    for (const o of this.outbox) if (!this.cases.has(o.caseId)) rows.push(toRecord(o.state, RESIDENT_ROWS, true));
    await this.deps.readModel.replaceDoc(RESIDENT_ROWS, rows, { doc: '', org: this.reference?.etag ?? '', acked: '' });
    this.deps.casesVersion.value++;
  }

  private refresh(patch: Partial<SyncStatus>): void {
    const old = this.status.peek();
    const next: SyncStatus = { ...old, ...patch, unsaved: this.outbox.length, lastSavedMs: this.lastSavedMs };
    if (!this.deps.online()) next.connection = 'offline';
    if (
      next.connection !== old.connection ||
      next.unsaved !== old.unsaved ||
      next.lastSavedMs !== old.lastSavedMs ||
      next.ready !== old.ready ||
      next.synced !== old.synced ||
      next.authExpired !== old.authExpired
    )
      this.status.value = next;
  }

  /** Report as this resident: decided here, kept in the outbox (works offline), sent when the relay answers. */
  async report(input: ReportInput): Promise<Decision> {
    const org = this.org.peek();
    const grid = org && typeof input?.gridId === 'string' ? org.grid(input.gridId) : undefined;
    if (!org || !grid) return { ok: false, error: 'unknown_grid' };
    const now = this.deps.now();
    const caseId = newId(now, this.deps.random);
    const decision = decide(null, { ...input, type: 'report', townId: grid.townId, channel: 'app' }, {
      actor: this.deps.user,
      org,
      at: this.clock.now(),
      eventId: newId(now, this.deps.random),
      caseId,
    });
    if (!decision.ok) return decision;
    await this.deps.beforeSave?.([decision.event]);
    this.outbox.push({ caseId, input, state: decision.state });
    await this.save();
    await this.writeRows();
    this.refresh({});
    this.deps.afterSave?.();
    void this.sync();
    return decision;
  }

  async getCase(id: string): Promise<CaseState | null> {
    return this.cases.get(id) ?? this.outbox.find((o) => o.caseId === id)?.state ?? null;
  }

  /** A resident's commands on their own reports (withdraw, feedback): through the relay, online only. */
  async act(caseId: string, command: Command): Promise<Decision> {
    if (!this.cases.has(caseId)) return { ok: false, error: 'unknown_case' };
    const res = await this.call(`/api/cases/${encodeURIComponent(caseId)}/commands`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(command) });
    const body = (await res.json().catch(() => null)) as (CaseState & { error?: string; events?: unknown }) | null;
    if (!res.ok || !isState(body)) return { ok: false, error: (body?.error ?? 'forbidden') as Extract<Decision, { ok: false }>['error'] };
    delete body.events;
    this.cases.set(caseId, body);
    await this.save();
    await this.writeRows();
    const last = body.timeline[body.timeline.length - 1];
    return last ? { ok: true, event: last.event, state: body } : { ok: false, error: 'conflict' };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unwatch();
    if (this.timer) clearInterval(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.syncs.idle();
  }
}

class Unauthorized extends Error {}
