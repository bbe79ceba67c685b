/**
 * Next steps: the smallest set of entries, dated today, that lifts a library to at
 * least the next colour (`toNext`) and to green (`toGreen`); and whether green can be
 * reached by some month of this calendar year (`greenReachable`), with, when that month
 * is a later one, the month and what to log today to stay on course (`greenLater`).
 *
 * Smallest means fewest entries; among those, fewest documented; remaining ties go
 * to the strategy order pelibatan, advokasi, layanan (DOMAIN.md).
 *
 * The search stays small because of two monotonic facts:
 * - adding a documented entry never lowers a colour, so "reachable with n entries"
 *   holds for every larger n, and the least n can be found by bisection;
 * - for a fixed composition, more documented entries never lower a colour, so the
 *   least number documented can be found by bisection too.
 * And entries beyond what a strategy's count targets need only help the documented
 * share, which any strategy helps equally, so the tie-break puts them in the first
 * strategy of the order: the others never need more than their deficit.
 */
import { assess, componentTarget, sustainedRequired, type Tally } from './kpi-assess';
import type { KpiPeriod } from './calendar';
import { colourRank, type Colour, type GreenLater, type Step } from './kpi-result';
import type { Rulebook } from './rulebook-schema';
import { STRATEGIES, perStrategy, type PerStrategy } from './strategies';

export interface NextSteps {
  toNext: Step[];
  toGreen: Step[];
  greenReachable: boolean;
  greenLater?: GreenLater;
}

interface Addition {
  counts: PerStrategy<number>;
  documented: number;
}

/** Beyond this many entries we call a colour unreachable rather than search on. */
const MAX_ENTRIES = 1 << 20;

export function nextSteps(tally: Tally, colour: Colour, rulebook: Rulebook, period: KpiPeriod): NextSteps {
  if (colour === 'hijau') return { toNext: [], toGreen: [], greenReachable: true };
  const m = period.monthsElapsed;
  const green = cheapestAddition(tally, 'hijau', rulebook, m);
  const toGreen = green ? stepsOf(green) : [];
  const next = COLOUR_AFTER[colour];
  const toNext = next === 'hijau' ? toGreen : stepsOf(cheapestAddition(tally, next, rulebook, m) ?? noAddition());
  if (green) return { toNext, toGreen, greenReachable: true };
  const later = greenLater(tally, rulebook, period);
  return later ? { toNext, toGreen, greenReachable: true, greenLater: later } : { toNext, toGreen, greenReachable: false };
}

/**
 * Green in a later month of this year, when entries dated today cannot reach it.
 *
 * Only the sustained rule looks back: every later month can add one month with the
 * sustained strategy (this month too, if it lacks one), while the required count
 * ceil(share × m′) grows by at most one a month (share ≤ 1). So the margin never
 * shrinks, and the first month m′ ≤ 12 where it closes is the first candidate.
 * The count and documentation parts do not care when an entry is dated, only that it
 * is in the year; their targets only grow with m′, so if they cannot be met in that
 * first month they cannot be met in any later one either.
 */
function greenLater(t: Tally, rulebook: Rulebook, period: KpiPeriod): GreenLater | null {
  const m = period.monthsElapsed;
  const month = firstSustainedMonth(t, rulebook, m);
  // This very month was today's search, which found nothing: the counts are out of reach.
  if (month === null || month === m) return null;
  const required = sustainedRequired(rulebook, month);
  // With the months kept, some addition must meet the rest of green then; the largest the
  // search would try settles it, since more documented entries never lower a colour.
  const kept: Tally = { ...t, sustainedMonths: required, sustainedThisMonth: true };
  if (!feasible(kept, MAX_ENTRIES, deficits(kept, rulebook, month), 'hijau', rulebook, month)) return null;
  const onCourse = cheapestAddition(onCourseTally(t, rulebook, m), 'hijau', rulebook, m);
  return {
    month: `${period.from.slice(0, 4)}-${String(month).padStart(2, '0')}`,
    required,
    thisMonth: onCourse ? stepsOf(onCourse) : [],
  };
}

/** The first month m′ in m…12 by which the sustained rule can hold, logging every month from now. */
function firstSustainedMonth(t: Tally, rulebook: Rulebook, m: number): number | null {
  const reachableNow = t.sustainedMonths + (t.sustainedThisMonth ? 0 : 1);
  for (let month = m; month <= 12; month++) {
    if (reachableNow + (month - m) >= sustainedRequired(rulebook, month)) return month;
  }
  return null;
}

/**
 * The tally as if the months already lost were not: green for it, at today's targets,
 * means this month has the sustained strategy and the count and documentation targets
 * are where they should be by now, which is what "on course" asks of today.
 */
function onCourseTally(t: Tally, rulebook: Rulebook, m: number): Tally {
  const required = sustainedRequired(rulebook, m);
  // Lacking this month, one short, so the smallest addition includes the sustained strategy.
  const sustainedMonths = t.sustainedThisMonth ? required : Math.max(0, required - 1);
  return { ...t, sustainedMonths };
}

const COLOUR_AFTER: Record<Exclude<Colour, 'hijau'>, Colour> = {
  'abu-abu': 'merah',
  merah: 'kuning',
  kuning: 'hijau',
};

function noAddition(): Addition {
  return { counts: perStrategy(() => 0), documented: 0 };
}

function total(a: Addition): number {
  return a.counts.pelibatan + a.counts.advokasi + a.counts.layanan;
}

/** The tally after adding `a`, all dated today. */
export function addToTally(t: Tally, a: Addition, rulebook: Rulebook): Tally {
  const s = rulebook.green.sustained.strategy;
  const n = total(a);
  const newMonth = !t.sustainedThisMonth && a.counts[s] > 0;
  return {
    counts: perStrategy((k) => t.counts[k] + a.counts[k]),
    total: t.total + n,
    documented: t.documented + a.documented,
    sustainedMonths: t.sustainedMonths + (newMonth ? 1 : 0),
    sustainedThisMonth: t.sustainedThisMonth || newMonth,
  };
}

function reaches(t: Tally, a: Addition, goal: Colour, rulebook: Rulebook, m: number): boolean {
  return colourRank(assess(addToTally(t, a, rulebook), rulebook, m).colour) >= colourRank(goal);
}

/**
 * How many entries of each strategy may help: what its count targets (or mere presence)
 * still need, and one for the sustained rule's strategy when this month lacks it.
 */
function deficits(t: Tally, rulebook: Rulebook, m: number): PerStrategy<number> {
  const need = perStrategy<number>((s) => (t.counts[s] === 0 ? 1 : 0));
  if (!t.sustainedThisMonth) need[rulebook.green.sustained.strategy] = 1;
  for (const c of rulebook.components) {
    if (c.indicator.kind !== 'count') continue;
    const s = c.indicator.strategy;
    need[s] = Math.max(need[s], Math.ceil(componentTarget(c, m) - 1e-9) - t.counts[s]);
  }
  return need;
}

/**
 * The compositions of n entries worth trying, in tie-break order: most pelibatan
 * first, then most advokasi. Only the first strategy may exceed its deficit.
 */
function* compositions(n: number, deficit: PerStrategy<number>): Generator<PerStrategy<number>> {
  const [first, second, third] = STRATEGIES;
  for (let a = n; a >= Math.max(0, n - deficit[second] - deficit[third]); a--) {
    for (let b = Math.min(n - a, deficit[second]); b >= 0; b--) {
      const c = n - a - b;
      if (c > deficit[third]) continue;
      yield { [first]: a, [second]: b, [third]: c } as PerStrategy<number>;
    }
  }
}

/** Entries dated today add at most the current month: past months cannot be mended. */
function sustainable(t: Tally, rulebook: Rulebook, m: number): boolean {
  return t.sustainedMonths + (t.sustainedThisMonth ? 0 : 1) >= sustainedRequired(rulebook, m);
}

/** Some composition of n entries, all documented, reaches the goal. */
function feasible(t: Tally, n: number, deficit: PerStrategy<number>, goal: Colour, rb: Rulebook, m: number) {
  for (const counts of compositions(n, deficit)) {
    if (reaches(t, { counts, documented: n }, goal, rb, m)) return true;
  }
  return false;
}

function cheapestAddition(t: Tally, goal: Colour, rulebook: Rulebook, m: number): Addition | null {
  if (goal === 'hijau' && !sustainable(t, rulebook, m)) return null;
  const deficit = deficits(t, rulebook, m);
  // Grow an upper bound by doubling, then bisect down to the least n.
  let hi = 0;
  while (!feasible(t, hi, deficit, goal, rulebook, m)) {
    if (hi >= MAX_ENTRIES) return null;
    hi = hi === 0 ? 1 : hi * 2;
  }
  let lo = hi === 0 ? 0 : Math.floor(hi / 2) + 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (feasible(t, mid, deficit, goal, rulebook, m)) hi = mid;
    else lo = mid + 1;
  }
  let best: Addition | null = null;
  for (const counts of compositions(hi, deficit)) {
    if (!reaches(t, { counts, documented: hi }, goal, rulebook, m)) continue;
    const documented = leastDocumented(t, counts, hi, goal, rulebook, m);
    if (best === null || documented < best.documented) best = { counts, documented };
  }
  return best;
}

function leastDocumented(t: Tally, counts: PerStrategy<number>, n: number, goal: Colour, rb: Rulebook, m: number) {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (reaches(t, { counts, documented: mid }, goal, rb, m)) hi = mid;
    else lo = mid + 1;
  }
  return hi;
}

/** Documented entries go to the strategies in tie-break order. */
function stepsOf(a: Addition): Step[] {
  const steps: Step[] = [];
  let documentedLeft = a.documented;
  for (const strategy of STRATEGIES) {
    const count = a.counts[strategy];
    const documented = Math.min(documentedLeft, count);
    documentedLeft -= documented;
    if (documented > 0) steps.push({ strategy, count: documented, documented: true });
    if (count - documented > 0) steps.push({ strategy, count: count - documented, documented: false });
  }
  return steps;
}
