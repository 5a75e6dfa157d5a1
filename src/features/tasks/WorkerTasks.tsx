/**
 * The grid worker's tasks (我的任务): fixes to verify on site in their grid (verify, or verification failed with a
 * reason; then close), and their own reports with their status (withdraw while not yet accepted, record the
 * feedback once closed). Keyboard as on every queue screen (j/k, Enter, d, Esc), plus v = verify.
 */
import { t, type MessageKey } from '../../app/i18n.ts';
import '../../app/locales/queue.zh.ts';
import { routeHref } from '../../app/router.ts';
import type { CaseRow, Session } from '../../app/services.ts';
import type { EventType } from '../../domain/events.ts';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { gridLabel } from '../cases/lookup.ts';
import { QueueView, type QuickAction } from '../workflow/QueueView.tsx';
import { commonKeys, Shortcuts } from '../workflow/Shortcuts.tsx';
import { SupersededBanner } from '../workflow/SupersededBanner.tsx';
import { NotAllowed, QueueTabs, useWorkScreen } from '../workflow/WorkScreen.tsx';

export const TASK_TABS = ['verify', 'reports'] as const;
export type TaskTab = (typeof TASK_TABS)[number];

const VERIFY_OFFERS: readonly EventType[] = ['verified', 'verification_failed', 'closed'];
const REPORT_OFFERS: readonly EventType[] = ['self_resolved', 'closed', 'feedback', 'withdrawn'];

const verifyQuick = (row: CaseRow): QuickAction[] =>
  row.status === 'resolved'
    ? [{ type: 'verified', command: { type: 'verify' }, key: 'v' }]
    : row.status === 'verified'
      ? [{ type: 'closed', command: { type: 'close' }, key: 'c' }]
      : [];

const COUNTED = ['to_verify', 'my_reports'] as const;

/** Each tab's queue: what its panel and rows offer, its words. */
interface TaskQueue {
  queue: (typeof COUNTED)[number];
  offers: readonly EventType[];
  quick?: (row: CaseRow) => QuickAction[];
  handle: MessageKey;
  empty: MessageKey;
}

const TAB_QUEUES: Record<TaskTab, TaskQueue> = {
  verify: { queue: 'to_verify', offers: VERIFY_OFFERS, quick: verifyQuick, handle: 'tasks.handleVerify', empty: 'tasks.emptyVerify' },
  reports: { queue: 'my_reports', offers: REPORT_OFFERS, handle: 'tasks.handleReport', empty: 'tasks.emptyReports' },
};

export function WorkerTasks({ session, tab }: { session: Session; tab?: string | undefined }) {
  const org = session.org.value;
  const user = session.user;
  const current: TaskTab = tab === 'reports' ? 'reports' : 'verify';
  const { now, help, counts, keys } = useWorkScreen(session, COUNTED);
  if (user.role !== 'worker') return <NotAllowed title={t('tasks.title')} />;
  const q = TAB_QUEUES[current];
  return (
    <div class="tasks work-screen">
      <ScreenTitle suffix={t('app.name')} title={`${t('tasks.title')} · ${t(`tasks.tab.${current}`)}`}>
        {t('tasks.title')}
        {user.gridId ? <span class="title-sub">{gridLabel(org, user.gridId)}</span> : null}
      </ScreenTitle>
      <SupersededBanner session={session} />
      <QueueTabs
        label={t('tasks.tabs')}
        tabs={TASK_TABS}
        current={current}
        href={(x) => routeHref({ name: 'tasks', tab: x })}
        name={(x) => t(`tasks.tab.${x}`)}
        count={(x) => counts[TAB_QUEUES[x].queue]}
      />
      <p>
        <a class="btn" href="#/report">
          {t('tasks.report')}
        </a>
      </p>
      <Shortcuts
        detailsRef={help}
        items={[...commonKeys(), { key: 'v', label: t('keys.verify') }, { key: '?', label: t('keys.help') }]}
      />
      <QueueView
        key={current}
        session={session}
        queue={q.queue}
        label={t(`tasks.tab.${current}`)}
        now={now}
        offers={q.offers}
        handleLabel={t(q.handle)}
        quick={q.quick}
        showUnit
        emptyText={t(q.empty)}
        keys={keys}
      />
    </div>
  );
}
