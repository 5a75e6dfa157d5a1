/**
 * The session service: sign-in (online against the relay, offline against this device's verifier), the device's
 * list of people, resuming after a reload, and one SyncEngine per signed-in person. Implements services.ts.
 *
 * Contracts:
 *  - Online sign-in: POST /api/login, then GET /api/me (user with scope + docs). The profile (with a fresh
 *    PBKDF2 verifier, the token and the grants) is stored; the password is not.
 *  - Offline sign-in (no network, fetch fails, or the relay answers 5xx): only for someone who signed in here
 *    before, checked against the stored verifier; syncing starts with the stored token and grants. The password
 *    typed offline is held in memory until the first contact with the relay, so a token that expired while the
 *    device was offline is renewed silently once instead of asking for the password again; after that contact,
 *    or on logout, it is dropped.
 *  - A token refused at the websocket upgrade (401) or past its `exp` sets `status.authExpired` and stops syncing
 *    until `renew(password)`; local work is kept and keeps counting as unsaved.
 *  - `status` (the header's sync bar) is the case engine's combined with the people/party docs' (RecordSync
 *    `withRecords`: their unsaved events, last save and links), read through one signal so the shell loads none of
 *    the records code. Grants read again from /api/me mid-session reach both (new docs open, revoked ones stop).
 */
import type { AuthService, EvidenceApi, GeoFetchInit, LoginError, Profile, Session, SharedPcApi, SyncStatus, UnsavedKinds, UploadProgress } from './services.ts';
import type { SharedPc } from './sharedpc.ts';
import type { SignInFlows } from './signin.ts';
import type { CaseEvent } from '../domain/events.ts';
import { blobHashesOf } from '../domain/evidence.ts';
import type { EvidenceParts } from '../sync/evidence.ts';
import type { DocGrant } from '../domain/docs.ts';
import { ROLES, type UserInfo } from '../domain/org.ts';
import { DEVICE_SHARED, LOCKED_USER, PBKDF2_ITERATIONS, ProfileStore, makeVerifier } from '../storage/profiles.ts';
import type { RoleChoice } from '../domain/accounts.ts';
import { DEFAULT_NAMESPACE } from '../storage/schema.ts';
import { SyncEngine } from '../sync/engine.ts';
import type { RecordSync } from '../sync/records.ts';
import type { ResidentSync } from '../sync/resident.ts';
import { HybridClock } from '../domain/hlc.ts';
import type { RecordsApi } from './records.ts';
import type { InboxApi } from '../sync/inbox.ts';
import { computed, signal } from '@preact/signals';
import type { Transport } from '../sync/link.ts';
import { lazyTransport, wsOriginOf } from '../sync/lazylink.ts';
import { afterFirstScreen } from './later.ts';

export interface AuthServiceOptions {
  /** http(s) origin of the relay, e.g. `location.origin`. */
  baseUrl: string;
  fetch?: typeof fetch;
  /** WebSocket implementation when the environment has none (Node: the `ws` package). */
  WebSocketPolyfill?: unknown;
  now?: () => number;
  random?: (n: number) => Uint8Array;
  /** Whether the device has a network (default: navigator.onLine). */
  online?: () => boolean;
  /** Prefix of every IndexedDB name (default `gridlink`); tests use a fresh one each. */
  namespace?: string;
  /** Replaces the websocket transport (tests); null syncs nothing. */
  transport?: Transport | null;
  /** Read-model write debounce and online poll interval (ms). */
  flushMs?: number;
  pollMs?: number;
  /** PBKDF2 iterations for new verifiers (default storage/profiles.ts PBKDF2_ITERATIONS). */
  pbkdf2Iterations?: number;
}

/** The session object: the Session contract plus the engine, for diagnostics and tests. */
export interface GridlinkSession extends Session {
  readonly engine: SyncEngine;
  /** Issue 5's people and party docs: null until their code has loaded (startRecords). */
  readonly recordSync: RecordSync | null;
  /** Issue 12: photos and voice notes (always present on the app's own session). */
  readonly evidence: EvidenceApi;
  /** Loads and starts the uploader and the blob cache (done after sign-in; tests and benchmarks may await it). */
  startEvidence(): Promise<unknown>;
}

export interface GridlinkAuthService extends AuthService {
  login(username: string, password: string): Promise<{ ok: true; session: GridlinkSession } | { ok: false; error: LoginError }>;
  resume(): Promise<GridlinkSession | null>;
  /** Issue 14: shared PCs (always present on the app's own service). */
  shared: SharedPcApi;
  /** Stop every session and close the device database (tests, page teardown). */
  dispose(): Promise<void>;
}

export type OnlineLogin =
  | { kind: 'ok'; token: string; user: UserInfo; docs: DocGrant[]; roles?: RoleChoice[] }
  | { kind: 'must_change'; token: string }
  | { kind: 'bad_credentials' }
  | { kind: 'bad_request' }
  | { kind: 'too_many_attempts' }
  | { kind: 'network' };

/** What a session starts from: the relay's answer at a sign-in, or a stored profile. */
export interface SessionStart {
  user: UserInfo;
  docs: DocGrant[];
  token: string;
  username: string;
  roles?: RoleChoice[] | undefined;
}

/** Minimum time between two token checks caused by failed connection attempts. */
const PROBE_INTERVAL_MS = 10_000;
const MAX_TIMEOUT_MS = 2_147_483_647;
/** The latest the uploads of an earlier session resume after sign-in or a reload (see openSession). */
const EVIDENCE_START_MS = 3_000;

export function createAuthService(opts: AuthServiceOptions): GridlinkAuthService {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const doFetch: typeof fetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const now = opts.now ?? (() => Date.now());
  const random = opts.random ?? ((n: number) => crypto.getRandomValues(new Uint8Array(n)));
  const online = opts.online ?? (() => typeof navigator === 'undefined' || navigator.onLine !== false);
  const ns = opts.namespace ?? DEFAULT_NAMESPACE;
  const store = new ProfileStore(ns);
  const active = new Map<string, SessionImpl>();
  // Issue 14 (shared PCs): each signed-in user's vault key, held in memory only while their session is open (it
  // unwraps nothing on its own: it opens their sealed data at the next unlock). The sealing, lock and PIN code and
  // the vault's (WebCrypto key wrapping, database export) load on first use, not with the first screen.
  const keys = new Map<string, CryptoKey>();
  let pcLoad: Promise<SharedPc> | null = null;
  const pc = (): Promise<SharedPc> =>
    (pcLoad ??= import('./sharedpc.ts').then((m) =>
      m.sharedPc({
        ns,
        store,
        active,
        keys,
        random,
        iterations: opts.pbkdf2Iterations ?? PBKDF2_ITERATIONS,
        now,
        resumeAs: async (id, heldPassword) => {
          const p = await store.byId(id);
          return p ? startSession({ user: p.user, docs: p.docs, token: p.token, username: p.username, roles: p.roles }, heldPassword) : null;
        },
        removable: unsavedOf,
      }),
    ));
  const isShared = async () => (await store.getState(DEVICE_SHARED)) === true;

  let transport: Transport | null | undefined = opts.transport;

  function getTransport(): Transport | null {
    // The websocket code (y-websocket, multiplexer) loads after the first screen painted from local data.
    if (transport === undefined) {
      transport = lazyTransport(() =>
        import('../sync/websocket.ts').then(({ websocketTransport }) => websocketTransport({ wsOrigin: wsOriginOf(base), WebSocketPolyfill: opts.WebSocketPolyfill })),
      );
    }
    return transport;
  }

  async function onlineLogin(username: string, password: string): Promise<OnlineLogin> {
    let res: Response;
    try {
      res = await doFetch(`${base}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
    } catch {
      return { kind: 'network' };
    }
    if (res.status === 401 || res.status === 403) return { kind: 'bad_credentials' };
    if (res.status === 400) return { kind: 'bad_request' };
    if (res.status === 429) return { kind: 'too_many_attempts' };
    if (!res.ok) return { kind: 'network' };
    const body = (await res.json().catch(() => null)) as { token?: unknown; user?: unknown; mustChangePassword?: unknown } | null;
    const token = typeof body?.token === 'string' ? body.token : null;
    if (!token) return { kind: 'network' };
    // Issue 15: a temporary password opens nothing until it is changed (changeTemporaryPassword).
    if (body?.mustChangePassword === true) return { kind: 'must_change', token };
    const me = await fetchMe(token);
    if (me === 'unauthorized') return { kind: 'bad_credentials' };
    if (me === 'network') return { kind: 'network' };
    return { kind: 'ok', token, user: me.user, docs: me.docs, ...(me.roles ? { roles: me.roles } : {}) };
  }

  async function fetchMe(token: string): Promise<Me | 'unauthorized' | 'network'> {
    let res: Response;
    const sent = now();
    try {
      res = await doFetch(`${base}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    } catch {
      return 'network';
    }
    const received = now();
    if (res.status === 401) return 'unauthorized';
    if (!res.ok) return 'network';
    const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    const me = parseMe(body);
    if (!me) return 'network';
    // The relay's clock against this device's, taken at the middle of the round trip (error: half of it).
    if (typeof body?.serverTime === 'number' && Number.isFinite(body.serverTime)) me.clockOffsetMs = Math.round(body.serverTime - (sent + received) / 2);
    return me;
  }

  function apiFetch(token: string, path: string, init: ApiInit = {}): Promise<Response> {
    return doFetch(`${base}${path}`, { ...init, body: init.body as BodyInit | undefined, headers: { ...init.headers, authorization: `Bearer ${token}` } });
  }

  async function geoFetch(token: string, file: string, init: GeoFetchInit = {}): Promise<Response | null> {
    try {
      const res = await doFetch(`${base}/api/geo/${file}`, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } });
      return res.ok || init.method ? res : null;
    } catch (e) {
      if (init.signal?.aborted) throw e;
      return null;
    }
  }

  /**
   * `wait: 'all'` (a sign-in) resolves once every doc is open; `'read'` (resuming after a reload) as soon as the
   * read model can be read, so the first screen paints from it while the docs open in the background (engine
   * `readable()`; `status.ready` turns true when they are open).
   */
  async function startSession(
    p: SessionStart,
    heldPassword: string | null,
    wait: 'all' | 'read' = 'all',
  ): Promise<SessionImpl> {
    const old = active.get(p.user.id);
    if (old) await old.logout();
    const s = new SessionImpl(p.user, p.username, p.token, p.docs, heldPassword, {
      ns,
      now,
      random,
      online,
      transport: getTransport(),
      flushMs: opts.flushMs,
      pollMs: opts.pollMs,
      fetchMe,
      geoFetch,
      apiFetch,
      onlineLogin,
      store,
      iterations: opts.pbkdf2Iterations,
      onEnd: (sess) => {
        if (active.get(sess.user.id) === sess) active.delete(sess.user.id);
      },
      // Issue 14: signed out on a shared device means unreadable: seal (unsent changes included: they go with
      // the databases and are sent at the next sign-in).
      afterLogout: async (userId) => {
        keys.delete(userId);
        if (await isShared()) await (await pc()).sealUser(userId);
      },
    });
    active.set(p.user.id, s);
    s.roles.value = p.roles ?? [];
    try {
      if (wait === 'all') {
        await s.engine.start();
        await s.startRecords();
      } else {
        await s.engine.readable();
        void s.engine
          .start()
          .then(() => s.startRecords())
          .catch((e: unknown) => console.error('gridlink: opening the local docs failed', e));
      }
    } catch (e) {
      await s.logout().catch(() => {});
      throw e;
    }
    await store.setCurrent(p.user.id);
    // The outbox's code loads after the first screen (not with it), and uploads what an earlier session left; it
    // asks for persistent storage once (blobcache.ts). Saving a photo starts it at once whenever that comes first.
    afterFirstScreen(() => void s.startEvidence().catch((e: unknown) => console.error('gridlink: starting the uploads failed', e)), EVIDENCE_START_MS);
    return s;
  }

  let flowsLoad: Promise<SignInFlows> | null = null;
  const flows = (): Promise<SignInFlows> =>
    (flowsLoad ??= import('./signin.ts').then((m) =>
      m.signInFlows({ store, active, keys, random, iterations: opts.pbkdf2Iterations, now, online, isShared, pc, onlineLogin, fetchMe, apiFetch, startSession }),
    ));

  const service: GridlinkAuthService = {
    async profiles(): Promise<Profile[]> {
      // A shared device's sign-in screen names nobody (issue 14).
      if (await isShared()) return [];
      // A role reached by switching is not a person of its own to sign in as (issue 15).
      return (await store.list()).filter((p) => !p.roleOf).map((p) => ({ userId: p.userId, username: p.username, name: p.name, role: p.role, lastLoginMs: p.lastLoginMs }));
    },

    // Signing in, a temporary password's change and a role switch load their code on first use (signin.ts): a device
    // that resumes its session, most loads, never needs it.
    login: async (username, password) => (await flows()).login(username, password),
    changeTemporaryPassword: async (username, current, next) => (await flows()).changeTemporaryPassword(username, current, next),
    switchRole: async (from, userId, password) => (await flows()).switchRole(from, userId, password),

    async resume() {
      const id = await store.current();
      const running = id ? active.get(id) : undefined;
      if (running) return running;
      if (await isShared()) {
        // Shared device: reopening never goes straight into the last session. Whoever was signed in when the
        // browser closed is locked (PIN or password to resume), and everyone's data in clear is sealed first.
        if (id) {
          await store.setCurrent(null);
          await store.setState(LOCKED_USER, id);
        }
        await (await pc()).sealIdle();
        return null;
      }
      if (!id || (await store.getState(LOCKED_USER))) return null;
      const profile = await store.byId(id);
      if (!profile) return null;
      return startSession({ user: profile.user, docs: profile.docs, token: profile.token, username: profile.username, roles: profile.roles }, null, 'read');
    },

    forget: async (userId) => (await pc()).forgetUser(userId),

    shared: {
      async deviceShared() {
        const v = await store.getState(DEVICE_SHARED);
        return typeof v === 'boolean' ? v : null;
      },
      setDeviceShared: async (on, by) => (await pc()).api.setDeviceShared(on, by),
      // Nobody locked (the usual start): answered without loading the vault.
      lockState: async () => (typeof (await store.getState(LOCKED_USER)) === 'string' ? (await pc()).api.lockState() : null),
      lock: async (session) => (await pc()).api.lock(session),
      unlock: async (secret) => (await pc()).api.unlock(secret),
      cancelLock: async () => (await pc()).api.cancelLock(),
      hasPin: async (userId) => (await pc()).api.hasPin(userId),
      setPin: async (session, pin, password) => (await pc()).api.setPin(session, pin, password),
      unsaved: (session) => unsavedOf(session),
      removeMyData: async (session) => (await pc()).api.removeMyData(session),
    },

    async dispose() {
      for (const s of [...active.values()]) await s.stop();
      active.clear();
      keys.clear();
      store.close();
      void pcLoad?.then((p) => p.vault.close());
    },
  };
  return service;
}

/** A request of the relay's API: JSON (strings) or blob bytes (src/protocol/blobs.ts). */
type ApiInit = { method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; body?: string | Uint8Array; headers?: Record<string, string>; signal?: AbortSignal };

const NO_UPLOADS: UploadProgress = { photos: 0, clips: 0, bytesLeft: 0, bytes: 0, byCase: {} };

interface SessionDeps {
  ns: string;
  now: () => number;
  random: (n: number) => Uint8Array;
  online: () => boolean;
  transport: Transport | null;
  flushMs: number | undefined;
  pollMs: number | undefined;
  fetchMe: (token: string) => Promise<Me | 'unauthorized' | 'network'>;
  geoFetch: (token: string, file: string, init?: GeoFetchInit) => Promise<Response | null>;
  apiFetch: (token: string, path: string, init?: ApiInit) => Promise<Response>;
  onlineLogin: (username: string, password: string) => Promise<OnlineLogin>;
  store: ProfileStore;
  iterations: number | undefined;
  onEnd: (s: SessionImpl) => void;
  afterLogout: (userId: string) => Promise<void>;
}

class SessionImpl implements GridlinkSession {
  readonly engine: SyncEngine;
  /**
   * Issue 5: people and party docs (src/sync/records.ts). Their code is loaded after the case docs open, not with
   * the shell (initial JS budget); `records` reads a signal, so a screen re-renders when they arrive.
   */
  private readonly loaded = signal<{ sync: RecordSync; api: RecordsApi } | null>(null);
  private loadingRecords: Promise<{ sync: RecordSync; api: RecordsApi }> | null = null;
  private readonly recordsNode: string;
  private token: string;
  private lastProbe = -Infinity;
  private probing: Promise<void> | null = null;
  private expiryTimer: ReturnType<typeof setTimeout> | null = null;
  private ended = false;
  private disposeStatusWatch: () => void = () => {};
  private grantsChecked = false;
  /** Issue 15: the person's roles (more than one), as the relay last listed them. */
  readonly roles = signal<readonly RoleChoice[]>([]);

  /** The token in use (a role switch asks the relay with it). */
  get currentToken(): string {
    return this.token;
  }

  constructor(
    readonly user: UserInfo,
    private readonly username: string,
    token: string,
    private docs: DocGrant[],
    /** Password typed at an offline sign-in, until the relay has been reached once (see header). */
    private heldPassword: string | null,
    private readonly deps: SessionDeps,
  ) {
    this.token = token;
    this.engine = new SyncEngine({
      ns: deps.ns,
      user,
      grants: docs,
      token,
      transport: deps.transport,
      now: deps.now,
      random: deps.random,
      online: deps.online,
      onUpgradeFailed: () => this.probe(false),
      // Issue 12: the blobs an event names enter the outbox in the same flow as the event is written (offline too).
      beforeAppend: (events) => this.attachEvidence(events),
      afterAppend: () => void this.evidenceParts.peek()?.uploader.kick(),
      // Issue 16: a first sign-in's head start (the worker's open cases first; the docs sync whole after it).
      starter: async (answered) => {
        const res = await deps.apiFetch(this.token, '/api/starter');
        answered?.();
        return res.ok ? ((await res.json()) as unknown) : null;
      },
      // Issue 16 section 5: an empty doc's whole state, fewer bytes than the socket's first sync (server/firststate.ts).
      // Loaded only then (a first sign-in): it stays out of the first screen's JavaScript.
      firstState: async (name, signal) => (await import('../sync/firststate.ts')).firstState((init) => deps.apiFetch(this.token, `/api/docs/${encodeURIComponent(name)}`, init), signal),
      ...(deps.flushMs !== undefined ? { flushMs: deps.flushMs } : {}),
      ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
    });
    this.recordsNode = Array.from(deps.random(6), (b) => (b % 36).toString(36)).join('');
    this.scheduleExpiry();
    this.disposeStatusWatch = this.engine.status.subscribe((st) => {
      if (st.connection !== 'online') return;
      // The relay accepted this token: the held password is no longer needed.
      this.heldPassword = null;
      if (!this.grantsChecked) {
        this.grantsChecked = true;
        // May end after a logout closed the databases.
        this.refreshGrants().catch(console.error);
      }
    });
  }

  /** The header's status, with the photos and clips waiting to be uploaded (issue 12). */
  readonly status = computed<SyncStatus>(() => {
    const base = this.baseStatus.value;
    const p = this.evidenceParts.value?.uploader.progress.value;
    return p && (p.photos > 0 || p.clips > 0) ? { ...base, uploads: { photos: p.photos, clips: p.clips } } : base;
  });

  // ---------------------------------------------------------------- issue 12: evidence
  private readonly evidenceParts = signal<EvidenceParts | null>(null);
  private loadingEvidence: Promise<EvidenceParts> | null = null;

  /** Load the uploader and the blob cache once, and start them (uploads what waits from an earlier session). */
  startEvidence(): Promise<EvidenceParts> {
    return (this.loadingEvidence ??= import('../sync/evidence.ts').then(({ startEvidence }) =>
      startEvidence({
        db: this.engine.db,
        fetch: (path, init) => this.deps.apiFetch(this.token, path, init),
        online: this.deps.online,
        unauthorized: () => this.probe(true),
        paused: () => this.ended || this.engine.isAuthExpired,
        ended: () => this.ended,
        watchNetwork: (f) => this.engine.onNetwork(f),
        now: this.deps.now,
        beforeExpire: () => this.keepNamedRecordBlobs(),
        publish: (parts) => (this.evidenceParts.value = parts),
      }),
    ).catch((e: unknown) => {
      // Not kept: a chunk that could not load offline loads on a later call.
      this.loadingEvidence = null;
      throw e;
    }));
  }

  private async attachEvidence(events: readonly CaseEvent[]): Promise<void> {
    // An event naming no blob has nothing to move: a text-only write needs no evidence code, which a device that
    // went offline before its service worker cached that chunk cannot load.
    if (!events.some((e) => blobHashesOf(e).length > 0)) return;
    const parts = await this.startEvidence();
    await parts.attach(this.engine.db, events, this.deps.now());
  }

  /**
   * Issue 17: the drafts this user's saved record events name go into the outbox. Their move follows the append
   * (RecordSync `attachBlobs`), so a tab closed in between leaves an event naming a draft: this runs when the records
   * have loaded and before drafts expire (BlobCache `beforeExpire`). False while the records are not loaded.
   */
  private async keepNamedRecordBlobs(): Promise<boolean> {
    if (this.user.role === 'resident') return true;
    const sync = this.loaded.peek()?.sync;
    if (!sync?.isReady()) return false;
    const hashes = sync.namedBlobs();
    if (hashes.length === 0) return true;
    const { attachHashes } = await import('../sync/uploads.ts');
    if ((await attachHashes(this.engine.db, hashes.map((h) => [h, undefined] as const), this.deps.now())) > 0) this.evidenceParts.peek()?.uploader.kick();
    return true;
  }

  /** Issue 17: a record event's blobs (a check-in's or a task answer's photos) into the outbox, then upload. */
  private async attachRecordEvidence(hashes: readonly string[]): Promise<void> {
    const parts = await this.startEvidence();
    await parts.attachHashes(this.engine.db, hashes.map((h) => [h, undefined] as const), this.deps.now());
    parts.uploader.kick();
  }

  readonly evidence: EvidenceApi = {
    keep: (blobs) => this.startEvidence().then((p) => p.cache.keep(blobs)),
    load: (hash, caseId) => this.startEvidence().then((p) => p.cache.load(hash, caseId)),
    uploads: computed(() => this.evidenceParts.value?.uploader.progress.value ?? NO_UPLOADS),
    storage: () => this.startEvidence().then((p) => p.cache.storage()),
    clean: (target) => this.startEvidence().then((p) => p.cache.clean(target)),
  };

  /** The engine's status with the people/party docs' part (not ready until their code has loaded). */
  private readonly baseStatus = computed<SyncStatus>(() => {
    const e = this.engine.status.value;
    if (this.user.role === 'resident') {
      // A resident syncs no doc: the connection is what the relay's HTTP answers say (ResidentSync), never the
      // engine's (it has no links, so it would say offline). Unknown until the resident code has loaded.
      const r = this.resident.value?.status.value;
      return r ? { ...r, authExpired: e.authExpired } : { connection: 'connecting', unsaved: 0, lastSavedMs: null, ready: false, authExpired: e.authExpired };
    }
    return this.loaded.value?.sync.withRecords(e) ?? { ...e, ready: false };
  });
  /** Issue 11: a resident's reference data, outbox and own reports (src/sync/resident.ts), loaded like the records. */
  private readonly resident = signal<ResidentSync | null>(null);
  private loadingResident: Promise<ResidentSync> | null = null;
  private readonly residentOrg = computed(() => this.resident.value?.org.value ?? null);
  private withResident<T>(f: (r: ResidentSync) => Promise<T>): Promise<T> {
    return (this.loadingResident ?? this.startResident()).then(f);
  }

  private startResident(): Promise<ResidentSync> {
    return (this.loadingResident ??= import('../sync/resident.ts').then(async ({ ResidentSync }) => {
      const r = new ResidentSync({
        user: this.user,
        db: this.engine.db,
        readModel: this.engine.readModel,
        casesVersion: this.engine.casesVersion,
        api: (path, init) => this.deps.apiFetch(this.token, path, init),
        now: this.deps.now,
        random: this.deps.random,
        online: this.deps.online,
        unauthorized: () => this.probe(true),
        contacted: () => (this.heldPassword = null),
        paused: () => this.ended || this.engine.isAuthExpired,
        watchNetwork: (f) => this.engine.onNetwork(f),
        beforeSave: (events) => this.attachEvidence(events),
        afterSave: () => void this.evidenceParts.peek()?.uploader.kick(),
      });
      this.resident.value = r;
      if (!this.ended) await r.start();
      return r;
    }));
  }
  /** Issue 13: the inbox, loaded on first use (its code and the computation are not in the first screen's bundle). */
  private loadingInbox: Promise<InboxApi> | null = null;
  inbox = (): Promise<InboxApi> =>
    (this.loadingInbox ??= import('./inbox.ts').then(({ startSessionInbox }) => {
      const api = startSessionInbox({
        user: this.user,
        db: this.engine.db,
        casesVersion: this.engine.casesVersion,
        org: this.org,
        records: () => this.records,
        now: this.deps.now,
      });
      if (this.ended) api.stop();
      return api;
    }));
  get recordSync(): RecordSync | null {
    return this.loaded.peek()?.sync ?? null;
  }
  get records(): RecordsApi | undefined {
    return this.loaded.value?.api;
  }

  /** Load the people/party code, build its sync and API once, and start it. */
  async startRecords(): Promise<void> {
    // Residents hold no people or party docs: their part is the reference data and their own reports.
    if (this.user.role === 'resident') {
      await this.startResident();
      return;
    }
    this.loadingRecords ??= Promise.all([import('../sync/records.ts'), import('./records.ts')]).then(([{ RecordSync }, { createRecordsApi }]) => {
      const deps = this.deps;
      const sync = new RecordSync({
        ...deps,
        user: this.user,
        grants: this.docs,
        token: this.token,
        db: this.engine.db,
        onUpgradeFailed: () => this.probe(false),
        watchNetwork: (f) => this.engine.onNetwork(f),
        attachBlobs: (hashes) => void this.attachRecordEvidence(hashes).catch((e: unknown) => console.error('gridlink: queueing photos failed', e)),
      });
      const api = createRecordsApi({
        user: this.user,
        sync,
        org: () => this.engine.org.peek(),
        clock: new HybridClock(`r${this.recordsNode}`, deps.now),
        now: deps.now,
        random: deps.random,
        report: (input) => this.engine.report(input),
      });
      return { sync, api };
    });
    const r = await this.loadingRecords;
    if (this.ended) return;
    this.loaded.value = r;
    // The worker's grid's care index kept on the device is read (from creation) while the docs load.
    await Promise.all([r.sync.start(), r.api.preloadCareIndex(this.user.gridId ? [this.user.gridId] : [])]);
    // Drafts a saved event names whose move was cut short (see keepNamedRecordBlobs) are sent now, not in a day.
    if (!this.ended) await this.keepNamedRecordBlobs().catch((e: unknown) => console.error('gridlink: queueing photos failed', e));
  }
  get org() {
    return this.user.role === 'resident' ? this.residentOrg : this.engine.org;
  }
  get casesVersion() {
    return this.engine.casesVersion;
  }

  queryCases: Session['queryCases'] = (filter, offset, limit) => this.engine.queryCases(filter, offset, limit);
  countCases: Session['countCases'] = (filter) => this.engine.countCases(filter);
  getCase: Session['getCase'] = (id) => (this.user.role === 'resident' ? this.withResident((r) => r.getCase(id)) : this.engine.getCase(id));
  report: Session['report'] = (input) => (this.user.role === 'resident' ? this.withResident((r) => r.report(input)) : this.engine.report(input));
  act: Session['act'] = (caseId, command) => (this.user.role === 'resident' ? this.withResident((r) => r.act(caseId, command)) : this.engine.act(caseId, command));
  geoFetch: Session['geoFetch'] = (file, init) => this.deps.geoFetch(this.token, file, init);
  /** Issue 14: the practice sandbox, for trainers (its code is loaded on first use). */
  practice: NonNullable<Session['practice']> = async (learnerName) => {
    const org = this.engine.org.peek();
    if (this.user.role !== 'trainer' || !org) throw new Error('the practice sandbox is for trainers, once the reference data has loaded');
    const { openPractice } = await import('./practice.ts');
    return openPractice({ ns: this.deps.ns, trainer: this.user, org, now: this.deps.now, random: this.deps.random, ...(learnerName ? { learnerName } : {}) });
  };
  /** Issue 13: JSON to and from the relay's API with this session's token (issue 15: or a file's bytes, `raw`). */
  api: NonNullable<Session['api']> = (path, init = {}) => {
    const headers: Record<string, string> = init.accept ? { accept: init.accept } : {};
    const body = init.raw ? init.raw.bytes : init.body === undefined ? undefined : JSON.stringify(init.body);
    if (body !== undefined) headers['content-type'] = init.raw ? init.raw.type : 'application/json';
    return this.deps.apiFetch(this.token, path, { method: init.method ?? 'GET', ...(body === undefined ? {} : { body }), ...(Object.keys(headers).length ? { headers } : {}) });
  };
  reportResolved: Session['reportResolved'] = (input, note) => this.engine.reportResolved(input, note);
  changeReference: NonNullable<Session['changeReference']> = async (change) => {
    const { changeReference } = await import('../sync/refedit.ts');
    const written = await this.engine.writeOrg((doc) => changeReference(doc, change, this.user));
    return written ? written.value : { code: 'read_only', detail: 'this account may not edit reference data' };
  };
  stamp: NonNullable<Session['stamp']> = () => this.engine.stamp();
  queryQueue: Session['queryQueue'] = (queue, offset, limit, opts) => this.engine.queryQueue(queue, offset, limit, opts);
  countQueue: Session['countQueue'] = (queue, opts) => this.engine.countQueue(queue, opts);
  findDuplicates: Session['findDuplicates'] = (input) => this.engine.findDuplicates(input);
  stats: Session['stats'] = (scope, fromMs, toMs) => this.engine.stats(scope, fromMs, toMs);
  caseRowsBetween: NonNullable<Session['caseRowsBetween']> = (fromMs, toMs) => this.engine.caseRowsBetween(fromMs, toMs);
  onCaseRows: NonNullable<Session['onCaseRows']> = (f) => this.engine.onCaseRows(f);
  now: Session['now'] = () => this.deps.now();

  async renew(password: string): Promise<boolean> {
    if (this.ended) return false;
    const r = await this.deps.onlineLogin(this.username, password);
    if (r.kind !== 'ok' || r.user.id !== this.user.id) return false;
    this.heldPassword = null;
    const verifier = await makeVerifier(password, this.deps.random, this.deps.iterations);
    await this.deps.store.update(this.user.id, { token: r.token, docs: r.docs, user: r.user, verifier, lastLoginMs: this.deps.now() });
    this.useToken(r.token);
    return true;
  }

  /**
   * A resumed or offline session runs on the grants of the last online sign-in; once the relay is reachable,
   * ask again: docs granted since (a new case year, a new assignment) are opened, docs no longer granted stop
   * syncing (their links would otherwise retry a 403 forever); their local data stays readable.
   */
  private async refreshGrants(known?: Me): Promise<void> {
    const me = known ?? (await this.deps.fetchMe(this.token).catch(() => 'network' as const));
    if (this.ended || me === 'network' || me === 'unauthorized' || me.user.id !== this.user.id) return;
    // Events are stamped by the relay's clock from now on, whatever this device's clock says (receipts.ts).
    if (me.clockOffsetMs !== undefined) await this.engine.setClockOffset(me.clockOffsetMs);
    await this.deps.store.update(this.user.id, { docs: me.docs, user: me.user, roles: me.roles ?? [] });
    this.roles.value = me.roles ?? [];
    // Records not loaded yet start with these grants.
    this.docs = me.docs;
    this.engine.revokeGrants(me.docs);
    await Promise.all([this.engine.addGrants(me.docs), this.loadingRecords?.then((r) => r.sync.setGrants(me.docs), () => {})]);
  }

  private useToken(token: string): void {
    this.token = token;
    this.engine.setToken(token);
    this.recordSync?.setToken(token);
    this.engine.setAuthExpired(false);
    void this.resident.peek()?.sync();
    void this.evidenceParts.peek()?.uploader.kick();
    this.scheduleExpiry();
  }

  /**
   * Is the token the reason we cannot connect? Asked after a failed upgrade (at most every 10 s) and at the
   * token's expiry. 401 -> renew silently with a held password, else authExpired. No answer -> nothing to learn.
   */
  private probe(force: boolean): void {
    if (this.ended || this.probing || this.engine.isAuthExpired || !this.deps.online()) return;
    const t = this.deps.now();
    if (!force && t - this.lastProbe < PROBE_INTERVAL_MS) return;
    this.lastProbe = t;
    this.probing = (async () => {
      const me = await this.deps.fetchMe(this.token);
      if (this.ended || me === 'network') return;
      if (me !== 'unauthorized') {
        // The token is fine, so the upgrade failed for another reason: a doc no longer granted (403)?
        this.heldPassword = null;
        await this.refreshGrants(me);
        return;
      }
      const password = this.heldPassword;
      this.heldPassword = null;
      if (password) {
        const r = await this.deps.onlineLogin(this.username, password);
        if (this.ended) return;
        if (r.kind === 'ok' && r.user.id === this.user.id) {
          await this.deps.store.update(this.user.id, { token: r.token, docs: r.docs, user: r.user, lastLoginMs: this.deps.now() });
          this.useToken(r.token);
          return;
        }
        if (r.kind === 'network') {
          this.heldPassword = password;
          return;
        }
      }
      this.engine.setAuthExpired(true);
    })()
      .catch((e: unknown) => console.error('gridlink token check failed', e))
      .finally(() => {
        this.probing = null;
      });
  }

  private scheduleExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    const exp = jwtExpiryMs(this.token);
    if (exp === null) return;
    const wait = Math.min(MAX_TIMEOUT_MS, Math.max(0, exp - this.deps.now() + 1000));
    this.expiryTimer = setTimeout(() => {
      this.expiryTimer = null;
      if (jwtExpiryMs(this.token) === exp) this.probe(true);
    }, wait);
  }

  /** Stop syncing and close this session's databases; the device still knows the person. */
  async stop(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.heldPassword = null;
    this.disposeStatusWatch();
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.deps.onEnd(this);
    await this.probing;
    await this.loadingRecords?.catch(() => undefined);
    await this.recordSync?.stop();
    await this.loadingResident?.then((r) => r.stop()).catch(() => undefined);
    await this.loadingEvidence?.then((p) => p.uploader.stop()).catch(() => undefined);
    await this.loadingInbox?.then((i) => i.stop()).catch(() => undefined);
    await this.engine.stop();
  }

  async logout(): Promise<void> {
    if (this.ended) return;
    // Issue 15: the relay records the sign-out in its audit log when it can be told (offline: not recorded).
    if (this.deps.online()) void this.deps.apiFetch(this.token, '/api/logout', { method: 'POST' }).catch(() => undefined);
    await this.stop();
    if ((await this.deps.store.current()) === this.user.id) await this.deps.store.setCurrent(null);
    await this.deps.afterLogout(this.user.id);
  }

  /** Issue 14: what is unsaved, by kind (the cases' and the records' events, the photos and clips not uploaded). */
  unsavedKinds(): UnsavedKinds {
    const all = this.status.peek();
    const cases = this.user.role === 'resident' ? all.unsaved : this.engine.status.peek().unsaved;
    const photos = all.uploads?.photos ?? 0;
    const clips = all.uploads?.clips ?? 0;
    return { ready: all.ready, total: all.unsaved + photos + clips, cases, records: Math.max(0, all.unsaved - cases), photos, clips };
  }
}

function unsavedOf(session: Session): UnsavedKinds {
  if (session instanceof SessionImpl) return session.unsavedKinds();
  const st = session.status.peek();
  const photos = st.uploads?.photos ?? 0;
  const clips = st.uploads?.clips ?? 0;
  return { ready: st.ready, total: st.unsaved + photos + clips, cases: st.unsaved, records: 0, photos, clips };
}

/** `exp` of a JWT in ms, read without verifying (the relay verifies; this only schedules a check). */
export function jwtExpiryMs(token: string): number | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/** What GET /api/me tells a device: who it is, its docs, and how far its clock is from the relay's. */
export interface Me {
  user: UserInfo;
  docs: DocGrant[];
  /** Issue 15: the person's roles, when more than one (GET /api/me `roles`). */
  roles?: RoleChoice[];
  /** The relay's clock minus this device's (ms), when the relay said its time. */
  clockOffsetMs?: number;
}

/** GET /api/me: `{ user: {...}, docs }` or the user's fields at the top level next to `docs`. */
export function parseMe(body: Record<string, unknown> | null): Me | null {
  if (!body) return null;
  const u = (typeof body.user === 'object' && body.user !== null ? body.user : body) as Record<string, unknown>;
  if (typeof u.id !== 'string' || typeof u.name !== 'string' || !(ROLES as readonly unknown[]).includes(u.role)) return null;
  const user: UserInfo = { id: u.id, username: typeof u.username === 'string' ? u.username : '', name: u.name, role: u.role as UserInfo['role'] };
  for (const k of ['townId', 'villageId', 'gridId', 'unitId', 'phone'] as const) if (typeof u[k] === 'string') user[k] = u[k];
  const docs: DocGrant[] = [];
  if (Array.isArray(body.docs)) {
    for (const d of body.docs as Array<Record<string, unknown> | null>) {
      if (d && typeof d.name === 'string' && (d.access === 'read' || d.access === 'write')) docs.push({ name: d.name, access: d.access });
    }
  }
  const roles: RoleChoice[] = [];
  if (Array.isArray(body.roles)) {
    for (const r of body.roles as Array<Record<string, unknown> | null>) {
      if (!r || typeof r.id !== 'string' || !(ROLES as readonly unknown[]).includes(r.role)) continue;
      const c: RoleChoice = { id: r.id, role: r.role as UserInfo['role'] };
      for (const k of ['townId', 'villageId', 'gridId', 'unitId'] as const) if (typeof r[k] === 'string') c[k] = r[k];
      roles.push(c);
    }
  }
  return { user, docs, ...(roles.length > 1 ? { roles } : {}) };
}
