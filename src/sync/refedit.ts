/**
 * Issue 15: an administrator's reference change, checked on this device as the relay will check it
 * (src/domain/refchanges.ts) and appended to the org doc's `changes`: it applies offline at once and syncs when the
 * link is up. Loaded on first use (only administrators edit reference data).
 */
import type * as Y from 'yjs';
import { checkChange, foldChanges } from '../domain/refchanges.ts';
import { CHANGES_ARRAY, type UserInfo } from '../domain/org.ts';
import { orgChanges, readBase } from '../protocol/orgdoc.ts';

export function changeReference(doc: Y.Doc, change: unknown, user: UserInfo): { code: string; detail: string } | null {
  const before = foldChanges(readBase(doc), orgChanges(doc)).org;
  const problem = checkChange(change, before, user);
  if (problem) return problem;
  doc.getArray<unknown>(CHANGES_ARRAY).push([change]);
  return null;
}
