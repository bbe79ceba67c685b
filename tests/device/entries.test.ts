import { describe, expect, it } from 'vitest';
import {
  deleteEntry,
  findLikelyDuplicates,
  getDraft,
  getEntry,
  lastOutboxSeq,
  listEntries,
  pendingMutations,
  restoreEntry,
  saveEntry,
  setDraft,
  type LaporDb,
} from '../../src/device';
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

describe('deleteEntry', () => {
  it('keeps a tombstone and queues it', async () => {
    const { db } = freshDb();
    const e = entry();
    await saveEntry(db, e);
    const later = new Date(NOW.getTime() + 3_600_000);
    expect(await deleteEntry(db, e.id, later)).toMatchObject({ ok: true, seq: 2 });
    const stored = await getEntry(db, e.id);
    expect(stored).toEqual({ ...e, deleted: true, updatedAt: later.toISOString() });
    const outbox = await pendingMutations(db);
    expect(outbox[1].entry.deleted).toBe(true);
  });

  it('reports a missing entry', async () => {
    const { db } = freshDb();
    expect(await deleteEntry(db, entry().id, NOW)).toEqual({ ok: false, reason: 'missing' });
  });
});

describe('restoreEntry', () => {
  it('undoes a delete with another mutation', async () => {
    const { db } = freshDb();
    const e = entry();
    await saveEntry(db, e);
    await deleteEntry(db, e.id, NOW);
    await restoreEntry(db, e.id, NOW);
    expect((await getEntry(db, e.id))?.deleted).toBe(false);
    expect((await pendingMutations(db)).map((m) => m.entry.deleted)).toEqual([false, true, false]);
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
function failOutboxAdds(db: LaporDb, error: () => Error): () => void {
  const idb = db.backendDB();
  const transaction = idb.transaction;
  idb.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
    const tx = transaction.apply(this, args);
    const objectStore = tx.objectStore.bind(tx);
    tx.objectStore = (name: string) => {
      const store = objectStore(name);
      if (name === 'outbox') store.add = () => { throw error(); };
      return store;
    };
    return tx;
  } as IDBDatabase['transaction'];
  return () => {
    idb.transaction = transaction;
  };
}
