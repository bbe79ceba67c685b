/**
 * An instant as a spreadsheet reader reads it: Jakarta wall-clock time, `2026-11-29 19:34 WIB`.
 *
 * The database keeps UTC ISO text (`2026-11-29T12:34:56.789Z`), which a kabupaten officer
 * opening the sheet misreads by seven hours. One zone for every row, not each library's own,
 * so the column still sorts and compares across WIB, WITA and WIT libraries; WIB is the zone
 * of the national office. Its offset has been fixed (+7, no daylight saving) since 1964.
 */
const WIB_OFFSET_MS = 7 * 60 * 60_000;

export function wibText(iso: string | null): string | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso; // never hide what is stored, even if it is not a time
  return `${new Date(ms + WIB_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ')} WIB`;
}
