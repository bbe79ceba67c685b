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

/** Asks for persistent storage the first time it is called with data stored; later calls do nothing. */
export async function requestPersistenceOnce(db: LaporDb, storage: Storage = defaultStorage()): Promise<boolean | null> {
  if (!storage?.persist) return null;
  if ((await db.meta.get('persistAsked'))?.value === true) return null;
  await db.meta.put({ key: 'persistAsked', value: true });
  return storage.persist().catch(() => false);
}
