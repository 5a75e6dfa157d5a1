/**
 * Starts a session's inbox (src/sync/inbox.ts) with what the screens know: the party needs it holds, the texts of
 * system notifications in the current language (this pack), and the service worker that shows them. Loaded on
 * demand by the session (`Session.inbox`), after the first screen; the inbox screen uses its texts.
 */
import type { ReadonlySignal } from '@preact/signals';
import { localName, t } from './i18n.ts';
import './locales/inbox.zh.ts';
// Dispute types by name (md.type.*) for the mediation items.
import './locales/mediation.zh.ts';
import type { OrgView, UserInfo } from '../domain/org.ts';
import type { InboxCareNeed, InboxDispute, InboxItem, InboxTask } from '../domain/inbox.ts';
import { careNeedsOf } from './careneeds.ts';
import { hlcMs } from '../domain/hlc.ts';
import { gridTasks } from '../domain/towntasks.ts';
import { inboxDisputes } from '../domain/mediation.ts';
import type { RecordsApi } from './records.ts';
import type { UserDb } from '../storage/schema.ts';
import { notificationsAllowed, showThroughServiceWorker, startInbox, type Announcement, type InboxApi } from '../sync/inbox.ts';

export interface SessionInboxDeps {
  user: UserInfo;
  db: UserDb;
  casesVersion: ReadonlySignal<number>;
  org: ReadonlySignal<OrgView | null>;
  /** The people and party records of the session (a signal's value: tracked), once loaded. */
  records: () => RecordsApi | undefined;
  now: () => number;
}

/** The headline of an item (its message key) and what it is about (a subcategory's name or a need's title). */
export function itemTitle(i: InboxItem): string {
  return t(i.text as Parameters<typeof t>[0]);
}
export function itemSubject(i: InboxItem, org: OrgView | null): string {
  if (i.disputeId) return t(`md.type.${i.subject}` as Parameters<typeof t>[0]);
  if (i.kind === 'care_need') return t('inbox.careNeeds', { n: i.subject });
  const sub = i.caseId ? org?.subcategory(i.subject) : undefined;
  return sub ? localName(sub) : i.subject;
}

export function startSessionInbox(d: SessionInboxDeps): InboxApi {
  const describe = (items: readonly InboxItem[], more: number): Announcement[] => {
    const org = d.org.peek();
    const list = items.map((i) => ({ tag: i.id, title: itemTitle(i), body: itemSubject(i, org), url: i.href }));
    if (more > 0) list.push({ tag: 'inbox-more', title: t('inbox.more', { n: more }), body: t('inbox.moreBody'), url: '#/inbox' });
    return list;
  };
  const needs = () => {
    // Read the records' version so that the inbox's effect re-runs on a change of the party docs.
    const r = d.records();
    void r?.version.value;
    return [...(r?.party()?.needs.values() ?? [])];
  };
  // Issue 17: the tasks sent down to a grid worker's grid, with their state for it.
  const tasks = (): InboxTask[] => {
    const r = d.records();
    void r?.version.value;
    const gridId = d.user.role === 'worker' ? d.user.gridId : undefined;
    const state = gridId ? r?.tasks(d.user.townId) : null;
    if (!r || !gridId || !state) return [];
    return gridTasks(state, r.taskAnswers(gridId), gridId, d.now()).map(({ task, progress }) => ({
      id: task.id,
      townId: d.user.townId ?? '',
      title: task.title,
      sentMs: hlcMs(task.sentAt),
      deadlineMs: task.deadlineMs,
      status: progress.status,
    }));
  };
  // Issue 17: the disputes of the mediation summaries this user holds (their town's; the inbox picks theirs).
  const disputes = (): InboxDispute[] => {
    const r = d.records();
    void r?.version.value;
    if (!r) return [];
    return r.mediation.towns().flatMap((townId) => {
      const state = r.mediation.stateOf(townId);
      return state ? inboxDisputes(townId, state) : [];
    });
  };
  // Issue 17: care visits' needs waiting for the village (its secretary holds the village's care docs).
  const careNeeds = (): InboxCareNeed[] => {
    const r = d.records();
    void r?.version.value;
    return r && d.user.role === 'secretary' ? careNeedsOf(r, d.org.value, d.now()) : [];
  };
  const api = startInbox({ ...d, needs, tasks, disputes, careNeeds, describe, show: showThroughServiceWorker, allowed: notificationsAllowed });
  // A click on a notification in an open window: the service worker says where to go (public/sw-notify.js).
  const sw = typeof navigator !== 'undefined' ? navigator.serviceWorker : undefined;
  const onMessage = (e: MessageEvent) => {
    const m = e.data as { type?: unknown; hash?: unknown } | null;
    if (m && m.type === 'gridlink:open' && typeof m.hash === 'string' && /^#\/[\w/?=&.-]*$/.test(m.hash)) location.hash = m.hash;
  };
  sw?.addEventListener('message', onMessage);
  const stop = api.stop;
  return {
    ...api,
    stop() {
      sw?.removeEventListener('message', onMessage);
      stop();
    },
  };
}
