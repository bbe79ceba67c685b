/// <reference lib="webworker" />
/**
 * The service worker: precaches the app shell so the app loads with no network after
 * the first visit, and answers every navigation with the precached index.html (the
 * app routes by hash). A new version waits until the page asks it to take over
 * (`skip-waiting`, sent when the librarian taps "Versi baru tersedia").
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// The API (sync, coming) must never be answered from the cache.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/api\//] }));

self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'skip-waiting') void self.skipWaiting();
});

// The first install takes the open page at once, so it works offline without a reload.
// An update never reaches this before the page's skip-waiting, so this cannot reload it early.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
