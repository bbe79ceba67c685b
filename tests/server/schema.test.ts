/**
 * The schema and start-up: migrations apply once and again harmlessly, every table
 * holding library data has library_id first in its primary key (Citus-ready,
 * DESIGN.md), the demo library of `npm start`, and the DATABASE_URL forms.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDatabaseUrl, type Database } from '../../src/server/db';
import { ensureDemoLibrary } from '../../src/server/demo';
import { migrate } from '../../src/server/migrations';
import { DB_KINDS, freshDatabaseUrl, openUrl } from './harness';

const LIBRARY_TABLES = ['libraries', 'devices', 'entries', 'enrollment_codes', 'library_kpi'];

async function primaryKey(database: Database, table: string): Promise<string[]> {
  if (database.kind === 'sqlite') {
    const { rows } = await sql<{ name: string; pk: number }>`SELECT name, pk FROM pragma_table_info(${table})`.execute(database.db);
    return rows.filter((r) => r.pk > 0).sort((a, b) => a.pk - b.pk).map((r) => r.name);
  }
  const { rows } = await sql<{ column_name: string }>`
    SELECT a.attname AS column_name
    FROM pg_index i
    JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) ON true
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    WHERE i.indrelid = ${table}::regclass AND i.indisprimary
    ORDER BY k.n`.execute(database.db);
  return rows.map((r) => r.column_name);
}

describe.each(DB_KINDS)('schema on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const fresh = await freshDatabaseUrl(kind);
    cleanup = fresh.cleanup;
    database = openUrl(fresh.url);
  });
  afterAll(async () => {
    await database?.close();
    await cleanup?.();
  });

  it('applies the migrations, and applying them again changes nothing', async () => {
    await migrate(database.db, database.kind);
    await migrate(database.db, database.kind);
    const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(database.db);
    expect(rows.map((r) => r.name)).toEqual(['0001-initial', '0002-supervisors', '0003-monitoring', '0004-enrol-retry']);
  });

  it('refuses, in words, a database a newer version migrated (a rollback), and changes nothing', async () => {
    await migrate(database.db, database.kind);
    await database.db.insertInto('kysely_migration' as never).values({ name: '9999-newer', timestamp: new Date().toISOString() } as never).execute();
    try {
      await expect(migrate(database.db, database.kind)).rejects.toThrow(
        'the database was migrated by a newer version of this server (migration 9999-newer, which this version does not have): run that version or a later one',
      );
    } finally {
      await database.db.deleteFrom('kysely_migration' as never).where('name' as never, '=', '9999-newer' as never).execute();
    }
    await migrate(database.db, database.kind);
  });

  it('puts library_id first in the primary key of every table holding library data', async () => {
    for (const table of LIBRARY_TABLES) {
      const pk = await primaryKey(database, table);
      expect(pk[0], table).toBe('library_id');
    }
    expect(await primaryKey(database, 'entries')).toEqual(['library_id', 'entry_id']);
  });

  it('creates one demo library with a code on an empty database, and nothing once there is one', async () => {
    const now = new Date('2025-10-20T03:00:00.000Z');
    const demo = await ensureDemoLibrary(database.db, now);
    expect(demo?.library).toMatchObject({ name: 'Perpustakaan Desa Contoh', regency: 'Kabupaten Contoh', province: 'Provinsi Contoh' });
    expect(demo?.code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    expect(demo?.expiresAt).toBe('2025-11-03T03:00:00.000Z');
    expect(await ensureDemoLibrary(database.db, now)).toBeNull();
  });
});

describe('DATABASE_URL', () => {
  it('defaults to SQLite in ./data, and reads sqlite: and postgres:// forms', () => {
    expect(parseDatabaseUrl(undefined)).toEqual({ kind: 'sqlite', path: './data/tpbis.sqlite' });
    expect(parseDatabaseUrl('')).toEqual({ kind: 'sqlite', path: './data/tpbis.sqlite' });
    expect(parseDatabaseUrl('sqlite:/var/lib/tpbis/db.sqlite')).toEqual({ kind: 'sqlite', path: '/var/lib/tpbis/db.sqlite' });
    expect(parseDatabaseUrl('sqlite:./x.sqlite')).toEqual({ kind: 'sqlite', path: './x.sqlite' });
    expect(parseDatabaseUrl('postgres://u:p@h:5432/d')).toEqual({ kind: 'postgres', url: 'postgres://u:p@h:5432/d' });
    expect(parseDatabaseUrl('mysql://h/d')).toBeNull();
    expect(parseDatabaseUrl('sqlite:')).toBeNull();
  });
});
