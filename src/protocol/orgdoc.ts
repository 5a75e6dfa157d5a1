/**
 * The `org` doc as plain data: one Y.Map per collection (ORG_COLLECTIONS), keyed by id, values plain JSON.
 * Values that are not objects are skipped (the relay validates writes; this is the client's own guard).
 */
import type * as Y from 'yjs';
import { ORG_COLLECTIONS, indexOrg, type OrgData, type OrgView } from '../domain/org.ts';

export function readOrg(doc: Y.Doc): OrgData {
  const out: Record<string, unknown[]> = {};
  for (const name of ORG_COLLECTIONS) {
    const list: unknown[] = [];
    for (const v of doc.getMap<unknown>(name).values()) if (typeof v === 'object' && v !== null && !Array.isArray(v)) list.push(v);
    out[name] = list;
  }
  return out as unknown as OrgData;
}

export function orgView(doc: Y.Doc): OrgView {
  const data = readOrg(doc);
  return { ...indexOrg(data), data };
}

/** True when the org doc holds no reference data yet (a device that never synced it). */
export function orgIsEmpty(doc: Y.Doc): boolean {
  return ORG_COLLECTIONS.every((name) => doc.getMap(name).size === 0);
}

/** Write reference data into an org doc (the relay's seeding and tests use it; the app never writes org). */
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
