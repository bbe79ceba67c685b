/**
 * Regional monitoring's figures (issue 6): the drill-down national → province →
 * kabupaten/kota → library equals a direct computation — computeKpi over the same
 * entries, grouped here in JavaScript — on a data set of every colour; the library list,
 * its search, colour filter and limit; one library; bad parameters.
 */
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  monitorLibrariesSchema,
  monitorLibraryDetailSchema,
  monitorSummarySchema,
  MONITOR_LIBRARY_LIMIT,
  defaultRulebook,
  type MonitorLibraryRow,
} from '../../src/domain';
import { strategyTotals } from '../../src/server/store/kpi-snapshots';
import { insertLibrary, newLibraryId } from '../../src/server/store/libraries';
import { DB_KINDS, call, type TestServer, startTestServer } from './harness';
import {
  addSupervisor,
  ageLibraries,
  DATASET,
  expectedFigures,
  expectStale,
  groupBy,
  kpiOf,
  login,
  monitor,
  monitorRaw,
  q,
  seedLibraries,
  type Seeded,
} from './monitor-fixtures';


describe.each(DB_KINDS)('monitoring figures on %s', (kind) => {
  let s: TestServer;
  let libs: Seeded[];
  let lastPush: Map<string, string | null>;
  let cookie: string;
  beforeAll(async () => {
    s = await startTestServer(kind);
    libs = await seedLibraries(s, DATASET);
    lastPush = await ageLibraries(s, libs);
    await addSupervisor(s, 'pusat', 'national');
    cookie = await login(s, 'pusat');
  });
  afterAll(async () => {
    await s?.stop();
  });

  const figures = (name: string, of: readonly Seeded[]) => expectedFigures(name, of, s.clock.now(), expectStale);
  const expectedRow = (lib: Seeded): MonitorLibraryRow => {
    const kpi = kpiOf(lib, s.clock.now());
    const { id, name, village, district, regency, province, timezone } = lib.library;
    return { id, name, village, district, regency, province, colour: kpi.colour, score: kpi.score, entries: strategyTotals(kpi), lastPushAt: lastPush.get(id)!, timezone, stale: expectStale(lib) };
  };
  const byName = (a: Seeded, b: Seeded) => (a.library.name < b.library.name ? -1 : 1);

  it('the nation: one row per province, each equal to computeKpi over its libraries, and their total', async () => {
    const res = await monitor(s, cookie, '/summary');
    expect(res.status).toBe(200);
    const summary = monitorSummarySchema.parse(res.body);
    expect(summary).toEqual({
      area: {},
      rulebookId: 'perkiraan-2025.1',
      rulebookTitle: defaultRulebook.title,
      asOf: s.clock.now().toISOString(),
      total: figures('Indonesia', libs),
      children: groupBy(libs, (l) => l.library.province).map(([name, of]) => figures(name, of)),
      childLevel: 'province',
    });
    // The data set is what it claims to be: every colour, and stale libraries, are present.
    expect(Object.values(summary.total.colours).every((n) => n > 0)).toBe(true);
    expect(summary.total).toMatchObject({ libraries: 13, stale: 3 });
    expect(summary.children.map((c) => c.name)).toEqual(['Bali', 'Jawa Tengah', 'Jawa Timur']);
  });

  it('a province: one row per kabupaten/kota, equal to the direct computation', async () => {
    for (const [province, inProvince] of groupBy(libs, (l) => l.library.province)) {
      const res = await monitor(s, cookie, `/summary${q({ province })}`);
      expect(res.status).toBe(200);
      expect(monitorSummarySchema.parse(res.body)).toMatchObject({
        area: { province },
        total: figures(province, inProvince),
        children: groupBy(inProvince, (l) => l.library.regency).map(([name, of]) => figures(name, of)),
        childLevel: 'regency',
      });
    }
  });

  it('a kabupaten/kota: its total and no children; asked without its province, the province is looked up', async () => {
    for (const [regency, inRegency] of groupBy(libs, (l) => l.library.regency)) {
      const province = inRegency[0].library.province;
      const res = await monitor(s, cookie, `/summary${q({ province, regency })}`);
      expect(res.status).toBe(200);
      expect(monitorSummarySchema.parse(res.body)).toMatchObject({ area: { province, regency }, total: figures(regency, inRegency), children: [], childLevel: 'none' });
      const alone = await monitor(s, cookie, `/summary${q({ regency })}`);
      expect(alone.body).toMatchObject({ area: { province, regency }, total: figures(regency, inRegency) });
    }
  });

  it('an area with no library: zeros, not an error', async () => {
    const res = await monitor(s, cookie, `/summary${q({ province: 'Papua Pegunungan' })}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: figures('Papua Pegunungan', []), children: [], childLevel: 'regency' });
    const regency = await monitor(s, cookie, `/summary${q({ province: 'Jawa Timur', regency: 'Kota Tidak Ada' })}`);
    expect(regency.body).toMatchObject({ total: figures('Kota Tidak Ada', []), childLevel: 'none' });
  });

  it('the libraries of an area by name, each with colour, score, entries, last push and the staleness mark', async () => {
    const all = await monitor(s, cookie, '/libraries');
    expect(all.status).toBe(200);
    expect(monitorLibrariesSchema.parse(all.body)).toEqual({ area: {}, libraries: [...libs].sort(byName).map(expectedRow), truncated: false });

    const malang = libs.filter((l) => l.library.regency === 'Kabupaten Malang');
    const res = await monitor(s, cookie, `/libraries${q({ province: 'Jawa Timur', regency: 'Kabupaten Malang' })}`);
    expect(res.body).toEqual({ area: { province: 'Jawa Timur', regency: 'Kabupaten Malang' }, libraries: malang.sort(byName).map(expectedRow), truncated: false });
    // The staleness mark is apart from the colour: a green library can be stale, a grey one not.
    const rows: MonitorLibraryRow[] = all.body.libraries;
    expect(rows.find((r) => r.name === 'Perpustakaan Kelurahan Genteng')).toMatchObject({ colour: 'merah', stale: true });
    expect(rows.find((r) => r.name === 'Perpustakaan Kelurahan Rungkut')).toMatchObject({ stale: true });
    expect(rows.find((r) => r.name === 'Perpustakaan Desa Bergas')).toMatchObject({ stale: false });
    expect(rows.find((r) => r.name === 'Perpustakaan Desa Ungaran')).toMatchObject({ colour: 'abu-abu', stale: false });
    expect(rows.find((r) => r.name === 'Perpustakaan Desa Dau')).toMatchObject({ colour: 'abu-abu', stale: true, lastPushAt: null });
  });

  it('searches names, desa/kelurahan and kecamatan in any case, with % and _ taken literally', async () => {
    const names = async (params: Record<string, string>) =>
      ((await monitor(s, cookie, `/libraries${q(params)}`)).body.libraries as MonitorLibraryRow[]).map((r) => r.name);
    expect(await names({ q: 'SUKAMAJU' })).toEqual(['Perpustakaan Desa Sukamaju']);
    expect(await names({ q: 'kelurahan' })).toEqual(['Perpustakaan Kelurahan Candisari', 'Perpustakaan Kelurahan Genteng', 'Perpustakaan Kelurahan Rungkut']);
    expect(await names({ q: '100%' })).toEqual(['Pustaka 100% Ceria Ümbul']);
    expect(await names({ q: '%' })).toEqual(['Pustaka 100% Ceria Ümbul']);
    expect(await names({ q: '_' })).toEqual(['Taman_Baca Wonokromo']);
    expect(await names({ q: 'N_B' })).toEqual(['Taman_Baca Wonokromo']);
    expect(await names({ q: 'kelurahan', province: 'Jawa Tengah' })).toEqual(['Perpustakaan Kelurahan Candisari']);
    expect(await names({ q: 'tidak ada' })).toEqual([]);
    // By its place: the desa (here "Desa Wonokromo", not in the library's name) and the kecamatan.
    expect(await names({ q: 'desa wonokromo' })).toEqual(['Taman_Baca Wonokromo']);
    expect(await names({ q: 'KECAMATAN SURABAYA' })).toEqual(['Perpustakaan Kelurahan Genteng', 'Perpustakaan Kelurahan Rungkut', 'Taman_Baca Wonokromo']);
    // Every letter folds, not only A–Z (SQLite's own lower() folds no Ü), and the spaces of
    // a typed or pasted search count as the single spaces names are stored with.
    for (const typed of ['Ümbul', 'ümbul', 'ÜMBUL', 'ceria  ümbul', 'Ceria\u00a0Ümbul', ' ceria ümbul\t']) {
      expect(await names({ q: typed }), typed).toEqual(['Pustaka 100% Ceria Ümbul']);
    }
  });

  it('lists the green libraries (for awards), and any other colour', async () => {
    const res = await monitor(s, cookie, `/libraries${q({ colour: 'hijau' })}`);
    expect(res.status).toBe(200);
    const green = libs.filter((l) => kpiOf(l, s.clock.now()).colour === 'hijau').sort(byName);
    expect(green.length).toBe(3);
    expect(res.body.libraries).toEqual(green.map(expectedRow));
    for (const colour of ['kuning', 'merah', 'abu-abu'] as const) {
      const rows = (await monitor(s, cookie, `/libraries${q({ colour, province: 'Jawa Timur' })}`)).body.libraries as MonitorLibraryRow[];
      const expected = libs.filter((l) => l.library.province === 'Jawa Timur' && kpiOf(l, s.clock.now()).colour === colour);
      expect(rows.map((r) => r.id).sort()).toEqual(expected.map((l) => l.library.id).sort());
    }
  });

  it('one library: its KPI is computeKpi over its entries, the same as its phone is told by GET /library', async () => {
    for (const lib of libs) {
      const res = await monitor(s, cookie, `/libraries/${lib.library.id}`);
      expect(res.status).toBe(200);
      expect(monitorLibraryDetailSchema.parse(res.body)).toEqual({
        library: lib.library,
        kpi: JSON.parse(JSON.stringify(kpiOf(lib, s.clock.now()))),
        rulebookTitle: defaultRulebook.title,
        sustainedStrategy: defaultRulebook.green.sustained.strategy,
        lastPushAt: lastPush.get(lib.library.id)!,
        stale: expectStale(lib),
      });
      if (lib.device) {
        const phone = await call(s, 'GET', '/api/v1/library', { token: lib.device.token });
        expect(phone.body.kpi).toEqual(res.body.kpi);
      }
    }
    expect((await monitor(s, cookie, '/libraries/lib-tidakada12345')).status).toBe(404);
    expect((await monitor(s, cookie, `/libraries/${'x'.repeat(300)}`)).status).toBe(404);
    // Not a library id at all (PostgreSQL's text cannot even hold a NUL): 404, never a lookup.
    for (const id of ['%00', 'a%00b', `${libs[0].library.id}%00`, '%01', '-abc', 'a%20b', '%C3%A9', 'a_b', '%ZZ', 'x'.repeat(65)]) {
      const res = await monitor(s, cookie, `/libraries/${id}`);
      expect(res.status, id).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    // An id in capitals is the same id.
    expect((await monitor(s, cookie, `/libraries/${libs[0].library.id.toUpperCase()}`)).status).toBe(200);
  });

  it('lists the libraries marked "belum sinkron 30+ hari", of any colour, in an area and with a colour', async () => {
    const res = await monitor(s, cookie, `/libraries${q({ stale: 'true' })}`);
    expect(res.status).toBe(200);
    const stale = libs.filter(expectStale).sort(byName);
    expect(stale.length).toBe(3);
    expect(new Set(stale.map((l) => kpiOf(l, s.clock.now()).colour)).size).toBeGreaterThan(1);
    expect(res.body.libraries).toEqual(stale.map(expectedRow));
    const jatimRed = (await monitor(s, cookie, `/libraries${q({ stale: 'true', province: 'Jawa Timur', colour: 'merah' })}`)).body.libraries as MonitorLibraryRow[];
    const expected = stale.filter((l) => l.library.province === 'Jawa Timur' && kpiOf(l, s.clock.now()).colour === 'merah');
    expect(expected.length).toBeGreaterThan(0);
    expect(jatimRed.map((r) => r.id)).toEqual(expected.map((l) => l.library.id));
    // The export lists the same, under a name that says so.
    const csv = await monitor(s, cookie, `/export/libraries.csv${q({ stale: 'true' })}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toMatch(/perpustakaan-indonesia-belum-sinkron-\d{4}-\d\d-\d\d\.csv/);
    for (const l of libs) expect(String(csv.body).includes(l.library.id), l.library.name).toBe(expectStale(l));
  });

  it('refuses bad parameters with 400 invalid_request, never a 5xx', async () => {
    const long = 'x'.repeat(101);
    const bad: Record<string, string>[] = [
      { colour: 'ungu' },
      { colour: 'HIJAU' },
      { stale: '1' },
      { stale: 'ya' },
      { province: long },
      { regency: long },
      { q: long },
      // Control characters: PostgreSQL's text cannot hold a NUL, and no name has the others.
      { q: '\u0000' },
      { q: 'desa\u0000' },
      { regency: 'a\u0000b' },
      { province: 'Jawa\u0000Timur' },
      { q: 'a\u0001b' },
      { q: 'a\u001fb' },
      { regency: 'Kabupaten\nMalang' },
      { province: 'Bali', q: 'x\u0007' },
    ];
    for (const params of bad) {
      for (const path of ['/summary', '/libraries', '/export/summary.csv', '/export/libraries.csv', '/export/libraries.xlsx']) {
        const res = await monitor(s, cookie, `${path}${q(params)}`);
        const what = `${path} ${JSON.stringify(params)}`;
        expect(res.status, what).toBe(400);
        expect(res.body.error.code, what).toBe('invalid_request');
        // The problem names its field (the last one given), in words.
        const badField = Object.keys(params).at(-1)!;
        expect(res.body.error.details, what).toContainEqual({ path: badField, message: expect.stringMatching(/\S/) });
      }
    }
    // In the reader's words, the field's name too (it read "Pilihan colour tidak dikenal").
    expect((await monitor(s, cookie, `/libraries${q({ colour: 'ungu' })}`)).body.error.details).toEqual([{ path: 'colour', message: 'Pilihan Warna tidak dikenal' }]);
    // The same, written by hand as the reviewer did.
    for (const path of ['/libraries?q=%00', '/summary?regency=a%00b', '/export/libraries.csv?q=%00', '/export/summary.xlsx?province=%00']) {
      const res = await monitor(s, cookie, path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.code, path).toBe('invalid_request');
    }
    // Inner spaces and other letters are still names.
    expect((await monitor(s, cookie, `/libraries${q({ q: 'Desa Suka' })}`)).status).toBe(200);
    expect((await monitor(s, cookie, `/libraries${q({ q: 'Pustaka 100% Ceria ✓ é 漢' })}`)).status).toBe(200);
    // Empty parameters are absent ones.
    const empty = await monitor(s, cookie, '/summary?province=&regency=&q=&colour=');
    expect(empty.status).toBe(200);
    expect(empty.body.area).toEqual({});
  });

  it('never answers a 5xx, whatever the query string (property)', async () => {
    const paths = ['/summary', '/libraries', '/export/summary.csv', '/export/libraries.csv', '/export/libraries.xlsx'];
    const keys = fc.constantFrom('province', 'regency', 'q', 'colour', 'x', 'province[]', '');
    // Any text, control characters and lone surrogates included, encoded as a browser would.
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 120 }), fc.string({ unit: fc.constantFrom('\u0000', '\u0001', '\t', '\n', ' ', '%', '_', '\\', 'a', 'é', '\ud800'), maxLength: 8 }));
    const encoded = fc.array(fc.tuple(keys, text), { maxLength: 4 }).map((pairs) => new URLSearchParams(pairs).toString());
    // And raw query strings: stray %, half escapes, escapes of bytes that are not UTF-8.
    const raw = fc
      .array(fc.constantFrom('province=', 'regency=', 'q=', 'colour=', '&', '=', '%', '%00', '%0', '%ZZ', '%C3', '%ED%A0%80', '%FF', '+', 'a', 'Bali', 'hijau', '%25'), { maxLength: 10 })
      .map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.oneof(encoded, raw), async (path, query) => {
        const res = await monitorRaw(s, cookie, `${path}?${query}`);
        await res.arrayBuffer();
        expect(res.status, `${path}?${query}`).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });

  it('answers 401 without a session, and to a device token', async () => {
    const device = libs.find((l) => l.device)!.device!;
    for (const path of ['/summary', '/libraries', `/libraries/${device.library.id}`, '/export/summary.csv', '/export/libraries.xlsx']) {
      expect((await call(s, 'GET', `/api/v1/monitor${path}`)).status).toBe(401);
      expect((await call(s, 'GET', `/api/v1/monitor${path}`, { token: device.token })).status).toBe(401);
    }
  });

  it(`returns at most ${MONITOR_LIBRARY_LIMIT} libraries and says so`, async () => {
    await s.database.db.transaction().execute(async (tx) => {
      for (let i = 0; i < MONITOR_LIBRARY_LIMIT + 1; i++) {
        await insertLibrary(
          tx,
          { id: newLibraryId(), name: `Perpustakaan Uji ${String(i).padStart(4, '0')}`, village: 'Uji', district: 'Uji', regency: 'Kabupaten Uji', province: 'Uji Batas', timezone: 'Asia/Jakarta' },
          s.clock.now(),
        );
      }
    });
    const res = await monitor(s, cookie, `/libraries${q({ province: 'Uji Batas' })}`);
    expect(res.status).toBe(200);
    expect(res.body.truncated).toBe(true);
    expect(res.body.libraries).toHaveLength(MONITOR_LIBRARY_LIMIT);
    expect(res.body.libraries[0].name).toBe('Perpustakaan Uji 0000');
    expect(res.body.libraries.at(-1).name).toBe('Perpustakaan Uji 0999');
    const narrowed = await monitor(s, cookie, `/libraries${q({ province: 'Uji Batas', q: 'uji 010' })}`);
    expect(narrowed.body).toMatchObject({ truncated: false });
    expect(narrowed.body.libraries).toHaveLength(10);
    // An export is the whole table, not the screen's first page.
    const csv = await monitorRaw(s, cookie, `/export/libraries.csv${q({ province: 'Uji Batas' })}`);
    expect((parse(await csv.text(), { bom: true }) as string[][]).length).toBe(1 + MONITOR_LIBRARY_LIMIT + 1);
    const summary = await monitor(s, cookie, `/summary${q({ province: 'Uji Batas' })}`);
    // Added just now and never pushed: grey, and not yet "belum sinkron 30+ hari".
    expect(summary.body.total).toMatchObject({ libraries: MONITOR_LIBRARY_LIMIT + 1, colours: { 'abu-abu': MONITOR_LIBRARY_LIMIT + 1 }, stale: 0 });
  });

  it('a place stored before names were tidied (two spaces) is still reached by its own name, while a search is tidied', async () => {
    await insertLibrary(
      s.database.db,
      { id: 'lib-lamaspasi00001', name: 'Perpustakaan  Desa Lama', village: 'V', district: 'D', regency: 'Kota  Lama', province: 'Uji  Spasi', timezone: 'Asia/Jakarta' },
      s.clock.now(),
    );
    const children = (await monitor(s, cookie, `/summary${q({ province: 'Uji  Spasi' })}`)).body.children.map((c: { name: string }) => c.name);
    expect(children).toEqual(['Kota  Lama']);
    const listed = await monitor(s, cookie, `/libraries${q({ province: 'Uji  Spasi', regency: 'Kota  Lama' })}`);
    expect(listed.status).toBe(200);
    expect(listed.body.libraries.map((l: { id: string }) => l.id)).toEqual(['lib-lamaspasi00001']);
  });
});
