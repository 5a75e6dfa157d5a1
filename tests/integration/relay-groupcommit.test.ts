// Group commit (issue 16, server/relay.ts): the updates of one burst, from several clients, are inspected in arrival
// order, committed in ONE transaction, and only then broadcast and acknowledged; a refused update in a burst leaves
// the others accepted and nothing of itself stored; a burst whose commit fails stores nothing, sends nothing of
// itself, and leaves the doc serving everyone else from what is durable.
//
// A busy relay paces its commits (`CommitPacing`): updates that arrive within its spacing are committed together,
// and what one connection is sent of them leaves in one socket write.
//
// How: the store's `appendUpdates` is wrapped (it records each transaction's rows, and can be made to fail once),
// and every message the relay's sockets send is checked as it is sent: an ACK's state vector and an update's
// structs must already be in the store (read back from SQLite at that moment). Messages leave the relay two ways:
// through `ws.send` (wrapped) and as prebuilt frames written to the socket (server/wsframe.ts; `net.Socket` writes
// are parsed back into frames). The test shares the relay's event loop, so a burst is made by sending frames on
// several sockets and then holding the loop until they are all in the relay's socket buffers: the relay reads them in
// one poll phase.
import * as decoding from 'lib0/decoding';
import { Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { storedParts, type UpdateRow } from '../../server/store.ts';
import type { CaseEvent } from '../../src/domain/events.ts';
import { EVENTS_ARRAY, MSG_ACK, MSG_REFUSED, MSG_SYNC } from '../../src/protocol/wire.ts';
import { Actor, casesDoc, login, RawClient, startTestServer, storedText, SyncClient, updateMessage, USERS, waitFor, type TestServer } from './relay-harness.ts';

const DOC = casesDoc('t01');
let server: TestServer;
/** The server the test at hand uses (the paced one in its own describe). */
let current: TestServer;
let tokens: { w0001: string; town01: string; county: string };
/** The rows of each committed transaction of doc updates, in order, and when each began. */
const commits: UpdateRow[][] = [];
const commitTimes: number[] = [];
/** The number of whole frames in each prebuilt-frame write the relay made to a socket. */
const frameWrites: number[] = [];
/** Messages the relay sent that said more than the store held at that moment. */
const violations: string[] = [];
let failNextCommit: Error | null = null;
let restoreSend: () => void = () => {};
const open: Array<{ destroy(): void }> = [];

/** The doc's state vector as the store holds it now. */
function durable(): Map<number, number> {
  const doc = new Y.Doc();
  for (const p of storedParts(current.store.loadDoc(DOC))) Y.applyUpdate(doc, p);
  const sv = Y.decodeStateVector(Y.encodeStateVector(doc));
  doc.destroy();
  return sv;
}

/** An ACK or an update sent by the relay must say only what is durable (single-doc sockets: no channel prefix). */
function checkSent(data: Uint8Array): void {
  const dec = decoding.createDecoder(data);
  const type = decoding.readVarUint(dec);
  let claimed: Map<number, number> | null = null;
  if (type === MSG_ACK) claimed = Y.decodeStateVector(decoding.readVarUint8Array(dec));
  else if (type === MSG_SYNC) {
    const sub = decoding.readVarUint(dec);
    if (sub !== 0) claimed = Y.parseUpdateMeta(decoding.readVarUint8Array(dec)).to;
  }
  if (!claimed) return;
  const have = durable();
  for (const [client, clock] of claimed) {
    if (clock > (have.get(client) ?? 0)) violations.push(`${type === MSG_ACK ? 'ACK' : 'update'} of client ${client} up to ${clock}, store has ${have.get(client) ?? 0}`);
  }
}

/**
 * The payloads of `chunk` when it is one or more whole frames as the relay writes them (final, binary, unmasked);
 * null for anything else (a client's masked frames, HTTP, ws's own header-then-payload writes).
 */
function serverFrames(chunk: Uint8Array): Uint8Array[] | null {
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < chunk.length) {
    if (chunk[i] !== 0x82 || i + 2 > chunk.length || (chunk[i + 1]! & 0x80) !== 0) return null;
    let len = chunk[i + 1]!;
    let head = 2;
    if (len === 126) {
      if (i + 4 > chunk.length) return null;
      len = (chunk[i + 2]! << 8) | chunk[i + 3]!;
      head = 4;
    } else if (len === 127) return null;
    if (i + head + len > chunk.length) return null;
    out.push(chunk.subarray(i + head, i + head + len));
    i += head + len;
  }
  return out.length ? out : null;
}

/** Record the transactions of `s`'s store (and fail one when asked). */
function instrument(s: TestServer): void {
  const store = s.store;
  const appendUpdates = store.appendUpdates.bind(store);
  store.appendUpdates = (rows) => {
    if (failNextCommit) {
      const err = failNextCommit;
      failNextCommit = null;
      throw err;
    }
    commitTimes.push(performance.now());
    const seqs = appendUpdates(rows);
    commits.push([...rows]);
    return seqs;
  };
}

beforeAll(async () => {
  current = server = await startTestServer();
  tokens = { w0001: await login(server.url, 'w0001'), town01: await login(server.url, 'town01'), county: await login(server.url, 'county') };
  instrument(server);
  type Send = (this: WebSocket, data: unknown, ...rest: unknown[]) => void;
  const send = WebSocket.prototype.send as unknown as Send;
  (WebSocket.prototype as unknown as { send: Send }).send = function (this: WebSocket, data: unknown, ...rest: unknown[]) {
    if ((this as unknown as { _isServer: boolean })._isServer && data instanceof Uint8Array) checkSent(data);
    send.call(this, data, ...rest);
  };
  type Write = (this: Socket, chunk: unknown, ...rest: unknown[]) => boolean;
  const write = Socket.prototype.write as unknown as Write;
  (Socket.prototype as unknown as { write: Write }).write = function (this: Socket, chunk: unknown, ...rest: unknown[]) {
    const frames = chunk instanceof Uint8Array ? serverFrames(chunk) : null;
    if (frames) {
      frameWrites.push(frames.length);
      for (const f of frames) checkSent(f);
    }
    return write.call(this, chunk, ...rest);
  };
  restoreSend = () => {
    (WebSocket.prototype as unknown as { send: Send }).send = send;
    (Socket.prototype as unknown as { write: Write }).write = write;
  };
});

afterAll(async () => {
  restoreSend();
  for (const c of open) c.destroy();
  await server?.stop();
});

beforeEach(() => {
  commits.length = 0;
  commitTimes.length = 0;
  frameWrites.length = 0;
  violations.length = 0;
});

/** A device of w0001 on a raw socket (no compression: its frames leave at once), with its own Yjs client. */
async function device(node: string): Promise<{ raw: RawClient; actor: Actor; report(text: string): { event: CaseEvent; message: Uint8Array } }> {
  const raw = new RawClient(RawClient.url(current.wsBase, DOC, tokens.w0001), { perMessageDeflate: false });
  open.push({ destroy: () => raw.ws.terminate() });
  await raw.open();
  await waitFor(raw, () => raw.count(MSG_ACK) >= 1, 'first ACK');
  const actor = new Actor(USERS.w0001, node);
  const doc = new Y.Doc();
  return {
    raw,
    actor,
    report(text) {
      const event = actor.report('g0001', text).event;
      const before = Y.encodeStateVector(doc);
      doc.getArray<CaseEvent>(EVENTS_ARRAY).push([event]);
      return { event, message: updateMessage(Y.encodeStateAsUpdate(doc, before)) };
    },
  };
}

/** A device whose events are another user's (w0002): the relay refuses them (forged_actor). */
function forged(text: string): { event: CaseEvent; message: Uint8Array } {
  const event = new Actor(USERS.w0002, 'forger').report('g0002', text).event;
  const doc = new Y.Doc();
  doc.getArray<CaseEvent>(EVENTS_ARRAY).push([event]);
  return { event, message: updateMessage(Y.encodeStateAsUpdate(doc)) };
}

/** Send frames on their sockets, then hold the event loop (shared with the relay) until all have arrived. */
function burst(frames: Array<[RawClient, Uint8Array]>): void {
  for (const [raw, message] of frames) raw.send(message);
  const until = Date.now() + 150;
  while (Date.now() < until) {
    // Busy on purpose: the relay must not read before every frame is in its socket buffers.
  }
}

async function watcher(): Promise<SyncClient> {
  const w = new SyncClient(current.wsBase, DOC, tokens.town01);
  open.push(w);
  await w.synced();
  return w;
}

/** The ACK and REFUSED messages a socket got after its first `skip` of them, in order. */
function answers(raw: RawClient, skip: number): string[] {
  return raw.messages
    .filter((m) => m.type === MSG_ACK || m.type === MSG_REFUSED)
    .slice(skip)
    .map((m) => (m.type === MSG_ACK ? 'ACK' : 'REFUSED'));
}

describe('group commit', () => {
  it('commits a burst of updates from several clients in one transaction, and acknowledges and broadcasts only after it', async () => {
    const town = await watcher();
    const devices = await Promise.all(['gc-a', 'gc-b', 'gc-c'].map((n) => device(n)));
    const sent = devices.map((d) => [d.report(`${d.actor.user.id} 一`), d.report(`${d.actor.user.id} 二`)] as const);
    burst([0, 1].flatMap((k) => devices.map((d, i) => [d.raw, sent[i]![k]!.message] as [RawClient, Uint8Array])));
    for (const d of devices) await waitFor(d.raw, () => d.raw.count(MSG_ACK) >= 3, 'ACK of both updates');
    const ids = sent.flat().map((s) => s.event.id);
    await town.hasEvents(ids);

    // One transaction for the six (the burst arrived in one poll phase), each update one row, in arrival order.
    console.info(`group commit: ${commits.length} transaction(s) of ${commits.map((c) => c.length).join(', ')} rows`);
    expect(commits.flat()).toHaveLength(6);
    expect(commits).toHaveLength(1);
    // Arrival order is per socket (the relay reads one socket's frames, then the next): each device's two in order.
    const rows = commits[0]!;
    const rowOf = (e: CaseEvent) => rows.findIndex((r) => Buffer.from(r.update).includes(Buffer.from(e.id)));
    for (const [first, second] of sent) {
      expect(rowOf(first.event)).toBeGreaterThanOrEqual(0);
      expect(rowOf(first.event)).toBeLessThan(rowOf(second.event));
      // Each row carries its case for the index, committed with it.
      expect(rows[rowOf(first.event)]!.reportedCaseIds).toEqual([first.event.caseId]);
    }
    expect(violations).toEqual([]);
    const text = storedText(server.dataDir, DOC, 'utf8');
    for (const id of ids) expect(text).toContain(id);
  });

  it('a refused update in the middle of a burst: the others are accepted, nothing of it is stored or sent', async () => {
    const town = await watcher();
    const a = await device('gc-d');
    const b = await device('gc-e');
    const [u1, u3, v1] = [a.report('之前'), a.report('之后'), b.report('别的设备')];
    const bad = forged('冒名');
    const acksBefore = a.raw.messages.filter((m) => m.type === MSG_ACK || m.type === MSG_REFUSED).length;
    burst([
      [a.raw, u1.message],
      [a.raw, bad.message],
      [b.raw, v1.message],
      [a.raw, u3.message],
    ]);
    await waitFor(a.raw, () => answers(a.raw, acksBefore).length >= 3, 'three answers');
    await waitFor(b.raw, () => b.raw.count(MSG_ACK) >= 2, 'ACK of the other device');
    // The author's answers come in the order of its messages: the refusal between the two ACKs.
    expect(answers(a.raw, acksBefore)).toEqual(['ACK', 'REFUSED', 'ACK']);
    const refusal = a.raw.messages.find((m) => m.type === MSG_REFUSED)!;
    expect(decoding.readVarString(decoding.createDecoder(refusal.payload))).toBe('forged_actor');

    await town.hasEvents([u1.event.id, v1.event.id, u3.event.id]);
    expect(town.events.some((e) => e.id === bad.event.id)).toBe(false);
    expect(commits.flat()).toHaveLength(3);
    expect(commits.flat().some((r) => Buffer.from(r.update).includes(Buffer.from(bad.event.id)))).toBe(false);
    expect(storedText(server.dataDir, DOC, 'utf8')).not.toContain(bad.event.id);
    expect(violations).toEqual([]);
  });

  it('a burst whose commit fails: nothing stored or sent, its senders closed, the doc keeps serving from the store', async () => {
    const town = await watcher();
    const a = await device('gc-f');
    const b = await device('gc-g');
    const lost = [a.report('提交失败一'), b.report('提交失败二')];
    failNextCommit = new Error('injected commit failure');
    burst([
      [a.raw, lost[0]!.message],
      [b.raw, lost[1]!.message],
    ]);
    const closed = await Promise.all([a.raw.closedWith(), b.raw.closedWith()]);
    expect(closed.map((c) => c.code)).toEqual([1011, 1011]);
    expect(failNextCommit).toBeNull();
    expect(commits).toHaveLength(0);

    // The watcher stays connected and got nothing of the burst; the doc in memory is the store's again.
    const c = await device('gc-h');
    const after = c.report('之后一条');
    burst([[c.raw, after.message]]);
    await town.hasEvents([after.event.id]);
    expect(town.closeCodes).toEqual([]);
    expect(town.events.some((e) => lost.some((l) => l.event.id === e.id))).toBe(false);
    const fresh = new SyncClient(server.wsBase, DOC, tokens.county);
    open.push(fresh);
    await fresh.synced();
    await fresh.hasEvents([after.event.id]);
    expect(fresh.events.some((e) => lost.some((l) => l.event.id === e.id))).toBe(false);
    const text = storedText(server.dataDir, DOC, 'utf8');
    for (const l of lost) expect(text).not.toContain(l.event.id);
    expect(violations).toEqual([]);

    // The devices send again after reconnecting: accepted then.
    const again = await device('gc-f2');
    burst([[again.raw, lost[0]!.message]]);
    await town.hasEvents([lost[0]!.event.id]);
  });
});

describe('commit pacing of a busy relay', () => {
  // Busy after 3 updates within 10 s; then a burst waits until 600 ms after the previous commit began.
  const SPACING = 600;
  let paced: TestServer;
  let serverTokens: typeof tokens;
  beforeAll(async () => {
    paced = await startTestServer({ commitPacing: { busyUpdates: 3, windowMs: 10_000, spacingMs: SPACING } });
    instrument(paced);
    current = paced;
    serverTokens = tokens;
    tokens = { w0001: await login(paced.url, 'w0001'), town01: await login(paced.url, 'town01'), county: await login(paced.url, 'county') };
  });
  afterAll(async () => {
    current = server;
    tokens = serverTokens;
    await paced?.stop();
  });

  it('a busy relay holds its next burst open until its spacing: updates arriving meanwhile share one commit and one write per connection', async () => {
    const town = await watcher();
    const a = await device('pace-a');
    const b = await device('pace-b');
    // Three updates, one commit each: the relay is busy now (the third already waited for its spacing).
    for (const [i, d] of [a, a, b].entries()) {
      const acks = d.raw.count(MSG_ACK);
      d.raw.send(d.report(`预热 ${i}`).message);
      await waitFor(d.raw, () => d.raw.count(MSG_ACK) > acks, 'warm-up ACK');
    }
    expect(commits.map((c) => c.length)).toEqual([1, 1, 1]);
    const warm = commitTimes.at(-1)!;
    frameWrites.length = 0;

    // Three updates from two devices, each in its own poll phase (the event loop is free between them).
    const later = [a.report('第一条'), b.report('第二条'), a.report('第三条')];
    const acksA = a.raw.count(MSG_ACK);
    const acksB = b.raw.count(MSG_ACK);
    for (const [i, u] of later.entries()) {
      const from = i === 1 ? b : a;
      from.raw.send(u.message);
      await new Promise((r) => setTimeout(r, 40));
    }
    await waitFor(a.raw, () => a.raw.count(MSG_ACK) >= acksA + 2, 'ACKs of both of a');
    await waitFor(b.raw, () => b.raw.count(MSG_ACK) >= acksB + 1, 'ACK of b');
    await town.hasEvents(later.map((u) => u.event.id));

    // One transaction for the three, begun no sooner than the spacing after the warm-up's last.
    expect(commits.slice(3).map((c) => c.length)).toEqual([3]);
    expect(commitTimes[3]! - warm).toBeGreaterThanOrEqual(SPACING - 1);
    // The watcher got the three updates in one socket write.
    expect(Math.max(...frameWrites)).toBeGreaterThanOrEqual(3);
    expect(violations).toEqual([]);
  });
});
