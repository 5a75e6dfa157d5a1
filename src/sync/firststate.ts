/**
 * Issue 16 section 5: the device's side of GET /api/docs/<name> (server/firststate.ts), loaded on demand for a first
 * sign-in: the download (`firstState`, given to the engine by the session) and its application to the held docs
 * (`takeFirstStates`; the contract is engine.ts `firstStates`).
 */
import * as Y from 'yjs';
import { readFrames } from '../protocol/framing.ts';
import { relayAlive } from './linkalive.ts';
import { yieldToMain } from './persist.ts';

/** The origin of a first state's transactions: a remote change, never sent back. */
const FIRST_STATE = Symbol('first state');

/** A held doc as this module sees it (its doc is read each time: a recovery may swap it). */
export interface FirstStateSlot {
  readonly name: string;
  readonly kind: 'org' | 'cases';
  readonly doc: Y.Doc;
}

export interface FirstStateHost<S> {
  stopped(): boolean;
  online(): boolean;
  signal: AbortSignal;
  /** The doc's first state has been applied, or has failed: link it. */
  release(slot: S): void;
}

/** Every held doc's first state at once, once `after` has settled; each doc released when its own is done. */
export function takeFirstStates<S extends FirstStateSlot>(
  host: FirstStateHost<S>,
  slots: readonly S[],
  after: Promise<unknown>,
  fetchState: (name: string, signal: AbortSignal) => Promise<AsyncIterable<Uint8Array> | null>,
): void {
  const one = async (slot: S) => {
    let updates: AsyncIterable<Uint8Array> | null = null;
    if (!host.stopped() && host.online()) updates = await fetchState(slot.name, host.signal).catch(() => null);
    if (updates && !host.stopped() && slot.doc.store.clients.size === 0) await apply(host, slot, updates);
  };
  for (const slot of slots) {
    void after
      .then(() => one(slot))
      .catch((e: unknown) => console.error('gridlink first state failed', e))
      .finally(() => host.release(slot));
  }
}

/** A cases doc's updates as they arrive, the main thread yielded between them; the org doc's at once when whole. */
async function apply<S extends FirstStateSlot>(host: FirstStateHost<S>, slot: S, updates: AsyncIterable<Uint8Array>): Promise<void> {
  const doc = slot.doc;
  const parts: Uint8Array[] = [];
  try {
    for await (const part of updates) {
      if (host.stopped() || slot.doc !== doc) return;
      if (slot.kind === 'org') {
        parts.push(part);
        continue;
      }
      Y.applyUpdate(doc, part, FIRST_STATE);
      await yieldToMain();
    }
    if (parts.length > 0 && !host.stopped() && slot.doc === doc) Y.applyUpdate(doc, Y.mergeUpdates(parts), FIRST_STATE);
  } catch (e) {
    // Cut off, or not a state this device can read: what was applied stays (each update is whole), and the
    // socket's sync brings the rest.
    console.warn('gridlink first state incomplete', slot.name, e);
  }
}

/** The fetch options used here. */
export interface FirstStateInit {
  signal?: AbortSignal;
}

/** A first state's download is given up when no byte of it arrived for this long (the socket then syncs the doc). */
const FIRST_STATE_STALL_MS = 30_000;
/**
 * Largest frame of a first state accepted: the relay cuts at 64 kB (server/relay.ts SYNC_SLICE_BYTES), but an update
 * it cannot cut (src/protocol/chunks.ts) comes whole; past this the doc syncs over the socket instead.
 */
const FIRST_STATE_MAX_FRAME = 16 * 1024 * 1024;

/**
 * GET /api/docs/<name> (server/firststate.ts): the doc's state as Yjs updates, each yielded as soon as it has arrived;
 * null when there is none. Given up (the iteration throws) when no byte arrived for FIRST_STATE_STALL_MS or `stop`.
 */
export async function firstState(get: (init: FirstStateInit) => Promise<Response>, stop: AbortSignal): Promise<AsyncIterable<Uint8Array> | null> {
  if (stop.aborted) return null;
  const abort = new AbortController();
  const onStop = () => abort.abort();
  stop.addEventListener('abort', onStop, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const alive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => abort.abort(), FIRST_STATE_STALL_MS);
  };
  const end = () => {
    clearTimeout(timer);
    stop.removeEventListener('abort', onStop);
  };
  alive();
  let res: Response;
  try {
    res = await get({ signal: abort.signal });
  } catch {
    end();
    return null;
  }
  const body = res.body;
  if (!res.ok || !body) {
    void body?.cancel().catch(() => {});
    end();
    return null;
  }
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const reader = body!.getReader();
    try {
      for (;;) {
        alive();
        const { done, value } = await reader.read();
        if (done) return;
        // Bytes from the relay: the link is alive, only busy (mux.ts does not take the socket's silence for a dead link).
        relayAlive();
        yield value;
      }
    } finally {
      end();
      void reader.cancel().catch(() => {});
    }
  }
  return readFrames(chunks(), FIRST_STATE_MAX_FRAME);
}

