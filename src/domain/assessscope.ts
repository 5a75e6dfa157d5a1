/**
 * Which assessment (考核) scopes a role looks at: the screens' choices and the navigation link. Kept apart from
 * assessment.ts so the shell can ask it without loading the assessment itself (that module loads with the assessment
 * screen, not with the first screen); who may see which scope is assessaccess.ts, for the same reason.
 */
import type { Role } from './org.ts';

export type AssessScope = { kind: 'county' } | { kind: 'town'; townId: string } | { kind: 'unit'; unitId: string } | { kind: 'grid'; gridId: string };

/** The scope kinds a role may look at, in the order a screen offers them (empty: no assessment). */
export function assessKinds(role: Role): Array<AssessScope['kind']> {
  switch (role) {
    case 'county':
    case 'admin':
      return ['county', 'town', 'unit', 'grid'];
    case 'town':
      return ['town', 'unit', 'grid'];
    case 'unit':
      return ['unit'];
    case 'worker':
    case 'secretary':
      return ['grid'];
    default:
      return [];
  }
}
