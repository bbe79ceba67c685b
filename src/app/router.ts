/**
 * Hash routes, so that one precached index.html serves every screen offline:
 * `#/` Beranda, `#/catat`, `#/ubah/<id>`, `#/daftar`, `#/pengaturan`, `#/kirim` (enrolment and sync).
 */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { name: 'home' }
  | { name: 'log' }
  | { name: 'edit'; id: string }
  | { name: 'list' }
  | { name: 'settings' }
  | { name: 'sync' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  if (path === '/catat') return { name: 'log' };
  if (path === '/daftar') return { name: 'list' };
  if (path === '/pengaturan') return { name: 'settings' };
  if (path === '/kirim') return { name: 'sync' };
  const edit = /^\/ubah\/([0-9a-f-]{36})$/.exec(path);
  if (edit) return { name: 'edit', id: edit[1] };
  return { name: 'home' };
}

const listeners = new Set<() => void>();

/** Goes to `path` at once (the screen renders without waiting for the `hashchange` task). */
export function navigate(path: string): void {
  location.hash = `#${path}`;
  for (const l of listeners) l();
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    // Compare by value: the same route arrives twice, from navigate() and from hashchange.
    const onChange = () => setRoute((r) => {
      const next = parseRoute(location.hash);
      return JSON.stringify(next) === JSON.stringify(r) ? r : next;
    });
    listeners.add(onChange);
    window.addEventListener('hashchange', onChange);
    return () => {
      listeners.delete(onChange);
      window.removeEventListener('hashchange', onChange);
    };
  }, []);
  return route;
}
