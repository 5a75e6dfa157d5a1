/**
 * The inbox screen and the nav badge (issue 13), on the real inbox (src/sync/inbox.ts) over a real user DB
 * (fake-indexeddb) filled from the fake world's folded cases: items grouped by day, newest first, each a link to its
 * case; one read on open, all read; the empty state; the notification switch asks permission only when turned on;
 * the badge counts unread items in the shell's nav.
 */
import { signal } from '@preact/signals';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { itemSubject, itemTitle, startSessionInbox } from '../../src/app/inbox.ts';
import type { InboxApi } from '../../src/app/services.ts';
import { InboxScreen } from '../../src/features/inbox/InboxScreen.tsx';
import { useInboxUnread } from '../../src/features/inbox/useInboxUnread.ts';
import { Shell } from '../../src/features/shell/Shell.tsx';
import { ReadModel, toRecord } from '../../src/storage/readmodel.ts';
import { UserDb } from '../../src/storage/schema.ts';
import { FakeSession, FakeWorld, NOW } from './fake-services.ts';
import { byText, click, mount, mustFind, resetLang, settle, waitFor, type Mounted } from './helpers.ts';
import { HOUR, MIN, report } from './work-helpers.ts';

let n = 0;
const cleanup: Array<() => void> = [];

/** A unit's session whose inbox runs on a real DB holding the world's cases. */
async function unitSession(world: FakeWorld): Promise<{ session: FakeSession; api: InboxApi }> {
  const session = new FakeSession(world, world.user('unit002'));
  const db = new UserDb(`inbox-ui-${Date.now()}-${n++}`);
  await new ReadModel(db).replaceDoc(
    'cases.t01.2025',
    [...world.states().values()].map((s) => toRecord(s, 'cases.t01.2025', false)),
    { doc: '', org: '', acked: '' },
  );
  const api = startSessionInbox({ user: session.user, db, casesVersion: signal(0), org: session.org, records: () => undefined, now: () => NOW });
  cleanup.push(() => {
    api.stop();
    db.close();
  });
  session.inbox = () => Promise.resolve(api);
  return { session, api };
}

function dispatchedWorld(): FakeWorld {
  const world = new FakeWorld();
  const a = report(world, NOW - 22 * HOUR, '昨天派的');
  world.command('town01', a, { type: 'accept' }, NOW - 22 * HOUR + MIN);
  world.command('town01', a, { type: 'dispatch', unitId: 'u002', planId: 'P001' }, NOW - 20 * HOUR);
  const b = report(world, NOW - 2 * HOUR, '今天派的');
  world.command('town01', b, { type: 'accept' }, NOW - 2 * HOUR + MIN);
  world.command('town01', b, { type: 'dispatch', unitId: 'u002', planId: 'P001' }, NOW - HOUR);
  world.command('town01', b, { type: 'supervise', note: '请尽快' }, NOW - 30 * MIN);
  return world;
}

describe('inbox screen', () => {
  let m: Mounted | null = null;
  beforeEach(async () => {
    await resetLang();
    location.hash = '#/inbox';
  });
  afterEach(() => {
    m?.unmount();
    m = null;
    for (const f of cleanup.splice(0)) f();
    vi.unstubAllGlobals();
  });

  it('groups items by day, newest first, each linking to its case; opening one marks it read; then all', async () => {
    const world = dispatchedWorld();
    const { session, api } = await unitSession(world);
    m = await mount(<InboxScreen session={session} />);
    await waitFor(() => m!.root.querySelector('.inbox-list'), 'the list');
    const sections = Array.from(m.root.querySelectorAll('section[aria-labelledby^="inbox-"]:not(.inbox-notify)'));
    expect(sections.map((s) => s.querySelector('h2')!.textContent)).toEqual(['今天', '昨天']);
    const rows = Array.from(m.root.querySelectorAll('.inbox-item'));
    expect(rows.map((r) => r.querySelector('.case-cat')!.textContent)).toEqual(['收到督办', '新派给本单位，待签收', '新派给本单位，待签收']);
    const ids = [...world.states().keys()];
    const today = [...world.states().values()].find((s) => s.description === '今天派的')!.id;
    expect(rows[0]!.querySelector('a')!.getAttribute('href')).toBe(`#/cases/${today}`);
    expect(rows[0]!.textContent).toContain('违章建筑');
    expect(rows[0]!.textContent).toContain('今天派的');
    expect(ids).toContain(today);
    expect(m.root.querySelectorAll('.inbox-item.is-new')).toHaveLength(3);
    expect(mustFind(m.root, '.inbox-head [role="status"]').textContent).toBe('3 条未读');

    await click(rows[1]!.querySelector('a'));
    await waitFor(() => m!.root.querySelectorAll('.inbox-item.is-new').length === 2, 'one read');
    expect(api.unread.value).toBe(2);
    await click(byText(m.root, 'button', '全部标为已读'));
    await waitFor(() => m!.root.querySelectorAll('.inbox-item.is-new').length === 0, 'all read');
    expect(mustFind(m.root, '.inbox-head [role="status"]').textContent).toBe('没有未读消息');
    expect(byText(m.root, 'button', '全部标为已读')).toBeUndefined();
  });

  it('says so when there is nothing, and explains what will come', async () => {
    const { session } = await unitSession(new FakeWorld());
    m = await mount(<InboxScreen session={session} />);
    await waitFor(() => m!.root.querySelector('.empty-state'), 'the empty state');
    expect(mustFind(m.root, '.empty-state').textContent).toContain('暂时没有消息');
  });

  it('asks for notification permission only when the switch is turned on', async () => {
    const requestPermission = vi.fn(async () => 'granted' as NotificationPermission);
    const Fake = { permission: 'default' as NotificationPermission, requestPermission };
    vi.stubGlobal('Notification', Fake);
    const { session, api } = await unitSession(dispatchedWorld());
    m = await mount(<InboxScreen session={session} />);
    const box = await waitFor(() => m!.root.querySelector<HTMLInputElement>('.inbox-switch input'), 'the switch');
    expect(requestPermission).not.toHaveBeenCalled();
    expect(box.checked).toBe(false);
    Fake.permission = 'granted';
    await click(box);
    await waitFor(() => api.notify.value, 'notifications on');
    expect(requestPermission).not.toHaveBeenCalled(); // already granted: nothing to ask
    await click(box);
    await waitFor(() => !api.notify.value, 'notifications off');
    Fake.permission = 'default';
    m.unmount();
    m = await mount(<InboxScreen session={session} />);
    const box2 = await waitFor(() => m!.root.querySelector<HTMLInputElement>('.inbox-switch input'), 'the switch');
    await click(box2);
    await waitFor(() => api.notify.value, 'notifications on after asking');
    expect(requestPermission).toHaveBeenCalledTimes(1);
  });

  it('tells how to allow notifications when the browser blocks them', async () => {
    vi.stubGlobal('Notification', { permission: 'denied', requestPermission: vi.fn() });
    const { session } = await unitSession(dispatchedWorld());
    m = await mount(<InboxScreen session={session} />);
    const box = await waitFor(() => m!.root.querySelector<HTMLInputElement>('.inbox-switch input'), 'the switch');
    expect(box.disabled).toBe(true);
    expect(m.root.textContent).toContain('浏览器已禁止本站的通知');
  });
});

describe('inbox badge in the shell', () => {
  let m: Mounted | null = null;
  afterEach(() => {
    m?.unmount();
    m = null;
    for (const f of cleanup.splice(0)) f();
  });

  function Frame({ session }: { session: FakeSession }) {
    const unread = useInboxUnread(session);
    return (
      <Shell session={session} onLogout={() => {}} badges={{ inbox: unread }}>
        <main />
      </Shell>
    );
  }

  it('shows the unread count on 消息 for every role, and follows marking read', async () => {
    await resetLang();
    const { session, api } = await unitSession(dispatchedWorld());
    m = await mount(<Frame session={session} />);
    const link = mustFind(m.root, 'a[href="#/inbox"]');
    expect(link.textContent).toContain('消息');
    const badge = await waitFor(() => m!.root.querySelector('a[href="#/inbox"] .nav-badge'), 'the badge', 5000);
    expect(badge.textContent).toBe('3 项待处理');
    await api.markAllRead();
    await settle();
    expect(m.root.querySelector('a[href="#/inbox"] .nav-badge')).toBeNull();
  });

  it('every role has the inbox in its navigation', async () => {
    await resetLang();
    const world = new FakeWorld();
    for (const id of ['admin', 'county', 'town01', 'w0001', 'unit002', 'st01v01']) {
      const mm = await mount(
        <Shell session={new FakeSession(world, world.user(id))} onLogout={() => {}}>
          <main />
        </Shell>,
      );
      expect(mm.root.querySelector('a[href="#/inbox"]'), id).not.toBeNull();
      mm.unmount();
    }
  });

  it('names a dispute item by its type and headline, never by an id (issue 17)', () => {
    const item = { id: 'dispute_named:D:1', kind: 'dispute_named' as const, disputeId: '01JD0000000000000000000001', ms: 1, text: 'inbox.kind.dispute_named', subject: 'neighbour', href: '#/mediation/d/01JD0000000000000000000001' };
    expect(itemTitle(item)).toBe('请您参加一件纠纷的调解');
    expect(itemSubject(item, null)).toBe('邻里纠纷');
    expect(itemTitle({ ...item, kind: 'followup_due', text: 'inbox.kind.followup_due' })).toBe('调解协议到了回访日期，请回访');
  });
});
