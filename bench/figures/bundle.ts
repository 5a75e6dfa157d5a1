/**
 * Figure 1, bundle: the initial JS of the app shell (entry chunk + its static imports, from the Vite manifest),
 * gzip -9 and brotli -q11, against the bare stack built the same way; the map chunk separately; and what each
 * dependency contributes to the initial JS (bytes attributed through the source maps, gzip apportioned by share).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { APP_OUT, BARE_OUT, buildApp, buildBare, initialChunks, readManifest, type Manifest, type ManifestChunk } from '../lib/build.ts';
import { figure, type Result } from '../lib/results.ts';
import { bytesByPackage } from '../lib/sourcemap.ts';

const KB = 1000;

export interface Sizes {
  raw: number;
  gzip: number;
  brotli: number;
  byPackage: Map<string, number>;
  files: string[];
}

export function gzipSize(buf: Buffer): number {
  return gzipSync(buf, { level: 9 }).length;
}
export function brotliSize(buf: Buffer): number {
  return brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length } }).length;
}

/** Each chunk is compressed on its own, as it goes over the wire. */
export function measureChunks(outDir: string, chunks: readonly ManifestChunk[]): Sizes {
  const s: Sizes = { raw: 0, gzip: 0, brotli: 0, byPackage: new Map(), files: [] };
  for (const c of chunks) {
    const buf = readFileSync(join(outDir, c.file));
    s.files.push(c.file);
    s.raw += buf.length;
    s.gzip += gzipSize(buf);
    s.brotli += brotliSize(buf);
    let byPkg: Map<string, number>;
    try {
      byPkg = bytesByPackage(buf.toString('utf8'), readFileSync(join(outDir, `${c.file}.map`), 'utf8'));
    } catch {
      byPkg = new Map([['(no source map)', buf.length]]);
    }
    for (const [k, v] of byPkg) s.byPackage.set(k, (s.byPackage.get(k) ?? 0) + v);
  }
  return s;
}

/**
 * The map screen's chunks: the screen, what it imports that is not already loaded initially, and the map view it
 * loads on open (maplibre-gl). Message packs for English are left out (loaded only in English).
 */
function mapChunks(manifest: Manifest, initial: readonly ManifestChunk[]): ManifestChunk[] | null {
  const loaded = new Set(initial.map((c) => c.file));
  const key = Object.keys(manifest).find((k) => manifest[k]!.isDynamicEntry && /features\/map\/MapScreen\.tsx$/.test(k));
  if (!key) return null;
  const out: ManifestChunk[] = [];
  const seen = new Set<string>();
  const visit = (k: string) => {
    if (seen.has(k)) return;
    seen.add(k);
    const c = manifest[k];
    if (!c) return;
    if (!loaded.has(c.file) && c.file.endsWith('.js')) out.push(c);
    for (const i of c.imports ?? []) visit(i);
    for (const i of c.dynamicImports ?? []) if (/features\/map\//.test(i)) visit(i);
  };
  visit(key);
  return out;
}

/**
 * Issue 13: what a signed-in resident's first screen loads after the initial JS: the resident home's chunk and what
 * it imports that is not loaded initially, and the resident sync (src/sync/resident.ts) the session loads for that
 * role. Message packs for English are left out.
 */
function residentChunks(manifest: Manifest, initial: readonly ManifestChunk[]): ManifestChunk[] | null {
  const loaded = new Set(initial.map((c) => c.file));
  const keys = Object.keys(manifest).filter((k) => manifest[k]!.isDynamicEntry && /(features\/resident\/ResidentHome\.tsx|sync\/resident\.ts)$/.test(k));
  if (keys.length < 2) return null;
  const out: ManifestChunk[] = [];
  const seen = new Set<string>();
  const visit = (k: string) => {
    if (seen.has(k)) return;
    seen.add(k);
    const c = manifest[k];
    if (!c) return;
    if (!loaded.has(c.file) && c.file.endsWith('.js')) out.push(c);
    for (const i of c.imports ?? []) visit(i);
  };
  for (const k of keys) visit(k);
  return out;
}

export interface BundleOutput {
  results: Result[];
  app: Sizes;
  bare: Sizes;
}

export async function bundleFigure(log: (m: string) => void): Promise<BundleOutput> {
  log('building the app and the bare stack (vite build)');
  await buildApp();
  await buildBare();
  const appManifest = readManifest(APP_OUT);
  const appInitial = initialChunks(appManifest);
  const app = measureChunks(APP_OUT, appInitial);
  const bare = measureChunks(BARE_OUT, initialChunks(readManifest(BARE_OUT)));
  const results: Result[] = [
    figure({
      name: 'bundle: initial JS gzip',
      value: app.gzip / KB,
      unit: 'kB',
      budget: '<= 100',
      reference: bare.gzip / KB,
      note: `${app.files.length} chunks (${app.files.join(', ')}); reference: the bare stack (preact, signals, dexie, yjs, y-indexeddb, y-websocket)`,
    }),
    figure({ name: 'bundle: initial JS brotli', value: app.brotli / KB, unit: 'kB', reference: bare.brotli / KB, note: 'reference: the bare stack' }),
  ];
  const map = mapChunks(appManifest, appInitial);
  if (!map || map.length === 0) {
    results.push(figure({ name: 'bundle: map chunk gzip', value: null, unit: 'kB', note: 'not built yet (no map screen chunk in the build)' }));
  } else {
    const m = measureChunks(APP_OUT, map);
    results.push(figure({ name: 'bundle: map chunk gzip', value: m.gzip / KB, unit: 'kB', reference: app.gzip / KB, note: `loaded on the map screen only (${m.files.join(', ')}); reference: the initial JS` }));
  }
  const resident = residentChunks(appManifest, appInitial);
  if (!resident) {
    results.push(figure({ name: 'bundle: resident home JS gzip', value: null, unit: 'kB', note: 'not built yet (no resident home chunk in the build)' }));
  } else {
    const r = measureChunks(APP_OUT, resident);
    results.push(
      figure({
        name: 'bundle: resident home JS gzip',
        value: r.gzip / KB,
        unit: 'kB',
        reference: app.gzip / KB,
        note: `a signed-in resident's first screen loads these after the initial JS (${r.files.join(', ')}); reference: the initial JS, the same for every role`,
      }),
    );
  }
  // Each package's share of the initial JS: its minified bytes (source maps), gzip apportioned by that share.
  const share = (s: Sizes, pkg: string) => ((s.byPackage.get(pkg) ?? 0) / Math.max(1, s.raw)) * s.gzip;
  const pkgs = [...app.byPackage.entries()].sort((a, b) => b[1] - a[1]);
  for (const [pkg, bytes] of pkgs) {
    if (bytes < 200) continue;
    results.push(
      figure({
        name: `bundle: initial JS from ${pkg}`,
        value: share(app, pkg) / KB,
        unit: 'kB gzip (share)',
        reference: bare.byPackage.has(pkg) ? share(bare, pkg) / KB : null,
        note: `${(bytes / KB).toFixed(1)} kB minified${bare.byPackage.has(pkg) ? '; reference: its share in the bare stack' : ''}`,
      }),
    );
  }
  return { results, app, bare };
}
