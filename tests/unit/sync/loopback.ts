/**
 * An in-memory relay for engine and record sync tests: the same contract as the real one (sync on connect, ACK of
 * the durable state vector after every accepted update and after the initial sync, REFUSED for a whole update that
 * holds an invalid event or an event whose actor is not the token's user), with asynchronous delivery.
 * The token is the user id; `acceptToken` decides whether an upgrade succeeds.
 */
import * as Y from 'yjs';
import { parseRecordDocName } from '../../../src/domain/docs.ts';
import { parseEvent } from '../../../src/domain/events.ts';
import { parsePartyEvent } from '../../../src/domain/party.ts';
import { parsePeopleEvent } from '../../../src/domain/people.ts';
import type { Link, LinkHooks, LinkState, Transport } from '../../../src/sync/link.ts';
import { openPersistence, compact } from '../../../src/sync/persist.ts';
import { docDbName } from '../../../src/storage/schema.ts';

const RECORD_PARSERS: Record<string, (v: unknown) => { ok: true; event: { actor: string } } | { ok: false }> = {
  people: parsePeopleEvent,
  party: parsePartyEvent,
};

export class LoopbackRelay {
  readonly docs = new Map<string, Y.Doc>();
  readonly links = new Set<LoopLink>();
  refusals = 0;
  acceptToken: (token: string) => boolean = () => true;
  /** The user a token stands for (default: the token is the user id). */
  userOf: (token: string) => string = (t) => t;
  /** Extra refusal rule (return a code to refuse). */
  refuseIf: (docName: string, values: unknown[], token: string) => string | null = () => null;

  doc(name: string): Y.Doc {
    let d = this.docs.get(name);
    if (!d) this.docs.set(name, (d = new Y.Doc()));
    return d;
  }

  readonly transport: Transport = (name, doc, token, hooks) => new LoopLink(this, name, doc, token, hooks);

  /** Validate a client's update whole, apply it, acknowledge and broadcast; or refuse it whole. */
  receive(from: LoopLink, update: Uint8Array): void {
    const values: unknown[] = [];
    for (const s of Y.decodeUpdate(update).structs) if (s instanceof Y.Item && s.content instanceof Y.ContentAny) values.push(...s.content.getContent());
    let code: string | null = null;
    if (from.name !== 'org') {
      // Record docs (people, party) are checked with their own domain parsers, like the real relay does.
      const parse = RECORD_PARSERS[parseRecordDocName(from.name)?.kind ?? ''] ?? parseEvent;
      for (const v of values) {
        const r = parse(v);
        if (!r.ok) code = 'invalid_event';
        else if (r.event.actor !== this.userOf(from.token)) code = 'forged_actor';
      }
    } else if (values.length) code = 'read_only';
    code ??= this.refuseIf(from.name, values, from.token);
    if (code) {
      this.refusals++;
      from.hooks.onRefused(code, 'refused by loopback relay');
      return;
    }
    const server = this.doc(from.name);
    Y.applyUpdate(server, update, from);
    from.hooks.onAck(Y.encodeStateVector(server));
    for (const l of this.links) if (l !== from && l.name === from.name && l.state === 'connected') l.deliver(update);
  }
}

class LoopLink implements Link {
  state: LinkState = 'disconnected';
  synced = false;
  failures = 0;
  retrying = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly relay: LoopbackRelay,
    readonly name: string,
    readonly doc: Y.Doc,
    public token: string,
    readonly hooks: LinkHooks,
  ) {
    relay.links.add(this);
    this.connect();
  }

  private readonly onLocal = (update: Uint8Array, origin: unknown) => {
    if (origin === this || this.state !== 'connected') return;
    setTimeout(() => {
      if (this.state === 'connected') this.relay.receive(this, update);
    }, 1);
  };

  connect(): void {
    this.retrying = true;
    if (this.state !== 'disconnected' || this.timer) return;
    this.state = 'connecting';
    this.hooks.onChange();
    this.timer = setTimeout(() => this.open(), 1);
  }

  private open(): void {
    this.timer = null;
    if (!this.retrying) return;
    if (!this.relay.acceptToken(this.token)) {
      this.failures++;
      this.state = 'disconnected';
      this.hooks.onUpgradeFailed();
      this.hooks.onChange();
      // Like y-websocket: a retry is scheduled, and does nothing if the link was disconnected meanwhile.
      if (this.retrying && !this.timer) {
        this.timer = setTimeout(() => {
          this.timer = null;
          if (this.retrying) this.connect();
        }, 5);
      }
      return;
    }
    this.state = 'connected';
    this.hooks.onChange();
    const server = this.relay.doc(this.name);
    // The relay's step 1 is answered with the client's missing part; ACK of the durable state follows the sync.
    this.hooks.onAck(Y.encodeStateVector(server));
    const mine = Y.encodeStateAsUpdate(this.doc, Y.encodeStateVector(server));
    Y.applyUpdate(this.doc, Y.encodeStateAsUpdate(server, Y.encodeStateVector(this.doc)), this);
    this.synced = true;
    this.failures = 0;
    this.doc.on('update', this.onLocal);
    this.hooks.onChange();
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
    if (Y.decodeUpdate(mine).structs.length) setTimeout(() => this.state === 'connected' && this.relay.receive(this, mine), 1);
  }

  deliver(update: Uint8Array): void {
    setTimeout(() => {
      if (this.state === 'connected') Y.applyUpdate(this.doc, update, this);
    }, 1);
  }

  disconnect(): void {
    this.retrying = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.doc.off('update', this.onLocal);
    const was = this.state;
    this.state = 'disconnected';
    this.synced = false;
    if (was !== 'disconnected') this.hooks.onChange();
  }

  setToken(token: string): void {
    this.token = token;
  }

  whenSynced(): Promise<void> {
    return this.synced ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }

  destroy(): void {
    this.disconnect();
    this.relay.links.delete(this);
  }
}

/** Put an update into a user's local y-indexeddb store for a doc, as a previous session would have left it. */
export async function seedLocalDoc(ns: string, userId: string, docName: string, ...updates: Uint8Array[]): Promise<void> {
  const doc = new Y.Doc();
  const p = await openPersistence(docDbName(ns, userId, docName), doc);
  for (const u of updates) Y.applyUpdate(doc, u);
  await compact(p);
  await p.destroy();
  doc.destroy();
}

export const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll until `f` is true (one helper for every test: tests/support/wait.ts). */
export { until } from '../../support/wait.ts';
