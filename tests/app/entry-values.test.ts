/**
 * The entry form's values: counts read as Indonesians write them ("1.000" is a thousand,
 * never one), counts written wrongly named as such, and field messages that go when
 * their input changes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  badlyWrittenCounts,
  blankValues,
  entryInput,
  errorsAfterChange,
  readCount,
  type FormValues,
} from '../../src/app/entry-values';
import { entrySchemaFor } from '../../src/domain/entry';
import { formatNumber } from '../../src/domain/format';
import { activityTypesOf, defaultRulebook } from '../../src/domain/rulebook';
import { parseWithMessages } from '../../src/domain/validation-messages';

const schema = entrySchemaFor({ today: '2025-04-15', activityTypes: activityTypesOf(defaultRulebook) });
const meta = {
  id: '0190a1b2-c3d4-7e5f-8a6b-000000000001',
  libraryId: 'perpus-sukamaju',
  createdAt: '2025-04-01T02:00:00.000Z',
  updatedAt: '2025-04-01T02:00:00.000Z',
};

function form(patch: Partial<FormValues>): FormValues {
  return { ...blankValues('2025-04-01', 'Balai desa'), strategy: 'pelibatan', activityType: 'lomba', title: 'Pameran buku desa', ...patch };
}

describe('readCount', () => {
  it.each([
    ['12', 12],
    [' 7 ', 7],
    ['0', 0],
    ['007', 7],
    ['1.000', 1000],
    ['1.500', 1500],
    [' 2.000 ', 2000],
    ['1.000.000', 1_000_000],
    ['-3', -3],
  ])('reads %j as %d', (text, value) => {
    expect(readCount(text)).toEqual({ kind: 'number', value });
  });

  it.each(['1,5', '1.5', '2,000', '1.00', '12.3456', '1.0000', '1 000', '.500', '1.', '1..000', '+5', '1.500,00', '0.500', '000.500', '01.000'])(
    'calls %j a count not written as a whole number',
    (text) => {
      expect(readCount(text)).toEqual({ kind: 'notWhole' });
    },
  );

  it.each(['dua', '1e3', '0x10', 'Infinity', '-', 'NaN', '12 orang'])('calls %j no number at all', (text) => {
    expect(readCount(text)).toEqual({ kind: 'notNumber' });
  });

  it('is blank for nothing or spaces', () => {
    expect(readCount('')).toEqual({ kind: 'blank' });
    expect(readCount('   ')).toEqual({ kind: 'blank' });
  });

  it('reads back every whole number as Indonesian writes it, grouped or not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (n) => {
        expect(readCount(formatNumber(n, 'id'))).toEqual({ kind: 'number', value: n });
        expect(readCount(String(n))).toEqual({ kind: 'number', value: n });
      }),
    );
  });
});

describe('counts through the schema', () => {
  it('"1.000" and "2.000" participants are 3.000, not 3', () => {
    const r = schema.parse(entryInput(form({ participantsMale: '1.000', participantsFemale: '2.000', participantsDisability: '1.500' }), meta));
    expect([r.participantsMale, r.participantsFemale, r.participantsDisability]).toEqual([1000, 2000, 1500]);
  });

  it('a count written wrongly or not a number never passes, and the wrongly written ones are named', () => {
    for (const text of ['1,5', '1.5', '1e3', '0x10', 'dua']) {
      const values = form({ participantsMale: '3', participantsFemale: text });
      expect(parseWithMessages(schema, entryInput(values, meta), 'id').ok, text).toBe(false);
    }
    expect(badlyWrittenCounts(form({ participantsMale: '1,5', participantsFemale: 'dua', participantsDisability: '2.5' }))).toEqual([
      'participantsMale',
      'participantsDisability',
    ]);
    expect(badlyWrittenCounts(form({ participantsMale: '1.500', participantsFemale: '' }))).toEqual([]);
  });
});

describe('errorsAfterChange', () => {
  const before = form({ participantsMale: '0', participantsFemale: '0', partners: [{ name: '', kind: 'pkk' }] });
  const errors = {
    title: 'Judul kegiatan minimal 3 karakter',
    date: 'Tanggal kegiatan tidak boleh di masa depan',
    participantsFemale: 'Kegiatan Pelibatan Masyarakat harus memiliki paling sedikit 1 peserta',
    'partners.0.name': 'Nama mitra wajib diisi',
  };

  it('keeps every message when nothing changed (the same object, so nothing re-renders)', () => {
    expect(errorsAfterChange(errors, before, { ...before })).toBe(errors);
  });

  it('drops the message of the input that changed, and only that one', () => {
    expect(Object.keys(errorsAfterChange(errors, before, { ...before, date: '2025-04-02' }))).toEqual(['title', 'participantsFemale', 'partners.0.name']);
  });

  it('drops the messages nested under a changed input', () => {
    const after = { ...before, partners: [{ name: 'PKK', kind: 'pkk' }] };
    expect(Object.keys(errorsAfterChange(errors, before, after))).toEqual(['title', 'date', 'participantsFemale']);
  });

  it('treats the three counts as one: the rule on Peserta perempuan reads Peserta laki-laki too', () => {
    expect(Object.keys(errorsAfterChange(errors, before, { ...before, participantsMale: '5' }))).toEqual(['title', 'date', 'partners.0.name']);
  });
});
