/**
 * A seeded fuzzer of the relay (issue 16, section 4): random and mutated websocket frames (single-doc and
 * multiplexed sockets) and HTTP bodies, sent by signed-in accounts of several roles (every insider is a possible
 * attacker) to a live relay for a bounded time, next to honest devices that must keep syncing. One copy, used by
 * `tests/integration/relay-fuzz.test.ts` (about 20 s in `npm test`) and the `fuzz` group of `npm run bench`
 * (minutes).
 *
 * What it observes, and what the callers assert:
 *  - crashes: the relay runs in this process, so an exception that escapes it fails the run; besides, every
 *    `log.error` of the relay is a finding (an internal error: a 1011, a 500, a stored part that cannot be applied),
 *    and /healthz and a fresh honest sync must answer after the run;
 *  - "never stores a refused byte": `Probe` wraps the relay's handling of each incoming update and the store's
 *    append: an update the relay refused (its `refused` event) must not have appended a row nor changed the doc's
 *    row count; after the run, every stored doc must load without pending structs and equal the relay's doc in
 *    memory, and hold only events that parse, with unique ids and one report per case (`checkStore`);
 *  - HTTP: never a 5xx except 503 and 507, every error of /api a JSON `{"error": "<code>"}` (Open311: its JSON list);
 *  - honest devices: every event acknowledged while the fuzz runs, never refused, and seen by a fresh reader;
 *  - memory: heap after a full GC (when it can be had: `gcFunction`) and RSS, sampled each second after a warm-up;
 *    the growth and the RSS slope (MB/min) are reported; callers bound them generously (shared, noisy machines).
 * Every random choice comes from the seed (src/domain/ids.ts seededRandom); the interleaving with the relay's own
 * timing does not, so a seed reproduces the same frames in the same order, not necessarily the same verdicts.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import type { Logger } from '../../server/log.ts';
import { storedParts } from '../../server/store.ts';
import { EVENT_TYPES, parseEvent, type CaseEvent } from '../../src/domain/events.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId, seededRandom } from '../../src/domain/ids.ts';
import { parsePartyEvent, PARTY_EVENT_TYPES } from '../../src/domain/party.ts';
import { parsePeopleEvent, PEOPLE_EVENT_TYPES } from '../../src/domain/people.ts';
import { parseTrainingEvent } from '../../src/domain/training.ts';
import { parseAnswerEvent, parseTaskEvent } from '../../src/domain/towntasks.ts';
import { parseCareEvent } from '../../src/domain/care.ts';
import { parsePatrolEvent } from '../../src/domain/patrols.ts';
import { parseDetailEvent, parseSummaryEvent } from '../../src/domain/mediation.ts';
import type { UserInfo } from '../../src/domain/org.ts';
import { roleMayEver } from '../../src/domain/workflow.ts';
import {
  EVENTS_ARRAY,
  MSG_ACK,
  MSG_AWARENESS,
  MSG_QUERY_AWARENESS,
  MSG_REFUSED,
  MSG_SYNC,
  MUX_CLOSE,
  MUX_CLOSED,
  MUX_CONTROL,
  MUX_OPEN,
  MUX_OPENED,
  MUX_REJECTED,
  RECEIPTS_ARRAY,
  muxControl,
  muxFrame,
} from '../../src/protocol/wire.ts';
import { ORG_COLLECTIONS } from '../../src/domain/org.ts';
import { DATA } from '../unit/domain/fixture.ts';
import { Actor, casesDoc, login, recordEvent, SyncClient, USERS, type TestServer } from '../integration/relay-harness.ts';

// ------------------------------------------------------------------ options and report

export interface FuzzOptions {
  seed: number;
  /** How long frames and bodies are sent (ms), warm-up included. */
  durationMs: number;
  /**
   * Past durationMs, keep going (at most until maxDurationMs) until this holds of the report: on a loaded machine
   * the same time sends fewer frames, and a test's coverage checks must not depend on the machine's load.
   */
  enough?: (report: FuzzReport) => boolean;
  maxDurationMs?: number;
  /** Memory is measured from the end of the warm-up (ms after the start). */
  warmupMs: number;
  /** Fuzzing sockets open at once (default 8). */
  sockets?: number;
  /** HTTP requests in flight at once (default 2). */
  httpConcurrency?: number;
  log?: (m: string) => void;
}

export interface MemorySample {
  /** ms since the fuzz started. */
  t: number;
  rssMb: number;
  heapMb: number;
}

export interface FuzzReport {
  seed: number;
  seconds: number;
  frames: { single: number; mux: number; mutated: number; bytes: number };
  sockets: { opened: number; upgradeRefused: Record<string, number>; closed: Record<string, number> };
  /** REFUSED messages received by the fuzzing sockets, by code. */
  refusedByCode: Record<string, number>;
  /** Mux channels: OPENED, REJECTED by status, CLOSED by code. */
  channels: { opened: number; rejected: Record<string, number>; closed: Record<string, number> };
  /** Updates the relay inspected (Probe): accepted with a new row, refused, already known. */
  updates: { accepted: number; refused: number; noop: number };
  http: { requests: number; byStatus: Record<string, number>; resets: number };
  honest: { events: number; ackP50Ms: number; ackP99Ms: number; ackMaxMs: number };
  memory: { gc: boolean; warmHeapMb: number; endHeapMb: number; warmRssMb: number; endRssMb: number; rssSlopeMbPerMin: number; samples: MemorySample[] };
  /** Everything that broke a rule; empty when the relay held. */
  violations: string[];
}

// ------------------------------------------------------------------ the relay's own observations

/** A logger that counts the relay's errors (each one a finding under fuzzing) and keeps the first few. */
export function countingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return {
    errors,
    info: () => {},
    warn: () => {},
    error: (msg, err) => {
      if (errors.length < 50) errors.push(`${msg}${err ? `: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` : ''}`);
      else errors.push(msg);
    },
  };
}

interface ProbeConn {
  doc: { name: string };
  user: { id: string };
}
type ReceiveUpdate = (conn: ProbeConn, update: Uint8Array, decoded: unknown) => void;

/**
 * Watches the relay's handling of incoming updates (a test-only wrap of the private `receiveUpdate` and `stage`, and
 * of the store's `appendUpdates`): the handling is synchronous, so whatever is staged or appended between its start
 * and its end is that update's doing. With group commit (relay.ts) an accepted update is staged there and its row
 * is appended when the burst commits (later, or at once); a refused update must stage nothing and leave the store
 * as it was. Every row appended must decode.
 */
export class Probe {
  accepted = 0;
  refused = 0;
  noop = 0;
  appends = 0;
  violations: string[] = [];
  private readonly undo: Array<() => void> = [];

  constructor(private readonly server: TestServer) {
    const relay = server.relay as unknown as { receiveUpdate: ReceiveUpdate; stage: (a: unknown) => void };
    const store = server.store;
    const origReceive = relay.receiveUpdate;
    const origStage = relay.stage;
    const origAppend = store.appendUpdates;
    let staged = 0;
    let refusedNow: string | null = null;
    const onRefused = (_name: string, code: string) => (refusedNow = code);
    server.relay.events.on('refused', onRefused);
    store.appendUpdates = (rows: Parameters<typeof origAppend>[0]) => {
      this.appends += rows.length;
      for (const row of rows) {
        try {
          Y.decodeUpdate(row.update);
        } catch (err) {
          this.violations.push(`doc ${row.doc}: a row that does not decode was stored (${String(err)})`);
        }
      }
      return origAppend.call(store, rows);
    };
    relay.stage = function (this: unknown, a: unknown) {
      staged++;
      origStage.call(this, a);
    };
    relay.receiveUpdate = function (this: unknown, conn, update, decoded) {
      const rowsBefore = store.updateCount(conn.doc.name);
      const appendsBefore = probe.appends;
      const stagedBefore = staged;
      refusedNow = null;
      origReceive.call(this, conn, update, decoded);
      const appended = probe.appends - appendsBefore;
      const accepted = staged - stagedBefore;
      if (refusedNow !== null) {
        probe.refused++;
        const rowsAfter = store.updateCount(conn.doc.name);
        if (appended > 0 || accepted > 0 || rowsAfter !== rowsBefore) {
          probe.violations.push(`doc ${conn.doc.name}: an update of ${conn.user.id} refused as ${refusedNow} was stored (${appended} rows appended, ${accepted} staged, rows ${rowsBefore} -> ${rowsAfter})`);
        }
      } else if (accepted > 0) probe.accepted++;
      else probe.noop++;
    };
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const probe = this;
    this.undo.push(
      () => server.relay.events.off('refused', onRefused),
      () => (store.appendUpdates = origAppend),
      () => (relay.receiveUpdate = origReceive),
      () => (relay.stage = origStage),
    );
  }

  dispose(): void {
    for (const u of this.undo.splice(0)) u();
  }
}

/**
 * The store after a run: every doc loads from its rows without pending structs and equals the relay's doc in
 * memory; every event of an event log parses, ids are unique, a case has one report. Returns the violations.
 */
export async function checkStore(server: TestServer): Promise<string[]> {
  const out: string[] = [];
  for (const name of server.store.docNames()) {
    const stored = new Y.Doc();
    const kind = name === 'org' ? 'org' : name.split('.')[0]!;
    if (kind !== 'org') stored.getArray(EVENTS_ARRAY);
    if (kind === 'cases') stored.getArray(RECEIPTS_ARRAY);
    if (kind === 'org') for (const c of ORG_COLLECTIONS) stored.getMap(c);
    try {
      for (const part of storedParts(server.store.loadDoc(name))) Y.applyUpdate(stored, part);
    } catch (err) {
      out.push(`doc ${name}: a stored part cannot be applied (${String(err)})`);
      continue;
    }
    if (stored.store.pendingStructs || stored.store.pendingDs) out.push(`doc ${name}: the stored rows leave pending structs`);
    const view = (d: Y.Doc) => ({
      sv: Buffer.from(Y.encodeStateVector(d)).toString('hex'),
      ds: Buffer.from(Y.encodeStateAsUpdate(d, Y.encodeStateVector(d))).toString('hex'),
      // Root types that hold nothing are not content: a replica defines them when it first reads them.
      json: canonical(Object.fromEntries(Object.entries(d.toJSON()).filter(([, v]) => !(Array.isArray(v) ? v.length === 0 : v && typeof v === 'object' && Object.keys(v).length === 0)))),
    });
    const fromStore = view(stored);
    const memory = await server.relay.withDoc(name, view);
    if (memory.sv !== fromStore.sv) out.push(`doc ${name}: the store's state vector differs from the relay's doc in memory`);
    else if (memory.ds !== fromStore.ds) out.push(`doc ${name}: the store's deletions differ from the relay's doc in memory`);
    else if (memory.json !== fromStore.json) out.push(`doc ${name}: the store's content differs from the relay's doc in memory: ${firstDifference(memory.json, fromStore.json)}`);
    if (kind !== 'org') {
      const events = stored.getArray<unknown>(EVENTS_ARRAY).toArray();
      const parse = kind === 'cases' ? parseEvent : kind === 'people' ? parsePeopleEvent : kind === 'party' ? parsePartyEvent : kind === 'training' ? parseTrainingEvent : kind === 'tasks' ? parseTaskEvent : kind === 'taskanswers' ? parseAnswerEvent : kind === 'care' ? parseCareEvent : kind === 'patrols' ? parsePatrolEvent : kind === 'mediation' ? parseSummaryEvent : kind === 'dispute' ? parseDetailEvent : null;
      const ids = new Set<string>();
      const reports = new Set<string>();
      for (const e of events) {
        if (parse && !parse(e).ok) out.push(`doc ${name}: a stored event does not parse: ${JSON.stringify(e).slice(0, 200)}`);
        const id = (e as { id?: unknown }).id;
        if (typeof id === 'string' && kind !== 'idnumbers') {
          if (ids.has(id)) out.push(`doc ${name}: event id ${id} stored twice`);
          ids.add(id);
        }
        const ce = e as Partial<CaseEvent>;
        if (kind === 'cases' && ce.type === 'reported') {
          if (reports.has(ce.caseId!)) out.push(`doc ${name}: case ${ce.caseId} reported twice`);
          reports.add(ce.caseId!);
        }
      }
    }
    stored.destroy();
  }
  return out;
}

/** JSON with the keys of every object sorted: two replicas may hold a map's keys in different orders. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `memory …${a.slice(Math.max(0, i - 60), i + 60)}… store …${b.slice(Math.max(0, i - 60), i + 60)}…`;
}

// ------------------------------------------------------------------ memory

let gcFn: (() => void) | null | undefined;
/** A full garbage collection, when V8 lets this process have one (`--expose-gc`, or the flag set at run time). */
export function gcFunction(): (() => void) | null {
  if (gcFn !== undefined) return gcFn;
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return (gcFn = g);
  try {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  } catch {
    gcFn = null;
  }
  return gcFn;
}

function memoryNow(gc: (() => void) | null): { rssMb: number; heapMb: number } {
  gc?.();
  const m = process.memoryUsage();
  return { rssMb: m.rss / 1048576, heapMb: m.heapUsed / 1048576 };
}

/** Least-squares slope of y over t (per minute; t in ms). */
export function slopePerMinute(samples: ReadonlyArray<{ t: number; y: number }>): number {
  if (samples.length < 2) return 0;
  const n = samples.length;
  const mt = samples.reduce((s, p) => s + p.t, 0) / n;
  const my = samples.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of samples) {
    num += (p.t - mt) * (p.y - my);
    den += (p.t - mt) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60_000;
}

// ------------------------------------------------------------------ randomness

type Rnd = ReturnType<typeof seededRandom>;
const pick = <T>(r: Rnd, list: readonly T[]): T => list[Math.floor(r.next() * list.length)]!;
const int = (r: Rnd, n: number) => Math.floor(r.next() * n);
const chance = (r: Rnd, p: number) => r.next() < p;
const bump = (m: Record<string, number>, k: string | number, n = 1) => (m[String(k)] = (m[String(k)] ?? 0) + n);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

function varUint(n: number): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, n);
  return encoding.toUint8Array(enc);
}

/** A mutation of a frame: what a broken client, a flaky link or an attacker makes of a valid message. */
export function mutate(r: Rnd, msg: Uint8Array, others: readonly Uint8Array[]): { bytes: Uint8Array; how: string } {
  const b = new Uint8Array(msg);
  switch (int(r, 10)) {
    case 0: {
      const flips = 1 + int(r, 4);
      for (let i = 0; i < flips && b.length > 0; i++) b[int(r, b.length)]! ^= 1 << int(r, 8);
      return { bytes: b, how: 'bitflip' };
    }
    case 1:
      return { bytes: b.subarray(0, int(r, b.length)), how: 'truncate' };
    case 2:
      return { bytes: concat(b, r.bytes(1 + int(r, 64))), how: 'extend' };
    case 3: {
      // A length or varint made huge or unterminated: 0xff bytes after the type.
      const at = Math.min(b.length, 1 + int(r, 3));
      const run = chance(r, 0.5) ? new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]) : new Uint8Array(1 + int(r, 12)).fill(0x80);
      return { bytes: concat(b.subarray(0, at), run, b.subarray(at)), how: 'varint' };
    }
    case 4: {
      // The declared length of the payload off by a little (after the type and sub-type bytes).
      const at = Math.min(b.length, 2);
      const rest = b.subarray(at);
      const dec = decoding.createDecoder(rest);
      try {
        const len = decoding.readVarUint(dec);
        const wrong = Math.max(0, len + pick(r, [-2, -1, 1, 7, 1 << 20, 2 ** 31]));
        return { bytes: concat(b.subarray(0, at), varUint(wrong), rest.subarray(dec.pos)), how: 'length' };
      } catch {
        return { bytes: b, how: 'length' };
      }
    }
    case 5:
      return { bytes: concat(b, others.length ? pick(r, others) : b), how: 'two-in-one' };
    case 6:
      return { bytes: r.bytes(int(r, 200)), how: 'random' };
    case 7: {
      // A different message type in front of a valid payload.
      return { bytes: concat(varUint(pick(r, [0, 1, 2, 3, 4, 99, 100, 101, 127, 128, 70000])), b.subarray(1)), how: 'type' };
    }
    case 8: {
      const i = int(r, b.length + 1);
      return { bytes: concat(b.subarray(0, i), b.subarray(Math.min(b.length, i + 1 + int(r, 8)))), how: 'cut' };
    }
    default:
      return { bytes: new Uint8Array(0), how: 'empty' };
  }
}

// ------------------------------------------------------------------ messages

function syncMsg(sub: number, payload: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MSG_SYNC);
  encoding.writeVarUint(enc, sub);
  encoding.writeVarUint8Array(enc, payload);
  return encoding.toUint8Array(enc);
}

function awarenessMsgOf(states: Array<[number, number, string]>): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, states.length);
  for (const [id, clock, json] of states) {
    encoding.writeVarUint(inner, id);
    encoding.writeVarUint(inner, clock);
    encoding.writeVarString(inner, json);
  }
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MSG_AWARENESS);
  encoding.writeVarUint8Array(enc, encoding.toUint8Array(inner));
  return encoding.toUint8Array(enc);
}

/** Accounts that fuzz (every role but the honest devices' accounts, w0001 and w0002). */
const FUZZERS = ['town01', 'town02', 'county', 'unit001', 'trainer01', 'st01v01', 'resident01', 'admin'] as const;

/** Doc names a fuzzer asks for: real ones (some outside its scope) and names that are not docs. */
function docNames(): string[] {
  const year = Number(casesDoc('t01').split('.')[2]);
  return [
    casesDoc('t01'),
    casesDoc('t01'),
    casesDoc('t02'),
    'org',
    'people.g0001',
    'people.g0002',
    'party.t01',
    'training.t01',
    'tasks.t01',
    'taskanswers.g0001',
    'care.g0001',
    'mediation.t01',
    'dispute.t01.01JD0000000000000000000001',
    'idnumbers.g0001',
    'patrols.g0001',
    `cases.t01.${year - 40}`,
    'cases.t99.2025',
    'practice.cases.t01',
    '',
    'x'.repeat(300),
    '../org',
    'org\u0000',
    '会议',
  ];
}

/** A scrap of JSON made hostile: other types, huge or odd strings, deep nesting, prototype keys. */
function hostileValue(r: Rnd, depth = 0): unknown {
  switch (int(r, 12)) {
    case 0:
      return null;
    case 1:
      return pick(r, [0, -1, 1e308, -0, 2 ** 53 + 1, 0.1]);
    case 2:
      return 'x'.repeat(pick(r, [0, 1, 300, 5000]));
    case 3:
      return '\u0000\ud800\uffff<script>"\'';
    case 4:
      return depth > 3 ? [] : [hostileValue(r, depth + 1), hostileValue(r, depth + 1)];
    case 5:
      // An own `__proto__` key, as JSON.parse makes it (an object literal would set the prototype). Not an own
      // `constructor`: Yjs' own encoder refuses such a value (a hand-written encoder would not).
      return depth > 3 ? {} : { ...(JSON.parse('{"__proto__":{"admin":true},"toString":"x","hasOwnProperty":1}') as object), [pick(r, ['id', 'type', 'actor', 'at'])]: hostileValue(r, depth + 1) };
    case 6:
      return true;
    case 7:
      return '110101199003077777';
    case 8:
      return newId(Date.now(), r.bytes);
    case 9:
      return formatHlc({ ms: Date.now() + pick(r, [0, -86_400_000, 10 * 60_000, 1e12]), counter: int(r, 10), node: 'fz' });
    case 10:
      return { lat: pick(r, [41.12, 91, NaN as unknown as number]), lng: 122.07 };
    default:
      return 'g0001';
  }
}

function deepNest(n: number): string {
  return '['.repeat(n) + ']'.repeat(n);
}

// ------------------------------------------------------------------ a fuzzing socket

class FuzzSocket {
  readonly ws: WebSocket;
  opened = false;
  closed = false;
  /** Open channels (OPENED received) -> doc name; channels asked for and not answered. */
  readonly channels = new Map<number, string>();
  readonly opening = new Map<number, string>();
  nextChannel = 1;
  /** Yjs client ids this socket writes with (its own, per doc). */
  readonly clientIds = new Map<string, number>();

  constructor(
    url: string,
    readonly user: UserInfo,
    readonly mux: boolean,
    readonly doc: string | null,
    private readonly report: FuzzReport,
  ) {
    this.ws = new WebSocket(url);
    this.ws.binaryType = 'nodebuffer';
    this.ws.on('open', () => {
      this.opened = true;
      report.sockets.opened++;
    });
    this.ws.on('unexpected-response', (_req, res) => {
      bump(report.sockets.upgradeRefused, res.statusCode ?? 0);
      res.resume();
      this.closed = true;
      this.ws.terminate();
    });
    this.ws.on('message', (data: Buffer) => this.receive(new Uint8Array(data)));
    this.ws.on('close', (code) => {
      if (this.opened) bump(report.sockets.closed, code);
      this.closed = true;
    });
    this.ws.on('error', () => {
      this.closed = true;
    });
  }

  private receive(bytes: Uint8Array): void {
    // What the relay sends is well-formed: a throw here would be a finding of its own.
    try {
      const dec = decoding.createDecoder(bytes);
      const channel = this.mux ? decoding.readVarUint(dec) : -1;
      if (channel === MUX_CONTROL) {
        const op = decoding.readVarUint(dec);
        const ch = decoding.readVarUint(dec);
        const name = this.opening.get(ch);
        this.opening.delete(ch);
        if (op === MUX_OPENED) {
          this.report.channels.opened++;
          if (name !== undefined) this.channels.set(ch, name);
        } else if (op === MUX_REJECTED) {
          bump(this.report.channels.rejected, decoding.readVarUint(dec));
        } else if (op === MUX_CLOSED) {
          bump(this.report.channels.closed, decoding.readVarUint(dec));
          this.channels.delete(ch);
        }
        return;
      }
      const type = decoding.readVarUint(dec);
      if (type === MSG_REFUSED) bump(this.report.refusedByCode, decoding.readVarString(dec));
    } catch (err) {
      this.report.violations.push(`the relay sent a frame the fuzzer cannot read (${String(err)})`);
    }
  }

  get writable(): boolean {
    return this.opened && !this.closed && this.ws.readyState === WebSocket.OPEN && this.ws.bufferedAmount < 256 * 1024;
  }

  send(bytes: Uint8Array): void {
    this.ws.send(bytes);
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }
}

// ------------------------------------------------------------------ the run

interface DocCache {
  state: Uint8Array;
  sv: Uint8Array;
  caseIds: string[];
  clients: number[];
  uses: number;
}

/**
 * Fuzz a running relay for `durationMs`. The relay must be a fixture county's (relay-harness.ts seedFixture) with
 * PASSWORD for every account. Resolves with the report; never throws for what the relay does (that goes into
 * `violations`), only for a fixture that could not be set up.
 */
export async function fuzzRelay(server: TestServer, opts: FuzzOptions): Promise<FuzzReport> {
  const log = opts.log ?? (() => {});
  const r = seededRandom(opts.seed);
  const report: FuzzReport = {
    seed: opts.seed,
    seconds: 0,
    frames: { single: 0, mux: 0, mutated: 0, bytes: 0 },
    sockets: { opened: 0, upgradeRefused: {}, closed: {} },
    refusedByCode: {},
    channels: { opened: 0, rejected: {}, closed: {} },
    updates: { accepted: 0, refused: 0, noop: 0 },
    http: { requests: 0, byStatus: {}, resets: 0 },
    honest: { events: 0, ackP50Ms: 0, ackP99Ms: 0, ackMaxMs: 0 },
    memory: { gc: false, warmHeapMb: 0, endHeapMb: 0, warmRssMb: 0, endRssMb: 0, rssSlopeMbPerMin: 0, samples: [] },
    violations: [],
  };
  const tokens: Record<string, string> = {};
  for (const u of [...FUZZERS, 'w0001', 'w0002']) tokens[u] = await login(server.url, u);
  const users = FUZZERS.map((id) => USERS[id] as UserInfo);
  const probe = new Probe(server);
  const gc = gcFunction();
  report.memory.gc = gc !== null;
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const until = started + opts.durationMs;
  const hardUntil = started + Math.max(opts.durationMs, opts.maxDurationMs ?? 0);
  const more = () => {
    const now = performance.now();
    return now < until || (now < hardUntil && opts.enough !== undefined && !opts.enough(report));
  };
  let stop = false;

  // --- the docs as the relay holds them, refreshed now and then: the base of the valid updates
  const caches = new Map<string, DocCache>();
  const cacheOf = async (name: string): Promise<DocCache | null> => {
    let c = caches.get(name);
    if (c && c.uses++ < 40) return c;
    try {
      c = await server.relay.withDoc(name, (d) => ({
        state: Y.encodeStateAsUpdate(d),
        sv: Y.encodeStateVector(d),
        // Read without defining a root type on the relay's doc (getArray would add an empty `events` to the org doc).
        caseIds: d.share.has(EVENTS_ARRAY)
          ? [...new Set(d.getArray<CaseEvent>(EVENTS_ARRAY).toArray().map((e) => e?.caseId).filter((x): x is string => typeof x === 'string'))]
          : [],
        clients: [...d.store.clients.keys()],
        uses: 0,
      }));
    } catch {
      return null; // not a doc
    }
    caches.set(name, c);
    return c;
  };

  // Updates that were valid when made (any doc): replayed later, to the same or another doc.
  const replays: Uint8Array[] = [];
  const remember = (u: Uint8Array) => {
    if (replays.length < 64) replays.push(u);
    else replays[int(r, replays.length)] = u;
  };

  /** An update that appends events (or, in the org doc, writes a change or a map entry) as `user` would. */
  const eventUpdate = async (s: FuzzSocket, doc: string): Promise<Uint8Array> => {
    const c = await cacheOf(doc);
    const kind = doc.split('.')[0];
    const scratch = new Y.Doc();
    try {
      if (c) Y.applyUpdate(scratch, c.state);
      let id = s.clientIds.get(doc);
      if (id === undefined || chance(r, 0.05)) {
        id = chance(r, 0.15) && c?.clients.length ? pick(r, c.clients) : 1 + int(r, 2 ** 31 - 2);
        s.clientIds.set(doc, id);
      }
      scratch.clientID = id;
      const before = Y.encodeStateVector(scratch);
      if (kind === 'org') {
        if (chance(r, 0.5)) scratch.getArray('changes').push([{ id: newId(Date.now(), r.bytes), actor: s.user.id, at: hostileValue(r), op: pick(r, ['set', 'remove', 'x']), data: hostileValue(r) }]);
        else scratch.getMap(pick(r, ORG_COLLECTIONS)).set(pick(r, ['g0001', 'u001', 'w0001', 'x']), hostileValue(r));
      } else {
        const n = 1 + (chance(r, 0.2) ? int(r, 5) : 0);
        const events: unknown[] = [];
        for (let i = 0; i < n; i++) events.push(makeEvent(s.user, kind ?? '', c));
        if (chance(r, 0.1) && kind === 'cases') scratch.getArray(RECEIPTS_ARRAY).push([hostileValue(r)]);
        else scratch.getArray(EVENTS_ARRAY).push(events);
        if (chance(r, 0.05)) scratch.getArray(EVENTS_ARRAY).delete(0, 1);
      }
      const update = Y.encodeStateAsUpdate(scratch, before);
      remember(update);
      return update;
    } catch {
      // A value Yjs' encoder will not write: random bytes instead (the run must not stop on the fuzzer's side).
      return r.bytes(1 + int(r, 64));
    } finally {
      scratch.destroy();
    }
  };

  const actors = new Map<string, Actor>();
  const makeEvent = (user: UserInfo, kind: string, c: DocCache | null): unknown => {
    const actorId = chance(r, 0.9) ? user.id : pick(r, ['w0001', 'admin', 'nobody', '']);
    const ms = Date.now() + pick(r, [0, 0, 0, -3_600_000, 4 * 60_000, 10 * 60_000, -400 * 86_400_000]);
    const at = formatHlc({ ms, counter: int(r, 100), node: `fz-${user.id}` });
    if (kind === 'cases') {
      if (roleMayEver(user.role, 'reported') && chance(r, 0.4)) {
        let a = actors.get(user.id);
        if (!a) actors.set(user.id, (a = new Actor(user, `fz-${user.id}`)));
        try {
          return a.report(pick(r, ['g0001', 'g0002'])).event;
        } catch {
          // decide() refused this user's report in that grid: fall through to a hand-made event
        }
      }
      const type = pick(r, EVENT_TYPES);
      const caseId = c?.caseIds.length && chance(r, 0.8) ? pick(r, c.caseIds) : newId(Date.now(), r.bytes);
      const data = chance(r, 0.7) ? DATA[type] : hostileValue(r);
      const e: Record<string, unknown> = { id: chance(r, 0.9) ? newId(Date.now(), r.bytes) : pick(r, c?.caseIds ?? ['x']), caseId, type, actor: actorId, at, data };
      if (chance(r, 0.1)) e[pick(r, ['id', 'caseId', 'type', 'actor', 'at', 'data', 'extra'])] = hostileValue(r);
      return e;
    }
    const types: readonly string[] =
      kind === 'people'
        ? PEOPLE_EVENT_TYPES
        : kind === 'party'
          ? PARTY_EVENT_TYPES
          : kind === 'mediation'
            ? ['dispute_opened', 'mediators_set', 'outcome_recorded', 'dispute_withdrawn', 'x']
            : kind === 'dispute'
              ? ['parties_saved', 'session_recorded', 'x']
              : ['learner_saved', 'session_recorded', 'x'];
    const e = recordEvent(pick(r, types), actorId, chance(r, 0.5) ? { id: 'h1', name: '某某', gridId: 'g0001', note: hostileValue(r) } : hostileValue(r)) as unknown as Record<string, unknown>;
    e.at = at;
    return e;
  };

  /** A doc message: a valid one of some kind, or random bytes. */
  const docMessage = async (s: FuzzSocket, doc: string): Promise<Uint8Array> => {
    switch (int(r, 10)) {
      case 0:
        return syncMsg(0, chance(r, 0.5) ? new Uint8Array([0]) : ((await cacheOf(doc))?.sv ?? new Uint8Array([0])));
      case 1:
      case 2:
      case 3:
        return syncMsg(2, await eventUpdate(s, doc));
      case 4:
      case 5:
        return syncMsg(pick(r, [1, 2]), await eventUpdate(s, doc));
      case 6:
        // A replay: an update made earlier, maybe for another doc (a valid update to the wrong doc).
        return replays.length ? syncMsg(pick(r, [1, 2]), pick(r, replays)) : syncMsg(0, new Uint8Array([0]));
      case 7:
        return awarenessMsgOf(
          Array.from({ length: 1 + int(r, 3) }, () => [int(r, 2 ** 31), int(r, 10), chance(r, 0.2) ? 'null' : JSON.stringify({ user: s.user.id, pad: 'p'.repeat(pick(r, [0, 10, 3000, 40_000])) })]),
        );
      case 8: {
        const enc = encoding.createEncoder();
        encoding.writeVarUint(enc, MSG_QUERY_AWARENESS);
        return encoding.toUint8Array(enc);
      }
      default:
        return chance(r, 0.5) ? r.bytes(int(r, 64)) : concat(varUint(pick(r, [MSG_ACK, MSG_REFUSED, 2, 50])), r.bytes(int(r, 16)));
    }
  };

  const names = docNames();
  const sockets: FuzzSocket[] = [];
  const newSocket = (): FuzzSocket => {
    const user = pick(r, users);
    const mux = chance(r, 0.5);
    const doc = mux ? null : pick(r, names);
    const token = chance(r, 0.03) ? 'not-a-token' : tokens[user.id]!;
    const url = mux ? `${server.wsBase}/sync?token=${encodeURIComponent(token)}` : `${server.wsBase}/sync/${encodeURIComponent(doc!)}?token=${encodeURIComponent(token)}`;
    return new FuzzSocket(url, user, mux, doc, report);
  };
  const nSockets = opts.sockets ?? 8;
  for (let i = 0; i < nSockets; i++) sockets.push(newSocket());

  /** One frame on one socket. */
  const fuzzOnce = async (): Promise<void> => {
    const i = int(r, sockets.length);
    const s = sockets[i]!;
    if (s.closed) {
      s.close();
      sockets[i] = newSocket();
      return;
    }
    if (!s.writable) return;
    let bytes: Uint8Array;
    if (!s.mux) {
      bytes = await docMessage(s, s.doc!);
    } else {
      const open = [...s.channels.keys()];
      const roll = int(r, 10);
      if (roll === 0 || open.length === 0) {
        const ch = chance(r, 0.9) ? s.nextChannel++ : pick(r, [0, s.nextChannel - 1, 2 ** 32, 1024 + int(r, 4)]);
        const name = pick(r, names);
        s.opening.set(ch, name);
        bytes = chance(r, 0.1) ? muxControl(pick(r, [MUX_OPEN, 2, 7]), ch) : muxControl(MUX_OPEN, ch, name);
      } else if (roll === 1) {
        const ch = chance(r, 0.7) ? pick(r, open) : int(r, 5000);
        if (chance(r, 0.7)) s.channels.delete(ch);
        bytes = muxControl(MUX_CLOSE, ch);
      } else {
        const ch = chance(r, 0.85) ? pick(r, open) : pick(r, [0, s.nextChannel + 3, 2 ** 31, ...s.opening.keys()]);
        bytes = muxFrame(ch, await docMessage(s, s.channels.get(ch) ?? pick(r, names)));
      }
    }
    if (chance(r, 0.35)) {
      bytes = mutate(r, bytes, replays).bytes;
      report.frames.mutated++;
    }
    if (s.closed || s.ws.readyState !== WebSocket.OPEN) return;
    if (chance(r, 0.01)) s.ws.send(Buffer.from(bytes).toString('latin1'), { binary: false });
    else s.send(bytes);
    report.frames.bytes += bytes.byteLength;
    if (s.mux) report.frames.mux++;
    else report.frames.single++;
  };

  // --- honest devices: w0001 in town 01, w0002 in town 02, each reporting now and then; every report must be saved.
  const honest = [
    { client: new SyncClient(server.wsBase, casesDoc('t01'), tokens.w0001!), actor: new Actor(USERS.w0001), grid: 'g0001' },
    { client: new SyncClient(server.wsBase, casesDoc('t02'), tokens.w0002!), actor: new Actor(USERS.w0002), grid: 'g0002' },
  ];
  const honestIds: string[][] = honest.map(() => []);
  const ackMs: number[] = [];
  const honestLoops = honest.map(async (h, k) => {
    try {
      await h.client.synced(`honest ${k} sync`);
      while (!stop) {
        const t0 = performance.now();
        const ev = h.actor.report(h.grid, `诚实上报 ${honestIds[k]!.length}`).event;
        h.client.append(ev);
        honestIds[k]!.push(ev.id);
        await h.client.allSaved(`ACK of honest report ${honestIds[k]!.length} of ${h.actor.user.id}`);
        ackMs.push(performance.now() - t0);
        await sleep(150 + int(r, 150));
      }
    } catch (err) {
      const p = h.client.provider;
      report.violations.push(
        `honest device ${h.actor.user.id} at ${(elapsed() / 1000).toFixed(1)} s: ${err instanceof Error ? err.message : String(err)} ` +
          `(connected ${p.wsconnected}, synced ${p.synced}, closes ${JSON.stringify(h.client.closeCodes.slice(-5))}, refusals ${h.client.refusals.length}, acks ${h.client.acks})`,
      );
    }
  });

  // --- HTTP bodies
  const http = new HttpFuzz(server, r, tokens, report);
  await http.prepare();
  const httpLoops = Array.from({ length: opts.httpConcurrency ?? 2 }, async () => {
    while (!stop) await http.once();
  });

  // --- memory samples, each second
  const warm: MemorySample[] = [];
  const sampler = setInterval(() => {
    const m = memoryNow(null);
    const s = { t: elapsed(), ...m };
    report.memory.samples.push(s);
    if (s.t >= opts.warmupMs) warm.push(s);
  }, 1000);
  let warmTaken = false;

  let nextLog = started + 10_000;
  try {
    while (more()) {
      if (!warmTaken && elapsed() >= opts.warmupMs) {
        warmTaken = true;
        const m = memoryNow(gc);
        report.memory.warmHeapMb = m.heapMb;
        report.memory.warmRssMb = m.rssMb;
      }
      for (let k = 0; k < 4; k++) await fuzzOnce();
      // The relay shares this process: give it the turn (its reads, writes and timers).
      await sleep(1);
      if (performance.now() > nextLog) {
        nextLog += 10_000;
        log(`fuzz ${(elapsed() / 1000).toFixed(0)} s: ${report.frames.single + report.frames.mux} frames, ${probe.refused} refused, ${probe.accepted} accepted, ${report.http.requests} HTTP, RSS ${memoryNow(null).rssMb.toFixed(0)} MB`);
      }
    }
  } finally {
    stop = true;
    clearInterval(sampler);
    await Promise.all(httpLoops);
    for (const s of sockets) s.close();
    await Promise.all(honestLoops);
  }
  report.seconds = elapsed() / 1000;

  // --- after: the honest devices' reports are all on the relay, seen by a fresh reader of each doc
  for (const [k, h] of honest.entries()) {
    const reader = new SyncClient(server.wsBase, casesDoc(k === 0 ? 't01' : 't02'), tokens[k === 0 ? 'town01' : 'town02']!);
    try {
      await reader.synced('a fresh reader after the fuzz');
      await reader.hasEvents(honestIds[k]!, `every honest report of ${h.actor.user.id}`);
      if (h.client.refusals.length) report.violations.push(`honest device ${h.actor.user.id} was refused: ${JSON.stringify(h.client.refusals.slice(0, 3))}`);
    } catch (err) {
      report.violations.push(`after the fuzz: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      reader.destroy();
      h.client.destroy();
    }
  }
  report.honest = {
    events: honestIds.reduce((n, l) => n + l.length, 0),
    ackP50Ms: percentile(ackMs, 50),
    ackP99Ms: percentile(ackMs, 99),
    ackMaxMs: ackMs.length ? Math.max(...ackMs) : 0,
  };
  const health = await fetch(`${server.url}/healthz`).catch(() => null);
  if (health?.status !== 200) report.violations.push(`/healthz after the fuzz: ${health?.status ?? 'no answer'}`);

  // Let closes and timers settle, then the memory at the end.
  await sleep(500);
  const end = memoryNow(gc);
  report.memory.endHeapMb = end.heapMb;
  report.memory.endRssMb = end.rssMb;
  report.memory.rssSlopeMbPerMin = slopePerMinute(warm.map((s) => ({ t: s.t, y: s.rssMb })));

  probe.dispose();
  report.updates = { accepted: probe.accepted, refused: probe.refused, noop: probe.noop };
  report.violations.push(...probe.violations, ...(await checkStore(server)));
  return report;
}

function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** One line of a report, for the test's output and the bench's log. */
export function summarize(rep: FuzzReport): string {
  const m = rep.memory;
  return (
    `seed ${rep.seed}, ${rep.seconds.toFixed(1)} s: ${rep.frames.single + rep.frames.mux} frames (${rep.frames.single} single-doc, ${rep.frames.mux} multiplexed, ` +
    `${rep.frames.mutated} mutated, ${(rep.frames.bytes / 1024).toFixed(0)} KiB); updates inspected: ${rep.updates.accepted} accepted, ${rep.updates.refused} refused, ` +
    `${rep.updates.noop} already known; REFUSED by code ${JSON.stringify(rep.refusedByCode)}; sockets ${rep.sockets.opened} opened, ` +
    `upgrades refused ${JSON.stringify(rep.sockets.upgradeRefused)}, closed ${JSON.stringify(rep.sockets.closed)}; channels ${rep.channels.opened} opened, ` +
    `rejected ${JSON.stringify(rep.channels.rejected)}, closed ${JSON.stringify(rep.channels.closed)}; HTTP ${rep.http.requests} requests ${JSON.stringify(rep.http.byStatus)} ` +
    `(${rep.http.resets} reset); honest: ${rep.honest.events} reports saved, ACK p50 ${rep.honest.ackP50Ms.toFixed(0)} ms, p99 ${rep.honest.ackP99Ms.toFixed(0)} ms; ` +
    `memory (${m.gc ? 'heap after GC' : 'no GC'}): heap ${m.warmHeapMb.toFixed(1)} -> ${m.endHeapMb.toFixed(1)} MB, RSS ${m.warmRssMb.toFixed(0)} -> ${m.endRssMb.toFixed(0)} MB, ` +
    `RSS slope ${m.rssSlopeMbPerMin.toFixed(1)} MB/min; violations ${rep.violations.length}`
  );
}

// ------------------------------------------------------------------ HTTP bodies

interface Target {
  method: string;
  path: () => string;
  body: () => unknown;
  token: () => string | null;
  /** Form-encoded (Open311), not JSON. */
  form?: boolean;
}

class HttpFuzz {
  private targets: Target[] = [];
  private caseIds: string[] = [];
  private apiKey = 'none';

  constructor(
    private readonly server: TestServer,
    private readonly r: Rnd,
    private readonly tokens: Record<string, string>,
    private readonly report: FuzzReport,
  ) {}

  async prepare(): Promise<void> {
    const r = this.r;
    const t = this.tokens;
    const any = () => t[pick(r, FUZZERS)]!;
    // An Open311 key, so that the form posts get past the key check.
    const key = await fetch(`${this.server.url}/api/open311/keys`, { method: 'POST', headers: { authorization: `Bearer ${t.admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'fuzz' }) });
    const keyBody = (await key.json().catch(() => ({}))) as { key?: string };
    if (keyBody.key) this.apiKey = keyBody.key;
    const caseId = () => (this.caseIds.length && chance(r, 0.8) ? pick(r, this.caseIds) : pick(r, ['x', newId(Date.now(), r.bytes), '%E0%A4%A', '..']));
    const report = () => ({ category: '0101', description: '路灯损坏', location: { lat: 41.12, lng: 122.07 }, gridId: pick(r, ['g0001', 'g0002']) });
    this.targets = [
      { method: 'POST', path: () => '/api/login', body: () => ({ username: pick(r, ['fuzz', 'x', '13800000000']), password: 'wrong' }), token: () => null },
      { method: 'POST', path: () => '/api/cases', body: report, token: any },
      { method: 'POST', path: () => `/api/cases/${caseId()}/commands`, body: () => ({ type: pick(r, ['accept', 'reject', 'dispatch', 'resolve', 'supervise', 'close', 'x']), note: '好', reason: '不属实', unitId: 'u001', planId: 'P001' }), token: any },
      { method: 'POST', path: () => '/api/accounts', body: () => ({ username: `fz${int(r, 1e6)}`, name: '模糊', role: pick(r, ['worker', 'town', 'admin', 'x']), townId: 't01', villageId: 't01v01', gridId: 'g0001', password: 'fuzz-password-1' }), token: () => pick(r, [t.admin!, t.town01!, t.county!]) },
      { method: 'PATCH', path: () => `/api/accounts/${pick(r, ['fz1', 'nobody', '%00', 'import'])}`, body: () => ({ name: '改', disabled: pick(r, [true, false, 'yes']) }), token: () => t.admin! },
      { method: 'POST', path: () => '/api/geo/grids', body: () => ({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'g0001' }, geometry: { type: 'Polygon', coordinates: [[[122, 41], [122.2, 41], [122.2, 41.2], [122, 41]]] } }] }), token: () => pick(r, [t.admin!, t.town01!]) },
      { method: 'PUT', path: () => '/api/me/settings', body: () => ({ fontScale: 1.2, elder: true, readAloud: false }), token: any },
      { method: 'PUT', path: () => '/api/me/prefs', body: () => ({ sms: true }), token: any },
      { method: 'POST', path: () => '/api/invites', body: () => ({ villageId: 't01v01' }), token: () => pick(r, [t.st01v01!, t.town01!]) },
      { method: 'POST', path: () => '/api/signup/code', body: () => ({ phone: '13800138000' }), token: () => null },
      { method: 'POST', path: () => '/api/signup', body: () => ({ phone: '13800138000', code: '000000', password: 'pw-fuzz-12', name: '居民', invite: 'x' }), token: () => null },
      { method: 'POST', path: () => '/api/me/role', body: () => ({ userId: pick(r, ['st01v01.member', 'admin']) }), token: any },
      { method: 'POST', path: () => '/api/open311/keys', body: () => ({ name: 'k' }), token: () => pick(r, [t.admin!, t.county!]) },
      { method: 'POST', path: () => '/api/blobs', body: () => ({ blobs: [] }), token: any },
      {
        method: 'POST',
        path: () => '/open311/v2/requests.json',
        form: true,
        body: () => ({ api_key: this.apiKey, service_code: '0101', lat: '41.12', long: '122.07', description: '路灯不亮', 'attribute[x]': 'y' }),
        token: () => (chance(r, 0.3) ? any() : null),
      },
    ];
  }

  /** One request: a target's valid body, mutated (or not), sent with a content type of some kind. */
  async once(): Promise<void> {
    const r = this.r;
    const t = pick(this.r, this.targets);
    let text: string;
    const base = t.body();
    let contentType: string | null = t.form ? 'application/x-www-form-urlencoded' : 'application/json';
    let body: Uint8Array;
    const roll = int(r, 12);
    if (t.form) text = new URLSearchParams(Object.entries(base as Record<string, string>)).toString();
    else text = JSON.stringify(base);
    if (roll <= 2) {
      // JSON-aware: one field replaced by a hostile value, or the body by one.
      if (!t.form && base && typeof base === 'object') {
        const o = { ...(base as Record<string, unknown>) };
        const keys = Object.keys(o);
        o[keys.length && chance(r, 0.8) ? pick(r, keys) : 'extra'] = hostileValue(r);
        text = JSON.stringify(o);
      } else text = JSON.stringify(hostileValue(r));
      body = Buffer.from(text);
    } else if (roll === 3) {
      body = Buffer.from(deepNest(pick(r, [100, 5000, 20_000])));
    } else if (roll === 4) {
      // Invalid UTF-8 inside a string, or an overlong encoding.
      const b = Buffer.from(text);
      const at = int(r, b.length + 1);
      body = concat(b.subarray(0, at), pick(r, [new Uint8Array([0xff]), new Uint8Array([0xc0, 0xaf]), new Uint8Array([0xed, 0xa0, 0x80]), new Uint8Array([0xe4, 0xb8])]), b.subarray(at));
    } else if (roll === 5) {
      // Oversized: over every MAX_BODY_BYTES of the relay (16 KB .. 64 KB), sometimes far over.
      body = Buffer.from(JSON.stringify({ ...(base as object), pad: 'x'.repeat(pick(r, [17_000, 70_000, 600_000])) }));
    } else if (roll === 6) {
      body = mutate(r, Buffer.from(text), []).bytes;
    } else if (roll === 7) {
      contentType = pick(r, [null, 'text/plain', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/x-www-form-urlencoded', 'application/xml']);
      body = Buffer.from(text);
    } else if (roll === 8) {
      body = new Uint8Array(0);
    } else {
      body = Buffer.from(text);
    }
    const headers: Record<string, string> = {};
    if (contentType) headers['content-type'] = contentType;
    const token = t.token();
    if (token) headers.authorization = chance(r, 0.05) ? `Bearer ${token.slice(0, -3)}abc` : `Bearer ${token}`;
    const path = t.path();
    const method = chance(r, 0.03) ? pick(r, ['GET', 'DELETE', 'PUT', 'OPTIONS']) : t.method;
    this.report.http.requests++;
    let res: Response;
    try {
      res = await fetch(this.server.url + path, { method, headers, body: method === 'GET' ? undefined : new Uint8Array(body), signal: AbortSignal.timeout(20_000) });
    } catch (err) {
      // An answer before the whole body was sent (413 on a big body) may reset the connection: not a finding by
      // itself; the relay's health is checked after the run.
      this.report.http.resets++;
      if (body.byteLength < 16 * 1024) {
        this.report.violations.push(
          `HTTP ${method} ${path} (${contentType ?? 'no type'}, auth ${headers.authorization ? 'yes' : 'no'}, ${body.byteLength} B: ${JSON.stringify(Buffer.from(body.subarray(0, 80)).toString('latin1'))}): no answer (${err instanceof Error ? err.message : String(err)})`,
        );
      }
      return;
    }
    bump(this.report.http.byStatus, res.status);
    const answer = await res.text().catch(() => '');
    const what = `HTTP ${method} ${path} (${contentType ?? 'no type'}, ${body.byteLength} B) -> ${res.status}`;
    if (res.status >= 500 && res.status !== 503 && res.status !== 507) this.report.violations.push(`${what}: ${answer.slice(0, 200)}`);
    if (res.status >= 400) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(answer);
      } catch {
        this.report.violations.push(`${what}: the error is not JSON: ${answer.slice(0, 100)}`);
        return;
      }
      const ok = path.startsWith('/open311/') ? Array.isArray(parsed) && parsed.length > 0 : typeof (parsed as { error?: unknown })?.error === 'string';
      if (!ok) this.report.violations.push(`${what}: the error is not of the documented shape: ${answer.slice(0, 100)}`);
    } else if (res.status < 300 && path === '/api/cases') {
      const id = (JSON.parse(answer) as { id?: string }).id;
      if (id && this.caseIds.length < 200) this.caseIds.push(id);
    }
  }
}
