import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { unsavedEvents, unsavedInUpdate } from '../../../src/sync/unsaved.ts';
import { EVENTS_ARRAY } from '../../../src/protocol/wire.ts';

const ev = (id: string, caseId = 'C1') => ({ id, caseId });

/** A "relay" doc and a device doc that syncs with it. */
function setup() {
  const relay = new Y.Doc();
  const device = new Y.Doc();
  const other = new Y.Doc();
  const sync = (from: Y.Doc, to: Y.Doc) => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
  return { relay, device, other, sync, own: new Set([device.clientID]) };
}

describe('unsaved counting', () => {
  it('counts own events above the acknowledged state vector, one per appended value', () => {
    const { relay, device, sync, own } = setup();
    const arr = device.getArray(EVENTS_ARRAY);
    // Two pushes in one transaction and one alone: Yjs merges runs into one item; each value still counts.
    device.transact(() => {
      arr.push([ev('e1')]);
      arr.push([ev('e2')]);
    });
    arr.push([ev('e3', 'C2')]);
    expect(unsavedEvents(device, null, own).count).toBe(3);

    sync(device, relay);
    const ack = Y.encodeStateVector(relay);
    expect(unsavedEvents(device, ack, own)).toEqual({ count: 0, values: [] });

    arr.push([ev('e4'), ev('e5', 'C3')]);
    const u = unsavedEvents(device, ack, own);
    expect(u.count).toBe(2);
    expect(u.values).toEqual([ev('e4'), ev('e5', 'C3')]);
  });

  it('counts from the middle of a merged run (part of it acknowledged)', () => {
    const { relay, device, own } = setup();
    const arr = device.getArray(EVENTS_ARRAY);
    arr.push([ev('e1')]);
    // The relay got the first event only: its vector is partway into what becomes one merged item.
    Y.applyUpdate(relay, Y.encodeStateAsUpdate(device));
    const ack = Y.encodeStateVector(relay);
    arr.push([ev('e2')]);
    arr.push([ev('e3')]);
    const u = unsavedEvents(device, ack, own);
    expect(u.values).toEqual([ev('e2'), ev('e3')]);
  });

  it("does not count other devices' events that arrived before the first acknowledgement", () => {
    const { relay, device, other, sync, own } = setup();
    other.getArray(EVENTS_ARRAY).push([ev('x1'), ev('x2'), ev('x3')]);
    sync(other, relay);
    sync(relay, device);
    device.getArray(EVENTS_ARRAY).push([ev('mine')]);
    expect(unsavedEvents(device, null, own).count).toBe(1);
    // Without the own-client filter, all four are in the diff: the caller uses that for refusals.
    expect(unsavedEvents(device, null, null).count).toBe(4);
    expect(unsavedEvents(device, Y.encodeStateVector(relay), own).values).toEqual([ev('mine')]);
  });

  it('survives a reload: a new Y.Doc with the same content and a stored vector counts the same', () => {
    const { relay, device, sync, own } = setup();
    device.getArray(EVENTS_ARRAY).push([ev('e1')]);
    sync(device, relay);
    const ack = Y.encodeStateVector(relay);
    device.getArray(EVENTS_ARRAY).push([ev('e2'), ev('e3')]);
    const reloaded = new Y.Doc();
    Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(device));
    // The reloaded doc writes with a new client id; the stored own ids still identify the old writes.
    expect(unsavedEvents(reloaded, ack, own).count).toBe(2);
    expect(unsavedEvents(reloaded, ack, new Set([reloaded.clientID])).count).toBe(0);
  });

  it('an empty own-client set counts nothing, without encoding', () => {
    const { device } = setup();
    device.getArray(EVENTS_ARRAY).push([ev('e1')]);
    expect(unsavedEvents(device, null, new Set()).count).toBe(0);
    expect(unsavedInUpdate(Y.encodeStateAsUpdate(device), null).count).toBe(1);
  });
});
