/**
 * The relay's case index keeps the values its doc holds (server/integrity.ts `appliedValues`), not the inspection's
 * decoded copies: Yjs decodes an accepted update again when it applies it, and an index of the other copy would hold
 * every live event's strings twice until the doc is reloaded (the soak's heap grew about 0.8 KB per event more than
 * the same docs loaded fresh: bench/figures/soak.ts).
 */
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { appliedValues, factsOf } from '../../server/integrity.ts';
import { makeReceipt } from '../../src/domain/receipts.ts';
import { newId, seededRandom } from '../../src/domain/ids.ts';
import { EVENTS_ARRAY, RECEIPTS_ARRAY } from '../../src/protocol/wire.ts';
import { IDX, T0, happyPath } from './domain/fixture.ts';

const RELAY_CLIENT = 1;

/** A device's append of `values` to the relay's doc, and the relay's receipts for them in the same update. */
function append(relay: Y.Doc, values: unknown[], receipts: unknown[]): Uint8Array {
  const dev = new Y.Doc();
  Y.applyUpdate(dev, Y.encodeStateAsUpdate(relay));
  dev.getArray(EVENTS_ARRAY).push(values);
  const own = new Y.Doc();
  own.clientID = RELAY_CLIENT;
  Y.applyUpdate(own, Y.encodeStateAsUpdate(relay));
  own.getArray(RECEIPTS_ARRAY).push(receipts);
  const sv = Y.encodeStateVector(relay);
  return Y.mergeUpdates([Y.encodeStateAsUpdate(dev, sv), Y.encodeStateAsUpdate(own, sv)]);
}

describe('the case index and the doc share an accepted event', () => {
  it('finds the values an applied update added, as the doc holds them, also in an item Yjs merged with an earlier one', () => {
    const relay = new Y.Doc();
    relay.getArray(EVENTS_ARRAY);
    relay.getArray(RECEIPTS_ARRAY);
    const [reported, accepted] = happyPath(newId(T0, seededRandom(7).bytes));
    const first = append(relay, [reported], [makeReceipt(reported!, IDX, T0 + 1000)]);
    Y.applyUpdate(relay, first);
    const held = appliedValues(relay, Y.parseUpdateMeta(first));
    expect(held.events.get(reported!.id)).toBe(relay.getArray(EVENTS_ARRAY).get(0));
    expect(held.receipts.get(reported!.id)).toBe(relay.getArray(RECEIPTS_ARRAY).get(0));

    const second = append(relay, [accepted], [makeReceipt(accepted!, IDX, T0 + 2000)]);
    Y.applyUpdate(relay, second);
    const next = appliedValues(relay, Y.parseUpdateMeta(second));
    expect(next.events.get(accepted!.id)).toBe(relay.getArray(EVENTS_ARRAY).get(1));
    expect(next.receipts.get(accepted!.id)).toBe(relay.getArray(RECEIPTS_ARRAY).get(1));
    // The relay's two receipts are one item now (one client, consecutive clocks): found by the second's clock.
    expect(relay.store.clients.get(RELAY_CLIENT)!.length).toBe(1);
    // An update the doc does not hold (never applied): nothing.
    const other = new Y.Doc();
    other.getArray(EVENTS_ARRAY).push([{ id: 'x' }]);
    expect(appliedValues(relay, Y.parseUpdateMeta(Y.encodeStateAsUpdate(other))).events.size).toBe(0);
  });

  it('the facts index the doc-held values of an accepted update, not the copies they were inspected as', () => {
    const relay = new Y.Doc();
    relay.getArray(EVENTS_ARRAY);
    relay.getArray(RECEIPTS_ARRAY);
    const facts = factsOf(relay, RELAY_CLIENT, 'cases');
    const [reported] = happyPath(newId(T0, seededRandom(8).bytes));
    const receipt = makeReceipt(reported!, IDX, T0 + 1000);
    const update = append(relay, [reported], [receipt]);
    Y.applyUpdate(relay, update);
    const add = vi.spyOn(facts.index!, 'add');
    const addReceipt = vi.spyOn(facts.index!, 'addReceipt');
    // The inspection's copies: equal values, other objects.
    facts.accepted(update, reported!.actor, [structuredClone(reported!)], [structuredClone(receipt)], []);
    expect(add).toHaveBeenCalledTimes(1);
    expect(add.mock.calls[0]![0]).toBe(relay.getArray(EVENTS_ARRAY).get(0));
    expect(addReceipt.mock.calls[0]![0]).toBe(relay.getArray(RECEIPTS_ARRAY).get(0));
    expect(facts.hasEvent(reported!.id)).toBe(true);
  });
});
