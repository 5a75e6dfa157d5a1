// The relay keeps what it acknowledges: kill -9 of the real process (server/main.ts as a child) loses no
// acknowledged event, and neither do compaction nor idle unloading.
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { CaseEvent } from '../../src/domain/events.ts';
import { Actor, api, casesDoc, login, once, seedFixture, spawnRelay, startTestServer, SyncClient, tempDir, USERS, waitFor } from './relay-harness.ts';

const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const c of cleanups) c();
});

describe('kill -9', () => {
  it('loses nothing acknowledged, even with writes in flight when the relay dies', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    await seedFixture(tmp.dir);
    const doc = casesDoc('t01');

    let relay = await spawnRelay(tmp.dir);
    const token = await login(relay.url, 'w0001');
    const actor = new Actor(USERS.w0001);
    const device = new SyncClient(relay.wsBase, doc, token);
    const written: CaseEvent[] = [];
    let ackedClock: number;
    try {
      await device.synced();
      // Phase 1: ten events, each awaited.
      for (let i = 0; i < 10; i++) {
        const e = actor.report('g0001', `第${i}件`).event;
        written.push(e);
        device.append(e);
        await device.allSaved(`ACK ${i}`);
      }
      // Phase 2: a burst, one transaction (= one clock tick) per event, killed while ACKs are still arriving.
      const burst = 200;
      const firstAckOfBurst = device.acks;
      for (let i = 0; i < burst; i++) {
        const e = actor.report('g0001', `突发${i}`).event;
        written.push(e);
        device.append(e);
      }
      await waitFor(device, () => device.acks > firstAckOfBurst + 3, 'some ACKs of the burst');
      relay.proc.kill('SIGKILL');
      const exit = await relay.exited;
      expect(exit.signal).toBe('SIGKILL');
      ackedClock = device.ack?.get(device.doc.clientID) ?? 0;
    } finally {
      device.destroy();
    }
    // Each event was its own item of length 1 on the device: clock i is written[i].
    expect(ackedClock).toBeGreaterThanOrEqual(10);
    console.info(`kill -9 after ${ackedClock} of ${written.length} events acknowledged`);
    const acknowledged = written.slice(0, ackedClock);

    relay = await spawnRelay(tmp.dir);
    try {
      const reader = new SyncClient(relay.wsBase, doc, await login(relay.url, 'town01'));
      try {
        await reader.synced();
        const have = new Set(reader.events.map((e) => e.id));
        const lost = acknowledged.filter((e) => !have.has(e.id));
        expect(lost).toEqual([]);
        // Whatever was not acknowledged may or may not be there, but only as a prefix (no holes).
        const present = written.map((e) => have.has(e.id));
        expect(present.indexOf(false) === -1 || present.slice(present.indexOf(false)).every((p) => !p)).toBe(true);
      } finally {
        reader.destroy();
      }
      // The case index was committed with the events: the API finds an acknowledged case after the restart.
      const last = acknowledged[acknowledged.length - 1]!;
      const r = await api(relay.url, `/api/cases/${last.caseId}`, { token: await login(relay.url, 'county') });
      expect(r.status).toBe(200);
    } finally {
      relay.proc.kill('SIGTERM');
      const exit = await relay.exited;
      expect(exit.code).toBe(0); // graceful close on SIGTERM
    }
  });
});

describe('compaction and idle unload', () => {
  it('compacts update rows above the threshold and unloads idle docs, keeping every event', async () => {
    const server = await startTestServer({ compactAfterRows: 5, idleUnloadMs: 150 });
    const doc = casesDoc('t01');
    try {
      const token = await login(server.url, 'w0001');
      const actor = new Actor(USERS.w0001);
      const device = new SyncClient(server.wsBase, doc, token);
      const ids: string[] = [];
      const compacted = once<[string, number]>(server.relay.events, 'compacted', (name) => name === doc);
      try {
        await device.synced();
        for (let i = 0; i < 12; i++) {
          const e = actor.report('g0001', `事件${i}`).event;
          ids.push(e.id);
          device.append(e);
          await device.allSaved(`ACK ${i}`);
        }
        const [name, rows] = await compacted;
        expect(name).toBe(doc);
        expect(rows).toBeGreaterThan(5);
        expect(server.store.updateCount(doc)).toBeLessThanOrEqual(5);
      } finally {
        device.destroy();
      }

      // No connection left: the doc is compacted and dropped from memory.
      const [unloaded] = await once<[string]>(server.relay.events, 'unloaded', (name) => name === doc);
      expect(unloaded).toBe(doc);
      expect(server.relay.loadedDocs()).not.toContain(doc);
      expect(server.store.updateCount(doc)).toBe(0);
      const { snapshot } = server.store.loadDoc(doc);
      const fromDisk = new Y.Doc();
      Y.applyUpdate(fromDisk, snapshot!);
      expect(fromDisk.getArray<CaseEvent>('events').toArray().map((e) => e.id)).toEqual(expect.arrayContaining(ids));

      // And a new device gets all of it from a fresh load.
      const again = new SyncClient(server.wsBase, doc, await login(server.url, 'town01'));
      try {
        await again.synced();
        await again.hasEvents(ids);
        expect(server.relay.loadedDocs()).toContain(doc);
      } finally {
        again.destroy();
      }
    } finally {
      await server.stop();
    }
  });
});
