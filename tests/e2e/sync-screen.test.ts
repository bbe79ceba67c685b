/**
 * Kirim data in Debian's Chromium at 360×640, against the production build:
 * - the enrolment form's fields are 44 px tap targets, "Alamat server" (type=url) too, where
 *   the app is served by a static host (it asks for the server's address);
 * - a phone served by the sync server, offline, is not offered "Alamat server";
 * - a failed enrolment (no code, no signal, a wrong code) moves focus to the code field,
 *   which its message describes, so a screen reader reads it;
 * - "Kirim sekarang" offline says so in plain words, never the browser's "Failed to fetch",
 *   in Indonesian and in English;
 * - after a sync in which the server rejected an entry, the screen says so, not
 *   "Semua terkirim." (and later syncs still name the rejected entries), and keeps a count
 *   of them with a way to the list;
 * - Pengaturan counts the activities as Daftar kegiatan does (deleted ones left out);
 * - a phone locked out of enrolment (ten wrong codes) is told how many minutes to wait;
 * - "Kirim sekarang" keeps focus while it sends and says how this send went, whatever it
 *   was (sent, rejected, offline, 503); a successful enrolment leaves focus on the heading
 *   of Kirim data, or of Beranda when it was made from the first screen.
 * - a failed send is said once (the button's answer, not also "Gagal terakhir"), and only that
 *   answer is a live region, not the counts; a failure of a sync this view did not start still
 *   shows; Daftar kegiatan speaks its count only when a filter changes it.
 * Every state of the screen is checked with axe-core and for 44 px tap targets.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import {
  buildApp,
  daysAgo,
  fillFirstRun,
  focusedElement,
  launchPhone,
  logEntryOn,
  needsBrowser,
  queueEntryTheServerRejects,
  scrollsSideways,
  seriousViolations,
  smallTapTargets,
  startStaticServer,
  type StaticServer,
} from './harness';
import { startSyncServer, type SyncServer } from '../device/sync-harness';

let build = '';
let staticHost: StaticServer;
let server: SyncServer;
const phones: { context: BrowserContext; close: () => Promise<void> }[] = [];
let launchError: unknown = null;

beforeAll(async () => {
  build = await buildApp('e2e-sync-screen');
  staticHost = await startStaticServer(build);
  server = await startSyncServer({ distDir: build, realClock: true });
  // Chromium must start (or the tests are skipped where it cannot, outside CI).
  try {
    phones.push(await launchPhone());
  } catch (e) {
    launchError = e;
  }
});

afterAll(async () => {
  for (const p of phones) await p.close();
  await staticHost?.close();
  await server?.stop();
  if (build) rmSync(build, { recursive: true, force: true });
});

const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });

/** A fresh phone (its own browser profile) past the first run at `url`, its worker in control. */
async function newPhone(url: string, name: string): Promise<{ context: BrowserContext; page: Page }> {
  const phone = await launchPhone();
  phones.push(phone);
  const page = await phone.context.newPage();
  await page.goto(url);
  await fillFirstRun(page, name);
  await page.getByRole('region', { name: 'Warna KPI' }).waitFor();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  return { context: phone.context, page };
}

async function openSync(page: Page) {
  await page.getByRole('link', { name: 'Kirim data' }).first().click();
  await poll(() => page.getByRole('heading', { level: 1, name: 'Kirim data' }).count()).toBe(1);
}

async function expectTidy(page: Page, screen: string) {
  expect(await seriousViolations(page), screen).toEqual([]);
  expect(await smallTapTargets(page), screen).toEqual([]);
  expect(await scrollsSideways(page), screen).toBe(false);
}

/** Height of the control labelled `label`, in CSS px. */
async function heightOf(page: Page, label: string): Promise<number> {
  return (await page.getByLabel(label, { exact: true }).boundingBox())?.height ?? 0;
}



it('served by a static host: the enrolment form, "Alamat server" included, has 44 px fields', async (ctx) => {
  needsBrowser(launchError, ctx);
  const { page } = await newPhone(staticHost.url, 'Perpustakaan Statis');
  await openSync(page);
  await page.getByLabel('Alamat server', { exact: true }).waitFor();
  for (const label of ['Kode pendaftaran', 'Alamat server', 'Nama HP (tidak wajib)']) expect(await heightOf(page, label), label).toBeGreaterThanOrEqual(44);
  expect(await page.getByLabel('Alamat server', { exact: true }).getAttribute('type')).toBe('url');
  await expectTidy(page, 'Kirim data (static host)');
  await page.close();
}, 120_000);

it('served by the sync server: offline, no "Alamat server"; plain words for failures; rejected entries counted; Pengaturan agrees with the list', async (ctx) => {
  needsBrowser(launchError, ctx);
  const library = await server.addLibrary('Perpustakaan Layar Kirim');
  const { context, page } = await newPhone(server.url, 'Perpustakaan Layar Kirim');

  // Offline before the screen ever asked the server: the form offers no "Alamat server".
  await context.setOffline(true);
  await openSync(page);
  await page.getByLabel('Kode pendaftaran', { exact: true }).waitFor();
  await page.waitForTimeout(300); // the /healthz question fails at once offline
  expect(await page.getByLabel('Alamat server', { exact: true }).count()).toBe(0);
  for (const label of ['Kode pendaftaran', 'Nama HP (tidak wajib)']) expect(await heightOf(page, label), label).toBeGreaterThanOrEqual(44);
  await expectTidy(page, 'Kirim data (offline enrolment)');

  // A failed enrolment is read out: focus goes to the code field, which the message describes.
  const codeField = page.getByLabel('Kode pendaftaran', { exact: true });
  const expectReadOut = async (message: string) => {
    await page.getByText(message, { exact: true }).waitFor();
    await poll(() => codeField.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await codeField.getAttribute('aria-invalid')).toBe('true');
    const described = await codeField.evaluate((el) =>
      (el.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? ''),
    );
    expect(described.some((text) => text.includes(message))).toBe(true);
  };
  await page.getByRole('button', { name: 'Daftarkan' }).click();
  await expectReadOut('Kode pendaftaran wajib diisi.');
  await codeField.fill('ABCD-2345');
  await page.getByRole('button', { name: 'Daftarkan' }).click();
  await expectReadOut('Tidak tersambung ke server. Periksa sinyal lalu coba lagi.');

  // Online again, the server answers: still none, and enrolment needs only the code.
  await context.setOffline(false);
  // Sent with Enter from the field, where focus already is: a wrong code is read out all the same.
  // (A screen reader reads a field when it gains focus: it must gain it again.)
  await codeField.fill('WXYZ-2345');
  await codeField.evaluate((el) => el.addEventListener('focus', () => el.setAttribute('data-refocused', ''), { once: true }));
  await codeField.press('Enter');
  await expectReadOut('Kode pendaftaran tidak dikenal, sudah dipakai, atau kedaluwarsa.');
  expect(await codeField.getAttribute('data-refocused')).toBe('');
  await expectTidy(page, 'Kirim data (wrong code)');
  await page.getByLabel('Kode pendaftaran', { exact: true }).fill(await server.code(library.id));
  await page.getByRole('button', { name: 'Daftarkan' }).click();
  await page.getByText('Terdaftar untuk Perpustakaan Layar Kirim', { exact: true }).waitFor();
  await poll(() => page.locator('[data-sync-waiting]').getAttribute('data-sync-waiting')).toBe('0');

  // "Kirim sekarang" offline: plain words, not the browser's (said once, by its answer: see below).
  await context.setOffline(true);
  await page.getByRole('button', { name: 'Kirim sekarang' }).click();
  await page.getByRole('status').getByText('Belum terkirim: tidak ada sinyal atau server tidak terjangkau.', { exact: true }).waitFor();
  expect(await page.locator('main').textContent()).not.toMatch(/Failed to fetch|fetch/i);
  await expectTidy(page, 'Kirim data (offline failure)');

  // The same in English: the stored failure, once the answer to the button is gone with the view.
  const failure = page.locator('.sync-status .error');
  await page.getByRole('link', { name: 'Pengaturan' }).click();
  await page.getByLabel('Bahasa', { exact: true }).selectOption('en');
  await page.getByRole('link', { name: 'Send data' }).first().click();
  await poll(() => failure.textContent()).toBe('Last failure: No signal, or the server cannot be reached.');
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Language', { exact: true }).selectOption('id');
  await context.setOffline(false);

  // Two entries sent, then a third the server rejects: not "Semua terkirim."
  await logEntryOn(page, { title: 'Kelas membaca pagi', date: daysAgo(2) });
  await logEntryOn(page, { title: 'Kelas membaca sore', date: daysAgo(3) });
  await openSync(page);
  await page.getByRole('button', { name: 'Kirim sekarang' }).click();
  await page.getByText('Semua terkirim.', { exact: true }).waitFor();
  await queueEntryTheServerRejects(page, 'Kegiatan yang ditolak');
  await page.getByRole('button', { name: 'Kirim sekarang' }).click();
  await page
    .getByText('Terkirim, tetapi 1 kegiatan ditolak server — buka Daftar kegiatan untuk memperbaikinya.', { exact: true })
    .waitFor();
  expect(await page.getByText('Semua terkirim.', { exact: true }).count()).toBe(0);
  const rejectedLine = page.locator('[data-sync-rejected]');
  expect(await rejectedLine.getAttribute('data-sync-rejected')).toBe('1');
  expect(await rejectedLine.textContent()).toContain('1 kegiatan ditolak server, menunggu diperbaiki');
  await expectTidy(page, 'Kirim data (rejected)');

  // Beranda says it too, with a way to the entry (a librarian may never open Kirim data).
  await page.getByRole('link', { name: 'Beranda' }).click();
  const homeWord = page.getByText('1 kegiatan ditolak server dan perlu diperbaiki agar tersimpan di server.');
  await homeWord.waitFor();
  await page.getByRole('link', { name: 'Perbaiki' }).click();
  await poll(() => page.locator('.entry').count()).toBe(1);
  await poll(() => page.locator('[data-sync-status="rejected"]').count()).toBe(1);
  // The count stays on the screen (not only right after a sync), and leads to the list.
  await page.getByRole('link', { name: 'Beranda' }).click();
  await openSync(page);
  await poll(() => rejectedLine.getAttribute('data-sync-rejected')).toBe('1');
  // A later "Kirim sekarang" with nothing new to send still names the one waiting for a fix.
  await page.getByRole('button', { name: 'Kirim sekarang' }).click();
  await page
    .getByText('Tidak ada yang baru untuk dikirim. Masih ada 1 kegiatan yang ditolak server — buka Daftar kegiatan untuk memperbaikinya.', { exact: true })
    .waitFor();
  await page.getByRole('link', { name: 'Lihat yang ditolak' }).click();
  await poll(() => page.getByRole('heading', { level: 1, name: 'Daftar kegiatan' }).count()).toBe(1);
  await poll(() => page.locator('[data-sync-status="rejected"]').count()).toBe(1);
  // It shows only what the server rejected; "Semua" shows the rest again.
  expect(await page.locator('.entry').count()).toBe(1);
  await page.getByLabel('Status kirim', { exact: true }).selectOption('');
  await page.getByRole('button', { name: 'Hapus Kelas membaca pagi' }).waitFor();

  // Delete a sent entry (a tombstone stays on the phone): Pengaturan counts as the list does.
  // Offline, so the delete is still waiting when Pengaturan is read.
  await context.setOffline(true);
  await page.getByRole('button', { name: 'Hapus Kelas membaca pagi' }).click();
  await page.getByText('2 kegiatan', { exact: true }).waitFor();
  await page.getByRole('link', { name: 'Pengaturan' }).click();
  await page.getByText('2 kegiatan tersimpan, 0 belum terkirim', { exact: true }).waitFor();
  // The delete itself waits to be sent: unsent work a reset would lose, so it is said apart.
  await page.getByText('Penghapusan yang belum terkirim: 1.', { exact: true }).waitFor();

  // Still offline: a new entry, then edited. Kirim data counts changes, and says of how many
  // activities when that is fewer (Pengaturan counts activities).
  await logEntryOn(page, { title: 'Kelas menulis', date: daysAgo(1) });
  await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
  await page.getByRole('link', { name: 'Ubah Kelas menulis' }).click();
  await page.getByLabel('Judul kegiatan', { exact: true }).fill('Kelas menulis cerita');
  await page.getByRole('button', { name: 'Simpan', exact: true }).click();
  await page.getByRole('region', { name: 'Warna KPI' }).waitFor();
  await openSync(page);
  await page.getByText('3 perubahan dari 2 kegiatan menunggu dikirim', { exact: true }).waitFor();
  await page.getByRole('link', { name: 'Pengaturan' }).click();
  await page.getByText('3 kegiatan tersimpan, 1 belum terkirim', { exact: true }).waitFor();

  // The list shows what is not sent yet on its own, as Pengaturan counts it.
  await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
  await page.getByLabel('Status kirim', { exact: true }).selectOption({ label: 'Belum terkirim' });
  await poll(() => page.locator('.entry h2').allTextContents()).toEqual(['Kelas menulis cerita']);
  await page.getByLabel('Status kirim', { exact: true }).selectOption('');

  // The refused entry deleted (on the phone alone: the server never stored it), Beranda says no more of it.
  await page.getByRole('button', { name: 'Hapus Kegiatan yang ditolak' }).click();
  await page.getByRole('link', { name: 'Beranda' }).click();
  await page.getByRole('region', { name: 'Warna KPI' }).waitFor();
  expect(await homeWord.count()).toBe(0);
  await page.close();
}, 300_000);

it('"Kirim sekarang" keeps focus and says how each send went; an enrolment leaves focus on a heading, from Kirim data or the first screen', async (ctx) => {
  needsBrowser(launchError, ctx);
  const library = await server.addLibrary('Perpustakaan Fokus Kirim');
  const { context, page } = await newPhone(server.url, 'Perpustakaan Fokus Kirim');
  const focused = () => focusedElement(page);
  await openSync(page);
  await page.getByLabel('Kode pendaftaran', { exact: true }).fill(await server.code(library.id));
  await page.getByRole('button', { name: 'Daftarkan' }).click();
  await page.getByText('Terdaftar untuk Perpustakaan Fokus Kirim', { exact: true }).waitFor();
  // The form whose "Daftarkan" had focus is gone: focus is on the screen's heading.
  await poll(focused).toBe('H1 Kirim data');
  await page.getByRole('status').getByText('HP terdaftar untuk Perpustakaan Fokus Kirim. Semua terkirim.', { exact: true }).waitFor();

  // Each send: focus stays on the button, and the status region says how this one went.
  const send = page.getByRole('button', { name: 'Kirim sekarang' });
  const sendAndHear = async (outcome: string) => {
    await send.click();
    await page.getByRole('status').getByText(outcome, { exact: true }).waitFor();
    await poll(focused).toBe('BUTTON Kirim sekarang');
  };
  await sendAndHear('Semua terkirim.');
  await queueEntryTheServerRejects(page, 'Kegiatan yang ditolak', '019a0000-0000-7000-8000-0000000000f1');
  await sendAndHear('Terkirim, tetapi 1 kegiatan ditolak server — buka Daftar kegiatan untuk memperbaikinya.');
  await context.setOffline(true);
  await sendAndHear('Belum terkirim: tidak ada sinyal atau server tidak terjangkau.');
  // The server busy (503), from before the connection returns: the sync that `online` starts meets it too.
  await context.route('**/api/v1/sync/**', (route) =>
    route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'Service Unavailable' } }) }),
  );
  await context.setOffline(false);
  await sendAndHear('Belum terkirim: server sedang bermasalah. Kegiatan tetap aman di HP; coba lagi nanti.');
  await context.unroute('**/api/v1/sync/**');
  // A later sync that gets through on its own (here the page coming back to the front) takes
  // the stale failure away: it would contradict the status lines.
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await poll(() => page.getByText('Belum terkirim:', { exact: false }).count()).toBe(0);
  await expectTidy(page, 'Kirim data (a failed send)');
  await page.close();

  // Enrolled from the first screen: Beranda replaces the form, focus is on its heading.
  const joining = await launchPhone();
  phones.push(joining);
  const first = await joining.context.newPage();
  await first.goto(server.url);
  await first.getByRole('button', { name: 'Sudah punya kode pendaftaran? Daftarkan HP ini', exact: true }).click();
  await first.getByLabel('Kode pendaftaran', { exact: true }).fill(await server.code(library.id));
  await first.getByRole('button', { name: 'Daftarkan' }).click();
  await first.getByRole('region', { name: 'Warna KPI' }).waitFor();
  await poll(() => focusedElement(first)).toBe('H1 Beranda');
  await first.close();
}, 180_000);

it('a failed send is said once and only the outcome is live; a failure in the background still shows; the list speaks its count only after a filter', async (ctx) => {
  needsBrowser(launchError, ctx);
  const library = await server.addLibrary('Perpustakaan Sekali Bilang');
  const { context, page } = await newPhone(server.url, 'Perpustakaan Sekali Bilang');
  await openSync(page);
  await page.getByLabel('Kode pendaftaran', { exact: true }).fill(await server.code(library.id));
  await page.getByRole('button', { name: 'Daftarkan' }).click();
  await page.getByRole('status').getByText('HP terdaftar untuk Perpustakaan Sekali Bilang. Semua terkirim.', { exact: true }).waitFor();

  /** The words of every live region in the screen, as a screen reader would hear them change. */
  const spoken = () =>
    page.evaluate(() =>
      [...document.querySelectorAll('main [aria-live]:not([aria-live="off"]), main [role="status"], main [role="alert"], main [role="log"]')]
        .map((el) => el.textContent?.trim() ?? '')
        .filter(Boolean),
    );
  /** Lines of `selector` that sit inside a live region. */
  const liveLines = (selector: string) =>
    page.evaluate(
      (sel) =>
        [...document.querySelectorAll(sel)]
          .filter((el) => el.closest('[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"], [role="log"]'))
          .map((el) => el.textContent),
      selector,
    );
  /** How many times `text` is in the screen. */
  const times = async (text: string) => ((await page.locator('main').textContent()) ?? '').split(text).length - 1;

  // The counts and status lines change as entries are sent or pulled: none is a live region.
  expect(await page.locator('.sync-status p').count()).toBeGreaterThanOrEqual(4);
  expect(await liveLines('.sync-status p')).toEqual([]);

  // Offline, "Kirim sekarang" fails: its answer says so, in the status region, and only there.
  // After a colon, lower case (Indonesian).
  const noSignal = 'tidak ada sinyal atau server tidak terjangkau.';
  await context.setOffline(true);
  await page.getByRole('button', { name: 'Kirim sekarang' }).click();
  await page.getByRole('status').getByText(`Belum terkirim: ${noSignal}`, { exact: true }).waitFor();
  await page.waitForTimeout(300); // the stored failure's re-render, had it shown a second line
  expect(await times(noSignal)).toBe(1);
  expect(await times('Gagal terakhir')).toBe(0);
  // The connection's line, said once as it changed, and the button's answer.
  expect((await spoken()).sort()).toEqual([`Belum terkirim: ${noSignal}`, 'Tidak ada sinyal: kegiatan tetap aman di HP'].sort());
  await expectTidy(page, 'Kirim data (failed once)');

  // A failure of a sync this view did not start (the one the signal coming back starts) still shows.
  const busy = 'server sedang bermasalah. Kegiatan tetap aman di HP; coba lagi nanti.';
  await context.route('**/api/v1/sync/**', (route) =>
    route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'Service Unavailable' } }) }),
  );
  await context.setOffline(false);
  await page.getByText(`Gagal terakhir: ${busy}`, { exact: true }).waitFor();
  expect(await times(busy)).toBe(1);
  // And on opening the screen again, with no send pressed there.
  await page.getByRole('link', { name: 'Beranda' }).click();
  await openSync(page);
  await page.getByText(`Gagal terakhir: ${busy}`, { exact: true }).waitFor();
  expect(await times(busy)).toBe(1);
  expect(await spoken()).toEqual([]);
  // Pressed now, the same failure again: said once, by the button's answer.
  await page.getByRole('button', { name: 'Kirim sekarang' }).click();
  await page.getByRole('status').getByText(`Belum terkirim: ${busy}`, { exact: true }).waitFor();
  await page.waitForTimeout(300);
  expect(await times(busy)).toBe(1);
  expect(await times('Gagal terakhir')).toBe(0);
  await context.unroute('**/api/v1/sync/**');

  // Daftar kegiatan: its count is said when a filter changes it, not when a delete or an undo does.
  await logEntryOn(page, { title: 'Kelas dongeng', date: daysAgo(1) });
  await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
  await page.getByRole('heading', { level: 2, name: 'Kelas dongeng' }).waitFor();
  const count = page.locator('main p').filter({ hasText: /^\d+ kegiatan$/ });
  expect(await count.textContent()).toBe('1 kegiatan');
  expect(await liveLines('main p')).toEqual([]);
  expect(await spoken()).toEqual([]);
  await page.getByLabel('Strategi', { exact: true }).selectOption('advokasi');
  await poll(spoken).toEqual(['0 kegiatan Tidak ada kegiatan yang cocok dengan pilihan ini.']);
  // Shown once all the same (what the list's other tests find it by).
  expect(await page.getByText('Tidak ada kegiatan yang cocok dengan pilihan ini.', { exact: true }).count()).toBe(1);
  await page.getByLabel('Strategi', { exact: true }).selectOption('');
  await poll(spoken).toEqual(['1 kegiatan']);
  await page.getByRole('button', { name: 'Hapus Kelas dongeng' }).click();
  await poll(() => count.textContent()).toBe('0 kegiatan');
  // Only the delete's own offer; the count said before is gone, not left stale.
  expect(await spoken()).toEqual(['Kegiatan "Kelas dongeng" dihapus. Urungkan']);
  await page.getByRole('button', { name: 'Urungkan' }).click();
  await poll(() => count.textContent()).toBe('1 kegiatan');
  expect(await spoken()).toEqual([]);
  await expectTidy(page, 'Daftar kegiatan (after an undo)');
  await page.close();
}, 180_000);

it('a phone locked out of enrolment after ten wrong codes is told how many minutes to wait', async (ctx) => {
  needsBrowser(launchError, ctx);
  const { page } = await newPhone(server.url, 'Perpustakaan Salah Kode');
  await openSync(page);
  // Wrong codes from this address until the server locks it (10 in 15 minutes; the test above sent one).
  const statuses = await page.evaluate(async () => {
    const seen: number[] = [];
    for (let i = 0; i < 12 && !seen.includes(429); i++) {
      const res = await fetch('/api/v1/enroll', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'QQQQ-2345' }) });
      seen.push(res.status);
    }
    return seen;
  });
  expect(statuses.at(-1)).toBe(429);
  await page.getByLabel('Kode pendaftaran', { exact: true }).fill('WXYZ-2346');
  await page.getByRole('button', { name: 'Daftarkan' }).click();
  // The window is 15 minutes from the oldest failure: 14 or 15 minutes left, said in whole minutes.
  await page.getByText(/^Terlalu banyak kode yang salah\. Coba lagi dalam 1[45] menit\.$/).waitFor();
  await page.close();
}, 120_000);
