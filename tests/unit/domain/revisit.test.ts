// 二次回访 (issue 13): a 不满意 rating puts the closed case in the town board's `revisit` queue; a reopen or a
// follow-up call answers it; the 考核 counts both and counts reports by channel.
import { describe, expect, it } from 'vitest';
import { assess, assessAll } from '../../../src/domain/assessment.ts';
import { decide, type DecideContext } from '../../../src/domain/commands.ts';
import type { CaseEvent } from '../../../src/domain/events.ts';
import { foldCase } from '../../../src/domain/fold.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import { indexOrg } from '../../../src/domain/org.ts';
import { boardQueuesOf, isResidentReport, queueTags } from '../../../src/domain/queues.ts';
import { contextFrom, makeReceipt } from '../../../src/domain/receipts.ts';
import type { CaseState } from '../../../src/domain/workflow.ts';
import { CASE_ID, ev, freshId, happyPath, IDX, ORG, REPORT, T0, user } from './fixture.ts';

let minute = 100;
function ctx(actor: string, caseId = CASE_ID): DecideContext {
  const ms = T0 + ++minute * 60_000;
  return { actor: user(actor), org: IDX, at: formatHlc({ ms, counter: 0, node: 'cmd' }), eventId: freshId(ms), caseId };
}
const NOW = T0 + 86_400_000;

/** The happy path, then the reporter's rating. */
function rated(satisfaction: 'satisfied' | 'dissatisfied', note?: string): CaseEvent[] {
  return [...happyPath(), ev('feedback', 'w0001', 6, { data: { satisfaction, ...(note ? { note } : {}) } })];
}
const fold = (events: CaseEvent[]) => foldCase(events, IDX)!;

/** Decide a run of commands in turn; each must be accepted. */
function run(state: CaseState, steps: Array<[string, object]>): { state: CaseState; events: CaseEvent[] } {
  const events: CaseEvent[] = [];
  for (const [actor, cmd] of steps) {
    const d = decide(state, cmd, ctx(actor));
    if (!d.ok) throw new Error(`${actor} ${JSON.stringify(cmd)}: ${d.error}`);
    state = d.state;
    events.push(d.event);
  }
  return { state, events };
}

describe('二次回访: entering and leaving the queue', () => {
  it('a 不满意 rating opens a pending revisit: the closed case is in the revisit queue, tagged for the index', () => {
    const s = fold(rated('dissatisfied', '路面还是有积水'));
    expect(s.status).toBe('closed');
    expect(s.revisit).toEqual({ status: 'pending', round: 1, sinceMs: T0 + 6 * 60_000, reopened: 0, called: 0 });
    expect(boardQueuesOf(s, NOW)).toEqual(['revisit']);
    expect(queueTags(s)).toEqual(['revisit_pending']);
  });

  it('满意 and 基本满意 open none', () => {
    expect(fold(rated('satisfied')).revisit).toBeUndefined();
    expect(boardQueuesOf(fold(rated('satisfied')), NOW)).toEqual([]);
  });

  it('a follow-up call answers it: the case stays closed and leaves the queue; a second call is refused', () => {
    const { state, events } = run(fold(rated('dissatisfied')), [['town01', { type: 'call_revisit', note: '已电话说明，群众表示理解', outcome: 'basically_satisfied' }]]);
    expect(events[0]!.type).toBe('revisit_called');
    expect(state.status).toBe('closed');
    expect(state.satisfaction).toBe('dissatisfied'); // the rating is a fact: the call does not rewrite it
    expect(state.revisit).toMatchObject({ status: 'called', by: 'town01', note: '已电话说明，群众表示理解', outcome: 'basically_satisfied', called: 1, reopened: 0 });
    expect(boardQueuesOf(state, NOW)).toEqual([]);
    const again = decide(state, { type: 'call_revisit', note: '再打一次' }, ctx('town01'));
    expect(again).toEqual({ ok: false, error: 'no_revisit_pending' });
  });

  it('a call that did not reach the resident is recorded, and the revisit keeps waiting', () => {
    const tried = run(fold(rated('dissatisfied')), [
      ['town01', { type: 'call_revisit', note: '电话无人接听', outcome: 'unreachable' }],
      ['town01', { type: 'call_revisit', note: '再打仍无人接', outcome: 'unreachable' }],
    ]);
    expect(tried.state.revisit).toMatchObject({ status: 'pending', unreached: 2, note: '再打仍无人接', called: 0 });
    expect(boardQueuesOf(tried.state, NOW)).toEqual(['revisit']);
    const reached = run(tried.state, [['town01', { type: 'call_revisit', note: '联系上了，已说明', outcome: 'satisfied' }]]);
    expect(reached.state.revisit).toMatchObject({ status: 'called', called: 1, outcome: 'satisfied' });
    expect(boardQueuesOf(reached.state, NOW)).toEqual([]);
  });

  it('a call without a pending revisit is refused, and a call needs its note', () => {
    expect(decide(fold(rated('satisfied')), { type: 'call_revisit', note: '回访' }, ctx('town01'))).toEqual({ ok: false, error: 'no_revisit_pending' });
    const s = fold(rated('dissatisfied'));
    expect(decide(s, { type: 'call_revisit', note: '   ' }, ctx('town01'))).toMatchObject({ ok: false, error: 'bad_request' });
    expect(decide(s, { type: 'call_revisit', note: '回访', outcome: 'maybe' }, ctx('town01'))).toMatchObject({ ok: false, error: 'bad_request' });
  });

  it('a reopen answers it as reopened; the revisit outlives the reopen and a second 不满意 opens round 2', () => {
    const first = run(fold(rated('dissatisfied')), [['town01', { type: 'reopen', reason: '群众反映仍有积水，重新交办' }]]);
    expect(first.state.status).toBe('accepted');
    expect(first.state.satisfaction).toBeUndefined();
    expect(first.state.revisit).toMatchObject({ status: 'reopened', round: 1, by: 'town01', note: '群众反映仍有积水，重新交办', reopened: 1, called: 0 });
    expect(boardQueuesOf(first.state, NOW)).not.toContain('revisit');

    const second = run(first.state, [
      ['town01', { type: 'dispatch', unitId: 'u002' }],
      ['unit002', { type: 'resolve', note: '重新疏通' }],
      ['w0001', { type: 'verify' }],
      ['w0001', { type: 'close' }],
      ['w0001', { type: 'feedback', satisfaction: 'dissatisfied' }],
    ]);
    expect(second.state.revisit).toMatchObject({ status: 'pending', round: 2, reopened: 1, called: 0 });
    expect(second.state.revisit!.by).toBeUndefined();
    expect(boardQueuesOf(second.state, NOW)).toEqual(['revisit']);

    const third = run(second.state, [['county', { type: 'call_revisit', note: '县中心回访' }]]);
    expect(third.state.revisit).toMatchObject({ status: 'called', round: 2, reopened: 1, called: 1 });
  });

  it('a reopen of a case whose revisit was already called leaves the revisit as called', () => {
    const called = run(fold(rated('dissatisfied')), [['town01', { type: 'call_revisit', note: '说明' }]]);
    const reopened = run(called.state, [['town01', { type: 'reopen', reason: '再处理' }]]);
    expect(reopened.state.revisit).toMatchObject({ status: 'called', reopened: 0, called: 1 });
  });

  it('the fold of decided events gives the states decide gave', () => {
    const base = rated('dissatisfied');
    const { state, events } = run(fold(base), [['town01', { type: 'call_revisit', note: '已回访', outcome: 'unreachable' }]]);
    const folded = fold([...events, ...base].reverse());
    expect(folded.revisit).toEqual(state.revisit);
  });
});

describe('二次回访: who may answer it', () => {
  const pending = () => fold(rated('dissatisfied'));

  it.each([
    ['unit002', 'role_not_allowed'],
    ['w0001', 'role_not_allowed'],
    ['st01v01', 'role_not_allowed'],
    ['resident01', 'role_not_allowed'],
    ['p0001', 'role_not_allowed'],
    ['trainer01', 'role_not_allowed'],
    ['town02', 'out_of_scope'],
  ])('%s may not record a follow-up call (%s)', (actor, error) => {
    expect(decide(pending(), { type: 'call_revisit', note: '伪造的回访' }, ctx(actor))).toEqual({ ok: false, error });
  });

  it('a forged call in the history has no effect: the revisit stays pending on every replica', () => {
    const forged = [ev('revisit_called', 'unit002', 7), ev('revisit_called', 'resident01', 8), ev('revisit_called', 'town02', 9)];
    const s = fold([...rated('dissatisfied'), ...forged]);
    expect(s.revisit?.status).toBe('pending');
    expect(s.superseded.map((x) => x.reason)).toEqual(['role_not_allowed', 'role_not_allowed', 'out_of_scope']);
  });

  it.each(['town01', 'county', 'admin'])('%s may', (actor) => {
    expect(decide(pending(), { type: 'call_revisit', note: '回访' }, ctx(actor)).ok).toBe(true);
  });

  it('history is facts: a call folds with the authority its receipt recorded, whatever the org doc says later', () => {
    const events = [...rated('dissatisfied'), ev('revisit_called', 'town01', 7)];
    const receipts = new Map(events.map((e) => [e.id, makeReceipt(e, IDX, Number(e.at.slice(0, 13)))]));
    const before = foldCase(events, contextFrom(receipts, IDX))!;
    // The town center's account is removed afterwards: the receipted past does not change.
    const later = indexOrg({ ...ORG, users: ORG.users.filter((u) => u.id !== 'town01') });
    const after = foldCase(events, contextFrom(receipts, later))!;
    expect(before.revisit?.status).toBe('called');
    expect(after.revisit).toEqual(before.revisit);
  });
});

describe('代报 and channels', () => {
  const onBehalf = { name: '王大爷', phone: '138 0000 1234', via: 'phone' as const };

  it('staff report on a resident\'s behalf: the phone is stored normalised, the channel is proxy_<via>', () => {
    const d = decide(null, { type: 'report', ...REPORT, onBehalf }, ctx('w0001'));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.state.onBehalf).toEqual({ name: '王大爷', phone: '13800001234', via: 'phone' });
    expect(isResidentReport(d.state)).toBe(false);
  });

  it('a resident may not report "for" someone else (that phone\'s owner would follow the case)', () => {
    const resident = { ...REPORT, onBehalf };
    expect(decide(null, { type: 'report', ...resident }, ctx('resident01'))).toEqual({ ok: false, error: 'role_not_allowed' });
    expect(decide(null, { type: 'report', ...REPORT }, ctx('resident01')).ok).toBe(true);
  });

  it('a bad phone or channel is refused', () => {
    expect(decide(null, { type: 'report', ...REPORT, onBehalf: { ...onBehalf, phone: '12345' } }, ctx('w0001'))).toMatchObject({ ok: false, error: 'bad_request' });
    expect(decide(null, { type: 'report', ...REPORT, onBehalf: { ...onBehalf, via: 'letter' } }, ctx('w0001'))).toMatchObject({ ok: false, error: 'bad_request' });
  });

  it("residents' own reports are the grid worker's 居民上报", () => {
    const d = decide(null, { type: 'report', ...REPORT }, ctx('resident01'));
    expect(d.ok && isResidentReport(d.state)).toBe(true);
    expect(isResidentReport({ reportChannel: 'open311' })).toBe(true);
    expect(isResidentReport({ reportChannel: 'proxy_visit' })).toBe(false);
  });
});

describe('考核: revisits and channels', () => {
  function report(actor: string, extra: object = {}): CaseState {
    const d = decide(null, { type: 'report', ...REPORT, ...extra }, ctx(actor, freshId(T0)));
    if (!d.ok) throw new Error(d.error);
    return d.state;
  }

  it('counts dissatisfied cases, revisits waiting, reopened and called, and reports by channel', () => {
    const pending = fold(rated('dissatisfied'));
    const called = run(pending, [['town01', { type: 'call_revisit', note: '说明' }]]).state;
    const reopened = run(pending, [['town01', { type: 'reopen', reason: '重新交办' }]]).state;
    const happy = fold(rated('satisfied'));
    const cases = [
      pending,
      called,
      reopened,
      happy,
      report('resident01'),
      report('w0001', { onBehalf: { name: '甲', via: 'phone' } }),
      report('w0001', { onBehalf: { name: '乙', via: 'visit' } }),
      report('st01v01', { onBehalf: { name: '丙', via: 'in_person' } }),
      report('town01', { channel: 'open311' }),
    ];
    const period = { fromMs: T0 - 86_400_000, toMs: NOW + 86_400_000 };
    const f = assess(cases, { kind: 'town', townId: 't01' }, period, NOW);
    expect(f).toMatchObject({ revisits: 3, revisitPending: 1, revisitsReopened: 1, revisitsCalled: 1, dissatisfied: 2 });
    expect(f.channels).toEqual({ staff: 4, resident_app: 1, open311: 1, proxy_phone: 1, proxy_visit: 1, proxy_in_person: 1, api: 0 });
    // Every scope of the one-pass report agrees.
    expect(assessAll(cases, period, NOW).towns.t01).toEqual(f);
  });

  it('a read-model row counts by its stored channel and revisit', () => {
    const row = { status: 'closed' as const, townId: 't01', gridId: 'g0001', reportedMs: T0, reportChannel: 'proxy_phone' as const, revisit: { status: 'called' as const, reopened: 2, called: 1 } };
    const f = assess([row], { kind: 'county' }, { fromMs: T0, toMs: NOW }, NOW);
    expect(f).toMatchObject({ revisits: 1, revisitPending: 0, revisitsReopened: 2, revisitsCalled: 1 });
    expect(f.channels.proxy_phone).toBe(1);
  });
});
