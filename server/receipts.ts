/**
 * One-time migration of cases docs written before receipts existed (src/domain/receipts.ts).
 *
 * For every stored `cases.<town>.<year>` doc, at startup before the relay loads any doc, each event that has no
 * receipt gets a legacy one (`l: 1`), appended by the relay's own client: the relay cannot know when it received
 * those events, so they count at their author's time, and their authority and references are recorded as the org
 * doc holds them at migration (the best record there is; from then on they never change). Events arriving later
 * get ordinary receipts from the relay. Done once per store (meta `receipts_v1`); a store seeded with receipts is
 * marked at seeding.
 */
import type * as Y from 'yjs';
import { ORG_DOC, parseDocName } from '../src/domain/docs.ts';
import { indexOrg, type OrgIndex } from '../src/domain/org.ts';
import { makeReceipt } from '../src/domain/receipts.ts';
import { CaseIndex } from '../src/protocol/caseindex.ts';
import { readOrg } from '../src/protocol/orgread.ts';
import { EVENTS_ARRAY, RECEIPTS_ARRAY } from '../src/protocol/wire.ts';
import type { ReceiptSigner } from './receiptsign.ts';
import { encodeAppend } from './relay.ts';
import { loadStoredDoc, type Store } from './store.ts';

export const RECEIPTS_META = 'receipts_v1';

export interface ReceiptMigration {
  docs: number;
  receipts: number;
}

export function migrateReceipts(store: Store, clientId: number, signer?: ReceiptSigner): ReceiptMigration {
  const result: ReceiptMigration = { docs: 0, receipts: 0 };
  if (store.getMeta(RECEIPTS_META)) return result;
  let org: OrgIndex | null = null;
  for (const name of store.docNames()) {
    if (parseDocName(name)?.kind !== 'cases') continue;
    const doc = load(store, name);
    const index = CaseIndex.of(doc);
    const missing = [...index.events()].filter((e) => !index.receipts.has(e.id));
    const seen = new Set<string>();
    const receipts = [];
    for (const e of missing) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      org ??= indexOrg(readOrg(load(store, ORG_DOC)));
      const r = makeReceipt(e, org, 0, undefined, true);
      receipts.push(signer ? signer.sign(r, e) : r);
    }
    if (receipts.length > 0) {
      store.appendUpdate(name, encodeAppend(doc, clientId, RECEIPTS_ARRAY, receipts));
      result.docs++;
      result.receipts += receipts.length;
    }
    doc.destroy();
  }
  store.setMeta(RECEIPTS_META, JSON.stringify({ ...result, at: new Date().toISOString() }));
  return result;
}

function load(store: Store, name: string): Y.Doc {
  return loadStoredDoc(store, name, [EVENTS_ARRAY, RECEIPTS_ARRAY]);
}
