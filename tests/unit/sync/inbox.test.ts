// The session's inbox (src/sync/inbox.ts) on a real user DB (fake-indexeddb): it reads rows through the indexes,
// keeps the read state in `meta` across a reload, and announces only what is new since notifications were on.
import { signal } from '@preact/signals';
import { afterEach, describe, expect, it } from 'vitest';
import type { CaseEvent } from '../../../src/domain/events.ts';
import { foldCase } from '../../../src/domain/fold.ts';
import type { InboxItem } from '../../../src/domain/inbox.ts';
import { ReadModel, toRecord } from '../../../src/storage/readmodel.ts';
import { UserDb, userDbName } from '../../../src/storage/schema.ts';
import { inboxCases, INBOX_META, startInbox, type Announcement, type InboxApi } from '../../../src/sync/inbox.ts';
import { ev, IDX, T0, user } from '../domain/fixture.ts';
import { freshNs } from './fixtures.ts';

const MIN = 60_000;
const open: Array<{ db: UserDb; inbox?: InboxApi }> = [];
afterEach(() => {
  for (const o of open.splice(0)) {
    o.inbox?.stop();
    o.db.close();
  }
});

const caseId = (n: number) => `01JX00000000000000000000${String(n).padStart(2, '0')}`;
function state(events: CaseEvent[]) {
  const s = foldCase(events, IDX);
  if (!s) throw new Error('no case');
  return s;
}
const dispatchedCase = (n: number, minute = 0) => [
  ev('reported', 'w0001', minute, { caseId: caseId(n) }),
  ev('accepted', 'town01', minute + 1, { caseId: caseId(n) }),
  ev('dispatched', 'town01', minute + 2, { caseId: caseId(n) }),
];

async function dbWith(name: string, histories: CaseEvent[][]): Promise<UserDb> {
  const db = new UserDb(name);
  open.push({ db });
  const rm = new ReadModel(db);
  await rm.replaceDoc(
    'cases.t01.2025',
    histories.map((h) => toRecord(state(h), 'cases.t01.2025', false)),
    { doc: '', org: '', acked: '' },
  );
  return db;
}

function inbox(db: UserDb, userId: string, now: { ms: number }, shown: Announcement[][] = [], allowed = true) {
  const api = startInbox({
    user: user(userId),
    db,
    casesVersion: signal(0),
    needs: () => [],
    now: () => now.ms,
    describe: (items: readonly InboxItem[], more: number) => [
      ...items.map((i) => ({ tag: i.id, title: i.text, body: i.subject, url: i.href })),
      ...(more ? [{ tag: 'more', title: `+${more}`, body: '', url: '#/inbox' }] : []),
    ],
    show: async (a) => void shown.push(a),
    allowed: () => allowed,
    tickMs: 3_600_000,
  });
  open.push({ db, inbox: api });
  return api;
}

describe('session inbox', () => {
  it('reads only the rows of the user scope, through the indexes', async () => {
    const db = await dbWith(userDbName(freshNs('ib'), 'unit002'), [dispatchedCase(1), [ev('reported', 'w0001', 0, { caseId: caseId(2) })]]);
    const unit = await inboxCases(db, user('unit002'), T0 + 10 * MIN);
    expect(unit.map((c) => c.id)).toEqual([caseId(1)]);
    const worker = await inboxCases(db, user('w0001'), T0 + 10 * MIN);
    expect(worker.map((c) => c.id).sort()).toEqual([caseId(1), caseId(2)]);
  });

  it('keeps the read state in meta across a reload; mark one, mark all', async () => {
    const name = userDbName(freshNs('ib'), 'unit002');
    const db = await dbWith(name, [dispatchedCase(1), dispatchedCase(2, 5)]);
    const now = { ms: T0 + 10 * MIN };
    const a = inbox(db, 'unit002', now);
    const v = await a.refresh();
    expect(v.items.map((i) => i.kind)).toEqual(['dispatched', 'dispatched']);
    expect(a.unread.value).toBe(2);
    await a.markRead([v.items[0]!.id]);
    expect(a.unread.value).toBe(1);
    a.stop();
    db.close();

    // Reload: a new DB connection and a new inbox.
    const db2 = new UserDb(name);
    open.push({ db: db2 });
    const b = inbox(db2, 'unit002', now);
    const v2 = await b.refresh();
    expect(Object.keys(v2.read)).toEqual([v.items[0]!.id]);
    expect(b.unread.value).toBe(1);
    await b.markAllRead();
    expect(b.unread.value).toBe(0);
    expect(Object.keys((await db2.meta.get(INBOX_META.read))!.value as object).sort()).toEqual(v.items.map((i) => i.id).sort());
  });

  it('announces new items only when notifications are on and allowed, never what was there before', async () => {
    const name = userDbName(freshNs('ib'), 'unit002');
    const db = await dbWith(name, [dispatchedCase(1)]);
    const now = { ms: T0 + 10 * MIN };
    const shown: Announcement[][] = [];
    const a = inbox(db, 'unit002', now, shown);
    await a.refresh();
    expect(shown).toEqual([]); // off
    await a.setNotify(true);
    await a.refresh();
    expect(shown).toEqual([]); // what was there before is no news
    // A new dispatch arrives.
    await new ReadModel(db).apply('cases.t01.2025', { put: [toRecord(state(dispatchedCase(2, 5)), 'cases.t01.2025', false)], del: [] }, null);
    await a.refresh();
    expect(shown).toEqual([[{ tag: `dispatched:${caseId(2)}:${T0 + 7 * MIN}`, title: 'inbox.kind.dispatched', body: '0604', url: `#/cases/${caseId(2)}` }]]);
    await a.refresh();
    expect(shown).toHaveLength(1); // once
    // Permission withdrawn in the browser: nothing shown.
    const b = inbox(db, 'unit002', now, shown, false);
    await new ReadModel(db).apply('cases.t01.2025', { put: [toRecord(state(dispatchedCase(3, 8)), 'cases.t01.2025', false)], del: [] }, null);
    await b.refresh();
    expect(shown).toHaveLength(1);
  });

  it('summarises a burst of new items in one notification', async () => {
    const db = await dbWith(userDbName(freshNs('ib'), 'unit002'), []);
    const now = { ms: T0 + 60 * MIN };
    const shown: Announcement[][] = [];
    const a = inbox(db, 'unit002', now, shown);
    await a.setNotify(true);
    await a.refresh();
    await new ReadModel(db).apply('cases.t01.2025', { put: [1, 2, 3, 4, 5].map((n) => toRecord(state(dispatchedCase(n, n)), 'cases.t01.2025', false)), del: [] }, null);
    await a.refresh();
    expect(shown).toHaveLength(1);
    expect(shown[0]!.map((x) => x.title)).toEqual(['inbox.kind.dispatched', 'inbox.kind.dispatched', '+3']);
  });
});
