/**
 * Writing what the server answered (DESIGN.md, "The way an entry travels"): each answer
 * is applied in one Dexie transaction, after its fetch has finished — never a network
 * call inside a transaction.
 *
 * The conflict rule on the phone: an entry with a mutation still in the outbox is not
 * overwritten by a remote copy unless that copy was updated later (the server will then
 * prefer it too, and say so with `superseded`); an entry is never taken back to an
 * older version than the one the phone already holds.
 */
import type { ActivityEntry, PushResponse, PushResult } from '../domain';
import type { LaporDb, OutboxRow } from './db';
import { lastOutboxSeq, movedRow, moveToLibrary, OUTBOX_SEQ_KEY, SENT_THROUGH_KEY, sentThrough, stripRow } from './entries';
import { sameContent, sameEntry } from '../domain';
import type { Receipt, SyncedRow } from './sync-state';

/**
 * Which entries have mutations waiting, kept in memory for one sync run. Only code holding
 * the sync lock removes or renumbers outbox rows — the engine, and a delete on the phone
 * alone, which takes the lock only when no sync holds it; everyone else only appends, so
 * during a sync, rows above the highest seq seen are all that can be new.
 */
export class OutboxIndex {
  private byEntry = new Map<string, Set<number>>();
  private maxSeq = 0;

  /** Reads the rows appended since the last look; call inside the transaction that relies on it. */
  async refresh(db: LaporDb): Promise<void> {
    const rows = await db.outbox.where('seq').above(this.maxSeq).toArray();
    for (const r of rows) this.add(r);
  }

  add(r: OutboxRow): void {
    let set = this.byEntry.get(r.entry.id);
    if (!set) this.byEntry.set(r.entry.id, (set = new Set()));
    set.add(r.seq);
    if (r.seq > this.maxSeq) this.maxSeq = r.seq;
  }

  remove(r: OutboxRow): void {
    const set = this.byEntry.get(r.entry.id);
    set?.delete(r.seq);
    if (set?.size === 0) this.byEntry.delete(r.entry.id);
  }

  has(entryId: string): boolean {
    return this.byEntry.has(entryId);
  }

  seqsOf(entryId: string): number[] {
    return [...(this.byEntry.get(entryId) ?? [])];
  }

  clear(): void {
    this.byEntry.clear();
    this.maxSeq = 0;
  }
}

/** The entry without the phone's bookkeeping (server version, receipt). */
export function plainEntry(row: SyncedRow): ActivityEntry {
  return stripRow(row);
}

/**
 * The row after the server's copy of an entry (at `version`) meets the phone's, or null
 * when the phone's row stays as it is.
 */
export function mergeRemote(
  row: SyncedRow | undefined,
  remote: ActivityEntry,
  version: number,
  status: Receipt['status'],
  pending: boolean,
  at: string,
): SyncedRow | null {
  if (row?.serverVersion !== undefined && row.serverVersion > version) return null;
  // A local change not yet sent wins over a copy that is not newer; the push decides.
  if (row && pending && !(remote.updatedAt > row.updatedAt)) return null;
  const same = row !== undefined && sameEntry(plainEntry(row), remote);
  if (same && row.serverVersion === version) return null;
  // The phone's own write coming back is not "updated from another device": the same
  // content, or the very version the server acknowledged to this phone, whose copy can
  // differ (an `updatedAt` ahead of the server's clock is stored clamped). The server's
  // copy is the truth, so it is taken either way.
  const receipt: Receipt = same || isOwnWrite(row, version, remote)
    ? { status: 'applied', version, at: row?.receipt?.at ?? at }
    : { status, version, at, ...(row === undefined ? { arrived: true as const } : {}) };
  return { ...remote, serverVersion: version, receipt };
}

/**
 * True when `version` is the write the server applied for this phone: its receipt says so,
 * or — the first answer lost — a `duplicate` receipt at that version, and the copy differs
 * from the phone's row in its time alone (the clamped copy of this phone's write).
 */
function isOwnWrite(row: SyncedRow | undefined, version: number, remote: ActivityEntry): boolean {
  const receipt = row?.receipt;
  if (receipt?.version !== version) return false;
  return receipt.status === 'applied' || (receipt.status === 'duplicate' && sameContent(plainEntry(row!), remote));
}

export interface AckSummary {
  /** The batch's mutations the server acknowledged (each deleted unless its seq now holds another). */
  acked: number;
  applied: number;
  duplicate: number;
  rejected: number;
  superseded: number;
  /** True when the server had processed seqs past this batch, so the rest of the outbox was renumbered. */
  renumbered: boolean;
}

/**
 * True when a push answer can be believed (SYNC-PROTOCOL.md, "Push"): a result for each
 * mutation sent up to `ackSeq`, about that mutation's entry, and none for any other seq;
 * an `ackSeq` beyond the batch only with every result `duplicate` — the server had
 * processed them all before (an outbox behind the server), the one way past the batch.
 * Anything else is not the server's answer (a proxy's, a cache's): acknowledging a
 * mutation without its result would drop it from the outbox while the server never had it.
 */
export function pushAnswerFits(batch: readonly OutboxRow[], answer: PushResponse): boolean {
  const sent = new Map(batch.map((m) => [m.seq, m.entry.id]));
  const beyond = answer.ackSeq > batch[batch.length - 1].seq;
  const answered = new Set<number>();
  for (const r of answer.results) {
    if (sent.get(r.seq) !== r.entryId || r.seq > answer.ackSeq || answered.has(r.seq)) return false;
    if (beyond && r.status !== 'duplicate') return false;
    answered.add(r.seq);
  }
  return batch.every((m) => m.seq > answer.ackSeq || answered.has(m.seq));
}

/**
 * Applies one push answer: deletes the batch's acknowledged rows, stores a receipt per
 * entry, the winner of each lost conflict, and rebases later mutations of an applied
 * entry onto its new version — in one transaction. An acknowledged seq whose row is no
 * longer the mutation sent (same entry, same `updatedAt` and body) is left alone, row and
 * entry: the answer is about a write this outbox no longer holds. An answer that does not
 * fit the batch (`pushAnswerFits`) changes nothing (the summary acknowledges nothing).
 */
export async function applyPushAnswer(
  db: LaporDb,
  index: OutboxIndex,
  batch: readonly OutboxRow[],
  answer: PushResponse,
  serverTime: Date,
): Promise<AckSummary> {
  const at = serverTime.toISOString();
  const summary: AckSummary = { acked: 0, applied: 0, duplicate: 0, rejected: 0, superseded: 0, renumbered: false };
  if (!pushAnswerFits(batch, answer)) return summary;
  await db.transaction('rw', db.entries, db.outbox, db.meta, async () => {
    await index.refresh(db);
    const last = batch[batch.length - 1].seq;
    const ackTo = Math.min(answer.ackSeq, last);
    const sentAcked = batch.filter((m) => m.seq <= ackTo);
    summary.acked = sentAcked.length;
    // Only a row that is still the mutation sent is done: a seq can have been given to
    // another one meanwhile (an outbox rebuilt by an enrolment), which must stay queued.
    const stored = await db.outbox.bulkGet(sentAcked.map((m) => m.seq));
    const acked = sentAcked.filter((m, i) => sameMutation(stored[i], m));
    for (const m of acked) index.remove(m);
    const bySeq = new Map(acked.map((m) => [m.seq, m]));
    const results = [...answer.results].sort((a, b) => a.seq - b.seq);
    const ids = [...new Set(acked.map((m) => m.entry.id))];
    const [rows] = await Promise.all([
      db.entries.bulkGet(ids) as Promise<(SyncedRow | undefined)[]>,
      db.outbox.bulkDelete(acked.map((m) => m.seq)),
    ]);
    const current = new Map<string, SyncedRow | undefined>(ids.map((id, i) => [id, rows[i]]));
    const changed = new Set<string>();
    const rebase = new Map<number, number>();
    const resend: OutboxRow[] = [];
    for (const r of results) {
      const m = bySeq.get(r.seq);
      if (!m || r.seq > ackTo) continue;
      const id = m.entry.id;
      if (notStored(r, m) && !index.has(id)) {
        // Sent before, its answer lost, and the server did not store it: it was rejected. Sent
        // again under a new seq, the server checks it afresh and says why (or, its day
        // having come, stores it); shown as waiting meanwhile, never as sent.
        summary.duplicate++;
        const row = current.get(id);
        resend.push({ seq: 0, baseVersion: row?.serverVersion ?? m.baseVersion, entry: m.entry });
        if (row) {
          const { receipt: _answered, ...waiting } = row;
          current.set(id, waiting);
          changed.add(id);
        }
        continue;
      }
      const next = applyResult(current.get(id), r, index, rebase, at, id);
      summary[r.status]++;
      if (next) {
        current.set(id, next);
        changed.add(id);
      }
    }
    const writes: Promise<unknown>[] = [db.entries.bulkPut([...changed].map((id) => current.get(id)!))];
    if (rebase.size > 0) {
      const seqs = [...rebase.keys()];
      const pending = await db.outbox.bulkGet(seqs);
      writes.push(
        db.outbox.bulkPut(pending.filter((p): p is OutboxRow => !!p).map((p) => ({ ...p, baseVersion: rebase.get(p.seq)! }))),
      );
    }
    if (resend.length > 0) writes.push(queueAgain(db, index, resend));
    await Promise.all(writes);
    if (answer.ackSeq > last) {
      // The server has processed seqs this phone has not sent yet (its outbox was restored
      // from an older state): send the rest under new numbers, or they would be skipped.
      await renumberInTransaction(db, answer.ackSeq + 1);
      index.clear();
      await index.refresh(db);
      summary.renumbered = true;
    }
  });
  return summary;
}

/**
 * A `duplicate` answer to a write the server does not hold: no version (the entry was never
 * stored), or the very version the write was based on (nothing was stored since the phone
 * saw it, so neither this write nor a rival was). A processed write that was not stored was
 * rejected — SYNC-PROTOCOL.md gives a duplicate no errors, so the phone must ask again.
 */
function notStored(r: PushResult, sent: OutboxRow): boolean {
  return r.status === 'duplicate' && (r.version === undefined || (sent.baseVersion > 0 && r.version === sent.baseVersion));
}

/** Appends `rows` to the outbox under the next seqs (inside the caller's transaction). */
async function queueAgain(db: LaporDb, index: OutboxIndex, rows: OutboxRow[]): Promise<void> {
  const last = await lastOutboxSeq(db);
  const queued = rows.map((r, i) => ({ ...r, seq: last + 1 + i }));
  await Promise.all([db.outbox.bulkAdd(queued), db.meta.put({ key: OUTBOX_SEQ_KEY, value: last + queued.length })]);
  for (const r of queued) index.add(r);
}

/** True when outbox row `row` is still mutation `sent`: the same entry at the same write. */
function sameMutation(row: OutboxRow | undefined, sent: OutboxRow): boolean {
  return row !== undefined && row.entry.id === sent.entry.id && sameEntry(row.entry, sent.entry);
}

function applyResult(
  row: SyncedRow | undefined,
  r: PushResult,
  index: OutboxIndex,
  rebase: Map<number, number>,
  at: string,
  id: string,
): SyncedRow | null {
  switch (r.status) {
    case 'applied':
      // Later edits of this entry were made on top of this write.
      for (const seq of index.seqsOf(id)) rebase.set(seq, r.version);
      if (!row) return null;
      return {
        ...row,
        serverVersion: Math.max(row.serverVersion ?? 0, r.version),
        receipt: { status: 'applied', version: r.version, at },
      };
    case 'duplicate':
      // Its version may be a later write by another device: the pull brings that one. With
      // a version, the server holds the entry, whatever answers come after (`onServer`).
      if (!row) return null;
      return { ...row, ...(r.version !== undefined ? { onServer: true as const } : {}), receipt: { status: 'duplicate', version: r.version, at } };
    case 'rejected':
      return row ? { ...row, receipt: { status: 'rejected', errors: r.errors, at } } : null;
    case 'superseded':
      return mergeRemote(row, r.entry, r.version, 'superseded', index.has(id), at) ?? markHeld(row);
  }
}

/**
 * The row marked `onServer` when the server showed a version of it that the phone did not
 * take (a newer edit of its own waits to be sent), and nothing else on the row says the
 * server holds it; null when nothing needs writing.
 */
function markHeld(row: SyncedRow | undefined): SyncedRow | null {
  return row && row.serverVersion === undefined && !row.onServer ? { ...row, onServer: true } : null;
}

/** Renumbers the outbox from `from` (after `seq_gap`), keeping the order; sets the counter. */
export async function renumberOutbox(db: LaporDb, from: number): Promise<void> {
  await db.transaction('rw', db.outbox, db.meta, () => renumberInTransaction(db, from));
}

async function renumberInTransaction(db: LaporDb, from: number): Promise<void> {
  const [rows, sent] = await Promise.all([db.outbox.orderBy('seq').toArray(), sentThrough(db)]);
  await db.outbox.clear();
  // The rows once put in a request (a prefix, in seq order) count as sent under their new
  // seqs too: a request timed out on the phone may still be applied by the server.
  const wasSent = rows.filter((r) => r.seq <= sent).length;
  await Promise.all([
    db.outbox.bulkAdd(rows.map((r, i) => ({ ...r, seq: from + i }))),
    db.meta.put({ key: OUTBOX_SEQ_KEY, value: from + rows.length - 1 }),
    db.meta.put({ key: SENT_THROUGH_KEY, value: from - 1 + wasSent }),
  ]);
}

/** Applies one pull page and its cursor in one transaction; returns how many rows changed. */
export async function applyPullPage(
  db: LaporDb,
  index: OutboxIndex,
  entries: readonly (ActivityEntry & { version: number })[],
  cursor: string,
  cursorKey: string,
  serverTime: Date,
): Promise<number> {
  const at = serverTime.toISOString();
  return db.transaction('rw', db.entries, db.outbox, db.meta, async () => {
    await index.refresh(db);
    const ids = [...new Set(entries.map((e) => e.id))];
    const rows = (await db.entries.bulkGet(ids)) as (SyncedRow | undefined)[];
    const current = new Map<string, SyncedRow | undefined>(ids.map((id, i) => [id, rows[i]]));
    const changed = new Set<string>();
    for (const pulled of entries) {
      const { version, ...entry } = pulled;
      const next = mergeRemote(current.get(entry.id), entry, version, 'pulled', index.has(entry.id), at) ?? markHeld(current.get(entry.id));
      if (next) {
        current.set(entry.id, next);
        changed.add(entry.id);
      }
    }
    // The cursor is written only when it moves: the app re-reads its rows when it does.
    const before = (await db.meta.get(cursorKey))?.value;
    await Promise.all([
      db.entries.bulkPut([...changed].map((id) => current.get(id)!)),
      before === cursor ? null : db.meta.put({ key: cursorKey, value: cursor }),
    ]);
    return changed.size;
  });
}

/**
 * Mutations queued under another library id (saved by a tab that had not seen the
 * enrolment yet) move to the enrolled library, entry rows too, so that one such entry
 * cannot stop the queue with `403 wrong_library`. Returns how many moved.
 */
export async function adoptStrays(db: LaporDb, libraryId: string): Promise<number> {
  return db.transaction('rw', db.entries, db.outbox, async () => {
    const stray = await db.outbox.filter((m) => m.entry.libraryId !== libraryId).toArray();
    if (stray.length === 0) return 0;
    const ids = [...new Set(stray.map((m) => m.entry.id))];
    const rows = (await db.entries.bulkGet(ids)) as (SyncedRow | undefined)[];
    await Promise.all([
      db.outbox.bulkPut(stray.map((m) => ({ ...m, baseVersion: 0, entry: moveToLibrary(m.entry, libraryId) }))),
      db.entries.bulkPut(
        rows.filter((r): r is SyncedRow => !!r && r.libraryId !== libraryId).map((r) => movedRow(r, libraryId)),
      ),
    ]);
    return stray.length;
  });
}
