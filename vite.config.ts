/**
 * Build of the PWA: Preact, and vite-plugin-pwa generating the service worker (dist/sw.js) and the manifest.
 * The service worker precaches the app shell so the app loads offline after the first visit; it never caches
 * /api, /sync, /healthz or /blobs (those are live data, kept locally by the app itself in IndexedDB).
 * In development (`npm run dev`, scripts/dev.ts) the relay runs separately and is proxied.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const RELAY = process.env.GRIDLINK_RELAY ?? 'http://127.0.0.1:8787';
const THEME = '#0b5e4a';

/**
 * Writes `<file>.br` and `<file>.gz` next to each JS and CSS file of the build (brotli at its highest quality
 * once, instead of on every request), for a server that serves a precompressed sibling when the request's
 * Accept-Encoding allows it. The service worker's precache globs do not match these names.
 */
function precompress(): Plugin {
  return {
    name: 'gridlink-precompress',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      for (const [fileName, out] of Object.entries(bundle)) {
        if (!/\.(?:js|mjs|css)$/.test(fileName)) continue;
        const source = out.type === 'chunk' ? out.code : out.source;
        const buf = typeof source === 'string' ? Buffer.from(source) : Buffer.from(source);
        if (buf.length < 1024) continue;
        this.emitFile({ type: 'asset', fileName: `${fileName}.gz`, source: gzipSync(buf, { level: 9 }) });
        this.emitFile({
          type: 'asset',
          fileName: `${fileName}.br`,
          source: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length } }),
        });
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
        // No runtime caching: /api answers are live; the app keeps its data in IndexedDB itself.
        runtimeCaching: [],
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
