/**
 * Scope isolation (issue 6): a province or kabupaten/kota supervisor sees only the
 * libraries of their scope — in the summary, the list, one library and the exports —
 * and anything wider or elsewhere is `403 out_of_scope` (a library: `404`, as if it did
 * not exist).
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorLibraryRow } from '../../src/domain';
import { createLibrary } from '../../src/server/store/libraries';
import { DB_KINDS, type TestServer, startTestServer } from './harness';
import {
  addSupervisor,
  ageLibraries,
  DATASET,
  expectedFigures,
  expectStale,
  groupBy,
  login,
  monitor,
  monitorRaw,
  q,
  seedLibraries,
  type Seeded,
} from './monitor-fixtures';


describe.each(DB_KINDS)('monitoring scopes on %s', (kind) => {
  let s: TestServer;
  let libs: Seeded[];
  const cookies: Record<string, string> = {};
  beforeAll(async () => {
    s = await startTestServer(kind);
    libs = await seedLibraries(s, DATASET);
    await ageLibraries(s, libs);
    for (const [name, scope] of [
      ['jatim', 'province:Jawa Timur'],
      ['malang', 'regency:Kabupaten Malang'],
      ['hantu', 'regency:Kabupaten Hantu'],
    ]) {
      await addSupervisor(s, name, scope);
      cookies[name] = await login(s, name);
    }
  });
  afterAll(async () => {
    await s?.stop();
  });

  const figures = (name: string, of: readonly Seeded[]) => expectedFigures(name, of, s.clock.now(), expectStale);
  const idsOf = (of: readonly Seeded[]) => of.map((l) => l.library.id).sort();
  const listIds = async (cookie: string, params: Record<string, string> = {}) =>
    ((await monitor(s, cookie, `/libraries${q(params)}`)).body.libraries as MonitorLibraryRow[]).map((r) => r.id).sort();
  /** The names in an exported CSV's first column (header left out). */
  const csvNames = async (cookie: string, path: string) => {
    const res = await monitorRaw(s, cookie, path);
    expect(res.status, path).toBe(200);
    return (parse(await res.text(), { bom: true }) as string[][]).slice(1).map((row) => row[0]);
  };

  describe('a province supervisor', () => {
    const jatim = () => libs.filter((l) => l.library.province === 'Jawa Timur');

    it('sees their province by default, drills into its kabupaten/kota, and nothing else', async () => {
      const res = await monitor(s, cookies.jatim, '/summary');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        area: { province: 'Jawa Timur' },
        total: figures('Jawa Timur', jatim()),
        children: groupBy(jatim(), (l) => l.library.regency).map(([name, of]) => figures(name, of)),
        childLevel: 'regency',
      });
      const surabaya = jatim().filter((l) => l.library.regency === 'Kota Surabaya');
      const down = await monitor(s, cookies.jatim, `/summary${q({ province: 'Jawa Timur', regency: 'Kota Surabaya' })}`);
      expect(down.body).toMatchObject({ total: figures('Kota Surabaya', surabaya), childLevel: 'none' });
      // One of theirs asked without the province: the same area.
      const bare = await monitor(s, cookies.jatim, `/summary${q({ regency: 'Kota Surabaya' })}`);
      expect(bare.body).toMatchObject({ area: { province: 'Jawa Timur', regency: 'Kota Surabaya' }, total: figures('Kota Surabaya', surabaya) });
      expect(await listIds(cookies.jatim, { regency: 'Kota Surabaya' })).toEqual(idsOf(surabaya));
    });

    it('is refused a kabupaten/kota of another province, asked with or without a province: 403 out_of_scope on every route', async () => {
      // Kabupaten Badung is in Bali; Kabupaten Hantu has no library anywhere, so nothing
      // shows it lies in Jawa Timur either.
      const elsewhere: Record<string, string>[] = [
        { regency: 'Kabupaten Badung' },
        { province: 'Jawa Timur', regency: 'Kabupaten Badung' },
        { regency: 'Kabupaten Badung', q: 'Perpustakaan' },
        { regency: 'Kabupaten Semarang', colour: 'kuning' },
        { regency: 'Kabupaten Hantu' },
      ];
      for (const path of ['/summary', '/libraries', '/export/summary.csv', '/export/summary.xlsx', '/export/libraries.csv', '/export/libraries.xlsx']) {
        for (const params of elsewhere) {
          const res = await monitor(s, cookies.jatim, `${path}${q(params)}`);
          expect(res.status, `${path} ${JSON.stringify(params)}`).toBe(403);
          expect(res.body.error.code).toBe('out_of_scope');
        }
      }
    });

    it('is refused another province: 403 out_of_scope on every route', async () => {
      for (const path of ['/summary', '/libraries', '/export/summary.csv', '/export/summary.xlsx', '/export/libraries.csv', '/export/libraries.xlsx']) {
        const elsewhere: Record<string, string>[] = [{ province: 'Bali' }, { province: 'Bali', regency: 'Kabupaten Badung' }, { province: 'jawa timur' }];
        for (const params of elsewhere) {
          const res = await monitor(s, cookies.jatim, `${path}${q(params)}`);
          expect(res.status, `${path} ${JSON.stringify(params)}`).toBe(403);
          expect(res.body.error.code).toBe('out_of_scope');
        }
      }
    });

    it('lists, opens and exports only their libraries', async () => {
      expect(await listIds(cookies.jatim)).toEqual(idsOf(jatim()));
      expect(await listIds(cookies.jatim, { colour: 'hijau' })).toEqual(idsOf(jatim().filter((l) => l.profile.startsWith('hijau'))));
      expect(await listIds(cookies.jatim, { q: 'perpustakaan' })).toEqual(idsOf(jatim().filter((l) => l.library.name.startsWith('Perpustakaan'))));
      const names = await csvNames(cookies.jatim, '/export/libraries.csv');
      expect(names.sort()).toEqual(jatim().map((l) => l.library.name).sort());
      expect(await csvNames(cookies.jatim, '/export/summary.csv')).toEqual(['Kabupaten Malang', 'Kota Surabaya']);
      for (const lib of libs) {
        const res = await monitor(s, cookies.jatim, `/libraries/${lib.library.id}`);
        expect(res.status, lib.library.name).toBe(lib.library.province === 'Jawa Timur' ? 200 : 404);
      }
    });
  });

  describe('a kabupaten/kota supervisor', () => {
    const malang = () => libs.filter((l) => l.library.regency === 'Kabupaten Malang');

    it('sees their kabupaten, its province looked up, with no children', async () => {
      const res = await monitor(s, cookies.malang, '/summary');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ area: { province: 'Jawa Timur', regency: 'Kabupaten Malang' }, total: figures('Kabupaten Malang', malang()), children: [], childLevel: 'none' });
      const same: Record<string, string>[] = [{ regency: 'Kabupaten Malang' }, { province: 'Jawa Timur', regency: 'Kabupaten Malang' }];
      for (const params of same) {
        expect((await monitor(s, cookies.malang, `/summary${q(params)}`)).body.total).toEqual(figures('Kabupaten Malang', malang()));
      }
    });

    it('is refused its province, a neighbour and another province: 403 out_of_scope', async () => {
      const wider: Record<string, string>[] = [{ province: 'Jawa Timur' }, { regency: 'Kota Surabaya' }, { province: 'Jawa Timur', regency: 'Kota Surabaya' }, { province: 'Bali', regency: 'Kabupaten Malang' }, { province: 'Bali' }];
      for (const path of ['/summary', '/libraries', '/export/summary.csv', '/export/libraries.xlsx']) {
        for (const params of wider) {
          const res = await monitor(s, cookies.malang, `${path}${q(params)}`);
          expect(res.status, `${path} ${JSON.stringify(params)}`).toBe(403);
          expect(res.body.error.code).toBe('out_of_scope');
        }
      }
    });

    it('lists, opens and exports only their libraries; another library is 404 like one that does not exist', async () => {
      expect(await listIds(cookies.malang)).toEqual(idsOf(malang()));
      expect(await csvNames(cookies.malang, '/export/libraries.csv')).toEqual(expect.arrayContaining(malang().map((l) => l.library.name)));
      expect((await csvNames(cookies.malang, '/export/libraries.csv')).length).toBe(malang().length);
      expect(await csvNames(cookies.malang, '/export/summary.csv')).toEqual(['Kabupaten Malang']);
      const outside = libs.find((l) => l.library.regency === 'Kota Surabaya')!;
      const hidden = await monitor(s, cookies.malang, `/libraries/${outside.library.id}`);
      const missing = await monitor(s, cookies.malang, '/libraries/lib-000000000000');
      expect(hidden.status).toBe(404);
      expect(hidden.body).toEqual(missing.body);
      expect((await monitor(s, cookies.malang, `/libraries/${malang()[0].library.id}`)).status).toBe(200);
    });

    it('with no library in their kabupaten yet: zeros, and nothing of anyone else', async () => {
      const res = await monitor(s, cookies.hantu, '/summary');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ area: { regency: 'Kabupaten Hantu' }, total: figures('Kabupaten Hantu', []), childLevel: 'none' });
      expect(await listIds(cookies.hantu)).toEqual([]);
      expect((await monitor(s, cookies.hantu, `/summary${q({ province: 'Jawa Timur' })}`)).status).toBe(403);
    });

    // Last: it adds a library to the kabupaten the tests above count.
    it('a kabupaten/kota name found in two provinces: each province with it narrows the area, as the screens link it', async () => {
      const made = await createLibrary(
        s.database.db,
        { name: 'Perpus Malang Kembar', village: 'Desa Kembar', district: 'Kec Kembar', regency: 'Kabupaten Malang', province: 'Bali', timezone: 'Asia/Makassar' },
        s.clock.now(),
      );
      if (!made.ok) throw new Error('library');
      const twin = made.library;
      const both = await monitor(s, cookies.malang, '/summary');
      expect(both.body.area).toEqual({ regency: 'Kabupaten Malang' });
      expect(both.body.total.libraries).toBe(malang().length + 1);
      const inBali = await monitor(s, cookies.malang, `/summary${q({ province: 'Bali', regency: 'Kabupaten Malang' })}`);
      expect(inBali.status).toBe(200);
      expect(inBali.body).toMatchObject({ area: { province: 'Bali', regency: 'Kabupaten Malang' }, total: { libraries: 1 } });
      expect(await listIds(cookies.malang, { province: 'Bali', regency: 'Kabupaten Malang' })).toEqual([twin.id]);
      const inJatim = await monitor(s, cookies.malang, `/summary${q({ province: 'Jawa Timur', regency: 'Kabupaten Malang' })}`);
      expect(inJatim.body.total).toEqual(figures('Kabupaten Malang', malang()));
      // The province supervisor asking for the name gets their province's kabupaten only.
      const jatimMalang = await monitor(s, cookies.jatim, `/summary${q({ regency: 'Kabupaten Malang' })}`);
      expect(jatimMalang.body).toMatchObject({ area: { province: 'Jawa Timur', regency: 'Kabupaten Malang' }, total: figures('Kabupaten Malang', malang()) });
      expect(await listIds(cookies.jatim, { regency: 'Kabupaten Malang' })).toEqual(idsOf(malang()));
      // Still nothing wider, nor a province without it.
      const wider: Record<string, string>[] = [{ province: 'Bali' }, { province: 'Jawa Tengah', regency: 'Kabupaten Malang' }];
      for (const params of wider) {
        expect((await monitor(s, cookies.malang, `/summary${q(params)}`)).status).toBe(403);
      }
    });
  });
});
