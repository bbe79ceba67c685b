/**
 * Daftar kegiatan with many entries, in Debian's Chromium: it draws 100 rows at a time
 * ("Tampilkan … kegiatan lagi"), since all 5,000 of a full phone took 4–5 s to draw on a
 * slow phone. The next rows take focus where reading goes on; back from editing one, the
 * rows drawn are still there; a filter, or the list opened afresh, starts again from the top;
 * an entry undone past the rows drawn is drawn and takes focus.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { BACKUP_FORMAT, BACKUP_VERSION } from '../../src/device/backup';
import { entry } from '../device/helpers';
import { startSyncServer, type SyncServer } from '../device/sync-harness';
import { daysAgo, fillFirstRun, needsBrowser } from './harness';
import { browserSuite } from './suite';

let server: SyncServer;
let page: Page;
let launchError: unknown = null;
browserSuite('e2e-long-list', (dist) => startSyncServer({ distDir: dist, realClock: true }), (suite) => ({ server, page, launchError } = suite));

const rows = () => page.locator('li.entry');
const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });

it('draws a long list 100 rows at a time, keeps them drawn after an edit, and starts again on a filter', async (ctx) => {
  needsBrowser(launchError, ctx);
  await page.goto(server.url);
  await fillFirstRun(page, 'Perpustakaan Daftar Panjang');
  await page.getByRole('region', { name: 'Warna KPI' }).waitFor();

  // 230 entries, one a day back from yesterday, restored from a backup: "Kegiatan 1" is the newest.
  const entries = Array.from({ length: 230 }, (_, i) => entry({ libraryId: 'lokal-uji-panjang', title: `Kegiatan ${i + 1}`, date: daysAgo(i + 1) }));
  const file = { format: BACKUP_FORMAT, version: BACKUP_VERSION, exportedAt: new Date().toISOString(), library: null, entries };
  await page.getByRole('link', { name: 'Pengaturan' }).click();
  await page.getByLabel('Pulihkan dari cadangan JSON', { exact: true }).setInputFiles({ name: 'cadangan.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
  // The file names no library: asked first whether its entries are this one's.
  await page.getByRole('button', { name: 'Pulihkan untuk Perpustakaan Daftar Panjang' }).click();
  await page.getByText('Cadangan dipulihkan: 230 baru', { exact: false }).waitFor();

  await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
  await page.getByText('230 kegiatan', { exact: true }).waitFor();
  await poll(() => rows().count()).toBe(100);
  expect(await rows().first().getByRole('heading').textContent()).toBe('Kegiatan 1');

  await page.getByRole('button', { name: 'Tampilkan 100 kegiatan lagi' }).click();
  await poll(() => rows().count()).toBe(200);
  // Focus on the first of the new rows, where reading goes on.
  await poll(() => page.evaluate(() => document.activeElement?.querySelector('h2')?.textContent)).toBe('Kegiatan 101');
  await page.getByRole('button', { name: 'Tampilkan 30 kegiatan lagi' }).click();
  await poll(() => rows().count()).toBe(230);
  expect(await page.getByRole('button', { name: /Tampilkan .* kegiatan lagi/ }).count()).toBe(0);

  // Back from editing the 150th, the rows drawn are still there.
  await page.getByRole('link', { name: 'Ubah Kegiatan 150', exact: true }).click();
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.goBack();
  await page.getByText('230 kegiatan', { exact: true }).waitFor();
  await poll(() => rows().count()).toBe(230);

  // A filter starts from the top again.
  await page.getByRole('button', { name: 'Hapus Kegiatan 150', exact: true }).click();
  await page.getByLabel('Strategi', { exact: true }).selectOption('pelibatan');
  await poll(() => rows().count()).toBe(100);
  await page.getByRole('button', { name: 'Tampilkan 100 kegiatan lagi' }).waitFor();
  await page.getByLabel('Strategi', { exact: true }).selectOption('');
  await poll(() => rows().count()).toBe(100);

  // Undone, the entry comes back past the rows drawn: it is drawn, and takes focus.
  await page.getByRole('button', { name: 'Urungkan' }).click();
  await poll(() => page.evaluate(() => document.activeElement?.querySelector('h2')?.textContent)).toBe('Kegiatan 150');
  await poll(() => rows().count()).toBe(150);

  // Opened afresh (not back from an edit), the list draws one page.
  await page.getByRole('link', { name: 'Beranda' }).click();
  await page.getByRole('region', { name: 'Warna KPI' }).waitFor();
  await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
  await page.getByText('230 kegiatan', { exact: true }).waitFor();
  await poll(() => rows().count()).toBe(100);
});
