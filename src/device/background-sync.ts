/**
 * Background Sync (SYNC-PROTOCOL.md, "On the phone"): the tag the page registers when
 * changes wait that only a worker may get to send, and the run the Background Sync worker
 * (src/sw/sync.ts) makes when the browser fires it — the same engine, database and Web
 * Lock as the page, so the two never sync at once. Nothing here needs the DOM: a worker
 * has no `window`, `document` nor `localStorage`; the language for the server's messages
 * comes from the stored settings.
 *
 * Chromium's rules (content/browser/background_sync): a tag fires once the browser is
 * online — at once if it already is (a worker under DevTools' offline emulation counts as
 * offline); a `waitUntil` promise that rejects is retried after 5 and then 15 minutes, 3
 * attempts in all, the last with `lastChance`; after that the tag is gone. A tag can only
 * be registered while a window of the origin is open, so the worker cannot register it
 * again itself: the page does (src/app/sync-client.ts) when a change is saved offline, when
 * the connection drops, and when the page is hidden or closed, each with changes waiting.
 * Because an online tag fires at once, the worker itself honours the wait the server
 * asked for (the backoff after a 5xx or 429, or its `Retry-After`, stored as
 * `meta.syncState.nextTryAt`): before then it sends nothing and rejects, so the browser
 * asks again later. After no answer at all, the browser firing the tag is the news that
 * the connection is back, and the worker sends at once (`serverWait`).
 */
import { openDb, type LaporDb, type OpenOptions } from './db';
import { getSettings } from './meta';
import { getSyncState } from './sync-state';
import { lockWithin, serverWait, syncNow, type SyncDeps, type SyncResult, type TryLockFn } from './sync';

export const BACKGROUND_SYNC_TAG = 'lapor-sync';

/** How long the worker waits for the sync lock before it gives the event back (Chromium allows it 3 minutes). */
export const BACKGROUND_LOCK_WAIT_MS = 30_000;

/**
 * Besides the engine's results:
 * - `skipped`: the database is not the one this code declares (another IndexedDB version,
 *   `found`; or the same version with another schema, which Dexie would patch by bumping
 *   it), or a page asked to upgrade it during the run (`found`: the version it asked for);
 * - `busy`: the sync lock stayed held (a page, or another run, was syncing) and nothing
 *   waits to be sent: nothing was done;
 * - `deferred`: the stored next try is still ahead and nothing waits to be sent.
 */
export type BackgroundSyncResult =
  | SyncResult
  | { status: 'skipped'; found: number; expected: number }
  | { status: 'busy' }
  | { status: 'deferred'; nextTryAt: string };

export interface BackgroundSyncDeps extends Omit<SyncDeps, 'lang' | 'lock'> {
  /** The sync lock, waited for a bounded time (`lockWithin`, `BACKGROUND_LOCK_WAIT_MS`). */
  tryLock?: TryLockFn;
}

/** How many changes wait in the outbox to be sent. */
export function waitingCount(db: LaporDb): Promise<number> {
  return db.outbox.count();
}

/** Thrown by `backgroundSync` when changes wait that a later attempt may send: the browser should try again. */
export class BackgroundSyncRetry extends Error {
  constructor(readonly result: SyncResult & { status: 'retry' }, readonly waiting: number) {
    super(`sync failed or deferred (${result.error.status || 'network'}: ${result.error.message}); ${waiting} changes wait`);
    this.name = 'BackgroundSyncRetry';
  }
}

/** Upgrades the worker refused (see `openWorkerDb`), by database instance. */
const refusedUpgrades = new WeakMap<LaporDb, { oldVersion: number; newVersion: number }>();

/**
 * The Background Sync worker's database: the page's schema, but an instance that never
 * creates, upgrades or reopens the database.
 * - Opened only by `backgroundSync`'s explicit `open()` (`autoOpen: false`), never on first
 *   use, and never again once closed.
 * - Any upgrade its opening would make is aborted: the creation of a database that is not
 *   there, an upgrade from an older version, and Dexie's own "schema patch" (a stored
 *   schema missing a declared index makes Dexie reopen at the native version + 1).
 * - When another connection (a page of a newer version) asks to upgrade or delete the
 *   database, it closes for good (`disableAutoOpen`), where Dexie's default would close it
 *   and quietly reopen it on the next query.
 */
export function openWorkerDb(options: OpenOptions = {}): LaporDb {
  const factory = options.indexedDB ?? globalThis.indexedDB;
  let db: LaporDb | null = null;
  const guarded: IDBFactory = {
    open(name: string, version?: number) {
      const req = version === undefined ? factory.open(name) : factory.open(name, version);
      // Registered before Dexie sets `onupgradeneeded`, so it runs first.
      req.addEventListener('upgradeneeded', (e) => {
        if (db) refusedUpgrades.set(db, { oldVersion: e.oldVersion, newVersion: e.newVersion ?? 0 });
        req.transaction?.abort();
      });
      return req;
    },
    deleteDatabase: (name: string) => factory.deleteDatabase(name),
    cmp: (a: unknown, b: unknown) => factory.cmp(a, b),
    ...(typeof factory.databases === 'function' ? { databases: () => factory.databases() } : {}),
  } as IDBFactory;
  db = openDb({ ...options, indexedDB: guarded, IDBKeyRange: options.IDBKeyRange ?? globalThis.IDBKeyRange, autoOpen: false });
  const instance = db;
  instance.on('versionchange', () => {
    instance.close({ disableAutoOpen: true });
    return false; // not Dexie's default, which would reopen
  });
  return instance;
}

/**
 * One whole sync for a `sync` event. Resolves when there is nothing a later attempt of
 * this worker should do (done, not enrolled, stopped by a 4xx the librarian must see,
 * skipped, or busy or deferred with nothing waiting); rejects with `BackgroundSyncRetry`
 * when changes wait after a retryable failure, while the stored next try (backoff,
 * `Retry-After`) is still ahead — then nothing is fetched — or while the lock stays held.
 *
 * Skipped: the worker updates as soon as a page registers it, which can be while a page
 * of the previous version is open (its update not yet applied), or it can lag behind a
 * page that updated offline. It must never upgrade the database under an open page, nor
 * open a newer one, so when the stored database is not the one this code declares it
 * leaves the sync to the page, whose version always matches. With `db` from
 * `openWorkerDb` that holds whatever happens between the look and the opening, and
 * during the run.
 *
 * Busy: the worker waits for the lock, but not for long. Whoever holds it is syncing
 * already, or is a page being closed that the browser has not let go of yet (seen: a
 * tenth of a second after the last page closed); waiting behind a sync stalled on the
 * network would keep the event alive until the browser kills it (3 minutes in Chromium).
 * When the wait runs out with changes still waiting, the event is given back (rejected)
 * for the browser to fire again later: a tag used up then would leave the queue until the
 * app is next opened.
 */
export async function backgroundSync(deps: BackgroundSyncDeps): Promise<BackgroundSyncResult> {
  const { db } = deps;
  const expected = Math.round(db.verno * 10); // Dexie's version n is IndexedDB's 10·n
  let closedFor: number | null = null;
  const onVersionChange = (e: IDBVersionChangeEvent) => {
    closedFor = e.newVersion ?? 0;
  };
  db.on('versionchange', onVersionChange);
  try {
    if (!db.isOpen()) {
      const stored = await storedVersion(db);
      if (stored === null) return { status: 'not-enrolled' }; // no database: nothing logged, never enrolled
      if (stored !== undefined && stored !== expected) return { status: 'skipped', found: stored, expected };
      try {
        await db.open();
      } catch (e) {
        const refused = refusedUpgrades.get(db);
        if (!refused) throw e;
        if (refused.oldVersion === 0) return { status: 'not-enrolled' };
        return { status: 'skipped', found: refused.oldVersion, expected };
      }
    }
    // Dexie opens a newer database as it finds it rather than fail (VersionError): look.
    const found = db.backendDB().version;
    if (found !== expected) {
      db.close({ disableAutoOpen: true });
      return { status: 'skipped', found, expected };
    }
    const tryLock = deps.tryLock ?? lockWithin(db, BACKGROUND_LOCK_WAIT_MS);
    const attempt = await tryLock(async (): Promise<BackgroundSyncResult> => {
      const state = await getSyncState(db);
      const due = serverWait(state, deps.now());
      if (due > 0) {
        const { stopped: _s, ...error } = state.lastError!;
        const waiting = await waitingCount(db);
        if (waiting > 0) throw new BackgroundSyncRetry({ status: 'retry', error, delayMs: due, pushed: 0 }, waiting);
        return { status: 'deferred', nextTryAt: state.nextTryAt! };
      }
      const { lang } = await getSettings(db);
      // The lock is held already: the engine runs inside it.
      // The browser fires the tag because it has a connection; the worker's `navigator.onLine`
      // can still say otherwise for a moment (seen under DevTools' offline emulation), and a
      // sync refused then would use the tag up.
      return syncNow({ online: () => true, ...deps, lang, lock: (fn) => fn() });
    });
    if (!attempt.ran) {
      const waiting = await waitingCount(db);
      if (waiting > 0) throw new BackgroundSyncRetry({ status: 'retry', error: { status: 0, code: null, message: 'sync lock held' }, delayMs: 0, pushed: 0 }, waiting);
      return { status: 'busy' };
    }
    const result = attempt.value;
    if (result.status === 'retry') {
      const waiting = await waitingCount(db);
      if (waiting > 0) throw new BackgroundSyncRetry(result, waiting);
    }
    return result;
  } catch (e) {
    // A page upgrading the database closed this connection mid-run: leave it to the page.
    if (closedFor !== null && !(e instanceof BackgroundSyncRetry)) return { status: 'skipped', found: closedFor, expected };
    throw e;
  } finally {
    db.on('versionchange').unsubscribe(onVersionChange);
  }
}

/** The stored database's IndexedDB version; null if there is none; undefined if the browser cannot tell. */
async function storedVersion(db: LaporDb): Promise<number | null | undefined> {
  const factory = (db as unknown as { _deps?: { indexedDB?: IDBFactory } })._deps?.indexedDB ?? globalThis.indexedDB;
  if (typeof factory?.databases !== 'function') return undefined;
  const info = (await factory.databases()).find((d) => d.name === db.name);
  return info?.version ?? null;
}
