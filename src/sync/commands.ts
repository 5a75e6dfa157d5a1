/**
 * The case commands of a signed-in user (what `Session` exposes through SyncEngine): a command is decided by the
 * domain against the case as its doc folds it now, and the event is appended by the engine; the duplicate check and
 * the assessment read the read model. Nothing here owns a doc or writes a row: the engine hosts the docs
 * (`CommandHost`). Loaded on the first command, not with the first screen (initial JS budget): the list's reads are
 * the engine's own.
 */
import type { AssessScope, StatsResult } from '../domain/assessment.ts';
import { decide, type Command, type Decision, type ReportInput } from '../domain/commands.ts';
import { caseYear, casesDocName, type DocAccess } from '../domain/docs.ts';
import { DUPLICATE_WINDOW_DAYS, findDuplicates, type DuplicateMatch } from '../domain/duplicates.ts';
import type { CaseEvent, LatLng } from '../domain/events.ts';
import { foldCase } from '../domain/fold.ts';
import { hlcMs } from '../domain/hlc.ts';
import { newId, type RandomBytes } from '../domain/ids.ts';
import type { OrgIndex, OrgView, UserInfo } from '../domain/org.ts';
import type { CaseState } from '../domain/workflow.ts';
import type { CaseIndex } from '../protocol/caseindex.ts';
import { rowsOfCategoryBetween, rowsReportedBetween, type ReadModel } from '../storage/readmodel.ts';
import type { DuplicateRow } from '../storage/rows.ts';

/** What a command needs of a hosted cases doc. */
export interface CaseDoc {
  readonly name: string;
  readonly access: DocAccess;
  /** No longer granted: readable, not writable. */
  readonly revoked: boolean;
  /** A refusal recovery in progress: commands wait for it. */
  readonly recovering: Promise<void> | null;
  readonly index: CaseIndex;
}

/** What the engine gives the commands: its docs, org, clock and read model. */
export interface CommandHost<D extends CaseDoc> {
  readonly user: UserInfo;
  readonly now: () => number;
  readonly random: RandomBytes;
  readonly readModel: ReadModel;
  /** Wait until the docs are open, then bring the org index up to date. */
  ready(): Promise<void>;
  orgIndex(): OrgIndex;
  org(): OrgView | null;
  /** The next hybrid logical clock timestamp. */
  hlc(): string;
  /** The cases doc that holds a case. */
  findCase(caseId: string): D | undefined;
  /** A cases doc by name, opened if it is a new year of a town this session holds. */
  casesDoc(docName: string): Promise<D | undefined>;
  /** Append decided events to their doc in one transaction; resolves when the read model shows them. */
  append(doc: D, ...events: CaseEvent[]): Promise<void>;
}

export class CaseCommands<D extends CaseDoc> {
  /** Commands being decided and written, by case: a read of the case waits for them (read your own writes). */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(private readonly host: CommandHost<D>) {}

  async getCase(caseId: string): Promise<CaseState | null> {
    // A case opened while this user's action on it is still being written (the detail opened at once after a
    // dispatch on the board) shows that action, not the state before it with the action offered again.
    await this.inFlight.get(caseId)?.catch(() => {});
    await this.host.ready();
    const doc = this.host.findCase(caseId);
    const events = doc?.index.eventsOf(caseId);
    return events && doc ? foldCase(events, doc.index.contextOf(this.host.orgIndex())) : null;
  }

  /**
   * Decide a new report as this user: the doc is the grid's town and the report's year (opened if it is a new
   * year). Returns the decision with the doc to append to, or a refusal; nothing is written here.
   */
  private async decideReport(input: ReportInput): Promise<{ decision: Decision; doc?: D }> {
    const host = this.host;
    await host.ready();
    const org = host.orgIndex();
    const grid = typeof input?.gridId === 'string' ? org.grid(input.gridId) : undefined;
    if (!grid) return { decision: { ok: false, error: 'unknown_grid' } };
    const at = host.hlc();
    const docName = casesDocName(grid.townId, caseYear(hlcMs(at)));
    const doc = await host.casesDoc(docName);
    if (!doc || doc.access !== 'write' || doc.revoked) return { decision: { ok: false, error: 'forbidden', detail: docName } };
    if (doc.recovering) await doc.recovering;
    const now = host.now();
    const decision = decide(null, { ...input, type: 'report', townId: grid.townId, channel: 'app' }, {
      actor: host.user,
      org,
      at,
      eventId: newId(now, host.random),
      caseId: newId(now, host.random),
    });
    return { decision, doc };
  }

  async report(input: ReportInput): Promise<Decision> {
    const { decision, doc } = await this.decideReport(input);
    if (decision.ok && doc) await this.host.append(doc, decision.event);
    return decision;
  }

  act(caseId: string, command: Command): Promise<Decision> {
    // One after the other on a case: each command is decided against the state the previous one left.
    const before = this.inFlight.get(caseId);
    const p = (before ? before.catch(() => {}) : Promise.resolve()).then(() => this.decideAndAppend(caseId, command));
    this.inFlight.set(caseId, p);
    const clear = () => {
      if (this.inFlight.get(caseId) === p) this.inFlight.delete(caseId);
    };
    p.then(clear, clear);
    return p;
  }

  private async decideAndAppend(caseId: string, command: Command): Promise<Decision> {
    const host = this.host;
    await host.ready();
    const doc = host.findCase(caseId);
    if (!doc) return { ok: false, error: 'unknown_case' };
    if (doc.access !== 'write' || doc.revoked) return { ok: false, error: 'forbidden', detail: doc.name };
    if (doc.recovering) await doc.recovering;
    const org = host.orgIndex();
    const state = foldCase(doc.index.eventsOf(caseId) ?? [], doc.index.contextOf(org));
    const decision = decide(state, command, {
      actor: host.user,
      org,
      at: host.hlc(),
      eventId: newId(host.now(), host.random),
      caseId,
    });
    if (decision.ok) await host.append(doc, decision.event);
    return decision;
  }

  /**
   * Report and resolve on the spot (就地解决): the report and the self-resolve are decided in sequence and
   * appended in one transaction, so no replica ever sees one without the other.
   */
  async reportResolved(input: ReportInput, note: string): Promise<Decision> {
    const host = this.host;
    const { decision: reported, doc } = await this.decideReport(input);
    if (!reported.ok || !doc) return reported;
    const caseId = reported.event.caseId;
    const resolved = decide(reported.state, { type: 'self_resolve', note }, {
      actor: host.user,
      org: host.orgIndex(),
      at: host.hlc(),
      eventId: newId(host.now(), host.random),
      caseId,
    });
    if (!resolved.ok) return resolved;
    await host.append(doc, reported.event, resolved.event);
    return resolved;
  }

  /** Open cases of the same subcategory within 250 m reported in the last 7 days. */
  async findDuplicates(input: { category: string; location: LatLng }): Promise<DuplicateMatch<DuplicateRow>[]> {
    const now = this.host.now();
    const rows = await rowsOfCategoryBetween(this.host.readModel, input.category, now - DUPLICATE_WINDOW_DAYS * 86_400_000, now);
    return findDuplicates({ category: input.category, location: input.location, reportedMs: now }, rows);
  }

  /** Assessment over the read model (works offline): the domain's `scopeStats`, Table 1 counts from the org doc. */
  async stats(scope: AssessScope, fromMs: number, toMs: number): Promise<StatsResult> {
    await this.host.ready();
    // Loaded on first use: the assessment is not on the first screen's path (initial JS budget).
    const { orgCounts, scopeStats } = await import('../domain/assessment.ts');
    const nowMs = this.host.now();
    const period = { fromMs, toMs };
    const org = this.host.org();
    const rows = await rowsReportedBetween(this.host.readModel, fromMs, toMs);
    return { scope, period, nowMs, ...scopeStats(rows, scope, period, nowMs, org ? orgCounts(org.data) : null) };
  }
}
