/**
 * CSV and XLSX exports of the monitoring tables (issue 6), read back — the CSV parsed
 * with csv-parse, the XLSX opened with exceljs — and equal to the JSON figures of the
 * same request. The sheets leave the app: their colour and score columns say they are an
 * estimate, and every row names the rulebook and the time it was computed for.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRulebook, rulebookSchema, type AreaFigures, type MonitorLibraryRow } from '../../src/domain';
import { DB_KINDS, type TestServer, startTestServer } from './harness';
import { addSupervisor, admin, ageLibraries, DATASET, login, monitor, monitorRaw, q, seedLibraries } from './monitor-fixtures';

const RULEBOOK = 'Aturan perkiraan (bukan skor resmi SIM TPBIS)';
const SUMMARY_HEADERS = [
  'Wilayah', 'Perpustakaan', 'Hijau (perkiraan)', 'Kuning (perkiraan)', 'Merah (perkiraan)', 'Abu-abu (perkiraan)', RULEBOOK, 'Dihitung',
  'Pelibatan', 'Advokasi', 'Layanan', 'Belum sinkron 30+ hari',
];
const LIBRARY_HEADERS = [
  'Nama', 'Desa/Kelurahan', 'Kecamatan', 'Kabupaten/Kota', 'Provinsi', 'Warna (perkiraan)', 'Skor (perkiraan)', RULEBOOK, 'Dihitung',
  'Pelibatan', 'Advokasi', 'Layanan', 'Kiriman terakhir', 'Belum sinkron 30+ hari', 'ID perpustakaan',
];

type Value = string | number | null;

/** An area's JSON figures as an exported row, with the summary's rulebook and time. */
function summaryRow(f: AreaFigures, rulebookId: string, asOf: string): Value[] {
  const { colours: c, entries: e } = f;
  return [f.name, f.libraries, c.hijau, c.kuning, c.merah, c['abu-abu'], rulebookId, wib(asOf), e.pelibatan, e.advokasi, e.layanan, f.stale];
}

/** An instant as the export writes it: Jakarta wall-clock time to the minute, marked WIB. */
function wib(iso: string | null): string | null {
  if (iso === null) return null;
  const d = new Date(Date.parse(iso) + 7 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} WIB`;
}

/** A library's JSON row as an exported row (the score as shown: whole; times in WIB), computed `at` with `rulebookId`. */
function libraryRow(l: MonitorLibraryRow, rulebookId: string, at: string): Value[] {
  const { entries: e } = l;
  return [l.name, l.village, l.district, l.regency, l.province, l.colour, Math.round(l.score), rulebookId, wib(at), e.pelibatan, e.advokasi, e.layanan, wib(l.lastPushAt), l.stale ? 'ya' : 'tidak', l.id];
}

/** CSV cells are text: numbers as their decimal text, null as empty. */
const asCsv = (rows: Value[][]) => rows.map((r) => r.map((v) => (v === null ? '' : String(v))));

async function readCsv(res: Response): Promise<string[][]> {
  return parse(await res.text(), { bom: true }) as string[][];
}

/** The first sheet's rows, each cell as exceljs reads it (empty → null). */
async function readXlsx(res: Response): Promise<{ sheet: string; rows: Value[][] }> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await res.arrayBuffer()) as never);
  const sheet = workbook.worksheets[0];
  const rows: Value[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const cells: Value[] = [];
    for (let i = 1; i <= sheet.columnCount; i++) {
      const v = row.getCell(i).value;
      cells.push(v === null || v === undefined ? null : (v as string | number));
    }
    rows.push(cells);
  });
  return { sheet: sheet.name, rows };
}

describe.each(DB_KINDS)('monitoring exports on %s', (kind) => {
  let s: TestServer;
  let cookie: string;
  beforeAll(async () => {
    s = await startTestServer(kind);
    await ageLibraries(s, await seedLibraries(s, DATASET));
    await addSupervisor(s, 'pusat', 'national');
    cookie = await login(s, 'pusat');
  });
  afterAll(async () => {
    await s?.stop();
  });

  /** The export's date: the day in WIB, as the sheet's times. */
  const date = () => new Date(s.clock.ms + 7 * 3_600_000).toISOString().slice(0, 10);

  const summaryAreas: [Record<string, string>, string][] = [
    [{}, 'indonesia'],
    [{ province: 'Jawa Timur' }, 'jawa-timur'],
    [{ province: 'Jawa Timur', regency: 'Kota Surabaya' }, 'kota-surabaya'],
  ];

  it('summary.csv: the rows of the summary (per province, per kabupaten/kota, or the kabupaten total), as a download', async () => {
    for (const [params, slug] of summaryAreas) {
      const json = (await monitor(s, cookie, `/summary${q(params)}`)).body;
      expect(json.rulebookId).toBe(defaultRulebook.id);
      const expected = (json.childLevel === 'none' ? [json.total] : json.children).map((f: AreaFigures) => summaryRow(f, json.rulebookId, json.asOf));
      const res = await monitorRaw(s, cookie, `/export/summary.csv${q(params)}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="ringkasan-${slug}-${date()}.csv"`);
      const [headers, ...rows] = await readCsv(res);
      expect(headers).toEqual(SUMMARY_HEADERS);
      expect(rows).toEqual(asCsv(expected));
      expect(rows.length).toBeGreaterThan(0);
    }
  });

  it('summary.xlsx: the same rows, numbers as numbers', async () => {
    for (const [params, slug] of summaryAreas) {
      const json = (await monitor(s, cookie, `/summary${q(params)}`)).body;
      const expected = (json.childLevel === 'none' ? [json.total] : json.children).map((f: AreaFigures) => summaryRow(f, json.rulebookId, json.asOf));
      const res = await monitorRaw(s, cookie, `/export/summary.xlsx${q(params)}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="ringkasan-${slug}-${date()}.xlsx"`);
      const { sheet, rows: [headers, ...rows] } = await readXlsx(res);
      expect(sheet).toBe('Ringkasan (perkiraan KPI)');
      expect(headers).toEqual(SUMMARY_HEADERS);
      expect(rows).toEqual(expected);
    }
  });

  it('libraries.csv and .xlsx: every library of the list, with the same filters', async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, 'indonesia'],
      [{ province: 'Jawa Timur' }, 'jawa-timur'],
      [{ colour: 'hijau' }, 'indonesia-hijau'],
      [{ province: 'Jawa Tengah', regency: 'Kabupaten Semarang', q: 'desa' }, 'kabupaten-semarang-cari-desa'],
      [{ province: 'Jawa Timur', q: 'Desa' }, 'jawa-timur-cari-desa'],
    ];
    for (const [params, slug] of cases) {
      const json = (await monitor(s, cookie, `/libraries${q(params)}`)).body;
      const expected = (json.libraries as MonitorLibraryRow[]).map((l) => libraryRow(l, defaultRulebook.id, s.clock.now().toISOString()));
      expect(expected.length).toBeGreaterThan(0);

      const csv = await monitorRaw(s, cookie, `/export/libraries.csv${q(params)}`);
      expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="perpustakaan-${slug}-${date()}.csv"`);
      const [csvHeaders, ...csvRows] = await readCsv(csv);
      expect(csvHeaders).toEqual(LIBRARY_HEADERS);
      expect(csvRows).toEqual(asCsv(expected));

      const xlsx = await monitorRaw(s, cookie, `/export/libraries.xlsx${q(params)}`);
      expect(xlsx.headers.get('content-disposition')).toBe(`attachment; filename="perpustakaan-${slug}-${date()}.xlsx"`);
      const { sheet, rows: [xlsxHeaders, ...xlsxRows] } = await readXlsx(xlsx);
      expect(sheet).toBe('Perpustakaan (perkiraan KPI)');
      expect(xlsxHeaders).toEqual(LIBRARY_HEADERS);
      expect(xlsxRows).toEqual(expected);
    }
    // A search with no letter or digit names none; a cut name does not end in a hyphen.
    const named = async (params: Record<string, string>) => (await monitorRaw(s, cookie, `/export/libraries.csv${q(params)}`)).headers.get('content-disposition');
    expect(await named({ province: 'Jawa Timur', q: '???' })).toBe(`attachment; filename="perpustakaan-jawa-timur-${date()}.csv"`);
    expect(await named({ province: 'Jawa Timur', q: 'perpustakaan desa sukamaju sa x' })).toBe(
      `attachment; filename="perpustakaan-jawa-timur-cari-perpustakaan-desa-sukamaju-sa-${date()}.csv"`,
    );
  });

  it('the names with LIKE wildcards and the staleness marks come through unchanged', async () => {
    const res = await monitorRaw(s, cookie, `/export/libraries.csv${q({ province: 'Jawa Timur' })}`);
    const rows = (await readCsv(res)).slice(1);
    expect(rows.map((r) => r[0])).toEqual(expect.arrayContaining(['Pustaka 100% Ceria Ümbul', 'Taman_Baca Wonokromo']));
    const genteng = rows.find((r) => r[0] === 'Perpustakaan Kelurahan Genteng')!;
    const estimate = [defaultRulebook.id, wib(s.clock.now().toISOString())];
    expect(genteng.slice(5)).toEqual(['merah', expect.any(String), ...estimate, '2', '0', '0', expect.any(String), 'ya', expect.any(String)]); // pelibatan, advokasi, layanan
    const dau = rows.find((r) => r[0] === 'Perpustakaan Desa Dau')!;
    expect(dau.slice(5)).toEqual(['abu-abu', '0', ...estimate, '0', '0', '0', '', 'ya', expect.any(String)]);
  });

  it('name the rulebook now in use: after a new one is published, its id, not the shipped one\'s', async () => {
    const next = rulebookSchema.parse({ ...structuredClone(defaultRulebook), id: 'perkiraan-2026.2', green: { ...defaultRulebook.green, threshold: 90 } });
    const dir = mkdtempSync(join(tmpdir(), 'lapor-export-rulebook-'));
    try {
      const file = join(dir, 'rulebook.json');
      writeFileSync(file, JSON.stringify(next));
      expect((await admin(s, ['rulebook', 'publish', file])).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    for (const path of ['summary', 'libraries']) {
      const [headers, ...rows] = await readCsv(await monitorRaw(s, cookie, `/export/${path}.csv${q({ province: 'Jawa Timur' })}`));
      const column = headers.indexOf(RULEBOOK);
      expect(rows.length).toBeGreaterThan(0);
      expect(new Set(rows.map((r) => r[column]))).toEqual(new Set([next.id]));
      expect(new Set(rows.map((r) => r[column + 1]))).toEqual(new Set([wib(s.clock.now().toISOString())]));
    }
  });

  // Last: it moves the clock. At 19:00 UTC it is already the next day in WIB, the day the officer reads.
  it('names the files by the date in WIB', async () => {
    s.clock.ms = Date.parse('2025-10-20T19:00:00.000Z');
    const fresh = await login(s, 'pusat');
    for (const [path, base] of [['summary', 'ringkasan'], ['libraries', 'perpustakaan']] as const) {
      const res = await monitorRaw(s, fresh, `/export/${path}.csv${q({ province: 'Jawa Timur' })}`);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${base}-jawa-timur-2025-10-21.csv"`);
    }
  });
});
