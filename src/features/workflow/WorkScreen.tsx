/**
 * What the work screens (the dispatch board, the unit's workspace, the grid worker's tasks) share around their
 * QueueView: the clock, the queue counts kept fresh (the read model, the minute: overdue is a matter of time), the
 * shortcuts disclosure and its "?" key, the tabs of queues with their counts, and the screen for a role that has none.
 */
import { useRef } from 'preact/hooks';
import { formatNumber, t } from '../../app/i18n.ts';
import '../../app/locales/queue.zh.ts';
import type { QueueName, QueueOptions, Session } from '../../app/services.ts';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { SkeletonText } from '../../ui/Skeleton.tsx';
import { useNow } from './now.ts';
import type { ShortcutMap } from './shortcuts.ts';
import { useDataKnown } from './usePaged.ts';
import { useQueueCounts } from './useQueueCounts.ts';

/** `refresh`: more that changes the counts (the board's town). */
export function useWorkScreen<Q extends QueueName>(session: Session, counted: readonly Q[], opts: QueueOptions = {}, refresh = '') {
  const now = useNow(() => session.now());
  const help = useRef<HTMLDetailsElement>(null);
  const known = useDataKnown(session);
  const counts = useQueueCounts(session, counted, opts, `${session.casesVersion.value}|${Math.floor(now / 60_000)}${refresh}`, known);
  /** "?" opens or closes the shortcuts (help: the Shortcuts' detailsRef). */
  const keys: ShortcutMap = {
    '?': () => {
      if (help.current) help.current.open = !help.current.open;
    },
  };
  return { now, help, counts, keys, known };
}

/** A work screen opened by a role it is not for. */
export function NotAllowed({ title }: { title: string }) {
  return (
    <div>
      <ScreenTitle suffix={t('app.name')}>{title}</ScreenTitle>
      <p>{t('app.notAllowed')}</p>
    </div>
  );
}

export interface QueueTabsProps<T extends string> {
  label: string;
  tabs: readonly T[];
  current: T;
  href(tab: T): string;
  name(tab: T): string;
  /** The tab's count, undefined while it is not known (a skeleton then). */
  count(tab: T): number | undefined;
  /** A count that asks for attention (overdue cases). */
  alert?(tab: T): boolean;
  /** The tabs are switched with 1, 2, 3... */
  numbered?: boolean;
}

export function QueueTabs<T extends string>(p: QueueTabsProps<T>) {
  return (
    <nav aria-label={p.label}>
      <ul class="queue-tabs">
        {p.tabs.map((x, i) => {
          const n = p.count(x);
          return (
            <li key={x}>
              <a href={p.href(x)} class="queue-tab" aria-current={x === p.current ? 'page' : undefined} aria-keyshortcuts={p.numbered ? String(i + 1) : undefined}>
                <span>{p.name(x)}</span>
                {n === undefined ? (
                  <span class="queue-count is-loading">
                    <SkeletonText width={2} />
                  </span>
                ) : (
                  <span class={p.alert?.(x) ? 'queue-count is-alert' : 'queue-count'}>
                    {formatNumber(n)}
                    <span class="visually-hidden">{t('board.casesUnit')}</span>
                  </span>
                )}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
