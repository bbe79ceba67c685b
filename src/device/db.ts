/**
 * The phone's database (IndexedDB through Dexie). This folder is the only place that
 * imports Dexie; the UI reads and writes through the functions beside this file.
 *
 * Tables:
 * - `entries`: one row per activity entry, tombstones included (keyed by `id`,
 *   indexed by date, strategy, and strategy+type+date for the likely-duplicate check).
 * - `outbox`: the mutations not yet acknowledged by the server, keyed by `seq` (consecutive, but for the gap a delete on the phone alone leaves, which the sync engine renumbers away).
 * - `photos`: documentation photos' bytes by attachment id (entries hold the metadata).
 * - `meta`: small documents by key — library profile, device, rulebook, settings,
 *   drafts, and the last outbox `seq` handed out.
 *
 * Schema versions are append-only: never edit a shipped `version(n)`, add `n + 1`
 * with an upgrade, and test it by opening a database written by `n`.
 */
import { Dexie, liveQuery, type EntityTable } from 'dexie';
import type { ActivityEntry, Mutation } from '../domain';
import { DB_NAME } from './names';

/**
 * An entry as stored: the wire shape plus the server version it was last seen at, and
 * `onServer` once the server is known (or, for a restored backup, may be known) to hold
 * some write of it without the phone having taken its version (a `duplicate` answer, a
 * `superseded` or pulled copy kept back by a newer edit, a backup). Never cleared:
 * it keeps a delete from being done on the phone alone (entries.ts, `deleteEntry`).
 */
export type EntryRow = ActivityEntry & { serverVersion?: number; onServer?: true };

export type OutboxRow = Mutation;

export interface MetaRow {
  key: string;
  value: unknown;
}

export { DB_NAME };

/** Version 1: the first layout, kept so that upgrades from it stay tested. */
export const SCHEMA_V1 = {
  entries: 'id, date, strategy',
  outbox: 'seq',
  meta: 'key',
} as const;

/** Version 2: adds the index the likely-duplicate check reads, and the photos. */
export const SCHEMA_V2 = {
  entries: 'id, date, strategy, [strategy+activityType+date]',
  outbox: 'seq',
  meta: 'key',
  photos: 'id',
} as const;

/** A documentation photo's bytes, kept on the phone; entries carry only its metadata. */
export interface PhotoRow {
  id: string;
  mime: string;
  data: ArrayBuffer;
}

export type LaporDb = Dexie & {
  entries: EntityTable<EntryRow, 'id'>;
  outbox: EntityTable<OutboxRow, 'seq'>;
  meta: EntityTable<MetaRow, 'key'>;
  photos: EntityTable<PhotoRow, 'id'>;
};

export interface OpenOptions {
  name?: string;
  /** An IDBFactory (fake-indexeddb in tests); the browser's by default. */
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
  /**
   * False: Dexie opens the database only on an explicit `open()`, never on first use nor
   * again after a close (the Background Sync worker's instance). Default true (the page).
   */
  autoOpen?: boolean;
}

/** Opens (and, when needed, upgrades) the phone's database. */
export function openDb(options: OpenOptions = {}): LaporDb {
  const db = new Dexie(options.name ?? DB_NAME, dexieOptions(options)) as LaporDb;
  db.version(1).stores(SCHEMA_V1);
  db.version(2)
    .stores(SCHEMA_V2)
    .upgrade(async (tx) => {
      // Rows written before v2 could lack `deleted` (an early build set it only on
      // delete); the schema requires it, and the KPI engine would skip such rows.
      await tx
        .table<EntryRow, string>('entries')
        .toCollection()
        .modify((row) => {
          if (typeof row.deleted !== 'boolean') row.deleted = false;
        });
    });
  return db;
}

/** The options Dexie needs to run on a given IndexedDB implementation. */
export function dexieOptions(options: OpenOptions) {
  // The query cache is off: entries.ts writes the hot path with plain IndexedDB, which
  // Dexie's cache would not see; live queries re-read instead (few, and small but one).
  const base = options.autoOpen === false ? { cache: 'disabled' as const, autoOpen: false } : { cache: 'disabled' as const };
  return options.indexedDB ? { ...base, indexedDB: options.indexedDB, IDBKeyRange: options.IDBKeyRange } : base;
}

/**
 * Calls `onValue` with the result of `query` now and whenever the tables it read
 * change (in this tab or another); returns the function that stops watching.
 */
export function watch<T>(query: () => Promise<T>, onValue: (v: T) => void, onError?: (e: unknown) => void): () => void {
  const sub = liveQuery(query).subscribe({ next: onValue, error: onError ?? ((e) => console.error(e)) });
  return () => sub.unsubscribe();
}

/** True when `e` is the browser refusing a write because storage is full. */
export function isQuotaError(e: unknown): boolean {
  const names = [(e as { name?: string })?.name, (e as { inner?: { name?: string } })?.inner?.name];
  return names.includes('QuotaExceededError');
}
