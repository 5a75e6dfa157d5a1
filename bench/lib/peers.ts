/**
 * The benchmarks' peers (Lighthouse, PouchDB + pouchdb-server, Hocuspocus) live in bench/peers with their own
 * lock file, outside the root package.json (CI installs only the root). They are installed on first use.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './build.ts';

export const PEERS_DIR = join(ROOT, 'bench/peers');

export function ensurePeers(log: (m: string) => void): void {
  if (existsSync(join(PEERS_DIR, 'node_modules/.package-lock.json'))) return;
  log('installing the benchmark peers (npm ci --prefix bench/peers) ...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['ci', '--prefix', PEERS_DIR, '--no-audit', '--no-fund'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
}

interface Loader {
  load(specifier: string): Promise<unknown>;
}

/** `import(specifier)` resolved from bench/peers. */
export async function peerImport<T>(specifier: string): Promise<T> {
  const loader = (await import(join(PEERS_DIR, 'load.mjs'))) as Loader;
  return (await loader.load(specifier)) as T;
}

/** Path of a file inside a peer package (for child processes). */
export function peerPath(...parts: string[]): string {
  return join(PEERS_DIR, 'node_modules', ...parts);
}
