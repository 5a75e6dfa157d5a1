/**
 * Issue 16 section 5: the device's side of GET /api/docs/<name> (server/firststate.ts), loaded on demand by the
 * session for a first sign-in (the engine applies what it yields: engine.ts `firstStates`).
 */
import { readFrames } from '../protocol/framing.ts';
import { relayAlive } from './linkalive.ts';

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

