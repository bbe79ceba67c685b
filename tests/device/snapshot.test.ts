import { IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { defaultRulebook } from '../../src/domain';
import { DB_NAME, openDb, profileOf, readSnapshot, saveEntry, setLibrary, setSettings } from '../../src/device';
import { entry, freshDb, LIBRARY_ID } from './helpers';

const library = {
  id: LIBRARY_ID,
  name: 'Perpustakaan Desa Sukamaju',
  village: 'Sukamaju',
  district: 'Cibeber',
  regency: 'Cianjur',
  province: 'Jawa Barat',
  timezone: 'Asia/Jakarta' as const,
};

describe('readSnapshot', () => {
  it('answers null for a database that does not exist, without creating it', async () => {
    const { indexedDB } = freshDb();
    expect(await readSnapshot(indexedDB)).toBeNull();
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(DB_NAME);
    // Dexie then creates it with its own schema.
    const db = openDb({ indexedDB, IDBKeyRange });
    expect(await saveEntry(db, entry())).toMatchObject({ ok: true, seq: 1 });
  });

  it('reads the stored profile, settings and entries without Dexie', async () => {
    const { db, indexedDB } = freshDb();
    const e = entry();
    await setLibrary(db, library);
    await setSettings(db, { lang: 'en' });
    await saveEntry(db, e);
    db.close();
    const snapshot = await readSnapshot(indexedDB);
    expect(snapshot?.entries).toEqual([e]);
    expect(profileOf(snapshot)).toEqual({ library, lang: 'en', rulebook: defaultRulebook });
  });
});

describe('profileOf', () => {
  it('falls back to no library, Indonesian and the shipped rulebook', () => {
    expect(profileOf(null)).toEqual({ library: null, lang: 'id', rulebook: defaultRulebook });
    expect(profileOf({ meta: { library: { name: 'rusak' }, rulebook: 42 }, entries: [] }).library).toBeNull();
  });
});
