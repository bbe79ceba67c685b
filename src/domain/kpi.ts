/**
 * The KPI engine: `computeKpi(entries, library, rulebook, now)` → KpiResult.
 * The phone and the server run this same function (DOMAIN.md, "The KPI result").
 *
 * It counts entries of this library that pass the entry schema, are not deleted and
 * are dated inside the period (the year to date in the library's zone); everything
 * else is ignored, never an error. Every number comes from the rulebook.
 */
import { kpiPeriod, monthsOfPeriod, isWithin, type IsoDate, type KpiPeriod } from './calendar';
import { activityTypeRefusal } from './entry';
import { countableEntryCheck } from './entry-check';
import { assess, type Tally } from './kpi-assess';
import type { KpiResult } from './kpi-result';
import type { Library } from './library';
import { nextSteps } from './next-steps';
import { activityTypesOf } from './rulebook';
import type { Rulebook } from './rulebook-schema';
import { perStrategy, type PerStrategy } from './strategies';

export function computeKpi(
  entries: readonly unknown[],
  library: Library,
  rulebook: Rulebook,
  now: Date,
): KpiResult {
  const period = kpiPeriod(library.timezone, now);
  const m = period.monthsElapsed;
  const { tally, monthly, notCountedForType } = tallyEntries(entries, library, rulebook, period);
  const a = assess(tally, rulebook, m);
  return {
    rulebookId: rulebook.id,
    period,
    colour: a.colour,
    score: a.score,
    components: a.components,
    monthly: monthsOfPeriod(period).map((month, i) => ({ month, ...monthly[i] })),
    sustained: { monthsWithPelibatan: tally.sustainedMonths, required: a.sustainedRequired },
    nextSteps: nextSteps(tally, a.colour, rulebook, period),
    ...(notCountedForType > 0 && { notCountedForType }),
  };
}

function tallyEntries(entries: readonly unknown[], library: Library, rulebook: Rulebook, period: KpiPeriod) {
  const check = countableEntryCheck({ today: period.to, activityTypes: activityTypesOf(rulebook) });
  // Indexed by month number − 1: the period never leaves one calendar year.
  const monthly: PerStrategy<number>[] = monthsOfPeriod(period).map(() => perStrategy(() => 0));
  const counts = perStrategy(() => 0);
  let total = 0;
  let documented = 0;
  let notCountedForType = 0;
  let checkButType: ReturnType<typeof countableEntryCheck> | undefined;
  let types: ReturnType<typeof activityTypesOf> | undefined;
  for (const raw of entries) {
    // Most of a phone's rows are from past years: turn them away before the full check.
    if (!couldCount(raw, library.id, period)) continue;
    const e = check(raw);
    if (e === null) {
      // Would it count but for its activity type (one a later rulebook dropped)? The card says
      // so, or the count falls silently. Asked of refused rows only: no cost to valid ones.
      // Only a type the rulebook has under no strategy (not one listed under another: that entry
      // is not marked in the list, and the card's words would send her looking for it).
      const f = (checkButType ??= countableEntryCheck({ today: period.to }))(raw);
      if (f !== null && !f.deleted && f.libraryId === library.id && isWithin(f.date, period)) {
        const refusal = activityTypeRefusal((types ??= activityTypesOf(rulebook)), f.strategy, (raw as { activityType?: unknown }).activityType);
        if (refusal === 'activityTypeWithdrawn') notCountedForType++;
      }
      continue;
    }
    if (e.deleted || e.libraryId !== library.id || !isWithin(e.date, period)) continue;
    counts[e.strategy]++;
    total++;
    if (e.documented) documented++;
    monthly[monthIndex(e.date)][e.strategy]++;
  }
  const sustained = rulebook.green.sustained.strategy;
  const thisMonth = monthly[monthIndex(period.to)];
  const sustainedMonths = monthly.filter((c) => c[sustained] > 0).length;
  const tally: Tally = { counts, total, documented, sustainedMonths, sustainedThisMonth: thisMonth[sustained] > 0 };
  return { tally, monthly, notCountedForType };
}

/**
 * Whether a row may count, from three of its fields: dated inside the period, not deleted,
 * this library's. Only a necessary condition — every row it lets through still takes the
 * full check and the tally's own test — so it changes no result, only the work: the full
 * check reads every field, text, partner and attachment (~1 µs a row with realistic fields,
 * ~3 µs before entry-check.ts read fields with for…in), while a phone's store is mostly
 * entries of past years that the period never reads.
 * The period is the only window any rule looks at: the next steps and "green later" work
 * on the tally, never on entries or other dates, and a rulebook cannot widen it.
 *
 * Each test is implied by counting: the check refuses a non-string date and a non-boolean
 * `deleted`, and the tally needs the date in the period, `deleted` false and the id,
 * lower-cased by the check, equal to the library's.
 */
function couldCount(raw: unknown, libraryId: string, period: KpiPeriod): boolean {
  if (typeof raw !== 'object' || raw === null) return false;
  const row = raw as Record<string, unknown>;
  // One field at a time, the date first (it turns most rows away): rows come in hundreds of
  // shapes, so each named read of one misses V8's caches and is worth saving.
  const date = row.date;
  if (typeof date !== 'string' || date < period.from || date > period.to) return false;
  if (row.deleted !== false) return false;
  const owner = row.libraryId;
  return typeof owner === 'string' && (owner === libraryId || owner.toLowerCase() === libraryId);
}

function monthIndex(date: IsoDate): number {
  return (date.charCodeAt(5) - 48) * 10 + (date.charCodeAt(6) - 48) - 1;
}
