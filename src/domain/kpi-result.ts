/** The shape `computeKpi` returns (DOMAIN.md, "The KPI result"), as a schema for the wire. */
import * as z from 'zod/mini';
import { strategySchema } from './strategies';

export const COLOURS = ['hijau', 'kuning', 'merah', 'abu-abu'] as const;
export const colourSchema = z.enum(COLOURS);
export type Colour = z.infer<typeof colourSchema>;

/** Colours from worst to best: a colour's index is its rank. */
export const COLOUR_RANK: readonly Colour[] = ['abu-abu', 'merah', 'kuning', 'hijau'];

export function colourRank(c: Colour): number {
  return COLOUR_RANK.indexOf(c);
}

const isoDate = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));

export const stepSchema = z.object({
  strategy: strategySchema,
  count: z.number().check(z.int(), z.minimum(1)),
  documented: z.boolean(),
});
export type Step = z.infer<typeof stepSchema>;

/**
 * Green out of reach today but not this year (an optional addition to DOMAIN.md's shape):
 * the first month it can be reached, the months with the sustained strategy needed by
 * then, and what to log today to stay on course.
 */
export const greenLaterSchema = z.object({
  month: z.string().check(z.regex(/^\d{4}-\d{2}$/)),
  required: z.number().check(z.int(), z.minimum(1)),
  thisMonth: z.array(stepSchema),
});
export type GreenLater = z.infer<typeof greenLaterSchema>;

export const kpiComponentSchema = z.object({
  key: z.string(),
  actual: z.number(),
  target: z.number(),
  ratio: z.number().check(z.minimum(0), z.maximum(1)),
  weight: z.number(),
  points: z.number(),
});
export type KpiComponent = z.infer<typeof kpiComponentSchema>;

export const kpiResultSchema = z.object({
  rulebookId: z.string(),
  period: z.object({ from: isoDate, to: isoDate, monthsElapsed: z.number().check(z.int(), z.minimum(1), z.maximum(12)) }),
  colour: colourSchema,
  /** 0–100, unrounded: round only for display. */
  score: z.number().check(z.minimum(0), z.maximum(100)),
  components: z.array(kpiComponentSchema),
  monthly: z.array(
    z.object({
      month: z.string().check(z.regex(/^\d{4}-\d{2}$/)),
      layanan: z.number().check(z.int(), z.minimum(0)),
      pelibatan: z.number().check(z.int(), z.minimum(0)),
      advokasi: z.number().check(z.int(), z.minimum(0)),
    }),
  ),
  sustained: z.object({ monthsWithPelibatan: z.number().check(z.int(), z.minimum(0)), required: z.number().check(z.int(), z.minimum(0)) }),
  nextSteps: z.object({
    toNext: z.array(stepSchema),
    toGreen: z.array(stepSchema),
    /** Reachable by some month of this calendar year, not necessarily today. */
    greenReachable: z.boolean(),
    /** Present exactly when green is reachable this year but not with entries dated today. */
    greenLater: z.optional(greenLaterSchema),
  }),
  /**
   * Entries of the period that would count but for an activity type the rulebook does not
   * list for their strategy (mostly one a later rulebook dropped); present only when there are
   * some (an optional addition to DOMAIN.md's shape).
   */
  notCountedForType: z.optional(z.number().check(z.int(), z.minimum(1))),
});
export type KpiResult = z.infer<typeof kpiResultSchema>;
