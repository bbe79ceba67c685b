/// <reference lib="webworker" />
/**
 * The service worker: precaches the app shell so the app loads with no network after
 * the first visit, and answers every navigation with the precached index.html (the
 * app routes by hash). A new version waits until the page asks it to take over
 * (`skip-waiting`, sent when the librarian taps "Versi baru tersedia").
 *
 * Background Sync is not here but in the second worker, src/sw/sync.ts (/sw-sync.js,
 * scope /background-sync/), which runs the page's own sync engine: this worker is a
 * classic script bundled on its own by vite-plugin-pwa (`injectManifest`, IIFE), and a
 * bundled copy of Dexie, the engine and the schemas would push "everything precached"
 * over its budget; the sync worker, a module, imports the app's chunks instead. Keeping
 * this one classic also keeps every browser with service workers offline-capable, and
 * lets phones that installed an earlier (classic) build update it.
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import { MONITOR_ASSET, MONITOR_CACHE } from '../device/names';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// The API must never be answered from the cache.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/api\//] }));
// The monitoring screens: hashed, immutable files, kept once fetched (src/device/names.ts).
registerRoute(({ url }) => url.origin === self.location.origin && MONITOR_ASSET.test(url.pathname), new CacheFirst({ cacheName: MONITOR_CACHE }));

self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'skip-waiting') void self.skipWaiting();
});

// The first install takes the open page at once, so it works offline without a reload.
// An update never reaches this before the page's skip-waiting, so this cannot reload it early.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
