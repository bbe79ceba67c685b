/**
 * Opens the database named by `DATABASE_URL`: unset → SQLite at ./data/tpbis.sqlite,
 * `sqlite:<path>` → that SQLite file (WAL), `postgres://…` → PostgreSQL.
 * Kysely is the one query layer over both.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Sqlite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Db, Schema } from './schema';

export type DbKind = 'sqlite' | 'postgres';

export interface Database {
  db: Db;
  kind: DbKind;
  close(): Promise<void>;
}

export const DEFAULT_SQLITE_PATH = './data/tpbis.sqlite';

export type DatabaseTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** Reads a `DATABASE_URL`; null when it names neither SQLite nor PostgreSQL. */
export function parseDatabaseUrl(url: string | undefined): DatabaseTarget | null {
  if (url === undefined || url === '') return { kind: 'sqlite', path: DEFAULT_SQLITE_PATH };
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    return path === '' ? null : { kind: 'sqlite', path };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { kind: 'postgres', url };
  return null;
}

/** pg returns int8 (counts, versions) as strings; our numbers stay below 2^53. */
const INT8_OID = 20;
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * Kysely prepares every query afresh; a push runs the same few statements each time,
 * and preparing them was a third of its database time. Keeps the last 256 prepared.
 */
function withStatementCache(sqlite: Sqlite.Database) {
  const cache = new Map<string, Sqlite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(source: string) {
      let statement = cache.get(source);
      if (statement) {
        cache.delete(source); // re-inserted below: most recently used last
      } else {
        statement = sqlite.prepare(source);
        if (cache.size >= 256) cache.delete(cache.keys().next().value!);
      }
      cache.set(source, statement);
      return statement;
    },
  };
}

export function openDatabase(target: DatabaseTarget, options: { poolSize?: number } = {}): Database {
  if (target.kind === 'sqlite') {
    const inMemory = target.path === ':memory:';
    const file = inMemory ? ':memory:' : resolve(target.path);
    if (!inMemory) mkdirSync(dirname(file), { recursive: true });
    const sqlite = new Sqlite(file);
    sqlite.pragma('journal_mode = WAL');
    // FULL: a push is acknowledged only once it is on disk, because the phone then
    // forgets it. (NORMAL survives a killed process but may lose the last commits to a
    // power cut — acknowledged entries that would then exist nowhere.)
    sqlite.pragma('synchronous = FULL');
    // Other processes (the admin command, a second server) may hold the write lock briefly.
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return { db, kind: 'sqlite', close: () => db.destroy() };
  }
  const pool = new pg.Pool({ connectionString: target.url, max: options.poolSize ?? 10, types: pgTypes });
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => {});
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', close: () => db.destroy() };
}
