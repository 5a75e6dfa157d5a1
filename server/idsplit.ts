/**
 * One-time move of full ID numbers out of people docs written before `idnumbers.<gridId>` existed (issue 5 gap).
 *
 * A people doc is stored by every holder, the village secretary included, so it must not keep full ID numbers
 * (src/domain/people.ts). For each stored `people.<gridId>` doc that still holds one, at startup (before the relay
 * loads any doc):
 *  - the people doc is rebuilt with the same events in the same order, every full number masked, under a fresh Yjs
 *    client id (never the relay's own: devices that hold the old content must not think they have the new one);
 *  - each number of a `resident_saved` is appended to `idnumbers.<gridId>` as `id_number_saved` (same actor and
 *    time), unless that doc already holds a number for the resident.
 * A device that still holds the old doc sends its old structs on the next sync; they carry full numbers, so the
 * relay refuses them (server/validate.ts) and the device resyncs the rebuilt doc (src/sync/records.ts recovery).
 * Done once per store (meta `idnumbers_split`); a store seeded after the split is marked at seeding.
 */
import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import { idNumbersDocName, parseRecordDocName } from '../src/domain/docs.ts';
import { hlcMs } from '../src/domain/hlc.ts';
import { newId } from '../src/domain/ids.ts';
import { idNumberInText } from '../src/domain/idguard.ts';
import { carriesFullIdNumber, foldIdNumbers, ID_NUMBER_PATTERN, maskIdNumber } from '../src/domain/people.ts';
import { EVENTS_ARRAY } from '../src/protocol/wire.ts';
import { loadStoredDoc, type Store } from './store.ts';

export const ID_SPLIT_META = 'idnumbers_split';

const FULL_ID_IN_TEXT = /(?<![\dX])\d{17}[\dX](?![\dX])/gi;

export interface IdSplitResult {
  /** People docs rewritten. */
  docs: number;
  /** Numbers moved to ID docs. */
  numbers: number;
}

export function splitLegacyIdNumbers(store: Store, opts: { clientId?: () => number; random?: (n: number) => Uint8Array } = {}): IdSplitResult {
  const result: IdSplitResult = { docs: 0, numbers: 0 };
  if (store.getMeta(ID_SPLIT_META)) return result;
  const clientId = opts.clientId ?? (() => randomBytes(4).readUInt32BE(0) >>> 1 || 1);
  const random = opts.random ?? ((n: number) => new Uint8Array(randomBytes(n)));
  for (const name of store.docNames()) {
    const kind = parseRecordDocName(name);
    if (kind?.kind !== 'people') continue;
    const events = load(store, name);
    if (!events.some(carriesFullIdNumber)) continue;

    const idName = idNumbersDocName(kind.gridId);
    const idDoc = loadDoc(store, idName);
    const known = foldIdNumbers(idDoc.getArray(EVENTS_ARRAY).toArray());
    const moved: unknown[] = [];
    const masked = events.map((raw) => {
      const e = raw as { type?: unknown; actor?: unknown; at?: unknown; data?: { id?: unknown; idNumber?: unknown } };
      const id = e.data?.idNumber;
      if (e.type === 'resident_saved' && typeof id === 'string' && ID_NUMBER_PATTERN.test(id) && typeof e.data?.id === 'string' && typeof e.at === 'string') {
        if (known.get(e.data.id) !== id) {
          moved.push({ id: newId(hlcMs(e.at), random), type: 'id_number_saved', actor: e.actor, at: e.at, data: { residentId: e.data.id, idNumber: id } });
          known.set(e.data.id, id);
        }
      }
      return maskDeep(raw);
    });

    const people = new Y.Doc();
    people.clientID = clientId();
    people.getArray(EVENTS_ARRAY).push(masked);
    const snapshot = Y.encodeStateAsUpdate(people);
    people.destroy();
    let idUpdate: Uint8Array | null = null;
    if (moved.length > 0) {
      const before = Y.encodeStateVector(idDoc);
      idDoc.clientID = clientId();
      idDoc.getArray(EVENTS_ARRAY).push(moved);
      idUpdate = Y.encodeStateAsUpdate(idDoc, before);
    }
    idDoc.destroy();
    // The numbers are safe in the ID doc before the people doc loses them (one transaction anyway).
    store.transaction(() => {
      if (idUpdate) store.appendUpdate(idName, idUpdate);
      store.replaceDoc(name, snapshot);
    });
    result.docs++;
    result.numbers += moved.length;
  }
  store.setMeta(ID_SPLIT_META, JSON.stringify(result));
  return result;
}

function loadDoc(store: Store, name: string): Y.Doc {
  return loadStoredDoc(store, name, [EVENTS_ARRAY]);
}

function load(store: Store, name: string): unknown[] {
  const doc = loadDoc(store, name);
  const events = doc.getArray<unknown>(EVENTS_ARRAY).toArray();
  doc.destroy();
  return events;
}

/** A copy of a JSON value with every full ID number in its strings masked. */
function maskDeep(x: unknown): unknown {
  if (typeof x === 'string') {
    const masked = x.replace(FULL_ID_IN_TEXT, (m) => maskIdNumber(m.toUpperCase()));
    // A number the plain pattern misses (spaced, dashed, full-width: src/domain/idguard.ts): every digit of the
    // text but its last four is masked. Over-masking an old note is the price of never keeping a full number.
    return idNumberInText(masked) ? masked.normalize('NFKC').replace(/\d(?=(?:\D*\d){4})/g, '*') : masked;
  }
  if (Array.isArray(x)) return x.map(maskDeep);
  if (typeof x === 'object' && x !== null) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, maskDeep(v)]));
  return x;
}
