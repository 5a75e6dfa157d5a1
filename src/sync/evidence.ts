/**
 * Issue 12: the session's evidence parts (the outbox uploader and the blob cache), built and started together.
 * Loaded by the session after the first screen (not in the initial bundle); the session keeps only the glue.
 */
import { BlobCache } from './blobcache.ts';
import { Uploader, attachBlobs, attachHashes, type BlobFetch } from './uploads.ts';
import type { UserDb } from '../storage/schema.ts';

export interface EvidenceParts {
  uploader: Uploader;
  cache: BlobCache;
  attach: typeof attachBlobs;
  /** Issue 17: blobs named by a record event (patrol check-in, task answer), with no case. */
  attachHashes: typeof attachHashes;
}

export interface EvidenceDeps {
  db: UserDb;
  fetch: BlobFetch;
  online: () => boolean;
  /** The relay refused the token (the session checks it). */
  unauthorized: () => void;
  /** Sign-in expired or the session ended. */
  paused: () => boolean;
  ended: () => boolean;
  watchNetwork: (f: () => void) => () => void;
  now: () => number;
  /** Before abandoned drafts are deleted (BlobCacheDeps.beforeExpire). */
  beforeExpire?: () => Promise<boolean>;
  /** Called once the parts exist (before they start), so the session's signals can follow them. */
  publish: (parts: EvidenceParts) => void;
}

/** Build the parts, ask for persistent storage, clean abandoned drafts, and upload what waits. */
export async function startEvidence(d: EvidenceDeps): Promise<EvidenceParts> {
  const uploader = new Uploader({ db: d.db, fetch: d.fetch, online: d.online, unauthorized: d.unauthorized, paused: d.paused, watchNetwork: d.watchNetwork, now: d.now });
  const cache = new BlobCache({ db: d.db, fetch: d.fetch, online: d.online, unauthorized: d.unauthorized, now: d.now, ...(d.beforeExpire ? { beforeExpire: d.beforeExpire } : {}) });
  const parts = { uploader, cache, attach: attachBlobs, attachHashes };
  if (d.ended()) return parts;
  d.publish(parts);
  void cache.persist();
  await cache.maintain().catch((e: unknown) => d.ended() || console.error('gridlink: cleaning local photos failed', e));
  if (!d.ended()) await uploader.start();
  return parts;
}
