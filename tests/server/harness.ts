/**
 * The server suite's harness: every test file runs once per database (SQLite in a temp
 * file, PostgreSQL at TEST_POSTGRES_URL), against a real server on an ephemeral port
 * of 127.0.0.1, with a clock the test moves by hand.
 *
 * PostgreSQL: each server (each file, mostly) gets a database of its own, made next to
 * TEST_POSTGRES_URL's and dropped when it stops, so files never see each other's rows —
 * nor do two test runs at once on one machine (before, each file dropped and re-made the
 * one shared schema, and a second run wiped the first's tables mid-test).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { ActivityEntryInput, EnrollResponse, Library } from '../../src/domain';
import { openDatabase, type Database, type DbKind } from '../../src/server/db';
import type { Logger } from '../../src/server/context';
import { issueCode } from '../../src/server/store/codes';
import { createLibrary } from '../../src/server/store/libraries';
import { startServer, type RunningServer } from '../../src/server/server';

export const DB_KINDS: readonly DbKind[] = ['sqlite', 'postgres'];

const DEFAULT_PG_URL = 'postgres://tpbis:tpbis@127.0.0.1:5432/tpbis_test';

/** TEST_POSTGRES_URL; in CI its absence is a failure, never a skip. */
export function postgresUrl(): string {
  const url = process.env.TEST_POSTGRES_URL;
  if (url) return url;
  if (process.env.CI) throw new Error('TEST_POSTGRES_URL is not set: the server suite must run on PostgreSQL in CI');
  return DEFAULT_PG_URL;
}

/** A fresh, empty database of `kind` (not yet migrated) and a way to dispose of it. */
export async function freshDatabaseUrl(kind: DbKind): Promise<{ url: string; cleanup: () => Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'tpbis-test-'));
    return { url: `sqlite:${join(dir, 'test.sqlite')}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const base = postgresUrl();
  const name = `${PG_TEST_PREFIX}${process.pid}_${madeDatabases++}`;
  await withAdminClient(base, async (admin) => {
    await dropLeftoverDatabases(admin);
    // UTF-8 whatever the cluster's default (a machine's LANG=C would make it ASCII-only): the
    // monitoring search folds every letter's case, as the README asks of a production database.
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`);
  });
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    // FORCE: a connection a failed test left open must not keep the database alive.
    cleanup: () => withAdminClient(base, (admin) => dropDatabase(admin, name)),
  };
}

/**
 * Drops a test database, FORCE closing what is left connected. An autovacuum worker busy in
 * it belongs to the superuser, whose processes our role may not end ("must be a member of
 * the role whose process is being terminated", 42501): it is done in a moment, so try again.
 */
async function dropDatabase(admin: pg.Client, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== '42501' || attempt === 50) throw e;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Test databases are named `tpbis_t_<pid>_<n>`: the process that made them, and which of its. */
const PG_TEST_PREFIX = 'tpbis_t_';
let madeDatabases = 0;

async function withAdminClient(url: string, use: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await use(client);
  } finally {
    await client.end();
  }
}

/** Drops the test databases of runs that died before their cleanup (their process is gone). */
async function dropLeftoverDatabases(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE '${PG_TEST_PREFIX}%'`);
  for (const { datname } of rows) {
    const pid = Number(/^tpbis_t_(\d+)_\d+$/.exec(datname)?.[1]);
    if (!Number.isInteger(pid) || processAlive(pid)) continue;
    await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => {}); // another run may be dropping it too
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function openUrl(url: string): Database {
  return url.startsWith('sqlite:')
    ? openDatabase({ kind: 'sqlite', path: url.slice('sqlite:'.length) })
    : openDatabase({ kind: 'postgres', url });
}

/** A clock that stands still until a test moves it. */
export class TestClock {
  constructor(public ms = Date.parse('2025-10-20T03:00:00.000Z')) {}
  now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface TestServer {
  kind: DbKind;
  url: string;
  databaseUrl: string;
  database: Database;
  clock: TestClock;
  running: RunningServer;
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

export async function startTestServer(kind: DbKind, options: { distDir?: string | null; shutdownGraceMs?: number } = {}): Promise<TestServer> {
  const { url: databaseUrl, cleanup } = await freshDatabaseUrl(kind);
  const database = openUrl(databaseUrl);
  const clock = new TestClock();
  const logs: Record<string, unknown>[] = [];
  const logger: Logger = (line) => void logs.push(line as Record<string, unknown>);
  const running = await startServer({
    database,
    port: 0,
    host: '127.0.0.1',
    logger,
    now: clock.now,
    distDir: options.distDir ?? null,
    trustProxy: true,
    shutdownGraceMs: options.shutdownGraceMs,
  });
  return {
    kind,
    url: running.url,
    databaseUrl,
    database,
    clock,
    running,
    logs,
    async stop() {
      await running.stop(); // closes the database too
      await cleanup();
    },
  };
}

export async function addLibrary(s: TestServer, overrides: Partial<Library> = {}): Promise<Library> {
  const made = await createLibrary(
    s.database.db,
    {
      name: 'Perpustakaan Desa Sukamaju',
      village: 'Sukamaju',
      district: 'Sukamaju',
      regency: 'Kabupaten Malang',
      province: 'Jawa Timur',
      timezone: 'Asia/Jakarta',
      ...overrides,
    },
    s.clock.now(),
  );
  if (!made.ok) throw new Error('library not valid');
  return made.library;
}

export async function newCode(s: TestServer, libraryId: string, days = 14): Promise<string> {
  return (await issueCode(s.database.db, libraryId, days, s.clock.now())).code;
}

/** Sends JSON (or raw bytes) and returns status, headers and the parsed body. */
export async function call(
  s: TestServer,
  method: string,
  path: string,
  opts: { token?: string; json?: unknown; raw?: Uint8Array | string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: BodyInit | undefined;
  if (opts.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.raw !== undefined) {
    body = opts.raw as BodyInit;
  }
  const res = await fetch(`${s.url}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export interface Enrolled extends EnrollResponse {
  /** Pushes mutations with consecutive seqs from this device's next seq. */
  nextSeq: number;
}

export async function enrollNew(s: TestServer, library: Library, deviceName?: string): Promise<Enrolled> {
  const code = await newCode(s, library.id);
  const res = await call(s, 'POST', '/api/v1/enroll', { json: { code, deviceName } });
  if (res.status !== 201) throw new Error(`enrol failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...(res.body as EnrollResponse), nextSeq: 1 };
}

/** A random UUIDv7-shaped id. */
export function newEntryId(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-7${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function makeEntry(libraryId: string, overrides: Partial<ActivityEntryInput> = {}): ActivityEntryInput {
  return {
    id: newEntryId(),
    libraryId,
    strategy: 'pelibatan',
    activityType: 'kelas_literasi',
    title: 'Kelas literasi anak',
    date: '2025-10-01',
    participantsMale: 5,
    participantsFemale: 9,
    createdAt: '2025-10-01T03:00:00.000Z',
    updatedAt: '2025-10-01T03:00:00.000Z',
    deleted: false,
    ...overrides,
  };
}

/** Pushes entries as the next mutations of `device` (baseVersion per entry, default 0). */
export async function pushEntries(
  s: TestServer,
  device: Enrolled,
  entries: ActivityEntryInput[],
  baseVersions: number[] = [],
): Promise<{ status: number; headers: Headers; body: any }> {
  const mutations = entries.map((entry, i) => ({ seq: device.nextSeq + i, baseVersion: baseVersions[i] ?? 0, entry }));
  const res = await call(s, 'POST', '/api/v1/sync/push', { token: device.token, json: { mutations } });
  if (res.status === 200) device.nextSeq = res.body.ackSeq + 1;
  return res;
}

/** Row counts of every table, to show that a request changed nothing. */
export async function rowCounts(database: Database): Promise<Record<string, number>> {
  const tables = ['libraries', 'devices', 'entries', 'enrollment_codes', 'enroll_failures'] as const;
  const counts: Record<string, number> = {};
  for (const t of tables) {
    const row = await database.db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    counts[t] = Number(row.n);
  }
  return counts;
}

/** Every row of every table, in a stable order: equal snapshots mean nothing changed. */
export async function tableSnapshot(database: Database): Promise<string> {
  const orderBy: Record<string, string[]> = {
    libraries: ['library_id'],
    devices: ['library_id', 'device_id'],
    entries: ['library_id', 'entry_id'],
    enrollment_codes: ['library_id', 'code'],
    enroll_failures: ['address', 'failed_at', 'nonce'],
  };
  const parts: Record<string, unknown[]> = {};
  for (const [table, keys] of Object.entries(orderBy)) {
    let q = database.db.selectFrom(table as 'libraries').selectAll();
    for (const k of keys) q = q.orderBy(k as 'library_id');
    parts[table] = await q.execute();
  }
  return JSON.stringify(parts);
}

/** A JavaScript file of some 7 KB: large enough to be served gzipped. */
export const BIG_ASSET = `console.log(${JSON.stringify('Perpustakaan desa '.repeat(400))});`;

/**
 * A stand-in for the built app in a new temporary folder: index.html, sw.js, and `assets`
 * (name → contents) under assets/. Delete it with `rmSync(dir, { recursive: true, force: true })`.
 */
export function fakeDist(assets: Record<string, string>): string {
  const dist = mkdtempSync(join(tmpdir(), 'tpbis-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Lapor</title>');
  writeFileSync(join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  for (const [name, text] of Object.entries(assets)) writeFileSync(join(dist, 'assets', name), text);
  return dist;
}
