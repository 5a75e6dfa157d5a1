/**
 * Per-doc durability bookkeeping shared by SyncEngine (org, cases docs) and RecordSync (people, party docs).
 *
 * A `DocLedger` keeps in the user's `meta` table (schema.ts META) what a doc owes the relay: the state vector the
 * relay acknowledged as durable, the Yjs client ids this device wrote the doc with (so own events of an earlier
 * session still count as unsaved), and whether a refusal recovery's rescue waits (`rescue:<doc>`). The recovery
 * itself is in rescue.ts, loaded when a refusal happens, not with the shell.
 */
import type { Signal } from '@preact/signals';
import type * as Y from 'yjs';
import type { DocAccess, DocGrant } from '../domain/docs.ts';
import type { UserInfo } from '../domain/org.ts';
import { getMeta, isBytes, isNumberArray, setMeta } from '../storage/meta.ts';
import { META, type UserDb } from '../storage/schema.ts';
import type { ConnectionState } from './status.ts';
import type { Link } from './link.ts';
import { unsavedEvents, type Unsaved } from './unsaved.ts';

/** The refusal recovery (rescue.ts), loaded on first need, with what the ledger's policy needs (`ready`). */
export const loadRescue = async (policy: { ready?: () => Promise<unknown> }) => (await Promise.all([import('./rescue.ts'), policy.ready?.()]))[0];

/** A link that failed this many attempts in a row shows as offline (it keeps retrying in the background). */
const FAILURES_OFFLINE = 3;

/** The connection shown for a set of links (null: a link not made yet). */
export function linksState(links: ReadonlyArray<Link | null>): ConnectionState {
  if (!links.length) return 'offline';
  if (links.every((l) => l?.synced)) return 'online';
  if (links.some((l) => l === null || (!l.synced && l.retrying && l.failures < FAILURES_OFFLINE))) return 'connecting';
  return 'offline';
}

/** Set a status signal to `next` unless every field of it is the same already (no re-render for nothing). */
export function setStatus<T extends object>(sig: Signal<T>, next: T): void {
  const cur = sig.peek();
  if ((Object.keys(next) as Array<keyof T>).some((k) => cur[k] !== next[k])) sig.value = next;
}

/** What grant changes touch in an open doc of SyncEngine or RecordSync. */
interface GrantedSlot {
  name: string;
  access: DocAccess;
  /** No longer granted: not synced, still readable. */
  revoked: boolean;
  link: Link | null;
}

/** New access for the open docs among `grants` (granted again: synced again); returns the grants not open yet. */
export function regrant(slots: ReadonlyMap<string, GrantedSlot>, grants: readonly DocGrant[]): DocGrant[] {
  return grants.filter((g) => {
    const open = slots.get(g.name);
    if (open) {
      open.access = g.access;
      open.revoked = false;
    }
    return !open;
  });
}

/** Stop syncing the open docs not in `granted` (the relay would refuse them with 403); they stay readable. */
export function revokeSlots(slots: Iterable<GrantedSlot>, granted: readonly DocGrant[]): void {
  const names = new Set(granted.map((g) => g.name));
  for (const slot of slots) {
    if (names.has(slot.name) || slot.revoked) continue;
    slot.revoked = true;
    slot.link?.destroy();
    slot.link = null;
  }
}

/** Open a doc once: a second call while it opens gets the same promise. */
export function openOnce(opening: Map<string, Promise<void>>, name: string, open: () => Promise<void>): Promise<void> {
  let p = opening.get(name);
  if (!p) {
    p = open().finally(() => opening.delete(name));
    opening.set(name, p);
  }
  return p;
}

/** Which values are this user's events (`own`: they parse, the actor is this user) and may be sent again. */
export interface RescuePolicy<E extends { id: string }> {
  own(value: unknown): E | null;
  mayResend(event: E): boolean;
  /** Resolves once `own` and `mayResend` may be called (a policy whose code loads on demand: engine.ts). */
  ready?(): Promise<unknown>;
}

/** The policy of a doc whose events `parse` reads: this user's (by actor), re-sent if `mayResend` allows. */
export const ownBy =
  <E extends { id: string; actor: string }>(parse: (v: unknown) => { ok: true; event: E } | { ok: false }, mayResend: (user: UserInfo, e: E) => boolean) =>
  (user: UserInfo): RescuePolicy<E> => ({
    own: (v) => {
      const r = parse(v);
      return r.ok && r.event.actor === user.id ? r.event : null;
    },
    mayResend: (e) => mayResend(user, e),
  });

export class DocLedger<E extends { id: string }> {
  acked: Uint8Array | null = null;
  ownClients = new Set<number>();
  /** Own unacknowledged event ids at the last count. */
  unsavedIds = new Set<string>();
  /** A rescue waits for the next sync. */
  rescuePending = false;
  /** Events waiting in the rescue: still unsaved, so still counted. */
  rescueCount = 0;

  constructor(
    readonly db: UserDb,
    readonly name: string,
    readonly policy: RescuePolicy<E>,
  ) {}

  async load(): Promise<this> {
    const { db, name } = this;
    this.acked = (await getMeta(db, META.acked(name), isBytes)) ?? null;
    this.ownClients = new Set((await getMeta(db, META.clients(name), isNumberArray)) ?? []);
    const rescue = await getMeta(db, META.rescue(name), Array.isArray);
    this.rescuePending = rescue !== undefined;
    // A recovery was interrupted by a reload (rare): count what waits in its rescue (rescue.ts, loaded only then).
    if (rescue) this.rescueCount = (await loadRescue(this.policy)).rescuable(this, rescue).length;
    return this;
  }

  async ack(sv: Uint8Array): Promise<void> {
    this.acked = sv;
    await setMeta(this.db, META.acked(this.name), sv);
  }

  /** After a sync, the waiting rescue (rescue.ts `resend`): its events the doc lacks are appended once, if `write`. */
  async resendRescue(doc: Y.Doc, write: boolean): Promise<void> {
    this.rescuePending = false;
    await (await loadRescue(this.policy)).resend(this, doc, write);
  }

  /** Remember a client id this device writes the doc with (before writing with it). */
  async recordClient(id: number): Promise<void> {
    if (this.ownClients.has(id)) return;
    this.ownClients.add(id);
    await setMeta(this.db, META.clients(this.name), [...this.ownClients]);
  }

  /** Own unacknowledged events; `saved` when one counted last time is acknowledged now. */
  count(doc: Y.Doc): Unsaved & { saved: boolean } {
    const u = unsavedEvents(doc, this.acked, this.ownClients);
    const ids = new Set<string>();
    for (const v of u.values) {
      const id = (v as { id?: unknown } | null)?.id;
      if (typeof id === 'string') ids.add(id);
    }
    const saved = [...this.unsavedIds].some((id) => !ids.has(id));
    this.unsavedIds = ids;
    return { ...u, saved };
  }
}
