/**
 * Documents and who may sync them. Contract: `org` holds reference data; `cases.<townId>.<year>` holds the event
 * log of the cases reported in that town that year (year in China Standard Time, UTC+8).
 * Issue 5: `people.<gridId>` (households, residents, visits of one grid: its worker, its village secretary, its
 * town center) and `party.<townId>` (party members, contact-household visits, needs: the town's staff, its
 * village secretaries and party members, county, admin). Both are event logs like the cases docs.
 * `idnumbers.<gridId>` holds the full ID numbers of that grid's residents, apart from the people doc so that only
 * the readers who may see them in full (the grid's worker, its town center: src/domain/people.ts) store them.
 * Issue 14: `training.<townId>` (learners and literacy sessions: the town's trainers write; its center, its village
 * secretaries, county and admin read). Names under `practice.` belong to the trainer's practice sandbox: they exist
 * only on a device, and the relay refuses them (`isPracticeDocName`).
 * Issue 17: `care.<gridId>` (the care visits of a grid: its worker writes; its village secretary, town center, county
 * and admin read, src/domain/care.ts). The grid worker also reads its town's `party.<townId>`: a party member's
 * visit to a contact household counts as a care visit of that household. County accounts write the org doc, for
 * the one change they may make (`care.set`, refchanges.ts `roleMayChange`).
 * Issue 17: `patrols.<gridId>` (the grid worker's patrols and the town's expected frequency: src/domain/patrols.ts).
 * Issue 17: `mediation.<townId>` (the town's disputes without the parties' details: its staff read and write, county
 * and admin read) and `dispute.<townId>.<disputeId>` (parties, sessions, terms: the dispute's mediators as the
 * summary names them, and the town center; `disputeAccess`). See src/domain/mediation.ts.
 */
import type { Grid, UserInfo } from './org.ts';
import { CST_OFFSET_MS } from './cst.ts';

export type DocAccess = 'read' | 'write';
export interface DocGrant {
  name: string;
  access: DocAccess;
}

export const ORG_DOC = 'org';
const CASES_DOC = /^cases\.(t\d{2})\.(\d{4})$/;

export function casesDocName(townId: string, year: number): string {
  return `cases.${townId}.${year}`;
}

export function parseDocName(name: string): { kind: 'org' } | { kind: 'cases'; townId: string; year: number } | null {
  if (name === ORG_DOC) return { kind: 'org' };
  const m = CASES_DOC.exec(name);
  if (m) return { kind: 'cases', townId: m[1]!, year: Number(m[2]) };
  return null;
}

const PEOPLE_DOC = /^people\.(g\d{4})$/;
const PARTY_DOC = /^party\.(t\d{2})$/;
const ID_NUMBERS_DOC = /^idnumbers\.(g\d{4})$/;
const TRAINING_DOC = /^training\.(t\d{2})$/;
const TASKS_DOC = /^tasks\.(t\d{2})$/;
const TASK_ANSWERS_DOC = /^taskanswers\.(g\d{4})$/;
const CARE_DOC = /^care\.(g\d{4})$/;
const PATROLS_DOC = /^patrols\.(g\d{4})$/;

export function careDocName(gridId: string): string {
  return `care.${gridId}`;
}
const MEDIATION_DOC = /^mediation\.(t\d{2})$/;
const DISPUTE_DOC = /^dispute\.(t\d{2})\.([0-9A-HJKMNP-TV-Z]{26})$/;
/** The prefix of the practice sandbox's local data (src/app/practice.ts); never synced. */
export const PRACTICE_PREFIX = 'practice.';

export function isPracticeDocName(name: string): boolean {
  return name.startsWith(PRACTICE_PREFIX);
}
export function trainingDocName(townId: string): string {
  return `training.${townId}`;
}

/** Issue 17: a town's tasks sent down, and one grid's answers to them (src/domain/towntasks.ts). */
export function tasksDocName(townId: string): string {
  return `tasks.${townId}`;
}
export function taskAnswersDocName(gridId: string): string {
  return `taskanswers.${gridId}`;
}
export function patrolsDocName(gridId: string): string {
  return `patrols.${gridId}`;
}
export function mediationDocName(townId: string): string {
  return `mediation.${townId}`;
}
export function disputeDocName(townId: string, disputeId: string): string {
  return `dispute.${townId}.${disputeId}`;
}

export function peopleDocName(gridId: string): string {
  return `people.${gridId}`;
}
export function partyDocName(townId: string): string {
  return `party.${townId}`;
}

/** The town of a party doc's name (`party.t01` -> `t01`); null for any other name. */
export function partyDocTown(name: string): string | null {
  return PARTY_DOC.exec(name)?.[1] ?? null;
}
export function idNumbersDocName(gridId: string): string {
  return `idnumbers.${gridId}`;
}

export type RecordDocKind =
  | { kind: 'people'; gridId: string }
  | { kind: 'party'; townId: string }
  | { kind: 'idnumbers'; gridId: string }
  | { kind: 'training'; townId: string }
  | { kind: 'tasks'; townId: string }
  | { kind: 'taskanswers'; gridId: string }
  | { kind: 'care'; gridId: string }
  | { kind: 'patrols'; gridId: string }
  | { kind: 'mediation'; townId: string }
  | { kind: 'dispute'; townId: string; disputeId: string };

/** The issue-5 record docs (not handled by the case sync engine). */
export function parseRecordDocName(name: string): RecordDocKind | null {
  const p = PEOPLE_DOC.exec(name);
  if (p) return { kind: 'people', gridId: p[1]! };
  const q = PARTY_DOC.exec(name);
  if (q) return { kind: 'party', townId: q[1]! };
  const i = ID_NUMBERS_DOC.exec(name);
  if (i) return { kind: 'idnumbers', gridId: i[1]! };
  const t = TRAINING_DOC.exec(name);
  if (t) return { kind: 'training', townId: t[1]! };
  const k = TASKS_DOC.exec(name);
  if (k) return { kind: 'tasks', townId: k[1]! };
  const a = TASK_ANSWERS_DOC.exec(name);
  if (a) return { kind: 'taskanswers', gridId: a[1]! };
  const c = CARE_DOC.exec(name);
  if (c) return { kind: 'care', gridId: c[1]! };
  const pa = PATROLS_DOC.exec(name);
  if (pa) return { kind: 'patrols', gridId: pa[1]! };
  const m = MEDIATION_DOC.exec(name);
  if (m) return { kind: 'mediation', townId: m[1]! };
  const d = DISPUTE_DOC.exec(name);
  if (d) return { kind: 'dispute', townId: d[1]!, disputeId: d[2]! };
  return null;
}

/** Grid lookup for the people docs' access (grid -> village, town). */
export type GridLookup = (gridId: string) => Pick<Grid, 'id' | 'villageId' | 'townId'> | undefined;

/** Access to `people.<gridId>`: the grid's worker, its village secretary, its town center; no one else. */
export function peopleAccess(user: UserInfo, grid: Pick<Grid, 'id' | 'villageId' | 'townId'> | undefined): DocAccess | null {
  if (!grid) return null;
  if (user.role === 'worker' && user.gridId === grid.id) return 'write';
  if (user.role === 'secretary' && user.villageId === grid.villageId) return 'write';
  if (user.role === 'town' && user.townId === grid.townId) return 'write';
  return null;
}

/**
 * Whether a user sees residents' full ID numbers of a grid: its worker (home visits, eligibility checks on site)
 * and its town center (files the civil-affairs applications). Everyone else sees them masked (src/domain/people.ts).
 */
export function seesFullIdNumber(user: UserInfo, grid: Pick<Grid, 'id' | 'townId'> | undefined): boolean {
  if (!grid) return false;
  if (user.role === 'worker') return user.gridId === grid.id;
  if (user.role === 'town') return user.townId === grid.townId;
  return false;
}

/** Access to `idnumbers.<gridId>`: only those who see full ID numbers, the grid's worker and its town center. */
export function idNumbersAccess(user: UserInfo, grid: Pick<Grid, 'id' | 'villageId' | 'townId'> | undefined): DocAccess | null {
  return grid && seesFullIdNumber(user, grid) ? 'write' : null;
}

/**
 * Access to `party.<townId>`: the town's center, secretaries and party members; county and admin. Its grid workers
 * read it (issue 17: a member's contact-household visit counts as a care visit of the household).
 */
export function partyAccess(user: UserInfo, townId: string): DocAccess | null {
  switch (user.role) {
    case 'admin':
    case 'county':
      return 'write';
    case 'town':
    case 'secretary':
    case 'member':
      return user.townId === townId ? 'write' : null;
    case 'worker':
      return user.townId === townId ? 'read' : null;
    default:
      return null;
  }
}

/**
 * Access to `training.<townId>`: the town's trainers write; its center and village secretaries read (the learners
 * of their villages, the literacy figures in 考核), as do county and admin.
 */
export function trainingAccess(user: UserInfo, townId: string): DocAccess | null {
  switch (user.role) {
    case 'trainer':
      return user.townId === townId ? 'write' : null;
    case 'town':
    case 'secretary':
      return user.townId === townId ? 'read' : null;
    case 'county':
    case 'admin':
      return 'read';
    default:
      return null;
  }
}

/**
 * Issue 17: access to `tasks.<townId>` (task definitions): the town's center and the county write (each only on
 * its own side, server/validate.ts); the town's grid workers and village secretaries read, as does admin.
 */
export function tasksAccess(user: UserInfo, townId: string): DocAccess | null {
  switch (user.role) {
    case 'county':
      return 'write';
    case 'town':
      return user.townId === townId ? 'write' : null;
    case 'worker':
    case 'secretary':
      return user.townId === townId ? 'read' : null;
    case 'admin':
      return 'read';
    default:
      return null;
  }
}

/**
 * Access to a grid's own work logs (issue 17: `taskanswers.<gridId>`, its answers to tasks sent down, `care.<gridId>`,
 * its care visits, `patrols.<gridId>`, its patrols; they may name households and say where a person walked): the
 * grid's worker writes; its village secretary, its town center, county and admin read. No other grid's worker holds
 * them. County and admin may open any grid's; their devices are not given them all (`listsGridWork`).
 */
export function gridWorkAccess(user: UserInfo, grid: Pick<Grid, 'id' | 'villageId' | 'townId'> | undefined): DocAccess | null {
  if (!grid) return null;
  switch (user.role) {
    case 'worker':
      return user.gridId === grid.id ? 'write' : null;
    case 'secretary':
      return user.villageId === grid.villageId ? 'read' : null;
    case 'town':
      return user.townId === grid.townId ? 'read' : null;
    case 'county':
    case 'admin':
      return 'read';
    default:
      return null;
  }
}

/**
 * Access to `mediation.<townId>` (issue 17): the town's center, grid workers, village secretaries and party members
 * write (each event's authority is checked by the relay: src/domain/mediation.ts `summaryRefusal`); county and admin
 * read (figures). It names no party: parties and notes are in the dispute docs.
 */
export function mediationAccess(user: UserInfo, townId: string): DocAccess | null {
  switch (user.role) {
    case 'town':
    case 'worker':
    case 'secretary':
    case 'member':
      return user.townId === townId ? 'write' : null;
    case 'county':
    case 'admin':
      return 'read';
    default:
      return null;
  }
}
export const taskAnswersAccess = gridWorkAccess;
export const careAccess = gridWorkAccess;

/**
 * Access to `patrols.<gridId>`: as every grid work log, and the grid's town center writes too (it sets the expected
 * frequency; which events each may make is src/domain/patrols.ts `patrolRoleMayWrite`).
 */
export function patrolsAccess(user: UserInfo, grid: Pick<Grid, 'id' | 'villageId' | 'townId'> | undefined): DocAccess | null {
  if (grid && user.role === 'town' && user.townId === grid.townId) return 'write';
  return gridWorkAccess(user, grid);
}

/**
 * Whether a user's device lists (syncs) a grid's work logs: everyone with access but the county and admin, who may
 * open any of them but would otherwise hold one per grid of the county (844).
 */
function listsGridWork(user: UserInfo): boolean {
  return user.role !== 'county' && user.role !== 'admin';
}

/**
 * Access to `dispute.<townId>.<disputeId>`: the dispute's mediators as the town's summary names them now, and the
 * town center; no one else (not county, not another party member of the town). `dispute` undefined: the summary has
 * no such dispute (yet): only the center. The relay asks at connect time and again when the mediators change.
 */
export function disputeAccess(user: UserInfo, townId: string, dispute: { readonly mediators: readonly string[] } | undefined): DocAccess | null {
  if (user.role === 'town' && user.townId === townId) return 'write';
  return dispute?.mediators.includes(user.id) && user.townId === townId ? 'write' : null;
}

/** The people, ID number, party and training docs of a user (listed by GET /api/me after the org and cases docs). */
export function recordDocsForUser(user: UserInfo, townIds: readonly string[], grids: readonly Pick<Grid, 'id' | 'villageId' | 'townId'>[]): DocGrant[] {
  const out: DocGrant[] = [];
  for (const g of grids) {
    const a = peopleAccess(user, g);
    if (a) out.push({ name: peopleDocName(g.id), access: a });
    const i = idNumbersAccess(user, g);
    if (i) out.push({ name: idNumbersDocName(g.id), access: i });
    if (listsGridWork(user)) {
      const ta = taskAnswersAccess(user, g);
      if (ta) out.push({ name: taskAnswersDocName(g.id), access: ta });
      // Listed with the grid's people doc only.
      const c = a ? careAccess(user, g) : null;
      if (c) out.push({ name: careDocName(g.id), access: c });
      const pa = patrolsAccess(user, g);
      if (pa) out.push({ name: patrolsDocName(g.id), access: pa });
    }
  }
  for (const t of townIds) {
    const a = partyAccess(user, t);
    if (a) out.push({ name: partyDocName(t), access: a });
    const tr = trainingAccess(user, t);
    if (tr) out.push({ name: trainingDocName(t), access: tr });
    const tk = tasksAccess(user, t);
    if (tk) out.push({ name: tasksDocName(t), access: tk });
    const me = mediationAccess(user, t);
    if (me) out.push({ name: mediationDocName(t), access: me });
  }
  return out;
}

/** The org doc: admins write reference changes, county accounts their one kind (`care.set`); everyone else reads. */
function orgAccess(user: UserInfo): DocAccess {
  return user.role === 'admin' || user.role === 'county' ? 'write' : 'read';
}

/** The year a case belongs to, by its report time in China Standard Time. */
export function caseYear(reportedMs: number): number {
  return new Date(reportedMs + CST_OFFSET_MS).getUTCFullYear();
}

/** The docs a user's device syncs. `years` are the case years kept live (the current and the previous one). */
export function docsForUser(user: UserInfo, townIds: readonly string[], years: readonly number[]): DocGrant[] {
  // Residents never get CRDT access (the org doc holds the user directory, a cases doc everyone's reports): they get
  // the public reference data and their own reports over HTTP (server/reporter.ts, docs/DESIGN.md section 3a).
  if (user.role === 'resident') return [];
  const grants: DocGrant[] = [{ name: ORG_DOC, access: orgAccess(user) }];
  let towns: readonly string[] = [];
  switch (user.role) {
    case 'admin':
    case 'county':
      towns = townIds;
      break;
    case 'unit':
      // A unit may be dispatched cases from any town (county-level units) or its own town.
      towns = user.townId ? [user.townId] : townIds;
      break;
    case 'town':
    case 'worker':
    case 'secretary':
    case 'member':
      towns = user.townId ? [user.townId] : [];
      break;
    case 'trainer':
      towns = [];
  }
  for (const t of towns) for (const y of years) grants.push({ name: casesDocName(t, y), access: 'write' });
  return grants;
}

/** A dispute of a town's summary, as the relay folded it (undefined: no such dispute). */
export type DisputeLookup = (townId: string, disputeId: string) => { readonly mediators: readonly string[] } | undefined;

/** The access a user has to a doc, or null. Dispute docs need `dispute` (without it: refused). */
export function docAccess(user: UserInfo, name: string, townIds: readonly string[], grid?: GridLookup, dispute?: DisputeLookup): DocAccess | null {
  const rec = parseRecordDocName(name);
  if (rec?.kind === 'people') return peopleAccess(user, grid?.(rec.gridId));
  if (rec?.kind === 'idnumbers') return idNumbersAccess(user, grid?.(rec.gridId));
  if (rec?.kind === 'patrols') return patrolsAccess(user, grid?.(rec.gridId));
  if (rec?.kind === 'party') return townIds.includes(rec.townId) ? partyAccess(user, rec.townId) : null;
  if (rec?.kind === 'training') return townIds.includes(rec.townId) ? trainingAccess(user, rec.townId) : null;
  if (rec?.kind === 'tasks') return townIds.includes(rec.townId) ? tasksAccess(user, rec.townId) : null;
  if (rec?.kind === 'taskanswers') return taskAnswersAccess(user, grid?.(rec.gridId));
  if (rec?.kind === 'care') return careAccess(user, grid?.(rec.gridId));
  if (rec?.kind === 'mediation') return townIds.includes(rec.townId) ? mediationAccess(user, rec.townId) : null;
  if (rec?.kind === 'dispute') return townIds.includes(rec.townId) && dispute ? disputeAccess(user, rec.townId, dispute(rec.townId, rec.disputeId)) : null;
  const parsed = parseDocName(name);
  if (!parsed) return null;
  if (parsed.kind === 'org') return user.role === 'resident' ? null : orgAccess(user);
  const grant = docsForUser(user, townIds, [parsed.year]).find((g) => g.name === name);
  return grant?.access ?? null;
}

/** Past case years that may still be opened (synced): the current year and this many before it. */
export const CASE_YEARS_BACK = 4;
/** A next year's doc may be opened this long before it starts (clocks a little ahead at New Year). */
export const CASE_YEAR_AHEAD_MS = 24 * 3600_000;

/**
 * The one rule for which case years exist at a given time: from CASE_YEARS_BACK years before the current year (China
 * time) to the current one, or the next one in its last CASE_YEAR_AHEAD_MS. The relay refuses any other year's
 * `cases.<town>.<year>` (404, server/relay.ts); the device keeps `liveYears` of them live.
 */
export function caseYearOpen(year: number, nowMs: number): boolean {
  return Number.isInteger(year) && year >= caseYear(nowMs) - CASE_YEARS_BACK && year <= caseYear(nowMs + CASE_YEAR_AHEAD_MS);
}

/** Case years a device keeps live at a given time (the current and the previous one: both within `caseYearOpen`). */
export function liveYears(nowMs: number): number[] {
  const y = caseYear(nowMs);
  return [y - 1, y].filter((year) => caseYearOpen(year, nowMs));
}
