/**
 * A new rulebook that changes the colour, in Debian's Chromium against the real server
 * serving the production build. The administrator publishes rulebooks (as with `npm run
 * admin -- rulebook publish`); the phone learns of each at its next sync. Beranda's card
 * then says the rules, not the librarian's activities, moved the colour, from which to
 * which; it says so across a reload until "Mengerti" is tapped, and the rulebook seen is
 * remembered: the next change is told against it. A rulebook that keeps the colour is not
 * mentioned. The card names each rulebook by its title, its id small beside it.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { defaultRulebook, rulebookSchema, type Rulebook } from '../../src/domain';
import { startSyncServer, type SyncServer } from '../device/sync-harness';
import { fillFirstRun, focusedElement, logEntryOn, needsBrowser, publishRulebook, seriousViolations } from './harness';
import { browserSuite } from './suite';

let server: SyncServer;
let page: Page;
let launchError: unknown = null;
browserSuite('e2e-rulebook-change', (dist) => startSyncServer({ distDir: dist, realClock: true }), (suite) => ({ server, page, launchError } = suite));

const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });
const kpiCard = () => page.getByRole('region', { name: 'Warna KPI' });
const colour = () => kpiCard().getAttribute('data-kpi-colour');
const todayInJakarta = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date());
const changed = (from: string, to: string) =>
  `Aturan perkiraan KPI diperbarui: warna berubah dari ${from} ke ${to} karena aturannya, bukan karena kegiatan Anda.`;
/** Any word of a change on the card. */
const changeNotes = () => kpiCard().getByText('Aturan perkiraan KPI diperbarui').count();

function rulebookWith(id: string, title: string, edit: (r: Rulebook) => void = () => {}): Rulebook {
  const r = structuredClone(defaultRulebook);
  r.id = id;
  r.title = { id: title, en: title };
  edit(r);
  return rulebookSchema.parse(r);
}

/** Green with one entry of each strategy: no score needed, no months required. */
const LOOSE = rulebookWith('uji-longgar-2026.1', 'Aturan uji longgar', (r) => {
  r.green.threshold = 0;
  r.green.sustained.shareOfMonths = 0;
});
/** The shipped rules again, under new ids: the same entries are yellow. */
const STRICT = rulebookWith('uji-2026.2', 'Perkiraan KPI 2026');
const STRICT_AGAIN = rulebookWith('uji-2026.3', 'Perkiraan KPI 2026 revisi');

const publish = (rulebook: Rulebook) => publishRulebook(server.database, rulebook);

/** "Kirim sekarang" (which fetches the rulebook too), then back to Beranda, the card showing `rulebook`. */
async function syncTo(rulebook: Rulebook) {
  await page.getByRole('link', { name: 'Kirim data' }).click();
  await page.getByRole('button', { name: 'Kirim sekarang' }).click();
  await page.getByText('Semua terkirim.').waitFor();
  await page.getByRole('link', { name: 'Beranda' }).click();
  await kpiCard().getByText(`kode aturan ${rulebook.id}`).waitFor();
}

it('a new rulebook that changes the colour is said on Beranda until "Mengerti"; one that keeps it is not', async (ctx) => {
  needsBrowser(launchError, ctx);
  const library = await server.addLibrary('Perpustakaan Desa Aturan Baru');
  await page.goto(server.url);
  await fillFirstRun(page, 'Perpustakaan lokal');
  await kpiCard().waitFor();
  await page.getByRole('link', { name: 'Kirim data' }).click();
  await page.getByLabel('Kode pendaftaran', { exact: true }).fill(await server.code(library.id));
  await page.getByRole('button', { name: 'Daftarkan' }).click();
  await page.getByText('Terdaftar untuk Perpustakaan Desa Aturan Baru', { exact: true }).waitFor();

  // One entry of each strategy today: yellow under the shipped rules, named by their title.
  const today = todayInJakarta();
  await logEntryOn(page, { title: 'Kelas membaca', date: today, strategy: 'pelibatan', activityType: 'kelas_literasi' });
  await logEntryOn(page, { title: 'Audiensi', date: today, strategy: 'advokasi', activityType: 'audiensi_kepala_desa' });
  await logEntryOn(page, { title: 'Layanan internet', date: today, strategy: 'layanan', activityType: 'layanan_tik' });
  await poll(colour).toBe('kuning');
  await kpiCard().getByText(`Aturan: ${defaultRulebook.title.id}`, { exact: true }).waitFor();
  expect(await changeNotes()).toBe(0);

  // A looser rulebook turns the same entries green: said, from which colour to which.
  await publish(LOOSE);
  await syncTo(LOOSE);
  expect(await colour()).toBe('hijau');
  await kpiCard().getByText(changed('Kuning', 'Hijau'), { exact: true }).waitFor();
  await kpiCard().getByText('Aturan: Aturan uji longgar', { exact: true }).waitFor();
  // The id stays findable as other tests find it ("Aturan <id>", any case), and only there.
  await kpiCard().getByText(`Aturan ${LOOSE.id}`).waitFor();
  expect(await kpiCard().getByText(`Aturan ${defaultRulebook.id}`).count()).toBe(0);
  expect(await seriousViolations(page)).toEqual([]);

  // Until seen: still said after a reload.
  await page.reload();
  await kpiCard().getByText(changed('Kuning', 'Hijau'), { exact: true }).waitFor();
  await kpiCard().getByRole('button', { name: 'Mengerti' }).click();
  await poll(changeNotes).toBe(0);
  // The button went with the note: the card keeps the focus, not the page.
  await poll(() => focusedElement(page)).toMatch(/^SECTION /);

  // The next rulebook is told against the one seen (green), not the shipped one (yellow,
  // which would have said nothing); remembered across a reload, until seen again.
  await page.reload();
  await kpiCard().waitFor();
  await publish(STRICT);
  await syncTo(STRICT);
  expect(await colour()).toBe('kuning');
  await kpiCard().getByText(changed('Hijau', 'Kuning'), { exact: true }).waitFor();
  expect(await changeNotes()).toBe(1);
  await kpiCard().getByRole('button', { name: 'Mengerti' }).click();
  await poll(changeNotes).toBe(0);

  // A rulebook that keeps the colour: nothing to say (checked as the card names it, in that same render).
  await publish(STRICT_AGAIN);
  await syncTo(STRICT_AGAIN);
  expect(await colour()).toBe('kuning');
  expect(await changeNotes()).toBe(0);
  expect(await kpiCard().getByRole('button', { name: 'Mengerti' }).count()).toBe(0);
});
