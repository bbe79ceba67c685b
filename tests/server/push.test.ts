/** POST /api/v1/sync/push, rule by rule (SYNC-PROTOCOL.md, "Push"). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushResponseSchema } from '../../src/domain';
import {
  DB_KINDS,
  addLibrary,
  call,
  enrollNew,
  makeEntry,
  pushEntries,
  rowCounts,
  startTestServer,
  type TestServer,
} from './harness';

describe.each(DB_KINDS)('push on %s', (kind) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(kind);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('applies new entries with increasing versions and acknowledges the last seq', async () => {
    const lib = await addLibrary(s);
    const dev = await enrollNew(s, lib);
    const res = await pushEntries(s, dev, [makeEntry(lib.id), makeEntry(lib.id)]);
    expect(res.status).toBe(200);
    const body = pushResponseSchema.parse(res.body);
    expect(body.ackSeq).toBe(2);
    expect(body.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const [a, b] = body.results as { version: number }[];
    expect(b.version).toBeGreaterThan(a.version);
  });

  it('answers a replayed batch with duplicates and the same ackSeq, storing nothing twice', async () => {
    const lib = await addLibrary(s);
    const dev = await enrollNew(s, lib);
    const entries = [makeEntry(lib.id), makeEntry(lib.id), makeEntry(lib.id)];
    const first = await pushEntries(s, dev, entries);
    const before = await rowCounts(s.database);
    for (let i = 0; i < 3; i++) {
      const mutations = entries.map((entry, j) => ({ seq: 1 + j, baseVersion: 0, entry }));
      const again = await call(s, 'POST', '/api/v1/sync/push', { token: dev.token, json: { mutations } });
      expect(again.status).toBe(200);
      expect(again.body.ackSeq).toBe(3);
      expect(again.body.results).toEqual(
        first.body.results.map((r: { seq: number; entryId: string; version: number }) => ({
          seq: r.seq,
          entryId: r.entryId,
          status: 'duplicate',
          version: r.version,
        })),
      );
    }
    expect(await rowCounts(s.database)).toEqual(before);
  });

  it('processes the new tail of a batch that overlaps what was already acknowledged', async () => {
    const lib = await addLibrary(s);
    const dev = await enrollNew(s, lib);
    const e1 = makeEntry(lib.id);
    const e2 = makeEntry(lib.id);
    await pushEntries(s, dev, [e1]);
    const res = await call(s, 'POST', '/api/v1/sync/push', {
      token: dev.token,
      json: { mutations: [{ seq: 1, baseVersion: 0, entry: e1 }, { seq: 2, baseVersion: 0, entry: e2 }] },
    });
    expect(res.body.ackSeq).toBe(2);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'applied']);
  });

  it('refuses a gap in seq with 409 and the expected seq, applying nothing', async () => {
    const lib = await addLibrary(s);
    const dev = await enrollNew(s, lib);
    await pushEntries(s, dev, [makeEntry(lib.id)]);
    const before = await rowCounts(s.database);
    const res = await call(s, 'POST', '/api/v1/sync/push', {
      token: dev.token,
      json: { mutations: [{ seq: 5, baseVersion: 0, entry: makeEntry(lib.id) }] },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('seq_gap');
    expect(res.body.error.details).toEqual([{ path: 'expected', message: '2' }]);
    expect(await rowCounts(s.database)).toEqual(before);
  });

  it('rejects an invalid entry with field errors in the request language, and counts it as processed', async () => {
    const lib = await addLibrary(s);
    const dev = await enrollNew(s, lib);
    const bad = makeEntry(lib.id, { title: 'x', partners: [{ name: '', kind: 'sekolah' }] });
    const good = makeEntry(lib.id);
    const res = await call(s, 'POST', '/api/v1/sync/push', {
      token: dev.token,
      headers: { 'accept-language': 'en' },
      json: { mutations: [{ seq: 1, baseVersion: 0, entry: bad }, { seq: 2, baseVersion: 0, entry: good }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.ackSeq).toBe(2);
    const [r1, r2] = res.body.results;
    expect(r1.status).toBe('rejected');
    expect(r1.errors.map((e: { path: string }) => e.path).sort()).toEqual(['partners.0.name', 'title']);
    expect(r1.errors.find((e: { path: string }) => e.path === 'title').message).toBe('Activity title needs at least 3 characters');
    expect(r2.status).toBe('applied');
    // Indonesian by default.
    const id = await pushEntries(s, { ...dev, nextSeq: 3 }, [makeEntry(lib.id, { date: '2025-12-01' })]);
    expect(id.body.results[0].errors).toEqual([{ path: 'date', message: 'Tanggal kegiatan tidak boleh di masa depan' }]);
  });

  it('refuses a batch with an entry of another library with 403, applying nothing, duplicates included', async () => {
    const lib = await addLibrary(s);
    const other = await addLibrary(s, { name: 'Perpustakaan Lain' });
    const dev = await enrollNew(s, lib);
    const mine = makeEntry(lib.id);
    await pushEntries(s, dev, [mine]);
    const before = await rowCounts(s.database);
    const res = await call(s, 'POST', '/api/v1/sync/push', {
      token: dev.token,
      json: {
        mutations: [
          { seq: 1, baseVersion: 0, entry: { ...mine, libraryId: other.id } },
          { seq: 2, baseVersion: 0, entry: makeEntry(lib.id) },
        ],
      },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('wrong_library');
    expect(await rowCounts(s.database)).toEqual(before);
    const next = await pushEntries(s, dev, [makeEntry(lib.id)]);
    expect(next.body.ackSeq).toBe(2);
  });

  it("takes an upper-case copy of the device's library id as that library (ids are lower-cased)", async () => {
    const lib = await addLibrary(s);
    const dev = await enrollNew(s, lib);
    const id = String(makeEntry(lib.id).id);
    const res = await pushEntries(s, dev, [makeEntry(lib.id.toUpperCase(), { id: id.toUpperCase() })]);
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ status: 'applied', entryId: id });
    const pulled = await call(s, 'GET', '/api/v1/sync/pull', { token: dev.token });
    expect(pulled.body.entries[0]).toMatchObject({ id, libraryId: lib.id });
  });

  it('refuses a broken envelope with 400 invalid_request and details', async () => {
    const lib = await addLibrary(s);
    const dev = await enrollNew(s, lib);
    const cases: unknown[] = [
      {},
      { mutations: [] },
      { mutations: [{ seq: 0, baseVersion: 0, entry: makeEntry(lib.id) }] },
      { mutations: [{ seq: 1, baseVersion: -1, entry: makeEntry(lib.id) }] },
      { mutations: [{ seq: 1, baseVersion: 0, entry: { id: 1, libraryId: lib.id } }] },
      { mutations: [{ seq: 1, baseVersion: 0, entry: makeEntry(lib.id) }, { seq: 3, baseVersion: 0, entry: makeEntry(lib.id) }] },
      { mutations: Array.from({ length: 501 }, (_, i) => ({ seq: i + 1, baseVersion: 0, entry: { id: 'a', libraryId: lib.id } })) },
    ];
    for (const json of cases) {
      const res = await call(s, 'POST', '/api/v1/sync/push', { token: dev.token, json });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.details.length).toBeGreaterThan(0);
    }
  });

  describe('conflicts', () => {
    it('applies a write whose baseVersion is the stored version', async () => {
      const lib = await addLibrary(s);
      const dev = await enrollNew(s, lib);
      const e = makeEntry(lib.id);
      const v1 = (await pushEntries(s, dev, [e])).body.results[0].version;
      const edit = { ...e, title: 'Judul baru', updatedAt: '2025-10-01T04:00:00.000Z' };
      const res = await pushEntries(s, dev, [edit], [v1]);
      expect(res.body.results[0]).toMatchObject({ status: 'applied' });
      expect(res.body.results[0].version).toBeGreaterThan(v1);
    });

    it('lets the later updatedAt win; the loser is superseded and gets the winner', async () => {
      const lib = await addLibrary(s);
      const a = await enrollNew(s, lib, 'A');
      const b = await enrollNew(s, lib, 'B');
      const e = makeEntry(lib.id);
      const v1 = (await pushEntries(s, a, [e])).body.results[0].version;
      const byA = { ...e, title: 'Versi A', updatedAt: '2025-10-02T00:00:00.000Z' };
      const byB = { ...e, title: 'Versi B', updatedAt: '2025-10-03T00:00:00.000Z' };
      const va = (await pushEntries(s, a, [byA], [v1])).body.results[0].version;
      // B edited the same version later in time: B wins although A wrote first.
      const won = await pushEntries(s, b, [byB], [v1]);
      expect(won.body.results[0].status).toBe('applied');
      const vb = won.body.results[0].version;
      expect(vb).toBeGreaterThan(va);
      // A's older edit, still based on v1, now loses.
      const older = { ...e, title: 'Versi A lama', updatedAt: '2025-10-02T12:00:00.000Z' };
      const lost = await pushEntries(s, a, [older], [v1]);
      expect(lost.body.results[0]).toMatchObject({ status: 'superseded', version: vb, entry: { title: 'Versi B' } });
    });

    it('breaks a tie of updatedAt by the larger deviceId, and treats the same device and time as the same write', async () => {
      const lib = await addLibrary(s);
      const a = await enrollNew(s, lib, 'A');
      const b = await enrollNew(s, lib, 'B');
      const [small, large] = a.deviceId < b.deviceId ? [a, b] : [b, a];
      const e = makeEntry(lib.id);
      const v1 = (await pushEntries(s, small, [e])).body.results[0].version;
      const at = '2025-10-05T00:00:00.000Z';
      const v2 = (await pushEntries(s, small, [{ ...e, title: 'Dari kecil', updatedAt: at }], [v1])).body.results[0].version;
      const fromLarge = await pushEntries(s, large, [{ ...e, title: 'Dari besar', updatedAt: at }], [v1]);
      expect(fromLarge.body.results[0].status).toBe('applied');
      const v3 = fromLarge.body.results[0].version;
      expect(v3).toBeGreaterThan(v2);
      const fromSmall = await pushEntries(s, small, [{ ...e, title: 'Dari kecil lagi', updatedAt: at }], [v2]);
      expect(fromSmall.body.results[0]).toMatchObject({ status: 'superseded', version: v3 });
      const sameAgain = await pushEntries(s, large, [{ ...e, title: 'Dari besar', updatedAt: at }], [v1]);
      expect(sameAgain.body.results[0]).toEqual({ seq: sameAgain.body.ackSeq, entryId: e.id, status: 'duplicate', version: v3 });
    });

    it('clamps an updatedAt more than 5 minutes ahead to the server clock and stores it clamped', async () => {
      const lib = await addLibrary(s);
      const dev = await enrollNew(s, lib);
      const nearFuture = new Date(s.clock.ms + 4 * 60_000).toISOString();
      const farFuture = '2025-12-31T00:00:00.000Z';
      const near = makeEntry(lib.id, { updatedAt: nearFuture });
      const far = makeEntry(lib.id, { updatedAt: farFuture });
      await pushEntries(s, dev, [near, far]);
      const pulled = await call(s, 'GET', '/api/v1/sync/pull', { token: dev.token });
      const byId = new Map(pulled.body.entries.map((x: { id: string; updatedAt: string }) => [x.id, x.updatedAt]));
      expect(byId.get(near.id)).toBe(nearFuture);
      expect(byId.get(far.id)).toBe(s.clock.now().toISOString());
    });

    it('takes a clamped write sent again under a new seq as the same write; changed, it is a new one', async () => {
      // The stored copy carries the time it arrived; sent again later, the same write would
      // arrive later than itself and win against itself.
      const lib = await addLibrary(s);
      const dev = await enrollNew(s, lib);
      const other = await enrollNew(s, lib, 'Lain');
      const e = makeEntry(lib.id, { updatedAt: new Date(s.clock.ms + 60 * 60_000).toISOString() });
      const v1 = (await pushEntries(s, dev, [e])).body.results[0].version;
      s.clock.advance(10 * 60_000);
      const again = await pushEntries(s, dev, [e]);
      expect(again.body.results[0]).toEqual({ seq: again.body.ackSeq, entryId: e.id, status: 'duplicate', version: v1 });
      // Another device sending the same contents is another write, decided by the times.
      const fromOther = await pushEntries(s, other, [e]);
      expect(fromOther.body.results[0]).toMatchObject({ status: 'applied' });
      const v2 = fromOther.body.results[0].version;
      s.clock.advance(10 * 60_000);
      const changed = await pushEntries(s, dev, [{ ...e, title: 'Diubah' }], [v1]);
      expect(changed.body.results[0]).toMatchObject({ status: 'applied' });
      expect(changed.body.results[0].version).toBeGreaterThan(v2);
      const pulled = await call(s, 'GET', '/api/v1/sync/pull', { token: dev.token });
      expect(pulled.body.entries).toEqual([expect.objectContaining({ id: e.id, title: 'Diubah', updatedAt: s.clock.now().toISOString() })]);
    });

    it('decides a creation of an entry that exists (baseVersion 0) by the conflict rule, storing the rest of its batch once', async () => {
      // A phone restored from a backup, or two phones that made the same id: the writers
      // insert creations without reading them first and must fall back to the rule.
      const lib = await addLibrary(s);
      const a = await enrollNew(s, lib, 'A');
      const b = await enrollNew(s, lib, 'B');
      const e = makeEntry(lib.id);
      const v1 = (await pushEntries(s, a, [e])).body.results[0].version;
      const before = await rowCounts(s.database);

      const later = { ...e, title: 'Dibuat lagi di B', updatedAt: '2025-10-04T00:00:00.000Z' };
      const f = makeEntry(lib.id);
      const won = await pushEntries(s, b, [later, f]);
      expect(won.status).toBe(200);
      expect(won.body.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied']);
      const [ve, vf] = won.body.results.map((r: { version: number }) => r.version);
      expect(ve).toBeGreaterThan(v1);
      expect(vf).toBeGreaterThan(v1);

      const older = { ...e, title: 'Salinan lama', updatedAt: '2025-10-03T00:00:00.000Z' };
      const g = makeEntry(lib.id);
      const lost = await pushEntries(s, b, [older, g]);
      expect(lost.body.results[0]).toMatchObject({ status: 'superseded', version: ve, entry: { title: 'Dibuat lagi di B' } });
      expect(lost.body.results[1]).toMatchObject({ status: 'applied' });

      // The same device sending its own write again under a new seq: the same write.
      const again = await pushEntries(s, b, [later]);
      expect(again.body.results[0]).toEqual({ seq: again.body.ackSeq, entryId: e.id, status: 'duplicate', version: ve });

      const pulled = await call(s, 'GET', '/api/v1/sync/pull', { token: a.token });
      const titles = new Map(pulled.body.entries.map((x: { id: string; title: string }) => [x.id, x.title]));
      expect(titles).toEqual(new Map([[e.id, 'Dibuat lagi di B'], [f.id, f.title], [g.id, g.title]]));
      expect((await rowCounts(s.database)).entries).toBe(before.entries + 2);
    });

    it('lets a tombstone compete like any write and stores it', async () => {
      const lib = await addLibrary(s);
      const dev = await enrollNew(s, lib);
      const e = makeEntry(lib.id);
      const v1 = (await pushEntries(s, dev, [e])).body.results[0].version;
      const gone = { ...e, deleted: true, updatedAt: '2025-10-02T00:00:00.000Z' };
      const res = await pushEntries(s, dev, [gone], [v1]);
      expect(res.body.results[0].status).toBe('applied');
      const stale = await pushEntries(s, dev, [{ ...e, title: 'Edit lama', updatedAt: '2025-10-01T12:00:00.000Z' }], [v1]);
      expect(stale.body.results[0]).toMatchObject({ status: 'superseded', entry: { deleted: true } });
    });
  });

  it('treats two writes of one entry in one batch in order, storing the last', async () => {
    const lib = await addLibrary(s);
    const dev = await enrollNew(s, lib);
    const e = makeEntry(lib.id);
    const later = { ...e, title: 'Kedua', updatedAt: '2025-10-01T05:00:00.000Z' };
    const res = await pushEntries(s, dev, [e, later]);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied']);
    const pulled = await call(s, 'GET', '/api/v1/sync/pull', { token: dev.token });
    expect(pulled.body.entries).toHaveLength(1);
    expect(pulled.body.entries[0]).toMatchObject({ title: 'Kedua', version: res.body.results[1].version });
  });

  it('drops unknown fields and stores null optionals as absent', async () => {
    const lib = await addLibrary(s);
    const dev = await enrollNew(s, lib);
    const e = { ...makeEntry(lib.id), location: null, surprise: 'x' } as never;
    await pushEntries(s, dev, [e]);
    const pulled = await call(s, 'GET', '/api/v1/sync/pull', { token: dev.token });
    expect(pulled.body.entries[0]).not.toHaveProperty('surprise');
    expect(pulled.body.entries[0]).not.toHaveProperty('location');
  });
});
