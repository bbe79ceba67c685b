/**
 * Several processes starting at once on a new SQLite file (two servers, a server and the
 * admin command) each migrate it: every one must succeed and each migration apply once.
 * Kysely's migration lock holds only within one process on SQLite; `migrate` takes the
 * database's write lock around the whole run (src/server/migrations.ts). And servers
 * starting at once on an empty database make one demo library between them (demo.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/server/db';
import { migrate } from '../../src/server/migrations';
import { DB_KINDS, freshDatabaseUrl, openUrl } from './harness';

const dir = mkdtempSync(join(tmpdir(), 'tpbis-migrate-race-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs an ES module `script` (from the project's root, with tsx) in a process of its own; its exit code and output. */
function runScript(script: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out: out.trim() })));
}

/** A process that loads the code, waits for the common start time, then migrates `file`. */
function migrateAt(file: string, startAt: number): Promise<{ code: number | null; out: string }> {
  const script = `
    const { openDatabase } = await import('./src/server/db.ts');
    const { migrate } = await import('./src/server/migrations.ts');
    const database = openDatabase({ kind: 'sqlite', path: ${JSON.stringify(file)} });
    while (Date.now() < ${startAt}) {}
    try { await migrate(database.db, 'sqlite'); console.log('ok'); }
    catch (e) { console.log('failed: ' + e.message); process.exitCode = 1; }
    finally { await database.close(); }
  `;
  return runScript(script);
}

it('four processes migrating a new SQLite file at the same moment all succeed, each migration applied once', async () => {
  for (let round = 0; round < 3; round++) {
    const file = join(dir, `race-${round}.sqlite`);
    // Late enough that every process has loaded its code (tsx compiles on first load).
    const startAt = Date.now() + 4_000;
    const results = await Promise.all(Array.from({ length: 4 }, () => migrateAt(file, startAt)));
    expect(results, `round ${round}`).toEqual(Array.from({ length: 4 }, () => ({ code: 0, out: 'ok' })));
    const database = openDatabase({ kind: 'sqlite', path: file });
    try {
      const applied = await database.db.selectFrom('kysely_migration' as never).select('name' as never).execute();
      const names = applied.map((r) => (r as { name: string }).name);
      expect(new Set(names).size).toBe(names.length);
      expect(names.length).toBeGreaterThan(0);
    } finally {
      await database.close();
    }
  }
}, 60_000);

/** A process that loads the code, waits for the common start time, then makes the demo library if none exists. */
function demoAt(databaseUrl: string, startAt: number): Promise<{ code: number | null; out: string }> {
  const script = `
    const { openDatabase, parseDatabaseUrl } = await import('./src/server/db.ts');
    const { ensureDemoLibrary } = await import('./src/server/demo.ts');
    const database = openDatabase(parseDatabaseUrl(${JSON.stringify(databaseUrl)}), { poolSize: 1 });
    while (Date.now() < ${startAt}) {}
    try { console.log((await ensureDemoLibrary(database.db, new Date())) ? 'made' : 'none'); }
    catch (e) { console.log('failed: ' + e.message); process.exitCode = 1; }
    finally { await database.close(); }
  `;
  return runScript(script);
}

describe.each(DB_KINDS)('on %s', (kind) => {
  it('three servers starting at once on an empty database make one demo library between them', async () => {
    const fresh = await freshDatabaseUrl(kind);
    const database = openUrl(fresh.url);
    try {
      await migrate(database.db, database.kind);
      const startAt = Date.now() + 4_000;
      const results = await Promise.all(Array.from({ length: 3 }, () => demoAt(fresh.url, startAt)));
      expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
      expect(results.map((r) => r.out).sort()).toEqual(['made', 'none', 'none']);
      expect(await database.db.selectFrom('libraries').select('name').execute()).toEqual([{ name: 'Perpustakaan Desa Contoh' }]);
    } finally {
      await database.close();
      await fresh.cleanup();
    }
  }, 60_000);
});
