/**
 * The contract between the screens (src/features) and the data layer (src/sync, src/storage).
 * Screens read signals and call these methods; they never touch Dexie or Yjs themselves.
 * Implemented by `createAuthService` in src/app/session.ts.
 */
import type { ReadonlySignal } from '@preact/signals';
import type { Command, Decision, ReportInput } from '../domain/commands.ts';
import type { AssessScope, StatsResult } from '../domain/assessment.ts';
import type { DuplicateMatch } from '../domain/duplicates.ts';
import type { LatLng } from '../domain/events.ts';
import type { OrgView, Role, UserInfo } from '../domain/org.ts';
import type { RoleChoice } from '../domain/accounts.ts';
import type { CaseState } from '../domain/workflow.ts';
import type { CaseFilter, CaseRow, DuplicateRow, QueueName, QueueOptions } from '../storage/rows.ts';
import type { SyncStatus } from '../sync/status.ts';
import type { PracticeHandle } from './practice.ts';
import type { CapturedBlob, StorageReport, UploadProgress } from '../sync/blobtypes.ts';
import type { RecordsApi } from './records.ts';
import type { InboxApi } from '../sync/inbox.ts';

// The shapes the screens use are owned by the layer that makes them; re-exported here so that the screens import
// the whole contract from one module.
export type { ConnectionState, SyncStatus } from '../sync/status.ts';
export { taskListUsable } from '../sync/status.ts';
export type { CapturedBlob, StorageReport, UploadProgress } from '../sync/blobtypes.ts';
export type { CaseFilter, CaseRow, DuplicateRow, QueueName, QueueOptions } from '../storage/rows.ts';
export type { OrgView } from '../domain/org.ts';
export type { ReportInput } from '../domain/commands.ts';
export type { StatsResult } from '../domain/assessment.ts';
export type { InboxApi, InboxView } from '../sync/inbox.ts';

/** A person who has used this device before (shared PCs): shown on the login screen. */
export interface Profile {
  userId: string;
  username: string;
  name: string;
  role: Role;
  lastLoginMs: number;
}

export interface GeoFetchInit {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  method?: 'POST';
  body?: string;
}

/** A request of Session.api. */
export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  raw?: { bytes: Uint8Array; type: string };
  accept?: string;
}

export interface Session {
  user: UserInfo;
  status: ReadonlySignal<SyncStatus>;
  /**
   * Reference data, null until the org doc has loaded. A resident's is the relay's public reference data (no staff
   * directory: the resident is the only person it names), kept on the device (src/sync/resident.ts).
   */
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
  /**
   * Issue 15 (admins): append a reference change to the org doc on this device (src/domain/refchanges.ts); it syncs
   * when online, and the relay checks it again. Resolves with the local check's problem, or null once appended.
   * Optional: sessions without an org doc to write (practice, fakes) have none.
   */
  changeReference?(change: unknown): Promise<{ code: string; detail: string } | null>;
  /**
   * Issue 15: a hybrid logical clock stamp for a reference change (its `at`), from this device's clock and after
   * every change the org doc already holds. Optional like changeReference.
   */
  stamp?(): Promise<string>;
  /** Rows of a queue, in its order; through Dexie indexes. `nowMs` (default now) decides `overdue`. */
  queryQueue(queue: QueueName, offset: number, limit: number, opts?: QueueOptions): Promise<CaseRow[]>;
  countQueue(queue: QueueName, opts?: QueueOptions): Promise<number>;
  /** Open cases of the same subcategory within 250 m reported in the 7 days before (for the report screen). */
  findDuplicates(input: { category: string; location: LatLng }): Promise<DuplicateMatch<DuplicateRow>[]>;
  /** Assessment for a scope and period [fromMs, toMs), computed locally (works offline) over the synced cases. */
  stats(scope: AssessScope, fromMs: number, toMs: number): Promise<StatsResult>;
  /**
   * Issue 15 (指挥中心): the read model's rows of the cases reported in [fromMs, toMs), through the `reportedMs`
   * index; with `onCaseRows`, the command hall reads its window once and then follows the writes. Optional: without
   * them (test fakes) the hall re-reads through `queryCases` when `casesVersion` moves.
   */
  caseRowsBetween?(fromMs: number, toMs: number): Promise<CaseRow[]>;
  /**
   * Issue 15: called after each read-model write with the rows written and the ids removed, before `casesVersion`
   * moves; `null` when anything may have changed (a refold: read again). Returns the unsubscribe.
   */
  onCaseRows?(listener: (change: { put: CaseRow[]; del: string[] } | null) => void): () => void;
  /** The clock the session uses (the screens compute deadlines with it: deadlineOf(row, session.now())). */
  now(): number;
  /** Re-authenticate after the token expired, keeping local work. */
  renew(password: string): Promise<boolean>;
  /**
   * Issue 15: the roles the person holds (one account each, this one included), when more than one; the account
   * screen offers to switch (AuthService.switchRole).
   */
  roles?: ReadonlySignal<readonly RoleChoice[]>;
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
  // issue 13 -----------------------------------------------------------------
  /**
   * A request of the relay's JSON API with this session's token (#/me, #/invites: server/residenthttp.ts). Rejects
   * when the network cannot be reached; absent in test fakes without it. `body` is sent as JSON; `raw` (issue 15,
   * a file upload: the staff import) as its bytes with its Content-Type; `accept` asks for a kind of answer.
   */
  api?(path: string, init?: ApiRequest): Promise<Response>;
  // issue 12 -----------------------------------------------------------------
  /** Photos and voice notes: kept on the device, uploaded, downloaded and cached; absent in test fakes without them. */
  evidence?: EvidenceApi;
  // issue 13 -----------------------------------------------------------------
  /**
   * The inbox (items, read state, system notifications: src/sync/inbox.ts), loaded and started on the first call,
   * the same instance after; absent in test fakes without it.
   */
  inbox?: () => Promise<InboxApi>;
  // issue 14 -----------------------------------------------------------------
  /**
   * A trainer's practice sandbox on this device (src/app/practice.ts): a practice copy of the resident app for the
   * learner `learnerName`, local only. Absent where there is none (test fakes, the sandbox's own session).
   */
  practice?: (learnerName?: string) => Promise<PracticeHandle>;
}

export interface EvidenceApi {
  /**
   * Keep captured blobs on this device as drafts, before the event that names them is written. `report`/`act`
   * move the blobs their event names into the outbox (src/domain/evidence.ts blobHashesOf), offline too.
   */
  keep(blobs: CapturedBlob[]): Promise<void>;
  /**
   * A blob's bytes: the local copy, else downloaded with this session's token (when online) and cached.
   * Null when it is not on this device and cannot be fetched now (offline, not yet uploaded, no access).
   * `caseId` (optional): the case being shown, kept with a downloaded copy so that cleaning knows when its case is
   * closed (closed cases' copies are cleaned first).
   */
  load(hash: string, caseId?: string): Promise<Blob | null>;
  /** The outbox, updated as uploads progress. */
  uploads: ReadonlySignal<UploadProgress>;
  storage(): Promise<StorageReport>;
  /** Remove cleanable local copies (never unsent ones) until `targetBytes` are freed (all when absent); bytes freed. */
  clean(targetBytes?: number): Promise<number>;
}

/** `must_change_password` (issue 15): signed in with a temporary password; `changeTemporaryPassword` goes on. */
export type LoginError = 'bad_credentials' | 'offline_unknown_user' | 'network' | 'bad_request' | 'too_many_attempts' | 'sealed_password' | 'must_change_password';

/** Why a new password was refused (src/domain/accounts.ts staffPasswordProblem, or the same as before). */
export type PasswordProblem = 'too_short' | 'too_simple' | 'contains_username' | 'same_as_before';
export type ChangePasswordError = 'weak_password' | 'bad_password' | 'expired' | 'network';

/** Issue 14: a signed-in user's unsaved work by kind (sign-out confirmation, "remove my data"). */
export interface UnsavedKinds {
  /** False until the local docs are open: the counts are not known yet. */
  ready: boolean;
  total: number;
  cases: number;
  /** People and party records. */
  records: number;
  photos: number;
  clips: number;
}

/** Issue 14: the lock screen's state; it names nobody (the screen shows nothing of the last user). */
export interface LockInfo {
  /** A PIN can unlock (set, and fewer than five wrong ones in a row); else the password is needed. */
  pin: boolean;
}

export type UnlockResult =
  | { ok: true; session: Session }
  | { ok: false; error: 'bad_pin'; left: number }
  | { ok: false; error: 'pin_blocked' | 'bad_password' | 'bad_request' | 'not_locked' | 'sealed_password' };

/**
 * Issue 14, shared PCs (src/app/session.ts implements it; DESIGN.md "Shared PCs"): the device's shared mark, the
 * quick lock with a per-user PIN, and removal of a user's data.
 */
export interface SharedPcApi {
  /** Whether this device is marked shared; null when nobody has answered the question yet. */
  deviceShared(): Promise<boolean | null>;
  /** Answer the first-sign-in question (while unanswered), or change it later: a town-center user only. */
  setDeviceShared(on: boolean, by: Session): Promise<boolean>;
  /** The lock screen's state, or null when no session is locked. */
  lockState(): Promise<LockInfo | null>;
  /** Close the session behind the lock screen (sealed on a shared device); the PIN or password resumes it. */
  lock(session: Session): Promise<void>;
  unlock(secret: { pin: string } | { password: string }): Promise<UnlockResult>;
  /** Leave the lock screen for the sign-in screen (the locked user's data stays as it is: sealed when shared). */
  cancelLock(): Promise<void>;
  hasPin(userId: string): Promise<boolean>;
  /** Set (4-6 digits) or remove (null) the PIN; the password is needed when this session was not opened with it. */
  setPin(session: Session, pin: string | null, password?: string): Promise<'ok' | 'need_password' | 'bad_password' | 'bad_pin'>;
  unsaved(session: Session): UnsavedKinds;
  /** Sign out and delete the user's data from this device; refused (with what is unsaved) unless all is saved. */
  removeMyData(session: Session): Promise<{ ok: true } | { ok: false; unsaved: UnsavedKinds }>;
}

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
  /**
   * Issue 15: after `login` answered `must_change_password`, replace the temporary password with `next` and sign in
   * with it. `expired`: the temporary sign-in is no longer open (sign in again with the temporary password).
   */
  /**
   * Issue 15: act in another role of the same person without signing out: this session closes (its unsaved work
   * stays and is sent when that role is next used) and the role's opens. The first switch to a role needs a
   * connection; after that it works offline. On a shared device the password is asked (`need_password`): the new
   * role's data is sealed with it like any user's.
   */
  switchRole?(from: Session, userId: string, password?: string): Promise<{ ok: true; session: Session } | { ok: false; error: 'network' | 'unknown' | 'expired' | 'need_password' | 'bad_password' }>;
  changeTemporaryPassword?(
    username: string,
    temporary: string,
    next: string,
  ): Promise<{ ok: true; session: Session } | { ok: false; error: ChangePasswordError | LoginError; problem?: PasswordProblem }>;
  /** Issue 14: shared PCs; absent in test fakes without it. */
  shared?: SharedPcApi;
}
