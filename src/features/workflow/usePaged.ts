/**
 * Rows of a list, page by page, for a windowed list (the case list, the work queues): the pages the list shows are
 * fetched (`fetch`: session.queryCases / queryQueue by offset/limit), the count separately (`count`). When
 * `refresh` changes (the read model's version; for a queue also the minute: overdue is a matter of time), the
 * visible pages and the count are fetched again while the old rows stay on screen; a new `key` (another filter,
 * another queue, another town) starts again from the first page. `initialTotal` (a remembered count, coming back
 * to the same list) is shown until the first count arrives, so the layout stays put.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { taskListUsable, type CaseRow, type Session, type SyncStatus } from '../../app/services.ts';

/** Sessions whose data has been known once: it stays known (a reconnect does not bring the skeletons back). */
const knownSessions = new WeakSet<object>();

/**
 * The read model shows the server's data (synced this session, or a first sign-in's head start: the worker's open
 * work, `taskListUsable`), or all there is to know (offline, sign-in expired).
 */
export function dataKnown(s: SyncStatus): boolean {
  return taskListUsable(s) || (s.ready && (s.connection === 'offline' || s.authExpired));
}

/**
 * True once the session's counts and empty states can be believed: until then a 0 or "no cases" may only mean
 * "not synced yet", and the screens show skeletons instead (rows already in the read model may be shown).
 */
export function useDataKnown(session: Session): boolean {
  const s = session.status.value;
  if (knownSessions.has(session)) return true;
  if (!dataKnown(s)) return false;
  knownSessions.add(session);
  return true;
}

export const QUEUE_PAGE = 50;

interface Store {
  gen: number;
  pages: Map<number, CaseRow[]>;
  stale: Set<number>;
  inflight: Map<number, number>;
  range: [number, number];
}

export interface Paged {
  total: number | null;
  /** `total` was counted once the data was known (`known`): a 0 then means empty. */
  totalKnown: boolean;
  failed: boolean;
  row(i: number): CaseRow | undefined;
  ensure(start: number, end: number): void;
  /** True once the first page has arrived. */
  loaded(): boolean;
}

export function usePaged(
  fetch: (offset: number, limit: number) => Promise<CaseRow[]>,
  count: () => Promise<number>,
  key: string,
  refresh: unknown,
  initialTotal: number | null = null,
  known = true,
): Paged {
  const st = useRef<Store>({ gen: 0, pages: new Map(), stale: new Set(), inflight: new Map(), range: [0, QUEUE_PAGE] });
  const [total, setTotal] = useState<number | null>(initialTotal);
  // A remembered count (coming back to a list in a session whose data is known) stays known.
  const [totalKnown, setTotalKnown] = useState(known && initialTotal !== null);
  const knownRef = useRef(known);
  knownRef.current = known;
  const [failed, setFailed] = useState(false);
  const [, setTick] = useState(0);
  const s = st.current;

  const fetchPage = (p: number) => {
    const gen = s.gen;
    if (s.inflight.get(p) === gen) return;
    s.inflight.set(p, gen);
    fetch(p * QUEUE_PAGE, QUEUE_PAGE).then(
      (rows) => {
        if (s.gen !== gen) return;
        s.inflight.delete(p);
        s.pages.set(p, rows);
        s.stale.delete(p);
        setTick((n) => n + 1);
      },
      () => {
        if (s.gen !== gen) return;
        s.inflight.delete(p);
        setFailed(true);
      },
    );
  };

  const ensure = (start: number, end: number) => {
    s.range = [start, end];
    const last = Math.max(start, end - 1);
    for (let p = Math.floor(start / QUEUE_PAGE); p <= Math.floor(last / QUEUE_PAGE); p++) {
      if (!s.pages.has(p) || s.stale.has(p)) fetchPage(p);
    }
  };

  const recount = () => {
    const gen = s.gen;
    const wasKnown = knownRef.current;
    count().then(
      (n) => {
        if (s.gen !== gen) return;
        setTotal(n);
        if (wasKnown) setTotalKnown(true);
      },
      () => {
        if (s.gen === gen) setFailed(true);
      },
    );
  };

  useEffect(() => {
    // gen is 0 only on the first run: then a remembered count (initialTotal) stays while it is counted again.
    if (s.gen++) {
      setTotal(null);
      setTotalKnown(false);
    }
    s.pages.clear();
    s.stale.clear();
    s.inflight.clear();
    setFailed(false);
    recount();
    ensure(0, QUEUE_PAGE);
  }, [key]);

  // Counted again when the data becomes known (the count before may be of a read model still syncing).
  const refreshKey = `${String(refresh)}|${known}`;
  const seen = useRef(refreshKey);
  useEffect(() => {
    if (seen.current === refreshKey) return;
    seen.current = refreshKey;
    s.gen++;
    s.inflight.clear();
    const [start, end] = s.range;
    const first = Math.floor(start / QUEUE_PAGE);
    const last = Math.floor(Math.max(start, end - 1) / QUEUE_PAGE);
    for (const p of [...s.pages.keys()]) {
      if (p < first || p > last) s.pages.delete(p);
      else s.stale.add(p);
    }
    recount();
    ensure(start, end);
  }, [refreshKey]);

  return {
    total,
    totalKnown,
    failed,
    row: (i) => s.pages.get(Math.floor(i / QUEUE_PAGE))?.[i % QUEUE_PAGE],
    ensure,
    loaded: () => s.pages.has(0),
  };
}
