/**
 * The service workers' lifecycle as the page sees it (after squoosh's sw-bridge):
 * register, tell the UI when a new version is waiting, and apply it on request. The
 * second, Background Sync worker is registered beside it and updates silently.
 *
 * No reload loop: the page reloads only when the controller changes *and* the page
 * was already controlled when it loaded (the first install merely claims the page),
 * and at most once per page. The UI decides when `apply` may run (never while the
 * entry form holds unsaved input); this module imports no UI.
 */

/** The Background Sync worker (src/sw/sync.ts): a module, in a scope of its own where no page lives. */
export const SYNC_WORKER_URL = '/sw-sync.js';
export const SYNC_WORKER_SCOPE = '/background-sync/';

/**
 * Registers the Background Sync worker where the browser has Background Sync (Chromium,
 * since version 49), and looks for a new version of it: registering again does not (no
 * page navigates in its scope, which is what would). It is a module worker, which Chromium
 * runs only since version 91: on 49–90 the registration fails, is caught here, and those
 * phones keep the page's own sync triggers (their offline app is the classic /sw.js).
 * It controls no page, so a new version takes over at once, with no prompt: it keeps no
 * state of its own, and leaves a database of another version to the page
 * (src/device/background-sync.ts). Offline or refused, it stays as it was; the page's
 * own sync triggers remain either way.
 */
export async function startSyncWorker(): Promise<ServiceWorkerRegistration | null> {
  if (!('serviceWorker' in navigator) || !('SyncManager' in window)) return null;
  try {
    const reg = await navigator.serviceWorker.register(SYNC_WORKER_URL, { type: 'module', scope: SYNC_WORKER_SCOPE });
    if (reg.active) reg.update().catch(() => {});
    return reg;
  } catch {
    return null;
  }
}

let reloadState: 'no' | 'pending' | 'done' = 'no';

/** The worker `startWorker` registered, for `installAgain`. */
let workerUrl: string | null = null;

/** The page worker's registration once `startWorker` (or `installAgain`) has it; null when registering failed. */
let registered: Promise<ServiceWorkerRegistration | null>;
let settleRegistered: (reg: ServiceWorkerRegistration | null) => void;
const awaitRegistration = () => (registered = new Promise((resolve) => (settleRegistered = resolve)));
awaitRegistration();

export function workerRegistration(): Promise<ServiceWorkerRegistration | null> {
  return registered;
}

/** Registers `url`, telling `workerRegistration` how it went. */
function register(url: string): Promise<ServiceWorkerRegistration> {
  const reg = navigator.serviceWorker.register(url);
  reg.then(settleRegistered, () => settleRegistered(null));
  return reg;
}

/**
 * Registers the page's worker again after its first install failed (a file cut off on a
 * weak first connection: the browser then drops the registration). Rejects with no signal.
 */
export async function installAgain(): Promise<void> {
  if (!workerUrl) return;
  awaitRegistration();
  await register(workerUrl);
}

/**
 * Reloads the page, once, if a new version took control and `ready` (no unsaved input)
 * allows. A moment later: the form just left writes its last draft on the way out.
 * `address`: the screen shown, written to the address bar first should it not have followed
 * yet (it follows a frame after the screen; a busy or hidden tab's frame can come after the
 * reload, which then opened the form just saved instead of Beranda).
 */
export function reloadIfPending(ready: boolean, address?: () => string): void {
  if (reloadState !== 'pending' || !ready) return;
  reloadState = 'done';
  setTimeout(() => {
    // Read now: the librarian may have gone on to another screen meanwhile.
    const shown = address?.();
    if (shown !== undefined && location.hash !== shown) history.replaceState(history.state, '', shown);
    location.reload();
  }, RELOAD_DELAY_MS);
}

const RELOAD_DELAY_MS = 200;

/**
 * Registers `url` (and the Background Sync worker); calls `onUpdate(apply)` whenever a new
 * worker is installed and waiting. `mayReload`: false while this page holds unsaved input —
 * a version applied from another tab then reloads this one only once the form is left with
 * nothing unsaved (`reloadIfPending`), not under the librarian's fingers.
 */
export async function startWorker(url: string, onUpdate: (apply: () => void) => void, mayReload: () => boolean = () => true): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  workerUrl = url;
  const sw = navigator.serviceWorker;
  const wasControlled = !!sw.controller;
  sw.addEventListener('controllerchange', () => {
    if (!wasControlled || reloadState !== 'no') return;
    reloadState = 'pending';
    if (mayReload()) {
      reloadState = 'done';
      location.reload();
    }
  });

  const reg = await register(url);
  void startSyncWorker();
  const offer = (worker: ServiceWorker) =>
    onUpdate(() => {
      // Applied from another tab meanwhile (this one, holding input then, waits to reload):
      // the worker is active already and a message to it does nothing; the version is here.
      if (reloadState === 'pending' || worker.state === 'activating' || worker.state === 'activated') {
        reloadState = 'done';
        location.reload();
        return;
      }
      worker.postMessage({ type: 'skip-waiting' });
    });
  if (reg.waiting && sw.controller) offer(reg.waiting);
  reg.addEventListener('updatefound', () => {
    const worker = reg.installing;
    worker?.addEventListener('statechange', () => {
      // Installed with a controller present = an update; without one = the first install.
      if (worker.state === 'installed' && sw.controller) offer(worker);
    });
  });
  // A phone keeps the app open for days: look for a new version when it comes back.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible') return;
    reg.update().catch(() => {});
    void startSyncWorker();
  });
}
