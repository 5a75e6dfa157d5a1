/**
 * The grid worker's tasks (我的任务): fixes to verify on site in their grid (verify, or verification failed with a
 * reason; then close), and their own reports with their status (withdraw while not yet accepted, record the
 * feedback once closed). Keyboard as on every queue screen (j/k, Enter, d, Esc), plus v = verify.
 */
import { useRef } from 'preact/hooks';
import { formatNumber, t } from '../../app/i18n.ts';
import '../../app/locales/queue.zh.ts';
import { routeHref } from '../../app/router.ts';
import type { CaseRow, Session } from '../../app/services.ts';
import type { EventType } from '../../domain/events.ts';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { gridLabel } from '../cases/lookup.ts';
import { useNow } from '../workflow/now.ts';
import { QueueView, type QuickAction } from '../workflow/QueueView.tsx';
import { commonKeys, Shortcuts } from '../workflow/Shortcuts.tsx';
import { SupersededBanner } from '../workflow/SupersededBanner.tsx';
import { useQueueCounts } from '../workflow/useQueueCounts.ts';

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

export function WorkerTasks({ session, tab }: { session: Session; tab?: string | undefined }) {
  const org = session.org.value;
  const user = session.user;
  const now = useNow(() => session.now());
  const help = useRef<HTMLDetailsElement>(null);
  const current: TaskTab = tab === 'reports' ? 'reports' : 'verify';
  const counts = useQueueCounts(session, COUNTED, {}, `${session.casesVersion.value}|${Math.floor(now / 60_000)}`);
  if (user.role !== 'worker') {
    return (
      <div>
        <ScreenTitle suffix={t('app.name')}>{t('tasks.title')}</ScreenTitle>
        <p>{t('app.notAllowed')}</p>
      </div>
    );
  }
  const count = (q: (typeof COUNTED)[number]) => (counts[q] === undefined ? '…' : formatNumber(counts[q]));
  return (
    <div class="tasks work-screen">
      <ScreenTitle suffix={t('app.name')} title={`${t('tasks.title')} · ${t(`tasks.tab.${current}`)}`}>
        {t('tasks.title')}
        {user.gridId ? <span class="title-sub">{gridLabel(org, user.gridId)}</span> : null}
      </ScreenTitle>
      <SupersededBanner session={session} />
      <nav aria-label={t('tasks.tabs')}>
        <ul class="queue-tabs">
          {TASK_TABS.map((x) => (
            <li key={x}>
              <a href={routeHref({ name: 'tasks', tab: x })} class="queue-tab" aria-current={x === current ? 'page' : undefined}>
                <span>{t(`tasks.tab.${x}`)}</span>
                <span class="queue-count">
                  {count(x === 'verify' ? 'to_verify' : 'my_reports')}
                  <span class="visually-hidden">{t('board.casesUnit')}</span>
                </span>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <p>
        <a class="btn" href="#/report">
          {t('tasks.report')}
        </a>
      </p>
      <Shortcuts
        detailsRef={help}
        items={[...commonKeys(), { key: 'v', label: t('keys.verify') }, { key: '?', label: t('keys.help') }]}
      />
      {current === 'verify' ? (
        <QueueView
          key="verify"
          session={session}
          queue="to_verify"
          label={t('tasks.tab.verify')}
          now={now}
          offers={VERIFY_OFFERS}
          handleLabel={t('tasks.handleVerify')}
          quick={verifyQuick}
          showUnit
          emptyText={t('tasks.emptyVerify')}
          keys={{ '?': () => help.current && (help.current.open = !help.current.open) }}
        />
      ) : (
        <QueueView
          key="reports"
          session={session}
          queue="my_reports"
          label={t('tasks.tab.reports')}
          now={now}
          offers={REPORT_OFFERS}
          handleLabel={t('tasks.handleReport')}
          showUnit
          emptyText={t('tasks.emptyReports')}
          keys={{ '?': () => help.current && (help.current.open = !help.current.open) }}
        />
      )}
    </div>
  );
}
