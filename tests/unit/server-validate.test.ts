/**
 * Direct tests of the relay's update inspection (server/validate.ts `inspectUpdate`): every refusal code it can
 * answer, each triggered on purpose, and what must pass (valid writes, re-sent and overlapping updates, a reader's
 * empty sync). The relay applies an update only when the verdict is ok, so a wrong "ok" here lets a forged or
 * misplaced event into every replica, and a wrong refusal loses a device's valid work.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeAppend } from '../../server/relay.ts';
import { receiptSigner } from '../../server/receiptsign.ts';
import { makeReceipt, type Receipt } from '../../src/domain/receipts.ts';
import { inspectUpdate, REFUSAL_CODES, type DocKind, type RefusalCode, type Verdict } from '../../server/validate.ts';
import type { DocAccess } from '../../src/domain/docs.ts';
import type { CaseEvent } from '../../src/domain/events.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { writeOrg } from '../../src/protocol/orgdoc.ts';
import { EVENTS_ARRAY, RECEIPTS_ARRAY } from '../../src/protocol/wire.ts';
import { CHANGES_ARRAY } from '../../src/domain/org.ts';
import { readOrg } from '../../src/protocol/orgread.ts';
import { IDX, ORG, REPORT, T0, ev, freshId, happyPath, user } from './domain/fixture.ts';

const CASES_T01: DocKind = { kind: 'cases', townId: 't01', year: 2025 };
const ORG_KIND: DocKind = { kind: 'org' };
const PEOPLE_G1: DocKind = { kind: 'people', gridId: 'g0001' };
const IDS_G1: DocKind = { kind: 'idnumbers', gridId: 'g0001' };
const PARTY_T01: DocKind = { kind: 'party', townId: 't01' };
/** 2025-01-01 00:00 in China (UTC+8): the case year's boundary. */
const NEW_YEAR_2025 = Date.UTC(2024, 11, 31, 16, 0, 0);

/** Refusal codes seen by the tests of this file (the last test checks that every code was triggered). */
const seen = new Set<RefusalCode>();

/** The relay's own Yjs client id in these tests. */
const RELAY_CLIENT = 1;

function inspect(server: Y.Doc, update: Uint8Array, kind: DocKind, userId: string, access: DocAccess = 'write', nowMs?: number): Verdict {
  const v = inspectUpdate(server, Y.decodeUpdate(update), kind, user(userId), access, nowMs === undefined ? {} : { nowMs });
  if (!v.ok) seen.add(v.code);
  return v;
}

function expectRefused(v: Verdict, code: RefusalCode, detail?: RegExp): void {
  expect(v).toMatchObject({ ok: false, code });
  if (detail && !v.ok) expect(v.detail).toMatch(detail);
}

/** The relay's doc holding these updates. */
function relayDoc(...updates: Uint8Array[]): Y.Doc {
  const d = new Y.Doc();
  for (const u of updates) Y.applyUpdate(d, u);
  return d;
}

/** A device's doc synced with the relay's. */
function device(server: Y.Doc): Y.Doc {
  const d = new Y.Doc();
  Y.applyUpdate(d, Y.encodeStateAsUpdate(server));
  return d;
}

/** What a device sends: everything it has that the relay lacks (sync step 2, or a live update). */
const diff = (dev: Y.Doc, server: Y.Doc) => Y.encodeStateAsUpdate(dev, Y.encodeStateVector(server));

/** A device appends events to its log and sends them. */
function push(server: Y.Doc, ...events: unknown[]): Uint8Array {
  const dev = device(server);
  dev.getArray(EVENTS_ARRAY).push(events);
  return diff(dev, server);
}

/** An event stamped at an absolute time (the fixture's `ev` counts minutes from T0). */
function evAt<K extends Parameters<typeof ev>[0]>(type: K, actor: string, ms: number, data?: CaseEvent<K>['data']): CaseEvent<K> {
  return { ...ev(type, actor, 0, data ? { data } : {}), id: freshId(ms), at: formatHlc({ ms, counter: 0, node: 'n1' }) } as CaseEvent<K>;
}

const report = (actor = 'w0001', minute = 0) => ev('reported', actor, minute);

function orgDoc(): Y.Doc {
  const d = new Y.Doc();
  writeOrg(d, ORG);
  return d;
}

let n = 0;
const stamp = () => formatHlc({ ms: T0 + n, counter: n++ % 10_000, node: 'dev' });
/** A reference change by `actor` (src/domain/refchanges.ts). */
const refChange = (type: string, data: unknown, actor = 'admin') => ({ id: freshId(T0 + n), at: stamp(), actor, type, data });
const household = (actor: string, gridId = 'g0001', extra: Record<string, unknown> = {}) => ({
  id: freshId(),
  type: 'household_saved',
  actor,
  at: stamp(),
  data: { id: `h${n}`, gridId, address: '东街3号', head: '王', ...extra },
});

describe('inspectUpdate: what must pass', () => {
  it('a grid worker’s valid report: ok, novel, listed for the case index', () => {
    const server = new Y.Doc();
    const r = report();
    const v = inspect(server, push(server, r), CASES_T01, 'w0001');
    expect(v).toEqual({ ok: true, novel: true, reported: [r], events: [r], records: [] });
  });

  it('the town center’s dispatch of a known case: ok, novel, no new report', () => {
    const r = report();
    const server = relayDoc(push(new Y.Doc(), r, ev('accepted', 'town01', 1)));
    const dispatch = ev('dispatched', 'town01', 2);
    const v = inspect(server, push(server, dispatch), CASES_T01, 'town01');
    expect(v).toEqual({ ok: true, novel: true, reported: [], events: [dispatch], records: [] });
  });

  it('a re-sent update the relay already holds: ok and not novel (nothing is applied, stored or listed again)', () => {
    const server = new Y.Doc();
    const u = push(server, report());
    expect(inspect(server, u, CASES_T01, 'w0001')).toMatchObject({ ok: true, novel: true });
    Y.applyUpdate(server, u);
    expect(inspect(server, u, CASES_T01, 'w0001')).toEqual({ ok: true, novel: false, reported: [], events: [], records: [], resent: true });
    // A device's sync step 2 after it has everything: no structs, its delete set empty.
    expect(inspect(server, diff(device(server), server), CASES_T01, 'w0001')).toEqual({ ok: true, novel: false, reported: [], events: [], records: [] });
  });

  it('accepts a resend whose client has several structs one after another, known or partly known (a device that did not merge its items)', () => {
    const dev = new Y.Doc();
    const events = dev.getArray(EVENTS_ARRAY);
    events.push([report('w0001', 0)]);
    const first = Y.encodeStateAsUpdate(dev);
    const sv = Y.encodeStateVector(dev);
    events.push([report('w0001', 1), report('w0001', 2)]);
    const rest = Y.encodeStateAsUpdate(dev, sv);
    const merged = Y.mergeUpdates([first, rest]);
    expect(Y.decodeUpdate(merged).structs.map((x) => [x.id.clock, x.length])).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(inspect(relayDoc(Y.encodeStateAsUpdate(dev)), merged, CASES_T01, 'w0001')).toMatchObject({ ok: true, novel: false });
    expect(inspect(relayDoc(first), merged, CASES_T01, 'w0001')).toMatchObject({ ok: true, novel: true, resent: true });
  });

  it("refuses an update in which one client's structs overlap (two groups of the same client): applied and merged, they differ", () => {
    const mk = (r: ReturnType<typeof report>) => {
      const d = new Y.Doc();
      d.clientID = 77;
      d.getArray(EVENTS_ARRAY).push([r]);
      return Y.encodeStateAsUpdate(d);
    };
    const [a, b] = [mk(report('w0001', 0)), mk(report('w0001', 1))];
    // Update format: number of clients, each client's structs, then the delete set (empty: one 0 byte).
    const twice = new Uint8Array([2, ...a.slice(1, -1), ...b.slice(1, -1), 0]);
    expect(Y.decodeUpdate(twice).structs.map((x) => [x.id.client, x.id.clock])).toEqual([
      [77, 0],
      [77, 0],
    ]);
    expect(inspect(new Y.Doc(), twice, CASES_T01, 'w0001')).toMatchObject({ ok: false, code: 'invalid_struct' });
  });

  it('a resend whose merged item overlaps what the relay holds: only the new part is inspected and listed', () => {
    const dev = new Y.Doc();
    const first = report('w0001', 0);
    dev.getArray(EVENTS_ARRAY).push([first]);
    const server = relayDoc(Y.encodeStateAsUpdate(dev));
    const second = report('w0001', 1);
    dev.getArray(EVENTS_ARRAY).push([second]);
    const whole = Y.encodeStateAsUpdate(dev); // one struct of length 2 from clock 0: the first half is known
    const structs = Y.decodeUpdate(whole).structs;
    expect(structs).toHaveLength(1);
    expect(structs[0]!.length).toBe(2);
    expect(inspect(server, whole, CASES_T01, 'w0001')).toEqual({ ok: true, novel: true, reported: [second], events: [second], records: [], resent: true });
  });

  it('a report stamped just after midnight of 1 January in China belongs in the new year’s doc', () => {
    const server = new Y.Doc();
    const r = evAt('reported', 'w0001', NEW_YEAR_2025 + 30 * 60_000); // 2024-12-31 16:30 UTC = 2025-01-01 00:30 CST
    expect(inspect(server, push(server, r), CASES_T01, 'w0001')).toMatchObject({ ok: true, reported: [r] });
  });

  it('a reader’s sync step 2 that brings nothing new passes, even carrying deletions the doc already has', () => {
    const server = orgDoc();
    const admin = device(server);
    admin.getMap('units').set('u009', { id: 'u009', name: '县交通局', level: 'county', categories: ['06'] });
    admin.getMap('units').set('u009', { id: 'u009', name: '县交通运输局', level: 'county', categories: ['06'] }); // overwrite: a deletion
    Y.applyUpdate(server, diff(admin, server));
    const reader = device(server);
    const step2 = diff(reader, server);
    expect(Y.decodeUpdate(step2).ds.clients.size).toBeGreaterThan(0); // the delete set travels with every sync step 2
    expect(inspect(server, step2, ORG_KIND, 'w0001', 'read')).toEqual({ ok: true, novel: false, reported: [], events: [], records: [] });
    expect(inspect(server, step2, CASES_T01, 'w0001', 'read')).toEqual({ ok: true, novel: false, reported: [], events: [], records: [] });
  });

  it('the admin’s org edits (issue 15): reference changes appended to `changes`; the relay alone writes the maps', () => {
    const server = orgDoc();
    const admin = device(server);
    const unit = refChange('unit.set', { id: 'u009', name: '县交通局', level: 'county', categories: ['06'] });
    admin.getArray(CHANGES_ARRAY).push([unit]);
    // The accepted changes come with the verdict: the relay audits them once durable.
    expect(inspect(server, diff(admin, server), ORG_KIND, 'admin')).toEqual({ ok: true, novel: true, reported: [], events: [], records: [], changes: [unit] });
    // The relay's own directory writes (putOrgUser): plain values in the maps, overwrites (deletions) included.
    const relay = device(server);
    relay.getMap('users').set('w0009', { id: 'w0009', username: 'w0009', name: '新网格员', role: 'worker' });
    relay.getMap('users').delete('w0001');
    const v = inspectUpdate(server, Y.decodeUpdate(diff(relay, server)), ORG_KIND, user('admin'), 'write', { asRelay: true });
    expect(v).toEqual({ ok: true, novel: true, reported: [], events: [], records: [] });
  });

  it('people, ID number and party docs: valid records by the roles that keep them', () => {
    const people = new Y.Doc();
    expect(inspect(people, push(people, household('w0001')), PEOPLE_G1, 'w0001')).toMatchObject({ ok: true, novel: true });
    const visit = { id: freshId(), type: 'visit_recorded', actor: 'st01v01', at: stamp(), data: { householdId: 'h1', note: '入户走访' } };
    expect(inspect(people, push(people, visit), PEOPLE_G1, 'st01v01')).toMatchObject({ ok: true, novel: true });
    const ids = new Y.Doc();
    const number = { id: freshId(), type: 'id_number_saved', actor: 'w0001', at: stamp(), data: { residentId: 'r1', idNumber: '211103198001011234' } };
    expect(inspect(ids, push(ids, number), IDS_G1, 'w0001')).toMatchObject({ ok: true, novel: true });
    const party = new Y.Doc();
    const need = { id: freshId(), type: 'need_published', actor: 'town01', at: stamp(), data: { kind: 'resident', villageId: 't01v01', title: '助老', detail: '帮助老人买菜' } };
    // Its village is placed in the doc's town by the reference data (party.ts partyPlaceProblem): without them, refused.
    expect(inspectUpdate(party, Y.decodeUpdate(push(party, need)), PARTY_T01, user('town01'), 'write', { org: IDX })).toMatchObject({ ok: true, novel: true });
    expectRefused(inspect(party, push(party, need), PARTY_T01, 'town01'), 'invalid_event', /village t01v01 is not in t01/);
  });
});

describe('inspectUpdate: every refusal', () => {
  it('read_only: a reader’s update carrying a new struct, or a new deletion', () => {
    const server = new Y.Doc();
    expectRefused(inspect(server, push(server, report()), CASES_T01, 'w0001', 'read'), 'read_only');
    const org = orgDoc();
    const reader = device(org);
    reader.getMap('units').delete('u001');
    const deletionOnly = diff(reader, org);
    expect(Y.decodeUpdate(deletionOnly).structs).toHaveLength(0);
    expectRefused(inspect(org, deletionOnly, ORG_KIND, 'town01', 'read'), 'read_only');
  });

  it('delete_not_allowed: deleting an event of a cases, people or party log', () => {
    for (const [kind, event, who] of [
      [CASES_T01, report(), 'w0001'],
      [PEOPLE_G1, household('w0001'), 'w0001'],
    ] as const) {
      const server = relayDoc(push(new Y.Doc(), event));
      const dev = device(server);
      dev.getArray(EVENTS_ARRAY).delete(0, 1);
      expectRefused(inspect(server, diff(dev, server), kind, who), 'delete_not_allowed');
    }
  });

  it('invalid_struct: writes outside the events array, nested types, GC structs, org writes outside the collections', () => {
    const server = new Y.Doc();
    const other = device(server);
    other.getMap('meta').set('x', 1);
    expectRefused(inspect(server, diff(other, server), CASES_T01, 'w0001'), 'invalid_struct', /only the 'events' array/);

    const nested = device(server);
    const m = new Y.Map<unknown>();
    nested.getArray(EVENTS_ARRAY).push([m]);
    m.set('id', 'x');
    expectRefused(inspect(server, diff(nested, server), CASES_T01, 'w0001'), 'invalid_struct');

    const text = device(server);
    text.getText(EVENTS_ARRAY).insert(0, 'hello');
    expectRefused(inspect(server, diff(text, server), CASES_T01, 'w0001'), 'invalid_struct');

    // A garbage-collected range where an event should be (no deletion with it, so it is the struct that is refused).
    const gc = { structs: [new Y.GC(Y.createID(4242, 0), 1)], ds: Y.decodeUpdate(new Uint8Array([0, 0])).ds };
    const vgc = inspectUpdate(server, gc as ReturnType<typeof Y.decodeUpdate>, CASES_T01, user('w0001'), 'write');
    if (!vgc.ok) seen.add(vgc.code);
    expectRefused(vgc, 'invalid_struct', /garbage-collected/);

    const org = orgDoc();
    const admin = device(org);
    admin.getMap('secrets').set('k', 'v');
    expectRefused(inspect(org, diff(admin, org), ORG_KIND, 'admin'), 'invalid_struct', /appended to 'changes'/);
    // Issue 15: an admin may no longer write a collection map directly (it would bypass every rule and history).
    const direct = device(org);
    direct.getMap('units').set('u009', { id: 'u009', name: '县交通局', level: 'county', categories: ['06'] });
    expectRefused(inspect(org, diff(direct, org), ORG_KIND, 'admin'), 'invalid_struct', /the collection maps are the relay's/);
    const admin2 = device(org);
    admin2.getArray(CHANGES_ARRAY).push([new Y.Map()]);
    expectRefused(inspect(org, diff(admin2, org), ORG_KIND, 'admin'), 'invalid_struct', /plain JSON/);
    const relayNested = device(org);
    relayNested.getMap('units').set('u009', new Y.Map());
    const vn = inspectUpdate(org, Y.decodeUpdate(diff(relayNested, org)), ORG_KIND, user('admin'), 'write', { asRelay: true });
    expectRefused(vn, 'invalid_struct', /plain JSON/);
    const admin3 = device(org);
    admin3.getArray('units_list').push([{ id: 'u9' }]);
    expectRefused(inspect(org, diff(admin3, org), ORG_KIND, 'admin'), 'invalid_struct');
  });

  it('invalid_event: values that are not events of the doc’s kind, and a full ID number in a people doc', () => {
    const server = new Y.Doc();
    expectRefused(inspect(server, push(server, 'garbage'), CASES_T01, 'w0001'), 'invalid_event');
    expectRefused(inspect(server, push(server, { ...report(), type: 'exploded' }), CASES_T01, 'w0001'), 'invalid_event');
    expectRefused(inspect(server, push(server, { ...report(), data: { ...REPORT, category: 12 } }), CASES_T01, 'w0001'), 'invalid_event');
    // A valid event followed by an invalid one in the same update: the whole update is refused.
    expectRefused(inspect(server, push(server, report(), { id: 'x' }), CASES_T01, 'w0001'), 'invalid_event');

    const people = new Y.Doc();
    expectRefused(inspect(people, push(people, household('w0001', 'g0001', { note: '户主身份证 211103198001011234' })), PEOPLE_G1, 'w0001'), 'invalid_event', /no full ID numbers/);
    expectRefused(inspect(people, push(people, { ...household('w0001'), type: 'household_deleted' }), PEOPLE_G1, 'w0001'), 'invalid_event');
    const ids = new Y.Doc();
    const bad = { id: freshId(), type: 'id_number_saved', actor: 'w0001', at: stamp(), data: { residentId: 'r1', idNumber: '2111' } };
    expectRefused(inspect(ids, push(ids, bad), IDS_G1, 'w0001'), 'invalid_event');
    const party = new Y.Doc();
    expectRefused(inspect(party, push(party, { id: freshId(), type: 'need_published', actor: 'town01', at: stamp(), data: {} }), PARTY_T01, 'town01'), 'invalid_event');
  });

  it('forged_actor: an event made in another user’s name, in every kind of event log', () => {
    const server = new Y.Doc();
    expectRefused(inspect(server, push(server, report('w0002')), CASES_T01, 'w0001'), 'forged_actor', /actor w0002 is not w0001/);
    // One own event and one forged in the same update: the whole update is refused.
    expectRefused(inspect(server, push(server, report('w0001'), report('w0002', 1)), CASES_T01, 'w0001'), 'forged_actor');
    const people = new Y.Doc();
    expectRefused(inspect(people, push(people, household('st01v01')), PEOPLE_G1, 'w0001'), 'forged_actor');
    const ids = new Y.Doc();
    const number = { id: freshId(), type: 'id_number_saved', actor: 'town01', at: stamp(), data: { residentId: 'r1', idNumber: '211103198001011234' } };
    expectRefused(inspect(ids, push(ids, number), IDS_G1, 'w0001'), 'forged_actor');
    const party = new Y.Doc();
    const need = { id: freshId(), type: 'need_published', actor: 'town01', at: stamp(), data: { kind: 'resident', villageId: 't01v01', title: '助老', detail: '买菜' } };
    expectRefused(inspect(party, push(party, need), PARTY_T01, 'st01v01'), 'forged_actor');
  });

  it('role_not_allowed: an event type the user’s role may never make', () => {
    const r = report();
    const server = relayDoc(push(new Y.Doc(), r));
    expectRefused(inspect(server, push(server, ev('accepted', 'w0001', 1)), CASES_T01, 'w0001'), 'role_not_allowed', /a worker may not make 'accepted'/);
    expectRefused(inspect(server, push(server, ev('resolved', 'town01', 1)), CASES_T01, 'town01'), 'role_not_allowed');
    expectRefused(inspect(server, push(server, ev('reported', 'unit002', 1)), CASES_T01, 'unit002'), 'role_not_allowed');
    const people = new Y.Doc();
    expectRefused(inspect(people, push(people, household('p0001')), PEOPLE_G1, 'p0001'), 'role_not_allowed');
    const ids = new Y.Doc();
    const number = { id: freshId(), type: 'id_number_saved', actor: 'county', at: stamp(), data: { residentId: 'r1', idNumber: '211103198001011234' } };
    expectRefused(inspect(ids, push(ids, number), IDS_G1, 'county'), 'role_not_allowed');
    const party = new Y.Doc();
    const claim = { id: freshId(), type: 'need_claimed', actor: 'town01', at: stamp(), data: { needId: freshId() } };
    expectRefused(inspect(party, push(party, claim), PARTY_T01, 'town01'), 'role_not_allowed');
  });

  it('wrong_doc: a report filed in another town’s doc', () => {
    const server = new Y.Doc();
    const inT02 = ev('reported', 'county', 0, { data: { ...REPORT, gridId: 'g0003', townId: 't02' } });
    expectRefused(inspect(server, push(server, inT02), CASES_T01, 'county'), 'wrong_doc', /belongs in cases\.t02\.2025/);
  });

  it('wrong_doc: a report filed in another year’s doc (the year in China, UTC+8)', () => {
    const server = new Y.Doc();
    // 2024-12-31 23:30 in China (15:30 UTC): still 2024, so not in cases.t01.2025.
    const lastYear = evAt('reported', 'w0001', NEW_YEAR_2025 - 30 * 60_000);
    expectRefused(inspect(server, push(server, lastYear), CASES_T01, 'w0001'), 'wrong_doc', /belongs in cases\.t01\.2024/);
    const nextYear = evAt('reported', 'w0001', Date.UTC(2025, 11, 31, 16, 30));
    expectRefused(inspect(server, push(server, nextYear), CASES_T01, 'w0001'), 'wrong_doc', /belongs in cases\.t01\.2026/);
    // The same report is welcome in its own year's doc.
    expect(inspect(server, push(server, lastYear), { kind: 'cases', townId: 't01', year: 2024 }, 'w0001')).toMatchObject({ ok: true, reported: [lastYear] });
  });

  it('clock_ahead: a case event stamped more than five minutes after the relay’s clock; five minutes pass', () => {
    const server = new Y.Doc();
    const relayNow = Date.UTC(2025, 5, 1, 12, 0);
    const dayAhead = evAt('reported', 'w0001', relayNow + 24 * 3_600_000);
    expectRefused(inspect(server, push(server, dayAhead), CASES_T01, 'w0001', 'write', relayNow), 'clock_ahead', /correct the device clock/);
    const justAhead = evAt('reported', 'w0001', relayNow + 5 * 60_000);
    expect(inspect(server, push(server, justAhead), CASES_T01, 'w0001', 'write', relayNow)).toMatchObject({ ok: true, events: [justAhead] });
    const aWeekBack = evAt('reported', 'w0001', relayNow - 7 * 24 * 3_600_000);
    expect(inspect(server, push(server, aWeekBack), CASES_T01, 'w0001', 'write', relayNow)).toMatchObject({ ok: true });
  });

  it('wrong_doc: a household saved in another grid’s people doc', () => {
    const people = new Y.Doc();
    expectRefused(inspect(people, push(people, household('town01', 'g0002')), PEOPLE_G1, 'town01'), 'wrong_doc', /people\.g0002/);
  });

  it('missing_dependencies: a clock gap, a skipped range, an unknown origin, a deletion of unknown structs', () => {
    const server = new Y.Doc();
    const dev = new Y.Doc();
    const arr = dev.getArray(EVENTS_ARRAY);
    const u1 = (arr.push([report('w0001', 0)]), Y.encodeStateAsUpdate(dev));
    const sv1 = Y.encodeStateVector(dev);
    arr.push([report('w0001', 1)]);
    const u2 = Y.encodeStateAsUpdate(dev, sv1);
    const sv2 = Y.encodeStateVector(dev);
    arr.push([report('w0001', 2)]);
    const u3 = Y.encodeStateAsUpdate(dev, sv2);
    // The second event without the first.
    expectRefused(inspect(server, u2, CASES_T01, 'w0001'), 'missing_dependencies', /starts at clock 1, relay has 0/);
    // The first and the third, merged: Yjs puts a Skip where the second was.
    const merged = Y.mergeUpdates([u1, u3]);
    expect(Y.decodeUpdate(merged).structs.some((s) => s instanceof Y.Skip)).toBe(true);
    expectRefused(inspect(server, merged, CASES_T01, 'w0001'), 'missing_dependencies');
    // After the first is on the relay, the second alone is fine.
    Y.applyUpdate(server, u1);
    expect(inspect(server, u2, CASES_T01, 'w0001')).toMatchObject({ ok: true, novel: true });

    // Another device appends after an event the relay never got: its item's origin is unknown.
    const a = new Y.Doc();
    a.getArray(EVENTS_ARRAY).push([report('w0001', 3)]);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    b.getArray(EVENTS_ARRAY).push([report('w0001', 4)]);
    const fresh = new Y.Doc();
    expectRefused(inspect(fresh, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)), CASES_T01, 'w0001'), 'missing_dependencies', /unknown origin/);

    // The relay's own org writes may delete (map overwrites), but only structs the doc has.
    const org = orgDoc();
    const admin = new Y.Doc();
    admin.getMap('units').set('u009', { id: 'u009' });
    admin.getMap('units').delete('u009');
    const deletes = { structs: [], ds: Y.decodeUpdate(Y.encodeStateAsUpdate(admin)).ds };
    const v = inspectUpdate(org, deletes as ReturnType<typeof Y.decodeUpdate>, ORG_KIND, user('admin'), 'write', { asRelay: true });
    if (!v.ok) seen.add(v.code);
    expectRefused(v, 'missing_dependencies', /deletion of unknown structs/);
    // A client's deletion in the org doc: changes are never deleted.
    const vd = inspectUpdate(org, deletes as ReturnType<typeof Y.decodeUpdate>, ORG_KIND, user('admin'), 'write');
    expectRefused(vd, 'delete_not_allowed', /never deleted/);
  });
});

describe('inspectUpdate: insiders (issue 10): each event judged on its case, client ids bound to their writers', () => {
  /** The relay's doc with the happy path's first `n` events, written by one device per author. */
  function caseDoc(n: number): Y.Doc {
    const server = new Y.Doc();
    for (const e of happyPath().slice(0, n)) Y.applyUpdate(server, push(server, e));
    return server;
  }
  const judged = (server: Y.Doc, update: Uint8Array, userId: string) => {
    const v = inspectUpdate(server, Y.decodeUpdate(update), CASES_T01, user(userId), 'write', { nowMs: T0 + 86_400_000, org: IDX, relayClient: RELAY_CLIENT });
    if (!v.ok) seen.add(v.code);
    return v;
  };

  it('duplicate_id: a unit appends an event under the id of the case’s report', () => {
    const server = caseDoc(3);
    const report = server.getArray<CaseEvent>(EVENTS_ARRAY).get(0);
    expect(report.type).toBe('reported');
    expectRefused(judged(server, push(server, { ...ev('resolved', 'unit002', 10), id: report.id }), 'unit002'), 'duplicate_id');
    // twice in one update, too
    const twice = ev('resolved', 'unit002', 10);
    expectRefused(judged(server, push(server, twice, { ...ev('checklist', 'unit002', 11), id: twice.id }), 'unit002'), 'duplicate_id');
  });

  it('case_exists: another grid worker files a report under an existing case id, even stamped earlier', () => {
    const server = caseDoc(2);
    const forged = ev('reported', 'w0002', -5, { data: { ...REPORT, gridId: 'g0002' } });
    expectRefused(judged(server, push(server, forged), 'w0002'), 'case_exists');
  });

  it('unknown_case: an answer to a case this doc does not hold', () => {
    const server = caseDoc(1);
    expectRefused(judged(server, push(server, ev('accepted', 'town01', 1, { caseId: '01JX0000000000000000000077' })), 'town01'), 'unknown_case');
  });

  it('stamped_too_early: a resolution stamped before the dispatch it answers; an acceptance before the report', () => {
    const server = caseDoc(3);
    expectRefused(judged(server, push(server, ev('resolved', 'unit002', 1)), 'unit002'), 'stamped_too_early', /before the dispatched/);
    const fresh = caseDoc(1);
    expectRefused(judged(fresh, push(fresh, ev('accepted', 'town01', -1)), 'town01'), 'stamped_too_early', /before the reported/);
  });

  it('not_authorized: a grid worker of another grid checks a unit’s resolution; a unit resolves a case it does not hold', () => {
    const server = caseDoc(4);
    expectRefused(judged(server, push(server, ev('verified', 'w0002', 10)), 'w0002'), 'not_authorized', /out_of_scope/);
    const dispatched = caseDoc(3);
    expectRefused(judged(dispatched, push(dispatched, ev('resolved', 'unit003', 10)), 'unit003'), 'not_authorized');
  });

  it('honest offline races pass: a second dispatcher, and a return racing a resolve', () => {
    const server = caseDoc(3);
    expect(judged(server, push(server, ev('dispatched', 'county', 2.5, { data: { unitId: 'u001' } })), 'county')).toMatchObject({ ok: true });
    const racing = caseDoc(3);
    Y.applyUpdate(racing, push(racing, ev('returned', 'unit002', 10)));
    expect(judged(racing, push(racing, ev('resolved', 'unit002', 9)), 'unit002')).toMatchObject({ ok: true });
  });

  it('a report and its self-resolution in one update (an offline worker) pass', () => {
    const server = new Y.Doc();
    const r = ev('reported', 'w0001', 0, { caseId: '01JX0000000000000000000055' });
    expect(judged(server, push(server, r, ev('self_resolved', 'w0001', 1, { caseId: r.caseId })), 'w0001')).toMatchObject({ ok: true });
  });

  it('foreign_client: an insider writes under a client id another user wrote with; the owner still may', () => {
    const victim = new Y.Doc();
    victim.clientID = 4242;
    const server = new Y.Doc();
    victim.getArray(EVENTS_ARRAY).push([ev('reported', 'w0001', 0)]);
    Y.applyUpdate(server, Y.encodeStateAsUpdate(victim));
    // The thief writes at the victim's next clock (a Y.Doc would pick a new client id itself: craft the update).
    const stolen = encodeAppend(server, 4242, EVENTS_ARRAY, [ev('reported', 'w0002', 1, { caseId: '01JX0000000000000000000066', data: { ...REPORT, gridId: 'g0002' } })]);
    expectRefused(judged(server, stolen, 'w0002'), 'foreign_client', /4242/);
    // The owner's own next write under that client id passes.
    victim.getArray(EVENTS_ARRAY).push([ev('reported', 'w0001', 2, { caseId: '01JX0000000000000000000067' })]);
    expect(judged(server, diff(victim, server), 'w0001')).toMatchObject({ ok: true, novel: true });
  });

  it('party docs: a secretary may not move another village’s member into their branch, nor re-publish a need under its id', () => {
    const party = new Y.Doc();
    const member = { id: freshId(), type: 'member_saved', actor: 'town01', at: stamp(), data: { userId: 'p0001', name: '周立', villageId: 't01v01', gridId: 'g0001', inService: false, contacts: [] } };
    const need = { id: freshId(), type: 'need_published', actor: 'st01v01', at: stamp(), data: { kind: 'resident', villageId: 't01v01', title: '助老', detail: '买菜' } };
    Y.applyUpdate(party, push(party, member, need));
    const judge = (update: Uint8Array, who: string) => {
      const v = inspectUpdate(party, Y.decodeUpdate(update), PARTY_T01, user(who), 'write', { org: IDX, relayClient: RELAY_CLIENT });
      if (!v.ok) seen.add(v.code);
      return v;
    };
    const moved = { ...member, id: freshId(), actor: 'st01v02', at: stamp(), data: { ...member.data, villageId: 't01v02', gridId: 'g0002' } };
    expectRefused(judge(push(party, moved), 'st01v02'), 'not_authorized', /another village/);
    const republished = { ...need, actor: 'st01v02', at: stamp(), data: { ...need.data, villageId: 't01v02' } };
    expectRefused(judge(push(party, republished), 'st01v02'), 'duplicate_id');
    // Their own village's member and need pass.
    const own = { ...member, id: freshId(), actor: 'st01v02', at: stamp(), data: { ...member.data, userId: 'p0099', villageId: 't01v02', gridId: 'g0002' } };
    expect(judge(push(party, own), 'st01v02')).toMatchObject({ ok: true });
  });

  it('party docs: a need taking up a care visit names a grid of its village; another village’s secretary may not confirm it', () => {
    let party = new Y.Doc();
    const visitId = freshId();
    const judge = (update: Uint8Array, who: string) => {
      const v = inspectUpdate(party, Y.decodeUpdate(update), PARTY_T01, user(who), 'write', { org: IDX, relayClient: RELAY_CLIENT });
      if (!v.ok) seen.add(v.code);
      return v;
    };
    const need = (actor: string, villageId: string, gridId: string) => ({ id: freshId(), type: 'need_published', actor, at: stamp(), data: { kind: 'resident', villageId, title: '关怀走访：需要就医', detail: '走访发现需要就医', fromCare: { gridId, visitId } } });
    // g0002 is in t01v02: not a grid of t01v01, whoever publishes (the town's center too).
    expectRefused(judge(push(party, need('st01v01', 't01v01', 'g0002')), 'st01v01'), 'invalid_event', /g0002 is not in village t01v01/);
    expectRefused(judge(push(party, need('town01', 't01v01', 'g0002')), 'town01'), 'invalid_event', /not in village/);
    expectRefused(judge(push(party, need('town01', 't01v01', 'g9999')), 'town01'), 'invalid_event', /not in village/);
    const ok = need('st01v01', 't01v01', 'g0001');
    expect(judge(push(party, ok), 'st01v01')).toMatchObject({ ok: true });
    // Published, claimed and worked on by a member (a relay that loads this doc): the other village's secretary may
    // not confirm it (the relay folds the need with the grids).
    party = new Y.Doc();
    const member = { id: freshId(), type: 'member_saved', actor: 'town01', at: stamp(), data: { userId: 'p0001', name: '周立', villageId: 't01v01', gridId: 'g0001', inService: false, contacts: [] } };
    const claim = { id: freshId(), type: 'need_claimed', actor: 'p0001', at: stamp(), data: { needId: ok.id } };
    const work = { id: freshId(), type: 'need_work', actor: 'p0001', at: stamp(), data: { needId: ok.id, hours: 1, note: '陪同就医' } };
    Y.applyUpdate(party, push(party, ok, member, claim, work));
    const confirm = (actor: string) => ({ id: freshId(), type: 'need_confirmed', actor, at: stamp(), data: { needId: ok.id } });
    expectRefused(judge(push(party, confirm('st01v02')), 'st01v02'), 'not_authorized', /another village/);
    expect(judge(push(party, confirm('st01v01')), 'st01v01')).toMatchObject({ ok: true });
    // 无需发布: the same grid rule, and a secretary decides only for their own village.
    const decline = (actor: string, villageId: string, gridId: string) => ({ id: freshId(), type: 'care_need_declined', actor, at: stamp(), data: { villageId, gridId, visitId: freshId(), reason: '家属已安排' } });
    expectRefused(judge(push(party, decline('town01', 't01v01', 'g0002')), 'town01'), 'invalid_event', /g0002 is not in village t01v01/);
    expectRefused(judge(push(party, decline('st01v02', 't01v01', 'g0001')), 'st01v02'), 'not_authorized', /another village/);
    expectRefused(judge(push(party, decline('w0001', 't01v01', 'g0001')), 'w0001'), 'role_not_allowed');
    expect(judge(push(party, decline('st01v01', 't01v01', 'g0001')), 'st01v01')).toMatchObject({ ok: true });
  });

  it('party docs: a town’s center (or the county) may not name another town’s village or grid in this town’s party doc', () => {
    // g0003 is a grid of t02v01, a village of t02: the care link holds (the grid is in the need's village), the town does not.
    const party = new Y.Doc();
    const member = { id: freshId(), type: 'member_saved', actor: 'town01', at: stamp(), data: { userId: 'p0001', name: '周立', villageId: 't01v01', gridId: 'g0001', inService: false, contacts: [] } };
    Y.applyUpdate(party, push(party, member));
    const before = Y.encodeStateVector(party);
    const judge = (e: { actor: string }) => {
      const v = inspectUpdate(party, Y.decodeUpdate(push(party, e)), PARTY_T01, user(e.actor), 'write', { org: IDX, relayClient: RELAY_CLIENT });
      if (!v.ok) seen.add(v.code);
      return v;
    };
    const contact = (gridId: string) => ({ householdId: 'g0003h001', gridId, address: '红旗村1号', head: '张' });
    const need = (actor: string, villageId: string, fromCare?: { gridId: string; visitId: string }) => ({
      id: freshId(),
      type: 'need_published',
      actor,
      at: stamp(),
      data: { kind: 'resident', villageId, title: '关怀走访：需要就医', detail: '走访发现需要就医', ...(fromCare ? { fromCare } : {}) },
    });
    const decline = (actor: string, villageId: string, gridId: string) => ({ id: freshId(), type: 'care_need_declined', actor, at: stamp(), data: { villageId, gridId, visitId: freshId(), reason: '家属已安排' } });
    const saved = (villageId: string, gridId: string, contacts: unknown[] = []) => ({ ...member, id: freshId(), at: stamp(), data: { ...member.data, villageId, gridId, contacts } });
    const refused: Array<[string, unknown, RegExp]> = [
      ['need with a care visit of t02', need('town01', 't02v01', { gridId: 'g0003', visitId: freshId() }), /village t02v01 is not in t01/],
      ['need of a village of t02', need('town01', 't02v01'), /village t02v01 is not in t01/],
      ['need of an unknown village', need('town01', 't09v01'), /village t09v01 is not in t01/],
      ['county: member of a branch of t02 in party.t01', { ...saved('t02v01', 'g0003'), actor: 'county' }, /village t02v01 is not in t01/],
      ['decline of a visit of t02', decline('town01', 't02v01', 'g0003'), /village t02v01 is not in t01/],
      ['member of a branch of t02', saved('t02v01', 'g0003'), /village t02v01 is not in t01/],
      ['member of a party group of t02', saved('t01v01', 'g0003'), /grid g0003 is not in t01/],
      ['member with a contact household of t02', saved('t01v01', 'g0001', [contact('g0003')]), /grid g0003 is not in t01/],
      ['contact household of t02', { id: freshId(), type: 'contact_added', actor: 'town01', at: stamp(), data: { memberId: 'p0001', contact: contact('g0003') } }, /grid g0003 is not in t01/],
      ['visit to a household of t02', { id: freshId(), type: 'contact_visit', actor: 'p0001', at: stamp(), data: { householdId: 'g0003h001', gridId: 'g0003', note: '走访', issues: [] } }, /grid g0003 is not in t01/],
    ];
    for (const [what, e, detail] of refused) {
      const v = judge(e as { actor: string });
      expect(v, what).toMatchObject({ ok: false, code: 'invalid_event' });
      if (!v.ok) expect(v.detail, what).toMatch(detail);
    }
    expect(Y.encodeStateVector(party), 'nothing of a refused update is applied').toEqual(before);
    // The same events naming the doc's own town pass.
    expect(judge(need('town01', 't01v01', { gridId: 'g0001', visitId: freshId() }))).toMatchObject({ ok: true });
    expect(judge(decline('town01', 't01v01', 'g0001'))).toMatchObject({ ok: true });
    expect(judge(saved('t01v02', 'g0002', [contact('g0002')]))).toMatchObject({ ok: true });
    // In t02's own party doc, t02's center publishes for t02v01.
    const t02 = inspectUpdate(new Y.Doc(), Y.decodeUpdate(push(new Y.Doc(), need('town02', 't02v01', { gridId: 'g0003', visitId: freshId() }))), { kind: 'party', townId: 't02' }, user('town02'), 'write', { org: IDX });
    expect(t02).toMatchObject({ ok: true });
  });

  it('the relay’s own client id belongs to the relay: a device may not write with it', () => {
    const server = new Y.Doc();
    const dev = new Y.Doc();
    dev.clientID = RELAY_CLIENT;
    dev.getArray(EVENTS_ARRAY).push([ev('reported', 'w0001', 0)]);
    expectRefused(judged(server, diff(dev, server), 'w0001'), 'foreign_client');
  });
});

describe('inspectUpdate: reference changes in the org doc (issue 15)', () => {
  const append = (server: Y.Doc, ...changes: unknown[]) => {
    const dev = device(server);
    dev.getArray(CHANGES_ARRAY).push(changes);
    return diff(dev, server);
  };
  const accepted = (server: Y.Doc, ...changes: unknown[]) => {
    const u = append(server, ...changes);
    expect(inspect(server, u, ORG_KIND, 'admin')).toMatchObject({ ok: true });
    Y.applyUpdate(server, u);
  };
  const newGrid = (villageId: string, townId = 't01', id = 'g0009') => refChange('grid.set', { id, villageId, townId, name: '新网格', workerId: '', center: [122, 41] });

  it('each refusal: invalid, forged, not an admin, bad references, a clock ahead', () => {
    const server = orgDoc();
    expectRefused(inspect(server, append(server, { id: 'x', type: 'town.set' }), ORG_KIND, 'admin'), 'invalid_event');
    expectRefused(inspect(server, append(server, refChange('plan.set', { ...ORG.plans[0]!, dueHours: 0 })), ORG_KIND, 'admin'), 'invalid_event', /dueHours/);
    expectRefused(inspect(server, append(server, refChange('town.set', { id: 't03', name: '新镇', nameEn: '', center: [122, 41] }, 'county')), ORG_KIND, 'admin'), 'forged_actor');
    // Only admins get write access to the org doc (docs.ts); a non-admin granted it by mistake is still refused.
    expectRefused(inspect(server, append(server, refChange('town.set', { id: 't03', name: '新镇', nameEn: '', center: [122, 41] }, 'county')), ORG_KIND, 'county'), 'role_not_allowed');
    expectRefused(inspect(server, append(server, newGrid('t09v01', 't09')), ORG_KIND, 'admin'), 'bad_reference', /unknown village/);
    // One good change and one bad in the same update: the whole update is refused.
    expectRefused(inspect(server, append(server, refChange('town.set', { id: 't03', name: '新镇', nameEn: '', center: [122, 41] }), newGrid('t01v01', 't02')), ORG_KIND, 'admin'), 'bad_reference');
    const future = { ...refChange('town.set', { id: 't03', name: '新镇', nameEn: '', center: [122, 41] }), at: formatHlc({ ms: Date.now() + 3_600_000, counter: 0, node: 'adm' }) };
    expectRefused(inspect(server, append(server, future), ORG_KIND, 'admin'), 'clock_ahead');
  });

  it('a retired village is used by no new grid; an earlier-stamped change may not undo an accepted one', () => {
    const server = orgDoc();
    accepted(server, refChange('grid.set', { ...ORG.grids[2]!, retired: true }), refChange('village.set', { ...ORG.villages[2]!, retired: true }));
    expectRefused(inspect(server, append(server, newGrid('t02v01', 't02')), ORG_KIND, 'admin'), 'bad_reference', /retired/);
    // An offline admin retired the village at a time between its creation and the grid's (both accepted since):
    // folded in HLC order, the grid would stop applying.
    const village = refChange('village.set', { id: 't01v09', townId: 't01', name: '新村', kind: 'village' });
    const between = stamp();
    accepted(server, village, newGrid('t01v09', 't01', 'g0010'));
    const retireEarly = { ...refChange('village.set', { id: 't01v09', townId: 't01', name: '新村', kind: 'village', retired: true }), at: between };
    expectRefused(inspect(server, append(server, retireEarly), ORG_KIND, 'admin'), 'bad_reference');
    expect(readOrg(server).grids.some((g) => g.id === 'g0010')).toBe(true);
  });
});

describe('inspectUpdate: returning history after a restore, by signed receipts (issue 16)', () => {
  const signer = receiptSigner(new TextEncoder().encode('county secret'));
  const OLD_RELAY = 7;
  const NOW = T0 + 86_400_000;

  /**
   * The restored relay holds the backup (empty); a device holds what the old relay accepted after it: w0001's report
   * and the receipt the old relay wrote for it under its (now retired) client id. `tamper` changes the device's copy.
   */
  function returning(tamper: { receipt?: (r: Receipt) => Receipt; event?: (e: CaseEvent) => CaseEvent } = {}, opts: { unsignedReturns?: boolean } = {}): Verdict {
    const server = new Y.Doc();
    const e = report();
    const dev = device(server);
    dev.getArray(EVENTS_ARRAY).push([tamper.event ? tamper.event(e) : e]);
    const signed = signer.sign(makeReceipt(e, IDX, T0 + 60_000), e);
    Y.applyUpdate(dev, encodeAppend(dev, OLD_RELAY, RECEIPTS_ARRAY, [tamper.receipt ? tamper.receipt(signed) : signed]));
    const v = inspectUpdate(server, Y.decodeUpdate(diff(dev, server)), CASES_T01, user('w0001'), 'write', {
      nowMs: NOW,
      org: IDX,
      relayClient: RELAY_CLIENT,
      retiredClients: new Set([OLD_RELAY]),
      returning: true,
      receipts: signer,
      ...opts,
    });
    if (!v.ok) seen.add(v.code);
    return v;
  }

  it('takes back an event with the receipt the old relay signed for it', () => {
    const v = returning();
    expect(v).toMatchObject({ ok: true, novel: true });
    expect(v.ok && v.returned?.events.map((e) => e.type)).toEqual(['reported']);
  });

  it('refuses a receipt whose recorded authority was changed after signing', () => {
    expectRefused(returning({ receipt: (r) => ({ ...r, a: 'town:t01' }) }), 'forged_receipt', /signature/);
  });

  it('refuses a real receipt brought back with a different event under the same id', () => {
    expectRefused(returning({ event: (e) => ({ ...e, data: { ...(e.data as object), description: '改过的' } }) as CaseEvent }), 'forged_receipt');
  });

  it('refuses a signature of another key, and an unsigned receipt unless the backup predates signing', () => {
    const other = receiptSigner(new TextEncoder().encode('another county'));
    expectRefused(returning({ receipt: (r) => ({ ...r, s: undefined }) }), 'forged_receipt', /not signed/);
    expect(returning({ receipt: ({ s: _s, ...r }) => r }, { unsignedReturns: true })).toMatchObject({ ok: true });
    const e0 = report();
    expectRefused(returning({ receipt: (r) => other.sign({ ...r, s: undefined }, e0) }), 'forged_receipt');
  });

  it('a signature survives key order: canonical JSON sorts keys at every level', () => {
    const e = report();
    const r = signer.sign(makeReceipt(e, IDX, T0), e);
    const reordered = Object.fromEntries(Object.entries(e).reverse()) as unknown as CaseEvent;
    expect(signer.verify(r, reordered)).toBe(true);
    expect(signer.verify({ ...r, rx: r.rx + 1 }, e)).toBe(false);
  });
});

describe('inspectUpdate: coverage of the refusal codes', () => {
  it('every code the relay can answer was triggered above (a new code needs a test here)', () => {
    expect([...seen].sort()).toEqual([...REFUSAL_CODES].sort());
  });
});
