/**
 * What a resident (a reporter with no doc access, src/domain/docs.ts) may see, derived by the relay (server/reporter.ts
 * serves it) and by the practice sandbox's local relay (src/sync/practicerelay.ts):
 *
 *  - `publicReference(org)`: the reference data a report needs (towns, villages, grids, categories, subcategories,
 *    units by name) and nothing of the staff directory: no users, no phone numbers, no grid worker ids, no plans.
 *    Served as GET /api/reference with an ETag; the device keeps it in IndexedDB (src/sync/resident.ts).
 *  - `reporterView(state)`: one of the resident's own cases as its reporter may follow it: status, what they reported,
 *    every step that changed the status, the unit's name, the resolution and reasons given to the reporter. Staff
 *    actors, internal notes (a unit's return reason, a failed check's reason), supervision, extensions and
 *    checklists are removed.
 */
import type { CaseEvent } from './events.ts';
import type { OrgData } from './org.ts';
import type { CaseState, TimelineEntry } from './workflow.ts';

export interface PublicReference {
  towns: OrgData['towns'];
  villages: OrgData['villages'];
  /** Grids without their worker (`workerId` is empty). */
  grids: OrgData['grids'];
  categories: OrgData['categories'];
  subcategories: OrgData['subcategories'];
  /** Units by name and level only (no people). */
  units: OrgData['units'];
}

export function publicReference(org: OrgData): PublicReference {
  return {
    towns: org.towns.map(({ id, name, nameEn, center }) => ({ id, name, nameEn, center })),
    villages: org.villages.map(({ id, townId, name, kind }) => ({ id, townId, name, kind })),
    grids: org.grids.map(({ id, villageId, townId, name, center }) => ({ id, villageId, townId, name, workerId: '', center })),
    categories: org.categories.map(({ code, name, nameEn }) => ({ code, name, nameEn })),
    subcategories: org.subcategories.map(({ code, major, name, nameEn }) => ({ code, major, name, nameEn })),
    units: org.units.map(({ id, name, level, townId, categories }) => ({ id, name, level, ...(townId ? { townId } : {}), categories })),
  };
}

/** Timeline steps a reporter sees, with the data fields they may read (others are dropped). */
const SHOWN: Partial<Record<CaseEvent['type'], readonly string[]>> = {
  reported: ['category', 'description', 'location', 'gridId', 'townId', 'address', 'photos', 'voice', 'channel'],
  accepted: [],
  rejected: ['reason'],
  dispatched: ['unitId'],
  acknowledged: [],
  started: [],
  returned: [],
  // Issue 12: the after-photos are the reporter's proof of the fix (not the unit's position: `location`).
  resolved: ['note', 'photos'],
  verification_failed: [],
  self_resolved: ['note', 'photos'],
  verified: [],
  closed: [],
  withdrawn: ['reason'],
  reopened: ['reason'],
  merged: ['intoCaseId'],
  feedback: ['satisfaction', 'note'],
  // 二次回访 (issue 13): that the center called back is the reporter's to see; what staff noted of the call is not.
  revisit_called: [],
};

function redact(e: CaseEvent, reporter: string): CaseEvent {
  const keep = SHOWN[e.type] ?? [];
  const data: Record<string, unknown> = {};
  const src = e.data as unknown as Record<string, unknown>;
  for (const k of keep) if (src[k] !== undefined) data[k] = src[k];
  // Staff who acted are not named to the public (the step and its time are what a reporter follows).
  return { ...e, actor: e.actor === reporter ? e.actor : '', data } as unknown as CaseEvent;
}

export function reporterView(s: CaseState): CaseState {
  const timeline: TimelineEntry[] = s.timeline
    .filter((t) => t.applied && SHOWN[t.event.type] !== undefined)
    .map((t) => ({ event: redact(t.event, s.reporter), applied: true }));
  const out: CaseState = {
    id: s.id,
    status: s.status,
    townId: s.townId,
    gridId: s.gridId,
    category: s.category,
    description: s.description,
    location: s.location,
    photos: s.photos,
    reporter: s.reporter,
    reportedAt: s.reportedAt,
    reportedMs: s.reportedMs,
    updatedAt: s.updatedAt,
    extensionHours: 0,
    checklist: [],
    supervisions: [],
    timeline,
    superseded: [],
  };
  const optional = ['villageId', 'address', 'firstResponseMs', 'unitId', 'resolvedMs', 'verifiedMs', 'closedMs', 'selfResolved', 'satisfaction', 'feedbackMs', 'feedbackNote', 'rejectReason', 'withdrawReason', 'mergedInto', 'resolution', 'voice', 'afterPhotos'] as const;
  const o = out as unknown as Record<string, unknown>;
  for (const k of optional) if (s[k] !== undefined) o[k] = s[k];
  return out;
}
