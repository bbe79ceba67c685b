/**
 * The KPI engine's fast entry check must accept exactly what the entry schema accepts.
 * Generated entries are valid ones, then broken at one or two places with the values
 * most likely to split the two: wrong types, boundaries, blanks, case, odd Unicode.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { entrySchemaFor, tombstoneSchemaFor } from '../../src/domain/entry';
import { countableEntryCheck, fastEntryParser } from '../../src/domain/entry-check';
import { activityTypesOf, defaultRulebook } from '../../src/domain/rulebook';
import { parseWithMessages } from '../../src/domain/validation-messages';
import { validEntryArb } from './arbitraries';

// Thousands of generated entries per property, ~10 s alone: on a loaded machine (two suites
// on two cores) the slowest took 95 s, past the suite's 60 s default.
vi.setConfig({ testTimeout: 240_000 });

const rules = { today: '2025-06-30', activityTypes: activityTypesOf(defaultRulebook) };
const schema = entrySchemaFor(rules);
const check = countableEntryCheck(rules);
const fastParse = fastEntryParser(rules);

const FIELDS = [
  'id', 'libraryId', 'strategy', 'activityType', 'title', 'date', 'location', 'participantsMale',
  'participantsFemale', 'participantsDisability', 'partners', 'description', 'skills', 'economicImpact',
  'successStory', 'testimony', 'fundingSource', 'attachments', 'createdAt', 'updatedAt', 'deleted',
];
const NESTED = ['partners.0.name', 'partners.0.kind', 'attachments.0.id', 'attachments.0.sha256', 'attachments.0.mime', 'attachments.0.bytes'];

const edgeValue = fc.oneof(
  fc.constantFrom<unknown>(
    undefined, null, '', ' ', '  \t', 'ab', ' abc ', 'x'.repeat(200), 'x'.repeat(201), 'x'.repeat(1001),
    'x'.repeat(2001), 'x'.repeat(5001), '📚'.repeat(200), '📚'.repeat(201), '📚', '\u212A',
    0, -1, 1, 1.5, 100_000, 100_001, 200_000, 5_000_000, 5_000_001, 2 ** 53, NaN, Infinity, -0,
    true, false, 'true', [], {}, [{}], ['x'],
    '2025-06-30', '2025-07-01', '2018-01-01', '2017-12-31', '2024-02-29', '2025-02-29', '2025-13-01', '2025-1-01',
    '2025-06-30T00:00:00Z', '2025-06-30T00:00:00.123+07:00', '2025-02-30T00:00:00Z', '2025-06-30 00:00:00Z',
    'pelibatan', 'advokasi', 'layanan', 'PELIBATAN', 'lainnya', 'lomba', 'musyawarah_desa', 'LOMBA',
    'penambahan_koleksi', 'pkk', 'apbdes', 'image/png', 'image/gif',
    '0190a1b2-c3d4-7e5f-8a6b-000000000001', '0190A1B2-C3D4-7E5F-8A6B-00000000000F', '0190a1b2-c3d4-4e5f-8a6b-000000000001',
    'a'.repeat(64), 'A'.repeat(64), 'g'.repeat(64), 'perpus-sukamaju', '-lib', 'lib_1', 'x'.repeat(65),
    Array.from({ length: 21 }, () => ({ name: 'Mitra', kind: 'pkk' })),
    Array.from({ length: 6 }, () => ({ id: 'f', sha256: 'a'.repeat(64), mime: 'image/png', bytes: 1 })),
    [{ name: 'PKK', kind: 'pkk' }], [{ id: 'F-1', sha256: 'A'.repeat(64), mime: 'image/webp', bytes: 0 }],
  ),
  fc.string({ maxLength: 8 }),
  fc.integer({ min: 0, max: 8 }),
  fc.integer(),
  fc.double(),
);

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node: any = target;
  for (const p of parts.slice(0, -1)) {
    if (node[p] === undefined || node[p] === null || typeof node[p] !== 'object') return;
    node = node[p];
  }
  if (value === undefined) delete node[parts[parts.length - 1]];
  else node[parts[parts.length - 1]] = value;
}

const brokenEntryArb = fc
  .tuple(
    validEntryArb,
    fc.array(fc.tuple(fc.constantFrom(...FIELDS, ...NESTED), edgeValue), { minLength: 0, maxLength: 2 }),
  )
  .map(([entry, changes]) => {
    const copy = structuredClone(entry) as Record<string, unknown>;
    for (const [path, value] of changes) setPath(copy, path, value);
    return copy;
  });

describe('countableEntryCheck', () => {
  it('agrees with the entry schema on valid and broken entries', () => {
    fc.assert(
      fc.property(brokenEntryArb, (raw) => {
        const bySchema = schema.safeParse(raw).success;
        expect(check(raw) !== null, JSON.stringify(raw)).toBe(bySchema);
      }),
      { numRuns: 2000 },
    );
  });

  it("without a rulebook's types, agrees with the schema of a delete (every rule but the types)", () => {
    const butType = countableEntryCheck({ today: rules.today });
    const tombstone = tombstoneSchemaFor(rules.today);
    fc.assert(
      fc.property(brokenEntryArb, (raw) => {
        expect(butType(raw) !== null, JSON.stringify(raw)).toBe(tombstone.safeParse(raw).success);
      }),
      { numRuns: 1000 },
    );
  });

  it('reports the facts the engine counts by, as the schema would parse them', () => {
    fc.assert(
      fc.property(validEntryArb, (raw) => {
        const parsed = schema.safeParse(raw);
        fc.pre(parsed.success);
        const facts = check(raw)!;
        const e = parsed.data!;
        const documented = (e.attachments?.length ?? 0) > 0 || e.successStory !== undefined || e.testimony !== undefined;
        expect(facts).toEqual({ libraryId: e.libraryId, strategy: e.strategy, date: e.date, deleted: e.deleted, documented });
      }),
      { numRuns: 500 },
    );
  });

  it('agrees at the cross-field boundaries: disability against participants, pelibatan needing one', () => {
    fc.assert(
      fc.property(
        validEntryArb,
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: -1, max: 1 }),
        (entry, male, female, over) => {
          const raw = { ...entry, participantsMale: male, participantsFemale: female, participantsDisability: male + female + over };
          expect(check(raw) !== null).toBe(schema.safeParse(raw).success);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('fastEntryParser outputs exactly what the schema outputs', () => {
    fc.assert(
      fc.property(brokenEntryArb, (raw) => {
        const bySchema = schema.safeParse(raw);
        const fast = fastParse(structuredClone(raw));
        if (!bySchema.success) expect(fast).toBeNull();
        else expect(fast).toStrictEqual(bySchema.data);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses sparse arrays, as the schema does (every() would skip their holes)', () => {
    const base = { id: '0190a1b2-c3d4-7e5f-8a6b-000000000001', libraryId: 'lib-1', strategy: 'advokasi', activityType: 'lainnya', title: 'Rapat', date: '2025-01-02', participantsMale: 1, participantsFemale: 1, createdAt: '2025-01-02T00:00:00Z', updatedAt: '2025-01-02T00:00:00Z', deleted: false };
    for (const raw of [{ ...base, attachments: new Array(1) }, { ...base, partners: new Array(3) }]) {
      expect(schema.safeParse(raw).success).toBe(false);
      expect(check(raw)).toBeNull();
    }
    expect(check(base)).not.toBeNull();
  });

  it('refuses instants whose UTC form leaves the years 0000–9999, as the schema does', () => {
    const base = { id: '0190a1b2-c3d4-7e5f-8a6b-000000000001', libraryId: 'lib-1', strategy: 'advokasi', activityType: 'lainnya', title: 'Rapat', date: '2025-01-02', participantsMale: 1, participantsFemale: 1, createdAt: '2025-01-02T00:00:00Z', updatedAt: '2025-01-02T00:00:00Z', deleted: false };
    for (const createdAt of ['0000-01-01T00:00:00+00:01', '9999-12-31T23:59:59-09:00']) {
      expect(schema.safeParse({ ...base, createdAt }).success).toBe(false);
      expect(check({ ...base, createdAt })).toBeNull();
    }
    for (const createdAt of ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59+09:00']) {
      expect(schema.safeParse({ ...base, createdAt }).success).toBe(true);
      expect(check({ ...base, createdAt })).not.toBeNull();
    }
  });

  it('a pelibatan entry with a blank title and 0/0 participants: both errors in one parse, both twins refuse', () => {
    const base = { id: '0190a1b2-c3d4-7e5f-8a6b-000000000001', libraryId: 'lib-1', strategy: 'pelibatan', activityType: 'lomba', title: 'Lomba baca', date: '2025-01-02', participantsMale: 0, participantsFemale: 0, createdAt: '2025-01-02T00:00:00Z', updatedAt: '2025-01-02T00:00:00Z', deleted: false };
    for (const title of ['', '   ', 'ab']) {
      const raw = { ...base, title };
      expect(check(raw)).toBeNull();
      const r = parseWithMessages(schema, raw, 'id');
      expect(r.ok).toBe(false);
      expect(!r.ok && r.errors.map((e) => e.path)).toEqual(['title', 'participantsFemale']);
    }
  });

  // The check reads plain objects' fields with for…in (entry-check.ts, fieldsOf): whatever the
  // object, it must see what the schema's `raw[name]` reads see.
  const forms: Record<string, (e: Record<string, unknown>, field: string) => object> = {
    'without prototype': (e) => Object.assign(Object.create(null), e),
    'with one field not enumerable': (e, field) =>
      field in e ? Object.defineProperty({ ...e }, field, { value: e[field], enumerable: false }) : { ...e },
    'with one field a getter': (e, field) => Object.defineProperty({ ...e }, field, { get: () => e[field], enumerable: true }),
    'of a class, one field on its prototype': (e, field) => {
      const { [field]: value, ...rest } = e;
      class Row {}
      Object.defineProperty(Row.prototype, field, { value });
      return Object.assign(new Row(), rest);
    },
    'with an own __proto__ key, as JSON.parse makes': (e) => JSON.parse(JSON.stringify({ ...e, ['__proto__']: { title: 'x' } })),
  };

  it('agrees with the schema on entries that are not plain objects', () => {
    fc.assert(
      fc.property(brokenEntryArb, fc.constantFrom(...Object.keys(forms)), fc.constantFrom(...FIELDS), (entry, form, field) => {
        const raw = forms[form](entry, field);
        expect(check(raw) !== null, `${form}, ${field}: ${JSON.stringify(entry)}`).toBe(schema.safeParse(raw).success);
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with the schema when Object.prototype has a field (a checker made then)', () => {
    const entry = { id: '0190a1b2-c3d4-7e5f-8a6b-000000000001', libraryId: 'lib-1', strategy: 'advokasi', activityType: 'lainnya', title: 'Rapat', date: '2025-01-02', participantsMale: 1, participantsFemale: 1, createdAt: '2025-01-02T00:00:00Z', updatedAt: '2025-01-02T00:00:00Z', deleted: false };
    const results: [string, unknown, boolean][] = [];
    for (const [field, value, enumerable] of [['description', 'x'.repeat(5001), false], ['testimony', 'Cerita', false], ['testimony', 'Cerita', true]] as const) {
      // Read everything before Object.prototype is restored; assert after (expect itself walks objects).
      try {
        Object.defineProperty(Object.prototype, field, { value, enumerable, configurable: true, writable: true });
        results.push([`${field} ${enumerable}`, countableEntryCheck(rules)({ ...entry }), schema.safeParse({ ...entry }).success]);
      } finally {
        delete (Object.prototype as Record<string, unknown>)[field];
      }
    }
    for (const [what, facts, bySchema] of results) expect(facts !== null, what).toBe(bySchema);
    expect(results.map(([, facts]) => (facts as { documented: boolean } | null)?.documented)).toEqual([undefined, true, true]);
  });

  it('refuses what is not an object', () => {
    for (const raw of [null, undefined, 'entry', 42, [], [{}]]) {
      expect(check(raw)).toBeNull();
      expect(schema.safeParse(raw).success).toBe(false);
    }
  });
});
