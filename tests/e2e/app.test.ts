/**
 * The offline app in Debian's Chromium at 360×640, against the production build:
 * first run, offline load through the service worker, entries logged through the form
 * by their labels recolouring the KPI card, entries surviving an offline reload, field
 * messages for invalid input, drafts, delete with undo, the update prompt that never
 * reloads over unsaved input, and axe-core on every screen.
 *
 * The steps run in order in one browser profile, like one librarian's phone.
 */
import { randomFillSync } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import {
  buildApp,
  launchPhone,
  scrollsSideways,
  seriousViolations,
  smallTapTargets,
  startStaticServer,
  type StaticServer,
  daysAgo,
  fillFirstRun,
  fillStorage,
  focusedElement,
  accessibleName,
  logEntryOn,
  needsBrowser,
} from './harness';

/** A 1×1 PNG. */
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** A PNG of random pixels (it compresses to nothing): a camera photo's size, over the 5 MB an attachment may be. */
function noisePng(width: number, height: number): Buffer {
  const row = 1 + width * 3;
  const pixels = Buffer.alloc(row * height); // each row: filter byte 0, then RGB
  for (let y = 0; y < height; y++) randomFillSync(pixels, y * row + 1, width * 3);
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([head, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(pixels, { level: 1 })), chunk('IEND', Buffer.alloc(0))]);
}

let server: StaticServer;
let phone: { context: BrowserContext; close: () => Promise<void> } | null = null;
let page: Page;
const builds: string[] = [];
let launchError: unknown = null;

beforeAll(async () => {
  builds.push(await buildApp('e2e-a'));
  server = await startStaticServer(builds[0]);
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
  await server?.close();
  for (const dir of builds) rmSync(dir, { recursive: true, force: true });
});

/** Waits for the page to reach a state (bounded only so that a broken build fails, not timed). */
const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });

const kpiCard = () => page.getByRole('region', { name: 'Warna KPI' });
const colour = () => kpiCard().getAttribute('data-kpi-colour');
const field = (label: string) => page.getByLabel(label, { exact: true });

/** The title of the new-entry draft as stored in IndexedDB, read without the app. */
function storedDraftTitle(): Promise<string | null> {
  return page.evaluate(
    () =>
      new Promise<string | null>((resolve) => {
        const open = indexedDB.open('tpbis-lapor');
        open.onsuccess = () => {
          const get = open.result.transaction('meta').objectStore('meta').get('draft:new');
          get.onsuccess = () => {
            resolve((get.result?.value?.title as string | undefined) ?? null);
            open.result.close();
          };
        };
      }),
  );
}

/** axe-core finds nothing serious, every control is a 44 px tap target, nothing scrolls sideways. */
async function expectNoSeriousViolations(screen: string) {
  expect(await seriousViolations(page), screen).toEqual([]);
  expect(await smallTapTargets(page), screen).toEqual([]);
  expect(await scrollsSideways(page), screen).toBe(false);
}

async function openForm() {
  await page.getByRole('link', { name: 'Catat kegiatan' }).click();
  await poll(() => page.getByRole('heading', { level: 1, name: 'Catat kegiatan' }).count()).toBe(1);
}

async function logEntry(e: { strategy: string; type: string; title: string; male?: string; female?: string }) {
  await openForm();
  await field('Strategi').selectOption(e.strategy);
  await field('Jenis kegiatan').selectOption(e.type);
  await field('Judul kegiatan').fill(e.title);
  await field('Peserta laki-laki').fill(e.male ?? '8');
  await field('Peserta perempuan').fill(e.female ?? '12');
  await page.getByRole('button', { name: 'Simpan', exact: true }).click();
  await kpiCard().waitFor();
  // The address follows Beranda a frame after it is painted (router.ts): a reload before
  // then would open the form again, and the next step would not find Beranda.
  await poll(() => page.evaluate(() => location.hash)).toBe('#/');
}

describe('the offline app in Chromium', () => {
  it('asks for the library profile on first run, then shows Beranda in grey', async (ctx) => {
    needsBrowser(launchError, ctx);
    await page.goto(server.url);
    await field('Nama perpustakaan').waitFor();
    // Offline use is promised once the service worker holds the app, not before.
    await page.getByText('Aplikasi ini siap dipakai tanpa sinyal.', { exact: true }).waitFor();
    // Active means installed, and installing is precaching the whole app.
    expect(['activating', 'activated']).toContain(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration('/'))?.active?.state));
    await expectNoSeriousViolations('first run');
    await poll(() => page.title()).toBe('Selamat datang — Lapor TPBIS');
    // The language can be chosen before anything is typed.
    await field('Bahasa').selectOption('en');
    await page.getByText('Fill in your library profile.', { exact: true }).waitFor();
    await poll(() => page.title()).toBe('Welcome — Lapor TPBIS');
    await field('Language').selectOption('id');
    await field('Nama perpustakaan').waitFor();
    await fillFirstRun(page, 'Perpustakaan Desa Sukamaju');
    await kpiCard().waitFor();
    // Beranda replaced the form whose "Mulai" had focus: focus is on its heading, not lost to the page.
    await poll(() => focusedElement(page)).toBe('H1 Beranda');
    await poll(() => page.title()).toBe('Beranda — Lapor TPBIS');
    expect(await colour()).toBe('abu-abu');
    await poll(() => kpiCard().textContent()).toContain('Perkiraan KPI — bukan skor resmi SIM TPBIS');
    expect(await kpiCard().textContent()).toContain('perkiraan-2025.1');
    expect(await kpiCard().textContent()).toContain('Abu-abu');
    await expectNoSeriousViolations('Beranda');
    // The phone's normal font: one row of tabs, and the longest colour words ("Abu-abu (belum
    // mengisi)") beside their swatch, at 360 px and at 320 px.
    for (const width of [360, 320]) {
      await page.setViewportSize({ width, height: 640 });
      const tops = await page.evaluate(() => [...document.querySelectorAll('nav.bottom a')].map((a) => Math.round(a.getBoundingClientRect().top)));
      expect(new Set(tops).size, `one row of tabs at ${width} px`).toBe(1);
      const [swatch, words] = await page.evaluate(() => ['.kpi-head .swatch', '.kpi-head > div:last-child'].map((q) => document.querySelector(q)!.getBoundingClientRect().top));
      expect(words, `the colour's words beside the swatch at ${width} px`).toBeLessThan(swatch + 40);
    }
    await page.setViewportSize({ width: 360, height: 640 });
  });

  it('is controlled by the worker and loads with no network', async (ctx) => {
    needsBrowser(launchError, ctx);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await phone!.context.setOffline(true);
    await page.reload();
    await kpiCard().waitFor();
    expect(await colour()).toBe('abu-abu');
  });

  it('shows the field messages for invalid input and saves nothing', async (ctx) => {
    needsBrowser(launchError, ctx);
    await openForm();
    await expectNoSeriousViolations('Catat kegiatan');
    // Which fields must be filled is said before any message: required to assistive
    // technology, "Tidak wajib diisi." under Lokasi (it sits among the required ones).
    for (const label of ['Strategi', 'Jenis kegiatan', 'Judul kegiatan', 'Tanggal kegiatan', 'Peserta laki-laki', 'Peserta perempuan'])
      expect(await field(label).getAttribute('aria-required'), label).toBe('true');
    for (const label of ['Lokasi', 'Peserta penyandang disabilitas', 'Kisah sukses'])
      expect(await field(label).getAttribute('aria-required'), label).toBeNull();
    expect(await page.locator('#f-location-hint').textContent()).toBe('Tidak wajib diisi.');
    await field('Judul kegiatan').fill('ab');
    await field('Peserta laki-laki').fill('dua');
    await page.getByRole('button', { name: 'Simpan', exact: true }).click();
    const alert = page.getByRole('alert').first();
    await alert.waitFor();
    const text = await page.locator('form').textContent();
    expect(text).toContain('Strategi wajib diisi');
    expect(text).toContain('Judul kegiatan minimal 3 karakter');
    expect(text).toContain('Peserta laki-laki harus berupa angka');
    expect(text).toContain('Peserta perempuan wajib diisi');
    expect(await field('Judul kegiatan').getAttribute('aria-invalid')).toBe('true');
    await expectNoSeriousViolations('Catat kegiatan with messages');
    await page.getByRole('button', { name: 'Kosongkan isian' }).click();
    await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
    await page.getByText('Belum ada kegiatan.').waitFor();
  });

  it('moves the colour abu-abu → merah → kuning as entries are logged offline', async (ctx) => {
    needsBrowser(launchError, ctx);
    await logEntry({ strategy: 'pelibatan', type: 'kelas_literasi', title: 'Kelas membaca anak' });
    await poll(colour).toBe('merah');
    await logEntry({ strategy: 'advokasi', type: 'musyawarah_desa', title: 'Musyawarah desa anggaran', male: '5', female: '3' });
    await poll(colour).toBe('merah');
    await logEntry({ strategy: 'layanan', type: 'layanan_tik', title: 'Layanan internet desa', male: '0', female: '0' });
    await poll(colour).toBe('kuning');
    await poll(() => kpiCard().textContent()).toContain('Kuning');
    // This month's counts, as a screen reader gets them: words, not "P 1 · A 1 · L 1".
    const month = kpiCard().locator('.month-active').last();
    expect(await month.ariaSnapshot()).toContain('Pelibatan 1, Advokasi 1, Layanan 1');
    expect(await month.ariaSnapshot()).not.toContain('P 1');
  });

  it('keeps every entry through an offline reload', async (ctx) => {
    needsBrowser(launchError, ctx);
    await page.reload();
    await kpiCard().waitFor();
    await poll(colour).toBe('kuning');
    await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
    await page.getByRole('heading', { level: 2, name: 'Kelas membaca anak' }).waitFor();
    const titles = await page.locator('.entry h2').allTextContents();
    expect(titles.sort()).toEqual(['Kelas membaca anak', 'Layanan internet desa', 'Musyawarah desa anggaran']);
    await expectNoSeriousViolations('Daftar kegiatan');
  });

  it('filters the list by strategy and by month', async (ctx) => {
    needsBrowser(launchError, ctx);
    const titles = () => page.locator('.entry h2').allTextContents();
    // The count the filters change is said aloud (a status region), as is "none match".
    const said = (text: string | RegExp) => page.getByRole('status').filter({ hasText: text }).count();
    await field('Strategi').selectOption('advokasi');
    await poll(titles).toEqual(['Musyawarah desa anggaran']);
    expect(await said(/^1 kegiatan$/)).toBe(1);
    await field('Status kirim').selectOption('rejected');
    await poll(titles).toEqual([]);
    expect(await said('Tidak ada kegiatan yang cocok dengan pilihan ini.')).toBe(1);
    await field('Status kirim').selectOption('');
    await field('Strategi').selectOption('');
    const months = await field('Bulan').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(months).toHaveLength(2); // all months, and this month
    await field('Bulan').selectOption(months[1]);
    await poll(titles).toHaveLength(3);
    await field('Bulan').selectOption('');
  });

  it('edits an entry from the list', async (ctx) => {
    needsBrowser(launchError, ctx);
    await page.getByRole('link', { name: 'Ubah Musyawarah desa anggaran' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ubah kegiatan' }).waitFor();
    await poll(() => field('Judul kegiatan').inputValue()).toBe('Musyawarah desa anggaran');
    // Editing, the second button takes the fields back to the stored entry (it does not empty them).
    await field('Judul kegiatan').fill('Judul yang keliru');
    expect(await page.getByRole('button', { name: 'Kosongkan isian' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Batalkan perubahan' }).click();
    await poll(() => field('Judul kegiatan').inputValue()).toBe('Musyawarah desa anggaran');
    // The pressed button went with the changes: focus is on the offer to undo that, not lost to
    // the page; a tap brings them back (one tap beside "Simpan" must not lose a long text).
    await poll(() => focusedElement(page)).toBe('BUTTON Urungkan');
    await page.getByRole('status').getByText('Perubahan dibatalkan.').waitFor();
    await page.getByRole('button', { name: 'Urungkan' }).click();
    await poll(() => field('Judul kegiatan').inputValue()).toBe('Judul yang keliru');
    await poll(() => focusedElement(page)).toBe('SELECT #f-strategy');
    expect(await page.getByRole('button', { name: 'Urungkan' }).count()).toBe(0);
    await field('Judul kegiatan').fill('Musyawarah desa anggaran 2026');
    await page.getByRole('button', { name: 'Simpan', exact: true }).click();
    await kpiCard().waitFor();
    // The address follows Beranda once it is painted, and Back and Forward still work.
    await poll(() => page.evaluate(() => location.hash)).toBe('#/');
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Ubah kegiatan' }).waitFor();
    await page.goForward();
    await kpiCard().waitFor();
    await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
    await poll(() => page.locator('.entry h2').allTextContents()).toContain('Musyawarah desa anggaran 2026');
    expect(await page.locator('.entry h2').count()).toBe(3);
  });

  it('an edit left open in a second tab does not overwrite a newer edit; pressed again, "Simpan" does on purpose', async (ctx) => {
    needsBrowser(launchError, ctx);
    const other = await phone!.context.newPage();
    try {
      await other.goto(page.url());
      const openEdit = async (p: typeof page) => {
        await p.getByRole('link', { name: 'Daftar kegiatan' }).click();
        await p.getByRole('link', { name: 'Ubah Musyawarah desa anggaran 2026' }).click();
        await p.getByRole('heading', { level: 1, name: 'Ubah kegiatan' }).waitFor();
        await poll(() => p.getByLabel('Judul kegiatan', { exact: true }).inputValue()).toBe('Musyawarah desa anggaran 2026');
      };
      await openEdit(page);
      await openEdit(other);
      await field('Judul kegiatan').fill('Musyawarah desa anggaran 2026 (tab A)');
      await page.getByRole('button', { name: 'Simpan', exact: true }).click();
      await kpiCard().waitFor();

      // Tab B's form still holds the old title: its save is refused, its input kept.
      await other.getByLabel('Lokasi', { exact: true }).fill('Aula sekolah');
      await other.getByRole('button', { name: 'Simpan', exact: true }).click();
      await other.getByRole('alert').getByText(/sudah diubah di tempat lain/).waitFor();
      expect(await other.getByLabel('Lokasi', { exact: true }).inputValue()).toBe('Aula sekolah');
      // "Batalkan perubahan" shows what is stored now: tab A's title. "Urungkan" brings tab B's
      // input back with the warning it came with (else "Simpan" would overwrite tab A's unwarned).
      await other.getByRole('button', { name: 'Batalkan perubahan' }).click();
      await poll(() => other.getByLabel('Judul kegiatan', { exact: true }).inputValue()).toBe('Musyawarah desa anggaran 2026 (tab A)');
      expect(await other.getByRole('alert').count()).toBe(0);
      await other.getByRole('button', { name: 'Urungkan' }).click();
      await poll(() => other.getByLabel('Lokasi', { exact: true }).inputValue()).toBe('Aula sekolah');
      await other.getByRole('alert').getByText(/sudah diubah di tempat lain/).waitFor();
      await other.getByRole('button', { name: 'Batalkan perubahan' }).click();
      await poll(() => other.getByLabel('Judul kegiatan', { exact: true }).inputValue()).toBe('Musyawarah desa anggaran 2026 (tab A)');
      await other.getByLabel('Lokasi', { exact: true }).fill('Aula sekolah');
      await other.getByRole('button', { name: 'Simpan', exact: true }).click();
      await other.getByRole('region', { name: 'Warna KPI' }).waitFor();
    } finally {
      await other.close();
    }
    // Both changes are kept: tab A's title, tab B's place.
    await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
    await page.getByRole('link', { name: 'Ubah Musyawarah desa anggaran 2026 (tab A)' }).click();
    await poll(() => field('Lokasi').inputValue()).toBe('Aula sekolah');
    await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
  });

  it('a draft of an edit, restored after the app was closed, says at once when the entry changed meanwhile', async (ctx) => {
    needsBrowser(launchError, ctx);
    await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
    const href = (await page.getByRole('link', { name: 'Ubah Musyawarah desa anggaran 2026 (tab A)' }).getAttribute('href'))!;
    const id = href.replace('#/ubah/', '');
    const inDb = <T,>(p: typeof page, fn: (db: IDBDatabase, id: string) => Promise<T>) =>
      p.evaluate(
        ([source, id]) =>
          new Promise<T>((resolve, reject) => {
            const open = indexedDB.open('tpbis-lapor');
            open.onsuccess = () => (new Function('db', 'id', `return (${source})(db, id)`)(open.result, id) as Promise<T>).then(resolve, reject);
          }),
        [fn.toString(), id] as const,
      );
    const draftLocation = (p: typeof page) =>
      inDb(p, (db, id) => new Promise<string | null>((ok) => {
        const get = db.transaction('meta').objectStore('meta').get(`draft:edit:${id}`);
        get.onsuccess = () => ok((get.result?.value?.location as string | undefined) ?? null);
      }));
    // The librarian types into the edit form; its draft is stored; the app is then closed.
    const closed = await phone!.context.newPage();
    await closed.goto(`${server.url}/${href}`);
    await closed.getByRole('heading', { level: 1, name: 'Ubah kegiatan' }).waitFor();
    await poll(() => closed.getByLabel('Lokasi', { exact: true }).inputValue()).toBe('Aula sekolah');
    await closed.getByLabel('Lokasi', { exact: true }).fill('Balai desa');
    await poll(() => draftLocation(closed)).toBe('Balai desa');
    await closed.close();
    // Meanwhile a sync brings another phone's edit of the entry (written as a pull writes it).
    await inDb(page, (db, id) => new Promise<void>((ok) => {
      const store = db.transaction('entries', 'readwrite').objectStore('entries');
      const get = store.get(id);
      get.onsuccess = () => {
        store.put({ ...get.result, title: 'Musyawarah desa anggaran (dari HP lain)', updatedAt: new Date().toISOString() });
        store.transaction.oncomplete = () => ok();
      };
    }));
    // Opened again, the draft comes back with the warning already shown.
    const reopened = await phone!.context.newPage();
    try {
      await reopened.goto(`${server.url}/${href}`);
      await poll(() => reopened.getByLabel('Lokasi', { exact: true }).inputValue()).toBe('Balai desa');
      await reopened.getByRole('alert').getByText(/sudah diubah di tempat lain/).waitFor();
      // "Batalkan perubahan" shows what is stored now.
      await reopened.getByRole('button', { name: 'Batalkan perubahan' }).click();
      await poll(() => reopened.getByLabel('Judul kegiatan', { exact: true }).inputValue()).toBe('Musyawarah desa anggaran (dari HP lain)');
      await poll(() => reopened.getByLabel('Lokasi', { exact: true }).inputValue()).toBe('Aula sekolah');
    } finally {
      await reopened.close();
    }
    // This page read its rows before the write above (which told no live query): read again.
    await page.reload();
    await page.getByRole('link', { name: 'Ubah Musyawarah desa anggaran (dari HP lain)' }).waitFor();
  });

  it('deletes with undo, and the colour follows', async (ctx) => {
    needsBrowser(launchError, ctx);
    const titles = () => page.locator('.entry h2').allTextContents();
    await page.getByRole('button', { name: 'Hapus Layanan internet desa' }).click();
    await poll(titles).not.toContain('Layanan internet desa');
    await page.getByRole('button', { name: 'Urungkan' }).click();
    await poll(titles).toContain('Layanan internet desa');
    await page.getByRole('link', { name: 'Beranda' }).click();
    await poll(colour).toBe('kuning');

    // Storage full when "Urungkan" is pressed: it says so and the offer stays (for an entry the
    // server never had, it holds the only copy); pressed again with room, the entry is back.
    await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
    await page.getByRole('button', { name: 'Hapus Layanan internet desa' }).click();
    await poll(titles).not.toContain('Layanan internet desa');
    const roomAgain = await fillStorage(page, 'entries');
    await page.getByRole('button', { name: 'Urungkan' }).click();
    await page.getByText(/belum bisa dikembalikan/).waitFor();
    expect(await titles()).not.toContain('Layanan internet desa');
    await roomAgain();
    await page.getByRole('button', { name: 'Urungkan' }).click();
    await poll(titles).toContain('Layanan internet desa');
    await poll(() => page.getByText(/belum bisa dikembalikan/).count()).toBe(0);
    await page.getByRole('link', { name: 'Beranda' }).click();
    await poll(colour).toBe('kuning');

    await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
    // On a short screen, scrolled down to the entry: the undo offer is in sight all the same.
    await page.setViewportSize({ width: 360, height: 360 });
    try {
      const hapus = page.getByRole('button', { name: 'Hapus Layanan internet desa' });
      await hapus.scrollIntoViewIfNeeded();
      await page.evaluate(() => window.scrollBy(0, 10_000));
      await hapus.click();
      const undo = page.getByRole('button', { name: 'Urungkan' });
      await undo.waitFor();
      const seen = await undo.evaluate((b) => {
        const r = b.getBoundingClientRect();
        const bar = document.querySelector('nav.bottom')!.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, barTop: bar.top, scrolled: window.scrollY };
      });
      expect(seen.scrolled).toBeGreaterThan(0);
      expect(seen.top).toBeGreaterThanOrEqual(0);
      expect(seen.bottom).toBeLessThanOrEqual(seen.barTop);
    } finally {
      await page.setViewportSize({ width: 360, height: 640 });
    }
    await page.getByRole('link', { name: 'Beranda' }).click();
    await poll(colour).toBe('merah');
  });

  it('keeps "Urungkan" for an entry never sent while the librarian looks at Beranda, and moves focus to it and then to the entry it brings back', async (ctx) => {
    needsBrowser(launchError, ctx);
    const titles = () => page.locator('.entry h2').allTextContents();
    const urungkan = () => page.getByRole('button', { name: 'Urungkan' });
    /** What has focus: the title of an entry's row, or the element's tag and text. */
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        return el?.matches('li.entry') ? `row ${el.querySelector('h2')?.textContent}` : `${el?.tagName} ${el?.textContent}`;
      });
    /** The entry as IndexedDB holds it: 'live', 'tombstone', or 'gone' from the phone. */
    const stored = (title: string) =>
      page.evaluate(
        (title) =>
          new Promise<string>((resolve) => {
            const open = indexedDB.open('tpbis-lapor');
            open.onsuccess = () => {
              const all = open.result.transaction('entries').objectStore('entries').getAll();
              all.onsuccess = () => {
                const row = (all.result as { title: string; deleted: boolean }[]).find((e) => e.title === title);
                resolve(!row ? 'gone' : row.deleted ? 'tombstone' : 'live');
                open.result.close();
              };
            };
          }),
        title,
      );

    // The last delete above ("Layanan internet desa", never sent) is still offered after Beranda.
    await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
    await page.getByText('Kegiatan "Layanan internet desa" dihapus.').waitFor();
    expect(await stored('Layanan internet desa')).toBe('gone');
    // The offer floats above the bottom bar; scrolled to the end, the last entry comes out from under it.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const lastRow = (await page.locator('.entry').last().boundingBox())!;
    const offer = (await page.locator('.undo-slot .notice').boundingBox())!;
    expect(lastRow.y + lastRow.height).toBeLessThanOrEqual(offer.y);

    // Another delete replaces the offer; its "Hapus" went with its row, so focus goes to "Urungkan".
    await page.getByRole('button', { name: 'Hapus Kelas membaca anak' }).click();
    await poll(titles).not.toContain('Kelas membaca anak');
    await page.getByText('Kegiatan "Kelas membaca anak" dihapus.').waitFor();
    expect(await page.getByText(/Layanan internet desa/).count()).toBe(0);
    await poll(focused).toBe('BUTTON Urungkan');
    expect(await stored('Kelas membaca anak')).toBe('gone');

    // To Beranda and back: the offer is still there, and brings the entry back to the list and the phone.
    await page.getByRole('link', { name: 'Beranda' }).click();
    await kpiCard().waitFor();
    await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
    await page.getByRole('heading', { level: 1, name: 'Daftar kegiatan' }).waitFor();
    await page.getByText('Kegiatan "Kelas membaca anak" dihapus.').waitFor();
    await urungkan().click();
    await poll(titles).toContain('Kelas membaca anak');
    expect(await stored('Kelas membaca anak')).toBe('live');
    // "Urungkan" went with the offer: focus is on the entry it brought back, not lost to the page.
    await poll(focused).toBe('row Kelas membaca anak');
    expect(await urungkan().count()).toBe(0);
    await expectNoSeriousViolations('Daftar kegiatan after Urungkan');
  });

  it('points out a likely duplicate before saving', async (ctx) => {
    needsBrowser(launchError, ctx);
    await openForm();
    await field('Strategi').selectOption('pelibatan');
    await field('Jenis kegiatan').selectOption('kelas_literasi');
    await field('Judul kegiatan').fill('Kelas membaca lagi');
    await field('Peserta laki-laki').fill('1');
    await field('Peserta perempuan').fill('1');
    await page.getByText(/Mungkin ganda/).waitFor();
    expect(await page.getByText(/Kelas membaca anak/).count()).toBeGreaterThan(0);
    expect(await page.getByText(/Tekan "Simpan" bila memang berbeda/).count()).toBe(1);
    // The button keeps its name: pressing it now saves, the duplicate having been pointed out.
    expect(await page.getByRole('button', { name: 'Simpan', exact: true }).count()).toBe(1);
    await page.getByRole('button', { name: 'Kosongkan isian' }).click();
  });

  it("stores a camera-sized photo made smaller, instead of refusing it as over 5 MB", async (ctx) => {
    needsBrowser(launchError, ctx);
    const big = noisePng(2400, 1000);
    expect(big.length).toBeGreaterThan(5 * 1024 * 1024);
    await openForm();
    await field('Judul kegiatan').fill('Foto besar');
    await field('Foto dokumentasi').setInputFiles({ name: 'kamera.png', mimeType: 'image/png', buffer: big });
    const shown = page.locator('form').getByText(/^Foto 1 \(/);
    await shown.waitFor();
    expect(await page.getByText('Foto terlalu besar (paling besar 5 MB).').count()).toBe(0);
    // 1600 px on its longest side, a JPEG: a fraction of the file picked.
    const [, amount, unit] = /^Foto 1 \(([\d.,]+) (KB|MB)\)/.exec((await shown.textContent()) ?? '')!;
    const bytes = parseFloat(amount.replace(/\./g, '').replace(',', '.')) * (unit === 'MB' ? 1024 * 1024 : 1024);
    expect(bytes).toBeLessThan(big.length / 2);
    const stored = await page.evaluate(
      () =>
        new Promise<{ mime: string; size: number }[]>((resolve) => {
          const open = indexedDB.open('tpbis-lapor');
          open.onsuccess = () => {
            const all = open.result.transaction('photos').objectStore('photos').getAll();
            all.onsuccess = () => {
              resolve(all.result.map((p: { mime: string; data: ArrayBuffer }) => ({ mime: p.mime, size: p.data.byteLength })));
              open.result.close();
            };
          };
        }),
    );
    expect(stored.filter((p) => p.size > 1024)).toEqual([{ mime: 'image/jpeg', size: expect.any(Number) }]);
    await page.getByRole('button', { name: 'Kosongkan isian' }).click();
    await page.getByRole('button', { name: 'Urungkan' }).waitFor();
  });

  it('attaches a documentation photo, which counts as documented', async (ctx) => {
    needsBrowser(launchError, ctx);
    const documented = () => page.locator('.components li').last().textContent();
    const before = await (async () => {
      await page.getByRole('link', { name: 'Beranda' }).click();
      return documented();
    })();
    await openForm();
    await field('Strategi').selectOption('pelibatan');
    await field('Jenis kegiatan').selectOption('lomba');
    await field('Judul kegiatan').fill('Lomba mewarnai');
    await field('Peserta laki-laki').fill('6');
    await field('Peserta perempuan').fill('9');
    // The picker reads in Indonesian, not the browser's "Choose Files / No file chosen",
    // and a tap on what the librarian sees lands on the real input (it lies on top).
    await page.getByText('Pilih foto…', { exact: true }).scrollIntoViewIfNeeded();
    const box = (await page.getByText('Pilih foto…', { exact: true }).boundingBox())!;
    expect(await page.evaluate(({ x, y }) => (document.elementFromPoint(x, y) as HTMLInputElement | null)?.type, { x: box.x + box.width / 2, y: box.y + box.height / 2 })).toBe('file');
    await field('Foto dokumentasi').setInputFiles({ name: 'lomba.png', mimeType: 'image/png', buffer: TINY_PNG });
    await page.getByText(/^Foto 1 \(1 KB\)/).waitFor();
    await page.getByRole('button', { name: 'Simpan', exact: true }).click();
    await kpiCard().waitFor();
    await poll(documented).not.toBe(before);
  });

  it('after a refused save, focus goes to the first field with a message in the page, whatever order the check found them in', async (ctx) => {
    needsBrowser(launchError, ctx);
    await openForm();
    await field('Strategi').selectOption('pelibatan');
    await field('Jenis kegiatan').selectOption('kelas_literasi');
    await field('Judul kegiatan').fill('Uji urutan pesan');
    await field('Peserta laki-laki').fill('1');
    await field('Peserta perempuan').fill('1');
    await field('Peserta penyandang disabilitas').fill('5');
    // A partner without a name, below the participants: the schema reports it first.
    await page.getByRole('button', { name: 'Tambah mitra' }).click();
    await page.getByRole('button', { name: 'Simpan', exact: true }).click();
    await poll(() => field('Nama mitra 1').getAttribute('aria-invalid')).toBe('true');
    expect(await field('Peserta penyandang disabilitas').getAttribute('aria-invalid')).toBe('true');
    await poll(() => focusedElement(page)).toBe('INPUT #f-participantsDisability');
    await page.getByRole('button', { name: 'Kosongkan isian' }).click();
    await page.getByRole('button', { name: 'Urungkan' }).waitFor();
  });

  it('keeps focus in the form when a partner, a photo or the input is removed, and says aloud what a picked file did', async (ctx) => {
    needsBrowser(launchError, ctx);
    const focused = () => focusedElement(page);
    const said = (text: string | RegExp) => page.getByRole('status').filter({ hasText: text }).count();
    await openForm();
    await field('Judul kegiatan').fill('Uji fokus');
    // The photo picker is named by its label exactly (DOMAIN.md); the words it shows describe it.
    expect(await accessibleName(page, '#f-attachments')).toBe('Foto dokumentasi');
    expect(await page.locator('#f-attachments').getAttribute('aria-describedby')).toMatch(/^f-attachments-text\b/);

    // A partner's "Hapus" goes with it: focus goes to the next partner's name, else "Tambah mitra".
    await page.getByRole('button', { name: 'Tambah mitra' }).click();
    await page.getByRole('button', { name: 'Tambah mitra' }).click();
    await field('Nama mitra 1').fill('PKK Sukamaju');
    await field('Nama mitra 2').fill('Karang Taruna');
    await page.getByRole('button', { name: 'Hapus mitra 1' }).click();
    await poll(() => field('Nama mitra 1').inputValue()).toBe('Karang Taruna');
    await poll(focused).toBe('INPUT #f-partners-0-name');
    await page.getByRole('button', { name: 'Hapus mitra 1' }).click();
    await poll(focused).toBe('BUTTON Tambah mitra');

    // A refused file and an added photo are said aloud.
    await field('Foto dokumentasi').setInputFiles({ name: 'catatan.txt', mimeType: 'text/plain', buffer: Buffer.from('bukan foto') });
    await poll(() => said('Berkas harus foto JPEG, PNG, atau WebP.')).toBe(1);
    await field('Foto dokumentasi').setInputFiles([
      { name: 'satu.png', mimeType: 'image/png', buffer: TINY_PNG },
      { name: 'dua.png', mimeType: 'image/png', buffer: TINY_PNG },
    ]);
    await poll(() => said(/Foto 1 \(1 KB\).*Foto 2 \(1 KB\)/)).toBe(1);
    expect(await page.getByText('Berkas harus foto JPEG, PNG, atau WebP.').count()).toBe(0);
    // A photo's "Hapus" goes with it: focus goes to the next photo's, else the picker.
    await page.getByRole('button', { name: 'Hapus foto 1' }).click();
    await poll(() => page.getByRole('button', { name: 'Hapus foto 2' }).count()).toBe(0);
    await poll(focused).toBe('BUTTON Hapus foto 1');
    await page.getByRole('button', { name: 'Hapus foto 1' }).click();
    await poll(focused).toBe('INPUT #f-attachments');

    // "Kosongkan isian" goes once nothing is left to empty: focus goes to the offer to undo it,
    // which goes at the next change.
    await page.getByRole('button', { name: 'Kosongkan isian' }).click();
    await poll(() => field('Judul kegiatan').inputValue()).toBe('');
    await poll(focused).toBe('BUTTON Urungkan');
    await page.getByRole('status').getByText('Isian dikosongkan.').waitFor();
    expect(await page.getByRole('button', { name: 'Kosongkan isian' }).count()).toBe(0);
    await field('Judul kegiatan').fill('Lain');
    await poll(() => page.getByRole('button', { name: 'Urungkan' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Kosongkan isian' }).click();
  });

  it('keeps a draft when the app is closed mid-entry', async (ctx) => {
    needsBrowser(launchError, ctx);
    await openForm();
    await field('Judul kegiatan').fill('Pelatihan menjahit');
    // The draft is written shortly after typing stops; wait until it is stored.
    await poll(() => storedDraftTitle()).toBe('Pelatihan menjahit');
    await page.reload();
    await poll(() => field('Judul kegiatan').inputValue()).toBe('Pelatihan menjahit');
  });

  it('moves focus to the heading of each screen it opens, lazily loaded ones included', async (ctx) => {
    needsBrowser(launchError, ctx);
    const focused = () => page.evaluate(() => (document.activeElement?.matches('main h1') ? document.activeElement.textContent : document.activeElement?.tagName));
    // Each titles the page after its heading (the tab list, the phone's recent apps).
    for (const screen of ['Daftar kegiatan', 'Pengaturan', 'Kirim data', 'Catat kegiatan']) {
      await page.getByRole('link', { name: screen, exact: true }).first().click();
      await page.getByRole('heading', { level: 1, name: screen }).waitFor();
      await poll(focused).toBe(screen);
      await poll(() => page.title()).toBe(`${screen} — Lapor TPBIS`);
    }
    await page.getByRole('link', { name: 'Beranda', exact: true }).first().click();
    await kpiCard().waitFor();
    const home = await page.locator('main h1').textContent();
    await poll(focused).toBe(home);
    await poll(() => page.title()).toBe(`${home} — Lapor TPBIS`);
  });

  it('shows Pengaturan with storage health and backup', async (ctx) => {
    needsBrowser(launchError, ctx);
    await page.getByRole('link', { name: 'Pengaturan' }).click();
    await page.getByRole('heading', { level: 1, name: 'Pengaturan' }).waitFor();
    expect(await page.locator('main').textContent()).toContain('Penyimpanan permanen');
    // Said plainly: photos stay on this phone (only their details are sent and backed up).
    expect(await page.locator('main').textContent()).toContain('Foto dokumentasi tidak ikut dalam cadangan dan tidak dikirim ke server');
    expect(await page.locator('[data-app-version]').textContent()).toContain('e2e-a');
    // The backup picker is named by its label; the words it shows describe it.
    expect(await accessibleName(page, '#import')).toBe('Pulihkan dari cadangan JSON');
    expect(await page.locator('#import').getAttribute('aria-describedby')).toBe('import-text');
    await expectNoSeriousViolations('Pengaturan');
  });

  it('exports a JSON backup that imports back without doubling', async (ctx) => {
    needsBrowser(launchError, ctx);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Unduh cadangan JSON' }).click(),
    ]);
    const path = await download.path();
    const text = readFileSync(path, 'utf8');
    const backup = JSON.parse(text) as { entries: { title: string; deleted: boolean }[] };
    expect(backup.entries.map((e) => e.title)).toContain('Lomba mewarnai');
    await field('Pulihkan dari cadangan JSON').setInputFiles({ name: 'cadangan.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    // Counted as the list counts: activities, not the deleted entries the file also keeps.
    await page.getByText(`Cadangan dipulihkan: 0 baru, 0 diperbarui, ${backup.entries.filter((e) => !e.deleted).length} sudah ada.`).waitFor();

    // Another library's backup (picked by mistake?): asked first, nothing written until the librarian says yes.
    const ours = JSON.parse(text) as { library: { name: string }; entries: Record<string, unknown>[] };
    const otherId = 'lokal-0190a1b2-c3d4-7e5f-8a6b-00000000abcd';
    const foreign = {
      ...ours,
      library: { ...ours.library, id: otherId, name: 'Perpustakaan Lain', village: 'Desa Lain' },
      entries: [{ ...ours.entries.find((e) => !e.deleted), id: '0190a1b2-c3d4-7e5f-8a6b-0000000000ee', libraryId: otherId, title: 'Kegiatan perpustakaan lain' }],
    };
    const pick = () => field('Pulihkan dari cadangan JSON').setInputFiles({ name: 'lain.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(foreign)) });
    const question = `Cadangan ini dari Perpustakaan Lain, bukan ${ours.library.name}. Bila dipulihkan, 1 kegiatannya dicatat dan dikirim sebagai kegiatan ${ours.library.name}.`;
    await pick();
    await page.getByRole('alert').filter({ hasText: question }).waitFor();
    await poll(() => focusedElement(page)).toBe('BUTTON Batal');
    await page.getByRole('button', { name: 'Batal', exact: true }).click();
    await page.getByText('Pemulihan dibatalkan. Tidak ada yang diubah.').waitFor();
    await pick();
    await page.getByRole('button', { name: `Pulihkan untuk ${ours.library.name}` }).click();
    await page.getByText(`Cadangan dipulihkan: 1 baru, 0 diperbarui, 0 sudah ada. Kegiatan dari cadangan Perpustakaan Lain kini tercatat untuk ${ours.library.name}.`).waitFor();
    await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
    await page.getByRole('heading', { name: 'Kegiatan perpustakaan lain' }).waitFor();
    // Gone again: the later tests count the entries they made.
    await page.getByRole('button', { name: 'Hapus Kegiatan perpustakaan lain' }).click();
    await page.getByRole('link', { name: 'Pengaturan' }).click();
  });

  it('refuses a malformed backup file and says so', async (ctx) => {
    needsBrowser(launchError, ctx);
    await field('Pulihkan dari cadangan JSON').setInputFiles({ name: 'rusak.json', mimeType: 'application/json', buffer: Buffer.from('{"format": ') });
    await page.getByText('Berkas ini bukan cadangan yang utuh (bukan JSON, atau terpotong saat diunduh). Tidak ada yang diubah.').waitFor();
  });

  it('switches to English and back', async (ctx) => {
    needsBrowser(launchError, ctx);
    await field('Bahasa').selectOption('en');
    await page.getByRole('link', { name: 'Home' }).click();
    await page.getByRole('region', { name: 'KPI colour' }).waitFor();
    await poll(() => page.title()).toBe('Home — Lapor TPBIS');
    expect(await page.getByRole('region', { name: 'KPI colour' }).textContent()).toContain('KPI estimate — not the official SIM TPBIS score');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.getByRole('link', { name: 'Settings' }).click();
    await field('Language').selectOption('id');
    await page.getByRole('link', { name: 'Beranda' }).click();
    await kpiCard().waitFor();
  });

  it('stays usable 320 px wide', async (ctx) => {
    needsBrowser(launchError, ctx);
    await page.setViewportSize({ width: 320, height: 640 });
    for (const screen of ['Beranda', 'Catat kegiatan', 'Daftar kegiatan', 'Pengaturan']) {
      await page.getByRole('link', { name: screen }).click();
      await page.getByRole('heading', { level: 1, name: screen }).waitFor();
      expect(await scrollsSideways(page), screen).toBe(false);
      expect(await smallTapTargets(page), screen).toEqual([]);
    }
    await page.setViewportSize({ width: 360, height: 640 });
  });

  it("stays usable with the phone's font enlarged: every tab of the bar on screen, focus never under the bar", async (ctx) => {
    needsBrowser(launchError, ctx);
    // The browser's default font size, as Android's font setting raises it (rem and em follow it).
    const cdp = await page.context().newCDPSession(page);
    const fontSize = (standard: number) => cdp.send('Page.setFontSizes', { fontSizes: { standard } });
    try {
      for (const [width, standard] of [[320, 18], [360, 21], [320, 32]]) {
        await page.setViewportSize({ width, height: 640 });
        await fontSize(standard);
        // The bar keeps most of the screen for the screen (it took 225 of 640 px at 32 px), and
        // no label is broken inside a word ("Pengatura/n").
        const bar = await page.evaluate(() => {
          const words = [...document.querySelectorAll('nav.bottom a')].flatMap((a) => {
            const text = a.firstChild!;
            return [...(text.textContent ?? '').matchAll(/\S+/g)].map((m) => {
              const range = document.createRange();
              range.setStart(text, m.index!);
              range.setEnd(text, m.index! + m[0].length);
              return range.getClientRects().length > 1 ? m[0] : null;
            });
          });
          return { height: document.querySelector('nav.bottom')!.getBoundingClientRect().height, broken: words.filter(Boolean) };
        });
        expect(bar.height, `the bar at ${width} px, ${standard} px font`).toBeLessThanOrEqual(0.26 * 640);
        expect(bar.broken, `the bar at ${width} px, ${standard} px font`).toEqual([]);
        for (const screen of ['Pengaturan', 'Daftar kegiatan', 'Catat kegiatan', 'Beranda']) {
          const link = page.getByRole('navigation').getByRole('link', { name: screen });
          const box = (await link.boundingBox())!;
          expect([box.x >= 0, box.x + box.width <= width], `${screen} at ${width} px, ${standard} px font`).toEqual([true, true]);
          await link.click();
          await page.getByRole('heading', { level: 1, name: screen }).waitFor();
          // Nothing runs past the screen's 0.75 rem margin (a word too long for its box included).
          const past = await page.evaluate(() =>
            [...document.querySelectorAll('.screen *')]
              .filter((e) => e.getBoundingClientRect().right > e.closest('.screen')!.getBoundingClientRect().right - 12 + 1)
              .map((e) => `${e.tagName} "${(e.textContent ?? '').slice(0, 30)}"`)
              .slice(0, 5),
          );
          expect(past, `${screen} at ${width} px, ${standard} px font`).toEqual([]);
          expect(await scrollsSideways(page), `${screen} at ${width} px, ${standard} px font`).toBe(false);
        }
      }
      // Tabbing through the whole form (and Pengaturan), each control it reaches is shown above the bar.
      await page.setViewportSize({ width: 360, height: 640 });
      await fontSize(21);
      for (const screen of ['Catat kegiatan', 'Pengaturan']) {
        await page.getByRole('navigation').getByRole('link', { name: screen }).click();
        await page.getByRole('heading', { level: 1, name: screen }).waitFor();
        const hidden: string[] = [];
        for (let i = 0; i < 40; i++) {
          await page.keyboard.press('Tab');
          const where = await page.evaluate(() => {
            const el = document.activeElement as HTMLElement | null;
            const bar = document.querySelector('nav.bottom')!.getBoundingClientRect();
            if (!el || el.closest('nav.bottom') || el === document.body) return null;
            const r = el.getBoundingClientRect();
            // Wholly shown, or (a text box Chromium scrolls to its caret's line) its first 40 px.
            return r.top + Math.min(r.height, 40) > bar.top + 1 ? `${el.id || el.textContent} (${Math.round(r.top)}, ${Math.round(r.height)} high, bar at ${Math.round(bar.top)})` : null;
          });
          if (where) hidden.push(where);
        }
        expect(hidden.join(" | "), screen).toBe("");
      }
    } finally {
      await fontSize(16);
      await page.setViewportSize({ width: 360, height: 640 });
      await cdp.detach();
    }
  });

  it('offers a new version but never reloads over unsaved input, then reloads once', async (ctx) => {
    needsBrowser(launchError, ctx);
    await phone!.context.setOffline(false);
    // The draft from before is still in the form: unsaved input.
    await openForm();
    await poll(() => field('Judul kegiatan').inputValue()).toBe('Pelatihan menjahit');
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    builds.push(await buildApp('e2e-b'));
    server.serve(builds[1]);
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const prompt = page.getByRole('button', { name: /Versi baru tersedia/ });
    await prompt.waitFor();
    await prompt.click();
    await page.getByText('Simpan atau kosongkan isian kegiatan dulu, lalu ketuk lagi.').waitFor();
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    expect(await field('Judul kegiatan').inputValue()).toBe('Pelatihan menjahit');

    // Two more tabs with unsaved input of their own: applying the version here must not reload them.
    const openWithInput = async () => {
      const tab = await phone!.context.newPage();
      await tab.goto(page.url());
      await tab.getByRole('link', { name: 'Catat kegiatan' }).click();
      await tab.getByLabel('Lokasi', { exact: true }).fill('Balai RW 3');
      await tab.evaluate(() => {
        (window as unknown as { marker: number }).marker = 2;
        navigator.serviceWorker.addEventListener('controllerchange', () => ((window as unknown as { changed: boolean }).changed = true));
      });
      return tab;
    };
    const other = await openWithInput();
    const third = await openWithInput();

    await page.getByRole('button', { name: 'Kosongkan isian' }).click();
    let loads = 0;
    page.on('load', () => loads++);
    await Promise.all([page.waitForEvent('load'), prompt.click()]);
    // The other tab keeps its input until it is done with it, then takes the new version.
    await other.waitForFunction(() => (window as unknown as { changed?: boolean }).changed === true);
    await new Promise((r) => setTimeout(r, 500));
    expect(await other.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(2);
    expect(await other.getByLabel('Lokasi', { exact: true }).inputValue()).toBe('Balai RW 3');
    // Cleared, it is still on the form: no reload yet. Saved, it reloads on Beranda, the entry kept.
    await other.getByRole('button', { name: 'Kosongkan isian' }).click();
    await new Promise((r) => setTimeout(r, 500));
    expect(await other.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(2);
    // Saved in a tab behind another (no frame is painted there, and the address follows a frame
    // later): the reload still opens Beranda, not the form just left.
    const reloaded = other.waitForEvent('load');
    await logEntryOn(other, { title: 'Dicatat saat versi baru menunggu', date: daysAgo(3) });
    await reloaded;
    expect(await other.evaluate(() => (window as unknown as { marker?: number }).marker)).toBeUndefined();
    expect(await other.evaluate(() => location.hash)).toBe('#/');
    await other.getByRole('link', { name: 'Daftar kegiatan' }).click();
    await other.getByRole('heading', { name: 'Dicatat saat versi baru menunggu' }).waitFor();
    await other.close();
    // The third, cleared, takes the version from its own prompt (it posted to a worker already active: nothing happened).
    await third.waitForFunction(() => (window as unknown as { changed?: boolean }).changed === true);
    await third.getByRole('button', { name: 'Kosongkan isian' }).click();
    await Promise.all([third.waitForEvent('load'), third.getByRole('button', { name: /Versi baru tersedia/ }).click()]);
    expect(await third.evaluate(() => (window as unknown as { marker?: number }).marker)).toBeUndefined();
    await third.close();
    await page.getByRole('link', { name: 'Pengaturan' }).click();
    await poll(() => page.locator('[data-app-version]').textContent()).toContain('e2e-b');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBeUndefined();
    // The new worker controls the page and no further reload follows.
    await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated');
    expect(loads).toBe(1);
  });
});
