import { describe, expect, it } from 'vitest';
import {
  deleteEntry,
  findLikelyDuplicates,
  getDraft,
  getEntry,
  lastOutboxSeq,
  listEntries,
  noteSent,
  renumberOutbox,
  sentThrough,
  pendingMutations,
  restoreEntry,
  saveEntry,
  setDraft,
  EMPTY_SYNC_STATE,
  ENROLMENT_KEY,
  SYNC_STATE_KEY,
  type LaporDb,
  type TryLockFn,
} from '../../src/device';
import { writeEntries } from '../../src/device/entries';
import { entry, freshDb, NOW } from './helpers';

describe('saveEntry', () => {
  it('stores the entry and queues one mutation with seq 1 and baseVersion 0', async () => {
    const { db } = freshDb();
    const e = entry();
    const result = await saveEntry(db, e);
    expect(result).toMatchObject({ ok: true, seq: 1 });
    expect(await getEntry(db, e.id)).toEqual(e);
    expect(await pendingMutations(db)).toEqual([{ seq: 1, baseVersion: 0, entry: e }]);
  });

  it('stores an edit as a new mutation and keeps one row', async () => {
    const { db } = freshDb();
    const e = entry();
    await saveEntry(db, e);
    const edited = { ...e, title: 'Kelas membaca anak-anak', updatedAt: new Date(NOW.getTime() + 60_000).toISOString() };
    await saveEntry(db, edited);
    expect(await db.entries.count()).toBe(1);
    expect((await getEntry(db, e.id))?.title).toBe('Kelas membaca anak-anak');
    expect((await pendingMutations(db)).map((m) => [m.seq, m.entry.title])).toEqual([
      [1, 'Kelas membaca anak'],
      [2, 'Kelas membaca anak-anak'],
    ]);
  });

  it('an edit begun before another edit or a delete of the same entry writes nothing and says so; a changed time alone is no change', async () => {
    const { db } = freshDb();
    const e = entry();
    await saveEntry(db, e);
    const later = (min: number) => new Date(NOW.getTime() + min * 60_000).toISOString();
    // Two tabs open the edit form on the same stored entry; tab A saves first.
    const loadedInBoth = (await getEntry(db, e.id))!;
    const fromA = { ...loadedInBoth, title: 'Judul dari tab A', updatedAt: later(1) };
    expect(await saveEntry(db, fromA, { basedOn: loadedInBoth })).toMatchObject({ ok: true, seq: 2 });
    const fromB = { ...loadedInBoth, location: 'Aula sekolah', updatedAt: later(2) };
    expect(await saveEntry(db, fromB, { basedOn: loadedInBoth })).toEqual({ ok: false, reason: 'changed', current: fromA });
    expect((await getEntry(db, e.id))?.title).toBe('Judul dari tab A');
    expect((await pendingMutations(db)).map((m) => m.seq)).toEqual([1, 2]);
    // Saved again on purpose, based on what is stored now: it goes through.
    expect(await saveEntry(db, fromB, { basedOn: fromA })).toMatchObject({ ok: true, seq: 3 });

    // Deleted in another tab while the form was open: not brought back silently.
    const beforeDelete = (await getEntry(db, e.id))!;
    await deleteEntry(db, e.id, new Date(NOW.getTime() + 3 * 60_000));
    const stale = await saveEntry(db, { ...beforeDelete, title: 'Masih diubah', updatedAt: later(4) }, { basedOn: beforeDelete });
    expect(stale).toMatchObject({ ok: false, reason: 'changed' });
    const current = (stale as { current: { deleted: boolean } | null }).current;
    expect(current === null || current.deleted).toBe(true);

    // Only the time differs (the server clamped a clock that ran ahead): the same contents.
    const other = entry({ id: '0190a1b2-c3d4-7e5f-8a6b-00000000beef' });
    await saveEntry(db, other);
    await db.entries.update(other.id, { updatedAt: later(-10) });
    expect(await saveEntry(db, { ...other, title: 'Judul diperbaiki', updatedAt: later(5) }, { basedOn: other })).toMatchObject({ ok: true });
  });

  it('uses the server version it last saw as baseVersion', async () => {
    const { db } = freshDb();
    const e = entry();
    await db.entries.put({ ...e, serverVersion: 42 });
    await saveEntry(db, { ...e, title: 'Judul baru' });
    const [m] = await pendingMutations(db);
    expect(m.baseVersion).toBe(42);
    expect((await db.entries.get(e.id))?.serverVersion).toBe(42);
  });

  it('refuses a malformed entry and writes nothing', async () => {
    const { db } = freshDb();
    const result = await saveEntry(db, entry({ title: 'x' }));
    expect(result).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await db.entries.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });

  it('reports a full disk as quota and keeps everything stored before, the draft too', async () => {
    const { db } = freshDb();
    const kept = entry();
    await saveEntry(db, kept);
    await setDraft(db, 'new', { title: 'Belum tersimpan' });
    const restore = failOutboxAdds(db, () => new DOMException('full', 'QuotaExceededError'));
    expect(await saveEntry(db, entry(), { draft: 'new' })).toEqual({ ok: false, reason: 'quota' });
    restore();
    expect((await listEntries(db)).map((e) => e.id)).toEqual([kept.id]);
    expect((await pendingMutations(db)).map((m) => m.seq)).toEqual([1]);
    expect(await getDraft(db, 'new')).toEqual({ title: 'Belum tersimpan' });
    expect(await saveEntry(db, entry())).toMatchObject({ ok: true, seq: 2 });
  });

  it('deletes the form draft in the same transaction as the entry', async () => {
    const { db } = freshDb();
    await setDraft(db, 'new', { title: 'Kelas membaca anak' });
    await setDraft(db, 'edit:x', { title: 'lain' });
    expect(await saveEntry(db, entry(), { draft: 'new' })).toMatchObject({ ok: true, seq: 1 });
    expect(await getDraft(db, 'new')).toBeNull();
    expect(await getDraft(db, 'edit:x')).toEqual({ title: 'lain' });
  });

  it('resolves only after the transaction has completed', async () => {
    const { db } = freshDb();
    const e = entry();
    const result = await saveEntry(db, e);
    expect(result.ok).toBe(true);
    // A read issued right after the save resolves must see the entry and its mutation.
    const tx = db.backendDB().transaction(['entries', 'outbox'], 'readonly');
    const [row, mutation] = await Promise.all(
      [tx.objectStore('entries').get(e.id), tx.objectStore('outbox').get(1)].map(
        (r) => new Promise((ok) => (r.onsuccess = () => ok(r.result))),
      ),
    );
    expect(row).toEqual(e);
    expect(mutation).toEqual({ seq: 1, baseVersion: 0, entry: e });
  });

  it('leaves nothing behind when a write throws', async () => {
    const { db } = freshDb();
    await db.open();
    const restore = failOutboxAdds(db, () => new DOMException('cannot clone', 'DataCloneError'));
    await expect(saveEntry(db, entry())).rejects.toMatchObject({ name: 'DataCloneError' });
    restore();
    expect(await db.entries.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    expect(await lastOutboxSeq(db)).toBe(0);
  });

  it('keeps seqs gap-free when saves interleave with Dexie transactions on the counter', async () => {
    const { db } = freshDb();
    // A Dexie read-write transaction on the same stores (as the sync engine's are) must
    // serialise with the plain IndexedDB saves, never interleave.
    const bump = () =>
      db.transaction('rw', db.outbox, db.meta, async () => {
        const last = await lastOutboxSeq(db);
        await db.meta.put({ key: 'outboxSeq', value: last });
      });
    const work = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? bump().then(() => null) : saveEntry(db, entry())));
    const results = await Promise.all(work);
    const seqs = results.flatMap((r) => (r && r.ok ? [r.seq] : [])).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await pendingMutations(db)).map((m) => m.seq)).toEqual(seqs);
  });

  it('gives concurrent saves consecutive seqs without gaps', async () => {
    const { db } = freshDb();
    const entries = Array.from({ length: 50 }, () => entry());
    const results = await Promise.all(entries.map((e) => saveEntry(db, e)));
    const seqs = results.map((r) => (r.ok ? r.seq : -1)).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect((await pendingMutations(db)).map((m) => m.seq)).toEqual(seqs);
  });

  it('keeps counting after acknowledged mutations are removed', async () => {
    const { db } = freshDb();
    await saveEntry(db, entry());
    await saveEntry(db, entry());
    await db.outbox.clear();
    expect(await saveEntry(db, entry())).toMatchObject({ ok: true, seq: 3 });
  });
});

describe('writeEntries, many at once (a restore)', () => {
  // More than two of its slices of 100: reads and writes issued from several callbacks, one transaction.
  const many = () => Array.from({ length: 250 }, () => entry());

  it('stores every entry and queues each with consecutive seqs after those before; a stored server version stays the base', async () => {
    const { db } = freshDb();
    const first = entry();
    await saveEntry(db, first);
    const batch = many();
    const known = batch[180];
    await saveEntry(db, known);
    await db.entries.update(known.id, { serverVersion: 5 } as never);
    const edited = batch.map((e) => (e.id === known.id ? { ...e, title: 'Diubah lewat cadangan' } : e));
    const seqs = await writeEntries(db, edited);
    expect(seqs).toEqual(Array.from({ length: 250 }, (_, i) => i + 3));
    expect(await lastOutboxSeq(db)).toBe(252);
    expect(await db.entries.count()).toBe(251);
    const queued = await pendingMutations(db);
    expect(queued.map((m) => m.seq)).toEqual(Array.from({ length: 252 }, (_, i) => i + 1));
    expect(queued.slice(2).map((m) => m.entry.id)).toEqual(edited.map((e) => e.id));
    expect(queued.find((m) => m.seq === 183)).toMatchObject({ baseVersion: 5, entry: { id: known.id, title: 'Diubah lewat cadangan' } });
    expect(await db.entries.get(known.id)).toMatchObject({ serverVersion: 5, title: 'Diubah lewat cadangan' });
  });

  it('issues its writes in slices, so that other tasks (the page) run between them', async () => {
    const { db } = freshDb();
    await db.open();
    let adds = 0;
    const restore = failOutboxAdds(db, () => new Error('never'), () => (adds++, false));
    // Samples the count of writes issued at each turn of the event loop while the batch is written.
    const seen = new Set<number>();
    let writing = true;
    const sample = () => {
      seen.add(adds);
      if (writing) setTimeout(sample, 0);
    };
    sample();
    await writeEntries(db, many());
    writing = false;
    restore();
    expect(adds).toBe(250);
    expect([...seen].filter((n) => n > 0 && n < 250).length).toBeGreaterThan(0);
  });

  it('all or nothing: a write failing in the last slice leaves no entry of the batch and no seq used', async () => {
    const { db } = freshDb();
    await saveEntry(db, entry());
    let adds = 0;
    const restore = failOutboxAdds(db, () => new DOMException('cannot clone', 'DataCloneError'), () => ++adds === 230);
    await expect(writeEntries(db, many())).rejects.toMatchObject({ name: 'DataCloneError' });
    restore();
    expect(adds).toBe(230);
    expect(await db.entries.count()).toBe(1);
    expect(await db.outbox.count()).toBe(1);
    expect(await lastOutboxSeq(db)).toBe(1);
    expect(await saveEntry(db, entry())).toMatchObject({ ok: true, seq: 2 });
  });
});

/** As after a sync: the server applied the entry's queued changes (acknowledged, so gone from the outbox). */
async function acknowledge(db: LaporDb, id: string, version = 1): Promise<void> {
  await db.outbox.filter((m) => m.entry.id === id).delete();
  await db.entries.update(id, { serverVersion: version, receipt: { status: 'applied', version, at: NOW.toISOString() } } as never);
}

/** Enrols the phone (as far as deleting cares) with its last sync begun at `lastAttemptAt`. */
async function enrolled(db: LaporDb, lastAttemptAt: Date | null): Promise<void> {
  await db.meta.bulkPut([
    { key: ENROLMENT_KEY, value: { deviceId: 'hp-1', token: 't', serverUrl: '', libraryId: 'perpus-sukamaju', enrolledAt: NOW.toISOString() } },
    { key: SYNC_STATE_KEY, value: { ...EMPTY_SYNC_STATE, lastAttemptAt: lastAttemptAt?.toISOString() ?? null } },
  ]);
}

const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const held: TryLockFn = async () => ({ ran: false });

describe('deleteEntry', () => {
  it('keeps a tombstone and queues it when the server has the entry', async () => {
    const { db } = freshDb();
    const e = entry();
    await saveEntry(db, e);
    await acknowledge(db, e.id);
    const later = new Date(NOW.getTime() + 3_600_000);
    expect(await deleteEntry(db, e.id, later)).toMatchObject({ ok: true, seq: 2 });
    const stored = await getEntry(db, e.id);
    expect(stored).toEqual({ ...e, deleted: true, updatedAt: later.toISOString() });
    const outbox = await pendingMutations(db);
    expect(outbox.map((m) => [m.baseVersion, m.entry.deleted])).toEqual([[1, true]]);
  });

  it('reports a missing entry', async () => {
    const { db } = freshDb();
    expect(await deleteEntry(db, entry().id, NOW)).toEqual({ ok: false, reason: 'missing' });
  });

  it('deletes an entry never sent on the phone alone: row and queued changes go, nothing is queued', async () => {
    const { db } = freshDb();
    const e = entry({ title: 'Data pribadi Ibu Sari' });
    const other = entry();
    await saveEntry(db, e);
    await saveEntry(db, other);
    await saveEntry(db, { ...e, title: 'Data pribadi Ibu Sari, NIK', updatedAt: at(1).toISOString() });
    const result = await deleteEntry(db, e.id, at(2));
    expect(result).toMatchObject({ ok: true, discarded: true, entry: { id: e.id, title: 'Data pribadi Ibu Sari, NIK', deleted: false } });
    expect(await getEntry(db, e.id)).toBeUndefined();
    expect((await pendingMutations(db)).map((m) => [m.seq, m.entry.id])).toEqual([[2, other.id]]);
    expect(JSON.stringify(await pendingMutations(db))).not.toContain('Ibu Sari');
    // The freed seqs are not handed out again (the server may know them; the push heals the
    // gap), and the counter moves, as with every entry write (the KPI card re-reads on it).
    expect(await lastOutboxSeq(db)).toBe(4);
    expect(await saveEntry(db, entry())).toMatchObject({ ok: true, seq: 5 });
  });

  it('deletes a rejected entry (the server stored nothing) on the phone alone', async () => {
    const { db } = freshDb();
    const e = entry();
    await saveEntry(db, e);
    await db.outbox.clear();
    await db.entries.update(e.id, { receipt: { status: 'rejected', errors: [{ path: 'date', message: 'x' }], at: NOW.toISOString() } } as never);
    expect(await deleteEntry(db, e.id, at(1))).toMatchObject({ ok: true, discarded: true });
    expect(await db.entries.count()).toBe(0);
    expect(await pendingMutations(db)).toEqual([]);
  });

  it('deletes alone only what no push request ever carried: at or below the sent mark, a tombstone', async () => {
    const { db } = freshDb();
    const sentMaybe = entry();
    const unsent = entry();
    await saveEntry(db, sentMaybe);
    await saveEntry(db, unsent);
    await enrolled(db, null);
    // A push carried the first (seq 1); its answer never came, so no receipt: the server may have it.
    await noteSent(db, 1);
    expect(await deleteEntry(db, sentMaybe.id, at(3))).toMatchObject({ ok: true, seq: 3 });
    expect(await deleteEntry(db, unsent.id, at(3))).toMatchObject({ ok: true, discarded: true });
    expect((await pendingMutations(db)).map((m) => [m.entry.id, m.entry.deleted])).toEqual([
      [sentMaybe.id, false],
      [sentMaybe.id, true],
    ]);
  });

  it('a renumbering (409 seq_gap) carries the sent mark over to the same mutations under their new seqs', async () => {
    const { db } = freshDb();
    const [a, b, c] = [entry(), entry(), entry()];
    for (const e of [a, b, c]) await saveEntry(db, e);
    await enrolled(db, null);
    // a and b were put in a request; the server then asked for seq 7 onwards.
    await noteSent(db, 2);
    await renumberOutbox(db, 7);
    expect((await pendingMutations(db)).map((m) => m.seq)).toEqual([7, 8, 9]);
    expect(await sentThrough(db)).toBe(8);
    expect(await deleteEntry(db, b.id, at(1))).not.toHaveProperty('discarded');
    expect(await deleteEntry(db, c.id, at(1))).toMatchObject({ ok: true, discarded: true });
  });

  it('on an enrolled phone that has not synced since enrolment, deletes alone', async () => {
    const { db } = freshDb();
    const e = entry();
    await saveEntry(db, e);
    await enrolled(db, null);
    expect(await deleteEntry(db, e.id, at(1))).toMatchObject({ ok: true, discarded: true });
  });

  it('keeps the mark that the server holds an entry through later edits: a tombstone, not a delete alone', async () => {
    const { db } = freshDb();
    const e = entry();
    await saveEntry(db, e);
    await db.outbox.clear();
    // A `duplicate` answer with a version: the server holds it, though the phone never learnt its version.
    await db.entries.update(e.id, { onServer: true, receipt: { status: 'duplicate', version: 4, at: NOW.toISOString() } } as never);
    await saveEntry(db, { ...e, title: 'Diubah lagi', updatedAt: at(1).toISOString() });
    expect((await db.entries.get(e.id))?.onServer).toBe(true);
    expect(await deleteEntry(db, e.id, at(2))).toMatchObject({ ok: true });
    expect((await getEntry(db, e.id))?.deleted).toBe(true);
    // The mark never travels: the server gets the entry without the phone's bookkeeping.
    expect((await pendingMutations(db)).every((m) => !('onServer' in m.entry))).toBe(true);
  });

  it('writes a tombstone while a sync holds the lock: the entry may be in the push on its way', async () => {
    const { db } = freshDb();
    const e = entry();
    await saveEntry(db, e);
    await enrolled(db, null);
    expect(await deleteEntry(db, e.id, at(1), { tryLock: held })).toMatchObject({ ok: true, seq: 2 });
    expect((await pendingMutations(db)).map((m) => m.entry.deleted)).toEqual([false, true]);
  });
});

describe('restoreEntry', () => {
  it('undoes a delete with another mutation', async () => {
    const { db } = freshDb();
    const e = entry();
    await saveEntry(db, e);
    await acknowledge(db, e.id);
    await deleteEntry(db, e.id, NOW);
    await restoreEntry(db, e.id, NOW);
    expect((await getEntry(db, e.id))?.deleted).toBe(false);
    expect((await pendingMutations(db)).map((m) => [m.baseVersion, m.entry.deleted])).toEqual([
      [1, true],
      [1, false],
    ]);
  });

  it('brings back an entry deleted on the phone alone, queued as new', async () => {
    const { db } = freshDb();
    const e = entry();
    await saveEntry(db, e);
    const deleted = await deleteEntry(db, e.id, at(1));
    expect(deleted).toMatchObject({ discarded: true });
    expect(await restoreEntry(db, e.id, at(2))).toEqual({ ok: false, reason: 'missing' });
    expect(await restoreEntry(db, e, at(2))).toMatchObject({ ok: true });
    expect(await getEntry(db, e.id)).toEqual({ ...e, updatedAt: at(2).toISOString() });
    expect((await pendingMutations(db)).map((m) => [m.baseVersion, m.entry.deleted])).toEqual([[0, false]]);
  });
});

describe('listEntries', () => {
  it('lists newest activity date first, then the one created last', async () => {
    const { db } = freshDb();
    const a = entry({ date: '2025-01-05', title: 'Januari' });
    const b = entry({ date: '2025-03-01', title: 'Maret pertama' });
    const c = entry({ date: '2025-03-01', title: 'Maret kedua' });
    for (const e of [b, a, c]) await saveEntry(db, e);
    expect((await listEntries(db)).map((e) => e.title)).toEqual(['Maret kedua', 'Maret pertama', 'Januari']);
  });
});

describe('findLikelyDuplicates', () => {
  it('finds live entries with the same strategy, type and date, other than itself', async () => {
    const { db } = freshDb();
    const a = entry();
    const deleted = entry();
    const otherDay = entry({ date: '2025-03-11' });
    for (const e of [a, deleted, otherDay]) await saveEntry(db, e);
    await deleteEntry(db, deleted.id, NOW);
    const probe = entry();
    expect((await findLikelyDuplicates(db, probe)).map((e) => e.id)).toEqual([a.id]);
    expect(await findLikelyDuplicates(db, a)).toEqual([]);
  });
});

/** Makes the outbox's `add` throw `error()` in every transaction until the returned function is called. */
/** Makes the outbox's `add` throw `error()` (every call, or those for which `when` says so). */
function failOutboxAdds(db: LaporDb, error: () => Error, when: () => boolean = () => true): () => void {
  const idb = db.backendDB();
  const transaction = idb.transaction;
  idb.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
    const tx = transaction.apply(this, args);
    const objectStore = tx.objectStore.bind(tx);
    tx.objectStore = (name: string) => {
      const store = objectStore(name);
      if (name === 'outbox') {
        const add = store.add.bind(store);
        store.add = (...args: Parameters<IDBObjectStore['add']>) => {
          if (when()) throw error();
          return add(...args);
        };
      }
      return store;
    };
    return tx;
  } as IDBDatabase['transaction'];
  return () => {
    idb.transaction = transaction;
  };
}
