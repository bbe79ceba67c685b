/**
 * The colour shares of a monitoring summary (sharePercents in src/domain/monitor.ts):
 * whole percentages that always add up to 100, where a colour with any library never
 * reads 0 %, and each share stays close to its exact value.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COLOURS, type Colour } from '../../src/domain/kpi-result';
import { sharePercents } from '../../src/domain/monitor';

type Counts = Record<Colour, number>;

const countsOf = (hijau: number, kuning: number, merah: number, abu: number): Counts => ({ hijau, kuning, merah, 'abu-abu': abu });

/** Counts per colour from a kabupaten's few libraries to the nation's ~84,000, with many zeros and tiny colours. */
const countArb = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 84_000 }));
const countsArb = fc.tuple(countArb, countArb, countArb, countArb).map(([a, b, c, d]) => countsOf(a, b, c, d));

const total = (r: Record<string, number>) => Object.values(r).reduce((s, n) => s + n, 0);
const exact = (counts: Counts, c: Colour) => (counts[c] * 100) / total(counts);

describe('sharePercents', () => {
  it('the reviewer’s summary: 2/0/2/3 libraries read 29 + 0 + 28 + 43 = 100, not 29 + 0 + 29 + 43 = 101', () => {
    const shares = sharePercents(countsOf(2, 0, 2, 3));
    expect(shares).toEqual(countsOf(29, 0, 28, 43));
    expect(total(shares)).toBe(100);
  });

  it('one library in a thousand reads 1 %, the point taken from the share rounding raised most', () => {
    expect(sharePercents(countsOf(1, 0, 0, 999))).toEqual(countsOf(1, 0, 0, 99));
    expect(sharePercents(countsOf(1, 1, 1, 997))).toEqual(countsOf(1, 1, 1, 97));
    expect(sharePercents(countsOf(1, 2, 0, 1997))).toEqual(countsOf(1, 1, 0, 98));
    // 0.0016 / 9.70 / 45.21 / 45.09 %: kuning was rounded up to 10, so it gives the point back,
    // not a 45 that was rounded down (which would then read 44, more than a point off).
    expect(sharePercents(countsOf(2, 12_089, 56_315, 56_165))).toEqual(countsOf(1, 9, 45, 45));
  });

  it('nothing to share: every colour 0 %', () => {
    expect(sharePercents(countsOf(0, 0, 0, 0))).toEqual(countsOf(0, 0, 0, 0));
  });

  it('always add up to 100 when there is a library, a colour with libraries never reads 0 % and one without always does (property)', () => {
    fc.assert(
      fc.property(countsArb, (counts) => {
        const shares = sharePercents(counts);
        expect(Object.keys(shares)).toEqual([...COLOURS]);
        if (total(counts) === 0) {
          expect(shares).toEqual(countsOf(0, 0, 0, 0));
          return;
        }
        expect(total(shares)).toBe(100);
        for (const c of COLOURS) {
          expect(Number.isInteger(shares[c]), c).toBe(true);
          expect(shares[c] === 0, c).toBe(counts[c] === 0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('within a point of the exact share when no colour is under 1 %; otherwise off by at most one more point per such colour (property)', () => {
    fc.assert(
      fc.property(countsArb, (counts) => {
        fc.pre(total(counts) > 0);
        const shares = sharePercents(counts);
        const tiny = COLOURS.filter((c) => counts[c] > 0 && exact(counts, c) < 1).length;
        for (const c of COLOURS) expect(Math.abs(shares[c] - exact(counts, c)), c).toBeLessThan(1 + tiny);
      }),
      { numRuns: 2000 },
    );
  });

  it('no other whole percentages that keep the rules are closer to the exact shares in total (property)', () => {
    fc.assert(
      fc.property(countsArb, (counts) => {
        const whole = total(counts);
        fc.pre(whole > 0);
        const shares = sharePercents(counts);
        // The distance in integers: |share − exact| × whole.
        const distance = (s: Counts) => COLOURS.reduce((sum, c) => sum + Math.abs(s[c] * whole - counts[c] * 100), 0);
        // Moving one point between two colours reaches every other answer step by step, and the
        // distance is a sum of convex terms: if no single move helps, none does.
        for (const from of COLOURS) {
          for (const to of COLOURS) {
            if (from === to || counts[to] === 0 || shares[from] - 1 < (counts[from] > 0 ? 1 : 0)) continue;
            const moved = { ...shares, [from]: shares[from] - 1, [to]: shares[to] + 1 };
            expect(distance(moved), `${from} → ${to}`).toBeGreaterThanOrEqual(distance(shares));
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('a colour with more libraries never reads a smaller share (property)', () => {
    fc.assert(
      fc.property(countsArb, (counts) => {
        const shares = sharePercents(counts);
        for (const a of COLOURS) for (const b of COLOURS) if (counts[a] > counts[b]) expect(shares[a], `${a} > ${b}`).toBeGreaterThanOrEqual(shares[b]);
      }),
      { numRuns: 2000 },
    );
  });
});
