import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activityEntrySchema, entrySchemaFor } from '../../src/domain/entry';
import { activityTypesOf, defaultRulebook } from '../../src/domain/rulebook';
import { parseWithMessages } from '../../src/domain/validation-messages';
import { validEntryArb } from './arbitraries';
import { makeEntry } from './fixtures';

const rules = { today: '2025-04-15', activityTypes: activityTypesOf(defaultRulebook) };
const schema = entrySchemaFor(rules);
const good = () => makeEntry('pelibatan', '2025-04-01');

describe('activityEntrySchema', () => {
  it('stores texts trimmed, nulls as absent, ids in lower case, instants in UTC, unknown fields dropped', () => {
    const r = schema.parse({
      ...good(),
      id: '0190A1B2-C3D4-7E5F-8A6B-00000000ABCD',
      libraryId: 'PERPUS-Sukamaju',
      title: '  Kelas menjahit  ',
      location: null,
      description: '   ',
      fundingSource: null,
      createdAt: '2025-04-01T09:00:00+07:00',
      colour: 'hijau',
    });
    expect(r.id).toBe('0190a1b2-c3d4-7e5f-8a6b-00000000abcd');
    expect(r.libraryId).toBe('perpus-sukamaju');
    expect(r.title).toBe('Kelas menjahit');
    expect(r.createdAt).toBe('2025-04-01T02:00:00.000Z');
    expect('location' in r || 'description' in r || 'fundingSource' in r || 'colour' in r).toBe(false);
  });

  it('counts characters as code points: three emoji make a valid title', () => {
    expect(schema.safeParse({ ...good(), title: '📚📚📚' }).success).toBe(true);
    expect(schema.safeParse({ ...good(), title: '📚📚' }).success).toBe(false);
    expect(schema.safeParse({ ...good(), title: '📚'.repeat(200) }).success).toBe(true);
    expect(schema.safeParse({ ...good(), title: '📚'.repeat(201) }).success).toBe(false);
  });

  it('accepts 2018-01-01 and today, and the leap day of a leap year', () => {
    for (const date of ['2018-01-01', '2025-04-15', '2024-02-29']) {
      expect(schema.safeParse({ ...good(), date }).success, date).toBe(true);
    }
  });

  it('accepts lainnya for every strategy', () => {
    for (const strategy of ['pelibatan', 'advokasi', 'layanan'] as const) {
      expect(schema.safeParse({ ...makeEntry(strategy, '2025-04-01'), activityType: 'lainnya' }).success).toBe(true);
    }
  });

  it('lets an advokasi or layanan entry have no participant', () => {
    expect(schema.safeParse({ ...makeEntry('advokasi', '2025-04-01'), participantsMale: 0, participantsFemale: 0 }).success).toBe(true);
  });
});

describe('parseWithMessages on entries: one plain sentence per field', () => {
  const cases: [string, Record<string, unknown>, string, string, string][] = [
    ['title too short', { title: ' ab ' }, 'title', 'Judul kegiatan minimal 3 karakter', 'Activity title needs at least 3 characters'],
    ['title too long', { title: 'x'.repeat(201) }, 'title', 'Judul kegiatan maksimal 200 karakter', 'Activity title may have at most 200 characters'],
    ['title missing', { title: undefined }, 'title', 'Judul kegiatan wajib diisi', 'Activity title is required'],
    ['date in the future', { date: '2025-04-16' }, 'date', 'Tanggal kegiatan tidak boleh di masa depan', 'Activity date may not be in the future'],
    ['date before 2018', { date: '2017-12-31' }, 'date', 'Tanggal kegiatan tidak boleh sebelum 1 Januari 2018', 'Activity date may not be before 1 January 2018'],
    ['date that does not exist', { date: '2025-02-29' }, 'date', 'Tanggal kegiatan bukan tanggal yang ada (format TTTT-BB-HH)', 'Activity date is not a real date (format YYYY-MM-DD)'],
    ['participants negative', { participantsMale: -1 }, 'participantsMale', 'Peserta laki-laki minimal 0', 'Male participants must be at least 0'],
    ['participants fractional', { participantsFemale: 2.5 }, 'participantsFemale', 'Peserta perempuan harus berupa bilangan bulat', 'Female participants must be a whole number'],
    ['participants over 100,000', { participantsMale: 100_001 }, 'participantsMale', 'Peserta laki-laki maksimal 100.000', 'Male participants must be at most 100,000'],
    ['participants past 2^53 (typed as 20 digits)', { participantsMale: 1e20 }, 'participantsMale', 'Peserta laki-laki maksimal 100.000', 'Male participants must be at most 100,000'],
    ['pelibatan without participants', { participantsMale: 0, participantsFemale: 0 }, 'participantsFemale', 'Kegiatan Pelibatan Masyarakat harus memiliki paling sedikit 1 peserta', 'A Community Engagement activity needs at least 1 participant'],
    ['more disabled than participants', { participantsDisability: 14 }, 'participantsDisability', 'Peserta penyandang disabilitas tidak boleh melebihi jumlah peserta', 'Participants with disabilities may not exceed the number of participants'],
    ['activity type of another strategy', { activityType: 'lomba', strategy: 'advokasi' }, 'activityType', 'Jenis kegiatan tidak sesuai dengan strategi yang dipilih', 'The activity type does not belong to the chosen strategy'],
    ['no strategy chosen', { strategy: '' }, 'strategy', 'Strategi wajib diisi', 'Strategy is required'],
    ['no activity type chosen', { activityType: '' }, 'activityType', 'Jenis kegiatan wajib diisi', 'Activity type is required'],
    ['no date given', { date: '' }, 'date', 'Tanggal kegiatan wajib diisi', 'Activity date is required'],
    ['a blank title', { title: '   ' }, 'title', 'Judul kegiatan wajib diisi', 'Activity title is required'],
    ['unknown strategy', { strategy: 'hiburan' }, 'strategy', 'Pilihan Strategi tidak dikenal', 'Unknown choice for Strategy'],
    ['partner without a name', { partners: [{ name: ' ', kind: 'pkk' }] }, 'partners.0.name', 'Nama mitra wajib diisi', 'Partner name is required'],
    ['six photos', { attachments: Array.from({ length: 6 }, (_, i) => ({ id: `f${i}`, sha256: 'b'.repeat(64), mime: 'image/png', bytes: 10 })) }, 'attachments', 'Foto dokumentasi paling banyak 5 isian', 'Documentation photos may have at most 5 items'],
    ['a photo over 5 MB', { attachments: [{ id: 'f', sha256: 'b'.repeat(64), mime: 'image/png', bytes: 5_000_001 }] }, 'attachments.0.bytes', 'Ukuran foto (byte) maksimal 5.000.000', 'Photo size (bytes) must be at most 5,000,000'],
    ['a GIF photo', { attachments: [{ id: 'f', sha256: 'b'.repeat(64), mime: 'image/gif', bytes: 1 }] }, 'attachments.0.mime', 'Pilihan Jenis berkas foto tidak dikenal', 'Unknown choice for Photo file type'],
    ['an id that is not UUIDv7', { id: '0190a1b2-c3d4-4e5f-8a6b-000000000001' }, 'id', 'Format ID tidak valid', 'ID has an invalid format'],
    ['a created-at that leaves the years 0000–9999 in UTC', { createdAt: '0000-01-01T00:00:00+00:01' }, 'createdAt', 'Waktu dibuat di luar rentang tahun 0000–9999', 'Created at is outside the years 0000–9999'],
    ['a title sent as null', { title: null }, 'title', 'Judul kegiatan wajib diisi', 'Activity title is required'],
    ['deleted as a string', { deleted: 'false' }, 'deleted', 'Status hapus harus bernilai ya atau tidak', 'Deleted must be yes or no'],
  ];
  it.each(cases)('%s', (_name, change, path, id, en) => {
    const input = { ...good(), ...change };
    const inId = parseWithMessages(schema, input, 'id');
    const inEn = parseWithMessages(schema, input, 'en');
    expect(inId).toEqual({ ok: false, errors: [{ path, message: id }] });
    expect(inEn).toEqual({ ok: false, errors: [{ path, message: en }] });
  });
});

describe('an entry with several problems', () => {
  it('reports every one of them at once, cross-field and context rules included', () => {
    const r = parseWithMessages(
      schema,
      { ...good(), participantsMale: 0, participantsFemale: 0, date: '2025-04-16', activityType: 'kerja_sama', location: 'x'.repeat(201) },
      'id',
    );
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.map((e) => e.path).sort()).toEqual(['activityType', 'date', 'location', 'participantsFemale']);
  });

  // A failing title or an impossible date used to abort the parse before the cross-field
  // rules, so the form showed "… paling sedikit 1 peserta" only on the second Simpan.
  it.each([
    ['a blank title', { title: '' }, 'title', 'Judul kegiatan wajib diisi'],
    ['a two-letter title', { title: 'ab' }, 'title', 'Judul kegiatan minimal 3 karakter'],
    ['a date that does not exist', { date: '2025-02-30' }, 'date', 'Tanggal kegiatan bukan tanggal yang ada (format TTTT-BB-HH)'],
    ['a date that does not exist, after today', { date: '2099-02-30' }, 'date', 'Tanggal kegiatan bukan tanggal yang ada (format TTTT-BB-HH)'],
    ['a date that does not exist, before 2018', { date: '2017-02-30' }, 'date', 'Tanggal kegiatan bukan tanggal yang ada (format TTTT-BB-HH)'],
    ['a partner without a name', { partners: [{ name: '', kind: 'pkk' }] }, 'partners.0.name', 'Nama mitra wajib diisi'],
  ])('pelibatan with 0/0 participants and %s: both errors in one parse', (_name, change, path, message) => {
    const r = parseWithMessages(schema, { ...good(), participantsMale: 0, participantsFemale: 0, ...change }, 'id');
    expect(r).toEqual({
      ok: false,
      errors: [
        { path, message },
        { path: 'participantsFemale', message: 'Kegiatan Pelibatan Masyarakat harus memiliki paling sedikit 1 peserta' },
      ],
    });
  });
});

describe('entry round trip', () => {
  it('parse → JSON → parse gives the same entry', () => {
    fc.assert(
      fc.property(validEntryArb, (raw) => {
        const once = activityEntrySchema.parse(raw);
        const twice = activityEntrySchema.parse(JSON.parse(JSON.stringify(once)));
        expect(twice).toEqual(once);
      }),
      { numRuns: 500 },
    );
  });
});
