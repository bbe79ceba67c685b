/**
 * The page's sync engine: one scheduler per database, fed by the triggers of
 * SYNC-PROTOCOL.md ("On the phone"): app start, `online`, the page becoming visible,
 * the "Kirim sekarang" button, and the backoff timer (armed by the scheduler itself);
 * and, beyond the protocol's list, a change saved while online, sent a moment later.
 * Web Locks keep it to one sync at a time across tabs and the worker.
 *
 * Background Sync: the page asks the browser (where it has Background Sync: Chromium) to
 * wake the Background Sync worker (src/sw/sync.ts, registered by sw-bridge.ts) — which
 * runs the same engine, even if the app has been closed by then — only when that can
 * help: a change saved while offline, the connection dropping with changes waiting, and
 * the page being hidden or closed with changes waiting. Not after a failed attempt while
 * online: Chromium fires an online tag at once, so the worker would push again right
 * after the server said to wait; the page's own backoff timer retries instead (and the
 * worker, when woken, honours that backoff too). The tag can only be registered while a
 * page is open.
 */
import {
  BACKGROUND_SYNC_TAG,
  createSyncScheduler,
  defaultLock,
  getSettings,
  getSyncState,
  lastOutboxSeq,
  serverWait,
  waitingCount,
  watch,
  type FetchFn,
  type LaporDb,
  type SchedulerDeps,
  type SyncResult,
  type SyncScheduler,
} from '../device';
import { SYNC_WORKER_SCOPE } from './sw-bridge';

/** What the triggers need of the page (the browser's by default; tests pass their own). */
export interface PageEnv {
  /** Where `online`, `offline` and `pagehide` fire. */
  window: EventTarget;
  /** Where `visibilitychange` fires. */
  document: EventTarget & { readonly visibilityState: DocumentVisibilityState };
  navigator: { readonly onLine: boolean };
  fetch: FetchFn;
  /** Registers the Background Sync tag; false where it cannot. */
  requestBackgroundSync(): Promise<boolean>;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export function browserPage(): PageEnv {
  return { window, document, navigator, fetch: (input, init) => fetch(input, init), requestBackgroundSync };
}

const schedulers = new WeakMap<LaporDb, SyncScheduler>();

export function syncScheduler(db: LaporDb, env?: PageEnv): SyncScheduler {
  let s = schedulers.get(db);
  if (!s) {
    const page = env ?? browserPage();
    const lock = defaultLock(db);
    const deps: SchedulerDeps = {
      db,
      fetch: page.fetch,
      now: () => new Date(),
      random: Math.random,
      setTimer: page.setTimer,
      clearTimer: page.clearTimer,
      // The server words its answers (a rejected entry's reasons, errors) in the language
      // asked for. The scheduler lives as long as the page, across changes in Pengaturan:
      // like the Background Sync worker, read the saved language at each sync, once the
      // lock is held (the engine reads `deps.lang` right after).
      lock: (fn) => lock(async () => {
        deps.lang = (await getSettings(db)).lang;
        return fn();
      }),
    };
    s = createSyncScheduler(deps);
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
export async function backgroundSyncIfWaiting(db: LaporDb, register: () => Promise<boolean> = requestBackgroundSync): Promise<boolean> {
  return (await waitingCount(db)) > 0 && register();
}

/** How long after a change saved online the page sends it. */
export const SEND_AFTER_SAVE_MS = 3_000;

/** Starts the triggers; returns the function that removes them. */
export function startSyncTriggers(db: LaporDb, env: PageEnv = browserPage()): () => void {
  const s = syncScheduler(db, env);
  const kick = () => void s.trigger();
  const handOver = () => void backgroundSyncIfWaiting(db, () => env.requestBackgroundSync());
  const onVisibility = () => {
    if (env.document.visibilityState === 'visible') kick();
    // Hidden (switched away, screen off, about to close): the page may not run again, so
    // the worker takes over what waits. It honours the backoff the page was keeping.
    else handOver();
  };
  // Each change saved moves the outbox counter. Online, it is sent a moment later (a
  // few saves in a row go in one push, and an entry undone at once is never sent);
  // unless the server asked the phone to wait, whose timer is armed already. Offline, it
  // is work no trigger of the page can send until the network returns: the worker's.
  const setTimer = env.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = env.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let sendTimer: unknown = null;
  const sendSoon = () => {
    sendTimer ??= setTimer(() => {
      sendTimer = null;
      void getSyncState(db).then((state) => {
        if (serverWait(state, new Date()) === 0) kick();
      });
    }, SEND_AFTER_SAVE_MS);
  };
  let seenSeq: number | null = null;
  const stopWatching = watch(
    () => lastOutboxSeq(db),
    (seq) => {
      const saved = seenSeq !== null && seq > seenSeq;
      seenSeq = seq;
      if (!env.navigator.onLine) handOver();
      else if (saved) sendSoon();
    },
  );
  env.window.addEventListener('online', kick);
  // The connection dropping with changes waiting.
  env.window.addEventListener('offline', handOver);
  env.window.addEventListener('pagehide', handOver);
  env.document.addEventListener('visibilitychange', onVisibility);
  void s.resume();
  return () => {
    stopWatching();
    if (sendTimer !== null) clearTimer(sendTimer);
    env.window.removeEventListener('online', kick);
    env.window.removeEventListener('offline', handOver);
    env.window.removeEventListener('pagehide', handOver);
    env.document.removeEventListener('visibilitychange', onVisibility);
  };
}

/** "Kirim sekarang". */
export function syncNowFromPage(db: LaporDb): Promise<SyncResult> {
  return syncScheduler(db).trigger();
}
