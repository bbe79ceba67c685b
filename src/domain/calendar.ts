/**
 * Calendar helpers in a library's own time zone. The clock is always passed in.
 *
 * Indonesia's three zones have had fixed offsets without daylight saving since 1964
 * (WIB +7, WITA +8, WIT +9), so a table of offsets is exact and avoids building an
 * Intl formatter on every call — this runs for every entry in computeKpi.
 */
import * as z from 'zod/mini';

export const TIMEZONES = ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'] as const;
export const timezoneSchema = z.enum(TIMEZONES);
export type Timezone = z.infer<typeof timezoneSchema>;

const OFFSET_MINUTES: Record<Timezone, number> = {
  'Asia/Jakarta': 7 * 60,
  'Asia/Makassar': 8 * 60,
  'Asia/Jayapura': 9 * 60,
};

/** A calendar date as `YYYY-MM-DD`. */
export type IsoDate = string;
/** A calendar month as `YYYY-MM`. */
export type MonthKey = string;


function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The wall-clock date of `now` in `tz`, as `YYYY-MM-DD`. */
export function todayIn(tz: Timezone, now: Date): IsoDate {
  const shifted = new Date(now.getTime() + OFFSET_MINUTES[tz] * 60_000);
  return `${shifted.getUTCFullYear()}-${pad2(shifted.getUTCMonth() + 1)}-${pad2(shifted.getUTCDate())}`;
}

/** True when `s` is `YYYY-MM-DD` and names a day that exists (no 2025-02-29). */
export function isRealDate(s: string): boolean {
  // Char codes, not a regex or `new Date`: this runs per entry in computeKpi's hot loop.
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

/** The number written by `count` ASCII digits of `s` from `start`, or -1 if one is not a digit. */
function digitsAt(s: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in `month` (1–12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
}

/** `2025-03-14` → `2025-03`. */
export function monthOf(date: IsoDate): MonthKey {
  return date.slice(0, 7);
}

/** The KPI period: the calendar year to date in the library's zone. */
export interface KpiPeriod {
  from: IsoDate;
  to: IsoDate;
  /** Months elapsed including the current one: January → 1. */
  monthsElapsed: number;
}

export function kpiPeriod(tz: Timezone, now: Date): KpiPeriod {
  const to = todayIn(tz, now);
  return { from: `${to.slice(0, 4)}-01-01`, to, monthsElapsed: Number(to.slice(5, 7)) };
}

/** The months of the period in order: `['2025-01', …, '2025-03']` for March. */
export function monthsOfPeriod(period: KpiPeriod): MonthKey[] {
  const year = period.from.slice(0, 4);
  return Array.from({ length: period.monthsElapsed }, (_, i) => `${year}-${pad2(i + 1)}`);
}

/** Dates compare correctly as strings because the format is fixed-width. */
export function isWithin(date: IsoDate, period: KpiPeriod): boolean {
  return date >= period.from && date <= period.to;
}
