/**
 * The two bulk statements of a push, written for speed: the stored state of a batch's
 * entries, and the upsert of its writes. A batch has up to 500 entries; Kysely's
 * builder spent longer assembling a 500-row insert than the database spent running
 * it, so these are written as SQL directly. On PostgreSQL the rows travel as one array
 * per column (`unnest`), so the statement has 7 parameters, not 3,500, and parses and
 * plans in the same time whatever the batch size.
 */
import { CompiledQuery } from 'kysely';
import type { DbKind } from '../db';
import type { Db, EntriesTable } from '../schema';

export type EntryRow = EntriesTable;

const COLUMNS = ['library_id', 'entry_id', 'version', 'device_id', 'updated_at', 'deleted', 'body'] as const;
const ON_CONFLICT =
  'ON CONFLICT (library_id, entry_id) DO UPDATE SET version = excluded.version, device_id = excluded.device_id, ' +
  'updated_at = excluded.updated_at, deleted = excluded.deleted, body = excluded.body';

/** The stored rows of `ids` in `libraryId`. */
export async function selectEntryRows(trx: Db, kind: DbKind, libraryId: string, ids: readonly string[]): Promise<EntryRow[]> {
  if (ids.length === 0) return [];
  const select = 'SELECT library_id, entry_id, version, device_id, updated_at, deleted, body FROM entries WHERE library_id = ';
  const query =
    kind === 'postgres'
      ? CompiledQuery.raw(`${select}$1 AND entry_id = ANY($2::text[])`, [libraryId, ids])
      : CompiledQuery.raw(`${select}? AND entry_id IN (${ids.map(() => '?').join(',')})`, [libraryId, ...ids]);
  const result = await trx.executeQuery<EntryRow>(query);
  return result.rows.map((r) => ({ ...r, version: Number(r.version), deleted: Number(r.deleted) }));
}

/** Inserts or replaces `rows` (each entry at most once). */
export async function upsertEntryRows(trx: Db, kind: DbKind, rows: readonly EntryRow[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = COLUMNS.join(', ');
  if (kind === 'postgres') {
    const arrays = COLUMNS.map((c) => rows.map((r) => r[c]));
    const text =
      `INSERT INTO entries (${columns}) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], ` +
      `$5::text[], $6::integer[], $7::text[]) ${ON_CONFLICT}`;
    await trx.executeQuery(CompiledQuery.raw(text, arrays));
    return;
  }
  const values = rows.map(() => '(?,?,?,?,?,?,?)').join(',');
  const params = rows.flatMap((r) => COLUMNS.map((c) => r[c]));
  await trx.executeQuery(CompiledQuery.raw(`INSERT INTO entries (${columns}) VALUES ${values} ${ON_CONFLICT}`, params));
}
