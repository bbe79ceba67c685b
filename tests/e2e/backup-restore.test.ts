/**
 * Restoring a JSON backup in Debian's Chromium, against the production build: another
 * phone's entries count on this phone's KPI card once restored (also after a reload), and
 * a broken file is explained in plain Indonesian, naming the entry and the field.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { uuidv7 } from '../../src/device/uuid';
import { fillFirstRun, fillStorage, launchPhone, needsBrowser, startStaticServer, type StaticServer } from './harness';
import { browserSuite } from './suite';

let server: StaticServer;
let page: Page;
let launchError: unknown = null;
browserSuite('e2e-backup', startStaticServer, (suite) => ({ server, page, launchError } = suite));

const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });
const field = (label: string) => page.getByLabel(label, { exact: true });
const kpiCard = () => page.getByRole('region', { name: 'Warna KPI' });
const colour = () => kpiCard().getAttribute('data-kpi-colour');

/** Phone A's backup (not enrolled: its library is a local one): one entry per strategy, today. */
function backupOfPhoneA(change: (entries: Record<string, unknown>[]) => void = () => {}): Buffer {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date());
  const at = new Date().toISOString();
  const libraryId = `lokal-${uuidv7()}`;
  const entries: Record<string, unknown>[] = [
    ['pelibatan', 'lomba', 'Lomba baca puisi'],
    ['advokasi', 'musyawarah_desa', 'Musdes 2026'],
    ['layanan', 'layanan_tik', 'Layanan internet'],
  ].map(([strategy, activityType, title]) => ({
    id: uuidv7(),
    libraryId,
    strategy,
    activityType,
    title,
    date: today,
    participantsMale: 3,
    participantsFemale: 4,
    createdAt: at,
    updatedAt: at,
    deleted: false,
  }));
  change(entries);
  const library = { id: libraryId, name: 'Perpustakaan Melati', village: 'Sukamaju', district: 'Cibeber', regency: 'Cianjur', province: 'Jawa Barat', timezone: 'Asia/Jakarta' };
  return Buffer.from(JSON.stringify({ format: 'tpbis-lapor-backup', version: 1, exportedAt: at, library, entries }));
}

describe('restoring a backup', () => {
  it('explains a broken file in plain Indonesian and changes nothing', async (ctx) => {
    needsBrowser(launchError, ctx);
    await page.goto(server.url);
    await fillFirstRun(page, 'Perpustakaan Melati');
    await page.getByRole('link', { name: 'Pengaturan' }).click();
    const broken = backupOfPhoneA((entries) => {
      entries[0].title = 'ab';
      entries[1].participantsMale = -3;
    });
    await field('Pulihkan dari cadangan JSON').setInputFiles({ name: 'rusak.json', mimeType: 'application/json', buffer: broken });
    const notice = page.getByRole('status').filter({ hasText: 'Tidak ada yang diubah' });
    await notice.waitFor();
    const text = (await notice.textContent()) ?? '';
    expect(text).toContain('Kegiatan ke-1 “ab”: Judul kegiatan minimal 3 karakter');
    expect(text).toContain('Kegiatan ke-2 “Musdes 2026”: Peserta laki-laki minimal 0');
    expect(text).not.toMatch(/Invalid|Too small|expected|entries\./);
    await page.getByRole('link', { name: 'Beranda' }).click();
    await poll(colour).toBe('abu-abu');
  });

  it("counts another phone's restored entries on the card, also after a reload", async (ctx) => {
    needsBrowser(launchError, ctx);
    await page.getByRole('link', { name: 'Pengaturan' }).click();
    // Storage full: it says so, and nothing changed.
    const roomAgain = await fillStorage(page, 'entries');
    await field('Pulihkan dari cadangan JSON').setInputFiles({ name: 'cadangan.json', mimeType: 'application/json', buffer: backupOfPhoneA() });
    await page.getByText(/Cadangan belum bisa dipulihkan: penyimpanan ponsel penuh\? Data di HP tidak berubah/).waitFor();
    await roomAgain();
    await page.getByRole('link', { name: 'Beranda' }).click();
    await poll(colour).toBe('abu-abu');
    await page.getByRole('link', { name: 'Pengaturan' }).click();
    await field('Pulihkan dari cadangan JSON').setInputFiles({ name: 'cadangan.json', mimeType: 'application/json', buffer: backupOfPhoneA() });
    await page.getByText('Cadangan dipulihkan: 3 baru, 0 diperbarui, 0 sudah ada.').waitFor();
    await page.getByRole('link', { name: 'Beranda' }).click();
    await poll(colour).toBe('kuning');
    await page.reload();
    await poll(colour).toBe('kuning');
  });

  it('on a new phone, restores the profile and the entries from the first screen, typing nothing', async (ctx) => {
    needsBrowser(launchError, ctx);
    const fresh = await launchPhone();
    try {
      const p = await fresh.context.newPage();
      await p.goto(server.url);
      const restore = p.getByLabel('Pulihkan dari cadangan JSON', { exact: true });
      await p.getByRole('heading', { name: 'Pindah dari HP lama?' }).waitFor();
      // A file without a complete profile: said, and the first screen stays.
      const bare = JSON.parse(backupOfPhoneA().toString());
      await restore.setInputFiles({ name: 'tanpa-profil.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...bare, library: null })) });
      await p.getByRole('status').getByText(/^Cadangan ini tidak memuat profil perpustakaan yang lengkap\./).waitFor();
      expect(await p.getByLabel('Nama perpustakaan', { exact: true }).count()).toBe(1);
      // A whole one: Beranda, the old phone's library and its entries counted.
      await restore.setInputFiles({ name: 'cadangan.json', mimeType: 'application/json', buffer: backupOfPhoneA() });
      await p.getByRole('region', { name: 'Warna KPI' }).waitFor();
      await p.getByText('Cadangan dipulihkan: 3 baru, 0 diperbarui, 0 sudah ada.').waitFor();
      expect(await p.locator('.library-name').textContent()).toBe('Perpustakaan Melati');
      await expect.poll(() => p.getByRole('region', { name: 'Warna KPI' }).getAttribute('data-kpi-colour'), { timeout: 15_000 }).toBe('kuning');
      // The profile is the file's, its local id kept, editable as any profile before enrolment.
      await p.getByRole('link', { name: 'Pengaturan' }).click();
      expect(await p.getByLabel('Kabupaten/Kota', { exact: true }).inputValue()).toBe('Cianjur');
      expect(await p.getByLabel('Kabupaten/Kota', { exact: true }).getAttribute('readonly')).toBeNull();
    } finally {
      await fresh.close();
    }
  });
});
