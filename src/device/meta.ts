/**
 * Small documents in the `meta` table: the library profile, the device's enrolment, the
 * cached rulebook and the one the KPI card last showed, settings (language) and form drafts.
 * Each is read through a schema or a default, so a damaged row degrades to "not set", never
 * to a crash.
 */
import { defaultRulebook, librarySchema, rulebookSchema, storedLibrarySchema, type Lang, type Library, type Rulebook } from '../domain';
import type { LaporDb } from './db';

export interface Settings {
  lang: Lang;
}

const DEFAULT_SETTINGS: Settings = { lang: 'id' };

async function read(db: LaporDb, key: string): Promise<unknown> {
  return (await db.meta.get(key))?.value;
}

function write(db: LaporDb, key: string, value: unknown): Promise<string> {
  return db.meta.put({ key, value });
}

/** The library profile, or null before the first run is completed. */
export async function getLibrary(db: LaporDb): Promise<Library | null> {
  // Read leniently: a profile stored before the library schema refused control characters still reads.
  const parsed = storedLibrarySchema.safeParse(await read(db, 'library'));
  return parsed.success ? parsed.data : null;
}

/**
 * Saves the library profile and returns it as saved. The profile's fields change, never its
 * id once one is stored (given by first run or by enrolment): a tab that had not seen an
 * enrolment made in another would otherwise write the old local id back, and every entry,
 * moved to the enrolled library's id, would stop counting. The profile is checked as typed
 * (`librarySchema`, the profile form's rules); only reading is lenient.
 */
export async function setLibrary(db: LaporDb, library: Library): Promise<Library> {
  return db.transaction('rw', db.meta, async () => {
    const stored = await getLibrary(db);
    const saved = librarySchema.parse(stored ? { ...library, id: stored.id } : library);
    await write(db, 'library', saved);
    return saved;
  });
}

/** The rulebook last received from the server, else the one the app ships. */
export async function getRulebook(db: LaporDb): Promise<Rulebook> {
  const parsed = rulebookSchema.safeParse(await read(db, 'rulebook'));
  return parsed.success ? parsed.data : defaultRulebook;
}

export async function setRulebook(db: LaporDb, rulebook: Rulebook): Promise<void> {
  await write(db, 'rulebook', rulebookSchema.parse(rulebook));
}

/**
 * The rulebook last taken in on Beranda, kept apart from the one in use (which a sync replaces):
 * the colours both give the same entries are compared, so the KPI card can say a change came
 * from the rules (App.tsx).
 */
export async function getSeenRulebook(db: LaporDb): Promise<Rulebook | null> {
  const parsed = rulebookSchema.safeParse(await read(db, 'rulebookSeen'));
  return parsed.success ? parsed.data : null;
}

export async function setSeenRulebook(db: LaporDb, rulebook: Rulebook): Promise<void> {
  await write(db, 'rulebookSeen', rulebook);
}

export async function getSettings(db: LaporDb): Promise<Settings> {
  const v = (await read(db, 'settings')) as Partial<Settings> | undefined;
  return { lang: v?.lang === 'en' ? 'en' : DEFAULT_SETTINGS.lang };
}

export async function setSettings(db: LaporDb, settings: Settings): Promise<void> {
  await write(db, 'settings', settings);
}

/** A form's unsaved input, keyed by what it edits (`new` or an entry id). */
export type Draft = Record<string, unknown>;

/** The `meta` key of a form's draft (`saveEntry` deletes it together with the saved entry). */
export const draftKey = (name: string) => `draft:${name}`;

export async function getDraft(db: LaporDb, name: string): Promise<Draft | null> {
  const v = await read(db, draftKey(name));
  return v && typeof v === 'object' ? (v as Draft) : null;
}

export async function setDraft(db: LaporDb, name: string, draft: Draft): Promise<void> {
  await write(db, draftKey(name), draft);
}

export async function clearDraft(db: LaporDb, name: string): Promise<void> {
  await db.meta.delete(draftKey(name));
}
