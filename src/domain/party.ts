/**
 * Party organisation of a town (`party.<townId>` docs): members, their contact households (党员联系户) with
 * visits and the issues raised at them, and the needs of 在职党员进乡村 (in-service members serving villages).
 *
 * The five-level chain 县委 - 镇街党(工)委 - 村(社区)党(总)支部 - 网格党小组 - 党员联系户 is tied to the grid
 * hierarchy, not stored separately: the county committee is the county, a town's party (working) committee is
 * the town, a village's branch is the village (branch id = village id), a grid's party group is the grid
 * (group id = grid id), and the contact households are people of that grid. `partyChain` builds it from org.
 *
 * Same log model as cases and people (an append-only Y.Array `events`, see people.ts for why). A member's
 * contact households carry only what a visit needs (address, head of household, location): no ID numbers,
 * so members need no access to people docs. The list is set by `member_saved` and then edited one household at a
 * time (`contact_added` / `contact_removed`) by the member's village secretary, the town center, county or admin.
 *
 * Needs (诉求): published by a village (its secretary) or by the town for an enterprise; claimed by one member
 * (the first claim by (at, id) wins, later ones are superseded); the claimer records work and hours; the village
 * (its secretary) or the town confirms, which closes the need.
 *
 * Issue 17: a need may take up what a grid worker's care visit found (`fromCare`: the care doc's grid and visit,
 * src/domain/careneeds.ts lists the visits waiting for one). The grid must be in the need's village (`careLinkProblem`:
 * the fold sets such a need aside, the relay refuses it), and a visit is taken up once: a second need naming the
 * same visit (two secretaries offline) is superseded by the first by (at, id). The village may instead decline it
 * (`care_need_declined`, with a reason: the family helps, a case was raised); the first decision on a visit stands.
 *
 * A town's doc holds that town's party work: every village and grid an event names is of the doc's town, whoever
 * writes it (`partyPlaceProblem`: the fold sets such an event aside, the relay refuses it).
 */
import * as v from 'valibot';
import { HLC_PATTERN, hlcMs } from './hlc.ts';
import { ID_PATTERN } from './ids.ts';
import type { Grid, OrgData, OrgIndex, Role, UserInfo, Village } from './org.ts';

const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));
const optionalText = (max: number) => v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max)));
const refId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,40}$/));
const eventId = v.pipe(v.string(), v.regex(ID_PATTERN));
const Location = v.strictObject({ lat: v.pipe(v.number(), v.minValue(-90), v.maxValue(90)), lng: v.pipe(v.number(), v.minValue(-180), v.maxValue(180)) });

export const ContactSchema = v.strictObject({
  householdId: refId,
  gridId: refId,
  address: text(200),
  head: text(40),
  /** The household's phone, copied from the people doc when the contact is assigned (members hold no people doc). */
  phone: optionalText(20),
  location: v.optional(Location),
});
export type ContactHousehold = v.InferOutput<typeof ContactSchema>;

export const NEED_KINDS = ['resident', 'enterprise'] as const;
export type NeedKind = (typeof NEED_KINDS)[number];

const SCHEMAS = {
  member_saved: v.strictObject({
    userId: refId,
    name: text(40),
    /** Branch = village id; party group = grid id. */
    villageId: refId,
    gridId: refId,
    /** 在职党员 (works at a county organ or enterprise, serves a village). */
    inService: v.boolean(),
    employer: optionalText(80),
    contacts: v.pipe(v.array(ContactSchema), v.maxLength(30)),
  }),
  contact_visit: v.strictObject({
    householdId: refId,
    gridId: refId,
    note: text(2000),
    /** Issues raised by the household at this visit (问题), each may become a case. */
    issues: v.pipe(v.array(text(500)), v.maxLength(10)),
  }),
  issue_reported: v.strictObject({ visitId: eventId, issue: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(9)), caseId: eventId }),
  need_published: v.strictObject({
    kind: v.picklist(NEED_KINDS),
    villageId: refId,
    title: text(120),
    detail: text(2000),
    requester: optionalText(80),
    /** Issue 17: the care visit (重点人群走访) whose findings this need takes up: a grid of the need's village. */
    fromCare: v.optional(v.strictObject({ gridId: refId, visitId: eventId })),
  }),
  need_claimed: v.strictObject({ needId: eventId }),
  need_work: v.strictObject({ needId: eventId, hours: v.pipe(v.number(), v.minValue(0.25), v.maxValue(24)), note: text(2000) }),
  need_confirmed: v.strictObject({ needId: eventId, note: optionalText(500) }),
  /** Issue 17: the village decides a care visit's needs need no party need (the family helps, a case was raised...). */
  care_need_declined: v.strictObject({ villageId: refId, gridId: refId, visitId: eventId, reason: text(200) }),
  /**
   * One contact household assigned to (or, for one already assigned, updated for) a member, and one removed.
   * Per household, so that two editors working offline at once (the village secretary, the town center) both
   * keep their changes; a later `member_saved` still replaces the whole list (it is the member's full record).
   */
  contact_added: v.strictObject({ memberId: refId, contact: ContactSchema }),
  contact_removed: v.strictObject({ memberId: refId, householdId: refId }),
} as const;

/** At most this many contact households per member (as in `member_saved`). */
export const MAX_CONTACTS = 30;

export const PARTY_EVENT_TYPES = Object.keys(SCHEMAS) as Array<keyof typeof SCHEMAS>;
export type PartyEventType = keyof typeof SCHEMAS;
export type PartyData = { [K in PartyEventType]: v.InferOutput<(typeof SCHEMAS)[K]> };
export type PartyEvent<T extends PartyEventType = PartyEventType> = {
  [K in T]: { id: string; type: K; actor: string; at: string; data: PartyData[K] };
}[T];

/** Who may ever make each party event (the fold checks the finer scope: own village, own claim). */
export const PARTY_ROLES: { [K in PartyEventType]: readonly Role[] } = {
  member_saved: ['secretary', 'town', 'county', 'admin'],
  contact_visit: ['member'],
  issue_reported: ['member'],
  need_published: ['secretary', 'town'],
  need_claimed: ['member'],
  need_work: ['member'],
  need_confirmed: ['secretary', 'town'],
  care_need_declined: ['secretary', 'town'],
  // Contact households are assigned by whoever keeps the member's record (the branch, i.e. the member's village
  // secretary; the town center; county; admin), not by the member (no access to people docs, see the header).
  contact_added: ['secretary', 'town', 'county', 'admin'],
  contact_removed: ['secretary', 'town', 'county', 'admin'],
};

/** Whether a user may assign and remove contact households of a member of `villageId` (the fold's rule). */
export function mayEditContacts(user: Pick<UserInfo, 'role' | 'villageId'>, villageId: string): boolean {
  return PARTY_ROLES.contact_added.includes(user.role) && (user.role !== 'secretary' || user.villageId === villageId);
}

const Envelope = v.strictObject({
  id: eventId,
  type: v.picklist(PARTY_EVENT_TYPES),
  actor: refId,
  at: v.pipe(v.string(), v.regex(HLC_PATTERN)),
  data: v.unknown(),
});

export function parsePartyEvent(input: unknown): { ok: true; event: PartyEvent } | { ok: false; detail: string } {
  const env = v.safeParse(Envelope, input);
  if (!env.success) return { ok: false, detail: env.issues.map((i) => i.message).join('; ').slice(0, 200) };
  const data = v.safeParse(SCHEMAS[env.output.type], env.output.data);
  if (!data.success) return { ok: false, detail: `${env.output.type}: ${data.issues.map((i) => i.message).join('; ')}`.slice(0, 200) };
  return { ok: true, event: { ...env.output, data: data.output } as PartyEvent };
}

// ------------------------------------------------------------------ chain

export interface ChainNode {
  level: 'county' | 'town' | 'branch' | 'group';
  id: string;
  name: string;
  children: ChainNode[];
}

/** The county committee - town committee - village branch - grid group part of the chain for one town. */
export function partyChain(org: Pick<OrgData, 'towns' | 'villages' | 'grids'>, townId: string): ChainNode {
  const town = org.towns.find((t) => t.id === townId);
  const villages = org.villages.filter((vl: Village) => vl.townId === townId).sort((a, b) => a.id.localeCompare(b.id));
  const gridsOf = (vid: string) => org.grids.filter((g: Grid) => g.villageId === vid).sort((a, b) => a.id.localeCompare(b.id));
  return {
    level: 'county',
    id: 'county',
    name: '中共盘山县委',
    children: [
      {
        level: 'town',
        id: townId,
        name: `${town?.name ?? townId}党委`,
        children: villages.map((vl) => ({
          level: 'branch',
          id: vl.id,
          name: `${vl.name}${vl.kind === 'community' && !vl.name.endsWith('社区') ? '社区' : ''}党支部`,
          children: gridsOf(vl.id).map((g) => ({ level: 'group', id: g.id, name: `${g.name}党小组`, children: [] })),
        })),
      },
    ],
  };
}

// ------------------------------------------------------------------ fold

export interface Member extends Omit<PartyData['member_saved'], 'employer'> {
  employer?: string;
}

export interface ContactVisit {
  id: string;
  memberId: string;
  householdId: string;
  gridId: string;
  note: string;
  at: string;
  issues: Array<{ text: string; caseId?: string }>;
}

export type NeedStatus = 'open' | 'claimed' | 'confirmed';

/** A care visit a need takes up (`need_published.fromCare`). */
export interface CareLink {
  gridId: string;
  visitId: string;
}

export interface Need {
  id: string;
  kind: NeedKind;
  villageId: string;
  title: string;
  detail: string;
  requester?: string;
  fromCare?: CareLink;
  publishedBy: string;
  publishedAt: string;
  status: NeedStatus;
  claimedBy?: string;
  claimedAt?: string;
  work: Array<{ id: string; hours: number; note: string; at: string }>;
  confirmedBy?: string;
  confirmedAt?: string;
}

export interface PartyState {
  members: Map<string, Member>;
  visits: ContactVisit[];
  needs: Map<string, Need>;
  /** Issue 17: `<gridId>/<visitId>` of a care visit -> the need that took it up. */
  careNeeds: Map<string, string>;
  /** Issue 17: `<gridId>/<visitId>` of a care visit the village decided needs no party need, and why. */
  careDeclined: Map<string, { by: string; at: string; reason: string }>;
  /** Event ids that had no effect (a late claim, work by someone else...). */
  superseded: string[];
}

const byAtId = (a: { at: string; id: string }, b: { at: string; id: string }) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The key of a care visit in `PartyState.careNeeds`. */
export const careKey = (l: CareLink): string => `${l.gridId}/${l.visitId}`;

/** Whether the village has decided on a care visit already: a need takes it up, or it was declined (first wins). */
export const careDecided = (s: Pick<PartyState, 'careNeeds' | 'careDeclined'>, l: CareLink): boolean => s.careNeeds.has(careKey(l)) || s.careDeclined.has(careKey(l));

/** Resolves a grid to its village (the org directory), for needs raised from care visits. */
export type GridVillage = (gridId: string) => Pick<Grid, 'villageId'> | undefined;

/**
 * Why a need may not name its care visit (null when it may): the visit's grid must be a grid of the need's village.
 * The fold sets such a need aside; the relay refuses it when it is written (server/validate.ts).
 */
export function careLinkProblem(data: Pick<PartyData['need_published'], 'villageId' | 'fromCare'>, grid: GridVillage | undefined): string | null {
  if (!data.fromCare) return null;
  const g = grid?.(data.fromCare.gridId);
  return g && g.villageId === data.villageId ? null : `the care visit's grid ${data.fromCare.gridId} is not in village ${data.villageId}`;
}

/** Whose party doc a log is (`party.<townId>`) and where villages and grids are (the org directory). */
export interface PartyPlaces {
  townId: string;
  village(id: string): Pick<Village, 'townId'> | undefined;
  grid(id: string): Pick<Grid, 'villageId' | 'townId'> | undefined;
}

/** The places of `party.<townId>` from the org directory (none known without it: every place is out of town). */
export function partyPlaces(org: Pick<OrgIndex, 'village' | 'grid'> | null | undefined, townId: string): PartyPlaces {
  return { townId, village: (id) => org?.village(id), grid: (id) => org?.grid(id) };
}

/**
 * The villages and grids an event names in its own data (a member's branch, party group and contact households'
 * grids, a contact's grid, a visited household's grid, a need's village and care visit's grid, a decision's village
 * and grid). Events that name a need, a member or a visit by id act on what those named when they were accepted.
 */
export function partyPlacesNamed(e: PartyEvent): { villages: string[]; grids: string[] } {
  switch (e.type) {
    case 'member_saved':
      return { villages: [e.data.villageId], grids: [e.data.gridId, ...e.data.contacts.map((c) => c.gridId)] };
    case 'contact_added':
      return { villages: [], grids: [e.data.contact.gridId] };
    case 'contact_visit':
      return { villages: [], grids: [e.data.gridId] };
    case 'need_published':
      return { villages: [e.data.villageId], grids: e.data.fromCare ? [e.data.fromCare.gridId] : [] };
    case 'care_need_declined':
      return { villages: [e.data.villageId], grids: [e.data.gridId] };
    default:
      return { villages: [], grids: [] };
  }
}

/**
 * Why an event may not be in the party doc of `places.townId` (null when it may): a care visit's grid is of the
 * need's (or decision's) village (`careLinkProblem`), and every village and grid the event names (`partyPlacesNamed`)
 * is of the doc's town, whoever writes it (a town's center, the county, admin: authority over one town's party work
 * is not authority over another's, and `party.<townId>` is read as that town's). The fold sets such an event aside;
 * the relay refuses it when it is written (server/validate.ts, invalid_event).
 */
export function partyPlaceProblem(e: PartyEvent, places: PartyPlaces): string | null {
  const link =
    e.type === 'need_published'
      ? careLinkProblem(e.data, places.grid)
      : e.type === 'care_need_declined'
        ? careLinkProblem({ villageId: e.data.villageId, fromCare: { gridId: e.data.gridId, visitId: e.data.visitId } }, places.grid)
        : null;
  if (link) return link;
  const named = partyPlacesNamed(e);
  const village = named.villages.find((id) => places.village(id)?.townId !== places.townId);
  if (village !== undefined) return `village ${village} is not in ${places.townId}`;
  const grid = named.grids.find((id) => places.grid(id)?.townId !== places.townId);
  if (grid !== undefined) return `grid ${grid} is not in ${places.townId}`;
  return null;
}

/**
 * Fold the party log of `places.townId`. `users` resolves actors (the org directory); an event by an unknown or
 * out-of-scope actor has no effect, nor one naming a village or grid outside the town (`partyPlaceProblem`).
 */
export function foldParty(raw: readonly unknown[], users: (id: string) => UserInfo | undefined, places: PartyPlaces): PartyState {
  const events: PartyEvent[] = [];
  for (const r of raw) {
    const p = parsePartyEvent(r);
    if (p.ok) events.push(p.event);
  }
  events.sort(byAtId);
  const s: PartyState = { members: new Map(), visits: [], needs: new Map(), careNeeds: new Map(), careDeclined: new Map(), superseded: [] };
  const visits = new Map<string, ContactVisit>();
  const seen = new Set<string>();
  for (const e of events) {
    // One event per id: a second one under a known id (a forged re-publication) never replaces the first.
    const actor = seen.has(e.id) ? undefined : users(e.actor);
    seen.add(e.id);
    if (!actor || !PARTY_ROLES[e.type].includes(actor.role) || partyPlaceProblem(e, places) !== null || !villagesAllow(s, e, actor) || !applyParty(s, visits, e, actor)) {
      s.superseded.push(e.id);
    }
  }
  return s;
}

/**
 * The villages an event acts on (a member's branch before and after, a need's village): a village secretary may
 * act only on their own village's. The relay checks the same when the event is written (server/integrity.ts).
 */
export function partyVillages(s: Pick<PartyState, 'members' | 'needs'>, e: PartyEvent): string[] {
  switch (e.type) {
    case 'member_saved':
      return [e.data.villageId, ...(s.members.has(e.data.userId) ? [s.members.get(e.data.userId)!.villageId] : [])];
    case 'contact_added':
    case 'contact_removed': {
      const m = s.members.get(e.data.memberId);
      return m ? [m.villageId] : [];
    }
    case 'need_published':
    case 'care_need_declined':
      return [e.data.villageId];
    case 'need_confirmed': {
      const n = s.needs.get(e.data.needId);
      return n ? [n.villageId] : [];
    }
    default:
      return [];
  }
}

/** Whether the actor's village (secretaries) covers every village the event acts on. */
export function villagesAllow(s: Pick<PartyState, 'members' | 'needs'>, e: PartyEvent, actor: Pick<UserInfo, 'role' | 'villageId'>): boolean {
  return actor.role !== 'secretary' || partyVillages(s, e).every((v) => v === actor.villageId);
}

function applyParty(s: PartyState, visits: Map<string, ContactVisit>, e: PartyEvent, actor: UserInfo): boolean {
  const villageOk = (villageId: string) => actor.role !== 'secretary' || actor.villageId === villageId;
  switch (e.type) {
    case 'member_saved': {
      if (!villageOk(e.data.villageId)) return false;
      const { employer, ...rest } = e.data;
      s.members.set(e.data.userId, employer ? { ...rest, employer } : rest);
      return true;
    }
    case 'contact_added': {
      const m = s.members.get(e.data.memberId);
      if (!m || !villageOk(m.villageId)) return false;
      const c = e.data.contact;
      const i = m.contacts.findIndex((x) => x.householdId === c.householdId);
      if (i < 0 && m.contacts.length >= MAX_CONTACTS) return false;
      m.contacts = i < 0 ? [...m.contacts, c] : m.contacts.map((x, j) => (j === i ? c : x));
      return true;
    }
    case 'contact_removed': {
      const m = s.members.get(e.data.memberId);
      if (!m || !villageOk(m.villageId) || !m.contacts.some((x) => x.householdId === e.data.householdId)) return false;
      m.contacts = m.contacts.filter((x) => x.householdId !== e.data.householdId);
      return true;
    }
    case 'contact_visit': {
      const m = s.members.get(e.actor);
      if (!m || !m.contacts.some((c) => c.householdId === e.data.householdId)) return false;
      const visit: ContactVisit = {
        id: e.id,
        memberId: e.actor,
        householdId: e.data.householdId,
        gridId: e.data.gridId,
        note: e.data.note,
        at: e.at,
        issues: e.data.issues.map((text) => ({ text })),
      };
      visits.set(e.id, visit);
      s.visits.push(visit);
      return true;
    }
    case 'issue_reported': {
      const visit = visits.get(e.data.visitId);
      const issue = visit?.issues[e.data.issue];
      if (!visit || !issue || visit.memberId !== e.actor || issue.caseId) return false;
      issue.caseId = e.data.caseId;
      return true;
    }
    case 'need_published': {
      if (!villageOk(e.data.villageId)) return false;
      const { requester, fromCare, ...d } = e.data;
      // The care visit's grid is of the need's village (partyPlaceProblem, checked before); a visit is taken up once.
      if (fromCare && careDecided(s, fromCare)) return false;
      s.needs.set(e.id, { id: e.id, ...d, ...(requester ? { requester } : {}), ...(fromCare ? { fromCare } : {}), publishedBy: e.actor, publishedAt: e.at, status: 'open', work: [] });
      if (fromCare) s.careNeeds.set(careKey(fromCare), e.id);
      return true;
    }
    case 'care_need_declined': {
      const link = { gridId: e.data.gridId, visitId: e.data.visitId };
      if (!villageOk(e.data.villageId) || careDecided(s, link)) return false;
      s.careDeclined.set(careKey(link), { by: e.actor, at: e.at, reason: e.data.reason });
      return true;
    }
    case 'need_claimed': {
      const n = s.needs.get(e.data.needId);
      if (!n || n.status !== 'open') return false;
      n.status = 'claimed';
      n.claimedBy = e.actor;
      n.claimedAt = e.at;
      return true;
    }
    case 'need_work': {
      const n = s.needs.get(e.data.needId);
      if (!n || n.status !== 'claimed' || n.claimedBy !== e.actor) return false;
      n.work.push({ id: e.id, hours: e.data.hours, note: e.data.note, at: e.at });
      return true;
    }
    case 'need_confirmed': {
      const n = s.needs.get(e.data.needId);
      if (!n || n.status !== 'claimed' || n.work.length === 0 || !villageOk(n.villageId)) return false;
      n.status = 'confirmed';
      n.confirmedBy = e.actor;
      n.confirmedAt = e.at;
      return true;
    }
  }
}

// ------------------------------------------------------------------ summaries

export interface ServiceFigures {
  visits: number;
  issues: number;
  issuesReported: number;
  needsClaimed: number;
  needsConfirmed: number;
  /** Hours recorded in the period. */
  hours: number;
  /** Hours recorded in the period on needs the village has confirmed. */
  confirmedHours: number;
}

export interface PartySummary {
  members: Array<{ memberId: string; name: string; villageId: string } & ServiceFigures>;
  branches: Array<{ villageId: string; members: number } & ServiceFigures>;
}

const zero = (): ServiceFigures => ({ visits: 0, issues: 0, issuesReported: 0, needsClaimed: 0, needsConfirmed: 0, hours: 0, confirmedHours: 0 });

/** Per member and per branch (village) for [fromMs, toMs): visits, issues, needs and hours. */
export function summarizeParty(s: PartyState, fromMs: number, toMs: number): PartySummary {
  const inPeriod = (at: string | undefined) => {
    if (!at) return false;
    const ms = hlcMs(at);
    return ms >= fromMs && ms < toMs;
  };
  const per = new Map<string, ServiceFigures>();
  const fig = (id: string) => {
    let f = per.get(id);
    if (!f) per.set(id, (f = zero()));
    return f;
  };
  for (const vt of s.visits) {
    if (!inPeriod(vt.at)) continue;
    const f = fig(vt.memberId);
    f.visits++;
    f.issues += vt.issues.length;
    f.issuesReported += vt.issues.filter((i) => i.caseId).length;
  }
  for (const n of s.needs.values()) {
    if (!n.claimedBy) continue;
    const f = fig(n.claimedBy);
    if (inPeriod(n.claimedAt)) f.needsClaimed++;
    if (n.status === 'confirmed' && inPeriod(n.confirmedAt)) f.needsConfirmed++;
    for (const w of n.work) {
      if (!inPeriod(w.at)) continue;
      f.hours += w.hours;
      if (n.status === 'confirmed') f.confirmedHours += w.hours;
    }
  }
  const members = [...s.members.values()]
    .map((m) => ({ memberId: m.userId, name: m.name, villageId: m.villageId, ...(per.get(m.userId) ?? zero()) }))
    .sort((a, b) => b.hours - a.hours || a.memberId.localeCompare(b.memberId));
  const branches = new Map<string, { villageId: string; members: number } & ServiceFigures>();
  for (const m of members) {
    let b = branches.get(m.villageId);
    if (!b) branches.set(m.villageId, (b = { villageId: m.villageId, members: 0, ...zero() }));
    b.members++;
    for (const k of Object.keys(zero()) as Array<keyof ServiceFigures>) b[k] += m[k];
  }
  return { members, branches: [...branches.values()].sort((a, b) => a.villageId.localeCompare(b.villageId)) };
}
