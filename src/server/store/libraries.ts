/** Libraries: create, edit, read, list, remove. The library row is also the push transaction's lock. */
import { randomBytes } from 'node:crypto';
import { librarySchema, parseWithMessages, tidyName, type FieldError, type Library, type LibraryInput } from '../../domain';
import type { Database } from '../db';
import type { Db, LibraryRow } from '../schema';
import { underWriteLock } from './write-lock';

/** A stored row as the wire's Library (rows were validated by `librarySchema` when stored). */
export function libraryFromRow(row: LibraryRow): Library {
  return {
    id: row.library_id,
    name: row.name,
    ...(row.npp === null ? {} : { npp: row.npp }),
    village: row.village,
    district: row.district,
    regency: row.regency,
    province: row.province,
    timezone: row.timezone as Library['timezone'],
  };
}

/** `lib-` and 12 random lower-case letters and digits: short enough to type, never guessed. */
export function newLibraryId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(12);
  return `lib-${Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('')}`;
}

/** The fields of a library's profile (all but its id), in the order people read them. */
export const PROFILE_FIELDS = ['name', 'npp', 'village', 'district', 'regency', 'province', 'timezone'] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

/** A library's profile as its row's columns (all but the id and the bookkeeping). */
function profileColumns(library: Library) {
  return {
    name: library.name,
    npp: library.npp ?? null,
    village: library.village,
    district: library.district,
    regency: library.regency,
    province: library.province,
    timezone: library.timezone,
  };
}

/** Stores a library already checked by `librarySchema`. */
export async function insertLibrary(db: Db, library: Library, now: Date): Promise<void> {
  await db
    .insertInto('libraries')
    .values({ library_id: library.id, ...profileColumns(library), created_at: now.toISOString(), last_push_at: null })
    .execute();
}

const TIDIED = ['name', 'npp', 'village', 'district', 'regency', 'province'] as const;

/** A library's fields tidied, then validated: a refusal worded per field in English, the admin command line's language. */
function checkedLibrary(fields: Record<string, unknown>) {
  const tidied = { ...fields };
  for (const field of TIDIED) if (typeof tidied[field] === 'string') tidied[field] = tidyName(tidied[field]);
  return parseWithMessages(librarySchema, tidied, 'en');
}

/**
 * Validates and stores a new library with a fresh id, its texts tidied first. A refusal
 * is worded per field in English, the admin command line's language.
 */
export async function createLibrary(
  db: Db,
  input: Omit<LibraryInput, 'id'>,
  now: Date,
): Promise<{ ok: true; library: Library } | { ok: false; errors: FieldError[] }> {
  const parsed = checkedLibrary({ ...input, id: newLibraryId() });
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  await insertLibrary(db, parsed.value, now);
  return { ok: true, library: parsed.value };
}

/**
 * Changes a stored library's profile (its id stays): the fields given replace the stored
 * ones, tidied and validated as `createLibrary` does; an `npp` of null removes it. Read and
 * written in one transaction, so two edits at once cannot lose one; nothing is written when
 * nothing changes (`changed`: the fields that did). Null when there is no such library.
 */
export async function updateLibrary(
  db: Db,
  libraryId: string,
  changes: Partial<Omit<LibraryInput, 'id' | 'npp'>> & { npp?: string | null },
): Promise<{ ok: true; before: Library; library: Library; changed: ProfileField[] } | { ok: false; errors: FieldError[] } | null> {
  return db.transaction().execute(async (tx) => {
    const found = await findLibrary(tx, libraryId);
    if (!found) return null;
    const { npp, ...rest } = changes;
    const merged: Record<string, unknown> = { ...found.library, ...rest };
    if (npp === null) delete merged.npp;
    else if (npp !== undefined) merged.npp = npp;
    const parsed = checkedLibrary(merged);
    if (!parsed.ok) return { ok: false, errors: parsed.errors };
    const library = parsed.value;
    const before = found.library;
    const changed = PROFILE_FIELDS.filter((f) => before[f] !== library[f]);
    // (A stored KPI's `computed_for` follows a new zone's "today" by itself.)
    if (changed.length > 0) await tx.updateTable('libraries').set(profileColumns(library)).where('library_id', '=', libraryId).execute();
    return { ok: true, before, library, changed };
  });
}

export async function findLibrary(db: Db, libraryId: string): Promise<{ library: Library; lastPushAt: string | null; createdAt: string } | null> {
  const row = await db.selectFrom('libraries').selectAll().where('library_id', '=', libraryId).executeTakeFirst();
  return row ? { library: libraryFromRow(row), lastPushAt: row.last_push_at, createdAt: row.created_at } : null;
}

export async function listLibraryRows(db: Db): Promise<LibraryRow[]> {
  return db.selectFrom('libraries').selectAll().orderBy('created_at').orderBy('library_id').execute();
}

export async function countLibraries(db: Db): Promise<number> {
  const row = await db.selectFrom('libraries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export type RemoveOutcome =
  | { removed: true; library: Library; devices: number; codes: number }
  | { removed: false; reason: 'missing' }
  | { removed: false; reason: 'has_entries'; library: Library; entries: number };

/**
 * Removes a library no phone has sent an entry to — one added twice or with a typo, or
 * `npm start`'s demo — with its devices, enrolment codes and stored KPI: otherwise it
 * stays grey in monitoring for good. A library holding entries (deleted ones too) is
 * kept: they are its librarians' report, and `library edit` corrects a name or a place.
 *
 * Under the lock a push takes first, so a push under way either commits before (and the
 * library is kept) or finds its device gone after (401).
 */
export async function removeLibrary(database: Database, libraryId: string): Promise<RemoveOutcome> {
  return underWriteLock(
    database,
    (trx) => trx.selectFrom('libraries').select('library_id').where('library_id', '=', libraryId).forUpdate().execute(),
    async (trx) => {
      const row = await trx.selectFrom('libraries').selectAll().where('library_id', '=', libraryId).executeTakeFirst();
      if (!row) return { removed: false, reason: 'missing' };
      const library = libraryFromRow(row);
      const held = await trx.selectFrom('entries').select((eb) => eb.fn.countAll<number>().as('n')).where('library_id', '=', libraryId).executeTakeFirstOrThrow();
      if (Number(held.n) > 0) return { removed: false, reason: 'has_entries', library, entries: Number(held.n) };
      const codes = await trx.deleteFrom('enrollment_codes').where('library_id', '=', libraryId).executeTakeFirst();
      const devices = await trx.deleteFrom('devices').where('library_id', '=', libraryId).executeTakeFirst();
      await trx.deleteFrom('library_kpi').where('library_id', '=', libraryId).execute();
      await trx.deleteFrom('libraries').where('library_id', '=', libraryId).execute();
      return { removed: true, library, devices: Number(devices.numDeletedRows), codes: Number(codes.numDeletedRows) };
    },
  );
}
