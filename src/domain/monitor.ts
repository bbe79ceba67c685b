/**
 * The wire shapes of regional monitoring (issue 6): supervisors of a kabupaten/kota, a
 * province or the nation log in with a name and password and read the KPI colours of
 * the libraries in their scope. The monitoring screens and the server read and build
 * every body through these.
 *
 * Routes (all under API_BASE, session cookie only — a device token never works here,
 * and a session never works on the sync routes):
 *   POST /monitor/login   LoginRequest → 200 SupervisorInfo (+ Set-Cookie) | 401 invalid_login | 429 rate_limited
 *   POST /monitor/logout  → 204
 *   GET  /monitor/me      → SupervisorInfo
 *   GET  /monitor/summary?province=&regency=            → MonitorSummary
 *   GET  /monitor/libraries?province=&regency=&q=&colour= → MonitorLibraries
 *   GET  /monitor/libraries/:id                          → MonitorLibraryDetail
 *   GET  /monitor/export/summary.csv|.xlsx?province=&regency=
 *   GET  /monitor/export/libraries.csv|.xlsx?province=&regency=&q=&colour=
 * An area outside the supervisor's scope is `403 out_of_scope`.
 */
import * as z from 'zod/mini';
import { timezoneSchema } from './calendar';
import { colourSchema, COLOURS, kpiResultSchema, type Colour } from './kpi-result';
import { noNul } from './protocol';
import { storedLibrarySchema } from './library';
import { localisedSchema } from './rulebook-schema';
import { strategySchema } from './strategies';

export const MONITOR_BASE = '/monitor';
/** The session cookie's name. */
export const SESSION_COOKIE = 'tpbis_session';
/**
 * A library whose last push is this many days old or older is marked "belum sinkron 30+
 * hari"; one that never pushed, once it was added this many days ago (a library added
 * today has had no time to sync).
 */
export const STALE_AFTER_DAYS = 30;

// ── Scopes ────────────────────────────────────────────────────────────────────

/** `national`, `province:<name>` or `regency:<name>` (kabupaten/kota), as the admin types it. */
export type Scope = { level: 'national' } | { level: 'province'; name: string } | { level: 'regency'; name: string };

const scopeName = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));
export const scopeSchema = z.discriminatedUnion('level', [
  z.object({ level: z.literal('national') }),
  z.object({ level: z.literal('province'), name: scopeName }),
  z.object({ level: z.literal('regency'), name: scopeName }),
]);

/** Reads `national`, `province:Jawa Timur`, `regency:Kabupaten Malang`; null if malformed. */
export function parseScope(text: string): Scope | null {
  const t = text.trim();
  if (t === 'national') return { level: 'national' };
  const m = /^(province|regency):(.+)$/.exec(t);
  if (!m) return null;
  const name = m[2].trim();
  if (name.length === 0 || name.length > 100) return null;
  return { level: m[1] as 'province' | 'regency', name };
}

export function formatScope(scope: Scope): string {
  return scope.level === 'national' ? 'national' : `${scope.level}:${scope.name}`;
}

// ── Login ─────────────────────────────────────────────────────────────────────

/** No NUL: PostgreSQL's text cannot hold one (the name is looked up), and no one types it. */

export const loginRequestSchema = z.object({
  username: z.string().check(z.minLength(1), z.maxLength(100), noNul),
  password: z.string().check(z.minLength(1), z.maxLength(200), noNul),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const supervisorInfoSchema = z.object({ name: z.string(), scope: scopeSchema });
export type SupervisorInfo = z.infer<typeof supervisorInfoSchema>;

// ── Figures ───────────────────────────────────────────────────────────────────

const count = z.number().check(z.int(), z.minimum(0));

/** Libraries per colour. */
export const colourCountsSchema = z.object({ hijau: count, kuning: count, merah: count, 'abu-abu': count });
export type ColourCounts = z.infer<typeof colourCountsSchema>;

/** Counted entries per strategy in the current year (the KPI's period). */
export const strategyCountsSchema = z.object({ layanan: count, pelibatan: count, advokasi: count });
export type StrategyCounts = z.infer<typeof strategyCountsSchema>;

/** The figures of one area (the whole scope, a province, a kabupaten/kota). */
export const areaFiguresSchema = z.object({
  /** The area's name; for the national row, "Indonesia". */
  name: z.string(),
  libraries: count,
  colours: colourCountsSchema,
  entries: strategyCountsSchema,
  /**
   * Libraries whose last push is STALE_AFTER_DAYS or more ago, or that never pushed and
   * were added that long ago.
   */
  stale: count,
});
export type AreaFigures = z.infer<typeof areaFiguresSchema>;

/** The area being looked at: the nation, a province, or a kabupaten/kota in a province. */
export const areaSchema = z.object({ province: z.optional(z.string()), regency: z.optional(z.string()) });
export type Area = z.infer<typeof areaSchema>;

export const monitorSummarySchema = z.object({
  area: areaSchema,
  rulebookId: z.string(),
  /** The rulebook's title, as the phone names it. Optional: views kept offline by an earlier version lack it. */
  rulebookTitle: z.optional(localisedSchema),
  /** When the figures were computed (server time). */
  asOf: z.string(),
  total: areaFiguresSchema,
  /** One row per province (national area) or per kabupaten/kota (a province); empty for a kabupaten/kota. */
  children: z.array(areaFiguresSchema),
  /** The level of `children`'s rows. */
  childLevel: z.enum(['province', 'regency', 'none']),
});
export type MonitorSummary = z.infer<typeof monitorSummarySchema>;

export const monitorLibraryRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  village: z.string(),
  district: z.string(),
  regency: z.string(),
  province: z.string(),
  colour: colourSchema,
  /** 0–100, unrounded. */
  score: z.number(),
  entries: strategyCountsSchema,
  lastPushAt: z.nullable(z.string()),
  /**
   * The library's time zone: its last push is dated in it (a push at 23.30 WIB is that day's,
   * wherever the supervisor reads it). Optional: views kept offline by an earlier version lack it.
   */
  timezone: z.optional(timezoneSchema),
  /** The staleness mark, kept apart from the colour. */
  stale: z.boolean(),
});
export type MonitorLibraryRow = z.infer<typeof monitorLibraryRowSchema>;

export const monitorLibrariesSchema = z.object({
  area: areaSchema,
  libraries: z.array(monitorLibraryRowSchema),
  /** True when more rows matched than were returned (`MONITOR_LIBRARY_LIMIT`). */
  truncated: z.boolean(),
});
export type MonitorLibraries = z.infer<typeof monitorLibrariesSchema>;
export const MONITOR_LIBRARY_LIMIT = 1000;

export const monitorLibraryDetailSchema = z.object({
  library: storedLibrarySchema,
  kpi: kpiResultSchema,
  /** The title of the rulebook `kpi` was computed with. Optional: views kept offline by an earlier version lack it. */
  rulebookTitle: z.optional(localisedSchema),
  /** The strategy the rulebook's green wants every month, for the next steps' words. Optional as the title. */
  sustainedStrategy: z.optional(strategySchema),
  lastPushAt: z.nullable(z.string()),
  stale: z.boolean(),
});
export type MonitorLibraryDetail = z.infer<typeof monitorLibraryDetailSchema>;

export function emptyColourCounts(): ColourCounts {
  return Object.fromEntries(COLOURS.map((c) => [c, 0])) as Record<Colour, number>;
}

/**
 * Each count's share of their sum as whole percentages that add up to exactly 100 (all 0
 * when the sum is 0): rounded one by one, 2/0/2/3 libraries would read 29 + 0 + 29 + 43 =
 * 101 %. Largest remainder: every share is rounded down, then the points still missing
 * go one each to the largest remainders (ties: the larger count, then the order of
 * `counts`), so no share is more than a point from its exact value — but for the rule
 * below.
 *
 * A count that is not 0 never reads 0 %: it reads 1 %, the point taken from the share
 * that lies furthest above its exact value (of those at 2 % or more), where it costs the
 * least accuracy. We chose this over "<1%" so that what is shown stays a number, the row
 * still adds up to 100, and the message tables need no second form. The result is as
 * close to the exact shares, in total, as any whole percentages that keep both rules,
 * and a larger count never reads a smaller share than a smaller one.
 */
export function sharePercents<K extends string>(counts: Readonly<Record<K, number>>): Record<K, number> {
  const keys = Object.keys(counts) as K[];
  const whole = keys.reduce((sum, k) => sum + counts[k], 0);
  const shares = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  if (whole === 0) return shares;
  // In integers, so that no float rounding decides a point: count × 100 = share × whole + remainder.
  const remainder = (k: K) => (counts[k] * 100) % whole;
  for (const k of keys) shares[k] = (counts[k] * 100 - remainder(k)) / whole;
  const missing = 100 - keys.reduce((sum, k) => sum + shares[k], 0);
  const byRemainder = [...keys].sort((a, b) => remainder(b) - remainder(a) || counts[b] - counts[a]);
  for (const k of byRemainder.slice(0, missing)) shares[k]++;
  for (const k of keys) {
    if (counts[k] > 0 && shares[k] === 0) {
      shares[k] = 1;
      shares[mostAboveExact(shares, counts, whole)]--;
    }
  }
  return shares;
}

/**
 * Of the shares that can give up a point (2 % or more), the one furthest above its exact
 * value, measured as (share − exact) × whole to stay in integers; ties go to the first key.
 */
function mostAboveExact<K extends string>(shares: Record<K, number>, counts: Readonly<Record<K, number>>, whole: number): K {
  const above = (k: K) => shares[k] * whole - counts[k] * 100;
  const keys = (Object.keys(shares) as K[]).filter((k) => shares[k] >= 2);
  return keys.reduce((best, k) => (above(k) > above(best) ? k : best));
}
