/**
 * The counts Pengaturan ("{count} kegiatan tersimpan, {pending} belum terkirim") and Kirim
 * data ("{count} kegiatan ditolak server") show agree with Daftar kegiatan: deleted entries
 * are not activities, an entry changed three times is one activity waiting, and a rejected
 * entry counts as rejected until it is corrected (then it waits again). A delete waiting to
 * be sent is counted apart: not an activity, but unsent work a reset would lose.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { deleteEntry, saveEntry } from '../../src/device';
import type { LaporDb } from '../../src/device/db';
import { entriesWithStatuses, entrySyncCounts, type Receipt, type SyncedRow } from '../../src/device/sync-state';
import { entry, freshDb, NOW } from './helpers';

describe('entrySyncCounts', () => {
  it('after deleting one of two entries: one activity, one waiting (as the list shows)', async () => {
    const { db } = freshDb();
    const a = entry({ title: 'Lomba A' });
    const b = entry({ title: 'Lomba B' });
    await saveEntry(db, a);
    // A reached the server; B is saved twice; then A is deleted (a tombstone, queued).
    await answer(db, a.id, { status: 'applied', version: 1, at: NOW.toISOString() }, { serverVersion: 1 });
    await db.outbox.clear();
    await saveEntry(db, b);
    await saveEntry(db, { ...b, title: 'Lomba B (ubah)', updatedAt: new Date(Date.parse(b.updatedAt) + 1).toISOString() });
    await deleteEntry(db, a.id, NOW);
    expect(await db.outbox.count()).toBe(3);
    expect(await entrySyncCounts(db)).toEqual({ live: 1, waiting: 1, rejected: 0, deletesWaiting: 1 });

    // The list: the live entries and their "Tersimpan di HP" badges.
    const { entries, statuses } = await entriesWithStatuses(db);
    const live = entries.filter((e) => !e.deleted);
    expect(live.length).toBe(1);
    expect(live.filter((e) => statuses.get(e.id)?.kind === 'local').length).toBe(1);
  });

  it('an entry changed several times waits once; a rejected one counts as rejected until it is corrected', async () => {
    const { db } = freshDb();
    const sent = entry({ title: 'Terkirim' });
    const rejected = entry({ title: 'Ditolak' });
    await saveEntry(db, sent);
    await saveEntry(db, rejected);
    // The server's answers: one applied, one rejected; the outbox is then empty.
    const at = NOW.toISOString();
    await answer(db, sent.id, { status: 'applied', version: 1, at });
    await answer(db, rejected.id, { status: 'rejected', at, errors: [{ path: 'date', message: 'Tanggal kegiatan tidak boleh di masa depan' }] });
    await db.outbox.clear();
    expect(await entrySyncCounts(db)).toEqual({ live: 2, waiting: 0, rejected: 1, deletesWaiting: 0 });

    // Corrected twice before the next sync: one activity waiting, none rejected.
    for (const title of ['Diperbaiki', 'Diperbaiki lagi']) await saveEntry(db, { ...rejected, title, updatedAt: new Date(Date.now()).toISOString() });
    expect(await entrySyncCounts(db)).toEqual({ live: 2, waiting: 1, rejected: 0, deletesWaiting: 0 });

    // A deleted rejected entry is no longer in the list, nor counted.
    await answer(db, rejected.id, { status: 'rejected', at, errors: [] }, { deleted: true });
    await db.outbox.clear();
    expect(await entrySyncCounts(db)).toEqual({ live: 1, waiting: 0, rejected: 0, deletesWaiting: 0 });
  });
});

/** Stores the server's word on an entry, as a push answer does (sync-apply.ts). */
async function answer(db: LaporDb, id: string, receipt: Receipt, change: Partial<SyncedRow> = {}): Promise<void> {
  const row = await db.entries.get(id);
  if (!row) throw new Error(`no entry ${id}`);
  await db.entries.put({ ...row, ...change, receipt } as SyncedRow);
}
