/**
 * The sync engine against what an outside audit met between the phone and the server (a
 * proxy, a captive portal) and on the phone itself (storage full): answers that are not
 * the server's are never believed as far as dropping or looping, a full storage stops
 * nothing it need not stop and says so, and a server's wait counts for an hour at most.
 */
// Dexie runs live queries (the screen's watch) only where a global indexedDB exists.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteEntry, pendingMutations, saveEntry, watch } from '../../src/device';
import { createSyncScheduler, MAX_SERVER_WAIT_MS, serverWait, syncNow } from '../../src/device/sync';
import type { FetchFn } from '../../src/device/sync-http';
import {
  EMPTY_SYNC_STATE,
  entrySyncStatus,
  getCursor,
  getSyncState,
  pendingEntryIds,
  syncOverview,
  type SyncedRow,
  type SyncState,
} from '../../src/device/sync-state';
import { entry } from './helpers';
import { enrolPhone, newPhone, otherContext, prng, startSyncServer, storageQuota, type SyncServer } from './sync-harness';

let server: SyncServer;
beforeAll(async () => {
  server = await startSyncServer();
});
afterAll(async () => {
  await server.stop();
});

let tick = Date.parse('2025-10-01T00:00:00.000Z');
const clock = () => new Date(tick++);

/**
 * The real server behind a proxy: `answer(path, forward)` gives the phone its answer
 * (`forward()` asks the server); `requests` counts them by path (`/sync/push`, `/sync/pull`, …).
 */
interface Proxy {
  requests: Map<string, number>;
  answer: null | ((path: string, forward: () => Promise<Response>) => Promise<Response>);
  count(path: string): number;
  fetch: FetchFn;
}

function behindProxy(): Proxy {
  const proxy: Proxy = {
    requests: new Map<string, number>(),
    answer: null,
    count: (path) => proxy.requests.get(path) ?? 0,
    fetch: async (input, init) => {
      const u = new URL(input);
      const path = u.pathname.replace(/^\/api\/v1/, '');
      proxy.requests.set(path, proxy.count(path) + 1);
      const forward = () => fetch(`${server.url}${u.pathname}${u.search}`, init);
      return proxy.answer ? proxy.answer(path, forward) : forward();
    },
  };
  return proxy;
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A phone behind a proxy, enrolled, with `count` entries saved. */
async function phoneWith(name: string, seed: number, count: number) {
  const library = await server.addLibrary(name);
  const proxy = behindProxy();
  const phone = newPhone(proxy.fetch, clock, prng(seed));
  const quota = storageQuota(phone.db);
  await enrolPhone(phone, server, library.id);
  const entries = Array.from({ length: count }, () => entry({ libraryId: library.id, updatedAt: clock().toISOString() }));
  for (const e of entries) await saveEntry(phone.db, e);
  return { library, proxy, phone, quota, entries };
}

async function statusKinds(db: ReturnType<typeof newPhone>['db'], ids: string[]): Promise<string[]> {
  const pending = await pendingEntryIds(db);
  const rows = (await db.entries.bulkGet(ids)) as SyncedRow[];
  return rows.map((r) => entrySyncStatus(r, pending).kind);
}

describe('a push answer that does not fit what was sent', () => {
  it('acknowledging the entries without listing them removes nothing: retried with backoff, then sent', async () => {
    const { library, proxy, phone, entries } = await phoneWith('Perpustakaan Proksi Ack', 51, 12);
    const ids = entries.map((e) => e.id);
    proxy.answer = async (path, forward) => (path === '/sync/push' ? json({ ackSeq: 999_999, results: [] }) : forward());

    expect(await syncNow(phone.deps)).toMatchObject({ status: 'retry', pushed: 0, error: { status: 200 } });
    expect(await pendingMutations(phone.db)).toHaveLength(12);
    expect(await statusKinds(phone.db, ids)).toEqual(ids.map(() => 'local'));
    const state = await getSyncState(phone.db);
    expect(state).toMatchObject({ failures: 1, lastError: { status: 200, stopped: false } });
    expect(state.nextTryAt).not.toBeNull();
    expect(state.lastSuccessAt).toBeNull();

    // The server's real answer, but not whole or not about what was sent: believed in nothing.
    const tampered: ((answer: { ackSeq: number; results: { seq: number; entryId: string; status: string }[] }) => unknown)[] = [
      (a) => ({ ...a, ackSeq: a.ackSeq + 5 }), // beyond what was sent, yet applied now (first: later pushes meet duplicates)
      (a) => ({ ...a, results: a.results.slice(1) }), // one result missing
      (a) => ({ ...a, results: a.results.map((r, i) => (i === 0 ? { ...r, entryId: ids[1] } : r)) }), // about another entry
      (a) => ({ ...a, results: [...a.results, { ...a.results[0], seq: a.ackSeq + 1 }] }), // a seq never sent
    ];
    for (const tamper of tampered) {
      proxy.answer = async (path, forward) => {
        const res = await forward();
        return path === '/sync/push' ? json(tamper(await res.json())) : res;
      };
      expect(await syncNow(phone.deps)).toMatchObject({ status: 'retry', pushed: 0, error: { status: 200 } });
      expect(await pendingMutations(phone.db)).toHaveLength(12);
    }
    expect(await statusKinds(phone.db, ids)).toEqual(ids.map(() => 'local'));

    // The proxy gone, everything is sent (the server stored them already: duplicates, not doubles).
    proxy.answer = null;
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 12 });
    expect(await pendingMutations(phone.db)).toEqual([]);
    expect(await statusKinds(phone.db, ids)).toEqual(ids.map(() => 'sent'));
    expect((await server.stored(library.id)).size).toBe(12);
  });

  it('an ackSeq beyond the batch with every result a duplicate (an outbox behind the server) is believed: the rest is sent', async () => {
    const { library, phone } = await phoneWith('Perpustakaan Kembali ke Cadangan', 52, 3);
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 3 });
    // The outbox numbered from 1 again (as if restored from an older state); the server has processed 1…3.
    const fresh = [entry({ libraryId: library.id }), entry({ libraryId: library.id })];
    for (const e of fresh) await saveEntry(phone.db, e);
    const rows = await pendingMutations(phone.db);
    await phone.db.outbox.clear();
    await phone.db.outbox.bulkAdd(rows.map((m, i) => ({ ...m, seq: 1 + i })));
    await phone.db.meta.put({ key: 'outboxSeq', value: rows.length });

    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok' });
    expect(await pendingMutations(phone.db)).toEqual([]);
    const stored = await server.stored(library.id);
    expect(stored.size).toBe(5);
    for (const e of fresh) expect(stored.has(e.id)).toBe(true);
  });
});

describe('a pull answer that never moves on', () => {
  it('"hasMore" with no entries and the same cursor: no loop, a retry with backoff, the lock free again', async () => {
    const { library, proxy, phone } = await phoneWith('Perpustakaan Proksi Tarik', 53, 2);
    proxy.answer = async (path, forward) => {
      if (path !== '/sync/pull') return forward();
      // A bound for the test only: without it a looping engine would ask 100,000 times.
      if (proxy.count(path) > 50) throw new TypeError('the test stops a loop');
      return json({ entries: [], cursor: 'zzz', hasMore: true });
    };
    const result = await syncNow(phone.deps);
    expect(proxy.count('/sync/pull')).toBeLessThanOrEqual(2);
    // The push went through; the pull's failure is a retry, the server's wait not a stop.
    expect(result).toMatchObject({ status: 'retry', pushed: 2, error: { status: 200 } });
    const state = await getSyncState(phone.db);
    expect(state).toMatchObject({ failures: 1, lastError: { status: 200, stopped: false } });
    expect(state.nextTryAt).not.toBeNull();
    expect(await getCursor(phone.db)).toBe('');

    // A cache replaying the first real page, "hasMore" forced: its entries kept, no second page read.
    let first: unknown = null;
    proxy.answer = async (path, forward) => {
      if (path !== '/sync/pull') return forward();
      if (proxy.count(path) > 60) throw new TypeError('the test stops a loop');
      first ??= await (await forward()).json();
      return json({ ...(first as object), hasMore: true });
    };
    const before = proxy.count('/sync/pull');
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'retry', error: { status: 200 } });
    expect(proxy.count('/sync/pull') - before).toBeLessThanOrEqual(2);
    const cursor = (first as { cursor: string }).cursor;
    expect(cursor).not.toBe('');
    expect(await getCursor(phone.db)).toBe(cursor);

    // The lock is free and the proxy gone: the next sync ends well.
    proxy.answer = null;
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok' });
    expect((await server.stored(library.id)).size).toBe(2);
  });
});

describe("a 4xx that is not the server's", () => {
  it("stops with its own status, as SYNC-PROTOCOL.md says, and is not resent at each trigger; a proxy's 407 is no connection yet", async () => {
    const { library, proxy, phone } = await phoneWith('Perpustakaan Di Balik Nginx', 54, 1);
    // The server's own front end: an nginx 404 after the server moved, a WAF's 403 page,
    // nginx's 400 "Request Header Too Large". Retried, each would resend the batch (up to
    // 0.9 MiB) on paid data at every app start, return to the front and Background Sync.
    for (const status of [404, 403, 400]) {
      proxy.answer = async () => new Response(`<html><body><h1>${status}</h1><hr>nginx</body></html>`, { status, headers: { 'content-type': 'text/html' } });
      const timers: number[] = [];
      const scheduler = createSyncScheduler({ ...phone.deps, setTimer: (_fn, ms) => timers.push(ms), clearTimer: () => {} });
      const pushes = proxy.count('/sync/push');
      expect(await scheduler.trigger()).toMatchObject({ status: 'stopped', error: { status, code: null } });
      scheduler.stop();
      expect(proxy.count('/sync/push') - pushes).toBe(1);
      expect(timers).toEqual([]);
      const state = await getSyncState(phone.db);
      expect(state.lastError).toMatchObject({ status, code: null, stopped: true });
      expect(state.nextTryAt).toBeNull();
      expect(await pendingMutations(phone.db)).toHaveLength(1);
    }

    // A proxy asking for its own login: the server not reached yet, tried again later.
    proxy.answer = async () => new Response('<html>Proxy login</html>', { status: 407, headers: { 'content-type': 'text/html' } });
    const timers: number[] = [];
    const scheduler = createSyncScheduler({ ...phone.deps, setTimer: (_fn, ms) => timers.push(ms), clearTimer: () => {} });
    expect(await scheduler.trigger()).toMatchObject({ status: 'retry', error: { status: 0, code: 'network' } });
    scheduler.stop();
    expect(timers).toHaveLength(1);
    expect((await getSyncState(phone.db)).lastError).toMatchObject({ status: 0, code: 'network', stopped: false });

    // Our server's own refusals (JSON), and a bare 401, 409 or 413, stop too.
    proxy.answer = async (path, forward) => (path === '/sync/push' ? json({ error: { code: 'not_found', message: 'not found' } }, 404) : forward());
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'stopped', error: { status: 404, code: 'not_found' } });
    for (const status of [401, 409, 413]) {
      proxy.answer = async () => new Response('<html>no</html>', { status, headers: { 'content-type': 'text/html' } });
      expect(await syncNow(phone.deps)).toMatchObject({ status: 'stopped', error: { status } });
    }

    proxy.answer = null;
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 1 });
    expect((await server.stored(library.id)).size).toBe(1);
  });
});

describe('a huge Retry-After', () => {
  it('is honoured an hour at most: the timer, the stored next try, and the wait a save respects', async () => {
    const { phone } = await phoneWith('Perpustakaan Tunggu Lama', 55, 1);
    let at = Date.parse('2025-10-20T03:00:00.000Z');
    const now = () => new Date(at);
    const busy: FetchFn = async () =>
      new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'rate_limited' } }), {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '999999999999999999999' },
      });
    const timers: number[] = [];
    const scheduler = createSyncScheduler({ ...phone.deps, fetch: busy, now, setTimer: (_fn, ms) => timers.push(ms), clearTimer: () => {} });
    const result = await scheduler.trigger();
    scheduler.stop();
    expect(result).toMatchObject({ status: 'retry', error: { status: 429 } });
    expect(result.status === 'retry' && result.delayMs).toBeLessThanOrEqual(MAX_SERVER_WAIT_MS);
    expect(timers).toHaveLength(1);
    expect(timers[0]).toBeLessThanOrEqual(MAX_SERVER_WAIT_MS);
    const state = await getSyncState(phone.db);
    expect(Date.parse(state.nextTryAt!) - at).toBeLessThanOrEqual(MAX_SERVER_WAIT_MS);
    // Still asked to wait a minute later; an hour after the answer the wait is over.
    expect(serverWait(state, new Date(at + 60_000))).toBeGreaterThan(0);
    at += MAX_SERVER_WAIT_MS + 1;
    expect(serverWait(state, now())).toBe(0);
  });
});

describe('storage full', () => {
  it('bookkeeping that cannot be stored (last attempt, what was sent, the cached rulebook) does not stop the sending', async () => {
    const { library, phone, quota, entries } = await phoneWith('Perpustakaan HP Penuh Sedikit', 56, 12);
    // The cached rulebook and profile gone too: the sync would store them again, and cannot.
    await phone.db.meta.bulkDelete(['rulebook', 'library']);
    const bookkeeping = ['syncState', 'sentThroughSeq', 'rulebook', 'library'];
    quota.refuse = (table, row) => table === 'meta' && bookkeeping.includes((row as { key: string }).key);
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 12 });
    expect(await pendingMutations(phone.db)).toEqual([]);
    expect(await statusKinds(phone.db, entries.map((e) => e.id))).toEqual(entries.map(() => 'sent'));
    expect((await server.stored(library.id)).size).toBe(12);
  });

  it('when nothing can be stored: the entries still reach the server, the error says so, no silent retry; sent once space is freed', async () => {
    const { library, phone, quota, entries } = await phoneWith('Perpustakaan HP Penuh', 57, 12);
    const ids = entries.map((e) => e.id);
    let seen: string | null | undefined;
    const stopWatching = watch(() => syncOverview(phone.db), (o) => (seen = o.state.lastError?.code ?? null));
    try {
      await expect.poll(() => seen).toBeNull();
      quota.refuse = () => true;
      const timers: number[] = [];
      const scheduler = createSyncScheduler({ ...phone.deps, setTimer: (_fn, ms) => timers.push(ms), clearTimer: () => {} });
      const result = await scheduler.trigger();
      scheduler.stop();
      expect(result).toMatchObject({ status: 'stopped', error: { code: 'storage_full' } });
      // Not retried by a timer on paid data: the librarian frees space, and any trigger sends again.
      expect(timers).toEqual([]);
      // The screen's "last error" line says it, though not even that could be stored.
      expect((await getSyncState(phone.db)).lastError).toMatchObject({ code: 'storage_full', stopped: true });
      await expect.poll(() => seen).toBe('storage_full');
      // Nothing is lost: the phone keeps everything queued; the server has them already.
      expect(await pendingMutations(phone.db)).toHaveLength(12);
      expect((await server.stored(library.id)).size).toBe(12);
    } finally {
      stopWatching();
    }

    // Space freed, then one of those entries deleted before any sync: the server may hold
    // it, so it goes as a tombstone, never deleted on the phone alone (it would come back).
    quota.refuse = null;
    expect(await deleteEntry(phone.db, ids[0], clock())).not.toHaveProperty('discarded');
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok' });
    expect(await pendingMutations(phone.db)).toEqual([]);
    expect(await statusKinds(phone.db, ids.slice(1))).toEqual(ids.slice(1).map(() => 'sent'));
    const stored = await server.stored(library.id);
    expect(stored.size).toBe(12);
    expect(stored.get(ids[0])?.entry.deleted).toBe(true);
    expect((await getSyncState(phone.db)).lastError).toBeNull();
  });
  it('still full: no trigger sends the batch again (its answer could not be stored); once space is freed, it is sent', async () => {
    const { library, proxy, phone, quota } = await phoneWith('Perpustakaan HP Masih Penuh', 58, 5);
    quota.refuse = () => true;
    const timers: number[] = [];
    const scheduler = createSyncScheduler({ ...phone.deps, setTimer: (_fn, ms) => timers.push(ms), clearTimer: () => {} });
    expect(await scheduler.trigger()).toMatchObject({ status: 'stopped', error: { code: 'storage_full' } });
    expect(proxy.count('/sync/push')).toBe(1);
    // "Kirim sekarang", the app opened again (resume), the page shown again: nothing is sent.
    expect(await scheduler.trigger()).toMatchObject({ status: 'stopped', error: { code: 'storage_full' } });
    expect(await scheduler.resume()).toMatchObject({ status: 'stopped', error: { code: 'storage_full' } });
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'stopped', error: { code: 'storage_full' } });
    scheduler.stop();
    expect(proxy.count('/sync/push')).toBe(1);
    expect(proxy.requests.size).toBe(1);
    expect(timers).toEqual([]);
    expect(await pendingMutations(phone.db)).toHaveLength(5);

    quota.refuse = null;
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok' });
    expect(proxy.count('/sync/push')).toBe(2);
    expect(await pendingMutations(phone.db)).toEqual([]);
    expect((await server.stored(library.id)).size).toBe(5);
  });

  it("what was kept in memory gives way to what another context stored: the worker's success after space was freed", async () => {
    const { phone, quota } = await phoneWith('Perpustakaan Pekerja Latar', 59, 3);
    quota.refuse = () => true;
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'stopped', error: { code: 'storage_full' } });
    expect((await getSyncState(phone.db)).lastError).toMatchObject({ code: 'storage_full' });

    // Space freed; the Background Sync worker (or another tab) syncs, on a connection of its own.
    quota.refuse = null;
    const worker = otherContext(phone);
    expect(await syncNow(worker.deps)).toMatchObject({ status: 'ok' });
    const stored = await getSyncState(worker.db);
    expect(stored.lastSuccessAt).not.toBeNull();
    expect(stored.clockOffsetMs).toBeTypeOf('number');

    // The page sees it, not its own "Penyimpanan HP penuh"…
    expect(await getSyncState(phone.db)).toEqual(stored);
    // … and its next write keeps the worker's last success and clock reading.
    expect(await syncNow({ ...phone.deps, online: () => false })).toMatchObject({ status: 'retry' });
    const after = (await phone.db.meta.get('syncState'))?.value as SyncState;
    expect(after).toMatchObject({ lastSuccessAt: stored.lastSuccessAt, clockOffsetMs: stored.clockOffsetMs, lastError: { code: 'network' } });
    worker.db.close();
  });

  for (const before of ['after a sync that went well', 'never synced']) {
    it(`revoked while full, then enrolled again once space is freed (${before}): the new enrolment's state, not the old refusal`, async () => {
      const { library, proxy, phone, quota } = await phoneWith(`Perpustakaan Dicabut Saat Penuh (${before})`, 60, 2);
      if (before !== 'never synced') {
        expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok' });
        await saveEntry(phone.db, entry({ libraryId: library.id }));
      }
      quota.refuse = () => true;
      proxy.answer = async (path, forward) => (path === '/sync/push' ? json({ error: { code: 'unauthorized', message: 'dicabut' } }, 401) : forward());
      expect(await syncNow(phone.deps)).toMatchObject({ status: 'stopped', error: { status: 401 } });
      expect((await getSyncState(phone.db)).lastError).toMatchObject({ status: 401 });

      quota.refuse = null;
      proxy.answer = null;
      await enrolPhone(phone, server, library.id);
      const fresh = await getSyncState(phone.db);
      expect(fresh).toEqual(EMPTY_SYNC_STATE);
      // The next write (here an attempt without signal) does not bring the old state back.
      await syncNow({ ...phone.deps, online: () => false });
      const after = (await phone.db.meta.get('syncState'))?.value as SyncState;
      expect(after).toMatchObject({ lastSuccessAt: null, failures: 0, lastError: { code: 'network' } });
      expect(after.clockOffsetMs).toBeUndefined();
      expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok' });
    });
  }
});
