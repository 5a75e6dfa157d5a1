/**
 * The seed's doc encodings (server/seed.ts describes the layout): the org doc, a cases doc with its receipts, and
 * the grouping of events into their cases docs. Pure (Yjs and the domain only), so the relay's seeding and the
 * benchmarks' browser pages (bench/pages) build docs with the same code.
 */
import * as Y from 'yjs';
import { caseYear, casesDocName } from '../domain/docs.ts';
import { compareEvents, type CaseEvent } from '../domain/events.ts';
import { hlcMs } from '../domain/hlc.ts';
import { ORG_COLLECTIONS, type OrgData, type OrgIndex } from '../domain/org.ts';
import { makeReceipt } from '../domain/receipts.ts';
import { EVENTS_ARRAY, RECEIPTS_ARRAY } from './wire.ts';

/** Key of each org collection's entries. */
function orgKey(collection: (typeof ORG_COLLECTIONS)[number], value: object): string {
  const v = value as { id?: string; code?: string };
  const key = collection === 'categories' || collection === 'subcategories' ? v.code : v.id;
  if (typeof key !== 'string') throw new Error(`seed: an entry of ${collection} has no ${collection.endsWith('categories') ? 'code' : 'id'}`);
  return key;
}

/** The org doc's content as one update (also used by tests to build fixtures the same way). */
export function encodeOrgDoc(org: OrgData, clientId: number): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  doc.transact(() => {
    for (const c of ORG_COLLECTIONS) {
      const map = doc.getMap(c);
      for (const value of org[c] as object[]) map.set(orgKey(c, value), JSON.parse(JSON.stringify(value)) as unknown);
    }
  });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

/**
 * A cases doc holding `events` (in this order) as one update (also used by the benchmarks to build theirs). With
 * `org`, each event also gets a receipt at its own time, checked against `org`.
 */
export function encodeEventsDoc(events: readonly CaseEvent[], clientId: number, org?: OrgIndex): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  doc.getArray(EVENTS_ARRAY).push(events.map((e) => JSON.parse(JSON.stringify(e)) as unknown));
  if (org) doc.getArray(RECEIPTS_ARRAY).push(events.map((e) => makeReceipt(e, org, hlcMs(e.at))));
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

/** Group events into their cases docs. Events of a case without a report cannot be placed and are dropped. */
export function eventsByDoc(events: readonly CaseEvent[]): Map<string, CaseEvent[]> {
  const docOfCase = new Map<string, string>();
  for (const e of events) {
    if (e.type === 'reported') docOfCase.set(e.caseId, casesDocName(e.data.townId, caseYear(hlcMs(e.at))));
  }
  const out = new Map<string, CaseEvent[]>();
  for (const e of events) {
    const doc = docOfCase.get(e.caseId);
    if (!doc) continue;
    const list = out.get(doc);
    if (list) list.push(e);
    else out.set(doc, [e]);
  }
  for (const list of out.values()) list.sort(compareEvents);
  return out;
}

