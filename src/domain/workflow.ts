/**
 * The case lifecycle as data. Each event type names the states it may leave from, the state it leads to (or none:
 * notes that do not move the case), the roles that may make it, an optional guard on the case and the actor, and
 * its effect on the case's fields. `step` is the single rule both the fold (replaying history) and `decide`
 * (making a new command) use, so what the UI offers, what the relay accepts and what every replica computes agree.
 *
 * Lifecycle (issue 4):
 *   reported -> accepted | rejected(reason) | merged(intoCaseId) | withdrawn(reason) | self-resolved (closed)
 *   accepted | returned -> dispatched(unit, plan?, dueHours?)          the deadline clock starts (again) here
 *   dispatched -> acknowledged (签收) | returned(reason) (退回: back to the center, the unit lets go of the case)
 *   dispatched | acknowledged | verification_failed -> in_progress (处置中, 'start')
 *   dispatched | acknowledged | in_progress | verification_failed -> resolved(note)
 *   resolved -> verified | verification_failed(reason) (back to the unit, same deadline)
 *   verified -> closed -> feedback(satisfaction) (status stays closed; once per closing)
 *   closed | rejected | withdrawn | merged -> reopened(reason) -> accepted (to be dispatched again)
 * Without a change of status, while a unit holds the case (dispatched, acknowledged, in_progress,
 * verification_failed): extension_requested / extension_decided, supervised (督办), checklist.
 *
 * Rules decided here where the issue is silent (also in README's event table):
 *  - withdraw (撤销): the reporter while the case is still `reported`; the town center, county or admin
 *    from any state before a unit has started work (reported, accepted, returned, dispatched, acknowledged).
 *  - reopen (重新打开): town center, county or admin, from a final state (closed, rejected, withdrawn, merged);
 *    the case returns to `accepted`, unit, deadline, extension, checklist and feedback cleared.
 *  - merge (合并): town center, county or admin, before a unit holds the case (reported, accepted, returned).
 *  - self-resolve (就地解决): the case's grid worker, while the case is `reported`: it closes in one step.
 *  - feedback (回访): the town center, county or admin recording the reporter's answer, or the reporter.
 *  - return (退回): only before work starts (dispatched, acknowledged); a unit that started must resolve or ask for
 *    an extension. A return clears the unit; the deadline restarts at the next dispatch.
 *  - one extension request may be pending at a time; an approval adds its hours to the deadline.
 *  - 二次回访 (issue 13): a 不满意 feedback opens a revisit (`revisit.status` 'pending'), which puts the closed case in
 *    the town board's `revisit` queue (src/domain/queues.ts). The town center, county or admin answers it either by
 *    reopening the case (`reopened`: the revisit becomes 'reopened') or by recording a follow-up call
 *    (`revisit_called` {note, outcome?}: 'called'; the case stays closed; a call with outcome 'unreachable' is
 *    recorded but leaves the revisit waiting). A call needs a pending revisit (`no_revisit_pending`); a reopen
 *    needs none. The revisit outlives the reopen (the 考核 counts it): a later
 *    feedback after the case is closed again opens the next round, and `reopened` / `called` count the rounds
 *    answered each way over the case's life.
 *  - 主办 / 协办 (issue 17): a dispatch may name helping units (`helperUnitIds`: distinct, at most MAX_HELPERS, not the
 *    lead, each a unit that could hold the case: registered, not retired, of the case's town or county-level). Each
 *    helper starts 'assisting'. While a unit holds the case (UNIT_STATUSES), a helper records its part
 *    (`assist_recorded` {dispatchId, note, photos?}) and confirms it (`assist_confirmed`: 'confirmed', needs a part);
 *    the center releases a helper still assisting (`assist_released` {dispatchId, unitId, reason}: 'released'). Each
 *    names the dispatch it answers: against a later dispatch it is `stale_dispatch`. Only a unit the dispatch names
 *    as helper acts as one (its unit is its author's authority, which the receipt records); a helper has no other
 *    power on the case (the lead's actions stay the holding unit's). The lead's `resolved` is refused while any
 *    helper is still assisting (`helpers_pending`). A return, withdrawal or reopen ends the dispatch and its helpers;
 *    the next dispatch names its own. A helper's state, once confirmed or released, never goes back to assisting
 *    within its dispatch, so a resolve the lead's device allowed stays allowed whatever arrives later.
 */
import type { Contact, OnBehalf } from './citizens.ts';
import { EVENT_TYPES, type CaseEvent, type EventType, type LatLng, type RevisitOutcome, type Satisfaction } from './events.ts';
import type { ErrorCode } from './errors.ts';
import { photoRefs, type PhotoRef, type VoiceRef } from './evidence.ts';
import { hlcMs } from './hlc.ts';
import type { OrgIndex, Role, UserInfo } from './org.ts';
import { badAttribute } from './servicefields.ts';
import { workingDueMs } from './workdays.ts';
import { FINAL_STATUSES, REPORTERS, UNIT_STATUSES, type Status } from './statuses.ts';
import { helpersPending } from './assisting.ts';

export { FINAL_STATUSES, OPEN_STATUSES, STATUSES, UNIT_STATUSES, type Status } from './statuses.ts';

const CENTER: readonly Role[] = ['town', 'county', 'admin'];
/** Roles that act only on their own reports when they withdraw or give feedback. */
const SELF_ONLY: readonly Role[] = ['worker', 'secretary', 'resident', 'member'];

export interface ExtensionRequest {
  hours: number;
  reason: string;
  by: string;
  ms: number;
  status: 'pending' | 'approved' | 'refused';
  decidedBy?: string;
  decidedMs?: number;
}

export interface Supervision {
  /** town: from the town center; county: from the county center (or admin). */
  level: 'town' | 'county';
  note: string;
  by: string;
  ms: number;
}

export interface ReturnInfo {
  unitId: string;
  reason: string;
  by: string;
  ms: number;
}

/** An event that had no effect, with who made it, when, why, and the applied event that decided the case before it. */
export interface SupersededEntry {
  eventId: string;
  type: EventType;
  actor: string;
  at: string;
  ms: number;
  reason: ErrorCode;
  /** The last applied event before it that changed the case's status (the winner of a race), if any. */
  winner?: { eventId: string; type: EventType; actor: string; at: string };
}

/** A 二次回访: opened by a 不满意 feedback, answered by a reopen or a follow-up call (see the rules above). */
export interface Revisit {
  status: 'pending' | 'reopened' | 'called';
  /** 1 for the case's first 不满意, 2 after it was reopened, closed and rated 不满意 again... */
  round: number;
  /** When the 不满意 feedback that opened this round counts (its credited time). */
  sinceMs: number;
  /** The answer to this round: who, when (credited time), the reopen's reason or the call's note, the call's outcome. */
  by?: string;
  ms?: number;
  note?: string;
  outcome?: RevisitOutcome;
  /** Rounds answered by a reopen / by a call, this one included, over the case's life (the 考核's counts). */
  reopened: number;
  called: number;
  /** Calls of this round that did not reach the resident (outcome 'unreachable': the revisit still waits). */
  unreached?: number;
}

/** Issue 17: a helping unit's state on the dispatch that named it. */
export type HelperStatus = 'assisting' | 'confirmed' | 'released';
export interface HelperPart {
  eventId: string;
  note: string;
  photos?: PhotoRef[];
  by: string;
  /** Credited time (src/domain/receipts.ts). */
  ms: number;
}
export interface Helper {
  unitId: string;
  status: HelperStatus;
  /** Its recorded parts, in order. */
  parts: HelperPart[];
  /** confirmed: who, when (credited time), the confirmation's note. */
  confirmedBy?: string;
  confirmedMs?: number;
  confirmNote?: string;
  /** released: who (the center), when, why. */
  releasedBy?: string;
  releasedMs?: number;
  releaseReason?: string;
}

type Guard = (s: CaseState, actor: UserInfo) => ErrorCode | null;
/** The times an event counts at (src/domain/receipts.ts): `rx` when the county could first know, `t` when its author is credited. */
export interface EventTimes {
  rx: number;
  t: number;
}
type Apply<K extends EventType> = (next: CaseState, e: CaseEvent<K>, org: OrgIndex, prev: CaseState, tm: EventTimes) => ErrorCode | null;

export interface Transition<K extends EventType = EventType> {
  /** States the case must be in; null means the case must not exist yet. */
  from: readonly Status[] | null;
  /** The status it leads to; null keeps the status (extension, supervision, checklist, feedback). */
  to: Status | null;
  roles: readonly Role[];
  /** A condition on the case and the actor beyond role, state and scope (also used by allowedActions). */
  guard?: Guard;
  /** The effect on the case's fields; may refuse on the event's data (unknown unit, plan, step...). */
  apply?: Apply<K>;
  /**
   * Issue 17: the actor acts as a helping unit of the dispatch its event names (`data.dispatchId`), not as a holder of
   * the case: scope is `helperScope` instead of `inScope`.
   */
  helper?: true;
}

export const TRANSITIONS: { [K in EventType]: Transition<K> } = {
  reported: { from: null, to: 'reported', roles: REPORTERS },
  accepted: {
    from: ['reported'],
    to: 'accepted',
    roles: CENTER,
    apply: (n, _e, _org, _prev, tm) => {
      firstResponse(n, tm);
      return null;
    },
  },
  rejected: {
    from: ['reported'],
    to: 'rejected',
    roles: CENTER,
    apply: (n, e, _org, _prev, tm) => {
      firstResponse(n, tm);
      n.rejectReason = e.data.reason;
      n.closedMs = tm.t;
      return null;
    },
  },
  self_resolved: {
    from: ['reported'],
    to: 'closed',
    roles: ['worker'],
    apply: (n, e, _org, _prev, tm) => {
      const ms = tm.t;
      firstResponse(n, tm);
      n.selfResolved = true;
      n.resolution = e.data.note;
      setFix(n, e.data);
      n.resolvedMs = ms;
      n.verifiedMs = ms;
      n.closedMs = ms;
      return null;
    },
  },
  dispatched: {
    from: ['accepted', 'returned'],
    to: 'dispatched',
    roles: CENTER,
    apply: (n, e, org, _prev, tm) => {
      const unit = org.unit(e.data.unitId);
      if (!unit || unit.retired) return 'unknown_unit';
      // A town-level unit syncs only its own town's case docs (docs.ts): it could never see a case from elsewhere.
      if (unit.townId !== undefined && unit.townId !== n.townId) return 'out_of_scope';
      const plan = e.data.planId ? org.plansFor(n.category).find((p) => p.id === e.data.planId) : undefined;
      if (e.data.planId && (!plan || plan.retired)) return 'unknown_plan';
      const helpers: Helper[] = [];
      for (const id of e.data.helperUnitIds ?? []) {
        if (id === unit.id) return 'not_helper';
        const h = org.unit(id);
        if (!h || h.retired) return 'unknown_unit';
        if (h.townId !== undefined && h.townId !== n.townId) return 'out_of_scope';
        helpers.push({ unitId: id, status: 'assisting', parts: [] });
      }
      if (helpers.length) n.helpers = helpers;
      else delete n.helpers;
      n.dispatchId = e.id;
      n.unitId = unit.id;
      if (plan) n.planId = plan.id;
      else delete n.planId;
      n.dueHours = e.data.dueHours ?? plan?.dueHours ?? DEFAULT_DUE_HOURS;
      // Issue 15: a plan counting working days sets the deadline unless the command gave hours (deadlines.ts).
      if (e.data.dueHours === undefined && plan?.dueIn === 'working_days' && plan.dueDays) {
        n.dueDays = plan.dueDays;
        // The receipt's figure (the relay's calendar at the dispatch), else this device's calendar (provisional).
        n.dueSpanMs = plan.dueSpanMs ?? workingDueMs(tm.rx, plan.dueDays, org.calendars) - tm.rx;
      } else {
        delete n.dueDays;
        delete n.dueSpanMs;
      }
      if (plan?.version) n.planVersion = plan.version;
      else delete n.planVersion;
      // The unit's clock starts when the dispatch reached the relay: the unit cannot know of it before.
      n.dispatchedMs = tm.rx;
      n.extensionHours = 0;
      delete n.extension;
      delete n.unitResponseMs;
      n.checklist = plan ? plan.steps.map(() => false) : [];
      // The plan's photo rule as it stood at this dispatch (its receipt's snapshot): a later plan edit changes nothing.
      if (plan?.afterPhoto) n.afterPhotoRequired = true;
      else delete n.afterPhotoRequired;
      n.dispatchCount = (n.dispatchCount ?? 0) + 1;
      return null;
    },
  },
  acknowledged: { from: ['dispatched'], to: 'acknowledged', roles: ['unit'], apply: (n, _e, _org, _prev, tm) => unitResponse(n, tm) },
  returned: {
    from: ['dispatched', 'acknowledged'],
    to: 'returned',
    roles: ['unit'],
    apply: (n, e, _org, prev, tm) => {
      unitResponse(n, tm);
      n.returned = { unitId: prev.unitId ?? '', reason: e.data.reason, by: e.actor, ms: tm.t };
      n.returnCount = (n.returnCount ?? 0) + 1;
      clearUnit(n);
      return null;
    },
  },
  started: {
    from: ['dispatched', 'acknowledged', 'verification_failed'],
    to: 'in_progress',
    roles: ['unit'],
    apply: (n, _e, _org, _prev, tm) => {
      unitResponse(n, tm);
      n.startedMs ??= tm.t;
      return null;
    },
  },
  resolved: {
    from: UNIT_STATUSES,
    to: 'resolved',
    roles: ['unit'],
    // Issue 17: the lead resolves only when every helper has confirmed or been released.
    guard: (s) => (helpersPending(s) ? 'helpers_pending' : null),
    apply: (n, e, _org, _prev, tm) => {
      if (n.afterPhotoRequired && !e.data.photos?.length) return 'photo_required';
      unitResponse(n, tm);
      n.resolution = e.data.note;
      setFix(n, e.data);
      n.resolvedMs = tm.t;
      if (n.extension?.status === 'pending') delete n.extension; // a request the fix made moot
      return null;
    },
  },
  verified: {
    from: ['resolved'],
    to: 'verified',
    roles: ['worker', ...CENTER],
    apply: (n, _e, _org, _prev, tm) => {
      n.verifiedMs = tm.t;
      return null;
    },
  },
  verification_failed: {
    from: ['resolved'],
    to: 'verification_failed',
    roles: ['worker', ...CENTER],
    apply: (n, e, _org, _prev, tm) => {
      n.verificationFailures = (n.verificationFailures ?? 0) + 1;
      n.lastFailure = { reason: e.data.reason, by: e.actor, ms: tm.t };
      return null;
    },
  },
  closed: {
    from: ['verified'],
    to: 'closed',
    roles: ['worker', ...CENTER],
    apply: (n, _e, _org, _prev, tm) => {
      n.closedMs = tm.t;
      return null;
    },
  },
  feedback: {
    from: ['closed'],
    to: null,
    roles: [...CENTER, ...SELF_ONLY],
    guard: (s, actor) => (s.satisfaction !== undefined ? 'feedback_given' : SELF_ONLY.includes(actor.role) && s.reporter !== actor.id ? 'not_reporter' : null),
    apply: (n, e, _org, _prev, tm) => {
      n.satisfaction = e.data.satisfaction;
      n.feedbackMs = tm.t;
      if (e.data.note) n.feedbackNote = e.data.note;
      if (e.data.satisfaction === 'dissatisfied') {
        const was = n.revisit;
        n.revisit = { status: 'pending', round: (was?.round ?? 0) + 1, sinceMs: tm.t, reopened: was?.reopened ?? 0, called: was?.called ?? 0 };
      }
      return null;
    },
  },
  extension_requested: {
    from: UNIT_STATUSES,
    to: null,
    roles: ['unit'],
    guard: (s) => (s.extension?.status === 'pending' ? 'extension_pending' : null),
    apply: (n, e, _org, _prev, tm) => {
      n.extension = { hours: e.data.hours, reason: e.data.reason, by: e.actor, ms: tm.t, status: 'pending' };
      return null;
    },
  },
  extension_decided: {
    from: UNIT_STATUSES,
    to: null,
    roles: CENTER,
    guard: (s) => (s.extension?.status === 'pending' ? null : 'no_extension_pending'),
    apply: (n, e, _org, _prev, tm) => {
      const req = n.extension!;
      n.extension = { ...req, status: e.data.approve ? 'approved' : 'refused', decidedBy: e.actor, decidedMs: tm.t };
      if (e.data.approve) n.extensionHours = (n.extensionHours ?? 0) + req.hours;
      return null;
    },
  },
  supervised: {
    from: UNIT_STATUSES,
    to: null,
    roles: CENTER,
    apply: (n, e, org, _prev, tm) => {
      const level = org.user(e.actor)?.role === 'town' ? 'town' : 'county';
      n.supervisions = [...n.supervisions, { level, note: e.data.note, by: e.actor, ms: tm.t }];
      return null;
    },
  },
  checklist: {
    from: UNIT_STATUSES,
    to: null,
    roles: ['unit'],
    apply: (n, e) => {
      if (e.data.step >= n.checklist.length) return 'unknown_step';
      const list = [...n.checklist];
      list[e.data.step] = e.data.done;
      n.checklist = list;
      return null;
    },
  },
  withdrawn: {
    from: ['reported', 'accepted', 'returned', 'dispatched', 'acknowledged'],
    to: 'withdrawn',
    roles: [...CENTER, ...SELF_ONLY],
    guard: (s, actor) => {
      if (!SELF_ONLY.includes(actor.role)) return null;
      if (s.reporter !== actor.id) return 'not_reporter';
      return s.status === 'reported' ? null : 'state_not_allowed';
    },
    apply: (n, e, _org, _prev, tm) => {
      n.withdrawReason = e.data.reason;
      n.closedMs = tm.t;
      clearUnit(n);
      return null;
    },
  },
  reopened: {
    from: FINAL_STATUSES,
    to: 'accepted',
    roles: CENTER,
    apply: (n, e, _org, _prev, tm) => {
      n.reopenCount = (n.reopenCount ?? 0) + 1;
      n.reopenReason = e.data.reason;
      // A reopen answers a pending 二次回访 (one that was already answered by a call stays so).
      if (n.revisit?.status === 'pending') n.revisit = answerRevisit(n.revisit, 'reopened', e.actor, tm.t, e.data.reason);
      for (const k of ['closedMs', 'resolvedMs', 'verifiedMs', 'startedMs', 'resolution', 'afterPhotos', 'fixLocation', 'rejectReason', 'withdrawReason', 'mergedInto'] as const) delete n[k];
      for (const k of ['satisfaction', 'feedbackMs', 'feedbackNote', 'selfResolved', 'lastFailure'] as const) delete n[k];
      n.verificationFailures = 0;
      clearUnit(n);
      return null;
    },
  },
  revisit_called: {
    from: ['closed'],
    to: null,
    roles: CENTER,
    guard: (s) => (s.revisit?.status === 'pending' ? null : 'no_revisit_pending'),
    apply: (n, e, _org, _prev, tm) => {
      const r = n.revisit!;
      // A call that did not reach the resident answers nothing: the revisit keeps waiting (the attempt is recorded).
      if (e.data.outcome === 'unreachable') n.revisit = { ...r, unreached: (r.unreached ?? 0) + 1, by: e.actor, ms: tm.t, note: e.data.note, outcome: 'unreachable' };
      else n.revisit = answerRevisit(r, 'called', e.actor, tm.t, e.data.note, e.data.outcome);
      return null;
    },
  },
  assist_recorded: {
    from: UNIT_STATUSES,
    to: null,
    roles: ['unit'],
    helper: true,
    guard: helperAssisting,
    apply: (n, e, org, _prev, tm) => {
      const photos = photoRefs(e.data.photos);
      const part: HelperPart = { eventId: e.id, note: e.data.note, by: e.actor, ms: tm.t, ...(photos.length ? { photos } : {}) };
      setHelper(n, unitOf(org, e), (h) => ({ ...h, parts: [...h.parts, part] }));
      return null;
    },
  },
  assist_confirmed: {
    from: UNIT_STATUSES,
    to: null,
    roles: ['unit'],
    helper: true,
    guard: (s, actor) => helperAssisting(s, actor) ?? (helperOf(s, actor.unitId)!.parts.length ? null : 'no_part_recorded'),
    apply: (n, e, org, _prev, tm) => {
      setHelper(n, unitOf(org, e), (h) => ({ ...h, status: 'confirmed', confirmedBy: e.actor, confirmedMs: tm.t, ...(e.data.note ? { confirmNote: e.data.note } : {}) }));
      return null;
    },
  },
  assist_released: {
    from: UNIT_STATUSES,
    to: null,
    roles: CENTER,
    // Offered while a helper is pending (the data names which: apply checks it).
    guard: (s) => (!s.helpers?.length ? 'not_helper' : helpersPending(s) ? null : 'helper_done'),
    apply: (n, e, _org, _prev, tm) => {
      if (e.data.dispatchId !== n.dispatchId) return 'stale_dispatch';
      const h = helperOf(n, e.data.unitId);
      if (!h) return 'not_helper';
      if (h.status !== 'assisting') return 'helper_done';
      setHelper(n, h.unitId, (x) => ({ ...x, status: 'released', releasedBy: e.actor, releasedMs: tm.t, releaseReason: e.data.reason }));
      return null;
    },
  },
  merged: {
    from: ['reported', 'accepted', 'returned'],
    to: 'merged',
    roles: CENTER,
    apply: (n, e, _org, _prev, tm) => {
      if (e.data.intoCaseId === n.id) return 'merge_into_self';
      firstResponse(n, tm);
      n.mergedInto = e.data.intoCaseId;
      n.closedMs = tm.t;
      return null;
    },
  },
};

/** The helper entry of a unit on the case's current dispatch. */
export function helperOf(s: Pick<CaseState, 'helpers'>, unitId: string | undefined): Helper | undefined {
  return unitId === undefined ? undefined : s.helpers?.find((h) => h.unitId === unitId);
}
export { helpersPending };
/**
 * Scope of a helper's event: it answers the dispatch in force (else `stale_dispatch`, an honest race with a return
 * and a new dispatch), and its author is a unit that dispatch names as helper (else `out_of_scope`).
 */
export function helperScope(s: CaseState, actor: UserInfo, dispatchId: string): ErrorCode | null {
  if (dispatchId !== s.dispatchId) return 'stale_dispatch';
  return actor.role === 'unit' && helperOf(s, actor.unitId) ? null : 'out_of_scope';
}
function helperAssisting(s: CaseState, actor: UserInfo): ErrorCode | null {
  return helperOf(s, actor.unitId)?.status === 'assisting' ? null : 'helper_done';
}
/** The helper unit a helper's event is for: its author's unit, as the event was judged (step checked it is a helper). */
function unitOf(org: OrgIndex, e: CaseEvent): string {
  return org.user(e.actor)?.unitId ?? '';
}
function setHelper(n: CaseState, unitId: string, f: (h: Helper) => Helper): void {
  n.helpers = (n.helpers ?? []).map((h) => (h.unitId === unitId ? f(h) : h));
}

function answerRevisit(r: Revisit, how: 'reopened' | 'called', by: string, ms: number, note: string, outcome?: RevisitOutcome): Revisit {
  const out: Revisit = { ...r, status: how, by, ms, note, reopened: r.reopened + (how === 'reopened' ? 1 : 0), called: r.called + (how === 'called' ? 1 : 0) };
  if (outcome) out.outcome = outcome;
  else delete out.outcome;
  return out;
}

/** Hours from dispatch to the deadline when neither the command nor the plan says. */
export const DEFAULT_DUE_HOURS = 24;

/** A fix's evidence: its photos and where it was made (a fix without them clears the previous fix's). */
function setFix(n: CaseState, d: { photos?: ReadonlyArray<string | PhotoRef>; location?: LatLng }): void {
  const photos = photoRefs(d.photos);
  if (photos.length) n.afterPhotos = photos;
  else delete n.afterPhotos;
  if (d.location) n.fixLocation = d.location;
  else delete n.fixLocation;
}

function firstResponse(n: CaseState, tm: EventTimes): void {
  n.firstResponseMs ??= tm.t;
}
function unitResponse(n: CaseState, tm: EventTimes): null {
  n.unitResponseMs ??= tm.t;
  return null;
}
function clearUnit(n: CaseState): void {
  delete n.unitId;
  delete n.dispatchedMs;
  delete n.dueHours;
  delete n.dueDays;
  delete n.dueSpanMs;
  delete n.extension;
  delete n.unitResponseMs;
  delete n.dispatchId;
  delete n.helpers;
  n.extensionHours = 0;
  n.checklist = [];
}

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
  /** The report's photos (before), `{full, thumb}` by content hash (src/domain/evidence.ts). */
  photos: PhotoRef[];
  /** The report's voice note. */
  voice?: VoiceRef;
  reporter: string;
  /** The reporter's role when the report was accepted (its receipt's authority): the 考核's channel counts. */
  reporterRole?: Role;
  /** Issue 13: how the report came in (src/domain/citizens.ts). */
  channel?: 'app' | 'api' | 'open311';
  onBehalf?: OnBehalf;
  contact?: Contact;
  attributes?: Record<string, string>;
  /** HLC of the report, and its wall-clock ms. */
  reportedAt: string;
  reportedMs: number;
  /** HLC of the last applied event. */
  updatedAt: string;
  /** First answer to the report: accepted, rejected, merged or self-resolved (acceptance on time). */
  firstResponseMs?: number;
  /** The unit holding the case (cleared by a return, a withdrawal or a reopen). */
  unitId?: string;
  planId?: string;
  /** Hours from dispatch to the deadline (command, else plan, else 24), without extensions. */
  dueHours?: number;
  /** Issue 15: the deadline is the end of this many working days after dispatch (the plan's); dueHours is ignored then. */
  dueDays?: number;
  /** With dueDays: that deadline as ms after `dispatchedMs` (deadlines.ts resolveDueMs adds extensions). */
  dueSpanMs?: number;
  /** The version of the plan the latest dispatch used (its receipt's), for the record. */
  planVersion?: number;
  /** The latest dispatch: the deadline clock starts here. */
  dispatchedMs?: number;
  /** Issue 17: the id of the dispatch in force (helpers' events name it), and its helping units (协办). */
  dispatchId?: string;
  helpers?: Helper[];
  dispatchCount?: number;
  /** The unit's first response (acknowledge, start, resolve, return) after the latest dispatch. */
  unitResponseMs?: number;
  startedMs?: number;
  /** Approved extension hours since the latest dispatch. */
  extensionHours: number;
  /** The latest extension request since the latest dispatch. */
  extension?: ExtensionRequest;
  /** The plan's checklist, one flag per step of the plan (empty without a plan). */
  checklist: boolean[];
  supervisions: Supervision[];
  returned?: ReturnInfo;
  returnCount?: number;
  verificationFailures?: number;
  lastFailure?: { reason: string; by: string; ms: number };
  /** The latest resolve (the one that counts). */
  resolvedMs?: number;
  verifiedMs?: number;
  /** When the case reached a final state (closed, rejected, withdrawn, merged). */
  closedMs?: number;
  selfResolved?: boolean;
  satisfaction?: Satisfaction;
  feedbackMs?: number;
  feedbackNote?: string;
  rejectReason?: string;
  withdrawReason?: string;
  mergedInto?: string;
  reopenCount?: number;
  reopenReason?: string;
  /** The latest 二次回访 (issue 13), kept through reopens. */
  revisit?: Revisit;
  resolution?: string;
  /** The latest resolve's photos of the fix (after), and where its author stood (src/domain/evidence.ts). */
  afterPhotos?: PhotoRef[];
  fixLocation?: LatLng;
  /** The latest dispatch's plan asks for a photo of the fix: a resolve without one is refused (`photo_required`). */
  afterPhotoRequired?: boolean;
  timeline: TimelineEntry[];
  /** The events that had no effect (lost a race, stale role...), for telling the people concerned. */
  superseded: SupersededEntry[];
}

/** Whether the user's role scope covers the case (or the case about to be reported). */
export function inScope(user: UserInfo, c: { townId: string; gridId: string; villageId?: string; unitId?: string }, org: OrgIndex): boolean {
  switch (user.role) {
    case 'admin':
    case 'county':
      return true;
    case 'town':
      return c.townId === user.townId;
    case 'worker':
      return c.gridId === user.gridId;
    case 'secretary':
      // A case keeps the village its grid had when it was reported; a report about to be made has no village yet.
      return user.villageId !== undefined && (c.villageId ?? org.grid(c.gridId)?.villageId) === user.villageId;
    case 'unit':
      return c.unitId !== undefined && c.unitId === user.unitId;
    case 'resident':
      return true;
    case 'member':
      return c.townId === user.townId;
    case 'trainer':
      return false;
  }
}

/**
 * Whether the user's device keeps and shows the case: its scope, or (issue 17) a unit named as helper by the dispatch
 * in force, which sees the case (its part to do, then what it did) without holding it.
 */
export function seesCase(user: UserInfo, c: CaseState, org: OrgIndex): boolean {
  return inScope(user, c, org) || (user.role === 'unit' && helperOf(c, user.unitId) !== undefined);
}

export type StepResult = { ok: true; state: CaseState } | { ok: false; reason: ErrorCode };

/**
 * Apply one event to a case state (null before the report). Pure; the input state is not changed.
 * The timeline and the superseded list are not touched here: the fold records each event with its outcome.
 * Checks, in order: actor known, role, (report) grid/category/scope, case exists, from-state, scope, guard, data.
 * `org` is the reference data the event is judged by: its receipt's snapshot when folding history, the device's
 * org doc when deciding a new command (src/domain/receipts.ts). `tm` defaults to the author's own time.
 */
export function step(state: CaseState | null, e: CaseEvent, org: OrgIndex, tm: EventTimes = ownTimes(e)): StepResult {
  const rule = TRANSITIONS[e.type] as Transition;
  const actor = org.user(e.actor);
  if (!actor) return { ok: false, reason: 'unknown_actor' };
  if (!rule.roles.includes(actor.role)) return { ok: false, reason: 'role_not_allowed' };

  if (e.type === 'reported') {
    if (state) return { ok: false, reason: 'state_not_allowed' };
    const d = e.data;
    const grid = org.grid(d.gridId);
    // Issue 15: retired reference data is history only (a receipt's snapshot never marks it retired).
    if (!grid || grid.retired || grid.townId !== d.townId) return { ok: false, reason: 'unknown_grid' };
    if (!org.subcategory(d.category) || org.subcategory(d.category)!.retired) return { ok: false, reason: 'unknown_category' };
    // Issue 13: attributes only as the subcategory's service fields define them (append-only table: servicefields.ts).
    if (badAttribute(d.category, d.attributes) !== null) return { ok: false, reason: 'bad_attribute' };
    if (!inScope(actor, d, org)) return { ok: false, reason: 'out_of_scope' };
    // 代报 is staff's (issue 13): a resident reporting "for" someone would make that phone's owner follow the case.
    if (d.onBehalf && actor.role === 'resident') return { ok: false, reason: 'role_not_allowed' };
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
        photos: photoRefs(d.photos),
        ...(d.voice ? { voice: d.voice } : {}),
        reporter: e.actor,
        reporterRole: actor.role,
        ...(d.channel ? { channel: d.channel } : {}),
        ...(d.onBehalf ? { onBehalf: d.onBehalf } : {}),
        ...(d.contact ? { contact: d.contact } : {}),
        ...(d.attributes ? { attributes: d.attributes } : {}),
        reportedAt: e.at,
        // The accept clock starts when the report reached the relay: the town center cannot know of it before.
        reportedMs: tm.rx,
        updatedAt: e.at,
        extensionHours: 0,
        checklist: [],
        supervisions: [],
        timeline: [],
        superseded: [],
      },
    };
  }

  if (!state) return { ok: false, reason: 'unknown_case' };
  if (!rule.from?.includes(state.status)) return { ok: false, reason: 'state_not_allowed' };
  const scope = rule.helper ? helperScope(state, actor, (e.data as { dispatchId: string }).dispatchId) : inScope(actor, state, org) ? null : 'out_of_scope';
  if (scope) return { ok: false, reason: scope };
  const refused = rule.guard?.(state, actor);
  if (refused) return { ok: false, reason: refused };

  const next: CaseState = { ...state, status: rule.to ?? state.status, updatedAt: e.at };
  const bad = rule.apply?.(next, e, org, state, tm);
  if (bad) return { ok: false, reason: bad };
  return { ok: true, state: next };
}

function ownTimes(e: CaseEvent): EventTimes {
  const ms = hlcMs(e.at);
  return { rx: ms, t: ms };
}

/** Whether this user may make this event type on this case now (role, state, scope and guard; not the data). */
export function mayAct(state: CaseState, user: UserInfo, type: EventType, org: OrgIndex): boolean {
  const rule = TRANSITIONS[type] as Transition;
  if (rule.from === null || !rule.from.includes(state.status) || !rule.roles.includes(user.role)) return false;
  if (rule.helper ? state.dispatchId === undefined || helperScope(state, user, state.dispatchId) : !inScope(user, state, org)) return false;
  if (type === 'checklist' && state.checklist.length === 0) return false;
  return !rule.guard?.(state, user);
}

/** The event types this user may make now on this case (what the UI offers), in EVENT_TYPES order. */
export function allowedActions(state: CaseState, user: UserInfo, org: OrgIndex): EventType[] {
  return EVENT_TYPES.filter((type) => mayAct(state, user, type, org));
}

/** The entries of the superseded list that concern this user: their own events that had no effect. */
export function supersededFor(state: CaseState, userId: string): SupersededEntry[] {
  return state.superseded.filter((x) => x.actor === userId);
}
