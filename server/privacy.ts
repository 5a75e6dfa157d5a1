/**
 * Full resident ID numbers must not reach readers who may only see them masked (src/domain/people.ts): the relay
 * checks every write to a doc whose readers include such people, over the whole update (a number split across two
 * values of one update is still a number).
 *
 * Contract: `idNumberLeak(kind, values)` gets every new value of one update to one doc (events, in order) and
 * returns what is wrong (refused as `invalid_event`), or null. The rule (normalised text, spaced, dashed and
 * full-width numbers, longer digit runs, numbers cut across values) is src/domain/idguard.ts, the same the app can
 * warn by. Checked:
 *  - `people.<gridId>`: every value (the grid's village secretary reads it; the number goes to idnumbers.<gridId>);
 *  - `cases.<townId>.<year>`: every value, so every text of every case event (report description and address,
 *    notes, reasons): the town's staff and units, county-level units and the county read them;
 *  - `party.<townId>`: every value (the town's secretaries and every party member of the town read it);
 *  - `patrols.<gridId>` (issue 17): every value (check-in notes; the grid's village secretary reads them).
 * Not checked: `idnumbers.<gridId>`, the one place full numbers belong (the grid's worker and town center only),
 * and `org` (admins only write it).
 * The answer names where the number was (value and field), never the text itself.
 */
import { findIdNumber } from '../src/domain/idguard.ts';
import type { DocKind } from './validate.ts';

export function idNumberLeak(kind: DocKind, values: readonly unknown[]): string | null {
  const why = readersOf(kind);
  if (why === null) return null;
  const hit = findIdNumber(values);
  if (!hit) return null;
  return `value ${hit.value + 1} of the update, ${hit.path}: ${why}`;
}

function readersOf(kind: DocKind): string | null {
  switch (kind.kind) {
    case 'people':
      return `a people doc holds no full ID numbers (they go to idnumbers.${kind.gridId}; write the masked form, 2111**********1234)`;
    case 'cases':
      return 'case events hold no full ID numbers: units, the county and party members read them (write the masked form, 2111**********1234)';
    case 'party':
      return 'a party doc holds no full ID numbers: every party member of the town reads it (write the masked form, 2111**********1234)';
    case 'training':
      return "a training doc holds no full ID numbers: the town's trainers, its center and village secretaries read it";
    case 'tasks':
      return "a task doc holds no full ID numbers: every grid worker and village secretary of the town reads it";
    case 'taskanswers':
      return "a grid's task answers hold no full ID numbers: its village secretary, the county and admin read them (write the masked form, 2111**********1234)";
    case 'care':
      return 'a care doc holds no full ID numbers: the village secretary, the county and admin read it';
    case 'patrols':
      return "a patrols doc holds no full ID numbers: the grid's village secretary, the county and admins read its notes";
    case 'mediation':
      return "a mediation doc holds no full ID numbers: the town's staff and party members read it";
    case 'dispute':
      return "a dispute doc holds no full ID numbers: the dispute's mediators read it (write the masked form, 2111**********1234)";
    case 'idnumbers':
    case 'org':
      return null;
  }
}
