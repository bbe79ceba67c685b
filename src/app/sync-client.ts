/**
 * The page's sync engine: one scheduler per database, fed by the triggers of
 * SYNC-PROTOCOL.md ("On the phone"): app start, `online`, the page becoming visible,
 * the "Kirim sekarang" button, and the backoff timer (armed by the scheduler itself).
 * Web Locks keep it to one sync at a time across tabs and the worker.
 *
 * Background Sync: whenever changes wait that could not be sent — a sync attempt failed
 * and may be retried, or a change was saved while offline — the page asks the browser
 * (where it has Background Sync: Chromium) to wake the service worker when the network
 * is back, even if the app has been closed by then; the Background Sync worker
 * (src/sw/sync.ts, registered by sw-bridge.ts) then runs the same engine. The tag can
 * only be registered while a page is open.
 */
import {
  BACKGROUND_SYNC_TAG,
  createSyncScheduler,
  lastOutboxSeq,
  waitingCount,
  watch,
  type LaporDb,
  type SyncResult,
  type SyncScheduler,
} from '../device';
import type { Lang } from '../domain';
import { SYNC_WORKER_SCOPE } from './sw-bridge';

const schedulers = new WeakMap<LaporDb, SyncScheduler>();

export function syncScheduler(db: LaporDb, lang: Lang = 'id'): SyncScheduler {
  let s = schedulers.get(db);
  if (!s) {
    s = createSyncScheduler({
      db,
      fetch: (input, init) => fetch(input, init),
      now: () => new Date(),
      random: Math.random,
      lang,
      onResult: (result) => {
        if (result.status === 'retry') void backgroundSyncIfWaiting(db);
      },
    });
    schedulers.set(db, s);
  }
  return s;
}

type SyncRegistration = ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } };

/**
 * Asks the browser to fire the Background Sync worker's `sync` event when it is online (at
 * once if it already is). False where there is no Background Sync or no active worker yet.
 */
export async function requestBackgroundSync(): Promise<boolean> {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return false;
  try {
    const reg = (await navigator.serviceWorker.getRegistration(SYNC_WORKER_SCOPE)) as SyncRegistration | undefined;
    // Without the Background Sync worker this finds the precaching worker's registration
    // (its scope holds every URL), which has no `sync` listener: the tag would be wasted.
    if (!reg?.active || !reg.sync || new URL(reg.scope).pathname !== SYNC_WORKER_SCOPE) return false;
    await reg.sync.register(BACKGROUND_SYNC_TAG);
    return true;
  } catch {
    // Refused (permission, storage, private mode): the page's own triggers remain.
    return false;
  }
}

/** Registers Background Sync when changes wait in the outbox. */
export async function backgroundSyncIfWaiting(db: LaporDb): Promise<boolean> {
  return (await waitingCount(db)) > 0 && requestBackgroundSync();
}

/** Starts the triggers; returns the function that removes them. */
export function startSyncTriggers(db: LaporDb): () => void {
  const s = syncScheduler(db);
  const kick = () => void s.trigger();
  const onVisible = () => {
    if (document.visibilityState === 'visible') kick();
  };
  // While offline, each change saved (the outbox counter moving; and any already waiting
  // when the connection drops) is work no trigger can send until the network returns.
  let stopWatching: (() => void) | null = null;
  const onOffline = () => {
    stopWatching ??= watch(
      () => lastOutboxSeq(db),
      () => void backgroundSyncIfWaiting(db),
    );
  };
  const onOnline = () => {
    stopWatching?.();
    stopWatching = null;
    kick();
  };
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  document.addEventListener('visibilitychange', onVisible);
  if (!navigator.onLine) onOffline();
  void s.resume();
  return () => {
    stopWatching?.();
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
    document.removeEventListener('visibilitychange', onVisible);
  };
}

/** "Kirim sekarang". */
export function syncNowFromPage(db: LaporDb): Promise<SyncResult> {
  return syncScheduler(db).trigger();
}
