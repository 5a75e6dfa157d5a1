/**
 * The blob upload and download protocol (issue 12; DESIGN §7). Shared by the relay (server/blobhttp.ts) and the
 * device (src/sync/uploads.ts, src/sync/blobcache.ts), and documented for other systems in the OpenAPI file.
 *
 * Every request carries `Authorization: Bearer <token>`. A blob is named by the hex sha256 of its bytes, so every
 * request is idempotent and an upload's URL is known before it starts (no creation round trip, which costs 1.4 s
 * on 2G). Errors are `{"error":"<code>"}` with the codes below.
 *
 *   GET  /api/blobs/<hash>          -> 200 the bytes (Content-Type as sniffed, ETag "<hash>", immutable) to an
 *                                      uploader of it, to anyone who may read a case in which an uploader named it
 *                                      (so a hash seen elsewhere cannot be borrowed into one's own case), and to a
 *                                      resident for such a case they reported; 404 `not_found` to everyone else,
 *                                      as for a blob not stored (a hash does not reveal existence)
 *   GET  /api/blobs/<hash>/upload   -> 200 UploadStatus: how much of the caller's upload the relay holds durably
 *   PUT  /api/blobs/<hash>          one chunk, `Content-Range: bytes <first>-<last>/<total>`, body = those bytes
 *                                      (at most CHUNK_BYTES). `first` must be the relay's offset for this upload.
 *                                      -> 200 UploadStatus (more to come) | 201 UploadStatus (complete: checked
 *                                      and stored) | 409 {error:'offset_mismatch', offset} | 400 bad_range |
 *                                      413 too_large | 413 quota_exceeded | 415 unsupported_type (known from the
 *                                      first chunk) | 422 hash_mismatch | 422 corrupt_blob | 422 empty_blob
 *   POST /api/blobs                 several whole small blobs in one request (thumbnails: one round trip for many),
 *                                      body = frames `[32-byte raw sha256][u32 big-endian length][bytes]`, at most
 *                                      BATCH_BYTES in all and each blob at most CHUNK_BYTES -> 200
 *                                      {results: [{hash, complete: true} | {hash, error}]}. Each blob is stored as
 *                                      soon as its frame has arrived: a cut loses only the frame in flight.
 *
 * The relay writes what a chunk brought durably (fsync) before it answers; a cut chunk's received bytes are kept
 * too, so the next `upload` status may be past the last answer. A complete blob is checked (hash, size, sniffed
 * type, src/domain/blobs.ts) before it is stored content-addressed under DATA_DIR/blobs.
 */
import { hex } from '../domain/blobs.ts';

export const BLOBS_PATH = '/api/blobs';
export const blobPath = (hash: string): string => `${BLOBS_PATH}/${hash}`;
export const uploadStatusPath = (hash: string): string => `${BLOBS_PATH}/${hash}/upload`;

/** Bytes per PUT: about 7.5 s on a 70 kbps 2G uplink, so a dropped link costs at most that much again. */
export const CHUNK_BYTES = 64 * 1024;
/** Bytes per POST /api/blobs batch. */
export const BATCH_BYTES = 64 * 1024;

export const HASH_PATTERN = /^[0-9a-f]{64}$/;

export interface UploadStatus {
  hash: string;
  /** Bytes the relay holds durably for this caller's upload (the total once complete). */
  offset: number;
  complete: boolean;
  /** With `complete`: the stored size and sniffed type. */
  size?: number;
  type?: string;
}

export type BlobErrorCode =
  | 'bad_range'
  | 'offset_mismatch'
  | 'too_large'
  | 'quota_exceeded'
  | 'unsupported_type'
  | 'hash_mismatch'
  | 'corrupt_blob'
  | 'empty_blob';

export type BatchResult = { hash: string; complete: true } | { hash: string; error: BlobErrorCode };

export function contentRange(first: number, lastInclusive: number, total: number): string {
  return `bytes ${first}-${lastInclusive}/${total}`;
}

/** `bytes a-b/total` -> numbers, or null when malformed or inconsistent. */
export function parseContentRange(h: string | undefined): { first: number; last: number; total: number } | null {
  const m = /^bytes (\d{1,10})-(\d{1,10})\/(\d{1,10})$/.exec(h ?? '');
  if (!m) return null;
  const [first, last, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (last < first || last >= total) return null;
  return { first, last, total };
}

/** One batch body from whole blobs (each at most CHUNK_BYTES; the caller keeps the sum under BATCH_BYTES). */
export function encodeBatch(blobs: ReadonlyArray<{ hash: string; bytes: Uint8Array }>): Uint8Array {
  const size = blobs.reduce((n, b) => n + 36 + b.bytes.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const b of blobs) {
    for (let i = 0; i < 32; i++) out[at + i] = parseInt(b.hash.slice(i * 2, i * 2 + 2), 16);
    view.setUint32(at + 32, b.bytes.length);
    out.set(b.bytes, at + 36);
    at += 36 + b.bytes.length;
  }
  return out;
}

/**
 * Incremental reader of a batch body: feed it the bytes as they arrive; it calls `onBlob` for each whole frame.
 * Returns an error code when a frame's header is impossible (length above CHUNK_BYTES).
 */
export class BatchReader {
  private buf = new Uint8Array(0);
  constructor(private readonly onBlob: (hash: string, bytes: Uint8Array) => void) {}

  push(chunk: Uint8Array): 'too_large' | null {
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    let at = 0;
    while (joined.length - at >= 36) {
      const len = new DataView(joined.buffer, joined.byteOffset + at + 32, 4).getUint32(0);
      if (len > CHUNK_BYTES) return 'too_large';
      if (joined.length - at < 36 + len) break;
      this.onBlob(hex(joined.subarray(at, at + 32)), joined.slice(at + 36, at + 36 + len));
      at += 36 + len;
    }
    this.buf = joined.slice(at);
    return null;
  }

  /** Bytes of an unfinished frame at the end of the body (a body that ends here was cut or malformed). */
  get leftover(): number {
    return this.buf.length;
  }
}
