/**
 * Build of the PWA: Preact, and vite-plugin-pwa generating the service worker (dist/sw.js) and the manifest.
 * The service worker precaches the app shell so the app loads offline after the first visit; it never caches
 * /api, /sync, /healthz or /blobs (those are live data, kept locally by the app itself in IndexedDB), except the
 * static geometry under /api/geo/ (see runtimeCaching).
 * In development (`npm run dev`, scripts/dev.ts) the relay runs separately and is proxied.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const RELAY = process.env.GRIDLINK_RELAY ?? 'http://127.0.0.1:8787';
/** The lazy chunks on the way to a first screen, whose dependencies are preloaded with them (see build.modulePreload). */
const FIRST_PATH =
  /src[\\/](features[\\/](login[\\/](Login|Signup)|resident[\\/]ResidentHome|tasks[\\/]WorkerTasks|board[\\/]DispatchBoard|work[\\/]UnitWorkspace|home[\\/]VillageHome|cases[\\/]CaseList|training[\\/]TrainingScreen|party[\\/]PartyScreen)\.tsx|sync[\\/](resident|websocket)\.ts)$/;
const THEME = '#0b5e4a';

/**
 * Writes `<file>.br` and `<file>.gz` next to each JS and CSS file of the build (brotli at its highest quality
 * once, instead of on every request), for a server that serves a precompressed sibling when the request's
 * Accept-Encoding allows it (server/static.ts). The service worker's precache globs do not match these names.
 * It compresses the files as written: in generateBundle the entry chunk still held Vite's `__VITE_PRELOAD__`
 * placeholder, so its siblings differed from the file and broke every dynamic import when served.
 */
function precompress(): Plugin {
  return {
    name: 'gridlink-precompress',
    apply: 'build',
    enforce: 'post',
    writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist';
      for (const fileName of Object.keys(bundle)) {
        if (!/\.(?:js|mjs|css)$/.test(fileName)) continue;
        const file = join(dir, fileName);
        const buf = readFileSync(file);
        if (buf.length < 1024) continue;
        writeFileSync(`${file}.gz`, gzipSync(buf, { level: 9 }));
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length } }),
        );
      }
    },
  };
}

/**
 * yjs imports `lib0/logging` for one warning; that module brings lib0's DOM helpers and schema library into the
 * first screen's JavaScript. yjs's import (only yjs's: nothing else in the app imports it) resolves to the few
 * names it uses (src/shims/lib0-logging.ts).
 */
function yjsLogging(): Plugin {
  const shim = fileURLToPath(new URL('./src/shims/lib0-logging.ts', import.meta.url));
  return {
    name: 'gridlink-yjs-logging',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === 'lib0/logging' && importer && /[\\/]node_modules[\\/]yjs[\\/]/.test(importer)) return shim;
      return null;
    },
  };
}

/**
 * The service worker's route for the administrator's basemap (`/api/geo/basemap.pmtiles`), offline-first with one
 * whole copy in the cache `gridlink-basemap`:
 *
 * - A byte range (the pmtiles reader's reads, mapview.ts) is cut from the cached copy whenever there is one, online
 *   or not, as the relay answers them (server/geohttp.ts): `bytes=a-b`, `bytes=a-`, `bytes=-n`, an end beyond the
 *   file cut at its last byte (RFC 9110 §14.1.2; Workbox's RangeRequestsPlugin would answer 416, and the reader's
 *   first read is always 16 KiB, so a smaller basemap could not even be opened). The copy's ETag goes along, so
 *   the reader notices when the copy is replaced under an open map. Without a copy: the network, nothing stored.
 * - The whole file (mapview.ts asks for it once per map open, after the basemap is shown) revalidates the copy:
 *   a conditional GET with the copy's ETag (`If-None-Match`), outside the HTTP cache. 304 (unchanged): the copy,
 *   and a few hundred bytes crossed the network; 200 (new or replaced file): stored in place of the copy once
 *   wholly received (a download cut short keeps the old copy), so the next map open shows it; 404 (the
 *   administrator removed it): the copy is dropped, so the next map open shows none. No network, or any other
 *   answer (401, 5xx): the copy stays in use.
 *
 * The function is copied into the generated service worker as text: it uses nothing from this module.
 */
const basemapHandler = async ({ request, event }: { request: Request; event: { waitUntil(p: Promise<unknown>): void } }): Promise<Response> => {
  const cache = await caches.open('gridlink-basemap');
  const key = request.url;
  const cached = await cache.match(key);
  const range = request.headers.get('range');
  if (range) {
    if (!cached || cached.status !== 200) return fetch(request);
    const blob = await cached.blob();
    const size = blob.size;
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    let start = -1;
    let end = -1;
    if (m && m[1] === '' && m[2] !== '' && Number(m[2]) > 0) {
      start = Math.max(0, size - Number(m[2]));
      end = size - 1;
    } else if (m && m[1] !== '') {
      start = Number(m[1]);
      end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    }
    if (start < 0 || start >= size || end < start) return new Response('', { status: 416, headers: { 'Content-Range': `bytes */${size}` } });
    const headers = new Headers(cached.headers);
    headers.set('Content-Range', `bytes ${start}-${end}/${size}`);
    headers.set('Content-Length', String(end - start + 1));
    return new Response(blob.slice(start, end + 1), { status: 206, statusText: 'Partial Content', headers });
  }
  // Not tied to the page's request (no signal): a new file keeps downloading into the cache if the page goes away.
  const headers = new Headers(request.headers);
  const etag = cached?.headers.get('etag');
  if (etag) headers.set('if-none-match', etag);
  let res: Response;
  try {
    res = await fetch(key, { headers, cache: 'no-store', credentials: 'same-origin' });
  } catch {
    return cached ?? Response.error();
  }
  if (res.status === 304 && cached) return cached;
  if (res.status === 200) {
    event.waitUntil(cache.put(key, res.clone()).catch(() => {}));
    return res;
  }
  // Dropped before answering, so the page finds no copy right after this 404 (mapview.ts takes the basemap off).
  if (res.status === 404) await cache.delete(key);
  return res.status === 404 || !cached ? res : cached;
};

export default defineConfig({
  plugins: [
    yjsLogging(),
    preact({ devToolsEnabled: false, prefreshEnabled: true }),
    VitePWA({
      strategies: 'generateSW',
      registerType: 'prompt',
      injectRegister: false,
      filename: 'sw.js',
      manifestFilename: 'manifest.webmanifest',
      // The glob below already precaches public/ (icons, favicon); listing them again would duplicate entries.
      includeManifestIcons: false,
      manifest: {
        id: '/',
        name: '网格通 Gridlink',
        short_name: '网格通',
        description: '农村网格化治理：离线上报、受理、派遣、处置、核实、结案。Offline-first grid governance.',
        lang: 'zh-CN',
        dir: 'ltr',
        theme_color: THEME,
        background_color: '#f3f5f4',
        display: 'standalone',
        orientation: 'any',
        start_url: '/',
        scope: '/',
        categories: ['government', 'productivity'],
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icon-maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
          { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,mjs,css,html,png,svg,webmanifest}'],
        // issue 13: a click on an inbox notification opens the app at its case (public/sw-notify.js).
        importScripts: ['/sw-notify.js'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api(?:\/|$)/, /^\/sync(?:\/|$)/, /^\/healthz(?:\/|$)/, /^\/blobs(?:\/|$)/],
        // /api answers are live (the app keeps its data in IndexedDB itself) and are not cached, except the grid
        // boundaries and the basemap under /api/geo/, which are static files the map needs offline: boundaries
        // stale-while-revalidate (offline: the last copy; online: that copy at once, refreshed for next time),
        // the basemap by basemapHandler above (byte ranges from the whole cached copy, revalidated by ETag once per
        // map open; a ranged answer, 206, is never stored: only the whole file's 200).
        runtimeCaching: [
          {
            urlPattern: /\/api\/geo\/(?:grids|villages|towns)\.geojson$/,
            handler: 'StaleWhileRevalidate',
            options: { cacheName: 'gridlink-geo', cacheableResponse: { statuses: [200] } },
          },
          { urlPattern: /\/api\/geo\/basemap\.pmtiles$/, handler: basemapHandler },
          // Issue 14: the read-aloud clips (public/voice) are not precached: only a device without a Chinese voice
          // needs them, and src/app/speech.ts fetches them all once it knows it does (warmClips), so they play
          // offline from then on. Cache first: a clip's URL carries a hash of its text (clipUrl), so a re-recorded
          // clip is a new entry (old ones age out by count); ranges are served from the whole cached file (an
          // <audio> element asks with Range).
          {
            urlPattern: /\/voice\/[A-Za-z]+\.opus\?t=[0-9a-z]+$/,
            handler: 'CacheFirst',
            options: { cacheName: 'gridlink-voice', cacheableResponse: { statuses: [200] }, rangeRequests: true, expiration: { maxEntries: 60 } },
          },
        ],
        cleanupOutdatedCaches: true,
        // The first install takes control at once (chunks loaded later in this visit come from the cache);
        // an update waits for the user's "刷新" (skipWaiting through workbox-window).
        clientsClaim: true,
        skipWaiting: false,
      },
      devOptions: { enabled: false },
    }),
    precompress(),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: true,
    // The first screen's JS has a budget (100 KB gzip, `npm run bench -- --only=bundle`). Every browser the app
    // supports (Chromium and Android WebView 66+, Safari 17+, Firefox 115+) has modulepreload, so no polyfill; lazy
    // chunks are named by their hash alone, since the entry lists every chunk it may preload (about 100 names), and
    // by 7 characters of it, the fewest rolldown allows for this many chunks (it fails the build, not silently, when
    // more are needed): the names do not compress, and 8 characters cost the first screen 120 bytes gzip.
    // Everything the entry imports statically is one chunk: ten small files (Yjs, Preact, the domain modules the
    // lazy screens share) cost ten requests and compress worse apart (1.7 kB gzip more).
    // A lazy chunk's dependencies are preloaded with it (in parallel, not discovered one import at a time) only for the
    // chunks on the way to a first screen: sign-in and each role's home, and the sync code (FIRST_PATH, named
    // `p-<hash>`). The others (administration, the command hall, the map, statistics...) load theirs as they import
    // them: by then the service worker holds every file, so the extra round trips cost nothing, and their lists would
    // cost the first screen's JS 1.7 kB gzip.
    modulePreload: { polyfill: false, resolveDependencies: (file, deps) => (file.startsWith('assets/p-') ? deps : deps.filter((d) => d.endsWith('.css'))) },
    rollupOptions: {
      output: {
        chunkFileNames: (chunk) => (FIRST_PATH.test(chunk.facadeModuleId ?? '') ? 'assets/p-[hash:7].js' : 'assets/[hash:7].js'),
        // Style sheets too: the entry lists the lazy chunks' CSS among their dependencies (their names cost bytes).
        assetFileNames: (asset) => (asset.names.some((n) => n.endsWith('.css')) ? 'assets/[hash:7][extname]' : 'assets/[name]-[hash][extname]'),
        codeSplitting: { groups: [{ name: 'index', tags: ['$initial'] }] },
      },
    },
  },
  server: {
    proxy: {
      '/api': RELAY,
      '/healthz': RELAY,
      '/blobs': RELAY,
      '/sync': { target: RELAY, ws: true },
    },
  },
});
