/**
 * Photos and voice notes in the practice sandbox (issue 14, 练习模式): the learner's 随手拍 takes a real photo, on
 * the trainer's device only.
 *
 * Contracts:
 *  - The screens capture and compress exactly as in a real report (features/evidence: PhotoCapture, VoiceRecorder,
 *    compress.ts) and hand the blobs to `keep`, which is the real BlobCache's (its hash and type checks), on the
 *    practice database (`practice.<ns>.<trainer>`, src/storage/schema.ts practiceDbName): the blobs are rows of its
 *    `blobs` table, so a reset (which deletes that database) removes them, and on a shared PC they are sealed and
 *    removed with the trainer's other databases (ProfileStore.dbNamesOf lists the practice database; sync/vault.ts
 *    exports it whole, bytes included).
 *  - Nothing is ever uploaded or downloaded: there is no Uploader and no outbox; the cache is told it is offline and
 *    its fetch refuses, so `load` answers from the practice database or null. A report's blobs are marked `sent`
 *    with their case by `attach` (the practice relay, on this device, "has" them), so they are never taken for an
 *    abandoned draft.
 */
import { signal } from '@preact/signals';
import type { EvidenceApi } from './services.ts';
import { blobHashesOf } from '../domain/evidence.ts';
import type { CaseEvent } from '../domain/events.ts';
import type { UserDb } from '../storage/schema.ts';
import { BlobCache } from '../sync/blobcache.ts';
import type { UploadProgress } from '../sync/blobtypes.ts';

const NOTHING_TO_UPLOAD: UploadProgress = { photos: 0, clips: 0, bytesLeft: 0, bytes: 0, byCase: {} };

export interface PracticeEvidence {
  api: EvidenceApi;
  /** Before a practice report is kept: its blobs belong to its case, kept (never an outbox). */
  attach(events: readonly CaseEvent[]): Promise<void>;
}

/** The sandbox's evidence on `db()` (a function: a reset opens a new practice database). */
export function practiceEvidence(db: () => UserDb, now: () => number): PracticeEvidence {
  let cache: { db: UserDb; cache: BlobCache } | null = null;
  const current = (): BlobCache => {
    const d = db();
    if (cache?.db !== d) {
      cache = {
        db: d,
        cache: new BlobCache({
          db: d,
          fetch: () => Promise.reject(new Error('the practice sandbox never uses the network')),
          online: () => false,
          unauthorized: () => {},
          now,
          // The device's storage is the trainer's session's business: practice photos never ask for it.
          storage: null,
        }),
      };
    }
    return cache.cache;
  };
  return {
    api: {
      keep: (blobs) => current().keep(blobs),
      load: (hash, caseId) => current().load(hash, caseId),
      uploads: signal(NOTHING_TO_UPLOAD),
      storage: () => current().storage(),
      clean: (target) => current().clean(target),
    },
    attach: async (events) => {
      const d = db();
      const named: Array<[string, string]> = [];
      for (const e of events) for (const h of blobHashesOf(e)) named.push([h, e.caseId]);
      if (!named.length) return;
      const at = now();
      await d.transaction('rw', d.blobs, async () => {
        for (const [hash, caseId] of named) {
          const r = await d.blobs.get(hash);
          if (r?.state === 'draft') await d.blobs.update(hash, { state: 'sent', caseId, confirmed: r.size, usedMs: at });
        }
      });
    },
  };
}
