/**
 * Exports of the monitoring tables as CSV and XLSX, with the same parameters and scope
 * checks as the JSON routes and the same figures: the summary's rows (per province or
 * kabupaten/kota; for a kabupaten/kota its one total row) and the library list — all of
 * it, not only the first MONITOR_LIBRARY_LIMIT rows the screen shows.
 *
 * The sheets leave the app (the green list goes to award committees), so they say what the
 * screens say beside the colours: these are our estimate, not SIM TPBIS's official score
 * (DOMAIN.md). The colour and score columns are named "(perkiraan)", and every row names the
 * rulebook and when it was computed; a CSV stays one header row and its rows, which any
 * tool reads.
 */
import type { Handler } from 'hono';
import { todayIn, type AreaFigures, type MonitorLibraryRow } from '../../domain';
import type { Env, ServerDeps } from '../context';
import { toCsv, type Cell } from '../export/csv';
import { wibText } from '../export/instant';
import { toXlsx } from '../export/xlsx';
import { areaName, buildLibraries, buildSummary, scopedQuery } from './monitor';

export type ExportFormat = 'csv' | 'xlsx';

/** Beside the estimate's columns: which rulebook (its id, as support names it), and when, in WIB. */
const ESTIMATE_HEADERS = ['Aturan perkiraan (bukan skor resmi SIM TPBIS)', 'Dihitung'];

/** The columns in the screen's order (strategies as STRATEGIES lists them), so a sheet reads like the table it came from. */
export const SUMMARY_HEADERS = [
  'Wilayah',
  'Perpustakaan',
  'Hijau (perkiraan)',
  'Kuning (perkiraan)',
  'Merah (perkiraan)',
  'Abu-abu (perkiraan)',
  ...ESTIMATE_HEADERS,
  'Pelibatan',
  'Advokasi',
  'Layanan',
  'Belum sinkron 30+ hari',
];
export const LIBRARY_HEADERS = [
  'Nama',
  'Desa/Kelurahan',
  'Kecamatan',
  'Kabupaten/Kota',
  'Provinsi',
  'Warna (perkiraan)',
  'Skor (perkiraan)',
  ...ESTIMATE_HEADERS,
  'Pelibatan',
  'Advokasi',
  'Layanan',
  'Kiriman terakhir', // as the screens call it ('col.lastPush')
  'Belum sinkron 30+ hari',
  // Last: two libraries may share a name, and the admin command names them by it.
  'ID perpustakaan',
];

/** The rulebook's id and the time the figures are for, as every row of one export carries them. */
type Estimate = [rulebookId: string, computed: string | null];

function summaryRow(f: AreaFigures, estimate: Estimate): Cell[] {
  const { colours: c, entries: e } = f;
  return [f.name, f.libraries, c.hijau, c.kuning, c.merah, c['abu-abu'], ...estimate, e.pelibatan, e.advokasi, e.layanan, f.stale];
}

function libraryRow(l: MonitorLibraryRow, estimate: Estimate): Cell[] {
  const { entries: e } = l;
  // The score as the app shows it: a whole number (the header says it is an estimate); times in WIB, as people there read them.
  return [l.name, l.village, l.district, l.regency, l.province, l.colour, Math.round(l.score), ...estimate, e.pelibatan, e.advokasi, e.layanan, wibText(l.lastPushAt), l.stale ? 'ya' : 'tidak', l.id];
}

/** `Jawa Timur` → `jawa-timur`: a file name any system accepts. */
function slug(text: string): string {
  return slugOrEmpty(text).slice(0, 60) || 'wilayah';
}

/** The slug of a text with no letter or digit in it is empty (a search for "???" names no search). */
function slugOrEmpty(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // the accents NFKD split off: é → e
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function sendTable(format: ExportFormat, fileBase: string, sheet: string, headers: string[], rows: Cell[][]): Response {
  const file = `${fileBase}.${format}`;
  const body = format === 'csv' ? toCsv(headers, rows) : toXlsx(sheet, headers, rows);
  return new Response(body as BodyInit, {
    headers: {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'content-disposition': `attachment; filename="${file}"`,
      'cache-control': 'no-store', // a Response of its own: app.ts's prepared header does not reach it
    },
  });
}

export function summaryExportRoute(deps: ServerDeps, format: ExportFormat): Handler<Env> {
  return async (c) => {
    const scoped = await scopedQuery(deps, c);
    if (!scoped.ok) return scoped.reply;
    const summary = await buildSummary(deps, scoped.query.area);
    const estimate: Estimate = [summary.rulebookId, wibText(summary.asOf)];
    const rows = (summary.childLevel === 'none' ? [summary.total] : summary.children).map((f) => summaryRow(f, estimate));
    // Dated in WIB, as the sheet's times are (the UTC date is yesterday's until 07:00 WIB).
    const date = todayIn('Asia/Jakarta', new Date(summary.asOf));
    return sendTable(format, `ringkasan-${slug(areaName(summary.area))}-${date}`, 'Ringkasan (perkiraan KPI)', SUMMARY_HEADERS, rows);
  };
}

export function librariesExportRoute(deps: ServerDeps, format: ExportFormat): Handler<Env> {
  return async (c) => {
    const scoped = await scopedQuery(deps, c);
    if (!scoped.ok) return scoped.reply;
    const { query } = scoped;
    const list = await buildLibraries(deps, query, null);
    // The rulebook the list was just brought up to date with (buildLibraries), and the time it is for.
    const [rulebook, now] = [await deps.rulebooks.current(), deps.now()];
    const estimate: Estimate = [rulebook.id, wibText(now.toISOString())];
    const date = todayIn('Asia/Jakarta', now);
    // Every filter in the name: a search's file holds only what matched, and must not pass for the whole area's.
    const searched = slugOrEmpty(query.q ?? '').slice(0, 30).replace(/-+$/, '');
    const search = searched ? `-cari-${searched}` : '';
    const name = `perpustakaan-${slug(areaName(query.area))}${query.colour ? `-${query.colour}` : ''}${query.stale ? '-belum-sinkron' : ''}${search}-${date}`;
    return sendTable(format, name, 'Perpustakaan (perkiraan KPI)', LIBRARY_HEADERS, list.libraries.map((l) => libraryRow(l, estimate)));
  };
}
