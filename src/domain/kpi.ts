/**
 * The KPI engine: `computeKpi(entries, library, rulebook, now)` → KpiResult.
 * The phone and the server run this same function (DOMAIN.md, "The KPI result").
 *
 * It counts entries of this library that pass the entry schema, are not deleted and
 * are dated inside the period (the year to date in the library's zone); everything
 * else is ignored, never an error. Every number comes from the rulebook.
 */
import { kpiPeriod, monthsOfPeriod, isWithin, type IsoDate, type KpiPeriod } from './calendar';
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
  const { tally, monthly } = tallyEntries(entries, library, rulebook, period);
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
  };
}

function tallyEntries(entries: readonly unknown[], library: Library, rulebook: Rulebook, period: KpiPeriod) {
  const check = countableEntryCheck({ today: period.to, activityTypes: activityTypesOf(rulebook) });
  // Indexed by month number − 1: the period never leaves one calendar year.
  const monthly: PerStrategy<number>[] = monthsOfPeriod(period).map(() => perStrategy(() => 0));
  const counts = perStrategy(() => 0);
  let total = 0;
  let documented = 0;
  for (const raw of entries) {
    const e = check(raw);
    if (e === null || e.deleted || e.libraryId !== library.id || !isWithin(e.date, period)) continue;
    counts[e.strategy]++;
    total++;
    if (e.documented) documented++;
    monthly[monthIndex(e.date)][e.strategy]++;
  }
  const sustained = rulebook.green.sustained.strategy;
  const thisMonth = monthly[monthIndex(period.to)];
  const sustainedMonths = monthly.filter((c) => c[sustained] > 0).length;
  const tally: Tally = { counts, total, documented, sustainedMonths, sustainedThisMonth: thisMonth[sustained] > 0 };
  return { tally, monthly };
}

function monthIndex(date: IsoDate): number {
  return (date.charCodeAt(5) - 48) * 10 + (date.charCodeAt(6) - 48) - 1;
}
