/**
 * Rows of a queue, page by page, for a windowed list: the pages the list shows are fetched (session.queryQueue by
 * offset/limit), the count separately (countQueue). When the read model changes (`version`) or the minute turns
 * (`tick`: overdue is a matter of time), the visible pages and the count are fetched again while the old rows stay
 * on screen; a new `key` (another queue, another town) starts again from the first page.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CaseRow } from '../../app/services.ts';

export const QUEUE_PAGE = 50;

export interface PagedSource {
  fetch(offset: number, limit: number): Promise<CaseRow[]>;
  count(): Promise<number>;
}

interface Store {
  gen: number;
  pages: Map<number, CaseRow[]>;
  stale: Set<number>;
  inflight: Map<number, number>;
  range: [number, number];
}

export interface Paged {
  total: number | null;
  failed: boolean;
  row(i: number): CaseRow | undefined;
  ensure(start: number, end: number): void;
  /** True once the first page has arrived (or the queue is empty). */
  loaded: boolean;
}

export function usePaged(source: PagedSource, key: string, refresh: unknown): Paged {
  const st = useRef<Store>({ gen: 0, pages: new Map(), stale: new Set(), inflight: new Map(), range: [0, QUEUE_PAGE] });
  const src = useRef(source);
  src.current = source;
  const [total, setTotal] = useState<number | null>(null);
  const [failed, setFailed] = useState(false);
  const [, setTick] = useState(0);
  const s = st.current;

  const fetchPage = (p: number) => {
    const gen = s.gen;
    if (s.inflight.get(p) === gen) return;
    s.inflight.set(p, gen);
    src.current.fetch(p * QUEUE_PAGE, QUEUE_PAGE).then(
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
    src.current.count().then(
      (n) => {
        if (s.gen === gen) setTotal(n);
      },
      () => {
        if (s.gen === gen) setFailed(true);
      },
    );
  };

  useEffect(() => {
    s.gen++;
    s.pages.clear();
    s.stale.clear();
    s.inflight.clear();
    setTotal(null);
    setFailed(false);
    recount();
    ensure(0, QUEUE_PAGE);
  }, [key]);

  const seen = useRef(refresh);
  useEffect(() => {
    if (Object.is(seen.current, refresh)) return;
    seen.current = refresh;
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
  }, [refresh]);

  return {
    total,
    failed,
    row: (i) => s.pages.get(Math.floor(i / QUEUE_PAGE))?.[i % QUEUE_PAGE],
    ensure,
    loaded: total === 0 || s.pages.has(0),
  };
}
