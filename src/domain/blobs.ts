/**
 * What a stored blob may be (issue 12), decided from its bytes, never from a file name or a header. Pure.
 * The relay refuses anything else (server/blobs.ts); the device checks its own captures with the same rule
 * before they enter the outbox, so a blob the relay would refuse is never queued.
 *
 * Accepted: JPEG, WebP and PNG images; WebM/Ogg (Opus) and MP4/M4A (AAC) voice clips, which is what
 * MediaRecorder makes in Chromium/Firefox and Safari.
 */

export const IMAGE_TYPES = ['image/jpeg', 'image/webp', 'image/png'] as const;
export const AUDIO_TYPES = ['audio/webm', 'audio/ogg', 'audio/mp4'] as const;
export type BlobType = (typeof IMAGE_TYPES)[number] | (typeof AUDIO_TYPES)[number];

/** The largest blob the relay stores. A compressed photo is about 200 KB, a 60 s voice clip about 200 KB. */
export const MAX_BLOB_BYTES = 4 * 1024 * 1024;

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) => b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
const ascii = (b: Uint8Array, at: number, s: string) => b.length >= at + s.length && [...s].every((c, i) => b[at + i] === c.charCodeAt(0));

/**
 * The type the first bytes announce (at least 12 are needed), or null when they are not an accepted type.
 * Enough to refuse a wrong upload at its first chunk.
 */
export function sniffType(head: Uint8Array): BlobType | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return 'image/webp';
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return 'audio/webm';
  if (ascii(head, 0, 'OggS')) return 'audio/ogg';
  if (ascii(head, 4, 'ftyp')) return 'audio/mp4';
  return null;
}

export type BlobCheck = { ok: true; type: BlobType } | { ok: false; error: 'empty_blob' | 'too_large' | 'unsupported_type' | 'corrupt_blob' };

/**
 * Whether a whole blob is acceptable: not empty, not above MAX_BLOB_BYTES, an accepted type, and complete where
 * the format says how it ends (JPEG's end-of-image marker, PNG's IEND chunk, WebP's RIFF length, a WebM/Ogg/MP4
 * header long enough to be one). A truncated upload of a valid image fails here.
 */
export function checkBlob(b: Uint8Array): BlobCheck {
  if (b.length === 0) return { ok: false, error: 'empty_blob' };
  if (b.length > MAX_BLOB_BYTES) return { ok: false, error: 'too_large' };
  const type = sniffType(b);
  if (!type) return { ok: false, error: 'unsupported_type' };
  const n = b.length;
  switch (type) {
    case 'image/jpeg':
      // Ends with EOI (FF D9); some encoders pad with zero bytes after it.
      for (let i = n - 1; i >= Math.max(1, n - 64); i--) {
        if (b[i] === 0) continue;
        return b[i] === 0xd9 && b[i - 1] === 0xff ? { ok: true, type } : { ok: false, error: 'corrupt_blob' };
      }
      return { ok: false, error: 'corrupt_blob' };
    case 'image/png':
      // The last chunk is IEND: length 0, type "IEND", CRC AE 42 60 82.
      return n >= 8 + 25 + 12 && ascii(b, n - 8, 'IEND') && startsWith(b, [0xae, 0x42, 0x60, 0x82], n - 4) ? { ok: true, type } : { ok: false, error: 'corrupt_blob' };
    case 'image/webp': {
      const riff = (b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24)) >>> 0;
      // RIFF chunks are padded to an even length.
      return n >= 20 && (riff + 8 === n || riff + 9 === n) ? { ok: true, type } : { ok: false, error: 'corrupt_blob' };
    }
    default:
      // Streams MediaRecorder writes (WebM, Ogg) do not say their length up front: accept any header-sized clip.
      return n >= 32 ? { ok: true, type } : { ok: false, error: 'corrupt_blob' };
  }
}

/** Hex of a sha256 digest. */
export function hex(digest: ArrayBuffer | Uint8Array): string {
  const b = digest instanceof Uint8Array ? digest : new Uint8Array(digest);
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}
