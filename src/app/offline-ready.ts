/** Whether the app is stored for use without signal: the first run says so only once it is. */
import { useEffect, useState } from 'preact/hooks';

export type OfflineReadiness = 'ready' | 'preparing' | null;

/**
 * 'ready' once the page's service worker is active — it activates only after installing,
 * and installing is precaching the whole app — 'preparing' until then; null where no
 * worker is registered (`registering` false, or no service workers at all).
 */
export function useOfflineReady(registering: boolean): OfflineReadiness {
  const [state, setState] = useState<OfflineReadiness>(() => {
    if (!registering || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return null;
    return navigator.serviceWorker.controller ? 'ready' : 'preparing';
  });
  useEffect(() => {
    if (state !== 'preparing') return;
    let live = true;
    void navigator.serviceWorker.ready.then(() => live && setState('ready'));
    return () => {
      live = false;
    };
  }, [state]);
  return state;
}
