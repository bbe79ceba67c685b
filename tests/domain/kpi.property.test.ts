/**
 * Properties of the KPI engine, checked on generated libraries through computeKpi
 * itself (real entries in, result out), never through the engine's internals.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { todayIn } from '../../src/domain/calendar';
import { computeKpi } from '../../src/domain/kpi';
import { COLOUR_RANK, colourRank, type KpiResult, type Step } from '../../src/domain/kpi-result';
import { defaultRulebook } from '../../src/domain/rulebook';
import { rulebookSchema, type Rulebook } from '../../src/domain/rulebook-schema';
import { STRATEGIES, type Strategy } from '../../src/domain/strategies';
import type { ActivityEntryInput } from '../../src/domain/entry';
import { makeEntry, makeLibrary } from './fixtures';

const library = makeLibrary('Asia/Makassar');

/** A library's year so far: for each past or current month, entries per strategy, some documented. */
const yearArb = fc
  .record({
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    cells: fc.array(
      fc.record({
        strategy: fc.constantFrom(...STRATEGIES),
        monthOffset: fc.nat({ max: 11 }),
        count: fc.integer({ min: 1, max: 4 }),
        documented: fc.boolean(),
      }),
      { maxLength: 14 },
    ),
  })
  .map(({ month, day, cells }) => {
    const mm = String(month).padStart(2, '0');
    const dd = String(day).padStart(2, '0');
    // Noon WITA on that day.
    const now = new Date(`2025-${mm}-${dd}T04:00:00Z`);
    const entries: ActivityEntryInput[] = [];
    for (const c of cells) {
      const m = 1 + (c.monthOffset % month);
      const date = `2025-${String(m).padStart(2, '0')}-01`;
      for (let i = 0; i < c.count; i++) entries.push(makeEntry(c.strategy, date, { documented: c.documented }));
    }
    return { now, entries };
  });

function entriesOfSteps(steps: readonly Step[], now: Date): ActivityEntryInput[] {
  const today = todayIn(library.timezone, now);
  return steps.flatMap((s) => Array.from({ length: s.count }, () => makeEntry(s.strategy, today, { documented: s.documented })));
}

/** Every addition (per-strategy counts, how many documented) of at most `maxTotal` entries. */
function* additions(maxTotal: number) {
  for (let p = 0; p <= maxTotal; p++)
    for (let a = 0; a + p <= maxTotal; a++)
      for (let l = 0; l + a + p <= maxTotal; l++)
        for (let d = 0; d <= p + a + l; d++) yield { counts: { pelibatan: p, advokasi: a, layanan: l } as Record<Strategy, number>, d };
}

function stepsOf(counts: Record<Strategy, number>, documented: number): Step[] {
  const steps: Step[] = [];
  let left = documented;
  for (const strategy of STRATEGIES) {
    const doc = Math.min(left, counts[strategy]);
    left -= doc;
    if (doc) steps.push({ strategy, count: doc, documented: true });
    if (counts[strategy] - doc) steps.push({ strategy, count: counts[strategy] - doc, documented: false });
  }
  return steps;
}

const total = (steps: readonly Step[]) => steps.reduce((n, s) => n + s.count, 0);
const documentedCount = (steps: readonly Step[]) => steps.filter((s) => s.documented).reduce((n, s) => n + s.count, 0);
const nextColour = (k: KpiResult) => COLOUR_RANK[colourRank(k.colour) + 1];

describe('next steps', () => {
  it('toNext, added today as stated, reaches at least the next colour', () => {
    fc.assert(
      fc.property(yearArb, ({ now, entries }) => {
        const before = computeKpi(entries, library, defaultRulebook, now);
        fc.pre(before.colour !== 'hijau' && (before.nextSteps.toNext.length > 0 || greenToday(before)));
        const after = computeKpi([...entries, ...entriesOfSteps(before.nextSteps.toNext, now)], library, defaultRulebook, now);
        expect(colourRank(after.colour)).toBeGreaterThanOrEqual(colourRank(nextColour(before)));
      }),
      { numRuns: 300 },
    );
  });

  it('toGreen, added today as stated, reaches green whenever green is reachable today', () => {
    fc.assert(
      fc.property(yearArb, ({ now, entries }) => {
        const before = computeKpi(entries, library, defaultRulebook, now);
        fc.pre(before.colour !== 'hijau' && greenToday(before));
        const after = computeKpi([...entries, ...entriesOfSteps(before.nextSteps.toGreen, now)], library, defaultRulebook, now);
        expect(after.colour).toBe('hijau');
      }),
      { numRuns: 800 },
    );
  });

  it('no smaller set reaches the goal: fewer entries, or as many with fewer documented', () => {
    fc.assert(
      fc.property(yearArb, fc.boolean(), ({ now, entries }, green) => {
        const before = computeKpi(entries, library, defaultRulebook, now);
        fc.pre(before.colour !== 'hijau');
        const goal = green ? 'hijau' : nextColour(before);
        const steps = green ? before.nextSteps.toGreen : before.nextSteps.toNext;
        fc.pre(steps.length > 0 && total(steps) <= 7);
        const n = total(steps);
        const d = documentedCount(steps);
        for (const add of additions(n)) {
          const addTotal = add.counts.pelibatan + add.counts.advokasi + add.counts.layanan;
          if (addTotal > n || (addTotal === n && add.d >= d)) continue;
          const after = computeKpi([...entries, ...entriesOfSteps(stepsOf(add.counts, add.d), now)], library, defaultRulebook, now);
          expect(colourRank(after.colour), `adding ${JSON.stringify(add)} reached ${after.colour}`).toBeLessThan(colourRank(goal));
        }
      }),
      { numRuns: 120 },
    );
  });

  it('an unreachable green is explained by the months already lost, even counting every month left', () => {
    fc.assert(
      fc.property(yearArb, ({ now, entries }) => {
        const k = computeKpi(entries, library, defaultRulebook, now);
        fc.pre(k.colour !== 'hijau' && !k.nextSteps.greenReachable);
        expect(k.nextSteps.toGreen).toEqual([]);
        expect(k.nextSteps.greenLater).toBeUndefined();
        const thisMonth = k.monthly[k.monthly.length - 1].pelibatan > 0;
        const monthsLeft = 12 - k.period.monthsElapsed;
        // ceil(0.75 × 12) = 9 months by December.
        expect(k.sustained.monthsWithPelibatan + (thisMonth ? 0 : 1) + monthsLeft).toBeLessThan(9);
      }),
      { numRuns: 200 },
    );
  });

  it('a later green comes with this month\'s steps that meet every green rule but the months already lost', () => {
    fc.assert(
      fc.property(yearArb, ({ now, entries }) => {
        const before = computeKpi(entries, library, defaultRulebook, now);
        const later = before.nextSteps.greenLater;
        fc.pre(later !== undefined);
        expect(before.nextSteps.toGreen).toEqual([]);
        expect(later.month > before.monthly[before.monthly.length - 1].month).toBe(true);
        const after = computeKpi([...entries, ...entriesOfSteps(later.thisMonth, now)], library, defaultRulebook, now);
        expect(after.colour).toBe('kuning');
        expect(after.score + defaultRulebook.green.tolerance).toBeGreaterThanOrEqual(defaultRulebook.green.threshold);
        expect(after.monthly[after.monthly.length - 1].pelibatan).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});

/** Green is reachable with entries dated today, not only in a later month. */
function greenToday(k: KpiResult): boolean {
  return k.nextSteps.greenReachable && k.nextSteps.greenLater === undefined;
}

/** The default rulebook, and one whose sustained rule follows advokasi in half the months. */
const advokasiHalf: Rulebook = rulebookSchema.parse({
  ...structuredClone(defaultRulebook),
  id: 'uji-advokasi-separuh',
  green: { ...defaultRulebook.green, sustained: { strategy: 'advokasi', shareOfMonths: 0.5 } },
});

/**
 * The year played forward: from this month to `month`, one documented entry of the
 * sustained strategy every month (this month's dated today), and in `month` enough
 * documented entries of every strategy for any count target and a documented share
 * above any target. Green then, or never by that month.
 */
function greenBy(month: number, entries: readonly ActivityEntryInput[], now: Date, rulebook: Rulebook): KpiResult {
  const today = todayIn(library.timezone, now);
  const current = Number(today.slice(5, 7));
  const dateOf = (mm: number) => (mm === current ? today : `2025-${String(mm).padStart(2, '0')}-01`);
  const future: ActivityEntryInput[] = [];
  for (let mm = current; mm <= month; mm++) future.push(makeEntry(rulebook.green.sustained.strategy, dateOf(mm), { documented: true }));
  // Targets never exceed 3 × 12 of one strategy; four documented per undocumented lifts the share past 0.8.
  const plenty = 36 + 4 * entries.length;
  for (const s of STRATEGIES) future.push(...Array.from({ length: plenty }, () => makeEntry(s, dateOf(month), { documented: true })));
  const then = month === current ? now : new Date(`2025-${String(month).padStart(2, '0')}-15T04:00:00Z`);
  return computeKpi([...entries, ...future], library, rulebook, then);
}

describe('green this year', () => {
  it('is reachable exactly when some month m′ ≤ 12 of monthly logging turns green, and greenLater names the first', () => {
    fc.assert(
      fc.property(yearArb, fc.constantFrom(defaultRulebook, advokasiHalf), ({ now, entries }, rulebook) => {
        const k = computeKpi(entries, library, rulebook, now);
        fc.pre(k.colour !== 'hijau');
        const current = k.period.monthsElapsed;
        let first: number | null = null;
        for (let month = current; month <= 12 && first === null; month++) {
          if (greenBy(month, entries, now, rulebook).colour === 'hijau') first = month;
        }
        expect(k.nextSteps.greenReachable).toBe(first !== null);
        if (first === null || first === current) {
          expect(k.nextSteps.greenLater).toBeUndefined();
        } else {
          expect(k.nextSteps.greenLater?.month).toBe(`2025-${String(first).padStart(2, '0')}`);
          expect(k.nextSteps.greenLater?.required).toBe(greenBy(first, entries, now, rulebook).sustained.required);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('score', () => {
  it('never drops when a documented entry is added', () => {
    fc.assert(
      fc.property(yearArb, fc.constantFrom(...STRATEGIES), fc.nat({ max: 30 }), ({ now, entries }, strategy, dayBack) => {
        const before = computeKpi(entries, library, defaultRulebook, now);
        const month = todayIn(library.timezone, now).slice(0, 7);
        const day = String(Math.max(1, Number(todayIn(library.timezone, now).slice(8)) - dayBack)).padStart(2, '0');
        const added = makeEntry(strategy, `${month}-${day}`, { documented: true });
        const after = computeKpi([...entries, added], library, defaultRulebook, now);
        expect(after.score).toBeGreaterThanOrEqual(before.score - 1e-12);
        expect(colourRank(after.colour)).toBeGreaterThanOrEqual(colourRank(before.colour));
      }),
      { numRuns: 300 },
    );
  });

  it('is green exactly when the exact rational score reaches 85 (with counts and months in place)', () => {
    // Exact arithmetic in integers: score × 60·T… is awkward, so compare as fractions with BigInt.
    type Frac = [bigint, bigint];
    const add = ([a, b]: Frac, [c, d]: Frac): Frac => [a * d + c * b, b * d];
    const minOne = ([a, b]: Frac): Frac => (a > b ? [1n, 1n] : [a, b]);
    const times = (w: bigint, [a, b]: Frac): Frac => [w * a, b];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 1, max: 6 }),
        fc.nat({ max: 60 }),
        (m, p, a, l, dRaw) => {
          const n = p + a + l;
          const d = dRaw % (n + 1);
          const mm = String(m).padStart(2, '0');
          const now = new Date(`2025-${mm}-15T04:00:00Z`);
          // Pelibatan spread over every month so the sustained rule holds; the rest this month.
          const entries: ActivityEntryInput[] = [];
          for (let i = 0; i < p; i++) entries.push(makeEntry('pelibatan', `2025-${String(1 + (i % m)).padStart(2, '0')}-01`));
          for (let i = 0; i < a; i++) entries.push(makeEntry('advokasi', `2025-${mm}-01`));
          for (let i = 0; i < l; i++) entries.push(makeEntry('layanan', `2025-${mm}-01`));
          entries.slice(0, d).forEach((e) => (e.successStory = 'Cerita'));
          const k = computeKpi(entries, library, defaultRulebook, now);
          fc.pre(p >= m); // every month has pelibatan
          const exact = [
            times(45n, minOne([BigInt(p), BigInt(3 * m)])),
            times(20n, minOne([BigInt(a), BigInt(m)])),
            times(15n, minOne([BigInt(l), BigInt(Math.ceil(m / 3))])),
            // documented share d/n against 4/5: ratio = 5d / 4n
            times(20n, minOne([5n * BigInt(d), 4n * BigInt(n)])),
          ].reduce(add, [0n, 1n]);
          const reaches85 = exact[0] >= 85n * exact[1];
          expect(k.colour).toBe(reaches85 ? 'hijau' : 'kuning');
        },
      ),
      { numRuns: 2000 },
    );
  });
});
