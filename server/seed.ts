/**
 * First-start seeding: users, the `org` doc and one `cases.<town>.<year>` doc per town and year, each written
 * as one compacted snapshot, all in one transaction (a crash while seeding leaves an empty store, which is
 * seeded again on the next start).
 *
 * Doc layout (the contract the app reads):
 * - `org`: one Y.Map per name in ORG_COLLECTIONS, keyed by id (code for categories and subcategories),
 *   values plain JSON (the user directory without secrets).
 * - `cases.<townId>.<year>`: Y.Array `events` with every event of the cases reported in that town that year
 *   (year = caseYear of the case's `reported` event), pushed in (at, id) order, and Y.Array `receipts` with each
 *   event's receipt as if the relay had received it live at its time (src/domain/receipts.ts).
 */
import * as Y from 'yjs';
import { ORG_DOC } from '../src/domain/docs.ts';
import type { CaseEvent } from '../src/domain/events.ts';
import { indexOrg, type OrgData } from '../src/domain/org.ts';
import { EVENTS_ARRAY } from '../src/protocol/wire.ts';
import { encodeEventsDoc, encodeOrgDoc, eventsByDoc } from '../src/protocol/seeddocs.ts';
import { hashPassword } from './auth.ts';
import { ID_SPLIT_META } from './idsplit.ts';
import { RECEIPTS_META } from './receipts.ts';
import { BLOB_REFS_META, blobRefsOf } from './blobs.ts';
import type { Store } from './store.ts';

/** Meta key the demo seed writes: this store holds the demo county (a production relay refuses it: accounts.ts). */
export const DEMO_META = 'demo_county';

export interface SeedData {
  org: OrgData;
  events: CaseEvent[];
  /** Role accounts (id -> the person's main account id): no password of their own, reached by a role switch. */
  persons?: ReadonlyMap<string, string>;
}

export interface SeedResult {
  users: number;
  docs: number;
  events: number;
}

// The docs' encodings are pure (src/protocol/seeddocs.ts), so the benchmarks' browser pages build theirs with the
// same code without loading the relay's store.
export { encodeEventsDoc, encodeOrgDoc, eventsByDoc } from '../src/protocol/seeddocs.ts';

export async function seedStore(store: Store, data: SeedData, opts: { password: string; clientId: number }): Promise<SeedResult> {
  // One scrypt hash shared by every demo account. Hashing 2,900 passwords one by one takes minutes, and the
  // demo password is publicly documented anyway, so separate salts would protect nothing here. Real users
  // created later get their own salt (auth.ts hashPassword).
  const sharedHash = await hashPassword(opts.password);
  const org = encodeOrgDoc(data.org, opts.clientId);
  const index = indexOrg(data.org);
  const docs = [...eventsByDoc(data.events)].map(([name, events]) => ({
    name,
    snapshot: encodeEventsDoc(events, opts.clientId, index),
    reported: events.filter((e) => e.type === 'reported').map((e) => e.caseId),
    blobRefs: blobRefsOf(events),
    count: events.length,
  }));
  store.transaction(() => {
    store.insertUsers(
      data.org.users.map((u) => {
        const person = data.persons?.get(u.id);
        // As accountshttp.ts addRole makes them: no password of their own.
        return person ? { ...u, passwordHash: 'role-account', person } : { ...u, passwordHash: sharedHash };
      }),
    );
    store.putSnapshot(ORG_DOC, org);
    for (const d of docs) {
      store.putSnapshot(d.name, d.snapshot, d.reported);
      if (d.blobRefs.length > 0) store.addBlobRefs(d.name, d.blobRefs);
    }
    store.setMeta('seeded', JSON.stringify({ users: data.org.users.length, docs: docs.length + 1 }));
    store.setMeta(RECEIPTS_META, JSON.stringify({ docs: 0, receipts: 0, seeded: true }));
    // Seeded with its blob references: nothing for the one-time scan (blobs.ts migrateBlobRefs).
    store.setMeta(BLOB_REFS_META, JSON.stringify({ docs: 0, refs: 0, seeded: true }));
  });
  return { users: data.org.users.length, docs: docs.length + 1, events: docs.reduce((n, d) => n + d.count, 0) };
}

/** Seed the demo county (server/demo/generate.ts). */
export async function seedDemo(store: Store, opts: { password: string; clientId: number; nowMs: number; seed?: number }): Promise<SeedResult> {
  // Loaded only here: the generator is needed once per DATA_DIR, not on every start.
  const { generateDemo } = await import('./demo/generate.ts');
  const data = generateDemo(opts.seed === undefined ? { nowMs: opts.nowMs } : { seed: opts.seed, nowMs: opts.nowMs });
  const result = await seedStore(store, data, opts);
  // Issue 5: every grid's people and ID number docs and every town's party doc (demo/people.ts; members are in org).
  const people = data.people ?? new Map<string, Array<Record<string, unknown>>>();
  store.transaction(() => {
    for (const [name, events] of people) {
      const doc = new Y.Doc();
      doc.clientID = opts.clientId;
      doc.getArray(EVENTS_ARRAY).push(events);
      store.putSnapshot(name, Y.encodeStateAsUpdate(doc));
      doc.destroy();
    }
    // Seeded with the ID numbers apart already: nothing for the one-time split at startup (idsplit.ts).
    store.setMeta(ID_SPLIT_META, JSON.stringify({ docs: 0, numbers: 0, seeded: true }));
    store.setMeta(DEMO_META, JSON.stringify({ users: result.users, seededAt: new Date(opts.nowMs).toISOString() }));
  });
  return { ...result, docs: result.docs + people.size };
}
