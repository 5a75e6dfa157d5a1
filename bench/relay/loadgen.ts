/**
 * Load generator of the relay figure, in a process of its own. It never decodes a Yjs update: it answers the
 * server's sync step 1 with an empty step 2, counts a client as synced at the server's step 2, and finds the probe
 * marker `bq:<writer>.<seq>;` in the raw bytes of each update it receives to time the fan-out. Updates are
 * precomputed by the parent (bench/relay/setup.ts) and sent as they are.
 * With `track` (the soak, bench/figures/soak.ts) each client behaves as a device would, at the cost of reading the
 * meta of every update it receives (Y.parseUpdateMeta, not applying it): it keeps the state vector of what it has
 * received and sent, sends it in its sync step 1, answers the server's step 1 with the updates of its own the server
 * lacks (a writer's updates lost with a killed relay), and records the clock of its own updates in every ACK.
 * Protocols: `ywebsocket` (Gridlink relay, bare relay: `/sync/<doc>?token=`) and `hocuspocus` (one socket per
 * client, every message prefixed with the document name, the auth handshake first).
 * Commands arrive over IPC; each answers with `{id, ...result}`.
 */
import { readFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { MSG_ACK } from '../../src/protocol/wire.ts';

interface ClientSpec {
  doc: string;
  token: string;
  /** The server this client connects to, when not `setup.url` (several relays on one store). */
  url?: string;
}
interface WriterSpec {
  client: number;
  clientId: number;
  updates: string[];
}
interface Setup {
  url: string;
  protocol: 'ywebsocket' | 'hocuspocus';
  clients: ClientSpec[];
  writers: WriterSpec[];
  /** State vector of each doc at setup: {doc: [[client, clock], ...]}. */
  stateVectors: Record<string, Array<[number, number]>>;
  /** Track each client's state as a device would (see above). */
  track?: boolean;
}

const setup = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Setup;
const MARK = Buffer.from('bq:');

// ------------------------------------------------------------------ tiny lib0-compatible encoders
function varUint(out: number[], n: number): void {
  while (n > 0x7f) {
    out.push(0x80 | (n & 0x7f));
    n = Math.floor(n / 128);
  }
  out.push(n);
}
function varBytes(out: number[], b: Uint8Array): void {
  varUint(out, b.length);
  for (const x of b) out.push(x);
}
function varString(out: number[], s: string): void {
  varBytes(out, Buffer.from(s, 'utf8'));
}
function readVarUint(b: Uint8Array, pos: { i: number }): number {
  let n = 0;
  let mult = 1;
  for (;;) {
    const x = b[pos.i++]!;
    n += (x & 0x7f) * mult;
    if (x < 0x80) return n;
    mult *= 128;
  }
}

interface Client {
  spec: ClientSpec;
  ws: WebSocket | null;
  synced: boolean;
  syncedAt: number;
  /** When this client last began to connect, and when that socket opened. */
  joinedAt: number;
  openedAt: number;
  prefix: number[];
  /** With `track`: what this client has (received, sent); updates received ahead of a gap wait in `pending`. */
  sv: Map<number, number>;
  pending: Array<{ from: Map<number, number>; to: Map<number, number> }>;
  /** With `track`, for a writer: the clock of its own updates in the server's sync step 1 of this connection. */
  joinClock: number;
  writer: WriterSpec | null;
}

const clients: Client[] = setup.clients.map((spec) => ({
  spec,
  ws: null,
  synced: false,
  syncedAt: 0,
  joinedAt: 0,
  openedAt: 0,
  prefix: setup.protocol === 'hocuspocus' ? docPrefix(spec.doc) : [],
  sv: new Map(setup.stateVectors[spec.doc] ?? []),
  pending: [],
  joinClock: -1,
  writer: null,
}));
for (const w of setup.writers) clients[w.client]!.writer = w;
/** With `track`: the highest clock of each writer's own updates in an ACK it received (durable on the relay). */
const acked = new Map<number, number>();
const sent = new Map<string, number>();
const sentCount = new Map<number, number>();
let latencies: number[] = [];
let deliveries = 0;
let errors = 0;

function docPrefix(doc: string): number[] {
  const out: number[] = [];
  varString(out, doc);
  return out;
}

function frame(c: Client, body: number[]): Buffer {
  return Buffer.from([...c.prefix, ...body]);
}

/**
 * The state vector this client would have: with `track` its own; otherwise the doc at setup plus every update the
 * writers sent to it.
 */
function stateVector(c: Client): Uint8Array {
  let sv = c.sv;
  if (!setup.track) {
    sv = new Map(setup.stateVectors[c.spec.doc] ?? []);
    for (const w of setup.writers) {
      if (clients[w.client]!.spec.doc !== c.spec.doc) continue;
      const n = sentCount.get(w.clientId) ?? 0;
      if (n > 0) sv.set(w.clientId, n);
    }
  }
  const out: number[] = [];
  varUint(out, sv.size);
  for (const [client, clock] of sv) {
    varUint(out, client);
    varUint(out, clock);
  }
  return Uint8Array.from(out);
}

function readStateVector(b: Uint8Array, pos: { i: number }): Map<number, number> {
  readVarUint(b, pos); // byte length of the encoded vector
  const sv = new Map<number, number>();
  for (let n = readVarUint(b, pos); n > 0; n--) sv.set(readVarUint(b, pos), readVarUint(b, pos));
  return sv;
}

/** With `track`: the client has an update whose meta is this; ahead of a gap it waits until the gap is filled. */
function receive(c: Client, meta: { from: Map<number, number>; to: Map<number, number> }): void {
  const fits = (m: typeof meta) => [...m.from].every(([client, clock]) => clock <= (c.sv.get(client) ?? 0));
  if (!fits(meta)) {
    c.pending.push(meta);
    return;
  }
  for (const [client, clock] of meta.to) if (clock > (c.sv.get(client) ?? 0)) c.sv.set(client, clock);
  const i = c.pending.findIndex(fits);
  if (i >= 0) receive(c, c.pending.splice(i, 1)[0]!);
}

/** With `track`: answer the server's step 1 with this client's own updates it lacks (none unless a writer). */
function catchUp(c: Client, server: Map<number, number>): Uint8Array {
  const w = c.writer;
  if (!w) return Uint8Array.from([0, 0]);
  const have = server.get(w.clientId) ?? 0;
  c.joinClock = have;
  const sent = sentCount.get(w.clientId) ?? 0;
  if (have >= sent) return Uint8Array.from([0, 0]);
  return Y.mergeUpdates(w.updates.slice(have, sent).map((u) => Buffer.from(u, 'base64')));
}

function onMessage(c: Client, raw: Buffer): void {
  const b = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  const pos = { i: 0 };
  if (setup.protocol === 'hocuspocus') {
    const len = readVarUint(b, pos);
    pos.i += len;
  }
  const type = readVarUint(b, pos);
  if (type === 2 && setup.protocol === 'hocuspocus') {
    // Authenticated: ask for the doc with our state vector.
    const sub = readVarUint(b, pos);
    if (sub === 2) sendStep1(c);
    return;
  }
  if (type === MSG_ACK && setup.track && c.writer) {
    const clock = readStateVector(b, pos).get(c.writer.clientId) ?? 0;
    if (clock > (acked.get(c.writer.clientId) ?? 0)) acked.set(c.writer.clientId, clock);
    return;
  }
  if (type !== 0 && type !== 4) return;
  const sub = readVarUint(b, pos);
  if (setup.track && sub !== 0) {
    const at = { i: pos.i };
    const len = readVarUint(b, at);
    receive(c, Y.parseUpdateMeta(b.subarray(at.i, at.i + len)));
  }
  if (sub === 0) {
    // The server's step 1: without `track` we have nothing it lacks, answer with an empty update.
    const body: number[] = [];
    varUint(body, setup.protocol === 'hocuspocus' ? 4 : 0);
    varUint(body, 1);
    varBytes(body, setup.track ? catchUp(c, readStateVector(b, pos)) : Uint8Array.from([0, 0]));
    c.ws?.send(frame(c, body));
  } else if (sub === 1) {
    if (!c.synced) {
      c.synced = true;
      c.syncedAt = performance.now();
    }
  } else if (sub === 2) {
    const at = raw.indexOf(MARK, pos.i);
    if (at < 0) return;
    const end = raw.indexOf(0x3b, at); // ';'
    const key = raw.subarray(at + 3, end).toString('latin1');
    const t0 = sent.get(key);
    if (t0 !== undefined) {
      deliveries++;
      latencies.push(performance.now() - t0);
    }
  }
}

function sendStep1(c: Client): void {
  const body: number[] = [];
  varUint(body, 0);
  varUint(body, 0);
  varBytes(body, stateVector(c));
  c.ws?.send(frame(c, body));
}

function open(c: Client): void {
  c.synced = false;
  c.joinClock = -1;
  c.joinedAt = performance.now();
  const base = c.spec.url ?? setup.url;
  const url = setup.protocol === 'hocuspocus' ? base : `${base}/sync/${encodeURIComponent(c.spec.doc)}?token=${encodeURIComponent(c.spec.token)}`;
  const ws = new WebSocket(url, { perMessageDeflate: true });
  c.ws = ws;
  ws.binaryType = 'nodebuffer';
  ws.on('open', () => {
    c.openedAt = performance.now();
    if (setup.protocol === 'hocuspocus') {
      const body: number[] = [];
      varUint(body, 2);
      varUint(body, 0);
      varString(body, c.spec.token);
      ws.send(frame(c, body));
    } else {
      sendStep1(c);
    }
  });
  ws.on('message', (d: Buffer) => onMessage(c, d));
  ws.on('error', () => {
    errors++;
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(f: () => boolean, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (!f()) {
    if (performance.now() > end) return false;
    await sleep(20);
  }
  return true;
}

/** Open clients [from, to) at `perSecond`, wait until all are synced. */
async function connect(from: number, to: number, perSecond: number): Promise<{ ms: number; synced: number }> {
  const t0 = performance.now();
  for (let i = from; i < to; i++) {
    open(clients[i]!);
    if ((i - from) % 20 === 19) await sleep((20 / perSecond) * 1000);
  }
  await until(() => clients.slice(from, to).every((c) => c.synced), 120_000);
  return { ms: performance.now() - t0, synced: clients.slice(from, to).filter((c) => c.synced).length };
}

const cursor = new Map<number, number>();
function sendNext(w: WriterSpec): boolean {
  const i = cursor.get(w.clientId) ?? 0;
  if (i >= w.updates.length) return false;
  const c = clients[w.client]!;
  if (!c.ws || c.ws.readyState !== WebSocket.OPEN) return false;
  cursor.set(w.clientId, i + 1);
  const update = Buffer.from(w.updates[i]!, 'base64');
  const at = update.indexOf(MARK);
  const key = update.subarray(at + 3, update.indexOf(0x3b, at)).toString('latin1');
  const body: number[] = [];
  varUint(body, 0);
  varUint(body, 2);
  varBytes(body, update);
  sent.set(key, performance.now());
  sentCount.set(w.clientId, i + 1);
  if (setup.track && i + 1 > (c.sv.get(w.clientId) ?? 0)) c.sv.set(w.clientId, i + 1);
  c.ws.send(frame(c, body));
  return true;
}

/** Send updates round-robin over the writers at `updatesPerSecond` for `seconds`; then wait for stragglers. */
async function load(updatesPerSecond: number, seconds: number): Promise<{ sentUpdates: number; deliveries: number; latencies: number[]; ms: number }> {
  latencies = [];
  deliveries = 0;
  let sentUpdates = 0;
  const t0 = performance.now();
  // A rate of 0 sends nothing: the load is then only the clients' presence (the soak's variant without writes).
  const interval = updatesPerSecond > 0 ? 1000 / updatesPerSecond : Infinity;
  let next = updatesPerSecond > 0 ? t0 : Infinity;
  let w = 0;
  while (performance.now() - t0 < seconds * 1000) {
    const now = performance.now();
    while (next <= now) {
      if (sendNext(setup.writers[w % setup.writers.length]!)) sentUpdates++;
      w++;
      next += interval;
    }
    await sleep(Math.max(1, Math.min(10, next - performance.now())));
  }
  const ms = performance.now() - t0;
  await sleep(2000);
  return { sentUpdates, deliveries, latencies: [...latencies], ms };
}

/**
 * Close every socket, then reopen each at a moment spread evenly (in a shuffled order) over `spreadMs`; time until
 * all are synced, from the first reconnect (spread included) and from the last client's join (the relay's part):
 * its connect began (`fromLastJoinMs`) or its socket opened (`fromLastOpenMs`); and the p99 of each client's time from
 * its join to its sync (`clientP99Ms`).
 */
async function storm(spreadMs: number): Promise<{ ms: number; fromLastJoinMs: number; fromLastOpenMs: number; clientP99Ms: number; synced: number; total: number }> {
  for (const c of clients) {
    c.ws?.terminate();
    c.synced = false;
  }
  await sleep(1000);
  const t0 = performance.now();
  const order = clients.map((c, i) => ({ c, at: ((i * 7919) % clients.length) / clients.length * spreadMs }));
  for (const { c, at } of order) setTimeout(() => open(c), at);
  const ok = await until(() => clients.every((c) => c.synced), 120_000);
  const last = Math.max(...clients.map((c) => c.syncedAt));
  const lastJoin = Math.max(...clients.map((c) => c.joinedAt));
  const lastOpen = Math.max(...clients.map((c) => c.openedAt));
  const each = clients.filter((c) => c.synced).map((c) => c.syncedAt - c.joinedAt).sort((a, b) => a - b);
  const clientP99Ms = each.length ? each[Math.min(each.length - 1, Math.ceil(0.99 * each.length) - 1)]! : NaN;
  return { ms: ok ? last - t0 : NaN, fromLastJoinMs: ok ? last - lastJoin : NaN, fromLastOpenMs: ok ? last - lastOpen : NaN, clientP99Ms, synced: clients.filter((c) => c.synced).length, total: clients.length };
}

/** Wait until every socket is closed (the relay was killed), at most `ms`; how many still are not. */
async function closed(ms: number): Promise<number> {
  const open = () => clients.filter((c) => c.ws && c.ws.readyState !== WebSocket.CLOSED).length;
  await until(() => open() === 0, ms);
  for (const c of clients) c.synced = false;
  return open();
}

process.on('message', (msg: { id: number; cmd: string; args: number[] }) => {
  const run = async (): Promise<unknown> => {
    switch (msg.cmd) {
      case 'connect':
        return connect(msg.args[0]!, msg.args[1]!, msg.args[2]!);
      case 'load':
        return load(msg.args[0]!, msg.args[1]!);
      case 'storm':
        return storm(msg.args[0]!);
      case 'closed':
        return closed(msg.args[0]!);
      // With `track`: each writer's acknowledged clock, each writer's clock in the server's step 1 of its last
      // connection, and each client's state (its vector, updates waiting behind a gap).
      case 'acked':
        return [...acked];
      case 'joinClocks':
        return setup.writers.map((w) => [w.clientId, clients[w.client]!.joinClock]);
      case 'state':
        return clients.map((c) => ({ doc: c.spec.doc, sv: [...c.sv], pending: c.pending.length, synced: c.synced }));
      case 'close':
        for (const c of clients) c.ws?.terminate();
        return { errors };
      default:
        throw new Error(`unknown command ${msg.cmd}`);
    }
  };
  run().then(
    (result) => process.send!({ id: msg.id, result }),
    (e: unknown) => process.send!({ id: msg.id, error: String(e) }),
  );
});
process.send!({ ready: true });
process.on('disconnect', () => process.exit(0));
