/**
 * Inspection of an incoming Yjs update before anything of it is applied.
 *
 * Contract: `inspectUpdate` decides about the WHOLE update. The relay applies an update only when the verdict is
 * ok, so a refused update leaves no trace (no partial application, no pending structs that would spread to other
 * peers: DESIGN.md section 5). An update is refused when
 *  - the user may only read the doc and the update carries any struct or a new deletion -> read_only
 *  - it deletes anything in a cases doc (event logs are append-only)                     -> delete_not_allowed
 *  - a new struct is not an Item holding plain JSON (ContentAny) in the root Y.Array `events` (cases docs), or
 *    (org doc, issue 15) not a plain value appended to the root Y.Array `changes`; the collection maps are the
 *    relay's own (its seed and the users directory, `asRelay`), where plain or deleted values go  -> invalid_struct
 *  - (org doc) it deletes anything, unless the relay writes it                            -> delete_not_allowed
 *  - (org doc) a new change fails `parseChange`, names another actor, comes from a non-admin, or, folded in HLC
 *    order with every change accepted before (src/domain/refchanges.ts `foldChanges`), does not apply or makes an
 *    accepted one stop applying               -> invalid_event, forged_actor, role_not_allowed, bad_reference
 *  - a new event fails `parseEvent`, a report's attributes are not its subcategory's (servicefields.ts) (people
 *    docs: `parsePeopleEvent`, and any full ID number in a people event;
 *    idnumbers docs: `parseIdNumberEvent`; party docs: `parsePartyEvent`, a village or grid outside the doc's town or
 *    a care visit's grid outside the need's village (`partyPlaceProblem`); training docs: `parseTrainingEvent`,
 *    a learner of a village outside the doc's town; care docs: `parseCareEvent`; patrols docs: `parsePatrolEvent`) -> invalid_event
 *  - a new event's actor is not the connection's user                                     -> forged_actor
 *  - the user's role may never make that event type (`roleMayEver`)                       -> role_not_allowed
 *  - a new report is filed in another town's or year's doc                                -> wrong_doc
 *  - a new case event is stamped more than MAX_AHEAD_MS after the relay's clock            -> clock_ahead
 *  - a struct under a Yjs client id another user wrote with                               -> foreign_client
 *  - (cases docs, with `org`) a reused event id, a second report of a case, an event of an unknown case, one
 *    stamped before what its author learnt of the case from, one its author may not make on that case
 *    (server/integrity.ts)            -> duplicate_id, case_exists, unknown_case, stamped_too_early, not_authorized
 *  - it depends on structs neither the doc nor the update has (clock gaps, unknown origins, deletions of unknown
 *    ranges): Yjs would keep such structs pending                                         -> missing_dependencies
 * Structs the doc already has are not inspected again (Yjs ignores them), nor deletions it already has; an update
 * made only of those is a no-op.
 *
 * Returning history (issue 16, `returning`: a cases doc, within server/backup.ts RETURN_WINDOW_MS after a restore
 * from a backup). Devices hold what the relay accepted after that backup: their own events, other users' events
 * they received, and the receipts the old relay wrote for them under its retired client id (the relay writes
 * under a new one since). Their sync sends it all back in one update, and a refusal would make the app drop its
 * copy of the doc (src/sync/rescue.ts keeps only unacknowledged own events), so that history must be accepted:
 *  - a struct under a retired relay client id may hold receipts (`receipts` array, each parses) and events that
 *    come with their receipt; nothing else                                             -> invalid_struct
 *  - an event that comes with a receipt of a retired relay client in the same update is history: judged as new to
 *    the doc (duplicate_id, case_exists), in its town's and year's doc (wrong_doc), and by its own author's
 *    client id (foreign_client), not as the sender's (so a reader, or a colleague's device, may bring it back);
 *    it gets no new receipt
 *  - a returning receipt names an event the doc or the update has                         -> invalid_event
 *  - a returning receipt carries the relay's signature for itself and its event (receiptsign.ts); one that does
 *    not, or is unsigned when the restored backup was already signing (`unsignedReturns` false) -> forged_receipt
 * Everything else in the update is judged as above. The window stays bounded (a backup from before signing takes
 * unsigned receipts back), and the relay logs what came back and from whom.
 */
import * as Y from 'yjs';
import { caseYear, type DocAccess, type RecordDocKind } from '../src/domain/docs.ts';
import { parseEvent, type CaseEvent } from '../src/domain/events.ts';
import { hlcMs } from '../src/domain/hlc.ts';
import { badAttribute } from '../src/domain/servicefields.ts';
import { MAX_AHEAD_MS, parseReceipt, type Receipt } from '../src/domain/receipts.ts';
import { ORG_COLLECTIONS, type OrgIndex, type UserInfo } from '../src/domain/org.ts';
import { roleMayEver } from '../src/domain/workflow.ts';
import { parseIdNumberEvent, parsePeopleEvent, peopleRoleMayWrite } from '../src/domain/people.ts';
import { PARTY_ROLES, parsePartyEvent, partyPlaceProblem, partyPlaces } from '../src/domain/party.ts';
import { TRAINING_ROLES, parseTrainingEvent } from '../src/domain/training.ts';
import { CARE_ROLES, parseCareEvent } from '../src/domain/care.ts';
import { parsePatrolEvent, patrolRoleMayWrite } from '../src/domain/patrols.ts';
import { foldMediation, parseDetailEvent, parseSummaryEvent, summaryRefusal } from '../src/domain/mediation.ts';
import { EVENTS_ARRAY, RECEIPTS_ARRAY } from '../src/protocol/wire.ts';
import { readBase } from '../src/protocol/orgdoc.ts';
import { CHANGES_ARRAY, foldChanges, parseChange, roleMayChange, type RefChange } from '../src/domain/refchanges.ts';
import { factsOf, RELAY_OWNER } from './integrity.ts';
import type { ReceiptSigner } from './receiptsign.ts';
import { idNumberLeak } from './privacy.ts';
import type { TasksState } from '../src/domain/towntasks.ts';
import { checkAnswerValues, checkTaskValues } from './taskcheck.ts';

export const REFUSAL_CODES = [
  'read_only',
  'delete_not_allowed',
  'invalid_struct',
  'invalid_event',
  'forged_actor',
  'role_not_allowed',
  'wrong_doc',
  'clock_ahead',
  'missing_dependencies',
  'foreign_client',
  'duplicate_id',
  'case_exists',
  'unknown_case',
  'stamped_too_early',
  'not_authorized',
  'bad_reference',
  'forged_receipt',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export type DocKind =
  | { kind: 'org' }
  | { kind: 'cases'; townId: string; year: number }
  // The event-log docs of issues 5, 14 and 17 (people, party, ID numbers, training, tasks, care, patrols, mediation):
  // src/domain/docs.ts, inspected like the cases docs (whole message, append-only).
  | RecordDocKind;

export type Verdict =
  | {
      ok: true;
      /** False when the doc already contains everything in the update. */
      novel: boolean;
      /** New `reported` events (for the case index). */
      reported: CaseEvent[];
      /** Every new case event (the relay writes a receipt for each). */
      events: CaseEvent[];
      /** Every new value of a people, ID number or party doc. */
      records: unknown[];
      /** Issue 15: the new reference changes of an org update (checked; the relay audits them once durable). */
      changes?: RefChange[];
      /** Some struct starts below the doc's state: store and send the update trimmed to what is new (Y.diffUpdate). */
      resent?: true;
      /**
       * Issue 16: history coming back after a restore (header, "Returning history"): its events (their reports are
       * in `reported` too), the relay receipts they came with, and the author of each client id first seen in it.
       */
      returned?: { events: CaseEvent[]; receipts: unknown[]; authors: Map<number, string> };
    }
  | { ok: false; code: RefusalCode; detail: string };

type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

const refuse = (code: RefusalCode, detail: string): Verdict => ({ ok: false, code, detail: detail.slice(0, 300) });
const ORG_MAPS: ReadonlySet<string> = new Set(ORG_COLLECTIONS);

/** Where an item lives: a root type (name) and its map key, or null when Yjs could not place it. */
type Placement = { root: string; sub: string | null } | null;

export interface InspectOptions {
  /** The relay's clock (default: the machine's). */
  nowMs?: number;
  /** The reference data now: with it, a cases doc's new events are judged per case (integrity.ts). */
  org?: OrgIndex;
  /** The relay's own Yjs client id (owned by the relay). */
  relayClient?: number;
  /** The update is the relay's own write on behalf of `user` (HTTP API): it uses the relay's client id. */
  asRelay?: boolean;
  /** The client ids the relay wrote with before a restore (server/backup.ts): the relay's own. */
  retiredClients?: ReadonlySet<number>;
  /** Within the window after a restore: accept returning history (header). */
  returning?: boolean;
  /** Signs and checks the relay's receipts (receiptsign.ts): a returning receipt must carry a valid signature... */
  receipts?: ReceiptSigner;
  /** ...unless the restored backup predates signing: then an unsigned one is taken (header). */
  unsignedReturns?: boolean;
  /** Issue 17: a town's task definitions now (the relay's copy of `tasks.<townId>`), to judge a grid's answers. */
  tasksOf?: (townId: string) => TasksState | undefined;
}

const NO_CLIENTS: ReadonlySet<number> = new Set();

export function inspectUpdate(doc: Y.Doc, update: DecodedUpdate, kind: DocKind, user: UserInfo, access: DocAccess, opts: InspectOptions = {}): Verdict {
  const nowMs = opts.nowMs ?? Date.now();
  const facts = factsOf(doc, opts.relayClient, kind.kind, opts.retiredClients);
  const retired = opts.retiredClients ?? NO_CLIENTS;
  const returning = opts.returning === true && kind.kind === 'cases' && retired.size > 0;
  const writer = opts.asRelay ? RELAY_OWNER : user.id;
  const { structs, ds } = update;
  const store = doc.store;
  const docState = (client: number) => Y.getState(store, client);

  // A client's sync step 2 always carries its whole delete set: ranges the doc has deleted already are no news
  // (a reader of the org doc holds the admins' deletions), only the others are writes.
  const deletes: Array<{ client: number; clock: number; len: number }> = [];
  for (const [client, items] of ds.clients) {
    for (const d of items) if (d.len > 0 && !rangeDeleted(store, client, d.clock, d.len)) deletes.push({ client, clock: d.clock, len: d.len });
  }

  // A reader may bring back returning history (header), nothing else.
  const readOnly = access !== 'write';
  if (readOnly) {
    if (deletes.length > 0 || (structs.length > 0 && !returning)) return refuse('read_only', 'this user may only read this doc');
    if (structs.length === 0) return { ok: true, novel: false, reported: [], events: [], records: [] };
  }
  if (deletes.length > 0 && (kind.kind !== 'org' || !opts.asRelay)) return refuse('delete_not_allowed', kind.kind === 'org' ? 'reference changes are never deleted' : 'events are never deleted');

  // 1. Contiguity: for every client, [0, covered) must be known in the doc or the update, without gaps.
  // A struct that starts below what the doc has ("resent") makes the update's bytes differ from what Yjs applies:
  // the doc keeps its own content for those clocks, and only the rest was inspected. The relay then stores and
  // sends the update trimmed to the new part (`resent`, relay.ts), never the other content: merged with the rows
  // before it (compaction), that content would come back as history nobody inspected.
  let resent = false;
  const covered = new Map<number, number>();
  /** Where the update's previous struct of each client ended (skips included). */
  const ends = new Map<number, number>();
  const byClient = new Map<number, Array<Y.Item | Y.GC>>();
  for (const s of structs) {
    const client = s.id.client;
    const end = covered.get(client) ?? docState(client);
    // Within one update a client's structs follow each other (Yjs writes them so): overlapping ones would be applied
    // one way (the last group of a client wins) and merged another.
    const previous = ends.get(client);
    if (previous !== undefined && s.id.clock !== previous) return refuse('invalid_struct', `client ${client}'s structs overlap or go back (clock ${s.id.clock} after ${previous})`);
    ends.set(client, s.id.clock + s.length);
    if (s instanceof Y.Skip) continue; // a gap: structs after it fail the next check unless already known
    if (s.id.clock > end) return refuse('missing_dependencies', `client ${client} starts at clock ${s.id.clock}, relay has ${end}`);
    if (s.id.clock < docState(client)) resent = true;
    covered.set(client, Math.max(end, s.id.clock + s.length));
    let list = byClient.get(client);
    if (!list) byClient.set(client, (list = []));
    list.push(s as Y.Item | Y.GC);
  }
  const isKnown = (id: Y.ID) => id.clock < (covered.get(id.client) ?? docState(id.client));

  for (const d of deletes) {
    if (d.clock + d.len > (covered.get(d.client) ?? docState(d.client))) {
      return refuse('missing_dependencies', `deletion of unknown structs of client ${d.client}`);
    }
  }

  // 2. Every new struct: its kind, place, dependencies and (cases docs) its events.
  const placement = placer(doc, byClient);
  const reported: CaseEvent[] = [];
  const events: CaseEvent[] = [];
  // Full ID numbers first, over every new value of the update together (privacy.ts): the most specific answer.
  const values: unknown[] = [];
  for (const s of structs) {
    if (!(s instanceof Y.Item) || !(s.content instanceof Y.ContentAny)) continue;
    const known = docState(s.id.client);
    if (s.id.clock + s.length > known) values.push(...s.content.arr.slice(Math.max(0, known - s.id.clock)));
  }
  const leak = idNumberLeak(kind, values);
  if (leak) return refuse('invalid_event', leak);
  let novel = deletes.length > 0;
  const changes: unknown[] = [];
  // Returning history (header): the receipts of retired relay clients first, so the events they name are known.
  const returnedReceipts = new Map<string, Receipt>();
  const returnedRaw: unknown[] = [];
  const returnedEvents: CaseEvent[] = [];
  const authors = new Map<number, string>();
  if (returning) {
    for (const s of structs) {
      if (!(s instanceof Y.Item) || !retired.has(s.id.client) || !(s.content instanceof Y.ContentAny)) continue;
      const known = docState(s.id.client);
      if (s.id.clock + s.length <= known) continue;
      const place = placement(s);
      if (place?.root !== RECEIPTS_ARRAY || place.sub !== null) continue;
      for (const v of s.content.arr.slice(Math.max(0, known - s.id.clock))) {
        const r = parseReceipt(v);
        if (!r) return refuse('invalid_struct', 'a returning receipt of the relay does not parse');
        returnedReceipts.set(r.e, r);
        returnedRaw.push(v);
      }
    }
  }
  const isReturned = (e: CaseEvent) => returnedReceipts.has(e.id);
  const taskValues: unknown[] = [];
  /** Issue 17: a mediation doc's new events, judged together in order after the loop (each against those before it). */
  const mediationFresh: unknown[] = [];
  for (const s of structs) {
    if (s instanceof Y.Skip) continue;
    const known = docState(s.id.client);
    if (s.id.clock + s.length <= known) continue;
    novel = true;
    let author = writer;
    if (returning && retired.has(s.id.client)) {
      // The old relay's own write, back from a device: receipts (read above) and events with their receipts.
      const place = s instanceof Y.Item ? placement(s) : null;
      if (!(s instanceof Y.Item) || !(s.content instanceof Y.ContentAny) || !place || place.sub !== null || (place.root !== RECEIPTS_ARRAY && place.root !== EVENTS_ARRAY)) {
        return refuse('invalid_struct', `client id ${s.id.client} was the relay's: only its receipts and events come back`);
      }
      if (s.origin && !isKnown(s.origin)) return refuse('missing_dependencies', `unknown origin ${s.origin.client}:${s.origin.clock}`);
      if (s.rightOrigin && !isKnown(s.rightOrigin)) return refuse('missing_dependencies', `unknown right origin ${s.rightOrigin.client}:${s.rightOrigin.clock}`);
      if (place.root === RECEIPTS_ARRAY) continue;
      for (const value of s.content.arr.slice(Math.max(0, known - s.id.clock))) {
        const parsed = parseEvent(value);
        if (!parsed.ok) return refuse('invalid_event', parsed.detail);
        if (!isReturned(parsed.event)) return refuse('invalid_struct', `event ${parsed.event.id} of the relay's client comes back without its receipt`);
        const bad = returnedInDoc(parsed.event, kind);
        if (bad) return bad;
        returnedEvents.push(parsed.event);
        if (parsed.event.type === 'reported') reported.push(parsed.event);
      }
      continue;
    }
    if (returning && s instanceof Y.Item && s.content instanceof Y.ContentAny) {
      // Another user's events coming back on this device are judged by their author's client id.
      const actors = new Set<string>();
      for (const v of s.content.arr.slice(Math.max(0, known - s.id.clock))) {
        const p = parseEvent(v);
        if (p.ok && isReturned(p.event)) actors.add(p.event.actor);
      }
      const [actor] = actors;
      if (actors.size > 1) return refuse('forged_actor', `client id ${s.id.client} carries events of several authors`);
      if (actor !== undefined && actor !== user.id) author = actor;
    }
    if (!facts.mayWriteAs(s.id.client, author)) return refuse('foreign_client', `client id ${s.id.client} belongs to another user`);
    if (author !== writer && !facts.owners.has(s.id.client)) authors.set(s.id.client, author);
    if (!(s instanceof Y.Item)) {
      if (kind.kind === 'org') continue; // a GC range from an admin's client: carries nothing
      return refuse('invalid_struct', 'garbage-collected struct in an event log');
    }
    if (s.origin && !isKnown(s.origin)) return refuse('missing_dependencies', `unknown origin ${s.origin.client}:${s.origin.clock}`);
    if (s.rightOrigin && !isKnown(s.rightOrigin)) {
      return refuse('missing_dependencies', `unknown right origin ${s.rightOrigin.client}:${s.rightOrigin.clock}`);
    }
    const place = placement(s);
    if (kind.kind === 'org' && opts.asRelay) {
      if (!place || !ORG_MAPS.has(place.root) || place.sub === null) return refuse('invalid_struct', 'the relay writes the org collection maps');
      if (!(s.content instanceof Y.ContentAny) && !(s.content instanceof Y.ContentDeleted)) {
        return refuse('invalid_struct', 'org values are plain JSON');
      }
      continue;
    }
    if (kind.kind === 'org') {
      // Issue 15: a client (an admin: everyone else only reads) appends reference changes, nothing else.
      if (!place || place.root !== CHANGES_ARRAY || place.sub !== null) return refuse('invalid_struct', `org edits are appended to '${CHANGES_ARRAY}'; the collection maps are the relay's`);
      if (!(s.content instanceof Y.ContentAny)) return refuse('invalid_struct', 'reference changes are plain JSON objects');
      changes.push(...s.content.arr.slice(Math.max(0, known - s.id.clock)));
      continue;
    }
    if (!place || place.root !== EVENTS_ARRAY || place.sub !== null) return refuse('invalid_struct', `only the '${EVENTS_ARRAY}' array may be written`);
    if (!(s.content instanceof Y.ContentAny)) return refuse('invalid_struct', 'events are plain JSON objects');
    // Only the part the doc does not have yet is new (a client may resend a merged item that overlaps).
    const fresh = s.content.arr.slice(Math.max(0, known - s.id.clock));
    if (kind.kind === 'tasks' || kind.kind === 'taskanswers') {
      taskValues.push(...fresh); // judged together below, folded with the doc (server/taskcheck.ts)
      continue;
    }
    if (kind.kind === 'mediation') {
      mediationFresh.push(...fresh);
      continue;
    }
    if (kind.kind === 'people' || kind.kind === 'party' || kind.kind === 'idnumbers' || kind.kind === 'training' || kind.kind === 'care' || kind.kind === 'patrols' || kind.kind === 'dispute') {
      for (const value of fresh) {
        const refusal = inspectRecord(value, kind, user, opts.org);
        if (refusal) return refusal;
      }
      continue;
    }
    for (const value of fresh) {
      const parsed = parseEvent(value);
      if (!parsed.ok) return refuse('invalid_event', parsed.detail);
      const e = parsed.event;
      if (returning && isReturned(e)) {
        if (e.actor !== author) return refuse('forged_actor', `event ${e.id}: actor ${e.actor} did not write with client id ${s.id.client}`);
        const bad = returnedInDoc(e, kind);
        if (bad) return bad;
        returnedEvents.push(e);
        if (e.type === 'reported') reported.push(e);
        continue;
      }
      if (readOnly) return refuse('read_only', 'this user may only read this doc');
      if (e.actor !== user.id) return refuse('forged_actor', `event ${e.id}: actor ${e.actor} is not ${user.id}`);
      if (!roleMayEver(user.role, e.type)) return refuse('role_not_allowed', `event ${e.id}: a ${user.role} may not make '${e.type}'`);
      if (hlcMs(e.at) > nowMs + MAX_AHEAD_MS) {
        return refuse('clock_ahead', `event ${e.id} is stamped ${new Date(hlcMs(e.at)).toISOString()}, after the relay's ${new Date(nowMs).toISOString()}: correct the device clock`);
      }
      events.push(e);
      if (e.type === 'reported') {
        if (e.data.townId !== kind.townId || caseYear(hlcMs(e.at)) !== kind.year) {
          return refuse('wrong_doc', `case ${e.caseId} belongs in cases.${e.data.townId}.${caseYear(hlcMs(e.at))}`);
        }
        // Issue 13: attributes only as the subcategory's service fields define them (the fold would ignore the case).
        const bad = badAttribute(e.data.category, e.data.attributes);
        if (bad !== null) return refuse('invalid_event', `case ${e.caseId}: attribute ${bad} is not a valid answer for subcategory ${e.data.category}`);
        reported.push(e);
      }
    }
  }
  if (taskValues.length > 0) {
    const townOf = kind.kind === 'taskanswers' ? opts.org?.grid(kind.gridId)?.townId : undefined;
    const bad =
      kind.kind === 'tasks'
        ? checkTaskValues(doc, kind.townId, taskValues, user, opts.org)
        : kind.kind === 'taskanswers'
          ? checkAnswerValues(doc, kind.gridId, taskValues, user, townOf ? opts.tasksOf?.(townOf) : undefined)
          : null;
    if (bad) return refuse(bad.code, bad.detail);
  }
  if (kind.kind === 'mediation' && mediationFresh.length > 0) {
    const bad = checkMediation(doc, mediationFresh, kind.townId, user, opts.org);
    if (bad) return bad;
  }
  if (changes.length > 0) {
    const bad = checkOrgChanges(doc, changes, user, nowMs);
    if (bad) return bad;
  }
  if (returning && returnedReceipts.size > 0) {
    const inUpdate = new Set([...events, ...returnedEvents].map((e) => e.id));
    for (const id of returnedReceipts.keys()) {
      if (!inUpdate.has(id) && !facts.hasEvent(id)) return refuse('invalid_event', `a returning receipt names event ${id}, which neither the doc nor the update has`);
    }
    const signer = opts.receipts;
    if (signer) {
      const inUpdateById = new Map([...events, ...returnedEvents].map((e) => [e.id, e]));
      for (const [id, r] of returnedReceipts) {
        const e = inUpdateById.get(id) ?? facts.caseEvent(id);
        if (r.s === undefined ? !opts.unsignedReturns : !e || !signer.verify(r, e)) {
          return refuse('forged_receipt', `the returning receipt of event ${id} ${r.s === undefined ? 'is not signed' : 'does not carry the relay signature for it'}`);
        }
      }
    }
  }
  if (opts.org && (events.length > 0 || returnedEvents.length > 0)) {
    const bad = facts.checkCaseEvents(events, user, opts.org, { events: returnedEvents, receipts: returnedReceipts });
    if (bad) return refuse(bad.code, bad.detail);
  }
  if (kind.kind !== 'org' && kind.kind !== 'cases' && values.length > 0) {
    const org = opts.org;
    const bad = facts.checkRecords(values, user, (id) => org?.user(id), kind.kind === 'party' ? partyPlaces(org, kind.townId) : undefined);
    if (bad) return refuse(bad.code, bad.detail);
  }
  const verdict: Verdict = { ok: true, novel, reported, events, records: kind.kind === 'cases' || kind.kind === 'org' ? [] : values };
  if (resent) verdict.resent = true;
  if (changes.length > 0) verdict.changes = changes.map((raw) => (parseChange(raw) as Extract<ReturnType<typeof parseChange>, { ok: true }>).change);
  if (returnedEvents.length > 0 || returnedRaw.length > 0) verdict.returned = { events: returnedEvents, receipts: returnedRaw, authors };
  return verdict;
}

/** A returning report belongs in this doc (its town and year), as any report. */
function returnedInDoc(e: CaseEvent, kind: DocKind): Verdict | null {
  if (e.type !== 'reported' || kind.kind !== 'cases') return null;
  if (e.data.townId !== kind.townId || caseYear(hlcMs(e.at)) !== kind.year) return refuse('wrong_doc', `case ${e.caseId} belongs in cases.${e.data.townId}.${caseYear(hlcMs(e.at))}`);
  return null;
}

/**
 * New reference changes (issue 15): each is well-formed, the user's own and the user an admin; folded in HLC order
 * with everything accepted before, each applies and every change that applied still does (so what the relay
 * accepts is exactly what every replica's fold applies). Null when acceptable.
 */
function checkOrgChanges(doc: Y.Doc, fresh: readonly unknown[], user: UserInfo, nowMs: number): Verdict | null {
  const ids = new Set<string>();
  for (const raw of fresh) {
    const parsed = parseChange(raw);
    if (!parsed.ok) return refuse('invalid_event', parsed.detail);
    const c = parsed.change;
    if (c.actor !== user.id) return refuse('forged_actor', `change ${c.id}: actor ${c.actor} is not ${user.id}`);
    if (!roleMayChange(user.role, c.type)) return refuse('role_not_allowed', `change ${c.id}: a ${user.role} may not make '${c.type}'`);
    if (hlcMs(c.at) > nowMs + MAX_AHEAD_MS) return refuse('clock_ahead', `change ${c.id} is stamped after the relay's clock: correct the device clock`);
    if (ids.has(c.id)) return refuse('invalid_event', `change ${c.id} is there twice`);
    ids.add(c.id);
  }
  const base = readBase(doc);
  const existing = doc.getArray<unknown>(CHANGES_ARRAY).toArray();
  const known = new Set(existing.map((x) => (typeof x === 'object' && x !== null ? (x as { id?: unknown }).id : undefined)));
  for (const id of ids) if (known.has(id)) return refuse('invalid_event', `change ${id} exists already`);
  const before = foldChanges(base, existing);
  const after = foldChanges(base, [...existing, ...fresh]);
  for (const id of ids) {
    const problem = after.skipped.get(id);
    if (problem) return refuse(problem.code, problem.detail);
  }
  const still = new Set(after.applied);
  const undone = before.applied.find((id) => !still.has(id));
  if (undone) return refuse('bad_reference', `change ${undone}, accepted before, would no longer apply (an earlier-stamped change conflicts with it)`);
  return null;
}

/**
 * Issue 17: new events of `mediation.<townId>`: schema, actor, and authority (src/domain/mediation.ts
 * `summaryRefusal`: who opens where, eligible mediators, a mediator or the center for outcomes) against the org now
 * and the summary with the events before them. Without the org (a test relay with no reference data) the
 * authority cannot be judged: refused. Null when acceptable.
 */
function checkMediation(doc: Y.Doc, fresh: readonly unknown[], townId: string, user: UserInfo, org: OrgIndex | undefined): Verdict | null {
  const log: unknown[] = doc.getArray<unknown>(EVENTS_ARRAY).toArray();
  for (const value of fresh) {
    const parsed = parseSummaryEvent(value);
    if (!parsed.ok) return refuse('invalid_event', parsed.detail);
    const e = parsed.event;
    if (e.actor !== user.id) return refuse('forged_actor', `event ${e.id}: actor ${e.actor} is not ${user.id}`);
    if (!org) return refuse('not_authorized', `event ${e.id}: no reference data to judge it by`);
    const why = summaryRefusal(e, user, townId, org, foldMediation(log));
    if (why) return refuse(e.type === 'dispute_opened' && !why.startsWith('grid') ? 'role_not_allowed' : 'not_authorized', `event ${e.id}: ${why}`);
    log.push(value);
  }
  return null;
}

/** A log event: its schema (`invalid_event`), then its actor, who must be the signed-in user (`forged_actor`). */
function ownEvent<E extends { id: string; actor: string }>(
  parse: (v: unknown) => { ok: true; event: E } | { ok: false; detail: string },
  value: unknown,
  user: UserInfo,
): { event: E; refusal?: undefined } | { refusal: Verdict } {
  const parsed = parse(value);
  if (!parsed.ok) return { refusal: refuse('invalid_event', parsed.detail) };
  const e = parsed.event;
  if (e.actor !== user.id) return { refusal: refuse('forged_actor', `event ${e.id}: actor ${e.actor} is not ${user.id}`) };
  return { event: e };
}

/** A people, ID number or party event: schema, actor, role (the fold checks the finer rules). Null when acceptable. */
function inspectRecord(value: unknown, kind: Exclude<DocKind, { kind: 'org' } | { kind: 'cases' } | { kind: 'tasks' } | { kind: 'taskanswers' }>, user: UserInfo, org: OrgIndex | undefined): Verdict | null {
  if (kind.kind === 'dispute') {
    // Who may write was decided when the doc was opened (docs.ts disputeAccess, from the summary; a removed mediator's
    // sockets are closed): here the event itself.
    return ownEvent(parseDetailEvent, value, user).refusal ?? null;
  }
  if (kind.kind === 'mediation') return refuse('invalid_event', 'mediation events are judged together');
  if (kind.kind === 'care') {
    const own = ownEvent(parseCareEvent, value, user);
    if (own.refusal) return own.refusal;
    const e = own.event;
    // Write access is the grid's worker's already (docs.ts careAccess); the role is checked again as for every log.
    if (!CARE_ROLES.includes(user.role) || user.gridId !== kind.gridId) return refuse('role_not_allowed', `event ${e.id}: a ${user.role} may not record care visits of ${kind.gridId}`);
    return null;
  }
  if (kind.kind === 'patrols') {
    // Issue 17: the grid's own worker patrols, its own town's center sets the frequency (patrolRoleMayWrite).
    const own = ownEvent(parsePatrolEvent, value, user);
    if (own.refusal) return own.refusal;
    const e = own.event;
    if (!patrolRoleMayWrite(user, e.type, kind.gridId, org?.grid(kind.gridId)?.townId)) return refuse('role_not_allowed', `event ${e.id}: a ${user.role} may not make '${e.type}' in patrols.${kind.gridId}`);
    return null;
  }
  if (kind.kind === 'training') {
    const own = ownEvent(parseTrainingEvent, value, user);
    if (own.refusal) return own.refusal;
    const e = own.event;
    if (!TRAINING_ROLES.includes(user.role)) return refuse('role_not_allowed', `event ${e.id}: a ${user.role} may not write training records`);
    if (e.type === 'learner_saved' && org && org.village(e.data.villageId)?.townId !== kind.townId) {
      return refuse('invalid_event', `learner ${e.data.learnerId}: village ${e.data.villageId} is not in ${kind.townId}`);
    }
    return null;
  }
  if (kind.kind === 'idnumbers') {
    const own = ownEvent(parseIdNumberEvent, value, user);
    if (own.refusal) return own.refusal;
    const e = own.event;
    if (!peopleRoleMayWrite(user)) return refuse('role_not_allowed', `event ${e.id}: a ${user.role} may not write ID numbers`);
    return null;
  }
  if (kind.kind === 'people') {
    const own = ownEvent(parsePeopleEvent, value, user);
    if (own.refusal) return own.refusal;
    const e = own.event;
    if (!peopleRoleMayWrite(user)) return refuse('role_not_allowed', `event ${e.id}: a ${user.role} may not write people records`);
    if (e.type === 'household_saved' && e.data.gridId !== kind.gridId) return refuse('wrong_doc', `household ${e.data.id} belongs in people.${e.data.gridId}`);
    return null;
  }
  const own = ownEvent(parsePartyEvent, value, user);
  if (own.refusal) return own.refusal;
  const e = own.event;
  if (!PARTY_ROLES[e.type].includes(user.role)) return refuse('role_not_allowed', `event ${e.id}: a ${user.role} may not make '${e.type}'`);
  // Its villages and grids are of the doc's town, a care visit's grid of the need's village (one rule with the fold).
  const place = partyPlaceProblem(e, partyPlaces(org, kind.townId));
  if (place) return refuse('invalid_event', `event ${e.id}: ${place}`);
  return null;
}

/** Whether the doc has every struct of the range and all of them are deleted. */
function rangeDeleted(store: Y.Doc['store'], client: number, clock: number, len: number): boolean {
  const structs = store.clients.get(client);
  const end = clock + len;
  if (!structs || end > Y.getState(store, client)) return false;
  for (let i = Y.findIndexSS(structs, clock); i < structs.length; i++) {
    const s = structs[i]!;
    if (s.id.clock >= end) break;
    if (!s.deleted) return false;
  }
  return true;
}

/**
 * Resolve where an item of the update will be integrated, as Yjs does: an explicit root parent, or the parent of
 * its left origin (else right origin); an origin on a garbage-collected struct leaves it without parent.
 * Iterative (chains of origins inside one update can be long) and cycle-safe (forged updates).
 */
function placer(doc: Y.Doc, byClient: Map<number, Array<Y.Item | Y.GC>>): (item: Y.Item) => Placement {
  const memo = new Map<Y.Item, Placement>();

  const findInUpdate = (id: Y.ID): Y.Item | Y.GC | undefined => {
    const list = byClient.get(id.client);
    if (!list) return undefined;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = list[mid]!;
      if (id.clock < s.id.clock) hi = mid - 1;
      else if (id.clock >= s.id.clock + s.length) lo = mid + 1;
      else return s;
    }
    return undefined;
  };

  // What an id points at: a placement already known (doc item), or an update item still to resolve.
  const lookup = (id: Y.ID): { placement: Placement } | { item: Y.Item } => {
    if (id.clock < Y.getState(doc.store, id.client)) {
      let s: Y.Item | Y.GC;
      try {
        s = Y.getItem(doc.store, id);
      } catch {
        return { placement: null };
      }
      if (!(s instanceof Y.Item)) return { placement: null };
      const parent = s.parent as Y.AbstractType<unknown> | null;
      if (!parent || parent._item !== null) return { placement: null }; // nested types are never valid here
      try {
        return { placement: { root: Y.findRootTypeKey(parent), sub: s.parentSub } };
      } catch {
        return { placement: null };
      }
    }
    const s = findInUpdate(id);
    if (!s || !(s instanceof Y.Item)) return { placement: null };
    return { item: s };
  };

  const direct = (item: Y.Item): Placement | undefined => {
    const parent = item.parent as unknown;
    if (typeof parent === 'string') return { root: parent, sub: item.parentSub };
    if (parent !== null) return null; // an ID: a nested type
    if (item.rightOrigin) {
      const r = lookup(item.rightOrigin);
      if ('placement' in r && r.placement === null) return null;
    }
    return undefined;
  };

  return (start) => {
    const chain: Y.Item[] = [];
    const visiting = new Set<Y.Item>();
    let current: Y.Item = start;
    let result: Placement;
    for (;;) {
      const cached = memo.get(current);
      if (cached !== undefined) {
        result = cached;
        break;
      }
      if (visiting.has(current)) {
        result = null; // a cycle of origins: Yjs could never place these
        break;
      }
      visiting.add(current);
      chain.push(current);
      const d = direct(current);
      if (d !== undefined) {
        result = d;
        break;
      }
      const ref = current.origin ?? current.rightOrigin;
      if (!ref) {
        result = null;
        break;
      }
      const next = lookup(ref);
      if ('placement' in next) {
        result = next.placement;
        break;
      }
      current = next.item;
    }
    for (const item of chain) memo.set(item, result);
    return result;
  };
}
