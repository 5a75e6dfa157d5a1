/**
 * Issue 16 section 5: which cases a first sign-in gets first, the reference subset, and how a doc's index folds the
 * head start next to the doc's own events (src/domain/starter.ts, src/protocol/caseindex.ts).
 */
import { describe, expect, it } from 'vitest';
import type { CaseEvent } from '../../../src/domain/events.ts';
import type { OrgData, UserInfo } from '../../../src/domain/org.ts';
import { getsStarter, inStarter, parseStarter, starterOrg } from '../../../src/domain/starter.ts';
import { CaseIndex } from '../../../src/protocol/caseindex.ts';

const worker: UserInfo = { id: 'w0001', username: 'w0001', name: '网格员一', role: 'worker', townId: 't01', villageId: 't01v01', gridId: 'g0001' };
const town: UserInfo = { id: 'town01', username: 'town01', name: '一镇中心', role: 'town', townId: 't01' };

describe('inStarter', () => {
  it('takes the open cases of the worker grid and their own open reports, nothing final, nobody else', () => {
    expect(inStarter(worker, { status: 'resolved', gridId: 'g0001', reporter: 'resident01' })).toBe(true);
    expect(inStarter(worker, { status: 'reported', gridId: 'g0002', reporter: 'w0001' })).toBe(true);
    expect(inStarter(worker, { status: 'closed', gridId: 'g0001', reporter: 'w0001' })).toBe(false);
    expect(inStarter(worker, { status: 'withdrawn', gridId: 'g0001', reporter: 'w0001' })).toBe(false);
    expect(inStarter(worker, { status: 'reported', gridId: 'g0002', reporter: 'w0002' })).toBe(false);
    expect(inStarter(town, { status: 'reported', gridId: 'g0001', reporter: 'w0001' })).toBe(false);
    expect(getsStarter(worker)).toBe(true);
    expect(getsStarter(town)).toBe(false);
  });
});

describe('starterOrg', () => {
  const org: OrgData = {
    towns: [{ id: 't01' }, { id: 't02' }] as OrgData['towns'],
    villages: [{ id: 't01v01', townId: 't01' }, { id: 't02v01', townId: 't02' }] as OrgData['villages'],
    grids: [{ id: 'g0001', townId: 't01' }, { id: 'g0002', townId: 't02' }] as OrgData['grids'],
    categories: [{ code: '01' }] as OrgData['categories'],
    subcategories: [{ code: '0101' }] as OrgData['subcategories'],
    plans: [{ id: 'P001', unitIds: ['u001'] }, { id: 'P002', unitIds: ['u002'] }] as OrgData['plans'],
    units: [{ id: 'u001' }, { id: 'u002' }, { id: 'u003' }] as OrgData['units'],
    users: [worker, town, { id: 'x', username: 'x', name: 'x', role: 'county' }],
  };
  it('is the town of the worker, every category, and what the events name', () => {
    const events = [{ actor: 'town01', data: { unitId: 'u003', planId: 'P001' } }] as unknown as CaseEvent[];
    const o = starterOrg(org, worker, events);
    const ids = (l: Array<{ id?: string; code?: string }> | undefined) => (l ?? []).map((x) => x.id ?? x.code);
    expect(ids(o.towns)).toEqual(['t01', 't02']);
    expect(ids(o.villages)).toEqual(['t01v01']);
    expect(ids(o.grids)).toEqual(['g0001']);
    expect(ids(o.subcategories)).toEqual(['0101']);
    expect(ids(o.plans)).toEqual(['P001']);
    expect(ids(o.units)).toEqual(['u001', 'u003']);
    expect(ids(o.users)).toEqual(['w0001', 'town01']);
  });
  it('parses only what has the shape', () => {
    expect(parseStarter({ docs: [{ name: 'cases.t01.2026', events: [], receipts: [] }], org: { grids: [{ id: 'g0001' }, 3] } })).toEqual({
      docs: [{ name: 'cases.t01.2026', events: [], receipts: [] }],
      org: { grids: [{ id: 'g0001' }] },
    });
    expect(parseStarter({ docs: [{ name: 1 }], org: {} })).toBeNull();
    expect(parseStarter(null)).toBeNull();
  });
});

describe('CaseIndex with a head start', () => {
  const ev = (id: string, caseId: string, type = 'accepted') =>
    ({ id: id.padEnd(26, '0'), caseId: caseId.padEnd(26, '0'), type, actor: 'town01', at: `0001700000000:0000:${id}`, data: { note: 'x' } }) as unknown as CaseEvent;
  it('folds the doc events plus the starter ones the doc does not hold yet, and exactly the doc once dropped', () => {
    const a1 = ev('01A1', '01A');
    const a2 = ev('01A2', '01A');
    const b1 = ev('01B1', '01B');
    const idx = CaseIndex.build([a1]);
    expect(idx.setStarter([a1, a2, b1, { junk: true }]).sort()).toEqual([a1.caseId, b1.caseId]);
    expect(idx.corrupt).toBe(1);
    expect(idx.eventsOf(a1.caseId)!.map((e) => e.id)).toEqual([a1.id, a2.id]);
    expect(idx.eventsOf(b1.caseId)!.map((e) => e.id)).toEqual([b1.id]);
    expect(idx.caseIds().sort()).toEqual([a1.caseId, b1.caseId]);
    expect(idx.eventCount).toBe(1);
    // The doc's copy arrives: nothing twice.
    idx.add(a2);
    expect(idx.eventsOf(a1.caseId)!.map((e) => e.id)).toEqual([a1.id, a2.id]);
    // A rebuilt index keeps it until the doc has synced.
    const rebuilt = CaseIndex.build([a1, a2]).keepStarter(idx);
    expect(rebuilt.eventsOf(b1.caseId)).toHaveLength(1);
    expect(idx.setStarter(null).sort()).toEqual([a1.caseId, b1.caseId]);
    expect(idx.hasStarter).toBe(false);
    expect(idx.eventsOf(b1.caseId)).toBeUndefined();
    expect(idx.eventsOf(a1.caseId)).toBe(idx.byCase.get(a1.caseId));
  });
});
