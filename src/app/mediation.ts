/**
 * The mediation services of a session (issue 17): the town's summary (`mediation.<townId>`) and the dispute docs
 * (`dispute.<townId>.<disputeId>`) this user reads, through RecordSync like the other record docs, so everything
 * works offline. Built by records.ts; the screens (src/features/mediation) call it.
 *
 * Contracts:
 *  - Every write is decided with the domain first (schema, `summaryRefusal` with the org and the summary this device
 *    holds, and the fold: a write that would have no effect, such as a second outcome, is refused here), then
 *    appended; the relay judges it again.
 *  - Which dispute docs this device holds follows the summary it holds (`disputeAccess`, the relay's rule): derived
 *    grants (RecordSync.setDerivedGrants), recomputed when a summary changes. A dispute opened offline has both its
 *    summary event and its details written locally at once; the detail doc's link is refused (403) until the relay
 *    has the summary event naming this user, and retries (y-websocket's backoff) until it has: nothing is lost.
 */
import { disputeAccess, disputeDocName, mediationDocName, parseRecordDocName, type DocGrant } from '../domain/docs.ts';
import {
  foldDetail,
  foldMediation,
  parseDetailEvent,
  parseSummaryEvent,
  summaryRefusal,
  type DetailData,
  type DetailType,
  type DisputeDetail,
  type DisputeParty,
  type DisputeType,
  type MediationState,
  type SummaryData,
  type SummaryType,
} from '../domain/mediation.ts';
import type { OrgIndex, UserInfo } from '../domain/org.ts';
import type { RecordSync } from '../sync/records.ts';
import type { RecordResult } from './records.ts';

export interface OpenDisputeInput {
  gridId: string;
  type: DisputeType;
  mediators: string[];
  caseId?: string;
  parties: DisputeParty[];
  description: string;
}

export interface MediationApi {
  /** The town whose summary this user holds (their own), or null. */
  townId(): string | null;
  /** The folded summary, or null when not held. */
  state(): MediationState | null;
  /** Towns whose summaries this user holds, sorted (their own; county and admin: every town's, to read figures). */
  towns(): string[];
  /** The folded summary of a held town, or null. */
  stateOf(townId: string): MediationState | null;
  /** Whether this user writes the summary (the town's staff and party members). */
  mayWrite(): boolean;
  /**
   * Open a dispute: the summary event, then its details in the new dispute doc (both offline too). The dispute's id
   * is the opening event's (`id` of the result).
   */
  open(input: OpenDisputeInput): Promise<RecordResult>;
  /** A summary event on an existing dispute (mediators, outcome, follow-up). */
  act<T extends Exclude<SummaryType, 'dispute_opened'>>(type: T, data: SummaryData[T]): RecordResult;
  /** The dispute's details, or null when this device does not hold them (not a reader). */
  detail(disputeId: string): DisputeDetail | null;
  /** Whether this user may write the dispute's details (a mediator or the town center). */
  writesDetail(disputeId: string): boolean;
  detailAct<T extends DetailType>(disputeId: string, type: T, data: DetailData[T]): RecordResult;
}

export function createMediationApi(deps: {
  user: UserInfo;
  sync: RecordSync;
  org: () => OrgIndex | null;
  envelope: (type: string, data: unknown) => { id: string; type: string; actor: string; at: string; data: unknown };
  cached: <T>(key: string, f: () => T) => T;
}): MediationApi {
  const { user, sync } = deps;
  const townId = () => {
    const name = user.townId ? mediationDocName(user.townId) : null;
    return name && sync.access(name) ? user.townId! : null;
  };
  const state = (): MediationState | null => {
    const t = townId();
    return t ? deps.cached(`mediation:${t}`, () => foldMediation(sync.events(mediationDocName(t)))) : null;
  };

  // Derived grants: the dispute docs the held summaries let this user read, kept current as the summaries change.
  let derivedKey = '';
  let deriving: Promise<void> = Promise.resolve();
  /** Recompute the derived grants; resolves once the docs they name are open (the latest change's). */
  const derive = (): Promise<void> => {
    const grants: DocGrant[] = [];
    for (const name of sync.names('mediation')) {
      const rec = parseRecordDocName(name);
      if (rec?.kind !== 'mediation') continue;
      const s = deps.cached(`mediation:${rec.townId}`, () => foldMediation(sync.events(name)));
      for (const d of s.disputes.values()) {
        const access = disputeAccess(user, rec.townId, d);
        if (access) grants.push({ name: disputeDocName(rec.townId, d.id), access });
      }
    }
    const key = grants.map((g) => g.name).join(',');
    if (key === derivedKey) return deriving;
    derivedKey = key;
    return (deriving = sync.setDerivedGrants(grants));
  };
  sync.version.subscribe(() => void derive().catch((e: unknown) => console.error('gridlink: dispute docs', e)));

  const appendSummary = (value: ReturnType<typeof deps.envelope>): RecordResult => {
    const t = townId();
    const org = deps.org();
    const name = t ? mediationDocName(t) : '';
    if (!t || !org || sync.access(name) !== 'write') return { ok: false, error: 'forbidden' };
    const parsed = parseSummaryEvent(value);
    if (!parsed.ok) return { ok: false, error: 'bad_request', detail: parsed.detail };
    const before = foldMediation(sync.events(name));
    const why = summaryRefusal(parsed.event, user, t, org, before);
    if (why) return { ok: false, error: 'forbidden', detail: why };
    const after = foldMediation([...sync.events(name), parsed.event]);
    if (after.superseded.some((x) => x.id === value.id)) return { ok: false, error: 'state_not_allowed' };
    return sync.append(name, parsed.event) ? { ok: true, id: value.id } : { ok: false, error: 'forbidden' };
  };

  const api: MediationApi = {
    townId,
    state,
    towns: () => sync.names('mediation').map((n) => n.slice('mediation.'.length)),
    stateOf: (t) => (sync.access(mediationDocName(t)) ? deps.cached(`mediation:${t}`, () => foldMediation(sync.events(mediationDocName(t)))) : null),
    mayWrite: () => {
      const t = townId();
      return Boolean(t) && sync.access(mediationDocName(t!)) === 'write';
    },
    open: async (input) => {
      const t = townId();
      if (!t) return { ok: false, error: 'forbidden' };
      const details = parseDetailEvent(deps.envelope('parties_saved', { parties: input.parties, description: input.description }));
      if (!details.ok) return { ok: false, error: 'bad_request', detail: details.detail };
      const opening = deps.envelope('dispute_opened', {});
      const disputeId = opening.id;
      const summary = appendSummary(
        deps.envelope('dispute_opened', {
          disputeId,
          gridId: input.gridId,
          type: input.type,
          mediators: input.mediators,
          ...(input.caseId ? { caseId: input.caseId } : {}),
        }),
      );
      if (!summary.ok) return summary;
      // The summary names this user (or they are the center): the dispute doc is granted on this device now.
      await derive();
      const name = disputeDocName(t, disputeId);
      return sync.append(name, details.event) ? { ok: true, id: disputeId } : { ok: false, error: 'forbidden' };
    },
    act: (type, data) => appendSummary(deps.envelope(type, data)),
    detail: (disputeId) => {
      const t = townId();
      const name = t ? disputeDocName(t, disputeId) : '';
      if (!t || !sync.access(name)) return null;
      return deps.cached(`dispute:${name}`, () => foldDetail(sync.events(name)));
    },
    writesDetail: (disputeId) => {
      const t = townId();
      return Boolean(t) && sync.access(disputeDocName(t!, disputeId)) === 'write';
    },
    detailAct: (disputeId, type, data) => {
      const t = townId();
      const name = t ? disputeDocName(t, disputeId) : '';
      if (!t || sync.access(name) !== 'write') return { ok: false, error: 'forbidden' };
      const e = deps.envelope(type, data);
      const parsed = parseDetailEvent(e);
      if (!parsed.ok) return { ok: false, error: 'bad_request', detail: parsed.detail };
      return sync.append(name, parsed.event) ? { ok: true, id: e.id } : { ok: false, error: 'forbidden' };
    },
  };
  return api;
}
