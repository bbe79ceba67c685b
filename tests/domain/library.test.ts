/**
 * The library's texts as typed (the phone's profile form, the admin's `library add`) have no
 * control character and show something; a library already stored without those rules
 * (a server's row, a phone's profile, a backup) still reads.
 */
import { describe, expect, it } from 'vitest';
import { librarySchema, storedLibrarySchema } from '../../src/domain/library';
import { monitorLibraryDetailSchema } from '../../src/domain/monitor';
import { enrollResponseSchema, libraryResponseSchema } from '../../src/domain/protocol';
import { defaultRulebook } from '../../src/domain/rulebook';
import { computeKpi } from '../../src/domain/kpi';
import { parseWithMessages } from '../../src/domain/validation-messages';
import { makeLibrary } from './fixtures';

const TEXT_FIELDS = ['name', 'npp', 'village', 'district', 'regency', 'province'] as const;

/** The messages per field, as the profile form shows them (one per field: the last wins there). */
function problems(fields: Record<string, unknown>, lang: 'id' | 'en' = 'id') {
  const parsed = parseWithMessages(librarySchema, { ...makeLibrary(), ...fields }, lang);
  return parsed.ok ? [] : parsed.errors;
}

describe('librarySchema: control characters', () => {
  it.each(TEXT_FIELDS)('refuses ESC, \\x01, DEL, a C1 control and NUL in %s, in plain Indonesian and English', (field) => {
    for (const bad of ['Evil\u001b[31mRED\u001b[0m', 'Reg\u0001X', 'Jawa\u007fTimur', 'Jawa\u009bTimur', 'Jawa\u0000Timur']) {
      expect(problems({ [field]: bad }), JSON.stringify(bad)).toEqual([
        { path: field, message: expect.stringMatching(/ tidak boleh berisi karakter kontrol /) },
      ]);
      expect(problems({ [field]: bad }, 'en')).toEqual([{ path: field, message: expect.stringMatching(/ may not contain control characters /) }]);
    }
  });

  it('says which field, by its label', () => {
    expect(problems({ name: 'Perpus\u001bDesa', regency: 'Reg\u0001X' })).toEqual([
      { path: 'name', message: 'Nama perpustakaan tidak boleh berisi karakter kontrol (karakter tak terlihat yang ikut tersalin); ketik ulang isinya' },
      { path: 'regency', message: 'Kabupaten/Kota tidak boleh berisi karakter kontrol (karakter tak terlihat yang ikut tersalin); ketik ulang isinya' },
    ]);
    expect(problems({ province: 'P\u001b' }, 'en')).toEqual([{ path: 'province', message: 'Province may not contain control characters such as ESC' }]);
  });

  it('trims tabs and newlines at either end as before; one inside the text is refused', () => {
    const lib = librarySchema.parse({ ...makeLibrary(), name: '\tPerpustakaan Desa\r\n', npp: ' 123\t', province: '\n Jawa Timur \t' });
    expect(lib).toMatchObject({ name: 'Perpustakaan Desa', npp: '123', province: 'Jawa Timur' });
    expect(problems({ village: 'Suka\tmaju' })).toEqual([{ path: 'village', message: expect.stringContaining('karakter kontrol') }]);
  });

  it('one message for a field too long with a control character in it: both problems, each once', () => {
    expect(problems({ name: `${'x'.repeat(200)}\u001b` }).map((p) => p.message)).toEqual([
      'Nama perpustakaan maksimal 200 karakter',
      'Nama perpustakaan tidak boleh berisi karakter kontrol (karakter tak terlihat yang ikut tersalin); ketik ulang isinya',
    ]);
  });
});

describe('librarySchema: something visible', () => {
  it.each(['province', 'regency', 'name', 'village', 'district'] as const)('refuses a %s of only format characters and spaces', (field) => {
    for (const bad of ['\u200b', '\u200b \u200c\u2060', '\u200e\u200f', '\u3164', '\u00ad']) {
      expect(problems({ [field]: bad }), JSON.stringify(bad)).toEqual([{ path: field, message: expect.stringMatching(/ hanya berisi karakter yang tidak terlihat$/) }]);
    }
    expect(problems({ [field]: '\u200b' }, 'en')).toEqual([{ path: field, message: expect.stringMatching(/ holds only invisible characters$/) }]);
  });

  it('refuses an NPP of only invisible characters; a blank one is still absent', () => {
    expect(problems({ npp: '\u200b' })).toEqual([{ path: 'npp', message: 'NPP hanya berisi karakter yang tidak terlihat' }]);
    expect(librarySchema.parse({ ...makeLibrary(), npp: '  ' }).npp).toBeUndefined();
  });

  it('a blank field is "wajib diisi" once, a control character alone is one message', () => {
    expect(problems({ province: '' })).toEqual([{ path: 'province', message: 'Provinsi wajib diisi' }]);
    expect(problems({ province: ' \ufeff ' })).toEqual([{ path: 'province', message: 'Provinsi wajib diisi' }]);
    expect(problems({ province: '\u0001' })).toEqual([{ path: 'province', message: expect.stringContaining('karakter kontrol') }]);
    expect(problems({ province: '\u0085' })).toEqual([{ path: 'province', message: expect.stringContaining('karakter kontrol') }]);
  });

  it('accepts real names: letters, punctuation, emoji joined by zero-width joiners', () => {
    for (const good of ['Perpustakaan Desa "Ceria" No. 1', 'Kota Bau-Bau', 'Pojok Baca 👨‍👩‍👧', '-', 'Ñ']) {
      expect(librarySchema.parse({ ...makeLibrary(), name: good }).name).toBe(good);
    }
  });
});

describe('a library already stored reads with the lenient schema', () => {
  const old = { ...makeLibrary(), name: 'Evil\u001b[31mRED\u001b[0m', npp: '\u200b', regency: 'Reg\u0001X', province: '\u200b' };

  it('storedLibrarySchema and every answer that carries a library', () => {
    expect(librarySchema.safeParse(old).success).toBe(false);
    expect(storedLibrarySchema.parse(old)).toEqual(old);
    const kpi = computeKpi([], makeLibrary(), defaultRulebook, new Date('2025-04-15T03:00:00Z'));
    expect(enrollResponseSchema.parse({ deviceId: 'dev-1', token: 'abc', library: old, rulebook: defaultRulebook }).library).toEqual(old);
    expect(libraryResponseSchema.parse({ library: old, kpi, lastPushAt: null }).library).toEqual(old);
    expect(monitorLibraryDetailSchema.parse({ library: old, kpi, lastPushAt: null, stale: false }).library).toEqual(old);
  });

  it('still trims and keeps its limits', () => {
    expect(storedLibrarySchema.parse({ ...makeLibrary(), name: '  Perpus  ' }).name).toBe('Perpus');
    expect(storedLibrarySchema.safeParse({ ...makeLibrary(), province: '' }).success).toBe(false);
    expect(storedLibrarySchema.safeParse({ ...makeLibrary(), name: 'x'.repeat(201) }).success).toBe(false);
  });
});
