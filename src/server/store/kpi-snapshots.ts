/**
 * Each library's stored KPI (DESIGN.md, "The server"): monitoring aggregates these in
 * SQL instead of running computeKpi over a province's entries on every request.
 *
 * A snapshot is fresh while all three hold:
 *   - its rulebook is the current one (a publish recolours everything),
 *   - it was computed for today in the library's time zone (targets grow with the
 *     months, so a colour can change with no new entry),
 *   - its `change_count` is the library's (every push transaction bumps the library's).
 * Anything else is recomputed before it is shown or aggregated.
 */
import type { ExpressionBuilder } from 'kysely';
import { computeKpi, TIMEZONES, todayIn, type Area, type KpiResult, type Rulebook, type StrategyCounts } from '../../domain';
import type { Db, LibraryKpiTable, Schema } from '../schema';
import { entriesOfLibraries } from './entries';
import { libraryFromRow } from './libraries';

/** Narrows a query on `libraries as l` to an area (no field: the whole nation). */
export function inArea(area: Area) {
  return (eb: ExpressionBuilder<Schema & { l: Schema['libraries'] }, 'l'>) =>
    eb.and([
      ...(area.province !== undefined ? [eb('l.province', '=', area.province)] : []),
      ...(area.regency !== undefined ? [eb('l.regency', '=', area.regency)] : []),
    ]);
}

/** Today in the library's zone, as SQL: one CASE over the three zones' dates. */
function todayOfLibrary(now: Date) {
  const [first, ...rest] = TIMEZONES;
  return (eb: ExpressionBuilder<Schema & { l: Schema['libraries'] }, 'l'>) => {
    let c = eb.case('l.timezone').when(first).then(todayIn(first, now));
    for (const tz of rest) c = c.when(tz).then(todayIn(tz, now));
    return c.end();
  };
}

/** The libraries of the area (all if none given; only these if `among`) whose stored KPI is missing or out of date. */
export async function staleLibraryIds(db: Db, rulebookId: string, now: Date, area: Area = {}, among?: readonly string[]): Promise<string[]> {
  if (among?.length === 0) return [];
  const rows = await db
    .selectFrom('libraries as l')
    .leftJoin('library_kpi as k', 'k.library_id', 'l.library_id')
    .select('l.library_id')
    .where(inArea(area))
    .$if(among !== undefined, (q) => q.where('l.library_id', 'in', among!))
    .where(snapshotOutdated(rulebookId, now))
    .execute();
  return rows.map((r) => r.library_id);
}

type JoinedBuilder = ExpressionBuilder<Schema & { l: Schema['libraries']; k: Schema['library_kpi'] }, 'l' | 'k'>;

/** True for a row of `libraries as l LEFT JOIN library_kpi as k` whose stored KPI is missing or out of date. */
export function snapshotOutdated(rulebookId: string, now: Date) {
  const today = todayOfLibrary(now);
  return (eb: JoinedBuilder) =>
    eb.or([
      eb('k.library_id', 'is', null),
      eb('k.rulebook_id', '<>', rulebookId),
      eb('k.change_count', '<>', eb.ref('l.change_count')),
      eb('k.computed_for', '<>', today(eb as unknown as ExpressionBuilder<Schema & { l: Schema['libraries'] }, 'l'>)),
    ]);
}

/** Counted entries per strategy in the KPI's period. */
export function strategyTotals(kpi: KpiResult): StrategyCounts {
  const totals = { layanan: 0, pelibatan: 0, advokasi: 0 };
  for (const m of kpi.monthly) {
    totals.layanan += m.layanan;
    totals.pelibatan += m.pelibatan;
    totals.advokasi += m.advokasi;
  }
  return totals;
}

/**
 * Recomputes and stores the KPI of these libraries. Each library's `change_count` is
 * read BEFORE its entries: a push landing in between makes the snapshot stale (its
 * count is behind), never wrong-but-fresh.
 */
export async function refreshSnapshots(db: Db, rulebook: Rulebook, now: Date, libraryIds: readonly string[]): Promise<void> {
  if (libraryIds.length === 0) return;
  const libraries = await db.selectFrom('libraries').selectAll().where('library_id', 'in', libraryIds).execute();
  if (libraries.length === 0) return;
  const entries = await entriesOfLibraries(db, libraries.map((l) => l.library_id));
  const computedAt = now.toISOString();
  const rows: LibraryKpiTable[] = libraries.map((row) => {
    const library = libraryFromRow(row);
    const kpi = computeKpi(entries.get(library.id) ?? [], library, rulebook, now);
    return {
      library_id: library.id,
      rulebook_id: rulebook.id,
      computed_for: todayIn(library.timezone, now),
      change_count: Number(row.change_count),
      colour: kpi.colour,
      score: kpi.score,
      ...strategyTotals(kpi),
      computed_at: computedAt,
    };
  });
  await db
    .insertInto('library_kpi')
    .values(rows)
    .onConflict((oc) =>
      oc.column('library_id').doUpdateSet((eb) => ({
        rulebook_id: eb.ref('excluded.rulebook_id'),
        computed_for: eb.ref('excluded.computed_for'),
        change_count: eb.ref('excluded.change_count'),
        colour: eb.ref('excluded.colour'),
        score: eb.ref('excluded.score'),
        layanan: eb.ref('excluded.layanan'),
        pelibatan: eb.ref('excluded.pelibatan'),
        advokasi: eb.ref('excluded.advokasi'),
        computed_at: eb.ref('excluded.computed_at'),
      })),
    )
    .execute();
}
