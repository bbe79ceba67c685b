import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { VitePWA } from 'vite-plugin-pwa';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };
// A build id makes every build a new version for the update flow (tests set it to tell two builds apart).
const buildId = process.env.APP_BUILD_ID ?? new Date().toISOString().slice(0, 16).replace(/[-:T]/g, '');

/**
 * The Background Sync worker (src/sw/sync.ts, registered by src/app/sw-bridge.ts) is an
 * entry of the APP's build, not a worker build of its own: a module worker at /sw-sync.js
 * (a fixed name, so the page knows it) that imports the app's own chunks — Dexie, the sync
 * engine, the schemas. A copy of them bundled into the precaching worker would take
 * "everything precached" from ~265 KB to ~410 KB, over its 300 KB budget. (The browser
 * keeps the module worker's script graph in its own service-worker script store: a second
 * copy of those chunks on the phone, but not in the precache.)
 */
const SW_SYNC_ENTRY = resolve(import.meta.dirname, 'src/sw/sync.ts');

export default defineConfig({
  define: {
    __APP_VERSION__: JSON.stringify(`${pkg.version}+${buildId}`),
    // A phone whose date is before the app's build has a wrong clock (src/app/clock.ts).
    __BUILD_DATE__: JSON.stringify(new Date().toISOString().slice(0, 10)),
  },
  plugins: [
    preact(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      // Our own bridge registers the worker and runs the update prompt (src/app/sw-bridge.ts).
      injectRegister: false,
      registerType: 'prompt',
      injectManifest: {
        // A classic worker, as every browser with service workers runs it (and as phones
        // that installed an earlier build keep updating it).
        rollupFormat: 'iife',
        globPatterns: ['**/*.{js,css,html,png,svg,webmanifest}'],
        // The manifest's icons and iOS's home-screen icon are read once, online, when the app
        // is installed (the phone keeps its own copy for the home screen): not worth precaching.
        // The monitoring screens are for supervisors, not librarians' phones: the worker keeps
        // them on first use instead (src/device/names.ts, MONITOR_CACHE).
        // The Background Sync worker's script is the browser's to keep (a service worker's
        // scripts live in its registration's script store, not in a cache): never precached.
        globIgnores: ['icons/*.png', 'assets/Monitor-*', 'sw-sync.js'],
      },
      includeAssets: ['favicon.svg'],
      includeManifestIcons: false,
      manifest: {
        name: 'Lapor TPBIS — kegiatan perpustakaan desa',
        short_name: 'Lapor TPBIS',
        description: 'Catat kegiatan perpustakaan desa TPBIS dan lihat perkiraan warna KPI, juga tanpa sinyal.',
        lang: 'id',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#0b6e4f',
        background_color: '#f6f7f9',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
  ],
  resolve: {
    // Dexie's modern build (ES2018 syntax, no ES5 down-levelling), minified by Dexie's own
    // build: the same module, 9.5 KB smaller in the precache than the ES5 one its package
    // entry hands a bundler (0.5 KB of it against our minifier on the unminified file). Every
    // browser with service workers and IndexedDB v2 runs it. Only the app's build: the tests
    // under Node import the package as it is.
    alias: [{ find: /^dexie$/, replacement: resolve(import.meta.dirname, 'node_modules/dexie/dist/modern/dexie.min.mjs') }],
  },
  build: {
    target: 'es2020',
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      // The domain is pure (DESIGN.md): importing one of its modules only defines things.
      // Told so, the bundler drops what the phone never uses (the monitoring schemas, the
      // server's fast entry parser…) instead of keeping their top-level schema calls in case
      // they did something: 0.8 KB of the precache, 0.8 KB gzip of the first load.
      treeshake: { moduleSideEffects: (id: string) => !id.replaceAll('\\', '/').includes('/src/domain/') },
      input: { index: resolve(import.meta.dirname, 'index.html'), 'sw-sync': SW_SYNC_ENTRY },
      // No "[PLUGIN_TIMINGS] JavaScript callbacks ran for 4.8s" on a slow machine: the workbox
      // step is slow there, nothing a newcomer running `npm start` can act on (and it turned
      // the start's one-line failures into ten).
      checks: { bundlerTimings: false },
      output: { entryFileNames: (chunk) => (chunk.name === 'sw-sync' ? 'sw-sync.js' : 'assets/[name]-[hash].js') },
    },
  },
});
