/**
 * Synthetic entries for the benchmarks, shaped like a real phone's store: several years of
 * activities (most of them before this year, which the KPI does not count), optional fields
 * often filled (description, location, partners, success story, photos…), a few
 * tombstones, in creation order (UUIDv7 ids follow `createdAt`, and IndexedDB returns rows
 * by id). Sparse one-year rows made `computeKpi` look 5× faster than it is on such data.
 *
 * Deterministic: a seeded PRNG, so every run measures the same rows. Every entry passes
 * the entry schema with `lastDate` as today (they are parsed by it, which also gives
 * them the stored shape: trimmed, nulls left out).
 */
import { EARLIEST_ENTRY_DATE, entrySchemaFor, FUNDING_SOURCES, PARTNER_KINDS, type ActivityEntry } from '../src/domain/entry';
import { activityTypesOf, defaultRulebook } from '../src/domain/rulebook';
import type { Strategy } from '../src/domain/strategies';

export interface BenchEntryOptions {
  /** How many years back from `lastDate` the activities spread (default 5). */
  years?: number;
  /** PRNG seed (default fixed): another seed gives other rows of the same shape. */
  seed?: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const TITLES: Record<Strategy, readonly string[]> = {
  pelibatan: [
    'Kelas literasi digital untuk ibu-ibu PKK',
    'Pelatihan membuat keripik singkong',
    'Bimbingan belajar membaca untuk anak SD',
    'Lomba bercerita tingkat desa',
    'Bedah buku "Laskar Pelangi" bersama karang taruna',
    'Pelatihan menjahit dan membuat tas daur ulang',
    'Pameran produk UMKM hasil pelatihan',
    'Sosialisasi pencegahan stunting di perpustakaan',
    'Pelatihan budidaya lele dalam ember',
    'Kelas bahasa Inggris untuk pemuda desa',
  ],
  advokasi: [
    'Audiensi dengan kepala desa tentang anggaran perpustakaan',
    'Musyawarah desa penyusunan RKPDes',
    'Penandatanganan MoU dengan BUMDes',
    'Usulan anggaran perpustakaan dalam APBDes',
    'Rapat koordinasi dengan pendamping desa',
  ],
  layanan: [
    'Penambahan koleksi buku keterampilan',
    'Layanan internet gratis untuk pelajar',
    'Layanan perpustakaan keliling ke dusun',
    'Perpanjangan jam layanan sore hari',
    'Pendaftaran anggota baru perpustakaan',
  ],
};
const PARTNER_NAMES = [
  'Pemerintah Desa Sukamaju', 'SDN 1 Sukamaju', 'PKK Desa Sukamaju', 'UMKM Berkah Jaya',
  'Karang Taruna Tunas Muda', 'Bank BRI Unit Cibeber', 'MTs Al-Hidayah', 'Kelompok Tani Makmur',
];
const LOCATIONS = ['Perpustakaan Desa Sukamaju', 'Balai Desa Sukamaju', 'SDN 1 Sukamaju', 'Posyandu Melati'];
const DESCRIPTION =
  'Kegiatan diikuti warga dengan antusias. Peserta belajar langsung dari narasumber dan mempraktikkan keterampilan yang diajarkan. ' +
  'Perpustakaan menyediakan buku-buku pendukung dan ruang untuk praktik. Beberapa peserta sudah mulai menjual hasil karyanya di pasar desa ' +
  'dan melalui media sosial. Kepala desa hadir dan mendukung kegiatan lanjutan pada bulan berikutnya. ';
const SUCCESS_STORIES = [
  'Bu Sri, peserta pelatihan, kini menjual keripik singkong ke tiga warung dan mengajak tetangganya bergabung.',
  'Pak Darto mulai memasarkan madu hutan lewat media sosial setelah kelas literasi digital — omzetnya naik dua kali lipat.',
];
const TESTIMONY = '"Perpustakaan sekarang bukan hanya tempat membaca, tapi tempat belajar usaha." — peserta';
const MIMES = ['image/jpeg', 'image/jpeg', 'image/webp', 'image/png'] as const;

/** xorshift32: small, fast, and the same sequence on every engine. */
function prng(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4_294_967_296;
  };
}

/**
 * `n` valid entries of `libraryId`, dated from `years` years before `lastDate` (never
 * before the schema's earliest date) through `lastDate`, in creation order.
 */
export function makeEntries(n: number, libraryId: string, lastDate: string, options: BenchEntryOptions = {}): ActivityEntry[] {
  const rnd = prng(options.seed ?? 0x2545f491);
  const chance = (p: number) => rnd() < p;
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const hex = (digits: number) => Array.from({ length: digits }, () => Math.floor(rnd() * 16).toString(16)).join('');
  const uuidV7 = (ms: number) => {
    const t = ms.toString(16).padStart(12, '0');
    return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${hex(3)}-${pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
  };

  const types = activityTypesOf(defaultRulebook);
  const lastDay = Date.parse(`${lastDate}T00:00:00Z`);
  const firstDay = Math.max(Date.parse(`${EARLIEST_ENTRY_DATE}T00:00:00Z`), lastDay - Math.round((options.years ?? 5) * 365.25) * DAY_MS);
  const days = Math.round((lastDay - firstDay) / DAY_MS);
  // Nothing created after the end of `lastDate` in WIB (16:59 UTC).
  const latestInstant = lastDay + 17 * HOUR_MS - 60_000;

  const raw = Array.from({ length: n }, () => {
    // East Java's mix is about 21 : 5 : 1 (DOMAIN.md).
    const r = rnd();
    const strategy: Strategy = r < 0.78 ? 'pelibatan' : r < 0.96 ? 'advokasi' : 'layanan';
    const dayMs = firstDay + int(0, days) * DAY_MS;
    const date = new Date(dayMs).toISOString().slice(0, 10);
    // Logged the same day or up to three days later; now and then weeks later, catching up.
    const lag = chance(0.1) ? int(72, 720) : int(1, 72);
    const created = Math.min(dayMs + lag * HOUR_MS + int(0, 3_599_999), latestInstant);
    const updated = chance(0.2) ? Math.min(created + int(1, 200) * HOUR_MS, latestInstant) : created;
    const male = int(0, 25);
    const female = int(strategy === 'pelibatan' && male === 0 ? 1 : 0, 35);
    const e: Record<string, unknown> = {
      id: uuidV7(created),
      libraryId,
      strategy,
      activityType: pick([...types[strategy], 'lainnya']),
      title: `${pick(TITLES[strategy])}${chance(0.5) ? ` ke-${int(2, 12)}` : ''}`,
      date,
      participantsMale: male,
      participantsFemale: female,
      createdAt: new Date(created).toISOString(),
      updatedAt: new Date(updated).toISOString(),
      // A few tombstones: deleted on the phone, kept until the server has them.
      deleted: chance(0.02),
    };
    if (chance(0.7)) e.location = pick(LOCATIONS);
    if (chance(0.2)) e.participantsDisability = int(0, Math.min(3, male + female));
    if (chance(0.35)) e.partners = Array.from({ length: int(1, 3) }, () => ({ name: pick(PARTNER_NAMES), kind: pick(PARTNER_KINDS) }));
    if (chance(0.6)) e.description = DESCRIPTION.slice(0, int(80, DESCRIPTION.length));
    if (strategy === 'pelibatan' && chance(0.4)) e.skills = 'Menjahit, mengolah makanan, memasarkan produk secara daring.';
    if (strategy === 'pelibatan' && chance(0.25)) e.economicImpact = `Peserta memperoleh tambahan penghasilan Rp${int(100, 900)}.000 per bulan.`;
    if (chance(0.35)) e.successStory = pick(SUCCESS_STORIES);
    if (chance(0.15)) e.testimony = TESTIMONY;
    if (chance(0.5)) e.fundingSource = pick(FUNDING_SOURCES);
    if (chance(0.25)) {
      e.attachments = Array.from({ length: int(1, 3) }, () => ({
        id: uuidV7(created),
        sha256: hex(64),
        mime: pick(MIMES),
        bytes: int(40_000, 900_000),
      }));
    }
    return e;
  });
  raw.sort((a, b) => (a.id as string).localeCompare(b.id as string));
  // Parsed as the phone stores them: a bench of invalid rows would measure the wrong path.
  const schema = entrySchemaFor({ today: lastDate, activityTypes: types });
  return raw.map((e) => schema.parse(e));
}
