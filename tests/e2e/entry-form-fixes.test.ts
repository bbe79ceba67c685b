/**
 * The entry form and the profile in Debian's Chromium against the real server serving
 * the production build, on a phone whose clock runs two days ahead of the server's:
 * - one Simpan shows every message at once (a blank title and 0/0 participants);
 * - counts are read as Indonesians write them ("1.000" is a thousand) and a count with a
 *   comma says how to write it;
 * - an entry the server refused ("Tanggal kegiatan tidak boleh di masa depan") opens in
 *   "Ubah" with the server's reason on its field, which goes when the field is corrected;
 * - Pengaturan shows the profile enrolment brought (its NPP too) read-only, and an
 *   administrator's `library edit` reaches it with the next sync; read-only, a field is
 *   text, not a box, and a long name shows whole at a large font on a narrow phone;
 * - Beranda says that unsent work may be cleared while the browser refuses persistent
 *   storage and an entry waits, and no more once it is sent.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createLibrary, updateLibrary } from '../../src/server/store/libraries';
import { startSyncServer, type SyncServer } from '../device/sync-harness';
import { describedText, fillFirstRun, needsBrowser, seriousViolations } from './harness';
import { browserSuite } from './suite';

let server: SyncServer;
let page: Page;
let launchError: unknown = null;
browserSuite('e2e-entry-form', (dist) => startSyncServer({ distDir: dist, realClock: true }), (suite) => ({ server, page, launchError } = suite));

const DAY = 86_400_000;
const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });
const field = (label: string) => page.getByLabel(label, { exact: true });
const kpiCard = () => page.getByRole('region', { name: 'Warna KPI' });
const unsentHint = () => page.getByText('Browser dapat menghapus data yang belum terkirim bila ruang HP penuh. Kirim data selagi ada sinyal.', { exact: true });
/** The page's storage, as the test's init script makes it answer (`granted`) and counts its questions (`asked`). */
type TestStorage = StorageManager & { granted?: boolean; asked?: number };

/**
 * Opens Beranda anew and expects no word about unsent work once the screen has asked whether
 * storage is persistent and had time to show its answer (at first it knows nothing).
 */
async function expectNoUnsentHint() {
  await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
  await page.getByRole('heading', { level: 1, name: 'Daftar kegiatan' }).waitFor();
  const before = await page.evaluate(() => (navigator.storage as TestStorage).asked ?? 0);
  await page.getByRole('link', { name: 'Beranda' }).click();
  await kpiCard().waitFor();
  await poll(() => page.evaluate(() => (navigator.storage as TestStorage).asked ?? 0)).toBeGreaterThan(before);
  await page.waitForTimeout(300);
  expect(await unsentHint().count()).toBe(0);
}
const dayInJakarta = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date(ms));
/** The message tied to a control by aria-describedby. */
const messageOf = (label: string) => describedText(page, label);

async function openForm() {
  await page.getByRole('link', { name: 'Catat kegiatan' }).click();
  await poll(() => page.getByRole('heading', { level: 1, name: 'Catat kegiatan' }).count()).toBe(1);
}

/** The library profile as the phone stored it (IndexedDB, not the screen). */
function storedLibrary(): Promise<Record<string, unknown>> {
  return page.evaluate(
    () =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const open = indexedDB.open('tpbis-lapor');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('meta').objectStore('meta').get('library');
          get.onsuccess = () => {
            open.result.close();
            resolve(get.result?.value);
          };
        };
      }),
  );
}

it("shows every message at once, reads '1.000' as a thousand, opens a refused entry with its reason, shows the server's profile", async (ctx) => {
  needsBrowser(launchError, ctx);
  const made = await createLibrary(
    server.database.db,
    { name: 'Perpustakaan Desa Jam Maju', npp: '3516012E1000001', village: 'Sukamaju', district: 'Pacet', regency: 'Mojokerto', province: 'Jawa Timur', timezone: 'Asia/Jakarta' },
    new Date(),
  );
  if (!made.ok) throw new Error('library not valid');
  const library = made.library;

  // The phone's clock is two days ahead: its "today" is a day the server calls the future.
  await page.clock.install({ time: new Date(Date.now() + 2 * DAY) });
  // The browser refuses persistent storage (as Chromium does a site it barely knows), or grants it when told.
  await page.addInitScript(() => {
    const s = navigator.storage as TestStorage;
    s.persisted = async () => ((s.asked = (s.asked ?? 0) + 1), !!s.granted);
    s.persist = async () => !!s.granted;
  });
  await page.goto(server.url);
  await fillFirstRun(page, 'Perpustakaan lokal');
  await kpiCard().waitFor();
  // Nothing waits to be sent: no word about it.
  await expectNoUnsentHint();

  // One tap on Simpan: the title's message and the participants' message together.
  await openForm();
  await field('Strategi').selectOption('pelibatan');
  await field('Jenis kegiatan').selectOption('lomba');
  await field('Peserta laki-laki').fill('0');
  await field('Peserta perempuan').fill('0');
  await page.getByRole('button', { name: 'Simpan', exact: true }).click();
  await page.getByRole('alert').first().waitFor();
  expect(await messageOf('Judul kegiatan')).toContain('Judul kegiatan wajib diisi');
  expect(await messageOf('Peserta perempuan')).toContain('Kegiatan Pelibatan Masyarakat harus memiliki paling sedikit 1 peserta');
  expect(await page.getByRole('alert').first().textContent()).toContain('Periksa 2 isian yang belum benar.');

  // A count with a comma: how to write it, on the field, and nothing saved.
  await field('Judul kegiatan').fill('Pameran buku desa');
  await field('Peserta laki-laki').fill('1,5');
  await field('Peserta perempuan').fill('2.000');
  await page.getByRole('button', { name: 'Simpan', exact: true }).click();
  await poll(() => field('Peserta laki-laki').getAttribute('aria-invalid')).toBe('true');
  expect(await messageOf('Peserta laki-laki')).toContain('Tulis angka saja, tanpa koma atau pecahan (contoh: 25 atau 1.500).');
  expect(await field('Peserta perempuan').getAttribute('aria-invalid')).toBeNull();
  // Correcting the field takes its message away before the next save.
  await field('Peserta laki-laki').fill('1.000');
  await poll(() => field('Peserta laki-laki').getAttribute('aria-invalid')).toBeNull();
  // Dated yesterday by the server's clock, so the server takes it.
  await field('Tanggal kegiatan').fill(dayInJakarta(Date.now() - DAY));
  await page.getByRole('button', { name: 'Simpan', exact: true }).click();
  await kpiCard().waitFor();
  // An entry waits, on storage the browser may clear: Beranda says so, but not once storage is persistent.
  await unsentHint().waitFor();
  await page.evaluate(() => ((navigator.storage as TestStorage).granted = true));
  await expectNoUnsentHint();
  await page.evaluate(() => ((navigator.storage as TestStorage).granted = false));

  // Dated the phone's today (the form's default): the server will refuse it.
  await openForm();
  await field('Strategi').selectOption('pelibatan');
  await field('Jenis kegiatan').selectOption('lomba');
  await field('Judul kegiatan').fill('Lomba mewarnai anak');
  await field('Peserta laki-laki').fill('3');
  await field('Peserta perempuan').fill('4');
  await page.getByRole('button', { name: 'Simpan', exact: true }).click();
  await kpiCard().waitFor();

  await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
  await page.getByText('3.000 peserta', { exact: true }).waitFor();

  // Enrolment sends both; the server refuses the one dated in its future.
  await page.getByRole('link', { name: 'Kirim data' }).click();
  await field('Kode pendaftaran').fill(await server.code(library.id));
  await page.getByRole('button', { name: 'Daftarkan' }).click();
  await page.getByText(`Terdaftar untuk ${library.name}`, { exact: true }).waitFor();
  await poll(async () => (await server.stored(library.id)).size).toBe(1);
  // All sent (the refused one answered too): Beranda's word about unsent work goes.
  await expectNoUnsentHint();
  await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
  await poll(() => page.locator('[data-sync-status="rejected"]').count()).toBe(1);

  // "Ubah" opens it with the server's reason on the date, as the form's own messages show.
  await page.getByRole('link', { name: 'Ubah Lomba mewarnai anak' }).click();
  await poll(() => field('Tanggal kegiatan').getAttribute('aria-invalid')).toBe('true');
  expect(await messageOf('Tanggal kegiatan')).toContain('Tanggal kegiatan tidak boleh di masa depan');
  expect(await page.getByRole('alert').first().textContent()).toBe(
    'Kegiatan ini ditolak saat dikirim: Tanggal kegiatan tidak boleh di masa depan. Perbaiki, lalu simpan lagi.',
  );
  expect(await seriousViolations(page)).toEqual([]);
  await field('Tanggal kegiatan').fill(dayInJakarta(Date.now()));
  await poll(() => field('Tanggal kegiatan').getAttribute('aria-invalid')).toBeNull();
  expect(await page.getByRole('alert').count()).toBe(0);

  // Pengaturan shows the profile enrolment brought, its NPP too, read-only: once enrolled it
  // is the server's, and an administrator's edit (a time zone too) comes with the next sync.
  expect((await storedLibrary()).npp).toBe('3516012E1000001');
  await page.getByRole('link', { name: 'Pengaturan' }).click();
  expect(await field('NPP').inputValue()).toBe('3516012E1000001');
  expect(await field('Desa/Kelurahan').getAttribute('readonly')).not.toBeNull();
  expect(await field('Zona waktu').getAttribute('readonly')).not.toBeNull();
  expect(await field('Zona waktu').inputValue()).toBe('WIB (Asia/Jakarta)');
  expect(await page.getByRole('button', { name: 'Simpan profil' }).count()).toBe(0);
  await page.getByText('HP sudah terdaftar: profil ini dari server', { exact: false }).waitFor();
  expect((await updateLibrary(server.database.db, library.id, { village: 'Sukamaju Baru', timezone: 'Asia/Makassar' }))?.ok).toBe(true);
  await page.getByRole('link', { name: 'Kirim data' }).click();
  await page.getByRole('button', { name: 'Kirim sekarang' }).click();
  await page.getByRole('link', { name: 'Pengaturan' }).click();
  await poll(() => field('Desa/Kelurahan').inputValue()).toBe('Sukamaju Baru');
  expect(await field('Zona waktu').inputValue()).toBe('WITA (Asia/Makassar)');
  expect(await storedLibrary()).toMatchObject({ id: library.id, village: 'Sukamaju Baru', timezone: 'Asia/Makassar', npp: '3516012E1000001' });
  expect(await seriousViolations(page)).toEqual([]);

  // Read-only, a field is text, not a box, and a long name shows whole: 320 px wide, a 32 px font.
  const longName = 'Perpustakaan Desa Taman Bacaan Masyarakat Sukamaju Sejahtera';
  expect(longName.length).toBe(60);
  // The administrator also takes the NPP away: its field shows a dash, not a blank.
  expect((await updateLibrary(server.database.db, library.id, { name: longName, npp: null }))?.ok).toBe(true);
  await page.getByRole('link', { name: 'Kirim data' }).click();
  await page.getByRole('button', { name: 'Kirim sekarang' }).click();
  await page.getByRole('link', { name: 'Pengaturan' }).click();
  await poll(() => field('Nama perpustakaan').inputValue()).toBe(longName);
  expect(await field('NPP').inputValue()).toBe('');
  expect(await field('NPP').getAttribute('placeholder')).toBe('—');
  const cdp = await page.context().newCDPSession(page);
  try {
    await page.setViewportSize({ width: 320, height: 640 });
    await cdp.send('Page.setFontSizes', { fontSizes: { standard: 32 } });
    for (const label of ['Nama perpustakaan', 'Zona waktu']) {
      const shown = await field(label).evaluate((el) => {
        const style = getComputedStyle(el);
        return {
          clipped: el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight,
          lines: Math.round(el.getBoundingClientRect().height / parseFloat(style.lineHeight)),
          border: style.borderTopStyle === 'none' || parseFloat(style.borderTopWidth) === 0 ? 'none' : style.borderTop,
          background: style.backgroundColor,
          right: el.getBoundingClientRect().right <= window.innerWidth,
        };
      });
      expect(shown, label).toMatchObject({ clipped: false, border: 'none', background: 'rgba(0, 0, 0, 0)', right: true });
      if (label === 'Nama perpustakaan') expect(shown.lines, label).toBeGreaterThan(2);
    }
    expect(await field('Zona waktu').inputValue()).toBe('WITA (Asia/Makassar)');
    // Still a control that takes focus (Tab reaches it), the name's field.
    await field('Nama perpustakaan').focus();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('profile-name');
    expect(await seriousViolations(page)).toEqual([]);
  } finally {
    await cdp.send('Page.setFontSizes', { fontSizes: { standard: 16 } });
    await page.setViewportSize({ width: 360, height: 640 });
    await cdp.detach();
  }
}, 180_000);
