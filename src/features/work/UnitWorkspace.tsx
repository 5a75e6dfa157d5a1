/**
 * The unit's workspace (我的工作): the cases the unit holds, nearest deadline first, with the time left and due
 * soon / overdue badges; one-click acknowledge (签收) and start (开始处置) on each row; and a panel for the rest:
 * return with a reason, tick the plan's checklist, ask for an extension (hours, reason), resolve.
 * Keyboard as on every queue screen (j/k, Enter, d, Esc), plus a = acknowledge, s = start.
 * Below the work, issue 17: the cases another unit leads and this unit helps on (协办任务: record its part, confirm
 * it), then the unit's finished cases (resolved, verified, closed, as lead or helper), newest change first.
 */
import { formatNumber, t } from '../../app/i18n.ts';
import '../../app/locales/queue.zh.ts';
import '../../app/locales/wf.zh.ts';
import '../../app/locales/cohandle.zh.ts';
import type { CaseRow, Session } from '../../app/services.ts';
import type { EventType } from '../../domain/events.ts';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { unitLabel } from '../cases/lookup.ts';
import { QueueView, type QuickAction } from '../workflow/QueueView.tsx';
import { commonKeys, Shortcuts } from '../workflow/Shortcuts.tsx';
import { SupersededBanner } from '../workflow/SupersededBanner.tsx';
import { NotAllowed, useWorkScreen } from '../workflow/WorkScreen.tsx';
import { FinishedList, useFinished } from '../home/FinishedList.tsx';

export const UNIT_OFFERS: readonly EventType[] = ['acknowledged', 'started', 'resolved', 'extension_requested', 'returned'];
/** Issue 17: what a helping unit does on a case it helps on. */
export const ASSIST_OFFERS: readonly EventType[] = ['assist_recorded', 'assist_confirmed'];

const STARTABLE = new Set(['dispatched', 'acknowledged', 'verification_failed']);

export function unitQuick(row: CaseRow): QuickAction[] {
  const out: QuickAction[] = [];
  if (row.status === 'dispatched') out.push({ type: 'acknowledged', command: { type: 'acknowledge' }, key: 'a' });
  if (STARTABLE.has(row.status)) out.push({ type: 'started', command: { type: 'start' }, key: 's' });
  return out;
}

const COUNTED = ['unit_work', 'overdue'] as const;

const FINISHED_LIMIT = 20;

export function UnitWorkspace({ session }: { session: Session }) {
  const org = session.org.value;
  const user = session.user;
  const { now, help, counts, keys } = useWorkScreen(session, COUNTED);
  const finished = useFinished(session, {
    statuses: ['resolved', 'verified', 'closed'],
    keep: (r) => r.unitId === user.unitId || (r.helpers?.some((h) => h.unitId === user.unitId) ?? false),
    limit: FINISHED_LIMIT,
  });
  if (user.role !== 'unit') return <NotAllowed title={t('work.title')} />;
  return (
    <div class="workspace work-screen">
      <ScreenTitle suffix={t('app.name')}>
        {t('work.title')}
        {user.unitId ? <span class="title-sub">{unitLabel(org, user.unitId)}</span> : null}
      </ScreenTitle>
      <SupersededBanner session={session} />
      {counts.unit_work !== undefined ? (
        <p class="work-summary">
          {t('work.summary', { n: formatNumber(counts.unit_work), overdue: formatNumber(counts.overdue ?? 0) })}
        </p>
      ) : null}
      <Shortcuts
        detailsRef={help}
        items={[...commonKeys(), { key: 'a', label: t('keys.acknowledge') }, { key: 's', label: t('keys.start') }, { key: '?', label: t('keys.help') }]}
      />
      <QueueView
        session={session}
        queue="unit_work"
        label={t('work.list')}
        now={now}
        offers={UNIT_OFFERS}
        handleLabel={t('work.handle')}
        quick={unitQuick}
        checklist
        emptyText={t('work.empty')}
        keys={keys}
      />
      <section class="assist-work" aria-labelledby="assist-title">
        <h2 id="assist-title">{t('work.assist')}</h2>
        <p class="hint">{t('work.assistHint')}</p>
        <QueueView session={session} queue="unit_assist" label={t('work.assist')} now={now} offers={ASSIST_OFFERS} handleLabel={t('work.assistHandle')} emptyText={t('work.assistEmpty')} />
      </section>
      <section class="finished" aria-labelledby="finished-title">
        <h2 id="finished-title">{t('home.finished')}</h2>
        <p class="hint">{t('home.finishedHint', { n: FINISHED_LIMIT })}</p>
        <FinishedList session={session} rows={finished} now={now} label={t('home.finished')} empty={t('home.finishedEmpty')} />
      </section>
    </div>
  );
}
