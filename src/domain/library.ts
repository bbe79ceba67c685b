/** A partner library: `{ id, name, npp?, village, district, regency, province, timezone }`. */
import * as z from 'zod/mini';
import { timezoneSchema } from './calendar';
import { idSchema, noControlCharacters, optionalText, requiredText, somethingVisible } from './text';

/**
 * A library as it is typed — the phone's profile form, the admin's `library add`: its texts
 * have no control character and show something (text.ts says exactly what each refuses).
 */
export const librarySchema = z.object({
  id: idSchema,
  name: requiredText(1, 200).check(noControlCharacters, somethingVisible),
  /** Perpusnas' library number (Nomor Pokok Perpustakaan). */
  npp: optionalText(50).check(noControlCharacters, somethingVisible),
  /** Desa/Kelurahan. */
  village: requiredText(1, 100).check(noControlCharacters, somethingVisible),
  /** Kecamatan. */
  district: requiredText(1, 100).check(noControlCharacters, somethingVisible),
  /** Kabupaten/Kota. */
  regency: requiredText(1, 100).check(noControlCharacters, somethingVisible),
  /** Provinsi. */
  province: requiredText(1, 100).check(noControlCharacters, somethingVisible),
  timezone: timezoneSchema,
});

/**
 * A library as it is read back: the phone's stored profile, a backup file, the server's
 * answers (enrolment, GET /library, monitoring). The same shape and limits, without the
 * typing rules above: a library stored before them (a server's row, a phone's profile with
 * a pasted tab) must still read, or a phone would lose its profile or refuse to enrol.
 * Its output is a `Library` like the strict schema's.
 */
export const storedLibrarySchema = z.object({
  id: idSchema,
  name: requiredText(1, 200),
  npp: optionalText(50),
  village: requiredText(1, 100),
  district: requiredText(1, 100),
  regency: requiredText(1, 100),
  province: requiredText(1, 100),
  timezone: timezoneSchema,
});

export type Library = z.output<typeof librarySchema>;
export type LibraryInput = z.input<typeof librarySchema>;
