/**
 * What waits for this user now, counted on the read model (works offline), fresh on every change of it: for a grid
 * worker, the cases of their grid waiting for their check on site (核查, the `to_verify` queue). Small on purpose:
 * the shell's nav badge uses it (initial chunk), the worker's home its first line.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Session } from '../../app/services.ts';

export interface DueCounts {
  /** Cases awaiting this user's 核查; undefined while counted or when the role has none. */
  verify?: number;
}

/** The count of cases awaiting this user's 核查 (grid workers), or undefined (not counted yet, or another role). */
export function useVerifyDue(session: Session): number | undefined {
  return useDueCounts(session).verify;
}

export function useDueCounts(session: Session): DueCounts {
  const version = session.casesVersion.value;
  const worker = session.user.role === 'worker';
  const [counts, setCounts] = useState<DueCounts>({});
  useEffect(() => {
    if (!worker) return;
    let live = true;
    session.countQueue('to_verify').then(
      (n) => live && setCounts({ verify: n }),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [version, worker]);
  return counts;
}
