/**
 * Issue 17: the 考核 cards of grid work the device does not hold (a county center holds no grid's patrol, people or
 * care docs) ask the relay, which folds them with the domain's rules: GET /api/patrols/figures, /api/care/coverage.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Session } from '../../app/services.ts';

/** The assessment's query as GET /api/stats takes it (a town or grid id, CST days). */
export interface GridQuery {
  scope: string;
  from: string;
  to: string;
}

/**
 * The relay's rows for `query` at `path` when `wanted`, asked once per query while the card is shown; null until
 * answered (offline it stays null: the card says the figures come once online).
 */
export function useRelayRows<T>(session: Session, path: string, query: GridQuery | undefined, wanted: boolean, parse: (grids: unknown[]) => T[]): { rows: T[]; atMs: number } | null {
  const [got, setGot] = useState<{ key: string; rows: T[]; atMs: number } | null>(null);
  const key = query ? `${path}|${query.scope}|${query.from}|${query.to}` : '';
  useEffect(() => {
    if (!wanted || !session.api || !query) return;
    let live = true;
    const q = new URLSearchParams({ scope: query.scope, from: query.from, to: query.to });
    void session
      .api(`${path}?${q.toString()}`)
      .then(async (r) => {
        if (!r.ok || !live) return;
        const body = (await r.json()) as { grids: unknown[] };
        if (live) setGot({ key, rows: parse(body.grids), atMs: session.now() });
      })
      .catch(() => {
        // Offline: the card says the figures come once online.
      });
    return () => {
      live = false;
    };
  }, [key, wanted]);
  return got && got.key === key ? got : null;
}

/** Whether this user's 考核 reads grid work from the relay: the county and admins, who hold none of it. */
export const readsGridWorkFromRelay = (session: Session): boolean => session.user.role === 'county' || session.user.role === 'admin';
