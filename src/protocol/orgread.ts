/**
 * The org doc's reference data as every replica shows it: the base maps with the admins' valid changes folded in
 * (src/domain/refchanges.ts). The relay and the tests import it directly; the app loads it lazily (sync/engine.ts).
 */
import type * as Y from 'yjs';
import type { OrgData, OrgView } from '../domain/org.ts';
import { applyChanges } from '../domain/refchanges.ts';
import { orgChanges, readBase, viewOf } from './orgdoc.ts';

export function readOrg(doc: Y.Doc): OrgData {
  return applyChanges(readBase(doc), orgChanges(doc));
}

export function orgView(doc: Y.Doc): OrgView {
  return viewOf(readOrg(doc));
}
