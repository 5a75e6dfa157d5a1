/**
 * The case list of the user's scope: filters (status, grid, category), newest first, windowed.
 * Rows come from the read model page by page (usePaged over session.queryCases by offset/limit, total from
 * countCases), and are fetched again when casesVersion changes. Marks `gl:cases-painted` once the first page is on screen.
 */
import { signal } from '@preact/signals';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { formatNumber, formatTime, localName, statusName, t } from '../../app/i18n.ts';
import { routeHref } from '../../app/router.ts';
import type { CaseFilter, CaseRow, Session } from '../../app/services.ts';
import { STATUSES, type Status } from '../../domain/workflow.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { VirtualList } from '../../ui/VirtualList.tsx';
import { GridOptions } from './GridOptions.tsx';
import { categoryLabel, gridLabel, gridsInScope, lookup, statusTone } from './lookup.ts';
import { usePaged } from '../workflow/usePaged.ts';

export { QUEUE_PAGE as PAGE_SIZE } from '../workflow/usePaged.ts';
/** Estimated row height in px at the default text size; real rows are measured. */
const ROW_ESTIMATE = 104;
export const CASES_PAINTED_MARK = 'gl:cases-painted';

/** The filter outlives the screen (back from a case keeps it), but not the user. */
const savedFilter = signal<{ userId: string; filter: CaseFilter }>({ userId: '', filter: {} });

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
  const memoryKey = `${user.id}|${filterKey}`;
  const restore = useRef(memory.key === memoryKey ? memory : null);
  const { total, failed, row, ensure, loaded } = usePaged(
    (offset, limit) => session.queryCases(filter, offset, limit),
    () => session.countCases(filter),
    filterKey,
    session.casesVersion.value,
    restore.current?.total ?? null,
  );
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

      <p class="cases-count" role="status">
        {total === null ? t('cases.loading') : total === 0 ? t('cases.empty') : t('cases.count', { n: formatNumber(total) })}
      </p>
      <Alert tone="error">{failed ? t('app.screenLoadFailed') : ''}</Alert>

      {total ? (
        <VirtualList
          count={total}
          estimate={ROW_ESTIMATE}
          resetKey={filterKey}
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
      ) : total === 0 && loaded() ? (
        <EmptyMark />
      ) : null}
    </div>
  );
}

function EmptyMark() {
  useEffect(markPainted, []);
  return null;
}

function CaseRowView({ row, session }: { row: CaseRow | undefined; session: Session }) {
  if (!row) return <div class="case-row case-row-loading">{t('cases.rowLoading')}</div>;
  const org = session.org.value;
  return (
    <a class="case-row" href={routeHref({ name: 'case', id: row.id })}>
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
      </span>
    </a>
  );
}
