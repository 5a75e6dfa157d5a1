/**
 * The case lifecycle as data. Each event type names the states it may leave from, the state it leads to, and
 * the roles that may make it. `step` is the single rule both the fold (replaying history) and `decide`
 * (making a new command) use, so what the UI offers, what the relay accepts and what every replica computes agree.
 */
import type { CaseEvent, EventType, LatLng } from './events.ts';
import type { ErrorCode } from './errors.ts';
import { hlcMs } from './hlc.ts';
import type { OrgIndex, Role, UserInfo } from './org.ts';

export const STATUSES = ['reported', 'accepted', 'rejected', 'dispatched', 'resolved', 'verified', 'closed'] as const;
export type Status = (typeof STATUSES)[number];

/** Statuses in which a case is finished: nothing further is expected of anyone. */
export const FINAL_STATUSES: readonly Status[] = ['rejected', 'closed'];

interface Transition {
  /** States the case must be in; null means the case must not exist yet. */
  from: readonly Status[] | null;
  to: Status;
  roles: readonly Role[];
}

export const TRANSITIONS: Record<EventType, Transition> = {
  reported: { from: null, to: 'reported', roles: ['worker', 'town', 'county', 'admin', 'secretary', 'resident'] },
  accepted: { from: ['reported'], to: 'accepted', roles: ['town', 'county', 'admin'] },
  rejected: { from: ['reported'], to: 'rejected', roles: ['town', 'county', 'admin'] },
  dispatched: { from: ['accepted'], to: 'dispatched', roles: ['town', 'county', 'admin'] },
  resolved: { from: ['dispatched'], to: 'resolved', roles: ['unit'] },
  verified: { from: ['resolved'], to: 'verified', roles: ['worker', 'town', 'county', 'admin'] },
  closed: { from: ['verified'], to: 'closed', roles: ['worker', 'town', 'county', 'admin'] },
};

/** Whether a role may ever make this event type, whatever the case's state (used by the relay to refuse forgeries). */
export function roleMayEver(role: Role, type: EventType): boolean {
  return TRANSITIONS[type].roles.includes(role);
}

export interface TimelineEntry {
  event: CaseEvent;
  /** False when the event met a state or an actor it does not fit: kept in the history, without effect. */
  applied: boolean;
  reason?: ErrorCode;
}

export interface CaseState {
  id: string;
  status: Status;
  townId: string;
  gridId: string;
  villageId?: string;
  category: string;
  description: string;
  location: LatLng;
  address?: string;
  photos: string[];
  reporter: string;
  /** HLC of the report, and its wall-clock ms. */
  reportedAt: string;
  reportedMs: number;
  /** HLC of the last applied event. */
  updatedAt: string;
  unitId?: string;
  planId?: string;
  dueHours?: number;
  dispatchedMs?: number;
  resolvedMs?: number;
  closedMs?: number;
  rejectReason?: string;
  resolution?: string;
  timeline: TimelineEntry[];
}

/** Whether the user's role scope covers the case (or the case about to be reported). */
export function inScope(user: UserInfo, c: { townId: string; gridId: string; unitId?: string }, org: OrgIndex): boolean {
  switch (user.role) {
    case 'admin':
    case 'county':
      return true;
    case 'town':
      return c.townId === user.townId;
    case 'worker':
      return c.gridId === user.gridId;
    case 'secretary':
      return user.villageId !== undefined && org.grid(c.gridId)?.villageId === user.villageId;
    case 'unit':
      return c.unitId !== undefined && c.unitId === user.unitId;
    case 'resident':
      return true;
    case 'trainer':
      return false;
  }
}

export type StepResult = { ok: true; state: CaseState } | { ok: false; reason: ErrorCode };

/**
 * Apply one event to a case state (null before the report). Pure; the input state is not changed.
 * The timeline is not touched here: the fold records each event with its outcome.
 */
export function step(state: CaseState | null, e: CaseEvent, org: OrgIndex): StepResult {
  const rule = TRANSITIONS[e.type];
  const actor = org.user(e.actor);
  if (!actor) return { ok: false, reason: 'unknown_actor' };
  if (!rule.roles.includes(actor.role)) return { ok: false, reason: 'role_not_allowed' };

  if (e.type === 'reported') {
    if (state) return { ok: false, reason: 'state_not_allowed' };
    const d = e.data;
    const grid = org.grid(d.gridId);
    if (!grid || grid.townId !== d.townId) return { ok: false, reason: 'unknown_grid' };
    if (!org.subcategory(d.category)) return { ok: false, reason: 'unknown_category' };
    if (!inScope(actor, d, org)) return { ok: false, reason: 'out_of_scope' };
    const ms = hlcMs(e.at);
    return {
      ok: true,
      state: {
        id: e.caseId,
        status: 'reported',
        townId: d.townId,
        gridId: d.gridId,
        villageId: grid.villageId,
        category: d.category,
        description: d.description,
        location: d.location,
        ...(d.address ? { address: d.address } : {}),
        photos: d.photos ?? [],
        reporter: e.actor,
        reportedAt: e.at,
        reportedMs: ms,
        updatedAt: e.at,
        timeline: [],
      },
    };
  }

  if (!state) return { ok: false, reason: 'unknown_case' };
  if (!rule.from?.includes(state.status)) return { ok: false, reason: 'state_not_allowed' };
  if (!inScope(actor, state, org)) return { ok: false, reason: 'out_of_scope' };

  const next: CaseState = { ...state, status: rule.to, updatedAt: e.at };
  const ms = hlcMs(e.at);
  switch (e.type) {
    case 'rejected':
      next.rejectReason = e.data.reason;
      next.closedMs = ms;
      break;
    case 'dispatched': {
      const unit = org.unit(e.data.unitId);
      if (!unit) return { ok: false, reason: 'unknown_unit' };
      // A town-level unit syncs only its own town's case docs (docs.ts): it could never see a case from elsewhere.
      if (unit.townId !== undefined && unit.townId !== state.townId) return { ok: false, reason: 'out_of_scope' };
      next.unitId = unit.id;
      if (e.data.planId) next.planId = e.data.planId;
      else delete next.planId;
      const plan = e.data.planId ? org.plansFor(state.category).find((p) => p.id === e.data.planId) : undefined;
      next.dueHours = e.data.dueHours ?? plan?.dueHours ?? 24;
      next.dispatchedMs = ms;
      break;
    }
    case 'resolved':
      next.resolution = e.data.note;
      next.resolvedMs = ms;
      break;
    case 'closed':
      next.closedMs = ms;
      break;
    case 'accepted':
    case 'verified':
      break;
  }
  return { ok: true, state: next };
}

/** The event types this user may make now on this case (what the UI offers). */
export function allowedActions(state: CaseState, user: UserInfo, org: OrgIndex): EventType[] {
  const out: EventType[] = [];
  for (const type of Object.keys(TRANSITIONS) as EventType[]) {
    const rule = TRANSITIONS[type];
    if (rule.from === null || !rule.from.includes(state.status) || !rule.roles.includes(user.role)) continue;
    if (inScope(user, state, org)) out.push(type);
  }
  return out;
}
