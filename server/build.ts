/**
 * Builds the app with Vite when dist/ is missing or older than its sources. Used by `npm start`
 * (--build-if-needed) and by the end-to-end test setup, so both always serve what the sources say.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

export function distIsStale(root = ROOT): boolean {
  const index = join(root, 'dist', 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return SOURCES.some((s) => newestMtime(join(root, s)) > built);
}

export async function buildIfNeeded(opts: { root?: string; force?: boolean; log?: (msg: string) => void } = {}): Promise<boolean> {
  const root = opts.root ?? ROOT;
  if (!opts.force && !distIsStale(root)) return false;
  opts.log?.('building the app (vite build)...');
  const { build } = await import('vite');
  // Vite derives import.meta.env.PROD and the JSX runtime from NODE_ENV, which test runners set to 'test':
  // a build made under them would ship development code without its service worker registration.
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root, mode: 'production', logLevel: 'warn', configFile: join(root, 'vite.config.ts') });
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
  return true;
}
