import { describe, expect, it } from 'vitest';
import { isQuotaError, requestPersistenceOnce, storageHealth } from '../../src/device';
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

describe('requestPersistenceOnce', () => {
  it('asks the browser once, however often it is called', async () => {
    const { db } = freshDb();
    const { storage, calls } = fakeStorage();
    expect(await requestPersistenceOnce(db, storage)).toBe(true);
    expect(await requestPersistenceOnce(db, storage)).toBe(null);
    expect(calls.persist).toBe(1);
  });
});

describe('isQuotaError', () => {
  it('recognises the error directly and wrapped by Dexie', () => {
    expect(isQuotaError(new DOMException('full', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError({ name: 'AbortError', inner: { name: 'QuotaExceededError' } })).toBe(true);
    expect(isQuotaError(new Error('other'))).toBe(false);
  });
});
