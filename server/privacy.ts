/**
 * Full resident ID numbers must not reach readers who may only see them masked (src/domain/people.ts): the relay
 * checks every write to a doc whose readers include such people, over the whole update (a number split across two
 * values of one update is still a number).
 *
 * Contract: `idNumberLeak(kind, values)` gets every new value of one update to one doc (events, in order) and
 * returns what is wrong (refused as `invalid_event`), or null. The `idnumbers.<gridId>` docs are the only place
 * full numbers belong, and are not checked here.
 */
import { carriesFullIdNumber } from '../src/domain/people.ts';
import type { DocKind } from './validate.ts';

export function idNumberLeak(kind: DocKind, values: readonly unknown[]): string | null {
  if (kind.kind !== 'people') return null;
  for (const v of values) if (carriesFullIdNumber(v)) return `a people doc holds no full ID numbers (they go to idnumbers.${kind.gridId})`;
  return null;
}
