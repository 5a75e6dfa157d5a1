/** Helpers for the work screens' tests: worlds with cases in every queue, key presses. */
import { act } from 'preact/test-utils';
import type { CaseEvent } from '../../src/domain/events.ts';
import type { FakeWorld } from './fake-services.ts';
import { NOW } from './fake-services.ts';
import { settle } from './helpers.ts';

export const MIN = 60_000;
export const HOUR = 3_600_000;

/** A key pressed where focus is (or on `target`), as a user would: keydown bubbling to the document. */
export async function press(key: string, target?: Element | null): Promise<boolean> {
  const el = target ?? document.activeElement ?? document.body;
  let ev!: KeyboardEvent;
  await act(() => {
    ev = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true });
    el.dispatchEvent(ev);
  });
  await settle();
  return ev.defaultPrevented;
}

let n = 0;
/** A case reported by w0001 in g0001 at `atMs`, with a description that names it. */
export function report(world: FakeWorld, atMs: number, description = `案件 ${++n}`, category = '0101', location = { lat: 41.2034, lng: 122.0512 }): string {
  return world.command('w0001', null, { type: 'report', category, description, location, gridId: 'g0001', townId: 't01' }, atMs).caseId;
}

/** Report, accept and dispatch to u002 with plan P001 (48 h) unless told otherwise. */
export function dispatched(world: FakeWorld, atMs: number, description?: string, dispatch: Record<string, unknown> = { unitId: 'u002', planId: 'P001' }): string {
  const id = report(world, atMs, description);
  world.command('town01', id, { type: 'accept' }, atMs + MIN);
  world.command('town01', id, { type: 'dispatch', ...dispatch }, atMs + 2 * MIN);
  return id;
}

/**
 * One case in each board queue of town t01 (times relative to NOW):
 * new x2, to_dispatch x2, returned, extension, overdue, awaiting_verification.
 */
export function boardWorld(world: FakeWorld): Record<string, string> {
  const ids: Record<string, string> = {};
  ids.new1 = report(world, NOW - 50 * MIN, '新上报一：村口违建');
  ids.new2 = report(world, NOW - 40 * MIN, '新上报二：路边违建');
  ids.acc1 = report(world, NOW - 5 * HOUR, '待派遣一');
  world.command('town01', ids.acc1, { type: 'accept' }, NOW - 5 * HOUR + MIN);
  ids.acc2 = report(world, NOW - 4 * HOUR, '待派遣二');
  world.command('town01', ids.acc2, { type: 'accept' }, NOW - 4 * HOUR + MIN);
  ids.ret = dispatched(world, NOW - 6 * HOUR, '被退回的案件');
  world.command('unit002', ids.ret, { type: 'return', reason: '不属于本单位职责' }, NOW - 5 * HOUR);
  ids.ext = dispatched(world, NOW - 10 * HOUR, '申请延期的案件');
  world.command('unit002', ids.ext, { type: 'request_extension', hours: 24, reason: '需要等待材料' }, NOW - 9 * HOUR);
  ids.late = dispatched(world, NOW - 30 * HOUR, '超时的案件', { unitId: 'u002', dueHours: 24 });
  ids.res = dispatched(world, NOW - 8 * HOUR, '已处置待核查');
  world.command('unit002', ids.res, { type: 'resolve', note: '已拆除' }, NOW - 2 * HOUR);
  return ids;
}

/** A dispatch by `actor` made concurrently with an applied one: it loses and is kept as superseded. */
export function losingDispatch(world: FakeWorld, caseId: string, actor: string, atMs: number, unitId = 'u001'): CaseEvent {
  const e = { id: world.id(atMs), caseId, type: 'dispatched', actor, at: `${atMs}:0000:other`, data: { unitId } } as CaseEvent;
  world.append(e);
  return e;
}
