/**
 * Regional monitoring in Debian's Chromium against the real server (SQLite) serving the
 * production build. Libraries in two provinces get entries pushed by enrolled devices,
 * as phones would; a province supervisor is added with the admin command (password on
 * standard input); then, at 360×640 in a fresh profile that never filled the librarian's
 * profile, the supervisor logs in through the form by its labels, sees the province's
 * figures (checked against `computeKpi` over the same entries), drills province →
 * kabupaten → library by clicking, searches by name, sees only their own province, finds
 * the export links working (each named for its table, with a hint on which format suits
 * Excel), sees each library's colour beside its name at 360 px (the name staying put
 * when the table scrolls sideways), reads the last view offline, and logs out. axe-core
 * finds nothing serious on any monitoring screen. An area out of scope is said once, and
 * "Coba lagi" leaves focus on what the new attempt brought (a new "Coba lagi", or a heading).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  API_BASE,
  computeKpi,
  defaultRulebook,
  describeNextSteps,
  sharePercents,
  STRATEGIES,
  t,
  type ActivityEntryInput,
  type Colour,
  type KpiResult,
  type Library,
  type StrategyCounts,
} from '../../src/domain';
import { runAdmin } from '../../src/server/admin';
import { fillFirstRun, focusedElement, launchPhone, needsBrowser, scrollsSideways, seriousViolations, smallTapTargets } from './harness';
import { browserSuite, type Phone } from './suite';
import { addLibrary, enrollNew, makeEntry, pushEntries, startTestServer, type TestServer } from '../server/harness';

let server: TestServer;
let phone: Phone | null = null;
let page: Page;
let launchError: unknown = null;
browserSuite('e2e-monitor', (dist) => startTestServer('sqlite', { distDir: dist }), (suite) => ({ server, phone, page, launchError } = suite));

/** Set MONITOR_SCREENSHOTS=<dir> to keep screenshots of each screen at 360×640 and 1280×800. */
const SHOTS = process.env.MONITOR_SCREENSHOTS ?? null;

const SUPERVISOR = { name: 'jatim', password: 'rahasia-jatim-2025', scope: 'province:Jawa Timur' };

interface Made {
  library: Library;
  entries: ActivityEntryInput[];
}
const made: Record<'sukamaju' | 'sidomulyo' | 'kenjeran' | 'cibeber' | 'ciomas', Made> = {} as never;

const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 50 });
const field = (label: string) => page.getByLabel(label, { exact: true });
const h1 = () => page.getByRole('heading', { level: 1 });

/** axe-core finds nothing serious, every control is a 44 px tap target, nothing scrolls sideways. */
async function expectAccessible(screen: string) {
  expect(await seriousViolations(page), screen).toEqual([]);
  expect(await smallTapTargets(page), screen).toEqual([]);
  expect(await scrollsSideways(page), screen).toBe(false);
}

async function shoot(name: string) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  for (const [width, height] of [
    [360, 640],
    [1280, 800],
  ]) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 360, height: 640 });
}

/**
 * At 360×640 the first library row's colour (word and swatch) shows beside its name
 * without scrolling sideways, and the name stays in view when the table is scrolled to
 * its right end. Scrolls the page only vertically, to the row.
 */
async function expectColourBesideName(screen: string) {
  expect(page.viewportSize()).toEqual({ width: 360, height: 640 });
  const row = page.locator('tr[data-library-id]').first();
  await row.evaluate((tr) => window.scrollBy(0, tr.getBoundingClientRect().top - window.innerHeight / 2));
  const seen = () =>
    row.evaluate((tr) => {
      const scroller = tr.closest('.table-scroll')!;
      const rect = (el: Element) => {
        const r = el.getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      };
      return {
        pageScrollX: window.scrollX,
        tableScrollLeft: scroller.scrollLeft,
        tableScrolls: scroller.scrollWidth > scroller.clientWidth,
        viewport: { width: window.innerWidth, height: window.innerHeight },
        scroller: rect(scroller),
        name: rect(tr.querySelector('th')!),
        colour: rect(tr.querySelector('td.colour-cell')!),
        colourText: tr.querySelector('td.colour-cell')!.textContent,
        swatch: tr.querySelector('td.colour-cell .swatch') !== null,
      };
    });
  const inside = (r: { left: number; right: number; top: number; bottom: number }, v: { width: number; height: number }) =>
    r.left >= 0 && r.right <= v.width && r.top >= 0 && r.bottom <= v.height;
  const before = await seen();
  expect(before.pageScrollX, screen).toBe(0);
  expect(before.tableScrollLeft, screen).toBe(0);
  expect(before.colourText, screen).toBe(colourWord((await row.getAttribute('data-colour')) as Colour));
  expect(before.swatch, screen).toBe(true);
  expect(inside(before.name, before.viewport), `${screen}: name ${JSON.stringify(before.name)}`).toBe(true);
  expect(inside(before.colour, before.viewport), `${screen}: colour ${JSON.stringify(before.colour)}`).toBe(true);
  expect(before.colour.right, screen).toBeLessThanOrEqual(before.scroller.right);
  expect(before.colour.left, screen).toBeGreaterThanOrEqual(before.name.right - 1);
  if (SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${screen}-list-360x640.png`) });
  }

  // The rest of the row is wider than a phone: scrolled sideways, the name stays at the left edge.
  expect(before.tableScrolls, screen).toBe(true);
  await row.evaluate((tr) => {
    const scroller = tr.closest('.table-scroll')!;
    scroller.scrollLeft = scroller.scrollWidth;
  });
  const after = await seen();
  expect(after.tableScrollLeft, screen).toBeGreaterThan(0);
  expect(Math.abs(after.name.left - before.name.left), screen).toBeLessThanOrEqual(1);
  if (SHOTS) await page.screenshot({ path: join(SHOTS, `${screen}-list-scrolled-360x640.png`) });
  await row.evaluate((tr) => {
    tr.closest('.table-scroll')!.scrollLeft = 0;
  });
}

/** `count` entries a month from January to `toMonth`, each strategy as asked, documented. */
function monthlyEntries(libraryId: string, toMonth: number, perMonth: Partial<StrategyCounts>): ActivityEntryInput[] {
  const type = { pelibatan: 'kelas_literasi', advokasi: 'musyawarah_desa', layanan: 'layanan_tik' } as const;
  const out: ActivityEntryInput[] = [];
  for (let month = 1; month <= toMonth; month++) {
    for (const s of STRATEGIES) {
      for (let i = 0; i < (perMonth[s] ?? 0); i++) {
        const date = `2025-${String(month).padStart(2, '0')}-${String(3 + i).padStart(2, '0')}`;
        out.push(
          makeEntry(libraryId, {
            strategy: s,
            activityType: type[s],
            title: `Kegiatan ${s} ${month}.${i}`,
            date,
            createdAt: `${date}T03:00:00.000Z`,
            updatedAt: `${date}T03:00:00.000Z`,
            successStory: 'Warga makin sering datang ke perpustakaan.',
          }),
        );
      }
    }
  }
  return out;
}

async function pushAll(m: Made): Promise<void> {
  if (m.entries.length === 0) return;
  const device = await enrollNew(server, m.library, 'HP uji');
  const res = await pushEntries(server, device, m.entries);
  if (res.status !== 200) throw new Error(`push failed: ${res.status} ${JSON.stringify(res.body)}`);
}

const kpiOf = (m: Made): KpiResult => computeKpi(m.entries, m.library, defaultRulebook, server.clock.now());
const entriesOf = (k: KpiResult): StrategyCounts => {
  const sum = { pelibatan: 0, advokasi: 0, layanan: 0 };
  for (const month of k.monthly) for (const s of STRATEGIES) sum[s] += month[s];
  return sum;
};

/** The libraries, their entries pushed as phones would, and the supervisor, made through the admin command. */
async function seed() {
  const lib = (name: string, village: string, regency: string, province: string) =>
    addLibrary(server, { name, village, district: `Kecamatan ${village}`, regency, province });
  made.sukamaju = { library: await lib('Perpustakaan Desa Sukamaju', 'Sukamaju', 'Kabupaten Malang', 'Jawa Timur'), entries: [] };
  made.sidomulyo = { library: await lib('Perpustakaan Desa Sidomulyo', 'Sidomulyo', 'Kabupaten Malang', 'Jawa Timur'), entries: [] };
  made.kenjeran = { library: await lib('Taman Baca Kenjeran', 'Kenjeran', 'Kota Surabaya', 'Jawa Timur'), entries: [] };
  made.cibeber = { library: await lib('Perpustakaan Sukamaju Cianjur', 'Cibeber', 'Kabupaten Cianjur', 'Jawa Barat'), entries: [] };
  made.ciomas = { library: await lib('Perpustakaan Desa Ciomas', 'Ciomas', 'Kabupaten Bogor', 'Jawa Barat'), entries: [] };

  // Sidomulyo pushes a little, early; a month later the others push. It is then stale
  // (30+ days), Kenjeran never pushed (stale too), and the staleness stays apart from colour.
  made.sidomulyo.entries = monthlyEntries(made.sidomulyo.library.id, 3, { pelibatan: 1, layanan: 1 });
  await pushAll(made.sidomulyo);
  server.clock.advance(31 * 86_400_000);
  made.sukamaju.entries = monthlyEntries(made.sukamaju.library.id, 11, { pelibatan: 3, advokasi: 1, layanan: 1 });
  made.cibeber.entries = monthlyEntries(made.cibeber.library.id, 11, { pelibatan: 3, advokasi: 1, layanan: 1 });
  made.ciomas.entries = monthlyEntries(made.ciomas.library.id, 6, { advokasi: 1 });
  for (const m of [made.sukamaju, made.cibeber, made.ciomas]) await pushAll(m);

  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdmin(['supervisor', 'add', '--name', SUPERVISOR.name, '--scope', SUPERVISOR.scope], server.database, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    now: server.clock.now,
    readStdin: async () => `${SUPERVISOR.password}\n`,
  });
  if (code !== 0) throw new Error(`supervisor add failed: ${err.join('\n')}`);
}

const colourWord = (c: Colour) => t('id', `colour.${c}`);
const fmt = (n: number) => new Intl.NumberFormat('id-ID').format(n);

it('a province supervisor logs in, drills from the province to a library, and sees only their province', { timeout: 900_000 }, async (ctx) => {
  needsBrowser(launchError, ctx);
  await seed();
  const jatim = [made.sukamaju, made.sidomulyo, made.kenjeran];
  const kpis = new Map(Object.values(made).map((m) => [m.library.id, kpiOf(m)]));
  // The data were made so: a green library to find in the awards list, two stale ones.
  expect(kpis.get(made.sukamaju.library.id)!.colour).toBe('hijau');
  expect(kpis.get(made.cibeber.library.id)!.colour).toBe('hijau');

  // A fresh laptop: the librarian's first-run screen offers the way in, no profile needed.
  await page.goto(server.url);
  await page.getByRole('link', { name: 'Pemantauan wilayah' }).click();
  await field('Nama pengguna').waitFor();
  expect(await field('Kata sandi').getAttribute('type')).toBe('password');
  expect(await field('Nama pengguna').getAttribute('autocomplete')).toBe('username');
  expect(await field('Kata sandi').getAttribute('autocomplete')).toBe('current-password');
  await expectAccessible('login');
  await shoot('login');

  // Who to ask when the password is lost or the account locked.
  await page.getByText('Lupa kata sandi, atau akun terkunci karena salah berkali-kali? Hubungi administrator server pemantauan.', { exact: true }).waitFor();
  await field('Nama pengguna').fill(SUPERVISOR.name);
  await field('Kata sandi').fill('bukan-kata-sandinya');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.getByText('Nama pengguna atau kata sandi salah.', { exact: true }).waitFor();

  await field('Kata sandi').fill(SUPERVISOR.password);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.getByRole('button', { name: 'Keluar' }).waitFor();
  await page.getByText('Masuk sebagai jatim · Wilayah: Provinsi Jawa Timur', { exact: true }).waitFor();
  // The form that had focus is gone: focus is on the new screen's heading.
  await poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

  // The province: figures equal to computeKpi over the same entries.
  await poll(() => h1().textContent()).toBe('Jawa Timur');
  await page.locator('[data-libraries]').waitFor();
  const figures = page.locator('.figures');
  expect(await figures.locator('[data-libraries]').getAttribute('data-libraries')).toBe('3');
  // The colours are our estimate, and the screen says so.
  await page.getByText('Perkiraan KPI — bukan skor resmi SIM TPBIS', { exact: true }).waitFor();
  // Named by the rulebook's title, as the phone names it, its code beside it.
  await page.getByText(`Aturan: ${defaultRulebook.title.id}`, { exact: true }).waitFor();
  expect(await page.locator('p.hint').filter({ hasText: 'Dihitung' }).textContent()).toContain(`· kode aturan ${defaultRulebook.id}`);
  const colours = jatim.map((m) => kpis.get(m.library.id)!.colour);
  const counts = { hijau: 0, kuning: 0, merah: 0, 'abu-abu': 0 };
  for (const c of colours) counts[c]++;
  const shares = sharePercents(counts);
  let shown = 0;
  for (const c of ['hijau', 'kuning', 'merah', 'abu-abu'] as const) {
    const n = counts[c];
    const row = figures.locator(`[data-colour-count="${c}"]`);
    expect(await row.getAttribute('data-count'), c).toBe(String(n));
    expect(await row.textContent(), c).toContain(`${colourWord(c)}`);
    expect(await row.textContent(), c).toContain(`${fmt(n)} perpustakaan · ${shares[c]}%`);
    shown += Number(/· (\d+)%/.exec((await row.textContent())!)![1]);
  }
  // Three libraries of three colours: 34 + 33 + 33, not three times 33.
  expect(Object.values(counts).filter((n) => n === 1)).toHaveLength(3);
  expect(shown).toBe(100);
  const entries = jatim.map((m) => entriesOf(kpis.get(m.library.id)!));
  for (const s of STRATEGIES) {
    const n = entries.reduce((sum, e) => sum + e[s], 0);
    const row = figures.locator(`[data-strategy-count="${s}"]`);
    expect(await row.getAttribute('data-count'), s).toBe(String(n));
    expect(await row.textContent(), s).toContain(`${fmt(n)} kegiatan`);
  }
  expect(await figures.locator('[data-stale]').getAttribute('data-stale')).toBe('2');
  expect(await figures.locator('[data-stale]').textContent()).toContain('Belum sinkron 30+ hari');

  // Its kabupaten/kota, and only its own libraries.
  expect((await page.locator('tr[data-area]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-area')))).sort()).toEqual([
    'Kabupaten Malang',
    'Kota Surabaya',
  ]);
  await poll(() => page.locator('tr[data-library-id]').count()).toBe(3);
  const listed = await page.locator('tr[data-library-id] th').allTextContents();
  expect(listed.sort()).toEqual(jatim.map((m) => m.library.name).sort());
  const stale = await page.locator('tr[data-stale="true"] th').allTextContents();
  expect(stale.sort()).toEqual([made.kenjeran.library.name, made.sidomulyo.library.name].sort());
  expect(await page.locator('tr[data-stale="true"]').first().textContent()).toContain('belum sinkron 30+ hari');

  await expectColourBesideName('province');

  // Export links for each table, named "Unduh CSV" / "Unduh XLSX" exactly, in a group named
  // for the table it exports, with the area; they download with the session.
  const exportTables = { summary: 'ringkasan per kabupaten/kota', libraries: 'daftar perpustakaan' } as const;
  for (const [file, table] of Object.entries(exportTables)) {
    for (const format of ['csv', 'xlsx'] as const) {
      const link = page.getByRole('group', { name: `Unduh ${table}`, exact: true }).getByRole('link', { name: `Unduh ${format.toUpperCase()}`, exact: true });
      expect(await link.count(), `${format} ${table}`).toBe(1);
      expect(await link.getAttribute('href')).toBe(`${API_BASE}/monitor/export/${file}.${format}?province=Jawa+Timur`);
      expect(await link.getAttribute('download')).not.toBeNull();
    }
  }
  expect(await page.getByRole('link', { name: 'Unduh CSV', exact: true }).count()).toBe(2);
  // Beside each pair: which format suits Excel (Indonesian Excel expects ';' in a CSV).
  expect(
    await page.locator('.exports').getByText('XLSX untuk Excel. CSV dipisah koma: Excel berpengaturan Indonesia menampilkannya dalam satu kolom.', { exact: true }).count(),
  ).toBe(2);
  // A tap saves the file under the server's name, with the province's libraries only.
  const librariesCsv = page.getByRole('group', { name: 'Unduh daftar perpustakaan', exact: true }).getByRole('link', { name: 'Unduh CSV', exact: true });
  const [download] = await Promise.all([page.waitForEvent('download'), librariesCsv.click()]);
  expect(download.suggestedFilename()).toMatch(/^perpustakaan-.*\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  expect(csv).toContain(made.sukamaju.library.name);
  expect(csv).not.toContain(made.cibeber.library.name);
  await expectAccessible('province');
  await shoot('province');

  // Drill down: province → kabupaten/kota → library, by clicking.
  await page.getByRole('link', { name: 'Kabupaten Malang', exact: true }).click();
  await poll(() => h1().textContent()).toBe('Kabupaten Malang');
  const crumbs = page.getByRole('navigation', { name: 'Letak wilayah' });
  expect((await crumbs.locator('li').allTextContents()).map((s) => s.trim())).toEqual(['Indonesia', 'Jawa Timur', 'Kabupaten Malang']);
  await poll(() => figures.locator('[data-libraries]').getAttribute('data-libraries')).toBe('2');
  await poll(() => page.locator('tr[data-library-id]').count()).toBe(2);
  await expectColourBesideName('kabupaten');
  expect(await page.locator('tr[data-library-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-colour')).sort())).toEqual(
    [made.sukamaju, made.sidomulyo].map((m) => kpis.get(m.library.id)!.colour).sort(),
  );
  await expectAccessible('kabupaten');
  await shoot('kabupaten');

  const sidomulyo = kpis.get(made.sidomulyo.library.id)!;
  await page.getByRole('link', { name: made.sidomulyo.library.name, exact: true }).click();
  await poll(() => h1().textContent()).toBe(made.sidomulyo.library.name);
  const card = page.locator('[data-kpi-colour]');
  expect(await card.getAttribute('data-kpi-colour')).toBe(sidomulyo.colour);
  expect(await card.locator('.kpi-word').textContent()).toContain(colourWord(sidomulyo.colour));
  expect(await card.textContent()).toContain(`Skor ${fmt(Math.round(sidomulyo.score))} dari 100`);
  expect(await card.textContent()).toContain('belum sinkron 30+ hari');
  // Its last push in its own zone, named (supervisors read libraries of three zones).
  expect(await card.locator('.last-push').textContent()).toMatch(/^Kiriman terakhir: \d{1,2} \S+ \d{4} pukul \d\d\.\d\d WIB/);
  for (const s of STRATEGIES) {
    expect(await card.locator(`[data-strategy-count="${s}"]`).getAttribute('data-count')).toBe(String(entriesOf(sidomulyo)[s]));
  }
  // What the library should do next, in the sentences its phone shows; and that the colour counts only what was sent.
  await card.getByRole('heading', { name: 'Langkah berikutnya untuk perpustakaan ini', exact: true }).waitFor();
  expect(await card.locator('.next-steps li').allTextContents()).toEqual(describeNextSteps(sidomulyo, 'id', defaultRulebook.green.sustained.strategy));
  expect(sidomulyo.colour).not.toBe('hijau'); // so the sentences are steps, not "already green"
  expect(await card.textContent()).toContain(`Bulan dengan kegiatan Pelibatan Masyarakat: ${sidomulyo.sustained.monthsWithPelibatan} dari ${sidomulyo.sustained.required} yang diperlukan`);
  expect(await card.textContent()).toContain('Warna dihitung dari kegiatan yang sudah terkirim ke server; kegiatan yang masih di HP belum terhitung.');
  await expectAccessible('library');
  await shoot('library');

  // Back up through the breadcrumb; search by name finds only this province's Sukamaju.
  await crumbs.getByRole('link', { name: 'Jawa Timur' }).click();
  await poll(() => h1().textContent()).toBe('Jawa Timur');
  await field('Cari perpustakaan').fill('Sukamaju');
  await page.getByRole('button', { name: 'Cari', exact: true }).click();
  await poll(async () => (await page.locator('tr[data-library-id] th').allTextContents()).join('|')).toBe(made.sukamaju.library.name);
  await page.getByText('Hasil pencarian "Sukamaju": 1 perpustakaan', { exact: true }).waitFor();
  // A search is no new screen: focus stays on "Cari" (the count above is a status region).
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cari');
  await poll(() => page.getByRole('group', { name: 'Unduh daftar perpustakaan' }).getByRole('link', { name: 'Unduh CSV', exact: true }).getAttribute('href')).toBe(
    `${API_BASE}/monitor/export/libraries.csv?province=Jawa+Timur&q=Sukamaju`,
  );

  // The green libraries, for awards: only this province's.
  await page.getByRole('link', { name: 'Semua perpustakaan' }).waitFor();
  await page.getByRole('link', { name: 'Hapus pencarian' }).click();
  await poll(() => page.locator('tr[data-library-id]').count()).toBe(3);
  // The link went with the search it cleared: the search field, emptied, has focus.
  await poll(() => page.evaluate(() => document.activeElement?.id)).toBe('m-search');
  expect(await field('Cari perpustakaan').inputValue()).toBe('');
  await page.getByRole('link', { name: 'Perpustakaan hijau' }).click();
  await poll(async () => (await page.locator('tr[data-library-id] th').allTextContents()).join('|')).toBe(made.sukamaju.library.name);
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Perpustakaan hijau');
  expect(await page.locator('tr[data-library-id] [data-colour]').textContent()).toBe(colourWord('hijau'));
  // Every colour has its list: red and grey are the libraries to call.
  for (const colour of ['kuning', 'merah', 'abu-abu'] as const) {
    await page.getByRole('link', { name: `Perpustakaan ${colour}`, exact: true }).click();
    await poll(() => page.evaluate(() => location.hash)).toContain(`warna=${colour}`);
    const expected = jatim.filter((m) => kpis.get(m.library.id)!.colour === colour).map((m) => m.library.name).sort();
    if (expected.length === 0) await page.getByText(`Belum ada perpustakaan ${colour} di wilayah ini.`, { exact: true }).waitFor();
    else await poll(async () => (await page.locator('tr[data-library-id] th').allTextContents()).sort().join('|')).toBe(expected.join('|'));
  }
  expect(jatim.some((m) => ['merah', 'abu-abu'].includes(kpis.get(m.library.id)!.colour))).toBe(true);

  // Another province is out of scope, said plainly.
  await page.goto(`${server.url}/#/pantau?provinsi=Jawa%20Barat`);
  await page.getByText('Wilayah ini di luar wilayah pemantauan Anda.').first().waitFor();
  expect(await page.getByText(made.cibeber.library.name).count()).toBe(0);

  // Offline, the last view of the province is still there, marked as such.
  await page.goto(`${server.url}/#/pantau`);
  await poll(() => page.locator('tr[data-library-id]').count()).toBe(3);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  // The monitoring chunk is not precached (librarians never need it) but kept on first use.
  const kept = () =>
    page.evaluate(async () => (await (await caches.open('lapor-monitor')).keys()).map((r) => new URL(r.url).pathname.replace(/-[\w-]+\./, '.')).sort());
  await poll(kept).toEqual(['/assets/Monitor.css', '/assets/Monitor.js']);
  const precached = await page.evaluate(async () => (await Promise.all((await caches.keys()).filter((n) => n.includes('precache')).map(async (n) => (await (await caches.open(n)).keys()).map((r) => r.url)))).flat());
  expect(precached.filter((u) => u.includes('/assets/Monitor-'))).toEqual([]);
  await phone!.context.setOffline(true);
  await page.reload();
  await page.locator('.offline-note').first().waitFor();
  expect(await page.locator('.offline-note').first().textContent()).toMatch(/^Data terakhir dilihat .+; sedang luring\.$/);
  expect(await figures.locator('[data-libraries]').getAttribute('data-libraries')).toBe('3');
  await poll(() => page.locator('tr[data-library-id]').count()).toBe(3);
  await expectAccessible('offline');
  await shoot('offline');
  // A file is never kept: offline, its link says it needs the server (not "nothing kept for this view").
  await page.getByRole('group', { name: 'Unduh daftar perpustakaan', exact: true }).getByRole('link', { name: 'Unduh CSV', exact: true }).click();
  await page.getByText('Mengunduh perlu sambungan ke server. Coba lagi saat ada sinyal.', { exact: true }).waitFor();
  await phone!.context.setOffline(false);

  // Keluar offline (a shared computer whose connection dropped): signed out at once, and the
  // session ends on the server as soon as the computer is back online — the next person to
  // open #/pantau is not signed in as this supervisor.
  await page.reload();
  await page.getByRole('button', { name: 'Keluar' }).waitFor();
  await phone!.context.setOffline(true);
  await page.getByRole('button', { name: 'Keluar' }).click();
  await field('Nama pengguna').waitFor();
  await poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
  expect(await page.locator('tr[data-library-id]').count()).toBe(0);
  await phone!.context.setOffline(false);
  await page.reload();
  await field('Nama pengguna').waitFor();
  await poll(() => page.evaluate(() => fetch('/api/v1/monitor/me').then((r) => r.status))).toBe(401);

  // Signed in again.
  await field('Nama pengguna').fill(SUPERVISOR.name);
  await field('Kata sandi').fill(SUPERVISOR.password);
  await page.getByRole('button', { name: 'Masuk' }).click();
  // A session the server has ended (12 hours passed, a new password): a tap on "Unduh CSV"
  // opens the login form, as any other request of the section does, and saves no file (it
  // used to save the error's JSON as "true.json").
  await poll(() => page.locator('tr[data-library-id]').count()).toBe(3);
  await server.database.db.deleteFrom('supervisor_sessions').execute();
  const saved: string[] = [];
  page.on('download', (d) => saved.push(d.suggestedFilename()));
  await page.getByRole('group', { name: 'Unduh daftar perpustakaan', exact: true }).getByRole('link', { name: 'Unduh CSV', exact: true }).click();
  await field('Nama pengguna').waitFor();
  expect(await page.locator('tr[data-library-id]').count()).toBe(0);
  await page.waitForTimeout(500);
  expect(saved).toEqual([]);

  // Keluar online: back to the login form, and nothing of the session is shown any more.
  await field('Nama pengguna').fill(SUPERVISOR.name);
  await field('Kata sandi').fill(SUPERVISOR.password);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.getByRole('button', { name: 'Keluar' }).click();
  await field('Nama pengguna').waitFor();
  expect(await page.locator('tr[data-library-id]').count()).toBe(0);
  await page.reload();
  await field('Nama pengguna').waitFor();
});

it('Pengaturan links to the monitoring section', { timeout: 300_000 }, async (ctx) => {
  needsBrowser(launchError, ctx);
  const other = await launchPhone();
  try {
    const p = await other.context.newPage();
    await p.goto(server.url);
    await fillFirstRun(p, 'Perpustakaan Desa Sukamaju');
    await p.getByRole('link', { name: 'Pengaturan' }).click();
    await p.getByRole('link', { name: 'Pemantauan wilayah' }).click();
    await p.getByLabel('Nama pengguna', { exact: true }).waitFor();
  } finally {
    await other.close();
  }
});

/** The keys of the monitoring section's kept answers in the page's IndexedDB (none when it was never opened). */
function keptViews(p: Page): Promise<string[]> {
  return p.evaluate(async () => {
    if (!(await indexedDB.databases()).some((d) => d.name === 'tpbis-pantau')) return [];
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const open = indexedDB.open('tpbis-pantau');
      open.onsuccess = () => ok(open.result);
      open.onerror = () => fail(open.error);
    });
    try {
      if (!db.objectStoreNames.contains('views')) return [];
      return await new Promise<string[]>((ok, fail) => {
        const keys = db.transaction('views').objectStore('views').getAllKeys();
        keys.onsuccess = () => ok(keys.result.map(String));
        keys.onerror = () => fail(keys.error);
      });
    } finally {
      db.close();
    }
  });
}

it('a session the server ended (12 hours, supervisor remove, supervisor passwd) leaves nothing to read: offline and reloaded, nobody is signed in', { timeout: 600_000 }, async (ctx) => {
  needsBrowser(launchError, ctx);
  // Libraries and supervisors of its own, so that it does not lean on the first test.
  const bali = (name: string, village: string, regency: string) =>
    addLibrary(server, { name, village, district: `Kecamatan ${village}`, regency, province: 'Bali', timezone: 'Asia/Makassar' });
  const ubud = await bali('Perpustakaan Desa Ubud', 'Ubud', 'Kabupaten Gianyar');
  const kuta = await bali('Perpustakaan Desa Kuta', 'Kuta', 'Kabupaten Badung');
  const password = 'rahasia-bali-2025';
  const admin = async (argv: string[], stdin = '') => {
    const err: string[] = [];
    const code = await runAdmin(argv, server.database, { out: () => {}, err: (l) => err.push(l), now: server.clock.now, readStdin: async () => stdin });
    if (code !== 0) throw new Error(`${argv.join(' ')}: ${err.join('\n')}`);
  };
  // How the server ends the session, and which request of the page then meets the 401.
  const endings: { name: string; end: () => Promise<void>; next: (p: Page) => Promise<unknown> }[] = [
    {
      name: 'bali-lewat',
      end: async () => server.clock.advance(12 * 3_600_000 + 60_000),
      next: (p) => p.getByRole('navigation', { name: 'Letak wilayah' }).getByRole('link', { name: 'Bali', exact: true }).click(),
    },
    { name: 'bali-dihapus', end: () => admin(['supervisor', 'remove', 'bali-dihapus']), next: (p) => p.reload() },
    {
      name: 'bali-sandi-baru',
      end: () => admin(['supervisor', 'passwd', 'bali-sandi-baru'], 'kata-sandi-baru-2025\n'),
      next: (p) => p.goto(`${server.url}/#/pantau?provinsi=Bali&kabupaten=Kabupaten%20Badung`),
    },
  ];
  const laptop = await launchPhone();
  try {
    const p = await laptop.context.newPage();
    const user = () => p.getByLabel('Nama pengguna', { exact: true });
    /** A fresh load of the view: the page asks again who is signed in. */
    const load = async (hash: string) => {
      await p.goto(`${server.url}/${hash}`);
      await p.reload();
    };
    for (const { name, end, next } of endings) {
      await admin(['supervisor', 'add', '--name', name, '--scope', 'province:Bali'], `${password}\n`);
      await load('#/pantau');
      await user().fill(name);
      await p.getByLabel('Kata sandi', { exact: true }).fill(password);
      await p.getByRole('button', { name: 'Masuk' }).click();
      await p.getByText(`Masuk sebagai ${name} · Wilayah: Provinsi Bali`, { exact: true }).waitFor();
      await poll(() => p.locator('tr[data-library-id]').count()).toBe(2);
      await p.getByRole('link', { name: ubud.name, exact: true }).click();
      await poll(() => p.getByRole('heading', { level: 1 }).textContent()).toBe(ubud.name);
      // Kept for reading offline: who is signed in, the province's summary and list, the library.
      await poll(async () => (await keptViews(p)).length).toBeGreaterThanOrEqual(4);
      // The app and this section's chunk open offline.
      await p.waitForFunction(() => navigator.serviceWorker.controller !== null);
      await poll(() => p.evaluate(async () => (await (await caches.open('lapor-monitor')).keys()).length)).toBe(2);

      await end();
      await next(p);
      await user().waitFor();
      // Met while signed in, the ended session is said on the login form (a reload just asks again).
      if (name === 'bali-lewat') await p.getByText('Sesi Anda telah berakhir (setelah 12 jam, atau diakhiri administrator). Masuk lagi.').waitFor();

      // Offline, reloaded, at any view: nobody is signed in and nothing of theirs shows.
      await laptop.context.setOffline(true);
      for (const hash of ['#/pantau', '#/pantau?provinsi=Bali', `#/pantau/perpustakaan/${ubud.id}`]) {
        await load(hash);
        await p.locator('.who, .error-note').first().waitFor();
        const what = `${name} ${hash}`;
        expect(await p.getByRole('button', { name: 'Keluar' }).count(), what).toBe(0);
        expect(await p.getByText('Masuk sebagai', { exact: false }).count(), what).toBe(0);
        expect(await p.getByText(ubud.name, { exact: false }).count(), what).toBe(0);
        expect(await p.getByText(kuta.name, { exact: false }).count(), what).toBe(0);
        expect(await p.locator('.error-note').textContent(), what).toContain('belum ada data tersimpan');
      }
      // The 401 forgot who was signed in and every kept view, as "Keluar" does.
      expect(await keptViews(p), name).toEqual([]);
      await laptop.context.setOffline(false);
    }
  } finally {
    await laptop.close();
  }
});

it('an area out of scope is said once; "Coba lagi" leaves focus on what the new attempt brought', { timeout: 300_000 }, async (ctx) => {
  needsBrowser(launchError, ctx);
  const laptop = await launchPhone();
  try {
    const p = await laptop.context.newPage();
    const focused = () => focusedElement(p);
    const retry = () => p.getByRole('button', { name: 'Coba lagi' });
    await p.goto(`${server.url}/#/pantau`);
    await p.getByLabel('Nama pengguna', { exact: true }).fill(SUPERVISOR.name);
    await p.getByLabel('Kata sandi', { exact: true }).fill(SUPERVISOR.password);
    await p.getByRole('button', { name: 'Masuk' }).click();
    await poll(() => p.locator('tr[data-library-id]').count()).toBe(3);

    // Another province: the summary and the list are both refused, and that is said once.
    const outOfScope = 'Wilayah ini di luar wilayah pemantauan Anda.';
    await p.evaluate(() => (location.hash = '#/pantau?provinsi=Bali'));
    await p.getByText(outOfScope).first().waitFor();
    await poll(() => p.getByText('Memuat…', { exact: true }).count()).toBe(0);
    expect(await p.getByRole('alert').filter({ hasText: outOfScope }).count()).toBe(1);
    // Nothing of it can be listed: no list, tabs or search, but the way back to the supervisor's own area.
    expect(await p.getByRole('heading', { name: 'Daftar perpustakaan' }).count()).toBe(0);
    expect(await p.getByRole('search').count()).toBe(0);
    await p.getByRole('link', { name: 'Ke wilayah Anda: Provinsi Jawa Timur', exact: true }).click();
    await poll(() => p.getByRole('heading', { level: 1 }).textContent()).toBe('Jawa Timur');
    await poll(() => p.locator('tr[data-library-id]').count()).toBe(3);

    // Offline, views never seen here fail; "Coba lagi" still offline: focus on the new "Coba lagi";
    // back online: focus on the heading of what came.
    await laptop.context.setOffline(true);
    await p.evaluate((id) => (location.hash = `#/pantau/perpustakaan/${id}`), made.kenjeran.library.id);
    await retry().waitFor();
    await retry().click();
    await poll(focused).toBe('BUTTON Coba lagi');
    await laptop.context.setOffline(false);
    await retry().click();
    await poll(focused).toBe(`H1 ${made.kenjeran.library.name}`);
    await p.getByText(`Aturan: ${defaultRulebook.title.id}`, { exact: true }).waitFor();

    await laptop.context.setOffline(true);
    await p.evaluate(() => (location.hash = '#/pantau?provinsi=Jawa%20Timur&kabupaten=Kota%20Surabaya'));
    await retry().waitFor();
    // Neither answered, for one reason: one message, one "Coba lagi".
    expect(await retry().count()).toBe(1);
    await retry().click();
    await poll(focused).toBe('BUTTON Coba lagi');
    await laptop.context.setOffline(false);
    await retry().click();
    await poll(focused).toBe('H1 Kota Surabaya');
    await poll(() => p.locator('tr[data-library-id]').count()).toBe(1);

    // Signed out, then opened offline: who is signed in cannot be asked. "Coba lagi" online
    // brings the login form, with focus on its heading.
    await p.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await poll(() => p.evaluate(async () => (await (await caches.open('lapor-monitor')).keys()).length)).toBe(2);
    await p.getByRole('button', { name: 'Keluar' }).click();
    await p.getByLabel('Nama pengguna', { exact: true }).waitFor();
    await laptop.context.setOffline(true);
    await p.reload();
    await retry().click();
    await poll(focused).toBe('BUTTON Coba lagi');
    await laptop.context.setOffline(false);
    await retry().click();
    await p.getByLabel('Nama pengguna', { exact: true }).waitFor();
    await poll(focused).toBe('H1 Pemantauan wilayah');
  } finally {
    await laptop.close();
  }
});

it('a national search names no province in its breadcrumb; an area with no library says so; a server that does not answer is not called a missing signal', { timeout: 300_000 }, async (ctx) => {
  needsBrowser(launchError, ctx);
  const admin = async (argv: string[], stdin: string) => {
    const err: string[] = [];
    const code = await runAdmin(argv, server.database, { out: () => {}, err: (l) => err.push(l), now: server.clock.now, readStdin: async () => stdin });
    if (code !== 0) throw new Error(`${argv.join(' ')}: ${err.join('\n')}`);
  };
  await admin(['supervisor', 'add', '--name', 'pusat', '--scope', 'national'], 'rahasia-pusat-2025\n');
  await admin(['supervisor', 'add', '--name', 'papua', '--scope', 'province:Papua'], 'rahasia-papua-2025\n');
  const laptop = await launchPhone();
  try {
    const p = await laptop.context.newPage();
    const logIn = async (name: string, password: string) => {
      await p.getByLabel('Nama pengguna', { exact: true }).fill(name);
      await p.getByLabel('Kata sandi', { exact: true }).fill(password);
      await p.getByRole('button', { name: 'Masuk' }).click();
      await p.getByRole('button', { name: 'Keluar' }).waitFor();
    };
    await p.goto(`${server.url}/#/pantau`);
    await logIn('pusat', 'rahasia-pusat-2025');
    // "Sukamaju" is in Jawa Timur and in Jawa Barat: the figures are the nation's, and so is the breadcrumb.
    await p.getByLabel('Cari perpustakaan', { exact: true }).fill('Sukamaju');
    await p.getByRole('button', { name: 'Cari', exact: true }).click();
    await p.getByText('Hasil pencarian "Sukamaju": 2 perpustakaan', { exact: true }).waitFor();
    expect(await p.getByRole('navigation', { name: 'Letak wilayah' }).getByRole('listitem').allTextContents()).toEqual(['Indonesia']);

    // The libraries to call: the "Belum sinkron 30+ hari" tab lists the marked ones, whatever their colour.
    await p.evaluate(() => (location.hash = '#/pantau'));
    const staleTab = p.getByRole('navigation', { name: 'Pilihan daftar' }).getByRole('link', { name: 'Belum sinkron 30+ hari' });
    await staleTab.click();
    await poll(() => staleTab.getAttribute('aria-current')).toBe('page');
    await poll(async () => (await p.locator('tr[data-library-id] th a').allTextContents()).sort()).toEqual(
      [made.sidomulyo.library.name, made.kenjeran.library.name].sort(),
    );
    expect(await p.locator('tr[data-library-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-stale')))).toEqual(['true', 'true']);

    // The server not answering while the laptop has a network: "coba lagi nanti", not "saat ada sinyal".
    await laptop.context.route('**/api/v1/monitor/**', (route) => route.abort());
    await p.evaluate(() => (location.hash = '#/pantau?provinsi=Bali'));
    await p.getByText('Server tidak dapat dihubungi dan belum ada data tersimpan untuk tampilan ini. Coba lagi nanti.').first().waitFor();
    await laptop.context.unroute('**/api/v1/monitor/**');
    await p.evaluate(() => (location.hash = '#/pantau'));
    await p.getByRole('button', { name: 'Keluar' }).click();

    // A province with no library yet: said as such, not as a search that found nothing.
    await logIn('papua', 'rahasia-papua-2025');
    await p.getByText('Belum ada perpustakaan terdaftar di wilayah ini.', { exact: false }).waitFor();
    expect(await p.getByText('Tidak ada perpustakaan yang cocok.').count()).toBe(0);
    // Nor does its "Belum sinkron" tab say that every library sent data.
    await p.getByRole('navigation', { name: 'Pilihan daftar' }).getByRole('link', { name: 'Belum sinkron 30+ hari' }).click();
    await p.getByText('Belum ada perpustakaan terdaftar di wilayah ini.', { exact: false }).waitFor();
    expect(await p.getByText('Semua perpustakaan di wilayah ini mengirim data', { exact: false }).count()).toBe(0);
  } finally {
    await laptop.close();
  }
});
