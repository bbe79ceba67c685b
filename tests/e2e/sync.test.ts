/**
 * Sync in Debian's Chromium against the real server serving the production build:
 * an entry logged before enrolment, enrolment through "Kode pendaftaran" (no "Alamat
 * server": the app is served by the server), entries logged offline, the page closed and
 * reopened offline, then the network returns → the `online` trigger sends the queue; the
 * server holds exactly those entries (checked in its database) and each shows "Terkirim";
 * an entry the server rejects stays with "Ditolak: …"; and a second phone enrolled in the
 * same library converges with the first after edits on both.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { buildApp, fillFirstRun, launchPhone, seriousViolations } from './harness';
import { startSyncServer, type SyncServer } from '../device/sync-harness';

let server: SyncServer;
let phone: { context: BrowserContext; close: () => Promise<void> } | null = null;
let page: Page;
let build = '';
let launchError: unknown = null;

beforeAll(async () => {
  build = await buildApp('e2e-sync');
  server = await startSyncServer({ distDir: build, realClock: true });
  try {
    phone = await launchPhone();
  } catch (e) {
    launchError = e;
    return;
  }
  page = await phone.context.newPage();
});

afterAll(async () => {
  await phone?.close();
  await server?.stop();
  if (build) rmSync(build, { recursive: true, force: true });
});

const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });
const field = (label: string) => page.getByLabel(label, { exact: true });
const kpiCard = () => page.getByRole('region', { name: 'Warna KPI' });

/** Each on its own day, so the likely-duplicate check stays quiet. */
async function logEntry(title: string, daysAgo: number) {
  await page.getByRole('link', { name: 'Catat kegiatan' }).click();
  await poll(() => page.getByRole('heading', { level: 1, name: 'Catat kegiatan' }).count()).toBe(1);
  await field('Strategi').selectOption('pelibatan');
  await field('Jenis kegiatan').selectOption('kelas_literasi');
  await field('Judul kegiatan').fill(title);
  await field('Tanggal kegiatan').fill(new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10));
  await field('Peserta laki-laki').fill('8');
  await field('Peserta perempuan').fill('12');
  await page.getByRole('button', { name: 'Simpan', exact: true }).click();
  await kpiCard().waitFor();
}

it('enrols, logs offline, reopens, and sends the queue when the network returns', async (ctx) => {
  if (launchError !== null) {
    if (process.env.CI) throw launchError;
    return ctx.skip(`Chromium did not start: ${String(launchError)}`);
  }
  const library = await server.addLibrary('Perpustakaan Desa Peramban');
  await page.goto(server.url);
  await fillFirstRun(page, 'Perpustakaan lokal');
  await kpiCard().waitFor();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await logEntry('Sebelum daftar', 1);

  await page.getByRole('link', { name: 'Kirim data' }).click();
  await field('Kode pendaftaran').waitFor();
  expect(await field('Alamat server').count()).toBe(0);
  expect(await seriousViolations(page)).toEqual([]);
  await field('Kode pendaftaran').fill((await server.code(library.id)).toLowerCase());
  await page.getByRole('button', { name: 'Daftarkan' }).click();
  await page.getByText('Terdaftar untuk Perpustakaan Desa Peramban', { exact: true }).waitFor();
  await poll(async () => (await server.stored(library.id)).size).toBe(1);

  await phone!.context.setOffline(true);
  const titles = ['Kelas membaca 1', 'Kelas membaca 2', 'Kelas membaca 3'];
  for (const [i, t] of titles.entries()) await logEntry(t, i + 2);
  await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
  await poll(() => page.getByText('Tersimpan di HP').count()).toBe(3);
  await page.close();

  page = await phone!.context.newPage();
  await page.goto(server.url);
  await kpiCard().waitFor();
  await phone!.context.setOffline(false);
  await poll(async () => (await server.stored(library.id)).size).toBe(4);
  const stored = [...(await server.stored(library.id)).values()].map((s) => s.entry.title).sort();
  expect(stored).toEqual(['Sebelum daftar', ...titles].sort());

  await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
  await poll(() => page.locator('[data-sync-status="sent"]').count()).toBe(4);
  expect(await page.getByText('Terkirim').count()).toBe(4);
  await page.getByRole('link', { name: 'Kirim data' }).click();
  await poll(() => page.locator('[data-sync-waiting]').getAttribute('data-sync-waiting')).toBe('0');
  await page.getByText('Terakhir berhasil').waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Kirim sekarang' }).click();
  await page.getByText('Semua terkirim.').waitFor();

  // An entry the server rejects (an activity type its rulebook does not have) stays with its reason.
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('tpbis-lapor');
        open.onsuccess = () => {
          const tx = open.result.transaction(['entries', 'outbox', 'meta'], 'readwrite');
          const meta = tx.objectStore('meta');
          const enrolment = meta.get('enrolment');
          const seq = meta.get('outboxSeq');
          seq.onsuccess = () => {
            const at = new Date().toISOString();
            const e = {
              id: '019a0000-0000-7000-8000-000000000001',
              libraryId: enrolment.result.value.libraryId,
              strategy: 'pelibatan',
              activityType: 'tidak_ada_di_aturan',
              title: 'Kegiatan yang ditolak',
              date: at.slice(0, 10),
              participantsMale: 1,
              participantsFemale: 1,
              createdAt: at,
              updatedAt: at,
              deleted: false,
            };
            const next = (seq.result?.value ?? 0) + 1;
            tx.objectStore('entries').put(e);
            tx.objectStore('outbox').put({ seq: next, baseVersion: 0, entry: e });
            meta.put({ key: 'outboxSeq', value: next });
          };
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
  await page.getByRole('button', { name: 'Kirim sekarang' }).click();
  await poll(() => page.locator('[data-sync-waiting]').getAttribute('data-sync-waiting')).toBe('0');
  await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
  await poll(() => page.locator('[data-sync-status="rejected"]').count()).toBe(1);
  expect(await page.locator('[data-sync-status="rejected"]').textContent()).toMatch(/^Ditolak: .+/);
  expect((await server.stored(library.id)).size).toBe(4);
});

it('two phones enrolled in the same library converge after edits on both', async (ctx) => {
  if (launchError !== null) return ctx.skip(`Chromium did not start: ${String(launchError)}`);
  const libraryId = (await firstLibraryId())!;
  const other = await launchPhone();
  try {
    const a = page;
    const b = await other.context.newPage();
    const on = (p: Page) => ({
      field: (label: string) => p.getByLabel(label, { exact: true }),
      titles: () => p.locator('.entry h2').allTextContents(),
    });
    await b.goto(server.url);
    await fillFirstRun(b, 'Perpustakaan lokal B');
    await b.getByRole('link', { name: 'Kirim data' }).click();
    await on(b).field('Kode pendaftaran').fill(await server.code(libraryId));
    await b.getByRole('button', { name: 'Daftarkan' }).click();
    await b.getByRole('link', { name: 'Daftar kegiatan' }).click();
    await poll(() => on(b).titles().then((t) => t.length)).toBe(4);
    await poll(() => b.locator('[data-sync-status="remote"]').count()).toBe(4);

    const edit = async (p: Page, from: string, to: string) => {
      await p.getByRole('link', { name: 'Daftar kegiatan' }).click();
      await p.getByRole('link', { name: `Ubah ${from}` }).click();
      await poll(() => on(p).field('Judul kegiatan').inputValue()).toBe(from);
      await on(p).field('Judul kegiatan').fill(to);
      await p.getByRole('button', { name: 'Simpan', exact: true }).click();
      await p.getByRole('region', { name: 'Warna KPI' }).waitFor();
    };
    const sendNow = async (p: Page) => {
      await p.getByRole('link', { name: 'Kirim data' }).click();
      await p.getByRole('button', { name: 'Kirim sekarang' }).click();
      await p.getByText('Semua terkirim.').waitFor();
    };
    await edit(a, 'Kelas membaca 1', 'Kelas membaca 1 (A)');
    await edit(b, 'Kelas membaca 2', 'Kelas membaca 2 (B)');
    await sendNow(a);
    await sendNow(b);
    await sendNow(a);

    const onServer = [...(await server.stored(libraryId)).values()].map((s) => s.entry.title).sort();
    expect(onServer).toContain('Kelas membaca 1 (A)');
    expect(onServer).toContain('Kelas membaca 2 (B)');
    for (const p of [a, b]) {
      await p.getByRole('link', { name: 'Daftar kegiatan' }).click();
      // A also keeps its rejected entry, which never reached the server.
      await poll(async () => (await on(p).titles()).filter((t) => t !== 'Kegiatan yang ditolak').sort()).toEqual(onServer);
    }
    await poll(() => a.locator('[data-sync-status="remote"]').count()).toBe(1);
    await poll(() => b.locator('[data-sync-status="sent"]').count()).toBe(1);
  } finally {
    await other.close();
  }
});

/** The library the first test enrolled in (the only one with stored entries). */
async function firstLibraryId(): Promise<string | null> {
  const rows = await server.database.db.selectFrom('entries').select('library_id').limit(1).execute();
  return rows[0]?.library_id ?? null;
}
