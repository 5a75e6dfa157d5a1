/**
 * The query strings of the 导出 buttons (issue 15): the relay's scope for a user (the 考核's rule: server/stats.ts,
 * domain mayAssess) and the case list's filters. Pure, unit-tested.
 */
import { assessKinds } from '../../domain/assessscope.ts';
import { liveYears } from '../../domain/docs.ts';
import type { UserInfo } from '../../domain/org.ts';
import { cstDay } from '../../domain/period.ts';
import type { Status } from '../../domain/workflow.ts';

/**
 * The case list's export: its scope is the user's own (county, town, unit, grid); a village secretary, whose list
 * spans several grids, exports the grid chosen in the filter (`needsGrid` until one is). The period is the case
 * years the device holds (liveYears) up to today (CST), so the file has the cases the list shows. Null: the role
 * has no export.
 */
export function caseExportQuery(
  user: Pick<UserInfo, 'role' | 'townId' | 'unitId' | 'gridId'>,
  filter: { status?: Status; gridId?: string; category?: string },
  nowMs: number,
): { query: string; needsGrid: boolean } | null {
  if (!assessKinds(user.role).length) return null;
  const scope =
    user.role === 'county' || user.role === 'admin'
      ? 'county'
      : user.role === 'town'
        ? user.townId
        : user.role === 'unit'
          ? user.unitId
          : user.role === 'worker'
            ? user.gridId
            : filter.gridId;
  const years = liveYears(nowMs);
  const p = new URLSearchParams({ scope: scope ?? '', from: `${years[0] ?? cstDay(nowMs).slice(0, 4)}-01-01`, to: cstDay(nowMs) });
  if (filter.gridId && filter.gridId !== scope) p.set('grid', filter.gridId);
  if (filter.status) p.set('status', filter.status);
  if (filter.category) p.set('category', filter.category);
  return { query: p.toString(), needsGrid: !scope };
}

/** The 考核 screen's export: its scope ("county" or the chosen id) and days (YYYY-MM-DD, `to` included). */
export function statsExportQuery(scope: string, from: string, to: string): string {
  return new URLSearchParams({ scope, from, to }).toString();
}
