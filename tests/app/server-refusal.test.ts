/**
 * The edit form's server messages: an entry the real server refused (dated after the
 * server's today) opens with the server's reasons by field, as the form shows its own;
 * a restored draft that already changed a field drops that field's message; once a
 * correction is saved (and waits in the outbox) the reasons no longer stand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsAfterChange, messagesByField, valuesOf } from '../../src/app/entry-values';
import { getEntry, saveEntry, serverRefusal } from '../../src/device';
import { syncNow } from '../../src/device/sync';
import type { FetchFn } from '../../src/device/sync-http';
import { entry } from '../device/helpers';
import { enrolPhone, newPhone, prng, startSyncServer, type SyncServer } from '../device/sync-harness';

let server: SyncServer;
beforeAll(async () => {
  server = await startSyncServer();
});
afterAll(async () => {
  await server.stop();
});

let tick = Date.parse('2025-10-22T00:00:00.000Z');
const clock = () => new Date(tick++);

describe('serverRefusal', () => {
  it('gives the reasons of an entry the server refused until a correction is saved', async () => {
    const library = await server.addLibrary('Perpustakaan Jam Maju');
    // The phone's clock is two days ahead of the server's (SERVER_NOW is 2025-10-20).
    const phone = newPhone(fetch as FetchFn, clock, prng(3));
    await enrolPhone(phone, server, library.id);
    const ahead = entry({ libraryId: library.id, date: '2025-10-22', title: 'Lomba mewarnai anak' });
    const fine = entry({ libraryId: library.id, date: '2025-10-19' });
    await saveEntry(phone.db, ahead);
    await saveEntry(phone.db, fine);
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', rejected: 1 });

    const refused = messagesByField(await serverRefusal(phone.db, ahead.id));
    expect(refused).toEqual({ date: 'Tanggal kegiatan tidak boleh di masa depan' });
    expect(await serverRefusal(phone.db, fine.id)).toEqual([]);
    expect(await serverRefusal(phone.db, 'no-such-entry')).toEqual([]);

    // A draft that already moved the date leaves nothing to show; one that changed the title does.
    const initial = valuesOf((await getEntry(phone.db, ahead.id))!);
    expect(errorsAfterChange(refused, initial, { ...initial, date: '2025-10-20' })).toEqual({});
    expect(errorsAfterChange(refused, initial, { ...initial, title: 'Lomba mewarnai' })).toEqual(refused);

    await saveEntry(phone.db, { ...ahead, date: '2025-10-20', updatedAt: clock().toISOString() });
    expect(await serverRefusal(phone.db, ahead.id)).toEqual([]);
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', rejected: 0 });
    expect(await serverRefusal(phone.db, ahead.id)).toEqual([]);
  });
});
