/**
 * XLSX export of a monitoring table (issue 6): the smallest Office Open XML
 * workbook Excel, LibreOffice and Google Sheets open without a repair prompt.
 * Pure: table in, file bytes out. Written by hand rather than with a spreadsheet
 * library because one sheet of plain values needs none of their weight.
 */
import { strToU8, zipSync } from 'fflate';
import type { Cell } from './csv';

// Excel's hard limits: past them it offers to "repair" the file, dropping data.
const MAX_ROWS = 1_048_576;
const MAX_COLUMNS = 16_384;
const MAX_CELL_TEXT = 32_767;

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CT = 'application/vnd.openxmlformats-officedocument.spreadsheetml';

/** Characters XML 1.0 forbids even as references (controls, lone surrogates, U+FFFE/F). */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;' };

/** Text safe inside an element or a double-quoted attribute; CR escaped so parsers keep it. */
function xml(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>"\r]/g, (c) => ENTITIES[c]);
}

/**
 * Excel reads `_x0041_` in a string as an escaped character ("A"); a literal one
 * (unlikely, but it is user text) must have its underscore escaped as `_x005F_`.
 */
function excelText(text: string): string {
  return xml(text.slice(0, MAX_CELL_TEXT).replace(/_(?=x[0-9A-Fa-f]{4}_)/g, '_x005F_'));
}

/** Column letters for a 0-based index: 0 → A, 25 → Z, 26 → AA, 16383 → XFD. */
export function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/**
 * A sheet name Excel accepts: at most 31 characters, none of []:*?/\ nor controls,
 * no apostrophe at either end, not empty, not the reserved "History".
 */
export function sheetTitle(name: string): string {
  let title = name.replace(NOT_XML, '').replace(/[\t\n\r]/g, ' ').replace(/[[\]:*?/\\]/g, '-');
  // Trim the front before cutting to 31 so the cut keeps as much of the name as it can.
  title = title.replace(/^['\s]+/, '').slice(0, 31).replace(/[\uD800-\uDBFF]$/, ''); // never half a pair
  title = title.replace(/['\s]+$/, '');
  if (title === '') return 'Sheet1';
  return title.toLowerCase() === 'history' ? 'History-' : title;
}

/** Sheet XML and the shared strings it refers to (repeated texts, e.g. colours, stored once). */
function sheetParts(headers: string[], rows: Cell[][], width: number): { sheet: string; strings: string } {
  const letters = Array.from({ length: width }, (_, c) => columnName(c));
  const index = new Map<string, number>();
  const texts: string[] = [];
  const cell = (value: Cell, ref: string, style: string): string => {
    // NaN and ±Infinity have no spreadsheet form: left empty, as in the CSV.
    if (value === null || (typeof value === 'number' && !Number.isFinite(value))) return '';
    if (typeof value === 'number') return `<c r="${ref}"${style}><v>${value}</v></c>`;
    let i = index.get(value);
    if (i === undefined) {
      index.set(value, (i = texts.length));
      texts.push(`<si><t xml:space="preserve">${excelText(value)}</t></si>`);
    }
    return `<c r="${ref}"${style} t="s"><v>${i}</v></c>`;
  };
  const row = (cells: readonly Cell[], r: number, style: string): string =>
    `<row r="${r}">${cells.map((v, c) => cell(v, letters[c] + r, style)).join('')}</row>`;

  const body = [row(headers, 1, ' s="1"'), ...rows.map((cells, i) => row(cells, i + 2, ''))];
  const sheet =
    `${XML_HEAD}<worksheet xmlns="${MAIN_NS}"><sheetViews><sheetView workbookViewId="0">` +
    // The header row stays on screen while scrolling through thousands of libraries.
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
    `</sheetView></sheetViews><sheetData>${body.join('')}</sheetData></worksheet>`;
  const strings = `${XML_HEAD}<sst xmlns="${MAIN_NS}" uniqueCount="${texts.length}">${texts.join('')}</sst>`;
  return { sheet, strings };
}

// Plain text plus a bold header style; Excel wants the fills and borders listed even unused.
const STYLES =
  `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}">` +
  '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>';

const CONTENT_TYPES =
  `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  `<Override PartName="/xl/workbook.xml" ContentType="${CT}.sheet.main+xml"/>` +
  `<Override PartName="/xl/worksheets/sheet1.xml" ContentType="${CT}.worksheet+xml"/>` +
  `<Override PartName="/xl/styles.xml" ContentType="${CT}.styles+xml"/>` +
  `<Override PartName="/xl/sharedStrings.xml" ContentType="${CT}.sharedStrings+xml"/></Types>`;

const relationships = (rels: [string, string][]): string =>
  `${XML_HEAD}<Relationships xmlns="${PKG_REL_NS}">` +
  rels.map(([type, target], i) => `<Relationship Id="rId${i + 1}" Type="${REL_NS}/${type}" Target="${target}"/>`).join('') +
  '</Relationships>';

const ROOT_RELS = relationships([['officeDocument', 'xl/workbook.xml']]);
const WORKBOOK_RELS = relationships([
  ['worksheet', 'worksheets/sheet1.xml'], ['styles', 'styles.xml'], ['sharedStrings', 'sharedStrings.xml'],
]);

/** The table as an .xlsx file of one sheet: a bold, frozen header row, then the rows. */
export function toXlsx(sheetName: string, headers: string[], rows: Cell[][]): Uint8Array {
  // A loop, not Math.max(...rows): spreading 100,000 arguments overflows the stack.
  let widest = headers.length;
  for (const r of rows) widest = Math.max(widest, r.length);
  if (rows.length + 1 > MAX_ROWS || widest > MAX_COLUMNS) {
    throw new RangeError(`table of ${rows.length + 1} rows × ${widest} columns exceeds Excel's sheet size`);
  }
  const { sheet, strings } = sheetParts(headers, rows, widest);
  const workbook =
    `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets>` +
    `<sheet name="${xml(sheetTitle(sheetName))}" sheetId="1" r:id="rId1"/></sheets></workbook>`;
  // Level 1: the national table (84,000 rows × 15) zips in ~0.6 s instead of ~1.5 s at the
  // default level, for a file a quarter larger (6.0 MB vs 4.7 MB); zipSync blocks meanwhile.
  const parts = {
    '[Content_Types].xml': strToU8(CONTENT_TYPES),
    '_rels/.rels': strToU8(ROOT_RELS),
    'xl/workbook.xml': strToU8(workbook),
    'xl/_rels/workbook.xml.rels': strToU8(WORKBOOK_RELS),
    'xl/worksheets/sheet1.xml': strToU8(sheet),
    'xl/styles.xml': strToU8(STYLES),
    'xl/sharedStrings.xml': strToU8(strings),
  };
  return zipSync(parts, { level: 1 });
}
