import { describe, expect, it } from 'vitest';
import { entrySchemaFor } from '../../src/domain/entry';
import { computeKpi } from '../../src/domain/kpi';
import { activityTypeChoiceLabel, activityTypeLabel, activityTypesOf, defaultRulebook } from '../../src/domain/rulebook';
import { parseWithMessages } from '../../src/domain/validation-messages';
import { rulebookSchema, type Rulebook } from '../../src/domain/rulebook-schema';
import { makeEntry, makeLibrary, many } from './fixtures';

const library = makeLibrary();
const april = new Date('2025-04-15T03:00:00Z');

function variant(change: (r: Rulebook) => void): Rulebook {
  const copy = structuredClone(defaultRulebook);
  change(copy);
  return rulebookSchema.parse(copy);
}

describe('the default rulebook', () => {
  it('is perkiraan-2025.1 and passes its own schema', () => {
    expect(defaultRulebook.id).toBe('perkiraan-2025.1');
    expect(rulebookSchema.safeParse(defaultRulebook).success).toBe(true);
  });

  it("lists DOMAIN.md's activity types for each strategy", () => {
    expect(activityTypesOf(defaultRulebook)).toEqual({
      pelibatan: ['pelatihan_keterampilan', 'kelas_literasi', 'lomba', 'diskusi_buku', 'pameran_produk', 'sosialisasi', 'lainnya'],
      advokasi: ['audiensi_kepala_desa', 'musyawarah_desa', 'kerja_sama', 'usulan_anggaran', 'rapat_koordinasi', 'lainnya'],
      layanan: ['penambahan_koleksi', 'layanan_tik', 'layanan_keliling', 'jam_layanan', 'pendaftaran_anggota', 'lainnya'],
    });
  });
});

describe('a rulebook with other weights and targets', () => {
  // April, 6 pelibatan (3 in March, 3 in April), 2 advokasi, 1 layanan, none documented.
  const entries = [
    ...many(3, 'pelibatan', '2025-03-01'),
    ...many(3, 'pelibatan', '2025-04-01'),
    ...many(2, 'advokasi', '2025-04-02'),
    ...many(1, 'layanan', '2025-04-03'),
  ];

  it('scores by the default weights first (for comparison)', () => {
    // 45·6/12 + 20·2/4 + 15·1/2 + 0 = 22.5 + 10 + 7.5
    expect(computeKpi(entries, library, defaultRulebook, april).score).toBe(40);
  });

  it('re-weights the score', () => {
    const rb = variant((r) => {
      r.id = 'uji-bobot';
      r.components[0].weight = 30; // pelibatan
      r.components[1].weight = 35; // advokasi
    });
    const k = computeKpi(entries, library, rb, april);
    expect(k.rulebookId).toBe('uji-bobot');
    expect(k.score).toBe(30 * 0.5 + 35 * 0.5 + 7.5);
  });

  it('moves the targets: pelibatan 1 a month, layanan every month, documentation at 50 %', () => {
    const rb = variant((r) => {
      r.components[0].indicator = { kind: 'count', strategy: 'pelibatan', target: { perMonth: 1 } };
      r.components[2].indicator = { kind: 'count', strategy: 'layanan', target: { everyMonths: 1 } };
      r.components[3].indicator = { kind: 'documentedShare', targetShare: 0.5 };
    });
    const k = computeKpi(entries, library, rb, april);
    expect(k.components.map((c) => c.target)).toEqual([4, 4, 4, 0.5]);
    expect(k.score).toBe(45 + 10 + 15 / 4);
  });

  it('moves the green threshold and the sustained rule', () => {
    const full = [
      ...['01', '02', '03', '04'].flatMap((m) => many(3, 'pelibatan', `2025-${m}-05`, true)),
      ...many(4, 'advokasi', '2025-04-02', true),
      ...many(2, 'layanan', '2025-04-03', true),
    ];
    expect(computeKpi(full, library, defaultRulebook, april).colour).toBe('hijau');
    const stricter = variant((r) => {
      r.green.sustained.shareOfMonths = 1;
    });
    const onlyThreeMonths = full.filter((e) => !(e.strategy === 'pelibatan' && e.date.startsWith('2025-01')));
    expect(computeKpi(onlyThreeMonths, library, defaultRulebook, april).colour).toBe('hijau');
    expect(computeKpi(onlyThreeMonths, library, stricter, april).colour).toBe('kuning');
    const higher = variant((r) => {
      r.green.threshold = 100;
    });
    // 18 of 23 documented: share 0.78, score 99.57.
    const someUndocumented = [...full, ...many(5, 'layanan', '2025-04-04')];
    expect(computeKpi(someUndocumented, library, defaultRulebook, april).colour).toBe('hijau');
    expect(computeKpi(someUndocumented, library, higher, april).colour).toBe('kuning');
  });

  it('finds the way to green when the sustained rule follows advokasi', () => {
    const rb = variant((r) => {
      r.green.sustained.strategy = 'advokasi';
    });
    // Counts full and documented; advokasi in Jan, Feb, Mar (4 of them in Jan) but not yet in April.
    const entries = [
      ...['01', '02', '03', '04'].flatMap((m) => many(3, 'pelibatan', `2025-${m}-05`, true)),
      ...many(2, 'advokasi', '2025-01-02', true),
      makeEntry('advokasi', '2025-02-02', { documented: true }),
      makeEntry('advokasi', '2025-03-02', { documented: true }),
      ...many(2, 'layanan', '2025-04-03', true),
    ];
    const k = computeKpi(entries, library, rb, april);
    expect(k.colour).toBe('hijau'); // 3 of the 3 required months already
    const twoMonths = entries.filter((e) => e.date !== '2025-03-02');
    const k2 = computeKpi([...twoMonths, makeEntry('advokasi', '2025-01-03', { documented: true })], library, rb, april);
    expect(k2.colour).toBe('kuning');
    expect(k2.nextSteps.toGreen).toEqual([{ strategy: 'advokasi', count: 1, documented: false }]);
  });

  it('drops an activity type from a strategy: entries of it stop counting', () => {
    const rb = variant((r) => {
      r.strategies.pelibatan.activityTypes = r.strategies.pelibatan.activityTypes.filter((t) => t.code !== 'kelas_literasi');
    });
    // fixtures log pelibatan as kelas_literasi
    expect(computeKpi(entries, library, rb, april).components[0].actual).toBe(0);
    const schema = entrySchemaFor({ today: '2025-04-15', activityTypes: activityTypesOf(rb) });
    expect(schema.safeParse(makeEntry('pelibatan', '2025-04-01')).success).toBe(false);
    expect(schema.safeParse(makeEntry('pelibatan', '2025-04-01', { activityType: 'lainnya' })).success).toBe(true);
  });
});

describe('a later rulebook that drops an activity type', () => {
  // perkiraan-2025.2 (say) without lomba; fixtures log pelibatan as kelas_literasi.
  const rb = variant((r) => {
    r.id = 'uji-tanpa-lomba';
    r.strategies.pelibatan.activityTypes = r.strategies.pelibatan.activityTypes.filter((t) => t.code !== 'lomba');
  });
  const schema = entrySchemaFor({ today: '2025-04-15', activityTypes: activityTypesOf(rb) });
  const lomba = (date: string, change: Parameters<typeof makeEntry>[2] = {}) => makeEntry('pelibatan', date, { activityType: 'lomba', ...change });

  it('says the type is no longer in the rules, not that it does not match the strategy', () => {
    expect(parseWithMessages(schema, lomba('2025-04-01'), 'id')).toEqual({
      ok: false,
      errors: [{ path: 'activityType', message: 'Jenis kegiatan ini tidak ada lagi dalam aturan KPI yang berlaku; pilih jenis lain' }],
    });
    expect(parseWithMessages(schema, lomba('2025-04-01'), 'en')).toEqual({
      ok: false,
      errors: [{ path: 'activityType', message: 'This activity type is no longer in the current KPI rules; choose another type' }],
    });
    // A type it lists under another strategy keeps its own message.
    const other = parseWithMessages(schema, makeEntry('pelibatan', '2025-04-01', { activityType: 'musyawarah_desa' }), 'id');
    expect(!other.ok && other.errors).toEqual([{ path: 'activityType', message: 'Jenis kegiatan tidak sesuai dengan strategi yang dipilih' }]);
  });

  it('counts the entries of the period it turns away for their type alone, and only those', () => {
    const entries = [
      makeEntry('pelibatan', '2025-04-01'),
      lomba('2025-03-01'),
      lomba('2025-04-02', { documented: true }),
      lomba('2024-12-31'), // last year: outside the period
      lomba('2025-04-16'), // after today
      lomba('2025-04-03', { deleted: true }),
      lomba('2025-04-03', { libraryId: 'perpus-lain' }),
      lomba('2025-04-03', { title: 'ab' }), // refused for its title too: changing the type is not enough
      lomba('2025-04-03', { libraryId: 'PERPUS-SUKAMAJU' }), // this library's, as another device wrote it
    ];
    const k = computeKpi(entries, library, rb, april);
    expect(k.components[0].actual).toBe(1);
    expect(k.notCountedForType).toBe(3);
    // The rulebook that still lists it counts them, and says nothing.
    const before = computeKpi(entries, library, defaultRulebook, april);
    expect(before.components[0].actual).toBe(4);
    expect('notCountedForType' in before).toBe(false);
    // A type the rulebook lists under another strategy is a wrong strategy, not a dropped type:
    // not counted, and not in the card's words (the list does not mark it).
    const wrongStrategy = computeKpi([makeEntry('pelibatan', '2025-04-01', { activityType: 'musyawarah_desa' })], library, rb, april);
    expect(wrongStrategy.components[0].actual).toBe(0);
    expect('notCountedForType' in wrongStrategy).toBe(false);
  });

  it('still names the type in words: the default rulebook\'s, else its code spaced', () => {
    expect(activityTypeLabel(rb, 'pelibatan', 'lomba', 'id')).toBe('lomba');
    expect(activityTypeLabel(rb, 'pelibatan', 'lomba', 'en')).toBe('Competition');
    expect(activityTypeLabel(rb, 'pelibatan', 'baca_bersama', 'id')).toBe('baca bersama');
    // A label of the current rulebook comes first.
    const renamed = variant((r) => (r.strategies.pelibatan.activityTypes[0].label.id = 'pelatihan kerja'));
    expect(activityTypeLabel(renamed, 'pelibatan', 'pelatihan_keterampilan', 'id')).toBe('pelatihan kerja');
  });

  it('marks a chosen type it no longer has', () => {
    expect(activityTypeChoiceLabel(rb, 'pelibatan', 'lomba', 'id')).toBe('lomba (tidak ada lagi dalam aturan KPI)');
    expect(activityTypeChoiceLabel(rb, 'pelibatan', 'lomba', 'en')).toBe('Competition (no longer in the KPI rules)');
    expect(activityTypeChoiceLabel(rb, 'pelibatan', 'kelas_literasi', 'id')).toBe('kelas/bimbingan literasi');
    expect(activityTypeChoiceLabel(rb, 'pelibatan', 'lainnya', 'id')).toBe('lainnya');
  });
});

describe('rulebookSchema refuses', () => {
  const bad: [string, (r: any) => void][] = [
    ['weights that do not add up to 100', (r) => (r.components[0].weight = 50)],
    ['two components with one key', (r) => (r.components[1].key = r.components[0].key)],
    ['a target share above 1', (r) => (r.components[3].indicator.targetShare = 1.2)],
    ['a count target with both forms', (r) => (r.components[0].indicator.target = { perMonth: 3, everyMonths: 2 })],
    ['an unknown indicator kind', (r) => (r.components[0].indicator.kind = 'ratio')],
    ['a strategy with no activity type', (r) => (r.strategies.advokasi.activityTypes = [])],
    ['an activity type listed twice', (r) => r.strategies.layanan.activityTypes.push(r.strategies.layanan.activityTypes[0])],
    ['an id with spaces', (r) => (r.id = 'perkiraan 2025')],
    ['a threshold above 100', (r) => (r.green.threshold = 101)],
  ];
  it.each(bad)('%s', (_name, change) => {
    const copy = structuredClone(defaultRulebook);
    change(copy);
    expect(rulebookSchema.safeParse(copy).success).toBe(false);
  });
});
