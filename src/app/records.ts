/**
 * The people and party services of a session (issue 5): what the screens call. Every write is decided here with
 * the domain first (schema, and for party events the fold: an event that would have no effect is not appended),
 * then appended to its doc (src/sync/records.ts); the relay inspects it again.
 */
import type { ReadonlySignal } from '@preact/signals';
import type { Decision } from '../domain/commands.ts';
import { parseRecordDocName, partyDocName, peopleDocName } from '../domain/docs.ts';
import type { HybridClock } from '../domain/hlc.ts';
import { newId, type RandomBytes } from '../domain/ids.ts';
import type { OrgIndex, UserInfo } from '../domain/org.ts';
import { foldParty, parsePartyEvent, type PartyData, type PartyEventType, type PartyState } from '../domain/party.ts';
import { foldPeople, parsePeopleEvent, residentFor, searchKey, type Household, type PeopleState, type Resident } from '../domain/people.ts';
import type { RecordSync } from '../sync/records.ts';
import type { ReportInput } from './services.ts';

export type RecordResult = { ok: true; id: string } | { ok: false; error: string; detail?: string };

export interface PeopleHit {
  gridId: string;
  resident: Resident & { idMasked: boolean };
  address: string;
}

export interface RecordsApi {
  /** Increases on every change of a people or party doc. */
  version: ReadonlySignal<number>;
  /** Own people and party records of this session not yet saved on the relay. */
  unsaved(): number;
  /** Grids whose people this user holds. */
  peopleGrids(): string[];
  /** Folded people of a grid (ID numbers NOT masked: show residents through `residentFor`), or null. */
  people(gridId: string): PeopleState | null;
  /**
   * Residents whose name or address contains `q`, over every held grid, masked for this user. Offline: through the
   * Dexie index of the per-user db (src/sync/records.ts), or over the folded docs when there is no index.
   */
  searchPeople(q: string, limit?: number): Promise<PeopleHit[]>;
  saveHousehold(h: Household): RecordResult;
  saveResident(gridId: string, r: Resident): RecordResult;
  recordVisit(gridId: string, householdId: string, note: string): RecordResult;
  /** The town whose party doc this user holds (their own), or null. */
  partyTownId(): string | null;
  party(): PartyState | null;
  partyAct<T extends PartyEventType>(type: T, data: PartyData[T]): RecordResult;
  /** Turn issue `issue` of a contact visit into a case (one step: the report, then the link to it). */
  reportIssue(visitId: string, issue: number, input: ReportInput): Promise<Decision>;
}

export function createRecordsApi(deps: {
  user: UserInfo;
  sync: RecordSync;
  org: () => OrgIndex | null;
  clock: HybridClock;
  now: () => number;
  random: RandomBytes;
  report: (input: ReportInput) => Promise<Decision>;
}): RecordsApi {
  const { user, sync } = deps;
  const cache = new Map<string, { version: number; value: unknown }>();
  const cached = <T>(key: string, f: () => T): T => {
    const v = sync.version.peek();
    const hit = cache.get(key);
    if (hit && hit.version === v) return hit.value as T;
    const value = f();
    cache.set(key, { version: v, value });
    return value;
  };
  const envelope = (type: string, data: unknown) => ({ id: newId(deps.now(), deps.random), type, actor: user.id, at: deps.clock.now(), data });

  const appendPeople = (gridId: string, type: string, data: unknown): RecordResult => {
    const name = peopleDocName(gridId);
    if (sync.access(name) !== 'write') return { ok: false, error: 'forbidden' };
    const e = envelope(type, data);
    const parsed = parsePeopleEvent(e);
    if (!parsed.ok) return { ok: false, error: 'bad_request', detail: parsed.detail };
    return sync.append(name, parsed.event) ? { ok: true, id: e.id } : { ok: false, error: 'forbidden' };
  };

  const partyName = () => sync.names('party').find((n) => parseRecordDocName(n)?.kind === 'party' && (!user.townId || n === partyDocName(user.townId))) ?? null;
  const party = (): PartyState | null => {
    const name = partyName();
    const org = deps.org();
    if (!name || !org) return null;
    return cached(`party:${name}`, () => foldParty(sync.events(name), (id) => org.user(id)));
  };

  const api: RecordsApi = {
    version: sync.version,
    unsaved: () => (typeof sync.unsaved === 'function' ? sync.unsaved() : 0),
    peopleGrids: () => sync.names('people').map((n) => n.slice('people.'.length)),
    people: (gridId) => {
      const name = peopleDocName(gridId);
      if (!sync.access(name)) return null;
      return cached(`people:${name}`, () => foldPeople(sync.events(name)));
    },
    searchPeople: async (q, limit = 50) => {
      const key = searchKey(q);
      const out: PeopleHit[] = [];
      if (!key) return out;
      const org = deps.org();
      if (typeof sync.searchIndex === 'function') {
        for (const hit of await sync.searchIndex(key, limit)) {
          const st = api.people(hit.gridId);
          const r = st?.residents.get(hit.residentId);
          if (!st || !r) continue; // the index lags the doc by a moment
          const { updatedAt: _u, ...plain } = r;
          out.push({ gridId: hit.gridId, resident: residentFor(plain, user, org?.grid(hit.gridId)), address: st.households.get(r.householdId)?.address ?? '' });
        }
        return out;
      }
      for (const gridId of api.peopleGrids()) {
        const st = api.people(gridId);
        if (!st) continue;
        for (const r of st.residents.values()) {
          const address = st.households.get(r.householdId)?.address ?? '';
          if (!searchKey(r.name).includes(key) && !searchKey(address).includes(key)) continue;
          const { updatedAt: _u, ...plain } = r;
          out.push({ gridId, resident: residentFor(plain, user, org?.grid(gridId)), address });
          if (out.length >= limit) return out;
        }
      }
      return out;
    },
    saveHousehold: (h) => appendPeople(h.gridId, 'household_saved', h),
    saveResident: (gridId, r) => appendPeople(gridId, 'resident_saved', r),
    recordVisit: (gridId, householdId, note) => appendPeople(gridId, 'visit_recorded', { householdId, note }),
    partyTownId: () => partyName()?.slice('party.'.length) ?? null,
    party,
    partyAct: (type, data) => {
      const name = partyName();
      const org = deps.org();
      if (!name || !org || sync.access(name) !== 'write') return { ok: false, error: 'forbidden' };
      const e = envelope(type, data);
      const parsed = parsePartyEvent(e);
      if (!parsed.ok) return { ok: false, error: 'bad_request', detail: parsed.detail };
      // Decide with the fold: an event that would have no effect (claimed already, not the claimer...) is refused.
      const after = foldParty([...sync.events(name), parsed.event], (id) => org.user(id));
      if (after.superseded.includes(e.id)) return { ok: false, error: 'state_not_allowed' };
      return sync.append(name, parsed.event) ? { ok: true, id: e.id } : { ok: false, error: 'forbidden' };
    },
    reportIssue: async (visitId, issue, input) => {
      const st = party();
      const visit = st?.visits.find((v) => v.id === visitId);
      if (!visit || visit.memberId !== user.id || !visit.issues[issue]) return { ok: false, error: 'forbidden' };
      if (visit.issues[issue].caseId) return { ok: false, error: 'state_not_allowed' };
      const decision = await deps.report(input);
      if (!decision.ok) return decision;
      const linked = api.partyAct('issue_reported', { visitId, issue, caseId: decision.event.caseId });
      if (!linked.ok) console.warn('gridlink: the case was reported but not linked to the visit', linked);
      return decision;
    },
  };
  return api;
}
