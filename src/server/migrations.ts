/**
 * The schema's migrations, one list for both databases, applied at start (and by the
 * admin command). Several processes starting at once apply each migration once: on
 * PostgreSQL Kysely's migrator takes a lock; on SQLite `migrate` holds the write lock.
 *
 * The only difference between the databases is where versions come from: PostgreSQL
 * has a sequence (no row lock shared by every library's pushes); SQLite, whose single
 * writer serialises every transaction anyway, a one-row counter.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';
import type { DbKind } from './db';
import { monitoringMigration } from './migration-monitoring';
import type { Db } from './schema';

function migrations(kind: DbKind): Record<string, Migration> {
  return {
    '0001-initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('libraries')
          .addColumn('library_id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('npp', 'text')
          .addColumn('village', 'text', (c) => c.notNull())
          .addColumn('district', 'text', (c) => c.notNull())
          .addColumn('regency', 'text', (c) => c.notNull())
          .addColumn('province', 'text', (c) => c.notNull())
          .addColumn('timezone', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_push_at', 'text')
          .execute();

        await db.schema
          .createTable('devices')
          .addColumn('library_id', 'text', (c) => c.notNull())
          .addColumn('device_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text')
          .addColumn('token_hash', 'text', (c) => c.notNull())
          .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_push_at', 'text')
          .addColumn('revoked_at', 'text')
          .addPrimaryKeyConstraint('devices_pk', ['library_id', 'device_id'])
          .execute();
        // Not unique: on Citus a unique index must contain library_id, and 256 random
        // bits do not collide.
        await db.schema.createIndex('devices_token_hash').on('devices').column('token_hash').execute();
        await db.schema.createIndex('devices_device_id').on('devices').column('device_id').execute();

        await db.schema
          .createTable('entries')
          .addColumn('library_id', 'text', (c) => c.notNull())
          .addColumn('entry_id', 'text', (c) => c.notNull())
          .addColumn('version', 'bigint', (c) => c.notNull())
          .addColumn('device_id', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addColumn('deleted', 'integer', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('entries_pk', ['library_id', 'entry_id'])
          .execute();
        await db.schema.createIndex('entries_by_version').on('entries').columns(['library_id', 'version']).execute();

        await db.schema
          .createTable('enrollment_codes')
          .addColumn('library_id', 'text', (c) => c.notNull())
          .addColumn('code', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('used_at', 'text')
          .addColumn('device_id', 'text')
          .addPrimaryKeyConstraint('enrollment_codes_pk', ['library_id', 'code'])
          .execute();
        await db.schema.createIndex('enrollment_codes_code').on('enrollment_codes').column('code').execute();

        await db.schema
          .createTable('enroll_failures')
          .addColumn('address', 'text', (c) => c.notNull())
          .addColumn('failed_at', 'text', (c) => c.notNull())
          .addColumn('nonce', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('enroll_failures_pk', ['address', 'failed_at', 'nonce'])
          .execute();

        await db.schema
          .createTable('settings')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
        // The key that signs pull cursors, shared by every server process.
        await sql`INSERT INTO settings (key, value) VALUES ('cursor_key', ${randomBytes(32).toString('hex')})`.execute(db);

        if (kind === 'postgres') {
          await sql`CREATE SEQUENCE entry_version AS bigint`.execute(db);
        } else {
          await db.schema
            .createTable('version_counter')
            .addColumn('id', 'integer', (c) => c.primaryKey())
            .addColumn('value', 'bigint', (c) => c.notNull())
            .execute();
          await sql`INSERT INTO version_counter (id, value) VALUES (1, 0)`.execute(db);
        }
      },
    },
    // Regional monitoring's accounts (issue 6). Not per library, so not distributed on Citus.
    '0002-supervisors': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('supervisors')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('supervisor_sessions')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        // Removing a supervisor ends their sessions; logging in clears their ended ones.
        await db.schema.createIndex('supervisor_sessions_name').on('supervisor_sessions').column('name').execute();
      },
    },
    '0003-monitoring': monitoringMigration(kind),
    // A lost enrolment answer can be asked for again (store/enrollment.ts).
    '0004-enrol-retry': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('enrollment_codes').addColumn('retry_key_hash', 'text').execute();
        await db.schema.alterTable('enrollment_codes').addColumn('retry_token', 'text').execute();
      },
    },
  };
}

/**
 * A database a newer version of the server has migrated (a rollback, or an old process
 * beside new ones): Kysely calls that "corrupted migrations: previously executed migration
 * 0005-… is missing". Said as what it is, and what to do.
 */
function newerDatabase(error: unknown): Error | null {
  const m = /previously executed migration (\S+) is missing/.exec(error instanceof Error ? error.message : String(error));
  if (!m) return null;
  return new Error(`the database was migrated by a newer version of this server (migration ${m[1]}, which this version does not have): run that version or a later one`, { cause: error });
}

/** Applies every pending migration; throws if one fails. */
export async function migrate(db: Db, kind: DbKind): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(kind) },
  });
  const run = async () => {
    const { error } = await migrator.migrateToLatest();
    if (error) throw newerDatabase(error) ?? (error instanceof Error ? error : new Error(String(error)));
  };
  if (kind === 'postgres') return run();
  // Kysely's lock on SQLite holds only within one process (and its migrations run outside
  // any transaction there): two processes starting on a new file at once both created the
  // tables, and one died with "table … already exists". One write transaction around the
  // whole run (the migrations hold no PRAGMA) makes the second wait for the first
  // (busy_timeout), then find everything applied; a failed migration leaves nothing behind.
  await sql`BEGIN IMMEDIATE`.execute(db);
  let done = false;
  try {
    await run();
    done = true;
  } finally {
    await sql.raw(done ? 'COMMIT' : 'ROLLBACK').execute(db);
  }
}
