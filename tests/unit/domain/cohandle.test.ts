// 主办 / 协办 (issue 17): a dispatch names a lead unit and helping units; helpers record their part and confirm it, or
// the center releases them; the lead resolves only when no helper is pending; the 考核 credits each. Roles, scope,
// state, offline races (who wins, what the loser sees), receipts (history is facts) and the figures.
import { describe, expect, it } from 'vitest';
import { assess, scopeStats } from '../../../src/domain/assessment.ts';
import { decide, type Command } from '../../../src/domain/commands.ts';
import { MAX_HELPERS, type CaseEvent, type EventData, type EventType } from '../../../src/domain/events.ts';
import { foldCase } from '../../../src/domain/fold.ts';
import { inboxCaseOf, inboxItems } from '../../../src/domain/inbox.ts';
import { indexOrg, type OrgData } from '../../../src/domain/org.ts';
import { assistTags, awaitingAssist, boardQueuesOf, pendingHelpers, queueTags } from '../../../src/domain/queues.ts';
import { contextFrom, makeReceipt, parseReceipt, type Receipt } from '../../../src/domain/receipts.ts';
import { allowedActions, seesCase, step, type CaseState } from '../../../src/domain/workflow.ts';
import { townUnit, unitUser } from '../../support/county.ts';
import { CASE_ID, ev, freshId, ORG, T0 } from './fixture.ts';

// The fixture county plus a second unit of town t01 (u004, user unit004). u001 is county-level (serves every town),
// u002 the lead (town t01), u003 a unit of town t02 (cannot help on a t01 case).
const DATA_: OrgData = { ...ORG, units: [...ORG.units, townUnit('u004', '太平街道市场监管所', 't01', ['06'])], users: [...ORG.users, unitUser('u004', '钱进', 't01')] };
const IDX = indexOrg(DATA_);
const u = (id: string) => IDX.user(id)!;

const DISPATCH_ID = '01JX00000000000000000000D1';
const dispatch = (minute: number, data: Partial<EventData['dispatched']> = {}, id = DISPATCH_ID) =>
  ev('dispatched', 'town01', minute, { id, data: { unitId: 'u002', dueHours: 24, helperUnitIds: ['u001', 'u004'], ...data } });
const base = (d = dispatch(2)): CaseEvent[] => [ev('reported', 'w0001', 0), ev('accepted', 'town01', 1), d];
const part = (actor: string, minute: number, dispatchId = DISPATCH_ID, node = 'n1') =>
  ev('assist_recorded', actor, minute, { data: { dispatchId, note: `${actor} 已配合排查` }, node });
const confirm = (actor: string, minute: number, dispatchId = DISPATCH_ID, node = 'n1') => ev('assist_confirmed', actor, minute, { data: { dispatchId }, node });
const release = (unitId: string, minute: number, by = 'town01', dispatchId = DISPATCH_ID, node = 'n1') =>
  ev('assist_released', by, minute, { data: { dispatchId, unitId, reason: '经核实无需该单位协办' }, node });

const fold = (events: CaseEvent[]) => foldCase(events, IDX)!;
const helperStates = (s: CaseState) => Object.fromEntries((s.helpers ?? []).map((h) => [h.unitId, h.status]));
const entry = (s: CaseState, e: CaseEvent) => s.timeline.find((t) => t.event.id === e.id)!;

function act(state: CaseState | null, actor: string, command: Command, minute: number) {
  const ms = T0 + minute * 60_000;
  return decide(state, command, { actor: u(actor), org: IDX, at: `${ms}:0000:dev`, eventId: freshId(ms), caseId: CASE_ID });
}

describe('dispatch naming helping units', () => {
  it('records the lead and each helper (协办中), and the dispatch in force', () => {
    const s = fold(base());
    expect(s.status).toBe('dispatched');
    expect(s.unitId).toBe('u002');
    expect(s.dispatchId).toBe(DISPATCH_ID);
    expect(helperStates(s)).toEqual({ u001: 'assisting', u004: 'assisting' });
    expect(assistTags(s)).toEqual(['assist:u001', 'assist:u004']);
  });

  it('refuses a helper that is the lead, unknown, retired, or of another town; the schema refuses repeats and too many', () => {
    const accepted = fold(base().slice(0, 2));
    const tryHelpers = (helperUnitIds: string[]) => act(accepted, 'town01', { type: 'dispatch', unitId: 'u002', helperUnitIds }, 2);
    expect(tryHelpers(['u002'])).toMatchObject({ ok: false, error: 'not_helper' });
    expect(tryHelpers(['u999'])).toMatchObject({ ok: false, error: 'unknown_unit' });
    expect(tryHelpers(['u003'])).toMatchObject({ ok: false, error: 'out_of_scope' });
    expect(tryHelpers(['u001', 'u001'])).toMatchObject({ ok: false, error: 'bad_request' });
    expect(tryHelpers([])).toMatchObject({ ok: false, error: 'bad_request' });
    expect(tryHelpers(Array.from({ length: MAX_HELPERS + 1 }, (_, i) => `u10${i}`))).toMatchObject({ ok: false, error: 'bad_request' });
    const retired = indexOrg({ ...DATA_, units: DATA_.units.map((x) => (x.id === 'u004' ? { ...x, retired: true } : x)) });
    const d = decide(accepted, { type: 'dispatch', unitId: 'u002', helperUnitIds: ['u004'] }, { actor: u('town01'), org: retired, at: `${T0 + 120_000}:0000:dev`, eventId: freshId(), caseId: CASE_ID });
    expect(d).toMatchObject({ ok: false, error: 'unknown_unit' });
    expect(tryHelpers(['u001', 'u004'])).toMatchObject({ ok: true });
  });

  it('a dispatch without helpers has none, and a later dispatch names its own', () => {
    const s = fold([...base(), ev('returned', 'unit002', 3), dispatch(4, { helperUnitIds: undefined }, freshId())]);
    expect(s.helpers).toBeUndefined();
    const t = fold([...base(), ev('returned', 'unit002', 3), dispatch(4, { unitId: 'u004', helperUnitIds: ['u002'] }, '01JX00000000000000000000D2')]);
    expect(t.dispatchId).toBe('01JX00000000000000000000D2');
    expect(helperStates(t)).toEqual({ u002: 'assisting' });
  });
});

describe('helpers record and confirm; the lead resolves when none is pending', () => {
  it('the whole path: both helpers confirm, then the lead resolves and the worker verifies', () => {
    let s = fold(base());
    // The lead may not resolve yet: the app offers no resolve and refuses the command.
    expect(allowedActions(s, u('unit002'), IDX)).not.toContain('resolved');
    expect(act(s, 'unit002', { type: 'resolve', note: '已修复' }, 3)).toMatchObject({ ok: false, error: 'helpers_pending' });
    // A helper is offered its part, not the lead's actions.
    expect(allowedActions(s, u('unit004'), IDX)).toEqual(['assist_recorded']);
    let m = 3;
    for (const helper of ['unit001', 'unit004']) {
      const rec = act(s, helper, { type: 'record_assist', dispatchId: s.dispatchId!, note: '已派人配合现场处置', photos: [{ full: 'a'.repeat(64), thumb: 'b'.repeat(64) }] }, m++);
      expect(rec.ok).toBe(true);
      s = rec.ok ? rec.state : s;
      expect(allowedActions(s, u(helper), IDX)).toEqual(['assist_recorded', 'assist_confirmed']);
      const conf = act(s, helper, { type: 'confirm_assist', dispatchId: s.dispatchId!, note: '本单位协办完成' }, m++);
      expect(conf.ok).toBe(true);
      s = conf.ok ? conf.state : s;
      expect(allowedActions(s, u(helper), IDX)).toEqual([]);
    }
    expect(helperStates(s)).toEqual({ u001: 'confirmed', u004: 'confirmed' });
    const h4 = s.helpers!.find((h) => h.unitId === 'u004')!;
    expect(h4).toMatchObject({ confirmedBy: 'unit004', confirmNote: '本单位协办完成', parts: [{ note: '已派人配合现场处置', by: 'unit004', photos: [{ full: 'a'.repeat(64), thumb: 'b'.repeat(64) }] }] });
    expect(allowedActions(s, u('unit002'), IDX)).toContain('resolved');
    const res = act(s, 'unit002', { type: 'resolve', note: '已修复' }, m++);
    expect(res.ok).toBe(true);
    const ver = act(res.ok ? res.state : s, 'w0001', { type: 'verify' }, m);
    expect(ver).toMatchObject({ ok: true, state: { status: 'verified' } });
  });

  it('one confirms, the center releases the other, then the lead resolves', () => {
    const s = fold([...base(), part('unit001', 3), confirm('unit001', 4), release('u004', 5), ev('resolved', 'unit002', 6)]);
    expect(s.status).toBe('resolved');
    expect(helperStates(s)).toEqual({ u001: 'confirmed', u004: 'released' });
    expect(s.helpers!.find((h) => h.unitId === 'u004')).toMatchObject({ releasedBy: 'town01', releaseReason: '经核实无需该单位协办' });
    expect(s.superseded).toEqual([]);
  });

  it('a resolve while a helper is pending has no effect in the fold (a forged client), listed as superseded', () => {
    const forged = ev('resolved', 'unit002', 5);
    const s = fold([...base(), part('unit001', 3), confirm('unit001', 4), forged]);
    expect(s.status).toBe('dispatched');
    expect(entry(s, forged)).toMatchObject({ applied: false, reason: 'helpers_pending' });
    expect(s.superseded.map((x) => x.reason)).toEqual(['helpers_pending']);
  });

  it('a confirmation needs a recorded part, and comes once', () => {
    const s = fold(base());
    expect(act(s, 'unit004', { type: 'confirm_assist', dispatchId: DISPATCH_ID }, 3)).toMatchObject({ ok: false, error: 'no_part_recorded' });
    const done = fold([...base(), part('unit004', 3), confirm('unit004', 4)]);
    expect(act(done, 'unit004', { type: 'confirm_assist', dispatchId: DISPATCH_ID }, 5)).toMatchObject({ ok: false, error: 'helper_done' });
    expect(act(done, 'unit004', { type: 'record_assist', dispatchId: DISPATCH_ID, note: '补充' }, 5)).toMatchObject({ ok: false, error: 'helper_done' });
    expect(act(done, 'town01', { type: 'release_assist', dispatchId: DISPATCH_ID, unitId: 'u004', reason: '无需' }, 5)).toMatchObject({ ok: false, error: 'helper_done' });
  });
});

describe('who may do what (authority when the event is made)', () => {
  const s = fold([...base(), part('unit004', 3)]);
  const cmd = {
    record: { type: 'record_assist', dispatchId: DISPATCH_ID, note: '配合' },
    confirm: { type: 'confirm_assist', dispatchId: DISPATCH_ID },
    release: { type: 'release_assist', dispatchId: DISPATCH_ID, unitId: 'u004', reason: '无需' },
  } as const satisfies Record<string, Command>;

  it('only a unit the dispatch names as helper records or confirms: not the lead, not another unit', () => {
    expect(act(s, 'unit002', cmd.record, 4)).toMatchObject({ ok: false, error: 'out_of_scope' });
    expect(act(s, 'unit003', cmd.confirm, 4)).toMatchObject({ ok: false, error: 'out_of_scope' });
    expect(act(s, 'w0001', cmd.record, 4)).toMatchObject({ ok: false, error: 'role_not_allowed' });
    expect(act(s, 'town01', cmd.confirm, 4)).toMatchObject({ ok: false, error: 'role_not_allowed' });
  });

  it('a helper has none of the lead powers', () => {
    for (const c of [{ type: 'resolve', note: '已修复' }, { type: 'acknowledge' }, { type: 'start' }, { type: 'return', reason: '不归我' }] as Command[]) {
      expect(act(s, 'unit004', c, 4), c.type).toMatchObject({ ok: false, error: 'out_of_scope' });
    }
  });

  it('only the center releases: not a worker, not a unit, not another town', () => {
    expect(act(s, 'w0001', cmd.release, 4)).toMatchObject({ ok: false, error: 'role_not_allowed' });
    expect(act(s, 'unit002', cmd.release, 4)).toMatchObject({ ok: false, error: 'role_not_allowed' });
    expect(act(s, 'town02', cmd.release, 4)).toMatchObject({ ok: false, error: 'out_of_scope' });
    expect(act(s, 'town01', cmd.release, 4)).toMatchObject({ ok: true });
    expect(act(s, 'county', cmd.release, 4)).toMatchObject({ ok: true });
    expect(act(s, 'town01', { ...cmd.release, unitId: 'u003' }, 4)).toMatchObject({ ok: false, error: 'not_helper' });
  });

  it("a helper's inbox asks it to help until its part is confirmed; the lead's and another unit's do not", () => {
    const kinds = (state: CaseState, id: string) => inboxItems({ user: u(id), nowMs: T0 + 3_600_000, cases: [inboxCaseOf(state)] }).map((i) => i.kind);
    expect(kinds(s, 'unit004')).toEqual(['assist']);
    expect(kinds(s, 'unit003')).toEqual([]);
    expect(kinds(s, 'unit002')).toEqual(['dispatched']);
    expect(kinds(fold([...base(), part('unit004', 3), confirm('unit004', 4)]), 'unit004')).toEqual([]);
  });

  it('a helper sees the case; a unit that is neither lead nor helper does not', () => {
    expect(seesCase(u('unit004'), s, IDX)).toBe(true);
    expect(seesCase(u('unit001'), s, IDX)).toBe(true);
    expect(seesCase(u('unit002'), s, IDX)).toBe(true);
    expect(seesCase(u('unit003'), s, IDX)).toBe(false);
  });
});

describe('offline races: the earlier stamp wins, on every replica, and the loser is told', () => {
  it('a helper confirming offline before the center released it: the confirmation stands, the release is superseded', () => {
    const c = confirm('unit004', 4, DISPATCH_ID, 'helperPhone');
    const r = release('u004', 5, 'town01', DISPATCH_ID, 'centerPc');
    const events = [...base(), part('unit004', 3, DISPATCH_ID, 'helperPhone'), c, r];
    for (const order of [events, [...events].reverse()]) {
      const s = fold(order);
      expect(helperStates(s).u004).toBe('confirmed');
      expect(s.superseded).toEqual([expect.objectContaining({ eventId: r.id, reason: 'helper_done', actor: 'town01', winner: expect.objectContaining({ eventId: c.id, type: 'assist_confirmed' }) })]);
    }
  });

  it('the center released it first: the late confirmation is superseded, with the release as winner', () => {
    const r = release('u004', 4, 'town01', DISPATCH_ID, 'centerPc');
    const c = confirm('unit004', 5, DISPATCH_ID, 'helperPhone');
    const s = fold([c, ...base(), r, part('unit004', 3, DISPATCH_ID, 'helperPhone')]);
    expect(helperStates(s).u004).toBe('released');
    expect(s.superseded).toEqual([expect.objectContaining({ eventId: c.id, reason: 'helper_done', winner: expect.objectContaining({ eventId: r.id, type: 'assist_released' }) })]);
  });

  it('either way the helper no longer holds the lead back: a resolve stamped after both applies', () => {
    for (const [a, b] of [
      [4, 5],
      [5, 4],
    ] as const) {
      const s = fold([...base(), part('unit004', 3), confirm('unit004', a), release('u004', b), part('unit001', 3), confirm('unit001', 4), ev('resolved', 'unit002', 6)]);
      expect(s.status).toBe('resolved');
    }
  });

  it('a helper working offline while the lead returned the case and the center dispatched it again: its part answers the old dispatch', () => {
    const again = '01JX00000000000000000000D2';
    const p = part('unit004', 5, DISPATCH_ID, 'helperPhone');
    const c = confirm('unit004', 6, DISPATCH_ID, 'helperPhone');
    const s = fold([...base(), ev('returned', 'unit002', 3), dispatch(4, { helperUnitIds: ['u004'] }, again), p, c]);
    expect(s.dispatchId).toBe(again);
    expect(helperStates(s)).toEqual({ u004: 'assisting' });
    expect(entry(s, p)).toMatchObject({ applied: false, reason: 'stale_dispatch' });
    expect(entry(s, c)).toMatchObject({ applied: false, reason: 'stale_dispatch' });
    // Between the return and the new dispatch the case has no unit: a helper's part then meets the wrong state.
    const q = part('unit004', 4, DISPATCH_ID, 'helperPhone');
    const t = fold([...base(), ev('returned', 'unit002', 3), q]);
    expect(entry(t, q)).toMatchObject({ applied: false, reason: 'state_not_allowed' });
    expect(t.superseded[0]).toMatchObject({ eventId: q.id, reason: 'state_not_allowed', winner: { type: 'returned' } });
    expect(t.helpers).toBeUndefined();
  });

  it('the lead cannot resolve before a helper confirmation reached it; once it has, nothing arriving later undoes it', () => {
    // The lead's device without the confirmation: refused there, never saved.
    const leadView = fold([...base(), part('unit004', 3), part('unit001', 3), confirm('unit001', 4)]);
    expect(act(leadView, 'unit002', { type: 'resolve', note: '已修复' }, 6)).toMatchObject({ ok: false, error: 'helpers_pending' });
    // With it: the resolve is made; a release the center made offline, stamped earlier, arrives later and loses.
    const withIt = fold([...base(), part('unit004', 3), part('unit001', 3), confirm('unit001', 4), confirm('unit004', 5)]);
    const res = act(withIt, 'unit002', { type: 'resolve', note: '已修复' }, 7);
    expect(res.ok).toBe(true);
    const late = release('u004', 6);
    const all = fold([...base(), part('unit004', 3), part('unit001', 3), confirm('unit001', 4), confirm('unit004', 5), late, res.ok ? res.event : late]);
    expect(all.status).toBe('resolved');
    expect(all.superseded).toEqual([expect.objectContaining({ eventId: late.id, reason: 'helper_done' })]);
  });
});

describe('receipts: a dispatch naming helpers keeps its meaning when units change', () => {
  const events = [...base(), part('unit004', 3), confirm('unit004', 4), part('unit001', 3), confirm('unit001', 5)];
  const receipts = new Map<string, Receipt>(events.map((e) => [e.id, makeReceipt(e, IDX, Number(e.at.slice(0, 13)))]));

  it("records each helper's town ('' for a county-level unit) and the helper's unit as its authority", () => {
    const d = receipts.get(DISPATCH_ID)!;
    expect(d.x).toEqual({ ut: 't01', ht: ['', 't01'] });
    expect(parseReceipt(JSON.parse(JSON.stringify(d)))).toEqual(d);
    expect(receipts.get(events[3]!.id)!.a).toBe('unit:u004');
  });

  it('the same state after the helper unit is retired and its user moved to another unit', () => {
    const before = foldCase(events, contextFrom(receipts, IDX))!;
    expect(helperStates(before)).toEqual({ u001: 'confirmed', u004: 'confirmed' });
    const changed = indexOrg({
      ...DATA_,
      units: DATA_.units.map((x) => (x.id === 'u004' ? { ...x, retired: true } : x)),
      users: DATA_.users.map((x) => (x.id === 'unit004' ? { ...x, unitId: 'u002' } : x)),
    });
    expect(foldCase(events, contextFrom(receipts, changed))).toEqual(before);
  });

  it('a helper the relay did not know makes the dispatch name an unknown unit', () => {
    const d = base()[2]!;
    const r = makeReceipt(d, indexOrg({ ...DATA_, units: DATA_.units.filter((x) => x.id !== 'u004') }), T0);
    expect(r.x).toEqual({ n: 'unknown_unit' });
    const s = foldCase(base(), contextFrom(new Map([[d.id, r]]), IDX))!;
    expect(s.status).toBe('accepted');
    expect(s.superseded[0]).toMatchObject({ reason: 'unknown_unit' });
  });
});

describe('考核 credits each unit', () => {
  const HOUR = 3_600_000;
  const PERIOD = { fromMs: T0 - HOUR, toMs: T0 + 100 * HOUR };
  const at = (type: EventType, actor: string, minute: number, data?: object) => ev(type as 'resolved', actor, minute, data ? { data: data as EventData['resolved'] } : {});

  it('the lead by its case, each helper by its confirmed part on time or late, a released helper as released', () => {
    // u004 confirms within the 24 h deadline, u001 is released; the lead resolves, the worker verifies and closes.
    const events = [
      ...base(),
      part('unit004', 3),
      confirm('unit004', 60),
      release('u001', 61),
      at('resolved', 'unit002', 62),
      at('verified', 'w0001', 63),
      at('closed', 'w0001', 64),
    ];
    const s = fold(events);
    expect(s.status).toBe('closed');
    const lead = assess([s], { kind: 'unit', unitId: 'u002' }, PERIOD, T0 + 90 * HOUR);
    expect(lead).toMatchObject({ cases: 1, completed: 1, completedOnTime: 1, assists: 0 });
    const helper = assess([s], { kind: 'unit', unitId: 'u004' }, PERIOD, T0 + 90 * HOUR);
    expect(helper).toMatchObject({ cases: 0, completed: 0, assists: 1, assistsConfirmed: 1, assistsOnTime: 1, assistsReleased: 0, assistsOpen: 0 });
    const released = assess([s], { kind: 'unit', unitId: 'u001' }, PERIOD, T0 + 90 * HOUR);
    expect(released).toMatchObject({ cases: 0, assists: 1, assistsConfirmed: 0, assistsReleased: 1 });
    // scopeStats (the screen and /api/stats) gives the helper the same figures, and the county's ranking lists both.
    expect(scopeStats([s], { kind: 'unit', unitId: 'u004' }, PERIOD, T0 + 90 * HOUR, null).figures).toEqual(helper);
    const county = scopeStats([s], { kind: 'county' }, PERIOD, T0 + 90 * HOUR, null);
    expect(county.report.units.u004).toEqual(helper);
    expect(county.report.units.u002).toEqual(lead);
    expect(county.figures.assists).toBe(0);
  });

  it('a part confirmed after the deadline is late; one still owed is open', () => {
    const late = fold([...base(), part('unit004', 3), confirm('unit004', 25 * 60)]);
    expect(assess([late], { kind: 'unit', unitId: 'u004' }, PERIOD, T0 + 26 * HOUR)).toMatchObject({ assists: 1, assistsConfirmed: 1, assistsOnTime: 0 });
    expect(assess([late], { kind: 'unit', unitId: 'u001' }, PERIOD, T0 + 26 * HOUR)).toMatchObject({ assists: 1, assistsOpen: 1 });
  });
});

describe('step keeps one copy of the rule', () => {
  it('the fold and decide agree on a helper event for the wrong dispatch', () => {
    const s = fold(base());
    const e = part('unit004', 3, '01JX00000000000000000000ZZ');
    expect(step(s, e, IDX)).toEqual({ ok: false, reason: 'stale_dispatch' });
    expect(act(s, 'unit004', { type: 'record_assist', dispatchId: '01JX00000000000000000000ZZ', note: 'x' }, 3)).toMatchObject({ ok: false, error: 'stale_dispatch' });
  });
});

describe('等待协办 on the board (the one rule: queues.ts awaitingAssist)', () => {
  const q = (s: CaseState) => ({ awaiting: awaitingAssist(s), pending: pendingHelpers(s), inQueue: boardQueuesOf(s, T0 + 60 * 60_000).includes('awaiting_assist'), tag: queueTags(s).includes('assist_pending') });
  it('holds a case its lead holds while a helper is neither confirmed nor released, and names those helpers', () => {
    expect(q(fold(base()))).toEqual({ awaiting: true, pending: ['u001', 'u004'], inQueue: true, tag: true });
    const working = [...base(), ev('acknowledged', 'unit002', 3), ev('started', 'unit002', 4)];
    expect(q(fold([...working, part('unit001', 5), confirm('unit001', 6)]))).toEqual({ awaiting: true, pending: ['u004'], inQueue: true, tag: true });
  });
  it('lets it go when every helper has confirmed or been released, and holds nothing without helpers', () => {
    const working = [...base(), ev('acknowledged', 'unit002', 3)];
    const done = fold([...working, part('unit001', 5), confirm('unit001', 6), release('u004', 7)]);
    expect(q(done)).toEqual({ awaiting: false, pending: [], inQueue: false, tag: false });
    // The lead may now resolve; a resolved case is never in the queue.
    expect(q(fold([...working, part('unit001', 5), confirm('unit001', 6), release('u004', 7), ev('resolved', 'unit002', 8, { data: { note: '已处置' } })]))).toMatchObject({ awaiting: false, inQueue: false });
    const plain = fold([ev('reported', 'w0001', 0), ev('accepted', 'town01', 1), ev('dispatched', 'town01', 2, { data: { unitId: 'u002', dueHours: 24 } })]);
    expect(plain.status).toBe('dispatched');
    expect(q(plain)).toEqual({ awaiting: false, pending: [], inQueue: false, tag: false });
  });
  it('lets it go when the lead returns the case (the dispatch and its helpers end)', () => {
    const s = fold([...base(), ev('returned', 'unit002', 3, { data: { reason: '不属于本单位' } })]);
    expect(s.status).toBe('returned');
    expect(q(s)).toMatchObject({ awaiting: false, inQueue: false, tag: false });
  });
});
