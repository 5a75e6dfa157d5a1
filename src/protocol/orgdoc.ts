/**
 * The `org` doc as plain data: one Y.Map per collection (ORG_COLLECTIONS), keyed by id, values plain JSON (the
 * BASE, written by the relay), and the admins' edits in the Y.Array `changes` (src/domain/refchanges.ts), folded
 * over the base by src/protocol/orgread.ts `readOrg`. This module stays small and free of the fold: it is in the
 * first screen's bundle (the sync engine), which loads the fold only when a doc has changes.
 * Values that are not objects are skipped (the relay validates writes; this is the client's own guard).
 */
import type * as Y from 'yjs';
import { CHANGES_ARRAY, ORG_COLLECTIONS, indexOrg, type OrgData, type OrgView } from '../domain/org.ts';

/** The collection maps alone, as the relay's seed and directory writes left them (no admin changes). */
export function readBase(doc: Y.Doc): OrgData {
  const out: Record<string, unknown[]> = {};
  for (const name of ORG_COLLECTIONS) {
    const list: unknown[] = [];
    for (const v of doc.getMap<unknown>(name).values()) if (typeof v === 'object' && v !== null && !Array.isArray(v)) list.push(v);
    out[name] = list;
  }
  return out as unknown as OrgData;
}

/** The admins' changes as stored (unchecked: the fold checks each). */
export function orgChanges(doc: Y.Doc): unknown[] {
  return doc.getArray<unknown>(CHANGES_ARRAY).toArray();
}

/** The view of reference data already folded (`data` from readOrg, or readBase when there are no changes). */
export function viewOf(data: OrgData): OrgView {
  return { ...indexOrg(data), data };
}

/** True when the org doc holds no reference data yet (a device that never synced it). */
export function orgIsEmpty(doc: Y.Doc): boolean {
  return ORG_COLLECTIONS.every((name) => doc.getMap(name).size === 0);
}

/** Write the base reference data into an org doc (the relay's seeding and tests use it; admins append changes). */
export function writeOrg(doc: Y.Doc, data: Partial<OrgData>): void {
  doc.transact(() => {
    for (const name of ORG_COLLECTIONS) {
      const items = data[name] as ReadonlyArray<{ id?: string; code?: string }> | undefined;
      if (!items) continue;
      const map = doc.getMap<unknown>(name);
      for (const item of items) {
        const key = item.id ?? item.code;
        if (key) map.set(key, item);
      }
    }
  });
}
