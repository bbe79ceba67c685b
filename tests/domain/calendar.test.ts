import { describe, expect, it } from 'vitest';
import { daysInMonth, isRealDate, kpiPeriod, monthsOfPeriod, todayIn } from '../../src/domain/calendar';

describe('todayIn', () => {
  it.each([
    ['2025-06-30T16:59:59Z', 'Asia/Jakarta', '2025-06-30'],
    ['2025-06-30T17:00:00Z', 'Asia/Jakarta', '2025-07-01'],
    ['2025-06-30T15:59:59Z', 'Asia/Makassar', '2025-06-30'],
    ['2025-06-30T16:00:00Z', 'Asia/Makassar', '2025-07-01'],
    ['2025-06-30T14:59:59Z', 'Asia/Jayapura', '2025-06-30'],
    ['2025-06-30T15:00:00Z', 'Asia/Jayapura', '2025-07-01'],
  ] as const)('%s in %s is %s', (instant, tz, day) => {
    expect(todayIn(tz, new Date(instant))).toBe(day);
  });

  it('agrees with Intl for every zone across a year of instants', () => {
    for (const tz of ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'] as const) {
      const f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
      for (let h = 0; h < 366 * 24; h += 7) {
        const d = new Date(Date.UTC(2024, 0, 1) + h * 3_600_000);
        expect(todayIn(tz, d)).toBe(f.format(d));
      }
    }
  });
});

describe('isRealDate', () => {
  it.each(['2024-02-29', '2025-12-31', '2018-01-01', '2000-02-29'])('accepts %s', (d) => expect(isRealDate(d)).toBe(true));
  it.each(['2025-02-29', '1900-02-29', '2025-04-31', '2025-13-01', '2025-00-10', '2025-01-00', '2025-1-01', '25-01-01', '2025-01-01T00:00', ''])(
    'refuses %s',
    (d) => expect(isRealDate(d)).toBe(false),
  );
  it('knows the length of every month', () => {
    expect(Array.from({ length: 12 }, (_, i) => daysInMonth(2024, i + 1))).toEqual([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    expect(daysInMonth(2025, 2)).toBe(28);
  });
});

describe('kpiPeriod and monthsOfPeriod', () => {
  it('runs from 1 January to today, counting the current month', () => {
    const p = kpiPeriod('Asia/Jakarta', new Date('2025-03-14T03:00:00Z'));
    expect(p).toEqual({ from: '2025-01-01', to: '2025-03-14', monthsElapsed: 3 });
    expect(monthsOfPeriod(p)).toEqual(['2025-01', '2025-02', '2025-03']);
  });
});
