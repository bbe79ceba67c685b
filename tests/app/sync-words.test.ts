/**
 * A failed sync in plain words (Kirim data's "Gagal terakhir: …" / "Pengiriman berhenti: …"):
 * the request module marks "no answer" failures, and the screen's words come from the status
 * and code alone — never the browser's or a proxy's English ("Failed to fetch", "HTTP 502").
 */
import { describe, expect, it } from 'vitest';
import { request, type FetchFn } from '../../src/device/sync-http';
import { STORAGE_FULL, type SyncError } from '../../src/device/sync-state';
import { rejectedParams, syncErrorText, syncWord } from '../../src/app/sync-words';
import { clockWarning } from '../../src/app/clock';
import { ui } from '../../src/app/i18n';
import type { Lang } from '../../src/domain';

const opts = (fetch: FetchFn, timeoutMs?: number) => ({ fetch, now: () => new Date(), serverUrl: 'http://127.0.0.1:9', timeoutMs });

async function failureOf(fetch: FetchFn, timeoutMs?: number): Promise<SyncError> {
  const res = await request(opts(fetch, timeoutMs), 'POST', '/sync/push', { mutations: [] });
  if (res.ok) throw new Error('expected a failure');
  return res.error;
}

const reply = (status: number, body: string, type = 'application/json') => async () => new Response(body, { status, headers: { 'content-type': type } });
const protocolError = (status: number, code: string, message: string) => reply(status, JSON.stringify({ error: { code, message } }));

describe('no answer from the server', () => {
  it('a failed fetch reads as no signal, in Indonesian and English', async () => {
    const error = await failureOf(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(error).toMatchObject({ status: 0, code: 'network' });
    expect(syncErrorText(error, 'id')).toBe('Tidak ada sinyal atau server tidak terjangkau.');
    expect(syncErrorText(error, 'en')).toBe('No signal, or the server cannot be reached.');
  });

  it('the deadline reads as a server that did not answer in time', async () => {
    const error = await failureOf(() => new Promise<Response>(() => {}), 20);
    expect(error).toMatchObject({ status: 0, code: 'timeout' });
    expect(syncErrorText(error, 'id')).toMatch(/^Server tidak menjawab tepat waktu/);
    expect(syncErrorText(error, 'en')).toMatch(/^The server did not answer in time/);
  });

  it('an error stored before failures had a code still reads as no signal', () => {
    expect(syncErrorText({ status: 0, code: null }, 'id')).toBe('Tidak ada sinyal atau server tidak terjangkau.');
  });
});

describe('every kind of failure reads in plain words of the chosen language', () => {
  const cases: [string, FetchFn, RegExp, RegExp][] = [
    ['401 revoked', protocolError(401, 'unauthorized', 'Perangkat belum terdaftar atau izinnya dicabut.'), /^Izin HP ini dicabut.*kode baru/, /^This phone's access was revoked.*new code/],
    ['409 seq_gap', protocolError(409, 'seq_gap', 'Ada kiriman yang terlewat; kirim ulang mulai nomor {expected}.'), /^Urutan kiriman/, /sending order/],
    ['413', protocolError(413, 'payload_too_large', 'Kiriman terlalu besar (maksimal 1 MiB).'), /terlalu besar/, /too large/],
    ['429', protocolError(429, 'rate_limited', 'Terlalu banyak percobaan. Coba lagi nanti.'), /^Server sedang sibuk/, /^The server is busy/],
    ['500', protocolError(500, 'internal', 'Terjadi kesalahan di server.'), /^Server sedang bermasalah/, /^The server has a problem/],
    ["a proxy's bare 502", reply(502, '<html>Bad Gateway</html>', 'text/html'), /^Server sedang bermasalah/, /^The server has a problem/],
    ['a 2xx that is not JSON', reply(200, '{"cut'), /^Jawaban server tidak terbaca/, /could not be read/],
    // Not our server's words (its errors are JSON): its front end (nginx moved, a WAF) or a
    // captive portal's login page. A stop, with a Wi-Fi login first among what to try.
    ["another site's 404", reply(404, 'not found', 'text/plain'), /^Server menolak kiriman \(kode 404\)\. Jika HP memakai Wi-Fi yang meminta masuk \(login\) dulu, buka browser dan masuk, lalu kirim lagi; jika tidak, hubungi petugas kabupaten\. Kegiatan tetap aman di HP\.$/, /^The server refused the request \(code 404\)\. If the phone is on a Wi-Fi network that asks you to sign in first, open the browser and sign in, then send again; otherwise contact the district officer\. Activities are safe on the phone\.$/],
    ["a captive portal's 403", reply(403, '<html>Masuk Wi-Fi</html>', 'text/html'), /^Server menolak kiriman \(kode 403\)\. Jika HP memakai Wi-Fi/, /^The server refused the request \(code 403\)\. If the phone is on a Wi-Fi/],
    ["nginx's 400 Request Header Too Large", reply(400, '<html>400 Request Header Or Cookie Too Large</html>', 'text/html'), /^Server menolak kiriman \(kode 400\)\. Jika HP/, /^The server refused the request \(code 400\)\. If the phone/],
    // A proxy asking for its own login: the server not reached yet.
    ["a proxy's 407", reply(407, '<html>Proxy login</html>', 'text/html'), /^Tidak ada sinyal atau server tidak terjangkau/, /^No signal, or the server cannot be reached/],
    ["the server's own 404", protocolError(404, 'not_found', 'Tidak ditemukan.'), /^Server menolak kiriman \(kode 404\)\. Kegiatan tetap aman di HP; hubungi petugas kabupaten\.$/, /^The server refused the request \(code 404\)\. Activities are safe on the phone; contact the district officer\.$/],
  ];
  for (const [name, fetch, id, en] of cases) {
    it(name, async () => {
      const error = await failureOf(fetch);
      const words: Record<Lang, string> = { id: syncErrorText(error, 'id'), en: syncErrorText(error, 'en') };
      expect(words.id).toMatch(id);
      expect(words.en).toMatch(en);
      // Neither the stored message nor a placeholder reaches the screen.
      for (const w of Object.values(words)) {
        expect(w).not.toContain(error.message);
        expect(w).not.toMatch(/[{}]|HTTP|Failed|fetch/);
      }
    });
  }
});

describe('storage full', () => {
  it('says the phone is full, what to do, and that the activities are safe', () => {
    const error = { status: 0, code: STORAGE_FULL };
    expect(syncErrorText(error, 'id')).toBe('Penyimpanan HP penuh. Kosongkan ruang (hapus foto atau aplikasi lain) lalu kirim lagi; kegiatan tetap aman di HP.');
    expect(syncErrorText(error, 'en')).toBe("The phone's storage is full. Free some space (delete photos or other apps), then send again; activities are safe on the phone.");
    expect(syncWord('id', 'sync.stopped', { message: syncErrorText(error, 'id') })).toMatch(/^Pengiriman berhenti: penyimpanan HP penuh\./);
  });
});

describe('rejected entries', () => {
  it('are counted in words with the right English noun', () => {
    expect(syncWord('id', 'sync.okRejected', rejectedParams(1, 'id'))).toBe(
      'Terkirim, tetapi 1 kegiatan ditolak server — buka Daftar kegiatan untuk memperbaikinya.',
    );
    expect(syncWord('en', 'sync.rejectedWaiting', rejectedParams(1, 'en'))).toBe('1 activity rejected by the server, waiting to be corrected');
    expect(syncWord('en', 'sync.rejectedWaiting', rejectedParams(1200, 'en'))).toBe('1,200 activities rejected by the server, waiting to be corrected');
  });
});

describe("Kirim data's heading", () => {
  // App.tsx titles the page with `nav.sync` (i18n.ts): Beranda's chunk has no sync words.
  it('is the words of the link to it, which the page title repeats', () => {
    for (const lang of ['id', 'en'] as const) expect(syncWord(lang, 'sync.title')).toBe(ui(lang, 'nav.sync'));
  });
});

describe('a failed "Kirim sekarang"', () => {
  it('says it was not sent, and why, in plain words', () => {
    expect(syncWord('id', 'sync.notSent', { message: syncErrorText({ status: 503, code: null }, 'id') })).toBe(
      'Belum terkirim: server sedang bermasalah. Kegiatan tetap aman di HP; coba lagi nanti.',
    );
    expect(syncWord('en', 'sync.notSent', { message: syncErrorText({ status: 0, code: 'network' }, 'en') })).toBe('Not sent: No signal, or the server cannot be reached.');
  });

  it('writes lower case after the colon in Indonesian, as every reason that follows one, but keeps a word in capitals', () => {
    const noSignal = syncErrorText({ status: 0, code: 'network' }, 'id');
    expect(noSignal).toBe('Tidak ada sinyal atau server tidak terjangkau.');
    expect(syncWord('id', 'sync.notSent', { message: noSignal })).toBe('Belum terkirim: tidak ada sinyal atau server tidak terjangkau.');
    expect(syncWord('id', 'sync.error', { message: noSignal })).toBe('Gagal terakhir: tidak ada sinyal atau server tidak terjangkau.');
    expect(syncWord('id', 'sync.stopped', { message: noSignal })).toBe('Pengiriman berhenti: tidak ada sinyal atau server tidak terjangkau.');
    expect(syncWord('id', 'sync.notSent', { message: 'HP penuh.' })).toBe('Belum terkirim: HP penuh.');
  });
});

describe('the clock warning', () => {
  it('says nothing within an hour of the server, and how far off in hours or days beyond it, either way', () => {
    expect(clockWarning(undefined, 'id')).toBeNull();
    expect(clockWarning(59 * 60_000, 'id')).toBeNull();
    expect(clockWarning(-3 * 3_600_000, 'id')).toContain('sekitar 3 jam');
    expect(clockWarning(19 * 86_400_000 + 3 * 3_600_000, 'id')).toContain('sekitar 19 hari');
    expect(clockWarning(-400 * 86_400_000, 'en')).toContain('about 400 days');
    // One apart in English, and the English button's name.
    expect(clockWarning(26 * 3_600_000, 'en')).toContain('about 1 day off');
    expect(clockWarning(-3_600_000, 'en')).toContain('about 1 hour off');
    expect(clockWarning(26 * 3_600_000, 'en')).toMatch(/then press Send now\.$/);
    expect(clockWarning(26 * 3_600_000, 'id')).toContain('sekitar 1 hari');
  });
});
