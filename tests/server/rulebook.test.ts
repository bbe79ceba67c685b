/**
 * `npm run admin -- rulebook publish <file.json>` (issue 6): validated, stored, and
 * followed by everything that uses the rulebook — GET /rulebook, enrolment, GET
 * /library's KPI, push validation (activity types), the admin's library list, and the
 * monitoring colours (a looser or stricter rulebook really changes a colour). Another
 * server process follows within about a second, without a query per request.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultRulebook, rulebookSchema, type ActivityEntry, type Rulebook } from '../../src/domain';
import { RulebookSource } from '../../src/server/rulebook-source';
import { currentRulebookId, loadRulebook } from '../../src/server/store/rulebooks';
import { DB_KINDS, call, enrollNew, makeEntry, openUrl, pushEntries, type TestServer, startTestServer } from './harness';
import { addSupervisor, admin, login, monitor, seedLibraries, type Seeded } from './monitor-fixtures';

/** A rulebook made from the default one, changed by `edit`. */
function rulebookWith(id: string, edit: (r: Rulebook) => void): Rulebook {
  const r = structuredClone(defaultRulebook) as Rulebook;
  r.id = id;
  edit(r);
  return rulebookSchema.parse(r);
}

/**
 * Looser: one entry of each strategy meets its target, documentation does not count,
 * any month is sustained enough — a kuning library (one of each) turns hijau. It also
 * adds the pelibatan activity type `baca_bersama`.
 */
const LOOSER = rulebookWith('uji-longgar-2025.1', (r) => {
  r.components = [
    { key: 'pelibatan', weight: 50, indicator: { kind: 'count', strategy: 'pelibatan', target: { perMonth: 0.1 } } },
    { key: 'advokasi', weight: 25, indicator: { kind: 'count', strategy: 'advokasi', target: { perMonth: 0.1 } } },
    { key: 'layanan', weight: 25, indicator: { kind: 'count', strategy: 'layanan', target: { everyMonths: 12 } } },
    { key: 'dokumentasi', weight: 0, indicator: { kind: 'documentedShare', targetShare: 0.8 } },
  ];
  r.green.sustained.shareOfMonths = 0;
  r.strategies.pelibatan.activityTypes.push({ code: 'baca_bersama', label: { id: 'Baca bersama', en: 'Reading together' } });
});

/** Stricter: five pelibatan a month and a perfect score — the hijau library turns kuning. */
const STRICTER = rulebookWith('uji-ketat-2025.1', (r) => {
  r.components[0].indicator = { kind: 'count', strategy: 'pelibatan', target: { perMonth: 5 } };
  r.green.threshold = 100;
});

describe.each(DB_KINDS)('rulebook publish on %s', (kind) => {
  let s: TestServer;
  let dir: string;
  let libs: Seeded[];
  beforeAll(async () => {
    s = await startTestServer(kind);
    dir = mkdtempSync(join(tmpdir(), 'tpbis-rulebook-'));
    libs = await seedLibraries(s, [
      { name: 'Perpustakaan Desa Kuning', regency: 'Kabupaten Kediri', province: 'Jawa Timur', profile: 'kuning' },
      { name: 'Perpustakaan Desa Hijau', regency: 'Kabupaten Kediri', province: 'Jawa Timur', profile: 'hijau' },
    ]);
    await addSupervisor(s, 'pusat', 'national');
  });
  afterAll(async () => {
    await s?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function file(name: string, content: unknown): string {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return path;
  }

  /** What each consumer of the rulebook says now, for the two libraries. */
  async function observed() {
    const [kuning, hijau] = libs;
    const cookie = await login(s, 'pusat');
    const list = (await monitor(s, cookie, '/libraries')).body.libraries as { name: string; colour: string }[];
    const summary = (await monitor(s, cookie, '/summary')).body;
    const phone = (await call(s, 'GET', '/api/v1/library', { token: kuning.device!.token })).body.kpi;
    const listed = (await admin(s, ['library', 'list', '--json'])).json.libraries as { id: string; colour: string }[];
    return {
      rulebook: (await call(s, 'GET', '/api/v1/rulebook', { token: hijau.device!.token })).body.id,
      summaryRulebook: summary.rulebookId,
      phone: `${phone.rulebookId} ${phone.colour}`,
      monitor: Object.fromEntries(list.map((l) => [l.name.split(' ').pop(), l.colour])),
      summary: summary.total.colours,
      admin: Object.fromEntries(listed.map((l) => [l.id === kuning.library.id ? 'Kuning' : 'Hijau', l.colour])),
    };
  }

  it('the shipped rulebook counts as published: its id with another body is refused, with the same body nothing changes', async () => {
    const rows = () => s.database.db.selectFrom('rulebooks').selectAll().execute();
    // The shipped document itself, in another layout: nothing to do, nothing stored.
    const reordered = Object.fromEntries(Object.entries(structuredClone(defaultRulebook)).reverse());
    const same = await admin(s, ['rulebook', 'publish', file('bawaan.json', reordered), '--json']);
    expect(same).toMatchObject({ code: 0, json: { rulebookId: defaultRulebook.id, changed: false } });
    expect((await admin(s, ['rulebook', 'publish', file('bawaan.json', reordered)])).out.join('\n')).toContain('nothing changed');
    expect(await rows()).toEqual([]);

    // Another body under the shipped id would be served by this server from its cache, by
    // a restarted one from the database, and never recolour a stored KPI: refused.
    const changed = rulebookWith(defaultRulebook.id, (r) => {
      r.green.threshold = 90;
    });
    const refused = await admin(s, ['rulebook', 'publish', file('bawaan-beda.json', changed), '--json']);
    expect(refused.code).toBe(2);
    expect(refused.out).toEqual([]);
    expect(refused.err.join('\n')).toContain(`rulebook ${defaultRulebook.id} is already published with other contents`);
    expect(await rows()).toEqual([]);
    expect(await currentRulebookId(s.database.db)).toBe(defaultRulebook.id);
    // A server started now (a fresh cache on the same database) serves the shipped body.
    expect(await new RulebookSource(s.database.db).current()).toEqual(defaultRulebook);
    expect((await call(s, 'GET', '/api/v1/rulebook', { token: libs[0].device!.token })).body).toEqual(defaultRulebook);
  });

  it('publishes a valid rulebook, and every user follows it: a looser one turns kuning into hijau', async () => {
    expect(await observed()).toEqual({
      rulebook: defaultRulebook.id,
      summaryRulebook: defaultRulebook.id,
      phone: `${defaultRulebook.id} kuning`,
      monitor: { Kuning: 'kuning', Hijau: 'hijau' },
      summary: { hijau: 1, kuning: 1, merah: 0, 'abu-abu': 0 },
      admin: { Kuning: 'kuning', Hijau: 'hijau' },
    });
    // The new activity type is refused while the default rulebook is the current one.
    const device = libs[0].device!;
    const reading = () => makeEntry(libs[0].library.id, { strategy: 'pelibatan', activityType: 'baca_bersama', date: '2025-10-02' });
    expect((await pushEntries(s, device, [reading()])).body.results[0].status).toBe('rejected');

    const published = await admin(s, ['rulebook', 'publish', file('longgar.json', LOOSER), '--json']);
    expect(published).toMatchObject({ code: 0, json: { rulebookId: LOOSER.id, publishedAt: s.clock.now().toISOString(), entriesNotCounted: 0 } });

    expect(await observed()).toEqual({
      rulebook: LOOSER.id,
      summaryRulebook: LOOSER.id,
      phone: `${LOOSER.id} hijau`,
      monitor: { Kuning: 'hijau', Hijau: 'hijau' },
      summary: { hijau: 2, kuning: 0, merah: 0, 'abu-abu': 0 },
      admin: { Kuning: 'hijau', Hijau: 'hijau' },
    });
    expect((await call(s, 'GET', '/api/v1/rulebook', { token: device.token })).body).toEqual(LOOSER);
    expect((await enrollNew(s, libs[1].library)).rulebook).toEqual(LOOSER);
    expect((await pushEntries(s, device, [reading()])).body.results[0].status).toBe('applied');
    const stored = await s.database.db.selectFrom('library_kpi').select(['library_id', 'rulebook_id']).execute();
    expect(new Set(stored.map((r) => r.rulebook_id))).toEqual(new Set([LOOSER.id]));
  });

  it('a stricter rulebook turns hijau into kuning; the stored KPIs follow before anyone asks', async () => {
    const logged = s.logs.length;
    // It lacks the looser one's `baca_bersama`, and one stored entry has it: the admin is told.
    const published = await admin(s, ['rulebook', 'publish', file('ketat.json', STRICTER)]);
    expect(published.code).toBe(0);
    expect(published.out).toEqual([`Rulebook published: ${STRICTER.id}`]);
    expect(published.err).toEqual([
      'Warning: 1 stored entry has an activity type this rulebook does not list (pelibatan/baca_bersama: 1); it no longer counts towards any KPI',
    ]);
    // A phone's sync is the first to read the new rulebook; the server then sweeps, unasked.
    expect((await call(s, 'GET', '/api/v1/rulebook', { token: libs[1].device!.token })).body.id).toBe(STRICTER.id);
    await vi.waitFor(async () => {
      expect(s.logs.slice(logged)).toContainEqual(expect.objectContaining({ event: 'kpi_sweep' }));
      const stored = await s.database.db.selectFrom('library_kpi').select(['rulebook_id', 'colour']).execute();
      expect(stored).toEqual([
        { rulebook_id: STRICTER.id, colour: 'kuning' },
        { rulebook_id: STRICTER.id, colour: 'kuning' },
      ]);
    }, { timeout: 60_000, interval: 50 });
    const after = await observed();
    expect(after).toMatchObject({ rulebook: STRICTER.id, monitor: { Kuning: 'kuning', Hijau: 'kuning' }, summary: { hijau: 0, kuning: 2 } });
  });

  it('an entry whose activity type the current rulebook dropped can still be deleted, though not edited', async () => {
    const device = libs[0].device!;
    const pulled = await call(s, 'GET', '/api/v1/sync/pull', { token: device.token });
    const dropped = (pulled.body.entries as (ActivityEntry & { version: number })[]).find((e) => e.activityType === 'baca_bersama')!;
    const { version, ...entry } = dropped;
    const later = (minutes: number) => new Date(Date.parse(entry.updatedAt) + minutes * 60_000).toISOString();
    const edit = await pushEntries(s, device, [{ ...entry, title: 'Diubah', updatedAt: later(1) }], [version]);
    expect(edit.body.results[0]).toMatchObject({ status: 'rejected' });
    expect(JSON.stringify(edit.body.results[0].errors)).toContain('activityType');
    // A delete: the entry no longer counts either way; refused, the server would keep it for
    // good, while the phone, which checks no rulebook on a delete, shows it gone.
    // Every other rule holds for a delete: one dated after today is refused.
    const future = await pushEntries(s, device, [{ ...entry, deleted: true, date: '2099-12-31', updatedAt: later(2) }], [version]);
    expect(future.body.results[0]).toMatchObject({ status: 'rejected' });
    expect(JSON.stringify(future.body.results[0].errors)).toContain('date');
    const gone = await pushEntries(s, device, [{ ...entry, deleted: true, updatedAt: later(3) }], [version]);
    expect(gone.body.results[0]).toMatchObject({ status: 'applied' });
    const again = await call(s, 'GET', '/api/v1/sync/pull', { token: device.token });
    expect((again.body.entries as ActivityEntry[]).find((e) => e.id === entry.id)).toMatchObject({ deleted: true });
  });

  it('publishing a published id: the same document is a no-op, another one is refused', async () => {
    const first = await admin(s, ['rulebook', 'publish', file('ketat-lagi.json', STRICTER), '--json']);
    const originally = (await s.database.db.selectFrom('rulebooks').select('published_at').where('rulebook_id', '=', STRICTER.id).executeTakeFirstOrThrow()).published_at;
    expect(first).toMatchObject({ code: 0, json: { rulebookId: STRICTER.id, publishedAt: originally } });
    // The same document with its keys in another order is the same document.
    const reordered = Object.fromEntries(Object.entries(structuredClone(STRICTER)).reverse());
    expect((await admin(s, ['rulebook', 'publish', file('urutan.json', reordered)])).code).toBe(0);

    const changed = rulebookWith(STRICTER.id, (r) => {
      r.green.threshold = 90;
    });
    const refused = await admin(s, ['rulebook', 'publish', file('ketat-beda.json', changed)]);
    expect(refused.code).toBe(2);
    expect(refused.err.join('\n')).toContain(`rulebook ${STRICTER.id} is already published with other contents`);
    expect((await s.database.db.selectFrom('rulebooks').select('body').where('rulebook_id', '=', STRICTER.id).executeTakeFirstOrThrow()).body).toBe(JSON.stringify(STRICTER));

    // An older rulebook published again does not become current again, and says so: it
    // must be published under a new id for that. The shipped one is such an older rulebook too.
    for (const [name, older] of [['longgar-lagi.json', LOOSER], ['bawaan-lagi.json', defaultRulebook]] as const) {
      const again = await admin(s, ['rulebook', 'publish', file(name, older), '--json']);
      expect(again.code, older.id).toBe(2);
      expect(again.out).toEqual([]);
      expect(again.err.join('\n')).toContain(
        `${older.id} was published before; the current rulebook is ${STRICTER.id}; publish it under a new id to make it current`,
      );
      expect(await currentRulebookId(s.database.db)).toBe(STRICTER.id);
    }
    // The current one published again is still a no-op.
    expect((await admin(s, ['rulebook', 'publish', file('ketat-lagi.json', STRICTER)])).code).toBe(0);
  });

  it('refuses an unreadable file, bad JSON and an invalid rulebook with the field paths: exit 2, nothing published', async () => {
    const before = await s.database.db.selectFrom('rulebooks').selectAll().orderBy('seq').execute();
    const bad = (edit: (r: Record<string, any>) => void) => {
      const r = structuredClone(defaultRulebook) as Record<string, any>;
      r.id = 'uji-rusak';
      edit(r);
      return r;
    };
    const cases: [string[], string[]][] = [
      [['rulebook', 'publish', join(dir, 'tidak-ada.json')], ['cannot read', 'tidak-ada.json']],
      [['rulebook', 'publish', dir], ['cannot read']],
      [['rulebook', 'publish', file('rusak.json', '{"id": "uji-rusak",')], ['is not valid JSON']],
      [['rulebook', 'publish', file('bobot.json', bad((r) => (r.components[0].weight = 50)))], ['not a valid rulebook', 'components: Component weights must add up to 100']],
      [['rulebook', 'publish', file('id.json', bad((r) => (r.id = 'Bukan Id!')))], ['  id has an invalid format']],
      // Fields are named by their paths, never by the entry form's labels ("Activity title").
      [['rulebook', 'publish', file('judul.json', { id: 'x' })], ['  title is required', '  strategies is required']],
      [['rulebook', 'publish', file('strategi.json', bad((r) => delete r.strategies.pelibatan))], ['  strategies.pelibatan is required']],
      [['rulebook', 'publish', file('kode.json', bad((r) => (r.strategies.layanan.activityTypes[0].code = 'Kode Salah')))], ['  strategies.layanan.activityTypes.0.code has an invalid format']],
      [['rulebook', 'publish', file('array.json', [])], ['not a valid rulebook']],
      [['rulebook', 'publish'], ['rulebook publish needs exactly one file']],
      [['rulebook', 'publish', 'a.json', 'b.json'], ['rulebook publish needs exactly one file']],
    ];
    for (const [argv, messages] of cases) {
      const r = await admin(s, argv);
      expect(r.code, argv.join(' ')).toBe(2);
      for (const m of messages) expect(r.err.join('\n'), argv.join(' ')).toContain(m);
      expect(r.err.join('\n'), argv.join(' ')).not.toContain('Activity');
    }
    expect(await s.database.db.selectFrom('rulebooks').selectAll().orderBy('seq').execute()).toEqual(before);
  });

  it('another server process follows a publish within its cache time, without a query per request', async () => {
    const other = openUrl(s.databaseUrl);
    let queries = 0;
    let clock = 0;
    const source = new RulebookSource(
      other.db.withPlugin({ transformQuery: (a) => (queries++, a.node), transformResult: async (a) => a.result }),
      { maxAgeMs: 1000, clock: () => clock },
    );
    try {
      expect((await source.current()).id).toBe(STRICTER.id);
      const afterFirst = queries;
      for (let i = 0; i < 100; i++) await source.current();
      expect(queries).toBe(afterFirst);

      const next = rulebookWith('uji-berikut-2025.1', () => {});
      expect((await admin(s, ['rulebook', 'publish', file('berikut.json', next)])).code).toBe(0);
      clock = 999;
      expect((await source.current()).id).toBe(STRICTER.id);
      clock = 1000;
      expect(await source.current()).toEqual(next);
      expect(queries).toBe(afterFirst + 2); // the id, then the new body
      clock = 2000;
      await source.current();
      expect(queries).toBe(afterFirst + 3); // the id only: unchanged
    } finally {
      await other.close();
    }
  });

  it('warns only of entries that counted before: a type already dropped, or a body that is no entry, is not news', async () => {
    await s.database.db
      .insertInto('entries')
      .values({ library_id: libs[0].library.id, entry_id: '0190a1b2-ffff-7e5f-8a6b-00000000000f', version: 0, device_id: 'uji', updated_at: s.clock.now().toISOString(), deleted: 0, body: '{}' })
      .execute();
    const next = rulebookWith('uji-ketat-2025.2', (r) => {
      r.components[0].indicator = { kind: 'count', strategy: 'pelibatan', target: { perMonth: 5 } };
      r.green.threshold = 99;
    });
    const published = await admin(s, ['rulebook', 'publish', file('ketat-2.json', next), '--json']);
    expect(published).toMatchObject({ code: 0, json: { rulebookId: next.id, changed: true, entriesNotCounted: 0 } });
  });

  it('a stored rulebook edited by hand into an invalid one fails in words that name the field', async () => {
    const id = await currentRulebookId(s.database.db);
    const broken = { ...rulebookWith(id, () => {}), version: undefined, green: 'hijau' };
    await s.database.db.updateTable('rulebooks').set({ body: JSON.stringify(broken) }).where('rulebook_id', '=', id).execute();
    const error = await loadRulebook(s.database.db, id).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(new RegExp(`^the stored rulebook ${id} is not valid \\(.*green (is not valid|must be).*\\); publish a valid one`));
    expect((error as Error).message).not.toContain('Invalid input');
    // A broken comma, the likeliest hand edit, is said the same way.
    await s.database.db.updateTable('rulebooks').set({ body: '{"id": "x",' }).where('rulebook_id', '=', id).execute();
    const notJson = await loadRulebook(s.database.db, id).catch((e: Error) => e);
    expect((notJson as Error).message).toMatch(new RegExp(`^the stored rulebook ${id} is not valid \\(not JSON: .+\\); publish a valid one`));
  });
});

describe('rulebook publish as a process', () => {
  it('exits 0 with the JSON line, and 2 on an invalid file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpbis-rulebook-cli-'));
    try {
      const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'admin.sqlite')}` };
      const run = (...argv: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/server/admin.ts', ...argv], { env, encoding: 'utf8' });
      const good = join(dir, 'baik.json');
      writeFileSync(good, JSON.stringify(LOOSER));
      const ok = run('rulebook', 'publish', good, '--json');
      expect(ok.status, ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout)).toEqual({ rulebookId: LOOSER.id, publishedAt: expect.any(String), changed: true, entriesNotCounted: 0 });
      const badFile = join(dir, 'buruk.json');
      writeFileSync(badFile, JSON.stringify({ ...LOOSER, components: [] }));
      const bad = run('rulebook', 'publish', badFile);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('components');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
