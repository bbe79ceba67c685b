/**
 * The monitoring exports (issue 6), read back the way their users read them:
 * the CSV through a real CSV parser, the XLSX through a real spreadsheet reader.
 * Pure functions: no database.
 */
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCsv, type Cell } from '../../src/server/export/csv';
import { wibText } from '../../src/server/export/instant';
import { columnName, sheetTitle, toXlsx } from '../../src/server/export/xlsx';

function readCsv(text: string): string[][] {
  return parse(text, { bom: true }) as string[][];
}

/** What a CSV cell reads back as: numbers as written, text with the anti-formula quote. */
function csvExpected(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

async function readXlsx(bytes: Uint8Array): Promise<{ sheet: ExcelJS.Worksheet; cells: unknown[][] }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  expect(wb.worksheets).toHaveLength(1);
  const sheet = wb.worksheets[0];
  const cells: unknown[][] = [];
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    cells.push(Array.from({ length: row.cellCount }, (_, c) => row.getCell(c + 1).value));
  }
  return { sheet, cells };
}

/** A table as the XLSX reads it back: rows padded to the same width, trailing empties dropped. */
function xlsxExpected(headers: string[], rows: Cell[][]): unknown[][] {
  const value = (cell: Cell): unknown => {
    if (typeof cell === 'number') return Number.isFinite(cell) ? cell + 0 : null; // -0 reads back as 0
    if (typeof cell === 'string') return cell.replace(/[\0-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|\p{Cs}/gu, '');
    return null;
  };
  const trimmed = (cells: Cell[]): unknown[] => {
    const out = cells.map(value);
    while (out.length > 0 && out[out.length - 1] === null) out.pop();
    return out;
  };
  return [trimmed(headers), ...rows.map(trimmed)];
}

const headers = ['Perpustakaan', 'Kabupaten', 'Warna', 'Skor', 'Catatan'];
const rows: Cell[][] = [
  ['Perpustakaan Desa Sukamaju', 'Kab. Ngawi', 'hijau', 87.5, 'Taman baca, "Pojok Literasi"'],
  ['TBM Ceria – Kec. Tébet', 'Kota Jakarta Selatan', 'kuning', 0, 'baris satu\nbaris dua\r\nbaris tiga'],
  ['=HYPERLINK("http://x","klik")', '+62 812', '-', -12.25, '@SUM(A1:A2)'],
  ['\tTab di depan', '\rCR di depan', 'merah', 1234567.891, null],
  [null, '', 'abu-abu', 1e21, 'a,b;c'],
];

describe('toCsv', () => {
  it('starts with a BOM, ends lines with CRLF and quotes only what needs it', () => {
    const csv = toCsv(['a', 'b'], [['x,y', 'he said "hi"'], [1.5, null]]);
    expect(csv).toBe('\uFEFFa,b\r\n"x,y","he said ""hi"""\r\n1.5,\r\n');
  });

  it('reads back equal to the table, with formula-like text disarmed and numbers plain', () => {
    const back = readCsv(toCsv(headers, rows));
    expect(back).toEqual([headers.map(csvExpected), ...rows.map((r) => r.map(csvExpected))]);
    expect(back[3][0]).toBe("'=HYPERLINK(\"http://x\",\"klik\")");
    expect(back[3][3]).toBe('-12.25'); // a negative number is a number, not a formula
    expect(back[4][3]).toBe('1234567.891'); // dot decimal, no thousands separator
  });

  it('keeps a row of one empty cell as a row', () => {
    // Quoted, not a blank line: pandas and Python's csv skip or shorten blank lines.
    expect(toCsv(['Nama'], [[null]])).toBe('\uFEFFNama\r\n""\r\n');
    expect(readCsv(toCsv(['Nama'], [[''], [null], ['x']]))).toEqual([['Nama'], [''], [''], ['x']]);
  });
});

describe('toXlsx', () => {
  it('opens with the header bold and frozen and every cell back as its type', async () => {
    const { sheet, cells } = await readXlsx(toXlsx('Rekap KPI', headers, rows));
    expect(sheet.name).toBe('Rekap KPI');
    expect(cells).toEqual(xlsxExpected(headers, rows));
    expect(sheet.getCell('A1').font?.bold).toBe(true);
    expect(sheet.getCell('A2').font?.bold).toBeFalsy();
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  });

  it('names columns past Z and fills 40 of them', async () => {
    expect([0, 25, 26, 51, 52, 701, 702, 16383].map(columnName)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA', 'XFD']);
    const wide = Array.from({ length: 40 }, (_, i) => `Kolom ${i + 1}`);
    const data = [Array.from({ length: 40 }, (_, i) => (i % 2 ? i : `n${i}`))];
    const { sheet, cells } = await readXlsx(toXlsx('lebar', wide, data));
    expect(cells).toEqual(xlsxExpected(wide, data));
    expect(sheet.getCell('AN2').value).toBe(39);
  });

  it('escapes XML, strips what XML forbids and keeps Excel escapes literal', async () => {
    const tricky = ['<b>&amp;</b> "q" \'a\'', 'nul\u0000bel\u0007esc\u001b', '  spasi  ', 'x\r\ny\rz', '_x0041_ _x00e9_', '😀 lone\uD800'];
    const { cells } = await readXlsx(toXlsx('s', tricky, [tricky]));
    expect(cells).toEqual(xlsxExpected(tricky, [tricky]));
    expect(cells[0][1]).toBe('nulbelesc');
    expect(cells[0][4]).toBe('_x0041_ _x00e9_');
  });

  it('makes any name a legal sheet name', async () => {
    const long = "'Rekap [Jawa Timur]: 2025/2026 *final*? \\ lebih dari tiga puluh satu'";
    const { sheet } = await readXlsx(toXlsx(long, ['a'], []));
    expect(sheet.name).toBe(sheetTitle(long));
    expect(sheet.name).toBe('Rekap -Jawa Timur-- 2025-2026 -');
    expect(sheetTitle('')).toBe('Sheet1');
    expect(sheetTitle("''")).toBe('Sheet1');
    expect(sheetTitle('History')).toBe('History-');
    expect(sheetTitle('x'.repeat(30) + '😀')).toBe('x'.repeat(30));
  });

  it('refuses a table larger than a sheet', () => {
    expect(() => toXlsx('s', Array.from({ length: 16_385 }, () => 'k'), [])).toThrow(RangeError);
  });
});

describe('round trip of arbitrary tables', () => {
  const cell: fc.Arbitrary<Cell> = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.constantFrom('=1+1', '-x', '@a', '+', '\t', '\r\n', '"', ',', 'Desa Sukamaju', ''),
    fc.double(),
    fc.integer(),
    fc.constant(null),
  );
  const table = fc.integer({ min: 1, max: 6 }).chain((width) =>
    fc.record({
      headers: fc.array(fc.string({ unit: 'binary', maxLength: 8 }), { minLength: width, maxLength: width }),
      rows: fc.array(fc.array(cell, { minLength: width, maxLength: width }), { maxLength: 6 }),
    }),
  );

  it('CSV', () => {
    fc.assert(
      fc.property(table, ({ headers, rows }) => {
        const back = readCsv(toCsv(headers, rows));
        expect(back).toEqual([headers.map(csvExpected), ...rows.map((r) => r.map(csvExpected))]);
      }),
      { numRuns: 300 },
    );
  });

  it('XLSX', async () => {
    await fc.assert(
      fc.asyncProperty(table, async ({ headers, rows }) => {
        const { cells } = await readXlsx(toXlsx('acak', headers, rows));
        expect(cells).toEqual(xlsxExpected(headers, rows));
      }),
      { numRuns: 100 },
    );
  });
});

describe('wibText', () => {
  it('writes an instant as Jakarta wall-clock time to the minute, the date rolling over at 17:00 UTC', () => {
    expect(wibText('2026-11-29T12:34:56.789Z')).toBe('2026-11-29 19:34 WIB');
    expect(wibText('2026-12-31T17:05:00.000Z')).toBe('2027-01-01 00:05 WIB');
    expect(wibText(null)).toBeNull();
  });

  it('keeps stored text that is not a time as it is', () => {
    expect(wibText('kemarin')).toBe('kemarin');
  });
});
