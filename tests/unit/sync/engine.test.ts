import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { CaseRow } from '../../../src/app/services.ts';
import type { Command } from '../../../src/domain/commands.ts';
import type { CaseEvent } from '../../../src/domain/events.ts';
import { foldCase } from '../../../src/domain/fold.ts';
import { formatHlc, hlcMs } from '../../../src/domain/hlc.ts';
import type { UserInfo } from '../../../src/domain/org.ts';
import { toRecord, toRow } from '../../../src/storage/readmodel.ts';
import { META } from '../../../src/storage/schema.ts';
import type { EngineOptions, SyncEngine } from '../../../src/sync/engine.ts';
import { EVENTS_ARRAY } from '../../../src/protocol/wire.ts';
import { SNAPSHOT_SLICE_BYTES } from '../../../src/sync/persist.ts';
import { DOC_T01, ORG_INDEX, T0, USERS, YEAR, eventsUpdate, expectedStates, freshNs, generateCases, orgUpdate, testEngine } from './fixtures.ts';
import { LoopbackRelay, seedLocalDoc, until, wait } from './loopback.ts';

const running: SyncEngine[] = [];
const COMPACT_DURING = 100;
afterEach(async () => {
  for (const e of running.splice(0)) await e.stop();
});

const engine = (user: UserInfo, ns: string, over: Partial<EngineOptions> = {}): SyncEngine => testEngine(running, user, ns, over);

async function allRows(e: SyncEngine): Promise<CaseRow[]> {
  return e.queryCases({}, 0, 100_000);
}

function expectedRows(events: CaseEvent[], user: UserInfo, pending = new Set<string>()): CaseRow[] {
  return [...expectedStates(events, user).values()]
    .map((s) => toRow(toRecord(s, DOC_T01, pending.has(s.id))))
    .sort((a, b) => b.reportedMs - a.reportedMs || (a.id < b.id ? 1 : -1));
}

const report = (gridId: string, category = '0301'): Parameters<SyncEngine['report']>[0] => ({
  category,
  description: '井盖缺失',
  location: { lat: 41.1, lng: 122.0 },
  gridId,
});

describe('read model', () => {
  it('a rebuild of 2,000 cases equals the fold, in the user scope, and getCase gives the full timeline', async () => {
    const ns = freshNs('rb');
    const events = generateCases(2000, 5);
    await seedLocalDoc(ns, 'town01', 'org', orgUpdate());
    await seedLocalDoc(ns, 'town01', DOC_T01, eventsUpdate(events));
    const e = engine(USERS.town01!, ns);
    const t0 = performance.now();
    await e.start();
    const ms = performance.now() - t0;
    console.log(`[measure] open + rebuild of 2,000 cases (${events.length} events) in fake-indexeddb: ${ms.toFixed(0)} ms`);
    const rows = await allRows(e);
    expect(rows).toHaveLength(2000);
    expect(rows).toEqual(expectedRows(events, USERS.town01!));
    expect(e.status.value.ready).toBe(true);

    const some = rows[123]!;
    const state = await e.getCase(some.id);
    const want = foldCase(events.filter((x) => x.caseId === some.id), ORG_INDEX);
    expect(state).toEqual(want);
    expect(state!.timeline.length).toBeGreaterThan(0);
    expect(await e.getCase('01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBeNull();

    // A grid worker of the same town: the same doc, only the cases of their grid.
    await e.stop();
    const ns2 = freshNs('rbw');
    await seedLocalDoc(ns2, 'w0002', 'org', orgUpdate());
    await seedLocalDoc(ns2, 'w0002', DOC_T01, eventsUpdate(events));
    const w = engine(USERS.w0002!, ns2);
    await w.start();
    const wrows = await allRows(w);
    expect(wrows.length).toBeGreaterThan(500);
    expect(wrows.every((r) => r.gridId === 'g0002')).toBe(true);
    expect(wrows).toEqual(expectedRows(events, USERS.w0002!));
  });

  it('a reopen with unchanged docs writes nothing; a changed doc is refolded', async () => {
    const ns = freshNs('mk');
    const events = generateCases(50, 6);
    await seedLocalDoc(ns, 'town01', 'org', orgUpdate());
    await seedLocalDoc(ns, 'town01', DOC_T01, eventsUpdate(events));
    const first = engine(USERS.town01!, ns);
    await first.start();
    await first.stop();

    const spy = (e: SyncEngine) => {
      const calls: string[] = [];
      const orig = e.readModel.replaceDoc.bind(e.readModel);
      e.readModel.replaceDoc = (doc, rows, marker) => (calls.push(doc), orig(doc, rows, marker));
      return calls;
    };
    const second = engine(USERS.town01!, ns);
    const calls2 = spy(second);
    await second.start();
    expect(calls2).toEqual([]);
    expect(await allRows(second)).toEqual(expectedRows(events, USERS.town01!));
    await second.stop();

    const more = generateCases(5, 99, T0 - 3600_000);
    await seedLocalDoc(ns, 'town01', DOC_T01, eventsUpdate(more));
    const third = engine(USERS.town01!, ns);
    const calls3 = spy(third);
    await third.start();
    expect(calls3).toEqual([DOC_T01]);
    expect(await allRows(third)).toEqual(expectedRows([...events, ...more], USERS.town01!));
  });

  it('concurrent inserts from two devices update only the touched cases and equal the full fold in any order', async () => {
    const base = generateCases(40, 7);
    const baseDoc = new Y.Doc();
    Y.applyUpdate(baseDoc, eventsUpdate(base));
    // Two devices start from the same doc and work concurrently: new reports, and conflicting decisions on the
    // same case (one town officer accepts while another rejects it).
    const target = [...expectedStates(base, USERS.town01!).values()].find((s) => s.status === 'reported')!;
    const devA = new Y.Doc();
    const devB = new Y.Doc();
    Y.applyUpdate(devA, Y.encodeStateAsUpdate(baseDoc));
    Y.applyUpdate(devB, Y.encodeStateAsUpdate(baseDoc));
    const at = (n: number, node: string) => formatHlc({ ms: T0 + n, counter: 0, node });
    const evA: CaseEvent[] = [
      { id: '01JDA0000000000000000000A1', caseId: target.id, type: 'accepted', actor: 'town01', at: at(10, 'a'), data: {} },
      ...generateCases(3, 70, T0),
    ];
    const evB: CaseEvent[] = [
      { id: '01JDA0000000000000000000B1', caseId: target.id, type: 'rejected', actor: 'town01', at: at(11, 'b'), data: { reason: '重复' } },
      ...generateCases(3, 71, T0 + 5),
    ];
    const upA = eventsUpdate(evA, devA);
    const upB = eventsUpdate(evB, devB);
    const all = [...base, ...evA, ...evB];

    for (const [order, together] of [
      [[upA, upB], false],
      [[upB, upA], true],
    ] as const) {
      const ns = freshNs('cc');
      await seedLocalDoc(ns, 'town01', 'org', orgUpdate());
      const e = engine(USERS.town01!, ns);
      await e.start();
      const doc = e.docs().get(DOC_T01)!;
      let replaced = 0;
      let applied = 0;
      const origReplace = e.readModel.replaceDoc.bind(e.readModel);
      const origApply = e.readModel.apply.bind(e.readModel);
      e.readModel.replaceDoc = (d, r, m) => (replaced++, origReplace(d, r, m));
      e.readModel.apply = (d, c, m) => (applied += c.put.length + c.del.length, origApply(d, c, m));
      // The shared base as the relay would send it, then the two concurrent updates.
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(baseDoc), 'remote');
      await e.settled();
      expect(applied).toBe(expectedStates(base, USERS.town01!).size);
      applied = 0;
      for (const u of order) {
        Y.applyUpdate(doc, u, 'remote');
        if (!together) await e.settled();
      }
      await e.settled();
      expect(await allRows(e)).toEqual(expectedRows(all, USERS.town01!));
      // Only the touched cases were written: the target and the six new reports (target twice when apart).
      expect(applied).toBe(together ? 7 : 8);
      const winner = await e.getCase(target.id);
      // accepted (…10:a) sorts before rejected (…11:b); the rejection then meets 'accepted' and is superseded.
      expect(winner?.status).toBe('accepted');
      expect(winner?.timeline.find((t) => t.event.type === 'rejected')?.applied).toBe(false);
      expect(replaced).toBe(0);
      await e.stop();
      running.splice(running.indexOf(e), 1);
    }
  });

  it('skips and counts corrupt events, at open and live, without crashing', async () => {
    const ns = freshNs('cr');
    const events = generateCases(20, 8);
    const d = new Y.Doc();
    d.getArray(EVENTS_ARRAY).push(['garbage', { id: 'x' }, { ...events[0]!, at: 'yesterday', id: '01JDA00000000000000000BAD1' }, null]);
    await seedLocalDoc(ns, 'town01', 'org', orgUpdate());
    await seedLocalDoc(ns, 'town01', DOC_T01, Y.encodeStateAsUpdate(d), eventsUpdate(events));
    const e = engine(USERS.town01!, ns);
    await e.start();
    expect(await allRows(e)).toEqual(expectedRows(events, USERS.town01!));
    const diag = (await e.diagnostics()).find((x) => x.name === DOC_T01)!;
    expect(diag.corrupt).toBe(4);
    expect(diag.events).toBe(events.length);

    const doc = e.docs().get(DOC_T01)!;
    Y.applyUpdate(doc, eventsUpdate([{ ...events[1]!, type: 'exploded' } as unknown as CaseEvent, { ...events[2]!, data: { category: 12 } } as unknown as CaseEvent]), 'remote');
    await e.settled();
    expect((await e.diagnostics()).find((x) => x.name === DOC_T01)!.corrupt).toBe(6);
    expect(await allRows(e)).toEqual(expectedRows(events, USERS.town01!));
  });
});

describe('commands, unsaved changes and acknowledgements', () => {
  it('an offline report counts as unsaved across a reload, and the ACK after reconnecting clears it', async () => {
    const ns = freshNs('of');
    const relay = new LoopbackRelay();
    Y.applyUpdate(relay.doc('org'), orgUpdate());
    let online = false;
    const w = engine(USERS.w0001!, ns, { transport: relay.transport, online: () => online });
    await seedLocalDoc(ns, 'w0001', 'org', Y.encodeStateAsUpdate(relay.doc('org')));
    await w.start();
    expect(w.status.value.connection).toBe('offline');

    const d = await w.report(report('g0001'));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(w.status.value.unsaved).toBe(1);
    expect(w.status.value.lastSavedMs).toBeNull();
    const [row] = await allRows(w);
    expect(row).toMatchObject({ id: d.event.caseId, status: 'reported', gridId: 'g0001', pending: true });
    expect(d.event.actor).toBe('w0001');
    expect(hlcMs(d.event.at)).toBeGreaterThanOrEqual(T0);
    await w.stop();

    const again = engine(USERS.w0001!, ns, { transport: relay.transport, online: () => online });
    await again.start();
    expect(again.status.value.unsaved).toBe(1);
    expect((await allRows(again))[0]?.pending).toBe(true);

    const v0 = again.casesVersion.value;
    online = true;
    await until(() => again.status.value.unsaved === 0 && again.status.value.connection === 'online', 'ack');
    expect(again.status.value.lastSavedMs).not.toBeNull();
    await again.settled();
    expect((await allRows(again))[0]?.pending).toBeUndefined();
    expect(again.casesVersion.value).toBeGreaterThan(v0);
    expect(relay.doc(DOC_T01).getArray(EVENTS_ARRAY).toArray()).toEqual([d.event]);
  });

  it('another device sees the case after both are online; act() appends to the doc the case lives in', async () => {
    const relay = new LoopbackRelay();
    Y.applyUpdate(relay.doc('org'), orgUpdate());
    const w = engine(USERS.w0001!, freshNs('w'), { transport: relay.transport });
    const t = engine(USERS.town01!, freshNs('t'), { transport: relay.transport });
    await Promise.all([w.whenSynced(), t.whenSynced()]);
    const r = await w.report(report('g0001'));
    if (!r.ok) throw new Error(r.error);
    await until(async () => (await t.countCases({ status: 'reported' })) === 1, 'town sees the case');
    const acc = await t.act(r.event.caseId, { type: 'accept' } as Command);
    expect(acc.ok).toBe(true);
    await until(async () => (await w.queryCases({}, 0, 10))[0]?.status === 'accepted', 'worker sees accepted');
    await until(() => w.status.value.unsaved === 0 && t.status.value.unsaved === 0, 'both saved');
  });

  it('a command the domain refuses writes nothing and returns the error', async () => {
    const ns = freshNs('rf');
    await seedLocalDoc(ns, 'w0001', 'org', orgUpdate());
    const w = engine(USERS.w0001!, ns);
    await w.start();
    const doc = w.docs().get(DOC_T01)!;
    expect(await w.report(report('g0001', '9999'))).toMatchObject({ ok: false, error: 'unknown_category' });
    expect(await w.report(report('g0002'))).toMatchObject({ ok: false, error: 'out_of_scope' });
    expect(await w.report(report('g9999'))).toMatchObject({ ok: false, error: 'unknown_grid' });
    expect(await w.report({ ...report('g0001'), description: '' })).toMatchObject({ ok: false, error: 'bad_request' });
    expect(await w.report(report('g0004'))).toMatchObject({ ok: false, error: 'forbidden' }); // town 02's doc is not granted
    const ok = await w.report(report('g0001'));
    if (!ok.ok) throw new Error(ok.error);
    expect(await w.act(ok.event.caseId, { type: 'accept' } as Command)).toMatchObject({ ok: false, error: 'role_not_allowed' });
    expect(await w.act('01ARZ3NDEKTSV4RRFFQ69G5FAV', { type: 'accept' } as Command)).toMatchObject({ ok: false, error: 'unknown_case' });
    expect(doc.getArray(EVENTS_ARRAY).length).toBe(1);
    expect(w.status.value.unsaved).toBe(1);
  });

  it('timestamps follow remote events and keep increasing across a reload with the wall clock set back', async () => {
    const ns = freshNs('hlc');
    await seedLocalDoc(ns, 'w0001', 'org', orgUpdate());
    let wall = T0;
    const w = engine(USERS.w0001!, ns, { now: () => wall });
    await w.start();
    const future = generateCases(1, 3, T0 + 3 * 60_000);
    Y.applyUpdate(w.docs().get(DOC_T01)!, eventsUpdate(future), 'remote');
    await w.settled();
    const r1 = await w.report(report('g0001'));
    if (!r1.ok) throw new Error(r1.error);
    expect(r1.event.at > future[0]!.at).toBe(true);
    // Timestamps beyond what the relay accepts (MAX_AHEAD_MS: a device with a broken clock) are not followed.
    const broken = generateCases(1, 4, T0 + 3_600_000);
    Y.applyUpdate(w.docs().get(DOC_T01)!, eventsUpdate(broken), 'remote');
    await w.settled();
    const r2 = await w.report(report('g0001'));
    if (!r2.ok) throw new Error(r2.error);
    expect(hlcMs(r2.event.at)).toBeLessThan(T0 + 10 * 60_000);
    await w.stop();

    wall = T0 - 3_600_000;
    const again = engine(USERS.w0001!, ns, { now: () => wall });
    await again.start();
    const r3 = await again.report(report('g0001'));
    if (!r3.ok) throw new Error(r3.error);
    expect(r3.event.at > r2.event.at).toBe(true);
    expect(r3.event.at.endsWith(r1.event.at.split(':')[2]!)).toBe(true); // same node id for this user on this device
  });
});

describe('refusals', () => {
  it('recovers: keeps own valid unsaved events, drops what the relay refused, and converges', async () => {
    const ns = freshNs('rc');
    const relay = new LoopbackRelay();
    Y.applyUpdate(relay.doc('org'), orgUpdate());
    const earlier = generateCases(5, 12);
    Y.applyUpdate(relay.doc(DOC_T01), eventsUpdate(earlier));
    let online = true;
    const w = engine(USERS.w0001!, ns, { transport: relay.transport, online: () => online });
    await w.whenSynced();
    online = false;
    await until(() => [...relay.links].every((l) => l.state === 'disconnected'), 'links closed');
    const a = await w.report(report('g0001'));
    // A forged event got into the local doc (a bug, or a tampered store): another worker as actor.
    const forged = { ...generateCases(1, 13, T0)[0]!, id: '01JDA00000000000000000F0RG', actor: 'w0002' };
    expect(forged.actor).not.toBe('w0001');
    w.docs().get(DOC_T01)!.getArray(EVENTS_ARRAY).push([forged]);
    const b = await w.report(report('g0001', '0101'));
    if (!a.ok || !b.ok) throw new Error('reports failed');
    await w.settled();
    expect(w.status.value.unsaved).toBe(3);

    online = true;
    await until(() => relay.refusals >= 1, 'refusal');
    await until(() => relay.doc(DOC_T01).getArray(EVENTS_ARRAY).length === earlier.length + 2, 'resent');
    await until(() => w.status.value.unsaved === 0, 'saved');
    await w.settled();
    const relayIds = relay.doc(DOC_T01).getArray<CaseEvent>(EVENTS_ARRAY).toArray().map((e) => e.id);
    expect(relayIds).toContain(a.event.id);
    expect(relayIds).toContain(b.event.id);
    expect(relayIds).not.toContain(forged.id);
    const localIds = w.docs().get(DOC_T01)!.getArray<CaseEvent>(EVENTS_ARRAY).toArray().map((e) => e.id);
    expect(localIds.sort()).toEqual([...relayIds].sort());
    expect(relay.refusals).toBe(1);
    const rows = await allRows(w);
    expect(rows.map((r) => r.id).sort()).toEqual(expectedRows([...earlier, a.event, b.event], USERS.w0001!).map((r) => r.id).sort());
    expect(rows.every((r) => !r.pending)).toBe(true);
  });

  it('never loops: events refused again after one re-append are set aside', async () => {
    const ns = freshNs('lp');
    const relay = new LoopbackRelay();
    Y.applyUpdate(relay.doc('org'), orgUpdate());
    relay.refuseIf = (doc, values) => (doc !== 'org' && values.length ? 'policy' : null);
    let online = false;
    const w = engine(USERS.w0001!, ns, { transport: relay.transport, online: () => online });
    await seedLocalDoc(ns, 'w0001', 'org', Y.encodeStateAsUpdate(relay.doc('org')));
    await w.start();
    const a = await w.report(report('g0001'));
    if (!a.ok) throw new Error(a.error);
    online = true;
    await until(() => relay.refusals >= 2, 'second refusal');
    await wait(200);
    await w.settled();
    expect(relay.refusals).toBe(2);
    expect(w.status.value.unsaved).toBe(0);
    const set = (await w.db.meta.get(META.refused(DOC_T01)))?.value as CaseEvent[];
    expect(set.map((e) => e.id)).toEqual([a.event.id]);
    expect(w.docs().get(DOC_T01)!.getArray(EVENTS_ARRAY).length).toBe(0);
  });
});

describe('refusal recovery across a reload', () => {
  it('events saved for re-sending before a reload are appended after the next sync', async () => {
    const ns = freshNs('rs');
    const relay = new LoopbackRelay();
    Y.applyUpdate(relay.doc('org'), orgUpdate());
    await seedLocalDoc(ns, 'w0001', 'org', Y.encodeStateAsUpdate(relay.doc('org')));
    // What a recovery interrupted by a reload leaves: the rescue list in meta, the local doc already dropped.
    const [mine] = generateCases(1, 31, T0); // reported by w0001
    const [theirs] = generateCases(2, 31, T0).slice(1); // not w0001's: never re-sent by w0001
    expect(mine!.actor).toBe('w0001');
    const first = engine(USERS.w0001!, ns, { online: () => false });
    await first.start();
    await first.db.meta.put({ key: META.rescue(DOC_T01), value: [mine, { ...theirs!, actor: 'w0002' }, 'junk'] });
    await first.stop();

    const w = engine(USERS.w0001!, ns, { transport: relay.transport });
    await w.start();
    expect(w.status.value.unsaved).toBe(1); // the valid own one counts as unsaved while it waits
    await until(() => relay.doc(DOC_T01).getArray(EVENTS_ARRAY).length === 1, 'rescued event on the relay');
    await until(() => w.status.value.unsaved === 0, 'saved');
    expect(relay.doc(DOC_T01).getArray<CaseEvent>(EVENTS_ARRAY).get(0).id).toBe(mine!.id);
    expect(await w.db.meta.get(META.rescue(DOC_T01))).toBeUndefined();
    expect((await allRows(w)).map((r) => r.id)).toEqual([mine!.caseId]);
  });

  it("counts the org doc's saved rescue at open with the case policy (whose code loads on demand)", async () => {
    const ns = freshNs('ro');
    await seedLocalDoc(ns, 'w0001', 'org', orgUpdate());
    const [mine] = generateCases(1, 31, T0); // reported by w0001: the case policy counts it as this user's
    const first = engine(USERS.w0001!, ns, { online: () => false });
    await first.start();
    expect(first.status.value.unsaved).toBe(0);
    await first.db.meta.put({ key: META.rescue('org'), value: [mine, 'junk'] });
    await first.stop();

    // The org doc opens while the engine loads src/sync/casecode.ts (the policy's code): its ledger waits for it.
    const w = engine(USERS.w0001!, ns, { online: () => false });
    await w.start();
    expect(w.status.value.unsaved).toBe(1);
    await w.stop();
  });
});

describe('links, status and storage', () => {
  it('stops connecting when the token is refused, and resumes with a new one', async () => {
    const ns = freshNs('au');
    const relay = new LoopbackRelay();
    Y.applyUpdate(relay.doc('org'), orgUpdate());
    let valid = 'old';
    relay.acceptToken = (t) => t === valid;
    relay.userOf = () => 'w0001';
    let upgradeFailures = 0;
    const w: SyncEngine = engine(USERS.w0001!, ns, {
      transport: relay.transport,
      token: 'old',
      onUpgradeFailed: () => {
        upgradeFailures++;
        w.setAuthExpired(true);
      },
    });
    await w.whenSynced();
    valid = 'new';
    // A new connection (after a network change) is refused at the upgrade.
    w.setAuthExpired(false);
    for (const l of relay.links) l.disconnect();
    for (const l of relay.links) l.connect();
    await until(() => w.status.value.authExpired, 'authExpired');
    expect(upgradeFailures).toBeGreaterThan(0);
    const r = await w.report(report('g0001'));
    expect(r.ok).toBe(true);
    expect(w.status.value).toMatchObject({ connection: 'offline', unsaved: 1, authExpired: true });
    const failuresThen = upgradeFailures;
    await wait(50);
    expect(upgradeFailures).toBe(failuresThen); // no retry loop while expired
    w.setToken('new');
    w.setAuthExpired(false);
    await until(() => w.status.value.unsaved === 0 && w.status.value.connection === 'online', 'resumed');
  });

  it('shows offline after repeated failed attempts, connecting before', async () => {
    const relay = new LoopbackRelay();
    let accept = false;
    relay.acceptToken = () => accept;
    const w = engine(USERS.w0001!, freshNs('fl'), { transport: relay.transport });
    await w.start();
    const seen = new Set<string>();
    const stop = w.status.subscribe((st) => seen.add(st.connection));
    await until(() => w.status.value.connection === 'offline', 'offline after failures');
    expect(seen.has('connecting')).toBe(true);
    expect(w.status.value.authExpired).toBe(false);
    accept = true;
    await until(() => w.status.value.connection === 'online', 'online');
    stop();
  });

  it('opens the new year’s doc for a report on New Year’s Day, and follows changed grants', async () => {
    const ns = freshNs('ny');
    const relay = new LoopbackRelay();
    Y.applyUpdate(relay.doc('org'), orgUpdate());
    await seedLocalDoc(ns, 'w0001', 'org', Y.encodeStateAsUpdate(relay.doc('org')));
    const newYear = Date.UTC(YEAR + 1, 0, 1, 1, 0, 0) - 8 * 3600_000 + 3600_000; // 01:00 CST on 1 January
    let wall = newYear;
    let online = false;
    const w = engine(USERS.w0001!, ns, { transport: relay.transport, online: () => online, now: () => (wall += 1000) });
    await w.start();
    const next = `cases.t01.${YEAR + 1}`;
    expect([...w.docs().keys()]).toEqual(['org', DOC_T01]);
    const r = await w.report(report('g0001'));
    if (!r.ok) throw new Error(`${r.error} ${r.detail ?? ''}`);
    expect([...w.docs().keys()]).toContain(next);
    expect(w.docs().get(next)!.getArray(EVENTS_ARRAY).length).toBe(1);
    expect(w.status.value.unsaved).toBe(1);
    online = true;
    await until(() => w.status.value.unsaved === 0 && w.status.value.connection === 'online', 'saved');
    expect(relay.doc(next).getArray(EVENTS_ARRAY).length).toBe(1);

    // The relay stops granting the old year: that doc stops syncing and takes no writes; the rest is online.
    w.revokeGrants([{ name: 'org', access: 'read' }, { name: next, access: 'write' }]);
    expect(w.docs().size).toBe(3);
    await until(() => w.status.value.connection === 'online', 'online without the revoked doc');
    expect([...relay.links].filter((l) => l.name === DOC_T01)).toHaveLength(0);
    await w.addGrants([{ name: DOC_T01, access: 'write' }]);
    await until(() => [...relay.links].some((l) => l.name === DOC_T01 && l.synced), 'granted again');
  });

  it('keeps the stored y-indexeddb update rows few: at open, after a sync and during a session', async () => {
    const ns = freshNs('cp');
    // A previous session left 300 update rows (one per change, y-indexeddb's default).
    const updates: Uint8Array[] = [];
    const src = new Y.Doc();
    for (const ev of generateCases(60, 21).slice(0, 300)) updates.push(eventsUpdate([ev], src));
    await seedRows(ns, 'town01', DOC_T01, updates);
    const relay = new LoopbackRelay();
    Y.applyUpdate(relay.doc('org'), orgUpdate());
    await seedLocalDoc(ns, 'town01', 'org', Y.encodeStateAsUpdate(relay.doc('org')));
    // The relay holds more than this device, sent as one update at sync.
    Y.applyUpdate(relay.doc(DOC_T01), Y.encodeStateAsUpdate(src));
    Y.applyUpdate(relay.doc(DOC_T01), eventsUpdate(generateCases(900, 22, T0 - 100 * 24 * 3600_000), src));
    let online = false;
    const e = engine(USERS.town01!, ns, { transport: relay.transport, online: () => online });
    await e.start();
    const rows = async () => (await e.diagnostics()).find((d) => d.name === DOC_T01)!.storedRows;
    const atOpen = await rows();
    console.log(`[measure] y-indexeddb rows: ${updates.length} before open, ${atOpen} after open`);
    expect(atOpen).toBeLessThanOrEqual(2);
    online = true;
    await e.whenSynced();
    await e.settled();
    await until(async () => (await rows()) <= 2, 'compaction after sync');
    // 120 local changes in one session: compacted past 100 rows, not left to y-indexeddb's 500.
    const ids = (await e.queryCases({ status: 'reported' }, 0, 130)).map((r) => r.id);
    let n = 0;
    for (const id of ids) {
      if ((await e.act(id, { type: 'accept' } as Command)).ok) n++;
    }
    expect(n).toBe(130);
    await e.settled();
    await wait(50);
    expect(await rows()).toBeLessThanOrEqual(COMPACT_DURING + 1);
    await e.stop();
    running.splice(running.indexOf(e), 1);
    const reopened = engine(USERS.town01!, ns, { online: () => false });
    await reopened.start();
    const d = (await reopened.diagnostics()).find((x) => x.name === DOC_T01)!;
    // A compacted doc is stored as slices of at most SNAPSHOT_SLICE_BYTES (applied one per task at open).
    const slices = Math.ceil(Y.encodeStateAsUpdate(reopened.docs().get(DOC_T01)!).length / SNAPSHOT_SLICE_BYTES);
    console.log(`[measure] y-indexeddb rows after ${n} local changes: ${d.storedRows} at next open (snapshot: ${slices} slices)`);
    expect(d.storedRows).toBeLessThanOrEqual(slices + 2);
  });
});

/** Store each update as its own row, as y-indexeddb does during a session. */
async function seedRows(ns: string, userId: string, docName: string, updates: Uint8Array[]): Promise<void> {
  const { openPersistence } = await import('../../../src/sync/persist.ts');
  const { docDbName } = await import('../../../src/storage/schema.ts');
  const doc = new Y.Doc();
  const p = await openPersistence(docDbName(ns, userId, docName), doc);
  p._storeTimeout = 1e9; // keep y-indexeddb's own 500-row trim out of the way
  for (const u of updates) Y.applyUpdate(doc, u);
  await p.destroy();
  doc.destroy();
}
