/**
 * The sync relay: y-websocket protocol (sync + awareness) over `ws`, plus our ACK (100) and REFUSED (101)
 * messages (src/protocol/wire.ts), on `/sync/<docName>?token=<jwt>` of the app's HTTP server, and the same for
 * many docs over one socket on `/sync?token=<jwt>` (multiplexed: src/protocol/wire.ts; what the app uses).
 *
 * Contracts (DESIGN.md section 5, issue 2):
 * - Upgrade: authenticate first (401), then the doc name (404), then the user's access (403); only then load.
 * - A doc is loaded completely from the store (snapshot + update rows) before anything is sent about it;
 *   connections and HTTP reads that arrive while it loads wait on the same promise.
 * - On connect the relay sends sync step 1, then ACK with the doc's state vector.
 * - An incoming update is inspected whole (validate.ts); refused -> REFUSED(code, detail), nothing applied, the
 *   connection stays open. Accepted -> made durable in SQLite (WAL, synchronous=FULL) BEFORE anything of it is
 *   broadcast or acknowledged: broadcast, THEN ACK(new state vector) to the sender. An update the doc already has
 *   is only ACKed.
 * - Group commit (issue 16): updates that arrive in one burst (the messages ws hands over before the event loop
 *   reaches its check phase: `setImmediate`; at most BATCH_MAX_UPDATES / BATCH_MAX_BYTES) are each inspected in
 *   arrival order against the doc as the accepted ones before them left it: an accepted update is applied in
 *   memory at once (so the next one is judged after it) but nothing of it leaves the relay; then ONE transaction
 *   commits the rows of every doc of the burst (one fsync), and only then, in arrival order, each is broadcast and
 *   each author gets its receipts and ACK. A refused update of a burst changes nothing and leaves the others
 *   accepted. While a doc holds updates not yet durable, nothing that reads it for the outside runs before the
 *   burst is committed (`flushFor`: a sync step 1 answer, an attach, HTTP reads and writes, unloading). If the
 *   commit fails, none of the burst is stored: the docs it touched are reloaded from the store in place (their
 *   connections stay, and were sent nothing of it), and its senders are treated as on a failed write (disk full:
 *   ignored, closed after STORE_FULL_CLOSE_MS with 1013; otherwise closed with 1011). A busy relay paces its
 *   commits (`CommitPacing`): the burst stays open until a spacing after the previous commit, and what each socket is
 *   sent of a burst leaves in one write (`corked`).
 * - Server-side writes (HTTP API) commit at once, one row each: flush the burst, inspect, commit, apply, broadcast.
 * - Every accepted case event gets a receipt (src/domain/receipts.ts) in the doc's `receipts` array, written by
 *   the relay in the same store row as the update that carried the event: its receipt time, the author's
 *   authority and the references as the org doc had them, and, for events that arrive in a device's catch-up
 *   (before the client's sync step 2 on that connection), the relay's last contact with the device (contacts.ts).
 *   The relay's clock (`observe`) sees every accepted event's time.
 * - More than COMPACT_AFTER_ROWS update rows -> compacted into the snapshot; past a snapshot of 256 KB, only once
 *   the rows hold a quarter of its bytes or number 10x COMPACT_AFTER_ROWS (`compactDue`); no connection for
 *   IDLE_UNLOAD_MS -> compacted and dropped from memory.
 * - Messages over MAX_MESSAGE_BYTES close that connection with 1009 (ws maxPayload does it, close frame included);
 *   a malformed message closes it with 4400 and a reason; an internal error with 1011. Nothing here throws into
 *   the event loop, so one client can never take the process or other clients down.
 * - Ping every pingIntervalMs; a socket that did not answer the previous ping is terminated.
 * - Abuse limits (issue 10; Limits in config.ts, README "Configuration"): every socket and every user has token
 *   buckets for messages and bytes (bytes in, and bytes the relay sends in direct reply: a sync step 2, an
 *   awareness query). Over budget, the relay stops reading that socket until the debt is paid (TCP backpressure:
 *   nothing is dropped, the sender slows down). Awareness is filtered per connection: states over
 *   awarenessMaxBytes, messages over awarenessPerMinute, new clients past awarenessMaxStates per doc (or past
 *   AWARENESS_IDS_PER_CONN for one connection) and changes to another connection's clients are dropped, neither
 *   stored, nor fanned out, nor replayed; repeated drops close the connection with 4429 (CLOSE_ABUSE).
 * - Slow readers: while more than a quarter of wsMaxBufferedBytes waits unsent to a socket, the relay stops reading
 *   it (no new requests); past wsMaxBufferedBytes, or not drained within wsDrainTimeoutMs, it closes the socket
 *   with 4500 (CLOSE_SLOW_READER; ws destroys it 30 s later if the close cannot be written).
 * - A socket is closed with 4401 (CLOSE_TOKEN_EXPIRED) when its token expires; the app renews and reconnects.
 * - Case years outside `caseYearOpen` (src/domain/docs.ts) are not docs (404). An exception while attaching a
 *   connection closes it with 1011 (a channel: MUX_CLOSED 1011), never an HTTP answer on an upgraded socket.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { caseYearOpen, disputeAccess, docAccess, isPracticeDocName, mediationDocName, ORG_DOC, parseDocName, parseRecordDocName, tasksDocName, type DisputeLookup, type DocAccess, type GridLookup } from '../src/domain/docs.ts';
import { foldMediation } from '../src/domain/mediation.ts';
import type { CaseEvent } from '../src/domain/events.ts';
import type { RefChange } from '../src/domain/refchanges.ts';
import { ORG_COLLECTIONS, type OrgIndex, type UserInfo } from '../src/domain/org.ts';
import { makeReceipt, type Receipt } from '../src/domain/receipts.ts';
import {
  CLOSE_ABUSE,
  CLOSE_MALFORMED,
  CLOSE_SLOW_READER,
  CLOSE_TOKEN_EXPIRED,
  EVENTS_ARRAY,
  MSG_ACK,
  MSG_AWARENESS,
  MSG_QUERY_AWARENESS,
  MSG_REFUSED,
  MSG_SYNC,
  MUX_CLOSE,
  MUX_CLOSED,
  MUX_CONTROL,
  MUX_MAX_CHANNELS,
  MUX_OPEN,
  MUX_OPENED,
  MUX_REJECTED,
  RECEIPTS_ARRAY,
  muxControl,
} from '../src/protocol/wire.ts';
import { DEFAULT_LIMITS, type Limits } from './config.ts';
import { Contacts, NODE_PATTERN } from './contacts.ts';
import { bearerToken } from './httpio.ts';
import { factsOf, forgetFacts, RELAY_OWNER } from './integrity.ts';
import type { Logger } from './log.ts';
import { TokenBucket } from './ratelimit.ts';
import { isStoreFull } from './storecheck.ts';
import type { ReceiptSigner } from './receiptsign.ts';
import { isSeqConflict, storedParts, type Store, type UpdateRow } from './store.ts';
import { blobRefsOf, recordBlobRefsOf } from './blobs.ts';
import { foldTasks, type TasksState } from '../src/domain/towntasks.ts';
import { inspectUpdate, type DocKind, type InspectOptions, type Verdict } from './validate.ts';
import { splitUpdate } from '../src/protocol/chunks.ts';
import { DEFLATE_THRESHOLD, frameMessage, writeFrame, type Framed } from './wsframe.ts';

/** Close code for a failure of the relay itself (RFC 6455): the client may reconnect. */
const CLOSE_INTERNAL = 1011;
const CLOSE_GOING_AWAY = 1001;
/** Issue 17: a dispute's reader no longer (a mediator removed); 44xx: the app does not reconnect. */
const CLOSE_FORBIDDEN = 4403;
/** Close code for a server that cannot take writes for now (RFC 6455 1013, try again later). */
const CLOSE_TRY_AGAIN = 1013;
/** How long a connection whose update the store could not commit stays open (ignored) before 1013. */
const STORE_FULL_CLOSE_MS = 30_000;
/** Awareness clients one doc connection may announce (a provider announces one: its doc's client id). */
export const AWARENESS_IDS_PER_CONN = 4;
/** Removed awareness client ids a doc remembers, so that devices' echoes of their removal cost no rate. */
const GONE_AWARENESS = 1024;
/** Dropped awareness messages a connection may send (refilled one per 10 s) before it is closed with 4429. */
const AWARENESS_STRIKES = 20;
/** Burst of the per-socket and per-user buckets, in seconds of their rate. */
const MSG_BURST_S = 20;
/** Messages a held socket may have in flight (read before the pause took effect) before it is closed with 4429. */
const MAX_HELD_MESSAGES = 20_000;
const MAX_HELD_BYTES = 8 * 1024 * 1024;
const BYTE_BURST_S = 4;
/**
 * Bounds of one group commit: past either, the burst is committed at once instead of at the end of the event
 * loop's poll phase. They bound how long the event loop is held by one commit and how much memory waits for it.
 */
const BATCH_MAX_UPDATES = 256;
const BATCH_MAX_BYTES = 4 * 1024 * 1024;
/** A snapshot up to this size is compacted by its row count alone (`compactDue`): merging it costs a few ms. */
const COMPACT_SMALL_BYTES = 256 * 1024;
/** How often a paused slow reader's unsent bytes are checked (`watchDrain`). */
const DRAIN_POLL_MS = 20;
/** Largest sync step 2 sent as one message (uncompressed; about 15 kB, 2 s, on the wire at 2G). */
export const SYNC_SLICE_BYTES = 64 * 1024;

export interface RelayOptions {
  store: Store;
  log: Logger;
  maxMessageBytes: number;
  idleUnloadMs: number;
  compactAfterRows: number;
  pingIntervalMs: number;
  /** The Yjs client id of the relay's own writes (stable across restarts: kept in the store's meta table). */
  serverClientId: number;
  /**
   * Issue 16: the client ids the relay wrote with before a restore (server/backup.ts), and until when (ms) devices
   * may bring back the history the restore lost (validate.ts, "Returning history"; absent: not restored).
   */
  retiredClients?: ReadonlySet<number>;
  returnUntil?: number | null;
  /**
   * Issue 16: signs the receipts the relay writes and checks returning ones (receiptsign.ts). `unsignedReturns`:
   * the restored backup predates signing, so lost receipts may come back unsigned (validate.ts).
   */
  receipts?: ReceiptSigner;
  unsignedReturns?: boolean;
  /**
   * Issue 16, a shared (PostgreSQL) store: the Yjs client ids of the other relays (kept current by the app). An
   * update carrying their structs beyond what this relay holds makes it catch up first (`receiveUpdate`).
   */
  peerClients?: ReadonlySet<number>;
  /** The user behind a token, or null (bad, expired, unknown user). */
  authenticate(token: string, from?: string | null): Promise<UserInfo | null>;
  /** Reference changes by `user` were made durable (issue 15: the audit log records each). */
  onReferenceChanges?(user: UserInfo, changes: readonly RefChange[], from: string | null): void;
  /** A doc was opened for `user` to sync (after its access check): issue 15's audit of full ID number reads. */
  onDocOpened?(user: UserInfo, name: string, from: string | null): void;
  /** The county's town ids (from the org doc). */
  townIds(): readonly string[];
  /** Grid -> village, town (from the org doc): access to `people.<gridId>` docs. Without it they are refused. */
  grid?: GridLookup;
  /** Called after an accepted update was applied to a doc (the app rebuilds its org view from `org`). */
  onDocChanged?(name: string, doc: Y.Doc): void;
  /** The reference data now: what each receipt records. Without it, no receipts are written (bare relay tests). */
  org?(): OrgIndex;
  /** The relay's wall clock (tests inject one). */
  now?(): number;
  /** Every accepted case event's time, for the clock that stamps the relay's own events (HTTP API). */
  observe?(at: string): void;
  /** Abuse limits (default DEFAULT_LIMITS; `setLimits` changes them later). */
  limits?: Partial<Limits>;
  /** Pacing of a busy relay's commits (default COMMIT_PACING; tests make it easy to reach). */
  commitPacing?: CommitPacing;
}

/**
 * Pacing of a busy relay's commits (`commitDelay`, like PostgreSQL's commit_delay with commit_siblings): while
 * `busyUpdates` accepted updates arrived within the last `windowMs`, a burst is committed no sooner than `spacingMs`
 * after the previous commit began, so what arrives meanwhile joins it: one transaction and fsync, one ACK per doc,
 * one socket write per connection for several updates. Busy is judged by arrivals, not commits, so the pacing holds
 * for as long as the load does. A relay below that rate commits at its next check phase, so its latency is
 * unchanged; a busy one adds at most `spacingMs` to an update's way through it.
 */
export interface CommitPacing {
  busyUpdates: number;
  windowMs: number;
  spacingMs: number;
}

/**
 * The default: busy past 100 updates a second, then at most one commit every 100 ms. At the benchmark's saturation
 * (284 updates/s over 13 docs, `--only=relay`) about 24 updates share a commit and a connection gets about 2 in one
 * write; at 25 ms it was 7 and 1. The price is up to 100 ms on an update's way through a busy relay, against round
 * trips of 1,400 ms on the 2G links the app is built for.
 */
export const COMMIT_PACING: CommitPacing = { busyUpdates: 25, windowMs: 250, spacingMs: 100 };

/** Message and byte budgets of a socket or of a user. */
interface Budget {
  msgs: TokenBucket;
  bytes: TokenBucket;
}

/** One websocket: a single doc (`/sync/<docName>`) or, multiplexed (`/sync`), any number of channels. */
interface Sock {
  ws: WebSocket;
  user: UserInfo;
  /** The token the socket was opened with: checked again for every doc opened on a multiplexed socket. */
  token: string;
  alive: boolean;
  /** Multiplexed sockets only: channel id -> its doc's connection, or 'opening' while the doc loads. */
  channels: Map<number, Conn | 'opening'> | null;
  /** Single-doc sockets: the doc's connection. */
  single: Conn | null;
  /** The device's HLC node (`node` query parameter), or null. */
  node: string | null;
  /** The client's address at the upgrade (the audit log's `ip`). */
  from: string | null;
  /** The relay's last contact with this device before the socket opened (contacts.ts). */
  floor: number | undefined;
  budget: Budget;
  /** The token's expiry (ms), or null when it has none. */
  expMs: number | null;
  expiryTimer: NodeJS.Timeout | null;
  /** Reading paused until the socket's or user's budget is out of debt. */
  throttle: NodeJS.Timeout | null;
  /** Messages read while reading was held (ws still emits what it had read): handled in order once it resumes. */
  held: Array<{ data: RawData; isBinary: boolean }>;
  heldBytes: number;
  /** Reading paused while too much waits unsent to this socket; closed if it does not drain in time. */
  drainTimer: NodeJS.Timeout | null;
}

/** One doc's connection: a whole socket, or one channel of a multiplexed socket. */
interface Conn {
  sock: Sock;
  /** 0 for a single-doc socket. */
  channel: number;
  user: UserInfo;
  access: DocAccess;
  doc: LoadedDoc;
  /** Awareness client ids this connection announced, removed when it closes. */
  awarenessIds: Set<number>;
  /** The client's sync step 2 (its catch-up) has arrived: later events were made while connected. */
  caughtUp: boolean;
  /** The store could not commit its last update (disk full): its updates are ignored until it closes. */
  stalled?: boolean;
  /** Awareness messages (per awarenessPerMinute) and dropped ones before the connection is closed. */
  awarenessBudget: TokenBucket;
  strikes: TokenBucket;
}

interface LoadedDoc {
  name: string;
  kind: DocKind;
  /** The doc's content: replaced by a fresh load from the store when a group commit fails (`reloadInPlace`). */
  ydoc: Y.Doc;
  awareness: awarenessProtocol.Awareness;
  /** Awareness clients removed lately (at most GONE_AWARENESS, oldest forgotten first): their echoes are free too. */
  goneAwareness: Set<number>;
  conns: Set<Conn>;
  /** Update rows in the store for this doc (not yet compacted), and their bytes. */
  rows: number;
  rowBytes: number;
  /** Bytes of the doc's snapshot in the store (an estimate after a compaction: the parts it merged). */
  snapshotBytes: number;
  /** HTTP requests and upgrades in progress that use the doc: it is not unloaded while > 0. */
  holds: number;
  idleTimer: NodeJS.Timeout | null;
  compactQueued: boolean;
  /** A known item of the receipts array near its end: appends walk right from here, not from the start. */
  receiptsTail: Y.Item | null;
  /** The doc's highest seq this relay holds (its own commits and other relays' rows it caught up on). */
  seq: number;
  /** A catch-up on other relays' rows is queued (`remoteUpdate`). */
  catchUpQueued: boolean;
  /** Issue 17: a dispute doc holds its town's mediation summary loaded (who may open it, re-checked on its changes). */
  summary?: LoadedDoc;
}

/** Origin of the relay's own writes in Yjs transactions. */
const SERVER_ORIGIN = Symbol('relay');

/**
 * An accepted update on its way: inspected, with its receipts, as the row the store gets. The relay sends
 * `stored` to the doc's other connections, and `receipts` (if any) to the author, once the row is durable.
 */
interface Accepted {
  doc: LoadedDoc;
  /** The connection that sent it, or SERVER_ORIGIN (HTTP API). */
  origin: Conn | typeof SERVER_ORIGIN;
  row: UpdateRow;
  /** The update and its receipts, merged: what is stored, applied and broadcast. */
  stored: Uint8Array;
  /** The receipts alone (the author has the rest), or null. */
  receipts: Uint8Array | null;
  receiptValues: Receipt[];
  verdict: Extract<Verdict, { ok: true }>;
  /** The update's events, and those it brought back after a restore. */
  allEvents: CaseEvent[];
  /** As received, with the receipt floor and single client it was prepared with: to judge it again (`rejudge`). */
  received: Uint8Array;
  floor: number | undefined;
  single: number | undefined;
}

/** What a burst sends once it is durable, in arrival order: an accepted update's fan-out, an ACK, a message. */
type Outgoing = { conn: Conn; accepted: Accepted } | { conn: Conn; ack: true } | { conn: Conn; msg: Uint8Array };

/** The open group commit: updates applied in memory, not yet durable. */
interface Batch {
  accepted: Accepted[];
  out: Outgoing[];
  /** Docs with accepted updates in the batch. */
  docs: Set<LoadedDoc>;
  bytes: number;
  /** Times this burst was judged again after another relay took its seqs (shared store, `rejudge`). */
  attempt: number;
}

/** How often a burst is judged again after other relays' commits before its senders are closed (1011). */
const MAX_REJUDGE = 3;

class Malformed extends Error {}

export interface RelayEvents {
  loaded: [name: string];
  unloaded: [name: string];
  compacted: [name: string, rows: number];
  refused: [name: string, code: string];
  /** A connection's awareness was dropped (why), or it was closed for it. */
  awarenessDropped: [user: string, why: string];
  /** A socket was closed as a slow reader. */
  slowReader: [user: string, buffered: number];
  /** Case events accepted into a doc (durable and applied): the progress SMS listen (server/progress.ts). */
  accepted: [name: string, events: readonly CaseEvent[]];
  /** Issue 16: history lost by a restore came back from a device (validate.ts): how many events and receipts. */
  returned: [name: string, events: number, receipts: number];
  /** Issue 16, shared store: another relay took a burst's seqs; its updates are judged again (`rejudge`). */
  rejudged: [updates: number, attempt: number];
}

export class Relay {
  readonly events = new EventEmitter<RelayEvents>();
  private readonly wss: WebSocketServer;
  private readonly docs = new Map<string, LoadedDoc>();
  private readonly loading = new Map<string, Promise<LoadedDoc>>();
  private readonly socks = new Set<Sock>();
  private readonly pingTimer: NodeJS.Timeout;
  private readonly contactTimer: NodeJS.Timeout;
  private readonly contacts: Contacts;
  private closed = false;
  private limits: Limits;
  /** Budgets shared by all sockets of a user, with how many sockets use it. */
  private readonly userBudgets = new Map<string, Budget & { socks: number }>();
  /** The socket whose message is being handled: what is sent to it meanwhile is a reply, charged to its budget. */
  private replyingTo: Sock | null = null;
  /** The open group commit (header), committed at the next check phase or when it reaches its bounds. */
  private batch: Batch | null = null;
  private batchTimer: { immediate: NodeJS.Immediate } | { timeout: NodeJS.Timeout } | null = null;
  private readonly pacing: CommitPacing;
  /** When the last `pacing.busyUpdates` updates were staged (a ring, `commitDelay`), and how many were. */
  private readonly stagedAt: Float64Array;
  private staged = 0;
  /** When the last commit of a burst began, and how many there were. */
  private lastCommitAt = 0;
  private commits = 0;
  /** Socket writes of framed messages (`writeCount`). */
  private writes = 0;
  /**
   * While a burst's deliveries are sent (`flushBatch`): the prebuilt frames for each socket, written as one buffer
   * per socket at the end (`writeCorked`), so several updates of a burst cost one write to a connection.
   */
  private corked: Map<Sock, Framed[]> | null = null;

  constructor(private readonly opts: RelayOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.pacing = opts.commitPacing ?? COMMIT_PACING;
    this.stagedAt = new Float64Array(this.pacing.busyUpdates);
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: opts.maxMessageBytes,
      // The event logs are repetitive JSON (DESIGN.md section 10: 1.77 MB for 2,000 cases): compress on the wire.
      // Small windows and no context takeover keep the per-connection zlib memory small.
      perMessageDeflate: {
        threshold: DEFLATE_THRESHOLD,
        serverNoContextTakeover: true,
        clientNoContextTakeover: true,
        serverMaxWindowBits: 13,
        zlibDeflateOptions: { level: 6, memLevel: 7 },
        concurrencyLimit: 8,
      },
    });
    this.pingTimer = setInterval(() => this.ping(), opts.pingIntervalMs);
    this.pingTimer.unref();
    this.contacts = new Contacts(opts.store);
    this.contactTimer = setInterval(() => this.persistContacts(), 60_000);
    this.contactTimer.unref();
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private inspectOptions(): InspectOptions {
    const org = this.opts.org?.();
    const nowMs = this.now();
    const retired = this.opts.retiredClients;
    return {
      nowMs,
      relayClient: this.opts.serverClientId,
      ...(org ? { org } : {}),
      ...(retired && retired.size > 0 ? { retiredClients: retired, returning: (this.opts.returnUntil ?? 0) > nowMs } : {}),
      ...(this.opts.receipts ? { receipts: this.opts.receipts } : {}),
      ...(this.opts.unsignedReturns ? { unsignedReturns: true } : {}),
      tasksOf: (townId) => this.tasksOf(townId),
    };
  }

  /**
   * Issue 17: a town's task definitions now, to judge a grid's answers (validate.ts `tasksOf`, taskcheck.ts). The
   * town's task doc is loaded here when it is not in memory (synchronously, as `load` is; unloaded when idle like
   * any doc) and caught up with other relays first; its fold is cached per doc and length (an append-only log).
   */
  private tasksOf(townId: string): TasksState | undefined {
    const name = tasksDocName(townId);
    if (this.closed || !this.opts.townIds().includes(townId)) return undefined;
    let doc = this.docs.get(name);
    if (!doc) {
      doc = this.load(name);
      this.scheduleIdle(doc);
    }
    this.catchUp(doc);
    const events = doc.ydoc.getArray<unknown>(EVENTS_ARRAY);
    const hit = this.taskFolds.get(doc.ydoc);
    if (hit && hit.length === events.length) return hit.state;
    const state = foldTasks(events.toArray());
    this.taskFolds.set(doc.ydoc, { length: events.length, state });
    return state;
  }
  private readonly taskFolds = new WeakMap<Y.Doc, { length: number; state: TasksState }>();

  private persistContacts(): void {
    try {
      this.contacts.persist();
    } catch (err) {
      this.opts.log.error('contacts could not be saved', err);
    }
  }

  /** Names of the docs in memory (for tests and diagnostics). */
  loadedDocs(): string[] {
    return [...this.docs.keys()];
  }

  /** Doc connections (a multiplexed socket counts once per open doc). */
  connectionCount(): number {
    let n = 0;
    for (const d of this.docs.values()) n += d.conns.size;
    return n;
  }

  /** Open websockets. */
  socketCount(): number {
    return this.socks.size;
  }

  /** Bytes waiting unsent to all sockets, or to one account's (diagnostics, tests). */
  bufferedBytes(userId?: string): number {
    let n = 0;
    for (const s of this.socks) if (userId === undefined || s.user.id === userId) n += s.ws.bufferedAmount;
    return n;
  }

  /** Channels (open and opening) of all multiplexed sockets (diagnostics, tests). */
  channelCount(): number {
    let n = 0;
    for (const s of this.socks) n += s.channels?.size ?? 0;
    return n;
  }

  /** Awareness states held for a loaded doc (diagnostics, tests); null when it is not loaded. */
  awarenessStates(name: string): number | null {
    return this.docs.get(name)?.awareness.getStates().size ?? null;
  }

  currentLimits(): Limits {
    return { ...this.limits };
  }

  /** Change the abuse limits (connlimits.ts from the environment; tests). Open sockets get the new rates. */
  setLimits(limits: Partial<Limits>): void {
    this.limits = { ...this.limits, ...limits };
    for (const s of this.socks) this.configureBudget(s.budget, this.limits.wsMsgsPerSecond, this.limits.wsBytesPerSecond);
    for (const u of this.userBudgets.values()) this.configureBudget(u, this.limits.userMsgsPerSecond, this.limits.userBytesPerSecond);
  }

  private makeBudget(msgsPerSec: number, bytesPerSec: number): Budget {
    const now = () => this.now();
    return { msgs: new TokenBucket(msgsPerSec, msgsPerSec * MSG_BURST_S, now), bytes: new TokenBucket(bytesPerSec, bytesPerSec * BYTE_BURST_S, now) };
  }

  private configureBudget(b: Budget, msgsPerSec: number, bytesPerSec: number): void {
    b.msgs.configure(msgsPerSec, msgsPerSec * MSG_BURST_S);
    b.bytes.configure(bytesPerSec, bytesPerSec * BYTE_BURST_S);
  }

  // ---------------------------------------------------------------- upgrade

  /** The HTTP server's 'upgrade' listener. Never throws; every failure ends in an HTTP answer or a destroy. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    this.upgrade(req, socket, head).catch((err: unknown) => {
      this.opts.log.error('upgrade failed', err);
      // After the handshake the socket speaks websocket: an HTTP answer there would be garbage to the client.
      if (upgraded.has(socket)) socket.destroy();
      else rejectUpgrade(socket, 500, 'internal_error');
    });
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://relay');
    const mux = url.pathname === '/sync';
    if (!mux && !url.pathname.startsWith('/sync/')) return rejectUpgrade(socket, 404, 'not_found');
    const token = url.searchParams.get('token') ?? bearerToken(req.headers.authorization);
    const nodeParam = url.searchParams.get('node');
    const node = nodeParam && NODE_PATTERN.test(nodeParam) ? nodeParam : null;
    const from = req.socket.remoteAddress ?? null;
    const user = token ? await this.opts.authenticate(token, from) : null;
    if (!user) return rejectUpgrade(socket, 401, 'unauthorized');
    if (mux) {
      if (this.closed) return rejectUpgrade(socket, 503, 'internal_error');
      if (socket.destroyed) return;
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        upgraded.add(socket);
        this.openSock(ws, user, token!, new Map(), node, from);
      });
      return;
    }
    let name: string;
    try {
      name = decodeURIComponent(url.pathname.slice('/sync/'.length));
    } catch {
      return rejectUpgrade(socket, 404, 'not_found');
    }
    const check = await this.accessAsync(user, name);
    if (!check.ok) return rejectUpgrade(socket, check.status, check.code);
    if (socket.destroyed) return;

    const doc = await this.acquire(name);
    try {
      if (socket.destroyed || this.closed) return void socket.destroy();
      // handleUpgrade calls back synchronously once the handshake is written, so `attach` runs before `release`.
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        upgraded.add(socket);
        this.safeAttach(doc, this.openSock(ws, user, token!, null, node, from), 0, check.access);
      });
    } finally {
      this.release(doc);
    }
  }

  /**
   * May `user` sync the doc `name`? (404 unknown doc, 403 not theirs, 503 shutting down.) The sockets ask here, and
   * GET /api/docs/<name> (firststate.ts), which answers as the doc's socket would.
   */
  access(user: UserInfo, name: string, dispute?: DisputeLookup): { ok: true; access: DocAccess } | { ok: false; status: number; code: string } {
    const parsed = parseDocName(name) ?? parseRecordDocName(name);
    const townIds = this.opts.townIds();
    const notFound = { ok: false, status: 404, code: 'not_found' } as const;
    // The practice sandbox's data never leaves the device (src/domain/docs.ts): refused, whoever asks.
    if (isPracticeDocName(name)) return { ok: false, status: 403, code: 'practice_only' };
    if (!parsed || ('townId' in parsed && !townIds.includes(parsed.townId))) return notFound;
    if (parsed.kind === 'cases' && !caseYearOpen(parsed.year, this.now())) return notFound;
    if ('gridId' in parsed && !this.opts.grid?.(parsed.gridId)) return notFound;
    const access = docAccess(user, name, townIds, this.opts.grid, dispute);
    if (!access) return { ok: false, status: 403, code: 'forbidden' };
    if (this.closed) return { ok: false, status: 503, code: 'internal_error' };
    return { ok: true, access };
  }

  /**
   * `access`, with what a dispute doc needs (issue 17): its readers are the mediators its town's summary names now
   * (src/domain/docs.ts disputeAccess), so the summary is loaded, brought up to date and folded first. Everything
   * else answers as `access`. Sockets and GET /api/docs/<name> ask here.
   */
  async accessAsync(user: UserInfo, name: string): Promise<ReturnType<Relay['access']>> {
    const rec = parseRecordDocName(name);
    if (rec?.kind !== 'dispute' || !this.opts.townIds().includes(rec.townId)) return this.access(user, name);
    const summary = await this.acquire(mediationDocName(rec.townId));
    try {
      this.flushFor(summary);
      this.catchUp(summary);
      const folded = foldMediation(summary.ydoc.getArray<unknown>(EVENTS_ARRAY).toArray());
      return this.access(user, name, (_t, id) => folded.disputes.get(id));
    } finally {
      this.release(summary);
    }
  }

  /**
   * A town's mediation summary changed: the connections of its loaded dispute docs whose user is no longer a reader
   * (a mediator removed) are closed with 4403, which the app does not retry (its grants follow the summary too).
   */
  private recheckDisputes(summary: LoadedDoc): void {
    if (summary.kind.kind !== 'mediation') return;
    const townId = summary.kind.townId;
    let folded: ReturnType<typeof foldMediation> | null = null;
    for (const d of this.docs.values()) {
      if (d.kind.kind !== 'dispute' || d.kind.townId !== townId || d.conns.size === 0) continue;
      folded ??= foldMediation(summary.ydoc.getArray<unknown>(EVENTS_ARRAY).toArray());
      const dispute = folded.disputes.get(d.kind.disputeId);
      for (const conn of [...d.conns]) {
        if (disputeAccess(conn.user, townId, dispute)) continue;
        this.opts.log.info(`doc ${d.name}: ${conn.user.id} no longer mediates it; closing their connection`);
        this.closeConn(conn, CLOSE_FORBIDDEN, 'no longer a reader of this dispute');
      }
    }
  }

  // ---------------------------------------------------------------- docs in memory

  /** Load (or find) a doc and hold it in memory until `release`. */
  async acquire(name: string): Promise<LoadedDoc> {
    if (this.closed) throw new Error('relay closed');
    let doc = this.docs.get(name);
    if (!doc) {
      let p = this.loading.get(name);
      if (!p) {
        p = Promise.resolve()
          .then(async () => {
            // A dispute doc keeps its town's summary loaded while it is (recheckDisputes follows its changes).
            const rec = parseRecordDocName(name);
            const summary = rec?.kind === 'dispute' ? await this.acquire(mediationDocName(rec.townId)) : undefined;
            try {
              // A doc may have been loaded synchronously meanwhile (`tasksOf`): that one, not a second copy.
              const doc = this.docs.get(name) ?? this.load(name);
              if (summary) doc.summary = summary;
              return doc;
            } catch (err) {
              if (summary) this.release(summary);
              throw err;
            }
          })
          .finally(() => this.loading.delete(name));
        this.loading.set(name, p);
      }
      doc = await p;
    }
    doc.holds++;
    this.clearIdle(doc);
    return doc;
  }

  release(doc: LoadedDoc): void {
    doc.holds--;
    this.scheduleIdle(doc);
  }

  /**
   * Run `fn` on a loaded doc (HTTP reads). Shared store: after catching up with what other relays committed to it,
   * so a read through this relay sees every write acknowledged through any relay before the request.
   */
  async withDoc<T>(name: string, fn: (ydoc: Y.Doc) => T): Promise<T> {
    const doc = await this.acquire(name);
    try {
      this.flushFor(doc);
      this.catchUp(doc);
      return fn(doc.ydoc);
    } finally {
      this.release(doc);
    }
  }

  /**
   * A doc's content as the store holds it. The Y.Doc has no 'update' listener on purpose: the relay sends the bytes
   * it stored itself (`afterDurable`), and without a listener Yjs does not encode every applied transaction again.
   */
  private readStored(name: string, kind: DocKind): { ydoc: Y.Doc; rows: number; rowBytes: number; snapshotBytes: number; seq: number } {
    const stored = this.opts.store.loadDoc(name);
    const ydoc = new Y.Doc();
    // Define the root types first, so every replica and the relay read them with the same type.
    if (kind.kind !== 'org') ydoc.getArray(EVENTS_ARRAY);
    if (kind.kind === 'cases') ydoc.getArray(RECEIPTS_ARRAY);
    else for (const c of ORG_COLLECTIONS) ydoc.getMap(c);
    for (const [i, part] of storedParts(stored).entries()) {
      try {
        Y.applyUpdate(ydoc, part, SERVER_ORIGIN);
      } catch (err) {
        // Only updates that passed inspection are stored, so this is damage: keep serving everything else.
        this.opts.log.error(`doc ${name}: stored part ${i} cannot be applied, skipped`, err);
      }
    }
    if (ydoc.store.pendingStructs || ydoc.store.pendingDs) this.opts.log.error(`doc ${name}: stored updates leave pending structs`);
    return { ydoc, rows: stored.updates.length, rowBytes: stored.updates.reduce((n, u) => n + u.byteLength, 0), snapshotBytes: stored.snapshot?.byteLength ?? 0, seq: stored.seq };
  }

  private load(name: string): LoadedDoc {
    const parsed = parseDocName(name) ?? parseRecordDocName(name);
    if (!parsed) throw new Error(`not a doc name: ${name}`);
    const { ydoc, rows, rowBytes, snapshotBytes, seq } = this.readStored(name, parsed);
    const awareness = new awarenessProtocol.Awareness(ydoc);
    awareness.setLocalState(null);
    const doc: LoadedDoc = {
      name,
      kind: parsed,
      ydoc,
      awareness,
      goneAwareness: new Set(),
      conns: new Set(),
      rows,
      rowBytes,
      snapshotBytes,
      holds: 0,
      idleTimer: null,
      compactQueued: false,
      receiptsTail: null,
      seq,
      catchUpQueued: false,
    };
    awareness.on('update', (changes: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) =>
      this.broadcastAwareness(doc, changes, origin),
    );
    this.docs.set(name, doc);
    this.events.emit('loaded', name);
    if (this.compactDue(doc)) this.queueCompact(doc);
    return doc;
  }

  private clearIdle(doc: LoadedDoc): void {
    if (doc.idleTimer) clearTimeout(doc.idleTimer);
    doc.idleTimer = null;
  }

  private scheduleIdle(doc: LoadedDoc): void {
    if (this.closed || doc.conns.size > 0 || doc.holds > 0 || doc.idleTimer) return;
    doc.idleTimer = setTimeout(() => {
      doc.idleTimer = null;
      this.unload(doc);
    }, this.opts.idleUnloadMs);
    doc.idleTimer.unref();
  }

  private unload(doc: LoadedDoc): void {
    if (doc.conns.size > 0 || doc.holds > 0 || this.docs.get(doc.name) !== doc) return;
    this.flushFor(doc);
    this.compact(doc);
    this.docs.delete(doc.name);
    doc.awareness.destroy();
    doc.ydoc.destroy();
    this.events.emit('unloaded', doc.name);
    if (doc.summary) this.release(doc.summary);
  }

  /** Forget a doc whose memory state cannot be trusted: close its connections and drop it without compacting. */
  private discard(doc: LoadedDoc): void {
    if (this.docs.get(doc.name) !== doc) return;
    this.docs.delete(doc.name);
    this.clearIdle(doc);
    for (const conn of [...doc.conns]) this.closeConn(conn, CLOSE_INTERNAL, 'doc reloading');
    doc.conns.clear();
    doc.awareness.destroy();
    doc.ydoc.destroy();
    this.events.emit('unloaded', doc.name);
    if (doc.summary) this.release(doc.summary);
  }

  /**
   * After a group commit failed: the doc's memory holds updates the store does not. Load it again from the store
   * into the same LoadedDoc, so its connections stay (they were sent nothing of those updates). The old Y.Doc is
   * left to the garbage collector, not destroyed: destroying it would destroy the doc's awareness with it.
   */
  private reloadInPlace(doc: LoadedDoc): void {
    if (this.docs.get(doc.name) !== doc) return;
    try {
      const { ydoc, rows, rowBytes, snapshotBytes, seq } = this.readStored(doc.name, doc.kind);
      doc.ydoc = ydoc;
      doc.awareness.doc = ydoc;
      Object.assign(doc, { rows, rowBytes, snapshotBytes });
      // Other relays' rows the reload brought in were not sent to this doc's connections: `catchUp` sends them.
      if (!this.opts.store.shared) doc.seq = seq;
      doc.receiptsTail = null;
    } catch (err) {
      this.opts.log.error(`doc ${doc.name}: reloading after a failed commit failed; dropping it`, err);
      this.discard(doc);
    }
  }

  private queueCompact(doc: LoadedDoc): void {
    if (doc.compactQueued) return;
    doc.compactQueued = true;
    // After the ACK went out: compaction never delays an acknowledgement.
    setImmediate(() => {
      doc.compactQueued = false;
      if (this.docs.get(doc.name) === doc && this.compactDue(doc)) this.compact(doc);
    });
  }

  /**
   * Whether a doc's update rows are due to be merged into its snapshot: more than compactAfterRows of them, and, for
   * a snapshot over COMPACT_SMALL_BYTES, holding at least a quarter of its bytes (or more than ten times
   * compactAfterRows whatever their size). A compaction reads and rewrites the whole doc: at saturation, with the
   * row count alone (every 100 rows of a 1.4 MB town doc), it was 14% of the relay's time (issue 16 profile).
   * Measured against the snapshot, each stored byte is rewritten a bounded number of times, and a load applies at
   * most about a quarter of the doc again as rows. A small doc compacts cheaply: by the row count, as before.
   */
  private compactDue(doc: LoadedDoc): boolean {
    const n = this.opts.compactAfterRows;
    if (doc.rows <= n) return false;
    return doc.snapshotBytes <= COMPACT_SMALL_BYTES || doc.rowBytes * 4 >= doc.snapshotBytes || doc.rows > n * 10;
  }

  private compact(doc: LoadedDoc): void {
    if (doc.rows === 0) return;
    try {
      const merged = this.opts.store.compact(doc.name);
      doc.rows = Math.max(0, doc.rows - merged);
      // Merging never grows a doc past its parts: the snapshot is at most what it was plus the rows.
      doc.snapshotBytes += doc.rowBytes;
      doc.rowBytes = doc.rows === 0 ? 0 : doc.rowBytes;
      this.events.emit('compacted', doc.name, merged);
    } catch (err) {
      // The rows stay; the next compaction tries again. Nothing is lost.
      this.opts.log.error(`doc ${doc.name}: compaction failed`, err);
    }
  }

  // ---------------------------------------------------------------- connections

  private openSock(ws: WebSocket, user: UserInfo, token: string, channels: Sock['channels'], node: string | null, from: string | null): Sock {
    const sock: Sock = {
      ws,
      user,
      token,
      alive: true,
      channels,
      single: null,
      node,
      from,
      floor: this.contacts.floor(user.id, node),
      budget: this.makeBudget(this.limits.wsMsgsPerSecond, this.limits.wsBytesPerSecond),
      expMs: tokenExpiryMs(token),
      expiryTimer: null,
      throttle: null,
      held: [],
      heldBytes: 0,
      drainTimer: null,
    };
    this.contacts.touch(user.id, node, this.now());
    this.socks.add(sock);
    let ub = this.userBudgets.get(user.id);
    if (!ub) {
      ub = { ...this.makeBudget(this.limits.userMsgsPerSecond, this.limits.userBytesPerSecond), socks: 0 };
      this.userBudgets.set(user.id, ub);
    }
    ub.socks++;
    this.armExpiry(sock);
    ws.on('message', (data, isBinary) => this.onMessage(sock, data, isBinary));
    ws.on('pong', () => {
      sock.alive = true;
      this.contacts.touch(user.id, node, this.now());
    });
    ws.on('error', (err) => this.opts.log.info(`connection of ${user.id}: ${err.message}`));
    ws.on('close', () => {
      if (!this.socks.delete(sock)) return;
      for (const t of [sock.expiryTimer, sock.throttle, sock.drainTimer]) if (t) clearTimeout(t);
      sock.held = [];
      const b = this.userBudgets.get(user.id);
      if (b && --b.socks <= 0) this.userBudgets.delete(user.id);
      this.contacts.touch(user.id, node, this.now());
      this.persistContacts();
      for (const conn of this.connsOf(sock)) this.detach(conn);
      sock.channels?.clear();
    });
    return sock;
  }

  private connsOf(sock: Sock): Conn[] {
    if (!sock.channels) return sock.single ? [sock.single] : [];
    return [...sock.channels.values()].filter((c): c is Conn => c !== 'opening');
  }

  private attach(doc: LoadedDoc, sock: Sock, channel: number, access: DocAccess): void {
    const perMinute = this.limits.awarenessPerMinute;
    const conn: Conn = {
      sock,
      channel,
      user: sock.user,
      access,
      doc,
      awarenessIds: new Set(),
      caughtUp: false,
      awarenessBudget: new TokenBucket(perMinute / 60, Math.max(10, Math.ceil(perMinute / 6)), () => this.now()),
      strikes: new TokenBucket(0.1, AWARENESS_STRIKES, () => this.now()),
    };
    doc.conns.add(conn);
    if (sock.channels) sock.channels.set(channel, conn);
    else sock.single = conn;
    this.clearIdle(doc);
    this.opts.onDocOpened?.(sock.user, doc.name, sock.from);
    if (channel) this.sendRaw(sock, muxControl(MUX_OPENED, channel));

    // Its state vector and ACK must say only what is durable.
    this.flushFor(doc);
    const step1 = encoding.createEncoder();
    encoding.writeVarUint(step1, MSG_SYNC);
    syncProtocol.writeSyncStep1(step1, doc.ydoc);
    this.send(conn, encoding.toUint8Array(step1));
    this.send(conn, ackMessage(doc.ydoc));
    const states = doc.awareness.getStates();
    if (states.size > 0) {
      this.send(conn, awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(doc.awareness, [...states.keys()])));
    }
  }

  /**
   * `attach`, and an exception in it ends that connection with 1011 (the socket of a single doc, the channel of a
   * multiplexed one), never the process or an HTTP answer on an upgraded socket.
   */
  private safeAttach(doc: LoadedDoc, sock: Sock, channel: number, access: DocAccess): void {
    try {
      this.attach(doc, sock, channel, access);
    } catch (err) {
      this.opts.log.error(`doc ${doc.name}: attaching ${sock.user.id} failed`, err);
      const conn = channel ? sock.channels?.get(channel) : sock.single;
      if (conn && conn !== 'opening') {
        this.closeConn(conn, CLOSE_INTERNAL, 'internal error');
      } else if (channel) {
        sock.channels?.delete(channel);
        this.sendRaw(sock, muxControl(MUX_REJECTED, channel, 503, 'internal_error'));
      } else {
        sock.ws.close(CLOSE_INTERNAL, 'internal error');
      }
    }
  }

  private detach(conn: Conn): void {
    const doc = conn.doc;
    if (!doc.conns.delete(conn)) return;
    if (conn.sock.channels?.get(conn.channel) === conn) conn.sock.channels.delete(conn.channel);
    if (conn.awarenessIds.size > 0) awarenessProtocol.removeAwarenessStates(doc.awareness, [...conn.awarenessIds], null);
    this.scheduleIdle(doc);
  }

  /** End one doc's connection: the whole socket, or only its channel of a multiplexed socket. */
  private closeConn(conn: Conn, code: number, reason: string): void {
    if (!conn.channel) {
      this.uncorkSock(conn.sock);
      conn.sock.ws.close(code, closeReason(reason));
      return;
    }
    this.detach(conn);
    this.sendRaw(conn.sock, muxControl(MUX_CLOSED, conn.channel, code, closeReason(reason)));
  }

  private onMessage(sock: Sock, data: RawData, isBinary: boolean): void {
    if (sock.ws.readyState !== WebSocket.OPEN) return;
    if (this.expireIfDue(sock)) return;
    if (sock.throttle || sock.drainTimer || sock.held.length > 0) {
      // Reading is held: keep it for later, in order (a bounded amount: the socket itself is paused).
      sock.held.push({ data, isBinary });
      sock.heldBytes += rawLength(data);
      if (sock.held.length > MAX_HELD_MESSAGES || sock.heldBytes > MAX_HELD_BYTES) {
        this.opts.log.warn(`${sock.user.id}: ${sock.held.length} messages over budget, closed with ${CLOSE_ABUSE}`);
        this.closeSock(sock, CLOSE_ABUSE, 'too many messages');
      }
      return;
    }
    this.handleRaw(sock, data, isBinary);
  }

  /** Handle messages held while reading was paused, as far as the budgets allow; then read again. */
  private handleHeld(sock: Sock): void {
    while (sock.held.length > 0 && !sock.throttle && !sock.drainTimer && sock.ws.readyState === WebSocket.OPEN) {
      const next = sock.held.shift()!;
      sock.heldBytes -= rawLength(next.data);
      this.handleRaw(sock, next.data, next.isBinary);
    }
    if (sock.held.length === 0) this.resumeReading(sock);
  }

  private handleRaw(sock: Sock, data: RawData, isBinary: boolean): void {
    this.charge(sock, 1, rawLength(data));
    this.replyingTo = sock;
    try {
      this.onMessageIn(sock, data, isBinary);
    } finally {
      this.replyingTo = null;
    }
  }

  private onMessageIn(sock: Sock, data: RawData, isBinary: boolean): void {
    // Any message proves the client alive: on a slow link our ping can wait behind a long catch-up downstream
    // while the client's awareness renewals (every 15 s) still come up.
    sock.alive = true;
    this.contacts.touch(sock.user.id, sock.node, this.now());
    let conn: Conn | undefined;
    try {
      if (!isBinary) throw new Malformed('text frames are not part of the protocol');
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      let bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      if (sock.channels) {
        const dec = decoding.createDecoder(bytes);
        const channel = decodeStep(() => decoding.readVarUint(dec), 'bad channel id');
        if (channel === MUX_CONTROL) return this.onControl(sock, dec);
        const c = sock.channels.get(channel);
        // A channel the relay has just closed, or one still opening (the client may not send before OPENED).
        if (c === undefined) return;
        if (c === 'opening') throw new Malformed(`message on channel ${channel} before it opened`);
        conn = c;
        bytes = bytes.subarray(dec.pos);
      } else {
        conn = sock.single ?? undefined;
        if (!conn) return;
      }
      this.handleMessage(conn, bytes);
    } catch (err) {
      const where = conn ? `doc ${conn.doc.name}` : 'socket';
      if (err instanceof Malformed) {
        this.opts.log.info(`${where}: malformed message from ${sock.user.id}: ${err.message}`);
        if (conn) this.closeConn(conn, CLOSE_MALFORMED, err.message);
        else sock.ws.close(CLOSE_MALFORMED, closeReason(err.message));
      } else if (conn && isStoreFull(err)) {
        this.storeFull([conn], 1, err);
      } else {
        this.opts.log.error(`${where}: message from ${sock.user.id} failed`, err);
        if (conn) this.closeConn(conn, CLOSE_INTERNAL, 'internal error');
        else sock.ws.close(CLOSE_INTERNAL, 'internal error');
      }
    }
  }

  /** A control message of a multiplexed socket (src/protocol/wire.ts). Malformed ones close the whole socket. */
  private onControl(sock: Sock, dec: decoding.Decoder): void {
    const channels = sock.channels!;
    const op = decodeStep(() => decoding.readVarUint(dec), 'bad control message');
    const channel = decodeStep(() => decoding.readVarUint(dec), 'bad channel id');
    if (channel === MUX_CONTROL) throw new Malformed('channel 0 is the control channel');
    if (op === MUX_CLOSE) {
      expectEnd(dec);
      const c = channels.get(channel);
      channels.delete(channel);
      if (c && c !== 'opening') this.detach(c);
      return;
    }
    if (op !== MUX_OPEN) throw new Malformed(`unknown control message ${op}`);
    const name = decodeStep(() => decoding.readVarString(dec), 'bad doc name');
    expectEnd(dec);
    if (channels.has(channel)) throw new Malformed(`channel ${channel} is already open`);
    const reject = (status: number, code: string): void => this.sendRaw(sock, muxControl(MUX_REJECTED, channel, status, code));
    if (channels.size >= MUX_MAX_CHANNELS) return reject(429, 'too_many_docs');
    channels.set(channel, 'opening');
    this.openChannel(sock, channel, name).then(
      (refusal) => {
        if (refusal && channels.get(channel) === 'opening') {
          channels.delete(channel);
          reject(refusal.status, refusal.code);
        }
      },
      (err: unknown) => {
        this.opts.log.error(`doc ${name}: opening for ${sock.user.id} failed`, err);
        if (channels.get(channel) !== 'opening') return;
        channels.delete(channel);
        reject(503, 'internal_error');
      },
    );
  }

  /** Open a doc on a channel in state 'opening'; answers a refusal, or null once attached (or no longer wanted). */
  private async openChannel(sock: Sock, channel: number, name: string): Promise<{ status: number; code: string } | null> {
    // The token again, as a separate upgrade would check it: it may have expired since the socket opened.
    const user = await this.opts.authenticate(sock.token, sock.from);
    if (!user) return { status: 401, code: 'unauthorized' };
    const check = await this.accessAsync(user, name);
    if (!check.ok) return check;
    const doc = await this.acquire(name);
    try {
      // Closed (by the client or with the socket) while the doc loaded: nothing to attach.
      if (sock.channels?.get(channel) === 'opening' && sock.ws.readyState === WebSocket.OPEN) this.safeAttach(doc, sock, channel, check.access);
    } finally {
      this.release(doc);
    }
    return null;
  }

  private handleMessage(conn: Conn, buf: Uint8Array): void {
    const doc = conn.doc;
    const dec = decoding.createDecoder(buf);
    const type = decodeStep(() => decoding.readVarUint(dec), 'bad message type');
    switch (type) {
      case MSG_SYNC: {
        const sub = decodeStep(() => decoding.readVarUint(dec), 'bad sync message type');
        const payload = decodeStep(() => decoding.readVarUint8Array(dec), 'truncated sync message');
        expectEnd(dec);
        if (sub === syncProtocol.messageYjsSyncStep1) {
          decodeStep(() => Y.decodeStateVector(payload), 'bad state vector');
          // Never send what is not durable yet.
          this.flushFor(doc);
          // A big catch-up goes as slices (src/protocol/chunks.ts): one message that takes longer than 30 s to arrive
          // on a 2G link trips y-websocket's watchdog and the client reconnects forever. All slices but the last
          // are plain updates; the last is the sync step 2 that marks the client synced.
          const slices = splitUpdate(Y.encodeStateAsUpdate(doc.ydoc, payload), SYNC_SLICE_BYTES);
          slices.forEach((slice, i) => {
            const reply = encoding.createEncoder();
            encoding.writeVarUint(reply, MSG_SYNC);
            encoding.writeVarUint(reply, i === slices.length - 1 ? syncProtocol.messageYjsSyncStep2 : syncProtocol.messageYjsUpdate);
            encoding.writeVarUint8Array(reply, slice);
            this.send(conn, encoding.toUint8Array(reply));
          });
          return;
        }
        if (sub === syncProtocol.messageYjsSyncStep2 || sub === syncProtocol.messageYjsUpdate) {
          const decoded = decodeStep(() => Y.decodeUpdate(payload), 'undecodable update');
          this.receiveUpdate(conn, payload, decoded);
          if (sub === syncProtocol.messageYjsSyncStep2) conn.caughtUp = true;
          return;
        }
        throw new Malformed(`unknown sync message type ${sub}`);
      }
      case MSG_AWARENESS: {
        const update = decodeStep(() => decoding.readVarUint8Array(dec), 'truncated awareness message');
        expectEnd(dec);
        const admitted = this.admitAwareness(conn, update);
        if (admitted) decodeStep(() => awarenessProtocol.applyAwarenessUpdate(doc.awareness, admitted, conn), 'bad awareness update');
        return;
      }
      case MSG_QUERY_AWARENESS: {
        expectEnd(dec);
        if (!conn.awarenessBudget.tryTake()) return this.awarenessStrike(conn, 'awareness queries too frequent');
        const ids = [...doc.awareness.getStates().keys()];
        this.send(conn, awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(doc.awareness, ids)));
        return;
      }
      default:
        throw new Malformed(`unknown message type ${type}`);
    }
  }

  private receiveUpdate(conn: Conn, update: Uint8Array, decoded: ReturnType<typeof Y.decodeUpdate>): void {
    if (conn.stalled) return;
    const doc = conn.doc;
    // Shared store: a device may bring structs of another relay (its receipts) this relay has not read yet.
    if (this.aheadOfPeers(doc, decoded)) this.catchUp(doc);
    if (conn.doc.conns.has(conn) === false) return;
    // Judged against the doc in memory: what is durable plus the accepted updates of the open batch before it.
    const verdict = inspectUpdate(doc.ydoc, decoded, doc.kind, conn.user, conn.access, this.inspectOptions());
    if (!verdict.ok) {
      this.opts.log.info(`doc ${doc.name}: refused update from ${conn.user.id}: ${verdict.code} ${verdict.detail}`);
      this.events.emit('refused', doc.name, verdict.code);
      this.reply({ conn, msg: refusedMessage(verdict.code, verdict.detail) });
      return;
    }
    // Events that come before the client's sync step 2 are its catch-up: made while it was out of contact.
    if (verdict.novel) {
      // An update of one client without deletions takes its receipts without being re-encoded (`withReceipts`).
      const first = decoded.structs[0]?.id.client;
      const single = first !== undefined && decoded.ds.clients.size === 0 && decoded.structs.every((st) => st.id.client === first) ? first : undefined;
      this.stage(this.prepare(doc, update, verdict, conn, conn.caughtUp ? undefined : (conn.sock.floor ?? 0), single));
    }
    this.reply({ conn, ack: true });
  }

  /**
   * Send to a connection after what the open batch sends it (a connection gets its answers in the order of its
   * messages), or at once when no batch is open.
   */
  private reply(o: Outgoing): void {
    if (this.batch) {
      this.batch.out.push(o);
      return;
    }
    if ('ack' in o) this.send(o.conn, ackMessage(o.conn.doc.ydoc));
    else if ('msg' in o) this.send(o.conn, o.msg);
  }

  /**
   * An accepted update's row: the update merged with the receipts of its case events (`floor`: see receipts.ts),
   * the case index rows and blob references. Reads the doc (receipt clocks); changes nothing but the receipts tail.
   */
  private prepare(doc: LoadedDoc, received: Uint8Array, verdict: Extract<Verdict, { ok: true }>, origin: Conn | typeof SERVER_ORIGIN, floor?: number, singleClient?: number): Accepted {
    // Only what the doc lacks is stored and applied (validate.ts `resent`): the bytes on disk are what was inspected.
    // In a batch the doc includes the accepted updates before this one: the state it was inspected against.
    const update = verdict.resent ? Y.diffUpdate(received, Y.encodeStateVector(doc.ydoc)) : received;
    const written = this.receiptUpdate(doc, update, verdict.events, floor, origin);
    const receipts = written?.update ?? null;
    // `singleClient`: the update's only client, when it has one and no deletions.
    const spliced = receipts && singleClient !== undefined ? withReceipts(update, receipts, singleClient, this.opts.serverClientId) : null;
    const stored = receipts ? (spliced ?? Y.mergeUpdates([update, receipts])) : update;
    // Issue 16: history a device brought back after a restore (validate.ts): indexed like new events, no new receipts.
    const returned = verdict.returned;
    const allEvents = returned ? [...verdict.events, ...returned.events] : verdict.events;
    // Issue 12: who may read a blob follows the cases that name it (blobs.ts); recorded with the events. Issue 17:
    // and the patrol check-ins and task answers that name it (their docs' readers).
    const row: UpdateRow = { doc: doc.name, update: stored, reportedCaseIds: verdict.reported.map((e) => e.caseId), blobRefs: [...blobRefsOf(allEvents), ...recordBlobRefsOf(doc.kind.kind, verdict.records)] };
    return { doc, origin, row, stored, receipts, receiptValues: written?.values ?? [], verdict, allEvents, received, floor, single: singleClient };
  }

  /**
   * Apply an accepted update in memory and tell the doc's facts (integrity.ts), so the next update is judged after
   * it. Sends nothing. Throws when Yjs cannot apply it (the caller decides what the doc's memory is worth then).
   */
  private applyInMemory(a: Accepted): void {
    const { doc, verdict } = a;
    Y.applyUpdate(doc.ydoc, a.stored, a.origin);
    if (doc.ydoc.store.pendingStructs || doc.ydoc.store.pendingDs) {
      this.opts.log.error(`doc ${doc.name}: an accepted update left pending structs (inspection gap)`);
    }
    const returned = verdict.returned;
    factsOf(doc.ydoc, this.opts.serverClientId, doc.kind.kind, this.opts.retiredClients).accepted(
      a.stored,
      a.origin === SERVER_ORIGIN ? RELAY_OWNER : a.origin.user.id,
      a.allEvents,
      returned ? [...a.receiptValues, ...returned.receipts] : a.receiptValues,
      verdict.records,
      returned?.authors,
    );
  }

  /**
   * Put an accepted update of a connection into the open batch (opened here): applied in memory now, durable at
   * the batch's commit, broadcast and acknowledged after it. The org doc commits at once: the reference data the
   * relay judges everything else by (`org`) is rebuilt from durable state only.
   */
  private stage(a: Accepted): void {
    try {
      this.applyInMemory(a);
    } catch (err) {
      // Nothing of it is stored. What the failed apply left in memory is unknown: commit the batch's earlier updates
      // (valid and applied), then read the doc again from the store. The sender's connection closes with 1011.
      this.opts.log.error(`doc ${a.doc.name}: an accepted update cannot be applied; not stored, the doc is read again`, err);
      this.flushBatch();
      this.reloadInPlace(a.doc);
      throw err;
    }
    const batch = (this.batch ??= { accepted: [], out: [], docs: new Set(), bytes: 0, attempt: this.attempt });
    batch.accepted.push(a);
    batch.out.push({ conn: a.origin as Conn, accepted: a });
    batch.docs.add(a.doc);
    batch.bytes += a.stored.byteLength;
    const now = performance.now();
    this.stagedAt[this.staged++ % this.pacing.busyUpdates] = now;
    if (a.doc.kind.kind === 'org' || batch.accepted.length >= BATCH_MAX_UPDATES || batch.bytes >= BATCH_MAX_BYTES) {
      // The ACK of this update must follow it: the caller queues it after the flush, where it is sent at once.
      this.flushBatch();
      return;
    }
    if (this.batchTimer) return;
    const flush = () => {
      this.batchTimer = null;
      this.flushBatch();
    };
    const delay = this.commitDelay(now);
    this.batchTimer = delay > 0 ? { timeout: setTimeout(flush, delay) } : { immediate: setImmediate(flush) };
  }

  /** Whether `pacing.busyUpdates` updates arrived within the last `pacing.windowMs` (CommitPacing). */
  private busy(now: number): boolean {
    const { busyUpdates, windowMs } = this.pacing;
    return this.staged >= busyUpdates && now - this.stagedAt[this.staged % busyUpdates]! <= windowMs;
  }

  /** Milliseconds to hold a new burst open before its commit (0: commit at the next check phase). See CommitPacing. */
  private commitDelay(now: number): number {
    if (!this.busy(now)) return 0;
    return Math.max(0, Math.ceil(this.lastCommitAt + this.pacing.spacingMs - now));
  }

  /** Commits of update bursts since the relay started (the benchmark's updates per commit). */
  commitCount(): number {
    return this.commits;
  }

  /** Socket writes of framed messages since the relay started (the benchmark's deliveries per write). */
  writeCount(): number {
    return this.writes;
  }

  /** Commit the open batch if `doc` has updates in it (before anything reads the doc for the outside). */
  private flushFor(doc: LoadedDoc): void {
    if (this.batch?.docs.has(doc)) this.flushBatch();
  }

  /**
   * Commit the open batch: every accepted row of every doc in ONE transaction, then send what it holds in arrival
   * order. Never throws: a failed commit is `batchFailed`.
   */
  private flushBatch(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = null;
    if (this.batchTimer) {
      if ('immediate' in this.batchTimer) clearImmediate(this.batchTimer.immediate);
      else clearTimeout(this.batchTimer.timeout);
    }
    this.batchTimer = null;
    this.lastCommitAt = performance.now();
    this.commits++;
    const shared = this.opts.store.shared;
    try {
      if (shared) {
        // The (doc, seq) key is where relays sharing the store are serialised: each row takes the next seq after
        // what this relay holds of its doc; another relay holding it already fails the commit (`rejudge`).
        const next = new Map<LoadedDoc, number>();
        for (const a of batch.accepted) {
          const seq = (next.get(a.doc) ?? a.doc.seq) + 1;
          next.set(a.doc, seq);
          a.row.seq = seq;
        }
      }
      const seqs = this.opts.store.appendUpdates(batch.accepted.map((a) => a.row));
      for (const [i, a] of batch.accepted.entries()) a.doc.seq = Math.max(a.doc.seq, seqs[i]!);
    } catch (err) {
      if (shared && isSeqConflict(err)) this.rejudge(batch);
      else this.batchFailed(batch, err);
      return;
    }
    // Durable: now the peers, the authors, the listeners. One ACK per doc: its state vector is the same for all.
    // Several updates: what each socket is sent is written to it at once (`corked`). A commit made while these
    // deliveries run (a listener's server-side write) sends into the same gathering, written out here.
    const acks = new Map<LoadedDoc, Uint8Array>();
    const cork = batch.accepted.length > 1 && !this.corked;
    if (cork) this.corked = new Map();
    try {
      for (const o of batch.out) {
        if ('accepted' in o) this.afterDurable(o.accepted);
        else if (o.conn.doc.conns.has(o.conn)) {
          if ('msg' in o) this.send(o.conn, o.msg);
          else {
            const doc = o.conn.doc;
            let ack = acks.get(doc);
            if (!ack) acks.set(doc, (ack = ackMessage(doc.ydoc)));
            this.send(o.conn, ack);
          }
        }
      }
    } finally {
      const corked = cork ? this.corked : null;
      if (cork) this.corked = null;
      if (corked) for (const [sock, frames] of corked) this.writeCorked(sock, frames);
    }
    for (const doc of batch.docs) this.changed(doc, true);
  }

  /**
   * Shared store: another relay took a seq of the burst (`isSeqConflict`), so nothing of it was stored. Each doc of
   * the burst is read again from the store (with the other relay's rows, which its connections get now), and every
   * message of the burst is handled again in arrival order: each update is judged against the caught-up doc, as if
   * it had arrived after the other relay's rows (two updates that each pass the checks only in isolation are never
   * both accepted), then committed as a new burst. After MAX_REJUDGE tries its senders are closed (1011: they
   * keep their changes and send them again).
   */
  private rejudge(batch: Batch): void {
    this.events.emit('rejudged', batch.accepted.length, batch.attempt);
    for (const doc of batch.docs) this.resync(doc);
    if (batch.attempt >= MAX_REJUDGE) {
      this.batchFailed(batch, new Error(`other relays kept taking this burst's seqs (${MAX_REJUDGE + 1} tries)`));
      return;
    }
    this.attempt = batch.attempt + 1;
    try {
      for (const o of batch.out) {
        if (!o.conn.doc.conns.has(o.conn)) continue;
        if (!('accepted' in o)) {
          this.reply(o);
          continue;
        }
        const a = o.accepted;
        const doc = a.doc;
        try {
          const verdict = inspectUpdate(doc.ydoc, Y.decodeUpdate(a.received), doc.kind, o.conn.user, o.conn.access, this.inspectOptions());
          if (!verdict.ok) {
            this.opts.log.info(`doc ${doc.name}: refused update from ${o.conn.user.id} after another relay's commit: ${verdict.code} ${verdict.detail}`);
            this.events.emit('refused', doc.name, verdict.code);
            this.reply({ conn: o.conn, msg: refusedMessage(verdict.code, verdict.detail) });
          } else if (verdict.novel) {
            this.stage(this.prepare(doc, a.received, verdict, o.conn, a.floor, a.single));
          }
        } catch (err) {
          // As for a message that fails while handled (`stage` read the doc again): the sender reconnects and resends.
          this.opts.log.error(`doc ${doc.name}: judging an update again after another relay's commit failed`, err);
          if (o.conn.doc.conns.has(o.conn)) this.closeConn(o.conn, CLOSE_INTERNAL, 'internal error');
        }
      }
      this.flushBatch();
    } finally {
      this.attempt = 0;
    }
  }

  /** Judging attempt of the batch being built (`rejudge`). */
  private attempt = 0;

  /**
   * Shared store, after a failed commit: read the doc again from the store in place, and send its connections the
   * rows of other relays it did not have (`catchUp`).
   */
  private resync(doc: LoadedDoc): void {
    this.reloadInPlace(doc);
    if (this.docs.get(doc.name) === doc) this.catchUp(doc);
  }

  /**
   * Shared store: apply the rows other relays committed to this doc after what it holds, and send them to its
   * connections (nothing of them goes back to the store). Commits the open burst of the doc first. Their receipts
   * and events are the other relay's: they are neither acknowledged nor announced (`accepted`) here.
   */
  catchUp(doc: LoadedDoc): void {
    if (!this.opts.store.shared || this.docs.get(doc.name) !== doc) return;
    this.flushFor(doc);
    let since;
    try {
      since = this.opts.store.readSince(doc.name, doc.seq);
    } catch (err) {
      this.opts.log.error(`doc ${doc.name}: reading other relays' rows failed (the next poll tries again)`, err);
      return;
    }
    if (since.seq <= doc.seq) return;
    const parts = since.snapshot ? [since.snapshot, ...since.updates.map((u) => u.data)] : since.updates.map((u) => u.data);
    for (const part of parts) {
      try {
        Y.applyUpdate(doc.ydoc, part, SERVER_ORIGIN);
      } catch (err) {
        this.opts.log.error(`doc ${doc.name}: a row of another relay cannot be applied, skipped`, err);
        continue;
      }
      if (doc.conns.size > 0) this.broadcast(doc, syncUpdateMessage(part), SERVER_ORIGIN);
    }
    // The doc's facts (owners, event ids, the case index) are built again from its content on the next inspection.
    forgetFacts(doc.ydoc);
    doc.receiptsTail = null;
    doc.seq = since.seq;
    doc.rows += since.updates.length;
    doc.rowBytes += since.updates.reduce((n, u) => n + u.data.byteLength, 0);
    this.changed(doc);
  }

  /** Shared store: another relay committed `seq` of doc `name` (its notification). Catch up soon if loaded. */
  remoteUpdate(name: string, seq: number): void {
    const doc = this.docs.get(name);
    if (!doc || seq <= doc.seq || doc.catchUpQueued) return;
    doc.catchUpQueued = true;
    setImmediate(() => {
      doc.catchUpQueued = false;
      this.catchUp(doc);
    });
  }

  /** Shared store, the backstop for lost notifications: catch up every loaded doc the store holds more of. */
  pollRemote(): void {
    if (!this.opts.store.shared || this.docs.size === 0) return;
    let heads;
    try {
      heads = this.opts.store.heads([...this.docs.keys()]);
    } catch (err) {
      this.opts.log.error('polling the store for other relays\' rows failed', err);
      return;
    }
    for (const [name, seq] of heads) {
      const doc = this.docs.get(name);
      if (doc && seq > doc.seq) this.catchUp(doc);
    }
  }

  /** Whether an update carries structs of another relay past what the doc holds (shared store). */
  private aheadOfPeers(doc: LoadedDoc, decoded: ReturnType<typeof Y.decodeUpdate>): boolean {
    const peers = this.opts.peerClients;
    if (!this.opts.store.shared || !peers || peers.size === 0) return false;
    for (const st of decoded.structs) {
      if (peers.has(st.id.client) && st.id.clock + st.length > Y.getState(doc.ydoc.store, st.id.client)) return true;
    }
    return false;
  }

  /**
   * The batch's commit failed: none of it is stored. Its docs are read again from the store; every connection
   * with a message in it is treated as after a failed write (`storeFull` on a full disk, else closed with 1011):
   * it gets none of its answers, and its device keeps its changes as unsaved and sends them again.
   */
  private batchFailed(batch: Batch, err: unknown): void {
    for (const doc of batch.docs) this.reloadInPlace(doc);
    const conns = new Set(batch.out.map((o) => o.conn));
    if (isStoreFull(err)) {
      this.storeFull(conns, batch.accepted.length, err);
      return;
    }
    this.opts.log.error(`a batch of ${batch.accepted.length} update(s) could not be committed; nothing of it was stored`, err);
    for (const conn of conns) if (conn.doc.conns.has(conn)) this.closeConn(conn, CLOSE_INTERNAL, 'internal error');
  }

  /**
   * Everything that follows an update once it is durable and applied: the peers get update and receipts as one
   * message, the author only the receipts (it has the rest); the clock, the logs and the listeners.
   */
  private afterDurable(a: Accepted): void {
    const { doc, verdict, origin } = a;
    doc.rows++;
    doc.rowBytes += a.stored.byteLength;
    for (const e of a.allEvents) this.opts.observe?.(e.at);
    const returned = verdict.returned;
    if (returned) {
      const by = origin === SERVER_ORIGIN ? 'the relay' : origin.user.id;
      const others = new Set(returned.events.map((e) => e.actor).filter((x) => x !== by));
      this.opts.log.info(
        `doc ${doc.name}: ${by} brought back ${returned.events.length} events and ${returned.receipts.length} receipts lost by the restore` +
          (others.size ? ` (events of ${[...others].slice(0, 5).join(', ')}${others.size > 5 ? ', ...' : ''})` : ''),
      );
      this.events.emit('returned', doc.name, returned.events.length, returned.receipts.length);
    }
    if (this.docs.get(doc.name) === doc) {
      // Encoded once for all peers (a multiplexed socket adds its channel in front).
      if (doc.conns.size > (origin !== SERVER_ORIGIN && doc.conns.has(origin) ? 1 : 0)) this.broadcast(doc, syncUpdateMessage(a.stored), origin);
      if (a.receipts && origin !== SERVER_ORIGIN && doc.conns.has(origin)) this.send(origin, syncUpdateMessage(a.receipts));
    }
    if (verdict.changes && origin !== SERVER_ORIGIN) {
      try {
        this.opts.onReferenceChanges?.(origin.user, verdict.changes, origin.sock.from);
      } catch (err) {
        this.opts.log.error(`doc ${doc.name}: reference change listener failed`, err);
      }
    }
    if (verdict.events.length > 0) {
      try {
        this.events.emit('accepted', doc.name, verdict.events);
      } catch (err) {
        this.opts.log.error(`doc ${doc.name}: accepted listener failed`, err);
      }
    }
  }

  /**
   * A doc took durable updates: its listener (the app rebuilds its org view from `org`), compaction. `sent`: what
   * the updates send is already out (a committed batch), so a compaction due runs now, as a queued one would
   * (`queueCompact`: after the ACKs, before the next messages are read); otherwise it is queued.
   */
  private changed(doc: LoadedDoc, sent = false): void {
    if (this.docs.get(doc.name) !== doc) return;
    if (doc.kind.kind === 'mediation') this.recheckDisputes(doc);
    try {
      this.opts.onDocChanged?.(doc.name, doc.ydoc);
    } catch (err) {
      this.opts.log.error(`doc ${doc.name}: change listener failed`, err);
    }
    if (!this.compactDue(doc)) return;
    if (sent && !doc.compactQueued) this.compact(doc);
    else this.queueCompact(doc);
  }

  /**
   * A write of the relay itself (HTTP API): durable first (one row, at once), then memory and peers. Throws when the
   * store fails: nothing was applied then. The caller flushed the open batch before it read the doc.
   */
  private commitNow(doc: LoadedDoc, update: Uint8Array, verdict: Extract<Verdict, { ok: true }>): void {
    const a = this.prepare(doc, update, verdict, SERVER_ORIGIN);
    if (this.opts.store.shared) a.row.seq = doc.seq + 1;
    doc.seq = Math.max(doc.seq, this.opts.store.appendUpdates([a.row])[0]!);
    try {
      this.applyInMemory(a);
    } catch (err) {
      // Durable but not applied: memory no longer matches the store. Drop the doc; clients reconnect and
      // resync from a fresh load (which skips a part it cannot apply, see `readStored`).
      this.opts.log.error(`doc ${doc.name}: a committed update cannot be applied; reloading the doc`, err);
      this.discard(doc);
      return;
    }
    this.afterDurable(a);
    this.changed(doc);
  }

  /**
   * A write of the relay itself (HTTP API) to doc `name`: `make` builds the update from the doc as it is and judges
   * it; a novel accepted one is committed at once (`commitNow`). Shared store: when another relay committed to the
   * doc first (a seq conflict), read its rows and build and judge the write again (at most MAX_REJUDGE times).
   */
  private async writeAsRelay(name: string, make: (doc: LoadedDoc) => { update: Uint8Array; verdict: Verdict }): Promise<Verdict> {
    const doc = await this.acquire(name);
    try {
      for (let attempt = 0; ; attempt++) {
        this.flushFor(doc);
        const { update, verdict } = make(doc);
        try {
          if (verdict.ok && verdict.novel) this.commitNow(doc, update, verdict);
          return verdict;
        } catch (err) {
          if (!this.opts.store.shared || !isSeqConflict(err) || attempt >= MAX_REJUDGE) throw err;
          this.catchUp(doc);
        }
      }
    } finally {
      this.release(doc);
    }
  }

  /**
   * Append events as the relay (HTTP API), through the same inspection as a client's update, with `user` as the
   * author. Resolves once the events are durable, applied and broadcast.
   */
  appendEvents(name: string, events: readonly CaseEvent[], user: UserInfo): Promise<Verdict> {
    return this.writeAsRelay(name, (doc) => {
      const update = encodeAppend(doc.ydoc, this.opts.serverClientId, EVENTS_ARRAY, events);
      return { update, verdict: inspectUpdate(doc.ydoc, Y.decodeUpdate(update), doc.kind, user, 'write', { ...this.inspectOptions(), asRelay: true }) };
    });
  }

  /**
   * The org doc's directory with `users` set, written by the relay: a copy of the doc writes the entries with the
   * relay's client id (set after the copy is loaded: Yjs would pick a new id when an applied update already carries
   * its own); the diff is the update, judged with `actor` as the author.
   */
  private orgUsersUpdate(doc: LoadedDoc, users: readonly UserInfo[], actor: UserInfo): { update: Uint8Array; verdict: Verdict } {
    const scratch = new Y.Doc();
    try {
      Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc.ydoc));
      scratch.clientID = this.opts.serverClientId;
      const before = Y.encodeStateVector(scratch);
      const map = scratch.getMap('users');
      scratch.transact(() => {
        for (const u of users) map.set(u.id, { ...u });
      });
      const update = Y.encodeStateAsUpdate(scratch, before);
      return { update, verdict: inspectUpdate(doc.ydoc, Y.decodeUpdate(update), doc.kind, actor, 'write', { ...this.inspectOptions(), asRelay: true }) };
    } finally {
      scratch.destroy();
    }
  }

  /**
   * Put one user in the org doc's directory as the relay (issue 13: a resident who signed up), through the same
   * inspection, commit and broadcast as any write: connected staff see the name at once. Resolves once durable.
   */
  putOrgUser(user: UserInfo): Promise<Verdict> {
    return this.writeAsRelay(ORG_DOC, (doc) => this.orgUsersUpdate(doc, [user], user));
  }

  /**
   * Put many users in the org doc's directory as ONE update (issue 15: a bulk import of thousands of staff), through
   * the same inspection, commit and broadcast as putOrgUser. `actor`: who asked (the importer). Resolves once durable.
   */
  putOrgUsers(users: readonly UserInfo[], actor: UserInfo): Promise<Verdict> {
    return this.writeAsRelay(ORG_DOC, (doc) => this.orgUsersUpdate(doc, users, actor));
  }

  /**
   * The store could not commit devices' updates (`updates` of them): the disk of DATA_DIR is full. Nothing of them
   * was stored, acknowledged or sent to anyone, so each device keeps them as unsaved. Not REFUSED (the app would set
   * its events aside) and not closed at once (it would reconnect and resend several times a second): each
   * connection ignores its further updates (they depend on the ones that failed) and is closed after
   * STORE_FULL_CLOSE_MS with 1013 (try again later), so the device catches up about twice a minute until there is
   * room. Logged once (store.noteFull).
   */
  private storeFull(conns: Iterable<Conn>, updates: number, err: unknown): void {
    let refused: number | null = null;
    for (let i = 0; i < Math.max(1, updates); i++) refused = this.opts.store.noteFull(this.now()) ?? refused;
    if (refused !== null) this.opts.log.error(`the store cannot write: the disk of DATA_DIR is full; ${refused} update(s) not saved`, err);
    for (const conn of conns) {
      if (conn.stalled) continue;
      conn.stalled = true;
      setTimeout(() => this.closeConn(conn, CLOSE_TRY_AGAIN, 'store full: try again later'), STORE_FULL_CLOSE_MS).unref();
    }
  }

  /** The receipts of newly accepted case events, as an update of the relay's own client (null: nothing to write). */
  private receiptUpdate(doc: LoadedDoc, update: Uint8Array, events: readonly CaseEvent[], floor: number | undefined, origin: unknown): { update: Uint8Array; values: Receipt[] } | null {
    const org = this.opts.org?.();
    if (!org || doc.kind.kind !== 'cases' || events.length === 0) return null;
    const rx = this.now();
    const signer = this.opts.receipts;
    const receipts = events.map((e) => (signer ? signer.sign(makeReceipt(e, org, rx, floor), e) : makeReceipt(e, org, rx, floor)));
    // An update made by the relay itself (HTTP API) already uses the next clocks of the relay's client.
    const own = origin === SERVER_ORIGIN ? (Y.parseUpdateMeta(update).to.get(this.opts.serverClientId) ?? 0) : 0;
    const clock = Math.max(own, Y.getState(doc.ydoc.store, this.opts.serverClientId));
    const { update: out, last } = encodeAppendFrom(doc.ydoc, this.opts.serverClientId, RECEIPTS_ARRAY, receipts, clock, doc.receiptsTail);
    doc.receiptsTail = last;
    return { update: out, values: receipts };
  }

  /** A message to every connection of the doc but `except`: framed once per channel id (wsframe.ts). */
  private broadcast(doc: LoadedDoc, msg: Uint8Array, except: unknown): void {
    const framed = new Map<number, Framed>();
    for (const conn of doc.conns) {
      if (conn === except) continue;
      let f = framed.get(conn.channel);
      if (!f) framed.set(conn.channel, (f = frameMessage(msg, conn.channel)));
      this.sendFramed(conn.sock, f);
    }
  }

  private broadcastAwareness(doc: LoadedDoc, changes: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void {
    const { added, updated, removed } = changes;
    if (origin && typeof origin === 'object' && 'awarenessIds' in origin) {
      const conn = origin as Conn;
      for (const id of added) conn.awarenessIds.add(id);
      for (const id of removed) conn.awarenessIds.delete(id);
    }
    if (doc.conns.size > 0) {
      this.broadcast(doc, awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(doc.awareness, [...added, ...updated, ...removed])), null);
    }
    // Removed clients' clocks are not kept: fresh client ids must not grow the doc's memory (issue 10). Their ids
    // are, a bounded number: devices echo the removal back (echoOnly).
    for (const id of removed) {
      if (doc.awareness.getStates().has(id)) continue;
      doc.awareness.meta.delete(id);
      doc.goneAwareness.delete(id);
      doc.goneAwareness.add(id);
      if (doc.goneAwareness.size > GONE_AWARENESS) doc.goneAwareness.delete(doc.goneAwareness.values().next().value!);
    }
  }

  /**
   * The part of a connection's awareness update the relay keeps and fans out (an update of its own encoding), or
   * null. Dropped: the whole message over the connection's rate; entries over awarenessMaxBytes; changes to a
   * client another connection announced; new clients past AWARENESS_IDS_PER_CONN or awarenessMaxStates per doc
   * (refused, nothing evicted). Over-rate and oversized messages are strikes; too many close the connection (4429).
   */
  private admitAwareness(conn: Conn, update: Uint8Array): Uint8Array | null {
    const states = conn.doc.awareness.getStates();
    // y-websocket sends every awareness change it receives back to the relay, other clients' too: a message made
    // only of those echoes is dropped without costing the rate or a strike (it still costs the socket's and user's
    // message budgets). Otherwise presence flooded by one insider got honest devices closed with 4429 (issue 16).
    if (echoOnly(update, conn.awarenessIds, states, conn.doc.goneAwareness)) return null;
    if (!conn.awarenessBudget.tryTake()) {
      this.awarenessStrike(conn, 'awareness too frequent');
      return null;
    }
    const dec = decoding.createDecoder(update);
    const n = decodeStep(() => decoding.readVarUint(dec), 'bad awareness update');
    const kept: Array<[id: number, clock: number, json: string]> = [];
    let fresh = 0;
    let oversized = false;
    for (let i = 0; i < n; i++) {
      const [id, clock, json] = decodeStep(
        () => [decoding.readVarUint(dec), decoding.readVarUint(dec), decoding.readVarString(dec)] as const,
        'bad awareness update',
      );
      if (json !== 'null' && Buffer.byteLength(json) > this.limits.awarenessMaxBytes) {
        oversized = true;
        continue;
      }
      if (!conn.awarenessIds.has(id)) {
        // Another connection's client, or a removal of nothing this connection announced.
        if (states.has(id) || json === 'null') continue;
        if (conn.awarenessIds.size + fresh >= AWARENESS_IDS_PER_CONN || states.size + fresh >= this.limits.awarenessMaxStates) continue;
        fresh++;
      }
      kept.push([id, clock, json]);
    }
    expectEnd(dec);
    if (oversized) this.awarenessStrike(conn, `awareness state over ${this.limits.awarenessMaxBytes} bytes`);
    if (kept.length === 0) return null;
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, kept.length);
    for (const [id, clock, json] of kept) {
      encoding.writeVarUint(enc, id);
      encoding.writeVarUint(enc, clock);
      encoding.writeVarString(enc, json);
    }
    return encoding.toUint8Array(enc);
  }

  /** A dropped awareness message; past AWARENESS_STRIKES of them the connection is closed with 4429. */
  private awarenessStrike(conn: Conn, why: string): void {
    this.events.emit('awarenessDropped', conn.user.id, why);
    if (conn.strikes.tryTake()) return;
    this.opts.log.warn(`doc ${conn.doc.name}: ${conn.user.id} closed: ${why}, repeatedly`);
    if (!conn.doc.conns.has(conn)) return;
    if (conn.channel) this.closeConn(conn, CLOSE_ABUSE, why);
    else this.closeSock(conn.sock, CLOSE_ABUSE, why);
  }

  /** A doc message to one connection (prefixed with its channel on a multiplexed socket). */
  private send(conn: Conn, msg: Uint8Array): void {
    this.sendFramed(conn.sock, frameMessage(msg, conn.channel));
  }

  private sendRaw(sock: Sock, msg: Uint8Array): void {
    this.sendFramed(sock, frameMessage(msg));
  }

  /**
   * Send a message: its prebuilt frame straight to the socket when ws lets it (wsframe.ts), else through ws. No
   * callback per message (it cost an allocation and a call per delivery): a socket past a quarter of
   * wsMaxBufferedBytes is watched by a timer instead (`watchDrain`).
   */
  private sendFramed(sock: Sock, m: Framed): void {
    const ws = sock.ws;
    if (ws.readyState !== WebSocket.OPEN) return;
    const max = this.limits.wsMaxBufferedBytes;
    const bytes = m.payload.byteLength;
    if (ws.bufferedAmount + bytes > max) return this.closeSlowReader(sock);
    // A reply to the socket's own request costs its budget (a sync step 2 of a big doc, an awareness query).
    if (sock === this.replyingTo) this.charge(sock, 0, bytes);
    if (this.corked) {
      if (m.frame) {
        const frames = this.corked.get(sock);
        if (frames) frames.push(m);
        else this.corked.set(sock, [m]);
        return;
      }
      // ws sends this one itself: what waits for the socket goes first.
      this.uncorkSock(sock);
    }
    if (!m.frame || !writeFrame(ws, m.frame)) ws.send(m.payload);
    this.writes++;
    this.checkBuffered(sock);
  }

  /** Write what a burst's deliveries left for a socket: one buffer when ws lets it, else each message through ws. */
  private writeCorked(sock: Sock, frames: Framed[]): void {
    const ws = sock.ws;
    if (ws.readyState !== WebSocket.OPEN) return;
    const whole = frames.length === 1 ? frames[0]!.frame! : Buffer.concat(frames.map((f) => f.frame!));
    if (writeFrame(ws, whole)) this.writes++;
    else {
      for (const f of frames) ws.send(f.payload);
      this.writes += frames.length;
    }
    this.checkBuffered(sock);
  }

  /** Send what is corked for `sock` now (before ws writes to it: a large message, a close frame). */
  private uncorkSock(sock: Sock): void {
    const frames = this.corked?.get(sock);
    if (!frames) return;
    this.corked!.delete(sock);
    this.writeCorked(sock, frames);
  }

  /** No new requests from a socket that does not read the answers; it must drain in time or go. */
  private checkBuffered(sock: Sock): void {
    if (!sock.drainTimer && sock.ws.bufferedAmount > this.limits.wsMaxBufferedBytes / 4) {
      sock.ws.pause();
      this.watchDrain(sock, performance.now());
    }
  }

  /**
   * A paused slow reader: every DRAIN_POLL_MS, read it again once at most an eighth of wsMaxBufferedBytes waits
   * unsent to it; close it if that has not happened within wsDrainTimeoutMs. Runs from a timer, never inside a send
   * (reading again handles held messages, which may broadcast).
   */
  private watchDrain(sock: Sock, since: number): void {
    sock.drainTimer = setTimeout(() => {
      sock.drainTimer = null;
      const ws = sock.ws;
      if (ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount <= this.limits.wsMaxBufferedBytes / 8) return this.handleHeld(sock);
      if (performance.now() - since >= this.limits.wsDrainTimeoutMs) return this.closeSlowReader(sock);
      this.watchDrain(sock, since);
    }, Math.min(DRAIN_POLL_MS, this.limits.wsDrainTimeoutMs));
  }

  /** Close a socket that does not read what it is sent, with a code that says so (the client may resync). */
  private closeSlowReader(sock: Sock): void {
    const ws = sock.ws;
    if (ws.readyState !== WebSocket.OPEN) return;
    this.opts.log.warn(`${sock.user.id} reads too slowly (${ws.bufferedAmount} bytes unsent), closed with ${CLOSE_SLOW_READER}`);
    this.events.emit('slowReader', sock.user.id, ws.bufferedAmount);
    // The close frame queues behind the unsent data; ws destroys the socket if it is not out within 30 s.
    this.closeSock(sock, CLOSE_SLOW_READER, 'reads too slowly');
  }

  /** Close a socket with a code; reading resumes so that the client's closing handshake is read. */
  private closeSock(sock: Sock, code: number, reason: string): void {
    this.uncorkSock(sock);
    for (const t of [sock.throttle, sock.drainTimer]) if (t) clearTimeout(t);
    sock.throttle = null;
    sock.drainTimer = null;
    sock.ws.close(code, closeReason(reason));
    sock.ws.resume();
  }

  /** Take a message's cost from the socket's and the user's budgets; in debt, stop reading it until paid. */
  private charge(sock: Sock, msgs: number, bytes: number): void {
    const user = this.userBudgets.get(sock.user.id);
    const wait = Math.max(
      msgs ? sock.budget.msgs.take(msgs) : 0,
      bytes ? sock.budget.bytes.take(bytes) : 0,
      user && msgs ? user.msgs.take(msgs) : 0,
      user && bytes ? user.bytes.take(bytes) : 0,
    );
    if (wait <= 0 || sock.throttle || sock.ws.readyState !== WebSocket.OPEN) return;
    sock.ws.pause();
    this.holdFor(sock, wait, user);
  }

  private holdFor(sock: Sock, ms: number, user: Budget | undefined): void {
    sock.throttle = setTimeout(() => {
      sock.throttle = null;
      if (sock.ws.readyState !== WebSocket.OPEN) return;
      // Another socket of the user may have spent the user's budget meanwhile: wait again.
      const left = Math.max(sock.budget.msgs.take(0), sock.budget.bytes.take(0), user?.msgs.take(0) ?? 0, user?.bytes.take(0) ?? 0);
      if (left > 0) this.holdFor(sock, left, user);
      else this.handleHeld(sock);
    }, ms);
  }

  private resumeReading(sock: Sock): void {
    if (sock.throttle || sock.drainTimer || sock.held.length > 0 || sock.ws.readyState !== WebSocket.OPEN) return;
    sock.ws.resume();
  }

  /**
   * Close the socket at its token's expiry (4401: the app renews its token and reconnects). The timer stays ref'd:
   * Node keeps a list per timer duration, and drops the list of a cleared timer only if it was ref'd; an unref'd
   * one's list stays until its duration has passed, so every closed socket (each with an expiry of its own, hours
   * away) would leave one behind for up to the token's lifetime. The socket's close clears it.
   */
  private armExpiry(sock: Sock): void {
    if (sock.expMs === null) return;
    const left = sock.expMs - this.now();
    if (this.expireIfDue(sock)) return;
    sock.expiryTimer = setTimeout(() => {
      sock.expiryTimer = null;
      this.armExpiry(sock);
    }, Math.min(left, 2 ** 31 - 1));
  }

  private expireIfDue(sock: Sock): boolean {
    if (sock.expMs === null || this.now() < sock.expMs) return false;
    if (sock.ws.readyState === WebSocket.OPEN) {
      this.opts.log.info(`connection of ${sock.user.id}: token expired, closed with ${CLOSE_TOKEN_EXPIRED}`);
      this.closeSock(sock, CLOSE_TOKEN_EXPIRED, 'token expired');
    }
    return true;
  }

  /**
   * Issue 15, revocation: close every socket of `userId` with 4401 (as an expired token), at once. Its devices then
   * find their token refused at the next upgrade (disabled, role or scope changed, password reset) and stop syncing
   * until their user signs in again. Returns how many sockets were closed.
   */
  closeUser(userId: string, reason: string): number {
    let n = 0;
    for (const sock of this.socks) {
      if (sock.user.id !== userId || sock.ws.readyState !== WebSocket.OPEN) continue;
      this.closeSock(sock, CLOSE_TOKEN_EXPIRED, reason);
      n++;
    }
    if (n) this.opts.log.info(`connections of ${userId}: ${n} closed with ${CLOSE_TOKEN_EXPIRED} (${reason})`);
    return n;
  }

  /**
   * Issue 16, several relays: another relay changed accounts (store.ts ACCOUNTS_CHANNEL), so each live socket of
   * `userIds` (null: of everyone) has its token checked against the store again, as at the upgrade; one refused is
   * closed with 4401, as `closeUser` closes it on the relay where the change was made. Returns how many were closed.
   */
  async recheckUsers(userIds: ReadonlySet<string> | null): Promise<number> {
    const verdicts = new Map<string, Promise<UserInfo | null>>();
    const socks = [...this.socks].filter((s) => (!userIds || userIds.has(s.user.id)) && s.ws.readyState === WebSocket.OPEN);
    let n = 0;
    for (const sock of socks) {
      let verdict = verdicts.get(sock.token);
      if (!verdict) verdicts.set(sock.token, (verdict = this.opts.authenticate(sock.token, sock.from)));
      if ((await verdict) || sock.ws.readyState !== WebSocket.OPEN) continue;
      this.closeSock(sock, CLOSE_TOKEN_EXPIRED, 'account changed');
      n++;
    }
    if (n) this.opts.log.info(`${n} connections closed with ${CLOSE_TOKEN_EXPIRED}: their accounts changed on another relay`);
    return n;
  }

  private ping(): void {
    for (const sock of this.socks) {
      // Not read by us on purpose (over budget, or waiting for it to drain): its pong may wait; drainTimer decides.
      if (sock.throttle || sock.drainTimer) continue;
      if (!sock.alive) {
        sock.ws.terminate();
        continue;
      }
      sock.alive = false;
      try {
        sock.ws.ping();
      } catch {
        sock.ws.terminate();
      }
    }
  }

  // ---------------------------------------------------------------- shutdown

  /** Close every connection (1001, clients reconnect), compact and drop every doc. Writes are already durable. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flushBatch();
    clearInterval(this.pingTimer);
    clearInterval(this.contactTimer);
    const sockets = [...this.socks].map((s) => s.ws);
    await Promise.all(
      sockets.map(
        (ws) =>
          new Promise<void>((done) => {
            if (ws.readyState === WebSocket.CLOSED) return done();
            const timer = setTimeout(() => ws.terminate(), 1000);
            ws.once('close', () => {
              clearTimeout(timer);
              done();
            });
            ws.close(CLOSE_GOING_AWAY, 'relay shutting down');
          }),
      ),
    );
    await Promise.allSettled([...this.loading.values()]);
    for (const doc of [...this.docs.values()]) {
      this.clearIdle(doc);
      doc.conns.clear();
      doc.holds = 0;
      this.unload(doc);
    }
    this.wss.close();
    this.persistContacts();
  }
}

// ------------------------------------------------------------------ encoding helpers

/** Sockets the websocket handshake was written to: an error after it must not answer with HTTP. */
const upgraded = new WeakSet<Duplex>();

function rawLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.byteLength, 0);
  return data.byteLength;
}

/** `exp` of a verified JWT in ms (the token was verified by `authenticate`; this only schedules the close). */
export function tokenExpiryMs(token: string): number | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' && Number.isFinite(payload.exp) ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * The awareness update only carries clients another connection holds or that were removed lately (an echo); false
 * when it cannot be read.
 */
function echoOnly(update: Uint8Array, own: ReadonlySet<number>, states: ReadonlyMap<number, unknown>, gone: ReadonlySet<number>): boolean {
  try {
    const dec = decoding.createDecoder(update);
    const n = decoding.readVarUint(dec);
    if (n === 0) return false;
    for (let i = 0; i < n; i++) {
      const id = decoding.readVarUint(dec);
      decoding.readVarUint(dec);
      decoding.readVarString(dec);
      if (own.has(id) || !(states.has(id) || gone.has(id))) return false;
    }
    return !decoding.hasContent(dec);
  } catch {
    return false;
  }
}

function decodeStep<T>(fn: () => T, what: string): T {
  try {
    return fn();
  } catch (err) {
    throw new Malformed(`${what}${err instanceof Error && err.message ? ` (${err.message})` : ''}`);
  }
}

function expectEnd(dec: decoding.Decoder): void {
  if (decoding.hasContent(dec)) throw new Malformed('trailing bytes after message');
}

/** Close reasons are limited to 123 bytes (RFC 6455). */
function closeReason(text: string): string {
  let out = text;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
}

function syncUpdateMessage(update: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MSG_SYNC);
  syncProtocol.writeUpdate(enc, update);
  return encoding.toUint8Array(enc);
}

function ackMessage(ydoc: Y.Doc): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MSG_ACK);
  encoding.writeVarUint8Array(enc, Y.encodeStateVector(ydoc));
  return encoding.toUint8Array(enc);
}

function refusedMessage(code: string, detail: string): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MSG_REFUSED);
  encoding.writeVarString(enc, code);
  encoding.writeVarString(enc, detail);
  return encoding.toUint8Array(enc);
}

function awarenessMessage(update: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MSG_AWARENESS);
  encoding.writeVarUint8Array(enc, update);
  return encoding.toUint8Array(enc);
}

/**
 * `Y.mergeUpdates([update, receipts])` without decoding and re-encoding the update, for the common case: an update
 * of ONE client (`client`, not the receipts' client) with an empty delete set (cases docs delete nothing), and
 * `receipts` as `encodeAppendFrom` writes it (one block of one client, empty delete set). Null otherwise: the
 * caller merges with Yjs. A V1 update is a count of client blocks, the blocks in DEcreasing client order (as Yjs
 * writes them; `Y.mergeUpdates`, which compaction uses, relies on that order and drops structs without it), then
 * the delete set. So the merge is: 2, the two blocks by decreasing client, 0. In the profile of issue 16 the Yjs
 * merge (every event's JSON read and written again) took about as long as inspecting the update.
 */
export function withReceipts(update: Uint8Array, receipts: Uint8Array, client: number, receiptsClient: number): Uint8Array | null {
  if (client === receiptsClient || update.length < 3 || update[0] !== 1 || update[update.length - 1] !== 0) return null;
  if (receipts.length < 3 || receipts[0] !== 1 || receipts[receipts.length - 1] !== 0) return null;
  const own = update.subarray(1, update.length - 1);
  const theirs = receipts.subarray(1, receipts.length - 1);
  const out = new Uint8Array(2 + own.length + theirs.length);
  out[0] = 2;
  out.set(receiptsClient > client ? theirs : own, 1);
  out.set(receiptsClient > client ? own : theirs, 1 + (receiptsClient > client ? theirs : own).length);
  out[out.length - 1] = 0;
  return out;
}

/**
 * A Yjs update (V1) that appends `values` to one of the doc's root arrays as one item of `clientId`, without
 * touching the doc: the relay must commit an update before it applies it. It is what `arr.push(values)` by that
 * client would produce: the item's left origin is the array's current last item. `clock`: the item's first clock
 * (default: the client's next one in the doc).
 */
export function encodeAppend(ydoc: Y.Doc, clientId: number, array: string, values: readonly unknown[], clock = Y.getState(ydoc.store, clientId)): Uint8Array {
  return encodeAppendFrom(ydoc, clientId, array, values, clock, null).update;
}

/** `encodeAppend` walking to the array's end from `from` (an item of that array) instead of its start. */
function encodeAppendFrom(ydoc: Y.Doc, clientId: number, array: string, values: readonly unknown[], clock: number, from: Y.Item | null): { update: Uint8Array; last: Y.Item | null } {
  const arr = ydoc.getArray(array);
  let last: Y.Item | null = null;
  for (let item = from ?? arr._start; item !== null; item = item.right) last = item;
  const origin = last ? last.lastId : null;
  const item = new Y.Item(
    Y.createID(clientId, clock),
    null,
    origin,
    null,
    null,
    (origin ? null : array) as unknown as Y.AbstractType<unknown>,
    null,
    new Y.ContentAny([...values]),
  );
  const enc = new Y.UpdateEncoderV1();
  encoding.writeVarUint(enc.restEncoder, 1); // clients
  encoding.writeVarUint(enc.restEncoder, 1); // structs of this client
  enc.writeClient(clientId);
  encoding.writeVarUint(enc.restEncoder, clock);
  item.write(enc, 0);
  encoding.writeVarUint(enc.restEncoder, 0); // empty delete set
  return { update: enc.toUint8Array(), last };
}

/** Answer a refused upgrade with a plain HTTP response and close the socket once it is written. */
function rejectUpgrade(socket: Duplex, status: number, code: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: code });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      '\r\n' +
      body,
  );
}
