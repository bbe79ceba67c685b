/**
 * CSV export of a monitoring table (issue 6): RFC 4180, pure, no I/O.
 *
 * The output is a string; the route encodes it as UTF-8 and sends it as
 * `text/csv; charset=utf-8`.
 */

export type Cell = string | number | null;

/**
 * Excel only reads a CSV as UTF-8 when it starts with a byte-order mark; without
 * it library names like "Perpustakaan Desa Sukamaju – Kec. Ngawi" come out garbled.
 */
const BOM = '\uFEFF';

/**
 * A text cell starting with one of these is taken by spreadsheets as a formula
 * (OWASP "CSV injection"): a library name typed on a phone must never run as one.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A field with one of these must be quoted (RFC 4180 §2.6). */
const NEEDS_QUOTES = /[",\r\n]/;

function field(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') {
    // String() always writes a dot and no thousands separators, whatever the
    // server's locale. NaN and ±Infinity are not figures anyone can read back: empty.
    // Negative numbers start with "-" but are numbers, so they are never prefixed.
    return Number.isFinite(cell) ? String(cell) : '';
  }
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function line(cells: readonly Cell[]): string {
  const text = cells.map(field).join(',');
  // A lone empty field would make a blank line, which readers skip or misread.
  return text === '' && cells.length === 1 ? '""' : text;
}

/** The table as CSV: BOM, a header line, one line per row, every line ended by CRLF. */
export function toCsv(headers: string[], rows: Cell[][]): string {
  let out = BOM + line(headers) + '\r\n';
  for (const row of rows) out += line(row) + '\r\n';
  return out;
}
