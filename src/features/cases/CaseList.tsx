/**
 * The case list of the user's scope: a text search (description, address, number, reporter: caseSearch.ts, local,
 * works offline), filters (status, grid, category), newest first, windowed.
 * Rows come from the read model page by page (usePaged over session.queryCases by offset/limit, total from
 * countCases), and are fetched again when casesVersion changes. Marks `gl:cases-painted` once the first page is on screen.
 * Until the session's data is known (first sync), no count and no empty state are shown: skeletons instead.
 */
import '../../app/locales/cases.zh.ts';
import { signal } from '@preact/signals';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { formatNumber, formatTime, localName, statusName, t } from '../../app/i18n.ts';
import '../../app/locales/queue.zh.ts';
import { routeHref } from '../../app/router.ts';
import type { CaseFilter, CaseRow, Session } from '../../app/services.ts';
import { STATUSES, type Status } from '../../domain/statuses.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { SkeletonList, SkeletonRow, SkeletonText } from '../../ui/Skeleton.tsx';
import { VirtualList } from '../../ui/VirtualList.tsx';
import { RowThumbs, VoiceMeta } from '../evidence/Thumb.tsx';
import { useSearchIndex, useSearchResults } from './caseSearch.ts';
import { GridOptions } from './GridOptions.tsx';
import { categoryLabel, gridLabel, gridsInScope, lookup, statusTone } from './lookup.ts';
import { useDataKnown, usePaged } from '../workflow/usePaged.ts';
import { ExportButtons } from '../exports/ExportButtons.tsx';
import { caseExportQuery } from '../exports/queries.ts';
import './caselist.css';

export { QUEUE_PAGE as PAGE_SIZE } from '../workflow/usePaged.ts';
/** Estimated row height in px at the default text size; real rows are measured. */
const ROW_ESTIMATE = 104;
export const CASES_PAINTED_MARK = 'gl:cases-painted';

/** The filter outlives the screen (back from a case keeps it), but not the user. */
const savedFilter = signal<{ userId: string; filter: CaseFilter }>({ userId: '', filter: {} });
/** The search text, kept the same way. */
const savedQuery = signal<{ userId: string; q: string }>({ userId: '', q: '' });
/** Typing pauses this long before the list follows (one scan per pause, not per key). */
const SEARCH_DEBOUNCE_MS = 150;

/**
 * Where the user was when they left the list (opened a case, went to report): coming back restores the
 * scroll position and focuses the case they opened, instead of starting again at the top.
 */
interface ListMemory {
  key: string;
  total: number | null;
  scrollY: number;
  caseId: string;
  rows: { heights: Float64Array };
}
let memory: ListMemory = { key: '', total: null, scrollY: 0, caseId: '', rows: { heights: new Float64Array(0) } };

function markPainted() {
  if (typeof performance === 'undefined' || performance.getEntriesByName(CASES_PAINTED_MARK).length) return;
  // After the next frame has been produced: the rows are painted, not just in the DOM.
  requestAnimationFrame(() =>
    setTimeout(() => {
      if (!performance.getEntriesByName(CASES_PAINTED_MARK).length) performance.mark(CASES_PAINTED_MARK);
    }, 0),
  );
}

export function CaseList({ session }: { session: Session }) {
  const org = session.org.value;
  const user = session.user;
  const saved = savedFilter.value;
  const filter: CaseFilter = saved.userId === user.id ? saved.filter : {};
  const filterKey = JSON.stringify([filter.status ?? '', filter.gridId ?? '', filter.category ?? '']);
  const savedQ = savedQuery.value.userId === user.id ? savedQuery.value.q : '';
  const [input, setInput] = useState(savedQ);
  const q = savedQ.trim();
  useEffect(() => {
    if (input === savedQ) return;
    const id = setTimeout(() => (savedQuery.value = { userId: user.id, q: input }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(id);
  }, [input]);
  const searching = q !== '';
  const { index, gen } = useSearchIndex(session, filter, filterKey, searching);
  const results = useSearchResults(index, q);
  const known = useDataKnown(session);
  const listKey = searching ? `${filterKey}|${q}|${gen}` : filterKey;
  const memoryKey = `${user.id}|${filterKey}|${q}`;
  const restore = useRef(memory.key === memoryKey ? memory : null);
  const { total: pagedTotal, totalKnown, failed, row, ensure, loaded } = usePaged(
    (offset, limit) => (searching ? Promise.resolve(results ? results.slice(offset, offset + limit) : []) : session.queryCases(filter, offset, limit)),
    () => (searching ? Promise.resolve(results?.length ?? 0) : session.countCases(filter)),
    listKey,
    searching ? gen : session.casesVersion.value,
    restore.current?.total ?? null,
    known,
  );
  // A search waits for its index (read once, then every key is a scan in memory).
  const total = searching && !results ? null : pagedTotal;
  const countKnown = total !== null && totalKnown && (!searching || results !== null);
  const listRef = useRef<HTMLDivElement>(null);
  const titleFocus = useRef(!restore.current);
  const openedCase = useRef('');
  const totalRef = useRef(total);
  totalRef.current = total;
  const heightCache = useRef(restore.current?.rows ?? { heights: new Float64Array(0) });

  // Returning: scroll back (the rows' space exists already, from the remembered count) and, once its row is
  // rendered, focus the case that was opened. Give up after a moment so focus never jumps later on.
  const focusUntil = useRef(0);
  useLayoutEffect(() => {
    const r = restore.current;
    if (!r) return;
    window.scrollTo(0, r.scrollY);
    (listRef.current?.querySelector('h1') as HTMLElement | null)?.focus({ preventScroll: true });
    focusUntil.current = r.caseId ? performance.now() + 2000 : 0;
  }, []);
  // Leaving: remember where we were, for this user and this filter.
  useLayoutEffect(
    () => () => {
      memory = { key: memoryKey, total: totalRef.current, scrollY: window.scrollY, caseId: openedCase.current, rows: heightCache.current };
    },
    [memoryKey],
  );

  const focusOpenedCase = () => {
    const r = restore.current;
    if (!r || performance.now() > focusUntil.current) return;
    const link = listRef.current?.querySelector<HTMLElement>(`a[href="${routeHref({ name: 'case', id: r.caseId })}"]`);
    if (link) {
      link.focus({ preventScroll: true });
      focusUntil.current = 0;
    }
  };

  const setFilter = (patch: Partial<CaseFilter>) => {
    const next: CaseFilter = { ...filter, ...patch };
    for (const k of Object.keys(next) as (keyof CaseFilter)[]) if (!next[k]) delete next[k];
    savedFilter.value = { userId: user.id, filter: next };
  };

  const grids = org ? gridsInScope(user, org) : [];
  const l = org ? lookup(org) : null;
  const major = filter.category?.slice(0, 2) ?? '';
  const subs = (major && l?.subsByMajor.get(major)) || [];
  const hasFilter = Boolean(filter.status || filter.gridId || filter.category);
  const clearSearch = () => {
    setInput('');
    savedQuery.value = { userId: user.id, q: '' };
  };

  return (
    <div
      class="cases"
      ref={listRef}
      onClick={(e) => {
        const a = (e.target as HTMLElement).closest?.('a.case-row');
        const m = a ? /#\/cases\/(.+)$/.exec(a.getAttribute('href') ?? '') : null;
        if (m) openedCase.current = decodeURIComponent(m[1]!);
      }}
    >
      <ScreenTitle suffix={t('app.name')} focus={titleFocus.current}>
        {t('cases.title')}
      </ScreenTitle>
      <div role="search" class="case-search">
        <label for="f-q">{t('search.label')}</label>
        <div class="case-search-row">
          <input
            id="f-q"
            type="search"
            value={input}
            autoComplete="off"
            enterKeyHint="search"
            aria-describedby="f-q-hint"
            onInput={(e) => setInput(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape' && input) {
                e.preventDefault();
                clearSearch();
              }
            }}
          />
          {input ? (
            <button type="button" class="btn btn-quiet" onClick={clearSearch}>
              {t('search.clear')}
            </button>
          ) : null}
        </div>
        <p id="f-q-hint" class="hint">
          {t('search.hint')}
        </p>
      </div>
      <section class="filters card" aria-label={t('cases.filters')}>
        <div class="filter">
          <label for="f-status">{t('cases.status')}</label>
          <select id="f-status" value={filter.status ?? ''} onChange={(e) => setFilter({ status: (e.currentTarget.value || undefined) as Status | undefined })}>
            <option value="">{t('cases.all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusName(s)}
              </option>
            ))}
          </select>
        </div>
        {org && grids.length > 1 ? (
          <div class="filter">
            <label for="f-grid">{t('cases.grid')}</label>
            <select id="f-grid" value={filter.gridId ?? ''} onChange={(e) => setFilter({ gridId: e.currentTarget.value || undefined })}>
              <option value="">{t('cases.all')}</option>
              <GridOptions grids={grids} org={org} />
            </select>
          </div>
        ) : null}
        {l ? (
          <div class="filter">
            <label for="f-major">{t('cases.major')}</label>
            <select id="f-major" value={major} onChange={(e) => setFilter({ category: e.currentTarget.value || undefined })}>
              <option value="">{t('cases.all')}</option>
              {[...l.majors.values()].map((m) => (
                <option key={m.code} value={m.code}>
                  {localName(m)}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {major && subs.length ? (
          <div class="filter">
            <label for="f-sub">{t('cases.sub')}</label>
            <select id="f-sub" value={filter.category?.length === 4 ? filter.category : ''} onChange={(e) => setFilter({ category: e.currentTarget.value || major })}>
              <option value="">{t('cases.allOfMajor')}</option>
              {subs.map((s) => (
                <option key={s.code} value={s.code}>
                  {localName(s)}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {hasFilter ? (
          <div class="filter filter-clear">
            <button type="button" class="btn btn-quiet" onClick={() => (savedFilter.value = { userId: user.id, filter: {} })}>
              {t('cases.clear')}
            </button>
          </div>
        ) : null}
      </section>

      <CaseExports session={session} filter={filter} />

      <p class="cases-count" role="status">
        {!countKnown ? (
          <>
            <SkeletonText width={6} />
            <span class="visually-hidden">{searching ? t('search.loading') : t('app.loading')}</span>
          </>
        ) : total === 0 ? (
          searching ? (
            t('search.empty', { q })
          ) : (
            t('cases.empty')
          )
        ) : searching ? (
          t('search.count', { n: formatNumber(total!) })
        ) : (
          t('cases.count', { n: formatNumber(total!) })
        )}
      </p>
      <Alert tone="error">{failed ? t('app.screenLoadFailed') : ''}</Alert>

      {total ? (
        <VirtualList
          count={total}
          estimate={ROW_ESTIMATE}
          resetKey={searching ? `${filterKey}|${q}` : filterKey}
          heightCache={heightCache.current}
          label={t('cases.list')}
          class="case-list"
          itemKey={(i) => row(i)?.id ?? `i${i}`}
          onRange={ensure}
          onRendered={() => {
            if (loaded()) markPainted();
            focusOpenedCase();
          }}
          renderItem={(i) => <CaseRowView row={row(i)} session={session} />}
        />
      ) : countKnown && total === 0 && loaded() ? (
        <EmptyMark />
      ) : !countKnown ? (
        <SkeletonList rows={4} />
      ) : null}
    </div>
  );
}

/** 导出 of the list as filtered (issue 15): the relay applies the same filters (not the search text). */
function CaseExports({ session, filter }: { session: Session; filter: CaseFilter }) {
  const q = caseExportQuery(session.user, filter, session.now());
  if (q === null) return null;
  const files = [
    { label: t('export.xlsx'), path: `/api/exports/cases.xlsx?${q.query}` },
    { label: t('export.csv'), path: `/api/exports/cases.csv?${q.query}` },
    { label: t('export.geojson'), path: `/api/exports/cases.geojson?${q.query}` },
  ];
  return <ExportButtons session={session} files={files} unavailable={q.needsGrid ? t('export.chooseGrid') : ''} note={t('export.searchNote')} />;
}

function EmptyMark() {
  useEffect(markPainted, []);
  return null;
}

function CaseRowView({ row, session }: { row: CaseRow | undefined; session: Session }) {
  const org = session.org.value;
  // Not fetched yet, or no reference data to name its grid (never a raw id).
  if (!row || !org) return <SkeletonRow />;
  return (
    <a class={row.thumb || row.afterThumb ? 'case-row has-thumb' : 'case-row'} href={routeHref({ name: 'case', id: row.id })}>
      <span class="case-row-top">
        <Badge tone={statusTone(row.status)}>{statusName(row.status)}</Badge>
        <span class="case-cat">{categoryLabel(org, row.category)}</span>
        {row.pending ? (
          <Badge tone="pending" title={t('cases.pendingLabel')}>
            {t('cases.pending')}
          </Badge>
        ) : null}
      </span>
      <span class="case-desc">{row.description}</span>
      <span class="case-meta">
        <span>{gridLabel(org, row.gridId)}</span>
        <time dateTime={new Date(row.reportedMs).toISOString()}>{formatTime(row.reportedMs)}</time>
        <VoiceMeta seconds={row.voiceSeconds} />
      </span>
      <RowThumbs session={session} row={row} />
    </a>
  );
}
