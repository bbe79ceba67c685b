/**
 * The stored KPIs monitoring aggregates (DESIGN.md, "The server"): stored after a push
 * without anyone asking, recomputed when the library's day or month changes (targets
 * grow), never taken for fresh when a push lands while they are computed, and kept
 * fresh by the background sweep, whose failures are logged, not thrown.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { activityEntrySchema, computeKpi, defaultRulebook, todayIn, type ActivityEntryInput, type KpiResult } from '../../src/domain';
import { KpiRefresh, nextLocalMidnight } from '../../src/server/kpi-refresh';
import { RulebookSource, rulebookSourceFor } from '../../src/server/rulebook-source';
import { refreshSnapshots, staleLibraryIds, strategyTotals } from '../../src/server/store/kpi-snapshots';
import { applyPush } from '../../src/server/store/push';
import { DB_KINDS, openUrl, pushEntries, type TestServer, startTestServer } from './harness';
import { addSupervisor, entriesFor, entryOf, expectedFigures, kpiOf, login, monitor, seedLibraries, type Seeded } from './monitor-fixtures';

const WAIT = { timeout: 60_000, interval: 50 };

/** What a stored KPI keeps of a KpiResult. */
const storedOf = (kpi: KpiResult) => ({ rulebook_id: kpi.rulebookId, colour: kpi.colour, score: kpi.score, ...strategyTotals(kpi) });

describe.each(DB_KINDS)('stored KPIs on %s', (kind) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(kind);
    await addSupervisor(s, 'pusat', 'national');
  });
  afterAll(async () => {
    await s?.stop();
  });

  const snapshotOf = (libraryId: string) => s.database.db.selectFrom('library_kpi').selectAll().where('library_id', '=', libraryId).executeTakeFirst();
  const changeCountOf = async (libraryId: string) =>
    Number((await s.database.db.selectFrom('libraries').select('change_count').where('library_id', '=', libraryId).executeTakeFirstOrThrow()).change_count);

  it('stores a library’s KPI shortly after a push that applied something, with no monitoring request', async () => {
    const [lib] = await seedLibraries(s, [{ name: 'Perpustakaan Desa Pertama', regency: 'Kabupaten Kediri', province: 'Jawa Timur', profile: 'kuning' }]);
    await vi.waitFor(async () => {
      const row = await snapshotOf(lib.library.id);
      expect(row).toMatchObject({ rulebook_id: defaultRulebook.id, computed_for: '2025-10-20', colour: 'kuning', layanan: 1, pelibatan: 1, advokasi: 1 });
      expect(Number(row!.change_count)).toBe(await changeCountOf(lib.library.id));
    }, WAIT);
    expect(await snapshotOf(lib.library.id)).toMatchObject(storedOf(kpiOf(lib, s.clock.now())));

    // More entries: the stored colour follows, still without anyone asking.
    const more = entriesFor(lib.library.id, 'hijau');
    expect((await pushEntries(s, lib.device!, more)).status).toBe(200);
    lib.entries.push(...more);
    await vi.waitFor(async () => {
      const row = await snapshotOf(lib.library.id);
      expect(row).toMatchObject({ colour: 'hijau', pelibatan: 31, advokasi: 11, layanan: 5 });
      expect(Number(row!.change_count)).toBe(await changeCountOf(lib.library.id));
    }, WAIT);
  });

  it('recomputes when the library’s day or month changes: targets grow, a colour drops with no new entry, per time zone', async () => {
    const libs: Seeded[] = await seedLibraries(s, [
      { name: 'Perpustakaan Desa Rapuh Barat', regency: 'Kabupaten Blitar', province: 'Jawa Timur', profile: 'hijau-rapuh' },
      { name: 'Perpustakaan Desa Rapuh Tengah', regency: 'Kabupaten Gianyar', province: 'Bali', profile: 'hijau-rapuh', timezone: 'Asia/Makassar' },
      { name: 'Perpustakaan Desa Kokoh', regency: 'Kabupaten Blitar', province: 'Jawa Timur', profile: 'hijau' },
    ]);
    const [barat, tengah, kokoh] = libs;
    const colours = async () => {
      const cookie = await login(s, 'pusat'); // the clock moves past sessions' expiry
      const rows = (await monitor(s, cookie, '/libraries?q=rapuh')).body.libraries.concat((await monitor(s, cookie, '/libraries?q=kokoh')).body.libraries);
      return Object.fromEntries(rows.map((r: { name: string; colour: string }) => [r.name.split(' ').pop(), r.colour]));
    };
    expect(await colours()).toEqual({ Barat: 'hijau', Tengah: 'hijau', Kokoh: 'hijau' });

    // 16:30 UTC on 31 October: still October in WIB (23:30), already November in WITA (00:30).
    s.clock.ms = Date.parse('2025-10-31T16:30:00.000Z');
    expect(await colours()).toEqual({ Barat: 'hijau', Tengah: 'kuning', Kokoh: 'hijau' });
    expect(await snapshotOf(barat.library.id)).toMatchObject({ computed_for: '2025-10-31', colour: 'hijau' });
    expect(await snapshotOf(tengah.library.id)).toMatchObject({ computed_for: '2025-11-01', colour: 'kuning' });

    s.clock.ms = Date.parse('2025-11-01T03:00:00.000Z');
    expect(await colours()).toEqual({ Barat: 'kuning', Tengah: 'kuning', Kokoh: 'hijau' });
    const cookie = await login(s, 'pusat');
    const blitar = await monitor(s, cookie, '/summary?province=Jawa+Timur&regency=Kabupaten+Blitar');
    expect(blitar.body.total).toEqual(expectedFigures('Kabupaten Blitar', [barat, kokoh], s.clock.now(), () => false));
    for (const lib of libs) {
      const row = (await snapshotOf(lib.library.id))!;
      expect(row.computed_for).toBe(todayIn(lib.library.timezone, s.clock.now()));
      expect(row).toMatchObject(storedOf(kpiOf(lib, s.clock.now())));
    }

    // The next day: same colours, but the stored KPI is for the new day (its period ends today).
    s.clock.ms += 86_400_000;
    await colours();
    expect(await snapshotOf(kokoh.library.id)).toMatchObject({ computed_for: '2025-11-02', colour: 'hijau' });
  });

  it('a push landing while a KPI is computed leaves it stale — recomputed next time — never wrong-but-fresh', async () => {
    const [lib] = await seedLibraries(s, [{ name: 'Perpustakaan Desa Sela', regency: 'Kabupaten Jember', province: 'Jawa Timur', profile: 'merah' }]);
    // The server's own refresh after that push is done, so nothing else writes this snapshot meanwhile.
    await vi.waitFor(async () => expect(Number((await snapshotOf(lib.library.id))?.change_count)).toBe(await changeCountOf(lib.library.id)), WAIT);
    // A second and a third handle on the same database: one computes, one pushes in between.
    const computing = openUrl(s.databaseUrl);
    const pushing = openUrl(s.databaseUrl);
    try {
      const now = s.clock.now();
      const extra: ActivityEntryInput[] = [entryOf(lib.library.id, 'advokasi', todayIn('Asia/Jakarta', now), false), entryOf(lib.library.id, 'layanan', todayIn('Asia/Jakarta', now), false)];
      let interleaved = false;
      const spied = computing.db.withPlugin({
        transformQuery: (args) => args.node,
        async transformResult(args) {
          // Right after the refresh's first read, whatever it is: the push lands between its reads.
          if (!interleaved) {
            interleaved = true;
            const seq = lib.device!.nextSeq;
            const outcome = await applyPush(pushing, {
              libraryId: lib.library.id,
              deviceId: lib.device!.deviceId,
              now,
              mutations: extra.map((e, i) => {
                const entry = activityEntrySchema.parse(e);
                return { seq: seq + i, baseVersion: 0, entryId: entry.id, check: { ok: true as const, entry } };
              }),
            });
            expect(outcome.ok).toBe(true);
            lib.device!.nextSeq += extra.length;
          }
          return args.result;
        },
      });
      await refreshSnapshots(spied, defaultRulebook, now, [lib.library.id]);
      expect(interleaved).toBe(true);
      const row = (await snapshotOf(lib.library.id))!;
      // Computed over the new entries, but recorded at the count read before them: stale.
      expect(Number(row.change_count)).toBeLessThan(await changeCountOf(lib.library.id));
      expect(await staleLibraryIds(s.database.db, defaultRulebook.id, now, { regency: 'Kabupaten Jember' })).toEqual([lib.library.id]);

      lib.entries.push(...extra);
      const cookie = await login(s, 'pusat');
      const detail = await monitor(s, cookie, '/libraries?q=sela');
      expect(detail.body.libraries[0]).toMatchObject({ colour: 'kuning', entries: { layanan: 1, pelibatan: 2, advokasi: 1 } });
      expect(Number((await snapshotOf(lib.library.id))!.change_count)).toBe(await changeCountOf(lib.library.id));
      expect(await staleLibraryIds(s.database.db, defaultRulebook.id, now, { regency: 'Kabupaten Jember' })).toEqual([]);
    } finally {
      await computing.close();
      await pushing.close();
    }
  });

  it('the background sweep absorbs a new month before anyone asks, and stops promptly', async () => {
    const [lib] = await seedLibraries(s, [{ name: 'Perpustakaan Desa Sapuan', regency: 'Kabupaten Madiun', province: 'Jawa Timur', profile: 'hijau-rapuh' }]);
    const month = Date.parse('2025-12-01T03:00:00.000Z');
    let clock = s.clock.ms;
    const sweeper = new KpiRefresh({ database: s.database, rulebooks: rulebookSourceFor(s.database), now: () => new Date(clock), logger: () => {}, sweepEveryMs: 50 });
    sweeper.start();
    try {
      clock = month;
      await vi.waitFor(async () => {
        expect(await snapshotOf(lib.library.id)).toMatchObject({ computed_for: '2025-12-01', colour: 'kuning' });
      }, WAIT);
      expect(await snapshotOf(lib.library.id)).toMatchObject(storedOf(computeKpi(lib.entries, lib.library, defaultRulebook, new Date(month))));
    } finally {
      await sweeper.stop();
    }
  });

  it('sweeps a few seconds after each time zone’s midnight, unasked, and re-arms for the next one', async () => {
    // 12:00 UTC on 10 December: 19:00 WIB, 20:00 WITA, 21:00 WIT. The server's clock moves
    // with this sweeper's, so that its own refresh after the pushes below agrees with it.
    s.clock.ms = Date.parse('2025-12-10T12:00:00.000Z');
    const [timur, barat] = await seedLibraries(s, [
      { name: 'Perpustakaan Kampung Sentani', regency: 'Kabupaten Jayapura', province: 'Papua', profile: 'kuning', timezone: 'Asia/Jayapura' },
      { name: 'Perpustakaan Desa Tengah Malam', regency: 'Kabupaten Madiun', province: 'Jawa Timur', profile: 'kuning' },
    ]);
    const armed: { fire: () => void; ms: number; cancelled: boolean }[] = [];
    const sweeper = new KpiRefresh({
      database: s.database,
      rulebooks: rulebookSourceFor(s.database),
      now: s.clock.now,
      logger: () => {},
      sweepEveryMs: 86_400_000, // the regular sweep never comes in this test
      midnightDelayMs: 3_000,
      midnightTimer: (fire, ms) => {
        const timer = { fire, ms, cancelled: false };
        armed.push(timer);
        return () => void (timer.cancelled = true);
      },
    });
    sweeper.start();
    try {
      await vi.waitFor(async () => {
        expect(await snapshotOf(timur.library.id)).toMatchObject({ computed_for: '2025-12-10' });
        expect(await snapshotOf(barat.library.id)).toMatchObject({ computed_for: '2025-12-10' });
      }, WAIT);
      // Armed for WIT's midnight, 15:00 UTC, and the delay.
      expect(armed.map((t) => t.ms)).toEqual([3 * 3_600_000 + 3_000]);

      // Its time comes: no request, no push — the sweep alone recomputes the WIT library.
      s.clock.ms = Date.parse('2025-12-10T15:00:03.000Z');
      armed[0].fire();
      await vi.waitFor(async () => {
        expect(await snapshotOf(timur.library.id)).toMatchObject({ computed_for: '2025-12-11' });
      }, WAIT);
      expect(await snapshotOf(timur.library.id)).toMatchObject(storedOf(kpiOf(timur, s.clock.now())));
      // Still 10 December (22:00) in WIB: nothing to do there yet.
      expect(await snapshotOf(barat.library.id)).toMatchObject({ computed_for: '2025-12-10' });
      // Re-armed, for WITA's midnight at 16:00 UTC.
      expect(armed.map((t) => t.ms)).toEqual([3 * 3_600_000 + 3_000, 3_600_000]);

      // Then WITA's, then WIB's (17:00 UTC), then WIT's again the next day.
      s.clock.ms = Date.parse('2025-12-10T16:00:03.000Z');
      armed[1].fire();
      s.clock.ms = Date.parse('2025-12-10T17:00:03.000Z');
      armed[2].fire();
      await vi.waitFor(async () => {
        expect(await snapshotOf(barat.library.id)).toMatchObject({ computed_for: '2025-12-11' });
      }, WAIT);
      expect(armed.map((t) => t.ms)).toEqual([3 * 3_600_000 + 3_000, 3_600_000, 3_600_000, 22 * 3_600_000]);
    } finally {
      await sweeper.stop();
    }
    // Stopping cancels the armed one; a fired one is not armed again after a stop.
    expect(armed.map((t) => t.cancelled)).toEqual([false, false, false, true]);
    armed[3].fire();
    expect(armed).toHaveLength(4);
  });

  it('finds the next midnight of any of the zones', () => {
    const next = (iso: string) => nextLocalMidnight(new Date(iso)).toISOString();
    expect(next('2025-12-10T12:00:00.000Z')).toBe('2025-12-10T15:00:00.000Z'); // WIT
    expect(next('2025-12-10T15:00:00.000Z')).toBe('2025-12-10T16:00:00.000Z'); // WITA
    expect(next('2025-12-10T16:59:59.999Z')).toBe('2025-12-10T17:00:00.000Z'); // WIB
    expect(next('2025-12-10T17:00:00.000Z')).toBe('2025-12-11T15:00:00.000Z');
    expect(next('2025-12-31T16:30:00.000Z')).toBe('2025-12-31T17:00:00.000Z'); // a new year in WIB
  });

  it('recomputes a burst of pushes once it pauses, and at the latest maxWaitMs after it began if it never does', async () => {
    const batches: string[][] = [];
    const watched = (options: { debounceMs: number; maxWaitMs: number }) => {
      const r = new KpiRefresh({ database: s.database, rulebooks: rulebookSourceFor(s.database), now: s.clock.now, logger: () => {}, ...options });
      const refresh = r.refresh.bind(r);
      r.refresh = (ids) => (batches.push([...ids].sort()), refresh(ids));
      return r;
    };

    // Pushes that never pause: only the longest wait can flush them, and it does, with every library queued.
    const rush = watched({ debounceMs: 10 * 60_000, maxWaitMs: 200 });
    const started = performance.now();
    while (batches.length === 0 && performance.now() - started < 30_000) {
      rush.schedule('lib-rush-a');
      rush.schedule('lib-rush-b');
      await new Promise((r) => setTimeout(r, 10));
    }
    await rush.stop();
    expect(batches[0]).toEqual(['lib-rush-a', 'lib-rush-b']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);

    // A burst that pauses: one recomputation for all of it, not one per push.
    batches.length = 0;
    const burst = watched({ debounceMs: 50, maxWaitMs: 10 * 60_000 });
    for (const id of ['lib-a', 'lib-b', 'lib-a', 'lib-c']) burst.schedule(id);
    await vi.waitFor(() => expect(batches).toEqual([['lib-a', 'lib-b', 'lib-c']]), WAIT);
    await burst.stop();
  });

  it('logs a failed background refresh and carries on', async () => {
    const lines: Record<string, unknown>[] = [];
    const broken = { current: () => Promise.reject(new Error('rulebook unreadable')), onChange: () => () => {} } as unknown as RulebookSource;
    const refresh = new KpiRefresh({ database: s.database, rulebooks: broken, now: s.clock.now, logger: (l) => void lines.push(l as Record<string, unknown>), debounceMs: 1 });
    refresh.schedule('lib-apapun');
    refresh.start();
    await vi.waitFor(() => expect(lines.filter((l) => l.level === 'error' && l.event === 'kpi_refresh').length).toBeGreaterThanOrEqual(2), WAIT);
    expect(lines[0].error).toBe('rulebook unreadable');
    await refresh.stop();
    refresh.schedule('lib-lain'); // after stop: ignored, nothing runs
  });
});
