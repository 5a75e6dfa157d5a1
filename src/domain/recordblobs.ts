/**
 * Which blobs an event of a record doc names (issue 17): a patrol check-in's photos (`patrols.<gridId>`) and the
 * photo answers of a task entry (`taskanswers.<gridId>`). One rule for the device (its blob outbox takes them with
 * the event: src/app/records.ts) and the relay (its blob-reference index: server/relay.ts, server/blobs.ts), as
 * `blobHashesOf` is for case events. Any other kind, or a value that does not parse, names none.
 */
import { parsePatrolEvent, patrolBlobHashes } from './patrols.ts';
import { answerBlobHashes, parseAnswerEvent } from './towntasks.ts';

/** The record doc kinds whose events may name blobs. */
export const BLOB_RECORD_KINDS = ['patrols', 'taskanswers'] as const;

export function recordBlobHashes(kind: string, value: unknown): string[] {
  if (kind === 'patrols') {
    const p = parsePatrolEvent(value);
    return p.ok ? patrolBlobHashes(p.event) : [];
  }
  if (kind === 'taskanswers') {
    const p = parseAnswerEvent(value);
    return p.ok ? answerBlobHashes(p.event) : [];
  }
  return [];
}
