/// <reference lib="webworker" />
/**
 * The Background Sync worker: on the `sync` event with the tag the page registers when
 * unsent work could not be sent (src/app/sync-client.ts), one whole sync with the page's
 * own engine (src/device: the same Dexie database and Web Lock, so it never runs
 * alongside a tab's sync), the event kept alive until it is done. A retryable failure
 * with changes still waiting rejects the event, so the browser tries again later
 * (Chromium: after 5, then 15 minutes); see src/device/background-sync.ts. No DOM here:
 * the worker's own fetch, clock and Math.random; the language from the stored settings.
 *
 * A worker of its own, beside the precaching one (src/sw/sw.ts): registered by the page
 * as a module at /sw-sync.js with the scope /background-sync/, where no page lives, so it
 * controls nothing and only ever handles `sync`. It is an entry of the APP's build
 * (vite.config.ts), so it imports the chunks the app already has — Dexie, the engine,
 * the schemas — rather than a second copy of them, which the precache budget has no room
 * for. It works by side effect (it adds the listener): Vite drops an app entry's exports.
 */
import { BACKGROUND_SYNC_TAG, backgroundSync } from '../device/background-sync';
import { openDb } from '../device/db';

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
  const db = openDb();
  try {
    await backgroundSync({ db, fetch: (input, init) => fetch(input, init), now: () => new Date(), random: Math.random });
  } finally {
    db.close();
  }
}
