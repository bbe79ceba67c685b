/**
 * A rulebook that drops an activity type, in Debian's Chromium against the real server
 * serving the production build: the administrator publishes one without `lomba` after the
 * phone sent a lomba entry. After the next sync, Beranda says in one line that an entry is
 * not counted and why; Daftar kegiatan names its type in words, marked; "Ubah" shows that
 * type chosen and marked, with the reason beside the field (not "— Pilih —"); Simpan refuses
 * it with that reason; another type saves, and the line is gone.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { defaultRulebook } from '../../src/domain';
import { startSyncServer, type SyncServer } from '../device/sync-harness';
import { describedText, fillFirstRun, logEntryOn, needsBrowser, publishRulebook, seriousViolations } from './harness';
import { browserSuite } from './suite';

let server: SyncServer;
let page: Page;
let launchError: unknown = null;
browserSuite('e2e-dropped-type', (dist) => startSyncServer({ distDir: dist, realClock: true }), (suite) => ({ server, page, launchError } = suite));

const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });
const field = (label: string) => page.getByLabel(label, { exact: true });
const kpiCard = () => page.getByRole('region', { name: 'Warna KPI' });
const todayInJakarta = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date());
/** The message tied to a control by aria-describedby. */
const messageOf = (label: string) => describedText(page, label);
const NOT_COUNTED = '1 kegiatan tidak dihitung karena jenis kegiatannya tidak ada lagi dalam aturan KPI — ubah jenisnya di Daftar kegiatan.';
/** The card's "n dari m" for pelibatan. */
const pelibatanAmount = () => kpiCard().locator('li', { hasText: 'Kegiatan Pelibatan Masyarakat' }).locator('.component-amount').textContent();
const WITHDRAWN = 'Jenis kegiatan ini tidak ada lagi dalam aturan KPI yang berlaku; pilih jenis lain';

async function sendNow() {
  await page.getByRole('link', { name: 'Kirim data' }).click();
  await page.getByRole('button', { name: 'Kirim sekarang' }).click();
  await page.getByText('Semua terkirim.').waitFor();
}

it('an entry whose type a new rulebook dropped is said, named, and must change type', async (ctx) => {
  needsBrowser(launchError, ctx);
  const library = await server.addLibrary('Perpustakaan Desa Lomba');
  await page.goto(server.url);
  await fillFirstRun(page, 'Perpustakaan lokal');
  await kpiCard().waitFor();
  await page.getByRole('link', { name: 'Kirim data' }).click();
  await field('Kode pendaftaran').fill(await server.code(library.id));
  await page.getByRole('button', { name: 'Daftarkan' }).click();
  await page.getByText('Terdaftar untuk Perpustakaan Desa Lomba', { exact: true }).waitFor();

  const today = todayInJakarta();
  await logEntryOn(page, { title: 'Kelas membaca', date: today, activityType: 'kelas_literasi' });
  await logEntryOn(page, { title: 'Lomba baca puisi', date: today, activityType: 'lomba' });
  await sendNow();

  // The administrator publishes a rulebook without lomba (npm run admin -- rulebook publish).
  const rulebook = structuredClone(defaultRulebook);
  rulebook.id = 'uji-tanpa-lomba';
  rulebook.strategies.pelibatan.activityTypes = rulebook.strategies.pelibatan.activityTypes.filter((x) => x.code !== 'lomba');
  await publishRulebook(server.database, rulebook);
  await sendNow();

  // Beranda: one pelibatan counted, and a line for the one that is not.
  await page.getByRole('link', { name: 'Beranda' }).click();
  await kpiCard().getByText('Aturan uji-tanpa-lomba').waitFor();
  await kpiCard().getByText(NOT_COUNTED, { exact: true }).waitFor();
  expect(await pelibatanAmount()).toMatch(/^1 dari /);

  // Daftar kegiatan: its type in words, marked.
  await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
  const row = page.locator('li.entry', { hasText: 'Lomba baca puisi' });
  await row.getByText('Pelibatan Masyarakat · lomba (tidak ada lagi dalam aturan KPI)', { exact: false }).waitFor();

  // Ubah: the type stays chosen and marked, its reason beside it from the start.
  await page.getByRole('link', { name: 'Ubah Lomba baca puisi', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Ubah kegiatan' }).waitFor();
  await poll(() => field('Jenis kegiatan').evaluate((el: HTMLSelectElement) => el.selectedOptions[0]?.textContent)).toBe(
    'lomba (tidak ada lagi dalam aturan KPI)',
  );
  expect(await field('Jenis kegiatan').inputValue()).toBe('lomba');
  expect(await messageOf('Jenis kegiatan')).toContain(WITHDRAWN);
  expect(await seriousViolations(page)).toEqual([]);

  // Simpan refuses it, with that reason.
  await page.getByRole('button', { name: 'Simpan', exact: true }).click();
  await page.getByRole('alert').waitFor();
  expect(await page.getByRole('heading', { level: 1, name: 'Ubah kegiatan' }).count()).toBe(1);
  expect(await messageOf('Jenis kegiatan')).toContain(WITHDRAWN);

  // Another type saves; the entry counts again and the line is gone.
  await field('Jenis kegiatan').selectOption('diskusi_buku');
  expect(await messageOf('Jenis kegiatan')).not.toContain(WITHDRAWN);
  await page.getByRole('button', { name: 'Simpan', exact: true }).click();
  await kpiCard().waitFor();
  await poll(() => kpiCard().getByText(NOT_COUNTED, { exact: true }).count()).toBe(0);
  expect(await pelibatanAmount()).toMatch(/^2 dari /);
}, 240_000);
