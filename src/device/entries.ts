/**
 * Writing entries: every save, edit, delete or undo writes the entry *and* its outbox
 * mutation `{ seq, baseVersion, entry }` in one transaction, with the next `seq` from
 * a counter kept in `meta`. IndexedDB runs read-write transactions on the same stores
 * one at a time, so concurrent saves get consecutive seqs with no gap, and a failed
 * write leaves neither the entry nor its mutation behind.
 */
import { activityEntrySchema, type ActivityEntry, type FieldError } from '../domain';
import { isQuotaError, type EntryRow, type LaporDb } from './db';

const SEQ_KEY = 'outboxSeq';

export type SaveResult =
  | { ok: true; entry: ActivityEntry; seq: number }
  | { ok: false; reason: 'invalid'; errors: FieldError[] }
  | { ok: false; reason: 'quota' }
  | { ok: false; reason: 'missing' };

/** The last outbox `seq` handed out (0 before the first write); it moves with every entry write. */
export async function lastOutboxSeq(db: LaporDb): Promise<number> {
  return ((await db.meta.get(SEQ_KEY))?.value as number | undefined) ?? 0;
}

/**
 * Stores `entry` (new or edited) and queues it for the server. The entry is checked
 * against the context-free schema here too: the outbox must never hold a malformed row.
 */
export async function saveEntry(db: LaporDb, entry: ActivityEntry): Promise<SaveResult> {
  const parsed = activityEntrySchema.safeParse(entry);
  if (!parsed.success) {
    return {
      ok: false,
      reason: 'invalid',
      errors: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    };
  }
  try {
    const seq = await writeEntries(db, [parsed.data]);
    return { ok: true, entry: parsed.data, seq: seq[0] };
  } catch (e) {
    if (isQuotaError(e)) return { ok: false, reason: 'quota' };
    throw e;
  }
}

/**
 * Writes entries and one mutation each in a single transaction; returns their seqs.
 * An existing row keeps its `serverVersion`, which becomes the mutation's `baseVersion`.
 */
export async function writeEntries(db: LaporDb, entries: readonly ActivityEntry[]): Promise<number[]> {
  return db.transaction('rw', db.entries, db.outbox, db.meta, async () => {
    // Requests are issued together, not one after another: each await is a round trip
    // to the browser's storage process, which a slow phone feels on every save.
    const [last, existing] = await Promise.all([lastOutboxSeq(db), db.entries.bulkGet(entries.map((e) => e.id))]);
    const rows: EntryRow[] = entries.map((e, i) => {
      const version = existing[i]?.serverVersion;
      return version === undefined ? { ...e } : { ...e, serverVersion: version };
    });
    const seqs = entries.map((_, i) => last + 1 + i);
    await Promise.all([
      db.entries.bulkPut(rows),
      db.outbox.bulkAdd(entries.map((entry, i) => ({ seq: seqs[i], baseVersion: existing[i]?.serverVersion ?? 0, entry }))),
      db.meta.put({ key: SEQ_KEY, value: last + entries.length }),
    ]);
    return seqs;
  });
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

/** The entry without the phone's bookkeeping. */
export function stripRow(row: EntryRow): ActivityEntry {
  const { serverVersion: _ignored, ...entry } = row;
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
