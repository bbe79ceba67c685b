/** A partner library: `{ id, name, npp?, village, district, regency, province, timezone }`. */
import * as z from 'zod/mini';
import { timezoneSchema } from './calendar';
import { idSchema, optionalText, requiredText } from './text';

export const librarySchema = z.object({
  id: idSchema,
  name: requiredText(1, 200),
  /** Perpusnas' library number (Nomor Pokok Perpustakaan). */
  npp: optionalText(50),
  /** Desa/Kelurahan. */
  village: requiredText(1, 100),
  /** Kecamatan. */
  district: requiredText(1, 100),
  /** Kabupaten/Kota. */
  regency: requiredText(1, 100),
  /** Provinsi. */
  province: requiredText(1, 100),
  timezone: timezoneSchema,
});

export type Library = z.output<typeof librarySchema>;
export type LibraryInput = z.input<typeof librarySchema>;
