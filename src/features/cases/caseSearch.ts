/**
 * Text search of the case list (the town center's 搜索案件): description, address, case number and reporter name,
 * over the local read model, so it works offline. The rows of the list's current filter are read once into memory
 * (one indexed read), each with its search text; every keystroke then scans those strings (a few ms for tens of
 * thousands of cases). The index is read again only when the read model changes while a search is shown.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { CaseFilter, CaseRow, OrgView, Session } from '../../app/services.ts';

export interface SearchIndex {
  rows: CaseRow[];
  /** Lower-case, NFKC-normalised search text of each row (same order). */
  texts: string[];
}

const FULL_WIDTH = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/u;

/** Full-width digits and letters as ASCII, lower case: "Ｃ０１" finds "c01" (NFKC only where needed: it is slow). */
export function normalizeText(s: string): string {
  return (FULL_WIDTH.test(s) ? s.normalize('NFKC') : s).toLowerCase();
}

/** The words of a query (all must match, in any field). */
export function queryTerms(q: string): string[] {
  return normalizeText(q).split(/\s+/u).filter(Boolean);
}

export function searchText(row: CaseRow, org: OrgView | null): string {
  const reporter = row.reporter ? (org?.user(row.reporter)?.name ?? '') : '';
  return normalizeText(`${row.id}\n${row.description}\n${row.address ?? ''}\n${reporter}`);
}

export function buildIndex(rows: CaseRow[], org: OrgView | null): SearchIndex {
  return { rows, texts: rows.map((r) => searchText(r, org)) };
}

/** The rows whose text has every term, in the index's order (newest first). */
export function searchIndex(index: SearchIndex, q: string): CaseRow[] {
  const terms = queryTerms(q);
  if (!terms.length) return index.rows;
  const out: CaseRow[] = [];
  const { rows, texts } = index;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    let ok = true;
    for (const t of terms) {
      if (!text.includes(t)) {
        ok = false;
        break;
      }
    }
    if (ok) out.push(rows[i]!);
  }
  return out;
}

/** Upper bound of rows read for the index (far above a county's cases). */
const MAX_ROWS = 1_000_000;

/**
 * The search index of the list's filter, read while `active` (a query is typed), again when the read model
 * changes; the previous index is kept meanwhile. `gen` changes with each new index.
 */
export function useSearchIndex(session: Session, filter: CaseFilter, filterKey: string, active: boolean): { index: SearchIndex | null; gen: number } {
  const version = session.casesVersion.value;
  const org = session.org.value;
  const [state, setState] = useState<{ key: string; index: SearchIndex; gen: number } | null>(null);
  useEffect(() => {
    if (!active) return;
    let live = true;
    session.queryCases(filter, 0, MAX_ROWS).then(
      (rows) => {
        if (!live) return;
        const index = buildIndex(rows, org);
        setState((old) => ({ key: filterKey, index, gen: (old?.gen ?? 0) + 1 }));
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [active, filterKey, version, org]);
  const index = state && state.key === filterKey ? state.index : null;
  return { index, gen: index ? state!.gen : 0 };
}

/** The results of `q` over `index` (null while the index is read). */
export function useSearchResults(index: SearchIndex | null, q: string): CaseRow[] | null {
  return useMemo(() => (index ? searchIndex(index, q) : null), [index, q]);
}
