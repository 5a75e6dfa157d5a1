/**
 * The grid worker's care visits (走访 tab of 我的任务, issue 17): the households of their grid due or overdue for a
 * visit, most urgent first, each a link to record the visit (#/care/<grid>/<household>, CareVisit.tsx). Works
 * offline over the grid's people, care and party docs on the device.
 *
 * Cheap on a cheap phone: the records service folds the docs and builds the care index once per change of them
 * (records.ts `careIndex`); this screen only filters that index for today (`dueList`, O(households)) and renders
 * the list windowed (VirtualList) past LONG rows, so 200 due households paint as fast as 20.
 */
import { useMemo } from 'preact/hooks';
import { formatNumber, formatTime, t } from '../../app/i18n.ts';
import '../../app/locales/care.zh.ts';
import { routeHref } from '../../app/router.ts';
import type { Session } from '../../app/services.ts';
import { careTagName, cstDay, dueList, type CareIndex, type DueItem } from '../../domain/care.ts';
import { Badge } from '../../ui/Badge.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { VirtualList } from '../../ui/VirtualList.tsx';
import './care.css';

/** Above this many rows the list is windowed. */
const LONG = 30;
const ROW_ESTIMATE = 104;

/** The worker's grid's care index (null until the records and the people doc are there, or while not `wanted`). */
export function useCareIndex(session: Session, wanted = true): { gridId: string | undefined; index: CareIndex | null } {
  const records = session.records;
  void records?.version.value;
  void session.org.value;
  const gridId = session.user.gridId;
  return { gridId, index: wanted && records && gridId ? records.careIndex(gridId) : null };
}

/** Households due or overdue today (CST day of `now`). */
export function useDue(index: CareIndex | null, now: number): DueItem[] | null {
  const today = cstDay(now);
  return useMemo(() => (index ? dueList(index, now) : null), [index, today]);
}

export function dueLabel(d: Pick<DueItem, 'status' | 'days'>): string {
  if (d.status === 'overdue') return t('care.overdue', { n: formatNumber(d.days) });
  return d.days === 0 ? t('care.overdueToday') : t('care.dueIn', { n: formatNumber(d.days) });
}

export function lastLabel(d: Pick<DueItem, 'lastMs' | 'lastSource'>, now: number): string {
  if (d.lastMs === undefined) return t('care.never');
  const when = formatTime(d.lastMs, now);
  return d.lastSource === 'party' ? t('care.lastParty', { when }) : d.lastSource === 'people' ? t('care.lastPeople', { when }) : t('care.last', { when });
}

export function CareTasks({ session, now }: { session: Session; now: number }) {
  const { gridId, index } = useCareIndex(session);
  const due = useDue(index, now);
  if (!gridId) return <EmptyState icon="people" text={t('care.none')} />;
  if (!due || !index) return <p class="hint" role="status">{t('care.loading')}</p>;
  const overdue = due.filter((d) => d.status === 'overdue').length;
  const row = (d: DueItem) => <CareRow item={d} gridId={gridId} index={index} now={now} />;
  return (
    <section class="care-tasks" aria-labelledby="care-h">
      <h2 id="care-h" class="visually-hidden">
        {t('care.title')}
      </h2>
      <p class={due.length ? 'home-lead is-due' : 'home-lead'} role="status">
        <span>{due.length ? <strong>{t('care.lead', { overdue: formatNumber(overdue), due: formatNumber(due.length - overdue) })}</strong> : t('care.leadNone')}</span>
      </p>
      <p class="hint">{t('care.hint')}</p>
      {index.entries.length === 0 ? (
        <EmptyState icon="people" text={t('care.none')} />
      ) : due.length > LONG ? (
        <VirtualList count={due.length} estimate={ROW_ESTIMATE} label={t('care.title')} class="case-list care-list" itemKey={(i) => due[i]!.householdId} renderItem={(i) => row(due[i]!)} />
      ) : due.length ? (
        <ul class="case-list care-list" aria-label={t('care.title')}>
          {due.map((d) => (
            <li key={d.householdId}>{row(d)}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function CareRow({ item: d, gridId, index, now }: { item: DueItem; gridId: string; index: CareIndex; now: number }) {
  const tags = d.tags.map((x) => careTagName(index.settings, x)).join('、');
  return (
    <a class="case-row care-row" href={routeHref({ name: 'care', gridId, householdId: d.householdId })} data-household={d.householdId}>
      <span class="case-row-top">
        <strong class="care-head">{d.head}</strong>
        <Badge tone={d.status === 'overdue' ? 'red' : 'amber'}>{dueLabel(d)}</Badge>
        <span class="care-level">{t('care.level', { name: d.level.name, days: formatNumber(d.level.days) })}</span>
      </span>
      <span class="care-address">{d.address}</span>
      <span class="care-meta">
        {tags ? `${tags} · ` : ''}
        {lastLabel(d, now)}
      </span>
    </a>
  );
}
