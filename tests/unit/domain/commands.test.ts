import { describe, expect, it } from 'vitest';
import { COMMAND_EVENT, COMMAND_TYPES, decide, EVENT_COMMAND, type DecideContext } from '../../../src/domain/commands.ts';
import { EVENT_TYPES } from '../../../src/domain/events.ts';
import { foldCase } from '../../../src/domain/fold.ts';
import { formatHlc } from '../../../src/domain/hlc.ts';
import type { CaseState } from '../../../src/domain/workflow.ts';
import { CASE_ID, freshId, happyPath, IDX, REPORT, T0, user } from './fixture.ts';

let minute = 100;
function ctx(actor: string, caseId = CASE_ID): DecideContext {
  const ms = T0 + ++minute * 60_000;
  return { actor: user(actor), org: IDX, at: formatHlc({ ms, counter: 0, node: 'cmd' }), eventId: freshId(ms), caseId };
}
const reportCmd = { type: 'report', ...REPORT };
const at = (n: number) => foldCase(happyPath().slice(0, n), IDX);

describe('decide: success', () => {
  it('builds the event from the command and the context', () => {
    const c = ctx('w0001');
    const d = decide(null, { ...reportCmd, description: '  水管破裂  ', address: undefined }, c);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.event).toEqual({
      id: c.eventId,
      caseId: CASE_ID,
      type: 'reported',
      actor: 'w0001',
      at: c.at,
      data: { ...REPORT, description: '水管破裂' }, // trimmed, and no undefined keys stored
    });
    expect('address' in d.event.data).toBe(false);
    expect(d.state.status).toBe('reported');
    expect(d.state.timeline).toEqual([{ event: d.event, applied: true }]);
  });

  it('walks the whole lifecycle; its states equal the fold of its events', () => {
    let state: CaseState | null = null;
    const events = [];
    const steps: [string, object][] = [
      ['w0001', reportCmd],
      ['town01', { type: 'accept' }],
      ['town01', { type: 'dispatch', unitId: 'u002', planId: 'P002' }],
      ['unit002', { type: 'resolve', note: '已修复' }],
      ['w0001', { type: 'verify', note: '已核查' }],
      ['w0001', { type: 'close' }],
    ];
    for (const [actor, cmd] of steps) {
      const d = decide(state, cmd, ctx(actor));
      expect(d.ok, JSON.stringify(cmd)).toBe(true);
      if (!d.ok) return;
      events.push(d.event);
      state = d.state;
      expect(foldCase(events, IDX)).toEqual(state);
    }
    expect(state?.status).toBe('closed');
    expect(state?.dueHours).toBe(4);
    expect(events.map((e) => e.type)).toEqual(['reported', 'accepted', 'dispatched', 'resolved', 'verified', 'closed']);
  });

  it('maps every command type to its event type', () => {
    expect(COMMAND_TYPES).toEqual([
      'report',
      'accept',
      'reject',
      'dispatch',
      'resolve',
      'verify',
      'close',
      'acknowledge',
      'return',
      'start',
      'fail_verification',
      'feedback',
      'self_resolve',
      'request_extension',
      'decide_extension',
      'supervise',
      'withdraw',
      'reopen',
      'merge',
      'checklist',
      'call_revisit',
      'record_assist',
      'confirm_assist',
      'release_assist',
    ]);
    for (const c of COMMAND_TYPES) expect(EVENT_COMMAND[COMMAND_EVENT[c]]).toBe(c);
    expect(new Set(Object.values(COMMAND_EVENT))).toEqual(new Set(EVENT_TYPES));
  });
});

describe('decide: errors', () => {
  it('full_id_number: a report or a note holding a full ID number, in any form the relay refuses; the last four digits pass', () => {
    for (const text of ['户主身份证 211102198001011234', '户主 2111 0219 8001 0112 34', '２１１１０２１９８００１０１１２３４']) {
      expect(decide(null, { ...reportCmd, description: text }, ctx('w0001'))).toEqual({ ok: false, error: 'full_id_number' });
    }
    expect(decide(null, { ...reportCmd, description: '户主身份证后四位 1234，电话 13800138000' }, ctx('w0001')).ok).toBe(true);
  });


  it.each([
    [null, 'null'],
    ['report', 'a string'],
    [42, 'a number'],
    [[], 'an array'],
    [{}, 'no type'],
    [{ type: 'teleport' }, 'unknown type'],
    [{ type: 'toString' }, 'inherited property name'],
    [{ type: 'constructor' }, 'inherited property name'],
    [{ type: '__proto__' }, 'inherited property name'],
    [{ type: 'reported', ...REPORT }, 'event type instead of command type'],
  ] as [unknown, string][])('bad_request for %j (%s)', (cmd) => {
    const d = decide(null, cmd, ctx('w0001'));
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.error).toBe('bad_request');
  });

  it.each([
    [{ ...reportCmd, category: '604' }, 'category'],
    [{ ...reportCmd, description: '   ' }, 'description'],
    [{ ...reportCmd, description: 'x'.repeat(2001) }, 'description'],
    [{ ...reportCmd, location: { lat: 91, lng: 121 } }, 'location.lat'],
    [{ ...reportCmd, location: { lat: 41, lng: -181 } }, 'location.lng'],
    [{ ...reportCmd, location: { lat: '41', lng: 121 } }, 'location.lat'],
    [{ ...reportCmd, location: { lat: 41, lng: 121, alt: 3 } }, 'location'],
    [{ ...reportCmd, gridId: 'g 1' }, 'gridId'],
    [{ ...reportCmd, townId: undefined }, 'townId'],
    [{ ...reportCmd, priority: 'high' }, 'priority'],
    [{ ...reportCmd, photos: ['abc'] }, 'photos'],
    [{ ...reportCmd, channel: 'sms' }, 'channel'],
  ])('bad_request with detail for a bad report field (%#: %s)', (cmd, field) => {
    const d = decide(null, cmd, ctx('w0001'));
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.error).toBe('bad_request');
    expect(d.detail).toContain(field);
  });

  it('bad_request for bad fields of the other commands', () => {
    expect(decide(at(1), { type: 'reject' }, ctx('town01'))).toMatchObject({ ok: false, error: 'bad_request' });
    expect(decide(at(1), { type: 'reject', reason: ' ' }, ctx('town01'))).toMatchObject({ ok: false, error: 'bad_request' });
    expect(decide(at(2), { type: 'dispatch' }, ctx('town01'))).toMatchObject({ ok: false, error: 'bad_request' });
    expect(decide(at(2), { type: 'dispatch', unitId: 'u002', dueHours: 0 }, ctx('town01'))).toMatchObject({ ok: false, error: 'bad_request' });
    expect(decide(at(2), { type: 'dispatch', unitId: 'u002', dueHours: 2.5 }, ctx('town01'))).toMatchObject({ ok: false, error: 'bad_request' });
    expect(decide(at(3), { type: 'resolve' }, ctx('unit002'))).toMatchObject({ ok: false, error: 'bad_request' });
    expect(decide(at(4), { type: 'verify', extra: 1 }, ctx('w0001'))).toMatchObject({ ok: false, error: 'bad_request' });
  });

  it('state_not_allowed for a command the state does not allow', () => {
    expect(decide(at(1), reportCmd, ctx('w0001'))).toEqual({ ok: false, error: 'state_not_allowed' });
    expect(decide(at(2), { type: 'accept' }, ctx('town01'))).toEqual({ ok: false, error: 'state_not_allowed' });
    expect(decide(at(1), { type: 'dispatch', unitId: 'u002' }, ctx('town01'))).toEqual({ ok: false, error: 'state_not_allowed' });
    expect(decide(at(6), { type: 'close' }, ctx('w0001'))).toEqual({ ok: false, error: 'state_not_allowed' });
    expect(decide(at(3), { type: 'verify' }, ctx('w0001'))).toEqual({ ok: false, error: 'state_not_allowed' });
    expect(decide(null, { type: 'accept' }, ctx('town01'))).toEqual({ ok: false, error: 'unknown_case' });
  });

  it('role_not_allowed for a role the command is not for', () => {
    expect(decide(at(1), { type: 'accept' }, ctx('w0001'))).toEqual({ ok: false, error: 'role_not_allowed' });
    expect(decide(at(2), { type: 'dispatch', unitId: 'u002' }, ctx('unit002'))).toEqual({ ok: false, error: 'role_not_allowed' });
    expect(decide(at(3), { type: 'resolve', note: '好了' }, ctx('town01'))).toEqual({ ok: false, error: 'role_not_allowed' });
    expect(decide(at(4), { type: 'verify' }, ctx('unit002'))).toEqual({ ok: false, error: 'role_not_allowed' });
    expect(decide(null, reportCmd, ctx('trainer01'))).toEqual({ ok: false, error: 'role_not_allowed' });
    expect(decide(null, reportCmd, ctx('unit001'))).toEqual({ ok: false, error: 'role_not_allowed' });
  });

  it('out_of_scope for an actor outside the case', () => {
    expect(decide(at(1), { type: 'accept' }, ctx('town02'))).toEqual({ ok: false, error: 'out_of_scope' });
    expect(decide(null, reportCmd, ctx('w0003'))).toEqual({ ok: false, error: 'out_of_scope' });
    expect(decide(at(3), { type: 'resolve', note: '好了' }, ctx('unit003'))).toEqual({ ok: false, error: 'out_of_scope' });
  });
});
