/**
 * Backups the librarian keeps outside the phone: a JSON file with every entry at full
 * fidelity (tombstones included), importable back; and a CSV with Indonesian headers
 * for spreadsheets. Import validates the whole file first and then merges by id in one
 * transaction — a malformed file changes nothing, and importing twice never doubles.
 */
import * as z from 'zod/mini';
import { activityEntrySchema, librarySchema, t, type ActivityEntry, type Library } from '../domain';
import { type LaporDb } from './db';
import { stripRow, writeEntries } from './entries';

export const BACKUP_FORMAT = 'tpbis-lapor-backup';
export const BACKUP_VERSION = 1;

const backupSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  exportedAt: z.string(),
  library: z.nullable(librarySchema),
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
  | { ok: true; added: number; updated: number; unchanged: number }
  | { ok: false; error: 'notJson' | 'notBackup' | 'invalidEntries'; details: string[] };

/**
 * Merges a JSON backup into the database. An entry new to the phone is added; one the
 * phone has is replaced only when the file's copy was updated later. Changed entries go
 * to the outbox like any edit, so a restored phone sends them to the server again
 * (harmless: writes are idempotent by id).
 */
export async function importJson(db: LaporDb, text: string): Promise<ImportResult> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: 'notJson', details: [] };
  }
  const head = z.object({ format: z.literal(BACKUP_FORMAT), version: z.literal(BACKUP_VERSION) }).safeParse(raw);
  if (!head.success) return { ok: false, error: 'notBackup', details: [] };
  const parsed = backupSchema.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`);
    return { ok: false, error: 'invalidEntries', details };
  }
  const incoming = dedupeById(parsed.data.entries);
  const existing = await db.entries.bulkGet(incoming.map((e) => e.id));
  const changed = incoming.filter((e, i) => {
    const have = existing[i];
    return !have || (e.updatedAt > have.updatedAt);
  });
  if (changed.length > 0) await writeEntries(db, changed);
  const added = changed.filter((e) => !existing[incoming.indexOf(e)]).length;
  return { ok: true, added, updated: changed.length - added, unchanged: incoming.length - changed.length };
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

/** Every entry as CSV with Indonesian headers, for a spreadsheet (one row per entry). */
export async function exportCsv(db: LaporDb): Promise<string> {
  const entries = (await db.entries.orderBy('date').toArray()).map(stripRow);
  const header = CSV_COLUMNS.map((c) => t('id', `field.${c}`));
  const rows = entries.map((e) => CSV_COLUMNS.map((c) => csvValue(e, c)));
  // The byte-order mark makes spreadsheet programs read the file as UTF-8.
  return '\uFEFF' + [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function csvValue(e: ActivityEntry, column: (typeof CSV_COLUMNS)[number]): string {
  switch (column) {
    case 'partners':
      return (e.partners ?? []).map((p) => `${p.name} (${p.kind})`).join('; ');
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
