// Issue 11: what a resident reads of their own report (server/reporter.ts): every status step, in order, with the
// reporter's own name and the unit's id, never a staff actor, an internal note, a supervision or an extension.
import { describe, expect, it } from 'vitest';
import { reporterView } from '../../server/reporter.ts';
import type { Command } from '../../src/domain/commands.ts';
import type { CaseState } from '../../src/domain/workflow.ts';
import { Actor, USERS } from '../integration/relay-harness.ts';

describe('reporterView', () => {
  it('keeps the status steps and drops staff details along a case with a return, an extension and a supervision', () => {
    const resident = new Actor(USERS.resident01);
    const town = new Actor(USERS.town01);
    const unit = new Actor(USERS.unit001);
    const county = new Actor(USERS.county);
    const w = new Actor(USERS.w0001);
    let { state } = resident.report('g0001', '楼道灯坏了');
    const run = (a: Actor, c: Command) => {
      ({ state } = a.observe(...state.timeline.map((t) => t.event)).act(state, state.id, c));
    };
    run(town, { type: 'accept', note: '内部：先打电话' } as Command);
    run(town, { type: 'dispatch', unitId: 'u001', note: '内部：找老王' } as Command);
    run(unit, { type: 'return', reason: '内部：不归我们管' } as Command);
    run(town, { type: 'dispatch', unitId: 'u001', note: '内部：再派' } as Command);
    run(unit, { type: 'start', note: '内部：出发' } as Command);
    run(unit, { type: 'request_extension', hours: 24, reason: '内部：缺材料' } as Command);
    run(county, { type: 'supervise', note: '内部：督办' } as Command);
    run(unit, { type: 'resolve', note: '已更换灯泡' } as Command);
    run(w, { type: 'verify' } as Command);
    run(town, { type: 'close' } as Command);
    const view: CaseState = reporterView(state);
    expect(view.status).toBe('closed');
    expect(view.timeline.map((t) => t.event.type)).toEqual(['reported', 'accepted', 'dispatched', 'returned', 'dispatched', 'started', 'resolved', 'verified', 'closed']);
    expect(view.timeline.map((t) => t.event.actor).filter(Boolean)).toEqual(['resident01']);
    const text = JSON.stringify(view);
    expect(text).not.toContain('内部');
    for (const id of ['town01', 'unit001', 'county', 'w0001']) expect(text, id).not.toContain(`"${id}"`);
    expect(text).toContain('已更换灯泡');
    expect(view).toMatchObject({ unitId: 'u001', supervisions: [], extensionHours: 0, checklist: [], superseded: [] });
    expect(view.extension).toBeUndefined();
    expect(view.returned).toBeUndefined();
  });
});
