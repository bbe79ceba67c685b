/** The admin command line (SYNC-PROTOCOL.md, "Operating the server"). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRulebook, type ActivityEntry } from '../../src/domain';
import { runAdmin } from '../../src/server/admin';
import { findLibrary } from '../../src/server/store/libraries';
import { applyPush, DeviceGone } from '../../src/server/store/push';
import { DB_KINDS, call, enrollNew, makeEntry, postgresUrl, pushEntries, startTestServer, type TestServer } from './harness';

describe.each(DB_KINDS)('admin on %s', (kind) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(kind);
  });
  afterAll(async () => {
    await s?.stop();
  });

  /** Runs a command in-process against the test server's database; returns exit code and output. */
  async function adminWithStdin(stdin: string, argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdmin(argv, s.database, { out: (l) => out.push(l), err: (l) => err.push(l), now: s.clock.now, readStdin: async () => stdin });
    return { code, out, err, json: argv.includes('--json') && out.length ? JSON.parse(out[out.length - 1]) : undefined };
  }
  const admin = (...argv: string[]) => adminWithStdin('', argv);

  it('adds a library, issues a code a phone enrols with, lists and revokes the device', async () => {
    const added = await admin('library', 'add', '--name', 'Perpustakaan Desa Maju', '--village', 'Maju', '--district', 'Lowokwaru',
      '--regency', 'Kota Malang', '--province', 'Jawa Timur', '--npp', '3573000001', '--tz', 'Asia/Jakarta', '--json');
    expect(added.code).toBe(0);
    const libraryId: string = added.json.id;
    expect(libraryId).toMatch(/^[a-z0-9-]+$/);

    const issued = await admin('code', 'issue', '--library', libraryId, '--days', '3', '--json');
    expect(issued.code).toBe(0);
    expect(issued.json.code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    expect(issued.json.expiresAt).toBe(new Date(s.clock.ms + 3 * 86_400_000).toISOString());

    const enrolled = await call(s, 'POST', '/api/v1/enroll', { json: { code: issued.json.code, deviceName: 'HP Bu Sri' } });
    expect(enrolled.status).toBe(201);
    expect(enrolled.body.library).toMatchObject({ id: libraryId, npp: '3573000001', timezone: 'Asia/Jakarta' });
    const device = { ...enrolled.body, nextSeq: 1 };
    await pushEntries(s, device, [makeEntry(libraryId)]);

    const libraries = await admin('library', 'list', '--json');
    expect(libraries.json.libraries).toContainEqual({
      id: libraryId,
      name: 'Perpustakaan Desa Maju',
      region: 'Maju, Lowokwaru, Kota Malang, Jawa Timur',
      colour: 'merah',
      entries: 1,
      lastPushAt: s.clock.now().toISOString(),
    });
    expect((await admin('library', 'list')).out).toContain(
      `${libraryId}  Perpustakaan Desa Maju  Maju, Lowokwaru, Kota Malang, Jawa Timur  merah  1 entry  last push ${s.clock.now().toISOString()}`,
    );
    // The colour is the stored KPI, computed again only when the library changed: a later
    // listing the same day reads it, not every entry of every library.
    const computedAt = () => s.database.db.selectFrom('library_kpi').select('computed_at').where('library_id', '=', libraryId).executeTakeFirstOrThrow();
    const stored = await computedAt();
    s.clock.advance(60_000);
    await admin('library', 'list');
    expect(await computedAt()).toEqual(stored);

    const devices = await admin('device', 'list', '--library', libraryId, '--json');
    expect(devices.json.devices).toEqual([
      expect.objectContaining({ deviceId: device.deviceId, name: 'HP Bu Sri', lastSeq: 1, revoked: false }),
    ]);

    // A name with control characters (stored before enrolment refused them) is shown, never run.
    await s.database.db.updateTable('devices').set({ name: 'HP\u001b[31mMERAH\r\nbaris palsu' }).where('device_id', '=', device.deviceId).execute();
    const shown = (await admin('device', 'list', '--library', libraryId)).out.join('\n');
    expect(shown).toContain('HP\\x1b[31mMERAH\\x0d\\x0abaris palsu');
    expect(shown).not.toMatch(/\p{Cc}/u);
    expect((await admin('device', 'list', '--library', libraryId, '--json')).json.devices[0].name).toBe('HP\u001b[31mMERAH\r\nbaris palsu');

    const revoked = await admin('device', 'revoke', device.deviceId, '--json');
    expect(revoked).toMatchObject({ code: 0, json: { deviceId: device.deviceId, revoked: true } });
    const after = await call(s, 'GET', '/api/v1/library', { token: device.token });
    expect(after.status).toBe(401);
  });

  it('library remove takes a library no phone has sent an entry to, with its devices and codes; one holding entries is kept', async () => {
    const add = async (name: string) =>
      (await admin('library', 'add', '--name', name, '--village', 'Dobel', '--district', 'Dobel', '--regency', 'Kabupaten Dobel', '--province', 'Provinsi Dobel', '--json')).json.id as string;
    const issue = async (libraryId: string) => (await admin('code', 'issue', '--library', libraryId, '--json')).json.code as string;

    // Added twice by mistake: the copy has a phone enrolled (nothing sent) and an unused code.
    const copy = await add('Perpustakaan Dobel');
    const enrolled = await call(s, 'POST', '/api/v1/enroll', { json: { code: await issue(copy) } });
    expect(enrolled.status).toBe(201);
    const unused = await issue(copy);
    const removed = await admin('library', 'remove', copy, '--json');
    expect(removed).toMatchObject({ code: 0, json: { id: copy, removed: true, devices: 1, codes: 2 } });
    expect(await findLibrary(s.database.db, copy)).toBeNull();
    expect((await admin('library', 'list', '--json')).json.libraries.map((l: { id: string }) => l.id)).not.toContain(copy);
    // Its phone and its code are refused from now on.
    expect((await call(s, 'GET', '/api/v1/library', { token: enrolled.body.token })).status).toBe(401);
    expect((await call(s, 'POST', '/api/v1/sync/push', { token: enrolled.body.token, json: { mutations: [{ seq: 1, baseVersion: 0, entry: makeEntry(copy) }] } })).status).toBe(401);
    expect((await call(s, 'POST', '/api/v1/enroll', { json: { code: unused } })).status).toBe(401);
    for (const table of ['devices', 'enrollment_codes', 'library_kpi', 'entries'] as const) {
      const left = await s.database.db.selectFrom(table).select('library_id').where('library_id', '=', copy).execute();
      expect(left, table).toEqual([]);
    }

    // A push whose token was checked just before the removal is refused as the next one would be (401), never a 500.
    const racing = await add('Perpustakaan Dobel Lain');
    const racer = await call(s, 'POST', '/api/v1/enroll', { json: { code: await issue(racing) } });
    expect((await admin('library', 'remove', racing)).code).toBe(0);
    const entry = makeEntry(racing);
    const late = applyPush(s.database, {
      libraryId: racing,
      deviceId: racer.body.deviceId,
      mutations: [{ seq: 1, baseVersion: 0, entryId: String(entry.id), check: { ok: true, entry: entry as ActivityEntry } }],
      now: s.clock.now(),
    });
    await expect(late).rejects.toBeInstanceOf(DeviceGone);
    // In one group commit with another device's batch: only the batch of the device that is gone fails.
    const live = await add('Perpustakaan Dobel Hidup');
    const liveDevice = await call(s, 'POST', '/api/v1/enroll', { json: { code: await issue(live) } });
    const liveEntry = makeEntry(live);
    const [gone, applied] = await Promise.allSettled([
      applyPush(s.database, { libraryId: racing, deviceId: racer.body.deviceId, mutations: [{ seq: 1, baseVersion: 0, entryId: String(entry.id), check: { ok: true, entry: entry as ActivityEntry } }], now: s.clock.now() }),
      applyPush(s.database, { libraryId: live, deviceId: liveDevice.body.deviceId, mutations: [{ seq: 1, baseVersion: 0, entryId: String(liveEntry.id), check: { ok: true, entry: liveEntry as ActivityEntry } }], now: s.clock.now() }),
    ]);
    expect(gone.status === 'rejected' && gone.reason instanceof DeviceGone).toBe(true);
    expect(applied).toMatchObject({ status: 'fulfilled', value: { ok: true, ackSeq: 1, results: [{ status: 'applied' }] } });

    // A library whose phone has sent an entry — even one deleted since — is kept: exit 2, said why.
    const kept = await add('Perpustakaan Dobel Dipakai');
    const phone = { ...(await call(s, 'POST', '/api/v1/enroll', { json: { code: await issue(kept) } })).body, nextSeq: 1 };
    const sent = makeEntry(kept);
    const stored = await pushEntries(s, phone, [sent]);
    s.clock.advance(1000);
    const deleted = await pushEntries(s, phone, [{ ...sent, deleted: true, updatedAt: s.clock.now().toISOString() }], [stored.body.results[0].version]);
    expect(deleted.body.results[0].status).toBe('applied');
    const refused = await admin('library', 'remove', kept);
    expect(refused.code).toBe(2);
    expect(refused.err.join('\n')).toContain(`${kept} (Perpustakaan Dobel Dipakai) holds 1 entry sent by its phones: it is kept.`);
    expect(await findLibrary(s.database.db, kept)).not.toBeNull();
    expect((await call(s, 'GET', '/api/v1/library', { token: phone.token })).status).toBe(200);

    const unknown = await admin('library', 'remove', 'lib-tidakada12345');
    expect(unknown.code).toBe(2);
    expect(unknown.err.join('\n')).toContain('no library with id lib-tidakada12345');
    expect((await admin('library', 'remove')).code).toBe(2);
  });

  it('supervisor add says how many libraries the scope covers, and warns with the closest names when it covers none', async () => {
    const place = (name: string, regency: string, province: string) =>
      admin('library', 'add', '--name', name, '--village', name, '--district', 'Gerung', '--regency', regency, '--province', province);
    expect((await place('Perpustakaan Desa Gerung', 'Kabupaten Lombok Barat', 'Nusa Tenggara Barat')).code).toBe(0);
    expect((await place('Perpustakaan Desa Kediri', 'Kabupaten Lombok Barat', 'Nusa Tenggara Barat')).code).toBe(0);
    expect((await place('Perpustakaan Desa Praya', 'Kabupaten Lombok Tengah', 'Nusa Tenggara Barat')).code).toBe(0);
    const total = (await admin('library', 'list', '--json')).json.libraries.length;
    const add = (name: string, scope: string) => adminWithStdin('kata-sandi-1\n', ['supervisor', 'add', '--name', name, '--scope', scope, '--json']);
    const exists = async (name: string) => (await admin('supervisor', 'list', '--json')).json.supervisors.some((v: { name: string }) => v.name === name);

    // Right: the count, on stdout and in the JSON; nothing on stderr.
    const ntb = await add('ntb', 'province:Nusa Tenggara Barat');
    expect(ntb).toMatchObject({ code: 0, err: [], json: { name: 'ntb', scope: 'province:Nusa Tenggara Barat', librariesInScope: 3 } });
    expect(ntb.out).toHaveLength(1); // the JSON object alone; the sentence is checked without --json below
    expect(await add('lobar', 'regency:Kabupaten Lombok Barat')).toMatchObject({ code: 0, err: [], json: { librariesInScope: 2 } });
    expect(await add('nasional', 'national')).toMatchObject({ code: 0, err: [], json: { librariesInScope: total } });
    const plain = await adminWithStdin('kata-sandi-1\n', ['supervisor', 'add', '--name', 'loteng', '--scope', 'regency:Kabupaten Lombok Tengah']);
    expect(plain).toMatchObject({ code: 0, err: [] });
    expect(plain.out).toEqual(['Supervisor added: loteng (regency:Kabupaten Lombok Tengah), 1 library in scope']);

    // Mistyped: still added (exit 0), but stderr names the scope and the closest existing names.
    const typo = await add('ntb2', 'province:Nusa Tenggara Baratt');
    expect(typo).toMatchObject({ code: 0, json: { name: 'ntb2', scope: 'province:Nusa Tenggara Baratt', librariesInScope: 0 } });
    expect(await exists('ntb2')).toBe(true);
    const warned = typo.err.join('\n');
    expect(warned).toContain('warning');
    expect(warned).toContain('"Nusa Tenggara Baratt"');
    expect(warned).toContain('province:Nusa Tenggara Barat');
    expect(warned).not.toContain('province:Jawa Timur');
    expect(typo.out).toHaveLength(1);

    // Another case is another name (the routes match exactly) — the right one is suggested.
    const lower = await add('lobar2', 'regency:kabupaten lombok barat');
    expect(lower.json.librariesInScope).toBe(0);
    expect(lower.err.join('\n')).toMatch(/closest existing: regency:Kabupaten Lombok Barat\b/);
    // A kabupaten given as a province: the kabupaten is suggested.
    const level = await add('lobar3', 'province:Kabupaten Lombok Barat');
    expect(level.err.join('\n')).toContain('regency:Kabupaten Lombok Barat');
    // Nothing close: the existing names of that level instead.
    const far = await add('entah', 'regency:Kota Antah Berantah');
    expect(far).toMatchObject({ code: 0, json: { librariesInScope: 0 } });
    expect(far.err.join('\n')).toContain('no existing name is close');
    expect(far.err.join('\n')).toContain('regency:Kabupaten Lombok Tengah');
    expect(await exists('entah')).toBe(true);
  });

  it('library add stores names and places with tidy spacing, and warns about a place that is only nearly an existing one', async () => {
    const add = (name: string, regency: string, province: string) =>
      admin('library', 'add', '--name', name, '--village', 'Kuin  Utara', '--district', 'Banjarmasin Utara', '--regency', regency, '--province', province, '--json');
    const first = await add('  Perpustakaan   Desa  Kuin ', 'Kota   Banjarmasin', ' Kalimantan  Selatan');
    expect(first).toMatchObject({ code: 0, err: [] });
    const listed = (await admin('library', 'list', '--json')).json.libraries.find((l: { id: string }) => l.id === first.json.id);
    expect(listed).toMatchObject({ name: 'Perpustakaan Desa Kuin', region: 'Kuin Utara, Banjarmasin Utara, Kota Banjarmasin, Kalimantan Selatan' });
    // One province, however its spaces were typed: the supervisor sees the library.
    const supervisor = await adminWithStdin('kata-sandi-1\n', ['supervisor', 'add', '--name', 'kalsel', '--scope', 'province:Kalimantan   Selatan', '--json']);
    expect(supervisor).toMatchObject({ code: 0, err: [], json: { scope: 'province:Kalimantan Selatan', librariesInScope: 1 } });

    // The same command again (a script run twice): added, and said, naming the first.
    const twice = await add('Perpustakaan Desa Kuin', 'Kota Banjarmasin', 'Kalimantan Selatan');
    expect(twice).toMatchObject({ code: 0, err: [`warning: ${first.json.id} has the same name and place: if this one was added twice by mistake, issue codes only for one of them.`] });
    expect(twice.json.id).not.toBe(first.json.id);
    // The same name in another village is no repeat.
    expect(await admin('library', 'add', '--name', 'Perpustakaan Desa Kuin', '--village', 'Kuin Selatan', '--district', 'Banjarmasin Utara', '--regency', 'Kota Banjarmasin', '--province', 'Kalimantan Selatan', '--json')).toMatchObject({ code: 0, err: [] });

    // Another case: added (exit 0, the JSON alone on stdout), with a warning naming the existing spelling.
    const lower = await add('Perpustakaan Desa Alalak', 'Kota Banjarmasin', 'kalimantan selatan');
    expect(lower.code).toBe(0);
    expect(lower.out).toHaveLength(1);
    expect(lower.json.id).toMatch(/^lib-/);
    expect(lower.err).toEqual([
      'warning: the province "kalimantan selatan" differs from the existing "Kalimantan Selatan" only in letter case or spacing; names match exactly, so a supervisor with scope province:Kalimantan Selatan will not see this library.',
      '  closest existing: province:Kalimantan Selatan',
      `  if it is a mistake: npm run admin -- library edit ${lower.json.id} --province "Kalimantan Selatan"`,
    ]);
    // A new kabupaten/kota a letter off an existing one.
    const typo = await add('Perpustakaan Desa Sungai Jingah', 'Kota Banjarmasinn', 'Kalimantan Selatan');
    expect(typo.code).toBe(0);
    expect(typo.err[0]).toContain('warning: the regency (kabupaten/kota) "Kota Banjarmasinn" is new');
    expect(typo.err[1]).toMatch(/^ {2}closest existing: regency:Kota Banjarmasin\b/);
    expect(typo.err[2]).toBe(`  if it is a mistake: npm run admin -- library edit ${typo.json.id} --regency "Kota Banjarmasin"`);
    expect(typo.err.join('\n')).not.toContain('province');
    // A new place close to none is just new: nothing to say.
    expect(await add('Perpustakaan Desa Klasaman', 'Kota Sorong', 'Papua Barat Daya')).toMatchObject({ code: 0, err: [] });
  });

  it('library edit corrects a misspelt place: the supervisors of the right name then see the library, its id and entries unchanged', async () => {
    const add = (name: string, regency: string) =>
      admin('library', 'add', '--name', name, '--village', 'Sooko', '--district', 'Sooko', '--regency', regency, '--province', 'Jawa Timur', '--npp', '3516001', '--json');
    await add('Perpustakaan Desa Japan', 'Kabupaten Mojokerto');
    const typo = await add('Perpustakaan Desa Wringinrejo', 'kabupaten  mojokerto');
    expect(typo.err[0]).toContain('differs from the existing "Kabupaten Mojokerto" only in letter case or spacing');
    const supervisor = await adminWithStdin('kata-sandi-1\n', ['supervisor', 'add', '--name', 'mojokerto', '--scope', 'regency:Kabupaten Mojokerto', '--json']);
    expect(supervisor.json.librariesInScope).toBe(1);
    const id = typo.json.id;
    const device = await enrollNew(s, (await findLibrary(s.database.db, id))!.library);
    await pushEntries(s, device, [makeEntry(id)]);

    const fixed = await admin('library', 'edit', id, '--regency', ' Kabupaten Mojokerto', '--npp', '');
    expect(fixed).toMatchObject({ code: 0, err: [] });
    expect(fixed.out).toEqual([
      `Library updated: ${id} (Perpustakaan Desa Wringinrejo)`,
      '  npp: 3516001 → (none)',
      '  regency: kabupaten mojokerto → Kabupaten Mojokerto',
    ]);
    const listed = (await admin('library', 'list', '--json')).json.libraries.find((l: { id: string }) => l.id === id);
    expect(listed).toMatchObject({ region: 'Sooko, Sooko, Kabupaten Mojokerto, Jawa Timur', entries: 1 });
    // The regency supervisor's area now holds it, by the same count `supervisor add` gives.
    const again = await adminWithStdin('kata-sandi-2\n', ['supervisor', 'add', '--name', 'mojokerto2', '--scope', 'regency:Kabupaten Mojokerto', '--json']);
    expect(again.json.librariesInScope).toBe(2);
    // The phone's token still works: the device, the library id and its entries are untouched.
    expect((await call(s, 'GET', '/api/v1/library', { token: device.token })).body.library).toMatchObject({ id, regency: 'Kabupaten Mojokerto' });
    expect((await call(s, 'GET', '/api/v1/sync/pull', { token: device.token })).body.entries).toHaveLength(1);

    // Moved to a place only nearly an existing one: warned, with the fix.
    const moved = await admin('library', 'edit', id, '--province', 'Jawa  timur', '--json');
    expect(moved.json).toMatchObject({ id, changed: ['province'], library: { province: 'Jawa timur' } });
    expect(moved.err[0]).toContain('the province "Jawa timur" differs from the existing "Jawa Timur"');
    expect(moved.err[2]).toBe(`  if it is a mistake: npm run admin -- library edit ${id} --province "Jawa Timur"`);
    // Nothing to change, an unknown id, a bad value: said, exit 2 for the last two, nothing stored.
    expect((await admin('library', 'edit', id, '--province', 'Jawa timur')).out).toEqual([`Library ${id} unchanged (Perpustakaan Desa Wringinrejo)`]);
    for (const [argv, message] of [
      [['library', 'edit', 'lib-tidakada00000', '--name', 'X'], 'no library with id lib-tidakada00000'],
      [['library', 'edit', id], 'library edit needs at least one of --name'],
      [['library', 'edit', '--name', 'X'], 'library edit needs exactly one id'],
      [['library', 'edit', id, '--tz', 'Europe/Paris'], '--tz must be one of'],
      [['library', 'edit', id, '--name', ''], 'invalid library: Library name is required (--name)'],
      [['library', 'edit', id, '--village', 'Evil\u001b[31m'], 'may not contain control characters such as ESC (--village)'],
    ] as const) {
      const r = await admin(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.join('\n'), argv.join(' ')).toContain(message);
    }
    expect((await findLibrary(s.database.db, id))!.library).toMatchObject({ name: 'Perpustakaan Desa Wringinrejo', village: 'Sooko', province: 'Jawa timur' });

    // A new zone: the server checks dates in it at once, the enrolled phone keeps its own: said.
    const zone = await admin('library', 'edit', id, '--tz', 'Asia/Jayapura');
    expect(zone.code).toBe(0);
    expect(zone.err).toEqual([expect.stringContaining('enrolled phones keep the time zone Asia/Jakarta until their next sync')]);
  });

  it('library edit: a library alone in its misspelt kota is corrected without a warning; the fix a warning offers is a name of the same level', async () => {
    const add = (name: string, regency: string, province: string) =>
      admin('library', 'add', '--name', name, '--village', 'V', '--district', 'D', '--regency', regency, '--province', province, '--json');
    // The only library of "kota batu": its own old spelling is no existing name to warn about.
    const only = await add('Perpustakaan Desa Oro-oro Ombo', 'kota batu', 'Jawa Timur');
    const fixed = await admin('library', 'edit', only.json.id, '--regency', 'Kota Batu');
    expect(fixed).toMatchObject({ code: 0, err: [] });
    // A kabupaten/kota typed as its province's name: the closest existing name may be the
    // province, but the offered fix names a kabupaten/kota (or none), never ":Jambi".
    await add('Perpustakaan Kelurahan Legok', 'Kota Jambi', 'Jambi');
    const short = await add('Perpustakaan Kelurahan Sungai Putri', 'Jambi', 'Jambi');
    expect(short.err[1]).toBe('  closest existing: province:Jambi, regency:Kota Jambi');
    expect(short.err[2]).toBe(`  if it is a mistake: npm run admin -- library edit ${short.json.id} --regency "Kota Jambi"`);
  });

  it('library add refuses a text over its limit with the limit and the option, not "Invalid input"', async () => {
    const r = await admin('library', 'add', '--name', 'x'.repeat(300), '--village', 'V', '--district', 'D', '--regency', 'R', '--province', 'P'.repeat(101), '--npp', '1'.repeat(51));
    expect(r.code).toBe(2);
    expect(r.err).toEqual([
      'invalid library: Library name may have at most 200 characters (--name); NPP may have at most 50 characters (--npp); Province may have at most 100 characters (--province)',
    ]);
  });

  it('library add refuses control characters and invisible-only places (exit 2, the field named), so list never prints escape codes', async () => {
    const before = (await admin('library', 'list', '--json')).json.libraries.length;
    const escaped = await admin('library', 'add', '--name', 'Evil\u001b[31mRED\u001b[0m', '--regency', 'Reg\u0001X', '--village', 'V', '--district', 'D', '--province', 'P');
    expect(escaped.code).toBe(2);
    expect(escaped.out).toEqual([]);
    expect(escaped.err).toEqual([
      'invalid library: Library name may not contain control characters such as ESC (--name); Regency/city may not contain control characters such as ESC (--regency)',
    ]);
    const invisible = await admin('library', 'add', '--name', 'N', '--village', 'V', '--district', 'D', '--regency', 'R', '--province', '\u200b', '--npp', '12\u007f');
    expect(invisible.code).toBe(2);
    expect(invisible.err).toEqual(['invalid library: NPP may not contain control characters such as ESC (--npp); Province holds only invisible characters (--province)']);
    expect((await admin('library', 'list', '--json')).json.libraries.length).toBe(before);
    // Tabs and newlines inside are still tidied into spaces, as before.
    const tidied = await admin('library', 'add', '--name', 'Perpustakaan\tDesa\nTab', '--village', 'V', '--district', 'D', '--regency', 'R', '--province', 'P', '--json');
    expect(tidied.code).toBe(0);
    const listed = (await admin('library', 'list', '--json')).json.libraries.find((l: { id: string }) => l.id === tidied.json.id);
    expect(listed.name).toBe('Perpustakaan Desa Tab');
    // Pasted with a zero-width space or a byte-order mark at an end: stored without, so it is
    // the province a supervisor's scope names, not a second one that looks the same.
    const pasted = await admin('library', 'add', '--name', 'N', '--village', 'V', '--district', 'D', '--regency', 'R', '--province', '\u200bJawa Timur\ufeff', '--json');
    expect(pasted.code).toBe(0);
    const stored = (await admin('library', 'list', '--json')).json.libraries.find((l: { id: string }) => l.id === pasted.json.id);
    expect(stored.region).toContain('Jawa Timur');
    expect(stored.region).not.toMatch(/[\u200b\ufeff]/);
  });

  it('exits 2 with a message on bad arguments', async () => {
    const bad: string[][] = [
      [],
      ['library'],
      ['library', 'add', '--name', 'X'],
      ['library', 'add', '--name', 'X', '--village', 'V', '--district', 'D', '--regency', 'R', '--province', 'P', '--tz', 'Europe/Paris'],
      ['library', 'add', '--name', 'X', '--village', 'V', '--district', 'D', '--regency', 'R', '--province', 'P', '--tz', ''],
      ['library', 'list', '--colour', 'hijau'],
      ['code', 'issue'],
      ['code', 'issue', '--library', 'nope'],
      ['code', 'issue', '--library', 'nope', '--days', 'ten'],
      ['device', 'list', '--library'],
      ['device', 'revoke'],
      ['device', 'revoke', 'no-such-device'],
      ['supervisor', 'add', '--name', 'x1', '--scope', 'province:Jawa\u0000Timur'],
      ['supervisor', 'add', '--name', 'x1', '--scope', 'regency:Kota\nMalang'],
    ];
    for (const argv of bad) {
      const r = await admin(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.join('\n').length).toBeGreaterThan(0);
    }
    // An option the command does not have is unknown, with or without a value; one it has needs a value.
    expect((await admin('library', 'list', '--bogus')).err.join('\n')).toContain('unknown option for library list: --bogus');
    expect((await admin('device', 'list', '--library')).err.join('\n')).toContain('--library needs a value');
    // A value left out does not swallow the option after it.
    const swallowed = await admin('library', 'add', '--name', 'X', '--npp', '--village', 'V', '--district', 'D', '--regency', 'R', '--province', 'P');
    expect(swallowed.err.join('\n')).toContain('--npp needs a value');
  });
});

describe('admin as a process', () => {
  it('adds a supervisor before any library exists, with a warning that the scope covers none yet', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpbis-admin-empty-'));
    const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'kosong.sqlite')}` };
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/admin.ts', 'supervisor', 'add', '--name', 'jatim', '--scope', 'province:Jawa Timur', '--json'], {
      env,
      encoding: 'utf8',
      input: 'kata-sandi-1\n',
    });
    rmSync(dir, { recursive: true, force: true });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ name: 'jatim', scope: 'province:Jawa Timur', librariesInScope: 0 });
    expect(r.stderr).toContain('warning: province:Jawa Timur covers no library: none has been added yet');
  });

  it('a database that cannot be opened: exit 1 and one line naming DATABASE_URL, the password masked', () => {
    const admin = (url: string) => spawnSync(process.execPath, ['--import', 'tsx', 'src/server/admin.ts', 'library', 'list'], { env: { ...process.env, DATABASE_URL: url, DEBUG: '' }, encoding: 'utf8' });
    const dir = mkdtempSync(join(tmpdir(), 'tpbis-admin-dir-'));
    try {
      const directory = admin(`sqlite:${dir}`);
      expect(directory.status).toBe(1);
      expect(directory.stderr).toBe(`Cannot open the database sqlite:${dir} (DATABASE_URL): unable to open database file (${dir} is a directory, not a database file)\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const wrong = new URL(postgresUrl());
    wrong.password = 'not-the-password-42';
    const denied = admin(wrong.href);
    expect(denied.status).toBe(1);
    expect(denied.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(denied.stderr).toContain(`Cannot open the database ${wrong.protocol}//${wrong.username}:***@${wrong.host}${wrong.pathname} (DATABASE_URL): password authentication failed`);
    expect(denied.stderr).not.toContain('not-the-password-42');
  });

  it('prints one JSON object and nothing else with --json, and exits 2 on bad arguments', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpbis-admin-json-'));
    const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'admin.sqlite')}` };
    const admin = (...argv: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/server/admin.ts', ...argv], { env, encoding: 'utf8' });
    const ok = admin('library', 'list', '--json');
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ libraries: [] });
    // A new file is said (a mistyped path would otherwise read as a database that lost its libraries); once.
    expect(ok.stderr).toBe(`note: ${join(dir, 'admin.sqlite')} did not exist: a new, empty database was made there (if you meant the server's, check DATABASE_URL)\n`);
    // The whole of stdout parses, for each command a script would chain.
    const added = admin('library', 'add', '--name', 'Perpustakaan Desa Skrip', '--village', 'A', '--district', 'B', '--regency', 'C', '--province', 'D', '--json');
    const { id } = JSON.parse(added.stdout) as { id: string };
    expect(id).toMatch(/^lib-/);
    const code = JSON.parse(admin('code', 'issue', '--library', id, '--json').stdout) as { code: string; expiresAt: string };
    expect(code.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const listed = admin('library', 'list', '--json');
    expect(JSON.parse(listed.stdout).libraries).toHaveLength(1);
    expect(listed.stderr).toBe('');
    expect(JSON.parse(admin('device', 'list', '--library', id, '--json').stdout)).toEqual({ devices: [] });
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/admin.ts', 'library', 'delete'], { env, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown command: library delete');
    for (const args of [['--help'], ['library', 'add', '--help'], ['help']]) {
      const help = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/admin.ts', ...args], { env, encoding: 'utf8' });
      expect(help.status, args.join(' ')).toBe(0);
      expect(help.stdout).toContain('code issue --library <id> [--days 14]');
    }
    // Even with a database address that cannot be used; and --help as another option's value is no help.
    const misconfigured = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/admin.ts', '--help'], { env: { ...env, DATABASE_URL: 'mysql://nope' }, encoding: 'utf8' });
    expect(misconfigured.status, misconfigured.stderr).toBe(0);
    const asValue = admin('supervisor', 'add', '--name', '--help', '--scope', 'national');
    expect(asValue.status).toBe(2);
    expect(asValue.stderr).toContain('--name needs a value');
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a file named relative to where npm run was typed; `--` ends the options; ids are trimmed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpbis-admin-cwd-'));
    // npm runs the command in the project and says where it was typed in INIT_CWD.
    const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'admin.sqlite')}`, INIT_CWD: dir };
    const admin = (...argv: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/server/admin.ts', ...argv], { env, encoding: 'utf8' });
    writeFileSync(join(dir, 'aturan.json'), JSON.stringify(defaultRulebook));
    const published = admin('rulebook', 'publish', 'aturan.json');
    expect(published.status, published.stderr).toBe(0);
    expect(published.stdout).toContain('nothing changed');
    const missing = admin('rulebook', 'publish', 'tidak-ada.json');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`cannot read ${join(dir, 'tidak-ada.json')}`);

    const ended = admin('--json', '--', 'library', 'list');
    expect(ended.status, ended.stderr).toBe(0);
    expect(JSON.parse(ended.stdout)).toEqual({ libraries: [] });
    expect(admin('library', 'list', '--', '--json').stderr).toContain('unexpected argument: --json');
    // A family alone names its commands; the options npm swallowed (no `--` after `npm run admin`) are pointed at.
    expect(admin('library').stderr).toContain('library needs a command: add, edit, list');
    expect(admin('code', 'issue', 'lib-abc').stderr).toContain('unexpected argument: lib-abc (with npm, options come after --: npm run admin -- <command> --option value)');

    const revoked = admin('device', 'revoke', '  dev-tidakada  ');
    expect(revoked.status).toBe(2);
    expect(revoked.stderr).toContain('no device with id dev-tidakada\n');
    rmSync(dir, { recursive: true, force: true });
  });
});
