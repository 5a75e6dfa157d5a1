// The inbox (src/domain/inbox.ts): each kind of item for the role it concerns, from real folded histories turned
// into read-model rows (the path the app takes), stable ids, read state and what is announced.
import { describe, expect, it } from 'vitest';
import type { CaseEvent } from '../../../src/domain/events.ts';
import { foldCase } from '../../../src/domain/fold.ts';
import { addMarks, DUE_SOON_MS, HORIZON_MS, inboxCaseOf, inboxItems, toAnnounce, unreadOf, type InboxCase, type InboxItem, type InboxNeed } from '../../../src/domain/inbox.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import type { CaseState } from '../../../src/domain/workflow.ts';
import { toRecord, toRow } from '../../../src/storage/readmodel.ts';
import { CASE_ID, ev, IDX, T0, user } from './fixture.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

function fold(events: CaseEvent[]): CaseState {
  const s = foldCase(events, IDX);
  if (!s) throw new Error('no case');
  return s;
}
/** A case as the app's inbox reads it: folded, written as a read-model row, read back. */
const row = (events: CaseEvent[]): InboxCase => toRow(toRecord(fold(events), 'cases.t01.2025', false));
const items = (userId: string, cases: InboxCase[], nowMs: number, needs?: InboxNeed[]) => inboxItems({ user: user(userId), nowMs, cases, ...(needs ? { needs } : {}) });
const kinds = (list: InboxItem[]) => list.map((i) => i.kind).sort();

const reported = ev('reported', 'w0001', 0);
const byResident = ev('reported', 'resident01', 0, { data: { ...ev('reported', 'w0001', 0).data, channel: 'app' } });
const dispatched = [reported, ev('accepted', 'town01', 1), ev('dispatched', 'town01', 2)];

describe('inbox items by kind and role', () => {
  it('a unit: dispatched (until signed for), due soon, overdue; nobody else gets them', () => {
    const c = row(dispatched);
    const dueMs = c.dueMs!;
    expect(dueMs).toBe(T0 + 2 * MIN + 24 * HOUR);
    const fresh = items('unit002', [c], T0 + 3 * MIN);
    expect(kinds(fresh)).toEqual(['dispatched']);
    expect(fresh[0]).toMatchObject({ id: `dispatched:${CASE_ID}:${c.dispatchedMs}`, caseId: CASE_ID, href: `#/cases/${CASE_ID}`, text: 'inbox.kind.dispatched', subject: '0604' });
    expect(kinds(items('unit002', [c], dueMs - DUE_SOON_MS + MIN))).toEqual(['dispatched', 'due_soon']);
    expect(kinds(items('unit002', [c], dueMs + MIN))).toEqual(['dispatched', 'overdue']);
    // Signed for: no longer "dispatched"; another unit sees nothing.
    const acked = row([...dispatched, ev('acknowledged', 'unit002', 3)]);
    expect(kinds(items('unit002', [acked], T0 + 4 * MIN))).toEqual([]);
    expect(items('unit003', [c], dueMs + MIN)).toEqual([]);
    expect(items('unit001', [c], dueMs + MIN)).toEqual([]);
  });

  it('a unit: 督办 and an extension decided on a case it holds, each fact its own id', () => {
    const sup1 = row([...dispatched, ev('supervised', 'town01', 5)]);
    const one = items('unit002', [sup1], T0 + 6 * MIN).find((i) => i.kind === 'supervised')!;
    expect(one.ms).toBe(T0 + 5 * MIN);
    const sup2 = row([...dispatched, ev('supervised', 'town01', 5), ev('supervised', 'county', 7)]);
    const two = items('unit002', [sup2], T0 + 8 * MIN).find((i) => i.kind === 'supervised')!;
    expect(two.id).not.toBe(one.id);
    const ext = row([...dispatched, ev('extension_requested', 'unit002', 4), ev('extension_decided', 'town01', 6, { data: { approve: false } })]);
    const x = items('unit002', [ext], T0 + 7 * MIN).find((i) => i.kind === 'extension_decided')!;
    expect(x).toMatchObject({ ms: T0 + 6 * MIN, text: 'inbox.extension.refused' });
    // A pending request is not decided yet.
    const pending = row([...dispatched, ev('extension_requested', 'unit002', 4)]);
    expect(kinds(items('unit002', [pending], T0 + 7 * MIN))).toEqual(['dispatched']);
    // The town center that supervised is not told of its own 督办.
    expect(items('town01', [sup1], T0 + 6 * MIN).some((i) => i.kind === 'supervised')).toBe(false);
  });

  it('a grid worker: a fix to verify in their grid, and a resident report in their grid', () => {
    const fixed = row([...dispatched, ev('resolved', 'unit002', 10)]);
    const w = items('w0001', [fixed], T0 + 11 * MIN);
    expect(w.map((i) => i.kind)).toContain('to_verify');
    expect(w.find((i) => i.kind === 'to_verify')!.id).toBe(`to_verify:${CASE_ID}:${T0 + 10 * MIN}`);
    expect(items('w0002', [fixed], T0 + 11 * MIN)).toEqual([]);
    const res = row([byResident]);
    expect(res.reporterRole).toBe('resident');
    expect(res.reportChannel).toBe('resident_app');
    expect(kinds(items('w0001', [res], T0 + MIN))).toEqual(['resident_report']);
    expect(items('w0002', [res], T0 + MIN)).toEqual([]);
    // A staff report is no resident's report; past the horizon it is no news.
    expect(kinds(items('w0001', [row([reported])], T0 + MIN))).toEqual([]);
    expect(items('w0001', [res], T0 + HORIZON_MS + MIN)).toEqual([]);
  });

  it('a village secretary: a resident report in their village', () => {
    const res = row([byResident]);
    expect(kinds(items('st01v01', [res], T0 + MIN))).toEqual(['resident_report']);
    expect(items('st01v02', [res], T0 + MIN)).toEqual([]);
  });

  it('the town center: overdue in its town, a new resident report, and 二次回访 when a case asks for it', () => {
    const c = row(dispatched);
    expect(kinds(items('town01', [c], c.dueMs! + MIN))).toEqual(['overdue']);
    expect(items('town02', [c], c.dueMs! + MIN)).toEqual([]);
    const res = row([byResident]);
    expect(kinds(items('town01', [res], T0 + MIN))).toEqual(['resident_report']);
    // Accepted: no longer new work for the center.
    expect(kinds(items('town01', [row([byResident, ev('accepted', 'town01', 1)])], T0 + 2 * MIN))).toEqual([]);
    // 二次回访: the reporter's 不满意 opens it (from its credited time); the center's follow-up call answers it.
    const closedEvents = [...dispatched, ev('resolved', 'unit002', 3), ev('verified', 'w0001', 4), ev('closed', 'w0001', 5)];
    const unhappy = [...closedEvents, ev('feedback', 'town01', 9, { data: { satisfaction: 'dissatisfied' } })];
    const r = row(unhappy);
    expect(items('town01', [r], T0 + 10 * MIN)).toEqual([expect.objectContaining({ kind: 'revisit', id: `revisit:${CASE_ID}:${T0 + 9 * MIN}`, ms: T0 + 9 * MIN })]);
    const called = row([...unhappy, ev('revisit_called', 'town01', 11, { data: { note: '已电话联系，群众表示理解' } })]);
    expect(items('town01', [called], T0 + 12 * MIN)).toEqual([]);
    expect(items('unit002', [r], T0 + 10 * MIN)).toEqual([]);
  });

  it('a reporter: the progress of their report, one item per stage reached', () => {
    const accepted = row([reported, ev('accepted', 'town01', 1)]);
    const a = items('w0001', [accepted], T0 + 2 * MIN);
    expect(a).toEqual([expect.objectContaining({ kind: 'progress', stage: 'accepted', id: `progress:${CASE_ID}:accepted`, text: 'inbox.stage.accepted' })]);
    const d = items('w0001', [row(dispatched)], T0 + 3 * MIN);
    expect(d.map((i) => i.id)).toEqual([`progress:${CASE_ID}:dispatched`]);
    // Just received: nothing to tell; someone else's report: nothing either.
    expect(items('w0001', [row([reported])], T0 + MIN)).toEqual([]);
    expect(items('st01v01', [accepted], T0 + 2 * MIN)).toEqual([]);
  });

  it("a resident: progress of every case they hold (their own, and one reported on their behalf), from ResidentSync's states", () => {
    const own = fold([byResident, ev('accepted', 'town01', 1), ev('dispatched', 'town01', 2)]);
    const onBehalf = fold([ev('reported', 'w0001', 0, { caseId: '01JX0000000000000000000002', data: { ...reported.data, onBehalf: { name: '陈明', phone: '13800000000', via: 'phone' } } }), ev('accepted', 'town01', 3, { caseId: '01JX0000000000000000000002' })]);
    const list = items('resident01', [inboxCaseOf(own), inboxCaseOf(onBehalf)], T0 + 4 * MIN);
    expect(list.map((i) => [i.kind, i.stage])).toEqual([
      ['progress', 'accepted'],
      ['progress', 'dispatched'],
    ]);
    // Newest first.
    expect(list[0]!.ms).toBeGreaterThan(list[1]!.ms);
  });

  it('a need claimed: told to the member who published it and to the village secretary, not to the claimer', () => {
    const need: InboxNeed = { id: 'n1', villageId: 't01v01', title: '帮老人修屋顶', publishedBy: 'st01v01', status: 'claimed', claimedBy: 'p0001', claimedAt: formatHlc({ ms: T0 + 5 * MIN, counter: 0, node: 'x' }) };
    expect(items('st01v01', [], T0 + 6 * MIN, [need])).toEqual([
      { id: 'need_claimed:n1:p0001', kind: 'need_claimed', needId: 'n1', ms: T0 + 5 * MIN, text: 'inbox.kind.need_claimed', subject: '帮老人修屋顶', href: '#/party/needs' },
    ]);
    expect(items('p0001', [], T0 + 6 * MIN, [need])).toEqual([]);
    expect(items('st01v02', [], T0 + 6 * MIN, [need])).toEqual([]);
    expect(items('st01v01', [], T0 + 6 * MIN, [{ ...need, status: 'open', claimedBy: undefined, claimedAt: undefined } as unknown as InboxNeed])).toEqual([]);
  });

  it('is deterministic: the same input gives the same items in the same order, whatever the input order', () => {
    const cs = [row(dispatched), row([byResident]), row([...dispatched, ev('supervised', 'town01', 5)])];
    const now = T0 + 30 * HOUR;
    const a = items('town01', cs, now);
    expect(items('town01', [...cs].reverse(), now)).toEqual(a);
    for (let k = 1; k < a.length; k++) expect(a[k - 1]!.ms >= a[k]!.ms).toBe(true);
  });
});

describe('read state and announcements', () => {
  const c = row(dispatched);
  const now = c.dueMs! + MIN;
  const list = items('unit002', [c], now);

  it('marks one read, then all; unread counts follow', () => {
    expect(unreadOf(list, {})).toHaveLength(2);
    const one = addMarks({}, [list[0]!.id], list, now);
    expect(unreadOf(list, one).map((i) => i.id)).toEqual([list[1]!.id]);
    const all = addMarks(one, list.map((i) => i.id), list, now);
    expect(unreadOf(list, all)).toEqual([]);
    // A new fact (the next 督办) is unread again.
    const more = items('unit002', [row([...dispatched, ev('supervised', 'town01', 5)])], now);
    expect(unreadOf(more, all).map((i) => i.kind)).toEqual(['supervised']);
  });

  it('forgets marks of items long gone, keeps those of current items', () => {
    const marks = { 'gone:x:1': now - 3 * HORIZON_MS, 'recent:x:1': now - HOUR, [list[0]!.id]: now - 5 * HORIZON_MS };
    expect(Object.keys(addMarks(marks, [], list, now)).sort()).toEqual([list[0]!.id, 'recent:x:1'].sort());
  });

  it('announces only items neither read nor announced, and nothing on the first check', () => {
    expect(toAnnounce(list, {}, null)).toEqual([]);
    expect(toAnnounce(list, {}, {}).length).toBe(2);
    const known = addMarks({}, [list[0]!.id], list, now);
    expect(toAnnounce(list, {}, known).map((i) => i.id)).toEqual([list[1]!.id]);
    expect(toAnnounce(list, known, { [list[1]!.id]: now })).toEqual([]);
  });
});
