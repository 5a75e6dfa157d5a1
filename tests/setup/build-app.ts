/**
 * The end-to-end run's global setup: the production build (service worker included), built when stale, and the
 * demo county seeded once into a template DATA_DIR, which every `startApp` (tests/e2e/harness.ts) copies into a
 * DATA_DIR of its own (a copy takes milliseconds; a seed over a second per test file). The template is seeded by
 * the relay itself (`startServer` with `demo`, then closed), so a copy is what a demo relay leaves on disk.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startServer } from '../../server/app.ts';
import { buildIfNeeded } from '../../server/build.ts';
import type { Logger } from '../../server/log.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The seeded demo county's DATA_DIR, read-only: startApp copies it. */
    e2eTemplateDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await buildIfNeeded({ log: (m) => console.log(`[e2e] ${m}`) });
  const dir = await mkdtemp(join(tmpdir(), 'gridlink-e2e-template-'));
  const log: Logger = { info: () => {}, warn: (m) => console.warn(m), error: (m, e) => console.error(m, e ?? '') };
  const server = await startServer({ dataDir: dir, port: 0, host: '127.0.0.1', demo: true, log });
  await server.close();
  project.provide('e2eTemplateDir', dir);
  return () => rm(dir, { recursive: true, force: true });
}
