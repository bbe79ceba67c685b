/**
 * Migration '0003-monitoring' (issue 6): published rulebooks, each library's stored KPI,
 * and the change counter that tells a stored KPI is out of date.
 *
 * `libraries.change_count` grows with every push transaction that touches the library
 * (store/push-*.ts); a stored KPI records the count it was computed at, so comparing
 * the two is enough to know whether entries changed since — no timestamp races.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { DbKind } from './db';

export function monitoringMigration(kind: DbKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // Not per library, so not distributed on Citus. `seq` orders publishes: the
      // admin's clock may stand still or step back, and the current rulebook is the
      // last one published, whatever the clock said.
      await db.schema
        .createTable('rulebooks')
        .addColumn('rulebook_id', 'text', (c) => c.primaryKey())
        .addColumn('seq', 'bigint', (c) => c.notNull().unique())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('published_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .alterTable('libraries')
        .addColumn('change_count', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      // Monitoring filters and groups libraries by province, then kabupaten/kota; a
      // kabupaten supervisor's scope names only the kabupaten.
      await db.schema.createIndex('libraries_by_area').on('libraries').columns(['province', 'regency']).execute();
      await db.schema.createIndex('libraries_by_regency').on('libraries').column('regency').execute();

      await db.schema
        .createTable('library_kpi')
        .addColumn('library_id', 'text', (c) => c.primaryKey())
        .addColumn('rulebook_id', 'text', (c) => c.notNull())
        // The library-local date it was computed for: targets grow with the months.
        .addColumn('computed_for', 'text', (c) => c.notNull())
        .addColumn('change_count', 'bigint', (c) => c.notNull())
        .addColumn('colour', 'text', (c) => c.notNull())
        // SQLite's REAL is already 8 bytes; PostgreSQL's `real` would be 4.
        .addColumn('score', kind === 'postgres' ? 'double precision' : 'real', (c) => c.notNull())
        .addColumn('layanan', 'integer', (c) => c.notNull())
        .addColumn('pelibatan', 'integer', (c) => c.notNull())
        .addColumn('advokasi', 'integer', (c) => c.notNull())
        // No copy of the whole KpiResult (~1.5 KB): it would make every national aggregate
        // scan ten times the pages (132 MB against 12 MB for 84,000 libraries on PostgreSQL).
        // A library's detail is computed from its entries.
        .addColumn('computed_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
