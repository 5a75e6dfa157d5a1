/**
 * The grid worker's home (我的任务): first what waits for them (the 核查 count, a link to it), then 上报新案件 as
 * the main action, then the tabs: fixes to verify on site in their grid (verify, or verification failed with a
 * reason; then close; 核实并结案 on the case), their own reports with their status (withdraw while not yet
 * accepted, record the feedback once closed), 居民上报: residents' own reports in their grid (issue 13: their app or
 * Open311, newest first; a report made on a resident's behalf is the reporter's), and 已完成: the grid's closed cases, where a verified case stays
 * findable. Keyboard as on every queue screen (j/k, Enter, d, Esc), plus v = verify.
 */
import { useEffect, useState } from 'preact/hooks';
import { formatNumber, t, type MessageKey } from '../../app/i18n.ts';
import '../../app/locales/queue.zh.ts';
import '../../app/locales/wf.zh.ts';
import { routeHref } from '../../app/router.ts';
import type { CaseRow, Session } from '../../app/services.ts';
import type { EventType } from '../../domain/events.ts';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { ElderSwitch } from '../shell/ElderSwitch.tsx';
import { gridLabel } from '../cases/lookup.ts';
import { QueueView, type QuickAction } from '../workflow/QueueView.tsx';
import { commonKeys, Shortcuts } from '../workflow/Shortcuts.tsx';
import { SupersededBanner } from '../workflow/SupersededBanner.tsx';
import { NotAllowed, QueueTabs, useWorkScreen } from '../workflow/WorkScreen.tsx';
import { FinishedList, useFinished } from '../home/FinishedList.tsx';
import { useDataKnown } from '../workflow/usePaged.ts';
import '../home/home.css';
import { OpenTasksLine } from '../towntasks/OpenTasksLine.tsx';
import { CareTasks, useCareIndex, useDue } from '../care/CareTasks.tsx';
import { useAfterPaint } from '../../ui/useAfterPaint.ts';

// Issue 17: `care`, the households due or overdue for a care visit (features/care/CareTasks.tsx).
export const TASK_TABS = ['verify', 'reports', 'residents', 'care', 'done'] as const;
export type TaskTab = (typeof TASK_TABS)[number];

const VERIFY_OFFERS: readonly EventType[] = ['verified', 'verification_failed', 'closed'];
const REPORT_OFFERS: readonly EventType[] = ['self_resolved', 'closed', 'feedback', 'withdrawn'];

const verifyQuick = (row: CaseRow): QuickAction[] =>
  row.status === 'resolved'
    ? [{ type: 'verified', command: { type: 'verify' }, key: 'v' }]
    : row.status === 'verified'
      ? [{ type: 'closed', command: { type: 'close' }, key: 'c' }]
      : [];

/** 居民上报 (issue 13): a resident's own report in the grid: look, fix on the spot (就地解决), or check the fix. */
const RESIDENT_OFFERS: readonly EventType[] = ['self_resolved', 'verified', 'verification_failed', 'closed'];

const COUNTED = ['to_verify', 'my_reports', 'resident_reports'] as const;

/** Each tab's queue: what its panel and rows offer, its words. */
interface TaskQueue {
  queue: (typeof COUNTED)[number];
  offers: readonly EventType[];
  quick?: (row: CaseRow) => QuickAction[];
  handle: MessageKey;
  empty: MessageKey;
}

const TAB_QUEUES: Record<Exclude<TaskTab, 'done' | 'care'>, TaskQueue> = {
  verify: { queue: 'to_verify', offers: VERIFY_OFFERS, quick: verifyQuick, handle: 'tasks.handleVerify', empty: 'tasks.emptyVerify' },
  reports: { queue: 'my_reports', offers: REPORT_OFFERS, handle: 'tasks.handleReport', empty: 'tasks.emptyReports' },
  residents: { queue: 'resident_reports', offers: RESIDENT_OFFERS, quick: verifyQuick, handle: 'tasks.handleResident', empty: 'tasks.emptyResidents' },
};

const tabOf = (tab: string | undefined): TaskTab => ((TASK_TABS as readonly string[]).includes(tab ?? '') ? (tab as TaskTab) : 'verify');

/** The grid's closed cases (all of them: the tab's count). */
function useClosedCount(session: Session, gridId: string | undefined): number | undefined {
  const version = session.casesVersion.value;
  const [n, setN] = useState<number | undefined>(undefined);
  useEffect(() => {
    if (!gridId) return;
    let live = true;
    session.countCases({ gridId, status: 'closed' }).then(
      (x) => live && setN(x),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [version, gridId]);
  return n;
}

export function WorkerTasks({ session, tab }: { session: Session; tab?: string | undefined }) {
  const org = session.org.value;
  const user = session.user;
  const current = tabOf(tab);
  const { now, help, counts, keys } = useWorkScreen(session, COUNTED);
  const closed = useClosedCount(session, user.gridId);
  const known = useDataKnown(session);
  // The 走访 tab's count folds the grid's people and care docs: on another tab, after that tab's first frame (the
  // count shows as loading until then, as the case queues' counts do).
  const careDue = useDue(useCareIndex(session, useAfterPaint(current === 'care')).index, now);
  if (user.role !== 'worker') return <NotAllowed title={t('tasks.title')} />;
  // "Nothing to check" only once the cases are known (not while the first sync runs).
  const due = counts.to_verify === 0 && !known ? undefined : counts.to_verify;
  const tabName = (x: TaskTab) => (x === 'done' ? t('home.recent') : x === 'care' ? t('care.tab') : t(`tasks.tab.${x}`));
  return (
    <div class="tasks work-screen">
      <ScreenTitle suffix={t('app.name')} tools={<ElderSwitch home />} title={`${t('tasks.title')} · ${tabName(current)}`}>
        {t('tasks.title')}
        {user.gridId ? <span class="title-sub">{gridLabel(org, user.gridId)}</span> : null}
      </ScreenTitle>
      <SupersededBanner session={session} />
      {due === undefined ? null : (
        <p class={due > 0 ? 'home-lead is-due' : 'home-lead'} role="status">
          <span>{due > 0 ? <strong>{t('home.verifyDue', { n: formatNumber(due) })}</strong> : t('home.verifyNone')}</span>
          {due > 0 && current !== 'verify' ? (
            <a class="btn" href={routeHref({ name: 'tasks', tab: 'verify' })}>
              {t('home.verifyGo')}
            </a>
          ) : null}
        </p>
      )}
      <OpenTasksLine session={session} />
      <p class="home-primary">
        <a class="btn btn-primary" href="#/report">
          <span aria-hidden="true">＋</span> {t('tasks.report')}
        </a>{' '}
        {/* issue 17: patrols (a lazy screen; the open patrol, if any, is continued there) */}
        <a class="btn" href="#/patrol">
          {user.gridId && session.records?.patrols(user.gridId)?.open.has(user.id) ? t('tasks.patrolResume') : t('tasks.patrol')}
        </a>
      </p>
      <QueueTabs
        label={t('tasks.tabs')}
        tabs={TASK_TABS}
        current={current}
        href={(x) => routeHref({ name: 'tasks', tab: x })}
        name={tabName}
        count={(x) => (x === 'done' ? closed : x === 'care' ? careDue?.length : counts[TAB_QUEUES[x].queue])}
      />
      {current === 'done' ? (
        <DoneTab session={session} now={now} />
      ) : current === 'care' ? (
        <CareTasks session={session} now={now} />
      ) : (
        <>
          {current === 'residents' ? <p class="hint">{t('tasks.residentsHint')}</p> : null}
          <Shortcuts detailsRef={help} items={[...commonKeys(), { key: 'v', label: t('keys.verify') }, { key: '?', label: t('keys.help') }]} />
          <QueueView
            key={current}
            session={session}
            queue={TAB_QUEUES[current].queue}
            label={tabName(current)}
            now={now}
            offers={TAB_QUEUES[current].offers}
            handleLabel={t(TAB_QUEUES[current].handle)}
            quick={TAB_QUEUES[current].quick}
            showUnit
            emptyText={t(TAB_QUEUES[current].empty)}
            keys={keys}
          />
        </>
      )}
    </div>
  );
}

const DONE_LIMIT = 30;

function DoneTab({ session, now }: { session: Session; now: number }) {
  const gridId = session.user.gridId;
  const rows = useFinished(session, { statuses: ['closed'], ...(gridId ? { filter: { gridId } } : {}), limit: DONE_LIMIT });
  return (
    <section aria-labelledby="done-title">
      <h2 id="done-title" class="visually-hidden">
        {t('home.recent')}
      </h2>
      <p class="hint">{t('home.recentHint')}</p>
      <FinishedList session={session} rows={rows} now={now} label={t('home.recent')} empty={t('home.recentEmpty')} showUnit />
    </section>
  );
}
