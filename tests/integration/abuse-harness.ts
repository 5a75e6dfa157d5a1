/**
 * Pieces of the issue-10 abuse tests (relay-abuse.test.ts, relay-limits.test.ts): raw multiplexed and single-doc
 * sockets that keep only what a test asks about (a flood must not fill the test process instead of the relay),
 * awareness messages made by hand, ACK latency of an honest device, and percentiles.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { MSG_AWARENESS, MSG_QUERY_AWARENESS, MSG_SYNC, MUX_CONTROL, muxControl, muxFrame } from '../../src/protocol/wire.ts';
import { Actor, casesDoc, SyncClient, USERS, waitFor } from './relay-harness.ts';

/** A raw socket (single doc, or multiplexed when `mux`) that counts and keeps what `keep` selects. */
export class LeanSocket extends EventEmitter {
  readonly ws: WebSocket;
  opened = false;
  closed: { code: number; reason: string } | null = null;
  received = 0;
  receivedBytes = 0;
  /** The largest awareness message received (bytes). */
  largestAwareness = 0;
  awarenessMessages = 0;
  /** Kept frames: channel (0 on a single-doc socket), type or control op, the rest. */
  kept: Array<{ channel: number; type: number; about?: number; rest: Uint8Array }> = [];
  unexpectedStatus: number | null = null;

  constructor(
    url: string,
    private readonly mux = false,
    private readonly keep: (channel: number, type: number) => boolean = () => true,
  ) {
    super();
    this.setMaxListeners(1000);
    this.ws = new WebSocket(url);
    this.ws.binaryType = 'nodebuffer';
    this.ws.on('open', () => {
      this.opened = true;
      this.emit('change');
    });
    this.ws.on('unexpected-response', (_req, res) => {
      this.unexpectedStatus = res.statusCode ?? 0;
      this.emit('change');
    });
    this.ws.on('message', (data: Buffer) => {
      this.received++;
      this.receivedBytes += data.byteLength;
      const dec = decoding.createDecoder(new Uint8Array(data));
      const channel = this.mux ? decoding.readVarUint(dec) : 0;
      const type = decoding.readVarUint(dec);
      if (channel !== MUX_CONTROL || !this.mux) {
        if (type === MSG_AWARENESS) {
          this.awarenessMessages++;
          this.largestAwareness = Math.max(this.largestAwareness, data.byteLength);
        }
      }
      if (this.keep(channel, type)) {
        const about = this.mux && channel === MUX_CONTROL ? decoding.readVarUint(dec) : undefined;
        this.kept.push({ channel, type, ...(about === undefined ? {} : { about }), rest: decoding.readTailAsUint8Array(dec) });
      }
      this.emit('change');
    });
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.emit('change');
    });
    this.ws.on('error', () => this.emit('change'));
  }

  open(ms?: number): Promise<void> {
    return waitFor(this, () => this.opened, 'socket open', ms);
  }

  closedWith(label = 'close', ms?: number): Promise<{ code: number; reason: string }> {
    return waitFor(this, () => this.closed !== null, label, ms).then(() => this.closed!);
  }

  has(pred: (f: LeanSocket['kept'][number]) => boolean, label: string, ms?: number): Promise<void> {
    return waitFor(this, () => this.kept.some(pred), label, ms);
  }

  /** Send a doc message (on `channel` of a multiplexed socket). */
  sendDoc(msg: Uint8Array, channel = 0): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(this.mux ? muxFrame(channel, msg) : msg);
  }

  control(op: number, channel: number, name?: string): void {
    this.ws.send(name === undefined ? muxControl(op, channel) : muxControl(op, channel, name));
  }

  /** The TCP socket under the websocket: pause it to stop reading (a client that never reads). */
  get tcp(): Socket {
    return (this.ws as unknown as { _socket: Socket })._socket;
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }
}

/** An awareness message: `states` as client id -> [clock, state JSON or null]. */
export function awarenessMsg(states: Array<[id: number, clock: number, state: unknown]>): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, states.length);
  for (const [id, clock, state] of states) {
    encoding.writeVarUint(inner, id);
    encoding.writeVarUint(inner, clock);
    encoding.writeVarString(inner, JSON.stringify(state));
  }
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MSG_AWARENESS);
  encoding.writeVarUint8Array(enc, encoding.toUint8Array(inner));
  return encoding.toUint8Array(enc);
}

export function queryAwarenessMsg(): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MSG_QUERY_AWARENESS);
  return encoding.toUint8Array(enc);
}

/** Sync step 1 with an empty state vector: "send me the whole doc". */
export function fullSyncRequest(): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MSG_SYNC);
  encoding.writeVarUint(enc, 0);
  encoding.writeVarUint8Array(enc, new Uint8Array([0]));
  return encoding.toUint8Array(enc);
}

/** The client ids and states of an awareness message's payload (after the type byte). */
export function readAwareness(rest: Uint8Array): Array<{ id: number; state: unknown }> {
  const dec = decoding.createDecoder(decoding.readVarUint8Array(decoding.createDecoder(rest)));
  const n = decoding.readVarUint(dec);
  const out: Array<{ id: number; state: unknown }> = [];
  for (let i = 0; i < n; i++) {
    const id = decoding.readVarUint(dec);
    decoding.readVarUint(dec);
    out.push({ id, state: JSON.parse(decoding.readVarString(dec)) as unknown });
  }
  return out;
}

export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

/**
 * ACK latency of an honest device: `n` reports by w0002 on town 02's doc, one at a time (ms each), `gapMs` apart
 * (pacing, so that the samples span the attack, not a correctness wait).
 */
export async function ackLatencies(wsBase: string, token: string, n: number, gapMs = 0): Promise<number[]> {
  const device = new SyncClient(wsBase, casesDoc('t02'), token);
  const actor = new Actor(USERS.w0002);
  const out: number[] = [];
  try {
    await device.synced('victim sync');
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      device.append(actor.report('g0002').event);
      await device.allSaved(`ACK ${i}`);
      out.push(performance.now() - started);
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    }
  } finally {
    device.destroy();
  }
  return out;
}

export const rssMb = () => process.memoryUsage().rss / 1024 / 1024;

export function summary(xs: readonly number[]): string {
  return `p50 ${percentile(xs, 50).toFixed(1)} ms, p99 ${percentile(xs, 99).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (n=${xs.length})`;
}
