/**
 * Sync of the issue-5 record docs (`people.<gridId>`, `party.<townId>`, and any other kind `parseRecordDocName`
 * knows): each an append-only Y.Array `events` (see src/domain/people.ts for why), kept on the device by
 * y-indexeddb and carried by the same transport as the case docs. Kept apart from SyncEngine (which owns the case
 * read model): these docs are small (a grid's people, a town's party work), so they are folded in memory; residents
 * are also indexed for search in the per-user Dexie db (`people` table, schema version 3: every suffix of name and
 * address), rewritten per grid when its doc changes. Search through the index works offline; before the index is
 * written the caller falls back to the folded docs.
 *
 * The docs are hosted by a DocHost (host.ts: open once, persistence, ledger, links, grants, the recovery's doc swap,
 * stop), as the case engine's are; RecordSync keeps the folds and search index, its unsaved count and status, and
 * when its links follow the network.
 *
 * Contract: `start()` resolves once every granted doc has loaded from local storage; `append` validates the event
 * with the domain before it touches the doc (the relay inspects it again); `version` increases on every change.
 * Durability is the case engine's (src/sync/docsync.ts, the same `meta` keys in the per-user db):
 *  - `unsaved()` counts this device's own events the relay has not acknowledged, this session's and earlier ones'
 *    (the acknowledged state vector and own client ids per doc are kept in `meta`); `status` carries that count,
 *    the last save and the links' connection, which the session adds to the header's sync status.
 *  - A refusal (REFUSED) is recovered, never looped on: own unacknowledged events are saved to `meta`, the local doc
 *    is deleted and resynced, and the saved events that are still valid and missing on the relay are appended
 *    once; refused again, they are set aside (`refused:<doc>`). Appends made during a recovery wait for the new doc.
 *  - `setGrants` (the grants read again mid-session): new docs open and sync; docs no longer granted stop syncing
 *    and stay readable, not writable.
 */
import { signal, type ReadonlySignal } from '@preact/signals';
import * as Y from 'yjs';
import { parseRecordDocName, type DocAccess, type DocGrant } from '../domain/docs.ts';
import type { UserInfo } from '../domain/org.ts';
import { PARTY_ROLES, parsePartyEvent } from '../domain/party.ts';
import { TRAINING_ROLES, parseTrainingEvent } from '../domain/training.ts';
import { PATROL_ROLES, parsePatrolEvent } from '../domain/patrols.ts';
import { BLOB_RECORD_KINDS, recordBlobHashes } from '../domain/recordblobs.ts';
import { parseDetailEvent, parseSummaryEvent } from '../domain/mediation.ts';
import { mediationAccess } from '../domain/docs.ts';
import { foldPeople, parseIdNumberEvent, parsePeopleEvent, peopleRoleMayWrite, searchKey } from '../domain/people.ts';
import { getMeta, setMeta } from '../storage/meta.ts';
import { META, UserDb, userDbName, type PeopleSearchRecord } from '../storage/schema.ts';
import type { ConnectionState, SyncStatus } from './status.ts';
import { linksState, ownBy, setStatus, type RescuePolicy } from './docsync.ts';
import { DocHost, type HostedDoc } from './host.ts';
import type { Transport } from './link.ts';
import { EVENTS_ARRAY } from '../protocol/wire.ts';

/** A Y.Doc's state as a string (state vector and delete set): RecordSync.stateKey. */
export function docStateKey(doc: Y.Doc): string {
  const bytes = Y.encodeSnapshot(Y.snapshot(doc));
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export type RecordKind = NonNullable<ReturnType<typeof parseRecordDocName>>['kind'];

export interface RecordSyncOptions {
  ns: string;
  user: UserInfo;
  grants: readonly DocGrant[];
  token: string;
  transport: Transport | null;
  online: () => boolean;
  now?: () => number;
  /** A connection attempt failed before the socket opened (the session checks the token and the grants). */
  onUpgradeFailed?: () => void;
  /** How often the links are (re)made while `online()` (ms). */
  pollMs?: number | undefined;
  /**
   * The session's network watcher (SyncEngine.onNetwork): the links follow each change at once, as the case docs'
   * do, so the header never says offline while a record can still slip out. Without it, only the poll sees changes.
   */
  watchNetwork?: (onChange: () => void) => () => void;
  /** Delay of the status recount after changes (ms). */
  statusMs?: number;
  /** The user's db when the caller has it open already (the session: the case engine's); used, not closed here. */
  db?: UserDb;
  /**
   * Issue 17: called as an event that names blobs (a check-in's photos, a task answer's photo:
   * src/domain/recordblobs.ts) is appended, with their hashes: the session moves them from draft into the blob
   * outbox (src/sync/uploads.ts attachHashes) and kicks the uploader.
   */
  attachBlobs?: (hashes: string[]) => void;
}

/** What the records add to the header's sync status (connection null: no record doc is synced). */
export interface RecordStatus extends Pick<SyncStatus, 'unsaved' | 'lastSavedMs' | 'ready'> {
  connection: ConnectionState | null;
}

interface RecordEvent {
  id: string;
  type: string;
  actor: string;
}

/**
 * Which events of a record doc are this user's and may be re-sent after a refusal, by doc kind: what the relay
 * checks (server/validate.ts). A kind without an entry: any `{id, type, actor}` value of this user (the relay judges).
 */
const POLICIES: { [K in RecordKind]?: (user: UserInfo) => RescuePolicy<RecordEvent> } = {
  people: ownBy(parsePeopleEvent, peopleRoleMayWrite),
  idnumbers: ownBy(parseIdNumberEvent, peopleRoleMayWrite),
  party: ownBy(parsePartyEvent, (user, e) => (PARTY_ROLES as Record<string, readonly string[] | undefined>)[e.type]?.includes(user.role) ?? false),
  training: ownBy(parseTrainingEvent, (user) => TRAINING_ROLES.includes(user.role)),
  patrols: ownBy(parsePatrolEvent, (user, e) => PATROL_ROLES[e.type].includes(user.role)),
  mediation: ownBy(parseSummaryEvent, (user) => mediationAccess(user, user.townId ?? '') === 'write'),
  dispute: ownBy(parseDetailEvent, () => true),
};

const anyOwn = ownBy<RecordEvent>((v) => {
  const o = v as Partial<RecordEvent> | null;
  return typeof o?.id === 'string' && typeof o.type === 'string' && typeof o.actor === 'string' ? { ok: true, event: o as RecordEvent } : { ok: false };
}, () => true);

/** A hosted doc (host.ts) with what RecordSync keeps of it. */
interface RecordSlot extends HostedDoc<RecordEvent> {
  /** Own unacknowledged events at the last count (see `dirty`). */
  unsaved: number;
  dirty: boolean;
  /** Events appended during a recovery, for the new doc. */
  held: unknown[];
}

export class RecordSync {
  private readonly host: DocHost<RecordSlot>;
  private readonly versionSig = signal(0);
  /** A recount changed some doc's unsaved count since `version` last moved. */
  private countChanged = false;
  private readonly statusSig = signal<RecordStatus>({ unsaved: 0, lastSavedMs: null, ready: false, connection: null });
  private started: Promise<void> | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private unwatch: () => void = () => {};
  private statusTimer: ReturnType<typeof setTimeout> | null = null;
  private lastSavedMs: number | null = null;
  private ready = false;
  private wasOnline = true;
  private db: UserDb | null = null;
  private readonly indexTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private indexing: Promise<void> = Promise.resolve();
  /** The grants GET /api/me gave last (the session's); `setGrants` replaces them. */
  private granted: readonly DocGrant[];
  /**
   * Issue 17: grants this device derives itself from the docs it holds: the dispute docs the town's summary names this
   * user a mediator of (src/app/mediation.ts). The relay decides the same from its copy of the summary; /api/me does
   * not list them, so `setGrants` keeps them.
   */
  private derived: readonly DocGrant[] = [];
  /** Granted docs not opened yet (`loading`). */
  private readonly loadingNames: Set<string>;
  /** Resolves once `start` has this user's db (or at `stop`): `readDerived` asked earlier waits for it. */
  private dbOpenedNow: () => void = () => {};
  private readonly dbOpened = new Promise<void>((r) => (this.dbOpenedNow = r));
  /** Bookkeeping writes in flight (stop waits for them). */
  private saving: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: RecordSyncOptions) {
    this.granted = opts.grants;
    this.loadingNames = new Set(opts.grants.map((g) => g.name));
    this.host = new DocHost<RecordSlot>({
      ns: opts.ns,
      user: opts.user,
      token: opts.token,
      transport: opts.transport,
      onUpgradeFailed: () => this.opts.onUpgradeFailed?.(),
      prepare: (doc) => void doc.getArray(EVENTS_ARRAY),
      owner: {
        acked: (slot, sv) => this.onAck(slot, sv),
        synced: (slot) => this.onFirstSync(slot),
        changed: () => this.refreshStatus(true),
        recover: (slot) => this.recoverHolding(slot),
        recovered: (slot) => {
          slot.dirty = true;
          this.connect();
        },
      },
    });
  }

  private get slots(): ReadonlyMap<string, RecordSlot> {
    return this.host.slots;
  }

  private get stopped(): boolean {
    return this.host.stopped;
  }

  get version(): ReadonlySignal<number> {
    return this.versionSig;
  }

  get status(): ReadonlySignal<RecordStatus> {
    return this.statusSig;
  }

  start(): Promise<void> {
    // A session resumed in the background may be stopped before its records start: then nothing opens.
    if (this.stopped && !this.started) return Promise.resolve();
    return (this.started ??= this.doStart());
  }

  private async doStart(): Promise<void> {
    this.db = this.opts.db ?? new UserDb(userDbName(this.opts.ns, this.opts.user.id));
    this.dbOpenedNow();
    await this.db.open();
    await Promise.all(this.opts.grants.map((g) => this.open(g)));
    if (this.stopped) return;
    this.connect();
    // Reconnect when the network returns (the links retry by themselves once created).
    this.timer = setInterval(() => this.connect(), this.opts.pollMs ?? 2000);
    this.unwatch = this.opts.watchNetwork?.(() => this.connect()) ?? (() => {});
    this.ready = true;
    this.refreshStatus(true);
  }

  private open(grant: DocGrant): Promise<void> {
    this.loadingNames.add(grant.name);
    return this.host.open(grant.name, () => this.doOpen(grant)).finally(() => {
      // Not opened after all (held already, or stopped meanwhile): readers stop waiting for it.
      if (this.loadingNames.delete(grant.name)) this.versionSig.value++;
    });
  }

  /**
   * Whether a granted doc is still loading from local storage (from construction until its open settles): a fold
   * that reads several docs waits for all of them (issue 17: a care index of the people doc without its care log
   * would list visited households as due).
   */
  loading(name: string): boolean {
    return this.loadingNames.has(name);
  }

  private async doOpen(grant: DocGrant): Promise<void> {
    const kind = parseRecordDocName(grant.name)?.kind;
    const db = this.db;
    if (!kind || !db) return;
    const slot = await this.host.load(grant, db, (POLICIES[kind] ?? anyOwn)(this.opts.user), (base) => ({ ...base, unsaved: 0, dirty: true, held: [] }));
    if (!slot) return;
    this.attach(slot);
    this.loadingNames.delete(grant.name);
    this.versionSig.value++;
    this.indexSoon(grant.name, 0);
  }

  private attach(slot: RecordSlot): void {
    slot.doc.on('update', () => {
      slot.dirty = true;
      this.versionSig.value++;
      this.indexSoon(slot.name);
      this.refreshStatus();
    });
  }

  /** The grants changed mid-session (GET /api/me read again): docs no longer granted stop syncing, new ones open. */
  setGrants(grants: readonly DocGrant[]): Promise<void> {
    this.granted = grants;
    this.revokeGrants([...grants, ...this.derived]);
    return this.addGrants(grants);
  }

  /**
   * Issue 17: the derived grants (see `derived`) are now these: new ones open (and sync once the relay agrees), ones no
   * longer derived stop syncing (a removed mediator), as a grant /api/me no longer lists would.
   */
  setDerivedGrants(grants: readonly DocGrant[]): Promise<void> {
    this.derived = grants;
    this.revokeGrants([...this.granted, ...grants]);
    return grants.length ? this.addGrants(grants) : Promise.resolve();
  }

  /** Open (and connect) docs granted after the session started; docs already open get the new access. */
  async addGrants(grants: readonly DocGrant[]): Promise<void> {
    await this.start();
    await Promise.all(this.host.regrant(grants).map((g) => this.open(g)));
    this.connect();
  }

  /** Stop syncing docs that are not in `granted` (the relay would refuse them); keep them readable, not writable. */
  revokeGrants(granted: readonly DocGrant[]): void {
    this.host.revoke(granted);
    this.refreshStatus(true);
  }

  /** Rewrite a people doc's search rows shortly after it changed (a sync delivers many updates at once). */
  private indexSoon(name: string, delayMs = 300): void {
    const parsed = parseRecordDocName(name);
    if (parsed?.kind !== 'people' || !this.db || this.stopped) return;
    const gridId = parsed.gridId;
    clearTimeout(this.indexTimers.get(name));
    this.indexTimers.set(
      name,
      setTimeout(() => {
        this.indexTimers.delete(name);
        this.indexing = this.indexing.then(() => this.writeIndex(name, gridId)).catch((e: unknown) => console.error('gridlink: people index failed', e));
      }, delayMs),
    );
  }

  private async writeIndex(name: string, gridId: string): Promise<void> {
    const db = this.db;
    if (!db || this.stopped) return;
    const state = foldPeople(this.events(name));
    const rows: PeopleSearchRecord[] = [];
    for (const r of state.residents.values()) {
      const address = state.households.get(r.householdId)?.address ?? '';
      const terms = new Set<string>();
      for (const text of [searchKey(r.name), searchKey(address)]) for (let i = 0; i < text.length; i++) terms.add(text.slice(i));
      rows.push({ id: `${gridId}:${r.id}`, gridId, residentId: r.id, terms: [...terms] });
    }
    await db.transaction('rw', db.people, async () => {
      await db.people.where('gridId').equals(gridId).delete();
      await db.people.bulkPut(rows);
    });
  }

  /** Residents whose name or address contains `q`, through the Dexie index: `{gridId, residentId}`. */
  async searchIndex(q: string, limit: number): Promise<Array<{ gridId: string; residentId: string }>> {
    const key = searchKey(q);
    if (!this.db || !key) return [];
    await this.indexing;
    const out = new Map<string, { gridId: string; residentId: string }>();
    await this.db.people
      .where('terms')
      .startsWith(key)
      .until(() => out.size >= limit)
      .each((r) => {
        out.set(r.id, { gridId: r.gridId, residentId: r.residentId });
      });
    return [...out.values()];
  }

  /** Resolves when pending index writes are done (tests). */
  async indexed(): Promise<void> {
    for (const t of this.indexTimers.values()) clearTimeout(t);
    const names = [...this.indexTimers.keys()];
    this.indexTimers.clear();
    for (const n of names) {
      const p = parseRecordDocName(n);
      if (p?.kind === 'people') this.indexing = this.indexing.then(() => this.writeIndex(n, p.gridId));
    }
    await this.indexing;
  }

  // ---------------------------------------------------------------- links, acknowledgements, status (the links themselves: host.ts)

  /** Make or resume the links while online; close them when the network is gone (on the change, like the engine). */
  private connect(): void {
    const online = this.opts.online();
    if (this.opts.transport && !this.stopped) {
      for (const slot of this.slots.values()) {
        if (slot.revoked || slot.recovering) continue;
        if (!online) {
          if (this.wasOnline) slot.link?.disconnect();
        } else if (!slot.link || !this.wasOnline) this.host.connect(slot);
      }
    }
    this.wasOnline = online;
    this.refreshStatus(true);
  }

  private onAck(slot: RecordSlot, sv: Uint8Array): void {
    if (slot.recovering) return;
    // Count with the previous acknowledgement first: the events this one covers are then seen being saved.
    slot.dirty = true;
    this.unsaved();
    this.track(
      slot.ledger.ack(sv).then(() => {
        slot.dirty = true;
        this.refreshStatus();
      }),
    );
  }

  /** A doc's link has just synced (the host then records it as synced and the status is refreshed). */
  private onFirstSync(slot: RecordSlot): void {
    if (slot.ledger.rescuePending && !slot.recovering) {
      this.track(slot.ledger.resendRescue(slot.doc, slot.access === 'write' && !slot.revoked).then(() => this.refreshStatus(true)));
    }
  }

  /** Recount what is unsaved and update `status`: at once, or shortly after a burst of changes. */
  private refreshStatus(now = false): void {
    if (this.stopped) return;
    if (!now) {
      this.statusTimer ??= setTimeout(() => this.refreshStatus(true), this.opts.statusMs ?? 30);
      return;
    }
    if (this.statusTimer) clearTimeout(this.statusTimer);
    this.statusTimer = null;
    const unsaved = this.unsaved();
    const links = this.host.links();
    const connection = !links.length ? null : !this.opts.transport || !this.opts.online() ? 'offline' : linksState(links);
    setStatus(this.statusSig, { unsaved, lastSavedMs: this.lastSavedMs, connection, ready: this.ready });
    // Screens that show `unsaved()` re-render on `version`. A screen may have counted a change that was saved
    // before the status above ever showed it, so compare with every count, not only with the status.
    if (this.countChanged) {
      this.countChanged = false;
      this.versionSig.value++;
    }
  }

  /**
   * The header's sync status `e` (the engine's) with the records' part: their unsaved events added, the later last
   * save, the weaker connection, ready once both are. Reads `status`, so a computed signal calling it follows both.
   */
  withRecords(e: SyncStatus): SyncStatus {
    const r = this.statusSig.value;
    const c = [e.connection, r.connection];
    return {
      ...e,
      connection: c.includes('offline') ? 'offline' : c.includes('connecting') ? 'connecting' : e.connection,
      unsaved: e.unsaved + r.unsaved,
      lastSavedMs: Math.max(e.lastSavedMs ?? 0, r.lastSavedMs ?? 0) || null,
      ready: e.ready && r.ready,
    };
  }

  setToken(token: string): void {
    this.host.setToken(token);
  }

  /** Own events not yet acknowledged as durable by the relay (this session's and earlier ones', and rescued ones). */
  unsaved(): number {
    let n = 0;
    for (const s of this.slots.values()) {
      if (s.dirty && !s.recovering) {
        s.dirty = false;
        const u = s.ledger.count(s.doc);
        if (u.count !== s.unsaved) this.countChanged = true;
        s.unsaved = u.count;
        if (u.saved) {
          this.lastSavedMs = (this.opts.now ?? Date.now)();
          if (this.db) this.track(setMeta(this.db, META.lastSaved, this.lastSavedMs));
        }
      }
      n += s.unsaved + s.ledger.rescueCount + s.held.length;
    }
    return n;
  }

  private track(p: Promise<unknown>): void {
    this.saving = Promise.all([this.saving, p.catch((e: unknown) => console.error('gridlink: record bookkeeping failed', e))]);
  }

  // ---------------------------------------------------------------- refusal recovery

  /** A refused doc (the host runs one recovery at a time; afterwards the links are made again). */
  private recoverHolding(slot: RecordSlot): Promise<void> {
    return this.recover(slot)
      .catch(async (e: unknown) => {
        console.error('gridlink: record recovery failed', e);
        // Appends made while it ran were never written to a doc: keep them in the rescue, which the next sync
        // (or the next start) re-sends like the rest of it.
        const held = slot.held.splice(0);
        if (!held.length) return;
        const { db } = slot.ledger;
        await setMeta(db, META.rescue(slot.name), [...((await getMeta(db, META.rescue(slot.name), Array.isArray)) ?? []), ...held]);
        slot.ledger.rescuePending = true;
        slot.ledger.rescueCount += held.length;
      })
      .catch((e: unknown) => console.error('gridlink: keeping records made during a failed recovery failed', e));
  }

  private async recover(slot: RecordSlot): Promise<void> {
    // Rescue this user's unacknowledged events to meta, drop the doc, open a new one (host.ts, rescue.ts).
    const replaced = await this.host.replaceDoc(slot, () => {
      // Counted in the rescue from now on.
      slot.unsaved = 0;
    });
    if (!replaced) return;
    const { doc } = slot;
    this.attach(slot);
    if (slot.held.length) {
      await slot.ledger.recordClient(doc.clientID);
      const held = slot.held.splice(0);
      doc.transact(() => doc.getArray<unknown>(EVENTS_ARRAY).push(held));
    }
    this.versionSig.value++;
    this.indexSoon(slot.name, 0);
    // The rescue runs at the next sync (onFirstSync), now or after a reload.
  }

  // ---------------------------------------------------------------- reads and writes

  /** The docs held (diagnostics and tests). */
  docs(): ReadonlyMap<string, Y.Doc> {
    return this.host.docs();
  }

  /** Names of the docs held, by kind. */
  names(kind: RecordKind): string[] {
    return [...this.slots.keys()].filter((n) => parseRecordDocName(n)?.kind === kind).sort();
  }

  /** Access to a held doc: 'read' once it is no longer granted. */
  access(name: string): DocAccess | null {
    const s = this.slots.get(name);
    return s ? (s.revoked ? 'read' : s.access) : null;
  }

  /**
   * Whether a held doc's content is known (issue 17): it holds something, or its link synced with the relay at least
   * once in this session. An empty doc that never synced is not known to be empty (screens show no empty state).
   */
  known(name: string): boolean {
    const s = this.slots.get(name);
    if (!s) return false;
    if (s.wasSynced) this.everSynced.add(name);
    return this.everSynced.has(name) || this.events(name).length > 0;
  }
  private readonly everSynced = new Set<string>();

  /**
   * The state of a held doc (null when not held): its state vector and delete set (a Yjs snapshot), base64. Equal
   * keys, equal content: what was folded from a doc is still right while its key is the same.
   */
  stateKey(name: string): string | null {
    const doc = this.slots.get(name)?.doc;
    return doc ? docStateKey(doc) : null;
  }

  /** Something kept in the per-user db under `key` (META.derived), or undefined (none, or no db). */
  async readDerived(key: string): Promise<unknown> {
    // The session's db (opts.db) is there before `start` has loaded the docs: read while they load. Without it,
    // wait for `start` to open this user's db (or for `stop`).
    if (!this.db && !this.opts.db) await this.dbOpened;
    const db = this.db ?? this.opts.db;
    return db && !this.stopped ? (await db.meta.get(META.derived(key)))?.value : undefined;
  }

  /** Keep `value` under `key` (META.derived); stop waits for the write. */
  writeDerived(key: string, value: unknown): Promise<void> {
    const db = this.db ?? this.opts.db;
    if (!db || this.stopped) return Promise.resolve();
    const p = setMeta(db, META.derived(key), value);
    this.track(p);
    return p;
  }

  /** The raw events of a doc (an empty list when not held). */
  events(name: string): unknown[] {
    return this.slots.get(name)?.doc.getArray<unknown>(EVENTS_ARRAY).toArray() ?? [];
  }

  /** Whether the docs are loaded from this device's store (`start` finished). */
  isReady(): boolean {
    return this.ready;
  }

  /**
   * The blobs this user's events in the held docs name (a check-in's photos, a task answer's photo). The move of an
   * appended event's blobs into the outbox (`attachBlobs`) runs after the append, so a tab closed in between leaves a
   * saved event naming a draft: the session moves those at start and before drafts expire (src/app/session.ts).
   */
  namedBlobs(): string[] {
    const out = new Set<string>();
    for (const [name, slot] of this.slots) {
      const kind = parseRecordDocName(name)?.kind ?? '';
      if (!(BLOB_RECORD_KINDS as readonly string[]).includes(kind)) continue;
      for (const v of slot.doc.getArray<unknown>(EVENTS_ARRAY).toArray()) {
        if ((v as { actor?: unknown } | null)?.actor !== this.opts.user.id) continue;
        for (const h of recordBlobHashes(kind, v)) out.add(h);
      }
    }
    return [...out];
  }

  append(name: string, event: object): boolean {
    const slot = this.slots.get(name);
    if (!slot || this.access(name) !== 'write') return false;
    const value = JSON.parse(JSON.stringify(event)) as unknown;
    // The blobs it names enter the outbox with it (a held event too: it is acknowledged to the user).
    const hashes = recordBlobHashes(parseRecordDocName(name)?.kind ?? '', value);
    if (hashes.length > 0) this.opts.attachBlobs?.(hashes);
    if (slot.recovering) {
      slot.held.push(value);
      this.refreshStatus();
      return true;
    }
    // The client id is kept (in memory at once, in meta shortly): an event of this session counts after a reload.
    this.track(slot.ledger.recordClient(slot.doc.clientID));
    slot.doc.transact(() => slot.doc.getArray<unknown>(EVENTS_ARRAY).push([value]));
    return true;
  }

  /** Resolves when every doc's link is synced (tests). */
  async whenSynced(): Promise<void> {
    await Promise.all([...this.slots.values()].map((s) => s.link?.whenSynced()));
  }

  /** Resolves when recoveries have finished (tests, stop). */
  async settled(): Promise<void> {
    for (let i = 0; i < 5 && [...this.slots.values()].some((s) => s.recovering); i++) {
      await Promise.all([...this.slots.values()].map((s) => s.recovering));
    }
  }

  async stop(): Promise<void> {
    this.dbOpenedNow();
    this.loadingNames.clear();
    if (this.stopped) return;
    await this.started?.catch(() => {});
    await this.settled();
    this.host.halt();
    this.unwatch();
    if (this.timer) clearInterval(this.timer);
    if (this.statusTimer) clearTimeout(this.statusTimer);
    for (const t of this.indexTimers.values()) clearTimeout(t);
    this.indexTimers.clear();
    await this.host.opened();
    await this.indexing.catch(() => {});
    await this.saving;
    await this.host.close();
    if (!this.opts.db) this.db?.close();
  }
}
