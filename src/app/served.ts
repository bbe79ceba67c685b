/**
 * Whether this page's own origin is the sync server (it answers /healthz): then enrolment
 * needs no "Alamat server". A phone without signal gets no answer at all, which says
 * nothing about where the app came from, so the last real answer is remembered (per
 * origin, in localStorage) and the question is asked again when the signal returns.
 */
import { useEffect, useState } from 'preact/hooks';
import { healthResponseSchema } from '../domain';

const SERVED_KEY = 'lapor-tpbis:servedByServer';

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

function browserStorage(): KeyValueStore | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    // Storage refused (some private modes): nothing is remembered, the question stays open.
    return null;
  }
}

/** The last answer this origin gave, or null when it has never answered. */
export function rememberedServedByServer(storage: KeyValueStore | null = browserStorage()): boolean | null {
  try {
    const v = storage?.getItem(SERVED_KEY);
    return v === 'yes' ? true : v === 'no' ? false : null;
  } catch {
    return null;
  }
}

/**
 * Asks this origin's /healthz: true when the sync server answers, false when something else
 * answers (a static host's 404 or its index.html), null when nothing answers (offline, a
 * timeout, a 5xx from a server that is down): no answer is not "served elsewhere".
 */
export async function askServedByServer(fetchFn: typeof fetch = (input, init) => fetch(input, init)): Promise<boolean | null> {
  let res: Response;
  try {
    res = await fetchFn('/healthz', { headers: { accept: 'application/json' } });
  } catch {
    return null;
  }
  if (res.status >= 500) return null;
  if (!res.ok) return false;
  try {
    return healthResponseSchema.safeParse(await res.json()).success;
  } catch {
    return false;
  }
}

/** Asks, and remembers a real answer; otherwise returns the one remembered. */
export async function checkServedByServer(
  fetchFn?: typeof fetch,
  storage: KeyValueStore | null = browserStorage(),
): Promise<boolean | null> {
  const answer = await askServedByServer(fetchFn);
  if (answer === null) return rememberedServedByServer(storage);
  try {
    storage?.setItem(SERVED_KEY, answer ? 'yes' : 'no');
  } catch {
    // Full or refused: the answer still holds for this visit.
  }
  return answer;
}

/** The answer for a screen: the remembered one at once, then this origin's, again on each `online`. */
export function useServedByServer(): boolean | null {
  const [served, setServed] = useState<boolean | null>(() => rememberedServedByServer());
  useEffect(() => {
    let live = true;
    const check = () => void checkServedByServer().then((answer) => live && setServed(answer));
    check();
    window.addEventListener('online', check);
    return () => {
      live = false;
      window.removeEventListener('online', check);
    };
  }, []);
  return served;
}
