/**
 * Sync in Debian's Chromium against the real server serving the production build:
 * an entry logged before enrolment, enrolment through "Kode pendaftaran" (no "Alamat
 * server": the app is served by the server), 20 entries logged offline, the page closed
 * and reopened offline, then the network returns → one sync sends the queue, in one push
 * (counted in the server's request log); the server holds exactly those entries and the
 * one from before enrolment, by id (checked in its database), and each shows "Terkirim";
 * an entry the server rejects stays with "Ditolak: …"; a second phone enrolled in the
 * same library converges with the first after edits on both; Background Sync sends the
 * queue of a phone whose pages were all closed while offline (the Background Sync worker
 * alone, its event fired by Chromium when the connection returns), in exactly one push;
 * and a rulebook the server publishes recolours the KPI card, and names itself there,
 * after "Kirim sekarang".
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { API_BASE, defaultRulebook } from '../../src/domain';
import { runAdmin } from '../../src/server/admin';
import { revokeDevice } from '../../src/server/store/devices';
import type { LogLine } from '../../src/server/context';
import { daysAgo, fillFirstRun, launchPhone, logEntryOn, needsBrowser, queueEntryTheServerRejects, seriousViolations } from './harness';
import { browserSuite, type Phone } from './suite';
import { startSyncServer, type SyncServer } from '../device/sync-harness';

/** The push requests the server has received from `deviceId`, in order. */
const pushesFrom = (deviceId: string) =>
  (server.log as Partial<LogLine>[]).filter((l) => l.method === 'POST' && l.path === `${API_BASE}/sync/push` && l.deviceId === deviceId);

let server: SyncServer;
let phone: Phone | null = null;
let page: Page;
let launchError: unknown = null;
browserSuite('e2e-sync', (dist) => startSyncServer({ distDir: dist, realClock: true }), (suite) => ({ server, phone, page, launchError } = suite));

const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });
const field = (label: string) => page.getByLabel(label, { exact: true });
const kpiCard = () => page.getByRole('region', { name: 'Warna KPI' });

/** Each on its own day, so the likely-duplicate check stays quiet. */
async function logEntry(title: string, days: number, p: Page = page) {
  await logEntryOn(p, { title, date: daysAgo(days) });
}

/**
 * A new phone (its own browser profile) past the first run, its worker in control, and
 * enrolled in the library `libraryId` named `libraryName`; left on "Kirim data".
 */
async function enrolledPhone(libraryId: string, libraryName: string, localName: string) {
  const phone = await launchPhone();
  const p = await phone.context.newPage();
  await p.goto(server.url);
  await fillFirstRun(p, localName);
  await p.getByRole('region', { name: 'Warna KPI' }).waitFor();
  await p.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await p.getByRole('link', { name: 'Kirim data' }).click();
  await p.getByLabel('Kode pendaftaran', { exact: true }).fill(await server.code(libraryId));
  await p.getByRole('button', { name: 'Daftarkan' }).click();
  await p.getByText(`Terdaftar untuk ${libraryName}`, { exact: true }).waitFor();
  return { ...phone, page: p };
}

/** The Background Sync tags registered with the Background Sync worker and not yet fired. */
function syncTags(p: Page): Promise<string[]> {
  return p.evaluate(async () => {
    type WithSync = ServiceWorkerRegistration & { sync: { getTags(): Promise<string[]> } };
    const reg = (await navigator.serviceWorker.getRegistration('/background-sync/')) as WithSync | undefined;
    return reg?.scope.endsWith('/background-sync/') ? reg.sync.getTags() : ['(no Background Sync worker)'];
  });
}

/**
 * A failure message for a Background Sync test, read when it is needed: the tags still
 * registered and the stored sync state, as the Background Sync worker sees them (no page
 * is opened for it, which would sync by itself).
 */
async function whatTheWorkerSees(phone: Phone): Promise<string> {
  const worker = phone.context.serviceWorkers().find((w) => w.url().endsWith('/sw-sync.js'));
  if (!worker) return 'no Background Sync worker running';
  return worker
    .evaluate(async () => {
      type WithSync = ServiceWorkerRegistration & { sync: { getTags(): Promise<string[]> } };
      const tags = await ((self as unknown as { registration: WithSync }).registration.sync.getTags());
      const state = await new Promise((resolve, reject) => {
        const open = indexedDB.open('tpbis-lapor');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('meta').objectStore('meta').get('syncState');
          get.onsuccess = () => (open.result.close(), resolve(get.result?.value));
        };
      });
      return `Background Sync worker: tags ${JSON.stringify(tags)}, sync state ${JSON.stringify(state)}, locks ${JSON.stringify(await navigator.locks.query())}`;
    })
    .catch((e: unknown) => `Background Sync worker not readable: ${String(e)}`);
}

/** The entries stored on phone page `p` (its IndexedDB, not the list on screen), deleted ones left out. */
function phoneEntries(p: Page): Promise<{ id: string; title: string }[]> {
  return p.evaluate(
    () =>
      new Promise<{ id: string; title: string }[]>((resolve, reject) => {
        const open = indexedDB.open('tpbis-lapor');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('entries').objectStore('entries').getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = () => {
            open.result.close();
            const rows = all.result as { id: string; title: string; deleted: boolean }[];
            resolve(rows.filter((e) => !e.deleted).map((e) => ({ id: e.id, title: e.title })));
          };
        };
      }),
  );
}

/** Today in the libraries' time zone (the entry form refuses a later date). */
const todayInJakarta = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date());

it('enrols, logs 20 entries offline, reopens, and sends them in one push when the network returns', async (ctx) => {
  needsBrowser(launchError, ctx);
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
  // The entry from before enrolment is moved to the library and sent at once, and the
  // notice then says so instead of still counting it as waiting.
  await poll(async () => (await server.stored(library.id)).size).toBe(1);
  await page.getByText('HP terdaftar untuk Perpustakaan Desa Peramban. Semua terkirim.', { exact: true }).waitFor();
  const devices = await server.database.db.selectFrom('devices').select('device_id').where('library_id', '=', library.id).execute();
  expect(devices.length).toBe(1);
  const deviceId = devices[0].device_id;
  await poll(() => pushesFrom(deviceId).length).toBeGreaterThan(0);
  const pushesBefore = pushesFrom(deviceId).length;

  // Offline: 20 entries, each on its own day, wait on the phone.
  await phone!.context.setOffline(true);
  const titles = Array.from({ length: 20 }, (_, i) => `Kelas membaca ${i + 1}`);
  for (const [i, t] of titles.entries()) await logEntry(t, i + 2);
  await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
  await poll(() => page.locator('[data-sync-status="local"]').count()).toBe(titles.length);
  expect(await page.getByText('Tersimpan di HP', { exact: true }).count()).toBe(titles.length);
  const onPhone = await phoneEntries(page);
  expect(onPhone.map((e) => e.title).sort()).toEqual(['Sebelum daftar', ...titles].sort());
  await page.close();

  // Reopened while still offline; nothing has reached the server since enrolment.
  page = await phone!.context.newPage();
  await page.goto(server.url);
  await kpiCard().waitFor();
  expect((await server.stored(library.id)).size).toBe(1);
  expect(pushesFrom(deviceId).length).toBe(pushesBefore);

  // The network returns: one sync sends the queue.
  await phone!.context.setOffline(false);
  await expect.poll(async () => (await server.stored(library.id)).size, { timeout: 60_000, interval: 100 }).toBe(titles.length + 1);

  // The phone agrees, entry by entry: each shows "Terkirim". Its outbox is then empty, so
  // no later push can come; the log line of the one that came is written by then too.
  await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
  await poll(() => page.locator('[data-sync-status="sent"]').count()).toBe(titles.length + 1);
  const shown = await page.locator('li.entry').evaluateAll((items) =>
    items.map((li) => ({ title: li.querySelector('h2')?.textContent ?? '', status: li.querySelector('[data-sync-status]')?.textContent ?? '' })),
  );
  expect(shown.map((e) => e.title).sort()).toEqual(['Sebelum daftar', ...titles].sort());
  for (const e of shown) expect(e.status, e.title).toMatch(/^Terkirim\b/);
  await page.getByRole('link', { name: 'Kirim data' }).click();
  await poll(() => page.locator('[data-sync-waiting]').getAttribute('data-sync-waiting')).toBe('0');
  await page.getByText('Terakhir berhasil').waitFor();

  // All 20 arrived in one push (the engine sends up to 200 in a batch), accepted, and
  // gzipped by Chromium's CompressionStream (village data is paid by the megabyte).
  await poll(() => pushesFrom(deviceId).length).toBeGreaterThan(pushesBefore);
  const sent = pushesFrom(deviceId).slice(pushesBefore);
  expect(sent.map((l) => l.status)).toEqual([200]);
  expect(sent[0].gzip).toBe(true);
  expect(sent[0].requestBytes).toBeLessThan(2000); // ~1 KB on 30 November 2026

  // The server holds exactly the phone's entries, by id: the 20 and the one from before
  // enrolment, each once, and nothing else.
  const stored = await server.stored(library.id);
  expect([...stored.keys()].sort()).toEqual(onPhone.map((e) => e.id).sort());
  for (const e of onPhone) expect(stored.get(e.id)?.entry.title, e.id).toBe(e.title);

  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Kirim sekarang' }).click();
  await page.getByText('Semua terkirim.').waitFor();

  // An entry the server rejects (an activity type its rulebook does not have) stays with its reason.
  await queueEntryTheServerRejects(page, 'Kegiatan yang ditolak', '019a0000-0000-7000-8000-000000000001');
  await page.getByRole('button', { name: 'Kirim sekarang' }).click();
  await poll(() => page.locator('[data-sync-waiting]').getAttribute('data-sync-waiting')).toBe('0');
  await page.getByRole('link', { name: 'Daftar kegiatan' }).click();
  await poll(() => page.locator('[data-sync-status="rejected"]').count()).toBe(1);
  expect(await page.locator('[data-sync-status="rejected"]').textContent()).toMatch(/^Ditolak: .+/);
  expect((await server.stored(library.id)).size).toBe(titles.length + 1);
  // "Lihat yang ditolak" opens the list with only what the server rejected.
  await page.getByRole('link', { name: 'Kirim data' }).click();
  await page.getByRole('link', { name: 'Lihat yang ditolak', exact: true }).click();
  await poll(() => page.locator('.entry h2').allTextContents()).toEqual(['Kegiatan yang ditolak']);
  expect(await page.getByLabel('Status kirim', { exact: true }).inputValue()).toBe('rejected');
  // Filtered to nothing, it says so, not "Belum ada kegiatan." (it is a pelibatan entry).
  await page.getByLabel('Strategi', { exact: true }).selectOption('advokasi');
  await page.getByText('Tidak ada kegiatan yang cocok dengan pilihan ini.', { exact: true }).waitFor();
  await page.getByLabel('Strategi', { exact: true }).selectOption('');
  await page.getByLabel('Status kirim', { exact: true }).selectOption('');
  await poll(() => page.locator('.entry h2').count()).toBe(titles.length + 2);
}, 300_000);

it('two phones enrolled in the same library converge after edits on both', async (ctx) => {
  needsBrowser(launchError, ctx);
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
    // The first test's 21 entries (its rejected one never reached the server).
    await poll(() => on(b).titles().then((t) => t.length)).toBe(21);
    await poll(() => b.locator('[data-sync-status="remote"]').count()).toBe(21);
    // Received, never changed since: not "Diperbarui …".
    expect(new Set(await b.locator('[data-sync-status="remote"]').allTextContents())).toEqual(new Set(['Dari perangkat lain']));

    const edit = async (p: Page, from: string, to: string) => {
      await p.getByRole('link', { name: 'Daftar kegiatan' }).click();
      await p.getByRole('link', { name: `Ubah ${from}`, exact: true }).click();
      await poll(() => on(p).field('Judul kegiatan').inputValue()).toBe(from);
      await on(p).field('Judul kegiatan').fill(to);
      await p.getByRole('button', { name: 'Simpan', exact: true }).click();
      await p.getByRole('region', { name: 'Warna KPI' }).waitFor();
    };
    const sendNow = async (p: Page, said: string) => {
      await p.getByRole('link', { name: 'Kirim data' }).click();
      await p.getByRole('button', { name: 'Kirim sekarang' }).click();
      await p.getByText(said, { exact: true }).waitFor();
    };
    await edit(a, 'Kelas membaca 1', 'Kelas membaca 1 (A)');
    await edit(b, 'Kelas membaca 2', 'Kelas membaca 2 (B)');
    // A still holds the first test's refused entry: said beside what each send carried.
    const stillRefused = 'Masih ada 1 kegiatan yang ditolak server — buka Daftar kegiatan untuk memperbaikinya.';
    await sendNow(a, `Terkirim. ${stillRefused}`);
    await sendNow(b, 'Semua terkirim.');
    await sendNow(a, `Tidak ada yang baru untuk dikirim. ${stillRefused}`);

    const onServer = [...(await server.stored(libraryId)).values()].map((s) => s.entry.title).sort();
    expect(onServer).toContain('Kelas membaca 1 (A)');
    expect(onServer).toContain('Kelas membaca 2 (B)');
    for (const p of [a, b]) {
      await p.getByRole('link', { name: 'Daftar kegiatan' }).click();
      // A also keeps its rejected entry, which never reached the server.
      await poll(async () => (await on(p).titles()).filter((t) => t !== 'Kegiatan yang ditolak').sort()).toEqual(onServer);
    }
    await poll(() => a.locator('[data-sync-status="remote"]').count()).toBe(1);
    expect(await a.locator('[data-sync-status="remote"]').textContent()).toBe('Diperbarui dari perangkat lain');
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

it("a phone joining a library enrols from the first screen: no profile typed, the server's profile and entries arrive", async (ctx) => {
  needsBrowser(launchError, ctx);
  const libraryId = (await firstLibraryId())!;
  const { name } = await server.database.db.selectFrom('libraries').select('name').where('library_id', '=', libraryId).executeTakeFirstOrThrow();
  const live = [...(await server.stored(libraryId)).values()].filter((s) => !s.entry.deleted).map((s) => s.entry.title).sort();
  const joining = await launchPhone();
  try {
    const c = await joining.context.newPage();
    await c.goto(server.url);
    await c.getByRole('button', { name: 'Sudah punya kode pendaftaran? Daftarkan HP ini', exact: true }).click();
    // No profile form beside the enrolment: one form, one button.
    expect(await c.getByLabel('Nama perpustakaan', { exact: true }).count()).toBe(0);
    await c.getByLabel('Kode pendaftaran', { exact: true }).fill(await server.code(libraryId));
    await c.getByRole('button', { name: 'Daftarkan' }).click();
    await c.getByRole('region', { name: 'Warna KPI' }).waitFor();
    await c.getByText(`HP terdaftar untuk ${name}. Kegiatan yang sudah dilaporkan diambil dari server.`, { exact: true }).waitFor();
    await c.getByRole('link', { name: 'Daftar kegiatan' }).click();
    await poll(async () => (await c.locator('.entry h2').allTextContents()).sort()).toEqual(live);
    await c.getByRole('link', { name: 'Pengaturan' }).click();
    await poll(() => c.getByLabel('Nama perpustakaan', { exact: true }).inputValue()).toBe(name);
  } finally {
    await joining.close();
  }
});

it('Background Sync sends the queue after the page is closed', async (ctx) => {
  needsBrowser(launchError, ctx);
  const library = await server.addLibrary('Perpustakaan Desa Latar');
  const phone = await enrolledPhone(library.id, 'Perpustakaan Desa Latar', 'Perpustakaan lokal C');
  try {
    let p = phone.page;
    await poll(() => p.locator('[data-sync-waiting]').getAttribute('data-sync-waiting')).toBe('0');
    // The page registered the Background Sync worker beside the precaching one.
    await p.waitForFunction(async () => {
      const reg = await navigator.serviceWorker.getRegistration('/background-sync/');
      return !!reg?.active && reg.scope.endsWith('/background-sync/') && reg.active.scriptURL.endsWith('/sw-sync.js');
    });

    const devices = await server.database.db.selectFrom('devices').select('device_id').where('library_id', '=', library.id).execute();
    expect(devices.length).toBe(1);
    const deviceId = devices[0].device_id;
    const pushesBefore = pushesFrom(deviceId).length;

    // Offline, the entries cannot be sent: the page registers the Background Sync tag.
    await phone.context.setOffline(true);
    const titles = ['Latar 1', 'Latar 2', 'Latar 3'];
    for (const [i, t] of titles.entries()) await logEntry(t, i + 1, p);
    await poll(() => syncTags(p)).toEqual(['lapor-sync']);
    expect((await server.stored(library.id)).size).toBe(0);

    // Close every page (the persistent context's first blank tab too); the browser
    // context, and with it the Background Sync worker, lives on.
    for (const open of phone.context.pages()) await open.close();
    expect(phone.context.pages()).toEqual([]);

    // The network returns, and Chromium fires the sync event by itself — no dispatch.
    // Playwright's offline mode is DevTools' network emulation, which it applies to the
    // worker's DevTools session as well as the pages'; Chromium's background sync manager
    // holds back the sync events of a worker under offline emulation and fires the ready
    // ones when the emulation is lifted (network_handler.cc's BackgroundSyncRestorer →
    // BackgroundSyncManager::EmulateServiceWorkerOffline → FireReadyEvents), as it does
    // when a real connection returns. A headless browser's real connection never drops,
    // so this is the connectivity change it can see; it is reliable because a worker with
    // DevTools attached is never stopped for being idle, so the emulation holds for as
    // long as the test is offline. The pages closed just before may still hold the sync
    // lock when the event fires (seen in CI): the worker waits for it. (DevTools' other way, ServiceWorker.dispatchSyncEvent,
    // exists only on a page target's CDP session, not the browser's: it would need an open
    // page, which this test must not have.)
    await phone.context.setOffline(false);
    await expect
      .poll(async () => (await server.stored(library.id)).size, { timeout: 120_000, interval: 100 })
      .toBe(titles.length)
      .catch(async (e: Error) => {
        throw new Error(`${e.message}\n${await whatTheWorkerSees(phone)}`, { cause: e });
      });
    expect(phone.context.pages()).toEqual([]);
    const stored = [...(await server.stored(library.id)).values()].map((s) => s.entry.title).sort();
    expect(stored).toEqual(titles);

    // Reopened, the phone agrees: nothing waits, each entry was sent, the tag is done.
    // (Its outbox is then empty, so no later push can come from it.)
    p = await phone.context.newPage();
    await p.goto(`${server.url}/#/kirim`);
    await poll(() => p.locator('[data-sync-waiting]').getAttribute('data-sync-waiting')).toBe('0');
    await poll(() => syncTags(p)).toEqual([]);
    await p.getByRole('link', { name: 'Daftar kegiatan' }).click();
    await poll(() => p.locator('[data-sync-status="sent"]').count()).toBe(titles.length);

    // Exactly one push reached the server from this phone for those entries: the worker's,
    // accepted (no second attempt, no retry sent on top of it).
    expect(pushesFrom(deviceId).slice(pushesBefore).map((l) => l.status)).toEqual([200]);
  } finally {
    await phone.close();
  }
}, 300_000);

it('a rulebook the server publishes recolours the card after "Kirim sekarang"', async (ctx) => {
  needsBrowser(launchError, ctx);
  const library = await server.addLibrary('Perpustakaan Desa Aturan');
  const phone = await enrolledPhone(library.id, 'Perpustakaan Desa Aturan', 'Perpustakaan lokal D');
  const dir = mkdtempSync(join(tmpdir(), 'lapor-rulebook-'));
  try {
    const p = phone.page;
    const card = p.getByRole('region', { name: 'Warna KPI' });
    // One entry of each strategy today: no strategy at zero, so not red; under the shipped
    // rulebook the score stays far below its green threshold of 85 (at most 50 in January).
    const today = todayInJakarta();
    await logEntryOn(p, { title: 'Kelas membaca', date: today, strategy: 'pelibatan', activityType: 'kelas_literasi' });
    await logEntryOn(p, { title: 'Audiensi', date: today, strategy: 'advokasi', activityType: 'audiensi_kepala_desa' });
    await logEntryOn(p, { title: 'Layanan internet', date: today, strategy: 'layanan', activityType: 'layanan_tik' });
    await poll(() => card.getAttribute('data-kpi-colour')).toBe('kuning');
    await card.getByText(`Aturan ${defaultRulebook.id}`).waitFor();

    // The server publishes a rulebook that makes the same entries green: no score needed,
    // no months required. Through the admin command, as an operator would.
    const rulebook = {
      ...defaultRulebook,
      id: 'uji-hijau-2025.9',
      title: { id: 'Aturan uji: hijau', en: 'Test rulebook: green' },
      green: { ...defaultRulebook.green, threshold: 0, sustained: { ...defaultRulebook.green.sustained, shareOfMonths: 0 } },
    };
    const file = join(dir, 'rulebook.json');
    writeFileSync(file, JSON.stringify(rulebook, null, 2));
    const errors: string[] = [];
    const io = { out: () => {}, err: (line: string) => void errors.push(line), now: () => new Date(), readStdin: async () => '' };
    expect(await runAdmin(['rulebook', 'publish', file], server.database, io), errors.join('\n')).toBe(0);

    // The phone learns of it with its next sync; the card recolours and names the rulebook.
    await p.getByRole('link', { name: 'Kirim data' }).click();
    await p.getByRole('button', { name: 'Kirim sekarang' }).click();
    await p.getByText('Semua terkirim.').waitFor();
    await p.getByRole('link', { name: 'Beranda' }).click();
    await poll(() => card.getAttribute('data-kpi-colour')).toBe('hijau');
    await card.getByText(`Aturan ${rulebook.id}`).waitFor();
    expect(await card.getByText(`Aturan ${defaultRulebook.id}`).count()).toBe(0);
    expect((await server.stored(library.id)).size).toBe(3);
  } finally {
    await phone.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

it('an enrolment in one tab is followed by another: its card keeps counting, and its profile shows the enrolled library', async (ctx) => {
  needsBrowser(launchError, ctx);
  const library = await server.addLibrary('Perpustakaan Dua Tab');
  const phone = await launchPhone();
  try {
    const a = await phone.context.newPage();
    await a.goto(server.url);
    await fillFirstRun(a, 'Perpustakaan lokal dua tab');
    await a.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await logEntryOn(a, { title: 'Kelas membaca dua tab', date: daysAgo(1) });
    const colourOf = (p: Page) => p.getByRole('region', { name: 'Warna KPI' }).getAttribute('data-kpi-colour');
    await poll(() => colourOf(a)).toBe('merah');
    const b = await phone.context.newPage();
    await b.goto(server.url);
    await poll(() => colourOf(b)).toBe('merah');

    // B waits on Pengaturan, its profile form open, while A enrols.
    await b.getByRole('link', { name: 'Pengaturan' }).click();
    await b.getByLabel('Nama perpustakaan', { exact: true }).waitFor();

    // Enrolment works but no sync gets through: no pull moves the cursor, which would make
    // every tab read its rows again whatever else it follows.
    await phone.context.route('**/api/v1/sync/**', (route) => route.abort());
    await a.getByRole('link', { name: 'Kirim data' }).click();
    await a.getByLabel('Kode pendaftaran', { exact: true }).fill(await server.code(library.id));
    await a.getByRole('button', { name: 'Daftarkan' }).click();
    await a.getByText('Terdaftar untuk Perpustakaan Dua Tab', { exact: true }).waitFor();

    // B's form now shows the enrolled library, read-only (the server's now): nothing of the
    // local profile can be written back over it.
    await poll(() => b.getByLabel('Nama perpustakaan', { exact: true }).inputValue()).toBe('Perpustakaan Dua Tab');
    await poll(() => b.getByRole('button', { name: 'Simpan profil' }).count()).toBe(0);
    const stored = await b.evaluate(
      () =>
        new Promise<{ id: string; name: string }>((resolve, reject) => {
          const open = indexedDB.open('tpbis-lapor');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const get = open.result.transaction('meta').objectStore('meta').get('library');
            get.onsuccess = () => (open.result.close(), resolve({ id: get.result?.value?.id, name: get.result?.value?.name }));
          };
        }),
    );
    expect(stored).toEqual({ id: library.id, name: 'Perpustakaan Dua Tab' });
    // Both cards count the moved entry.
    for (const p of [a, b]) {
      await p.getByRole('link', { name: 'Beranda' }).click();
      await poll(() => colourOf(p)).toBe('merah');
    }
    await a.reload();
    await poll(() => colourOf(a)).toBe('merah');
  } finally {
    await phone.close();
  }
});

it("a code for another library asks what becomes of the old library's entries: Batal keeps the phone, Hapus starts it afresh", async (ctx) => {
  needsBrowser(launchError, ctx);
  const a = await server.addLibrary('Perpustakaan Lama Pindah');
  const b = await server.addLibrary('Perpustakaan Baru Pindah');
  const handed = await enrolledPhone(a.id, a.name, 'Perpustakaan lokal pindah');
  const p = handed.page;
  try {
    await logEntry('Kelas membaca sebelum pindah', 1, p);
    await p.getByRole('link', { name: 'Kirim data' }).click();
    await p.getByRole('button', { name: 'Kirim sekarang' }).click();
    await poll(async () => (await server.stored(a.id)).size).toBe(1);

    // The administrator revokes the phone; its next send is refused and the form asks for a code.
    const device = await server.database.db.selectFrom('devices').select('device_id').where('library_id', '=', a.id).executeTakeFirstOrThrow();
    await revokeDevice(server.database.db, device.device_id, new Date());
    await p.getByRole('button', { name: 'Kirim sekarang' }).click();
    await p.getByLabel('Kode pendaftaran', { exact: true }).waitFor();
    // Beranda says sending stopped, with the way to Kirim data (a librarian may never open it).
    await p.getByRole('link', { name: 'Beranda' }).click();
    const stopped = p.locator('p.warning').filter({ hasText: 'Pengiriman data berhenti: kegiatan tidak terkirim sampai masalahnya diatasi.' });
    await stopped.waitFor();
    await stopped.getByRole('link', { name: 'Kirim data' }).click();
    const code = await server.code(b.id);
    await p.getByLabel('Kode pendaftaran', { exact: true }).fill(code);
    await p.getByRole('button', { name: 'Daftarkan' }).click();

    const title = p.getByRole('heading', { name: 'Kode ini untuk perpustakaan lain' });
    await title.waitFor();
    await poll(() => title.evaluate((h) => h === document.activeElement)).toBe(true);
    await p.getByText(`HP ini dipakai untuk ${a.name} dan menyimpan 1 kegiatannya. Kode ini mendaftarkan HP untuk ${b.name} (Sukamaju, Kabupaten Malang).`).waitFor();
    expect(await p.getByRole('button', { name: `Pindahkan kegiatan ke ${b.name}` }).count()).toBe(1);
    // What moving does, counted: this phone's activity goes, and it stays where it was sent too.
    expect(await p.locator('#enrol-move-hint').textContent()).toBe(
      `Pilih ini hanya bila kegiatan yang dicatat di HP ini sebenarnya milik ${b.name}: 1 kegiatan itu dikirim ke ${b.name} dan dihitung untuk KPI ${b.name}. ` +
        `1 di antaranya sudah terkirim ke ${a.name} dan tetap tercatat juga di sana.`,
    );
    expect(await seriousViolations(p)).toEqual([]);

    await p.getByRole('button', { name: 'Batal' }).click();
    await p.getByText(`Pendaftaran dibatalkan. HP tetap dipakai untuk ${a.name}.`).waitFor();
    // Focus moves a frame after the words show (the field is back in the page then).
    await poll(() => p.evaluate(() => document.activeElement?.id)).toBe('enrol-code');

    // Another tab queues a change of the old library's entry while the choice is shown: "Hapus"
    // is refused, said under the code field, which gets focus; asked again, it is not offered.
    await p.getByRole('button', { name: 'Daftarkan' }).click();
    await title.waitFor();
    await outboxRow(p, 'add');
    await p.getByRole('button', { name: `Hapus kegiatan ${a.name} dari HP ini` }).click();
    await p.getByText(`Ada perubahan baru yang belum terkirim ke ${a.name}. Tekan Daftarkan lagi untuk memilih ulang.`).waitFor();
    await poll(() => p.evaluate(() => document.activeElement?.id)).toBe('enrol-code');
    await p.getByRole('button', { name: 'Daftarkan' }).click();
    await p.getByText(`1 kegiatan ${a.name} belum tersimpan di server seperti di HP ini`, { exact: false }).waitFor();
    expect(await p.getByRole('button', { name: `Hapus kegiatan ${a.name} dari HP ini` }).count()).toBe(0);
    await p.getByRole('button', { name: 'Batal' }).click();
    await outboxRow(p, 'remove');

    // The same code, still in the field, asks again; this time the phone changed hands.
    await p.getByRole('button', { name: 'Daftarkan' }).click();
    await p.getByRole('button', { name: `Hapus kegiatan ${a.name} dari HP ini` }).click();
    await p.getByText(`Terdaftar untuk ${b.name}`, { exact: true }).waitFor();
    await p.getByRole('link', { name: 'Daftar kegiatan' }).click();
    await p.getByRole('heading', { name: 'Daftar kegiatan' }).waitFor();
    expect(await p.getByText('Kelas membaca sebelum pindah').count()).toBe(0);
    // The old library keeps its entry on the server; the new one got none of it.
    expect((await server.stored(a.id)).size).toBe(1);
    expect((await server.stored(b.id)).size).toBe(0);
  } finally {
    await handed.close();
  }
});

/** Adds (or removes) an outbox row for the phone's one entry, as another tab saving a change of it would. */
function outboxRow(p: Page, what: 'add' | 'remove'): Promise<void> {
  return p.evaluate(
    (what) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('tpbis-lapor');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['entries', 'outbox'], 'readwrite');
          tx.oncomplete = () => (open.result.close(), resolve());
          tx.onerror = () => reject(tx.error);
          if (what === 'remove') tx.objectStore('outbox').delete(999_999);
          else {
            const all = tx.objectStore('entries').getAll();
            all.onsuccess = () => {
              const { serverVersion: _v, receipt: _r, onServer: _o, ...entry } = all.result[0];
              tx.objectStore('outbox').put({ seq: 999_999, baseVersion: 0, entry: { ...entry, title: 'Diubah di tab lain' } });
            };
          }
        };
      }),
    what,
  );
}
