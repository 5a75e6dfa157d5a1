/**
 * Open311 (issue 13): API keys of client systems and the requests they posted (server/open311.ts serves them).
 *
 * Contracts:
 *  - An API key is issued by an administrator to ONE client system (a name such as "市民热线小程序"), shown once
 *    at issue and stored only as its SHA-256 (a key is 32 random bytes, so a plain hash is enough: nothing to
 *    guess). `api_key` of a request is looked up by that hash; a revoked key is refused like an unknown one.
 *    Revoking is final (issue another key); the client's account and its reports stay (history is facts).
 *  - Each key has a CLIENT ACCOUNT: the reporter of the requests posted with it without a resident's token. Why an
 *    account per key: every case event names an actor that the relay's inspection knows (validate.ts) and whose
 *    authority the receipt records (src/domain/receipts.ts), so every replica's fold accepts the report; staff see
 *    which client system a report came from by its name in the org directory; the 考核 counts the channel
 *    (`open311`), not the account. The account has role `resident` (a reporter with no doc access and no scope
 *    to abuse), its id `o311-<keyId>`, and a password hash that is not a hash (`!`): no password verifies against
 *    it (auth.ts), so nobody can sign in as it and no token is ever issued for it. It enters the org directory
 *    live (`addToDirectory`): stored first, then applied to the relay's loaded org doc and sent to connected staff.
 *  - Requests: one row per request posted through Open311, keyed by the token returned to the client (GET
 *    tokens/<token>) and, when the client sent one, by (client, idempotency key). The row is written BEFORE the
 *    case's event is appended, with the case id chosen then: a re-post with the same key finds the row and
 *    answers with that case; if the relay stopped between the row and the event, the re-post appends the event
 *    with the same case id (exactly once either way). `body` is a hash of the request's fields: the same key with
 *    different fields is refused (409), never silently answered with another request's case.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import { ORG_DOC } from '../src/domain/docs.ts';
import type { UserInfo } from '../src/domain/org.ts';
import type { Relay } from './relay.ts';
import type { Store } from './store.ts';

export interface ApiKeyInfo {
  id: string;
  /** The client system's name. */
  name: string;
  /** The first characters of the key, to tell keys apart in the list (not enough to use it). */
  prefix: string;
  /** The client account that reports for it. */
  clientId: string;
  createdMs: number;
  createdBy: string;
  revokedMs?: number;
  revokedBy?: string;
}

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  key_hash: string;
  client_id: string;
  created_ms: number;
  created_by: string;
  revoked_ms: number | null;
  revoked_by: string | null;
}

export interface RequestRow {
  token: string;
  clientId: string;
  key: string | null;
  caseId: string;
  body: string;
}

/** The password hash of an account nobody can sign in to (auth.ts verifyPassword refuses anything not `scrypt$...`). */
export const NO_PASSWORD = '!';
export const CLIENT_PREFIX = 'o311-';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export class Open311Store {
  constructor(private readonly store: Store) {
    store.db.exec(`
      CREATE TABLE IF NOT EXISTS open311_keys (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, prefix TEXT NOT NULL, key_hash TEXT NOT NULL UNIQUE,
        client_id TEXT NOT NULL, created_ms INTEGER NOT NULL, created_by TEXT NOT NULL,
        revoked_ms INTEGER, revoked_by TEXT
      );
      CREATE TABLE IF NOT EXISTS open311_requests (
        token TEXT PRIMARY KEY, client_id TEXT NOT NULL, idem_key TEXT, case_id TEXT NOT NULL, body TEXT NOT NULL,
        created_ms INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS open311_requests_by_key ON open311_requests (client_id, idem_key) WHERE idem_key IS NOT NULL;
      CREATE INDEX IF NOT EXISTS open311_requests_by_case ON open311_requests (case_id);
    `);
  }

  /** Issue a key: its row and its client account (one transaction), then the account's directory entry. */
  async issue(name: string, by: string, nowMs: number, relay: Relay): Promise<{ info: ApiKeyInfo; key: string }> {
    const key = randomBytes(32).toString('base64url');
    const id = randomBytes(6).toString('hex');
    const clientId = CLIENT_PREFIX + id;
    const account: UserInfo = { id: clientId, username: clientId, name: `Open311：${name}`, role: 'resident' };
    const info: ApiKeyInfo = { id, name, prefix: key.slice(0, 6), clientId, createdMs: nowMs, createdBy: by };
    await addToDirectory(this.store, relay, account, () =>
      this.store.transaction(() => {
        this.store.insertUsers([{ ...account, passwordHash: NO_PASSWORD }]);
        this.store.db
        .prepare('INSERT INTO open311_keys (id, name, prefix, key_hash, client_id, created_ms, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(id, name, info.prefix, sha256(key), clientId, nowMs, by);
      }),
    );
    return { info, key };
  }

  list(): ApiKeyInfo[] {
    const rows = this.store.db.prepare('SELECT * FROM open311_keys ORDER BY created_ms DESC, id').all() as KeyRow[];
    return rows.map(toInfo);
  }

  /** Revoke a key; false when there is no such key. Revoking twice keeps the first time. */
  revoke(id: string, by: string, nowMs: number): ApiKeyInfo | null {
    this.store.db.prepare('UPDATE open311_keys SET revoked_ms = ?, revoked_by = ? WHERE id = ? AND revoked_ms IS NULL').run(nowMs, by, id);
    const row = this.store.db.prepare('SELECT * FROM open311_keys WHERE id = ?').get(id) as KeyRow | undefined;
    return row ? toInfo(row) : null;
  }

  /** The live (not revoked) key with this secret, or null. */
  byKey(key: string): ApiKeyInfo | null {
    if (key.length === 0 || key.length > 200) return null;
    const row = this.store.db.prepare('SELECT * FROM open311_keys WHERE key_hash = ? AND revoked_ms IS NULL').get(sha256(key)) as KeyRow | undefined;
    return row ? toInfo(row) : null;
  }

  requestByKey(clientId: string, key: string): RequestRow | null {
    const r = this.store.db.prepare('SELECT * FROM open311_requests WHERE client_id = ? AND idem_key = ?').get(clientId, key) as DbRequest | undefined;
    return r ? toRequest(r) : null;
  }

  requestByToken(token: string): RequestRow | null {
    const r = this.store.db.prepare('SELECT * FROM open311_requests WHERE token = ?').get(token) as DbRequest | undefined;
    return r ? toRequest(r) : null;
  }

  requestByCase(caseId: string): RequestRow | null {
    const r = this.store.db.prepare('SELECT * FROM open311_requests WHERE case_id = ?').get(caseId) as DbRequest | undefined;
    return r ? toRequest(r) : null;
  }

  addRequest(r: Omit<RequestRow, 'token'>, nowMs: number): RequestRow {
    const token = randomBytes(16).toString('base64url');
    this.store.db
      .prepare('INSERT INTO open311_requests (token, client_id, idem_key, case_id, body, created_ms) VALUES (?, ?, ?, ?, ?, ?)')
      .run(token, r.clientId, r.key, r.caseId, r.body, nowMs);
    return { ...r, token };
  }
}

interface DbRequest {
  token: string;
  client_id: string;
  idem_key: string | null;
  case_id: string;
  body: string;
}

function toRequest(r: DbRequest): RequestRow {
  return { token: r.token, clientId: r.client_id, key: r.idem_key, caseId: r.case_id, body: r.body };
}

function toInfo(r: KeyRow): ApiKeyInfo {
  const info: ApiKeyInfo = { id: r.id, name: r.name, prefix: r.prefix, clientId: r.client_id, createdMs: r.created_ms, createdBy: r.created_by };
  if (r.revoked_ms !== null) info.revokedMs = r.revoked_ms;
  if (r.revoked_by !== null) info.revokedBy = r.revoked_by;
  return info;
}

/**
 * Put `user` in the org doc's directory while the relay runs: the update (from a fresh Yjs client id, never the
 * relay's own) is committed with `alsoWrite` written just before it, then applied to the relay's loaded org doc,
 * whose update listener sends it to every connected replica. Synchronous between load and apply, so no other
 * write to the org doc interleaves. (If the relay stops between the two writes, the account works without its
 * directory entry: the relay finds users in the store, and receipts carry the reporter's authority.)
 */
async function addToDirectory(store: Store, relay: Relay, user: UserInfo, alsoWrite: () => void): Promise<void> {
  await relay.withDoc(ORG_DOC, (live) => {
    const scratch = new Y.Doc();
    try {
      Y.applyUpdate(scratch, Y.encodeStateAsUpdate(live));
      const before = Y.encodeStateVector(scratch);
      scratch.getMap('users').set(user.id, { ...user });
      const update = Y.encodeStateAsUpdate(scratch, before);
      // The account first (it works at once: the relay also finds users in the store), then the directory entry.
      alsoWrite();
      store.appendUpdate(ORG_DOC, update);
      Y.applyUpdate(live, update, 'open311');
    } finally {
      scratch.destroy();
    }
  });
}
