/**
 * The contract between the screens (src/features) and the data layer (src/sync, src/storage).
 * Screens read signals and call these methods; they never touch Dexie or Yjs themselves.
 * Implemented by `createAuthService` in src/app/session.ts.
 */
import type { ReadonlySignal } from '@preact/signals';
import type { Command, Decision } from '../domain/commands.ts';
import type { LatLng } from '../domain/events.ts';
import type { OrgData, OrgIndex, Role, UserInfo } from '../domain/org.ts';
import type { CaseState, Status } from '../domain/workflow.ts';

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
}

export interface ReportInput {
  category: string;
  description: string;
  location: LatLng;
  gridId: string;
  address?: string;
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
  /** Re-authenticate after the token expired, keeping local work. */
  renew(password: string): Promise<boolean>;
  logout(): Promise<void>;
}

export type LoginError = 'bad_credentials' | 'offline_unknown_user' | 'network' | 'bad_request';

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
