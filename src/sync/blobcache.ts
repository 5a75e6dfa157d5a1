/**
 * Photos and voice clips on this device (issue 12, DESIGN §7): drafts kept from the forms, downloads cached for the
 * screens, the browser's storage estimate, and cleaning when space runs low.
 *
 * Contracts:
 *  - `load(hash, caseId?)`: the local row (any state) as a Blob; else, when online, GET /api/blobs/<hash> with the session's
 *    token, checked against its hash, stored as `cached` and returned; null otherwise (offline, not uploaded yet, no
 *    access: the relay's 404). Every local hit updates `usedMs` (least recently shown is cleaned first).
 *  - `clean(target)` removes `cached` and `sent` copies only: those of closed cases (their read-model row's status is
 *    final, FINAL_STATUSES) first, then the least recently used. It NEVER removes an `unsent` row (the outbox) nor a
 *    `draft` less than DRAFT_TTL_MS old (a form being filled in).
 *  - `maintain()`: drafts older than DRAFT_TTL_MS (no event named them: `attachBlobs` moves named ones to the
 *    outbox) are deleted, once `beforeExpire` has moved the drafts a saved event names but whose move was cut short
 *    (a record event's blobs move after its append; when it cannot tell yet, no draft is deleted this time); when the estimate says usage is above AUTO_CLEAN_RATIO of the quota, copies are cleaned
 *    until it would be below. Run at start and after each download.
 *  - `navigator.storage.persist()` is asked once per session (the browser may then not evict the outbox).
 */
import type { CapturedBlob, StorageReport } from './blobtypes.ts';
import { checkBlob, hex } from '../domain/blobs.ts';
import { FINAL_STATUSES } from '../domain/workflow.ts';
import { blobPath, HASH_PATTERN } from '../protocol/blobs.ts';
import type { BlobRecord, UserDb } from '../storage/schema.ts';
import type { BlobFetch } from './uploads.ts';

/** A draft no event named after this long is deleted (the form was abandoned). */
export const DRAFT_TTL_MS = 86_400_000;
/** Above this share of the quota, local copies are cleaned. */
export const AUTO_CLEAN_RATIO = 0.8;

/** The parts of navigator.storage used here (absent in old browsers and in Node). */
export interface StorageLike {
  persist?: () => Promise<boolean>;
  persisted?: () => Promise<boolean>;
  estimate?: () => Promise<{ usage?: number; quota?: number }>;
}

export interface BlobCacheDeps {
  db: UserDb;
  fetch: BlobFetch;
  online: () => boolean;
  unauthorized: () => void;
  now: () => number;
  /** Default: navigator.storage when there is one. */
  storage?: StorageLike | null;
  /**
   * Before old drafts are deleted: move those a saved event names into the outbox (the session: record events,
   * src/app/session.ts). False when that cannot be known yet (the records not loaded): then none is deleted.
   */
  beforeExpire?: () => Promise<boolean>;
}

const FINAL: ReadonlySet<string> = new Set(FINAL_STATUSES);

async function sha256(bytes: Uint8Array): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
}

export class BlobCache {
  private persistAsked: Promise<boolean> | null = null;
  private readonly storageApi: StorageLike | null;
  private readonly loading = new Map<string, Promise<Blob | null>>();

  constructor(private readonly deps: BlobCacheDeps) {
    this.storageApi = deps.storage !== undefined ? deps.storage : typeof navigator !== 'undefined' ? ((navigator.storage as StorageLike | undefined) ?? null) : null;
  }

  /** Ask for persistent storage, once per session; whether the browser granted it. */
  persist(): Promise<boolean> {
    return (this.persistAsked ??= (async () => {
      try {
        if (await this.storageApi?.persisted?.()) return true;
        return (await this.storageApi?.persist?.()) ?? false;
      } catch {
        return false;
      }
    })());
  }

  /** Keep captured blobs as drafts (refused when the bytes do not match their hash or are not an accepted type). */
  async keep(blobs: CapturedBlob[]): Promise<void> {
    const now = this.deps.now();
    const rows: BlobRecord[] = [];
    for (const b of blobs) {
      if (!HASH_PATTERN.test(b.hash) || (await sha256(b.bytes)) !== b.hash) throw new Error(`blob bytes do not match ${b.hash}`);
      const check = checkBlob(b.bytes);
      if (!check.ok) throw new Error(`blob ${b.hash}: ${check.error}`);
      rows.push({ hash: b.hash, kind: b.kind, type: check.type, bytes: b.bytes, size: b.bytes.length, state: 'draft', confirmed: 0, createdMs: now, usedMs: now });
    }
    const db = this.deps.db;
    await db.transaction('rw', db.blobs, async () => {
      for (const r of rows) {
        const cur = await db.blobs.get(r.hash);
        // Already in the outbox, sent or cached (the same photo twice): keep that row, it is further along.
        if (cur && cur.state !== 'draft') continue;
        await db.blobs.put(r);
      }
    });
  }

  load(hash: string, caseId?: string): Promise<Blob | null> {
    if (!HASH_PATTERN.test(hash)) return Promise.resolve(null);
    let p = this.loading.get(hash);
    if (!p) {
      p = this.doLoad(hash, caseId).finally(() => this.loading.delete(hash));
      this.loading.set(hash, p);
    }
    return p;
  }

  private async doLoad(hash: string, caseId: string | undefined): Promise<Blob | null> {
    const db = this.deps.db;
    const local = await db.blobs.get(hash);
    if (local) {
      await db.blobs.update(hash, { usedMs: this.deps.now(), ...(caseId && !local.caseId ? { caseId } : {}) }).catch(() => {});
      return new Blob([local.bytes as Uint8Array<ArrayBuffer>], { type: local.type });
    }
    if (!this.deps.online()) return null;
    let res: Response;
    try {
      res = await this.deps.fetch(blobPath(hash), { method: 'GET' });
    } catch {
      return null;
    }
    if (res.status === 401) {
      this.deps.unauthorized();
      return null;
    }
    if (!res.ok) return null;
    const bytes = new Uint8Array(await res.arrayBuffer().catch(() => new ArrayBuffer(0)));
    const check = checkBlob(bytes);
    if (!check.ok || (await sha256(bytes)) !== hash) return null;
    const now = this.deps.now();
    const kind = check.type.startsWith('audio/') ? 'voice' : 'photo';
    const row: BlobRecord = { hash, kind, type: check.type, bytes, size: bytes.length, state: 'cached', ...(caseId ? { caseId } : {}), confirmed: bytes.length, createdMs: now, usedMs: now };
    try {
      await db.transaction('rw', db.blobs, async () => {
        if (!(await db.blobs.get(hash))) await db.blobs.add(row);
      });
      void this.maintain().catch(() => {});
    } catch {
      // The device is full: show it anyway, just do not keep it.
    }
    return new Blob([bytes], { type: check.type });
  }

  /** Case ids whose read-model row is in a final status. */
  private async closedCases(): Promise<Set<string>> {
    const out = new Set<string>();
    await this.deps.db.cases.each((c) => {
      if (FINAL.has(c.status)) out.add(c.id);
    });
    return out;
  }

  /** Copies that cleaning may remove, in the order it removes them, with their size. */
  private async cleanable(): Promise<{ hash: string; size: number; closed: boolean }[]> {
    const closed = await this.closedCases();
    const rows: { hash: string; size: number; closed: boolean; usedMs: number }[] = [];
    const db = this.deps.db;
    for (const state of ['cached', 'sent'] as const) {
      await db.blobs
        .where('state')
        .equals(state)
        .each((r) => rows.push({ hash: r.hash, size: r.size, closed: !!r.caseId && closed.has(r.caseId), usedMs: r.usedMs }));
    }
    rows.sort((a, b) => Number(b.closed) - Number(a.closed) || a.usedMs - b.usedMs);
    return rows;
  }

  async storage(): Promise<StorageReport> {
    const api = this.storageApi;
    let usage: number | null = null;
    let quota: number | null = null;
    try {
      const e = await api?.estimate?.();
      usage = typeof e?.usage === 'number' ? e.usage : null;
      quota = typeof e?.quota === 'number' ? e.quota : null;
    } catch {
      // not told
    }
    let persisted = false;
    try {
      persisted = (await api?.persisted?.()) ?? false;
    } catch {
      // not told
    }
    let unsentBytes = 0;
    await this.deps.db.blobs
      .where('state')
      .equals('unsent')
      .each((r) => (unsentBytes += r.size));
    const rows = await this.cleanable();
    return {
      usage,
      quota,
      persisted,
      unsentBytes,
      cleanableBytes: rows.reduce((n, r) => n + r.size, 0),
      closedCaseBytes: rows.reduce((n, r) => n + (r.closed ? r.size : 0), 0),
    };
  }

  /** Remove cleanable copies until `targetBytes` are freed (all when absent). Never an unsent row. Bytes freed. */
  async clean(targetBytes?: number): Promise<number> {
    const rows = await this.cleanable();
    const db = this.deps.db;
    let freed = 0;
    for (const r of rows) {
      if (targetBytes !== undefined && freed >= targetBytes) break;
      // Checked again inside the transaction: a row may have changed state since it was listed.
      const gone = await db.transaction('rw', db.blobs, async () => {
        const cur = await db.blobs.get(r.hash);
        if (!cur || (cur.state !== 'cached' && cur.state !== 'sent')) return 0;
        await db.blobs.delete(r.hash);
        return cur.size;
      });
      freed += gone;
    }
    return freed;
  }

  /** Delete abandoned drafts; clean copies when the device is nearly full. */
  async maintain(): Promise<void> {
    const db = this.deps.db;
    const before = this.deps.now() - DRAFT_TTL_MS;
    const old = () => db.blobs.where('[state+createdMs]').between(['draft', -Infinity], ['draft', before], true, false);
    const expire = this.deps.beforeExpire;
    if ((await old().count()) > 0 && (expire ? await expire().catch(() => false) : true)) await old().delete();
    const e = await this.storageApi?.estimate?.().catch(() => undefined);
    if (e && typeof e.usage === 'number' && typeof e.quota === 'number' && e.quota > 0 && e.usage > AUTO_CLEAN_RATIO * e.quota) {
      // Down to 70% of the quota, so that the next few downloads do not start cleaning again at once.
      await this.clean(e.usage - 0.7 * e.quota);
    }
  }
}
