/**
 * Writing entries: every save, edit, undo, and every delete of an entry the server may
 * hold, writes the entry *and* its outbox mutation `{ seq, baseVersion, entry }` in one
 * transaction, with the next `seq` from a counter kept in `meta`. IndexedDB runs
 * read-write transactions on the same stores one at a time, so concurrent saves get
 * consecutive seqs, and a failed write leaves neither the entry nor its mutation behind.
 * (A delete on the phone alone removes its mutations and leaves their seqs unused: the
 * next push meets the gap as `409 seq_gap`, and the sync engine renumbers.)
 */
import { activityEntrySchema, parseWithMessages, sameContent, type ActivityEntry, type FieldError } from '../domain';
import { Dexie, RangeSet } from 'dexie';
import { isQuotaError, type EntryRow, type LaporDb, type MetaRow, type OutboxRow } from './db';
import { draftKey } from './meta';
import { lockIfAvailable, type TryLockFn } from './sync';
import type { SyncedRow } from './sync-state';

/** The meta row holding the last outbox seq handed out (the sync engine renumbers it on seq_gap). */
export const OUTBOX_SEQ_KEY = 'outboxSeq';

/**
 * The meta row holding the highest outbox seq ever put in a push request (in the outbox's
 * current numbering): a mutation at or below it may have reached the server, even if no
 * answer came. The sync engine raises it in the transaction that reads each batch;
 * renumbering carries it over and enrolment sets it (sync-apply.ts, enrol.ts).
 */
export const SENT_THROUGH_KEY = 'sentThroughSeq';

/** The highest outbox seq that may have reached the server (0 when none). */
export async function sentThrough(db: LaporDb): Promise<number> {
  return ((await db.meta.get(SENT_THROUGH_KEY))?.value as number | undefined) ?? 0;
}

/** Records, before a push request leaves, that mutations up to `seq` may reach the server. */
export async function noteSent(db: LaporDb, seq: number): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    if (seq > (await sentThrough(db))) await db.meta.put({ key: SENT_THROUGH_KEY, value: seq });
  });
}

/** Entries sent while storage was full, their `noteSent` mark not stored, by database. */
const sentUnmarked = new WeakMap<LaporDb, Set<string>>();

/**
 * Records in memory that mutations of entries `ids` may reach the server though their mark
 * could not be stored (storage full): the sync sends them anyway, for on the server they
 * are safe, and this page never deletes them on the phone alone. (Another tab, or the page
 * reloaded before a sync stores the mark, could: the entry would then come back with the
 * next pull, and a second delete reaches the server — shown, never lost.)
 */
export function noteSentUnstored(db: LaporDb, ids: readonly string[]): void {
  let set = sentUnmarked.get(db);
  if (!set) sentUnmarked.set(db, (set = new Set()));
  for (const id of ids) set.add(id);
}

export type SaveResult =
  | { ok: true; entry: ActivityEntry; seq: number }
  | { ok: false; reason: 'invalid'; errors: FieldError[] }
  | { ok: false; reason: 'quota' }
  | { ok: false; reason: 'missing' }
  /** The stored entry is no longer the one the edit started from (`basedOn`): nothing was written. */
  | { ok: false; reason: 'changed'; current: ActivityEntry | null };

/** The last outbox `seq` handed out (0 before the first write); it moves with every entry write. */
export async function lastOutboxSeq(db: LaporDb): Promise<number> {
  return ((await db.meta.get(OUTBOX_SEQ_KEY))?.value as number | undefined) ?? 0;
}

export interface SaveOptions {
  /** The form draft (by name, as `setDraft` takes it) the entry was typed into: deleted in the same transaction. */
  draft?: string;
  /**
   * Called once every write is issued and the commit requested, while the storage
   * process commits: CPU work the caller needs next can overlap the commit. Nothing is
   * stored yet when it runs (the save may still fail); its errors are only logged.
   */
  whileCommitting?: () => void;
  /**
   * An edit: the stored entry the form was loaded from. If the stored entry's contents
   * are no longer those (an edit in another tab, a delete, a newer copy pulled from the
   * server), nothing is written and the result is `changed`, so that a form left open
   * cannot silently overwrite a newer edit, or bring back a deleted entry.
   */
  basedOn?: ActivityEntry;
}

/**
 * Stores `entry` (new or edited) and queues it for the server. The entry is checked
 * against the context-free schema here too: the outbox must never hold a malformed row.
 * Resolves once the transaction has completed.
 */
export async function saveEntry(db: LaporDb, entry: ActivityEntry, options: SaveOptions = {}): Promise<SaveResult> {
  // Worded as the form words them (in Indonesian: the form has checked the entry already, so this is a last guard).
  const parsed = parseWithMessages(activityEntrySchema, entry, 'id');
  if (!parsed.ok) return { ok: false, reason: 'invalid', errors: parsed.errors };
  try {
    const drafts = options.draft === undefined ? [] : [draftKey(options.draft)];
    const seq = await writeEntries(db, [parsed.value], drafts, options.whileCommitting, new Set(), options.basedOn);
    return { ok: true, entry: parsed.value, seq: seq[0] };
  } catch (e) {
    if (isQuotaError(e)) return { ok: false, reason: 'quota' };
    if (e instanceof ChangedElsewhere) return { ok: false, reason: 'changed', current: e.current };
    throw e;
  }
}

/**
 * Writes entries and one mutation each in a single transaction; returns their seqs.
 * An existing row keeps its `serverVersion`, which becomes the mutation's `baseVersion`.
 * `deleteMeta` names `meta` rows (a draft) deleted in the same transaction.
 *
 * This is the hot path of every save, so it is one plain IndexedDB transaction rather
 * than Dexie's (whose promise zones and middleware cost a slow phone ~10 ms a save):
 * two reads (the counter, the existing rows) issued together, then the writes, issued
 * from the last read's success without a promise hop. Guarantees are IndexedDB's own:
 * read-write transactions over the same stores run one at a time (also against Dexie's,
 * e.g. the sync engine's), so seqs have no gaps; a failed request or a thrown error
 * aborts the whole transaction; the promise resolves on `complete`, never before, and
 * with 'strict' durability (below). Dexie's live queries are then told what changed
 * (`announceWrite`), as Dexie tells them after its own writes.
 */
export async function writeEntries(
  db: LaporDb,
  entries: readonly ActivityEntry[],
  deleteMeta: readonly string[] = [],
  whileCommitting?: () => void,
  /** Ids of entries the server is known to hold (a backup of an enrolled library): marked `onServer`. */
  onServer: ReadonlySet<string> = new Set(),
  /** One entry's edit: the stored entry it started from (`SaveOptions.basedOn`). */
  basedOn?: ActivityEntry,
): Promise<number[]> {
  if (entries.length === 0 && deleteMeta.length === 0) return [];
  // Inside a Dexie transaction on these stores, this transaction would wait for it forever.
  if (Dexie.currentTransaction) throw new Error('writeEntries and saveEntry run their own transaction: call them outside db.transaction()');
  let idb = await nativeDb(db);
  let seqs: number[];
  try {
    seqs = await writeInTransaction(idb, entries, deleteMeta, whileCommitting, onServer, basedOn);
  } catch (e) {
    // The connection was closed under us (a newer version opened elsewhere): reopen once.
    if ((e as { name?: string })?.name !== 'InvalidStateError') throw e;
    idb = await nativeDb(db, true);
    seqs = await writeInTransaction(idb, entries, deleteMeta, whileCommitting, onServer, basedOn);
  }
  // In a task of its own: the live queries it wakes re-read at once, and the caller (a
  // save waiting to show its entry) should not wait for them.
  const ids = entries.map((e) => e.id);
  setTimeout(() => announceWrite(db, ids, seqs, [OUTBOX_SEQ_KEY, ...deleteMeta]), 0);
  return seqs;
}

async function nativeDb(db: LaporDb, reopen = false): Promise<IDBDatabase> {
  if (reopen && db.isOpen()) db.close({ disableAutoOpen: false });
  if (!db.isOpen()) await db.open();
  return db.backendDB();
}

/**
 * Requests issued from one callback, at most: a restore of thousands of entries issues its
 * reads and writes in slices, each from the previous slice's last success (one task each),
 * so the page answers meanwhile (5,000 entries in one callback froze a slow phone for a
 * second). Still one transaction: all or nothing, seqs without gaps. A save is one slice.
 */
const SLICE = 100;

function writeInTransaction(
  idb: IDBDatabase,
  entries: readonly ActivityEntry[],
  deleteMeta: readonly string[],
  whileCommitting: (() => void) | undefined,
  onServer: ReadonlySet<string>,
  basedOn: ActivityEntry | undefined,
): Promise<number[]> {
  return new Promise((resolve, reject) => {
    // 'strict': `complete` (and so the save) waits until the OS has flushed the write to
    // disk. Chromium's default has been 'relaxed' since version 121, where a power loss in
    // the seconds after a save shown as done could still lose it. The flush overlaps the
    // caller's `whileCommitting` work, so it costs the save next to nothing.
    const tx = idb.transaction(['entries', 'outbox', 'meta'], 'readwrite', { durability: 'strict' });
    let seqs: number[] | null = null;
    let last = 0;
    let thrown: unknown = null;
    tx.oncomplete = () => resolve(seqs!);
    // A request's error (quota, constraint) aborts the transaction; `tx.error` names it.
    tx.onabort = () => reject(thrown ?? tx.error ?? new DOMException('The save was aborted.', 'AbortError'));
    const entryStore = tx.objectStore('entries');
    const outbox = tx.objectStore('outbox');
    const meta = tx.objectStore('meta');
    const counter: IDBRequest<MetaRow | undefined> = meta.get(OUTBOX_SEQ_KEY);
    const existing: IDBRequest<EntryRow | undefined>[] = new Array(entries.length);
    // Any error thrown here (e.g. a value that cannot be cloned) aborts: nothing may stay.
    const step = (work: () => void) => () => {
      try {
        work();
      } catch (e) {
        thrown = e;
        tx.abort();
      }
    };

    // Results arrive in request order: when a slice's last read has succeeded, all have.
    const read = (from: number) => {
      const to = Math.min(entries.length, from + SLICE);
      for (let i = from; i < to; i++) existing[i] = entryStore.get(entries[i].id);
      (existing[to - 1] ?? counter).onsuccess = step(() => (to < entries.length ? read(to) : decide()));
    };

    const decide = () => {
      if (basedOn) {
        // Read in this transaction, so nothing can change it between the look and the write.
        const stored = existing[0]?.result;
        if (!stored || !sameContent(stripRow(stored), basedOn)) throw new ChangedElsewhere(stored ? stripRow(stored) : null);
      }
      last = (counter.result?.value as number | undefined) ?? 0;
      seqs = entries.map((_, i) => last + 1 + i);
      write(0);
    };

    const write = (from: number) => {
      const to = Math.min(entries.length, from + SLICE);
      let lastWrite: IDBRequest | null = null;
      for (let i = from; i < to; i++) {
        const entry = entries[i];
        const before = existing[i].result;
        const version = before?.serverVersion;
        // The receipt goes (this change is not answered yet); what the server holds stays.
        entryStore.put({
          ...entry,
          ...(version === undefined ? {} : { serverVersion: version }),
          ...(before?.onServer || onServer.has(entry.id) ? { onServer: true } : {}),
        } satisfies EntryRow);
        lastWrite = outbox.add({ seq: seqs![i], baseVersion: version ?? 0, entry } satisfies OutboxRow);
      }
      if (to < entries.length) {
        lastWrite!.onsuccess = step(() => write(to));
        return;
      }
      meta.put({ key: OUTBOX_SEQ_KEY, value: last + entries.length } satisfies MetaRow);
      for (const key of deleteMeta) meta.delete(key);
      // Nothing more to ask: let the commit start now rather than when this task ends.
      tx.commit?.();
      try {
        whileCommitting?.();
      } catch (e) {
        console.error(e);
      }
    };

    step(() => read(0))();
  });
}

/** An edit's save refused: the stored entry changed since the form was loaded. */
class ChangedElsewhere extends Error {
  constructor(readonly current: ActivityEntry | null) {
    super('the entry changed since the edit began');
    this.name = 'ChangedElsewhere';
  }
}

/**
 * Tells Dexie's live queries (in this tab, and through Dexie's broadcast in others)
 * which rows a plain IndexedDB write changed, as Dexie does after its own writes. The
 * database is opened with Dexie's query cache off (db.ts), so a re-run reads fresh rows.
 */
function announceWrite(db: LaporDb, entryIds: readonly string[], seqs: readonly number[], metaKeys: readonly string[]): void {
  const parts: Record<string, RangeSet> = {};
  const base = `idb://${db.name}`;
  const keys = { entries: entryIds, outbox: seqs, meta: metaKeys } as const;
  for (const table of [db.entries, db.outbox, db.meta]) {
    const name = table.name as keyof typeof keys;
    parts[`${base}/${name}/`] = new RangeSet().addKeys([...keys[name]]);
    parts[`${base}/${name}/:dels`] = new RangeSet().addKeys([...keys[name]]);
    // Secondary indexes: their old and new keys are not at hand, so all of them.
    for (const index of table.schema.indexes) parts[`${base}/${name}/${index.name}`] = new RangeSet(Dexie.minKey, Dexie.maxKey);
  }
  Dexie.on('storagemutated').fire(parts);
}

export type DeleteResult =
  | SaveResult
  /** The server never received the entry: it is gone from the phone with its queued changes; `entry` is what it was. */
  | { ok: true; entry: ActivityEntry; discarded: true };

export interface DeleteOptions {
  /** The sync lock, taken only if free now (sync.ts's `lockIfAvailable` by default; tests pass their own). */
  tryLock?: TryLockFn;
}

/**
 * Deletes an entry. One the server may hold becomes a tombstone: it stays, stops counting,
 * and reaches the server. One the server never received "is deleted on the phone alone,
 * without a push" (SYNC-PROTOCOL.md, "Push"): its row and its queued changes go in one
 * transaction, so what was typed (perhaps personal data, by mistake) never leaves the phone.
 */
export async function deleteEntry(db: LaporDb, id: string, now: Date, options: DeleteOptions = {}): Promise<DeleteResult> {
  const row = await db.entries.get(id);
  if (!row) return { ok: false, reason: 'missing' };
  if (!mayBeOnServer(row)) {
    // Under the sync lock no push is in flight. If a sync holds it, the entry may be in the
    // batch on its way: only a tombstone is sure to delete it on the server too.
    const tryLock = options.tryLock ?? lockIfAvailable(db);
    const taken = await tryLock(() => discardIfNeverSent(db, id, now));
    if (taken.ran && taken.value) return { ok: true, entry: taken.value, discarded: true };
  }
  return writeTombstone(db, id, now);
}

/**
 * Undoes a delete: a tombstone lives again (another mutation). An entry deleted on the
 * phone alone has no row left; given its content (`deleteEntry`'s `entry`, or the list's
 * copy), it is saved again, queued as new.
 */
export async function restoreEntry(db: LaporDb, entry: ActivityEntry | string, now: Date): Promise<SaveResult> {
  const id = typeof entry === 'string' ? entry : entry.id;
  const row = await db.entries.get(id);
  if (row) return saveEntry(db, { ...stripRow(row), deleted: false, updatedAt: now.toISOString() });
  if (typeof entry === 'string') return { ok: false, reason: 'missing' };
  return saveEntry(db, { ...entry, deleted: false, updatedAt: now.toISOString() });
}

async function writeTombstone(db: LaporDb, id: string, now: Date): Promise<SaveResult> {
  // Read again: the row may have changed while the sync lock was tried.
  const row = await db.entries.get(id);
  if (!row) return { ok: false, reason: 'missing' };
  return saveEntry(db, { ...stripRow(row), deleted: true, updatedAt: now.toISOString() });
}

/**
 * True when the server may hold some write of the entry, whatever its outbox says: it
 * told the phone a version (`serverVersion`), or that it holds one (`onServer`: a
 * `duplicate` answer, a copy kept back by a newer edit, a restored backup). A `rejected`
 * answer stores nothing.
 */
function mayBeOnServer(row: SyncedRow): boolean {
  return row.serverVersion !== undefined || row.onServer === true;
}

/**
 * Removes an entry the server cannot have, with its outbox rows, in one transaction; returns
 * what it was, or null (and changes nothing) when the server may hold it. Call it holding
 * the sync lock, so no push is on its way.
 *
 * The server cannot have it when it never answered with a version of it (`mayBeOnServer`)
 * and none of its queued mutations was ever put in a push request: each is above the
 * highest seq sent (`sentThrough`, raised as each batch is read, whether or not an answer
 * came), nor sent while storage was full (`noteSentUnstored`). A mutation sent and answered
 * is gone from the outbox, and its answer left its mark on the row unless it was
 * `rejected`, which stores nothing.
 *
 * The freed seqs stay a gap: the next push meets it as `409 seq_gap` and the engine
 * renumbers from the server's expected seq. The counter moves on by one (a seq no
 * mutation takes), as with every entry write: the app re-reads its rows for the KPI card
 * when it moves.
 */
async function discardIfNeverSent(db: LaporDb, id: string, now: Date): Promise<ActivityEntry | null> {
  return db.transaction('rw', db.entries, db.outbox, db.meta, async () => {
    const [row, queued, sent, last] = await Promise.all([
      db.entries.get(id) as Promise<SyncedRow | undefined>,
      db.outbox.filter((m) => m.entry.id === id).toArray(),
      sentThrough(db),
      lastOutboxSeq(db),
    ]);
    if (!row || mayBeOnServer(row) || queued.some((m) => m.seq <= sent) || sentUnmarked.get(db)?.has(id)) return null;
    await Promise.all([
      db.entries.delete(id),
      db.outbox.bulkDelete(queued.map((m) => m.seq)),
      db.meta.put({ key: OUTBOX_SEQ_KEY, value: last + 1 } satisfies MetaRow),
      // Its photos stay a while for the list's undo, which holds the only copy (photos.ts `sweepPhotos`).
      ...(row.attachments?.length
        ? [db.meta.put({ key: `${DISCARDED_PHOTOS_PREFIX}${id}`, value: { at: now.toISOString(), ids: row.attachments.map((a) => a.id) } })]
        : []),
    ]);
    return stripRow(row);
  });
}

/** Meta rows `discardedPhotos:<entry id>` → `{ at, ids }`: the photos of an entry deleted on the phone alone. */
export const DISCARDED_PHOTOS_PREFIX = 'discardedPhotos:';

/** The entry without the phone's bookkeeping (server version, sync receipt): what backups and edits carry. */
export function stripRow(row: EntryRow): ActivityEntry {
  const { serverVersion: _version, receipt: _receipt, onServer: _onServer, ...entry } = row as EntryRow & { receipt?: unknown };
  return entry;
}

/**
 * The entry moved to library `libraryId` as a new one there: without the bookkeeping of
 * the library it leaves (its server version, receipt). Enrolment moves the phone's earlier
 * entries with it; a backup import, those of another phone's unenrolled library.
 */
export function moveToLibrary(row: EntryRow, libraryId: string): ActivityEntry {
  return { ...stripRow(row), libraryId };
}

/**
 * The row moved to library `libraryId` (`moveToLibrary`), still marked `onServer` when
 * some server holds a write of it: a delete then stays a tombstone, never done on the
 * phone alone, should the phone come back to that server's library.
 */
export function movedRow(row: EntryRow, libraryId: string): EntryRow {
  const moved = moveToLibrary(row, libraryId);
  return row.serverVersion !== undefined || row.onServer ? { ...moved, onServer: true } : moved;
}

/** One entry by id, or undefined. */
export async function getEntry(db: LaporDb, id: string): Promise<ActivityEntry | undefined> {
  const row = await db.entries.get(id);
  return row && stripRow(row);
}

/** Every stored row in no particular order, for the KPI engine (which skips tombstones itself). */
export function allEntryRows(db: LaporDb): Promise<EntryRow[]> {
  return db.entries.toArray();
}

/** Every stored entry, tombstones included, newest activity date first. */
export async function listEntries(db: LaporDb): Promise<ActivityEntry[]> {
  return newestFirst(await db.entries.toArray());
}

/** Rows as entries, newest activity date first; the same date, the one created last first. */
export function newestFirst(rows: EntryRow[]): ActivityEntry[] {
  return rows
    .map(stripRow)
    .sort((a, b) => (a.date === b.date ? cmp(b.createdAt, a.createdAt) : cmp(b.date, a.date)));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Live entries (not deleted) with the same strategy, type and date: a likely duplicate. */
export async function findLikelyDuplicates(
  db: LaporDb,
  e: Pick<ActivityEntry, 'id' | 'strategy' | 'activityType' | 'date'>,
): Promise<ActivityEntry[]> {
  const rows = await db.entries
    .where('[strategy+activityType+date]')
    .equals([e.strategy, e.activityType, e.date])
    .toArray();
  return rows.filter((r) => !r.deleted && r.id !== e.id).map(stripRow);
}

/** The mutations waiting for the server, in seq order. */
export function pendingMutations(db: LaporDb) {
  return db.outbox.orderBy('seq').toArray();
}
