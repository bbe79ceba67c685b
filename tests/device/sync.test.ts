/** The sync engine against the real server in this process: enrolment, each push status, faults. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushResponse } from '../../src/domain';
import { deleteEntry, exportJson, getLibrary, getRulebook, importJson, pendingMutations, saveEntry } from '../../src/device';
import { applyPushAnswer, mergeRemote, OutboxIndex } from '../../src/device/sync-apply';
import { backoffDelay, BACKOFF_CAP_MS, parseRetryAfter } from '../../src/device/backoff';
import { enrol, ENROL_RETRY_KEY } from '../../src/device/enrol';
import { syncNow, createSyncScheduler, defaultLock, MAX_SERVER_WAIT_MS, serverWait, type LockFn } from '../../src/device/sync';
import type { FetchFn } from '../../src/device/sync-http';
import { EMPTY_SYNC_STATE, entrySyncStatus, getEnrolment, getSyncState, pendingEntryIds, type SyncedRow } from '../../src/device/sync-state';
import { revokeDevice } from '../../src/server/store/devices';
import { updateLibrary } from '../../src/server/store/libraries';
import { entry } from './helpers';
import { enrolPhone, faultyFetch, newCounts, newPhone, noFaults, prng, SERVER_NOW, startSyncServer, type Fault, type SyncServer } from './sync-harness';

let server: SyncServer;
beforeAll(async () => {
  server = await startSyncServer();
});
afterAll(async () => {
  await server.stop();
});

let tick = Date.parse('2025-10-01T00:00:00.000Z');
const clock = () => new Date(tick++);
const plainFetch = fetch as FetchFn;

/** A fault plan that answers the listed faults in order, then none. */
function script(...faults: Fault[]) {
  return { choose: () => faults.shift() ?? 'none' };
}

/** A phone that saved one entry and sent it, the answer lost: the server holds it, the phone cannot know. */
async function sentButAnswerLost(libraryName: string, seed: number) {
  const library = await server.addLibrary(libraryName);
  const plan = script();
  const phone = newPhone(faultyFetch(server, plan), clock, prng(seed));
  await enrolPhone(phone, server, library.id);
  const e = entry({ libraryId: library.id, updatedAt: clock().toISOString() });
  await saveEntry(phone.db, e);
  plan.choose = script('response-lost').choose;
  expect(await syncNow(phone.deps)).toMatchObject({ status: 'retry' });
  return { library, phone, plan, e };
}

async function row(db: ReturnType<typeof newPhone>['db'], id: string): Promise<SyncedRow> {
  return (await db.entries.get(id)) as SyncedRow;
}

describe('backoff', () => {
  it('is full jitter between 0 and min(15 min, 1 s · 2^(n−1)), never below Retry-After', () => {
    expect(backoffDelay(1, () => 0.999)).toBeLessThan(1000);
    expect(backoffDelay(3, () => 0.999)).toBeLessThan(4000);
    expect(backoffDelay(3, () => 0.5)).toBe(2000);
    expect(backoffDelay(60, () => 0.999)).toBeLessThan(BACKOFF_CAP_MS);
    expect(backoffDelay(60, () => 0.999)).toBeGreaterThan(BACKOFF_CAP_MS - 1000);
    expect(backoffDelay(1, () => 0, 7000)).toBe(7000);
    expect(parseRetryAfter('7', new Date(0))).toBe(7000);
    expect(parseRetryAfter(new Date(30_000).toUTCString(), new Date(0))).toBe(30_000);
    expect(parseRetryAfter('soon', new Date(0))).toBeNull();
  });
});

describe('the phone\'s clock', () => {
  it('is compared with the server\'s (its Date header) at each successful sync', async () => {
    const library = await server.addLibrary('Perpustakaan Jam Salah');
    const behind = 3 * 86_400_000;
    const phone = newPhone(plainFetch, () => new Date(Date.now() - behind), prng(42));
    await enrolPhone(phone, server, library.id);
    expect((await getSyncState(phone.db)).clockOffsetMs).toBeUndefined();
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok' });
    // The Date header counts whole seconds.
    expect(Math.abs((await getSyncState(phone.db)).clockOffsetMs! - behind)).toBeLessThan(5_000);

    // Answers without a Date header (a proxy dropped it, or a browser hid it): the reading stays.
    const undated: FetchFn = async (input, init) => {
      const res = await fetch(input, init);
      const headers = new Headers(res.headers);
      headers.delete('date');
      return new Response(await res.arrayBuffer(), { status: res.status, headers });
    };
    const again = { ...phone.deps, fetch: undated, now: () => new Date() };
    expect(await syncNow(again)).toMatchObject({ status: 'ok' });
    expect(Math.abs((await getSyncState(phone.db)).clockOffsetMs! - behind)).toBeLessThan(5_000);
  });
});

describe('a wait the server asked for', () => {
  it('counts for at most an hour: one stored while the clock ran days ahead does not hold the phone back for days', () => {
    const now = new Date('2025-10-20T03:00:00.000Z');
    const after = (ms: number) => new Date(now.getTime() + ms).toISOString();
    const state = { ...EMPTY_SYNC_STATE, lastError: { status: 503, code: 'internal', message: 'x', stopped: false }, nextTryAt: after(72 * 3_600_000) };
    expect(serverWait(state, now)).toBe(MAX_SERVER_WAIT_MS);
    expect(serverWait({ ...state, nextTryAt: after(7000) }, now)).toBe(7000);
    expect(serverWait({ ...state, lastError: { ...state.lastError, status: 0 } }, now)).toBe(0);
  });
});

describe('enrolment', () => {
  it('stores token, library and rulebook; entries logged before move to the library and reach the server', async () => {
    const library = await server.addLibrary('Perpustakaan Enrol');
    const phone = newPhone(plainFetch, clock, prng(1));
    const before = [entry({ libraryId: 'lokal-abc' }), entry({ libraryId: 'lokal-abc' })];
    for (const e of before) expect((await saveEntry(phone.db, e)).ok).toBe(true);
    await saveEntry(phone.db, { ...before[0], title: 'Kelas membaca, diubah', updatedAt: clock().toISOString() });

    const wrong = await enrol({ db: phone.db, fetch: plainFetch, now: clock, serverUrl: server.url, code: 'ZZZZ-ZZZZ' });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.error.code).toBe('invalid_code');
    expect(await getEnrolment(phone.db)).toBeNull();
    expect(await syncNow(phone.deps)).toEqual({ status: 'not-enrolled' });

    const res = await enrol({ db: phone.db, fetch: plainFetch, now: clock, serverUrl: server.url + '/', code: await server.code(library.id) });
    expect(res.ok).toBe(true);
    const enrolment = await getEnrolment(phone.db);
    expect(enrolment?.libraryId).toBe(library.id);
    expect(enrolment?.serverUrl).toBe(server.url);
    expect((await getLibrary(phone.db))?.id).toBe(library.id);
    expect((await getRulebook(phone.db)).id).toBeTruthy();
    const queued = await pendingMutations(phone.db);
    expect(queued.map((m) => [m.seq, m.entry.libraryId])).toEqual([
      [1, library.id],
      [2, library.id],
    ]);

    const result = await syncNow(phone.deps);
    expect(result).toMatchObject({ status: 'ok', pushed: 2 });
    const stored = await server.stored(library.id);
    expect(stored.size).toBe(2);
    expect(stored.get(before[0].id)?.entry.title).toBe('Kelas membaca, diubah');
    expect(await pendingMutations(phone.db)).toEqual([]);
    const r = await row(phone.db, before[0].id);
    expect(r.libraryId).toBe(library.id);
    expect(r.serverVersion).toBe(stored.get(before[0].id)?.version);
    expect(entrySyncStatus(r, new Set())).toMatchObject({ kind: 'sent' });
    expect((await getSyncState(phone.db)).lastSuccessAt).not.toBeNull();
  });
});

describe('enrolment for another library than the one the phone was enrolled for', () => {
  /** A phone enrolled for A with two entries sent (one with a photo), then revoked, as before a new code. */
  async function phoneOfLibraryA(name: string, seed: number) {
    const a = await server.addLibrary(`${name} A`);
    const b = await server.addLibrary(`${name} B`);
    const phone = newPhone(plainFetch, clock, prng(seed));
    await enrolPhone(phone, server, a.id);
    const photo = { id: `foto-${seed}`, sha256: 'a'.repeat(64), mime: 'image/jpeg' as const, bytes: 3 };
    const sent = [entry({ libraryId: a.id, attachments: [photo] }), entry({ libraryId: a.id })];
    for (const e of sent) expect((await saveEntry(phone.db, e)).ok).toBe(true);
    await phone.db.photos.put({ id: photo.id, mime: 'image/jpeg', data: new Uint8Array([1, 2, 3]).buffer });
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 2 });
    await revokeDevice(server.database.db, (await getEnrolment(phone.db))!.deviceId, new Date(SERVER_NOW));
    const options = { db: phone.db, fetch: plainFetch, now: clock, serverUrl: server.url, lock: phone.deps.lock };
    return { a, b, phone, sent, photo, options };
  }

  it('asks first; "leave" deletes the old library\'s entries and photos from the phone only, and the phone starts afresh for the new one', async () => {
    const { a, b, phone, sent, photo, options } = await phoneOfLibraryA('Perpustakaan Pindah Tangan', 51);
    const res = await enrol({ ...options, code: await server.code(b.id) });
    if (res.ok !== 'choose') throw new Error(`expected a choice, got ${JSON.stringify(res)}`);
    expect(res.choice).toMatchObject({ from: { id: a.id, name: a.name }, to: { id: b.id }, entries: 2, unsent: 0, photos: 1 });
    // Nothing stored before the choice.
    expect((await getEnrolment(phone.db))?.libraryId).toBe(a.id);
    expect(await phone.db.entries.count()).toBe(2);

    expect(await res.choice.complete('leave')).toMatchObject({ ok: true, library: { id: b.id }, queued: 0 });
    // Once only.
    expect(await res.choice.complete('move')).toEqual({ ok: false });
    expect((await getEnrolment(phone.db))?.libraryId).toBe(b.id);
    expect((await getLibrary(phone.db))?.id).toBe(b.id);
    expect(await phone.db.entries.count()).toBe(0);
    expect(await phone.db.photos.get(photo.id)).toBeUndefined();
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 0 });
    expect([...(await server.stored(a.id)).keys()].sort()).toEqual(sent.map((e) => e.id).sort());
    expect((await server.stored(b.id)).size).toBe(0);
  });

  it('"move" takes them, unsent ones too, to the new library; "leave" is refused while one is unsent', async () => {
    const { a, b, phone, sent, options } = await phoneOfLibraryA('Perpustakaan Kode Salah', 52);
    const unsent = entry({ libraryId: a.id });
    await saveEntry(phone.db, unsent);
    const res = await enrol({ ...options, code: await server.code(b.id) });
    if (res.ok !== 'choose') throw new Error(`expected a choice, got ${JSON.stringify(res)}`);
    expect(res.choice).toMatchObject({ entries: 3, unsent: 1 });
    expect(await res.choice.complete('leave')).toEqual({ ok: false });
    expect((await getEnrolment(phone.db))?.libraryId).toBe(a.id);
    expect(await phone.db.entries.count()).toBe(3);

    expect(await res.choice.complete('move')).toMatchObject({ ok: true, library: { id: b.id }, queued: 3 });
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 3 });
    expect([...(await server.stored(b.id)).keys()].sort()).toEqual([...sent, unsent].map((e) => e.id).sort());
    expect((await row(phone.db, unsent.id)).libraryId).toBe(b.id);
  });

  it('"move" takes only what this phone logged: other phones\' entries it pulled stay with the old library, and leave this phone', async () => {
    const a = await server.addLibrary('Perpustakaan Kode Keliru A');
    const b = await server.addLibrary('Perpustakaan Kode Keliru B');
    // Another phone of library A logs two entries; this phone, enrolled in A by a wrong first code, sends its two and pulls theirs.
    const other = newPhone(plainFetch, clock, prng(56));
    await enrolPhone(other, server, a.id);
    const theirs = [entry({ libraryId: a.id, title: 'Kegiatan HP lain satu' }), entry({ libraryId: a.id, title: 'Kegiatan HP lain dua' })];
    for (const e of theirs) await saveEntry(other.db, e);
    expect(await syncNow(other.deps)).toMatchObject({ status: 'ok', pushed: 2 });
    const phone = newPhone(plainFetch, clock, prng(55));
    await enrolPhone(phone, server, a.id);
    const photo = { id: 'foto-55', sha256: 'b'.repeat(64), mime: 'image/jpeg' as const, bytes: 3 };
    const sent = [entry({ libraryId: a.id }), entry({ libraryId: a.id, attachments: [photo] })];
    for (const e of sent) await saveEntry(phone.db, e);
    await phone.db.photos.put({ id: photo.id, mime: 'image/jpeg', data: new Uint8Array([1, 2, 3]).buffer });
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 2 });
    expect(await phone.db.entries.count()).toBe(4);
    // The other phone corrects this phone's photographed entry: last written elsewhere, its photo only here.
    expect(await syncNow(other.deps)).toMatchObject({ status: 'ok' });
    await saveEntry(other.db, { ...sent[1], title: 'Judul dibetulkan HP lain', updatedAt: clock().toISOString() });
    expect(await syncNow(other.deps)).toMatchObject({ status: 'ok', pushed: 1 });
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pulled: 1 });
    await revokeDevice(server.database.db, (await getEnrolment(phone.db))!.deviceId, new Date(SERVER_NOW));
    const unsent = entry({ libraryId: a.id });
    await saveEntry(phone.db, unsent);

    const options = { db: phone.db, fetch: plainFetch, now: clock, serverUrl: server.url, lock: phone.deps.lock };
    const res = await enrol({ ...options, code: await server.code(b.id) });
    if (res.ok !== 'choose') throw new Error(`expected a choice, got ${JSON.stringify(res)}`);
    // Its photographed entry counts as its own (the photo exists nowhere else): moved with it.
    expect(res.choice).toMatchObject({ entries: 5, own: 3, ownSent: 2, unsent: 1 });
    expect(await res.choice.complete('move')).toMatchObject({ ok: true, library: { id: b.id }, queued: 3 });
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 3 });
    const mine = [...sent, unsent].map((e) => e.id).sort();
    expect([...(await server.stored(b.id)).keys()].sort()).toEqual(mine);
    expect((await phone.db.entries.toArray()).map((e) => e.id).sort()).toEqual(mine);
    expect(await phone.db.photos.get(photo.id)).toBeDefined();
    expect((await server.stored(b.id)).get(sent[1].id)?.entry.title).toBe('Judul dibetulkan HP lain');
    // Library A keeps every entry it had, the other phone's too.
    expect([...(await server.stored(a.id)).keys()].sort()).toEqual([...sent, ...theirs].map((e) => e.id).sort());
  });

  it('an entry the server refused is not on it: "leave" is not offered for it, nor done', async () => {
    const { b, phone, options } = await phoneOfLibraryA('Perpustakaan Ditolak Pindah', 54);
    const [refused] = await phone.db.entries.toArray();
    await phone.db.entries.put({ ...refused, receipt: { status: 'rejected', at: new Date(SERVER_NOW).toISOString(), errors: [] } } as SyncedRow);
    const res = await enrol({ ...options, code: await server.code(b.id) });
    if (res.ok !== 'choose') throw new Error(`expected a choice, got ${JSON.stringify(res)}`);
    expect(res.choice).toMatchObject({ entries: 2, unsent: 1 });
    expect(await res.choice.complete('leave')).toEqual({ ok: false });
    expect(await phone.db.entries.count()).toBe(2);
  });

  it('a choice made stale by an enrolment meanwhile (another tab) stores nothing', async () => {
    const { a, b, phone, options } = await phoneOfLibraryA('Perpustakaan Pilihan Basi', 55);
    const res = await enrol({ ...options, code: await server.code(b.id) });
    if (res.ok !== 'choose') throw new Error(`expected a choice, got ${JSON.stringify(res)}`);
    await enrolPhone(phone, server, a.id);
    const device = (await getEnrolment(phone.db))!.deviceId;
    expect(await res.choice.complete('leave')).toEqual({ ok: false });
    expect(await getEnrolment(phone.db)).toMatchObject({ libraryId: a.id, deviceId: device });
    expect(await phone.db.entries.count()).toBe(2);
  });

  it('only deletes the old library holds already: nothing to ask, and nothing of it goes to the new one', async () => {
    const { b, phone, sent, options } = await phoneOfLibraryA('Perpustakaan Hanya Hapus', 56);
    // As if deleted and sent while still enrolled: tombstones the old server holds (their receipts say so).
    await phone.db.entries.bulkPut((await phone.db.entries.toArray()).map((r) => ({ ...r, deleted: true })));
    expect(sent.length).toBe(2);
    const res = await enrol({ ...options, code: await server.code(b.id) });
    expect(res).toMatchObject({ ok: true, library: { id: b.id }, queued: 0 });
    expect(await phone.db.entries.count()).toBe(0);
  });

  it('cancelled, the phone stays with the old library; the same code asks again, and a code for the old library asks nothing', async () => {
    const { a, b, phone, options } = await phoneOfLibraryA('Perpustakaan Batal', 53);
    const code = await server.code(b.id);
    const first = await enrol({ ...options, code });
    expect(first.ok).toBe('choose');
    const again = await enrol({ ...options, code });
    if (again.ok !== 'choose') throw new Error(`expected a choice, got ${JSON.stringify(again)}`);
    expect(again.choice.to.id).toBe(b.id);
    expect((await getEnrolment(phone.db))?.libraryId).toBe(a.id);

    const same = await enrol({ ...options, code: await server.code(a.id) });
    expect(same).toMatchObject({ ok: true, library: { id: a.id }, queued: 0 });
    expect(await phone.db.entries.count()).toBe(2);
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok' });
  });
});

describe('the library profile, once enrolled', () => {
  it("is the server's: an administrator's edit (a time zone too) reaches the phone at its next sync; a failed read keeps the stored one", async () => {
    const library = await server.addLibrary('Perpustakaan Profil Server');
    let failLibrary = false;
    const fetchSome: FetchFn = (input, init) =>
      failLibrary && String(input).endsWith('/api/v1/library') ? Promise.reject(new TypeError('no signal')) : plainFetch(input, init);
    const phone = newPhone(fetchSome, clock, prng(7));
    await enrolPhone(phone, server, library.id);
    expect(await getLibrary(phone.db)).toEqual(library);

    const edited = await updateLibrary(server.database.db, library.id, { village: 'Sukamaju Baru', timezone: 'Asia/Makassar', npp: '3516012E1000009' });
    expect(edited?.ok).toBe(true);
    failLibrary = true;
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok' });
    expect(await getLibrary(phone.db)).toEqual(library);

    failLibrary = false;
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok' });
    expect(await getLibrary(phone.db)).toEqual({ ...library, village: 'Sukamaju Baru', timezone: 'Asia/Makassar', npp: '3516012E1000009' });
  });
});

describe('enrolment, its answer lost', () => {
  it('the same code tried again (after a reload: the key is kept) gets the same device, and the entries reach the server', async () => {
    const library = await server.addLibrary('Perpustakaan Jawaban Hilang');
    const plan = script('response-lost');
    const phone = newPhone(faultyFetch(server, plan), clock, prng(41));
    const e = entry({ libraryId: 'lokal-jawaban-hilang' });
    await saveEntry(phone.db, e);
    const code = await server.code(library.id);
    const options = { db: phone.db, fetch: phone.deps.fetch, now: clock, serverUrl: server.url, lock: phone.deps.lock };
    const lost = await enrol({ ...options, code });
    expect(lost).toMatchObject({ ok: false, error: { code: 'network' } });
    expect(await getEnrolment(phone.db)).toBeNull();

    const again = await enrol({ ...options, code: ` ${code.toLowerCase()} ` });
    expect(again.ok).toBe(true);
    const devices = await server.database.db.selectFrom('devices').select('device_id').where('library_id', '=', library.id).execute();
    expect(devices.map((d) => d.device_id)).toEqual([(await getEnrolment(phone.db))!.deviceId]);
    expect(await phone.db.meta.get(ENROL_RETRY_KEY)).toBeUndefined();
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 1 });
    expect((await server.stored(library.id)).has(e.id)).toBe(true);
  });
});

describe('strays', () => {
  it('an entry saved under the old local id after enrolment (a stale tab) moves to the library instead of stopping the queue', async () => {
    const library = await server.addLibrary('Perpustakaan Tab Lama');
    const phone = newPhone(plainFetch, clock, prng(11));
    await enrolPhone(phone, server, library.id);
    const stale = entry({ libraryId: 'lokal-tab-lama' });
    await saveEntry(phone.db, stale);
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 1 });
    expect((await server.stored(library.id)).has(stale.id)).toBe(true);
    expect((await row(phone.db, stale.id)).libraryId).toBe(library.id);
  });
});

describe('push statuses', () => {
  it('a rejected entry stays visible with its errors and is sent again after an edit', async () => {
    const library = await server.addLibrary('Perpustakaan Tolak');
    const phone = newPhone(plainFetch, clock, prng(2));
    await enrolPhone(phone, server, library.id);
    const bad = entry({ libraryId: library.id, activityType: 'tidak_ada_di_aturan' });
    const good = entry({ libraryId: library.id });
    await saveEntry(phone.db, bad);
    await saveEntry(phone.db, good);
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 2, rejected: 1 });
    const r = await row(phone.db, bad.id);
    expect(r).toBeDefined();
    const status = entrySyncStatus(r, await pendingEntryIds(phone.db));
    expect(status.kind).toBe('rejected');
    if (status.kind === 'rejected') expect(status.errors.map((e) => e.path)).toEqual(['activityType']);
    expect((await server.stored(library.id)).has(bad.id)).toBe(false);

    await saveEntry(phone.db, { ...bad, activityType: 'lainnya', updatedAt: clock().toISOString() });
    expect(entrySyncStatus(await row(phone.db, bad.id), await pendingEntryIds(phone.db))).toEqual({ kind: 'local' });
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 1, rejected: 0 });
    expect((await server.stored(library.id)).get(bad.id)?.entry.activityType).toBe('lainnya');
    expect(entrySyncStatus(await row(phone.db, bad.id), new Set()).kind).toBe('sent');
  });

  it('marks the refusal in the sync state as soon as the push is answered, though the pull then fails (the app re-reads its rows at that mark)', async () => {
    const library = await server.addLibrary('Perpustakaan Tolak Putus');
    // The pull's answer never comes (a bad line after the push).
    const pullLost: FetchFn = (input, init) => (new URL(input).pathname.endsWith('/sync/pull') ? Promise.reject(new TypeError('Failed to fetch')) : plainFetch(input, init));
    const phone = newPhone(pullLost, clock, prng(3));
    await enrolPhone(phone, server, library.id);
    await saveEntry(phone.db, entry({ libraryId: library.id, activityType: 'tidak_ada_di_aturan' }));
    expect((await getSyncState(phone.db)).rejectedAt).toBeUndefined();
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'retry', pushed: 1 });
    expect((await getSyncState(phone.db)).rejectedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('rejected, its answer lost: asked again, it shows "Ditolak" with the reasons, never "Terkirim" — a new entry and an edit', async () => {
    const library = await server.addLibrary('Perpustakaan Tolak Hilang');
    const plan = script();
    const phone = newPhone(faultyFetch(server, plan), clock, prng(40));
    await enrolPhone(phone, server, library.id);
    const kept = entry({ libraryId: library.id, title: 'Judul lama', updatedAt: clock().toISOString() });
    await saveEntry(phone.db, kept);
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok' });
    const keptVersion = (await server.stored(library.id)).get(kept.id)!.version;

    // Refused by the server: an activity type its rulebook lacks; an edit to one too.
    const bad = entry({ libraryId: library.id, activityType: 'tidak_ada_di_aturan' });
    await saveEntry(phone.db, bad);
    await saveEntry(phone.db, { ...kept, title: 'Judul baru', activityType: 'tidak_ada_di_aturan', updatedAt: clock().toISOString() });
    plan.choose = script('response-lost').choose;
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'retry' });
    // The server answers both `duplicate`: one with no version, one at the version the edit was based on.
    const res = await syncNow(phone.deps);
    expect(res).toMatchObject({ status: 'ok', rejected: 2 });
    for (const id of [bad.id, kept.id]) {
      const status = entrySyncStatus(await row(phone.db, id), await pendingEntryIds(phone.db));
      expect(status.kind, id).toBe('rejected');
      if (status.kind === 'rejected') expect(status.errors.map((e) => e.path)).toEqual(['activityType']);
    }
    const stored = await server.stored(library.id);
    expect(stored.has(bad.id)).toBe(false);
    expect([stored.get(kept.id)?.entry.title, stored.get(kept.id)?.version]).toEqual(['Judul lama', keptVersion]);
    expect(await pendingMutations(phone.db)).toEqual([]);

    // Fixed, it is stored; a duplicate of a write the server did store stays "Terkirim".
    await saveEntry(phone.db, { ...bad, activityType: 'lainnya', updatedAt: clock().toISOString() });
    plan.choose = script('response-lost').choose;
    await syncNow(phone.deps);
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', rejected: 0 });
    expect(entrySyncStatus(await row(phone.db, bad.id), new Set()).kind).toBe('sent');
    expect((await server.stored(library.id)).get(bad.id)?.entry.activityType).toBe('lainnya');
  });

  it('two offline changes of one entry: the later one wins even when the phone\'s clock went back', async () => {
    const library = await server.addLibrary('Perpustakaan Jam Mundur');
    const phone = newPhone(plainFetch, clock, prng(12));
    await enrolPhone(phone, server, library.id);
    const e = entry({ libraryId: library.id, title: 'Pertama', updatedAt: '2025-10-05T00:00:00.000Z' });
    await saveEntry(phone.db, e);
    await saveEntry(phone.db, { ...e, title: 'Kedua, jam mundur', updatedAt: '2025-10-04T00:00:00.000Z' });
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 2 });
    expect((await server.stored(library.id)).get(e.id)?.entry.title).toBe('Kedua, jam mundur');
    expect((await row(phone.db, e.id)).title).toBe('Kedua, jam mundur');
  });

  it('a lost conflict stores the winner ("Diperbarui dari perangkat lain"; "Dari perangkat lain" before); a pending newer edit is not overwritten', async () => {
    const library = await server.addLibrary('Perpustakaan Konflik');
    const a = newPhone(plainFetch, clock, prng(3));
    const b = newPhone(plainFetch, clock, prng(4));
    await enrolPhone(a, server, library.id);
    await enrolPhone(b, server, library.id);
    const e = entry({ libraryId: library.id, title: 'Awal' });
    await saveEntry(a.db, e);
    await syncNow(a.deps);
    await syncNow(b.deps);
    expect((await row(b.db, e.id)).title).toBe('Awal');
    // Only received, never changed here: "Dari perangkat lain", not "Diperbarui …".
    expect(entrySyncStatus(await row(b.db, e.id), new Set())).toMatchObject({ kind: 'remote', arrived: true });

    // Both edit offline; A's edit is later, B pushes first, then A wins and B is superseded.
    await saveEntry(b.db, { ...e, title: 'Dari B', updatedAt: clock().toISOString() });
    await saveEntry(a.db, { ...e, title: 'Dari A', updatedAt: clock().toISOString() });
    await syncNow(b.deps);
    // A pulls B's (older) copy while its own edit waits: A keeps its own.
    await saveEntry(a.db, { ...(await row(a.db, e.id)), title: 'Dari A lagi', updatedAt: clock().toISOString() });
    expect(await syncNow(a.deps)).toMatchObject({ status: 'ok' });
    expect((await row(a.db, e.id)).title).toBe('Dari A lagi');
    // B edits again on an old base with an earlier time than A's: superseded by A's.
    await saveEntry(b.db, { ...e, title: 'B terlambat', updatedAt: new Date(Date.parse(e.updatedAt) + 1).toISOString() });
    expect(await syncNow(b.deps)).toMatchObject({ status: 'ok' });
    const rb = await row(b.db, e.id);
    expect(rb.title).toBe('Dari A lagi');
    expect(rb.receipt?.status).toBe('superseded');
    expect(entrySyncStatus(rb, new Set())).toMatchObject({ kind: 'remote', arrived: false });
    expect((await server.stored(library.id)).get(e.id)?.entry.title).toBe('Dari A lagi');
  });
});

describe('deleting an entry the server never had', () => {
  it('is done on the phone alone: nothing reaches the server, and the freed seq does not stop the queue', async () => {
    const library = await server.addLibrary('Perpustakaan Salah Ketik');
    const phone = newPhone(plainFetch, clock, prng(16));
    await enrolPhone(phone, server, library.id);
    const kept = entry({ libraryId: library.id, updatedAt: clock().toISOString() });
    await saveEntry(phone.db, kept);
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 1 });
    const typo = entry({ libraryId: library.id, title: 'Data pribadi Ibu Sari NIK 3516', updatedAt: clock().toISOString() });
    const next = entry({ libraryId: library.id, updatedAt: clock().toISOString() });
    await saveEntry(phone.db, typo);
    await saveEntry(phone.db, next);
    expect(await deleteEntry(phone.db, typo.id, clock())).toMatchObject({ ok: true, discarded: true });
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 1 });
    const stored = await server.stored(library.id);
    expect([...stored.keys()].sort()).toEqual([kept.id, next.id].sort());
    expect(await phone.db.entries.get(typo.id)).toBeUndefined();
    expect(await pendingMutations(phone.db)).toEqual([]);
  });

  it('"Kirim sekarang" with no signal changes nothing: logged and deleted offline, it is still deleted on the phone alone', async () => {
    const library = await server.addLibrary('Perpustakaan Tanpa Sinyal');
    let online = true;
    let requests = 0;
    const counting: FetchFn = (input, init) => {
      requests++;
      return fetch(input, init);
    };
    const phone = newPhone(counting, clock, prng(25), { online: () => online });
    await enrolPhone(phone, server, library.id);
    online = false;
    const secret = entry({ libraryId: library.id, title: 'Data pribadi Ibu Sari', updatedAt: clock().toISOString() });
    await saveEntry(phone.db, secret);
    const before = requests;
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'retry', error: { status: 0, code: 'network' } });
    expect(requests).toBe(before);
    expect(await deleteEntry(phone.db, secret.id, clock())).toMatchObject({ ok: true, discarded: true });
    online = true;
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 0 });
    expect((await server.stored(library.id)).has(secret.id)).toBe(false);
  });

  it('sent, but the answer was lost: a tombstone, so the server deletes it too', async () => {
    const { library, phone, e } = await sentButAnswerLost('Perpustakaan Jawaban Hilang', 17);
    expect((await row(phone.db, e.id)).receipt).toBeUndefined();
    expect(await deleteEntry(phone.db, e.id, clock())).toMatchObject({ ok: true, seq: 2 });
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok' });
    expect((await server.stored(library.id)).get(e.id)?.entry.deleted).toBe(true);
    expect((await row(phone.db, e.id)).deleted).toBe(true);
  });

  it('deleted while its push is on the way (the sync holds the lock): a tombstone, so the server deletes it too', async () => {
    const library = await server.addLibrary('Perpustakaan Sedang Kirim');
    let phone: ReturnType<typeof newPhone> | null = null;
    const first = entry({ libraryId: library.id, updatedAt: clock().toISOString() });
    const late = entry({ libraryId: library.id, title: 'Tersimpan saat sinkron', updatedAt: '' });
    let pushes = 0;
    let deleted: unknown = null;
    const inFlight: FetchFn = async (input, init) => {
      if (init?.method === 'POST' && new URL(input).pathname.endsWith('/sync/push')) {
        pushes++;
        // Saved after this sync began (and after its first batch was read)...
        if (pushes === 1) await saveEntry(phone!.db, { ...late, updatedAt: clock().toISOString() });
        // ...and deleted while the batch holding it is on its way.
        if (pushes === 2) deleted = await deleteEntry(phone!.db, late.id, clock());
      }
      return fetch(input, init);
    };
    phone = newPhone(inFlight, clock, prng(18), { batchSize: 1 });
    // The engine's own lock (here its in-process fallback), which deleteEntry tries too.
    phone.deps.lock = defaultLock(phone.db, undefined);
    await enrolPhone(phone, server, library.id);
    await saveEntry(phone.db, first);
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok' });
    expect(deleted).toMatchObject({ ok: true, seq: 3 });
    expect((await server.stored(library.id)).get(late.id)?.entry.deleted).toBe(true);
    expect((await row(phone.db, late.id)).deleted).toBe(true);
    expect(await pendingMutations(phone.db)).toEqual([]);
  });
  it('saved during a sync and carried by its next batch, answer lost: a tombstone, so the server deletes it too', async () => {
    const library = await server.addLibrary('Perpustakaan Simpan Saat Kirim');
    let phone: ReturnType<typeof newPhone> | null = null;
    const late = entry({ libraryId: library.id, title: 'Ditulis saat kirim', updatedAt: '' });
    let pushes = 0;
    const fetchLosingSecond: FetchFn = async (input, init) => {
      if (init?.method === 'POST' && new URL(input).pathname.endsWith('/sync/push')) {
        pushes++;
        // Saved while the first batch is on its way, after this sync began.
        if (pushes === 1) await saveEntry(phone!.db, { ...late, updatedAt: clock().toISOString() });
        // The second batch carries it; the server applies it, and the answer is lost.
        if (pushes === 2) {
          await (await fetch(input, init)).arrayBuffer();
          throw new TypeError('fetch failed');
        }
      }
      return fetch(input, init);
    };
    phone = newPhone(fetchLosingSecond, clock, prng(19), { batchSize: 1 });
    await enrolPhone(phone, server, library.id);
    await saveEntry(phone.db, entry({ libraryId: library.id, updatedAt: clock().toISOString() }));
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'retry' });
    expect((await server.stored(library.id)).get(late.id)?.entry.deleted).toBe(false);
    expect(await deleteEntry(phone.db, late.id, clock())).toMatchObject({ ok: true, seq: 3 });
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok' });
    expect((await server.stored(library.id)).get(late.id)?.entry.deleted).toBe(true);
    expect((await row(phone.db, late.id)).deleted).toBe(true);
  });

  it('held by the server (a duplicate answer), then an edit refused: a tombstone, not a delete on the phone alone', async () => {
    const { phone, plan, e } = await sentButAnswerLost('Perpustakaan Ditolak Kemudian', 20);
    // An edit the phone accepts and the server refuses: a date after the server's today.
    await saveEntry(phone.db, { ...e, date: '2025-12-01', updatedAt: clock().toISOString() });
    // The first comes back `duplicate`, the edit `rejected`; then the pull is lost.
    plan.choose = script('none', 'none', 'request-lost').choose;
    await syncNow(phone.deps);
    const held = await row(phone.db, e.id);
    expect([held.serverVersion, held.receipt?.status, held.onServer]).toEqual([undefined, 'rejected', true]);
    expect(await deleteEntry(phone.db, e.id, clock())).toMatchObject({ ok: true });
    expect((await row(phone.db, e.id)).deleted).toBe(true);
    expect((await pendingMutations(phone.db)).map((m) => [m.entry.id, m.entry.deleted])).toEqual([[e.id, true]]);
  });

  it('superseded while its newer edit waits, the sync then cut short: a tombstone, for the server holds it', async () => {
    const library = await server.addLibrary('Perpustakaan Kalah Lalu Hapus');
    const plan = script();
    const a = newPhone(faultyFetch(server, plan), clock, prng(21), { batchSize: 2 });
    const b = newPhone(plainFetch, clock, prng(22));
    await enrolPhone(a, server, library.id);
    await enrolPhone(b, server, library.id);
    const e = entry({ libraryId: library.id, updatedAt: clock().toISOString() });
    await saveEntry(a.db, e);
    // B restores A's backup, edits e and syncs: the server holds e, written by B.
    expect(await importJson(b.db, await exportJson(a.db, null, clock()))).toMatchObject({ ok: true, added: 1 });
    await saveEntry(b.db, { ...e, title: 'Diubah di B', updatedAt: clock().toISOString() });
    expect(await syncNow(b.deps)).toMatchObject({ status: 'ok' });
    // A: f saved and edited twice, then e edited: outbox e@1 f@2 f@3 f@4 e@5.
    const f = entry({ libraryId: library.id, updatedAt: clock().toISOString() });
    for (const title of ['f 1', 'f 2', 'f 3']) await saveEntry(a.db, { ...f, title, updatedAt: clock().toISOString() });
    await saveEntry(a.db, { ...e, title: 'Diubah di A', updatedAt: clock().toISOString() });
    // [e@1, f@2] answered (e superseded, kept back by e@5); [f@3] lost on its way.
    plan.choose = script('none', 'request-lost').choose;
    expect(await syncNow(a.deps)).toMatchObject({ status: 'retry' });
    expect((await row(a.db, e.id)).onServer).toBe(true);
    expect(await deleteEntry(a.db, e.id, clock())).not.toHaveProperty('discarded');
    plan.choose = script().choose;
    expect(await syncNow(a.deps)).toMatchObject({ status: 'ok' });
    expect((await server.stored(library.id)).get(e.id)?.entry.deleted).toBe(true);
  });

  it('restored from a backup of a local library that has since enrolled and pushed: a tombstone, for the server holds it', async () => {
    const library = await server.addLibrary('Perpustakaan HP Hilang');
    const old = newPhone(plainFetch, clock, prng(23));
    const e = entry({ libraryId: 'lokal-lama', updatedAt: clock().toISOString() });
    await saveEntry(old.db, e);
    const backup = await exportJson(old.db, null, clock());
    await enrolPhone(old, server, library.id);
    expect(await syncNow(old.deps)).toMatchObject({ status: 'ok' });
    // The old phone is lost; a new one restores the file, enrols, and e is deleted before the first sync.
    const fresh = newPhone(plainFetch, clock, prng(24));
    expect(await importJson(fresh.db, backup)).toMatchObject({ ok: true, added: 1 });
    await enrolPhone(fresh, server, library.id);
    expect(await deleteEntry(fresh.db, e.id, clock())).not.toHaveProperty('discarded');
    expect(await syncNow(fresh.deps)).toMatchObject({ status: 'ok' });
    expect((await server.stored(library.id)).get(e.id)?.entry.deleted).toBe(true);
  });
});

describe('the phone\'s own write, clamped by the server', () => {
  it('comes back from the pull as "Terkirim" with the server\'s copy, not as from another device', async () => {
    const library = await server.addLibrary('Perpustakaan Jam Cepat');
    // The phone's clock is 10 minutes ahead of the server's: its updatedAt is stored clamped.
    let fast = SERVER_NOW + 10 * 60_000;
    const fastClock = () => new Date(fast++);
    const phone = newPhone(plainFetch, fastClock, prng(19));
    await enrolPhone(phone, server, library.id);
    const e = entry({ libraryId: library.id, title: 'Musdes anggaran', updatedAt: fastClock().toISOString() });
    await saveEntry(phone.db, e);
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 1 });
    const stored = (await server.stored(library.id)).get(e.id)!;
    expect(stored.entry.updatedAt).not.toBe(e.updatedAt);
    const r = await row(phone.db, e.id);
    expect(r.updatedAt).toBe(stored.entry.updatedAt);
    expect(r.serverVersion).toBe(stored.version);
    expect(entrySyncStatus(r, await pendingEntryIds(phone.db))).toMatchObject({ kind: 'sent' });
  });

  it('also when the first answer was lost: the duplicate answer, then the clamped copy, still read "Terkirim"', async () => {
    const library = await server.addLibrary('Perpustakaan Jam Cepat Hilang');
    let fast = SERVER_NOW + 10 * 60_000;
    const fastClock = () => new Date(fast++);
    const plan = script();
    const phone = newPhone(faultyFetch(server, plan), fastClock, prng(23));
    await enrolPhone(phone, server, library.id);
    const e = entry({ libraryId: library.id, title: 'Musdes anggaran', updatedAt: fastClock().toISOString() });
    await saveEntry(phone.db, e);
    plan.choose = script('response-lost').choose;
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'retry' });
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok' });
    const stored = (await server.stored(library.id)).get(e.id)!;
    expect(stored.entry.updatedAt).not.toBe(e.updatedAt);
    const r = await row(phone.db, e.id);
    expect([r.updatedAt, r.serverVersion]).toEqual([stored.entry.updatedAt, stored.version]);
    expect(entrySyncStatus(r, await pendingEntryIds(phone.db))).toMatchObject({ kind: 'sent' });
  });
});

describe('the phone\'s conflict rule', () => {
  it('a copy at the version the server applied for this phone is its own write, whatever its updatedAt', () => {
    const receipt = { status: 'applied' as const, version: 7, at: 'T0' };
    const local = { ...entry({ title: 'Musdes anggaran' }), serverVersion: 7, receipt };
    const clamped = { ...entry({ id: local.id, title: 'Musdes anggaran' }), createdAt: local.createdAt, updatedAt: '2025-01-01T00:00:00.000Z' };
    expect(mergeRemote(local, clamped, 7, 'pulled', false, 'T1')).toEqual({ ...clamped, serverVersion: 7, receipt });
    // Another version is another device's write.
    expect(mergeRemote(local, clamped, 8, 'pulled', false, 'T1')).toMatchObject({ receipt: { status: 'pulled', version: 8 } });
  });

  it('a pending local change is not overwritten by an older remote copy; a newer one replaces it', () => {
    const local = { ...entry({ title: 'Lokal' }), serverVersion: 3 };
    const older = { ...local, title: 'Jauh lama', updatedAt: new Date(Date.parse(local.updatedAt) - 1).toISOString() };
    const newer = { ...local, title: 'Jauh baru', updatedAt: new Date(Date.parse(local.updatedAt) + 1).toISOString() };
    const { serverVersion: _v, ...plain } = local;
    expect(mergeRemote(local, older, 5, 'pulled', true, 'T')).toBeNull();
    expect(mergeRemote(local, newer, 5, 'pulled', true, 'T')).toMatchObject({ title: 'Jauh baru', serverVersion: 5 });
    expect(mergeRemote(local, older, 5, 'pulled', false, 'T')).toMatchObject({ title: 'Jauh lama', receipt: { status: 'pulled' } });
    // Never back to an older version; the phone's own write coming back is not "from another device".
    expect(mergeRemote(local, newer, 2, 'pulled', false, 'T')).toBeNull();
    expect(mergeRemote(local, plain, 6, 'pulled', false, 'T')).toMatchObject({ serverVersion: 6, receipt: { status: 'applied' } });
  });
});

describe('faults', () => {
  it('429 honours Retry-After; a 5xx and a lost response are retried; duplicates are not stored twice', async () => {
    const library = await server.addLibrary('Perpustakaan Gangguan');
    const counts = newCounts();
    const plan = script('rate-limited');
    const phone = newPhone(faultyFetch(server, plan, counts), clock, prng(5));
    await enrolPhone(phone, server, library.id);
    const entries = Array.from({ length: 450 }, () => entry({ libraryId: library.id }));
    for (const e of entries) await saveEntry(phone.db, e);

    const first = await syncNow(phone.deps);
    expect(first.status).toBe('retry');
    if (first.status === 'retry') expect(first.delayMs).toBeGreaterThanOrEqual(7000);
    expect((await getSyncState(phone.db)).failures).toBe(1);
    expect((await getSyncState(phone.db)).nextTryAt).not.toBeNull();

    // First batch committed but its answer lost; then a 5xx after commit on the second.
    plan.choose = script('response-lost').choose;
    expect((await syncNow(phone.deps)).status).toBe('retry');
    expect((await getSyncState(phone.db)).failures).toBe(2);
    expect((await pendingMutations(phone.db)).length).toBe(450);
    plan.choose = script('none', 'server-error-after', 'duplicate').choose;
    expect((await syncNow(phone.deps)).status).toBe('retry');
    const result = await syncNow(phone.deps);
    expect(result).toMatchObject({ status: 'ok' });
    expect(await pendingMutations(phone.db)).toEqual([]);
    const stored = await server.stored(library.id);
    expect(stored.size).toBe(450);
    for (const e of entries) {
      const r = await row(phone.db, e.id);
      expect(r.serverVersion).toBe(stored.get(e.id)!.version);
      expect(entrySyncStatus(r, new Set()).kind).toBe('sent');
    }
    const state = await getSyncState(phone.db);
    expect(state).toMatchObject({ failures: 0, lastError: null, nextTryAt: null });
  });

  it('seq_gap: the outbox is renumbered from the expected seq and resent', async () => {
    const library = await server.addLibrary('Perpustakaan Celah');
    const phone = newPhone(plainFetch, clock, prng(6));
    await enrolPhone(phone, server, library.id);
    await saveEntry(phone.db, entry({ libraryId: library.id }));
    await syncNow(phone.deps);
    // The outbox jumps ahead (as after restoring the phone's data): seqs 41…43.
    const fresh = [entry({ libraryId: library.id }), entry({ libraryId: library.id }), entry({ libraryId: library.id })];
    for (const e of fresh) await saveEntry(phone.db, e);
    const rows = await pendingMutations(phone.db);
    await phone.db.outbox.clear();
    await phone.db.outbox.bulkAdd(rows.map((m, i) => ({ ...m, seq: 41 + i })));
    await phone.db.meta.put({ key: 'outboxSeq', value: 43 });

    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 3 });
    expect((await server.stored(library.id)).size).toBe(4);
    // New saves continue from the renumbered seqs.
    const next = await saveEntry(phone.db, entry({ libraryId: library.id }));
    expect(next.ok && next.seq).toBe(5);
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 1 });
  });

  it('a server restart mid-queue: retried, nothing lost', async () => {
    const library = await server.addLibrary('Perpustakaan Mulai Ulang');
    let restarting: Promise<void> | null = null;
    const plan = {
      choose: (_url: string, method: string): Fault => {
        if (method === 'POST' && !restarting) restarting = server.restart();
        return 'none';
      },
    };
    const phone = newPhone(faultyFetch(server, plan), clock, prng(7));
    await enrolPhone(phone, server, library.id);
    for (let i = 0; i < 300; i++) await saveEntry(phone.db, entry({ libraryId: library.id }));
    const first = await syncNow(phone.deps);
    await restarting;
    const second = first.status === 'ok' ? first : await syncNow(phone.deps);
    expect(second.status).toBe('ok');
    expect((await server.stored(library.id)).size).toBe(300);
  });

  it('a 4xx on the whole request stops, keeps everything and records the error', async () => {
    const library = await server.addLibrary('Perpustakaan Cabut');
    const phone = newPhone(plainFetch, clock, prng(8));
    await enrolPhone(phone, server, library.id);
    const e = entry({ libraryId: library.id });
    await saveEntry(phone.db, e);
    await revokeDevice(server.database.db, (await getEnrolment(phone.db))!.deviceId, new Date());
    const result = await syncNow(phone.deps);
    expect(result.status).toBe('stopped');
    if (result.status === 'stopped') expect(result.error).toMatchObject({ status: 401, code: 'unauthorized' });
    expect((await pendingMutations(phone.db)).length).toBe(1);
    expect((await getSyncState(phone.db)).lastError).toMatchObject({ stopped: true, code: 'unauthorized' });
    expect((await getSyncState(phone.db)).nextTryAt).toBeNull();

    // Enrolled again with a new code: the queue is kept, renumbered for the new device, and sent.
    await enrolPhone(phone, server, library.id);
    expect((await pendingMutations(phone.db)).map((m) => m.seq)).toEqual([1]);
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 1 });
    expect((await server.stored(library.id)).has(e.id)).toBe(true);
  });

  it('deletes travel as tombstones; one sync at a time per phone', async () => {
    const library = await server.addLibrary('Perpustakaan Hapus');
    const counts = newCounts();
    const phone = newPhone(faultyFetch(server, noFaults, counts), clock, prng(9));
    await enrolPhone(phone, server, library.id);
    const e = entry({ libraryId: library.id });
    await saveEntry(phone.db, e);
    // Sent first: an entry the server never had is deleted on the phone alone (below).
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 1 });
    await deleteEntry(phone.db, e.id, clock());
    const [x, y] = await Promise.all([syncNow(phone.deps), syncNow(phone.deps)]);
    expect(x).toMatchObject({ status: 'ok', pushed: 1 });
    expect(y).toMatchObject({ status: 'ok', pushed: 0 });
    expect((await server.stored(library.id)).get(e.id)?.entry.deleted).toBe(true);
  });

  it('the scheduler arms the backoff timer after a retryable failure and coalesces triggers', async () => {
    const library = await server.addLibrary('Perpustakaan Jadwal');
    const plan = script('server-error-before');
    const timers: { fn: () => void; ms: number }[] = [];
    const phone = newPhone(faultyFetch(server, plan), clock, prng(10));
    await enrolPhone(phone, server, library.id);
    await saveEntry(phone.db, entry({ libraryId: library.id }));
    const scheduler = createSyncScheduler({ ...phone.deps, setTimer: (fn, ms) => timers.push({ fn, ms }), clearTimer: () => {} });
    const first = await scheduler.resume();
    expect(first?.status).toBe('retry');
    expect(timers.length).toBe(1);
    timers[0].fn();
    const [a, b] = await Promise.all([scheduler.trigger(), scheduler.trigger()]);
    expect(a.status).toBe('ok');
    expect(b.status).toBe('ok');
    expect((await server.stored(library.id)).size).toBe(1);
    scheduler.stop();
  });
});

describe('when the phone tries again', () => {
  it('attempts with no signal are shown but do not grow the backoff; opened again with signal, the app sends at once', async () => {
    const library = await server.addLibrary('Perpustakaan Sinyal Hilang Timbul');
    let online = false;
    let requests = 0;
    let network: 'up' | 'down' = 'up';
    const net: FetchFn = (input, init) => {
      requests++;
      return network === 'up' ? fetch(input, init) : Promise.reject(new TypeError('Failed to fetch'));
    };
    const phone = newPhone(net, clock, prng(31), { online: () => online });
    online = true;
    await enrolPhone(phone, server, library.id);
    online = false;
    await saveEntry(phone.db, entry({ libraryId: library.id }));
    const before = requests;
    // "Kirim sekarang" tapped again and again with no signal.
    for (let i = 0; i < 6; i++) expect(await syncNow(phone.deps)).toMatchObject({ status: 'retry', error: { status: 0, code: 'network' } });
    expect(requests).toBe(before);
    expect(await getSyncState(phone.db)).toMatchObject({ failures: 0, nextTryAt: null, lastError: { status: 0, code: 'network' } });

    // The browser says online but nothing answers: a real failure, which the backoff counts.
    online = true;
    network = 'down';
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'retry', error: { status: 0 } });
    const failed = await getSyncState(phone.db);
    expect(failed.failures).toBe(1);
    expect(failed.nextTryAt).not.toBeNull();

    // The app is opened again (the next try still ahead) with signal: it sends at once.
    network = 'up';
    const timers: number[] = [];
    const scheduler = createSyncScheduler({ ...phone.deps, setTimer: (_fn, ms) => timers.push(ms), clearTimer: () => {} });
    expect(await scheduler.resume()).toMatchObject({ status: 'ok', pushed: 1 });
    expect(timers).toEqual([]);
    expect((await server.stored(library.id)).size).toBe(1);
    scheduler.stop();
  });

  it('the app opened again honours the wait the server asked for (Retry-After): no request before it', async () => {
    const library = await server.addLibrary('Perpustakaan Server Sibuk');
    const phone = newPhone(plainFetch, clock, prng(32));
    await enrolPhone(phone, server, library.id);
    await saveEntry(phone.db, entry({ libraryId: library.id }));
    let requests = 0;
    const busy: FetchFn = async () => {
      requests++;
      return new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'rate_limited' } }), {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '600' },
      });
    };
    expect(await syncNow({ ...phone.deps, fetch: busy })).toMatchObject({ status: 'retry', delayMs: 600_000 });
    // A moment without signal ("Kirim sekarang" tapped) does not erase the server's wait.
    const waitBefore = await getSyncState(phone.db);
    expect(await syncNow({ ...phone.deps, fetch: busy, online: () => false })).toMatchObject({ status: 'retry', error: { code: 'network' } });
    expect(requests).toBe(1);
    expect(await getSyncState(phone.db)).toMatchObject({ nextTryAt: waitBefore.nextTryAt, lastError: { status: 429 } });
    const timers: number[] = [];
    const scheduler = createSyncScheduler({ ...phone.deps, fetch: busy, setTimer: (_fn, ms) => timers.push(ms), clearTimer: () => {} });
    expect(await scheduler.resume()).toBeNull();
    expect(requests).toBe(1);
    expect(timers).toHaveLength(1);
    expect(timers[0]).toBeGreaterThan(590_000);
    scheduler.stop();
  });

  it('a stop (the phone revoked) outlives attempts made without signal: Beranda and Kirim data still say it', async () => {
    const library = await server.addLibrary('Perpustakaan Dicabut Tanpa Sinyal');
    const phone = newPhone(plainFetch, clock, prng(33));
    await enrolPhone(phone, server, library.id);
    await saveEntry(phone.db, entry({ libraryId: library.id }));
    await revokeDevice(server.database.db, (await getEnrolment(phone.db))!.deviceId, new Date(SERVER_NOW));
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'stopped', error: { code: 'unauthorized' } });
    expect(await syncNow({ ...phone.deps, online: () => false })).toMatchObject({ status: 'retry', error: { code: 'network' } });
    expect((await getSyncState(phone.db)).lastError).toMatchObject({ code: 'unauthorized', stopped: true });
  });
});

describe('stalls and concurrent enrolment', () => {
  it('a server that never answers: each request times out, the sync ends as retry and the lock is free again', async () => {
    const library = await server.addLibrary('Perpustakaan Sinyal Lemah');
    // Accepts the connection and reads the request, never answers (a stalled 2G link).
    const silent = createServer(() => {});
    await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', ok));
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const stalled: FetchFn = (input, init) => {
      const u = new URL(input);
      return fetch(`${silentUrl}${u.pathname}${u.search}`, init);
    };
    try {
      const phone = newPhone(plainFetch, clock, prng(13));
      await enrolPhone(phone, server, library.id);
      await saveEntry(phone.db, entry({ libraryId: library.id }));

      const result = await syncNow({ ...phone.deps, fetch: stalled, requestTimeoutMs: 50 });
      expect(result).toMatchObject({ status: 'retry', pushed: 0, error: { status: 0, message: expect.stringMatching(/no answer/) } });
      expect((await getSyncState(phone.db)).failures).toBe(1);
      // A fetch that ignores the abort signal ends at the deadline too.
      const deaf: FetchFn = () => new Promise<Response>(() => {});
      expect(await syncNow({ ...phone.deps, fetch: deaf, requestTimeoutMs: 20 })).toMatchObject({ status: 'retry', error: { status: 0 } });

      // The same lock is free: the next sync, with the network back, sends the entry.
      expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok', pushed: 1 });
      expect((await server.stored(library.id)).size).toBe(1);
    } finally {
      silent.closeAllConnections();
      await new Promise((ok) => silent.close(ok));
    }
  });

  it('enrolment stores its answer while holding the sync lock', async () => {
    const library = await server.addLibrary('Perpustakaan Kunci');
    const phone = newPhone(plainFetch, clock, prng(14));
    await saveEntry(phone.db, entry({ libraryId: 'lokal-kunci' }));
    const seen: string[] = [];
    const lock: LockFn = async (fn) => {
      seen.push(`enter, enrolled: ${(await getEnrolment(phone.db)) !== null}`);
      const value = await fn();
      seen.push(`leave, enrolled: ${(await getEnrolment(phone.db)) !== null}`);
      return value;
    };
    const res = await enrol({ db: phone.db, fetch: plainFetch, now: clock, serverUrl: server.url, code: await server.code(library.id), lock });
    expect(res).toMatchObject({ ok: true, queued: 1 });
    expect(seen).toEqual(['enter, enrolled: false', 'leave, enrolled: true']);
  });

  it('an acknowledged seq that now holds another mutation (the outbox rebuilt meanwhile) is not deleted', async () => {
    const first = await server.addLibrary('Perpustakaan Lama');
    const second = await server.addLibrary('Perpustakaan Baru');
    const phone = newPhone(plainFetch, clock, prng(15));
    await enrolPhone(phone, server, first.id);
    const a = entry({ libraryId: first.id });
    await saveEntry(phone.db, a);
    // A push of seq 1 goes out...
    const batch = await pendingMutations(phone.db);
    expect(batch.map((m) => [m.seq, m.entry.id])).toEqual([[1, a.id]]);
    // ...and meanwhile the phone is enrolled again (another tab): the outbox is rebuilt from
    // seq 1, the entry re-keyed to the new library, and a new entry is saved after it.
    await enrolPhone(phone, server, second.id, 'move');
    const b = entry({ libraryId: second.id });
    await saveEntry(phone.db, b);
    const before = await pendingMutations(phone.db);
    expect(before.map((m) => [m.seq, m.entry.id, m.entry.libraryId])).toEqual([
      [1, a.id, second.id],
      [2, b.id, second.id],
    ]);

    // The old push's answer acknowledges seq 1: the mutation now there was never sent.
    const answer: PushResponse = { ackSeq: 1, results: [{ seq: 1, entryId: a.id, status: 'applied', version: 1 }] };
    const summary = await applyPushAnswer(phone.db, new OutboxIndex(), batch, answer, new Date(SERVER_NOW));
    expect(summary.acked).toBe(1);
    expect(await pendingMutations(phone.db)).toEqual(before);
    // Nor is the entry given the old library's version and receipt.
    expect(await row(phone.db, a.id)).not.toHaveProperty('serverVersion');
    expect(await row(phone.db, a.id)).not.toHaveProperty('receipt');

    // A seq now holding another entry's mutation stays too.
    await phone.db.transaction('rw', phone.db.outbox, async () => {
      await phone.db.outbox.clear();
      await phone.db.outbox.bulkAdd([{ ...before[1], seq: 1 }, { ...before[0], seq: 2 }]);
    });
    await applyPushAnswer(phone.db, new OutboxIndex(), batch, answer, new Date(SERVER_NOW));
    expect((await pendingMutations(phone.db)).map((m) => [m.seq, m.entry.id])).toEqual([[1, b.id], [2, a.id]]);

    // Everything still reaches the second library.
    expect(await syncNow(phone.deps)).toMatchObject({ status: 'ok' });
    expect([...(await server.stored(second.id)).keys()].sort()).toEqual([a.id, b.id].sort());
  });
});
