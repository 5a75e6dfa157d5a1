/**
 * The real transport: y-websocket's WebsocketProvider on `<ws origin>/sync/<docName>?token=<jwt>`, with handlers
 * for the relay's ACK (100) and REFUSED (101) messages. By default every provider's socket is a channel of one
 * shared socket (mux.ts), so a user's docs all travel over one connection.
 *
 * Choices, with reasons:
 *  - The provider is created by the engine only after the doc's y-indexeddb `whenSynced` (DESIGN 5: otherwise the
 *    whole local state is re-sent as one update on every start).
 *  - BroadcastChannel is off: y-websocket names its channel by server URL + room, not by user, so two people
 *    signed in in two tabs of one shared PC would exchange unsaved local changes through it. Tabs of one user
 *    still converge through the relay.
 *  - The relay closes a socket whose token expired with 4401 (CLOSE_TOKEN_EXPIRED). y-websocket would stop for good on
 *    a 44xx; this one is retried (with its back-off) and reported as a failed upgrade, so the session checks the
 *    token and renews it (or asks for the password) while the retries wait; unsaved work stays in the doc and goes
 *    out on the next connection.
 *  - No presence over the shared socket: the app shows none, so each provider's awareness state is null and it
 *    sends no awareness at all (y-websocket's default renews every doc's state every 15 s, which the relay fans out
 *    to every device on the doc: mux.ts explains the cost). The provider's 30 s "no message" watchdog is kept quiet
 *    by any frame on the shared socket (mux.ts `onalive`; on 2G a channel's own messages may wait behind another
 *    doc's long catch-up), and the mux's heartbeat makes sure a quiet healthy link has one. A socket of its own
 *    (`multiplex: false`) keeps y-websocket's default: there the renewal is what keeps its watchdog quiet.
 */
import * as decoding from 'lib0/decoding';
import type * as encoding from 'lib0/encoding';
import { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import { muxSocketClass } from './mux.ts';
import { CLOSE_TOKEN_EXPIRED, MSG_ACK, MSG_REFUSED } from '../protocol/wire.ts';
import type { Link, LinkHooks, LinkState, Transport } from './link.ts';

export interface WebsocketTransportOptions {
  /** `ws://host:port` or `wss://host` (no path). */
  wsOrigin: string;
  WebSocketPolyfill?: unknown;
  maxBackoffMs?: number;
  /** One socket for all docs (mux.ts; default), or one socket per doc. */
  multiplex?: boolean;
  /** The shared socket's dead-link silence (mux.ts MuxOptions.silentMs), for tests. */
  silentMs?: number;
}


export function websocketTransport(opts: WebsocketTransportOptions): Transport {
  const WS = (opts.WebSocketPolyfill ?? (globalThis as { WebSocket?: unknown }).WebSocket) as typeof WebSocket | undefined;
  if (!WS) throw new Error('websocketTransport: no WebSocket implementation (pass WebSocketPolyfill)');
  const shared = opts.multiplex !== false;
  const socket = shared ? (muxSocketClass(WS, opts.silentMs ? { silentMs: opts.silentMs } : {}) as unknown as typeof WebSocket) : WS;
  return (docName, doc, token, hooks) => new WebsocketLink(`${opts.wsOrigin}/sync`, docName, doc, token, hooks, socket, opts.maxBackoffMs ?? 2500, shared);
}

type Handler = (encoder: encoding.Encoder, decoder: decoding.Decoder, provider: WebsocketProvider, emitSynced: boolean, type: number) => void;

class WebsocketLink implements Link {
  private readonly provider: WebsocketProvider;
  private opened = false;
  private waiters: Array<() => void> = [];

  constructor(serverUrl: string, docName: string, doc: Y.Doc, token: string, private readonly hooks: LinkHooks, WS: typeof WebSocket, maxBackoffTime: number, shared: boolean) {
    this.provider = new WebsocketProvider(serverUrl, docName, doc, {
      connect: false,
      params: hooks.node ? { token, node: hooks.node } : { token },
      WebSocketPolyfill: WS,
      disableBc: true,
      maxBackoffTime,
      // y-websocket's rule (44xx: stop) except for an expired token, which a renewed one fixes.
      shouldReconnect: (event) => event.code === CLOSE_TOKEN_EXPIRED || !(event.code >= 4400 && event.code < 4500),
    });
    if (shared) this.provider.awareness.setLocalState(null);
    const handlers = this.provider.messageHandlers as unknown as Handler[];
    handlers[MSG_ACK] = (_enc, dec) => {
      const sv = decoding.readVarUint8Array(dec);
      guard(() => hooks.onAck(sv));
    };
    handlers[MSG_REFUSED] = (_enc, dec) => {
      const code = decoding.readVarString(dec);
      const detail = decoding.hasContent(dec) ? decoding.readVarString(dec) : '';
      guard(() => hooks.onRefused(code, detail));
    };
    this.provider.on('status', ({ status }) => {
      // A channel of the shared socket (mux.ts): any frame on that socket keeps this provider's watchdog quiet.
      const ws = this.provider.ws as unknown as { onalive?: (() => void) | null } | null;
      if (ws && 'onalive' in ws) ws.onalive = () => void (this.provider.wsLastMessageReceived = Date.now());
      if (status === 'connecting') this.opened = false;
      if (status === 'connected') this.opened = true;
      guard(() => hooks.onChange());
    });
    this.provider.on('sync', (synced: boolean) => {
      if (synced) {
        const w = this.waiters;
        this.waiters = [];
        for (const f of w) f();
      }
      guard(() => hooks.onChange());
    });
    this.provider.on('connection-close', (event) => {
      const failedUpgrade = !this.opened || event?.code === CLOSE_TOKEN_EXPIRED;
      this.opened = false;
      if (failedUpgrade && this.provider.shouldConnect) guard(() => hooks.onUpgradeFailed());
      guard(() => hooks.onChange());
    });
    this.provider.on('closed', () => guard(() => hooks.onChange()));
    this.provider.connect();
  }

  get state(): LinkState {
    if (this.provider.wsconnected) return 'connected';
    if (this.provider.wsconnecting) return 'connecting';
    return 'disconnected';
  }
  get synced(): boolean {
    return this.provider.synced;
  }
  get failures(): number {
    return this.provider.wsUnsuccessfulReconnects;
  }
  get retrying(): boolean {
    return this.provider.shouldConnect;
  }
  connect(): void {
    this.provider.connect();
  }
  disconnect(): void {
    this.provider.disconnect();
  }
  setToken(token: string): void {
    this.provider.params = { ...this.provider.params, token };
  }
  whenSynced(): Promise<void> {
    if (this.provider.synced) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  destroy(): void {
    this.waiters = [];
    this.provider.destroy();
  }
}

function guard(f: () => void): void {
  try {
    f();
  } catch (e) {
    // A bug in a hook must not break the socket's message loop.
    console.error('gridlink sync hook failed', e);
  }
}
