/**
 * The three TPBIS strategies. Every activity entry belongs to exactly one.
 * The array order is the tie-break order of DOMAIN.md's next steps
 * (pelibatan, advokasi, layanan), so iterate over it wherever order matters.
 */
import * as z from 'zod/mini';

export const STRATEGIES = ['pelibatan', 'advokasi', 'layanan'] as const;

export const strategySchema = z.enum(STRATEGIES);
export type Strategy = z.infer<typeof strategySchema>;

/** Counts of something per strategy, e.g. entries logged in one month. */
export type PerStrategy<T> = Record<Strategy, T>;

export function perStrategy<T>(make: (s: Strategy) => T): PerStrategy<T> {
  return { pelibatan: make('pelibatan'), advokasi: make('advokasi'), layanan: make('layanan') };
}
