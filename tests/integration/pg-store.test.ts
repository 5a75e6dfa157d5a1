// Issue 16: the PostgreSQL store behind the synchronous Store API (server/store.ts, server/db.ts): per-doc seqs as
// the serialisation point, compaction against concurrent appends, catch-up reads, and the tables every HTTP module
// shares. Runs only where PostgreSQL and pg-native are available (tests/support/pgtest.ts).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BackupError, createBackup, PG_BACKUP_REFUSAL } from '../../server/backup.ts';
import { quietLogger } from '../../server/log.ts';
import { UpdateListener } from '../../server/pgnotify.ts';
import { ACCOUNTS_REV_META, isSeqConflict, Store, type StoredUser } from '../../server/store.ts';
import { createTestDatabase, pgAvailable, pgQuery, type TestDatabase } from '../support/pgtest.ts';

const DOC = 'cases.t01.2026';
function update(text: string): Uint8Array {
  const d = new Y.Doc();
  d.getArray('events').push([{ id: text }]);
  return Y.encodeStateAsUpdate(d);
}

describe.skipIf(!pgAvailable())('the PostgreSQL store', () => {
  let db: TestDatabase;
  let a: Store;
  let b: Store;
  beforeAll(() => {
    db = createTestDatabase();
    // Two stores on one database: two relays.
    a = new Store('/nonexistent', { databaseUrl: db.url });
    b = new Store('/nonexistent', { databaseUrl: db.url });
  });
  afterAll(() => {
    a?.close();
    b?.close();
    db?.drop();
  });

  it('is shared, has no SQLite handle, and starts empty', () => {
    expect(a.shared).toBe(true);
    expect(a.sqlite).toBeNull();
    expect(a.isEmpty()).toBe(true);
  });

  it('is not backed up by the SQLite backup command, which says to use pg_dump instead', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gridlink-pgbackup-'));
    try {
      await expect(createBackup({ dataDir: out, outDir: out, store: a })).rejects.toThrow(new BackupError(PG_BACKUP_REFUSAL));
      expect(readdirSync(out)).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('gives each doc its own seqs; a seq another store took fails the whole commit', () => {
    expect(a.appendUpdates([{ doc: DOC, update: update('e1'), reportedCaseIds: ['c1'], blobRefs: [], seq: 1 }])).toEqual([1]);
    let err: unknown;
    try {
      b.appendUpdates([
        { doc: 'cases.t02.2026', update: update('x'), reportedCaseIds: ['c9'], blobRefs: [], seq: 1 },
        { doc: DOC, update: update('e1-again'), reportedCaseIds: ['c2'], blobRefs: [], seq: 1 },
      ]);
    } catch (e) {
      err = e;
    }
    expect(isSeqConflict(err)).toBe(true);
    // Nothing of the failed commit: neither the other doc's row nor its case index rows.
    expect(b.hasDoc('cases.t02.2026')).toBe(false);
    expect(b.caseDoc('c9')).toBeUndefined();
    expect(b.caseDoc('c1')).toBe(DOC);
    // Caught up, it commits after a's row.
    const since = b.readSince(DOC, 0);
    expect(since.updates.map((u) => u.seq)).toEqual([1]);
    expect(b.appendUpdates([{ doc: DOC, update: update('e2'), reportedCaseIds: [], blobRefs: [], seq: since.seq + 1 }])).toEqual([2]);
  });

  it('a compaction keeps every row; a stale writer cannot reuse a compacted seq; a reader behind gets the snapshot', () => {
    expect(a.compact(DOC)).toBe(2);
    expect(a.loadDoc(DOC)).toMatchObject({ updates: [], seq: 2 });
    let err: unknown;
    try {
      // Deleted by the compaction, so the primary key alone would not stop it: gridlink_append does.
      b.appendUpdates([{ doc: DOC, update: update('late'), reportedCaseIds: [], blobRefs: [], seq: 2 }]);
    } catch (e) {
      err = e;
    }
    expect(isSeqConflict(err)).toBe(true);
    const behind = b.readSince(DOC, 1);
    expect(behind.snapshot).not.toBeNull();
    expect(behind.seq).toBe(2);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, behind.snapshot!);
    expect(doc.getArray('events').toArray()).toHaveLength(2);
    expect(b.readSince(DOC, 2)).toMatchObject({ snapshot: null, updates: [], seq: 2 });
    expect(b.heads([DOC, 'nothing'])).toEqual(new Map([[DOC, 2]]));
  });

  it('notifies other relays at commit with only doc and seq, and a failed commit notifies nothing', async () => {
    const got: string[] = [];
    const listener = new UpdateListener(db.url, (doc, seq) => got.push(`${doc}:${seq}`), () => undefined, () => undefined, quietLogger);
    await listener.start();
    try {
      expect(() => b.appendUpdates([{ doc: DOC, update: update('stale'), reportedCaseIds: [], blobRefs: [], seq: 1 }])).toThrow();
      a.appendUpdates([
        { doc: 'party.t01v01', update: update('p1'), reportedCaseIds: [], blobRefs: [], seq: 1 },
        { doc: 'party.t01v01', update: update('p2'), reportedCaseIds: [], blobRefs: [], seq: 2 },
      ]);
      for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((done) => setTimeout(done, 50));
      expect(got).toEqual(['party.t01v01:2']);
    } finally {
      await listener.close();
    }
  });

  it('an account change that may invalidate tokens notifies every relay at commit with the user id and counts it; others do not', async () => {
    const accounts: string[] = [];
    const listener = new UpdateListener(db.url, () => undefined, (id) => accounts.push(id), () => undefined, quietLogger);
    await listener.start();
    try {
      const rev = () => Number(b.getMeta(ACCOUNTS_REV_META) ?? 0);
      a.insertUsers([{ id: 'w77', username: 'w77', name: '网格员', role: 'worker', passwordHash: 'h' }]);
      const before = rev();
      expect(a.setPassword('w77', 'h2', false)).toBe(true);
      // A change of name only keeps every token: nothing is sent or counted.
      a.db.prepare('UPDATE users SET name = ? WHERE id = ?').run('网格员甲', 'w77');
      a.db.prepare('UPDATE users SET disabled = 1 WHERE id = ?').run('w77');
      // A rolled-back change notifies nothing.
      expect(() =>
        a.transaction(() => {
          a.db.prepare("UPDATE users SET role = 'town' WHERE id = ?").run('w77');
          throw new Error('rolled back');
        }),
      ).toThrow('rolled back');
      a.db.prepare('DELETE FROM users WHERE id = ?').run('w77');
      for (let i = 0; i < 100 && accounts.length < 3; i++) await new Promise((done) => setTimeout(done, 50));
      await new Promise((done) => setTimeout(done, 100));
      expect(accounts).toEqual(['w77', 'w77', 'w77']);
      expect(rev()).toBe(before + 3);
    } finally {
      await listener.close();
    }
  });

  it('users: usernames unique ignoring case, token versions, residents by phone in insertion order', () => {
    const u = (id: string, username: string, extra: Partial<StoredUser> = {}): StoredUser => ({ id, username, name: id, role: 'resident', passwordHash: 'h', ...extra });
    a.insertUsers([u('r1', 'Resident1', { phone: '13800000000' }), u('r2', 'resident2', { phone: '13800000000' }), u('adm', 'Admin', { role: 'admin' })]);
    expect(b.userByName('RESIDENT1')?.id).toBe('r1');
    expect(() => a.insertUsers([u('r3', 'ADMIN')])).toThrow();
    expect(b.residentsByPhone('13800000000', 5).map((x) => x.id)).toEqual(['r1', 'r2']);
    expect(a.setPassword('adm', 'h2', false)).toBe(true);
    expect(b.userById('adm')?.tokenVersion).toBe(1);
    expect(b.listUsers({ q: 'adm', limit: 10, offset: 0 })).toMatchObject({ total: 1 });
    expect(b.hashesSharedOrAdmin().map((h) => h.passwordHash).sort()).toEqual(['h', 'h2']);
  });

  it('audit: append-only in the database itself', () => {
    const seq = a.appendAudit({ at: 1, actor: 'adm', action: 'account.created', target: 'r1', ip: null, detail: { x: 1 } });
    expect(seq).toBeGreaterThan(0);
    expect(b.auditEntries({ action: 'account.', limit: 5 })).toMatchObject([{ seq, actor: 'adm', detail: { x: 1 } }]);
    expect(() => a.execRaw('DELETE FROM audit')).toThrow(/append-only/);
    expect(() => a.execRaw("UPDATE audit SET actor = 'x'")).toThrow(/append-only/);
  });

  it('a lost connection fails the call it was in, and the next call connects again', () => {
    const pid = a.db.prepare<[], { pid: number }>('SELECT pg_backend_pid() AS pid').get()!.pid;
    pgQuery(db.url, 'SELECT pg_terminate_backend($1)', [pid]);
    expect(() => a.userById('r1')).toThrow();
    expect(a.userById('r1')?.username).toBe('Resident1');
    expect(a.db.prepare<[], { pid: number }>('SELECT pg_backend_pid() AS pid').get()!.pid).not.toBe(pid);
  });
});
