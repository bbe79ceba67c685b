import { describe, expect, it } from 'vitest';
import {
  deleteEntry,
  exportCsv,
  exportJson,
  importJson,
  listEntries,
  pendingMutations,
  saveEntry,
} from '../../src/device';
import type { Library } from '../../src/domain';
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
    expect(await importJson(db, file)).toEqual({ ok: true, added: 3, updated: 0, unchanged: 0 });
    expect(await listEntries(db)).toEqual(before);
  });

  it('merges by id: importing the same file twice never doubles', async () => {
    const { db } = await seeded();
    const file = await exportJson(db, library, NOW);
    const outboxBefore = await db.outbox.count();
    expect(await importJson(db, file)).toEqual({ ok: true, added: 0, updated: 0, unchanged: 3 });
    expect(await db.entries.count()).toBe(3);
    expect(await db.outbox.count()).toBe(outboxBefore);
  });

  it('replaces a stored entry only with a later copy, and queues it', async () => {
    const { db, a, b } = await seeded();
    const backup = JSON.parse(await exportJson(db, library, NOW));
    backup.entries = [
      { ...a, title: 'Lebih baru', updatedAt: '2025-03-15T00:00:00.000Z' },
      { ...b, title: 'Lebih lama', updatedAt: '2024-01-01T00:00:00.000Z' },
    ];
    expect(await importJson(db, JSON.stringify(backup))).toEqual({ ok: true, added: 0, updated: 1, unchanged: 1 });
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
});
