/**
 * For 我的任务 (src/features/tasks/WorkerTasks.tsx): the grid worker's open tasks sent down in one line, with a link
 * to them (nothing when none). Its own small module, so the worker's home chunk does not carry the task screens.
 */
import { formatDateTime, t } from '../../app/i18n.ts';
import '../../app/locales/towntasks.zh.ts';
import { routeHref } from '../../app/router.ts';
import type { Session } from '../../app/services.ts';
import { gridTasks } from '../../domain/towntasks.ts';

export function OpenTasksLine({ session }: { session: Session }) {
  const records = session.records;
  void records?.version.value;
  const user = session.user;
  if (!records || !user.gridId) return null;
  const tasks = records.tasks(user.townId);
  if (!tasks) return null;
  const list = gridTasks(tasks, records.taskAnswers(user.gridId), user.gridId, session.now());
  const open = list.filter((x) => x.progress.status === 'open' || x.progress.status === 'overdue');
  if (open.length === 0) return null;
  const overdue = open.filter((x) => x.progress.status === 'overdue').length;
  return (
    <p class={overdue > 0 ? 'home-lead is-due' : 'home-lead'}>
      <span>
        <strong>{t('tt.title')}</strong>
        {t('app.colon')}
        {t('tt.openCount', { n: open.length })}
        {' · '}
        {overdue > 0 ? <span class="tt-late">{t('tt.overdueTasks', { n: overdue })}</span> : t('tt.deadline', { time: formatDateTime(Math.min(...open.map((x) => x.task.deadlineMs))) })}
      </span>
      <a class="btn" href={routeHref({ name: 'towntasks' })}>
        {t('tt.go')}
      </a>
    </p>
  );
}

