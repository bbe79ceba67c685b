/**
 * Writing entries: every save, edit, delete or undo writes the entry *and* its outbox
 * mutation `{ seq, baseVersion, entry }` in one transaction, with the next `seq` from
 * a counter kept in `meta`. IndexedDB runs read-write transactions on the same stores
 * one at a time, so concurrent saves get consecutive seqs with no gap, and a failed
 * write leaves neither the entry nor its mutation behind.
 */
import { activityEntrySchema, type ActivityEntry, type FieldError } from '../domain';
import { Dexie, RangeSet } from 'dexie';
import { isQuotaError, type EntryRow, type LaporDb, type MetaRow, type OutboxRow } from './db';
import { draftKey } from './meta';

/** The meta row holding the last outbox seq handed out (the sync engine renumbers it on seq_gap). */
export const OUTBOX_SEQ_KEY = 'outboxSeq';

export type SaveResult =
  | { ok: true; entry: ActivityEntry; seq: number }
  | { ok: false; reason: 'invalid'; errors: FieldError[] }
  | { ok: false; reason: 'quota' }
  | { ok: false; reason: 'missing' };

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
}

/**
 * Stores `entry` (new or edited) and queues it for the server. The entry is checked
 * against the context-free schema here too: the outbox must never hold a malformed row.
 * Resolves once the transaction has completed.
 */
export async function saveEntry(db: LaporDb, entry: ActivityEntry, options: SaveOptions = {}): Promise<SaveResult> {
  const parsed = activityEntrySchema.safeParse(entry);
  if (!parsed.success) {
    return {
      ok: false,
      reason: 'invalid',
      errors: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    };
  }
  try {
    const drafts = options.draft === undefined ? [] : [draftKey(options.draft)];
    const seq = await writeEntries(db, [parsed.data], drafts, options.whileCommitting);
    return { ok: true, entry: parsed.data, seq: seq[0] };
  } catch (e) {
    if (isQuotaError(e)) return { ok: false, reason: 'quota' };
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
): Promise<number[]> {
  if (entries.length === 0 && deleteMeta.length === 0) return [];
  // Inside a Dexie transaction on these stores, this transaction would wait for it forever.
  if (Dexie.currentTransaction) throw new Error('writeEntries and saveEntry run their own transaction: call them outside db.transaction()');
  let idb = await nativeDb(db);
  let seqs: number[];
  try {
    seqs = await writeInTransaction(idb, entries, deleteMeta, whileCommitting);
  } catch (e) {
    // The connection was closed under us (a newer version opened elsewhere): reopen once.
    if ((e as { name?: string })?.name !== 'InvalidStateError') throw e;
    idb = await nativeDb(db, true);
    seqs = await writeInTransaction(idb, entries, deleteMeta, whileCommitting);
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

function writeInTransaction(
  idb: IDBDatabase,
  entries: readonly ActivityEntry[],
  deleteMeta: readonly string[],
  whileCommitting?: () => void,
): Promise<number[]> {
  return new Promise((resolve, reject) => {
    // 'strict': `complete` (and so the save) waits until the OS has flushed the write to
    // disk. Chromium's default has been 'relaxed' since version 121, where a power loss in
    // the seconds after a save shown as done could still lose it. The flush overlaps the
    // caller's `whileCommitting` work, so it costs the save next to nothing.
    const tx = idb.transaction(['entries', 'outbox', 'meta'], 'readwrite', { durability: 'strict' });
    let seqs: number[] | null = null;
    let thrown: unknown = null;
    tx.oncomplete = () => resolve(seqs!);
    // A request's error (quota, constraint) aborts the transaction; `tx.error` names it.
    tx.onabort = () => reject(thrown ?? tx.error ?? new DOMException('The save was aborted.', 'AbortError'));
    const entryStore = tx.objectStore('entries');
    const outbox = tx.objectStore('outbox');
    const meta = tx.objectStore('meta');
    const counter: IDBRequest<MetaRow | undefined> = meta.get(OUTBOX_SEQ_KEY);
    const existing: IDBRequest<EntryRow | undefined>[] = entries.map((e) => entryStore.get(e.id));
    // Results arrive in request order: when the last read has succeeded, all have.
    (existing[existing.length - 1] ?? counter).onsuccess = () => {
      try {
        const last = (counter.result?.value as number | undefined) ?? 0;
        seqs = entries.map((_, i) => last + 1 + i);
        entries.forEach((entry, i) => {
          const version = existing[i].result?.serverVersion;
          entryStore.put(version === undefined ? { ...entry } : { ...entry, serverVersion: version });
          outbox.add({ seq: seqs![i], baseVersion: version ?? 0, entry } satisfies OutboxRow);
        });
        meta.put({ key: OUTBOX_SEQ_KEY, value: last + entries.length } satisfies MetaRow);
        for (const key of deleteMeta) meta.delete(key);
      } catch (e) {
        // E.g. a value that cannot be cloned: nothing of this transaction may stay.
        thrown = e;
        tx.abort();
        return;
      }
      // Nothing more to ask: let the commit start now rather than when this task ends.
      tx.commit?.();
      try {
        whileCommitting?.();
      } catch (e) {
        console.error(e);
      }
    };
  });
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

/** Marks an entry deleted (a tombstone: it stays, stops counting, and reaches the server). */
export function deleteEntry(db: LaporDb, id: string, now: Date): Promise<SaveResult> {
  return setDeleted(db, id, true, now);
}

/** Undoes a delete. */
export function restoreEntry(db: LaporDb, id: string, now: Date): Promise<SaveResult> {
  return setDeleted(db, id, false, now);
}

async function setDeleted(db: LaporDb, id: string, deleted: boolean, now: Date): Promise<SaveResult> {
  const row = await db.entries.get(id);
  if (!row) return { ok: false, reason: 'missing' };
  return saveEntry(db, { ...stripRow(row), deleted, updatedAt: now.toISOString() });
}

/** The entry without the phone's bookkeeping (server version, sync receipt): what backups and edits carry. */
export function stripRow(row: EntryRow): ActivityEntry {
  const { serverVersion: _version, receipt: _receipt, ...entry } = row as EntryRow & { receipt?: unknown };
  return entry;
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
  const rows = await db.entries.toArray();
  // Same date: the one created last first.
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
