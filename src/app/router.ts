/**
 * Hash routes, so that one precached index.html serves every screen offline:
 * `#/` Beranda, `#/catat`, `#/ubah/<id>`, `#/daftar` (`#/daftar/ditolak`: only what the server rejected),
 * `#/pengaturan`, `#/kirim` (enrolment and sync),
 * and `#/pantau…` (regional monitoring; `view` is the rest, read by src/app/monitor/view.ts).
 */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { name: 'home' }
  | { name: 'log' }
  | { name: 'edit'; id: string }
  | { name: 'list'; rejected?: true }
  | { name: 'settings' }
  | { name: 'sync' }
  | { name: 'monitor'; view: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  if (path === '/catat') return { name: 'log' };
  if (path === '/daftar') return { name: 'list' };
  if (path === '/daftar/ditolak') return { name: 'list', rejected: true };
  if (path === '/pengaturan') return { name: 'settings' };
  if (path === '/kirim') return { name: 'sync' };
  if (/^\/pantau(?:[/?]|$)/.test(path)) return { name: 'monitor', view: path.slice('/pantau'.length) };
  const edit = /^\/ubah\/([0-9a-f-]{36})$/.exec(path);
  if (edit) return { name: 'edit', id: edit[1] };
  return { name: 'home' };
}

const listeners = new Set<(hash: string) => void>();

/** The address of the screen shown: `navigate`'s at once, while the address bar follows a frame later. */
let shown = typeof location === 'undefined' ? '' : location.hash;
export const shownAddress = (): string => shown;

/**
 * Goes to `path` at once (the screen renders without waiting for the `hashchange` task).
 * The address follows once the new screen is painted: changing it (`location.hash =` or
 * pushState) costs a slow phone 5–8 ms of synchronous work, which a save would otherwise
 * wait for before its card shows. Skipped if something else navigated in between. Back
 * still works: going back to an entry that differs by its fragment fires `hashchange`.
 */
export function navigate(path: string): void {
  const hash = `#${path}`;
  const from = location.hash;
  shown = hash;
  for (const l of listeners) l(hash);
  requestAnimationFrame(() =>
    setTimeout(() => {
      if (location.hash === from && from !== hash) history.pushState(history.state, '', hash);
    }, 0),
  );
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    // Compare by value: the same route may arrive twice.
    const update = (hash: string) =>
      setRoute((r) => {
        const next = parseRoute(hash);
        return JSON.stringify(next) === JSON.stringify(r) ? r : next;
      });
    const onHashChange = () => update((shown = location.hash));
    listeners.add(update);
    window.addEventListener('hashchange', onHashChange);
    return () => {
      listeners.delete(update);
      window.removeEventListener('hashchange', onHashChange);
    };
  }, []);
  return route;
}
