import { describe, expect, it } from 'vitest';
import { computeKpi } from '../../src/domain/kpi';
import { defaultRulebook } from '../../src/domain/rulebook';
import { makeEntry, makeLibrary, many } from './fixtures';

const library = makeLibrary();
// 15 April 2025, 10:00 WIB: m = 4 → targets pelibatan 12, advokasi 4, layanan ceil(4/3) = 2,
// documented share 0.8; sustained needs pelibatan in ceil(0.75 × 4) = 3 months.
const now = new Date('2025-04-15T03:00:00Z');
const kpi = (entries: unknown[]) => computeKpi(entries, library, defaultRulebook, now);

/** Counts at their April targets, pelibatan spread over `pelibatanMonths` months. */
function fullCounts(documentedCount: number, pelibatanMonths = 4) {
  const dates = ['2025-01-10', '2025-02-10', '2025-03-10', '2025-04-10'].slice(0, pelibatanMonths);
  const entries = [
    ...Array.from({ length: 12 }, (_, i) => makeEntry('pelibatan', dates[i % dates.length])),
    ...many(4, 'advokasi', '2025-02-20'),
    ...many(2, 'layanan', '2025-03-05'),
  ];
  entries.slice(0, documentedCount).forEach((e) => (e.successStory = 'Warga belajar menjahit.'));
  return entries;
}

describe('computeKpi: colours of the default rulebook', () => {
  it('is abu-abu with score 0 when nothing is counted', () => {
    const r = kpi([]);
    expect(r.colour).toBe('abu-abu');
    expect(r.score).toBe(0);
    expect(r.rulebookId).toBe('perkiraan-2025.1');
    expect(r.period).toEqual({ from: '2025-01-01', to: '2025-04-15', monthsElapsed: 4 });
  });

  it('is merah with one counted entry', () => {
    expect(kpi([makeEntry('pelibatan', '2025-04-01')]).colour).toBe('merah');
  });

  it('is merah while one strategy has no entry, however high the others', () => {
    const r = kpi([...many(30, 'pelibatan', '2025-04-01', true), ...many(10, 'advokasi', '2025-04-01', true)]);
    expect(r.colour).toBe('merah');
    expect(r.score).toBeCloseTo(45 + 20 + 20, 9);
  });

  it('is kuning once all three strategies have an entry', () => {
    const r = kpi([makeEntry('pelibatan', '2025-04-01'), makeEntry('advokasi', '2025-04-01'), makeEntry('layanan', '2025-04-01')]);
    expect(r.colour).toBe('kuning');
  });

  it('is hijau at score 100 with pelibatan in every month', () => {
    const r = kpi(fullCounts(18));
    expect(r.score).toBe(100);
    expect(r.colour).toBe('hijau');
    expect(r.nextSteps).toEqual({ toNext: [], toGreen: [], greenReachable: true });
  });

  it('is hijau at exactly 85 (counts full, 20 % documented) despite floating point', () => {
    // 18 counted + 2 more pelibatan = 20 entries, 4 documented: share 0.2 → ratio 0.25 → 5 points.
    const entries = [...fullCounts(4), ...many(2, 'pelibatan', '2025-04-02')];
    const r = kpi(entries);
    expect(r.score).toBeCloseTo(85, 9);
    expect(r.colour).toBe('hijau');
  });

  it('is hijau at an exact 85 that floating point sums to 84.99999999999999', () => {
    // March: pelibatan 9/9 (45), advokasi 1/3 (6.67), layanan 5/1 (15), 11 of 15 documented
    // (11/15 ÷ 0.8 × 20 = 18.33): exactly 85, found by searching for this trap.
    const march = new Date('2025-03-20T03:00:00Z');
    const entries = [
      ...many(3, 'pelibatan', '2025-01-05', true),
      ...many(3, 'pelibatan', '2025-02-05', true),
      ...many(3, 'pelibatan', '2025-03-05', true),
      ...many(1, 'advokasi', '2025-03-06', true),
      ...many(1, 'layanan', '2025-03-07', true),
      ...many(4, 'layanan', '2025-03-07'),
    ];
    const r = computeKpi(entries, library, defaultRulebook, march);
    expect(r.score).toBeLessThan(85); // the trap this rule exists for
    expect(r.score).toBeGreaterThan(85 - 1e-9);
    expect(r.colour).toBe('hijau');
  });

  it('is kuning just under 85 (3 of 20 documented: 83.75)', () => {
    const r = kpi([...fullCounts(3), ...many(2, 'pelibatan', '2025-04-02')]);
    expect(r.score).toBeCloseTo(83.75, 9);
    expect(r.colour).toBe('kuning');
  });

  it('is kuning at score 100 when pelibatan ran in only 2 of the 3 required months', () => {
    const r = kpi(fullCounts(18, 2));
    expect(r.score).toBe(100);
    expect(r.sustained).toEqual({ monthsWithPelibatan: 2, required: 3 });
    expect(r.colour).toBe('kuning');
  });

  it('is hijau at score 100 with pelibatan in exactly the 3 required months', () => {
    const r = kpi(fullCounts(18, 3));
    expect(r.sustained).toEqual({ monthsWithPelibatan: 3, required: 3 });
    expect(r.colour).toBe('hijau');
  });
});

describe('computeKpi: score arithmetic', () => {
  it('scores each component min(1, actual / target) × weight', () => {
    // April: 6 of 12 pelibatan, 1 of 4 advokasi, 3 of 2 layanan, 5 of 10 documented.
    const entries = [
      ...many(3, 'pelibatan', '2025-03-01', true),
      ...many(3, 'pelibatan', '2025-04-01'),
      ...many(1, 'advokasi', '2025-04-01', true),
      ...many(3, 'layanan', '2025-01-03'),
    ];
    entries[9].attachments = [{ id: 'foto-1', sha256: 'a'.repeat(64), mime: 'image/jpeg', bytes: 120_000 }];
    const r = kpi(entries);
    expect(r.components).toEqual([
      { key: 'pelibatan', actual: 6, target: 12, ratio: 0.5, weight: 45, points: 22.5 },
      { key: 'advokasi', actual: 1, target: 4, ratio: 0.25, weight: 20, points: 5 },
      { key: 'layanan', actual: 3, target: 2, ratio: 1, weight: 15, points: 15 },
      { key: 'dokumentasi', actual: 0.5, target: 0.8, ratio: 0.625, weight: 20, points: 12.5 },
    ]);
    expect(r.score).toBe(55);
    expect(r.monthly).toEqual([
      { month: '2025-01', layanan: 3, pelibatan: 0, advokasi: 0 },
      { month: '2025-02', layanan: 0, pelibatan: 0, advokasi: 0 },
      { month: '2025-03', layanan: 0, pelibatan: 3, advokasi: 0 },
      { month: '2025-04', layanan: 0, pelibatan: 3, advokasi: 1 },
    ]);
  });

  it('counts a blank success story or testimony as undocumented', () => {
    const r = kpi([makeEntry('pelibatan', '2025-04-01', { successStory: '   ', testimony: '\n' })]);
    expect(r.components.find((c) => c.key === 'dokumentasi')!.actual).toBe(0);
  });
});

describe('computeKpi: entries that never count', () => {
  const counted = makeEntry('pelibatan', '2025-04-01');
  const cases: [string, unknown][] = [
    ['deleted', makeEntry('pelibatan', '2025-04-01', { deleted: true })],
    ['dated after today', makeEntry('pelibatan', '2025-04-16')],
    ['dated last year', makeEntry('pelibatan', '2024-12-31')],
    ['of another library', makeEntry('pelibatan', '2025-04-01', { libraryId: 'perpus-lain' })],
    ['with a two-letter title', makeEntry('pelibatan', '2025-04-01', { title: 'ab' })],
    ['with an activity type of another strategy', makeEntry('pelibatan', '2025-04-01', { activityType: 'musyawarah_desa' })],
    ['of pelibatan with no participant', makeEntry('pelibatan', '2025-04-01', { participantsMale: 0, participantsFemale: 0 })],
    ['with a date that does not exist', makeEntry('pelibatan', '2025-02-29')],
    ['without an id', { ...makeEntry('pelibatan', '2025-04-01'), id: undefined }],
    ['that is not an object', 'pelibatan'],
    ['that is null', null],
  ];
  it.each(cases)('ignores an entry %s', (_name, bad) => {
    const r = kpi([counted, bad]);
    expect(r.components[0].actual).toBe(1);
    expect(r.colour).toBe('merah');
  });

  it('counts an entry whose library id differs only in case', () => {
    expect(kpi([makeEntry('pelibatan', '2025-04-01', { libraryId: 'PERPUS-SUKAMAJU' })]).colour).toBe('merah');
  });
});

describe('computeKpi: the year turns in each time zone', () => {
  // 31 Dec 2024 15:30 UTC: 22:30 WIB and 23:30 WITA on 31 Dec, but 00:30 WIT on 1 Jan 2025.
  const newYearInJayapura = new Date('2024-12-31T15:30:00Z');
  const firstOfJanuary = makeEntry('pelibatan', '2025-01-01');
  const lastOfDecember = makeEntry('advokasi', '2024-12-31');

  it('counts an entry dated 1 January in Jayapura, where the year has begun', () => {
    const r = computeKpi([firstOfJanuary, lastOfDecember], makeLibrary('Asia/Jayapura'), defaultRulebook, newYearInJayapura);
    expect(r.period).toEqual({ from: '2025-01-01', to: '2025-01-01', monthsElapsed: 1 });
    expect(r.monthly).toEqual([{ month: '2025-01', layanan: 0, pelibatan: 1, advokasi: 0 }]);
  });

  it.each(['Asia/Jakarta', 'Asia/Makassar'] as const)(
    'treats 1 January as the future in %s, where it is still 31 December',
    (tz) => {
      const r = computeKpi([firstOfJanuary, lastOfDecember], makeLibrary(tz), defaultRulebook, newYearInJayapura);
      expect(r.period).toEqual({ from: '2024-01-01', to: '2024-12-31', monthsElapsed: 12 });
      expect(r.components.map((c) => c.actual).slice(0, 2)).toEqual([0, 1]);
    },
  );

  it.each([
    ['Asia/Jakarta', '2024-12-31T16:59:59Z', 1],
    ['Asia/Jakarta', '2024-12-31T17:00:00Z', 0],
    ['Asia/Makassar', '2024-12-31T15:59:59Z', 1],
    ['Asia/Makassar', '2024-12-31T16:00:00Z', 0],
    ['Asia/Jayapura', '2024-12-31T14:59:59Z', 1],
    ['Asia/Jayapura', '2024-12-31T15:00:00Z', 0],
  ] as const)('in %s at %s the 31 December entry counts %i time(s)', (tz, instant, expected) => {
    const r = computeKpi([lastOfDecember], makeLibrary(tz), defaultRulebook, new Date(instant));
    expect(r.components.find((c) => c.key === 'advokasi')!.actual).toBe(expected);
  });

  it('on 1 January counts the day itself as month 1', () => {
    const r = computeKpi([firstOfJanuary], makeLibrary('Asia/Jakarta'), defaultRulebook, new Date('2025-01-01T00:00:00+07:00'));
    expect(r.period.monthsElapsed).toBe(1);
    expect(r.colour).toBe('merah');
  });
});

describe('computeKpi: next steps', () => {
  it('asks an empty library for one pelibatan entry to reach merah', () => {
    expect(kpi([]).nextSteps.toNext).toEqual([{ strategy: 'pelibatan', count: 1, documented: false }]);
  });

  it('asks a merah library for one entry of each missing strategy', () => {
    const r = kpi([makeEntry('pelibatan', '2025-04-01')]);
    expect(r.nextSteps.toNext).toEqual([
      { strategy: 'advokasi', count: 1, documented: false },
      { strategy: 'layanan', count: 1, documented: false },
    ]);
  });

  it('says green is out of reach this year only when no month of the year can mend the past', () => {
    // June, pelibatan only in June: 1 month, and even December (1 + 6 = 7) falls short of ceil(0.75 × 12) = 9.
    const june = new Date('2025-06-16T03:00:00Z');
    const entries = [makeEntry('pelibatan', '2025-06-01'), makeEntry('advokasi', '2025-06-01'), makeEntry('layanan', '2025-06-01')];
    const r = computeKpi(entries, library, defaultRulebook, june);
    expect(r.nextSteps).toEqual({ toNext: [], toGreen: [], greenReachable: false });
  });

  it('says green comes in a later month when past months lack pelibatan but the year can make up for them', () => {
    // April, pelibatan only in April: 2 of the 3 required months at most today, but a pelibatan
    // month every month from now gives 9 of ceil(0.75 × 12) = 9 in December. Nothing dated today
    // reaches green, so toGreen (and toNext, which is the way to green for kuning) stays empty.
    const r = kpi([makeEntry('pelibatan', '2025-04-01'), makeEntry('advokasi', '2025-04-01'), makeEntry('layanan', '2025-04-01')]);
    expect(r.colour).toBe('kuning');
    expect(r.nextSteps.toGreen).toEqual([]);
    expect(r.nextSteps.toNext).toEqual([]);
    expect(r.nextSteps.greenReachable).toBe(true);
    expect(r.nextSteps.greenLater?.month).toBe('2025-12');
    expect(r.nextSteps.greenLater?.required).toBe(9);
    // Today: April's count targets (12, 4, 2) up to a score of 85, documented enough.
    expect(r.nextSteps.greenLater?.thisMonth.length).toBeGreaterThan(0);
  });

  it('finds green in August for Jan–Mar pelibatan and an empty April and May, seen in June', () => {
    const entries = [
      ...['01', '02', '03'].flatMap((mm) => [...many(3, 'pelibatan', `2025-${mm}-10`, true), makeEntry('advokasi', `2025-${mm}-11`, { documented: true })]),
      makeEntry('layanan', '2025-01-12', { documented: true }),
    ];
    const june = computeKpi(entries, library, defaultRulebook, new Date('2025-06-15T03:00:00Z'));
    expect(june.colour).toBe('kuning');
    expect(june.nextSteps.greenReachable).toBe(true);
    // 3 months, 4 with June, 6 by August = ceil(0.75 × 8).
    expect(june.nextSteps.greenLater).toMatchObject({ month: '2025-08', required: 6 });
    // What June needs: a pelibatan entry this month, and the counts up to a score of 85.
    expect(june.nextSteps.greenLater?.thisMonth).toEqual([
      { strategy: 'pelibatan', count: 3, documented: true },
      { strategy: 'advokasi', count: 3, documented: false },
      { strategy: 'layanan', count: 1, documented: false },
    ]);
  });

  it('finds green in April for an empty library in February', () => {
    const feb = computeKpi([], library, defaultRulebook, new Date('2025-02-10T03:00:00Z'));
    expect(feb.nextSteps.toNext).toEqual([{ strategy: 'pelibatan', count: 1, documented: false }]);
    expect(feb.nextSteps.greenLater).toMatchObject({ month: '2025-04', required: 3 });
  });

  it('leaves greenLater out when green is reachable today', () => {
    const r = kpi([...fullCounts(3), ...many(2, 'pelibatan', '2025-04-02')]);
    expect(r.nextSteps.greenReachable).toBe(true);
    expect(r.nextSteps.greenLater).toBeUndefined();
  });

  it('finds the exact way to green for a library short of documentation', () => {
    // Counts full, 3 of 20 documented (83.75). One documented entry more gives 4 of 21 (84.76),
    // two give 5 of 22 (85.68): the least is two, both documented, on pelibatan by the tie rule.
    const r = kpi([...fullCounts(3), ...many(2, 'pelibatan', '2025-04-02')]);
    expect(r.nextSteps.toGreen).toEqual([{ strategy: 'pelibatan', count: 2, documented: true }]);
    expect(r.nextSteps.toNext).toEqual(r.nextSteps.toGreen);
  });
});
