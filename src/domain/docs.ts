/**
 * Documents and who may sync them. Contract: `org` holds reference data; `cases.<townId>.<year>` holds the event
 * log of the cases reported in that town that year (year in China Standard Time, UTC+8).
 */
import type { UserInfo } from './org.ts';

export type DocAccess = 'read' | 'write';
export interface DocGrant {
  name: string;
  access: DocAccess;
}

export const ORG_DOC = 'org';
const CASES_DOC = /^cases\.(t\d{2})\.(\d{4})$/;
const CST_OFFSET_MS = 8 * 3600 * 1000;

export function casesDocName(townId: string, year: number): string {
  return `cases.${townId}.${year}`;
}

export function parseDocName(name: string): { kind: 'org' } | { kind: 'cases'; townId: string; year: number } | null {
  if (name === ORG_DOC) return { kind: 'org' };
  const m = CASES_DOC.exec(name);
  if (m) return { kind: 'cases', townId: m[1]!, year: Number(m[2]) };
  return null;
}

/** The year a case belongs to, by its report time in China Standard Time. */
export function caseYear(reportedMs: number): number {
  return new Date(reportedMs + CST_OFFSET_MS).getUTCFullYear();
}

/** The docs a user's device syncs. `years` are the case years kept live (the current and the previous one). */
export function docsForUser(user: UserInfo, townIds: readonly string[], years: readonly number[]): DocGrant[] {
  // Residents never get CRDT access (the org doc holds the user directory): they report over HTTP.
  if (user.role === 'resident') return [];
  const grants: DocGrant[] = [{ name: ORG_DOC, access: user.role === 'admin' ? 'write' : 'read' }];
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
      towns = user.townId ? [user.townId] : [];
      break;
    case 'trainer':
      towns = [];
  }
  for (const t of towns) for (const y of years) grants.push({ name: casesDocName(t, y), access: 'write' });
  return grants;
}

/** The access a user has to a doc, or null. */
export function docAccess(user: UserInfo, name: string, townIds: readonly string[]): DocAccess | null {
  const parsed = parseDocName(name);
  if (!parsed) return null;
  if (parsed.kind === 'org') return user.role === 'resident' ? null : user.role === 'admin' ? 'write' : 'read';
  const grant = docsForUser(user, townIds, [parsed.year]).find((g) => g.name === name);
  return grant?.access ?? null;
}

/** Case years a device keeps live at a given time. */
export function liveYears(nowMs: number): number[] {
  const y = caseYear(nowMs);
  return [y - 1, y];
}
