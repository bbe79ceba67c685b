/** fast-check arbitraries for valid entries, with the untidiness real input has. */
import fc from 'fast-check';
import { ATTACHMENT_MIMES, FUNDING_SOURCES, PARTNER_KINDS, type ActivityEntryInput } from '../../src/domain/entry';
import { activityTypesOf, defaultRulebook } from '../../src/domain/rulebook';
import { STRATEGIES } from '../../src/domain/strategies';

const types = activityTypesOf(defaultRulebook);
const pad = (n: number) => String(n).padStart(2, '0');

/** Text with spaces around it that parsing trims, and a few characters outside the BMP. */
export const textArb = (min: number, max: number) =>
  fc
    .tuple(fc.constantFrom('', ' ', '  \n'), fc.string({ unit: 'grapheme-composite', minLength: min, maxLength: max }), fc.constantFrom('', ' ', '\t'))
    .map(([a, s, b]) => a + s + b);

const someText = (max: number) => fc.option(textArb(0, Math.min(max, 40)), { nil: undefined });

export const dateArb = fc
  .record({ y: fc.integer({ min: 2018, max: 2025 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }) })
  .map(({ y, m, d }) => `${y}-${pad(m)}-${pad(d)}`);

const instantArb = fc
  .date({ min: new Date('2018-01-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true })
  .chain((d) =>
    fc.constantFrom(
      d.toISOString(),
      d.toISOString().replace('.000Z', 'Z').replace(/\.\d{3}Z$/, 'Z'),
      d.toISOString().replace('Z', '+00:00'),
    ),
  );

export const validEntryArb: fc.Arbitrary<ActivityEntryInput> = fc
  .constantFrom(...STRATEGIES)
  .chain((strategy) =>
    fc.record(
      {
        id: fc.uuid({ version: 7 }).chain((u) => fc.constantFrom(u, u.toUpperCase())),
        libraryId: fc.constantFrom('perpus-sukamaju', 'PERPUS-SUKAMAJU', 'lib-1'),
        strategy: fc.constant(strategy),
        activityType: fc.constantFrom(...types[strategy]),
        title: textArb(3, 60),
        date: dateArb,
        location: fc.option(someText(200), { nil: null }),
        // Mostly small counts, so that the disability ≤ male + female boundary is hit.
        participantsMale: fc.oneof(fc.integer({ min: strategy === 'pelibatan' ? 1 : 0, max: 3 }), fc.integer({ min: 1, max: 100_000 })),
        participantsFemale: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 100_000 })),
        participantsDisability: fc.option(fc.integer({ min: 0, max: 1 }), { nil: null }),
        partners: fc.option(
          fc.array(
            fc.record({ name: textArb(1, 30).filter((n) => n.trim() !== ''), kind: fc.constantFrom(...PARTNER_KINDS) }),
            { maxLength: 3 },
          ),
          { nil: undefined },
        ),
        description: someText(5000),
        skills: someText(1000),
        economicImpact: someText(1000),
        successStory: someText(5000),
        testimony: someText(2000),
        fundingSource: fc.option(fc.constantFrom(...FUNDING_SOURCES), { nil: null }),
        attachments: fc.option(
          fc.array(
            fc.record({
              id: fc.uuid({ version: 4 }).chain((u) => fc.constantFrom(u, u.toUpperCase())),
              sha256: fc.stringMatching(/^[0-9a-f]{64}$/).chain((h) => fc.constantFrom(h, h.toUpperCase())),
              mime: fc.constantFrom(...ATTACHMENT_MIMES),
              bytes: fc.integer({ min: 0, max: 5_000_000 }),
            }),
            { maxLength: 5 },
          ),
          { nil: undefined },
        ),
        createdAt: instantArb,
        updatedAt: instantArb,
        deleted: fc.boolean(),
      },
      { requiredKeys: ['id', 'libraryId', 'strategy', 'activityType', 'title', 'date', 'participantsMale', 'participantsFemale', 'createdAt', 'updatedAt', 'deleted'] },
    ),
  )
  .map((e) => {
    const people = Number(e.participantsMale) + Number(e.participantsFemale);
    return typeof e.participantsDisability === 'number' && e.participantsDisability > people
      ? { ...e, participantsDisability: people }
      : e;
  })
  // A grapheme may be several code points, so keep only titles the schema's limits admit.
  .filter((e) => {
    const n = [...String(e.title).trim()].length;
    return n >= 3 && n <= 200;
  }) as fc.Arbitrary<ActivityEntryInput>;
