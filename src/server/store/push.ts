/**
 * Applies one push batch in one transaction (SYNC-PROTOCOL.md, "Push", steps 3–4 and
 * "Versions and conflicts"). The route has already checked the envelope and the
 * library and validated every entry; here the device's `seq` decides what is new, the
 * conflict rule decides what is stored, and the batch commits whole or not at all.
 *
 * The transaction starts by locking the library's row (see `lockLibrary`), so two
 * pushes to one library never interleave and versions become visible in increasing
 * order within a library — a pull can never skip a committed write.
 */
import { sql } from 'kysely';
import type { ActivityEntry, FieldError, PushResult } from '../../domain';
import type { DbKind } from '../db';
import type { Db } from '../schema';
import { selectEntryRows, upsertEntryRows } from './entry-rows';

/** One mutation after the route's checks: its entry either valid (clamped) or rejected. */
export interface CheckedMutation {
  seq: number;
  baseVersion: number;
  entryId: string;
  check: { ok: true; entry: ActivityEntry } | { ok: false; errors: FieldError[] };
}

export type PushOutcome =
  | { ok: true; ackSeq: number; results: PushResult[] }
  | { ok: false; expectedSeq: number };

/** Thrown only to roll the transaction back; `applyPush` returns it as a value. */
class SeqGap extends Error {
  constructor(readonly expectedSeq: number) {
    super('seq_gap');
  }
}

/** An entry's state while the batch is decided: as stored, or as written by this batch. */
interface EntryState {
  version: number | null; // null until this batch's versions are allocated
  write: number | null; // index into `writes` when this batch wrote it last
  deviceId: string;
  updatedAt: string;
  entry: ActivityEntry;
}

export async function applyPush(
  db: Db,
  kind: DbKind,
  device: { libraryId: string; deviceId: string },
  mutations: readonly CheckedMutation[],
  now: Date,
): Promise<PushOutcome> {
  try {
    return await db.transaction().execute((trx) => applyInTransaction(trx, kind, device, mutations, now));
  } catch (e) {
    if (e instanceof SeqGap) return { ok: false, expectedSeq: e.expectedSeq };
    throw e;
  }
}

async function applyInTransaction(
  trx: Db,
  kind: DbKind,
  { libraryId, deviceId }: { libraryId: string; deviceId: string },
  mutations: readonly CheckedMutation[],
  now: Date,
): Promise<PushOutcome> {
  const nowIso = now.toISOString();
  const lastSeq = await lockLibrary(trx, kind, libraryId, deviceId, nowIso);
  const firstNew = mutations.find((m) => m.seq > lastSeq);
  if (firstNew && firstNew.seq > lastSeq + 1) throw new SeqGap(lastSeq + 1);

  const states = await loadStates(trx, kind, libraryId, [...new Set(mutations.map((m) => m.entryId))]);
  const writes: EntryState[] = [];
  // Results whose version is known only once this batch's versions are allocated.
  const pending: { result: PushResult; state: EntryState }[] = [];
  const results: PushResult[] = [];

  for (const m of mutations) {
    const state = states.get(m.entryId);
    if (m.seq <= lastSeq) {
      const result: PushResult = { seq: m.seq, entryId: m.entryId, status: 'duplicate' };
      if (state) pending.push({ result, state });
      results.push(result);
      continue;
    }
    if (!m.check.ok) {
      results.push({ seq: m.seq, entryId: m.entryId, status: 'rejected', errors: m.check.errors });
      continue;
    }
    const entry = m.check.entry;
    const verdict = state === undefined || state.version === m.baseVersion ? 'applied' : resolveConflict(entry, deviceId, state);
    if (verdict === 'applied') {
      const next: EntryState = { version: null, write: writes.length, deviceId, updatedAt: entry.updatedAt, entry };
      writes.push(next);
      states.set(m.entryId, next);
      const result = { seq: m.seq, entryId: m.entryId, status: 'applied', version: 0 } as PushResult;
      pending.push({ result, state: next });
      results.push(result);
    } else if (verdict === 'duplicate') {
      const result: PushResult = { seq: m.seq, entryId: m.entryId, status: 'duplicate' };
      pending.push({ result, state: state! });
      results.push(result);
    } else {
      const result = { seq: m.seq, entryId: m.entryId, status: 'superseded', version: 0, entry: state!.entry } as PushResult;
      pending.push({ result, state: state! });
      results.push(result);
    }
  }

  const versions = await allocateVersions(trx, kind, writes.length);
  writes.forEach((w, i) => (w.version = versions[i]));
  for (const { result, state } of pending) (result as { version?: number }).version = state.version!;

  // Only the last write of each entry is stored; the earlier ones were superseded within the batch.
  const finals = [...states.values()].filter((s) => s.write !== null);
  await upsertEntryRows(
    trx,
    kind,
    finals.map((s) => ({
      library_id: libraryId,
      entry_id: s.entry.id,
      version: s.version!,
      device_id: s.deviceId,
      updated_at: s.updatedAt,
      deleted: s.entry.deleted ? 1 : 0,
      body: JSON.stringify(s.entry),
    })),
  );

  const ackSeq = Math.max(lastSeq, mutations[mutations.length - 1].seq);
  // On PostgreSQL the library's last_push_at rides along in the same round trip; SQLite
  // wrote it when it took the lock.
  const deviceUpdate = { last_seq: ackSeq, last_push_at: nowIso };
  if (kind === 'postgres') {
    await trx
      .with('library', (w) => w.updateTable('libraries').set({ last_push_at: nowIso }).where('library_id', '=', libraryId))
      .updateTable('devices')
      .set(deviceUpdate)
      .where('library_id', '=', libraryId)
      .where('device_id', '=', deviceId)
      .execute();
  } else {
    await trx.updateTable('devices').set(deviceUpdate).where('library_id', '=', libraryId).where('device_id', '=', deviceId).execute();
  }
  return { ok: true, ackSeq, results };
}

/**
 * Takes the library's lock and reads the device's last seq under it. PostgreSQL:
 * `SELECT … FOR UPDATE` of the library and device rows (READ COMMITTED re-reads a
 * locked row at its latest committed version, so the seq is never stale). SQLite: a
 * write to the library row, which takes the database's write lock at once (a read
 * first could not be upgraded to a write if another process committed meanwhile).
 */
async function lockLibrary(trx: Db, kind: DbKind, libraryId: string, deviceId: string, nowIso: string): Promise<number> {
  if (kind === 'postgres') {
    const row = await trx
      .selectFrom('libraries')
      .innerJoin('devices', 'devices.library_id', 'libraries.library_id')
      .select('devices.last_seq')
      .where('libraries.library_id', '=', libraryId)
      .where('devices.device_id', '=', deviceId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    return Number(row.last_seq);
  }
  await trx.updateTable('libraries').set({ last_push_at: nowIso }).where('library_id', '=', libraryId).execute();
  const row = await trx
    .selectFrom('devices')
    .select('last_seq')
    .where('library_id', '=', libraryId)
    .where('device_id', '=', deviceId)
    .executeTakeFirstOrThrow();
  return Number(row.last_seq);
}

/**
 * A write whose baseVersion is stale meets the stored one: the later `updatedAt` wins;
 * on a tie the larger deviceId; the same `updatedAt` from the same device is the same write.
 */
function resolveConflict(entry: ActivityEntry, deviceId: string, stored: EntryState): 'applied' | 'superseded' | 'duplicate' {
  if (entry.updatedAt !== stored.updatedAt) return entry.updatedAt > stored.updatedAt ? 'applied' : 'superseded';
  if (deviceId === stored.deviceId) return 'duplicate';
  return deviceId > stored.deviceId ? 'applied' : 'superseded';
}

async function loadStates(trx: Db, kind: DbKind, libraryId: string, ids: string[]): Promise<Map<string, EntryState>> {
  const states = new Map<string, EntryState>();
  for (const r of await selectEntryRows(trx, kind, libraryId, ids)) {
    states.set(r.entry_id, {
      version: r.version,
      write: null,
      deviceId: r.device_id,
      updatedAt: r.updated_at,
      entry: JSON.parse(r.body) as ActivityEntry,
    });
  }
  return states;
}

/** `n` fresh server-wide versions, increasing. */
async function allocateVersions(trx: Db, kind: DbKind, n: number): Promise<number[]> {
  if (n === 0) return [];
  if (kind === 'postgres') {
    const { rows } = await sql<{ v: number }>`SELECT nextval('entry_version') AS v FROM generate_series(1, ${n})`.execute(trx);
    return rows.map((r) => Number(r.v)).sort((a, b) => a - b);
  }
  const row = await trx
    .updateTable('version_counter')
    .set((eb) => ({ value: eb('value', '+', n) }))
    .where('id', '=', 1)
    .returning('value')
    .executeTakeFirstOrThrow();
  const last = Number(row.value);
  return Array.from({ length: n }, (_, i) => last - n + 1 + i);
}
