/** What the sync layer reports about itself to the session (and, through `src/app/services.ts`, to the screens). */

export type ConnectionState = 'online' | 'offline' | 'connecting';

export interface SyncStatus {
  connection: ConnectionState;
  /** Own changes (events) not yet acknowledged as durable by the relay. */
  unsaved: number;
  /** When the relay last acknowledged one of this device's changes, or null if never. */
  lastSavedMs: number | null;
  /** True once every doc has loaded from local storage (the UI may render data). */
  ready: boolean;
  /**
   * True once every doc has synced with the relay in this session and the read model shows it: from then on, counts
   * and empty states are the server's. Absent (false) until then.
   */
  synced?: boolean;
  /**
   * Issue 16: a first sign-in's head start is in the read model (src/domain/starter.ts: the worker's open cases and
   * the reference data they need) while the docs are still syncing; `taskListUsable` says what it means.
   */
  early?: boolean;
  /** Photos and voice clips this device has not yet uploaded (issue 12); absent when there are none. */
  uploads?: { photos: number; clips: number };
  /** The relay refused this user's token: the user must sign in again to resume syncing (local work is kept). */
  authExpired: boolean;
}

/**
 * The first usable task list (issue 16 section 5), the one rule for the app and the benchmark: the docs are open
 * and either every doc has synced with the relay in this session (`synced`), or a first sign-in's head start is in
 * the read model with the reference data it needs (`early`): the worker's open cases and own open reports, labelled,
 * and a report can be made. Until `synced` the rest of the town's year is still arriving (the screens say so).
 */
export function taskListUsable(s: SyncStatus): boolean {
  return s.ready && (s.synced === true || s.early === true);
}
