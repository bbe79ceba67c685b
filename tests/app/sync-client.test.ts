/**
 * When the page registers the Background Sync tag (src/app/sync-client.ts), with the page's
 * events played on stand-ins for window and document, the real engine, a fake IndexedDB
 * and the real server in this process: a change saved offline, the connection dropping
 * with changes waiting, and the page hidden or closed with changes waiting register it; a
 * failed attempt while online does not (Chromium would fire the tag at once, and the
 * worker push again right after "Retry-After"), nor does anything when nothing waits.
 * Dexie runs live queries (the offline watch) only where a global indexedDB exists, so
 * fake-indexeddb is installed globally before Dexie loads.
 */
import 'fake-indexeddb/auto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SEND_AFTER_SAVE_MS, startSyncTriggers, type PageEnv } from '../../src/app/sync-client';
import { MAX_SERVER_WAIT_MS, openDb, saveEntry, setSettings, waitingCount, type LaporDb } from '../../src/device';
import type { FetchFn } from '../../src/device/sync-http';
import { entrySyncStatus, getSyncState, type SyncedRow } from '../../src/device/sync-state';
import { t } from '../../src/domain';
import { entry } from '../device/helpers';
import { enrolPhone, prng, startSyncServer, type SyncServer } from '../device/sync-harness';

let server: SyncServer;
beforeAll(async () => {
  server = await startSyncServer();
});
afterAll(async () => {
  await server.stop();
});

class FakeDocument extends EventTarget {
  visibilityState: DocumentVisibilityState = 'visible';
  set(state: DocumentVisibilityState) {
    this.visibilityState = state;
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

/** A page: its events, its connection, the tags it registers, and the network its syncs meet. */
function fakePage(network: { fetch: FetchFn }) {
  const nav = { onLine: true };
  const timers: { ms: number }[] = [];
  const page = {
    window: new EventTarget(),
    document: new FakeDocument(),
    navigator: nav,
    registrations: 0,
    timers,
    fetch: (input: string, init?: RequestInit) => network.fetch(input, init),
    requestBackgroundSync: async () => {
      page.registrations++;
      return true;
    },
    // Timers are recorded, not run; the one a save arms (send a moment later) is kept for
    // the test to run when it chooses (`sendSaved`).
    sendTimers: [] as (() => void)[],
    setTimer: (fn: () => void, ms: number) => {
      timers.push({ ms });
      if (ms === SEND_AFTER_SAVE_MS) page.sendTimers.push(fn);
    },
    /** Runs the "send a moment later" a save armed; waits until one was armed. */
    async sendSaved() {
      await expect.poll(() => page.sendTimers.length).toBeGreaterThan(0);
      for (const fn of page.sendTimers.splice(0)) fn();
    },
    clearTimer: () => {},
    goOffline() {
      nav.onLine = false;
      page.window.dispatchEvent(new Event('offline'));
    },
  };
  return page satisfies PageEnv;
}

const rateLimited: FetchFn = async () =>
  new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'rate_limited' } }), {
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': '600' },
  });

async function enrolledDb(name: string, seed: number): Promise<{ db: LaporDb; libraryId: string }> {
  const library = await server.addLibrary(name);
  const db = openDb({ indexedDB: new IDBFactory(), IDBKeyRange });
  await enrolPhone({ db, deps: { db, fetch: fetch as FetchFn, now: () => new Date(), random: prng(seed) } }, server, library.id);
  return { db, libraryId: library.id };
}

/**
 * Lets every handler already started finish its look at the outbox: a count issued now
 * completes after theirs (same connection, requests in order), and any registration
 * they make follows at once.
 */
async function settled(db: LaporDb): Promise<void> {
  await waitingCount(db);
  await new Promise((ok) => setTimeout(ok, 0));
}

describe('the page registers Background Sync', () => {
  it('not after a failed attempt while online; when the page is hidden or closed with changes waiting', async () => {
    const { db, libraryId } = await enrolledDb('Perpustakaan Halaman', 1);
    await saveEntry(db, entry({ libraryId }));
    const network = { fetch: rateLimited };
    const page = fakePage(network);
    const stop = startSyncTriggers(db, page);
    try {
      // App start syncs; the server answers 429 with Retry-After: 600; the page's timer waits.
      await expect.poll(async () => (await getSyncState(db)).lastError?.status).toBe(429);
      await expect.poll(() => page.timers.map((t) => t.ms)).toEqual([600_000]);
      await settled(db);
      expect(page.registrations).toBe(0);

      // Hidden: the page may not run again; the worker takes over what waits (and keeps
      // to the backoff itself).
      page.document.set('hidden');
      await expect.poll(() => page.registrations).toBe(1);
      page.window.dispatchEvent(new Event('pagehide'));
      await expect.poll(() => page.registrations).toBe(2);
      expect(await waitingCount(db)).toBe(1);

      // Visible again, the network works: the page sends it; hiding now registers nothing.
      network.fetch = fetch as FetchFn;
      page.document.set('visible');
      await expect.poll(() => waitingCount(db)).toBe(0);
      await expect.poll(async () => (await getSyncState(db)).lastError).toBeNull();
      page.document.set('hidden');
      page.window.dispatchEvent(new Event('pagehide'));
      await settled(db);
      expect(page.registrations).toBe(2);
    } finally {
      stop();
    }
  });

  it('when the connection drops with changes waiting, and for each change saved offline', async () => {
    const { db, libraryId } = await enrolledDb('Perpustakaan Luring', 2);
    const network = { fetch: fetch as FetchFn };
    const page = fakePage(network);
    const stop = startSyncTriggers(db, page);
    try {
      await expect.poll(async () => (await getSyncState(db)).lastSuccessAt).not.toBeNull();
      // Saved online, but nothing answers: the page's own backoff keeps it, no tag.
      network.fetch = () => Promise.reject(new TypeError('Failed to fetch'));
      await saveEntry(db, entry({ libraryId }));
      await page.sendSaved();
      await expect.poll(async () => (await getSyncState(db)).failures).toBe(1);
      await settled(db);
      expect(page.registrations).toBe(0);
      // The connection drops with that change waiting.
      page.goOffline();
      await expect.poll(() => page.registrations).toBeGreaterThanOrEqual(1);
      // Each change saved offline.
      for (let i = 0; i < 2; i++) {
        const before = page.registrations;
        await saveEntry(db, entry({ libraryId }));
        await expect.poll(() => page.registrations).toBeGreaterThan(before);
      }
      expect(await waitingCount(db)).toBe(3);
    } finally {
      stop();
    }
    // A page opened offline (its start-up sync fails) with changes waiting registers at once.
    network.fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    const reopened = fakePage(network);
    reopened.navigator.onLine = false;
    const stopReopened = startSyncTriggers(db, reopened);
    try {
      await expect.poll(() => reopened.registrations).toBe(1);
    } finally {
      stopReopened();
    }
  });
});

describe('a change saved while online', () => {
  it('is sent a moment later, a few saves in one push; not while the server asked to wait', async () => {
    const { db, libraryId } = await enrolledDb('Perpustakaan Selalu Daring', 4);
    let pushes = 0;
    const network: { fetch: FetchFn } = {
      fetch: (input, init) => {
        if (new URL(input).pathname.endsWith('/sync/push')) pushes++;
        return fetch(input, init);
      },
    };
    const page = fakePage(network);
    const stop = startSyncTriggers(db, page);
    try {
      await expect.poll(async () => (await getSyncState(db)).lastSuccessAt).not.toBeNull();
      const pushesAtStart = pushes;
      const first = await getSyncState(db);
      await saveEntry(db, entry({ libraryId }));
      await saveEntry(db, entry({ libraryId }));
      // Both saves arm one send (the second finds it armed already).
      await expect.poll(() => page.sendTimers.length).toBe(1);
      await new Promise((ok) => setTimeout(ok, 100));
      expect(page.sendTimers).toHaveLength(1);
      expect(pushes).toBe(pushesAtStart);
      await page.sendSaved();
      await expect.poll(async () => (await getSyncState(db)).lastSuccessAt).not.toBe(first.lastSuccessAt);
      expect(await waitingCount(db)).toBe(0);
      expect((await server.stored(libraryId)).size).toBe(2);
      expect(pushes - pushesAtStart).toBe(1);

      // The server says "Retry-After: 600": a save then waits for the page's timer.
      network.fetch = rateLimited;
      page.document.set('visible');
      await expect.poll(async () => (await getSyncState(db)).lastError?.status).toBe(429);
      network.fetch = (input, init) => {
        pushes++;
        return fetch(input, init);
      };
      const before = pushes;
      await saveEntry(db, entry({ libraryId }));
      await page.sendSaved();
      await new Promise((ok) => setTimeout(ok, 200));
      expect(pushes).toBe(before);
      expect(await waitingCount(db)).toBe(1);
    } finally {
      stop();
    }
  });
});

describe('a huge Retry-After', () => {
  it('holds a change saved with signal back an hour at most, while the page stays open', async () => {
    const { db, libraryId } = await enrolledDb('Perpustakaan Tunggu Sehari', 5);
    let pushes = 0;
    const network: { fetch: FetchFn } = {
      fetch: async () =>
        new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'rate_limited' } }), {
          status: 429,
          headers: { 'content-type': 'application/json', 'retry-after': '999999999999999999999' },
        }),
    };
    const page = fakePage(network);
    const stop = startSyncTriggers(db, page);
    try {
      await expect.poll(async () => (await getSyncState(db)).lastError?.status).toBe(429);
      await expect.poll(() => page.timers.length).toBe(1);
      expect(page.timers[0].ms).toBeLessThanOrEqual(MAX_SERVER_WAIT_MS);
      network.fetch = (input, init) => {
        if (new URL(input).pathname.endsWith('/sync/push')) pushes++;
        return fetch(input, init);
      };
      // An hour later, the page still open: a change saved is sent a moment after.
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + MAX_SERVER_WAIT_MS + 1_000);
      await saveEntry(db, entry({ libraryId }));
      await page.sendSaved();
      await expect.poll(() => waitingCount(db)).toBe(0);
      expect(pushes).toBe(1);
    } finally {
      vi.useRealTimers();
      stop();
    }
  });
});

describe("the page's syncs ask the server for the saved language", () => {
  it('a rejected entry reads in the language of Pengaturan, changed while the page runs', async () => {
    const { db, libraryId } = await enrolledDb('Perpustakaan Bahasa', 3);
    const asked: (string | null)[] = [];
    const network: { fetch: FetchFn } = {
      fetch: (input, init) => {
        asked.push(new Headers(init?.headers).get('accept-language'));
        return fetch(input, init);
      },
    };
    await setSettings(db, { lang: 'en' });
    const bad = entry({ libraryId, activityType: 'tidak_ada_di_aturan' });
    await saveEntry(db, bad);
    const page = fakePage(network);
    const stop = startSyncTriggers(db, page);
    try {
      await expect.poll(async () => rejectedReasons(db, bad.id)).not.toEqual([]);
      expect(await rejectedReasons(db, bad.id)).toEqual([t('en', 'invalid.activityTypeWithdrawn')]);
      // The sync's last requests (the rulebook and the profile) are done before the language changes.
      await expect.poll(async () => (await getSyncState(db)).lastSuccessAt).toBeTruthy();
      expect(new Set(asked)).toEqual(new Set(['en']));

      // Back to Indonesian in Pengaturan: the same page's next sync asks in Indonesian.
      await setSettings(db, { lang: 'id' });
      await saveEntry(db, { ...bad, title: 'Diubah', updatedAt: new Date().toISOString() });
      asked.length = 0;
      page.document.set('visible');
      await expect.poll(async () => rejectedReasons(db, bad.id)).toEqual([t('id', 'invalid.activityTypeWithdrawn')]);
      expect(new Set(asked)).toEqual(new Set(['id']));
    } finally {
      stop();
    }
  });
});

/** The reasons of an entry's rejected receipt, or [] while it has none. */
async function rejectedReasons(db: LaporDb, id: string): Promise<string[]> {
  const row = (await db.entries.get(id)) as SyncedRow | undefined;
  if (!row || (await waitingCount(db)) > 0) return [];
  const status = entrySyncStatus(row, new Set());
  return status.kind === 'rejected' ? status.errors.map((e) => e.message) : [];
}
