/**
 * The town center's dispatch board (调度台): eight queues (new, to dispatch, returned, extension requests, overdue,
 * awaiting verification, 二次回访: closed cases rated 不满意, issue 13, and 等待协办: a lead unit waiting for helpers, issue 17) with their counts, each a windowed list that stays fast with hundreds of cases, and a
 * side panel that handles the case under the cursor with the queue's action (accept or reject with possible
 * duplicates to merge, dispatch with the plan's suggestion and checklist, decide an extension, supervise, verify).
 * Keyboard (documented on screen; never while typing in a field):
 *   j / k  next / previous case    Enter  open the case    a  accept (new queue)    d  handle in the panel
 *   Esc    close the panel         1-8    switch queue     ?  show the shortcuts
 * A county user (or admin) picks a town, or works on all of them.
 */
import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../app/i18n.ts';
import '../../app/locales/queue.zh.ts';
import { navigate, routeHref } from '../../app/router.ts';
import type { CaseRow, QueueOptions, Session } from '../../app/services.ts';
import type { EventType } from '../../domain/events.ts';
import { BOARD_QUEUES, type BoardQueue } from '../../domain/queues.ts';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { townLabel } from '../cases/lookup.ts';
import { QueueView, type QuickAction } from '../workflow/QueueView.tsx';
import { commonKeys, Shortcuts } from '../workflow/Shortcuts.tsx';
import { SupersededBanner } from '../workflow/SupersededBanner.tsx';
import { NotAllowed, QueueTabs, useWorkScreen } from '../workflow/WorkScreen.tsx';

/** What the panel offers in each queue (only those allowedActions also gives). */
export const QUEUE_ACTIONS: Record<BoardQueue, readonly EventType[]> = {
  new: ['accepted', 'rejected', 'merged'],
  to_dispatch: ['dispatched'],
  returned: ['dispatched'],
  extension: ['extension_decided'],
  // issue 17: a helping unit holding an overdue case back may be released (协办)
  overdue: ['supervised', 'assist_released'],
  awaiting_verification: ['verified', 'verification_failed'],
  // 二次回访 (issue 13): a follow-up call, or reopen to have it handled again
  revisit: ['revisit_called', 'reopened'],
  // 等待协办 (issue 17): chase the helper (督办) or release it so the lead can resolve
  awaiting_assist: ['assist_released', 'supervised'],
};

/** The row button that opens the panel, per queue. */
const HANDLE_LABEL: Record<BoardQueue, MessageKey> = {
  new: 'board.handle.new',
  to_dispatch: 'board.handle.to_dispatch',
  returned: 'board.handle.returned',
  extension: 'board.handle.extension',
  overdue: 'board.handle.overdue',
  awaiting_verification: 'board.handle.awaiting_verification',
  revisit: 'board.handle.revisit',
  awaiting_assist: 'board.handle.awaiting_assist',
};

export function isBoardQueue(q: string | undefined): q is BoardQueue {
  return (BOARD_QUEUES as readonly string[]).includes(q ?? '');
}

const quickAccept = (row: CaseRow): QuickAction[] => (row.status === 'reported' ? [{ type: 'accepted', command: { type: 'accept' }, key: 'a' }] : []);

/** The town a county user works on, kept for the visit (back from a case returns to the same town). */
let countyTown = '';

export function DispatchBoard({ session, queue }: { session: Session; queue?: string | undefined }) {
  const org = session.org.value;
  const user = session.user;
  const q: BoardQueue = isBoardQueue(queue) ? queue : 'new';
  const multiTown = user.role !== 'town';
  const [townId, setTownIdState] = useState(multiTown ? countyTown : '');
  const opts: QueueOptions = townId ? { townId } : {};
  const { now, help, counts, keys } = useWorkScreen(session, BOARD_QUEUES, opts, `|${townId}`);

  if (user.role !== 'town' && user.role !== 'county' && user.role !== 'admin') return <NotAllowed title={t('board.title')} />;

  const setTownId = (id: string) => {
    countyTown = id;
    setTownIdState(id);
  };

  return (
    <div class="board work-screen">
      <ScreenTitle suffix={t('app.name')} title={`${t('board.title')} · ${t(`queue.${q}`)}`}>
        {t('board.title')}
      </ScreenTitle>
      <SupersededBanner session={session} />
      {multiTown && org ? (
        <div class="filter board-town">
          <label for="board-town">{t('board.town')}</label>
          <select id="board-town" value={townId} onChange={(e) => setTownId(e.currentTarget.value)}>
            <option value="">{t('board.allTowns')}</option>
            {org.data.towns.map((x) => (
              <option key={x.id} value={x.id}>
                {townLabel(org, x.id)}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <QueueTabs
        label={t('board.queues')}
        tabs={BOARD_QUEUES}
        current={q}
        href={(x) => routeHref({ name: 'board', queue: x })}
        name={(x) => t(`queue.${x}`)}
        count={(x) => counts[x]}
        alert={(x) => x === 'overdue' && Boolean(counts[x])}
        numbered
      />
      <Shortcuts
        detailsRef={help}
        items={[...commonKeys(), { key: 'a', label: t('keys.accept') }, { key: `1–${BOARD_QUEUES.length}`, label: t('keys.queues') }, { key: '?', label: t('keys.help') }]}
      />
      <QueueView
        session={session}
        queue={q}
        opts={opts}
        label={t(`queue.${q}`)}
        now={now}
        offers={QUEUE_ACTIONS[q]}
        handleLabel={t(HANDLE_LABEL[q])}
        quick={q === 'new' ? quickAccept : undefined}
        duplicates={q === 'new'}
        showUnit
        emptyText={t('board.empty')}
        keys={{
          ...keys,
          ...Object.fromEntries(BOARD_QUEUES.map((x, i) => [String(i + 1), () => navigate({ name: 'board', queue: x })])),
        }}
      />
    </div>
  );
}
