/**
 * The protocol's error messages (`{"error": {"code", "message"}}`, SYNC-PROTOCOL.md), in
 * Bahasa Indonesia and English: worded by the server, and by the monitoring screens for what
 * they show. Apart from messages.ts so that the phone's precached bundle, which words sync
 * failures itself (app/sync-words.ts), does not carry them (2 KB).
 */
import type { Lang } from './format';
import { fill, type MessageParams } from './messages';
import type { ErrorCode } from './protocol';

const id: Record<ErrorCode, string> = {
  invalid_json: 'Isi permintaan bukan JSON yang valid.',
  invalid_request: 'Permintaan tidak sesuai format.',
  invalid_cursor: 'Kursor tidak dikenal.',
  invalid_code: 'Kode pendaftaran tidak dikenal, sudah dipakai, atau kedaluwarsa.',
  invalid_login: 'Nama pengguna atau kata sandi salah.',
  out_of_scope: 'Wilayah ini di luar wilayah pemantauan Anda.',
  unauthorized: 'Perangkat belum terdaftar atau izinnya dicabut.',
  login_required: 'Silakan masuk dulu.',
  wrong_library: 'Kegiatan ini bukan milik perpustakaan perangkat ini.',
  not_found: 'Alamat tidak ditemukan.',
  seq_gap: 'Ada kiriman yang terlewat; kirim ulang mulai nomor {expected}.',
  payload_too_large: 'Kiriman terlalu besar (maksimal {limit}).',
  unsupported_encoding: 'Pemadatan kiriman tidak didukung (hanya gzip).',
  rate_limited: 'Terlalu banyak percobaan. Coba lagi nanti.',
  internal: 'Terjadi kesalahan di server. Data Anda aman; coba lagi nanti.',
};

const en: Record<ErrorCode, string> = {
  invalid_json: 'The request body is not valid JSON.',
  invalid_request: 'The request does not have the expected shape.',
  invalid_cursor: 'Unknown cursor.',
  invalid_code: 'The enrolment code is unknown, used or expired.',
  invalid_login: 'Wrong user name or password.',
  out_of_scope: 'This area is outside the area you monitor.',
  unauthorized: 'This device is not enrolled or its access was revoked.',
  login_required: 'Please log in first.',
  wrong_library: 'This entry does not belong to this device’s library.',
  not_found: 'Not found.',
  seq_gap: 'A batch is missing; resend from number {expected}.',
  payload_too_large: 'The request is too large ({limit} at most).',
  unsupported_encoding: 'Unsupported content encoding (gzip only).',
  rate_limited: 'Too many attempts. Try again later.',
  internal: 'Something went wrong on the server. Your data is safe; try again later.',
};

/** Sentences of an error's `details` that the server words itself (not from a schema's issue). */
const details = {
  id: { notJson: 'Harus application/json.', tooDeep: 'Bersarang lebih dari {depth} tingkat.' },
  en: { notJson: 'Must be application/json.', tooDeep: 'Nested more than {depth} levels deep.' },
} as const;

export function detailMessage(lang: Lang, key: keyof (typeof details)['id'], params: MessageParams = {}): string {
  return fill(details[lang][key], params);
}

/** The protocol's limit (MAX_BODY_BYTES) unless a route with a smaller one names it. */
const DEFAULT_PARAMS: MessageParams = { limit: '1 MiB' };

export function errorMessage(lang: Lang, code: ErrorCode, params: MessageParams = {}): string {
  return fill((lang === 'en' ? en : id)[code], { ...DEFAULT_PARAMS, ...params });
}
