/**
 * The inbox of a session (issue 13), loaded on demand (not in the first screen's bundle): reads the user's rows
 * through the read model's indexes, computes the items with src/domain/inbox.ts, keeps the read state and the
 * notification preference in the user DB's `meta` table (survives reloads; no schema change), and shows a system
 * notification through the service worker for each item that is new since the last check, when the user turned
 * them on and the browser allows it.
 *
 * When it runs: on start, after every change of the read model or of the party docs (debounced), every
 * TICK_MS (due soon and overdue follow the clock), and when the page becomes visible again. It never runs while
 * the app is closed: there is no push server (README).
 *
 * Cost: every query is an index range bounded by the user's scope and the inbox's horizon (a unit's own cases,
 * a grid's last 30 days, a town's overdue and new reports, the user's own reports), each capped at LIMIT rows,
 * so a phone holding thousands of cases reads a few hundred rows at most.
 */
import { effect, signal, type ReadonlySignal } from '@preact/signals';
import { addMarks, HORIZON_MS, inboxItems, isIdTimes, unreadOf, toAnnounce, type IdTimes, type InboxCase, type InboxItem, type InboxDispute, type InboxNeed, type InboxTask, type InboxCareNeed } from '../domain/inbox.ts';
import type { UserInfo } from '../domain/org.ts';
import { getMeta, setMeta } from '../storage/meta.ts';
import { isCaseRecord, selectQueue, toRow } from '../storage/readmodel.ts';
import type { CaseRecord, UserDb } from '../storage/schema.ts';
import type { Collection } from 'dexie';

/** Keys of this module in the `meta` table. */
export const INBOX_META = {
  /** IdTimes: items marked read. */
  read: 'inbox.read',
  /** IdTimes: items already announced as system notifications (absent: never checked with them on). */
  announced: 'inbox.announced',
  /** boolean: the user turned system notifications on (on this device). */
  notify: 'inbox.notify',
} as const;

const LIMIT = 500;
const TICK_MS = 60_000;
const DEBOUNCE_MS = 400;
/** At most this many notifications per check; more new items are announced as one summary. */
const MAX_SHOWN = 3;

export interface InboxView {
  items: InboxItem[];
  read: IdTimes;
}

export interface InboxApi {
  /** The items with the read state, null until first computed. */
  view: ReadonlySignal<InboxView | null>;
  /** Unread items (the nav badge). */
  unread: ReadonlySignal<number>;
  /** The user turned system notifications on (on this device). */
  notify: ReadonlySignal<boolean>;
  refresh(): Promise<InboxView>;
  markRead(ids: readonly string[]): Promise<void>;
  markAllRead(): Promise<void>;
  /** Turn system notifications on or off; on: what is in the inbox now is not announced (only what comes next). */
  setNotify(on: boolean): Promise<void>;
  stop(): void;
}

/** What a system notification says; the service worker (public/sw-notify.js) opens `url` on a click. */
export interface Announcement {
  tag: string;
  title: string;
  body: string;
  url: string;
}

export interface InboxDeps {
  user: UserInfo;
  db: UserDb;
  /** Bumped when the read model changes. */
  casesVersion: ReadonlySignal<number>;
  /** Party needs this user holds (tracked: read inside an effect), or none. */
  needs: () => readonly InboxNeed[];
  /** Issue 17: tasks sent down to this grid worker's grid (tracked like `needs`), or none. */
  tasks?: () => readonly InboxTask[];
  /** Issue 17: the disputes of the mediation summaries this user holds (tracked like `needs`), or none. */
  disputes?: () => readonly InboxDispute[];
  /** Issue 17: the care visits waiting for a need (tracked like `needs`), or none. */
  careNeeds?: () => readonly InboxCareNeed[];
  now: () => number;
  /** Announcement texts (the screen's language), one per item, and one summary when `more` items were left out. */
  describe: (items: readonly InboxItem[], more: number) => Announcement[];
  /** Show system notifications; absent or failing: nothing is shown (the inbox still works). */
  show?: (a: Announcement[]) => Promise<void>;
  /** Whether the browser allows notifications now (Notification.permission === 'granted'). */
  allowed?: () => boolean;
  tickMs?: number;
}

/** The rows the inbox reads for this user at `nowMs`: a handful of bounded index ranges (see the module comment). */
export async function inboxCases(db: UserDb, user: UserInfo, nowMs: number): Promise<InboxCase[]> {
  const since = nowMs - HORIZON_MS;
  const ranges: Array<Collection<CaseRecord, string>> = [];
  const range = (index: string, lo: unknown[], hi: unknown[]) => db.cases.where(index).between(lo, hi, true, true);
  switch (user.role) {
    case 'unit':
      ranges.push(selectQueue(db, 'unit_work', user, nowMs));
      // Issue 17: the cases it helps on (协办) and still owes its part on.
      ranges.push(selectQueue(db, 'unit_assist', user, nowMs));
      break;
    case 'worker':
      ranges.push(selectQueue(db, 'to_verify', user, nowMs));
      ranges.push(range('[gridId+reportedMs]', [user.gridId ?? '', since], [user.gridId ?? '', Infinity]));
      break;
    case 'secretary':
      // No village index: the village's cases of the horizon, through the time index (a town's month at most).
      ranges.push(db.cases.where('reportedMs').above(since).and((r) => r.villageId === user.villageId));
      break;
    case 'town':
      ranges.push(db.cases.where('dueMs').below(nowMs));
      ranges.push(range('[status+reportedMs]', ['reported', -Infinity], ['reported', Infinity]));
      // 二次回访: closed cases whose feedback asked for it (closed in the last three horizons: reported before).
      ranges.push(range('[status+reportedMs]', ['closed', nowMs - 3 * HORIZON_MS], ['closed', Infinity]).and((r) => r.revisitStatus === 'pending'));
      ranges.push(db.cases.where('tags').anyOf('revisit', 'revisit_pending'));
      break;
    case 'resident':
      // A resident's rows are their own reports and those made on their behalf (src/sync/resident.ts).
      ranges.push(db.cases.orderBy('reportedMs').reverse());
      break;
  }
  if (user.role !== 'resident') ranges.push(selectQueue(db, 'my_reports', user, nowMs));
  const seen = new Map<string, InboxCase>();
  const town = user.role === 'town' ? user.townId : undefined;
  for (const c of ranges) {
    for (const r of await c.limit(LIMIT).toArray()) {
      if (!isCaseRecord(r) || seen.has(r.id) || (town && r.townId !== town && r.reporter !== user.id)) continue;
      seen.set(r.id, toRow(r));
    }
  }
  return [...seen.values()];
}

export function startInbox(deps: InboxDeps): InboxApi {
  const { db, user } = deps;
  const view = signal<InboxView | null>(null);
  const unread = signal(0);
  const notify = signal(false);
  let read: IdTimes = {};
  let announced: IdTimes | null = null;
  let stopped = false;
  let loaded: Promise<void> | null = null;
  const load = () =>
    (loaded ??= Promise.all([
      getMeta(db, INBOX_META.read, isIdTimes),
      getMeta(db, INBOX_META.announced, isIdTimes),
      getMeta(db, INBOX_META.notify, (v): v is boolean => typeof v === 'boolean'),
    ]).then(([r, a, n]) => {
      read = r ?? {};
      announced = a ?? null;
      notify.value = n ?? false;
    }));

  const publish = (items: InboxItem[]): InboxView => {
    const v = { items, read };
    view.value = v;
    unread.value = unreadOf(items, read).length;
    return v;
  };

  let running: Promise<InboxView> | null = null;
  let again = false;
  const compute = async (): Promise<InboxView> => {
    await load();
    const now = deps.now();
    const cases = await inboxCases(db, user, now);
    const items = inboxItems({ user, nowMs: now, cases, needs: deps.needs(), tasks: deps.tasks?.() ?? [], disputes: deps.disputes?.() ?? [], careNeeds: deps.careNeeds?.() ?? [] });
    const v = publish(items);
    if (notify.value && (deps.allowed?.() ?? false)) {
      const fresh = toAnnounce(items, read, announced);
      if (fresh.length && deps.show) {
        const shown = fresh.length > MAX_SHOWN ? fresh.slice(0, MAX_SHOWN - 1) : fresh;
        await deps.show(deps.describe(shown, fresh.length - shown.length)).catch(() => undefined);
      }
    }
    if (notify.value) {
      // Everything computed now is known: announced now, or there before notifications were on.
      announced = addMarks(announced ?? {}, items.map((i) => i.id), items, now);
      await setMeta(db, INBOX_META.announced, announced);
    }
    return v;
  };
  const refresh = (): Promise<InboxView> => {
    if (running) {
      again = true;
      return running;
    }
    running = compute().finally(() => {
      running = null;
      if (again && !stopped) {
        again = false;
        void refresh();
      }
    });
    return running;
  };

  let debounce: ReturnType<typeof setTimeout> | null = null;
  const soon = () => {
    if (stopped) return;
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = null;
      void refresh().catch((e: unknown) => console.error('gridlink: inbox failed', e));
    }, DEBOUNCE_MS);
  };
  // Re-run on a change of the rows or the party docs (both read here so the effect tracks them).
  const dispose = effect(() => {
    void deps.casesVersion.value;
    deps.needs();
    deps.tasks?.();
    deps.disputes?.();
    deps.careNeeds?.();
    soon();
  });
  const tick = setInterval(soon, deps.tickMs ?? TICK_MS);
  const onVisible = () => {
    if (document.visibilityState === 'visible') soon();
  };
  if (typeof document !== 'undefined') document.addEventListener('visibilitychange', onVisible);

  const current = () => view.peek()?.items ?? [];
  return {
    view,
    unread,
    notify,
    refresh,
    async markRead(ids) {
      await load();
      read = addMarks(read, ids, current(), deps.now());
      await setMeta(db, INBOX_META.read, read);
      publish(current());
    },
    async markAllRead() {
      await load();
      read = addMarks(read, current().map((i) => i.id), current(), deps.now());
      await setMeta(db, INBOX_META.read, read);
      publish(current());
    },
    async setNotify(on) {
      await load();
      if (on) {
        // What is in the inbox now is not news: only items that come after this are announced. Set before the
        // switch turns on, with no wait between, so a check running meanwhile never finds the switch on and no baseline.
        const items = current();
        announced = addMarks(announced ?? {}, items.map((i) => i.id), items, deps.now());
      }
      notify.value = on;
      await setMeta(db, INBOX_META.notify, on);
      if (on && announced) await setMeta(db, INBOX_META.announced, announced);
    },
    stop() {
      stopped = true;
      dispose();
      clearInterval(tick);
      if (debounce) clearTimeout(debounce);
      if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', onVisible);
    },
  };
}

/** Show announcements through the service worker's registration (a click opens the app at `url`: sw-notify.js). */
export async function showThroughServiceWorker(list: readonly Announcement[]): Promise<void> {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  const reg = await Promise.race([navigator.serviceWorker.ready, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
  if (!reg) return;
  for (const a of list) await reg.showNotification(a.title, { body: a.body, tag: a.tag, data: { url: a.url }, icon: '/icon-192.png', badge: '/icon-192.png' });
}

export const notificationsAllowed = (): boolean => typeof Notification !== 'undefined' && Notification.permission === 'granted';
