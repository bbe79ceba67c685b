/**
 * Enrolment (`POST /api/v1/enroll`): a code from the administrator → the device's token,
 * the library profile and the rulebook, stored in `meta`. Entries logged before enrolment
 * (under the phone's local library id) move to the enrolled library and are queued from
 * seq 1, the new device's first; nothing is lost. The storing runs under the sync lock: it
 * rebuilds the outbox, which must not happen while a sync (another tab's, or the Background
 * Sync worker's) has a push of the old numbers in flight.
 *
 * A phone enrolled before, for another library, whose entries it still holds, is not
 * moved without asking (`EnrolChoice`): the new code may be a mistake (moved, that
 * library's history would count for this one, for good), or the phone may have changed
 * hands (its entries are on the old library's server already). The librarian chooses.
 */
import { codeAsMatched, enrollResponseSchema, RETRY_KEY_PATTERN, type EnrollResponse, type Lang, type Library } from '../domain';
import type { LaporDb, OutboxRow } from './db';
import { movedRow, moveToLibrary, OUTBOX_SEQ_KEY, SENT_THROUGH_KEY } from './entries';
import { getLibrary } from './meta';
import { heldPhotoIds } from './photos';
import { plainEntry } from './sync-apply';
import { request, type FetchFn } from './sync-http';
import { defaultLock, type LockFn } from './sync';
import {
  CURSOR_KEY,
  EMPTY_SYNC_STATE,
  ENROLMENT_KEY,
  entrySyncStatus,
  getEnrolment,
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
  | { ok: false; error: SyncError; retryAfterMs: number | null }
  | { ok: 'choose'; choice: EnrolChoice };

/**
 * The code is for another library than the one this phone was enrolled for and holds
 * entries of. Nothing is stored until `complete`: 'move' takes this phone's own of those
 * entries (`own`) to the new library (sent there as its own) and deletes from the phone the
 * rest, other phones' entries it pulled, which stay with the old library on the server
 * (all moved, a wrong first code copied that library's whole history into the new one);
 * 'leave' deletes them all from this phone (only when the
 * server holds every one as the phone does: `unsent` 0). Not completing keeps the old
 * enrolment. `complete` answers `{ ok: false }`, storing nothing, when the phone changed
 * meanwhile (another tab enrolled it, or logged a change of those entries; ask again),
 * or once it has stored.
 */
export interface EnrolChoice {
  /** The library the phone was enrolled for. */
  from: Library;
  /** Its activities on this phone (tombstones aside). */
  entries: number;
  /** Its entries (tombstones too) the server does not hold as the phone does: a change not sent, or refused. */
  unsent: number;
  /** Documentation photos of its activities: only on this phone (the protocol sends their details alone). */
  photos: number;
  /**
   * Its activities this phone wrote last ("Tersimpan di HP", "Ditolak", "Terkirim"): what
   * 'move' takes. The others (`entries - own`) came from other phones through the server.
   */
  own: number;
  /** Of `own`, those the old library's server already holds ("Terkirim"): moved, they stay there too. */
  ownSent: number;
  to: Library;
  complete(how: 'move' | 'leave'): Promise<{ ok: true; library: Library; deviceId: string; queued: number } | { ok: false }>;
}

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
  const store = async (others?: OthersRule) => {
    const queued = await lock(() => storeEnrolment(opts.db, enrolled, serverUrl, opts.now(), others));
    lastTried = null;
    return { ok: true as const, library: enrolled.library, deviceId: enrolled.deviceId, queued };
  };
  for (let tries = 0; ; tries++) {
    const held = await heldForAnother(opts.db, enrolled.library.id);
    if (held === null) return store();
    const { device, ...shown } = held;
    const from = held.from.id;
    if (held.entries > 0 || held.unsent > 0 || tries > 0) {
      // Once stored, the enrolment is another device's: a second call is stale like any other.
      const complete = async (how: OthersRule['how']) => {
        try {
          return await store({ how, from, device });
        } catch (error) {
          if (error instanceof ChangedMeanwhileError) return { ok: false as const };
          throw error;
        }
      };
      return { ok: 'choose', choice: { ...shown, to: enrolled.library, complete } };
    }
    // Only deletes its server holds: nothing to ask, nothing to move. Changed meanwhile: ask.
    try {
      return await store({ how: 'leave', from, device });
    } catch (error) {
      if (!(error instanceof ChangedMeanwhileError)) throw error;
    }
  }
}

/**
 * What becomes of the entries of the library `from` the phone was enrolled for, as device
 * `device`: checked again when storing, for another enrolment meanwhile makes the choice stale.
 */
interface OthersRule {
  how: 'move' | 'leave';
  from: string;
  device: string;
}

/** The enrolment is no longer for `from`, or 'leave' met entries the server does not hold: nothing stored. */
class ChangedMeanwhileError extends Error {}

/**
 * The entries of the library this phone was enrolled for, when the new enrolment is for
 * another. Null when there is nothing to ask: never enrolled (the local library's entries
 * simply move), the same library again, none of its entries left.
 */
async function heldForAnother(db: LaporDb, libraryId: string): Promise<(Omit<EnrolChoice, 'to' | 'complete'> & { device: string }) | null> {
  const before = await getEnrolment(db);
  if (!before || before.libraryId === libraryId) return null;
  const from = await getLibrary(db);
  if (!from || from.id !== before.libraryId) return null;
  const [all, outbox] = await Promise.all([db.entries.toArray() as Promise<SyncedRow[]>, db.outbox.toArray()]);
  const rows = all.filter((r) => r.libraryId === from.id);
  if (rows.length === 0) return null;
  const live = rows.filter((r) => !r.deleted);
  const photosHere = await heldPhotoIds(db, rows.flatMap((r) => (r.attachments ?? []).map((a) => a.id)));
  const photos = live.flatMap((r) => r.attachments ?? []).filter((a) => photosHere.has(a.id)).length;
  const pending = new Set(outbox.map((m) => m.entry.id));
  const own = live.filter((r) => isOwn(r, pending, photosHere));
  const unsent = new Set(onlyHere(rows, pending));
  // Held by the old library's server as the phone holds them: moved, they stay there too.
  const ownSent = own.filter((r) => !unsent.has(r)).length;
  return { from, device: before.deviceId, entries: live.length, unsent: unsent.size, photos, own: own.length, ownSent };
}

/**
 * A row this phone wrote last, as the old library's 'move' takes it: a change waiting or
 * refused (tombstones too: a delete not sent goes with it), an activity whose last write the
 * server acknowledged from this phone, or one whose photo is on this phone (taken here, then
 * edited elsewhere: left behind, its photo, which exists nowhere else, would go with it).
 * Not: another phone's entry pulled from the server, nor a delete the server already has.
 */
function isOwn(r: SyncedRow, pending: ReadonlySet<string>, photosHere: ReadonlySet<string>): boolean {
  const kind = entrySyncStatus(r, pending).kind;
  if (kind === 'local' || kind === 'rejected') return true;
  return !r.deleted && (kind === 'sent' || (r.attachments ?? []).some((a) => photosHere.has(a.id)));
}

/** The rows the server does not hold as the phone does: a change waiting (or never sent), or refused. */
function onlyHere(rows: SyncedRow[], pending: ReadonlySet<string>): SyncedRow[] {
  return rows.filter((r) => {
    const kind = entrySyncStatus(r, pending).kind;
    return kind === 'local' || kind === 'rejected';
  });
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
 * they were first queued. `others` (the librarian's choice, `EnrolChoice`): refused
 * (ChangedMeanwhileError) unless the phone is still enrolled for `from`; 'leave' deletes
 * that library's entries and their photos instead of moving them, refused as well if the
 * server does not hold one of them as the phone does.
 * Returns the number of queued mutations. Call it holding the sync lock (as `enrol` does).
 */
export async function storeEnrolment(db: LaporDb, res: EnrollResponse, serverUrl: string, now: Date, others?: OthersRule): Promise<number> {
  const libraryId = res.library.id;
  const queued = await db.transaction('rw', [db.entries, db.outbox, db.meta, db.photos], async () => {
    const [all, pending, before] = await Promise.all([
      db.entries.toArray() as Promise<SyncedRow[]>,
      db.outbox.orderBy('seq').toArray(),
      db.meta.get(ENROLMENT_KEY),
    ]);
    let leaving: SyncedRow[] = [];
    if (others) {
      const previous = await getEnrolment(db);
      if (previous?.libraryId !== others.from || previous.deviceId !== others.device) throw new ChangedMeanwhileError();
      const pendingIds = new Set(pending.map((m) => m.entry.id));
      const fromRows = all.filter((r) => r.libraryId === others.from);
      const photosHere = await heldPhotoIds(db, fromRows.flatMap((r) => (r.attachments ?? []).map((a) => a.id)));
      leaving = others.how === 'leave' ? fromRows : fromRows.filter((r) => !isOwn(r, pendingIds, photosHere));
      if (onlyHere(leaving, pendingIds).length > 0) throw new ChangedMeanwhileError();
    }
    if (leaving.length > 0) {
      await db.entries.bulkDelete(leaving.map((r) => r.id));
      await db.photos.bulkDelete(leaving.flatMap((r) => (r.attachments ?? []).map((a) => a.id)));
    }
    const left = new Set(leaving.map((r) => r.id));
    const rows = all.filter((r) => !left.has(r.id));
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
