/**
 * The sync engine of one signed-in user: one Y.Doc per granted doc, persisted by y-indexeddb, linked to the relay
 * after it has loaded, and the Dexie read model kept as a view of the docs.
 *
 * The docs are hosted by a DocHost (host.ts: open once, persistence, ledger, links, grants, the recovery's doc swap,
 * stop), as RecordSync's are. The engine keeps what the docs mean to it: the reference data (org doc), the case index
 * of each cases doc, the unsaved count per case, the clock, and when links follow the network. The read-model
 * projection (projection.ts: refolds, flushes, markers, the write queue) and the case commands and reads
 * (commands.ts) are their own modules, given what they need of the engine through a narrow host interface.
 *
 * Contracts:
 *  - Yjs is the truth, Dexie a view. Rows change only through the projection, in batched transactions, each with
 *    the doc's marker (doc, org and acknowledged state vectors). A doc whose marker still matches on open is not
 *    refolded.
 *  - Events enter the fold only through `parseEvent` (CaseIndex); values that fail are skipped and counted.
 *  - `unsaved` counts this device's events that the relay has not acknowledged as durable (unsaved.ts); the
 *    acknowledged state vector and this device's Yjs client ids are kept in `meta`, so the count survives reloads.
 *  - A refusal (REFUSED) is recovered, never looped on: this user's unacknowledged events are saved to `meta`
 *    (rescue), the local doc is deleted and resynced from the relay, and the saved events that still parse, are
 *    this user's, may be made by this role and are not on the relay already are appended again. Events re-appended
 *    once and refused again are set aside (`refused:<doc>` in meta) instead of being sent a third time.
 *    The bookkeeping (docsync.ts), the hosting (host.ts) and the recovery (rescue.ts, loaded on first need) are
 *    shared with RecordSync.
 *  - `stop()` leaves nothing running: links destroyed (sockets closed), persistence closed, timers cleared.
 */
import { signal, type Signal } from '@preact/signals';
import { toBase64 } from 'lib0/buffer';
import * as Y from 'yjs';
import type { AssessScope, StatsResult } from '../domain/assessment.ts';
import type { DuplicateMatch } from '../domain/duplicates.ts';
import type { Command, Decision, ReportInput } from '../domain/commands.ts';
import { parseDocName, type DocGrant } from '../domain/docs.ts';
import type { CaseEvent, LatLng } from '../domain/events.ts';
import { newId, type RandomBytes } from '../domain/ids.ts';
import { indexOrg, type OrgIndex, type OrgView, type UserInfo } from '../domain/org.ts';
import type { CaseState } from '../domain/workflow.ts';
import { deleteMeta, getMeta, isNumber, isString, isStringArray, setMeta } from '../storage/meta.ts';
import { queryQueue, ReadModel, rowsReportedBetween, selectQueue, toRow } from '../storage/readmodel.ts';
import type { CaseFilter, CaseRow, DuplicateRow, QueueName, QueueOptions } from '../storage/rows.ts';
import { META, UserDb, userDbName, type ReadModelMarker, type SchemaVersion } from '../storage/schema.ts';
import type { CaseIndex } from '../protocol/caseindex.ts';
import { PersistentClock, isHlcState } from './clock.ts';
import type { CaseCommands, CommandHost } from './commands.ts';
import type { ReadModelProjection, ProjectionHost } from './projection.ts';
import type { Transport } from './link.ts';
import { linksState, setStatus, type RescuePolicy } from './docsync.ts';
import { DocHost, type HostedDoc } from './host.ts';
import type { HeadStartHost } from './headstart.ts';
import type * as CaseCodeModule from './casecode.ts';
import { orgChanges, orgIsEmpty, readBase, viewOf } from '../protocol/orgdoc.ts';
import { countRows, extraRows, yieldToMain } from './persist.ts';
import { EVENTS_ARRAY, RECEIPTS_ARRAY } from '../protocol/wire.ts';
import type { ConnectionState, SyncStatus } from './status.ts';

export interface EngineOptions {
  ns: string;
  user: UserInfo;
  grants: readonly DocGrant[];
  token: string;
  /** null: local only (tests, or no relay configured). */
  transport: Transport | null;
  now: () => number;
  random: RandomBytes;
  online: () => boolean;
  /** A connection attempt failed before the socket opened: the session checks whether the token is the reason. */
  onUpgradeFailed?: () => void;
  /** Debounce of read-model writes after doc changes (ms). */
  flushMs?: number;
  /** How often `online()` is polled (ms); 'online'/'offline' window events are listened to as well. */
  pollMs?: number;
  userDbVersions?: readonly SchemaVersion[];
  /**
   * Issue 12: called with decided events just before they are written to their doc (same flow, offline too): the
   * session moves the blobs they name from draft into the upload outbox (src/sync/uploads.ts attachBlobs).
   */
  beforeAppend?: (events: readonly CaseEvent[]) => Promise<void>;
  /** Issue 12: called after events were written (the session starts the uploader). */
  afterAppend?: (events: readonly CaseEvent[]) => void;
  /**
   * Issue 16: the head start of a first sign-in (GET /api/starter, src/domain/starter.ts), asked for while the links
   * connect when no cases doc of this user has been synced to this device yet; null or a throw: none. It calls
   * `answered` as soon as the relay's answer begins to arrive (its headers): the relay writes it in one piece, so what
   * is asked for after that comes behind it on the link (`firstStates`).
   */
  starter?: (answered?: () => void) => Promise<unknown>;
  /**
   * Issue 16 section 5: a doc's whole state from the relay (GET /api/docs/<name>, compressed for the wire better than
   * the socket's sync) as Yjs updates that give the doc applied in order, each as soon as it has arrived; null or a
   * throw: none (a throw during the iteration: no more). Asked for every doc that holds nothing yet at start, all at
   * once, after the head start's answer; each is linked only afterwards (`firstStates`).
   */
  firstState?: (name: string, signal: AbortSignal) => Promise<AsyncIterable<Uint8Array> | null>;
}

/** Stored y-indexeddb rows above which a doc is compacted at open / after a sync / during a session. */
const COMPACT_AT_OPEN = 10;
const COMPACT_DURING = 100;
/** Events parsed per task when a doc's index is built at open (the main thread is yielded between steps). */
const INDEX_STEP = 500;

const EMPTY_ORG: OrgIndex = indexOrg({});

/** The cases docs' code (casecode.ts: the case index, the fold, the projection), loaded when the engine starts. */
type CaseCode = typeof CaseCodeModule;

/** A hosted doc (host.ts) with what the engine keeps of it. */
interface Slot extends HostedDoc<CaseEvent> {
  kind: 'org' | 'cases';
  index: CaseIndex;
  /** Case ids with own unacknowledged events. */
  pending: Set<string>;
  unsaved: number;
  touched: Set<string>;
  rebuild: boolean;
  flushTimer: ReturnType<typeof setTimeout> | null;
  marker: ReadModelMarker | null;
  /** Recovery in progress: no read-model writes, no links made by connectAll. */
  suspended: boolean;
  syncWaiters: Array<() => void>;
}

export interface DocDiagnostics {
  name: string;
  events: number;
  cases: number;
  corrupt: number;
  unsaved: number;
  storedRows: number;
  linkState: string;
  synced: boolean;
}

export class SyncEngine {
  readonly status: Signal<SyncStatus>;
  readonly org: Signal<OrgView | null>;
  readonly casesVersion: Signal<number>;
  readonly db: UserDb;
  readonly readModel: ReadModel;

  private readonly host: DocHost<Slot>;
  private clock: PersistentClock | null = null;
  /** The relay's clock minus this device's (ms): the HLC's wall clock is the relay's (setClockOffset). */
  private clockOffset = 0;
  private authExpired = false;
  private ready = false;
  /** Every doc has synced with the relay once in this session and the read model shows it (status.synced). */
  private synced = false;
  /** Issue 16: a first sign-in's head start is in the read model (status.early, `taskListUsable`). */
  private early = false;
  /** The reference data shown is the head start's subset: replaced by the org doc once it has synced whole. */
  private orgFromStarter = false;
  private syncedNotes: Promise<void> = Promise.resolve();
  private lastSavedMs: number | null = null;
  private wasOnline: boolean;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private orgTimer: ReturnType<typeof setTimeout> | null = null;
  /** The org doc, while a change of it waits to be applied. */
  private orgDoc: Y.Doc | null = null;
  /** Counts org reads: a lazily folded read that a newer one overtook is dropped (`setOrg`). */
  private orgSeq = 0;
  private clockTimer: ReturnType<typeof setTimeout> | null = null;
  private started: Promise<void> | null = null;
  private readonly readableP: Promise<void>;
  private markReadable: (err?: unknown) => void = () => {};
  private stopSignal: () => void = () => {};
  private readonly stopPromise: Promise<void>;
  private readonly onWindowNet = () => this.checkOnline();
  private readonly netListeners = new Set<() => void>();
  /** What the commands use of the engine; the commands themselves load on first use (`commands`). */
  private readonly commandHost: CommandHost<Slot>;
  private loadingCommands: Promise<CaseCommands<Slot>> | null = null;
  private readonly projectionHost: ProjectionHost<Slot>;
  /** The cases docs' code and what is made of it, once loaded (`caseCode`). */
  private loaded: { code: CaseCode; projection: ReadModelProjection<Slot>; policy: RescuePolicy<CaseEvent> } | null = null;
  private loadingCode: Promise<CaseCode> | null = null;
  /**
   * The ledgers' policy: this user's case events (they parse, the actor is this user), re-sent after a refusal if
   * the role may make them (casecode.ts). Only a rescue reads it (rescue.ts), after `ready`.
   */
  private readonly policy: RescuePolicy<CaseEvent> = {
    own: (v) => this.code().policy.own(v),
    mayResend: (e) => this.code().policy.mayResend(e),
    ready: () => this.caseCode(),
  };
  /** Docs waiting for their first state over HTTP (`firstStates`): not linked until it has been applied. */
  private readonly firstStateHeld = new Set<string>();
  /** Aborts a first state's download when the engine stops. */
  private readonly firstStateAbort = new AbortController();

  constructor(private readonly opts: EngineOptions) {
    this.host = new DocHost<Slot>({
      ns: opts.ns,
      user: opts.user,
      token: opts.token,
      transport: opts.transport,
      onUpgradeFailed: () => this.opts.onUpgradeFailed?.(),
      node: () => this.clock?.current.node,
      compactAtOpen: COMPACT_AT_OPEN,
      owner: {
        acked: (slot, sv) => void this.handleAck(slot, sv).catch((e: unknown) => console.error('gridlink ack failed', e)),
        synced: (slot) => this.onFirstSync(slot),
        changed: () => this.refreshStatus(),
        recover: (slot) => this.recover(slot),
      },
    });
    this.db = new UserDb(userDbName(opts.ns, opts.user.id), opts.userDbVersions);
    this.readModel = new ReadModel(this.db);
    this.status = signal<SyncStatus>({ connection: 'offline', unsaved: 0, lastSavedMs: null, ready: false, authExpired: false });
    this.org = signal<OrgView | null>(null);
    this.casesVersion = signal(0);
    this.wasOnline = opts.online();
    this.projectionHost = {
      user: opts.user,
      readModel: this.readModel,
      flushMs: opts.flushMs ?? 30,
      stopped: () => this.stopped,
      orgIndex: () => this.orgIndex,
      orgKey: () => {
        for (const s of this.slots.values()) if (s.kind === 'org') return toBase64(Y.encodeStateVector(s.doc));
        return '';
      },
      recomputeUnsaved: (slot) => this.recomputeUnsaved(slot),
      written: (changes) => {
        for (const f of this.rowListeners) f(changes ? { put: changes.put.map(toRow), del: changes.del } : null);
        this.casesVersion.value++;
        this.refreshStatus();
      },
      flushed: (slot) => {
        if (extraRows(slot.persistence) > COMPACT_DURING) this.host.compactSoon(slot);
      },
    };
    this.commandHost = {
      user: opts.user,
      now: opts.now,
      random: opts.random,
      readModel: this.readModel,
      ready: async () => {
        await this.start();
        this.flushOrg();
      },
      orgIndex: () => this.orgIndex,
      org: () => this.org.value,
      hlc: () => this.clock!.now(),
      findCase: (caseId) => this.findCase(caseId),
      casesDoc: async (docName) => this.slots.get(docName) ?? (await this.openYear(docName)),
      append: (slot, ...events) => this.append(slot, ...events),
    };
    this.stopPromise = new Promise((resolve) => (this.stopSignal = resolve));
    this.readableP = new Promise<void>((resolve, reject) => {
      this.markReadable = (err) => (err === undefined ? resolve() : reject(err instanceof Error ? err : new Error(String(err))));
    });
    // Not every caller waits for it.
    this.readableP.catch(() => {});
  }

  get user(): UserInfo {
    return this.opts.user;
  }

  private get slots(): ReadonlyMap<string, Slot> {
    return this.host.slots;
  }

  private get stopped(): boolean {
    return this.host.stopped;
  }

  /**
   * Loads the cases docs' code (casecode.ts) once; a failed load is tried again at the next call. The engine starts
   * it at `start`, while the org doc opens, and opens the cases docs when it is in: it is not in the first screen's
   * bundle (the first screen paints from the read model, `readable`).
   */
  private caseCode(): Promise<CaseCode> {
    return (this.loadingCode ??= import('./casecode.ts').then(
      (code) => {
        this.loaded ??= { code, projection: new code.ReadModelProjection<Slot>(this.projectionHost), policy: code.casePolicy(this.opts.user) };
        return code;
      },
      (e: unknown) => {
        this.loadingCode = null;
        throw e;
      },
    ));
  }

  /** The cases code, loaded: always the case once a cases doc is open (so before any link, refold or command). */
  private code(): NonNullable<SyncEngine['loaded']> {
    if (!this.loaded) throw new Error('gridlink: the cases code is not loaded yet');
    return this.loaded;
  }

  /** The read-model projection (projection.ts). */
  private get projection(): ReadModelProjection<Slot> {
    return this.code().projection;
  }

  /** Load every doc from local storage, bring the read model up to date, then connect. */
  start(): Promise<void> {
    this.started ??= this.doStart().catch((e: unknown) => {
      this.markReadable(e);
      throw e;
    });
    return this.started;
  }

  /**
   * Starts the engine and resolves as soon as the read model can be read (the user's Dexie database and the
   * org doc, for the labels, are open), before the cases docs are opened: screens paint the rows the read model already holds while the docs load in
   * steps that yield to the main thread. Until `status.ready`, those rows may be stale (changes made in another
   * tab, or a refold pending) and the unsaved count is not known yet; commands and `getCase` wait for the docs.
   */
  readable(): Promise<void> {
    void this.start().catch(() => {});
    return this.readableP;
  }

  private async doStart(): Promise<void> {
    const db = this.db;
    // Fetched (from the service worker's cache) while the org doc opens; awaited before the cases docs open.
    const code = this.caseCode();
    code.catch(() => {});
    let node = await getMeta(db, META.node, isString);
    if (!node || !/^[A-Za-z0-9_-]{1,40}$/.test(node)) {
      node = newId(0, this.opts.random).slice(10, 18).toLowerCase();
      await setMeta(db, META.node, node);
    }
    const saved = await getMeta(db, META.hlc, isHlcState);
    this.clockOffset = (await getMeta(db, META.clockOffset, isNumber)) ?? 0;
    this.clock = new PersistentClock(node, saved, () => this.opts.now() + this.clockOffset, () => this.saveClockSoon());
    this.lastSavedMs = (await getMeta(db, META.lastSaved, isNumber)) ?? null;
    this.refreshStatus();

    const grants = this.opts.grants.filter((g) => parseDocName(g.name));
    const orgGrant = grants.find((g) => parseDocName(g.name)?.kind === 'org');
    // The reference data first: rows painted without it would show codes, then reflow when the labels come.
    if (orgGrant) await this.open(orgGrant);
    this.markReadable();
    // Let the first screen query the read model before the cases docs start loading.
    await yieldToMain();
    // The command code is not in the first screen's bundle, but a report made offline must not depend on fetching
    // it later: it loads now (and the service worker keeps it).
    void this.commands().catch(() => {});
    await code;
    await Promise.all(grants.filter((g) => g !== orgGrant).map((g) => this.open(g)));
    if (this.stopped) return;
    this.ready = true;
    this.refreshStatus();
    if (typeof addEventListener === 'function') {
      addEventListener('online', this.onWindowNet);
      addEventListener('offline', this.onWindowNet);
    }
    this.pollTimer = setInterval(() => this.checkOnline(), this.opts.pollMs ?? 1000);
    // Issue 16: a first sign-in's head start, kept from a session that stopped before its docs synced, or asked for
    // now (at the same time as the links connect: its answer arrives while the socket's handshakes run).
    // Its code is loaded only then (headstart.ts).
    const kept = await getMeta(this.db, META.starter, (v): v is unknown => v !== undefined);
    if (this.stopped) return;
    const starter = this.opts.starter;
    // Settles when the head start's answer has begun to arrive (or there is none): the first states are asked for then.
    let starterAnswered: Promise<unknown> = Promise.resolve();
    if (kept !== undefined) await (await import('./headstart.ts')).resumeHeadStart(this.headStartHost(), kept);
    else if (starter && this.opts.transport && this.opts.online() && (await this.firstSignIn())) {
      let answered: () => void = () => {};
      starterAnswered = new Promise<void>((resolve) => (answered = resolve));
      const ask = () => starter(answered).finally(answered);
      void import('./headstart.ts')
        .then((m) => m.fetchHeadStart(this.headStartHost(), ask))
        .catch(() => {})
        .finally(answered);
    }
    if (this.stopped) return;
    this.firstStates(starterAnswered);
    this.connectAll();
    void this.whenSynced().then(() => {
      if (this.stopped) return;
      this.synced = true;
      // Only this field: the connection shown changes with the links (checkOnline), never ahead of them.
      setStatus(this.status, { ...this.status.peek(), synced: true });
    });
  }

  private open(grant: DocGrant): Promise<void> {
    return this.host.open(grant.name, () => this.openSlot(grant));
  }

  /** Load a granted doc (host.ts), then index it; a cases doc's rows are refolded unless its marker still matches. */
  private async openSlot(grant: DocGrant): Promise<void> {
    const kind = parseDocName(grant.name)?.kind;
    if (!kind) return;
    // The org doc opens before the cases code is loaded (and has no case events): a slot's index is made when first
    // read, a cases doc's right away (attachCases), the org doc's only by a rescue's refold or the diagnostics.
    let index: CaseIndex | null = null;
    const newIndex = () => new (this.code().code.CaseIndex)();
    const slot = await this.host.load(grant, this.db, this.policy, (base) => ({
      ...base,
      kind,
      get index(): CaseIndex {
        return (index ??= newIndex());
      },
      set index(v: CaseIndex) {
        index = v;
      },
      pending: new Set<string>(),
      unsaved: 0,
      touched: new Set<string>(),
      rebuild: false,
      flushTimer: null,
      marker: null,
      suspended: false,
      syncWaiters: [],
    }));
    if (!slot) return;
    if (kind === 'org') {
      this.attachOrg(slot);
      this.recomputeUnsaved(slot);
      return;
    }
    await this.attachCases(slot, true);
    if (this.stopped) return;
    this.recomputeUnsaved(slot);
    const stored = await this.readModel.marker(slot.name);
    const current = this.projection.makeMarker(slot);
    if (stored && this.code().code.sameMarker(stored, current)) slot.marker = stored;
    else await this.projection.enqueue(() => this.projection.refoldAll(slot));
  }

  /**
   * Access to a town's cases docs does not depend on the year (domain/docs.ts), so a report in a year this
   * session has no doc for yet (New Year's Day with an app left open, or offline) opens that doc with the access
   * of the town's other years instead of failing.
   */
  private async openYear(docName: string): Promise<Slot | undefined> {
    const parsed = parseDocName(docName);
    if (parsed?.kind !== 'cases') return undefined;
    const sibling = [...this.slots.values()].find((s) => {
      const p = parseDocName(s.name);
      return p?.kind === 'cases' && p.townId === parsed.townId;
    });
    if (!sibling) return undefined;
    await this.addGrants([{ name: docName, access: sibling.access }]);
    return this.slots.get(docName);
  }

  /** Open (and connect) docs granted after the session started; docs already open get the new access. */
  async addGrants(grants: readonly DocGrant[]): Promise<void> {
    await this.start();
    const added = this.host.regrant(grants).filter((g) => parseDocName(g.name));
    await Promise.all(added.map((g) => this.open(g)));
    this.connectAll();
  }

  /** Stop syncing docs that are not in `granted` (the relay would refuse them with 403); keep them readable. */
  revokeGrants(granted: readonly DocGrant[]): void {
    this.host.revoke(granted);
    this.refreshStatus();
  }

  private attachOrg(slot: Slot): void {
    if (!orgIsEmpty(slot.doc)) this.setOrg(slot.doc);
    const onUpdate = () => {
      this.orgDoc = slot.doc;
      // The first reference data is applied at once (screens wait for it), but only whole: a first sync from the
      // relay comes in slices (server/relay.ts) and is applied when the link reports it synced (onLinkChange).
      // Later changes are coalesced.
      if (!this.org.peek() || this.orgFromStarter) {
        if (slot.link && !slot.link.synced) return;
        return this.flushOrg();
      }
      if (this.orgTimer) clearTimeout(this.orgTimer);
      this.orgTimer = setTimeout(() => this.flushOrg(), 100);
    };
    slot.doc.on('update', onUpdate);
    slot.detach = () => slot.doc.off('update', onUpdate);
  }

  /**
   * Apply a pending org change now: new reference data, then a refold of the cases whose folds depend on it (those
   * with an event the relay has not receipted yet: every other event is folded by its receipt).
   */
  private flushOrg(): void {
    if (this.orgTimer) clearTimeout(this.orgTimer);
    this.orgTimer = null;
    const doc = this.orgDoc;
    this.orgDoc = null;
    if (!doc || this.stopped) return;
    this.setOrg(doc, () => {
      for (const s of this.slots.values()) if (s.kind === 'cases') void this.projection.enqueue(() => this.projection.refoldUnreceipted(s));
    });
  }

  /**
   * Issue 15: an HLC for an administrator's reference change, after every change already in the org doc (observed
   * first), so that the fold puts it after what the admin saw when making it.
   */
  async stamp(): Promise<string> {
    await this.start();
    const slot = [...this.slots.values()].find((s) => s.kind === 'org');
    // observe() ignores what is not an HLC.
    for (const c of slot ? orgChanges(slot.doc) : []) this.clock!.observe(String((c as { at?: unknown } | null)?.at ?? ''));
    return this.clock!.now();
  }

  /**
   * Issue 15: `write` the org doc when this user may (an admin), once the docs are open: a reference change
   * (src/sync/refedit.ts). The doc is written with a client id the ledger knows first, so what it appends counts as
   * unsaved (the header's count, the sign-out warning) until the relay acknowledges it. Null when not writable.
   */
  async writeOrg<R>(write: (doc: Y.Doc) => R): Promise<{ value: R } | null> {
    await this.start();
    const slot = [...this.slots.values()].find((s) => s.kind === 'org');
    if (!slot || slot.access !== 'write') return null;
    await slot.ledger.recordClient(slot.doc.clientID);
    const value = write(slot.doc);
    this.recomputeUnsaved(slot);
    this.refreshStatus();
    return { value };
  }

  /**
   * Read the org doc into `org`: the base maps at once when no admin has changed anything (most devices, always
   * at first), else the fold of the changes (issue 15, src/protocol/orgread.ts), loaded on demand so that it stays
   * out of the first screen's bundle. `then` runs once the new view is in place.
   */
  private setOrg(doc: Y.Doc, then?: () => void): void {
    const seq = ++this.orgSeq;
    this.orgFromStarter = false;
    if (orgChanges(doc).length === 0) {
      this.org.value = viewOf(readBase(doc));
      then?.();
      return;
    }
    import('../protocol/orgread.ts').then(
      ({ orgView }) => {
        if (seq !== this.orgSeq || this.stopped) return;
        this.org.value = orgView(doc);
        then?.();
      },
      (err: unknown) => console.warn('gridlink: the reference data fold could not be loaded', err),
    );
  }

  /**
   * The relay's clock minus this device's, as just measured (session: GET /api/me): events are stamped by the
   * relay's time from now on, and across reloads until the next measurement.
   */
  async setClockOffset(ms: number): Promise<void> {
    if (!Number.isFinite(ms)) return;
    this.clockOffset = Math.round(ms);
    this.clock?.rebase();
    await setMeta(this.db, META.clockOffset, this.clockOffset).catch(() => {});
  }

  /**
   * Index the doc's events and keep the index current. With `inSteps` the values are parsed INDEX_STEP at a
   * time with the main thread yielded between steps (at open: nothing writes to the doc before the engine is
   * ready, and changes arriving meanwhile are indexed by the observer, which is attached first).
   */
  private async attachCases(slot: Slot, inSteps = false): Promise<void> {
    const arr = slot.doc.getArray<unknown>(EVENTS_ARRAY);
    const receipts = slot.doc.getArray<unknown>(RECEIPTS_ARRAY);
    const values = arr.toArray();
    const index = new (this.code().code.CaseIndex)();
    slot.index = index;
    // A receipt changes how its event folds (src/domain/receipts.ts): its case is refolded at the next flush.
    const onReceipts = (ev: Y.YArrayEvent<unknown>) => {
      for (const item of ev.changes.added) {
        if (item.deleted) continue;
        for (const v of item.content.getContent()) {
          const caseId = slot.index.addReceipt(v);
          if (caseId) slot.touched.add(caseId);
        }
      }
      if (ev.changes.deleted.size) slot.rebuild = true;
      this.projection.scheduleFlush(slot);
    };
    const observer = (ev: Y.YArrayEvent<unknown>, tr: Y.Transaction) => {
      for (const item of ev.changes.added) {
        if (item.deleted) continue;
        for (const v of item.content.getContent()) {
          const e = slot.index.add(v);
          if (!e) continue;
          slot.touched.add(e.caseId);
          if (!tr.local) this.clock?.observe(e.at);
        }
      }
      // Events are never deleted by clients; if a delete arrives anyway, rebuild from what the doc holds.
      if (ev.changes.deleted.size) slot.rebuild = true;
      this.projection.scheduleFlush(slot);
    };
    arr.observe(observer);
    receipts.observe(onReceipts);
    slot.detach = () => {
      arr.unobserve(observer);
      receipts.unobserve(onReceipts);
    };
    for (let i = 0; i < values.length; i += INDEX_STEP) {
      if (inSteps && i > 0) await yieldToMain();
      if (slot.index !== index || this.stopped) return;
      const end = Math.min(values.length, i + INDEX_STEP);
      for (let j = i; j < end; j++) index.add(values[j]);
    }
    // Receipts after the events they name, so each is matched to its case (one pass: they are small).
    if (slot.index !== index || this.stopped) return;
    for (const r of receipts.toArray()) index.addReceipt(r);
    this.clock?.observe(index.maxAt);
  }

  // ---------------------------------------------------------------- issue 16: a first sign-in's head start

  /**
   * Issue 16 section 5: the docs that hold nothing yet (a first sign-in) get their whole state over HTTP
   * (`opts.firstState`, server/firststate.ts): a town's year is about 40% fewer bytes there than as the socket's
   * sync (brotli over the whole doc instead of deflate over 64 kB slices with a small window), which on 2G is most of
   * the time to converge. Contracts:
   *  - Only after the head start's answer (`after`): on a shared 2G link the head start's few kB must not wait behind
   *    the docs (it brings the reference data the first screens need). Then every doc's at once: the link stays busy
   *    while each request makes its round trips (a year with nothing in it yet answers at once).
   *  - A held doc is not linked (connectAll skips it) until its first state has been applied or has failed, so its
   *    sync step 1 states what it got and the relay sends only the rest. A failure, a cut or no answer (offline, an
   *    older relay) just links it: it then syncs over the socket what it still lacks, as before.
   *  - The state is the relay's like a sync step 2, applied as a remote change (never sent back). A cases doc's
   *    updates are applied as they arrive, the main thread yielded between them (the index and read model follow,
   *    during the download, as with the socket's slices); the org doc's at once when all have arrived (`attachOrg`
   *    shows reference data whole).
   */
  private firstStates(after: Promise<unknown>): void {
    const fetchState = this.opts.firstState;
    if (!fetchState || !this.opts.transport || !this.opts.online()) return;
    const slots = [...this.slots.values()].filter((s) => !s.suspended && !s.revoked && !s.wasSynced && s.doc.store.clients.size === 0);
    if (slots.length === 0) return;
    for (const s of slots) this.firstStateHeld.add(s.name);
    const release = (slot: Slot) => {
      if (!this.firstStateHeld.delete(slot.name)) return;
      if (this.shouldConnect() && !slot.suspended && !slot.revoked) this.host.connect(slot);
      this.refreshStatus();
    };
    // The download and apply code loads only now (firststate.ts): it stays out of the first screen's JavaScript.
    void import('./firststate.ts')
      .then((m) => m.takeFirstStates({ stopped: () => this.stopped, online: () => this.opts.online(), signal: this.firstStateAbort.signal, release }, slots, after, fetchState))
      .catch(() => {
        for (const s of slots) release(s);
      });
  }

  /** No cases doc of this user has synced on this device yet: a first sign-in (or one cut off before it synced). */
  private async firstSignIn(): Promise<boolean> {
    const done = new Set((await getMeta(this.db, META.syncedOnce, isStringArray)) ?? []);
    const cases = [...this.slots.values()].filter((s) => s.kind === 'cases');
    return cases.length > 0 && cases.every((s) => !done.has(s.name));
  }

  /** Records that a doc has synced once on this device (one write after another: two docs may sync at once). */
  private noteSyncedOnce(name: string): Promise<void> {
    this.syncedNotes = this.syncedNotes.then(async () => {
      const done = (await getMeta(this.db, META.syncedOnce, isStringArray)) ?? [];
      if (!done.includes(name)) await setMeta(this.db, META.syncedOnce, [...done, name]);
    }).catch(() => {});
    return this.syncedNotes;
  }

  /** The engine as the head start (headstart.ts) reads and changes it. */
  private headStartHost(): HeadStartHost {
    return {
      db: this.db,
      stopped: () => this.stopped,
      slot: (name) => this.slots.get(name),
      showOrgSubset: (data) => {
        if (this.org.peek()) return;
        this.org.value = viewOf(data);
        this.orgFromStarter = true;
      },
      flush: (slot) => {
        this.clock?.observe(slot.index.maxAt);
        return this.projection.flushNow(slot as Slot);
      },
      early: () => {
        if (!this.org.peek()) return;
        this.early = true;
        this.refreshStatus();
      },
    };
  }

  /** The doc has synced: it holds every event of the head start now; its cases fold from the doc alone. */
  private async dropStarter(slot: Slot): Promise<void> {
    for (const id of slot.index.setStarter(null)) slot.touched.add(id);
    this.projection.scheduleFlush(slot);
    const rest = [...this.slots.values()].some((s) => s.kind === 'cases' && s.index.hasStarter);
    if (!rest) await deleteMeta(this.db, META.starter).catch(() => {});
  }

  // ---------------------------------------------------------------- org index (the read model: projection.ts)

  private get orgIndex(): OrgIndex {
    return this.org.value ?? EMPTY_ORG;
  }

  // ---------------------------------------------------------------- unsaved + acknowledgements

  /** Recount own unacknowledged events; returns the case ids whose pending flag changed. */
  private recomputeUnsaved(slot: Slot): Set<string> {
    const changed = new Set<string>();
    // The org doc: an admin's reference changes (writeOrg), no cases to mark pending.
    if (slot.kind === 'org' && slot.access !== 'write') return changed;
    const u = slot.ledger.count(slot.doc);
    if (slot.kind === 'org') {
      if (u.saved) this.noteSaved();
      slot.unsaved = u.count;
      return changed;
    }
    const pending = new Set<string>();
    for (const v of u.values) {
      const o = v as { caseId?: unknown } | null;
      if (typeof o?.caseId === 'string') pending.add(o.caseId);
    }
    if (u.saved) this.noteSaved();
    for (const id of pending) if (!slot.pending.has(id)) changed.add(id);
    for (const id of slot.pending) if (!pending.has(id)) changed.add(id);
    slot.pending = pending;
    slot.unsaved = u.count;
    return changed;
  }

  private noteSaved(): void {
    this.lastSavedMs = this.opts.now();
    void setMeta(this.db, META.lastSaved, this.lastSavedMs).catch(() => {});
  }

  private async handleAck(slot: Slot, sv: Uint8Array): Promise<void> {
    if (slot.suspended || this.stopped) return;
    await slot.ledger.ack(sv);
    if (slot.kind === 'cases') await this.projection.flushNow(slot);
    else this.recomputeUnsaved(slot);
    this.refreshStatus();
  }

  // ---------------------------------------------------------------- refusal recovery

  /** A refused doc (the host runs one recovery at a time): no read-model writes until its fresh doc is indexed. */
  private async recover(slot: Slot): Promise<void> {
    slot.suspended = true;
    this.projection.clearFlushTimer(slot);
    await this.projection.idle();
    // Rescue this user's unacknowledged events to meta, drop the doc, open a new one (host.ts, rescue.ts).
    if (!(await this.host.replaceDoc(slot))) return;
    slot.pending = new Set();
    slot.unsaved = 0;
    slot.touched.clear();
    if (slot.kind === 'org') this.attachOrg(slot);
    else await this.attachCases(slot);
    slot.suspended = false;
    this.connectAll();
    this.refreshStatus();
    // The rescue runs at the next sync (onFirstSync), now or after a reload.
  }

  /** Re-append rescued events after a sync with the relay: those still valid and not there already. */
  private async runRescue(slot: Slot): Promise<void> {
    await slot.ledger.resendRescue(slot.doc, slot.access === 'write' && slot.kind === 'cases');
    await this.projection.enqueue(() => this.projection.refoldAll(slot));
  }

  // ---------------------------------------------------------------- links and status (the links themselves: host.ts)

  /** A doc's link has just synced (the host then records it as synced and the status is refreshed). */
  private onFirstSync(slot: Slot): void {
    if (slot.kind === 'org' && this.orgDoc === slot.doc && (!this.org.peek() || this.orgFromStarter)) this.flushOrg();
    if (slot.kind === 'cases') {
      void this.noteSyncedOnce(slot.name);
      if (slot.index.hasStarter) void this.dropStarter(slot);
    }
    // The relay's state arrived as update rows: merge them so the next open reads one row.
    if (extraRows(slot.persistence) > COMPACT_AT_OPEN) this.host.compactSoon(slot);
    if (slot.ledger.rescuePending && !slot.suspended) void this.runRescue(slot).catch((e: unknown) => console.error('gridlink rescue failed', e));
    const w = slot.syncWaiters;
    slot.syncWaiters = [];
    for (const f of w) f();
  }

  private shouldConnect(): boolean {
    return !this.stopped && !this.authExpired && this.ready && this.opts.online();
  }

  private connectAll(): void {
    if (!this.shouldConnect()) return;
    for (const slot of this.slots.values()) {
      if (slot.suspended || slot.revoked || this.firstStateHeld.has(slot.name)) continue;
      this.host.connect(slot);
    }
    this.refreshStatus();
  }

  private disconnectAll(): void {
    for (const slot of this.slots.values()) slot.link?.disconnect();
    this.refreshStatus();
  }

  private checkOnline(): void {
    if (this.stopped) return;
    const on = this.opts.online();
    if (on !== this.wasOnline) {
      this.wasOnline = on;
      // The session's other docs first: once the header says offline, nothing may still go out on an open link.
      for (const f of this.netListeners) f();
      if (on) this.connectAll();
      else this.disconnectAll();
    }
    this.refreshStatus();
  }

  /**
   * Calls `f` whenever this engine sees the network come or go (`online()` polled, window online/offline events),
   * before its own links follow, so the session's people/party links (RecordSync) follow the same network state.
   * Returns the unsubscribe function.
   */
  onNetwork(f: () => void): () => void {
    this.netListeners.add(f);
    return () => this.netListeners.delete(f);
  }

  private connection(): ConnectionState {
    // The network state the links follow (checkOnline), not a fresher reading: the header never says offline while
    // a link is still open, nor online before the links were told.
    if (!this.wasOnline || this.authExpired || !this.opts.transport) return 'offline';
    // The local docs are still opening: the links are made right after, so the connection is being made.
    if (!this.ready) return 'connecting';
    return linksState(this.host.links());
  }

  private refreshStatus(): void {
    let unsaved = 0;
    for (const s of this.slots.values()) unsaved += s.unsaved + s.ledger.rescueCount;
    setStatus(this.status, {
      connection: this.connection(),
      unsaved,
      lastSavedMs: this.lastSavedMs,
      ready: this.ready,
      synced: this.synced,
      ...(this.early ? { early: true } : {}),
      authExpired: this.authExpired,
    });
  }

  /** The relay refused the token (or it expired): stop syncing until `setToken` + `setAuthExpired(false)`. */
  setAuthExpired(expired: boolean): void {
    if (this.authExpired === expired) return;
    this.authExpired = expired;
    if (expired) this.disconnectAll();
    else this.connectAll();
    this.refreshStatus();
  }

  get isAuthExpired(): boolean {
    return this.authExpired;
  }

  setToken(token: string): void {
    this.host.setToken(token);
  }

  /** Resolves when every doc's link is synced and the read model shows it (tests, screens awaiting a first sync). */
  async whenSynced(): Promise<void> {
    await this.start();
    await Promise.all(
      [...this.slots.values()].map((s) =>
        s.link?.synced || s.revoked ? undefined : Promise.race([new Promise<void>((r) => s.syncWaiters.push(r)), this.stopPromise]),
      ),
    );
    await this.settled();
  }

  /** Resolves when pending read-model writes (and recoveries) have finished. */
  async settled(): Promise<void> {
    await this.start();
    this.flushOrg();
    for (let i = 0; i < 5; i++) {
      for (const s of this.slots.values()) {
        if (s.recovering) await s.recovering;
        if (s.flushTimer) await this.projection.flushNow(s);
      }
      await this.projection.idle();
      if ([...this.slots.values()].every((s) => !s.flushTimer && !s.recovering)) return;
    }
  }

  // ---------------------------------------------------------------- commands and reads (commands.ts)

  private findCase(caseId: string): Slot | undefined {
    for (const s of this.slots.values()) if (s.kind === 'cases' && s.index.eventsOf(caseId)) return s;
    return undefined;
  }

  private commands(): Promise<CaseCommands<Slot>> {
    return (this.loadingCommands ??= import('./commands.ts').then(
      ({ CaseCommands }) => new CaseCommands(this.commandHost),
      (e: unknown) => {
        this.loadingCommands = null;
        throw e;
      },
    ));
  }

  async getCase(caseId: string): Promise<CaseState | null> {
    return (await this.commands()).getCase(caseId);
  }

  /** Rows of the case list, through the read model's indexes (the first screen: no command code needed). */
  queryCases(filter: CaseFilter, offset: number, limit: number): Promise<CaseRow[]> {
    return this.readModel.query(filter, offset, limit);
  }

  countCases(filter: CaseFilter): Promise<number> {
    return this.readModel.count(filter);
  }

  async report(input: ReportInput): Promise<Decision> {
    return (await this.commands()).report(input);
  }

  async act(caseId: string, command: Command): Promise<Decision> {
    return (await this.commands()).act(caseId, command);
  }

  async reportResolved(input: ReportInput, note: string): Promise<Decision> {
    return (await this.commands()).reportResolved(input, note);
  }

  /** Rows of a work queue (services.ts), through the read model's indexes. */
  queryQueue(queue: QueueName, offset: number, limit: number, opts?: QueueOptions): Promise<CaseRow[]> {
    return queryQueue(this.readModel, queue, this.opts.user, this.opts.now(), offset, limit, opts);
  }

  countQueue(queue: QueueName, opts?: QueueOptions): Promise<number> {
    return selectQueue(this.db, queue, this.opts.user, this.opts.now(), opts).count();
  }

  async findDuplicates(input: { category: string; location: LatLng }): Promise<DuplicateMatch<DuplicateRow>[]> {
    return (await this.commands()).findDuplicates(input);
  }

  async stats(scope: AssessScope, fromMs: number, toMs: number): Promise<StatsResult> {
    return (await this.commands()).stats(scope, fromMs, toMs);
  }

  /** Issue 15 (指挥中心): Session.caseRowsBetween. */
  async caseRowsBetween(fromMs: number, toMs: number): Promise<CaseRow[]> {
    await this.start();
    return rowsReportedBetween(this.readModel, fromMs, toMs);
  }

  private readonly rowListeners = new Set<(c: { put: CaseRow[]; del: string[] } | null) => void>();
  /** Issue 15 (指挥中心): Session.onCaseRows. */
  onCaseRows(f: (c: { put: CaseRow[]; del: string[] } | null) => void): () => void {
    this.rowListeners.add(f);
    return () => this.rowListeners.delete(f);
  }

  /** Append decided events to their doc in one transaction and wait until the read model shows them. */
  private async append(slot: Slot, ...events: CaseEvent[]): Promise<void> {
    await this.opts.beforeAppend?.(events);
    await slot.ledger.recordClient(slot.doc.clientID);
    slot.doc.transact(() => slot.doc.getArray<unknown>(EVENTS_ARRAY).push(events));
    await this.projection.flushNow(slot);
    this.opts.afterAppend?.(events);
  }

  // ---------------------------------------------------------------- clock persistence

  private saveClockSoon(): void {
    if (this.clockTimer || this.stopped) return;
    this.clockTimer = setTimeout(() => {
      this.clockTimer = null;
      void this.saveClock();
    }, 200);
  }

  private async saveClock(): Promise<void> {
    if (this.clock) await setMeta(this.db, META.hlc, this.clock.current).catch(() => {});
  }

  // ---------------------------------------------------------------- diagnostics and shutdown

  async diagnostics(): Promise<DocDiagnostics[]> {
    await this.start();
    const out: DocDiagnostics[] = [];
    for (const s of this.slots.values()) {
      out.push({
        name: s.name,
        events: s.index.eventCount,
        cases: s.index.byCase.size,
        corrupt: s.index.corrupt,
        unsaved: s.unsaved,
        storedRows: await countRows(s.persistence),
        linkState: s.link?.state ?? 'none',
        synced: s.link?.synced ?? false,
      });
    }
    return out;
  }

  /** Docs of this session, for tests and diagnostics (do not write to them: use report/act). */
  docs(): ReadonlyMap<string, Y.Doc> {
    return this.host.docs();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.started;
    } catch {
      // stopping after a failed start: close what was opened
    }
    // Let recoveries and pending flushes finish before anything closes.
    await this.settled().catch(() => {});
    this.host.halt();
    this.stopSignal();
    this.firstStateAbort.abort();
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.orgTimer) clearTimeout(this.orgTimer);
    if (this.clockTimer) clearTimeout(this.clockTimer);
    if (typeof removeEventListener === 'function') {
      removeEventListener('online', this.onWindowNet);
      removeEventListener('offline', this.onWindowNet);
    }
    const projection = this.loaded?.projection;
    if (projection) {
      for (const s of this.slots.values()) projection.clearFlushTimer(s);
      await projection.idle();
    }
    const clock = this.clock;
    if (clock) await setMeta(this.db, META.hlc, clock.current).catch(() => {});
    await this.host.close();
    this.db.close();
  }
}
