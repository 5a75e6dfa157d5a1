/**
 * Many docs over one websocket (src/protocol/wire.ts, "Multiplexing"). A town center holds about 90 docs (a people doc per
 * grid); one socket each would hit browsers' per-host socket limits and repeat the TLS and 2G handshakes 90 times.
 *
 * y-websocket's WebsocketProvider opens its socket with `new WebSocketPolyfill(url)`. `muxSocketClass(WS)` returns
 * such a class whose instances are channels of one shared real socket per relay and token: the provider keeps its
 * own sync, awareness, watchdog and backoff logic unchanged, and sees a channel exactly as it would see a socket of
 * its own. `<origin>/sync/<docName>?token=…` becomes channel <n> of the shared `<origin>/sync?token=…`.
 *
 * Contract, as a socket of its own would behave:
 *  - A channel opens (onopen) when the relay answers MUX_OPENED; a refusal (MUX_REJECTED: 403, 404, …) or a shared
 *    socket that never opened (401, no network) closes it before it opened, with code 1006 like a failed upgrade.
 *  - MUX_CLOSED closes one channel with the relay's code (4400 malformed stops y-websocket's retries); the shared
 *    socket closing closes every channel with its code (1009 oversize, 1001 relay going away, …).
 *  - `close()` tells the relay (MUX_CLOSE) and fires onclose at once. The shared socket is closed once no channel
 *    has used it for IDLE_MS, and dropped (every channel closed) when nothing arrived for SILENT_MS.
 *  - Heartbeat: after half of SILENT_MS with nothing from the relay, the hub sends one awareness
 *    query (MSG_QUERY_AWARENESS) on an open channel; the relay answers that channel only, so a quiet healthy link
 *    always has a frame within SILENT_MS and silence means a dead link. The app's providers announce no presence
 *    on a shared socket (websocket.ts): y-websocket's default renews every doc's awareness every 15 s, and the
 *    relay fans each renewal out to every device on the doc. A town center of about 460 docs sent 31 messages a
 *    second doing nothing (most of its socket's budget), and every device on the org doc received every other
 *    device's renewals: traffic growing with the square of the county's devices. The heartbeat is at most one
 *    message per 15 s per device, answered to that device alone.
 *  - Any frame on the shared socket tells every channel the link is alive (`onalive`; websocket.ts keeps the
 *    provider's 30 s "no message" watchdog quiet with it). On 2G a big catch-up on one channel (a town doc: about
 *    800 kB, 90 s at 70 kbps) holds back every other channel's messages behind it in the one TCP stream; with a
 *    watchdog of their own they reconnected after 30 s and asked again for what was still queued (the org doc twice:
 *    80 kB more in about one first sync in two, issue 16). A dead link is still caught: by SILENT_MS here, counted
 *    from the last bytes of the relay on the socket or on a first state's download (linkalive.ts), which holds the
 *    link as long on 2G.
 *  - An outgoing update bigger than `maxSendBytes` (a long offline stretch sends all of its changes as one sync
 *    step 2) is sent as several updates of at most that size (src/protocol/chunks.ts), in order, each inspected, stored and
 *    acknowledged by the relay on its own. Sent whole, it would pass the relay's MAX_MESSAGE_BYTES, close the
 *    socket with 1009 and be sent again on every reconnect, blocking every doc of the device.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { splitUpdate } from '../protocol/chunks.ts';
import { relayAliveAt } from './linkalive.ts';
import { MSG_QUERY_AWARENESS, MSG_SYNC, MUX_CLOSE, MUX_CLOSED, MUX_CONTROL, MUX_OPEN, MUX_OPENED, MUX_REJECTED, muxControl, muxFrame } from '../protocol/wire.ts';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;
const IDLE_MS = 5_000;
const SILENT_MS = 30_000;
const ABNORMAL = 1006;

interface CloseInfo {
  code: number;
  reason: string;
  wasClean: boolean;
}

/** What y-websocket uses of a WebSocket. */
export interface MuxSocket {
  binaryType: string;
  readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: ArrayBuffer }) => void) | null;
  onclose: ((ev: CloseInfo) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  /** A frame arrived on the shared socket (for any channel): the link is alive. */
  onalive?: (() => void) | null;
  send(data: ArrayBuffer | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

export type MuxSocketClass = new (url: string) => MuxSocket;

/** A channel as its hub sees it. */
interface HubChannel {
  id: number;
  readonly docName: string;
  readonly readyState: number;
  onmessage: MuxSocket['onmessage'];
  onalive?: MuxSocket['onalive'];
  opened(): void;
  ended(info: CloseInfo): void;
}

/** Default largest outgoing update (the relay's default message limit is 1 MiB). */
export const MAX_SEND_BYTES = 256 * 1024;

export interface MuxOptions {
  /** Largest outgoing update (MAX_SEND_BYTES). */
  maxSendBytes?: number;
  /** Silence after which the shared socket counts as dead (SILENT_MS); the heartbeat goes at half of it. */
  silentMs?: number;
}

export function muxSocketClass(WS: typeof WebSocket, opts: MuxOptions = {}): MuxSocketClass {
  const maxSendBytes = opts.maxSendBytes ?? MAX_SEND_BYTES;
  const silentMs = opts.silentMs ?? SILENT_MS;
  const hubs = new Map<string, Hub>();

  class Channel implements MuxSocket, HubChannel {
    static readonly CONNECTING = CONNECTING;
    static readonly OPEN = OPEN;
    static readonly CLOSING = 2;
    static readonly CLOSED = CLOSED;
    readonly CONNECTING = CONNECTING;
    readonly OPEN = OPEN;
    readonly CLOSING = 2;
    readonly CLOSED = CLOSED;
    binaryType = 'arraybuffer';
    readyState = CONNECTING;
    onopen: MuxSocket['onopen'] = null;
    onmessage: MuxSocket['onmessage'] = null;
    onclose: MuxSocket['onclose'] = null;
    onerror: MuxSocket['onerror'] = null;
    onalive: MuxSocket['onalive'] = null;
    readonly docName: string;
    id = 0;
    private readonly hub: Hub;

    constructor(url: string) {
      const u = new URL(url);
      const at = u.pathname.lastIndexOf('/sync/');
      if (at < 0) throw new Error(`muxSocketClass: not a sync url: ${url}`);
      this.docName = decodeURIComponent(u.pathname.slice(at + '/sync/'.length));
      const shared = `${u.protocol}//${u.host}${u.pathname.slice(0, at)}/sync${u.search}`;
      let hub = hubs.get(shared);
      if (!hub || hub.gone) {
        hub = new Hub(shared, WS, silentMs, () => {
          if (hubs.get(shared) === hub) hubs.delete(shared);
        });
        hubs.set(shared, hub);
      }
      this.hub = hub;
      hub.add(this);
    }

    send(data: ArrayBuffer | Uint8Array): void {
      if (this.readyState !== OPEN) return;
      for (const msg of sliceSyncMessage(data instanceof Uint8Array ? data : new Uint8Array(data), maxSendBytes)) this.hub.send(this.id, msg);
    }

    close(code = 1000, reason = ''): void {
      if (this.readyState === CLOSED) return;
      this.hub.remove(this);
      this.ended({ code, reason, wasClean: true });
    }

    /** Called by the hub. */
    opened(): void {
      if (this.readyState !== CONNECTING) return;
      this.readyState = OPEN;
      this.onopen?.({});
    }

    ended(info: CloseInfo): void {
      if (this.readyState === CLOSED) return;
      this.readyState = CLOSED;
      if (!info.wasClean) this.onerror?.({});
      this.onclose?.(info);
    }
  }

  return Channel;
}

/** One real socket and its channels. */
class Hub {
  gone = false;
  private readonly ws: WebSocket;
  private readonly channels = new Map<number, HubChannel>();
  private nextId = 1;
  private lastMessageMs = Date.now();
  private lastHeartbeatMs = 0;
  private lastElsewhereMs = 0;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly watchdog: ReturnType<typeof setInterval>;

  constructor(
    url: string,
    WS: typeof WebSocket,
    silentMs: number,
    private readonly onGone: () => void,
  ) {
    this.ws = new WS(url);
    this.ws.binaryType = 'arraybuffer';
    this.ws.onopen = () => {
      this.lastMessageMs = Date.now();
      for (const [id, ch] of this.channels) this.sendOpen(id, ch.docName);
    };
    this.ws.onmessage = (ev: MessageEvent) => {
      this.lastMessageMs = Date.now();
      for (const ch of this.channels.values()) ch.onalive?.();
      try {
        this.receive(new Uint8Array(ev.data as ArrayBuffer));
      } catch (e) {
        // A frame this client cannot read means the link is unusable: start over.
        console.error('gridlink: unreadable multiplexed frame', e);
        this.drop({ code: ABNORMAL, reason: 'unreadable frame', wasClean: false });
      }
    };
    this.ws.onerror = () => {};
    this.ws.onclose = (ev: CloseEvent) => this.drop({ code: ev.code || ABNORMAL, reason: ev.reason, wasClean: false });
    this.watchdog = setInterval(() => {
      if (this.ws.readyState !== OPEN) return;
      const now = Date.now();
      const elsewhere = relayAliveAt();
      if (now - Math.max(this.lastMessageMs, elsewhere) > silentMs) return this.drop({ code: ABNORMAL, reason: 'no message from the relay', wasClean: false });
      // Bytes of the relay outside the socket (a first state's download) keep every channel's own watchdog quiet
      // too, as the hub's: otherwise each provider would close its channel after 30 s behind a long download.
      if (elsewhere > this.lastElsewhereMs) {
        this.lastElsewhereMs = elsewhere;
        for (const ch of this.channels.values()) ch.onalive?.();
      }
      // The heartbeat asks for a frame on the socket itself whenever the socket has been quiet, download or not.
      if (now - this.lastMessageMs >= silentMs / 2 && now - this.lastHeartbeatMs >= silentMs / 2) this.heartbeat(now);
    }, silentMs / 10);
  }

  add(ch: HubChannel): void {
    ch.id = this.nextId++;
    this.channels.set(ch.id, ch);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.ws.readyState === OPEN) this.sendOpen(ch.id, ch.docName);
  }

  remove(ch: HubChannel): void {
    if (!this.channels.delete(ch.id)) return;
    if (this.ws.readyState === OPEN) this.ws.send(muxControl(MUX_CLOSE, ch.id));
    if (this.channels.size === 0 && !this.idleTimer && !this.gone) {
      this.idleTimer = setTimeout(() => {
        if (this.channels.size === 0) this.drop({ code: 1000, reason: '', wasClean: true });
      }, IDLE_MS);
    }
  }

  send(id: number, data: Uint8Array): void {
    if (this.ws.readyState === OPEN) this.ws.send(muxFrame(id, data));
  }

  /** One awareness query on an open channel: the relay answers on that channel alone (see the header). */
  private heartbeat(now: number): void {
    const ch = [...this.channels.values()].find((c) => c.readyState === OPEN);
    if (!ch) return;
    this.lastHeartbeatMs = now;
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MSG_QUERY_AWARENESS);
    this.send(ch.id, encoding.toUint8Array(enc));
  }

  private sendOpen(id: number, docName: string): void {
    this.ws.send(muxControl(MUX_OPEN, id, docName));
  }

  private receive(bytes: Uint8Array): void {
    const dec = decoding.createDecoder(bytes);
    const id = decoding.readVarUint(dec);
    if (id !== MUX_CONTROL) {
      // A message for a channel closed here a moment ago is dropped.
      this.channels.get(id)?.onmessage?.({ data: bytes.slice(dec.pos).buffer });
      return;
    }
    const op = decoding.readVarUint(dec);
    const ch = this.channels.get(decoding.readVarUint(dec));
    if (!ch) return;
    if (op === MUX_OPENED) return ch.opened();
    if (op === MUX_REJECTED) {
      const status = decoding.readVarUint(dec);
      this.channels.delete(ch.id);
      return ch.ended({ code: ABNORMAL, reason: `${status} ${decoding.readVarString(dec)}`, wasClean: false });
    }
    if (op === MUX_CLOSED) {
      const code = decoding.readVarUint(dec);
      this.channels.delete(ch.id);
      return ch.ended({ code, reason: decoding.readVarString(dec), wasClean: false });
    }
  }

  /** The real socket is finished: every channel closes with its code, and the next channel gets a new socket. */
  private drop(info: CloseInfo): void {
    if (this.gone) return;
    this.gone = true;
    this.onGone();
    clearInterval(this.watchdog);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.ws.onclose = null;
    this.ws.onmessage = null;
    if (this.ws.readyState !== CLOSED) this.ws.close(info.wasClean ? 1000 : undefined);
    const chans = [...this.channels.values()];
    this.channels.clear();
    for (const ch of chans) ch.ended(info);
  }
}

/**
 * A sync step 2 or update message over `maxBytes`, as several messages in order; anything else as it is. The
 * last slice of a step 2 stays a step 2: the relay takes it as the end of the client's catch-up (receipts.ts).
 */
export function sliceSyncMessage(msg: Uint8Array, maxBytes: number): Uint8Array[] {
  if (msg.length <= maxBytes) return [msg];
  const dec = decoding.createDecoder(msg);
  if (decoding.readVarUint(dec) !== MSG_SYNC) return [msg];
  const sub = decoding.readVarUint(dec);
  if (sub !== syncProtocol.messageYjsSyncStep2 && sub !== syncProtocol.messageYjsUpdate) return [msg];
  const slices = splitUpdate(decoding.readVarUint8Array(dec), maxBytes - 16);
  if (slices.length === 1) return [msg];
  return slices.map((slice, i) => {
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MSG_SYNC);
    encoding.writeVarUint(enc, i === slices.length - 1 ? sub : syncProtocol.messageYjsUpdate);
    encoding.writeVarUint8Array(enc, slice);
    return encoding.toUint8Array(enc);
  });
}
