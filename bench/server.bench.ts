/**
 * `npm run bench:server`: the central server's ingest and latency, on SQLite and on
 * PostgreSQL, over HTTP on loopback against the real server process.
 *
 * - Ingest: 100,000 entries pushed in batches of 500 by one device, and in the same run
 *   the same rows inserted directly into the same database (the driver, a prepared
 *   multi-row insert per 500 rows, no HTTP and no validation). Prints both throughputs
 *   and their ratio; budget (DESIGN.md) ≥ 0.5.
 * - Latency: 100 devices of 100 libraries at once, each pushing 10 batches of 20;
 *   prints p50 and p99 seen by the devices (budget p99 ≤ 100 ms), the same inside the
 *   server's handler (from its log lines: the rest is queueing), and the server
 *   process's peak RSS.
 *
 * PostgreSQL: BENCH_POSTGRES_URL, or the database `tpbis_bench` next to
 * TEST_POSTGRES_URL (made if missing; its schema is dropped at start).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { sql } from 'kysely';
import pg from 'pg';
import type { ActivityEntryInput } from '../src/domain';
import { openDatabase, type Database, type DatabaseTarget } from '../src/server/db';
import { migrate } from '../src/server/migrations';
import { issueCode } from '../src/server/store/codes';
import { createLibrary } from '../src/server/store/libraries';

const INGEST_ENTRIES = 100_000;
const INGEST_BATCH = 500;
const DEVICES = 100;
const LATENCY_BATCH = 20;
const LATENCY_ROUNDS = 10;

const now = new Date();
const year = String(now.getUTCFullYear());

function makeEntries(n: number, libraryId: string, tag: number): ActivityEntryInput[] {
  const month = String(now.getUTCMonth() + 1).padStart(2, '0');
  return Array.from({ length: n }, (_, i) => ({
    id: `0190a1b2-${tag.toString(16).padStart(4, '0')}-7e5f-8a6b-${i.toString(16).padStart(12, '0')}`,
    libraryId,
    strategy: 'pelibatan',
    activityType: 'kelas_literasi',
    title: `Kegiatan nomor ${i}`,
    date: `${year}-${month}-01`,
    participantsMale: 7,
    participantsFemale: 12,
    successStory: i % 3 === 0 ? 'Peserta mulai berjualan kerajinan di pasar desa.' : undefined,
    createdAt: `${year}-${month}-01T03:00:00.000Z`,
    updatedAt: `${year}-${month}-01T03:00:00.000Z`,
    deleted: false,
  }));
}

async function postgresTarget(): Promise<DatabaseTarget> {
  if (process.env.BENCH_POSTGRES_URL) return { kind: 'postgres', url: process.env.BENCH_POSTGRES_URL };
  const base = process.env.TEST_POSTGRES_URL ?? 'postgres://tpbis:tpbis@127.0.0.1:5432/tpbis_test';
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  const exists = await client.query(`SELECT 1 FROM pg_database WHERE datname = 'tpbis_bench'`);
  if (exists.rowCount === 0) await client.query('CREATE DATABASE tpbis_bench');
  await client.end();
  const url = new URL(base);
  url.pathname = '/tpbis_bench';
  return { kind: 'postgres', url: url.toString() };
}

function databaseUrlOf(target: DatabaseTarget): string {
  return target.kind === 'sqlite' ? `sqlite:${target.path}` : target.url;
}

/** Server-side durations of pushes (from the server's log lines) while `recording` is on. */
const serverDurations: number[] = [];
let recording = false;

async function spawnServer(databaseUrl: string): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    // Keep reading: a full pipe would block the server's log writes.
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (line.includes('"event":"listening"')) resolve(JSON.parse(line).url);
      else if (recording && line.includes('"path":"/api/v1/sync/push"')) serverDurations.push(JSON.parse(line).durationMs);
    });
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { proc, url };
}

function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function enrolDevice(database: Database, url: string, name: string): Promise<{ token: string; libraryId: string }> {
  const made = await createLibrary(
    database.db,
    { name, village: 'Bench', district: 'Bench', regency: 'Bench', province: 'Bench', timezone: 'Asia/Jakarta' },
    new Date(),
  );
  if (!made.ok) throw new Error('library');
  const { code } = await issueCode(database.db, made.library.id, 1, new Date());
  const res = await fetch(`${url}/api/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  if (res.status !== 201) throw new Error(`enrol: ${res.status}`);
  return { token: ((await res.json()) as { token: string }).token, libraryId: made.library.id };
}

/**
 * Pushes with node:http and a keep-alive agent. (fetch/undici, given 100 new connections
 * at once, left a few of them waiting 1–3.6 s before sending — in the client: the
 * server's handler times stayed low — which measured the client, not the server.)
 */
const agent = new http.Agent({ keepAlive: true });

function push(url: string, token: string, body: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise<void>((resolve, reject) => {
    const req = http.request(
      {
        host: hostname,
        port,
        path: '/api/v1/sync/push',
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          if (res.statusCode !== 200 || text.includes('"rejected"')) reject(new Error(`push: ${res.statusCode} ${text.slice(0, 300)}`));
          else resolve();
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function pushBodies(entries: ActivityEntryInput[], batch: number): string[] {
  const bodies: string[] = [];
  for (let i = 0; i < entries.length; i += batch) {
    bodies.push(JSON.stringify({ mutations: entries.slice(i, i + batch).map((entry, j) => ({ seq: i + j + 1, baseVersion: 0, entry })) }));
  }
  return bodies;
}

/** The floor: the same rows straight into the same table through the driver, 500 a statement. */
async function directInsert(target: DatabaseTarget, libraryId: string, entries: ActivityEntryInput[]): Promise<number> {
  const rowsOf = (slice: ActivityEntryInput[], firstVersion: number) =>
    slice.map((e, i) => [libraryId, e.id, firstVersion + i, 'direct', e.updatedAt, 0, JSON.stringify(e)] as const);
  const started = performance.now();
  if (target.kind === 'sqlite') {
    const Sqlite = (await import('better-sqlite3')).default;
    const db = new Sqlite(target.path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL'); // as the server's connection (src/server/db.ts)
    const placeholders = Array.from({ length: INGEST_BATCH }, () => '(?,?,?,?,?,?,?)').join(',');
    const insert = db.prepare(
      `INSERT INTO entries (library_id, entry_id, version, device_id, updated_at, deleted, body) VALUES ${placeholders}`,
    );
    const bump = db.prepare('UPDATE version_counter SET value = value + ? WHERE id = 1 RETURNING value');
    const batch = db.transaction((slice: ActivityEntryInput[]) => {
      const last = (bump.get(slice.length) as { value: number }).value;
      insert.run(rowsOf(slice, last - slice.length + 1).flat());
    });
    for (let i = 0; i < entries.length; i += INGEST_BATCH) batch(entries.slice(i, i + INGEST_BATCH));
    db.close();
  } else {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    const placeholders = Array.from({ length: INGEST_BATCH }, (_, r) => `(${Array.from({ length: 7 }, (_, c) => `$${r * 7 + c + 1}`).join(',')})`).join(',');
    const text = `INSERT INTO entries (library_id, entry_id, version, device_id, updated_at, deleted, body) VALUES ${placeholders}`;
    for (let i = 0; i < entries.length; i += INGEST_BATCH) {
      await client.query('BEGIN');
      const { rows } = await client.query(`SELECT nextval('entry_version') AS v FROM generate_series(1, ${INGEST_BATCH})`);
      const first = Math.min(...rows.map((r: { v: string }) => Number(r.v)));
      await client.query({ name: 'direct-insert', text, values: rowsOf(entries.slice(i, i + INGEST_BATCH), first).flat() });
      await client.query('COMMIT');
    }
    await client.end();
  }
  return performance.now() - started;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function benchOne(target: DatabaseTarget): Promise<Record<string, string | number>> {
  const database = openDatabase(target, { poolSize: 2 });
  if (target.kind === 'postgres') {
    await sql`DROP SCHEMA IF EXISTS public CASCADE`.execute(database.db);
    await sql`CREATE SCHEMA public`.execute(database.db);
  }
  await migrate(database.db, database.kind);
  const server = await spawnServer(databaseUrlOf(target));
  try {
    // Ingest over HTTP.
    const ingest = await enrolDevice(database, server.url, 'Ingest');
    const bodies = pushBodies(makeEntries(INGEST_ENTRIES, ingest.libraryId, 1), INGEST_BATCH);
    const warm = await enrolDevice(database, server.url, 'Warm-up');
    await push(server.url, warm.token, pushBodies(makeEntries(INGEST_BATCH, warm.libraryId, 2), INGEST_BATCH)[0]);
    const httpStarted = performance.now();
    for (const body of bodies) await push(server.url, ingest.token, body);
    const httpMs = performance.now() - httpStarted;

    // The same rows, directly, into another library of the same table.
    const direct = await createLibrary(database.db, { name: 'Direct', village: 'B', district: 'B', regency: 'B', province: 'B', timezone: 'Asia/Jakarta' }, new Date());
    if (!direct.ok) throw new Error('library');
    const directMs = await directInsert(target, direct.library.id, makeEntries(INGEST_ENTRIES, direct.library.id, 1));

    // Latency: 100 devices at once.
    const devices = [];
    for (let d = 0; d < DEVICES; d++) devices.push(await enrolDevice(database, server.url, `Device ${d}`));
    const latencies: number[] = [];
    serverDurations.length = 0;
    recording = true;
    await Promise.all(
      devices.map(async (dev, d) => {
        const batches = pushBodies(makeEntries(LATENCY_BATCH * LATENCY_ROUNDS, dev.libraryId, 100 + d), LATENCY_BATCH);
        for (const body of batches) {
          const t = performance.now();
          await push(server.url, dev.token, body);
          latencies.push(performance.now() - t);
        }
      }),
    );
    recording = false;
    latencies.sort((a, b) => a - b);
    const inServer = [...serverDurations].sort((a, b) => a - b);

    const httpRate = INGEST_ENTRIES / (httpMs / 1000);
    const directRate = INGEST_ENTRIES / (directMs / 1000);
    return {
      db: target.kind,
      'HTTP entries/s': Math.round(httpRate),
      'direct entries/s': Math.round(directRate),
      ratio: Number((httpRate / directRate).toFixed(2)),
      'p50 ms': Number(percentile(latencies, 50).toFixed(1)),
      'p99 ms': Number(percentile(latencies, 99).toFixed(1)),
      'in-handler p50/p99 ms': `${percentile(inServer, 50)}/${percentile(inServer, 99)}`,
      'server peak RSS MiB': Math.round(peakRssMiB(server.proc.pid!)),
    };
  } finally {
    server.proc.kill('SIGTERM');
    await new Promise((r) => server.proc.once('exit', r));
    await database.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'tpbis-bench-'));
const results = [];
try {
  results.push(await benchOne({ kind: 'sqlite', path: join(dir, 'bench.sqlite') }));
  results.push(await benchOne(await postgresTarget()));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
agent.destroy();
console.log(`\nServer benchmark: ingest ${INGEST_ENTRIES} entries in batches of ${INGEST_BATCH}; ${DEVICES} devices × ${LATENCY_ROUNDS} batches of ${LATENCY_BATCH}`);
console.table(results);
console.log('Budgets: ratio ≥ 0.5 (HTTP ingest vs direct insert), p99 ≤ 100 ms.');
