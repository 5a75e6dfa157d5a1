/**
 * Receipts: the relay's record of each case event it accepted, the facts the fold needs besides the event itself.
 *
 * Contract (docs/DESIGN.md section 4a "History is facts"):
 *  - A cases doc keeps, next to its `events` array, a `receipts` array written only by the relay: one entry per
 *    accepted event, `{ e, rx, f?, a, x?, l?, s? }`. Clients can never write it (server/validate.ts).
 *  - `a` is the author's authority when the relay accepted the event, as `role` or `role:scopeId` (a worker's grid,
 *    a secretary's village, a town center's or party member's town, a unit's id). `x` holds what the event's
 *    references meant then: a report's grid village, a dispatch's unit town and plan (deadline hours, step count)
 *    and (issue 17) its helping units' towns, or the reference error the relay found. The fold checks each event
 *    against that snapshot (`snapshotOrg`), never against today's org doc: moving a worker, removing a unit,
 *    renaming a grid or changing a plan changes nothing that already happened, on any replica, and only events
 *    accepted afterwards see the change.
 *  - Times. `rx` is the relay's clock when it accepted the event. `f` (floor) is present when the event came in
 *    a catch-up after its device had been out of contact (the relay's last contact with that device); without
 *    `f` the event arrived live. `creditedMs` turns the author's claimed time into the time the county counts.
 *  - `s` (issue 16) is the relay's signature of the receipt and its event (server/receiptsign.ts), which lets a
 *    relay restored from a backup tell its own lost receipts from forged ones. Absent in older receipts.
 *  - `l: 1` marks a receipt written when a store from before receipts was migrated: the relay had no receipt
 *    time then, so such an event counts at its author's time, and its references as the org doc was at migration.
 *  - An event without a receipt yet (made on this device, not acknowledged) is folded provisionally against the
 *    device's current org doc and its own time (`provisionalContext`); its receipt replaces that when it arrives.
 */
import * as v from 'valibot';
import { MAX_HELPERS, type CaseEvent } from './events.ts';
import type { ErrorCode } from './errors.ts';
import { hlcMs } from './hlc.ts';
import { ID_PATTERN } from './ids.ts';
import { workingDueMs } from './workdays.ts';
import { ROLES, type Grid, type OrgIndex, type Plan, type Role, type Subcategory, type Unit, type UserInfo } from './org.ts';

export { MAX_AHEAD_MS } from './hlc.ts';

const scopeId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,40}$/));
const REF_ERRORS = ['unknown_grid', 'unknown_category', 'unknown_unit', 'unknown_plan'] as const satisfies readonly ErrorCode[];

const Capture = v.strictObject({
  /** reported: the village of the report's grid. */
  v: v.optional(scopeId),
  /** dispatched: the unit's town (town-level units). */
  ut: v.optional(scopeId),
  /** dispatched with a plan: the plan's subcategory, deadline hours and number of checklist steps. */
  pc: v.optional(v.pipe(v.string(), v.regex(/^\d{4}$/))),
  pd: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(24 * 365))),
  pk: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(99))),
  /** dispatched with a plan that asks for a photo of the fix (Plan.afterPhoto). */
  pp: v.optional(v.literal(1)),
  /** Issue 15 (absent in older receipts): the plan's version (refchanges.ts), and its working days when it counts them. */
  pv: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000))),
  pw: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(60))),
  /** With `pw`: the deadline as ms after the receipt time, by the working-day calendar the relay had (workdays.ts). */
  pm: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(400 * 86_400_000))),
  /**
   * Issue 17: dispatched naming helping units: each helper's town ('' for a county-level unit), in the order of the
   * dispatch's `helperUnitIds`. A helper unknown or retired then makes the whole receipt `n: 'unknown_unit'`.
   */
  ht: v.optional(v.pipe(v.array(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{0,40}$/))), v.maxLength(MAX_HELPERS))),
  /** A reference the relay did not know when it accepted the event. */
  n: v.optional(v.picklist(REF_ERRORS)),
});
export type Capture = v.InferOutput<typeof Capture>;

const ms = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(9_999_999_999_999));
export const ReceiptSchema = v.strictObject({
  e: v.pipe(v.string(), v.regex(ID_PATTERN)),
  rx: ms,
  f: v.optional(ms),
  a: v.pipe(v.string(), v.regex(/^[a-z]{1,12}(:[A-Za-z0-9_.-]{1,40})?$/)),
  x: v.optional(Capture),
  l: v.optional(v.literal(1)),
  /** Issue 16: the relay's signature of the receipt and its event (server/receiptsign.ts); only the relay reads it. */
  s: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/))),
});
export type Receipt = v.InferOutput<typeof ReceiptSchema>;

export function parseReceipt(raw: unknown): Receipt | null {
  const r = v.safeParse(ReceiptSchema, raw);
  // valibot's object schemas take arrays too.
  return r.success && !Array.isArray(raw) && !Array.isArray((raw as { x?: unknown }).x) ? r.output : null;
}

/** The times and reference data one event is folded with. */
export interface EventContext {
  /** Reference data as the relay checked the event against it (or, before its receipt, the device's org doc). */
  org: OrgIndex;
  /** When the county could first know of the event: the relay's receipt (clocks that someone must answer start here). */
  rx: number;
  /** When the author is credited with acting (the answers that stop those clocks). */
  t: number;
}
export type ContextOf = (e: CaseEvent) => EventContext;

/**
 * The time the county counts for an event. Live (no floor): the receipt time, whatever the device claimed (a
 * connected device sends at once, so a claim earlier than its arrival is a wrong or set-back clock). Catch-up
 * after an offline stretch: the author's time, but never before the relay's last contact with that device
 * (it would have sent the event then) and never after the receipt. A device offline for a week is therefore
 * credited with the times it acted, and a device whose clock was set back gains nothing.
 */
export function creditedMs(at: string, rx: number, floor: number | undefined): number {
  if (floor === undefined) return rx;
  return Math.min(rx, Math.max(hlcMs(at), floor));
}

/** The actor's role and the one scope id that role's rules read (`inScope`). */
export function authorityOf(user: Pick<UserInfo, 'role' | 'townId' | 'villageId' | 'gridId' | 'unitId'>): string {
  const scope = SCOPE_FIELD[user.role];
  const id = scope ? user[scope] : undefined;
  return id ? `${user.role}:${id}` : user.role;
}
const SCOPE_FIELD: Record<Role, 'townId' | 'villageId' | 'gridId' | 'unitId' | null> = {
  admin: null,
  county: null,
  town: 'townId',
  unit: 'unitId',
  worker: 'gridId',
  secretary: 'villageId',
  trainer: null,
  resident: null,
  member: 'townId',
};

function parseAuthority(id: string, a: string): UserInfo | undefined {
  const [role, scope] = a.split(':') as [string, string | undefined];
  if (!(ROLES as readonly string[]).includes(role)) return undefined;
  const user: UserInfo = { id, username: id, name: id, role: role as Role };
  const field = SCOPE_FIELD[role as Role];
  if (field && scope) user[field] = scope;
  return user;
}

/** What the relay records about an accepted event's references, checked against the org doc now. */
export function captureRefs(e: CaseEvent, org: OrgIndex): Capture | undefined {
  // Issue 15: a retired grid, subcategory, unit or plan is history only: a new event may not name it.
  if (e.type === 'reported') {
    const grid = org.grid(e.data.gridId);
    if (!grid || grid.retired || grid.townId !== e.data.townId) return { n: 'unknown_grid' };
    const sub = org.subcategory(e.data.category);
    if (!sub || sub.retired) return { n: 'unknown_category' };
    return { v: grid.villageId };
  }
  if (e.type === 'dispatched') {
    const unit = org.unit(e.data.unitId);
    if (!unit || unit.retired) return { n: 'unknown_unit' };
    const x: Capture = unit.townId !== undefined ? { ut: unit.townId } : {};
    if (e.data.helperUnitIds?.length) {
      const ht: string[] = [];
      for (const id of e.data.helperUnitIds) {
        const h = org.unit(id);
        if (!h || h.retired) return { n: 'unknown_unit' };
        ht.push(h.townId ?? '');
      }
      x.ht = ht;
    }
    if (e.data.planId) {
      const plan = org.planById(e.data.planId);
      if (!plan || plan.retired) return { ...x, n: 'unknown_plan' };
      Object.assign(
        x,
        { pc: plan.category, pd: plan.dueHours, pk: plan.steps.length, pv: plan.version ?? 1 },
        plan.afterPhoto ? { pp: 1 } : {},
        plan.dueIn === 'working_days' && plan.dueDays ? { pw: plan.dueDays } : {},
      );
    }
    return x;
  }
  return undefined;
}

/** The receipt the relay writes for an accepted event. `floor`: see `creditedMs`; `legacy`: a migrated store. */
export function makeReceipt(e: CaseEvent, org: OrgIndex, rx: number, floor?: number, legacy?: boolean): Receipt {
  const actor = org.user(e.actor);
  const r: Receipt = { e: e.id, rx: legacy ? hlcMs(e.at) : rx, a: actor ? authorityOf(actor) : 'unknown' };
  if (!legacy && floor !== undefined && floor < rx) r.f = floor;
  const x = captureRefs(e, org);
  if (x?.pw) x.pm = workingDueMs(r.rx, x.pw, org.calendars) - r.rx;
  if (x) r.x = x;
  if (legacy) r.l = 1;
  return r;
}

/**
 * The reference data an event was accepted against, as an OrgIndex the workflow rules read: the author (role and
 * scope), and the grid, category, unit and plan the event names, as the receipt recorded them.
 */
export function snapshotOrg(e: CaseEvent, r: Receipt): OrgIndex {
  const actor = parseAuthority(e.actor, r.a);
  const x = r.x ?? {};
  let grid: Grid | undefined;
  let sub: Subcategory | undefined;
  let unit: Unit | undefined;
  const helpers = new Map<string, Unit>();
  let plan: Plan | undefined;
  if (e.type === 'reported' && !x.n) {
    grid = { id: e.data.gridId, townId: e.data.townId, villageId: x.v ?? '', name: '', workerId: '', center: [0, 0] };
    sub = { code: e.data.category, major: e.data.category.slice(0, 2), name: '', nameEn: '' };
  }
  if (e.type === 'dispatched' && x.n !== 'unknown_unit') {
    unit = { id: e.data.unitId, name: '', level: x.ut ? 'town' : 'county', categories: [], ...(x.ut ? { townId: x.ut } : {}) };
    // A receipt without `ht` (older, or a forged dispatch the relay did not capture) knows no helper: the step
    // refuses the dispatch as naming an unknown unit.
    (e.data.helperUnitIds ?? []).forEach((id, i) => {
      const t = x.ht?.[i];
      if (t !== undefined) helpers.set(id, { id, name: '', level: t ? 'town' : 'county', categories: [], ...(t ? { townId: t } : {}) });
    });
    if (e.data.planId && x.n !== 'unknown_plan' && x.pc !== undefined) {
      plan = {
        id: e.data.planId,
        category: x.pc,
        name: '',
        priority: 'normal',
        dueHours: x.pd ?? 24,
        unitIds: [],
        steps: Array.from({ length: x.pk ?? 0 }, () => ''),
        ...(x.pp ? { afterPhoto: true } : {}),
        ...(x.pv ? { version: x.pv } : {}),
        ...(x.pw ? { dueIn: 'working_days' as const, dueDays: x.pw } : {}),
        ...(x.pw && x.pm ? { dueSpanMs: x.pm } : {}),
      };
    }
  }
  return {
    user: (id) => (id === e.actor ? actor : undefined),
    grid: (id) => (grid && id === grid.id ? grid : undefined),
    village: () => undefined,
    unit: (id) => (unit && id === unit.id ? unit : helpers.get(id)),
    subcategory: (code) => (sub && code === sub.code ? sub : undefined),
    plansFor: (code) => (plan && plan.category === code ? [plan] : []),
    planById: (id) => (plan && plan.id === id ? plan : undefined),
  };
}

/** Before its receipt: the device's org doc and the author's own time. */
export function provisionalContext(e: CaseEvent, org: OrgIndex): EventContext {
  const at = hlcMs(e.at);
  return { org, rx: at, t: at };
}

/** The context of a receipted event. */
export function receiptContext(e: CaseEvent, r: Receipt): EventContext {
  if (r.l) {
    const at = hlcMs(e.at);
    return { org: snapshotOrg(e, r), rx: at, t: at };
  }
  return { org: snapshotOrg(e, r), rx: r.rx, t: creditedMs(e.at, r.rx, r.f) };
}

/** Each event's context from the doc's receipts, provisional (the current org doc) where there is none yet. */
export function contextFrom(receipts: ReadonlyMap<string, Receipt>, org: OrgIndex): ContextOf {
  return (e) => {
    const r = receipts.get(e.id);
    return r ? receiptContext(e, r) : provisionalContext(e, org);
  };
}
