/**
 * Backups the librarian keeps outside the phone: a JSON file with every entry at full
 * fidelity (tombstones included), importable back; and a CSV with Indonesian headers
 * for spreadsheets. Import validates the whole file first and then merges by id in one
 * transaction — a malformed file changes nothing (its problems are named in the
 * librarian's words), and importing twice never doubles.
 */
import * as z from 'zod/mini';
import {
  activityEntrySchema,
  formatNumber,
  clampUpdatedAt,
  librarySchema,
  parseWithMessages,
  storedLibrarySchema,
  t,
  tidyName,
  type ActivityEntry,
  type FieldError,
  type Lang,
  type Library,
} from '../domain';
import { type EntryRow, type LaporDb } from './db';
import { moveToLibrary, stripRow, writeEntries } from './entries';
import { getLibrary, getSettings, setLibrary } from './meta';
import { uuidv7 } from './uuid';
import { getEnrolment } from './sync-state';

export const BACKUP_FORMAT = 'tpbis-lapor-backup';
export const BACKUP_VERSION = 1;

const backupSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  exportedAt: z.string(),
  // The profile as the phone stored it: a file written before the stricter typing rules still imports.
  library: z.nullable(storedLibrarySchema),
  entries: z.array(activityEntrySchema),
});

export type Backup = z.output<typeof backupSchema>;

/** Every entry as a JSON document (pretty-printed: people open these files). */
export async function exportJson(db: LaporDb, library: Library | null, now: Date): Promise<string> {
  const entries = (await db.entries.toArray()).map(stripRow);
  const backup: Backup = { format: BACKUP_FORMAT, version: BACKUP_VERSION, exportedAt: now.toISOString(), library, entries };
  return JSON.stringify(backup, null, 2);
}

export type ImportResult =
  /**
   * `movedFrom`: when entries written by this import now count for this phone's library, and
   * the file's library is not the same one (name and place; many villages share a library
   * name), the name the file gives its library ('' when the file names none) — said, so a
   * file restored by mistake is noticed before it is sent.
   */
  | { ok: true; added: number; updated: number; unchanged: number; movedFrom: string | null }
  | { ok: false; error: 'notJson' | 'notBackup' | 'invalidEntries' | 'otherLibrary' | 'noProfile'; details: string[] }
  /**
   * Nothing written yet: `count` activities of another library (`from`, '' when the file names
   * none) would count for this one from now on, and be sent as its own. Asked first (a file
   * picked by mistake would otherwise report another library's work); `moveConfirmed` does it.
   */
  | { ok: false; error: 'confirmMove'; from: string; count: number; details: string[] };

export interface ImportOptions {
  /** The language of the messages in `details`; the phone's setting by default. */
  lang?: Lang;
  /** The phone's time, for times in the file that are ahead of it; the phone's clock by default. */
  now?: Date;
  /**
   * A phone with no profile yet (a new one, on its first screen) takes the file's, so that
   * nothing is typed twice: stored just before the entries, under the file's local id (or a
   * new local one, for a library a server knows: the new phone is not enrolled). A file
   * without a complete profile is refused (`noProfile`) and nothing changes.
   */
  adoptProfile?: boolean;
  /** The librarian said yes to moving another library's entries into this one (`confirmMove`). */
  moveConfirmed?: boolean;
}

/** At most this many problems of a broken file are named, then how many more there are. */
const MAX_PROBLEMS_SHOWN = 5;

/**
 * Merges a JSON backup into the database. An entry new to the phone is added; one the
 * phone has is replaced only when the file's copy was updated later. Changed entries go
 * to the outbox like any edit, so a restored phone sends them to the server again
 * (harmless: writes are idempotent by id).
 *
 * An `updatedAt` more than `MAX_CLOCK_AHEAD_MS` ahead of `now` (a file edited by hand, or
 * written on a phone whose clock ran ahead) is read as `now`, as the server reads such a
 * time on push: kept as it is, that copy would win against every later edit and restore.
 * Such a copy is added when the phone has none, and replaces none the phone has.
 *
 * The phone's KPI counts only its own library's entries, so entries of another library
 * move to this phone's library as new ones, as enrolment moves the phone's earlier
 * entries — when that other library is a phone's local one (`lokal-…`, never on a server),
 * or this phone is not enrolled (a phone restored before it is enrolled again). An
 * enrolled phone refuses, whole, a file holding entries of another enrolled library:
 * moving them would report that library's activities as this one's, and the server
 * answers such entries `wrong_library`. Nothing changes, and the file keeps them.
 */
export async function importJson(db: LaporDb, text: string, options: ImportOptions = {}): Promise<ImportResult> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: 'notJson', details: [] };
  }
  const head = z.object({ format: z.literal(BACKUP_FORMAT), version: z.literal(BACKUP_VERSION) }).safeParse(raw);
  if (!head.success) return { ok: false, error: 'notBackup', details: [] };
  const lang = options.lang ?? (await getSettings(db)).lang;
  const parsed = parseWithMessages(backupSchema, raw, lang);
  if (!parsed.ok) return { ok: false, error: 'invalidEntries', details: describeProblems(parsed.errors, raw, lang) };
  const backup = parsed.value;
  const [stored, enrolment] = await Promise.all([getLibrary(db), getEnrolment(db)]);
  let library = stored;
  if (enrolment) {
    const foreign = backup.entries.find((e) => e.libraryId !== enrolment.libraryId && !isLocalLibraryId(e.libraryId));
    if (foreign) return { ok: false, error: 'otherLibrary', details: [otherLibraryMessage(backup, foreign, library, enrolment.libraryId, lang)] };
  }
  // The profile to adopt is stored only after the entries: stored first, the app would show
  // Beranda (an empty card) at once, and a write failing then (storage full) would leave a
  // profile without entries and nobody told.
  let adopted: Library | null = null;
  if (!library && options.adoptProfile) {
    const profile = librarySchema.safeParse(backup.library);
    if (!profile.success) return { ok: false, error: 'noProfile', details: [] };
    library = adopted = { ...profile.data, id: isLocalLibraryId(profile.data.id) ? profile.data.id : `lokal-${uuidv7()}` };
  }
  const home = enrolment?.libraryId ?? library?.id;
  const now = options.now ?? new Date();
  // Clamped first: which copy is the latest in the file is decided by the clamped time.
  const clamped = backup.entries.map((e) => clampUpdatedAt(e, now));
  const wasAhead = new Set(clamped.filter((e, i) => e !== backup.entries[i]).map((e) => e.id));
  const incoming = dedupeById(clamped).map((e) => (home && e.libraryId !== home ? moveToLibrary(e, home) : e));
  const existing = await storedCopies(db, incoming.map((e) => e.id));
  // What the librarian is told counts activities, as the list does, by what is stored after:
  // a deleted entry new to the phone is written (its delete must reach the server) but is no
  // "baru" activity; a copy the phone keeps counts as "sudah ada" only if it is in the list.
  const changed: ActivityEntry[] = [];
  let added = 0;
  let updated = 0;
  let unchanged = 0;
  incoming.forEach((e, i) => {
    const have = existing[i];
    // A copy whose time was ahead replaces none the phone holds: its real time is unknown, and
    // clamped to this import's, the same file restored again would undo every edit made since.
    if (have && (wasAhead.has(e.id) || !(e.updatedAt > have.updatedAt))) {
      if (!have.deleted) unchanged++;
      return;
    }
    changed.push(e);
    if (!have) added += e.deleted ? 0 : 1;
    else if (!(e.deleted && have.deleted)) updated++;
  });
  // Entries added or replaced are queued, clamped ones too (the rule for every change the
  // import makes): the phone now holds the clamped copy, and the server must come to hold what
  // the phone holds, as after an edit; left out, a new entry would never reach it.
  // A server may hold any of them — a local library's too: that phone may have enrolled and
  // pushed since the file was written — so none is ever deleted on the phone alone.
  const movedIds = new Set(backup.entries.filter((e) => e.libraryId !== home).map((e) => e.id));
  const moving = home === undefined ? [] : changed.filter((e) => movedIds.has(e.id));
  const same = backup.library !== null && library !== null && samePlace(backup.library, library);
  const movedFrom = moving.length > 0 && !same ? (backup.library?.name ?? '') : null;
  if (movedFrom !== null && !options.moveConfirmed) {
    return { ok: false, error: 'confirmMove', from: movedFrom, count: moving.filter((e) => !e.deleted).length, details: [] };
  }
  const known = new Set(backup.entries.map((e) => e.id));
  if (changed.length > 0) await writeEntries(db, changed, [], undefined, known);
  if (adopted) await setLibrary(db, adopted);
  return { ok: true, added, updated, unchanged, movedFrom };
}

const READ_SLICE = 250;

/**
 * The stored rows of these ids, read a slice at a time: one read of 5,000 issues 5,000 requests
 * from one task and froze a slow phone for half a second. Each slice is its own transaction;
 * writeEntries reads the rows it needs again in its own.
 */
async function storedCopies(db: LaporDb, ids: readonly string[]): Promise<(EntryRow | undefined)[]> {
  const rows: (EntryRow | undefined)[] = [];
  for (let i = 0; i < ids.length; i += READ_SLICE) rows.push(...(await db.entries.bulkGet(ids.slice(i, i + READ_SLICE))));
  return rows;
}

/** The same library by what people read of it: its name and its place, spacing and letter case aside. */
function samePlace(a: Library, b: Library): boolean {
  const key = (l: Library) => [l.name, l.village, l.district, l.regency, l.province].map((x) => tidyName(x).toLowerCase()).join('|');
  return key(a) === key(b);
}

/** The id a phone gives its library on first run, before any enrolment (ProfileForm). */
export function isLocalLibraryId(libraryId: string): boolean {
  return libraryId.startsWith('lokal-');
}

function otherLibraryMessage(backup: Backup, foreign: ActivityEntry, library: Library | null, homeId: string, lang: Lang): string {
  const current = library?.name ?? homeId;
  // The file's profile names the library only when it is the one its entries belong to.
  const other = backup.library?.id === foreign.libraryId ? backup.library.name : null;
  return other === null ? t(lang, 'backup.otherLibraryUnnamed', { current }) : t(lang, 'backup.otherLibrary', { current, other });
}

/**
 * A broken file's problems in the librarian's words: each entry's by its number in the
 * file and its title ("Kegiatan ke-2 “Musdes 2025”: Peserta laki-laki minimal 0"), the
 * rest by the field's label.
 */
function describeProblems(errors: readonly FieldError[], raw: unknown, lang: Lang): string[] {
  const entries = (raw as { entries?: unknown }).entries;
  const lines = errors.map(({ path, message }) => {
    const at = /^entries\.(\d+)(?:\.|$)/.exec(path);
    if (!at) return message;
    const index = Number(at[1]);
    const n = formatNumber(index + 1, lang);
    const title = Array.isArray(entries) ? titleOf(entries[index]) : null;
    return title === null
      ? t(lang, 'backup.entryProblem', { n, problem: message })
      : t(lang, 'backup.entryProblemTitled', { n, title, problem: message });
  });
  const shown = lines.slice(0, MAX_PROBLEMS_SHOWN);
  const more = lines.length - shown.length;
  return more > 0 ? [...shown, t(lang, 'backup.moreProblems', { count: formatNumber(more, lang) })] : shown;
}

/** An entry's title as the file has it, shortened, or null when it has none to show. */
function titleOf(entry: unknown): string | null {
  const title = (entry as { title?: unknown } | null)?.title;
  if (typeof title !== 'string' || title.trim() === '') return null;
  const chars = [...title.trim()];
  return chars.length > 40 ? `${chars.slice(0, 39).join('')}…` : chars.join('');
}

/** A file may list an id twice (hand-edited, concatenated): keep its latest copy. */
function dedupeById(entries: ActivityEntry[]): ActivityEntry[] {
  const byId = new Map<string, ActivityEntry>();
  for (const e of entries) {
    const have = byId.get(e.id);
    if (!have || e.updatedAt > have.updatedAt) byId.set(e.id, e);
  }
  return [...byId.values()];
}

const CSV_COLUMNS = [
  'id',
  'strategy',
  'activityType',
  'title',
  'date',
  'location',
  'participantsMale',
  'participantsFemale',
  'participantsDisability',
  'partners',
  'description',
  'skills',
  'economicImpact',
  'successStory',
  'testimony',
  'fundingSource',
  'attachments',
  'createdAt',
  'updatedAt',
  'deleted',
] as const;

/**
 * The words a spreadsheet reader sees for the entries' codes. The app passes its
 * Indonesian labels (the rulebook's activity types, its own words for partners and
 * funding); a code without a label is written as it is.
 */
export interface CsvLabels {
  activityType?: (strategy: string, code: string) => string | undefined;
  partnerKind?: (code: string) => string | undefined;
  fundingSource?: (code: string) => string | undefined;
}

/** Every entry as CSV with Indonesian headers and words, for a spreadsheet (one row per entry). */
export async function exportCsv(db: LaporDb, labels: CsvLabels = {}): Promise<string> {
  const entries = (await db.entries.orderBy('date').toArray()).map(stripRow);
  const header = CSV_COLUMNS.map((c) => t('id', `field.${c}`));
  const rows = entries.map((e) => CSV_COLUMNS.map((c) => csvValue(e, c, labels)));
  // The byte-order mark makes spreadsheet programs read the file as UTF-8.
  return '\uFEFF' + [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function csvValue(e: ActivityEntry, column: (typeof CSV_COLUMNS)[number], labels: CsvLabels): string {
  switch (column) {
    case 'strategy':
      return t('id', `strategy.${e.strategy}`);
    case 'activityType':
      return labels.activityType?.(e.strategy, e.activityType) ?? e.activityType;
    case 'fundingSource':
      return e.fundingSource === undefined ? '' : (labels.fundingSource?.(e.fundingSource) ?? e.fundingSource);
    case 'partners':
      return (e.partners ?? []).map((p) => `${p.name} (${labels.partnerKind?.(p.kind) ?? p.kind})`).join('; ');
    case 'attachments':
      return String(e.attachments?.length ?? 0);
    case 'deleted':
      return e.deleted ? 'ya' : 'tidak';
    default: {
      const v = e[column];
      return v === undefined ? '' : String(v);
    }
  }
}

function csvCell(v: string): string {
  // A cell starting with = + - @ is a formula to a spreadsheet: neutralise it.
  const safe = /^[=+\-@]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
