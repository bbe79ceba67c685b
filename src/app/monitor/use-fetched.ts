/** A monitoring GET as screen state: loading, then the validated answer (maybe a kept one) or an error. */
import { useEffect, useState } from 'preact/hooks';
import { readJson, type Fetched } from './api';

export type Loaded<T> = { ok: null } | Fetched<T>;

interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/**
 * Reads `url` (nothing when null) and re-reads it when `url` or `attempt` changes.
 * A 401 calls `onUnauthorized`, which shows the login form (readJson has already
 * forgotten the kept views).
 */
export function useFetched<T>(url: string | null, schema: Schema<T>, attempt: number, onUnauthorized: () => void): Loaded<T> {
  const [state, setState] = useState<{ url: string | null; attempt: number; result: Loaded<T> }>({ url: null, attempt, result: { ok: null } });
  useEffect(() => {
    if (url === null) return;
    let live = true;
    void readJson(url, schema).then((result) => {
      if (!live) return;
      if (!result.ok && result.error.kind === 'unauthorized') onUnauthorized();
      setState({ url, attempt, result });
    });
    return () => {
      live = false;
    };
  }, [url, attempt]);
  // An answer for another address (the previous view) is never shown for this one.
  return state.url === url && state.attempt === attempt ? state.result : { ok: null };
}
