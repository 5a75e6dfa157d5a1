/**
 * GET /api/docs/<name> (issue 16 section 5): a doc's whole state, for a device that holds nothing of it yet
 * (src/sync/engine.ts `firstStates`: it links the doc only after, so its sync step 1 carries the state vector of what
 * it got and the socket sends only what changed since).
 *
 * Body (application/octet-stream): the doc's state as Yjs (v1) updates of at most SYNC_SLICE_BYTES each
 * (src/protocol/chunks.ts `splitUpdate`), each as lib0 `writeVarUint8Array` (a varuint length, then the bytes), in
 * order; applied in order they give the doc. A device applies each as soon as it has arrived (`readFirstState`), so
 * the folding of a town's year overlaps its download, as with the socket's slices.
 *
 * Why: on 2G (70 kbps) a first sign-in is bounded by its bytes. Over the socket a town's year goes as sync step 2
 * slices of 64 kB (relay.ts SYNC_SLICE_BYTES), each deflated alone with an 8 KiB window (permessage-deflate, kept
 * small for the relay's memory per connection): the benchmark's town doc, 2.83 MB with its receipts, is about
 * 800 kB on the wire. As one HTTP body it is 461 kB with brotli (quality 11, 4 MiB window), 703 kB with gzip -9.
 *
 * Contracts:
 *  - Access exactly as the doc's socket (Relay.access: a live year of a town of the county, the doc ACL, the practice
 *    sandbox refused): 401 without a valid token, 403, 404. Residents have no doc.
 *  - Only what is durable (Relay.withDoc flushes first), as the socket's sync step 2.
 *  - Content-Encoding by Accept-Encoding: br, else gzip, else none; Cache-Control no-store.
 *  - The answer may lack the doc's changes of the last FRESH_MS (a cached encoding): the device's socket sync brings
 *    them, so nothing is missed; they only come over the socket instead.
 *  - Brotli at quality 11 costs about 4 s of CPU for a 2.8 MB doc (in libuv's pool, off the event loop). A request
 *    that finds it neither ready nor under way gets quality 5 (0.1 s, 17% more bytes) and starts quality 11 for the
 *    next one. GET /api/starter (a grid worker's first sign-in) starts it for that user's docs (`warmFirstStates`):
 *    their device asks only after the starter's answer has arrived, and then waits for it to finish.
 *  - Per user and doc at most FIRST_STATES_PER_DOC requests per FIRST_STATE_WINDOW_MS, else 429
 *    `too_many_requests` with Retry-After: loading a town's year and encoding it is the relay's most expensive answer.
 *  - Memory: the encodings of at most MAX_ENTRIES docs, each kept at most KEEP_MS (for the bench's town doc about
 *    4.5 MB each: the body, 2.9 MB, and its encodings). CPU: at most MAX_BEST_RUNNING quality-11 encodings at a time
 *    per relay (a user asking for doc after doc gets quality 5 beyond that): the org doc and a town's year of a
 *    first sign-in fit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { splitUpdate } from '../src/protocol/chunks.ts';
import { bearerUser, sendJson } from './httpio.ts';
import type { HttpContext } from './http.ts';
import { SYNC_SLICE_BYTES, type Relay } from './relay.ts';
import { acceptedEncodings } from './static.ts';

/** A cached encoding younger than this is served even if the doc has changed since (see the header). */
export const FRESH_MS = 60_000;
const KEEP_MS = 5 * 60_000;
const MAX_ENTRIES = 4;
const MAX_BEST_RUNNING = 2;
/**
 * Per user and doc, at most this many first states per FIRST_STATE_WINDOW_MS; beyond, 429 with Retry-After (the
 * device then syncs the doc over its socket, within the socket's budgets). A first sign-in asks for each of its docs
 * once (a county account for every town's years: about 30 docs); the limit leaves room for a few devices or a retry,
 * not for an insider making the relay load, encode and send a doc over and over.
 */
export const FIRST_STATES_PER_DOC = 4;
export const FIRST_STATE_WINDOW_MS = 10 * 60_000;
const BEST = 11;
const QUICK = 5;

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

function brotli(raw: Uint8Array, quality: number): Promise<Buffer> {
  return brotliAsync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_LGWIN]: 22, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
}

export type StateEncoding = 'br' | 'gzip' | null;

interface Entry {
  sv: string;
  at: number;
  raw: Uint8Array;
  best: Promise<Buffer> | null;
  quick: Promise<Buffer> | null;
  gzip: Promise<Buffer> | null;
}

/** The docs' whole states and their encodings, cached (see the header). One per relay. */
export class FirstStates {
  private readonly entries = new Map<string, Entry>();
  private bestRunning = 0;
  /** Per user and doc (`user\0doc`): when its first states of the current window were asked for, oldest first. */
  private readonly asked = new Map<string, number[]>();

  constructor(
    private readonly relay: Pick<Relay, 'withDoc'>,
    private readonly now: () => number,
  ) {}

  /** The doc's state, encoded as `accept` (an Accept-Encoding header) allows. */
  async get(name: string, accept: string): Promise<{ body: Uint8Array; encoding: StateEncoding }> {
    const e = await this.entry(name);
    const accepted = acceptedEncodings(accept);
    try {
      if (accepted.includes('br')) {
        // Quality 11 under way (a first sign-in's head start began it) or done: worth the wait, 17% fewer bytes.
        if (e.best) return { body: await e.best, encoding: 'br' };
        this.startBest(e);
        return { body: await (e.quick ??= brotli(e.raw, QUICK)), encoding: 'br' };
      }
      if (accepted.includes('gzip')) return { body: await (e.gzip ??= gzipAsync(e.raw, { level: 9, memLevel: 9 })), encoding: 'gzip' };
      return { body: e.raw, encoding: null };
    } catch (err) {
      // A failed encoding is not kept.
      if (this.entries.get(name) === e) this.entries.delete(name);
      throw err;
    }
  }

  /**
   * Count a request of `userId` for doc `name` (see FIRST_STATES_PER_DOC): null when it may be answered, else the
   * seconds until it may ask again.
   */
  admit(userId: string, name: string): number | null {
    const now = this.now();
    const since = now - FIRST_STATE_WINDOW_MS;
    for (const [k, times] of this.asked) if (times[times.length - 1]! <= since) this.asked.delete(k);
    const key = `${userId}\0${name}`;
    const times = (this.asked.get(key) ?? []).filter((t) => t > since);
    if (times.length >= FIRST_STATES_PER_DOC) {
      this.asked.set(key, times);
      return Math.max(1, Math.ceil((times[0]! - since) / 1000));
    }
    times.push(now);
    this.asked.set(key, times);
    return null;
  }

  /** Start the best encoding of the doc's state now (a first sign-in's device asks for it soon). */
  warm(name: string): void {
    void this.entry(name)
      .then((e) => this.startBest(e))
      .catch(() => {});
  }

  /** How many docs' encodings are cached, and how many quality-11 encodings are under way (tests). */
  size(): { entries: number; bestRunning: number } {
    this.sweep();
    return { entries: this.entries.size, bestRunning: this.bestRunning };
  }

  private startBest(e: Entry): void {
    if (e.best || this.bestRunning >= MAX_BEST_RUNNING) return;
    this.bestRunning++;
    const best = brotli(e.raw, BEST);
    e.best = best;
    best.then(
      () => {
        this.bestRunning--;
        e.quick = null;
      },
      () => {
        this.bestRunning--;
        if (e.best === best) e.best = null;
      },
    );
  }

  /** The cached entry while it holds the doc's state or is younger than FRESH_MS, else a new one. */
  private async entry(name: string): Promise<Entry> {
    this.sweep();
    const cached = this.entries.get(name);
    if (cached && this.now() - cached.at < FRESH_MS) return cached;
    const got = await this.relay.withDoc(name, (ydoc) => {
      const sv = Buffer.from(Y.encodeStateVector(ydoc)).toString('base64');
      return cached?.sv === sv ? { sv, raw: null } : { sv, raw: framed(Y.encodeStateAsUpdate(ydoc)) };
    });
    if (cached && got.raw === null) {
      cached.at = this.now();
      return cached;
    }
    const e: Entry = { sv: got.sv, at: this.now(), raw: got.raw!, best: null, quick: null, gzip: null };
    this.entries.delete(name);
    this.entries.set(name, e);
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return e;
  }

  private sweep(): void {
    const now = this.now();
    for (const [name, e] of this.entries) if (now - e.at >= KEEP_MS) this.entries.delete(name);
  }
}

/** The body: the update's slices, each with its length (see the header). */
function framed(update: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder();
  for (const slice of splitUpdate(update, SYNC_SLICE_BYTES)) encoding.writeVarUint8Array(enc, slice);
  return encoding.toUint8Array(enc);
}

const perRelay = new WeakMap<Relay, FirstStates>();

function statesOf(ctx: HttpContext): FirstStates {
  let s = perRelay.get(ctx.relay);
  if (!s) perRelay.set(ctx.relay, (s = new FirstStates(ctx.relay, () => ctx.now())));
  return s;
}

/** GET /api/starter calls this for the docs of a first sign-in (see the header). */
export function warmFirstStates(ctx: HttpContext, names: readonly string[]): void {
  const s = statesOf(ctx);
  for (const n of names) s.warm(n);
}

/** GET /api/docs/<name>. */
export async function docState(req: IncomingMessage, res: ServerResponse, ctx: HttpContext, rawName: string): Promise<void> {
  const user = await bearerUser(req, ctx);
  if (!user) return sendJson(res, 401, { error: 'unauthorized' });
  let name: string;
  try {
    name = decodeURIComponent(rawName);
  } catch {
    return sendJson(res, 404, { error: 'not_found' });
  }
  const check = await ctx.relay.accessAsync(user, name);
  if (!check.ok) return sendJson(res, check.status, { error: check.code });
  const states = statesOf(ctx);
  const retryAfter = states.admit(user.id, name);
  if (retryAfter !== null) {
    res.setHeader('Retry-After', String(retryAfter));
    return sendJson(res, 429, { error: 'too_many_requests' });
  }
  const { body, encoding } = await states.get(name, String(req.headers['accept-encoding'] ?? ''));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Vary', 'Accept-Encoding');
  res.setHeader('Content-Type', 'application/octet-stream');
  if (encoding) res.setHeader('Content-Encoding', encoding);
  res.setHeader('Content-Length', body.length);
  res.end(body);
}
