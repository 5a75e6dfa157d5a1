// Issue 12: the blob settings of the relay's environment (server/config.ts): defaults, units, and refusals that
// name the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, readEnv } from '../../server/config.ts';

describe('BLOB_QUOTA_MB and BLOB_GRACE', () => {
  it('default to 1 GiB per user and 7 days', () => {
    const c = readEnv({});
    expect(c.blobQuotaBytes).toBe(1024 * 1024 * 1024);
    expect(c.blobGraceMs).toBe(7 * 86_400_000);
  });

  it('read MiB and durations', () => {
    const c = readEnv({ BLOB_QUOTA_MB: '50', BLOB_GRACE: '36h' });
    expect(c.blobQuotaBytes).toBe(50 * 1024 * 1024);
    expect(c.blobGraceMs).toBe(36 * 3600_000);
  });

  it('refuse nonsense with a message naming the variable', () => {
    expect(() => readEnv({ BLOB_QUOTA_MB: '0' })).toThrow(ConfigError);
    expect(() => readEnv({ BLOB_QUOTA_MB: 'lots' })).toThrow(/BLOB_QUOTA_MB/);
    expect(() => readEnv({ BLOB_GRACE: 'forever' })).toThrow(/BLOB_GRACE/);
  });
});
