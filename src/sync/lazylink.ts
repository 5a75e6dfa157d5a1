/**
 * A transport whose code loads on first use. The websocket transport (y-websocket, y-protocols, the multiplexer)
 * is not needed to paint the first screen from local data, so it stays out of the initial bundle: the links it
 * would make are stood in for until it has loaded, then created with the latest token and wanted state.
 * A failed load (a missing chunk) is retried at the next `connect()`; until then the link is simply not connected.
 */
import type * as Y from 'yjs';
import type { Link, LinkHooks, LinkState, Transport } from './link.ts';

/** `http(s)://host` -> `ws(s)://host`. */
export function wsOriginOf(httpOrigin: string): string {
  const u = new URL(httpOrigin);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.origin;
}

export function lazyTransport(load: () => Promise<Transport>): Transport {
  let loading: Promise<Transport> | null = null;
  const get = (): Promise<Transport> =>
    (loading ??= load().catch((e: unknown) => {
      loading = null;
      throw e;
    }));
  return (docName, doc, token, hooks) => new LazyLink(get, docName, doc, token, hooks);
}

class LazyLink implements Link {
  private real: Link | null = null;
  private want = true;
  private gone = false;
  private loadingNow = false;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly get: () => Promise<Transport>,
    private readonly docName: string,
    private readonly doc: Y.Doc,
    private token: string,
    private readonly hooks: LinkHooks,
  ) {
    this.load();
  }

  private load(): void {
    if (this.real || this.loadingNow || this.gone) return;
    this.loadingNow = true;
    this.get().then(
      (transport) => {
        this.loadingNow = false;
        if (this.gone) return;
        const real = transport(this.docName, this.doc, this.token, this.hooks);
        this.real = real;
        if (!this.want) real.disconnect();
        for (const w of this.waiters) void real.whenSynced().then(w);
        this.waiters = [];
        this.hooks.onChange();
      },
      (e: unknown) => {
        this.loadingNow = false;
        console.error('gridlink: sync code failed to load', e);
        this.hooks.onChange();
      },
    );
  }

  get state(): LinkState {
    return this.real?.state ?? (this.want && this.loadingNow ? 'connecting' : 'disconnected');
  }
  get synced(): boolean {
    return this.real?.synced ?? false;
  }
  get failures(): number {
    return this.real?.failures ?? (this.loadingNow ? 0 : 1);
  }
  get retrying(): boolean {
    return this.real?.retrying ?? (this.want && this.loadingNow);
  }
  connect(): void {
    this.want = true;
    if (this.real) this.real.connect();
    else this.load();
  }
  disconnect(): void {
    this.want = false;
    this.real?.disconnect();
  }
  setToken(token: string): void {
    this.token = token;
    this.real?.setToken(token);
  }
  whenSynced(): Promise<void> {
    if (this.real) return this.real.whenSynced();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  destroy(): void {
    this.gone = true;
    this.waiters = [];
    this.real?.destroy();
    this.real = null;
  }
}
