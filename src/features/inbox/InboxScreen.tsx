/**
 * The inbox (`#/inbox`, issue 13): what the user is told about, newest first, grouped by day (今天 / 昨天 / 更早),
 * unread items marked; each item leads to its case (or the party needs) and is marked read when opened; 全部标为已读;
 * and the system-notification switch, which asks the browser's permission only when the user turns it on (never
 * on load). Reads only `session.inbox` (src/sync/inbox.ts). Lazily loaded: not in the first screen's bundle.
 */
import { useEffect, useState } from 'preact/hooks';
import { formatDateTime, formatNumber, formatTime, t } from '../../app/i18n.ts';
import '../../app/locales/inbox.zh.ts';
import type { InboxApi, Session } from '../../app/services.ts';
import type { InboxItem } from '../../domain/inbox.ts';
import { EmptyState, ListSkeleton } from '../../ui/EmptyState.tsx';
import { ScreenTitle } from '../../ui/ScreenTitle.tsx';
import { itemSubject, itemTitle } from '../../app/inbox.ts';
import './inbox.css';

type Group = 'today' | 'yesterday' | 'earlier';

/** The day group of an item at `nowMs` (local days). */
export function dayGroup(ms: number, nowMs: number): Group {
  const day = (x: number) => new Date(x).toDateString();
  if (day(ms) === day(nowMs)) return 'today';
  if (day(ms) === day(nowMs - 24 * 3600_000)) return 'yesterday';
  return 'earlier';
}

type Permission = NotificationPermission | 'unsupported';
const permissionNow = (): Permission => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);

export function InboxScreen({ session }: { session: Session }) {
  const [api, setApi] = useState<InboxApi | null>(null);
  useEffect(() => {
    let live = true;
    void session.inbox?.().then((a) => {
      if (!live) return;
      setApi(a);
      void a.refresh();
    });
    return () => {
      live = false;
    };
  }, [session]);
  const view = api?.view.value ?? null;
  const title = <ScreenTitle suffix={t('app.name')}>{t('inbox.title')}</ScreenTitle>;
  if (!session.inbox) return title;
  const now = session.now();
  const unread = view ? view.items.filter((i) => view.read[i.id] === undefined).length : 0;
  const groups: Array<[Group, InboxItem[]]> = [];
  for (const i of view?.items ?? []) {
    const g = dayGroup(i.ms, now);
    const last = groups[groups.length - 1];
    if (last && last[0] === g) last[1].push(i);
    else groups.push([g, [i]]);
  }
  const org = session.org.value;
  return (
    <div class="inbox">
      {title}
      {!view ? (
        <ListSkeleton label={t('inbox.loading')} />
      ) : (
        <>
          <div class="inbox-head">
            <p role="status">{unread ? t('inbox.unread', { n: formatNumber(unread) }) : t('inbox.allRead')}</p>
            {unread ? (
              <button type="button" class="btn" onClick={() => void api?.markAllRead()}>
                {t('inbox.markAll')}
              </button>
            ) : null}
          </div>
          {view.items.length === 0 ? (
            <EmptyState icon="inbox" text={t('inbox.empty')}>
              <p class="hint">{t('inbox.emptyHint')}</p>
            </EmptyState>
          ) : (
            groups.map(([g, items]) => (
              <section key={g} aria-labelledby={`inbox-${g}`}>
                <h2 id={`inbox-${g}`} class="inbox-day">
                  {t(`inbox.${g}`)}
                </h2>
                <ul class="case-list inbox-list">
                  {items.map((i) => {
                    const isNew = view.read[i.id] === undefined;
                    return (
                      <li key={i.id} class={isNew ? 'inbox-item is-new' : 'inbox-item'}>
                        <a class="case-row" href={i.href} onClick={() => void api?.markRead([i.id])}>
                          <span class="case-row-top">
                            {isNew ? <span class="badge badge-blue">{t('inbox.new')}</span> : null}
                            <span class="case-cat">{itemTitle(i)}</span>
                          </span>
                          <span class="inbox-subject">{itemSubject(i, org)}</span>
                          {i.detail ? <span class="case-desc">{i.detail}</span> : null}
                          <span class="case-meta">
                            {i.dueMs !== undefined ? <span>{t('inbox.due', { time: formatDateTime(i.dueMs) })}</span> : <span>{formatTime(i.ms, now)}</span>}
                          </span>
                        </a>
                      </li>
                    );
                  })}
                </ul>
              </section>
            ))
          )}
        </>
      )}
      {api ? <NotifySwitch api={api} /> : null}
    </div>
  );
}

/** The system-notification switch: turning it on asks the browser's permission (a user gesture), never before. */
function NotifySwitch({ api }: { api: InboxApi }) {
  const [perm, setPerm] = useState<Permission>(permissionNow);
  const on = api.notify.value && perm === 'granted';
  const toggle = async (want: boolean) => {
    if (!want) {
      await api.setNotify(false);
      return;
    }
    let p = permissionNow();
    if (p === 'default') p = await Notification.requestPermission();
    setPerm(p);
    await api.setNotify(p === 'granted');
  };
  return (
    <section class="card inbox-notify" aria-labelledby="inbox-notify-h">
      <h2 id="inbox-notify-h">{t('inbox.notify.title')}</h2>
      {perm === 'unsupported' ? (
        <p>{t('inbox.notify.unsupported')}</p>
      ) : (
        <label class="inbox-switch">
          <input type="checkbox" checked={on} disabled={perm === 'denied'} onChange={(e) => void toggle(e.currentTarget.checked)} />
          <span>{t('inbox.notify.on')}</span>
        </label>
      )}
      {perm === 'denied' ? <p class="alert alert-warning">{t('inbox.notify.denied')}</p> : null}
      <p class="hint">{t('inbox.notify.hint')}</p>
    </section>
  );
}
