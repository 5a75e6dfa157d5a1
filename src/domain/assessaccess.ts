/**
 * Who may see the assessment (考核) of which scope: `/api/stats`'s and the exports' 403, and the report screen. Apart
 * from assessscope.ts, which the first screen's shell loads: a module is bundled whole, so this rule would otherwise
 * load with every first screen.
 */
import { assessKinds, type AssessScope } from './assessscope.ts';
import type { OrgIndex, UserInfo } from './org.ts';

/**
 * Whether `user` may see the assessment of `scope`: the county and admins every scope; a town center its town,
 * its grids and any unit (a county-level unit's work is then its work in that town: the town center holds only its
 * own town's cases); a unit itself; a grid worker their grid; a village secretary the grids of their village.
 * Unknown towns, grids and units are not seen by anyone below the county.
 */
export function mayAssess(user: UserInfo, scope: AssessScope, org: Pick<OrgIndex, 'grid' | 'unit'>): boolean {
  if (!assessKinds(user.role).includes(scope.kind)) return false;
  switch (user.role) {
    case 'county':
    case 'admin':
      return true;
    case 'town':
      if (scope.kind === 'town') return scope.townId === user.townId;
      if (scope.kind === 'grid') return org.grid(scope.gridId)?.townId === user.townId;
      if (scope.kind === 'unit') {
        const unit = org.unit(scope.unitId);
        return unit !== undefined && (unit.townId === undefined || unit.townId === user.townId);
      }
      return false;
    case 'unit':
      return scope.kind === 'unit' && scope.unitId === user.unitId;
    case 'worker':
      return scope.kind === 'grid' && scope.gridId === user.gridId;
    case 'secretary':
      return scope.kind === 'grid' && user.villageId !== undefined && org.grid(scope.gridId)?.villageId === user.villageId;
    default:
      return false;
  }
}
