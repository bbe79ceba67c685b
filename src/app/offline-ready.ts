/** Whether the app is stored for use without signal: the first run says so only once it is. */
import { useEffect, useState } from 'preact/hooks';
import { installAgain, workerRegistration } from './sw-bridge';

export type OfflineReadiness = 'ready' | 'preparing' | 'failed' | null;

/**
 * 'ready' once the page's service worker is active — it activates only after installing,
 * and installing is precaching the whole app — 'preparing' until then; 'failed' when
 * registering or installing failed (sw.js or a file of the app cut off on a weak first
 * connection: the browser drops the worker, and `ready` would wait for ever), until `retry`
 * installs again; null where no worker is registered (`registering` false, or no service
 * workers at all).
 */
export function useOfflineReady(registering: boolean): { state: OfflineReadiness; retry: () => void } {
  const [state, setState] = useState<OfflineReadiness>(() => {
    if (!registering || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return null;
    return navigator.serviceWorker.controller ? 'ready' : 'preparing';
  });
  const [attempt, setAttempt] = useState(0);
  // Ready whenever it comes, even after a "failed" (an install that went through after all).
  useEffect(() => {
    if (state === null || state === 'ready') return;
    let live = true;
    void navigator.serviceWorker.ready.then(() => live && setState('ready'));
    return () => {
      live = false;
    };
  }, [state === null || state === 'ready']);
  // Failed: no registration (sw.js did not arrive), or its new worker was dropped (redundant).
  useEffect(() => {
    if (state !== 'preparing') return;
    let live = true;
    void workerRegistration().then((reg) => {
      const worker = reg?.installing ?? reg?.waiting ?? reg?.active;
      const fail = () => live && !reg?.active && setState('failed');
      if (!worker || worker.state === 'redundant') return fail();
      worker.addEventListener('statechange', () => worker.state === 'redundant' && fail());
    });
    return () => {
      live = false;
    };
  }, [attempt]);
  // Installs again, saying so while it tries; still no signal, 'failed' again.
  const retry = () => {
    setState('preparing');
    void installAgain().then(
      () => setAttempt((a) => a + 1),
      () => setState('failed'),
    );
  };
  return { state, retry };
}
