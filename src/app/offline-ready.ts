/** Whether the app is stored for use without signal: the first run says so only once it is. */
import { useEffect, useState } from 'preact/hooks';
import { installAgain } from './sw-bridge';

export type OfflineReadiness = 'ready' | 'preparing' | 'failed' | null;

/** How often a 'preparing' page looks whether the worker's install failed. */
const CHECK_MS = 2000;

/**
 * 'ready' once the page's service worker is active — it activates only after installing,
 * and installing is precaching the whole app — 'preparing' until then; 'failed' when the
 * install failed (a file cut off on a weak first connection: the worker is dropped and
 * `ready` would wait for ever), until `retry` installs again; null where no worker is
 * registered (`registering` false, or no service workers at all).
 */
export function useOfflineReady(registering: boolean): { state: OfflineReadiness; retry: () => void } {
  const [state, setState] = useState<OfflineReadiness>(() => {
    if (!registering || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return null;
    return navigator.serviceWorker.controller ? 'ready' : 'preparing';
  });
  useEffect(() => {
    if (state !== 'preparing') return;
    let live = true;
    const sw = navigator.serviceWorker;
    void sw.ready.then(() => live && setState('ready'));
    // No registration (a failed first install drops it; or sw.js itself did not arrive), or
    // one with no worker installing, waiting or active: the install failed.
    const timer = setInterval(() => {
      void sw.getRegistration().then((reg) => {
        if (live && !(reg && (reg.installing || reg.waiting || reg.active))) setState('failed');
      });
    }, CHECK_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [state]);
  // Installs again; still no signal, it stays 'failed'.
  const retry = () => void installAgain().then(() => setState('preparing'), () => {});
  return { state, retry };
}
