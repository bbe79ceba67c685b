/**
 * "Belum sinkron 30+ hari" for a library that never pushed: it counts from the day the
 * library was added, not from the beginning of time — a library added minutes ago has
 * had no chance to sync. Checked on every route that shows the mark (summary, list, one
 * library, both exports), on SQLite and PostgreSQL, at the 30-day boundary.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Library, MonitorLibraryRow } from '../../src/domain';
import { createLibrary } from '../../src/server/store/libraries';
import { DB_KINDS, enrollNew, pushEntries, startTestServer, type TestServer } from './harness';
import { addSupervisor, entryOf, login, monitor, monitorRaw, q } from './monitor-fixtures';

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * Each library: how long ago it was added, how long ago it last pushed (null: never),
 * and whether it is "belum sinkron 30+ hari" now.
 */
const CASES = {
  'Perpustakaan Desa Baru': { added: 5 * MINUTE, pushed: null, stale: false },
  'Perpustakaan Desa Hampir': { added: 30 * DAY - MINUTE, pushed: null, stale: false },
  'Perpustakaan Desa Tepat': { added: 30 * DAY, pushed: null, stale: true },
  'Perpustakaan Desa Lama': { added: 40 * DAY, pushed: null, stale: true },
  'Perpustakaan Desa Aktif': { added: 40 * DAY, pushed: 0, stale: false },
  'Perpustakaan Desa Diam': { added: 50 * DAY, pushed: 40 * DAY, stale: true },
} as const;
type Name = keyof typeof CASES;

const AREA = { province: 'Maluku', regency: 'Kota Ambon' };

describe.each(DB_KINDS)('"belum sinkron 30+ hari" of a library that never pushed, on %s', (kind) => {
  let s: TestServer;
  let cookie: string;
  const libs = new Map<Name, Library>();
  beforeAll(async () => {
    s = await startTestServer(kind);
    for (const [name, c] of Object.entries(CASES) as [Name, (typeof CASES)[Name]][]) {
      const made = await createLibrary(
        s.database.db,
        { name, village: name.split(' ').pop()!, district: 'Sirimau', ...AREA, timezone: 'Asia/Jayapura' },
        new Date(s.clock.ms - c.added),
      );
      if (!made.ok) throw new Error(name);
      libs.set(name, made.library);
      if (c.pushed === null) continue;
      // A real push, as a phone sends it; then its time moved back, as ageLibraries does.
      const device = await enrollNew(s, made.library);
      const res = await pushEntries(s, device, [entryOf(made.library.id, 'pelibatan', '2025-09-01', true)]);
      if (res.status !== 200) throw new Error(`push: ${res.status}`);
      await s.database.db
        .updateTable('libraries')
        .set({ last_push_at: new Date(s.clock.ms - c.pushed).toISOString() })
        .where('library_id', '=', made.library.id)
        .execute();
    }
    await addSupervisor(s, 'pusat', 'national');
    cookie = await login(s, 'pusat');
  });
  afterAll(async () => {
    await s?.stop();
  });

  /** The staleness of every library as each route tells it, by name. */
  async function marks() {
    const list = await monitor(s, cookie, `/libraries${q(AREA)}`);
    expect(list.status).toBe(200);
    const listed = Object.fromEntries((list.body.libraries as MonitorLibraryRow[]).map((r) => [r.name, r.stale]));
    const detail: Record<string, boolean> = {};
    for (const [name, lib] of libs) {
      const res = await monitor(s, cookie, `/libraries/${lib.id}`);
      expect(res.status).toBe(200);
      detail[name] = res.body.stale;
    }
    const csv = await monitorRaw(s, cookie, `/export/libraries.csv${q(AREA)}`);
    const rows = parse(await csv.text(), { bom: true }) as string[][];
    const staleColumn = rows[0].indexOf('Belum sinkron 30+ hari');
    const exported = Object.fromEntries(rows.slice(1).map((row) => [row[0], row[staleColumn] === 'ya']));
    const summary = await monitor(s, cookie, `/summary${q({ province: AREA.province })}`);
    const summaryCsv = parse(await (await monitorRaw(s, cookie, `/export/summary.csv${q({ province: AREA.province })}`)).text(), { bom: true }) as string[][];
    return { listed, detail, exported, total: summary.body.total.stale, child: summary.body.children[0].stale, exportedTotal: Number(summaryCsv[1].at(-1)) };
  }

  const expected = (stale: (name: Name) => boolean) => {
    const each = Object.fromEntries((Object.keys(CASES) as Name[]).map((name) => [name, stale(name)]));
    const count = Object.values(each).filter(Boolean).length;
    return { listed: each, detail: each, exported: each, total: count, child: count, exportedTotal: count };
  };

  it('a library added minutes ago that never pushed is not stale; one added 30 days ago or more is', async () => {
    const seen = await marks();
    expect(seen).toEqual(expected((name) => CASES[name].stale));
    // The point of the fix, said plainly.
    expect(seen.listed['Perpustakaan Desa Baru']).toBe(false);
    expect(seen.total).toBe(3);
  });

  it('a minute later, the library added 30 days less a minute ago becomes stale, the new one still is not', async () => {
    s.clock.advance(MINUTE);
    expect(await marks()).toEqual(expected((name) => CASES[name].stale || name === 'Perpustakaan Desa Hampir'));
  });
});
