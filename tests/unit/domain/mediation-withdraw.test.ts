// Issue 17: 撤销登记 (dispute_withdrawn, src/domain/mediation.ts): who may withdraw (the opener or the town center),
// the state (open, no outcome), the offline race with an outcome (the first by (at, id) counts), figures and the inbox.
import { describe, expect, it } from 'vitest';
import { formatHlc } from '../../../src/domain/hlc.ts';
import { inboxItems, type InboxDispute } from '../../../src/domain/inbox.ts';
import {
  disputesFor,
  foldMediation,
  inboxDisputes,
  mayWithdrawNow,
  mediationByGrid,
  parseSummaryEvent,
  summaryRefusal,
  type SummaryData,
  type SummaryEvent,
  type SummaryType,
} from '../../../src/domain/mediation.ts';
import { indexOrg } from '../../../src/domain/org.ts';
import { ORG, user } from './fixture.ts';

const T0 = Date.UTC(2026, 10, 2, 2);
const DAY = 86_400_000;
let seq = 0;
const id = () => `01JW${String(++seq).padStart(22, '0')}`;
function sev<T extends SummaryType>(type: T, data: SummaryData[T], actor = 'w0001', ms = T0 + seq * 60_000, node = 'n1') {
  return { id: id(), type, actor, at: formatHlc({ ms, counter: 0, node }), data } as SummaryEvent;
}
const D1 = '01JD0000000000000000000001';
const D2 = '01JD0000000000000000000002';
const opened = (disputeId = D1, mediators = ['w0001', 'p0001'], actor = 'w0001') => sev('dispute_opened', { disputeId, gridId: 'g0001', type: 'neighbour', mediators }, actor);
const withdraw = (actor = 'w0001', reason = '重复登记', disputeId = D1, ms?: number, node?: string) => sev('dispute_withdrawn', { disputeId, reason }, actor, ms, node);
const ORG2 = indexOrg({ ...ORG, users: [...ORG.users, { id: 'p0002', username: 'p0002', name: '吴刚', role: 'member', townId: 't01', villageId: 't01v02', gridId: 'g0002' }] });

describe('dispute_withdrawn', () => {
  it('parses with a reason of 1..200 characters, and nothing else', () => {
    expect(parseSummaryEvent(withdraw()).ok).toBe(true);
    expect(parseSummaryEvent(withdraw('w0001', '  ')).ok, 'blank').toBe(false);
    expect(parseSummaryEvent(withdraw('w0001', '错'.repeat(200))).ok).toBe(true);
    expect(parseSummaryEvent(withdraw('w0001', '错'.repeat(201))).ok, 'too long').toBe(false);
    const e = withdraw();
    expect(parseSummaryEvent({ ...e, data: { ...e.data, parties: ['张三'] } }).ok, 'no extra data').toBe(false);
  });

  it("summaryRefusal: the opener and the town center; not another mediator, a member, another town's center, county", () => {
    const s = foldMediation([opened(D1, ['w0001', 'p0001'], 'w0001')]);
    expect(summaryRefusal(withdraw('w0001'), user('w0001'), 't01', ORG2, s)).toBeNull();
    expect(summaryRefusal(withdraw('town01'), user('town01'), 't01', ORG2, s)).toBeNull();
    for (const who of ['p0001', 'st01v01', 'town02', 'county']) {
      expect(summaryRefusal(withdraw(who), user(who), 't01', ORG2, s), who).toMatch(/withdraws it/);
    }
    expect(summaryRefusal(withdraw('p0002'), ORG2.user('p0002')!, 't01', ORG2, s), 'a member not named').toMatch(/withdraws it/);
    expect(summaryRefusal(withdraw('town01', 'x', D2), user('town01'), 't01', ORG2, s)).toMatch(/not in this doc/);
  });

  it('open -> withdrawn with who, when and why; every later event on it is superseded; the screen offers it only while open', () => {
    const o = opened();
    const w = withdraw('w0001', '不是纠纷，登记错了');
    const out = sev('outcome_recorded', { disputeId: D1, outcome: 'failed' }, 'p0001');
    const set = sev('mediators_set', { disputeId: D1, mediators: ['w0001'] }, 'w0001');
    const again = withdraw('town01', '再撤一次');
    const s = foldMediation([again, set, out, w, o]);
    const d = s.disputes.get(D1)!;
    expect(d.status).toBe('withdrawn');
    expect(d.withdrawn).toEqual({ by: 'w0001', at: w.at, reason: '不是纠纷，登记错了' });
    expect(d.outcomeAt).toBeUndefined();
    expect(s.superseded.map((x) => x.id).sort()).toEqual([out.id, set.id, again.id].sort());
    expect(mayWithdrawNow(user('w0001'), 't01', d)).toBe(false);
    expect(mayWithdrawNow(user('w0001'), 't01', foldMediation([o]).disputes.get(D1)!)).toBe(true);
    expect(mayWithdrawNow(user('p0001'), 't01', foldMediation([o]).disputes.get(D1)!)).toBe(false);
    // After an outcome, no withdrawal: the fold supersedes it (the app refuses it before appending).
    const after = foldMediation([o, sev('outcome_recorded', { disputeId: D1, outcome: 'failed' }, 'p0001'), withdraw('town01')]);
    expect(after.disputes.get(D1)!.status).toBe('failed');
    expect(after.superseded.map((x) => x.type)).toEqual(['dispute_withdrawn']);
  });

  it('offline race: an outcome and a withdrawal made offline, the first by (at, id) counts on every replica; the loser is superseded', () => {
    const o = opened();
    const outcome = sev('outcome_recorded', { disputeId: D1, outcome: 'agreement', followUpMs: T0 + 30 * DAY }, 'p0001', T0 + DAY, 'phoneB');
    const wLate = withdraw('w0001', '重复登记', D1, T0 + DAY + 1, 'phoneA');
    for (const order of [[o, outcome, wLate], [wLate, o, outcome], [outcome, wLate, o]]) {
      const s = foldMediation(order);
      expect(s.disputes.get(D1)!.status).toBe('agreement');
      expect(s.superseded).toEqual([{ id: wLate.id, actor: 'w0001', type: 'dispute_withdrawn', disputeId: D1 }]);
    }
    // The same instant: the id breaks the tie (the smaller one counts).
    const a = withdraw('w0001', '重复登记', D1, T0 + DAY, 'phoneA');
    const b = sev('outcome_recorded', { disputeId: D1, outcome: 'failed' }, 'p0001', T0 + DAY, 'phoneA');
    const first = a.id < b.id ? a : b;
    const s = foldMediation([b, a, o]);
    expect(s.disputes.get(D1)!.status).toBe(first === a ? 'withdrawn' : 'failed');
    // The withdrawal stamped earlier wins over an outcome stamped later.
    const wEarly = withdraw('w0001', '重复登记', D1, T0 + DAY - 1, 'phoneA');
    const s2 = foldMediation([outcome, wEarly, o]);
    expect(s2.disputes.get(D1)!.status).toBe('withdrawn');
    expect(s2.superseded.map((x) => x.id)).toEqual([outcome.id]);
  });

  it('a withdrawn dispute counts in no figure; it is listed (ended) for the center and its mediators', () => {
    const s = foldMediation([opened(D1), opened(D2, ['st01v01'], 'st01v01'), sev('outcome_recorded', { disputeId: D2, outcome: 'failed' }, 'st01v01'), withdraw('w0001')]);
    expect(mediationByGrid(s, T0, T0 + DAY, T0 + DAY)).toEqual([{ gridId: 'g0001', opened: 1, settled: 0, referred: 0, failed: 1, followUpsOverdue: 0 }]);
    expect(disputesFor(user('town01'), 't01', s).map((d) => d.status).sort()).toEqual(['failed', 'withdrawn']);
  });

  it('the inbox: a withdrawn dispute names no one (not open)', () => {
    const o = opened(D1, ['w0001', 'p0001'], 'w0001');
    const asInbox = (events: SummaryEvent[]): InboxDispute[] => inboxDisputes('t01', foldMediation(events));
    expect(inboxItems({ user: user('p0001'), nowMs: T0 + DAY, cases: [], disputes: asInbox([o]) })).toHaveLength(1);
    expect(inboxItems({ user: user('p0001'), nowMs: T0 + DAY, cases: [], disputes: asInbox([o, withdraw('w0001')]) })).toEqual([]);
  });
});
