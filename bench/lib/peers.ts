/**
 * The benchmarks' peers (Lighthouse, PouchDB + pouchdb-server, Hocuspocus with sqlite3) live in bench/peers with
 * their own lock file, outside the root package.json (CI installs only the root). `ensurePeers` installs them on
 * first use and repairs an install that cannot serve: npm ci that never finished, a dependency at another version
 * than bench/peers/package.json pins, or a peer that does not load (sqlite3 without its compiled binding, which is
 * what a build script blocked by `allowScripts` leaves behind).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './build.ts';
import { oneLine } from './results.ts';

export const PEERS_DIR = join(ROOT, 'bench/peers');

/** Modules the figures load from bench/peers; importing sqlite3 loads its native binding. */
const PEER_IMPORTS = ['lighthouse', 'pouchdb', 'sqlite3', '@hocuspocus/server', '@hocuspocus/extension-sqlite'];
/** Files the figures start as child processes. */
const PEER_FILES = ['pouchdb-server/bin/pouchdb-server'];

/** Why the installed peers cannot serve the benchmarks, or null when they can. */
export function peersProblem(): string | null {
  if (!existsSync(join(PEERS_DIR, 'node_modules/.package-lock.json'))) return 'not installed';
  const pins = (JSON.parse(readFileSync(join(PEERS_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
  for (const [name, version] of Object.entries(pins)) {
    const file = peerPath(name, 'package.json');
    const installed = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : 'none';
    if (installed !== version) return `${name} ${installed} installed, ${version} pinned`;
  }
  for (const f of PEER_FILES) if (!existsSync(peerPath(f))) return `${f} missing`;
  // In a child process: a module that fails to load (or crashes loading a binding) must not take the bench down.
  const script = `const bad = []; for (const s of ${JSON.stringify(PEER_IMPORTS)}) { try { await import(s); } catch (e) { bad.push(s + ': ' + String(e)); } } if (bad.length) console.error(bad.join('; ')); process.exit(bad.length ? 1 : 0);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: PEERS_DIR, encoding: 'utf8', timeout: 120_000 });
  return r.status === 0 ? null : oneLine(r.stderr || r.error?.message || `exit ${r.status}`, 400);
}

/**
 * Install (npm ci, a few minutes: sqlite3 compiles) or repair bench/peers when `peersProblem` finds a problem. If
 * they still cannot serve, it says so and returns: the figures that need them then fail (and so does the run).
 */
export function ensurePeers(log: (m: string) => void): void {
  const problem = peersProblem();
  if (!problem) return;
  log(`benchmark peers: ${problem}; installing them (npm ci --prefix bench/peers, a few minutes) ...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  try {
    execFileSync(npm, ['ci', '--prefix', PEERS_DIR, '--no-audit', '--no-fund'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (e) {
    log(`benchmark peers: npm ci failed: ${String(e)}`);
  }
  const left = peersProblem();
  log(left ? `benchmark peers STILL NOT USABLE: ${left}; the figures that need them will fail` : 'benchmark peers installed and loading');
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
