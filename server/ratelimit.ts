/**
 * Failed sign-ins slow down guessing. Two counters, both in memory (a restart forgets them, which only helps a
 * guesser once per restart):
 *  - per username: after `maxPerUser` failures each further failure locks the name for baseLockMs, doubling up to
 *    maxLockMs. Failures older than windowMs are forgotten; a success clears the name.
 *  - per client address: at most `maxPerClient` failures per windowMs. Village PCs share one address behind a NAT,
 *    so this limit is generous; it stops one machine from trying many names.
 * While locked, POST /api/login answers 429 `too_many_attempts` with Retry-After, without checking the password
 * (no scrypt work for a guesser). The lock can be used to keep a person out for at most maxLockMs at a time; a
 * county that sees that happen should look at the relay's log, which names the address.
 */
export interface LoginLimiterOptions {
  maxPerUser: number;
  maxPerClient: number;
  windowMs: number;
  baseLockMs: number;
  maxLockMs: number;
  /** Entries kept per counter before expired ones are pruned. */
  maxEntries: number;
}

export const LOGIN_LIMITS: LoginLimiterOptions = {
  maxPerUser: 5,
  maxPerClient: 50,
  windowMs: 15 * 60_000,
  baseLockMs: 30_000,
  maxLockMs: 15 * 60_000,
  maxEntries: 10_000,
};

interface UserEntry {
  failures: number;
  lastFailMs: number;
  lockedUntilMs: number;
}

interface ClientEntry {
  failures: number;
  windowStartMs: number;
}

export class LoginLimiter {
  private readonly users = new Map<string, UserEntry>();
  private readonly clients = new Map<string, ClientEntry>();
  private readonly opts: LoginLimiterOptions;

  constructor(
    private readonly now: () => number,
    opts: Partial<LoginLimiterOptions> = {},
  ) {
    this.opts = { ...LOGIN_LIMITS, ...opts };
  }

  /** Milliseconds before this username may be tried again from this client; 0 when it may be tried now. */
  retryAfterMs(username: string, client: string): number {
    const t = this.now();
    const u = this.users.get(key(username));
    const c = this.clients.get(client);
    const userWait = u ? Math.max(0, u.lockedUntilMs - t) : 0;
    const clientWait = c && c.failures >= this.opts.maxPerClient ? Math.max(0, c.windowStartMs + this.opts.windowMs - t) : 0;
    return Math.max(userWait, clientWait);
  }

  failed(username: string, client: string): void {
    const t = this.now();
    const k = key(username);
    let u = this.users.get(k);
    if (!u || t - u.lastFailMs > this.opts.windowMs) u = { failures: 0, lastFailMs: t, lockedUntilMs: 0 };
    u.failures++;
    u.lastFailMs = t;
    if (u.failures >= this.opts.maxPerUser) {
      const lock = Math.min(this.opts.baseLockMs * 2 ** (u.failures - this.opts.maxPerUser), this.opts.maxLockMs);
      u.lockedUntilMs = t + lock;
    }
    this.put(this.users, k, u, (e) => t - e.lastFailMs > this.opts.windowMs && e.lockedUntilMs <= t);

    let c = this.clients.get(client);
    if (!c || t - c.windowStartMs > this.opts.windowMs) c = { failures: 0, windowStartMs: t };
    c.failures++;
    this.put(this.clients, client, c, (e) => t - e.windowStartMs > this.opts.windowMs);
  }

  succeeded(username: string): void {
    this.users.delete(key(username));
  }

  private put<T>(map: Map<string, T>, k: string, v: T, expired: (e: T) => boolean): void {
    map.delete(k);
    map.set(k, v);
    if (map.size <= this.opts.maxEntries) return;
    for (const [mk, e] of map) if (expired(e)) map.delete(mk);
    // Still full of live entries: drop the oldest (Map keeps insertion order, and `put` re-inserts on every use).
    while (map.size > this.opts.maxEntries) map.delete(map.keys().next().value!);
  }
}

function key(username: string): string {
  return username.trim().toLowerCase();
}

/**
 * A token bucket: `ratePerSec` tokens a second, at most `burst` saved up. `take(n)` always takes (the message has
 * arrived; it is handled) and may leave the bucket in debt; it answers how long (ms) until the debt is paid, which
 * the relay uses to stop reading that socket for that long (TCP backpressure on the sender, nothing dropped).
 * `tryTake(n)` takes only when there is enough (for what the relay may drop: awareness).
 */
export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(
    private ratePerSec: number,
    private burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.lastMs = now();
  }

  /** New rate and burst (tokens saved so far are kept, up to the new burst). */
  configure(ratePerSec: number, burst: number): void {
    this.refill();
    this.ratePerSec = ratePerSec;
    this.burst = burst;
    this.tokens = Math.min(this.tokens, burst);
  }

  private refill(): void {
    const t = this.now();
    if (t > this.lastMs) this.tokens = Math.min(this.burst, this.tokens + ((t - this.lastMs) / 1000) * this.ratePerSec);
    this.lastMs = t;
  }

  /** Take `n` tokens; ms until the bucket is out of debt (0: none). */
  take(n: number): number {
    this.refill();
    this.tokens -= n;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.ratePerSec) * 1000);
  }

  tryTake(n = 1): boolean {
    this.refill();
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
}
