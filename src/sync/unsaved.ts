/**
 * Which of this device's changes the relay has not yet made durable.
 *
 * The relay acknowledges a state vector (src/protocol/wire.ts, ACK): everything below it is in its store. What this device
 * still owes is `Y.encodeStateAsUpdate(doc, ackedStateVector)` restricted to the Yjs client ids this device wrote
 * with (events from other devices reach us through the relay, so they are saved already, even before the first
 * ACK arrives). Items may hold several appended values (Yjs merges runs); each value is one event.
 */
import * as Y from 'yjs';

export interface Unsaved {
  /** Number of own events not yet acknowledged. */
  count: number;
  /** Those events' raw values (to re-send after a refusal, or to mark their cases pending). */
  values: unknown[];
}

/**
 * @param acked the relay's durable state vector for this doc (null: nothing acknowledged yet)
 * @param ownClients Yjs client ids this device wrote with; null counts every client (e.g. for a refusal, where
 *   the caller filters by actor instead)
 */
export function unsavedEvents(doc: Y.Doc, acked: Uint8Array | null, ownClients: ReadonlySet<number> | null): Unsaved {
  if (ownClients && ownClients.size === 0) return { count: 0, values: [] };
  if (ownClients && acked) {
    // Cheap exit: the acknowledged vector covers every own client's clock.
    const local = Y.decodeStateVector(Y.encodeStateVector(doc));
    const ack = Y.decodeStateVector(acked);
    let behind = false;
    for (const c of ownClients) if ((local.get(c) ?? 0) > (ack.get(c) ?? 0)) behind = true;
    if (!behind) return { count: 0, values: [] };
  }
  const diff = acked ? Y.encodeStateAsUpdate(doc, acked) : Y.encodeStateAsUpdate(doc);
  return unsavedInUpdate(diff, ownClients);
}

/** The appended values in an update, from the given clients. */
export function unsavedInUpdate(update: Uint8Array, ownClients: ReadonlySet<number> | null): Unsaved {
  const { structs } = Y.decodeUpdate(update);
  const values: unknown[] = [];
  for (const s of structs) {
    if (!(s instanceof Y.Item)) continue;
    if (ownClients && !ownClients.has(s.id.client)) continue;
    if (s.content instanceof Y.ContentAny) for (const v of s.content.getContent()) values.push(v);
  }
  return { count: values.length, values };
}
