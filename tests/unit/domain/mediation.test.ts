// Issue 17: 矛盾纠纷调解 (src/domain/mediation.ts, docs.ts): the summary and detail schemas, who may open and mediate
// (role, scope, eligibility), the state machine, the offline race of two outcomes, access to the detail doc, figures.
import { describe, expect, it } from 'vitest';
import { disputeAccess, disputeDocName, docAccess, mediationAccess, parseRecordDocName, recordDocsForUser } from '../../../src/domain/docs.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import {
  disputesFor,
  eligibleMediator,
  foldDetail,
  foldMediation,
  inboxDisputes,
  mayOpen,
  mediationByGrid,
  parseDetailEvent,
  parseSummaryEvent,
  summaryRefusal,
  type DetailData,
  type DetailType,
  type SummaryData,
  type SummaryEvent,
  type SummaryType,
} from '../../../src/domain/mediation.ts';
import { indexOrg } from '../../../src/domain/org.ts';
import { inboxItems, type InboxDispute } from '../../../src/domain/inbox.ts';
import { hlcMs } from '../../../src/domain/hlc.ts';
import { IDX, ORG, user } from './fixture.ts';

const T0 = Date.UTC(2026, 10, 2, 2);
const DAY = 86_400_000;
let seq = 0;
const id = () => `01J${String(++seq).padStart(23, '0')}`;
function sev<T extends SummaryType>(type: T, data: SummaryData[T], actor = 'w0001', ms = T0 + seq * 60_000, node = 'n1') {
  return { id: id(), type, actor, at: formatHlc({ ms, counter: 0, node }), data } as SummaryEvent;
}
function dev<T extends DetailType>(type: T, data: DetailData[T], actor = 'w0001', ms = T0 + seq * 60_000) {
  return { id: id(), type, actor, at: formatHlc({ ms, counter: 0, node: 'n1' }), data };
}
const D1 = '01JD0000000000000000000001';
const D2 = '01JD0000000000000000000002';
const CASE = '01JC0000000000000000000001';
const opened = (disputeId = D1, mediators = ['w0001', 'p0001'], actor = 'w0001', extra: Partial<SummaryData['dispute_opened']> = {}) =>
  sev('dispute_opened', { disputeId, gridId: 'g0001', type: 'neighbour', mediators, ...extra }, actor);
// A second party member of t01, who mediates nothing here.
const ORG2 = indexOrg({ ...ORG, users: [...ORG.users, { id: 'p0002', username: 'p0002', name: '吴刚', role: 'member', townId: 't01', villageId: 't01v02', gridId: 'g0002' }] });

describe('mediation events', () => {
  it('parse an opening, and refuse an agreement without follow-up, a referral without where to, a mediator twice, a failure with a date', () => {
    expect(parseSummaryEvent(opened()).ok).toBe(true);
    expect(parseSummaryEvent(sev('outcome_recorded', { disputeId: D1, outcome: 'agreement' })).ok).toBe(false);
    expect(parseSummaryEvent(sev('outcome_recorded', { disputeId: D1, outcome: 'referred' })).ok).toBe(false);
    expect(parseSummaryEvent(sev('outcome_recorded', { disputeId: D1, outcome: 'failed', followUpMs: T0 })).ok).toBe(false);
    expect(parseSummaryEvent(sev('outcome_recorded', { disputeId: D1, outcome: 'referred', referredTo: '司法所' })).ok).toBe(true);
    expect(parseSummaryEvent(opened(D1, ['w0001', 'w0001'])).ok).toBe(false);
    // Parties never go in the summary: a summary event with parties does not parse.
    expect(parseSummaryEvent({ ...opened(), data: { ...opened().data, parties: [{ name: '张三' }] } }).ok).toBe(false);
    expect(parseDetailEvent(dev('parties_saved', { parties: [{ name: '张三', side: 'applicant', phone: '13800000000' }], description: '宅基地边界' })).ok).toBe(true);
    expect(parseDetailEvent(dev('session_recorded', { heldMs: T0, present: [], note: 'x' })).ok).toBe(false);
  });
});

describe('who opens and who mediates', () => {
  it("the grid's worker, its village's secretary and its town's center open; a member, another grid's worker, another town's center do not", () => {
    const g1 = IDX.grid('g0001');
    expect(['w0001', 'st01v01', 'town01'].map((u) => mayOpen(user(u), g1))).toEqual([true, true, true]);
    expect(['p0001', 'w0002', 'st01v02', 'town02', 'county', 'unit002', 'trainer01'].map((u) => mayOpen(user(u), g1))).toEqual([false, false, false, false, false, false, false]);
    expect(['w0001', 'st01v01', 'town01', 'p0001'].map((u) => eligibleMediator(user(u), g1))).toEqual([true, true, true, true]);
    expect(['w0002', 'st01v02', 'town02', 'county', 'unit002', 'resident01'].map((u) => eligibleMediator(user(u), g1))).toEqual([false, false, false, false, false, false]);
  });

  it('summaryRefusal: scope, eligible mediators, self among them, the center or opener changes mediators, a mediator records the outcome', () => {
    const empty = foldMediation([]);
    expect(summaryRefusal(opened(), user('w0001'), 't01', ORG2, empty)).toBeNull();
    expect(summaryRefusal(opened(D1, ['w0001'], 'p0001'), user('p0001'), 't01', ORG2, empty)).toMatch(/may not open/);
    expect(summaryRefusal(opened(D1, ['w0001', 'w0003']), user('w0001'), 't01', ORG2, empty)).toMatch(/w0003 may not mediate/);
    expect(summaryRefusal(opened(D1, ['p0001']), user('w0001'), 't01', ORG2, empty)).toMatch(/mediates it/);
    expect(summaryRefusal(opened(D1, ['w0001', 'p0001'], 'town01'), user('town01'), 't01', ORG2, empty), 'the center need not mediate').toBeNull();
    expect(summaryRefusal(opened(), user('w0001'), 't02', ORG2, empty), 'another town').toMatch(/not in t02/);
    const s = foldMediation([opened()]);
    const outcome = (actor: string) => sev('outcome_recorded', { disputeId: D1, outcome: 'failed' }, actor);
    expect(summaryRefusal(outcome('p0001'), user('p0001'), 't01', ORG2, s)).toBeNull();
    expect(summaryRefusal(outcome('town01'), user('town01'), 't01', ORG2, s)).toBeNull();
    expect(summaryRefusal(outcome('p0002'), ORG2.user('p0002')!, 't01', ORG2, s), 'a party member of the town not named').toMatch(/does not mediate/);
    expect(summaryRefusal(outcome('st01v01'), user('st01v01'), 't01', ORG2, s)).toMatch(/does not mediate/);
    const set = (actor: string) => sev('mediators_set', { disputeId: D1, mediators: ['w0001', 'p0002'] }, actor);
    expect(summaryRefusal(set('w0001'), user('w0001'), 't01', ORG2, s)).toBeNull();
    expect(summaryRefusal(set('p0001'), user('p0001'), 't01', ORG2, s), 'a mediator who did not open it').toMatch(/changes its mediators/);
    expect(summaryRefusal(set('town01'), user('town01'), 't01', ORG2, s)).toBeNull();
    expect(summaryRefusal(sev('outcome_recorded', { disputeId: D2, outcome: 'failed' }, 'town01'), user('town01'), 't01', ORG2, s)).toMatch(/not in this doc/);
  });
});

describe('foldMediation', () => {
  it('open -> agreement -> follow-up; a second opening, an outcome after the outcome, a follow-up before an agreement are superseded', () => {
    const a = opened(D1, ['w0001', 'p0001'], 'w0001', { caseId: CASE });
    const early = sev('followup_done', { disputeId: D1, kept: true }, 'w0001');
    const again = opened(D1, ['st01v01'], 'st01v01');
    const agree = sev('outcome_recorded', { disputeId: D1, outcome: 'agreement', followUpMs: T0 + 30 * DAY }, 'p0001');
    const late = sev('mediators_set', { disputeId: D1, mediators: ['w0001'] }, 'w0001');
    const done = sev('followup_done', { disputeId: D1, kept: true }, 'w0001');
    const s = foldMediation([done, late, agree, again, early, a]);
    const d = s.disputes.get(D1)!;
    expect(d).toMatchObject({ status: 'agreement', caseId: CASE, mediators: ['w0001', 'p0001'], followUpMs: T0 + 30 * DAY, outcomeBy: 'p0001', followUp: { kept: true, by: 'w0001' } });
    expect(s.superseded.map((x) => x.id).sort()).toEqual([early.id, again.id, late.id].sort());
  });

  it('two mediators record outcomes offline: the first by (at, id) counts on every replica, the other is superseded and says whose', () => {
    const o = opened();
    // Each on their own phone, offline: the member's is stamped a minute earlier.
    const byWorker = sev('outcome_recorded', { disputeId: D1, outcome: 'agreement', followUpMs: T0 + DAY }, 'w0001', T0 + DAY + 60_000, 'phoneA');
    const byMember = sev('outcome_recorded', { disputeId: D1, outcome: 'referred', referredTo: '司法所' }, 'p0001', T0 + DAY, 'phoneB');
    for (const order of [[o, byWorker, byMember], [byMember, o, byWorker], [byWorker, byMember, o]]) {
      const s = foldMediation(order);
      expect(s.disputes.get(D1)!.status).toBe('referred');
      expect(s.superseded).toEqual([{ id: byWorker.id, actor: 'w0001', type: 'outcome_recorded', disputeId: D1 }]);
    }
  });

  it('disputesFor: the center sees every dispute of its town, a mediator those naming them, open ones first', () => {
    const s = foldMediation([opened(D1, ['w0001']), opened(D2, ['st01v01'], 'st01v01'), sev('outcome_recorded', { disputeId: D1, outcome: 'failed' })]);
    expect(disputesFor(user('town01'), 't01', s).map((d) => d.id)).toEqual([D2, D1]);
    expect(disputesFor(user('w0001'), 't01', s).map((d) => d.id)).toEqual([D1]);
    expect(disputesFor(user('p0001'), 't01', s)).toEqual([]);
  });

  it('figures per grid: opened, settled, referred, failed in the period, follow-ups overdue now', () => {
    const s = foldMediation([
      opened(D1),
      opened(D2, ['st01v01'], 'st01v01'),
      sev('outcome_recorded', { disputeId: D1, outcome: 'agreement', followUpMs: T0 + 2 * DAY }),
      sev('outcome_recorded', { disputeId: D2, outcome: 'referred', referredTo: '法院' }, 'st01v01'),
    ]);
    expect(mediationByGrid(s, T0, T0 + DAY, T0 + DAY)).toEqual([{ gridId: 'g0001', opened: 2, settled: 1, referred: 1, failed: 0, followUpsOverdue: 0 }]);
    expect(mediationByGrid(s, T0, T0 + DAY, T0 + 3 * DAY)[0]!.followUpsOverdue).toBe(1);
    expect(mediationByGrid(s, T0 + DAY, T0 + 2 * DAY, T0), 'nothing in another period').toEqual([]);
  });
});

describe('the detail doc', () => {
  it('the latest parties count; sessions in date order; the terms', () => {
    const d = foldDetail([
      dev('session_recorded', { heldMs: T0 + 2 * DAY, present: ['w0001'], note: '第二次' }),
      dev('parties_saved', { parties: [{ name: '张三', side: 'applicant' }], description: '旧' }),
      dev('session_recorded', { heldMs: T0 + DAY, present: ['w0001', 'p0001'], note: '第一次' }, 'p0001'),
      dev('parties_saved', { parties: [{ name: '张三', side: 'applicant' }, { name: '李四', side: 'respondent', residentId: 'r1' }], description: '新' }),
      dev('terms_recorded', { terms: '李四退还占地' }),
    ]);
    expect(d.parties.map((p) => p.name)).toEqual(['张三', '李四']);
    expect(d.description).toBe('新');
    expect(d.sessions.map((x) => x.note)).toEqual(['第一次', '第二次']);
    expect(d.terms).toBe('李四退还占地');
  });

  it('readers: the mediators the summary names and the town center; not a party member of the town who is not named, not county', () => {
    const s = foldMediation([opened()]);
    const look = (_t: string, disputeId: string) => s.disputes.get(disputeId);
    const name = disputeDocName('t01', D1);
    expect(parseRecordDocName(name)).toEqual({ kind: 'dispute', townId: 't01', disputeId: D1 });
    const acc = (u: ReturnType<typeof user>) => docAccess(u, name, ['t01', 't02'], undefined, look);
    expect(['w0001', 'p0001', 'town01'].map((u) => acc(user(u)))).toEqual(['write', 'write', 'write']);
    expect(acc(ORG2.user('p0002')!)).toBeNull();
    expect(['st01v01', 'county', 'admin', 'town02', 'w0002'].map((u) => acc(user(u)))).toEqual([null, null, null, null, null]);
    expect(disputeAccess(user('w0001'), 't01', undefined), 'a dispute the summary does not have: the center only').toBeNull();
    expect(disputeAccess(user('town01'), 't01', undefined)).toBe('write');
    expect(docAccess(user('w0001'), name, ['t01']), 'without the summary: refused').toBeNull();
  });

  it("the summary: the town's staff write, county reads, listed by recordDocsForUser", () => {
    expect(['town01', 'w0001', 'st01v01', 'p0001'].map((u) => mediationAccess(user(u), 't01'))).toEqual(['write', 'write', 'write', 'write']);
    expect(['town02', 'unit002', 'resident01', 'trainer01'].map((u) => mediationAccess(user(u), 't01'))).toEqual([null, null, null, null]);
    expect(mediationAccess(user('county'), 't01')).toBe('read');
    expect(recordDocsForUser(user('p0001'), ['t01', 't02'], ORG.grids)).toContainEqual({ name: 'mediation.t01', access: 'write' });
  });
});

describe('mediation in the inbox', () => {
  /** The folded summary as the app hands it to the inbox (src/app/inbox.ts). */
  const disputes = (events: SummaryEvent[]): InboxDispute[] => inboxDisputes('t01', foldMediation(events));
  const at = (who: string, events: SummaryEvent[], nowMs: number) => inboxItems({ user: user(who), nowMs, cases: [], disputes: disputes(events) }).map((i) => i.id);

  it('a named mediator is told while the dispute is open; the opener naming themselves is not; a mediator added later is told at that time', () => {
    const open = opened(D1, ['w0001', 'p0001'], 'w0001');
    expect(at('p0001', [open], T0 + DAY)).toEqual([`dispute_named:${D1}:${open.at}`]);
    expect(at('w0001', [open], T0 + DAY)).toEqual([]);
    expect(at('town01', [open], T0 + DAY)).toEqual([]);
    const added = sev('mediators_set', { disputeId: D1, mediators: ['w0001', 'p0001', 'st01v01'] }, 'town01');
    const items = inboxItems({ user: user('st01v01'), nowMs: T0 + DAY, cases: [], disputes: disputes([open, added]) });
    expect(items).toEqual([{ id: `dispute_named:${D1}:${added.at}`, kind: 'dispute_named', disputeId: D1, ms: hlcMs(added.at), text: 'inbox.kind.dispute_named', subject: 'neighbour', href: `#/mediation/d/${D1}` }]);
    // p0001 keeps the time they were first named (the same fact, the same id: still read if read).
    expect(at('p0001', [open, added], T0 + DAY)).toEqual([`dispute_named:${D1}:${open.at}`]);
    // Removed, or the dispute ended: no longer an item.
    expect(at('p0001', [open, sev('mediators_set', { disputeId: D1, mediators: ['w0001'] }, 'town01')], T0 + DAY)).toEqual([]);
    expect(at('p0001', [open, sev('outcome_recorded', { disputeId: D1, outcome: 'failed' }, 'w0001')], T0 + DAY)).toEqual([]);
  });

  it("an agreement's follow-up is due for its mediators and the town center from its date until it is recorded", () => {
    const open = opened(D2, ['w0001', 'p0001'], 'w0001');
    const followUpMs = T0 + 10 * DAY;
    const agreed = sev('outcome_recorded', { disputeId: D2, outcome: 'agreement', followUpMs }, 'p0001');
    const events = [open, agreed];
    expect(at('w0001', events, followUpMs - 1)).toEqual([]);
    for (const who of ['w0001', 'p0001', 'town01']) expect(at(who, events, followUpMs + 1)).toEqual([`followup_due:${D2}:${followUpMs}`]);
    expect(at('town02', events, followUpMs + 1)).toEqual([]);
    expect(at('st01v01', events, followUpMs + 1)).toEqual([]);
    expect(at('town01', [...events, sev('followup_done', { disputeId: D2, kept: true }, 'w0001')], followUpMs + 1)).toEqual([]);
  });
});
