/**
 * The service worker's lifecycle as the page sees it (after squoosh's sw-bridge):
 * register, tell the UI when a new version is waiting, and apply it on request.
 *
 * No reload loop: the page reloads only when the controller changes *and* the page
 * was already controlled when it loaded (the first install merely claims the page),
 * and at most once per page. The UI decides when `apply` may run (never while the
 * entry form holds unsaved input); this module imports no UI.
 */

/** Registers `url`; calls `onUpdate(apply)` whenever a new worker is installed and waiting. */
export async function startWorker(url: string, onUpdate: (apply: () => void) => void): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  const sw = navigator.serviceWorker;
  const wasControlled = !!sw.controller;
  let reloading = false;
  sw.addEventListener('controllerchange', () => {
    if (!wasControlled || reloading) return;
    reloading = true;
    location.reload();
  });

  const reg = await sw.register(url);
  const offer = (worker: ServiceWorker) => onUpdate(() => worker.postMessage({ type: 'skip-waiting' }));
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
    if (document.visibilityState === 'visible') reg.update().catch(() => {});
  });
}
