import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { periodMedians, pooledSlope, soakOptions } from '../../bench/figures/soak.ts';
import { ROOT } from '../../bench/lib/build.ts';
import { benchOrg } from '../../bench/lib/data.ts';
import { BENCH_JWT_SECRET, BENCH_PASSWORD, SEED_CLIENT } from '../../bench/lib/datadir.ts';
import { startServerProc } from '../../bench/lib/proc.ts';
import { signToken } from '../../server/auth.ts';
import { seedStore } from '../../server/seed.ts';
import { Store } from '../../server/store.ts';
import { ORG_DOC } from '../../src/domain/docs.ts';
import { until } from '../support/wait.ts';

// Issue 16, the soak (bench/figures/soak.ts): the RSS slope over a relay killed and restarted, and the count of
// docs in memory that the soak reads from the bench relay process to check idle docs are unloaded.

describe('bench soak', () => {
  it('the RSS slope has one intercept per relay process, so a restart is not read as a fall', () => {
    const points = [0, 1, 2, 3].flatMap((t) => [
      { t, y: 200 + 0.5 * t, group: 0 },
      { t: t + 5, y: 80 + 0.5 * (t + 5), group: 1 },
    ]);
    expect(pooledSlope(points)).toBeCloseTo(0.5, 9);
    expect(pooledSlope([{ t: 0, y: 1, group: 0 }])).toBeNaN();
  });

  it('the slope reads one median per storm period, so a GC dip after a storm is not read as growth', () => {
    const o = { seconds: 240, stormEvery: 60, killAt: 120, warmup: 0 };
    // 290 MB flat, sampled every 5 s; the GC after the first storm of each process drops 40 MB for 20 s.
    const samples = Array.from({ length: 48 }, (_, i) => {
      const t = i * 5;
      const process = t < o.killAt ? 0 : 1;
      const sinceStart = t - (process ? o.killAt : 0);
      return { t, process, rss: (sinceStart < 20 ? 250 : 290) * 2 ** 20 };
    });
    const raw = pooledSlope(samples.map((x) => ({ t: x.t / 60, y: x.rss / 2 ** 20, group: x.process })));
    expect(raw).toBeGreaterThan(10);
    const periods = periodMedians(samples, o);
    expect(periods).toEqual([
      { t: 0.5, y: 290, group: 0 },
      { t: 1.5, y: 290, group: 0 },
      { t: 2.5, y: 290, group: 1 },
      { t: 3.5, y: 290, group: 1 },
    ]);
    expect(pooledSlope(periods)).toBe(0);
  });

  it('a soak of another length keeps whole storm periods and its kill -9 in the middle', () => {
    expect(soakOptions(false)).toMatchObject({ seconds: 600, killAt: 300, stormEvery: 60 });
    expect(soakOptions(false, 3600)).toMatchObject({ seconds: 3600, killAt: 1800, stormEvery: 60, clients: 1000 });
    expect(soakOptions(false, 3630)).toMatchObject({ seconds: 3660, killAt: 1800 });
    expect(soakOptions(true, 10)).toMatchObject({ seconds: 80, killAt: 40, stormEvery: 20 });
    expect(soakOptions(false)).toMatchObject({ writeRate: 5, storms: true });
    expect(soakOptions(false, 1200, { writeRate: 0 })).toMatchObject({ seconds: 1200, killAt: 600, writeRate: 0, storms: true });
    expect(soakOptions(false, undefined, { storms: false })).toMatchObject({ seconds: 600, writeRate: 5, storms: false });
  });

  it('the bench relay process reports the docs it holds, and none once they are idle', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gl-soak-'));
    const org = benchOrg();
    const store = new Store(dir);
    try {
      await seedStore(store, { org, events: [] }, { password: BENCH_PASSWORD, clientId: SEED_CLIENT });
    } finally {
      store.close();
    }
    const server = await startServerProc(join(ROOT, 'bench/servers/gridlink.ts'), { DATA_DIR: dir, STATIC_DIR: join(dir, 'none'), JWT_SECRET: BENCH_JWT_SECRET, IDLE_UNLOAD_MS: '200' });
    try {
      const loaded = async () => (await server.metrics()).extra.loadedDocs;
      // The relay may read a doc at start-up (the org doc); idle, it goes too.
      await until(async () => (await loaded()) === 0, 'the docs read at start-up unloaded');
      const user = org.users.find((u) => u.role === 'worker')!;
      const token = await signToken(new TextEncoder().encode(BENCH_JWT_SECRET), { sub: user.id, role: user.role }, Date.now(), 3600);
      const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/sync/${ORG_DOC}?token=${token}`);
      await new Promise((resolve, reject) => {
        ws.once('message', resolve);
        ws.once('error', reject);
      });
      expect(await loaded()).toBe(1);
      ws.close();
      await until(async () => (await loaded()) === 0, 'the idle doc unloaded');
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
