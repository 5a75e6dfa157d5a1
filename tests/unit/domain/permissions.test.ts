import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type CaseEvent, type EventType } from '../../../src/domain/events.ts';
import { foldCase } from '../../../src/domain/fold.ts';
import { ROLES, type Role, type UserInfo } from '../../../src/domain/org.ts';
import { allowedActions, inScope, roleMayEver, step, type CaseState, type Status } from '../../../src/domain/workflow.ts';
import { DATA, ev, happyPath, IDX, IN_SCOPE, user } from './fixture.ts';

// The lifecycle as the issue states it, written out here rather than read from TRANSITIONS, so a change to the
// rules shows up as a failing row.
const MAY: Record<EventType, readonly Role[]> = {
  reported: ['admin', 'county', 'town', 'worker', 'secretary', 'resident'],
  accepted: ['admin', 'county', 'town'],
  rejected: ['admin', 'county', 'town'],
  dispatched: ['admin', 'county', 'town'],
  resolved: ['unit'],
  verified: ['admin', 'county', 'town', 'worker'],
  closed: ['admin', 'county', 'town', 'worker'],
};
/** How many events of the happy path come before each type (its prerequisite state). */
const BEFORE: Record<EventType, number> = { reported: 0, accepted: 1, rejected: 1, dispatched: 2, resolved: 3, verified: 4, closed: 5 };
const NEXT: Record<Status, readonly EventType[]> = {
  reported: ['accepted', 'rejected'],
  accepted: ['dispatched'],
  rejected: [],
  dispatched: ['resolved'],
  resolved: ['verified'],
  verified: ['closed'],
  closed: [],
};

const stateBefore = (type: EventType): CaseState | null => (BEFORE[type] === 0 ? null : foldCase(happyPath().slice(0, BEFORE[type]), IDX));

const rows = EVENT_TYPES.flatMap((type) => ROLES.map((role) => ({ type, role, allowed: MAY[type].includes(role) })));

describe('permissions: every event type x every role (actor in scope)', () => {
  it('covers 7 types x 8 roles', () => {
    expect(rows).toHaveLength(56);
    expect(rows.filter((r) => r.allowed)).toHaveLength(6 + 3 + 3 + 3 + 1 + 4 + 4);
  });

  it.each(rows)('$type by $role: allowed=$allowed', ({ type, role, allowed }) => {
    const e = ev(type, IN_SCOPE[role], 10) as CaseEvent;
    const r = step(stateBefore(type), e, IDX);
    if (allowed) {
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.state.status).toBe(type);
    } else {
      expect(r).toEqual({ ok: false, reason: 'role_not_allowed' });
    }
    expect(roleMayEver(role, type)).toBe(allowed);
  });

  it.each(ROLES)('allowedActions for %s in every status', (role) => {
    const u = user(IN_SCOPE[role]);
    const statesByStatus: [Status, CaseState][] = [
      ...[1, 2, 3, 4, 5, 6].map((n) => foldCase(happyPath().slice(0, n), IDX)!),
      foldCase([...happyPath().slice(0, 1), ev('rejected', 'town01', 1)], IDX)!,
    ].map((s) => [s.status, s]);
    expect(statesByStatus.map(([st]) => st).sort()).toEqual(['accepted', 'closed', 'dispatched', 'rejected', 'reported', 'resolved', 'verified']);
    for (const [status, s] of statesByStatus) {
      const expected = NEXT[status].filter((t) => MAY[t].includes(role));
      // a unit only sees actions on the case it was dispatched to; before dispatch it has none
      expect(allowedActions(s, u, IDX), `${role} on ${status}`).toEqual(expected);
    }
  });
});

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
