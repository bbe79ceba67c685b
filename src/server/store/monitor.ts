/**
 * Monitoring's reads over the stored KPIs (store/kpi-snapshots.ts), which the caller has
 * refreshed for the area first (or that report how many of theirs are out of date). The figures of an area are one aggregate query over
 * `libraries` joined to `library_kpi`, grouped by province or kabupaten/kota:
 *
 *   SELECT l.province AS name, COUNT(*) AS libraries,
 *          SUM(CASE WHEN COALESCE(k.colour, 'abu-abu') = 'hijau' THEN 1 ELSE 0 END) AS hijau, …,
 *          SUM(COALESCE(k.layanan, 0)) AS layanan, …,
 *          SUM(CASE WHEN COALESCE(l.last_push_at, l.created_at) <= $cutoff THEN 1 ELSE 0 END) AS stale
 *   FROM libraries l LEFT JOIN library_kpi k ON k.library_id = l.library_id
 *   WHERE l.province = $province [AND l.regency = $regency]
 *   GROUP BY l.province ORDER BY l.province
 *
 * (A library added after the refresh has no snapshot yet, and no entries: abu-abu.)
 */
import { sql } from 'kysely';
import { STALE_AFTER_DAYS, type Area, type AreaFigures, type Colour, type MonitorLibraryRow, type Scope, type Timezone } from '../../domain';
import type { Db } from '../schema';
import { inArea, snapshotOutdated } from './kpi-snapshots';

/**
 * The instant at or before which a last push — or, for a library that never pushed, its
 * creation — makes a library "belum sinkron 30+ hari".
 */
export function staleCutoff(now: Date): string {
  return new Date(now.getTime() - STALE_AFTER_DAYS * 86_400_000).toISOString();
}

/**
 * A library's staleness mark: no push for STALE_AFTER_DAYS days. One that never pushed
 * counts from the day it was added, so that a library added minutes ago is not marked
 * before its librarian had any chance to sync. (Both are ISO instants in UTC, as the
 * server writes them: as text they compare as the instants do, on both databases.)
 */
export function isStale(lastPushAt: string | null, createdAt: string, now: Date): boolean {
  return (lastPushAt ?? createdAt) <= staleCutoff(now);
}

/** The SQL twin of isStale, over `libraries as l`. */
const staleLibrary = (now: Date) => sql<boolean>`COALESCE(l.last_push_at, l.created_at) <= ${staleCutoff(now)}`;

/** True when some library lies in kabupaten/kota `regency` of `province`. */
export async function regencyIsIn(db: Db, province: string, regency: string): Promise<boolean> {
  const row = await db.selectFrom('libraries').select('library_id').where('province', '=', province).where('regency', '=', regency).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** The province of a kabupaten/kota, when its libraries name exactly one. */
export async function provinceOfRegency(db: Db, regency: string): Promise<string | undefined> {
  const rows = await db.selectFrom('libraries').select('province').distinct().where('regency', '=', regency).limit(2).execute();
  return rows.length === 1 ? rows[0].province : undefined;
}

const colourIs = (c: Colour) => sql<number>`SUM(CASE WHEN COALESCE(k.colour, 'abu-abu') = ${sql.lit(c)} THEN 1 ELSE 0 END)`;
const total = (column: 'layanan' | 'pelibatan' | 'advokasi') => sql<number>`SUM(COALESCE(${sql.ref(`k.${column}`)}, 0))`;

/**
 * The figures of the area's libraries, one row per province or kabupaten/kota (ordered
 * by name), or — `groupBy` null — one row for the whole area, named `wholeName`.
 */
export async function areaFigures(
  db: Db,
  area: Area,
  groupBy: 'province' | 'regency' | null,
  now: Date,
  rulebookId: string,
  wholeName = '',
): Promise<{ figures: AreaFigures[]; outdated: number }> {
  // The whole area: no GROUP BY, so exactly one row, even for an empty area.
  const name = groupBy === null ? sql<string>`''` : sql.ref<string>(`l.${groupBy}`);
  let query = db
    .selectFrom('libraries as l')
    .leftJoin('library_kpi as k', 'k.library_id', 'l.library_id')
    .where(inArea(area))
    .select([
      name.as('name'),
      sql<number>`COUNT(*)`.as('libraries'),
      colourIs('hijau').as('hijau'),
      colourIs('kuning').as('kuning'),
      colourIs('merah').as('merah'),
      colourIs('abu-abu').as('abu_abu'),
      total('layanan').as('layanan'),
      total('pelibatan').as('pelibatan'),
      total('advokasi').as('advokasi'),
      sql<number>`SUM(CASE WHEN ${staleLibrary(now)} THEN 1 ELSE 0 END)`.as('stale'),
      // Counted in the same scan, so that the usual case — every stored KPI fresh — is one query.
      (eb) => eb.fn.sum<number>(eb.case().when(snapshotOutdated(rulebookId, now)(eb)).then(1).else(0).end()).as('outdated'),
    ]);
  if (groupBy !== null) query = query.groupBy(`l.${groupBy}`).orderBy(`l.${groupBy}`);
  const rows = await query.execute();
  // SUM over no rows (an empty area, not grouped) is NULL.
  const outdated = rows.reduce((n, row) => n + Number(row.outdated ?? 0), 0);
  const figures = rows.map((row) => ({
    name: groupBy === null ? wholeName : row.name,
    libraries: Number(row.libraries),
    colours: { hijau: Number(row.hijau ?? 0), kuning: Number(row.kuning ?? 0), merah: Number(row.merah ?? 0), 'abu-abu': Number(row.abu_abu ?? 0) },
    entries: { layanan: Number(row.layanan ?? 0), pelibatan: Number(row.pelibatan ?? 0), advokasi: Number(row.advokasi ?? 0) },
    stale: Number(row.stale ?? 0),
  }));
  return { figures, outdated };
}

/** The sum of some areas' figures, named `name`. */
export function sumFigures(name: string, rows: readonly AreaFigures[]): AreaFigures {
  const sum: AreaFigures = {
    name,
    libraries: 0,
    colours: { hijau: 0, kuning: 0, merah: 0, 'abu-abu': 0 },
    entries: { layanan: 0, pelibatan: 0, advokasi: 0 },
    stale: 0,
  };
  for (const r of rows) {
    sum.libraries += r.libraries;
    for (const c of Object.keys(sum.colours) as Colour[]) sum.colours[c] += r.colours[c];
    for (const s of Object.keys(sum.entries) as (keyof AreaFigures['entries'])[]) sum.entries[s] += r.entries[s];
    sum.stale += r.stale;
  }
  return sum;
}

export interface LibraryFilter {
  /** Part of the name, any case. */
  q?: string;
  colour?: Colour;
  /** Only the libraries with the staleness mark. */
  stale?: boolean;
}

/**
 * `%`, `_` and the escape itself match literally in a LIKE pattern. Its letters are folded
 * by the database, as the names are (`lower()` on both sides): folded here, a letter the
 * database's lower() leaves alone (PostgreSQL under the C locale: Ü) would never match.
 */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** The area's libraries with their stored KPI, by name; at most `limit` (all if null). */
export async function libraryRows(
  db: Db,
  area: Area,
  filter: LibraryFilter,
  now: Date,
  limit: number | null,
): Promise<{ rows: MonitorLibraryRow[]; truncated: boolean }> {
  let query = db
    .selectFrom('libraries as l')
    .leftJoin('library_kpi as k', 'k.library_id', 'l.library_id')
    .where(inArea(area))
    .select([
      'l.library_id',
      'l.name',
      'l.village',
      'l.district',
      'l.regency',
      'l.province',
      'l.timezone',
      'l.last_push_at',
      'l.created_at',
      'k.colour',
      'k.score',
      'k.layanan',
      'k.pelibatan',
      'k.advokasi',
    ])
    .orderBy('l.name')
    .orderBy('l.library_id');
  if (filter.q !== undefined) {
    // By name, desa/kelurahan or kecamatan: an officer knows a library as often by its place
    // ("the ones in Kecamatan Singosari") as by its name.
    const pattern = sql`lower(CAST(${likePattern(filter.q)} AS text))`;
    query = query.where(
      sql<boolean>`(lower(l.name) LIKE ${pattern} ESCAPE '\\' OR lower(l.village) LIKE ${pattern} ESCAPE '\\' OR lower(l.district) LIKE ${pattern} ESCAPE '\\')`,
    );
  }
  if (filter.colour !== undefined) query = query.where(sql<string>`COALESCE(k.colour, 'abu-abu')`, '=', filter.colour);
  if (filter.stale) query = query.where(staleLibrary(now));
  if (limit !== null) query = query.limit(limit + 1);
  const found = await query.execute();
  const page = limit === null ? found : found.slice(0, limit);
  return {
    truncated: limit !== null && found.length > limit,
    rows: page.map((r) => ({
      id: r.library_id,
      name: r.name,
      village: r.village,
      district: r.district,
      regency: r.regency,
      province: r.province,
      colour: (r.colour ?? 'abu-abu') as Colour,
      score: Number(r.score ?? 0),
      entries: { layanan: Number(r.layanan ?? 0), pelibatan: Number(r.pelibatan ?? 0), advokasi: Number(r.advokasi ?? 0) },
      lastPushAt: r.last_push_at,
      timezone: r.timezone as Timezone, // stored only through the library schema
      stale: isStale(r.last_push_at, r.created_at, now),
    })),
  };
}

/** How many libraries a supervisor's scope covers (names match exactly, as the routes match them). */
export async function librariesInScope(db: Db, scope: Scope): Promise<number> {
  let query = db.selectFrom('libraries').select(sql<number>`COUNT(*)`.as('n'));
  if (scope.level !== 'national') query = query.where(scope.level, '=', scope.name);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

/** Every province and kabupaten/kota that has a library (but `exceptLibraryId`), each list by name. */
export async function placeNames(db: Db, exceptLibraryId?: string): Promise<{ province: string[]; regency: string[] }> {
  const others = () => db.selectFrom('libraries').$if(exceptLibraryId !== undefined, (q) => q.where('library_id', '<>', exceptLibraryId!));
  const [provinces, regencies] = await Promise.all([
    others().select('province').distinct().orderBy('province').execute(),
    others().select('regency').distinct().orderBy('regency').execute(),
  ]);
  return { province: provinces.map((r) => r.province), regency: regencies.map((r) => r.regency) };
}
