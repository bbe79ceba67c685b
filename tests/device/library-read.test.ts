/**
 * A library stored before the library schema refused control characters and invisible-only
 * texts — a server's row from then, a phone's profile with a pasted tab, a backup file —
 * still reads on the phone: the profile is not lost, enrolment and import are not refused.
 * Only what the librarian saves anew is held to the stricter rules.
 */
import { describe, expect, it } from 'vitest';
import { defaultRulebook, type Library } from '../../src/domain';
import {
  enrol,
  exportJson,
  getEnrolment,
  getLibrary,
  importJson,
  profileOf,
  saveEntry,
  setLibrary,
  type FetchFn,
} from '../../src/device';
import { entry, freshDb, LIBRARY_ID, NOW } from './helpers';

/** Stored as no rule typed today would let it be. */
const old: Library = {
  id: LIBRARY_ID,
  name: 'Perpus\u001b[31mMerah\u001b[0m',
  npp: '\u200b',
  village: 'Suka\tmaju',
  district: 'Cibeber',
  regency: 'Reg\u0001X',
  province: '\u200b',
  timezone: 'Asia/Jakarta',
};

describe('a library stored before the stricter rules', () => {
  it("reads as the phone's profile, from Dexie and from the start-up snapshot", async () => {
    const { db } = freshDb();
    await db.meta.put({ key: 'library', value: old });
    expect(await getLibrary(db)).toEqual(old);
    expect(profileOf({ meta: { library: old }, entries: [] }).library).toEqual(old);
  });

  it('is refused when saved anew: the profile form must be corrected first', async () => {
    const { db } = freshDb();
    await expect(setLibrary(db, old)).rejects.toThrow();
    expect(await getLibrary(db)).toBeNull();
  });

  it("comes in with enrolment: the server's answer is not refused as unreadable", async () => {
    const { db } = freshDb();
    const answer = { deviceId: 'dev-lama', token: 'rahasia', library: old, rulebook: defaultRulebook };
    const serverFetch: FetchFn = async () =>
      new Response(JSON.stringify(answer), { status: 201, headers: { 'content-type': 'application/json', date: NOW.toUTCString() } });
    const res = await enrol({ db, fetch: serverFetch, now: () => NOW, serverUrl: 'https://tpbis.example', code: 'ABCD-2345', lock: (fn) => fn() });
    expect(res).toMatchObject({ ok: true, library: old, deviceId: 'dev-lama' });
    expect(await getLibrary(db)).toEqual(old);
    expect((await getEnrolment(db))?.libraryId).toBe(LIBRARY_ID);
  });

  it('in a backup file, imports', async () => {
    const from = freshDb().db;
    await saveEntry(from, entry());
    const file = await exportJson(from, old, NOW);
    const { db } = freshDb();
    expect(await importJson(db, file)).toEqual({ ok: true, added: 1, updated: 0, unchanged: 0, movedFrom: null });
  });
});
