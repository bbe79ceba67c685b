/**
 * The demo library `npm start` makes on an empty database, so a newcomer can enrol a
 * phone at once: one library and one enrolment code.
 */
import type { Library } from '../domain';
import type { Db } from './schema';
import { DEFAULT_CODE_DAYS, issueCode } from './store/codes';
import { countLibraries, createLibrary } from './store/libraries';

/** Creates the demo library and a code when there is no library at all; otherwise null. */
export async function ensureDemoLibrary(db: Db, now: Date): Promise<{ library: Library; code: string; expiresAt: string } | null> {
  if ((await countLibraries(db)) > 0) return null;
  const made = await createLibrary(
    db,
    {
      name: 'Perpustakaan Desa Contoh',
      village: 'Sukamaju',
      district: 'Sukamaju',
      regency: 'Kabupaten Contoh',
      province: 'Jawa Timur',
      timezone: 'Asia/Jakarta',
    },
    now,
  );
  if (!made.ok) throw new Error('the demo library does not pass the library schema');
  const { code, expiresAt } = await issueCode(db, made.library.id, DEFAULT_CODE_DAYS, now);
  return { library: made.library, code, expiresAt };
}
