/**
 * computeKpi against a plain reference: every row parsed by the entry schema itself (the
 * spec the engine's fast check is held to in entry-check.test.ts), then counted when it is
 * this library's, not deleted and dated inside the period — the engine as it was before it
 * learnt to turn rows away early on their date, deletion and library. Results must be
 * identical, field by field, on generated and realistic rows, valid and invalid, dated just
 * inside and just outside the period, for clocks on either side of a new year in each zone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeEntries } from '../../bench/entries';
import { kpiPeriod, monthsOfPeriod, TIMEZONES, type IsoDate, type KpiPeriod, type Timezone } from '../../src/domain/calendar';
import { entrySchemaFor, isDocumented, tombstoneSchemaFor } from '../../src/domain/entry';
import { computeKpi } from '../../src/domain/kpi';
import { assess, type Tally } from '../../src/domain/kpi-assess';
import type { KpiResult } from '../../src/domain/kpi-result';
import type { Library } from '../../src/domain/library';
import { nextSteps } from '../../src/domain/next-steps';
import { activityTypesOf, defaultRulebook } from '../../src/domain/rulebook';
import type { Rulebook } from '../../src/domain/rulebook-schema';
import { perStrategy, type PerStrategy } from '../../src/domain/strategies';
import { validEntryArb } from './arbitraries';
import { makeLibrary } from './fixtures';

const OFFSET_HOURS: Record<Timezone, number> = { 'Asia/Jakarta': 7, 'Asia/Makassar': 8, 'Asia/Jayapura': 9 };

/**
 * The KPI as DOMAIN.md words it, with no shortcut: parse every row, then keep the counted ones.
 * A refused row is parsed again with every rule but the rulebook's types (as a delete is), to
 * count those turned away by their type alone, one the rulebook has under no strategy
 * (`notCountedForType`; the schema's own reason says which).
 */
function referenceKpi(entries: readonly unknown[], library: Library, rulebook: Rulebook, now: Date): KpiResult {
  const period = kpiPeriod(library.timezone, now);
  const schema = entrySchemaFor({ today: period.to, activityTypes: activityTypesOf(rulebook) });
  const butType = tombstoneSchemaFor(period.to);
  const isCounted = (e: { deleted: boolean; libraryId: string; date: string }) =>
    !e.deleted && e.libraryId === library.id && e.date >= period.from && e.date <= period.to;
  let notCountedForType = 0;
  const months = monthsOfPeriod(period);
  const monthly: PerStrategy<number>[] = months.map(() => perStrategy(() => 0));
  const counts = perStrategy(() => 0);
  let total = 0;
  let documented = 0;
  for (const raw of entries) {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const other = butType.safeParse(raw);
      const withdrawn = parsed.error.issues.some((i) => (i as { params?: { key?: string } }).params?.key === 'activityTypeWithdrawn');
      if (other.success && isCounted(other.data) && withdrawn) notCountedForType++;
      continue;
    }
    const e = parsed.data;
    if (!isCounted(e)) continue;
    counts[e.strategy]++;
    total++;
    if (isDocumented(e)) documented++;
    monthly[months.indexOf(e.date.slice(0, 7))][e.strategy]++;
  }
  const sustained = rulebook.green.sustained.strategy;
  const tally: Tally = {
    counts,
    total,
    documented,
    sustainedMonths: monthly.filter((c) => c[sustained] > 0).length,
    sustainedThisMonth: monthly[monthly.length - 1][sustained] > 0,
  };
  const a = assess(tally, rulebook, period.monthsElapsed);
  return {
    rulebookId: rulebook.id,
    period,
    colour: a.colour,
    score: a.score,
    components: a.components,
    monthly: months.map((month, i) => ({ month, ...monthly[i] })),
    sustained: { monthsWithPelibatan: tally.sustainedMonths, required: a.sustainedRequired },
    nextSteps: nextSteps(tally, a.colour, rulebook, period),
    ...(notCountedForType > 0 && { notCountedForType }),
  };
}

function addDays(date: IsoDate, days: number): IsoDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Local midnight of 1 January `year` in `tz`, as an instant. */
function newYearIn(tz: Timezone, year: number): number {
  return Date.UTC(year, 0, 1) - OFFSET_HOURS[tz] * 3_600_000;
}

/** Clocks anywhere from 2019 to 2026, and often within two hours of a new year in the library's zone. */
const clockArb = fc.record({
  tz: fc.constantFrom(...TIMEZONES),
  year: fc.integer({ min: 2019, max: 2026 }),
  nearNewYear: fc.boolean(),
  minutes: fc.integer({ min: -120, max: 120 }),
  dayOfYear: fc.integer({ min: 0, max: 364 }),
  secondOfDay: fc.integer({ min: 0, max: 86_399 }),
}).map(({ tz, year, nearNewYear, minutes, dayOfYear, secondOfDay }) => ({
  tz,
  now: new Date(
    nearNewYear
      ? newYearIn(tz, year) + minutes * 60_000
      : newYearIn(tz, year) + dayOfYear * 86_400_000 + secondOfDay * 1000,
  ),
}));

/** A date for a row: the period's edges and the days just past them, or anywhere near. */
function dateArb(period: KpiPeriod): fc.Arbitrary<IsoDate> {
  const days = Math.round((Date.parse(period.to) - Date.parse(period.from)) / 86_400_000);
  return fc.oneof(
    fc.constantFrom(period.from, period.to, addDays(period.from, -1), addDays(period.to, 1), '2018-01-01', '2017-12-31'),
    fc.integer({ min: 0, max: days }).map((d) => addDays(period.from, d)),
    fc.integer({ min: -800, max: 40 }).map((d) => addDays(period.from, d)),
  );
}

/** One change that makes a row invalid (or, for a few, merely odd), at a field the full check reads. */
const breakArb = fc.constantFrom<[string, unknown]>(
  ['title', ''],
  ['title', 'x'.repeat(201)],
  ['participantsMale', -1],
  ['participantsFemale', 1.5],
  ['participantsDisability', 1_000_000],
  ['description', 'x'.repeat(5001)],
  ['successStory', '📚'.repeat(5001)],
  ['testimony', 42],
  ['partners', Array.from({ length: 21 }, () => ({ name: 'PKK', kind: 'pkk' }))],
  ['partners', [{ name: ' ', kind: 'pkk' }]],
  ['attachments', [{ id: 'f-1', sha256: 'g'.repeat(64), mime: 'image/png', bytes: 1 }]],
  ['attachments', Array.from({ length: 6 }, () => ({ id: 'f', sha256: 'a'.repeat(64), mime: 'image/png', bytes: 1 }))],
  ['createdAt', 'yesterday'],
  ['updatedAt', '2025-02-30T00:00:00Z'],
  ['deleted', 'false'],
  ['deleted', 0],
  ['strategy', 'PELIBATAN'],
  ['activityType', 'bukan_jenis'],
  ['id', '0190a1b2-c3d4-4e5f-8a6b-000000000001'],
  ['libraryId', 'perpus sukamaju'],
  ['libraryId', 42],
  ['date', 20250101],
  ['fundingSource', 'hibah'],
  ['location', null], // not a break: null is stored as absent
);

/** Rows for one period: valid ones (some deleted, some another library's), broken ones, and non-rows. */
function rowsArb(period: KpiPeriod): fc.Arbitrary<unknown[]> {
  const row = fc
    .tuple(validEntryArb, dateArb(period), fc.option(breakArb, { freq: 3 }))
    .map(([entry, date, broken]) => {
      const raw: Record<string, unknown> = { ...entry, date };
      if (broken) raw[broken[0]] = broken[1];
      return raw as unknown;
    });
  return fc.array(fc.oneof({ weight: 12, arbitrary: row }, { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 42, 'row', [], undefined) }), {
    maxLength: 40,
  });
}

describe('computeKpi, differential', () => {
  it('equals the reference on generated rows around the period edges', () => {
    fc.assert(
      fc.property(
        clockArb.chain(({ tz, now }) => {
          const library = makeLibrary(tz);
          return rowsArb(kpiPeriod(tz, now)).map((rows) => ({ library, now, rows }));
        }),
        ({ library, now, rows }) => {
          expect(computeKpi(rows, library, defaultRulebook, now)).toStrictEqual(referenceKpi(rows, library, defaultRulebook, now));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('equals the reference on realistic rows (the benchmark data), some broken, at clocks across five years', () => {
    const library = makeLibrary('Asia/Makassar');
    for (const seed of [1, 2]) {
      // Five years through 30 June 2025, so clocks before then also meet rows dated in their future.
      const rows: unknown[] = makeEntries(1500, library.id, '2025-06-30', { seed });
      // Every 9th row broken, in turn at each field below: invalid rows inside every window.
      const breaks: [string, unknown][] = [
        ['title', ''], ['participantsMale', -1], ['partners', [{ name: '', kind: 'pkk' }]], ['createdAt', 'x'],
        ['deleted', 'no'], ['activityType', 'bukan_jenis'], ['description', 'x'.repeat(5001)], ['libraryId', 'PERPUS SUKAMAJU'],
      ];
      rows.forEach((r, i) => {
        if (i % 9 === 0) rows[i] = { ...(r as object), [breaks[(i / 9) % breaks.length][0]]: breaks[(i / 9) % breaks.length][1] };
        // And some in the library's id as another device may have written it, upper-cased.
        else if (i % 13 === 0) rows[i] = { ...(r as object), libraryId: library.id.toUpperCase() };
      });
      const clocks = [
        ...[2021, 2022, 2023, 2024, 2025].flatMap((y) => [newYearIn(library.timezone, y) - 60_000, newYearIn(library.timezone, y)]),
        Date.parse('2024-02-29T05:00:00Z'),
        Date.parse('2025-06-30T15:59:00Z'), // 23:59 WITA on the last row's date
        Date.parse('2025-07-01T04:00:00Z'),
        Date.parse('2026-03-01T04:00:00Z'), // a year with no rows yet
      ];
      for (const at of clocks) {
        const now = new Date(at);
        expect(computeKpi(rows, library, defaultRulebook, now), now.toISOString()).toStrictEqual(
          referenceKpi(rows, library, defaultRulebook, now),
        );
      }
    }
  });
});
