/**
 * The page's sync engine: one scheduler per database, fed by the triggers of
 * SYNC-PROTOCOL.md ("On the phone"): app start, `online`, the page becoming visible,
 * the "Kirim sekarang" button, and the backoff timer (armed by the scheduler itself).
 * Web Locks keep it to one sync at a time across tabs and the worker.
 */
import { createSyncScheduler, type LaporDb, type SyncResult, type SyncScheduler } from '../device';
import type { Lang } from '../domain';

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
    });
    schedulers.set(db, s);
  }
  return s;
}

/** Starts the triggers; returns the function that removes them. */
export function startSyncTriggers(db: LaporDb): () => void {
  const s = syncScheduler(db);
  const kick = () => void s.trigger();
  const onVisible = () => {
    if (document.visibilityState === 'visible') kick();
  };
  window.addEventListener('online', kick);
  document.addEventListener('visibilitychange', onVisible);
  void s.resume();
  return () => {
    window.removeEventListener('online', kick);
    document.removeEventListener('visibilitychange', onVisible);
  };
}

/** "Kirim sekarang". */
export function syncNowFromPage(db: LaporDb): Promise<SyncResult> {
  return syncScheduler(db).trigger();
}
