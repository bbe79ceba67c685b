/**
 * The demo library `npm start` makes on an empty database, so a newcomer can enrol a
 * phone at once: one library and one enrolment code.
 */
import { sql } from 'kysely';
import type { Library } from '../domain';
import type { Db } from './schema';
import { DEFAULT_CODE_DAYS, issueCode } from './store/codes';
import { countLibraries, createLibrary } from './store/libraries';

/**
 * Creates the demo library and a code when there is no library at all; otherwise null.
 * Two servers starting at once on an empty database both saw no library and both made one;
 * now each first claims the `demo_library` setting, in the same transaction as the library,
 * and only the one that claimed it makes it.
 */
export async function ensureDemoLibrary(db: Db, now: Date): Promise<{ library: Library; code: string; expiresAt: string } | null> {
  if ((await countLibraries(db)) > 0) return null;
  return db.transaction().execute(async (trx) => {
    const claimed = await sql`INSERT INTO settings (key, value) VALUES ('demo_library', ${now.toISOString()}) ON CONFLICT (key) DO NOTHING`.execute(trx);
    if (Number(claimed.numAffectedRows ?? 0) !== 1) return null;
    return makeDemo(trx, now);
  });
}

async function makeDemo(db: Db, now: Date): Promise<{ library: Library; code: string; expiresAt: string }> {
  const made = await createLibrary(
    db,
    {
      name: 'Perpustakaan Desa Contoh',
      village: 'Sukamaju',
      district: 'Sukamaju',
      // A province of its own: a real province's supervisors would otherwise count it.
      regency: 'Kabupaten Contoh',
      province: 'Provinsi Contoh',
      timezone: 'Asia/Jakarta',
    },
    now,
  );
  if (!made.ok) throw new Error('the demo library does not pass the library schema');
  const { code, expiresAt } = await issueCode(db, made.library.id, DEFAULT_CODE_DAYS, now);
  return { library: made.library, code, expiresAt };
}
