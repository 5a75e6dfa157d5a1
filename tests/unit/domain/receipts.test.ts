/**
 * History is facts (issue 9 sections 1 and 2): a case folded from its events and their receipts does not change
 * when the county's reference data changes afterwards, and the times a receipt credits follow the documented rule
 * (src/domain/receipts.ts).
 */
import { describe, expect, it } from 'vitest';
import { foldCase } from '../../../src/domain/fold.ts';
import { indexOrg, type OrgData } from '../../../src/domain/org.ts';
import { contextFrom, creditedMs, makeReceipt, parseReceipt, snapshotOrg, type Receipt } from '../../../src/domain/receipts.ts';
import type { CaseEvent } from '../../../src/domain/events.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import { IDX, ORG, T0, ev } from './fixture.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A closed case: reported by w0001, accepted, dispatched to u002 with plan P001, worked, resolved, verified, closed. */
function closedHistory(): CaseEvent[] {
  return [
    ev('reported', 'w0001', 0),
    ev('accepted', 'town01', 5),
    ev('dispatched', 'town01', 10),
    ev('acknowledged', 'unit002', 20),
    ev('checklist', 'unit002', 30),
    ev('resolved', 'unit002', 60),
    ev('verified', 'w0001', 70),
    ev('closed', 'w0001', 80),
  ];
}

/** Receipts as the relay writes them, each event received live at its own time, checked against `org`. */
function receiptsFor(events: readonly CaseEvent[], org = IDX): Map<string, Receipt> {
  return new Map(events.map((e) => [e.id, makeReceipt(e, org, Number(e.at.slice(0, 13)))]));
}

function edited(change: (d: OrgData) => void): ReturnType<typeof indexOrg> {
  const data = structuredClone(ORG);
  change(data);
  return indexOrg(data);
}

const CHANGES: Array<[string, (d: OrgData) => void]> = [
  ['the grid worker moved to another grid', (d) => Object.assign(d.users.find((u) => u.id === 'w0001')!, { gridId: 'g0002', villageId: 't01v02' })],
  ['the unit removed', (d) => (d.units = d.units.filter((u) => u.id !== 'u002'))],
  ['the grid renamed and moved to another village', (d) => Object.assign(d.grids.find((g) => g.id === 'g0001')!, { name: '新名字', villageId: 't01v02' })],
  ['the plan’s deadline changed from 24 to 2 hours, and a step added', (d) => Object.assign(d.plans.find((p) => p.id === 'P001')!, { dueHours: 2, steps: ['a', 'b', 'c', 'd'] })],
  ['the unit user’s role changed', (d) => Object.assign(d.users.find((u) => u.id === 'unit002')!, { role: 'resident' })],
];

describe('a folded past does not depend on today’s reference data', () => {
  const events = closedHistory();
  const receipts = receiptsFor(events);
  const before = foldCase(events, contextFrom(receipts, IDX))!;

  it('the history folds to a closed case with the plan’s deadline and checklist', () => {
    expect(before).toMatchObject({ status: 'closed', unitId: 'u002', dueHours: 24, villageId: 't01v01', checklist: [true, false, false] });
    expect(before.superseded).toEqual([]);
  });

  for (const [name, change] of CHANGES) {
    it(`${name}: every receipted event keeps its effect`, () => {
      const org = edited(change);
      const after = foldCase(events, contextFrom(receipts, org))!;
      expect(after).toEqual(before);
      // Without receipts (the fold against today's org doc, as before receipts existed) the same change does alter
      // the case: the test would catch a fold that ignores the receipts.
      expect(foldCase(events, org)).not.toEqual(before);
    });
  }

  it('only events accepted after the change see it: a new dispatch under the changed plan gets the new deadline', () => {
    const org = edited((d) => Object.assign(d.plans.find((p) => p.id === 'P001')!, { dueHours: 2 }));
    const reopen = ev('reopened', 'town01', 100);
    const again = ev('dispatched', 'town01', 110);
    const all = [...events, reopen, again];
    const rc = receiptsFor(events);
    for (const e of [reopen, again]) rc.set(e.id, makeReceipt(e, org, Number(e.at.slice(0, 13))));
    expect(foldCase(all, contextFrom(rc, org))).toMatchObject({ status: 'dispatched', dueHours: 2, dispatchCount: 2 });
  });

  it('an event refused by its references at receipt stays refused when the reference appears later', () => {
    const noUnit = edited((d) => (d.units = d.units.filter((u) => u.id !== 'u002')));
    const evs = closedHistory().slice(0, 3);
    const rc = receiptsFor(evs.slice(0, 2));
    rc.set(evs[2]!.id, makeReceipt(evs[2]!, noUnit, Number(evs[2]!.at.slice(0, 13))));
    const s = foldCase(evs, contextFrom(rc, IDX))!;
    expect(s.status).toBe('accepted');
    expect(s.superseded).toMatchObject([{ type: 'dispatched', reason: 'unknown_unit' }]);
  });

  it('an event without a receipt yet is folded against the device’s org doc (provisional)', () => {
    const rc = receiptsFor(events.slice(0, -1));
    const moved = edited((d) => Object.assign(d.users.find((u) => u.id === 'w0001')!, { gridId: 'g0002' }));
    // The closing worker's receipt is missing: today's org says w0001 works elsewhere, so the close is out of scope.
    expect(foldCase(events, contextFrom(rc, moved))).toMatchObject({ status: 'verified' });
  });
});

describe('receipts: format', () => {
  it('a receipt parses back, and a malformed one is refused', () => {
    const e = ev('dispatched', 'town01', 10);
    const r = makeReceipt(e, IDX, T0 + 11 * 60_000, T0);
    expect(r).toEqual({ e: e.id, rx: T0 + 11 * 60_000, f: T0, a: 'town:t01', x: { ut: 't01', pc: '0604', pd: 24, pk: 3, pv: 1 } });
    expect(parseReceipt(JSON.parse(JSON.stringify(r)))).toEqual(r);
    expect(parseReceipt({ ...r, a: 'town:t01:extra' })).toBeNull();
    expect(parseReceipt({ ...r, rx: -1 })).toBeNull();
    expect(parseReceipt({ ...r, extra: 1 })).toBeNull();
    for (const bad of [null, [], 'x', { ...r, x: { n: 'bogus' } }, { ...r, x: { pd: 0 } }, { ...r, x: { v: 'a b' } }, { ...r, x: [] }, { ...r, l: 2 }, { ...r, rx: 1.5 }, { ...r, e: 'short' }]) {
      expect(parseReceipt(bad), JSON.stringify(bad)).toBeNull();
    }
    expect(parseReceipt({ e: e.id, rx: 1, a: 'admin' })).toEqual({ e: e.id, rx: 1, a: 'admin' });
  });

  it('the snapshot answers only for what the event names', () => {
    const e = ev('reported', 'w0001', 0);
    const snap = snapshotOrg(e, makeReceipt(e, IDX, T0));
    expect(snap.user('w0001')).toMatchObject({ role: 'worker', gridId: 'g0001' });
    expect(snap.user('w0002')).toBeUndefined();
    expect(snap.grid('g0001')).toMatchObject({ townId: 't01', villageId: 't01v01' });
    expect(snap.grid('g0002')).toBeUndefined();
  });
});

describe('credited time (clocks are untrusted)', () => {
  const at = (ms: number) => formatHlc({ ms, counter: 0, node: 'dev' });

  it('live: the receipt time, whatever the device claims', () => {
    expect(creditedMs(at(T0 - 7 * DAY), T0, undefined)).toBe(T0);
    expect(creditedMs(at(T0 + 4 * 60_000), T0, undefined)).toBe(T0);
  });

  it('after a week offline: the author’s own time, since the device was last in contact before it', () => {
    const lastContact = T0 - 7 * DAY;
    expect(creditedMs(at(T0 - 6 * DAY), T0, lastContact)).toBe(T0 - 6 * DAY);
  });

  it('a clock set back a week: never before the device’s last contact, never after the receipt', () => {
    const lastContact = T0 - HOUR;
    expect(creditedMs(at(T0 - 7 * DAY), T0, lastContact)).toBe(lastContact);
    expect(creditedMs(at(T0 + DAY), T0, lastContact)).toBe(T0);
  });

  it('the clocks a person must answer start at receipts; the answers count at credited times', () => {
    const events = closedHistory();
    const rc = receiptsFor(events);
    // The dispatch reached the relay 3 hours after its author stamped it (the dispatcher was offline).
    const d = events[2]!;
    rc.set(d.id, { ...rc.get(d.id)!, rx: T0 + 3 * HOUR, f: T0 });
    // The resolve came in live 2 days late, from a unit whose clock was set back to just after the dispatch.
    const r = events[5]!;
    rc.set(r.id, { ...rc.get(r.id)!, rx: T0 + 2 * DAY });
    delete rc.get(r.id)!.f;
    const s = foldCase(events, contextFrom(rc, IDX))!;
    expect(s.dispatchedMs).toBe(T0 + 3 * HOUR);
    expect(s.resolvedMs).toBe(T0 + 2 * DAY);
  });
});
