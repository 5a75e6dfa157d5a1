/**
 * The cases docs' code that the first screen does not need: parsing their events and receipts (the case index,
 * with valibot's schemas), folding them (the workflow's `step`) and writing the read model (projection.ts).
 * SyncEngine (engine.ts) starts loading it when it starts, while the org doc opens, and opens the cases docs once
 * it is in; the first screen paints from the read model before (`SyncEngine.readable`). The service worker
 * precaches it with every other chunk, so an offline start loads it as well.
 */
import { parseEvent, type CaseEvent } from '../domain/events.ts';
import { roleMayEver } from '../domain/workflow.ts';
import { ownBy } from './docsync.ts';

export { CaseIndex } from '../protocol/caseindex.ts';
export { ReadModelProjection, sameMarker } from './projection.ts';

/** This user's case events (they parse, the actor is this user), re-sent after a refusal if the role fits. */
export const casePolicy = ownBy(parseEvent, (user, e: CaseEvent) => roleMayEver(user.role, e.type));
