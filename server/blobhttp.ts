/**
 * The blob routes (issue 12): exactly the protocol of src/protocol/blobs.ts, on the store of blobs.ts.
 *
 *   GET  /api/blobs/<hash>          the bytes, to an owner or to a user who may read a case in which an owner named
 *                                   the blob (docAccess to its cases doc, or a resident who reported that case), or a
 *                                   patrols or task-answers doc in which an owner named it (issue 17: docAccess); 404
 *                                   not_found otherwise, the same answer as for a blob that does not exist
 *   GET  /api/blobs/<hash>/upload   the caller's UploadStatus
 *   PUT  /api/blobs/<hash>          one chunk with Content-Range (a range of total 0 names a zero-byte blob: refused 422)
 *   POST /api/blobs                 a batch of whole small blobs (frames, BatchReader), each stored as its frame ends
 *
 * Errors are `{"error":"<code>"}` (409 offset_mismatch adds `offset`). A request refused before its body was read
 * is answered with `Connection: close`, so the unread body is never taken for the next request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BLOB_BYTES, sniffType } from '../src/domain/blobs.ts';
import { docAccess, parseDocName } from '../src/domain/docs.ts';
import type { UserInfo } from '../src/domain/org.ts';
import { BATCH_BYTES, BatchReader, CHUNK_BYTES, HASH_PATTERN, parseContentRange, type BatchResult, type BlobErrorCode } from '../src/protocol/blobs.ts';
import { CaseIndex } from '../src/protocol/caseindex.ts';
import type { BlobStore, PartialWriter } from './blobs.ts';
import type { HttpContext } from './http.ts';
import { bearerUser, pipeFile, sendJson } from './httpio.ts';

type Ctx = HttpContext & { blobs: BlobStore };

/** HTTP status of each blob error code. */
export const BLOB_STATUS: Record<BlobErrorCode, number> = {
  bad_range: 400,
  offset_mismatch: 409,
  too_large: 413,
  quota_exceeded: 413,
  unsupported_type: 415,
  hash_mismatch: 422,
  corrupt_blob: 422,
  empty_blob: 422,
};

/** Bytes the sniffer needs to name a type (RIFF....WEBP). */
const SNIFF_BYTES = 12;

function fail(res: ServerResponse, code: BlobErrorCode | 'unauthorized' | 'not_found' | 'bad_request', extra: Record<string, unknown> = {}, close = false): void {
  const status = code === 'unauthorized' ? 401 : code === 'not_found' ? 404 : code === 'bad_request' ? 400 : BLOB_STATUS[code];
  if (close) res.setHeader('Connection', 'close');
  sendJson(res, status, { error: code, ...extra });
}

async function caller(req: IncomingMessage, res: ServerResponse, ctx: Ctx, close: boolean): Promise<UserInfo | null> {
  const user = await bearerUser(req, ctx);
  if (!user) fail(res, 'unauthorized', {}, close);
  return user;
}

// ---------------------------------------------------------------- GET /api/blobs/<hash>

/**
 * Whether `user` may read the blob: an owner (the uploader), or someone who may read a case in which an owner named
 * it (blobs.ts vouchedRefs): read access to the case's doc, or (a resident, who has no doc access) the case's reporter.
 */
export async function mayReadBlob(ctx: Ctx, user: UserInfo, hash: string): Promise<boolean> {
  if (ctx.blobs.owns(user.id, hash)) return true;
  const org = ctx.org();
  const refs = ctx.blobs.vouchedRefs(hash);
  // Issue 17: a ref of a patrols or task-answers doc (caseId '') opens the blob to that doc's readers (grid lookup).
  const grid = (id: string) => org.index.grid(id);
  for (const r of refs) if (user.role !== 'resident' && docAccess(user, r.doc, org.townIds, grid)) return true;
  if (user.role !== 'resident') return false;
  for (const r of refs) {
    if (parseDocName(r.doc)?.kind !== 'cases') continue;
    const reporter = await ctx.relay.withDoc(r.doc, (ydoc) => {
      const events = CaseIndex.of(ydoc, r.caseId).byCase.get(r.caseId) ?? [];
      return events.find((e) => e.type === 'reported')?.actor;
    });
    if (reporter === user.id) return true;
  }
  return false;
}

export async function getBlob(req: IncomingMessage, res: ServerResponse, ctx: Ctx, [hash]: string[]): Promise<void> {
  const user = await caller(req, res, ctx, false);
  if (!user) return;
  const blob = HASH_PATTERN.test(hash!) ? ctx.blobs.get(hash!) : null;
  if (!blob || !(await mayReadBlob(ctx, user, blob.hash))) return fail(res, 'not_found');
  const etag = `"${blob.hash}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
  const inm = req.headers['if-none-match'];
  if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', blob.type);
  res.setHeader('Content-Length', blob.size);
  if (req.method === 'HEAD') return void res.end();
  await pipeFile(res, ctx.blobs.pathOf(blob.hash));
}

// ---------------------------------------------------------------- GET /api/blobs/<hash>/upload

export async function uploadStatus(req: IncomingMessage, res: ServerResponse, ctx: Ctx, [hash]: string[]): Promise<void> {
  const user = await caller(req, res, ctx, false);
  if (!user) return;
  if (!HASH_PATTERN.test(hash!)) return fail(res, 'bad_request');
  sendJson(res, 200, ctx.blobs.status(user.id, hash!));
}

// ---------------------------------------------------------------- PUT /api/blobs/<hash>

export async function putChunk(req: IncomingMessage, res: ServerResponse, ctx: Ctx, [hash]: string[]): Promise<void> {
  const user = await caller(req, res, ctx, true);
  if (!user) return;
  if (!HASH_PATTERN.test(hash!)) return fail(res, 'bad_request', {}, true);
  const rangeHeader = req.headers['content-range'];
  // A zero-byte blob cannot be named by a byte range: `bytes */0` (or an empty body without a range) says it.
  if (rangeHeader === 'bytes */0' || (rangeHeader === undefined && req.headers['content-length'] === '0')) return fail(res, 'empty_blob', {}, true);
  const range = parseContentRange(rangeHeader);
  if (!range) return fail(res, 'bad_range', {}, true);
  // Checked from the declared sizes, before a byte is read.
  if (range.total > MAX_BLOB_BYTES) return fail(res, 'too_large', {}, true);
  const length = range.last - range.first + 1;
  if (length > CHUNK_BYTES) return fail(res, 'too_large', {}, true);
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) !== length) return fail(res, 'bad_range', {}, true);

  // A newer request for the same upload means the client gave up on the one in flight (its link dropped, perhaps
  // without the relay noticing yet): that one is cut, its received bytes kept, and this one runs after it.
  const key = `${user.id}\n${hash}`;
  const inFlight = ctx.blobs.inFlight;
  inFlight.get(key)?.destroy();
  inFlight.set(key, req);
  req.once('close', () => {
    if (inFlight.get(key) === req) inFlight.delete(key);
  });
  await ctx.blobs.exclusive(user.id, hash!, async () => {
    if (req.destroyed) return;
    const status = ctx.blobs.status(user.id, hash!);
    // These answers are common on a resuming device: its chunk (at most CHUNK_BYTES, checked above) is read and
    // dropped first, so the answer arrives on a connection that stays open rather than as a reset.
    if (status.complete) {
      // Idempotent: this caller has it already. Any chunk of it is answered as complete.
      if (await drain(req, length)) sendJson(res, 201, status);
      return;
    }
    if (range.first !== status.offset) {
      if (await drain(req, length)) fail(res, 'offset_mismatch', { offset: status.offset });
      return;
    }
    // What the whole upload will hold, against the quota (the partial's bytes so far are counted already).
    if (ctx.blobs.used(user.id) + (range.total - status.offset) > ctx.blobs.opts.quotaBytes) {
      if (await drain(req, length)) fail(res, 'quota_exceeded');
      return;
    }
    await receiveChunk(req, res, ctx, user, hash!, range, length);
  });
}

async function receiveChunk(req: IncomingMessage, res: ServerResponse, ctx: Ctx, user: UserInfo, hash: string, range: { first: number; total: number }, length: number): Promise<void> {
  // Opened at the first byte that is kept (a holder: assigned from inside `start`).
  const open: { writer: PartialWriter | null } = { writer: null };
  // The first chunk is held until its first bytes name an accepted type: a wrong upload stores nothing.
  let head: Buffer | null = range.first === 0 ? Buffer.alloc(0) : null;
  let received = 0;
  let refused: BlobErrorCode | null = null;
  let cut = false;
  const start = async () => (open.writer ??= await ctx.blobs.openPartial(user.id, hash));
  // A write that fails (the disk is full) ends the keeping: the rest of the body is read and dropped, the partial
  // goes back to where this request found it, and the error is thrown for the edge to answer (507: http.ts).
  let writeFailed: unknown = null;
  const keep = async (bytes: Uint8Array) => {
    if (writeFailed) return;
    try {
      await (await start()).append(bytes);
    } catch (err) {
      writeFailed = err;
    }
  };
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      received += chunk.length;
      // A refused request's body is read to its end (a chunk at most) and dropped, so the answer reaches the
      // client instead of a reset connection; a body far above its range is cut.
      if (refused) {
        if (received > 2 * CHUNK_BYTES) break;
        continue;
      }
      if (received > length) {
        refused = 'bad_range';
        continue;
      }
      if (head) {
        head = Buffer.concat([head, chunk]);
        if (head.length < Math.min(SNIFF_BYTES, length)) continue;
        if (!sniffType(head)) {
          refused = 'unsupported_type';
          head = null;
          continue;
        }
        await keep(head);
        head = null;
        continue;
      }
      await keep(chunk);
    }
  } catch {
    // The request was cut (the link dropped): what arrived is kept, below.
    cut = true;
  }
  if (!cut && !refused && req.readableAborted) cut = true;
  if (head && !refused && !cut && head.length > 0) {
    // A body shorter than SNIFF_BYTES (a tiny blob): sniff what there is.
    if (!sniffType(head)) refused = 'unsupported_type';
    else await keep(head);
  }
  const durable = open.writer ? await open.writer.finish() : ctx.blobs.status(user.id, hash).offset;
  if (writeFailed) {
    ctx.blobs.truncatePartial(user.id, hash, range.first);
    throw writeFailed;
  }
  if (cut) return; // nobody to answer; the next status shows `durable`
  if (refused) {
    // Nothing of this request counts: the partial goes back to where it was (or away, for a first chunk).
    ctx.blobs.truncatePartial(user.id, hash, range.first);
    return fail(res, refused, {}, true);
  }
  if (received < length) {
    // The body ended early without the link dropping: keep what came, and say where the upload stands.
    return fail(res, 'bad_range', { offset: durable });
  }
  if (durable < range.total) return sendJson(res, 200, ctx.blobs.status(user.id, hash));
  const done = ctx.blobs.completePartial(user.id, hash);
  if (!done.ok) return fail(res, done.error);
  sendJson(res, 201, done.status);
}

/** Read and drop a request body of at most `max` bytes; false when it was cut or longer (then it is destroyed). */
async function drain(req: IncomingMessage, max: number): Promise<boolean> {
  let n = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      n += chunk.length;
      if (n > max) {
        req.destroy();
        return false;
      }
    }
  } catch {
    return false;
  }
  return !req.readableAborted;
}

// ---------------------------------------------------------------- POST /api/blobs

export async function postBatch(req: IncomingMessage, res: ServerResponse, ctx: Ctx): Promise<void> {
  const user = await caller(req, res, ctx, true);
  if (!user) return;
  if (Number(req.headers['content-length'] ?? 0) > BATCH_BYTES) return fail(res, 'too_large', {}, true);
  const results: BatchResult[] = [];
  const frames: Array<{ hash: string; bytes: Uint8Array }> = [];
  const reader = new BatchReader((hash, bytes) => frames.push({ hash, bytes }));
  let size = 0;
  let refused: BlobErrorCode | null = null;
  const storeFrames = () => {
    for (const f of frames.splice(0)) {
      const r = ctx.blobs.storeWhole(user.id, f.hash, f.bytes);
      results.push(r.ok ? { hash: f.hash, complete: true } : { hash: f.hash, error: r.error });
    }
  };
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > BATCH_BYTES) {
        refused = 'too_large';
        break;
      }
      if (reader.push(chunk)) {
        refused = 'too_large';
        break;
      }
      // Each blob is stored as soon as its frame has arrived: a cut loses only the frame in flight.
      storeFrames();
    }
  } catch {
    storeFrames();
    return; // cut: the frames that arrived are stored; nobody to answer
  }
  storeFrames();
  // Leaving the loop early (refused) destroys the request stream, which makes it count as aborted: that is our own
  // stop, and the client still waits for the answer (the fuzzer found a batch that hung here: issue 16).
  if (refused) return fail(res, refused, { results }, true);
  if (req.readableAborted) return;
  if (reader.leftover > 0) return fail(res, 'corrupt_blob', { results });
  sendJson(res, 200, { results });
}
