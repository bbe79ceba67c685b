/**
 * Background Sync (SYNC-PROTOCOL.md, "On the phone"): the tag the page registers when
 * unsent work could not be sent, and the run the Background Sync worker (src/sw/sync.ts)
 * makes when the browser fires it — the same engine, database and Web Lock as the page,
 * so the two never sync at once. Nothing here needs the DOM: a worker has no `window`,
 * `document` nor `localStorage`; the language for the server's messages comes from the
 * stored settings.
 *
 * Chromium's rules (content/browser/background_sync): a tag fires once the browser is
 * online (a worker under DevTools' offline emulation counts as offline); a `waitUntil`
 * promise that rejects is retried after 5 and then 15 minutes, 3 attempts in all, the
 * last with `lastChance`; after that the tag is gone. A tag can only be registered while
 * a window of the origin is open, so the worker cannot register it again itself: the page
 * does, after its next failed attempt (src/app/sync-client.ts).
 */
import type { LaporDb } from './db';
import { getSettings } from './meta';
import { syncNow, type SyncDeps, type SyncResult } from './sync';

export const BACKGROUND_SYNC_TAG = 'lapor-sync';

/** `skipped`: the database is of another schema version than this code (see `backgroundSync`). */
export type BackgroundSyncResult = SyncResult | { status: 'skipped'; found: number; expected: number };

/** How many changes wait in the outbox to be sent. */
export function waitingCount(db: LaporDb): Promise<number> {
  return db.outbox.count();
}

/** Thrown by `backgroundSync` when the sync failed with changes still waiting: the browser should try again. */
export class BackgroundSyncRetry extends Error {
  constructor(readonly result: SyncResult & { status: 'retry' }, readonly waiting: number) {
    super(`sync failed (${result.error.status || 'network'}: ${result.error.message}); ${waiting} changes wait`);
    this.name = 'BackgroundSyncRetry';
  }
}

/**
 * One whole sync for a `sync` event. Resolves when there is nothing left that a retry
 * could send (done, not enrolled, stopped by a 4xx the librarian must see, or skipped);
 * rejects with `BackgroundSyncRetry` when a retryable failure left changes in the outbox.
 *
 * Skipped: the worker updates as soon as a page registers it, which can be while a page
 * of the previous version is open (its update not yet applied), or it can lag behind a
 * page that updated offline. It must never upgrade the database under an open page, nor
 * open a newer one, so when the stored database's version is not the one this code
 * declares, it leaves the sync to the page, whose version always matches.
 */
export async function backgroundSync(deps: Omit<SyncDeps, 'lang'>): Promise<BackgroundSyncResult> {
  const found = await storedVersion(deps.db);
  const expected = Math.round(deps.db.verno * 10); // Dexie's version n is IndexedDB's 10·n
  if (found === null) return { status: 'not-enrolled' }; // no database: nothing logged, never enrolled
  if (found !== undefined && found !== expected) return { status: 'skipped', found, expected };
  const { lang } = await getSettings(deps.db);
  const result = await syncNow({ ...deps, lang });
  if (result.status === 'retry') {
    const waiting = await waitingCount(deps.db);
    if (waiting > 0) throw new BackgroundSyncRetry(result, waiting);
  }
  return result;
}

/** The stored database's IndexedDB version; null if there is none; undefined if the browser cannot tell. */
async function storedVersion(db: LaporDb): Promise<number | null | undefined> {
  if (db.isOpen()) return db.backendDB().version;
  const factory = (db as unknown as { _deps?: { indexedDB?: IDBFactory } })._deps?.indexedDB ?? globalThis.indexedDB;
  if (typeof factory?.databases !== 'function') return undefined;
  const info = (await factory.databases()).find((d) => d.name === db.name);
  return info?.version ?? null;
}
