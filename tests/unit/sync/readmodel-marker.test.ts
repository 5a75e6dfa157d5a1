/**
 * The read model's freshness marker (src/sync/engine.ts `makeMarker` / `sameMarker`): the rows of a doc were
 * folded from the doc, the org doc and the acknowledged state vector, so a change of ANY of the three since the
 * last session means the rows may be wrong, and the doc is refolded when it opens. These tests change the org or
 * the acknowledgement state between two sessions on one device while the cases doc stays the same. The org doc
 * counts only while some event has no receipt yet (src/domain/receipts.ts): receipted history does not depend on it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { CaseRow } from '../../../src/app/services.ts';
import type { UserInfo } from '../../../src/domain/org.ts';
import { setMeta } from '../../../src/storage/meta.ts';
import { toRecord, toRow } from '../../../src/storage/readmodel.ts';
import { META, UserDb, userDbName } from '../../../src/storage/schema.ts';
import type { EngineOptions, SyncEngine } from '../../../src/sync/engine.ts';
import { writeOrg } from '../../../src/protocol/orgdoc.ts';
import type { CaseEvent } from '../../../src/domain/events.ts';
import { hlcMs } from '../../../src/domain/hlc.ts';
import { makeReceipt } from '../../../src/domain/receipts.ts';
import { EVENTS_ARRAY, RECEIPTS_ARRAY } from '../../../src/protocol/wire.ts';
import { DOC_T01, ORG, ORG_INDEX, USERS, eventsUpdate, expectedStates, freshNs, generateCases, testEngine } from './fixtures.ts';
import { seedLocalDoc } from './loopback.ts';

const running: SyncEngine[] = [];
afterEach(async () => {
  for (const e of running.splice(0)) await e.stop();
});

/** Offline by default: these tests open and reopen engines on one device. */
const engine = (user: UserInfo, ns: string, over: Partial<EngineOptions> = {}): SyncEngine => testEngine(running, user, ns, { online: () => false, ...over });

async function stop(e: SyncEngine): Promise<void> {
  await e.stop();
  running.splice(running.indexOf(e), 1);
}

/** Calls of `replaceDoc` (a full refold of a doc) on this engine. */
function refolds(e: SyncEngine): string[] {
  const calls: string[] = [];
  const orig = e.readModel.replaceDoc.bind(e.readModel);
  e.readModel.replaceDoc = (doc, rows, marker) => (calls.push(doc), orig(doc, rows, marker));
  return calls;
}

const rows = (e: SyncEngine): Promise<CaseRow[]> => e.queryCases({}, 0, 100_000);

function expectedRows(events: CaseEvent[], user: UserInfo): CaseRow[] {
  return [...expectedStates(events, user).values()]
    .map((s) => toRow(toRecord(s, DOC_T01, false)))
    .sort((a, b) => b.reportedMs - a.reportedMs || (a.id < b.id ? 1 : -1));
}

describe('read model marker: a doc is refolded when what its rows were folded from changed', () => {
  it('the org doc changed between two sessions (same cases doc): the next start refolds, and rows appear', async () => {
    const ns = freshNs('mo');
    const events = generateCases(40, 17);
    // The device's org copy lacks one subcategory: the reports filed under it fold to nothing (unknown_category).
    const missing = '0302';
    expect(events.some((e) => e.type === 'reported' && e.data.category === missing)).toBe(true);
    const org = new Y.Doc();
    writeOrg(org, { ...ORG, subcategories: ORG.subcategories.filter((s) => s.code !== missing) });
    const before = Y.encodeStateVector(org);
    await seedLocalDoc(ns, 'town01', 'org', Y.encodeStateAsUpdate(org));
    await seedLocalDoc(ns, 'town01', DOC_T01, eventsUpdate(events));

    const first = engine(USERS.town01!, ns);
    await first.start();
    const firstRows = await rows(first);
    expect(firstRows.some((r) => r.category === missing)).toBe(false);
    expect(firstRows.length).toBeLessThan(expectedRows(events, USERS.town01!).length);
    await stop(first);

    // The admin's change reached this device's org store, but not its read model (e.g. the tab closed before the
    // coalesced org refold ran, or another tab synced the org doc): only the org doc differs now.
    writeOrg(org, { subcategories: ORG.subcategories.filter((s) => s.code === missing) });
    await seedLocalDoc(ns, 'town01', 'org', Y.encodeStateAsUpdate(org, before));

    const second = engine(USERS.town01!, ns);
    const calls = refolds(second);
    await second.start();
    expect(await rows(second)).toEqual(expectedRows(events, USERS.town01!));
    expect(calls).toEqual([DOC_T01]);
  });

  it('the acknowledged state changed between two sessions (same cases doc): the next start clears the pending flags', async () => {
    const ns = freshNs('ma');
    await seedLocalDoc(ns, 'w0001', 'org', (() => {
      const d = new Y.Doc();
      writeOrg(d, ORG);
      return Y.encodeStateAsUpdate(d);
    })());
    const first = engine(USERS.w0001!, ns);
    await first.start();
    const r = await first.report({ category: '0301', description: '井盖缺失', location: { lat: 41.1, lng: 122.0 }, gridId: 'g0001' });
    if (!r.ok) throw new Error(r.error);
    await first.settled();
    expect(first.status.value.unsaved).toBe(1);
    expect((await rows(first)).map((x) => [x.id, x.pending])).toEqual([[r.event.caseId, true]]);
    const sv = Y.encodeStateVector(first.docs().get(DOC_T01)!);
    await stop(first);

    // The relay's ACK of that report was stored (docsync.ts `ack`), and the tab closed before the rows were
    // rewritten: the cases doc is unchanged, only the acknowledged state vector moved.
    const db = new UserDb(userDbName(ns, 'w0001'));
    await setMeta(db, META.acked(DOC_T01), sv);
    db.close();

    const second = engine(USERS.w0001!, ns);
    const calls = refolds(second);
    await second.start();
    expect(second.status.value.unsaved).toBe(0);
    expect((await rows(second)).map((x) => [x.id, x.pending])).toEqual([[r.event.caseId, undefined]]);
    expect(calls).toEqual([DOC_T01]);
  });

  it('nothing changed: the next start refolds nothing (the marker is not simply ignored)', async () => {
    const ns = freshNs('mn');
    const events = generateCases(20, 18);
    const org = new Y.Doc();
    writeOrg(org, ORG);
    await seedLocalDoc(ns, 'town01', 'org', Y.encodeStateAsUpdate(org));
    await seedLocalDoc(ns, 'town01', DOC_T01, eventsUpdate(events));
    const first = engine(USERS.town01!, ns);
    await first.start();
    await stop(first);
    const second = engine(USERS.town01!, ns);
    const calls = refolds(second);
    await second.start();
    expect(calls).toEqual([]);
    expect(await rows(second)).toEqual(expectedRows(events, USERS.town01!));
  });

  it('every event receipted: a change of the org doc neither refolds the doc nor changes a row, between sessions or during one', async () => {
    const ns = freshNs('mr');
    const events = generateCases(40, 18);
    const cases = new Y.Doc();
    cases.getArray(EVENTS_ARRAY).push(events);
    cases.getArray(RECEIPTS_ARRAY).push(events.map((e) => makeReceipt(e, ORG_INDEX, hlcMs(e.at))));
    const org = new Y.Doc();
    writeOrg(org, ORG);
    await seedLocalDoc(ns, 'town01', 'org', Y.encodeStateAsUpdate(org));
    await seedLocalDoc(ns, 'town01', DOC_T01, Y.encodeStateAsUpdate(cases));

    const first = engine(USERS.town01!, ns);
    await first.start();
    const before = await rows(first);
    expect(before).toEqual(expectedRows(events, USERS.town01!));
    // During the session: the units these cases were dispatched to disappear from the org doc.
    const units = new Set(events.flatMap((e) => (e.type === 'dispatched' ? [e.data.unitId] : [])));
    expect(units.size).toBeGreaterThan(0);
    const sv = Y.encodeStateVector(org);
    for (const u of units) org.getMap('units').delete(u);
    Y.applyUpdate(first.docs().get('org')!, Y.encodeStateAsUpdate(org, sv), 'remote');
    await first.settled();
    expect(await rows(first)).toEqual(before);
    await stop(first);

    // Between sessions: the doc is not refolded at all.
    const second = engine(USERS.town01!, ns);
    const calls = refolds(second);
    await second.start();
    expect(calls).toEqual([]);
    expect(await rows(second)).toEqual(before);
  });
});
