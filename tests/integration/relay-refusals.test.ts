// What the relay refuses, and that a refusal never disturbs anyone else: upgrade refusals (401/403/404),
// oversized (1009) and malformed (4400) messages, and whole-update refusals (REFUSED, nothing applied or stored).
import * as decoding from 'lib0/decoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { CaseEvent } from '../../src/domain/events.ts';
import { CLOSE_MALFORMED, CLOSE_TOO_LARGE, MSG_ACK, MSG_REFUSED } from '../../src/protocol/wire.ts';
import {
  Actor,
  casesDoc,
  login,
  RawClient,
  startTestServer,
  SyncClient,
  updateMessage,
  upgradeStatus,
  USERS,
  type TestServer,
} from './relay-harness.ts';

const MAX = 64 * 1024;
let server: TestServer;
let clockOffset = 0;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer({ maxMessageBytes: MAX, tokenTtl: '1h', now: () => Date.now() + clockOffset });
  for (const u of ['w0001', 'w0002', 'town01', 'unit001', 'admin', 'county']) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  await server?.stop();
});

/** A connected device on the t01 doc that must keep syncing while others are refused. */
async function bystander(): Promise<{ client: SyncClient; stillWorks(): Promise<void> }> {
  const client = new SyncClient(server.wsBase, casesDoc('t01'), tokens.town01!);
  await client.synced();
  const actor = new Actor(USERS.town01);
  return {
    client,
    async stillWorks() {
      const e = actor.report('g0001', '仍在同步');
      client.append(e.event);
      await client.allSaved('bystander ACK');
      expect(client.closeCodes).toEqual([]);
    },
  };
}

/** The events of a doc as durably stored (snapshot + rows), independent of the relay's memory. */
function storedEvents(doc: string): CaseEvent[] {
  const { snapshot, updates } = server.store.loadDoc(doc);
  const ydoc = new Y.Doc();
  for (const u of snapshot ? [snapshot, ...updates] : updates) Y.applyUpdate(ydoc, u);
  return ydoc.getArray<CaseEvent>('events').toArray();
}

describe('upgrade refusals', () => {
  it('401 without, with a bad or with an expired token; 404 unknown doc; 403 outside the scope', async () => {
    const other = await bystander();
    try {
      const doc = casesDoc('t01');
      expect(await upgradeStatus(RawClient.url(server.wsBase, doc))).toBe(401);
      expect(await upgradeStatus(RawClient.url(server.wsBase, doc, 'not.a.jwt'))).toBe(401);
      expect(await upgradeStatus(RawClient.url(server.wsBase, 'nonsense', 'not.a.jwt'))).toBe(401); // auth comes first
      const shortLived = await login(server.url, 'w0001');
      clockOffset = 2 * 3600_000;
      try {
        expect(await upgradeStatus(RawClient.url(server.wsBase, doc, shortLived))).toBe(401);
      } finally {
        clockOffset = 0;
      }
      expect(await upgradeStatus(RawClient.url(server.wsBase, 'nonsense', tokens.w0001))).toBe(404);
      expect(await upgradeStatus(RawClient.url(server.wsBase, 'cases.t99.2025', tokens.county))).toBe(404);
      expect(await upgradeStatus(`${server.wsBase}/elsewhere?token=${tokens.w0001}`)).toBe(404);
      expect(await upgradeStatus(RawClient.url(server.wsBase, casesDoc('t02'), tokens.w0001))).toBe(403);
      expect(await upgradeStatus(RawClient.url(server.wsBase, casesDoc('t01'), tokens.w0002))).toBe(403);
      await other.stillWorks();
    } finally {
      other.client.destroy();
    }
  });
});

describe('connection limits', () => {
  it('closes a connection that sends an oversized message with 1009; another client keeps syncing', async () => {
    const other = await bystander();
    const raw = new RawClient(RawClient.url(server.wsBase, casesDoc('t01'), tokens.w0001));
    try {
      await raw.open();
      const big = new Uint8Array(MAX + 1024).fill(7);
      raw.send(updateMessage(big));
      const closed = await raw.closedWith('1009 close');
      expect(closed.code).toBe(CLOSE_TOO_LARGE);
      await other.stillWorks();
    } finally {
      other.client.destroy();
    }
  });

  it('closes a connection that sends a malformed message with 4400 and a reason; others unaffected', async () => {
    const other = await bystander();
    const doc = casesDoc('t01');
    const truncated = updateMessage(Y.encodeStateAsUpdate(other.client.doc)).slice(0, 5);
    const bad: Array<[string, Uint8Array]> = [
      ['bad varint', new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])],
      ['unknown message type', new Uint8Array([42])],
      ['unknown sync type', new Uint8Array([0, 9, 0])],
      ['truncated sync message', truncated],
      ['garbage update', updateMessage(new Uint8Array([5, 200, 1, 3, 4, 9, 9, 9]))],
      ['trailing bytes', new Uint8Array([...updateMessage(new Uint8Array([0, 0])), 1, 2, 3])],
      ['empty message', new Uint8Array([])],
    ];
    try {
      for (const [label, bytes] of bad) {
        const raw = new RawClient(RawClient.url(server.wsBase, doc, tokens.w0001));
        await raw.open();
        raw.send(bytes);
        const closed = await raw.closedWith(label);
        expect(closed.code, label).toBe(CLOSE_MALFORMED);
        expect(closed.reason.length, label).toBeGreaterThan(0);
      }
      const text = new RawClient(RawClient.url(server.wsBase, doc, tokens.w0001));
      await text.open();
      text.ws.send('hello');
      expect((await text.closedWith('text frame')).code).toBe(CLOSE_MALFORMED);
      await other.stillWorks();
    } finally {
      other.client.destroy();
    }
  });
});

describe('update refusals', () => {
  it('refuses a forged actor: REFUSED, connection open, nothing applied, broadcast or stored', async () => {
    const doc = casesDoc('t01');
    const other = await bystander();
    const forger = new SyncClient(server.wsBase, doc, tokens.w0001!);
    try {
      await forger.synced();
      const forged = new Actor(USERS.town01).report('g0001', '冒名事件').event; // actor town01, sent by w0001
      const refusal = forger.refused('REFUSED for the forged actor');
      forger.append(forged);
      expect(await refusal).toMatchObject({ code: 'forged_actor' });
      expect(forger.provider.wsconnected).toBe(true);
      await other.stillWorks();
      expect(other.client.events.some((e) => e.id === forged.id)).toBe(false);
      expect(storedEvents(doc).some((e) => e.id === forged.id)).toBe(false);
      const inMemory = await server.relay.withDoc(doc, (d) => d.getArray<CaseEvent>('events').toArray());
      expect(inMemory.some((e) => e.id === forged.id)).toBe(false);
    } finally {
      forger.destroy();
      other.client.destroy();
    }
  });

  it('an update that resends known structs with other content: what is stored is what the relay applied, compacted too', async () => {
    // Yjs skips the part of a struct the doc has already, and the inspection judged only the new part; the stored
    // bytes must not carry the other content, or merging rows (compaction) brings it back as history (the fuzzer
    // found it: a reported event rewritten under its own id).
    const doc = casesDoc('t01');
    const raw = new RawClient(RawClient.url(server.wsBase, doc, tokens.w0001!));
    try {
      await raw.open();
      const actor = new Actor(USERS.w0001);
      const device = new Y.Doc();
      device.clientID = 0x5eed0001;
      const events = device.getArray<CaseEvent>('events');
      const [e1, e2, e3, e4] = ['第一件', '第二件', '第三件', '第四件'].map((d) => actor.report('g0001', d).event) as [CaseEvent, CaseEvent, CaseEvent, CaseEvent];
      let sv = Y.encodeStateVector(device);
      for (const e of [e1, e2, e3]) {
        events.push([e]);
        const ack = raw.nextOf(MSG_ACK, 'ACK');
        raw.send(updateMessage(Y.encodeStateAsUpdate(device, sv)));
        await ack;
        sv = Y.encodeStateVector(device);
      }
      // The same client id from clock 1: e2 and e3 rewritten, then a new event.
      const forger = new Y.Doc();
      forger.clientID = device.clientID;
      forger.getArray('events').push([e1]);
      const known = Y.encodeStateVector(forger);
      const rewrite = (e: CaseEvent) => ({ ...e, data: { ...e.data, description: '改写的历史' } });
      forger.getArray('events').push([rewrite(e2), rewrite(e3), e4]);
      const answered = Promise.race([raw.nextOf(MSG_ACK, 'ACK'), raw.nextOf(MSG_REFUSED, 'REFUSED')]);
      raw.send(updateMessage(Y.encodeStateAsUpdate(forger, known)));
      await answered;
      const memory = await server.relay.withDoc(doc, (d) => JSON.stringify(d.getArray('events').toJSON()));
      const description = (id: string) => (storedEvents(doc).find((e) => e.id === id)?.data as { description?: string } | undefined)?.description;
      expect([description(e2.id), description(e3.id)]).toEqual(['第二件', '第三件']);
      server.store.compact(doc);
      expect([description(e2.id), description(e3.id)]).toEqual(['第二件', '第三件']);
      expect(JSON.stringify(storedEvents(doc))).toBe(memory);
    } finally {
      raw.ws.close();
    }
  });

  it('refuses writes from a read-only user (org doc for a grid worker)', async () => {
    const reader = new SyncClient(server.wsBase, 'org', tokens.w0001!);
    try {
      await reader.synced();
      expect(reader.doc.getMap('towns').get('t01')).toMatchObject({ name: '一镇' });
      const refusal = reader.refused();
      reader.doc.getMap('towns').set('t99', { id: 't99', name: '假镇' });
      expect(await refusal).toMatchObject({ code: 'read_only' });
      const org = await server.relay.withDoc('org', (d) => d.getMap('towns').has('t99'));
      expect(org).toBe(false);
    } finally {
      reader.destroy();
    }
  });

  it('refuses an admin’s direct write to the org maps (issue 15: edits are changes, src/domain/refchanges.ts)', async () => {
    const admin = new SyncClient(server.wsBase, 'org', tokens.admin!);
    try {
      await admin.synced();
      const rows = server.store.updateCount('org');
      const refusal = admin.refused();
      admin.doc.getMap('units').set('u003', { id: 'u003', name: '县交通局', level: 'county', categories: ['01'] });
      expect(await refusal).toMatchObject({ code: 'invalid_struct' });
      expect(await server.relay.withDoc('org', (d) => d.getMap('units').has('u003'))).toBe(false);
      expect(server.store.updateCount('org')).toBe(rows);
    } finally {
      admin.destroy();
    }
  });

  it('refuses deletions, foreign structure, invalid events and events the role may never make', async () => {
    const doc = casesDoc('t01');
    const cases: Array<[string, string, (c: SyncClient) => void]> = [
      [
        'w0001',
        'delete_not_allowed',
        (c) => {
          c.append(new Actor(USERS.w0001).report().event);
          c.doc.getArray('events').delete(c.events.length - 1, 1);
        },
      ],
      ['w0001', 'invalid_struct', (c) => c.doc.getArray('other').push([{ x: 1 }])],
      ['w0001', 'invalid_struct', (c) => c.doc.getText('events-text').insert(0, 'hi')],
      ['w0001', 'invalid_struct', (c) => c.doc.getArray('events').push([new Y.Map()])],
      ['w0001', 'invalid_event', (c) => c.doc.getArray('events').push([{ id: 'nope' }])],
      // A unit may never report, whatever the state of the case.
      ['unit001', 'role_not_allowed', (c) => c.append({ ...new Actor(USERS.w0001).report().event, actor: 'unit001' })],
      // A report of town t02 does not belong in t01's doc.
      ['county', 'wrong_doc', (c) => c.append(new Actor(USERS.county).report('g0002').event)],
    ];
    for (const [who, code, write] of cases) {
      const c = new SyncClient(server.wsBase, doc, tokens[who]!);
      try {
        await c.synced(`${code} sync`);
        const refusal = c.refused(`REFUSED ${code}`);
        write(c);
        expect(await refusal, code).toMatchObject({ code });
        expect(c.provider.wsconnected).toBe(true);
      } finally {
        c.destroy();
      }
    }
  });

  it('refuses an update with missing dependencies whole, and accepts it once they arrive', async () => {
    const doc = casesDoc('t01');
    const raw = new RawClient(RawClient.url(server.wsBase, doc, tokens.w0001));
    await raw.nextOf(MSG_ACK, 'greeting');
    const device = new Y.Doc();
    const updates: Uint8Array[] = [];
    device.on('update', (u: Uint8Array) => updates.push(u));
    const actor = new Actor(USERS.w0001);
    const e1 = actor.report().event;
    const e2 = actor.report().event;
    device.getArray('events').push([e1]);
    device.getArray('events').push([e2]);
    try {
      raw.send(updateMessage(updates[1]!)); // depends on e1's item, which the relay has never seen
      const refused = await raw.nextOf(MSG_REFUSED, 'REFUSED missing deps');
      expect(new TextDecoder().decode(refused)).toContain('missing_dependencies');
      expect(storedEvents(doc).some((e) => e.id === e2.id)).toBe(false);
      raw.send(updateMessage(updates[0]!));
      await raw.nextOf(MSG_ACK, 'ACK e1');
      raw.send(updateMessage(updates[1]!));
      const ack = await raw.nextOf(MSG_ACK, 'ACK e2');
      const sv = Y.decodeStateVector(readVarBytes(ack));
      expect(sv.get(device.clientID)).toBe(2);
      expect(storedEvents(doc).filter((e) => e.id === e1.id || e.id === e2.id)).toHaveLength(2);
      expect(raw.closed).toBeNull();
    } finally {
      raw.ws.close();
      device.destroy();
    }
  });
});

function readVarBytes(payload: Uint8Array): Uint8Array {
  return decoding.readVarUint8Array(decoding.createDecoder(payload));
}
