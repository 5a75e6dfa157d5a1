/** Relay DATA_DIRs of the benchmarks under bench/out/data, seeded the way the relay seeds (server/seed.ts). */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { seedStore } from '../../server/seed.ts';
import { Store } from '../../server/store.ts';
import type { CaseEvent } from '../../src/domain/events.ts';
import type { OrgData } from '../../src/domain/org.ts';
import { OUT } from './build.ts';

/** Every benchmark relay signs tokens with this key, so load generators can make their own. */
export const BENCH_JWT_SECRET = 'gridlink-bench-jwt-secret-not-for-production-0123456789';
export const BENCH_PASSWORD = 'demo';
/** The Yjs client id of seeded content. */
export const SEED_CLIENT = 1;

export async function makeDataDir(name: string, org: OrgData, events: readonly CaseEvent[]): Promise<string> {
  const dir = join(OUT, 'data', name);
  rmSync(dir, { recursive: true, force: true });
  const store = new Store(dir);
  try {
    await seedStore(store, { org, events: [...events] }, { password: BENCH_PASSWORD, clientId: SEED_CLIENT });
  } finally {
    store.close();
  }
  return dir;
}
