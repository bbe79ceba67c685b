/**
 * The words of regional monitoring (`#/pantau`), in Bahasa Indonesia and English, kept
 * beside i18n.ts. Colours, strategies, KPI components and server error messages come
 * from the domain's `t`, so they read exactly as on the librarians' phones.
 */
import type { Lang } from '../../domain';
import { fillWords } from '../i18n';

const id = {
  title: 'Pemantauan wilayah',
  intro: 'Untuk petugas provinsi dan kabupaten/kota: warna KPI perpustakaan mitra di wilayah Anda.',
  toApp: 'Aplikasi perpustakaan',
  language: 'Bahasa',

  'login.title': 'Masuk pemantauan',
  'login.username': 'Nama pengguna',
  'login.password': 'Kata sandi',
  'login.submit': 'Masuk',
  'login.busy': 'Masuk…',
  'login.required': 'Isi nama pengguna dan kata sandi.',
  'login.tooMany': 'Terlalu banyak percobaan. Coba lagi dalam {minutes} menit.',
  'login.offline': 'Tidak tersambung ke server. Periksa sinyal lalu coba lagi.',
  'login.failed': 'Gagal masuk: {message}',

  who: 'Masuk sebagai {name} · Wilayah: {scope}',
  logout: 'Keluar',
  'scope.national': 'Seluruh Indonesia',
  'scope.province': 'Provinsi {name}',
  'scope.regency': '{name}',

  breadcrumb: 'Letak wilayah',
  indonesia: 'Indonesia',
  checking: 'Memeriksa sesi…',
  loading: 'Memuat…',
  retry: 'Coba lagi',
  offlineNote: 'Data terakhir dilihat {time}; sedang luring.',
  unreachable: 'Server tidak dapat dihubungi dan belum ada data tersimpan untuk tampilan ini. Coba lagi saat ada sinyal.',
  badBody: 'Jawaban server tidak dapat dibaca. Coba lagi nanti.',
  notFound: 'Wilayah atau perpustakaan ini tidak ditemukan.',
  libraryNotFound: 'Perpustakaan ini tidak ditemukan.',
  serverError: 'Terjadi kesalahan di server ({status}). Coba lagi nanti.',
  asOf: 'Dihitung {time} · Aturan {rulebook}',

  'summary.colours': 'Warna KPI perpustakaan',
  'summary.libraries': '{count} perpustakaan',
  'summary.colourCount': '{count} perpustakaan · {share}%',
  'summary.entries': 'Kegiatan tahun ini per strategi',
  'summary.entryCount': '{count} kegiatan',
  'summary.stale': 'Belum sinkron 30+ hari',
  'summary.staleCount': '{count} perpustakaan belum mengirim data 30 hari atau lebih (terpisah dari warna).',

  'children.province': 'Per provinsi',
  'children.regency': 'Per kabupaten/kota',
  'children.caption.province': 'Warna KPI per provinsi',
  'children.caption.regency': 'Warna KPI per kabupaten/kota',
  'col.area': 'Wilayah',
  'col.libraries': 'Perpustakaan',
  'col.stale': 'Belum sinkron 30+ hari',
  'col.name': 'Perpustakaan',
  'col.place': 'Desa, kecamatan',
  'col.placeWithRegency': 'Desa, kecamatan, kabupaten/kota',
  'col.colour': 'Warna',
  'col.score': 'Skor',
  'col.lastPush': 'Kiriman terakhir',
  'col.entries': 'Kegiatan tahun ini',
  'col.pelibatan': 'Pelibatan',
  'col.advokasi': 'Advokasi',
  'col.layanan': 'Layanan',
  share: '{count} ({share}%)',

  'list.title': 'Daftar perpustakaan',
  'list.caption': 'Perpustakaan di {area}',
  'list.captionGreen': 'Perpustakaan hijau di {area}',
  'list.tabs': 'Pilihan daftar',
  'list.all': 'Semua perpustakaan',
  'list.green': 'Perpustakaan hijau',
  'list.search': 'Cari perpustakaan',
  'list.searchButton': 'Cari',
  'list.clear': 'Hapus pencarian',
  'list.count': '{count} perpustakaan',
  'list.searchFor': 'Hasil pencarian "{q}": {count} perpustakaan',
  'list.empty': 'Tidak ada perpustakaan yang cocok.',
  'list.truncated': 'Hanya {count} perpustakaan pertama yang ditampilkan. Persempit dengan pencarian atau pilih wilayah.',
  'list.national': 'Pilih provinsi, cari nama, atau buka "Perpustakaan hijau" untuk melihat daftar perpustakaan.',
  stale: 'belum sinkron 30+ hari',
  never: 'belum pernah',

  // The links are named by their words alone; their group says which table they export.
  'export.group': 'Unduh {table}',
  'export.csv': 'Unduh CSV',
  'export.xlsx': 'Unduh XLSX',
  'export.table.province': 'ringkasan per provinsi',
  'export.table.regency': 'ringkasan per kabupaten/kota',
  'export.table.libraries': 'daftar perpustakaan',
  // Excel set to Indonesian separates lists with ';', so a CSV with ',' opens in one column.
  'export.hint': 'XLSX untuk Excel; CSV untuk aplikasi lain',

  'detail.place': '{village}, {district}, {regency}, {province}',
  'detail.lastPush': 'Kiriman terakhir: {time}',
  'detail.components': 'Kemajuan per komponen',
  'detail.entries': 'Kegiatan tahun ini per strategi',
};

export type MonitorWord = keyof typeof id;

const en: Record<MonitorWord, string> = {
  title: 'Regional monitoring',
  intro: 'For province and regency/city staff: the KPI colours of the partner libraries in your area.',
  toApp: 'Library app',
  language: 'Language',

  'login.title': 'Monitoring sign-in',
  'login.username': 'User name',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.busy': 'Signing in…',
  'login.required': 'Enter your user name and password.',
  'login.tooMany': 'Too many attempts. Try again in {minutes} minutes.',
  'login.offline': 'Cannot reach the server. Check the signal and try again.',
  'login.failed': 'Could not sign in: {message}',

  who: 'Signed in as {name} · Area: {scope}',
  logout: 'Sign out',
  'scope.national': 'All of Indonesia',
  'scope.province': 'Province of {name}',
  'scope.regency': '{name}',

  breadcrumb: 'Area',
  indonesia: 'Indonesia',
  checking: 'Checking the session…',
  loading: 'Loading…',
  retry: 'Try again',
  offlineNote: 'Data last seen {time}; offline now.',
  unreachable: 'The server cannot be reached and nothing is stored for this view yet. Try again when there is a signal.',
  badBody: 'The server’s answer could not be read. Try again later.',
  notFound: 'This area or library was not found.',
  libraryNotFound: 'This library was not found.',
  serverError: 'Something went wrong on the server ({status}). Try again later.',
  asOf: 'Computed {time} · Rulebook {rulebook}',

  'summary.colours': 'KPI colours of the libraries',
  'summary.libraries': '{count} {libraries}',
  'summary.colourCount': '{count} {libraries} · {share}%',
  'summary.entries': 'Activities this year per strategy',
  'summary.entryCount': '{count} {activities}',
  'summary.stale': 'Not synced for 30+ days',
  'summary.staleCount': '{count} {libraries} {have} not sent data for 30 days or more (apart from the colour).',

  'children.province': 'Per province',
  'children.regency': 'Per regency/city',
  'children.caption.province': 'KPI colours per province',
  'children.caption.regency': 'KPI colours per regency/city',
  'col.area': 'Area',
  'col.libraries': 'Libraries',
  'col.stale': 'Not synced 30+ days',
  'col.name': 'Library',
  'col.place': 'Village, district',
  'col.placeWithRegency': 'Village, district, regency/city',
  'col.colour': 'Colour',
  'col.score': 'Score',
  'col.lastPush': 'Last sent',
  'col.entries': 'Activities this year',
  'col.pelibatan': 'Engagement',
  'col.advokasi': 'Advocacy',
  'col.layanan': 'Services',
  share: '{count} ({share}%)',

  'list.title': 'Libraries',
  'list.caption': 'Libraries in {area}',
  'list.captionGreen': 'Green libraries in {area}',
  'list.tabs': 'List options',
  'list.all': 'All libraries',
  'list.green': 'Green libraries',
  'list.search': 'Search libraries',
  'list.searchButton': 'Search',
  'list.clear': 'Clear the search',
  'list.count': '{count} {libraries}',
  'list.searchFor': 'Results for "{q}": {count} {libraries}',
  'list.empty': 'No library matches.',
  'list.truncated': 'Only the first {count} libraries are shown. Narrow it down with a search or an area.',
  'list.national': 'Choose a province, search by name, or open "Green libraries" to see a list of libraries.',
  stale: 'not synced 30+ days',
  never: 'never',

  'export.group': 'Download {table}',
  'export.csv': 'Download CSV',
  'export.xlsx': 'Download XLSX',
  'export.table.province': 'summary per province',
  'export.table.regency': 'summary per regency/city',
  'export.table.libraries': 'library list',
  'export.hint': 'XLSX for Excel; CSV for other programs',

  'detail.place': '{village}, {district}, {regency}, {province}',
  'detail.lastPush': 'Last sent: {time}',
  'detail.components': 'Progress per component',
  'detail.entries': 'Activities this year per strategy',
};

const CATALOGUE: Record<Lang, Record<MonitorWord, string>> = { id, en };

/** The monitoring word `key` in `lang`, with `{name}` placeholders filled. */
export function mw(lang: Lang, key: MonitorWord, params: Record<string, string | number> = {}): string {
  return fillWords(CATALOGUE[lang][key], params);
}
