/**
 * Vite builds of the benchmarks, all under bench/out/ (never the app's dist/, which tests and `npm start` use):
 * the app as production builds it (plus its manifest and hidden source maps, which change no byte of the JS),
 * the bare-stack reference page (bench/fixtures/bare) and the local-data pages (bench/pages).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const OUT = join(ROOT, 'bench/out');
export const APP_OUT = join(OUT, 'app');
export const BARE_OUT = join(OUT, 'bare');
export const PAGES_OUT = join(OUT, 'pages');

export interface ManifestChunk {
  file: string;
  name?: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
export type Manifest = Record<string, ManifestChunk>;

async function withProductionEnv<T>(fn: () => Promise<T>): Promise<T> {
  // Vite derives the production JSX runtime and import.meta.env.PROD from NODE_ENV (server/build.ts does the same).
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    return await fn();
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
}

/** The app, with the project's own vite.config.ts, into bench/out/app. */
export async function buildApp(): Promise<void> {
  const { build } = await import('vite');
  await withProductionEnv(() =>
    build({
      root: ROOT,
      mode: 'production',
      logLevel: 'warn',
      configFile: join(ROOT, 'vite.config.ts'),
      build: { outDir: APP_OUT, emptyOutDir: true, manifest: true, sourcemap: 'hidden', reportCompressedSize: false },
    }),
  );
}

/** The bare-stack reference page into bench/out/bare. */
export async function buildBare(): Promise<void> {
  const { build } = await import('vite');
  await withProductionEnv(() =>
    build({
      root: join(ROOT, 'bench/fixtures/bare'),
      configFile: false,
      mode: 'production',
      logLevel: 'warn',
      base: '/',
      build: { outDir: BARE_OUT, emptyOutDir: true, manifest: true, sourcemap: 'hidden', reportCompressedSize: false },
    }),
  );
}

/**
 * The local-data pages (bench/pages/*.html) into bench/out/pages. They import the app's real src/ code. `opts`: another
 * output folder, only some pages, unminified (scripts/profile-tasks.ts reads function names in a CPU profile).
 */
export async function buildPages(opts: { outDir?: string; pages?: readonly string[]; minify?: boolean } = {}): Promise<void> {
  const pages = opts.pages ?? ['scale', 'hall', 'tasks'];
  const { build } = await import('vite');
  const root = join(ROOT, 'bench/pages');
  await withProductionEnv(() =>
    build({
      root,
      configFile: false,
      mode: 'production',
      logLevel: 'warn',
      base: '/',
      // The county generator (bench/lib/data.ts -> server/demo) draws the demo's photos with Node code (Buffer,
      // node:crypto); the pages need only the photo references, so the browser build gets a stub.
      resolve: { alias: [{ find: /^\.\/photos\.ts$/, replacement: join(root, 'stub-photos.ts') }] },
      // The hall page renders the app's Preact screen (JSX as the app compiles it).
      oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
      build: {
        outDir: opts.outDir ?? PAGES_OUT,
        emptyOutDir: true,
        reportCompressedSize: false,
        ...(opts.minify === false ? { minify: false } : {}),
        rollupOptions: { input: Object.fromEntries(pages.map((p) => [p, join(root, `${p}.html`)])) },
      },
    }),
  );
}

export function readManifest(outDir: string): Manifest {
  const file = join(outDir, '.vite/manifest.json');
  if (!existsSync(file)) throw new Error(`no Vite manifest in ${outDir}`);
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

/** The entry chunk of index.html and every chunk it imports statically (what loads before the first paint). */
export function initialChunks(manifest: Manifest): ManifestChunk[] {
  const entry = Object.entries(manifest).find(([key, c]) => c.isEntry && key.endsWith('.html'))?.[0] ?? Object.entries(manifest).find(([, c]) => c.isEntry)?.[0];
  if (!entry) throw new Error('no entry chunk in the manifest');
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const i of manifest[key]?.imports ?? []) visit(i);
  };
  visit(entry);
  return [...seen].map((k) => manifest[k]!).filter((c) => c.file.endsWith('.js'));
}
