import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type CaseEvent, type EventType } from '../../../src/domain/events.ts';
import { foldCase } from '../../../src/domain/fold.ts';
import { ROLES, type Role, type UserInfo } from '../../../src/domain/org.ts';
import { allowedActions, inScope, roleMayEver, STATUSES, step, TRANSITIONS, type CaseState, type Status } from '../../../src/domain/workflow.ts';
import { DATA, ev, happyPath, IDX, IN_SCOPE, user } from './fixture.ts';

// The lifecycle as the issue states it, written out here rather than read from TRANSITIONS, so a change to the
// rules shows up as a failing row. `to: null` keeps the status.
const CENTER: Role[] = ['admin', 'county', 'town'];
const UNIT_HOLDS: Status[] = ['dispatched', 'acknowledged', 'in_progress', 'verification_failed'];
const RULES: Record<EventType, { roles: readonly Role[]; from: readonly Status[] | null; to: Status | null }> = {
  reported: { roles: ['admin', 'county', 'town', 'worker', 'secretary', 'resident', 'member'], from: null, to: 'reported' },
  accepted: { roles: CENTER, from: ['reported'], to: 'accepted' },
  rejected: { roles: CENTER, from: ['reported'], to: 'rejected' },
  dispatched: { roles: CENTER, from: ['accepted', 'returned'], to: 'dispatched' },
  acknowledged: { roles: ['unit'], from: ['dispatched'], to: 'acknowledged' },
  returned: { roles: ['unit'], from: ['dispatched', 'acknowledged'], to: 'returned' },
  started: { roles: ['unit'], from: ['dispatched', 'acknowledged', 'verification_failed'], to: 'in_progress' },
  resolved: { roles: ['unit'], from: UNIT_HOLDS, to: 'resolved' },
  verified: { roles: [...CENTER, 'worker'], from: ['resolved'], to: 'verified' },
  verification_failed: { roles: [...CENTER, 'worker'], from: ['resolved'], to: 'verification_failed' },
  closed: { roles: [...CENTER, 'worker'], from: ['verified'], to: 'closed' },
  feedback: { roles: [...CENTER, 'worker', 'secretary', 'resident', 'member'], from: ['closed'], to: null },
  self_resolved: { roles: ['worker'], from: ['reported'], to: 'closed' },
  extension_requested: { roles: ['unit'], from: UNIT_HOLDS, to: null },
  extension_decided: { roles: CENTER, from: UNIT_HOLDS, to: null },
  supervised: { roles: CENTER, from: UNIT_HOLDS, to: null },
  checklist: { roles: ['unit'], from: UNIT_HOLDS, to: null },
  withdrawn: { roles: [...CENTER, 'worker', 'secretary', 'resident', 'member'], from: ['reported', 'accepted', 'returned', 'dispatched', 'acknowledged'], to: 'withdrawn' },
  reopened: { roles: CENTER, from: ['closed', 'rejected', 'withdrawn', 'merged'], to: 'accepted' },
  merged: { roles: CENTER, from: ['reported', 'accepted', 'returned'], to: 'merged' },
  revisit_called: { roles: CENTER, from: ['closed'], to: null },
  assist_recorded: { roles: ['unit'], from: UNIT_HOLDS, to: null },
  assist_confirmed: { roles: ['unit'], from: UNIT_HOLDS, to: null },
  assist_released: { roles: CENTER, from: UNIT_HOLDS, to: null },
};

/** Histories that bring the fixture case (grid g0001, reported by w0001, plan P001 to unit u002) into each status. */
const PATHS: Record<Status, CaseEvent[]> = (() => {
  const r = ev('reported', 'w0001', 0);
  const acc = [r, ev('accepted', 'town01', 1)];
  const disp = [...acc, ev('dispatched', 'town01', 2)];
  const prog = [...disp, ev('acknowledged', 'unit002', 3), ev('started', 'unit002', 4)];
  const res = [...prog, ev('resolved', 'unit002', 5)];
  const ver = [...res, ev('verified', 'w0001', 6)];
  return {
    reported: [r],
    accepted: acc,
    rejected: [r, ev('rejected', 'town01', 1)],
    dispatched: disp,
    acknowledged: [...disp, ev('acknowledged', 'unit002', 3)],
    in_progress: prog,
    returned: [...disp, ev('returned', 'unit002', 3)],
    resolved: res,
    verification_failed: [...res, ev('verification_failed', 'w0001', 6)],
    verified: ver,
    closed: [...ver, ev('closed', 'w0001', 7)],
    withdrawn: [r, ev('withdrawn', 'w0001', 1)],
    merged: [r, ev('merged', 'town01', 1)],
  };
})();

/** The state a type is tried on: the status's path, plus a pending extension when deciding one, a 不满意 rating for a follow-up call. */
function stateFor(status: Status, type: EventType): CaseState {
  const extra =
    type === 'extension_decided' && UNIT_HOLDS.includes(status)
      ? [ev('extension_requested', 'unit002', 8)]
      : type === 'revisit_called' && status === 'closed'
        ? [ev('feedback', 'w0001', 8, { data: { satisfaction: 'dissatisfied' } })] // a 二次回访 waits (issue 13)
        : [];
  const s = foldCase([...PATHS[status], ...extra], IDX)!;
  expect(s.status).toBe(status);
  expect(s.superseded).toEqual([]);
  return s;
}

/** What the rules above say should happen to `type` by the in-scope user of `role` on a case in `status`. */
function expected(type: EventType, role: Role, status: Status | null): { ok: true; to: Status } | { ok: false; reason: string } {
  const rule = RULES[type];
  if (!rule.roles.includes(role)) return { ok: false, reason: 'role_not_allowed' };
  if (status === null) return rule.from === null ? { ok: true, to: rule.to! } : { ok: false, reason: 'unknown_case' };
  if (rule.from === null || !rule.from.includes(status)) return { ok: false, reason: 'state_not_allowed' };
  // withdraw and feedback by people (not the center): only the reporter (w0001), withdraw only while reported
  if ((type === 'withdrawn' || type === 'feedback') && (role === 'secretary' || role === 'resident' || role === 'member')) return { ok: false, reason: 'not_reporter' };
  if (type === 'withdrawn' && role === 'worker' && status !== 'reported') return { ok: false, reason: 'state_not_allowed' };
  // Issue 17: the fixture's dispatch names no helping units, and the fixture's helper events another dispatch
  // (tests/unit/domain/cohandle.test.ts tries them on a dispatch with helpers).
  if (type === 'assist_recorded' || type === 'assist_confirmed') return { ok: false, reason: 'stale_dispatch' };
  if (type === 'assist_released') return { ok: false, reason: 'not_helper' };
  return { ok: true, to: rule.to ?? status };
}

const STATUS_OR_NEW: (Status | null)[] = [null, ...STATUSES];
const rows = EVENT_TYPES.flatMap((type) => ROLES.map((role) => ({ type, role })));

describe('the transition table: every event type x every role x every state (actor in scope)', () => {
  it('covers 24 types x 9 roles x 14 states, and the table matches TRANSITIONS', () => {
    expect(rows).toHaveLength(24 * 9);
    expect(STATUS_OR_NEW).toHaveLength(14);
    for (const type of EVENT_TYPES) {
      expect([...TRANSITIONS[type].roles].sort(), type).toEqual([...RULES[type].roles].sort());
      expect(TRANSITIONS[type].from === null ? null : [...TRANSITIONS[type].from!].sort(), type).toEqual(RULES[type].from === null ? null : [...RULES[type].from!].sort());
      expect(TRANSITIONS[type].to, type).toBe(RULES[type].to);
    }
    let allowed = 0;
    for (const { type, role } of rows) for (const st of STATUS_OR_NEW) if (expected(type, role, st).ok) allowed++;
    expect(allowed).toBeGreaterThan(60);
  });

  it.each(rows)('$type by $role', ({ type, role }) => {
    const actor = IN_SCOPE[role];
    for (const status of STATUS_OR_NEW) {
      const state = status === null ? null : stateFor(status, type);
      const r = step(state, ev(type, actor, 10) as CaseEvent, IDX);
      const want = expected(type, role, status);
      if (want.ok) {
        expect(r.ok, `${type} by ${role} from ${status}: ${r.ok ? '' : r.reason}`).toBe(true);
        if (r.ok) expect(r.state.status, `${type} by ${role} from ${status}`).toBe(want.to);
      } else {
        expect(r, `${type} by ${role} from ${status}`).toEqual({ ok: false, reason: want.reason });
      }
    }
    expect(roleMayEver(role, type)).toBe(RULES[type].roles.includes(role));
  });

  it.each(ROLES)('allowedActions for %s in every status equals the allowed rows', (role) => {
    const u = user(IN_SCOPE[role]);
    for (const status of STATUSES) {
      const s = stateFor(status, 'accepted');
      // Deciding an extension and calling on a 二次回访 need a pending request / revisit (tested on their own).
      // The 协办 events need a dispatch naming helpers (cohandle.test.ts).
      const want = EVENT_TYPES.filter((t) => t !== 'extension_decided' && t !== 'revisit_called' && !t.startsWith('assist_') && expected(t, role, status).ok);
      expect(allowedActions(s, u, IDX), `${role} on ${status}`).toEqual(want);
    }
  });

  it('extension_decided is offered only while a request is pending; a second request waits for the decision', () => {
    const s = stateFor('in_progress', 'extension_decided');
    expect(allowedActions(s, user('town01'), IDX)).toContain('extension_decided');
    expect(allowedActions(s, user('unit002'), IDX)).not.toContain('extension_requested');
    expect(step(s, ev('extension_requested', 'unit002', 11), IDX)).toEqual({ ok: false, reason: 'extension_pending' });
    const plain = stateFor('in_progress', 'accepted');
    expect(step(plain, ev('extension_decided', 'town01', 11), IDX)).toEqual({ ok: false, reason: 'no_extension_pending' });
  });
});

/** The state a type is normally made from on the happy path (scope tests). */
const BEFORE: Partial<Record<EventType, Status>> = { accepted: 'reported', rejected: 'reported', dispatched: 'accepted', resolved: 'dispatched', verified: 'resolved', closed: 'verified' };
const stateBefore = (type: EventType): CaseState | null => (BEFORE[type] ? foldCase(PATHS[BEFORE[type]], IDX) : null);

describe('permissions: scope', () => {
  const refuse = (type: EventType, actor: string, data?: unknown) => {
    const e = ev(type, actor, 10, data === undefined ? {} : ({ data } as never)) as CaseEvent;
    return step(stateBefore(type), e, IDX);
  };

  it.each([
    ['accepted', 'town02', 'town center of another town accepts'],
    ['rejected', 'town02', 'town center of another town rejects'],
    ['dispatched', 'town02', 'town center of another town dispatches'],
    ['verified', 'town02', 'town center of another town verifies'],
    ['closed', 'town02', 'town center of another town closes'],
    ['verified', 'w0002', 'worker of another grid in the same town verifies'],
    ['closed', 'w0003', 'worker of another town closes'],
    ['resolved', 'unit001', 'county unit not dispatched resolves'],
    ['resolved', 'unit003', 'town unit of another town resolves'],
  ] as const)('%s by %s is out of scope (%s)', (type, actor, _why) => {
    expect(refuse(type, actor)).toEqual({ ok: false, reason: 'out_of_scope' });
  });

  it.each([
    ['w0002', 'worker reports in a grid not theirs'],
    ['st01v02', 'secretary reports in another village'],
    ['town02', 'town center reports in another town'],
  ])('report by %s is out of scope (%s)', (actor, _why) => {
    expect(refuse('reported', actor)).toEqual({ ok: false, reason: 'out_of_scope' });
  });

  it('the same actors are in scope for their own cases', () => {
    expect(step(null, ev('reported', 'w0002', 0, { data: { ...DATA.reported, gridId: 'g0002' } }), IDX).ok).toBe(true);
    expect(step(null, ev('reported', 'st01v02', 0, { data: { ...DATA.reported, gridId: 'g0002' } }), IDX).ok).toBe(true);
    expect(step(null, ev('reported', 'town02', 0, { data: { ...DATA.reported, gridId: 'g0003', townId: 't02' } }), IDX).ok).toBe(true);
    expect(step(null, ev('reported', 'resident01', 0, { data: { ...DATA.reported, gridId: 'g0003', townId: 't02' } }), IDX).ok).toBe(true);
  });

  it('refuses unknown actors, grids, categories and units', () => {
    expect(refuse('reported', 'nobody')).toEqual({ ok: false, reason: 'unknown_actor' });
    expect(refuse('reported', 'w0001', { ...DATA.reported, gridId: 'g9999' })).toEqual({ ok: false, reason: 'unknown_grid' });
    expect(refuse('reported', 'w0001', { ...DATA.reported, townId: 't02' })).toEqual({ ok: false, reason: 'unknown_grid' });
    expect(refuse('reported', 'w0001', { ...DATA.reported, category: '9999' })).toEqual({ ok: false, reason: 'unknown_category' });
    expect(refuse('dispatched', 'town01', { unitId: 'u999' })).toEqual({ ok: false, reason: 'unknown_unit' });
  });

  it('a town center may dispatch to a county unit or its own town unit, not to another town’s unit', () => {
    expect(refuse('dispatched', 'town01', { unitId: 'u001' }).ok).toBe(true);
    expect(refuse('dispatched', 'town01', { unitId: 'u002' }).ok).toBe(true);
    // u003 belongs to t02: its handlers sync only t02's case docs, so it could never see or resolve this case
    expect(refuse('dispatched', 'town01', { unitId: 'u003' })).toEqual({ ok: false, reason: 'out_of_scope' });
    expect(refuse('dispatched', 'county', { unitId: 'u003' })).toEqual({ ok: false, reason: 'out_of_scope' });
  });

  it('refuses events in the wrong state before checking scope', () => {
    const reported = foldCase(happyPath().slice(0, 1), IDX);
    expect(step(reported, ev('acknowledged', 'unit003', 3), IDX)).toEqual({ ok: false, reason: 'state_not_allowed' });
    expect(step(reported, ev('resolved', 'unit002', 3), IDX)).toEqual({ ok: false, reason: 'state_not_allowed' });
    expect(step(reported, ev('closed', 'w0001', 3), IDX)).toEqual({ ok: false, reason: 'state_not_allowed' });
    expect(step(null, ev('accepted', 'town01', 3), IDX)).toEqual({ ok: false, reason: 'unknown_case' });
  });

  it('inScope per role', () => {
    const c = { townId: 't01', gridId: 'g0001', unitId: 'u002' };
    const scoped = (u: UserInfo) => inScope(u, c, IDX);
    expect(scoped(user('admin'))).toBe(true);
    expect(scoped(user('county'))).toBe(true);
    expect(scoped(user('town01'))).toBe(true);
    expect(scoped(user('town02'))).toBe(false);
    expect(scoped(user('w0001'))).toBe(true);
    expect(scoped(user('w0002'))).toBe(false);
    expect(scoped(user('st01v01'))).toBe(true);
    expect(scoped(user('st01v02'))).toBe(false);
    expect(scoped(user('unit002'))).toBe(true);
    expect(scoped(user('unit001'))).toBe(false);
    expect(inScope(user('unit002'), { townId: 't01', gridId: 'g0001' }, IDX)).toBe(false);
    expect(scoped(user('trainer01'))).toBe(false);
    expect(scoped(user('resident01'))).toBe(true);
    // a user record missing its scope field is in no one's scope, even for an unknown grid
    const bare = (role: Role): UserInfo => ({ id: 'x', username: 'x', name: 'x', role });
    for (const role of ['town', 'worker', 'secretary', 'unit'] as const) {
      expect(inScope(bare(role), { townId: 't01', gridId: 'g9999' }, IDX), role).toBe(false);
    }
  });
});
