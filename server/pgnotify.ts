/**
 * Issue 16, several relays on one PostgreSQL store: each relay LISTENs on `gridlink_updates` (store.ts
 * NOTIFY_CHANNEL) and on `gridlink_accounts` (ACCOUNTS_CHANNEL: relay.ts `recheckUsers`) on a connection of its own
 * (the asynchronous `pg` client: a notification must not wait for the store's synchronous connection to be used)
 * and hands every `<doc>:<seq>` to the relay, which catches up on the docs it has loaded (relay.ts `remoteUpdate`).
 * A notification lost or late loses nothing: the relay also catches up when its own commit conflicts and polls its
 * loaded docs (`pollRemote`, PG_POLL_MS). A dropped connection is opened again after a second, and everything
 * loaded is polled then.
 */
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import type { Logger } from './log.ts';
import { ACCOUNTS_CHANNEL, NOTIFY_CHANNEL } from './store.ts';

interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'notification', fn: (m: { channel: string; payload?: string }) => void): void;
  on(event: 'error' | 'end', fn: (err?: Error) => void): void;
}

const requireOptional = createRequire(import.meta.url);

export class UpdateListener {
  private client: PgClient | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly onUpdate: (doc: string, seq: number) => void,
    /** An account that may have lost its tokens (ACCOUNTS_CHANNEL). */
    private readonly onAccount: (userId: string) => void,
    /** After (re)connecting: notifications may have been missed meanwhile. */
    private readonly onConnected: () => void,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const { Client } = requireOptional('pg') as { Client: new (opts: Record<string, unknown>) => PgClient };
    const { parse } = requireOptional('pg-connection-string') as { parse(url: string): Record<string, unknown> };
    // libpq (the store's connection) defaults the user to the OS user; pg only reads $USER: do as libpq does.
    const config = parse(this.url);
    if (!config.user) config.user = process.env.PGUSER ?? userInfo().username;
    const client = new Client(config);
    client.on('notification', (m) => {
      if (m.channel === ACCOUNTS_CHANNEL && m.payload) return this.onAccount(m.payload);
      if (m.channel !== NOTIFY_CHANNEL || !m.payload) return;
      const at = m.payload.lastIndexOf(':');
      const seq = Number(m.payload.slice(at + 1));
      if (at > 0 && Number.isInteger(seq)) this.onUpdate(m.payload.slice(0, at), seq);
    });
    const lost = (err?: Error) => {
      if (this.closed || this.client !== client) return;
      this.client = null;
      this.log.warn(`the PostgreSQL notification connection was lost${err ? ` (${err.message})` : ''}; polling until it is back`);
      client.end().catch(() => undefined);
      this.retry = setTimeout(() => {
        this.retry = null;
        this.start().catch((e: unknown) => lost(e as Error));
      }, 1000);
      this.retry.unref();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    this.client = client;
    await client.connect();
    await client.query(`LISTEN ${NOTIFY_CHANNEL}; LISTEN ${ACCOUNTS_CHANNEL}`);
    this.onConnected();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}
