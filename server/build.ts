/**
 * The builds: the app with Vite into dist/, the relay with esbuild into dist-server/. Used by `npm run build`
 * and `npm start` (scripts/build.ts), the end-to-end test setup (the app) and the production test (the relay).
 * Build tools only: nothing here is part of the compiled relay (main.ts does not import it).
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import type { Plugin } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'];
/** What the compiled relay is made of: its own code and the parts of src/ it imports. */
const SERVER_SOURCES = ['server', 'src', 'package.json'];
export const SERVER_OUT = 'dist-server';

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

/** True when dist-server/main.js is missing or older than the relay's sources. */
export function serverIsStale(root = ROOT): boolean {
  const main = join(root, SERVER_OUT, 'main.js');
  if (!existsSync(main)) return true;
  const built = statSync(main).mtimeMs;
  return SERVER_SOURCES.some((s) => newestMtime(join(root, s)) > built);
}

export interface ServerBuild {
  /** Files written, relative to the project root. */
  files: string[];
  /** Packages the compiled relay imports at run time (every one in `dependencies`). */
  packages: string[];
}

/**
 * Compile the relay (server/main.ts and what it imports from src/) into `outDir` (default dist-server/): ESM for
 * Node 20, linked source maps (`node --enable-source-maps`), the demo generator in a chunk of its own that only
 * --demo loads. Every package but BUNDLED_PACKAGES stays an import, installed by `npm ci --omit=dev`: the build
 * fails when the output imports a package that is not in package.json `dependencies` (a production install would
 * not have it).
 */
export async function buildServer(opts: { root?: string; outDir?: string; log?: (msg: string) => void } = {}): Promise<ServerBuild> {
  const root = opts.root ?? ROOT;
  const outDir = opts.outDir ?? join(root, SERVER_OUT);
  opts.log?.(`compiling the relay (esbuild) into ${outDir}...`);
  const { build } = await import('esbuild');
  rmSync(outDir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(root, 'server/main.ts')],
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [packagesExternal(BUNDLED_PACKAGES)],
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const packages = runtimePackages(Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const missing = packages.filter((name) => !(name in (pkg.dependencies ?? {})));
  if (missing.length > 0) {
    rmSync(outDir, { recursive: true, force: true });
    throw new Error(`the compiled relay imports ${missing.join(', ')}, which package.json does not list in "dependencies": a production install would not have it`);
  }
  return { files: Object.keys(result.metafile.outputs), packages };
}

/**
 * Packages compiled into the relay instead of installed: valibot declares TypeScript as an optional peer, and npm
 * installs an optional peer that the lock file holds (`devOptional`) even with --omit=dev: 23 MB of compiler in
 * every production install. Compiled in, valibot is a build-time dependency like the app's libraries.
 */
export const BUNDLED_PACKAGES = ['valibot'];

/** esbuild: every package import stays an import (resolved in node_modules at run time), except `bundled`. */
function packagesExternal(bundled: readonly string[]): Plugin {
  return {
    name: 'packages-external',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        return bundled.includes(runtimePackages([args.path])[0] ?? '') ? undefined : { path: args.path, external: true };
      });
    },
  };
}

/** Package names of bare import specifiers (`lib0/decoding` -> `lib0`, `@scope/pkg/x` -> `@scope/pkg`); no built-ins. */
export function runtimePackages(specifiers: readonly string[]): string[] {
  const builtins = new Set(builtinModules);
  const names = new Set<string>();
  for (const spec of specifiers) {
    if (spec.startsWith('node:') || builtins.has(spec) || spec.startsWith('.') || spec.startsWith('/')) continue;
    const parts = spec.split('/');
    names.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
  }
  return [...names].sort();
}
