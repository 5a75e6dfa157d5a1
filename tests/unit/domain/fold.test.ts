import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type CaseEvent, type EventType } from '../../../src/domain/events.ts';
import { foldAll, foldCase, groupByCase } from '../../../src/domain/fold.ts';
import { seededRandom } from '../../../src/domain/ids.ts';
import { DATA, ev, happyPath, IDX, ORG, pick, shuffle, T0, type Rnd } from './fixture.ts';

function permutations<T>(list: readonly T[]): T[][] {
  if (list.length <= 1) return [[...list]];
  const out: T[][] = [];
  list.forEach((x, i) => {
    for (const rest of permutations([...list.slice(0, i), ...list.slice(i + 1)])) out.push([x, ...rest]);
  });
  return out;
}

const ACTORS = ORG.users.map((u) => u.id);
const OTHER_DATA: Partial<{ [K in EventType]: CaseEvent<K>['data'] }> = {
  dispatched: { unitId: 'u003' },
  resolved: { note: '另一单位处置' },
  reported: { ...DATA.reported, gridId: 'g0002', description: '另一份上报' },
};

/**
 * A random history of one case: a valid path cut at a random point, then noise: events of random types by random
 * actors at random times on three nodes, some valid, most conflicting or out of place.
 */
function randomHistory(r: Rnd, caseId: string): CaseEvent[] {
  const out = happyPath(caseId).slice(0, 1 + Math.floor(r.next() * 6));
  const noise = Math.floor(r.next() * 8);
  for (let i = 0; i < noise; i++) {
    const type = pick(r, EVENT_TYPES);
    const data = r.next() < 0.5 ? OTHER_DATA[type] : undefined;
    out.push(
      ev(type, pick(r, ACTORS), Math.floor(r.next() * 8), {
        caseId,
        node: pick(r, ['n1', 'n2', 'n3']),
        counter: Math.floor(r.next() * 3),
        ...(data ? { data } : {}),
      } as Parameters<typeof ev>[3]),
    );
  }
  return out;
}

describe('fold: the same events give the same state whatever the delivery', () => {
  it('every permutation of a history with a conflict folds to the same state', () => {
    const events = [...happyPath().slice(0, 5), ev('dispatched', 'county', 2, { node: 'n2', data: { unitId: 'u001' } })];
    const expected = foldCase(events, IDX);
    expect(expected?.status).toBe('verified');
    const perms = permutations(events);
    expect(perms).toHaveLength(720);
    for (const p of perms) expect(foldCase(p, IDX)).toEqual(expected);
  });

  it('random histories: shuffles and duplicated deliveries give deep-equal states (seeded, 300 cases)', () => {
    const r = seededRandom(2025);
    let applied = 0;
    let superseded = 0;
    const statuses = new Set<string>();
    for (let n = 0; n < 300; n++) {
      const caseId = `01JX${String(n).padStart(22, '0')}`;
      const events = randomHistory(r, caseId);
      const expected = foldCase(events, IDX);
      for (let k = 0; k < 8; k++) {
        const delivered = shuffle(r, events);
        // duplicate a few deliveries (a relay resending, two peers sending the same event)
        for (let d = Math.floor(r.next() * 4); d > 0; d--) delivered.splice(Math.floor(r.next() * delivered.length), 0, pick(r, events));
        expect(foldCase(delivered, IDX)).toEqual(expected);
      }
      if (expected) {
        statuses.add(expected.status);
        for (const t of expected.timeline) {
          if (t.applied) applied++;
          else superseded++;
        }
        // the timeline holds each distinct event once, in (at, id) order
        expect(expected.timeline).toHaveLength(new Set(events.map((e) => e.id)).size);
        const keys = expected.timeline.map((t) => `${t.event.at}|${t.event.id}`);
        expect([...keys].sort()).toEqual(keys);
      }
    }
    // the property is only worth something if the histories were varied
    expect(applied).toBeGreaterThan(500);
    expect(superseded).toBeGreaterThan(300);
    expect(statuses.size).toBeGreaterThanOrEqual(5);
  });

  it('foldAll over interleaved cases equals folding each case alone', () => {
    const r = seededRandom(7);
    const byCase = Array.from({ length: 20 }, (_, n) => randomHistory(r, `01JY${String(n).padStart(22, '0')}`));
    const all = shuffle(r, byCase.flat());
    const folded = foldAll([...all, ...all.slice(0, 10)], IDX);
    for (const events of byCase) {
      const alone = foldCase(events, IDX);
      expect(folded.get(events[0]!.caseId) ?? null).toEqual(alone);
    }
    expect(groupByCase(all).size).toBe(20);
  });

  it('two different events under one id fold the same whichever arrives first', () => {
    const report = ev('reported', 'w0001', 0);
    const a = ev('dispatched', 'town01', 2, { id: '01JXAAAAAAAAAAAAAAAAAAAAAA', data: { unitId: 'u002' } });
    const b = { ...a, data: { unitId: 'u001' } } as CaseEvent; // same id and stamp, other content (a faulty or forged peer)
    const base = [report, ev('accepted', 'town01', 1)];
    const one = foldCase([...base, a, b], IDX);
    const two = foldCase([...base, b, a], IDX);
    expect(one).toEqual(two);
    expect(one?.timeline).toHaveLength(3);
  });
});

describe('fold: conflicts end deterministically', () => {
  it('two concurrent dispatches: the earlier stamp wins, the other is kept as superseded', () => {
    const base = happyPath().slice(0, 2);
    const d1 = ev('dispatched', 'town01', 2, { node: 'pc-a', data: { unitId: 'u002', planId: 'P001' } });
    const d2 = ev('dispatched', 'county', 2, { node: 'pc-b', data: { unitId: 'u001', planId: 'P002' } });
    for (const order of [[d1, d2], [d2, d1]]) {
      const s = foldCase([...base, ...order], IDX)!;
      expect(s.status).toBe('dispatched');
      expect(s.unitId).toBe('u002');
      expect(s.planId).toBe('P001');
      expect(s.dueHours).toBe(24);
      expect(s.timeline.map((t) => [t.event.id, t.applied, t.reason])).toEqual([
        [base[0]!.id, true, undefined],
        [base[1]!.id, true, undefined],
        [d1.id, true, undefined],
        [d2.id, false, 'state_not_allowed'],
      ]);
    }
  });

  it('two dispatches with the same stamp: the smaller id wins', () => {
    const base = happyPath().slice(0, 2);
    const d1 = ev('dispatched', 'town01', 2, { id: '01JXZZZZZZZZZZZZZZZZZZZZZZ', data: { unitId: 'u002' } });
    const d2 = ev('dispatched', 'county', 2, { id: '01JX0000000000000000000001', data: { unitId: 'u001' } });
    expect(d1.at).toBe(d2.at);
    for (const order of [[d1, d2], [d2, d1]]) {
      const s = foldCase([...base, ...order], IDX)!;
      expect(s.unitId).toBe('u001');
      expect(s.timeline.find((t) => t.event.id === d1.id)).toMatchObject({ applied: false, reason: 'state_not_allowed' });
    }
  });

  it('a resolve by a unit the case was not dispatched to has no effect', () => {
    const events = happyPath().slice(0, 3); // dispatched to u002
    const wrong = ev('resolved', 'unit003', 3, { data: { note: '不是我们的案件' } });
    const right = ev('resolved', 'unit002', 4);
    for (const order of [[wrong, right], [right, wrong]]) {
      const s = foldCase([...events, ...order], IDX)!;
      expect(s.status).toBe('resolved');
      expect(s.resolution).toBe('已修复');
      expect(s.timeline.find((t) => t.event.id === wrong.id)).toMatchObject({ applied: false, reason: 'out_of_scope' });
    }
  });

  it('a wrong-unit resolve stays superseded even when it is stamped before the right one', () => {
    const events = happyPath().slice(0, 3);
    const wrong = ev('resolved', 'unit001', 3);
    const right = ev('resolved', 'unit002', 3, { node: 'n2' });
    const s = foldCase([right, ...events, wrong], IDX)!;
    expect(s.status).toBe('resolved');
    expect(s.timeline.filter((t) => !t.applied).map((t) => [t.event.id, t.reason])).toEqual([[wrong.id, 'out_of_scope']]);
  });

  it('an event stamped before the report is superseded as unknown_case; the case still folds', () => {
    const report = ev('reported', 'w0001', 5);
    const early = ev('accepted', 'town01', 1);
    const s = foldCase([report, early], IDX)!;
    expect(s.status).toBe('reported');
    expect(s.timeline.map((t) => [t.event.id, t.applied, t.reason])).toEqual([
      [early.id, false, 'unknown_case'],
      [report.id, true, undefined],
    ]);
  });

  it('a second report of the same case is superseded', () => {
    const r1 = ev('reported', 'w0001', 0);
    const r2 = ev('reported', 'resident01', 1, { data: { ...DATA.reported, description: '重复' } });
    const s = foldCase([r2, r1], IDX)!;
    expect(s.reporter).toBe('w0001');
    expect(s.description).toBe(DATA.reported.description);
    expect(s.timeline[1]).toMatchObject({ applied: false, reason: 'duplicate_case' });
  });

  it('a report received later under the same case id never replaces the first, even stamped earlier', async () => {
    const { contextFrom, makeReceipt } = await import('../../../src/domain/receipts.ts');
    const first = ev('reported', 'w0001', 10);
    const forged = ev('reported', 'st01v01', 0, { data: { ...DATA.reported, description: '篡改' } });
    const receipts = new Map([
      [first.id, makeReceipt(first, IDX, T0 + 10 * 60_000)],
      [forged.id, makeReceipt(forged, IDX, T0 + 60 * 60_000)],
    ]);
    const s = foldCase([forged, first], contextFrom(receipts, IDX))!;
    expect(s).toMatchObject({ reporter: 'w0001', description: DATA.reported.description });
    expect(s.superseded).toMatchObject([{ eventId: forged.id, reason: 'duplicate_case' }]);
  });

  it('a case without a valid report folds to nothing and foldAll leaves it out', () => {
    const orphan = [ev('accepted', 'town01', 1, { caseId: '01JXORPHAN0000000000000000' })];
    expect(foldCase(orphan, IDX)).toBeNull();
    expect(foldCase([ev('reported', 'w0003', 0)], IDX)).toBeNull(); // worker of another grid
    const all = foldAll([...orphan, ...happyPath()], IDX);
    expect([...all.keys()]).toEqual([happyPath()[0]!.caseId]);
    expect(all.get(happyPath()[0]!.caseId)?.status).toBe('closed');
  });

  it('the happy path records every field of the state', () => {
    const events = happyPath();
    const s = foldCase(events, IDX)!;
    const ms = (i: number) => Number(events[i]!.at.slice(0, 13));
    expect(s).toMatchObject({
      status: 'closed',
      townId: 't01',
      gridId: 'g0001',
      villageId: 't01v01',
      category: '0604',
      reporter: 'w0001',
      reportedAt: events[0]!.at,
      reportedMs: ms(0),
      updatedAt: events[5]!.at,
      unitId: 'u002',
      planId: 'P001',
      dueHours: 24,
      dispatchedMs: ms(2),
      resolvedMs: ms(3),
      closedMs: ms(5),
      resolution: '已修复',
      photos: [],
    });
    expect(s.timeline.every((t) => t.applied)).toBe(true);
  });

  it('a dispatch takes its due hours from the command, else the plan, else 24', () => {
    const base = happyPath().slice(0, 2);
    const due = (data: CaseEvent<'dispatched'>['data']) => foldCase([...base, ev('dispatched', 'town01', 2, { data })], IDX)?.dueHours;
    expect(due({ unitId: 'u002', planId: 'P002', dueHours: 48 })).toBe(48);
    expect(due({ unitId: 'u002', planId: 'P002' })).toBe(4);
    expect(due({ unitId: 'u002' })).toBe(24);
  });
});

describe('fold: the winner of a race is the event that changed the status', () => {
  // Events that apply without changing the status: a supervision notice, a checklist step, an extension request.
  // A later losing event ran into the status, so its winner is the dispatch, never the note made after it.
  const notes = [
    ['supervised', 'town01'],
    ['checklist', 'unit002'],
    ['extension_requested', 'unit002'],
  ] as const;
  for (const [type, actor] of notes) {
    it(`a dispatch lost to an earlier dispatch names that dispatch, not the '${type}' applied between them`, () => {
      const base = happyPath().slice(0, 2); // reported, accepted
      const won = ev('dispatched', 'town01', 2, { node: 'pc-a' });
      const note = ev(type, actor, 3, { node: 'pc-a' });
      const lost = ev('dispatched', 'county', 4, { node: 'pc-b', data: { unitId: 'u001' } });
      const s = foldCase([lost, note, ...base, won], IDX)!;
      expect(s.status).toBe('dispatched');
      expect(s.unitId).toBe('u002');
      expect(s.timeline.map((t) => [t.event.type, t.applied])).toEqual([
        ['reported', true],
        ['accepted', true],
        ['dispatched', true],
        [type, true],
        ['dispatched', false],
      ]);
      expect(s.superseded).toHaveLength(1);
      expect(s.superseded[0]!.eventId).toBe(lost.id);
      expect(s.superseded[0]!.reason).toBe('state_not_allowed');
      expect(s.superseded[0]!.winner).toEqual({ eventId: won.id, type: 'dispatched', actor: 'town01', at: won.at });
    });
  }

  it('a loser that meets a case whose last change was several notes ago still names the status change', () => {
    const base = happyPath().slice(0, 3); // reported, accepted, dispatched to u002
    const started = ev('started', 'unit002', 3);
    const n1 = ev('checklist', 'unit002', 4);
    const n2 = ev('supervised', 'town01', 5);
    const lateAck = ev('acknowledged', 'unit002', 6, { node: 'n2' }); // the unit's other device: too late, already started
    const s = foldCase([...base, started, n1, n2, lateAck], IDX)!;
    expect(s.status).toBe('in_progress');
    expect(s.superseded.map((x) => [x.eventId, x.reason, x.winner?.eventId])).toEqual([[lateAck.id, 'state_not_allowed', started.id]]);
  });
});
