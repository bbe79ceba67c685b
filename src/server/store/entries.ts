/** Reading stored entries: pull pages in version order, and every entry for the KPI. */
import { sql } from 'kysely';
import type { Database } from '../db';
import type { Db } from '../schema';

export interface PulledEntry {
  version: number;
  entry: Record<string, unknown>;
}

/** The library's entries newer than `afterVersion`, in version order, `limit` at most. */
export async function entriesAfter(
  db: Db,
  libraryId: string,
  afterVersion: number,
  limit: number,
): Promise<{ entries: PulledEntry[]; hasMore: boolean }> {
  const rows = await db
    .selectFrom('entries')
    .select(['version', 'body'])
    .where('library_id', '=', libraryId)
    .where('version', '>', afterVersion)
    .orderBy('version')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  return {
    entries: page.map((r) => ({ version: Number(r.version), entry: JSON.parse(r.body) as Record<string, unknown> })),
    hasMore: rows.length > limit,
  };
}

/** Every stored entry of the library (tombstones included; computeKpi skips them). */
export async function allEntries(db: Db, libraryId: string): Promise<unknown[]> {
  const rows = await db.selectFrom('entries').select('body').where('library_id', '=', libraryId).execute();
  return rows.map((r) => JSON.parse(r.body) as unknown);
}

/** Stored, not deleted entries per library, for the admin's list. */
export async function countLiveEntries(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('entries')
    .select(['library_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('deleted', '=', 0)
    .groupBy('library_id')
    .execute();
  return new Map(rows.map((r) => [r.library_id, Number(r.n)]));
}

/** Stored, not deleted entries by strategy and activity type, over every library (read from their bodies). */
export async function countByActivityType(database: Database): Promise<{ strategy: string; activityType: string; n: number }[]> {
  const pick = (key: string) => sql.raw(database.kind === 'postgres' ? `(body::json)->>'${key}'` : `json_extract(body, '$.${key}')`);
  const { rows } = await sql<{ strategy: string | null; activity_type: string | null; n: number | string }>`
    SELECT ${pick('strategy')} AS strategy, ${pick('activityType')} AS activity_type, COUNT(*) AS n
    FROM entries WHERE deleted = 0 GROUP BY 1, 2`.execute(database.db);
  // A body without them is no entry any rulebook counts. Sorted here: the databases' collations differ.
  return rows
    .filter((r) => typeof r.strategy === 'string' && typeof r.activity_type === 'string')
    .map((r) => ({ strategy: r.strategy!, activityType: r.activity_type!, n: Number(r.n) }))
    .sort((a, b) => (a.strategy === b.strategy ? (a.activityType < b.activityType ? -1 : 1) : a.strategy < b.strategy ? -1 : 1));
}

/** Every stored entry of each library (as `allEntries`), in one query for a batch of libraries. */
export async function entriesOfLibraries(db: Db, libraryIds: readonly string[]): Promise<Map<string, unknown[]>> {
  const byLibrary = new Map<string, unknown[]>(libraryIds.map((id) => [id, []]));
  if (libraryIds.length === 0) return byLibrary;
  const rows = await db.selectFrom('entries').select(['library_id', 'body']).where('library_id', 'in', libraryIds).execute();
  for (const r of rows) byLibrary.get(r.library_id)?.push(JSON.parse(r.body) as unknown);
  return byLibrary;
}
