/**
 * Storage health: whether the browser promised to keep our data (persistent storage)
 * and how much of the quota we use. Persistence is asked for once, after the first
 * saved entry — asking on an empty app gets refused more often and means nothing yet.
 */
import type { LaporDb } from './db';

export interface StorageHealth {
  /** null when the browser cannot tell (no StorageManager). */
  persisted: boolean | null;
  usage: number | null;
  quota: number | null;
}

type Storage = Pick<StorageManager, 'persisted' | 'persist' | 'estimate'> | undefined;

const defaultStorage = (): Storage => (typeof navigator !== 'undefined' ? navigator.storage : undefined);

export async function storageHealth(storage: Storage = defaultStorage()): Promise<StorageHealth> {
  if (!storage) return { persisted: null, usage: null, quota: null };
  const [persisted, estimate] = await Promise.all([
    storage.persisted ? storage.persisted().catch(() => null) : null,
    storage.estimate ? storage.estimate().catch(() => null) : null,
  ]);
  return { persisted, usage: estimate?.usage ?? null, quota: estimate?.quota ?? null };
}

/** How long after an unanswered request the browser is asked again. */
export const PERSIST_ASK_EVERY_MS = 86_400_000;

/**
 * Asks for persistent storage after a save, while the browser has not granted it: at most
 * once a day. Chrome refuses a site that is not installed or little used — the usual state
 * at the first save — and grants it later, once the app is on the home screen or used more;
 * asked only once, ever, a phone stayed without it. Returns the browser's answer, or null
 * when it was not asked.
 */
export async function requestPersistence(db: LaporDb, storage: Storage = defaultStorage(), now: Date = new Date()): Promise<boolean | null> {
  if (!storage?.persist) return null;
  const asked = (await db.meta.get('persistAsked'))?.value;
  // An earlier version stored `true`: asked once, long ago.
  const askedAt = typeof asked === 'number' ? asked : asked === true ? 0 : null;
  if (askedAt !== null && now.getTime() - askedAt < PERSIST_ASK_EVERY_MS && now.getTime() >= askedAt) return null;
  if (await storage.persisted?.().catch(() => false)) return null;
  await db.meta.put({ key: 'persistAsked', value: now.getTime() });
  return storage.persist().catch(() => false);
}
