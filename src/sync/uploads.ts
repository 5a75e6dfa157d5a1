/**
 * The blob outbox uploader (issue 12, DESIGN §7): sends the `unsent` rows of the user's Dexie `blobs` table to the
 * relay with the protocol of src/protocol/blobs.ts, and keeps `progress` (what waits, per case) up to date.
 *
 * Contracts:
 *  - Order: every unsent thumbnail first (oldest first), then voice clips, then full photos: on 2G the town center
 *    sees what a report is about long before the full photos arrive.
 *  - A blob of at most CHUNK_BYTES goes whole, several per POST /api/blobs (up to BATCH_BYTES); a bigger one goes
 *    alone, as PUT chunks with Content-Range. After any failure (network, 5xx, a refused offset) the upload resumes
 *    from the relay's own offset (GET .../upload: it may be past the last answer, as the relay keeps a cut chunk's
 *    bytes), never from zero, so a dropped link costs at most one chunk again.
 *  - Idempotent by hash: a blob the relay already holds completes at once (its status says so).
 *  - 'complete' -> the row becomes `sent` (its bytes stay as the local copy). A permanent refusal (415, 422, 413
 *    too_large) is written on the row (`refused`) and shown, never retried; the row stays `unsent` (its bytes are
 *    never cleaned, the user may still need them). 413 quota_exceeded, 5xx and network failures back off and retry.
 *  - 401: the session is told (it checks the token and may ask for the password); uploads pause until `kick()`.
 *  - Triggers: `start()`, the network coming back (`watchNetwork`), `kick()` (after a report or action), and a
 *    backoff timer after a failure (1 s doubling to 60 s; a trigger resets it).
 *
 * `attachBlobs` is the other half of the outbox: called in the same flow as an event is saved locally, it moves the
 * blobs the event names (blobHashesOf) from `draft` to `unsent` with the case id.
 */
import { signal, type Signal } from '@preact/signals';
import { blobHashesOf } from '../domain/evidence.ts';
import type { CaseEvent } from '../domain/events.ts';
import {
  BATCH_BYTES,
  BLOBS_PATH,
  CHUNK_BYTES,
  blobPath,
  contentRange,
  encodeBatch,
  uploadStatusPath,
  type BatchResult,
  type BlobErrorCode,
  type UploadStatus,
} from '../protocol/blobs.ts';
import type { BlobKind, BlobRecord, UserDb } from '../storage/schema.ts';
import type { UploadProgress } from './blobtypes.ts';
import { Rerun } from './rerun.ts';

/** A row of the outbox: a BlobRecord, with the relay's permanent refusal when there was one. */
export interface OutboxRecord extends BlobRecord {
  /** The relay refused this blob for good (its code): not retried, shown to the user. */
  refused?: BlobErrorCode;
}

/** Refusals that no retry can change. */
const PERMANENT: ReadonlySet<string> = new Set<BlobErrorCode>(['too_large', 'unsupported_type', 'hash_mismatch', 'corrupt_blob', 'empty_blob']);

export type BlobFetch = (path: string, init?: { method?: 'GET' | 'POST' | 'PUT'; body?: Uint8Array; headers?: Record<string, string> }) => Promise<Response>;

export interface UploaderDeps {
  db: UserDb;
  /** The relay's API with this session's token; rejects when the network fails. */
  fetch: BlobFetch;
  online: () => boolean;
  /** The relay refused the token (401). */
  unauthorized: () => void;
  /** Sign-in expired or the session ended: do not contact the relay. */
  paused: () => boolean;
  /** Called when the network comes or goes; returns the unsubscribe function. */
  watchNetwork?: (f: () => void) => () => void;
  now?: () => number;
  /** First and longest wait between retries after a failure (ms). */
  backoffMs?: { min: number; max: number };
}

export const EMPTY_PROGRESS: UploadProgress = { photos: 0, clips: 0, bytesLeft: 0, bytes: 0, byCase: {} };

const RANK: Record<BlobKind, number> = { thumb: 0, voice: 1, photo: 2 };

/** The outbox in upload order: thumbnails, voice clips, full photos; oldest first within each. */
export function uploadOrder<T extends Pick<BlobRecord, 'kind' | 'createdMs' | 'hash'>>(rows: T[]): T[] {
  return [...rows].sort((a, b) => RANK[a.kind] - RANK[b.kind] || a.createdMs - b.createdMs || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
}

/** What waits, from the unsent rows (a photo and its thumbnail count once: a case's photos are its most of either). */
export function progressOf(rows: ReadonlyArray<OutboxRecord>): UploadProgress {
  const out: UploadProgress = { photos: 0, clips: 0, bytesLeft: 0, bytes: 0, byCase: {}, refused: [] };
  const counts = new Map<string, { thumbs: number; photos: number; clips: number; bytesLeft: number; bytes: number }>();
  for (const r of rows) {
    if (r.state !== 'unsent') continue;
    if (r.refused) {
      out.refused!.push({ hash: r.hash, kind: r.kind, error: r.refused, ...(r.caseId ? { caseId: r.caseId } : {}) });
      continue;
    }
    const key = r.caseId ?? '';
    const c = counts.get(key) ?? { thumbs: 0, photos: 0, clips: 0, bytesLeft: 0, bytes: 0 };
    if (r.kind === 'thumb') c.thumbs++;
    else if (r.kind === 'photo') c.photos++;
    else c.clips++;
    c.bytes += r.size;
    c.bytesLeft += Math.max(0, r.size - r.confirmed);
    counts.set(key, c);
  }
  for (const [key, c] of counts) {
    const photos = Math.max(c.thumbs, c.photos);
    out.photos += photos;
    out.clips += c.clips;
    out.bytes += c.bytes;
    out.bytesLeft += c.bytesLeft;
    if (key) out.byCase[key] = { photos, clips: c.clips, bytesLeft: c.bytesLeft, bytes: c.bytes };
  }
  return out;
}

/**
 * Move the blobs that these events name from `draft` to `unsent` (the outbox) with their case id, in one Dexie
 * transaction. Called before the events are written, so that no saved event names a blob that is still a draft
 * (drafts are removed after a day); a blob already sent or cached only learns its case. Returns how many moved.
 */
export async function attachBlobs(db: UserDb, events: readonly CaseEvent[], now: number): Promise<number> {
  const named: Array<[string, string | undefined]> = [];
  for (const e of events) for (const h of blobHashesOf(e)) named.push([h, e.caseId]);
  return attachHashes(db, named, now);
}

/**
 * `attachBlobs` for any named blobs: `[hash, caseId]` pairs, the case id undefined for blobs of a record event (a
 * patrol check-in's or a task answer's photos, issue 17: src/domain/recordblobs.ts). Same contract.
 */
export async function attachHashes(db: UserDb, named: ReadonlyArray<readonly [string, string | undefined]>, now: number): Promise<number> {
  if (!named.length) return 0;
  let moved = 0;
  await db.transaction('rw', db.blobs, async () => {
    for (const [hash, caseId] of named) {
      const r = await db.blobs.get(hash);
      if (!r) continue;
      if (r.state === 'draft') {
        await db.blobs.update(hash, { state: 'unsent', ...(caseId ? { caseId } : {}), usedMs: now });
        moved++;
      } else if (!r.caseId && caseId) await db.blobs.update(hash, { caseId });
    }
  });
  return moved;
}

class Unauthorized extends Error {}
/** A failure worth retrying later (network, 5xx, quota). */
class Retry extends Error {}

export class Uploader {
  readonly progress: Signal<UploadProgress> = signal(EMPTY_PROGRESS);
  /** Bytes of blob content sent in request bodies (diagnostics and the benchmark). */
  sentBytes = 0;

  private readonly passes = new Rerun(
    () => this.pass(),
    () => !this.stopped && !this.held,
  );
  private stopped = false;
  private held = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private wait: number;
  private unwatch: () => void = () => {};
  /**
   * The unsent rows without their bytes (what ordering and progress need), read from the table at start and at
   * every kick, kept up to date as blobs complete; the bytes are read per request. The table stays the truth: a
   * row is checked there again before it is sent.
   */
  private outbox = new Map<string, OutboxRecord>();
  /** Big blobs whose last attempt failed: resume from the relay's status, not from the stored `confirmed`. */
  private readonly askStatus = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly deps: UploaderDeps) {
    this.wait = deps.backoffMs?.min ?? 1000;
    this.now = deps.now ?? (() => Date.now());
  }

  /** Count the outbox, watch the network, and upload what waits. */
  async start(): Promise<void> {
    await this.reload();
    this.unwatch = this.deps.watchNetwork?.(() => {
      if (this.deps.online()) void this.kick();
    }) ?? (() => {});
    void this.kick();
  }

  /** Upload now (after a report or action, on a network change): resets the backoff. Resolves when idle. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.held = false;
    this.wait = this.deps.backoffMs?.min ?? 1000;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    // New rows (a report just made) are counted at once, even while a long upload runs.
    if (this.passes.busy) void this.reload().catch(() => {});
    return this.run();
  }

  /** Resolves when the uploader has nothing running (tests). */
  async idle(): Promise<void> {
    await this.passes.idle();
  }

  private run(): Promise<void> {
    return this.passes.run();
  }

  /** Send everything in order until done, or until a failure (then a retry is scheduled). */
  private async pass(): Promise<void> {
    try {
      if (this.stopped) return;
      await this.reload();
      for (;;) {
        if (this.stopped || this.held || this.deps.paused()) return;
        // Offline: try again by itself (backing off), as well as at the next network change: a drop too short for
        // a change to be noticed must not hold the outbox until the next report.
        if (!this.deps.online()) {
          if (this.outbox.size > 0) this.retryLater();
          return;
        }
        const next = uploadOrder([...this.outbox.values()].filter((r) => !r.refused));
        if (!next.length) return;
        const head = next[0]!;
        if (head.size <= CHUNK_BYTES) {
          const picked: string[] = [];
          let size = 0;
          for (const r of next) {
            if (r.size > CHUNK_BYTES || size + 36 + r.size > BATCH_BYTES) break;
            picked.push(r.hash);
            size += 36 + r.size;
          }
          const batch = (await this.rows(picked)).filter((r) => !r.refused);
          if (batch.length) await this.sendBatch(batch);
        } else {
          const [row] = await this.rows([head.hash]);
          if (row && !row.refused) await this.sendChunked(row);
        }
        this.wait = this.deps.backoffMs?.min ?? 1000;
      }
    } catch (e) {
      if (e instanceof Unauthorized) {
        this.held = true;
        this.deps.unauthorized();
      } else {
        if (!(e instanceof Retry) && !(e instanceof TypeError)) console.error('gridlink: upload failed', e);
        this.retryLater();
      }
    } finally {
      this.recount();
    }
  }

  private retryLater(): void {
    if (this.stopped || this.timer) return;
    const max = this.deps.backoffMs?.max ?? 60_000;
    const wait = this.wait;
    this.wait = Math.min(max, this.wait * 2);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, wait);
  }

  /** Read the unsent rows' metadata again (start, kick) and recount. */
  private async reload(): Promise<void> {
    const map = new Map<string, OutboxRecord>();
    const none = new Uint8Array(0);
    await this.deps.db.blobs
      .where('state')
      .equals('unsent')
      .each((r) => void map.set(r.hash, { ...r, bytes: none }));
    this.outbox = map;
    this.recount();
  }

  /** These rows with their bytes, still unsent (a row sent or removed meanwhile leaves the outbox). */
  private async rows(hashes: string[]): Promise<OutboxRecord[]> {
    const got = (await this.deps.db.blobs.bulkGet(hashes)) as Array<OutboxRecord | undefined>;
    const out: OutboxRecord[] = [];
    hashes.forEach((h, i) => {
      const r = got[i];
      if (r?.state === 'unsent') out.push(r);
      else this.outbox.delete(h);
    });
    this.recount();
    return out;
  }

  private recount(): void {
    if (this.stopped) return;
    const p = progressOf([...this.outbox.values()]);
    const cur = this.progress.peek();
    if (JSON.stringify(p) !== JSON.stringify(cur)) this.progress.value = p;
  }

  private async request(path: string, init: Parameters<BlobFetch>[1]): Promise<Response> {
    const res = await this.deps.fetch(path, init);
    if (res.status === 401) throw new Unauthorized();
    if (res.status >= 500) throw new Retry(`relay answered ${res.status}`);
    return res;
  }

  private async sendBatch(batch: OutboxRecord[]): Promise<void> {
    const body = encodeBatch(batch);
    this.sentBytes += batch.reduce((n, r) => n + r.size, 0);
    const res = await this.request(BLOBS_PATH, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
    const answer = (await res.json().catch(() => null)) as { results?: BatchResult[]; error?: string } | null;
    if (!res.ok || !Array.isArray(answer?.results)) {
      const error = answer?.error;
      // A whole batch refused for a permanent reason: find out which blob by sending them one at a time.
      if (error && PERMANENT.has(error) && batch.length === 1) return this.refuse(batch[0]!, error as BlobErrorCode);
      if (error && PERMANENT.has(error)) {
        for (const r of batch) await this.sendBatch([r]);
        return;
      }
      throw new Retry(`batch answered ${res.status} ${error ?? ''}`);
    }
    let retry = false;
    for (const r of answer.results) {
      const rec = batch.find((b) => b.hash === r.hash);
      if (!rec) continue;
      if ('complete' in r && r.complete) await this.markSent(rec);
      else if ('error' in r && PERMANENT.has(r.error)) await this.refuse(rec, r.error);
      else retry = true;
    }
    if (retry || batch.some((b) => !answer.results!.some((r) => r.hash === b.hash))) throw new Retry('batch partly stored');
  }

  private async sendChunked(rec: OutboxRecord): Promise<void> {
    let offset = rec.confirmed;
    if (this.askStatus.has(rec.hash) || offset > 0) {
      const st = await this.status(rec.hash);
      if (st.complete) return this.markSent(rec);
      offset = st.offset;
      this.askStatus.delete(rec.hash);
    }
    try {
      while (offset < rec.size) {
        if (this.stopped || this.held || this.deps.paused()) return;
        const end = Math.min(rec.size, offset + CHUNK_BYTES);
        const body = rec.bytes.subarray(offset, end);
        this.sentBytes += body.length;
        const res = await this.request(blobPath(rec.hash), {
          method: 'PUT',
          body,
          headers: { 'content-type': 'application/octet-stream', 'content-range': contentRange(offset, end - 1, rec.size) },
        });
        const answer = (await res.json().catch(() => null)) as (Partial<UploadStatus> & { error?: string }) | null;
        if (res.status === 201 || (res.ok && answer?.complete)) return this.markSent(rec);
        if (res.ok && typeof answer?.offset === 'number') {
          offset = answer.offset;
          await this.deps.db.blobs.update(rec.hash, { confirmed: offset });
          const meta = this.outbox.get(rec.hash);
          if (meta) meta.confirmed = offset;
          this.recount();
          continue;
        }
        const error = answer?.error ?? '';
        if (PERMANENT.has(error)) return this.refuse(rec, error as BlobErrorCode);
        if (res.status === 409 || error === 'bad_range') {
          const st = await this.status(rec.hash);
          if (st.complete) return this.markSent(rec);
          if (st.offset === offset) throw new Retry(`offset refused at ${offset}`);
          offset = st.offset;
          continue;
        }
        throw new Retry(`chunk answered ${res.status} ${error}`);
      }
    } catch (e) {
      this.askStatus.add(rec.hash);
      throw e;
    }
  }

  private async status(hash: string): Promise<UploadStatus> {
    const res = await this.request(uploadStatusPath(hash), { method: 'GET' });
    const st = (await res.json().catch(() => null)) as UploadStatus | null;
    if (!res.ok || typeof st?.offset !== 'number') throw new Retry(`upload status answered ${res.status}`);
    return st;
  }

  private async markSent(rec: OutboxRecord): Promise<void> {
    this.askStatus.delete(rec.hash);
    await this.deps.db.transaction('rw', this.deps.db.blobs, async () => {
      const cur = await this.deps.db.blobs.get(rec.hash);
      if (cur?.state === 'unsent') await this.deps.db.blobs.update(rec.hash, { state: 'sent', confirmed: cur.size, usedMs: this.now() });
    });
    this.outbox.delete(rec.hash);
    this.recount();
  }

  private async refuse(rec: OutboxRecord, error: BlobErrorCode): Promise<void> {
    console.warn(`gridlink: the relay refused blob ${rec.hash}: ${error}`);
    await this.deps.db.blobs.update(rec.hash, { refused: error } as Partial<BlobRecord>);
    const meta = this.outbox.get(rec.hash);
    if (meta) meta.refused = error;
    this.recount();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unwatch();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.idle();
  }
}
