/** The words of enrolment and sync, in Bahasa Indonesia and English (kept beside i18n.ts). */
import type { Lang } from '../domain';

const id = {
  'nav.sync': 'Kirim data',
  'enrol.title': 'Daftarkan HP ini',
  'enrol.intro': 'Masukkan kode pendaftaran dari petugas kabupaten. Kegiatan yang sudah dicatat tetap tersimpan dan ikut terkirim.',
  'enrol.code': 'Kode pendaftaran',
  'enrol.codeHint': 'Delapan huruf dan angka, misalnya ABCD-2345.',
  'enrol.server': 'Alamat server',
  'enrol.serverHint': 'Misalnya https://lapor.contoh.go.id',
  'enrol.name': 'Nama HP (tidak wajib)',
  'enrol.submit': 'Daftarkan',
  'enrol.busy': 'Mendaftarkan…',
  'enrol.done': 'HP terdaftar untuk {library}. {count} kegiatan menunggu dikirim.',
  'enrol.offline': 'Tidak tersambung ke server. Periksa sinyal lalu coba lagi.',
  'enrol.required': 'Kode pendaftaran wajib diisi.',
  'sync.title': 'Kirim data',
  'sync.sendNow': 'Kirim sekarang',
  'sync.sending': 'Mengirim…',
  'sync.waiting': '{count} perubahan menunggu dikirim',
  'sync.lastSuccess': 'Terakhir berhasil: {time}',
  'sync.never': 'Belum pernah berhasil terkirim',
  'sync.nextTry': 'Dicoba lagi: {time}',
  'sync.online': 'Tersambung ke internet',
  'sync.offline': 'Tidak ada sinyal: kegiatan tetap aman di HP',
  'sync.stopped': 'Pengiriman berhenti: {message}',
  'sync.error': 'Gagal terakhir: {message}',
  'sync.ok': 'Semua terkirim.',
  'sync.library': 'Terdaftar untuk {library}',
  'status.local': 'Tersimpan di HP',
  'status.sent': 'Terkirim {time}',
  'status.rejected': 'Ditolak: {reason}',
  'status.remote': 'Diperbarui dari perangkat lain',
};

type SyncWord = keyof typeof id;

const en: Record<SyncWord, string> = {
  'nav.sync': 'Send data',
  'enrol.title': 'Enrol this phone',
  'enrol.intro': 'Enter the enrolment code from the district officer. Activities already logged stay and are sent too.',
  'enrol.code': 'Enrolment code',
  'enrol.codeHint': 'Eight letters and digits, e.g. ABCD-2345.',
  'enrol.server': 'Server address',
  'enrol.serverHint': 'For example https://lapor.example.go.id',
  'enrol.name': 'Phone name (optional)',
  'enrol.submit': 'Enrol',
  'enrol.busy': 'Enrolling…',
  'enrol.done': 'Phone enrolled for {library}. {count} activities waiting to be sent.',
  'enrol.offline': 'Cannot reach the server. Check the signal and try again.',
  'enrol.required': 'The enrolment code is required.',
  'sync.title': 'Send data',
  'sync.sendNow': 'Send now',
  'sync.sending': 'Sending…',
  'sync.waiting': '{count} changes waiting to be sent',
  'sync.lastSuccess': 'Last successful: {time}',
  'sync.never': 'Never sent successfully yet',
  'sync.nextTry': 'Next try: {time}',
  'sync.online': 'Online',
  'sync.offline': 'Offline: activities are safe on the phone',
  'sync.stopped': 'Sending stopped: {message}',
  'sync.error': 'Last failure: {message}',
  'sync.ok': 'Everything sent.',
  'sync.library': 'Enrolled for {library}',
  'status.local': 'Saved on phone',
  'status.sent': 'Sent {time}',
  'status.rejected': 'Rejected: {reason}',
  'status.remote': 'Updated from another device',
};

const CATALOGUE: Record<Lang, Record<SyncWord, string>> = { id, en };

export function syncWord(lang: Lang, key: SyncWord, params: Record<string, string | number> = {}): string {
  return CATALOGUE[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** A time as the librarian reads it: day, month, hours and minutes in the phone's zone. */
export function syncTime(iso: string | null, lang: Lang): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString(lang === 'id' ? 'id-ID' : 'en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}
