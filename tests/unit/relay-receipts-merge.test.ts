/**
 * `withReceipts` (server/relay.ts): the relay's row of an accepted update with its receipts, spliced instead of
 * `Y.mergeUpdates` (issue 16). The row must be what the merge gives, byte for byte, whichever of the two clients
 * has the larger id: Yjs writes client blocks in decreasing client order, and `Y.mergeUpdates` (compaction) drops
 * structs of an update whose blocks are in another order. It must also survive compaction with other rows.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeAppend, withReceipts } from '../../server/relay.ts';
import { EVENTS_ARRAY, RECEIPTS_ARRAY } from '../../src/protocol/wire.ts';

function content(update: Uint8Array): { events: unknown[]; receipts: unknown[] } {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  expect(doc.store.pendingStructs).toBeNull();
  return { events: doc.getArray(EVENTS_ARRAY).toJSON(), receipts: doc.getArray(RECEIPTS_ARRAY).toJSON() };
}

describe('withReceipts', () => {
  for (const [relay, device] of [
    [7, 1_000_000],
    [2_000_000_000, 1_000_000],
  ] as const) {
    it(`is Y.mergeUpdates byte for byte, and compacts like it (relay client ${relay}, device ${device})`, () => {
      // The relay's doc: earlier events of the device and receipts of the relay.
      const server = new Y.Doc();
      const dev = new Y.Doc();
      dev.clientID = device;
      dev.getArray(EVENTS_ARRAY).push([{ id: 'e0' }]);
      Y.applyUpdate(server, Y.encodeStateAsUpdate(dev));
      Y.applyUpdate(server, encodeAppend(server, relay, RECEIPTS_ARRAY, [{ e: 'e0' }]));
      const snapshot = Y.encodeStateAsUpdate(server);

      const rows: Uint8Array[] = [];
      for (let i = 1; i <= 3; i++) {
        const sv = Y.encodeStateVector(dev);
        dev.getArray(EVENTS_ARRAY).push([{ id: `e${i}`, text: '村口路灯损坏' }, { id: `e${i}b` }]);
        const update = Y.encodeStateAsUpdate(dev, sv);
        const receipts = encodeAppend(server, relay, RECEIPTS_ARRAY, [{ e: `e${i}` }, { e: `e${i}b` }]);
        const row = withReceipts(update, receipts, device, relay);
        expect(row).not.toBeNull();
        expect(Buffer.from(row!).equals(Buffer.from(Y.mergeUpdates([update, receipts])))).toBe(true);
        Y.applyUpdate(server, row!);
        rows.push(row!);
      }
      // Compaction (store.ts) merges the snapshot and the rows: nothing may be lost.
      const compacted = content(Y.mergeUpdates([snapshot, ...rows]));
      expect(compacted.events).toEqual(server.getArray(EVENTS_ARRAY).toJSON());
      expect(compacted.receipts).toEqual(server.getArray(RECEIPTS_ARRAY).toJSON());
      expect(compacted.events).toHaveLength(7);
      expect(compacted.receipts).toHaveLength(7);
    });
  }

  it('declines what it cannot splice (the caller merges with Yjs)', () => {
    const doc = new Y.Doc();
    doc.clientID = 5;
    doc.getArray(EVENTS_ARRAY).push([1]);
    const update = Y.encodeStateAsUpdate(doc);
    const receipts = encodeAppend(doc, 9, RECEIPTS_ARRAY, [{ e: 'x' }]);
    // The same client on both sides: one block per client only.
    expect(withReceipts(update, encodeAppend(doc, 5, RECEIPTS_ARRAY, [{ e: 'x' }]), 5, 5)).toBeNull();
    // An update with a delete set.
    doc.getArray(EVENTS_ARRAY).delete(0, 1);
    expect(withReceipts(Y.encodeStateAsUpdate(doc), receipts, 5, 9)).toBeNull();
    // Two client blocks.
    const other = new Y.Doc();
    other.getArray(EVENTS_ARRAY).push([2]);
    expect(withReceipts(Y.mergeUpdates([update, Y.encodeStateAsUpdate(other)]), receipts, 5, 9)).toBeNull();
    // Receipts that are not one block with an empty delete set.
    expect(withReceipts(update, new Uint8Array([0, 0]), 5, 9)).toBeNull();
  });
});
