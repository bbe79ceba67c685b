/**
 * The sync tests' world: the real server in this process on 127.0.0.1 (SQLite in a temp
 * file, a clock the test sets), restartable on the same port and file; phones on
 * fake-indexeddb; and a fetch that injects faults between them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { DBCore } from 'dexie';
import type { ActivityEntry, Library } from '../../src/domain';
import { openDb, type LaporDb } from '../../src/device';
import { enrol } from '../../src/device/enrol';
import type { FetchFn } from '../../src/device/sync-http';
import type { LockFn, SyncDeps } from '../../src/device/sync';
import { openDatabase, type SqliteDatabase } from '../../src/server/db';
import { startServer, type RunningServer } from '../../src/server/server';
import { issueCode } from '../../src/server/store/codes';
import { createLibrary } from '../../src/server/store/libraries';

export const SERVER_NOW = Date.parse('2025-10-20T03:00:00.000Z');

export interface SyncServer {
  url: string;
  database: SqliteDatabase;
  restart(): Promise<void>;
  stop(): Promise<void>;
  addLibrary(name: string): Promise<Library>;
  code(libraryId: string): Promise<string>;
  /** Every stored entry of a library, by id, with its version. */
  stored(libraryId: string): Promise<Map<string, { version: number; entry: ActivityEntry }>>;
  requests: number;
  /** Every log line the server wrote (one per request: method, path, status, device id). */
  log: Record<string, unknown>[];
}

/** `distDir`: a built app the server serves too; `realClock`: the machine's clock (both for the browser suite). */
export async function startSyncServer(options: { distDir?: string; realClock?: boolean } = {}): Promise<SyncServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tpbis-sync-'));
  const path = join(dir, 'sync.sqlite');
  const open = () => openDatabase({ kind: 'sqlite', path }) as SqliteDatabase;
  const now = options.realClock ? () => new Date() : () => new Date(SERVER_NOW);
  let database = open();
  const start = (port: number) =>
    startServer({ database, port, host: '127.0.0.1', logger: (line) => { s.requests++; s.log.push({ ...line }); }, now, distDir: options.distDir ?? null, trustProxy: true });
  let running: RunningServer = await start(0);
  const port = running.port;
  const s: SyncServer = {
    url: running.url,
    get database() {
      return database;
    },
    requests: 0,
    log: [],
    async restart() {
      await running.stop();
      database = open();
      running = await start(port);
    },
    async stop() {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    async addLibrary(name) {
      const made = await createLibrary(
        database.db,
        { name, village: 'Sukamaju', district: 'Sukamaju', regency: 'Kabupaten Malang', province: 'Jawa Timur', timezone: 'Asia/Jakarta' },
        now(),
      );
      if (!made.ok) throw new Error('library not valid');
      return made.library;
    },
    async code(libraryId) {
      return (await issueCode(database.db, libraryId, 14, now())).code;
    },
    async stored(libraryId) {
      const rows = await database.db
        .selectFrom('entries')
        .select(['entry_id', 'version', 'body'])
        .where('library_id', '=', libraryId)
        .execute();
      return new Map(rows.map((r) => [r.entry_id, { version: Number(r.version), entry: JSON.parse(r.body) as ActivityEntry }]));
    },
  };
  return s;
}

/** A seeded PRNG (mulberry32), so a failing run can be repeated. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Fault =
  | 'none'
  | 'request-lost'
  | 'response-lost'
  | 'server-error-before'
  | 'server-error-after'
  | 'rate-limited'
  | 'duplicate';

export interface FaultPlan {
  /** Decides the fault for one request (URL and method given). */
  choose(url: string, method: string): Fault;
}

/** Counts of what the faulty network did. */
export type FaultCounts = Record<Fault, number>;

export function newCounts(): FaultCounts {
  return { none: 0, 'request-lost': 0, 'response-lost': 0, 'server-error-before': 0, 'server-error-after': 0, 'rate-limited': 0, duplicate: 0 };
}

function errorResponse(status: number, code: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { code, message: code } }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/**
 * A fetch to `server` (whatever origin the phone asks for) that injects the fault `plan`
 * chooses: the request never arrives; the server commits but the answer is lost; a 5xx
 * before or after the server handled it; 429 with Retry-After; the request delivered twice.
 */
export function faultyFetch(server: SyncServer, plan: FaultPlan, counts: FaultCounts = newCounts()): FetchFn {
  return async (input, init) => {
    const u = new URL(input);
    const url = `${server.url}${u.pathname}${u.search}`;
    const fault = plan.choose(url, init?.method ?? 'GET');
    counts[fault]++;
    switch (fault) {
      case 'request-lost':
        throw new TypeError('fetch failed (request lost)');
      case 'server-error-before':
        return errorResponse(503, 'internal');
      case 'rate-limited':
        return errorResponse(429, 'rate_limited', { 'retry-after': '7' });
      case 'response-lost': {
        const res = await fetch(url, init);
        await res.arrayBuffer();
        throw new TypeError('fetch failed (response lost)');
      }
      case 'server-error-after': {
        const res = await fetch(url, init);
        await res.arrayBuffer();
        return errorResponse(500, 'internal');
      }
      case 'duplicate': {
        const [a, b] = await Promise.all([fetch(url, init), fetch(url, init)]);
        await a.arrayBuffer();
        return b;
      }
      default:
        return fetch(url, init);
    }
  };
}

export const noFaults: FaultPlan = { choose: () => 'none' };

/** One lock per phone, as Web Locks would give across its tabs. */
export function phoneLock(): LockFn {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>) => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => {});
    return run;
  };
}

export interface Phone {
  db: LaporDb;
  deps: SyncDeps;
  /** The phone's IndexedDB, for a second connection to its database (another tab, the Background Sync worker). */
  indexedDB: IDBFactory;
}

/** A phone on its own fake IndexedDB, with a clock the test owns. */
export function newPhone(fetchFn: FetchFn, now: () => Date, random: () => number, extra: Partial<SyncDeps> = {}): Phone {
  const indexedDB = new IDBFactory();
  const db = openDb({ indexedDB, IDBKeyRange });
  return { db, deps: { db, fetch: fetchFn, now, random, lock: phoneLock(), ...extra }, indexedDB };
}

/**
 * Another context on the same phone (another tab, the Background Sync worker): its own
 * connection to the phone's database, so nothing the page keeps in memory, and the
 * phone's one lock.
 */
export function otherContext(phone: Phone): Phone {
  const db = openDb({ indexedDB: phone.indexedDB, IDBKeyRange });
  return { db, deps: { ...phone.deps, db }, indexedDB: phone.indexedDB };
}

/** `others`: what to do with the entries of another library the phone was enrolled for, if asked (enrol.ts). */
export async function enrolPhone(phone: Pick<Phone, 'db' | 'deps'>, server: SyncServer, libraryId: string, others?: 'move' | 'leave'): Promise<void> {
  const res = await enrol({
    db: phone.db,
    fetch: fetch as FetchFn,
    now: phone.deps.now,
    serverUrl: server.url,
    code: await server.code(libraryId),
    deviceName: 'HP uji',
  });
  const done = res.ok === 'choose' && others ? await res.choice.complete(others) : res;
  if (done.ok !== true) throw new Error(`enrol failed: ${JSON.stringify(res)}`);
}

/** Which writes a full storage refuses: by table and row; null while there is room. */
export interface StorageQuota {
  refuse: ((table: string, row: unknown) => boolean) | null;
}

/**
 * Storage full, as Chromium has it: a transaction that puts anything while the origin's
 * quota is used up fails with QuotaExceededError; one that only deletes goes through.
 * Call it before the database opens (Dexie builds its middleware stack then); set
 * `refuse` to choose which writes meet the full storage.
 */
export function storageQuota(db: LaporDb): StorageQuota {
  const quota: StorageQuota = { refuse: null };
  db.use({
    stack: 'dbcore',
    name: 'test-storage-quota',
    create: (down: DBCore): DBCore => ({
      ...down,
      table(name) {
        const table = down.table(name);
        return {
          ...table,
          mutate(req) {
            const refuse = quota.refuse;
            if ((req.type === 'put' || req.type === 'add') && refuse && req.values.some((row) => refuse(name, row))) {
              return Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
            }
            return table.mutate(req);
          },
        };
      },
    }),
  });
  return quota;
}
