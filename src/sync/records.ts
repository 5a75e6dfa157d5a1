/**
 * Sync of the issue-5 record docs (`people.<gridId>`, `party.<townId>`): each an append-only Y.Array `events`
 * (see src/domain/people.ts for why), kept on the device by y-indexeddb and carried by the same transport as the
 * case docs. Kept apart from SyncEngine (which owns the case read model): these docs are small (a grid's people,
 * a town's party work), so they are folded in memory; residents are also indexed for search in the per-user Dexie
 * db (`people` table, schema version 3: every suffix of name and address), rewritten per grid when its doc changes.
 * Search through the index works offline; before the index is written the caller falls back to the folded docs.
 *
 * Contract: `start()` resolves once every granted doc has loaded from local storage; `append` validates the event
 * with the domain before it touches the doc (the relay inspects it again); `version` increases on every change.
 * `unsaved()` counts this session's own events the relay has not acknowledged yet (ACK state vectors), shown on
 * the people and party screens. Not done here (unlike SyncEngine): counting them in the shell's sync status,
 * counting own events of an earlier session that were never acknowledged (they are kept and sent, not counted),
 * and recovering after a refusal; a refused people/party update stays local and is logged.
 */
import { signal, type ReadonlySignal } from '@preact/signals';
import type { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { parseRecordDocName, type DocGrant } from '../domain/docs.ts';
import type { UserInfo } from '../domain/org.ts';
import { foldPeople, searchKey } from '../domain/people.ts';
import { docDbName, UserDb, userDbName, type PeopleSearchRecord } from '../storage/schema.ts';
import type { Link, Transport } from './link.ts';
import { openPersistence } from './persist.ts';
import { EVENTS_ARRAY } from './protocol.ts';

export interface RecordSyncOptions {
  ns: string;
  user: UserInfo;
  grants: readonly DocGrant[];
  token: string;
  transport: Transport | null;
  online: () => boolean;
}

interface RecordSlot {
  grant: DocGrant;
  doc: Y.Doc;
  persistence: IndexeddbPersistence;
  link: Link | null;
  /** The relay's acknowledged clock of this doc's own client (doc.clientID). */
  ackedClock: number;
}

export class RecordSync {
  private readonly slots = new Map<string, RecordSlot>();
  private readonly versionSig = signal(0);
  private token: string;
  private stopped = false;
  private started: Promise<void> | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private db: UserDb | null = null;
  private readonly indexTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private indexing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: RecordSyncOptions) {
    this.token = opts.token;
  }

  get version(): ReadonlySignal<number> {
    return this.versionSig;
  }

  start(): Promise<void> {
    // A session resumed in the background may be stopped before its records start: then nothing opens.
    if (this.stopped && !this.started) return Promise.resolve();
    return (this.started ??= this.doStart());
  }

  private async doStart(): Promise<void> {
    const grants = this.opts.grants.filter((g) => parseRecordDocName(g.name));
    if (grants.some((g) => parseRecordDocName(g.name)?.kind === 'people')) {
      this.db = new UserDb(userDbName(this.opts.ns, this.opts.user.id));
      await this.db.open();
    }
    await Promise.all(grants.map((g) => this.open(g)));
    if (this.stopped) return;
    this.connect();
    // Reconnect when the network returns (the links retry by themselves once created).
    this.timer = setInterval(() => this.connect(), 2000);
  }

  private async open(grant: DocGrant): Promise<void> {
    const doc = new Y.Doc();
    doc.getArray(EVENTS_ARRAY);
    const persistence = await openPersistence(docDbName(this.opts.ns, this.opts.user.id, grant.name), doc);
    if (this.stopped) {
      await persistence.destroy();
      doc.destroy();
      return;
    }
    doc.on('update', () => {
      this.versionSig.value++;
      this.indexSoon(grant.name);
    });
    this.slots.set(grant.name, { grant, doc, persistence, link: null, ackedClock: 0 });
    this.versionSig.value++;
    this.indexSoon(grant.name, 0);
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

  private connect(): void {
    const transport = this.opts.transport;
    if (!transport || this.stopped || !this.opts.online()) return;
    for (const [name, slot] of this.slots) {
      if (slot.link) continue;
      slot.link = transport(name, slot.doc, this.token, {
        onAck: (sv) => {
          try {
            slot.ackedClock = Y.decodeStateVector(sv).get(slot.doc.clientID) ?? 0;
            this.versionSig.value++;
          } catch {
            // a malformed ACK changes nothing
          }
        },
        onRefused: (code, detail) => console.warn(`gridlink: ${name} refused an update: ${code} ${detail}`),
        onUpgradeFailed: () => {},
        onChange: () => {},
      });
      slot.link.connect();
    }
  }

  setToken(token: string): void {
    this.token = token;
    for (const s of this.slots.values()) s.link?.setToken(token);
  }

  /** Own events of this session not yet acknowledged as durable by the relay. */
  unsaved(): number {
    let n = 0;
    for (const s of this.slots.values()) {
      const own = s.doc.clientID;
      for (let item = s.doc.getArray(EVENTS_ARRAY)._start; item !== null; item = item.right) {
        if (item.id.client !== own || item.deleted) continue;
        n += Math.max(0, Math.min(item.length, item.id.clock + item.length - s.ackedClock));
      }
    }
    return n;
  }

  /** The docs held (diagnostics and tests). */
  docs(): ReadonlyMap<string, Y.Doc> {
    return new Map([...this.slots].map(([n, s]) => [n, s.doc]));
  }

  /** Names of the docs held, by kind. */
  names(kind: 'people' | 'party'): string[] {
    return [...this.slots.keys()].filter((n) => parseRecordDocName(n)?.kind === kind).sort();
  }

  access(name: string): DocGrant['access'] | null {
    return this.slots.get(name)?.grant.access ?? null;
  }

  /** The raw events of a doc (an empty list when not held). */
  events(name: string): unknown[] {
    return this.slots.get(name)?.doc.getArray<unknown>(EVENTS_ARRAY).toArray() ?? [];
  }

  append(name: string, event: object): boolean {
    const slot = this.slots.get(name);
    if (!slot || slot.grant.access !== 'write') return false;
    slot.doc.transact(() => slot.doc.getArray<unknown>(EVENTS_ARRAY).push([JSON.parse(JSON.stringify(event)) as unknown]));
    return true;
  }

  /** Resolves when every doc's link is synced (tests). */
  async whenSynced(): Promise<void> {
    await Promise.all([...this.slots.values()].map((s) => s.link?.whenSynced()));
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const t of this.indexTimers.values()) clearTimeout(t);
    this.indexTimers.clear();
    await this.started?.catch(() => {});
    await this.indexing.catch(() => {});
    this.db?.close();
    for (const s of this.slots.values()) {
      s.link?.destroy();
      await s.persistence.destroy().catch(() => {});
      s.doc.destroy();
    }
    this.slots.clear();
  }
}
