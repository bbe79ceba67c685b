/**
 * Enrolment (`POST /api/v1/enroll`): a code from the administrator → the device's token,
 * the library profile and the rulebook, stored in `meta`. Entries logged before enrolment
 * (under the phone's local library id) move to the enrolled library and are queued from
 * seq 1, the new device's first; nothing is lost. The storing runs under the sync lock: it
 * rebuilds the outbox, which must not happen while a sync (another tab's, or the Background
 * Sync worker's) has a push of the old numbers in flight.
 */
import { codeAsMatched, enrollResponseSchema, RETRY_KEY_PATTERN, type EnrollResponse, type Lang, type Library } from '../domain';
import type { LaporDb, OutboxRow } from './db';
import { movedRow, moveToLibrary, OUTBOX_SEQ_KEY, SENT_THROUGH_KEY } from './entries';
import { plainEntry } from './sync-apply';
import { request, type FetchFn } from './sync-http';
import { defaultLock, type LockFn } from './sync';
import {
  CURSOR_KEY,
  EMPTY_SYNC_STATE,
  ENROLMENT_KEY,
  resetSyncState,
  SYNC_STATE_KEY,
  type Enrolment,
  type SyncError,
  type SyncedRow,
} from './sync-state';

export interface EnrolOptions {
  db: LaporDb;
  fetch: FetchFn;
  now: () => Date;
  /** The server's origin, '' when the app is served by it. */
  serverUrl: string;
  code: string;
  deviceName?: string;
  lang?: Lang;
  /** The sync lock (sync.ts's `defaultLock` by default: Web Locks in the browser). */
  lock?: LockFn;
}

export type EnrolResult =
  | { ok: true; library: Library; deviceId: string; queued: number }
  | { ok: false; error: SyncError; retryAfterMs: number | null };

export async function enrol(opts: EnrolOptions): Promise<EnrolResult> {
  const serverUrl = opts.serverUrl.replace(/\/+$/, '');
  const retryKey = await retryKeyFor(opts.db, opts.code);
  const body = { code: opts.code, ...(opts.deviceName ? { deviceName: opts.deviceName } : {}), retryKey };
  const res = await request({ fetch: opts.fetch, now: opts.now, serverUrl, lang: opts.lang }, 'POST', '/enroll', body);
  if (!res.ok) return { ok: false, error: res.error, retryAfterMs: res.retry ? res.retryAfterMs : null };
  const parsed = enrollResponseSchema.safeParse(res.body);
  if (!parsed.success) return { ok: false, error: { status: res.status, code: null, message: 'unreadable answer' }, retryAfterMs: null };
  const enrolled = parsed.data;
  const lock = opts.lock ?? defaultLock(opts.db);
  const queued = await lock(() => storeEnrolment(opts.db, enrolled, serverUrl, opts.now()));
  lastTried = null;
  return { ok: true, library: parsed.data.library, deviceId: parsed.data.deviceId, queued };
}

/** Where the key of the last code tried is kept: `{ code, key }`, the code as the server matches it. */
export const ENROL_RETRY_KEY = 'enrolRetry';

/**
 * The `retryKey` to send with `code` (protocol.ts): the one kept for this code if it was tried
 * before — its answer may have been lost, the code used — or a new one, kept before it is
 * sent (if it cannot be kept, the next try in this page still has it in memory: the tab).
 */
async function retryKeyFor(db: LaporDb, code: string): Promise<string> {
  const matched = codeAsMatched(code);
  const stored = (await db.meta.get(ENROL_RETRY_KEY).catch(() => undefined))?.value as { code?: unknown; key?: unknown } | undefined;
  for (const kept of [stored, lastTried]) {
    if (kept?.code === matched && typeof kept.key === 'string' && RETRY_KEY_PATTERN.test(kept.key)) return kept.key;
  }
  lastTried = { code: matched, key: newRetryKey() };
  await db.meta.put({ key: ENROL_RETRY_KEY, value: lastTried }).catch(() => {});
  return lastTried.key;
}

/** The last code tried in this page and its key, for when the database could not keep them. */
let lastTried: { code: string; key: string } | null = null;

/** 128 random bits, base64url. */
function newRetryKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Stores the enrolment and re-keys and re-queues the phone's entries, in one transaction.
 * Entries of another library (the local one, or a previous enrolment's) move to the new
 * library as new entries; entries with unsent changes are queued once each, in the order
 * they were first queued. Returns the number of queued mutations. Call it holding the sync
 * lock (as `enrol` does).
 */
export async function storeEnrolment(db: LaporDb, res: EnrollResponse, serverUrl: string, now: Date): Promise<number> {
  const libraryId = res.library.id;
  const queued = await db.transaction('rw', db.entries, db.outbox, db.meta, async () => {
    const [rows, pending, before] = await Promise.all([
      db.entries.toArray() as Promise<SyncedRow[]>,
      db.outbox.orderBy('seq').toArray(),
      db.meta.get(ENROLMENT_KEY),
    ]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const order: string[] = [];
    const seen = new Set<string>();
    for (const m of pending) if (!seen.has(m.entry.id)) seen.add(m.entry.id), order.push(m.entry.id);
    const moved = new Set<string>();
    for (const r of rows) {
      if (r.libraryId === libraryId) continue;
      moved.add(r.id);
      if (!seen.has(r.id)) seen.add(r.id), order.push(r.id);
    }
    const updated: SyncedRow[] = [];
    for (const id of moved) {
      const row: SyncedRow = movedRow(byId.get(id)!, libraryId);
      byId.set(id, row);
      updated.push(row);
    }
    const mutations: OutboxRow[] = [];
    for (const id of order) {
      const row = byId.get(id);
      if (row) {
        mutations.push({ seq: mutations.length + 1, baseVersion: row.serverVersion ?? 0, entry: plainEntry(row) });
      } else {
        // A queued change whose row is gone (should not happen): keep it, re-keyed.
        const m = pending.filter((p) => p.entry.id === id).pop()!;
        mutations.push({ seq: mutations.length + 1, baseVersion: 0, entry: moveToLibrary(m.entry, libraryId) });
      }
    }
    const enrolment: Enrolment = {
      deviceId: res.deviceId,
      token: res.token,
      serverUrl,
      libraryId,
      enrolledAt: now.toISOString(),
    };
    await db.outbox.clear();
    await Promise.all([
      db.entries.bulkPut(updated),
      db.outbox.bulkAdd(mutations),
      db.meta.bulkPut([
        { key: OUTBOX_SEQ_KEY, value: mutations.length },
        // Renumbered from 1. Never enrolled, nothing was ever sent; enrolled before, any of
        // them may have reached the server under the old enrolment, answer lost.
        { key: SENT_THROUGH_KEY, value: before ? mutations.length : 0 },
        { key: ENROLMENT_KEY, value: enrolment },
        { key: 'library', value: res.library },
        { key: 'rulebook', value: res.rulebook },
        { key: CURSOR_KEY, value: '' },
        { key: SYNC_STATE_KEY, value: EMPTY_SYNC_STATE },
      ]),
      db.meta.delete(ENROL_RETRY_KEY),
    ]);
    return mutations.length;
  });
  // The state this page kept in memory (storage full) was the old enrolment's: a 401, its
  // last success and clock reading. The new one starts empty, stored above.
  resetSyncState(db);
  return queued;
}
