/**
 * What the sync engine keeps on the phone (SYNC-PROTOCOL.md, "On the phone"):
 * - `meta.enrolment`: the device token, its id, the server's address ('' when the app is
 *   served by that server) and the library it belongs to;
 * - `meta.syncCursor`: the pull cursor, made by the server, opaque here;
 * - `meta.syncState`: the last successful sync, the next try, the failures in a row and
 *   the last error, for the overall status line and the backoff;
 * - `receipt` on each entry row: the server's last word on that entry (status, version,
 *   server time), for the per-entry status.
 */
import { Dexie, RangeSet } from 'dexie';
import type { ActivityEntry, FieldError, PushStatus } from '../domain';
import { isQuotaError, type EntryRow, type LaporDb } from './db';
import { newestFirst, OUTBOX_SEQ_KEY } from './entries';

export interface Enrolment {
  deviceId: string;
  token: string;
  /** The server's origin, or '' when the app is served by the server it syncs with. */
  serverUrl: string;
  libraryId: string;
  enrolledAt: string;
}

/** The server's last word on one entry. `pulled`: the row was replaced by another device's write. */
export interface Receipt {
  status: PushStatus | 'pulled';
  version?: number;
  /** Server time of the answer (its Date header), else the phone's clock. */
  at: string;
  errors?: FieldError[];
  /**
   * Set on a row that reached this phone from the server (another phone wrote it) and has
   * not changed since: "Dari perangkat lain", not "Diperbarui dari perangkat lain".
   */
  arrived?: true;
}

export type SyncedRow = EntryRow & { receipt?: Receipt };

export interface SyncError {
  /** HTTP status, or 0 when no answer of the server applies: no answer, a proxy's 407 (sync-http.ts), storage full. */
  status: number;
  /**
   * The protocol's error code, when the server sent one; for status 0, the phone's own:
   * `network` or `timeout` (sync-http.ts), or `STORAGE_FULL`.
   */
  code: string | null;
  message: string;
}

/** The phone's own code (status 0) for a sync that could not go on because the phone's storage is full. */
export const STORAGE_FULL = 'storage_full';

export interface SyncState {
  lastSuccessAt: string | null;
  lastAttemptAt: string | null;
  /** When the backoff timer will try again; null when nothing is scheduled. */
  nextTryAt: string | null;
  /** Failed attempts in a row (the backoff's exponent). */
  failures: number;
  /** The last failure; `stopped` when retrying cannot help (a 4xx on the whole request). */
  lastError: (SyncError & { stopped: boolean }) | null;
  /** The server's clock minus the phone's at the last successful sync, in ms (absent before one). */
  clockOffsetMs?: number;
  /**
   * When a push answer last refused entries (absent before one): their receipts changed with
   * nothing else the app watches (no outbox seq, no cursor), so it reads its rows again.
   */
  rejectedAt?: string;
}

export const EMPTY_SYNC_STATE: SyncState = {
  lastSuccessAt: null,
  lastAttemptAt: null,
  nextTryAt: null,
  failures: 0,
  lastError: null,
};

export const ENROLMENT_KEY = 'enrolment';
export const CURSOR_KEY = 'syncCursor';
export const SYNC_STATE_KEY = 'syncState';

export async function getEnrolment(db: LaporDb): Promise<Enrolment | null> {
  const v = (await db.meta.get(ENROLMENT_KEY))?.value as Partial<Enrolment> | undefined;
  return v && typeof v.token === 'string' && typeof v.deviceId === 'string' && typeof v.libraryId === 'string'
    ? { serverUrl: '', enrolledAt: '', ...v } as Enrolment
    : null;
}

export async function getCursor(db: LaporDb): Promise<string> {
  const v = (await db.meta.get(CURSOR_KEY))?.value;
  return typeof v === 'string' ? v : '';
}

/**
 * A sync state that storage full kept from being stored, by database, with the stored row
 * it was worked out from (its JSON; see `updateSyncState`).
 */
const unstored = new WeakMap<LaporDb, { state: SyncState; basis: string }>();

export async function getSyncState(db: LaporDb): Promise<SyncState> {
  // Read even when one is held: a live query then still watches the stored row.
  return held(db, (await db.meta.get(SYNC_STATE_KEY))?.value);
}

/**
 * The state held in memory while the stored row is still the one it was worked out from;
 * once another context (the Background Sync worker, another tab, an enrolment) has written
 * the row, that is newer: the held state is dropped, never copied over it later.
 */
function held(db: LaporDb, stored: unknown): SyncState {
  const kept = unstored.get(db);
  if (kept && kept.basis === JSON.stringify(stored ?? null)) return kept.state;
  unstored.delete(db);
  const v = stored as Partial<SyncState> | undefined;
  return { ...EMPTY_SYNC_STATE, ...(v && typeof v === 'object' ? v : {}) };
}

/**
 * Forgets the state held in memory, for a write of the stored row that does not go
 * through `updateSyncState` (an enrolment's fresh state, which may equal the row held
 * against: a phone that never stored a state of its own).
 */
export function resetSyncState(db: LaporDb): void {
  unstored.delete(db);
}

/**
 * Changes the sync state; `change` may be worked out from the current state, in the same
 * transaction. Storage full never makes it fail: the state is bookkeeping (the status
 * line, the backoff), and a sync must not stop for it. The state is then kept in memory,
 * read in place of the stored one by this page (or worker) while the stored row stays as
 * it was, and the page's live queries are told, so the screen still says why nothing was
 * sent. Call it outside a transaction: a quota error surfaces where the transaction commits.
 */
export async function updateSyncState(db: LaporDb, change: Partial<SyncState> | ((state: SyncState) => Partial<SyncState>)): Promise<SyncState> {
  let next: SyncState | undefined;
  let basis = '';
  try {
    const stored = await db.transaction('rw', db.meta, async () => {
      const row = (await db.meta.get(SYNC_STATE_KEY))?.value;
      basis = JSON.stringify(row ?? null);
      const state = held(db, row);
      const value: SyncState = { ...state, ...(typeof change === 'function' ? change(state) : change) };
      next = value;
      await db.meta.put({ key: SYNC_STATE_KEY, value });
      return value;
    });
    unstored.delete(db);
    return stored;
  } catch (e) {
    if (!next || !isQuotaError(e)) throw e;
    unstored.set(db, { state: next, basis });
    Dexie.on('storagemutated').fire({ [`idb://${db.name}/meta/`]: new RangeSet().addKey(SYNC_STATE_KEY) });
    return next;
  }
}

/** What the librarian sees next to an entry. */
export type EntrySyncStatus =
  | { kind: 'local' }
  | { kind: 'sent'; at: string }
  | { kind: 'rejected'; errors: FieldError[] }
  | { kind: 'remote'; at: string; arrived: boolean };

/**
 * An entry's status: waiting while any mutation of it is in the outbox ("Tersimpan di
 * HP"); otherwise what its receipt says.
 */
export function entrySyncStatus(row: SyncedRow, pendingIds: ReadonlySet<string>): EntrySyncStatus {
  const r = row.receipt;
  if (pendingIds.has(row.id)) return { kind: 'local' };
  // No receipt but a server version: a row from before receipts were kept, as pulled.
  if (!r) return row.serverVersion !== undefined ? { kind: 'remote', at: '', arrived: false } : { kind: 'local' };
  switch (r.status) {
    case 'applied':
    case 'duplicate':
      return { kind: 'sent', at: r.at };
    case 'rejected':
      return { kind: 'rejected', errors: r.errors ?? [] };
    default:
      return { kind: 'remote', at: r.at, arrived: r.arrived === true };
  }
}

/**
 * How many of these rows (the app's live entries) the server refused and the librarian has
 * not corrected since, as their badges say: Beranda's word. The outbox is read only when
 * a row was refused, nearly never, so Beranda opens as fast as before.
 */
export async function stillRejected(db: LaporDb, rows: readonly unknown[]): Promise<number> {
  const refused = (rows as readonly SyncedRow[]).filter((r) => !r.deleted && r.receipt?.status === 'rejected');
  if (refused.length === 0) return 0;
  const pending = await pendingEntryIds(db);
  return refused.filter((r) => !pending.has(r.id)).length;
}

/** The ids of entries with a mutation waiting in the outbox. */
export async function pendingEntryIds(db: LaporDb): Promise<Set<string>> {
  const rows = await db.outbox.toArray();
  return new Set(rows.map((r) => r.entry.id));
}

/** Overall numbers for the status line: how many mutations wait, and the sync state. */
export async function syncOverview(db: LaporDb): Promise<{ waiting: number; state: SyncState; enrolment: Enrolment | null }> {
  const [waiting, state, enrolment] = await Promise.all([db.outbox.count(), getSyncState(db), getEnrolment(db)]);
  return { waiting, state, enrolment };
}

/** Live entries (not deleted) by what their badge in the list says. */
export interface EntrySyncCounts {
  live: number;
  /** "Tersimpan di HP": a change waits to be sent (each entry once, however many changes). */
  waiting: number;
  /** "Ditolak: …": the server refused the last change, and the librarian has not corrected it yet. */
  rejected: number;
  /** Deleted entries whose delete waits to be sent: not activities, but unsent work all the same. */
  deletesWaiting: number;
}

/**
 * The counts Pengaturan and Kirim data show, the same as the list's: tombstones are not
 * activities, and an entry with several unsent changes is one activity waiting.
 */
export async function entrySyncCounts(db: LaporDb): Promise<EntrySyncCounts> {
  const [rows, pending] = await Promise.all([db.entries.toArray() as Promise<SyncedRow[]>, pendingEntryIds(db)]);
  const counts: EntrySyncCounts = { live: 0, waiting: 0, rejected: 0, deletesWaiting: 0 };
  for (const row of rows) {
    if (row.deleted) {
      if (pending.has(row.id)) counts.deletesWaiting++;
      continue;
    }
    counts.live++;
    const { kind } = entrySyncStatus(row, pending);
    if (kind === 'local') counts.waiting++;
    else if (kind === 'rejected') counts.rejected++;
  }
  return counts;
}

/**
 * The list screen's data from one read of each table: every entry newest first (tombstones
 * included) and each one's status. Read apart, the list was drawn twice, and 5,000 rows
 * decoded twice, on a slow phone.
 */
export async function entriesWithStatuses(db: LaporDb): Promise<{ entries: ActivityEntry[]; statuses: Map<string, EntrySyncStatus> }> {
  const [rows, pending] = await Promise.all([db.entries.toArray() as Promise<SyncedRow[]>, pendingEntryIds(db)]);
  return { entries: newestFirst(rows), statuses: new Map(rows.map((r) => [r.id, entrySyncStatus(r, pending)])) };
}

/** Every entry row and the outbox counter, read together (one snapshot), for a refresh after a pull. */
export function rowsWithSeq(db: LaporDb): Promise<[EntryRow[], number]> {
  return db.transaction('r', db.entries, db.meta, async () => {
    const [rows, seq] = await Promise.all([db.entries.toArray(), db.meta.get(OUTBOX_SEQ_KEY)]);
    return [rows, (seq?.value as number | undefined) ?? 0] as [EntryRow[], number];
  });
}

/**
 * The server's reasons for refusing an entry, for the edit form. They stand while the
 * entry's last receipt says `rejected` and no change of it waits in the outbox: once the
 * librarian has saved a correction, the server has not judged the entry as it now is.
 */
export async function serverRefusal(db: LaporDb, id: string): Promise<FieldError[]> {
  const [row, pending] = await Promise.all([db.entries.get(id) as Promise<SyncedRow | undefined>, pendingEntryIds(db)]);
  if (!row) return [];
  const status = entrySyncStatus(row, pending);
  return status.kind === 'rejected' ? status.errors : [];
}
