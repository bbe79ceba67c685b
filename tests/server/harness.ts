/**
 * The server suite's harness: every test file runs once per database (SQLite in a temp
 * file, PostgreSQL at TEST_POSTGRES_URL), against a real server on an ephemeral port
 * of 127.0.0.1, with a clock the test moves by hand.
 *
 * PostgreSQL: files run one after another (vitest.config.ts), and each file starts by
 * dropping and re-creating the schema, so files never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
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
export async function freshDatabaseUrl(kind: DbKind): Promise<{ url: string; cleanup: () => void }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'tpbis-test-'));
    return { url: `sqlite:${join(dir, 'test.sqlite')}`, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const url = postgresUrl();
  const database = openDatabase({ kind: 'postgres', url }, { poolSize: 1 });
  try {
    await sql`DROP SCHEMA IF EXISTS public CASCADE`.execute(database.db);
    await sql`CREATE SCHEMA public`.execute(database.db);
  } finally {
    await database.close();
  }
  return { url, cleanup: () => {} };
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

export async function startTestServer(kind: DbKind, options: { distDir?: string | null } = {}): Promise<TestServer> {
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
      await running.stop();
      cleanup();
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
