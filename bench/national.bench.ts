/**
 * `npm run bench:national`: regional monitoring at national scale (issue 6, "Benchmark").
 *
 * Seeds PostgreSQL with 84,000 libraries (38 provinces, ~13 kabupaten/kota each) and
 * 12 months × 5 entries per library (5.04 million entries, dated in the twelve months up
 * to today, in a mix that gives every colour), then:
 *   1. the seeding rate (libraries and entries inserted through pg, 10,000 rows a
 *      statement, two connections);
 *   2. the stored KPIs, computed by the server's own refresh (store/kpi-snapshots.ts:
 *      entries read back, computeKpi, upsert) — the work a push schedules per library;
 *   3. over HTTP against the real server process (`src/server/main.ts`), logged in as a
 *      national and as a province supervisor: the national summary and one province's
 *      (budget ≤ 200 ms each), first call and median of 9, plus one kabupaten's library list.
 *
 * BENCH_LIBRARIES changes the number of libraries (for quick runs); BENCH_REUSE=1 keeps the
 * data set of an earlier run of the same size (its stored KPIs are refreshed by the
 * server as needed) and only times the routes. PostgreSQL:
 * BENCH_POSTGRES_URL, or the database `tpbis_national` next to TEST_POSTGRES_URL (made if
 * missing; its schema is dropped at start). Seeding the full set takes a few minutes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { sql } from 'kysely';
import pg from 'pg';
import {
  activityTypesOf,
  defaultRulebook,
  fastEntryParser,
  STRATEGIES,
  todayIn,
  type ActivityEntry,
  type Strategy,
  type Timezone,
} from '../src/domain';
import { openDatabase, type Database } from '../src/server/db';
import { migrate } from '../src/server/migrations';
import { hashPassword } from '../src/server/passwords';
import { refreshSnapshots } from '../src/server/store/kpi-snapshots';
import { insertSupervisor } from '../src/server/store/supervisors';
import { prng } from '../tests/device/sync-harness';

const LIBRARIES = Number(process.env.BENCH_LIBRARIES ?? 84_000);
const PROVINCES = 38;
const REGENCIES_PER_PROVINCE = 13;
const MONTHS = 12;
const PER_MONTH = 5;
const ROWS_PER_STATEMENT = 10_000;
const SNAPSHOT_BATCH = 500;
const PASSWORD = 'bench-password';

const now = new Date();

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const provinceName = (p: number) => `Provinsi ${pad(p + 1, 2)}`;
const regencyName = (p: number, r: number) => `Kabupaten ${pad(p + 1, 2)}-${pad(r + 1, 2)}`;
/** Most provinces in WIB, some in WITA, the last few in WIT (as the country is). */
const timezoneOf = (p: number): Timezone => (p < 30 ? 'Asia/Jakarta' : p < 35 ? 'Asia/Makassar' : 'Asia/Jayapura');

interface SeedLibrary {
  id: string;
  name: string;
  province: string;
  regency: string;
  timezone: Timezone;
  lastPushAt: string;
}

function makeLibraries(): SeedLibrary[] {
  const random = prng(1);
  return Array.from({ length: LIBRARIES }, (_, i) => {
    const p = i % PROVINCES;
    const r = Math.floor(i / PROVINCES) % REGENCIES_PER_PROVINCE;
    // One in six has not synced for over a month ("belum sinkron 30+ hari").
    const daysAgo = random() < 1 / 6 ? 31 + Math.floor(random() * 60) : Math.floor(random() * 25);
    return {
      id: `lib-n${pad(i, 7)}`,
      name: `Perpustakaan Desa ${pad(i, 6)}`,
      province: provinceName(p),
      regency: regencyName(p, r),
      timezone: timezoneOf(p),
      lastPushAt: new Date(now.getTime() - daysAgo * 86_400_000).toISOString(),
    };
  });
}

/** The twelve months up to this one (YYYY-MM), oldest first, in the library's zone. */
function lastMonths(today: string): { month: string; lastDay: number }[] {
  const [y, m, d] = today.split('-').map(Number);
  return Array.from({ length: MONTHS }, (_, k) => {
    const back = MONTHS - 1 - k;
    const date = new Date(Date.UTC(y, m - 1 - back, 1));
    const month = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1, 2)}`;
    const days = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
    return { month, lastDay: back === 0 ? d : days };
  });
}

/**
 * A library's 60 entries, normalised by the domain's own parser (as the server stores
 * them). Profiles give a mix of colours: some never advocate (merah), some seldom
 * document (kuning), most keep every strategy going and document it (kuning or hijau).
 */
function makeEntries(library: SeedLibrary, index: number, parse: (raw: unknown) => ActivityEntry | null): ActivityEntry[] {
  const random = prng(index + 7);
  const profile = random();
  const strategies: readonly Strategy[] = profile < 0.15 ? ['layanan', 'pelibatan'] : STRATEGIES;
  const documentedShare = profile < 0.45 ? 0.1 : 0.6;
  const types = activityTypesOf(defaultRulebook);
  const out: ActivityEntry[] = [];
  for (const { month, lastDay } of lastMonths(todayIn(library.timezone, now))) {
    for (let k = 0; k < PER_MONTH; k++) {
      const strategy = k === 0 && strategies.includes('pelibatan') ? 'pelibatan' : strategies[Math.floor(random() * strategies.length)];
      const day = 1 + Math.floor(random() * lastDay);
      const stamp = `${month}-${pad(Math.min(day, 28), 2)}T03:00:00.000Z`;
      const raw = {
        id: `0190a1b2-${pad(index % 10_000, 4)}-7e5f-8a6b-${index.toString(16).padStart(8, '0')}${pad(out.length, 4)}`,
        libraryId: library.id,
        strategy,
        activityType: types[strategy][Math.floor(random() * types[strategy].length)],
        title: `Kegiatan ${month} nomor ${k + 1}`,
        date: `${month}-${pad(day, 2)}`,
        participantsMale: 1 + Math.floor(random() * 20),
        participantsFemale: 1 + Math.floor(random() * 20),
        ...(random() < documentedShare ? { successStory: 'Warga mulai memakai keterampilan baru dari kegiatan ini.' } : {}),
        createdAt: stamp,
        updatedAt: stamp,
        deleted: false,
      };
      const entry = parse(raw);
      if (!entry) throw new Error(`the bench made an invalid entry: ${JSON.stringify(raw)}`);
      out.push(entry);
    }
  }
  return out;
}

async function postgresUrl(): Promise<string> {
  if (process.env.BENCH_POSTGRES_URL) return process.env.BENCH_POSTGRES_URL;
  const base = process.env.TEST_POSTGRES_URL ?? 'postgres://tpbis:tpbis@127.0.0.1:5432/tpbis_test';
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  const exists = await client.query(`SELECT 1 FROM pg_database WHERE datname = 'tpbis_national'`);
  if (exists.rowCount === 0) await client.query('CREATE DATABASE tpbis_national');
  await client.end();
  const url = new URL(base);
  url.pathname = '/tpbis_national';
  return url.toString();
}

async function seed(pool: pg.Pool, libraries: SeedLibrary[]): Promise<{ entries: number; ms: number }> {
  const started = performance.now();
  const created = now.toISOString();
  for (let i = 0; i < libraries.length; i += ROWS_PER_STATEMENT) {
    const chunk = libraries.slice(i, i + ROWS_PER_STATEMENT);
    await pool.query(
      `INSERT INTO libraries (library_id, name, npp, village, district, regency, province, timezone, created_at, last_push_at, change_count)
       SELECT id, name, NULL, 'Desa ' || name, 'Kecamatan ' || regency, regency, province, tz, $7, pushed, 1
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(id, name, regency, province, tz, pushed)`,
      [
        chunk.map((l) => l.id),
        chunk.map((l) => l.name),
        chunk.map((l) => l.regency),
        chunk.map((l) => l.province),
        chunk.map((l) => l.timezone),
        chunk.map((l) => l.lastPushAt),
        created,
      ],
    );
  }

  const parsers = new Map<Timezone, (raw: unknown) => ActivityEntry | null>();
  const parserFor = (tz: Timezone) => {
    let p = parsers.get(tz);
    if (!p) parsers.set(tz, (p = fastEntryParser({ today: todayIn(tz, now), activityTypes: activityTypesOf(defaultRulebook) })));
    return p;
  };

  // Two statements in flight: one being built here while PostgreSQL writes the other.
  const inFlight = new Set<Promise<unknown>>();
  let rows: ActivityEntry[] = [];
  let entries = 0;
  const flush = async () => {
    const batch = rows;
    rows = [];
    entries += batch.length;
    const done = pool
      .query(
        `INSERT INTO entries (library_id, entry_id, version, device_id, updated_at, deleted, body)
         SELECT l, e, nextval('entry_version'), 'seed-device', u, 0, b
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(l, e, u, b)`,
        [batch.map((r) => r.libraryId), batch.map((r) => r.id), batch.map((r) => r.updatedAt), batch.map((r) => JSON.stringify(r))],
      )
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
    if (inFlight.size >= 2) await Promise.race(inFlight);
  };
  for (let i = 0; i < libraries.length; i++) {
    rows.push(...makeEntries(libraries[i], i, parserFor(libraries[i].timezone)));
    if (rows.length >= ROWS_PER_STATEMENT) await flush();
    if (i > 0 && i % 10_000 === 0) process.stdout.write(`  … ${i.toLocaleString('en')} libraries\n`);
  }
  if (rows.length > 0) await flush();
  await Promise.all(inFlight);
  await pool.query('ANALYZE');
  return { entries, ms: performance.now() - started };
}

async function spawnServer(databaseUrl: string): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', 'src/server/main.ts'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (line.includes('"event":"listening"')) resolve(JSON.parse(line).url);
    });
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { proc, url };
}

async function login(url: string, username: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/monitor/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0];
}

/** Times one GET as the browser sees it (whole body read); throws unless 200. */
async function timedGet(url: string, cookie: string): Promise<{ ms: number; body: unknown }> {
  const started = performance.now();
  const res = await fetch(url, { headers: { cookie, 'accept-encoding': 'identity' } });
  const text = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${text}`);
  return { ms, body: JSON.parse(text) };
}

async function timeRoute(label: string, url: string, cookie: string): Promise<void> {
  const first = await timedGet(url, cookie);
  const rest: number[] = [];
  for (let i = 0; i < 9; i++) rest.push((await timedGet(url, cookie)).ms);
  rest.sort((a, b) => a - b);
  const median = rest[Math.floor(rest.length / 2)];
  const verdict = median <= 200 ? 'within' : 'OVER';
  console.log(`  ${label.padEnd(34)} first ${first.ms.toFixed(1).padStart(7)} ms   median ${median.toFixed(1).padStart(7)} ms   max ${rest[rest.length - 1].toFixed(1).padStart(7)} ms   (${verdict} budget 200 ms)`);
  const total = (first.body as { total?: { libraries: number; colours: Record<string, number> } }).total;
  if (total) console.log(`  ${''.padEnd(34)} ${total.libraries.toLocaleString('en')} libraries: ${JSON.stringify(total.colours)}`);
}

async function main(): Promise<void> {
  const databaseUrl = await postgresUrl();
  const database: Database = openDatabase({ kind: 'postgres', url: databaseUrl });
  console.log(`National monitoring benchmark: ${LIBRARIES.toLocaleString('en')} libraries × ${MONTHS} months × ${PER_MONTH} entries, PostgreSQL`);
  const libraries = makeLibraries();
  if (process.env.BENCH_REUSE === '1' && (await seededLibraries(database)) === LIBRARIES) {
    console.log('Reusing the data set of the previous run (BENCH_REUSE=1): no seeding.');
  } else {
    await seedAll(database, databaseUrl, libraries);
  }
  await serveAndTime(database, databaseUrl);
}

async function seededLibraries(database: Database): Promise<number> {
  try {
    const { rows } = await sql<{ n: string }>`SELECT COUNT(*) AS n FROM library_kpi`.execute(database.db);
    return Number(rows[0].n);
  } catch {
    return 0; // no schema yet
  }
}

async function seedAll(database: Database, databaseUrl: string, libraries: SeedLibrary[]): Promise<void> {
  await sql`DROP SCHEMA IF EXISTS public CASCADE`.execute(database.db);
  await sql`CREATE SCHEMA public`.execute(database.db);
  await migrate(database.db, 'postgres');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const seeded = await seed(pool, libraries);
  await pool.end();
  const rows = libraries.length + seeded.entries;
  console.log(
    `Seeding: ${seeded.entries.toLocaleString('en')} entries and ${libraries.length.toLocaleString('en')} libraries in ${(seeded.ms / 1000).toFixed(1)} s` +
      ` → ${Math.round((rows / seeded.ms) * 1000).toLocaleString('en')} rows/s`,
  );

  const snapStarted = performance.now();
  for (let i = 0; i < libraries.length; i += SNAPSHOT_BATCH) {
    await refreshSnapshots(database.db, defaultRulebook, now, libraries.slice(i, i + SNAPSHOT_BATCH).map((l) => l.id));
  }
  const snapMs = performance.now() - snapStarted;
  console.log(`Stored KPIs (the server's refresh): ${libraries.length.toLocaleString('en')} libraries in ${(snapMs / 1000).toFixed(1)} s → ${Math.round((libraries.length / snapMs) * 1000).toLocaleString('en')} libraries/s`);
  const colours = await sql<{ colour: string; n: string }>`SELECT colour, COUNT(*) AS n FROM library_kpi GROUP BY colour ORDER BY colour`.execute(database.db);
  console.log(`  colours: ${colours.rows.map((r) => `${r.colour} ${r.n}`).join(', ')}`);
}

async function serveAndTime(database: Database, databaseUrl: string): Promise<void> {
  await sql`DELETE FROM supervisors`.execute(database.db);
  await sql`DELETE FROM supervisor_sessions`.execute(database.db);
  const hash = await hashPassword(PASSWORD);
  await insertSupervisor(database.db, { name: 'nasional', scope: 'national', passwordHash: hash }, now);
  await insertSupervisor(database.db, { name: 'provinsi', scope: `province:${provinceName(0)}`, passwordHash: hash }, now);

  const server = await spawnServer(databaseUrl);
  try {
    const national = await login(server.url, 'nasional');
    const province = await login(server.url, 'provinsi');
    console.log('Monitoring over HTTP (whole answer read; snapshots fresh, as after the server’s sweep):');
    await timeRoute('national summary', `${server.url}/api/v1/monitor/summary`, national);
    await timeRoute(`province summary (${provinceName(0)})`, `${server.url}/api/v1/monitor/summary?province=${encodeURIComponent(provinceName(0))}`, province);
    const regency = regencyName(0, 0);
    await timeRoute(
      `library list (${regency})`,
      `${server.url}/api/v1/monitor/libraries?province=${encodeURIComponent(provinceName(0))}&regency=${encodeURIComponent(regency)}`,
      province,
    );

    // The worst case, no budget: every stored KPI out of date at once, as just after a
    // zone's midnight before the server's midnight sweep has run (or after a publish).
    // The first summary then recomputes the whole area itself.
    await sql`UPDATE library_kpi SET computed_for = '2000-01-01'`.execute(database.db);
    const cold = await timedGet(`${server.url}/api/v1/monitor/summary`, national);
    console.log(`  national summary, every stored KPI out of date (no budget): ${(cold.ms / 1000).toFixed(1)} s, then fresh again`);
  } finally {
    server.proc.kill('SIGTERM');
    await database.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
