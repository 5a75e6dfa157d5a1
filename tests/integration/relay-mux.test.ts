// Many docs over one socket (src/protocol/wire.ts "Multiplexing", server/relay.ts, src/sync/mux.ts): the relay's
// side at the byte level with raw sockets, then y-websocket providers sharing one socket through the client shim.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { muxSocketClass } from '../../src/sync/mux.ts';
import { relayAlive } from '../../src/sync/linkalive.ts';
import { websocketTransport } from '../../src/sync/websocket.ts';
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
  muxControl,
  muxFrame,
} from '../../src/protocol/wire.ts';
import { Actor, casesDoc, login, SocketRecorder, startTestServer, updateMessage, upgradeStatus, USERS, waitFor, type TestServer } from './relay-harness.ts';
import { until } from '../support/wait.ts';

let server: TestServer;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  for (const u of ['town01', 'w0001', 'st01v01']) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  await server?.stop();
});

interface Frame {
  channel: number;
  /** Control frames: op, the channel it is about, and the rest. Doc frames: message type and payload. */
  op?: number;
  about?: number;
  type?: number;
  rest: Uint8Array;
}

/** A raw multiplexed socket. */
class MuxClient extends SocketRecorder {
  frames: Frame[] = [];

  protected override receive(dec: decoding.Decoder): void {
    const channel = decoding.readVarUint(dec);
    if (channel === MUX_CONTROL) {
      const op = decoding.readVarUint(dec);
      const about = decoding.readVarUint(dec);
      this.frames.push({ channel, op, about, rest: decoding.readTailAsUint8Array(dec) });
    } else {
      const type = decoding.readVarUint(dec);
      this.frames.push({ channel, type, rest: decoding.readTailAsUint8Array(dec) });
    }
  }

  control(op: number, channel: number, name?: string): void {
    this.ws.send(name === undefined ? muxControl(op, channel) : muxControl(op, channel, name));
  }

  sendOn(channel: number, msg: Uint8Array): void {
    this.ws.send(muxFrame(channel, msg));
  }

  async next(pred: (f: Frame) => boolean, label: string): Promise<Frame> {
    await waitFor(this, () => this.frames.some(pred), label);
    return this.frames.find(pred)!;
  }
}

const muxUrl = (token?: string) => `${server.wsBase}/sync${token ? `?token=${encodeURIComponent(token)}` : ''}`;
const isControl = (op: number, about: number) => (f: Frame) => f.channel === MUX_CONTROL && f.op === op && f.about === about;

describe('multiplexed relay socket', () => {
  it('refuses a socket without a valid token (401) before any channel', async () => {
    expect(await upgradeStatus(muxUrl())).toBe(401);
    expect(await upgradeStatus(muxUrl('not-a-token'))).toBe(401);
  });

  it('opens several docs on one socket: OPENED, then sync step 1 and ACK per channel; refuses others per channel', async () => {
    const c = new MuxClient(muxUrl(tokens.w0001));
    try {
      await c.open();
      c.control(MUX_OPEN, 1, 'org');
      c.control(MUX_OPEN, 2, casesDoc('t01'));
      c.control(MUX_OPEN, 3, 'people.g0001');
      c.control(MUX_OPEN, 4, 'people.g0002'); // another grid: 403
      c.control(MUX_OPEN, 5, 'people.g9999'); // no such grid: 404
      c.control(MUX_OPEN, 6, casesDoc('t02')); // a worker of t01 may not read t02
      for (const ch of [1, 2, 3]) {
        await c.next(isControl(MUX_OPENED, ch), `opened ${ch}`);
        await c.next((f) => f.channel === ch && f.type === MSG_SYNC, `step 1 on ${ch}`);
        await c.next((f) => f.channel === ch && f.type === MSG_ACK, `ack on ${ch}`);
      }
      const status = async (ch: number) => {
        const f = await c.next(isControl(MUX_REJECTED, ch), `rejected ${ch}`);
        const dec = decoding.createDecoder(f.rest);
        return [decoding.readVarUint(dec), decoding.readVarString(dec)];
      };
      expect(await status(4)).toEqual([403, 'forbidden']);
      expect(await status(5)).toEqual([404, 'not_found']);
      expect(await status(6)).toEqual([403, 'forbidden']);
      expect(c.frames.some((f) => [4, 5, 6].includes(f.channel))).toBe(false);
      expect(server.relay.socketCount()).toBeGreaterThanOrEqual(1);
      expect(c.closed).toBeNull();
    } finally {
      c.ws.close();
    }
  });

  it('refuses a forged write on its channel only, and closes a malformed channel with 4400 while the socket stays', async () => {
    const c = new MuxClient(muxUrl(tokens.w0001));
    try {
      await c.open();
      const doc = casesDoc('t01');
      c.control(MUX_OPEN, 7, doc);
      c.control(MUX_OPEN, 8, 'org');
      await c.next((f) => f.channel === 7 && f.type === MSG_ACK, 'ack 7');
      await c.next((f) => f.channel === 8 && f.type === MSG_ACK, 'ack 8');
      // A report by someone else, sent by w0001: refused on channel 7, nothing applied.
      const forged = new Actor(USERS.town01).report('g0001').event;
      const local = new Y.Doc();
      local.getArray(EVENTS_ARRAY).push([forged]);
      c.sendOn(7, updateMessage(Y.encodeStateAsUpdate(local)));
      const refused = await c.next((f) => f.channel === 7 && f.type === MSG_REFUSED, 'refused');
      expect(decoding.readVarString(decoding.createDecoder(refused.rest))).toBe('forged_actor');
      const onRelay = await server.relay.withDoc(doc, (d) => d.getArray<{ id: string }>(EVENTS_ARRAY).toArray().map((e) => e.id));
      expect(onRelay).not.toContain(forged.id);
      // Garbage on channel 8: that channel is closed with 4400, the socket and channel 7 stay.
      c.sendOn(8, new Uint8Array([250, 250, 250]));
      const closed = await c.next(isControl(MUX_CLOSED, 8), 'channel 8 closed');
      expect(decoding.readVarUint(decoding.createDecoder(closed.rest))).toBe(4400);
      // A valid report of w0001 on channel 7 is still accepted and acknowledged.
      const acksBefore = c.frames.filter((f) => f.channel === 7 && f.type === MSG_ACK).length;
      const mine = new Actor(USERS.w0001).report('g0001').event;
      const fresh = new Y.Doc();
      fresh.getArray(EVENTS_ARRAY).push([mine]);
      c.sendOn(7, updateMessage(Y.encodeStateAsUpdate(fresh)));
      await waitFor(c, () => c.frames.filter((f) => f.channel === 7 && f.type === MSG_ACK).length > acksBefore, 'ack of the valid report');
      const after = await server.relay.withDoc(doc, (d) => d.getArray<{ id: string }>(EVENTS_ARRAY).toArray().map((e) => e.id));
      expect(after).toContain(mine.id);
      expect(c.closed).toBeNull();
    } finally {
      c.ws.close();
    }
  });

  it('a malformed control message closes the whole socket with 4400; a closed channel stops receiving', async () => {
    const c = new MuxClient(muxUrl(tokens.town01));
    const other = new MuxClient(muxUrl(tokens.w0001));
    try {
      await Promise.all([c.open(), other.open()]);
      const doc = casesDoc('t01');
      c.control(MUX_OPEN, 1, doc);
      other.control(MUX_OPEN, 1, doc);
      await c.next((f) => f.channel === 1 && f.type === MSG_ACK, 'ack');
      await other.next((f) => f.channel === 1 && f.type === MSG_ACK, 'ack other');
      c.control(MUX_CLOSE, 1);
      // The relay handles one socket's frames in order: once channel 2 is open, channel 1 is closed.
      c.control(MUX_OPEN, 2, 'org');
      await c.next(isControl(MUX_OPENED, 2), 'opened 2');
      // Another client's write is no longer delivered to the closed channel.
      const before = c.frames.length;
      const acks = other.frames.filter((f) => f.type === MSG_ACK).length;
      const fresh = new Y.Doc();
      fresh.getArray(EVENTS_ARRAY).push([new Actor(USERS.w0001).report('g0001').event]);
      other.sendOn(1, updateMessage(Y.encodeStateAsUpdate(fresh)));
      await waitFor(other, () => other.frames.filter((f) => f.type === MSG_ACK).length > acks, 'ack of the write');
      const c2 = new MuxClient(muxUrl(tokens.town01));
      try {
        // A fresh channel on another socket does get that write (so the silence above is not a slow relay).
        await c2.open();
        c2.control(MUX_OPEN, 1, doc);
        await c2.next((f) => f.channel === 1 && f.type === MSG_ACK, 'ack c2');
      } finally {
        c2.ws.close();
      }
      expect(c.frames.slice(before).filter((f) => f.channel === 1)).toEqual([]);
      // Opening an open channel again is a protocol error: the socket closes.
      c.control(MUX_OPEN, 2, doc);
      expect((await c.closedWith()).code).toBe(4400);
    } finally {
      c.ws.close();
      other.ws.close();
    }
  });

  it('y-websocket providers share one socket through the client shim, converge, and release it when done', async () => {
    const Mux = muxSocketClass(WebSocket as unknown as typeof globalThis.WebSocket);
    const em = new EventEmitter();
    const provider = (name: string, token: string) => {
      const p = new WebsocketProvider(`${server.wsBase}/sync`, name, new Y.Doc(), { params: { token }, WebSocketPolyfill: Mux as never, disableBc: true });
      p.on('sync', () => em.emit('change'));
      p.on('status', () => em.emit('change'));
      p.doc.on('update', () => em.emit('change'));
      return p;
    };
    await until(() => server.relay.socketCount() === 0, 'earlier tests\' sockets closed');
    const socketsBefore = 0;
    const secretary = ['org', casesDoc('t01'), 'people.g0001'].map((name) => provider(name, tokens.st01v01!));
    const refused = provider('people.g0002', tokens.st01v01!);
    const worker = provider(casesDoc('t01'), tokens.w0001!);
    const all = [...secretary, refused, worker];
    try {
      await waitFor(em, () => secretary.every((p) => p.synced) && worker.synced, 'all synced');
      // Two devices (two tokens): two sockets, whatever the number of docs.
      expect(server.relay.socketCount()).toBe(socketsBefore + 2);
      // The refused doc never opens, and counts its attempts like a refused upgrade.
      await waitFor(em, () => refused.wsUnsuccessfulReconnects > 0, 'refused attempt');
      expect(refused.synced).toBe(false);
      // The secretary's report reaches the worker's device through the relay.
      const report = new Actor(USERS.st01v01).report('g0001').event;
      secretary[1]!.doc.getArray(EVENTS_ARRAY).push([report]);
      await waitFor(em, () => worker.doc.getArray<{ id: string }>(EVENTS_ARRAY).toArray().some((e) => e.id === report.id), 'report at the worker');
    } finally {
      for (const p of all) p.destroy();
    }
    // No channel left: each shared socket is closed after its idle delay.
    await until(() => server.relay.socketCount() === socketsBefore, 'shared sockets closed');
  });

  it('a frame for one doc keeps the other docs\' providers alive (issue 16: on 2G their messages wait behind a long catch-up)', async () => {
    const transport = websocketTransport({ wsOrigin: server.wsBase, WebSocketPolyfill: WebSocket });
    const hooks = { onAck: () => {}, onRefused: () => {}, onUpgradeFailed: () => {}, onChange: () => {} };
    const quiet = transport('org', new Y.Doc(), tokens.w0001!, hooks);
    const busy = transport(casesDoc('t01'), new Y.Doc(), tokens.w0001!, hooks);
    const provider = (l: unknown) => (l as { provider: WebsocketProvider }).provider;
    try {
      await until(() => quiet.synced && busy.synced, 'both synced');
      const before = provider(quiet).wsLastMessageReceived;
      const quietDoc = provider(quiet).doc;
      let quietMessages = 0;
      const ws = provider(quiet).ws as unknown as { onmessage: (ev: unknown) => void };
      const own = ws.onmessage;
      ws.onmessage = (ev) => {
        quietMessages++;
        own(ev);
      };
      await new Promise((r) => setTimeout(r, 20));
      // Another device writes to the busy doc only: the relay sends a frame on its channel, none on the quiet one.
      const other = transport(casesDoc('t01'), new Y.Doc(), tokens.town01!, hooks);
      await until(() => other.synced, 'other synced');
      const updatesBefore = quietDoc.store.clients.size;
      provider(other).doc.getArray(EVENTS_ARRAY).push([new Actor(USERS.town01).report('g0001').event]);
      await until(() => provider(busy).doc.getArray(EVENTS_ARRAY).length > 0 && provider(quiet).wsLastMessageReceived > before, 'the frame on the busy channel');
      expect(quietMessages).toBe(0);
      expect(quietDoc.store.clients.size).toBe(updatesBefore);
      other.destroy();
    } finally {
      quiet.destroy();
      busy.destroy();
    }
  });

  it('sends a long offline stretch as slices under the relay\'s message limit; whole, it would be closed with 1009', async () => {
    const small = await startTestServer({ maxMessageBytes: 64 * 1024 });
    try {
      const token = await login(small.url, 'w0001');
      const doc = casesDoc('t01');
      // About 300 kB of this worker's reports, made offline: one sync step 2 on connect.
      const actor = new Actor(USERS.w0001);
      const events = Array.from({ length: 700 }, (_, i) => actor.report('g0001', `离线期间上报的第 ${i} 个问题：道路破损、路灯不亮、垃圾未清运`).event);
      const connect = (maxSendBytes: number) => {
        const ydoc = new Y.Doc();
        ydoc.getArray(EVENTS_ARRAY).push(events);
        expect(Y.encodeStateAsUpdate(ydoc).length).toBeGreaterThan(200 * 1024);
        const Mux = muxSocketClass(WebSocket as unknown as typeof globalThis.WebSocket, { maxSendBytes });
        const p = new WebsocketProvider(`${small.wsBase}/sync`, doc, ydoc, { params: { token }, WebSocketPolyfill: Mux as never, disableBc: true, connect: false });
        const closes: number[] = [];
        p.on('connection-close', (ev) => {
          if (ev) closes.push(ev.code);
        });
        p.connect();
        return { p, closes };
      };
      const stored = () => small.relay.withDoc(doc, (d) => d.getArray(EVENTS_ARRAY).length);

      const whole = connect(Number.POSITIVE_INFINITY);
      try {
        await until(() => whole.closes.includes(1009), 'closed with 1009');
        expect(await stored()).toBe(0);
      } finally {
        whole.p.destroy();
      }

      const sliced = connect(32 * 1024);
      try {
        await until(() => sliced.p.synced, 'synced');
        const deadline = Date.now() + 10_000;
        while ((await stored()) < events.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        expect(await stored()).toBe(events.length);
        expect(sliced.closes).toEqual([]);
      } finally {
        sliced.p.destroy();
      }
    } finally {
      await small.stop();
    }
  });
  it('the app announces no presence on the shared socket, and a quiet link is kept by the heartbeat, not dropped', async () => {
    // What the app's links send, frame by frame (channel, then message type).
    const sent: Array<{ channel: number; type: number }> = [];
    class Recording extends WebSocket {
      override send(data: Parameters<WebSocket['send']>[0], ...rest: unknown[]): void {
        const dec = decoding.createDecoder(new Uint8Array(data as ArrayBuffer));
        const channel = decoding.readVarUint(dec);
        sent.push({ channel, type: decoding.readVarUint(dec) });
        (super.send as (...a: unknown[]) => void)(data, ...rest);
      }
    }
    const silentMs = 1_000;
    const transport = websocketTransport({ wsOrigin: server.wsBase, WebSocketPolyfill: Recording, silentMs });
    let changes = 0;
    const hooks = { onAck: () => {}, onRefused: () => {}, onUpgradeFailed: () => {}, onChange: () => void changes++ };
    await until(() => server.relay.socketCount() === 0, 'earlier tests\' sockets closed');
    const links = ['org', casesDoc('t01'), 'people.g0001'].map((name) => transport(name, new Y.Doc(), tokens.w0001!, hooks));
    try {
      await until(() => links.every((l) => l.synced), 'all synced');
      const docFrames = () => sent.filter((f) => f.channel !== MUX_CONTROL);
      expect(docFrames().filter((f) => f.type === MSG_AWARENESS)).toEqual([]);
      // Three silences: without the heartbeat the hub drops the socket after each (no message from the relay).
      // Meanwhile a first state's download brings the relay's bytes over HTTP (linkalive.ts): that must not hold
      // the heartbeat back, or each provider's own watchdog closes its channel (it sees only the socket's frames).
      const changesBefore = changes;
      const download = setInterval(relayAlive, silentMs / 5);
      await new Promise((r) => setTimeout(r, silentMs * 3));
      clearInterval(download);
      expect(links.every((l) => l.state === 'connected' && l.synced)).toBe(true);
      expect(links.every((l) => l.failures === 0)).toBe(true);
      expect(changes).toBe(changesBefore);
      expect(server.relay.socketCount()).toBe(1);
      const beats = docFrames().filter((f) => f.type === MSG_QUERY_AWARENESS);
      expect(beats.length).toBeGreaterThanOrEqual(2);
      // At most one per half silence for the whole socket, never one per doc.
      expect(beats.length).toBeLessThanOrEqual(7);
      expect(docFrames().filter((f) => f.type === MSG_AWARENESS)).toEqual([]);
    } finally {
      for (const l of links) l.destroy();
    }
  });
});
