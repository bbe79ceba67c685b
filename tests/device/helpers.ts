/** Fresh databases on fake-indexeddb and valid entries for the device tests. */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { ActivityEntry } from '../../src/domain';
import { openDb, uuidv7 } from '../../src/device';

export const LIBRARY_ID = 'perpus-sukamaju';
export const NOW = new Date('2025-03-14T03:00:00Z');

/** A database of its own on a fresh in-memory IndexedDB. */
export function freshDb() {
  const indexedDB = new IDBFactory();
  return { db: openDb({ indexedDB, IDBKeyRange }), indexedDB };
}

let clock = NOW.getTime();

export function entry(overrides: Partial<ActivityEntry> = {}): ActivityEntry {
  const at = new Date(clock++).toISOString();
  return {
    id: uuidv7(() => clock),
    libraryId: LIBRARY_ID,
    strategy: 'pelibatan',
    activityType: 'kelas_literasi',
    title: 'Kelas membaca anak',
    date: '2025-03-10',
    participantsMale: 10,
    participantsFemale: 12,
    createdAt: at,
    updatedAt: at,
    deleted: false,
    ...overrides,
  };
}
