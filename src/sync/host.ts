/**
 * The hosting of a session's Yjs docs, shared by SyncEngine (org and cases docs) and RecordSync (people, party
 * docs): one slot per doc name holding its Y.Doc, its y-indexeddb persistence, its ledger (docsync.ts: what the doc
 * owes the relay) and its link to the relay. What a doc means (the case index and read model; the record folds and
 * search index), when links are made or dropped as the network comes and goes, and how unsaved events are counted
 * stay with the owner, which answers the links' events through `DocOwner`.
 *
 * Contracts:
 *  - A doc is opened once (a second open while it loads gets the same promise; a held doc is not opened again),
 *    from its y-indexeddb store, with its ledger loaded, before its owner sees it. Its link is made only after that
 *    (DESIGN 5: otherwise the whole local state would be re-sent on every start).
 *  - Grants read again mid-session: a held doc no longer granted has no link and stays readable (`revoked`);
 *    granted again, it syncs again. New grants are the owner's to open.
 *  - One refusal recovery at a time per doc (`recovering`); a refusal while one runs, or after stop, is only
 *    logged. `replaceDoc` is the recovery's shared part (rescue.ts, loaded on first need): this user's
 *    unacknowledged events are rescued to `meta`, the doc and its store are deleted and a fresh doc is opened.
 *  - Acknowledgements are not passed on after stop; `close()` leaves nothing running: opens in flight finished,
 *    links destroyed, observers detached, compactions finished, persistence closed, docs destroyed.
 */
import type { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import type { DocAccess, DocGrant } from '../domain/docs.ts';
import type { UserInfo } from '../domain/org.ts';
import { docDbName, type UserDb } from '../storage/schema.ts';
import { DocLedger, loadRescue, openOnce, regrant, revokeSlots, type RescuePolicy } from './docsync.ts';
import type { Link, Transport } from './link.ts';
import { compact, extraRows, openPersistence } from './persist.ts';

/** What the host keeps of a doc; an owner's slot extends it with what the doc means to it. */
export interface HostedDoc<E extends { id: string } = { id: string }> {
  readonly name: string;
  access: DocAccess;
  doc: Y.Doc;
  persistence: IndexeddbPersistence;
  /** null: not made yet (offline, not started, no transport, revoked, or a recovery under way). */
  link: Link | null;
  /** Acknowledged state vector, own client ids, refusal rescue (docsync.ts). */
  ledger: DocLedger<E>;
  /** No longer granted: not synced, still readable. */
  revoked: boolean;
  /** The link was synced at its last change (a first sync is told to the owner once). */
  wasSynced: boolean;
  /** Refusal recovery in progress. */
  recovering: Promise<void> | null;
  /** Removes the owner's observers of `doc` (before it is destroyed). */
  detach: () => void;
  /** The last compaction of the doc's store (`compactSoon`), awaited before the store closes. */
  compacting: Promise<void>;
}

/** How the owner of the docs answers their links. */
export interface DocOwner<S extends HostedDoc> {
  /** The relay acknowledged `sv` of the doc as durable (never after stop). */
  acked(slot: S, sv: Uint8Array): void;
  /** The doc's link has just synced with the relay (it was not synced at its last change). */
  synced(slot: S): void;
  /** Some link changed (state, sync, failures), after `synced`: the owner's connection status. */
  changed(): void;
  /** Recover a refused doc (using `replaceDoc`); a rejection is logged. */
  recover(slot: S): Promise<void>;
  /** After a recovery, once `recovering` is null again. */
  recovered?(slot: S): void;
}

export interface DocHostOptions<S extends HostedDoc> {
  ns: string;
  user: UserInfo;
  token: string;
  /** null: local only (tests, or no relay configured): no links are made. */
  transport: Transport | null;
  /** A connection attempt failed before the socket opened: the session checks whether the token is the reason. */
  onUpgradeFailed?: () => void;
  /** This device's HLC node, once known (LinkHooks.node). */
  node?: () => string | undefined;
  owner: DocOwner<S>;
  /** Runs on every new Y.Doc before its store is applied (at open and after a recovery). */
  prepare?: (doc: Y.Doc) => void;
  /** Stored rows beyond the snapshot above which a doc's store is compacted at open (persist.ts); none: never. */
  compactAtOpen?: number;
}

export class DocHost<S extends HostedDoc> {
  readonly slots = new Map<string, S>();
  private readonly opening = new Map<string, Promise<void>>();
  private token: string;
  private halted = false;

  constructor(private readonly opts: DocHostOptions<S>) {
    this.token = opts.token;
  }

  /** True once `halt()` (or `close()`) ran: nothing new opens, no link events reach the owner's acknowledgements. */
  get stopped(): boolean {
    return this.halted;
  }

  halt(): void {
    this.halted = true;
  }

  /** The name of the doc's y-indexeddb database (per user: DESIGN 6). */
  dbName(name: string): string {
    return docDbName(this.opts.ns, this.opts.user.id, name);
  }

  // ---------------------------------------------------------------- opening, grants

  /** Run the owner's `load` of a doc once: a second call while it runs gets the same promise. */
  open(name: string, load: () => Promise<void>): Promise<void> {
    return openOnce(this.opening, name, load);
  }

  /**
   * Load a granted doc: a new Y.Doc with its y-indexeddb store applied (compacted past `compactAtOpen`) and its
   * ledger loaded with `policy` from `db`; `make` turns that into the owner's slot, which is held from then on.
   * Null, with nothing left open, when the doc is held already or the host stopped meanwhile.
   */
  async load<E extends { id: string }>(grant: DocGrant, db: UserDb, policy: RescuePolicy<E>, make: (base: HostedDoc<E>) => S): Promise<S | null> {
    if (this.halted || this.slots.has(grant.name)) return null;
    const doc = new Y.Doc();
    this.opts.prepare?.(doc);
    const persistence = await openPersistence(this.dbName(grant.name), doc);
    const atOpen = this.opts.compactAtOpen;
    if (!this.halted && atOpen !== undefined && extraRows(persistence) > atOpen) await compact(persistence);
    const ledger = this.halted ? null : await new DocLedger(db, grant.name, policy).load();
    if (!ledger || this.halted || this.slots.has(grant.name)) {
      await persistence.destroy();
      doc.destroy();
      return null;
    }
    const slot = make({
      name: grant.name,
      access: grant.access,
      doc,
      persistence,
      link: null,
      ledger,
      revoked: false,
      wasSynced: false,
      recovering: null,
      detach: () => {},
      compacting: Promise.resolve(),
    });
    this.slots.set(grant.name, slot);
    return slot;
  }

  /** New access for the held docs among `grants` (granted again: synced again); returns the grants not held yet. */
  regrant(grants: readonly DocGrant[]): DocGrant[] {
    return regrant(this.slots, grants);
  }

  /** Stop syncing the held docs not in `granted` (the relay would refuse them with 403); they stay readable. */
  revoke(granted: readonly DocGrant[]): void {
    revokeSlots(this.slots.values(), granted);
  }

  // ---------------------------------------------------------------- links

  /** Make the doc's link (it connects when made; nothing without a transport), or resume the one it has. */
  connect(slot: S): void {
    if (slot.link) slot.link.connect();
    else slot.link = this.makeLink(slot);
  }

  private makeLink(slot: S): Link | null {
    const transport = this.opts.transport;
    if (!transport) return null;
    const { owner } = this.opts;
    return transport(slot.name, slot.doc, this.token, {
      onAck: (sv) => {
        if (!this.halted) owner.acked(slot, sv);
      },
      onRefused: (code, detail) => this.refused(slot, code, detail),
      onUpgradeFailed: () => this.opts.onUpgradeFailed?.(),
      ...(this.opts.node?.() ? { node: this.opts.node()! } : {}),
      onChange: () => {
        const synced = slot.link?.synced ?? false;
        if (synced && !slot.wasSynced) owner.synced(slot);
        slot.wasSynced = synced;
        owner.changed();
      },
    });
  }

  /** The links of the docs still granted (null: not made yet), for the connection shown. */
  links(): Array<Link | null> {
    return [...this.slots.values()].filter((s) => !s.revoked).map((s) => s.link);
  }

  setToken(token: string): void {
    this.token = token;
    for (const s of this.slots.values()) s.link?.setToken(token);
  }

  // ---------------------------------------------------------------- refusal recovery, compaction

  private refused(slot: S, code: string, detail: string): void {
    console.warn(`gridlink: relay refused an update of ${slot.name}: ${code} ${detail}`);
    if (slot.recovering || this.halted) return;
    slot.recovering = this.opts.owner
      .recover(slot)
      .catch((e: unknown) => console.error('gridlink recovery failed', e))
      .finally(() => {
        slot.recovering = null;
        this.opts.owner.recovered?.(slot);
      });
  }

  /**
   * Replace a refused doc (rescue.ts steps 1 and 2): this user's unacknowledged events are saved to the rescue,
   * then `close` runs, the link is destroyed, the owner's observers detached and a compaction awaited, the doc and
   * its store are deleted, and the slot gets a fresh doc (not synced yet: the rescue is re-sent after its first
   * sync, by the owner). False when the host stopped meanwhile.
   */
  async replaceDoc(slot: S, close?: () => void): Promise<boolean> {
    const fresh = await (await loadRescue(slot.ledger.policy)).recoverDoc(
      slot.ledger,
      slot.persistence,
      this.dbName(slot.name),
      async () => {
        close?.();
        slot.link?.destroy();
        slot.link = null;
        slot.detach();
        await slot.compacting;
      },
      () => !this.halted,
    );
    if (!fresh) return false;
    this.opts.prepare?.(fresh.doc);
    slot.doc = fresh.doc;
    slot.persistence = fresh.persistence;
    slot.wasSynced = false;
    return true;
  }

  /** Merge the doc's stored update rows into one snapshot, after any compaction under way (not after stop). */
  compactSoon(slot: S): void {
    slot.compacting = slot.compacting.then(() => (this.halted ? undefined : compact(slot.persistence))).catch((e: unknown) => console.error('gridlink compaction failed', e));
  }

  // ---------------------------------------------------------------- reads, shutdown

  /** The docs held, by name (tests and diagnostics). */
  docs(): ReadonlyMap<string, Y.Doc> {
    return new Map([...this.slots].map(([k, s]) => [k, s.doc]));
  }

  /** Resolves when the opens in flight have finished (whether they succeeded or not). */
  async opened(): Promise<void> {
    await Promise.allSettled(this.opening.values());
  }

  /** Stop (if not yet), let opens in flight finish, then close every doc: links, observers, compactions, stores. */
  async close(): Promise<void> {
    this.halted = true;
    await this.opened();
    for (const s of this.slots.values()) {
      s.link?.destroy();
      s.link = null;
      s.detach();
      await s.compacting;
      await s.persistence.destroy().catch(() => {});
      s.doc.destroy();
    }
    this.slots.clear();
  }
}
