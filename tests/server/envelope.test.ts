/**
 * The push route's fast envelope check against the schema it stands in for
 * (`pushRequestSchema`): whatever it accepts the schema accepts, with the same
 * mutations; and it accepts the envelopes phones send, so the fast path is the one taken.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MUTATIONS, pushRequestSchema } from '../../src/domain';
import { fastEnvelope } from '../../src/server/push-envelope';

const anyValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 5 }),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);
const number = fc.oneof(
  fc.integer({ min: -3, max: 10 }),
  fc.constantFrom(0.5, -0, 2 ** 53, Number.MAX_SAFE_INTEGER, 1e300),
  anyValue,
);
const entry = fc.oneof(
  fc.record({ id: fc.string({ maxLength: 8 }), libraryId: fc.string({ maxLength: 8 }) }),
  fc.record({ id: fc.string({ maxLength: 8 }), libraryId: fc.string({ maxLength: 8 }), title: anyValue, extra: anyValue }),
  fc.record({ id: anyValue, libraryId: fc.string() }),
  fc.record({ libraryId: fc.string() }),
  anyValue,
);
const mutation = fc.oneof(
  fc.record({ seq: number, baseVersion: number, entry }),
  fc.record({ seq: number, entry }),
  fc.record({ seq: number, baseVersion: number, entry, more: anyValue }),
  anyValue,
);
/** Mostly consecutive seqs from a random start, sometimes anything. */
const envelope = fc.oneof(
  fc
    .tuple(fc.integer({ min: -1, max: 5 }), fc.array(fc.record({ baseVersion: number, entry }), { minLength: 0, maxLength: 6 }))
    .map(([first, ms]) => ({ mutations: ms.map((m, i) => ({ seq: first + i, ...m })) })),
  fc.record({ mutations: fc.array(mutation, { maxLength: 4 }) }),
  fc.record({ mutations: anyValue }),
  fc.record({ mutations: fc.array(mutation, { maxLength: 2 }), other: anyValue }),
  anyValue,
);

describe('fastEnvelope', () => {
  it('accepts only what pushRequestSchema accepts, and returns the same mutations', () => {
    fc.assert(
      fc.property(envelope, (value) => {
        const fast = fastEnvelope(value);
        const schema = pushRequestSchema.safeParse(value);
        if (fast !== null) {
          expect(schema.success).toBe(true);
          expect(fast).toEqual(schema.data!.mutations);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('accepts every envelope the schema accepts among well-formed batches', () => {
    const wellFormed = fc
      .tuple(
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.array(
          fc.record({
            baseVersion: fc.nat(),
            entry: fc.record({ id: fc.string(), libraryId: fc.string(), title: fc.string() }),
          }),
          { minLength: 1, maxLength: 20 },
        ),
      )
      .map(([first, ms]) => ({ mutations: ms.map((m, i) => ({ seq: first + i, ...m })) }));
    fc.assert(
      fc.property(wellFormed, (value) => {
        expect(pushRequestSchema.safeParse(value).success).toBe(true);
        expect(fastEnvelope(value)).not.toBeNull();
      }),
    );
  });

  it('refuses more than the protocol allows, leaving the schema to word it', () => {
    const entry = { id: 'a', libraryId: 'b' };
    const many = { mutations: Array.from({ length: MAX_MUTATIONS + 1 }, (_, i) => ({ seq: i + 1, baseVersion: 0, entry })) };
    expect(fastEnvelope(many)).toBeNull();
    expect(pushRequestSchema.safeParse(many).success).toBe(false);
    const max = { mutations: many.mutations.slice(0, MAX_MUTATIONS) };
    expect(fastEnvelope(max)).toHaveLength(MAX_MUTATIONS);
  });
});
