/**
 * When the relay last heard from each device: the floor of the time an offline device's events are credited with
 * (src/domain/receipts.ts `creditedMs`). A device is a user and the HLC node its app stamps events with (sent as
 * the `node` query parameter of the sync socket); a socket without a known node is held to the latest contact of
 * any of the user's devices.
 *
 * Contract: `touch` is called for every message and pong of a socket (memory only); `persist` writes the
 * contacts touched since the last call to the store's meta table (at socket close, every minute and at shutdown),
 * so after a crash the floor can only be earlier than the truth, which errs towards the device.
 */
import type { Store } from './store.ts';

const PREFIX = 'contact:';
export const NODE_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;

export class Contacts {
  private readonly last = new Map<string, number>();
  private readonly dirty = new Set<string>();

  constructor(private readonly store: Store) {}

  /** The last contact with this device before now (undefined: never heard of it, nor of any device of the user). */
  floor(userId: string, node: string | null): number | undefined {
    return (node ? this.get(`${userId}|${node}`) : undefined) ?? this.get(`${userId}|*`);
  }

  touch(userId: string, node: string | null, ms: number): void {
    if (node) this.set(`${userId}|${node}`, ms);
    this.set(`${userId}|*`, ms);
  }

  persist(): void {
    if (this.dirty.size === 0) return;
    const keys = [...this.dirty];
    this.dirty.clear();
    this.store.transaction(() => {
      for (const k of keys) this.store.setMeta(PREFIX + k, String(this.last.get(k)));
    });
  }

  private get(key: string): number | undefined {
    const known = this.last.get(key);
    if (known !== undefined) return known;
    const stored = Number(this.store.getMeta(PREFIX + key));
    if (!Number.isFinite(stored) || stored <= 0) return undefined;
    this.last.set(key, stored);
    return stored;
  }

  private set(key: string, ms: number): void {
    if ((this.get(key) ?? 0) >= ms) return;
    this.last.set(key, ms);
    this.dirty.add(key);
  }
}
