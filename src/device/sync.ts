/**
 * The sync engine (SYNC-PROTOCOL.md, "On the phone"), shared by the page and the service
 * worker: push the outbox in seq order in batches of at most 200, then pull with the
 * cursor, then refresh the cached rulebook and library profile. One sync at a time across tabs and the worker
 * (Web Locks; tests pass their own lock). Every dependency is passed in.
 *
 * Failures: network, 5xx and 429 → try again later with full-jitter backoff (honouring
 * `Retry-After`, an hour at most); `409 seq_gap` → renumber the outbox from the expected seq
 * and resend; any other 4xx on the whole request → stop and record it, keeping everything.
 * A 2xx answer that is not the server's (unreadable, not about what was sent, a pull that
 * does not move on) is a failure to retry, never believed. Storage full stops the sync
 * only where a write it needs cannot be made (`STORAGE_FULL`), and then holds back every
 * request until a write can be made again (`canStore`).
 */
import * as z from 'zod/mini';
import {
  pullResponseSchema,
  pushResponseSchema,
  rulebookSchema,
  storedLibrarySchema,
  MAX_BODY_BYTES,
  PULL_LIMIT_DEFAULT,
  type Lang,
} from '../domain';
import { backoffDelay } from './backoff';
import { isQuotaError, type LaporDb, type OutboxRow } from './db';
import { noteSent, noteSentUnstored } from './entries';
import { adoptStrays, applyPullPage, applyPushAnswer, OutboxIndex, renumberOutbox } from './sync-apply';
import { messageOf, NO_ANSWER, request, type FetchFn, type HttpResult, type RequestOptions } from './sync-http';
import {
  CURSOR_KEY,
  getCursor,
  getEnrolment,
  getSyncState,
  STORAGE_FULL,
  updateSyncState,
  type SyncError,
  type SyncState,
} from './sync-state';

export const PUSH_BATCH = 200;
/** Raw JSON per push, well under the server's 1 MiB limit (which also holds after gunzip). */
export const PUSH_MAX_BYTES = Math.floor(MAX_BODY_BYTES * 0.9);
export const SYNC_LOCK_NAME = 'lapor-sync';

/** Runs `fn` while holding the one sync lock. */
export type LockFn = <T>(fn: () => Promise<T>) => Promise<T>;

/** Runs `fn` holding the sync lock if it is free now; otherwise does not run it, and says so. */
export type TryLockFn = <T>(fn: () => Promise<T>) => Promise<{ ran: true; value: T } | { ran: false }>;

/** The part of Web Locks' LockManager the engine uses. */
export type Locks = Pick<LockManager, 'request'>;

export interface SyncDeps {
  db: LaporDb;
  fetch: FetchFn;
  now: () => Date;
  random: () => number;
  /** Web Locks in the browser by default; an in-process mutex elsewhere. */
  lock?: LockFn;
  lang?: Lang;
  batchSize?: number;
  pullLimit?: number;
  /** Gzip push bodies over this many bytes; null never. Default 1024. */
  gzipAbove?: number | null;
  /** Each request's deadline (sync-http.ts, 60 s by default); tests make it short. */
  requestTimeoutMs?: number;
  /** False when the device knows it has no network (`navigator.onLine`, the default). */
  online?: () => boolean;
}

export type SyncResult =
  | { status: 'ok'; pushed: number; pulled: number; rejected: number }
  | { status: 'retry'; error: SyncError; delayMs: number; pushed: number }
  | { status: 'stopped'; error: SyncError; pushed: number }
  | { status: 'not-enrolled' };

type Step = { ok: true; count: number; rejected?: number; serverTime?: Date } | { ok: false; res: HttpResult & { ok: false } } | { ok: false; stop: SyncError };

const mutexes = new WeakMap<object, Promise<unknown>>();
/** How many runs hold or wait for each database's fallback mutex. */
const holders = new WeakMap<object, number>();

function platformLocks(): Locks | undefined {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  return locks?.request ? locks : undefined;
}

/** The default lock: Web Locks where the platform has them, else one queue per database. */
export function defaultLock(db: LaporDb, locks: Locks | undefined = platformLocks()): LockFn {
  if (locks) return (fn) => locks.request(SYNC_LOCK_NAME, fn) as ReturnType<typeof fn>;
  return <T>(fn: () => Promise<T>) => {
    const before = mutexes.get(db) ?? Promise.resolve();
    holders.set(db, (holders.get(db) ?? 0) + 1);
    const run = before.then(fn, fn).finally(() => holders.set(db, holders.get(db)! - 1));
    mutexes.set(db, run.catch(() => {}));
    return run;
  };
}

/**
 * The same lock taken only if it is free now (Web Locks' `ifAvailable`), for deleting an
 * entry (entries.ts): whoever holds it may be sending that entry, and a tap must not wait
 * behind a sync stalled on the network.
 */
export function lockIfAvailable(db: LaporDb, locks: Locks | undefined = platformLocks()): TryLockFn {
  if (locks) {
    return async <T>(fn: () => Promise<T>) => {
      let ran = false;
      const value = await locks.request(SYNC_LOCK_NAME, { ifAvailable: true }, async (lock) => {
        if (!lock) return undefined;
        ran = true;
        return fn();
      });
      return ran ? { ran: true as const, value: value as T } : { ran: false as const };
    };
  }
  return async <T>(fn: () => Promise<T>) => {
    if ((holders.get(db) ?? 0) > 0) return { ran: false as const };
    return { ran: true as const, value: await defaultLock(db, undefined)(fn) };
  };
}

/**
 * The same lock, waited for at most `ms`: for the Background Sync worker. Whoever holds it
 * may be a sync about to end, or a page being closed whose lock the browser has not let go
 * yet; giving up at once would use the browser's tag up and leave the queue to the next
 * time the app is opened. Waiting without a bound would keep the worker's event alive
 * behind a sync stalled on the network until the browser kills it.
 */
export function lockWithin(db: LaporDb, ms: number, locks: Locks | undefined = platformLocks()): TryLockFn {
  if (locks) {
    return async <T>(fn: () => Promise<T>) => {
      let granted = false;
      // Not AbortSignal.timeout: older Chromes (before 103) have Web Locks but not that.
      const giveUp = new AbortController();
      const timer = setTimeout(() => giveUp.abort(), ms);
      try {
        const value = await locks.request(SYNC_LOCK_NAME, { signal: giveUp.signal }, () => {
          granted = true;
          clearTimeout(timer);
          return fn();
        });
        return { ran: true as const, value: value as T };
      } catch (e) {
        if (!granted && giveUp.signal.aborted) return { ran: false as const }; // not granted in time
        throw e;
      } finally {
        clearTimeout(timer);
      }
    };
  }
  return async <T>(fn: () => Promise<T>) => {
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = defaultLock(db, undefined)(async () => {
      if (timedOut) return { ran: false as const };
      clearTimeout(timer);
      return { ran: true as const, value: await fn() };
    });
    const late = new Promise<{ ran: false }>((resolve) => {
      timer = setTimeout(() => {
        timedOut = true;
        resolve({ ran: false });
      }, ms);
    });
    return Promise.race([run, late]);
  };
}

/** `navigator.onLine` where there is one (page and worker); elsewhere (Node) assume a network. */
const browserOnline = () => (globalThis.navigator as { onLine?: boolean } | undefined)?.onLine !== false;

/** One whole sync under the lock: push everything, pull everything, refresh the rulebook and the profile. */
export function syncNow(deps: SyncDeps): Promise<SyncResult> {
  return (deps.lock ?? defaultLock(deps.db))(() => runSync(deps));
}

async function runSync(deps: SyncDeps): Promise<SyncResult> {
  const { db } = deps;
  const enrolment = await getEnrolment(db);
  if (!enrolment) return { status: 'not-enrolled' };
  // Storage full does not stop this (updateSyncState keeps it in memory then): bookkeeping.
  const state = await updateSyncState(db, { lastAttemptAt: deps.now().toISOString() });
  // The last sync stopped because the phone is full: while it still is, the answer to a
  // push could not be stored either, and each trigger (app start, the page shown again,
  // the worker) would resend the batch on paid data for nothing. Before the known-offline
  // check, so an attempt without signal does not overwrite the reason.
  if (state.lastError?.code === STORAGE_FULL && !(await canStore(db))) {
    return failed(deps, { ok: false, stop: { status: 0, code: STORAGE_FULL, message: 'storage still full' } }, 0);
  }
  // Known offline: nothing is read from the outbox, so nothing is marked sent, and an entry
  // logged and deleted offline is still deleted on the phone alone ("Kirim sekarang" tapped
  // with no signal must not change that).
  if (!(deps.online ?? browserOnline)()) return offline(deps);
  const http: RequestOptions = {
    fetch: deps.fetch,
    now: deps.now,
    serverUrl: enrolment.serverUrl,
    token: enrolment.token,
    lang: deps.lang,
    gzipAbove: deps.gzipAbove === undefined ? 1024 : deps.gzipAbove,
    timeoutMs: deps.requestTimeoutMs,
  };
  let pushed = 0;
  let rejected = 0;
  let pull: Step;
  try {
    await adoptStrays(db, enrolment.libraryId);
    const index = new OutboxIndex();
    const push = await pushAll(deps, http, index);
    if (!push.ok) return failed(deps, push, 0);
    pushed = push.count;
    rejected = push.rejected ?? 0;
    pull = await pullAll(deps, http, index);
  } catch (e) {
    // A write the sync needs (an answer applied, the outbox renumbered) found storage full:
    // say so and stop. No timer: each retry would send the same batch again on paid data
    // for nothing; a trigger (the app opened again, "Kirim sekarang") sends again only once
    // a write can be made (`canStore` above).
    if (!isQuotaError(e)) throw e;
    return failed(deps, { ok: false, stop: { status: 0, code: STORAGE_FULL, message: messageOf(e) } }, pushed);
  }
  if (!pull.ok) return failed(deps, pull, pushed);
  await Promise.all([refreshRulebook(db, http), refreshLibrary(db, http, enrolment.libraryId)]);
  const now = deps.now();
  // How far the phone's clock is from the server's (its Date header): the app warns when the
  // phone's date is wrong, which would date new entries and colour the card by another day.
  // No header read (a proxy dropped it): the last reading stays.
  const clock = pull.serverTime ? { clockOffsetMs: pull.serverTime.getTime() - now.getTime() } : {};
  await updateSyncState(db, { lastSuccessAt: now.toISOString(), failures: 0, lastError: null, nextTryAt: null, ...clock });
  return { status: 'ok', pushed, pulled: pull.count, rejected };
}

/**
 * How long the server asked the phone to wait (ms; 0 when it did not or the wait is over):
 * the backoff after a 5xx or 429 answer, or its Retry-After. App start and a Background
 * Sync event honour only that wait. After no answer at all (no signal, a timeout), the
 * backoff is the page's pace while it stays open; a phone opened again, or a browser
 * that says it is online again, tries at once.
 */
export function serverWait(state: SyncState, now: Date): number {
  if (!state.nextTryAt || !state.lastError || state.lastError.stopped || state.lastError.status === 0) return 0;
  // At most MAX_SERVER_WAIT_MS: a wait written while the phone's clock ran days ahead, then
  // set right, would otherwise hold every trigger but "Kirim sekarang" back for those days.
  return Math.min(MAX_SERVER_WAIT_MS, Math.max(0, Date.parse(state.nextTryAt) - now.getTime()));
}

/**
 * The longest a server's wait is honoured (our backoff caps at 15 min; a Retry-After may ask
 * more): the wait stored is capped so when it is asked (`failed`), and read so (here).
 */
export const MAX_SERVER_WAIT_MS = 60 * 60_000;

/** How often a page that knows it is offline looks again, should the `online` event never come. */
export const OFFLINE_RECHECK_MS = 60_000;

/**
 * An attempt while the phone knows it is offline: shown as "no signal", but not a
 * failure of the backoff. Counted, a day without signal (the app left open, or
 * "Kirim sekarang" tapped a few times) pushed the next try up to 15 minutes away, and
 * the app, opened again with signal, waited for it before sending anything.
 */
async function offline(deps: SyncDeps): Promise<SyncResult> {
  const error = { status: 0, code: NO_ANSWER.network, message: 'offline' };
  // A wait the server asked for (429, 5xx) outlives a moment without signal: kept as it is.
  const wait = serverWait(await getSyncState(deps.db), deps.now());
  if (wait > 0) return { status: 'retry', error, delayMs: Math.max(OFFLINE_RECHECK_MS, wait), pushed: 0 };
  // A stop (the phone's access revoked…) outlives it too: it must still be said, and dealt with,
  // when the signal returns; taken over by "no signal", a revoked phone's warning went at each
  // attempt made without signal, which in a village is most of them.
  await updateSyncState(deps.db, (state) => (state.lastError?.stopped ? { nextTryAt: null } : { lastError: { ...error, stopped: false }, nextTryAt: null }));
  return { status: 'retry', error, delayMs: OFFLINE_RECHECK_MS, pushed: 0 };
}

async function failed(deps: SyncDeps, step: Step & { ok: false }, pushed: number): Promise<SyncResult> {
  const now = deps.now();
  if ('stop' in step || !step.res.retry) {
    const error = 'stop' in step ? step.stop : step.res.error;
    await updateSyncState(deps.db, { lastError: { ...error, stopped: true }, nextTryAt: null });
    return { status: 'stopped', error, pushed };
  }
  const { error, retryAfterMs } = step.res;
  let delayMs = 0;
  await updateSyncState(deps.db, (state) => {
    const failures = state.failures + 1;
    // A server's wait is honoured an hour at most (`serverWait`), from the moment it was
    // asked: a Retry-After of a day would otherwise hold the page's timer, and a change
    // saved with signal, for that day while the page stays open.
    delayMs = Math.min(MAX_SERVER_WAIT_MS, backoffDelay(failures, deps.random, retryAfterMs));
    return { failures, lastError: { ...error, stopped: false }, nextTryAt: new Date(now.getTime() + delayMs).toISOString() };
  });
  return { status: 'retry', error, delayMs, pushed };
}

/** A row only ever written to find out whether storage has room again (`canStore`). */
const PROBE_KEY = 'storageProbe';

/**
 * Whether a tiny write can be stored now: put and deleted in one transaction, which
 * Chromium refuses at its commit when the quota is used up. Only a small room is proven:
 * a phone nearly full may still refuse a larger answer, which then stops the sync again.
 */
async function canStore(db: LaporDb): Promise<boolean> {
  try {
    await db.transaction('rw', db.meta, async () => {
      await db.meta.put({ key: PROBE_KEY, value: true });
      await db.meta.delete(PROBE_KEY);
    });
    return true;
  } catch (e) {
    if (isQuotaError(e)) return false;
    throw e;
  }
}

/** An answer that is not the server's (unparseable, or not about what was asked): a failure to retry later. */
function unreadable(status: number, message: string): Step & { ok: false } {
  return { ok: false, res: { ok: false, retry: true, retryAfterMs: null, error: { status, code: null, message } } };
}

/**
 * The next batch: the outbox's first rows, consecutive, at most `max` and `maxBytes` of
 * JSON, and each entry once — a second change of an entry waits for the next batch, so
 * it goes out rebased on the first one's version, which the server then applies whatever
 * the phone's clock said (a clock set back, or two saves in one millisecond, would
 * otherwise lose it to the conflict rule against the phone's own first change).
 */
async function nextBatch(db: LaporDb, max: number, maxBytes: number): Promise<OutboxRow[]> {
  const rows = await db.outbox.orderBy('seq').limit(max).toArray();
  const batch: OutboxRow[] = [];
  const ids = new Set<string>();
  let bytes = 20;
  for (const r of rows) {
    if (batch.length > 0 && r.seq !== batch[batch.length - 1].seq + 1) break;
    if (ids.has(r.entry.id)) break;
    ids.add(r.entry.id);
    const size = JSON.stringify(r).length * 3; // worst case: every character three bytes of UTF-8
    if (batch.length > 0 && bytes + size > maxBytes) break;
    bytes += size + 1;
    batch.push(r);
  }
  return batch;
}

/**
 * The next batch, recorded as sent in the same transaction as it is read: once read, its
 * mutations may reach the server whatever happens next, and a delete on the phone alone
 * (entries.ts), which decides in a transaction of its own, sees either the batch not taken
 * yet or the mark — even in a second tab where Web Locks are missing.
 *
 * Storage full, the mark cannot be stored: the batch is sent all the same, and marked in
 * this page's memory (`noteSentUnstored`). Sending is what keeps the entries safe (on the
 * server, whatever becomes of a full phone); sent again later it is a `duplicate`, never a
 * double; and deletes need the sync lock, held until this sync ends.
 */
async function takeBatch(db: LaporDb, max: number, maxBytes: number): Promise<OutboxRow[]> {
  let batch: OutboxRow[] = [];
  try {
    return await db.transaction('rw', db.outbox, db.meta, async () => {
      batch = await nextBatch(db, max, maxBytes);
      if (batch.length > 0) await noteSent(db, batch[batch.length - 1].seq);
      return batch;
    });
  } catch (e) {
    if (batch.length === 0 || !isQuotaError(e)) throw e;
    noteSentUnstored(db, batch.map((m) => m.entry.id));
    return batch;
  }
}

async function pushAll(deps: SyncDeps, http: RequestOptions, index: OutboxIndex): Promise<Step> {
  let max = Math.min(deps.batchSize ?? PUSH_BATCH, PUSH_BATCH);
  let count = 0;
  let rejected = 0;
  let gaps = 0;
  for (;;) {
    const batch = await takeBatch(deps.db, max, PUSH_MAX_BYTES);
    if (batch.length === 0) return { ok: true, count, rejected };
    const res = await request(http, 'POST', '/sync/push', { mutations: batch });
    if (res.ok) {
      const answer = pushResponseSchema.safeParse(res.body);
      if (!answer.success) return unreadable(res.status, 'unreadable push answer');
      // Believed only as far as it is about what was sent (applyPushAnswer's `pushAnswerFits`):
      // else nothing is applied. One that acknowledges nothing would send the same batch forever.
      const summary = await applyPushAnswer(deps.db, index, batch, answer.data, res.serverTime);
      if (summary.acked === 0) return unreadable(res.status, 'push answer acknowledges nothing of the batch sent');
      count += summary.acked;
      rejected += summary.rejected;
      // Said at once, not at the sync's end: a pull failing later on a bad line would leave the
      // receipts stored and the app (which re-reads its rows at this mark) unaware of them.
      if (summary.rejected > 0) await updateSyncState(deps.db, { rejectedAt: deps.now().toISOString() });
      continue;
    }
    if (!res.retry && res.error.code === 'seq_gap') {
      const expected = Number(res.details.find((d) => d.path === 'expected')?.message);
      // Renumbering twice in a row without progress means something else is wrong: stop.
      if (!Number.isSafeInteger(expected) || expected < 1 || ++gaps > 3) return { ok: false, res };
      await renumberOutbox(deps.db, expected);
      index.clear();
      continue;
    }
    if (!res.retry && res.error.code === 'payload_too_large' && batch.length > 1) {
      max = Math.max(1, Math.floor(batch.length / 2));
      continue;
    }
    return { ok: false, res };
  }
}

async function pullAll(deps: SyncDeps, http: RequestOptions, index: OutboxIndex): Promise<Step> {
  let cursor = await getCursor(deps.db);
  let count = 0;
  let resets = 0;
  let serverTime: Date | undefined;
  // The cursors asked for in this sync: a page with more to come must lead to a new one.
  const seen = new Set([cursor]);
  for (let page = 0; page < 100_000; page++) {
    const limit = deps.pullLimit ?? PULL_LIMIT_DEFAULT;
    const res = await request(http, 'GET', `/sync/pull?cursor=${encodeURIComponent(cursor)}&limit=${limit}`);
    if (!res.ok) {
      // A cursor the server no longer knows (its key changed): start again from the beginning.
      if (!res.retry && res.error.code === 'invalid_cursor' && cursor !== '' && resets++ === 0) {
        cursor = '';
        seen.clear();
        seen.add(cursor);
        continue;
      }
      return { ok: false, res };
    }
    const answer = pullResponseSchema.safeParse(res.body);
    if (!answer.success) return unreadable(res.status, 'unreadable pull answer');
    // The server's "more to come" always brings entries and moves the cursor on. One that
    // does not (a proxy's, a cache replaying a page) would loop on paid data with the lock
    // held: a failure to retry later; the pages applied before it stay.
    if (answer.data.hasMore && (answer.data.entries.length === 0 || seen.has(answer.data.cursor))) {
      return unreadable(res.status, 'pull answer does not move on');
    }
    seen.add(answer.data.cursor);
    count += await applyPullPage(deps.db, index, answer.data.entries, answer.data.cursor, CURSOR_KEY, res.serverTime);
    if (res.serverDated) serverTime = res.serverTime;
    cursor = answer.data.cursor;
    if (!answer.data.hasMore) break;
  }
  return { ok: true, count, serverTime };
}

/** Caches the server's current rulebook when it differs from the one stored; failures wait for the next sync. */
async function refreshRulebook(db: LaporDb, http: RequestOptions): Promise<void> {
  const res = await request(http, 'GET', '/rulebook');
  const parsed = res.ok && rulebookSchema.safeParse(res.body);
  if (parsed && parsed.success) await keep(db, 'rulebook', parsed.data);
}

const libraryAnswerSchema = z.object({ library: storedLibrarySchema });

/**
 * Once enrolled, the profile is the server's (what monitoring shows): an administrator's
 * `library edit` reaches the phone at its next sync — its time zone above all, which dates
 * entries and the KPI's month on both sides. Failures wait for the next sync.
 */
async function refreshLibrary(db: LaporDb, http: RequestOptions, libraryId: string): Promise<void> {
  const res = await request(http, 'GET', '/library');
  const parsed = res.ok && libraryAnswerSchema.safeParse(res.body);
  if (parsed && parsed.success && parsed.data.library.id === libraryId) await keep(db, 'library', parsed.data.library);
}

/**
 * Writes `value` under `key` unless the same is stored (a write would wake every watcher of
 * `meta`). Storage full, it waits for a later sync, as a failed request does.
 */
async function keep(db: LaporDb, key: string, value: unknown): Promise<void> {
  if (JSON.stringify((await db.meta.get(key))?.value) === JSON.stringify(value)) return;
  await db.meta.put({ key, value }).catch((e: unknown) => {
    if (!isQuotaError(e)) throw e;
  });
}

export interface SchedulerDeps extends SyncDeps {
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Called after each sync with its result. */
  onResult?: (result: SyncResult) => void;
}

export interface SyncScheduler {
  /** Syncs now (or right after the sync in progress); resolves with that sync's result. */
  trigger(): Promise<SyncResult>;
  /** App start: syncs now, unless the server's last answer asked to wait (5xx, 429) and that wait is not over; then arms the timer. */
  resume(): Promise<SyncResult | null>;
  stop(): void;
}

/**
 * Triggers funnel here: at most one sync of this page at a time, a trigger during a sync
 * runs one more after it, and a retryable failure arms the backoff timer.
 */
export function createSyncScheduler(deps: SchedulerDeps): SyncScheduler {
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let running: Promise<SyncResult> | null = null;
  let again: Promise<SyncResult> | null = null;
  let timer: unknown = null;
  let stopped = false;

  const arm = (ms: number) => {
    if (timer !== null) clearTimer(timer);
    timer = setTimer(() => {
      timer = null;
      void trigger();
    }, ms);
  };

  const run = async (): Promise<SyncResult> => {
    if (timer !== null) clearTimer(timer);
    timer = null;
    const result = await syncNow(deps).catch(
      (e): SyncResult => ({ status: 'retry', error: { status: 0, code: null, message: String(e) }, delayMs: 60_000, pushed: 0 }),
    );
    if (!stopped && result.status === 'retry') arm(result.delayMs);
    deps.onResult?.(result);
    return result;
  };

  function trigger(): Promise<SyncResult> {
    if (stopped) return Promise.resolve({ status: 'not-enrolled' });
    if (!running) {
      running = run().finally(() => (running = null));
      return running;
    }
    again ??= running.then(() => {
      again = null;
      return trigger();
    });
    return again;
  }

  return {
    trigger,
    async resume() {
      const due = serverWait(await getSyncState(deps.db), deps.now());
      if (due > 0) {
        arm(due);
        return null;
      }
      return trigger();
    },
    stop() {
      stopped = true;
      if (timer !== null) clearTimer(timer);
      timer = null;
    },
  };
}
