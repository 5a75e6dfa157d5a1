/**
 * The audit log (issue 15): who did what, when, from where, for what is not a case (cases carry their own event
 * history). Rows live in the store's `audit` table, which refuses every UPDATE and DELETE (store.ts); no API edits
 * it. Read by administrators: GET /api/audit (accountshttp.ts).
 *
 * Recorded: every sign-in (succeeded, failed, refused while locked out), sign-out, token refusal (HTTP and sync),
 * account change (created, changed, disabled, enabled, password reset, password changed; a bulk import as one
 * entry: how many, which roles), export, read of full
 * ID numbers (an `idnumbers.<gridId>` doc opened for sync, or joined into GET /api/people/<grid>/residents), and
 * read of the log itself.
 *
 * Flooding: a refused token and a failed sign-in are what an attacker repeats. The same (action, address, target,
 * actor, reason) is written at most once per FLOOD_WINDOW_MS; the repeats in between are counted and written with the next entry
 * (`detail.repeats`), so the log stays bounded and still says how many there were.
 */
import type { IncomingMessage } from 'node:http';
import type { Logger } from './log.ts';
import type { AuditEntry, AuditFilter, Store } from './store.ts';

export const AUDIT_ACTIONS = [
  'login.ok',
  'login.failed',
  'login.locked',
  'logout',
  'token.refused',
  'account.created',
  'account.changed',
  'account.disabled',
  'account.enabled',
  'account.password_reset',
  'account.password_changed',
  'account.role_added',
  'role.switched',
  'account.imported',
  'reference.changed',
  'boundaries.imported',
  'export',
  'idnumbers.read',
  'audit.read',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Actions an attacker can repeat at will: coalesced (see above). */
const FLOODABLE: ReadonlySet<AuditAction> = new Set(['login.failed', 'login.locked', 'token.refused']);
export const FLOOD_WINDOW_MS = 60_000;
/** Keys remembered for coalescing; beyond it the oldest are forgotten (their next repeat is written). */
const MAX_FLOOD_KEYS = 10_000;

export interface AuditRecord {
  actor: string | null;
  action: AuditAction;
  target?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown>;
}

/** The client's address as the relay sees it (the same one the sign-in limiter counts by). */
export function clientAddress(req: IncomingMessage): string | null {
  return req.socket.remoteAddress ?? null;
}

export class Audit {
  private readonly recent = new Map<string, { at: number; repeats: number }>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly log: Logger,
  ) {}

  /**
   * Append one entry. A failure to write (a full disk) is logged and does not fail what was audited: refusing
   * every sign-in because the log cannot grow would lock the county out of its own relay.
   */
  record(r: AuditRecord): void {
    const at = this.now();
    const detail = { ...r.detail };
    if (FLOODABLE.has(r.action)) {
      const key = [r.action, r.ip ?? '', r.target ?? '', r.actor ?? '', String(r.detail?.reason ?? '')].join('\u0000');
      const seen = this.recent.get(key);
      if (seen && at - seen.at < FLOOD_WINDOW_MS) {
        seen.repeats++;
        return;
      }
      if (seen?.repeats) detail.repeats = seen.repeats;
      this.recent.delete(key);
      this.recent.set(key, { at, repeats: 0 });
      if (this.recent.size > MAX_FLOOD_KEYS) this.recent.delete(this.recent.keys().next().value!);
    }
    try {
      this.store.appendAudit({ at, actor: r.actor, action: r.action, target: r.target ?? null, ip: r.ip ?? null, detail });
    } catch (err) {
      this.log.error(`audit: could not record ${r.action} of ${r.actor ?? '(not signed in)'}`, err);
    }
  }

  entries(f: AuditFilter): AuditEntry[] {
    return this.store.auditEntries(f);
  }
}
