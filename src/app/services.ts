/**
 * The contract between the screens (src/features) and the data layer (src/sync, src/storage).
 * Screens read signals and call these methods; they never touch Dexie or Yjs themselves.
 * Implemented by `createAuthService` in src/app/session.ts.
 */
import type { ReadonlySignal } from '@preact/signals';
import type { Command, Decision } from '../domain/commands.ts';
import type { AssessmentReport, AssessScope, Figures, Period, Table1Row } from '../domain/assessment.ts';
import type { DuplicateMatch } from '../domain/duplicates.ts';
import type { LatLng, Satisfaction } from '../domain/events.ts';
import type { BoardQueue } from '../domain/queues.ts';
import type { OrgData, OrgIndex, Role, UserInfo } from '../domain/org.ts';
import type { CaseState, Status } from '../domain/workflow.ts';
import type { RecordsApi } from './records.ts';

export type ConnectionState = 'online' | 'offline' | 'connecting';

export interface SyncStatus {
  connection: ConnectionState;
  /** Own changes (events) not yet acknowledged as durable by the relay. */
  unsaved: number;
  /** When the relay last acknowledged one of this device's changes, or null if never. */
  lastSavedMs: number | null;
  /** True once every doc has loaded from local storage (the UI may render data). */
  ready: boolean;
  /** The relay refused this user's token: the user must sign in again to resume syncing (local work is kept). */
  authExpired: boolean;
}

/** A person who has used this device before (shared PCs): shown on the login screen. */
export interface Profile {
  userId: string;
  username: string;
  name: string;
  role: Role;
  lastLoginMs: number;
}

export interface CaseFilter {
  status?: Status;
  gridId?: string;
  /** A major category code (2 digits) or a subcategory code (4 digits). */
  category?: string;
}

/** One row of the case list (the Dexie read model). */
export interface CaseRow {
  id: string;
  status: Status;
  townId: string;
  gridId: string;
  category: string;
  description: string;
  reportedMs: number;
  updatedMs: number;
  unitId?: string;
  /** True while one of this device's events on the case is not yet acknowledged by the relay. */
  pending?: boolean;
  // issue 4 (all optional: rows written before the upgrade are refolded, but fakes may omit them)
  villageId?: string;
  reporter?: string;
  location?: LatLng;
  planId?: string;
  /** The latest dispatch (the deadline clock's start), its hours and approved extension hours. */
  dispatchedMs?: number;
  dueHours?: number;
  extensionHours?: number;
  /** Due time of the running clock (accept clock while `reported`, resolve clock while a unit holds the case). */
  dueMs?: number;
  /** An extension request waits for the center's decision. */
  extensionPending?: boolean;
  /** The case was returned by a unit (the unit that returned it: `returnedUnitId`). */
  returned?: boolean;
  returnedUnitId?: string;
  /** Number of supervision notices (督办). */
  supervisions?: number;
  firstResponseMs?: number;
  unitResponseMs?: number;
  resolvedMs?: number;
  selfResolved?: boolean;
  satisfaction?: Satisfaction;
  /** Events on this case that had no effect (lost a race...). */
  superseded?: number;
}

/** A case row with its location (what `findDuplicates` answers). */
export type DuplicateRow = CaseRow & { location: LatLng };

/**
 * Work queues: the dispatch board's (BOARD_QUEUES in src/domain/queues.ts), the unit's `unit_work` (cases it holds,
 * nearest deadline first) and the grid worker's `to_verify` (resolved cases of their grid, oldest first) and
 * `my_reports` (their reports, newest first).
 */
export type QueueName = BoardQueue | 'unit_work' | 'to_verify' | 'my_reports';

export interface QueueOptions {
  /** Board queues for a county user: limit to one town. */
  townId?: string;
}

/** What `stats` answers: the figures of the scope and, for the county, Table 1. */
export interface StatsResult {
  scope: AssessScope;
  period: Period;
  nowMs: number;
  figures: Figures;
  /** Every town, unit and grid with cases in the period (for ranking tables). */
  report: AssessmentReport;
  table1?: Table1Row[];
}

export interface ReportInput {
  category: string;
  description: string;
  location: LatLng;
  gridId: string;
  address?: string;
}

export interface GeoFetchInit {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  method?: 'POST';
  body?: string;
}

export interface OrgView extends OrgIndex {
  data: OrgData;
}

export interface Session {
  user: UserInfo;
  status: ReadonlySignal<SyncStatus>;
  /** Reference data, null until the org doc has loaded. */
  org: ReadonlySignal<OrgView | null>;
  /** Increases whenever the read model changes: list screens re-query on it. */
  casesVersion: ReadonlySignal<number>;
  queryCases(filter: CaseFilter, offset: number, limit: number): Promise<CaseRow[]>;
  countCases(filter: CaseFilter): Promise<number>;
  getCase(id: string): Promise<CaseState | null>;
  report(input: ReportInput): Promise<Decision>;
  act(caseId: string, command: Command): Promise<Decision>;
  // issue 4 ------------------------------------------------------------------
  /** Report and resolve on the spot (就地解决) in one step: two events, appended together. */
  reportResolved(input: ReportInput, note: string): Promise<Decision>;
  /** Rows of a queue, in its order; through Dexie indexes. `nowMs` (default now) decides `overdue`. */
  queryQueue(queue: QueueName, offset: number, limit: number, opts?: QueueOptions): Promise<CaseRow[]>;
  countQueue(queue: QueueName, opts?: QueueOptions): Promise<number>;
  /** Open cases of the same subcategory within 250 m reported in the 7 days before (for the report screen). */
  findDuplicates(input: { category: string; location: LatLng }): Promise<DuplicateMatch<DuplicateRow>[]>;
  /** Assessment for a scope and period [fromMs, toMs), computed locally (works offline) over the synced cases. */
  stats(scope: AssessScope, fromMs: number, toMs: number): Promise<StatsResult>;
  /** The clock the session uses (the screens compute deadlines with it: deadlineOf(row, session.now())). */
  now(): number;
  /** Re-authenticate after the token expired, keeping local work. */
  renew(password: string): Promise<boolean>;
  logout(): Promise<void>;
  /**
   * GET a file of the relay's `/api/geo/` (boundaries `grids|villages|towns.geojson`, `basemap.pmtiles`) with this
   * session's token. The service worker keeps a copy, so this answers offline once the file was fetched online.
   * Resolves null when neither the network nor that copy has it (never throws for a network failure).
   * With `method: 'POST'` (the administrator's boundary import, `grids`): the relay's answer whatever its status
   * (it names the problems of a refused file), null only when the network cannot be reached.
   */
  geoFetch(file: string, init?: GeoFetchInit): Promise<Response | null>;
  // issue 5 ------------------------------------------------------------------
  /** People (households, residents, visits) and party work of this user's docs; absent in test fakes without them. */
  records?: RecordsApi;
}

export type LoginError = 'bad_credentials' | 'offline_unknown_user' | 'network' | 'bad_request' | 'too_many_attempts';

export interface AuthService {
  profiles(): Promise<Profile[]>;
  /**
   * Online: checks the password with the relay. Offline: checks it against this device's stored verifier
   * for a user who signed in here before; the session then syncs when the network returns.
   */
  login(username: string, password: string): Promise<{ ok: true; session: Session } | { ok: false; error: LoginError }>;
  /**
   * Resume the session that was open on this device when the page was last closed (a reload, an app restart,
   * offline too), or null when the last user signed out. Uses the stored token and grants; no password.
   */
  resume(): Promise<Session | null>;
  /** Remove a profile and all of that user's local data from this device. */
  forget(userId: string): Promise<void>;
}
