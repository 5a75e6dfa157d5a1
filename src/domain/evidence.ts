/**
 * Photo and voice evidence on case events (issue 12). Pure: no I/O.
 *
 * Contract: the bytes live outside the CRDT (DESIGN §7), content-addressed by hex sha256. An event names them:
 *  - `reported.photos` / `resolved.photos` / `self_resolved.photos`: up to MAX_PHOTOS entries `{full, thumb}`
 *    (a bare hash is an entry from before thumbnails: the full image doubles as its thumbnail);
 *  - `reported.voice`: `{hash, seconds}`.
 * The relay serves a blob only to someone who may read a case whose events name it (server/blobs.ts), so
 * `blobHashesOf` is the one rule for "which blobs does this event reference", used by the relay's index and by the
 * device's outbox alike. The distance of a fix from its case is `fixDistanceM` in distance.ts.
 */
import type * as v from 'valibot';
import type { CaseEvent, PhotoRefSchema, VoiceRefSchema } from './events.ts';

export type PhotoRef = v.InferOutput<typeof PhotoRefSchema>;
export type VoiceRef = v.InferOutput<typeof VoiceRefSchema>;

/** An event's photo entries as `{full, thumb}` (a bare hash is its own thumbnail). */
export function photoRefs(entries: ReadonlyArray<string | PhotoRef> | undefined): PhotoRef[] {
  return (entries ?? []).map((p) => (typeof p === 'string' ? { full: p, thumb: p } : p));
}

/** Every blob an event references (thumbnails first, then full photos, then the voice clip), without repeats. */
export function blobHashesOf(e: CaseEvent): string[] {
  const d = e.data as { photos?: Array<string | PhotoRef>; voice?: VoiceRef };
  const refs = photoRefs(d.photos);
  const out = new Set<string>();
  for (const p of refs) out.add(p.thumb);
  for (const p of refs) out.add(p.full);
  if (d.voice) out.add(d.voice.hash);
  return [...out];
}
