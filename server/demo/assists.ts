/**
 * 主办 / 协办 in the demo (issue 17): three of town 01's cases are dispatched to a lead unit with helping units, so
 * the center's 等待协办 queue, a unit's 协办任务 and the 考核's helper figures have something to show:
 *  - pending: a case a unit holds now (signed for or being worked on); its first helper has recorded and confirmed
 *    its part, its second still owes it (that unit's account finds it in its 协办 queue, the center under 等待协办);
 *  - confirmed: a case resolved after both its helpers confirmed their parts;
 *  - released: an older, finished case: one helper confirmed, the center released the other, then the lead resolved.
 *
 * Contract: no random number is drawn here. The cases are chosen by what the generator fixes whatever the hour
 * (their place in the sequence, town, target status, variant), the helpers are the first units that could hold the
 * case other than the lead, and the helpers' steps are inserted between steps the case already has. So every case
 * stays where and what it is; the helper cases' later event ids are drawn from their own stream.
 */
import type { Command } from '../../src/domain/commands.ts';
import type { Unit, UserInfo } from '../../src/domain/org.ts';
import type { CaseState, Status } from '../../src/domain/workflow.ts';

export type AssistShowcase = 'pending' | 'confirmed' | 'released';

/** A step of a case as the generator keeps it (generate.ts Step). */
export interface AssistStep {
  at: number;
  actor: UserInfo;
  cmd: Command;
  to: Status;
}

const PARTS = ['已派员到场配合，现场秩序已维护', '已提供相关资料，配合现场核查完毕', '已协调相关人员到场，配合处置完毕', '已对周边进行排查，配合情况已反馈主办单位'];
const CONFIRMS = ['协办部分已完成', '配合工作已完成，请主办单位办结'];
const RELEASE_REASON = '主办单位已可独立办结，解除协办';
/** The dispatch a helper's event answers is filled in when the event is made (bindDispatch). */
const DISPATCH_REF = '';

/** Chooses the showcase cases in the order the generator makes them: each kind once. */
export class AssistPicker {
  private readonly done = new Set<AssistShowcase>();
  constructor(private readonly townId: string) {}

  /**
   * The showcase a case should be, if any. `target` is a recent case's status at now (undefined for an older case),
   * `resolves` whether its steps reach a resolve.
   */
  pick(o: { townId: string; variant: string; target: Status | undefined; dup: boolean; unhappy: boolean; resolves: boolean }): AssistShowcase | undefined {
    if (o.townId !== this.townId || o.variant !== 'normal' || o.dup || o.unhappy) return undefined;
    const kind: AssistShowcase | undefined =
      o.target === 'acknowledged' || o.target === 'in_progress' ? 'pending' : o.target === 'resolved' ? 'confirmed' : o.target === undefined && o.resolves ? 'released' : undefined;
    if (!kind || this.done.has(kind)) return undefined;
    this.done.add(kind);
    return kind;
  }
}

/** The helping units of a case: the first units that could hold it other than the lead (at most two). */
export function helperUnits(candidates: readonly Unit[], leadUnitId: string): string[] {
  const ids: string[] = [];
  for (const u of candidates) if (u.id !== leadUnitId && !ids.includes(u.id) && !u.retired) ids.push(u.id);
  return ids.slice(0, 2);
}

/**
 * Names the helpers on the case's last dispatch and inserts their steps (in time order, between existing steps) into
 * `steps`, in place. Returns false (steps untouched) when the case has no dispatch or no resolve to place them by.
 */
export function addAssists(
  kind: AssistShowcase,
  steps: AssistStep[],
  o: { helpers: readonly string[]; unit: (unitId: string) => UserInfo; town: UserInfo },
): boolean {
  const d = steps.findLastIndex((s) => s.cmd.type === 'dispatch');
  const r = steps.findIndex((s) => s.cmd.type === 'resolve');
  if (d < 0 || o.helpers.length < 2 || (kind !== 'pending' && r < d)) return false;
  const dispatch = steps[d]!;
  steps[d] = { ...dispatch, cmd: { ...(dispatch.cmd as Extract<Command, { type: 'dispatch' }>), helperUnitIds: [...o.helpers] } };
  const [h1, h2] = [o.unit(o.helpers[0]!), o.unit(o.helpers[1]!)];
  const record = (i: number): Command => ({ type: 'record_assist', dispatchId: DISPATCH_REF, note: PARTS[i % PARTS.length]! });
  const confirm = (i: number): Command => ({ type: 'confirm_assist', dispatchId: DISPATCH_REF, note: CONFIRMS[i % CONFIRMS.length]! });
  // Pending: between the dispatch and the lead's signing for it (a recent case is placed so now is after that).
  // The others: between the step before the resolve and the resolve.
  const at = kind === 'pending' ? d + 1 : r;
  const from = steps[at - 1]!.at;
  const span = steps[at]!.at - from;
  const planned: Array<[number, UserInfo, Command]> =
    kind === 'pending'
      ? [
          [0.35, h1, record(0)],
          [0.7, h1, confirm(0)],
        ]
      : kind === 'confirmed'
        ? [
            [0.2, h1, record(1)],
            [0.35, h1, confirm(1)],
            [0.5, h2, record(2)],
            [0.8, h2, confirm(0)],
          ]
        : [
            [0.25, h1, record(3)],
            [0.45, h1, confirm(0)],
            [0.75, o.town, { type: 'release_assist', dispatchId: DISPATCH_REF, unitId: o.helpers[1]!, reason: RELEASE_REASON }],
          ];
  const status = steps[at - 1]!.to;
  steps.splice(at, 0, ...planned.map(([share, actor, cmd]) => ({ at: from + span * share, actor, cmd, to: status })));
  return true;
}

/** A helper's or the center's 协办 command answers the dispatch in force when it is made. */
export function bindDispatch(cmd: Command, state: Pick<CaseState, 'dispatchId'> | null): Command {
  return 'dispatchId' in cmd && cmd.dispatchId === DISPATCH_REF && state?.dispatchId ? { ...cmd, dispatchId: state.dispatchId } : cmd;
}
