/// <reference lib="webworker" />
/**
 * The Background Sync worker: on the `sync` event with the tag the page registers when
 * changes wait that only a worker may get to send (src/app/sync-client.ts), one whole sync
 * with the page's own engine (src/device: the same Dexie database and Web Lock, so it
 * never runs alongside a tab's sync, and waits behind one for 30 s at most), the event
 * kept alive until it is done. A retryable failure with changes still waiting, or a stored next
 * try (backoff, Retry-After) still ahead, rejects the event, so the browser tries again
 * later (Chromium: after 5, then 15 minutes); see src/device/background-sync.ts. No DOM
 * here: the worker's own fetch, clock and Math.random; the language from the stored settings.
 *
 * A worker of its own, beside the precaching one (src/sw/sw.ts): registered by the page
 * as a module at /sw-sync.js with the scope /background-sync/, where no page lives, so it
 * controls nothing and only ever handles `sync`. It is an entry of the APP's build
 * (vite.config.ts), so it imports the chunks the app already has — Dexie, the engine,
 * the schemas — rather than a bundled copy of them in the precaching worker, which the
 * precache budget has no room for. (The browser keeps this worker's script graph in its
 * own service-worker script store, not in the precache, which leaves sw-sync.js out.)
 * It works by side effect (it adds the listener): Vite drops an app entry's exports.
 */
import { BACKGROUND_SYNC_TAG, backgroundSync, openWorkerDb } from '../device/background-sync';

/** The Background Sync event (not in TypeScript's lib). */
interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
  readonly lastChance: boolean;
}

declare const self: ServiceWorkerGlobalScope;

self.addEventListener('sync', (e) => {
  const event = e as SyncEvent;
  if (event.tag === BACKGROUND_SYNC_TAG) event.waitUntil(syncInBackground());
});

async function syncInBackground(): Promise<void> {
  // Never creates, upgrades nor reopens the database; opened explicitly by backgroundSync.
  const db = openWorkerDb();
  try {
    await backgroundSync({ db, fetch: (input, init) => fetch(input, init), now: () => new Date(), random: Math.random });
  } finally {
    db.close({ disableAutoOpen: true });
  }
}
