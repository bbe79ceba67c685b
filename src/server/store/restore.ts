/**
 * `npm run admin -- database restored`: run once after a backup was restored, with every
 * server process stopped.
 *
 * A backup is older than what the phones have seen: their pull cursors, and the versions
 * their rows hold, can lie past everything the restored database holds. Left so, the
 * restored version counter hands out again versions the phones have already passed: their
 * cursors skip the new writes, and a row at a higher version refuses the server's copy
 * (the phone keeps the newer version). Nobody is told. So this:
 *   - moves every stored entry's version, keeping their order, above any version a
 *     server could have handed out before, and the counter with them: the first version is
 *     the clock in microseconds (ms × 1000). Versions count one per write from a smaller
 *     start, so none handed out can have passed it, short of a million writes a second
 *     since the last start; the largest, 2^53, is reached in the year 2255;
 *   - signs cursors with a new key, so every phone's next pull is `invalid_cursor`, and it
 *     pulls everything again (SYNC-PROTOCOL.md) and takes the restored copies.
 * Phones ahead of their device's restored `seq` are answered `seq_gap` and renumber
 * (SYNC-PROTOCOL.md). Everything after the backup was taken is undone (README "Backups").
 * Meant for stopped servers; should one still run, the locks taken first keep a push from
 * committing a version below the new ones.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../db';
import type { Db } from '../schema';
import { underWriteLock } from './write-lock';

export interface RestoreFix {
  entries: number;
  /** The versions the entries now hold. */
  firstVersion: number | null;
  lastVersion: number | null;
}

export async function afterRestore(database: Database, now: Date): Promise<RestoreFix> {
  return underWriteLock(
    database,
    // Should a server still run: a push holds its library's row from before it takes its
    // versions to its commit, so this waits for those under way, and holds the next ones
    // until the new counter is set (none can commit a version below it).
    (trx) => sql`LOCK TABLE libraries, entries IN EXCLUSIVE MODE`.execute(trx),
    (trx) => shiftVersions(trx, database.kind, now),
  );
}

async function shiftVersions(trx: Db, kind: Database['kind'], now: Date): Promise<RestoreFix> {
  const range = await trx
    .selectFrom('entries')
    .select([sql<string | number | null>`MIN(version)`.as('min'), sql<string | number | null>`MAX(version)`.as('max'), sql<string | number>`COUNT(*)`.as('n')])
    .executeTakeFirstOrThrow();
  const counter = Number(
    kind === 'postgres'
      ? (await sql<{ v: string }>`SELECT last_value AS v FROM entry_version`.execute(trx)).rows[0].v
      : (await trx.selectFrom('version_counter').select('value').where('id', '=', 1).executeTakeFirstOrThrow()).value,
  );
  const entries = Number(range.n);
  const min = range.min === null ? null : Number(range.min);
  const max = range.max === null ? 0 : Number(range.max);
  const base = Math.max(now.getTime() * 1000, counter + 1, max + 1);
  const shift = min === null ? 0 : base - min;
  if (shift > 0) await trx.updateTable('entries').set({ version: sql`version + ${shift}` }).execute();
  const last = min === null ? base : max + shift;
  if (kind === 'postgres') await sql`SELECT setval('entry_version', ${last}, true)`.execute(trx);
  else await trx.updateTable('version_counter').set({ value: last }).where('id', '=', 1).execute();
  await trx.updateTable('settings').set({ value: randomBytes(32).toString('hex') }).where('key', '=', 'cursor_key').execute();
  return { entries, firstVersion: min === null ? null : base, lastVersion: min === null ? null : last };
}
