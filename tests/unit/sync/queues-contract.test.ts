/**
 * One rule for the dispatch board: the read model's queues (indexes in Dexie, src/storage/readmodel.ts) hold
 * exactly the cases the domain's `boardQueuesOf` puts in them, for random histories that walk every path a case
 * can take (returns, extensions, failed verifications, withdrawals, reopenings, 二次回访, helpers pending: issue 17) and deadlines both running and
 * stopped, some past `now` and some not.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EVENT_COMMAND, decide, type Command } from '../../../src/domain/commands.ts';
import type { CaseEvent, EventType } from '../../../src/domain/events.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import { newId, seededRandom } from '../../../src/domain/ids.ts';
import type { UserInfo } from '../../../src/domain/org.ts';
import { BOARD_QUEUES, boardQueuesOf } from '../../../src/domain/queues.ts';
import { allowedActions, type CaseState } from '../../../src/domain/workflow.ts';
import type { SyncEngine } from '../../../src/sync/engine.ts';
import { DOC_T01, ORG_INDEX, T0, USERS, eventsUpdate, expectedStates, freshNs, orgUpdate, seqRandom, testEngine } from './fixtures.ts';
import { seedLocalDoc } from './loopback.ts';

const HOUR = 3_600_000;
const NOW = T0;

/** The data a command of each type needs, drawn at random. */
function command(type: EventType, rnd: () => number, state: CaseState): Command {
  const name = EVENT_COMMAND[type as keyof typeof EVENT_COMMAND];
  switch (name) {
    case 'dispatch': {
      // Issue 17: half the dispatches name the other unit as helper (协办: the 等待协办 queue).
      const unitId = rnd() < 0.5 ? 'u001' : 'u002';
      const helpers = rnd() < 0.5 ? { helperUnitIds: [unitId === 'u001' ? 'u002' : 'u001'] } : {};
      return { type: name, unitId, dueHours: 1 + Math.floor(rnd() * 72), ...helpers } as Command;
    }
    case 'record_assist':
      return { type: name, dispatchId: state.dispatchId!, note: '已配合' } as Command;
    case 'confirm_assist':
      return { type: name, dispatchId: state.dispatchId! } as Command;
    case 'release_assist':
      return { type: name, dispatchId: state.dispatchId!, unitId: state.helpers!.find((h) => h.status === 'assisting')!.unitId, reason: '解除' } as Command;
    case 'request_extension':
      return { type: name, hours: 1 + Math.floor(rnd() * 48), reason: '材料未到' } as Command;
    case 'decide_extension':
      return { type: name, approve: rnd() < 0.5 } as Command;
    case 'feedback':
      // 不满意 opens a 二次回访 (the revisit queue), which a call or a reopen answers (issue 13).
      return { type: name, satisfaction: rnd() < 0.6 ? 'dissatisfied' : 'satisfied' } as Command;
    case 'call_revisit':
      return { type: name, note: '已电话回访' } as Command;
    case 'reject':
    case 'return':
    case 'fail_verification':
    case 'withdraw':
    case 'reopen':
      return { type: name, reason: '原因' } as Command;
    case 'resolve':
    case 'supervise':
      return { type: name, note: '处理' } as Command;
    default:
      return { type: name } as Command;
  }
}

/** Random walks through the workflow, each step by someone allowed to make it, at times up to now. */
function randomHistory(cases: number, seed: number): CaseEvent[] {
  const rng = seededRandom(seed);
  const rnd = () => rng.next();
  const people: UserInfo[] = [USERS.town01!, USERS.unit001!, USERS.unit002!, USERS.w0001!, USERS.w0002!, USERS.w0003!];
  const out: CaseEvent[] = [];
  for (let i = 0; i < cases; i++) {
    // Reported within the last four days, steps minutes to a day apart: deadlines fall on both sides of now.
    let ms = NOW - Math.floor(rnd() * 96 * HOUR);
    const reporter = people[3 + (i % 3)]!;
    const caseId = newId(ms, rng.bytes);
    const at = (actor: UserInfo) => formatHlc({ ms, counter: 0, node: actor.id });
    const first = decide(null, { type: 'report', category: '0301', description: `随机案件 ${i}`, location: { lat: 41.1, lng: 122 }, gridId: reporter.gridId!, townId: 't01' } as Command, {
      actor: reporter,
      org: ORG_INDEX,
      at: at(reporter),
      eventId: newId(ms, rng.bytes),
      caseId,
    });
    if (!first.ok) throw new Error(first.error);
    out.push(first.event);
    let state: CaseState = first.state;
    // Each case stops after a step with a chance of one in four: every state is left waiting somewhere.
    // (one case in ten walks on longer, so that closed cases, ratings and 二次回访 occur too)
    const stop = i % 10 === 0 ? 0.05 : 0.25;
    while (rnd() >= stop) {
      if (state.status === 'closed' && state.satisfaction === undefined && i % 2 === 0) break; // rated below
      const next = ms + Math.floor(rnd() * 12 * HOUR);
      if (next >= NOW) break;
      ms = next;
      const choices = people.flatMap((p) => allowedActions(state, p, ORG_INDEX).filter((t) => !['merged', 'self_resolved', 'checklist'].includes(t)).map((t) => [p, t] as const));
      if (!choices.length) break;
      const [actor, type] = choices[Math.floor(rnd() * choices.length)]!;
      const d = decide(state, command(type, rnd, state), { actor, org: ORG_INDEX, at: at(actor), eventId: newId(ms, rng.bytes), caseId });
      if (!d.ok) throw new Error(`${type} by ${actor.id}: ${d.error}`);
      out.push(d.event);
      state = d.state;
    }
    // A walk rarely gets as far as a rating: a case it left closed and unrated is rated 不满意
    // (the 二次回访 queue, issue 13).
    if (state.status === 'closed' && state.satisfaction === undefined && ms + 60_000 < NOW) {
      const d = decide(state, { type: 'feedback', satisfaction: 'dissatisfied' }, { actor: USERS.town01!, org: ORG_INDEX, at: formatHlc({ ms: ms + 60_000, counter: 0, node: 'town01' }), eventId: newId(ms + 60_000, rng.bytes), caseId });
      if (!d.ok) throw new Error(d.error);
      out.push(d.event);
    }
  }
  return out;
}

const running: SyncEngine[] = [];
afterEach(async () => {
  for (const e of running.splice(0)) await e.stop();
});

describe('board queues: the read model equals the domain', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`random history ${seed}: every board queue holds exactly the cases boardQueuesOf puts in it`, async () => {
      const events = randomHistory(200, seed);
      const ns = freshNs(`q${seed}`);
      await seedLocalDoc(ns, 'town01', 'org', orgUpdate());
      await seedLocalDoc(ns, 'town01', DOC_T01, eventsUpdate(events));
      const user = USERS.town01!;
      const e = testEngine(running, user, ns, { now: () => NOW, random: seqRandom(seed), online: () => false });
      await e.start();
      const states = [...expectedStates(events, user).values()];
      const sizes: Record<string, number> = {};
      for (const q of BOARD_QUEUES) {
        const want = states.filter((s) => boardQueuesOf(s, NOW).includes(q)).map((s) => s.id).sort();
        const got = (await e.queryQueue(q, 0, 10_000)).map((r) => r.id).sort();
        expect({ q, ids: got }).toEqual({ q, ids: want });
        expect(await e.countQueue(q)).toBe(want.length);
        sizes[q] = want.length;
      }
      // The history is worth something only if every queue has cases in it.
      for (const q of BOARD_QUEUES) expect({ q, n: sizes[q]! > 0, sizes }).toEqual({ q, n: true, sizes });
    });
  }
});
