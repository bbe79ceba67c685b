/**
 * Scores a tally of counted entries under a rulebook: the components, the score and
 * the colour. `computeKpi` assesses the real tally and the next-steps search assesses
 * hypothetical ones, through this one function, so both always agree.
 */
import type { Colour, KpiComponent } from './kpi-result';
import type { Rulebook, RulebookComponent } from './rulebook-schema';
import { STRATEGIES, type PerStrategy } from './strategies';

/** What the rules look at: counts, documentation, and months with the sustained strategy. */
export interface Tally {
  counts: PerStrategy<number>;
  total: number;
  documented: number;
  /** Months of the period with at least one entry of the rulebook's sustained strategy. */
  sustainedMonths: number;
  /** Whether the current month already has one (adding one today then adds no month). */
  sustainedThisMonth: boolean;
}

export interface Assessment {
  components: KpiComponent[];
  score: number;
  colour: Colour;
  sustainedRequired: number;
}

/** ceil(x) for an x computed in floating point: 0.7 × 10 is 7.000000000000001, not 8. */
function ceilOfProduct(x: number): number {
  return Math.ceil(x - 1e-9);
}

/** The count a component must reach in month `m` (the share for documentation). */
export function componentTarget(c: RulebookComponent, m: number): number {
  const ind = c.indicator;
  if (ind.kind === 'documentedShare') return ind.targetShare;
  return 'perMonth' in ind.target ? ind.target.perMonth * m : Math.ceil(m / ind.target.everyMonths);
}

export function sustainedRequired(rulebook: Rulebook, m: number): number {
  return Math.max(0, ceilOfProduct(rulebook.green.sustained.shareOfMonths * m)); // never -0
}

function componentActual(c: RulebookComponent, t: Tally): number {
  const ind = c.indicator;
  if (ind.kind === 'count') return t.counts[ind.strategy];
  return t.total === 0 ? 0 : t.documented / t.total;
}

export function assess(t: Tally, rulebook: Rulebook, m: number): Assessment {
  let score = 0;
  const components = rulebook.components.map((c): KpiComponent => {
    const actual = componentActual(c, t);
    const target = componentTarget(c, m);
    const ratio = target > 0 ? Math.min(1, actual / target) : 1;
    const points = c.weight * ratio;
    score += points;
    return { key: c.key, actual, target, ratio, weight: c.weight, points };
  });
  // Rounding noise can push a full score a hair past 100.
  score = Math.min(100, score);
  const required = sustainedRequired(rulebook, m);
  return { components, score, colour: colourOf(t, score, required, rulebook), sustainedRequired: required };
}

function colourOf(t: Tally, score: number, required: number, rulebook: Rulebook): Colour {
  if (t.total === 0) return 'abu-abu';
  if (STRATEGIES.some((s) => t.counts[s] === 0)) return 'merah';
  const { threshold, tolerance } = rulebook.green;
  if (score + tolerance >= threshold && t.sustainedMonths >= required) return 'hijau';
  return 'kuning';
}
