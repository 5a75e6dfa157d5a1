/**
 * Shared pieces of the relay and API integration tests: a small fixture county (built on tests/support/county.ts)
 * seeded the same way as the demo (server/seed.ts), a real server on port 0 in a temporary DATA_DIR, and Node
 * clients (y-websocket's WebsocketProvider over `ws`, or raw sockets for protocol-level tests) that expose ACK /
 * REFUSED / close codes as awaitable events. Waiting is always on an event with a timeout, never a sleep.
 */
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { startServer, type RunningServer, type StartOptions } from '../../server/app.ts';
import { quietLogger } from '../../server/log.ts';
import { seedStore } from '../../server/seed.ts';
import type { Relay } from '../../server/relay.ts';
import { Store, STORE_FILE, type StoreOptions } from '../../server/store.ts';
import { createTestDatabase, pgQuery, TEST_RELAYS, TEST_STORE, type TestDatabase } from '../support/pgtest.ts';
import { decide, type Command } from '../../src/domain/commands.ts';
import { caseYear, casesDocName } from '../../src/domain/docs.ts';
import type { CaseEvent } from '../../src/domain/events.ts';
import { formatHlc, HybridClock } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import { indexOrg, type OrgData, type UserInfo } from '../../src/domain/org.ts';
import type { CaseState } from '../../src/domain/workflow.ts';
import { EVENTS_ARRAY, MSG_ACK, MSG_REFUSED } from '../../src/protocol/wire.ts';
import { county, countyUnit, grid, inVillage, major, person, secretary, sub, town, townUnit, townUser, unitUser, village, worker } from '../support/county.ts';
import { WAIT_MS } from '../support/wait.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const PASSWORD = 'fixture-pw';

// ------------------------------------------------------------------ fixture county

export const USERS = {
  admin: person('admin', '管理员', 'admin'),
  county: person('county', '县指挥中心', 'county'),
  town01: townUser('t01', '一镇中心'),
  town02: townUser('t02', '二镇中心'),
  w0001: worker('g0001', 't01v01', '网格员一'),
  w0002: worker('g0002', 't02v01', '网格员二'),
  unit001: unitUser('u001', '县水务局'),
  trainer01: person('trainer01', '培训员', 'trainer', { townId: 't01' }),
  st01v01: secretary('t01v01', '村书记'),
  resident01: person('resident01', '居民一', 'resident', inVillage('t01v01')),
} as const;

export const FIXTURE_ORG: OrgData = county({
  towns: [town('t01', '一镇', 'Town One', [122.07, 41.12]), town('t02', '二镇', 'Town Two', [122.1, 41.2])],
  villages: [village('t01v01', '一村'), village('t02v01', '二村')],
  grids: [grid('g0001', 't01v01', '一村第一网格', [122.07, 41.12]), grid('g0002', 't02v01', '二村第一网格', [122.1, 41.2])],
  categories: [major('01', '综合治理', 'Public order')],
  subcategories: [sub('0101', '矛盾纠纷', 'Disputes')],
  plans: [{ id: 'P001', category: '0101', name: '矛盾纠纷调处预案', priority: 'normal', dueHours: 24, unitIds: ['u001'], steps: ['了解情况', '调解'] }],
  units: [countyUnit('u001', '县水务局', ['01']), townUnit('u002', '一镇派出所', 't01', ['01'])],
  users: Object.values(USERS),
});

export const ORG_INDEX = indexOrg(FIXTURE_ORG);

/** A party member of t01v01, for the tests of the people and party docs (not in FIXTURE_ORG: no member there). */
export const FIXTURE_MEMBER: UserInfo = { id: 'p0001', username: 'p0001', name: '党员一', role: 'member', townId: 't01', villageId: 't01v01', gridId: 'g0001' };
/** FIXTURE_ORG with FIXTURE_MEMBER. */
export const ORG_WITH_MEMBER: OrgData = { ...FIXTURE_ORG, users: [...FIXTURE_ORG.users, FIXTURE_MEMBER] };
/** The cases doc of a town for the current year (the year the tests' events are stamped in). */
export const casesDoc = (townId: string, nowMs = Date.now()) => casesDocName(townId, caseYear(nowMs));

const random = (n: number) => new Uint8Array(randomBytes(n));

let recordSeq = 0;
/**
 * A record-doc event (`{ id, type, actor, at, data }`: people, party, training...) as an insider could send it:
 * fresh id, stamped now (one ms apart), not checked here (the relay is what is under test).
 */
export function recordEvent(type: string, actor: string, data: unknown): CaseEvent {
  const ms = Date.now() + recordSeq++;
  return { id: newId(ms, random), type, actor, at: formatHlc({ ms, counter: 0, node: `it-${actor}` }), data } as unknown as CaseEvent;
}

/** Makes valid events as a device would: decide() with the fixture org and an HLC of its own. */
export class Actor {
  private readonly clock: HybridClock;
  constructor(
    readonly user: UserInfo,
    node = `dev-${user.id}`,
  ) {
    this.clock = new HybridClock(node, Date.now);
  }

  report(gridId = this.user.gridId ?? 'g0001', description = '路灯损坏'): { event: CaseEvent; state: CaseState } {
    const grid = ORG_INDEX.grid(gridId)!;
    return this.act(null, newId(Date.now(), random), {
      type: 'report',
      category: '0101',
      description,
      location: { lat: 41.12, lng: 122.07 },
      gridId,
      townId: grid.townId,
    });
  }

  /** This device received these events: its next stamps sort after them (as the app's clock does). */
  observe(...events: CaseEvent[]): this {
    for (const e of events) this.clock.observe(e.at);
    return this;
  }

  act(state: CaseState | null, caseId: string, command: Command): { event: CaseEvent; state: CaseState } {
    const d = decide(state, command, { actor: this.user, org: ORG_INDEX, at: this.clock.now(), eventId: newId(Date.now(), random), caseId });
    if (!d.ok) throw new Error(`fixture decide failed: ${d.error} ${d.detail ?? ''}`);
    return { event: d.event, state: d.state };
  }
}

// ------------------------------------------------------------------ servers

/**
 * Everything a DATA_DIR's store holds of a doc (snapshot and update rows), as text, read straight from SQLite:
 * for asserting that something never reached the disk. `latin1` keeps every byte; `utf8` lets Chinese text match.
 */
export function storedText(dataDir: string, doc: string, encoding: 'latin1' | 'utf8' = 'latin1'): string {
  const pg = storeOptions(dataDir).databaseUrl;
  if (pg) {
    return pgQuery<{ data: Buffer }>(pg, 'SELECT data FROM doc_snapshots WHERE doc = $1 UNION ALL SELECT data FROM doc_updates WHERE doc = $1', [doc])
      .map((r) => r.data.toString(encoding))
      .join('');
  }
  const db = new Database(join(dataDir, STORE_FILE), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare<[string, string], { data: Buffer }>('SELECT data FROM doc_snapshots WHERE doc = ? UNION ALL SELECT data FROM doc_updates WHERE doc = ?')
      .all(doc, doc)
      .map((r) => r.data.toString(encoding))
      .join('');
  } finally {
    db.close();
  }
}

export function tempDir(prefix = 'gridlink-it-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
      dropStore(dir);
    },
  };
}

// ------------------------------------------------------------------ which store (issue 16)

/** PostgreSQL test databases by DATA_DIR (GRIDLINK_TEST_STORE=pg): each DATA_DIR's store is its own database. */
const databases = new Map<string, TestDatabase>();
// Databases of DATA_DIRs a test never removed go when the test file's process ends.
process.once('exit', () => {
  for (const db of new Set(databases.values())) {
    try {
      db.drop();
    } catch {
      // the cluster is gone already
    }
  }
});

/**
 * The store options of a DATA_DIR: none on SQLite (the file in it); with GRIDLINK_TEST_STORE=pg a fresh database
 * of its own, the same one for every later call (seeding, the relay, a restart), dropped by `dropStore`.
 */
export function storeOptions(dataDir: string): StoreOptions {
  let db = databases.get(dataDir);
  if (!db && TEST_STORE !== 'pg') return {};
  if (!db) databases.set(dataDir, (db = createTestDatabase()));
  return { databaseUrl: db.url };
}

/** Pin a DATA_DIR to a database (several relays, each with a DATA_DIR of its own, on one PostgreSQL store). */
export function shareStore(dataDir: string, db: TestDatabase): void {
  databases.set(dataDir, db);
}

export function dropStore(dataDir: string): void {
  const db = databases.get(dataDir);
  databases.delete(dataDir);
  if (db && ![...databases.values()].includes(db)) db.drop();
}

/**
 * The test hook for a full disk, on either store: every write of a doc's update rows fails as a full disk makes it
 * fail. SQLite: the file may not grow by a single page (SQLITE_FULL; a small write may still fit into free space on
 * existing pages). PostgreSQL: a trigger raises disk_full (SQLSTATE 53100), the error a full disk gives. `release`
 * makes room again.
 */
export function fillDisk(store: Store): { release(): void } {
  const sqlite = store.sqlite;
  if (sqlite) {
    sqlite.pragma(`max_page_count = ${sqlite.pragma('page_count', { simple: true }) as number}`);
    return { release: () => void sqlite.pragma('max_page_count = 1073741823') };
  }
  store.db.exec(`
    CREATE OR REPLACE FUNCTION gridlink_test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = '53100'; END $$;
    CREATE TRIGGER gridlink_test_disk_full BEFORE INSERT ON doc_updates FOR EACH STATEMENT EXECUTE FUNCTION gridlink_test_disk_full();
  `);
  return { release: () => store.db.exec('DROP TRIGGER IF EXISTS gridlink_test_disk_full ON doc_updates') };
}

/** The store of a DATA_DIR (the file on SQLite, its test database on PostgreSQL). */
export function openStore(dataDir: string): Store {
  return new Store(dataDir, storeOptions(dataDir));
}

/** The environment of a relay process on a DATA_DIR's store (DATABASE_URL on PostgreSQL). */
export function storeEnv(dataDir: string): Record<string, string> {
  const url = storeOptions(dataDir).databaseUrl;
  return url ? { DATABASE_URL: url, PG_POLL_MS: '200' } : {};
}

/** Seed the fixture county into a DATA_DIR (what the demo seed does, with the small fixture). */
export async function seedFixture(dataDir: string, events: CaseEvent[] = [], org: OrgData = FIXTURE_ORG): Promise<void> {
  const store = openStore(dataDir);
  try {
    await seedStore(store, { org, events }, { password: PASSWORD, clientId: 7 });
  } finally {
    store.close();
  }
}

export interface TestServer extends RunningServer {
  /** The relay serving `url` (the HTTP API): `relay` too, unless GRIDLINK_TEST_RELAYS=2 (startTestServer). */
  httpRelay: Relay;
  /** Every relay of this test server. */
  relays: Relay[];
  dataDir: string;
  wsBase: string;
  stop(): Promise<void>;
}

export async function startTestServer(opts: Partial<StartOptions> & { seed?: boolean } = {}): Promise<TestServer> {
  const tmp = opts.dataDir ? null : tempDir();
  const dataDir = opts.dataDir ?? tmp!.dir;
  if (opts.seed !== false) await seedFixture(dataDir);
  const pg = storeOptions(dataDir).databaseUrl;
  const options: StartOptions = { port: 0, log: quietLogger, staticDir: join(dataDir, 'no-dist'), ...(pg ? { databaseUrl: pg, pgPollMs: 200 } : {}), ...opts, dataDir };
  const server = await startServer(options);
  // GRIDLINK_TEST_RELAYS=2 (with GRIDLINK_TEST_STORE=pg): two relays on the store, the first serving the HTTP API
  // (`url`), the second the sync sockets (`wsBase`), so every write and read of a test crosses from one relay to
  // the other. `relay` and `store` are the second's (what a test watches of the relay is where its sockets are),
  // `httpRelay` and `blobs` the first's (HTTP writes, photo uploads); `relays` both. Tests that start their own
  // relays on a database (multi-relay.test.ts) are left as they are.
  const second = pg && opts.databaseUrl === undefined && TEST_RELAYS === 2 ? await startServer(options) : null;
  const closeBoth = async () => {
    await second?.close();
    await server.close();
  };
  return {
    ...server,
    httpRelay: server.relay,
    relays: second ? [server.relay, second.relay] : [server.relay],
    ...(second ? { relay: second.relay, store: second.store } : {}),
    close: closeBoth,
    dataDir,
    wsBase: (second ?? server).url.replace(/^http/, 'ws'),
    stop: async () => {
      await closeBoth();
      tmp?.remove();
    },
  };
}

export async function api(
  base: string,
  path: string,
  init: { method?: string; token?: string; body?: unknown; rawBody?: string } = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: string | undefined;
  if (init.rawBody !== undefined) body = init.rawBody;
  else if (init.body !== undefined) body = JSON.stringify(init.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Appends `values` to `doc` over a socket as the token's user and waits until the relay has saved them. */
export async function appendAs(wsBase: string, doc: string, token: string, ...values: unknown[]): Promise<void> {
  const c = new SyncClient(wsBase, doc, token);
  try {
    await c.synced(doc);
    c.append(...(values as CaseEvent[]));
    await c.allSaved();
  } finally {
    c.destroy();
  }
}

/** Appends `value` to `doc` over a socket as the token's user and resolves with the relay's refusal code. */
export async function refusedAs(wsBase: string, doc: string, token: string, value: unknown): Promise<string> {
  const c = new SyncClient(wsBase, doc, token);
  try {
    await c.synced(doc);
    const refused = c.refused();
    c.append(value as CaseEvent);
    return (await refused).code;
  } finally {
    c.destroy();
  }
}

export async function login(base: string, username: string, password = PASSWORD): Promise<string> {
  const r = await api(base, '/api/login', { body: { username, password } });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
  return (r.body as { token: string }).token;
}

// ------------------------------------------------------------------ waiting

/** Resolve when `pred` holds, re-checking whenever `source` emits; reject after `ms` naming what was awaited. */
export function waitFor(source: EventEmitter, pred: () => boolean, label: string, ms = WAIT_MS): Promise<void> {
  return new Promise((done, fail) => {
    if (pred()) return done();
    const check = () => {
      let ok: boolean;
      try {
        ok = pred();
      } catch (err) {
        cleanup();
        return fail(err as Error);
      }
      if (ok) {
        cleanup();
        done();
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      fail(new Error(`timed out waiting for ${label}`));
    }, ms);
    const cleanup = () => {
      clearTimeout(timer);
      source.off('change', check);
    };
    source.on('change', check);
  });
}

/** Resolve with the first emission of `event` on `source` whose arguments pass `where`. */
export function once<T extends unknown[]>(
  source: { on(event: string, fn: (...args: T) => void): unknown; off(event: string, fn: (...args: T) => void): unknown },
  event: string,
  where: (...args: T) => boolean = () => true,
  ms = WAIT_MS,
): Promise<T> {
  return new Promise((done, fail) => {
    const listener = (...args: T) => {
      if (!where(...args)) return;
      clearTimeout(timer);
      source.off(event, listener);
      done(args);
    };
    const timer = setTimeout(() => {
      source.off(event, listener);
      fail(new Error(`timed out waiting for '${event}'`));
    }, ms);
    source.on(event, listener);
  });
}

// ------------------------------------------------------------------ clients

/** A device: Y.Doc + y-websocket provider over `ws`, with the relay's ACK and REFUSED messages observable. */
export class SyncClient extends EventEmitter {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  /** State vector of the relay's last ACK. */
  ack: Map<number, number> | null = null;
  acks = 0;
  refusals: Array<{ code: string; detail: string }> = [];
  closeCodes: number[] = [];

  /** `node`: the device's HLC node, told to the relay as the app does (server/contacts.ts). */
  constructor(wsBase: string, docName: string, token: string, opts: { connect?: boolean; node?: string } = {}) {
    super();
    this.setMaxListeners(100);
    this.provider = new WebsocketProvider(`${wsBase}/sync`, docName, this.doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      params: opts.node ? { token, node: opts.node } : { token },
      disableBc: true,
      connect: false,
      maxBackoffTime: 100,
    });
    this.provider.messageHandlers[MSG_ACK] = (_enc, dec) => {
      this.ack = Y.decodeStateVector(decoding.readVarUint8Array(dec));
      this.acks++;
      this.emit('change');
    };
    this.provider.messageHandlers[MSG_REFUSED] = (_enc, dec) => {
      this.refusals.push({ code: decoding.readVarString(dec), detail: decoding.readVarString(dec) });
      this.emit('change');
    };
    this.provider.on('connection-close', (event) => {
      if (event) this.closeCodes.push(event.code);
      this.emit('change');
    });
    this.provider.on('status', () => this.emit('change'));
    this.provider.on('sync', () => this.emit('change'));
    this.doc.on('update', () => this.emit('change'));
    if (opts.connect !== false) this.provider.connect();
  }

  get events(): CaseEvent[] {
    return this.doc.getArray<CaseEvent>(EVENTS_ARRAY).toArray();
  }

  append(...events: CaseEvent[]): void {
    this.doc.getArray<CaseEvent>(EVENTS_ARRAY).push(events);
  }

  /** Everything this device wrote is acknowledged as durable by the relay. */
  get saved(): boolean {
    const own = Y.getState(this.doc.store, this.doc.clientID);
    return (this.ack?.get(this.doc.clientID) ?? 0) >= own;
  }

  synced(label = 'sync'): Promise<void> {
    return waitFor(this, () => this.provider.synced && this.ack !== null, label);
  }

  allSaved(label = 'ACK of own changes'): Promise<void> {
    return waitFor(this, () => this.provider.wsconnected && this.saved, label);
  }

  hasEvents(ids: readonly string[], label = 'events'): Promise<void> {
    return waitFor(
      this,
      () => {
        const have = new Set(this.events.map((e) => e.id));
        return ids.every((id) => have.has(id));
      },
      label,
    );
  }

  refused(label = 'REFUSED'): Promise<{ code: string; detail: string }> {
    const before = this.refusals.length;
    return waitFor(this, () => this.refusals.length > before, label).then(() => this.refusals[this.refusals.length - 1]!);
  }

  destroy(): void {
    this.provider.destroy();
    this.doc.destroy();
  }
}

/**
 * A raw socket that records what it receives (each message decoded by `receive`), its opening and its close, each
 * an awaitable 'change'.
 */
export abstract class SocketRecorder extends EventEmitter {
  readonly ws: WebSocket;
  closed: { code: number; reason: string } | null = null;
  opened = false;

  constructor(url: string, opts: WebSocket.ClientOptions = {}) {
    super();
    this.ws = new WebSocket(url, opts);
    this.ws.binaryType = 'nodebuffer';
    this.ws.on('open', () => {
      this.opened = true;
      this.emit('change');
    });
    this.ws.on('message', (data: Buffer) => {
      this.receive(decoding.createDecoder(new Uint8Array(data)));
      this.emit('change');
    });
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.emit('change');
    });
    this.ws.on('error', () => this.emit('change'));
  }

  /** Records one message, read from its first byte. */
  protected abstract receive(dec: decoding.Decoder): void;

  open(): Promise<void> {
    return waitFor(this, () => this.opened, 'socket open');
  }

  closedWith(label = 'close'): Promise<{ code: number; reason: string }> {
    return waitFor(this, () => this.closed !== null, label).then(() => this.closed!);
  }

  send(bytes: Uint8Array): void {
    this.ws.send(bytes);
  }
}

/** A raw socket speaking bytes, for protocol-level tests (malformed, oversized, hand-made updates). */
export class RawClient extends SocketRecorder {
  messages: Array<{ type: number; payload: Uint8Array }> = [];

  protected override receive(dec: decoding.Decoder): void {
    const type = decoding.readVarUint(dec);
    this.messages.push({ type, payload: decoding.readTailAsUint8Array(dec) });
  }

  static url(wsBase: string, doc: string, token?: string): string {
    return `${wsBase}/sync/${doc}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  }

  count(type: number): number {
    return this.messages.filter((m) => m.type === type).length;
  }

  nextOf(type: number, label: string): Promise<Uint8Array> {
    const before = this.count(type);
    return waitFor(this, () => this.count(type) > before, label).then(() => this.messages.filter((m) => m.type === type)[before]!.payload);
  }
}

/** Frame a sync-protocol update message (type 0, sub type 2) as a client would send it. */
export function updateMessage(update: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, 0);
  encoding.writeVarUint(enc, 2);
  encoding.writeVarUint8Array(enc, update);
  return encoding.toUint8Array(enc);
}

/** The status code a refused upgrade answers with. */
export function upgradeStatus(url: string): Promise<number> {
  return new Promise((done, fail) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => {
      done(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      ws.close();
      fail(new Error(`upgrade to ${url} was accepted`));
    });
    ws.on('error', () => {});
  });
}

// ------------------------------------------------------------------ the relay as a child process

export interface ChildRelay {
  proc: ChildProcess;
  url: string;
  wsBase: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** `node --import tsx server/main.ts` with PORT=0 and the given DATA_DIR; resolves on the listening line. */
export async function spawnRelay(dataDir: string, env: Record<string, string> = {}): Promise<ChildRelay> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, NODE_ENV: 'test', ...storeEnv(dataDir), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errText = '';
  proc.stderr!.on('data', (d: Buffer) => (errText += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    proc.once('exit', (code, signal) => done({ code, signal })),
  );
  const lines = createInterface({ input: proc.stdout! });
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`relay did not start:\n${errText}`)), 20_000);
    lines.on('line', (line) => {
      const m = /^Gridlink listening on (http:\/\/\S+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        done(m[1]!);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      fail(new Error(`relay exited (${code ?? signal}) before listening:\n${errText}`));
    });
  });
  return { proc, url, wsBase: url.replace(/^http/, 'ws'), exited, stderr: () => errText };
}
