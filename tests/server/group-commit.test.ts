/**
 * Group commit (src/server/store/push*.ts): batches that reach the store together share
 * one transaction, yet each keeps the protocol's guarantees — all of it or none of it,
 * exactly once, the conflict rule as if the batches ran one by one in arrival order.
 * The batches are handed to the store's writer in one tick, so they form one group.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityTypesOf, defaultRulebook, fastEntryParser, type ActivityEntryInput } from '../../src/domain';
import { pushWriterFor, type CheckedMutation, type PushBatch, type PushOutcome } from '../../src/server/store/push';
import { DB_KINDS, addLibrary, call, enrollNew, makeEntry, pushEntries, startTestServer, type Enrolled, type TestServer } from './harness';

const parse = fastEntryParser({ today: '2025-10-20', activityTypes: activityTypesOf(defaultRulebook) });

function batch(s: TestServer, device: Enrolled, firstSeq: number, entries: ActivityEntryInput[], baseVersions: number[] = []): PushBatch {
  const mutations: CheckedMutation[] = entries.map((raw, i) => {
    const entry = parse(raw);
    if (!entry) throw new Error('test entry not valid');
    return { seq: firstSeq + i, baseVersion: baseVersions[i] ?? 0, entryId: entry.id, check: { ok: true, entry } };
  });
  return { libraryId: device.library.id, deviceId: device.deviceId, mutations, now: s.clock.now() };
}

/** Submits every batch in the same tick and waits for all of them. */
function together(s: TestServer, batches: PushBatch[]): Promise<PromiseSettledResult<PushOutcome>[]> {
  const writer = pushWriterFor(s.database);
  return Promise.allSettled(batches.map((b) => writer.submit(b)));
}

async function storedIds(s: TestServer, libraryId: string): Promise<string[]> {
  const rows = await s.database.db.selectFrom('entries').select('entry_id').where('library_id', '=', libraryId).orderBy('entry_id').execute();
  return rows.map((r) => r.entry_id);
}

async function lastSeq(s: TestServer, device: Enrolled): Promise<number> {
  const row = await s.database.db.selectFrom('devices').select('last_seq').where('device_id', '=', device.deviceId).executeTakeFirstOrThrow();
  return Number(row.last_seq);
}

describe.each(DB_KINDS)('group commit on %s', (kind) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(kind);
    // A write the database refuses, to fail one batch in the middle of its writes.
    if (kind === 'sqlite') {
      await sql`CREATE TRIGGER poison BEFORE INSERT ON entries WHEN NEW.body LIKE '%POISON%' BEGIN SELECT RAISE(ABORT, 'poisoned'); END`.execute(s.database.db);
    } else {
      await sql`CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.body LIKE '%POISON%' THEN RAISE EXCEPTION 'poisoned'; END IF; RETURN NEW; END $$`.execute(s.database.db);
      await sql`CREATE TRIGGER poison BEFORE INSERT ON entries FOR EACH ROW EXECUTE FUNCTION poison()`.execute(s.database.db);
    }
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('applies batches of many devices submitted together, each whole, with distinct increasing versions', async () => {
    const devices: Enrolled[] = [];
    for (let i = 0; i < 12; i++) devices.push(await enrollNew(s, await addLibrary(s)));
    const entries = devices.map((d) => [makeEntry(d.library.id), makeEntry(d.library.id), makeEntry(d.library.id)]);
    const settled = await together(s, devices.map((d, i) => batch(s, d, 1, entries[i])));
    const versions: number[] = [];
    settled.forEach((r, i) => {
      expect(r.status).toBe('fulfilled');
      const outcome = (r as PromiseFulfilledResult<PushOutcome>).value;
      expect(outcome).toMatchObject({ ok: true, ackSeq: 3 });
      if (!outcome.ok) return;
      expect(outcome.results.map((x) => x.status)).toEqual(['applied', 'applied', 'applied']);
      const vs = outcome.results.map((x) => (x as { version: number }).version);
      expect([...vs].sort((a, b) => a - b)).toEqual(vs);
      versions.push(...vs);
      expect(outcome.results.map((x) => x.entryId)).toEqual(entries[i].map((e) => e.id));
    });
    expect(new Set(versions).size).toBe(versions.length);
    for (const [i, d] of devices.entries()) {
      expect(await storedIds(s, d.library.id)).toEqual(entries[i].map((e) => String(e.id)).sort());
      expect(await lastSeq(s, d)).toBe(3);
    }
  });

  it('rolls back a batch that fails mid-way alone: the others of its group are stored', async () => {
    const [a, b, c] = [await enrollNew(s, await addLibrary(s)), await enrollNew(s, await addLibrary(s)), await enrollNew(s, await addLibrary(s))];
    const poisoned = [makeEntry(b.library.id), makeEntry(b.library.id, { title: 'POISON kegiatan' })];
    const settled = await together(s, [
      batch(s, a, 1, [makeEntry(a.library.id)]),
      batch(s, b, 1, poisoned),
      batch(s, c, 1, [makeEntry(c.library.id), makeEntry(c.library.id)]),
    ]);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await storedIds(s, a.library.id)).toHaveLength(1);
    expect(await storedIds(s, b.library.id)).toEqual([]);
    expect(await lastSeq(s, b)).toBe(0);
    expect(await storedIds(s, c.library.id)).toHaveLength(2);
    // The failed batch is unacknowledged: sent again without the poison, it applies from seq 1.
    const retry = await pushEntries(s, b, [poisoned[0], makeEntry(b.library.id)]);
    expect(retry.status).toBe(200);
    expect(retry.body.ackSeq).toBe(2);
    // Over HTTP, the failure is a 500 for that request only.
    const failing = await pushEntries(s, b, [makeEntry(b.library.id, { title: 'POISON lagi' })]);
    expect(failing.status).toBe(500);
    expect(failing.body.error.code).toBe('internal');
  });

  it('stores a batch delivered twice in one group once: the copy gets duplicates with the same versions', async () => {
    const d = await enrollNew(s, await addLibrary(s));
    const entries = [makeEntry(d.library.id), makeEntry(d.library.id)];
    const settled = await together(s, [batch(s, d, 1, entries), batch(s, d, 1, entries), batch(s, d, 1, entries)]);
    const [first, ...copies] = settled.map((r) => (r as PromiseFulfilledResult<PushOutcome>).value);
    expect(first.ok && first.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    for (const copy of copies) {
      expect(copy).toEqual({
        ok: true,
        ackSeq: 2,
        results: first.ok ? first.results.map((r) => ({ ...r, status: 'duplicate' })) : [],
      });
    }
    expect(await storedIds(s, d.library.id)).toHaveLength(2);
  });

  it('answers a seq gap in a group with 409 for that batch alone', async () => {
    const [a, b] = [await enrollNew(s, await addLibrary(s)), await enrollNew(s, await addLibrary(s))];
    const settled = await together(s, [batch(s, a, 3, [makeEntry(a.library.id)]), batch(s, b, 1, [makeEntry(b.library.id)])]);
    const [gap, ok] = settled.map((r) => (r as PromiseFulfilledResult<PushOutcome>).value);
    expect(gap).toEqual({ ok: false, expectedSeq: 1 });
    expect(ok).toMatchObject({ ok: true, ackSeq: 1 });
    expect(await storedIds(s, a.library.id)).toEqual([]);
    expect(await lastSeq(s, a)).toBe(0);
  });

  it('decides conflicts between devices of one library in arrival order, storing the winner', async () => {
    const lib = await addLibrary(s);
    const [a, b] = [await enrollNew(s, lib, 'A'), await enrollNew(s, lib, 'B')];
    const e = makeEntry(lib.id);
    const v1 = (await pushEntries(s, a, [e])).body.results[0].version as number;
    const byA = { ...e, title: 'Versi A', updatedAt: '2025-10-03T00:00:00.000Z' };
    const byB = { ...e, title: 'Versi B', updatedAt: '2025-10-02T00:00:00.000Z' };
    const settled = await together(s, [batch(s, a, 2, [byA], [v1]), batch(s, b, 1, [byB], [v1])]);
    const [ra, rb] = settled.map((r) => (r as PromiseFulfilledResult<PushOutcome>).value);
    if (!ra.ok || !rb.ok) throw new Error('expected both to be processed');
    expect(ra.results[0].status).toBe('applied');
    // B's edit is based on v1 too but older: it loses to A's, which it learns.
    expect(rb.results[0]).toMatchObject({ status: 'superseded', version: (ra.results[0] as { version: number }).version, entry: { title: 'Versi A' } });
    const pulled = await call(s, 'GET', '/api/v1/sync/pull', { token: b.token });
    expect(pulled.body.entries).toHaveLength(1);
    expect(pulled.body.entries[0]).toMatchObject({ title: 'Versi A' });
  });

  it('decides a creation that meets a stored entry by the conflict rule, keeping the rest of the group', async () => {
    // The writers insert creations without reading first; this group makes the insert
    // fail (PostgreSQL: the whole group runs again; SQLite: that batch alone).
    const lib = await addLibrary(s);
    const [a, b] = [await enrollNew(s, lib, 'A'), await enrollNew(s, lib, 'B')];
    const other = await enrollNew(s, await addLibrary(s));
    const stored = makeEntry(lib.id);
    const v1 = (await pushEntries(s, a, [stored])).body.results[0].version as number;
    const fresh = makeEntry(lib.id);
    const elsewhere = [makeEntry(other.library.id), makeEntry(other.library.id)];
    const settled = await together(s, [
      batch(s, other, 1, elsewhere),
      batch(s, b, 1, [{ ...stored, title: 'Dari B', updatedAt: '2025-10-04T00:00:00.000Z' }, fresh]),
    ]);
    const [ro, rb] = settled.map((r) => {
      if (r.status !== 'fulfilled' || !r.value.ok) throw new Error(`expected every batch processed: ${JSON.stringify(r)}`);
      return r.value.results as { status: string; version: number }[];
    });
    expect(ro.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(rb.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(rb[0].version).toBeGreaterThan(v1);
    const pulled = await call(s, 'GET', '/api/v1/sync/pull', { token: a.token });
    const byId = new Map(pulled.body.entries.map((x: { id: string; title: string; version: number }) => [x.id, [x.title, x.version]]));
    expect(byId).toEqual(new Map([[stored.id, ['Dari B', rb[0].version]], [fresh.id, [fresh.title, rb[1].version]]]));
    expect(await storedIds(s, other.library.id)).toEqual(elsewhere.map((e) => e.id).sort());
    expect([await lastSeq(s, a), await lastSeq(s, b), await lastSeq(s, other)]).toEqual([1, 2, 2]);
  });

  it('decides two devices creating one new id in one group by the conflict rule', async () => {
    const lib = await addLibrary(s);
    const [a, c] = [await enrollNew(s, lib, 'A'), await enrollNew(s, lib, 'C')];
    const same = makeEntry(lib.id);
    const settled = await together(s, [
      batch(s, a, 1, [{ ...same, title: 'Dari A', updatedAt: '2025-10-04T00:00:00.000Z' }]),
      batch(s, c, 1, [{ ...same, title: 'Dari C', updatedAt: '2025-10-05T00:00:00.000Z' }]),
    ]);
    const [ra, rc] = settled.map((r) => (r as PromiseFulfilledResult<PushOutcome & { ok: true }>).value.results[0] as { status: string; version: number });
    expect([ra.status, rc.status]).toEqual(['applied', 'applied']);
    expect(rc.version).toBeGreaterThan(ra.version);
    const pulled = await call(s, 'GET', '/api/v1/sync/pull', { token: a.token });
    expect(pulled.body.entries).toEqual([expect.objectContaining({ id: same.id, title: 'Dari C', version: rc.version })]);
  });

  it('answers a retried batch in the same group as its first copy with the stored versions of its duplicates', async () => {
    // One device twice in a group (a retry after a timeout): the second copy's mutations
    // are duplicates of the first's, and a duplicate of a stored entry reports its version.
    const lib = await addLibrary(s);
    const dev = await enrollNew(s, lib);
    const x = makeEntry(lib.id);
    const vx = (await pushEntries(s, dev, [x])).body.results[0].version as number;
    const rejectedX = (seq: number): CheckedMutation => ({
      seq,
      baseVersion: vx,
      entryId: String(x.id),
      check: { ok: false, errors: [{ path: 'title', message: 'Judul wajib diisi' }] },
    });
    const y = makeEntry(lib.id);
    const first: PushBatch = { libraryId: lib.id, deviceId: dev.deviceId, mutations: [rejectedX(2)], now: s.clock.now() };
    const retry = batch(s, dev, 3, [y]);
    const withRetry: PushBatch = { ...retry, mutations: [rejectedX(2), ...retry.mutations] };
    const settled = await together(s, [first, withRetry]);
    const [r1, r2] = settled.map((r) => (r as PromiseFulfilledResult<PushOutcome & { ok: true }>).value);
    expect(r1.results).toEqual([expect.objectContaining({ seq: 2, status: 'rejected' })]);
    expect(r2.results[0]).toEqual({ seq: 2, entryId: x.id, status: 'duplicate', version: vx });
    expect(r2.results[1]).toMatchObject({ seq: 3, entryId: y.id, status: 'applied' });
    expect(await lastSeq(s, dev)).toBe(3);
  });

  it('keeps every HTTP push of many devices at once whole and exactly once', async () => {
    const lib = await addLibrary(s);
    const devices: Enrolled[] = [];
    for (let i = 0; i < 8; i++) devices.push(await enrollNew(s, i < 4 ? lib : await addLibrary(s)));
    const sent = devices.map((d) => Array.from({ length: 3 }, () => [makeEntry(d.library.id), makeEntry(d.library.id)]));
    await Promise.all(
      devices.map(async (d, i) => {
        for (const entries of sent[i]) {
          // Each batch twice at once, as a phone retrying while the first is in flight.
          const [r1, r2] = await Promise.all([pushEntries(s, { ...d }, entries), pushEntries(s, d, entries)]);
          expect([r1.status, r2.status]).toEqual([200, 200]);
          expect(r2.body.ackSeq).toBe(r1.body.ackSeq);
          const statuses = [...r1.body.results, ...r2.body.results].map((r: { status: string }) => r.status).sort();
          expect(statuses).toEqual(['applied', 'applied', 'duplicate', 'duplicate']);
        }
      }),
    );
    for (const [i, d] of devices.entries()) {
      expect(await lastSeq(s, d)).toBe(6);
      const ids = await storedIds(s, d.library.id);
      for (const entries of sent[i]) for (const e of entries) expect(ids).toContain(e.id);
    }
    const shared = await storedIds(s, lib.id);
    expect(shared).toHaveLength(4 * 6);
  });
});
