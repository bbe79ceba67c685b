/** Every wire and storage schema: parse → serialise → parse gives the same value. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activityEntrySchema } from '../../src/domain/entry';
import { computeKpi } from '../../src/domain/kpi';
import { kpiResultSchema } from '../../src/domain/kpi-result';
import { librarySchema } from '../../src/domain/library';
import { enrollResponseSchema, libraryResponseSchema, pullResponseSchema, pushResponseSchema } from '../../src/domain/protocol';
import { defaultRulebook } from '../../src/domain/rulebook';
import { rulebookSchema } from '../../src/domain/rulebook-schema';
import { TIMEZONES } from '../../src/domain/calendar';
import { textArb, validEntryArb } from './arbitraries';
import { makeLibrary } from './fixtures';

const viaJson = <T>(v: T): unknown => JSON.parse(JSON.stringify(v));

const libraryArb = fc.record({
  id: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/),
  name: textArb(1, 40).filter((s) => s.trim() !== ''),
  npp: fc.option(fc.stringMatching(/^\d{4,16}$/), { nil: null }),
  village: fc.constantFrom('Sukamaju', ' Wonosari ', 'Kampung Baru'),
  district: fc.constant('Pacet'),
  regency: fc.constantFrom('Mojokerto', 'Kota Jayapura'),
  province: fc.constantFrom('Jawa Timur', 'Papua'),
  timezone: fc.constantFrom(...TIMEZONES),
});

describe('round trips', () => {
  it('library', () => {
    fc.assert(
      fc.property(libraryArb, (raw) => {
        const once = librarySchema.parse(raw);
        expect(librarySchema.parse(viaJson(once))).toEqual(once);
      }),
    );
  });

  it('rulebook', () => {
    expect(rulebookSchema.parse(viaJson(defaultRulebook))).toEqual(defaultRulebook);
  });

  it('KPI result, pull and push responses built from generated entries', () => {
    fc.assert(
      fc.property(fc.array(validEntryArb, { maxLength: 12 }), fc.date({ min: new Date('2018-06-01'), max: new Date('2026-01-01'), noInvalidDate: true }), (raws, now) => {
        const library = makeLibrary();
        const entries = raws.map((r) => activityEntrySchema.parse(r));
        const kpi = kpiResultSchema.parse(computeKpi(entries, library, defaultRulebook, now));
        expect(kpiResultSchema.parse(viaJson(kpi))).toEqual(kpi);
        const lib = libraryResponseSchema.parse({ library, kpi, lastPushAt: null });
        expect(libraryResponseSchema.parse(viaJson(lib))).toEqual(lib);
        const pull = pullResponseSchema.parse({ entries: entries.map((e, i) => ({ ...e, version: i + 1 })), cursor: 'c1', hasMore: false });
        expect(pullResponseSchema.parse(viaJson(pull))).toEqual(pull);
        const push = pushResponseSchema.parse({
          ackSeq: entries.length,
          results: entries.map((e, i) =>
            i % 2 ? { seq: i + 1, entryId: e.id, status: 'superseded', version: 9, entry: e } : { seq: i + 1, entryId: e.id, status: 'applied', version: i + 1 },
          ),
        });
        expect(pushResponseSchema.parse(viaJson(push))).toEqual(push);
      }),
      { numRuns: 150 },
    );
  });

  it('enrolment response', () => {
    const body = enrollResponseSchema.parse({ deviceId: 'dev-1', token: 'abc', library: makeLibrary(), rulebook: defaultRulebook });
    expect(enrollResponseSchema.parse(viaJson(body))).toEqual(body);
  });
});
