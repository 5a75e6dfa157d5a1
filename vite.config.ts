/**
 * Build of the PWA: Preact, and vite-plugin-pwa generating the service worker (dist/sw.js) and the manifest.
 * The service worker precaches the app shell so the app loads offline after the first visit; it never caches
 * /api, /sync, /healthz or /blobs (those are live data, kept locally by the app itself in IndexedDB), except the
 * static geometry under /api/geo/ (see runtimeCaching).
 * In development (`npm run dev`, scripts/dev.ts) the relay runs separately and is proxied.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const RELAY = process.env.GRIDLINK_RELAY ?? 'http://127.0.0.1:8787';
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

export default defineConfig({
  plugins: [
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
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api(?:\/|$)/, /^\/sync(?:\/|$)/, /^\/healthz(?:\/|$)/, /^\/blobs(?:\/|$)/],
        // /api answers are live (the app keeps its data in IndexedDB itself) and are not cached, except the grid
        // boundaries and the basemap under /api/geo/, which are static files the map needs offline: boundaries
        // stale-while-revalidate (offline: the last copy; online: that copy at once, refreshed for next time),
        // the basemap cache-first with byte ranges served from the whole cached file (mapview.ts fetches it once).
        runtimeCaching: [
          {
            urlPattern: /\/api\/geo\/(?:grids|villages|towns)\.geojson$/,
            handler: 'StaleWhileRevalidate',
            options: { cacheName: 'gridlink-geo', cacheableResponse: { statuses: [200] } },
          },
          {
            urlPattern: /\/api\/geo\/basemap\.pmtiles$/,
            handler: 'CacheFirst',
            options: { cacheName: 'gridlink-basemap', cacheableResponse: { statuses: [200] }, rangeRequests: true },
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
