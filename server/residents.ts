/**
 * Resident accounts (issue 13): sign-up by phone and password, proven by an SMS code or placed in a village by an
 * invitation code; invitation codes; sign-in by phone; the SMS-progress preference; the log of texts sent.
 *
 * Contracts:
 *  - Never reveal whether a phone number has an account. No answer depends on it: a code request always sends a
 *    code (rate limits are per phone and per address, counted the same for every number); a sign-up always creates
 *    a new account (a phone may carry up to MAX_ACCOUNTS_PER_PHONE resident accounts: a household that shares one
 *    phone); sign-in by phone always checks the password against MAX_ACCOUNTS_PER_PHONE hashes (dummies for the
 *    missing ones), so its time does not tell how many accounts the number has. A phone that has the maximum
 *    already is refused as `too_many_attempts` (the same answer as a rate limit).
 *  - An SMS code proves the phone (`phoneVerified`: the account then follows cases reported on its behalf with
 *    that phone, src/domain/citizens.ts); an invitation code proves the village, not the phone.
 *  - Invitation codes: 8 characters of INVITE_ALPHABET, issued for one village by its secretary, its town center
 *    or an administrator; each has an expiry and a number of uses; the issuer's scope may revoke it. Unknown,
 *    expired, used-up and revoked codes get one answer (`bad_invite`). Failed codes count per client address.
 *  - SMS codes: 6 digits, valid CODE_TTL_MS, at most CODE_MAX_TRIES wrong tries, then void; only a hash is kept.
 *  - Tables (created here, no schema version step: an older relay ignores them): invites, sms_codes,
 *    resident_prefs, sms_log (server/progress.ts writes it).
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { isMobile } from '../src/domain/citizens.ts';
import type { UserInfo } from '../src/domain/org.ts';
import { verifyPassword } from './auth.ts';
import type { Store, StoredUser } from './store.ts';

export const MAX_ACCOUNTS_PER_PHONE = 3;
export const INVITE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const INVITE_LENGTH = 8;
export const CODE_TTL_MS = 10 * 60_000;
export const CODE_MAX_TRIES = 5;
export const INVITE_DEFAULT_DAYS = 30;
export const INVITE_MAX_DAYS = 365;
export const INVITE_DEFAULT_USES = 50;
export const INVITE_MAX_USES = 1000;

/** Rate limits (per client address unless said otherwise). */
export const RESIDENT_LIMITS = {
  /** Code requests for one phone: one per minute, and at most this many a day. */
  codeGapMs: 60_000,
  codesPerPhonePerDay: 5,
  /** Code requests from one address per hour. */
  codesPerClientPerHour: 10,
  /**
   * Sign-up attempts (every POST /api/signup) from one address per hour. Generous: a village's sign-up day puts
   * many residents behind the committee's one address (and mobile carriers share addresses too).
   */
  signupsPerClientPerHour: 60,
  /** Wrong invitation codes from one address per 15 minutes. */
  badInvitesPerClient: 10,
};

export interface Invite {
  code: string;
  villageId: string;
  townId: string;
  createdBy: string;
  createdMs: number;
  expiresMs: number;
  maxUses: number;
  uses: number;
  revokedMs?: number;
  state: 'active' | 'expired' | 'used_up' | 'revoked';
}

interface InviteRow {
  code: string;
  village_id: string;
  town_id: string;
  created_by: string;
  created_ms: number;
  expires_ms: number;
  max_uses: number;
  uses: number;
  revoked_ms: number | null;
}

export interface SmsLogEntry {
  id: number;
  caseId: string;
  userId: string;
  phone: string;
  stage: string;
  text: string;
  sentMs: number;
  status: 'sent' | 'failed';
  transport: string;
}

/** Counts per key within a window; `wait` is ms until the key may act again (0: now). */
export class WindowCounter {
  private readonly hits = new Map<string, number[]>();
  constructor(
    private readonly now: () => number,
    private readonly max: number,
    private readonly windowMs: number,
  ) {}
  wait(key: string): number {
    const t = this.now();
    const list = (this.hits.get(key) ?? []).filter((h) => t - h < this.windowMs);
    if (list.length < this.max) return 0;
    return list[0]! + this.windowMs - t;
  }
  add(key: string): void {
    const t = this.now();
    const list = (this.hits.get(key) ?? []).filter((h) => t - h < this.windowMs);
    list.push(t);
    this.hits.delete(key);
    this.hits.set(key, list);
    if (this.hits.size > 20_000) this.hits.delete(this.hits.keys().next().value!);
  }
}

/** Who may issue, list and revoke invitation codes for a village. */
export function mayManageInvites(user: UserInfo, village: { id: string; townId: string }): boolean {
  if (user.role === 'admin') return true;
  if (user.role === 'town') return user.townId === village.townId;
  if (user.role === 'secretary') return user.villageId === village.id;
  return false;
}

const sha = (s: string) => createHash('sha256').update(s).digest();

export class Residents {
  private readonly db;
  readonly limits = RESIDENT_LIMITS;
  readonly codeRequestsPerPhone: WindowCounter;
  readonly codeGap: WindowCounter;
  readonly codeRequestsPerClient: WindowCounter;
  readonly signupsPerClient: WindowCounter;
  readonly badInvites: WindowCounter;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {
    this.db = store.db;
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS invites (
        code TEXT PRIMARY KEY, village_id TEXT NOT NULL, town_id TEXT NOT NULL, created_by TEXT NOT NULL,
        created_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL, max_uses INTEGER NOT NULL,
        uses INTEGER NOT NULL DEFAULT 0, revoked_ms INTEGER
      );
      CREATE TABLE IF NOT EXISTS sms_codes (phone TEXT PRIMARY KEY, hash BLOB NOT NULL, salt BLOB NOT NULL, expires_ms INTEGER NOT NULL, tries INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS resident_prefs (user_id TEXT PRIMARY KEY, sms_progress INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS sms_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL, user_id TEXT NOT NULL, phone TEXT NOT NULL,
        stage TEXT NOT NULL, text TEXT NOT NULL, sent_ms INTEGER NOT NULL, status TEXT NOT NULL, transport TEXT NOT NULL,
        UNIQUE (case_id, user_id, stage)
      );
    `);
    const L = RESIDENT_LIMITS;
    this.codeGap = new WindowCounter(now, 1, L.codeGapMs);
    this.codeRequestsPerPhone = new WindowCounter(now, L.codesPerPhonePerDay, 24 * 3600_000);
    this.codeRequestsPerClient = new WindowCounter(now, L.codesPerClientPerHour, 3600_000);
    this.signupsPerClient = new WindowCounter(now, L.signupsPerClientPerHour, 3600_000);
    this.badInvites = new WindowCounter(now, L.badInvitesPerClient, 15 * 60_000);
  }

  // ---- invitation codes

  issueInvite(by: UserInfo, village: { id: string; townId: string }, days: number, maxUses: number): Invite {
    const t = this.now();
    for (;;) {
      let code = '';
      for (let i = 0; i < INVITE_LENGTH; i++) code += INVITE_ALPHABET[randomInt(INVITE_ALPHABET.length)];
      const r = this.db
        .prepare('INSERT OR IGNORE INTO invites (code, village_id, town_id, created_by, created_ms, expires_ms, max_uses) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(code, village.id, village.townId, by.id, t, t + days * 86_400_000, maxUses);
      if (r.changes === 1) return this.invite(code)!;
    }
  }

  invite(code: string): Invite | undefined {
    const row = this.db.prepare<[string], InviteRow>('SELECT * FROM invites WHERE code = ?').get(code);
    return row ? this.toInvite(row) : undefined;
  }

  /** Invitation codes of these villages (all when `villageIds` is null), newest first. */
  listInvites(villageIds: readonly string[] | null): Invite[] {
    const rows = this.db.prepare<[], InviteRow>('SELECT * FROM invites ORDER BY created_ms DESC, code').all();
    const allowed = villageIds ? new Set(villageIds) : null;
    return rows.filter((r) => !allowed || allowed.has(r.village_id)).map((r) => this.toInvite(r));
  }

  revokeInvite(code: string): Invite | undefined {
    this.db.prepare('UPDATE invites SET revoked_ms = ? WHERE code = ? AND revoked_ms IS NULL').run(this.now(), code);
    return this.invite(code);
  }

  private toInvite(r: InviteRow): Invite {
    const t = this.now();
    const state: Invite['state'] = r.revoked_ms !== null ? 'revoked' : r.expires_ms <= t ? 'expired' : r.uses >= r.max_uses ? 'used_up' : 'active';
    const inv: Invite = {
      code: r.code,
      villageId: r.village_id,
      townId: r.town_id,
      createdBy: r.created_by,
      createdMs: r.created_ms,
      expiresMs: r.expires_ms,
      maxUses: r.max_uses,
      uses: r.uses,
      state,
    };
    if (r.revoked_ms !== null) inv.revokedMs = r.revoked_ms;
    return inv;
  }

  /** Take one use of an active code (in the caller's transaction); false when it is not usable. */
  private useInvite(code: string): InviteRow | undefined {
    const row = this.db.prepare<[string], InviteRow>('SELECT * FROM invites WHERE code = ?').get(code);
    if (!row || row.revoked_ms !== null || row.expires_ms <= this.now() || row.uses >= row.max_uses) return undefined;
    this.db.prepare('UPDATE invites SET uses = uses + 1 WHERE code = ?').run(code);
    return row;
  }

  // ---- SMS codes

  /** A new 6-digit code for this phone (replacing an earlier one). */
  newCode(phone: string): string {
    const code = String(randomInt(1_000_000)).padStart(6, '0');
    const salt = randomBytes(16);
    this.db
      .prepare('INSERT INTO sms_codes (phone, hash, salt, expires_ms, tries) VALUES (?, ?, ?, ?, 0) ON CONFLICT(phone) DO UPDATE SET hash = excluded.hash, salt = excluded.salt, expires_ms = excluded.expires_ms, tries = 0')
      .run(phone, sha(salt.toString('hex') + code), salt, this.now() + CODE_TTL_MS);
    return code;
  }

  /** Whether `code` is this phone's live code; a wrong try counts, a right one consumes the code. */
  checkCode(phone: string, code: string): boolean {
    const row = this.db.prepare<[string], { hash: Buffer; salt: Buffer; expires_ms: number; tries: number }>('SELECT * FROM sms_codes WHERE phone = ?').get(phone);
    const probe = sha((row?.salt ?? Buffer.alloc(16)).toString('hex') + code);
    const match = !!row && row.expires_ms > this.now() && row.tries < CODE_MAX_TRIES && timingSafeEqual(probe, row.hash);
    if (!row) return false;
    if (match) this.db.prepare('DELETE FROM sms_codes WHERE phone = ?').run(phone);
    else this.db.prepare('UPDATE sms_codes SET tries = tries + 1 WHERE phone = ?').run(phone);
    return match;
  }

  // ---- accounts

  /**
   * Create a resident account (users table) in one transaction with the invitation code's use. Returns null when
   * the invitation code is not usable, 'full' when the phone carries the maximum of accounts already.
   */
  createResident(
    input: { phone: string; name: string; passwordHash: string; phoneVerified: boolean; invite?: string; village?: { id: string; townId: string } },
    newUserId: () => string,
  ): UserInfo | null | 'full' {
    return this.store.transaction(() => {
      if (this.store.residentsByPhone(input.phone, MAX_ACCOUNTS_PER_PHONE).length >= MAX_ACCOUNTS_PER_PHONE) return 'full' as const;
      let village = input.village;
      if (input.invite !== undefined) {
        const row = this.useInvite(input.invite);
        if (!row) return null;
        village = { id: row.village_id, townId: row.town_id };
      }
      const id = newUserId();
      const user: UserInfo = { id, username: id, name: input.name, role: 'resident', phone: input.phone };
      if (village) {
        user.townId = village.townId;
        user.villageId = village.id;
      }
      if (input.phoneVerified) user.phoneVerified = true;
      this.store.insertUsers([{ ...user, passwordHash: input.passwordHash }]);
      // Verified phones get progress texts unless they turn them off; invited ones opt in on #/me.
      this.setSmsProgress(id, input.phoneVerified && isMobile(input.phone));
      return user;
    });
  }

  smsProgress(userId: string): boolean {
    return this.db.prepare<[string], { sms_progress: number }>('SELECT sms_progress FROM resident_prefs WHERE user_id = ?').get(userId)?.sms_progress === 1;
  }

  setSmsProgress(userId: string, on: boolean): void {
    this.db
      .prepare('INSERT INTO resident_prefs (user_id, sms_progress) VALUES (?, ?) ON CONFLICT(user_id) DO UPDATE SET sms_progress = excluded.sms_progress')
      .run(userId, on ? 1 : 0);
  }

  // ---- the log of progress texts (server/progress.ts)

  /** Claim (case, user, stage) before sending: false when a text for it was sent (or tried) already. */
  claimText(e: Omit<SmsLogEntry, 'id' | 'status'>): number | null {
    const sql = "INSERT OR IGNORE INTO sms_log (case_id, user_id, phone, stage, text, sent_ms, status, transport) VALUES (?, ?, ?, ?, ?, ?, 'sent', ?)";
    const r = this.db
      // PostgreSQL names the new row's id with RETURNING (db.ts).
      .prepare(this.db.dialect === 'pg' ? `${sql.replace('INSERT OR IGNORE', 'INSERT')} ON CONFLICT DO NOTHING RETURNING id` : sql)
      .run(e.caseId, e.userId, e.phone, e.stage, e.text, e.sentMs, e.transport);
    return r.changes === 1 ? Number(r.lastInsertRowid) : null;
  }

  markFailed(id: number): void {
    this.db.prepare("UPDATE sms_log SET status = 'failed' WHERE id = ?").run(id);
  }

  smsLog(filter: { caseId?: string; limit: number; before?: number }): SmsLogEntry[] {
    const rows = this.db
      .prepare<[string | null, string | null, number, number], { id: number; case_id: string; user_id: string; phone: string; stage: string; text: string; sent_ms: number; status: string; transport: string }>(
        'SELECT * FROM sms_log WHERE (? IS NULL OR case_id = ?) AND id < ? ORDER BY id DESC LIMIT ?',
      )
      .all(filter.caseId ?? null, filter.caseId ?? null, filter.before ?? Number.MAX_SAFE_INTEGER, filter.limit);
    return rows.map((r) => ({
      id: r.id,
      caseId: r.case_id,
      userId: r.user_id,
      phone: r.phone,
      stage: r.stage,
      text: r.text,
      sentMs: r.sent_ms,
      status: r.status === 'failed' ? 'failed' : 'sent',
      transport: r.transport,
    }));
  }
}

/** The villages whose invitation codes `user` manages (null: all). */
export function inviteVillages(user: UserInfo, villages: ReadonlyArray<{ id: string; townId: string }>): string[] | null {
  if (user.role === 'admin') return null;
  return villages.filter((v) => mayManageInvites(user, v)).map((v) => v.id);
}

/**
 * The resident account a phone and password sign in to (the oldest whose password matches), or undefined. Always
 * MAX_ACCOUNTS_PER_PHONE scrypt checks (dummies for missing accounts), run side by side: the time does not tell
 * whether, or how many, accounts the number has.
 */
export async function residentByPhone(store: Store, phone: string, password: string): Promise<StoredUser | undefined> {
  const found = store.residentsByPhone(phone, MAX_ACCOUNTS_PER_PHONE);
  const checks = await Promise.all(Array.from({ length: MAX_ACCOUNTS_PER_PHONE }, (_, i) => verifyPassword(password, found[i]?.passwordHash)));
  return found.find((_, i) => checks[i]);
}
