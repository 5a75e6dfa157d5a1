/**
 * The inbox (issue 13): what a user is told about, computed on the device from the case rows and party needs it
 * already holds, at a moment `nowMs`. Pure and deterministic: the same input gives the same items in the same
 * order, so the badge, the inbox screen and the system notifications agree, and a test can pin a clock.
 *
 * Contracts:
 *  - Each item has a stable `id` made of its kind, its subject and the fact that caused it (a dispatch's time, a
 *    stage, a decision's time...): the same fact always gives the same id (read state and system notifications
 *    de-duplicate by it), a new fact of the same kind on the same case gives a new id (a re-dispatch, the next
 *    督办, the next stage of a report: unread again).
 *  - Items are derived from the present state: an item that needs action (dispatched and not yet signed for, due
 *    soon, overdue, a fix to verify, a 二次回访 call) lasts while the case waits for it; an item that tells news
 *    (a report's progress, a 督办, an extension decided, a need claimed, a resident's report) lasts HORIZON_MS.
 *  - Nothing here reads the clock, storage or the network.
 *
 * Who gets what (by role; `inbox.ts` decides only from facts the role's docs carry):
 *   unit       dispatched (待签收), due_soon, overdue, supervised (督办), extension_decided — cases it holds
 *   worker     to_verify (a fix in my grid), resident_report (a resident's report in my grid)
 *   secretary  resident_report (in my village)
 *   town       overdue (my town), resident_report (new, not yet accepted, in my town), revisit (二次回访 pending)
 *   worker     (issue 17) task_sent: a task sent down to my grid, while it is open for it; task_overdue once past
 *              its deadline and not completed (src/domain/towntasks.ts `gridTasks`, given as `tasks`)
 *   mediators  (issue 17) dispute_named: an open dispute names me as a mediator and someone else opened it or named
 *              me (while it is open); followup_due: an agreement's follow-up date has passed and the follow-up is
 *              not recorded (the dispute's mediators and its town's center), src/domain/mediation.ts
 *   secretary  (issue 17) care_need: care visits in my village's grids found needs that wait for a party need
 *              (src/domain/careneeds.ts `pendingCareNeeds`, given as `careNeeds`): one item for the village, with
 *              how many wait, new (unread again) with each newer visit; it lasts while any waits. The town's center
 *              sees the same list on its needs tab, not in its inbox (a town's dozens of grids would flood it)
 *   everyone   progress of a case they reported (residents: every case they hold, which includes the cases
 *              reported on their behalf), need_claimed (a party need they published, or of their village)
 */
import type { ReportChannel } from './citizens.ts';
import { residentStage, type ResidentStage } from './stages.ts';
import { inboxFacts, type InboxFacts } from './inboxfacts.ts';
import { hlcMs } from './hlc.ts';
import type { UserInfo } from './org.ts';
import type { CaseState, Status } from './workflow.ts';

export { inboxFacts, type InboxFacts };

export const INBOX_KINDS = [
  'dispatched',
  'due_soon',
  'overdue',
  'supervised',
  'to_verify',
  'resident_report',
  'progress',
  'need_claimed',
  'extension_decided',
  'revisit',
  'task_sent',
  'task_overdue',
  // issue 17: a dispatch names this unit as a helping unit (协办) and its part is still owed
  'assist',
  // issue 17: 矛盾纠纷调解
  'dispute_named',
  'followup_due',
  // issue 17: a care visit found needs for the village to take up
  'care_need',
] as const;
export type InboxKind = (typeof INBOX_KINDS)[number];

/** News items are kept this long after their fact (30 days). */
export const HORIZON_MS = 30 * 24 * 3600_000;
/** A running deadline closer than this is "due soon" (4 hours). */
export const DUE_SOON_MS = 4 * 3600_000;

/** Statuses in which a unit holds a case (workflow.ts UNIT_STATUSES; repeated to keep this module's imports types-only). */
const HELD: readonly Status[] = ['dispatched', 'acknowledged', 'in_progress', 'verification_failed'];
const PUBLIC_CHANNELS: readonly ReportChannel[] = ['resident_app', 'open311'];

/** One case as the inbox reads it: a list row's fields (all a CaseState has too) and the InboxFacts. */
export interface InboxCase extends InboxFacts {
  id: string;
  status: Status;
  townId: string;
  gridId: string;
  villageId?: string;
  category: string;
  /** The report's words (shown on the inbox screen; never in a system notification, which a lock screen shows). */
  description?: string;
  reporter?: string;
  reportedMs: number;
  updatedMs: number;
  unitId?: string;
  dispatchedMs?: number;
  dueMs?: number;
  resolvedMs?: number;
  supervisions?: number;
  /** Issue 17: the dispatch's helping units (a row's `helpers`, a state's). */
  helpers?: ReadonlyArray<{ unitId: string; status: string }>;
}

/** A party need as the inbox reads it (src/domain/party.ts Need). */
export interface InboxNeed {
  id: string;
  villageId: string;
  title: string;
  publishedBy: string;
  status: 'open' | 'claimed' | 'confirmed';
  claimedBy?: string;
  claimedAt?: string;
}

/** Issue 17: a task sent down to the user's grid, with its state for the grid (src/domain/towntasks.ts). */
export interface InboxTask {
  id: string;
  townId: string;
  title: string;
  sentMs: number;
  deadlineMs: number;
  status: 'open' | 'overdue' | 'done' | 'cancelled';
}

/** Issue 17: a dispute of a town's mediation summary, as the inbox reads it (src/domain/mediation.ts Dispute). */
export interface InboxDispute {
  id: string;
  townId: string;
  /** The dispute's type (the screen names it). */
  type: string;
  /** 'withdrawn' (撤销登记): not open, so it names no one and has no follow-up. */
  status: 'open' | 'agreement' | 'referred' | 'failed' | 'withdrawn';
  mediators: readonly string[];
  namedAt: Readonly<Record<string, string>>;
  openedBy: string;
  followUpMs?: number;
  followUpDone: boolean;
}

/** Issue 17: a care visit waiting for a need (src/domain/careneeds.ts PendingCareNeed, with the household's label). */
export interface InboxCareNeed {
  gridId: string;
  villageId: string;
  townId: string;
  visitId: string;
  ms: number;
  needs: readonly string[];
  /** The household (head and address): shown on the inbox screen, never in a system notification. */
  household?: string;
}

export interface InboxItem {
  /** Stable: `<kind>:<subject>:<fact>` (see the module comment). */
  id: string;
  kind: InboxKind;
  /** The case it is about; absent for a need. */
  caseId?: string;
  needId?: string;
  /** Issue 17: the task sent down it is about (`<townId>/<taskId>`). */
  taskId?: string;
  /** Issue 17: the dispute it is about. */
  disputeId?: string;
  /** Issue 17: the newest care visit waiting for a need (`<gridId>/<visitId>`); `subject` says how many wait. */
  careVisit?: string;
  /** When the fact happened (or, for due_soon/overdue, when the deadline was/is): the inbox's order. */
  ms: number;
  /** A short message key (locales/inbox.zh.ts `inbox.kind.<kind>`, `inbox.stage.<stage>` for progress). */
  text: string;
  /** The case's subcategory code (the screen names it), the need's title, how many care visits wait (care_need). */
  subject: string;
  /** The case's description (the screen shows it; not for notifications). */
  detail?: string;
  /** For `progress`: the resident-words stage reached. */
  stage?: ResidentStage;
  /** Due time for due_soon / overdue. */
  dueMs?: number;
  /** Where a tap leads: `#/cases/<id>` or `#/party/needs`. */
  href: string;
}

export type InboxUser = Pick<UserInfo, 'id' | 'role' | 'townId' | 'villageId' | 'gridId' | 'unitId'>;

export interface InboxInput {
  user: InboxUser;
  nowMs: number;
  cases: readonly InboxCase[];
  needs?: readonly InboxNeed[];
  /** Issue 17: the tasks sent down to a grid worker's grid. */
  tasks?: readonly InboxTask[];
  /** Issue 17: the disputes of the mediation summaries the user holds. */
  disputes?: readonly InboxDispute[];
  /** Issue 17: the care visits waiting for a need, in the grids the user holds. */
  careNeeds?: readonly InboxCareNeed[];
}

/** A case state as the inbox reads it (for callers that hold states, not rows: a resident's own cases). */
export function inboxCaseOf(s: CaseState, dueMs?: number): InboxCase {
  const c: InboxCase = {
    id: s.id,
    status: s.status,
    townId: s.townId,
    gridId: s.gridId,
    category: s.category,
    description: s.description,
    reporter: s.reporter,
    reportedMs: s.reportedMs,
    updatedMs: hlcMs(s.updatedAt),
    supervisions: s.supervisions.length,
    ...inboxFacts(s),
  };
  if (s.villageId) c.villageId = s.villageId;
  if (s.unitId) c.unitId = s.unitId;
  if (s.dispatchedMs !== undefined) c.dispatchedMs = s.dispatchedMs;
  if (s.resolvedMs !== undefined) c.resolvedMs = s.resolvedMs;
  if (s.helpers?.length) c.helpers = s.helpers;
  if (dueMs !== undefined) c.dueMs = dueMs;
  return c;
}

const caseHref = (id: string) => `#/cases/${encodeURIComponent(id)}`;

/** Whether a case came from a resident (their app, Open311, or a resident's account through any path). */
export function fromResident(c: Pick<InboxCase, 'reporterRole' | 'reportChannel'>): boolean {
  return c.reporterRole === 'resident' || (c.reportChannel !== undefined && PUBLIC_CHANNELS.includes(c.reportChannel));
}

/** The items of a user at `nowMs`, newest first (ties by id), one per id. */
export function inboxItems({ user, nowMs, cases, needs = [], tasks = [], disputes = [], careNeeds = [] }: InboxInput): InboxItem[] {
  const out = new Map<string, InboxItem>();
  const recent = (ms: number) => ms > nowMs - HORIZON_MS;
  const add = (c: InboxCase, kind: InboxKind, fact: string | number, ms: number, extra: Partial<InboxItem> = {}) => {
    const id = `${kind}:${c.id}:${fact}`;
    if (!out.has(id)) out.set(id, { id, kind, caseId: c.id, ms, text: `inbox.kind.${kind}`, subject: c.category, ...(c.description ? { detail: c.description } : {}), href: caseHref(c.id), ...extra });
  };
  const role = user.role;
  for (const c of cases) {
    const held = role === 'unit' && user.unitId !== undefined && c.unitId === user.unitId && HELD.includes(c.status);
    if (held) {
      if (c.status === 'dispatched' && c.dispatchedMs !== undefined) add(c, 'dispatched', c.dispatchedMs, c.dispatchedMs);
      if (c.dueMs !== undefined) {
        if (c.dueMs <= nowMs) add(c, 'overdue', c.dueMs, c.dueMs, { dueMs: c.dueMs });
        else if (c.dueMs - nowMs <= DUE_SOON_MS) add(c, 'due_soon', c.dueMs, c.dueMs - DUE_SOON_MS, { dueMs: c.dueMs });
      }
      if (c.supervisions && c.supervisedMs !== undefined && recent(c.supervisedMs)) add(c, 'supervised', c.supervisedMs, c.supervisedMs);
      if (c.extensionDecision && c.extensionDecidedMs !== undefined && recent(c.extensionDecidedMs)) {
        add(c, 'extension_decided', c.extensionDecidedMs, c.extensionDecidedMs, { text: `inbox.extension.${c.extensionDecision}` });
      }
    }
    const helping = role === 'unit' && c.helpers?.some((h) => h.unitId === user.unitId && h.status === 'assisting') === true && HELD.includes(c.status);
    if (helping && c.dispatchedMs !== undefined) add(c, 'assist', c.dispatchedMs, c.dispatchedMs);
    if (role === 'worker' && user.gridId !== undefined && c.gridId === user.gridId) {
      if (c.status === 'resolved' && c.resolvedMs !== undefined) add(c, 'to_verify', c.resolvedMs, c.resolvedMs);
      if (fromResident(c) && c.reporter !== user.id && recent(c.reportedMs)) add(c, 'resident_report', 'r', c.reportedMs);
    }
    if (role === 'secretary' && user.villageId !== undefined && c.villageId === user.villageId) {
      if (fromResident(c) && c.reporter !== user.id && recent(c.reportedMs)) add(c, 'resident_report', 'r', c.reportedMs);
    }
    if (role === 'town' && user.townId !== undefined && c.townId === user.townId) {
      if (c.dueMs !== undefined && c.dueMs <= nowMs) add(c, 'overdue', c.dueMs, c.dueMs, { dueMs: c.dueMs });
      if (c.status === 'reported' && fromResident(c)) add(c, 'resident_report', 'r', c.reportedMs);
      if (c.revisitStatus === 'pending') add(c, 'revisit', c.revisitMs ?? c.updatedMs, c.revisitMs ?? c.updatedMs);
    }
    // My report's progress: the stage it reached, once past "received". A resident holds only their own cases and
    // the ones reported on their behalf (the relay's /api/cases/mine), so every case they hold is theirs to follow.
    const mine = role === 'resident' || (c.reporter !== undefined && c.reporter === user.id);
    if (mine) {
      const stage = residentStage(c.status);
      if (stage !== 'received' && recent(c.updatedMs)) add(c, 'progress', stage, c.updatedMs, { text: `inbox.stage.${stage}`, stage });
    }
  }
  for (const n of needs) {
    if (n.status === 'open' || !n.claimedAt || !n.claimedBy || n.claimedBy === user.id) continue;
    const concerned = n.publishedBy === user.id || (role === 'secretary' && user.villageId === n.villageId);
    if (!concerned) continue;
    const ms = hlcMs(n.claimedAt);
    if (!recent(ms)) continue;
    const id = `need_claimed:${n.id}:${n.claimedBy}`;
    if (!out.has(id)) out.set(id, { id, kind: 'need_claimed', needId: n.id, ms, text: 'inbox.kind.need_claimed', subject: n.title, href: '#/party/needs' });
  }
  // Issue 17: a task for my grid is an action item while it is open for the grid; overdue is a new fact (unread again).
  for (const k of user.role === 'worker' ? tasks : []) {
    if (k.status !== 'open' && k.status !== 'overdue') continue;
    const kind: InboxKind = k.status === 'overdue' ? 'task_overdue' : 'task_sent';
    const ms = k.status === 'overdue' ? k.deadlineMs : k.sentMs;
    const id = `${kind}:${k.townId}/${k.id}:${ms}`;
    if (!out.has(id)) out.set(id, { id, kind, taskId: `${k.townId}/${k.id}`, ms, text: `inbox.kind.${kind}`, subject: k.title, dueMs: k.deadlineMs, href: `#/towntasks/${k.townId}/${encodeURIComponent(k.id)}` });
  }
  // Issue 17: disputes. Being named is an action item while the dispute is open (naming myself is no news); a
  // follow-up past its date is one for the mediators and the town's center until it is recorded.
  for (const d of disputes) {
    const href = `#/mediation/d/${d.id}`;
    const put = (kind: InboxKind, fact: string | number, ms: number) => {
      const id = `${kind}:${d.id}:${fact}`;
      if (!out.has(id)) out.set(id, { id, kind, disputeId: d.id, ms, text: `inbox.kind.${kind}`, subject: d.type, href });
    };
    const mediates = d.mediators.includes(user.id);
    const named = d.namedAt[user.id];
    if (d.status === 'open' && mediates && named !== undefined && d.openedBy !== user.id) put('dispute_named', named, hlcMs(named));
    const concerned = mediates || (role === 'town' && user.townId === d.townId);
    if (concerned && d.status === 'agreement' && !d.followUpDone && d.followUpMs !== undefined && d.followUpMs <= nowMs) put('followup_due', d.followUpMs, d.followUpMs);
  }
  // Issue 17: care visits' needs are one action item for the village's secretary while any waits (the newest leads).
  const waiting = role === 'secretary' ? careNeeds.filter((c) => c.villageId === user.villageId) : [];
  if (waiting.length > 0) {
    const newest = waiting.reduce((a, b) => (b.ms > a.ms || (b.ms === a.ms && b.visitId > a.visitId) ? b : a));
    const careVisit = `${newest.gridId}/${newest.visitId}`;
    const id = `care_need:${user.villageId}:${newest.ms}`;
    out.set(id, {
      id,
      kind: 'care_need',
      careVisit,
      ms: newest.ms,
      text: 'inbox.kind.care_need',
      subject: String(waiting.length),
      ...(newest.household ? { detail: newest.household } : {}),
      href: waiting.length === 1 ? `#/party/needs?care=${careVisit}` : '#/party/needs',
    });
  }
  return [...out.values()].sort((a, b) => b.ms - a.ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Ids with the time they were marked (read, or announced as a system notification): `{ [itemId]: ms }`. */
export type IdTimes = Record<string, number>;

/** Items not in the read set. */
export function unreadOf(items: readonly InboxItem[], read: IdTimes): InboxItem[] {
  return items.filter((i) => read[i.id] === undefined);
}

/**
 * `marks` with `ids` added at `nowMs`, pruned: an id is kept while it is a current item or was marked within
 * 2 x HORIZON_MS (an item that left the inbox can come back only through the same fact, e.g. a case that returns to a
 * unit's queue, and a query's page may miss it for a while), so the set stays about as small as the inbox.
 */
export function addMarks(marks: IdTimes, ids: Iterable<string>, current: readonly InboxItem[], nowMs: number): IdTimes {
  const live = new Set(current.map((i) => i.id));
  const next: IdTimes = {};
  for (const [id, ms] of Object.entries(marks)) if (live.has(id) || ms > nowMs - 2 * HORIZON_MS) next[id] = ms;
  for (const id of ids) next[id] ??= nowMs;
  return next;
}

/**
 * Items to announce as system notifications: those neither read nor announced before. `announced` null (never
 * checked on this device with notifications on) announces nothing: what was there before is not news.
 */
export function toAnnounce(items: readonly InboxItem[], read: IdTimes, announced: IdTimes | null): InboxItem[] {
  if (!announced) return [];
  return items.filter((i) => read[i.id] === undefined && announced[i.id] === undefined);
}

export const isIdTimes = (v: unknown): v is IdTimes =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'number' && Number.isFinite(x));
