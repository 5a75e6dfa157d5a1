/**
 * What the relay knows of each loaded doc beyond its Yjs state, to judge insiders' writes (issue 10 section 1):
 * kept per Y.Doc, built from the doc's content on first use, and told about every accepted update (`accepted`).
 *
 * Rules (docs/DESIGN.md §4b), for every new event of a cases doc, on top of server/validate.ts's envelope checks:
 *  - its id is new in the doc and in the update                                      -> duplicate_id
 *  - a `reported` opens a new case: its caseId is not in the doc nor twice in the update -> case_exists
 *  - any other event names a case the doc (or the update, before it) has             -> unknown_case
 *  - it is stamped after the event its author learnt of the case from: the report, and for a unit the first
 *    dispatch of the case to that unit, as lead or helper (an honest device's clock has seen it) -> stamped_too_early
 *  - its author may make that kind of event on that case: the case folded with it (receipts for what the doc
 *    holds, the org doc now for the update's events) does not set it aside for its actor (unknown actor, role,
 *    scope, not the reporter)                                                           -> not_authorized
 *    An event set aside for the case's state (two dispatchers, a return racing a resolve) is an honest offline
 *    race: accepted, and the fold settles it on every replica.
 * People, ID number and party docs: every new event's id is new in the doc and the update (duplicate_id); in a
 * party doc a village secretary acts only on their own village's members and needs, before and after the event
 * (src/domain/party.ts `villagesAllow`)                                                  -> not_authorized
 * And for every doc, Yjs client ids belong to the user who first wrote with them (the relay's own client id to the
 * relay): structs under another user's client id are refused                            -> foreign_client
 * (without it, an insider who saw a victim's client id in a broadcast could write at the victim's next clocks, and
 * the victim's own later writes would be "already known", acknowledged and lost).
 */
import * as Y from 'yjs';
import type { CaseEvent } from '../src/domain/events.ts';
import type { RecordDocKind } from '../src/domain/docs.ts';
import { foldCase } from '../src/domain/fold.ts';
import { hlcMs } from '../src/domain/hlc.ts';
import type { OrgIndex, UserInfo } from '../src/domain/org.ts';
import { provisionalContext, receiptContext, type Receipt } from '../src/domain/receipts.ts';
import type { ErrorCode } from '../src/domain/errors.ts';
import { foldParty, parsePartyEvent, villagesAllow, type PartyPlaces } from '../src/domain/party.ts';
import { CaseIndex } from '../src/protocol/caseindex.ts';
import { EVENTS_ARRAY, RECEIPTS_ARRAY } from '../src/protocol/wire.ts';

/** The owner of the relay's own client id. */
export const RELAY_OWNER = '@relay';

/** Reasons the fold gives that say the author had no authority, rather than that the case had moved on. */
const AUTHORITY_REASONS: ReadonlySet<ErrorCode> = new Set(['unknown_actor', 'role_not_allowed', 'out_of_scope', 'not_reporter']);

export type IntegrityCode = 'duplicate_id' | 'case_exists' | 'unknown_case' | 'stamped_too_early' | 'not_authorized' | 'foreign_client';
export type IntegrityRefusal = { code: IntegrityCode; detail: string };

export class DocFacts {
  /** Yjs client id -> the user who wrote with it first. */
  readonly owners = new Map<number, string>();
  /** Cases docs: the doc's events and receipts (built once, then kept current by `accepted`). */
  index: CaseIndex | null = null;
  /** People, ID number and party docs: their records' ids (a cases doc asks its index: `hasEvent`). */
  private readonly eventIds = new Set<string>();
  /** Party docs: every value of the log, for the village rule. */
  private readonly partyLog: unknown[] | null;

  /** `retired`: the client ids the relay wrote with before a restore (server/backup.ts): the relay's too. */
  constructor(
    private readonly doc: Y.Doc,
    relayClient: number | undefined,
    kind: DocKindName,
    retired: ReadonlySet<number> = NO_CLIENTS,
  ) {
    const cases = kind === 'cases';
    this.partyLog = kind === 'party' ? [] : null;
    if (relayClient !== undefined) this.owners.set(relayClient, RELAY_OWNER);
    for (const c of retired) this.owners.set(c, RELAY_OWNER);
    // Owners from the content: the actor of the values each client wrote (records and events carry one).
    for (const [client, structs] of doc.store.clients) {
      if (this.owners.has(client)) continue;
      for (const s of structs) {
        if (!(s instanceof Y.Item) || !(s.content instanceof Y.ContentAny)) continue;
        const actor = (s.content.arr[0] as { actor?: unknown } | null)?.actor;
        if (typeof actor === 'string') {
          this.owners.set(client, actor);
          break;
        }
      }
    }
    if (cases) {
      this.index = CaseIndex.of(doc);
    } else if (kind !== 'org') {
      for (const v of doc.getArray<unknown>(EVENTS_ARRAY).toArray()) this.noteRecord(v);
    }
  }

  private noteRecord(v: unknown): void {
    const id = (v as { id?: unknown } | null)?.id;
    if (typeof id === 'string') this.eventIds.add(id);
    this.partyLog?.push(v);
  }

  /**
   * Judge the new values of one update to a people, ID number or party doc (see the header). `places`: the party
   * doc's town and the org directory, to fold the log as every replica does.
   */
  checkRecords(values: readonly unknown[], user: UserInfo, users: (id: string) => UserInfo | undefined, places?: PartyPlaces): IntegrityRefusal | null {
    const ids = new Set<string>();
    for (const v of values) {
      const id = (v as { id?: unknown } | null)?.id;
      if (typeof id !== 'string') continue;
      if (this.eventIds.has(id) || ids.has(id)) return { code: 'duplicate_id', detail: `event ${id} is already in this doc` };
      ids.add(id);
    }
    if (!this.partyLog || !places || user.role !== 'secretary') return null;
    const log = [...this.partyLog];
    for (const v of values) {
      const parsed = parsePartyEvent(v);
      if (!parsed.ok) continue;
      if (!villagesAllow(foldParty(log, users, places), parsed.event, user)) {
        return { code: 'not_authorized', detail: `event ${parsed.event.id}: a secretary of ${user.villageId} may not act on another village's members or needs` };
      }
      log.push(v);
    }
    return null;
  }

  /** Whether an event with this id is in the doc (people, party and cases docs). */
  hasEvent(id: string): boolean {
    return this.index ? this.index.hasEvent(id) : this.eventIds.has(id);
  }

  /** A cases doc's event by id (a linear scan: only returning history after a restore asks). */
  caseEvent(id: string): CaseEvent | undefined {
    if (!this.index?.hasEvent(id)) return undefined;
    for (const e of this.index.events()) if (e.id === id) return e;
    return undefined;
  }

  /** Whether structs of `client` may be written by `userId` (true for a client id nobody has written with). */
  mayWriteAs(client: number, userId: string): boolean {
    const owner = this.owners.get(client);
    return owner === undefined || owner === userId;
  }

  /**
   * After an accepted update was applied: its client ids now belong to its author, its events and the receipts
   * the relay wrote for them are known.
   */
  accepted(update: Uint8Array, author: string, events: readonly CaseEvent[], receipts: readonly unknown[], records: readonly unknown[], authors?: ReadonlyMap<number, string>): void {
    // `authors`: clients whose structs came back after a restore on someone else's device (validate.ts, returning).
    const meta = Y.parseUpdateMeta(update);
    for (const client of meta.to.keys()) if (!this.owners.has(client)) this.owners.set(client, authors?.get(client) ?? author);
    if (!this.index) {
      for (const v of records) this.noteRecord(v);
      return;
    }
    // The values as the doc holds them, not the inspection's copies: applying an update decodes it again, and the
    // index keeping the other copy would hold every live event's strings twice until the doc is reloaded.
    const held = appliedValues(this.doc, meta);
    for (const e of events) this.index.add(held.events.get(e.id) ?? e);
    for (const r of receipts) this.index.addReceipt(held.receipts.get((r as { e?: unknown } | null)?.e as string) ?? r);
  }

  /**
   * Judge the new events of one update to a cases doc, in order (see the header). `org`: the reference data now,
   * for the update's own events; what the doc holds is judged by its receipts.
   */
  checkCaseEvents(events: readonly CaseEvent[], user: UserInfo, org: OrgIndex, returned: Returned = NO_RETURNS): IntegrityRefusal | null {
    const index = this.index;
    if (!index) return null;
    const ids = new Set<string>();
    const pending = new Map<string, CaseEvent[]>();
    // Events coming back after a restore (validate.ts): accepted by the relay before, with its receipt; they are
    // history, judged only as new to this doc, and the update's own new events are judged after them.
    for (const e of returned.events) {
      if (index.hasEvent(e.id) || ids.has(e.id)) return { code: 'duplicate_id', detail: `event ${e.id} is already in this doc` };
      ids.add(e.id);
      const mine = pending.get(e.caseId) ?? [];
      if (e.type === 'reported' && [...(index.byCase.get(e.caseId) ?? []), ...mine].some((x) => x.type === 'reported')) {
        return { code: 'case_exists', detail: `case ${e.caseId} already exists: a report opens a new case` };
      }
      mine.push(e);
      pending.set(e.caseId, mine);
    }
    const receiptOf = (id: string) => index.receipts.get(id) ?? returned.receipts.get(id);
    for (const e of events) {
      if (index.hasEvent(e.id) || ids.has(e.id)) return { code: 'duplicate_id', detail: `event ${e.id} is already in this doc` };
      ids.add(e.id);
      const known = index.byCase.get(e.caseId) ?? [];
      const mine = pending.get(e.caseId) ?? [];
      const history = [...known, ...mine];
      if (e.type === 'reported') {
        if (history.some((x) => x.type === 'reported')) return { code: 'case_exists', detail: `case ${e.caseId} already exists: a report opens a new case` };
      } else {
        const report = history.find((x) => x.type === 'reported');
        if (!report) return { code: 'unknown_case', detail: `case ${e.caseId} is not in this doc` };
        // A unit learns of a case from its first dispatch to it, as lead or (issue 17) as a helping unit.
        const learnt =
          user.role === 'unit' ? history.find((x) => x.type === 'dispatched' && (x.data.unitId === user.unitId || x.data.helperUnitIds?.includes(user.unitId ?? '') === true)) : report;
        if (learnt && e.at <= learnt.at) {
          return { code: 'stamped_too_early', detail: `event ${e.id} is stamped ${new Date(hlcMs(e.at)).toISOString()}, before the ${learnt.type} it answers` };
        }
      }
      const state = foldCase([...history, e], (x) => {
        const r = receiptOf(x.id);
        return r && (!ids.has(x.id) || returned.receipts.has(x.id)) ? receiptContext(x, r) : provisionalContext(x, org);
      });
      const entry = state?.timeline.find((t) => t.event === e) ?? (state ? undefined : { applied: false, reason: 'unknown_case' as ErrorCode });
      if (entry && !entry.applied && entry.reason && AUTHORITY_REASONS.has(entry.reason)) {
        return { code: 'not_authorized', detail: `event ${e.id}: ${user.id} may not make '${e.type}' on case ${e.caseId} (${entry.reason})` };
      }
      mine.push(e);
      pending.set(e.caseId, mine);
    }
    return null;
  }
}

/**
 * The values an applied update added to a cases doc's events and receipts arrays, as the doc holds them: events by
 * id, receipts by their event's id. Found from the update's clock ranges (`meta`, Y.parseUpdateMeta) (a binary search per client); empty for a
 * range the doc does not hold.
 */
export function appliedValues(doc: Y.Doc, meta: ReturnType<typeof Y.parseUpdateMeta>): { events: Map<string, unknown>; receipts: Map<string, unknown> } {
  const events = new Map<string, unknown>();
  const receipts = new Map<string, unknown>();
  const eventsArray = doc.getArray(EVENTS_ARRAY);
  const receiptsArray = doc.getArray(RECEIPTS_ARRAY);
  const { from, to } = meta;
  for (const [client, start] of from) {
    const structs = doc.store.clients.get(client);
    const end = to.get(client) ?? start;
    if (!structs || Y.getState(doc.store, client) <= start) continue;
    for (let i = Y.findIndexSS(structs, start); i < structs.length && structs[i]!.id.clock < end; i++) {
      const s = structs[i]!;
      if (!(s instanceof Y.Item) || s.deleted || !(s.content instanceof Y.ContentAny)) continue;
      const into = s.parent === eventsArray ? events : s.parent === receiptsArray ? receipts : null;
      if (!into) continue;
      for (const v of s.content.arr) {
        const key = into === events ? (v as { id?: unknown } | null)?.id : (v as { e?: unknown } | null)?.e;
        if (typeof key === 'string') into.set(key, v);
      }
    }
  }
  return { events, receipts };
}

/** Case events an update brings back after a restore, and the relay receipts they come with (validate.ts). */
export interface Returned {
  events: readonly CaseEvent[];
  receipts: ReadonlyMap<string, Receipt>;
}
const NO_RETURNS: Returned = { events: [], receipts: new Map() };
const NO_CLIENTS: ReadonlySet<number> = new Set();

const facts = new WeakMap<Y.Doc, DocFacts>();

/**
 * The facts of a loaded doc (built on first use). `relayClient`: the relay's own Yjs client id; `retired`: the ids
 * it wrote with before a restore.
 */
/** Forget a doc's facts: built again from its content on next use (rows of other relays were applied to it). */
export function forgetFacts(doc: Y.Doc): void {
  facts.delete(doc);
}

export function factsOf(doc: Y.Doc, relayClient: number | undefined, kind: DocKindName, retired?: ReadonlySet<number>): DocFacts {
  let f = facts.get(doc);
  if (!f) facts.set(doc, (f = new DocFacts(doc, relayClient, kind, retired)));
  return f;
}

export type DocKindName = 'org' | 'cases' | RecordDocKind['kind'];
