/**
 * Saving the library profile in Pengaturan keeps every field of the library: the NPP
 * (Perpusnas' number, which enrolment brings) is shown and saved back, and fields the
 * form does not show are kept as they were.
 */
import { describe, expect, it } from 'vitest';
import { profileInput, profileValues } from '../../src/app/components/ProfileForm';
import { librarySchema, type Library } from '../../src/domain/library';
import { parseWithMessages } from '../../src/domain/validation-messages';
import { makeLibrary } from '../domain/fixtures';

const withNpp: Library = { ...makeLibrary(), npp: '3516012E1000001' };
const noLocalId = (): string => {
  throw new Error('an enrolled library keeps its id');
};

/** What the form saves when the librarian submits `values`. */
const saved = (library: Library | null, values: Record<string, string>, localId = noLocalId) =>
  librarySchema.parse(profileInput(library, values, localId));

describe('the profile form', () => {
  it('saved untouched, gives back the same library, NPP included', () => {
    expect(profileValues(withNpp).npp).toBe('3516012E1000001');
    expect(saved(withNpp, profileValues(withNpp))).toEqual(withNpp);
  });

  it('keeps the NPP when another field is edited', () => {
    const values = { ...profileValues(withNpp), name: 'Perpustakaan Desa Sukamaju Baru' };
    expect(saved(withNpp, values)).toEqual({ ...withNpp, name: 'Perpustakaan Desa Sukamaju Baru' });
  });

  it('keeps a field the form does not show', () => {
    const shown = profileValues(withNpp);
    const { npp: _npp, ...withoutNpp } = shown;
    expect(saved(withNpp, withoutNpp)).toEqual(withNpp);
  });

  it('lets the NPP be typed, changed or emptied', () => {
    expect(saved(makeLibrary(), { ...profileValues(makeLibrary()), npp: ' 123 ' }).npp).toBe('123');
    expect(saved(withNpp, { ...profileValues(withNpp), npp: '  ' }).npp).toBeUndefined();
  });

  it('refuses a pasted control character or an invisible-only place with the sentence shown under that field', () => {
    // As the form's submit does: one message per field path, shown by <Field error>.
    const values = { ...profileValues(withNpp), name: 'Perpus\u001b[31mDesa', province: '\u200b' };
    const parsed = parseWithMessages(librarySchema, profileInput(withNpp, values, noLocalId), 'id');
    expect(parsed.ok).toBe(false);
    const errors = parsed.ok ? {} : Object.fromEntries(parsed.errors.map((x) => [x.path, x.message]));
    expect(errors).toEqual({
      name: 'Nama perpustakaan tidak boleh berisi karakter kontrol (karakter tak terlihat yang ikut tersalin); ketik ulang isinya',
      province: 'Provinsi hanya berisi karakter yang tidak terlihat',
    });
  });

  it('tidies what a paste brings, as the server does: a tab inside is one space, a zero-width space at an end is gone', () => {
    const values = { ...profileValues(withNpp), name: 'Perpustakaan\tDesa  Sukamaju', province: '\u200bJawa Timur\ufeff' };
    expect(saved(withNpp, values)).toEqual({ ...withNpp, name: 'Perpustakaan Desa Sukamaju', province: 'Jawa Timur' });
  });

  it('gives a library made on first run a local id', () => {
    const first = saved(null, { ...profileValues(withNpp) }, () => 'lokal-abc');
    expect(first).toEqual({ ...withNpp, id: 'lokal-abc' });
  });
});
