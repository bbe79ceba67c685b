import { describe, expect, it } from 'vitest';
import { isQuotaError, PERSIST_ASK_EVERY_MS, requestPersistence, storageHealth } from '../../src/device';
import { freshDb } from './helpers';

function fakeStorage(persisted = false) {
  const calls = { persist: 0 };
  return {
    calls,
    storage: {
      persisted: async () => persisted,
      persist: async () => {
        calls.persist++;
        return true;
      },
      estimate: async () => ({ usage: 1234, quota: 1_000_000 }),
    },
  };
}

describe('storageHealth', () => {
  it('reports persistence and usage against quota', async () => {
    expect(await storageHealth(fakeStorage(true).storage)).toEqual({ persisted: true, usage: 1234, quota: 1_000_000 });
  });

  it('says it cannot tell when the browser has no StorageManager', async () => {
    expect(await storageHealth(undefined)).toEqual({ persisted: null, usage: null, quota: null });
  });
});

describe('requestPersistence', () => {
  it('asks the browser at most once a day while it has not granted persistence, and no more once it has', async () => {
    const { db } = freshDb();
    const day = new Date('2026-11-30T03:00:00Z');
    const later = (ms: number) => new Date(day.getTime() + ms);
    const refused = { ...fakeStorage(), answer: false };
    const storage = { ...refused.storage, persist: async () => (refused.calls.persist++, refused.answer) };
    expect(await requestPersistence(db, storage, day)).toBe(false);
    expect(await requestPersistence(db, storage, later(3_600_000))).toBe(null);
    expect(refused.calls.persist).toBe(1);
    // A day on (the app installed meanwhile): asked again, and granted.
    refused.answer = true;
    expect(await requestPersistence(db, storage, later(PERSIST_ASK_EVERY_MS))).toBe(true);
    const granted = { ...storage, persisted: async () => true };
    expect(await requestPersistence(db, granted, later(3 * PERSIST_ASK_EVERY_MS))).toBe(null);
    expect(refused.calls.persist).toBe(2);
  });

  it('asks again on a phone where an earlier version asked once (stored `true`), and after a clock set back', async () => {
    const { db } = freshDb();
    const { storage, calls } = fakeStorage();
    await db.meta.put({ key: 'persistAsked', value: true });
    expect(await requestPersistence(db, storage, new Date('2026-11-30T03:00:00Z'))).toBe(true);
    expect(await requestPersistence(db, storage, new Date('2026-11-29T03:00:00Z'))).toBe(true);
    expect(calls.persist).toBe(2);
  });
});

describe('isQuotaError', () => {
  it('recognises the error directly and wrapped by Dexie', () => {
    expect(isQuotaError(new DOMException('full', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError({ name: 'AbortError', inner: { name: 'QuotaExceededError' } })).toBe(true);
    expect(isQuotaError(new Error('other'))).toBe(false);
  });
});
