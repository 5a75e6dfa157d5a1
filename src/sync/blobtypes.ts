/**
 * The shapes of issue 12's evidence API that the sync layer makes (src/sync/uploads.ts, blobcache.ts); the screens
 * import them through src/app/services.ts (EvidenceApi).
 */
import type { BlobKind } from '../storage/schema.ts';

/** A blob captured on a form (src/features/evidence): compressed, hashed, type checked (src/domain/blobs.ts). */
export interface CapturedBlob {
  hash: string;
  kind: BlobKind;
  type: string;
  bytes: Uint8Array;
}

/** What waits to be uploaded (the outbox), over all cases and per case. */
export interface UploadProgress {
  /** Photos (a photo and its thumbnail count once) and voice clips not yet wholly confirmed by the relay. */
  photos: number;
  clips: number;
  /** Bytes not yet confirmed, of `bytes` in the outbox. */
  bytesLeft: number;
  bytes: number;
  byCase: Record<string, { photos: number; clips: number; bytesLeft: number; bytes: number }>;
  /** Blobs the relay refused for good (never retried, kept on the device): shown so the user knows. */
  refused?: Array<{ hash: string; kind: BlobKind; caseId?: string; error: string }>;
}

export interface StorageReport {
  /** navigator.storage.estimate(): null where the browser does not tell. */
  usage: number | null;
  quota: number | null;
  /** navigator.storage.persisted(): the browser will not evict this site's data under pressure. */
  persisted: boolean;
  /** Blobs in the outbox: never cleaned. */
  unsentBytes: number;
  /** Local copies that cleaning may remove: closed cases' first, then least recently shown. */
  cleanableBytes: number;
  closedCaseBytes: number;
}
