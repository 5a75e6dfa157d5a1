// Issue 10: the abuse limits' configuration (server/config.ts readLimits) and the token bucket (server/ratelimit.ts).
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_LIMITS, readEnv, readLimits } from '../../server/config.ts';
import { TokenBucket } from '../../server/ratelimit.ts';

describe('abuse limits from the environment', () => {
  it('has the documented defaults and reads every variable', () => {
    expect(readLimits({})).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS).toMatchObject({ awarenessMaxBytes: 4096, awarenessMaxStates: 256, wsMaxBufferedBytes: 4 * 1024 * 1024, httpHeadersTimeoutMs: 10_000 });
    expect(readEnv({ AWARENESS_MAX_STATES: '64', HTTP_MAX_CONNS_PER_ADDRESS: '0' }).limits).toMatchObject({ awarenessMaxStates: 64, httpMaxConnsPerAddress: 0 });
  });

  it('fails with a message naming the variable', () => {
    for (const [env, name] of [
      [{ AWARENESS_MAX_BYTES: 'big' }, 'AWARENESS_MAX_BYTES'],
      [{ WS_MAX_BUFFERED_BYTES: '10' }, 'WS_MAX_BUFFERED_BYTES'],
      [{ HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '1000' }, 'HTTP_REQUEST_TIMEOUT_MS'],
      [{ USER_MSGS_PER_SECOND: '0' }, 'USER_MSGS_PER_SECOND'],
    ] as const) {
      expect(() => readLimits(env)).toThrow(ConfigError);
      expect(() => readLimits(env)).toThrow(name);
    }
  });
});

describe('token bucket', () => {
  it('allows a burst, then answers how long the debt takes to pay', () => {
    let t = 0;
    const b = new TokenBucket(10, 20, () => t);
    expect(b.take(20)).toBe(0);
    expect(b.take(5)).toBe(500);
    t += 500;
    expect(b.take(0)).toBe(0);
    expect(b.tryTake(1)).toBe(false);
    t += 100;
    expect(b.tryTake(1)).toBe(true);
  });
});
