/**
 * The service worker's Background Sync run (src/device/background-sync.ts) against the
 * real server in this process: it resolves when nothing is left that a retry could send,
 * and rejects — so the browser tries again — when a retryable failure left changes waiting.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackgroundSyncRetry, backgroundSync, DB_NAME, openDb, openWorkerDb, saveEntry, setSettings, waitingCount } from '../../src/device';
import { defaultLock, lockWithin, syncNow, type Locks } from '../../src/device/sync';
import { getEnrolment, getSyncState } from '../../src/device/sync-state';
import type { FetchFn } from '../../src/device/sync-http';
import { revokeDevice } from '../../src/server/store/devices';
import { entry } from './helpers';
import { enrolPhone, newPhone, prng, startSyncServer, type SyncServer } from './sync-harness';

let server: SyncServer;
beforeAll(async () => {
  server = await startSyncServer();
});
afterAll(async () => {
  await server.stop();
});

let tick = Date.parse('2025-10-01T00:00:00.000Z');
const clock = () => new Date(tick++);
const plainFetch = fetch as FetchFn;
const offline: FetchFn = () => Promise.reject(new TypeError('Failed to fetch'));

describe('backgroundSync', () => {
  it('sends the queue with the stored language and resolves', async () => {
    const library = await server.addLibrary('Perpustakaan Latar');
    const languages: string[] = [];
    const phone = newPhone((input, init) => {
      languages.push(String((init?.headers as Record<string, string> | undefined)?.['accept-language']));
      return plainFetch(input, init);
    }, clock, prng(1));
    await enrolPhone(phone, server, library.id);
    await setSettings(phone.db, { lang: 'en' });
    for (let i = 0; i < 3; i++) await saveEntry(phone.db, entry({ libraryId: library.id }));

    const result = await backgroundSync(phone.deps);
    expect(result).toMatchObject({ status: 'ok', pushed: 3 });
    expect((await server.stored(library.id)).size).toBe(3);
    expect(await waitingCount(phone.db)).toBe(0);
    expect(new Set(languages)).toEqual(new Set(['en']));
  });

  it('sends when the browser fires the tag, even while the worker\'s navigator.onLine still says offline', async () => {
    const library = await server.addLibrary('Perpustakaan Baru Daring');
    const phone = newPhone(plainFetch, clock, prng(5));
    await enrolPhone(phone, server, library.id);
    await saveEntry(phone.db, entry({ libraryId: library.id }));
    const had = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', { value: { onLine: false }, configurable: true });
    try {
      // The worker trusts the browser, which fired the tag because it is online...
      expect(await backgroundSync(phone.deps)).toMatchObject({ status: 'ok', pushed: 1 });
      // ...while the page's own sync believes navigator.onLine, and reads nothing.
      await saveEntry(phone.db, entry({ libraryId: library.id }));
      expect(await syncNow(phone.deps)).toMatchObject({ status: 'retry', error: { code: 'network' } });
    } finally {
      if (had) Object.defineProperty(globalThis, 'navigator', had);
      else delete (globalThis as { navigator?: unknown }).navigator;
    }
    expect((await server.stored(library.id)).size).toBe(1);
  });

  it('rejects while changes wait after a retryable failure, keeping them and the backoff state', async () => {
    const library = await server.addLibrary('Perpustakaan Tanpa Sinyal');
    const phone = newPhone(plainFetch, clock, prng(2));
    await enrolPhone(phone, server, library.id);
    await saveEntry(phone.db, entry({ libraryId: library.id }));

    const failing = backgroundSync({ ...phone.deps, fetch: offline });
    await expect(failing).rejects.toBeInstanceOf(BackgroundSyncRetry);
    await expect(failing).rejects.toMatchObject({ waiting: 1, result: { status: 'retry', error: { status: 0 } } });
    expect(await waitingCount(phone.db)).toBe(1);
    expect((await getSyncState(phone.db)).failures).toBe(1);

    // The browser's next attempt (5 minutes later: past the backoff), with the network back, sends it.
    tick += 5 * 60_000;
    expect(await backgroundSync(phone.deps)).toMatchObject({ status: 'ok', pushed: 1 });
    expect((await server.stored(library.id)).size).toBe(1);
  });

  it('resolves when a retry could send nothing: an empty outbox, no enrolment, a stopped queue', async () => {
    const library = await server.addLibrary('Perpustakaan Selesai');
    const idle = newPhone(plainFetch, clock, prng(3));
    await enrolPhone(idle, server, library.id);
    // Nothing to push; the pull fails: nothing a retry would send.
    expect(await backgroundSync({ ...idle.deps, fetch: offline })).toMatchObject({ status: 'retry' });

    const unenrolled = newPhone(plainFetch, clock, prng(4));
    await saveEntry(unenrolled.db, entry());
    expect(await backgroundSync(unenrolled.deps)).toEqual({ status: 'not-enrolled' });

    const revoked = newPhone(plainFetch, clock, prng(5));
    await enrolPhone(revoked, server, library.id);
    await saveEntry(revoked.db, entry({ libraryId: library.id }));
    await revokeDevice(server.database.db, (await getEnrolment(revoked.db))!.deviceId, new Date());
    // A 4xx on the whole request: retrying cannot help; the page shows it and keeps the change.
    expect(await backgroundSync(revoked.deps)).toMatchObject({ status: 'stopped', error: { status: 401 } });
    expect(await waitingCount(revoked.db)).toBe(1);
  });

  it('leaves a database of another version to the page, and creates none', async () => {
    const deps = (db: ReturnType<typeof openDb>) => ({ db, fetch: plainFetch, now: clock, random: prng(6) });
    // No database yet: nothing was ever logged or enrolled, and the worker must not create one.
    const empty = new IDBFactory();
    expect(await backgroundSync(deps(openDb({ indexedDB: empty, IDBKeyRange })))).toEqual({ status: 'not-enrolled' });
    expect(await empty.databases()).toEqual([]);

    // A page of another version left the database at its own version (here: schema version 1).
    const older = new IDBFactory();
    await new Promise<void>((resolve, reject) => {
      const open = older.open(DB_NAME, 10);
      open.onupgradeneeded = () => open.result.createObjectStore('meta', { keyPath: 'key' });
      open.onsuccess = () => (open.result.close(), resolve());
      open.onerror = () => reject(open.error);
    });
    const db = openDb({ indexedDB: older, IDBKeyRange });
    expect(await backgroundSync(deps(db))).toEqual({ status: 'skipped', found: 10, expected: 20 });
    expect(db.isOpen()).toBe(false);
    expect((await older.databases())[0].version).toBe(10);
  });
});

/** A fetch to the real server that counts the requests it is asked to make. */
function counting(inner: FetchFn = plainFetch): FetchFn & { calls: number } {
  const f = ((input: string, init?: RequestInit) => {
    f.calls++;
    return inner(input, init);
  }) as FetchFn & { calls: number };
  f.calls = 0;
  return f;
}

/** Opens the raw database at `version`, running `upgrade` on the way. */
function rawOpen(factory: IDBFactory, version: number, upgrade: (db: IDBDatabase, tx: IDBTransaction) => void = () => {}): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const open = factory.open(DB_NAME, version);
    open.onupgradeneeded = () => upgrade(open.result, open.transaction!);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
    open.onblocked = () => reject(new Error('blocked by an open connection'));
  });
}

/** The raw database's version, stores and outbox size, read without Dexie. */
async function rawState(factory: IDBFactory): Promise<{ version: number; stores: string[]; outbox: number }> {
  const version = (await factory.databases()).find((d) => d.name === DB_NAME)!.version!;
  const db = await rawOpen(factory, version);
  const outbox = await new Promise<number>((resolve, reject) => {
    const req = db.transaction('outbox').objectStore('outbox').count();
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  db.close();
  return { version, stores: [...db.objectStoreNames].sort(), outbox };
}

/** An enrolled phone with `n` entries waiting, on its own IndexedDB; the page's connection closed. */
async function phoneWithQueue(name: string, seed: number, n = 1) {
  const library = await server.addLibrary(name);
  const indexedDB = new IDBFactory();
  const page = openDb({ indexedDB, IDBKeyRange });
  const phone = { db: page, deps: { db: page, fetch: plainFetch, now: clock, random: prng(seed) } };
  await enrolPhone(phone, server, library.id);
  for (let i = 0; i < n; i++) await saveEntry(page, entry({ libraryId: library.id }));
  page.close();
  return { library, indexedDB };
}

/** A minimal Web Locks LockManager (exclusive locks, `ifAvailable`), as the worker sees it. */
function fakeLocks(): Locks {
  const held = new Set<string>();
  const waiting = new Map<string, (() => void)[]>();
  const request = async (name: string, a: unknown, b?: unknown) => {
    const callback = (typeof a === 'function' ? a : b) as (lock: Lock | null) => unknown;
    const options = (typeof a === 'function' ? {} : a) as LockOptions;
    if (held.has(name)) {
      if (options.ifAvailable) return callback(null);
      // Web Locks: a request still waiting when its signal aborts rejects with the reason.
      await new Promise<void>((ok, fail) => {
        const grant = () => {
          options.signal?.removeEventListener('abort', abort);
          ok();
        };
        const abort = () => {
          waiting.set(name, (waiting.get(name) ?? []).filter((g) => g !== grant));
          fail(options.signal!.reason);
        };
        options.signal?.addEventListener('abort', abort);
        waiting.set(name, [...(waiting.get(name) ?? []), grant]);
      });
    }
    held.add(name);
    try {
      return await callback({ name, mode: 'exclusive' } as Lock);
    } finally {
      held.delete(name);
      waiting.get(name)?.shift()?.();
    }
  };
  return { request } as unknown as Locks;
}

describe('backgroundSync: backoff, lock and database guards', () => {
  it('honours the stored next try (Retry-After): no request before it, and a rejection so the browser asks again later', async () => {
    const library = await server.addLibrary('Perpustakaan Sabar');
    let now = Date.parse('2025-10-02T00:00:00.000Z');
    const phone = newPhone(plainFetch, () => new Date(now), prng(7));
    await enrolPhone(phone, server, library.id);
    await saveEntry(phone.db, entry({ libraryId: library.id }));
    // The page's attempt: the server says "Retry-After: 600".
    const busyServer: FetchFn = async () =>
      new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'rate_limited' } }), {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '600' },
      });
    expect(await syncNow({ ...phone.deps, fetch: busyServer })).toMatchObject({ status: 'retry', delayMs: 600_000 });
    const state = await getSyncState(phone.db);
    expect(state.nextTryAt).toBe(new Date(now + 600_000).toISOString());

    // Chromium fires the tag (online: at once), and again after 5 minutes: nothing is sent.
    const requestsBefore = server.requests;
    for (const after of [200, 5 * 60_000]) {
      now += after;
      const net = counting();
      const early = backgroundSync({ ...phone.deps, fetch: net });
      await expect(early).rejects.toBeInstanceOf(BackgroundSyncRetry);
      await expect(early).rejects.toMatchObject({ waiting: 1, result: { status: 'retry', error: { status: 429 } } });
      expect(net.calls).toBe(0);
    }
    expect(server.requests).toBe(requestsBefore);
    // The backoff is the page's, untouched: no failure counted, the next try unmoved.
    expect(await getSyncState(phone.db)).toEqual(state);

    // Nothing waiting and the next try ahead: nothing to do, nothing for the browser to retry.
    const idle = newPhone(plainFetch, () => new Date(now), prng(8));
    await enrolPhone(idle, server, library.id);
    await syncNow({ ...idle.deps, fetch: busyServer });
    const idleNet = counting();
    expect(await backgroundSync({ ...idle.deps, fetch: idleNet })).toMatchObject({ status: 'deferred' });
    expect(idleNet.calls).toBe(0);

    // Its third attempt (15 minutes later) is past the next try: it sends.
    now += 15 * 60_000;
    expect(await backgroundSync(phone.deps)).toMatchObject({ status: 'ok', pushed: 1 });
    expect((await server.stored(library.id)).size).toBe(1);
  });

  it('waits a bounded time for a sync lock held elsewhere: syncs once it is freed, gives the event back if not', async () => {
    const library = await server.addLibrary('Perpustakaan Kunci Latar');
    const phone = newPhone(plainFetch, clock, prng(9));
    await enrolPhone(phone, server, library.id);
    await saveEntry(phone.db, entry({ libraryId: library.id }));
    const net = counting();

    for (const locks of [fakeLocks(), undefined]) {
      const how = locks ? 'Web Locks' : 'the per-database queue';
      // The lock is held (a page's sync stalled on the network, say) for longer than the wait:
      // no request, and the event is given back for the browser to fire again later.
      let release!: () => void;
      const held = defaultLock(phone.db, locks)(() => new Promise<void>((ok) => (release = ok)));
      const calls = net.calls;
      await expect(backgroundSync({ ...phone.deps, fetch: net, tryLock: lockWithin(phone.db, 30, locks) }), how).rejects.toMatchObject({
        waiting: 1,
        result: { status: 'retry' },
      });
      expect(net.calls, how).toBe(calls);
      // Held by a page being closed, say: freed within the wait, the worker then sends.
      const sent = backgroundSync({ ...phone.deps, fetch: net, tryLock: lockWithin(phone.db, 10_000, locks) });
      await new Promise((ok) => setTimeout(ok, 20));
      expect(net.calls, how).toBe(calls);
      release();
      await held;
      expect(await sent, how).toMatchObject({ status: 'ok', pushed: 1 });
      // Held, with nothing waiting: nothing to give back.
      const idle = defaultLock(phone.db, locks)(() => new Promise<void>((ok) => (release = ok)));
      expect(await backgroundSync({ ...phone.deps, fetch: net, tryLock: lockWithin(phone.db, 30, locks) }), how).toEqual({ status: 'busy' });
      release();
      await idle;
      await saveEntry(phone.db, entry({ libraryId: library.id }));
    }
  });

  it('a stalled request ends at its deadline and the event rejects, so the browser tries again', async () => {
    const library = await server.addLibrary('Perpustakaan Macet');
    const phone = newPhone(plainFetch, clock, prng(10));
    await enrolPhone(phone, server, library.id);
    await saveEntry(phone.db, entry({ libraryId: library.id }));
    const stalled: FetchFn = (_input, init) =>
      new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    await expect(backgroundSync({ ...phone.deps, fetch: stalled, requestTimeoutMs: 30 })).rejects.toMatchObject({
      waiting: 1,
      result: { status: 'retry', error: { status: 0 } },
    });
    tick += 5 * 60_000;
    expect(await backgroundSync(phone.deps)).toMatchObject({ status: 'ok', pushed: 1 });
  });

  it('skips, untouched, a database a page upgraded between the look and the opening', async () => {
    const { indexedDB } = await phoneWithQueue('Perpustakaan Versi Baru', 11);
    // The look (indexedDB.databases()) sees version 20; a page of a newer build upgrades
    // the database before the worker opens it.
    const racing = Object.assign(Object.create(indexedDB) as IDBFactory, {
      open: indexedDB.open.bind(indexedDB),
      cmp: indexedDB.cmp.bind(indexedDB),
      deleteDatabase: indexedDB.deleteDatabase.bind(indexedDB),
      databases: async () => {
        const seen = await indexedDB.databases();
        (await rawOpen(indexedDB, 30, (db) => db.createObjectStore('newer', { keyPath: 'id' }))).close();
        return seen;
      },
    });
    const net = counting();
    const worker = openWorkerDb({ indexedDB: racing, IDBKeyRange });
    expect(await backgroundSync({ db: worker, fetch: net, now: clock, random: prng(11) })).toEqual({ status: 'skipped', found: 30, expected: 20 });
    expect(worker.isOpen()).toBe(false);
    await expect(worker.outbox.count()).rejects.toThrow(/closed/i);
    expect(net.calls).toBe(0);
    expect(await rawState(indexedDB)).toEqual({ version: 30, stores: ['entries', 'meta', 'newer', 'outbox', 'photos'], outbox: 1 });
  });

  it('skips a database of its own version whose schema differs, rather than let Dexie patch it', async () => {
    const indexedDB = new IDBFactory();
    // Version 20 with the compound index missing: Dexie would add it by upgrading to 21.
    const raw = await rawOpen(indexedDB, 20, (db) => {
      const entries = db.createObjectStore('entries', { keyPath: 'id' });
      entries.createIndex('date', 'date');
      entries.createIndex('strategy', 'strategy');
      db.createObjectStore('outbox', { keyPath: 'seq' });
      db.createObjectStore('meta', { keyPath: 'key' });
      db.createObjectStore('photos', { keyPath: 'id' });
    });
    raw.close();
    const worker = openWorkerDb({ indexedDB, IDBKeyRange });
    const net = counting();
    expect(await backgroundSync({ db: worker, fetch: net, now: clock, random: prng(12) })).toEqual({ status: 'skipped', found: 20, expected: 20 });
    expect(worker.isOpen()).toBe(false);
    expect(net.calls).toBe(0);
    expect((await rawState(indexedDB)).version).toBe(20);
  });

  it('creates no database, even when the look said there was one', async () => {
    const indexedDB = new IDBFactory();
    const lying = Object.assign(Object.create(indexedDB) as IDBFactory, {
      open: indexedDB.open.bind(indexedDB),
      cmp: indexedDB.cmp.bind(indexedDB),
      deleteDatabase: indexedDB.deleteDatabase.bind(indexedDB),
      databases: async () => [{ name: DB_NAME, version: 20 }],
    });
    const worker = openWorkerDb({ indexedDB: lying, IDBKeyRange });
    expect(await backgroundSync({ db: worker, fetch: counting(), now: clock, random: prng(13) })).toEqual({ status: 'not-enrolled' });
    expect(await indexedDB.databases()).toEqual([]);
  });

  it('closes for good when a page upgrades the database during its sync', async () => {
    const { library, indexedDB } = await phoneWithQueue('Perpustakaan Naik Versi', 14, 2);
    let pushed!: () => void;
    const pushing = new Promise<void>((ok) => (pushed = ok));
    let answer!: () => void;
    const answered = new Promise<void>((ok) => (answer = ok));
    // The push reaches the server; its answer is held until the page has upgraded.
    const slow: FetchFn = async (input, init) => {
      const res = await plainFetch(input, init);
      if (init?.method === 'POST') {
        pushed();
        await answered;
      }
      return res;
    };
    const worker = openWorkerDb({ indexedDB, IDBKeyRange });
    const run = backgroundSync({ db: worker, fetch: slow, now: clock, random: prng(14) });
    await pushing;
    // A page of a newer build opens the database at version 30: the worker's connection
    // must make way (the upgrade would otherwise be blocked).
    (await rawOpen(indexedDB, 30, (db) => db.createObjectStore('newer', { keyPath: 'id' }))).close();
    answer();
    expect(await run).toEqual({ status: 'skipped', found: 30, expected: 20 });
    // Closed, and not reopened: the acknowledgement was not written into the newer database.
    expect(worker.isOpen()).toBe(false);
    await expect(worker.outbox.count()).rejects.toThrow(/closed/i);
    expect(await rawState(indexedDB)).toEqual({ version: 30, stores: ['entries', 'meta', 'newer', 'outbox', 'photos'], outbox: 2 });
    // The server has them (the page will send them again: duplicates, harmless).
    expect((await server.stored(library.id)).size).toBe(2);
  });
});
