/**
 * Exports of the monitoring tables as CSV and XLSX, with the same parameters and scope
 * checks as the JSON routes and the same figures: the summary's rows (per province or
 * kabupaten/kota; for a kabupaten/kota its one total row) and the library list — all of
 * it, not only the first MONITOR_LIBRARY_LIMIT rows the screen shows.
 */
import type { Handler } from 'hono';
import { todayIn, type AreaFigures, type MonitorLibraryRow } from '../../domain';
import type { Env, ServerDeps } from '../context';
import { toCsv, type Cell } from '../export/csv';
import { wibText } from '../export/instant';
import { toXlsx } from '../export/xlsx';
import { areaName, buildLibraries, buildSummary, scopedQuery } from './monitor';

export type ExportFormat = 'csv' | 'xlsx';

/** The columns in the screen's order (strategies as STRATEGIES lists them), so a sheet reads like the table it came from. */
export const SUMMARY_HEADERS = ['Wilayah', 'Perpustakaan', 'Hijau', 'Kuning', 'Merah', 'Abu-abu', 'Pelibatan', 'Advokasi', 'Layanan', 'Belum sinkron 30+ hari'];
export const LIBRARY_HEADERS = [
  'Nama',
  'Desa/Kelurahan',
  'Kecamatan',
  'Kabupaten/Kota',
  'Provinsi',
  'Warna',
  'Skor',
  'Pelibatan',
  'Advokasi',
  'Layanan',
  'Kiriman terakhir', // as the screens call it ('col.lastPush')
  'Belum sinkron 30+ hari',
  // Last: two libraries may share a name, and the admin command names them by it.
  'ID perpustakaan',
];

function summaryRow(f: AreaFigures): Cell[] {
  const { colours: c, entries: e } = f;
  return [f.name, f.libraries, c.hijau, c.kuning, c.merah, c['abu-abu'], e.pelibatan, e.advokasi, e.layanan, f.stale];
}

function libraryRow(l: MonitorLibraryRow): Cell[] {
  const { entries: e } = l;
  // The score as the app shows it: a whole number; the last push in WIB, as people there read times.
  return [l.name, l.village, l.district, l.regency, l.province, l.colour, Math.round(l.score), e.pelibatan, e.advokasi, e.layanan, wibText(l.lastPushAt), l.stale ? 'ya' : 'tidak', l.id];
}

/** `Jawa Timur` → `jawa-timur`: a file name any system accepts. */
function slug(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // the accents NFKD split off: é → e
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, 60) || 'wilayah';
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
    const rows = (summary.childLevel === 'none' ? [summary.total] : summary.children).map(summaryRow);
    // Dated in WIB, as the sheet's times are (the UTC date is yesterday's until 07:00 WIB).
    const date = todayIn('Asia/Jakarta', new Date(summary.asOf));
    return sendTable(format, `ringkasan-${slug(areaName(summary.area))}-${date}`, 'Ringkasan', SUMMARY_HEADERS, rows);
  };
}

export function librariesExportRoute(deps: ServerDeps, format: ExportFormat): Handler<Env> {
  return async (c) => {
    const scoped = await scopedQuery(deps, c);
    if (!scoped.ok) return scoped.reply;
    const { query } = scoped;
    const list = await buildLibraries(deps, query, null);
    const date = todayIn('Asia/Jakarta', deps.now());
    const name = `perpustakaan-${slug(areaName(query.area))}${query.colour ? `-${query.colour}` : ''}${query.stale ? '-belum-sinkron' : ''}-${date}`;
    return sendTable(format, name, 'Perpustakaan', LIBRARY_HEADERS, list.libraries.map(libraryRow));
  };
}
