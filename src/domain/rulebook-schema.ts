/**
 * The KPI rulebook as a validated document. The engine reads every number from it,
 * so a rulebook published by the server recolours every phone without an app update.
 */
import * as z from 'zod/mini';
import { STRATEGIES, strategySchema } from './strategies';

/** A text in both languages of the app. */
export const localisedSchema = z.object({ id: z.string().check(z.minLength(1)), en: z.string().check(z.minLength(1)) });

const activityTypeSchema = z.object({
  code: z.string().check(z.regex(/^[a-z0-9_]{1,50}$/)),
  label: localisedSchema,
});

/** A count of one strategy's entries; the target grows with the months elapsed `m`. */
const countIndicator = z.object({
  kind: z.literal('count'),
  strategy: strategySchema,
  target: z.union([
    /** target = perMonth × m */
    z.strictObject({ perMonth: z.number().check(z.positive()) }),
    /** target = ceil(m / everyMonths) */
    z.strictObject({ everyMonths: z.number().check(z.int(), z.minimum(1)) }),
  ]),
});

/** The share of counted entries that are documented, against a fixed target share. */
const documentedShareIndicator = z.object({
  kind: z.literal('documentedShare'),
  targetShare: z.number().check(z.positive(), z.maximum(1)),
});

const componentSchema = z.object({
  key: z.string().check(z.regex(/^[a-z0-9_]{1,50}$/)),
  /** Needed only for a component the message catalogue does not name. */
  label: z.optional(localisedSchema),
  weight: z.number().check(z.minimum(0), z.maximum(100)),
  indicator: z.discriminatedUnion('kind', [countIndicator, documentedShareIndicator]),
});

export const rulebookSchema = z
  .object({
    id: z.string().check(z.regex(/^[a-z0-9][a-z0-9._-]{0,99}$/)),
    /** Every rulebook of ours is an estimate; the UI says so whatever this holds. */
    title: localisedSchema,
    strategies: z.object({
      pelibatan: z.object({ activityTypes: z.array(activityTypeSchema).check(z.minLength(1)) }),
      advokasi: z.object({ activityTypes: z.array(activityTypeSchema).check(z.minLength(1)) }),
      layanan: z.object({ activityTypes: z.array(activityTypeSchema).check(z.minLength(1)) }),
    }),
    components: z.array(componentSchema).check(z.minLength(1)),
    green: z.object({
      threshold: z.number().check(z.minimum(0), z.maximum(100)),
      /** Scores are compared unrounded with this slack, so an exact 85 is never 84.999…. */
      tolerance: z.number().check(z.minimum(0), z.maximum(0.01)),
      sustained: z.object({
        strategy: strategySchema,
        /** required months = ceil(shareOfMonths × m) */
        shareOfMonths: z.number().check(z.minimum(0), z.maximum(1)),
      }),
    }),
  })
  .check(
    z.superRefine((r, ctx) => {
      const keys = r.components.map((c) => c.key);
      if (new Set(keys).size !== keys.length) {
        ctx.addIssue({ code: 'custom', path: ['components'], params: { key: 'duplicateComponentKey' } });
      }
      const total = r.components.reduce((sum, c) => sum + c.weight, 0);
      if (Math.abs(total - 100) > 1e-9) {
        ctx.addIssue({ code: 'custom', path: ['components'], params: { key: 'weightsNot100' } });
      }
      for (const s of STRATEGIES) {
        const codes = r.strategies[s].activityTypes.map((t) => t.code);
        if (new Set(codes).size !== codes.length) {
          ctx.addIssue({ code: 'custom', path: ['strategies', s, 'activityTypes'], params: { key: 'duplicateActivityType' } });
        }
      }
    }),
  );

export type Rulebook = z.output<typeof rulebookSchema>;
export type RulebookComponent = Rulebook['components'][number];
