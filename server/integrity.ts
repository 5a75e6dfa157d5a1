/**
 * What the relay knows of each loaded doc beyond its Yjs state, to judge insiders' writes (issue 10 section 1):
 * kept per Y.Doc, built from the doc's content on first use, and told about every accepted update.
 */
import type * as Y from 'yjs';
import type { CaseEvent } from '../src/domain/events.ts';

export class DocFacts {
  /** Called after an accepted update was applied. */
  accepted(_events: readonly CaseEvent[]): void {}
}

const facts = new WeakMap<Y.Doc, DocFacts>();

export function factsOf(doc: Y.Doc): DocFacts {
  let f = facts.get(doc);
  if (!f) facts.set(doc, (f = new DocFacts()));
  return f;
}
