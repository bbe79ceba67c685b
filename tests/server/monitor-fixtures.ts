/**
 * Shared by the monitoring suites: admin commands in-process, supervisor sessions,
 * entries that make each colour, a data set over several provinces, and the figures
 * computed directly (computeKpi over the same entries, grouped in JavaScript) that the
 * server's SQL aggregates must equal.
 */
import {
  computeKpi,
  defaultRulebook,
  type ActivityEntryInput,
  type AreaFigures,
  type Colour,
  type KpiResult,
  type Library,
  type Rulebook,
} from '../../src/domain';
import { runAdmin } from '../../src/server/admin';
import { addLibrary, call, enrollNew, makeEntry, pushEntries, type Enrolled, type TestServer } from './harness';

export const MONITOR = '/api/v1/monitor';
const PASSWORD = 'sandi-monitor-1';

/** Runs an admin command in-process against the test server's database. */
export async function admin(s: TestServer, argv: string[], stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdmin(argv, s.database, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    now: s.clock.now,
    readStdin: async () => stdin,
  });
  return { code, out, err, json: argv.includes('--json') && code === 0 ? JSON.parse(out[out.length - 1]) : undefined };
}

export async function addSupervisor(s: TestServer, name: string, scope: string): Promise<void> {
  const r = await admin(s, ['supervisor', 'add', '--name', name, '--scope', scope], `${PASSWORD}\n`);
  if (r.code !== 0) throw new Error(r.err.join('\n'));
}

let address = 0;

/** Logs in (from an address of its own, so no rate limit is shared) and returns the Cookie header. */
export async function login(s: TestServer, name: string): Promise<string> {
  address++;
  const res = await call(s, 'POST', `${MONITOR}/login`, {
    json: { username: name, password: PASSWORD },
    headers: { 'x-forwarded-for': `10.77.${address >> 8}.${address & 255}` },
  });
  if (res.status !== 200) throw new Error(`login ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('tpbis_session='))!;
  return cookie.split(';')[0];
}

/** GET on a monitoring route with a session. */
export function monitor(s: TestServer, cookie: string, path: string) {
  return call(s, 'GET', `${MONITOR}${path}`, { headers: { cookie } });
}

/** A GET returning the raw response (exports). */
/** A query string for the monitoring routes (empty without parameters). */
export const q = (params: Record<string, string>) => (Object.keys(params).length ? `?${new URLSearchParams(params)}` : '');

export function monitorRaw(s: TestServer, cookie: string, path: string): Promise<Response> {
  return fetch(`${s.url}${MONITOR}${path}`, { headers: { cookie } });
}

// ── Entries ───────────────────────────────────────────────────────────────────

const TYPES = { pelibatan: 'kelas_literasi', advokasi: 'audiensi_kepala_desa', layanan: 'penambahan_koleksi' } as const;

export function entryOf(libraryId: string, strategy: keyof typeof TYPES, date: string, documented: boolean): ActivityEntryInput {
  return makeEntry(libraryId, {
    strategy,
    activityType: TYPES[strategy],
    title: `Kegiatan ${strategy} ${date}`,
    date,
    createdAt: `${date}T03:00:00.000Z`,
    updatedAt: `${date}T03:00:00.000Z`,
    ...(documented ? { successStory: 'Warga belajar bersama.' } : {}),
  });
}

const mm = (m: number) => String(m).padStart(2, '0');

/**
 * What each kind of library has done by 20 October 2025 (m = 10):
 *   hijau        — 3 pelibatan every month, 1 advokasi every month, layanan each quarter, all documented;
 *   hijau-rapuh  — the same counts, but pelibatan only from March: 8 months, just enough in
 *                  October (ceil(0.75 × 10) = 8) and too few from November (9 needed) → kuning;
 *   kuning       — one entry of each strategy, none documented;
 *   merah        — two pelibatan entries only;
 *   abu-abu      — nothing counted (no entry, a deleted one, or one from last year).
 */
export type Profile = 'hijau' | 'hijau-rapuh' | 'kuning' | 'merah' | 'abu-abu' | 'kosong-terhapus' | 'tahun-lalu';

export function entriesFor(libraryId: string, profile: Profile): ActivityEntryInput[] {
  const e = (strategy: keyof typeof TYPES, date: string, documented = true) => entryOf(libraryId, strategy, date, documented);
  const out: ActivityEntryInput[] = [];
  switch (profile) {
    case 'hijau':
    case 'hijau-rapuh':
      for (let m = 1; m <= 10; m++) {
        if (profile === 'hijau') for (let i = 0; i < 3; i++) out.push(e('pelibatan', `2025-${mm(m)}-0${i + 3}`));
        out.push(e('advokasi', `2025-${mm(m)}-10`));
        if (m % 3 === 1) out.push(e('layanan', `2025-${mm(m)}-15`));
      }
      if (profile === 'hijau-rapuh') {
        for (let m = 3; m <= 10; m++) for (let i = 0; i < (m <= 8 ? 4 : 3); i++) out.push(e('pelibatan', `2025-${mm(m)}-0${i + 3}`));
      }
      return out;
    case 'kuning':
      return [e('pelibatan', '2025-09-01', false), e('advokasi', '2025-09-02', false), e('layanan', '2025-09-03', false)];
    case 'merah':
      return [e('pelibatan', '2025-08-01', false), e('pelibatan', '2025-10-01', false)];
    case 'abu-abu':
      return [];
    case 'kosong-terhapus':
      return [{ ...e('pelibatan', '2025-10-01'), deleted: true }];
    case 'tahun-lalu':
      return [e('pelibatan', '2024-12-01')];
  }
}

// ── A data set ────────────────────────────────────────────────────────────────

export interface Seeded {
  library: Library;
  profile: Profile;
  /** Every entry pushed so far, as pushed. */
  entries: ActivityEntryInput[];
  /** The device that pushed them; null for a library that never synced. */
  device: Enrolled | null;
}

export interface LibrarySpec {
  name: string;
  regency: string;
  province: string;
  profile: Profile;
  timezone?: Library['timezone'];
}

/** Creates the libraries and, for each with entries, enrols a device that pushes them (the others never sync). */
export async function seedLibraries(s: TestServer, specs: readonly LibrarySpec[]): Promise<Seeded[]> {
  const seeded: Seeded[] = [];
  for (const spec of specs) {
    const library = await addLibrary(s, {
      name: spec.name,
      village: `Desa ${spec.name.split(' ').pop()}`,
      district: `Kecamatan ${spec.regency.split(' ').pop()}`,
      regency: spec.regency,
      province: spec.province,
      timezone: spec.timezone ?? 'Asia/Jakarta',
    });
    const entries = entriesFor(library.id, spec.profile);
    let device: Enrolled | null = null;
    if (entries.length > 0) {
      device = await enrollNew(s, library);
      const res = await pushEntries(s, device, entries);
      if (res.status !== 200) throw new Error(`push: ${res.status} ${JSON.stringify(res.body)}`);
      if (res.body.results.some((r: { status: string }) => r.status !== 'applied')) {
        throw new Error(`push refused: ${JSON.stringify(res.body.results.filter((r: { status: string }) => r.status !== 'applied'))}`);
      }
    }
    seeded.push({ library, profile: spec.profile, entries, device });
  }
  return seeded;
}

const JATIM = 'Jawa Timur';
const JATENG = 'Jawa Tengah';
const bali = { province: 'Bali', timezone: 'Asia/Makassar' } as const;

/**
 * Thirteen libraries in three provinces and six kabupaten/kota, of every colour; names
 * with LIKE's wildcards for the search. Genteng, Rungkut and Bergas get their last push
 * moved back by `ageLibraries` (40 days, exactly 30, 30 less a minute), and Dau, which
 * never pushes, its creation (40 days).
 */
export const DATASET: readonly LibrarySpec[] = [
  { name: 'Perpustakaan Desa Sukamaju', regency: 'Kabupaten Malang', province: JATIM, profile: 'hijau' },
  { name: 'Perpustakaan Desa Tumpang', regency: 'Kabupaten Malang', province: JATIM, profile: 'kuning' },
  { name: 'Pustaka 100% Ceria Ümbul', regency: 'Kabupaten Malang', province: JATIM, profile: 'merah' },
  { name: 'Perpustakaan Desa Dau', regency: 'Kabupaten Malang', province: JATIM, profile: 'abu-abu' },
  { name: 'Taman_Baca Wonokromo', regency: 'Kota Surabaya', province: JATIM, profile: 'hijau-rapuh' },
  { name: 'Perpustakaan Kelurahan Rungkut', regency: 'Kota Surabaya', province: JATIM, profile: 'kuning' },
  { name: 'Perpustakaan Kelurahan Genteng', regency: 'Kota Surabaya', province: JATIM, profile: 'merah' },
  { name: 'Perpustakaan Desa Bergas', regency: 'Kabupaten Semarang', province: JATENG, profile: 'kuning' },
  { name: 'Perpustakaan Desa Ungaran', regency: 'Kabupaten Semarang', province: JATENG, profile: 'kosong-terhapus' },
  { name: 'Perpustakaan Kelurahan Candisari', regency: 'Kota Semarang', province: JATENG, profile: 'hijau' },
  { name: 'Perpustakaan Desa Kuta', regency: 'Kabupaten Badung', ...bali, profile: 'merah' },
  { name: 'Perpustakaan Desa Mengwi', regency: 'Kabupaten Badung', ...bali, profile: 'kuning' },
  { name: 'Perpustakaan Desa Abang', regency: 'Kabupaten Karangasem', ...bali, profile: 'tahun-lalu' },
];

const DAY = 86_400_000;
const PUSH_AGES: Record<string, number> = {
  'Perpustakaan Kelurahan Genteng': 40 * DAY,
  'Perpustakaan Kelurahan Rungkut': 30 * DAY,
  'Perpustakaan Desa Bergas': 30 * DAY - 60_000,
};
/** Libraries that never push, added this long ago (the others were added just now). */
const CREATED_AGES: Record<string, number> = {
  'Perpustakaan Desa Dau': 40 * DAY,
};

/**
 * Moves some libraries' last push, and some creations, back (it does not touch their
 * KPI); returns each library's last push.
 */
export async function ageLibraries(s: TestServer, libs: readonly Seeded[]): Promise<Map<string, string | null>> {
  const ago = (age: number) => new Date(s.clock.ms - age).toISOString();
  for (const lib of libs) {
    const pushed = PUSH_AGES[lib.library.name];
    const created = CREATED_AGES[lib.library.name];
    const set = { ...(pushed !== undefined && { last_push_at: ago(pushed) }), ...(created !== undefined && { created_at: ago(created) }) };
    if (Object.keys(set).length === 0) continue;
    await s.database.db.updateTable('libraries').set(set).where('library_id', '=', lib.library.id).execute();
  }
  const rows = await s.database.db.selectFrom('libraries').select(['library_id', 'last_push_at']).execute();
  return new Map(rows.map((r) => [r.library_id, r.last_push_at]));
}

/**
 * "Belum sinkron 30+ hari", decided here: the last push 30 days ago or more; for a library
 * that never pushed, its creation (a library added just now is not stale).
 */
export function expectStale(lib: Seeded): boolean {
  const age = lib.device === null ? CREATED_AGES[lib.library.name] : PUSH_AGES[lib.library.name];
  return (age ?? 0) >= 30 * DAY;
}

// ── Direct computation ────────────────────────────────────────────────────────

export function kpiOf(lib: Seeded, now: Date, rulebook: Rulebook = defaultRulebook): KpiResult {
  return computeKpi(lib.entries, lib.library, rulebook, now);
}

/** The figures of some libraries, computed here: computeKpi per library, summed in JavaScript. */
export function expectedFigures(
  name: string,
  libs: readonly Seeded[],
  now: Date,
  isStale: (lib: Seeded) => boolean,
  rulebook: Rulebook = defaultRulebook,
): AreaFigures {
  const f: AreaFigures = {
    name,
    libraries: 0,
    colours: { hijau: 0, kuning: 0, merah: 0, 'abu-abu': 0 },
    entries: { layanan: 0, pelibatan: 0, advokasi: 0 },
    stale: 0,
  };
  for (const lib of libs) {
    const kpi = kpiOf(lib, now, rulebook);
    f.libraries++;
    f.colours[kpi.colour as Colour]++;
    for (const m of kpi.monthly) {
      f.entries.layanan += m.layanan;
      f.entries.pelibatan += m.pelibatan;
      f.entries.advokasi += m.advokasi;
    }
    if (isStale(lib)) f.stale++;
  }
  return f;
}

/** Groups libraries by a key, in name order (what the server's ORDER BY gives on both databases' C collation). */
export function groupBy(libs: readonly Seeded[], key: (l: Seeded) => string): [string, Seeded[]][] {
  const groups = new Map<string, Seeded[]>();
  for (const l of libs) {
    const k = key(l);
    groups.set(k, [...(groups.get(k) ?? []), l]);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
