import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatBytes, formatDate, formatNumber } from '../../src/domain/format';
import { computeKpi } from '../../src/domain/kpi';
import { errorMessage } from '../../src/domain/error-messages';
import { langFromAcceptLanguage, t } from '../../src/domain/messages';
import { ERROR_STATUS, type ErrorCode } from '../../src/domain/protocol';
import { describeNextSteps, describeSteps } from '../../src/domain/next-steps-text';
import { defaultRulebook } from '../../src/domain/rulebook';
import { makeEntry, makeLibrary } from './fixtures';

describe('the catalogue', () => {
  it('names the estimate plainly in both languages', () => {
    expect(t('id', 'disclaimer')).toBe('Perkiraan KPI — bukan skor resmi SIM TPBIS');
    expect(t('en', 'disclaimer')).toBe('KPI estimate — not the official SIM TPBIS score');
  });

  it('names every colour with its official level', () => {
    expect(['hijau', 'kuning', 'merah', 'abu-abu'].map((c) => t('id', `colourLevel.${c}` as never))).toEqual([
      'tinggi', 'sedang', 'rendah', 'belum mengisi',
    ]);
  });

  it('says grey means nothing logged this year, not "nothing ever" (the period is the year to date)', () => {
    expect(t('id', 'colourMeaning.abu-abu')).toBe('Belum ada kegiatan tercatat tahun ini.');
    expect(t('en', 'colourMeaning.abu-abu')).toBe('No activities logged this year yet.');
  });

  it('words every error code of the protocol in both languages, its placeholders filled', () => {
    for (const code of Object.keys(ERROR_STATUS) as ErrorCode[]) {
      expect(errorMessage('id', code), code).toMatch(/^[A-Z].+\.$/);
      expect(errorMessage('en', code), code).toMatch(/^[A-Z].+\.$/);
      expect(errorMessage('en', code)).not.toBe(errorMessage('id', code));
    }
    expect(errorMessage('id', 'seq_gap', { expected: 4 })).toBe('Ada kiriman yang terlewat; kirim ulang mulai nomor 4.');
    expect(errorMessage('en', 'invalid_code')).toBe('The enrolment code is unknown, used or expired.');
  });

  it('reads the language from Accept-Language, Indonesian by default', () => {
    expect(langFromAcceptLanguage('en-US,en;q=0.9')).toBe('en');
    expect(langFromAcceptLanguage('id-ID,id;q=0.9,en;q=0.5')).toBe('id');
    expect(langFromAcceptLanguage(undefined)).toBe('id');
    expect(langFromAcceptLanguage('fr')).toBe('id');
    expect(langFromAcceptLanguage('en;q=0.8')).toBe('en');
    expect(langFromAcceptLanguage('fr, en')).toBe('en');
    expect(langFromAcceptLanguage('en;q=0.5, id;q=0.9')).toBe('id');
    expect(langFromAcceptLanguage('EN-gb')).toBe('en');
  });
});

describe('next-step sentences', () => {
  it('says one step as one sentence', () => {
    expect(describeSteps([{ strategy: 'advokasi', count: 2, documented: false }], 'kuning', 'id')).toBe(
      'Catat 2 kegiatan Advokasi lagi untuk mencapai Kuning',
    );
    expect(describeSteps([{ strategy: 'advokasi', count: 2, documented: false }], 'kuning', 'en')).toBe(
      'Log 2 more Advocacy activities to reach Yellow',
    );
  });

  it('lists several steps in one sentence, each strategy once, saying how many need documentation', () => {
    const steps = [
      { strategy: 'pelibatan', count: 3, documented: true },
      { strategy: 'pelibatan', count: 1, documented: false },
      { strategy: 'layanan', count: 1, documented: false },
    ] as const;
    expect(describeSteps(steps, 'hijau', 'id')).toBe(
      'Untuk mencapai Hijau, catat lagi: 4 kegiatan Pelibatan Masyarakat (3 di antaranya dengan foto, kisah sukses, atau testimoni) dan 1 kegiatan Peningkatan Layanan Informasi',
    );
    expect(describeSteps(steps, 'hijau', 'en')).toBe(
      'To reach Green, log: 4 more Community Engagement activities (3 of them with a photo, success story or testimony) and 1 more Information Services activity',
    );
  });

  it('keeps semicolons between items whose own commas are outside brackets', () => {
    expect(
      describeSteps(
        [
          { strategy: 'pelibatan', count: 2, documented: true },
          { strategy: 'advokasi', count: 1, documented: false },
          { strategy: 'layanan', count: 1, documented: false },
        ],
        'hijau',
        'id',
        'first',
      ),
    ).toBe(
      'Untuk mencapai Hijau, catat: 2 kegiatan Pelibatan Masyarakat dengan foto, kisah sukses, atau testimoni; 1 kegiatan Advokasi; dan 1 kegiatan Peningkatan Layanan Informasi',
    );
  });

  it('says one strategy partly documented as one item, not two', () => {
    const text = describeSteps(
      [
        { strategy: 'advokasi', count: 1, documented: true },
        { strategy: 'advokasi', count: 2, documented: false },
      ],
      'hijau',
      'id',
    );
    expect(text).toBe('Untuk mencapai Hijau, catat lagi: 3 kegiatan Advokasi (1 di antaranya dengan foto, kisah sukses, atau testimoni)');
    expect(text.match(/Advokasi/g)).toHaveLength(1);
  });

  it('says "all documented" once, after the list, when every item needs it', () => {
    const steps = [
      { strategy: 'pelibatan', count: 3, documented: true },
      { strategy: 'advokasi', count: 2, documented: true },
      { strategy: 'layanan', count: 1, documented: true },
    ] as const;
    expect(describeSteps(steps, 'hijau', 'id')).toBe(
      'Untuk mencapai Hijau, catat lagi: 3 kegiatan Pelibatan Masyarakat, 2 kegiatan Advokasi dan 1 kegiatan Peningkatan Layanan Informasi, semuanya dengan foto, kisah sukses, atau testimoni',
    );
    expect(describeSteps(steps, 'hijau', 'en')).toBe(
      'To reach Green, log: 3 more Community Engagement activities, 2 more Advocacy activities and 1 more Information Services activity, all with a photo, success story or testimony',
    );
  });

  it('names advokasi once where the engine splits it into documented and plain steps', () => {
    // January: two pelibatan; February: green needs 2 advokasi, only one of them documented.
    const k = computeKpi(
      [makeEntry('pelibatan', '2025-01-10'), makeEntry('pelibatan', '2025-01-10')],
      makeLibrary(),
      defaultRulebook,
      new Date('2025-02-15T03:00:00Z'),
    );
    expect(k.nextSteps.toGreen.filter((s) => s.strategy === 'advokasi')).toHaveLength(2);
    expect(describeNextSteps(k, 'id')[1]).toBe(
      'Untuk mencapai Hijau, catat lagi: 3 kegiatan Pelibatan Masyarakat dengan foto, kisah sukses, atau testimoni; 2 kegiatan Advokasi (1 di antaranya dengan foto, kisah sukses, atau testimoni); dan 1 kegiatan Peningkatan Layanan Informasi',
    );
  });

  it('keeps the engine\'s counts: each strategy once, with its whole count and its documented share', () => {
    const NAMES = { pelibatan: 'Pelibatan Masyarakat', advokasi: 'Advokasi', layanan: 'Peningkatan Layanan Informasi' } as const;
    // Steps as the engine lists them: strategies in order, a strategy's documented ones first.
    const stepsArb = fc
      .array(fc.record({ documented: fc.nat({ max: 5 }), plain: fc.nat({ max: 5 }) }), { minLength: 3, maxLength: 3 })
      .map((counts) =>
        (['pelibatan', 'advokasi', 'layanan'] as const).flatMap((strategy, i) => [
          ...(counts[i].documented > 0 ? [{ strategy, count: counts[i].documented, documented: true }] : []),
          ...(counts[i].plain > 0 ? [{ strategy, count: counts[i].plain, documented: false }] : []),
        ]),
      );
    fc.assert(
      fc.property(stepsArb, fc.constantFrom('reach', 'first', 'onCourse') as fc.Arbitrary<'reach' | 'first' | 'onCourse'>, (steps, wording) => {
        fc.pre(steps.length > 0);
        const text = describeSteps(steps, 'hijau', 'id', wording);
        for (const [strategy, name] of Object.entries(NAMES)) {
          const mine = steps.filter((s) => s.strategy === strategy);
          const total = mine.reduce((n, s) => n + s.count, 0);
          const documented = mine.filter((s) => s.documented).reduce((n, s) => n + s.count, 0);
          expect(text.split(`kegiatan ${name}`).length - 1, text).toBe(total > 0 ? 1 : 0);
          if (total > 0) expect(text, text).toContain(`${total} kegiatan ${name}`);
          if (documented > 0 && documented < total) expect(text, text).toContain(`${total} kegiatan ${name} (${documented} di antaranya dengan foto`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('says "catat", not "catat lagi", to a library that has logged nothing yet; its first step leaves grey, it does not "reach" red', () => {
    const k = computeKpi([], makeLibrary(), defaultRulebook, new Date('2025-01-15T03:00:00Z'));
    const [leaveGrey, toGreen] = describeNextSteps(k, 'id');
    expect(leaveGrey).toBe('Catat 1 kegiatan Pelibatan Masyarakat agar warnanya tidak Abu-abu lagi');
    expect(toGreen).toMatch(/^Untuk mencapai Hijau, catat: /);
    expect(describeNextSteps(k, 'en')[0]).toBe('Log 1 Community Engagement activity so the colour is no longer Grey');
    expect(describeNextSteps(k, 'id').join(' ')).not.toContain('Merah');
  });

  it('explains an unreachable green with the months counted', () => {
    // June, pelibatan only in June: even December would have 7 of the 9 months needed.
    const k = computeKpi(
      [makeEntry('pelibatan', '2025-06-01'), makeEntry('advokasi', '2025-06-01')],
      makeLibrary(),
      defaultRulebook,
      new Date('2025-06-16T03:00:00Z'),
    );
    expect(describeNextSteps(k, 'id')).toEqual([
      'Catat 1 kegiatan Peningkatan Layanan Informasi lagi untuk mencapai Kuning',
      'Hijau tidak dapat dicapai tahun ini: kegiatan Pelibatan Masyarakat tercatat di 1 bulan, padahal perlu 5 bulan.',
    ]);
  });

  it('says from which month green can be reached, and what to log this month', () => {
    // April, pelibatan only in April: one pelibatan month every month from now gives 9 of 9 in December.
    const k = computeKpi(
      [makeEntry('pelibatan', '2025-04-01'), makeEntry('advokasi', '2025-04-01')],
      makeLibrary(),
      defaultRulebook,
      new Date('2025-04-15T03:00:00Z'),
    );
    const [toKuning, later, thisMonth] = describeNextSteps(k, 'id');
    expect(toKuning).toBe('Catat 1 kegiatan Peningkatan Layanan Informasi lagi untuk mencapai Kuning');
    expect(later).toBe(
      'Hijau bisa dicapai mulai Desember bila setiap bulan ada kegiatan Pelibatan Masyarakat (sekarang 1 bulan, perlu 9 bulan pada Desember).',
    );
    // Not on course yet (it must log to be): never "agar tetap di jalur".
    expect(thisMonth).toMatch(/^Agar berada di jalur menuju Hijau, bulan ini catat lagi: \d+ kegiatan Pelibatan Masyarakat/);
    expect(describeNextSteps(k, 'en')[1]).toBe(
      'Green can be reached from December if every month has Community Engagement activities (now 1 month, 9 needed by December).',
    );
  });

  it('says what one entry this month puts on course', () => {
    expect(describeSteps([{ strategy: 'pelibatan', count: 1, documented: false }], 'hijau', 'id', 'onCourse')).toBe(
      'Bulan ini, catat 1 kegiatan Pelibatan Masyarakat lagi agar berada di jalur menuju Hijau',
    );
    expect(describeSteps([{ strategy: 'pelibatan', count: 2, documented: true }], 'hijau', 'en', 'onCourse')).toBe(
      'This month, log 2 more Community Engagement activities, with a photo, success story or testimony, to get on course for Green',
    );
  });
});

describe('sentences name the rulebook\'s sustained strategy', () => {
  it('says advokasi when the sustained rule follows advokasi', () => {
    const k = computeKpi([makeEntry('pelibatan', '2025-04-01')], makeLibrary(), defaultRulebook, new Date('2025-04-15T03:00:00Z'));
    const unreachable = { ...k, sustained: { monthsWithPelibatan: 1, required: 3 }, nextSteps: { ...k.nextSteps, greenReachable: false } };
    expect(describeNextSteps(unreachable, 'en', 'advokasi')[1]).toBe(
      'Green cannot be reached this year: Advocacy activities were logged in 1 month, and 3 are needed.',
    );
  });

  it('says advokasi when green under the advokasi rule comes in a later month', () => {
    const k = computeKpi([makeEntry('pelibatan', '2025-04-01')], makeLibrary(), defaultRulebook, new Date('2025-04-15T03:00:00Z'));
    const later = { ...k, nextSteps: { ...k.nextSteps, greenReachable: true, greenLater: { month: '2025-10', required: 8, thisMonth: [] } } };
    expect(describeNextSteps(later, 'id', 'advokasi')[1]).toBe(
      'Hijau bisa dicapai mulai Oktober bila setiap bulan ada kegiatan Advokasi (sekarang 1 bulan, perlu 8 bulan pada Oktober).',
    );
  });
});

describe('Indonesian formats', () => {
  it('writes dates and numbers the Indonesian way', () => {
    expect(formatDate('2025-02-05', 'id')).toBe('5 Februari 2025');
    expect(formatNumber(8781, 'id')).toBe('8.781');
    expect(formatNumber(10 / 3, 'id', 2)).toBe('3,33');
  });

  it('writes a photo\'s size in KB below a million bytes, so a small photo never reads "0 MB"', () => {
    expect(formatBytes(84, 'id')).toBe('1 KB');
    expect(formatBytes(48_600, 'id')).toBe('49 KB');
    expect(formatBytes(2_430_000, 'id')).toBe('2,4 MB');
    expect(formatBytes(2_430_000, 'en')).toBe('2.4 MB');
    // A phone's quota: "10,7 GB", not "10.738,3 MB".
    expect(formatBytes(10_738_300_000, 'id')).toBe('10,7 GB');
    expect(formatBytes(999_900_000, 'id')).toBe('999,9 MB');
  });
});
