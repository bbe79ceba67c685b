/**
 * The server as a process: crash safety (SIGKILL during a stream of pushes, restart,
 * replay every unacknowledged batch → each entry stored exactly once), a graceful
 * SIGTERM (in-flight requests finish, exit 0), also when it is sent to `npm start`, and
 * start-up failures told in a line naming the setting to check.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityEntryInput } from '../../src/domain';
import type { Database } from '../../src/server/db';
import { migrate } from '../../src/server/migrations';
import { issueCode } from '../../src/server/store/codes';
import { createLibrary } from '../../src/server/store/libraries';
import { DB_KINDS, freshDatabaseUrl, makeEntry, openUrl, postgresUrl } from './harness';

interface Child {
  proc: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  /** The server's log lines (its standard output), as they come. */
  lines: string[];
}

async function spawnServer(databaseUrl: string): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const lines: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      lines.push(line);
      if (line.includes('"event":"listening"')) resolve(JSON.parse(line).url);
    });
    proc.once('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
  });
  return { proc, url, exited, lines };
}

async function seedDevice(database: Database, url: string): Promise<{ token: string; libraryId: string }> {
  const made = await createLibrary(
    database.db,
    { name: 'Perpustakaan Uji', village: 'A', district: 'B', regency: 'C', province: 'D', timezone: 'Asia/Jakarta' },
    new Date(),
  );
  if (!made.ok) throw new Error('library');
  const { code } = await issueCode(database.db, made.library.id, 14, new Date());
  const res = await fetch(`${url}/api/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  const body = (await res.json()) as { token: string };
  return { token: body.token, libraryId: made.library.id };
}

function pushBatch(url: string, token: string, firstSeq: number, entries: ActivityEntryInput[]) {
  return fetch(`${url}/api/v1/sync/push`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ mutations: entries.map((entry, i) => ({ seq: firstSeq + i, baseVersion: 0, entry })) }),
  });
}

describe.each(DB_KINDS)('server process on %s', (kind) => {
  let databaseUrl: string;
  let cleanup: () => Promise<void>;
  let database: Database;
  beforeAll(async () => {
    ({ url: databaseUrl, cleanup } = await freshDatabaseUrl(kind));
    database = openUrl(databaseUrl);
    await migrate(database.db, database.kind);
  });
  afterAll(async () => {
    await database?.close();
    await cleanup?.();
  });

  it('stores each entry exactly once after SIGKILL during pushes, a restart and a replay of unacknowledged batches', async () => {
    const BATCHES = 40;
    const SIZE = 25;
    let server = await spawnServer(databaseUrl);
    const { token, libraryId } = await seedDevice(database, server.url);
    const batches = Array.from({ length: BATCHES }, () => Array.from({ length: SIZE }, () => makeEntry(libraryId)));
    let acked = 0; // batches acknowledged to the phone

    // Two kills: the first after a few batches, the second later; the phone keeps retrying.
    for (const killAfter of [5, 20]) {
      const killing = (async () => {
        while (acked < killAfter) await new Promise((r) => setTimeout(r, 2));
        await new Promise((r) => setTimeout(r, Math.random() * 20));
        server.proc.kill('SIGKILL');
      })();
      while (acked < BATCHES) {
        let status: number;
        let body: { ackSeq: number };
        try {
          const res = await pushBatch(server.url, token, acked * SIZE + 1, batches[acked]);
          status = res.status;
          body = (await res.json()) as { ackSeq: number };
        } catch {
          break; // the connection died with the server: the batch in flight is unacknowledged
        }
        expect(status).toBe(200);
        expect(body.ackSeq).toBe((acked + 1) * SIZE);
        acked++;
      }
      await killing;
      await server.exited;
      server = await spawnServer(databaseUrl);
    }
    // Replay every unacknowledged batch, in order, to the restarted server.
    while (acked < BATCHES) {
      const res = await pushBatch(server.url, token, acked * SIZE + 1, batches[acked]);
      expect(res.status).toBe(200);
      acked++;
    }
    server.proc.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    const rows = await database.db.selectFrom('entries').select(['entry_id', 'version']).where('library_id', '=', libraryId).execute();
    expect(rows).toHaveLength(BATCHES * SIZE);
    expect(new Set(rows.map((r) => r.entry_id))).toEqual(new Set(batches.flat().map((e) => e.id)));
    // Each entry was written once: one version each, all distinct.
    expect(new Set(rows.map((r) => Number(r.version))).size).toBe(BATCHES * SIZE);
    const device = await database.db.selectFrom('devices').select('last_seq').where('library_id', '=', libraryId).executeTakeFirstOrThrow();
    expect(Number(device.last_seq)).toBe(BATCHES * SIZE);
  });

  it('on SIGTERM finishes the request in flight, then exits 0', async () => {
    const server = await spawnServer(databaseUrl);
    const { token, libraryId } = await seedDevice(database, server.url);
    const body = JSON.stringify({ mutations: [{ seq: 1, baseVersion: 0, entry: makeEntry(libraryId) }] });
    const { port } = new URL(server.url);
    const answered = new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, method: 'POST', path: '/api/v1/sync/push', headers: {
          authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body),
          // The server answers "100 Continue" once it has taken the request: from then on it is in flight.
          expect: '100-continue' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.once('continue', () => {
        server.proc.kill('SIGTERM');
        // The body arrives after the signal; the server must still read it and answer.
        setTimeout(() => req.end(body), 200);
      });
    });
    expect(await answered).toBe(200);
    expect(await server.exited).toBe(0);
    // Its log ends with the stop: stopping, the push answered, stopped.
    const events = server.lines.map((l) => JSON.parse(l) as { event?: string; path?: string; status?: number });
    expect(events.at(-1)).toEqual(expect.objectContaining({ event: 'stopped' }));
    const stopping = events.findIndex((e) => e.event === 'stopping');
    expect(stopping).toBeGreaterThan(0);
    expect(events.slice(stopping).filter((e) => e.path === '/api/v1/sync/push')).toEqual([expect.objectContaining({ status: 200 })]);
    // A stopped server accepts nothing.
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('stops cleanly when the signal comes twice, as Ctrl-C on `npm start` sends it (the group, then npm)', async () => {
    const server = await spawnServer(databaseUrl);
    await seedDevice(database, server.url);
    server.proc.kill('SIGINT');
    server.proc.kill('SIGINT');
    setTimeout(() => server.proc.kill('SIGTERM'), 50);
    // Exit 0 means the stop ran to its end, the database closed (a second signal left to Node's
    // default handler ended the process at once, with code null).
    expect(await server.exited).toBe(0);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});

describe('server process on postgres, its connections cut', () => {
  let databaseUrl: string;
  let cleanup: () => Promise<void>;
  let database: Database;
  beforeAll(async () => {
    ({ url: databaseUrl, cleanup } = await freshDatabaseUrl('postgres'));
    database = openUrl(databaseUrl);
    await migrate(database.db, database.kind);
  });
  afterAll(async () => {
    await database?.close();
    await cleanup?.();
  });

  // A PostgreSQL restart, failover or idle_session_timeout ends the server's connections;
  // one checked out for a push then emitted an 'error' nobody listened to: exit 1.
  it('survives PostgreSQL ending its connections during pushes: the pushes fail or succeed, the server goes on', async () => {
    const server = await spawnServer(databaseUrl);
    // Whatever fails, the server is not left running (vitest would wait for it).
    try {
      const devices = await Promise.all(Array.from({ length: 4 }, () => seedDevice(database, server.url)));
      let exitedEarly = false;
      void server.exited.then(() => (exitedEarly = true));
      const acked = devices.map(() => 0);
      let stop = false;
      const SIZE = 20;
      const pushing = devices.map(async ({ token, libraryId }, d) => {
        while (!stop && !exitedEarly) {
          const res = await pushBatch(server.url, token, acked[d] * SIZE + 1, Array.from({ length: SIZE }, () => makeEntry(libraryId))).catch(() => null);
          if (res?.status === 200) acked[d]++;
          else await res?.arrayBuffer();
        }
      });
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      let terminated = 0;
      try {
        const { pathname } = new URL(databaseUrl);
        for (let i = 0; i < 8 && !exitedEarly; i++) {
          await new Promise((r) => setTimeout(r, 150));
          // Only the server's connections: an autovacuum worker on this database runs as the
          // superuser, and asking to end it failed the test once ("must be a superuser").
          const ended = await admin.query<{ ended: boolean }>(
            "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND usename = current_user",
            [pathname.slice(1)],
          );
          terminated += ended.rows.filter((r) => r.ended).length;
        }
        // The pushes go on after the last cut: the server made new connections.
        const before = acked.reduce((a, b) => a + b, 0);
        while (!exitedEarly && acked.reduce((a, b) => a + b, 0) < before + 8) await new Promise((r) => setTimeout(r, 20));
      } finally {
        stop = true;
        await Promise.all(pushing);
        await admin.end();
      }
      expect(exitedEarly).toBe(false);
      expect(terminated).toBeGreaterThan(0);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      server.proc.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    } finally {
      if (server.proc.exitCode === null && server.proc.signalCode === null) server.proc.kill('SIGKILL');
    }
  });
});

describe('npm start', () => {
  it('passes SIGTERM on to the server: npm and the server exit 0, nothing is left listening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lapor-npm-start-'));
    let group: number | null = null;
    try {
      // npm signals only its own child, the shell running the script: the script must
      // `exec` node, or a supervisor stopping npm leaves the server running.
      const npm = spawn('npm', ['start'], {
        env: { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'tpbis.sqlite')}`, PORT: '0', HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'inherit'],
        detached: true, // its own process group, so that whatever it leaves behind can be cleared
      });
      group = npm.pid ?? null;
      const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
      // Builds the app first when dist/ is missing or stale.
      const lines: string[] = [];
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: npm.stdout! }).on('line', (line) => {
          lines.push(line);
          if (line.includes('"event":"listening"')) resolve(JSON.parse(line).url);
        });
        npm.once('exit', (code) => reject(new Error(`npm start exited with ${code} before listening`)));
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      // A new database: the demo library and its code; the admin commands it suggests name this
      // server's database (typed without it, they would read ./data/tpbis.sqlite).
      await expect.poll(() => lines.some((l) => l.startsWith('More enrolment codes:'))).toBe(true);
      expect(lines.some((l) => /^Enrolment code: [A-Z2-9]{4}-[A-Z2-9]{4} /.test(l))).toBe(true);
      const admin = `DATABASE_URL=sqlite:${join(dir, 'tpbis.sqlite')} npm run admin --`;
      expect(lines.find((l) => l.startsWith('More enrolment codes:'))).toBe(
        `More enrolment codes: ${admin} library list, then ${admin} code issue --library <id>`,
      );
      npm.kill('SIGTERM');
      expect(await exited).toBe(0);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      try {
        if (group !== null) process.kill(-group, 'SIGKILL');
      } catch {
        // the group is gone: nothing was left behind
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

/**
 * Starts `script` with `env` and waits for it to exit (it must fail to start): its exit
 * code and stderr. `asUser` runs it through runuser, as that (unprivileged) user.
 */
function failedStart(env: Record<string, string>, script = 'src/server/main.ts', asUser?: string, args: string[] = []): Promise<{ code: number | null; stderr: string }> {
  const command = [process.execPath, '--import', 'tsx', script, ...args];
  if (asUser) command.unshift('runuser', '-u', asUser, '--');
  return new Promise((resolve) => {
    const proc = spawn(command[0], command.slice(1), {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DEBUG: '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // A server that starts after all is a failure of the test, not a hang.
    const timer = setTimeout(() => proc.kill('SIGKILL'), 100_000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** Exit 1, one or two plain lines, no stack trace. */
function expectPlainFailure(r: { code: number | null; stderr: string }, says: string): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toContain(says);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines.length, r.stderr).toBeLessThanOrEqual(2);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

function listenOnFreePort(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

describe('start-up failures', () => {
  let dir: string;
  let taken: Server;
  let takenPort: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lapor-start-fail-'));
    taken = await listenOnFreePort();
    takenPort = (taken.address() as { port: number }).port;
  });
  afterAll(() => {
    taken?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a SQLite path that is a directory, or a file that is not a database: one line naming DATABASE_URL', async () => {
    expectPlainFailure(
      await failedStart({ DATABASE_URL: `sqlite:${dir}` }),
      `Cannot open the database sqlite:${dir} (DATABASE_URL): unable to open database file (${dir} is a directory`,
    );
    const notDb = join(dir, 'notes.txt');
    writeFileSync(notDb, 'catatan, bukan basis data\n'.repeat(100));
    expectPlainFailure(await failedStart({ DATABASE_URL: `sqlite:${notDb}` }), `Cannot open the database sqlite:${notDb} (DATABASE_URL): file is not a database`);
  });

  // root may write a file whatever its mode: as root, the server runs as nobody instead.
  const root = process.getuid?.() === 0;
  it.skipIf(root && spawnSync('runuser', ['--help']).status !== 0)('a read-only SQLite file: one line naming DATABASE_URL', async () => {
    const file = join(dir, 'read-only.sqlite');
    const made = openUrl(`sqlite:${file}`);
    await migrate(made.db, made.kind);
    await made.close();
    chmodSync(file, 0o444);
    chmodSync(dir, 0o555); // nor may it make the -wal file beside it
    try {
      const r = await failedStart({ DATABASE_URL: `sqlite:${file}` }, 'src/server/main.ts', root ? 'nobody' : undefined);
      expectPlainFailure(r, `Cannot open the database sqlite:${file} (DATABASE_URL): attempt to write a readonly database`);
    } finally {
      chmodSync(dir, 0o700);
    }
  });

  it('PostgreSQL with a wrong password or nothing listening: one line naming DATABASE_URL, the password masked', async () => {
    const wrong = new URL(postgresUrl());
    wrong.password = 'not-the-password-42';
    const r = await failedStart({ DATABASE_URL: wrong.href });
    expectPlainFailure(r, `Cannot open the database ${wrong.protocol}//${wrong.username}:***@${wrong.host}${wrong.pathname} (DATABASE_URL): `);
    expect(r.stderr).toContain('password authentication failed');
    expect(r.stderr).not.toContain('not-the-password-42');

    const closed = await listenOnFreePort();
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await failedStart({ DATABASE_URL: `postgres://tpbis:secret-pw@127.0.0.1:${closedPort}/tpbis` });
    expectPlainFailure(refused, `Cannot open the database postgres://tpbis:***@127.0.0.1:${closedPort}/tpbis (DATABASE_URL): connection refused at 127.0.0.1:${closedPort}`);
    expect(refused.stderr).not.toContain('secret-pw');
  });

  it('PostgreSQL host that never answers: gives up after PGCONNECT_TIMEOUT, one line saying so, server and admin alike', async () => {
    // Accepts the connection and says nothing, as a host behind a firewall that drops packets.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const env = { DATABASE_URL: `postgres://tpbis:pw@127.0.0.1:${port}/tpbis`, PGCONNECT_TIMEOUT: '1' };
      const says = `Cannot open the database postgres://tpbis:***@127.0.0.1:${port}/tpbis (DATABASE_URL): `;
      const server = await failedStart(env);
      expectPlainFailure(server, says);
      expect(server.stderr).toContain('no answer within 1 s');
      const admin = await failedStart(env, 'src/server/admin.ts', undefined, ['library', 'list']);
      expectPlainFailure(admin, says);
      expect(admin.stderr).toContain('no answer within 1 s');
      // A value that is not a number of seconds is refused before anything is opened.
      const wrong = await failedStart({ ...env, PGCONNECT_TIMEOUT: 'lama' });
      expect(wrong.stderr).toContain('PGCONNECT_TIMEOUT must be a whole number of seconds');
      expect(wrong.code).not.toBe(0);
    } finally {
      silent.close();
    }
  });

  it('a port in use: one line naming PORT, from the server and from npm start; the stack only with DEBUG', async () => {
    const env = { DATABASE_URL: `sqlite:${join(dir, 'port.sqlite')}`, PORT: String(takenPort) };
    const says = `Port ${takenPort} is in use (PORT)`;
    expectPlainFailure(await failedStart(env), says);
    // npm start's own script (building the app first when dist/ is stale).
    expectPlainFailure(await failedStart(env, 'src/server/start.ts'), says);
    const debug = await failedStart({ ...env, DEBUG: '1' });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toContain(says);
    expect(debug.stderr).toMatch(/EADDRINUSE[\s\S]*^\s+at /m);
  }, 300_000);
});
