// Issue 11, defect 4: a case read while the user's own action on it is still being written (the board's dispatch,
// then the detail opened at once) must show that action: reads of a case wait for the commands in flight on it.
// Before the fix, getCase folded the doc as it was before the dispatch (the append first records the doc's
// client id in IndexedDB, then writes), so the detail showed 已受理 with the dispatch form.
import { afterEach, describe, expect, it } from 'vitest';
import { decide, type Command } from '../../../src/domain/commands.ts';
import type { CaseEvent } from '../../../src/domain/events.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import { newId, seededRandom } from '../../../src/domain/ids.ts';
import type { CaseState } from '../../../src/domain/workflow.ts';
import { SyncEngine } from '../../../src/sync/engine.ts';
import { DOC_T01, ORG_INDEX, T0, USERS, eventsUpdate, freshNs, grantsFor, orgUpdate, seqRandom } from './fixtures.ts';
import { seedLocalDoc } from './loopback.ts';

const NOW = T0;
const running: SyncEngine[] = [];
afterEach(async () => {
  for (const e of running.splice(0)) await e.stop();
});

const rnd = seededRandom(5);
function accepted(): { id: string; events: CaseEvent[] } {
  const id = newId(NOW - 3_600_000, rnd.bytes);
  let state: CaseState | null = null;
  const events: CaseEvent[] = [];
  const steps: Array<[number, string, Command]> = [
    [60, 'w0001', { type: 'report', category: '0301', description: '邻里纠纷', location: { lat: 41.1, lng: 122.0 }, gridId: 'g0001', townId: 't01' }],
    [30, 'town01', { type: 'accept' }],
  ];
  for (const [minAgo, who, cmd] of steps) {
    const ms = NOW - minAgo * 60_000;
    const d = decide(state, cmd, { actor: USERS[who]!, org: ORG_INDEX, at: formatHlc({ ms, counter: 0, node: 'fx' }), eventId: newId(ms, rnd.bytes), caseId: id });
    if (!d.ok) throw new Error(d.error);
    events.push(d.event);
    state = d.state;
  }
  return { id, events };
}

describe('a case read while an action on it is being written', () => {
  it('shows the action (the detail right after a dispatch shows 已派遣)', async () => {
    const c = accepted();
    const user = USERS.town01!;
    const ns = freshNs('raa');
    await seedLocalDoc(ns, user.id, 'org', orgUpdate());
    await seedLocalDoc(ns, user.id, DOC_T01, eventsUpdate(c.events));
    const e = new SyncEngine({ ns, user, grants: grantsFor(user), token: user.id, transport: null, now: () => NOW, random: seqRandom(3), online: () => false, flushMs: 5, pollMs: 50 });
    running.push(e);
    await e.start();
    await e.settled();
    expect((await e.getCase(c.id))!.status).toBe('accepted');

    // The dispatch is under way; the detail opens and reads the case before the dispatch has resolved.
    const dispatching = e.act(c.id, { type: 'dispatch', unitId: 'u001' });
    const read = e.getCase(c.id);
    const [decision, seen] = await Promise.all([dispatching, read]);
    expect(decision.ok).toBe(true);
    expect(seen!.status).toBe('dispatched');
  });
});
