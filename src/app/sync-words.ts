/** The words of enrolment and sync, in Bahasa Indonesia and English (kept beside i18n.ts). */
import { englishPlural, formatNumber, type Lang } from '../domain';
import { NO_ANSWER, STORAGE_FULL, type SyncError } from '../device';
import { fillWords } from './i18n';

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
  'enrol.doneSynced': 'HP terdaftar untuk {library}.',
  'enrol.offline': 'Tidak tersambung ke server. Periksa sinyal lalu coba lagi.',
  'enrol.notStored': 'HP tidak bisa menyimpan pendaftaran ini (penyimpanan penuh?). Kosongkan ruang, lalu tekan Daftarkan lagi dengan kode yang sama.',
  'enrol.required': 'Kode pendaftaran wajib diisi.',
  'enrol.wait': 'Terlalu banyak kode yang salah. Coba lagi dalam {minutes} menit.',
  'enrol.otherTitle': 'Kode ini untuk perpustakaan lain',
  'enrol.otherIntro': 'HP ini dipakai untuk {from} dan menyimpan {count} kegiatannya. Kode ini mendaftarkan HP untuk {to} ({place}).',
  'enrol.otherUnsent': '{count} kegiatan {from} belum tersimpan di server seperti di HP ini (perubahannya belum terkirim atau ditolak), jadi kegiatannya tidak bisa dihapus dari HP ini. Untuk mengirimnya ke {from}, tekan Batal lalu daftarkan HP dengan kode untuk {from}.',
  'enrol.moveTo': 'Pindahkan kegiatan ke {library}',
  'enrol.moveHint': 'Pilih ini hanya bila kegiatan yang dicatat di HP ini sebenarnya milik {to}: {count} kegiatan itu dikirim ke {to} dan dihitung untuk KPI {to}.',
  'enrol.moveNone': 'Tidak ada kegiatan yang dicatat di HP ini untuk dipindahkan.',
  'enrol.moveSent': '{count} di antaranya sudah terkirim ke {from} dan tetap tercatat juga di sana.',
  'enrol.moveOthers': '{count} kegiatan lain datang dari HP lain: tetap di {from} (tersimpan di server) dan dihapus dari HP ini.',
  'enrol.leave': 'Hapus kegiatan {library} dari HP ini',
  'enrol.leaveHint': 'Kegiatan {from} sudah tersimpan di server dan tidak hilang. HP ini mulai baru untuk {to}.',
  'enrol.leavePhotos': 'Tetapi {count} foto dokumentasinya hanya ada di HP ini (server hanya menyimpan keterangannya) dan ikut terhapus.',
  'enrol.cancel': 'Batal',
  'enrol.cancelHint': 'HP tetap dipakai untuk {from}.',
  'enrol.cancelled': 'Pendaftaran dibatalkan. HP tetap dipakai untuk {library}.',
  'enrol.changedMeanwhile': 'Ada perubahan baru yang belum terkirim ke {library}. Tekan Daftarkan lagi untuk memilih ulang.',
  'sync.title': 'Kirim data',
  'sync.sendNow': 'Kirim sekarang',
  'sync.sending': 'Mengirim…',
  'sync.waiting': '{count} perubahan menunggu dikirim',
  'sync.waitingOf': '{count} perubahan dari {entries} kegiatan menunggu dikirim',
  'sync.lastSuccess': 'Terakhir berhasil: {time}',
  'sync.never': 'Belum pernah berhasil terkirim',
  'sync.nextTry': 'Akan dicoba lagi: {time}',
  'sync.online': 'Tersambung ke internet',
  'sync.offline': 'Tidak ada sinyal: kegiatan tetap aman di HP',
  'sync.stopped': 'Pengiriman berhenti: {message}',
  'sync.error': 'Gagal terakhir: {message}',
  'sync.ok': 'Semua terkirim.',
  'sync.okRejected': 'Terkirim, tetapi {count} kegiatan ditolak server — buka Daftar kegiatan untuk memperbaikinya.',
  'sync.okSentStillRejected': 'Terkirim. Masih ada {count} kegiatan yang ditolak server — buka Daftar kegiatan untuk memperbaikinya.',
  'sync.okStillRejected': 'Tidak ada yang baru untuk dikirim. Masih ada {count} kegiatan yang ditolak server — buka Daftar kegiatan untuk memperbaikinya.',
  'sync.rejectedWaiting': '{count} kegiatan ditolak server, menunggu diperbaiki',
  'sync.rejectedLink': 'Lihat yang ditolak',
  'sync.library': 'Terdaftar untuk {library}',
  'error.network': 'Tidak ada sinyal atau server tidak terjangkau.',
  'error.timeout': 'Server tidak menjawab tepat waktu (sinyal lemah atau server sibuk).',
  'error.unreadable': 'Jawaban server tidak terbaca. Kegiatan tetap aman di HP; coba lagi nanti.',
  'error.busy': 'Server sedang sibuk. Kegiatan tetap aman di HP; coba lagi nanti.',
  'error.server': 'Server sedang bermasalah. Kegiatan tetap aman di HP; coba lagi nanti.',
  'error.unauthorized':
    'Izin HP ini dicabut atau HP belum terdaftar. Daftarkan lagi dengan kode baru dari petugas kabupaten; kegiatan yang menunggu tetap tersimpan dan ikut terkirim.',
  'error.seqGap': 'Urutan kiriman HP ini tidak cocok dengan server. Kegiatan tetap aman di HP; hubungi petugas kabupaten.',
  'error.tooLarge': 'Ada kegiatan yang terlalu besar untuk dikirim. Kegiatan tetap aman di HP; hubungi petugas kabupaten.',
  'error.refused': 'Server menolak kiriman (kode {status}). Kegiatan tetap aman di HP; hubungi petugas kabupaten.',
  // A 4xx without our server's error body: its front end, or a Wi-Fi's login page (captive portal).
  'error.refusedBare':
    'Server menolak kiriman (kode {status}). Jika HP memakai Wi-Fi yang meminta masuk (login) dulu, buka browser dan masuk, lalu kirim lagi; jika tidak, hubungi petugas kabupaten. Kegiatan tetap aman di HP.',
  'error.storageFull': 'Penyimpanan HP penuh. Kosongkan ruang (hapus foto atau aplikasi lain) lalu kirim lagi; kegiatan tetap aman di HP.',
  'status.local': 'Tersimpan di HP',
  'status.sent': 'Terkirim',
  'status.rejected': 'Ditolak: {reason}',
  'status.remote': 'Diperbarui dari perangkat lain',
  'status.arrived': 'Dari perangkat lain',
  // What "Kirim sekarang" says when this send failed (the reason follows).
  'sync.notSent': 'Belum terkirim: {message}',
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
  'enrol.done': 'Phone enrolled for {library}. {count} {activities} waiting to be sent.',
  'enrol.doneSynced': 'Phone enrolled for {library}.',
  'enrol.offline': 'Cannot reach the server. Check the signal and try again.',
  'enrol.notStored': 'The phone could not store this enrolment (storage full?). Free some space, then press Enrol again with the same code.',
  'enrol.required': 'The enrolment code is required.',
  'enrol.wait': 'Too many wrong codes. Try again in {minutes} minutes.',
  'enrol.otherTitle': 'This code is for another library',
  'enrol.otherIntro': 'This phone is used for {from} and holds {count} of its activities. This code enrols the phone for {to} ({place}).',
  'enrol.otherUnsent': 'Activities of {from} not on the server as they are on this phone (a change not sent, or refused): {count}. They cannot be deleted from this phone. To send them to {from}, press Cancel and enrol the phone with a code for {from}.',
  'enrol.moveTo': 'Move the activities to {library}',
  'enrol.moveHint': 'Choose this only if the activities logged on this phone really belong to {to}: {count} {activities} are sent to {to} and count for its KPI.',
  'enrol.moveNone': 'No activity logged on this phone is left to move.',
  'enrol.moveSent': '{count} of them already reached {from} and stay recorded there too.',
  'enrol.moveOthers': 'The other {count} {activities} came from other phones: they stay with {from} (stored on the server) and are deleted from this phone.',
  'enrol.leave': 'Delete the activities of {library} from this phone',
  'enrol.leaveHint': 'The activities of {from} are stored on the server and are not lost. The phone starts afresh for {to}.',
  'enrol.leavePhotos': 'But their documentation photos ({count}) exist only on this phone (the server keeps only their details) and are deleted too.',
  'enrol.cancel': 'Cancel',
  'enrol.cancelHint': 'The phone stays with {from}.',
  'enrol.cancelled': 'Enrolment cancelled. The phone stays with {library}.',
  'enrol.changedMeanwhile': 'There are new changes not yet sent to {library}. Press Enrol again to choose again.',
  'sync.title': 'Send data',
  'sync.sendNow': 'Send now',
  'sync.sending': 'Sending…',
  'sync.waiting': '{count} {changes} waiting to be sent',
  'sync.waitingOf': '{count} {changes} of {entries} {activities} waiting to be sent',
  'sync.lastSuccess': 'Last successful: {time}',
  'sync.never': 'Never sent successfully yet',
  'sync.nextTry': 'Next try: {time}',
  'sync.online': 'Online',
  'sync.offline': 'Offline: activities are safe on the phone',
  'sync.stopped': 'Sending stopped: {message}',
  'sync.error': 'Last failure: {message}',
  'sync.ok': 'Everything sent.',
  'sync.okRejected': 'Sent, but the server rejected {count} {activity} — open Activities to correct and resend.',
  'sync.okSentStillRejected': 'Sent. {count} {activity} still rejected by the server — open Activities to correct and resend.',
  'sync.okStillRejected': 'Nothing new to send. {count} {activity} still rejected by the server — open Activities to correct and resend.',
  'sync.rejectedWaiting': '{count} {activity} rejected by the server, waiting to be corrected',
  'sync.rejectedLink': 'Show what was rejected',
  'sync.library': 'Enrolled for {library}',
  'error.network': 'No signal, or the server cannot be reached.',
  'error.timeout': 'The server did not answer in time (weak signal or a busy server).',
  'error.unreadable': "The server's answer could not be read. Activities are safe on the phone; try again later.",
  'error.busy': 'The server is busy. Activities are safe on the phone; try again later.',
  'error.server': 'The server has a problem. Activities are safe on the phone; try again later.',
  'error.unauthorized':
    "This phone's access was revoked, or it is not enrolled. Enrol it again with a new code from the district officer; waiting activities are kept and sent.",
  'error.seqGap': "This phone's sending order does not match the server's. Activities are safe on the phone; contact the district officer.",
  'error.tooLarge': 'An activity is too large to send. Activities are safe on the phone; contact the district officer.',
  'error.refused': 'The server refused the request (code {status}). Activities are safe on the phone; contact the district officer.',
  'error.refusedBare':
    'The server refused the request (code {status}). If the phone is on a Wi-Fi network that asks you to sign in first, open the browser and sign in, then send again; otherwise contact the district officer. Activities are safe on the phone.',
  'error.storageFull': "The phone's storage is full. Free some space (delete photos or other apps), then send again; activities are safe on the phone.",
  'status.local': 'Saved on phone',
  'status.sent': 'Sent',
  'status.rejected': 'Rejected: {reason}',
  'status.remote': 'Updated from another device',
  'status.arrived': 'From another device',
  'sync.notSent': 'Not sent: {message}',
};

const CATALOGUE: Record<Lang, Record<SyncWord, string>> = { id, en };

export function syncWord(lang: Lang, key: SyncWord, params: Record<string, string | number> = {}): string {
  const words = CATALOGUE[lang][key];
  // Indonesian writes lower case after a colon ("Belum terkirim: tidak ada sinyal…"); the reason
  // is also said alone, as a sentence. Not a word in capitals ("HP").
  const { message } = params;
  if (lang === 'id' && typeof message === 'string' && words.includes(': {message}') && !/^.\p{Lu}/u.test(message)) {
    params = { ...params, message: message.charAt(0).toLowerCase() + message.slice(1) };
  }
  return fillWords(words, params);
}

/**
 * A failed sync in plain words, from its status and code only: the stored message is the
 * browser's or the server's text ("Failed to fetch", "HTTP 502"), possibly in the other
 * language, so it never reaches the screen.
 */
export function syncErrorText(error: Pick<SyncError, 'status' | 'code'>, lang: Lang): string {
  const w = (key: SyncWord, params?: Record<string, string | number>) => syncWord(lang, key, params);
  if (error.code === STORAGE_FULL) return w('error.storageFull');
  if (error.status === 0) return w(error.code === NO_ANSWER.timeout ? 'error.timeout' : 'error.network');
  if (error.status === 408) return w('error.timeout');
  if (error.status >= 200 && error.status < 300) return w('error.unreadable');
  if (error.status === 429) return w('error.busy');
  if (error.status >= 500) return w('error.server');
  if (error.code === 'unauthorized') return w('error.unauthorized');
  if (error.code === 'seq_gap') return w('error.seqGap');
  if (error.code === 'payload_too_large') return w('error.tooLarge');
  // Not our server's words (its errors all carry a code): the sync stops all the same
  // (sync-http.ts), but a Wi-Fi asking to sign in first is the one cause the librarian can fix.
  if (error.code === null && error.status >= 400 && error.status < 500) return w('error.refusedBare', { status: error.status });
  return w('error.refused', { status: error.status });
}

/** "{count} kegiatan ditolak …" words: the count, and English's singular or plural noun. */
export function rejectedParams(count: number, lang: Lang): { count: string; activity: string } {
  return { count: formatNumber(count, lang), activity: englishPlural(count, 'activity', 'activities') };
}

/** A time as the librarian reads it: day, month, hours and minutes in the phone's zone. */
export function syncTime(iso: string | null, lang: Lang): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString(lang === 'id' ? 'id-ID' : 'en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}
