/**
 * The people and party services of a session (issue 5): what the screens call. Every write is decided here with
 * the domain first (schema, and for party events the fold: an event that would have no effect is not appended),
 * then appended to its doc (src/sync/records.ts); the relay inspects it again.
 * ID numbers: a resident's full number goes to `idnumbers.<gridId>` (held only by the grid's worker and town
 * center), the people record keeps the masked form; `residents` and `searchPeople` join the two for this user.
 */
import type { ReadonlySignal } from '@preact/signals';
import type { Decision } from '../domain/commands.ts';
import { careDocName, idNumbersDocName, partyDocName, partyDocTown, patrolsDocName, peopleDocName, trainingDocName } from '../domain/docs.ts';
import { buildCareIndex, foldCare, parseCareEvent, partyVisits, peopleVisits, withVisits, type CareData, type CareEventType, type CareIndex, type CareState } from '../domain/care.ts';
import { foldPatrols, parsePatrolEvent, type PatrolData, type PatrolEventType, type PatrolState } from '../domain/patrols.ts';
import { foldTraining, parseTrainingEvent, type TrainingData, type TrainingEventType, type TrainingState } from '../domain/training.ts';
import type { HybridClock } from '../domain/hlc.ts';
import { newId, type RandomBytes } from '../domain/ids.ts';
import type { OrgIndex, OrgView, UserInfo } from '../domain/org.ts';
import type { CareSettings } from '../domain/caresettings.ts';
import { foldParty, parsePartyEvent, partyPlaces, type PartyData, type PartyEventType, type PartyState } from '../domain/party.ts';
import {
  foldIdNumbers,
  foldPeople,
  parseIdNumberEvent,
  parsePeopleEvent,
  residentFor,
  searchKey,
  splitResident,
  type Household,
  type PeopleState,
  type Resident,
  type ResidentView,
} from '../domain/people.ts';
import type { RecordSync } from '../sync/records.ts';
import { createCareIndexStore, type CareIndexKey } from './careindex.ts';
import { createMediationApi, type MediationApi } from './mediation.ts';
import type { ReportInput } from './services.ts';
import { createTasksApi, type TasksApi } from './towntasks.ts';

export type RecordResult = { ok: true; id: string } | { ok: false; error: string; detail?: string };

export interface PeopleHit {
  gridId: string;
  resident: ResidentView;
  address: string;
}

export interface RecordsApi extends TasksApi {
  /** Increases on every change of a people or party doc. */
  version: ReadonlySignal<number>;
  /** Own people and party records not yet saved on the relay (of this session and of earlier ones on this device). */
  unsaved(): number;
  /** Grids whose people this user holds. */
  peopleGrids(): string[];
  /** Folded people of a grid (records hold masked ID numbers at most: show residents through `residents`), or null. */
  people(gridId: string): PeopleState | null;
  /** Residents of a grid (of one household when given) as this user may see them: full ID numbers or masked. */
  residents(gridId: string, householdId?: string): ResidentView[];
  /** Whether this user records full ID numbers of the grid (holds `idnumbers.<gridId>` for writing). */
  holdsIdNumbers(gridId: string): boolean;
  /**
   * Residents whose name or address contains `q`, over every held grid, masked for this user. Offline: through the
   * Dexie index of the per-user db (src/sync/records.ts), or over the folded docs when there is no index.
   */
  searchPeople(q: string, limit?: number): Promise<PeopleHit[]>;
  saveHousehold(h: Household): RecordResult;
  /** `idNumber` is the full number (or none): it goes to `idnumbers.<gridId>`, the people record gets it masked. */
  saveResident(gridId: string, r: Omit<Resident, 'idNumber'> & { idNumber?: string | undefined }): RecordResult;
  recordVisit(gridId: string, householdId: string, note: string): RecordResult;
  /** The town whose party doc this user holds (their own), or null. */
  partyTownId(): string | null;
  party(): PartyState | null;
  partyAct<T extends PartyEventType>(type: T, data: PartyData[T]): RecordResult;
  /** Towns whose party docs this user holds, sorted: county and admin hold every town's, the others their own. */
  partyTowns(): string[];
  /** The folded party doc of one held town (county and admin choose among several), or null. */
  partyOf(townId: string): PartyState | null;
  /** `partyAct` on the party doc of a chosen held town. */
  partyActIn<T extends PartyEventType>(townId: string, type: T, data: PartyData[T]): RecordResult;
  // issue 14 -----------------------------------------------------------------
  /** Towns whose training docs this user holds, sorted (a trainer, town center or secretary: their own; county, admin: all). */
  trainingTowns(): string[];
  /** The folded training doc of a held town (default: the first held), or null. */
  training(townId?: string): TrainingState | null;
  /** Whether this user writes the training doc of their town (trainers). */
  mayTrain(): boolean;
  /** Append a training event to this user's own town's doc (trainers); refused when it would have no effect. */
  trainingAct<T extends TrainingEventType>(type: T, data: TrainingData[T]): RecordResult;
  // issue 17 -----------------------------------------------------------------
  /** Grids whose patrols docs this user holds, sorted (a worker: their grid; a secretary: their village's; a town center: its town's). */
  patrolGrids(): string[];
  /** The folded patrols doc of a held grid, or null. */
  patrols(gridId: string): PatrolState | null;
  /** Whether a held grid's patrols are known (synced once, or holding something): else show no empty state yet. */
  patrolsKnown(gridId: string): boolean;
  /** Append a patrol event to a grid's doc; refused when this user may not write it or it would have no effect. */
  patrolAct<T extends PatrolEventType>(gridId: string, type: T, data: PatrolData[T]): RecordResult;
  /** Issue 17: the town's disputes and their details (src/app/mediation.ts). */
  mediation: MediationApi;
  /** Turn issue `issue` of a contact visit into a case (one step: the report, then the link to it). */
  reportIssue(visitId: string, issue: number, input: ReportInput): Promise<Decision>;
  // issue 17 -----------------------------------------------------------------
  /** Grids whose care docs this user holds (the worker: their own; secretary and town center: theirs to read). */
  careGrids(): string[];
  /** The folded care log of a held grid, or null. */
  care(gridId: string): CareState | null;
  /**
   * The households in care of a grid with their level and last visit (care visits, people-register visits, party
   * members' visits to the same household), folded once per change of the docs; null without the people doc.
   * `asOfMs`: leave out visits after it (a past period's 考核).
   */
  careIndex(gridId: string, asOfMs?: number): CareIndex | null;
  /**
   * Read the grids' care indexes kept on this device by an earlier session (src/app/careindex.ts), so that
   * `careIndex` of an unchanged grid does not fold its docs; the worker's own grid is read at once.
   */
  preloadCareIndex(gridIds: readonly string[]): Promise<void>;
  /** Resolves when the care indexes built so far are kept on the device (tests, benchmarks). */
  careIndexKept(): Promise<void>;
  /** Append a care event to a held grid's doc (its worker); refused when it would have no effect. */
  careAct<T extends CareEventType>(gridId: string, type: T, data: CareData[T]): RecordResult;
  /** Raise a case from a care visit: the report, then its link to the visit (as `reportIssue`). */
  careReport(gridId: string, visitId: string, input: ReportInput): Promise<Decision>;
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
  /**
   * A fold kept while its inputs are the same (issue 17: 我的任务 re-renders on every `version` bump, an
   * acknowledgement recount included, and refolded a grid's people and care docs each time). Inputs are compared by
   * identity, a doc's raw events by count and each event's identity: stored events are never changed in place (a
   * change appends, removes or replaces one; a doc loaded again gives new objects), so equal inputs fold the same.
   * A change to one doc refolds only what reads it.
   */
  const folds = new Map<string, { inputs: readonly unknown[]; value: unknown }>();
  const same = (a: unknown, b: unknown) => a === b || (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]));
  const foldOn = <T>(key: string, inputs: readonly unknown[], f: () => T): T => {
    const hit = folds.get(key);
    if (hit && hit.inputs.length === inputs.length && hit.inputs.every((x, i) => same(x, inputs[i]))) return hit.value as T;
    const value = f();
    folds.set(key, { inputs, value });
    return value;
  };
  const envelope = (type: string, data: unknown) => ({ id: newId(deps.now(), deps.random), type, actor: user.id, at: deps.clock.now(), data });
  /**
   * Append an event to a log doc this user writes: checked by its schema, then decided with the fold: an event that
   * would have no effect (a check-in after the end, a need claimed already...) is refused here, not appended.
   */
  const appendChecked = <E extends { id: string }>(
    name: string,
    type: string,
    data: unknown,
    parse: (v: unknown) => { ok: true; event: E } | { ok: false; detail: string },
    fold: (events: unknown[]) => { superseded: readonly string[] },
  ): RecordResult => {
    if (!name || sync.access(name) !== 'write') return { ok: false, error: 'forbidden' };
    const e = envelope(type, data);
    const parsed = parse(e);
    if (!parsed.ok) return { ok: false, error: 'bad_request', detail: parsed.detail };
    if (fold([...sync.events(name), parsed.event]).superseded.includes(e.id)) return { ok: false, error: 'state_not_allowed' };
    return sync.append(name, parsed.event) ? { ok: true, id: e.id } : { ok: false, error: 'forbidden' };
  };

  const appendPeople = (gridId: string, type: string, data: unknown): RecordResult => {
    const name = peopleDocName(gridId);
    if (sync.access(name) !== 'write') return { ok: false, error: 'forbidden' };
    const e = envelope(type, data);
    const parsed = parsePeopleEvent(e);
    if (!parsed.ok) return { ok: false, error: 'bad_request', detail: parsed.detail };
    return sync.append(name, parsed.event) ? { ok: true, id: e.id } : { ok: false, error: 'forbidden' };
  };

  /** The grid's full ID numbers, or null when this user does not hold its `idnumbers` doc. */
  const idNumbers = (gridId: string): ReadonlyMap<string, string> | null => {
    const name = idNumbersDocName(gridId);
    if (!sync.access(name)) return null;
    return cached(`ids:${name}`, () => foldIdNumbers(sync.events(name)));
  };
  const view = (gridId: string, r: Resident & { updatedAt: string }): ResidentView => {
    const { updatedAt: _u, ...plain } = r;
    return residentFor(plain, user, deps.org()?.grid(gridId), idNumbers(gridId));
  };

  /** The party docs of this user: every town's for county and admin, their own town's for the others. */
  const partyNames = () => sync.names('party').filter((n) => !user.townId || n === partyDocName(user.townId));
  const partyName = () => partyNames()[0] ?? null;
  const partyIn = (name: string | null): PartyState | null => {
    const org = deps.org();
    if (!name || !org || !sync.access(name)) return null;
    const events = sync.events(name);
    return foldOn(`party:${name}`, [events, org], () => foldParty(events, (id) => org.user(id), partyPlaces(org, partyDocTown(name) ?? '')));
  };
  const party = (): PartyState | null => partyIn(partyName());

  const trainingNames = () => sync.names('training').sort();
  const trainingIn = (name: string | undefined): TrainingState | null => (name && sync.access(name) ? cached(`training:${name}`, () => foldTraining(sync.events(name))) : null);

  const careIn = (gridId: string): CareState | null => {
    const name = careDocName(gridId);
    if (!sync.access(name)) return null;
    const events = sync.events(name);
    return foldOn(`care:${name}`, [events], () => foldCare(events));
  };
  /**
   * Care indexes kept between sessions (careindex.ts), where the sync can tell a doc's state and keep rows (the
   * real RecordSync; in-memory stand-ins without them fold every session).
   */
  const careStore = typeof sync.stateKey === 'function' && typeof sync.readDerived === 'function' && typeof sync.writeDerived === 'function' ? createCareIndexStore(sync) : null;
  if (careStore && user.gridId) void careStore.preload([user.gridId]);
  /** A party member's 联系户 visits in a grid (counted on the grid's index, as visits of the same household). */
  /**
   * The care index of a grid's people doc and care log (people-register visits included; party visits are not):
   * folded once per change of those docs and of the settings, or read back from the device when they are in the
   * state it was built from.
   */
  const gridCareIndex = (gridId: string, settings: CareSettings | undefined): CareIndex => {
    const peopleName = peopleDocName(gridId);
    const careName = careDocName(gridId);
    const peopleEvents = sync.events(peopleName);
    const careEvents = sync.access(careName) ? sync.events(careName) : null;
    return foldOn(`careBase:${gridId}`, [peopleEvents, careEvents, settings], () => {
      const key: CareIndexKey | null = careStore ? { people: sync.stateKey(peopleName) ?? '', care: careEvents ? sync.stateKey(careName) : null, settings: JSON.stringify(settings ?? null) } : null;
      const kept = key && careStore?.get(gridId, key);
      if (kept) return kept;
      const people = api.people(gridId)!;
      const index = buildCareIndex({ settings, households: people.households.values(), residents: people.residents.values(), care: careIn(gridId), others: peopleVisits(people) });
      if (key) careStore?.put(gridId, key, index);
      return index;
    });
  };
  const patrolsIn = (name: string): PatrolState | null => (sync.access(name) ? cached(`patrols:${name}`, () => foldPatrols(sync.events(name))) : null);

  const api: RecordsApi = {
    // issue 17: tasks sent down (src/app/towntasks.ts)
    ...createTasksApi({ user, sync, org: deps.org, foldOn, envelope }),
    version: sync.version,
    unsaved: () => (typeof sync.unsaved === 'function' ? sync.unsaved() : 0),
    peopleGrids: () => sync.names('people').map((n) => n.slice('people.'.length)),
    people: (gridId) => {
      const name = peopleDocName(gridId);
      if (!sync.access(name)) return null;
      const events = sync.events(name);
      return foldOn(`people:${name}`, [events], () => foldPeople(events));
    },
    residents: (gridId, householdId) => {
      const st = api.people(gridId);
      if (!st) return [];
      return [...st.residents.values()].filter((r) => householdId === undefined || r.householdId === householdId).map((r) => view(gridId, r));
    },
    holdsIdNumbers: (gridId) => sync.access(idNumbersDocName(gridId)) === 'write',
    searchPeople: async (q, limit = 50) => {
      const key = searchKey(q);
      const out: PeopleHit[] = [];
      if (!key) return out;
      if (typeof sync.searchIndex === 'function') {
        for (const hit of await sync.searchIndex(key, limit)) {
          const st = api.people(hit.gridId);
          const r = st?.residents.get(hit.residentId);
          if (!st || !r) continue; // the index lags the doc by a moment
          out.push({ gridId: hit.gridId, resident: view(hit.gridId, r), address: st.households.get(r.householdId)?.address ?? '' });
        }
        return out;
      }
      for (const gridId of api.peopleGrids()) {
        const st = api.people(gridId);
        if (!st) continue;
        for (const r of st.residents.values()) {
          const address = st.households.get(r.householdId)?.address ?? '';
          if (!searchKey(r.name).includes(key) && !searchKey(address).includes(key)) continue;
          out.push({ gridId, resident: view(gridId, r), address });
          if (out.length >= limit) return out;
        }
      }
      return out;
    },
    saveHousehold: (h) => appendPeople(h.gridId, 'household_saved', h),
    saveResident: (gridId, r) => {
      const { record, idNumber } = splitResident(r);
      if (!idNumber) return appendPeople(gridId, 'resident_saved', record);
      // Both docs or neither: check the ID number event before the people record is appended.
      const idName = idNumbersDocName(gridId);
      if (sync.access(idName) !== 'write' || sync.access(peopleDocName(gridId)) !== 'write') return { ok: false, error: 'forbidden', detail: 'id_number' };
      const idEvent = parseIdNumberEvent(envelope('id_number_saved', idNumber));
      if (!idEvent.ok) return { ok: false, error: 'bad_request', detail: idEvent.detail };
      const saved = appendPeople(gridId, 'resident_saved', record);
      if (!saved.ok) return saved;
      return sync.append(idName, idEvent.event) ? saved : { ok: false, error: 'forbidden' };
    },
    recordVisit: (gridId, householdId, note) => appendPeople(gridId, 'visit_recorded', { householdId, note }),
    partyTownId: () => partyDocTown(partyName() ?? ''),
    party,
    partyTowns: () => partyNames().flatMap((n) => partyDocTown(n) ?? []).sort(),
    partyOf: (townId) => partyIn(partyDocName(townId)),
    partyAct: (type, data) => api.partyActIn(api.partyTownId() ?? '', type, data),
    partyActIn: (townId, type, data) => {
      const name = partyNames().includes(partyDocName(townId)) ? partyDocName(townId) : null;
      const org = deps.org();
      if (!name || !org) return { ok: false, error: 'forbidden' };
      return appendChecked(name, type, data, parsePartyEvent, (events) => foldParty(events, (id) => org.user(id), partyPlaces(org, townId)));
    },
    trainingTowns: () => trainingNames().map((n) => n.slice('training.'.length)),
    training: (townId) => trainingIn(townId ? trainingNames().find((n) => n === trainingDocName(townId)) : trainingNames()[0]),
    mayTrain: () => Boolean(user.townId) && sync.access(trainingDocName(user.townId ?? '')) === 'write',
    trainingAct: (type, data) => appendChecked(user.townId ? trainingDocName(user.townId) : '', type, data, parseTrainingEvent, foldTraining),
    careGrids: () => sync.names('care').map((n) => n.slice('care.'.length)),
    care: careIn,
    careIndex: (gridId, asOfMs) => {
      if (!sync.access(peopleDocName(gridId))) return null;
      // Only once every doc it reads has loaded (an index of the people doc without the care log is wrong, and the
      // kept one would not match it).
      const reads = [peopleDocName(gridId), careDocName(gridId), ...(user.townId ? [partyDocName(user.townId)] : [])];
      if (typeof sync.loading === 'function' && reads.some((n) => sync.loading(n))) return null;
      // Nor while the index kept on the device is being read (it is read as the session opens: a fold now would be wasted).
      if (asOfMs === undefined && careStore) {
        void careStore.settled.value; // a screen that asked re-renders when the read ends
        if (careStore.reading(gridId)) return null;
      }
      const partyState = party();
      const settings = (deps.org() as Partial<OrgView> | null)?.data?.care;
      if (asOfMs === undefined) {
        const base = gridCareIndex(gridId, settings);
        return foldOn(`careIndex:${gridId}`, [base, partyState], () => withVisits(base, partyVisits(partyState, gridId)));
      }
      // A past day's index (考核): built from the folds, kept while they and the settings are the same objects.
      const people = api.people(gridId)!;
      const care = careIn(gridId);
      return foldOn(`careIndex:${gridId}:${asOfMs}`, [people, partyState, care, settings], () => {
        const others = [...peopleVisits(people), ...partyVisits(partyState, gridId)];
        return buildCareIndex({ settings, households: people.households.values(), residents: people.residents.values(), care, others, asOfMs });
      });
    },
    preloadCareIndex: (gridIds) => careStore?.preload(gridIds) ?? Promise.resolve(),
    careIndexKept: () => careStore?.flush() ?? Promise.resolve(),
    careAct: (gridId, type, data) => appendChecked(careDocName(gridId), type, data, parseCareEvent, foldCare),
    careReport: async (gridId, visitId, input) => {
      const visit = careIn(gridId)?.visits.find((x) => x.id === visitId);
      if (!visit || visit.workerId !== user.id || sync.access(careDocName(gridId)) !== 'write') return { ok: false, error: 'forbidden' };
      if (visit.caseId) return { ok: false, error: 'state_not_allowed' };
      const decision = await deps.report(input);
      if (!decision.ok) return decision;
      const linked = api.careAct(gridId, 'case_linked', { visitId, caseId: decision.event.caseId });
      if (!linked.ok) console.warn('gridlink: the case was reported but not linked to the care visit', linked);
      return decision;
    },
    patrolGrids: () => sync.names('patrols').map((n) => n.slice('patrols.'.length)),
    patrols: (gridId) => patrolsIn(patrolsDocName(gridId)),
    patrolsKnown: (gridId) => (typeof sync.known === 'function' ? sync.known(patrolsDocName(gridId)) : true),
    patrolAct: (gridId, type, data) => appendChecked(patrolsDocName(gridId), type, data, parsePatrolEvent, foldPatrols),
    mediation: createMediationApi({ user, sync, org: deps.org, envelope, cached }),
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
