/**
 * A work queue on screen: its count, a windowed list of its cases (fast with hundreds), quick buttons per row, and
 * the side panel that handles the case under the cursor. Shared by the dispatch board, the unit's workspace and the
 * grid worker's tasks. Keyboard (never while typing in a field):
 *   j / k  next / previous case    Enter  open the case    d  handle in the panel    Esc  close the panel
 *   plus each quick action's own key (a = accept on the board...).
 * After an action takes the case out of the queue, focus goes to the case that took its place, so a run of
 * j, a, a, a works through a queue without the mouse.
 */
import '../../app/locales/events.zh.ts';
import '../../app/locales/errors.zh.ts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { actionName, errorText, formatNumber, t } from '../../app/i18n.ts';
import '../../app/locales/detail.zh.ts';
import '../../app/locales/queue.zh.ts';
import type { CaseRow, QueueName, QueueOptions, Session } from '../../app/services.ts';
import type { Command } from '../../domain/commands.ts';
import type { EventType } from '../../domain/events.ts';
import { Alert } from '../../ui/Alert.tsx';
import { SkeletonList, SkeletonText } from '../../ui/Skeleton.tsx';
import { VirtualList } from '../../ui/VirtualList.tsx';
import { categoryLabel } from '../cases/lookup.ts';
import { CasePanel } from './CasePanel.tsx';
import { useListCursor } from './cursor.ts';
import { QueueRow } from './QueueRow.tsx';
import { useShortcuts, type ShortcutMap } from './shortcuts.ts';
import { useDataKnown, usePaged } from './usePaged.ts';

/** A one-click action on a row (no input needed): its event type (for the label) and the command. */
export interface QuickAction {
  type: EventType;
  command: Command;
  /** Single-key shortcut on the focused row. */
  key?: string;
}

export interface QueueViewProps {
  session: Session;
  queue: QueueName;
  opts?: QueueOptions;
  /** Name of the list (its accessible label and the count's words). */
  label: string;
  now: number;
  /** The actions the panel offers (of those allowed now). */
  offers: readonly EventType[];
  /** The row button (and panel heading) for handling a case. */
  handleLabel: string;
  quick?: (row: CaseRow) => QuickAction[];
  checklist?: boolean;
  duplicates?: boolean;
  showUnit?: boolean;
  /** Extra shortcuts of the screen (queue switching...). */
  keys?: ShortcutMap;
  emptyText: string;
}

const ROW_ESTIMATE = 120;

export function QueueView(p: QueueViewProps) {
  const { session, queue, now } = p;
  const org = session.org.value;
  const version = session.casesVersion.value;
  const minute = Math.floor(now / 60_000);
  const opts = p.opts ?? {};
  const key = `${queue}|${opts.townId ?? ''}`;
  const known = useDataKnown(session);
  const paged = usePaged(
    (o, l) => session.queryQueue(queue, o, l, opts),
    () => session.countQueue(queue, opts),
    key,
    `${version}|${minute}`,
    null,
    known,
  );
  const listBox = useRef<HTMLDivElement>(null);
  const cursor = useListCursor(listBox, paged.total ?? 0);
  const [panel, setPanel] = useState<{ id: string; index: number } | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const refocus = useRef(-1);

  // A new queue: no panel, no stale message.
  useEffect(() => {
    setPanel(null);
    setMessage(null);
  }, [key]);

  const focusedIndex = (): number => {
    const li = (document.activeElement as HTMLElement | null)?.closest?.('li[data-index]') as HTMLElement | null;
    return li && listBox.current?.contains(li) ? Number(li.dataset.index) : -1;
  };

  const open = (index: number) => {
    const row = paged.row(index);
    if (!row) return;
    setMessage(null);
    setPanel({ id: row.id, index });
  };

  const closePanel = () => {
    const was = panel;
    setPanel(null);
    if (was) cursor.focusIndex(was.index);
  };

  const runQuick = async (index: number, a: QuickAction) => {
    const row = paged.row(index);
    if (!row) return;
    setMessage(null);
    try {
      const d = await session.act(row.id, a.command);
      if (d.ok) {
        refocus.current = index;
        setMessage({ ok: true, text: t('board.done', { action: actionName(a.type), category: categoryLabel(org, row.category) }) });
      } else {
        setMessage({ ok: false, text: t('detail.failed', { error: errorText(d.error) }) });
      }
    } catch {
      setMessage({ ok: false, text: t('detail.failed', { error: t('error.unexpected') }) });
    }
  };

  const quickKeys: ShortcutMap = {};
  for (const k of ['a', 's', 'v', 'c']) {
    quickKeys[k] = () => {
      const i = focusedIndex();
      const row = i >= 0 ? paged.row(i) : undefined;
      const a = row && p.quick?.(row).find((x) => x.key === k);
      if (a) void runQuick(i, a);
    };
  }

  useShortcuts({
    ...quickKeys,
    ...p.keys,
    j: () => cursor.move(1),
    k: () => cursor.move(-1),
    d: () => {
      const i = focusedIndex();
      if (i >= 0) open(i);
    },
    Escape: () => {
      if (panel) closePanel();
    },
  });

  // After an action removed the focused row from the queue, focus the row that took its place.
  const afterRender = () => {
    const i = refocus.current;
    if (i < 0 || paged.total === null) return;
    if (paged.total === 0) {
      refocus.current = -1;
      return;
    }
    const target = Math.min(i, paged.total - 1);
    if (paged.row(target)) {
      refocus.current = -1;
      cursor.focusIndex(target);
    }
  };
  useEffect(() => {
    if (paged.total === 0) refocus.current = -1;
  }, [paged.total]);

  const total = paged.total;
  // Until the count is known, a 0 may only mean "not synced yet": skeletons, never the empty text. Rows already in
  // the read model are shown meanwhile (they exist), under a count that is not claimed yet.
  const countKnown = paged.totalKnown && total !== null;
  return (
    <div class="queue-view">
      <p class="cases-count" role="status">
        {!countKnown ? (
          <>
            <SkeletonText width={8} />
            <span class="visually-hidden">{t('app.loading')}</span>
          </>
        ) : total === 0 ? (
          p.emptyText
        ) : (
          t('queue.count', { queue: p.label, n: formatNumber(total) })
        )}
      </p>
      <Alert tone={message && !message.ok ? 'error' : 'success'}>{message?.text ?? ''}</Alert>
      <Alert tone="error">{paged.failed ? t('app.screenLoadFailed') : ''}</Alert>
      <div class={panel ? 'queue-main has-panel' : 'queue-main'}>
        {panel && org ? (
          <CasePanel
            key={panel.id}
            session={session}
            org={org}
            id={panel.id}
            now={now}
            title={p.handleLabel}
            offers={p.offers}
            checklist={p.checklist}
            duplicates={p.duplicates}
            onClose={closePanel}
            onDone={(text) => {
              setMessage({ ok: true, text });
              refocus.current = panel.index;
              setPanel(null);
            }}
          />
        ) : null}
        <div class="queue-list" ref={listBox} onFocusIn={(e) => cursor.onFocusIn(e as FocusEvent)}>
          {!total && !countKnown ? <SkeletonList rows={3} /> : null}
          {total ? (
            <VirtualList
              count={total}
              estimate={ROW_ESTIMATE}
              resetKey={key}
              label={p.label}
              class="case-list"
              itemKey={(i) => paged.row(i)?.id ?? `i${i}`}
              onRange={paged.ensure}
              onRendered={afterRender}
              renderItem={(i) => {
                const row = paged.row(i);
                return (
                  <QueueRow row={row} org={org} now={now} showUnit={p.showUnit} session={session}>
                    {row ? (
                      <>
                        {(p.quick?.(row) ?? []).map((a) => (
                          <button
                            key={a.type}
                            type="button"
                            class="btn btn-primary"
                            aria-label={`${actionName(a.type)} · ${categoryLabel(org, row.category)}`}
                            aria-keyshortcuts={a.key}
                            onClick={() => void runQuick(i, a)}
                          >
                            {actionName(a.type)}
                          </button>
                        ))}
                        <button
                          type="button"
                          class="btn"
                          aria-label={`${p.handleLabel} · ${categoryLabel(org, row.category)}`}
                          aria-keyshortcuts="d"
                          aria-expanded={panel?.id === row.id}
                          onClick={() => open(i)}
                        >
                          {p.handleLabel}
                        </button>
                      </>
                    ) : null}
                  </QueueRow>
                );
              }}
            />
          ) : null}
        </div>
      </div>
    </div>
  );
}
