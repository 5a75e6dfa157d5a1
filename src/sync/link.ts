/**
 * A link carries one doc between this device and the relay. The engine talks to links only through this
 * interface, so tests can pass an in-memory relay; `websocketTransport` is the real one (y-websocket).
 */
import type * as Y from 'yjs';

export type LinkState = 'connected' | 'connecting' | 'disconnected';

export interface LinkHooks {
  /** The relay acknowledged this state vector of the doc as durable (src/protocol/wire.ts, ACK). */
  onAck(stateVector: Uint8Array): void;
  /** The relay refused the last update whole (src/protocol/wire.ts, REFUSED). */
  onRefused(code: string, detail: string): void;
  /** A connection attempt ended before the socket opened (refused at upgrade, or no route). */
  onUpgradeFailed(): void;
  /** State, synced or failures changed. */
  onChange(): void;
  /** This device's HLC node, told to the relay (`node` parameter): it credits offline work by device (receipts.ts). */
  readonly node?: string;
}

export interface Link {
  readonly state: LinkState;
  /** True between the relay's sync step 2 and the next disconnect. */
  readonly synced: boolean;
  /** Consecutive attempts that did not reach `synced`. */
  readonly failures: number;
  /** False once disconnected on purpose or refused permanently (4400-4499 close codes): no retry pending. */
  readonly retrying: boolean;
  connect(): void;
  disconnect(): void;
  setToken(token: string): void;
  /** Resolves at the next moment the link is synced (at once if it is). */
  whenSynced(): Promise<void>;
  destroy(): void;
}

export type Transport = (docName: string, doc: Y.Doc, token: string, hooks: LinkHooks) => Link;
