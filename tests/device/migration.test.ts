import { Dexie } from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { DB_NAME, findLikelyDuplicates, listEntries, openDb, pendingMutations, saveEntry, SCHEMA_V1 } from '../../src/device';
import { entry } from './helpers';

describe('openDb', () => {
  it('upgrades a database written by schema version 1 and keeps its data', async () => {
    const indexedDB = new IDBFactory();
    const old = new Dexie(DB_NAME, { indexedDB, IDBKeyRange });
    old.version(1).stores(SCHEMA_V1);
    const kept = entry();
    const { deleted: _d, ...withoutDeleted } = entry({ title: 'Tanpa status hapus' });
    await old.table('entries').bulkPut([kept, withoutDeleted]);
    await old.table('outbox').put({ seq: 1, baseVersion: 0, entry: kept });
    await old.table('meta').put({ key: 'outboxSeq', value: 1 });
    old.close();

    const db = openDb({ indexedDB, IDBKeyRange });
    const entries = await listEntries(db);
    expect(db.verno).toBe(2);
    expect(entries).toHaveLength(2);
    expect(entries.find((e) => e.id === kept.id)).toEqual(kept);
    expect(entries.find((e) => e.id === withoutDeleted.id)?.deleted).toBe(false);
    // The index added in version 2 works on old rows, and seqs continue.
    expect((await findLikelyDuplicates(db, entry())).length).toBe(2);
    expect(await saveEntry(db, entry())).toMatchObject({ ok: true, seq: 2 });
    expect((await pendingMutations(db)).map((m) => m.seq)).toEqual([1, 2]);
  });
});
