import { describe, expect, it } from 'vitest';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  deleteEntry,
  exportCsv,
  exportJson,
  getEntry,
  importJson,
  listEntries,
  pendingMutations,
  saveEntry,
} from '../../src/device';
import { computeKpi, defaultRulebook, MAX_CLOCK_AHEAD_MS, type ActivityEntry, type Library } from '../../src/domain';
import { ENROLMENT_KEY, getLibrary, setLibrary, setSettings, type LaporDb } from '../../src/device';
import { entry, freshDb, LIBRARY_ID, NOW } from './helpers';

const library: Library = {
  id: LIBRARY_ID,
  name: 'Perpustakaan Desa Sukamaju',
  village: 'Sukamaju',
  district: 'Cibeber',
  regency: 'Cianjur',
  province: 'Jawa Barat',
  timezone: 'Asia/Jakarta',
};

async function seeded() {
  const { db } = freshDb();
  const a = entry({
    successStory: 'Ibu-ibu kini menjual keripik',
    partners: [{ name: 'PKK Sukamaju', kind: 'pkk' }],
    fundingSource: 'apbdes',
  });
  const b = entry({ strategy: 'advokasi', activityType: 'musyawarah_desa', title: 'Musdes, "anggaran" 2025' });
  const c = entry({ strategy: 'layanan', activityType: 'layanan_tik', title: '=HYPERLINK("x")', participantsMale: 0, participantsFemale: 0 });
  for (const e of [a, b, c]) await saveEntry(db, e);
  // Acknowledged by the server first, so that its delete is a tombstone (backups keep those).
  await db.entries.update(c.id, { serverVersion: 3 } as never);
  await deleteEntry(db, c.id, NOW);
  return { db, a, b, c };
}

describe('exportJson and importJson', () => {
  it("leaves the phone's bookkeeping (server version, sync receipt) out of the file", async () => {
    const { db, a } = await seeded();
    await db.entries.update(a.id, { serverVersion: 7, receipt: { status: 'applied', version: 7, at: NOW.toISOString() } } as never);
    const file = JSON.parse(await exportJson(db, library, NOW));
    const exported = file.entries.find((e: { id: string }) => e.id === a.id);
    expect(exported.title).toBe(a.title);
    expect(exported).not.toHaveProperty('serverVersion');
    expect(exported).not.toHaveProperty('receipt');
  });

  it('round-trips: export, wipe, import gives identical entries', async () => {
    const { db } = await seeded();
    const before = await listEntries(db);
    const file = await exportJson(db, library, NOW);
    await db.entries.clear();
    await db.outbox.clear();
    // Three entries come back; the deleted one (a tombstone: its delete must still reach the
    // server) is no activity, so "2 baru", as the list shows two.
    expect(await importJson(db, file)).toEqual({ ok: true, added: 2, updated: 0, unchanged: 0, movedFrom: null });
    expect(await db.entries.count()).toBe(3);
    expect(await listEntries(db)).toEqual(before);
  });

  it('merges by id: importing the same file twice never doubles', async () => {
    const { db } = await seeded();
    const file = await exportJson(db, library, NOW);
    const outboxBefore = await db.outbox.count();
    expect(await importJson(db, file)).toEqual({ ok: true, added: 0, updated: 0, unchanged: 2, movedFrom: null });
    expect(await db.entries.count()).toBe(3);
    expect(await db.outbox.count()).toBe(outboxBefore);
  });

  it('counts by what the phone keeps: its own newer copy as the list shows it', async () => {
    const { db, a, c } = await seeded();
    const backup = JSON.parse(await exportJson(db, library, NOW));
    const tombstone = (await db.entries.get(c.id))!;
    backup.entries = [
      // Older than the phone's live copy, deleted in the file: the phone keeps its live one, in the list.
      { ...a, deleted: true, updatedAt: '2024-01-01T00:00:00.000Z' },
      // Older than the phone's delete, live in the file: the phone keeps its delete, not in the list.
      { ...c, deleted: false, updatedAt: '2024-01-01T00:00:00.000Z', libraryId: tombstone.libraryId },
    ];
    expect(await importJson(db, JSON.stringify(backup))).toEqual({ ok: true, added: 0, updated: 0, unchanged: 1, movedFrom: null });
  });

  it('replaces a stored entry only with a later copy, and queues it', async () => {
    const { db, a, b } = await seeded();
    const backup = JSON.parse(await exportJson(db, library, NOW));
    backup.entries = [
      { ...a, title: 'Lebih baru', updatedAt: '2025-03-15T00:00:00.000Z' },
      { ...b, title: 'Lebih lama', updatedAt: '2024-01-01T00:00:00.000Z' },
    ];
    expect(await importJson(db, JSON.stringify(backup))).toEqual({ ok: true, added: 0, updated: 1, unchanged: 1, movedFrom: null });
    const titles = (await listEntries(db)).map((e) => e.title);
    expect(titles).toContain('Lebih baru');
    expect(titles).toContain(b.title);
    const last = (await pendingMutations(db)).at(-1);
    expect(last?.entry.title).toBe('Lebih baru');
  });

  it.each([
    ['not JSON', '{"format": ', 'notJson'],
    ['another JSON document', '{"hello": 1}', 'notBackup'],
    ['a backup with one broken entry', 'BROKEN', 'invalidEntries'],
  ])('refuses %s and changes nothing', async (_name, text, error) => {
    const { db } = await seeded();
    let file = text;
    if (text === 'BROKEN') {
      const backup = JSON.parse(await exportJson(db, library, NOW));
      backup.entries.push(entry({ title: 'ok' }), { ...entry(), date: '2025-02-30' });
      file = JSON.stringify(backup);
    }
    const entriesBefore = await listEntries(db);
    const outboxBefore = await pendingMutations(db);
    const result = await importJson(db, file);
    expect(result).toMatchObject({ ok: false, error });
    expect(await listEntries(db)).toEqual(entriesBefore);
    expect(await pendingMutations(db)).toEqual(outboxBefore);
  });
});

describe("importJson: a time ahead of the phone's clock", () => {
  /** The phone's time at the first import: after every entry the helpers make. */
  const now = new Date('2025-04-01T08:00:00.000Z');
  const minutes = (n: number, from = now) => new Date(from.getTime() + n * 60_000);
  const fileOf = (...entries: ActivityEntry[]) =>
    JSON.stringify({ format: BACKUP_FORMAT, version: BACKUP_VERSION, exportedAt: now.toISOString(), library, entries });

  it('stores a far-future updatedAt as the time of the import, so a later restore with a normal newer time still replaces it', async () => {
    const { db } = freshDb();
    const e = entry({ title: 'Jam HP maju', updatedAt: '9999-12-31T23:59:59.999Z' });
    expect(await importJson(db, fileOf(e), { now })).toEqual({ ok: true, added: 1, updated: 0, unchanged: 0, movedFrom: null });
    // Only the time changes; queued like any entry the import adds, with the time stored.
    const stored = await getEntry(db, e.id);
    expect(stored).toEqual({ ...e, updatedAt: now.toISOString() });
    expect((await pendingMutations(db)).map((m) => m.entry)).toEqual([stored]);

    // An hour later, a file with a newer copy (written on a phone with a right clock) replaces it.
    const fixed = { ...e, title: 'Jam HP sudah benar', updatedAt: minutes(60).toISOString() };
    expect(await importJson(db, fileOf(fixed), { now: minutes(61) })).toEqual({ ok: true, added: 0, updated: 1, unchanged: 0, movedFrom: null });
    expect(await getEntry(db, e.id)).toEqual(fixed);
    expect((await pendingMutations(db)).at(-1)?.entry).toEqual(fixed);

    // And a local edit after that is not undone by the far-future file restored again.
    const edited = { ...fixed, title: 'Diubah di HP ini', updatedAt: minutes(90).toISOString() };
    expect(await saveEntry(db, edited)).toMatchObject({ ok: true });
    const queued = await db.outbox.count();
    expect(await importJson(db, fileOf(e), { now: minutes(95) })).toMatchObject({ ok: true, updated: 0, unchanged: 1 });
    expect(await getEntry(db, e.id)).toEqual(edited);
    expect(await db.outbox.count()).toBe(queued);
  });

  it('restored twice, a far-future file changes nothing the second time, and queues nothing', async () => {
    const { db } = freshDb();
    const e = entry({ title: 'Jam HP maju', updatedAt: '9999-12-31T23:59:59.999Z' });
    expect(await importJson(db, fileOf(e), { now })).toMatchObject({ ok: true, added: 1 });
    const queued = await db.outbox.count();
    expect(await importJson(db, fileOf(e), { now: minutes(60) })).toEqual({ ok: true, added: 0, updated: 0, unchanged: 1, movedFrom: null });
    expect((await getEntry(db, e.id))?.updatedAt).toBe(now.toISOString());
    expect(await db.outbox.count()).toBe(queued);
  });

  it("compares by the clamped time: the phone's copy a few minutes ahead stays", async () => {
    const { db } = freshDb();
    const e = entry({ title: 'Disimpan di HP ini' });
    // Ahead of `now` by less than the tolerance: a clock a little fast, kept as it is.
    const mine = { ...e, updatedAt: minutes(4).toISOString() };
    await saveEntry(db, mine);
    const queued = await db.outbox.count();
    const far = { ...e, title: 'Dari berkas', updatedAt: '9999-12-31T23:59:59.999Z' };
    expect(await importJson(db, fileOf(far), { now })).toEqual({ ok: true, added: 0, updated: 0, unchanged: 1, movedFrom: null });
    expect(await getEntry(db, e.id)).toEqual(mine);
    expect(await db.outbox.count()).toBe(queued);
  });

  it('clamps only past five minutes ahead, as the server does', async () => {
    const { db } = freshDb();
    const atLimit = entry({ title: 'Tepat lima menit', updatedAt: minutes(5).toISOString() });
    const past = entry({ title: 'Lewat lima menit', updatedAt: new Date(minutes(5).getTime() + 1).toISOString() });
    expect(await importJson(db, fileOf(atLimit, past), { now })).toMatchObject({ ok: true, added: 2 });
    expect((await getEntry(db, atLimit.id))?.updatedAt).toBe(minutes(5).toISOString());
    expect((await getEntry(db, past.id))?.updatedAt).toBe(now.toISOString());
    expect(MAX_CLOCK_AHEAD_MS).toBe(5 * 60_000);
  });

  it('within one file, the copy kept of an id is the latest by the clamped time', async () => {
    const { db } = freshDb();
    const e = entry();
    const far = { ...e, title: 'Jam maju', updatedAt: '9999-12-31T23:59:59.999Z' };
    const near = { ...e, title: 'Tiga menit ke depan', updatedAt: minutes(3).toISOString() };
    expect(await importJson(db, fileOf(far, near), { now })).toMatchObject({ ok: true, added: 1 });
    expect(await getEntry(db, e.id)).toEqual(near);
  });
});

/** A phone after first run (its local library) and, with `enrolledIn`, enrolled in that library. */
async function phone(local: Library, enrolledIn?: Library): Promise<LaporDb> {
  const { db } = freshDb();
  await setLibrary(db, enrolledIn ?? local);
  if (enrolledIn) {
    await db.meta.put({
      key: ENROLMENT_KEY,
      value: { deviceId: 'hp-b', token: 't', serverUrl: '', libraryId: enrolledIn.id, enrolledAt: NOW.toISOString() },
    });
  }
  return db;
}

/** Phone A's backup: three entries, one per strategy, logged under `libraryId`. */
async function backupOf(from: Library) {
  const { db } = freshDb();
  const entries = [
    entry({ libraryId: from.id, title: 'Lomba baca puisi', activityType: 'lomba' }),
    entry({ libraryId: from.id, strategy: 'advokasi', activityType: 'musyawarah_desa', title: 'Musdes 2025' }),
    entry({ libraryId: from.id, strategy: 'layanan', activityType: 'layanan_tik', title: 'Layanan internet' }),
  ];
  for (const e of entries) await saveEntry(db, e);
  return { file: await exportJson(db, from, NOW), entries };
}

const localA: Library = { ...library, id: 'lokal-01a22710-d19e-7dad-a76b-c25a36d02b8a', name: 'Perpustakaan Melati' };
const localB: Library = { ...library, id: 'lokal-01a22710-ffff-7dad-a76b-c25a36d02b8a', name: 'Perpustakaan Melati' };
const enrolledL1: Library = { ...library, id: 'perpus-satu', name: 'Perpustakaan Desa Satu' };
const enrolledL2: Library = { ...library, id: 'perpus-dua', name: 'Perpustakaan Desa Dua' };

describe('importJson on a new phone (adoptProfile: its first screen)', () => {
  it("takes the file's profile under its local id, and the entries as they are", async () => {
    const { file } = await backupOf(localA);
    const { db } = freshDb();
    expect(await importJson(db, file, { adoptProfile: true })).toEqual({ ok: true, added: 3, updated: 0, unchanged: 0, movedFrom: null });
    expect(await getLibrary(db)).toEqual(localA);
    expect((await listEntries(db)).map((e) => e.libraryId)).toEqual([localA.id, localA.id, localA.id]);
  });

  it("a file of an enrolled library: its profile under a new local id (this phone is not enrolled), its entries moved there", async () => {
    const { file } = await backupOf(enrolledL1);
    const { db } = freshDb();
    expect(await importJson(db, file, { adoptProfile: true })).toMatchObject({ ok: true, added: 3, movedFrom: null });
    const adopted = (await getLibrary(db))!;
    expect(adopted).toEqual({ ...enrolledL1, id: expect.stringMatching(/^lokal-/) });
    expect((await listEntries(db)).map((e) => e.libraryId)).toEqual([adopted.id, adopted.id, adopted.id]);
  });

  it('a file without a complete profile changes nothing; a phone with a profile keeps its own', async () => {
    const { file } = await backupOf(localA);
    const { db } = freshDb();
    // A profile an old phone stored before the schema refused control characters: readable, not adoptable.
    const noProfile = JSON.stringify({ ...JSON.parse(file), library: { ...localA, name: 'Perpustakaan\u0007Melati' } });
    expect(await importJson(db, noProfile, { adoptProfile: true })).toEqual({ ok: false, error: 'noProfile', details: [] });
    expect(await getLibrary(db)).toBeNull();
    expect(await db.entries.count()).toBe(0);
    const own = await phone(localB);
    expect(await importJson(own, file, { adoptProfile: true })).toMatchObject({ ok: true, added: 3 });
    expect(await getLibrary(own)).toEqual(localB);
  });
});

describe("importJson: entries of another library", () => {
  it("a restored backup of another phone's local library becomes this library's, queued, and counts on the card", async () => {
    const { file, entries } = await backupOf(localA);
    const db = await phone(localB);
    expect(await importJson(db, file)).toEqual({ ok: true, added: 3, updated: 0, unchanged: 0, movedFrom: null });
    const stored = await listEntries(db);
    expect(stored.map((e) => e.libraryId)).toEqual([localB.id, localB.id, localB.id]);
    expect((await pendingMutations(db)).map((m) => [m.baseVersion, m.entry.libraryId])).toEqual([
      [0, localB.id],
      [0, localB.id],
      [0, localB.id],
    ]);
    const kpi = computeKpi(stored, localB, defaultRulebook, NOW);
    expect(kpi.colour).not.toBe('abu-abu');
    expect(kpi.score).toBeGreaterThan(0);
    // Everything else is the file's, and a second import changes nothing.
    expect(stored.map((e) => ({ ...e, libraryId: localA.id })).sort((x, y) => x.id.localeCompare(y.id))).toEqual(
      [...entries].sort((x, y) => x.id.localeCompare(y.id)),
    );
    expect(await importJson(db, file)).toEqual({ ok: true, added: 0, updated: 0, unchanged: 3, movedFrom: null });
    expect(await db.outbox.count()).toBe(3);
  });

  it('an enrolled phone takes entries of a local library into its own, to be sent', async () => {
    const { file } = await backupOf(localA);
    const db = await phone(localB, enrolledL2);
    // Asked first, nothing written: a file picked by mistake would report another library's work.
    expect(await importJson(db, file)).toEqual({ ok: false, error: 'confirmMove', from: 'Perpustakaan Melati', count: 3, details: [] });
    expect(await db.entries.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    // Said yes: done, and said again.
    expect(await importJson(db, file, { moveConfirmed: true })).toMatchObject({ ok: true, added: 3, movedFrom: 'Perpustakaan Melati' });
    // Restored again, nothing is written: nothing to say.
    expect(await importJson(db, file)).toMatchObject({ ok: true, added: 0, unchanged: 3, movedFrom: null });
  });

  it('says so for a library of the same name elsewhere, as many villages share one', async () => {
    const garut: Library = { ...enrolledL2, name: 'Perpustakaan Desa Sukamaju', regency: 'Garut' };
    const bogor: Library = { ...localA, name: 'Perpustakaan Desa Sukamaju', regency: 'Bogor' };
    const { file } = await backupOf(bogor);
    const db = await phone(localB, garut);
    expect(await importJson(db, file)).toMatchObject({ ok: false, error: 'confirmMove', from: 'Perpustakaan Desa Sukamaju', count: 3 });
    expect(await importJson(db, file, { moveConfirmed: true })).toMatchObject({ ok: true, added: 3, movedFrom: 'Perpustakaan Desa Sukamaju' });
    expect((await pendingMutations(db)).map((m) => m.entry.libraryId)).toEqual([enrolledL2.id, enrolledL2.id, enrolledL2.id]);
  });

  it('a phone not enrolled (restored before enrolling again) takes an enrolled library\'s backup as its own', async () => {
    const { file } = await backupOf(enrolledL1);
    const db = await phone(localB);
    expect(await importJson(db, file)).toMatchObject({ ok: false, error: 'confirmMove', count: 3 });
    expect(await importJson(db, file, { moveConfirmed: true })).toMatchObject({ ok: true, added: 3 });
    expect((await listEntries(db)).map((e) => e.libraryId)).toEqual([localB.id, localB.id, localB.id]);
  });

  it("an enrolled phone refuses, whole, another enrolled library's backup and changes nothing", async () => {
    const { file } = await backupOf(enrolledL1);
    const db = await phone(localB, enrolledL2);
    const own = entry({ libraryId: enrolledL2.id });
    await saveEntry(db, own);
    const mixed = JSON.parse(file);
    mixed.entries.unshift({ ...own, title: 'Versi lebih baru', updatedAt: '2025-03-15T00:00:00.000Z' });
    const before = [await listEntries(db), await pendingMutations(db)];
    expect(await importJson(db, JSON.stringify(mixed))).toEqual({
      ok: false,
      error: 'otherLibrary',
      details: [
        'Cadangan ini berisi kegiatan milik perpustakaan lain (Perpustakaan Desa Satu), sedangkan HP ini terdaftar untuk Perpustakaan Desa Dua. Tidak ada yang diubah.',
      ],
    });
    expect([await listEntries(db), await pendingMutations(db)]).toEqual(before);
    // The same library's backup is welcome.
    const ownBackup = await backupOf(enrolledL2);
    expect(await importJson(db, ownBackup.file)).toMatchObject({ ok: true, added: 3 });
  });
});

describe('importJson: a broken file', () => {
  const broken = async () => {
    const { file } = await backupOf(localA);
    const backup = JSON.parse(file);
    backup.entries[0].title = 'ab';
    backup.entries[1].participantsMale = -3;
    delete backup.entries[2].title;
    return backup;
  };

  it('names each problem by the entry and the field, in plain Indonesian', async () => {
    const db = await phone(localB);
    const result = await importJson(db, JSON.stringify(await broken()));
    expect(result).toEqual({
      ok: false,
      error: 'invalidEntries',
      details: [
        'Kegiatan ke-1 “ab”: Judul kegiatan minimal 3 karakter',
        'Kegiatan ke-2 “Musdes 2025”: Peserta laki-laki minimal 0',
        'Kegiatan ke-3: Judul kegiatan wajib diisi',
      ],
    });
    expect(await db.entries.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });

  it('speaks the phone\'s language, and counts the problems past the first five', async () => {
    const db = await phone(localB);
    await setSettings(db, { lang: 'en' });
    const backup = await broken();
    backup.entries.push(...Array.from({ length: 4 }, () => ({ ...entry(), date: '2025-02-30' })));
    backup.exportedAt = 5;
    const result = await importJson(db, JSON.stringify(backup));
    expect(result.ok).toBe(false);
    const details = result.ok ? [] : result.details;
    expect(details[0]).toBe('Backup time must be text');
    expect(details[1]).toBe('Activity no. 1 “ab”: Activity title needs at least 3 characters');
    expect(details).toHaveLength(6);
    expect(details[5]).toBe('and 3 more problems');
    for (const line of details) expect(line).not.toMatch(/Invalid|Too small|expected|entries\./);
  });
});

describe('exportCsv', () => {
  it('writes Indonesian headers and one row per entry, quoting and neutralising formulas', async () => {
    const { db } = await seeded();
    const csv = await exportCsv(db);
    const lines = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('Judul kegiatan');
    expect(lines[0]).toContain('Tanggal kegiatan');
    expect(lines[0]).toContain('Peserta laki-laki');
    expect(csv).toContain('"Musdes, ""anggaran"" 2025"');
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv).toContain('PKK Sukamaju (pkk)');
  });

  it('writes the words a reader knows for the codes: the strategy always, and the labels the app gives', async () => {
    const { db } = await seeded();
    const csv = await exportCsv(db, {
      activityType: (strategy, code) => (strategy === 'advokasi' && code === 'musyawarah_desa' ? 'musyawarah desa' : undefined),
      partnerKind: (code) => (code === 'pkk' ? 'PKK Desa' : undefined),
      fundingSource: () => 'APBDes',
    });
    expect(csv).toContain('Advokasi');
    expect(csv).not.toMatch(/,advokasi,/);
    expect(csv).toContain('musyawarah desa');
    expect(csv).not.toContain('musyawarah_desa');
    expect(csv).toContain('PKK Sukamaju (PKK Desa)');
  });
});
