/**
 * Opens the database named by `DATABASE_URL`: unset → SQLite at ./data/tpbis.sqlite,
 * `sqlite:<path>` → that SQLite file (WAL), `postgres://…` → PostgreSQL.
 * Kysely is the one query layer over both.
 */
import { mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import Sqlite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Db, Schema } from './schema';

export type DbKind = 'sqlite' | 'postgres';

/**
 * An open database: Kysely for every query, and the driver's own handle for the push
 * path, which runs the same few statements thousands of times a second (store/push*.ts).
 */
export type Database = SqliteDatabase | PostgresDatabase;

interface DatabaseBase {
  db: Db;
  close(): Promise<void>;
}

export interface SqliteDatabase extends DatabaseBase {
  kind: 'sqlite';
  /** The one connection Kysely also uses; take Kysely's connection lock before using it (store/push-sqlite.ts). */
  sqlite: Sqlite.Database;
}

export interface PostgresDatabase extends DatabaseBase {
  kind: 'postgres';
  /** The pool Kysely also draws from. */
  pool: pg.Pool;
  poolSize: number;
}

export const DEFAULT_SQLITE_PATH = './data/tpbis.sqlite';

/** `sqlite://` followed by anything but a third slash: see parseDatabaseUrl. */
export function isAmbiguousSqliteUrl(url: string): boolean {
  return /^sqlite:\/\/(?!\/)/.test(url);
}

/**
 * `connectTimeoutMs`: how long a PostgreSQL connection may take to be made (or a pooled
 * one to be handed out) before the attempt fails; 0 waits for ever. A host that drops
 * packets would otherwise hang the server's start or an admin command for minutes.
 */
export type DatabaseTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; connectTimeoutMs?: number };

/** PostgreSQL's connect timeout unless PGCONNECT_TIMEOUT says otherwise (config.ts). */
export const DEFAULT_PG_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Reads a `DATABASE_URL`; null when it names neither SQLite nor PostgreSQL. A SQLite
 * path follows `sqlite:` as written, relative to the working directory or absolute;
 * `sqlite:///srv/x.sqlite` is also taken as absolute. `sqlite://x/…` is refused
 * (`isAmbiguousSqliteUrl`): it once meant `/x/…` (the two slashes kept) and elsewhere means
 * `x/…`, and either reading would silently open another — new, empty — database.
 */
export function parseDatabaseUrl(url: string | undefined): DatabaseTarget | null {
  if (url === undefined || url === '') return { kind: 'sqlite', path: DEFAULT_SQLITE_PATH };
  if (url.startsWith('sqlite:')) {
    if (isAmbiguousSqliteUrl(url)) return null;
    const rest = url.slice('sqlite:'.length);
    const path = rest.startsWith('///') ? rest.slice(2) : rest;
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

/**
 * Checkpoints the WAL from a worker thread, on its own connection, so that copying
 * pages into the database file (and its fsync) never blocks the event loop: with
 * SQLite's automatic checkpoints, whichever commit crossed 1,000 WAL pages paid for
 * them, stalling every request behind it. A PASSIVE checkpoint waits for nobody and
 * blocks nobody. Durability is unchanged: each commit has already synced the WAL.
 */
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Sqlite = require(workerData.driver);
const db = new Sqlite(workerData.file);
db.pragma('synchronous = FULL');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: next time */ }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  db.close();
  parentPort.close();
});
`;

function startCheckpointer(file: string, sqlite: Sqlite.Database): { stop(): Promise<void> } {
  const worker = new Worker(CHECKPOINTER, {
    eval: true,
    workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), file, intervalMs: 100 },
  });
  worker.unref();
  let stopping = false;
  worker.on('error', () => {});
  const exited = new Promise<void>((r) =>
    worker.once('exit', () => {
      // A checkpointer that died would let the WAL grow without end: SQLite checkpoints again.
      if (!stopping && sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
      r();
    }),
  );
  sqlite.pragma('wal_autocheckpoint = 0');
  return {
    async stop() {
      stopping = true;
      worker.ref(); // keep the process alive until the worker has closed its connection
      worker.postMessage('stop');
      await exited;
    },
  };
}

/**
 * Makes `dir` and the folders above it that are missing, one at a time. Not `mkdirSync`'s
 * `recursive`: under /proc it spins for ever (a Node bug), and under a file it says EEXIST
 * where "not a folder" is meant.
 */
function makeFolder(dir: string): void {
  const missing: string[] = [];
  for (let at = dir; ; at = dirname(at)) {
    let found: ReturnType<typeof statSync>;
    try {
      found = statSync(at, { throwIfNoEntry: false });
    } catch (e) {
      // A file further up (`/tmp/file/data/x.sqlite`): said where the file is, further up still.
      if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') continue;
      throw e;
    }
    if (found) {
      if (!found.isDirectory()) throw new Error(`${at} is not a folder`);
      break;
    }
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (e) {
      // Made meanwhile by another process starting on the same volume (a server and an admin command).
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(folder).isDirectory()) throw e;
    }
  }
}

export function openDatabase(target: DatabaseTarget, options: { poolSize?: number } = {}): Database {
  if (target.kind === 'sqlite') {
    const inMemory = target.path === ':memory:';
    const file = inMemory ? ':memory:' : resolve(target.path);
    if (!inMemory) makeFolder(dirname(file));
    const sqlite = new Sqlite(file);
    sqlite.pragma('journal_mode = WAL');
    // FULL: a push is acknowledged only once it is on disk, because the phone then
    // forgets it. (NORMAL survives a killed process but may lose the last commits to a
    // power cut — acknowledged entries that would then exist nowhere.)
    sqlite.pragma('synchronous = FULL');
    // Other processes (the admin command, a second server) may hold the write lock briefly.
    sqlite.pragma('busy_timeout = 5000');
    // SQLite's own lower() folds only A–Z, so a search for "kuta ü" never found "Kuta Ü"
    // (PostgreSQL folds every letter). This connection's lower() folds them all, as JavaScript does.
    sqlite.function('lower', { deterministic: true }, (text: unknown) => (text === null ? null : String(text).toLowerCase()));
    const checkpointer = inMemory ? null : startCheckpointer(file, sqlite);
    const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return {
      db,
      kind: 'sqlite',
      sqlite,
      async close() {
        await db.destroy();
        await checkpointer?.stop();
      },
    };
  }
  const poolSize = options.poolSize ?? 10;
  const pool = new pg.Pool({
    connectionString: target.url,
    max: poolSize,
    types: pgTypes,
    connectionTimeoutMillis: target.connectTimeoutMs ?? DEFAULT_PG_CONNECT_TIMEOUT_MS,
    // A connection whose host vanished is found out by TCP keep-alive instead of hanging a query for ever.
    keepAlive: true,
  });
  // A client losing its connection (PostgreSQL restarted, a failover, idle_session_timeout,
  // pg_terminate_backend) emits 'error'; with no listener that ends the process. The pool
  // listens for idle clients only, and pg-pool drops that listener while a client is checked
  // out (a push's transaction, a Kysely query): each client gets its own. The queries in
  // flight fail by themselves (their requests answer 500 and are logged), and the client is
  // discarded when released.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', pool, poolSize, close: () => db.destroy() };
}
