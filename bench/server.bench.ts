/**
 * `npm run bench:server`: the central server's ingest and latency (issue 4, "Benchmark";
 * DESIGN.md "Budgets"), on SQLite and on PostgreSQL, over HTTP on loopback against the
 * real server process (`src/server/main.ts`, as `npm start` runs it).
 *
 * - Ingest: 100,000 entries pushed over HTTP by one device in batches of 500 (each
 *   request waits for the previous answer, as a phone does; each body gzipped, as a
 *   phone's), and in the same run the
 *   same rows inserted directly into the same tables of the same database with the same
 *   durability settings, 500 rows a transaction: SQLite through better-sqlite3 (WAL,
 *   synchronous = FULL, as the server; a prepared 500-row INSERT), PostgreSQL through
 *   pg (one 500-row INSERT … SELECT FROM json_to_recordset(…) per transaction, versions
 *   from the sequence; synchronous_commit on, as the server). No HTTP, no validation, no JSON
 *   of requests: the rows are made before the clock starts. The two alternate in
 *   slices of 10,000 entries, so both see the same load of this shared machine; both
 *   start after a warm-up of 10,000 entries each. Prints both throughputs and their
 *   ratio; budget ≥ 0.5. A third device's 100,000 entries, pushed in the same slices with
 *   bodies not compressed, give the ratio of a client without CompressionStream.
 * - Latency: 100 devices of 100 libraries at once, each pushing 10 batches of 20 one
 *   after another (gzipped, as a phone's). All request bodies are made first, and each device's keep-alive
 *   connection is opened by one warm-up push, so the clock measures pushes, not the
 *   client making JSON or TCP handshakes. Prints p50, p99 and max as the devices see
 *   them (budget p99 ≤ 100 ms), the same inside the server's handler (from its log
 *   lines), the server's CPU per push, and its peak RSS over the whole run. Beside them,
 *   the floor: the same pushes, just before, to a bare node:http server that only unpacks,
 *   parses and answers them (bench/floor-server.ts) — what this machine's loopback, HTTP
 *   and JSON alone cost in the same minutes.
 *
 * BENCH_DB=sqlite|postgres limits the run to one database; BENCH_ENTRIES changes the
 * ingest size (for quick runs); BENCH_PARTS=ingest (or ingest,rush) skips the rest, e.g.
 * to profile the server on one part (BENCH_SERVER_ARGS). PostgreSQL: BENCH_POSTGRES_URL, or the database
 * `tpbis_bench` next to TEST_POSTGRES_URL (made if missing; its schema is dropped at start).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import Sqlite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import type { ActivityEntryInput } from '../src/domain';
import { openDatabase, type Database, type DatabaseTarget } from '../src/server/db';
import { migrate } from '../src/server/migrations';
import { issueCode } from '../src/server/store/codes';
import { createLibrary, insertLibrary } from '../src/server/store/libraries';

const INGEST_ENTRIES = Number(process.env.BENCH_ENTRIES ?? 100_000);
const INGEST_BATCH = 500;
/** Ingest alternates HTTP and direct inserts in slices of this many batches. */
const SLICE_BATCHES = 20;
const WARMUP_BATCHES = 20;
/** The second ingest run: this many devices (of as many libraries) push at once, and as many direct connections insert at once. */
const INGEST_DEVICES = Number(process.env.BENCH_INGEST_DEVICES ?? 4);
/** BENCH_PARTS: which parts run (comma-separated: ingest, rush, latency); all by default. */
const PARTS = new Set((process.env.BENCH_PARTS ?? 'ingest,rush,latency').split(',').map((s) => s.trim()));
const DEVICES = 100;
const LATENCY_BATCH = 20;
const LATENCY_ROUNDS = 10;

const now = new Date();
const year = String(now.getUTCFullYear());
const month = String(now.getUTCMonth() + 1).padStart(2, '0');

function makeEntries(n: number, libraryId: string, tag: number): ActivityEntryInput[] {
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
  // BENCH_SERVER_ARGS: extra node flags for the server (not the floor), e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const extra = (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
  return spawnListening('src/server/main.ts', { DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1' }, extra);
}

/** A server script run as `npm start` runs the server, resolved once it logs where it listens. */
async function spawnListening(script: string, env: Record<string, string>, extra: string[] = []): Promise<{ proc: ChildProcess; url: string }> {
  // The same V8 flag as `npm start`: a larger young generation halves GC time per batch.
  const proc = spawn(process.execPath, ['--max-semi-space-size=64', ...extra, '--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    // Keep reading: a full pipe would block the server's log writes.
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (line.includes('"event":"listening"')) resolve(JSON.parse(line).url);
      else if (recording && line.includes('"path":"/api/v1/sync/push"')) serverDurations.push(JSON.parse(line).durationMs);
    });
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { proc, url };
}

function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU time (user + system) a process has used, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
}

async function addLibrary(database: Database, name: string): Promise<string> {
  const made = await createLibrary(
    database.db,
    { name, village: 'Bench', district: 'Bench', regency: 'Bench', province: 'Bench', timezone: 'Asia/Jakarta' },
    new Date(),
  );
  if (!made.ok) throw new Error('library');
  return made.library.id;
}

/**
 * Library ids are random, and the rows of the library whose id sorts last go to the right
 * edge of the entries' indexes, where both databases insert fastest (on SQLite a 500-row
 * INSERT took 0.83 ms there against 1.15 ms anywhere else, measured). Which of a run's
 * libraries sorted last was chance, so HTTP or direct sometimes had that edge. A library
 * whose id sorts after any other, holding one entry, keeps every library of the run off it,
 * as on a server holding many libraries, where a push lands among the others' rows.
 */
async function addTailLibrary(database: Database): Promise<void> {
  const id = 'lib-zzzzzzzzzzzz'; // newLibraryId's largest
  const now = new Date();
  await insertLibrary(database.db, { id, name: 'Bench tail', village: 'Bench', district: 'Bench', regency: 'Bench', province: 'Bench', timezone: 'Asia/Jakarta' }, now);
  const at = now.toISOString();
  await database.db
    .insertInto('entries')
    .values({ library_id: id, entry_id: '0190a1b2-ffff-7e5f-8a6b-000000000000', version: 0, device_id: 'tail', updated_at: at, deleted: 0, body: '{}' })
    .execute();
}

async function enrolDevice(database: Database, url: string, name: string): Promise<{ token: string; libraryId: string }> {
  const libraryId = await addLibrary(database, name);
  const { code } = await issueCode(database.db, libraryId, 1, new Date());
  const res = await fetch(`${url}/api/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  if (res.status !== 201) throw new Error(`enrol: ${res.status}`);
  return { token: ((await res.json()) as { token: string }).token, libraryId };
}

/**
 * A lean HTTP/1.1 client: one keep-alive connection per device, requests written as
 * prepared bytes, answers framed by Content-Length (or chunked). In production each
 * phone is its own machine; here the hundred devices share the server's two cores, so
 * the client must cost as little as it can — node:http spent about half as much CPU
 * per push as the server itself — or the benchmark measures the client. (fetch/undici,
 * given 100 new connections at once, even left some waiting seconds before sending.)
 */
class Connection {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private closed = false;

  private constructor(
    private readonly url: URL,
    private socket: net.Socket,
  ) {
    this.attach(socket);
  }

  private attach(socket: net.Socket): void {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      this.tryAnswer();
    });
    const fail = (e: Error) => {
      const w = this.waiting;
      this.waiting = null;
      w?.reject(e);
    };
    socket.on('error', fail);
    socket.on('close', () => {
      this.closed = true;
      fail(new Error('connection closed'));
    });
  }

  private static connect(url: URL): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: url.hostname, port: Number(url.port) }, () => resolve(socket));
      socket.once('error', reject);
    });
  }

  static async open(url: URL): Promise<Connection> {
    return new Connection(url, await Connection.connect(url));
  }

  /**
   * Sends one push and resolves on a 200 answer without a rejected entry. A connection the
   * server closed while idle (its keep-alive timeout: a direct slice slowed by a busy disk
   * took longer) is opened again first; written to as it was, the push never settled.
   */
  async push(request: Buffer): Promise<void> {
    if (this.closed) {
      this.socket = await Connection.connect(this.url);
      this.closed = false;
      this.buffered = Buffer.alloc(0);
      this.attach(this.socket);
    }
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private tryAnswer(): void {
    const headEnd = this.buffered.indexOf('\r\n\r\n');
    if (headEnd < 0 || !this.waiting) return;
    const head = this.buffered.toString('latin1', 0, headEnd);
    const status = Number(head.slice(9, 12));
    let body: Buffer;
    let rest: Buffer;
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (length) {
      const end = headEnd + 4 + Number(length[1]);
      if (this.buffered.length < end) return;
      body = this.buffered.subarray(headEnd + 4, end);
      rest = this.buffered.subarray(end);
    } else {
      // chunked
      const parts: Buffer[] = [];
      let at = headEnd + 4;
      for (;;) {
        const lineEnd = this.buffered.indexOf('\r\n', at);
        if (lineEnd < 0) return;
        const size = parseInt(this.buffered.toString('latin1', at, lineEnd), 16);
        if (this.buffered.length < lineEnd + 2 + size + 2) return;
        if (size === 0) {
          at = lineEnd + 4;
          break;
        }
        parts.push(this.buffered.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
      body = Buffer.concat(parts);
      rest = this.buffered.subarray(at);
    }
    this.buffered = rest;
    const w = this.waiting;
    this.waiting = null;
    if (status !== 200 || body.includes('"rejected"')) w.reject(new Error(`push: ${status} ${body.toString('utf8', 0, 300)}`));
    else w.resolve();
  }
}

/**
 * A push request as bytes, its body gzipped as a phone sends it (src/device/sync-http.ts
 * gzips a body over 1 KB with CompressionStream, at zlib's default level, as gzipSync's),
 * or `plain`, as a client without CompressionStream sends it.
 */
function pushRequest(url: URL, token: string, body: string, encoding: 'gzip' | 'plain' = 'gzip'): Buffer {
  const json = Buffer.from(body, 'utf8');
  const payload = encoding === 'gzip' ? gzipSync(json) : json;
  const head =
    `POST /api/v1/sync/push HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${token}\r\n` +
    (encoding === 'gzip' ? 'Content-Encoding: gzip\r\n' : '') +
    `Content-Type: application/json\r\nContent-Length: ${payload.length}\r\nConnection: keep-alive\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), payload]);
}

/** Request bodies of consecutive batches, seqs from `firstSeq`. */
function pushBodies(entries: ActivityEntryInput[], batch: number, firstSeq = 1): string[] {
  const bodies: string[] = [];
  for (let i = 0; i < entries.length; i += batch) {
    const mutations = entries.slice(i, i + batch).map((entry, j) => ({ seq: firstSeq + i + j, baseVersion: 0, entry }));
    bodies.push(JSON.stringify({ mutations }));
  }
  return bodies;
}

type Row = [string, string, string, string, number, string];

/** The rows a direct insert stores for `entries`: library, id, device, updatedAt, deleted, body (versions come from the database). */
function directRows(libraryId: string, entries: ActivityEntryInput[]): Row[][] {
  const batches: Row[][] = [];
  for (let i = 0; i < entries.length; i += INGEST_BATCH) {
    batches.push(
      entries.slice(i, i + INGEST_BATCH).map((e) => {
        const entry = { ...e, libraryId };
        return [libraryId, String(e.id), 'direct', String(e.updatedAt), 0, JSON.stringify(entry)];
      }),
    );
  }
  return batches;
}

/** The floor: rows straight into the same table through the driver, 500 a transaction. */
interface DirectInserter {
  insert(rows: Row[]): Promise<void>;
  close(): Promise<void>;
}

async function directInserter(target: DatabaseTarget): Promise<DirectInserter> {
  if (target.kind === 'sqlite') {
    const db = new Sqlite(target.path);
    db.pragma('journal_mode = WAL');
    // As the server's connection (src/server/db.ts): FULL, and no automatic checkpoints —
    // the server's checkpointer thread copies the WAL for both.
    db.pragma('synchronous = FULL');
    db.pragma('wal_autocheckpoint = 0');
    db.pragma('busy_timeout = 5000');
    const placeholders = Array.from({ length: INGEST_BATCH }, () => '(?,?,?,?,?,?,?)').join(',');
    const insert = db.prepare(
      `INSERT INTO entries (library_id, entry_id, version, device_id, updated_at, deleted, body) VALUES ${placeholders}`,
    );
    const bump = db.prepare('UPDATE version_counter SET value = value + ? WHERE id = 1 RETURNING value');
    const batch = db.transaction((rows: Row[]) => {
      const last = (bump.get(rows.length) as { value: number }).value;
      const params: unknown[] = [];
      rows.forEach(([lib, id, dev, at, deleted, body], i) => params.push(lib, id, last - rows.length + 1 + i, dev, at, deleted, body));
      insert.run(params);
    });
    return {
      insert: async (rows) => void batch.immediate(rows),
      close: async () => void db.close(),
    };
  }
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  // One statement, one transaction (autocommit), one round trip per 500 rows; the rows
  // as one JSON array, pg's fastest way in short of COPY (its text arrays cost twice the
  // client CPU).
  const text =
    'INSERT INTO entries (library_id, entry_id, version, device_id, updated_at, deleted, body) ' +
    "SELECT l, id, nextval('entry_version'), dev, at, del, body FROM json_to_recordset($1::json) " +
    'AS r(l text, id text, dev text, at text, del integer, body text)';
  return {
    async insert(rows) {
      const json = JSON.stringify(rows.map(([l, id, dev, at, del, body]) => ({ l, id, dev, at, del, body })));
      await client.query({ name: 'direct-insert', text, values: [json] });
    },
    close: () => client.end(),
  };
}

/**
 * The concurrent ingest: INGEST_ENTRIES entries split over INGEST_DEVICES devices, each
 * pushing its share in batches of 500 one after another while the others do the same;
 * alternating, in slices, with the same rows inserted directly by as many connections at
 * once. Returns both throughputs.
 */
async function ingestAtOnce(database: Database, serverUrl: string, url: URL, target: DatabaseTarget): Promise<{ httpRate: number; directRate: number }> {
  const share = Math.floor(INGEST_ENTRIES / INGEST_DEVICES / INGEST_BATCH) * INGEST_BATCH;
  const devices: { connection: Connection; requests: Buffer[]; direct: Row[][] }[] = [];
  for (let d = 0; d < INGEST_DEVICES; d++) {
    const dev = await enrolDevice(database, serverUrl, `Rush ${d}`);
    const entries = makeEntries(share, dev.libraryId, 50 + d);
    const directLibrary = await addLibrary(database, `Rush direct ${d}`);
    devices.push({
      connection: await Connection.open(url),
      requests: pushBodies(entries, INGEST_BATCH).map((b) => pushRequest(url, dev.token, b)),
      direct: directRows(directLibrary, entries),
    });
  }
  const inserters = await Promise.all(
    Array.from({ length: target.kind === 'postgres' ? INGEST_DEVICES : 1 }, () => directInserter(target)),
  );
  const batchesEach = share / INGEST_BATCH;
  const sliceEach = Math.max(1, Math.floor(SLICE_BATCHES / INGEST_DEVICES));
  let httpMs = 0;
  let directMs = 0;
  try {
    for (let at = 0; at < batchesEach; at += sliceEach) {
      const end = Math.min(at + sliceEach, batchesEach);
      let t = performance.now();
      await Promise.all(
        devices.map(async (d) => {
          for (let i = at; i < end; i++) await d.connection.push(d.requests[i]);
        }),
      );
      httpMs += performance.now() - t;
      t = performance.now();
      await Promise.all(
        inserters.map(async (inserter, k) => {
          // Each connection takes its devices' rows (on SQLite, one connection takes them all).
          for (let d = k; d < devices.length; d += inserters.length) for (let i = at; i < end; i++) await inserter.insert(devices[d].direct[i]);
        }),
      );
      directMs += performance.now() - t;
    }
  } finally {
    for (const d of devices) d.connection.close();
    await Promise.all(inserters.map((i) => i.close()));
  }
  const total = share * INGEST_DEVICES;
  return { httpRate: total / (httpMs / 1000), directRate: total / (directMs / 1000) };
}

/**
 * Waits for the server's background work to end before latency is measured: the stored
 * KPIs of the libraries pushed so far are recomputed once pushes pause (2 s), and the ingest
 * parts leave libraries of 25,000–100,000 entries (a real one holds a few hundred), whose
 * recomputation blocks the event loop for a while. Without this wait, when it ran depended
 * on how long the enrolments took, and p99 measured that instead of the pushes.
 */
async function waitUntilIdle(serverUrl: string): Promise<void> {
  await new Promise((r) => setTimeout(r, 2_500));
  for (let quick = 0, tries = 0; quick < 10 && tries < 600; tries++) {
    const t = performance.now();
    await (await fetch(`${serverUrl}/healthz`)).arrayBuffer();
    quick = performance.now() - t < 5 ? quick + 1 : 0;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Each device's requests one after another, all devices at once: the latency of each push as
 * its device sees it (sorted), and the wall time of the whole.
 */
async function pushRounds(plans: { connection: Connection; requests: Buffer[] }[]): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    plans.map(async ({ connection, requests }) => {
      for (const request of requests) {
        const t = performance.now();
        await connection.push(request);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const wallMs = performance.now() - started;
  return { latencies: latencies.sort((a, b) => a - b), wallMs };
}

/**
 * The latency part's rounds on connections warmed up by each plan's first request: the rest
 * pushed as `pushRounds` does, then the connections closed, with the CPU the server process
 * `pid` used meanwhile.
 */
async function measuredRounds(pid: number, plans: { connection: Connection; requests: Buffer[] }[]): Promise<{ latencies: number[]; wallMs: number; cpuMs: number }> {
  const cpuBefore = cpuMs(pid);
  const rounds = await pushRounds(plans.map((p) => ({ connection: p.connection, requests: p.requests.slice(1) })));
  for (const p of plans) p.connection.close();
  return { ...rounds, cpuMs: cpuMs(pid) - cpuBefore };
}

/**
 * The latency part's floor (bench/floor-server.ts): the same devices' pushes, the first as a
 * warm-up, sent the same way to a bare node:http server that only unpacks, parses and answers
 * them. Run just before the real server's rounds, on connections of its own.
 */
async function floorLatency(requests: Buffer[][]): Promise<{ latencies: number[]; wallMs: number; cpuMs: number }> {
  const floor = await spawnListening('bench/floor-server.ts', {});
  const url = new URL(floor.url);
  try {
    const plans = await Promise.all(requests.map(async (r) => ({ connection: await Connection.open(url), requests: r })));
    await Promise.all(plans.map((p) => p.connection.push(p.requests[0])));
    return await measuredRounds(floor.proc.pid!, plans);
  } finally {
    floor.proc.kill('SIGTERM');
    await new Promise((r) => floor.proc.once('exit', r));
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (x: number, digits = 1) => Number(x.toFixed(digits));

async function benchOne(target: DatabaseTarget): Promise<Record<string, string | number>> {
  const database = openDatabase(target, { poolSize: 2 });
  if (target.kind === 'postgres') {
    await sql`DROP SCHEMA IF EXISTS public CASCADE`.execute(database.db);
    await sql`CREATE SCHEMA public`.execute(database.db);
  }
  await migrate(database.db, database.kind);
  await addTailLibrary(database);
  const server = await spawnServer(databaseUrlOf(target));
  const url = new URL(server.url);
  const direct = await directInserter(target);
  try {
    // Everything is made before any clock starts.
    const ingest = await enrolDevice(database, server.url, 'Ingest');
    const ingestPlain = await enrolDevice(database, server.url, 'Ingest plain');
    const warm = await enrolDevice(database, server.url, 'Warm-up');
    const directLibrary = await addLibrary(database, 'Direct');
    const directWarmLibrary = await addLibrary(database, 'Direct warm-up');
    const ingestEntries = makeEntries(INGEST_ENTRIES, ingest.libraryId, 1);
    const httpRequests = pushBodies(ingestEntries, INGEST_BATCH).map((b) => pushRequest(url, ingest.token, b));
    const plainEntries = makeEntries(INGEST_ENTRIES, ingestPlain.libraryId, 3);
    const plainRequests = pushBodies(plainEntries, INGEST_BATCH).map((b) => pushRequest(url, ingestPlain.token, b, 'plain'));
    const directBatches = directRows(directLibrary, ingestEntries);
    const warmEntries = makeEntries(WARMUP_BATCHES * INGEST_BATCH, warm.libraryId, 2);
    const warmRequests = pushBodies(warmEntries, INGEST_BATCH).map((b, i) => pushRequest(url, warm.token, b, i % 2 ? 'plain' : 'gzip'));
    const ingestConnection = await Connection.open(url);
    const warmDirect = directRows(directWarmLibrary, warmEntries);

    // Warm-up: the server's code paths and caches, and the direct path's.
    for (let i = 0; i < WARMUP_BATCHES; i++) {
      await ingestConnection.push(warmRequests[i]);
      await direct.insert(warmDirect[i]);
    }

    // Ingest, HTTP (gzipped and plain, taking turns to go first) and direct alternating in slices.
    let httpMs = 0;
    let plainMs = 0;
    let directMs = 0;
    for (let at = 0; at < httpRequests.length; at += SLICE_BATCHES) {
      const end = Math.min(at + SLICE_BATCHES, httpRequests.length);
      const timed = async (requests: Buffer[]) => {
        const t = performance.now();
        for (let i = at; i < end; i++) await ingestConnection.push(requests[i]);
        return performance.now() - t;
      };
      if ((at / SLICE_BATCHES) % 2 === 0) {
        httpMs += await timed(httpRequests);
        plainMs += await timed(plainRequests);
      } else {
        plainMs += await timed(plainRequests);
        httpMs += await timed(httpRequests);
      }
      const t = performance.now();
      for (let i = at; i < end; i++) await direct.insert(directBatches[i]);
      directMs += performance.now() - t;
    }
    ingestConnection.close();
    const stored = await database.db
      .selectFrom('entries')
      .select(['library_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('library_id', 'in', [ingest.libraryId, ingestPlain.libraryId, directLibrary])
      .groupBy('library_id')
      .execute();
    if (stored.length !== 3 || stored.some((r) => Number(r.n) !== INGEST_ENTRIES)) throw new Error(`ingest stored ${JSON.stringify(stored)}`);

    // Ingest again, INGEST_DEVICES devices of as many libraries at once (a month-end rush),
    // beside as many direct connections inserting at once (on SQLite one connection: its
    // single writer takes one transaction at a time however many connections ask).
    const rush = PARTS.has('rush') ? await ingestAtOnce(database, server.url, url, target) : null;
    const ingestColumns = {
      db: target.kind,
      'HTTP entries/s': Math.round(INGEST_ENTRIES / (httpMs / 1000)),
      'direct entries/s': Math.round(INGEST_ENTRIES / (directMs / 1000)),
      ratio: round(directMs / httpMs, 2),
      'ratio, plain bodies': round(directMs / plainMs, 2),
      ...(rush && {
        [`${INGEST_DEVICES} at once: HTTP/direct entries/s`]: `${Math.round(rush.httpRate)}/${Math.round(rush.directRate)}`,
        [`${INGEST_DEVICES} at once: ratio`]: round(rush.httpRate / rush.directRate, 2),
      }),
    };
    if (!PARTS.has('latency')) return ingestColumns;

    // Latency: 100 devices at once, bodies made and connections opened first.
    const devices = [];
    for (let d = 0; d < DEVICES; d++) devices.push(await enrolDevice(database, server.url, `Device ${d}`));
    const plans = await Promise.all(
      devices.map(async (dev, d) => {
        const entries = makeEntries(LATENCY_BATCH * (LATENCY_ROUNDS + 1), dev.libraryId, 100 + d);
        const requests = pushBodies(entries, LATENCY_BATCH).map((b) => pushRequest(url, dev.token, b));
        return { connection: await Connection.open(url), requests };
      }),
    );
    await Promise.all(plans.map((p) => p.connection.push(p.requests[0])));
    await waitUntilIdle(server.url);
    const floor = await floorLatency(plans.map((p) => p.requests));
    // The wait and the floor can outlast the server's keep-alive timeout (5 s): it then closed every
    // connection, and the first round measured 100 connections opened at once (up to a
    // second) instead of pushes. Each connection is opened again, if need be, by a health
    // check, which schedules no background work.
    const health = Buffer.from(`GET /healthz HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n\r\n`, 'latin1');
    await Promise.all(plans.map((p) => p.connection.push(health)));

    serverDurations.length = 0;
    recording = true;
    const { latencies, wallMs: latencyWallMs, cpuMs: serverCpuMs } = await measuredRounds(server.proc.pid!, plans);
    recording = false;
    const inServer = [...serverDurations].sort((a, b) => a - b);

    return {
      ...ingestColumns,
      'p50 ms': round(percentile(latencies, 50)),
      'p99 ms': round(percentile(latencies, 99)),
      'max ms': round(latencies[latencies.length - 1]),
      'in-handler p50/p99 ms': `${percentile(inServer, 50)}/${percentile(inServer, 99)}`,
      'pushes/s': Math.round(latencies.length / (latencyWallMs / 1000)),
      'floor p50/p99 ms': `${round(percentile(floor.latencies, 50))}/${round(percentile(floor.latencies, 99))}`,
      'floor pushes/s': Math.round(floor.latencies.length / (floor.wallMs / 1000)),
      'server CPU ms/push': round(serverCpuMs / latencies.length, 2),
      'floor CPU ms/push': round(floor.cpuMs / floor.latencies.length, 2),
      'server peak RSS MiB': Math.round(peakRssMiB(server.proc.pid!)),
    };
  } finally {
    await direct.close();
    server.proc.kill('SIGTERM');
    await new Promise((r) => server.proc.once('exit', r));
    await database.close();
  }
}

const only = process.env.BENCH_DB;
const dir = mkdtempSync(join(tmpdir(), 'tpbis-bench-'));
const results = [];
try {
  if (only !== 'postgres') results.push(await benchOne({ kind: 'sqlite', path: join(dir, 'bench.sqlite') }));
  if (only !== 'sqlite') results.push(await benchOne(await postgresTarget()));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `\nServer benchmark: ingest ${INGEST_ENTRIES} entries in batches of ${INGEST_BATCH} (HTTP and direct alternating), ` +
    `by one device, then by ${INGEST_DEVICES} devices at once; ` +
    `${DEVICES} devices × ${LATENCY_ROUNDS} batches of ${LATENCY_BATCH} at once`,
);
console.table(results);
console.log(
  'Budgets: ratio ≥ 0.5 (HTTP ingest, bodies gzipped as phones send them, vs direct insert), p99 ≤ 100 ms. ' +
    '"ratio, plain bodies": the same pushes not compressed (a client without CompressionStream), for comparison. ' +
    '"floor": the same 100 devices\' pushes to a bare node:http server that only unpacks, parses and answers them (bench/floor-server.ts), just before.',
);
