/**
 * One transaction that holds, before its first read, what a push would wait for: so
 * nothing a push writes can slip between what the transaction reads and what it writes.
 * SQLite: the database's write lock (`BEGIN IMMEDIATE`), as the server's pushes take it.
 * PostgreSQL: whatever `lockPostgres` locks first (a push locks its library's row).
 */
import { sql } from 'kysely';
import type { Database } from '../db';
import type { Db } from '../schema';

export async function underWriteLock<T>(database: Database, lockPostgres: (trx: Db) => Promise<unknown>, work: (trx: Db) => Promise<T>): Promise<T> {
  if (database.kind === 'postgres') {
    return database.db.transaction().execute(async (trx) => {
      await lockPostgres(trx);
      return work(trx);
    });
  }
  return database.db.connection().execute(async (conn) => {
    await sql`BEGIN IMMEDIATE`.execute(conn);
    try {
      const result = await work(conn);
      await sql`COMMIT`.execute(conn);
      return result;
    } catch (error) {
      await sql`ROLLBACK`.execute(conn);
      throw error;
    }
  });
}
