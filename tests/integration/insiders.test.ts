/**
 * Issue 10 section 1, against the real relay on port 0: what insiders with valid tokens tried, and the relay
 * accepted (acknowledged) before, is refused now, changes nothing anyone sees, and honest offline races still pass.
 * Each attack is a hand-made update on a raw socket or a y-websocket client, as a modified app would send.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeAppend } from '../../server/relay.ts';
import type { CaseEvent } from '../../src/domain/events.ts';
import { formatHlc, hlcMs } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import type { CaseState } from '../../src/domain/workflow.ts';
import { EVENTS_ARRAY, MSG_ACK, MSG_REFUSED } from '../../src/protocol/wire.ts';
import * as decoding from 'lib0/decoding';
import { Actor, api, casesDoc, login, RawClient, startTestServer, SyncClient, updateMessage, USERS, type TestServer } from './relay-harness.ts';

let server: TestServer;
const tokens: Record<string, string> = {};
const clients: Array<{ destroy(): void }> = [];
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

beforeAll(async () => {
  server = await startTestServer();
  for (const u of ['town01', 'w0001', 'unit001', 'st01v01', 'county']) tokens[u] = await login(server.url, u);
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.stop();
});

type ApiState = CaseState & { events: CaseEvent[] };
async function apiCase(id: string): Promise<{ status: number; body: ApiState }> {
  const r = await api(server.url, `/api/cases/${id}`, { token: tokens.town01 });
  return { status: r.status, body: r.body as ApiState };
}

/** A case reported by w0001, accepted and dispatched to u001 through the API. */
async function dispatchedCase(): Promise<ApiState> {
  const r = await api(server.url, '/api/cases', { token: tokens.w0001, body: { category: '0101', description: '路灯损坏', location: { lat: 41.12, lng: 122.07 }, gridId: 'g0001' } });
  const id = (r.body as { id: string }).id;
  for (const body of [{ type: 'accept' }, { type: 'dispatch', unitId: 'u001' }]) {
    const c = await api(server.url, `/api/cases/${id}/commands`, { token: tokens.town01, body });
    expect(c.status).toBe(200);
  }
  return (await apiCase(id)).body;
}

/** An insider's device, synced with the town's doc: what it appends goes out as a live update. */
async function insider(user: string): Promise<SyncClient> {
  const c = new SyncClient(server.wsBase, casesDoc('t01'), tokens[user]!);
  clients.push(c);
  await c.synced();
  return c;
}

/**
 * `user`'s freshly synced device appends a hand-made event: the relay refuses the update with `code`, and the case
 * is unchanged after. (A fresh device each time: one that holds a refused struct can only send what depends on it.)
 */
async function refused(user: string, event: CaseEvent, code: string, caseId: string): Promise<void> {
  const c = await insider(user);
  const before = await apiCase(caseId);
  const answer = c.refused(code);
  c.append(event);
  expect(await answer).toMatchObject({ code });
  expect(await apiCase(caseId)).toEqual(before);
}

const stamp = (ms: number, node = 'evil') => formatHlc({ ms, counter: 0, node });

describe('insiders cannot rewrite history', () => {
  it('1. a unit appends an event under the id of a case’s report: refused (duplicate_id), the case stays', async () => {
    const s = await dispatchedCase();
    const report = s.events.find((e) => e.type === 'reported')!;
    await refused('unit001', { id: report.id, caseId: s.id, type: 'acknowledged', actor: 'unit001', at: stamp(Date.now()), data: {} }, 'duplicate_id', s.id);
    expect((await apiCase(s.id)).status).toBe(200);
  });

  it('2 and 5. another user files a report under an existing case id, stamped later or earlier: refused (case_exists)', async () => {
    const s = await dispatchedCase();
    const report = s.events.find((e) => e.type === 'reported')! as CaseEvent<'reported'>;
    for (const ms of [Date.now(), hlcMs(report.at) - 60_000]) {
      const forged: CaseEvent = { id: newId(ms, random), caseId: s.id, type: 'reported', actor: 'st01v01', at: stamp(ms), data: { ...report.data, description: '被篡改的描述' } };
      await refused('st01v01', forged, 'case_exists', s.id);
    }
    expect((await apiCase(s.id)).body).toMatchObject({ reporter: 'w0001', description: '路灯损坏' });
  });

  it('3 and 4. an event by someone who may not make it on that case (the village secretary withdrawing a worker’s case): refused (not_authorized)', async () => {
    const s = await dispatchedCase();
    await refused('st01v01', { id: newId(Date.now(), random), caseId: s.id, type: 'withdrawn', actor: 'st01v01', at: stamp(Date.now()), data: { reason: '撤销' } }, 'not_authorized', s.id);
    expect((await apiCase(s.id)).body.status).toBe('dispatched');
  });

  it('6. a resolution stamped before the dispatch it answers, and an event stamped in 2286: refused', async () => {
    const s = await dispatchedCase();
    const dispatch = s.events.find((e) => e.type === 'dispatched')!;
    await refused('unit001', { id: newId(Date.now(), random), caseId: s.id, type: 'resolved', actor: 'unit001', at: stamp(hlcMs(dispatch.at) - 1000), data: { note: '已修复' } }, 'stamped_too_early', s.id);
    await refused('unit001', { id: newId(Date.now(), random), caseId: s.id, type: 'resolved', actor: 'unit001', at: stamp(Date.UTC(2286, 0, 1)), data: { note: '已修复' } }, 'clock_ahead', s.id);
  });

  it('honest offline races still pass and converge: a second dispatcher, a return racing a resolve', async () => {
    const s = await dispatchedCase();
    const dispatch = s.events.find((e) => e.type === 'dispatched')!;
    const unit = new Actor(USERS.unit001).observe(...s.events);
    const phone = unit.act(s, s.id, { type: 'return', reason: '不属于本单位' });
    const pc = unit.act(s, s.id, { type: 'resolve', note: '已修复' });
    const device = await insider('unit001');
    device.append(phone.event, pc.event);
    await device.allSaved();
    const after = (await apiCase(s.id)).body;
    expect(after.status).toBe('returned');
    expect(after.superseded).toMatchObject([{ eventId: pc.event.id, reason: 'state_not_allowed' }]);
    expect(hlcMs(dispatch.at)).toBeLessThan(hlcMs(phone.event.at) + 1);
  });
});

describe('8. client ids belong to their writers', () => {
  it('an insider writing under a victim’s client id is refused; the victim’s next events are stored and acknowledged', async () => {
    const s = await dispatchedCase();
    const victim = await insider('w0001');
    const worker = new Actor(USERS.w0001).observe(...s.events);
    const r1 = worker.report();
    victim.append(r1.event);
    await victim.allSaved();
    const victimClient = victim.doc.clientID;

    // The attacker saw the victim's client id in a broadcast and writes at its next clock, on a raw socket.
    const held = new Y.Doc();
    await server.relay.withDoc(casesDoc('t01'), (d) => Y.applyUpdate(held, Y.encodeStateAsUpdate(d)));
    const attacker = new RawClient(RawClient.url(server.wsBase, casesDoc('t01'), tokens.unit001));
    clients.push({ destroy: () => attacker.ws.close() });
    await attacker.open();
    const forged = encodeAppend(held, victimClient, EVENTS_ARRAY, [{ id: newId(Date.now(), random), caseId: s.id, type: 'acknowledged', actor: 'unit001', at: stamp(Date.now() + 1000), data: {} }]);
    const refusal = attacker.nextOf(MSG_REFUSED, 'REFUSED');
    attacker.send(updateMessage(forged));
    const dec = decoding.createDecoder(await refusal);
    expect(decoding.readVarString(dec)).toBe('foreign_client');
    expect(attacker.count(MSG_ACK)).toBe(1); // only the ACK after connecting

    // The victim's next two events: stored, acknowledged, visible.
    const r2 = worker.report();
    const r3 = worker.report();
    victim.append(r2.event, r3.event);
    await victim.allSaved();
    for (const r of [r1, r2, r3]) expect((await apiCase(r.state.id)).status).toBe(200);
  });
});
