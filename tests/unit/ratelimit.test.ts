import { describe, expect, it } from 'vitest';
import { LoginLimiter } from '../../server/ratelimit.ts';

describe('LoginLimiter', () => {
  it('locks a name after maxPerUser failures, doubling the lock, capped; a success clears it', () => {
    let t = 1_000_000;
    const l = new LoginLimiter(() => t, { maxPerUser: 3, baseLockMs: 1000, maxLockMs: 4000, windowMs: 60_000 });
    l.failed('ann', 'ip1');
    l.failed('ann', 'ip1');
    expect(l.retryAfterMs('ann', 'ip1')).toBe(0);
    l.failed('ann', 'ip1');
    expect(l.retryAfterMs('ann', 'ip1')).toBe(1000);
    expect(l.retryAfterMs('ann', 'ip2')).toBe(1000); // the name is locked from every address
    t += 1000;
    l.failed('ann', 'ip1');
    expect(l.retryAfterMs('ann', 'ip1')).toBe(2000);
    t += 2000;
    l.failed('ann', 'ip1');
    t += 4000;
    l.failed('ann', 'ip1');
    expect(l.retryAfterMs('ann', 'ip1')).toBe(4000); // capped
    l.succeeded('ANN');
    expect(l.retryAfterMs('ann', 'ip1')).toBe(0);
  });

  it('forgets failures older than the window', () => {
    let t = 0;
    const l = new LoginLimiter(() => t, { maxPerUser: 2, windowMs: 10_000, baseLockMs: 1000 });
    l.failed('bo', 'ip');
    t += 10_001;
    l.failed('bo', 'ip');
    expect(l.retryAfterMs('bo', 'ip')).toBe(0);
  });

  it('limits failures per client address over many names until the window ends', () => {
    let t = 0;
    const l = new LoginLimiter(() => t, { maxPerUser: 100, maxPerClient: 3, windowMs: 10_000 });
    for (const n of ['a', 'b', 'c']) l.failed(n, 'nat');
    expect(l.retryAfterMs('d', 'nat')).toBe(10_000);
    expect(l.retryAfterMs('d', 'other')).toBe(0);
    t += 10_000;
    expect(l.retryAfterMs('d', 'nat')).toBe(0);
  });

  it('keeps memory bounded', () => {
    const t = 0;
    const l = new LoginLimiter(() => t, { maxEntries: 50 });
    for (let i = 0; i < 500; i++) l.failed(`user${i}`, `ip${i}`);
    const sizes = l as unknown as { users: Map<string, unknown>; clients: Map<string, unknown> };
    expect(sizes.users.size).toBeLessThanOrEqual(50);
    expect(sizes.clients.size).toBeLessThanOrEqual(50);
  });
});
