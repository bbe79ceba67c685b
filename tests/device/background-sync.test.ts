/**
 * The service worker's Background Sync run (src/device/background-sync.ts) against the
 * real server in this process: it resolves when nothing is left that a retry could send,
 * and rejects — so the browser tries again — when a retryable failure left changes waiting.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackgroundSyncRetry, backgroundSync, DB_NAME, openDb, saveEntry, setSettings, waitingCount } from '../../src/device';
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

    // The browser's next attempt, with the network back, sends it.
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
